// A small minimiser for the likelihood fits: BFGS with numeric gradients,
// box bounds handled by projection (the variables at a bound that the
// gradient pushes outward are held there, the others move, and every trial
// point is clipped into the box), and a backtracking line search. Optima on
// a bound (alpha = 0.9999, phi = 0.98, ...) are common in these models and
// are reached exactly, as statsmodels' L-BFGS-B reaches them. Deterministic,
// and bounded in work by an evaluation budget.
#pragma once

#include <functional>
#include <span>
#include <vector>

namespace kpic::forecast::internal {

/// The objective: a value to minimise; +inf or NaN marks an inadmissible
/// point. It is evaluated a little outside the box too (differences).
using Objective = std::function<double(std::span<const double>)>;

struct Minimum {
  std::vector<double> x;
  double value = 0;
  int evaluations = 0;
};

struct BfgsOptions {
  int max_evaluations = 1000;  // calls of f, roughly (a line search is finished)
  double tolerance = 1e-10;    // stop when two iterations in a row gain less, relative to |f| + 1
  bool central = true;         // central differences, else forward (half the calls, less accurate)
};

/// Minimises f over the box [lower, upper] (use +-infinity for a free
/// variable) from x0, which is clipped into the box. Stops when two
/// iterations in a row improve f by less than the tolerance, when the
/// projected gradient vanishes, or when the budget is spent.
Minimum MinimizeBfgs(const Objective& f, std::vector<double> x0, const std::vector<double>& lower,
                     const std::vector<double>& upper, const BfgsOptions& options);

}  // namespace kpic::forecast::internal
