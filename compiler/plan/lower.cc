// Lowering checked metrics, goals and roles into a plan.
//
// Function calls are substituted by name: a parameter stands for the
// argument expression, lowered where the parameter is used (in the
// caller's scope). A metric-level `where` is pushed down into every
// aggregate under it. Aggregates land in the scan of their source at the
// grain in effect (the requested grain, or a finer one under `.avg(day)`
// or `.rolling(7 days)`), and identical aggregates share one slot.
#include "plan/lower.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "base/suggest.h"
#include "datetime.h"
#include "decimal.h"
#include "builtins/builtins.h"
#include "sema/scope.h"

namespace kpic::plan {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;
using rt::Grain;

namespace {

struct Env {
  const Package* pkg = nullptr;
  /// Function parameters: the argument expression and the caller's env.
  std::map<std::string, std::pair<const Expr*, const Env*>> locals;
};

struct LCtx {
  Grain grain = Grain::kAll;
  std::vector<std::string> dims;
  std::vector<std::pair<const Expr*, const Env*>> filters;  ///< outer `where` conditions
  bool windowed = false;  ///< under a period operator: needs rows outside --from/--to
};

int Rank(Grain g) { return static_cast<int>(g); }

/// Exact value of a numeric literal ("1.28", "12"); nullopt for exponents.
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

class Lowerer {
 public:
  Lowerer(const Catalog& cat, const Request& req) : cat_(cat), req_(req) {}

  Plan Run() {
    const Package* home = UserPackage();
    Calendar(home);
    plan_.by = req_.by;
    plan_.from_day = req_.from_day;
    plan_.to_day = req_.to_day;
    for (const std::string& d : req_.by) {
      const auto* dim = &Find<ast::DimensionDecl>(ast::DeclKind::kDimension, d, "dimension");
      std::string t = dim->type ? dim->type->name.name : "string";
      plan_.by_types.push_back(t == "int" ? VT::kInt : t == "date" ? VT::kDate : VT::kString);
    }
    plan_.grain = req_.grain.value_or(Grain::kMonth);
    role_name_ = req_.role;
    std::vector<std::string> metrics = req_.metrics, goal_names = req_.goals;
    bool all_goals = req_.all_goals;
    const ast::ReportDecl* report =
        req_.report.empty() ? nullptr : &Find<ast::ReportDecl>(ast::DeclKind::kReport, req_.report, "report");
    if (report) {
      all_goals = false;
      plan_.title = report->label.value_or(report->name.name);
      for (const ast::ReportItem& it : report->items) {
        using K = ast::ReportItem::Kind;
        if (it.kind == K::kGoals)
          for (const auto& n : it.names) goal_names.push_back(n.name);
        if (it.kind == K::kMetrics)
          for (const auto& n : it.names) metrics.push_back(n.name);
        if (it.kind == K::kRole && !it.names.empty() && role_name_.empty()) role_name_ = it.names[0].name;
        if ((it.kind == K::kAttr || it.kind == K::kSetting) && it.attr.key.name == "title" && !it.attr.values.empty())
          plan_.title = it.attr.values[0].text;
      }
    }
    for (const std::string& m : metrics) Metric(m);
    if (report) Charts(*report);
    std::vector<const ast::GoalDecl*> goals;
    if (all_goals) {
      for (const auto& [pname, pkg] : cat_.packages) {
        if (pkg.from_stdlib) continue;
        for (const auto& [n, d] : pkg.decls)
          if (d->kind == ast::DeclKind::kGoal) goals.push_back(static_cast<const ast::GoalDecl*>(d));
      }
    }
    for (const std::string& g : goal_names) goals.push_back(&Find<ast::GoalDecl>(ast::DeclKind::kGoal, g, "goal"));
    for (const ast::GoalDecl* g : goals) Goal(*g);
    return std::move(plan_);
  }

 private:
  const Catalog& cat_;
  const Request& req_;
  Plan plan_;
  std::map<std::string, int> scan_index_;
  std::vector<int>* touched_ = nullptr;  ///< scans read by the output being lowered

  // ---- catalog helpers -------------------------------------------------------

  const Package* UserPackage() const {
    for (const auto& [n, p] : cat_.packages)
      if (!p.from_stdlib) return &p;
    return nullptr;
  }

  void Calendar(const Package* pkg) {
    if (!pkg) return;
    for (const auto& [n, d] : pkg->decls) {
      if (d->kind != ast::DeclKind::kCalendar) continue;
      for (const ast::Attribute& a : static_cast<const ast::CalendarDecl&>(*d).attrs) {
        if (a.values.empty()) continue;
        const std::string& v = a.values[0].text;
        if (a.key.name == "week_start") {
          static const char* kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
          for (int i = 0; i < 7; ++i)
            if (v == kDays[i]) plan_.week_start = i;
        } else if (a.key.name == "fiscal_year_start") {
          plan_.fiscal_start = std::clamp(std::atoi(v.c_str()), 1, 12);
        } else if (a.key.name == "time_zone") {
          plan_.time_zone = v;
        }
      }
    }
    plan_.calendar.week_start = plan_.week_start;
    plan_.calendar.fiscal_start = plan_.fiscal_start;
  }

  /// The declaration `name` of a kind, in any package; an unknown name is a
  /// PlanError with a suggestion.
  template <typename T>
  const T& Find(ast::DeclKind kind, const std::string& name, const char* what) const {
    std::vector<std::string> cands;
    for (const auto& [pname, pkg] : cat_.packages)
      for (const auto& [n, d] : pkg.decls)
        if (d->kind == kind) {
          if (n == name) return static_cast<const T&>(*d);
          cands.push_back(n);
        }
    auto s = Suggest(name, cands);
    throw PlanError(
        fmt::format("unknown {} `{}`{}", what, name, s ? fmt::format("; did you mean `{}`?", *s) : std::string()));
  }

  const ast::DimensionDecl* FindDimension(const std::string& name) const {
    for (const auto& [pname, pkg] : cat_.packages) {
      auto it = pkg.decls.find(name);
      if (it != pkg.decls.end() && it->second->kind == ast::DeclKind::kDimension)
        return static_cast<const ast::DimensionDecl*>(it->second);
    }
    return nullptr;
  }

  Scope ScopeOf(const ast::Decl* d) const {
    Scope s(cat_, nullptr);
    s.set_package(s.PackageOf(d));
    return s;
  }

  const ast::SourceDecl* Referenced(const ast::SourceDecl& from, const ast::Column& c) const {
    if (!c.references || c.references->parts.empty()) return nullptr;
    Scope s = ScopeOf(&from);
    if (!s.package()) return nullptr;
    size_t next = 0;
    std::vector<const ast::Ident*> path;
    for (const auto& p : c.references->parts) path.push_back(&p);
    const ast::Decl* d = s.ResolvePath(path, &next);
    return d && d->kind == ast::DeclKind::kSource ? static_cast<const ast::SourceDecl*>(d) : nullptr;
  }

  static const ast::Column* ColumnOf(const ast::SourceDecl& s, const std::string& name) {
    for (const auto& c : s.columns)
      if (c.name.name == name) return &c;
    return nullptr;
  }

  /// The path to the column mapped to `dim` in `s`, directly or through lookups.
  bool DimPath(const ast::SourceDecl& s, const std::string& dim, std::vector<std::string>* path, int depth = 0) const {
    for (const auto& c : s.columns)
      if (c.dimension && c.dimension->name == dim) {
        path->push_back(c.name.name);
        return true;
      }
    if (depth >= 4) return false;
    for (const auto& c : s.columns) {
      if (const ast::SourceDecl* t = Referenced(s, c)) {
        path->push_back(c.name.name);
        if (DimPath(*t, dim, path, depth + 1)) return true;
        path->pop_back();
      }
    }
    return false;
  }

