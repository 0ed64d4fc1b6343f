// The randomised differential test of the two scan engines: random tables
// (nulls, empty tables, zero divisors, extreme decimals, many groups) and
// random metric suites over them, lowered by the real planner, evaluated by
// the interpreter and by the JIT. Every value must agree exactly, and an
// overflow must be reported by both with the same message.
//
// KPIC_DIFF_CASES sets the number of cases (default 1500); KPIC_DIFF_SEED
// runs one case.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "codegen/kernel.h"
#include "engine/engine.h"
#include "engine/group.h"
#include "plan/lower.h"
#include "sema/catalog.h"
#include "syntax/parse.h"
#include "timezone.h"

using namespace kpic;

namespace {

const char* kSource = R"(
dimension kdim: string
dimension sdim: string
source t from csv("t.csv") {
  ts:  timestamp time
  k:   string -> kdim
  s2:  string -> sdim
  amt: decimal(2)
  q:   int
  f:   float
  b:   bool
  dd:  date
}
)";

/// kSource's columns, named and typed, empty.
std::vector<rt::Column> EmptyColumns() {
  std::vector<rt::Column> cols(8);
  const char* names[] = {"ts", "k", "s2", "amt", "q", "f", "b", "dd"};
  rt::ColType types[] = {rt::ColType::kTimestamp, rt::ColType::kString, rt::ColType::kString, rt::ColType::kDecimal,
                         rt::ColType::kInt,       rt::ColType::kFloat,  rt::ColType::kBool,   rt::ColType::kDate};
  for (size_t c = 0; c < 8; ++c) {
    cols[c].name = names[c];
    cols[c].type = types[c];
    cols[c].scale = c == 3 ? 2 : 0;
  }
  return cols;
}

