// The checked module's text dump (`kpic compile --emit checked`). The
// checker itself lives in check_metric.cc, check_expr.cc, check_call.cc and
// check_decl.cc.
#include "sema/typecheck.h"

#include <fmt/format.h>

namespace kpic {

std::string DumpChecked(const CheckedModule& m) {
  std::string out;
  for (const auto& [name, t] : m.metrics) {
    out += fmt::format("metric {} : {}{} {}{}\n", name, t.unit.ToString(), t.percent ? " (percent)" : "",
                       AdditivityName(t.additivity), t.ok ? "" : " (error)");
    out += fmt::format("  sources {}\n", fmt::join(t.sources, ", "));
    if (!t.depends_on.empty()) out += fmt::format("  depends_on {}\n", fmt::join(t.depends_on, ", "));
    out += fmt::format("  dimensions {}\n", fmt::join(t.dimensions, ", "));
    out += fmt::format("  time {}\n", t.has_time ? "yes" : "no");
  }
  return out;
}

}  // namespace kpic
