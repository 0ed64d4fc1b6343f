// The checker's calls: aggregates, row and metric functions, methods on
// metrics, and user functions. Builtins come from the builtin table
// (builtins/builtins.h); a user function is instantiated at each call, its
// parameters standing for the arguments' types and IR nodes, so its body's
// IR is the caller's expression.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/suggest.h"
#include "sema/checker.h"

namespace kpic::check {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using builtins::ArgKind;
using builtins::Fn;
using ir::Scalar;
using ir::VT;

namespace {

/// Binds a parameter unit made only of unbound unit parameters, at most
/// one in the numerator and one in the denominator, to an argument's unit.
bool BindQuotient(const ast::UnitExpr& param, const Unit& arg, const std::set<std::string>& generic,
                  std::map<std::string, Unit>* bound) {
  const ast::UnitFactor* num = nullptr;
  const ast::UnitFactor* den = nullptr;
  for (const ast::UnitFactor& f : param.factors) {
    if (!generic.count(f.name.name) || bound->count(f.name.name) || (f.power != 1 && f.power != -1)) return false;
    const ast::UnitFactor*& slot = f.power > 0 ? num : den;
    if (slot) return false;
    slot = &f;
  }
  if (!num || !den) return false;  // a bare parameter is bound elsewhere
  Unit up, down;
  for (const auto& [name, power] : arg.powers()) {
    for (int i = 0; i < (power > 0 ? power : -power); ++i) {
      if (power > 0)
        up = up * Unit::Named(name);
      else
        down = down * Unit::Named(name);
    }
  }
  (*bound)[num->name.name] = up;
  (*bound)[den->name.name] = down;
  return true;
}

}  // namespace

std::string Checker::EntityOf(const ast::SourceDecl& s) {
  for (const auto& c : s.columns)
    if (c.key && c.entity) return c.entity->name;
  return s.name.name;
}

int Checker::Symbol(const Expr& e, ArgKind kind) {
  ir::Node n;
  n.kind = ir::Kind::kSymbol;
  n.span = e.span;
  switch (kind) {
    case ArgKind::kGrain:
    case ArgKind::kPeriod:
      n.set_text(e.kind == ExprKind::kName ? e.name.name : e.text());
      n.grain = rt::ParseGrain(n.text());
      break;
    case ArgKind::kCurrency:
      n.set_text(e.kind == ExprKind::kName ? e.name.name : e.text());
      break;
    case ArgKind::kSource:
      n.set_text(e.kind == ExprKind::kName ? e.name.name : e.text());
      if (e.kind == ExprKind::kName)
        if (const ast::SourceDecl* s = SourceByName(e.name.name)) n.source = SourceIndex(s);
      break;
    case ArgKind::kDuration: {
      n.set_text(e.text());
      n.exact = std::atoll(e.text().c_str());
      if (e.unit) {
        std::string unit = e.unit->name;
        n.set_text(e.text() + " " + unit);
        if (!unit.empty() && unit.back() == 's') unit.pop_back();
        n.grain = rt::ParseGrain(unit);
      }
      break;
    }
    default:
      break;
  }
  return Emit(std::move(n));
}

bool Checker::NoBy(const Expr& e, const std::string& what) {
  for (const ast::Arg& a : e.args) {
    if (a.by.empty()) continue;
    Span at{a.by.front().span.file, a.by.front().span.begin, a.by.back().span.end};
    diags_.Report(DiagCode::E0409, at, fmt::format("`by` does not apply to {}", what))
        .Help("`by` re-aggregates a metric: `avg(sales by day, store)` is the average of each day's sales in each "
              "store; it works in `sum`, `avg`, `min` and `max`")
        .span_label = "not a re-aggregation";
    return false;
  }
  return true;
}

Ty Checker::ReaggBy(const Expr& e, const builtins::Builtin& b) {
  const ast::Arg& a0 = e.args[0];
  const Expr& arg = *a0.value;
  builtins::Fn method = b.fn == Fn::kSum ? Fn::kReaggSum
              : b.fn == Fn::kAvg ? Fn::kReaggAvg
              : b.fn == Fn::kMin ? Fn::kReaggMin
              : b.fn == Fn::kMax ? Fn::kReaggMax
                                 : Fn::kCount;
  Span by_span{a0.by.front().span.file, a0.by.front().span.begin, a0.by.back().span.end};
  if (method == Fn::kCount) {
    diags_.Report(DiagCode::E0409, by_span, fmt::format("`{}` does not re-aggregate a metric", b.name))
        .Help("re-aggregate with `sum`, `avg`, `min` or `max`, e.g. `avg(sales by day, store)`; `count` counts rows")
        .span_label = "not a re-aggregation";
    return Error();
  }
  for (size_t i = 1; i < e.args.size(); ++i)
    if (!e.args[i].by.empty()) return NoBy(e, "this argument"), Error();
  Ty t = Type(arg, /*in_aggregate=*/false);
  if (t.error()) return t;
  if (t.level != Level::kMetric) {
    diags_.Report(DiagCode::E0409, by_span, fmt::format("`by` re-aggregates a metric, but `{}` is {}", ast::DumpExpr(arg),
                                                        t.level == Level::kRow ? "a value per row" : "a constant"))
        .Help(fmt::format("aggregate the rows first, e.g. `{}({})`, or re-aggregate a metric: `{}(sales by day, store)`",
                          b.name, ast::DumpExpr(arg), b.name))
        .span_label = "not a metric";
    return Error();
  }
  // The grain (at most one) and the dimensions, each once.
  const ast::Ident* grain = nullptr;
  std::vector<std::string> dims;
  std::set<std::string> seen;
  for (const ast::Ident& id : a0.by) {
    if (!seen.insert(id.name).second) {
      diags_.Report(DiagCode::E0409, id.span, fmt::format("`{}` is named twice after `by`", id.name)).span_label =
          "repeated";
      return Error();
    }
    bool is_grain = std::find(builtins::GrainNames().begin(), builtins::GrainNames().end(), id.name) !=
                    builtins::GrainNames().end();
    if (is_grain) {
      if (grain) {
        diags_.Report(DiagCode::E0409, id.span, fmt::format("two time grains after `by`: `{}` and `{}`", grain->name, id.name))
            .Help("name one grain, then dimensions: `avg(sales by day, store)`")
            .span_label = "second grain";
        return Error();
      }
      grain = &id;
      continue;
    }
    const ast::Decl* d = Lookup(id.name);
    if (!d || d->kind != DeclKind::kDimension) return Error();  // E0208 already reported
    dims.push_back(id.name);
  }
  // Every source under the metric must have the time axis and each dimension.
  std::vector<const ast::SourceDecl*> sources(t.sources.begin(), t.sources.end());
  std::sort(sources.begin(), sources.end(),
            [](const ast::SourceDecl* x, const ast::SourceDecl* y) { return x->name.name < y->name.name; });
  std::string what = ast::DumpExpr(arg);
  if (grain)
    for (const ast::SourceDecl* s : sources)
      if (!HasTime(*s)) {
        diags_
            .Report(DiagCode::E0405, grain->span,
                    fmt::format("`{}` cannot be re-aggregated by {}: source `{}` has no time column", what, grain->name,
                                s->name.name))
            .Help("mark the source's date or timestamp column with `time`")
            .span_label = "needs a time axis";
        return Error();
      }
  for (const std::string& dim : dims) {
    std::set<std::string> shared;
    bool first = true;
    const ast::SourceDecl* lacking = nullptr;
    for (const ast::SourceDecl* s : sources) {
      std::set<std::string> ds = DimensionsOf(*s);
      if (!ds.count(dim) && !lacking) lacking = s;
      if (first) {
        shared = ds;
      } else {
        std::set<std::string> both;
        for (const std::string& x : ds)
          if (shared.count(x)) both.insert(x);
        shared = both;
      }
      first = false;
    }
    if (!lacking) continue;
    const ast::Ident* id = nullptr;
    for (const ast::Ident& x : a0.by)
      if (x.name == dim) id = &x;
    auto& d = diags_.Report(DiagCode::E0404, id->span,
                            fmt::format("`{}` cannot be re-aggregated by `{}`: source `{}` has no column mapped to it",
                                        what, dim, lacking->name.name));
    d.span_label = "dimension not available";
    std::vector<std::string> names(shared.begin(), shared.end());
    if (auto s = Suggest(dim, names))
      d.Help(fmt::format("did you mean `{}`?", *s));
    else
      d.Help(names.empty() ? std::string("this metric has no dimension every source shares")
                           : fmt::format("available: {}", fmt::join(names, ", ")));
    return Error();
  }
  if (method == Fn::kReaggSum && t.add != Additivity::kAdditive &&
      (grain || t.add == Additivity::kNonAdditive)) {
    auto& d = diags_.Report(DiagCode::E0403, e.span,
                            t.add == Additivity::kNonAdditive
                                ? "cannot sum a non-additive metric (a ratio, average or distinct count)"
                                : "cannot sum a semi-additive metric (a balance) over time");
    std::vector<std::string> names;
    for (const ast::Ident& x : a0.by) names.push_back("`" + x.name + "`");
    d.span_label = fmt::format("summed by {}", fmt::join(names, ", "));
    d.Help(t.add == Additivity::kNonAdditive
               ? "a ratio is recomputed from its parts at every grain; sum the parts instead, or take `avg`, `min` "
                 "or `max`"
               : "a balance rolls up over time by its `rollup` rule; use `.last(...)` or `avg(...)`");
    return Error();
  }
  std::vector<int> args{t.node};
  if (grain) {
    ir::Node g;
    g.kind = ir::Kind::kSymbol;
    g.span = grain->span;
    g.set_text(grain->name);
    g.grain = rt::ParseGrain(grain->name);
    args.push_back(Emit(std::move(g)));
  }
  if (method != Fn::kReaggSum) t.add = Additivity::kNonAdditive;
  if (method == Fn::kReaggAvg) t.places = -1;
  t.node = Node(ir::Kind::kMethod, t, e.span, args);
  module_.ir.nodes[t.node].fn = method;
  module_.ir.nodes[t.node].dims = dims;
  if (method == Fn::kReaggSum) module_.ir.nodes[t.node].exact_scale = t.places;
  return t;
}

Ty Checker::Aggregate(const Expr& e, const builtins::Builtin& b) {
  if (e.args.empty() || !e.args[0].value) return Error();
  if (!e.args[0].by.empty()) return ReaggBy(e, b);
  if (!NoBy(e, fmt::format("an argument of `{}`", b.name))) return Error();
  const Expr& arg = *e.args[0].value;
  Ty a = Type(arg, true);
  if (a.error()) return a;
  if (a.level == Level::kMetric) {
    diags_.Report(DiagCode::E0407, arg.span, fmt::format("`{}` is applied to a metric, not to rows", b.name))
        .Help(fmt::format("aggregates read source columns; to re-aggregate a metric use a method such as "
                          "`m.{}(day)`",
                          b.fn == Fn::kCount ? "sum" : std::string(b.name)))
        .span_label = "already aggregated";
    return Error();
  }
  Ty out;
  out.kind = VKind::kNumber;
  out.level = Level::kMetric;
  if (a.source) out.sources.insert(a.source);
  out.deps = a.deps;
  std::vector<int> args{a.node};
  for (size_t i = 1; i < e.args.size(); ++i)
    if (e.args[i].value) {
      const Expr& x = *e.args[i].value;
      args.push_back(x.kind == ExprKind::kNumber || x.kind == ExprKind::kPercent ? Literal(x).node : -1);
    }
  auto emit = [&](Ty t) {
    t.node = Node(ir::Kind::kCall, t, e.span, args);
    module_.ir.nodes[t.node].fn = b.fn;
    return t;
  };
  std::string name(b.name);
  if (!a.source) {
    diags_.Report(DiagCode::E0305, arg.span, fmt::format("`{}` needs a column of a source, not a constant", name))
        .Help(fmt::format("aggregates read rows, e.g. `{}(orders.amount)`; a constant metric needs no aggregate",
                          b.fn == Fn::kCount ? "count" : name))
        .span_label = "reads no rows";
    return Error();
  }
  if (b.fn == Fn::kPercentile) {
    const Expr* p = e.args.size() > 1 ? e.args[1].value.get() : nullptr;
    int pn = args.size() > 1 ? args[1] : -1;
    double v = pn >= 0 ? LiteralValue(module_.ir.nodes[pn]) : -1;
    if (p && !(v >= 0 && v <= 1)) {
      diags_
          .Report(DiagCode::E0310, p->span,
                  fmt::format("`percentile` needs a constant p from 0 to 1, not `{}`", ast::DumpExpr(*p)))
          .Help("write the fraction of rows below the value: `percentile(x, 0.9)` or `percentile(x, 90%)`")
          .span_label = "not in 0..1";
      return Error();
    }
  }
  if (b.fn == Fn::kCount) {
    if (a.kind == VKind::kSource || a.column == nullptr) {
      out.unit = a.source ? Unit::Named(EntityOf(*a.source)) : Unit::One();
    } else {
      out.unit = a.column->entity ? Unit::Named(a.column->entity->name) : Unit::Named(EntityOf(*a.source));
    }
    out.add = Additivity::kAdditive;
    out.places = 0;
    return emit(out);
  }
  if (a.kind == VKind::kSource) {
    diags_.Report(DiagCode::E0305, arg.span, fmt::format("`{}` needs a column, not a whole source", name)).span_label =
        "a source";
    return Error();
  }
  if (b.fn == Fn::kCountDistinct) {
    out.unit = a.column && a.column->entity ? Unit::Named(a.column->entity->name)
               : a.column                   ? Unit::Named(a.column->name.name)
                                            : Unit::One();
    out.add = Additivity::kNonAdditive;
    out.places = 0;
    return emit(out);
  }
  bool orderable = a.kind == VKind::kDate || a.kind == VKind::kTimestamp;
  if (!(a.numeric() || (a.kind == VKind::kBool && (b.fn == Fn::kSum || b.fn == Fn::kAvg)) ||
        (orderable && !b.numeric_only))) {
    auto& d = diags_.Report(DiagCode::E0305, arg.span, fmt::format("cannot take `{}` of a {}", name, KindName(a.kind)));
    d.span_label = fmt::format("a {}", KindName(a.kind));
    if (a.kind == VKind::kString) d.Help("count it with `count(...)` or `count_distinct(...)`");
    return Error();
  }
  if (orderable) {
    out.kind = a.kind;
    out.scalar = a.scalar;
    out.add = Additivity::kNonAdditive;
    return emit(out);
  }
  out.unit = a.kind == VKind::kBool ? Unit::One() : a.unit;
  if (b.unit == builtins::UnitRule::kArgSquared) out.unit = out.unit * out.unit;
  // A sum, min or max keeps the column's decimal places; an average,
  // deviation or percentile is a float.
  if (b.fn == Fn::kSum || b.fn == Fn::kMin || b.fn == Fn::kMax) out.places = Places(a);
  if (b.fn == Fn::kSum) {
    out.add = a.column && a.column->rollup ? Additivity::kSemiAdditive : Additivity::kAdditive;
  } else {
    out.add = Additivity::kNonAdditive;
  }
  return emit(out);
}

Ty Checker::Call(const Expr& e, bool in_aggregate) {
  const Expr* callee = e.lhs.get();
  if (!callee) return Error();
  std::vector<const ast::Ident*> path;
  bool flat = Scope::FlattenPath(*callee, &path);
  // Builtins by plain name, unless shadowed by a declaration.
  if (callee->kind == ExprKind::kName && !locals_.count(callee->name.name) && !pkg_->decls.count(callee->name.name)) {
    if (const builtins::Builtin* b = builtins::FindFunction(callee->name.name)) {
      if (static_cast<int>(e.args.size()) < b->min_args ||
          (b->max_args >= 0 && static_cast<int>(e.args.size()) > b->max_args))
        return Error();  // E0301 already reported
      if (b->category == builtins::Category::kAggregate) {
        if (in_aggregate) {
          diags_.Report(DiagCode::E0407, e.span, fmt::format("`{}` inside another aggregate", b->name))
              .Help("aggregates read rows; nest metrics instead, e.g. `m.avg(day)` for an average of daily totals")
              .span_label = "nested aggregate";
          return Error();
        }
        return Aggregate(e, *b);
      }
      if (!NoBy(e, fmt::format("an argument of `{}`", b->name))) return Error();
      return Builtin(e, *b, in_aggregate);
    }
  }
  // Methods on metrics: m.to_date(year), m.rolling(3 months), m.avg(day)...
  const Expr* base = callee->kind == ExprKind::kMember ? callee->lhs.get() : nullptr;
  if (base && builtins::FindMethod(callee->name.name)) {
    std::vector<const ast::Ident*> base_path;
    bool base_is_metric = true;
    if (Scope::FlattenPath(*base, &base_path)) {
      auto local = locals_.find(base_path[0]->name);
      if (base_path.size() == 1 && local != locals_.end()) {
        base_is_metric = local->second.level == Level::kMetric;  // a function's metric parameter
      } else {
        size_t next = 0;
        const ast::Decl* d = ResolvePath(base_path, &next);
        base_is_metric = d && d->kind == DeclKind::kMetric;
      }
    }
    if (base_is_metric) {
      Ty t = Type(*base, in_aggregate);
      if (t.error()) return t;
      if (t.level != Level::kMetric) return Error();
      if (!NoBy(e, fmt::format("an argument of `.{}`", callee->name.name))) return Error();
      return Method(e, t, *builtins::FindMethod(callee->name.name));
    }
  }
  if (!flat) return Error();
  size_t next = 0;
  const ast::Decl* d = ResolvePath(path, &next);
  if (!d || d->kind != DeclKind::kFn || next != path.size()) return Error();
  if (!NoBy(e, fmt::format("an argument of `{}`", d->name.name))) return Error();
  return Fn(e, static_cast<const ast::FnDecl&>(*d), in_aggregate);
}

Ty Checker::Method(const Expr& e, Ty t, const builtins::Builtin& m) {
  std::vector<int> args{t.node};
  for (size_t i = 0; i < e.args.size(); ++i)
    if (e.args[i].value) {
      ArgKind k = builtins::KindOfArg(m, i);
      args.push_back(k == ArgKind::kConstant ? Literal(*e.args[i].value).node : Symbol(*e.args[i].value, k));
    }
  auto emit = [&](Ty out) {
    out.node = Node(ir::Kind::kMethod, out, e.span, args);
    module_.ir.nodes[out.node].fn = m.fn;
    if (m.fn == Fn::kReaggSum) module_.ir.nodes[out.node].exact_scale = out.places;  // a sum of nothing: 0 at these places
    return out;
  };
  if (m.fn == Fn::kZScore) {
    const ir::Node* k = args.size() > 1 && args[1] >= 0 ? &module_.ir.nodes[args[1]] : nullptr;
    if (!k || k->kind != ir::Kind::kLiteral || !k->is_exact || k->exact_scale != 0 || k->exact < 2 ||
        k->exact > 1000) {
      diags_
          .Report(DiagCode::E0310, k ? k->span : e.span,
                  "`zscore(N)` needs a whole number of periods N from 2 to 1000")
          .Help("e.g. `sales.zscore(12)`: how far this period is from the mean of the 12 before, in deviations")
          .span_label = "not in 2..1000";
      return Error();
    }
  }
  if (m.fn == Fn::kRolling && args.size() > 1 && args[1] >= 0) {
    const ir::Node& d = module_.ir.nodes[args[1]];
    if (d.kind == ir::Kind::kSymbol && d.grain && (*d.grain == rt::Grain::kAll || d.exact < 1)) {
      diags_.Report(DiagCode::E0310, d.span, fmt::format("cannot roll over `{}`", d.text()))
          .Help("a window is one or more days, weeks, months, quarters or years, e.g. `rolling(3 months)`")
          .span_label = "an empty window";
      return Error();
    }
  }
  if (m.fn == Fn::kChange || m.fn == Fn::kGrowthMethod || m.fn == Fn::kZScore) {
    t.places = -1;
    t.unit = Unit::One();
    t.add = Additivity::kNonAdditive;
    return emit(t);
  }
  if (m.fn == Fn::kReaggSum || m.fn == Fn::kReaggAvg || m.fn == Fn::kReaggMin || m.fn == Fn::kReaggMax ||
      m.fn == Fn::kReaggLast) {
    if (m.fn == Fn::kReaggSum && t.add != Additivity::kAdditive) {
      const ast::Ident& grain = e.args.empty() || !e.args[0].value ? e.lhs->name : e.args[0].value->name;
      auto& d = diags_.Report(DiagCode::E0403, e.span,
                              t.add == Additivity::kNonAdditive
                                  ? "cannot sum a non-additive metric (a ratio, average or distinct count) over periods"
                                  : "cannot sum a semi-additive metric (a balance) over time");
      d.span_label = fmt::format("summed over `{}`", grain.name);
      d.Help(t.add == Additivity::kNonAdditive
                 ? "a ratio is recomputed from its parts at every grain; sum the parts instead"
                 : "a balance rolls up over time by its `rollup` rule; use `.last(...)` or `.avg(...)`");
      return Error();
    }
    if (m.fn != Fn::kReaggSum) t.add = Additivity::kNonAdditive;
    if (m.fn == Fn::kReaggAvg) t.places = -1;
    return emit(t);
  }
  return emit(t);  // to_date, rolling: same unit and additivity
}

Ty Checker::Builtin(const Expr& e, const builtins::Builtin& b, bool in_aggregate) {
  std::vector<Ty> args;
  std::vector<int> nodes;
  for (size_t i = 0; i < e.args.size(); ++i) {
    ArgKind k = builtins::KindOfArg(b, i);
    if (k != ArgKind::kExpr && k != ArgKind::kSourceOrExpr) {
      args.push_back(Ty{});  // symbolic: grain, currency, source
      nodes.push_back(e.args[i].value ? Symbol(*e.args[i].value, k) : -1);
      continue;
    }
    if (!e.args[i].value) return Error();
    Ty t = Type(*e.args[i].value, in_aggregate);
    if (t.error()) return t;
    args.push_back(t);
    nodes.push_back(t.node);
  }
  std::vector<Scalar> conv;
  for (const Ty& a : args) conv.push_back(a.scalar);
  auto emit = [&](Ty t) {
    t.node = Node(ir::Kind::kCall, t, e.span, nodes, conv);
    module_.ir.nodes[t.node].fn = b.fn;
    return t;
  };
  Ty out = args.empty() ? Ty{} : args[0];
  auto join_all = [&](size_t from) {
    for (size_t i = from; i < args.size(); ++i) {
      Ty merged;
      if (!JoinTys(e, out, args[i], &merged)) return false;
      out.level = merged.level;
      out.source = merged.source;
      out.sources = merged.sources;
      out.deps = merged.deps;
    }
    return true;
  };
  if (b.fn == Fn::kIf) {
    if (!ExpectBool(args[0], *e.args[0].value, "the first argument of `if` must be a condition")) return Error();
    out = args[1];
    if (!join_all(0)) return Error();
    if (args[1].kind != args[2].kind && args[1].kind != VKind::kNull && args[2].kind != VKind::kNull)
      return Mismatch(*e.args[2].value, fmt::format("`if` gives a {} in one branch and a {} in the other",
                                                    KindName(args[1].kind), KindName(args[2].kind)));
    // The literal 0 fits any unit, as in `+` and comparisons: `if(o.ok, o.amount, 0)`.
    if (args[1].numeric() && args[2].numeric() && !args[1].zero && !args[2].zero &&
        !UnitsAgree(e, args[1].unit, args[2].unit, "choose between"))
      return Error();
    if (args[1].kind == VKind::kNull || args[1].zero) out.kind = args[2].kind, out.unit = args[2].unit;
    out.add = Additivity::kNonAdditive;
    Scalar a = conv[1], c = conv[2];
    // Two conditions stay conditions (Promote would count them as 0 and 1).
    if (NumericVT(a.vt) && NumericVT(c.vt) && !(a.vt == VT::kBool && c.vt == VT::kBool)) Promote(&a, &c);
    conv[1] = a, conv[2] = c;
    out.scalar = a.vt == VT::kNull ? c : a;
    out.scalar.scale = std::max(a.scale, c.scale);
    // The branch taken may be the exact one: the most places of either
    // (a float branch gives a float, which no product checks).
    out.places = std::max(Places(args[1]), Places(args[2]));
    return emit(out);
  }
  if (b.fn == Fn::kCoalesce) {
    if (!join_all(1)) return Error();
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i].kind != args[0].kind && args[i].kind != VKind::kNull && args[0].kind != VKind::kNull)
        return Mismatch(*e.args[i].value, fmt::format("`coalesce` mixes a {} and a {}", KindName(args[0].kind),
                                                      KindName(args[i].kind)));
      if (args[i].numeric() && args[0].numeric() && !args[0].zero && !args[i].zero &&
          !UnitsAgree(e, args[0].unit, args[i].unit, "coalesce"))
        return Error();
    }
    out.column = nullptr;
    // Every argument to the widest numeric type (two passes bring the first
    // arguments up to what later ones need).
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 1; i < conv.size(); ++i)
        if (NumericVT(conv[0].vt) && NumericVT(conv[i].vt) && !(conv[0].vt == VT::kBool && conv[i].vt == VT::kBool))
          Promote(&conv[0], &conv[i]);
    out.scalar = Scalar{};
    for (const Scalar& c : conv)
      if (c.vt != VT::kNull) out.scalar = c;
    out.places = -1;
    for (const Ty& a : args) out.places = std::max(out.places, Places(a));
    return emit(out);
  }
  if (b.fn >= Fn::kYear && b.fn <= Fn::kDate) {
    if (!IsTime(args[0].kind))
      return Mismatch(*e.args[0].value,
                      fmt::format("`{}` needs a date or timestamp, not a {}", b.name, KindName(args[0].kind)));
    out.kind = b.fn == Fn::kDate ? VKind::kDate : VKind::kNumber;
    out.unit = Unit::One();
    out.column = nullptr;
    out.scalar = b.fn == Fn::kDate ? Scalar{VT::kDate, 0} : Scalar{VT::kInt, 0};
    return emit(out);
  }
  if (b.fn == Fn::kRound && !args.empty() && args[0].level == Level::kRow) {
    diags_.Report(DiagCode::E0311, e.span, "`round` applies to a metric's value, not to each row")
        .Help("round the metric instead (`round(sum(orders.amount), 0)`); rows keep their exact values")
        .span_label = "per row";
    return Error();
  }
  if (b.fn == Fn::kAbs || b.fn == Fn::kRound) {
    if (!args[0].numeric()) return Mismatch(*e.args[0].value, fmt::format("`{}` needs a number", b.name));
    out.column = nullptr;
    if (b.fn == Fn::kRound) out.add = Additivity::kNonAdditive;
    if (out.scalar.vt == VT::kBool) out.scalar = conv[0] = Scalar{VT::kInt, 0};
    if (b.fn == Fn::kRound) {
      // round(x, n) of an exact value has n places (n a whole constant).
      const ir::Node* n = nodes.size() > 1 && nodes[1] >= 0 ? &module_.ir.nodes[static_cast<size_t>(nodes[1])] : nullptr;
      bool whole = n && n->kind == ir::Kind::kLiteral && n->is_exact && n->exact_scale == 0 && n->exact >= 0 &&
                   n->exact <= 38;
      // Any other n was taken as something else without a word (a
      // negative as 0, 1.5 as 1, a metric as 0): refused.
      if (n && !whole) {
        diags_
            .Report(DiagCode::E0310, e.args[1].value->span,
                    fmt::format("`round` needs a whole number of decimal places from 0 to 38, written as a constant, "
                                "not `{}`",
                                ast::DumpExpr(*e.args[1].value)))
            .Help("to round to hundreds, divide and multiply: `round(x / 100, 0) * 100`")
            .span_label = "not a whole constant in 0..38";
        return Error();
      }
      // (an exact value with fewer places keeps them: engine Round)
      out.places = Places(args[0]) >= 0 && whole ? std::min(Places(args[0]), static_cast<int>(n->exact))
                   : Places(args[0]);
    }
    return emit(out);
  }
  if (b.fn == Fn::kWorkingDays) {
    // The working days of the period: a metric of no source, in days.
    out = Ty{};
    out.kind = VKind::kNumber;
    out.unit = Unit::Named("day");
    out.level = Level::kMetric;
    out.add = Additivity::kAdditive;
    out.scalar = Scalar{VT::kInt, 0};
    out.places = 0;
    return emit(out);
  }
  if (b.fn == Fn::kGrowth || b.fn == Fn::kShare) {
    if (args[0].level != Level::kMetric) return Error();
    if (b.fn == Fn::kShare && args[0].add == Additivity::kNonAdditive && e.args[0].value) {
      // The members' values do not add up to the total's (a customer who
      // buys online and offline is in both), so neither do their shares:
      // `share(customers)` by channel added up to 137% (probe, 2026-12-06).
      std::string what = fn_call_ ? fmt::format("`{}` shares a metric that", ast::DumpExpr(*fn_call_))
                                  : fmt::format("`{}`", ast::DumpExpr(*e.args[0].value));
      auto& d = diags_.Report(DiagCode::W0012, fn_call_ ? fn_call_->span : e.span,
                              fmt::format("{} does not add up over members (a distinct count, a ratio or an "
                                          "average), so its members' shares can add up to more or less than 100%",
                                          what));
      d.span_label = "shares that need not add up to 100%";
      d.Help("share an amount or a count that adds up (`share(sales)`, `share(order_count)`), or read each value "
             "against the total as a ratio of its own");
    }
    out.places = -1;
    out.unit = Unit::One();
    out.add = Additivity::kNonAdditive;
    return emit(out);
  }
  if (b.fn == Fn::kConvert) {
    if (args[0].level != Level::kMetric) return Error();
    if (args[0].unit.Currency().empty()) {
      diags_
          .Report(DiagCode::E0302, e.args[0].value->span,
                  fmt::format("`convert` needs an amount in one currency, not `{}`", args[0].unit.ToString()))
          .span_label = "not money";
      return Error();
    }
    const Expr* cur = e.args[1].value.get();
    if (cur && cur->kind == ExprKind::kName) out.unit = Unit::Named(cur->name.name);
    if (cur && cur->kind == ExprKind::kName && !IsCurrencyName(cur->name.name)) {
      diags_.Report(DiagCode::E0302, cur->span, fmt::format("`{}` is not a currency code", cur->name.name))
          .Help("currencies are three-letter ISO codes such as `USD` or `CNY`")
          .span_label = "not a currency";
      return Error();
    }
    if (!ConvertibleByRow(*e.args[0].value, args[0])) return Error();
    // Each day's amount times its rate (plan::kRateScale places), summed.
    out.places = Places(args[0]) >= 0 ? Places(args[0]) + 10 : -1;
    // The rates source is read for its rates, not as one of the metric's
    // sources: it adds no rows, dimensions or time axis to the metric.
    const Expr* rates = e.args[2].value.get();
    const ast::SourceDecl* r = rates && rates->kind == ExprKind::kName ? SourceByName(rates->name.name) : nullptr;
    if (!r) return Error();  // not a source: E0107, E0201 or E0209 from name resolution
    std::vector<int> cols;
    if (!RateColumns(*r, *rates, &cols)) return Error();
    module_.ir.nodes[static_cast<size_t>(nodes[2])].path = cols;
    out.add = Additivity::kAdditive;
    return emit(out);
  }
  return emit(out);
}

