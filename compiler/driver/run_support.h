// Steps shared by the commands that evaluate a selection (`run`, `sql`,
// `compile --emit plan|llvm-ir|sql`): load and check, build the request and
// the plan.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "driver/run.h"
#include "driver/session.h"
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

}  // namespace kpic
