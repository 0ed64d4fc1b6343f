// The bridge from checked `source` declarations to the runtime's readers:
// resolves a binding (relative to the .kpi file's folder, or overridden by
// --bind), builds the typed column requests, and reads the data.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "csv.h"
#include "driver/session.h"

namespace kpic {

struct DataOptions {
  std::map<std::string, std::string> binds;  ///< source name -> URI (`csv:path`)
  bool skip_bad_rows = false;
  /// When set, only these sources ("package:source") are read, and only
  /// the listed columns of each (in declaration order).
  const std::map<std::string, std::set<std::string>>* needed = nullptr;
  /// CSV sources to stream: chunks go to the sink instead of being kept
  /// (the SourceData then has the row counts and no columns).
  struct StreamSink {
    std::function<void(int, rt::CsvResult&, bool)> chunk;  ///< rt::CsvOptions::on_chunk
    std::function<void(int)> discard;                      ///< rt::CsvOptions::on_discard
  };
  std::map<std::string, StreamSink> stream;
  size_t stream_min_bytes = 0;  ///< smaller files are read whole
  /// Check only: CSV and PostgreSQL rows are converted and checked chunk by
  /// chunk, then dropped (memory O(chunk), as when `run` streams).
  bool discard_rows = false;
};

struct SourceData {
  std::string source;  ///< package:source
  std::string uri;     ///< what was read, for messages
  rt::CsvResult data;
  size_t columns = 0;  ///< columns read (also when their rows were streamed)
};

/// `--bind SOURCE=URI` flags as a map (UsageError for a malformed one).
std::map<std::string, std::string> BindMap(const std::vector<std::string>& binds);

/// The typed columns of a source to read: all, or the `wanted` ones.
std::vector<rt::CsvColumnRequest> ColumnRequests(const ast::SourceDecl& src, const std::set<std::string>* wanted);

/// Where a source's rows are: `csv` (path), `sqlite` (path, table) or
/// `postgres` (URI, `schema.table`), from --bind or the declaration.
struct ResolvedBinding {
  std::string kind, path, table;
};
/// nullopt (with `why` set) for a binding kpic cannot read; UsageError for
/// a malformed --bind URI.
std::optional<ResolvedBinding> ResolveBinding(const Session& s, const ast::SourceDecl& src, const std::string& name,
                                              const std::map<std::string, std::string>& binds, std::string* why);

/// Reads every CSV-bound source of the user's packages, checking the data
/// against the declarations. Throws rt::DataError on bad data (exit 3) and
/// UsageError for a --bind naming an unknown source. Sources bound to
/// other kinds are listed in `unsupported`.
std::vector<SourceData> ReadSources(const Session& s, const DataOptions& options,
                                    std::vector<std::string>* unsupported);

}  // namespace kpic
