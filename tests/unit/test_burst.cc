// `kpic run --each`: where the members of a role parameter are found
// (E0606 when nowhere), and the file names they get.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "diag/registry.h"
#include "driver/burst.h"
#include "driver/session.h"

using namespace kpic;

namespace {

const char* kPackage = R"(
dimension store: string
source stores from csv("s.csv") {
  id: string key
  region: string
}
source orders from csv("o.csv") {
  day: date time
  store: string -> store
  shop: string references stores
  amount: decimal(2)
}
source plan from csv("p.csv") {
  store: string -> store
  budget: decimal(2) unit CNY
}
role manager(store_id: string, min: decimal(2)) {
  orders where orders.store == store_id and orders.amount >= min
  plan   where store_id == plan.store
}
role region(r: string) { orders where orders.shop.region == r }
role big(min: decimal(2)) { orders where orders.amount >= min }
)";

std::unique_ptr<Session> Checked() {
  SessionOptions o;
  o.no_stdlib = true;
  auto s = CheckTexts({{"t.kpi", kPackage}}, o);
  REQUIRE_FALSE(s->diags.has_errors());
  return s;
}

std::vector<std::string> Texts(const std::vector<MemberColumn>& cols) {
  std::vector<std::string> out;
  for (const MemberColumn& c : cols) out.push_back(c.text);
  return out;
}

}  // namespace

TEST_CASE("--each finds the columns a role compares the parameter with by ==") {
  auto s = Checked();
  const ir::Module& m = s->catalog.checked.ir;
  CHECK(Texts(MemberColumns(m, *m.FindRole("manager"), "store_id")) ==
        std::vector<std::string>{"orders.store", "plan.store"});
  // Through a lookup: the looked-up source's column.
  auto cols = MemberColumns(m, *m.FindRole("region"), "r");
  REQUIRE(cols.size() == 1);
  CHECK(cols[0].text == "orders.shop.region");
  CHECK(m.sources[static_cast<size_t>(cols[0].source)].name == "stores");
  CHECK(cols[0].column == "region");
}

TEST_CASE("a parameter compared with no column by == has no members: E0606") {
  auto s = Checked();
  const ir::Module& m = s->catalog.checked.ir;
  for (auto [role, param] : {std::pair{"big", "min"}, std::pair{"manager", "min"}}) {
    std::string code;
    try {
      MemberColumns(m, *m.FindRole(role), param);
    } catch (const UsageError& e) {
      code = e.code;
    }
    CHECK(code == std::string(CodeName(DiagCode::E0606)));
  }
}

TEST_CASE("member file names are safe, keep UTF-8 and never collide") {
  std::string long_name(300, 'x');
  std::vector<std::string> members = {"北京朝阳店", "../x",  "a/b",      "\x01",          ".hidden", long_name,
                                      "Store",      "store", "manifest", "CON",           "a\\b",    "x\xffy",
                                      "..",         "-rf",   "a_b",      "e\xe2\x80\xaeg"};
  auto names = MemberFileNames(members, {"manifest"});
  REQUIRE(names.size() == members.size());
  CHECK(names[0] == "北京朝阳店");  // safe: kept as it is
  CHECK(names[14] == "a_b");        // safe and alone: kept
  std::set<std::string> folded;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    INFO(n);
    CHECK(!n.empty());
    CHECK(n.size() <= 120);
    CHECK(n.find('/') == std::string::npos);
    CHECK(n.find('\\') == std::string::npos);
    CHECK(n.find("\xe2\x80\xae") == std::string::npos);  // no bidirectional override
    CHECK(n[0] != '.');
    CHECK(n[0] != '-');
    for (unsigned char ch : n) CHECK(ch >= 0x20);
    if (n != members[i]) CHECK(n.size() > 9);  // changed: the hash is there
    std::string f = n;
    for (char& ch : f) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(folded.insert(f).second);
  }
  CHECK(folded.count("manifest") == 0);
  CHECK(names[1].rfind("_._x-", 0) == 0);   // ../x
  CHECK(names[2].rfind("a_b-", 0) == 0);    // a/b: not `a_b`, which is another member
  CHECK(names[6].rfind("Store-", 0) == 0);  // Store and store differ only in case: both hashed
  CHECK(names[7].rfind("store-", 0) == 0);
  CHECK(names[9].rfind("CON-", 0) == 0);
  // Deterministic: the same members, the same names.
  CHECK(MemberFileNames(members, {"manifest"}) == names);
  // A member spelt like another's hashed name still gets a name of its own.
  std::vector<std::string> tricky = {"a/b", names[2]};
  auto t = MemberFileNames(tricky, {"manifest"});
  CHECK(t[0] != t[1]);
}

namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("burst files: two members that one file system takes for one file keep a file each") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kpic_burst_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string nfc = "\xC3\xA9", nfd = "e\xCC\x81", upper = "\xC3\x89";  // é, e + U+0301, É
  // No ASCII case in them: the names are the members themselves.
  CHECK(MemberFileNames({nfc, nfd, upper}, {"manifest"}) == std::vector<std::string>{nfc, nfd, upper});
  MemberFileWriter w;
  CHECK(w.Write(dir, nfc, nfc, {{"json", "NFC"}}) == nfc);
  // On macOS `e` + U+0301 names the same file as `é`, and on a
  // case-insensitive file system `É` does too: a hard link makes it so here.
  fs::create_hard_link(dir / (nfc + ".json"), dir / (nfd + ".json"));
  fs::create_hard_link(dir / (nfc + ".json"), dir / (upper + ".json"));
  // FNV-1a of the members' bytes, worked out apart (Python): fa9bc71f, 3e9e1b21.
  CHECK(w.Write(dir, nfd, nfd, {{"json", "NFD"}, {"html", "<p>NFD"}}) == nfd + "-fa9bc71f");
  CHECK(w.Write(dir, upper, upper, {{"json", "UPPER"}}) == upper + "-3e9e1b21");
  CHECK(Slurp(dir / (nfc + ".json")) == "NFC");
  CHECK(Slurp(dir / (nfd + "-fa9bc71f.json")) == "NFD");
  CHECK(Slurp(dir / (nfd + "-fa9bc71f.html")) == "<p>NFD");
  CHECK(Slurp(dir / (upper + "-3e9e1b21.json")) == "UPPER");
  CHECK(!fs::exists(dir / (nfd + ".html")));  // nothing left of the name that was taken
  // The hashed name taken too (by this writer): a number after it.
  CHECK(w.Write(dir, nfd, nfd, {{"json", "again"}}) == nfd + "-fa9bc71f-2");
  CHECK(Slurp(dir / (nfc + ".json")) == "NFC");
  CHECK(Slurp(dir / (nfd + "-fa9bc71f.json")) == "NFD");
  CHECK(Slurp(dir / (nfd + "-fa9bc71f-2.json")) == "again");
  // A file this writer did not write (left from an earlier run) is replaced.
  { std::ofstream(dir / "old.json") << "old"; }
  CHECK(!w.Wrote(dir / "old.json"));
  CHECK(w.Write(dir, "old", "old", {{"json", "new"}}) == "old");
  CHECK(Slurp(dir / "old.json") == "new");
  CHECK(w.Wrote(dir / "old.json"));
  fs::remove_all(dir);
}
