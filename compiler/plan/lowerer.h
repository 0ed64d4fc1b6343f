// The lowering's state, shared by its files (private to plan/): lower.cc
// (the request: metrics, charts, goals, roles), lower_row.cc (scans, row
// expressions and aggregates) and lower_metric.cc (metric expressions and
// period operators). It reads only the typed IR: names were resolved and
// types decided by the checker, so lowering follows indices and applies the
// recorded conversions.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/utf8.h"
#include "ir/ir.h"
#include "timezone.h"
#include "plan/lower.h"

namespace kpic::plan {

struct LCtx {
  rt::Grain grain = rt::Grain::kAll;
  std::vector<std::string> dims;
  std::vector<int> filters;  ///< outer metric-level `where` conditions (IR nodes)
  bool windowed = false;     ///< under a period operator: needs rows outside --from/--to
  bool past_to = false;      ///< the rows from --to on, for the as-of date (Scan::past_to)
  bool balance_day = false;  ///< the daily sum under a balance's rollup (MNode::Op::kRollup)
};

class Lowerer {
 public:
  Lowerer(const ir::Module& m, const Request& req) : m_(m), req_(req) {}
  /// A declaration's label in the requested language (--lang): its
  /// `label.<lang>`, else the main label.
  const std::string& LabelFor(const std::string& label, const ir::Labels& labels) const {
    if (auto it = labels.find(req_.lang); !req_.lang.empty() && it != labels.end()) return it->second;
    // An English report showing a Chinese label says so (W0712).
    if (req_.lang == "en" && HasChinese(label)) untranslated_.insert(label);
    return label;
  }
  Plan Run();

 private:
  mutable std::set<std::string> untranslated_;  ///< main labels shown for want of a `label.en` (LabelFor)
  // ---- lower.cc ----------------------------------------------------------------------
  void Metric(const std::string& name);
  void Chart(const ir::Report::Chart& c);
  void Goal(const ir::Goal& g);
  /// Runs `lower` (one output); in a report, an output that reads a column
  /// the role hides (E0605) is left out with a note instead, so that the
  /// rest of the report, and bursting, still work.
  template <class F>
  std::string Guard(bool in_report, const std::string& what, F lower);
  std::string left_out_;  ///< why Guard last left an output out
  const ir::Goal* goal_ = nullptr;  ///< the goal being lowered (`m.target` reads its target)
  void RoleFilter(int scan);
  /// A column the role itself reads (a hidden one too), as a row node.
  int RoleColumn(int scan, const std::vector<std::string>& path);
  /// Under a role: the audit scans (Plan::audits).
  void Audits();
  /// Adds each scan's as-of aggregate (Scan::as_of_agg).
  void AsOfAggregates();
  /// The role's item for a source, or E0604 when the role does not name it
  /// (`via`: the source whose `references` led here, for the message).
  const ir::Role::Item& RoleItem(int source, int via) const;
  /// Under a role, a source read whole (working days, rates) must be named
  /// by it, unrestricted: E0604 when it is not named, E0319 when filtered.
  void RoleWhole(int source) const;
  /// Whether the role restricts `source`'s rows, by its own filter or through
  /// a lookup it references; names every source reachable (E0604).
  bool Restricted(int source, int via, std::vector<int>* on_path) const;
  /// The condition under which the scan's row, reached through the lookup
  /// `prefix` (empty: the scanned row itself), is visible; -1 when always.
  int Visible(int scan, int source, const std::vector<std::string>& prefix, std::vector<int>* on_path);
  int RoundOf(int root, const std::string& unit) const;
  const ir::Role* role_ = nullptr;  ///< --role, else the report's role
  /// Sources that goals' targets read, and those goals' metrics and
  /// decompositions read: a source a target reads and no goal measures (a
  /// budget, also when a chart or an alert shows it) holds plans, not data
  /// that arrives, and does not set the default as-of date.
  std::set<int> target_sources_, measured_sources_;
  /// The goal being lowered has a relative target of an amount that adds a
  /// fixed number (ir::AddsFixedNumber): members have no target.
  bool fixed_addon_ = false;
  /// The goal being lowered reads its target from sources the role leaves
  /// whole while it sees a part of the metric's rows: a drill-down's members
  /// are the metric's (the budget's other stores were listed at 0.00).
  bool whole_target_ = false;
  /// The source of `dim` in `s`: the column path to it, directly or through lookups.
  bool DimPath(int source, const std::string& dim, std::vector<std::string>* path) const;
  VT DimType(const std::string& dim) const;

  // ---- lower_expect.cc ----------------------------------------------------------------
  /// `kpic test`: every expectation (Plan::expectations).
  void Expectations();
  void Expect(const ir::Expectation& x, ExpectPlan* e);
  /// A scan of its own for a source check: grain `all`, rows up to the
  /// as-of date, the role's filter and then `cond` (-1: none), grouped by
  /// `group` (empty: one group).
  int ExpectScan(int source, const std::string& group, const std::function<int(int)>& cond);

