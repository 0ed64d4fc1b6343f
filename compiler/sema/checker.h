// The type checker's state, shared by its files (private to sema/):
// check_metric.cc (metrics, the order of checking), check_expr.cc
// (expressions, units, levels), check_call.cc (builtins, methods and user
// functions), check_decl.cc (sources, goals, roles, reports). As it types an
// expression it also builds that expression's IR node (ir/ir.h), so the
// facts it proves are recorded once, where later stages read them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "diag/diagnostic.h"
#include "ir/ir.h"
#include "sema/catalog.h"
#include "sema/checked.h"
#include "sema/scope.h"
#include "sema/units.h"

namespace kpic::check {

enum class VKind { kError, kNumber, kBool, kString, kDate, kTimestamp, kNull, kSource };
using ir::Level;

const char* KindName(VKind k);

/// What the checker knows of an expression while typing it.
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
  int node = -1;      ///< its IR node
  ir::Scalar scalar;  ///< row and constant level: the value type
  /// Metric level: the most decimal places its exact value can have (a
  /// product adds its factors'); -1 for a float, or not known. A number
  /// literal: its places without trailing zeros.
  int places = -1;

  bool error() const { return kind == VKind::kError; }
  bool numeric() const { return kind == VKind::kNumber || kind == VKind::kNull; }
};

inline Ty Error() { return Ty{}; }

/// The decimal places of `v` x 10^-scale without its trailing zeros
/// (`1.50` has one): the places a literal adds to a product, as the
/// engine drops zeros past the 30th place.
inline int SignificantPlaces(__int128 v, int scale) {
  while (scale > 0 && v % 10 == 0) v /= 10, --scale;
  return scale;
}

/// The most decimal places an exact value of `t` can have, or -1 (a float,
/// or not known): from the value type at row and constant level.
inline int Places(const Ty& t) {
  if (t.level == ir::Level::kMetric) return t.places;
  if (t.level == ir::Level::kConst && t.places >= 0) return t.places;  // a literal's
  if (t.scalar.vt == ir::VT::kDecimal) return t.scalar.scale;
  if (t.scalar.vt == ir::VT::kInt || t.scalar.vt == ir::VT::kBool) return 0;
  return -1;
}

/// The expression inside any parentheses.
inline const ast::Expr* StripParens(const ast::Expr* e) {
  while (e && e->kind == ast::ExprKind::kParen) e = e->lhs.get();
  return e;
}

/// Numbers and bools (0/1) take part in arithmetic and promotion.
inline bool NumericVT(ir::VT t) {
  return t == ir::VT::kInt || t == ir::VT::kFloat || t == ir::VT::kDecimal || t == ir::VT::kBool;
}

/// The common type of two numeric operands: float wins, then decimal (at
/// the larger scale), then int; bools count as 0/1 ints. A null operand
/// takes the other's type without converting it.
void Promote(ir::Scalar* a, ir::Scalar* b);

/// The value type of a declared column or parameter type.
ir::Scalar TypeScalar(const ast::TypeRef& t);

class Checker {
 public:
  Checker(const Catalog& catalog, const SourceManager& sm, DiagnosticSink& diags, bool check_only = false)
      : catalog_(catalog), sm_(sm), diags_(diags), check_only_(check_only) {}

  CheckedModule Run();

 private:
  // ---- check_metric.cc ----------------------------------------------------------
  Scope Here() const { return Scope(catalog_, pkg_); }
  const ast::Decl* Lookup(const std::string& name) const { return Here().Lookup(name); }
  const ast::Decl* ResolvePath(const std::vector<const ast::Ident*>& path, size_t* next) const {
    return Here().ResolvePath(path, next);
  }
  const ast::SourceDecl* SourceByName(const std::string& name) const { return Here().SourceByName(name); }
  const ast::SourceDecl* SourceByNameAnywhere(const std::string& key) const { return Here().SourceByKey(key); }
  std::string SourceKey(const ast::SourceDecl* s) const { return Here().SourceKey(s); }
  /// The dimensions a source's rows have, through its lookups, resolved in
  /// the source's own package (memoised: every metric of a source asks).
  const NameSet& DimensionsOf(const ast::SourceDecl& s) const;
  std::set<std::string> DimensionsOfUncached(const ast::SourceDecl& s, int depth) const;
  static bool HasTime(const ast::SourceDecl& s);

  const MetricType* MetricOf(const std::string& name, Span at = {});
  /// The IR index of a metric, assigned on first use.
  int MetricIndex(const std::string& name);
  void RowOutsideAggregate(const ast::Expr& e);
  void FillMetricIr();
  /// What the IR keeps of a metric's attributes: its format and its labels by language.
  static void MetricAttrsIntoIr(const ast::MetricDecl& decl, ir::Metric* m);