struct Case {
  std::mt19937_64 rng;
  explicit Case(uint64_t seed) : rng(seed) {
    many = Chance(0.08) ? 3000 : 6;
    sorted = Chance(0.3);
    zoned = Chance(0.3);
  }
  size_t many;  ///< distinct strings per dimension: a few, or many groups
  /// Timestamps in time order (as most files are: the kernels' date-part
  /// cache then mostly hits), and read in a zone with daylight saving time,
  /// half of them within two days of its changes.
  bool sorted, zoned;
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
  template <typename T>
  const T& One(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::string RowValue() {
    static const std::vector<std::string> kValues = {
        "t.amt", "t.q", "t.f", "t.amt * t.q", "t.amt + t.q", "t.q - 3", "t.f / t.q", "abs(t.q)", "abs(t.amt)",
        "if(t.b, t.amt, 0)", "coalesce(t.q, 0)", "month(t.ts)", "t.amt * 1.5", "-t.amt", "t.amt - t.amt * 2",
        "t.q * t.q", "t.dd - t.dd", "day(t.dd)", "weekday(t.ts)", "t.f * 2", "if(t.k == \"a\", t.q, t.q * 2)",
        "coalesce(t.amt, t.q)", "t.amt / 0", "t.q * 0.25", "week(t.ts)", "t.b"};
    return One(kValues);
  }
  std::string Filter() {
    static const std::vector<std::string> kFilters = {
        "t.b", "not t.b", "t.k == \"a\"", "t.k in (\"a\", \"北京\")", "t.q > 2", "t.amt >= 10.5", "t.f < 0.5",
        "t.k is null", "t.q is not null and t.b", "t.s2 != \"x\" or t.q < 0", "hour(t.ts) < 12", "t.k < \"b\"",
        "t.amt * t.q > 100", "t.k not in (\"c\")", "\"b\" <= t.k", "t.q in (1, 2, 3)", "t.amt in (1.5, 2)",
        "t.f > t.q", "t.q <= 1", "t.amt <= t.q", "t.f != 0.25", "not (t.b or t.q == 0)", "t.dd >= 2026-03-01", "quarter(t.ts) == 2"};
    return One(kFilters);
  }
  std::string Aggregate() {
    static const std::vector<std::string> kFns = {"sum", "avg", "min", "max", "count", "median", "sum", "sum", "stddev", "variance"};
    size_t kind = Pick(10);
    std::string filter = Chance(0.5) ? " where " + Filter() : "";
    if (kind == 0) return "count(t" + filter + ")";
    if (kind == 1) return fmt::format("count_distinct({}{})", Chance(0.5) ? "t.k" : "t.q", filter);
    if (kind == 2) return fmt::format("percentile({}{}, 0.9)", RowValue(), filter);
    return fmt::format("{}({}{})", One(kFns), RowValue(), filter);
  }
  std::string Formula() {
    switch (Pick(6)) {
      case 0:
        return Aggregate() + " / " + Aggregate();
      case 1:
        return Aggregate() + " - " + Aggregate();
      case 2:
        return "(" + Aggregate() + ") where " + Filter();
      case 3:
        return Aggregate() + " * 2";
      default:
        return Aggregate();
    }
  }

  void Columns(size_t rows, std::vector<rt::Column>* cols) {
    *cols = EmptyColumns();
    bool extreme = Chance(0.1);
    double null_rate = Chance(0.3) ? 0.0 : 0.1;
    static const std::vector<std::string> kStrings = {"a", "b", "c", "北京", "", "x"};
    size_t many = this->many;
    for (size_t c = 0; c < 8; ++c) {
      rt::Column& col = (*cols)[c];
      for (size_t r = 0; r < rows; ++r) {
        bool null = c != 0 && Chance(null_rate);
        col.valid.push_back(!null);
        switch (col.type) {
          case rt::ColType::kTimestamp: {
            // Two years from 2025-01-01, sometimes null.
            if (Chance(0.02)) col.valid.back() = 0;
            int64_t secs = 1735689600LL + static_cast<int64_t>(Pick(730 * 86400));
            // New York's changes of 2025: 9 March 07:00 and 2 November 06:00 UTC.
            if (zoned && Chance(0.5))
              secs = (Chance(0.5) ? 1741503600LL : 1762063200LL) + static_cast<int64_t>(Pick(4 * 86400)) - 2 * 86400;
            col.ints.push_back(secs * 1000000);
            break;
          }
          case rt::ColType::kString:
            col.codes.push_back(col.dict.Intern(many > 6 ? std::to_string(Pick(many)) : One(kStrings)));
            break;
          case rt::ColType::kDecimal:
            col.ints.push_back(extreme && Chance(0.3) ? (Chance(0.5) ? INT64_MAX - static_cast<int64_t>(Pick(10))
                                                                     : INT64_MIN + static_cast<int64_t>(Pick(10)))
                                                      : static_cast<int64_t>(Pick(2000001)) - 1000000);
            break;
          case rt::ColType::kInt:
            col.ints.push_back(static_cast<int64_t>(Pick(11)) - 5);
            break;
          case rt::ColType::kFloat:
            col.floats.push_back(std::uniform_real_distribution<double>(-2, 2)(rng));
            break;
          case rt::ColType::kBool:
            col.ints.push_back(static_cast<int64_t>(Pick(2)));
            break;
          case rt::ColType::kDate:
            col.ints.push_back(20089 + static_cast<int64_t>(Pick(730)));
            break;
        }
      }
      if (sorted && (col.type == rt::ColType::kTimestamp || col.type == rt::ColType::kDate))
        std::sort(col.ints.begin(), col.ints.end());
    }
  }
};

std::string ValText(const engine::Val& v) { return fmt::format("{}:{}", static_cast<int>(v.kind), v.Text()); }

/// Runs every scan with one engine and evaluates; returns the values or
/// the error message.
std::vector<std::string> RunEngine(const plan::Plan& p, const std::vector<engine::ScanInput>& inputs, bool jit) {
  std::vector<std::string> out;
  engine::Limits limits;
  try {
    std::vector<engine::ScanResult> results;
    for (size_t i = 0; i < p.scans.size(); ++i)
      results.push_back(jit ? JitScan(p.scans[i], inputs[i], p.calendar, limits)
                            : engine::InterpretScan(p.scans[i], inputs[i], p.calendar, limits));
    engine::Results r = engine::Evaluate(p, results, limits);
    for (const auto& m : r.metrics)
      for (const auto& row : m.rows) {
        std::string dims;
        for (const auto& d : row.dims) dims += (d.null ? "~" : d.s) + "|";
        out.push_back(fmt::format("{} {} {} {}", m.output->metric, row.period, dims, ValText(row.value)));
      }
  } catch (const engine::OverflowError& e) {
    out.push_back(std::string("overflow: ") + e.what());
  }
  return out;
}

/// Parses, checks and plans `text` for the request; false when it does not
/// check or plan.
bool PlanOf(const std::string& text, const plan::Request& req, plan::Plan* out) {
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  auto file = ParseFile(sm, id, diags);
  CheckInput input;
  input.files.push_back(file.get());
  Catalog catalog = Check(input, sm, diags);
  if (diags.has_errors()) return false;
  try {
    *out = plan::Lower(catalog.checked.ir, req);
  } catch (const plan::PlanError&) {
    return false;
  }
  return true;
}

/// kSource with `metrics` appended, planned for those metrics by `by` at
/// `grain`; the test fails when it does not plan.
plan::Plan Planned(const std::string& metrics, const std::vector<std::string>& names, const std::vector<std::string>& by,
                   rt::Grain grain) {
  plan::Request req;
  req.metrics = names;
  req.by = by;
  req.grain = grain;
  plan::Plan p;
  REQUIRE(PlanOf(std::string(kSource) + metrics, req, &p));
  return p;
}

/// The scans' inputs over `rows` rows of the columns (by name).
std::vector<engine::ScanInput> InputsOf(const plan::Plan& p, const std::vector<rt::Column>& cols, size_t rows) {
  std::vector<engine::ScanInput> inputs(p.scans.size());
  for (size_t i = 0; i < p.scans.size(); ++i) {
    inputs[i].rows = rows;
    inputs[i].source_name = "t";
    for (const auto& sc : p.scans[i].columns)
      for (const auto& col : cols)
        if (col.name == sc.path[0]) inputs[i].columns.push_back(&col);
  }
  return inputs;
}

/// The zone of the plan's calendar, loaded as the driver does (the caller
/// points p.calendar.zone at it).
std::optional<rt::TimeZone> ZoneOf(const plan::Plan& p) {
  std::string error;
  std::optional<rt::TimeZone> zone = rt::TimeZone::Load(p.time_zone, &error);
  REQUIRE(zone);
  return zone;
}

/// One case; returns false when the random suite did not type-check.
bool RunCase(uint64_t seed) {
  Case c(seed);
  std::string text = kSource;
  if (c.zoned) text += "calendar { time_zone \"America/New_York\" }\n";
  std::vector<std::string> metrics;
  size_t n = 1 + c.Pick(4);
  for (size_t i = 0; i < n; ++i) {
    metrics.push_back(fmt::format("m{}", i));
    text += fmt::format("metric m{} = {}\n", i, c.Formula());
  }
  plan::Request req;
  req.metrics = metrics;
  static const std::vector<std::vector<std::string>> kBy = {{}, {"kdim"}, {"sdim", "kdim"}};
  req.by = c.One(kBy);
  static const std::vector<rt::Grain> kGrains = {rt::Grain::kAll, rt::Grain::kMonth, rt::Grain::kQuarter,
                                                 rt::Grain::kWeek, rt::Grain::kDay, rt::Grain::kYear};
  req.grain = c.many > 6 ? (c.Chance(0.5) ? rt::Grain::kAll : rt::Grain::kYear) : c.One(kGrains);
  if (c.Chance(0.2)) {
    req.from_day = 20089 + static_cast<int32_t>(c.Pick(300));
    req.to_day = *req.from_day + 1 + static_cast<int32_t>(c.Pick(300));
  }
  plan::Plan p;
  if (!PlanOf(text, req, &p)) return false;
  std::optional<rt::TimeZone> zone;
  if (c.zoned) {
    zone = ZoneOf(p);
    p.calendar.zone = &*zone;
  }
  size_t rows = c.many > 6 ? 20000 : c.Chance(0.05) ? 0 : c.Chance(0.01) ? 210000 : c.Pick(3000);
  std::vector<rt::Column> cols;
  c.Columns(rows, &cols);
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows);
  auto a = RunEngine(p, inputs, false);
  auto b = RunEngine(p, inputs, true);
  INFO("seed " << seed << "\n" << text);
  REQUIRE(a.size() == b.size());
  if (a != b) {
    for (size_t i = 0; i < a.size(); ++i) {
      INFO("row " << i);
      CHECK(a[i] == b[i]);
    }
  }
  return true;
}

}  // namespace

