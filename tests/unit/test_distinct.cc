// Distinct-count sets against std::set, an independent oracle: every size
// and every key list below is std::set's.
#include <doctest/doctest.h>

#include <random>
#include <set>

#include "engine/distinct.h"

using kpic::engine::DistinctSet;

namespace {

std::vector<int64_t> Keys(const DistinctSet& s) {
  std::vector<int64_t> out;
  s.ForEach([&](int64_t v) { out.push_back(v); });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int64_t> Keys(const std::set<int64_t>& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("distinct sets count exactly at every density, sparse to dense") {
  std::mt19937_64 rng(7);
  struct Shape {
    int64_t lo;
    uint64_t range;
    size_t n;
  };
  for (Shape sh : {Shape{0, 10, 100}, Shape{0, 1'000'000, 300'000}, Shape{-5000, 10'000, 50'000},
                   Shape{1'000'000'000'000, 1'000'000'000'000, 20'000}, Shape{INT64_MIN, 2'000, 10'000},
                   Shape{INT64_MAX - 3'000, 3'000, 10'000}, Shape{0, 100'000, 2'000}}) {
    CAPTURE(sh.lo);
    CAPTURE(sh.range);
    DistinctSet s;
    std::set<int64_t> oracle;
    for (size_t i = 0; i < sh.n; ++i) {
      int64_t v = static_cast<int64_t>(static_cast<uint64_t>(sh.lo) + rng() % sh.range);
      s.Add(v);
      oracle.insert(v);
    }
    s.Finish();
    CHECK(s.size() == oracle.size());
    CHECK(Keys(s) == Keys(oracle));
  }
}

TEST_CASE("a dense set keeps exact counts for keys outside its bitmap") {
  DistinctSet s;
  std::set<int64_t> oracle;
  for (int64_t v = 0; v < 20'000; v += 2) {
    s.Add(v);
    oracle.insert(v);
  }
  for (int64_t v : {int64_t{-1}, int64_t{1} << 50, INT64_MIN, INT64_MAX, int64_t{19'999}, int64_t{0}}) {
    s.Add(v);
    oracle.insert(v);
  }
  s.Finish();
  CHECK(s.size() == oracle.size());
  CHECK(Keys(s) == Keys(oracle));
  CHECK(s.held() < 20'000);  // a bitmap, not 10,000 keys
}

TEST_CASE("merging sets: dense and dense (overlapping, far apart), dense and sparse") {
  std::mt19937_64 rng(11);
  auto fill = [&](DistinctSet* s, std::set<int64_t>* o, int64_t lo, uint64_t range, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      int64_t v = lo + static_cast<int64_t>(rng() % range);
      s->Add(v);
      o->insert(v);
    }
    s->Finish();
  };
  struct Case {
    int64_t lo1;
    uint64_t r1;
    size_t n1;
    int64_t lo2;
    uint64_t r2;
    size_t n2;
  };
  for (Case c :
       {Case{0, 100'000, 80'000, 50'000, 100'000, 80'000}, Case{0, 100'000, 80'000, 1'000'000'000, 100'000, 80'000},
        Case{0, 100'000, 80'000, 0, 1'000'000'000'000, 5'000}, Case{0, 1'000'000'000'000, 5'000, 0, 100'000, 80'000},
        Case{-70'000, 100'000, 90'000, 10, 20, 15}}) {
    DistinctSet a, b;
    std::set<int64_t> oa, ob;
    fill(&a, &oa, c.lo1, c.r1, c.n1);
    fill(&b, &ob, c.lo2, c.r2, c.n2);
    a.Merge(b);
    a.Finish();
    oa.insert(ob.begin(), ob.end());
    CHECK(a.size() == oa.size());
    CHECK(Keys(a) == Keys(oa));
  }
}

TEST_CASE("a mapped set renumbers its keys and merges the ones that collide") {
  DistinctSet s;
  for (int64_t v = 0; v < 5'000; ++v) s.Add(v);
  s.Finish();
  DistinctSet m = s.Mapped([](int64_t v) { return v / 2; });
  CHECK(m.size() == 2'500);
  CHECK(Keys(m).front() == 0);
  CHECK(Keys(m).back() == 2'499);
}

TEST_CASE("regression: a key added just as its set becomes a bitmap is counted once") {
  // Keys 0, 0, 1, 1, ...: the compaction that turns the set into a bitmap
  // happens while a key is being added, and that key must then go into the
  // bitmap, not the vector (it was counted twice).
  for (int64_t n = 1; n < 3000; n += 7) {
    DistinctSet s;
    std::set<int64_t> oracle;
    for (int64_t v = 0; v < n; ++v) {
      s.Add(v / 2);
      oracle.insert(v / 2);
    }
    s.Finish();
    CAPTURE(n);
    CHECK(s.size() == oracle.size());
  }
}