  // ---- scans -------------------------------------------------------------------

  int ScanFor(const ast::SourceDecl& src, const LCtx& lc) {
    Scope sc = ScopeOf(&src);
    std::string key = sc.SourceKey(&src);
    Grain g = lc.grain;
    bool has_time = std::any_of(src.columns.begin(), src.columns.end(), [](const ast::Column& c) { return c.time; });
    if (g != Grain::kAll && !has_time)
      throw PlanError(fmt::format("source `{}` has no time column, so it cannot be broken down by {}; use --grain all",
                                  src.name.name, rt::GrainName(g)));
    // Rows outside --from/--to are skipped in the scan unless the window
    // falls on period boundaries (then whole periods are dropped instead)
    // or the aggregate sits under a period operator.
    std::optional<int32_t> from, to;
    if (!lc.windowed && (req_.from_day || req_.to_day)) {
      bool aligned = g != Grain::kAll;
      if (aligned && req_.from_day)
        aligned = rt::PeriodStart(g, rt::PeriodOf(g, *req_.from_day, plan_.calendar), plan_.calendar) == *req_.from_day;
      if (aligned && req_.to_day)
        aligned = rt::PeriodStart(g, rt::PeriodOf(g, *req_.to_day, plan_.calendar), plan_.calendar) == *req_.to_day;
      if (!aligned) from = req_.from_day, to = req_.to_day;
    }
    std::string id = fmt::format("{}|{}|{}|{}|{}", key, rt::GrainName(g), fmt::join(lc.dims, ","),
                                 from ? *from : INT32_MIN, to ? *to : INT32_MAX);
    if (auto it = scan_index_.find(id); it != scan_index_.end()) {
      if (!lc.windowed) Touch(it->second);
      return it->second;
    }
    Scan s;
    s.source = key;
    s.decl = &src;
    s.grain = g;
    s.from_day = from;
    s.to_day = to;
    plan_.scans.push_back(std::move(s));
    int index = static_cast<int>(plan_.scans.size()) - 1;
    scan_index_[id] = index;
    Scan& scan = plan_.scans[index];
    if (g != Grain::kAll || from || to) {
      for (const auto& c : src.columns)
        if (c.time) scan.time_column = Col(scan, {c.name.name});
      if (scan.time_column < 0)
        throw PlanError(fmt::format("source `{}` has no time column for --from/--to", src.name.name));
    }
    for (const std::string& d : lc.dims) {
      std::vector<std::string> path;
      if (!DimPath(src, d, &path))
        throw PlanError(fmt::format("source `{}` has no dimension `{}` (no column maps to it, directly or through a "
                                    "lookup), so metrics over it cannot be broken down by `{}`",
                                    src.name.name, d, d));
      plan_.scans[index].dim_columns.push_back(Col(plan_.scans[index], path));
    }
    RoleFilter(index);
    if (!lc.windowed) Touch(index);
    return index;
  }

  void Touch(int scan) {
    if (touched_ && std::find(touched_->begin(), touched_->end(), scan) == touched_->end()) touched_->push_back(scan);
  }

  int Col(Scan& scan, const std::vector<std::string>& path) {
    for (size_t i = 0; i < scan.columns.size(); ++i)
      if (scan.columns[i].path == path) return static_cast<int>(i);
    ScanColumn sc;
    sc.path = path;
    const ast::SourceDecl* cur = scan.decl;
    const ast::Column* col = nullptr;
    for (size_t i = 0; i < path.size(); ++i) {
      col = cur ? ColumnOf(*cur, path[i]) : nullptr;
      if (!col) throw PlanError(fmt::format("unknown column `{}`", fmt::join(path, ".")));
      sc.sources.push_back(ScopeOf(cur).SourceKey(cur));
      if (i + 1 < path.size()) cur = Referenced(*cur, *col);
    }
    const std::string& t = col->type.name.name;
    sc.type = t == "int"         ? VT::kInt
              : t == "float"     ? VT::kFloat
              : t == "decimal"   ? VT::kDecimal
              : t == "bool"      ? VT::kBool
              : t == "date"      ? VT::kDate
              : t == "timestamp" ? VT::kTimestamp
                                 : VT::kString;
    if (sc.type == VT::kDecimal) sc.scale = col->type.scale.value_or(2);
    scan.columns.push_back(sc);
    return static_cast<int>(scan.columns.size()) - 1;
  }

  /// A report's charts: `chart EXPR by GRAIN|DIM... as KIND`, each lowered
  /// at its own grain (the grain named in `by`, else all of the window) and
  /// dimensions.
  void Charts(const ast::ReportDecl& r) {
    Env env;
    env.pkg = ScopeOf(&r).package();
    for (const ast::ReportItem& it : r.items) {
      if (it.kind != ast::ReportItem::Kind::kChart || !it.expr) continue;
      Output o;
      o.formula = ast::DumpExpr(*it.expr);
      o.metric = it.expr->kind == ExprKind::kName ? it.expr->name.name : o.formula;
      o.chart = it.as ? it.as->name : "table";
      o.grain = Grain::kAll;
      for (const auto& b : it.by) {
        if (auto g = rt::ParseGrain(b.name)) {
          o.grain = *g;
        } else {
          o.by.push_back(b.name);
          const ast::DimensionDecl* dd = FindDimension(b.name);
          std::string t = dd && dd->type ? dd->type->name.name : "string";
          o.by_types.push_back(t == "int" ? VT::kInt : t == "date" ? VT::kDate : VT::kString);
        }
      }
      if (it.expr->kind == ExprKind::kName)
        if (auto mt = cat_.checked.metrics.find(it.expr->name.name); mt != cat_.checked.metrics.end()) {
          o.label = mt->second.decl->label.value_or("");
          o.percent = mt->second.percent;
          o.unit = mt->second.percent ? "percent" : mt->second.unit.ToString();
          o.additivity = AdditivityName(mt->second.additivity);
        }
      LCtx lc;
      lc.grain = o.grain;
      lc.dims = o.by;
      touched_ = &o.scans;
      o.root = M(*it.expr, env, lc);
      touched_ = nullptr;
      plan_.charts.push_back(std::move(o));
    }
  }

  void RoleFilter(int index) {
    if (role_name_.empty()) return;
    const ast::RoleDecl* role = &Find<ast::RoleDecl>(ast::DeclKind::kRole, role_name_, "role");
    for (const auto& p : role->params)
      if (!req_.params.count(p.name.name))
        throw PlanError(fmt::format("role `{}` needs --param {}=VALUE", role->name.name, p.name.name));
    Scan& scan = plan_.scans[index];
    for (const ast::RoleItem& item : role->items) {
      if (item.source.parts.empty() || item.source.parts.back().name != scan.decl->name.name) continue;
      if (item.all || !item.filter) return;
      Env env;
      env.pkg = ScopeOf(role).package();
      role_ = role;
      int f = Row(*item.filter, env, index);
      role_ = nullptr;
      plan_.scans[index].filter = Bool(index, f);
      return;
    }
    // Not mentioned: refused, so that a role never reads a source by omission.
    throw PlanError(fmt::format("role `{}` does not say which rows of source `{}` it may read; add `{} where ...` to "
                                "restrict it, or `{}: all` to allow every row",
                                role->name.name, scan.decl->name.name, scan.decl->name.name, scan.decl->name.name));
  }

  const ast::RoleDecl* role_ = nullptr;
  std::string role_name_;  ///< --role, else the report's role

