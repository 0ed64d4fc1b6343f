// libFuzzer target for the parser alone: any bytes as one file. Any crash,
// hang, sanitizer report, or a diagnostic without a position is a bug; so is
// a token that the class-mapped char stream lexes otherwise than the plain
// one (for texts without the control characters U+0001 to U+0003, which the
// mapped stream alone treats as stray), or a token that the parser's UTF-8
// byte stream lexes otherwise, or whose byte offsets do not slice its text,
// or a token (with its line and column) that the file parser's scanner
// lexes otherwise than the generated lexer over the same bytes; or a file
// that the direct metric parser (compiler/syntax/direct_parser.cc) parses
// otherwise than ANTLR: any node, span, text or diagnostic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "diag/render.h"
#include "syntax/parse.h"
#include "../support/full_ast.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kpic;
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("fuzz.kpi", std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<ast::File> file = ParseFile(sm, id, diags);
  for (const Diagnostic& d : diags.diagnostics())
    if (!d.span.valid() || d.span.begin > size || d.span.end > size || d.message.empty()) std::abort();
  (void)ast::Dump(*file, sm);
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (size <= 4096 && ScanForTest(text) != LexBytesForTest(text)) std::abort();
  if (size <= 4096 && test_support::ParseAndDump(text, true) != test_support::ParseAndDump(text, false)) std::abort();
  if (size <= 4096 && text.find_first_of(std::string("\x01\x02\x03", 3)) == std::string::npos &&
      text.find('\0') == std::string::npos) {
    std::vector<LexedToken> mapped = LexForTest(text, true);
    if (mapped != LexForTest(text, false)) std::abort();
    std::vector<LexedToken> bytes = LexBytesForTest(text);
    if (bytes.size() != mapped.size()) std::abort();
    for (size_t k = 0; k < bytes.size(); ++k) {
      const LexedToken& t = bytes[k];
      if (t.type != mapped[k].type || t.channel != mapped[k].channel || t.text != mapped[k].text) std::abort();
      if (k + 1 == bytes.size()) continue;  // EOF
      if (t.stop < t.start || t.stop >= size) std::abort();
      // The offsets slice the token's text (an invalid byte reads U+FFFD).
      std::string_view slice = std::string_view(text).substr(t.start, t.stop + 1 - t.start);
      if (FindInvalidUtf8(slice) == std::string_view::npos && slice != t.text) std::abort();
    }
  }
  return 0;
}
