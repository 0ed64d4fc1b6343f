// Metric values after aggregation: exact integers (counts), exact decimals
// (money: 128-bit scaled integers), IEEE doubles (ratios, averages) or
// null. Arithmetic follows docs/language.md: exact where both sides are
// exact, overflow an error, division always a double and null on zero.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kpic::engine {

struct Val {
  enum class Kind : uint8_t { kNull, kInt, kDec, kFloat };
  Kind kind = Kind::kNull;
  __int128 i = 0;  ///< kInt, kDec (scaled by 10^scale)
  int scale = 0;
  double f = 0;

  static Val Null() { return {}; }
  static Val Int(__int128 v) { return {Kind::kInt, v, 0, 0}; }
  static Val Dec(__int128 v, int scale) { return {Kind::kDec, v, scale, 0}; }
  static Val Float(double v) { return {Kind::kFloat, 0, 0, v}; }
  bool null() const { return kind == Kind::kNull; }
  bool exact() const { return kind == Kind::kInt || kind == Kind::kDec; }
  double AsDouble() const;
  /// Exact text for kInt/kDec ("12.50"), shortest round-trip text for
  /// floats, "" for null.
  std::string Text() const;
};

/// Arithmetic overflow of exact values (exit code 3: the data made it).
struct OverflowError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Val Add(const Val& a, const Val& b);
Val Sub(const Val& a, const Val& b);
Val Mul(const Val& a, const Val& b);
Val Div(const Val& a, const Val& b);
Val Neg(const Val& a);
/// -1, 0, 1; both sides non-null.
int Compare(const Val& a, const Val& b);
bool Truthy(const Val& v);
/// A value's attainment of its target: value / target, or target / value
/// when lower is better; null where the quotient does not rank (a target
/// at or below zero, or, lower being better, a value at or below zero: net
/// sales of -135 against 1.1 x last month's -135 read -505.1% "met", and
/// members ranked in reverse; closing-the-loop probe, 2026-12-06).
Val Attainment(bool lower_is_better, const Val& value, const Val& target);

}  // namespace kpic::engine
