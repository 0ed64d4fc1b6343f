// Input collection, stdlib discovery and the front-end pipeline.
#include "driver/session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/parallel.h"
#include "output/present.h"
#include "plan/lower.h"
#include "syntax/parse.h"

namespace kpic {

namespace fs = std::filesystem;

namespace {

/// Walks a folder for `.kpi` files (symbolic links to folders are not
/// followed, so a link cannot make a loop); what cannot be read is a
/// problem to report, never an exception.
void Walk(const fs::path& dir, int depth, Inputs* in) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    in->problems.push_back({dir.string(), fmt::format("cannot read folder `{}`: {}", dir.string(), ec.message())});
    return;
  }
  std::vector<fs::path> files, dirs;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    std::error_code lec, sec;
    fs::file_status link = it->symlink_status(lec);
    bool kpi = p.extension() == ".kpi";
    if (fs::is_symlink(link)) {
      fs::file_status target = fs::status(p, sec);
      if (sec || !fs::exists(target)) {
        if (kpi)
          in->problems.push_back({p.string(), fmt::format("cannot read file `{}`: the link leads nowhere ({})",
                                                          p.string(), sec ? sec.message() : "no such file")});
        continue;
      }
      if (kpi && fs::is_regular_file(target)) files.push_back(p);
      continue;
    }
    if (fs::is_directory(link)) {
      // A package's `actions/` folder holds its action log, not .kpi files.
      if (p.filename() == "actions") continue;
      dirs.push_back(p);
    } else if (kpi && fs::is_regular_file(link)) {
      files.push_back(p);
    }
  }
  if (ec)
    in->problems.push_back({dir.string(), fmt::format("cannot read folder `{}`: {}", dir.string(), ec.message())});
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& f : files) in->files.push_back(f.string());
  if (depth >= 64) {
    if (!dirs.empty())
      in->problems.push_back({dir.string(), fmt::format("folder `{}` is nested more than 64 levels deep; its "
                                                        "subfolders were not read",
                                                        dir.string())});
    return;
  }
  for (const fs::path& d : dirs) Walk(d, depth + 1, in);
}

}  // namespace

Inputs CollectInputs(const std::vector<std::string>& paths) {
  Inputs in;
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      throw UsageError(fmt::format("cannot read {}: {}", p, ec.message()));
    if (ec || !fs::exists(st)) throw UsageError(fmt::format("no such file or directory: {}", p));
    if (fs::is_directory(st)) {
      Inputs found;
      Walk(p, 0, &found);
      // Sorted as one list, as before: files of a folder before its subfolders' files interleave by name.
      std::sort(found.files.begin(), found.files.end());
      out.insert(out.end(), found.files.begin(), found.files.end());
      in.problems.insert(in.problems.end(), found.problems.begin(), found.problems.end());
    } else {
      out.push_back(p);
    }
  }
  // The same file named twice is read once.
  std::set<std::string> seen;
  for (const std::string& f : out) {
    std::error_code ec;
    std::string key = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : key).second) in.files.push_back(f);
  }
  return in;
}

void ReportInputProblems(Session& s, const std::vector<InputProblem>& problems) {
  for (const InputProblem& p : problems) {
    FileId id = s.sm.Add(p.path, std::string());
    s.diags.Report(DiagCode::E0005, Span{id, 0, 0}, p.message).span_label = "not read";
  }
}

std::optional<std::string> FindStdlib(const SessionOptions& options) {
  if (options.no_stdlib) return std::nullopt;
  if (options.stdlib_dir) return options.stdlib_dir;
  if (const char* env = std::getenv("KPIC_STDLIB"); env && *env) return std::string(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path candidate :
         {exe.parent_path().parent_path() / "stdlib", exe.parent_path().parent_path() / "share" / "kpic" / "stdlib"}) {
      if (fs::is_directory(candidate, ec)) return candidate.string();
    }
  }
#ifdef KPIC_SOURCE_STDLIB
  if (fs::is_directory(KPIC_SOURCE_STDLIB, ec)) return std::string(KPIC_SOURCE_STDLIB);
#endif
  return std::nullopt;
}

