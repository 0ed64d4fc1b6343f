// What actions name, checked against the checked module (actions.h).
#include <fmt/format.h>

#include "actions/actions.h"
#include "base/suggest.h"
#include "ir/ir.h"

namespace kpic::actions {

namespace {

std::string DidYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  auto s = Suggest(name, candidates);
  return s ? fmt::format("did you mean `{}`?", *s) : std::string();
}

void Unknown(DiagnosticSink& diags, DiagCode code, Span at, std::string message, const std::string& name,
             const std::vector<std::string>& candidates) {
  Diagnostic& d = diags.Report(code, at, std::move(message));
  if (std::string hint = DidYouMean(name, candidates); !hint.empty()) d.Help(hint);
}

}  // namespace

std::string MeasuredMetric(const Action& a, const ir::Module& m) {
  if (!a.metric.empty()) return a.metric;
  if (const ir::Goal* g = m.FindGoal(a.goal)) return g->metric_name;
  return "";
}

void Validate(std::vector<Action>& actions, const ir::Module& m, DiagnosticSink& diags) {
  std::vector<Action> kept;
  std::vector<std::string> goals, metrics, dims;
  for (const ir::Goal& g : m.goals) goals.push_back(g.name);
  for (const auto& [name, i] : m.metric_index) metrics.push_back(name);
  for (const ir::Dimension& d : m.dimensions) dims.push_back(d.name);
  // After an error a declaration may be missing for it (a goal with a
  // syntax error is left out): "goal `grow_sales` is not declared" beside
  // the error in it misled (new-user probe, 2026-12-07).
  const bool clean = !diags.has_errors();
  for (Action& a : actions) {
    size_t before = diags.diagnostics().size() + diags.suppressed();
    const ir::Goal* goal = nullptr;
    if (!a.goal.empty()) {
      goal = m.FindGoal(a.goal);
      if (!goal && clean)
        Unknown(diags, DiagCode::W0903, a.goal_span, fmt::format("action `{}` is on goal `{}`, which is not declared",
                                                                  a.id, a.goal),
                a.goal, goals);
    }
    if (!a.metric.empty() && m.MetricIndex(a.metric) < 0 && clean)
      Unknown(diags, DiagCode::W0904, a.metric_span,
              fmt::format("action `{}` is on metric `{}`, which is not declared", a.id, a.metric), a.metric, metrics);
    if (goal && !a.alert.empty()) {
      std::vector<std::string> alerts;
      bool found = false;
      for (const auto& al : goal->alerts) {
        alerts.push_back(al.name);
        found = found || al.name == a.alert;
      }
      if (!found) {
        Diagnostic& d = diags.Report(
            DiagCode::W0905, a.alert_span,
            fmt::format("action `{}` answers alert \"{}\", which goal `{}` does not declare", a.id, a.alert, goal->name));
        if (std::string hint = DidYouMean(a.alert, alerts); !hint.empty())
          d.Help(hint);
        else if (!alerts.empty())
          d.Note(fmt::format("its alerts: \"{}\"", fmt::join(alerts, "\", \"")));
      }
    }
    std::string measured = MeasuredMetric(a, m);
    const ir::Metric* mt = nullptr;
    if (int i = m.MetricIndex(measured); i >= 0) mt = &m.metrics[static_cast<size_t>(i)];
    if (!a.members.empty() && measured.empty() && goal)
      diags.Report(DiagCode::W0906, a.members.front().span,
                   fmt::format("action `{}` is on a member, but goal `{}`'s metric is an expression: name the metric "
                               "its effect is measured by (`metric`)",
                               a.id, goal->name));
    for (const Member& mem : a.members) {
      if (!m.FindDimension(mem.dim)) {
        Unknown(diags, DiagCode::W0906, mem.span,
                fmt::format("action `{}` is on a member of `{}`, which is not a dimension", a.id, mem.dim), mem.dim,
                dims);
        continue;
      }
      if (mt && !mt->sources.empty() && !mt->dimensions.count(mem.dim)) {
        std::vector<std::string> has(mt->dimensions.begin(), mt->dimensions.end());
        Diagnostic& d = diags.Report(DiagCode::W0906, mem.span,
                                     fmt::format("action `{}` is on a member of `{}`, but metric `{}` cannot be "
                                                 "broken down by `{}`, so its effect cannot be measured",
                                                 a.id, mem.dim, measured, mem.dim));
        if (!has.empty()) d.Note(fmt::format("`{}` is available by: {}", measured, fmt::join(has, ", ")));
      }
      if (mem.value.empty())
        diags.Report(DiagCode::W0907, mem.span, fmt::format("the member of `{}` is empty", mem.dim));
    }
    // An action with a problem is reported and left out.
    if (diags.diagnostics().size() + diags.suppressed() == before) kept.push_back(std::move(a));
  }
  actions = std::move(kept);
}

}  // namespace kpic::actions
