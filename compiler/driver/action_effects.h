// The package's actions with their measured effects, for `kpic run` and
// `kpic action list` (actions/effect.h).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "actions/effect.h"
#include "driver/run.h"
#include "driver/session.h"
#include "plan/plan.h"

namespace kpic {

/// Each action of the session the run may show, with its effect measured
/// under the request's role and parameters (`base`) as of `as_of` (the
/// run's as-of date; none: the last day with rows of each action's
/// metric), labels in `lang`. With `stated_as_of` (--as-of), an action
/// begun after that day is left out and one closed after it is open. Under a
/// role an action appears only when its member is one the role sees, or,
/// without a member, when the role reads every row.
std::vector<actions::View> ActionViews(const Session& s, const RunOptions& o, const plan::Request& base,
                                       const std::string& lang, std::optional<int32_t> as_of,
                                       std::optional<int32_t> stated_as_of,
                                       const std::function<bool(const actions::Action&)>& keep = {});

/// The members of `metric` by the action's dimensions in the data, as
/// "v1, v2" keys, for checking an action's member (E0901); returns why the
/// data could not be read, or "".
std::string MemberCheck(const Session& s, const RunOptions& o, const actions::Action& a, const std::string& metric,
                        std::vector<std::string>* members);

}  // namespace kpic
