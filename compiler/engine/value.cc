// Metric value arithmetic.
#include "engine/value.h"

#include <fmt/format.h>

#include <cmath>

#include "decimal.h"

namespace kpic::engine {

namespace {

constexpr int kMaxValScale = rt::kMaxMetricScale;

double ToDouble(__int128 v, int scale) {
  // Split to keep precision for large values: integer part and fraction.
  __int128 p = rt::Pow10(scale);
  __int128 ip = v / p, fp = v % p;
  return static_cast<double>(ip) + static_cast<double>(fp) / static_cast<double>(p);
}

void Align(const Val& a, const Val& b, __int128* x, __int128* y, int* scale) {
  *scale = std::max(a.scale, b.scale);
  auto ra = rt::Rescale(a.i, a.scale, *scale), rb = rt::Rescale(b.i, b.scale, *scale);
  if (!ra || !rb) throw OverflowError("exact arithmetic overflowed 128 bits");
  *x = *ra;
  *y = *rb;
}

Val Exact(__int128 v, int scale, bool dec) { return dec ? Val::Dec(v, scale) : Val::Int(v); }

}  // namespace

double Val::AsDouble() const {
  switch (kind) {
    case Kind::kInt:
      return static_cast<double>(i);
    case Kind::kDec:
      return ToDouble(i, scale);
    case Kind::kFloat:
      return f;
    default:
      return 0;
  }
}

std::string Val::Text() const {
  switch (kind) {
    case Kind::kInt:
      return rt::FormatDecimal(i, 0);
    case Kind::kDec:
      return rt::FormatDecimal(i, scale);
    case Kind::kFloat:
      if (std::isnan(f) || std::isinf(f)) return "";
      return fmt::format("{}", f == 0 ? 0.0 : f);  // never -0: CSV wrote `-0` where the table read 0.00
    default:
      return "";
  }
}

Val Add(const Val& a, const Val& b) {
  if (a.null() || b.null()) return Val::Null();
  if (!a.exact() || !b.exact()) return Val::Float(a.AsDouble() + b.AsDouble());
  __int128 x, y;
  int s;
  Align(a, b, &x, &y, &s);
  auto r = rt::CheckedAdd(x, y);
  if (!r) throw OverflowError("exact arithmetic overflowed 128 bits");
  return Exact(*r, s, a.kind == Val::Kind::kDec || b.kind == Val::Kind::kDec);
}

Val Neg(const Val& a) {
  if (a.null()) return a;
  if (!a.exact()) return Val::Float(-a.f);
  Val r = a;
  r.i = -a.i;
  return r;
}

Val Sub(const Val& a, const Val& b) { return Add(a, Neg(b)); }

Val Mul(const Val& a, const Val& b) {
  if (a.null() || b.null()) return Val::Null();
  if (!a.exact() || !b.exact()) return Val::Float(a.AsDouble() * b.AsDouble());
  auto r = rt::CheckedMul(a.i, b.i);
  if (!r) throw OverflowError("exact arithmetic overflowed 128 bits");
  int scale = a.scale + b.scale;
  __int128 v = *r;
  // Beyond the 30th place only zeros may be dropped: rounding would make
  // an exact result inexact without a word (it did until 2026-12-04; the
  // SQL keeps every digit), so more digits are an error, as overflow is.
  while (scale > kMaxValScale) {
    if (v % 10 != 0)
      throw OverflowError(
          "an exact product needs more than 30 digits after the point (a product of decimals adds their digits "
          "after the point); round a factor with round(x, n)");
    v /= 10;
    --scale;
  }
  return Exact(v, scale, a.kind == Val::Kind::kDec || b.kind == Val::Kind::kDec);
}

Val Attainment(bool lower_is_better, const Val& value, const Val& target) {
  if (value.null() || target.null() || Compare(target, Val::Int(0)) <= 0) return Val::Null();
  if (!lower_is_better) return Div(value, target);
  if (Compare(value, Val::Int(0)) <= 0) return Val::Null();
  return Div(target, value);
}

Val Div(const Val& a, const Val& b) {
  if (a.null() || b.null()) return Val::Null();
  if (b.exact() ? b.i == 0 : b.f == 0) return Val::Null();
  if (a.exact() && b.exact()) {
    // Both exact: divide the scaled integers (as long doubles for precision).
    long double x = static_cast<long double>(a.i), y = static_cast<long double>(b.i);
    long double r = x / y;
    int shift = b.scale - a.scale;
    if (shift > 0) r *= static_cast<long double>(rt::Pow10(shift));
    if (shift < 0) r /= static_cast<long double>(rt::Pow10(-shift));
    return Val::Float(static_cast<double>(r));
  }
  double r = a.AsDouble() / b.AsDouble();
  if (std::isnan(r) || std::isinf(r)) return Val::Null();
  return Val::Float(r);
}

int Compare(const Val& a, const Val& b) {
  if (a.exact() && b.exact()) {
    __int128 x, y;
    int s;
    Align(a, b, &x, &y, &s);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  double x = a.AsDouble(), y = b.AsDouble();
  return x < y ? -1 : x > y ? 1 : 0;
}

bool Truthy(const Val& v) { return !v.null() && (v.exact() ? v.i != 0 : v.f != 0); }

}  // namespace kpic::engine
