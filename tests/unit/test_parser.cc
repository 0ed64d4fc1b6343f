// Parser unit tests: precedence, literals, declarations and comments, by
// comparing the AST dump against trees written out by hand.
#include <doctest/doctest.h>

#include "diag/registry.h"
#include "syntax/parse.h"

using namespace kpic;

namespace {

struct Parsed {
  std::string dump;
  std::vector<std::string> codes;
};

Parsed Parse(const std::string& text) {
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", text);
  auto file = ParseFile(sm, id, diags);
  Parsed p;
  p.dump = ast::Dump(*file, sm);
  for (const auto& d : diags.diagnostics()) p.codes.emplace_back(CodeName(d.code));
  return p;
}

/// The dumped expression of `metric m = EXPR`.
std::string ExprOf(const std::string& expr) {
  Parsed p = Parse("metric m = " + expr + "\n");
  REQUIRE_MESSAGE(p.codes.empty(), expr);
  auto start = p.dump.find("  = ");
  auto end = p.dump.find('\n', start);
  return p.dump.substr(start + 4, end - start - 4);
}

}  // namespace

TEST_CASE("arithmetic precedence and associativity") {
  CHECK(ExprOf("a + b * c - d / e") == "((a + (b * c)) - (d / e))");
  CHECK(ExprOf("1 - 2 - 3") == "((1 - 2) - 3)");
  CHECK(ExprOf("(1 - 2) * 3") == "((1 - 2) * 3)");
  CHECK(ExprOf("-a.b.previous") == "(-a.b.previous)");
  CHECK(ExprOf("- 2 * 3") == "((-2) * 3)");
}

TEST_CASE("logical precedence: comparison binds tighter than not, not than and, and than or") {
  CHECK(ExprOf("not a == b and c or d") == "(((not (a == b)) and c) or d)");
  CHECK(ExprOf("a or b and c") == "(a or (b and c))");
  CHECK(ExprOf("x not in (\"a\", \"b\") and y is not null") == "((x not in (\"a\", \"b\")) and (y is not null))");
  CHECK(ExprOf("a + 1 > b * 2") == "((a + 1) > (b * 2))");
}

TEST_CASE("where binds loosest, inside and outside aggregates") {
  CHECK(ExprOf("sum(o.x where o.t == \"vip\") / sum(o.x) where not o.r") ==
        "((sum((o.x where (o.t == \"vip\"))) / sum(o.x)) where (not o.r))");
  CHECK(ExprOf("count(o where o.a > 1 or o.b)") == "count((o where ((o.a > 1) or o.b)))");
}

TEST_CASE("literals: percent, money, durations, dates and strings") {
  CHECK(ExprOf("sales.rolling(3 months) + 12% + 100 CNY") == "((sales.rolling(3 months) + 12%) + 100 CNY)");
  CHECK(ExprOf("1_000_000.50 USD") == "1_000_000.50 USD");
  CHECK(ExprOf("if(d >= 2026-01-01, 1e-3, 2.5%)") == "if((d >= 2026-01-01), 1e-3, 2.5%)");
  CHECK(ExprOf("t < 2026-03-01T08:30:00+08:00") == "(t < 2026-03-01T08:30:00+08:00)");
  CHECK(ExprOf("\"a\\\"b\\u{9500}\"") == "\"a\\\"b销\"");
  CHECK(ExprOf("coalesce(a, null, true)") == "coalesce(a, null, true)");
}

TEST_CASE("calls: qualified names, methods, named arguments and re-aggregation") {
  CHECK(ExprOf("std.retail.conversion(order_count, visitors)") == "std.retail.conversion(order_count, visitors)");
  CHECK(ExprOf("avg(sales by day, store)") == "avg(sales by day, store)");
  CHECK(ExprOf("convert(sales, USD, rates)") == "convert(sales, USD, rates)");
  CHECK(ExprOf("f(x: 1, y: 2,)") == "f(x: 1, y: 2)");
  CHECK(ExprOf("growth(sales, last_year)") == "growth(sales, last_year)");
}

