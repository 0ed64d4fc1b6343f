// Bounded BFGS (see optimize.h). The likelihoods are smooth, cheap to
// evaluate (one pass over a short series) and have at most a few dozen
// unknowns, so a dense inverse-Hessian update is accurate and fast enough.
#include "forecast/optimize.h"

#include <algorithm>
#include <cmath>

namespace kpic::forecast::internal {
namespace {

class Counted {
 public:
  explicit Counted(const Objective& f) : f_(f) {}
  static constexpr double kInfinity = 1e300;  // finite, so that differences stay defined

  double operator()(const std::vector<double>& x) {
    points_.assign(1, x);
    return Many()[0];
  }

  // Evaluates the points in points() together.
  std::vector<std::vector<double>>& points() { return points_; }
  const std::vector<double>& Many() {
    values_.assign(points_.size(), kInfinity);
    f_(points_, values_);
    count_ += static_cast<int>(points_.size());
    for (double& v : values_)
      if (!std::isfinite(v)) v = kInfinity;
    return values_;
  }
  int count() const { return count_; }

 private:
  const Objective& f_;
  std::vector<std::vector<double>> points_;
  std::vector<double> values_;
  int count_ = 0;
};

// Central differences (or forward ones); one-sided where a side is
// inadmissible. All the points go to the objective in one batch.
std::vector<double> Gradient(Counted& f, const std::vector<double>& x, double fx, bool central) {
  const size_t n = x.size();
  std::vector<double> h(n);
  std::vector<std::vector<double>>& points = f.points();
  points.assign(central ? 2 * n : n, x);
  for (size_t i = 0; i < n; ++i) {
    h[i] = (central ? 1e-6 : 1e-8) * std::max(1.0, std::fabs(x[i]));
    points[i][i] += h[i];
    if (central) points[n + i][i] -= h[i];
  }
  const std::vector<double>& values = f.Many();
  std::vector<double> g(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const double up = values[i], down = central ? values[n + i] : Counted::kInfinity;
    const bool up_ok = up < Counted::kInfinity, down_ok = down < Counted::kInfinity;
    if (up_ok && down_ok) {
      g[i] = (up - down) / (2 * h[i]);
    } else if (up_ok) {
      g[i] = (up - fx) / h[i];
    } else if (down_ok) {
      g[i] = (fx - down) / h[i];
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
                     const std::vector<double>& upper, const BfgsOptions& options, const WithGradient& gradient) {
  Counted f(objective);
  const size_t n = x.size();
  auto clip = [&](std::vector<double>& v) {
    for (size_t i = 0; i < n; ++i) v[i] = std::clamp(v[i], lower[i], upper[i]);
  };
  clip(x);
  int gradients = 0;  // exact gradients taken, each counted as 2 calls of f
  auto value_and_gradient = [&](const std::vector<double>& at, double value, std::vector<double>& g_out) {
    if (!gradient) {
      g_out = Gradient(f, at, value, options.central);
      return value;
    }
    ++gradients;
    const double v = gradient(at, g_out);
    for (double& gi : g_out)
      if (!std::isfinite(gi)) gi = 0;
    return std::isfinite(v) ? v : Counted::kInfinity;
  };
  auto used = [&] { return f.count() + 2 * gradients; };
  double fx = f(x);
  if (fx >= Counted::kInfinity || n == 0) return {x, fx, used()};
  std::vector<double> g;
  fx = value_and_gradient(x, fx, g);
  std::vector<double> h(n * n);  // inverse Hessian approximation, row-major
  SetIdentity(h, n, 1.0);
  bool fresh = true;  // h is a (scaled) identity
  int small_steps = 0;
  std::vector<double> d(n), trial(n), s(n), yv(n), hy(n);
  std::vector<char> held(n);
  for (int iteration = 0; iteration < options.max_iterations && used() < options.max_evaluations; ++iteration) {
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
    for (int tries = 0; tries < 40 && used() < options.max_evaluations; ++tries) {
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
    std::vector<double> g_new;
    f_trial = value_and_gradient(trial, f_trial, g_new);
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
  return {x, fx, used()};
}

}  // namespace kpic::forecast::internal
