// The evaluation plan: what `kpic run` computes, lowered from the typed IR.
// Per source, one fused scan evaluates the row filter, the group key
// (dimensions plus time bucket) and the input of every aggregate that any
// requested metric needs from that source; identical aggregates are
// computed once. A post-aggregation stage then evaluates metric
// expressions (ratios recomputed from their parts, period operators, joins
// of several sources on conformed dimensions and period) per output row.
// Both engines (the interpreter and the JIT) execute scans; the
// post-aggregation stage is shared.
//
// The plan is self-contained: it owns the sources it reads (their columns,
// bindings and lookups) and the calendar, and points into nothing else.
// Operators, date parts, functions and comparisons are enums.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/warning.h"
#include "builtins/builtins.h"
#include "calendar.h"
#include "column.h"
#include "ir/ir.h"

namespace kpic::plan {

/// Value types of row expressions.
using VT = ir::VT;
using ir::VTName;
VT FromColType(rt::ColType t);
rt::ColType ToColType(VT t);

/// How a balance rolls up over time (`rollup` of its column).
enum class Rollup : uint8_t { kLast, kFirst, kAvg, kMin, kMax };
const char* RollupName(Rollup r);
std::optional<Rollup> ParseRollup(const std::string& name);

/// How a goal compares its metric with its target.
enum class Cmp : uint8_t { kNone, kEq, kNe, kLt, kLe, kGt, kGe };
const char* CmpText(Cmp c);
/// Whether lower values are better (`<`, `<=`).
inline bool LowerIsBetter(Cmp c) { return c == Cmp::kLt || c == Cmp::kLe; }

/// How a whole-period target is spread over the goal's periods.
enum class Phasing : uint8_t { kNone, kEven, kLastYear };

/// A column a scan reads: `path[0]` is a column of the scanned source; each
/// further part follows a `references` lookup into another source.
struct ScanColumn {
  std::vector<std::string> path;
  std::vector<std::string> sources;  ///< catalog key of the source each part is read from
  VT type = VT::kInt;
  int scale = 0;
  std::string Text() const;  ///< `product_id.unit_cost`
};

/// A typed row expression node; children index the scan's node pool.
struct RowNode {
  enum class Op {
    kColumn, kConst,
    kNeg, kNot, kIsNull, kIsNotNull,
    kAdd, kSub, kMul, kDiv,
    kEq, kNe, kLt, kLe, kGt, kGe,
    kAnd, kOr,
    kIn,        ///< args[0] in (args[1..]) (all constants)
    kIf,        ///< if(args[0], args[1], args[2])
    kCoalesce,  ///< first non-null of args
    kDatePart,  ///< `part`(args[0])
    kAbs,
    kToFloat,   ///< widening casts inserted by the planner
    kRescale,   ///< int/decimal to decimal at `scale`
  };
  Op op = Op::kConst;
  VT type = VT::kNull;
  int scale = 0;
  int column = -1;  ///< kColumn
  // kConst (type says which field); a null constant has type kNull.
  int64_t i = 0;
  double f = 0;
  std::string s;
  builtins::Fn part = builtins::Fn::kYear;  ///< kDatePart: year quarter month week day weekday hour date
  bool negated = false;  ///< kIn: `not in`
  std::vector<int> args;
};

struct AggSpec {
  enum class Fn { kSum, kCount, kCountRows, kCountDistinct, kMin, kMax, kAvg, kMedian, kPercentile, kStddev, kVariance };
  Fn fn = Fn::kSum;
  int arg = -1;     ///< row node; -1 for kCountRows
  int filter = -1;  ///< row node (bool), or -1
  double p = 0.5;   ///< kPercentile
  std::string text; ///< canonical text, unique within a scan
};
const char* AggFnName(AggSpec::Fn f);
/// The builtin an aggregate computes (count of rows is `count`): its entry
/// says which state every engine keeps for it.
builtins::Fn BuiltinOf(AggSpec::Fn f);

/// One pass over one source.
struct Scan {
  std::string source;  ///< catalog key "package:source"
  int src = -1;        ///< the source, in Plan::sources
  std::vector<ScanColumn> columns;
  std::vector<RowNode> nodes;
  int time_column = -1;  ///< column index of the time axis, when bucketed
  std::vector<int> dim_columns;  ///< per requested dimension, a column index
  int filter = -1;       ///< the role's row filter (bool node), or -1
  std::optional<int32_t> from_day, to_day;  ///< rows outside [from, to) are skipped
  /// Read under a period operator (previous, last_year, to_date, rolling,
  /// zscore, ...): its rows outside --from/--to count too.
  bool windowed = false;
  /// Made only to count a role's warnings (Plan::audits): no output reads it.
  bool audit = false;
  /// Made only for the as-of date: the source's rows from --to on (grain
  /// all, its as-of aggregate alone). Whether a source has rows past the
  /// window must not depend on the other scans of the run; no output reads it.
  bool past_to = false;
  std::vector<AggSpec> aggs;
  rt::Grain grain = rt::Grain::kAll;  ///< the bucket of the group key
  /// The aggregate holding the latest time value of each group (the
  /// default as-of date is the latest over every scan), or -1.
  int as_of_agg = -1;
  /// A scan of a source that only goals' targets read (a budget): its
  /// latest day is not the run's as-of date (it holds plans, not data that
  /// arrives), though its rows' days say how often it has rows.
  bool plans_only = false;
  /// The run is under a role: an error about a row shows none of its
  /// values (the row may be one the role's rule was deciding on).
  bool under_role = false;
};

/// A metric-level expression node; children index Plan::mnodes.
struct MNode {
  enum class Op {
    kAgg,      ///< scan, agg
    kConst,    ///< exact decimal `i` at `scale`, or float `f` when is_float (kReagg: a sum's scalar)
    kNull,
    kNeg, kAdd, kSub, kMul, kDiv, kAbs, kRound,
    kShift,    ///< args[0] over the period `shift` grains earlier (previous, last_year, change)
    kToDate,   ///< args[0] over [start of the `grain` period, end of this period)
    kRolling,  ///< args[0] over the `count` periods of `grain` ending with this one
    kReagg,    ///< `fn` of args[0] evaluated at each `grain` period inside this one (and, with `by`, at
               ///< each member of those dimensions seen in this row's periods); grain `all`: no time split
    kShare,    ///< args[0] / args[0] over every member of the breakdown
    kZScore,   ///< (args[0] - mean) / sample sd of args[0] over the `count` periods before
    kRollup,   ///< a balance (agg leaf args[0] at day grain) over time by `fn`: last first avg min max
    kConvert,  ///< args[0] (at day grain) times the rate of each day, summed: conversion `count` of Plan::conversions
    kShiftDays,    ///< args[0] over this period's days `count` days earlier (`last_year_weekday`: 364)
    kWorkingDays,  ///< the working days of the period within --from/--to (Plan::work)
    kForecast,     ///< `forecast.FIELD` of the goal (or member) being alerted on: field `count` (ir::kForecastFields)
    kGoalTarget,   ///< `m.target` of a phased goal in its alerts: its periods' phased targets (the engine's)
    kForecastTarget,  ///< `m.target` in an alert on the forecast: the target the forecast is compared with
    kIf, kCoalesce,
    kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr, kNot,
  };
  Op op = Op::kNull;
  int scan = -1, agg = -1;
  __int128 i = 0;
  int scale = 0;
  double f = 0;
  bool is_float = false;
  rt::Grain grain = rt::Grain::kAll;
  int64_t count = 1;
  builtins::Fn reagg = builtins::Fn::kReaggSum;  ///< kReagg: avg sum min max last (the method)
  /// kReagg over dimensions (`avg(m by day, store)`): the dimensions added
  /// to the breakdown (args[0]'s scans group by the breakdown, then these),
  /// and how many dimensions the breakdown had (`outer`).
  std::vector<std::string> by;
  size_t outer = 0;
  Rollup rollup = Rollup::kLast;                 ///< kRollup
  std::vector<int> args;
};

/// Every rate is used at this scale: a direct rate exactly, an inverse
/// (1 / rate) rounded half-even to it.
constexpr int kRateScale = 10;

/// `convert(m, CUR, rates)` from one currency to another: where the rates
/// are (columns of the rates source, in Plan::sources).
struct Conversion {
  int src = -1;
  int time_column = -1, from_column = -1, to_column = -1, rate_column = -1;
  int rate_scale = 0;    ///< the rate column's declared scale
  std::string from, to;  ///< the amount's currency and the target currency
  int minor = 2;         ///< digits of `to`'s minor unit
};

/// Digits of a currency's minor unit (ISO 4217): 2 unless listed.
int MinorUnit(const std::string& currency);

struct Output {
  std::string metric;
  std::string label;
  std::string format;  ///< the metric's `format` pattern, or empty
  std::string unit;
  bool percent = false;
  std::string additivity;
  int root = -1;  ///< mnode
  std::vector<int> scans;  ///< scans it reads, for its rows
  rt::Grain grain = rt::Grain::kMonth;  ///< its periods
  std::vector<std::string> by;          ///< its dimensions
  std::vector<VT> by_types;
  std::string chart;  ///< charts of a report: line, bar, ...; the formula as written in `formula`
  std::string formula;
  /// Shown rounded half-even to this many decimals (a converted amount:
  /// its currency's minor unit), or -1.
  int round = -1;
  /// The values the metric can take by its construction (ir::RangeOf): its
  /// forecasts and their intervals are kept inside them.
  double floor = -HUGE_VAL, ceil = HUGE_VAL;
  /// An amount (ir::IsAmount: a sum, a count, a distinct count), which
  /// grows with the days a period has: a data test's range does not judge
  /// a partial period of one.
  bool amount = false;
  /// A chart's members are parts of a whole (an additive metric, or a
  /// share): what a pie can show.
  bool parts = false;
  int chart_index = -1;  ///< a report's chart: its place in the report's charts
};

struct GoalPlan {
  std::string name, label, owner, metric;
  std::string metric_label;  ///< the goal's metric's label (in the request's language), or empty
  std::string format;  ///< the goal's metric's `format` pattern, or empty
  std::string unit;
  bool percent = false;  ///< the goal's metric is shown as a percentage
  bool additive = false;  ///< the goal's metric is additive (projections scale it)
  double floor = -HUGE_VAL, ceil = HUGE_VAL;  ///< the metric's range (ir::RangeOf), for its forecast
  /// The target reads a metric (evaluated per period, member and span);
  /// else it is a fixed number for each whole period.
  bool target_relative = false;
  /// A relative target that reads none of the sources the goal's metric
  /// reads (`sales >= budget_sales`, a budget source with a row per store
  /// and month): a number for each whole period, which a period cut by the
  /// as-of date or the goal's bounds takes pro rata, as a fixed one. One
  /// that reads the metric's own data (`1.28 * sales.last_year`) is
  /// evaluated over the span's days instead.
  bool target_elsewhere = false;
  /// The sources the target reads (catalog keys), for target_elsewhere:
  /// such a target is taken pro rata only when each of them has its rows
  /// on the first days of the goal's periods (a budget per month dated the
  /// 1st); one over daily data (`0.1 CNY * visitors`) is over the span's
  /// days already.
  std::vector<std::string> target_sources;
  /// A relative target of an amount that adds a fixed number (`sales >=
  /// sales.last_year + 2000 CNY`): pro rata in a partial period.
  bool target_fixed_addon = false;
  int value = -1;   ///< mnode
  int target = -1;  ///< mnode, or -1 without a target
  Cmp cmp = Cmp::kNone;
  double at_risk = 0.95;
  /// `phasing even|last_year`: the target is for the whole goal period and
  /// is spread over its periods evenly, or like the metric last year
  /// (`last_year` is the metric a year earlier, per period).
  Phasing phasing = Phasing::kNone;
  int last_year = -1;
  rt::Grain grain = rt::Grain::kMonth;
  /// Run at another grain than the goal's own (`--grain quarter` of a goal
  /// by month) with a fixed target of an additive amount: the target is
  /// each `target_grain` period's, and a period's target adds up those of
  /// the `target_grain` periods it covers, a part of one pro rata by days
  /// (a quarter of `sales >= 140000 CNY` by month is 420,000; it was
  /// compared with 140,000: reader's probe, 2026-12-06).
  std::optional<rt::Grain> target_grain;
  /// A fixed target of an amount that does not add up over periods (a
  /// distinct count: `customers >= 600` by month): each period's own.
  /// Over several periods (to date, the whole goal period) there is none;
  /// the goal stands as its periods do (a year's 3,583 customers read
  /// "met" against one month's 600: closing-the-loop probe, 2026-12-06).
  bool target_per_period = false;
  int32_t from_day = 0, to_day = 0;
  std::vector<int> scans;
  struct Alert {
    std::string name, severity, message;
    /// Compares an additive metric with a fixed threshold (no period
    /// operator, no target): not evaluated on a partial period (W0707).
    bool held = false;
    /// The compared side is a ratio the condition states in percent (or a
    /// percent metric, or a change): shown as a percentage.
    bool percent = false;
    /// Otherwise the compared side's unit and, for a plain metric, its
    /// `format`: how the report shows the value.
    std::string unit, format;
    /// The condition reads `forecast.FIELD`: evaluated once, on the goal's
    /// latest period with data, after the forecast (and per member).
    bool forecast = false;
    /// The compared side is `forecast.FIELD` itself: FIELD (`probability`,
    /// `value`, `lo80`, ...), shown as what it is; empty otherwise.
    std::string forecast_field;
    /// Which way the compared side is worse: -1 lower (`x < 50%`), +1
    /// higher (`x > 8%`), 0 not known. Lists put the worst first.
    int worse = 0;
    int cond = -1;  ///< bool mnode
    int value = -1; ///< the left side of the condition, for the report
    /// The same condition per member of each drill dimension.
    struct ByMember {
      std::string dim;
      VT type = VT::kString;
      int cond = -1, value = -1;
      std::vector<int> scans;
    };
    std::vector<ByMember> by;
  };
  std::vector<Alert> alerts;
  /// `decompose NAME = EXPR`: the node's metric, the identity's right side,
  /// and its terms: summands with a sign (additive), or factors with an
  /// exponent of 1 or -1 (multiplicative).
  struct Decomposition {
    std::string name, formula;
    enum class Kind { kAdditive, kMultiplicative, kOther } kind = Kind::kOther;
    int value = -1, rhs = -1;
    struct Term {
      std::string text;
      int value = -1;
      int sign = 1;  ///< additive: +1 / -1; multiplicative: exponent
      /// How people read it: the metric's label, `format`, unit and
      /// whether it is a percentage (the label is empty for an expression).
      std::string label, format, unit;
      bool percent = false;
    };
    std::vector<Term> terms;
    /// A bridge (`mrr = mrr.previous + new_mrr - churned_mrr`): the term
    /// that is the metric's own `.previous`, the opening balance. The other
    /// terms' contributions are then their signed values in the period
    /// (the flows from opening to closing), and it has none; -1 otherwise.
    int opening = -1;
  };
  std::vector<Decomposition> decompositions;
  /// `drill DIMS [top N]`: the goal's metric and target per member of each.
  struct Drill {
    std::string dim;
    std::string label;  ///< the dimension's label, or empty
    /// Per decomposition of the goal (in the same order), its metric and
    /// its terms broken down by this dimension, for a member's own
    /// decomposition; `value` is -1 when a term's sources lack the
    /// dimension (or a role hides it).
    struct MemberDecomposition {
      int value = -1, rhs = -1;
      std::vector<int> terms;
    };
    std::vector<MemberDecomposition> decompositions;
    VT type = VT::kString;
    int value = -1, target = -1;
    /// `allocate last_year`: the member's share of the metric a year
    /// earlier; its target is the goal's period target times it.
    int share = -1;
    /// For a ratio metric (num / den): both parts per member, and for the
    /// whole, so that a member's change splits into mix and rate effects.
    int num = -1, den = -1, total_num = -1, total_den = -1;
    std::vector<int> scans;
  };
  std::vector<Drill> drills;
  int64_t drill_top = 5;
};

/// One `expect` of `kpic test`, lowered (docs/language.md, "Data tests").
/// A source check reads one scan of its own (grain `all`, the role's
/// filter, marked `audit` so that no output reads it): `unique`, `in (...)`
/// and `found in` group it by the column (the last two keep only the
/// failing rows, by the scan's filter), so that a failure can name its keys.
/// A metric check evaluates its expressions as outputs at its own grain and
/// breakdown.
struct ExpectPlan {
  ir::Expectation x;  ///< the checked expectation (its node indices are not used)
  std::string source, column, target;  ///< names, for the output
  VT type = VT::kString;               ///< the column's type
  int scan = -1;
  int count = -1;  ///< agg: rows that fail (`not null`), or the rows (`rows change`)
  int total = -1;  ///< agg: the rows checked
  int last = -1;   ///< agg: the last day (`fresh`)
  int output = -1, other = -1;  ///< metric checks: indices into Plan::outputs
  std::string skipped;  ///< why it could not be checked under the role, or empty
  /// Whether it reads more than one source's rows (`found in` joins its
  /// lookup; metric checks evaluate metrics).
  bool Joins() const {
    return x.check == ir::Expectation::Check::kFound || x.check == ir::Expectation::Check::kRange ||
           x.check == ir::Expectation::Check::kReconcile;
  }
};

/// What was asked: `kpic run` selection options.
struct Request {
  std::vector<std::string> metrics;
  std::vector<std::string> goals;
  bool all_goals = false;
  std::vector<std::string> by;
  std::optional<rt::Grain> grain;
  std::optional<int32_t> from_day, to_day;
  /// `--as-of DATE`: rows after it are left out, and the period holding it
  /// is partial. Without it, the last day with rows the run may see.
  std::optional<int32_t> as_of_day;
  std::string role;
  std::map<std::string, std::string> params;
  /// `--each PARAM` finding its members: every source whose rule compares
  /// PARAM gets an audit of its visible rows, scanned by the query or not.
  std::string member_param;
  std::string report;  ///< `--report NAME`: its goals, metrics, role and charts
  /// `kpic check` planning a report's charts: only them (a goal that cannot
  /// be planned is E0320's), without the report's role (its hidden columns
  /// are W0006's), to find those their grain cannot answer.
  bool report_charts_only = false;
  bool expectations = false;  ///< `kpic test`: every `expect` (Plan::expectations)
  /// `kpic test` with `expectations`: only the checks that read one source
  /// alone (no `found in`, no metric check), which a bad lookup cannot stop.
  bool single_source_expectations = false;
  /// `kpic test` with `expectations`: only the one at this index of
  /// ir::Module::expectations, or -1 for all.
  int only_expectation = -1;
  /// An HTML report: each drill member's own decompositions are lowered
  /// too (GoalPlan::Drill::decompositions), for its drill-through panel.
  bool member_detail = false;
  /// `--lang`: labels in this language where a `label.<lang>` exists
  /// (empty: the main labels).
  std::string lang;
};

struct Plan {
  /// The language of the words people read (`zh` or `en`): --lang, else
  /// the package's first `languages`, else `zh` when a goal or metric label
  /// is Chinese (driver/run.cc ReportLanguage).
  std::string lang = "en";
  /// Every source of the catalog (scans index it; lookups follow its
  /// columns' `references`).
  std::vector<ir::Source> sources;
  const ir::Source& SourceOf(const Scan& s) const { return sources[static_cast<size_t>(s.src)]; }
  rt::Grain grain = rt::Grain::kMonth;
  std::vector<std::string> by;
  std::vector<VT> by_types;
  std::vector<std::string> by_labels;  ///< per `by` dimension, its label (empty: none)
  /// Every dimension the plan shows (`--by`, a chart's `by`, a drill) with
  /// a label, by name: its label in the request's language. A chart's
  /// dimension was shown by its name ("按channel") unless a goal shown
  /// drilled it (reader's probe, 2026-12-07).
  std::map<std::string, std::string> dim_labels;
  std::optional<int32_t> from_day, to_day;
  std::optional<int32_t> as_of_day;  ///< --as-of, when given
  rt::Calendar calendar;
  std::string time_zone;  ///< for the dump
  int week_start = 0, fiscal_start = 1;
  std::vector<Scan> scans;
  std::vector<MNode> mnodes;
  std::vector<Conversion> conversions;
  /// The calendar's `working_days` source (src -1: none, Monday to Friday),
  /// read when `needed` (a `working_days()` is evaluated).
  struct WorkDays {
    int src = -1, time_column = -1, flag_column = -1;
    bool needed = false;
  } work;
  std::vector<Output> outputs;
  std::vector<Output> charts;  ///< a report's charts, each at its own grain and dimensions
  std::vector<GoalPlan> goals;
  std::string title;  ///< the report's title, when a report was asked for
  /// What the lowering left out and why (a report's output that reads a
  /// column its role hides, W0705).
  std::vector<Warning> notes;
  /// A report's charts left out because their grain cannot answer their
  /// metric (E0602): the chart's index in ir::Report::charts and why.
  std::vector<std::pair<size_t, std::string>> charts_by_grain;
  /// Under a role: the role, and per source read, a scan (grain `all`, the
  /// whole source, the role's filter) counting what the run's warnings
  /// report, over the rows the role may see only. The engines' own counts
  /// (over every row) are then not shown.
  std::string role;
  std::string role_label;  ///< the role's label as written (`"门店店长"`), or empty
  struct Audit {
    int scan = -1;
    int rows = -1;     ///< agg: the visible rows
    int no_time = -1;  ///< agg: visible rows without a time value, or -1
    std::string time_column;
    struct Lookup {
      int agg = -1;  ///< visible rows whose key is not null and not found
      std::string key, target, column;
    };
    std::vector<Lookup> lookups;
    /// The role's parameters its rule on this source compares, as `k=v`.
    std::vector<std::string> params;
    /// The sources the query reads whose results are empty when this one
    /// has no visible row: itself, or those that look it up (W0704).
    std::vector<std::string> over;
    /// An audit of `--each`'s member search (Request::member_param): all
    /// the source's rows, for the member's parameter only.
    bool member = false;
  };
  std::vector<Audit> audits;
  std::vector<ExpectPlan> expectations;  ///< `kpic test`
};

/// The scans whose aggregates metric expression `mnode` reads, in order of
/// first appearance (the members of `avg(m by day, store)` come from them).
std::vector<int> ScansUnder(const Plan& p, int mnode);

/// A stable text dump for `kpic compile --emit plan`.
std::string Dump(const Plan& p);
/// `names`, when given, are the columns' names as shown to an analyst
/// (`orders.amount`) in place of the dump's `$amount`.
std::string DumpRow(const Scan& s, int node, const std::vector<std::string>* names = nullptr);

/// The share of period `p`'s days (at grain `g`) inside [from, to): 1 for
/// a period the window does not cut.
double WindowShare(rt::Grain g, int64_t p, int32_t from, int32_t to, const rt::Calendar& cal);

/// A goal run at another grain than its own (GoalPlan::target_grain):
/// how many of its own periods period `p` of the run makes, a part of one
/// by its days (3 for a quarter of months; 7/31 for a week in January).
/// At grain `all`, the goal's window.
double TargetGrainFactor(const GoalPlan& g, int64_t p, const rt::Calendar& cal);

}  // namespace kpic::plan