  // ---- row expressions ------------------------------------------------------------

  int Node(int scan, RowNode n) {
    auto& nodes = plan_.scans[scan].nodes;
    nodes.push_back(std::move(n));
    return static_cast<int>(nodes.size()) - 1;
  }
  const RowNode& N(int scan, int i) { return plan_.scans[scan].nodes[i]; }

  int Const(int scan, VT t, int64_t i, double f = 0, std::string s = {}, int scale = 0) {
    RowNode n;
    n.op = RowNode::Op::kConst;
    n.type = t;
    n.i = i;
    n.f = f;
    n.s = std::move(s);
    n.scale = scale;
    return Node(scan, std::move(n));
  }

  int Bool(int scan, int node) {
    VT t = N(scan, node).type;
    if (t != VT::kBool && t != VT::kNull) throw PlanError("a filter must be a condition");
    return node;
  }

  static bool Numeric(VT t) { return t == VT::kInt || t == VT::kFloat || t == VT::kDecimal || t == VT::kBool; }

  int Cast(int scan, int node, VT to, int scale) {
    const RowNode& n = N(scan, node);
    if (n.type == to && (to != VT::kDecimal || n.scale == scale)) return node;
    if (n.type == VT::kNull) return node;
    RowNode c;
    c.op = to == VT::kFloat ? RowNode::Op::kToFloat : RowNode::Op::kRescale;
    c.type = to;
    c.scale = to == VT::kDecimal ? scale : 0;
    c.args = {node};
    return Node(scan, std::move(c));
  }

  /// Brings two numeric operands to a common type: float wins, then decimal
  /// (at the larger scale), then int. Bools count as 0/1 ints.
  void Promote(int scan, int* a, int* b) {
    VT ta = N(scan, *a).type, tb = N(scan, *b).type;
    if (ta == VT::kNull || tb == VT::kNull) return;
    if (ta == VT::kFloat || tb == VT::kFloat) {
      *a = Cast(scan, *a, VT::kFloat, 0);
      *b = Cast(scan, *b, VT::kFloat, 0);
    } else if (ta == VT::kDecimal || tb == VT::kDecimal) {
      int s = std::max(ta == VT::kDecimal ? N(scan, *a).scale : 0, tb == VT::kDecimal ? N(scan, *b).scale : 0);
      *a = Cast(scan, *a, VT::kDecimal, s);
      *b = Cast(scan, *b, VT::kDecimal, s);
    } else if (ta == VT::kBool || tb == VT::kBool) {
      if (ta == VT::kBool) *a = Cast(scan, *a, VT::kInt, 0);
      if (tb == VT::kBool) *b = Cast(scan, *b, VT::kInt, 0);
    }
  }

  int Binary(int scan, RowNode::Op op, int a, int b) {
    VT ta = N(scan, a).type, tb = N(scan, b).type;
    RowNode n;
    n.op = op;
    using O = RowNode::Op;
    switch (op) {
      case O::kAnd:
      case O::kOr:
        n.type = VT::kBool;
        break;
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe:
        if (Numeric(ta) && Numeric(tb) && !(ta == VT::kBool && tb == VT::kBool)) Promote(scan, &a, &b);
        n.type = VT::kBool;
        break;
      case O::kSub:
        if ((ta == VT::kDate && tb == VT::kDate) || (ta == VT::kTimestamp && tb == VT::kTimestamp)) {
          // Date differences are days (int); timestamp differences hours (float).
          n.type = ta == VT::kDate ? VT::kInt : VT::kFloat;
          break;
        }
        [[fallthrough]];
      case O::kAdd:
      case O::kMul:
      case O::kDiv: {
        if (!Numeric(ta) && ta != VT::kNull) throw PlanError(fmt::format("cannot do arithmetic on a {}", VTName(ta)));
        if (!Numeric(tb) && tb != VT::kNull) throw PlanError(fmt::format("cannot do arithmetic on a {}", VTName(tb)));
        if (op == O::kDiv) {
          a = Cast(scan, a, VT::kFloat, 0);
          b = Cast(scan, b, VT::kFloat, 0);
          n.type = VT::kFloat;
          break;
        }
        if (op == O::kMul) {
          if (ta == VT::kBool) a = Cast(scan, a, VT::kInt, 0);
          if (tb == VT::kBool) b = Cast(scan, b, VT::kInt, 0);
          ta = N(scan, a).type, tb = N(scan, b).type;
          if (ta == VT::kFloat || tb == VT::kFloat) {
            a = Cast(scan, a, VT::kFloat, 0);
            b = Cast(scan, b, VT::kFloat, 0);
            n.type = VT::kFloat;
          } else if (ta == VT::kDecimal || tb == VT::kDecimal) {
            n.type = VT::kDecimal;
            n.scale = (ta == VT::kDecimal ? N(scan, a).scale : 0) + (tb == VT::kDecimal ? N(scan, b).scale : 0);
            if (n.scale > rt::kMaxScale) throw PlanError("a product of decimals needs more than 18 decimal places");
          } else {
            n.type = ta == VT::kNull ? tb : ta;
          }
          break;
        }
        Promote(scan, &a, &b);
        n.type = N(scan, a).type == VT::kNull ? N(scan, b).type : N(scan, a).type;
        n.scale = std::max(N(scan, a).scale, N(scan, b).scale);
        break;
      }
      default:
        break;
    }
    n.args = {a, b};
    return Node(scan, std::move(n));
  }

  const ast::SourceDecl* SourceOfRow(const Expr& e, const Env& env) {
    if (e.kind == ExprKind::kName || e.kind == ExprKind::kMember) {
      std::vector<const ast::Ident*> path;
      if (Scope::FlattenPath(e, &path)) {
        if (auto it = env.locals.find(path[0]->name); it != env.locals.end() && path.size() == 1)
          return SourceOfRow(*it->second.first, *it->second.second);
        size_t next = 0;
        Scope sc(cat_, env.pkg);
        const ast::Decl* d = sc.ResolvePath(path, &next);
        if (d && d->kind == ast::DeclKind::kSource) return static_cast<const ast::SourceDecl*>(d);
        return nullptr;
      }
    }
    if (e.kind == ExprKind::kCall && e.lhs) {
      std::vector<const ast::Ident*> path;
      Scope sc(cat_, env.pkg);
      if (Scope::FlattenPath(*e.lhs, &path) && !(path.size() == 1 && builtins::FindFunction(path[0]->name))) {
        size_t next = 0;
        const ast::Decl* d = sc.ResolvePath(path, &next);
        if (d && d->kind == ast::DeclKind::kFn) {
          const auto& fn = static_cast<const ast::FnDecl&>(*d);
          Env inner = Bind(fn, e, env);
          return fn.body ? SourceOfRow(*fn.body, inner) : nullptr;
        }
      }
    }
    for (const Expr* c : {e.lhs.get(), e.rhs.get()})
      if (c)
        if (auto* s = SourceOfRow(*c, env)) return s;
    for (const auto& a : e.args)
      if (a.value)
        if (auto* s = SourceOfRow(*a.value, env)) return s;
    return nullptr;
  }


  Env Bind(const ast::FnDecl& fn, const Expr& call, const Env& env) {
    Env inner;
    inner.pkg = ScopeOf(&fn).package();
    for (size_t i = 0; i < fn.params.size() && i < call.args.size(); ++i)
      inner.locals[fn.params[i].name.name] = {call.args[i].value.get(), &env};
    return inner;
  }

