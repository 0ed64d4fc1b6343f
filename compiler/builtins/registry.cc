// The builtin table's index: entries by Fn, by name per category, and the
// closed vocabularies of symbolic arguments.
#include <algorithm>
#include <cstdlib>

#include "builtins/builtins.h"

namespace kpic::builtins {

namespace {

struct Table {
  std::vector<Builtin> entries;
  std::vector<const Builtin*> by_fn;
  std::vector<const Builtin*> all;
  Table() {
    AddAggregates(&entries);
    AddRowFunctions(&entries);
    AddMetricFunctions(&entries);
    by_fn.assign(kFnCount, nullptr);
    for (const Builtin& b : entries) {
      by_fn[static_cast<int>(b.fn)] = &b;
      all.push_back(&b);
    }
    // Every Fn has exactly one entry: a missing one is a bug in the table.
    for (const Builtin* b : by_fn)
      if (!b) std::abort();
  }
};

const Table& T() {
  static const Table table;
  return table;
}

const Builtin* Find(std::string_view name, bool (*in)(Category)) {
  for (const Builtin* b : T().all)
    if (b->name == name && in(b->category)) return b;
  return nullptr;
}

}  // namespace

const char* DialectName(Dialect d) {
  static const char* kNames[] = {"postgres", "duckdb", "sqlite", "trino", "spark", "clickhouse", "bigquery"};
  return kNames[static_cast<int>(d)];
}

bool FindDialect(std::string_view name, Dialect* out) {
  for (int d = 0; d < kDialectCount; ++d)
    if (name == DialectName(static_cast<Dialect>(d))) {
      *out = static_cast<Dialect>(d);
      return true;
    }
  return false;
}

const std::vector<std::string>& DialectNames() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (int d = 0; d < kDialectCount; ++d) v.push_back(DialectName(static_cast<Dialect>(d)));
    return v;
  }();
  return all;
}

const Builtin& Get(Fn fn) { return *T().by_fn[static_cast<int>(fn)]; }
const std::vector<const Builtin*>& All() { return T().all; }

const Builtin* FindFunction(std::string_view name) {
  return Find(name, [](Category c) { return c == Category::kAggregate || c == Category::kRow || c == Category::kMetric; });
}
const Builtin* FindMethod(std::string_view name) {
  return Find(name, [](Category c) { return c == Category::kMethod; });
}
const Builtin* FindMember(std::string_view name) {
  return Find(name, [](Category c) { return c == Category::kMember; });
}

namespace {
std::vector<std::string> Names(bool (*in)(Category)) {
  std::vector<std::string> out;
  for (const Builtin* b : T().all)
    if (in(b->category)) out.emplace_back(b->name);
  return out;
}
}  // namespace

std::vector<std::string> FunctionNames() {
  return Names([](Category c) { return c == Category::kAggregate || c == Category::kRow || c == Category::kMetric; });
}
std::vector<std::string> MethodNames() {
  return Names([](Category c) { return c == Category::kMethod; });
}
std::vector<std::string> MemberNames() {
  return Names([](Category c) { return c == Category::kMember; });
}

ArgKind KindOfArg(const Builtin& b, size_t index) {
  if (b.kinds.empty()) return ArgKind::kExpr;
  return index < b.kinds.size() ? b.kinds[index] : b.kinds.back();
}

const char* SqlOf(Fn fn, Dialect d, const char** why) {
  const Builtin& b = Get(fn);
  const Spelling& s = b.dialects[static_cast<int>(d)];
  if (s.refused) {
    if (why) *why = s.refused;
    return nullptr;
  }
  return s.sql ? s.sql : b.sql;
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

}  // namespace kpic::builtins
