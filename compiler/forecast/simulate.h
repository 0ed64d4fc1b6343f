// Future paths of a fitted ETS model: the point forecast (zero innovations),
// the impulse responses of the linear models, and Monte Carlo paths with a
// fixed seed for the others. Internal to kpic_forecast.
#pragma once

#include <span>
#include <vector>

#include "forecast/ets.h"
#include "forecast/random.h"
#include "forecast/recursion.h"

namespace kpic::forecast::internal {

inline constexpr double kZ80 = 1.2815515655446004;  // standard normal 90% quantile
inline constexpr double kZ95 = 1.959963984540054;   // standard normal 97.5% quantile

/// The point forecasts of the next h periods: the recursion with zero
/// innovations, as statsmodels' forecast().
std::vector<double> PointForecast(const Fit& fit, int h);

/// For the linear models: c[k], the effect of a unit innovation on the value
/// k periods later (c[0] = 1), k < h. The h-step variance is sigma2 times the
/// sum of c[k]^2 for k < h.
std::vector<double> ImpulseResponse(const Fit& fit, int h);

/// One path driven by the given innovations (in statsmodels' units: added to
/// the prediction under additive errors, relative under multiplicative
/// ones), as statsmodels' simulate(random_errors=...).
std::vector<double> SimulateWith(const Fit& fit, std::span<const double> innovations);

/// Many paths at once, one period at a time, so memory stays at one state
/// per path: Step() returns every path's value for the next period.
class Simulator {
 public:
  Simulator(const Fit& fit, const Simulation& sim);
  const std::vector<double>& Step();

 private:
  std::vector<Runner> runners_;
  std::vector<double> values_;
  Random random_;
  double sigma_;
  bool mul_error_;
};

/// The q-quantiles of values with numpy's default (linear) interpolation,
/// NaN (an overflowed path) counting as the largest; NaN when there are
/// none. Reorders `values` (partial selections, no full sort).
std::vector<double> Quantiles(std::vector<double>& values, std::initializer_list<double> qs);

}  // namespace kpic::forecast::internal