  /// Lowers a row expression over the scan's source.
  int Row(const Expr& e, const Env& env, int scan) {
    using O = RowNode::Op;
    switch (e.kind) {
      case ExprKind::kParen:
        return Row(*e.lhs, env, scan);
      case ExprKind::kNumber: {
        if (auto v = ExactLiteral(e.text)) {
          if (v->second == 0) return Const(scan, VT::kInt, static_cast<int64_t>(v->first));
          return Const(scan, VT::kDecimal, static_cast<int64_t>(v->first), 0, {}, v->second);
        }
        return Const(scan, VT::kFloat, 0, std::strtod(e.text.c_str(), nullptr));
      }
      case ExprKind::kPercent: {
        auto v = ExactLiteral(e.text);
        if (!v || v->second + 2 > rt::kMaxScale) return Const(scan, VT::kFloat, 0, std::strtod(e.text.c_str(), nullptr) / 100);
        return Const(scan, VT::kDecimal, static_cast<int64_t>(v->first), 0, {}, v->second + 2);
      }
      case ExprKind::kString:
        return Const(scan, VT::kString, 0, 0, e.text);
      case ExprKind::kBool:
        return Const(scan, VT::kBool, e.bool_value ? 1 : 0);
      case ExprKind::kNull:
        return Const(scan, VT::kNull, 0);
      case ExprKind::kDate: {
        auto d = rt::ParseDate(e.text, rt::DateFormat{});
        return Const(scan, VT::kDate, d.value_or(0));
      }
      case ExprKind::kTimestamp: {
        auto t = rt::ParseTimestamp(e.text, 0);
        return Const(scan, VT::kTimestamp, t.value_or(0));
      }
      case ExprKind::kName:
      case ExprKind::kMember: {
        std::vector<const ast::Ident*> path;
        if (!Scope::FlattenPath(e, &path)) throw PlanError("unsupported expression in a row");
        if (auto it = env.locals.find(path[0]->name); it != env.locals.end()) {
          if (path.size() != 1) throw PlanError("unsupported member of a function parameter");
          return Row(*it->second.first, *it->second.second, scan);
        }
        if (role_ && path.size() == 1) {
          for (const auto& p : role_->params)
            if (p.name.name == path[0]->name) return RoleParam(scan, p);
        }
        size_t next = 0;
        Scope sc(cat_, env.pkg);
        const ast::Decl* d = sc.ResolvePath(path, &next);
        if (!d || d->kind != ast::DeclKind::kSource) throw PlanError(fmt::format("`{}` is not a column", DumpName(path)));
        if (d != plan_.scans[scan].decl)
          throw PlanError(fmt::format("`{}` reads source `{}` inside an aggregate of `{}`", DumpName(path), d->name.name,
                                      plan_.scans[scan].decl->name.name));
        std::vector<std::string> cols;
        for (size_t i = next; i < path.size(); ++i) cols.push_back(path[i]->name);
        if (cols.empty()) throw PlanError(fmt::format("source `{}` used as a value", d->name.name));
        RowNode n;
        n.op = O::kColumn;
        n.column = Col(plan_.scans[scan], cols);
        n.type = plan_.scans[scan].columns[n.column].type;
        n.scale = plan_.scans[scan].columns[n.column].scale;
        return Node(scan, std::move(n));
      }
      case ExprKind::kUnary: {
        int a = Row(*e.lhs, env, scan);
        RowNode n;
        n.op = e.uop == ast::UnaryOp::kNot ? O::kNot : O::kNeg;
        if (n.op == O::kNeg && N(scan, a).type == VT::kBool) a = Cast(scan, a, VT::kInt, 0);
        n.type = n.op == O::kNot ? VT::kBool : N(scan, a).type;
        n.scale = N(scan, a).scale;
        n.args = {a};
        return Node(scan, std::move(n));
      }
      case ExprKind::kBinary: {
        int a = Row(*e.lhs, env, scan);
        int b = Row(*e.rhs, env, scan);
        static const O kOps[] = {O::kAdd, O::kSub, O::kMul, O::kDiv, O::kEq, O::kNe,
                                 O::kLt,  O::kLe,  O::kGt,  O::kGe,  O::kAnd, O::kOr};
        return Binary(scan, kOps[static_cast<int>(e.bop)], a, b);
      }
      case ExprKind::kIsNull: {
        RowNode n;
        n.op = e.negated ? O::kIsNotNull : O::kIsNull;
        n.type = VT::kBool;
        n.args = {Row(*e.lhs, env, scan)};
        return Node(scan, std::move(n));
      }
      case ExprKind::kIn: {
        RowNode n;
        n.op = O::kIn;
        n.type = VT::kBool;
        n.negated = e.negated;
        int l = Row(*e.lhs, env, scan);
        n.args.push_back(l);
        for (const auto& item : e.items) {
          int r = Row(*item, env, scan);
          if (N(scan, r).op != O::kConst) throw PlanError("the list after `in` must hold literal values");
          int ll = l;
          if (Numeric(N(scan, l).type) && Numeric(N(scan, r).type)) {
            Promote(scan, &ll, &r);
            if (ll != l) throw PlanError("`in` lists must have the type of the value tested");
          }
          n.args.push_back(r);
        }
        return Node(scan, std::move(n));
      }
      case ExprKind::kWhere: {
        // `x where c` inside an aggregate is handled by the aggregate; as a
        // plain row value it means `if(c, x, null)`.
        int c = Bool(scan, Row(*e.rhs, env, scan));
        int x = Row(*e.lhs, env, scan);
        RowNode n;
        n.op = O::kIf;
        n.type = N(scan, x).type;
        n.scale = N(scan, x).scale;
        n.args = {c, x, Const(scan, VT::kNull, 0)};
        return Node(scan, std::move(n));
      }
      case ExprKind::kCall:
        return RowCall(e, env, scan);
    }
    throw PlanError("unsupported row expression");
  }

  int RoleParam(int scan, const ast::Param& p) {
    const std::string& v = req_.params.at(p.name.name);
    std::string t = p.type ? p.type->name.name : "string";
    if (t == "int") {
      char* end = nullptr;
      long long x = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end) throw PlanError(fmt::format("--param {}={}: not an int", p.name.name, v));
      return Const(scan, VT::kInt, x);
    }
    if (t == "decimal") {
      int scale = p.type->scale.value_or(2);
      auto d = rt::ParseDecimal(v, scale);
      if (!d) throw PlanError(fmt::format("--param {}={}: not a decimal({})", p.name.name, v, scale));
      return Const(scan, VT::kDecimal, *d, 0, {}, scale);
    }
    if (t == "date") {
      auto d = rt::ParseDate(v, rt::DateFormat{});
      if (!d) throw PlanError(fmt::format("--param {}={}: not a date (YYYY-MM-DD)", p.name.name, v));
      return Const(scan, VT::kDate, *d);
    }
    if (t == "bool") {
      if (v != "true" && v != "false") throw PlanError(fmt::format("--param {}={}: not true or false", p.name.name, v));
      return Const(scan, VT::kBool, v == "true");
    }
    return Const(scan, VT::kString, 0, 0, v);
  }

  static std::string DumpName(const std::vector<const ast::Ident*>& path) {
    std::string s;
    for (auto* p : path) s += (s.empty() ? "" : ".") + p->name;
    return s;
  }

