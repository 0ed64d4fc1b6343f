// Bit unpacking and the RLE / bit-packed hybrid decoder (see rle.h).
#include "rle.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

namespace kpic::rt::parquet {

namespace {

/// Eight bytes from `p` where fewer may be readable: zeros past `size`.
uint64_t Load64(const uint8_t* p, size_t size) {
  uint64_t w = 0;
  std::memcpy(&w, p, std::min<size_t>(size, 8));
  return w;
}

}  // namespace

uint64_t ReadBits(const uint8_t* p, size_t size, uint64_t bit, int width) {
  if (width == 0) return 0;
  size_t byte = static_cast<size_t>(bit >> 3);
  unsigned shift = static_cast<unsigned>(bit & 7);
  uint64_t lo = byte < size ? Load64(p + byte, size - byte) >> shift : 0;
  if (shift + static_cast<unsigned>(width) > 64 && byte + 8 < size) lo |= uint64_t{p[byte + 8]} << (64 - shift);
  return width == 64 ? lo : lo & ((uint64_t{1} << width) - 1);
}

void UnpackBits32(const uint8_t* p, size_t size, uint64_t bit, int width, uint32_t* out, size_t n) {
  if (width == 0) {
    std::fill(out, out + n, 0u);
    return;
  }
  const uint64_t mask = (uint64_t{1} << width) - 1;
  size_t i = 0;
  // Whole 64-bit loads while they stay inside the input: the bits of a
  // value start at most 7 bits into the load and take at most 32.
  uint64_t limit = size >= 8 ? uint64_t{size - 8} * 8 : 0;  // loads from bits below this are whole
  size_t fast = limit > bit ? static_cast<size_t>((limit - bit) / static_cast<uint64_t>(width)) : 0;
  fast = std::min(fast, n);
  for (; i < fast; ++i, bit += static_cast<uint64_t>(width)) {
    uint64_t w;
    std::memcpy(&w, p + (bit >> 3), 8);
    out[i] = static_cast<uint32_t>((w >> (bit & 7)) & mask);
  }
  for (; i < n; ++i, bit += static_cast<uint64_t>(width)) out[i] = static_cast<uint32_t>(ReadBits(p, size, bit, width));
}

uint64_t ReadUleb(const uint8_t** p, const uint8_t* end) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) throw FormatError("a variable-length integer runs past the end of the data");
    uint8_t b = *(*p)++;
    v |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return v;
  }
  throw FormatError("a variable-length integer is longer than 64 bits");
}

RleDecoder::RleDecoder(const uint8_t* data, size_t size, int width)
    : begin_(data), p_(data), end_(data + size), width_(width) {
  if (width < 0 || width > 32) throw FormatError("a bit width of " + std::to_string(width) + " is not valid here");
}

bool RleDecoder::NextRun() {
  if (p_ >= end_) return false;
  uint64_t header = ReadUleb(&p_, end_);
  if (header & 1) {
    uint64_t groups = header >> 1;
    if (groups == 0 || groups > (uint64_t{1} << 28)) throw FormatError("a bit-packed run has an invalid length");
    size_t bytes = static_cast<size_t>(groups) * static_cast<size_t>(width_);
    size_t avail = static_cast<size_t>(end_ - p_);
    // Writers may end the last run early: keep the values whose bits are here.
    size_t values = static_cast<size_t>(groups) * 8;
    if (bytes > avail) {
      values = width_ ? avail * 8 / static_cast<size_t>(width_) : values;
      bytes = avail;
    }
    packed_ = p_;
    packed_size_ = bytes;
    packed_bit_ = 0;
    packed_left_ = values;
    p_ += bytes;
  } else {
    uint64_t count = header >> 1;
    if (count == 0 || count > INT32_MAX) throw FormatError("an RLE run has an invalid length");
    size_t bytes = (static_cast<size_t>(width_) + 7) / 8;
    if (static_cast<size_t>(end_ - p_) < bytes) throw FormatError("an RLE run's value runs past the end of the data");
    uint32_t v = 0;
    for (size_t k = 0; k < bytes; ++k) v |= uint32_t{p_[k]} << (8 * k);
    p_ += bytes;
    if (width_ < 32 && (v >> width_) != 0) throw FormatError("an RLE run's value is wider than its bit width");
    rle_value_ = v;
    rle_left_ = static_cast<size_t>(count);
  }
  return true;
}

template <class T>
void RleDecoder::Decode(T* out, size_t n) {
  while (n > 0) {
    if (rle_left_ > 0) {
      size_t k = std::min(n, rle_left_);
      std::fill(out, out + k, static_cast<T>(rle_value_));
      out += k;
      n -= k;
      rle_left_ -= k;
    } else if (packed_left_ > 0) {
      size_t k = std::min(n, packed_left_);
      if constexpr (std::is_same_v<T, uint32_t>) {
        UnpackBits32(packed_, packed_size_, packed_bit_, width_, out, k);
      } else {
        uint32_t tmp[256];  // narrowed from 32-bit unpacking, a block at a time
        for (size_t i = 0; i < k; i += 256) {
          size_t m = std::min<size_t>(256, k - i);
          UnpackBits32(packed_, packed_size_, packed_bit_ + i * static_cast<uint64_t>(width_), width_, tmp, m);
          for (size_t j = 0; j < m; ++j) out[i + j] = static_cast<T>(tmp[j]);
        }
      }
      packed_bit_ += static_cast<uint64_t>(k) * static_cast<uint64_t>(width_);
      out += k;
      n -= k;
      packed_left_ -= k;
    } else if (!NextRun()) {
      throw FormatError("the RLE/bit-packed data has fewer values than the page says");
    }
  }
}

void RleDecoder::Get(uint32_t* out, size_t n) { Decode(out, n); }
void RleDecoder::GetBytes(uint8_t* out, size_t n) { Decode(out, n); }

}  // namespace kpic::rt::parquet
