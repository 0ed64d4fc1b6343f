// Metric functions, methods and members: they read metric values per
// period (period operators, windows, re-aggregation, shares), never rows.
#include "builtins/builtins.h"

namespace kpic::builtins {

void AddMetricFunctions(std::vector<Builtin>* out) {
  using K = ArgKind;
  using C = Category;
  auto add = [&](Fn fn, std::string_view name, C c, int min, int max, std::vector<K> kinds, UnitRule unit,
                 AddRule add_rule, std::string_view summary) {
    out->push_back({fn, name, c, min, max, std::move(kinds), unit, add_rule, NullPolicy::kNullWithoutBase,
                    State::kNone, summary});
  };
  add(Fn::kGrowth, "growth", C::kMetric, 1, 2, {K::kExpr, K::kPeriod}, UnitRule::kOne, AddRule::kNonAdditive,
      "growth(m, last_year) = (m - m.last_year) / m.last_year");
  add(Fn::kConvert, "convert", C::kMetric, 3, 3, {K::kExpr, K::kCurrency, K::kSource}, UnitRule::kCurrencyArg,
      AddRule::kAdditive, "convert(m, USD, rates): dated currency conversion");
  add(Fn::kShare, "share", C::kMetric, 1, 1, {K::kExpr}, UnitRule::kOne, AddRule::kNonAdditive,
      "share of the total across the breakdown");
  add(Fn::kWorkingDays, "working_days", C::kMetric, 0, 0, {}, UnitRule::kDays, AddRule::kAdditive,
      "working days in the period (within --from/--to), by the calendar's `working_days`");

  add(Fn::kToDate, "to_date", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "cumulative value since the start of the grain");
  add(Fn::kRolling, "rolling", C::kMethod, 1, 1, {K::kDuration}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "value over a trailing window, e.g. rolling(3 months)");
  add(Fn::kChange, "change", C::kMethod, 0, 1, {K::kPeriod}, UnitRule::kOne, AddRule::kNonAdditive,
      "relative change versus a previous period");
  add(Fn::kGrowthMethod, "growth", C::kMethod, 0, 1, {K::kPeriod}, UnitRule::kOne, AddRule::kNonAdditive,
      "same as growth(m, period)");
  add(Fn::kReaggAvg, "avg", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
      "average of per-grain values, e.g. sales.avg(day)");
  add(Fn::kReaggSum, "sum", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "sum of per-grain values");
  add(Fn::kReaggMin, "min", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
      "smallest per-grain value");
  add(Fn::kReaggMax, "max", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
      "largest per-grain value");
  add(Fn::kReaggLast, "last", C::kMethod, 1, 1, {K::kGrain}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
      "last per-grain value");
  add(Fn::kZScore, "zscore", C::kMethod, 1, 1, {K::kConstant}, UnitRule::kOne, AddRule::kNonAdditive,
      "standard deviations from the mean of the N periods before, e.g. sales.zscore(6)");

  add(Fn::kPrevious, "previous", C::kMember, 0, 0, {}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "the value one period of the grain earlier");
  add(Fn::kLastYear, "last_year", C::kMember, 0, 0, {}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "the value for the same period a year earlier");
  add(Fn::kTarget, "target", C::kMember, 0, 0, {}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "the goal's target for the period (in goals and alerts)");
  add(Fn::kLastYearWeekday, "last_year_weekday", C::kMember, 0, 0, {}, UnitRule::kSameAsArg, AddRule::kSameAsArg,
      "the value 52 weeks (364 days) earlier: the same weekdays a year earlier");
  for (Builtin& b : *out) {
    switch (b.fn) {
      case Fn::kGrowth:
        b.signature = "growth(m[, period])";
        break;
      case Fn::kConvert:
        b.signature = "convert(m, CUR, rates)";
        b.nulls = NullPolicy::kSkipsNulls;  // a day without an amount is left out; none gives 0
        b.dialects[static_cast<int>(Dialect::kBigquery)].refused =
            "BigQuery's NUMERIC keeps 9 decimals, and a converted amount needs its own scale plus 10";
        break;
      case Fn::kShare:
        b.signature = "share(m)";
        break;
      case Fn::kWorkingDays:
        b.signature = "working_days()";
        b.nulls = NullPolicy::kNeverNull;
        break;
      case Fn::kLastYearWeekday:
        b.signature = "m.last_year_weekday";
        break;
      case Fn::kToDate:
        b.signature = "m.to_date(grain)";
        break;
      case Fn::kRolling:
        b.signature = "m.rolling(duration)";
        break;
      case Fn::kChange:
        b.signature = "m.change([period])";
        break;
      case Fn::kGrowthMethod:
        b.signature = "m.growth([period])";
        break;
      case Fn::kReaggAvg:
        b.signature = "m.avg(grain)";
        b.nulls = NullPolicy::kOverPeriods;
        break;
      case Fn::kReaggSum:
        b.signature = "m.sum(grain)";
        b.nulls = NullPolicy::kOverPeriods;
        break;
      case Fn::kReaggMin:
        b.signature = "m.min(grain)";
        b.nulls = NullPolicy::kOverPeriods;
        break;
      case Fn::kReaggMax:
        b.signature = "m.max(grain)";
        b.nulls = NullPolicy::kOverPeriods;
        break;
      case Fn::kReaggLast:
        b.signature = "m.last(grain)";
        b.nulls = NullPolicy::kOverPeriods;
        break;
      case Fn::kZScore:
        b.signature = "m.zscore(N)";
        break;
      case Fn::kPrevious:
        b.signature = "m.previous";
        break;
      case Fn::kLastYear:
        b.signature = "m.last_year";
        break;
      case Fn::kTarget:
        b.signature = "m.target";
        break;
      default:
        break;
    }
  }
}

}  // namespace kpic::builtins
