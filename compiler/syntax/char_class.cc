// The lexer's character classes: what KpiLexer.g4 makes of a code point
// outside ASCII, asked of the lexer itself (antlr_bridge.h, CodePointStream),
// and the UTF-8 char stream the file parser lexes from.
#include <atomic>
#include <cctype>
#include <memory>
#include <string>

#include "base/utf8.h"
#include "syntax/antlr_bridge.h"

namespace kpic::syntax {

namespace {

/// Lexes `text` (unmapped) and tells what the first token is and how many
/// code points it spans; EOF when the lexer skipped all of it.
struct Probe {
  size_t type = 0;
  size_t length = 0;
};
Probe LexOne(std::u32string text) {
  CodePointStream in(std::move(text), /*map_classes=*/false);
  kpic_gen::KpiLexer lexer(&in);
  lexer.removeErrorListeners();
  std::unique_ptr<antlr4::Token> t = lexer.nextToken();
  if (t->getType() == antlr4::Token::EOF) return {antlr4::Token::EOF, 0};
  return {t->getType(), t->getStopIndex() + 1 - t->getStartIndex()};
}

CharClass ProbeClass(char32_t c) {
  Probe alone = LexOne(std::u32string(1, c));
  if (alone.type == antlr4::Token::EOF) return CharClass::kSpace;  // skipped: white space
  if (alone.type == kpic_gen::KpiLexer::IDENT && alone.length == 1) return CharClass::kLetter;
  Probe after = LexOne(std::u32string{U'a', c});
  if (after.type == kpic_gen::KpiLexer::IDENT && after.length == 2) return CharClass::kNameContinue;
  return CharClass::kOther;
}

}  // namespace

CharClass ClassOf(char32_t c) {
  // One byte per code point, 0 until probed; racing threads probe alike.
  static std::atomic<uint8_t> known[0x110000];
  if (c >= 0x110000) return CharClass::kOther;
  uint8_t k = known[c].load(std::memory_order_relaxed);
  if (k != 0) return static_cast<CharClass>(k);
  CharClass found = ProbeClass(c);
  known[c].store(static_cast<uint8_t>(found), std::memory_order_relaxed);
  return found;
}

}  // namespace kpic::syntax

namespace kpic {

bool IsNameChar(char32_t c) {
  if (c < 0x80) return std::isalnum(static_cast<int>(c)) || c == '_';
  syntax::CharClass k = syntax::ClassOf(c);
  return k == syntax::CharClass::kLetter || k == syntax::CharClass::kNameContinue;
}

}  // namespace kpic

namespace kpic::syntax {

namespace {

/// The code point at byte `pos` (not at the end) and its length in bytes.
inline size_t CodePointAt(std::string_view text, size_t pos, uint32_t* cp) {
  auto b = static_cast<unsigned char>(text[pos]);
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  return DecodeUtf8(text, pos, cp);
}

/// The start of the code point that ends just before byte `pos` (> 0), as
/// forward decoding would have found it.
size_t PreviousStart(std::string_view text, size_t pos) {
  for (size_t back = 2; back <= 4 && back <= pos; ++back) {
    uint32_t cp;
    if (DecodeUtf8(text, pos - back, &cp) == back) return pos - back;
  }
  return pos - 1;
}

}  // namespace

void Utf8Stream::consume() {
  if (pos_ >= text_.size()) throw antlr4::IllegalStateException("cannot consume EOF");
  uint32_t cp;
  pos_ += CodePointAt(text_, pos_, &cp);
}

size_t Utf8Stream::LA(ssize_t i) {
  if (i == 0) return 0;
  size_t at = pos_;
  if (i > 0) {
    uint32_t cp;
    for (ssize_t k = 1; k < i; ++k) {
      if (at >= text_.size()) return antlr4::IntStream::EOF;
      at += CodePointAt(text_, at, &cp);
    }
  } else {
    for (ssize_t k = 0; k < -i; ++k) {
      if (at == 0) return antlr4::IntStream::EOF;
      at = PreviousStart(text_, at);
    }
  }
  if (at >= text_.size()) return antlr4::IntStream::EOF;
  uint32_t c;
  CodePointAt(text_, at, &c);
  // As CodePointStream::LA maps them.
  if ((c >= 5 && c < 128) || c == 0) return c;
  if (c < 5) return static_cast<size_t>(CharClass::kOther);
  return static_cast<size_t>(ClassOf(static_cast<char32_t>(c)));
}

std::string Utf8Stream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < interval.a) return "";
  size_t a = std::min(static_cast<size_t>(interval.a), text_.size());
  size_t b = std::min(static_cast<size_t>(interval.b) + 1, text_.size());
  std::string_view slice = text_.substr(a, b - a);
  // Texts are valid UTF-8, as the lexer read them: an invalid byte (E0002
  // reports it) is U+FFFD, as a decoded copy of the file had it. Raw, it
  // went into messages, and the language server's JSON refused them.
  if (FindInvalidUtf8(slice) == std::string_view::npos) return std::string(slice);
  std::string out;
  for (size_t k = 0; k < slice.size();) {
    uint32_t cp;
    size_t len = CodePointAt(slice, k, &cp);
    AppendUtf8(&out, cp);
    k += len;
  }
  return out;
}

}  // namespace kpic::syntax
