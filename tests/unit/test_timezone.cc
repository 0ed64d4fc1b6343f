// Time zones from the system's TZif files. Expected instants are worked
// out by hand from the zones' published rules.
#include <doctest/doctest.h>

#include "csv.h"
#include "datetime.h"
#include "timezone.h"

using namespace kpic::rt;

namespace {

int64_t Local(int y, int m, int d, int hh, int mm) { return int64_t{*DaysFromCivil(y, m, d)} * 86400 + hh * 3600 + mm * 60; }

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
  CsvResult r = ParseCsv("at\n2026-03-01T08:30:00\n2026-03-01T08:30:00Z\n", "f.csv",
                         {{"at", "at", ColType::kTimestamp, 0}}, o);
  CHECK(FormatTimestamp(r.columns[0].ints[0]) == "2026-03-01T00:30:00Z");
  CHECK(FormatTimestamp(r.columns[0].ints[1]) == "2026-03-01T08:30:00Z");  // an explicit offset wins
}
