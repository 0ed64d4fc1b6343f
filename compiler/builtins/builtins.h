// The builtin table: every function, aggregate, metric method and period
// member of the language is one entry of plain data. The checker validates
// calls and derives units and additivity from it, the lowering maps it to
// plan operations, the interpreter, the JIT and the SQL emitter read its
// state and null rules and its per-dialect spelling. No stage compares a
// builtin's name as a string: names are looked up here once, and every
// later stage switches on `Fn`.
//
// The entries live in small files by category (aggregates.cc,
// row_functions.cc, metric_functions.cc); registry.cc indexes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kpic::builtins {

/// Every builtin, by identity. Methods and members that share a spelling
/// with a function (`avg`, `growth`) are distinct entries.
enum class Fn : uint8_t {
  // aggregates over rows
  kSum, kCount, kCountDistinct, kAvg, kMin, kMax, kMedian, kPercentile, kStddev, kVariance,
  // row functions
  kIf, kCoalesce, kYear, kQuarter, kMonth, kWeek, kDay, kWeekday, kHour, kDate, kAbs, kRound,
  // metric functions
  kGrowth, kConvert, kShare, kWorkingDays,
  // methods on metrics
  kToDate, kRolling, kChange, kGrowthMethod, kReaggAvg, kReaggSum, kReaggMin, kReaggMax, kReaggLast, kZScore,
  // members of metrics (no arguments)
  kPrevious, kLastYear, kTarget, kLastYearWeekday,
  kCount_,  ///< the number of builtins (not one)
};
inline constexpr int kFnCount = static_cast<int>(Fn::kCount_);

enum class Category : uint8_t { kAggregate, kRow, kMetric, kMethod, kMember };

/// What an argument position accepts.
enum class ArgKind : uint8_t {
  kExpr,          ///< any expression
  kSourceOrExpr,  ///< `count(orders)` or `count(orders.order_id)`
  kGrain,         ///< day | week | month | quarter | year
  kPeriod,        ///< previous | last_year | a grain
  kCurrency,      ///< a currency unit such as USD
  kSource,        ///< a source name (rate tables)
  kDuration,      ///< `3 months`
  kConstant,      ///< a number literal (percentile's p, zscore's N, round's digits)
};

/// The unit of the result, from the units of the arguments.
enum class UnitRule : uint8_t {
  kSameAsArg,       ///< the unit of the first argument
  kOne,             ///< dimensionless
  kEntityCount,     ///< count: the counted source's entity
  kDistinctEntity,  ///< count_distinct: the column's entity, else its name
  kArgSquared,      ///< variance: the argument's unit squared
  kCurrencyArg,     ///< convert: the currency named by the second argument
  kCommon,          ///< if/coalesce: the branches' common unit
  kDays,            ///< working_days: a number of days
};

/// How the result rolls up (docs/language.md, "Additivity").
enum class AddRule : uint8_t {
  kAdditive,       ///< count, convert
  kSumOfColumn,    ///< sum: additive, or semi-additive over a balance column
  kNonAdditive,    ///< ratios of states, order statistics, re-aggregations
  kSameAsArg,      ///< period members and windows keep their metric's additivity
  kRowLevel,       ///< row functions: decided by the expression around them
};

/// How nulls in the inputs reach the result.
enum class NullPolicy : uint8_t {
  kSkipsNulls,       ///< aggregates: null inputs are left out; no inputs gives null (count gives 0)
  kNullIfAnyNull,    ///< the result is null when any argument is null
  kFirstNonNull,     ///< coalesce
  kByCondition,      ///< if: null condition takes the else branch
  kNullWithoutBase,  ///< period operators: null when the compared period has no value
  kOverPeriods,      ///< re-aggregations: skip nulls; a sum of no periods is 0, the others null
  kNeverNull,        ///< working_days: a count (null only at `all` without a window)
};

/// The mergeable state an aggregate keeps per group. Every engine keeps the
/// same state, so that a value at any grain is recomputed from its parts.
enum class State : uint8_t {
  kNone,      ///< not an aggregate
  kSum,       ///< exact sum (or float sum) and the non-null count
  kCount,     ///< count of non-null values (or of rows)
  kMinMax,    ///< smallest and largest value
  kDistinct,  ///< the set of distinct values
  kValues,    ///< every value (exact median and percentiles)
  kMoments,   ///< count, sum and sum of squares (exact for integers and decimals)
};

/// The SQL dialects kpic emits, in the order of the CLI contract.
enum class Dialect : uint8_t { kPostgres, kDuckdb, kSqlite, kTrino, kSpark, kClickhouse, kBigquery, kCount_ };
inline constexpr int kDialectCount = static_cast<int>(Dialect::kCount_);
const char* DialectName(Dialect d);
/// The dialect of a name (`postgres`, `trino`, ...); false when there is none.
bool FindDialect(std::string_view name, Dialect* out);
/// Every dialect's name, in enum order.
const std::vector<std::string>& DialectNames();

/// How one dialect spells a builtin: a template over SQL expressions
/// ({0} the value, {1} a constant such as p), or a refusal with its reason.
struct Spelling {
  const char* sql = nullptr;     ///< nullptr: the generic spelling of the entry
  const char* refused = nullptr; ///< non-null: this dialect cannot compute it exactly, and why
};

struct Builtin {
  Fn fn;
  std::string_view name;
  Category category;
  int min_args;
  int max_args;                ///< -1: unbounded
  std::vector<ArgKind> kinds;  ///< per position; the last one repeats
  UnitRule unit;
  AddRule additivity;
  NullPolicy nulls;
  State state;
  std::string_view summary;
  /// The generic SQL template, used by every dialect without its own entry.
  const char* sql = nullptr;
  /// Per-dialect spellings and refusals, indexed by Dialect.
  Spelling dialects[kDialectCount] = {};
  /// Whether the aggregate reads numbers only (false: also dates for min/max,
  /// any value for count and count_distinct).
  bool numeric_only = true;
  /// How it is written, for docs, hover and messages: `percentile(x, p)`.
  std::string_view signature;
};

/// Every builtin, indexed by Fn.
const Builtin& Get(Fn fn);
const std::vector<const Builtin*>& All();

/// Free functions (aggregates, row and metric functions) by name.
const Builtin* FindFunction(std::string_view name);
/// Methods on metrics (`sales.to_date(year)`) by name.
const Builtin* FindMethod(std::string_view name);
/// Members on metrics without arguments (`sales.previous`) by name.
const Builtin* FindMember(std::string_view name);

/// Names in table order, for "did you mean" and completion: free
/// functions, methods, members.
std::vector<std::string> FunctionNames();
std::vector<std::string> MethodNames();
std::vector<std::string> MemberNames();
ArgKind KindOfArg(const Builtin& b, size_t index);

/// The spelling of `fn` in `d`: the dialect's template, else the generic one;
/// nullptr when the dialect refuses it (then `*why` says why).
const char* SqlOf(Fn fn, Dialect d, const char** why = nullptr);

/// Closed vocabularies used by the checker for "did you mean".
const std::vector<std::string>& GrainNames();
const std::vector<std::string>& PeriodNames();
const std::vector<std::string>& ColumnTypeNames();

/// The table as markdown (one row per builtin), as docs/language.md
/// shows it; `kpic explain builtins` prints it and a test holds the docs
/// against it.
std::string MarkdownTable();

/// Per-entry registration, one function per category file.
void AddAggregates(std::vector<Builtin>* out);
void AddRowFunctions(std::vector<Builtin>* out);
void AddMetricFunctions(std::vector<Builtin>* out);

}  // namespace kpic::builtins
