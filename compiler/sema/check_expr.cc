// The checker's expressions: every expression gets a Ty (a value kind, a
// unit, a level, and at metric level an additivity and the sources it
// reads) and an IR node. Row-level value types follow one set of rules
// (integers, exact decimals at a scale, floats; a common type for
// comparisons and sums), decided here and recorded as each operand's
// conversion, so that the lowering only applies them.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "datetime.h"
#include "decimal.h"
#include "sema/checker.h"

namespace kpic::check {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using ir::Scalar;
using ir::VT;

namespace {

/// Exact value of a numeric literal ("1.28", "12"); nullopt for exponents
/// and for more decimals than an exact decimal holds.
std::optional<std::pair<__int128, int>> ExactLiteral(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  if (text.find_first_of("eE") != std::string::npos) return std::nullopt;
  auto dot = text.find('.');
  int scale = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  if (scale > rt::kMaxScale) return std::nullopt;
  auto v = rt::ParseDecimal(text, scale);
  if (!v) return std::nullopt;
  return std::make_pair(static_cast<__int128>(*v), scale);
}

}  // namespace

void Promote(Scalar* a, Scalar* b) {
  if (a->vt == VT::kNull || b->vt == VT::kNull) return;
  if (a->vt == VT::kFloat || b->vt == VT::kFloat) {
    *a = *b = Scalar{VT::kFloat, 0};
  } else if (a->vt == VT::kDecimal || b->vt == VT::kDecimal) {
    int s = std::max(a->vt == VT::kDecimal ? a->scale : 0, b->vt == VT::kDecimal ? b->scale : 0);
    *a = *b = Scalar{VT::kDecimal, s};
  } else if (a->vt == VT::kBool || b->vt == VT::kBool) {
    if (a->vt == VT::kBool) *a = Scalar{VT::kInt, 0};
    if (b->vt == VT::kBool) *b = Scalar{VT::kInt, 0};
  }
}

Scalar TypeScalar(const ast::TypeRef& t) {
  const std::string& n = t.name.name;
  if (n == "int") return {VT::kInt, 0};
  if (n == "float") return {VT::kFloat, 0};
  if (n == "decimal") return {VT::kDecimal, t.scale.value_or(2)};
  if (n == "bool") return {VT::kBool, 0};
  if (n == "date") return {VT::kDate, 0};
  if (n == "timestamp") return {VT::kTimestamp, 0};
  return {VT::kString, 0};
}

// ---- IR construction ---------------------------------------------------------------

int Checker::Emit(ir::Node n) {
  module_.ir.nodes.push_back(std::move(n));
  return static_cast<int>(module_.ir.nodes.size()) - 1;
}

ir::Scalar Checker::ScalarOf(int node) const {
  return node < 0 ? Scalar{} : module_.ir.nodes[static_cast<size_t>(node)].type.scalar;
}

int Checker::Node(ir::Kind kind, const Ty& t, Span span, std::vector<int> args, std::vector<Scalar> conv) {
  ir::Node n;
  n.kind = kind;
  n.type.scalar = t.scalar;
  n.type.unit = t.unit;
  n.type.level = t.level;
  n.type.additivity = t.add;
  n.type.source = t.level == Level::kRow && t.source ? SourceIndex(t.source) : -1;
  n.span = span;
  // Conversions are kept only when one changes an operand's type (most
  // nodes convert nothing, and a large package has many nodes).
  bool converts = false;
  for (size_t i = 0; i < conv.size() && i < args.size(); ++i) converts |= conv[i] != ScalarOf(args[i]);
  n.args = std::move(args);
  if (converts) n.conv = std::move(conv);
  return Emit(std::move(n));
}

int Checker::SourceIndex(const ast::SourceDecl* s) {
  auto it = source_index_.find(s);
  return it == source_index_.end() ? -1 : it->second;
}

// ---- expressions ----------------------------------------------------------------------

Ty Checker::Type(const Expr& e, bool in_aggregate) {
  switch (e.kind) {
    case ExprKind::kNumber:
    case ExprKind::kPercent:
    case ExprKind::kString:
    case ExprKind::kDate:
    case ExprKind::kTimestamp:
    case ExprKind::kBool:
    case ExprKind::kNull:
      return Literal(e);
    case ExprKind::kParen:
      return e.lhs ? Type(*e.lhs, in_aggregate) : Error();
    case ExprKind::kName:
    case ExprKind::kMember: {
      std::vector<const ast::Ident*> path;
      if (Scope::FlattenPath(e, &path)) return PathTy(e, path);
      if (!e.lhs) return Error();
      Ty base = Type(*e.lhs, in_aggregate);
      return base.error() ? base : Member(base, e.name, e.span);
    }
    case ExprKind::kCall:
      return Call(e, in_aggregate);
    case ExprKind::kUnary: {
      if (!e.lhs) return Error();
      Ty t = Type(*e.lhs, in_aggregate);
      if (t.error()) return t;
      if (e.uop == ast::UnaryOp::kNot) {
        if (!ExpectBool(t, *e.lhs, "`not` needs a condition")) return Error();
        int arg = t.node;
        t.scalar = {VT::kBool, 0};
        t.node = Node(ir::Kind::kUnary, t, e.span, {arg});
        module_.ir.nodes[t.node].unary = ir::UnaryOp::kNot;
        return t;
      }
      if (!t.numeric()) return Mismatch(e, fmt::format("cannot negate a {}", KindName(t.kind)));
      int arg = t.node;
      Scalar conv = t.scalar.vt == VT::kBool ? Scalar{VT::kInt, 0} : t.scalar;
      t.scalar = conv;
      t.node = Node(ir::Kind::kUnary, t, e.span, {arg}, {conv});
      module_.ir.nodes[t.node].unary = ir::UnaryOp::kNeg;
      return t;
    }
    case ExprKind::kBinary:
      return Binary(e, in_aggregate);
    case ExprKind::kIn:
      return In(e, in_aggregate);
    case ExprKind::kIsNull: {
      if (!e.lhs) return Error();
      Ty l = Type(*e.lhs, in_aggregate);
      if (l.error()) return l;
      int arg = l.node;
      Ty t = Bool(l);
      t.node = Node(ir::Kind::kIsNull, t, e.span, {arg});
      module_.ir.nodes[t.node].negated = e.negated;
      return t;
    }
    case ExprKind::kWhere:
      return Where(e, in_aggregate);
  }
  return Error();
}

Ty Checker::Literal(const Expr& e) {
  Ty t;
  ir::Node n;
  n.kind = ir::Kind::kLiteral;
  n.span = e.span;
  n.text = e.text;
  switch (e.kind) {
    case ExprKind::kNumber: {
      t.kind = VKind::kNumber;
      if (e.unit) t.unit = Unit::Named(e.unit->name);
      t.zero = !e.unit && e.text.find_first_not_of("0._") == std::string::npos;
      if (auto v = ExactLiteral(e.text)) {
        n.exact = v->first;
        n.exact_scale = v->second;
        t.scalar = v->second == 0 ? Scalar{VT::kInt, 0} : Scalar{VT::kDecimal, v->second};
      } else {
        n.is_exact = false;
        n.f = std::strtod(e.text.c_str(), nullptr);
        t.scalar = {VT::kFloat, 0};
        if (!std::isfinite(n.f)) {
          diags_.Report(DiagCode::E0310, e.span, fmt::format("`{}` is too large for a number", e.text))
              .Help("numbers go up to about 1.8e308 (floats) or 18 digits (exact decimals)")
              .span_label = "out of range";
          return Error();
        }
      }
      break;
    }
    case ExprKind::kPercent: {
      t.kind = VKind::kNumber;
      auto v = ExactLiteral(e.text);
      // Metric level keeps an exact value at any scale; a row reads a
      // float beyond the exact decimals' scale.
      n.is_exact = v.has_value();
      n.percent = true;
      if (v) {
        n.exact = v->first;
        n.exact_scale = v->second + 2;
      }
      n.f = std::strtod(e.text.c_str(), nullptr) / 100;
      t.scalar = v && v->second + 2 <= rt::kMaxScale ? Scalar{VT::kDecimal, v->second + 2} : Scalar{VT::kFloat, 0};
      break;
    }
    case ExprKind::kString:
      t = Const(VKind::kString);
      t.scalar = {VT::kString, 0};
      break;
    case ExprKind::kDate:
      t = Const(VKind::kDate);
      t.scalar = {VT::kDate, 0};
      n.exact = rt::ParseDate(e.text, rt::DateFormat{}).value_or(0);
      break;
    case ExprKind::kTimestamp:
      t = Const(VKind::kTimestamp);
      t.scalar = {VT::kTimestamp, 0};
      n.exact = rt::ParseTimestamp(e.text, 0).value_or(0);
      break;
    case ExprKind::kBool:
      t = Const(VKind::kBool);
      t.scalar = {VT::kBool, 0};
      n.exact = e.bool_value ? 1 : 0;
      break;
    default:
      t = Const(VKind::kNull);
      t.scalar = {VT::kNull, 0};
      break;
  }
  n.type.scalar = t.scalar;
  n.type.unit = t.unit;
  t.node = Emit(std::move(n));
  return t;
}

Ty Checker::Const(VKind k) {
  Ty t;
  t.kind = k;
  return t;
}

Ty Checker::Bool(Ty t) {
  t.kind = VKind::kBool;
  t.unit = Unit::One();
  t.column = nullptr;
  t.scalar = {VT::kBool, 0};
  return t;
}

Ty Checker::ColumnTy(const ast::SourceDecl& root, const ast::Column& c) {
  Ty t;
  t.level = Level::kRow;
  t.source = &root;
  t.column = &c;
  t.scalar = TypeScalar(c.type);
  const std::string& ty = c.type.name.name;
  if (ty == "int" || ty == "float" || ty == "decimal") {
    t.kind = VKind::kNumber;
    if (c.unit) t.unit = UnitFromAst(*c.unit);
  } else if (ty == "bool") {
    t.kind = VKind::kBool;
  } else if (ty == "string") {
    t.kind = VKind::kString;
  } else if (ty == "date") {
    t.kind = VKind::kDate;
  } else if (ty == "timestamp") {
    t.kind = VKind::kTimestamp;
  }
  return t;
}

Ty Checker::PathTy(const Expr& e, const std::vector<const ast::Ident*>& path) {
  if (auto it = locals_.find(path[0]->name); it != locals_.end()) {
    Ty t = it->second;
    for (size_t i = 1; i < path.size() && !t.error(); ++i) t = Member(t, *path[i], e.span);
    return t;
  }
  if (path[0]->name == "forecast" && path.size() == 2 && goal_ctx_ && goal_ctx_->in_alert &&
      (!Lookup("forecast") || std::find(std::begin(ir::kForecastFields), std::end(ir::kForecastFields),
                                        path[1]->name) != std::end(ir::kForecastFields))) {
    // The goal's outlook (resolve.cc reported anything else): the
    // probability is a ratio; the rest are in the goal metric's unit.
    int field = -1;
    for (int k = 0; k < ir::kForecastFieldCount; ++k)
      if (path[1]->name == ir::kForecastFields[k]) field = k;
    if (field < 0 || (field > 0 && goal_ctx_->metric_node < 0)) return Error();
    Ty t;
    t.kind = VKind::kNumber;
    t.level = Level::kMetric;
    t.add = ir::Additivity::kNonAdditive;
    t.scalar = {VT::kFloat, 0};
    if (field > 0) t.unit = module_.ir.nodes[goal_ctx_->metric_node].type.unit;
    t.node = Node(ir::Kind::kForecast, t, e.span, {});
    module_.ir.nodes[t.node].text = ir::kForecastFields[field];
    return t;
  }
  size_t next = 0;
  const ast::Decl* d = ResolvePath(path, &next);
  if (!d) return Error();
  if (d->kind == DeclKind::kSource) {
    const auto* src = static_cast<const ast::SourceDecl*>(d);
    if (next == path.size()) {
      Ty t;
      t.kind = VKind::kSource;
      t.source = src;
      t.level = Level::kRow;
      t.node = Node(ir::Kind::kRows, t, e.span, {});
      module_.ir.nodes[t.node].source = SourceIndex(src);
      return t;
    }
    const ast::SourceDecl* cur = src;
    const ast::Column* col = nullptr;
    std::vector<int> indices;
    for (size_t i = next; i < path.size(); ++i) {
      col = nullptr;
      for (size_t k = 0; k < cur->columns.size(); ++k)
        if (cur->columns[k].name.name == path[i]->name) {
          col = &cur->columns[k];
          indices.push_back(static_cast<int>(k));
        }
      if (!col) return Error();
      if (i + 1 < path.size()) {
        if (!col->references || col->references->parts.empty()) return Error();
        cur = SourceByName(col->references->parts.back().name);
        if (!cur) return Error();
      }
    }
    if (current_) {
      std::string text;
      for (size_t i = next - 1; i < path.size(); ++i) text += (text.empty() ? "" : ".") + path[i]->name;
      current_->columns.insert(text);
    }
    Ty t = ColumnTy(*src, *col);
    t.node = Node(ir::Kind::kColumn, t, e.span, {});
    ir::Node& n = module_.ir.nodes[t.node];
    n.source = SourceIndex(src);
    n.path = std::move(indices);
    return t;
  }
  if (d->kind == DeclKind::kMetric) {
    Ty t = MetricTy(d->name.name, e.span);
    for (size_t i = next; i < path.size() && !t.error(); ++i) t = Member(t, *path[i], e.span);
    return t;
  }
  return Error();
}

Ty Checker::MetricTy(const std::string& name, Span at) {
  const MetricType* m = MetricOf(name, at);
  if (!m || !m->ok) return Error();
  Ty t;
  t.kind = VKind::kNumber;
  t.unit = m->unit;
  t.level = Level::kMetric;
  t.add = m->additivity;
  for (const std::string& s : m->sources)
    if (const ast::SourceDecl* src = SourceByNameAnywhere(s)) t.sources.insert(src);
  t.deps.insert(name);
  t.node = Node(ir::Kind::kMetric, t, at, {});
  module_.ir.nodes[t.node].metric = m->ir;
  return t;
}

/// `m.previous`, `m.last_year`, `m.target`: same unit and additivity.
Ty Checker::Member(Ty t, const ast::Ident& member, Span at) {
  if (t.level != Level::kMetric) return Error();
  const builtins::Builtin* b = builtins::FindMember(member.name);
  int base = t.node;
  if (!b) {
    t.node = -1;  // reported by name resolution
    return t;
  }
  if (b->fn == builtins::Fn::kTarget) {
    // The goal's target for the period: only in that goal, of its metric,
    // outside the target itself.
    const ir::Node& bn = module_.ir.nodes[base];
    std::string why, help;
    if (!goal_ctx_) {
      why = "`.target` is read only inside a goal, where it is the goal's target for the period";
      help = "use it in the goal's alerts, e.g. `alert \"behind\" when sales < 0.9 * sales.target`";
    } else if (bn.kind != ir::Kind::kMetric || bn.metric != goal_ctx_->metric_ir) {
      why = fmt::format("goal `{}` sets a target for `{}` only", goal_ctx_->goal, goal_ctx_->metric);
      help = goal_ctx_->metric.empty() ? "give the goal a `metric`"
                                       : fmt::format("write `{}.target`", goal_ctx_->metric);
    } else if (!goal_ctx_->has_target) {
      why = fmt::format("goal `{}` has no `target`", goal_ctx_->goal);
      help = fmt::format("add one, e.g. `target {} >= 1.1 * {}.last_year`", goal_ctx_->metric, goal_ctx_->metric);
    } else if (goal_ctx_->in_target) {
      why = "a target cannot be defined by itself";
      help = "compare the metric with another value, e.g. its `.last_year`";
    }
    if (!why.empty()) {
      diags_.Report(DiagCode::E0312, Span{at.file, at.begin, member.span.end}, why).Help(help).span_label =
          "no target here";
      return Error();
    }
  }
  t.node = Node(ir::Kind::kMember, t, Span{at.file, at.begin, member.span.end}, {base});
  module_.ir.nodes[t.node].fn = b->fn;
  return t;
}

Ty Checker::Mismatch(const Expr& at, const std::string& message) {
  diags_.Report(DiagCode::E0307, at.span, message).span_label = "wrong kind of value";
  return Error();
}

bool Checker::ExpectBool(const Ty& t, const Expr& at, const std::string& why) {
  if (t.error() || t.kind == VKind::kBool) return !t.error();
  auto& d = diags_.Report(DiagCode::E0306, at.span, fmt::format("{}, but this is a {}", why, KindName(t.kind)));
  d.span_label = "not a condition";
  if (t.kind == VKind::kNumber) d.Help("compare it, for example `... > 0`");
  return false;
}

/// Combines the levels and sources of two operands, reporting a row
/// expression that mixes the rows of two sources.
bool Checker::Join(const Expr& at, const Ty& l, const Ty& r, Ty* out) {
  if ((l.level == Level::kRow && r.level == Level::kMetric) || (l.level == Level::kMetric && r.level == Level::kRow)) {
    RowOutsideAggregate(l.level == Level::kRow ? *at.lhs : *at.rhs);
    return false;
  }
  return JoinTys(at, l, r, out);
}

bool Checker::JoinTys(const Expr& at, const Ty& l, const Ty& r, Ty* out) {
  if (l.level == Level::kRow && r.level == Level::kRow && l.source && r.source && l.source != r.source) {
    auto& d = diags_.Report(
        DiagCode::E0402, at.span,
        fmt::format("this expression mixes rows of `{}` and `{}`", l.source->name.name, r.source->name.name));
    d.span_label = "two sources in one row";
    d.Help("aggregate each source on its own and combine the metrics, e.g. `sum(a.x) / sum(b.y)`");
    return false;
  }
  out->level = std::max(l.level, r.level);
  out->source = l.source ? l.source : r.source;
  out->sources = l.sources;
  out->sources.insert(r.sources.begin(), r.sources.end());
  out->deps = l.deps;
  out->deps.insert(r.deps.begin(), r.deps.end());
  return true;
}

Ty Checker::Binary(const Expr& e, bool in_aggregate) {
  if (!e.lhs || !e.rhs) return Error();
  Ty l = Type(*e.lhs, in_aggregate);
  Ty r = Type(*e.rhs, in_aggregate);
  if (l.error() || r.error()) return Error();
  Ty out;
  if (!Join(e, l, r, &out)) return Error();
  using B = ast::BinaryOp;
  Scalar cl = l.scalar, cr = r.scalar;
  auto emit = [&](Ty t) {
    t.node = Node(ir::Kind::kBinary, t, e.span, {l.node, r.node}, {cl, cr});
    module_.ir.nodes[t.node].binary = static_cast<ir::BinaryOp>(e.bop);
    return t;
  };
  switch (e.bop) {
    case B::kAnd:
    case B::kOr: {
      bool ok = ExpectBool(l, *e.lhs, fmt::format("`{}` needs conditions", e.bop == B::kAnd ? "and" : "or"));
      ok = ExpectBool(r, *e.rhs, fmt::format("`{}` needs conditions", e.bop == B::kAnd ? "and" : "or")) && ok;
      if (!ok) return Error();
      out.kind = VKind::kBool;
      out.scalar = {VT::kBool, 0};
      return emit(out);
    }
    case B::kEq:
    case B::kNe:
    case B::kLt:
    case B::kLe:
    case B::kGt:
    case B::kGe: {
      if (l.kind != r.kind && l.kind != VKind::kNull && r.kind != VKind::kNull && !(IsTime(l.kind) && IsTime(r.kind)))
        return Mismatch(e, fmt::format("cannot compare a {} with a {}", KindName(l.kind), KindName(r.kind)));
      if (l.kind == VKind::kNumber && r.kind == VKind::kNumber && !l.zero && !r.zero &&
          !UnitsAgree(e, l.unit, r.unit, "compare"))
        return Error();
      // A count (a sum or count of rows) or a score in a unit of its own
      // (`nps`: base units only, no quotient) against a percentage:
      // `order_count >= 28%` is 0.28 orders, `nps > 30%` is 0.3 points;
      // never what was meant. A ratio (`order/visit`, `1`) may be one.
      for (auto [side, other, lit] : {std::tuple{&l, e.lhs.get(), e.rhs.get()}, std::tuple{&r, e.rhs.get(), e.lhs.get()}}) {
        const Expr* pct = StripParens(lit);
        if (side->level != Level::kMetric || !pct || pct->kind != ExprKind::kPercent) continue;
        bool quotient = false;
        for (const auto& [base, power] : side->unit.powers()) quotient |= power < 0;
        bool count = side->add == Additivity::kAdditive;
        if (!count && (side->unit.IsOne() || quotient)) continue;
        auto& d = diags_.Report(
            DiagCode::E0302, e.span,
            count ? fmt::format("cannot compare a count with a percentage: `{}` counts, `{}%` is a ratio",
                                ast::DumpExpr(*other), pct->text)
                  : fmt::format("cannot compare `{}` with a percentage: `{}` is in `{}`, `{}%` is a ratio",
                                side->unit.ToString(), ast::DumpExpr(*other), side->unit.ToString(), pct->text));
        d.span_label = count ? "a count and a percentage" : "a score and a percentage";
        PercentHelp(d, *pct, *other);
        return Error();
      }
      out.kind = VKind::kBool;
      out.scalar = {VT::kBool, 0};
      if (NumericVT(cl.vt) && NumericVT(cr.vt) && !(cl.vt == VT::kBool && cr.vt == VT::kBool)) Promote(&cl, &cr);
      return emit(out);
    }
    case B::kAdd:
    case B::kSub: {
      // Dates: date - date is a duration; date +/- duration is a date.
      if (IsTime(l.kind) && IsTime(r.kind) && e.bop == B::kSub) {
        out.kind = VKind::kNumber;
        out.unit = Unit::Named(l.kind == VKind::kDate && r.kind == VKind::kDate ? "day" : "hour");
        out.scalar = cl.vt == VT::kDate && cr.vt == VT::kDate ? Scalar{VT::kInt, 0} : Scalar{VT::kFloat, 0};
        out.add = std::max(l.add, r.add);  // the span of a max and a min is not summable
        return emit(out);
      }
      if (IsTime(l.kind) && r.kind == VKind::kNumber && r.unit.IsDuration()) {
        if (l.level == Level::kRow) {
          diags_.Report(DiagCode::E0311, e.span, "a date cannot be moved by a duration row by row")
              .Help("compare dates directly (`orders.shipped_on - orders.ordered_on > 3 days`), or use "
                    "`--from`/`--to` and the period methods for windows")
              .span_label = "per row";
          return Error();
        }
        out.kind = l.kind;
        out.scalar = l.scalar;
        return emit(out);
      }
      if (!l.numeric() || !r.numeric())
        return Mismatch(e, fmt::format("cannot {} a {} and a {}", e.bop == B::kAdd ? "add" : "subtract",
                                       KindName(l.kind), KindName(r.kind)));
      if (!l.zero && !r.zero && !UnitsAgree(e, l.unit, r.unit, e.bop == B::kAdd ? "add" : "subtract")) return Error();
      out.kind = VKind::kNumber;
      out.unit = l.unit.IsOne() ? r.unit : l.unit;
      // A constant added to a metric is added once per group: not summable.
      if (l.level == Level::kConst || r.level == Level::kConst)
        out.add = Additivity::kNonAdditive;
      else
        out.add = std::max(l.add, r.add);
      Promote(&cl, &cr);
      out.scalar = cl.vt == VT::kNull ? cr : cl;
      out.scalar.scale = std::max(cl.scale, cr.scale);
      return emit(out);
    }
    case B::kMul:
    case B::kDiv: {
      if (!l.numeric() || !r.numeric())
        return Mismatch(e, fmt::format("cannot {} a {} by a {}", e.bop == B::kMul ? "multiply" : "divide",
                                       KindName(l.kind), KindName(r.kind)));
      out.kind = VKind::kNumber;
      out.unit = e.bop == B::kMul ? l.unit * r.unit : l.unit / r.unit;
      bool scaled =
          e.bop == B::kMul ? (l.level == Level::kConst || r.level == Level::kConst) : r.level == Level::kConst;
      out.add = scaled ? std::max(l.add, r.add) : Additivity::kNonAdditive;
      if (out.level == Level::kConst) out.add = Additivity::kAdditive;
      if (e.bop == B::kDiv) {
        cl = cr = out.scalar = {VT::kFloat, 0};
        return emit(out);
      }
      if (cl.vt == VT::kBool) cl = {VT::kInt, 0};
      if (cr.vt == VT::kBool) cr = {VT::kInt, 0};
      if (cl.vt == VT::kFloat || cr.vt == VT::kFloat) {
        cl = cr = out.scalar = {VT::kFloat, 0};
      } else if (cl.vt == VT::kDecimal || cr.vt == VT::kDecimal) {
        out.scalar = {VT::kDecimal,
                      (cl.vt == VT::kDecimal ? cl.scale : 0) + (cr.vt == VT::kDecimal ? cr.scale : 0)};
        if (out.scalar.scale > rt::kMaxScale && out.level == Level::kRow) {
          diags_
              .Report(DiagCode::E0310, e.span,
                      fmt::format("this product of exact decimals has {} decimal places; at most {} are kept exactly",
                                  out.scalar.scale, rt::kMaxScale))
              .Help("a product keeps both sides' decimals; round a side first in its source (`decimal(2)`), or "
                    "multiply metrics instead of rows")
              .span_label = fmt::format("{} decimal places", out.scalar.scale);
          return Error();
        }
      } else {
        out.scalar = cl.vt == VT::kNull ? cr : cl;
      }
      return emit(out);
    }
  }
  return Error();
}

Ty Checker::In(const Expr& e, bool in_aggregate) {
  if (!e.lhs) return Error();
  Ty l = Type(*e.lhs, in_aggregate);
  std::vector<int> args{l.node};
  // Items take the tested value's type; conv[0] records the type the
  // tested value would need to take to hold every item.
  std::vector<Scalar> conv{l.scalar};
  for (const auto& item : e.items) {
    if (!item) continue;
    const Expr* lit = StripParens(item.get());
    if (lit->kind == ExprKind::kUnary && lit->uop == ast::UnaryOp::kNeg && lit->lhs) lit = StripParens(lit->lhs.get());
    bool literal = lit->kind == ExprKind::kNumber || lit->kind == ExprKind::kPercent ||
                   lit->kind == ExprKind::kString || lit->kind == ExprKind::kDate ||
                   lit->kind == ExprKind::kTimestamp || lit->kind == ExprKind::kBool || lit->kind == ExprKind::kNull;
    if (!literal) {
      diags_.Report(DiagCode::E0307, item->span, "the list after `in` holds literal values only")
          .Help("compare with `==` and combine with `or` to test against other values")
          .span_label = "not a literal";
      return Error();
    }
    Ty r = Type(*item, in_aggregate);
    if (!l.error() && !r.error() && l.kind != r.kind && r.kind != VKind::kNull)
      return Mismatch(*item, fmt::format("a {} cannot be in a list of {}s", KindName(l.kind), KindName(r.kind)));
    args.push_back(r.node);
    conv.push_back(r.scalar);
  }
  // The tested value and every item take the widest numeric type of them all.
  if (NumericVT(conv[0].vt)) {
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 1; i < conv.size(); ++i)
        if (NumericVT(conv[i].vt)) Promote(&conv[0], &conv[i]);
  }
  if (l.error()) return l;
  Ty t = Bool(l);
  t.node = Node(ir::Kind::kIn, t, e.span, std::move(args), std::move(conv));
  module_.ir.nodes[t.node].negated = e.negated;
  return t;
}

