// The kpic command line. Each command lives in its own function; this file
// only wires flags to them and maps failures to the exit codes of the CLI
// contract (docs/cli.md).
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "codegen/jit.h"
#include "csv.h"
#include "diag/registry.h"
#include "diag/render.h"
#include "base/big_stack.h"
#include "base/exit_codes.h"
#include "base/heap_growth.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "driver/action_command.h"
#include "driver/cache_command.h"
#include "driver/commands.h"
#include "driver/diff.h"
#include "driver/interrupt.h"
#include "driver/run.h"
#include "driver/session.h"
#include "driver/test_command.h"
#include "driver/verify.h"
#include "engine/engine.h"
#include "exec/binding.h"
#include "lsp/server.h"
#include "hugepages.h"

namespace {

/// A batch command's heap grows in transparent huge pages: a large
/// package's tokens, trees and tables otherwise take a page fault per 4 KiB,
/// which on a virtual machine cost a fifth of `check`'s time
/// (docs/performance.md). The language server lives long and keeps its
/// default heap. KPIC_HUGE_PAGES=0 turns it off (for comparisons).
/// `front_end`: the command only reads and checks definitions, so even its
/// largest blocks (a big file's code points, the metrics' table) come from
/// the advised heap rather than from mmap(2), which faults 4 KiB at a time.
void UseHugePagesForHeap(bool front_end) {
  const char* env = std::getenv("KPIC_HUGE_PAGES");
  if (env && std::string_view(env) == "0") return;
  kpic::rt::PrepareHeapForHugePages();
  if (front_end) ::mallopt(M_MMAP_MAX, 0);
  kpic::SetHeapGrowthHook(&kpic::rt::AdviseHeapHugePages);
  kpic::rt::AdviseHeapHugePages();
}

/// After a usage error: "did you mean" for each unknown `--flag` (among the
/// options of the command it was given to and of the commands above it)
/// and for a command or subcommand name that is none (`kpic chek`, `kpic
/// action lst`). Nothing when no name is close.
void SuggestArguments(CLI::App& app, int argc, char** argv) {
  std::vector<CLI::App*> chain{&app};
  for (;;) {
    CLI::App* next = nullptr;
    for (CLI::App* sub : chain.back()->get_subcommands([](CLI::App*) { return true; }))
      if (sub->parsed()) next = sub;
    if (!next) break;
    chain.push_back(next);
  }
  std::string command = "kpic";
  for (size_t k = 1; k < chain.size(); ++k) command += " " + chain[k]->get_name();
  std::vector<std::string> flags;
  for (CLI::App* a : chain)
    for (const CLI::Option* o : a->get_options())
      for (const std::string& n : o->get_lnames()) flags.push_back("--" + n);
  // The first word after the deepest command's own name (or after `kpic`).
  int after = 1;
  for (size_t k = 1; k < chain.size(); ++k)
    for (int i = after; i < argc; ++i)
      if (chain[k]->check_name(argv[i])) {
        after = i + 1;
        break;
      }
  std::vector<std::string> names;
  for (CLI::App* sub : chain.back()->get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  bool named = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      std::string flag(arg.substr(0, arg.find('=')));
      if (std::find(flags.begin(), flags.end(), flag) != flags.end()) continue;
      if (std::optional<std::string> s = kpic::Suggest(flag, flags))
        std::fprintf(stderr, "%s is not an option of `%s`: did you mean %s?\n", flag.c_str(), command.c_str(),
                     s->c_str());
    } else if (i >= after && !named && !names.empty() && !arg.empty() && arg[0] != '-') {
      named = true;
      if (std::find(names.begin(), names.end(), std::string(arg)) != names.end()) continue;
      if (std::optional<std::string> s = kpic::Suggest(arg, names))
        std::fprintf(stderr, "`%s` is not a command of `%s`: did you mean `%s`?\n", std::string(arg).c_str(),
                     command.c_str(), s->c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kpic;
  CLI::App app{"kpic: the compiler toolchain for .kpi indicator definitions", "kpic"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "print the version and exit");

  // Limits and durations: a negative one was taken without a word.
  auto number_check = [](bool zero_ok) {
    return CLI::Validator(
        [zero_ok](std::string& v) {
          char* end = nullptr;
          double x = std::strtod(v.c_str(), &end);
          bool ok = !v.empty() && end && *end == '\0' && (zero_ok ? x >= 0 : x > 0);
          return ok ? std::string() : fmt::format("`{}` is not a number {} 0", v, zero_ok ? "of at least" : "above");
        },
        zero_ok ? "NUMBER >= 0" : "NUMBER > 0");
  };
  const CLI::Validator kPositive = number_check(false), kNonNegative = number_check(true);
  CommonOptions common;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--stdlib", common.stdlib_dir, "directory of the standard library (default: next to the binary)");
    cmd->add_flag("--no-stdlib", common.no_stdlib, "do not load the standard library");
    cmd->add_option("--max-depth", common.max_depth, "deepest bracket nesting of an expression (default 128; E0105)")
        ->check(kPositive);
    cmd->add_option("--max-errors", common.max_errors,
                    "diagnostics shown per file (default 50); the rest are counted, and checking that file's names "
                    "stops looking for suggestions")
        ->check(kPositive);
    cmd->add_option("--color", common.color, "colored diagnostics: auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
  };

  CheckOptions check;
  CLI::App* check_cmd = app.add_subcommand("check", "parse and check .kpi files or directories (recursively)");
  check_cmd->add_option("paths", check.paths, "files or directories")->required();
  check_cmd->add_option("--format", check.format, "diagnostics format: human (stderr), json or gcc (stdout)")
      ->check(CLI::IsMember({"human", "json", "gcc"}));
  check_cmd->add_flag("--data", check.data, "also read every source's data and check it against the declarations");
  check_cmd->add_option("--bind", check.binds, "override a source's binding: SOURCE=csv:path/to.csv (repeatable)");
  check_cmd->add_option("--on-bad-row", check.on_bad_row, "fail (default) or skip, counting and reporting skipped rows")
      ->check(CLI::IsMember({"fail", "skip"}));
  add_common(check_cmd);

  LintOptions lint;
  lint.version = KPIC_VERSION;
  CLI::App* lint_cmd = app.add_subcommand("lint", "check .kpi files and run the lint rules (style, governance)");
  lint_cmd->add_option("paths", lint.paths, "files or directories (recursively); required unless --rules");
  lint_cmd->add_option("--format", lint.format, "human (stderr), gcc, json or sarif (stdout)")
      ->check(CLI::IsMember({"human", "gcc", "json", "sarif"}));
  lint_cmd->add_flag("--rules", lint.rules, "list the lint rules, their codes and default levels");
  add_common(lint_cmd);

  FmtOptions fmt_options;
  CLI::App* fmt_cmd = app.add_subcommand("fmt", "rewrite .kpi files in the canonical format");
  fmt_cmd->add_option("paths", fmt_options.paths, "files or directories (recursively); `-` formats stdin to stdout")
      ->required();
  fmt_cmd->add_flag("--check", fmt_options.check, "change nothing: list the files that would change, exit 1 if any");
  add_common(fmt_cmd);

  ExplainOptions explain;
  CLI::App* explain_cmd =
      app.add_subcommand("explain", "show the documentation of a diagnostic code, or the lineage of a metric");
  explain_cmd->add_option("name", explain.name, "a diagnostic code such as E0201, or a metric name")->required();
  explain_cmd->add_option("paths", explain.paths, "files or directories to look for the metric in");
  add_common(explain_cmd);

  CatalogOptions catalog;
  CLI::App* catalog_cmd = app.add_subcommand("catalog", "export the unified metric catalog");
  catalog_cmd->add_option("paths", catalog.paths, "files or directories")->required();
  catalog_cmd->add_option("--format", catalog.format, "json (default), markdown or html")
      ->check(CLI::IsMember({"json", "markdown", "html"}));
  catalog_cmd->add_option("-o,--output", catalog.output, "write to FILE instead of stdout");
  catalog_cmd
      ->add_option("--lang", catalog.lang,
                   "zh or en: the language of the Markdown and HTML catalog's words and labels (`label.en`) "
                   "(default: as `kpic run`)")
      ->check(CLI::IsMember({"zh", "en"}));
  add_common(catalog_cmd);

  RunOptions run;
  auto add_selection = [&](CLI::App* cmd) {
    cmd->add_option("paths", run.paths, "files or directories")->required();
    cmd->add_option("--goal", run.goals, "evaluate only these goals (repeatable; default: every goal)");
    cmd->add_option("--metric", run.metrics, "an ad-hoc query of these metrics instead of goals (repeatable)");
    cmd->add_option("--by", run.by, "dimensions to break down by: DIM[,DIM...]");
    cmd->add_option("--grain", run.grain, "time grain: day, week, month, quarter, year or all (default: month)");
    cmd->add_option("--from", run.from, "first day of the window, inclusive (YYYY-MM-DD)");
    cmd->add_option("--to", run.to, "end of the window, exclusive (YYYY-MM-DD)");
    cmd->add_option("--as-of", run.as_of,
                    "the data as of this day (YYYY-MM-DD): later rows are left out, and the period holding it is "
                    "partial (default: the last day with rows the run may see)");
    cmd->add_option("--role", run.role, "evaluate as this role: only its rows are read");
    cmd->add_option("--report", run.report, "what a `report` declaration shows: its goals, metrics, role and charts");
    cmd->add_option("--param", run.params, "a role parameter KEY=VALUE (repeatable)");
  };
  CLI::App* run_cmd = app.add_subcommand("run", "evaluate goals, or ad-hoc metrics, over the bound data");
  add_selection(run_cmd);
  run_cmd->add_option("--bind", run.binds, "override a source's binding: SOURCE=URI (repeatable)");
  run_cmd
      ->add_option("--engine", run.engine,
                   "auto (default), jit, interp, or postgres (the scans run inside PostgreSQL, where the sources are)")
      ->check(CLI::IsMember({"auto", "jit", "interp", "postgres"}));
  run_cmd->add_option("--format", run.format,
                      "table (default), json, csv or html (a self-contained report); with --each a list "
                      "FORMAT,FORMAT... (default html)");
  run_cmd
      ->add_option("--lang", run.lang,
                   "zh or en: the language of the report's words and labels (`label.en`), and its number "
                   "conventions (default: the package's `languages`, else zh when its labels are Chinese)")
      ->check(CLI::IsMember({"zh", "en"}));
  run_cmd->add_option("-o,--output", run.output, "write to FILE instead of stdout; with --each, the folder DIR");
  run_cmd->add_option("--each", run.each,
                      "one output per member of a role parameter, into -o DIR with a manifest.json: PARAM (its "
                      "values in the data) or PARAM=V1,V2,...");
  run_cmd
      ->add_option("--forecast", run.forecast,
                   "extend each --metric's series by N periods (1 to 1000) with 80% and 95% prediction intervals "
                   "(exponential smoothing; needs a time grain)")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--fail-on", run.fail_on, "exit 4 when an alert of this severity or worse fired")
      ->check(CLI::IsMember({"info", "warning", "critical"}));
  run_cmd->add_option("--on-bad-row", run.on_bad_row, "fail (default) or skip, counting and reporting skipped rows")
      ->check(CLI::IsMember({"fail", "skip"}));
  run_cmd
      ->add_option("--max-groups", run.max_groups, "limit on groups per scan and rows per metric (default 10000000)")
      ->check(kPositive);
  run_cmd->add_flag("--no-stream", run.no_stream,
                    "read large tables whole before scanning them (by default they stream through the JIT)");
  run_cmd->add_flag("--no-cache", run.no_cache,
                    "neither use nor fill the state cache (by default a rerun reads only what was appended)");
  run_cmd
      ->add_option("--cache-size", run.cache_size,
                   "the state cache's limit, least recently used entries removed beyond it (default 1G; "
                   "also $KPIC_CACHE_SIZE)")
      ->check(CLI::Validator(
          [](std::string& v) { return v.empty() ? std::string("expected a size such as 512M, 2G or 1000000") : std::string(); },
          "SIZE"));
  run_cmd
      ->add_option("--max-distinct", run.max_distinct,
                   "limit on the values one scan's distinct counts hold (default 100000000); beyond it, exit 5")
      ->check(kPositive);
  run_cmd
      ->add_option("--max-decimal-digits", run.max_decimal_digits,
                   "exact results with more digits are an error, exit 3 (default 38: what 128 bits hold)")
      ->check(CLI::Range(1, 38));
  run_cmd
      ->add_option("--timeout", run.timeout, "stop with exit 5 after this many seconds (default: none); no output is written")
      ->check(kPositive);
  run_cmd->add_flag("--timings", run.timings, "print where the time went (read, compile, scan, evaluate) on stderr");
  add_common(run_cmd);

  std::string dialect = "postgres";
  CLI::App* sql_cmd = app.add_subcommand("sql", "emit the SQL that computes the selection on another engine");
  add_selection(sql_cmd);
  sql_cmd->add_option("--dialect", dialect, "postgres, duckdb, sqlite, trino, spark, clickhouse or bigquery")
      ->required();
  sql_cmd->add_option("--bind", run.binds, "a database binding SOURCE=URI#schema.table names the table to read");
  sql_cmd->add_option("-o,--output", run.output, "write to FILE instead of stdout");
  add_common(sql_cmd);

  TestOptions test;
  CLI::App* test_cmd =
      app.add_subcommand("test", "run the `expect` declarations (data tests); exit 6 when one fails");
  test_cmd->add_option("paths", test.run.paths, "files or directories")->required();
  test_cmd->add_option("--as-of", test.run.as_of,
                       "the data as of this day (YYYY-MM-DD): later rows are left out, and freshness is measured "
                       "against it (default: today)");
  test_cmd->add_option("--role", test.run.role, "test as this role: only its rows are read");
  test_cmd->add_option("--param", test.run.params, "a role parameter KEY=VALUE (repeatable)");
  test_cmd->add_option("--bind", test.run.binds, "override a source's binding: SOURCE=URI (repeatable)");
  test_cmd->add_option("--engine", test.run.engine, "auto (default), jit, interp, or postgres (inside PostgreSQL)")
      ->check(CLI::IsMember({"auto", "jit", "interp", "postgres"}));
  test_cmd->add_option("--format", test.run.format, "human (default), json or junit (JUnit XML)")
      ->check(CLI::IsMember({"human", "json", "junit"}));
  test_cmd->add_option("-o,--output", test.run.output, "write to FILE instead of stdout");
  test_cmd->add_option("--state", test.state,
                       "the file of row counts that `rows change` compares with (default: "
                       "PACKAGE/.kpic/test-state.tsv)");
  test_cmd->add_option("--on-bad-row", test.run.on_bad_row, "fail (default) or skip bad rows")
      ->check(CLI::IsMember({"fail", "skip"}));
  test_cmd->add_option("--max-groups", test.run.max_groups, "limit on groups per scan (default 10000000)")
      ->check(kPositive);
  add_common(test_cmd);

  CompileOptions compile;
  CLI::App* compile_cmd = app.add_subcommand("compile", "dump one stage of the compiler");
  add_selection(compile_cmd);
  compile_cmd->add_option("--emit", compile.emit, "stage to dump: ast, checked, plan, llvm-ir or sql")
      ->required()
      ->check(CLI::IsMember({"ast", "checked", "plan", "llvm-ir", "sql"}));
  compile_cmd->add_option("--dialect", dialect, "for --emit sql: the dialect (default postgres)");
  add_common(compile_cmd);

  lsp::ServerOptions lsp_options;
  CLI::App* lsp_cmd = app.add_subcommand("lsp", "run the language server over stdio (JSON-RPC, LSP 3.17)");
  lsp_cmd->add_option("--debounce-ms", lsp_options.debounce_ms, "diagnostics wait this long after a change (default 25)")
      ->check(kNonNegative);
  lsp_cmd
      ->add_option("--max-file-bytes", lsp_options.limits.max_file_bytes,
                   "documents larger than this are not analysed (default 8388608)")
      ->check(kPositive);
  add_common(lsp_cmd);

  VerifyOptions verify;
  CLI::App* verify_cmd =
      app.add_subcommand("verify", "recompute a stamped output and say whether its numbers still stand (exit 7 if not)");
  verify_cmd->add_option("OUTPUT", verify.output, "a JSON, HTML or SQL output of kpic, or a CSV with its .stamp.json")
      ->required();
  verify_cmd->add_option("--bind", verify.binds, "give a source's binding again (a masked password): SOURCE=URI");
  verify_cmd->add_option("--role", verify.role,
                         "run only as this role: an output stamped under another role or without one is refused");
  verify_cmd->add_option("--param", verify.params,
                         "with --role: the role's parameters, KEY=VALUE (repeatable); the stamp's must be the same");
  verify_cmd->add_option("--path", verify.paths,
                         "with --role: the package files or folders the output must come from (repeatable); the "
                         "stamp's bindings are then not used, only --bind and the declared ones");
  verify_cmd->add_option("--format", verify.format, "human (default) or json")
      ->check(CLI::IsMember({"human", "json"}));
  add_common(verify_cmd);

  DiffOptions diff;
  CLI::App* diff_cmd = app.add_subcommand(
      "diff", "what a change of definitions does: meaning (fingerprints), text, reach, numbers before and after");
  diff_cmd->add_option("OLD", diff.old_path, "the old definitions: a folder or file, or REV:PATH (git)")->required();
  diff_cmd->add_option("NEW", diff.new_path, "the new definitions: a folder or file, or REV:PATH (git)")->required();
  diff_cmd->add_option("--bind", diff.binds, "bind a source for both sides: SOURCE=URI");
  diff_cmd->add_option("--grain", diff.grain, "the grain of the numbers compared (default month)");
  diff_cmd->add_option("--as-of", diff.as_of, "the as-of date of both sides");
  diff_cmd->add_option("--format", diff.format, "human (default), json or html")
      ->check(CLI::IsMember({"human", "json", "html"}));
  diff_cmd->add_option("-o,--output", diff.output, "write to FILE instead of stdout");
  add_common(diff_cmd);

  ActionOptions action;
  CLI::App* action_cmd = app.add_subcommand("action", "the action log: what was done about an indicator, and its effect");
  action_cmd->require_subcommand(1);
  // Every action command: the package folder, --format, the common options.
  auto action_common = [&](CLI::App* cmd) {
    cmd->add_option("--format", action.format, "human (default) or json")->check(CLI::IsMember({"human", "json"}));
    add_common(cmd);
  };
  CLI::App* action_add = action_cmd->add_subcommand("add", "record an action (appended to PATH/actions/ID.action)");
  action_add->add_option("path", action.path, "the package folder")->required();
  action_add->add_option("--what", action.what, "what is done (required)")->required();
  action_add->add_option("--who", action.who, "who acts (default: $KPIC_USER, else $USER)");
  action_add->add_option("--goal", action.goal, "the goal it serves");
  action_add->add_option("--metric", action.metric, "the metric it should move (default: the goal's)");
  action_add->add_option("--alert", action.alert, "the alert it answers (its name, with --goal)");
  action_add->add_option("--member", action.members, "the member it is on, DIMENSION=MEMBER (repeatable; none: company-wide)");
  action_add->add_option("--start", action.start, "the day it starts, YYYY-MM-DD (default: today)");
  action_add->add_option("--end", action.end, "the day it ends, if known");
  action_add->add_option("--expected", action.expected, "the effect expected, in words");
  action_add->add_option("--window", action.window, "periods compared before and after the start (default 3)")
      ->check(CLI::Range(1, 120));
  action_add->add_option("--id", action.id, "the action's id (default: A<start>-<4 random hex digits>)");
  action_add->add_option("--bind", action.binds, "bind a source to check the member against: SOURCE=URI");
  action_common(action_add);
  CLI::App* action_close = action_cmd->add_subcommand("close", "close an action: done or dropped (an appended entry)");
  action_close->add_option("path", action.path, "the package folder")->required();
  action_close->add_option("id", action.id, "the action's id")->required();
  action_close->add_option("--status", action.status, "done (default) or dropped")
      ->check(CLI::IsMember({"done", "dropped"}));
  action_close->add_option("--end", action.end, "the day it ended (default: today)");
  action_close->add_option("--who", action.who, "who closes it (default: $KPIC_USER, else $USER)");
  action_close->add_option("--note", action.note, "what came of it, in words");
  action_common(action_close);
  CLI::App* action_list = action_cmd->add_subcommand("list", "list the actions with their measured effects");
  action_list->add_option("path", action.path, "the package folder")->required();
  action_list->add_option("--status", action.only, "only actions in this state: open, done or dropped")
      ->check(CLI::IsMember({"open", "done", "dropped"}));
  action_list->add_option("--as-of", action.run.as_of, "measure with the data as of this day (YYYY-MM-DD)");
  action_list->add_option("--role", action.run.role, "as this role: only its members' actions, only its rows");
  action_list->add_option("--param", action.run.params, "a role parameter KEY=VALUE (repeatable)");
  action_list->add_option("--bind", action.run.binds, "override a source's binding: SOURCE=URI (repeatable)");
  action_list->add_option("--engine", action.run.engine, "auto (default), jit, interp or postgres")
      ->check(CLI::IsMember({"auto", "jit", "interp", "postgres"}));
  action_list->add_option("--lang", action.run.lang, "zh or en: the language of the statements")
      ->check(CLI::IsMember({"zh", "en"}));
  action_common(action_list);

  CacheOptions cache;
  CLI::App* cache_cmd = app.add_subcommand("cache", "the state cache: what runs keep so that a rerun reads only new data");
  cache_cmd->require_subcommand(1);
  CLI::App* cache_stats = cache_cmd->add_subcommand("stats", "where the state cache is, its entries and size");
  CLI::App* cache_clear = cache_cmd->add_subcommand("clear", "remove every entry of the state cache");
  for (CLI::App* c : {cache_stats, cache_clear})
    c->add_option("--format", cache.format, "human (default) or json")->check(CLI::IsMember({"human", "json"}));
  cache_stats->add_option("--cache-size", cache.cache_size, "the limit to show (default: $KPIC_CACHE_SIZE, else 1G)");

  CLI::App* version_cmd = app.add_subcommand("version", "print the versions of kpic and its code generator");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    SuggestArguments(app, argc, argv);
    std::fprintf(stderr, "Run `kpic --help` for the commands, or `kpic COMMAND --help` for one command.\n");
    return kExitUsage;
  }

  InstallStopHandlers();
  if (!lsp_cmd->parsed()) UseHugePagesForHeap(check_cmd->parsed() || lint_cmd->parsed() || fmt_cmd->parsed());
  // The stages recurse once per level of a formula, and the checker allows
  // formulas (through the metrics they read) deeper than 8 MiB of stack
  // holds, more so under sanitizers: the command runs with a big stack
  // (base/big_stack.h). The main thread's stack grows on demand up to the
  // soft limit, so raising that is enough; only when the hard limit forbids
  // it does the command run on a thread of its own, which costs `check` of
  // a large package 5% (malloc then locks).
  auto dispatch = [&]() -> int {
    try {
      // A file bound with --bind is read from the current folder: its path is
      // made absolute here, so that a stamp records the file itself and
      // `kpic verify` finds it from any folder.
      // `-o -` is standard output, as in most tools (it wrote a file named
      // `-`: CLI probe, 2026-12-07).
      for (std::string* out : {&catalog.output, &run.output, &test.run.output, &diff.output})
        if (*out == "-") out->clear();
      for (std::vector<std::string>* binds :
           {&check.binds, &run.binds, &test.run.binds, &verify.binds, &diff.binds, &action.binds, &action.run.binds})
        for (std::string& b : *binds) b = exec::AbsoluteBind(b);
      if (show_version || version_cmd->parsed()) {
        std::printf("kpic %s\n%s\n", KPIC_VERSION, DescribeCodegen().c_str());
        return 0;
      }
      if (check_cmd->parsed()) return RunCheck(check, common);
      if (fmt_cmd->parsed()) return RunFmt(fmt_options, common);
      if (lint_cmd->parsed()) return RunLint(lint, common);
      if (lsp_cmd->parsed()) {
        SessionOptions so;
        so.stdlib_dir = common.stdlib_dir;
        so.no_stdlib = common.no_stdlib;
        so.parse.max_nesting = common.max_depth;
        return lsp::Serve(STDIN_FILENO, stdout, so, lsp_options);
      }
      if (explain_cmd->parsed()) return RunExplain(explain, common);
      if (compile_cmd->parsed()) {
        compile.paths = run.paths;
        if (compile.emit == "sql") return RunSql(run, dialect, common);
        if (compile.emit == "plan" || compile.emit == "llvm-ir") {
          run.emit = compile.emit;
          return RunEmitPlan(run, common);
        }
        // ast and checked show every declaration: a selection would be
        // ignored, so it is refused rather than taken (an unknown --metric
        // exited 0: CLI probe, 2026-12-07).
        for (const char* flag : {"--goal", "--metric", "--by", "--grain", "--from", "--to", "--as-of", "--role",
                                 "--report", "--param", "--dialect"})
          if (compile_cmd->count(flag))
            throw UsageError(fmt::format("{} selects what a plan computes; --emit {} shows the whole package "
                                         "(use --emit plan, llvm-ir or sql)",
                                         flag, compile.emit));
        return RunCompile(compile, common);
      }
      if (run_cmd->parsed()) {
        StartTimeout(run.timeout);
        return RunRun(run, common);
      }
      if (sql_cmd->parsed()) return RunSql(run, dialect, common);
      if (test_cmd->parsed()) return RunTest(test, common);
      if (catalog_cmd->parsed()) return RunCatalog(catalog, common);
      if (verify_cmd->parsed()) return RunVerify(verify, common);
      if (diff_cmd->parsed()) return RunDiff(diff, common);
      if (cache_stats->parsed()) return RunCacheStats(cache);
      if (cache_clear->parsed()) return RunCacheClear(cache);
      if (action_add->parsed()) return RunActionAdd(action, common);
      if (action_close->parsed()) return RunActionClose(action, common);
      if (action_list->parsed()) return RunActionList(action, common);
      std::fprintf(stderr, "%s", app.help().c_str());
      return kExitUsage;
    } catch (const rt::DataError& e) {
      std::fprintf(stderr, "error[data]: %s\n", e.what());
      return kExitData;
    } catch (const UsageError& e) {
      // A message may quote what was typed (a --param value): escaped.
      if (e.code.empty())
        std::fprintf(stderr, "error: %s\n", PrintableLines(e.what()).c_str());
      else
        std::fprintf(stderr, "error[%s]: %s\n", e.code.c_str(), PrintableLines(e.what()).c_str());
      return kExitUsage;
    } catch (const engine::LimitError& e) {  // those not caught by the command (WithEngineErrors)
      std::fprintf(stderr, "error[limit]: %s\n", e.what());
      return kExitLimit;
    } catch (const std::bad_alloc&) {
      // Not a bug: the data needs more memory than the process may have
      // (a ulimit, the machine). Data read whole that claims more than
      // that is refused before reading (a LimitError above).
      std::fprintf(stderr, "error[limit]: out of memory (the data needs more than this process may use)\n");
      return kExitLimit;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "internal error: %s\nThis is a bug in kpic; please report it with the input that caused it.\n",
                   e.what());
      return kExitInternal;
    } catch (...) {
      std::fprintf(stderr, "internal error: unknown exception\nThis is a bug in kpic; please report it.\n");
      return kExitInternal;
    }
  };
  // Output written to stdout that did not arrive (a full disk behind a
  // redirection, /dev/full) is an error, not exit 0 with a cut-off file.
  auto checked = [&]() -> int {
    int rc = dispatch();
    if (lsp_cmd->parsed()) return rc;  // the server's exit code is the protocol's (0 after shutdown and exit)
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      int err = errno ? errno : EIO;
      std::fprintf(stderr, "error[data]: cannot write the output to stdout: %s\n", std::strerror(err));
      return rc == 0 ? kExitData : rc;
    }
    return rc;
  };
  if (GrowMainStack(kMainStackBytes)) return checked();
  ::mallopt(M_ARENA_MAX, 1);  // one arena for both threads: the heap's huge-page advice is the main one's
  int rc = kExitInternal;
  RunOnBigStack([&] { rc = checked(); });
  return rc;
}
