// Value conversion into the declared domain (see convert.h).
#include "convert.h"

#include <cmath>
#include <cstring>

#include "datetime.h"
#include "decimal.h"
#include "timezone.h"

namespace kpic::rt::parquet {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string ExtraDigits(int scale) {
  return "has more than " + std::to_string(scale) + " digits after the point for decimal(" + std::to_string(scale) +
         ") (rounding would change the amount)";
}

std::string OutOfRange(int scale) { return "is out of range for decimal(" + std::to_string(scale) + ")"; }

}  // namespace

Converter::Converter(const ValueKind& kind, Physical physical, ColType target, int target_scale,
                     const CsvOptions& options)
    : kind_(kind), physical_(physical), target_(target), target_scale_(target_scale), options_(options) {
  unsigned_ = kind.kind == ValueKind::kUnsignedInt;
  int src_scale = kind.kind == ValueKind::kDecimal ? kind.scale : 0;
  float_div_ = std::pow(10.0, src_scale);
  if (unsigned_) op_ = physical == Physical::kInt32 ? Op::kUnsigned32 : Op::kUnsigned64;
  if (kind.kind == ValueKind::kNull) op_ = Op::kZero;
  if (target == ColType::kDecimal) {
    if (src_scale <= target_scale) {
      factor_ = static_cast<int64_t>(Pow10(target_scale - src_scale));
      if (factor_ != 1) op_ = op_ == Op::kCopy ? Op::kMul : op_;
    } else {
      op_ = Op::kExactDiv;
      int d = src_scale - target_scale;
      factor_ = d > 18 ? 0 : static_cast<int64_t>(Pow10(d));  // 0: only a zero divides exactly
    }
  } else if (target == ColType::kTimestamp) {
    local_ = !kind.utc;
    if (kind.unit == 1) {
      op_ = Op::kMul;
      factor_ = 1000;
    } else if (kind.unit == 3) {
      op_ = Op::kFloorDiv;
      factor_ = 1000;
    }
  }
}

std::string Converter::Describe(int64_t raw) const {
  if (kind_.kind == ValueKind::kDecimal) return FormatDecimal(raw, kind_.scale);
  if (unsigned_)
    return std::to_string(physical_ == Physical::kInt32 ? uint64_t{static_cast<uint32_t>(raw)}
                                                        : static_cast<uint64_t>(raw));
  if (kind_.kind == ValueKind::kTimestamp) {
    static const char* const kUnits[] = {"", " ms", " us", " ns"};
    return std::to_string(raw) + kUnits[kind_.unit] + " since 1970-01-01";
  }
  return std::to_string(raw);
}

std::string Converter::TooLarge() const {
  if (target_ == ColType::kDecimal) return OutOfRange(target_scale_);
  if (target_ == ColType::kTimestamp) return "is out of range for a timestamp";
  return "is too large for an int (64 bits)";
}

int64_t Converter::ToUtc(int64_t local) const {
  int64_t sec = FloorDiv(local, 1000000), frac = local - sec * 1000000;
  int64_t utc = options_.zone ? options_.zone->LocalToUtc(sec) : sec - int64_t{options_.tz_offset_minutes} * 60;
  return utc * 1000000 + frac;
}

void Converter::Ints(int64_t* v, size_t n, const BadFn& bad) const {
  switch (op_) {
    case Op::kCopy:
      break;
    case Op::kZero:
      for (size_t i = 0; i < n; ++i) v[i] = 0;
      break;
    case Op::kUnsigned32:
      for (size_t i = 0; i < n; ++i) {
        int64_t x = static_cast<uint32_t>(v[i]);
        if (__builtin_mul_overflow(x, factor_, &v[i])) {
          bad(i, std::to_string(x), TooLarge());
          v[i] = 0;
        }
      }
      break;
    case Op::kUnsigned64:
      for (size_t i = 0; i < n; ++i) {
        int64_t x = v[i];
        if (x < 0 || __builtin_mul_overflow(x, factor_, &v[i])) {
          bad(i, std::to_string(static_cast<uint64_t>(x)), TooLarge());
          v[i] = 0;
        }
      }
      break;
    case Op::kMul:
      for (size_t i = 0; i < n; ++i) {
        int64_t x = v[i];
        if (__builtin_mul_overflow(x, factor_, &v[i])) {
          bad(i, Describe(x), TooLarge());
          v[i] = 0;
        }
      }
      break;
    case Op::kExactDiv:
      for (size_t i = 0; i < n; ++i) {
        int64_t x = v[i];
        if (factor_ == 0 ? x != 0 : x % factor_ != 0) {
          bad(i, Describe(x), ExtraDigits(target_scale_));
          v[i] = 0;
        } else {
          v[i] = factor_ == 0 ? 0 : x / factor_;
        }
      }
      break;
    case Op::kFloorDiv:
      for (size_t i = 0; i < n; ++i) v[i] = FloorDiv(v[i], factor_);
      break;
  }
  if (target_ == ColType::kDate) {
    for (size_t i = 0; i < n; ++i)
      if (!DayInRange(v[i])) {
        bad(i, Describe(v[i]) + " (days since 1970-01-01)", kOutsideYears);
        v[i] = 0;
      }
  } else if (target_ == ColType::kTimestamp) {
    // A local time is read in the zone only inside the range (and a day
    // either side, where an offset may bring it in): out there, the
    // arithmetic could overflow.
    for (size_t i = 0; i < n; ++i) {
      int64_t x = v[i];
      bool near = x >= kFirstMicros - 86400000000 && x <= kLastMicros + 86400000000;
      if (near && local_) x = ToUtc(x);
      if (!near || !MicrosInRange(x)) {
        bad(i, std::to_string(v[i]) + " us since 1970-01-01", std::string(kOutsideYears) + " in UTC");
        x = 0;
      }
      v[i] = x;
    }
  }
}

