// Time buckets.
#include "calendar.h"

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
  return DaysFromCivil(y, m, 1).value_or(0);
}

}  // namespace

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
  switch (g) {
    case Grain::kDay:
      return static_cast<int32_t>(o);
    case Grain::kWeek:
      return static_cast<int32_t>(o * 7 - 3 + c.week_start);
    case Grain::kMonth: {
      int y = static_cast<int>(FloorDiv(o, 12));
      return DaysFromCivil(y, static_cast<int>(o - int64_t{y} * 12) + 1, 1).value_or(0);
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
  char buf[32];
  switch (g) {
    case Grain::kDay:
      return FormatDate(static_cast<int32_t>(o));
    case Grain::kWeek: {
      int32_t start = PeriodStart(g, o, c);
      if (c.week_start != 0) return FormatDate(start);
      // ISO: the week belongs to the year of its Thursday.
      int y, m, d;
      CivilFromDays(start + 3, &y, &m, &d);
      int32_t jan1 = DaysFromCivil(y, 1, 1).value_or(0);
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

bool Nests(Grain fine, Grain coarse) {
  if (coarse == Grain::kAll || fine == coarse || fine == Grain::kDay) return true;
  if (fine == Grain::kWeek) return false;
  return static_cast<int>(fine) < static_cast<int>(coarse);
}

}  // namespace kpic::rt
