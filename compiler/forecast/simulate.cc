// Future paths of a fitted ETS model (see simulate.h).
#include "forecast/simulate.h"

#include <algorithm>
#include <cmath>

namespace kpic::forecast::internal {

std::vector<double> PointForecast(const Fit& fit, int h) {
  std::vector<double> out;
  if (h <= 0) return out;
  Runner runner(fit.spec, fit.params, fit.end);
  out.reserve(h);
  for (int j = 0; j < h; ++j) {
    out.push_back(runner.Predict());
    runner.Update(kNaN);
  }
  return out;
}

std::vector<double> ImpulseResponse(const Fit& fit, int h) {
  std::vector<double> c;
  if (h <= 0) return c;
  // The model is linear, so the response does not depend on the states:
  // start from zero states and one unit innovation.
  State zero;
  zero.season.assign(fit.spec.HasSeason() ? fit.spec.Period() : 0, 0.0);
  Runner runner(fit.spec, fit.params, zero);
  c.push_back(1.0);
  runner.Update(runner.Predict() + 1.0);
  for (int k = 1; k < h; ++k) {
    c.push_back(runner.Predict());
    runner.Update(kNaN);
  }
  return c;
}

std::vector<double> SimulateWith(const Fit& fit, std::span<const double> innovations) {
  if (!fit.spec.Valid()) return {};
  Runner runner(fit.spec, fit.params, fit.end);
  const bool mul_error = fit.spec.error == Error::kMul;
  std::vector<double> out;
  out.reserve(innovations.size());
  for (double e : innovations) {
    const double yhat = runner.Predict();
    const double y = mul_error ? yhat * (1.0 + e) : yhat + e;
    out.push_back(y);
    runner.Update(y);
  }
  return out;
}

Simulator::Simulator(const Fit& fit, const Simulation& sim)
    : random_(sim.seed), sigma_(std::sqrt(std::max(fit.sigma2, 0.0))), mul_error_(fit.spec.error == Error::kMul) {
  const int paths = std::clamp(sim.paths, 1, 100000);
  runners_.assign(paths, Runner(fit.spec, fit.params, fit.end));
  values_.resize(paths);
}

const std::vector<double>& Simulator::Step() {
  for (size_t i = 0; i < runners_.size(); ++i) {
    Runner& r = runners_[i];
    const double yhat = r.Predict();
    const double e = sigma_ * random_.Normal();
    const double y = mul_error_ ? yhat * (1.0 + e) : yhat + e;
    // A value that overflowed is recorded as it is; the recursion takes a
    // non-finite value as missing, so the path goes on with no innovation.
    values_[i] = y;
    r.Update(y);
  }
  return values_;
}

std::vector<double> Quantiles(std::vector<double>& v, std::initializer_list<double> qs) {
  std::vector<double> out;
  auto less = [](double a, double b) { return a < b || (!std::isnan(a) && std::isnan(b)); };
  for (double q : qs) {
    if (v.empty()) {
      out.push_back(kNaN);
      continue;
    }
    const double pos = q * double(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    std::nth_element(v.begin(), v.begin() + lo, v.end(), less);
    const double a = v[lo];
    // The next order statistic is the smallest of what lies above.
    const double b = lo + 1 < v.size() ? *std::min_element(v.begin() + lo + 1, v.end(), less) : a;
    out.push_back(a + (b - a) * (pos - double(lo)));
  }
  return out;
}

}  // namespace kpic::forecast::internal
