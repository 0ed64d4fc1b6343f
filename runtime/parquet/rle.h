// Bit unpacking and the RLE / bit-packed hybrid encoding (Encodings.md,
// "RLE = 3"): definition levels, dictionary indices and RLE booleans.
// Values are unpacked eight at a time from 64-bit loads; a run that claims
// more bytes than the input holds is cut to the values whose bits are
// there, and asking for more values than the input has is a FormatError.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format.h"

namespace kpic::rt::parquet {

/// The value of `width` (0-64) bits starting at bit `bit` of `p`, LSB
/// first; `size` bytes at `p` are readable.
uint64_t ReadBits(const uint8_t* p, size_t size, uint64_t bit, int width);

/// Unpacks `n` values of `width` (0-32) bits from bit `bit` of `p` (`size`
/// readable bytes; bits past them read as 0) into `out`.
void UnpackBits32(const uint8_t* p, size_t size, uint64_t bit, int width, uint32_t* out, size_t n);

/// Reads an unsigned LEB128 integer at `*p` (before `end`); FormatError
/// when it runs past `end` or past 64 bits.
uint64_t ReadUleb(const uint8_t** p, const uint8_t* end);

class RleDecoder {
 public:
  /// `width` is 0-32 bits.
  RleDecoder(const uint8_t* data, size_t size, int width);
  /// Decodes the next `n` values; FormatError when the input has fewer.
  void Get(uint32_t* out, size_t n);
  /// Like Get, into bytes (definition levels, booleans).
  void GetBytes(uint8_t* out, size_t n);
  /// Bytes consumed so far (through the last run started).
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }

 private:
  bool NextRun();
  template <class T>
  void Decode(T* out, size_t n);

  const uint8_t *begin_, *p_, *end_;
  int width_;
  size_t rle_left_ = 0;  ///< values left in the current RLE run
  uint32_t rle_value_ = 0;
  size_t packed_left_ = 0;  ///< values left in the current bit-packed run
  const uint8_t* packed_ = nullptr;
  size_t packed_size_ = 0;   ///< readable bytes from packed_
  uint64_t packed_bit_ = 0;  ///< next value's bit offset from packed_
};

}  // namespace kpic::rt::parquet
