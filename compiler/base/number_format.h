// `format` patterns of metrics: how a value is shown to people. A pattern
// is an optional literal prefix (a currency sign), a number part, an
// optional `%` and an optional literal suffix:
//
//   "#,##0.00"   12,345.68        "¥#,##0"   ¥12,346        "0.0%"   12.3%
//   "0"          12346            "#,##0 元" 12,346 元
//
// The number part is `0` with optional `#`s and `,` before it (a `,`
// anywhere groups thousands) and optionally `.` and 1 to 9 `0`s (the
// decimals shown). `%` shows the value times 100. The checker refuses any
// other pattern (E0309); the writers apply them (JSON and CSV keep exact
// values).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kpic {

struct NumberFormat {
  std::string prefix, suffix;
  bool grouping = false;  ///< thousands separators
  int decimals = 0;
  bool percent = false;  ///< times 100, with `%`
};

/// The pattern, or nullopt with `*why` saying what is wrong in it.
std::optional<NumberFormat> ParseNumberFormat(std::string_view pattern, std::string* why);

/// `value` (already a plain number; `percent` multiplies it) as the pattern
/// shows it, rounding half away from zero at the last decimal shown.
std::string ApplyNumberFormat(const NumberFormat& f, double value);

}  // namespace kpic
