// libFuzzer target for the action log's reader (actions/actions.h): any
// bytes as an `ID.action` file must give actions and diagnostics, never a
// crash; every diagnostic's span lies within the file; an action read has
// the fields the reader promises; and the effect arithmetic is total over
// the numbers the input spells (NaN, infinities, zero, negatives).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "actions/actions.h"
#include "actions/effect.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kpic;
  std::string text(reinterpret_cast<const char*>(data), size);
  SourceManager sm;
  DiagnosticSink diags;
  std::vector<actions::Action> got = actions::Parse("/p/actions/A1.action", text, sm, diags);
  for (const Diagnostic& d : diags.diagnostics())
    if (d.span.valid() && (d.span.begin > d.span.end || d.span.end > text.size())) std::abort();
  for (const actions::Action& a : got) {
    if (a.id != "A1" || a.what.empty() || a.by.empty()) std::abort();
    if (a.status != "open" && a.status != "done" && a.status != "dropped") std::abort();
    if (a.end && *a.end < a.start) std::abort();
    rt::Calendar cal;
    actions::Windows w = actions::WindowsOf(a, rt::Grain::kMonth, cal, a.start + 400);
    if (w.before.periods() != (w.after.periods() ? w.after.periods() : (a.window ? a.window : 3))) std::abort();
  }
  // Numbers from the input's bytes, into the estimate.
  if (size >= 8 * sizeof(double)) {
    double x[8];
    std::memcpy(x, data, sizeof x);
    actions::Obs t{x[0], x[1], x[2]};
    std::vector<actions::Obs> c{{x[3], x[4], x[5]}, {x[6], x[7], x[3]}, {x[5], x[1], x[0]}};
    for (auto m : {actions::Method::kRelative, actions::Method::kDifference}) {
      actions::Effect e = actions::Estimate(m, t, c);
      if (e.verdict.empty()) std::abort();
    }
  }
  return 0;
}
