// A small minimiser for the likelihood fits: BFGS with the caller's exact
// gradients (or numeric ones), box bounds handled by projection (variables
// at a bound that the gradient pushes outward are held there, the others
// move, and every trial point is clipped into the box), and a backtracking
// line search. Optima on a bound (alpha = 0.9999, phi = 0.98, ...) are
// common in these models and are reached exactly, as statsmodels' L-BFGS-B
// reaches them. Deterministic, and bounded in work by iteration and
// evaluation budgets.
#pragma once

#include <functional>
#include <span>
#include <vector>

namespace kpic::forecast::internal {

/// The objective at several points at once: values[i] = f(points[i]), a
/// value to minimise; +inf or NaN marks an inadmissible point. Batches (the
/// points of a numeric gradient) let the caller interleave the work. It is
/// evaluated a little outside the box too (differences).
using Objective = std::function<void(const std::vector<std::vector<double>>& points, std::vector<double>& values)>;

/// Optionally, the objective and its exact gradient at one point: returns
/// f(x) and fills g (used instead of numeric differences).
using WithGradient = std::function<double(const std::vector<double>& x, std::vector<double>& g)>;

struct Minimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

struct BfgsOptions {
  int max_iterations = 200;
  int max_evaluations = 10000;  // calls of f (an exact gradient counts 2), roughly: a line search is finished
  double tolerance = 1e-10;     // stop when two iterations in a row gain less, relative to |f| + 1
  bool central = true;          // numeric gradients: central differences, else forward (half the calls)
};

/// Minimises f over the box [lower, upper] (use +-infinity for a free
/// variable) from x0, which is clipped into the box. Stops when two
/// iterations in a row improve f by less than the tolerance, when the
/// projected gradient vanishes, or when the budget is spent.
Minimum MinimizeBfgs(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                     const std::vector<double>& upper, const BfgsOptions& options,
                     const WithGradient& gradient = nullptr);

}  // namespace kpic::forecast::internal
