// The values section of one page (a data page's non-null values, or a
// dictionary page's entries), decoded batch by batch straight into the
// declared column's domain: PLAIN, RLE booleans, dictionary indices,
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT. Fixed-width values are read in tight loops; strings
// from a dictionary are mapped to codes with no per-value string work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "convert.h"
#include "delta.h"
#include "format.h"
#include "rle.h"

namespace kpic::rt::parquet {

/// A column chunk's dictionary in the target domain: one value (or code)
/// per entry, and the entries that are bad (reported when a row uses them).
struct Dictionary {
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<uint32_t> codes;
  size_t size = 0;
  std::vector<uint8_t> bad;                              ///< per entry, when any is bad
  std::vector<std::pair<std::string, std::string>> why;  ///< per entry: value, reason (when bad)
};

/// What the page's values are and where they go.
struct ValueContext {
  Physical physical = Physical::kInt32;
  int type_length = 0;  ///< FIXED_LEN_BYTE_ARRAY
  const Converter* convert = nullptr;
  Column* column = nullptr;  ///< its dictionary receives strings
};

class PageValues {
 public:
  /// `count`: the number of values the section holds (non-null values).
  /// `dict`: the chunk's dictionary, for dictionary-encoded pages.
  PageValues(Encoding encoding, const uint8_t* data, size_t size, size_t count, const ValueContext& ctx,
             const Dictionary* dict);

  /// The next `n` values, into the target's domain; bad values are
  /// reported with their index in this call.
  void Ints(int64_t* out, size_t n, const BadFn& bad);
  void Floats(double* out, size_t n, const BadFn& bad);
  void Codes(uint32_t* out, size_t n, const BadFn& bad);

 private:
  void RawInts(int64_t* out, size_t n);
  void RawFloats(double* out, size_t n);
  /// Calls each(i, bytes) for the next n byte arrays.
  template <class F>
  void Bytes(size_t n, F&& each);
  const uint8_t* Take(size_t bytes);
  /// Decimals stored as byte arrays, into ints or doubles.
  template <class T>
  void DecimalsFromBytes(T* out, size_t n, const BadFn& bad);
  template <class T>
  void FromDictionary(T* out, size_t n, const std::vector<T>& values, const BadFn& bad);
  size_t FixedWidth() const;

  Encoding encoding_;
  const uint8_t *data_, *end_, *p_;
  size_t count_, index_ = 0;  ///< values in the section, and values read
  ValueContext ctx_;
  const Dictionary* dict_;
  std::unique_ptr<RleDecoder> rle_;
  std::unique_ptr<DeltaBinaryDecoder> delta_;
  std::vector<uint32_t> indices_;
  std::vector<uint8_t> gathered_;  ///< BYTE_STREAM_SPLIT: one value's bytes
  // DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY: decoded at once.
  std::vector<int64_t> staged_ints_;
  std::vector<double> staged_floats_;
  std::vector<uint32_t> staged_codes_;
  std::vector<std::pair<size_t, std::pair<std::string, std::string>>> staged_bad_;
  bool staged_ = false;
  bool dictionary_ = false;  ///< the values are dictionary indices
};

}  // namespace kpic::rt::parquet
