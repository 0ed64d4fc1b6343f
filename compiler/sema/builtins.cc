// The builtin registry data.
#include "sema/builtins.h"

namespace kpic {

using K = ArgKind;
using C = BuiltinCategory;

const std::vector<Builtin>& Builtins() {
  static const std::vector<Builtin> all = {
      {"sum", C::kAggregate, 1, 1, {K::kExpr}, "sum of a row expression"},
      {"count", C::kAggregate, 1, 1, {K::kSourceOrExpr}, "number of rows (or of non-null values)"},
      {"count_distinct", C::kAggregate, 1, 1, {K::kExpr}, "number of distinct non-null values"},
      {"avg", C::kAggregate, 1, 1, {K::kExpr}, "average of non-null values"},
      {"min", C::kAggregate, 1, 1, {K::kExpr}, "smallest non-null value"},
      {"max", C::kAggregate, 1, 1, {K::kExpr}, "largest non-null value"},
      {"median", C::kAggregate, 1, 1, {K::kExpr}, "median of non-null values"},
      {"percentile", C::kAggregate, 2, 2, {K::kExpr, K::kExpr}, "p-th percentile, p between 0 and 1"},
      {"if", C::kRow, 3, 3, {K::kExpr}, "if(condition, then, else)"},
      {"coalesce", C::kRow, 2, -1, {K::kExpr}, "first non-null argument"},
      {"year", C::kRow, 1, 1, {K::kExpr}, "year of a date or timestamp"},
      {"quarter", C::kRow, 1, 1, {K::kExpr}, "quarter (1-4) of a date"},
      {"month", C::kRow, 1, 1, {K::kExpr}, "month (1-12) of a date"},
      {"week", C::kRow, 1, 1, {K::kExpr}, "ISO week number of a date"},
      {"day", C::kRow, 1, 1, {K::kExpr}, "day of month of a date"},
      {"weekday", C::kRow, 1, 1, {K::kExpr}, "ISO weekday (1 = Monday) of a date"},
      {"hour", C::kRow, 1, 1, {K::kExpr}, "hour of a timestamp"},
      {"date", C::kRow, 1, 1, {K::kExpr}, "date part of a timestamp"},
      {"abs", C::kRow, 1, 1, {K::kExpr}, "absolute value"},
      {"round", C::kRow, 1, 2, {K::kExpr, K::kExpr}, "round to n decimal places"},
      {"growth", C::kMetric, 1, 2, {K::kExpr, K::kPeriod}, "growth(m, last_year) = m / m.last_year - 1"},
      {"convert",
       C::kMetric,
       3,
       3,
       {K::kExpr, K::kCurrency, K::kSource},
       "convert(m, USD, rates): dated currency conversion"},
      {"share", C::kMetric, 1, 1, {K::kExpr}, "share of the total across the breakdown"},
  };
  return all;
}

const std::vector<Builtin>& MetricMethods() {
  static const std::vector<Builtin> all = {
      {"to_date", C::kMethod, 1, 1, {K::kGrain}, "cumulative value since the start of the grain"},
      {"rolling", C::kMethod, 1, 1, {K::kDuration}, "value over a trailing window, e.g. rolling(3 months)"},
      {"change", C::kMethod, 0, 1, {K::kPeriod}, "relative change versus a previous period"},
      {"growth", C::kMethod, 0, 1, {K::kPeriod}, "same as growth(m, period)"},
      {"avg", C::kMethod, 1, 1, {K::kGrain}, "average of per-grain values, e.g. sales.avg(day)"},
      {"sum", C::kMethod, 1, 1, {K::kGrain}, "sum of per-grain values"},
      {"min", C::kMethod, 1, 1, {K::kGrain}, "smallest per-grain value"},
      {"max", C::kMethod, 1, 1, {K::kGrain}, "largest per-grain value"},
      {"last", C::kMethod, 1, 1, {K::kGrain}, "last per-grain value"},
      {"zscore", C::kMethod, 1, 1, {K::kExpr},
       "standard deviations from the mean of the N periods before, e.g. sales.zscore(6)"},
  };
  return all;
}

const std::vector<std::string>& MetricMembers() {
  static const std::vector<std::string> all = {"previous", "last_year", "target"};
  return all;
}

const Builtin* FindBuiltin(std::string_view name) {
  for (const Builtin& b : Builtins())
    if (b.name == name) return &b;
  return nullptr;
}

const Builtin* FindMethod(std::string_view name) {
  for (const Builtin& b : MetricMethods())
    if (b.name == name) return &b;
  return nullptr;
}

ArgKind KindOfArg(const Builtin& b, size_t index) {
  if (b.kinds.empty()) return K::kExpr;
  return index < b.kinds.size() ? b.kinds[index] : b.kinds.back();
}

const std::vector<std::string>& GrainNames() {
  static const std::vector<std::string> all = {"day", "week", "month", "quarter", "year"};
  return all;
}

const std::vector<std::string>& PeriodNames() {
  static const std::vector<std::string> all = {"previous", "last_year", "day", "week", "month", "quarter", "year"};
  return all;
}

const std::vector<std::string>& ColumnTypeNames() {
  static const std::vector<std::string> all = {"int", "float", "decimal", "bool", "string", "date", "timestamp"};
  return all;
}

}  // namespace kpic
