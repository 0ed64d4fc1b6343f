// Steps shared by the commands that evaluate a selection (`run`, `sql`,
// `compile --emit plan|llvm-ir|sql`): load and check, build the request and
// the plan.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "driver/run.h"
#include "driver/session.h"
#include "exec/execute.h"
#include "plan/plan.h"
#include "timezone.h"

namespace kpic {

SessionOptions ToSession(const CommonOptions& c);
/// Loads and checks; prints the errors when there are any.
std::unique_ptr<Session> Load(const RunOptions& o, const CommonOptions& common);
/// `a,b` and repeated flags as one list.
std::vector<std::string> SplitCommas(const std::vector<std::string>& in);
/// The selection options as a plan request (UsageError on bad values).
plan::Request ToRequest(const RunOptions& o);
/// Lowers the request (UsageError on unknown names).
plan::Plan MakePlan(const Session& s, const plan::Request& req);
/// The plan's calendar zone, loaded.
std::optional<rt::TimeZone> LoadZone(const plan::Plan& p);
/// A calendar zone by name (none when empty); UsageError when unknown.
std::optional<rt::TimeZone> LoadZone(const std::string& name);
/// The formats asked with --format, checked (UsageError): one, or with
/// --each a list; the default is table, html with --each.
std::vector<std::string> Formats(const RunOptions& o);
/// One complete evaluation of the selection over a loaded session: plan,
/// read, scan, evaluate, and each of `formats` rendered into `texts`, as
/// `kpic run` writes them. Returns kExitOk, kExitAlerts (--fail-on), or the
/// exit code of an engine error it has printed (overflow 3, a limit 5).
/// Throws UsageError (2) and rt::DataError (3).
/// `stamp`, when given, receives the run's stamp (driver/stamp.h), which
/// the JSON and HTML texts carry; a CSV's goes in a side file.
/// For `--each` over members found in the data: 1 when the role, with
/// `o`'s parameters (the member's among them), lets `param`'s value see a
/// row of some source whose rule compares `param`, else 0 (a member that
/// exists only outside what the other parameters allow); or an exit code
/// when the run fails. Runs the scans (their states are cached for the
/// member's evaluation) and reports nothing.
int MemberSeesRows(const RunOptions& o, const Session& s, const std::string& param);

int Evaluate(const RunOptions& o, const CommonOptions& common, const Session& s,
             const std::vector<std::string>& formats, std::vector<std::string>* texts,
             nlohmann::ordered_json* stamp = nullptr);
/// The side file of a CSV output's stamp: `FILE.stamp.json`.
std::string StampSideFile(const std::string& csv_path);

/// The execution options of the run options (engine, binds, limits).
exec::ExecOptions ExecOptionsOf(const RunOptions& o);
/// Executes the plan's scans; under a role, a bad row's value is not shown.
/// Throws rt::DataError (3).
exec::Execution ExecutePlan(const plan::Plan& p, const exec::ExecOptions& eo);
/// A data error as a run under `role` may show it: no value of a row, no
/// partition values in a file's path, no database's own message (which
/// may quote any row). Without a role, the error itself.
rt::DataError RedactedForRole(const rt::DataError& e, const std::string& role);
/// Runs an evaluation, mapping overflow and rate errors to exit 3 and
/// limits to exit 5 (printed).
int WithEngineErrors(const std::function<int()>& body);

}  // namespace kpic
