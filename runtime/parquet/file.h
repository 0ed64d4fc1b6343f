// One Parquet file: opened, its footer read and checked, its columns
// matched to the declared ones (missing, nested, repeated or contradicting
// columns are DataErrors naming the file and column), and its row groups
// read with one pread(2) per column chunk and decoded a slice of rows at a
// time, so that memory holds one row group's chunk bytes and one slice of
// decoded rows, never the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "column_chunk.h"
#include "convert.h"
#include "csv.h"
#include "schema.h"

namespace kpic::rt::parquet {

class ParquetFile {
 public:
  /// Opens `path` and reads its footer; DataError naming the file when it
  /// cannot be read, is not Parquet, or its footer is corrupt.
  explicit ParquetFile(std::string path);
  ~ParquetFile();
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  const std::string& path() const { return path_; }
  const FileMeta& meta() const { return meta_; }
  const FlatSchema& schema() const { return schema_; }
  uint64_t size() const { return size_; }
  /// Reads `n` bytes at `offset`; DataError when they are not all there.
  void ReadAt(uint64_t offset, size_t n, uint8_t* out) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  FileMeta meta_;
  FlatSchema schema_;
};

/// How a requested column is read from one file.
struct ColumnPlan {
  const FileColumn* field = nullptr;  ///< null: not in the file (a partition column)
  const SchemaElement* element = nullptr;
  ValueKind kind;
  std::optional<Converter> convert;
};

/// Matches the requests to the file's columns. Names in `partitions` may
/// be missing from the file (their plans have no field). DataError naming
/// the file and column for a missing, nested, repeated, contradicting or
/// duplicated (two columns of its name) column; a duplicated name that no
/// request reads is ignored. The plans refer to `options`, which must
/// outlive them.
std::vector<ColumnPlan> PlanColumns(const ParquetFile& file, const std::vector<CsvColumnRequest>& requests,
                                    const std::vector<std::string>& partitions, const CsvOptions& options);

/// Reports a bad value: its row in the row group, the request's index,
/// the value and why.
using BadValueFn = std::function<void(size_t row, size_t column, std::string value, std::string reason)>;

/// Reads a row group of the planned (file) columns a slice of rows at a
/// time, all columns in step, so that a slice's decoded rows can be used
/// while they are in the cache and memory holds one slice, not the row
/// group. One per reading thread: its buffers (the column chunks' bytes,
/// a page per column) are reused from row group to row group.
class RowGroupReader {
 public:
  /// Reads row group `rg`'s chunks of the planned columns (one pread
  /// each) and starts on them. The rows go to `columns` (indexed like the
  /// plans), which, like the file, the plans and the requests, must stay
  /// until the row group is read. DataError naming the file, row group,
  /// column and offset when a chunk is corrupt.
  void Start(const ParquetFile& file, size_t rg, const std::vector<ColumnPlan>& plans,
             const std::vector<CsvColumnRequest>& requests, std::vector<Column>& columns);
  /// The rows not read yet.
  size_t left() const { return rows_ - done_; }
  /// Appends the next `n` rows (at most left()) of the planned columns to
  /// the columns (partition columns are left to the caller). Bad values
  /// are reported through `bad` and left 0; corrupt data is a DataError
  /// naming the file, row group, column and offset.
  void Read(size_t n, const BadValueFn& bad);

 private:
  [[noreturn]] void Fail(size_t c, const std::string& why) const;

  const ParquetFile* file_ = nullptr;
  size_t rg_ = 0;
  const std::vector<CsvColumnRequest>* requests_ = nullptr;
  size_t rows_ = 0, done_ = 0;
  std::vector<size_t> planned_;  ///< the requests read from the file
  std::vector<uint64_t> start_;  ///< per request: its column chunk's byte offset
  std::vector<ColumnChunkReader> readers_;
  std::vector<PageBuffer> bytes_;  ///< per request: its column chunk's bytes, when kept
  PageBuffer shared_;              ///< the bytes of chunks that are one compressed page, until decompressed
};

}  // namespace kpic::rt::parquet