namespace {

/// Reads a whole file with POSIX calls so that every failure has an errno.
/// A file larger than `max_bytes` is not read: `*too_large` gets its size.
bool ReadWholeFile(const std::string& path, std::string* out, int* error, size_t max_bytes, size_t* too_large) {
  // O_NONBLOCK: a FIFO named as an input does not wait for a writer; only
  // regular files are read (a device such as /dev/zero never ends).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *error = errno;
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
    ::close(fd);
    return false;
  }
  if (static_cast<size_t>(st.st_size) > max_bytes) {  // E0004, without reading (or holding) it
    *too_large = static_cast<size_t>(st.st_size);
    ::close(fd);
    return true;
  }
  // The size as of now (a growing file reads on, to one byte past the
  // limit): no regrowth of a large package's text, whose doubling left a
  // third of its block unused.
  out->reserve(static_cast<size_t>(st.st_size) + 1);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = errno;
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > max_bytes) break;  // E0004 from the parser
  }
  ::close(fd);
  return true;
}

void ReadAndParse(Session& s, const std::string& path, bool stdlib) {
  std::string text;
  int error = 0;
  size_t too_large = 0;
  bool ok = ReadWholeFile(path, &text, &error, s.parse.max_file_bytes, &too_large);
  FileId id = s.sm.Add(path, ok ? std::move(text) : std::string());
  if (too_large) {
    ReportFileTooLarge(s.diags, id, too_large, s.parse);
    s.files.push_back(std::make_unique<ast::File>());
    s.files.back()->id = id;
    return;
  }
  if (!ok) {
    std::error_code ec(error, std::generic_category());
    s.diags.Report(DiagCode::E0001, Span{id, 0, 0},
                   fmt::format("cannot read file `{}`: {}", path,
                               error == ENODEV ? "not a regular file (a device, pipe or socket)" : ec.message()));
    s.files.push_back(std::make_unique<ast::File>());
    s.files.back()->id = id;
    return;
  }
  if (stdlib) s.stdlib_files.insert(id);
  s.files.push_back(ParseFile(s.sm, id, s.diags, s.parse));
}

}  // namespace

std::unique_ptr<Session> LoadAndParse(const std::vector<std::string>& paths) {
  auto s = std::make_unique<Session>();
  Inputs in = CollectInputs(paths);
  ReportInputProblems(*s, in.problems);
  for (const std::string& f : in.files) ReadAndParse(*s, f, false);
  s->user_files = s->files.size();
  return s;
}

/// What `check` accepts, `run` computes: each goal of a clean package is
/// lowered as `kpic run --goal` would lower it, and a request the grain of
/// the goal cannot answer (E0602: `.to_date(year)` in an alert of a goal by
/// week, `.rolling(4 weeks)` by month, a goal by the default month reading
/// `.avg(week)`) is E0320 here, on the goal, where the editor shows it.
void PlanChecks(const ir::Module& ir, DiagnosticSink& diags, bool parallel) {
  if (diags.has_errors()) return;
  // A report's chart its grain cannot answer is left out of the report at
  // run (W0705); planned here as `kpic run --report` plans it (without the
  // report's role: what it hides is W0006's), it is W0010 on the chart.
  for (const ir::Report& rep : ir.reports) {
    plan::Request r;
    r.report = rep.name;
    r.report_charts_only = true;
    plan::Plan p;
    try {
      p = plan::Lower(ir, r);
    } catch (const plan::PlanError&) {
      continue;  // what else fails is the run's to say
    }
    for (const auto& [index, why] : p.charts_by_grain) {
      if (index >= rep.charts.size()) continue;
      const ir::Report::Chart& c = rep.charts[index];
      auto& d = diags.Report(DiagCode::W0010, c.span,
                               fmt::format("chart `{}` of report `{}` will be left out: {}", c.text, rep.name, why));
      d.span_label = "this chart";
      d.Help("chart it by a grain whose periods each lie in one period of the operator, or chart the metric itself");
    }
    for (const plan::Output& o : p.charts) {
      output::ChartDrawing how = output::HowDrawn(o);
      if (how.instead.empty() || o.chart_index < 0 || static_cast<size_t>(o.chart_index) >= rep.charts.size()) continue;
      const ir::Report::Chart& c = rep.charts[static_cast<size_t>(o.chart_index)];
      auto& d = diags.Report(DiagCode::W0015, c.span,
                             fmt::format("chart `{}` of report `{}` is drawn as {}, not as {} {}: {}", c.text, rep.name,
                                         how.instead, o.chart == "area" ? "an" : "a", o.chart, how.why));
      d.span_label = "drawn as " + how.instead;
    }
  }
  // Each goal is planned on its own (on two threads: 2,000 goals took a
  // tenth of checking a 10 MB package), and reported in the goals' order.
  std::vector<const ir::Goal*> goals;
  for (const ir::Goal& g : ir.goals)
    if (g.from_day || g.to_day) goals.push_back(&g);  // no period: --from and --to say (E0602 at run)
  std::vector<std::optional<std::string>> refused(goals.size());  // E0602's reason
  ParallelFor(goals.size(), parallel ? 16 : kSerial, [&](size_t i) {
    plan::Request r;
    r.goals = {goals[i]->name};
    try {
      plan::Lower(ir, r);
    } catch (const plan::PlanError& e) {
      if (e.code == "E0602") refused[i] = e.what();
    }
  });
  for (size_t i = 0; i < goals.size(); ++i) {
    if (!refused[i]) continue;
    const ir::Goal& g = *goals[i];
    auto& d = diags.Report(DiagCode::E0320, g.span,
                           fmt::format("goal `{}` cannot be evaluated by its grain: {}", g.name, *refused[i]));
    d.span_label = "this goal";
    d.Help("choose a grain whose periods each lie in one period of the operator, or an operator over a grain that "
           "makes up the goal's");
  }
}

