// Lowering the request: which metrics, charts and goals to evaluate, at
// which grain and breakdown, under which role. Each output's metric
// expression is lowered by lower_metric.cc; aggregates land in the scans of
// lower_row.cc.
#include "plan/lower.h"

#include <fmt/format.h>

#include <functional>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "base/suggest.h"
#include "ir/fingerprint.h"
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

/// Lowers one output; in a report, one that fails for a hidden column (or a
/// chart for its grain) is left out with a note. Returns the code of the
/// error left out, or "".
template <class F>
std::string Lowerer::Guard(bool in_report, const std::string& what, F lower) {
  reading_ = what;
  // A report's chart whose metric its grain cannot answer (`.to_date(year)`
  // by week: E0602) is left out with a warning too, not the whole report.
  const bool chart = what.rfind("chart ", 0) == 0;
  if (!in_report || ((!role_ || role_->hidden.empty()) && !chart)) {
    lower();
    reading_.clear();
    return "";
  }
  Plan saved = plan_;
  auto saved_index = scan_index_;
  try {
    lower();
  } catch (const PlanError& e) {
    if (e.code != "E0605" && !(chart && e.code == "E0602")) throw;
    plan_ = std::move(saved);
    scan_index_ = std::move(saved_index);
    goal_ = nullptr;
    company_target_ = false;
    touched_ = nullptr;
    filtering_ = nullptr;
    prefix_.clear();
    prefix_src_ = -1;
    role_read_ = false;
    plan_.notes.push_back({"W0705", fmt::format("{} is left out of this report: {}", what, e.what()),
                           fmt::format("{}未列入本报告（{}）", ZhWhat(what), e.what())});
    left_out_ = e.what();
    reading_.clear();
    return e.code;
  }
  reading_.clear();
  return "";
}