TEST_CASE("soft keywords can be column and metric names") {
  CHECK(ExprOf("rates.from == rates.to and x.time > x.key") == "((rates.from == rates.to) and (x.time > x.key))");
  Parsed p = Parse("source rates from csv(\"r.csv\") {\n  from: string\n  to: string\n  time: date time\n}\n");
  CHECK(p.codes.empty());
  CHECK(p.dump ==
        "source rates @1:1\n"
        "  from csv(\"r.csv\")\n"
        "  column from: string\n"
        "  column to: string\n"
        "  column time: date time\n"
        "comments 0\n");
}

TEST_CASE("a source with every column modifier") {
  Parsed p = Parse(
      "source orders \"订单\" from csv(\"data/o.csv\", delimiter: \";\", null: [\"\", \"NA\"]) {\n"
      "  id: string key entity order\n"
      "  at: timestamp time \"下单时间\"\n"
      "  store: string -> store\n"
      "  amount: decimal(2) unit CNY/order\n"
      "  customer: int references crm.customers\n"
      "  stock: int unit item rollup last label \"库存\"\n"
      "}\n");
  CHECK(p.codes.empty());
  CHECK(p.dump ==
        "source orders \"订单\" @1:1\n"
        "  from csv(\"data/o.csv\", delimiter: \";\", null: [\"\", \"NA\"])\n"
        "  column id: string key entity order\n"
        "  column at: timestamp header \"下单时间\" time\n"
        "  column store: string -> store\n"
        "  column amount: decimal(2) unit CNY/order\n"
        "  column customer: int references crm.customers\n"
        "  column stock: int unit item rollup last label \"库存\"\n"
        "comments 0\n");
}

TEST_CASE("goals, roles and reports") {
  Parsed p = Parse(
      "goal g \"增长\" {\n"
      "  owner \"ops\"\n"
      "  metric sales\n"
      "  period 2026-01-01 .. 2026-07-01 by month\n"
      "  target sales >= 1.28 * sales.last_year\n"
      "  at_risk 95%\n"
      "  decompose sales = visitors * conversion * aov\n"
      "  drill channel, store top 5\n"
      "  alert \"低\" when conversion < 12% severity critical message \"看看\"\n"
      "  alert when sales.change(month) < -10% severity warning\n"
      "}\n"
      "role manager(store_id: string) {\n"
      "  orders where orders.store == store_id\n"
      "  products: all\n"
      "}\n"
      "report weekly \"周报\" {\n"
      "  goals g\n"
      "  role manager\n"
      "  chart conversion by channel as bar\n"
      "  title \"Weekly\"\n"
      "}\n");
  CHECK(p.codes.empty());
  CHECK(p.dump ==
        "goal g \"增长\" @1:1\n"
        "  owner \"ops\"\n"
        "  metric sales\n"
        "  period 2026-01-01 .. 2026-07-01 by month\n"
        "  target (sales >= (1.28 * sales.last_year))\n"
        "  at_risk 95%\n"
        "  decompose sales = ((visitors * conversion) * aov)\n"
        "  drill channel, store top 5\n"
        "  alert \"低\" when (conversion < 12%) severity critical message \"看看\"\n"
        "  alert when (sales.change(month) < (-10%)) severity warning\n"
        "role manager @12:1\n"
        "  param store_id: string\n"
        "  orders where (orders.store == store_id)\n"
        "  products: all\n"
        "report weekly \"周报\" @16:1\n"
        "  goals g\n"
        "  role manager\n"
        "  chart conversion by channel as bar\n"
        "  title \"Weekly\"\n"
        "comments 0\n");
}

