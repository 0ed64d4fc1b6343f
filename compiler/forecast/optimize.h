// A small unconstrained minimiser for the likelihood fits: BFGS with
// central-difference gradients and a backtracking line search. Bounds are
// the caller's business (fit.cc maps bounded parameters through a logistic
// function). Deterministic, and bounded in work by an evaluation budget.
#pragma once

#include <functional>
#include <span>
#include <vector>

namespace kpic::forecast::internal {

/// The objective: a value to minimise; +inf or NaN marks an inadmissible point.
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

/// Minimises f from x0. Stops when two iterations in a row improve f by
/// less than the tolerance, when the gradient vanishes, or when the budget
/// is spent. Returns x0 itself if f(x0) is not finite.
Minimum MinimizeBfgs(const Objective& f, std::vector<double> x0, const BfgsOptions& options);

}  // namespace kpic::forecast::internal
