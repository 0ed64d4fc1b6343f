// The CSV reader: RFC 4180 (quoted fields, doubled quotes, embedded
// delimiters and newlines, CRLF), a UTF-8 byte order mark, configurable
// delimiter, null tokens and date format; typed conversion into columns of
// the declared types; and honest errors that name the file, line, column and
// value. Only the requested columns are converted.
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "column.h"
#include "datetime.h"

namespace kpic::rt {

/// The CSV file currently memory-mapped by ReadCsv (nullptr when none), for
/// a SIGBUS handler to name when the file shrinks under the mapping.
std::atomic<const char*>& MappedFile();

class TimeZone;

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  /// Tokens read as null. An empty field of a non-string column is always
  /// null; an empty string field is the empty string unless "" is listed.
  std::vector<std::string> nulls;
  DateFormat date_format;
  int tz_offset_minutes = 0;       ///< for timestamps without an offset
  const TimeZone* zone = nullptr;  ///< when set, used instead of tz_offset_minutes
  bool skip_bad_rows = false;      ///< --on-bad-row skip
  size_t max_reported = 10;        ///< bad rows kept in the result when skipping
  /// The fast path for plain records (on by default); the tests turn it off
  /// to compare it with the general path, which reads every record alone.
  bool fast_path = true;
  /// Streaming: when set, rows are handed over in chunks of `chunk_rows`
  /// instead of being collected. `part` is the reading thread (0 or 1; a
  /// part's string dictionaries persist across its chunks); `last` marks a
  /// part's final chunk, whose columns the sink may keep (move). The
  /// returned result then has the counts but no columns.
  std::function<void(int part, struct CsvResult& chunk, bool last)> on_chunk;
  /// Streaming: forget every chunk of a part (the second reading thread
  /// started at a point that turned out to be inside a record; the first
  /// thread then reads its rows). Without it, a streamed file is read on
  /// one thread.
  std::function<void(int part)> on_discard;
  size_t chunk_rows = size_t{1} << 16;
  /// Files from this size are read by two threads, in blocks of
  /// `block_bytes` (tests make both small).
  size_t parallel_bytes = size_t{16} << 20;
  size_t block_bytes = size_t{4} << 20;
  /// The fast path reads through a buffer of this size.
  size_t window_bytes = size_t{256} << 10;
  /// When non-zero: the rows start at this byte offset (the start of a
  /// record after the header, which is still read and checked), on
  /// physical line `start_line`. The state cache reads only what was
  /// appended to a file this way (exec/state_cache.h).
  size_t start_at = 0;
  size_t start_line = 0;
};

struct CsvColumnRequest {
  std::string header;  ///< name in the header row
  std::string name;    ///< column name in the .kpi file (for messages)
  ColType type = ColType::kString;
  int scale = 0;
  /// Without a header row: the column's place in each row (0-based), which
  /// is its place among the declared columns; -1 reads the requests in
  /// order.
  int position = -1;
};

struct BadRow {
  size_t line = 0;
  std::string column;
  std::string value;
  std::string reason;
};

struct CsvResult {
  std::vector<Column> columns;  ///< in request order
  size_t rows = 0;
  size_t skipped = 0;
  std::vector<BadRow> bad;  ///< the first max_reported skipped rows
};

/// A data error: exit code 3. `what()` is the full analyst-facing message:
/// `file:line: column `c`: value `v` reason`, or `file: ...` when `line` is
/// 0 (an error about the file or a column, where no row is to blame).
class DataError : public std::runtime_error {
 public:
  /// `show_value` is false for errors about a column rather than one value.
  DataError(std::string file, size_t line, std::string column, std::string value, std::string reason,
            bool show_value = true);
  const std::string& file() const { return file_; }
  size_t line() const { return line_; }
  const std::string& column() const { return column_; }
  const std::string& value() const { return value_; }
  const std::string& reason() const { return reason_; }
  /// The same error `lines` lines further down (a part of the file read
  /// with line numbers counted from its own start). File-level errors
  /// (line 0) stay as they are.
  DataError Shifted(size_t lines) const {
    return DataError(file_, line_ == 0 ? 0 : line_ + lines, column_, value_, reason_, show_value_);
  }

 private:
  std::string file_, column_, value_, reason_;
  size_t line_;
  bool show_value_;
};

