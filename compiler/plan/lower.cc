// Lowering the request: which metrics, charts and goals to evaluate, at
// which grain and breakdown, under which role. Each output's metric
// expression is lowered by lower_metric.cc; aggregates land in the scans of
// lower_row.cc.
#include "plan/lower.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/suggest.h"
#include "plan/lowerer.h"

namespace kpic::plan {

using rt::Grain;

namespace {

/// "unknown WHAT `name`; did you mean `x`?" over the candidates.
[[noreturn]] void Unknown(const char* what, const std::string& name, const std::vector<std::string>& candidates) {
  auto s = Suggest(name, candidates);
  throw PlanError(
      "E0601", fmt::format("unknown {} `{}`{}", what, name, s ? fmt::format("; did you mean `{}`?", *s) : std::string()));
}

}  // namespace

Plan Lowerer::Run() {
  plan_.sources = m_.sources;
  plan_.week_start = m_.calendar.week_start;
  plan_.fiscal_start = m_.calendar.fiscal_start;
  plan_.time_zone = m_.calendar.time_zone;
  plan_.calendar.week_start = plan_.week_start;
  plan_.calendar.fiscal_start = plan_.fiscal_start;
  plan_.by = req_.by;
  plan_.from_day = req_.from_day;
  plan_.to_day = req_.to_day;
  for (const std::string& d : req_.by) {
    if (!m_.FindDimension(d)) {
      std::vector<std::string> names;
      for (const ir::Dimension& dim : m_.dimensions) names.push_back(dim.name);
      Unknown("dimension", d, names);
    }
    plan_.by_types.push_back(DimType(d));
  }
  plan_.grain = req_.grain.value_or(Grain::kMonth);
  std::string role = req_.role;
  std::vector<std::string> metrics = req_.metrics, goal_names = req_.goals;
  bool all_goals = req_.all_goals;
  const ir::Report* report = nullptr;
  if (!req_.report.empty()) {
    report = m_.FindReport(req_.report);
    if (!report) {
      std::vector<std::string> names;
      for (const ir::Report& r : m_.reports) names.push_back(r.name);
      Unknown("report", req_.report, names);
    }
    all_goals = false;
    plan_.title = report->title;
    goal_names.insert(goal_names.end(), report->goals.begin(), report->goals.end());
    metrics.insert(metrics.end(), report->metrics.begin(), report->metrics.end());
    if (role.empty()) role = report->role;
  }
  if (!role.empty()) {
    role_ = m_.FindRole(role);
    if (!role_) {
      std::vector<std::string> names;
      for (const ir::Role& r : m_.roles) names.push_back(r.name);
      Unknown("role", role, names);
    }
  }
  // Parameters belong to the role: one value each, none unknown.
  for (const auto& [key, value] : req_.params) {
    if (!role_)
      throw PlanError("E0603",
                      fmt::format("--param {} is given without --role (parameters belong to a role)", key));
    std::vector<std::string> names;
    for (const ir::Role::Param& p : role_->params) names.push_back(p.name);
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      auto s = Suggest(key, names);
      throw PlanError("E0603", fmt::format("role `{}` has no parameter `{}`{}", role_->name, key,
                                           s ? fmt::format("; did you mean `{}`?", *s)
                                             : names.empty() ? std::string(" (it takes none)")
                                                             : fmt::format(" (it takes {})", fmt::join(names, ", "))));
    }
  }
  for (const std::string& m : metrics) Metric(m);
  if (report) Charts(*report);
  std::vector<const ir::Goal*> goals;
  if (all_goals)
    for (const ir::Goal& g : m_.goals) goals.push_back(&g);
  for (const std::string& name : goal_names) {
    const ir::Goal* g = m_.FindGoal(name);
    if (!g) {
      std::vector<std::string> names;
      for (const ir::Goal& x : m_.goals) names.push_back(x.name);
      Unknown("goal", name, names);
    }
    goals.push_back(g);
  }
  for (const ir::Goal* g : goals) Goal(*g);
  return std::move(plan_);
}

