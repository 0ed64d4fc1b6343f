// Reading Parquet data into kpic's columns: a file, a folder or a glob of
// files (with Hive partition folders as columns), only the requested
// columns, row groups that the filter's statistics rule out skipped, on
// two threads. Either whole (TableData) or streamed chunk by chunk through
// CsvOptions::on_chunk, with memory for one row group's column chunks (and
// their current pages) and one chunk of decoded rows per thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "csv.h"
#include "dataset.h"
#include "statistics.h"

namespace kpic::rt {

/// What was read and skipped, for --timings.
struct ParquetCounts {
  size_t files = 0;               ///< files read
  size_t files_skipped = 0;       ///< files ruled out by their partition values (not opened) or all of their row groups' statistics
  size_t row_groups = 0;          ///< row groups read
  size_t row_groups_skipped = 0;  ///< row groups ruled out by their statistics
  /// Some row group's (or partition's) statistics show time values on or
  /// after the filter's to_day: the data goes on past the window.
  bool rows_after = false;
};

struct ParquetOptions {
  /// Row groups and partitions that cannot hold a matching row are
  /// skipped. The rows that are read are not filtered: the caller still
  /// applies its own filter to them.
  parquet::ParquetFilter filter;
  int threads = 2;
  ParquetCounts* counts = nullptr;  ///< filled when set
  /// When set: only this file of the dataset is read (its path as the
  /// dataset lists it); the state cache reads a dataset file by file.
  std::string only_file;
  /// Read whole (no on_chunk): called once the row groups to read are
  /// known, before any is read, with the rows their metadata claims and
  /// the bytes those rows of the requested columns take in memory
  /// (saturating; see InMemoryBytes). It may throw to refuse a read that
  /// cannot fit: a file of a few hundred bytes can claim billions of rows
  /// in RLE runs.
  std::function<void(size_t rows, size_t bytes)> before_whole_read;
};

/// The bytes `rows` rows of the requested columns take in memory as
/// rt::Columns (each value's 8 bytes, or a string's 4-byte code, and its
/// validity byte; dictionaries left out), saturating at SIZE_MAX.
size_t InMemoryBytes(const std::vector<CsvColumnRequest>& columns, size_t rows);

/// The rows the footers of the dataset at `path` claim (the sum of their
/// row groups' counts, saturating), and the bytes of its files. Files
/// whose footer cannot be read are counted by their bytes only (reading
/// them reports what is wrong); DataError when `path` matches no file.
struct ClaimedSize {
  size_t rows = 0;
  size_t file_bytes = 0;
};
ClaimedSize ClaimParquetSize(const std::string& path);

/// Reads the requested columns (CsvColumnRequest::header is the Parquet
/// column's name, or a partition's key) of the dataset at `path` (see
/// parquet/dataset.h). Of `options`, it uses skip_bad_rows and
/// max_reported (a bad value is a DataError, or its row is skipped), the
/// time zone (zone, tz_offset_minutes) for timestamps not adjusted to UTC,
/// nulls and date_format for partition values (read as CSV text), and
/// on_chunk and chunk_rows to stream. Streaming decodes each reading
/// thread's row group a slice at a time and hands its rows over in chunks
/// of chunk_rows (a chunk may span row groups; one with bad rows skipped
/// has fewer), reusing the chunk's buffers; `part` is 0 or 1, a part's
/// dictionaries persist across its chunks, and its last chunk is marked
/// `last`; on_discard is never called. Rows come in file and row-group order when read whole; streamed
/// chunks of the two parts interleave. Errors are DataErrors naming the
/// file, and for values the row (its number in the file), column and
/// row group; corrupt data also names the byte offset.
/// Whether a dataset file's partition values may hold rows that `filter`
/// keeps (false: ReadParquet skips the file without opening it).
bool PartitionMayMatch(const parquet::DatasetFile& f, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options, const parquet::ParquetFilter& filter);

TableData ReadParquet(const std::string& path, const std::vector<CsvColumnRequest>& columns, const CsvOptions& options,
                      const ParquetOptions& parquet = {});

}  // namespace kpic::rt
