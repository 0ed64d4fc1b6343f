// The presentation layer of the outputs people read (the HTML report for
// now): how a number is shown, from its metric's `format` pattern or, without
// one, from its unit. JSON and CSV keep exact raw values and never use it.
//
//   money (CNY, CNY/order)   ¥131,772.40   (the currency's minor unit)
//   other currencies          $1,234.50, 1,234 KRW
//   percentages               4.28%, 35.0%   (2 decimals below 10%, else 1)
//   their changes             −0.52 pp       (percentage points)
//   durations (hour, day)     3.5 h, 2.0 d
//   counts                    12,282
//
// Minus is U+2212, thousands are grouped with `,`. Exact values (decimals,
// integers) are rounded half away from zero in integer arithmetic, so a
// cent is never lost to binary floating point.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/number_format.h"
#include "engine/engine.h"

namespace kpic::output {

struct Look {
  NumberFormat f;        ///< prefix, suffix, grouping, decimals, percent
  bool pattern = false;  ///< from the metric's `format` (decimals fixed)
  bool fixed = false;    ///< decimals fixed by the unit (money, durations)
  bool count = false;    ///< a count: exact values without decimals
};

/// The look of a metric's numbers: its `format` pattern when it has one,
/// else its unit's (`CNY`, `percent`, `order`, `hour`, `1`).
Look LookOf(const std::string& format, const std::string& unit, bool percent);
/// A percentage (an alert's ratio, an attainment).
Look PercentLook();

/// A value for people; "—" for null or a non-finite number.
std::string Show(const engine::Val& v, const Look& l);
std::string Show(double v, const Look& l);
/// A change, with its sign: `+1,630.04`, `−¥9,592.34`; a percentage's
/// change in percentage points, `−0.52 pp`.
std::string ShowChange(const engine::Val& v, const Look& l);
std::string ShowChange(double v, const Look& l);
/// A decomposition's contributions as shown: when the total's change is
/// shown with fixed decimals (money), each rounded to them so that they
/// add up to the change shown (largest remainders take the odd cents;
/// none moves by more than one in its last decimal). Terms rounded one by
/// one read +100.66, −1,353.50 and +766.04 beside a total of −486.81
/// (reader's probe, 2026-12-07). Otherwise the contributions as they are.
std::vector<engine::Val> ShownContributions(const engine::DecompositionResult& d, const Look& total);

/// An attainment or a pace as a percentage with one decimal. One below
/// 100% never shows as 100.0%: a conversion of 4.5986% against 4.6% read
/// "100.0%" beside "at risk" (reader's probe, 2026-12-06).
std::string RatioText(double r);
/// A value and its target for people, as Show, but with one more decimal
/// (up to three more) while they differ and would show alike (4.60% and
/// 4.60% beside "at risk" show 4.599% and 4.600%).
std::pair<std::string, std::string> ShowApart(const engine::Val& v, const engine::Val& t, const Look& l);

/// The look of a fired alert's value: a percentage, or the compared
/// side's unit and format (from the goal's plan, by the alert's name and
/// severity).
Look AlertLook(const engine::GoalResult& g, const engine::FiredAlert& a);

/// Alerts as a digest groups them: by rule (name) and severity, critical
/// first, then warning, then the rest; within a group the largest value
/// (in magnitude) first, and groups by their largest. Only the alerts
/// `keep` accepts.
using AlertGroups = std::vector<std::vector<const engine::FiredAlert*>>;
AlertGroups GroupAlerts(const std::vector<engine::FiredAlert>& alerts,
                        const std::function<bool(const engine::FiredAlert&)>& keep);
/// Which alerts of a group a digest lists before "and N more": the first
/// `each` of the goal's totals (one per period, the latest first) and the
/// first `each` of its members'. The totals of earlier months had been
/// folded behind a closed store's (reader's probe, 2026-12-07).
std::vector<bool> ListedAlerts(const std::vector<const engine::FiredAlert*>& group, size_t each);
/// How a report's chart is drawn. Its kind (`as pie`) where the chart can
/// be drawn so, else another way and why (W0015 at check; a kind had been
/// accepted and ignored: reader's probe, 2026-12-07).
enum class Drawn { kTrend, kArea, kBars, kPie, kScorecard, kMembers, kTable };
struct ChartDrawing {
  Drawn drawn = Drawn::kTable;
  std::string instead;  ///< empty when drawn as its kind; else what is drawn, in words
  std::string why;      ///< why not as its kind
};
ChartDrawing HowDrawn(const plan::Output& chart);
/// "3 alerts" / "3 条".
std::string AlertCount(size_t n, const std::string& lang);
/// A fired alert's value for people: the value, or for an alert on the
/// forecast what it is ("全期达成概率 2%", "chance of meeting the goal
/// 2%"): a probability shown as 0.00% beside a month read as that month's.
std::string AlertValueText(const engine::FiredAlert& a, const Look& l, const std::string& lang);

/// A number where room is short (a scorecard's headline, chart axes): in
/// `zh`, amounts of 10,000 or more in 万 (10^4) and of 10^8 or more in 亿,
/// with at most 2 decimals and no trailing zeros (¥13.18万, −¥1.2亿);
/// otherwise, and always for percentages, as Show. `change` adds the sign
/// of a change. Tables, bar labels and hover texts keep the exact Show.
std::string ShowCompact(double v, const Look& l, const std::string& lang, bool change = false);

}  // namespace kpic::output

namespace kpic::output {

/// What a goal's decomposition and drill compare, for people in the
/// report's language: `2026-12 vs 2026-11` / `2026-12 对比 2026-11`, or for
/// a partial period its days against the same days of the one before.
std::string ComparedPhrase(const engine::GoalResult& g, const plan::Plan& p);
/// A bridge over a partial period: where its opening balance is read
/// ("opening: the value on 2026-11-30"), else "".
std::string OpeningPhrase(const engine::DecompositionResult& d, const plan::Plan& p);
/// Why a decomposition's identity does not hold, for people: "does not hold:
/// gap $3.00", or, when it cannot be checked, "cannot be checked:
/// `bal.previous` has no value"; "" when it holds. `member`: said of one
/// member of a drill.
std::string IdentityNote(const engine::DecompositionResult& d, const plan::Plan& p, bool member = false);
/// A goal's forecast in one sentence: the value expected at the end, its
/// 80% and 95% intervals, the target and the chance of meeting it, numbers
/// in the goal's look.
std::string OutlookSentence(const engine::GoalOutlook& o, const Look& look, const plan::Plan& p);
/// A goal's progress: the value and target to date, and the straight-line
/// projection to the end of its period against the whole target.
std::string ProgressSentence(const engine::GoalResult& g, const Look& look, const plan::Plan& p);
/// The in-progress period of a forecast: its value so far and the share of
/// its days gone; "" when the forecast starts on a whole period.
std::string InProgressSentence(const engine::GoalOutlook& o, rt::Grain g, const Look& look, const plan::Plan& p);

}  // namespace kpic::output
