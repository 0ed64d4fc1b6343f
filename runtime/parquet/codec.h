// Page decompression: UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW. Each
// page's output must be exactly the size its header states, and that size
// is capped (kMaxPageBytes) before anything is allocated for it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format.h"

namespace kpic::rt::parquet {

/// The largest uncompressed page kpic reads (writers cut pages at about
/// 1 MiB; the format's own limit is 2 GiB).
inline constexpr size_t kMaxPageBytes = size_t{1} << 30;

/// A growable byte buffer that is never zero-filled (pages are overwritten
/// whole), reused from page to page and from row group to row group. It
/// grows by at least half of its size, so that slightly larger pages do not
/// each allocate (and fault in) a new buffer, and a large one is a mapping
/// advised to use transparent huge pages: on a virtual machine a page
/// fault per 4 KiB costs more than decompressing into the memory.
class PageBuffer {
 public:
  PageBuffer() = default;
  ~PageBuffer();
  PageBuffer(PageBuffer&& o) noexcept;
  PageBuffer& operator=(PageBuffer&& o) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;

  /// Room for `n` bytes and 16 more (for word loads past the end); the
  /// contents are not kept.
  uint8_t* Reserve(size_t n) {
    if (n > cap_) Grow(n);
    return data_;
  }
  uint8_t* data() { return data_; }

 private:
  void Grow(size_t n);
  void Free();

  uint8_t* data_ = nullptr;
  size_t cap_ = 0;
  size_t mapped_ = 0;  ///< the mapping's size; 0 when data_ is from new[]
};

/// Whether kpic reads pages compressed with `codec`.
bool CodecSupported(Codec codec);

/// Decompresses `in` (`in_size` bytes) into `out`, which has room for
/// exactly `out_size` bytes; FormatError unless it yields exactly that.
void Decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size);

}  // namespace kpic::rt::parquet