  // ---- check_expr.cc ---------------------------------------------------------------
  /// Types a metric-level expression.
  Ty Metric(const ast::Expr& e) { return Type(e, /*in_aggregate=*/false); }
  /// Types an expression, counting the depth of the recursion: a metric is
  /// typed where it is first read, so a chain of metrics each reading the
  /// next recurses through all of them. Past kMaxTypeDepth levels it
  /// reports E0106 (once per metric typed from Run) instead of
  /// overflowing the stack, and every stage after the checker may recurse
  /// as deep as the formulas without risk.
  Ty Type(const ast::Expr& e, bool in_aggregate);
  Ty TypeOf(const ast::Expr& e, bool in_aggregate);
  /// E0106 at `at`: the formula nests deeper than kMaxTypeDepth.
  Ty TooDeep(Span at);
  static constexpr int kMaxTypeDepth = 4500;  ///< above a declaration's own limits (E0105, E0106)
  int type_depth_ = 0;
  int reach_ = 0;  ///< the deepest level reached (or read from a metric) since the current metric began
  bool too_deep_reported_ = false;
  Ty Literal(const ast::Expr& e);
  Ty ColumnTy(const ast::SourceDecl& root, const ast::Column& c);
  Ty PathTy(const ast::Expr& e, const std::vector<const ast::Ident*>& path);
  /// E0222: `path` names a dimension, goal, role... where a value is read.
  void NotAValue(const ast::Expr& e, const ast::Decl& d);
  /// The source whose role rule is being checked (its columns come first in
  /// E0222's help), or nullptr.
  const ast::SourceDecl* rule_source_ = nullptr;
  Ty MetricTy(const std::string& name, Span at);
  Ty Member(Ty t, const ast::Ident& member, Span at);
  Ty Binary(const ast::Expr& e, bool in_aggregate);
  Ty In(const ast::Expr& e, bool in_aggregate);
  Ty Where(const ast::Expr& e, bool in_aggregate);
  static Ty Const(VKind k);
  static Ty Bool(Ty t);
  Ty Mismatch(const ast::Expr& at, const std::string& message);
  bool ExpectBool(const Ty& t, const ast::Expr& at, const std::string& why);
  bool Join(const ast::Expr& at, const Ty& l, const Ty& r, Ty* out);
  bool JoinTys(const ast::Expr& at, const Ty& l, const Ty& r, Ty* out);
  bool UnitsAgree(const ast::Expr& at, const Unit& a, const Unit& b, const char* verb);
  /// `convert(m, ...)`: whether `m` (typed `t`) is a sum of rows that can be
  /// converted row by row (E0314 otherwise).
  bool ConvertibleByRow(const ast::Expr& arg, const Ty& t);
  /// The rates source's time, from, to and rate columns (E0315 if it does not fit).
  bool RateColumns(const ast::SourceDecl& r, const ast::Expr& at, std::vector<int>* cols);
  /// `working_days SOURCE` in the calendar (E0219 when the source does not fit).
  void WorkingDaySource(const ast::AttrValue& v, ir::Calendar* cal);
  static bool IsTime(VKind k) { return k == VKind::kDate || k == VKind::kTimestamp; }
  Ty Condition(const ast::Expr& e);

  // IR construction.
  int Emit(ir::Node n);
  /// A node for `t` at `span` of `kind` over `args`, converting each
  /// argument to `conv` (when given).
  int Node(ir::Kind kind, const Ty& t, Span span, std::vector<int> args, std::vector<ir::Scalar> conv = {});
  ir::Scalar ScalarOf(int node) const;
  int SourceIndex(const ast::SourceDecl* s);

  // ---- check_call.cc ----------------------------------------------------------------
  Ty Call(const ast::Expr& e, bool in_aggregate);
  Ty Aggregate(const ast::Expr& e, const builtins::Builtin& b);
  /// `avg(m by day, store)`: a metric re-aggregated over a grain and dimensions.
  Ty ReaggBy(const ast::Expr& e, const builtins::Builtin& b);
  /// E0409 for `by` in an argument of anything but sum/avg/min/max of a metric.
  bool NoBy(const ast::Expr& e, const std::string& what);
  Ty Method(const ast::Expr& e, Ty t, const builtins::Builtin& m);
  Ty Builtin(const ast::Expr& e, const builtins::Builtin& b, bool in_aggregate);
  Ty Fn(const ast::Expr& e, const ast::FnDecl& fn, bool in_aggregate);
  /// The IR node of a symbolic argument (grain, period, currency, source, duration).
  int Symbol(const ast::Expr& e, builtins::ArgKind kind);
  static std::string EntityOf(const ast::SourceDecl& s);

