// The diagnostics golden runner. Each case under cases/ is a .kpi file or a
// directory of them. Expected diagnostics are written by hand beside the
// offending line:
//
//     metric bad = sum(orders.revnue)   //~ E0206 @25
//     //~^ E0201 @8                      (the line above; one ^ per line)
//
// or, for files that cannot hold a comment (empty, binary), in a sidecar
// CASE.expect with lines `CODE LINE:COL [FILE]`. Columns count code points.
// The runner checks that the set of (code, file, line, column) matches
// exactly, then compares the rendered human text with CASE.stderr
// (`--update` rewrites the goldens; review the diff).
//
// `--coverage UNIT_DIR DOCS_DIR` instead checks that every registered code
// has a documentation page and at least one test (a case expectation, or a
// `DiagCode::CODE` in a unit test).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "diag/registry.h"
#include "diag/render.h"
#include "driver/session.h"
#include "sema/lint.h"

namespace fs = std::filesystem;
using namespace kpic;

namespace {

struct Expectation {
  std::string code;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  bool operator<(const Expectation& o) const {
    return std::tie(file, line, column, code) < std::tie(o.file, o.line, o.column, o.code);
  }
  bool operator==(const Expectation& o) const {
    return code == o.code && file == o.file && line == o.line && column == o.column;
  }
  std::string ToString() const { return fmt::format("{} {}:{}:{}", code, file, line, column); }
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> CaseFiles(const fs::path& c) {
  std::vector<fs::path> files;
  if (fs::is_directory(c)) {
    for (auto& e : fs::recursive_directory_iterator(c))
      if (e.path().extension() == ".kpi") files.push_back(e.path());
  } else {
    files.push_back(c);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Expectation> Expected(const fs::path& c) {
  std::vector<Expectation> out;
  static const std::regex inline_re(R"(//~(\^*)\s*([EWL][0-9]{4})\s*@([0-9]+))");
  for (const fs::path& f : CaseFiles(c)) {
    if (fs::is_symlink(f)) continue;  // special files: see the sidecar
    std::string text = ReadFile(f);
    std::istringstream lines(text);
    std::string line;
    uint32_t n = 0;
    while (std::getline(lines, line)) {
      ++n;
      for (std::sregex_iterator it(line.begin(), line.end(), inline_re), end; it != end; ++it) {
        Expectation e;
        e.code = (*it)[2];
        e.file = f.string();
        e.line = n - static_cast<uint32_t>((*it)[1].length());
        e.column = static_cast<uint32_t>(std::stoul((*it)[3]));
        out.push_back(e);
      }
    }
  }
  fs::path sidecar = c.string() + ".expect";
  if (fs::exists(sidecar)) {
    std::istringstream lines(ReadFile(sidecar));
    std::string code, pos, file;
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      fields >> code >> pos;
      file.clear();
      fields >> file;
      Expectation e;
      e.code = code;
      e.file = file.empty() ? c.string() : (c / file).string();
      auto colon = pos.find(':');
      e.line = static_cast<uint32_t>(std::stoul(pos.substr(0, colon)));
      e.column = static_cast<uint32_t>(std::stoul(pos.substr(colon + 1)));
      out.push_back(e);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Outcome {
  bool ok = true;
  std::string why;
};

Outcome RunCase(const fs::path& c, const std::string& stdlib, bool update) {
  SessionOptions options;
  options.stdlib_dir = stdlib;
  std::unique_ptr<Session> s = LoadAndCheck({c.string()}, options);
  // Cases named lint_* also run the lint rules, as `kpic lint` does.
  if (c.filename().string().rfind("lint_", 0) == 0) {
    Lint(s->catalog, s->diags);
    s->diags.SortByPosition();
  }
  std::vector<Expectation> actual;
  std::string rendered;
  for (const Diagnostic& d : s->diags.diagnostics()) {
    Expectation e;
    e.code = std::string(CodeName(d.code));
    if (d.span.valid()) {
      Position p = s->sm.Resolve(d.span.file, d.span.begin);
      e.file = s->sm.Get(d.span.file).path;
      e.line = p.line;
      e.column = p.char_column;
    }
    actual.push_back(e);
    rendered += RenderHuman(s->sm, d) + "\n";
  }
  rendered += RenderSummary(s->diags.error_count(), s->diags.warning_count(), s->diags.suppressed()) + "\n";
  std::sort(actual.begin(), actual.end());
  std::vector<Expectation> expected = Expected(c);
  Outcome out;
  if (expected.empty()) {
    out.ok = false;
    out.why = "the case declares no expected diagnostic";
  }
  if (actual != expected) {
    out.ok = false;
    std::vector<Expectation> missing, extra;
    std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
    std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    for (auto& e : missing) out.why += "  expected but not reported: " + e.ToString() + "\n";
    for (auto& e : extra) out.why += "  reported but not expected: " + e.ToString() + "\n";
    out.why += "  rendered:\n" + rendered;
  }
  fs::path golden = fs::is_directory(c) ? c / "expected.stderr" : fs::path(c.string() + ".stderr");
  if (update) {
    std::ofstream(golden, std::ios::binary) << rendered;
  } else if (!fs::exists(golden)) {
    out.ok = false;
    out.why += fmt::format("  missing golden {} (run with --update and review it)\n", golden.string());
  } else if (ReadFile(golden) != rendered) {
    out.ok = false;
    out.why += fmt::format("  rendered text differs from {}:\n--- expected\n{}--- actual\n{}", golden.string(),
                           ReadFile(golden), rendered);
  }
  return out;
}

int Coverage(const fs::path& cases, const fs::path& unit_dir, const fs::path& docs_dir) {
  std::set<std::string> tested;
  for (auto& e : fs::directory_iterator(cases)) {
    if (e.path().extension() == ".expect" || e.path().extension() == ".stderr") continue;
    for (const Expectation& x : Expected(e.path())) tested.insert(x.code);
  }
  static const std::regex unit_re(R"(DiagCode::([EWL][0-9]{4}))");
  for (auto& e : fs::directory_iterator(unit_dir)) {
    std::string text = ReadFile(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), unit_re), end; it != end; ++it) tested.insert((*it)[1]);
  }
  int passed = 0, failed = 0;
  for (const DiagInfo& info : AllDiagnostics()) {
    std::string code(info.name);
    std::string problems;
    if (!tested.count(code)) problems += " no test;";
    fs::path page = docs_dir / (code + ".md");
    if (!fs::exists(page)) {
      problems += " no doc page;";
    } else {
      std::string text = ReadFile(page);
      if (text.find("# " + code) != 0 || text.find("```") == std::string::npos)
        problems += " doc page lacks a title or an example;";
      if (DocPage(info.code).empty()) problems += " doc page not embedded;";
    }
    if (problems.empty()) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << code << ":" << problems << "\n";
    }
  }
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: kpic_diag_tests CASES_DIR STDLIB_DIR [--update] [--only NAME]\n"
              << "       kpic_diag_tests CASES_DIR STDLIB_DIR --coverage UNIT_DIR DOCS_DIR\n";
    return 2;
  }
  fs::path cases = fs::absolute(argv[1]);
  std::string stdlib = fs::absolute(argv[2]).string();
  bool update = false;
  std::string only;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--update") update = true;
    if (a == "--only" && i + 1 < argc) only = argv[++i];
    if (a == "--coverage" && i + 2 < argc) return Coverage(cases, fs::absolute(argv[i + 1]), fs::absolute(argv[i + 2]));
  }
  // Paths in goldens are relative to the cases directory.
  fs::current_path(cases);
  std::vector<fs::path> all;
  for (auto& e : fs::directory_iterator(".")) {
    fs::path p = e.path().lexically_relative(".");
    if (p.extension() == ".expect" || p.extension() == ".stderr") continue;
    if (!only.empty() && p.string() != only) continue;
    all.push_back(p);
  }
  std::sort(all.begin(), all.end());
  int passed = 0, failed = 0;
  for (const fs::path& c : all) {
    Outcome o;
    try {
      o = RunCase(c, stdlib, update);
    } catch (const std::exception& e) {
      o.ok = false;
      o.why = std::string("  exception: ") + e.what() + "\n";
    }
    if (o.ok) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << c.string() << "\n" << o.why;
    }
  }
  std::cout << fmt::format("diagnostics: {} passed, {} failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
