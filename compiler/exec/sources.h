// Reading sources: the needed columns of the needed sources, each through
// its binding's reader, whole or streamed in chunks to a sink.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "csv.h"
#include "exec/binding.h"
#include "ir/ir.h"

namespace kpic::rt {
class TimeZone;
}

namespace kpic::exec {

struct ReadOptions {
  BindMap binds;  ///< source name -> URI (`csv:path`)
  bool skip_bad_rows = false;
  /// When set, only these sources ("package:source") are read, and only
  /// the listed columns of each (in declaration order).
  const std::map<std::string, std::set<std::string>>* needed = nullptr;
  /// Sources to stream: chunks go to the sink instead of being kept (the
  /// SourceData then has the row counts and no columns).
  struct StreamSink {
    std::function<void(int, rt::CsvResult&, bool)> chunk;  ///< rt::CsvOptions::on_chunk
    std::function<void(int)> discard;                      ///< rt::CsvOptions::on_discard
  };
  std::map<std::string, StreamSink> stream;
  size_t stream_min_bytes = 0;  ///< smaller files are read whole
  /// Check only: rows are converted and checked chunk by chunk, then
  /// dropped (memory O(chunk), as when `run` streams).
  bool discard_rows = false;
  /// Timestamps without an offset are in this zone (nullptr: UTC).
  const rt::TimeZone* zone = nullptr;
  /// What the plan keeps of each source ("package:source"), for readers
  /// that skip data by statistics (see PlanPruning in execute.h).
  const std::map<std::string, Pruning>* pruning = nullptr;
  /// Per source: a CSV file read from a byte offset (rt::CsvOptions::start_at,
  /// start_line), or a Parquet dataset's only file to read (the state cache).
  struct Part {
    size_t start_at = 0, start_line = 0;
    std::string only_file;
  };
  std::map<std::string, Part> parts;
  /// Under a role: readers' messages count no rows (they may be outside it).
  bool redact = false;
};

struct SourceData {
  std::string source;  ///< package:source
  std::string uri;     ///< what was read, for messages
  rt::TableData data;
  size_t columns = 0;  ///< columns read (also when their rows were streamed)
  std::string detail;  ///< the reader's account of what it read and skipped, or empty
  bool rows_after_to = false;  ///< ReadContext::rows_after_to
};

/// Reads the user's sources (not the standard library's) that `options`
/// asks for, checking the data against the declarations. Throws
/// rt::DataError on bad data (exit 3) and UsageError for a --bind naming an
/// unknown source. Sources whose binding kpic cannot read are listed in
/// `unsupported`.
std::vector<SourceData> ReadSources(const std::vector<ir::Source>& sources, const ReadOptions& options,
                                    std::vector<std::string>* unsupported);

/// Reads the listed columns of a plan's side tables (the rates of
/// `convert`, the calendar's working days) whole, in the calendar's zone.
std::vector<SourceData> ReadSideTables(const std::vector<ir::Source>& sources, const rt::TimeZone* zone,
                                       const std::map<std::string, std::set<std::string>>& needed,
                                       const BindMap& binds, bool skip_bad_rows);

}  // namespace kpic::exec