bool Checker::ConvertibleByRow(const Expr& arg, const Ty& t) {
  auto refuse = [&](const std::string& why, const std::string& help) {
    diags_.Report(DiagCode::E0314, arg.span, fmt::format("`convert` cannot convert this row by row: {}", why))
        .Help(help)
        .span_label = "not convertible row by row";
    return false;
  };
  if (t.add != Additivity::kAdditive)
    return refuse(t.add == Additivity::kNonAdditive
                      ? "it is non-additive (a ratio, average, distinct count or extreme)"
                      : "it is a balance (semi-additive), which is not summed over time",
                  "convert the sums it is made of, e.g. `convert(sum(x), USD, rates) / count(orders)`");
  for (const ast::SourceDecl* s : t.sources)
    if (!HasTime(*s))
      return refuse(fmt::format("source `{}` has no time column, so its rows have no date to take a rate at",
                                s->name.name),
                    "mark the source's date or timestamp column with `time`");
  // Only sums of rows: a period operator inside would be evaluated per day.
  std::vector<int> todo{t.node};
  std::set<int> seen;
  while (!todo.empty()) {
    int i = todo.back();
    todo.pop_back();
    if (i < 0 || !seen.insert(i).second) continue;
    const ir::Node& n = module_.ir.nodes[static_cast<size_t>(i)];
    if (n.kind == ir::Kind::kMethod || n.kind == ir::Kind::kMember ||
        (n.kind == ir::Kind::kCall && n.type.level == Level::kMetric &&
         builtins::Get(n.fn).category != builtins::Category::kAggregate && n.fn != Fn::kConvert))
      return refuse(fmt::format("it applies `{}` to a metric", builtins::Get(n.fn).name),
                    "apply the period operator or function to the converted metric instead, "
                    "e.g. `convert(sales, USD, rates).previous`");
    if (n.kind == ir::Kind::kCall && builtins::Get(n.fn).category == builtins::Category::kAggregate) continue;
    if (n.kind == ir::Kind::kMetric && n.metric >= 0)
      todo.push_back(module_.ir.metrics[static_cast<size_t>(n.metric)].root);
    for (int a : n.args) todo.push_back(a);
  }
  return true;
}

