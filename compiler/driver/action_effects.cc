// The measured effects of the package's actions (actions/effect.h): per
// action, its metric by the action's dimensions over three windows, read
// under the run's role like every other number, then difference in
// differences against the members without an action.
#include "driver/action_effects.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "driver/run_support.h"
#include "engine/engine.h"
#include "ir/ir.h"
#include "output/values.h"

namespace kpic {

namespace {

using Key = std::vector<std::string>;

plan::Request Query(const plan::Request& base, const std::string& metric, const std::vector<std::string>& dims) {
  plan::Request req;
  req.metrics = {metric};
  req.by = dims;
  req.grain = rt::Grain::kAll;
  req.role = base.role;
  req.params = base.params;
  req.lang = base.lang;
  req.as_of_day = base.as_of_day;
  return req;
}

/// Runs one query of one metric; calls `use` with its result (the plan the
/// result points into lives until then).
void RunQuery(const Session& s, const RunOptions& o, const plan::Request& req,
              const std::function<void(const engine::Results&)>& use) {
  plan::Plan p = MakePlan(s, req);
  auto zone = LoadZone(p);
  if (zone) p.calendar.zone = &*zone;
  exec::ExecOptions eo = ExecOptionsOf(o);
  exec::Execution ex = ExecutePlan(p, eo);
  use(engine::Evaluate(p, ex.results, eo.limits, ex.rates, &ex.work));
}

/// A member's key: its dimensions' values as text.
Key KeyOf(const engine::Row& row, const engine::MetricResult& m) {
  Key k;
  for (size_t i = 0; i < row.dims.size(); ++i) k.push_back(output::DimText(row.dims[i], m.output->by_types[i]));
  return k;
}

/// The metric by `dims` over the days [from, to) (all days without them),
/// grain `all`, per member; `as_of` receives the last day with rows.
std::map<Key, double> Measure(const Session& s, const RunOptions& o, const plan::Request& base,
                              const std::string& metric, const std::vector<std::string>& dims,
                              std::optional<int32_t> from, std::optional<int32_t> to, plan::Output* out,
                              std::optional<int32_t>* as_of = nullptr) {
  plan::Request req = Query(base, metric, dims);
  req.from_day = from;
  req.to_day = to;
  std::map<Key, double> values;
  RunQuery(s, o, req, [&](const engine::Results& r) {
    if (as_of) *as_of = r.as_of;
    if (r.metrics.empty()) return;
    const engine::MetricResult& m = r.metrics.front();
    if (out) *out = *m.output;
    for (const engine::Row& row : m.rows) values[KeyOf(row, m)] = row.value.null() ? NAN : row.value.AsDouble();
  });
  return values;
}

/// The periods (at `grain`, over all the data the role may see) in which
/// each member has a value of the metric (not null, and for an additive
/// metric not zero).
std::map<Key, std::set<int64_t>> Coverage(const Session& s, const RunOptions& o, const plan::Request& base,
                                          const std::string& metric, const std::vector<std::string>& dims,
                                          rt::Grain grain, const rt::Calendar& calendar) {
  plan::Request req = Query(base, metric, dims);
  req.grain = grain;
  std::map<Key, std::set<int64_t>> out;
  RunQuery(s, o, req, [&](const engine::Results& r) {
    if (r.metrics.empty()) return;
    const engine::MetricResult& m = r.metrics.front();
    // Periods are dense: a sum over no rows is 0. A zero of an additive
    // metric is no activity, a gap like a null.
    bool additive = m.output->additivity == "additive";
    for (const engine::Row& row : m.rows) {
      if (row.value.null() || row.span.partial) continue;
      if (additive && row.value.AsDouble() == 0) continue;
      out[KeyOf(row, m)].insert(row.period);
    }
  });
  // A period counts for a member only when the member has a value near
  // both its ends: in its first days and in its last ones (or in the last
  // days of the data, when the data ends inside it). A store that opened on
  // 25 February has no whole February, one that closed on 10 August no
  // whole August, and when the data starts on 20 January no member has a
  // whole January (all were counted whole, which made a "clear effect" of
  // +36.9% out of nothing: actions probe, 2026-12-07). "Near" is a week,
  // and a quarter of a shorter period but at least two days, so that a
  // store closed on Sundays or one without a sale on the 1st keeps its
  // month or week (review, 2026-12-07).
  if (grain != rt::Grain::kDay) {
    req.grain = rt::Grain::kDay;
    std::map<Key, std::set<int64_t>> days;  // the days with a value
    RunQuery(s, o, req, [&](const engine::Results& r) {
      if (r.metrics.empty()) return;
      const engine::MetricResult& m = r.metrics.front();
      bool additive = m.output->additivity == "additive";
      for (const engine::Row& row : m.rows) {
        if (row.value.null() || (additive && row.value.AsDouble() == 0)) continue;
        days[KeyOf(row, m)].insert(row.period);
      }
    });
    int64_t data_last = INT64_MIN;
    for (const auto& [k, d] : days)
      if (!d.empty()) data_last = std::max(data_last, *d.rbegin());
    auto any_in = [](const std::set<int64_t>& d, int64_t lo, int64_t hi) {
      auto it = d.lower_bound(lo);
      return it != d.end() && *it <= hi;
    };
    for (auto& [k, periods] : out) {
      auto d = days.find(k);
      if (d == days.end()) continue;
      std::erase_if(periods, [&](int64_t q) {
        int64_t ps = rt::PeriodStart(grain, q, calendar), pe = int64_t{rt::PeriodEnd(grain, q, calendar)} - 1;
        int64_t near = std::min<int64_t>(7, std::max<int64_t>(2, (pe - ps + 1) / 4));
        int64_t last = std::min(pe, data_last);
        return !any_in(d->second, ps, ps + near - 1) || !any_in(d->second, last - near + 1, last);
      });
    }
  }
  return out;
}

/// Every period of the window has a value.
bool Covers(const std::set<int64_t>& have, const actions::Window& w) {
  if (w.periods() == 0) return false;
  for (int64_t q = w.first; q <= w.last; ++q)
    if (!have.count(q)) return false;
  return true;
}

/// The role reads every row of every source: a company-wide action is its
/// business too.
bool Unrestricted(const ir::Module& m, const std::string& role) {
  if (role.empty()) return true;
  const ir::Role* r = m.FindRole(role);
  if (!r) return false;
  for (const ir::Role::Item& item : r->items)
    if (!item.all || item.filter >= 0) return false;
  return r->items.size() >= m.sources.size();
}

bool Overlaps(const actions::Action& a, int32_t from, int32_t to) {
  int32_t end = a.end ? *a.end + 1 : INT32_MAX;
  return a.start < to && end > from;
}

}  // namespace

std::vector<actions::View> ActionViews(const Session& s, const RunOptions& o, const plan::Request& run_base,
                                       const std::string& lang, std::optional<int32_t> as_of,
                                       std::optional<int32_t> stated_as_of,
                                       const std::function<bool(const actions::Action&)>& keep) {
  // The queries see the data as of the stated date, as the run does: a
  // period it completes is whole (with the data ending on 15 March,
  // `--as-of 2026-03-31` made March whole in the windows but partial in
  // the members' coverage, "no value in March": probe, 2026-12-06).
  plan::Request base = run_base;
  if (stated_as_of) base.as_of_day = stated_as_of;
  const ir::Module& m = s.catalog.checked.ir;
  // The log as it stood on the --as-of date: an action begun after it was
  // not taken yet, and one closed after it was still open.
  auto known = std::make_shared<std::vector<actions::Action>>();
  for (const actions::Action& a : s.actions)
    if (!stated_as_of)
      known->push_back(a);
    else if (a.start <= *stated_as_of)
      known->push_back(actions::AsOf(a, *stated_as_of));
  std::vector<actions::View> views;
  for (const actions::Action& a : *known) {
    if (keep && !keep(a)) continue;
    actions::View v;
    v.action = &a;
    v.known = known;
    v.role = base.role;
    v.metric = actions::MeasuredMetric(a, m);
    const ir::Goal* goal = m.FindGoal(a.goal);
    if (goal) v.goal_label = ir::LabelIn(goal->name, goal->label, goal->labels, lang);
    std::vector<std::string> dims;
    for (const actions::Member& mem : a.members) {
      const ir::Dimension* d = m.FindDimension(mem.dim);
      v.members.push_back({d && !d->label.empty() ? d->label : mem.dim, mem.value});
      dims.push_back(mem.dim);
    }
    Key treated;
    for (const actions::Member& mem : a.members) treated.push_back(mem.value);
    // Under a role, an action appears only when the role may see its
    // member (or, for a company-wide action, every row).
    bool visible = base.role.empty() || (a.members.empty() && Unrestricted(m, base.role));
    if (v.metric.empty() || m.MetricIndex(v.metric) < 0) {
      v.problem = "no_metric";
      if (visible) views.push_back(std::move(v));
      continue;
    }
    if (int i = m.MetricIndex(v.metric); i >= 0) {
      const ir::Metric& mt = m.metrics[static_cast<size_t>(i)];
      v.metric_label = ir::LabelIn(mt.name, mt.label, mt.labels, lang);
    }
    rt::Grain grain = goal && goal->grain && *goal->grain != rt::Grain::kAll ? *goal->grain : rt::Grain::kMonth;
    plan::Output look;
    rt::Calendar probe_calendar;  // the plan's (its zone is not read here)
    std::map<Key, double> before, after, placebo;
    std::map<Key, std::set<int64_t>> covered;
    try {
      plan::Plan probe = MakePlan(s, Query(base, v.metric, dims));
      covered = Coverage(s, o, base, v.metric, dims, grain, probe.calendar);
      std::optional<int32_t> day = as_of;
      if (!day) Measure(s, o, base, v.metric, dims, std::nullopt, std::nullopt, nullptr, &day);
      if (!day) {
        v.problem = "no_data";
        if (visible) views.push_back(std::move(v));
        continue;
      }
      v.measured = true;
      v.windows = actions::WindowsOf(a, grain, probe.calendar, *day);
      probe_calendar = probe.calendar;
      const actions::Windows& w = v.windows;
      auto text = [&](const actions::Window& x) {
        if (x.periods() == 0) return std::string();
        std::string first = rt::PeriodLabel(grain, x.first, probe.calendar);
        return x.periods() == 1 ? first : first + " – " + rt::PeriodLabel(grain, x.last, probe.calendar);
      };
      v.before_text = text(w.before);
      v.after_text = text(w.after);
      v.placebo_text = text(w.placebo);
      before = Measure(s, o, base, v.metric, dims, w.before.from, w.before.to, &look);
      if (w.after.periods() > 0) after = Measure(s, o, base, v.metric, dims, w.after.from, w.after.to, &look);
      placebo = Measure(s, o, base, v.metric, dims, w.placebo.from, w.placebo.to, nullptr);
    } catch (const UsageError& e) {
      v.measured = false;
      v.problem = e.what();
      if (visible) views.push_back(std::move(v));
      continue;
    }
    const actions::Windows& w = v.windows;
    v.unit = look.unit;
    v.format = look.format;
    v.percent = look.percent;
    if (!look.label.empty()) v.metric_label = look.label;
    if (!visible && !a.members.empty()) visible = covered.count(treated) > 0;
    if (!visible) continue;
    // A member's window counts only when each of its periods has a value
    // (a missing period would count as nothing and move the sum).
    auto obs = [&](const Key& k) {
      actions::Obs x;
      const std::set<int64_t>& have = covered[k];
      if (auto it = before.find(k); it != before.end() && Covers(have, w.before)) x.before = it->second;
      if (auto it = after.find(k); it != after.end() && Covers(have, w.after)) x.after = it->second;
      if (auto it = placebo.find(k); it != placebo.end() && Covers(have, w.placebo)) x.placebo = it->second;
      return x;
    };
    if (w.after.periods() == 0 || a.status == "dropped") {
      v.effect.verdict = "too_little_data";
      // Over before a whole period from its start began: waiting gives none.
      v.effect.reason =
          a.end && *a.end + 1 < rt::PeriodEnd(grain, w.after.first, probe_calendar) ? "ended_before_period" : "no_after";
      actions::Obs t = obs(treated);
      v.effect.before = t.before;
      if (a.status == "dropped") {
        v.measured = false;
        v.problem = "dropped";
      }
      views.push_back(std::move(v));
      continue;
    }
    // Members acted on by another action on the same metric while the
    // windows run are not controls (probe and review, 2026-12-06):
    // - an action naming a dimension of this one's singles out members:
    //   those that match it (an action on store S1 acts on S1 x online,
    //   one on S2 x online on S2);
    // - an action on other dimensions only acts on a member whose rows all
    //   fall inside it (region N holds stores S1-S3), found in the data;
    //   one that cuts across members (channel online, for store actions)
    //   or a company-wide one acts on every member alike and excludes none.
    // Under a role, an action none of whose rows the role sees is left
    // out altogether (never named to it). An action acting on this one's
    // own member while its before or after window runs is named.
    struct Other {
      const actions::Action* action = nullptr;
      bool common = false;            ///< names a dimension of this action's
      std::set<Key> held;             ///< otherwise: members entirely inside it
    };
    std::vector<Other> others;
    // A company-wide action has no controls to leave out, nor a member to
    // name another action on: no query per other action (each reads the data).
    for (const actions::Action& other : *known) {
      if (a.members.empty()) break;
      if (&other == &a || other.status == "dropped" || other.members.empty()) continue;
      if (actions::MeasuredMetric(other, m) != v.metric || !Overlaps(other, w.placebo.from, w.after.to)) continue;
      Other x;
      x.action = &other;
      std::vector<std::string> both = dims;
      for (const actions::Member& om : other.members) {
        if (std::find(dims.begin(), dims.end(), om.dim) != dims.end())
          x.common = true;
        else
          both.push_back(om.dim);
      }
      std::map<Key, double> rows;
      try {
        rows = Measure(s, o, base, v.metric, both, w.placebo.from, w.after.to, nullptr);
      } catch (const UsageError&) {
        continue;  // a dimension the metric does not reach: it cannot act on these members
      }
      auto inside = [&](const Key& row) {
        for (const actions::Member& om : other.members) {
          size_t at = static_cast<size_t>(std::find(both.begin(), both.end(), om.dim) - both.begin());
          if (row[at] != om.value) return false;
        }
        return true;
      };
      std::map<Key, std::pair<bool, bool>> in_out;  // per member of this action's dimensions
      bool seen = false;
      for (const auto& [row, value] : rows) {
        Key part(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(dims.size()));
        bool in = inside(row);
        seen = seen || in;
        (in ? in_out[part].first : in_out[part].second) = true;
      }
      if (!seen) continue;  // no row of it that the role (or the windows) see
      for (const auto& [part, io] : in_out)
        if (io.first && !io.second) x.held.insert(part);
      others.push_back(std::move(x));
    }
    auto acts_on = [&](const Other& x, const Key& k) {
      if (!x.common) return x.held.count(k) > 0;
      for (const actions::Member& om : x.action->members) {
        auto it = std::find(dims.begin(), dims.end(), om.dim);
        if (it != dims.end() && k[static_cast<size_t>(it - dims.begin())] != om.value) return false;
      }
      return true;
    };
    for (const Other& x : others)
      if (!a.members.empty() && acts_on(x, treated) && Overlaps(*x.action, w.before.from, w.after.to))
        v.overlapping.push_back(x.action->id);
    std::set<Key> acted;
    for (const auto& [k, obs_k] : before)
      for (const Other& x : others)
        if (acts_on(x, k)) acted.insert(k);
    std::vector<actions::Obs> controls;
    if (!a.members.empty())
      for (const auto& [k, x] : before)
        if (!acted.count(k) && k != treated) controls.push_back(obs(k));
    bool relative = look.additivity == "additive" && !look.percent;
    v.effect = actions::Estimate(relative ? actions::Method::kRelative : actions::Method::kDifference, obs(treated),
                                 controls);
    if (!std::isfinite(v.effect.before) && std::isfinite(v.effect.after)) v.effect.reason = "no_before";
    if (a.status == "dropped") {
      // Not done: there is no effect to measure.
      v.measured = false;
      v.problem = "dropped";
    }
    views.push_back(std::move(v));
  }
  return views;
}

std::string MemberCheck(const Session& s, const RunOptions& o, const actions::Action& a, const std::string& metric,
                        std::vector<std::string>* members) {
  std::vector<std::string> dims;
  for (const actions::Member& mem : a.members) dims.push_back(mem.dim);
  try {
    for (const auto& [k, v] : Measure(s, o, plan::Request{}, metric, dims, std::nullopt, std::nullopt, nullptr))
      members->push_back(fmt::format("{}", fmt::join(k, ", ")));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace kpic
