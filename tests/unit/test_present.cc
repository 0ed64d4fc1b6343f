// The presentation layer (output/present.h): every expected text written
// by hand from the rules in its header.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "base/utf8.h"
#include "output/csp.h"
#include "output/present.h"
#include "output/values.h"
#include "output/report_members.h"
#include "output/report_script.h"

using kpic::engine::Val;
using namespace kpic::output;

TEST_CASE("money shows its currency sign, thousands and its minor unit, rounded exactly") {
  Look cny = LookOf("", "CNY", false);
  CHECK(Show(Val::Dec(13177240, 2), cny) == "¥131,772.40");
  // A target with four decimals is shown in cents, half away from zero.
  CHECK(Show(Val::Dec(1485333760, 4), cny) == "¥148,533.38");
  CHECK(Show(Val::Dec(1005, 3), cny) == "¥1.01");    // 1.005: exact, not 1.00 as a double would give
  CHECK(Show(Val::Dec(-1005, 3), cny) == "−¥1.01");  // U+2212, before the sign
  CHECK(Show(Val::Dec(-4, 3), cny) == "¥0.00");       // no minus on a zero
  CHECK(Show(Val::Dec(25052, 2), LookOf("", "CNY/order", false)) == "¥250.52");
  CHECK(Show(Val::Dec(123450, 2), LookOf("", "KRW", false)) == "1,235 KRW");  // no minor unit
  CHECK(Show(Val::Dec(150000, 0), LookOf("", "JPY", false)) == "JP¥150,000");
  CHECK(ShowChange(Val::Dec(-959234, 2), cny) == "−¥9,592.34");
  CHECK(ShowChange(Val::Dec(163004, 2), cny) == "+¥1,630.04");
  CHECK(Show(Val(), cny) == "—");
}

TEST_CASE("percentages keep sensible decimals, and their changes are in points") {
  Look pct = LookOf("", "percent", true);
  CHECK(Show(Val::Float(0.0428), pct) == "4.28%");
  CHECK(Show(Val::Float(0.35), pct) == "35.0%");
  CHECK(Show(Val::Float(-0.2290193575377545), pct) == "−22.9%");
  CHECK(ShowChange(Val::Float(-0.0052), pct) == "−0.52 pp");
  CHECK(ShowChange(Val::Float(0.125), pct) == "+12.5 pp");
  CHECK(Show(std::numeric_limits<double>::infinity(), pct) == "—");
}

TEST_CASE("counts, durations, patterns and plain numbers") {
  CHECK(Show(Val::Int(12282), LookOf("", "visit", false)) == "12,282");
  CHECK(Show(Val::Float(3.456), LookOf("", "hour", false)) == "3.5 h");
  CHECK(Show(Val::Float(12345.678), LookOf("¥#,##0", "CNY", false)) == "¥12,346");
  CHECK(Show(Val::Float(0.1234), LookOf("0.0%", "percent", true)) == "12.3%");
  CHECK(Show(Val::Float(1.5), LookOf("", "1", false)) == "1.50");
  CHECK(Show(Val::Float(0.004321), LookOf("", "1", false)) == "0.0043");
  // Never an exponent: 1e308 is written out.
  std::string big = Show(1e308, LookOf("", "1", false));
  CHECK(big.find('e') == std::string::npos);
  CHECK(big.size() > 300);
}

TEST_CASE("a forecast's chance is rounded down and never shown as decided") {
  CHECK(ChanceText(0.4996) == "49%");
  CHECK(ChanceText(0.5) == "50%");
  CHECK(ChanceText(0.0262) == "2%");
  CHECK(ChanceText(0.004) == "<1%");
  CHECK(ChanceText(0.995) == ">99%");
  // All 5,000 simulated paths on one side of the target: an estimate, not
  // a certainty (it said "0%" and "100%": review, 2026-12-06).
  CHECK(ChanceText(0.0) == "<1%");
  CHECK(ChanceText(1.0) == ">99%");
  CHECK(ChanceText(std::numeric_limits<double>::quiet_NaN()) == "-");
}

