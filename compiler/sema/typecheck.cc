// The type checker. Every expression gets a Ty: a value kind, a unit, a
// level (constant, row inside an aggregate, or metric) and, at metric level,
// an additivity and the set of sources it reads.
#include "sema/typecheck.h"

#include "sema/scope.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "builtins/builtins.h"
#include "sema/scope.h"

namespace kpic {

const char* AdditivityName(Additivity a) {
  switch (a) {
    case Additivity::kAdditive:
      return "additive";
    case Additivity::kSemiAdditive:
      return "semi_additive";
    case Additivity::kNonAdditive:
      return "non_additive";
  }
  return "?";
}

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

namespace {

using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using builtins::ArgKind;
using builtins::Builtin;
using builtins::Fn;

enum class VKind { kError, kNumber, kBool, kString, kDate, kTimestamp, kNull, kSource };
enum class Level { kConst, kRow, kMetric };

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

struct Ty {
  VKind kind = VKind::kError;
  Unit unit;
  Level level = Level::kConst;
  const ast::SourceDecl* source = nullptr;  ///< row level: whose rows
  const ast::Column* column = nullptr;      ///< row level: a bare column
  Additivity add = Additivity::kAdditive;
  std::set<const ast::SourceDecl*> sources;  ///< metric level
  std::set<std::string> deps;
  bool zero = false;  ///< the literal 0, which fits any unit

  bool error() const { return kind == VKind::kError; }
  bool numeric() const { return kind == VKind::kNumber || kind == VKind::kNull; }
};

Ty Error() { return Ty{}; }

Additivity Worst(Additivity a, Additivity b) { return std::max(a, b); }

class Checker {
 public:
  Checker(const Catalog& catalog, DiagnosticSink& diags) : catalog_(catalog), diags_(diags) {}

  CheckedModule Run() {
    for (const auto& [name, home] : catalog_.metric_home) MetricOf(name);
    for (const auto& [pname, pkg] : catalog_.packages) {
      pkg_ = &pkg;
      for (const auto& [name, d] : pkg.decls) {
        if (d->has_syntax_error) continue;
        if (d->kind == DeclKind::kGoal) Goal(static_cast<const ast::GoalDecl&>(*d));
        if (d->kind == DeclKind::kRole) Role(static_cast<const ast::RoleDecl&>(*d));
        if (d->kind == DeclKind::kReport) Report(static_cast<const ast::ReportDecl&>(*d));
      }
    }
    SameFormulas();
    RoleCoverage();
    return std::move(module_);
  }

 private:
  // ---- lookup (diagnostics for unknown names come from resolve.cc) ---------

  Scope Here() const { return Scope(catalog_, pkg_); }
  const ast::Decl* Lookup(const std::string& name) const { return Here().Lookup(name); }
  const ast::Decl* ResolvePath(const std::vector<const ast::Ident*>& path, size_t* next) const {
    return Here().ResolvePath(path, next);
  }
  static bool Flatten(const Expr& e, std::vector<const ast::Ident*>* out) { return Scope::FlattenPath(e, out); }
  const ast::SourceDecl* SourceByName(const std::string& name) const { return Here().SourceByName(name); }

  // ---- sources: dimensions and time ------------------------------------------

  std::set<std::string> DimensionsOf(const ast::SourceDecl& s, int depth = 0) const {
    std::set<std::string> dims;
    for (const ast::Column& c : s.columns) {
      if (c.dimension) dims.insert(c.dimension->name);
      if (c.references && depth < 4 && !c.references->parts.empty()) {
        // A many-to-one lookup brings the referenced source's dimensions.
        if (const ast::SourceDecl* t = SourceByName(c.references->parts.back().name)) {
          auto more = DimensionsOf(*t, depth + 1);
          dims.insert(more.begin(), more.end());
        }
      }
    }
    return dims;
  }

  static bool HasTime(const ast::SourceDecl& s) {
    return std::any_of(s.columns.begin(), s.columns.end(), [](const ast::Column& c) { return c.time; });
  }

  // ---- columns ------------------------------------------------------------------