  int RowCall(const Expr& e, const Env& env, int scan) {
    using O = RowNode::Op;
    std::vector<const ast::Ident*> path;
    if (!e.lhs || !Scope::FlattenPath(*e.lhs, &path)) throw PlanError("unsupported call in a row expression");
    std::string name = path.size() == 1 ? path[0]->name : "";
    if (path.size() == 1 && !env.pkg->decls.count(name)) {
      if (name == "if") {
        int c = Bool(scan, Row(*e.args[0].value, env, scan));
        int a = Row(*e.args[1].value, env, scan), b = Row(*e.args[2].value, env, scan);
        if (Numeric(N(scan, a).type) && Numeric(N(scan, b).type)) Promote(scan, &a, &b);
        RowNode n;
        n.op = O::kIf;
        n.type = N(scan, a).type == VT::kNull ? N(scan, b).type : N(scan, a).type;
        n.scale = std::max(N(scan, a).scale, N(scan, b).scale);
        n.args = {c, a, b};
        return Node(scan, std::move(n));
      }
      if (name == "coalesce") {
        std::vector<int> args;
        for (const auto& a : e.args) args.push_back(Row(*a.value, env, scan));
        // Promote all to the widest numeric type.
        for (size_t i = 1; i < args.size(); ++i)
          if (Numeric(N(scan, args[0]).type) && Numeric(N(scan, args[i]).type)) Promote(scan, &args[0], &args[i]);
        for (size_t i = 1; i < args.size(); ++i)
          if (Numeric(N(scan, args[0]).type) && Numeric(N(scan, args[i]).type)) Promote(scan, &args[0], &args[i]);
        RowNode n;
        n.op = O::kCoalesce;
        n.type = VT::kNull;
        for (int a : args)
          if (N(scan, a).type != VT::kNull) n.type = N(scan, a).type, n.scale = N(scan, a).scale;
        n.args = args;
        return Node(scan, std::move(n));
      }
      if (name == "year" || name == "quarter" || name == "month" || name == "week" || name == "day" ||
          name == "weekday" || name == "hour" || name == "date") {
        RowNode n;
        n.op = O::kDatePart;
        n.part = name;
        n.type = name == "date" ? VT::kDate : VT::kInt;
        n.args = {Row(*e.args[0].value, env, scan)};
        return Node(scan, std::move(n));
      }
      if (name == "abs") {
        int a = Row(*e.args[0].value, env, scan);
        if (N(scan, a).type == VT::kBool) a = Cast(scan, a, VT::kInt, 0);
        RowNode n;
        n.op = O::kAbs;
        n.type = N(scan, a).type;
        n.scale = N(scan, a).scale;
        n.args = {a};
        return Node(scan, std::move(n));
      }
    }
    Scope sc(cat_, env.pkg);
    size_t next = 0;
    const ast::Decl* d = sc.ResolvePath(path, &next);
    if (d && d->kind == ast::DeclKind::kFn && next == path.size()) {
      const auto& fn = static_cast<const ast::FnDecl&>(*d);
      Env inner = Bind(fn, e, env);
      return Row(*fn.body, inner, scan);
    }
    throw PlanError(fmt::format("`{}` cannot be evaluated per row", DumpName(path)));
  }

  // ---- aggregates --------------------------------------------------------------

  int Aggregate(const std::string& fn, const Expr& call, const Env& env, const LCtx& lc) {
    using F = AggSpec::Fn;
    const Expr* arg = call.args.empty() ? nullptr : call.args[0].value.get();
    const Expr* value = arg;
    const Expr* filter = nullptr;
    while (value && value->kind == ExprKind::kParen) value = value->lhs.get();
    if (value && value->kind == ExprKind::kWhere) {
      filter = value->rhs.get();
      value = value->lhs.get();
    }
    const ast::SourceDecl* src = value ? SourceOfRow(*value, env) : nullptr;
    if (!src && filter) src = SourceOfRow(*filter, env);
    if (!src) throw PlanError(fmt::format("`{}` reads no source", fn));
    // A sum of a balance (`rollup last` ...) is summed per day across
    // dimensions, then rolled up over time by the column's rule.
    std::string rollup = fn == "sum" && value ? RollupOf(*value, env) : "";
    if (!rollup.empty() && lc.grain != Grain::kDay) {
      LCtx daily = lc;
      daily.grain = Grain::kDay;
      if (lc.grain == Grain::kAll) daily.windowed = lc.windowed;
      MNode r;
      r.op = MNode::Op::kRollup;
      r.fn = rollup;
      r.args = {Aggregate(fn, call, env, daily)};
      return MAdd(std::move(r));
    }
    int scan = ScanFor(*src, lc);
    AggSpec a;
    bool rows = false;
    if (value && (value->kind == ExprKind::kName || value->kind == ExprKind::kMember)) {
      std::vector<const ast::Ident*> path;
      Scope sc(cat_, env.pkg);
      size_t next = 0;
      if (Scope::FlattenPath(*value, &path) && !env.locals.count(path[0]->name)) {
        const ast::Decl* d = sc.ResolvePath(path, &next);
        rows = d == src && next == path.size();
      }
    }
    a.fn = fn == "sum"              ? F::kSum
           : fn == "count"          ? (rows ? F::kCountRows : F::kCount)
           : fn == "count_distinct" ? F::kCountDistinct
           : fn == "avg"            ? F::kAvg
           : fn == "min"            ? F::kMin
           : fn == "max"            ? F::kMax
           : fn == "median"         ? F::kMedian
                                    : F::kPercentile;
    if (!rows) {
      a.arg = Row(*value, env, scan);
      VT t = N(scan, a.arg).type;
      if (a.fn != F::kCount && a.fn != F::kCountDistinct && !Numeric(t) &&
          !((a.fn == F::kMin || a.fn == F::kMax) && (t == VT::kDate || t == VT::kTimestamp)))
        throw PlanError(fmt::format("`{}` needs numbers, not {}", fn, VTName(t)));
      if (t == VT::kBool && a.fn != F::kCount && a.fn != F::kCountDistinct) a.arg = Cast(scan, a.arg, VT::kInt, 0);
      if (a.fn == F::kCountDistinct && t == VT::kString && N(scan, a.arg).op != RowNode::Op::kColumn)
        throw PlanError("`count_distinct` of a computed string is not supported yet; count a column");
    }
    if (a.fn == F::kPercentile) {
      const Expr* p = call.args.size() > 1 ? call.args[1].value.get() : nullptr;
      a.p = p ? std::strtod(p->text.c_str(), nullptr) / (p->kind == ExprKind::kPercent ? 100.0 : 1.0) : 0.5;
      if (!(a.p >= 0 && a.p <= 1)) throw PlanError("percentile needs p between 0 and 1");
    }
    std::vector<int> conds;
    if (filter) conds.push_back(Bool(scan, Row(*filter, env, scan)));
    for (const auto& [f, fenv] : lc.filters) {
      if (SourceOfRow(*f, *fenv) != src) continue;  // the filter reads another source's aggregates
      conds.push_back(Bool(scan, Row(*f, *fenv, scan)));
    }
    for (int c : conds) a.filter = a.filter < 0 ? c : Binary(scan, RowNode::Op::kAnd, a.filter, c);
    a.text = fmt::format("{}({}{}{})", AggFnName(a.fn), a.arg >= 0 ? DumpRow(plan_.scans[scan], a.arg) : "*",
                         a.filter >= 0 ? " where " + DumpRow(plan_.scans[scan], a.filter) : "",
                         a.fn == F::kPercentile ? fmt::format(", {}", a.p) : "");
    auto& aggs = plan_.scans[scan].aggs;
    int slot = -1;
    for (size_t i = 0; i < aggs.size(); ++i)
      if (aggs[i].text == a.text) slot = static_cast<int>(i);
    if (slot < 0) {
      aggs.push_back(a);
      slot = static_cast<int>(aggs.size()) - 1;
    }
    MNode m;
    m.op = MNode::Op::kAgg;
    m.scan = scan;
    m.agg = slot;
    return MAdd(std::move(m));
  }

