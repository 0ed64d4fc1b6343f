// The checker's declarations: sources, dimensions and the calendar become
// the IR's tables; goals, roles and reports are checked (targets and alerts
// are conditions, decompositions add up, drills and charts only use
// dimensions every source has) and recorded in the IR with their
// expressions' nodes and their settings parsed once.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

#include "datetime.h"
#include "base/parallel.h"
#include "ir/fingerprint.h"
#include "syntax/format.h"
#include "sema/checker.h"

namespace kpic::check {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using ir::Scalar;
using ir::VT;

namespace {

/// An unnamed alert's name: its condition in `kpic fmt`'s spacing, on one
/// line, without comments, so that formatting the file keeps it and an
/// action recorded against it still answers it (the text as typed changed
/// with `kpic fmt`, and kept a comment inside the condition: review,
/// 2026-12-06).
std::string ConditionName(std::string_view text) {
  std::string bare;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == '"') {  // a string, as it is
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      bare.append(text.substr(i, std::min(j + 1, text.size()) - i));
      i = j;
    } else if (ch == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      bare += ' ';
    } else if (ch == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 1;
      bare += ' ';
    } else {
      bare += ch;
    }
  }
  std::string shaped = FormatKpi(bare).value_or(bare), out;
  for (char ch : shaped) {
    bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
    if (!space)
      out += ch;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}


std::string BindingArg(const ast::Binding& b, const std::string& name) {
  for (const auto& a : b.args)
    if (a.name && a.name->name == name) return a.value.text;
  return {};
}

bool IsComparison(const Expr* e) {
  return e && e->kind == ExprKind::kBinary && e->bop >= ast::BinaryOp::kEq && e->bop <= ast::BinaryOp::kGe;
}

/// Flattens `a + b - c` or `a * b / c` into terms with their signs.
void Terms(const Expr& e, ast::BinaryOp plus, ast::BinaryOp minus, int sign,
           std::vector<std::pair<const Expr*, int>>* out) {
  const Expr* x = StripParens(&e);
  if (x->kind == ExprKind::kBinary && (x->bop == plus || x->bop == minus)) {
    Terms(*x->lhs, plus, minus, sign, out);
    Terms(*x->rhs, plus, minus, x->bop == minus ? -sign : sign, out);
    return;
  }
  out->push_back({x, sign});
}

}  // namespace

// ---- sources, dimensions, calendar ------------------------------------------------------

void Checker::Sources() {
  ir::Module& m = module_.ir;
  // The languages of the user's labels (`package NAME { languages "zh", "en" }`).
  for (const auto& [pname, pkg] : catalog_.packages)
    if (!pkg.from_stdlib)
      for (const ast::PackageDecl* clause : pkg.clauses)
        for (const auto& a : clause->attrs)
          if (a.key.name == "languages")
            for (const auto& v : a.values) {
              auto add = [&](const std::string& x) {
                if (std::find(m.languages.begin(), m.languages.end(), x) == m.languages.end()) m.languages.push_back(x);
              };
              if (v.kind == ast::AttrValue::Kind::kList)
                for (const auto& x : v.list) add(x.text);
              else
                add(v.text);
            }
  for (const auto& [pname, pkg] : catalog_.packages) {
    for (const auto& [name, d] : pkg.decls) {
      if (d->kind == DeclKind::kDimension) {
        const auto& dd = static_cast<const ast::DimensionDecl&>(*d);
        ir::Dimension dim;
        dim.name = name;
        dim.label = dd.label.value_or("");
        for (const ast::Attribute& a : dd.attrs)
          if (a.key.name == "label" && !a.values.empty()) {
            if (a.lang.empty()) {
              if (dim.label.empty()) dim.label = a.values[0].text;
            } else {
              dim.labels[a.lang] = a.values[0].text;
            }
          }
        dim.package = pname;
        std::string t = dd.type ? dd.type->name.name : "string";
        dim.vt = t == "int" ? VT::kInt : t == "date" ? VT::kDate : VT::kString;
        dim.span = dd.name.span;
        m.dimensions.push_back(std::move(dim));
      }
      if (d->kind != DeclKind::kSource) continue;
      const auto& sd = static_cast<const ast::SourceDecl&>(*d);
      ir::Source s;
      s.key = pname + ":" + name;
      s.name = name;
      s.package = pname;
      s.stdlib = pkg.from_stdlib;
      s.label = sd.label.value_or("");
      s.span = sd.name.span;
      for (const ast::Column& c : sd.columns) {
        ir::Column col;
        col.name = c.name.name;
        col.header = c.header.value_or(c.name.name);
        col.scalar = TypeScalar(c.type);
        if (c.unit) col.unit = UnitFromAst(*c.unit);
        col.key = c.key;
        col.time = c.time;
        if (c.entity) col.entity = c.entity->name;
        if (c.dimension) col.dimension = c.dimension->name;
        if (c.rollup) col.rollup = c.rollup->name;
        col.label = c.label.value_or("");
        col.span = c.name.span;
        if (c.time && s.time_column < 0) s.time_column = static_cast<int>(s.columns.size());
        if (c.key) s.key_column = static_cast<int>(s.columns.size());
        s.columns.push_back(std::move(col));
      }
      if (sd.binding) {
        const ast::Binding& b = *sd.binding;
        ir::Binding ib;
        ib.kind = b.kind.name == "postgresql" ? "postgres" : b.kind.name;
        ib.location = BindingArg(b, ib.kind == "postgres" ? "uri" : "path");
        if (ib.location.empty() && !b.args.empty() && !b.args[0].name) ib.location = b.args[0].value.text;
        ib.table = BindingArg(b, "table");
        if (ib.table.empty()) ib.table = name;
        if (std::string schema = BindingArg(b, "schema"); !schema.empty()) ib.table = schema + "." + ib.table;
        ib.base_dir = std::filesystem::path(sm_.Get(sd.span.file).path).parent_path().string();
        ib.delimiter = BindingArg(b, "delimiter");
        ib.quote = BindingArg(b, "quote");
        ib.header = BindingArg(b, "header");
        ib.date_format = BindingArg(b, "date_format");
        ib.timestamp_format = BindingArg(b, "timestamp_format");
        for (const auto& a : b.args) {
          if (!a.name || a.name->name != "null") continue;
          if (a.value.kind == ast::AttrValue::Kind::kList)
            for (const auto& v : a.value.list) ib.nulls.push_back(v.text);
          else
            ib.nulls.push_back(a.value.text);
        }
        ib.span = b.span;
        s.binding = std::move(ib);
      }
      source_index_[&sd] = static_cast<int>(m.sources.size());
      m.source_index[s.key] = static_cast<int>(m.sources.size());
      m.sources.push_back(std::move(s));
    }
  }
  // References: the looked-up source of each `references` column.
  for (const auto& [sd, index] : source_index_) {
    pkg_ = Here().PackageOf(sd);
    for (size_t c = 0; c < sd->columns.size(); ++c) {
      const ast::Column& col = sd->columns[c];
      if (!col.references || col.references->parts.empty()) continue;
      if (const ast::SourceDecl* t = SourceByName(col.references->parts.back().name))
        m.sources[index].columns[c].references = SourceIndex(t);
    }
  }
  pkg_ = nullptr;
  // The calendar of the user's package that declares one (two that differ
  // are E0501): it was the first package's by name, and another package's
  // calendar was ignored.
  const Package* home = nullptr;
  for (const auto& [n, p] : catalog_.packages)
    if (!p.from_stdlib && p.decls.count("calendar")) {
      home = &p;
      break;
    }
  if (home) {
    for (const auto& [n, d] : home->decls) {
      if (d->kind != DeclKind::kCalendar) continue;
      for (const ast::Attribute& a : static_cast<const ast::CalendarDecl&>(*d).attrs) {
        if (a.values.empty()) continue;
        const std::string& v = a.values[0].text;
        if (a.key.name == "week_start") {
          static const char* kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
          for (int i = 0; i < 7; ++i)
            if (v == kDays[i]) m.calendar.week_start = i;
        } else if (a.key.name == "fiscal_year_start") {
          m.calendar.fiscal_start = std::clamp(std::atoi(v.c_str()), 1, 12);
        } else if (a.key.name == "time_zone") {
          m.calendar.time_zone = v;
        } else if (a.key.name == "pattern") {
          rt::ParseRetailPattern(v, m.calendar.pattern);
        } else if (a.key.name == "working_days") {
          pkg_ = home;  // names are looked up in the calendar's package
          WorkingDaySource(a.values[0], &m.calendar);
          pkg_ = nullptr;
        }
      }
    }
  }
}

