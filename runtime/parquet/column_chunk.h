// One column chunk of one row group: its pages (dictionary, data v1 and
// v2) read in order, decompressed, their definition levels decoded, and
// their values appended to the declared column with nulls in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "codec.h"
#include "metadata.h"
#include "page_values.h"

namespace kpic::rt::parquet {

/// Buffers reused from chunk to chunk by one reading thread.
struct ChunkScratch {
  PageBuffer page;
  std::vector<uint8_t> levels;
  Dictionary dict;
};

/// Reports a bad value in row `row` (of the row group).
using BadRowFn = std::function<void(size_t row, std::string value, std::string reason)>;

/// Decodes the chunk in `bytes` (which start at `file_offset` in the file)
/// into `rows` values appended to `ctx.column`. `optional`: the column has
/// definition levels (max level 1). FormatError (naming the page's byte
/// offset) when the chunk is corrupt or uses what kpic cannot read.
void ReadColumnChunk(const uint8_t* bytes, size_t size, uint64_t file_offset, Codec codec, size_t rows, bool optional,
                     const ValueContext& ctx, ChunkScratch& scratch, const BadRowFn& bad);

}  // namespace kpic::rt::parquet
