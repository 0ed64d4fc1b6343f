// The action log: windows, the difference-in-differences estimate (against
// numbers worked out by hand below), the reader's diagnostics, and appends
// from several processes at once.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <fmt/format.h>

#include "actions/actions.h"
#include "actions/effect.h"
#include "base/exit_codes.h"
#include "diag/registry.h"
#include "driver/action_command.h"
#include "datetime.h"

using namespace kpic;
using namespace kpic::actions;

namespace {

int32_t Day(int y, int m, int d) { return *rt::DaysFromCivil(y, m, d); }

std::vector<DiagCode> Codes(const DiagnosticSink& s) {
  std::vector<DiagCode> out;
  for (const Diagnostic& d : s.diagnostics()) out.push_back(d.code);
  return out;
}

}  // namespace

TEST_CASE("actions: windows of whole periods around the start") {
  rt::Calendar cal;
  Action a;
  a.start = Day(2026, 10, 8);  // within October: October is left out
  Windows w = WindowsOf(a, rt::Grain::kMonth, cal, Day(2026, 12, 31));
  CHECK(w.transition);
  CHECK(rt::FormatDate(w.after.from) == "2026-11-01");
  CHECK(rt::FormatDate(w.after.to) == "2027-01-01");  // cut at the data: 2 months, not 3
  CHECK(w.after.periods() == 2);
  // `before` as long as `after`, just before October.
  CHECK(rt::FormatDate(w.before.from) == "2026-08-01");
  CHECK(rt::FormatDate(w.before.to) == "2026-10-01");
  CHECK(rt::FormatDate(w.placebo.from) == "2026-06-01");
  CHECK(rt::FormatDate(w.placebo.to) == "2026-08-01");

  a.start = Day(2026, 1, 1);  // on a period's first day: it is the first after
  a.end = Day(2026, 2, 10);
  w = WindowsOf(a, rt::Grain::kMonth, cal, Day(2026, 12, 31));
  CHECK_FALSE(w.transition);
  CHECK(rt::FormatDate(w.after.from) == "2026-01-01");
  // February is left out: the action ran 10 of its 28 days (it counted
  // whole until 2026-12-07, as if the action had run all of it).
  CHECK(rt::FormatDate(w.after.to) == "2026-02-01");
  CHECK(rt::FormatDate(w.before.from) == "2025-12-01");
  a.end = Day(2026, 2, 28);  // to the end's month when it ran to its last day
  w = WindowsOf(a, rt::Grain::kMonth, cal, Day(2026, 12, 31));
  CHECK(rt::FormatDate(w.after.to) == "2026-03-01");
  CHECK(rt::FormatDate(w.before.from) == "2025-11-01");

  a.end.reset();
  a.start = Day(2026, 12, 10);  // no whole month after it yet
  w = WindowsOf(a, rt::Grain::kMonth, cal, Day(2026, 12, 31));
  CHECK(w.after.periods() == 0);
  // A partial last month is not whole: as of 12-30, December does not count.
  a.start = Day(2026, 11, 1);
  w = WindowsOf(a, rt::Grain::kMonth, cal, Day(2026, 12, 30));
  CHECK(w.after.periods() == 1);
}

TEST_CASE("actions: t quantiles are the table's") {
  CHECK(TQuantile975(1) == doctest::Approx(12.706));
  CHECK(TQuantile975(4) == doctest::Approx(2.776));
  CHECK(TQuantile975(30) == doctest::Approx(2.042));
  CHECK(TQuantile975(60) == doctest::Approx(2.000).epsilon(0.001));
  CHECK(TQuantile975(1000) == doctest::Approx(1.962).epsilon(0.001));
}

