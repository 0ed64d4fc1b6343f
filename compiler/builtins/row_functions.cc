// Row functions: evaluated per row inside aggregates (and per period on
// metric values where they make sense: if, coalesce, abs, round).
#include "builtins/builtins.h"

namespace kpic::builtins {

void AddRowFunctions(std::vector<Builtin>* out) {
  using K = ArgKind;
  using C = Category;
  auto row = [&](Fn fn, std::string_view name, int min, int max, std::vector<K> kinds, UnitRule unit,
                 NullPolicy nulls, std::string_view summary) {
    out->push_back({fn, name, C::kRow, min, max, std::move(kinds), unit, AddRule::kRowLevel, nulls, State::kNone,
                    summary});
  };
  row(Fn::kIf, "if", 3, 3, {K::kExpr}, UnitRule::kCommon, NullPolicy::kByCondition, "if(condition, then, else)");
  row(Fn::kCoalesce, "coalesce", 2, -1, {K::kExpr}, UnitRule::kCommon, NullPolicy::kFirstNonNull,
      "first non-null argument");
  // Date parts: ISO weeks and weekdays (Monday = 1); the SQL spellings are
  // the dialect table's (sql/dialect.cc), which also serves period buckets.
  row(Fn::kYear, "year", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "year of a date or timestamp");
  row(Fn::kQuarter, "quarter", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull,
      "quarter (1-4) of a date");
  row(Fn::kMonth, "month", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "month (1-12) of a date");
  row(Fn::kWeek, "week", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "ISO week number of a date");
  row(Fn::kDay, "day", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "day of month of a date");
  row(Fn::kWeekday, "weekday", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull,
      "ISO weekday (1 = Monday) of a date");
  row(Fn::kHour, "hour", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "hour of a timestamp");
  row(Fn::kDate, "date", 1, 1, {K::kExpr}, UnitRule::kOne, NullPolicy::kNullIfAnyNull, "date part of a timestamp");
  row(Fn::kAbs, "abs", 1, 1, {K::kExpr}, UnitRule::kSameAsArg, NullPolicy::kNullIfAnyNull, "absolute value");
  row(Fn::kRound, "round", 1, 2, {K::kExpr, K::kExpr}, UnitRule::kSameAsArg, NullPolicy::kNullIfAnyNull,
      "round a metric's value half away from zero to n decimal places (n a whole constant from 0 to 38; default 0; a "
      "double as written: its shortest decimal)");
  out->back().category = C::kMetric;  // of a metric's value, never per row (E0311): explain said "row"
  for (Builtin& b : *out) {
    switch (b.fn) {
      case Fn::kIf:
        b.signature = "if(c, a, b)";
        break;
      case Fn::kCoalesce:
        b.signature = "coalesce(a, b, ...)";
        break;
      case Fn::kYear:
        b.signature = "year(d)";
        break;
      case Fn::kQuarter:
        b.signature = "quarter(d)";
        break;
      case Fn::kMonth:
        b.signature = "month(d)";
        break;
      case Fn::kWeek:
        b.signature = "week(d)";
        break;
      case Fn::kDay:
        b.signature = "day(d)";
        break;
      case Fn::kWeekday:
        b.signature = "weekday(d)";
        break;
      case Fn::kHour:
        b.signature = "hour(t)";
        break;
      case Fn::kDate:
        b.signature = "date(t)";
        break;
      case Fn::kAbs:
        b.signature = "abs(x)";
        break;
      case Fn::kRound:
        b.signature = "round(x[, n])";
        break;
      default:
        break;
    }
  }
}

}  // namespace kpic::builtins