  /// The `rollup` rule of a balance column read by a row expression, or "".
  std::string RollupOf(const Expr& e, const Env& env) {
    if (e.kind == ExprKind::kName || e.kind == ExprKind::kMember) {
      std::vector<const ast::Ident*> path;
      if (Scope::FlattenPath(e, &path)) {
        if (auto it = env.locals.find(path[0]->name); it != env.locals.end() && path.size() == 1)
          return RollupOf(*it->second.first, *it->second.second);
        Scope sc(cat_, env.pkg);
        size_t next = 0;
        const ast::Decl* d = sc.ResolvePath(path, &next);
        if (d && d->kind == ast::DeclKind::kSource && next + 1 == path.size())
          if (const ast::Column* c = ColumnOf(static_cast<const ast::SourceDecl&>(*d), path.back()->name))
            if (c->rollup) return c->rollup->name;
        return "";
      }
    }
    for (const Expr* c : {e.lhs.get(), e.rhs.get()})
      if (c)
        if (auto r = RollupOf(*c, env); !r.empty()) return r;
    for (const auto& a : e.args)
      if (a.value)
        if (auto r = RollupOf(*a.value, env); !r.empty()) return r;
    return "";
  }

  // ---- metric expressions ----------------------------------------------------------

  int MAdd(MNode n) {
    plan_.mnodes.push_back(std::move(n));
    return static_cast<int>(plan_.mnodes.size()) - 1;
  }
  int MOp(MNode::Op op, std::vector<int> args) {
    MNode n;
    n.op = op;
    n.args = std::move(args);
    return MAdd(std::move(n));
  }
  int MConst(__int128 v, int scale) {
    MNode n;
    n.op = MNode::Op::kConst;
    n.i = v;
    n.scale = scale;
    return MAdd(std::move(n));
  }

  /// Shift by one period of `g` (previous: the current grain; last_year: year).
  int Shift(int a, Grain g) {
    MNode n;
    n.op = MNode::Op::kShift;
    n.grain = g;
    n.args = {a};
    return MAdd(std::move(n));
  }

  int Growth(const Expr& m, const Expr* period, const Env& env, const LCtx& lc) {
    int now = M(m, env, lc);
    LCtx w = lc;
    w.windowed = true;
    int before = Shift(M(m, env, w), PeriodGrain(period, lc));
    return MOp(MNode::Op::kSub, {MOp(MNode::Op::kDiv, {now, before}), MConst(1, 0)});
  }

  Grain PeriodGrain(const Expr* period, const LCtx& lc) {
    if (!period) return lc.grain;
    std::string p = period->kind == ExprKind::kName ? period->name.name : period->text;
    if (p == "previous") return lc.grain;
    if (p == "last_year") return Grain::kYear;
    if (auto g = rt::ParseGrain(p)) {
      if (Rank(*g) < Rank(lc.grain) && lc.grain != Grain::kAll)
        throw PlanError(fmt::format("a change over a {} needs a grain of {} or finer", p, p));
      return *g;
    }
    throw PlanError(fmt::format("unknown period `{}`", p));
  }

  int M(const Expr& e, const Env& env, const LCtx& lc) {
    using O = MNode::Op;
    switch (e.kind) {
      case ExprKind::kParen:
        return M(*e.lhs, env, lc);
      case ExprKind::kNumber: {
        if (auto v = ExactLiteral(e.text)) return MConst(v->first, v->second);
        MNode n;
        n.op = O::kConst;
        n.is_float = true;
        n.f = std::strtod(e.text.c_str(), nullptr);
        return MAdd(std::move(n));
      }
      case ExprKind::kPercent: {
        auto v = ExactLiteral(e.text);
        if (v) return MConst(v->first, v->second + 2);
        MNode n;
        n.op = O::kConst;
        n.is_float = true;
        n.f = std::strtod(e.text.c_str(), nullptr) / 100;
        return MAdd(std::move(n));
      }
      case ExprKind::kNull:
        return MOp(O::kNull, {});
      case ExprKind::kWhere: {
        LCtx inner = lc;
        inner.filters.push_back({e.rhs.get(), &env});
        return M(*e.lhs, env, inner);
      }
      case ExprKind::kUnary:
        return MOp(e.uop == ast::UnaryOp::kNot ? O::kNot : O::kNeg, {M(*e.lhs, env, lc)});
      case ExprKind::kBinary: {
        static const O kOps[] = {O::kAdd, O::kSub, O::kMul, O::kDiv, O::kEq, O::kNe,
                                 O::kLt,  O::kLe,  O::kGt,  O::kGe,  O::kAnd, O::kOr};
        return MOp(kOps[static_cast<int>(e.bop)], {M(*e.lhs, env, lc), M(*e.rhs, env, lc)});
      }
      case ExprKind::kName:
      case ExprKind::kMember: {
        std::vector<const ast::Ident*> path;
        if (!Scope::FlattenPath(e, &path)) {
          // (expr).previous
          return Member(*e.lhs, e.name.name, env, lc);
        }
        if (auto it = env.locals.find(path[0]->name); it != env.locals.end()) {
          if (path.size() == 1) return M(*it->second.first, *it->second.second, lc);
          if (path.size() == 2) return Member(*e.lhs, e.name.name, env, lc);
        }
        Scope sc(cat_, env.pkg);
        size_t next = 0;
        const ast::Decl* d = sc.ResolvePath(path, &next);
        if (d && d->kind == ast::DeclKind::kMetric) {
          if (next == path.size()) return MetricRef(static_cast<const ast::MetricDecl&>(*d), lc);
          if (next + 1 == path.size()) return Member(*e.lhs, e.name.name, env, lc);
        }
        throw PlanError(fmt::format("`{}` is not a metric", DumpName(path)));
      }
      case ExprKind::kCall:
        return MCall(e, env, lc);
      default:
        break;
    }
    throw PlanError(fmt::format("`{}` cannot be evaluated as a metric", ast::DumpExpr(e)));
  }

  int Member(const Expr& base, const std::string& member, const Env& env, const LCtx& lc) {
    LCtx w = lc;
    w.windowed = true;
    if (member == "previous") return Shift(M(base, env, w), lc.grain);
    if (member == "last_year") return Shift(M(base, env, w), Grain::kYear);
    throw PlanError(fmt::format("`.{}` is not supported by the engine yet", member));
  }

  int MetricRef(const ast::MetricDecl& m, const LCtx& lc) {
    Env env;
    env.pkg = ScopeOf(&m).package();
    return M(*m.expr, env, lc);
  }