/// `working_days holidays`: a source with a `time` column of type date (the
/// day) and one bool column (the one named `working`, or else its only one):
/// true for a day worked (a make-up working day), false for a holiday.
void Checker::WorkingDaySource(const ast::AttrValue& v, ir::Calendar* cal) {
  auto refuse = [&](const std::string& why) {
    diags_.Report(DiagCode::E0219, v.span, why)
        .Help("a working-day source has a `time` column of type date and a bool column (`working`, or its only "
              "bool column): true for a day worked (a make-up working day on a weekend), false for a holiday")
        .span_label = "working days";
  };
  const ast::SourceDecl* s = v.kind == ast::AttrValue::Kind::kName ? SourceByName(v.text) : nullptr;
  if (!s) {
    const ast::Decl* d = v.kind == ast::AttrValue::Kind::kName ? Lookup(v.text) : nullptr;
    return refuse(d ? fmt::format("`{}` is not a source: `working_days` names the source of holidays", v.text)
                    : fmt::format("unknown source `{}` for `working_days`", v.text));
  }
  int time = -1, flag = -1;
  std::vector<int> bools;
  for (size_t i = 0; i < s->columns.size(); ++i) {
    const ast::Column& c = s->columns[i];
    if (c.time) {
      time = static_cast<int>(i);
      continue;
    }
    if (TypeScalar(c.type).vt != VT::kBool) continue;
    bools.push_back(static_cast<int>(i));
    if (c.name.name == "working") flag = static_cast<int>(i);
  }
  if (time < 0)
    return refuse(fmt::format("`{}` does not fit as a source of working days: it needs a `time` column of type date",
                              v.text));
  if (const ast::Column& t = s->columns[static_cast<size_t>(time)]; TypeScalar(t.type).vt != VT::kDate)
    return refuse(fmt::format("`{}` does not fit as a source of working days: its `time` column `{}` must be a date, "
                              "not a {}",
                              v.text, t.name.name, t.type.name.name));
  if (flag < 0) {
    if (bools.size() != 1)
      return refuse(fmt::format("`{}` does not fit as a source of working days: it has {} bool columns and none "
                                "named `working`",
                                v.text, bools.size()));
    flag = bools[0];
  }
  auto it = source_index_.find(s);
  if (it == source_index_.end()) return;
  cal->work_source = it->second;
  cal->work_time = time;
  cal->work_flag = flag;
}

// ---- goals -----------------------------------------------------------------------------

const MetricType* Checker::GoalMetric(const ast::GoalDecl& g) {
  for (const ast::GoalItem& it : g.items) {
    if (it.kind != ast::GoalItem::Kind::kMetric || !it.expr) continue;
    if (it.expr->kind == ExprKind::kName) {
      const ast::Decl* d = Lookup(it.expr->name.name);
      if (d && d->kind == DeclKind::kMetric) return MetricOf(d->name.name);
    }
  }
  return nullptr;
}

void Checker::RequireDims(const MetricType& m, const ast::Ident& dim, const std::string& metric_name) {
  if (m.dimensions.count(dim.name)) return;
  // An undeclared dimension, or a source whose mapping names one, was
  // reported by name resolution (E0208); do not report it twice.
  const ast::Decl* declared = Lookup(dim.name);
  if (!declared || declared->kind != DeclKind::kDimension) return;
  for (const std::string& key : m.sources) {
    const ast::SourceDecl* s = SourceByNameAnywhere(key);
    for (const ast::Column& c : s ? s->columns : std::vector<ast::Column>{}) {
      if (!c.dimension) continue;
      const ast::Decl* target = Lookup(c.dimension->name);
      if (!target || target->kind != DeclKind::kDimension) return;
    }
  }
  // Name the source that lacks it.
  std::string lacking;
  for (const std::string& key : m.sources) {
    const ast::SourceDecl* s = SourceByNameAnywhere(key);
    if (s && !DimensionsOf(*s).count(dim.name)) {
      lacking = s->name.name;
      break;
    }
  }
  auto& d = diags_.Report(DiagCode::E0404, dim.span,
                          fmt::format("`{}` cannot be broken down by `{}`: source `{}` has no column mapped to it",
                                      metric_name, dim.name, lacking));
  d.span_label = "dimension not available";
  d.Help(m.dimensions.empty() ? std::string("this metric has no dimension every source shares")
                              : fmt::format("available: {}", fmt::join(m.dimensions, ", ")));
}

void Checker::RequireTime(const MetricType& m, Span at, const std::string& metric_name) {
  if (m.has_time) return;
  std::string lacking;
  for (const std::string& key : m.sources) {
    const ast::SourceDecl* s = SourceByNameAnywhere(key);
    if (s && !HasTime(*s)) lacking = s->name.name;
  }
  diags_
      .Report(DiagCode::E0405, at,
              fmt::format("`{}` cannot be broken down by time: source `{}` has no time column", metric_name, lacking))
      .Help("mark the source's date or timestamp column with `time`")
      .span_label = "needs a time axis";
}

namespace {

/// The runtime's calendar of the package's (week start, fiscal year start,
/// retail pattern), for period arithmetic at check.
rt::Calendar RtCalendar(const ir::Calendar& cal) {
  rt::Calendar c;
  c.week_start = cal.week_start;
  c.fiscal_start = cal.fiscal_start;
  for (int k = 0; k < 3; ++k) c.pattern[k] = cal.pattern[k];
  return c;
}

}  // namespace

void Checker::GoalGrainFits(const ir::Goal& goal, rt::Grain grain, Span at) {
  if (grain == rt::Grain::kAll) return;
  const rt::Calendar c = RtCalendar(module_.ir.calendar);
  std::set<int> seen;
  std::string why;
  std::function<void(int)> walk = [&](int id) {
    if (id < 0 || !why.empty() || !seen.insert(id).second) return;
    const ir::Node& n = module_.ir.node(id);
    if (n.kind == ir::Kind::kMetric && n.metric >= 0) {
      walk(module_.ir.metrics[static_cast<size_t>(n.metric)].root);
      return;
    }
    if (n.kind == ir::Kind::kMethod) {
      auto arg = [&]() -> std::optional<rt::Grain> {
        if (n.args.size() < 2) return std::nullopt;
        return module_.ir.node(n.args[1]).grain;
      };
      if (n.fn == builtins::Fn::kToDate) {
        rt::Grain p = arg().value_or(rt::Grain::kYear);
        if (static_cast<int>(grain) < static_cast<int>(p) && !rt::Nests(grain, p, c))
          why = fmt::format("`.to_date({0})`: a {1} can fall in two {0}s", rt::GrainName(p), rt::GrainName(grain));
      }
      bool reagg = n.fn == builtins::Fn::kReaggSum || n.fn == builtins::Fn::kReaggAvg ||
                   n.fn == builtins::Fn::kReaggMin || n.fn == builtins::Fn::kReaggMax ||
                   n.fn == builtins::Fn::kReaggLast;
      if (reagg)
        if (auto w = arg(); w && !rt::Nests(*w, grain, c))
          why = static_cast<int>(*w) > static_cast<int>(grain)
                    ? fmt::format("`.{0}({1})` (or `{0}(... by {1})`): a {2} is not made of whole {1}s",
                                  builtins::Get(n.fn).name, rt::GrainName(*w), rt::GrainName(grain))
                    : fmt::format("`.{0}({1})` (or `{0}(... by {1})`): a {1} can fall in two {2}s",
                                  builtins::Get(n.fn).name, rt::GrainName(*w), rt::GrainName(grain));
    }
    for (int a : n.args) walk(a);
  };
  walk(goal.metric);
  walk(goal.target_lhs);
  walk(goal.target_rhs);
  if (why.empty()) return;
  auto& d = diags_.Report(DiagCode::E0320, at,
                          fmt::format("goal `{}` is by {}, which its metric cannot be evaluated by: {}", goal.name,
                                      rt::GrainName(grain), why));
  d.span_label = "this grain";
  d.Help("choose a grain whose periods each lie in one period of the operator (by month for `.to_date(year)`), or "
         "an operator over a grain that makes up the goal's (`.avg(day)` by month)");
}