TEST_CASE("the kernels' cached date parts change with the local day across daylight-saving changes") {
  // Every 20 minutes over four days around each of New York's changes of
  // 2025 (9 March and 2 November), in time order, as files come: a day of
  // 23 or 25 hours must not lend its weekday, day or week to the first
  // hour of the next. The interpreter, which computes every row's part
  // afresh, is the reference; four of the totals are also counted here by hand.
  std::string text = std::string(kSource) + "calendar { time_zone \"America/New_York\" }\n" +
                     "metric wd = sum(weekday(t.ts))\nmetric d = sum(day(t.ts))\nmetric w = sum(week(t.ts))\n"
                     "metric h = sum(hour(t.ts))\nmetric mondays = count(t where weekday(t.ts) == 1)\n";
  plan::Request req;
  req.metrics = {"wd", "d", "w", "h", "mondays"};
  req.grain = rt::Grain::kAll;
  plan::Plan p;
  REQUIRE(PlanOf(text, req, &p));
  std::optional<rt::TimeZone> zone = ZoneOf(p);
  p.calendar.zone = &*zone;
  std::vector<rt::Column> cols = EmptyColumns();
  size_t rows = 0;
  int64_t mondays = 0, weekdays = 0, days = 0, hours = 0;
  for (int64_t change : {1741503600LL, 1762063200LL})
    for (int64_t secs = change - 2 * 86400; secs < change + 2 * 86400; secs += 1200, ++rows) {
      cols[0].ints.push_back(secs * 1000000);
      cols[0].valid.push_back(1);
      // By hand: EST is UTC-5, EDT UTC-4; March moves to EDT, November back.
      bool march = change == 1741503600LL;
      int64_t local = secs - ((secs < change) == march ? 5 : 4) * 3600;
      int64_t day = local / 86400;  // all after 1970
      int64_t weekday = (day + 3) % 7 + 1;  // 1970-01-01 was a Thursday; Monday = 1
      mondays += weekday == 1;
      weekdays += weekday;
      hours += local % 86400 / 3600;
      // The day of the month: 2025-03-01 is day 20148, 2025-11-01 is 20393 (31 October before it).
      days += march ? day - 20148 + 1 : day < 20393 ? 31 : day - 20393 + 1;
    }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows);
  auto a = RunEngine(p, inputs, false);
  auto b = RunEngine(p, inputs, true);
  CHECK(a == b);
  REQUIRE(a.size() == 5);
  auto row = [](const char* m, int64_t v) {
    return fmt::format("{} 0  {}:{}", m, static_cast<int>(engine::Val::Int(0).kind), v);
  };
  CHECK(a[0] == row("wd", weekdays));
  CHECK(a[1] == row("d", days));
  CHECK(a[3] == row("h", hours));
  CHECK(a[4] == row("mondays", mondays));
  CHECK(mondays == 2 * 72);
}

