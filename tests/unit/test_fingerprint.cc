// Definition fingerprints: the canonical text of a small package, written
// out by hand from the rules in compiler/ir/fingerprint.cc (a change of
// that text changes every stamp users keep, so it must be deliberate), and
// the fingerprints of many metrics taken with one MetricFingerprints in any
// order equal those of that text.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <vector>
#include <string>

#include "base/big_stack.h"
#include "driver/session.h"
#include "ir/fingerprint.h"

using namespace kpic;

namespace {

const char* kPackage = R"(package p

source s from csv("s.csv") {
  ts: timestamp time
  amount: decimal(2) unit CNY
  ok: bool
}

metric total: CNY = sum(s.amount where s.ok)
metric twice: CNY = total + total where s.amount > 1 CNY
metric both: CNY = twice + total
)";

std::string Hex(const std::string& text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

}  // namespace

TEST_CASE("canonical texts written by hand, and one fingerprinter for many metrics") {
  SessionOptions options;
  options.no_stdlib = true;
  auto s = CheckTexts({{"/tmp/kpic_fp_test/p.kpi", kPackage}}, options);
  REQUIRE(!s->diags.has_errors());
  const ir::Module& m = s->catalog.checked.ir;
  // No calendar declared: the defaults (week_start 0, fiscal 1, no zone, no pattern).
  const std::string head = "kpic-fingerprint-1\n"
                           "calendar(week_start=0,fiscal=1,zone=,pattern=0-0-0)\n";
  // The source by its key, its time column, and how its CSV spells values
  // (every option at its default: empty).
  const std::string src = "source(p:s,time=ts[ts:timestamp:1],read=csv||||||)";
  const std::string amount = "col(" + src + ".amount[amount:decimal(2):CNY])";
  const std::string ok = "col(" + src + ".ok[ok:bool:1])";
  // sum(s.amount where s.ok): the filter folded into the aggregate
  // (metric-level nodes carry a unit, not a scalar).
  const std::string total = "sum[null|CNY](" + amount + ";" + ok + ";)";
  // `> 1 CNY` with both sides converted to decimal(2); the literal as
  // digits and scale.
  const std::string gt = ">[bool|1](" + amount + ":decimal(2),lit[int|CNY]1e-0:decimal(2))";
  // The metric-level `where` pushed into each aggregate of its source, its
  // filters sorted (">" before "c").
  const std::string pushed = "sum[null|CNY](" + amount + ";" + gt + "&" + ok + ";)";
  const std::string twice = "+[null|CNY](" + pushed + "," + pushed + ")";
  // `twice` inlined; the operands of `+` sorted ("+" before "s").
  std::map<std::string, std::string> want = {
      {"total", head + "metric[CNY](" + total + ")"},
      {"twice", head + "metric[CNY](" + twice + ")"},
      {"both", head + "metric[CNY](+[null|CNY](" + twice + "," + total + "))"},
  };
  for (const auto& [name, text] : want) {
    int i = m.MetricIndex(name);
    REQUIRE(i >= 0);
    CHECK(ir::CanonicalMetric(m, i) == text);
    CHECK(ir::MetricFingerprint(m, i) == Hex(text));
  }
  // One fingerprinter, the metrics in both orders: what it keeps from one
  // metric (a metric read by another, the sources' texts) changes nothing.
  for (bool reverse : {false, true}) {
    ir::MetricFingerprints fps(m);
    std::vector<std::string> names = {"both", "twice", "total"};
    if (reverse) std::reverse(names.begin(), names.end());
    for (const std::string& name : names) {
      CHECK(fps.Canonical(m.MetricIndex(name)) == want[name]);
      CHECK(fps.Of(m.MetricIndex(name)) == Hex(want[name]));
      // W0003 compares the 128 bits themselves.
      std::optional<ir::MetricFingerprints::Digest> d = fps.DigestOf(m.MetricIndex(name));
      REQUIRE(d);
      CHECK(fmt::format("{:016x}{:016x}", d->high, d->low) == Hex(want[name]));
    }
    CHECK(!fps.DigestOf(-1));
    CHECK(!fps.DigestOf(static_cast<int>(m.metrics.size())));
  }
}

