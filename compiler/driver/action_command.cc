// `kpic action add|close|list`: the package's action log (actions/actions.h).
#include "driver/action_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ranges>
#include <ctime>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "datetime.h"
#include "diag/registry.h"
#include "diag/render.h"
#include "driver/action_effects.h"
#include "driver/run_support.h"
#include "ir/ir.h"
#include "output/actions_text.h"

namespace kpic {

namespace fs = std::filesystem;

namespace {

std::string Folder(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return (dir / "actions").string();
}

/// Today in the package calendar's time zone, as every date of its data is
/// read (the machine's zone recorded 2026-12-06 where Shanghai was already
/// on the 7th: actions probe, 2026-12-07); UTC without one, as its data's
/// timestamps are then read.
int32_t Today(const Session& s) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string& zone_name = s.catalog.checked.ir.calendar.time_zone;
  if (!zone_name.empty())
    if (std::optional<rt::TimeZone> zone = LoadZone(zone_name)) now += zone->OffsetAt(now);
  return static_cast<int32_t>((now >= 0 ? now : now - 86399) / 86400);
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

int32_t DateOf(const std::string& text, const char* flag) {
  auto d = rt::ParseDate(text, rt::DateFormat{});
  if (!d) throw UsageError(fmt::format("{} `{}` is not a date: write YYYY-MM-DD", flag, text));
  return *d;
}

std::string Who(const std::string& given) {
  if (!given.empty()) return given;
  for (const char* var : {"KPIC_USER", "USER", "LOGNAME"})
    if (const char* v = std::getenv(var); v && *v) return v;
  throw UsageError("say who acts with --who NAME (or set KPIC_USER)");
}

/// Loads and checks the package; errors in its .kpi files stop the
/// command (exit 1), errors in other actions are shown and do not.
std::unique_ptr<Session> LoadPackage(const std::string& path, const CommonOptions& common, bool* ok) {
  RunOptions ro;
  ro.paths = {path};
  std::unique_ptr<Session> s = LoadAndCheck(ro.paths, ToSession(common));
  *ok = true;
  HumanStyle style;
  style.color = common.color == "always" || (common.color == "auto" && isatty(STDERR_FILENO));
  for (const Diagnostic& d : s->diags.diagnostics()) {
    if (d.severity != Severity::kError) continue;
    bool in_action = s->sm.Get(d.span.file).path.ends_with(".action");
    std::fprintf(stderr, "%s\n", RenderHuman(s->sm, d, style).c_str());
    if (!in_action) *ok = false;
  }
  if (!*ok) std::fprintf(stderr, "kpic: the package has errors; fix them first (kpic check %s)\n", path.c_str());
  return s;
}

/// The problems of one entry being written, without its JSON text; any
/// problem refuses it (what `kpic check` would warn of and leave out).
bool ReportNew(const DiagnosticSink& diags) {
  for (const Diagnostic& d : diags.diagnostics()) {
    std::fprintf(stderr, "error[%s]: %s\n", std::string(CodeName(d.code)).c_str(), d.message.c_str());
    for (const std::string& n : d.notes) std::fprintf(stderr, "  = %s\n", n.c_str());
  }
  return !diags.diagnostics().empty();
}

/// Appends an entry: an id in use or not an id is a usage error (2), a
/// failure to write a data error (3).
void Write(const std::string& folder, const std::string& id, const std::string& entry, bool create) {
  try {
    actions::Append(folder, id, entry, create);
  } catch (const actions::AppendError& e) {
    if (e.usage) throw UsageError(e.what());
    throw rt::DataError(folder, 0, "", "", e.what());
  }
}

/// Every text given on the command line is UTF-8 without control
/// characters (which would end up in a terminal or a page); the value is
/// not echoed.
void CheckText(const std::string& flag, const std::string& text) {
  if (FindInvalidUtf8(text) != std::string::npos)
    throw UsageError(fmt::format("{} is not valid UTF-8", flag));
  if (actions::HasControlText(text)) throw UsageError(fmt::format("{} holds a control character", flag));
}

}  // namespace

int RunActionAdd(const ActionOptions& a, const CommonOptions& common) {
  for (auto [flag, text] : {std::pair{"--what", &a.what}, std::pair{"--who", &a.who}, std::pair{"--goal", &a.goal},
                            std::pair{"--metric", &a.metric}, std::pair{"--alert", &a.alert},
                            std::pair{"--expected", &a.expected}, std::pair{"--id", &a.id}})
    CheckText(flag, *text);
  for (const std::string& m : a.members) CheckText("--member", m);
  CheckText("the name of who acts ($KPIC_USER)", Who(a.who));
  bool ok = false;
  std::unique_ptr<Session> s = LoadPackage(a.path, common, &ok);
  if (!ok) return kExitInputErrors;
  int32_t start = a.start.empty() ? Today(*s) : DateOf(a.start, "--start");
  std::string id = a.id.empty() ? actions::NewId(start) : a.id;
  if (!actions::ValidId(id)) throw UsageError("--id is not an action id: 1 to 64 letters, digits, - and _");
  nlohmann::ordered_json e;
  e["event"] = "open";
  e["id"] = id;
  e["at"] = NowUtc();
  e["by"] = Who(a.who);
  e["start"] = rt::FormatDate(start);
  if (!a.end.empty()) e["end"] = rt::FormatDate(DateOf(a.end, "--end"));
  if (!a.goal.empty()) e["goal"] = a.goal;
  if (!a.metric.empty()) e["metric"] = a.metric;
  if (!a.alert.empty()) e["alert"] = a.alert;
  if (!a.members.empty()) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    for (const std::string& kv : a.members) {
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError(fmt::format("--member expects DIMENSION=MEMBER, got `{}`", kv));
      if (m.contains(kv.substr(0, eq))) throw UsageError(fmt::format("--member {} is given twice", kv.substr(0, eq)));
      m[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    e["member"] = m;
  }
  e["what"] = a.what;
  if (!a.expected.empty()) e["expected"] = a.expected;
  if (a.window) e["window"] = a.window;
  std::string line = e.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  // The entry is read back as `kpic check` will read it, and checked.
  DiagnosticSink diags;
  std::string folder = Folder(a.path);
  std::vector<actions::Action> parsed =
      actions::Parse((fs::path(folder) / (id + ".action")).string(), line + "\n", s->sm, diags);
  if (!parsed.empty()) actions::Validate(parsed, s->catalog.checked.ir, diags);
  if (!parsed.empty() && diags.diagnostics().empty()) {
    // Its member must be one the data has (E0901).
    const actions::Action& act = parsed.front();
    std::string metric = actions::MeasuredMetric(act, s->catalog.checked.ir);
    if (!act.members.empty() && !metric.empty()) {
      RunOptions ro;
      ro.paths = {a.path};
      ro.binds = a.binds;
      std::vector<std::string> known;
      std::string problem = MemberCheck(*s, ro, act, metric, &known);
      if (!problem.empty()) {
        std::fprintf(stderr, "warning: the member was not checked against the data: %s\n", problem.c_str());
      } else {
        std::vector<std::string> values;
        for (const actions::Member& mem : act.members) values.push_back(mem.value);
        std::string key = fmt::format("{}", fmt::join(values, ", "));
        if (std::find(known.begin(), known.end(), key) == known.end()) {
          Diagnostic& d = diags.Report(DiagCode::E0901, act.members.front().span,
                                       fmt::format("no row of metric `{}` has the member {} ({})", metric, key,
                                                   fmt::join(act.members | std::views::transform(
                                                                               [](const actions::Member& m) {
                                                                                 return m.dim;
                                                                               }),
                                                             ", ")));
          if (auto near = Suggest(key, known)) d.Help(fmt::format("did you mean `{}`?", *near));
        }
      }
    }
  }
  if (ReportNew(diags) || parsed.empty()) {
    std::fprintf(stderr, "kpic: the action was not recorded\n");
    return kExitUsage;
  }
  Write(folder, id, line, true);
  if (a.format == "json") {
    nlohmann::ordered_json out;
    out["id"] = id;
    out["file"] = (fs::path(folder) / (id + ".action")).string();
    out["entry"] = e;
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("recorded action %s in %s\n", id.c_str(), (fs::path(folder) / (id + ".action")).c_str());
  }
  return kExitOk;
}

int RunActionClose(const ActionOptions& a, const CommonOptions& common) {
  for (auto [flag, text] : {std::pair{"--who", &a.who}, std::pair{"--note", &a.note}, std::pair{"ID", &a.id}})
    CheckText(flag, *text);
  bool ok = false;
  std::unique_ptr<Session> s = LoadPackage(a.path, common, &ok);
  if (!ok) return kExitInputErrors;
  const actions::Action* found = nullptr;
  std::vector<std::string> ids;
  for (const actions::Action& x : s->actions) {
    ids.push_back(x.id);
    if (x.id == a.id) found = &x;
  }
  if (!found) {
    auto near = Suggest(a.id, ids);
    throw UsageError(fmt::format("no action `{}` in {}{}", a.id, Folder(a.path),
                                 near ? fmt::format("; did you mean `{}`?", *near) : std::string()));
  }
  if (found->status != "open")
    throw UsageError(fmt::format("action `{}` is already {}: history is not rewritten", a.id, found->status));
  // Who acts is asked once the action is known (an unknown id said "say
  // who acts": probe, 2026-12-06).
  CheckText("the name of who acts ($KPIC_USER)", Who(a.who));
  int32_t end = a.end.empty() ? Today(*s) : DateOf(a.end, "--end");
  if (end < found->start)
    throw UsageError(fmt::format("--end {} is before the action's start {}", rt::FormatDate(end),
                                 rt::FormatDate(found->start)));
  nlohmann::ordered_json e;
  e["event"] = "close";
  e["id"] = a.id;
  e["at"] = NowUtc();
  e["by"] = Who(a.who);
  e["status"] = a.status;
  e["end"] = rt::FormatDate(end);
  if (!a.note.empty()) e["note"] = a.note;
  Write(Folder(a.path), a.id, e.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict), false);
  if (a.format == "json")
    std::printf("%s\n", e.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  else
    std::printf("action %s is %s as of %s\n", a.id.c_str(), a.status.c_str(), rt::FormatDate(end).c_str());
  return kExitOk;
}

int RunActionList(const ActionOptions& a, const CommonOptions& common) {
  bool ok = false;
  std::unique_ptr<Session> s = LoadPackage(a.path, common, &ok);
  if (!ok) return kExitInputErrors;
  RunOptions ro = a.run;
  ro.paths = {a.path};
  plan::Request base = ToRequest(ro);
  // Problems of action files are shown in full without a role. Under one
  // they are not even counted: an entry may be about another member, and
  // the count told a store manager that another store's entry was broken
  // (role probe, 2026-12-07). `kpic check` and runs without a role show them.
  if (base.role.empty())
    for (const Diagnostic& d : s->diags.diagnostics())
      if (d.severity == Severity::kWarning && s->sm.Get(d.span.file).path.ends_with(".action"))
        std::fprintf(stderr, "%s\n", RenderHuman(s->sm, d, HumanStyle{}).c_str());
  if (!base.role.empty()) {
    // The role and its parameters are checked as `kpic run` checks them.
    plan::Request probe = base;
    probe.all_goals = true;
    try {
      MakePlan(*s, probe);
    } catch (const UsageError& e) {
      if (!e.code.empty()) throw;
      if (std::string(e.what()).rfind("nothing to evaluate", 0) != 0) throw;
    }
  }
  std::string lang = ReportLanguage(s->catalog.checked.ir, ro.lang);
  base.lang = lang;
  std::vector<actions::View> views;
  int code = WithEngineErrors([&] {
    views = ActionViews(*s, ro, base, lang, base.as_of_day, base.as_of_day);
    return kExitOk;
  });
  if (code != kExitOk) return code;
  std::erase_if(views, [&](const actions::View& v) { return !a.only.empty() && v.action->status != a.only; });
  if (a.format == "json")
    std::printf("%s\n", output::ActionsJson(views, lang).dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  else
    std::fputs(output::ActionsText(views, lang).c_str(), stdout);
  return kExitOk;
}

}  // namespace kpic