Plan Lowerer::Run() {
  plan_.sources = m_.sources;
  plan_.week_start = m_.calendar.week_start;
  plan_.fiscal_start = m_.calendar.fiscal_start;
  plan_.time_zone = m_.calendar.time_zone;
  plan_.calendar.week_start = plan_.week_start;
  plan_.calendar.fiscal_start = plan_.fiscal_start;
  for (int k = 0; k < 3; ++k) plan_.calendar.pattern[k] = m_.calendar.pattern[k];
  plan_.work.src = m_.calendar.work_source;
  plan_.work.time_column = m_.calendar.work_time;
  plan_.work.flag_column = m_.calendar.work_flag;
  plan_.by = req_.by;
  plan_.from_day = req_.from_day;
  plan_.to_day = req_.to_day;
  plan_.as_of_day = req_.as_of_day;
  for (const std::string& d : req_.by) {
    if (!m_.FindDimension(d)) {
      std::vector<std::string> names;
      for (const ir::Dimension& dim : m_.dimensions) names.push_back(dim.name);
      Unknown("dimension", d, names);
    }
    plan_.by_types.push_back(DimType(d));
    const ir::Dimension* dim = m_.FindDimension(d);
    plan_.by_labels.push_back(LabelFor(dim->label, dim->labels));
    if (!plan_.by_labels.back().empty()) plan_.dim_labels[d] = plan_.by_labels.back();
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
    if (!req_.report_charts_only) {
      goal_names.insert(goal_names.end(), report->goals.begin(), report->goals.end());
      metrics.insert(metrics.end(), report->metrics.begin(), report->metrics.end());
    }
    if (role.empty() && !req_.report_charts_only) role = report->role;
  }
  // A metric or goal asked for twice (`--report R --metric m`, m being one
  // of R's metrics) is shown once, where it was first asked for.
  for (auto* names : {&metrics, &goal_names}) {
    std::set<std::string> seen;
    std::erase_if(*names, [&](const std::string& n) { return !seen.insert(n).second; });
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
  // Before any goal's scans are made: a source that only targets read (a
  // budget) is not cut at the as-of date (ScanFor).
  for (const ir::Goal* g : goals) {
    ir::SourcesUnder(m_, g->metric, &measured_sources_);
    ir::SourcesUnder(m_, g->target_rhs, &target_sources_);
    for (const ir::Goal::Decomposition& d : g->decompositions) {
      ir::SourcesUnder(m_, d.value, &measured_sources_);
      ir::SourcesUnder(m_, d.rhs, &measured_sources_);
    }
  }
  for (const std::string& m : metrics)
    Guard(report != nullptr, fmt::format("metric `{}`", m), [&] { Metric(m); });
  if (report)
    for (size_t i = 0; i < report->charts.size(); ++i) {
      const ir::Report::Chart& c = report->charts[i];
      const size_t before = plan_.charts.size();
      if (Guard(true, fmt::format("chart `{}`", c.text), [&] { Chart(c); }) == "E0602")
        plan_.charts_by_grain.push_back({i, left_out_});
      if (plan_.charts.size() > before) plan_.charts.back().chart_index = static_cast<int>(i);
    }
  for (const ir::Goal* g : goals) Guard(report != nullptr, fmt::format("goal `{}`", g->name), [&] { Goal(*g); });
  if (req_.expectations) Expectations();
  if (role_) Audits();
  AsOfAggregates();
  if (!untranslated_.empty()) {
    // In the order of the labels (a set), the first few, quoted as written.
    std::vector<std::string> shown;
    for (const std::string& l : untranslated_) {
      if (shown.size() == 4) break;
      shown.push_back(fmt::format("\"{}\"", l));
    }
    size_t n = untranslated_.size();
    plan_.notes.push_back(
        {"W0712", fmt::format("{} label{} in Chinese {} no `label.en` and {} shown as written in this English report: "
                              "{}{}; give {} `label.en \"...\"`",
                              n, n == 1 ? "" : "s", n == 1 ? "has" : "have", n == 1 ? "is" : "are",
                              fmt::join(shown, ", "), n > shown.size() ? fmt::format(" and {} more", n - shown.size()) : "",
                              n == 1 ? "its declaration" : "their declarations")});
  }
  return std::move(plan_);
}

void Lowerer::Expectations() {
  // An expectation that reads a column the role hides is left out with a
  // note (W0705), as a report's output is: the others still run.
  for (size_t i = 0; i < m_.expectations.size(); ++i) {
    const ir::Expectation& x = m_.expectations[i];
    ExpectPlan e;
    e.x.check = x.check;
    if (req_.single_source_expectations && e.Joins()) continue;
    if (req_.only_expectation >= 0 && static_cast<size_t>(req_.only_expectation) != i) continue;
    Guard(true, fmt::format("expectation `{}`", x.text), [&] { Expect(x, &e); });
    if (e.x.text.empty()) {
      e.x = x;
      e.skipped = "it reads a column the role hides";
      if (!plan_.notes.empty()) {
        // The note says why in the words of a check, not of a report.
        Warning& w = plan_.notes.back();
        std::string lead = fmt::format("expectation `{}` is left out of this report: ", x.text);
        if (w.message.rfind(lead, 0) == 0) {
          e.skipped = w.message.substr(lead.size());
          w.message = fmt::format("expectation `{}` is not checked: {}", x.text, e.skipped);
        }
      }
    }
    plan_.expectations.push_back(std::move(e));
  }
}

void Lowerer::AsOfAggregates() {
  // A source whose rows reach past --to makes the as-of date the day before
  // --to, whatever else the run asks for. Its scans skip those rows when
  // the window cuts their periods (a balance's or a period operator's
  // scans by day read them), so `amt` alone was as of its last sale in the
  // window and `amt, balance` as of the day before --to: a scan of the rows
  // from --to on settles it for every source without one that reads them.
  if (req_.to_day && !req_.as_of_day) {
    std::set<int> sources, reach;
    for (const Scan& s : plan_.scans) {
      if (s.audit || plan_.sources[static_cast<size_t>(s.src)].time_column < 0) continue;
      sources.insert(s.src);
      // What reads the rows from --to on (exec/pruning.cc bounds the other
      // scans to the window when it can skip a Parquet file's row groups).
      if (!s.to_day && (s.windowed || !plan_.goals.empty())) reach.insert(s.src);
    }
    for (int src : sources) {
      // A time column the role hides gives no as-of date (below).
      if (reach.count(src) || (role_ && role_->Hides(src, plan_.sources[static_cast<size_t>(src)].time_column))) continue;
      LCtx lc;
      lc.past_to = true;
      ScanFor(src, lc);
    }
  }
  // The latest time value of each group, so that the default as-of date is
  // the last day with rows the run may see (the role's filter applies).
  // Not of a source that only goals' targets read: a budget with rows for
  // the whole year made the as-of date 1 December and every month after
  // the data's last "missed" at ¥0.00 (goals probe, 2026-12-07).
  for (size_t k = 0; k < plan_.scans.size(); ++k) {
    Scan& s = plan_.scans[k];
    s.under_role = role_ != nullptr;
    if (s.audit) continue;
    s.plans_only = target_sources_.count(s.src) && !measured_sources_.count(s.src);
    const ir::Source& src = plan_.sources[static_cast<size_t>(s.src)];
    if (src.time_column < 0) continue;
    // A time column the role hides gives no as-of date (docs/language.md,
    // "Roles"): nothing derived from it reaches an output.
    if (role_ && role_->Hides(s.src, src.time_column)) continue;
    int col = -1;
    for (size_t c = 0; c < s.columns.size(); ++c)
      if (s.columns[c].path.size() == 1 &&
          s.columns[c].path[0] == src.columns[static_cast<size_t>(src.time_column)].name)
        col = static_cast<int>(c);
    if (col < 0) continue;
    RowNode n;
    n.op = RowNode::Op::kColumn;
    n.column = col;
    n.type = s.columns[static_cast<size_t>(col)].type;
    int arg = Node(static_cast<int>(k), std::move(n));
    if (plan_.scans[k].nodes[static_cast<size_t>(arg)].type == VT::kTimestamp) {
      // The day in the calendar's time zone, as every engine buckets it.
      RowNode d;
      d.op = RowNode::Op::kDatePart;
      d.part = builtins::Fn::kDate;
      d.type = VT::kDate;
      d.args = {arg};
      arg = Node(static_cast<int>(k), std::move(d));
    }
    Scan& s2 = plan_.scans[k];
    AggSpec a;
    a.fn = AggSpec::Fn::kMax;
    a.text = fmt::format("max({}) as of", DumpRow(s2, arg));
    a.arg = arg;
    s2.aggs.push_back(std::move(a));
    s2.as_of_agg = static_cast<int>(s2.aggs.size()) - 1;
  }
}

void Lowerer::Audits() {
  plan_.role = role_->name;
  plan_.role_label = role_->label;
  // The lookups each source's scans join (each step of each column path).
  std::map<int, std::vector<std::vector<std::string>>> steps;
  std::vector<int> order;
  std::set<int> bucketed;  ///< sources read by period: rows without a time fall in none
  for (const Scan& s : plan_.scans) {
    if (s.time_column >= 0) bucketed.insert(s.src);
    if (!steps.count(s.src)) order.push_back(s.src);
    auto& list = steps[s.src];
    for (const ScanColumn& c : s.columns)
      for (size_t k = 1; k < c.path.size(); ++k) {
        std::vector<std::string> fk(c.path.begin(), c.path.begin() + static_cast<long>(k));
        if (std::find(list.begin(), list.end(), fk) == list.end()) list.push_back(fk);
      }
  }
  auto column = [&](int scan, const std::vector<std::string>& path) { return RoleColumn(scan, path); };
  auto count = [&](int scan, int filter, std::string text) { return CountRows(scan, filter, std::move(text)); };
  auto test = [&](int scan, RowNode::Op op, int arg) { return Test(scan, op, arg); };
  // The role's parameters its rule on source `src` compares, as `k=v`.
  auto params_of = [&](int src) {
    std::vector<std::string> out;
    for (const ir::Role::Item& item : role_->items) {
      if (item.source != src || item.all || item.filter < 0) continue;
      std::vector<int> todo{item.filter};
      while (!todo.empty()) {
        const ir::Node& n = m_.node(todo.back());
        todo.pop_back();
        if (n.kind == ir::Kind::kParam && n.param >= 0) {
          const std::string& name = role_->params[static_cast<size_t>(n.param)].name;
          auto v = req_.params.find(name);
          std::string kv = fmt::format("{}={}", name, v == req_.params.end() ? "" : v->second);
          if (std::find(out.begin(), out.end(), kv) == out.end()) out.push_back(kv);
        }
        todo.insert(todo.end(), n.args.begin(), n.args.end());
      }
    }
    return out;
  };
  // Whether source `from` reaches source `to` through `references`.
  std::function<bool(int, int, std::set<int>&)> reach = [&](int from, int to, std::set<int>& seen) {
    if (!seen.insert(from).second) return false;
    for (const ir::Column& c : m_.sources[from].columns)
      if (c.references >= 0 && (c.references == to || reach(c.references, to, seen))) return true;
    return false;
  };
  auto reaches = [&](int from, int to) {
    std::set<int> seen;
    return reach(from, to, seen);
  };
  for (int src : order) {
    LCtx lc;
    lc.windowed = true;
    size_t before = plan_.scans.size();
    int scan = ScanFor(src, lc);
    if (static_cast<size_t>(scan) >= before) plan_.scans[static_cast<size_t>(scan)].audit = true;
    const ir::Source& s = m_.sources[src];
    Plan::Audit a;
    a.scan = scan;
    a.rows = count(scan, -1, "kpic.audit.rows");
    // Rows without a hidden time value are not counted either (an
    // explicit --as-of can bucket by it): that would describe the column.
    if (s.time_column >= 0 && bucketed.count(src) && !role_->Hides(src, s.time_column)) {
      a.time_column = s.columns[static_cast<size_t>(s.time_column)].name;
      a.no_time = count(scan, test(scan, RowNode::Op::kIsNull, column(scan, {a.time_column})), "kpic.audit.no_time");
    }
    for (const auto& fk : steps[src]) {
      // The source the key is looked up in: follow the path.
      int cur = src;
      for (const std::string& part : fk) cur = m_.sources[cur].columns[m_.sources[cur].ColumnIndex(part)].references;
      const ir::Source& t = m_.sources[cur];
      if (t.key_column < 0) continue;
      std::vector<std::string> key = fk;
      key.push_back(t.columns[static_cast<size_t>(t.key_column)].name);
      RowNode both;
      both.op = RowNode::Op::kAnd;
      both.type = VT::kBool;
      both.args = {test(scan, RowNode::Op::kIsNotNull, column(scan, fk)), test(scan, RowNode::Op::kIsNull, column(scan, key))};
      Plan::Audit::Lookup l;
      l.agg = count(scan, Node(scan, std::move(both)), fmt::format("kpic.audit.unmatched({})", fmt::join(fk, ".")));
      l.key = fmt::format("{}", fmt::join(fk, "."));
      l.target = t.name;
      l.column = key.back();
      a.lookups.push_back(std::move(l));
    }
    a.params = params_of(src);
    a.over = {s.name};
    for (int other : order)
      if (other != src && reaches(other, src)) a.over.push_back(m_.sources[other].name);
    plan_.audits.push_back(std::move(a));
  }
  // A parameter that restricts a lookup (`products where products.brand ==
  // b`) empties every source that reaches it through `references`: a
  // lookup whose rule compares a parameter and that the query does not scan
  // gets an audit of its own visible rows, for W0704.
  // `--each PARAM` finding its members (Request::member_param): every
  // source whose rule compares PARAM gets such an audit too, over all its
  // rows (not only --from/--to's), scanned by the query or not.
  for (size_t l = 0; l < m_.sources.size(); ++l) {
    int look = static_cast<int>(l);
    std::vector<std::string> params = params_of(look);
    if (params.empty()) continue;
    const bool member_source =
        !req_.member_param.empty() && std::any_of(params.begin(), params.end(), [&](const std::string& kv) {
          return kv.rfind(req_.member_param + "=", 0) == 0;
        });
    if (steps.count(look) && !member_source) continue;
    std::vector<std::string> over;
    for (int src : order)
      if (reaches(src, look)) over.push_back(m_.sources[src].name);
    if (over.empty() && !member_source) continue;
    if (over.empty()) over.push_back(m_.sources[l].name);
    LCtx lc;
    lc.windowed = true;
    size_t before = plan_.scans.size();
    int scan = ScanFor(look, lc);
    if (static_cast<size_t>(scan) >= before) plan_.scans[static_cast<size_t>(scan)].audit = true;
    Plan::Audit a;
    a.scan = scan;
    a.rows = count(scan, -1, "kpic.audit.rows");
    a.params = std::move(params);
    a.over = std::move(over);
    a.member = member_source;
    plan_.audits.push_back(std::move(a));
  }
}


VT Lowerer::DimType(const std::string& dim) const {
  const ir::Dimension* d = m_.FindDimension(dim);
  return d ? d->vt : VT::kString;
}

bool Lowerer::DimPath(int source, const std::string& dim, std::vector<std::string>* path) const {
  std::vector<std::pair<int, int>> cols;
  if (!m_.DimPath(source, dim, &cols)) return false;
  for (const auto& [s, c] : cols)
    path->push_back(m_.sources[static_cast<size_t>(s)].columns[static_cast<size_t>(c)].name);
  return true;
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
    if (!mt.dimensions.count(d) && !mt.sources.empty()) {  // a metric of no source (`working_days()`) fits any
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
  o.label = LabelFor(mt.label, mt.labels);
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
  PeriodsFromWindows(&o);
  o.round = RoundOf(o.root, o.percent ? "percent" : o.unit);
  ir::ValueRange range = ir::RangeOf(m_, mt.root);
  o.floor = range.lo, o.ceil = range.hi;
  plan_.outputs.push_back(std::move(o));
}

/// A report's charts: `chart EXPR by GRAIN|DIM... as KIND`, each lowered at
/// its own grain (the grain named in `by`, else all of the window) and
/// dimensions.
void Lowerer::Chart(const ir::Report::Chart& c) {
  Output o;
  o.formula = c.formula;
  o.metric = c.metric.empty() ? c.formula : c.metric;
  o.chart = c.kind;
  o.grain = c.grain.value_or(Grain::kAll);
  for (const std::string& b : c.by) {
    o.by.push_back(b);
    o.by_types.push_back(DimType(b));
    if (const ir::Dimension* d = m_.FindDimension(b))
      if (std::string label = LabelFor(d->label, d->labels); !label.empty()) plan_.dim_labels[b] = label;
  }
  if (!c.metric.empty())
    if (int i = m_.MetricIndex(c.metric); i >= 0) {
      const ir::Metric& mt = m_.metrics[i];
      o.label = LabelFor(mt.label, mt.labels);
      o.format = mt.format;
      o.percent = mt.percent;
      o.unit = mt.percent ? "percent" : mt.unit.ToString();
      o.additivity = ir::AdditivityName(mt.additivity);
    }
  // A formula charted as it is (`chart share(sales) by channel`) reads as
  // a metric of that formula would.
  const ir::Node& node = m_.node(c.node);
  if (c.metric.empty() && node.type.unit.IsOne() && ir::ReadsAsPercent(node)) {
    o.percent = true;
    o.unit = "percent";
  }
  auto share = [](const ir::Node& n) { return n.kind == ir::Kind::kCall && n.fn == builtins::Fn::kShare; };
  // A balance adds up over members too (semi-additive: not over time).
  auto adds = [](ir::Additivity a) { return a != ir::Additivity::kNonAdditive; };
  o.parts = adds(node.type.additivity) || share(node);
  if (int i = c.metric.empty() ? -1 : m_.MetricIndex(c.metric); i >= 0) {
    const ir::Metric& mt = m_.metrics[static_cast<size_t>(i)];
    o.parts = adds(mt.additivity) || (mt.root >= 0 && share(m_.node(mt.root)));
  }
  LCtx lc;
  lc.grain = o.grain;
  lc.dims = o.by;
  touched_ = &o.scans;
  o.root = M(c.node, lc);
  touched_ = nullptr;
  PeriodsFromWindows(&o);
  o.round = RoundOf(o.root, m_.node(c.node).type.unit.ToString());
  plan_.charts.push_back(std::move(o));
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
  // An empty value is a missing one (a wrapper's unset variable), not the
  // rows whose column is the empty string.
  for (const ir::Role::Param& p : role_->params)
    if (req_.params.at(p.name).empty())
      throw PlanError("E0603", fmt::format("--param {}= is empty: role `{}` needs a value", p.name, role_->name));
  std::vector<int> on_path;
  int f = Visible(index, plan_.scans[index].src, {}, &on_path);
  if (f >= 0) plan_.scans[index].filter = Bool(index, f);
}

int Lowerer::RoleColumn(int scan, const std::vector<std::string>& path) {
  RowNode n;
  n.op = RowNode::Op::kColumn;
  role_read_ = true;
  n.column = Col(plan_.scans[scan], path);
  role_read_ = false;
  n.type = plan_.scans[scan].columns[n.column].type;
  n.scale = plan_.scans[scan].columns[n.column].scale;
  return Node(scan, std::move(n));
}

const ir::Role::Item& Lowerer::RoleItem(int source, int via) const {
  for (const ir::Role::Item& item : role_->items)
    if (item.source == source) return item;
  // Not mentioned: refused, so that a role never reads a source by omission.
  const std::string& name = m_.sources[source].name;
  std::string why = via < 0 ? ""
                            : fmt::format(" (`{}` references it, and a row of `{}` is visible only if the rows it "
                                          "looks up are)",
                                          m_.sources[via].name, m_.sources[via].name);
  throw PlanError("E0604", fmt::format("role `{}` does not say which rows of source `{}` it may read{}; add `{} where "
                                       "...` to restrict it, or `{}: all` to allow every row",
                                       role_->name, name, why, name, name));
}

void Lowerer::RoleWhole(int source) const {
  if (!role_ || source < 0) return;
  const std::string& name = m_.sources[static_cast<size_t>(source)].name;
  if (std::none_of(role_->items.begin(), role_->items.end(),
                   [&](const ir::Role::Item& it) { return it.source == source; }))
    throw PlanError("E0604", fmt::format("role `{}` does not say which rows of source `{}` it may read; it is read "
                                         "whole (working days, exchange rates): add `{}: all`",
                                         role_->name, name, name));
  // Restricted by its own filter, or by a source it looks up (a row is
  // visible only if the rows it looks up are): either way, not whole.
  std::vector<int> on_path;
  if (Restricted(source, -1, &on_path)) {
    throw PlanError("E0319", fmt::format("role `{}` restricts source `{}`, which is read whole (working days, exchange "
                                         "rates); write `{}: all`",
                                         role_->name, name, name));
  }
}

bool Lowerer::Restricted(int source, int via, std::vector<int>* on_path) const {
  const ir::Role::Item& item = RoleItem(source, via);
  bool restricted = !item.all && item.filter >= 0;
  on_path->push_back(source);
  for (const ir::Column& c : m_.sources[source].columns) {
    if (c.references < 0 || std::count(on_path->begin(), on_path->end(), c.references)) continue;
    // Every reachable source is looked at, so that each must be named.
    if (Restricted(c.references, source, on_path)) restricted = true;
  }
  on_path->pop_back();
  return restricted;
}

// The visibility rule (docs/language.md, "Roles"): a row is visible when the
// role's filter on its source holds and, for each `references` column into a
// restricted source, the key is matched by a visible row. A chain never
// revisits a source already on it.
int Lowerer::Visible(int scan, int source, const std::vector<std::string>& prefix, std::vector<int>* on_path) {
  const ir::Role::Item& item = RoleItem(source, on_path->empty() ? -1 : on_path->back());
  int cond = -1;
  auto conj = [&](int f) {
    if (cond < 0) {
      cond = f;
      return;
    }
    RowNode a;
    a.op = RowNode::Op::kAnd;
    a.type = VT::kBool;
    a.args = {cond, f};
    cond = Node(scan, std::move(a));
  };
  if (!item.all && item.filter >= 0) {
    filtering_ = role_;
    prefix_ = prefix;
    prefix_src_ = source;
    int f = Row(item.filter, scan);
    filtering_ = nullptr;
    prefix_.clear();
    prefix_src_ = -1;
    conj(Bool(scan, f));
  }
  on_path->push_back(source);
  for (const ir::Column& c : m_.sources[source].columns) {
    int target = c.references;
    if (target < 0 || std::count(on_path->begin(), on_path->end(), target)) continue;
    if (!Restricted(target, source, on_path)) continue;
    std::vector<std::string> path = prefix;
    path.push_back(c.name);
    const ir::Source& t = m_.sources[target];
    if (t.key_column < 0) Unreachable(fmt::format("lookup `{}` has no key column", t.name));
    std::vector<std::string> key_path = path;
    key_path.push_back(t.columns[static_cast<size_t>(t.key_column)].name);
    RowNode matched;
    matched.op = RowNode::Op::kIsNotNull;
    matched.type = VT::kBool;
    matched.args = {RoleColumn(scan, key_path)};
    conj(Node(scan, std::move(matched)));
    int sub = Visible(scan, target, path, on_path);
    if (sub >= 0) conj(sub);
  }
  on_path->pop_back();
  return cond;
}

// ---- goals -------------------------------------------------------------------------------

void Lowerer::Goal(const ir::Goal& g) {
  goal_ = &g;
  company_target_ = false;
  regrained_ = false;
  struct Reset {
    const ir::Goal** p;
    bool* company;
    bool* regrained;
    ~Reset() {
      *p = nullptr;
      *company = false;
      *regrained = false;
    }
  } reset{&goal_, &company_target_, &regrained_};
  GoalPlan gp;
  gp.name = g.name;
  gp.label = LabelFor(g.label, g.labels);
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
      gp.metric_label = LabelFor(mt.label, mt.labels);
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
  ir::ValueRange range = ir::RangeOf(m_, g.metric);
  gp.floor = range.lo, gp.ceil = range.hi;
  gp.target_relative = TargetIsRelative(g);
  // A relative target of an amount that adds a fixed number (`sales >=
  // sales.last_year + 2000 CNY`): the number is the company's, so neither a
  // member nor a role's part takes it whole (each store's target was its own
  // last year plus the whole 2000), and a partial period takes it pro rata
  // (goals probe, 2026-12-07).
  const bool fixed_addon = gp.target_relative && g.target_rhs >= 0 && ir::IsAmount(m_, g.metric) &&
                           ir::AddsFixedNumber(m_, g.target_rhs);
  fixed_addon_ = fixed_addon;
  gp.target_fixed_addon = fixed_addon;
  if (gp.target_relative && !fixed_addon) {
    std::set<int> own, target;
    ir::SourcesUnder(m_, g.metric, &own);
    ir::SourcesUnder(m_, g.target_rhs, &target);
    gp.target_elsewhere = !target.empty() && std::none_of(target.begin(), target.end(),
                                                           [&](int src) { return own.count(src) > 0; });
    if (gp.target_elsewhere)
      for (int src : target) gp.target_sources.push_back(plan_.sources[static_cast<size_t>(src)].key);
  }
  // Under a role that sees a part of the rows, an absolute target is the
  // company's (as for a drill's member): the part has none, and says why.
  company_target_ = !g.cmp.empty() && (TargetIsAmount(g) || fixed_addon) && RoleSeesPart(g);
  // So is a target read from sources the role leaves whole (`budget: all`)
  // while it sees a part of the metric's rows: a store was judged against
  // the company's budget, 14.8% for 91.4% (store probe, 2026-12-07; W0013
  // at check).
  const bool whole_target = !company_target_ && !g.cmp.empty() && gp.target_elsewhere && RoleSeesPart(g) &&
                            !RoleSeesPartOf(g.target_rhs);
  whole_target_ = whole_target;
  if (whole_target) {
    company_target_ = true;
    std::vector<std::string> names;
    for (const std::string& key : gp.target_sources) names.push_back(fmt::format("`{}`", key.substr(key.find(':') + 1)));
    plan_.notes.push_back(
        {"W0711",
         fmt::format("goal `{}` has no target under role `{}`: its target reads {}, which the role leaves "
                     "whole, and the role sees a part of the rows of the goal's metric (restrict {} in the "
                     "role for a target of its own)",
                     g.name, role_->name, fmt::join(names, ", "), fmt::join(names, ", ")),
         fmt::format("目标{}在角色{}下没有目标值：目标值读取 {} 的全部数据，而该角色只看到目标指标的一部分行"
                     "（在角色中限定 {}，即得到该角色自己的目标值）",
                     ZhName(g.label, g.name), ZhName(role_->label, role_->name), fmt::join(names, "、"),
                     fmt::join(names, "、"))});
  } else if (company_target_)
    plan_.notes.push_back(
        {"W0711",
         fmt::format("goal `{}` has no target under role `{}`: its target is an amount for all rows, and the "
                     "role sees a part of them (a relative target, such as {}, applies to any part)",
                     g.name, role_->name,
                     g.metric_name.empty() ? std::string("its metric a year earlier times 1.2")
                                           : fmt::format("`1.2 * {}.last_year`", g.metric_name)),
         fmt::format("目标{}在角色{}下没有目标值：目标值是全部数据的金额，而该角色只看到其中一部分"
                     "（相对目标，例如 {}，适用于任何部分）",
                     ZhName(g.label, g.name), ZhName(role_->label, role_->name),
                     g.metric_name.empty() ? std::string("去年同期的 1.2 倍")
                                           : fmt::format("`1.2 * {}.last_year`", g.metric_name))});
  if (!g.cmp.empty()) {
    static const std::pair<const char*, Cmp> kCmps[] = {{"==", Cmp::kEq}, {"!=", Cmp::kNe}, {"<", Cmp::kLt},
                                                         {"<=", Cmp::kLe}, {">", Cmp::kGt},  {">=", Cmp::kGe}};
    for (const auto& [text, c] : kCmps)
      if (g.cmp == text) gp.cmp = c;
    gp.target = company_target_ ? MOp(MNode::Op::kNull, {}) : M(g.target_rhs, lc);
    gp.target_per_period = !company_target_ && g.phasing.empty() && !gp.additive && TargetIsAmount(g);
    // Another grain than the goal's own: a fixed target of an amount is
    // each of the goal's periods'. An additive one adds up (the engine's
    // phased targets); a distinct count's does not, and there is none.
    const rt::Grain own = g.grain ? *g.grain : rt::Grain::kMonth;
    if (!company_target_ && g.phasing.empty() && gp.grain != own && TargetIsAmount(g)) {
      if (gp.additive) {
        gp.target_grain = own;
        regrained_ = true;
      } else {
        gp.target = MOp(MNode::Op::kNull, {});
        company_target_ = true;  // nor has `m.target` in its alerts, nor a member a share
        plan_.notes.push_back(
            {"W0714", fmt::format("goal `{}` has no target at grain `{}`: its target is each {}'s, and {} over {} is "
                                  "not its {}s' added up; run at grain `{}` to compare",
                                  g.name, rt::GrainName(gp.grain), rt::GrainName(own),
                                  g.metric_name.empty() ? std::string("its metric") : fmt::format("`{}`", g.metric_name),
                                  gp.grain == rt::Grain::kAll ? std::string("the whole period")
                                                              : fmt::format("a {}", rt::GrainName(gp.grain)),
                                  rt::GrainName(own), rt::GrainName(own)),
             fmt::format("目标{}在{}粒度下没有目标值：目标值按{}设定，而{}的{}值不是各{}值相加；请按{}粒度运行以作比较",
                         ZhName(g.label, g.name), rt::GrainNameZh(gp.grain), rt::GrainNameZh(own),
                         g.metric_name.empty() ? std::string("其指标") : fmt::format("`{}`", g.metric_name),
                         gp.grain == rt::Grain::kAll ? std::string("整个时段的") : rt::GrainNameZh(gp.grain),
                         rt::GrainNameZh(own), rt::GrainNameZh(own))});
      }
    }
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
      for (const auto& t : d.terms) {
        GoalPlan::Decomposition::Term term{t.text, M(t.node, lc), t.sign};
        const ir::Node& n = m_.node(t.node);
        const ir::Node* of = n.kind == ir::Kind::kMember && !n.args.empty() ? &m_.node(n.args[0]) : nullptr;
        if (out.kind == GoalPlan::Decomposition::Kind::kAdditive && t.sign > 0 && out.opening < 0 && of &&
            n.fn == builtins::Fn::kPrevious && of->kind == ir::Kind::kMetric &&
            m_.metrics[static_cast<size_t>(of->metric)].name == d.name) {
          // The opening balance of a bridge: shown with the metric's label.
          const ir::Metric& mt = m_.metrics[static_cast<size_t>(of->metric)];
          out.opening = static_cast<int>(out.terms.size());
          term.label = LabelFor(mt.label, mt.labels);
          term.format = mt.format;
          term.percent = mt.percent;
          term.unit = mt.percent ? "percent" : mt.unit.ToString();
        } else if (n.kind == ir::Kind::kMetric) {
          const ir::Metric& mt = m_.metrics[static_cast<size_t>(n.metric)];
          term.label = LabelFor(mt.label, mt.labels);
          term.format = mt.format;
          term.percent = mt.percent;
          term.unit = mt.percent ? "percent" : mt.unit.ToString();
        } else {
          term.unit = n.type.unit.ToString();
        }
        out.terms.push_back(std::move(term));
      }
      gp.decompositions.push_back(std::move(out));
      continue;
    }
    const std::string& dim = g.drills[next_drill++];
    if (g.drill_top) gp.drill_top = *g.drill_top;
    GoalPlan::Drill dr;
    dr.dim = dim;
    if (const ir::Dimension* d = m_.FindDimension(dim)) dr.label = LabelFor(d->label, d->labels);
    if (!dr.label.empty()) plan_.dim_labels[dim] = dr.label;
    dr.type = DimType(dim);
    LCtx by = lc;
    by.dims = {dim};
    touched_ = &dr.scans;
    try {
      dr.value = M(g.metric, by);
      // A member's target is the target evaluated for the member: a
      // relative target (`1.28 * sales.last_year`) gives each its own, and a
      // level (`conversion >= 12%`) applies to each alike; an amount
      // (`100000 CNY`) is the company's, and gives none (or a share of it,
      // `allocate last_year`).
      // (With `phasing`, members have none: the goal's periods are judged
      // against the phased target, not the level as written.)
      bool amount = TargetIsAmount(g);
      if (gp.target >= 0 && !amount && !fixed_addon_ && (TargetIsRelative(g) || g.phasing.empty())) {
        if (whole_target_) touched_ = &gp.scans;
        // A target read from a source without the dimension (a budget per
        // store, drilled by channel) has none per member: the members are
        // listed without one. The whole drill-down, and its alerts, had
        // been left out without a word (reader's probe, 2026-12-07).
        try {
          dr.target = M(g.target_rhs, by);
        } catch (const PlanError&) {
          dr.target = -1;
        }
        touched_ = &dr.scans;
      }
      if (gp.target >= 0 && amount && g.allocate == "last_year" && !company_target_) dr.share = LastYearShare(g, by);
      // Mix and rate effects need parts that add up over the members: not
      // a distinct count, where a customer is in two stores (the engine
      // also checks the members' denominators add up, which one store's
      // alone under a role did: reader's probe, 2026-12-06).
      std::function<bool(int)> distinct = [&](int id) {
        const MNode& n = plan_.mnodes[static_cast<size_t>(id)];
        if (n.op == MNode::Op::kAgg && n.scan >= 0 && n.agg >= 0 &&
            plan_.scans[static_cast<size_t>(n.scan)].aggs[static_cast<size_t>(n.agg)].fn == AggSpec::Fn::kCountDistinct)
          return true;
        for (int a : n.args)
          if (a >= 0 && distinct(a)) return true;
        return false;
      };
      if (!gp.additive && plan_.mnodes[dr.value].op == MNode::Op::kDiv &&
          plan_.mnodes[gp.value].op == MNode::Op::kDiv && !distinct(dr.value)) {
        dr.num = plan_.mnodes[dr.value].args[0];
        dr.den = plan_.mnodes[dr.value].args[1];
        dr.total_num = plan_.mnodes[gp.value].args[0];
        dr.total_den = plan_.mnodes[gp.value].args[1];
      }
    } catch (const PlanError& e) {
      touched_ = &gp.scans;
      // A dimension the role hides is said; one the goal's sources lack was
      // already warned of at check (E0404).
      if (e.code == "E0605")
        plan_.notes.push_back({"W0705",
                               fmt::format("the drill-down of goal `{}` by `{}` is left out: {}", g.name, dim, e.what()),
                               fmt::format("目标{}按 `{}` 的下钻未列入（{}）", ZhName(g.label, g.name), dim, e.what())});
      continue;
    }
    touched_ = &gp.scans;
    gp.drills.push_back(std::move(dr));
  }
  // Each drill dimension's members' own decompositions: the same
  // identities evaluated per member, where every term can be broken down.
  // Only for an HTML report (Request::member_detail), and outside the
  // drill's scans, which list its members.
  std::vector<int> member_scans;
  for (GoalPlan::Drill& dr : gp.drills) {
    if (!req_.member_detail) break;
    for (const ir::Goal::Decomposition& d : g.decompositions) {
      GoalPlan::Drill::MemberDecomposition md;
      LCtx by = lc;
      by.dims = {dr.dim};
      touched_ = &member_scans;
      try {
        int value = M(d.value, by), rhs = M(d.rhs, by);
        std::vector<int> terms;
        for (const auto& t : d.terms) terms.push_back(M(t.node, by));
        md.value = value;
        md.rhs = rhs;
        md.terms = std::move(terms);
      } catch (const PlanError&) {
        // A term the dimension does not reach: the member has none.
      }
      dr.decompositions.push_back(std::move(md));
    }
  }
  touched_ = &gp.scans;
  for (const ir::Goal::Alert& it : g.alerts) {
    GoalPlan::Alert a;
    a.name = it.name;
    a.severity = it.severity;
    a.message = it.message;
    {
      std::function<bool(int)> reads_forecast = [&](int id) {
        const ir::Node& n = m_.node(id);
        if (n.kind == ir::Kind::kForecast) return true;
        for (int x : n.args)
          if (reads_forecast(x)) return true;
        return false;
      };
      a.forecast = reads_forecast(it.cond);
    }
    // In an alert on the forecast, `m.target` is what the forecast is
    // compared with (the engine's, kGoalTarget), for the total and members.
    forecast_alert_ = a.forecast;
    a.cond = M(it.cond, lc);
    if (it.value >= 0) a.value = M(it.value, lc);
    if (const ir::Node& c = m_.node(it.cond); it.value >= 0 && c.kind == ir::Kind::kBinary && c.args.size() == 2) {
      bool left = c.args[0] == it.value, right = c.args[1] == it.value;
      bool lt = c.binary == ir::BinaryOp::kLt || c.binary == ir::BinaryOp::kLe;
      bool gt = c.binary == ir::BinaryOp::kGt || c.binary == ir::BinaryOp::kGe;
      a.worse = (left && lt) || (right && gt) ? -1 : (left && gt) || (right && lt) ? 1 : 0;
    }
    if (it.value >= 0 && m_.node(it.value).kind == ir::Kind::kForecast) a.forecast_field = m_.node(it.value).text();
    // An amount that grows through the period against a fixed threshold
    // (no period operator, no relative target): judged only on whole periods.
    if (it.value >= 0) {
      const ir::Node& left = m_.node(it.value);
      std::function<bool(int)> reads_target = [&](int id) {
        const ir::Node& n = m_.node(id);
        if (n.kind == ir::Kind::kMember && n.fn == builtins::Fn::kTarget) return true;
        for (int x : n.args)
          if (reads_target(x)) return true;
        return false;
      };
      std::function<bool(int)> shows_percent = [&](int id) {
        const ir::Node& n = m_.node(id);
        if (n.percent) return true;
        if (n.kind == ir::Kind::kMetric && m_.metrics[static_cast<size_t>(n.metric)].percent) return true;
        if (n.kind == ir::Kind::kMethod && (n.fn == builtins::Fn::kChange || n.fn == builtins::Fn::kGrowthMethod))
          return true;
        if (n.kind == ir::Kind::kCall && n.fn == builtins::Fn::kGrowth) return true;
        for (int x : n.args)
          if (shows_percent(x)) return true;
        return false;
      };
      a.percent = left.type.unit.IsOne() && shows_percent(it.cond);
      if (!a.percent) {
        a.unit = left.type.unit.ToString();
        if (left.kind == ir::Kind::kMetric) {
          const ir::Metric& lm = m_.metrics[static_cast<size_t>(left.metric)];
          a.format = lm.format;
          if (lm.percent) a.unit = "percent";
        }
      }
      a.held = left.type.level == ir::Level::kMetric && left.type.additivity == ir::Additivity::kAdditive &&
               !ir::FindPeriodOperator(m_, it.cond) && !(reads_target(it.cond) && TargetIsRelative(g));
    }
    // An amount against a fixed number is the company's threshold, as an
    // absolute target of an amount is the company's number: it is not
    // applied to each member (W0011 at check), nor to the part of the rows
    // a role sees, where it does not fire (W0713; it fired for each store's
    // sales against the company's 120000: review, 2026-12-06).
    std::vector<int> amounts;
    bool fixed_amount = ir::AlertComparesFixedAmount(m_, g, it, &amounts);
    bool part = false;  // the role sees a part of the rows an amount compared reads
    for (int amount : amounts) part = part || RoleSeesPartOf(amount);
    if (fixed_amount && part) {
      a.cond = MOp(MNode::Op::kNull, {});
      a.held = false;  // it does not fire at all: not "held" (W0707) either
      plan_.notes.push_back(
          {"W0713",
           fmt::format("alert `{}` of goal `{}` does not fire under role `{}`: it compares an amount for all "
                       "rows with a fixed number, and the role sees a part of them",
                       it.name.empty() ? ir::DumpNode(m_, it.cond) : it.name, g.name, role_->name),
           fmt::format("目标{}的预警「{}」在角色{}下不触发：它把全部数据的金额与固定数值比较，而该角色只看到其中一部分",
                       ZhName(g.label, g.name), it.name.empty() ? ir::DumpNode(m_, it.cond) : it.name,
                       ZhName(role_->label, role_->name))});
    }
    // Alerts also fire per member of each drill dimension that the
    // condition's sources have.
    for (const auto& dr : gp.drills) {
      if (fixed_amount) break;
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
    forecast_alert_ = false;
    gp.alerts.push_back(a);
  }
  touched_ = nullptr;
  plan_.goals.push_back(std::move(gp));
}

double WindowShare(rt::Grain g, int64_t p, int32_t from, int32_t to, const rt::Calendar& cal) {
  int32_t ps = rt::PeriodStart(g, p, cal), pe = rt::PeriodEnd(g, p, cal) - 1;
  int32_t a = std::max(ps, from), b = std::min(pe, to - 1);
  if (pe < ps) return 1.0;
  return b < a ? 0.0 : static_cast<double>(b - a + 1) / static_cast<double>(pe - ps + 1);
}

double TargetGrainFactor(const GoalPlan& g, int64_t p, const rt::Calendar& cal) {
  if (!g.target_grain) return 1.0;
  const rt::Grain own = *g.target_grain;
  const bool all = g.grain == rt::Grain::kAll;
  int32_t ps = all ? g.from_day : rt::PeriodStart(g.grain, p, cal);
  int32_t pe = all ? g.to_day : rt::PeriodEnd(g.grain, p, cal);
  // The goal's days of this period in the window: a quarter that
  // --from 2026-03-01 cuts to March has March's target, not a third of the
  // quarter's months (review, 2026-12-06). The result is the whole
  // period's, which the engine judges by its share of days in the window
  // (WindowShare), so it is divided by that share here.
  int32_t lo = all ? ps : std::max(ps, g.from_day), hi = all ? pe : std::min(pe, g.to_day);
  double factor = 0;
  if (hi > lo)
    for (int64_t q = rt::PeriodOf(own, lo, cal); q <= rt::PeriodOf(own, hi - 1, cal); ++q) {
      int32_t qs = rt::PeriodStart(own, q, cal), qe = rt::PeriodEnd(own, q, cal);
      int32_t a = std::max(lo, qs), b = std::min(hi, qe);
      if (qe > qs && b > a) factor += static_cast<double>(b - a) / static_cast<double>(qe - qs);
    }
  if (!all && hi > lo && hi - lo < pe - ps) factor *= static_cast<double>(pe - ps) / static_cast<double>(hi - lo);
  double whole = std::round(factor);
  return std::fabs(factor - whole) < 1e-12 ? whole : factor;
}

bool Lowerer::TargetIsAmount(const ir::Goal& g) const {
  // Only an amount is the company's (ir::IsAmount). A level (an average, a
  // rate: `csat >= 4.5 point`, `conversion >= 12%`) applies to any part alike.
  if (TargetIsRelative(g)) return false;
  return ir::IsAmount(m_, g.metric);
}

bool Lowerer::RoleSeesPart(const ir::Goal& g) const { return RoleSeesPartOf(g.metric); }

bool Lowerer::RoleSeesPartOf(int node) const {
  if (!role_) return false;
  std::set<int> sources;
  std::set<int> seen;
  std::function<void(int)> walk = [&](int id) {
    if (id < 0 || !seen.insert(id).second) return;
    const ir::Node& n = m_.node(id);
    if ((n.kind == ir::Kind::kColumn || n.kind == ir::Kind::kRows) && n.source >= 0) sources.insert(n.source);
    if (n.kind == ir::Kind::kMetric && n.metric >= 0)
      for (const std::string& key : m_.metrics[static_cast<size_t>(n.metric)].sources)
        if (const ir::Source* s = m_.FindSource(key)) sources.insert(static_cast<int>(s - m_.sources.data()));
    for (int a : n.args) walk(a);
  };
  walk(node);
  std::vector<int> on_path;
  for (int s : sources)
    if (Restricted(s, -1, &on_path)) return true;
  return false;
}

bool Lowerer::TargetIsRelative(const ir::Goal& g) const {
  std::function<bool(int)> reads = [&](int id) {
    if (id < 0) return false;
    const ir::Node& n = m_.node(id);
    if (n.kind == ir::Kind::kMetric) return true;
    for (int a : n.args)
      if (reads(a)) return true;
    return false;
  };
  return reads(g.target_rhs);
}

int Lowerer::LastYearShare(const ir::Goal& g, const LCtx& by) {
  LCtx w = by;
  w.windowed = true;
  MNode s;
  s.op = MNode::Op::kShare;
  s.args = {Shift(M(g.metric, w), Grain::kYear)};
  return MAdd(std::move(s));
}

void Unreachable(const std::string& what) {
  throw std::logic_error(fmt::format("the lowering met what `kpic check` should have refused: {}", what));
}

Plan Lower(const ir::Module& module, const Request& request) { return Lowerer(module, request).Run(); }

}  // namespace kpic::plan
