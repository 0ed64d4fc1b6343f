// Maximum-likelihood estimation of one ETS model, shared by FitModel() and
// Auto(). Internal to kpic_forecast: everything here works in the units of a
// Series, the data divided by an exact power of two near its largest value.
#pragma once

#include <span>
#include <vector>

#include "forecast/ets.h"

namespace kpic::forecast::internal {

/// A series ready for fitting.
struct Series {
  std::vector<double> y;  // divided by scale; NaN where the period is missing
  double scale = 1;
  int observed = 0;
  int missing = 0;        // NaN or infinite periods
  bool positive = false;  // every observed value > 0
  bool constant = false;  // every observed value the same
};

Series Prepare(std::span<const double> y);

/// The log-likelihood in series units, with the mean squared error floored
/// so that a perfect fit stays finite, and -1e300 where it is undefined.
double SeriesLogLik(const Series& series, const Spec& spec, const Params& params);

/// Parameters in series units and their log-likelihood (in series units too).
struct Estimate {
  Params params;
  double loglik = -1e300;
};

/// Maximum likelihood for spec. The caller has checked that the series can
/// support the model (3 or more observed values; 2 full seasons for a
/// season; positive values for multiplicative parts). `warm` adds starting
/// points, e.g. a related model's estimate.
Estimate EstimateModel(const Series& series, const Spec& spec, std::span<const Params> warm = {});

/// The fit for an estimate, in the original units, with the seasonal states
/// centred (mean 0, or mean 1 when multiplicative), which changes no
/// prediction.
Fit Finish(std::span<const double> y, const Series& series, const Spec& spec, const Estimate& estimate);

}  // namespace kpic::forecast::internal
