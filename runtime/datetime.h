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
/// The same for any year (m and d must be valid): period arithmetic steps
/// past 9999-12-31 (the end of December 9999 is 10000-01-01).
int32_t DaysFromCivilAny(int y, int m, int d);
int DaysInMonth(int y, int m);  ///< m in 1..12, any year
void CivilFromDays(int32_t days, int* y, int* m, int* d);

/// The days a value may hold: 0001-01-01 to 9999-12-31, the range the
/// text readers accept (a timestamp's instant in UTC). Parquet, SQLite and
/// PostgreSQL values outside it are data errors, so that period arithmetic
/// never meets them.
inline constexpr int32_t kFirstDay = -719162, kLastDay = 2932896;
inline constexpr int64_t kFirstMicros = int64_t{kFirstDay} * 86400000000;
inline constexpr int64_t kLastMicros = (int64_t{kLastDay} + 1) * 86400000000 - 1;
inline bool DayInRange(int64_t day) { return day >= kFirstDay && day <= kLastDay; }
inline bool MicrosInRange(int64_t micros) { return micros >= kFirstMicros && micros <= kLastMicros; }
/// The reason given for a value outside that range.
inline constexpr const char* kOutsideYears = "is outside the years 1 to 9999";

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
