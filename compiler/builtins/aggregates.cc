// Aggregates: functions over the rows of one source, each keeping a
// mergeable state per group (builtins.h, `State`).
#include "builtins/builtins.h"

namespace kpic::builtins {

void AddAggregates(std::vector<Builtin>* out) {
  using K = ArgKind;
  using C = Category;
  constexpr int kTrino = static_cast<int>(Dialect::kTrino);
  constexpr int kSqlite = static_cast<int>(Dialect::kSqlite);
  constexpr int kBigquery = static_cast<int>(Dialect::kBigquery);
  constexpr int kPostgres = static_cast<int>(Dialect::kPostgres);
  constexpr int kDuckdb = static_cast<int>(Dialect::kDuckdb);
  constexpr int kSpark = static_cast<int>(Dialect::kSpark);
  constexpr int kClickhouse = static_cast<int>(Dialect::kClickhouse);

  out->push_back({Fn::kSum, "sum", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg, AddRule::kSumOfColumn,
                  NullPolicy::kSkipsNulls, State::kSum, "sum of a row expression", "SUM({0})"});
  Builtin count{Fn::kCount, "count", C::kAggregate, 1, 1, {K::kSourceOrExpr}, UnitRule::kEntityCount,
                AddRule::kAdditive, NullPolicy::kSkipsNulls, State::kCount, "number of rows (or of non-null values)",
                "COUNT({0})"};
  count.numeric_only = false;
  out->push_back(count);
  Builtin distinct{Fn::kCountDistinct, "count_distinct", C::kAggregate, 1, 1, {K::kExpr},
                   UnitRule::kDistinctEntity, AddRule::kNonAdditive, NullPolicy::kSkipsNulls, State::kDistinct,
                   "number of distinct non-null values", "COUNT(DISTINCT {0})"};
  distinct.numeric_only = false;
  out->push_back(distinct);
  out->push_back({Fn::kAvg, "avg", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
                  NullPolicy::kSkipsNulls, State::kSum, "average of non-null values"});
  // min and max also order dates and timestamps.
  Builtin min{Fn::kMin, "min", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
              NullPolicy::kSkipsNulls, State::kMinMax, "smallest non-null value", "MIN({0})"};
  min.numeric_only = false;
  out->push_back(min);
  Builtin max{Fn::kMax, "max", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg, AddRule::kNonAdditive,
              NullPolicy::kSkipsNulls, State::kMinMax, "largest non-null value", "MAX({0})"};
  max.numeric_only = false;
  out->push_back(max);

  // Exact order statistics: {0} is the value, {1} the fraction. Engines
  // without an exact continuous percentile refuse them rather than
  // approximate.
  Builtin median{Fn::kMedian, "median", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg,
                 AddRule::kNonAdditive, NullPolicy::kSkipsNulls, State::kValues, "median of non-null values"};
  median.dialects[kPostgres].sql = "percentile_cont({1}) WITHIN GROUP (ORDER BY {0})";
  median.dialects[kDuckdb].sql = "quantile_cont({0}, {1})";
  median.dialects[kSpark].sql = "percentile({0}, {1})";
  median.dialects[kClickhouse].sql = "quantileExactInclusive({1})({0})";
  median.dialects[kSqlite].refused = "SQLite has no exact percentile";
  median.dialects[kTrino].refused = "Trino has only approximate percentiles";
  median.dialects[kBigquery].refused = "BigQuery has only approximate percentiles as aggregates";
  out->push_back(median);
  Builtin percentile = median;
  percentile.fn = Fn::kPercentile;
  percentile.name = "percentile";
  percentile.min_args = percentile.max_args = 2;
  percentile.kinds = {K::kExpr, K::kConstant};
  percentile.summary = "p-th percentile, p between 0 and 1";
  out->push_back(percentile);

  // Sample variance and standard deviation (n - 1 in the denominator, as
  // SQL's VAR_SAMP and STDDEV_SAMP), from the moments of the group: the
  // numerator n * sum(x^2) - sum(x)^2 is exact for integers and decimals;
  // floats keep moments shifted by a value of the group (engine::AggStates).
  out->push_back({Fn::kStddev, "stddev", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kSameAsArg,
                  AddRule::kNonAdditive, NullPolicy::kSkipsNulls, State::kMoments,
                  "sample standard deviation of non-null values (null for fewer than two)", "SQRT({0})"});
  out->push_back({Fn::kVariance, "variance", C::kAggregate, 1, 1, {K::kExpr}, UnitRule::kArgSquared,
                  AddRule::kNonAdditive, NullPolicy::kSkipsNulls, State::kMoments,
                  "sample variance of non-null values (null for fewer than two)", "{0}"});
  for (Builtin& b : *out) {
    switch (b.fn) {
      case Fn::kSum:
        b.signature = "sum(x)";
        break;
      case Fn::kCount:
        b.signature = "count(source) / count(x)";
        break;
      case Fn::kCountDistinct:
        b.signature = "count_distinct(x)";
        break;
      case Fn::kAvg:
        b.signature = "avg(x)";
        break;
      case Fn::kMin:
        b.signature = "min(x)";
        break;
      case Fn::kMax:
        b.signature = "max(x)";
        break;
      case Fn::kMedian:
        b.signature = "median(x)";
        break;
      case Fn::kPercentile:
        b.signature = "percentile(x, p)";
        break;
      case Fn::kStddev:
        b.signature = "stddev(x)";
        break;
      case Fn::kVariance:
        b.signature = "variance(x)";
        break;
      default:
        break;
    }
  }
}

}  // namespace kpic::builtins
