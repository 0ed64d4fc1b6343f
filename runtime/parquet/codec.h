// Page decompression: UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW. Each
// page's output must be exactly the size its header states, and that size
// is capped (kMaxPageBytes) before anything is allocated for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "format.h"

namespace kpic::rt::parquet {

/// The largest uncompressed page kpic reads (writers cut pages at about
/// 1 MiB; the format's own limit is 2 GiB).
inline constexpr size_t kMaxPageBytes = size_t{1} << 30;

/// A growable byte buffer that is never zero-filled (pages are overwritten
/// whole), reused from page to page.
class PageBuffer {
 public:
  uint8_t* Reserve(size_t n) {
    if (n > cap_) {
      data_.reset(new uint8_t[n + 16]);  // 16: room for word loads past the end
      cap_ = n;
    }
    return data_.get();
  }
  uint8_t* data() { return data_.get(); }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t cap_ = 0;
};

/// Whether kpic reads pages compressed with `codec`.
bool CodecSupported(Codec codec);

/// Decompresses `in` (`in_size` bytes) into `out`, which has room for
/// exactly `out_size` bytes; FormatError unless it yields exactly that.
void Decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size);

}  // namespace kpic::rt::parquet
