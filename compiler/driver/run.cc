// `kpic run`: load and check, lower to a plan, read only the needed
// columns, join lookups, execute every scan (interpreter or JIT), evaluate
// and render.
#include "driver/run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "base/exit_codes.h"
#include "base/utf8.h"
#include "codegen/kernel.h"
#include "datetime.h"
#include "diag/render.h"
#include "driver/action_effects.h"
#include "driver/burst.h"
#include "driver/interrupt.h"
#include "driver/run_support.h"
#include "driver/stamp.h"
#include "driver/session.h"
#include "engine/engine.h"
#include "exec/execute.h"
#include "exec/state_cache.h"
#include "output/output.h"
#include "output/values.h"
#include "plan/lower.h"
#include "timezone.h"

namespace kpic {

SessionOptions ToSession(const CommonOptions& c) {
  SessionOptions o;
  o.stdlib_dir = c.stdlib_dir;
  o.no_stdlib = c.no_stdlib;
  o.parse.max_nesting = c.max_depth;
  o.max_errors = c.max_errors;
  return o;
}

std::unique_ptr<Session> Load(const RunOptions& o, const CommonOptions& common) {
  std::unique_ptr<Session> s = LoadAndCheck(o.paths, ToSession(common));
  if (s->diags.has_errors()) {
    HumanStyle style;
    style.color = common.color == "always" || (common.color == "auto" && isatty(STDERR_FILENO));
    for (const Diagnostic& d : s->diags.diagnostics())
      if (d.severity == Severity::kError) std::fprintf(stderr, "%s\n", RenderHuman(s->sm, d, style).c_str());
    std::fprintf(stderr, "kpic: not run: %s\n",
                 RenderSummary(s->diags.error_count(), s->diags.warning_count(), s->diags.suppressed()).c_str());
  }
  return s;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& s : in) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

plan::Request ToRequest(const RunOptions& o) {
  plan::Request r;
  r.metrics = SplitCommas(o.metrics);
  r.goals = SplitCommas(o.goals);
  r.report = o.report;
  r.all_goals = r.metrics.empty() && r.goals.empty() && r.report.empty();
  r.by = SplitCommas(o.by);
  // A query cannot leave out the row it fails on: refused before anything
  // is read (bursting, too), rather than at the first bad row.
  if (o.engine == "postgres" && o.on_bad_row == "skip")
    throw UsageError(
        "--on-bad-row skip cannot be honoured by --engine postgres: its scans run inside PostgreSQL, which stops "
        "at a bad value instead of skipping its row; use --engine auto (kpic then reads the rows itself and skips "
        "the bad ones) or --on-bad-row fail");
  if (!o.grain.empty()) {
    r.grain = rt::ParseGrain(o.grain);
    if (!r.grain)
      throw UsageError(fmt::format("unknown --grain `{}`: use day, week, month, quarter, year or all", o.grain));
  }
  for (auto [text, slot] :
       {std::pair{&o.from, &r.from_day}, std::pair{&o.to, &r.to_day}, std::pair{&o.as_of, &r.as_of_day}}) {
    if (text->empty()) continue;
    auto d = rt::ParseDate(*text, rt::DateFormat{});
    if (!d) throw UsageError(fmt::format("`{}` is not a date: write YYYY-MM-DD", *text));
    *slot = *d;
  }
  if (r.from_day && r.to_day && *r.from_day >= *r.to_day)
    throw UsageError("--from must be before --to (--from is inclusive, --to exclusive)");
  if (r.as_of_day && r.from_day && *r.as_of_day < *r.from_day)
    throw UsageError("--as-of is before --from: the window would hold no data");
  r.role = o.role;
  r.lang = o.lang;
  for (const std::string& f : SplitCommas({o.format})) r.member_detail = r.member_detail || f == "html";
  if (o.format.empty() && !o.each.empty()) r.member_detail = true;  // a burst writes html by default
  for (const std::string& p : o.params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--param expects KEY=VALUE, got `{}`", p));
    if (!r.params.emplace(p.substr(0, eq), p.substr(eq + 1)).second)
      throw UsageError("E0603", fmt::format("--param {} is given twice", p.substr(0, eq)));
  }
  return r;
}

std::string ReportLanguage(const ir::Module& m, const std::string& asked) {
  if (!asked.empty()) return asked;
  for (const std::string& l : m.languages)
    if (l == "zh" || l == "en") return l;
  // Main labels in Chinese make a Chinese report; any other package gets
  // English.
  for (const ir::Goal& g : m.goals)
    if (HasChinese(g.label)) return "zh";
  for (const ir::Metric& mt : m.metrics)
    if (mt.package != "std" && mt.package.rfind("std.", 0) != 0 && HasChinese(mt.label)) return "zh";
  return "en";
}

plan::Plan MakePlan(const Session& s, const plan::Request& asked) {
  try {
    plan::Request req = asked;
    req.lang = ReportLanguage(s.catalog.checked.ir, asked.lang);
    plan::Plan p = plan::Lower(s.catalog.checked.ir, req);
    p.lang = req.lang;
    if (p.outputs.empty() && p.goals.empty() && p.charts.empty())
      throw UsageError("nothing to evaluate: the package declares no goals; ask for metrics with --metric NAME");
    return p;
  } catch (const plan::PlanError& e) {
    throw UsageError(e.code, e.what());
  }
}

std::optional<rt::TimeZone> LoadZone(const std::string& name) {
  if (name.empty()) return std::nullopt;
  std::string error;
  auto z = rt::TimeZone::Load(name, &error);
  if (!z) throw UsageError(fmt::format("time zone `{}`: {}", name, error));
  return z;
}

std::optional<rt::TimeZone> LoadZone(const plan::Plan& p) { return LoadZone(p.time_zone); }

std::vector<std::string> Formats(const RunOptions& o) {
  std::vector<std::string> formats;
  std::string asked = !o.format.empty() ? o.format : o.each.empty() ? "table" : "html";
  for (const std::string& f : SplitCommas({asked})) {
    if (!output::FindWriter(f))
      throw UsageError(fmt::format("unknown --format `{}`: use {}", f, output::WriterNames()));
    if (std::find(formats.begin(), formats.end(), f) == formats.end()) formats.push_back(f);
  }
  if (formats.empty()) throw UsageError(fmt::format("--format needs a format: {}", output::WriterNames()));
  if (formats.size() > 1 && o.each.empty())
    throw UsageError("several formats (--format a,b) need --each: one run writes one format");
  return formats;
}

namespace {

using engine::Val;
using output::Label;

int SeverityRank(const std::string& s) { return s == "critical" ? 2 : s == "warning" ? 1 : 0; }

}  // namespace

bool WriteSpecialFile(const std::string& path, const std::string& text) {
  // A symbolic link (`/dev/stdout` -> /proc/self/fd/1 -> a redirected file)
  // is written through, never replaced by a rename; so is a device or FIFO.
  struct stat lst, st;
  if (::lstat(path.c_str(), &lst) != 0) return false;
  const bool link = S_ISLNK(lst.st_mode);
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && !link)) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (S_ISREG(st.st_mode) ? O_TRUNC : 0));
  bool ok = fd >= 0;
  int err = ok ? 0 : errno;
  for (size_t done = 0; ok && done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
    else err = n < 0 ? errno : EIO;
  }
  if (fd >= 0 && ::close(fd) != 0 && ok) ok = false, err = errno;
  if (!ok) throw rt::DataError(path, 0, "", "", fmt::format("cannot write the output: {}", std::strerror(err)));
  return true;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  if (WriteSpecialFile(path, text)) return;
  // A fresh name, made here and never a link followed (a predictable name
  // let a link planted at it be written through), with the mode of the file
  // it replaces (`kpic fmt` made a private 0600 file 0644).
  std::random_device rd;
  std::string tmp = fmt::format("{}.tmp{}-{:08x}", path, static_cast<long>(getpid()), rd());
  SetPendingOutput(tmp);
  struct stat old;
  bool replaces = ::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, replaces ? 0600 : 0666);
  std::FILE* f = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (!f) {
    int err = errno;
    if (fd >= 0) ::close(fd), ::unlink(tmp.c_str());
    SetPendingOutput("");
    throw rt::DataError(path, 0, "", "", fmt::format("cannot write the output: {}", std::strerror(err)));
  }
  if (replaces) (void)::fchmod(fd, old.st_mode & 07777);
  // A full disk (or a file size limit) shows as a short write or a failed
  // flush; the temporary file is removed and the target left untouched.
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = errno;
  ok = std::fflush(f) == 0 && ok;
  if (!err) err = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!err) err = errno;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (!err) err = errno;
    std::remove(tmp.c_str());
    SetPendingOutput("");
    throw rt::DataError(
        path, 0, "", "",
        fmt::format("cannot write the output: {}; nothing was written", std::strerror(err ? err : EIO)));
  }
  SetPendingOutput("");
}

