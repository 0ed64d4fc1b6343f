// Dates and timestamps as integers: a date is days since 1970-01-01, a
// timestamp is microseconds since 1970-01-01T00:00:00Z. Parsing is strict
// (no silent coercion) and never allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kpic::rt {

/// Days since 1970-01-01 of a proleptic Gregorian date, or nullopt when the
/// date does not exist.
std::optional<int32_t> DaysFromCivil(int y, int m, int d);
void CivilFromDays(int32_t days, int* y, int* m, int* d);

/// A strftime-like pattern of %Y %m %d %H %M %S and literal characters,
/// e.g. "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d".
struct DateFormat {
  std::string pattern = "%Y-%m-%d";
};

std::optional<int32_t> ParseDate(std::string_view text, const DateFormat& format);

/// ISO 8601: `2026-03-01T08:30:00`, with a space instead of `T`, optional
/// seconds and fraction (up to microseconds), optional `Z` or `±hh:mm`.
/// Without an offset the time is local to `default_offset_minutes`.
std::optional<int64_t> ParseTimestamp(std::string_view text, int default_offset_minutes);

class TimeZone;
/// Like ParseTimestamp, but a timestamp without an offset is local time in
/// `zone` (daylight-saving time included).
std::optional<int64_t> ParseTimestampIn(std::string_view text, const TimeZone& zone);

std::string FormatDate(int32_t days);
std::string FormatTimestamp(int64_t micros);  ///< UTC, `2026-03-01T00:30:00Z`

}  // namespace kpic::rt
