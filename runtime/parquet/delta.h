// The delta encodings (Encodings.md): DELTA_BINARY_PACKED for INT32 and
// INT64, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY for byte arrays.
// Arithmetic wraps in 64 bits as the spec asks (an INT32 column keeps the
// low 32 bits). Headers are validated and every length is checked against
// the bytes present before it is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "format.h"

namespace kpic::rt::parquet {

class DeltaBinaryDecoder {
 public:
  /// Reads the header at `data`.
  DeltaBinaryDecoder(const uint8_t* data, size_t size);
  /// The number of values the header announces.
  uint64_t total() const { return total_; }
  /// Decodes the next `n` values; FormatError past the announced count or
  /// the end of the data.
  void Get(int64_t* out, size_t n);
  /// Bytes used so far: after all values are read, where the data that
  /// follows the encoded integers begins.
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }
  /// Reads the values not read yet; returns consumed() after them.
  size_t SkipRest();

 private:
  void StartBlock();
  void StartMiniblock();

  const uint8_t *begin_, *p_, *end_;
  uint64_t block_size_ = 0, miniblocks_ = 0, per_mini_ = 0, total_ = 0;
  uint64_t read_ = 0;  ///< values returned so far
  uint64_t last_ = 0;  ///< the previous value (wrapping)
  bool first_pending_ = true;
  int64_t min_delta_ = 0;
  std::vector<uint8_t> widths_;
  size_t mini_index_ = 0;  ///< the current miniblock in the block
  size_t mini_left_ = 0;   ///< values left in the current miniblock
  const uint8_t* mini_ = nullptr;
  size_t mini_size_ = 0;
  uint64_t mini_bit_ = 0;
};

/// Decodes `n` byte arrays in DELTA_LENGTH_BYTE_ARRAY; calls `each(view)`
/// for each, in order. Returns the bytes used.
size_t DecodeDeltaLength(const uint8_t* data, size_t size, size_t n, const std::function<void(std::string_view)>& each);

/// Decodes `n` byte arrays in DELTA_BYTE_ARRAY; calls `each(view)` for
/// each, in order (the view is valid during the call only).
void DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t n,
                          const std::function<void(std::string_view)>& each);

}  // namespace kpic::rt::parquet