/// Runs an evaluation, mapping overflow to exit 3 and limits to exit 5.
int WithEngineErrors(const std::function<int()>& body) {
  try {
    return body();
  } catch (const engine::OverflowError& e) {
    std::fprintf(stderr, "error[data]: %s\n", e.what());
    return kExitData;
  } catch (const engine::RateError& e) {
    std::fprintf(stderr, "error[data]: %s\n", e.what());
    return kExitData;
  } catch (const engine::LimitError& e) {
    std::fprintf(stderr, "error[limit]: %s\n", e.what());
    return kExitLimit;
  }
}

/// Exact results with more digits than --max-decimal-digits are an error
/// (exit 3), so that they fit where they are going (e.g. a DECIMAL(18, 2)).
void CheckDigits(const plan::Plan& p, const engine::Results& r, int max_digits) {
  if (max_digits >= 39) return;  // 128 bits hold every 38-digit number; overflow beyond is already an error
  __int128 bound = 1;
  for (int i = 0; i < max_digits; ++i) bound *= 10;
  // `what` names the value; it is built only for the message.
  auto check = [&](const Val& v, const auto& what, int64_t period, rt::Grain g) {
    if (!v.exact() || (v.i < bound && -v.i < bound)) return;
    throw engine::OverflowError(fmt::format("{} in {} is {}, which has more than {} digits (--max-decimal-digits {})",
                                            what(), Label(g, period, p), v.Text(), max_digits, max_digits));
  };
  for (const auto& m : r.metrics)
    for (const auto& row : m.rows)
      check(row.value, [&] { return "metric `" + m.output->metric + "`"; }, row.period, m.output->grain);
  for (const auto& g : r.goals)
    for (const auto& gp : g.periods) {
      check(gp.value, [&] { return "goal `" + g.goal->name + "`"; }, gp.period, g.goal->grain);
      check(gp.target, [&] { return "the target of goal `" + g.goal->name + "`"; }, gp.period, g.goal->grain);
    }
}

