// The compact containers of the checker's large structures (CompactVec,
// NameSet, ir::NodeStore) against the standard containers they stand in
// for, as independent oracles: every expected value below is std::vector's
// or std::set's.
#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/compact_vec.h"
#include "base/name_set.h"
#include "ir/ir.h"

using kpic::CompactVec;
using kpic::NameSet;

namespace {

template <class T>
std::vector<T> Items(const CompactVec<T>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

TEST_CASE("CompactVec: random operations agree with std::vector") {
  std::mt19937 rng(20261205);
  CompactVec<std::string> v;
  std::vector<std::string> oracle;
  for (int step = 0; step < 20000; ++step) {
    int op = static_cast<int>(rng() % 8);
    // Strings long enough to live on the heap, so a bad move or a double
    // destruction shows (under ASan) as a fault, not as equal bytes.
    std::string x = "value-number-" + std::to_string(rng() % 1000) + "-with-a-long-tail";
    switch (op) {
      case 0:
      case 1:
      case 2:
        v.push_back(x), oracle.push_back(x);
        break;
      case 3:
        if (!oracle.empty()) v.pop_back(), oracle.pop_back();
        break;
      case 4: {
        size_t n = rng() % 40;
        v.resize(n), oracle.resize(n);
        break;
      }
      case 5:
        if (!oracle.empty()) {
          // An element of its own appended: the reference must survive the growth.
          v.push_back(v[0]);
          oracle.push_back(oracle[0]);
        }
        break;
      case 6: {
        CompactVec<std::string> copy(v);
        v = std::move(copy);
        break;
      }
      case 7:
        if (rng() % 50 == 0) v.clear(), oracle.clear();
        break;
    }
    REQUIRE(v.size() == oracle.size());
    REQUIRE(v.empty() == oracle.empty());
    if (!oracle.empty()) REQUIRE(v.back() == oracle.back());
  }
  CHECK(Items(v) == oracle);
  CHECK(v == CompactVec<std::string>(oracle));
  CHECK(static_cast<std::vector<std::string>>(v) == oracle);
}

TEST_CASE("CompactVec: empty is one null pointer, copies are deep, moves steal") {
  CHECK(sizeof(CompactVec<int>) == sizeof(void*));
  CompactVec<int> a = {1, 2, 3};
  CompactVec<int> b = a;
  b[0] = 9;
  CHECK(Items(a) == std::vector<int>{1, 2, 3});
  CHECK(Items(b) == std::vector<int>{9, 2, 3});
  CompactVec<int> c = std::move(b);
  CHECK(b.empty());  // NOLINT: moved-from is empty, by contract
  CHECK(Items(c) == std::vector<int>{9, 2, 3});
  CHECK(a != c);
  CHECK(a == std::vector<int>{1, 2, 3});
  CompactVec<std::unique_ptr<int>> owners;
  for (int i = 0; i < 100; ++i) owners.push_back(std::make_unique<int>(i));
  int sum = 0;
  for (const auto& p : owners) sum += *p;
  CHECK(sum == 4950);
  CHECK_THROWS_AS(a.at(3), std::out_of_range);
}

TEST_CASE("NameSet: copies share until one changes, and read as std::set") {
  NameSet a;
  CHECK(a.empty());
  CHECK(a.set().empty());
  a.insert("store");
  a.insert("channel");
  CHECK(a.insert("store").second == false);
  NameSet b = a;  // shares
  b.insert("region");
  CHECK(a.set() == std::set<std::string>{"channel", "store"});
  CHECK(b.set() == std::set<std::string>{"channel", "region", "store"});
  NameSet c = b;
  CHECK(c == b);
  CHECK(c.erase("store") == 1);
  CHECK(c.erase("absent") == 0);
  CHECK(b.count("store") == 1);  // the erase did not reach the copy
  CHECK(c.set() == std::set<std::string>{"channel", "region"});
  const std::set<std::string>& as_set = b;
  CHECK(as_set.size() == 3);
  std::string joined;
  for (const std::string& x : b) joined += x + ",";
  CHECK(joined == "channel,region,store,");
  c.clear();
  CHECK(c.empty());
  CHECK(b.size() == 3);
}

TEST_CASE("NodeStore: nodes keep their addresses as it grows, and copy whole") {
  kpic::ir::NodeStore store;
  std::vector<const kpic::ir::Node*> addresses;
  for (int i = 0; i < 1000; ++i) {
    kpic::ir::Node n;
    n.metric = i;
    n.args = {i, i + 1};
    n.set_text("node " + std::to_string(i) + " with a text longer than the small-string buffer");
    store.push_back(std::move(n));
    addresses.push_back(&store.back());
  }
  REQUIRE(store.size() == 1000);
  for (int i = 0; i < 1000; ++i) {
    CHECK(&store[static_cast<size_t>(i)] == addresses[static_cast<size_t>(i)]);
    CHECK(store[static_cast<size_t>(i)].metric == i);
  }
  int count = 0;
  for (const kpic::ir::Node& n : store) count += n.args[1] - n.args[0];
  CHECK(count == 1000);
  kpic::ir::NodeStore copy = store;
  copy[5].set_text("changed");
  CHECK(store[5].text() == "node 5 with a text longer than the small-string buffer");
  kpic::ir::NodeStore moved = std::move(copy);
  CHECK(copy.empty());  // NOLINT: moved-from is empty, by contract
  CHECK(moved.size() == 1000);
  CHECK(moved[5].text() == "changed");
  CHECK(moved[999].args[0] == 999);
  CHECK(moved[999].text() == "node 999 with a text longer than the small-string buffer");
}

TEST_CASE("IR node texts: one number per distinct text, the empty text is 0, and a number reads its text back") {
  using kpic::ir::InternNodeText;
  using kpic::ir::NodeTextOf;
  CHECK(InternNodeText("") == 0);
  CHECK(NodeTextOf(0).empty());
  uint32_t a = InternNodeText("销售额 previous");
  uint32_t b = InternNodeText(std::string("销售额 ") + "previous");  // another buffer, the same text
  uint32_t c = InternNodeText("3 months");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != 0);
  CHECK(NodeTextOf(a) == "销售额 previous");
  CHECK(NodeTextOf(c) == "3 months");
  kpic::ir::Node n;
  CHECK(n.text().empty());
  n.set_text("week");
  kpic::ir::Node copy = n;
  CHECK(copy.text() == "week");
  CHECK(sizeof(kpic::ir::Node) <= 128);
}
