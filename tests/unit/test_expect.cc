// `kpic test`: the row-count state file (E0607), a package without
// expectations (E0608), and the XML escaping of the JUnit output.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "base/errors.h"
#include "diag/registry.h"
#include "driver/test_command.h"

using namespace kpic;

TEST_CASE("the row-count state: read back what was written; a bad line is E0607") {
  std::vector<std::pair<std::string, int64_t>> counts = {{"orders", 12}, {"orders role=m s=A", 3}};
  CHECK(ParseTestState(FormatTestState(counts), "s.tsv") == counts);
  for (const char* bad : {"orders\tmany\n", "orders 12\n", "\t12\n", "orders\t-1\n"}) {
    try {
      ParseTestState(bad, "s.tsv");
      FAIL("accepted: " << bad);
    } catch (const UsageError& e) {
      CHECK(e.code == std::string(CodeName(DiagCode::E0607)));
      CHECK(std::string(e.what()).find("s.tsv:1:") == 0);
    }
  }
}

TEST_CASE("a package without expectations: nothing to test, E0608") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "kpic_unit_expect";
  fs::create_directories(dir);
  std::ofstream(dir / "p.kpi") << "source orders from csv(\"o.csv\") { id: string key }\n";
  TestOptions t;
  t.run.paths = {dir.string()};
  CommonOptions common;
  common.stdlib_dir = std::string(KPIC_SOURCE_DIR) + "/stdlib";
  try {
    RunTest(t, common);
    FAIL("no E0608");
  } catch (const UsageError& e) {
    CHECK(e.code == std::string(CodeName(DiagCode::E0608)));
  }
  fs::remove_all(dir);
}

TEST_CASE("XML escaping: markup, quotes, control characters and invalid UTF-8") {
  CHECK(XmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(XmlEscape("x\ny") == "x&#10;y");
  CHECK(XmlEscape("x\ny", false) == "x\ny");
  CHECK(XmlEscape(std::string("a\x01") + "b") == "a\xEF\xBF\xBD" "b");
  CHECK(XmlEscape("\xff") == "\xEF\xBF\xBD");
  CHECK(XmlEscape("门店") == "门店");
}