/// The help for a percentage compared with an amount or a count: a target
/// of growth compares with last year's value (`28%` -> `1.28 *
/// m.last_year`), and a share divides.
void Checker::PercentHelp(Diagnostic& d, const Expr& pct, const Expr& other) {
  double p = std::strtod(pct.text.c_str(), nullptr);
  std::string m = ast::DumpExpr(other);
  bool simple = StripParens(&other)->kind == ExprKind::kName;
  std::string base = simple ? m : "(" + m + ")";
  if (goal_ctx_ && goal_ctx_->in_target)
    d.Help(fmt::format("for growth of {}% on last year, write `{} >= {} * {}.last_year`{}", pct.text, m, 1 + p / 100,
                       base, simple ? "" : " (over a metric)"));
  else
    d.Help(fmt::format("compare a change or a ratio with it, e.g. `{}.change(month) {} {}%`, or give the number "
                       "`{}`'s unit",
                       base, p < 0 ? "<" : ">", pct.text, m));
}

bool Checker::UnitsAgree(const Expr& at, const Unit& a, const Unit& b, const char* verb) {
  if (Comparable(a, b)) return true;
  std::string ca = a.Currency(), cb = b.Currency();
  if (!ca.empty() && !cb.empty()) {
    auto& d =
        diags_.Report(DiagCode::E0303, at.span, fmt::format("cannot {} `{}` and `{}`: currencies differ", verb, ca, cb));
    d.span_label = "mixed currencies";
    d.Help(fmt::format("convert one side explicitly with a dated rate source: `convert(x, {}, rates)`", ca));
    return false;
  }
  auto& d =
      diags_.Report(DiagCode::E0302, at.span, fmt::format("cannot {} `{}` and `{}`", verb, a.ToString(), b.ToString()));
  d.span_label = "units differ";
  if (a.IsOne() || b.IsOne()) {
    // Suggest the literal itself with the other side's unit.
    const Expr* lit = nullptr;
    for (const Expr* side : {at.lhs.get(), at.rhs.get()})
      if (side && side->kind == ExprKind::kNumber && !side->unit) lit = side;
    Unit other = a.IsOne() ? b : a;
    const Expr* pct = nullptr;
    for (const Expr* side : {at.lhs.get(), at.rhs.get()})
      if (const Expr* x = StripParens(side); x && x->kind == ExprKind::kPercent) pct = x;
    if (pct) {
      d.message = fmt::format("cannot compare `{}` with a percentage: `{}%` is a ratio, without a unit", other.ToString(),
                              pct->text);
      PercentHelp(d, *pct, StripParens(at.lhs.get()) == pct ? *at.rhs : *at.lhs);
    } else if (lit)
      d.Help(fmt::format("give the number its unit: `{} {}`", lit->text, other.ToString()));
    else
      d.Help(fmt::format("the other side is `{}`", other.ToString()));
  } else {
    d.Help("both sides of `+`, `-` and comparisons need the same unit");
  }
  return false;
}

