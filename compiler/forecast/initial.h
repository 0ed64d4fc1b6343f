// Starting values of the initial states (level, trend, seasonals) for the
// likelihood fits. Internal to kpic_forecast.
#pragma once

#include "forecast/ets.h"
#include "forecast/fit.h"

namespace kpic::forecast::internal {

/// A heuristic in the spirit of statsmodels' (Hyndman et al. 2008, 2.6.1):
/// the seasonal indices from a centred moving average over the first cycles,
/// then level and trend from a regression on the first deseasonalised values.
/// Keeps the smoothing parameters of `base`.
Params HeuristicStates(const Series& series, const Spec& spec, const Params& base);

/// Improves the initial states in *params for its smoothing parameters by
/// Gauss-Newton steps on the residuals (weighted by 1 / yhat^2 under
/// multiplicative errors), each kept only if the likelihood improves. For
/// the models whose predictions are linear in the states (no multiplicative
/// season) under additive errors, one step is exact least squares, which is
/// exactly the maximum-likelihood states. Returns the log-likelihood reached
/// (series units).
double ImproveStates(const Series& series, const Spec& spec, Params* params, int iterations);

/// Moves the seasonal normalisation into the level (and trend) without
/// changing any prediction: `first` makes season0[0] neutral (0 or 1), as
/// statsmodels fixes it; otherwise the seasonals are centred (mean 0 or 1).
void NormalizeSeason(const Spec& spec, Params* params, bool first);

}  // namespace kpic::forecast::internal
