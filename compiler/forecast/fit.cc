// Maximum-likelihood estimation of one ETS model (see fit.h).
//
// The unknowns are statsmodels': alpha, beta* = beta / alpha, gamma* = gamma
// / (1 - alpha), each in [1e-4, 1 - 1e-4], phi in [0.8, 0.98], and the
// initial states, free, with season0[0] fixed (0 or 1) because level and
// seasonals are otherwise confounded.
//
// Strategy, all deterministic:
//  1. A grid of smoothing parameters (alpha in {0.05, 0.2, 0.5, 0.9}, beta*
//     and gamma* in {0.01, 0.2, 0.9}, phi in {0.8, 0.9, 0.98}, as the model
//     has them), statsmodels' own start and the corners where nothing
//     adapts. At each point the initial states come from least squares (one
//     step, exact under additive errors where the predictions are linear in
//     the states, i.e. no multiplicative season) or from 2 Gauss-Newton
//     steps (a multiplicative season).
//  2. From the 3 best grid points and every warm start, 20 iterations of a
//     bounded BFGS with exact gradients (gradient.h); then the 3 best on to
//     convergence. Under additive errors without a multiplicative season the
//     search is over the smoothing parameters alone, the states following
//     by least squares; otherwise over every unknown at once.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "forecast/fit.h"
#include "forecast/gradient.h"
#include "forecast/initial.h"
#include "forecast/likelihood.h"
#include "forecast/optimize.h"

namespace kpic::forecast::internal {
namespace {

constexpr double kLow = 1e-4, kHigh = 1 - 1e-4, kPhiLow = 0.8, kPhiHigh = 0.98;
// A perfect fit would have an infinite likelihood; flooring the mean squared
// error (in series units, values near 1) keeps the optimiser's arithmetic finite.
constexpr double kMseFloor = 1e-20;
// BFGS runs from this many of the best grid points (and every warm start).
constexpr size_t kStarts = 3;
// ... and goes on to convergence from this many of them.
constexpr size_t kFinalists = 3;

// Maps the optimiser's vector to Params and back: first the smoothing
// parameters in statsmodels' form (alpha, beta*, gamma*, phi), then (if
// `states`) level0, trend0, season0[1..m-1].
class Layout {
 public:
  Layout(const Spec& spec, bool states) : spec_(spec), states_(states) {
    auto add = [&](double lo, double hi) {
      lower_.push_back(lo);
      upper_.push_back(hi);
    };
    add(kLow, kHigh);
    if (spec_.HasTrend()) add(kLow, kHigh);
    if (spec_.HasSeason()) add(kLow, kHigh);
    if (spec_.Damped()) add(kPhiLow, kPhiHigh);
    const size_t k = states_ ? 1 + spec_.HasTrend() + (spec_.HasSeason() ? spec_.Period() - 1 : 0) : 0;
    for (size_t i = 0; i < k; ++i) add(-kFree, kFree);
  }

  size_t Size() const { return lower_.size(); }
  const std::vector<double>& Lower() const { return lower_; }
  const std::vector<double>& Upper() const { return upper_; }

  std::vector<double> Encode(const Params& p) const {
    std::vector<double> x;
    x.push_back(p.alpha);
    if (spec_.HasTrend()) x.push_back(p.alpha > 0 ? p.beta / p.alpha : kLow);
    if (spec_.HasSeason()) x.push_back(p.alpha < 1 ? p.gamma / (1 - p.alpha) : kLow);
    if (spec_.Damped()) x.push_back(p.phi);
    if (states_) {
      x.push_back(p.level0);
      if (spec_.HasTrend()) x.push_back(p.trend0);
      for (int j = 1; spec_.HasSeason() && j < spec_.Period(); ++j) x.push_back(p.season0[j]);
    }
    return x;
  }