/// Under a role, the run's warnings describe only the rows the role may see:
/// the counts come from the plan's audit scans (plan::Plan::audits), and the
/// engines' own counts over every row are dropped, as are the lines and
/// values of skipped bad rows (docs/language.md, "Roles").
namespace {

/// The rows a scan's `agg` counted over all its groups.
int64_t AuditTotal(const plan::Plan& p, const exec::Execution& ex, int scan, int agg) {
  const engine::ScanResult& res = ex.results[static_cast<size_t>(scan)];
  std::vector<uint32_t> all(res.period.size());
  for (size_t g = 0; g < all.size(); ++g) all[g] = static_cast<uint32_t>(g);
  Val v = engine::AggValue(p.scans[static_cast<size_t>(scan)], agg, res, all);
  return v.null() ? 0 : static_cast<int64_t>(v.i);
}

}  // namespace

void RoleWarnings(const plan::Plan& p, exec::Execution& ex, engine::Results& r) {
  auto own = [](const Warning& w) { return w.code == "W0701" || w.code == "W0702"; };
  std::erase_if(ex.warnings, own);
  std::erase_if(r.warnings, own);
  for (Warning& w : ex.warnings)
    if (w.code == "W0703") {
      std::string uri = w.message.substr(0, w.message.find(": skipped"));
      w.message = fmt::format("{}; under role `{}` their number and lines are not shown, as they may be outside its "
                              "access",
                              uri + ": skipped bad rows (--on-bad-row skip)", p.role);
      w.zh = fmt::format("{}：跳过了有误的数据行（--on-bad-row skip）；在角色{}下不显示其行数和行号，因为它们可能在该角色的权限之外",
                         uri, ZhName(p.role_label, p.role));
    }
  ex.skipped_rows.clear();
  auto total = [&](int scan, int agg) { return AuditTotal(p, ex, scan, agg); };
  std::vector<Warning> out;
  for (const plan::Plan::Audit& a : p.audits) {
    const ir::Source& src = p.SourceOf(p.scans[static_cast<size_t>(a.scan)]);
    const std::string& name = src.name;
    const std::string zh_name = ZhName(src.label, src.name);
    if (total(a.scan, a.rows) == 0 && !a.params.empty()) {
      std::vector<std::string> over;
      for (const std::string& o : a.over.empty() ? std::vector<std::string>{name} : a.over)
        over.push_back(fmt::format("`{}`", o));
      // A value as typed, escaped: a line feed in it forged a second
      // warning line (store probe, 2026-12-07).
      std::vector<std::string> params;
      for (const std::string& x : a.params) params.push_back(Printable(x));
      out.push_back({"W0704",
                     fmt::format("--param {} matches no row of `{}` that role `{}` may see, so the results over "
                                 "{} are empty",
                                 fmt::join(params, " --param "), name, p.role, fmt::join(over, ", ")),
                     fmt::format("--param {} 在{}中没有角色{}可见的行，因此基于 {} 的结果为空",
                                 fmt::join(params, " --param "), zh_name, ZhName(p.role_label, p.role),
                                 fmt::join(over, "、"))});
      continue;
    }
    if (a.no_time >= 0)
      if (int64_t n = total(a.scan, a.no_time); n > 0)
        out.push_back({"W0702",
                       fmt::format("{} row(s) of `{}` have no `{}` and fall in no period", n, name, a.time_column),
                       fmt::format("{}中有 {} 行没有 `{}`，不属于任何时期", zh_name, n, a.time_column)});
    for (const auto& l : a.lookups)
      if (int64_t n = total(a.scan, l.agg); n > 0)
        out.push_back({"W0701",
                       fmt::format("{} row(s) of `{}` have a `{}` not found in `{}`; what they look up is null", n,
                                   name, l.key, l.target),
                       fmt::format("{}中有 {} 行的 `{}` 在 `{}` 中找不到，查到的值为空", zh_name, n, l.key, l.target)});
  }
  r.warnings.insert(r.warnings.begin(), out.begin(), out.end());
}