namespace {

const char* kSourceOnly = R"(package p

source s from csv("s.csv") {
  ts: timestamp time
  amount: decimal(2) unit CNY
  other: decimal(2) unit CNY
}
)";

std::unique_ptr<Session> Checked(const std::string& metrics) {
  SessionOptions options;
  options.no_stdlib = true;
  std::unique_ptr<Session> s;
  // As main() does: the checker recurses once per level of a formula.
  RunOnBigStack([&] { s = CheckTexts({{"/tmp/kpic_fp_test/p.kpi", kSourceOnly + metrics}}, options); });
  return s;
}

int Count(const Session& s, DiagCode code) {
  int n = 0;
  for (const Diagnostic& d : s.diags.diagnostics()) n += d.code == code;
  return n;
}

}  // namespace

TEST_CASE("regression: a long formula's first operands count (they were cut off past 256 levels)") {
  // Two 300-term sums that differ only in their first term: the deepest
  // node of a chain that is not regrouped (between aggregates).
  std::string a = "sum(s.amount)", b = "sum(s.other)";
  for (int i = 1; i < 300; ++i) a += " + sum(s.amount)", b += " + sum(s.amount)";
  auto s = Checked("metric a: CNY = " + a + "\nmetric b: CNY = " + b + "\n");
  REQUIRE(!s->diags.has_errors());
  CHECK(Count(*s, DiagCode::W0003) == 0);  // was: `b` means the same as `a`
  const ir::Module& m = s->catalog.checked.ir;
  CHECK(ir::MetricFingerprint(m, m.MetricIndex("a")) != ir::MetricFingerprint(m, m.MetricIndex("b")));
}

TEST_CASE("regression: metrics 70 deep differ where they differ (reads were cut off past 64 levels)") {
  // x0 .. x69, each reading the next; t_a and t_b differ in x0 against x1,
  // the deepest reads.
  std::string text;
  for (int i = 0; i < 70; ++i) text += "metric x" + std::to_string(i) + ": CNY = sum(s.amount) * " + std::to_string(i + 1) + "\n";
  std::string ta = "x0", tb = "x1";
  for (int i = 2; i < 70; ++i) ta += " + x" + std::to_string(i), tb += " + x" + std::to_string(i);
  auto s = Checked(text + "metric t_a: CNY = " + ta + "\nmetric t_b: CNY = " + tb + "\n");
  REQUIRE(!s->diags.has_errors());
  CHECK(Count(*s, DiagCode::W0003) == 0);
  // A chain: c_k reads c_{k-1}; a copy of c_100 written with c_99 by name
  // means the same, in whatever order the fingerprints are taken.
  text.clear();
  text += "metric c0: CNY = sum(s.amount)\n";
  for (int k = 1; k <= 100; ++k) text += fmt::format("metric c{}: CNY = c{} + sum(s.amount)\n", k, k - 1);
  text += "metric copy: CNY = c99 + sum(s.amount)\nmetric top: CNY = c100 + sum(s.other)\n";
  s = Checked(text);
  REQUIRE(!s->diags.has_errors());
  const ir::Module& m = s->catalog.checked.ir;
  std::vector<std::string> names = {"top", "copy", "c100", "c50", "c0"};
  std::map<std::string, std::string> first;
  for (bool reverse : {false, true}) {
    if (reverse) std::reverse(names.begin(), names.end());
    ir::MetricFingerprints fps(m);
    for (const std::string& n : names) {
      std::string fp = fps.Of(m.MetricIndex(n));
      if (!reverse) first[n] = fp;
      CHECK(fp == first[n]);
      CHECK(fp == ir::MetricFingerprint(m, m.MetricIndex(n)));
    }
  }
  CHECK(first["copy"] == first["c100"]);
  CHECK(first["top"] != first["c100"]);
}