void Checker::Goal(const ast::GoalDecl& g) {
  using K = ast::GoalItem::Kind;
  // A goal measures one metric: without `metric` it passed `check` and
  // `check` itself then stopped with an internal error (hang probe,
  // 2026-12-07).
  if (std::none_of(g.items.begin(), g.items.end(), [](const ast::GoalItem& it) { return it.kind == K::kMetric; })) {
    auto& d = diags_.Report(DiagCode::E0323, g.name.span, fmt::format("goal `{}` has no `metric`", g.name.name));
    d.span_label = "which metric does it measure?";
    std::string guess;
    for (const ast::GoalItem& it : g.items) {
      const Expr* top = it.kind == K::kTarget && it.expr ? StripParens(it.expr.get()) : nullptr;
      if (top && top->kind == ExprKind::kBinary && top->lhs && top->lhs->kind == ExprKind::kName)
        guess = top->lhs->name.name;
    }
    d.Help(guess.empty() ? std::string("add a line `metric NAME` naming the metric the goal measures")
                         : fmt::format("add `metric {}`, the metric its target compares", guess));
    return;
  }
  const MetricType* m = GoalMetric(g);
  std::string mname = m && m->decl ? m->decl->name.name : "";
  ir::Goal goal;
  goal.name = g.name.name;
  goal.label = g.label.value_or("");
  goal.package = pkg_->name;
  goal.span = g.name.span;
  const ir::Calendar& cal = module_.ir.calendar;
  GoalContext ctx;
  ctx.goal = g.name.name;
  ctx.metric = mname;
  ctx.metric_ir = m ? m->ir : -1;
  for (const ast::GoalItem& it : g.items) ctx.has_target |= it.kind == K::kTarget;
  goal_ctx_ = &ctx;
  Span phasing_at, allocate_at;
  struct Reset {
    const GoalContext** p;
    ~Reset() { *p = nullptr; }
  } reset{&goal_ctx_};
  std::vector<std::pair<const ast::GoalItem*, Ty>> conds;  // targets and alerts, typed
  Span grain_span;  // the goal's grain, as written
  for (size_t item = 0; item < g.items.size(); ++item) {
    const ast::GoalItem& it = g.items[item];
    ctx.in_target = it.kind == K::kTarget;
    ctx.in_alert = it.kind == K::kAlert;
    switch (it.kind) {
      case K::kMetric:
        if (it.expr) {
          Ty t = Metric(*it.expr);
          goal.metric = t.error() ? -1 : t.node;
          ctx.metric_node = goal.metric;
          if (it.expr->kind == ExprKind::kName) goal.metric_name = it.expr->name.name;
        }
        break;
      case K::kTarget:
      case K::kAlert:
        if (it.expr) {
          Ty t = Condition(*it.expr);
          if (!t.error() && ExpandedSize(t.node) > kMaxExpanded) {
            // A target or an alert is written out as a metric is (a
            // target over 32 copies of a large metric took `check` 30 s
            // and 3.6 GB: review, 2026-12-07).
            auto& d = diags_.Report(DiagCode::E0106, it.expr->span,
                                    fmt::format("formula too large: this {} is more than {} expressions once the "
                                                "metrics and functions it reads are written out",
                                                it.kind == K::kTarget ? "target" : "alert", kMaxExpanded));
            d.span_label = "too large";
            d.Help("read each large metric once, or compare fewer of them");
            t = Error();
          }
          bool ok = ExpectBool(
              t, *it.expr,
              it.kind == K::kTarget ? "a target must be a comparison" : "an alert condition must be a condition");
          const Expr* top = StripParens(it.expr.get());
          const ir::Node* n = ok && t.node >= 0 ? &module_.ir.nodes[t.node] : nullptr;
          bool cmp = n && IsComparison(top) && n->kind == ir::Kind::kBinary;
          if (it.kind == K::kTarget && cmp) {
            static const char* kCmp[] = {"==", "!=", "<", "<=", ">", ">="};
            goal.cmp = kCmp[static_cast<int>(top->bop) - static_cast<int>(ast::BinaryOp::kEq)];
            goal.target_lhs = n->args[0];
            goal.target_rhs = n->args[1];
            goal.target_span = it.expr->span;
            TargetMeasures(g, ctx, *top, n->args[0], n->args[1]);
          }
          if (ok) conds.push_back({&it, t});
          if (it.kind == K::kAlert && ok) {
            ir::Goal::Alert a;
            a.name = it.text;
            if (a.name.empty() && it.expr) a.name = ConditionName(sm_.Text(it.expr->span));
            a.severity = it.severity ? it.severity->name : "warning";
            a.message = it.message.value_or("");
            a.cond = t.node;
            a.value = cmp ? n->args[0] : -1;
            a.span = it.span;
            goal.alerts.push_back(std::move(a));
          }
        }
        break;
      case K::kDecompose:
        if (it.name && it.expr) {
          const ast::Decl* d = Lookup(it.name->name);
          const MetricType* lhs = d && d->kind == DeclKind::kMetric ? MetricOf(d->name.name) : nullptr;
          Ty rhs = Metric(*it.expr);
          if (lhs && lhs->ok && !rhs.error() && rhs.unit != lhs->unit) {
            auto& diag = diags_.Report(DiagCode::E0308, it.expr->span,
                                       fmt::format("the decomposition gives `{}`, but `{}` is `{}`",
                                                   rhs.unit.ToString(), it.name->name, lhs->unit.ToString()));
            diag.span_label = fmt::format("this is `{}`", rhs.unit.ToString());
            diag.Help("the drivers' units must multiply (or add) up to the metric's unit");
          } else if (lhs && lhs->ok && !rhs.error()) {
            ir::Goal::Decomposition dec;
            dec.name = it.name->name;
            dec.value = MetricTy(d->name.name, it.name->span).node;
            dec.rhs = rhs.node;
            dec.formula = ast::DumpExpr(*it.expr);
            dec.item = static_cast<int>(item);
            const Expr* top = StripParens(it.expr.get());
            std::vector<std::pair<const Expr*, int>> terms;
            using B = ast::BinaryOp;
            if (top->kind == ExprKind::kBinary && (top->bop == B::kAdd || top->bop == B::kSub)) {
              dec.kind = ir::Goal::Decomposition::Kind::kAdditive;
              Terms(*top, B::kAdd, B::kSub, 1, &terms);
            } else if (top->kind == ExprKind::kBinary && (top->bop == B::kMul || top->bop == B::kDiv)) {
              dec.kind = ir::Goal::Decomposition::Kind::kMultiplicative;
              Terms(*top, B::kMul, B::kDiv, 1, &terms);
            }
            for (const auto& [e, sign] : terms) dec.terms.push_back({ast::DumpExpr(*e), Metric(*e).node, sign});
            goal.decompositions.push_back(std::move(dec));
          }
        }
        break;
      case K::kDrill:
        if (m && m->ok)
          for (const ast::Ident& dim : it.names) RequireDims(*m, dim, mname);
        for (const ast::Ident& dim : it.names) {
          goal.drills.push_back(dim.name);
          goal.drill_items.push_back(static_cast<int>(item));
        }
        if (it.top) goal.drill_top = *it.top;
        break;
      case K::kPeriod:
      case K::kGrain:
        if (m && m->ok) RequireTime(*m, it.keyword_span, mname);
        if (it.name) {
          if (auto gr = rt::ParseGrain(it.name->name)) goal.grain = *gr, grain_span = it.name->span;
        }
        if (it.kind == K::kPeriod) {
          if (!it.period_end.empty()) {
            goal.from_day = rt::ParseDate(it.text, rt::DateFormat{}).value_or(0);
            goal.to_day = rt::ParseDate(it.period_end, rt::DateFormat{}).value_or(0);
          } else if (it.text.size() == 4) {
            int y = std::atoi(it.text.c_str());
            // A year is the fiscal year named by it (the calendar year when fiscal years start in January).
            const rt::Calendar c = RtCalendar(cal);  // a retail year: FY2025 by its weeks
            int64_t o = cal.fiscal_start == 1 ? y : y - 1;
            goal.from_day = rt::PeriodStart(rt::Grain::kYear, o, c);
            goal.to_day = rt::PeriodEnd(rt::Grain::kYear, o, c);
          } else if (auto day = rt::ParseDate(it.text, rt::DateFormat{})) {
            goal.from_day = *day;
            goal.to_day = *day + 1;
          }
        }
        break;
      case K::kAttr:
        if (it.attr.key.name == "owner" && !it.attr.values.empty()) goal.owner = it.attr.values[0].text;
        if (it.attr.key.name == "label" && !it.attr.lang.empty() && !it.attr.values.empty())
          goal.labels[it.attr.lang] = it.attr.values[0].text;
        break;
      case K::kSetting:
        if (it.attr.values.empty()) break;
        if (it.attr.key.name == "phasing") {
          goal.phasing = it.attr.values[0].text;
          phasing_at = it.attr.values[0].span;
        }
        if (it.attr.key.name == "allocate") {
          goal.allocate = it.attr.values[0].text;
          allocate_at = it.attr.values[0].span;
        }
        if (it.attr.key.name == "at_risk") {
          double v = std::strtod(it.attr.values[0].text.c_str(), nullptr);
          goal.at_risk = it.attr.values[0].kind == ast::AttrValue::Kind::kPercent ? v / 100 : v;
        }
        break;
    }
  }
  AlertMembers(g, conds);
  FixedAmountAlerts(goal);
  GoalSettingsApply(goal, phasing_at, allocate_at);
  if (goal.grain && grain_span.valid()) GoalGrainFits(goal, *goal.grain, grain_span);
  if (!pkg_->from_stdlib) module_.ir.goals.push_back(std::move(goal));
}