/// --forecast extends metrics' series over time: it needs metrics, at a
/// time grain (E0602 otherwise).
void CheckForecast(const RunOptions& o, const plan::Plan& p) {
  if (o.forecast == 0) return;
  if (p.outputs.empty())
    throw UsageError("E0602", "--forecast extends metrics' series: ask for metrics with --metric NAME");
  for (const plan::Output& out : p.outputs)
    if (out.grain == rt::Grain::kAll)
      throw UsageError("E0602", fmt::format("--forecast needs a time grain: metric `{}` is asked at grain `all`, which "
                                            "has no periods to extend; use --grain day, week, month, quarter or year",
                                            out.metric));
}

/// The actions a run shows, measured as of its as-of date.
using ActionsOf = std::function<std::vector<actions::View>(std::optional<int32_t>)>;

/// Evaluates the scans' states and renders each format into `texts`:
/// shared by every engine.
int Report(const RunOptions& o, const CommonOptions& common, const plan::Plan& p, exec::Execution& ex,
           const engine::Limits& limits, const std::vector<std::string>& formats, std::vector<std::string>* texts,
           nlohmann::ordered_json* stamp, const ActionsOf& actions_of) {
  const std::vector<engine::ScanResult>& results = ex.results;
  // The values distinct counts keep (their memory) are bounded per scan.
  // Under a role, the values the role's rows hold: a bitmap spans the codes
  // of every row scanned, and its size told the company's count of
  // customers to a role searching for the limit (attacker's probe,
  // 2026-12-06).
  for (size_t i = 0; i < results.size(); ++i) {
    size_t held = 0;
    for (const engine::AggStates& a : results[i].aggs)
      for (const auto& d : a.distinct) held += p.role.empty() ? d.held() : d.size();
    if (held > limits.max_distinct)
      throw engine::LimitError(
          fmt::format("the distinct counts of the scan of `{}` hold {} values, more than "
                      "--max-distinct {}; ask for a coarser grain or fewer dimensions, or raise it",
                      p.SourceOf(p.scans[i]).name, held, limits.max_distinct));
  }
  auto t_eval = std::chrono::steady_clock::now();
  engine::Results r = engine::Evaluate(p, results, limits, ex.rates, &ex.work);
  CheckDigits(p, r, o.max_decimal_digits);
  // The as-of date the numbers are for (`kpic verify` recomputes as of it).
  if (stamp) (*stamp)["as_of"] = r.as_of ? nlohmann::ordered_json(rt::FormatDate(*r.as_of)) : nlohmann::ordered_json(nullptr);
  engine::ForecastMetrics(p, results, o.forecast, &r);
  double eval_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_eval).count();
  if (!o.timings)
    for (const std::string& c : ex.timings.cache_problems)
      std::fprintf(stderr, "%skpic: note: state cache: %s\n", o.warning_prefix.c_str(), c.c_str());
  if (o.timings) {
    ex.timings.redacted = !p.role.empty();
    std::fputs(ex.timings.Describe(eval_ms).c_str(), stderr);
    // Anonymous memory excludes the memory-mapped input file. Not under a
    // role: how much was held says how much was read, rows outside it too.
    if (std::FILE* f = p.role.empty() ? std::fopen("/proc/self/status", "r") : nullptr) {
      char line[256];
      std::string mem;
      while (std::fgets(line, sizeof line, f))
        if (!std::strncmp(line, "VmHWM:", 6) || !std::strncmp(line, "RssAnon:", 8)) {
          std::string l(line);
          l.erase(l.find_last_not_of(" \n") + 1);
          mem += (mem.empty() ? "" : ", ") + l;
        }
      std::fclose(f);
      std::fprintf(stderr, "kpic: timings: memory at the end: %s\n", mem.c_str());
    }
  }
  if (!p.role.empty()) RoleWarnings(p, ex, r);
  for (const std::string& line : ex.skipped_rows)
    std::fprintf(stderr, "%skpic: skipped %s\n", o.warning_prefix.c_str(), line.c_str());
  r.warnings.insert(r.warnings.begin(), ex.warnings.begin(), ex.warnings.end());
  {
    // CSV names its columns by the metrics' names and shows no label, so
    // none is untranslated (W0712 said so: probe, 2026-12-06).
    bool labels = std::any_of(formats.begin(), formats.end(), [](const std::string& f) { return f != "csv"; });
    std::vector<Warning> notes;
    for (const Warning& w : p.notes)
      if (labels || w.code != "W0712") notes.push_back(w);
    r.warnings.insert(r.warnings.begin(), notes.begin(), notes.end());
  }
  // Several scans of one source (a goal's grains) each count its rows
  // without a time: one warning, said once (also in JSON and HTML).
  {
    std::set<std::pair<std::string, std::string>> said;
    std::erase_if(r.warnings, [&](const Warning& w) { return !said.insert({w.code, w.message}).second; });
  }
  // A warning may quote a --param value or a member: shown escaped, so
  // that none can move the terminal's cursor or pass for another line.
  for (const Warning& w : r.warnings)
    std::fprintf(stderr, "%swarning[%s]: %s\n", o.warning_prefix.c_str(), w.code.c_str(),
                 PrintableLines(w.message).c_str());
  bool color = o.output.empty() && isatty(STDOUT_FILENO) && common.color != "never" && !std::getenv("NO_COLOR");
  if (common.color == "always") color = true;
  // The table's sentences wrap on standard output: at $COLUMNS, else at
  // the width of the terminal it is; a pipe without $COLUMNS, and a file
  // (-o), get them whole.
  size_t width = 0;
  if (!o.output.empty()) {
    // A file (-o) gets them whole.
  } else if (const char* columns = std::getenv("COLUMNS"); columns && *columns) {
    char* end = nullptr;
    unsigned long n = std::strtoul(columns, &end, 10);
    if (*end == '\0' && n >= 40 && n <= 1000) width = n;
  } else if (isatty(STDOUT_FILENO)) {
    struct winsize ws {};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) width = ws.ws_col;
  }
  // A report's title; else the labels of the goals the page holds, up to
  // three (the first goal's alone named a page of two: review,
  // 2026-12-06); else a plain title.
  std::string title = p.title;
  if (title.empty() && !p.goals.empty() && p.goals.size() <= 3)
    for (const auto& g : p.goals) {
      if (g.label.empty()) {
        title.clear();
        break;
      }
      title += (title.empty() ? "" : " · ") + g.label;
    }
  if (title.empty()) title = p.lang == "zh" ? "指标报告" : "KPI report";
  // The actions on what the run shows, measured as of the same day.
  std::vector<actions::View> actions = actions_of ? actions_of(r.as_of) : std::vector<actions::View>{};
  for (const std::string& f : formats) {
    const output::Writer* writer = output::FindWriter(f);
    if (!writer) throw std::logic_error("--format `" + f + "` was not checked");  // Formats() checks them
    texts->push_back(writer->render(output::Context{p, r, title, color, stamp, &actions, width}));
  }
  if (!o.fail_on.empty()) {
    for (const auto& g : r.goals)
      for (const auto& a : g.alerts)
        if (SeverityRank(a.severity) >= SeverityRank(o.fail_on)) return kExitAlerts;
  }
  return kExitOk;
}

