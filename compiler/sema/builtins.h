// The builtin function registry, as plain data: names, arity, what each
// argument must be, and a one-line description. The checker validates
// calls against it; later stages attach types and evaluation to the same
// entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kpic {

enum class ArgKind {
  kExpr,          ///< any expression
  kSourceOrExpr,  ///< `count(orders)` or `count(orders.order_id)`
  kGrain,         ///< day | week | month | quarter | year
  kPeriod,        ///< previous | last_year | a grain
  kCurrency,      ///< a currency unit such as USD
  kSource,        ///< a source name (rate tables)
  kDuration,      ///< `3 months`
};

enum class BuiltinCategory { kAggregate, kRow, kMetric, kMethod };

struct Builtin {
  std::string_view name;
  BuiltinCategory category;
  int min_args;
  int max_args;                ///< -1: unbounded
  std::vector<ArgKind> kinds;  ///< per position; the last one repeats
  std::string_view summary;
};

/// Free functions: aggregates, row functions and metric functions.
const std::vector<Builtin>& Builtins();
/// Methods on metrics: `sales.to_date(year)`, `sales.rolling(3 months)`.
const std::vector<Builtin>& MetricMethods();
/// Members on metrics that take no arguments: `sales.previous`.
const std::vector<std::string>& MetricMembers();

const Builtin* FindBuiltin(std::string_view name);
const Builtin* FindMethod(std::string_view name);
ArgKind KindOfArg(const Builtin& b, size_t index);

/// Closed vocabularies used by the checker for "did you mean".
const std::vector<std::string>& GrainNames();
const std::vector<std::string>& PeriodNames();
const std::vector<std::string>& ColumnTypeNames();

}  // namespace kpic
