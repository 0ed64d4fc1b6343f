// The checker's driver and metrics: every metric is typed once, on first
// use (so dependencies are typed before the metrics that read them, and a
// cycle is seen as a metric met again while it is being typed); then goals,
// roles and reports; then the checks over the whole catalog. The typed
// metrics are copied into the IR's metric table at the end.
#include <fmt/format.h>

#include <algorithm>

#include "base/heap_growth.h"
#include "sema/checker.h"
#include "sema/typecheck.h"

namespace kpic {

namespace check {

using ast::DeclKind;
using ast::Expr;

const char* KindName(VKind k) {
  switch (k) {
    case VKind::kNumber:
      return "number";
    case VKind::kBool:
      return "bool";
    case VKind::kString:
      return "string";
    case VKind::kDate:
      return "date";
    case VKind::kTimestamp:
      return "timestamp";
    case VKind::kNull:
      return "null";
    case VKind::kSource:
      return "source";
    default:
      return "error";
  }
}

CheckedModule Checker::Run() {
  Sources();
  // Every metric gets an IR entry: one allocation, not a doubling vector
  // (at 80,000 metrics the old and the new copy lived side by side).
  module_.ir.metrics.reserve(module_.ir.metrics.size() + catalog_.metric_home.size());
  size_t done = 0;
  for (const auto& [name, home] : catalog_.metric_home) {
    if ((++done & 255) == 0) NoteHeapGrowth();  // the types and the IR grow with each metric
    too_deep_reported_ = false;
    MetricOf(name);
  }
  for (const auto& [pname, pkg] : catalog_.packages) {
    pkg_ = &pkg;
    for (const auto& [name, d] : pkg.decls) {
      if (d->has_syntax_error) continue;
      too_deep_reported_ = false;  // one E0106 per declaration at most
      if (d->kind == DeclKind::kGoal) Goal(static_cast<const ast::GoalDecl&>(*d));
      if (d->kind == DeclKind::kRole) Role(static_cast<const ast::RoleDecl&>(*d));
      if (d->kind == DeclKind::kReport) Report(static_cast<const ast::ReportDecl&>(*d));
    }
    if (!pkg.from_stdlib)
      for (const ast::ExpectDecl* x : pkg.expects)
        if (!x->has_syntax_error) {
          too_deep_reported_ = false;
          Expect(*x);
        }
  }
  NoteHeapGrowth();
  FillMetricIr();
  if (!diags_.has_errors())
    // Never a metric without a type and without an error: `run` would stop
    // with an internal error after a clean `check` (the backstop behind
    // E0222).
    for (const auto& [name, t] : module_.metrics)
      if (!t.ok)
        if (const ast::Decl* d = Lookup(name); d && d->kind == DeclKind::kMetric && !d->has_syntax_error)
          diags_
              .Report(DiagCode::E0223, d->name.span, fmt::format("metric `{}` could not be checked", name))
              .Help("this is a bug in kpic; rewrite the formula over columns and metrics")
              .span_label = "not checked";
  NoteHeapGrowth();
  SameFormulas();
  RoleCoverage();
  return std::move(module_);
}

const NameSet& Checker::DimensionsOf(const ast::SourceDecl& s) const {
  auto [it, inserted] = dimensions_of_.try_emplace(&s);
  if (inserted) it->second = DimensionsOfUncached(s, 0);
  return it->second;
}

std::set<std::string> Checker::DimensionsOfUncached(const ast::SourceDecl& s, int depth) const {
  std::set<std::string> dims;
  // A lookup names a source of the looking source's own package (as the
  // IR resolves it, Checker::Sources), not of the metric's that reads it.
  const Package* home = Here().PackageOf(&s);
  Scope scope(catalog_, home ? home : pkg_);
  for (const ast::Column& c : s.columns) {
    if (c.dimension) dims.insert(c.dimension->name);
    if (c.references && depth < 4 && !c.references->parts.empty()) {
      // A many-to-one lookup brings the referenced source's dimensions.
      if (const ast::SourceDecl* t = scope.SourceByName(c.references->parts.back().name)) {
        auto more = DimensionsOfUncached(*t, depth + 1);
        dims.insert(more.begin(), more.end());
      }
    }
  }
  return dims;
}

bool Checker::HasTime(const ast::SourceDecl& s) {
  return std::any_of(s.columns.begin(), s.columns.end(), [](const ast::Column& c) { return c.time; });
}

int Checker::MetricIndex(const std::string& name) {
  auto& index = module_.ir.metric_index;
  if (auto it = index.find(name); it != index.end()) return it->second;
  int i = static_cast<int>(module_.ir.metrics.size());
  module_.ir.metrics.emplace_back();
  module_.ir.metrics.back().name = name;
  index[name] = i;
  return i;
}

uint64_t Checker::ExpandedSize(int node) {
  if (node < 0) return 0;
  if (expanded_.size() < module_.ir.nodes.size()) expanded_.resize(module_.ir.nodes.size(), 0);
  uint32_t& known = expanded_[static_cast<size_t>(node)];
  if (known) return known - 1;
  const ir::Node& n = module_.ir.node(node);
  uint64_t size = 1;
  for (int a : n.args) size += ExpandedSize(a);
  // A change or a growth writes its metric out twice, now and before (a
  // chain of `.change(month)` doubled unseen: review, 2026-12-07).
  if (!n.args.empty() && ((n.kind == ir::Kind::kMethod && (n.fn == builtins::Fn::kChange ||
                                                           n.fn == builtins::Fn::kGrowthMethod)) ||
                          (n.kind == ir::Kind::kCall && n.fn == builtins::Fn::kGrowth)))
    size += ExpandedSize(n.args[0]);
  if (n.kind == ir::Kind::kMetric && n.metric >= 0 && static_cast<size_t>(n.metric) < module_.ir.metrics.size())
    size += ExpandedSize(module_.ir.metrics[static_cast<size_t>(n.metric)].root);
  size = std::min<uint64_t>(size, kMaxExpanded + 1);
  // (expanded_ may have grown while the arguments were sized.)
  expanded_[static_cast<size_t>(node)] = static_cast<uint32_t>(size + 1);
  return size;
}

const MetricType* Checker::MetricOf(const std::string& name, Span at) {
  if (auto it = module_.metrics.find(name); it != module_.metrics.end()) {
    if (visiting_.count(name)) {
      // The cycle: the metrics being typed from `name` on, back to `name`.
      auto first = std::find(visiting_order_.begin(), visiting_order_.end(), name);
      std::vector<std::string> cycle(first, visiting_order_.end());
      bool reported = std::any_of(cycle.begin(), cycle.end(), [&](const std::string& m) {
        return cycle_reported_.count(m) > 0;
      });
      if (!reported) {
        for (const std::string& m : cycle) cycle_reported_.insert(m);
        Span where = at.valid() ? at : it->second.decl->name.span;
        if (cycle.size() <= 1) {
          auto& d = diags_.Report(DiagCode::E0406, where, fmt::format("metric `{}` depends on itself", name));
          d.span_label = "this reference closes the cycle";
          d.Help("a metric cannot be defined in terms of itself, directly or through other metrics");
        } else {
          std::string path;
          for (const std::string& m : cycle) path += "`" + m + "` → ";
          path += "`" + name + "`";
          auto& d = diags_.Report(DiagCode::E0406, where, fmt::format("metrics form a cycle: {}", path));
          d.span_label = fmt::format("`{}` reads `{}` here, which closes the cycle", cycle.back(), name);
          for (size_t i = 0; i + 1 < cycle.size(); ++i) {  // the last one is the primary span's
            const MetricType& mt = module_.metrics.at(cycle[i]);
            if (mt.decl)
              d.Label(mt.decl->name.span,
                      fmt::format("`{}` reads `{}`", cycle[i], cycle[i + 1]));
          }
          d.Help("a metric cannot be defined in terms of itself, directly or through other metrics; break the cycle "
                 "by defining one of them from source columns");
        }
      }
      return nullptr;
    }
    return &it->second;
  }
  auto home = catalog_.metric_home.find(name);
  if (home == catalog_.metric_home.end()) return nullptr;
  const Package* pkg = catalog_.FindPackage(home->second);
  const auto* decl = static_cast<const ast::MetricDecl*>(pkg->decls.at(name));
  MetricType& m = module_.metrics[name];
  m.decl = decl;
  m.package = home->second;
  m.ir = MetricIndex(name);
  if (decl->has_syntax_error || !decl->expr) return &m;
  visiting_.insert(name);
  visiting_order_.push_back(name);
  // Names in the formula (and the sources' lookups) resolve in the
  // metric's own package until this function returns.
  struct Restore {
    Checker* c;
    const Package* pkg;
    std::map<std::string, Ty> locals;
    MetricType* current;
    ~Restore() {
      c->pkg_ = pkg;
      c->locals_ = std::move(locals);
      c->current_ = current;
    }
  } restore{this, pkg_, std::move(locals_), current_};
  locals_.clear();
  pkg_ = pkg;
  current_ = &m;
  const int outer_reach = reach_, base = type_depth_;
  reach_ = base;
  Ty t = Metric(*decl->expr);
  m.depth = reach_ - base;
  reach_ = std::max(outer_reach, reach_);
  visiting_.erase(name);
  visiting_order_.pop_back();
  if (t.error()) return &m;
  if (t.kind != VKind::kNumber && t.kind != VKind::kNull) {
    diags_
        .Report(DiagCode::E0307, decl->expr->span,
                fmt::format("metric `{}` is a {}, but a metric must be a number", name, KindName(t.kind)))
        .span_label = "not a number";
    return &m;
  }
  if (t.level == Level::kRow) {
    RowOutsideAggregate(*decl->expr);
    return &m;
  }
  m.unit = t.unit;
  if (!decl->unit && t.unit.IsOne() && t.node >= 0) {
    // A change, a growth or a share (`sales.change(month)`, `growth(sales,
    // last_year)`, `share(sales)`, or a library function that is one,
    // `std.kpi.yoy`) is a ratio people read in percent: shown as one, as in
    // an alert (it printed 0.20 and -0.25: probe and review, 2026-12-06;
    // a share printed 0.63: reader's probe, 2026-12-07).
    if (ir::ReadsAsPercent(module_.ir.nodes[static_cast<size_t>(t.node)])) m.percent = true;
  }
  if (decl->unit && !decl->unit->refused) {
    bool percent = decl->unit->factors.size() == 1 && decl->unit->factors[0].name.name == "percent";
    m.percent = percent;
    Unit declared = UnitFromAst(*decl->unit);
    if (!(percent ? t.unit.OnlyCounts() && Comparable(t.unit, Unit::One()) : declared == t.unit)) {
      auto& d = diags_.Report(DiagCode::E0304, decl->unit->span,
                              fmt::format("metric `{}` is declared `{}` but its formula gives `{}`", name,
                                          decl->unit->ToString(), t.unit.ToString()));
      d.span_label = "declared unit";
      d.Label(decl->expr->span, fmt::format("this is `{}`", t.unit.ToString()));
      if (percent)
        d.Help("`percent` fits a dimensionless ratio, or a ratio of counts such as orders per visit");
      else
        d.Help(fmt::format("declare `: {}`, or change the formula", t.unit.ToString()));
      return &m;
    }
    if (!percent) m.unit = declared;
  }
  m.additivity = t.level == Level::kConst ? Additivity::kNonAdditive : t.add;
  NameSet dims;  // shares the source's set when there is one source
  bool first = true;
  for (const ast::SourceDecl* s : t.sources) {
    m.sources.insert(SourceKey(s));
    const NameSet& d = DimensionsOf(*s);
    if (first) {
      dims = d;
      first = false;
    } else if (dims != d) {
      std::set<std::string> both;
      std::set_intersection(dims.begin(), dims.end(), d.begin(), d.end(), std::inserter(both, both.begin()));
      dims = std::move(both);
    }
    if (!HasTime(*s)) m.has_time = false;
  }
  m.dimensions = dims;
  for (const std::string& dep : t.deps)
    if (dep != name) m.depends_on.insert(dep);
  // Most metrics of a package read the same few sources and metrics: one
  // copy of each distinct set (80,000 metrics held 17 MB of copies).
  m.sources = Shared(std::move(m.sources));
  m.depends_on = Shared(std::move(m.depends_on));
  m.places = Places(t);
  if (ExpandedSize(t.node) > kMaxExpanded) {
    // Written out, the metrics and functions it reads make a tree that
    // doubles with each that reads the one before twice (`c20 = c19 +
    // c19`, `fn d(a) = a + a` nested): `run` took 6 s and 580 MB at 20
    // levels and ran out of memory past them (hang probe, 2026-12-07).
    auto& d = diags_.Report(DiagCode::E0106, decl->name.span,
                            fmt::format("formula too large: `{}` is more than {} expressions once the metrics and "
                                        "functions it reads are written out",
                                        name, kMaxExpanded));
    d.span_label = "too large";
    d.Help("a metric or function that reads another twice doubles it; read it once (`2 * c` for `c + c`), or define "
           "the large ones from source columns");
    return &m;
  }
  m.ok = true;
  module_.ir.metrics[m.ir].root = t.node;
  if (check_only_) {
    // The caller lent the trees for the check and will not read this one
    // again (CheckInput::check_only): the session owns it, mutable.
    m.formula = ast::FormulaHash(*decl->expr);
    auto* lent = const_cast<ast::MetricDecl*>(decl);
    lent->expr.reset();
    // Nor its attributes, once the IR has what it reads of them (their
    // governance was checked while resolving names): 19 MB of the 10 MB
    // package's peak.
    MetricAttrsIntoIr(*lent, &module_.ir.metrics[m.ir]);
    std::vector<ast::Attribute>().swap(lent->attrs);
  }
  return &m;
}

void Checker::RowOutsideAggregate(const Expr& e) {
  diags_.Report(DiagCode::E0401, e.span, "a column is used outside an aggregate")
      .Help("a metric summarises many rows: wrap the column in an aggregate such as `sum(...)` or `count(...)`")
      .span_label = "one value per row";
}

void Checker::MetricAttrsIntoIr(const ast::MetricDecl& decl, ir::Metric* m) {
  for (const ast::Attribute& a : decl.attrs) {
    if (a.key.name == "format" && !a.values.empty()) m->format = a.values[0].text;
    if (a.key.name == "label" && !a.lang.empty() && !a.values.empty()) m->labels[a.lang] = a.values[0].text;
  }
}

void Checker::FillMetricIr() {
  for (const auto& [name, t] : module_.metrics) {
    ir::Metric& m = module_.ir.metrics[t.ir];
    m.package = t.package;
    m.ok = t.ok;
    if (!t.ok) m.root = -1;
    m.unit = t.unit;
    m.percent = t.percent;
    m.additivity = t.additivity;
    m.sources = t.sources;
    m.dimensions = t.dimensions;
    m.has_time = t.has_time;
    m.depends_on = t.depends_on;
    if (t.decl) {
      m.label = t.decl->label.value_or("");
      MetricAttrsIntoIr(*t.decl, &m);  // none left where `check` freed them (Metric)
      m.span = t.decl->name.span;
    }
  }
}

}  // namespace check

CheckedModule TypeCheck(const Catalog& catalog, const SourceManager& sm, DiagnosticSink& diags,
                        bool check_only) {
  return check::Checker(catalog, sm, diags, check_only).Run();
}

}  // namespace kpic
