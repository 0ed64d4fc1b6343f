// The file parser's lexer: KpiLexer.g4's rules, written out as a scanner
// over the file's UTF-8 bytes. ANTLR's generated lexer simulates its ATN
// one code point at a time through virtual calls (about 60 ns a byte: a
// third of `kpic check` on a 10 MB package); this walks the bytes.
//
// The grammar stays the definition. The scanner gives exactly the tokens
// (type, channel, byte start and stop, line, column) that the generated
// lexer gives over syntax::Utf8Stream: a unit test compares the two on
// thousands of seeded texts, and the parser fuzzer on every input it makes
// (tests/unit/test_parser.cc, tests/fuzz/fuzz_parser.cc). Keywords are read
// from the generated lexer's vocabulary, and a code point outside ASCII is
// classed by the generated lexer itself (ClassOf).
#pragma once

#include <cstdint>
#include <string_view>

namespace kpic::syntax {

struct ScannedToken {
  uint32_t type = 0;     ///< a KpiLexer token type, or kEof
  uint32_t channel = 0;  ///< 0, KpiLexer::COMMENTS or KpiLexer::ERRORS
  uint32_t start = 0;    ///< first byte
  uint32_t stop = 0;     ///< last byte of the last code point (start - 1 for EOF)
  uint32_t line = 1;     ///< from 1
  uint32_t column = 0;   ///< in code points, from 0
};

class Scanner {
 public:
  static constexpr uint32_t kEof = UINT32_MAX;  ///< antlr4::Token::EOF, as 32 bits

  /// `start` skips a byte order mark. The text must not exceed 4 GB.
  Scanner(std::string_view text, size_t start);

  /// The next token that the lexer does not skip (white space is skipped);
  /// at the end, EOF, as often as asked.
  ScannedToken Next();

  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }

 private:
  /// The lexer's view of the code point at byte `at`: ASCII as itself,
  /// anything else as its class code (antlr_bridge.h); its length in bytes.
  uint32_t Peek(size_t at, size_t* len) const;
  /// Moves the position to `to`, counting lines and columns as ANTLR does.
  void AdvanceTo(size_t to);
  size_t Digits(size_t at) const;
  size_t Exponent(size_t at) const;
  bool Digit(size_t at) const { return at < n_ && text_[at] >= '0' && text_[at] <= '9'; }
  bool Is(size_t at, char c) const { return at < n_ && text_[at] == c; }
  /// The number rules at `pos_` (which holds a digit): the longest match, the
  /// first rule on a tie, as ANTLR's lexer chooses.
  uint32_t Number(size_t* end) const;
  /// A quoted text from `pos_`: the end after the closing `quote`, or the
  /// end of its line (or the file) with `closed` false.
  size_t Quoted(char quote, bool* closed, bool* trailing_backslash) const;

  std::string_view text_;
  size_t n_;
  size_t pos_;
  uint32_t line_ = 1;
  uint32_t column_ = 0;
};

}  // namespace kpic::syntax
