// Decoding statistics and testing them against a filter (see statistics.h).
#include "statistics.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kpic::rt::parquet {

namespace {

/// Whether the deprecated min/max (always signed order) are the column's
/// order: signed integers and their kinds, and floats.
bool SignedOrderIsTypeOrder(const ColumnPlan& p) {
  Physical t = *p.element->type;
  if (t != Physical::kInt32 && t != Physical::kInt64 && t != Physical::kFloat && t != Physical::kDouble) return false;
  return p.kind.kind != ValueKind::kUnsignedInt;
}

/// One statistics value in the target domain; false when it cannot be.
bool Convert(const ColumnPlan& p, ColType type, const std::string& raw, int64_t* i, double* f, std::string* s) {
  Physical t = *p.element->type;
  bool bad = false;
  BadFn on_bad = [&](size_t, std::string, std::string) { bad = true; };
  if (type == ColType::kString) {
    *s = raw;
    return true;
  }
  if (t == Physical::kByteArray || t == Physical::kFixedLenByteArray) {
    std::string shown;
    return p.convert->DecimalBytes(raw, i, f, &shown).empty();
  }
  if (t == Physical::kFloat || t == Physical::kDouble) {
    if (raw.size() != (t == Physical::kFloat ? 4u : 8u)) return false;
    if (t == Physical::kFloat) {
      float x;
      std::memcpy(&x, raw.data(), 4);
      *f = x;
    } else {
      std::memcpy(f, raw.data(), 8);
    }
    return !std::isnan(*f);
  }
  int64_t v = 0;
  if (t == Physical::kInt32 && raw.size() == 4) {
    int32_t x;
    std::memcpy(&x, raw.data(), 4);
    v = x;
  } else if (t == Physical::kInt64 && raw.size() == 8) {
    std::memcpy(&v, raw.data(), 8);
  } else if (t == Physical::kBoolean && raw.size() == 1) {
    v = raw[0] & 1;
  } else {
    return false;  // INT96 statistics follow no reliable order
  }
  if (type == ColType::kFloat) {
    p.convert->IntsToFloats(&v, f, 1);
    return true;
  }
  p.convert->Ints(&v, 1, on_bad);
  *i = v;
  return !bad;
}

}  // namespace

ColumnStats DecodeStats(const ParquetFile& file, size_t rg, const ColumnPlan& plan, ColType type) {
  ColumnStats out;
  if (!plan.field) return out;
  const size_t leaf = static_cast<size_t>(plan.field->leaf);
  const RawStatistics& s = file.meta().row_groups[rg].columns[leaf].statistics;
  out.null_count = s.null_count;
  const std::string *lo = nullptr, *hi = nullptr;
  const auto& orders = file.meta().type_order;
  if (s.min_value && s.max_value && leaf < orders.size() && orders[leaf]) {
    lo = &*s.min_value;
    hi = &*s.max_value;
  } else if (s.min && s.max && SignedOrderIsTypeOrder(plan)) {
    lo = &*s.min;
    hi = &*s.max;
  }
  if (!lo || plan.kind.kind == ValueKind::kNull) return out;
  out.has_range = Convert(plan, type, *lo, &out.min_int, &out.min_float, &out.min_string) &&
                  Convert(plan, type, *hi, &out.max_int, &out.max_float, &out.max_string);
  return out;
}

namespace {

/// A day as a value of a date (days) or timestamp (microseconds, UTC)
/// column, saturating.
int64_t DayValue(ColType t, int64_t day) {
  if (t == ColType::kDate) return day;
  int64_t v;
  if (__builtin_mul_overflow(day, int64_t{86400000000}, &v)) return day < 0 ? INT64_MIN : INT64_MAX;
  return v;
}

}  // namespace

bool HasRowsFrom(const ParquetFilter& filter, const std::vector<CsvColumnRequest>& requests,
                 const std::vector<std::optional<ColumnStats>>& stats, size_t rows) {
  if (!filter.time || filter.time->to_day == INT64_MAX || rows == 0) return false;
  for (size_t r = 0; r < requests.size() && r < stats.size(); ++r) {
    if (requests[r].name != filter.time->column || !stats[r]) continue;
    const ColumnStats& s = *stats[r];
    ColType t = requests[r].type;
    if (!s.has_range || (t != ColType::kDate && t != ColType::kTimestamp)) return false;
    if (s.null_count && static_cast<size_t>(*s.null_count) >= rows) return false;
    return s.max_int >= DayValue(t, filter.time->to_day);
  }
  return false;
}

bool MayMatch(const ParquetFilter& filter, const std::vector<CsvColumnRequest>& requests,
              const std::vector<std::optional<ColumnStats>>& stats, size_t rows) {
  auto find = [&](const std::string& name) -> const ColumnStats* {
    for (size_t r = 0; r < requests.size() && r < stats.size(); ++r)
      if (requests[r].name == name && stats[r]) return &*stats[r];
    return nullptr;
  };
  auto index = [&](const std::string& name) -> int {
    for (size_t r = 0; r < requests.size(); ++r)
      if (requests[r].name == name) return static_cast<int>(r);
    return -1;
  };
  // Only nulls: no row can match any filter.
  auto all_null = [&](const ColumnStats& s) { return s.null_count && static_cast<size_t>(*s.null_count) >= rows; };
  if (!filter.keep_nulls.empty()) {
    const ColumnStats* s = find(filter.keep_nulls);
    if (!s || !s->null_count || *s->null_count > 0) return true;
  }
  if (filter.time) {
    const ColumnStats* s = find(filter.time->column);
    int r = index(filter.time->column);
    if (s && r >= 0) {
      if (all_null(*s) && rows > 0) return false;
      ColType t = requests[static_cast<size_t>(r)].type;
      if (s->has_range && (t == ColType::kDate || t == ColType::kTimestamp)) {
        // [from, to) in the column's unit, saturating.
        int64_t from = DayValue(t, filter.time->from_day), to = DayValue(t, filter.time->to_day);
        if (s->max_int < from || s->min_int >= to) return false;
      }
    }
  }
  for (const ParquetFilter::ValueSet& vs : filter.values) {
    const ColumnStats* s = find(vs.column);
    int r = index(vs.column);
    if (!s || r < 0) continue;
    if (all_null(*s) && rows > 0) return false;
    if (!s->has_range) continue;
    ColType t = requests[static_cast<size_t>(r)].type;
    bool any = false;
    if (t == ColType::kString) {
      for (const std::string& v : vs.strings) any = any || (v >= s->min_string && v <= s->max_string);
    } else if (t != ColType::kFloat) {
      for (int64_t v : vs.ints) any = any || (v >= s->min_int && v <= s->max_int);
    } else {
      any = true;
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace kpic::rt::parquet