  int MCall(const Expr& e, const Env& env, const LCtx& lc) {
    using O = MNode::Op;
    const Expr* callee = e.lhs.get();
    std::vector<const ast::Ident*> path;
    bool flat = Scope::FlattenPath(*callee, &path);
    if (callee->kind == ExprKind::kName && !env.locals.count(callee->name.name) &&
        !env.pkg->decls.count(callee->name.name)) {
      const std::string& n = callee->name.name;
      if (n == "sum" || n == "count" || n == "count_distinct" || n == "avg" || n == "min" || n == "max" ||
          n == "median" || n == "percentile")
        return Aggregate(n, e, env, lc);
      if (n == "growth") return Growth(*e.args[0].value, e.args.size() > 1 ? e.args[1].value.get() : nullptr, env, lc);
      if (n == "share") {
        MNode s;
        s.op = O::kShare;
        s.args = {M(*e.args[0].value, env, lc)};
        return MAdd(std::move(s));
      }
      if (n == "abs") return MOp(O::kAbs, {M(*e.args[0].value, env, lc)});
      if (n == "round") {
        MNode r;
        r.op = O::kRound;
        r.args = {M(*e.args[0].value, env, lc)};
        r.count = e.args.size() > 1 ? std::atoi(e.args[1].value->text.c_str()) : 0;
        return MAdd(std::move(r));
      }
      if (n == "if") return MOp(O::kIf, {M(*e.args[0].value, env, lc), M(*e.args[1].value, env, lc),
                                         M(*e.args[2].value, env, lc)});
      if (n == "coalesce") {
        std::vector<int> args;
        for (const auto& a : e.args) args.push_back(M(*a.value, env, lc));
        return MOp(O::kCoalesce, args);
      }
      if (n == "convert") throw PlanError("`convert` is not supported by the engine yet");
    }
    // Methods: m.change(month), m.to_date(year), m.rolling(3 months), m.avg(day).
    if (callee->kind == ExprKind::kMember && callee->lhs) {
      const std::string& method = callee->name.name;
      const Expr& base = *callee->lhs;
      bool is_fn = false;
      if (flat) {
        Scope sc(cat_, env.pkg);
        size_t next = 0;
        const ast::Decl* d = sc.ResolvePath(path, &next);
        is_fn = d && d->kind == ast::DeclKind::kFn && next == path.size();
      }
      if (!is_fn) {
        const Expr* arg = e.args.empty() ? nullptr : e.args[0].value.get();
        if (method == "change" || method == "growth") return Growth(base, arg, env, lc);
        if (method == "to_date") {
          Grain g = arg ? rt::ParseGrain(arg->name.name).value_or(Grain::kYear) : Grain::kYear;
          LCtx w = lc;
          w.windowed = true;
          MNode t;
          t.op = O::kToDate;
          t.grain = g;
          t.args = {M(base, env, w)};
          return MAdd(std::move(t));
        }
        if (method == "rolling") return Rolling(base, arg, env, lc);
        if (method == "zscore") {
          auto n = arg && arg->kind == ExprKind::kNumber ? ExactLiteral(arg->text) : std::nullopt;
          if (!n || n->second != 0 || n->first < 2 || n->first > 1000)
            throw PlanError("`zscore(N)` needs a whole number of periods N from 2 to 1000");
          LCtx w = lc;
          w.windowed = true;
          MNode z;
          z.op = MNode::Op::kZScore;
          z.count = static_cast<int64_t>(n->first);
          z.args = {M(base, env, w)};
          return MAdd(std::move(z));
        }
        if (method == "sum" || method == "avg" || method == "min" || method == "max" || method == "last") {
          Grain g = arg ? rt::ParseGrain(arg->name.name).value_or(Grain::kDay) : Grain::kDay;
          if (lc.grain != Grain::kAll && !rt::Nests(g, lc.grain))
            throw PlanError(fmt::format("`.{}({})` needs a grain coarser than {} (got --grain {})", method,
                                        rt::GrainName(g), rt::GrainName(g), rt::GrainName(lc.grain)));
          LCtx inner = lc;
          inner.grain = g;
          if (lc.grain == Grain::kAll) inner.windowed = true;
          MNode r;
          r.op = O::kReagg;
          r.fn = method;
          r.grain = g;
          r.args = {M(base, env, inner)};
          return MAdd(std::move(r));
        }
      }
    }
    if (flat) {
      Scope sc(cat_, env.pkg);
      size_t next = 0;
      const ast::Decl* d = sc.ResolvePath(path, &next);
      if (d && d->kind == ast::DeclKind::kFn && next == path.size()) {
        const auto& fn = static_cast<const ast::FnDecl&>(*d);
        Env inner = Bind(fn, e, env);
        return M(*fn.body, inner, lc);
      }
    }
    throw PlanError(fmt::format("`{}` cannot be evaluated as a metric", ast::DumpExpr(e)));
  }

  int Rolling(const Expr& base, const Expr* arg, const Env& env, const LCtx& lc) {
    if (!arg || !arg->unit) throw PlanError("`rolling` needs a duration such as `3 months`");
    int64_t n = std::atoll(arg->text.c_str());
    std::string unit = arg->unit->name;
    if (!unit.empty() && unit.back() == 's') unit.pop_back();
    auto g = rt::ParseGrain(unit);
    if (!g || *g == Grain::kAll || n < 1) throw PlanError(fmt::format("cannot roll over `{} {}`", arg->text, arg->unit->name));
    Grain cur = lc.grain;
    LCtx w = lc;
    w.windowed = true;
    auto months = [](Grain x) { return x == Grain::kMonth ? 1 : x == Grain::kQuarter ? 3 : x == Grain::kYear ? 12 : 0; };
    MNode r;
    r.op = MNode::Op::kRolling;
    if (cur == *g || cur == Grain::kAll) {
      r.grain = *g;
      r.count = n;
      w.grain = cur == Grain::kAll ? *g : cur;
    } else if (months(cur) && months(*g) && months(*g) % months(cur) == 0) {
      r.grain = cur;
      r.count = n * months(*g) / months(cur);
    } else if (cur == Grain::kDay && *g == Grain::kWeek) {
      r.grain = Grain::kDay;
      r.count = n * 7;
    } else if (rt::Nests(*g, cur)) {
      r.grain = *g;  // finer than the grain: evaluate the window at the finer grain
      r.count = n;
      w.grain = *g;
    } else {
      throw PlanError(fmt::format("`rolling({} {})` does not fit --grain {}", arg->text, arg->unit->name,
                                  rt::GrainName(cur)));
    }
    r.args = {M(base, env, w)};
    return MAdd(std::move(r));
  }

  // ---- outputs -------------------------------------------------------------------

  void Metric(const std::string& name) {
    auto home = cat_.metric_home.find(name);
    if (home == cat_.metric_home.end()) {
      std::vector<std::string> cands;
      for (const auto& [n, h] : cat_.metric_home) cands.push_back(n);
      auto s = Suggest(name, cands);
      throw PlanError(fmt::format("unknown metric `{}` in --metric{}", name,
                                  s ? fmt::format("; did you mean `{}`?", *s) : std::string()));
    }
    const auto& mt = cat_.checked.metrics.at(name);
    for (const std::string& d : req_.by)
      if (!mt.dimensions.count(d)) {
        std::string lacking;
        Scope sc(cat_, nullptr);
        for (const std::string& s : mt.sources) {
          std::vector<std::string> p;
          const ast::SourceDecl* src = sc.SourceByKey(s);
          if (src && !DimPath(*src, d, &p)) lacking = src->name.name;
        }
        throw PlanError(fmt::format("metric `{}` cannot be broken down by `{}`: source `{}` has no `{}`", name, d,
                                    lacking, d));
      }
    Output o;
    o.metric = name;
    o.label = mt.decl->label.value_or("");
    o.unit = mt.percent ? "percent" : mt.unit.ToString();
    o.percent = mt.percent;
    o.additivity = AdditivityName(mt.additivity);
    LCtx lc;
    lc.grain = plan_.grain;
    lc.dims = req_.by;
    o.grain = plan_.grain;
    o.by = req_.by;
    o.by_types = plan_.by_types;
    touched_ = &o.scans;
    o.root = MetricRef(*mt.decl, lc);
    touched_ = nullptr;
    plan_.outputs.push_back(std::move(o));
  }

