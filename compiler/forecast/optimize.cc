// Bounded BFGS with numeric gradients (see optimize.h). The likelihoods are
// smooth, cheap to evaluate (one pass over a short series) and have at most
// a few dozen unknowns, so a dense inverse-Hessian update with finite
// differences is accurate and fast enough.
#include "forecast/optimize.h"

#include <algorithm>
#include <cmath>

namespace kpic::forecast::internal {
namespace {

class Counted {
 public:
  explicit Counted(const Objective& f) : f_(f) {}
  double operator()(std::span<const double> x) {
    ++count_;
    const double v = f_(x);
    return std::isfinite(v) ? v : kInfinity;
  }
  int count() const { return count_; }
  static constexpr double kInfinity = 1e300;  // finite, so that differences stay defined

 private:
  const Objective& f_;
  int count_ = 0;
};

// Central differences (or forward ones); one-sided where a side is
// inadmissible.
std::vector<double> Gradient(Counted& f, std::vector<double>& x, double fx, bool central) {
  std::vector<double> g(x.size(), 0.0);
  for (size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    const double h = (central ? 1e-6 : 1e-8) * std::max(1.0, std::fabs(xi));
    x[i] = xi + h;
    const double up = f(x);
    if (!central) {
      x[i] = xi;
      g[i] = up < Counted::kInfinity ? (up - fx) / h : 0.0;
      continue;
    }
    x[i] = xi - h;
    const double down = f(x);
    x[i] = xi;
    const bool up_ok = up < Counted::kInfinity, down_ok = down < Counted::kInfinity;
    if (up_ok && down_ok) {
      g[i] = (up - down) / (2 * h);
    } else if (up_ok) {
      g[i] = (up - fx) / h;
    } else if (down_ok) {
      g[i] = (fx - down) / h;
    }
  }
  return g;
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

void SetIdentity(std::vector<double>& h, size_t n, double scale) {
  std::fill(h.begin(), h.end(), 0.0);
  for (size_t i = 0; i < n; ++i) h[i * n + i] = scale;
}

}  // namespace

Minimum MinimizeBfgs(const Objective& objective, std::vector<double> x, const std::vector<double>& lower,
                     const std::vector<double>& upper, const BfgsOptions& options) {
  Counted f(objective);
  const size_t n = x.size();
  auto clip = [&](std::vector<double>& v) {
    for (size_t i = 0; i < n; ++i) v[i] = std::clamp(v[i], lower[i], upper[i]);
  };
  clip(x);
  double fx = f(x);
  if (fx >= Counted::kInfinity || n == 0) return {x, fx, f.count()};
  std::vector<double> g = Gradient(f, x, fx, options.central);
  std::vector<double> h(n * n);  // inverse Hessian approximation, row-major
  SetIdentity(h, n, 1.0);
  bool fresh = true;  // h is a (scaled) identity
  int small_steps = 0;
  std::vector<double> d(n), trial(n), s(n), yv(n), hy(n);
  std::vector<char> held(n);
  while (f.count() < options.max_evaluations) {
    // Hold the variables at a bound that the gradient pushes outward; move
    // the others along -H g restricted to them.
    double g_free = 0;
    for (size_t i = 0; i < n; ++i) {
      held[i] = (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0);
      if (!held[i]) g_free = std::max(g_free, std::fabs(g[i]));
    }
    if (g_free < 1e-12) break;
    for (size_t i = 0; i < n; ++i) {
      double acc = 0;
      for (size_t j = 0; j < n && !held[i]; ++j)
        if (!held[j]) acc -= h[i * n + j] * g[j];
      d[i] = acc;
    }
    if (!(Dot(g, d) < 0)) {  // not a descent direction: restart from steepest descent
      for (size_t i = 0; i < n; ++i) d[i] = held[i] ? 0.0 : -g[i];
      SetIdentity(h, n, 1.0);
      fresh = true;
    }
    // The first step of a fresh search moves by at most 1 in any coordinate.
    double step = 1.0;
    if (fresh) {
      double big = 0;
      for (double v : d) big = std::max(big, std::fabs(v));
      if (big > 1.0) step = 1.0 / big;
    }
    double f_trial = Counted::kInfinity;
    bool accepted = false;
    for (int tries = 0; tries < 40 && f.count() < options.max_evaluations; ++tries) {
      for (size_t i = 0; i < n; ++i) trial[i] = x[i] + step * d[i];
      clip(trial);
      double slope = 0;  // along the projected step
      for (size_t i = 0; i < n; ++i) slope += g[i] * (trial[i] - x[i]);
      if (!(slope < 0)) break;
      f_trial = f(trial);
      if (f_trial <= fx + 1e-4 * slope) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [0.1, 0.5] of it.
      double next = 0.5 * step;
      if (f_trial < Counted::kInfinity) {
        const double denom = 2.0 * (f_trial - fx - slope);
        if (denom > 0) next = std::clamp(-slope * step / denom, 0.1 * step, 0.5 * step);
      }
      step = next;
    }
    if (!accepted) {
      if (fresh) break;  // even steepest descent makes no progress
      SetIdentity(h, n, 1.0);
      fresh = true;
      continue;
    }
    std::vector<double> g_new = Gradient(f, trial, f_trial, options.central);
    for (size_t i = 0; i < n; ++i) {
      s[i] = trial[i] - x[i];
      yv[i] = g_new[i] - g[i];
    }
    const double improvement = fx - f_trial;
    x = trial;
    g = std::move(g_new);
    const double previous = fx;
    fx = f_trial;
    small_steps = improvement <= options.tolerance * (std::fabs(previous) + 1.0) ? small_steps + 1 : 0;
    if (small_steps >= 2) break;
    const double sy = Dot(s, yv);
    if (sy <= 1e-12 * std::sqrt(Dot(s, s) * Dot(yv, yv))) continue;  // curvature too weak to update
    if (fresh) {
      SetIdentity(h, n, sy / Dot(yv, yv));
      fresh = false;
    }
    // H <- (I - rho s y') H (I - rho y s') + rho s s'
    const double rho = 1.0 / sy;
    for (size_t i = 0; i < n; ++i) {
      double acc = 0;
      for (size_t j = 0; j < n; ++j) acc += h[i * n + j] * yv[j];
      hy[i] = acc;
    }
    const double yhy = Dot(yv, hy);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j)
        h[i * n + j] += rho * ((1.0 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
  }
  return {x, fx, f.count()};
}

}  // namespace kpic::forecast::internal