bool Checker::RateColumns(const ast::SourceDecl& r, const Expr& at, std::vector<int>* cols) {
  auto refuse = [&](const std::string& why) {
    diags_.Report(DiagCode::E0315, at.span, fmt::format("`{}` does not fit as a source of rates: {}", r.name.name, why))
        .Help("a rates source has a `time` date column, two string columns `from` and `to` (currency codes) and "
              "one `rate` column of type decimal(n), n at most 8: units of `to` per unit of `from`")
        .span_label = "rates";
    return false;
  };
  int time = -1, from = -1, to = -1, rate = -1;
  std::vector<int> strings, decimals;
  for (size_t i = 0; i < r.columns.size(); ++i) {
    const ast::Column& c = r.columns[i];
    Scalar sc = TypeScalar(c.type);
    int k = static_cast<int>(i);
    if (c.time) time = k;
    if (c.time) continue;
    if (sc.vt == VT::kString) {
      strings.push_back(k);
      if (c.name.name == "from") from = k;
      if (c.name.name == "to") to = k;
    }
    if (sc.vt == VT::kDecimal) decimals.push_back(k);
    if (c.name.name == "rate") rate = k;
  }
  if (time < 0) return refuse("it needs a `time` column of type date, the date of each rate");
  if (const ast::Column& t = r.columns[static_cast<size_t>(time)]; TypeScalar(t.type).vt != VT::kDate)
    return refuse(fmt::format("its `time` column `{}` must be a date, not a {}", t.name.name, t.type.name.name));
  if (from < 0 || to < 0) {
    if (strings.size() != 2)
      return refuse(fmt::format("it has {} string column{} and not both `from` and `to`", strings.size(),
                                strings.size() == 1 ? "" : "s"));
    from = strings[0], to = strings[1];
  }
  if (rate < 0) {
    if (decimals.size() != 1)
      return refuse(fmt::format("it has {} decimal column{} and none named `rate`", decimals.size(),
                                decimals.size() == 1 ? "" : "s"));
    rate = decimals[0];
  }
  Scalar rs = TypeScalar(r.columns[static_cast<size_t>(rate)].type);
  if (rs.vt != VT::kDecimal || rs.scale > 8)
    return refuse(fmt::format("its rate `{}` must be decimal(n) with n at most 8, not {}",
                              r.columns[static_cast<size_t>(rate)].name.name,
                              rs.vt == VT::kDecimal ? fmt::format("decimal({})", rs.scale)
                                                    : r.columns[static_cast<size_t>(rate)].type.name.name));
  *cols = {time, from, to, rate};
  return true;
}