TEST_CASE("regression: the first and last instants of 64-bit time have their date parts in both engines") {
  // Floor division by negation overflowed on INT64_MIN (undefined); a
  // Parquet file can hold any 64-bit timestamp.
  std::string text = std::string(kSource) + "calendar { time_zone \"America/New_York\" }\n" +
                     "metric wd = sum(weekday(t.ts))\nmetric mo = sum(month(t.ts))\n"
                     "metric am = count(t where hour(t.ts) < 12)\n";
  plan::Request req;
  req.metrics = {"wd", "mo", "am"};
  req.grain = rt::Grain::kAll;
  plan::Plan p;
  REQUIRE(PlanOf(text, req, &p));
  std::optional<rt::TimeZone> zone = ZoneOf(p);
  p.calendar.zone = &*zone;
  std::vector<rt::Column> cols = EmptyColumns();
  for (int64_t t : {INT64_MIN, INT64_MIN, INT64_MIN + 1, int64_t{-1}, int64_t{0}, int64_t{0}, INT64_MAX - 1, INT64_MAX}) {
    cols[0].ints.push_back(t);
    cols[0].valid.push_back(1);
  }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, cols[0].ints.size());
  auto a = RunEngine(p, inputs, false);
  CHECK(a == RunEngine(p, inputs, true));
  REQUIRE(a.size() == 3);
}

