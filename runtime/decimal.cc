// Exact decimal parsing, formatting and checked arithmetic.
#include "decimal.h"

namespace kpic::rt {

__int128 Pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

std::optional<int64_t> ParseDecimal(std::string_view text, int scale) {
  if (scale < 0 || scale > kMaxScale || text.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  __int128 v = 0;
  int frac_digits = 0;
  bool seen_dot = false, seen_digit = false;
  const __int128 limit = static_cast<__int128>(INT64_MAX) + (negative ? 1 : 0);
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_dot) return std::nullopt;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    seen_digit = true;
    if (seen_dot) {
      if (++frac_digits > scale) {
        if (c != '0') return std::nullopt;  // would lose precision
        --frac_digits;
        continue;
      }
    }
    v = v * 10 + (c - '0');
    if (v > limit * 10) return std::nullopt;  // keep the product bounded
  }
  if (!seen_digit) return std::nullopt;
  for (; frac_digits < scale; ++frac_digits) v *= 10;
  if (v > limit) return std::nullopt;
  return static_cast<int64_t>(negative ? -v : v);
}

std::string FormatDecimal(__int128 value, int scale) {
  bool negative = value < 0;
  unsigned __int128 mag = negative ? static_cast<unsigned __int128>(-(value + 1)) + 1 : value;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  return negative ? "-" + digits : digits;
}

std::optional<__int128> CheckedAdd(__int128 a, __int128 b) {
  __int128 r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<__int128> CheckedMul(__int128 a, __int128 b) {
  __int128 r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<__int128> Rescale(__int128 v, int from, int to) {
  if (to < from || to - from > 38) return std::nullopt;
  return CheckedMul(v, Pow10(to - from));
}

}  // namespace kpic::rt
