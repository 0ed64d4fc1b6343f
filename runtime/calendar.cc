// Time buckets.
#include "calendar.h"

#include <algorithm>
#include <cstdio>

#include "datetime.h"
#include "timezone.h"

namespace kpic::rt {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// Months since year 0, shifted so the fiscal year starts at a multiple of 12.
int64_t FiscalMonth(int32_t day, const Calendar& c) {
  int y, m, d;
  CivilFromDays(day, &y, &m, &d);
  return int64_t{y} * 12 + (m - 1) - (c.fiscal_start - 1);
}

int32_t DayOfFiscalMonth(int64_t fm, const Calendar& c) {
  int64_t months = fm + (c.fiscal_start - 1);
  int y = static_cast<int>(FloorDiv(months, 12));
  int m = static_cast<int>(months - int64_t{y} * 12) + 1;
  return DaysFromCivilAny(y, m, 1);
}

/// Weekday of a day, Monday = 0 (1970-01-01 was a Thursday).
int Weekday(int64_t day) { return static_cast<int>(((day + 3) % 7 + 7) % 7); }

/// The first week (0-based) of each month of a retail year, and 52.
void MonthWeeks(const Calendar& c, int first[13]) {
  int w = 0;
  for (int m = 0; m < 12; ++m) {
    first[m] = w;
    w += c.pattern[m % 3];
  }
  first[12] = w;
}

/// The month (0..11) of a retail year holding its week `w` (0-based); the
/// 53rd week belongs to the last month.
int RetailMonthOfWeek(int w, const Calendar& c) {
  int first[13];
  MonthWeeks(c, first);
  int m = 0;
  while (m < 11 && w >= first[m + 1]) ++m;
  return m;
}

}  // namespace

bool ParseRetailPattern(const std::string& text, int pattern[3]) {
  for (const char* p : {"4-4-5", "4-5-4", "5-4-4"}) {
    if (text != p) continue;
    for (int k = 0; k < 3; ++k) pattern[k] = p[2 * k] - '0';
    return true;
  }
  return false;
}

int32_t RetailYearStart(int64_t year, const Calendar& c) {
  // The nominal last day of the year before: the day before the first of
  // `fiscal_start`; the year ends on the week's last day nearest to it.
  int32_t nominal = DaysFromCivilAny(static_cast<int>(year), c.fiscal_start, 1) - 1;
  int week_end = (c.week_start + 6) % 7;
  int delta = ((week_end - Weekday(nominal) + 7) % 7 + 3) % 7 - 3;
  return nominal + delta + 1;
}

int RetailWeeks(int64_t year, const Calendar& c) {
  return (RetailYearStart(year + 1, c) - RetailYearStart(year, c)) / 7;
}

int64_t RetailYearOf(int32_t day, const Calendar& c) {
  int64_t o = FloorDiv(FiscalMonth(day, c), 12);
  if (day < RetailYearStart(o, c)) return o - 1;
  if (day >= RetailYearStart(o + 1, c)) return o + 1;
  return o;
}

int RetailWeekOf(int32_t day, const Calendar& c) {
  return static_cast<int>((day - RetailYearStart(RetailYearOf(day, c), c)) / 7) + 1;
}

const char* GrainNameZh(Grain g) {
  switch (g) {
    case Grain::kDay:
      return "天";
    case Grain::kWeek:
      return "周";
    case Grain::kMonth:
      return "月";
    case Grain::kQuarter:
      return "季度";
    case Grain::kYear:
      return "年";
    case Grain::kAll:
      break;
  }
  return "全部";
}

const char* GrainName(Grain g) {
  switch (g) {
    case Grain::kDay:
      return "day";
    case Grain::kWeek:
      return "week";
    case Grain::kMonth:
      return "month";
    case Grain::kQuarter:
      return "quarter";
    case Grain::kYear:
      return "year";
    case Grain::kAll:
      return "all";
  }
  return "?";
}

std::optional<Grain> ParseGrain(const std::string& n) {
  for (Grain g : {Grain::kDay, Grain::kWeek, Grain::kMonth, Grain::kQuarter, Grain::kYear, Grain::kAll})
    if (n == GrainName(g)) return g;
  return std::nullopt;
}

int64_t PeriodOf(Grain g, int32_t day, const Calendar& c) {
  if (c.Retail() && (g == Grain::kMonth || g == Grain::kQuarter || g == Grain::kYear)) {
    int64_t y = RetailYearOf(day, c);
    int w = (day - RetailYearStart(y, c)) / 7;
    if (g == Grain::kYear) return y;
    if (g == Grain::kQuarter) return y * 4 + std::min(w / 13, 3);
    return y * 12 + RetailMonthOfWeek(w, c);
  }
  switch (g) {
    case Grain::kDay:
      return day;
    case Grain::kWeek:
      // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
      return FloorDiv(int64_t{day} + 3 - c.week_start, 7);
    case Grain::kMonth: {
      int y, m, d;
      CivilFromDays(day, &y, &m, &d);
      return int64_t{y} * 12 + (m - 1);
    }
    case Grain::kQuarter:
      return FloorDiv(FiscalMonth(day, c), 3);
    case Grain::kYear:
      return FloorDiv(FiscalMonth(day, c), 12);
    case Grain::kAll:
      return 0;
  }
  return 0;
}