TEST_CASE("regression: a metric read twice by each of 16 metrics in a chain is fingerprinted at once") {
  // d_k = d_{k-1} + d_{k-1}: written out, d_15's formula has 2^15 terms.
  // Long formulas are referred to by their fingerprint instead (never
  // equal to another formula, changed by any change below). (The chain
  // was 40 long; past about 18 the checker now refuses it, E0106, as `run`
  // writes the formula out: see the next case.)
  std::string text = "metric d0: CNY = sum(s.amount)\n";
  for (int k = 1; k < 16; ++k) text += fmt::format("metric d{}: CNY = d{} + d{}\n", k, k - 1, k - 1);
  text += "metric e15: CNY = d14 + d14\n";  // d15 by another name
  auto s = Checked(text);
  REQUIRE(!s->diags.has_errors());
  const ir::Module& m = s->catalog.checked.ir;
  ir::MetricFingerprints fps(m);
  std::set<std::string> seen;
  for (int k = 0; k < 16; ++k) {
    std::string canonical = fps.Canonical(m.MetricIndex("d" + std::to_string(k)));
    CHECK(canonical.size() < (size_t{256} << 10));
    seen.insert(fps.Of(m.MetricIndex("d" + std::to_string(k))));
  }
  CHECK(seen.size() == 16);
  CHECK(fps.Of(m.MetricIndex("e15")) == fps.Of(m.MetricIndex("d15")));
  CHECK(Count(*s, DiagCode::W0003) == 1);  // e15 means the same as d15
}

TEST_CASE("regression: a chain that doubles 40 times is E0106 once, at the first metric past the limit") {
  // Written out, d_k has about 2^(k+2) nodes: d_18 is the first past
  // 1,000,000 (hang probe, 2026-12-07: `run` took 6 s and 580 MB at 20).
  std::string text = "metric d0: CNY = sum(s.amount)\n";
  for (int k = 1; k < 40; ++k) text += fmt::format("metric d{}: CNY = d{} + d{}\n", k, k - 1, k - 1);
  auto s = Checked(text);
  CHECK(Count(*s, DiagCode::E0106) == 1);
  bool d18 = false;
  for (const auto& d : s->diags.diagnostics())
    if (d.code == DiagCode::E0106) d18 = d.message.find("`d18`") != std::string::npos;
  CHECK(d18);
}

TEST_CASE("a chain of metrics deeper than the checker follows is E0106, not a crash, in any order") {
  // c_k = c_{k-1} + sum(...): two levels of expressions per metric; the
  // checker follows 4500 (Checker::kMaxTypeDepth). Declared last to first,
  // the checker types them reading down the whole chain.
  for (bool reverse : {false, true}) {
    CAPTURE(reverse);
    std::vector<std::string> lines = {"metric c0: CNY = sum(s.amount)\n"};
    for (int k = 1; k < 6000; ++k) lines.push_back(fmt::format("metric c{}: CNY = c{} + sum(s.amount)\n", k, k - 1));
    if (reverse) std::reverse(lines.begin(), lines.end());
    std::string text;
    for (const std::string& l : lines) text += l;
    auto s = Checked(text);
    CHECK(Count(*s, DiagCode::E0106) >= 1);
    const ir::Module& m = s->catalog.checked.ir;
    CHECK(m.metrics[static_cast<size_t>(m.MetricIndex("c100"))].ok);
    CHECK(!m.metrics[static_cast<size_t>(m.MetricIndex("c5999"))].ok);
  }
  // Just under: 2249 links (4498 levels) check clean, and so does a goal
  // on the deepest (a goal's own levels are bounded by the parser; the
  // review found the goal refused).
  std::string text = "metric c0: CNY = sum(s.amount)\n";
  for (int k = 1; k < 2249; ++k) text += fmt::format("metric c{}: CNY = c{} + sum(s.amount)\n", k, k - 1);
  text += "goal g \"g\" {\n  metric c2248\n  period 2026 by month\n  target c2248 >= 1.28 * c2248.last_year\n}\n";
  auto s = Checked(text);
  CHECK(!s->diags.has_errors());
}
