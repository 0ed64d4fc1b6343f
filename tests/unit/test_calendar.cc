// Retail (4-5-4) calendars against the NRF calendar's published dates, and
// the invariants every pattern, week start and fiscal start must keep.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "calendar.h"
#include "datetime.h"

namespace {

using kpic::rt::Calendar;
using kpic::rt::Grain;

int32_t D(int y, int m, int d) { return kpic::rt::DaysFromCivil(y, m, d).value(); }

/// Calls f(pattern, calendar) for every retail pattern, week start and
/// fiscal start.
template <class F>
void ForEachRetailCalendar(F&& f) {
  for (const char* pattern : {"4-4-5", "4-5-4", "5-4-4"})
    for (int ws = 0; ws < 7; ++ws)
      for (int fs = 1; fs <= 12; ++fs) {
        Calendar c;
        c.week_start = ws;
        c.fiscal_start = fs;
        REQUIRE(kpic::rt::ParseRetailPattern(pattern, c.pattern));
        f(pattern, c);
      }
}

/// NRF: weeks Sunday to Saturday, the year ends on the Saturday nearest
/// 31 January, months 4-5-4.
Calendar Nrf(const char* pattern = "4-5-4") {
  Calendar c;
  c.week_start = 6;  // Sunday
  c.fiscal_start = 2;
  REQUIRE(kpic::rt::ParseRetailPattern(pattern, c.pattern));
  return c;
}

}  // namespace

TEST_CASE("retail patterns parse; others do not") {
  int p[3];
  CHECK(kpic::rt::ParseRetailPattern("4-4-5", p));
  CHECK((p[0] == 4 && p[1] == 4 && p[2] == 5));
  CHECK(kpic::rt::ParseRetailPattern("5-4-4", p));
  CHECK((p[0] == 5 && p[1] == 4 && p[2] == 4));
  CHECK_FALSE(kpic::rt::ParseRetailPattern("4-4-4", p));
  CHECK_FALSE(kpic::rt::ParseRetailPattern("454", p));
}

TEST_CASE("NRF 4-5-4 years: 2017 and 2023 have 53 weeks") {
  Calendar c = Nrf();
  // NRF fiscal 2017: 29 January 2017 to 3 February 2018, 53 weeks.
  CHECK(kpic::rt::RetailYearStart(2017, c) == D(2017, 1, 29));
  CHECK(kpic::rt::RetailYearStart(2018, c) == D(2018, 2, 4));
  CHECK(kpic::rt::RetailWeeks(2017, c) == 53);
  // NRF fiscal 2022: 30 January 2022 to 28 January 2023, 52 weeks.
  CHECK(kpic::rt::RetailYearStart(2022, c) == D(2022, 1, 30));
  CHECK(kpic::rt::RetailWeeks(2022, c) == 52);
  // NRF fiscal 2023: 29 January 2023 to 3 February 2024, 53 weeks.
  CHECK(kpic::rt::RetailYearStart(2023, c) == D(2023, 1, 29));
  CHECK(kpic::rt::RetailWeeks(2023, c) == 53);
  // NRF fiscal 2024: 4 February 2024 to 1 February 2025.
  CHECK(kpic::rt::RetailYearStart(2024, c) == D(2024, 2, 4));
  CHECK(kpic::rt::RetailYearStart(2025, c) == D(2025, 2, 2));
  CHECK(kpic::rt::RetailWeeks(2024, c) == 52);
  // Between them no other 53-week year.
  for (int y = 2018; y <= 2022; ++y) CHECK(kpic::rt::RetailWeeks(y, c) == 52);

  CHECK(kpic::rt::PeriodOf(Grain::kYear, D(2024, 2, 3), c) == 2023);
  CHECK(kpic::rt::PeriodOf(Grain::kYear, D(2024, 2, 4), c) == 2024);
  CHECK(kpic::rt::PeriodLabel(Grain::kYear, 2023, c) == "FY2024");
  CHECK(kpic::rt::PeriodStart(Grain::kYear, 2023, c) == D(2023, 1, 29));
  CHECK(kpic::rt::PeriodEnd(Grain::kYear, 2023, c) == D(2024, 2, 4));
}