/// An alert that cannot fire per member of a drill dimension, because a
/// source of its condition lacks it, says so (W0007). (A goal's grain is
/// never `all` in a file; `--grain all` warns at run, W0706.)
void Checker::AlertMembers(const ast::GoalDecl& g, const std::vector<std::pair<const ast::GoalItem*, Ty>>& conds) {
  using K = ast::GoalItem::Kind;
  std::vector<const ast::Ident*> drills;
  for (const ast::GoalItem& it : g.items)
    if (it.kind == K::kDrill)
      for (const ast::Ident& dim : it.names) drills.push_back(&dim);
  for (const auto& [it, t] : conds) {
    if (it->kind != K::kAlert) continue;
    for (const ast::Ident* dim : drills) {
      const ast::Decl* declared = Lookup(dim->name);
      if (!declared || declared->kind != DeclKind::kDimension) continue;
      for (const ast::SourceDecl* s : t.sources) {
        if (!s || DimensionsOf(*s).count(dim->name)) continue;
        auto& d = diags_.Report(
            DiagCode::W0007, it->span,
            fmt::format("alert{} fires for the goal's total only, not per `{}`: source `{}` of its condition has no "
                        "column mapped to `{}`",
                        it->text.empty() ? "" : fmt::format(" \"{}\"", it->text), dim->name, s->name.name, dim->name));
        d.span_label = fmt::format("not per `{}`", dim->name);
        d.Label(dim->span, "members drilled here");
        d.Help(fmt::format("map a column of `{}` to `{}` (directly or through a lookup) for per-member alerts", s->name.name,
                           dim->name));
        break;
      }
    }
  }
}

/// `phasing` and `allocate` share out an amount: the whole period's over
/// its periods, the company's over its members. Of a level (a rate, an
/// average) they gave nonsense (`conversion >= 12%` phased by quarter was
/// judged against 3%), and `allocate` of a target that already reads a
/// metric (each member has its own) did nothing: E0321.
void Checker::GoalSettingsApply(const ir::Goal& goal, Span phasing_at, Span allocate_at) {
  if (goal.metric < 0) return;
  std::string what = goal.metric_name.empty() ? std::string("the goal's metric") : fmt::format("`{}`", goal.metric_name);
  bool amount = ir::IsAmount(module_.ir, goal.metric);
  bool has_target = goal.target_rhs >= 0;
  std::function<bool(int)> reads = [&](int id) {
    if (id < 0) return false;
    const ir::Node& n = module_.ir.node(id);
    if (n.kind == ir::Kind::kMetric) return true;
    for (int a : n.args)
      if (reads(a)) return true;
    return false;
  };
  if (!goal.phasing.empty() && has_target && !amount) {
    auto& d = diags_.Report(
        DiagCode::E0321, phasing_at,
        fmt::format("`phasing` spreads a whole period's amount over its periods, but {} is a level (a rate or an "
                    "average): each period is compared with its target as written",
                    what));
    d.span_label = "of an amount only";
    d.Help("remove `phasing`: a level's target applies to every period alike");
  }
  if (!goal.allocate.empty() && has_target && !amount) {
    auto& d = diags_.Report(
        DiagCode::E0321, allocate_at,
        fmt::format("`allocate` shares the company's amount out among members, but {} is a level (a rate or an "
                    "average): each member is compared with the target as written",
                    what));
    d.span_label = "of an amount only";
    d.Help("remove `allocate`: a level's target applies to every member alike");
  } else if (!goal.allocate.empty() && has_target && reads(goal.target_rhs)) {
    auto& d = diags_.Report(DiagCode::E0321, allocate_at,
                            "`allocate` shares out a fixed target, but this target reads a metric: each member is "
                            "already compared with its own");
    d.span_label = "nothing to share out";
    d.Help("remove `allocate`, or give the goal a fixed target (`sales >= 1200000 CNY`) to share out");
  }
  if ((!goal.phasing.empty() || !goal.allocate.empty()) && !has_target) {
    auto& d = diags_.Report(DiagCode::E0321, !goal.phasing.empty() ? phasing_at : allocate_at,
                            fmt::format("`{}` shares out a target, but the goal has none",
                                        !goal.phasing.empty() ? "phasing" : "allocate"));
    d.span_label = "no target to share out";
    d.Help("add a `target` line, or remove the setting");
  }
}

/// An alert comparing an amount with a fixed number (`sales < 120000 CNY`)
/// in a goal with drills: the number is the company's, so the alert
/// watches the total only (W0011), as an absolute target of an amount gives
/// members none.
void Checker::FixedAmountAlerts(const ir::Goal& goal) {
  if (goal.drills.empty()) return;
  for (const ir::Goal::Alert& a : goal.alerts) {
    if (!ir::AlertComparesFixedAmount(module_.ir, goal, a)) continue;
    std::string what = goal.metric_name.empty() ? std::string("sales") : goal.metric_name;
    auto& d = diags_.Report(
        DiagCode::W0011, a.span,
        fmt::format("alert{} compares an amount with a fixed number, the company's: it fires for the goal's total "
                    "only, not per `{}`",
                    a.name.empty() ? "" : fmt::format(" \"{}\"", a.name), fmt::join(goal.drills, "`, `")));
    d.span_label = "the total only";
    d.Help(fmt::format("to alert per member, compare each with its own past (`{0} < 0.9 * {0}.previous`) or with a "
                       "target of its own (a relative target, such as `{0} >= 1.1 * {0}.last_year`, and `{0} < 0.9 * "
                       "{0}.target`)",
                       what));
  }
}

/// Whether the IR expression `node` reads metric `metric` (directly, or
/// through a period operator or function of it).
static bool ReadsMetric(const ir::NodeStore& nodes, int node, int metric) {
  if (node < 0) return false;
  const ir::Node& n = nodes[static_cast<size_t>(node)];
  if (n.kind == ir::Kind::kMetric && n.metric == metric) return true;
  for (int a : n.args)
    if (ReadsMetric(nodes, a, metric)) return true;
  return false;
}