void Converter::IntsToFloats(const int64_t* in, double* out, size_t n) const {
  if (unsigned_) {
    for (size_t i = 0; i < n; ++i)
      out[i] = physical_ == Physical::kInt32 ? static_cast<double>(static_cast<uint32_t>(in[i]))
                                             : static_cast<double>(static_cast<uint64_t>(in[i]));
    return;
  }
  if (float_div_ == 1.0) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(in[i]);
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(in[i]) / float_div_;
}

std::string Converter::DecimalBytes(std::string_view b, int64_t* out_int, double* out_float, std::string* shown) const {
  // Big-endian two's complement; bytes beyond 16 must only extend the sign.
  const auto* p = reinterpret_cast<const uint8_t*>(b.data());
  size_t n = b.size();
  bool negative = n > 0 && (p[0] & 0x80);
  size_t skip = n > 16 ? n - 16 : 0;
  for (size_t i = 0; i < skip; ++i)
    if (p[i] != (negative ? 0xFF : 0x00)) {
      *shown = "(a decimal of " + std::to_string(n) + " bytes)";
      return target_ == ColType::kFloat ? "is too large for a float" : OutOfRange(target_scale_);
    }
  unsigned __int128 u = negative ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = skip; i < n; ++i) u = (u << 8) | p[i];
  if (skip > 0 && ((p[skip] & 0x80) != 0) != negative) {
    *shown = "(a decimal of " + std::to_string(n) + " bytes)";
    return OutOfRange(target_scale_);
  }
  __int128 v = static_cast<__int128>(u);
  int src = kind_.scale;
  if (target_ == ColType::kFloat) {
    *out_float = static_cast<double>(v) / float_div_;
    return "";
  }
  __int128 r = v;
  if (src <= target_scale_) {
    auto m = CheckedMul(v, Pow10(target_scale_ - src));
    if (!m || *m > INT64_MAX || *m < INT64_MIN) {
      *shown = FormatDecimal(v, src);
      return OutOfRange(target_scale_);
    }
    r = *m;
  } else {
    int d = src - target_scale_;
    __int128 f = d > 38 ? 0 : Pow10(d);
    if (f == 0 ? v != 0 : v % f != 0) {
      *shown = FormatDecimal(v, src);
      return ExtraDigits(target_scale_);
    }
    r = f == 0 ? 0 : v / f;
    if (r > INT64_MAX || r < INT64_MIN) {
      *shown = FormatDecimal(v, src);
      return OutOfRange(target_scale_);
    }
  }
  *out_int = static_cast<int64_t>(r);
  return "";
}

std::string Converter::Int96(const uint8_t* p, int64_t* out, std::string* shown) const {
  int64_t nanos;
  int32_t julian;
  std::memcpy(&nanos, p, 8);
  std::memcpy(&julian, p + 8, 4);
  constexpr int64_t kUnixJulian = 2440588;  // the Julian day of 1970-01-01
  int64_t micros;
  if (__builtin_mul_overflow(int64_t{julian} - kUnixJulian, int64_t{86400000000}, &micros) ||
      __builtin_add_overflow(micros, FloorDiv(nanos, 1000), &micros)) {
    *shown = "INT96 day " + std::to_string(julian) + " + " + std::to_string(nanos) + " ns";
    return "is out of range for a timestamp";
  }
  if (!MicrosInRange(micros)) {
    *shown = "INT96 day " + std::to_string(julian) + " + " + std::to_string(nanos) + " ns";
    return std::string(kOutsideYears) + " in UTC";
  }
  *out = micros;
  return "";
}

uint32_t Converter::Intern(Column& col, std::string_view s) {
  uint32_t code = col.dict.Find(s);
  if (code != UINT32_MAX) return code;
  if (!TextProblem(s).empty()) return UINT32_MAX;
  return col.dict.Intern(s);
}

}  // namespace kpic::rt::parquet
