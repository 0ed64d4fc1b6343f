// Page decompression through the system's libraries (Debian's libsnappy,
// zlib, libzstd, liblz4).
#include "codec.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <sys/mman.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

namespace kpic::rt::parquet {

PageBuffer::~PageBuffer() { Free(); }

PageBuffer::PageBuffer(PageBuffer&& o) noexcept : data_(o.data_), cap_(o.cap_), mapped_(o.mapped_) {
  o.data_ = nullptr;
  o.cap_ = o.mapped_ = 0;
}

PageBuffer& PageBuffer::operator=(PageBuffer&& o) noexcept {
  if (this != &o) {
    Free();
    data_ = o.data_;
    cap_ = o.cap_;
    mapped_ = o.mapped_;
    o.data_ = nullptr;
    o.cap_ = o.mapped_ = 0;
  }
  return *this;
}

void PageBuffer::Free() {
  if (mapped_)
    ::munmap(data_, mapped_);
  else
    delete[] data_;
  data_ = nullptr;
  cap_ = mapped_ = 0;
}

void PageBuffer::Grow(size_t n) {
  constexpr size_t kHuge = size_t{2} << 20;
  const size_t cap = std::max(n, cap_ + cap_ / 2);
  Free();
  if (cap >= kHuge) {
    // A whole number of huge pages, on a huge page boundary: map one more
    // and unmap what lies outside.
    const size_t bytes = (cap + 16 + kHuge - 1) & ~(kHuge - 1);
    void* p = ::mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t at = reinterpret_cast<uintptr_t>(p);
    const uintptr_t begin = (at + kHuge - 1) & ~uintptr_t{kHuge - 1};
    if (begin > at) ::munmap(p, begin - at);
    ::munmap(reinterpret_cast<void*>(begin + bytes), at + kHuge - begin);
    ::madvise(reinterpret_cast<void*>(begin), bytes, MADV_HUGEPAGE);  // advice only
    data_ = reinterpret_cast<uint8_t*>(begin);
    mapped_ = bytes;
  } else {
    data_ = new uint8_t[cap + 16];
  }
  cap_ = cap;
}

namespace {

[[noreturn]] void Fail(Codec codec, const std::string& why) {
  throw FormatError("the " + CodecName(codec) + " page data is corrupt: " + why);
}

void Gunzip(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  z_stream z{};
  // 32 + MAX_WBITS: a gzip or zlib header, detected.
  if (inflateInit2(&z, 32 + MAX_WBITS) != Z_OK) Fail(Codec::kGzip, "zlib could not start");
  z.next_in = const_cast<Bytef*>(in);
  z.avail_in = static_cast<uInt>(in_size);
  z.next_out = out;
  z.avail_out = static_cast<uInt>(out_size);
  int rc;
  for (;;) {
    rc = inflate(&z, Z_FINISH);
    // Concatenated gzip members: go on with the next one.
    if (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    break;
  }
  size_t produced = out_size - z.avail_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END) Fail(Codec::kGzip, z.msg ? z.msg : "the stream ends early or has more data than the page");
  if (produced != out_size) Fail(Codec::kGzip, "it holds fewer bytes than the page header says");
}

}  // namespace

bool CodecSupported(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
    case Codec::kSnappy:
    case Codec::kGzip:
    case Codec::kZstd:
    case Codec::kLz4Raw:
      return true;
    default:
      return false;
  }
}

void Decompress(Codec codec, const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  if (in_size > INT_MAX || out_size > INT_MAX) Fail(codec, "a page is larger than 2 GiB");
  switch (codec) {
    case Codec::kUncompressed:
      if (in_size != out_size) throw FormatError("an uncompressed page's two sizes differ");
      std::memcpy(out, in, in_size);
      return;
    case Codec::kSnappy: {
      size_t n = 0;
      const char* src = reinterpret_cast<const char*>(in);
      if (!snappy::GetUncompressedLength(src, in_size, &n)) Fail(codec, "no length");
      if (n != out_size)
        Fail(codec, "it holds " + std::to_string(n) + " bytes, the page header says " + std::to_string(out_size));
      if (!snappy::RawUncompress(src, in_size, reinterpret_cast<char*>(out))) Fail(codec, "snappy refused it");
      return;
    }
    case Codec::kGzip:
      Gunzip(in, in_size, out, out_size);
      return;
    case Codec::kZstd: {
      size_t n = ZSTD_decompress(out, out_size, in, in_size);
      if (ZSTD_isError(n)) Fail(codec, ZSTD_getErrorName(n));
      if (n != out_size) Fail(codec, "it holds fewer bytes than the page header says");
      return;
    }
    case Codec::kLz4Raw: {
      int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                                  static_cast<int>(in_size), static_cast<int>(out_size));
      if (n < 0) Fail(codec, "lz4 refused it");
      if (static_cast<size_t>(n) != out_size) Fail(codec, "it holds fewer bytes than the page header says");
      return;
    }
    default:
      throw FormatError("the column is compressed with " + CodecName(codec) +
                        ", which kpic cannot read (it reads UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW)");
  }
}

}  // namespace kpic::rt::parquet
