// The evaluation engine: executes a plan's scans (reference interpreter or
// LLVM JIT kernels) over columnar tables, then evaluates metrics, goals and
// alerts per output row from the aggregate states.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "column.h"
#include "csv.h"
#include "engine/distinct.h"
#include "engine/value.h"
#include "forecast/ets.h"
#include "plan/plan.h"

namespace kpic::engine {

/// A dimension member: null, an integer (int and date dimensions) or text.
struct DimValue {
  bool null = false;
  int64_t i = 0;
  std::string s;
  bool operator==(const DimValue& o) const { return null == o.null && i == o.i && s == o.s; }
  /// Code-point order for text, numeric for integers, nulls last.
  bool operator<(const DimValue& o) const {
    if (null != o.null) return o.null;
    if (i != o.i) return i < o.i;
    return s < o.s;
  }
};
using DimTuple = std::vector<DimValue>;

/// The aggregate states of one aggregate for every group of a scan. Only
/// the vectors its function needs are sized.
struct AggStates {
  std::vector<__int128> isum;
  /// sum, avg: the sum; stddev, variance: the sum of (x - fshift).
  std::vector<double> fsum;
  std::vector<__int128> isumsq;  ///< stddev, variance: exact sum of squares (of scaled values)
  /// stddev, variance over floats: shifted moments, numerically stable
  /// (no n * sum(x^2) - sum(x)^2 cancellation): fshift is a value of the
  /// group (its first), fsum the sum of (x - fshift), fsumsq the sum of
  /// (x - fshift)^2. MergeStates brings the other group's to this shift.
  std::vector<double> fsumsq;
  std::vector<double> fshift;
  std::vector<int64_t> count;  ///< non-null values that passed the filter
  std::vector<int64_t> imin, imax;
  std::vector<double> fmin, fmax;
  std::vector<DistinctSet> distinct;        ///< exact after Finish
  std::vector<std::vector<double>> values;  ///< median, percentile
};

/// What a scan produced: one group per (period, dimension members).
struct ScanResult {
  std::vector<int64_t> period;  ///< ordinal at the scan's grain
  std::vector<DimTuple> dims;
  std::vector<int64_t> rows;     ///< rows in the group (before aggregate filters)
  std::vector<AggStates> aggs;   ///< per AggSpec
  size_t rows_without_time = 0;  ///< rows with a null time value, left out
  /// A past-to scan (plan::Scan::past_to) whose rows were not read: the
  /// source's statistics show rows on or after --to (Parquet).
  bool rows_past_to = false;
};

/// The input columns of a scan, one per ScanColumn, all of the source's
/// row count (lookups already joined).
struct ScanInput {
  std::vector<const rt::Column*> columns;
  size_t rows = 0;
  std::string source_name;  ///< for messages
};

/// A limit was reached (exit code 5).
struct LimitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Limits {
  size_t max_groups = 10'000'000;     ///< --max-groups
  size_t max_distinct = 100'000'000;  ///< --max-distinct: values held by one scan's distinct counts
};

/// The plain, obviously correct evaluator: one row at a time.
ScanResult InterpretScan(const plan::Scan& scan, const ScanInput& in, const rt::Calendar& cal, const Limits& limits);

/// Merges the value of one aggregate over several groups and finishes it.
Val AggValue(const plan::Scan& scan, int agg, const ScanResult& r, const std::vector<uint32_t>& groups);

/// Sorts and dedups distinct sets (after a scan, before evaluation).
void Finish(ScanResult* r);

// ---- results ------------------------------------------------------------------------

/// The days of a period that count: all of them, or (partial) those within
/// --from/--to and up to the as-of date.
struct Span {
  bool partial = false;
  int32_t first = 0, last = 0;  ///< inclusive, when partial
  /// Partial because the as-of date cuts it: more of its days may come (a
  /// goal's period in progress). A period cut only by a window's or a
  /// goal's bounds is over.
  bool open = false;
};

struct Row {
  int64_t period = 0;
  DimTuple dims;
  Val value;
  Span span;
};

/// One forecast period of one member's series (`kpic run --forecast N`):
/// the point forecast and its 80% and 95% prediction intervals, as doubles
/// (estimates, never exact); NaN where the model gives none.
struct ForecastRow {
  int64_t period = 0;
  DimTuple dims;
  double value = forecast::kNaN;
  double lo80 = forecast::kNaN, hi80 = forecast::kNaN;
  double lo95 = forecast::kNaN, hi95 = forecast::kNaN;
};

/// The model fitted to one member's series: its values per complete period
/// from `first` to `last` (nulls are missing periods).
struct ForecastModel {
  DimTuple dims;
  forecast::Fit fit;
  bool fitted = false;  ///< the series has a period with a value
  int64_t first = 0, last = 0;
  bool simulated = false;  ///< the intervals are simulation quantiles
};

struct MetricResult {
  const plan::Output* output = nullptr;
  std::vector<Row> rows;
  /// With --forecast N: N periods per member after the last complete
  /// period, and the model of each member's series (ForecastMetrics).
  std::vector<ForecastRow> forecast;
  std::vector<ForecastModel> models;
  int horizon = 0;  ///< N of --forecast N; 0 when no forecast was asked
};

struct FiredAlert {
  std::string name, severity, message;
  int64_t period = 0;
  Val value;
  std::string dim;  ///< empty for the goal's total
  plan::VT dim_type = plan::VT::kString;
  DimValue member;
  bool percent = false;  ///< the value is a ratio shown as a percentage
  int worse = 0;         ///< plan::GoalPlan::Alert::worse
  /// The compared side is `forecast.FIELD` (plan::GoalPlan::Alert::
  /// forecast_field): the goal's forecast, not the period's value.
  std::string forecast_field;
};

struct GoalPeriod {
  int64_t period = 0;
  Val value, target;
  bool has_attainment = false;
  double attainment = 0;
  bool has_data = false;
  std::string status;  ///< met at_risk missed no_data no_target in_progress upcoming
  /// A partial period (cut by the window or the as-of date): its status is
  /// in_progress, its attainment is left out, and `pace` compares the value
  /// with the target pro rata (`elapsed` of the period's days) for an
  /// additive metric, or with the target over the span for any other.
  Span span;
  double elapsed = 1;
  bool has_pace = false;
  double pace = 0;
  Val pace_target;  ///< the target the pace compares with
};

/// The target a period's value is compared with: that of its days for a
/// period the window, the goal's bounds or the as-of date cut (an upcoming
/// one the goal's bounds cut included), else the whole period's.
inline const Val& DaysTarget(const GoalPeriod& gp) {
  return gp.span.partial && gp.span.first <= gp.span.last && !gp.pace_target.null() ? gp.pace_target : gp.target;
}

/// One `decompose` line, between the last period with data and the one
/// before it.
struct DecompositionResult {
  const plan::GoalPlan::Decomposition* node = nullptr;
  Val value, previous;  ///< the node's metric
  Val identity;         ///< the right side evaluated now
  /// A bridge over a partial period: the day whose balance is its opening
  /// (the last day of the period before, or the day before a window that
  /// cuts the period's start).
  std::optional<int32_t> opening_day;
  Val gap;              ///< value - identity
  bool holds = true;    ///< |gap| within 1e-9 of |value| (exact when exact)
  /// One side is known and the other is not, so the identity cannot be
  /// checked (a bridge whose opening balance has no rows; a balance by day
  /// on a day without rows, its flows known): the first term without a
  /// value, kNoTerm when the terms all have one, kNoValue when the value
  /// (the left side) has none; else -1.
  int unchecked = -1;
  static constexpr int kNoTerm = -2, kNoValue = -3;
  struct Term {
    Val value, previous;
    Val contribution;  ///< exact differences (additive) or the LMDI share (multiplicative)
  };
  std::vector<Term> terms;
};

/// One `drill` dimension: members ranked by their change.
/// Will the goal be met? An ETS forecast (docs/forecast.md) of the goal's
/// metric over its periods still to come, fitted to the complete periods up
/// to the as-of date, and the probability of meeting the target.
struct GoalOutlook {
  bool has = false;
  std::string why;  ///< without one: why, when the goal's period is not over
  int64_t history_from = 0;  ///< the first period fitted
  int64_t history_to = 0;    ///< the last period fitted (the last complete one)
  int64_t from = 0;          ///< the first period listed in `path` (the current one when it is partial)
  forecast::Fit fit;
  forecast::Path path;  ///< per period from `from` to the goal's last
  /// What is compared with the target: to date (the goal's complete
  /// periods) plus the rest of the periods for an amount (cumulative), else
  /// the goal's last period.
  bool cumulative = false;
  double to_date = forecast::kNaN, target = forecast::kNaN;
  /// For an amount, the goal's period in progress at the as-of date: its
  /// total so far (in to_date) and the share of its days elapsed; the rest
  /// of its forecast (1 - elapsed) is what is still to come.
  bool partial = false;
  double partial_actual = 0, partial_elapsed = 0;
  forecast::Outlook outlook;
  /// `forecast.FIELD` in alerts, in ir::kForecastFields order.
  std::array<double, 6> Fields() const {
    return {outlook.probability, outlook.end_mean, outlook.end_lo80, outlook.end_hi80, outlook.end_lo95,
            outlook.end_hi95};
  }
  /// on_track, at_risk, off_track or unknown.
  std::string Status() const;
};

struct DrillResult {
  const plan::GoalPlan::Drill* drill = nullptr;
  struct Member {
    DimValue member;
    Val value, previous, change, target;
    bool has_attainment = false;
    double attainment = 0;
    /// A ratio's change split: mix (the member's weight in the denominator
    /// moved) and rate (its own ratio moved); summed over members they give
    /// the whole ratio's change.
    bool has_effects = false;
    double mix = 0, rate = 0;
    /// The member's outlook (GoalOutlook, with the goal's model refitted to
    /// the member's own series) when the goal has one.
    std::shared_ptr<const GoalOutlook> outlook;
    /// The member's own series over the goal's periods, for the listed
    /// members (top and bottom): per period the drill's value and the
    /// member's own target (the drill's `target`, or its share of the
    /// goal's period target; null without either) evaluated for the member
    /// alone, a partial period over its days as the goal's is; its status
    /// and attainment as the goal's periods have them.
    std::vector<GoalPeriod> series;
    /// The listed members' own decompositions (per the goal's
    /// decompositions; `node` null where the dimension cannot break one
    /// down): the same identities, with the member as context, compared
    /// over the same periods as the goal's.
    std::vector<DecompositionResult> decomposition;
  };
  std::vector<Member> top, bottom;  ///< largest and smallest changes
  std::vector<Member> best, worst;  ///< highest and lowest attainment (members with one)
  std::vector<Member> at_risk;      ///< lowest probability of meeting their target first (members with one)
  size_t members = 0;
  size_t forecast_rated = 0;  ///< members with a probability (at_risk lists the lowest of them)
  size_t rated = 0;  ///< members with an attainment (best and worst list all of them when they are few)
  size_t forecast_members = 0;  ///< members forecast (at most kMaxForecastMembers, the largest)
};

struct GoalResult {
  const plan::GoalPlan* goal = nullptr;
  std::string status;
  std::vector<GoalPeriod> periods;
  std::vector<FiredAlert> alerts;
  /// Progress: the metric and target over the goal's periods up to the
  /// last one with data (recomputed from their parts), and a straight-line
  /// projection to the end of the goal's period.
  bool has_progress = false;
  int64_t through = 0;
  Span through_span;  ///< the last period with data, when partial
  Val to_date, target_to_date, target_total, projection;
  bool additive = false;                    ///< projection scales the to-date value; else it is the to-date value
  /// Every period of the goal is over at the as-of date (none upcoming or
  /// in progress): the status is final, `met` or `missed` (never
  /// `at_risk`), and the progress is the whole period's, not a projection.
  bool complete = false;
  bool compared = false;                    ///< a period with data and one before it were found
  int64_t period = 0, previous_period = 0;  ///< what decomposition and drill compare
  GoalOutlook forecast;  ///< `has` when the goal has periods left after the as-of date
  std::vector<DecompositionResult> decomposition;
  std::vector<DrillResult> drill;
};

struct Results {
  std::vector<MetricResult> metrics;
  std::vector<MetricResult> charts;
  std::vector<GoalResult> goals;
  std::vector<Warning> warnings;
  /// The as-of date: --as-of, or the last day with rows the run may see
  /// within --from/--to (none when no row was seen).
  std::optional<int32_t> as_of;
};

/// The rates of one conversion (plan::Plan::conversions): the rate in
/// effect from each date on, at plan::kRateScale (exec/rates.cc builds it
/// from the rates source).
struct RateTable {
  std::vector<int32_t> day;     ///< ascending
  std::vector<__int128> rate;   ///< units of `to` per unit of `from`, scaled by 10^kRateScale
  std::string source;           ///< the rates source and where it was read, for messages
};

/// The calendar's working days (plan::Plan::work): Monday to Friday,
/// except the days listed (exec/workdays.cc reads them from the source).
struct WorkDays {
  std::vector<int32_t> day;     ///< ascending, each once
  std::vector<uint8_t> worked;  ///< 1: a working day (even on a weekend); 0: a holiday
  /// Working days from `lo` to `hi` inclusive.
  int64_t Count(int32_t lo, int32_t hi) const;
};

/// No rate for a date that has an amount to convert (exit code 3).
struct RateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `v` rounded half-even to `digits` decimals (exact values only).
Val RoundHalfEven(const Val& v, int digits);

/// Evaluates outputs and goals from the scans' results (`rates`: one table
/// per plan conversion).
Results Evaluate(const plan::Plan& plan, const std::vector<ScanResult>& scans, const Limits& limits,
                 const std::vector<RateTable>& rates = {}, const WorkDays* work = nullptr);

/// The season length of a grain's series: 7 days, 52 weeks, 12 months, 4
/// quarters; 1 (no season) for years and `all`.
int SeasonOf(rt::Grain g);

/// Extends each metric result's series by `horizon` periods (1 to
/// forecast::kMaxHorizon): per member, the values of the complete periods
/// from the first in which the member has rows (in `scans`, the results
/// Evaluate() read) to the last complete period of the result are fitted
/// with forecast::Auto() and forecast from the period after it
/// (docs/language.md, "Forecasts"). A partial period is never fitted; a
/// null value is a missing period. Results at grain `all` are left alone
/// (the driver refuses them).
void ForecastMetrics(const plan::Plan& plan, const std::vector<ScanResult>& scans, int horizon, Results* results);

}  // namespace kpic::engine
