// Conversion of a Parquet column's values into the declared column's
// domain (rt::Column): integers, exact decimals rescaled to the declared
// scale, dates, timestamps in microseconds (UTC), doubles, and strings as
// dictionary codes. The rules are the CSV reader's: a decimal is never
// rounded (extra digits must be zeros), a value that does not fit is an
// error naming it, strings must be valid UTF-8, and a timestamp that is
// not adjusted to UTC is wall-clock time in the source's time zone (as a
// CSV timestamp without an offset). Sub-microsecond digits of nanosecond
// timestamps are dropped (floor), as the CSV reader drops digits past the
// sixth of a fraction.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "csv.h"
#include "schema.h"

namespace kpic::rt::parquet {

/// Reports the bad value at index `i` of a batch: its text and why.
using BadFn = std::function<void(size_t i, std::string value, std::string reason)>;

class Converter {
 public:
  Converter(const ValueKind& kind, Physical physical, ColType target, int target_scale, const CsvOptions& options);

  ColType target() const { return target_; }

  /// In place: raw integers (INT32 sign-extended, INT64, BOOLEAN as 0/1)
  /// become values of an integer-domain target (int, decimal, bool, date,
  /// timestamp). A bad value is reported and left 0.
  void Ints(int64_t* v, size_t n, const BadFn& bad) const;
  /// Raw integers into doubles (a float target of an integer or decimal
  /// column).
  void IntsToFloats(const int64_t* in, double* out, size_t n) const;
  /// One byte array (a decimal's big-endian two's complement) into an
  /// integer-domain target or a double; "" or why it is bad (`*shown` then
  /// has its text).
  std::string DecimalBytes(std::string_view b, int64_t* out_int, double* out_float, std::string* shown) const;
  /// One INT96 (nanoseconds of the day, then the Julian day) into
  /// microseconds; "" or why it is bad.
  std::string Int96(const uint8_t* p, int64_t* out, std::string* shown) const;
  /// One string into `col`'s dictionary; UINT32_MAX when it is not UTF-8.
  static uint32_t Intern(Column& col, std::string_view s);

 private:
  enum class Op { kCopy, kUnsigned32, kUnsigned64, kMul, kExactDiv, kFloorDiv, kZero };
  std::string Describe(int64_t raw) const;
  std::string TooLarge() const;
  int64_t ToUtc(int64_t local_micros) const;

  ValueKind kind_;
  Physical physical_;
  ColType target_;
  int target_scale_;
  const CsvOptions& options_;
  Op op_ = Op::kCopy;
  int64_t factor_ = 1;      ///< kMul, kExactDiv, kFloorDiv
  bool unsigned_ = false;   ///< raw values are unsigned (before op_)
  bool local_ = false;      ///< a wall-clock timestamp: to UTC after op_
  double float_div_ = 1.0;  ///< IntsToFloats: 10^scale of a decimal
};

}  // namespace kpic::rt::parquet