  /// Flattens `a + b - c` or `a * b / c` into terms.
  static void Terms(const Expr& e, ast::BinaryOp plus, ast::BinaryOp minus, int sign,
                    std::vector<std::pair<const Expr*, int>>* out) {
    const Expr* x = &e;
    while (x->kind == ExprKind::kParen) x = x->lhs.get();
    if (x->kind == ExprKind::kBinary && (x->bop == plus || x->bop == minus)) {
      Terms(*x->lhs, plus, minus, sign, out);
      Terms(*x->rhs, plus, minus, x->bop == minus ? -sign : sign, out);
      return;
    }
    out->push_back({x, sign});
  }

  void Decompose(GoalPlan& gp, const ast::GoalItem& it, const Env& env, const LCtx& lc) {
    GoalPlan::Decomposition d;
    d.name = it.name->name;
    d.formula = ast::DumpExpr(*it.expr);
    Expr name;
    name.kind = ExprKind::kName;
    name.name = *it.name;
    d.value = M(name, env, lc);
    d.rhs = M(*it.expr, env, lc);
    const Expr* top = it.expr.get();
    while (top->kind == ExprKind::kParen) top = top->lhs.get();
    std::vector<std::pair<const Expr*, int>> terms;
    if (top->kind == ExprKind::kBinary && (top->bop == BinaryOp::kAdd || top->bop == BinaryOp::kSub)) {
      d.kind = GoalPlan::Decomposition::Kind::kAdditive;
      Terms(*top, BinaryOp::kAdd, BinaryOp::kSub, 1, &terms);
    } else if (top->kind == ExprKind::kBinary && (top->bop == BinaryOp::kMul || top->bop == BinaryOp::kDiv)) {
      d.kind = GoalPlan::Decomposition::Kind::kMultiplicative;
      Terms(*top, BinaryOp::kMul, BinaryOp::kDiv, 1, &terms);
    }
    for (const auto& [e, sign] : terms) d.terms.push_back({ast::DumpExpr(*e), M(*e, env, lc), sign});
    gp.decompositions.push_back(std::move(d));
  }

  void Goal(const ast::GoalDecl& g) {
    GoalPlan gp;
    gp.name = g.name.name;
    gp.label = g.label.value_or("");
    Env env;
    env.pkg = ScopeOf(&g).package();
    const Expr* metric = nullptr;
    const Expr* target = nullptr;
    for (const auto& it : g.items) {
      using K = ast::GoalItem::Kind;
      if (it.kind == K::kMetric) metric = it.expr.get();
      if (it.kind == K::kTarget) target = it.expr.get();
      if (it.kind == K::kAttr && it.attr.key.name == "owner" && !it.attr.values.empty()) gp.owner = it.attr.values[0].text;
      if (it.kind == K::kSetting && it.attr.key.name == "phasing" && !it.attr.values.empty())
        gp.phasing = it.attr.values[0].text;
      if (it.kind == K::kSetting && it.attr.key.name == "at_risk" && !it.attr.values.empty()) {
        double v = std::strtod(it.attr.values[0].text.c_str(), nullptr);
        gp.at_risk = it.attr.values[0].kind == ast::AttrValue::Kind::kPercent ? v / 100 : v;
      }
      if (it.kind == K::kGrain && it.name) gp.grain = rt::ParseGrain(it.name->name).value_or(gp.grain);
      if (it.kind == K::kPeriod) {
        if (it.name) gp.grain = rt::ParseGrain(it.name->name).value_or(gp.grain);
        if (!it.period_end.empty()) {
          gp.from_day = rt::ParseDate(it.text, rt::DateFormat{}).value_or(0);
          gp.to_day = rt::ParseDate(it.period_end, rt::DateFormat{}).value_or(0);
        } else if (it.text.size() == 4) {
          int y = std::atoi(it.text.c_str());
          // A year is the fiscal year named by it (the calendar year when fiscal years start in January).
          int64_t o = plan_.fiscal_start == 1 ? y : y - 1;
          gp.from_day = rt::PeriodStart(Grain::kYear, o, plan_.calendar);
          gp.to_day = rt::PeriodEnd(Grain::kYear, o, plan_.calendar);
        } else if (auto d = rt::ParseDate(it.text, rt::DateFormat{})) {
          gp.from_day = *d;
          gp.to_day = *d + 1;
        }
      }
    }
    if (req_.from_day) gp.from_day = *req_.from_day;
    if (req_.to_day) gp.to_day = *req_.to_day;
    if (req_.grain) gp.grain = *req_.grain;
    if (gp.from_day == 0 && gp.to_day == 0)
      throw PlanError(fmt::format("goal `{}` has no `period`; pass --from and --to", gp.name));
    if (!metric) throw PlanError(fmt::format("goal `{}` has no `metric`", gp.name));
    if (metric->kind == ExprKind::kName) {
      gp.metric = metric->name.name;
      if (auto mt = cat_.checked.metrics.find(gp.metric); mt != cat_.checked.metrics.end()) {
        gp.percent = mt->second.percent;
        gp.additive = mt->second.additivity == Additivity::kAdditive;
        gp.unit = mt->second.percent ? "percent" : mt->second.unit.ToString();
      }
    }
    LCtx lc;
    lc.grain = gp.grain;
    // Goal scans cover the goal's period only through the period list; the
    // window options of the request do not filter them.
    touched_ = &gp.scans;
    gp.value = M(*metric, env, lc);
    if (target && target->kind == ExprKind::kBinary && target->bop >= BinaryOp::kEq && target->bop <= BinaryOp::kGe) {
      static const char* kCmp[] = {"==", "!=", "<", "<=", ">", ">="};
      gp.cmp = kCmp[static_cast<int>(target->bop) - static_cast<int>(BinaryOp::kEq)];
      gp.target = M(*target->rhs, env, lc);
    }
    if (gp.phasing == "last_year") {
      LCtx w = lc;
      w.windowed = true;
      gp.last_year = Shift(M(*metric, env, w), Grain::kYear);
    }
    for (const auto& it : g.items) {
      if (it.kind == ast::GoalItem::Kind::kDecompose && it.name && it.expr) Decompose(gp, it, env, lc);
      if (it.kind == ast::GoalItem::Kind::kDrill) {
        if (it.top) gp.drill_top = *it.top;
        for (const auto& d : it.names) {
          GoalPlan::Drill dr;
          dr.dim = d.name;
          if (const ast::DimensionDecl* dd = FindDimension(d.name); dd && dd->type)
            dr.type = dd->type->name.name == "int" ? VT::kInt : dd->type->name.name == "date" ? VT::kDate : VT::kString;
          LCtx by = lc;
          by.dims = {d.name};
          touched_ = &dr.scans;
          try {
            dr.value = M(*metric, env, by);
            if (target && gp.target >= 0) dr.target = M(*target->rhs, env, by);
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
      }
    }
    for (const auto& it : g.items) {
      if (it.kind != ast::GoalItem::Kind::kAlert || !it.expr) continue;
      GoalPlan::Alert a;
      a.name = it.text;
      a.severity = it.severity ? it.severity->name : "warning";
      a.message = it.message.value_or("");
      a.cond = M(*it.expr, env, lc);
      const Expr* c = it.expr.get();
      while (c->kind == ExprKind::kParen) c = c->lhs.get();
      if (c->kind == ExprKind::kBinary && c->bop >= BinaryOp::kEq && c->bop <= BinaryOp::kGe)
        a.value = M(*c->lhs, env, lc);
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
          bm.cond = M(*it.expr, env, by);
          if (c->kind == ExprKind::kBinary && c->bop >= BinaryOp::kEq && c->bop <= BinaryOp::kGe)
            bm.value = M(*c->lhs, env, by);
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
};

}  // namespace

Plan Lower(const Catalog& catalog, const Request& request) { return Lowerer(catalog, request).Run(); }

}  // namespace kpic::plan