TEST_CASE("comments are kept and doc comments attach to the next declaration") {
  Parsed p = Parse(
      "// header\n"
      "/// Net sales.\n"
      "/// After returns.\n"
      "metric sales: CNY = sum(o.amount) /* inline */ owner \"ops\" label.en \"Sales\"\n"
      "fn ratio<M>(a: M, b: M): 1 = a / b\n");
  CHECK(p.codes.empty());
  CHECK(p.dump ==
        "metric sales @4:1\n"
        "  doc \"Net sales.\\nAfter returns.\"\n"
        "  unit CNY\n"
        "  = sum(o.amount)\n"
        "  owner \"ops\"\n"
        "  label.en \"Sales\"\n"
        "fn ratio @5:1\n"
        "  units M\n"
        "  param a: M\n"
        "  param b: M\n"
        "  returns 1\n"
        "  = (a / b)\n"
        "comments 4\n");
}

TEST_CASE("a UTF-8 byte order mark is ignored and Chinese identifiers parse") {
  Parsed p = Parse("\xEF\xBB\xBFmetric 销售额 = sum(订单.金额)\n");
  CHECK(p.codes.empty());
  CHECK(p.dump == "metric 销售额 @1:1\n  = sum(订单.金额)\ncomments 0\n");
}

namespace {

std::string ShowTokens(const std::vector<LexedToken>& tokens) {
  std::string out;
  for (const LexedToken& t : tokens)
    out += std::to_string(t.type) + "/" + std::to_string(t.channel) + "@" + std::to_string(t.start) + "-" +
           std::to_string(t.stop) + " " + std::to_string(t.line) + ":" + std::to_string(t.column) + " `" + t.text +
           "`\n";
  return out;
}

uint64_t Xorshift(uint64_t* seed) {
  *seed ^= *seed << 13;
  *seed ^= *seed >> 7;
  *seed ^= *seed << 17;
  return *seed;
}

void AppendUtf8(std::string* s, char32_t c) {
  if (c < 0x80) {
    *s += static_cast<char>(c);
  } else if (c < 0x800) {
    *s += static_cast<char>(0xC0 | (c >> 6));
    *s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *s += static_cast<char>(0xE0 | (c >> 12));
    *s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *s += static_cast<char>(0xF0 | (c >> 18));
    *s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

// The parser's char stream shows the lexer each code point outside ASCII as
// its class's code (ANTLR caches transitions for ASCII only). The plain
// lexer, shown the code points as they are, is the reference.
TEST_CASE("the lexer's class-mapped char stream lexes exactly like the plain one") {
  // Letters (CJK, Latin-1, Greek, a supplementary-plane ideograph), digits
  // of other scripts (Arabic-Indic, full-width, the letter-number 〇 and
  // Roman numeral Ⅻ), marks (combining acute: Mn; Devanagari vowel sign: Mc),
  // the spaces the grammar names (no-break, ideographic, BOM) and ones it
  // does not (en space), full-width punctuation, emoji and U+FFFD.
  const std::vector<char32_t> exotic = {U'销', U'售', U'额', U'é', U'Ω', U'𠀀', U'٣', U'３', U'〇', U'Ⅻ', 0x0301,
                                        0x093E, 0x00A0, 0x3000, 0xFEFF, 0x2002, U'（', U'，', U'：', 0x1F600, 0xFFFD,
                                        U'ß', U'ǅ', 0x02B0 /* modifier letter */, 0x0660, 0x00B2 /* superscript 2 */};
  const std::string ascii = "ab_09 .,:\"\\'/#*-+=<>!()\n\t%eT";
  uint64_t seed = 0x9E3779B97F4A7C15ull;  // fixed: the same 3,000 texts every run
  auto next = [&seed] { return Xorshift(&seed); };
  int compared = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    size_t len = 1 + next() % 24;
    for (size_t i = 0; i < len; ++i) {
      if (next() % 3 == 0) {
        AppendUtf8(&text, exotic[next() % exotic.size()]);
      } else {
        text += ascii[next() % ascii.size()];
      }
    }
    auto mapped = LexForTest(text, true);
    auto plain = LexForTest(text, false);
    REQUIRE_MESSAGE(ShowTokens(mapped) == ShowTokens(plain), "text: " << text);
    ++compared;
  }
  CHECK(compared == 3000);
  // Written-out cases, token by token.
  auto one = LexForTest("销售额_２０２６ é\u0301 x\u3000y", true);
  REQUIRE(one.size() == 5);
  CHECK(one[0].text == "销售额_２０２６");
  CHECK(one[1].text == "é\u0301");
  CHECK(one[2].text == "x");
  CHECK(one[3].text == "y");
  // 〇 (a letter-number) may go on a name but not start one.
  auto two = LexForTest("〇a a〇", true);
  REQUIRE(two.size() == 4);
  CHECK(two[0].text == "〇");
  CHECK(two[0].channel == 3);  // ERROR_CHAR is on the ERRORS channel (the second custom one)
  CHECK(two[1].text == "a");
  CHECK(two[2].text == "a〇");
}

// The file parser lexes with a scanner written from KpiLexer.g4's rules
// (syntax/scanner.h); the generated lexer over the same bytes is the
// reference: every token's type, channel, byte offsets, line, column and text.
TEST_CASE("the scanner lexes exactly like the generated lexer") {
  const std::vector<std::string> pieces = {
      "2026-01-01", "T", "10:00", ":30", ".5", "Z", "+08:00", "-05:00", "1_000", "_", "e", "E", "e+3", "%", "..",
      ".", "0", "42", "metric", "metrics", "and", "description", "where", "in", "isx", "//", "///", "/*", "*/",
      "*", "/", "#", "\"", "\'", "\\", "\n", "\r\n", "\r", " ", "\t", "\f", "->", "-", "==", "=", "!=",
      "!", "<=", "<", ">=", ">", "(", ")", "{", "}", "[", "]", ",", ":", ";", "+", "^", "&", "|", "@", "~",
      "\x01", "\x02", "\x03", "\x04", "\x05", "\x0b", "\x7f", "\xff", "\xe4\xb8", "\xc3", "\x80",
      "销售额", "é", "\xcc\x81" /* U+0301 */, "\xc2\xa0" /* U+00A0 */, "\xe3\x80\x80" /* U+3000 */,
      "\xef\xbb\xbf" /* U+FEFF */, "\xe2\x80\x82" /* en space */, "（", "３", "〇", "😀", "\xef\xbf\xbd"};
  uint64_t seed = 0x2545F4914F6CDD1Dull;  // fixed: the same 5,000 texts every run
  auto next = [&seed] { return Xorshift(&seed); };
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    size_t len = 1 + next() % 16;
    for (size_t i = 0; i < len; ++i) text += pieces[next() % pieces.size()];
    REQUIRE_MESSAGE(ShowTokens(ScanForTest(text)) == ShowTokens(LexBytesForTest(text)), "text: " << text);
  }
  // The seeded texts of the char-stream tests, and the edges of the file.
  for (std::string text : {"", " ", "\n\n", "a", "/*", "/*/", "/**/", "/* x *", "\"", "\"\\", "'", "'a", "2026-01-01T",
                           "2026-01-01T10:00:00.", "2026-01-01T10:00+08", "1e", "1.", "1._5", "1_", "\"a\\\n\"",
                           "x\r\ny", "é\n销 售\n额"}) {
    REQUIRE_MESSAGE(ShowTokens(ScanForTest(text)) == ShowTokens(LexBytesForTest(text)), "text: " << text);
  }
  // After a byte order mark, as the file parser starts (byte 3).
  const std::string bom = "\xEF\xBB\xBF";
  for (int round = 0; round < 500; ++round) {
    std::string text = bom;
    size_t len = 1 + next() % 12;
    for (size_t i = 0; i < len; ++i) text += pieces[next() % pieces.size()];
    REQUIRE_MESSAGE(ShowTokens(ScanForTest(text, 3)) == ShowTokens(LexBytesForTest(text, 3)), "text: " << text);
  }
  auto after_bom = ScanForTest(bom + "metric m", 3);
  REQUIRE(after_bom.size() == 3);
  CHECK((after_bom[0].start == 3 && after_bom[0].column == 0 && after_bom[0].text == "metric"));
  // Worked out by hand: a timestamp cut short is a date, then a name; a
  // percent takes no exponent; lines and columns count code points.
  auto cut = ScanForTest("2026-01-01T10:0 1_000.5e3% 销售\n  x");
  REQUIRE(cut.size() == 9);  // and EOF
  CHECK(cut[0].text == "2026-01-01");
  CHECK(cut[1].text == "T10");
  CHECK(cut[2].text == ":");
  CHECK(cut[3].text == "0");
  CHECK((cut[4].text == "1_000.5e3" && cut[4].start == 16 && cut[4].stop == 24));
  CHECK((cut[5].text == "%" && cut[5].channel == 3));  // a stray character
  CHECK((cut[6].text == "销售" && cut[6].start == 27 && cut[6].stop == 32 && cut[6].column == 27));
  CHECK((cut[7].text == "x" && cut[7].line == 2 && cut[7].column == 2));
}

TEST_CASE("the parser's UTF-8 char stream lexes like the code points, with byte offsets") {
  const size_t kEof = static_cast<size_t>(-1);  // antlr4::Token::EOF
  // The file parser lexes the file's bytes (no decoded copy): the same
  // tokens as the plain code-point lexer, each start and stop moved to the
  // byte offsets worked out here from the code points' UTF-8 lengths.
  const std::vector<char32_t> exotic = {U'销', U'售', U'é', U'Ω', U'𠀀', U'３', U'〇', 0x0301, 0x3000,
                                        0xFEFF, U'（', 0x1F600, 0xFFFD, U'ß'};
  const std::string ascii = "ab_09 .,:\"\\'/#*-+=<>!()\n\t%eT";
  uint64_t seed = 0xD1B54A32D192ED03ull;  // fixed: the same 2,000 texts every run
  auto next = [&seed] { return Xorshift(&seed); };
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    std::vector<size_t> byte_of;  // code point index -> byte offset, plus the end
    size_t len = 1 + next() % 24;
    for (size_t i = 0; i < len; ++i) {
      byte_of.push_back(text.size());
      char32_t c = exotic[next() % exotic.size()];
      if (next() % 3 == 0 && !(i == 0 && c == 0xFEFF)) {  // a leading BOM is no code point to the plain lexer
        AppendUtf8(&text, c);
      } else {
        text += ascii[next() % ascii.size()];
      }
    }
    byte_of.push_back(text.size());
    auto plain = LexForTest(text, false);
    auto bytes = LexBytesForTest(text);
    REQUIRE_MESSAGE(plain.size() == bytes.size(), "text: " << text);
    for (size_t k = 0; k < plain.size(); ++k) {
      LexedToken want = plain[k];
      want.start = byte_of[want.start];
      if (want.type != kEof) want.stop = byte_of[want.stop + 1] - 1;
      if (want.type == kEof) want.stop = want.start - 1;
      REQUIRE_MESSAGE(ShowTokens({bytes[k]}) == ShowTokens({want}), "text: " << text);
    }
  }
  // Invalid bytes read as U+FFFD one byte long (E0002 reports them):
  // stray characters, each its own byte, whose text is U+FFFD (raw, a byte
  // went into messages and the language server's JSON refused it).
  const std::string fffd = "\xEF\xBF\xBD";
  auto bad = LexBytesForTest("a\xFF\xE4\xB8 b \"x\xFFy\"");
  REQUIRE(bad.size() == 7);
  CHECK(bad[0].text == "a");
  CHECK((bad[1].text == fffd && bad[1].start == 1 && bad[1].stop == 1));
  CHECK((bad[2].text == fffd && bad[2].start == 2 && bad[2].stop == 2));  // a cut-off sequence: byte by byte
  CHECK((bad[3].text == fffd && bad[3].start == 3 && bad[3].stop == 3));
  CHECK((bad[4].text == "b" && bad[4].start == 5 && bad[4].stop == 5));
  CHECK((bad[5].text == "\"x" + fffd + "y\"" && bad[5].start == 7 && bad[5].stop == 11));
  // Spans of a parsed Chinese name: bytes 7 to 16 of `metric 销售额 = 1`.
  SourceManager sm;
  DiagnosticSink diags;
  FileId id = sm.Add("t.kpi", "metric 销售额 = 1 +\n");
  auto file = ParseFile(sm, id, diags);
  REQUIRE(file->decls.size() == 1);
  CHECK(file->decls[0]->name.span.begin == 7);
  CHECK(file->decls[0]->name.span.end == 16);
  REQUIRE(!diags.diagnostics().empty());
  CHECK(diags.diagnostics()[0].span.begin == 22);  // the end of the line: the `+` waits for an operand
}

