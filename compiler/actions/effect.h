// The measured effect of an action: difference-in-differences of the
// action's member against the members without an action, over stated
// windows of whole periods (docs/language.md, "Measuring an action's
// effect"). Pure arithmetic over values the engine computed.
#pragma once

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actions/actions.h"
#include "calendar.h"

namespace kpic::actions {

/// Whole periods [first, last] at the grain, as days [from, to).
struct Window {
  int64_t first = 0, last = -1;
  int32_t from = 0, to = 0;
  int periods() const { return last >= first ? static_cast<int>(last - first + 1) : 0; }
};

struct Windows {
  rt::Grain grain = rt::Grain::kMonth;
  Window before, after;
  Window placebo;           ///< the W periods before `before`: the pre-trend check
  bool transition = false;  ///< the start's own period is left out (the action began within it)
  int64_t last_complete = 0;
};

/// The windows of an action at grain `g`: `after` is the first whole period
/// from the start on (the start's own period when the action began on its
/// first day), `before` the periods just before the start's period; each
/// `window` periods long, `after` cut at the action's end and at the last
/// period complete by `as_of`.
Windows WindowsOf(const Action& a, rt::Grain g, const rt::Calendar& c, int32_t as_of);

/// A member's metric over the three windows (NaN: no value).
struct Obs {
  double before = NAN, after = NAN, placebo = NAN;
};

enum class Method { kRelative, kDifference };

struct Effect {
  /// clear_up, clear_down, unclear, not_comparable, change_only, too_little_data
  std::string verdict;
  /// Why it is too little or only a change: no_after, no_before, no_member_data,
  /// no_controls, one_control, nonpositive; empty otherwise.
  std::string reason;
  Method method = Method::kRelative;
  double before = NAN, after = NAN;  ///< the member's
  double counterfactual = NAN;       ///< its after-value had it moved as the others did
  double estimate = NAN;             ///< relative: a ratio (0.37 = +37%); difference: in the metric's unit
  double lo = NAN, hi = NAN;         ///< 95% interval of `estimate` (when there are 2 controls or more)
  bool interval = false;
  double control_change = NAN;  ///< relative: the others' mean ratio - 1; difference: their mean change
  int controls = 0;
  /// The same estimate one window earlier (placebo) and its interval: an
  /// interval without 0 means the member already moved apart before.
  bool placebo_checked = false;
  double placebo = NAN, placebo_lo = NAN, placebo_hi = NAN;
};

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
double TQuantile975(int df);

/// The estimate for one treated member against the controls.
Effect Estimate(Method method, const Obs& treated, const std::vector<Obs>& controls);

}  // namespace kpic::actions

namespace kpic::actions {

/// An action as the outputs show it: the action, what measures it, and its
/// measured effect.
struct View {
  const Action* action = nullptr;
  std::shared_ptr<const std::vector<Action>> known;  ///< keeps `action` alive when it is an as-of copy
  std::string metric;        ///< the measured metric, or empty
  std::string metric_label;  ///< in the report's language
  std::string goal_label;
  std::string unit, format;  ///< the metric's, for showing its values
  bool percent = false;
  std::vector<std::pair<std::string, std::string>> members;  ///< (dimension label, member)
  bool measured = false;  ///< windows were worked out (an as-of date and a metric exist)
  Windows windows;
  std::string before_text, after_text, placebo_text;  ///< the windows' periods: `2025-10 – 2025-12`
  Effect effect;
  std::string problem;  ///< why it could not be measured (a message), when not measured
  /// Other actions on the same metric that act on this action's member (on
  /// it, or on a member that holds it) while its windows run: the measured
  /// change is theirs together.
  std::vector<std::string> overlapping;
  std::string role;  ///< measured under this role, over the rows it sees; empty: all rows
};

}  // namespace kpic::actions
