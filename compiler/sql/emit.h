// The plan as SQL: `kpic sql` prints one query per request, and
// `kpic run --engine postgres` sends each scan's aggregate states as SQL.
// Both come from the same plan the embedded engine runs.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include "base/errors.h"
#include "plan/plan.h"
#include "sql/dialect.h"

namespace kpic::sql {

/// A plan that a dialect cannot express (for example an exact median in
/// Trino), or a request it cannot answer: exit code 2 with this message and
/// its code.
struct SqlError : UsageError {
  using UsageError::UsageError;
};

struct Options {
  const Dialect* dialect = nullptr;
  /// The table of each source (catalog key -> `schema.table` or `table`);
  /// sources not listed use their own name.
  std::map<std::string, std::string> tables;
  /// Sources bound to Parquet (catalog key -> the files: a path or a glob,
  /// and whether Hive partition folders may hold columns): in a dialect
  /// with `read_parquet`, the files themselves; elsewhere a table of the
  /// source's name.
  struct ParquetFiles {
    std::string files;
    bool hive = false;
    /// The Hive partition keys that are declared columns, with their
    /// declared types: read as those types, not as text.
    std::vector<std::pair<std::string, ir::Scalar>> partitions;
  };
  std::map<std::string, ParquetFiles> parquet;
  /// Whether a source's time column holds absolute instants
  /// (`timestamptz`), read in the calendar's zone; by default timestamps are
  /// local wall-clock times.
  std::function<bool(const std::string& source, const std::string& column)> zoned;
  std::string zone_name;  ///< the calendar's IANA zone, for `zoned` columns
};

/// The query for the plan's metric outputs: one row per period and member,
/// one column per metric (`period` is the period's first day).
std::string EmitMetrics(const plan::Plan& p, const Options& o);

/// The query for one goal: per period, its metric and target.
std::string EmitGoal(const plan::Plan& p, size_t goal, const Options& o);

/// The queries that compute a scan's aggregate states, as the embedded
/// engine would hold them: `groups` gives p (the period's first day, absent
/// at grain `all`), d0.. (members), n (rows) and one or two columns per
/// mergeable aggregate (aK; aK_n, the non-null count, for sums, averages,
/// minima and maxima); `values[k]` is empty or gives p, d0.., x (the values
/// of a distinct count, median or percentile aggregate k; distinct for
/// distinct counts).
struct ScanSql {
  std::string groups;
  std::vector<std::string> values;
};
ScanSql EmitScanStates(const plan::Plan& p, size_t scan, const Options& o);

}  // namespace kpic::sql
