// Decoding a page's values into the target domain (see page_values.h).
#include "page_values.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "delta.h"
#include "rle.h"

namespace kpic::rt::parquet {

namespace {

[[noreturn]] void Unsupported(Encoding e, Physical p) {
  throw FormatError("a page uses the encoding " + EncodingName(e) + " for a " + PhysicalName(p) +
                    " column, which kpic cannot read");
}

uint32_t Le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// NaN and the infinities are bad values, as in the CSV reader (runtime/csv.cc,
/// the same reason): a sum over them has no value and min/max would pass
/// over a NaN without a word. Each is reported and left 0.
void RefuseNonFinite(double* v, size_t n, const BadFn& bad) {
  bool finite = true;
  for (size_t i = 0; i < n; ++i) finite &= std::isfinite(v[i]);
  if (finite) return;
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(v[i])) continue;
    std::string shown = std::isnan(v[i]) ? "NaN" : v[i] > 0 ? "Infinity" : "-Infinity";
    v[i] = 0;
    bad(i, std::move(shown), "is not a finite number (NaN and infinities cannot be summed)");
  }
}

}  // namespace

size_t PageValues::FixedWidth() const {
  switch (ctx_.physical) {
    case Physical::kInt32:
    case Physical::kFloat:
      return 4;
    case Physical::kInt64:
    case Physical::kDouble:
      return 8;
    case Physical::kInt96:
      return 12;
    case Physical::kFixedLenByteArray:
      return static_cast<size_t>(ctx_.type_length);
    default:
      return 0;
  }
}

PageValues::PageValues(Encoding encoding, const uint8_t* data, size_t size, size_t count, const ValueContext& ctx,
                       const Dictionary* dict)
    : encoding_(encoding), data_(data), end_(data + size), p_(data), count_(count), ctx_(ctx), dict_(dict) {
  const Physical phys = ctx.physical;
  if (phys == Physical::kFixedLenByteArray && ctx.type_length <= 0)
    throw FormatError("a FIXED_LEN_BYTE_ARRAY column has no valid length");
  switch (encoding) {
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!dict) throw FormatError("a dictionary-encoded page comes without a dictionary page");
      if (size < 1) throw FormatError("a dictionary-encoded page has no bit width");
      int width = data[0];
      if (width > 32) throw FormatError("a dictionary-encoded page has a bit width of " + std::to_string(width));
      rle_ = std::make_unique<RleDecoder>(data + 1, size - 1, width);
      dictionary_ = true;
      return;
    }
    case Encoding::kPlain:
      return;
    case Encoding::kRle: {
      if (phys != Physical::kBoolean) Unsupported(encoding, phys);
      if (size < 4 || Le32(data) > size - 4) throw FormatError("RLE boolean data has an invalid length");
      rle_ = std::make_unique<RleDecoder>(data + 4, Le32(data), 1);
      return;
    }
    case Encoding::kDeltaBinaryPacked:
      if (phys != Physical::kInt32 && phys != Physical::kInt64) Unsupported(encoding, phys);
      delta_ = std::make_unique<DeltaBinaryDecoder>(data, size);
      if (delta_->total() < count) throw FormatError("DELTA_BINARY_PACKED data has fewer values than the page");
      return;
    case Encoding::kByteStreamSplit: {
      size_t w = FixedWidth();
      if (w == 0 || phys == Physical::kInt96) Unsupported(encoding, phys);
      if (size / w < count) throw FormatError("BYTE_STREAM_SPLIT data is shorter than its values");
      return;
    }
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray: {
      if (phys != Physical::kByteArray &&
          !(phys == Physical::kFixedLenByteArray && encoding == Encoding::kDeltaByteArray))
        Unsupported(encoding, phys);
      // The values are decoded now (these encodings have no random access),
      // each converted as it comes: memory grows only with decoded values.
      staged_ = true;
      const ColType target = ctx.convert->target();
      size_t i = 0;
      auto each = [&](std::string_view b) {
        std::string shown, why;
        if (target == ColType::kString) {
          uint32_t code = Converter::Intern(*ctx.column, b);
          if (code == UINT32_MAX) {
            why = TextProblem(b);
            shown = std::string(b);
            code = 0;
          }
          staged_codes_.push_back(code);
        } else if (target == ColType::kFloat) {
          double f = 0;
          why = ctx.convert->DecimalBytes(b, nullptr, &f, &shown);
          staged_floats_.push_back(f);
        } else {
          int64_t v = 0;
          why = ctx.convert->DecimalBytes(b, &v, nullptr, &shown);
          staged_ints_.push_back(v);
        }
        if (!why.empty()) staged_bad_.push_back({i, {std::move(shown), std::move(why)}});
        ++i;
      };
      if (encoding == Encoding::kDeltaLengthByteArray)
        DecodeDeltaLength(data, size, count, each);
      else
        DecodeDeltaByteArray(data, size, count, each);
      return;
    }
    default:
      Unsupported(encoding, phys);
  }
}

