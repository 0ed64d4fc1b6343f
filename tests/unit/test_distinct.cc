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

TEST_CASE("32-bit keys: a set widens for good at its first key outside [0, 2^32), at any moment") {
  // Keys 0 .. 2^32 - 1 are kept in 32 bits; -1 and 2^32 are the first keys
  // that are not. The wide key comes before, during and after the set's
  // compactions (at 64, 128, ... keys), with duplicates on both sides.
  std::mt19937_64 rng(23);
  const int64_t top = int64_t{UINT32_MAX};
  for (int64_t wide : {int64_t{-1}, top + 1, INT64_MIN, INT64_MAX}) {
    for (size_t at : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{700}, size_t{4999}}) {
      DistinctSet s;
      std::set<int64_t> oracle;
      for (size_t i = 0; i < 5000; ++i) {
        if (i == at) {
          s.Add(wide);
          oracle.insert(wide);
        }
        // Sparse keys near both ends of the 32-bit range (no bitmap).
        int64_t v = i % 2 ? static_cast<int64_t>(rng() % 3000) * 1000 : top - static_cast<int64_t>(rng() % 3000) * 1000;
        s.Add(v);
        oracle.insert(v);
      }
      s.Finish();
      CAPTURE(wide);
      CAPTURE(at);
      CHECK(s.size() == oracle.size());
      CHECK(Keys(s) == Keys(oracle));
      // Once wide, every key takes 64 bits: the held words are the keys.
      CHECK(s.held() == oracle.size());
    }
  }
}

TEST_CASE("32-bit keys take half the words, and the edges 0 and 2^32 - 1 stay narrow") {
  DistinctSet s;
  std::set<int64_t> oracle;
  for (int64_t v : {int64_t{0}, int64_t{UINT32_MAX}, int64_t{UINT32_MAX}, int64_t{0}}) s.Add(v), oracle.insert(v);
  for (int64_t i = 1; i <= 9'998; ++i) s.Add(i * 400'000), oracle.insert(i * 400'000);  // 1/400'000: no bitmap
  s.Finish();
  REQUIRE(oracle.size() == 10'000);
  CHECK(s.size() == 10'000);
  CHECK(Keys(s) == Keys(oracle));
  CHECK(s.held() == 5'000);  // 10,000 keys of 32 bits
  CHECK(s.keys().front() == 0);
  CHECK(s.keys().back() == int64_t{UINT32_MAX});
}

TEST_CASE("merging 32-bit and 64-bit sets, finished or not, in both orders") {
  std::mt19937_64 rng(29);
  // lo, range: narrow (ids), wide (negative), wide (past 2^32), narrow with a bitmap.
  const std::pair<int64_t, uint64_t> shapes[] = {
      {0, 1'000'000}, {-500'000, 1'000'000}, {int64_t{UINT32_MAX} - 100'000, 200'000}, {1'000, 4'000}};
  for (const auto& [lo1, r1] : shapes) {
    for (const auto& [lo2, r2] : shapes) {
      for (bool finish_first : {true, false}) {
        DistinctSet a, b;
        std::set<int64_t> oracle;
        for (int i = 0; i < 3'000; ++i) {
          int64_t x = lo1 + static_cast<int64_t>(rng() % r1), y = lo2 + static_cast<int64_t>(rng() % r2);
          a.Add(x), b.Add(y);
          oracle.insert(x), oracle.insert(y);
        }
        if (finish_first) a.Finish(), b.Finish();
        a.Merge(b);
        a.Finish();
        CAPTURE(lo1);
        CAPTURE(lo2);
        CAPTURE(finish_first);
        CHECK(a.size() == oracle.size());
        CHECK(Keys(a) == Keys(oracle));
      }
    }
  }
}

TEST_CASE("a finished set's stored parts give the same set back, 32-bit or 64-bit") {
  for (std::vector<int64_t> keys :
       {std::vector<int64_t>{0, 5, int64_t{UINT32_MAX}}, std::vector<int64_t>{-3, 5, 9},
        std::vector<int64_t>{7, int64_t{UINT32_MAX} + 1}, std::vector<int64_t>{}}) {
    DistinctSet s;
    REQUIRE(DistinctSet::FromParts(0, {}, keys, &s));
    CHECK(s.size() == keys.size());
    CHECK(s.keys() == keys);
    CHECK(Keys(s) == keys);
    s.Add(-1);  // widens a narrow set; a wide one takes it as is
    s.Finish();
    CHECK(s.size() == keys.size() + (std::count(keys.begin(), keys.end(), -1) ? 0 : 1));
  }
}