  // ---- lower_row.cc ------------------------------------------------------------------
  int ScanFor(int source, const LCtx& lc);
  void Touch(int scan);
  /// An output whose reads are all shifted takes its periods from them.
  void PeriodsFromWindows(Output* o);
  int Col(Scan& scan, const std::vector<std::string>& path);
  int Node(int scan, RowNode n);
  const RowNode& N(int scan, int i) const { return plan_.scans[scan].nodes[i]; }
  int Const(int scan, VT t, int64_t i, double f = 0, std::string s = {}, int scale = 0);
  int Bool(int scan, int node);
  /// A bool node `op`(arg): kIsNull, kIsNotNull, kNot.
  int Test(int scan, RowNode::Op op, int arg);
  /// Appends a count of the scan's rows passing `filter` (-1: all); its index.
  int CountRows(int scan, int filter, std::string text);
  int Cast(int scan, int node, ir::Scalar to);
  /// Lowers IR node `e` as a row expression of the scan, and converts it to `to`.
  int RowAs(int e, int scan, ir::Scalar to);
  int Row(int e, int scan);
  int RowCall(const ir::Node& n, int scan);
  int RoleParam(int scan, int param);
  int Aggregate(const ir::Node& call, const LCtx& lc);
  /// The `rollup` rule of a balance column read by a row expression, or "".
  std::string RollupOf(int e) const;
  /// The source whose rows a row expression reads, or -1.
  int SourceOfRow(int e) const;

  // ---- lower_metric.cc ---------------------------------------------------------------
  int M(int e, const LCtx& lc);
  int MetricRef(int metric, const LCtx& lc);
  int MCall(const ir::Node& n, const LCtx& lc);
  int Method(const ir::Node& n, const LCtx& lc);
  int Member(int base, builtins::Fn member, const LCtx& lc);
  /// `how`: "change", "growth" (the function) or the method's name, for messages.
  int Growth(int m, int period, const LCtx& lc, const char* how);
  std::string growth_text_;  ///< the change being lowered, for PeriodGrain's message
  /// Whether goal `g`'s target reads a metric (relative) or is a constant
  /// (absolute: the company's number, which members do not have).
  bool TargetIsRelative(const ir::Goal& g) const;
  /// Under a role that restricts a source the goal's metric reads: the
  /// role sees a part of the rows, and an absolute target is not its own.
  bool RoleSeesPart(const ir::Goal& g) const;
  /// Whether the role sees a part of the rows expression `node` reads.
  bool RoleSeesPartOf(int node) const;
  /// The goal's target is an absolute amount of an additive metric (or a
  /// distinct count): the company's, not a part's. Not a relative target,
  /// and not a level (an average or a rate), which applies to any part.
  bool TargetIsAmount(const ir::Goal& g) const;
  /// The goal being lowered has an absolute target that the role sees a
  /// part of (W0711): its target, and its members' shares, are none.
  bool company_target_ = false;
  /// The goal being lowered is run at another grain than its own, with a
  /// fixed target of an additive amount (GoalPlan::target_grain).
  bool regrained_ = false;
  /// The calendar's time zone (loaded once): a timestamp without an
  /// offset, written in a definition or passed to a role, is local time
  /// there (docs/language.md).
  const rt::TimeZone* Zone();
  std::shared_ptr<rt::TimeZone> zone_;
  bool zone_loaded_ = false;
  /// A timestamp literal's instant: its text in the calendar's zone.
  int64_t TimestampLiteral(const ir::Node& n);
  bool forecast_alert_ = false;  ///< lowering an alert that reads `forecast.FIELD`
  /// `allocate last_year`: a member's share of the goal's metric in the
  /// same period a year earlier.
  int LastYearShare(const ir::Goal& g, const LCtx& by);
  int Convert(const ir::Node& n, const LCtx& lc);
  int Rolling(int base, int duration, const LCtx& lc);
  rt::Grain PeriodGrain(int period, const LCtx& lc);
  int MAdd(MNode n);
  int MOp(MNode::Op op, std::vector<int> args);
  int MConst(__int128 v, int scale);
  int Shift(int a, rt::Grain g);

  const ir::Module& m_;
  const Request& req_;
  Plan plan_;
  std::map<std::string, int> scan_index_;
  std::vector<int>* touched_ = nullptr;  ///< scans read by the output being lowered
  const ir::Role* filtering_ = nullptr;  ///< the role whose filter is being lowered (its parameters)
  /// While lowering a lookup's role filter: the path from the scanned row to
  /// the lookup's row, and the lookup.
  std::vector<std::string> prefix_;
  int prefix_src_ = -1;
  /// Set while the role itself reads columns (its visibility joins, the time
  /// column's validation): a hidden column may be read then.
  bool role_read_ = false;
  /// What the output being lowered is, for E0605 (`metric `sales``).
  std::string reading_;
};

}  // namespace kpic::plan