const uint8_t* PageValues::Take(size_t bytes) {
  if (static_cast<size_t>(end_ - p_) < bytes) throw FormatError("a page's values run past the end of the page");
  const uint8_t* at = p_;
  p_ += bytes;
  return at;
}

template <class F>
void PageValues::Bytes(size_t n, F&& each) {
  const bool fixed = ctx_.physical == Physical::kFixedLenByteArray;
  const size_t w = static_cast<size_t>(ctx_.type_length);
  if (encoding_ == Encoding::kByteStreamSplit) {
    gathered_.resize(w);
    for (size_t i = 0; i < n; ++i, ++index_) {
      for (size_t k = 0; k < w; ++k) gathered_[k] = data_[k * count_ + index_];
      each(i, std::string_view(reinterpret_cast<const char*>(gathered_.data()), w));
    }
    return;
  }
  if (encoding_ != Encoding::kPlain) Unsupported(encoding_, ctx_.physical);
  for (size_t i = 0; i < n; ++i) {
    size_t len = fixed ? w : Le32(Take(4));
    const uint8_t* b = Take(len);
    each(i, std::string_view(reinterpret_cast<const char*>(b), len));
  }
  index_ += n;
}

void PageValues::RawInts(int64_t* out, size_t n) {
  const Physical phys = ctx_.physical;
  if (delta_) {
    delta_->Get(out, n);
    if (phys == Physical::kInt32)
      for (size_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(static_cast<uint32_t>(out[i]));
  } else if (phys == Physical::kBoolean) {
    indices_.resize(n);
    if (rle_) {
      rle_->Get(indices_.data(), n);
    } else {
      // PLAIN booleans: bits, LSB first, from the section's start.
      uint64_t bit = static_cast<uint64_t>(index_);
      if ((bit + n + 7) / 8 > static_cast<uint64_t>(end_ - data_))
        throw FormatError("a page's booleans run past the end of the page");
      UnpackBits32(data_, static_cast<size_t>(end_ - data_), bit, 1, indices_.data(), n);
    }
    for (size_t i = 0; i < n; ++i) out[i] = indices_[i];
  } else if (encoding_ == Encoding::kByteStreamSplit) {
    const size_t w = FixedWidth();
    for (size_t i = 0; i < n; ++i, ++index_) {
      uint64_t v = 0;
      for (size_t k = 0; k < w; ++k) v |= uint64_t{data_[k * count_ + index_]} << (8 * k);
      out[i] = w == 4 ? static_cast<int32_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v);
    }
    return;
  } else if (encoding_ == Encoding::kPlain && phys == Physical::kInt32) {
    const uint8_t* p = Take(4 * n);
    for (size_t i = 0; i < n; ++i) {
      int32_t v;
      std::memcpy(&v, p + 4 * i, 4);
      out[i] = v;
    }
  } else if (encoding_ == Encoding::kPlain && phys == Physical::kInt64) {
    const uint8_t* p = Take(8 * n);
    if (n != 0) std::memcpy(out, p, 8 * n);
  } else {
    Unsupported(encoding_, phys);
  }
  index_ += n;
}

void PageValues::RawFloats(double* out, size_t n) {
  const bool single = ctx_.physical == Physical::kFloat;
  if (encoding_ == Encoding::kByteStreamSplit) {
    const size_t w = single ? 4 : 8;
    for (size_t i = 0; i < n; ++i, ++index_) {
      uint8_t b[8];
      for (size_t k = 0; k < w; ++k) b[k] = data_[k * count_ + index_];
      if (single) {
        float f;
        std::memcpy(&f, b, 4);
        out[i] = f;
      } else {
        std::memcpy(&out[i], b, 8);
      }
    }
    return;
  }
  if (encoding_ != Encoding::kPlain) Unsupported(encoding_, ctx_.physical);
  if (single) {
    const uint8_t* p = Take(4 * n);
    for (size_t i = 0; i < n; ++i) {
      float f;
      std::memcpy(&f, p + 4 * i, 4);
      out[i] = f;
    }
  } else {
    const uint8_t* p = Take(8 * n);
    if (n != 0) std::memcpy(out, p, 8 * n);
  }
  index_ += n;
}

