// The float moments of stddev and variance (engine::AggStates: shifted by a
// value of the group): merging two groups whose shifts differ, and
// combining groups into a period, against exact values. In kpic run today
// two float groups merge only when one is empty (a float scan runs on one
// thread and is not cached), so this is where the merge itself is tested.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/engine.h"
#include "engine/scan_util.h"

using namespace kpic;

namespace {

/// Group g of `st` takes `xs` as the interpreter does: shifted by the first.
void Add(engine::AggStates* st, uint32_t g, const std::vector<double>& xs) {
  for (double x : xs) {
    if (++st->count[g] == 1) st->fshift[g] = x;
    double d = x - st->fshift[g];
    st->fsum[g] += d;
    st->fsumsq[g] += d * d;
  }
}

engine::AggStates States(size_t groups) {
  engine::AggStates st;
  st.count.resize(groups, 0);
  st.fshift.resize(groups, 0);
  st.fsum.resize(groups, 0);
  st.fsumsq.resize(groups, 0);
  return st;
}

/// The exact sample variance of values that are multiples of 1/8.
double Exact(const std::vector<double>& xs) {
  __int128 n = static_cast<__int128>(xs.size()), s = 0, q = 0;
  for (double x : xs) {
    auto k = static_cast<__int128>(x * 8);
    s += k, q += k * k;
  }
  return static_cast<double>(static_cast<long double>(n * q - s * s) / static_cast<long double>(n * (n - 1)) / 64);
}

}  // namespace

TEST_CASE("float moments merge across different shifts and combine into periods, stably") {
  // Near 1e9, spread of a few units: n * sum(x^2) and sum(x)^2 agree to 18
  // digits, so a naive difference in doubles is noise.
  std::vector<double> a, b;
  for (int i = 0; i < 1000; ++i) a.push_back(1e9 + (i % 7) / 8.0);
  for (int i = 0; i < 700; ++i) b.push_back(1e9 + 3 + (i % 5) / 8.0);
  std::vector<double> all = a;
  all.insert(all.end(), b.begin(), b.end());
  const double want = Exact(all);

  // b's group is shifted by 1e9 + 3, a's by 1e9: merged into a's.
  engine::AggStates x = States(1), y = States(1);
  Add(&x, 0, a);
  Add(&y, 0, b);
  int64_t before = x.count[0];
  x.count[0] += y.count[0];
  engine::MergeMoments(x, 0, before, y, 0);
  double got = 0;
  REQUIRE(engine::SampleVariance(x, {0}, x.count[0], true, 0, &got));
  CHECK(std::abs(got - want) <= 1e-12 * want);

  // Into an empty group: copied.
  engine::AggStates e = States(1);
  e.count[0] = y.count[0];
  engine::MergeMoments(e, 0, 0, y, 0);
  CHECK(e.fshift[0] == y.fshift[0]);
  CHECK(e.fsumsq[0] == y.fsumsq[0]);

  // Two groups of one period (the days of a month), each with its shift.
  engine::AggStates days = States(2);
  Add(&days, 0, a);
  Add(&days, 1, b);
  REQUIRE(engine::SampleVariance(days, {0, 1}, days.count[0] + days.count[1], true, 0, &got));
  CHECK(std::abs(got - want) <= 1e-12 * want);

  // Equal values: exactly 0, merged or combined.
  engine::AggStates c = States(3);
  Add(&c, 0, {1e15});
  Add(&c, 1, {1e15, 1e15});
  REQUIRE(engine::SampleVariance(c, {0, 1, 2}, 3, true, 0, &got));
  CHECK(got == 0);
  c.count[0] += c.count[1];
  engine::MergeMoments(c, 0, 1, c, 1);
  REQUIRE(engine::SampleVariance(c, {0}, 3, true, 0, &got));
  CHECK(got == 0);
}
