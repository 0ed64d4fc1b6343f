// Row-group statistics in the declared column's value domain, and the
// pruning test: whether a row group's (or a Hive partition's) values can
// meet the caller's filter at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "file.h"

namespace kpic::rt::parquet {

/// A column chunk's statistics as values of the declared column: ints for
/// int, decimal (scaled), bool, date (days) and timestamp (microseconds,
/// UTC), doubles for float, bytes for string.
struct ColumnStats {
  std::optional<int64_t> null_count;
  bool has_range = false;  ///< min and max are known (bounds on the non-null values)
  int64_t min_int = 0, max_int = 0;
  double min_float = 0, max_float = 0;
  std::string min_string, max_string;
};

/// Decodes the statistics of chunk `leaf` of row group `rg` for a planned
/// file column (converted as its values would be). Statistics the file
/// does not have, whose order kpic cannot trust, or that do not convert
/// exactly leave has_range false.
ColumnStats DecodeStats(const ParquetFile& file, size_t rg, const ColumnPlan& plan, ColType type);

/// What the caller will keep: rows of a time range and/or of value sets.
/// Nulls never match a filter. Columns are named by the request's `name`.
struct ParquetFilter {
  struct TimeRange {
    std::string column;                                ///< a date or timestamp column
    int64_t from_day = INT64_MIN, to_day = INT64_MAX;  ///< [from_day, to_day), days since 1970-01-01 (UTC)
  };
  std::optional<TimeRange> time;
  struct ValueSet {
    std::string column;
    std::vector<std::string> strings;  ///< for a string column
    std::vector<int64_t> ints;         ///< for an int, bool, date, decimal (scaled) or timestamp column
  };
  std::vector<ValueSet> values;
  /// When set, a row group (or a partition's file) whose `keep_nulls`
  /// column may hold nulls (a positive or unknown null count) always
  /// matches: the caller counts those rows (kpic's scans count the rows
  /// without a time value, whatever the filters).
  std::string keep_nulls;
  bool empty() const { return !time && values.empty(); }
};

/// True when the statistics prove that some of `rows` rows have a time
/// value on or after the filter's `to_day` (the rows past a window).
bool HasRowsFrom(const ParquetFilter& filter, const std::vector<CsvColumnRequest>& requests,
                 const std::vector<std::optional<ColumnStats>>& stats, size_t rows);

/// False when the statistics prove that none of `rows` rows can match the
/// filter. `stats[r]` belongs to request r (nullopt: unknown).
bool MayMatch(const ParquetFilter& filter, const std::vector<CsvColumnRequest>& requests,
              const std::vector<std::optional<ColumnStats>>& stats, size_t rows);

}  // namespace kpic::rt::parquet