/// A target's compared (left) side is the goal's metric or an expression
/// over it; the other side may read anything. A target over another metric
/// would measure the goal by a number of a different meaning (E0318).
void Checker::TargetMeasures(const ast::GoalDecl& g, const GoalContext& ctx, const Expr& cmp, int lhs, int rhs) {
  if (ctx.metric_ir < 0 || ReadsMetric(module_.ir.nodes, lhs, ctx.metric_ir)) return;
  std::vector<std::string> read;
  std::function<void(int)> collect = [&](int id) {
    if (id < 0) return;
    const ir::Node& n = module_.ir.nodes[static_cast<size_t>(id)];
    if (n.kind == ir::Kind::kMetric && n.metric >= 0) {
      const std::string& name = module_.ir.metrics[static_cast<size_t>(n.metric)].name;
      if (std::find(read.begin(), read.end(), name) == read.end()) read.push_back(name);
    }
    for (int a : n.args) collect(a);
  };
  collect(lhs);
  std::string what = fmt::format("`{}`", read.empty() && cmp.lhs ? ast::DumpExpr(*cmp.lhs) : fmt::format("{}", fmt::join(read, "`, `")));
  auto& d = diags_.Report(DiagCode::E0318, cmp.lhs ? cmp.lhs->span : cmp.span,
                          fmt::format("goal `{}` measures `{}`, but its target compares {}", g.name.name, ctx.metric,
                                      what));
  d.span_label = fmt::format("not `{}`", ctx.metric);
  if (ReadsMetric(module_.ir.nodes, rhs, ctx.metric_ir))
    d.Help(fmt::format("put `{}` on the left: the left side is what the goal measures", ctx.metric));
  else if (read.size() == 1)
    d.Help(fmt::format("write the target over `{}` (e.g. `target {} >= 1.1 * {}.last_year`), or make `{}` the "
                       "goal's metric",
                       ctx.metric, ctx.metric, ctx.metric, read[0]));
  else
    d.Help(fmt::format("write the target over `{}`, e.g. `target {} >= 1.1 * {}.last_year`", ctx.metric, ctx.metric,
                       ctx.metric));
}

// ---- roles and reports ---------------------------------------------------------------------

void Checker::Role(const ast::RoleDecl& r) {
  const size_t errors_before = diags_.error_count();
  locals_.clear();
  ir::Role role;
  role.name = r.name.name;
  role.label = r.label.value_or("");
  role.package = pkg_->name;
  role.span = r.name.span;
  for (const ast::Param& p : r.params) {
    Ty t;
    const std::string ty = p.type ? p.type->name.name : "";
    t.kind = ty == "string"                                      ? VKind::kString
             : ty == "bool"                                      ? VKind::kBool
             : ty == "date"                                      ? VKind::kDate
             : ty == "timestamp"                                 ? VKind::kTimestamp
             : (ty == "int" || ty == "float" || ty == "decimal") ? VKind::kNumber
                                                                 : VKind::kError;
    t.scalar = p.type ? TypeScalar(*p.type) : Scalar{VT::kString, 0};
    t.node = Node(ir::Kind::kParam, t, p.name.span, {});
    module_.ir.nodes[t.node].param = static_cast<int>(role.params.size());
    role.params.push_back({p.name.name, t.scalar});
    locals_[p.name.name] = t;
  }
  for (const ast::RoleItem& it : r.items) {
    for (const ast::QualifiedName& q : it.hidden) {
      if (q.parts.size() != 2) continue;
      const ast::SourceDecl* hs = SourceByName(q.parts[0].name);
      if (!hs) continue;
      ir::Role::Hidden h;
      h.source = SourceIndex(hs);
      h.column = module_.ir.sources[static_cast<size_t>(h.source)].ColumnIndex(q.parts[1].name);
      h.span = q.span;
      if (h.column >= 0) role.hidden.push_back(h);
    }
    if (it.source.parts.empty()) continue;
    const ast::SourceDecl* src = SourceByName(it.source.parts.back().name);
    ir::Role::Item item;
    item.source = src ? SourceIndex(src) : -1;
    item.all = it.all;
    if (it.filter) {
      rule_source_ = src;
      Ty t = Type(*it.filter, true);
      rule_source_ = nullptr;
      if (t.error() && !diags_.has_errors()) {
        // Never a rule dropped in silence: a role without its rule shows
        // every row (the backstop behind E0222). Any error, here or in
        // name resolution before, already stops every run.
        diags_
            .Report(DiagCode::E0223, it.filter->span,
                    fmt::format("role `{}`: this rule could not be checked, so the role cannot restrict `{}`",
                                role.name, it.source.parts.back().name))
            .Help("this is a bug in kpic; rewrite the rule over the source's columns (`orders.store == store_id`)")
            .span_label = "not checked";
      }
      if (!t.error() && t.level == Level::kMetric) {
        // A metric in a rule is a sum over every row, the hidden ones
        // included: it passed `check`, and `run` stopped with an internal
        // error (review, 2026-12-07).
        diags_
            .Report(DiagCode::E0402, it.filter->span,
                    fmt::format("the rule for `{}` reads a metric: a rule is a condition on each row's own columns, "
                                "and a metric sums many rows (those the role hides too)",
                                it.source.parts.back().name))
            .Help(fmt::format("compare a column of `{}` with a parameter: `{}.store == store_id`",
                              it.source.parts.back().name, it.source.parts.back().name))
            .span_label = "reads a metric";
      } else if (!t.error() && ExpectBool(t, *it.filter, "a role filter must be a condition")) {
        item.filter = t.node;
        RoleArithmetic(t.node, it.filter->span);
        if (src && t.source && t.source != src) {
          diags_
              .Report(DiagCode::E0402, it.filter->span,
                      fmt::format("the rule for `{}` reads rows of `{}`", src->name.name, t.source->name.name))
              .Help(fmt::format("a role's rule restricts the rows of its own source; write it over `{}`",
                                src->name.name))
              .span_label = "another source";
        }
      }
    }
    role.items.push_back(item);
  }
  // A parameter no rule reads restricts nothing: every value of it sees the
  // same rows (`role store_manager(store_id) { orders where true }`).
  // (Not after an error in the role: a rule that did not check reads nothing.)
  size_t rules = 0, checked = 0;
  for (const ast::RoleItem& it : r.items) rules += it.filter != nullptr;
  for (const ir::Role::Item& item : role.items) checked += item.filter >= 0;
  const bool complete = diags_.error_count() == errors_before && rules == checked;
  for (size_t i = 0; complete && i < role.params.size() && i < r.params.size(); ++i) {
    bool used = false;
    for (const ir::Role::Item& item : role.items) {
      std::vector<int> todo{item.filter};
      while (!used && !todo.empty()) {
        int e = todo.back();
        todo.pop_back();
        if (e < 0) continue;
        const ir::Node& n = module_.ir.node(e);
        used = n.kind == ir::Kind::kParam && n.param == static_cast<int>(i);
        todo.insert(todo.end(), n.args.begin(), n.args.end());
      }
    }
    if (used) continue;
    auto& d = diags_.Report(DiagCode::W0009, r.params[i].name.span,
                            fmt::format("role `{}` never reads its parameter `{}`: every value of it sees the same rows",
                                        role.name, role.params[i].name));
    d.span_label = "read by no rule";
    d.Help(fmt::format("compare it with a column in a rule (`orders where orders.store == {}`), or remove it",
                       role.params[i].name));
  }
  locals_.clear();
  module_.ir.roles.push_back(std::move(role));
}