int32_t PeriodStart(Grain g, int64_t o, const Calendar& c) {
  if (c.Retail() && (g == Grain::kMonth || g == Grain::kQuarter || g == Grain::kYear)) {
    int64_t per = g == Grain::kYear ? 1 : g == Grain::kQuarter ? 4 : 12;
    int64_t y = FloorDiv(o, per);
    int k = static_cast<int>(o - y * per);
    int first[13];
    MonthWeeks(c, first);
    int weeks = g == Grain::kYear ? 0 : g == Grain::kQuarter ? 13 * k : first[k];
    return RetailYearStart(y, c) + 7 * weeks;
  }
  switch (g) {
    case Grain::kDay:
      return static_cast<int32_t>(o);
    case Grain::kWeek:
      return static_cast<int32_t>(o * 7 - 3 + c.week_start);
    case Grain::kMonth: {
      int y = static_cast<int>(FloorDiv(o, 12));
      return DaysFromCivilAny(y, static_cast<int>(o - int64_t{y} * 12) + 1, 1);
    }
    case Grain::kQuarter:
      return DayOfFiscalMonth(o * 3, c);
    case Grain::kYear:
      return DayOfFiscalMonth(o * 12, c);
    case Grain::kAll:
      return INT32_MIN;
  }
  return 0;
}

int32_t PeriodEnd(Grain g, int64_t o, const Calendar& c) {
  return g == Grain::kAll ? INT32_MAX : PeriodStart(g, o + 1, c);
}

std::string PeriodLabel(Grain g, int64_t o, const Calendar& c) {
  char buf[48];
  if (c.Retail() && g != Grain::kDay && g != Grain::kAll) {
    // Named by the year the nominal fiscal year ends in, as fiscal years are.
    int64_t per = g == Grain::kYear ? 1 : g == Grain::kQuarter ? 4 : g == Grain::kMonth ? 12 : 0;
    int64_t y;
    int k;
    if (g == Grain::kWeek) {
      int32_t start = PeriodStart(g, o, c);
      y = RetailYearOf(start, c);
      k = RetailWeekOf(start, c);
    } else {
      y = FloorDiv(o, per);
      k = static_cast<int>(o - y * per) + 1;
    }
    int name = static_cast<int>(c.fiscal_start == 1 ? y : y + 1);
    switch (g) {
      case Grain::kYear:
        std::snprintf(buf, sizeof buf, "FY%04d", name);
        break;
      case Grain::kQuarter:
        std::snprintf(buf, sizeof buf, "FY%04d-Q%d", name, k);
        break;
      case Grain::kMonth:
        std::snprintf(buf, sizeof buf, "FY%04d-P%02d", name, k);
        break;
      default:
        std::snprintf(buf, sizeof buf, "FY%04d-W%02d", name, k);
        break;
    }
    return buf;
  }
  switch (g) {
    case Grain::kDay:
      return FormatDate(static_cast<int32_t>(o));
    case Grain::kWeek: {
      int32_t start = PeriodStart(g, o, c);
      if (c.week_start != 0) return FormatDate(start);
      // ISO: the week belongs to the year of its Thursday.
      int y, m, d;
      CivilFromDays(start + 3, &y, &m, &d);
      int32_t jan1 = DaysFromCivilAny(y, 1, 1);
      std::snprintf(buf, sizeof buf, "%04d-W%02d", y, (start + 3 - jan1) / 7 + 1);
      return buf;
    }
    case Grain::kMonth: {
      int y = static_cast<int>(FloorDiv(o, 12));
      std::snprintf(buf, sizeof buf, "%04d-%02d", y, static_cast<int>(o - int64_t{y} * 12) + 1);
      return buf;
    }
    case Grain::kQuarter: {
      int64_t fy = FloorDiv(o, 4);
      int q = static_cast<int>(o - fy * 4) + 1;
      if (c.fiscal_start == 1) {
        std::snprintf(buf, sizeof buf, "%04d-Q%d", static_cast<int>(fy), q);
      } else {
        std::snprintf(buf, sizeof buf, "FY%04d-Q%d", static_cast<int>(fy) + 1, q);
      }
      return buf;
    }
    case Grain::kYear:
      if (c.fiscal_start == 1) {
        std::snprintf(buf, sizeof buf, "%04d", static_cast<int>(o));
      } else {
        std::snprintf(buf, sizeof buf, "FY%04d", static_cast<int>(o) + 1);
      }
      return buf;
    case Grain::kAll:
      return "all";
  }
  return "";
}

int32_t LocalDay(int64_t micros, const Calendar& c) {
  int64_t secs = FloorDiv(micros, 1000000);
  if (c.zone) secs += c.zone->OffsetAt(secs);
  return static_cast<int32_t>(FloorDiv(secs, 86400));
}

bool Nests(Grain fine, Grain coarse, const Calendar& c) {
  if (c.Retail() && fine == Grain::kWeek) return static_cast<int>(fine) <= static_cast<int>(coarse);
  return Nests(fine, coarse);
}

bool Nests(Grain fine, Grain coarse) {
  if (coarse == Grain::kAll || fine == coarse || fine == Grain::kDay) return true;
  if (fine == Grain::kWeek) return false;
  return static_cast<int>(fine) < static_cast<int>(coarse);
}

}  // namespace kpic::rt