TEST_CASE("the CSP hash of a page's own script is its SHA-256 in base64 (values from Python's hashlib)") {
  CHECK(Sha256Base64("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  CHECK(Sha256Base64("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  std::string csp = HtmlCspWithScript("alert(1)");
  CHECK(csp.find("script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='") != std::string::npos);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(InlineScript("f()") == "<script>f()</script>");
  CHECK_THROWS(InlineScript("x='</script><img src=x>'"));
}

TEST_CASE("zh shows large amounts compactly in 万 and 亿; en and percentages as Show") {
  Look cny = LookOf("", "CNY", false);
  CHECK(ShowCompact(131772.40, cny, "zh") == "¥13.18万");
  CHECK(ShowCompact(150000, cny, "zh") == "¥15万");
  CHECK(ShowCompact(-16430.94, cny, "zh", true) == "−¥1.64万");
  CHECK(ShowCompact(3841.90, cny, "zh", true) == "+¥3,841.90");  // under 1万: exact
  CHECK(ShowCompact(123456789, cny, "zh") == "¥1.23亿");
  CHECK(ShowCompact(9999999, cny, "zh") == "¥1,000万");  // 999.9999万 rounds to 1,000万 at 0 decimals
  CHECK(ShowCompact(131772.40, cny, "en") == "¥131,772.40");
  CHECK(ShowCompact(0.0428, LookOf("", "percent", true), "zh") == "4.28%");
  CHECK(ShowCompact(12282, LookOf("", "order", false), "zh") == "1.23万");
}

TEST_CASE("the report's own script is one inline script: no closing tag in it, its ids stable") {
  // InlineScript refuses `</` (it would end the element); the page's script
  // must pass, and it must not read anything from outside the page.
  std::string_view js = ReportScript();
  CHECK_NOTHROW(InlineScript(js));
  CHECK(js.find("</") == std::string_view::npos);
  for (const char* outside : {"fetch(", "XMLHttpRequest", "import(", "eval(", "new Function", "://", "localStorage"})
    CHECK_MESSAGE(js.find(outside) == std::string_view::npos, outside);
  CHECK(js.find("kpic-members") != std::string_view::npos);  // the data block html.cc writes
  CHECK(ReportStyle().find("@media print") != std::string_view::npos);
  CHECK(MemberId(0, 2, 11) == "g0d2m11");
  CHECK(GoalId(3) == "g3");
}

TEST_CASE("the drill-through data escapes `<`, so that a member named </script> cannot end its block") {
  kpic::plan::Plan p;
  kpic::plan::GoalPlan goal;
  goal.name = "g";
  goal.label = "<b>goal</b>";
  goal.unit = "CNY";
  goal.grain = kpic::rt::Grain::kMonth;
  kpic::plan::GoalPlan::Drill drill;
  drill.dim = "store";
  drill.target = 1;  // the member has a target of its own
  kpic::engine::Results r;
  kpic::engine::GoalResult g;
  g.goal = &goal;
  g.compared = true;
  g.period = 24316;  // 2026-05 as months since 0000-01
  g.previous_period = 24315;
  kpic::engine::DrillResult dr;
  dr.drill = &drill;
  kpic::engine::DrillResult::Member m;
  m.member.s = "</script><script>alert(1)//";
  m.value = Val::Dec(12345, 2);
  kpic::engine::GoalPeriod gp;
  gp.period = 24316;
  gp.has_data = true;
  gp.value = Val::Dec(12345, 2);
  gp.target = Val::Dec(20000, 2);
  gp.status = "missed";
  m.series.push_back(gp);
  dr.top.push_back(m);
  g.drill.push_back(dr);
  r.goals.push_back(g);
  int charts = 0;
  std::string json = MembersJson(p, r, [&](const auto&, const auto&, const auto& targets, const Look&, const auto&) {
    ++charts;
    CHECK(targets.size() == 1);
    CHECK(targets[0].value() == doctest::Approx(200.0));  // the member's own target, drawn
    return std::string("<svg></svg>");
  });
  CHECK(charts == 1);
  CHECK(json.find('<') == std::string::npos);
  CHECK(json.find("\\u003c/script>\\u003cscript>alert(1)//") != std::string::npos);
  CHECK(json.find("\"g0d0m0\"") != std::string::npos);
  CHECK(json.find("\"v\":\"123.45\"") != std::string::npos);   // the exact value, for sorting
  CHECK(json.find("\"vs\":\"¥123.45\"") != std::string::npos);  // the value as shown
  CHECK(json.find("\"t\":\"200.00\"") != std::string::npos);
}

TEST_CASE("bidirectional overrides in a label cannot turn the numbers after it around") {
  // U+202E (RIGHT-TO-LEFT OVERRIDE) and U+2066 (LEFT-TO-RIGHT ISOLATE) are
  // shown as their code in HTML and on the terminal; other text is kept.
  CHECK(HtmlEscape("a\u202eb <c>") == "a\\u{202e}b &lt;c&gt;");
  CHECK(HtmlEscape("\u2066x\u2069") == "\\u{2066}x\\u{2069}");
  CHECK(HtmlEscape("销售额 — ok") == "销售额 — ok");  // U+2014 shares the lead byte 0xE2 and stays
  CHECK(kpic::EscapeBidi("x\u2028y") == "x\\u{2028}y");
  CHECK(kpic::Printable("\u202e1") == "\\u{202e}1");
}