template <class T>
void PageValues::FromDictionary(T* out, size_t n, const std::vector<T>& values, const BadFn& bad) {
  indices_.resize(n);
  rle_->Get(indices_.data(), n);
  uint32_t max = 0;
  for (size_t i = 0; i < n; ++i) max = std::max(max, indices_[i]);
  if (n > 0 && max >= values.size())
    throw FormatError("a dictionary index (" + std::to_string(max) + ") is past the dictionary's " +
                      std::to_string(values.size()) + " entries");
  const T* v = values.data();
  const uint32_t* idx = indices_.data();
  for (size_t i = 0; i < n; ++i) out[i] = v[idx[i]];
  if (!dict_->bad.empty())
    for (size_t i = 0; i < n; ++i)
      if (dict_->bad[idx[i]]) bad(i, dict_->why[idx[i]].first, dict_->why[idx[i]].second);
  index_ += n;
}

namespace {

template <class T>
void FromStaged(const std::vector<T>& staged, size_t from, T* out, size_t n,
                const std::vector<std::pair<size_t, std::pair<std::string, std::string>>>& staged_bad,
                const BadFn& bad) {
  if (from + n > staged.size()) throw FormatError("a page has fewer values than its levels say");
  std::copy(staged.begin() + from, staged.begin() + from + n, out);
  for (const auto& [i, why] : staged_bad)
    if (i >= from && i < from + n) bad(i - from, why.first, why.second);
}

}  // namespace

template <class T>
void PageValues::DecimalsFromBytes(T* out, size_t n, const BadFn& bad) {
  Bytes(n, [&](size_t i, std::string_view b) {
    std::string shown;
    std::string why;
    if constexpr (std::is_same_v<T, double>)
      why = ctx_.convert->DecimalBytes(b, nullptr, &out[i], &shown);
    else
      why = ctx_.convert->DecimalBytes(b, &out[i], nullptr, &shown);
    if (!why.empty()) {
      out[i] = 0;
      bad(i, shown, why);
    }
  });
}

void PageValues::Ints(int64_t* out, size_t n, const BadFn& bad) {
  if (index_ + n > count_) throw FormatError("a page has fewer values than its levels say");
  if (dictionary_) return FromDictionary(out, n, dict_->ints, bad);
  if (staged_) {
    FromStaged(staged_ints_, index_, out, n, staged_bad_, bad);
    index_ += n;
    return;
  }
  const Physical phys = ctx_.physical;
  if (phys == Physical::kByteArray || phys == Physical::kFixedLenByteArray) {
    return DecimalsFromBytes(out, n, bad);
  }
  if (phys == Physical::kInt96) {
    if (encoding_ != Encoding::kPlain) Unsupported(encoding_, phys);
    for (size_t i = 0; i < n; ++i) {
      std::string shown;
      std::string why = ctx_.convert->Int96(Take(12), &out[i], &shown);
      if (!why.empty()) {
        out[i] = 0;
        bad(i, shown, why);
      }
    }
    index_ += n;
    return;
  }
  RawInts(out, n);
  ctx_.convert->Ints(out, n, bad);
}

void PageValues::Floats(double* out, size_t n, const BadFn& bad) {
  if (index_ + n > count_) throw FormatError("a page has fewer values than its levels say");
  if (dictionary_) return FromDictionary(out, n, dict_->floats, bad);
  if (staged_) {
    FromStaged(staged_floats_, index_, out, n, staged_bad_, bad);
    index_ += n;
    return;
  }
  const Physical phys = ctx_.physical;
  if (phys == Physical::kFloat || phys == Physical::kDouble) {
    RawFloats(out, n);
    return RefuseNonFinite(out, n, bad);
  }
  if (phys == Physical::kByteArray || phys == Physical::kFixedLenByteArray) {
    return DecimalsFromBytes(out, n, bad);
  }
  std::vector<int64_t> raw(n);
  RawInts(raw.data(), n);
  ctx_.convert->IntsToFloats(raw.data(), out, n);
}

void PageValues::Codes(uint32_t* out, size_t n, const BadFn& bad) {
  if (index_ + n > count_) throw FormatError("a page has fewer values than its levels say");
  if (dictionary_) return FromDictionary(out, n, dict_->codes, bad);
  if (staged_) {
    FromStaged(staged_codes_, index_, out, n, staged_bad_, bad);
    index_ += n;
    return;
  }
  if (ctx_.physical != Physical::kByteArray) Unsupported(encoding_, ctx_.physical);
  Bytes(n, [&](size_t i, std::string_view b) {
    uint32_t code = Converter::Intern(*ctx_.column, b);
    if (code == UINT32_MAX) {
      code = 0;
      bad(i, std::string(b), TextProblem(b));
    }
    out[i] = code;
  });
}

}  // namespace kpic::rt::parquet