VT Lowerer::DimType(const std::string& dim) const {
  const ir::Dimension* d = m_.FindDimension(dim);
  return d ? d->vt : VT::kString;
}

bool Lowerer::DimPath(int source, const std::string& dim, std::vector<std::string>* path, int depth) const {
  const ir::Source& s = m_.sources[source];
  for (const ir::Column& c : s.columns)
    if (c.dimension == dim) {
      path->push_back(c.name);
      return true;
    }
  if (depth >= 4) return false;
  for (const ir::Column& c : s.columns) {
    if (c.references < 0) continue;
    path->push_back(c.name);
    if (DimPath(c.references, dim, path, depth + 1)) return true;
    path->pop_back();
  }
  return false;
}

// ---- outputs ------------------------------------------------------------------------

void Lowerer::Metric(const std::string& name) {
  int index = m_.MetricIndex(name);
  if (index < 0) {
    std::vector<std::string> cands;
    for (const auto& [n, i] : m_.metric_index) cands.push_back(n);
    auto s = Suggest(name, cands);
    throw PlanError("E0601", fmt::format("unknown metric `{}` in --metric{}", name,
                                s ? fmt::format("; did you mean `{}`?", *s) : std::string()));
  }
  const ir::Metric& mt = m_.metrics[index];
  for (const std::string& d : req_.by)
    if (!mt.dimensions.count(d)) {
      std::string lacking;
      for (const std::string& key : mt.sources) {
        std::vector<std::string> p;
        auto it = m_.source_index.find(key);
        if (it != m_.source_index.end() && !DimPath(it->second, d, &p)) lacking = m_.sources[it->second].name;
      }
      throw PlanError("E0602", fmt::format("metric `{}` cannot be broken down by `{}`: source `{}` has no `{}`", name, d,
                                  lacking, d));
    }
  Output o;
  o.metric = name;
  o.label = mt.label;
  o.format = mt.format;
  o.unit = mt.percent ? "percent" : mt.unit.ToString();
  o.percent = mt.percent;
  o.additivity = ir::AdditivityName(mt.additivity);
  LCtx lc;
  lc.grain = plan_.grain;
  lc.dims = req_.by;
  o.grain = plan_.grain;
  o.by = req_.by;
  o.by_types = plan_.by_types;
  touched_ = &o.scans;
  o.root = MetricRef(index, lc);
  touched_ = nullptr;
  o.round = RoundOf(o.root, o.percent ? "percent" : o.unit);
  plan_.outputs.push_back(std::move(o));
}

/// A report's charts: `chart EXPR by GRAIN|DIM... as KIND`, each lowered at
/// its own grain (the grain named in `by`, else all of the window) and
/// dimensions.
void Lowerer::Charts(const ir::Report& r) {
  for (const ir::Report::Chart& c : r.charts) {
    Output o;
    o.formula = c.formula;
    o.metric = c.metric.empty() ? c.formula : c.metric;
    o.chart = c.kind;
    o.grain = c.grain.value_or(Grain::kAll);
    for (const std::string& b : c.by) {
      o.by.push_back(b);
      o.by_types.push_back(DimType(b));
    }
    if (!c.metric.empty())
      if (int i = m_.MetricIndex(c.metric); i >= 0) {
        const ir::Metric& mt = m_.metrics[i];
        o.label = mt.label;
        o.format = mt.format;
        o.percent = mt.percent;
        o.unit = mt.percent ? "percent" : mt.unit.ToString();
        o.additivity = ir::AdditivityName(mt.additivity);
      }
    LCtx lc;
    lc.grain = o.grain;
    lc.dims = o.by;
    touched_ = &o.scans;
    o.root = M(c.node, lc);
    touched_ = nullptr;
    o.round = RoundOf(o.root, m_.node(c.node).type.unit.ToString());
    plan_.charts.push_back(std::move(o));
  }
}