// A role's rule is evaluated on every row, the rows it hides included. An
// arithmetic overflow between a column and a parameter the user chooses
// (`orders.qty * k > 0`) stopped the run on a hidden row, and moving the
// parameter found that row's value exactly (role probe, 2026-12-07). A
// parameter can also decide which rows reach a calculation on columns
// alone (`orders.store == s or (orders.day >= since and orders.qty * big >
// 0)`), or a column raised to a parameter's decimal scale to be compared
// (`orders.qty >= minq` with `minq: decimal(17)` multiplies qty by 10^17):
// review, 2026-12-07. So a rule that reads a parameter does no operation
// on a column that can fail: no exact arithmetic on one (a difference of
// two dates or timestamps cannot overflow), and no conversion that raises
// a column's decimal scale. A rule without a parameter fails or not by the
// data alone, whoever runs it.
void Checker::RoleArithmetic(int node, Span rule) {
  auto reads = [&](int root, ir::Kind kind) {
    std::vector<int> todo{root};
    while (!todo.empty()) {
      int e = todo.back();
      todo.pop_back();
      if (e < 0) continue;
      const ir::Node& n = module_.ir.node(e);
      if (n.kind == kind) return true;
      todo.insert(todo.end(), n.args.begin(), n.args.end());
    }
    return false;
  };
  if (!reads(node, ir::Kind::kParam)) return;
  auto exact = [](const Scalar& sc) { return sc.vt == VT::kInt || sc.vt == VT::kDecimal; };
  auto report = [&](const ir::Node& n, const std::string& message, const std::string& help) {
    // At the rule when the node is a library function's (its span is in
    // the library's file, which the editor does not show).
    Span at = n.span.file == rule.file ? n.span : rule;
    auto& d = diags_.Report(DiagCode::E0322, at, message);
    d.span_label = "can fail on a row the role hides";
    d.Help(help);
  };
  std::vector<int> todo{node};
  while (!todo.empty()) {
    int e = todo.back();
    todo.pop_back();
    if (e < 0) continue;
    const ir::Node& n = module_.ir.node(e);
    const bool arithmetic = (n.kind == ir::Kind::kBinary && (n.binary == ir::BinaryOp::kAdd ||
                                                             n.binary == ir::BinaryOp::kSub ||
                                                             n.binary == ir::BinaryOp::kMul ||
                                                             n.binary == ir::BinaryOp::kDiv)) ||
                            (n.kind == ir::Kind::kUnary && n.unary == ir::UnaryOp::kNeg);
    const bool dates = n.kind == ir::Kind::kBinary && n.args.size() == 2 &&
                       (ScalarOf(n.args[0]).vt == VT::kDate || ScalarOf(n.args[0]).vt == VT::kTimestamp);
    if (arithmetic && !dates && exact(n.type.scalar) && reads(e, ir::Kind::kColumn)) {
      report(n,
             "a role's rule that reads a parameter calculates with a column: the rule runs on every row, those the "
             "role hides included, and whether a calculation there overflows would depend on the parameter and "
             "tell what the hidden rows hold",
             "compare the column with the parameter itself (`orders.qty > k`, `orders.amount >= minamt * 1 CNY`); "
             "calculate with the parameter alone");
      return;
    }
    for (size_t k = 0; k < n.conv.size() && k < n.args.size(); ++k) {
      Scalar from = ScalarOf(n.args[k]), to = n.conv[k];
      const int from_scale = from.vt == VT::kDecimal ? from.scale : 0;
      if (exact(from) && to.vt == VT::kDecimal && to.scale > from_scale && reads(n.args[k], ir::Kind::kColumn)) {
        report(n,
               fmt::format("a role's rule that reads a parameter raises a column to {} decimal places to compare it: "
                           "scaling can overflow on a row the role hides, and whether it does would tell what that "
                           "row holds",
                           to.scale),
               fmt::format("declare the parameter with the column's decimal places ({})",
                           from.vt == VT::kDecimal ? fmt::format("`decimal({})`", from_scale) : std::string("`int`")));
        return;
      }
    }
    todo.insert(todo.end(), n.args.begin(), n.args.end());
  }
}

void Checker::Report(const ast::ReportDecl& r) {
  ir::Report rep;
  rep.name = r.name.name;
  rep.title = r.label.value_or(r.name.name);
  rep.package = pkg_->name;
  rep.span = r.name.span;
  for (const ast::ReportItem& it : r.items) {
    using RK = ast::ReportItem::Kind;
    if (it.kind == RK::kGoals)
      for (const auto& n : it.names) rep.goals.push_back(n.name);
    if (it.kind == RK::kMetrics)
      for (const auto& n : it.names) rep.metrics.push_back(n.name);
    if (it.kind == RK::kRole && !it.names.empty() && rep.role.empty()) {
      rep.role = it.names[0].name;
      rep.role_span = it.names[0].span;
    }
    if ((it.kind == RK::kAttr || it.kind == RK::kSetting) && it.attr.key.name == "title" && !it.attr.values.empty())
      rep.title = it.attr.values[0].text;
    if (it.kind != RK::kChart || !it.expr) continue;
    Ty t = Metric(*it.expr);
    if (!t.error()) {
      bool timed = false;
      for (const auto& b : it.by) timed |= rt::ParseGrain(b.name).has_value();
      if (const ir::Node* op = timed ? nullptr : ir::FindPeriodOperator(module_.ir, t.node)) {
        // Without a grain a chart is over the whole time range: no period
        // before it to compare with.
        auto& d = diags_.Report(DiagCode::E0412, it.expr->span,
                                fmt::format("this chart has no time axis, so `{}` has no period to compare with and "
                                            "would be null for every bar",
                                            sm_.Text(op->span)));
        d.span_label = "compares periods";
        bool inside = op->span.file == it.expr->span.file && op->span.begin >= it.expr->span.begin &&
                      op->span.end <= it.expr->span.end;
        if (!inside) d.Label(op->span, "the period operator, in the metric's definition");
        d.Help(fmt::format("add a grain (`chart {} by month, ...`), or chart the metric itself",
                           ast::DumpExpr(*it.expr)));
      }
      ir::Report::Chart c;
      c.node = t.node;
      c.span = it.span;
      c.formula = ast::DumpExpr(*it.expr);
      if (it.expr->kind == ExprKind::kName) c.metric = it.expr->name.name;
      c.kind = it.as ? it.as->name : "table";
      c.text = c.formula;
      for (size_t k = 0; k < it.by.size(); ++k) c.text += (k ? ", " : " by ") + it.by[k].name;
      if (it.as) c.text += " as " + c.kind;
      for (const auto& b : it.by) {
        if (auto g = rt::ParseGrain(b.name))
          c.grain = *g;
        else
          c.by.push_back(b.name);
      }
      rep.charts.push_back(std::move(c));
    }
    if (t.error() || it.expr->kind != ExprKind::kName) continue;
    const MetricType* m = MetricOf(it.expr->name.name);
    if (!m || !m->ok) continue;
    for (const ast::Ident& by : it.by) {
      const auto& grains = builtins::GrainNames();
      if (std::find(grains.begin(), grains.end(), by.name) != grains.end())
        RequireTime(*m, by.span, it.expr->name.name);
      else
        RequireDims(*m, by, it.expr->name.name);
    }
  }
  module_.ir.reports.push_back(std::move(rep));
}

void Checker::Reads(int n, std::set<int>* sources, std::set<std::pair<int, std::vector<int>>>* columns,
                    std::set<int>* metrics) const {
  if (n < 0) return;
  const ir::Node& node = module_.ir.node(n);
  if (node.kind == ir::Kind::kMetric && node.metric >= 0 && metrics->insert(node.metric).second)
    Reads(module_.ir.metrics[static_cast<size_t>(node.metric)].root, sources, columns, metrics);
  if (node.source >= 0 && node.kind != ir::Kind::kSymbol) sources->insert(node.source);
  // `working_days()` reads the calendar's working-day source.
  if (node.kind == ir::Kind::kCall && node.fn == builtins::Fn::kWorkingDays && module_.ir.calendar.work_source >= 0)
    sources->insert(module_.ir.calendar.work_source);
  if (node.kind == ir::Kind::kColumn) {
    int src = node.source;
    for (size_t i = 0; i < node.path.size() && src >= 0; ++i) {
      sources->insert(src);
      const ir::Column& c = module_.ir.sources[static_cast<size_t>(src)].columns[static_cast<size_t>(node.path[i])];
      src = c.references;
    }
    columns->insert({node.source, node.path});
  }
  for (int a : node.args) Reads(a, sources, columns, metrics);
}