/// A statement a database refused, with the database's own message, which
/// may quote a value of any row the statement met (PostgreSQL's `invalid
/// input syntax for type double precision: "..."` from a view, SQLite's
/// JSON path errors): under a role it is not shown.
class DatabaseMessageError : public DataError {
 public:
  /// The message is `failed + separator + message`. `code` is the
  /// database's code for the error when a role may be told it (`SQLSTATE
  /// 57014`, one of the server conditions of postgres_source.cc's
  /// ServerCondition; `SQLite: database is locked`, SQLite's fixed words),
  /// or empty.
  DatabaseMessageError(std::string file, size_t line, std::string failed, const std::string& separator,
                       const std::string& message, std::string code = "")
      : DataError(std::move(file), line, "", "", failed + separator + message),
        failed_(std::move(failed)),
        code_(std::move(code)) {}
  /// What was being done (`query`, `read`, `the scan of `orders``).
  const std::string& failed() const { return failed_; }
  const std::string& code() const { return code_; }

 private:
  std::string failed_;
  std::string code_;
};

/// The data of one source, read by any reader: typed columns in request
/// order, the row count, and the rows skipped under --on-bad-row skip.
using TableData = CsvResult;

/// One field as text; `quoted` fields are never null by emptiness.
struct Field {
  std::string_view text;
  bool quoted = false;
};

/// Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool ValidUtf8(std::string_view s);

/// The invisible format character in `s` that would make a text value a
/// member apart from the same visible text (any Unicode format character,
/// general category Cf: a byte-order mark, a soft hyphen, a zero-width
/// space, bidirectional controls, word joiners, tags...), described;
/// nullptr when there is none. `s` is valid UTF-8. The zero-width
/// non-joiner and joiner (U+200C/U+200D) are allowed: scripts and emoji
/// need them.
const char* InvisibleCharacter(std::string_view s);

/// The control character in `s` that a text value may not hold, described
/// (`U+001B (escape)`): any C0 control but tab, line feed and carriage
/// return, and DEL. A NUL would cut the value short in the outputs that
/// read it as a C string, and an escape sequence would drive the reader's
/// terminal. nullptr when there is none.
const char* ControlCharacter(std::string_view s);

/// Why a text value is refused (docs/language.md, "Data errors"): not
/// UTF-8, an invisible format character, or a control character; "" when
/// it is fine. Every reader applies it (CSV, SQLite, PostgreSQL, Parquet).
std::string TextProblem(std::string_view s);

/// A binary float read for a `decimal(n)` column, as its text: the shortest
/// decimal that reads back as the same float, in positional notation (1e6
/// is "1000000", 0.1 is "0.1", 0.1 + 0.2 is "0.30000000000000004"); then
/// the decimal rule applies to it (docs/sql.md, "Exact decimals"). A
/// non-finite value gives "nan" or "inf", which no decimal accepts. The
/// float is a double, or a single-precision `real` when `single`.
std::string FloatAsDecimalText(double x, bool single = false);

/// Converts one field into the column (the rules shared by every reader);
/// returns why the value is bad, or "" when it was appended.
std::string AppendField(Column& col, const Field& f, const CsvOptions& o);

/// Builds a table row by row with the policy every reader shares: a row
/// with a bad value is a DataError, or under `skip_bad_rows` it is dropped
/// whole, counted, and the first few are kept for the report.
class TableBuilder {
 public:
  TableBuilder(const std::vector<CsvColumnRequest>& requests, const CsvOptions& options);
  /// Appends one value; `field` null means SQL NULL. Returns false when the
  /// value is bad; the rest of the row is then ignored until EndRow.
  bool Add(size_t column, const Field* field);
  /// Marks the current row wrong as a whole (ragged, empty).
  void FailRow(std::string reason);
  /// Ends the current row: commits it, or handles the failure. `file` and
  /// `line` locate it in messages.
  void EndRow(const std::string& file, size_t line);
  /// Pre-sizes every column for about `rows` rows.
  void Reserve(size_t rows);
  /// Drops the rows collected so far (streaming), keeping dictionaries,
  /// counts and the bad-row report.
  void ClearRows();
  TableData& data() { return data_; }
  TableData Finish() { return std::move(data_); }

 private:
  const std::vector<CsvColumnRequest>& requests_;
  const CsvOptions& options_;
  TableData data_;
  std::string reason_, bad_column_, bad_value_;
};

/// Parses CSV text. `file` is used in messages only.
CsvResult ParseCsv(std::string_view data, const std::string& file, const std::vector<CsvColumnRequest>& columns,
                   const CsvOptions& options);

/// Reads a CSV file (memory-mapped) and parses it.
CsvResult ReadCsv(const std::string& path, const std::vector<CsvColumnRequest>& columns, const CsvOptions& options);

}  // namespace kpic::rt