TEST_CASE("distinct keys set in a group's bitmap by the kernel count as the interpreter's") {
  // Dense keys turn a group's set into a bitmap after its first thousands
  // of rows; the kernel then sets the bits of the keys inside it itself.
  // Keys beyond the bitmap (and below it) still go through the set.
  plan::Plan p = Planned("metric n = count_distinct(t.q)\nmetric nb = count_distinct(t.q where t.b)\n", {"n", "nb"},
                         {"kdim"}, rt::Grain::kAll);
  std::vector<rt::Column> cols = EmptyColumns();
  std::mt19937_64 rng(11);
  std::map<std::string, std::set<int64_t>> all, with_b;
  const size_t rows = 60000;
  for (size_t r = 0; r < rows; ++r) {
    std::string k = std::string(1, static_cast<char>('a' + r % 3));
    // 0..4999 (a bitmap forms), then now and then far below it or past
    // its end (those stay in the set's vector).
    int64_t q = static_cast<int64_t>(rng() % 5000);
    if (r > rows / 2 && r % 97 == 0) q = static_cast<int64_t>(rng() % 1000000) - 2000000;
    if (r > rows / 2 && r % 89 == 0) q = 5000 + static_cast<int64_t>(rng() % 300);
    bool b = rng() % 2;
    cols[0].ints.push_back((1735689600LL + static_cast<int64_t>(r)) * 1000000);
    cols[1].codes.push_back(cols[1].dict.Intern(k));
    cols[4].ints.push_back(q);
    cols[6].ints.push_back(b);
    for (size_t c : {0, 1, 4, 6}) cols[c].valid.push_back(1);
    all[k].insert(q);
    if (b) with_b[k].insert(q);
  }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows);
  auto a = RunEngine(p, inputs, false);
  auto b = RunEngine(p, inputs, true);
  CHECK(a == b);
  std::vector<std::string> expected;
  for (const char* m : {"n", "nb"})
    for (const auto& [k, set] : std::string(m) == "n" ? all : with_b)
      expected.push_back(fmt::format("{} 0 {}| {}:{}", m, k, static_cast<int>(engine::Val::Int(0).kind), set.size()));
  CHECK(b == expected);
}

TEST_CASE("kernels take the loop without validity bytes only for chunks whose read columns have no null") {
  // 197,608 rows (one thread, under 200,000) are four kernel calls: the
  // runner's chunks of 65,536 rows. The second chunk's only null (of t.q)
  // is its first row, the third's (of t.amt) its last; the first and the
  // fourth have none in the columns the metrics read (t.f, null at row 3,
  // is read by none). A check that missed a chunk's first or last byte
  // would run a chunk with a null in the loop without nulls. Every total
  // is counted here, by hand.
  plan::Plan p = Planned(
      "metric s = sum(t.amt)\nmetric c = count(t.amt)\nmetric a = avg(t.q)\nmetric cq = count(t.q)\n"
      "metric p = sum(t.amt * t.q)\nmetric r = count(t)\nmetric nq = count(t where t.q is null)\n",
      {"s", "c", "a", "cq", "p", "r", "nq"}, {}, rt::Grain::kAll);
  std::vector<rt::Column> cols = EmptyColumns();
  const size_t chunk = 65536, rows = 3 * chunk + 1000;
  int64_t sum = 0, count = 0, qcount = 0, product = 0, qnull = 0;
  for (size_t r = 0; r < rows; ++r) {
    int64_t amt = static_cast<int64_t>(r % 1000) - 300, q = static_cast<int64_t>(r % 7);
    bool amt_null = r == 3 * chunk - 1, q_null = r == chunk;
    cols[0].ints.push_back((1735689600LL + static_cast<int64_t>(r)) * 1000000);
    cols[3].ints.push_back(amt_null ? 0 : amt);  // a null's value is 0, as the readers store it
    cols[3].valid.push_back(!amt_null);
    cols[4].ints.push_back(q_null ? 0 : q);
    cols[4].valid.push_back(!q_null);
    cols[5].floats.push_back(0.5);
    cols[5].valid.push_back(r != 3);
    for (size_t c : {0, 1, 2, 6, 7}) cols[c].valid.push_back(1);
    cols[1].codes.push_back(cols[1].dict.Intern("a"));
    cols[2].codes.push_back(cols[2].dict.Intern("b"));
    cols[6].ints.push_back(0);
    cols[7].ints.push_back(20089);
    if (!amt_null) sum += amt, ++count;
    if (!q_null) ++qcount;
    else ++qnull;
    if (!amt_null && !q_null) product += amt * q;
  }
  // Twice: with no column marked null-free (every chunk is looked at),
  // then with the columns without a null marked as their reader would
  // (rt::Column::null_free): t.amt and t.q stay unmarked and are looked at.
  for (bool marked : {false, true}) {
    CAPTURE(marked);
    for (size_t c : {0, 1, 2, 6, 7}) cols[c].null_free = marked;
    std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows);
    auto jit = RunEngine(p, inputs, true);
    CHECK(jit == RunEngine(p, inputs, false));
    REQUIRE(jit.size() == 7);
    // Values as the evaluator prints them: decimals with their scale.
    CHECK(jit[0].ends_with(fmt::format(":{}.{:02}", sum / 100, sum % 100)));
    CHECK(jit[1].ends_with(":" + std::to_string(count)));
    CHECK(jit[3].ends_with(":" + std::to_string(qcount)));
    CHECK(jit[4].ends_with(fmt::format(":{}.{:02}", product / 100, product % 100)));
    CHECK(jit[5].ends_with(":" + std::to_string(rows)));
    CHECK(jit[6].ends_with(":" + std::to_string(qnull)));
  }
}