Ty Checker::Fn(const Expr& e, const ast::FnDecl& fn, bool in_aggregate) {
  if (e.args.size() != fn.params.size() || !fn.body) return Error();
  std::map<std::string, Ty> env;
  std::map<std::string, Unit> unit_params;
  std::set<std::string> generic;
  for (const auto& u : fn.unit_params) generic.insert(u.name);
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (!e.args[i].value) return Error();
    Ty t = Type(*e.args[i].value, in_aggregate);
    if (t.error()) return t;
    const ast::Param& p = fn.params[i];
    if (p.unit && t.numeric()) {
      // Bind a bare unit parameter; otherwise check the declared unit.
      if (p.unit->factors.size() == 1 && p.unit->factors[0].power == 1 &&
          generic.count(p.unit->factors[0].name.name)) {
        const std::string& u = p.unit->factors[0].name.name;
        auto [it, inserted] = unit_params.emplace(u, t.unit);
        if (!inserted && !Comparable(it->second, t.unit)) {
          diags_
              .Report(DiagCode::E0302, e.args[i].value->span,
                      fmt::format("`{}` expects `{}` to be `{}` here (as for an earlier argument), not `{}`",
                                  fn.name.name, p.name.name, it->second.ToString(), t.unit.ToString()))
              .span_label = "unit differs";
          return Error();
        }
      } else if (BindQuotient(*p.unit, t.unit, generic, &unit_params)) {
        // `M/C` against `CNY/customer`: M = CNY, C = customer.
      } else if (std::none_of(p.unit->factors.begin(), p.unit->factors.end(), [&](const ast::UnitFactor& f) {
                   return generic.count(f.name.name) && !unit_params.count(f.name.name);
                 })) {
        Unit want = UnitFromAst(*p.unit, &unit_params);
        if (!Comparable(want, t.unit)) {
          diags_
              .Report(DiagCode::E0302, e.args[i].value->span,
                      fmt::format("`{}` expects `{}` in `{}`, not `{}`", fn.name.name, p.name.name, want.ToString(),
                                  t.unit.ToString()))
              .span_label = "unit differs";
          return Error();
        }
      }
    }
    env[p.name.name] = t;
  }
  // A function that calls itself, directly or through others, would be
  // instantiated forever: `fn f(a) = f(a) + f(a)` checked 2^64 bodies and
  // hung `check` and the language server (hang probe, 2026-12-07).
  if (auto on = std::find(fn_stack_.begin(), fn_stack_.end(), &fn); on != fn_stack_.end()) {
    if (fn_cycles_reported_.insert(&fn).second) {
      std::string path;
      for (auto it = on; it != fn_stack_.end(); ++it) path += fmt::format("`{}` -> ", (*it)->name.name);
      path += fmt::format("`{}`", fn.name.name);
      auto& d = diags_.Report(DiagCode::E0406, e.span,
                              on + 1 == fn_stack_.end()
                                  ? fmt::format("function `{}` calls itself", fn.name.name)
                                  : fmt::format("functions call each other in a cycle: {}", path));
      d.span_label = "called again here";
      d.Help("a function is written out at each call, so a call to itself never ends; compute the value without "
             "calling it");
    }
    return Error();
  }
  if (fn_depth_ >= 64) {
    // Said, not only refused: `check` passed and `run` stopped with an
    // internal error at 65 functions each calling the next (review,
    // 2026-12-07).
    if (!fn_depth_reported_) {
      fn_depth_reported_ = true;
      auto& d = diags_.Report(DiagCode::E0106, e.span,
                              fmt::format("functions nest more than 64 calls deep here (`{}` is the 65th)", fn.name.name));
      d.span_label = "too deep";
      d.Help("a function is written out at each call; call fewer functions within each other");
    }
    return Error();
  }
  // Type the body in the function's own package, with the arguments bound.
  const Package* saved = pkg_;
  for (const auto& [pname, pkg] : catalog_.packages)
    if (pkg.decls.count(fn.name.name) && pkg.decls.at(fn.name.name) == &fn) pkg_ = &pkg;
  auto saved_locals = std::move(locals_);
  locals_ = env;
  ++fn_depth_;
  fn_stack_.push_back(&fn);
  const Expr* saved_call = fn_call_;
  if (!fn_call_) fn_call_ = &e;
  Ty out = Type(*fn.body, in_aggregate);
  fn_call_ = saved_call;
  fn_stack_.pop_back();
  --fn_depth_;
  locals_ = std::move(saved_locals);
  pkg_ = saved;
  if (!out.error() && fn.result_unit && !fn.result_unit->refused) {
    Unit declared = UnitFromAst(*fn.result_unit, &unit_params);
    if (!Comparable(declared, out.unit)) {
      diags_
          .Report(DiagCode::E0304, fn.result_unit->span,
                  fmt::format("function `{}` is declared to return `{}` but gives `{}` here", fn.name.name,
                              declared.ToString(), out.unit.ToString()))
          .Label(e.span, "called here")
          .span_label = "declared unit";
      return Error();
    }
  }
  return out;
}

}  // namespace kpic::check