/// Every source a role's outputs read, lookups included (a row is visible
/// only if the rows it looks up are), is mentioned by the role: restricted
/// with a rule, or explicitly `all`. For a report's role that is an error
/// (E0316): the report could not run. For the package's goals under any
/// role it is W0005. A report's output that reads a column its role hides
/// is left out of the report (W0006).
void Checker::RoleCoverage() {
  const ir::Module& m = module_.ir;
  // The sources reachable through `references` (a source on a cycle reaches itself).
  const size_t n = m.sources.size();
  auto reach = [&](int from) {
    std::set<int> seen;
    std::vector<int> todo{from};
    while (!todo.empty()) {
      int s = todo.back();
      todo.pop_back();
      for (const ir::Column& c : m.sources[static_cast<size_t>(s)].columns)
        if (c.references >= 0 && seen.insert(c.references).second) todo.push_back(c.references);
    }
    return seen;
  };
  auto closure = [&](std::set<int> srcs) {
    std::set<int> out = srcs;
    for (int s : srcs)
      for (int t : reach(s)) out.insert(t);
    return out;
  };
  auto goal_nodes = [](const ir::Goal& g) {
    std::vector<int> nodes{g.metric, g.target_lhs, g.target_rhs};
    for (const auto& d : g.decompositions) {
      nodes.push_back(d.value);
      nodes.push_back(d.rhs);
      for (const auto& t : d.terms) nodes.push_back(t.node);
    }
    for (const auto& a : g.alerts) nodes.push_back(a.cond);
    return nodes;
  };
  auto named = [](const ir::Role& r, int src) {
    return std::any_of(r.items.begin(), r.items.end(), [&](const ir::Role::Item& it) { return it.source == src; });
  };
  std::vector<std::set<int>> reaches(n);
  for (size_t s = 0; s < n; ++s) reaches[s] = reach(static_cast<int>(s));
  // Sources read whole, as reference data: the calendar's working days and
  // the rates of `convert`. A role's filter on one cannot be applied (the
  // working days and rates are the same for every row), and ignoring it
  // would let rows outside the role move its numbers (E0319).
  std::map<int, std::string> whole;
  for (const ir::Node& node : m.nodes)
    if (node.kind == ir::Kind::kCall && node.fn == builtins::Fn::kConvert && node.args.size() == 3) {
      int r = m.node(node.args[2]).source;
      if (r >= 0) whole.emplace(r, "`convert` reads its exchange rates");
    }
  if (m.calendar.work_source >= 0) whole[m.calendar.work_source] = "the calendar's `working_days` reads it";
  for (const ir::Role& role : m.roles) {
    for (const ir::Role::Item& it : role.items) {
      if (it.source < 0 || it.all || it.filter < 0) continue;
      const std::string& name = m.sources[static_cast<size_t>(it.source)].name;
      // The source itself, or one that looks it up (whose rows are then
      // visible only where the rows they look up are).
      for (const auto& [w, why] : whole) {
        if (w != it.source && !reaches[static_cast<size_t>(w)].count(it.source)) continue;
        const std::string& wname = m.sources[static_cast<size_t>(w)].name;
        auto& d = diags_.Report(
            DiagCode::E0319, m.node(it.filter).span,
            w == it.source
                ? fmt::format("role `{}` restricts source `{}`, which is read whole: {}", role.name, name, why)
                : fmt::format("role `{}` restricts source `{}`, which `{}` looks up, so `{}` would be restricted too; "
                              "it is read whole: {}",
                              role.name, name, wname, wname, why));
        d.span_label = "cannot be restricted";
        d.Help(w == it.source ? fmt::format("write `{}: all` (every role sees the same working days and rates), or "
                                            "restrict the sources whose amounts they apply to",
                                            name)
                              : fmt::format("drop the `references` from `{}` to `{}`, or write `{}: all`", wname, name,
                                            name));
      }
    }
    // A source is restricted when the role filters it or it reaches one
    // that is filtered. Visibility through a cycle of restricted sources
    // would depend on where the chain starts: refused (E0317).
    std::set<int> filtered;
    for (const ir::Role::Item& it : role.items)
      if (it.source >= 0 && !it.all && it.filter >= 0) filtered.insert(it.source);
    for (size_t s = 0; s < n; ++s) {
      if (!reaches[s].count(static_cast<int>(s))) continue;  // not on a cycle
      bool restricted = filtered.count(static_cast<int>(s)) > 0;
      for (int t : reaches[s]) restricted = restricted || filtered.count(t) > 0;
      if (!restricted) continue;
      std::vector<std::string> cycle;
      for (int t : reaches[s])
        if (reaches[static_cast<size_t>(t)].count(static_cast<int>(s))) cycle.push_back(m.sources[static_cast<size_t>(t)].name);
      auto& d = diags_.Report(DiagCode::E0317, role.span,
                              fmt::format("role `{}` restricts rows that a cycle of `references` reaches ({}): whether "
                                          "a row of `{}` is visible would depend on the source the chain starts from",
                                          role.name, fmt::join(cycle, ", "), m.sources[s].name));
      d.span_label = "restricts a cycle";
      d.Help("remove one `references` of the cycle, or restrict only sources that no cycle reaches");
      break;  // one error per role
    }
    std::set<int> refused;
    for (const ir::Report& rep : m.reports) {
      if (rep.role != role.name || rep.package != role.package) continue;
      // What the report shows, output by output, as `run --report` leaves
      // them out (W0705): goals, metrics, charts (their breakdown too), and
      // the drill-downs of a goal that is shown.
      struct Shown {
        std::string what;
        std::vector<int> nodes;
        std::vector<std::string> dims;   ///< the breakdown of a chart or drill-down
        const ir::Goal* goal = nullptr;  ///< a goal, whose drill-downs follow when it is shown
      };
      std::vector<Shown> outputs;
      for (const std::string& g : rep.goals)
        if (const ir::Goal* goal = m.FindGoal(g))
          outputs.push_back({fmt::format("goal `{}`", g), goal_nodes(*goal), {}, goal});
      for (const std::string& name : rep.metrics)
        if (int i = m.MetricIndex(name); i >= 0)
          outputs.push_back({fmt::format("metric `{}`", name), {m.metrics[static_cast<size_t>(i)].root}, {}});
      for (const ir::Report::Chart& c : rep.charts)
        outputs.push_back({fmt::format("chart `{}`", c.text), {c.node}, c.by});
      for (size_t k = 0; k < outputs.size(); ++k) {
        const std::string what = outputs[k].what;
        const std::vector<int> nodes = outputs[k].nodes;
        const std::vector<std::string> dims = outputs[k].dims;
        const ir::Goal* goal = outputs[k].goal;
        std::set<int> srcs, metrics;
        std::set<std::pair<int, std::vector<int>>> cols;
        for (int n : nodes) Reads(n, &srcs, &cols, &metrics);
        for (const std::string& d : dims)
          for (int s : srcs) {
            std::vector<std::pair<int, int>> path;
            if (!m.DimPath(s, d, &path)) continue;
            std::vector<int> idx;
            for (const auto& step : path) idx.push_back(step.second);
            cols.insert({s, idx});
          }
        for (int s : closure(srcs)) {
          if (named(role, s) || !refused.insert(s).second) continue;
          const std::string& name = m.sources[static_cast<size_t>(s)].name;
          auto& d = diags_.Report(DiagCode::E0316, rep.role_span,
                                  fmt::format("report `{}` runs as role `{}`, which says nothing about source `{}`, {} its {}",
                                              rep.name, role.name, name,
                                              srcs.count(s) ? "read by" : "looked up by the rows of", what));
          d.span_label = "incomplete role";
          d.Label(role.span, "the role");
          d.Help(fmt::format("add `{} where ...` to the role to restrict it, or `{}: all` to allow every row", name, name));
        }
        bool left_out = false;
        for (const auto& [from, path] : cols) {
          auto [s, c] = ir::HiddenRead(m, role, from, path);
          if (s < 0) continue;
          const ir::Source& src = m.sources[static_cast<size_t>(s)];
          auto& d = diags_.Report(DiagCode::W0006, rep.role_span,
                                  fmt::format("report `{}` leaves out its {} under role `{}`: it reads column `{}.{}`, "
                                              "which the role hides",
                                              rep.name, what, role.name, src.name, src.columns[static_cast<size_t>(c)].name));
          d.span_label = "hides a column it reads";
          d.Help("the report still runs, with a note in place of the output; show a metric that does not read the "
                 "column, or stop hiding it");
          left_out = true;
          break;
        }
        if (goal && !left_out)
          for (const std::string& dim : goal->drills)
            outputs.push_back({fmt::format("drill-down of goal `{}` by `{}`", goal->name, dim), {goal->metric}, {dim}});
      }
    }
    std::set<int> warned;
    for (const ir::Goal& goal : m.goals) {
      if (goal.package != role.package) continue;
      std::set<int> srcs, metrics;
      std::set<std::pair<int, std::vector<int>>> cols;
      for (int n : goal_nodes(goal)) Reads(n, &srcs, &cols, &metrics);
      for (int s : closure(srcs)) {
        if (named(role, s) || refused.count(s) || !warned.insert(s).second) continue;
        const std::string& name = m.sources[static_cast<size_t>(s)].name;
        auto& d = diags_.Report(DiagCode::W0005, role.span,
                                fmt::format("role `{}` says nothing about source `{}`, which goal `{}` reads{}", role.name,
                                            name, goal.name, srcs.count(s) ? "" : " through a lookup"));
        d.span_label = "incomplete";
        d.Help(fmt::format("restrict it with `{} where ...`, or write `{}: all` to show it is deliberate", name, name));
      }
    }
    // An output that reads a source the role restricts and one it leaves
    // whole compares the role's part of the one with all of the other: a
    // store's sales against the company's budget (14.8% for 91.4%), its
    // orders over every store's visitors (store probe, 2026-12-07). Not the
    // sources read whole as reference data (rates, working days).
    auto restricted = [&](int s) {
      if (filtered.count(s)) return true;
      return std::any_of(reaches[static_cast<size_t>(s)].begin(), reaches[static_cast<size_t>(s)].end(),
                         [&](int t) { return filtered.count(t) > 0; });
    };
    auto left_whole = [&](int s) {
      return !whole.count(s) && std::any_of(role.items.begin(), role.items.end(),
                                            [&](const ir::Role::Item& it) { return it.source == s && it.all; });
    };
    std::vector<std::pair<std::string, std::vector<int>>> reads;
    for (const ir::Goal& goal : m.goals)
      if (goal.package == role.package) reads.push_back({fmt::format("goal `{}`", goal.name), goal_nodes(goal)});
    for (const ir::Report& rep : m.reports) {
      if (rep.role != role.name || rep.package != role.package) continue;
      for (const std::string& name : rep.metrics)
        if (int i = m.MetricIndex(name); i >= 0)
          reads.push_back({fmt::format("metric `{}` of report `{}`", name, rep.name), {m.metrics[static_cast<size_t>(i)].root}});
      for (const ir::Report::Chart& c : rep.charts)
        reads.push_back({fmt::format("chart `{}` of report `{}`", c.text, rep.name), {c.node}});
    }
    std::set<int> mixed;
    for (const auto& [what, nodes] : reads) {
      std::set<int> srcs, metrics;
      std::set<std::pair<int, std::vector<int>>> cols;
      for (int node : nodes) Reads(node, &srcs, &cols, &metrics);
      // A source only looked up (`orders.sku.category` with `products:
      // all`) describes the rows that look it up: not a whole beside a part
      // (review, 2026-12-07).
      std::set<int> firsts, tails;
      for (const auto& [from, path] : cols) {
        firsts.insert(from);
        int src = from;
        for (size_t i = 0; i < path.size() && src >= 0; ++i) {
          if (i > 0) tails.insert(src);
          src = m.sources[static_cast<size_t>(src)].columns[static_cast<size_t>(path[i])].references;
        }
        if (src >= 0 && !path.empty()) tails.insert(src);
      }
      // ...unless it is also read for itself (`count(products)`: review,
      // 2026-12-07).
      std::set<int> counted, seen_nodes;
      std::function<void(int)> walk = [&](int id) {
        if (id < 0 || !seen_nodes.insert(id).second) return;
        const ir::Node& x = m.node(id);
        if (x.kind == ir::Kind::kRows && x.source >= 0) counted.insert(x.source);
        if (x.kind == ir::Kind::kMetric && x.metric >= 0) walk(m.metrics[static_cast<size_t>(x.metric)].root);
        for (int a : x.args) walk(a);
      };
      for (int node : nodes) walk(node);
      for (int t : tails)
        if (!firsts.count(t) && !counted.count(t)) srcs.erase(t);
      int part = -1;
      for (int s : srcs)
        if (restricted(s)) part = s;
      if (part < 0) continue;
      for (int s : srcs) {
        if (!left_whole(s) || restricted(s) || !mixed.insert(s).second) continue;
        const std::string &whole_name = m.sources[static_cast<size_t>(s)].name,
                          &part_name = m.sources[static_cast<size_t>(part)].name;
        auto& d = diags_.Report(DiagCode::W0013, role.span,
                                fmt::format("role `{}` restricts `{}` but leaves `{}` whole, and {} reads both: under "
                                            "the role it sets the role's part of `{}` against all of `{}`",
                                            role.name, part_name, whole_name, what, part_name, whole_name));
        d.span_label = "mixes a part with a whole";
        d.Help(fmt::format("restrict `{}` as `{}` is (`{} where ...`); keep `{}: all` only if the whole is meant (a "
                           "market's total)",
                           whole_name, part_name, whole_name, whole_name));
      }
    }
  }
}