TEST_CASE("group ids of null-free time and dimension columns (the grouper reads no validity bytes)") {
  // By month and kdim, both columns marked null-free. Ids by hand, in
  // order of first appearance: Jan a 0, Jan b 1, Feb a 2, Jan c 3, Feb b 4.
  std::string text = std::string(kSource) + "metric r = count(t)\n";
  plan::Request req;
  req.metrics = {"r"};
  req.by = {"kdim"};
  req.grain = rt::Grain::kMonth;
  plan::Plan p;
  REQUIRE(PlanOf(text, req, &p));
  std::vector<rt::Column> cols = EmptyColumns();
  const int64_t d0 = 1735689600LL * 1000000, hour = 3600LL * 1000000, day = 24 * hour;  // 2025-01-01 UTC
  std::vector<std::pair<int64_t, const char*>> rows;
  std::vector<uint32_t> want;
  for (int i = 0; i < 3000; ++i) {  // long runs within one day, a new member mid-run
    rows.push_back({d0 + i, i < 2000 || i % 2 ? "a" : "b"});
    want.push_back(i < 2000 || i % 2 ? 0 : 1);
  }
  rows.push_back({d0 + 31 * day, "a"}), want.push_back(2);  // February
  rows.push_back({d0 + 2 * day, "c"}), want.push_back(3);   // back to January, a new member
  rows.push_back({d0 + 2 * day + 1, "a"}), want.push_back(0);
  rows.push_back({d0 + 32 * day, "b"}), want.push_back(4);
  for (int i = 0; i < 500; ++i) rows.push_back({d0 + 32 * day + i, i % 2 ? "a" : "b"}), want.push_back(i % 2 ? 2 : 4);
  for (const auto& [ts, k] : rows) {
    cols[0].ints.push_back(ts);
    cols[0].valid.push_back(1);
    cols[1].codes.push_back(cols[1].dict.Intern(k));
    cols[1].valid.push_back(1);
  }
  cols[0].null_free = cols[1].null_free = true;
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows.size());
  engine::Grouper g(p.scans[0], p.calendar);
  std::vector<uint32_t> out(rows.size());
  size_t without = g.Assign(inputs[0], 0, 1000, out.data());
  without += g.Assign(inputs[0], 1000, rows.size(), out.data() + 1000);
  CHECK(without == 0);
  CHECK(g.groups() == 5);
  for (size_t r = 0; r < rows.size(); ++r) {
    CAPTURE(r);
    CHECK(out[r] == want[r]);
  }
  CHECK(g.Period(2) == g.Period(0) + 1);
  CHECK(g.Period(3) == g.Period(0));
}

