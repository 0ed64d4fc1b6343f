// One pass of a model through a series and statsmodels' concentrated
// log-likelihood, plus the exact power-of-two rescaling that keeps the
// arithmetic finite for huge or tiny values. Internal to kpic_forecast.
#pragma once

#include <span>
#include <vector>

#include "forecast/ets.h"

namespace kpic::forecast::internal {

/// The sums one pass of the model through y yields.
struct Pass {
  double sse = 0;      // sum of squared residuals (relative under multiplicative errors)
  double sum_log = 0;  // sum of log yhat, with statsmodels' clip of yhat <= 0
  int n = 0;           // observed periods
  State end;           // only with keep_end
};

/// One pass; the end states only with keep_end.
Pass Run(std::span<const double> y, const Spec& spec, const Params& params, bool keep_end = false);

/// Passes of the same model at several parameter values at once (faster
/// than one by one: the passes interleave).
std::vector<Pass> RunMany(std::span<const double> y, const Spec& spec, std::span<const Params> params);

/// statsmodels' concentrated log-likelihood, -n/2 (log(2 pi sse/n) + 1) -
/// sum_log (the last term under multiplicative errors); NaN when n = 0. With
/// a positive `mse_floor`, the mean squared error is floored there, so that a
/// perfect fit stays finite for the optimiser.
double Concentrated(const Pass& pass, Error error, double mse_floor = 0.0);

/// A power of two near the largest finite |y| (1 when there is none), so
/// that dividing by it is exact and leaves values near 1.
double ScaleOf(std::span<const double> y);

/// Parameters and states in units multiplied by `factor`: level and trend,
/// and additive seasonals.
Params ScaleParams(const Spec& spec, Params params, double factor);
State ScaleState(const Spec& spec, State state, double factor);

/// Fills the information criteria of a fit from its loglik, n and spec.
void SetCriteria(Fit* fit);

}  // namespace kpic::forecast::internal
