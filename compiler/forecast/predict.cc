// Point forecasts and 80% / 95% prediction intervals (Predict). The linear
// models have Gaussian forecasts with variance sigma2 (1 + c1^2 + ... +
// c_{j-1}^2), which equals statsmodels' closed forms for ANN, AAN, AAdN,
// ANA, AAA and AAdA; the others are simulated with a fixed seed, and their
// intervals are the simulated paths' quantiles, as in statsmodels.
#include <algorithm>
#include <cmath>

#include "forecast/ets.h"
#include "forecast/simulate.h"

namespace kpic::forecast {
namespace {

using internal::kZ80;
using internal::kZ95;

void PushGaussian(Path* path, double mean, double variance) {
  const double sd = variance >= 0 ? std::sqrt(variance) : kNaN;
  path->mean.push_back(mean);
  path->lo80.push_back(mean - kZ80 * sd);
  path->hi80.push_back(mean + kZ80 * sd);
  path->lo95.push_back(mean - kZ95 * sd);
  path->hi95.push_back(mean + kZ95 * sd);
}

}  // namespace

Path Predict(const Fit& fit, int h, const Simulation& sim) {
  Path path;
  h = std::clamp(h, 0, kMaxHorizon);
  switch (fit.spec.Valid() ? fit.method : Method::kNone) {
    case Method::kNone:
      for (int j = 0; j < h; ++j) PushGaussian(&path, kNaN, kNaN);
      return path;
    case Method::kConstant:
      for (int j = 0; j < h; ++j) PushGaussian(&path, fit.end.level, 0.0);
      return path;
    case Method::kMean:
      // Each future value is the mean of n values plus a new draw.
      for (int j = 0; j < h; ++j) PushGaussian(&path, fit.end.level, fit.sigma2 * (1.0 + 1.0 / fit.n));
      return path;
    case Method::kEts:
      break;
  }
  const std::vector<double> mean = internal::PointForecast(fit, h);
  if (fit.spec.Linear()) {
    const std::vector<double> c = internal::ImpulseResponse(fit, h);
    double sum = 0;
    for (int j = 0; j < h; ++j) {
      sum += c[j] * c[j];
      PushGaussian(&path, mean[j], fit.sigma2 * sum);
    }
    return path;
  }
  path.simulated = true;
  internal::Simulator simulator(fit, sim);
  std::vector<double> values;
  for (int j = 0; j < h; ++j) {
    values = simulator.Step();
    const std::vector<double> q = internal::Quantiles(values, {0.1, 0.9, 0.025, 0.975});
    path.mean.push_back(mean[j]);
    path.lo80.push_back(q[0]);
    path.hi80.push_back(q[1]);
    path.lo95.push_back(q[2]);
    path.hi95.push_back(q[3]);
  }
  return path;
}

}  // namespace kpic::forecast