  // Into *out: states from x when the layout has them, else from `base`.
  void Decode(std::span<const double> x, const Params& base, Params* out) const {
    Params& p = *out;
    size_t i = 0;
    p.alpha = x[i++];
    p.beta = spec_.HasTrend() ? p.alpha * x[i++] : 0.0;
    p.gamma = spec_.HasSeason() ? (1 - p.alpha) * x[i++] : 0.0;
    p.phi = spec_.Damped() ? x[i++] : 1.0;
    if (states_) {
      p.level0 = x[i++];
      p.trend0 = spec_.HasTrend() ? x[i++] : 0.0;
      if (spec_.HasSeason()) {
        p.season0.assign(spec_.Period(), spec_.season == Season::kMul ? 1.0 : 0.0);
        for (int j = 1; j < spec_.Period(); ++j) p.season0[j] = x[i++];
      }
    } else {
      p.level0 = base.level0, p.trend0 = base.trend0, p.season0 = base.season0;
    }
  }

 private:
  static constexpr double kFree = std::numeric_limits<double>::infinity();
  Spec spec_;
  bool states_;
  std::vector<double> lower_, upper_;
};

// Initial states for the smoothing parameters in p, improved from the
// states in `from` (or the heuristic ones) by `iterations` Gauss-Newton steps.
Params Profiled(const Series& series, const Spec& spec, Params p, const Params* from, int iterations) {
  if (from) {
    p.level0 = from->level0, p.trend0 = from->trend0, p.season0 = from->season0;
  } else {
    p = HeuristicStates(series, spec, p);
  }
  ImproveStates(series, spec, &p, iterations);
  return p;
}

// Smoothing-parameter grid in statsmodels' starred form, statsmodels' own
// starting point first, then the corners where nothing adapts.
std::vector<Params> Grid(const Spec& spec) {
  std::vector<Params> grid;
  auto add = [&](double alpha, double beta_star, double gamma_star, double phi) {
    Params p;
    p.alpha = alpha;
    p.beta = spec.HasTrend() ? alpha * beta_star : 0.0;
    p.gamma = spec.HasSeason() ? (1 - alpha) * gamma_star : 0.0;
    p.phi = spec.Damped() ? phi : 1.0;
    grid.push_back(p);
  };
  add(0.1, 0.1, 0.01 / 0.9, 0.98);
  // The corners where nothing adapts (a fixed trend and season), common
  // optima of short or regular series.
  add(kLow, kLow, kLow, kPhiHigh);
  if (spec.Damped()) add(kLow, kLow, kLow, kPhiLow);
  const std::array<double, 4> alphas = {0.05, 0.2, 0.5, 0.9};
  const std::array<double, 3> stars = {0.01, 0.2, 0.9};
  const std::array<double, 3> phis = {0.8, 0.9, 0.98};
  for (double a : alphas)
    for (size_t b = 0; b < (spec.HasTrend() ? stars.size() : 1); ++b)
      for (size_t g = 0; g < (spec.HasSeason() ? stars.size() : 1); ++g)
        for (size_t d = 0; d < (spec.Damped() ? phis.size() : 1); ++d) add(a, stars[b], stars[g], phis[d]);
  return grid;
}

}  // namespace

Series Prepare(std::span<const double> y) {
  Series s;
  s.scale = ScaleOf(y);
  s.y.reserve(y.size());
  double first = kNaN;
  s.positive = true;
  s.constant = true;
  for (double v : y) {
    if (!std::isfinite(v)) {
      ++s.missing;
      s.y.push_back(kNaN);
      continue;
    }
    ++s.observed;
    if (!(v > 0)) s.positive = false;
    if (std::isnan(first)) first = v;
    if (v != first) s.constant = false;
    s.y.push_back(v / s.scale);
  }
  if (s.observed == 0) s.positive = s.constant = false;
  return s;
}

Estimate EstimateModel(const Series& series, const Spec& spec, std::span<const Params> warm) {
  // With predictions linear in the states (no multiplicative season), one
  // least-squares step gives the states: exact under additive errors, a
  // close start under multiplicative ones. A multiplicative season needs a
  // few Gauss-Newton steps.
  const bool linear = spec.season != Season::kMul;
  const bool exact = linear && spec.error == Error::kAdd;
  const int iterations = linear ? 1 : 2;
  // 1. Grid, then the best few and the warm starts.
  std::vector<Estimate> starts;
  for (const Params& g : Grid(spec)) {
    Params p = Profiled(series, spec, g, nullptr, iterations);
    starts.push_back({p, SeriesLogLik(series, spec, p)});
  }
  std::stable_sort(starts.begin(), starts.end(),
                   [](const Estimate& a, const Estimate& b) { return a.loglik > b.loglik; });
  starts.resize(std::min<size_t>(starts.size(), kStarts));
  for (const Params& w : warm) {
    Params p = w;
    NormalizeSeason(spec, &p, /*first=*/true);
    p = Profiled(series, spec, p, &p, exact ? 1 : 0);
    starts.push_back({p, SeriesLogLik(series, spec, p)});
  }
  // The search space: under additive errors with no multiplicative season
  // the smoothing parameters alone, the states following them; otherwise
  // every unknown at once.
  const Layout smoothing(spec, false), full(spec, true);
  const Layout& layout = exact ? smoothing : full;
  const int size = static_cast<int>(layout.Size());
  auto minimize = [&](const Estimate& start, const BfgsOptions& options) {
    const Params base = start.params;
    std::vector<Params> scratch;
    auto objective = [&](const std::vector<std::vector<double>>& xs, std::vector<double>& values) {
      scratch.resize(xs.size(), base);
      for (size_t i = 0; i < xs.size(); ++i) layout.Decode(xs[i], base, &scratch[i]);
      if (exact) {
        for (size_t i = 0; i < xs.size(); ++i)
          values[i] = -SeriesLogLik(series, spec, Profiled(series, spec, scratch[i], &base, 1));
      } else {
        const std::vector<Pass> passes = RunMany(series.y, spec, scratch);
        for (size_t i = 0; i < xs.size(); ++i) values[i] = -Concentrated(passes[i], spec.error, kMseFloor);
      }
    };
    // Exact gradients: of the likelihood for the joint problem; for the
    // profiled one, where the states are optimal, the derivatives with
    // respect to the smoothing parameters at fixed states (the envelope
    // theorem).
    Params at = base;
    auto gradient = [&](const std::vector<double>& x, std::vector<double>& g) {
      layout.Decode(x, base, &at);
      if (exact) at = Profiled(series, spec, at, &base, 1);
      const double ll = LogLikWithGradient(series.y, spec, at, kMseFloor, &g);
      g.resize(x.size());
      for (double& gi : g) gi = -gi;
      return -ll;
    };
    Minimum min = MinimizeBfgs(objective, layout.Encode(base), layout.Lower(), layout.Upper(), options, gradient);
    Params p = base;
    layout.Decode(min.x, base, &p);
    if (exact) p = Profiled(series, spec, p, &base, 1);
    const double ll = SeriesLogLik(series, spec, p);
    return ll > start.loglik ? Estimate{p, ll} : start;
  };
  // 2. A short BFGS from each start, then the best few on to convergence.
  std::vector<Estimate> rough;
  for (const Estimate& start : starts) rough.push_back(minimize(start, {20, 30 * (size + 3), 1e-8}));
  std::stable_sort(rough.begin(), rough.end(),
                   [](const Estimate& a, const Estimate& b) { return a.loglik > b.loglik; });
  Estimate best = rough.front();
  for (size_t i = 0; i < rough.size() && i < kFinalists; ++i) {
    Estimate e = minimize(rough[i], {300, 300 * (size + 1), 1e-10});
    if (e.loglik > best.loglik) best = e;
  }
  return best;
}

double SeriesLogLik(const Series& series, const Spec& spec, const Params& p) {
  const double ll = Concentrated(Run(series.y, spec, p), spec.error, kMseFloor);
  return std::isfinite(ll) ? ll : -1e300;
}

Fit Finish(std::span<const double> y, const Series& series, const Spec& spec, const Estimate& estimate) {
  Params p = estimate.params;
  NormalizeSeason(spec, &p, /*first=*/false);
  p = ScaleParams(spec, p, series.scale);
  if (!spec.HasTrend()) p.beta = p.trend0 = 0;
  if (!spec.HasSeason()) p.gamma = 0, p.season0.clear();
  if (!spec.Damped()) p.phi = 1;
  return Evaluate(y, spec, p);
}

}  // namespace kpic::forecast::internal