exec::CacheSettings CacheSettingsOf(const RunOptions& o) {
  exec::CacheSettings cs;
  cs.dir = exec::DefaultStateCacheDir();
  if (!o.cache_size.empty())
    cs.max_bytes = exec::ParseByteSize(o.cache_size, "--cache-size");
  else if (const char* e = std::getenv("KPIC_CACHE_SIZE"); e && *e)
    cs.max_bytes = exec::ParseByteSize(e, "KPIC_CACHE_SIZE");
  return cs;
}

exec::ExecOptions ExecOptionsOf(const RunOptions& o) {
  exec::ExecOptions eo;
  eo.engine = o.engine;
  eo.no_stream = o.no_stream;
  eo.skip_bad_rows = o.on_bad_row == "skip";
  eo.binds = exec::ParseBinds(o.binds);
  eo.limits.max_groups = o.max_groups;
  eo.limits.max_distinct = o.max_distinct;
  return eo;
}

namespace {

/// A path with the values of its Hive partition folders (`region=EAST`)
/// left out, `region=…`: under a role, a file's folder may name a member
/// outside it.
std::string WithoutPartitionValues(const std::string& path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view seg(path.data() + start, end - start);
    size_t eq = seg.find('=');
    bool last = end == path.size();
    // The file's own name is kept (a partition is a folder).
    out += !last && eq != std::string_view::npos ? std::string(seg.substr(0, eq + 1)) + "…" : std::string(seg);
    if (last) break;
    out += '/';
    start = end + 1;
  }
  return out;
}

}  // namespace