TEST_CASE("the control characters that stand for classes are never a name or a space in the text") {
  // U+0001 to U+0004 in a file are stray characters, as before the
  // mapping: the codes the grammar gives them are for the mapped stream.
  for (char c : {'\x01', '\x02', '\x03', '\x04'}) {
    std::string text = std::string("a") + c + "b";
    auto tokens = LexForTest(text, true);
    REQUIRE(tokens.size() == 4);
    CHECK(tokens[0].text == "a");
    CHECK(tokens[1].text == std::string(1, c));
    CHECK(tokens[1].channel == 3);
    CHECK(tokens[2].text == "b");
  }
  Parsed p = Parse("metric m\x01n = 1\n");
  REQUIRE(!p.codes.empty());
  CHECK(p.codes[0] == "E0101");
}

namespace {

/// The formula tree of `metric m = EXPR`, parsed.
struct Formula {
  SourceManager sm;
  std::unique_ptr<ast::File> file;
  const ast::Expr& expr() const {
    for (const auto& d : file->decls)
      if (d->kind == ast::DeclKind::kMetric) return *static_cast<const ast::MetricDecl&>(*d).expr;
    throw std::logic_error("no metric");
  }
  explicit Formula(const std::string& text) {
    DiagnosticSink diags;
    file = ParseFile(sm, sm.Add("t.kpi", "metric m = " + text + "\n"), diags);
    REQUIRE_MESSAGE(diags.diagnostics().empty(), text);
  }
};

}  // namespace