TEST_CASE("actions: difference in differences, worked by hand") {
  // Differences: the treated member goes 10 -> 16 (+6); controls +1, +2, +3.
  // Mean +2, so the effect is +4. The controls' sd is 1 (n-1 = 2), the
  // prediction se 1 * sqrt(1 + 1/3) = 1.154701; t(2) = 4.303, so the
  // interval is 4 -/+ 4.968677 = [-0.968677, 8.968677]: no clear effect.
  Obs t{10, 16, 10};
  std::vector<Obs> c{{5, 6, 5}, {7, 9, 7}, {9, 12, 9}};
  Effect e = Estimate(Method::kDifference, t, c);
  CHECK(e.verdict == "unclear");
  CHECK(e.controls == 3);
  CHECK(e.estimate == doctest::Approx(4.0));
  CHECK(e.lo == doctest::Approx(4 - 4.303 * std::sqrt(4.0 / 3)));
  CHECK(e.hi == doctest::Approx(4 + 4.303 * std::sqrt(4.0 / 3)));
  CHECK(e.counterfactual == doctest::Approx(12.0));
  CHECK(e.placebo_checked);  // placebo == before everywhere: no pre-trend
  CHECK(e.placebo == doctest::Approx(0.0));

  // Relative: treated 100 -> 150 (log 0.405465); controls 100 -> 110, 120,
  // 100, 90 (logs 0.095310, 0.182322, 0, -0.105361; mean 0.043068, sd
  // 0.123837). Effect log 0.362397 -> +43.68%; se 0.123837*sqrt(1.25) =
  // 0.138454, t(3) = 3.182 -> logs [-0.078163, 0.802957] -> [-7.52%, +123.19%].
  Obs t2{100, 150, 100};
  std::vector<Obs> c2{{100, 110, 100}, {100, 120, 100}, {100, 100, 100}, {100, 90, 100}};
  Effect r = Estimate(Method::kRelative, t2, c2);
  CHECK(r.estimate == doctest::Approx(std::exp(0.362397) - 1).epsilon(1e-5));
  CHECK(r.lo == doctest::Approx(std::exp(-0.078163) - 1).epsilon(1e-5));
  CHECK(r.hi == doctest::Approx(std::exp(0.802957) - 1).epsilon(1e-5));
  CHECK(r.verdict == "unclear");

  // Tight controls make the same jump clear.
  std::vector<Obs> tight{{100, 110, 100}, {100, 111, 100}, {100, 109, 100}, {100, 110, 100}};
  CHECK(Estimate(Method::kRelative, t2, tight).verdict == "clear_up");

  // A member already moving apart before (its placebo jump) is not comparable.
  Obs pre{100, 150, 70};
  CHECK(Estimate(Method::kRelative, pre, tight).verdict == "not_comparable");

  // No controls: a change, never called an effect; one control: no interval.
  Effect alone = Estimate(Method::kRelative, t2, {});
  CHECK(alone.verdict == "change_only");
  CHECK(alone.estimate == doctest::Approx(0.5));
  Effect one = Estimate(Method::kRelative, t2, {{100, 110, 100}});
  CHECK(one.verdict == "unclear");
  CHECK(one.reason == "one_control");
  CHECK_FALSE(one.interval);
  // No value for the member: too little data to say.
  CHECK(Estimate(Method::kRelative, Obs{NAN, 150, NAN}, tight).verdict == "too_little_data");
}

TEST_CASE("actions: the reader reports bad and torn entries and keeps going") {
  SourceManager sm;
  DiagnosticSink diags;
  std::string text =
      "{\"event\":\"open\",\"id\":\"A1\",\"by\":\"x\",\"start\":\"2026-01-01\",\"goal\":\"g\",\"what\":\"w\"}\n"
      "not json\n"
      "{\"event\":\"close\",\"id\":\"A1\",\"status\":\"done\",\"end\":\"2026-02-01\"}\n"
      "{\"event\":\"close\",\"id\":\"A1\",\"status\":\"dropped\"}\n"  // a second close: ignored
      "{\"event\":\"open\",\"id\":\"A1\",\"by\":\"x\",\"start\":\"2026-01-01\",\"goal\":\"g\",\"what\":\"w\"}\n"
      "{\"event\":\"close\",\"id\":\"A1\",\"sta";  // torn
  std::vector<Action> got = Parse("/p/actions/A1.action", text, sm, diags);
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == "done");
  CHECK(rt::FormatDate(*got[0].end) == "2026-02-01");
  CHECK(Codes(diags) == std::vector<DiagCode>{DiagCode::W0901, DiagCode::W0902, DiagCode::W0907, DiagCode::W0901});
  // Each at its line.
  CHECK(sm.Resolve(diags.diagnostics()[0].span.file, diags.diagnostics()[0].span.begin).line == 2);
  CHECK(sm.Resolve(diags.diagnostics()[3].span.file, diags.diagnostics()[3].span.begin).line == 6);

  DiagnosticSink bad;
  Parse("/p/actions/A2.action",
        "{\"event\":\"open\",\"id\":\"A2\",\"by\":\"x\",\"start\":\"2026-13-01\",\"goal\":\"g\",\"what\":\"w\"}\n"
        "{\"event\":\"open\",\"id\":\"A3\",\"by\":\"x\",\"start\":\"2026-01-01\",\"goal\":\"g\",\"what\":\"w\"}\n",
        sm, bad);
  CHECK(Codes(bad) == std::vector<DiagCode>{DiagCode::W0907, DiagCode::W0907});  // a bad date; an id not its file's

  DiagnosticSink ctl;  // a control character would rewrite a terminal
  auto none = Parse("/p/actions/A4.action",
                    "{\"event\":\"open\",\"id\":\"A4\",\"by\":\"x\",\"start\":\"2026-01-01\",\"goal\":\"g\","
                    "\"what\":\"\\u001b[2J\"}\n",
                    sm, ctl);
  CHECK(none.empty());
  CHECK(Codes(ctl) == std::vector<DiagCode>{DiagCode::W0907});
}

