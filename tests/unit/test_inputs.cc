// Collecting input files: folders that cannot be read and links that lead
// nowhere are reported (E0005), never thrown, and the rest is still read.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "driver/session.h"

namespace fs = std::filesystem;

namespace kpic {

namespace {

fs::path TempDir(const char* name) {
  fs::path d = fs::temp_directory_path() / fmt::format("kpic_inputs_{}_{}", name, ::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_CASE("a link loop and a dangling link to a .kpi file are E0005, and the other files are checked") {
  fs::path d = TempDir("links");
  Write(d / "ok.kpi", "metric one = 1\n");
  fs::create_symlink("b.kpi", d / "a.kpi");
  fs::create_symlink("a.kpi", d / "b.kpi");
  fs::create_symlink("missing.kpi", d / "c.kpi");
  fs::create_directories(d / "sub");
  fs::create_directory_symlink("..", d / "sub" / "up");  // not followed: no walk in circles
  Inputs in = CollectInputs({d.string()});
  REQUIRE(in.files.size() == 1);
  CHECK(fs::path(in.files[0]).filename() == "ok.kpi");
  CHECK(in.problems.size() == 3);
  SessionOptions o;
  o.no_stdlib = true;
  auto s = LoadAndCheck({d.string()}, o);
  size_t e0005 = 0;
  for (const Diagnostic& diag : s->diags.diagnostics()) e0005 += diag.code == DiagCode::E0005;
  CHECK(e0005 == 3);
  CHECK(s->catalog.metric_home.count("one") == 1);
  fs::remove_all(d);
}

TEST_CASE("an unreadable folder is E0005 (when permissions apply)") {
  fs::path d = TempDir("perm");
  fs::create_directories(d / "closed");
  Write(d / "closed" / "x.kpi", "metric x = 1\n");
  fs::permissions(d / "closed", fs::perms::none);
  bool can_still_read = ::access((d / "closed").c_str(), R_OK) == 0;  // root reads anything
  Inputs in = CollectInputs({d.string()});
  if (can_still_read) {
    CHECK(in.files.size() == 1);
  } else {
    CHECK(in.files.empty());
    REQUIRE(in.problems.size() == 1);
    CHECK(in.problems[0].message.find("cannot read folder") != std::string::npos);
  }
  fs::permissions(d / "closed", fs::perms::owner_all);
  fs::remove_all(d);
}

}  // namespace kpic
