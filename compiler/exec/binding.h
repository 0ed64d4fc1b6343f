// Bindings: where a source's rows are, and how to read them. Every kind of
// binding (csv, sqlite, postgres, ...) is one entry of a registry, in a file
// of its own (bind_csv.cc, bind_sqlite.cc, bind_postgres.cc): how a
// `--bind SOURCE=URI` of that kind is written, how the declaration's
// `from kind(...)` arguments locate it, and how its rows are read into
// typed columns. A new kind is one such file and one line in binding.cc.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "csv.h"
#include "ir/ir.h"

namespace kpic::exec {

/// A binding with its location settled: the declaration's, or --bind's.
struct ResolvedBinding {
  std::string kind;   ///< the registry entry's name
  std::string path;   ///< file path, or the database URI
  std::string table;  ///< databases: `table` or `schema.table`
  /// What was read, for messages and stamps (passwords masked).
  std::string Display() const;
};

/// What the plan keeps of a source's rows, for readers that can skip data
/// by its statistics (Parquet row groups and Hive partitions): rows whose
/// time column falls in [from_day, to_day) (days in the calendar's zone),
/// and rows whose column is one of a set of values (a role's filter).
/// Readers may skip what cannot match and still return every row of what
/// they read; the scans filter the rows themselves.
struct Pruning {
  std::string time_column;  ///< a column name, or empty
  bool time_is_date = false;
  std::optional<int32_t> from_day, to_day;
  struct Values {
    std::string column;
    std::vector<std::string> strings;  ///< for a string column
    std::vector<int64_t> ints;         ///< int, bool, date, decimal (scaled) columns
  };
  std::vector<Values> values;
  /// Data whose values of this column may be null must be read: the scans
  /// count the rows without a time value, whatever the filters.
  std::string keep_nulls;
  bool empty() const { return !from_day && !to_day && values.empty(); }
};

/// What a read may use beyond the columns and options, and what it reports.
struct ReadContext {
  const Pruning* pruning = nullptr;  ///< nullptr: every row is kept
  std::string detail;                ///< out: what was read and skipped, for --timings ("12 of 40 row groups")
  std::string only_file;             ///< Parquet: read only this file of the dataset (the state cache)
  bool redact = false;               ///< under a role: errors count no rows (they may be outside it)
  bool rows_after_to = false;        ///< out: statistics show rows on or after the pruning's to_day
};

struct BindingKind {
  std::string_view name;                  ///< `csv`
  std::vector<std::string_view> aliases;  ///< other spellings of the declaration's kind (`postgresql`)
  /// The prefixes of its --bind URIs (`csv:`, `postgresql://`).
  std::vector<std::string_view> uri_prefixes;
  /// Parses a --bind URI with one of the prefixes (UsageError when malformed).
  std::function<ResolvedBinding(const std::string& source, const std::string& uri)> parse_uri;
  /// Whether a declared location is a file path, resolved against the .kpi file's folder.
  bool relative_paths = true;
  /// Whether its bindings name a table (`sqlite:x.db#t`): `kpic sql` uses
  /// that table; other sources are tables of their own name.
  bool names_table = false;
  /// Reads the requested columns (rt::DataError on bad data). Honours
  /// CsvOptions::on_chunk when `streams`.
  std::function<rt::TableData(const ResolvedBinding&, const std::vector<rt::CsvColumnRequest>&,
                              const rt::CsvOptions&, ReadContext&)>
      read;
  bool streams = false;
  /// The size of the requested columns' data before reading, when known:
  /// streaming decides by it. A CSV file's bytes; for Parquet the larger of
  /// its files' bytes and the memory the rows its footers claim take (a
  /// file of a few hundred bytes can claim billions of rows in RLE runs).
  std::function<std::optional<size_t>(const ResolvedBinding&, const std::vector<rt::CsvColumnRequest>&)> size;
};

/// The registry, in the order of the docs.
const std::vector<BindingKind>& BindingKinds();
/// The kind a declaration or a resolved binding names, or nullptr.
const BindingKind* FindBindingKind(std::string_view name);
/// The names, for messages: "csv, sqlite, postgres".
std::string BindingKindNames();

/// `--bind SOURCE=URI` flags as a map (UsageError for a malformed one).
using BindMap = std::map<std::string, std::string>;
BindMap ParseBinds(const std::vector<std::string>& binds);
/// A `--bind SOURCE=URI` whose file path is made absolute (against the
/// current folder, where a relative one is read from), so that what records
/// it, such as an output's stamp, names the same file from any folder.
/// Database URIs, empty paths and malformed flags are returned as given.
std::string AbsoluteBind(const std::string& bind);

/// Where `src`'s rows are: --bind (by the source's name), else its
/// declaration. nullopt, with `why` saying what the binding is, when kpic
/// cannot read it; UsageError for a malformed --bind URI.
std::optional<ResolvedBinding> ResolveBinding(const ir::Source& src, const BindMap& binds, std::string* why);

/// The typed columns of a source to read: all, or those named in `wanted`.
std::vector<rt::CsvColumnRequest> ColumnRequests(const ir::Source& src, const std::set<std::string>* wanted);

/// The reader options a declared binding sets (CSV: delimiter, quote,
/// header, null tokens, date format). `read_as`: the kind of the binding the source is read through (after
/// `--bind`); a `csv(...)` binding's options apply to a CSV file only.
rt::CsvOptions ReaderOptions(const ir::Source& src, const std::string& read_as);

// Registry entries, one per file.
BindingKind CsvBinding();
BindingKind SqliteBinding();
BindingKind PostgresBinding();
BindingKind ParquetBinding();

}  // namespace kpic::exec