rt::DataError RedactedForRole(const rt::DataError& e, const std::string& role) {
  if (role.empty()) return e;
  // A database's own message may quote a row the statement met, outside
  // the role (a view's failed cast): only what failed is shown.
  if (const auto* db = dynamic_cast<const rt::DatabaseMessageError*>(&e))
    return rt::DataError(WithoutPartitionValues(e.file()), 0, "", "",
                         fmt::format("{} failed{}; the database's message is not shown, as it may quote a row "
                                     "outside role `{}`'s access (run as a role that may see every row for the "
                                     "details)",
                                     db->failed(), db->code().empty() ? "" : " (" + db->code() + ")", role),
                         false);
  // Under a role, a bad row may be another member's: its file and line
  // are shown, never its value (the run stops for every role alike), nor
  // the partition values in the file's path.
  if (e.line() == 0 && e.value().empty()) {
    std::string file = WithoutPartitionValues(e.file());
    if (file == e.file()) return e;
    return rt::DataError(file, 0, e.column(), "", e.reason(), false);
  }
  return rt::DataError(WithoutPartitionValues(e.file()), e.line(), e.column(), "",
                       fmt::format("a row that may be outside role `{}`'s access is invalid; its value is not shown "
                                   "(run as a role that may see every row for the details)",
                                   role),
                       false);
}

exec::Execution ExecutePlan(const plan::Plan& p, const exec::ExecOptions& eo) {
  try {
    return exec::Execute(p, eo);
  } catch (const rt::DataError& e) {
    if (p.role.empty()) throw;
    throw RedactedForRole(e, p.role);
  }
}

std::string StampSideFile(const std::string& csv_path) { return csv_path + ".stamp.json"; }

/// The actions a run shows: those on its goals, or on a metric it shows
/// (a goal's or an output's), with their effects measured under its role.
std::vector<actions::View> RunActions(const Session& s, const RunOptions& o, const plan::Request& req,
                                      const plan::Plan& p, std::optional<int32_t> as_of) {
  if (s.actions.empty()) return {};
  std::set<std::string> goals, metrics;
  for (const plan::GoalPlan& g : p.goals) {
    goals.insert(g.name);
    metrics.insert(g.metric);
  }
  for (const plan::Output& out : p.outputs) metrics.insert(out.metric);
  const ir::Module& m = s.catalog.checked.ir;
  // With --as-of, the log as it stood that day (ActionViews); without it,
  // one logged after the data's last day is shown.
  auto keep = [&](const actions::Action& a) {
    return goals.count(a.goal) || (a.goal.empty() && metrics.count(actions::MeasuredMetric(a, m)));
  };
  plan::Request base;
  base.role = p.role;
  base.params = req.params;
  base.lang = p.lang;
  return ActionViews(s, o, base, p.lang, as_of, p.as_of_day, keep);
}

