// libFuzzer target for the formatter: for any input that parses without
// errors, formatting must succeed, change only whitespace, keep the file
// parsing without errors, and be idempotent (formatting the output changes
// nothing). Inputs with syntax errors must not crash it either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "syntax/format.h"
#include "syntax/parse.h"

namespace {

/// The text without what the lexer skips as whitespace: space, tab, CR, LF,
/// form feed, NBSP (C2 A0), the ideographic space (E3 80 80) and BOMs (EF BB BF).
std::string Squeeze(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') continue;
    if (s.compare(i, 2, "\xC2\xA0") == 0) {
      i += 1;
      continue;
    }
    if (s.compare(i, 3, "\xE3\x80\x80") == 0 || s.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

bool Parses(const std::string& text) {
  using namespace kpic;
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("fuzz.kpi", text);
  (void)ParseFile(sm, id, diags);
  return !diags.has_errors();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> once = kpic::FormatKpi(text);
  if (!Parses(text)) return 0;
  if (!once) std::abort();                            // a clean file always formats
  if (Squeeze(*once) != Squeeze(text)) std::abort();  // whitespace only
  if (!Parses(*once)) std::abort();                   // still parses
  std::optional<std::string> twice = kpic::FormatKpi(*once);
  if (!twice || *twice != *once) std::abort();  // idempotent
  return 0;
}
