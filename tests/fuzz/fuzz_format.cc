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

std::string Squeeze(const std::string& s) {
  std::string out;
  size_t i = s.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (; i < s.size(); ++i)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') out += s[i];
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