TEST_CASE("NRF 4-5-4 months and quarters of fiscal 2023, the 53rd week in January") {
  Calendar c = Nrf();
  // First day of each month (February .. January), as published by the NRF.
  const int32_t starts[13] = {D(2023, 1, 29),  D(2023, 2, 26),  D(2023, 4, 2),  D(2023, 4, 30), D(2023, 5, 28),
                              D(2023, 7, 2),   D(2023, 7, 30),  D(2023, 8, 27), D(2023, 10, 1), D(2023, 10, 29),
                              D(2023, 11, 26), D(2023, 12, 31), D(2024, 2, 4)};
  for (int m = 0; m < 12; ++m) {
    int64_t o = 2023 * 12 + m;
    CHECK(kpic::rt::PeriodStart(Grain::kMonth, o, c) == starts[m]);
    CHECK(kpic::rt::PeriodEnd(Grain::kMonth, o, c) == starts[m + 1]);
    CHECK(kpic::rt::PeriodOf(Grain::kMonth, starts[m], c) == o);
    CHECK(kpic::rt::PeriodOf(Grain::kMonth, starts[m + 1] - 1, c) == o);
  }
  CHECK(kpic::rt::PeriodLabel(Grain::kMonth, 2023 * 12, c) == "FY2024-P01");
  CHECK(kpic::rt::PeriodLabel(Grain::kMonth, 2023 * 12 + 11, c) == "FY2024-P12");
  // January 2024 has 5 weeks: the 4 of the pattern and the 53rd.
  CHECK(starts[12] - starts[11] == 35);
  // Quarters: 13 weeks, the fourth 14 in a 53-week year.
  const int32_t q[5] = {D(2023, 1, 29), D(2023, 4, 30), D(2023, 7, 30), D(2023, 10, 29), D(2024, 2, 4)};
  for (int k = 0; k < 4; ++k) {
    CHECK(kpic::rt::PeriodStart(Grain::kQuarter, 2023 * 4 + k, c) == q[k]);
    CHECK(kpic::rt::PeriodOf(Grain::kQuarter, q[k + 1] - 1, c) == 2023 * 4 + k);
  }
  CHECK(kpic::rt::PeriodLabel(Grain::kQuarter, 2023 * 4 + 3, c) == "FY2024-Q4");
  // Weeks: 3 February 2024 is the 53rd week of the year; 4 February the first of the next.
  int64_t w53 = kpic::rt::PeriodOf(Grain::kWeek, D(2024, 2, 3), c);
  CHECK(kpic::rt::PeriodStart(Grain::kWeek, w53, c) == D(2024, 1, 28));
  CHECK(kpic::rt::PeriodLabel(Grain::kWeek, w53, c) == "FY2024-W53");
  CHECK(kpic::rt::PeriodLabel(Grain::kWeek, w53 + 1, c) == "FY2025-W01");
  CHECK(kpic::rt::RetailWeekOf(D(2024, 2, 3), c) == 53);
  CHECK(kpic::rt::RetailWeekOf(D(2024, 2, 4), c) == 1);
  CHECK(kpic::rt::Nests(Grain::kWeek, Grain::kMonth, c));
  CHECK_FALSE(kpic::rt::Nests(Grain::kWeek, Grain::kMonth, Calendar{}));
}

TEST_CASE("4-4-5 and 5-4-4 months of NRF fiscal 2024") {
  Calendar a = Nrf("4-4-5");
  CHECK(kpic::rt::PeriodStart(Grain::kMonth, 2024 * 12 + 1, a) == D(2024, 3, 3));   // after 4 weeks
  CHECK(kpic::rt::PeriodStart(Grain::kMonth, 2024 * 12 + 2, a) == D(2024, 3, 31));  // after 8
  CHECK(kpic::rt::PeriodStart(Grain::kMonth, 2024 * 12 + 3, a) == D(2024, 5, 5));   // after 13
  Calendar b = Nrf("5-4-4");
  CHECK(kpic::rt::PeriodStart(Grain::kMonth, 2024 * 12 + 1, b) == D(2024, 3, 10));  // after 5 weeks
  CHECK(kpic::rt::PeriodStart(Grain::kMonth, 2024 * 12 + 11, b) == D(2025, 1, 5));  // after 48
}

