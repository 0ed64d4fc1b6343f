// The probability that a goal's target is met (Chance) and its status.
//
// The compared quantity is either to_date plus the next h periods' sum, or
// the h-th period's value. For the linear models it is Gaussian: the sum's
// deviation is sum_i e_i C_{h-i}, C_k = c_0 + ... + c_k (the cumulative
// impulse response), so its variance is sigma2 (C_0^2 + ... + C_{h-1}^2).
// Otherwise the forecast paths are simulated with a fixed seed and the
// probability is the share of paths that meet the target.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "forecast/ets.h"
#include "forecast/simulate.h"

namespace kpic::forecast {
namespace {

struct Comparison {
  bool valid = false;
  bool greater = true;  // ">" or ">="
  bool strict = false;  // ">" or "<"
  bool Holds(double x, double target) const {
    if (greater) return strict ? x > target : x >= target;
    return strict ? x < target : x <= target;
  }
};

Comparison Parse(std::string_view cmp) {
  if (cmp == ">=") return {true, true, false};
  if (cmp == ">") return {true, true, true};
  if (cmp == "<=") return {true, false, false};
  if (cmp == "<") return {true, false, true};
  return {};
}

void SetGaussian(Outlook* out, const Comparison& cmp, double target, double mean, double variance) {
  const double sd = variance >= 0 ? std::sqrt(variance) : kNaN;
  out->end_mean = mean;
  out->end_lo80 = mean - internal::kZ80 * sd;
  out->end_hi80 = mean + internal::kZ80 * sd;
  out->end_lo95 = mean - internal::kZ95 * sd;
  out->end_hi95 = mean + internal::kZ95 * sd;
  if (!(sd >= 0) || !std::isfinite(mean)) return;
  if (sd == 0) {
    out->probability = cmp.Holds(mean, target) ? 1.0 : 0.0;
    return;
  }
  // P(X >= target) for X ~ N(mean, sd^2); the boundary has probability 0.
  const double above = 0.5 * std::erfc((target - mean) / (sd * std::numbers::sqrt2));
  out->probability = cmp.greater ? above : 1.0 - above;
}

void SetSimulated(Outlook* out, const Fit& fit, int h, double to_date, bool cumulative, const Comparison& cmp,
                  double target, const Simulation& sim) {
  internal::Simulator simulator(fit, sim);
  std::vector<double> quantity;
  for (int j = 0; j < h; ++j) {
    const std::vector<double>& values = simulator.Step();
    if (quantity.empty()) quantity.assign(values.size(), cumulative ? to_date : 0.0);
    for (size_t i = 0; i < values.size(); ++i) quantity[i] = cumulative ? quantity[i] + values[i] : values[i];
  }
  size_t met = 0;
  for (double x : quantity) met += cmp.Holds(x, target) ? 1 : 0;  // an overflowed (NaN) path meets nothing
  const std::vector<double> q = internal::Quantiles(quantity, {0.1, 0.9, 0.025, 0.975});
  const std::vector<double> point = internal::PointForecast(fit, h);
  double mean = cumulative ? to_date : point.back();
  if (cumulative)
    for (double v : point) mean += v;
  out->simulated = true;
  out->probability = double(met) / double(quantity.size());
  out->end_mean = mean;
  out->end_lo80 = q[0];
  out->end_hi80 = q[1];
  out->end_lo95 = q[2];
  out->end_hi95 = q[3];
}

}  // namespace

Outlook Chance(const Fit& fit, int h, double to_date, bool cumulative, std::string_view cmp_text, double target,
               const Simulation& sim) {
  Outlook out;
  const Comparison cmp = Parse(cmp_text);
  if (!cumulative) to_date = 0;
  const bool inputs_ok = cmp.valid && std::isfinite(target) && std::isfinite(to_date) && h >= 0 && h <= kMaxHorizon;
  if (inputs_ok && h == 0 && cumulative) {
    SetGaussian(&out, cmp, target, to_date, 0.0);  // nothing left to come: the total is known
  } else if (inputs_ok && h > 0) {
    switch (fit.spec.Valid() ? fit.method : Method::kNone) {
      case Method::kNone:
        break;
      case Method::kConstant:
        SetGaussian(&out, cmp, target, cumulative ? to_date + h * fit.end.level : fit.end.level, 0.0);
        break;
      case Method::kMean: {
        // h new draws around a mean estimated from n values.
        const double n = fit.n;
        const double variance = cumulative ? fit.sigma2 * (h + double(h) * h / n) : fit.sigma2 * (1.0 + 1.0 / n);
        SetGaussian(&out, cmp, target, cumulative ? to_date + h * fit.end.level : fit.end.level, variance);
        break;
      }
      case Method::kEts:
        if (fit.spec.Linear()) {
          const std::vector<double> point = internal::PointForecast(fit, h);
          const std::vector<double> c = internal::ImpulseResponse(fit, h);
          double mean = cumulative ? to_date : point.back(), sum = 0, cum = 0;
          for (int k = 0; k < h; ++k) {
            cum += c[k];
            sum += cumulative ? cum * cum : c[k] * c[k];
            if (cumulative) mean += point[k];
          }
          SetGaussian(&out, cmp, target, mean, fit.sigma2 * sum);
        } else {
          SetSimulated(&out, fit, h, to_date, cumulative, cmp, target, sim);
        }
        break;
    }
  }
  out.status = Status(out.probability);
  return out;
}

}  // namespace kpic::forecast
