// Parsing and applying `format` patterns.
#include "base/number_format.h"

#include <cmath>
#include <cstdio>

namespace kpic {

namespace {

bool IsPatternChar(char c) { return c == '#' || c == '0' || c == ',' || c == '.'; }

}  // namespace

std::optional<NumberFormat> ParseNumberFormat(std::string_view p, std::string* why) {
  NumberFormat f;
  size_t i = 0;
  while (i < p.size() && !IsPatternChar(p[i]) && p[i] != '%') f.prefix += p[i++];
  size_t start = i;
  bool zero = false, dot = false;
  while (i < p.size() && IsPatternChar(p[i])) {
    char c = p[i];
    if (c == '.') {
      if (dot) {
        *why = "a pattern has one `.` at most";
        return std::nullopt;
      }
      if (!zero) {
        *why = "a `0` must come before the `.`, e.g. `0.00` or `#,##0.00`";
        return std::nullopt;
      }
      dot = true;
    } else if (dot) {
      if (c != '0') {
        *why = "after the `.` come only `0`s, one per decimal shown";
        return std::nullopt;
      }
      ++f.decimals;
    } else if (c == '0') {
      zero = true;
    } else if (c == '#') {
      if (zero) {
        *why = "`#` cannot follow `0` in the whole part; write `#,##0`";
        return std::nullopt;
      }
    } else {
      f.grouping = true;
    }
    ++i;
  }
  if (i == start || !zero) {
    *why = "a pattern needs a `0` where the number goes, e.g. `#,##0.00`";
    return std::nullopt;
  }
  if (dot && f.decimals == 0) {
    *why = "a `.` is followed by the decimals shown, e.g. `0.00`";
    return std::nullopt;
  }
  if (f.decimals > 9) {
    *why = "at most 9 decimals are shown";
    return std::nullopt;
  }
  if (i < p.size() && p[i] == '%') {
    f.percent = true;
    ++i;
  }
  for (; i < p.size(); ++i) {
    if (IsPatternChar(p[i]) || p[i] == '%') {
      *why = "a pattern has one number part; the text around it is a prefix and a suffix";
      return std::nullopt;
    }
    f.suffix += p[i];
  }
  return f;
}

std::string ApplyNumberFormat(const NumberFormat& f, double value) {
  if (f.percent) value *= 100;
  if (!std::isfinite(value)) return "—";
  double scale = std::pow(10.0, f.decimals);
  // (a value so large that scaling it overflows has no decimals to round)
  double scaled = std::fabs(value) * scale;
  double r = std::isfinite(scaled) ? std::round(scaled) / scale : std::fabs(value);
  char buf[400];  // 1e308 has 309 digits
  std::snprintf(buf, sizeof buf, "%.*f", f.decimals, r);
  std::string digits(buf);
  std::string whole = digits.substr(0, digits.find('.'));
  std::string frac = digits.find('.') == std::string::npos ? "" : digits.substr(digits.find('.'));
  if (f.grouping)
    for (int k = static_cast<int>(whole.size()) - 3; k > 0; k -= 3) whole.insert(static_cast<size_t>(k), ",");
  bool negative = value < 0 && r != 0;
  return (negative ? "−" : "") + f.prefix + whole + frac + (f.percent ? "%" : "") + f.suffix;
}

}  // namespace kpic
