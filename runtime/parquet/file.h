// One Parquet file: opened, its footer read and checked, its columns
// matched to the declared ones (missing, nested, repeated or contradicting
// columns are DataErrors naming the file and column), and its row groups
// read column chunk by column chunk with pread(2), so that memory holds
// one row group's chunk bytes at a time, never the file.
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
/// the file and column for a missing, nested, repeated or contradicting
/// column. The plans refer to `options`, which must outlive them.
std::vector<ColumnPlan> PlanColumns(const ParquetFile& file, const std::vector<CsvColumnRequest>& requests,
                                    const std::vector<std::string>& partitions, const CsvOptions& options);

/// Buffers of one reading thread.
struct ReadScratch {
  ChunkScratch chunk;
  std::vector<uint8_t> bytes;  ///< the column chunk's bytes
};

/// Reads row group `rg` of the planned (file) columns, appending its rows
/// to `columns` (partition columns are left to the caller). Bad values are
/// reported through `bad(row, column, value, reason)` and left 0; corrupt
/// data is a DataError naming the file, row group, column and offset.
void ReadRowGroup(const ParquetFile& file, size_t rg, const std::vector<ColumnPlan>& plans,
                  const std::vector<CsvColumnRequest>& requests, std::vector<Column>& columns, ReadScratch& scratch,
                  const std::function<void(size_t row, size_t column, std::string value, std::string reason)>& bad);

}  // namespace kpic::rt::parquet
