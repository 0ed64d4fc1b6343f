// Definition fingerprints: the canonical text of a small package, written
// out by hand from the rules in compiler/ir/fingerprint.cc (a change of
// that text changes every stamp users keep, so it must be deliberate), and
// the fingerprints of many metrics taken with one MetricFingerprints in any
// order equal those of that text.
#include <doctest/doctest.h>

#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>
#include <string>

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
    }
  }
}
