// libFuzzer target for the checker: parse, then check and lint, one input
// as one file (with no stdlib). Any crash, hang, sanitizer report or a diagnostic
// without a position is a bug. Seed corpus: examples/ and the diagnostics
// cases (see scripts/fuzz).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "diag/registry.h"
#include "diag/render.h"
#include "sema/catalog.h"
#include "sema/lint.h"
#include "syntax/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kpic;
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("fuzz.kpi", std::string(reinterpret_cast<const char*>(data), size));
  std::unique_ptr<ast::File> file = ParseFile(sm, id, diags);
  CheckInput input;
  input.files.push_back(file.get());
  Catalog catalog = Check(input, sm, diags);
  Lint(catalog, diags);
  for (const Diagnostic& d : diags.diagnostics()) {
    if (!d.span.valid() || d.span.begin > size || d.message.empty()) std::abort();
    // Rendering must cope with any text, including invalid UTF-8.
    (void)RenderHuman(sm, d);
  }
  (void)RenderJson(sm, diags.diagnostics());
  (void)ast::Dump(*file, sm);
  return 0;
}