TEST_CASE("actions: appends from many processes at once are all kept, whole") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kpic-actions-" + std::to_string(getpid()));
  fs::remove_all(dir);
  Append(dir.string(), "A9", R"({"event":"open","id":"A9"})", true);
  CHECK_THROWS(Append(dir.string(), "A9", R"({"event":"open","id":"A9"})", true));  // never opened twice
  const int kProcs = 8, kEach = 40;
  std::string padding(3000, 'x');  // longer than a pipe's atomic write
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      for (int i = 0; i < kEach; ++i)
        Append(dir.string(), "A9", fmt::format(R"({{"p":{},"i":{},"pad":"{}"}})", p, i, padding), false);
      _exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t k : kids) {
    int status = 0;
    waitpid(k, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  std::ifstream in(dir / "A9.action");
  std::string line;
  std::set<std::pair<int, int>> seen;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    if (j.contains("p")) seen.insert({j["p"].get<int>(), j["i"].get<int>()});
  }
  CHECK(lines == 1 + kProcs * kEach);
  CHECK(seen.size() == static_cast<size_t>(kProcs * kEach));
  // After a torn write, the next entry starts on its own line.
  { std::ofstream(dir / "A9.action", std::ios::app) << R"({"event":"clo)"; }
  Append(dir.string(), "A9", R"({"last":1})", false);
  std::ifstream again(dir / "A9.action");
  std::string all((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  CHECK(all.ends_with("{\"event\":\"clo\n{\"last\":1}\n"));
  CHECK(fs::exists(dir / ".gitattributes"));
  fs::remove_all(dir);
}

TEST_CASE("actions: add refuses a member the data does not have (E0901)") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kpic-add-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "s.csv") << "day,store,amount\n2025-01-02,S01,1.00\n2025-01-03,S02,2.00\n";
  std::ofstream(dir / "p.kpi") << "package p\ndimension store: string\n"
                                  "source s from csv(\"s.csv\") {\n  day: date time\n  store: string -> store\n"
                                  "  amount: decimal(2) unit CNY\n}\nmetric revenue: CNY = sum(s.amount)\n";
  ActionOptions a;
  a.path = dir.string();
  a.what = "x";
  a.who = "tester";
  a.metric = "revenue";
  a.members = {"store=S0l"};
  CommonOptions common;
  common.color = "never";
  // stderr to a file, to read what the command says.
  fs::path err = dir / "err.txt";
  std::fflush(stderr);
  int saved = dup(2);
  FILE* f = std::fopen(err.c_str(), "w");
  dup2(fileno(f), 2);
  int code = RunActionAdd(a, common);
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::fclose(f);
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(code == kExitUsage);
  CHECK(text.find("error[E0901]: no row of metric `revenue` has the member S0l (store)") != std::string::npos);
  CHECK(text.find("did you mean `S01`?") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "actions"));  // nothing written
  // DiagCode::E0901 is what that line names.
  CHECK(std::string(CodeName(DiagCode::E0901)) == "E0901");
  fs::remove_all(dir);
}
