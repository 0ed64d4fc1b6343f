// The exact gradient of the log-likelihood with respect to every unknown of
// a joint fit, by forward-mode differentiation of the recursion: one pass
// carries the derivatives of the states alongside the states, instead of
// the 2k passes of central differences. Internal to kpic_forecast.
#pragma once

#include <span>
#include <vector>

#include "forecast/ets.h"

namespace kpic::forecast::internal {

/// The log-likelihood of y (statsmodels' definition, the mean squared error
/// floored at mse_floor) and, in *grad, its derivatives with respect to x =
/// (alpha, beta*, gamma*, phi as the model has them, level0, trend0 if a
/// trend, season0[1..m-1] if a season), where beta = alpha beta* and gamma =
/// (1 - alpha) gamma*: the joint layout of fit.cc. The same recursion as
/// Runner (recursion.h), so values agree with Run() to rounding.
double LogLikWithGradient(std::span<const double> y, const Spec& spec, const Params& params, double mse_floor,
                          std::vector<double>* grad);

}  // namespace kpic::forecast::internal
