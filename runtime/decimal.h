// Exact decimal numbers for money: a value is an integer count of units of
// 10^-scale, stored in 64 bits; sums accumulate in 128 bits. Every
// operation that could overflow reports it instead of wrapping, and nothing
// here ever touches binary floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kpic::rt {

inline constexpr int kMaxScale = 18;
/// Decimal places a metric's exact value keeps (a product of metrics adds
/// its factors' places); `check` refuses a product of more (E0310).
inline constexpr int kMaxMetricScale = 30;

/// Parses a decimal literal ("-1234.5", "+0.07", "12") at the given scale.
/// Returns nullopt for malformed text, for more fractional digits than
/// `scale` (which would lose precision), or for overflow of 64 bits.
std::optional<int64_t> ParseDecimal(std::string_view text, int scale);

/// Formats a scaled value with exactly `scale` fractional digits.
std::string FormatDecimal(__int128 value, int scale);

/// 10^n for 0 <= n <= 38.
__int128 Pow10(int n);

/// Checked operations: nullopt on overflow of the 128-bit result.
std::optional<__int128> CheckedAdd(__int128 a, __int128 b);
std::optional<__int128> CheckedMul(__int128 a, __int128 b);

/// Rescales from scale `from` to scale `to` (to >= from), checked.
std::optional<__int128> Rescale(__int128 v, int from, int to);

}  // namespace kpic::rt
