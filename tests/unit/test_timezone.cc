// Time zones from the system's TZif files. Expected instants are worked
// out by hand from the zones' published rules.
#include <doctest/doctest.h>

#include "csv.h"
#include "datetime.h"
#include "timezone.h"

using namespace kpic::rt;

namespace {

int64_t Local(int y, int m, int d, int hh, int mm) {
  return int64_t{*DaysFromCivil(y, m, d)} * 86400 + hh * 3600 + mm * 60;
}

std::string Utc(int64_t seconds) { return FormatTimestamp(seconds * 1000000); }

}  // namespace

TEST_CASE("fixed zones and UTC") {
  std::string error;
  auto utc = TimeZone::Load("UTC", &error);
  REQUIRE(utc);
  CHECK(utc->OffsetAt(0) == 0);
  auto plus8 = TimeZone::Load("+08:00", &error);
  REQUIRE(plus8);
  CHECK(Utc(plus8->LocalToUtc(Local(2026, 3, 1, 8, 30))) == "2026-03-01T00:30:00Z");
  CHECK_FALSE(TimeZone::Load("Mars/Olympus", &error));
  CHECK(error.find("no such time zone") == 0);
  CHECK_FALSE(TimeZone::Load("../etc/passwd", &error));
}

TEST_CASE("IANA zones, with and without daylight-saving time") {
  std::string error;
  auto shanghai = TimeZone::Load("Asia/Shanghai", &error);
  REQUIRE_MESSAGE(shanghai, error);
  CHECK(Utc(shanghai->LocalToUtc(Local(2026, 7, 1, 8, 0))) == "2026-07-01T00:00:00Z");  // UTC+8 all year
  auto ny = TimeZone::Load("America/New_York", &error);
  REQUIRE_MESSAGE(ny, error);
  CHECK(Utc(ny->LocalToUtc(Local(2026, 1, 15, 12, 0))) == "2026-01-15T17:00:00Z");  // EST, UTC-5
  CHECK(Utc(ny->LocalToUtc(Local(2026, 7, 1, 12, 0))) == "2026-07-01T16:00:00Z");   // EDT, UTC-4
  // 2026-03-08 02:30 does not exist (clocks jump 02:00 -> 03:00): read with
  // the offset before the jump, i.e. 03:30 EDT.
  CHECK(Utc(ny->LocalToUtc(Local(2026, 3, 8, 2, 30))) == "2026-03-08T07:30:00Z");
  // 2026-11-01 01:30 happens twice: the first occurrence (EDT).
  CHECK(Utc(ny->LocalToUtc(Local(2026, 11, 1, 1, 30))) == "2026-11-01T05:30:00Z");
}

TEST_CASE("CSV timestamps without an offset are read in the calendar's zone") {
  std::string error;
  auto shanghai = TimeZone::Load("Asia/Shanghai", &error);
  REQUIRE(shanghai);
  CsvOptions o;
  o.zone = &*shanghai;
  CsvResult r =
      ParseCsv("at\n2026-03-01T08:30:00\n2026-03-01T08:30:00Z\n", "f.csv", {{"at", "at", ColType::kTimestamp, 0}}, o);
  CHECK(FormatTimestamp(r.columns[0].ints[0]) == "2026-03-01T00:30:00Z");
  CHECK(FormatTimestamp(r.columns[0].ints[1]) == "2026-03-01T08:30:00Z");  // an explicit offset wins
}

TEST_CASE("CSV timestamps in time order across both daylight-saving changes of a year") {
  // Every 30 minutes from 2026-03-06 to 2026-03-10 and from 2026-10-30 to
  // 2026-11-03 in New York, then the same times again out of order. The
  // expected offset follows the published rule, worked out by hand: EST
  // (+5 h to UTC) before 2026-03-08 02:00 (the skipped hour 02:00-02:59 is
  // read with the offset before the jump) and from the second 2026-11-01
  // 01:00 on (a repeated time is its first occurrence, EDT), EDT (+4 h)
  // between.
  std::string error;
  auto ny = TimeZone::Load("America/New_York", &error);
  REQUIRE_MESSAGE(ny, error);
  std::string csv = "at\n";
  std::vector<int64_t> expected;
  auto add = [&](int64_t local) {
    int32_t days = static_cast<int32_t>(local / 86400);
    int64_t rem = local % 86400;
    int y, m, d;
    CivilFromDays(days, &y, &m, &d);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, static_cast<int>(rem / 3600),
                  static_cast<int>(rem % 3600 / 60), static_cast<int>(rem % 60));
    csv += std::string(buf) + "\n";
    bool est = local < Local(2026, 3, 8, 3, 0) || local >= Local(2026, 11, 1, 2, 0);
    expected.push_back(local + (est ? 5 : 4) * 3600);
  };
  std::vector<int64_t> times;
  for (int64_t t = Local(2026, 3, 6, 0, 0); t < Local(2026, 3, 10, 0, 0); t += 1800) times.push_back(t);
  for (int64_t t = Local(2026, 10, 30, 0, 0); t < Local(2026, 11, 3, 0, 0); t += 1800) times.push_back(t);
  for (int64_t t : times) add(t);
  for (size_t i = 0; i < times.size(); i += 7) add(times[times.size() - 1 - i]);  // back and forth
  CsvOptions o;
  o.zone = &*ny;
  CsvResult r = ParseCsv(csv, "f.csv", {{"at", "at", ColType::kTimestamp, 0}}, o);
  REQUIRE(r.rows == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) CHECK(r.columns[0].ints[i] == expected[i] * 1000000);
  CHECK(Utc(r.columns[0].ints[0] / 1000000) == "2026-03-06T05:00:00Z");
}
