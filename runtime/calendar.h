// Time buckets: grains from day to year plus `all`, ISO or custom weeks and
// fiscal years. A period is an integer ordinal at a grain, so that the
// previous period is `ordinal - 1` and ranges of periods are integer
// ranges; every period also maps to the half-open range of days it covers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kpic::rt {

class TimeZone;

enum class Grain { kDay, kWeek, kMonth, kQuarter, kYear, kAll };

const char* GrainName(Grain g);
/// The grain's name in Chinese: 天, 周, 月, 季度, 年, 全部.
const char* GrainNameZh(Grain g);
std::optional<Grain> ParseGrain(const std::string& name);

/// The package calendar. Weeks start on `week_start` (0 = Monday; ISO
/// labels `2026-W09` when Monday, else the start date). Fiscal years start
/// in `fiscal_start` (1..12); a fiscal year is named by the calendar year in
/// which it ends (`FY2027` runs from April 2026 when it starts in April).
///
/// With a retail `pattern` (4-4-5, 4-5-4 or 5-4-4, as the NRF calendar), a
/// fiscal year is 52 or 53 whole weeks: it ends on the last day of a week
/// (the day before `week_start`) nearest the last day of the month before
/// `fiscal_start`; its quarters are 13 weeks, their months `pattern` weeks,
/// and the 53rd week of a long year belongs to its last month. Weeks then
/// nest in months, quarters and years.
struct Calendar {
  int week_start = 0;
  int fiscal_start = 1;
  const TimeZone* zone = nullptr;  ///< nullptr: UTC
  /// The weeks of the three months of a quarter, e.g. {4, 5, 4}; all zero
  /// for Gregorian months.
  int pattern[3] = {0, 0, 0};
  bool Retail() const { return pattern[0] != 0; }
};

/// Parses "4-4-5", "4-5-4" or "5-4-4" into `pattern`; false otherwise.
bool ParseRetailPattern(const std::string& text, int pattern[3]);

/// A retail year (its ordinal as the Gregorian fiscal year's: the calendar
/// year its nominal first month is in): its first day and its weeks (52 or
/// 53).
int32_t RetailYearStart(int64_t year, const Calendar& c);
int RetailWeeks(int64_t year, const Calendar& c);
/// The retail year of a day, and the week number (1..53) of a day in it.
int64_t RetailYearOf(int32_t day, const Calendar& c);
int RetailWeekOf(int32_t day, const Calendar& c);

/// The ordinal of the period at grain `g` containing day `day` (days since
/// 1970-01-01). `all` is always 0.
int64_t PeriodOf(Grain g, int32_t day, const Calendar& c);
/// The first day of a period, and the first day after it.
int32_t PeriodStart(Grain g, int64_t ordinal, const Calendar& c);
int32_t PeriodEnd(Grain g, int64_t ordinal, const Calendar& c);
/// `2026`, `FY2027`, `2026-Q3`, `2026-03`, `2026-W09`, `2026-03-05`, `all`;
/// in a retail calendar `FY2024`, `FY2024-Q1`, `FY2024-P01`, `FY2024-W01`.
std::string PeriodLabel(Grain g, int64_t ordinal, const Calendar& c);
/// The local day of a timestamp (microseconds since the epoch, UTC) in the
/// calendar's zone.
int32_t LocalDay(int64_t micros, const Calendar& c);

/// Whether grain `a` is at least as coarse as `b` and its periods are unions
/// of `b`'s (weeks do not nest in months, except in a retail calendar).
bool Nests(Grain fine, Grain coarse);
bool Nests(Grain fine, Grain coarse, const Calendar& c);

}  // namespace kpic::rt