TEST_CASE("group ids: runs of rows in one day take the direct table's slice, and every other row the general path") {
  // By month and kdim, from 2024-12-31 to 2025-01-03 (not month-aligned,
  // so the grouper drops rows outside it). Expected ids by hand: groups
  // are numbered in order of first appearance.
  std::string text = std::string(kSource) + "metric r = count(t)\n";
  plan::Request req;
  req.metrics = {"r"};
  req.by = {"kdim"};
  req.grain = rt::Grain::kMonth;
  req.from_day = 20088;  // 2024-12-31
  req.to_day = 20091;    // 2025-01-03, excluded
  plan::Plan p;
  REQUIRE(PlanOf(text, req, &p));
  // The scan, and the past-to scan of the rows from --to on (the as-of date).
  REQUIRE(p.scans.size() == 2);
  REQUIRE(p.scans[1].past_to);
  REQUIRE(p.scans[0].from_day == 20088);
  std::vector<rt::Column> cols = EmptyColumns();
  const int64_t d0 = 1735689600LL * 1000000, hour = 3600LL * 1000000, day = 24 * hour;  // 2025-01-01 UTC
  constexpr uint32_t kNone = UINT32_MAX;
  struct Row {
    int64_t ts;     // -1: null
    const char* k;  // nullptr: null
    uint32_t gid;
  };
  std::vector<Row> rows = {
      {d0, "a", 0},
      {d0 + hour, "a", 0},
      {d0 + 2 * hour, "b", 1},  // a new member mid-day
      {d0 + 3 * hour, nullptr, 2},
      {d0 + 4 * hour, "a", 0},
      {-1, "a", kNone},  // no time
      {d0 + 5 * hour, "b", 1},
      {d0 + day, "a", 0},  // the next day, the same month
      {d0 + day + hour, "b", 1},
      {d0 + day + 2 * hour, "a", 0},
      {d0 + 2 * day, "a", kNone},  // 2025-01-03: past --to
      {d0 - 2 * day, "a", kNone},  // 2024-12-30: before --from
      {d0 + 23 * hour, "b", 1},
      {d0 + day + 3 * hour, "c", 3},
      {d0 + day + 4 * hour, nullptr, 2},
      {d0 - day + hour, "a", 4},  // 2024-12-31: December
      {d0 - day + 2 * hour, "c", 5},
  };
  for (int i = 0; i < 1000; ++i)
    rows.push_back({d0 + day + 5 * hour + i, i % 3 == 2 ? "c" : i % 2 ? "b" : "a", i % 3 == 2 ? 3u : i % 2 ? 1u : 0u});
  for (const Row& r : rows) {
    cols[0].ints.push_back(r.ts < 0 ? 0 : r.ts);
    cols[0].valid.push_back(r.ts >= 0);
    cols[1].codes.push_back(cols[1].dict.Intern(r.k ? r.k : ""));
    cols[1].valid.push_back(r.k != nullptr);
  }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows.size());
  engine::Grouper g(p.scans[0], p.calendar);
  std::vector<uint32_t> out(rows.size());
  // In three calls, the third starting mid-run: ids are written at out[row - begin].
  size_t without = g.Assign(inputs[0], 0, 5, out.data());
  without += g.Assign(inputs[0], 5, 500, out.data() + 5);
  without += g.Assign(inputs[0], 500, rows.size(), out.data() + 500);
  CHECK(without == 1);
  CHECK(g.groups() == 6);
  for (size_t r = 0; r < rows.size(); ++r) {
    CAPTURE(r);
    CHECK(out[r] == rows[r].gid);
  }
  CHECK(g.Period(3) == g.Period(0));
  CHECK(g.Period(4) == g.Period(0) - 1);
  CHECK(g.Period(5) == g.Period(4));
}

TEST_CASE("a kernel's 64-bit partial sums spill into the 128-bit sum when the next value would overflow them") {
  // Per group k: a, a, -a, -a, then a small value, with a = 2^63 - 2 (in
  // cents). The partial sum overflows at the second row (a is spilled into
  // the 128-bit sum) and comes back; the totals, by hand, are 7 and -3
  // cents, the count 5 each (64-bit sums that wrapped would end there too).
  // Group "c" sums past 64 bits, 3a, which only a spill gets right.
  plan::Plan p = Planned("metric s = sum(t.amt)\nmetric c = count(t.amt)\n", {"s", "c"}, {"kdim"}, rt::Grain::kAll);
  std::vector<rt::Column> cols = EmptyColumns();
  const int64_t a = INT64_MAX - 1;
  std::vector<std::pair<const char*, int64_t>> rows = {{"a", a}, {"b", -a}, {"a", a},  {"b", -a}, {"a", -a},
                                                       {"b", a}, {"a", -a}, {"b", a},  {"a", 7},  {"b", -3},
                                                       {"c", a}, {"c", a},  {"c", a}};
  for (const auto& [k, v] : rows) {
    cols[0].ints.push_back(1735689600LL * 1000000);
    cols[1].codes.push_back(cols[1].dict.Intern(k));
    cols[3].ints.push_back(v);
    for (size_t c : {0, 1, 3}) cols[c].valid.push_back(1);
  }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows.size());
  engine::Limits limits;
  engine::ScanResult r = JitScan(p.scans[0], inputs[0], p.calendar, limits);
  REQUIRE(r.rows.size() == 3);
  size_t sum_agg = 0;
  while (r.aggs[sum_agg].isum.empty()) ++sum_agg;
  // Groups in order of first appearance: a, b, c.
  CHECK(r.aggs[sum_agg].isum[0] == 7);
  CHECK(r.aggs[sum_agg].isum[1] == -3);
  CHECK(r.aggs[sum_agg].isum[2] == static_cast<__int128>(a) * 3);
  CHECK(r.aggs[sum_agg].count[0] == 5);
  CHECK(r.rows[2] == 3);
  CHECK(RunEngine(p, inputs, true) == RunEngine(p, inputs, false));
}

