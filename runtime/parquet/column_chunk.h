// One column chunk of one row group: its pages (dictionary, data v1 and
// v2) read in order, decompressed, their definition levels decoded, and
// their values appended to the declared column with nulls in place, a
// slice of rows at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec.h"
#include "metadata.h"
#include "page_values.h"

namespace kpic::rt::parquet {

/// Reports a bad value in row `row` (of the row group).
using BadRowFn = std::function<void(size_t row, std::string value, std::string reason)>;

/// Reads one column chunk's rows in order, a slice of rows at a time: a
/// page is read (decompressed, its levels decoded) when a slice reaches
/// it, so only the current page is held uncompressed. One per column and
/// reading thread; its buffers are reused from chunk to chunk.
class ColumnChunkReader {
 public:
  /// Starts on the chunk in `bytes` (`size` bytes, which start at
  /// `file_offset` in the file and stay valid until the chunk is read),
  /// holding `rows` rows. `optional`: the column has definition levels
  /// (max level 1). FormatError for a codec kpic cannot read.
  void Start(const uint8_t* bytes, size_t size, uint64_t file_offset, Codec codec, size_t rows, bool optional,
             const ValueContext& ctx);
  /// Appends the chunk's next `n` rows (at most left()) to the context's
  /// column; bad values are reported with their row in the row group.
  /// FormatError (naming the page's byte offset) when the chunk is corrupt
  /// or uses what kpic cannot read.
  void Read(size_t n, const BadRowFn& bad);
  size_t left() const { return rows_ - done_; }
  /// Whether the chunk is one compressed data page (and perhaps a
  /// dictionary page before it): once Detach() has read that page, the
  /// chunk's bytes are no longer needed. False when anything is amiss
  /// (reading reports it).
  bool OneCompressedPage() const;
  /// Reads the dictionary and data page now and lets go of the chunk's
  /// bytes (a read past that page finds the end of the chunk). FormatError
  /// as Read.
  void Detach();

 private:
  /// Reads pages up to the next data page that has rows.
  void NextPage();

  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  uint64_t file_offset_ = 0;
  Codec codec_ = Codec::kUncompressed;
  size_t rows_ = 0;
  bool optional_ = false;
  ValueContext ctx_;
  size_t pos_ = 0;      ///< the next page header's position in bytes_
  size_t done_ = 0;     ///< rows appended
  size_t started_ = 0;  ///< rows of the data pages started
  bool have_dict_ = false;
  // The current data page.
  uint64_t page_offset_ = 0;
  size_t page_rows_ = 0, page_done_ = 0;
  const uint8_t* levels_ = nullptr;  ///< its definition levels; nullptr when all rows are values
  std::optional<PageValues> values_;
  // Buffers.
  PageBuffer page_;
  PageBuffer level_buf_;
  Dictionary dict_;
};

}  // namespace kpic::rt::parquet