namespace {

/// Adds the stdlib (except files already given as user files), then checks.
void AddStdlibAndCheck(Session& s, const std::set<std::string>& user, const SessionOptions& options) {
  s.user_files = s.files.size();
  if (auto dir = FindStdlib(options)) {
    std::error_code ec;
    if (!fs::is_directory(*dir, ec)) throw UsageError(fmt::format("stdlib directory not found: {}", *dir));
    Inputs in = CollectInputs({*dir});
    ReportInputProblems(s, in.problems);
    for (const std::string& f : in.files) {
      // A stdlib file passed explicitly is read once, as a user file.
      if (user.count(fs::weakly_canonical(f, ec).string())) continue;
      ReadAndParse(s, f, true);
    }
  }
  CheckInput input;
  for (const auto& f : s.files) input.files.push_back(f.get());
  input.stdlib_files = s.stdlib_files;
  input.check_only = options.check_only;
  s.catalog = Check(input, s.sm, s.diags);
  PlanChecks(s.catalog.checked.ir, s.diags, options.check_only);
  s.diags.SortByPosition();
}

}  // namespace

std::unique_ptr<Session> LoadAndCheck(const std::vector<std::string>& paths, const SessionOptions& options) {
  auto s = std::make_unique<Session>();
  s->parse = options.parse;
  s->diags.set_max_per_file(options.max_errors);
  std::set<std::string> user;
  Inputs in = CollectInputs(paths);
  ReportInputProblems(*s, in.problems);
  for (const std::string& f : in.files) {
    std::error_code ec;
    user.insert(fs::weakly_canonical(f, ec).string());
    ReadAndParse(*s, f, false);
  }
  AddStdlibAndCheck(*s, user, options);
  // The action log of the package folders given (actions/*.action),
  // checked against what the package declares.
  s->actions = actions::Load(actions::Folders(paths), s->sm, s->diags);
  actions::Validate(s->actions, s->catalog.checked.ir, s->diags);
  s->diags.SortByPosition();
  return s;
}

std::unique_ptr<Session> CheckTexts(const std::vector<std::pair<std::string, std::string>>& files,
                                    const SessionOptions& options) {
  auto s = std::make_unique<Session>();
  s->parse = options.parse;
  std::set<std::string> user;
  for (const auto& [path, text] : files) {
    std::error_code ec;
    user.insert(fs::weakly_canonical(path, ec).string());
    FileId id = s->sm.Add(path, text);
    s->files.push_back(ParseFile(s->sm, id, s->diags, s->parse));
  }
  AddStdlibAndCheck(*s, user, options);
  return s;
}

}  // namespace kpic