TEST_CASE("FormulaHash: equal exactly when the dumped formulas are equal") {
  // `kpic check` words W0003 from this hash once it has freed the trees.
  // Pairs that differ only in what the dump does not show hash alike;
  // every other pair differs in one thing the dump shows.
  const std::vector<std::pair<std::string, std::string>> same = {
      {"sum(o.x) + 1", "sum( o.x )+1"},
      {"(sum(o.x))", "sum(o.x)"},
      {"((a + b)) * c", "(a + b) * c"},
      {"count(o where o.a > 1)", "count(o where (o.a > 1))"},
  };
  const std::vector<std::pair<std::string, std::string>> differ = {
      {"a + b", "b + a"},
      {"a - b", "a + b"},
      {"1 CNY", "1 USD"},
      {"1 CNY", "1"},
      {"12%", "12"},
      {"\"a\"", "a"},
      {"x in (1, 2)", "x not in (1, 2)"},
      {"x in (1, 2)", "x in (1, 2, 3)"},
      {"x is null", "x is not null"},
      {"-a", "not a"},
      {"f(a, b)", "f(a)"},
      {"f(n: a)", "f(a)"},
      {"f(n: a)", "f(m: a)"},
      {"avg(m by day)", "avg(m by week)"},
      {"avg(m by day, store)", "avg(m by day)"},
      {"ab.c", "a.bc"},
      {"sum(o.x) where c", "sum(o.x where c)"},
      {"true", "false"},
  };
  for (const auto& [a, b] : same) {
    Formula x(a), y(b);
    REQUIRE(ast::DumpExpr(x.expr()) == ast::DumpExpr(y.expr()));
    CHECK_MESSAGE(ast::FormulaHash(x.expr()) == ast::FormulaHash(y.expr()), a, " / ", b);
  }
  for (const auto& [a, b] : differ) {
    Formula x(a), y(b);
    REQUIRE(ast::DumpExpr(x.expr()) != ast::DumpExpr(y.expr()));
    CHECK_MESSAGE(ast::FormulaHash(x.expr()) != ast::FormulaHash(y.expr()), a, " / ", b);
  }
}
