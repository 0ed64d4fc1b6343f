// The delta encodings (see delta.h).
#include "delta.h"

#include <algorithm>

#include "rle.h"

namespace kpic::rt::parquet {

namespace {

int64_t Unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

}  // namespace

DeltaBinaryDecoder::DeltaBinaryDecoder(const uint8_t* data, size_t size) : begin_(data), p_(data), end_(data + size) {
  block_size_ = ReadUleb(&p_, end_);
  miniblocks_ = ReadUleb(&p_, end_);
  total_ = ReadUleb(&p_, end_);
  last_ = static_cast<uint64_t>(Unzigzag(ReadUleb(&p_, end_)));
  if (block_size_ == 0 || block_size_ % 128 != 0 || block_size_ > (1u << 20) || miniblocks_ == 0 ||
      block_size_ % miniblocks_ != 0 || (block_size_ / miniblocks_) % 32 != 0)
    throw FormatError("a DELTA_BINARY_PACKED header is invalid (block size " + std::to_string(block_size_) + ", " +
                      std::to_string(miniblocks_) + " miniblocks)");
  per_mini_ = block_size_ / miniblocks_;
}

void DeltaBinaryDecoder::StartBlock() {
  min_delta_ = Unzigzag(ReadUleb(&p_, end_));
  if (static_cast<uint64_t>(end_ - p_) < miniblocks_)
    throw FormatError("a DELTA_BINARY_PACKED block's bit widths run past the end of the data");
  widths_.assign(p_, p_ + miniblocks_);
  p_ += miniblocks_;
  mini_index_ = 0;
  StartMiniblock();
}

void DeltaBinaryDecoder::StartMiniblock() {
  int width = widths_[mini_index_];
  if (width > 64) throw FormatError("a DELTA_BINARY_PACKED miniblock is " + std::to_string(width) + " bits wide");
  size_t full = static_cast<size_t>(per_mini_) * static_cast<size_t>(width) / 8;
  // The values still to come may not fill the miniblock; only their bits
  // must be present (its padding may be cut at the end of the data).
  uint64_t want = std::min<uint64_t>(per_mini_, total_ - read_);
  size_t needed = static_cast<size_t>((want * static_cast<uint64_t>(width) + 7) / 8);
  size_t avail = static_cast<size_t>(end_ - p_);
  if (avail < needed) throw FormatError("a DELTA_BINARY_PACKED miniblock runs past the end of the data");
  mini_ = p_;
  mini_size_ = std::min(full, avail);
  mini_bit_ = 0;
  mini_left_ = static_cast<size_t>(per_mini_);
  p_ += mini_size_;
}

void DeltaBinaryDecoder::Get(int64_t* out, size_t n) {
  if (n > total_ - read_) throw FormatError("DELTA_BINARY_PACKED data has fewer values than the page says");
  size_t i = 0;
  if (n > 0 && first_pending_) {
    out[i++] = static_cast<int64_t>(last_);
    first_pending_ = false;
    ++read_;
  }
  while (i < n) {
    if (mini_left_ == 0) {
      if (widths_.empty() || ++mini_index_ >= miniblocks_)
        StartBlock();
      else
        StartMiniblock();
    }
    int width = widths_[mini_index_];
    size_t k = std::min(n - i, mini_left_);
    const uint64_t min_delta = static_cast<uint64_t>(min_delta_);
    for (size_t j = 0; j < k; ++j, mini_bit_ += static_cast<uint64_t>(width)) {
      last_ += min_delta + ReadBits(mini_, mini_size_, mini_bit_, width);
      out[i + j] = static_cast<int64_t>(last_);
    }
    i += k;
    mini_left_ -= k;
    read_ += k;
  }
}

size_t DeltaBinaryDecoder::SkipRest() {
  int64_t tmp[512];
  while (read_ < total_) Get(tmp, static_cast<size_t>(std::min<uint64_t>(512, total_ - read_)));
  return consumed();
}

namespace {

/// Lengths and data of DELTA_LENGTH_BYTE_ARRAY, read in batches so that
/// nothing is sized by the announced count.
class DeltaLengthReader {
 public:
  DeltaLengthReader(const uint8_t* data, size_t size, size_t n) : data_(data), size_(size), lengths_(data, size) {
    if (lengths_.total() != n)
      throw FormatError("DELTA_LENGTH_BYTE_ARRAY data has " + std::to_string(lengths_.total()) + " lengths for " +
                        std::to_string(n) + " values");
    pos_ = DeltaBinaryDecoder(lengths_).SkipRest();
  }
  template <class F>
  void Each(size_t n, F&& each) {
    int64_t len[512];
    for (size_t done = 0; done < n;) {
      size_t k = std::min<size_t>(512, n - done);
      lengths_.Get(len, k);
      for (size_t i = 0; i < k; ++i) {
        if (len[i] < 0 || static_cast<uint64_t>(len[i]) > size_ - pos_)
          throw FormatError("a DELTA_LENGTH_BYTE_ARRAY length runs past the end of the data");
        each(std::string_view(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len[i])));
        pos_ += static_cast<size_t>(len[i]);
      }
      done += k;
    }
  }
  size_t position() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  DeltaBinaryDecoder lengths_;
  size_t pos_;
};

}  // namespace

size_t DecodeDeltaLength(const uint8_t* data, size_t size, size_t n,
                         const std::function<void(std::string_view)>& each) {
  DeltaLengthReader r(data, size, n);
  r.Each(n, each);
  return r.position();
}

void DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t n,
                          const std::function<void(std::string_view)>& each) {
  DeltaBinaryDecoder prefixes(data, size);
  if (prefixes.total() != n)
    throw FormatError("DELTA_BYTE_ARRAY data has " + std::to_string(prefixes.total()) + " prefix lengths for " +
                      std::to_string(n) + " values");
  size_t suffix_start = DeltaBinaryDecoder(prefixes).SkipRest();
  DeltaLengthReader suffixes(data + suffix_start, size - suffix_start, n);
  // Only the previous value is kept, so memory stays bounded by the
  // longest value, however the prefixes repeat.
  std::string value;
  int64_t prefix[512];
  size_t have = 0, used = 0, fetched = 0;
  suffixes.Each(n, [&](std::string_view suffix) {
    if (used == have) {
      have = std::min<size_t>(512, n - fetched);
      prefixes.Get(prefix, have);
      fetched += have;
      used = 0;
    }
    int64_t p = prefix[used++];
    if (p < 0 || static_cast<uint64_t>(p) > value.size())
      throw FormatError("a DELTA_BYTE_ARRAY prefix is longer than the previous value");
    value.resize(static_cast<size_t>(p));
    value.append(suffix);
    each(value);
  });
}

}  // namespace kpic::rt::parquet