  // ---- check_decl.cc ----------------------------------------------------------------
  void Sources();
  void Goal(const ast::GoalDecl& g);
  /// E0320: a goal by `grain` whose metric or target reads a period
  /// operator that grain cannot answer (`.to_date(year)` by week, `.avg(week)`
  /// by month), which `kpic run` would refuse (E0602).
  void GoalGrainFits(const ir::Goal& goal, rt::Grain grain, Span at);
  void Role(const ast::RoleDecl& r);
  /// E0322: a rule that reads a parameter does an operation on a column
  /// that can fail (exact arithmetic, a decimal scale raised).
  void RoleArithmetic(int node, Span rule);
  void Report(const ast::ReportDecl& r);
  // ---- check_expect.cc ----------------------------------------------------------------
  void Expect(const ast::ExpectDecl& x);
  void RoleCoverage();
  /// The sources IR node `n` reads (through metrics and lookups too) and the
  /// columns whose values it reads, as (source, column path from it).
  void Reads(int n, std::set<int>* sources, std::set<std::pair<int, std::vector<int>>>* columns,
             std::set<int>* metrics) const;
  void SameFormulas();
  const MetricType* GoalMetric(const ast::GoalDecl& g);
  void RequireDims(const MetricType& m, const ast::Ident& dim, const std::string& metric_name);
  void RequireTime(const MetricType& m, Span at, const std::string& metric_name);

  const Catalog& catalog_;
  const SourceManager& sm_;
  DiagnosticSink& diags_;
  const bool check_only_;  ///< CheckInput::check_only
  const Package* pkg_ = nullptr;
  CheckedModule module_;
  std::set<std::string> visiting_;
  std::vector<std::string> visiting_order_;  ///< metrics being typed, outermost first (for cycle paths)
  std::set<std::string> cycle_reported_;
  std::map<std::string, Ty> locals_;
  MetricType* current_ = nullptr;  ///< the metric whose formula is being typed
  /// The goal whose items are being typed, for `m.target`.
  struct GoalContext {
    std::string goal, metric;  ///< the goal's name and its metric's name
    int metric_ir = -1;        ///< the metric's index in the IR
    int metric_node = -1;      ///< the goal's `metric` expression (IR node), once typed
    bool has_target = false, in_target = false, in_alert = false;
  };
  const GoalContext* goal_ctx_ = nullptr;
  void AlertMembers(const ast::GoalDecl& g, const std::vector<std::pair<const ast::GoalItem*, Ty>>& conds);
  void FixedAmountAlerts(const ir::Goal& goal);
  /// E0321: `phasing` or `allocate` of a level, or without a target;
  /// `allocate` of a target that reads a metric.
  void GoalSettingsApply(const ir::Goal& goal, Span phasing_at, Span allocate_at);
  void PercentHelp(Diagnostic& d, const ast::Expr& pct, const ast::Expr& other);
  void TargetMeasures(const ast::GoalDecl& g, const GoalContext& ctx, const ast::Expr& cmp, int lhs, int rhs);
  int fn_depth_ = 0;               ///< nested user-function instantiations
  /// E0106: the most IR nodes a metric may hold once the metrics and
  /// functions it reads are written out (plan lowering writes them out).
  static constexpr uint64_t kMaxExpanded = 1000000;
  /// Per IR node, 1 + its written-out size (ExpandedSize), 0 when not known.
  std::vector<uint32_t> expanded_;
  uint64_t ExpandedSize(int node);
  std::vector<const ast::FnDecl*> fn_stack_;          ///< the functions being instantiated, outermost first
  std::set<const ast::FnDecl*> fn_cycles_reported_;   ///< E0406 once per function
  bool fn_depth_reported_ = false;                    ///< E0106 for nesting, once
  /// The outermost user-function call being instantiated, if any: where a
  /// warning about its body is shown (the caller's line, not the library's).
  const ast::Expr* fn_call_ = nullptr;
  std::map<const ast::SourceDecl*, int> source_index_;
  mutable std::map<const ast::SourceDecl*, NameSet> dimensions_of_;
  /// Shared(): one NameSet per distinct set of names (held once: the
  /// order compares the sets).
  struct BySet {
    bool operator()(const NameSet& a, const NameSet& b) const { return a.set() < b.set(); }
  };
  std::set<NameSet, BySet> shared_sets_;
  NameSet Shared(NameSet s) {
    if (s.empty()) return s;
    return *shared_sets_.insert(std::move(s)).first;
  }
};

}  // namespace kpic::check