TEST_CASE("retail periods tile the days, nest, start on the week's first day") {
  // Counted in plain code and checked once: millions of days, cheap under the sanitizers.
  int64_t bad = 0;
  std::string first;
  auto expect = [&](bool ok, const char* what, int32_t day) {
    if (ok) return;
    if (bad++ == 0) first = std::string(what) + " on " + kpic::rt::FormatDate(day);
  };
  ForEachRetailCalendar([&](const char*, const Calendar& c) {
    const int ws = c.week_start;
    int64_t prev_month = kpic::rt::PeriodOf(Grain::kMonth, D(2000, 1, 1) - 1, c);
    for (int32_t d = D(2000, 1, 1); d < D(2025, 1, 1); ++d) {
      int64_t m = kpic::rt::PeriodOf(Grain::kMonth, d, c);
      if (m != prev_month) {
        expect(m == prev_month + 1, "months follow each other", d);
        expect(kpic::rt::PeriodStart(Grain::kMonth, m, c) == d, "a month starts where the last ended", d);
        expect((d + 3 - ws) % 7 == 0, "a month starts on the week's first day", d);
        int len = kpic::rt::PeriodEnd(Grain::kMonth, m, c) - d;
        expect(len == 28 || len == 35 || len == 42, "a month is 4, 5 or 6 weeks", d);
        prev_month = m;
      }
      int64_t q = kpic::rt::PeriodOf(Grain::kQuarter, d, c), y = kpic::rt::PeriodOf(Grain::kYear, d, c);
      expect(q == (m - y * 12) / 3 + y * 4, "months nest in quarters", d);
      expect(kpic::rt::PeriodStart(Grain::kYear, y, c) <= d && kpic::rt::PeriodEnd(Grain::kYear, y, c) > d,
             "a day is in its year", d);
      int64_t w = kpic::rt::PeriodOf(Grain::kWeek, d, c);
      expect(kpic::rt::PeriodOf(Grain::kMonth, kpic::rt::PeriodStart(Grain::kWeek, w, c), c) == m,
             "weeks nest in months", d);
    }
  });
  CHECK_MESSAGE(bad == 0, first);
}

namespace {

/// A day plus n Gregorian months, clamped to the month's end (SQL's
/// add_months in every dialect kpic emits).
int32_t AddMonths(int32_t day, int64_t n) {
  int y, m, d;
  kpic::rt::CivilFromDays(day, &y, &m, &d);
  int64_t t = int64_t{y} * 12 + (m - 1) + n;
  int ny = static_cast<int>(t >= 0 ? t / 12 : (t - 11) / 12);
  int nm = static_cast<int>(t - int64_t{ny} * 12) + 1;
  for (int dd = d; dd >= 28; --dd)
    if (auto r = kpic::rt::DaysFromCivil(ny, nm, dd)) return *r;
  return kpic::rt::DaysFromCivil(ny, nm, d).value();
}

}  // namespace

TEST_CASE("a retail period n periods on holds its Gregorian month plus n periods and a half (kpic sql)") {
  // compiler/sql/emit.cc moves a retail period start by n periods as the
  // period holding the first of the Gregorian month of its start plus 15
  // days, + n * (1, 3 or 12) months + (14, 45 or 182) days.
  struct G {
    Grain g;
    int months, half;
  };
  int64_t bad = 0;
  std::string first;
  ForEachRetailCalendar([&](const char* pattern, const Calendar& c) {
    const int ws = c.week_start, fs = c.fiscal_start;
    for (G g : {G{Grain::kMonth, 1, 14}, G{Grain::kQuarter, 3, 45}, G{Grain::kYear, 12, 182}}) {
      int64_t o0 = kpic::rt::PeriodOf(g.g, D(1990, 1, 1), c), o1 = kpic::rt::PeriodOf(g.g, D(2040, 1, 1), c);
      for (int64_t o = o0; o <= o1; ++o) {
        int32_t e = kpic::rt::PeriodStart(g.g, o, c);
        int y, m, d;
        kpic::rt::CivilFromDays(e + 15, &y, &m, &d);
        int32_t month = D(y, m, 1);  // the Gregorian month of e's period
        for (int64_t n : {-60, -13, -12, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 11, 12, 13, 24, 60}) {
          int32_t at = AddMonths(month, n * g.months) + g.half;
          if (kpic::rt::PeriodOf(g.g, at, c) != o + n && bad++ == 0)
            first = fmt::format("{} {} ws {} fs {}: {} + {} periods", pattern, kpic::rt::GrainName(g.g), ws, fs,
                                kpic::rt::FormatDate(e), n);
        }
      }
    }
  });
  CHECK_MESSAGE(bad == 0, first);
}
