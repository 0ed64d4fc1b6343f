// The parser's public interface. It hides ANTLR completely: callers get an
// AST and diagnostics, never parse trees or exceptions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/source_manager.h"
#include "diag/diagnostic.h"
#include "syntax/ast.h"

namespace kpic {

struct ParseLimits {
  size_t max_file_bytes = 64u << 20;  ///< E0004 above this
  size_t max_nesting = 128;           ///< brackets of any kind (E0105)
  size_t max_operators = 4000;        ///< operators in one declaration (E0106)
  /// Metric declarations are parsed without ANTLR where that gives exactly
  /// what ANTLR gives (docs/ARCHITECTURE.md, "Parsing"); false parses every
  /// declaration with ANTLR, for the tests that compare the two.
  bool direct_metrics = true;
  size_t* direct_parsed = nullptr;  ///< if set, counts the declarations parsed without ANTLR (tests)
};

/// Parses one file. Never throws and never aborts: every problem becomes a
/// diagnostic, and recovery continues with the next declaration, so one bad
/// declaration never hides the errors of the next. Always returns a File
/// (possibly empty).
std::unique_ptr<ast::File> ParseFile(const SourceManager& sm, FileId id, DiagnosticSink& diags,
                                     const ParseLimits& limits = {});
/// E0004: file `id` has `bytes` bytes, more than `limits` allow (ParseFile
/// reports it; a reader that sees the size first need not read the file).
void ReportFileTooLarge(DiagnosticSink& diags, FileId id, size_t bytes, const ParseLimits& limits);

/// Whether `c` may be part of a name (a letter, digit or mark, `_`), as the
/// lexer reads it: U+3000 and NBSP are white space, not part of a name.
bool IsNameChar(char32_t c);

/// A token as the lexer made it (code-point offsets), for tests.
struct LexedToken {
  size_t type = 0;
  size_t channel = 0;
  size_t start = 0, stop = 0;
  std::string text;
  size_t line = 0, column = 0;
  bool operator==(const LexedToken&) const = default;
};

/// Lexes `text` whole. With `map_classes` (what the parser uses) the lexer
/// sees code points outside ASCII as their classes' codes; without, as they
/// are. The two must give the same tokens for any text.
std::vector<LexedToken> LexForTest(std::string_view text, bool map_classes);

/// Lexes `text` whole as the file parser does, from its UTF-8 bytes: token
/// start and stop are byte offsets (the stop is the last byte of the last
/// code point).
std::vector<LexedToken> LexBytesForTest(std::string_view text, size_t start = 0);

/// Lexes `text` whole with the file parser's scanner (syntax/scanner.h),
/// which must give exactly what LexBytesForTest gives. `start` skips bytes
/// (a byte order mark, as the file parser does).
std::vector<LexedToken> ScanForTest(std::string_view text, size_t start = 0);

}  // namespace kpic
