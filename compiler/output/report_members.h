// The drill-through data of the HTML report: for each member listed in a
// goal's drill-down tables, its own series over the goal's periods (the
// drill's value and the member's own target, as the engine evaluated them
// under the run's role: engine::DrillResult::Member::series), its change
// between the compared periods and the alerts fired for it. The page
// embeds it as <script type="application/json" id="kpic-members"> (data,
// not script) and the page's script (report_script.h) shows it on click.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "output/present.h"
#include "plan/plan.h"

namespace kpic::output {

/// The members of a drill-down in the order its table lists them: the
/// largest changes (top), then the smallest, smallest last.
std::vector<const engine::DrillResult::Member*> ListedMembers(const engine::DrillResult& dr);

/// The id of the listed member `k` of drill `d` of goal `g`: `g0d1m2`.
std::string MemberId(size_t g, size_t d, size_t k);
/// The id of goal `g`'s periods (its trend table's data-periods): `g0`.
std::string GoalId(size_t g);

/// Draws a member's trend (html.cc's TrendChart): labels, values, targets,
/// look, partial periods.
using TrendFn = std::function<std::string(const std::vector<std::string>&, const std::vector<std::optional<double>>&,
                                          const std::vector<std::optional<double>>&, const Look&,
                                          const std::vector<bool>&)>;

/// The JSON object of every listed member by MemberId, with `<` written
/// `\u003c` (safe inside a <script> element); "" when no goal has one.
std::string MembersJson(const plan::Plan& p, const engine::Results& r, const TrendFn& trend);

}  // namespace kpic::output
