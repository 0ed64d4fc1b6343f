// Implementations of `check`, `explain` and `compile`.
#include "driver/commands.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <set>

#include <cerrno>
#include <cstring>

#include "base/exit_codes.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "builtins/builtins.h"
#include "diag/registry.h"
#include "diag/render.h"
#include "driver/catalog_export.h"
#include "exec/sources.h"
#include "timezone.h"
#include "driver/run.h"
#include "driver/run_support.h"
#include "driver/session.h"
#include "sema/checked.h"
#include "sema/lint.h"
#include "syntax/ast.h"
#include "syntax/format.h"
#include "syntax/parse.h"

namespace kpic {
namespace {

bool UseColor(const CommonOptions& common) {
  if (common.color == "always") return true;
  if (common.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
}

void PrintHuman(const Session& s, const CommonOptions& common) {
  HumanStyle style;
  style.color = UseColor(common);
  for (const Diagnostic& d : s.diags.diagnostics()) {
    std::string text = RenderHuman(s.sm, d, style);
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  const auto& dropped = s.diags.suppressed_per_file();
  for (size_t f = 0; f < dropped.size(); ++f)
    if (dropped[f])
      std::fprintf(stderr, "note: %s: %zu more diagnostic%s not shown (the first %zu of each file are; --max-errors N "
                   "shows more)\n",
                   s.sm.Get(static_cast<FileId>(f)).path.c_str(), dropped[f], dropped[f] == 1 ? "" : "s",
                   s.diags.max_per_file());
}

std::string Plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

/// A session that `check` or `lint` is done with is left for the process's
/// exit to free: tearing down a large package's trees and tables took a
/// twentieth of `check`'s time. The global keeps it reachable, so it is not a
/// leak (LeakSanitizer agrees).
Session* g_session_kept_until_exit = nullptr;
Session* KeepUntilExit(std::unique_ptr<Session> s) {
  delete g_session_kept_until_exit;  // one per process; never more than one kept
  g_session_kept_until_exit = s.release();
  return g_session_kept_until_exit;
}

}  // namespace

int RunCheck(const CheckOptions& options, const CommonOptions& common) {
  auto start = std::chrono::steady_clock::now();
  // Nothing below reads a metric's formula tree or column list: the
  // checker frees each tree once the metric is in the IR, and keeps no
  // lists (a large package's peak memory).
  SessionOptions session = ToSession(common);
  session.check_only = true;
  Session* s = KeepUntilExit(LoadAndCheck(options.paths, session));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const DiagnosticSink& diags = s->diags;
  // With --data the JSON document waits for the data: it carries what was
  // read and the data error, which had reached stderr only (a script saw
  // the warnings and exit 3, and not why).
  const bool json = options.format == "json";
  auto print_json = [&](const nlohmann::json& extra) {
    nlohmann::json doc = nlohmann::json::parse(RenderJson(s->sm, diags.diagnostics()));
    for (const auto& [key, value] : extra.items()) doc[key] = value;
    std::fputs((doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(), stdout);
  };
  if (json) {
    if (!options.data || diags.has_errors()) print_json(nlohmann::json::object());
  } else if (options.format == "gcc") {
    for (const Diagnostic& d : diags.diagnostics()) std::fputs(RenderGcc(s->sm, d).c_str(), stdout);
  } else {
    PrintHuman(*s, common);
  }
  std::string summary = RenderSummary(diags.error_count(), diags.warning_count(), diags.suppressed());
  if (diags.has_errors()) {
    std::fprintf(stderr, "kpic: check failed: %s\n", summary.c_str());
    return 1;
  }
  if (options.data) {
    exec::ReadOptions data_options;
    data_options.skip_bad_rows = options.on_bad_row == "skip";
    data_options.binds = exec::ParseBinds(options.binds);
    data_options.discard_rows = true;
    // Timestamps without an offset are in the calendar's time zone.
    std::optional<rt::TimeZone> zone;
    if (!s->catalog.checked.ir.calendar.time_zone.empty()) {
      std::string error;
      zone = rt::TimeZone::Load(s->catalog.checked.ir.calendar.time_zone, &error);
    }
    if (zone) data_options.zone = &*zone;
    std::vector<std::string> unsupported;
    std::vector<exec::SourceData> read;
    nlohmann::json data = nlohmann::json::object();
    try {
      read = exec::ReadSources(s->catalog.checked.ir.sources, data_options, &unsupported);
    } catch (const rt::DataError& e) {
      if (!json) throw;
      data["error"] = {{"message", std::string(e.what())},
                       {"file", e.file()},
                       {"line", e.line() ? nlohmann::json(e.line()) : nlohmann::json()},
                       {"column", e.column().empty() ? nlohmann::json() : nlohmann::json(e.column())},
                       {"value", e.value().empty() ? nlohmann::json() : nlohmann::json(e.value())},
                       {"reason", e.reason()}};
      print_json({{"data", data}});
      std::fprintf(stderr, "error[data]: %s\n", e.what());
      return kExitData;
    }
    data["sources"] = nlohmann::json::array();
    for (const exec::SourceData& d : read) {
      std::fprintf(stderr, "kpic: %s: %zu rows, %zu columns read from %s\n", d.source.c_str(), d.data.rows, d.columns,
                   d.uri.c_str());
      nlohmann::json bad = nlohmann::json::array();
      if (d.data.skipped > 0) {
        std::fprintf(stderr, "warning: %s: skipped %zu bad rows (--on-bad-row skip); the first:\n", d.source.c_str(),
                     d.data.skipped);
        for (const rt::BadRow& b : d.data.bad) {
          std::fprintf(stderr, "  line %zu: %s%s%s\n", b.line,
                       b.column.empty() ? "" : ("column `" + b.column + "`: ").c_str(),
                       b.value.empty() ? "" : ("value `" + b.value + "` ").c_str(), b.reason.c_str());
          bad.push_back({{"line", b.line},
                         {"column", b.column.empty() ? nlohmann::json() : nlohmann::json(b.column)},
                         {"value", b.value.empty() ? nlohmann::json() : nlohmann::json(b.value)},
                         {"reason", b.reason}});
        }
      }
      data["sources"].push_back({{"source", d.source},
                                 {"uri", d.uri},
                                 {"rows", d.data.rows},
                                 {"columns", d.columns},
                                 {"skipped", d.data.skipped},
                                 {"bad_rows", bad}});
    }
    data["unchecked"] = unsupported;
    for (const std::string& u : unsupported)
      std::fprintf(
          stderr, "note: data of source %s not checked: it has no binding that kpic can read (%s)\n", u.c_str(),
          exec::BindingKindNames().c_str());
    if (json) print_json({{"data", data}});
  }
  auto counts = s->catalog.Counts();
  std::set<std::string> packages;
  for (const auto& [name, pkg] : s->catalog.packages)
    if (!pkg.from_stdlib) packages.insert(name);
  std::vector<std::string> parts;
  for (auto [kind, word] : std::vector<std::pair<ast::DeclKind, const char*>>{{ast::DeclKind::kDimension, "dimension"},
                                                                              {ast::DeclKind::kSource, "source"},
                                                                              {ast::DeclKind::kMetric, "metric"},
                                                                              {ast::DeclKind::kFn, "function"},
                                                                              {ast::DeclKind::kGoal, "goal"},
                                                                              {ast::DeclKind::kRole, "role"},
                                                                              {ast::DeclKind::kReport, "report"},
                                                                              {ast::DeclKind::kExpect, "expectation"}}) {
    if (counts[kind]) parts.push_back(Plural(counts[kind], word));
  }
  if (!s->actions.empty()) parts.push_back(Plural(s->actions.size(), "action"));
  std::fprintf(stderr, "kpic: checked %s in %s (%s) in %.0f ms: %s%s\n", Plural(s->user_files, "file").c_str(),
               Plural(packages.size(), "package").c_str(), fmt::format("{}", fmt::join(packages, ", ")).c_str(), ms,
               parts.empty() ? "nothing declared" : fmt::format("{}", fmt::join(parts, ", ")).c_str(),
               summary.empty() ? "" : ("; " + summary).c_str());
  return 0;
}

int RunLint(const LintOptions& options, const CommonOptions& common) {
  if (options.rules) {
    // The rules, and L0006 (a bad `lint` setting, which no setting turns
    // off): as the table of docs/cli.md, or as JSON for a tool (`--format`
    // was ignored: CLI probe, 2026-12-07).
    if (!options.paths.empty())
      throw UsageError("`kpic lint --rules` lists the rules and reads no files; lint the files without --rules");
    struct Row {
      std::string code, name, level, finds;
    };
    std::vector<Row> rows;
    for (const LintRule& r : LintRules()) rows.push_back({std::string(CodeName(r.code)), r.name, r.level, r.summary});
    rows.push_back({"L0006", "", "error", "a `lint` setting that names no rule or level"});
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.code < b.code; });
    if (options.format == "json") {
      nlohmann::ordered_json doc;
      doc["version"] = 1;
      doc["rules"] = nlohmann::ordered_json::array();
      for (const Row& r : rows)
        doc["rules"].push_back({{"code", r.code},
                                {"rule", r.name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.name)},
                                {"level", r.level},
                                {"finds", r.finds}});
      std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      return 0;
    }
    if (options.format != "human")
      throw UsageError(fmt::format("`kpic lint --rules` prints a table or JSON, not {}", options.format));
    int width = 4;  // the longest rule name sets the column (names are ASCII)
    for (const Row& r : rows) width = std::max(width, static_cast<int>(r.name.size()));
    std::printf("%-6s %-*s %-6s %s\n", "code", width, "rule", "level", "finds");
    for (const Row& r : rows)
      std::printf("%-6s %-*s %-6s %s\n", r.code.c_str(), width, r.name.empty() ? "-" : r.name.c_str(),
                  r.level.c_str(), r.finds.c_str());
    return 0;
  }
  if (options.paths.empty()) throw UsageError("kpic lint needs files or directories to lint");
  auto start = std::chrono::steady_clock::now();
  Session* s = KeepUntilExit(LoadAndCheck(options.paths, ToSession(common)));
  Lint(s->catalog, s->diags);
  s->diags.SortByPosition();
  const DiagnosticSink& diags = s->diags;
  if (options.format == "json") {
    std::fputs(RenderJson(s->sm, diags.diagnostics()).c_str(), stdout);
  } else if (options.format == "sarif") {
    std::set<DiagCode> off;
    for (const LintRule& r : LintRules())
      if (std::string_view(r.level) == "off") off.insert(r.code);
    std::fputs(RenderSarif(s->sm, diags.diagnostics(), options.version, off).c_str(), stdout);
  } else if (options.format == "gcc") {
    for (const Diagnostic& d : diags.diagnostics()) std::fputs(RenderGcc(s->sm, d).c_str(), stdout);
  } else {
    PrintHuman(*s, common);
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::string summary = RenderSummary(diags.error_count(), diags.warning_count(), diags.suppressed());
  std::fprintf(stderr, "kpic: linted %s in %.0f ms: %s\n", Plural(s->user_files, "file").c_str(), ms,
               summary.empty() ? "no findings" : summary.c_str());
  return diags.has_errors() ? 1 : 0;
}

int RunFmt(const FmtOptions& options, const CommonOptions& common) {
  auto s = std::make_unique<Session>();
  bool from_stdin = options.paths.size() == 1 && options.paths[0] == "-";
  if (from_stdin) {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    FileId id = s->sm.Add("<stdin>", std::move(text));
    s->files.push_back(ParseFile(s->sm, id, s->diags));
  } else {
    s = LoadAndParse(options.paths);
  }
  std::set<FileId> broken;
  for (const Diagnostic& d : s->diags.diagnostics())
    if (d.severity == Severity::kError) broken.insert(d.span.file);
  if (!broken.empty()) PrintHuman(*s, common);
  size_t changed = 0, unchanged = 0;
  for (const auto& f : s->files) {
    if (broken.count(f->id)) continue;
    const SourceFile& file = s->sm.Get(f->id);
    std::optional<std::string> out = FormatKpi(file.text);
    if (!out) {
      broken.insert(f->id);
      std::fprintf(stderr, "error: %s: cannot be formatted (it does not lex cleanly)\n", file.path.c_str());
      continue;
    }
    // `fmt --check -` lists `<stdin>` when it would change and exits 1, as
    // for files (it printed the formatted text and exited 0, so a format
    // gate that pipes a buffer through always passed: CLI probe, 2026-12-07).
    if (from_stdin && !options.check) {
      std::fputs(out->c_str(), stdout);
      continue;
    }
    if (*out == file.text) {
      ++unchanged;
      continue;
    }
    ++changed;
    if (options.check)
      std::printf("%s\n", file.path.c_str());
    else
      WriteFileAtomically(file.path, *out);
  }
  if (!from_stdin)
    std::fprintf(
        stderr, "kpic fmt: %s %s, %s already formatted%s\n", Plural(changed, "file").c_str(),
        options.check ? "would change" : "formatted", Plural(unchanged, "file").c_str(),
        broken.empty() ? "" : fmt::format(", {} not formatted (errors)", Plural(broken.size(), "file")).c_str());
  return !broken.empty() || (options.check && changed) ? 1 : 0;
}

int RunExplain(const ExplainOptions& options, const CommonOptions& common) {
  if (auto code = ParseCode(options.name)) {
    std::string_view page = DocPage(*code);
    const DiagInfo& info = InfoOf(*code);
    if (page.empty()) {
      std::printf("%s: %s\n", std::string(info.name).c_str(), std::string(info.title).c_str());
    } else {
      std::fwrite(page.data(), 1, page.size(), stdout);
    }
    return 0;
  }
  if (options.name.size() == 5 && (options.name[0] == 'E' || options.name[0] == 'W') &&
      std::isdigit(static_cast<unsigned char>(options.name[1]))) {
    throw UsageError(fmt::format("unknown diagnostic code `{}`", options.name));
  }
  if (options.name == "builtins" && options.paths.empty()) {
    std::fputs(builtins::MarkdownTable().c_str(), stdout);
    return 0;
  }
  if (options.paths.empty())
    throw UsageError(
        fmt::format("`{}` is not a diagnostic code; to explain a metric, give the files that define it (or "
                    "`kpic explain builtins` for the builtin functions)",
                    options.name));
  std::unique_ptr<Session> s = LoadAndCheck(options.paths, ToSession(common));
  if (s->diags.has_errors()) {
    PrintHuman(*s, common);
    std::fprintf(stderr, "kpic: cannot explain `%s`: the files have errors\n", PrintablePath(options.name).c_str());
    return 1;
  }
  auto home = s->catalog.metric_home.find(options.name);
  if (home == s->catalog.metric_home.end()) {
    std::vector<std::string> names;
    for (const auto& [n, p] : s->catalog.metric_home) names.push_back(n);
    auto near = Suggest(options.name, names);
    throw UsageError(fmt::format("unknown metric `{}`{}", options.name,
                                 near ? fmt::format("; did you mean `{}`?", *near) : std::string()));
  }
  // Labels and doc comments are the package's text: a control character in
  // one (an ESC, a CR) is shown escaped, never sent to the terminal.
  std::fputs(PrintableLines(ExplainLineage(*s, options.name)).c_str(), stdout);
  return 0;
}

int RunCatalog(const CatalogOptions& options, const CommonOptions& common) {
  std::unique_ptr<Session> s = LoadAndCheck(options.paths, ToSession(common));
  if (s->diags.has_errors()) {
    PrintHuman(*s, common);
    std::fprintf(stderr, "kpic: catalog not exported: %s\n",
                 RenderSummary(s->diags.error_count(), s->diags.warning_count(), s->diags.suppressed()).c_str());
    return 1;
  }
  std::string lang = ReportLanguage(s->catalog.checked.ir, options.lang);
  std::string text = options.format == "markdown" ? PrintableLines(CatalogMarkdown(*s, lang))
                     : options.format == "html"   ? CatalogHtml(*s, lang)
                                                  : CatalogJson(*s);
  if (options.output.empty()) {
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  // A temporary file, then a rename (WriteFileAtomically; /dev/stdout and
  // a FIFO are written into): no partial output on failure.
  WriteFileAtomically(options.output, text);
  return 0;
}

int RunCompile(const CompileOptions& options, const CommonOptions& common) {
  if (options.emit == "checked") {
    std::unique_ptr<Session> s = LoadAndCheck(options.paths, ToSession(common));
    std::fputs(PrintableLines(DumpChecked(s->catalog.checked)).c_str(), stdout);
    PrintHuman(*s, common);
    return s->diags.has_errors() ? 1 : 0;
  }
  std::unique_ptr<Session> s = LoadAndParse(options.paths);
  for (const auto& f : s->files) {
    std::printf("== %s\n%s", PrintablePath(s->sm.Get(f->id).path).c_str(), PrintableLines(ast::Dump(*f, s->sm)).c_str());
  }
  s->diags.SortByPosition();
  PrintHuman(*s, common);
  return s->diags.has_errors() ? 1 : 0;
}

}  // namespace kpic
