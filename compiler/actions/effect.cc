// Difference-in-differences for actions (effect.h).
#include "actions/effect.h"

#include <algorithm>
#include <numeric>

namespace kpic::actions {

Windows WindowsOf(const Action& a, rt::Grain g, const rt::Calendar& c, int32_t as_of) {
  Windows w;
  w.grain = g;
  int n = a.window > 0 ? a.window : kDefaultWindow;
  int64_t sp = rt::PeriodOf(g, a.start, c);
  w.transition = rt::PeriodStart(g, sp, c) != a.start;
  int64_t as_of_period = rt::PeriodOf(g, as_of, c);
  w.last_complete = rt::PeriodEnd(g, as_of_period, c) - 1 == as_of ? as_of_period : as_of_period - 1;
  w.after.first = w.transition ? sp + 1 : sp;
  w.after.last = std::min(w.after.first + n - 1, w.last_complete);
  // The period the action ends in counts only when it ran to that period's
  // last day: one that ended on 1 May was measured over all of May
  // (actions probe, 2026-12-07), as the period it starts in is left out
  // when it starts after that period's first day.
  if (a.end) {
    int64_t ep = rt::PeriodOf(g, *a.end, c);
    if (rt::PeriodEnd(g, ep, c) - 1 != *a.end) --ep;
    w.after.last = std::min(w.after.last, ep);
  }
  // The windows compared are as long as each other: an `after` cut short
  // (by the end, or by the data) shortens `before` to the periods nearest
  // the start, so that an amount over 3 months never meets one over 1.
  if (w.after.periods() > 0) n = w.after.periods();
  w.before.last = sp - 1;
  w.before.first = sp - n;
  w.placebo.last = w.before.first - 1;
  w.placebo.first = w.before.first - n;
  for (Window* x : {&w.before, &w.after, &w.placebo}) {
    x->from = rt::PeriodStart(g, x->first, c);
    x->to = x->periods() > 0 ? rt::PeriodEnd(g, x->last, c) : x->from;
  }
  return w;
}

double TQuantile975(int df) {
  static const double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return NAN;
  if (df <= 30) return kTable[df - 1];
  // Cornish-Fisher expansion around the normal quantile.
  const double z = 1.959963985;
  double d = df;
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

namespace {

struct Diff {
  double estimate = NAN, lo = NAN, hi = NAN, mean = NAN;
  int n = 0;
  bool interval = false;
};

/// The treated change minus the controls' mean change, with a 95%
/// prediction interval from the controls' spread (a single member against
/// the distribution of members without the action).
Diff DiD(double treated, const std::vector<double>& controls) {
  Diff d;
  d.n = static_cast<int>(controls.size());
  if (d.n == 0) return d;
  d.mean = std::accumulate(controls.begin(), controls.end(), 0.0) / d.n;
  d.estimate = treated - d.mean;
  if (d.n < 2) return d;
  double ss = 0;
  for (double x : controls) ss += (x - d.mean) * (x - d.mean);
  double se = std::sqrt(ss / (d.n - 1)) * std::sqrt(1 + 1.0 / d.n);
  double t = TQuantile975(d.n - 1);
  d.lo = d.estimate - t * se;
  d.hi = d.estimate + t * se;
  d.interval = true;
  return d;
}

bool Usable(Method m, double a, double b) {
  return std::isfinite(a) && std::isfinite(b) && (m == Method::kDifference || (a > 0 && b > 0));
}

double Change(Method m, double from, double to) { return m == Method::kRelative ? std::log(to / from) : to - from; }

}  // namespace

Effect Estimate(Method method, const Obs& treated, const std::vector<Obs>& controls) {
  Effect e;
  e.before = treated.before;
  e.after = treated.after;
  if (!std::isfinite(treated.before) || !std::isfinite(treated.after)) {
    e.verdict = "too_little_data";
    e.reason = !std::isfinite(treated.after) ? "no_member_data" : "no_before";
    return e;
  }
  if (method == Method::kRelative && !Usable(method, treated.before, treated.after)) {
    method = Method::kDifference;  // a change from or to zero has no ratio
  }
  e.method = method;
  std::vector<double> changes;
  for (const Obs& o : controls)
    if (Usable(method, o.before, o.after)) changes.push_back(Change(method, o.before, o.after));
  double own = Change(method, treated.before, treated.after);
  e.controls = static_cast<int>(changes.size());
  auto out = [&](double x) { return method == Method::kRelative ? std::exp(x) - 1 : x; };
  if (changes.empty()) {
    e.verdict = "change_only";
    e.reason = "no_controls";
    e.estimate = out(own);
    return e;
  }
  Diff d = DiD(own, changes);
  e.estimate = out(d.estimate);
  e.control_change = out(d.mean);
  e.counterfactual = method == Method::kRelative ? treated.before * std::exp(d.mean) : treated.before + d.mean;
  if (!d.interval) {
    e.verdict = "unclear";
    e.reason = "one_control";
    return e;
  }
  e.interval = true;
  e.lo = out(d.lo);
  e.hi = out(d.hi);
  e.verdict = d.lo > 0 ? "clear_up" : d.hi < 0 ? "clear_down" : "unclear";
  // The pre-trend check: the same comparison between the placebo window
  // and the before window, where the action cannot have acted yet.
  if (Usable(method, treated.placebo, treated.before)) {
    std::vector<double> pre;
    for (const Obs& o : controls)
      if (Usable(method, o.placebo, o.before)) pre.push_back(Change(method, o.placebo, o.before));
    Diff p = DiD(Change(method, treated.placebo, treated.before), pre);
    if (p.interval) {
      e.placebo_checked = true;
      e.placebo = out(p.estimate);
      e.placebo_lo = out(p.lo);
      e.placebo_hi = out(p.hi);
      if (p.lo > 0 || p.hi < 0) e.verdict = "not_comparable";
    }
  }
  return e;
}

}  // namespace kpic::actions