/// The same meaning under two names, anywhere in the workspace: one
/// indicator, one definition. Meaning is the definition fingerprint
/// (ir/fingerprint.h), so `a + b` and `b + a`, `sum(x) where c` and
/// `sum(x where c)`, a metric and its formula written out, are the same.
void Checker::SameFormulas() {
  const ir::Module& m = module_.ir;
  struct Entry {
    int metric;
    bool stdlib;
    const ast::MetricDecl* decl;
    uint64_t formula;  ///< MetricType::formula: the tree is freed when set
  };
  std::vector<Entry> entries;
  for (const auto& [name, t] : module_.metrics) {
    if (!t.ok || !t.decl || t.decl->has_syntax_error || (!t.decl->expr && !t.formula)) continue;
    // A pure alias (`metric load = stats.tickets_n`) refers to the other
    // metric: that is the remedy, not the problem.
    int root = m.metrics[static_cast<size_t>(t.ir)].root;
    if (root >= 0 && m.node(root).kind == ir::Kind::kMetric) continue;
    auto pkg = catalog_.packages.find(t.package);
    bool stdlib = pkg != catalog_.packages.end() && pkg->second.from_stdlib;
    entries.push_back({t.ir, stdlib, t.decl, t.formula});
  }
  // The standard library first, then in the order of the files.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.stdlib != b.stdlib) return a.stdlib;
    return std::tie(a.decl->span.file, a.decl->span.begin) < std::tie(b.decl->span.file, b.decl->span.begin);
  });
  // The fingerprints on two threads, each with its own memo (they were a
  // tenth of checking a 10 MB package), then compared in order, as 128-bit
  // digests (no string for each of 80,000 metrics at the check's peak).
  using Digest = ir::MetricFingerprints::Digest;
  std::vector<std::optional<Digest>> digests(entries.size());
  {
    ir::MetricFingerprints fps[2] = {ir::MetricFingerprints(m), ir::MetricFingerprints(m)};
    // On two threads for `kpic check` only: a command that goes on to run
    // keeps its threads' malloc arenas as they were (base/parallel.h).
    ParallelFor(entries.size(), check_only_ ? 256 : kSerial,
                [&](size_t i, int who) { digests[i] = fps[who].DigestOf(entries[i].metric); });
  }
  struct DigestHash {
    size_t operator()(const Digest& d) const { return static_cast<size_t>(d.low ^ (d.high * 0x9E3779B97F4A7C15ull)); }
  };
  std::unordered_map<Digest, const Entry*, DigestHash> seen;  // found, never walked: no order needed
  seen.reserve(entries.size());
  for (size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    if (!digests[k]) continue;
    auto [it, inserted] = seen.emplace(*digests[k], &e);
    if (inserted || e.stdlib) continue;
    const ast::MetricDecl* first = it->second->decl;
    // One name in two packages with one meaning is one indicator (allowed).
    if (first->name.name == e.decl->name.name) continue;
    const std::string& fname = m.metrics[static_cast<size_t>(it->second->metric)].package.empty()
                                   ? first->name.name
                                   : m.metrics[static_cast<size_t>(it->second->metric)].package + "." +
                                         first->name.name;
    bool same_text = e.decl->expr && first->expr ? ast::DumpExpr(*e.decl->expr) == ast::DumpExpr(*first->expr)
                                                 : e.formula == it->second->formula;
    bool same_pkg = m.metrics[static_cast<size_t>(e.metric)].package ==
                    m.metrics[static_cast<size_t>(it->second->metric)].package;
    const std::string& shown = same_pkg ? first->name.name : fname;
    auto& d = diags_.Report(DiagCode::W0003, e.decl->name.span,
                            same_text ? fmt::format("`{}` has the same formula as `{}`", e.decl->name.name, shown)
                                      : fmt::format("`{}` means the same as `{}`: the formulas differ only in ways that "
                                                    "cannot change a number",
                                                    e.decl->name.name, shown));
    d.span_label = same_text ? "same formula" : "same meaning";
    d.Label(first->name.span, "first defined here");
    d.Help(fmt::format("keep one definition and refer to `{}`", shown));
  }
}

}  // namespace kpic::check
