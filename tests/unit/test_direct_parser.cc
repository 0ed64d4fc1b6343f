// The direct metric parser (compiler/syntax/direct_parser.cc) against
// ANTLR: every file is parsed both ways (ParseLimits::direct_metrics on
// and off), and the two ASTs, with every node's span and text, and the
// two lists of diagnostics must be the same. ANTLR's parser, generated from
// grammar/KpiParser.g4, is the reference; the direct parser's own code
// computes nothing the test compares with.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/full_ast.h"

using namespace kpic;

namespace {

uint64_t Next(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

struct Result {
  std::string ast;
  size_t direct = 0;  ///< declarations the direct parser took
};

Result ParseOneWay(const std::string& text, bool direct) {
  Result r;
  r.ast = test_support::ParseAndDump(text, direct, &r.direct);
  return r;
}

/// Parses `text` both ways; they must agree. Returns how many declarations
/// the direct parser took.
size_t Agree(const std::string& text) {
  Result direct = ParseOneWay(text, true);
  Result antlr = ParseOneWay(text, false);
  REQUIRE_MESSAGE(antlr.direct == 0, text);
  REQUIRE_MESSAGE(direct.ast == antlr.ast, "text:\n" << text << "\ndirect:\n" << direct.ast << "\nantlr:\n"
                                                    << antlr.ast);
  return direct.direct;
}

/// A random expression in the grammar's tokens, spaced or not.
class Gen {
 public:
  explicit Gen(uint64_t seed) : s_(seed) {}
  uint64_t R(uint64_t n) { return Next(&s_) % n; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[R(v.size())];
  }

  std::string Name() {
    static const std::vector<std::string> names = {"a", "b", "o", "x1", "销售额", "_z", "owner", "by", "time", "key",
                                                   "label", "metric", "goal", "with", "all", "change", "rows"};
    return Pick(names);
  }
  std::string Literal() {
    static const std::vector<std::string> clean = {
        "1", "0", "42", "1_000", "3.14", "1e-9", "2.5E3", "12%", "0.5%", "9223372036854775807", "\"s\"",
        "\"销售\"", "2026-01-31", "2024-02-29", "2026-01-01T10:00:00", "true", "false", "null", "100 CNY",
        "3 months", "1.5 USD"};
    // What the builder reports, or ANTLR must parse: escapes, single
    // quotes, numbers too large or too long, days that do not exist.
    static const std::vector<std::string> odd = {
        "9223372036854775808", "1.0000000000000000001", "\"a\\\"b\"", "\"\\u{4E2D}\"", "\"\\q\"",
        "\"tab\\t\"", "''", "'x'", "2026-02-30", "2026-01-01T25:00:00"};
    return R(8) ? Pick(clean) : Pick(odd);
  }
  std::string Expr(int depth) {
    if (depth <= 0) return R(3) ? Name() : Literal();
    switch (R(16)) {
      case 0:
        return "-" + Sp() + Expr(depth - 1);
      case 1:
        return "not " + Expr(depth - 1);
      case 2:
        return Expr(depth - 1) + "." + Name();
      case 3:
      case 4:
        return Expr(depth - 1) + "(" + Args(depth - 1) + ")";
      case 5: {
        static const std::vector<std::string> ops = {"*", "/", "+", "-", "==", "!=", "<", "<=", ">", ">=", "and", "or",
                                                     "where"};
        return Expr(depth - 1) + " " + Pick(ops) + " " + Expr(depth - 1);
      }
      case 6: {
        std::string s = Expr(depth - 1) + (R(2) ? " not in (" : " in (") + Expr(depth - 1);
        for (int k = static_cast<int>(R(3)); k > 0; --k) s += ", " + Expr(depth - 1);
        return s + ")";
      }
      case 7:
        return Expr(depth - 1) + (R(2) ? " is not null" : " is null");
      case 8:
        return "(" + Expr(depth - 1) + ")";
      default: {
        static const std::vector<std::string> ops = {"*", "/", "+", "-", "==", "<", "and", "or", "where"};
        return Expr(depth - 1) + Sp() + Pick(ops) + " " + Expr(depth - 1);
      }
    }
  }
  std::string Args(int depth) {
    std::string s;
    int n = static_cast<int>(R(4));
    for (int k = 0; k < n; ++k) {
      if (k) s += ", ";
      if (R(4) == 0) s += Name() + ": ";
      s += Expr(depth);
      if (R(5) == 0) {
        s += " by " + Name();
        for (int b = static_cast<int>(R(3)); b > 0; --b) s += ", " + Name();
      }
    }
    if (R(6) == 0) s += ",";
    return s;
  }
  std::string Value() {
    static const std::vector<std::string> clean = {"\"ops\"", "ops.team", "owner", "-5", "-1.5", "3", "12%", "true",
                                                   "2026-01-01", "[]", "[1, \"x\", [a.b]]", "- 2"};
    static const std::vector<std::string> odd = {"\"a\\nb\"", "2026-13-01", "\"\x01\"", "-x", "[1,]"};
    return R(8) ? Pick(clean) : Pick(odd);
  }
  std::string Unit() {
    static const std::vector<std::string> units = {"CNY", "CNY/order", "visit^2", "km/h^-1", "(a*b)/c", "1",
                                                   "a/(b/c)*d", "x^99999999999", "owner", "a^", "1/day", "5/day", "m^2_0"};
    return Pick(units);
  }
  std::string Metric() {
    std::string s = R(4) == 0 ? "/// Doc " + Name() + "\n" : "";
    s += "metric " + Name();
    if (R(2)) s += R(5) ? " \"指标\"" : " \"a\\tb\"";
    if (R(4) == 0) s += ": " + Unit();
    s += " = " + Expr(static_cast<int>(R(5)));
    if (R(4) == 0) s += ";";
    static const std::vector<std::string> keys = {"owner", "description", "format", "tags", "deprecated",
                                                  "approver", "status", "definition", "label", "label.en"};
    for (int k = static_cast<int>(R(3)); k > 0; --k) {
      s += "\n  " + Pick(keys) + " " + Value();
      for (int v = static_cast<int>(R(3)); v > 0 && R(2); --v) s += ", " + Value();
      if (R(4) == 0) s += ";";
    }
    return s + "\n";
  }
  /// Breaks a text now and then: a token deleted, doubled or inserted.
  std::string Mutate(const std::string& text) {
    static const std::vector<std::string> junk = {",", ")", "(", " by ", ":", " x ", " metric ", " goal ", ";", ".",
                                                  " = ", " in ", " not ", " is ", "\"", "]", " 1 ", "#"};
    std::string t = text;
    size_t at = R(t.size() + 1);
    switch (R(3)) {
      case 0:
        t.insert(at, Pick(junk));
        break;
      case 1:
        t.erase(at, std::min<size_t>(1 + R(4), t.size() - at));
        break;
      default:
        t.insert(at, t.substr(at, 1 + R(6)));
    }
    return t;
  }

 private:
  std::string Sp() { return R(2) ? " " : ""; }
  uint64_t s_;
};

}  // namespace

TEST_CASE("direct metric parser: trees worked out by hand") {
  // The direct parser must take these (else the test would check ANTLR).
  CHECK(Agree("metric m = -a.b * c where not d and e not in (1, 2) is null\n") == 1);
  Result r = ParseOneWay("metric m \"毛利\": CNY/order^2 = sum(o.x where o.t == \"vip\", by: 1 by a, b)\n  owner \"ops\", x.y;\n", true);
  REQUIRE(r.direct == 1);
  // Offsets by hand: `metric m "毛利": ` is 7 + 2 + 8 + 2 bytes (毛利 is six).
  CHECK(r.ast.find("`m`[7,8) label=`毛利` [9,17)") != std::string::npos);
  CHECK(r.ast.find(" unit[19,30)`CNY`[19,22)^1`order`[23,28)^-2") != std::string::npos);
  // `by a, b` is one argument's list: the comma continues it.
  CHECK(r.ast.find(" by `a`[70,71) by `b`[73,74)}") != std::string::npos);
  CHECK(r.ast.find("attr{`owner`[78,83) lang= [78,94)<0 `ops` [84,89) [0,0)><6 `x.y` [91,94) `x`[91,92)`y`[93,94)[91,94)>}") !=
        std::string::npos);
}

TEST_CASE("direct metric parser: every .kpi file in the repository, both ways") {
  namespace fs = std::filesystem;
  size_t files = 0, direct = 0;
  for (const char* dir : {"examples", "stdlib", "tests", "bench", "editors"}) {
    fs::path root = fs::path(KPIC_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".kpi" || e.file_size() > (1u << 20)) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      direct += Agree(ss.str());
      ++files;
    }
  }
  MESSAGE(files << " files, " << direct << " metric declarations parsed directly");
  CHECK(files > 100);
  CHECK(direct > 300);
}

TEST_CASE("direct metric parser: 12,000 seeded random files, a quarter of them broken") {
  Gen g(0x9E3779B97F4A7C15ull);  // fixed: the same files every run
  size_t direct = 0, metrics = 0;
  for (int round = 0; round < 12000; ++round) {
    std::string text;
    int n = 1 + static_cast<int>(g.R(3));
    for (int k = 0; k < n; ++k) {
      if (g.R(6) == 0) text += "goal g { metric a\n target a > 1 }\n";
      text += g.Metric();
      ++metrics;
    }
    if (round % 4 == 3) text = g.Mutate(text);
    direct += Agree(text);
  }
  MESSAGE(direct << " of " << metrics << " metric declarations parsed directly");
  // Most are taken (a third have a string escape, a bad number or date, or
  // a break somewhere, which ANTLR parses).
  CHECK(direct > metrics / 4);
}