namespace {

/// Runs the plan's scans (the calendar's zone loaded, the state cache
/// unless --no-cache) and hands the execution to `then`, engine errors
/// mapped to exit codes (WithEngineErrors).
int Execute(const RunOptions& o, plan::Plan& p,
            const std::function<int(exec::Execution&, const exec::ExecOptions&)>& then) {
  auto zone = LoadZone(p);
  if (zone) p.calendar.zone = &*zone;
  exec::ExecOptions eo = ExecOptionsOf(o);
  std::optional<exec::StateCache> cache;
  if (!o.no_cache) {
    cache.emplace(CacheSettingsOf(o));
    eo.cache = &*cache;
  }
  return WithEngineErrors([&] {
    exec::Execution ex = ExecutePlan(p, eo);
    return then(ex, eo);
  });
}

}  // namespace

int Evaluate(const RunOptions& o, const CommonOptions& common, const Session& s,
             const std::vector<std::string>& formats, std::vector<std::string>* texts, nlohmann::ordered_json* stamp) {
  plan::Request req = ToRequest(o);
  plan::Plan p = MakePlan(s, req);
  CheckForecast(o, p);
  // Fingerprinted before the data is read: what the numbers come from.
  // The files are hashed only for an output that carries the stamp.
  bool stamped = stamp != nullptr;
  for (const std::string& f : formats) stamped |= f == "json" || f == "html";
  nlohmann::ordered_json own = MakeStamp("run", o, s, p, stamped);
  return Execute(o, p, [&](exec::Execution& ex, const exec::ExecOptions& eo) {
    ActionsOf actions_of = [&](std::optional<int32_t> as_of) { return RunActions(s, o, req, p, as_of); };
    int code = Report(o, common, p, ex, eo.limits, formats, texts, &own, actions_of);
    if (stamp) *stamp = own;
    return code;
  });
}

int MemberSeesRows(const RunOptions& o, const Session& s, const std::string& param) {
  plan::Request req = ToRequest(o);
  req.member_param = param;
  plan::Plan p = MakePlan(s, req);
  return Execute(o, p, [&](exec::Execution& ex, const exec::ExecOptions&) {
    bool named = false;
    for (const plan::Plan::Audit& a : p.audits) {
      if (!a.member) continue;
      named = true;
      if (AuditTotal(p, ex, a.scan, a.rows) > 0) return 1;
    }
    return named ? 0 : 1;
  });
}

int RunRun(const RunOptions& o, const CommonOptions& common) {
  if (!o.each.empty()) return RunBurst(o, common);
  std::vector<std::string> formats = Formats(o);
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return kExitInputErrors;
  std::vector<std::string> texts;
  nlohmann::ordered_json stamp;
  bool side_file = formats[0] == "csv" && !o.output.empty();
  int code = Evaluate(o, common, *s, formats, &texts, side_file ? &stamp : nullptr);
  if (code != kExitOk && code != kExitAlerts) return code;  // an engine error, already reported
  if (o.output.empty()) {
    std::fputs(texts[0].c_str(), stdout);
  } else {
    // A CSV keeps its documented shape: its stamp goes beside it (not
    // beside a device or a FIFO: /dev/null.stamp.json).
    if (WriteSpecialFile(o.output, texts[0])) return code;
    if (formats[0] == "csv") WriteFileAtomically(StampSideFile(o.output), stamp.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    WriteFileAtomically(o.output, texts[0]);
  }
  return code;
}

int RunEmitPlan(const RunOptions& o, const CommonOptions& common) {
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return 1;
  plan::Plan p = MakePlan(*s, ToRequest(o));
  if (o.emit == "plan") {
    std::fputs(PrintableLines(plan::Dump(p)).c_str(), stdout);
    return 0;
  }
  for (size_t i = 0; i < p.scans.size(); ++i) std::fputs(KernelIr(p.scans[i], static_cast<int>(i)).c_str(), stdout);
  return 0;
}

}  // namespace kpic
