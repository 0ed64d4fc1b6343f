// libFuzzer target for the parser alone: any bytes as one file. Any crash,
// hang, sanitizer report, or a diagnostic without a position is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "diag/render.h"
#include "syntax/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kpic;
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("fuzz.kpi", std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<ast::File> file = ParseFile(sm, id, diags);
  for (const Diagnostic& d : diags.diagnostics())
    if (!d.span.valid() || d.span.begin > size || d.span.end > size || d.message.empty()) std::abort();
  (void)ast::Dump(*file, sm);
  return 0;
}