TEST_CASE("kernels count the rows an unfiltered aggregate skips; its count is the group's rows less those") {
  // Groups of t.q (by hand): a = null, null, 5, 2, null, 9 (3 values:
  // min 2, max 9, sum 16); b = three nulls (no value: min and max stay
  // unset); c = 7; d = null, -5, null, -2 (min -5, max -2, sum -7). The
  // first value of a group (min and max take it whole) is found from the
  // rows less the skipped ones: a min or max that started from 0 would be
  // 0 for a or d.
  plan::Plan p = Planned("metric n = count(t.q)\nmetric lo = min(t.q)\nmetric hi = max(t.q)\nmetric s = sum(t.q)\n"
                         "metric r = count(t)\n",
                         {"n", "lo", "hi", "s", "r"}, {"kdim"}, rt::Grain::kAll);
  std::vector<rt::Column> cols = EmptyColumns();
  std::vector<std::pair<const char*, std::optional<int64_t>>> rows = {
      {"a", std::nullopt}, {"b", std::nullopt}, {"a", std::nullopt}, {"a", 5},  {"b", std::nullopt},
      {"a", 2},            {"c", 7},            {"a", std::nullopt}, {"a", 9},  {"b", std::nullopt},
      {"d", std::nullopt}, {"d", -5},           {"d", std::nullopt}, {"d", -2}};
  for (const auto& [k, q] : rows) {
    cols[0].ints.push_back(1735689600LL * 1000000);
    cols[1].codes.push_back(cols[1].dict.Intern(k));
    cols[4].ints.push_back(q.value_or(0));
    cols[4].valid.push_back(q.has_value());
    for (size_t c : {0, 1}) cols[c].valid.push_back(1);
  }
  std::vector<engine::ScanInput> inputs = InputsOf(p, cols, rows.size());
  engine::Limits limits;
  engine::ScanResult r = JitScan(p.scans[0], inputs[0], p.calendar, limits);
  REQUIRE(r.rows.size() == 4);  // a, b, c, d in order of first appearance
  CHECK(r.rows == std::vector<int64_t>{6, 3, 1, 4});
  using F = plan::AggSpec::Fn;
  const plan::Scan& scan = p.scans[0];
  size_t checked = 0;
  for (size_t a = 0; a < scan.aggs.size(); ++a) {
    F fn = scan.aggs[a].fn;
    int arg = scan.aggs[a].arg;
    // Only t.q's aggregates (the planner adds the time column's maximum for the data's range).
    if (fn != F::kCountRows && (scan.nodes[arg].op != plan::RowNode::Op::kColumn ||
                                scan.columns[scan.nodes[arg].column].path[0] != "q"))
      continue;
    ++checked;
    CAPTURE(static_cast<int>(fn));
    const engine::AggStates& st = r.aggs[a];
    if (fn == F::kCountRows) CHECK(st.count == std::vector<int64_t>{6, 3, 1, 4});
    if (fn == F::kCount || fn == F::kSum || fn == F::kMin || fn == F::kMax)
      CHECK(st.count == std::vector<int64_t>{3, 0, 1, 2});
    if (fn == F::kMin) CHECK((st.imin[0] == 2 && st.imin[2] == 7 && st.imin[3] == -5));
    if (fn == F::kMax) CHECK((st.imax[0] == 9 && st.imax[2] == 7 && st.imax[3] == -2));
    if (fn == F::kSum) CHECK((st.isum[0] == 16 && st.isum[1] == 0 && st.isum[2] == 7 && st.isum[3] == -7));
  }
  CHECK(checked == 5);
  CHECK(RunEngine(p, inputs, true) == RunEngine(p, inputs, false));
}

TEST_CASE("the JIT and the interpreter agree on random tables and metric suites") {
  if (const char* one = std::getenv("KPIC_DIFF_SEED")) {
    RunCase(std::strtoull(one, nullptr, 10));
    return;
  }
  const char* env = std::getenv("KPIC_DIFF_CASES");
  size_t cases = env ? std::strtoull(env, nullptr, 10) : 1500;
  size_t valid = 0;
  for (uint64_t seed = 1; seed <= cases; ++seed) valid += RunCase(seed);
  // Most random suites must type-check, or the test tests nothing.
  CHECK(valid * 2 > cases);
  MESSAGE(fmt::format("{} of {} random suites type-checked and agreed", valid, cases));
}
