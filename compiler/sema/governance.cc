// The governance attributes of metrics (see governance.h).
#include "sema/governance.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>


namespace kpic {

const std::vector<std::string>& MetricStatuses() {
  static const std::vector<std::string> statuses = {"draft", "approved", "deprecated"};
  return statuses;
}

bool IsGovernanceAttr(const std::string& key) { return key == "approver" || key == "status" || key == "definition"; }

std::string GovernanceText(const std::vector<ast::Attribute>& attrs, const char* key) {
  for (const ast::Attribute& a : attrs)
    if (a.key.name == key && a.lang.empty() && !a.values.empty()) return a.values[0].text;
  return "";
}

std::string MetricStatus(const std::vector<ast::Attribute>& attrs) {
  std::string status = GovernanceText(attrs, "status");
  if (!status.empty()) return status;
  for (const ast::Attribute& a : attrs)
    if (a.key.name == "deprecated") return "deprecated";
  return "";
}

void CheckGovernance(const std::vector<ast::Attribute>& attrs, DiagnosticSink& diags) {
  const ast::Attribute* deprecated = nullptr;
  for (const ast::Attribute& a : attrs)
    if (a.key.name == "deprecated") deprecated = &a;
  for (const ast::Attribute& a : attrs) {
    if (a.key.name != "status" || a.values.empty()) continue;
    const ast::AttrValue& v = a.values[0];
    const std::vector<std::string>& allowed = MetricStatuses();
    bool known = std::find(allowed.begin(), allowed.end(), v.text) != allowed.end();
    if (a.values.size() > 1) {
      diags.Report(DiagCode::E0212, a.values[1].span, "a metric has one status")
          .Help(fmt::format("keep one of: {}", fmt::join(allowed, ", ")))
          .span_label = "a second status";
      continue;
    }
    if (known && v.kind == ast::AttrValue::Kind::kString) {
      diags.Report(DiagCode::E0212, v.span, fmt::format("status `{}` is written as a string", v.text))
          .Help(fmt::format("write the name without quotes: `status {}`", v.text))
          .WithFix(v.span, v.text, "remove the quotes")
          .span_label = "a name, not a string";
      continue;
    }
    if (!known || v.kind != ast::AttrValue::Kind::kName) {
      diags.Report(DiagCode::E0212, v.span, fmt::format("unknown status `{}`", v.text))
          .HelpClosest(v.text, v.span, allowed)
          .span_label = "not a status";
      continue;
    }
    if (deprecated && v.text != "deprecated")
      diags
          .Report(DiagCode::E0212, v.span,
                  fmt::format("status `{}` contradicts the metric's `deprecated` message", v.text))
          .Label(deprecated->key.span, "this makes the metric deprecated")
          .Help("a metric marked `deprecated \"...\"` has status `deprecated`: write that, or drop the message")
          .WithFix(v.span, "deprecated", "replace with `deprecated`")
          .span_label = "not its status";
  }
}

void RefuseGovernance(const std::vector<ast::Attribute>& attrs, const char* what, DiagnosticSink& diags) {
  for (const ast::Attribute& a : attrs)
    if (IsGovernanceAttr(a.key.name))
      diags
          .Report(DiagCode::E0212, a.key.span, fmt::format("unknown {} attribute `{}`", what, a.key.name))
          .Help("`approver`, `status` and `definition` are attributes of metrics")
          .span_label = "a metric attribute";
}

}  // namespace kpic