/// A converted amount in one currency is shown rounded half-even to that
/// currency's minor unit; everything else as it is.
int Lowerer::RoundOf(int root, const std::string& unit) const {
  if (unit.size() != 3 || !std::all_of(unit.begin(), unit.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
    return -1;
  std::vector<int> todo{root};
  while (!todo.empty()) {
    const MNode& n = plan_.mnodes[static_cast<size_t>(todo.back())];
    todo.pop_back();
    if (n.op == MNode::Op::kConvert) return MinorUnit(unit);
    todo.insert(todo.end(), n.args.begin(), n.args.end());
  }
  return -1;
}

void Lowerer::RoleFilter(int index) {
  if (!role_) return;
  for (const ir::Role::Param& p : role_->params)
    if (!req_.params.count(p.name))
      throw PlanError("E0603", fmt::format("role `{}` needs --param {}=VALUE", role_->name, p.name));
  const ir::Source& src = plan_.SourceOf(plan_.scans[index]);
  for (const ir::Role::Item& item : role_->items) {
    if (item.source < 0 || m_.sources[item.source].name != src.name) continue;
    if (item.all || item.filter < 0) return;
    filtering_ = role_;
    int f = Row(item.filter, index);
    filtering_ = nullptr;
    plan_.scans[index].filter = Bool(index, f);
    return;
  }
  // Not mentioned: refused, so that a role never reads a source by omission.
  throw PlanError("E0604", fmt::format("role `{}` does not say which rows of source `{}` it may read; add `{} where ...` to "
                              "restrict it, or `{}: all` to allow every row",
                              role_->name, src.name, src.name, src.name));
}

// ---- goals -------------------------------------------------------------------------------

void Lowerer::Goal(const ir::Goal& g) {
  goal_ = &g;
  struct Reset {
    const ir::Goal** p;
    ~Reset() { *p = nullptr; }
  } reset{&goal_};
  GoalPlan gp;
  gp.name = g.name;
  gp.label = g.label;
  gp.owner = g.owner;
  gp.phasing = g.phasing == "even" ? Phasing::kEven : g.phasing == "last_year" ? Phasing::kLastYear : Phasing::kNone;
  if (g.at_risk) gp.at_risk = *g.at_risk;
  if (g.grain) gp.grain = *g.grain;
  if (g.from_day) gp.from_day = *g.from_day;
  if (g.to_day) gp.to_day = *g.to_day;
  if (req_.from_day) gp.from_day = *req_.from_day;
  if (req_.to_day) gp.to_day = *req_.to_day;
  if (req_.grain) gp.grain = *req_.grain;
  if (gp.from_day == 0 && gp.to_day == 0)
    throw PlanError("E0602", fmt::format("goal `{}` has no `period`; pass --from and --to", gp.name));
  if (g.metric < 0) Unreachable(fmt::format("goal `{}` has no `metric`", gp.name));
  if (!g.metric_name.empty()) {
    gp.metric = g.metric_name;
    if (int i = m_.MetricIndex(gp.metric); i >= 0) {
      const ir::Metric& mt = m_.metrics[i];
      gp.percent = mt.percent;
      gp.format = mt.format;
      gp.additive = mt.additivity == ir::Additivity::kAdditive;
      gp.unit = mt.percent ? "percent" : mt.unit.ToString();
    }
  }
  LCtx lc;
  lc.grain = gp.grain;
  // Goal scans cover the goal's period only through the period list; the
  // window options of the request do not filter them.
  touched_ = &gp.scans;
  gp.value = M(g.metric, lc);
  if (!g.cmp.empty()) {
    static const std::pair<const char*, Cmp> kCmps[] = {{"==", Cmp::kEq}, {"!=", Cmp::kNe}, {"<", Cmp::kLt},
                                                         {"<=", Cmp::kLe}, {">", Cmp::kGt},  {">=", Cmp::kGe}};
    for (const auto& [text, c] : kCmps)
      if (g.cmp == text) gp.cmp = c;
    gp.target = M(g.target_rhs, lc);
  }
  if (gp.phasing == Phasing::kLastYear) {
    LCtx w = lc;
    w.windowed = true;
    gp.last_year = Shift(M(g.metric, w), Grain::kYear);
  }
  // Decompositions and drills in the order the goal lists them.
  size_t next_dec = 0, next_drill = 0;
  while (next_dec < g.decompositions.size() || next_drill < g.drills.size()) {
    bool dec = next_drill >= g.drills.size() ||
               (next_dec < g.decompositions.size() && g.decompositions[next_dec].item < g.drill_items[next_drill]);
    if (dec) {
      const ir::Goal::Decomposition& d = g.decompositions[next_dec++];
      GoalPlan::Decomposition out;
      out.name = d.name;
      out.formula = d.formula;
      out.kind = d.kind == ir::Goal::Decomposition::Kind::kAdditive         ? GoalPlan::Decomposition::Kind::kAdditive
                 : d.kind == ir::Goal::Decomposition::Kind::kMultiplicative ? GoalPlan::Decomposition::Kind::kMultiplicative
                                                                            : GoalPlan::Decomposition::Kind::kOther;
      out.value = M(d.value, lc);
      out.rhs = M(d.rhs, lc);
      for (const auto& t : d.terms) out.terms.push_back({t.text, M(t.node, lc), t.sign});
      gp.decompositions.push_back(std::move(out));
      continue;
    }
    const std::string& dim = g.drills[next_drill++];
    if (g.drill_top) gp.drill_top = *g.drill_top;
    GoalPlan::Drill dr;
    dr.dim = dim;
    dr.type = DimType(dim);
    LCtx by = lc;
    by.dims = {dim};
    touched_ = &dr.scans;
    try {
      dr.value = M(g.metric, by);
      if (gp.target >= 0) dr.target = M(g.target_rhs, by);
      if (!gp.additive && plan_.mnodes[dr.value].op == MNode::Op::kDiv &&
          plan_.mnodes[gp.value].op == MNode::Op::kDiv) {
        dr.num = plan_.mnodes[dr.value].args[0];
        dr.den = plan_.mnodes[dr.value].args[1];
        dr.total_num = plan_.mnodes[gp.value].args[0];
        dr.total_den = plan_.mnodes[gp.value].args[1];
      }
    } catch (const PlanError&) {
      touched_ = &gp.scans;
      continue;  // a dimension the goal's sources lack (E0404 already warned of it)
    }
    touched_ = &gp.scans;
    gp.drills.push_back(std::move(dr));
  }
  for (const ir::Goal::Alert& it : g.alerts) {
    GoalPlan::Alert a;
    a.name = it.name;
    a.severity = it.severity;
    a.message = it.message;
    a.cond = M(it.cond, lc);
    if (it.value >= 0) a.value = M(it.value, lc);
    // Alerts also fire per member of each drill dimension that the
    // condition's sources have.
    for (const auto& dr : gp.drills) {
      GoalPlan::Alert::ByMember bm;
      bm.dim = dr.dim;
      bm.type = dr.type;
      LCtx by = lc;
      by.dims = {dr.dim};
      touched_ = &bm.scans;
      try {
        bm.cond = M(it.cond, by);
        if (it.value >= 0) bm.value = M(it.value, by);
        a.by.push_back(std::move(bm));
      } catch (const PlanError&) {
        // a dimension one of the condition's sources lacks
      }
      touched_ = &gp.scans;
    }
    gp.alerts.push_back(a);
  }
  touched_ = nullptr;
  plan_.goals.push_back(std::move(gp));
}

void Unreachable(const std::string& what) {
  throw std::logic_error(fmt::format("the lowering met what `kpic check` should have refused: {}", what));
}

Plan Lower(const ir::Module& module, const Request& request) { return Lowerer(module, request).Run(); }

}  // namespace kpic::plan
