// Bad input never crashes or hangs: huge, deep, binary and random files all
// end in diagnostics with positions.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "diag/registry.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

std::vector<Diagnostic> ParseText(const std::string& text, const ParseLimits& limits = {}) {
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  auto file = ParseFile(sm, id, diags, limits);
  REQUIRE(file != nullptr);
  return diags.diagnostics();
}

}  // namespace

TEST_CASE("a file over the size limit is refused with DiagCode::E0004") {
  ParseLimits limits;
  limits.max_file_bytes = 100;
  auto d = ParseText(std::string(200, ' '), limits);
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == DiagCode::E0004);
}

TEST_CASE("a 10 MB file parses, and its one error is found at the end") {
  // KPIC_TEST_BIG_MB scales the file down under sanitizers (scripts/test).
  const char* env = std::getenv("KPIC_TEST_BIG_MB");
  size_t megabytes = env ? std::strtoul(env, nullptr, 10) : 10;
  std::string text;
  int n = 0;
  while (text.size() < megabytes * 1024 * 1024) {
    text += "metric m" + std::to_string(n++) + " = sum(orders.amount where orders.x > 1) * 2\n";
  }
  text += "metric broken = (1 +\n";
  auto d = ParseText(text);
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == DiagCode::E0107);
}

TEST_CASE("10,000-deep nesting and 10,000 prefix operators are refused, not overflowed") {
  auto d = ParseText("metric m = " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == DiagCode::E0105);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  d = ParseText("metric m = " + nots + "x\n");
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == DiagCode::E0106);
  // Just under the limits still parses.
  d = ParseText("metric m = " + std::string(120, '(') + "1" + std::string(120, ')') + "\n");
  CHECK(d.empty());
}

TEST_CASE("random bytes never crash the parser and every diagnostic has a span") {
  uint64_t s = 88172645463325252ull;
  auto next = [&] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  const std::string alphabet = "metric source goal ()[]{}.,:;=+-*/<>!\"'#%_ \n\t0123456789abcxyz销售额\xFF\x80";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    size_t len = next() % 300;
    for (size_t i = 0; i < len; ++i) {
      if (round % 3 == 0)
        text += static_cast<char>(next() & 0xFF);
      else
        text += alphabet[next() % alphabet.size()];
    }
    for (const Diagnostic& d : ParseText(text)) {
      CHECK(d.span.valid());
      CHECK(d.span.begin <= text.size());
      CHECK(!d.message.empty());
    }
  }
}