  Ty ColumnTy(const ast::SourceDecl& root, const ast::Column& c) {
    Ty t;
    t.level = Level::kRow;
    t.source = &root;
    t.column = &c;
    const std::string& ty = c.type.name.name;
    if (ty == "int" || ty == "float" || ty == "decimal") {
      t.kind = VKind::kNumber;
      if (c.unit) t.unit = Unit::FromAst(*c.unit);
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

  Ty PathTy(const Expr& e, const std::vector<const ast::Ident*>& path) {
    if (auto it = locals_.find(path[0]->name); it != locals_.end()) {
      Ty t = it->second;
      for (size_t i = 1; i < path.size() && !t.error(); ++i) t = Member(t, *path[i]);
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
        return t;
      }
      const ast::SourceDecl* cur = src;
      const ast::Column* col = nullptr;
      for (size_t i = next; i < path.size(); ++i) {
        col = nullptr;
        for (const auto& c : cur->columns)
          if (c.name.name == path[i]->name) col = &c;
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
      return ColumnTy(*src, *col);
    }
    if (d->kind == DeclKind::kMetric) {
      Ty t = MetricTy(d->name.name, e.span);
      for (size_t i = next; i < path.size() && !t.error(); ++i) t = Member(t, *path[i]);
      return t;
    }
    return Error();
  }

  Ty MetricTy(const std::string& name, Span at) {
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
    return t;
  }

  const ast::SourceDecl* SourceByNameAnywhere(const std::string& qualified) const {
    return Here().SourceByKey(qualified);
  }

  std::string SourceKey(const ast::SourceDecl* s) const { return Here().SourceKey(s); }

  /// `m.previous`, `m.last_year`, `m.target`: same unit and additivity.
  Ty Member(Ty t, const ast::Ident& member) {
    if (t.level != Level::kMetric) return Error();
    return t;
  }

  // ---- metrics --------------------------------------------------------------

  const MetricType* MetricOf(const std::string& name, Span at = {}) {
    if (auto it = module_.metrics.find(name); it != module_.metrics.end()) {
      if (visiting_.count(name)) {
        if (!cycle_reported_.count(name)) {
          cycle_reported_.insert(name);
          auto& d = diags_.Report(DiagCode::E0406, at.valid() ? at : it->second.decl->name.span,
                                  fmt::format("metric `{}` depends on itself", name));
          d.span_label = "this reference closes the cycle";
          d.Help("a metric cannot be defined in terms of itself, directly or through other metrics");
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
    if (decl->has_syntax_error || !decl->expr) return &m;
    visiting_.insert(name);
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
    Ty t = Metric(*decl->expr);
    visiting_.erase(name);
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
    if (decl->unit) {
      bool percent = decl->unit->factors.size() == 1 && decl->unit->factors[0].name.name == "percent";
      m.percent = percent;
      Unit declared = Unit::FromAst(*decl->unit);
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
    std::set<std::string> dims;
    bool first = true;
    for (const ast::SourceDecl* s : t.sources) {
      m.sources.insert(SourceKey(s));
      auto d = DimensionsOf(*s);
      if (first) {
        dims = d;
        first = false;
      } else {
        std::set<std::string> both;
        std::set_intersection(dims.begin(), dims.end(), d.begin(), d.end(), std::inserter(both, both.begin()));
        dims = both;
      }
      if (!HasTime(*s)) m.has_time = false;
    }
    m.dimensions = dims;
    for (const std::string& dep : t.deps)
      if (dep != name) m.depends_on.insert(dep);
    m.ok = true;
    return &m;
  }

  void RowOutsideAggregate(const Expr& e) {
    diags_.Report(DiagCode::E0401, e.span, "a column is used outside an aggregate")
        .Help("a metric summarises many rows: wrap the column in an aggregate such as `sum(...)` or `count(...)`")
        .span_label = "one value per row";
  }

  // ---- expressions -----------------------------------------------------------

  /// Types a metric-level expression.
  Ty Metric(const Expr& e) { return Type(e, /*in_aggregate=*/false); }

  Ty Type(const Expr& e, bool in_aggregate) {
    switch (e.kind) {
      case ExprKind::kNumber: {
        Ty t;
        t.kind = VKind::kNumber;
        if (e.unit) t.unit = Unit::Named(e.unit->name);
        t.zero = !e.unit && e.text.find_first_not_of("0._") == std::string::npos;
        return t;
      }
      case ExprKind::kPercent: {
        Ty t;
        t.kind = VKind::kNumber;
        return t;
      }
      case ExprKind::kString:
        return Const(VKind::kString);
      case ExprKind::kDate:
        return Const(VKind::kDate);
      case ExprKind::kTimestamp:
        return Const(VKind::kTimestamp);
      case ExprKind::kBool:
        return Const(VKind::kBool);
      case ExprKind::kNull:
        return Const(VKind::kNull);
      case ExprKind::kParen:
        return e.lhs ? Type(*e.lhs, in_aggregate) : Error();
      case ExprKind::kName:
      case ExprKind::kMember: {
        std::vector<const ast::Ident*> path;
        if (Flatten(e, &path)) return PathTy(e, path);
        if (!e.lhs) return Error();
        Ty base = Type(*e.lhs, in_aggregate);
        return base.error() ? base : Member(base, e.name);
      }
      case ExprKind::kCall:
        return Call(e, in_aggregate);
      case ExprKind::kUnary: {
        if (!e.lhs) return Error();
        Ty t = Type(*e.lhs, in_aggregate);
        if (t.error()) return t;
        if (e.uop == ast::UnaryOp::kNot) {
          if (!ExpectBool(t, *e.lhs, "`not` needs a condition")) return Error();
          return t;
        }
        if (!t.numeric()) return Mismatch(e, fmt::format("cannot negate a {}", KindName(t.kind)));
        return t;
      }
      case ExprKind::kBinary:
        return Binary(e, in_aggregate);
      case ExprKind::kIn: {
        if (!e.lhs) return Error();
        Ty l = Type(*e.lhs, in_aggregate);
        for (const auto& item : e.items) {
          if (!item) continue;
          Ty r = Type(*item, in_aggregate);
          if (!l.error() && !r.error() && l.kind != r.kind && r.kind != VKind::kNull)
            return Mismatch(*item, fmt::format("a {} cannot be in a list of {}s", KindName(l.kind), KindName(r.kind)));
        }
        return l.error() ? l : Bool(l);
      }
      case ExprKind::kIsNull: {
        if (!e.lhs) return Error();
        Ty l = Type(*e.lhs, in_aggregate);
        return l.error() ? l : Bool(l);
      }
      case ExprKind::kWhere:
        return Where(e, in_aggregate);
    }
    return Error();
  }

  static Ty Const(VKind k) {
    Ty t;
    t.kind = k;
    return t;
  }

  static Ty Bool(Ty t) {
    t.kind = VKind::kBool;
    t.unit = Unit::One();
    t.column = nullptr;
    return t;
  }

  Ty Mismatch(const Expr& at, const std::string& message) {
    diags_.Report(DiagCode::E0307, at.span, message).span_label = "wrong kind of value";
    return Error();
  }

  bool ExpectBool(const Ty& t, const Expr& at, const std::string& why) {
    if (t.error() || t.kind == VKind::kBool) return !t.error();
    auto& d = diags_.Report(DiagCode::E0306, at.span, fmt::format("{}, but this is a {}", why, KindName(t.kind)));
    d.span_label = "not a condition";
    if (t.kind == VKind::kNumber) d.Help("compare it, for example `... > 0`");
    return false;
  }

  /// Combines the levels and sources of two operands, reporting a row
  /// expression that mixes the rows of two sources.
  bool Join(const Expr& at, const Ty& l, const Ty& r, Ty* out) {
    if ((l.level == Level::kRow && r.level == Level::kMetric) ||
        (l.level == Level::kMetric && r.level == Level::kRow)) {
      RowOutsideAggregate(l.level == Level::kRow ? *at.lhs : *at.rhs);
      return false;
    }
    return JoinTys(at, l, r, out);
  }

  Ty Binary(const Expr& e, bool in_aggregate) {
    if (!e.lhs || !e.rhs) return Error();
    Ty l = Type(*e.lhs, in_aggregate);
    Ty r = Type(*e.rhs, in_aggregate);
    if (l.error() || r.error()) return Error();
    Ty out;
    if (!Join(e, l, r, &out)) return Error();
    using B = ast::BinaryOp;
    switch (e.bop) {
      case B::kAnd:
      case B::kOr: {
        bool ok = ExpectBool(l, *e.lhs, fmt::format("`{}` needs conditions", e.bop == B::kAnd ? "and" : "or"));
        ok = ExpectBool(r, *e.rhs, fmt::format("`{}` needs conditions", e.bop == B::kAnd ? "and" : "or")) && ok;
        if (!ok) return Error();
        out.kind = VKind::kBool;
        return out;
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
        out.kind = VKind::kBool;
        return out;
      }
      case B::kAdd:
      case B::kSub: {
        // Dates: date - date is a duration; date +/- duration is a date.
        if (IsTime(l.kind) && IsTime(r.kind) && e.bop == B::kSub) {
          out.kind = VKind::kNumber;
          out.unit = Unit::Named(l.kind == VKind::kDate && r.kind == VKind::kDate ? "day" : "hour");
          return out;
        }
        if (IsTime(l.kind) && r.kind == VKind::kNumber && r.unit.IsDuration()) {
          out.kind = l.kind;
          return out;
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
          out.add = Worst(l.add, r.add);
        return out;
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
        out.add = scaled ? Worst(l.add, r.add) : Additivity::kNonAdditive;
        if (out.level == Level::kConst) out.add = Additivity::kAdditive;
        return out;
      }
    }
    return Error();
  }

  static bool IsTime(VKind k) { return k == VKind::kDate || k == VKind::kTimestamp; }

  bool UnitsAgree(const Expr& at, const Unit& a, const Unit& b, const char* verb) {
    if (Comparable(a, b)) return true;
    std::string ca = a.Currency(), cb = b.Currency();
    if (!ca.empty() && !cb.empty()) {
      auto& d = diags_.Report(DiagCode::E0303, at.span,
                              fmt::format("cannot {} `{}` and `{}`: currencies differ", verb, ca, cb));
      d.span_label = "mixed currencies";
      d.Help(fmt::format("convert one side explicitly with a dated rate source: `convert(x, {}, rates)`", ca));
      return false;
    }
    auto& d = diags_.Report(DiagCode::E0302, at.span,
                            fmt::format("cannot {} `{}` and `{}`", verb, a.ToString(), b.ToString()));
    d.span_label = "units differ";
    if (a.IsOne() || b.IsOne()) {
      // Suggest the literal itself with the other side's unit.
      const Expr* lit = nullptr;
      for (const Expr* side : {at.lhs.get(), at.rhs.get()})
        if (side && side->kind == ExprKind::kNumber && !side->unit) lit = side;
      Unit other = a.IsOne() ? b : a;
      if (lit)
        d.Help(fmt::format("give the number its unit: `{} {}`", lit->text, other.ToString()));
      else
        d.Help(fmt::format("the other side is `{}`", other.ToString()));
    } else
      d.Help("both sides of `+`, `-` and comparisons need the same unit");
    return false;
  }

  Ty Where(const Expr& e, bool in_aggregate) {
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
    return l;
  }

  Ty Aggregate(const Expr& e, const Builtin& b) {
    if (e.args.empty() || !e.args[0].value) return Error();
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
    std::string name(b.name);
    if (b.fn == Fn::kCount) {
      if (a.kind == VKind::kSource || a.column == nullptr) {
        out.unit = a.source ? Unit::Named(EntityOf(*a.source)) : Unit::One();
      } else {
        out.unit = a.column->entity ? Unit::Named(a.column->entity->name) : Unit::Named(EntityOf(*a.source));
      }
      out.add = Additivity::kAdditive;
      return out;
    }
    if (a.kind == VKind::kSource) {
      diags_.Report(DiagCode::E0305, arg.span, fmt::format("`{}` needs a column, not a whole source", name))
          .span_label = "a source";
      return Error();
    }
    if (b.fn == Fn::kCountDistinct) {
      out.unit = a.column && a.column->entity ? Unit::Named(a.column->entity->name)
                 : a.column                   ? Unit::Named(a.column->name.name)
                                              : Unit::One();
      out.add = Additivity::kNonAdditive;
      return out;
    }
    bool orderable = a.kind == VKind::kDate || a.kind == VKind::kTimestamp;
    if (!(a.numeric() || (a.kind == VKind::kBool && (b.fn == Fn::kSum || b.fn == Fn::kAvg)) ||
          (orderable && !b.numeric_only))) {
      auto& d =
          diags_.Report(DiagCode::E0305, arg.span, fmt::format("cannot take `{}` of a {}", name, KindName(a.kind)));
      d.span_label = fmt::format("a {}", KindName(a.kind));
      if (a.kind == VKind::kString) d.Help("count it with `count(...)` or `count_distinct(...)`");
      return Error();
    }
    if (orderable) {
      out.kind = a.kind;
      out.add = Additivity::kNonAdditive;
      return out;
    }
    out.unit = a.kind == VKind::kBool ? Unit::One() : a.unit;
    if (b.unit == builtins::UnitRule::kArgSquared) out.unit = out.unit * out.unit;
    if (b.fn == Fn::kSum) {
      out.add = a.column && a.column->rollup ? Additivity::kSemiAdditive : Additivity::kAdditive;
    } else {
      out.add = Additivity::kNonAdditive;
    }
    return out;
  }

  static std::string EntityOf(const ast::SourceDecl& s) {
    for (const auto& c : s.columns)
      if (c.key && c.entity) return c.entity->name;
    return s.name.name;
  }

  Ty Call(const Expr& e, bool in_aggregate) {
    const Expr* callee = e.lhs.get();
    if (!callee) return Error();
    std::vector<const ast::Ident*> path;
    bool flat = Flatten(*callee, &path);
    // Builtins by plain name, unless shadowed by a declaration.
    if (callee->kind == ExprKind::kName && !locals_.count(callee->name.name) && !pkg_->decls.count(callee->name.name)) {
      if (const Builtin* b = builtins::FindFunction(callee->name.name)) {
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
        return Builtin_(e, *b, in_aggregate);
      }
    }
    // Methods on metrics: m.to_date(year), m.rolling(3 months), m.avg(day)...
    const Expr* base = callee->kind == ExprKind::kMember ? callee->lhs.get() : nullptr;
    if (base && builtins::FindMethod(callee->name.name)) {
      std::vector<const ast::Ident*> base_path;
      bool base_is_metric = true;
      if (Flatten(*base, &base_path)) {
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
        return Method(e, t, *builtins::FindMethod(callee->name.name));
      }
    }
    if (!flat) return Error();
    size_t next = 0;
    const ast::Decl* d = ResolvePath(path, &next);
    if (!d || d->kind != DeclKind::kFn || next != path.size()) return Error();
    return Fn(e, static_cast<const ast::FnDecl&>(*d), in_aggregate);
  }

  Ty Method(const Expr& e, Ty t, const Builtin& m) {
    if (m.fn == Fn::kChange || m.fn == Fn::kGrowthMethod || m.fn == Fn::kZScore) {
      t.unit = Unit::One();
      t.add = Additivity::kNonAdditive;
      return t;
    }
    if (m.fn == Fn::kReaggSum || m.fn == Fn::kReaggAvg || m.fn == Fn::kReaggMin || m.fn == Fn::kReaggMax ||
        m.fn == Fn::kReaggLast) {
      if (m.fn == Fn::kReaggSum && t.add != Additivity::kAdditive) {
        const ast::Ident& grain = e.args.empty() || !e.args[0].value ? e.lhs->name : e.args[0].value->name;
        auto& d =
            diags_.Report(DiagCode::E0403, e.span,
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
      return t;
    }
    return t;  // to_date, rolling: same unit and additivity
  }

  Ty Builtin_(const Expr& e, const Builtin& b, bool in_aggregate) {
    std::vector<Ty> args;
    std::string name(b.name);
    for (size_t i = 0; i < e.args.size(); ++i) {
      ArgKind k = builtins::KindOfArg(b, i);
      if (k != ArgKind::kExpr && k != ArgKind::kSourceOrExpr) {
        args.push_back(Ty{});  // symbolic: grain, currency, source
        continue;
      }
      if (!e.args[i].value) return Error();
      Ty t = Type(*e.args[i].value, in_aggregate);
      if (t.error()) return t;
      args.push_back(t);
    }
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
      if (args[1].numeric() && args[2].numeric() && !UnitsAgree(e, args[1].unit, args[2].unit, "choose between"))
        return Error();
      if (args[1].kind == VKind::kNull) out.kind = args[2].kind, out.unit = args[2].unit;
      out.add = Additivity::kNonAdditive;
      return out;
    }
    if (b.fn == Fn::kCoalesce) {
      if (!join_all(1)) return Error();
      for (size_t i = 1; i < args.size(); ++i) {
        if (args[i].kind != args[0].kind && args[i].kind != VKind::kNull && args[0].kind != VKind::kNull)
          return Mismatch(*e.args[i].value, fmt::format("`coalesce` mixes a {} and a {}", KindName(args[0].kind),
                                                        KindName(args[i].kind)));
        if (args[i].numeric() && args[0].numeric() && !UnitsAgree(e, args[0].unit, args[i].unit, "coalesce"))
          return Error();
      }
      out.column = nullptr;
      return out;
    }
    if (b.fn >= Fn::kYear && b.fn <= Fn::kDate) {
      if (!IsTime(args[0].kind))
        return Mismatch(*e.args[0].value,
                        fmt::format("`{}` needs a date or timestamp, not a {}", name, KindName(args[0].kind)));
      out.kind = b.fn == Fn::kDate ? VKind::kDate : VKind::kNumber;
      out.unit = Unit::One();
      out.column = nullptr;
      return out;
    }
    if (b.fn == Fn::kAbs || b.fn == Fn::kRound) {
      if (!args[0].numeric()) return Mismatch(*e.args[0].value, fmt::format("`{}` needs a number", name));
      out.column = nullptr;
      if (b.fn == Fn::kRound) out.add = Additivity::kNonAdditive;
      return out;
    }
    if (b.fn == Fn::kGrowth || b.fn == Fn::kShare) {
      if (args[0].level != Level::kMetric) return Error();
      out.unit = Unit::One();
      out.add = Additivity::kNonAdditive;
      return out;
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
      const Expr* rates = e.args[2].value.get();
      if (rates && rates->kind == ExprKind::kName)
        if (const ast::SourceDecl* r = SourceByName(rates->name.name)) out.sources.insert(r);
      out.add = Additivity::kAdditive;
      return out;
    }
    return out;
  }

  bool JoinTys(const Expr& at, const Ty& l, const Ty& r, Ty* out) {
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

  /// Binds a parameter unit made only of unbound unit parameters, at most
  /// one in the numerator and one in the denominator, to an argument's unit.
  static bool BindQuotient(const ast::UnitExpr& param, const Unit& arg, const std::set<std::string>& generic,
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

  Ty Fn(const Expr& e, const ast::FnDecl& fn, bool in_aggregate) {
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
          Unit want = Unit::FromAst(*p.unit, &unit_params);
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
    // Type the body in the function's own package, with the arguments bound.
    const Package* saved = pkg_;
    for (const auto& [pname, pkg] : catalog_.packages)
      if (pkg.decls.count(fn.name.name) && pkg.decls.at(fn.name.name) == &fn) pkg_ = &pkg;
    auto saved_locals = std::move(locals_);
    locals_ = env;
    Ty out = Type(*fn.body, in_aggregate);
    locals_ = std::move(saved_locals);
    pkg_ = saved;
    if (!out.error() && fn.result_unit) {
      Unit declared = Unit::FromAst(*fn.result_unit, &unit_params);
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

  // ---- goals, roles, reports ---------------------------------------------------

  const MetricType* GoalMetric(const ast::GoalDecl& g) {
    for (const ast::GoalItem& it : g.items) {
      if (it.kind != ast::GoalItem::Kind::kMetric || !it.expr) continue;
      if (it.expr->kind == ExprKind::kName) {
        const ast::Decl* d = Lookup(it.expr->name.name);
        if (d && d->kind == DeclKind::kMetric) return MetricOf(d->name.name);
      }
    }
    return nullptr;
  }

  void RequireDims(const MetricType& m, const ast::Ident& dim, const std::string& metric_name) {
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

  void RequireTime(const MetricType& m, Span at, const std::string& metric_name) {
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

  Ty Condition(const Expr& e) {
    Ty t = Metric(e);
    if (!t.error() && t.level == Level::kRow) {
      RowOutsideAggregate(e);
      return Error();
    }
    return t;
  }

  void Goal(const ast::GoalDecl& g) {
    using K = ast::GoalItem::Kind;
    const MetricType* m = GoalMetric(g);
    std::string mname = m && m->decl ? m->decl->name.name : "";
    for (const ast::GoalItem& it : g.items) {
      switch (it.kind) {
        case K::kTarget:
        case K::kAlert:
          if (it.expr) {
            Ty t = Condition(*it.expr);
            ExpectBool(
                t, *it.expr,
                it.kind == K::kTarget ? "a target must be a comparison" : "an alert condition must be a condition");
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
            }
          }
          break;
        case K::kDrill:
          if (m && m->ok)
            for (const ast::Ident& dim : it.names) RequireDims(*m, dim, mname);
          break;
        case K::kPeriod:
        case K::kGrain:
          if (m && m->ok) RequireTime(*m, it.keyword_span, mname);
          break;
        default:
          break;
      }
    }
  }

  void Role(const ast::RoleDecl& r) {
    locals_.clear();
    for (const ast::Param& p : r.params) {
      Ty t;
      const std::string ty = p.type ? p.type->name.name : "";
      t.kind = ty == "string"                                      ? VKind::kString
               : ty == "bool"                                      ? VKind::kBool
               : ty == "date"                                      ? VKind::kDate
               : ty == "timestamp"                                 ? VKind::kTimestamp
               : (ty == "int" || ty == "float" || ty == "decimal") ? VKind::kNumber
                                                                   : VKind::kError;
      locals_[p.name.name] = t;
    }
    for (const ast::RoleItem& it : r.items) {
      if (!it.filter || it.source.parts.empty()) continue;
      const ast::SourceDecl* src = SourceByName(it.source.parts.back().name);
      Ty t = Type(*it.filter, true);
      if (t.error()) continue;
      if (!ExpectBool(t, *it.filter, "a role filter must be a condition")) continue;
      if (src && t.source && t.source != src) {
        diags_
            .Report(DiagCode::E0402, it.filter->span,
                    fmt::format("the rule for `{}` reads rows of `{}`", src->name.name, t.source->name.name))
            .Help(fmt::format("a role's rule restricts the rows of its own source; write it over `{}`", src->name.name))
            .span_label = "another source";
      }
    }
    locals_.clear();
  }

  void Report(const ast::ReportDecl& r) {
    for (const ast::ReportItem& it : r.items) {
      if (it.kind != ast::ReportItem::Kind::kChart || !it.expr) continue;
      Ty t = Metric(*it.expr);
      if (t.error() || it.expr->kind != ExprKind::kName) continue;
      const MetricType* m = MetricOf(it.expr->name.name);
      if (!m || !m->ok) continue;
      for (const ast::Ident& by : it.by) {
        if (Contains(builtins::GrainNames(), by.name))
          RequireTime(*m, by.span, it.expr->name.name);
        else
          RequireDims(*m, by, it.expr->name.name);
      }
    }
  }

  static bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  /// Every source read by a goal of the package is mentioned by each of its
  /// roles: restricted with a rule, or explicitly `all`.
  void RoleCoverage() {
    for (const auto& [pname, pkg] : catalog_.packages) {
      pkg_ = &pkg;
      for (const auto& [rname, rd] : pkg.decls) {
        if (rd->kind != DeclKind::kRole || rd->has_syntax_error) continue;
        const auto& role = static_cast<const ast::RoleDecl&>(*rd);
        std::set<std::string> listed;
        for (const ast::RoleItem& it : role.items)
          if (!it.source.parts.empty()) listed.insert(it.source.parts.back().name);
        std::set<std::string> reported;
        for (const auto& [gname, gd] : pkg.decls) {
          if (gd->kind != DeclKind::kGoal || gd->has_syntax_error) continue;
          const auto& goal = static_cast<const ast::GoalDecl&>(*gd);
          std::vector<std::string> metrics;
          for (const ast::GoalItem& it : goal.items) {
            if (it.kind == ast::GoalItem::Kind::kMetric && it.expr && it.expr->kind == ExprKind::kName)
              metrics.push_back(it.expr->name.name);
            if (it.kind == ast::GoalItem::Kind::kDecompose && it.expr) CollectNames(*it.expr, &metrics);
          }
          for (const std::string& mname : metrics) {
            auto mt = module_.metrics.find(mname);
            if (mt == module_.metrics.end() || !mt->second.ok) continue;
            for (const std::string& key : mt->second.sources) {
              std::string src = key.substr(key.rfind(':') + 1);
              if (listed.count(src) || !reported.insert(src).second) continue;
              auto& d = diags_.Report(DiagCode::W0005, role.name.span,
                                      fmt::format("role `{}` says nothing about source `{}`, which goal `{}` reads",
                                                  role.name.name, src, goal.name.name));
              d.span_label = "incomplete";
              d.Help(fmt::format("restrict it with `{} where ...`, or write `{}: all` to show it is deliberate", src,
                                 src));
            }
          }
        }
      }
    }
  }

  static void CollectNames(const Expr& e, std::vector<std::string>* out) {
    if (e.kind == ExprKind::kName) out->push_back(e.name.name);
    if (e.lhs) CollectNames(*e.lhs, out);
    if (e.rhs) CollectNames(*e.rhs, out);
    for (const auto& a : e.args)
      if (a.value) CollectNames(*a.value, out);
  }

  /// The same formula under two names in one package: one indicator, one
  /// definition.
  void SameFormulas() {
    for (const auto& [pname, pkg] : catalog_.packages) {
      if (pkg.from_stdlib) continue;
      std::map<std::string, const ast::MetricDecl*> seen;
      std::vector<const ast::MetricDecl*> metrics;
      for (const auto& [n, d] : pkg.decls)
        if (d->kind == DeclKind::kMetric && !d->has_syntax_error)
          metrics.push_back(static_cast<const ast::MetricDecl*>(d));
      std::sort(metrics.begin(), metrics.end(), [](auto* a, auto* b) {
        return std::tie(a->span.file, a->span.begin) < std::tie(b->span.file, b->span.begin);
      });
      for (const ast::MetricDecl* m : metrics) {
        if (!m->expr) continue;
        std::string key = ast::DumpExpr(*m->expr);
        auto [it, inserted] = seen.emplace(key, m);
        if (inserted) continue;
        auto& d = diags_.Report(DiagCode::W0003, m->name.span,
                                fmt::format("`{}` has the same formula as `{}`", m->name.name, it->second->name.name));
        d.span_label = "same formula";
        d.Label(it->second->name.span, "first defined here");
        d.Help(fmt::format("keep one definition and refer to `{}`", it->second->name.name));
      }
    }
  }

  const Catalog& catalog_;
  DiagnosticSink& diags_;
  const Package* pkg_ = nullptr;
  CheckedModule module_;
  std::set<std::string> visiting_;
  std::set<std::string> cycle_reported_;
  std::map<std::string, Ty> locals_;
  MetricType* current_ = nullptr;  ///< the metric whose formula is being typed
};

}  // namespace

CheckedModule TypeCheck(const Catalog& catalog, DiagnosticSink& diags) { return Checker(catalog, diags).Run(); }

}  // namespace kpic