Ty Checker::Where(const Expr& e, bool in_aggregate) {
  if (!e.lhs || !e.rhs) return Error();
  Ty l = Type(*e.lhs, in_aggregate);
  Ty c = Type(*e.rhs, true);
  if (l.error() || c.error()) return Error();
  if (current_) current_->filters.push_back(e.rhs->span);
  if (!ExpectBool(c, *e.rhs, "a filter must be a condition")) return Error();
  // The filter reads the rows of the source being aggregated.
  const ast::SourceDecl* rows = l.level == Level::kRow ? l.source : nullptr;
  if (l.level == Level::kMetric && l.sources.size() == 1) rows = *l.sources.begin();
  if (rows && c.source && c.source != rows) {
    auto& d = diags_.Report(
        DiagCode::E0402, e.rhs->span,
        fmt::format("the filter reads `{}`, but the rows are from `{}`", c.source->name.name, rows->name.name));
    d.span_label = "another source";
    d.Help("a filter restricts the rows of the source it aggregates");
    return Error();
  }
  int value = l.node;
  l.node = Node(ir::Kind::kWhere, l, e.span, {value, c.node});
  return l;
}

Ty Checker::Condition(const Expr& e) {
  Ty t = Metric(e);
  if (!t.error() && t.level == Level::kRow) {
    RowOutsideAggregate(e);
    return Error();
  }
  return t;
}

}  // namespace kpic::check
