// The builtin table as markdown, for docs/language.md and
// `kpic explain builtins`.
#include <fmt/format.h>

#include "builtins/builtins.h"

namespace kpic::builtins {

namespace {

const char* CategoryText(Category c) {
  switch (c) {
    case Category::kAggregate:
      return "aggregate";
    case Category::kRow:
      return "row";
    case Category::kMetric:
      return "metric";
    case Category::kMethod:
      return "method";
    case Category::kMember:
      return "member";
  }
  return "?";
}

const char* UnitText(UnitRule u) {
  switch (u) {
    case UnitRule::kSameAsArg:
      return "its argument's";
    case UnitRule::kOne:
      return "`1`";
    case UnitRule::kEntityCount:
      return "the counted entity";
    case UnitRule::kDistinctEntity:
      return "the column's entity";
    case UnitRule::kArgSquared:
      return "its argument's, squared";
    case UnitRule::kCurrencyArg:
      return "the currency `CUR`";
    case UnitRule::kCommon:
      return "the branches' (which must agree)";
    case UnitRule::kDays:
      return "`day`";
  }
  return "?";
}

const char* AddText(AddRule a) {
  switch (a) {
    case AddRule::kAdditive:
      return "additive";
    case AddRule::kSumOfColumn:
      return "additive; semi-additive over a balance";
    case AddRule::kNonAdditive:
      return "non-additive";
    case AddRule::kSameAsArg:
      return "its metric's";
    case AddRule::kRowLevel:
      return "—";
  }
  return "?";
}

const char* NullText(NullPolicy n) {
  switch (n) {
    case NullPolicy::kSkipsNulls:
      return "skips nulls";
    case NullPolicy::kNullIfAnyNull:
      return "null if its argument is";
    case NullPolicy::kFirstNonNull:
      return "first non-null";
    case NullPolicy::kByCondition:
      return "a null condition takes `b`";
    case NullPolicy::kNullWithoutBase:
      return "its metric over the compared periods (a sum or count of no rows is 0, as in any period); null at grain `all` and where a ratio divides by 0";
    case NullPolicy::kOverPeriods:
      return "skips its metric's nulls; over no periods a sum is 0 at its places (0.00 for money), the others null; "
             "at grain `all`, over the periods of the data within --from and --to";
    case NullPolicy::kNeverNull:
      return "a count (null at `all` without --from and --to)";
  }
  return "?";
}

}  // namespace

std::string MarkdownTable() {
  std::string out =
      "| builtin | kind | unit | additivity | nulls | meaning | SQL |\n"
      "|---|---|---|---|---|---|---|\n";
  for (const Builtin* b : All()) {
    std::string sql;
    for (int d = 0; d < kDialectCount; ++d)
      if (b->dialects[d].refused) sql += (sql.empty() ? "not in " : ", ") + std::string(DialectName(static_cast<Dialect>(d)));
    if (sql.empty()) sql = "every dialect";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", b->signature, CategoryText(b->category),
                       UnitText(b->unit), AddText(b->additivity), NullText(b->nulls), b->summary, sql);
  }
  return out;
}

}  // namespace kpic::builtins
