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
  if (!(sd >= 0) || !std::isfinite(mean) || !std::isfinite(target)) return;
  if (sd == 0) {
    out->probability = cmp.Holds(mean, target) ? 1.0 : 0.0;
    return;
  }
  // P(X >= target) for X ~ N(mean, sd^2); the boundary has probability 0.
  const double above = 0.5 * std::erfc((target - mean) / (sd * std::numbers::sqrt2));
  out->probability = cmp.greater ? above : 1.0 - above;
}

void SetSimulated(Outlook* out, const Fit& fit, int h, double to_date, bool cumulative, const Comparison& cmp,
                  double target, const Simulation& sim, const std::vector<double>& w) {
  internal::Simulator simulator(fit, sim);
  std::vector<double> quantity;
  for (int j = 0; j < h; ++j) {
    const std::vector<double>& values = simulator.Step();
    if (quantity.empty()) quantity.assign(values.size(), cumulative ? to_date : 0.0);
    for (size_t i = 0; i < values.size(); ++i) quantity[i] = cumulative ? quantity[i] + w[j] * values[i] : values[i];
  }
  size_t met = 0;
  for (double x : quantity) met += cmp.Holds(x, target) ? 1 : 0;  // an overflowed (NaN) path meets nothing
  const std::vector<double> q = internal::Quantiles(quantity, {0.1, 0.9, 0.025, 0.975});
  const std::vector<double> point = internal::PointForecast(fit, h);
  double mean = cumulative ? to_date : point.back();
  if (cumulative)
    for (int k = 0; k < h; ++k) mean += w[k] * point[k];
  out->simulated = true;
  out->probability = std::isfinite(target) ? double(met) / double(quantity.size()) : kNaN;
  out->end_mean = mean;
  out->end_lo80 = q[0];
  out->end_hi80 = q[1];
  out->end_lo95 = q[2];
  out->end_hi95 = q[3];
}

}  // namespace

Outlook Chance(const Fit& fit, int h, double to_date, bool cumulative, std::string_view cmp_text, double target,
               const Simulation& sim, std::span<const double> weights) {
  Outlook out;
  const Comparison cmp = Parse(cmp_text);
  if (!cumulative) to_date = 0;
  const bool inputs_ok = cmp.valid && !std::isinf(target) && std::isfinite(to_date) && h >= 0 && h <= kMaxHorizon &&
                         (weights.empty() || weights.size() == static_cast<size_t>(h));
  // Each period's weight in the total, and their sum.
  std::vector<double> w(static_cast<size_t>(std::max(h, 0)), 1.0);
  if (inputs_ok && !weights.empty()) w.assign(weights.begin(), weights.end());
  double W = 0, W2 = 0;
  for (double x : w) W += x, W2 += x * x;
  if (inputs_ok && (h == 0 || (cumulative && W == 0))) {
    if (cumulative) SetGaussian(&out, cmp, target, to_date, 0.0);  // nothing left to come: the total is known
  } else if (inputs_ok && h > 0) {
    switch (fit.spec.Valid() ? fit.method : Method::kNone) {
      case Method::kNone:
        break;
      case Method::kConstant:
        SetGaussian(&out, cmp, target, cumulative ? to_date + W * fit.end.level : fit.end.level, 0.0);
        break;
      case Method::kMean: {
        // New draws around a mean estimated from n values.
        const double n = fit.n;
        const double variance = cumulative ? fit.sigma2 * (W2 + W * W / n) : fit.sigma2 * (1.0 + 1.0 / n);
        SetGaussian(&out, cmp, target, cumulative ? to_date + W * fit.end.level : fit.end.level, variance);
        break;
      }
      case Method::kEts:
        if (fit.spec.Linear()) {
          const std::vector<double> point = internal::PointForecast(fit, h);
          const std::vector<double> c = internal::ImpulseResponse(fit, h);
          double mean = cumulative ? to_date : point.back(), sum = 0;
          if (cumulative) {
            // The total's deviation is sum_i e_i (sum_{k >= i} w_k c_{k-i}).
            for (int k = 0; k < h; ++k) mean += w[k] * point[k];
            for (int i = 0; i < h; ++i) {
              double coef = 0;
              for (int k = i; k < h; ++k) coef += w[k] * c[k - i];
              sum += coef * coef;
            }
          } else {
            for (int k = 0; k < h; ++k) sum += c[k] * c[k];
          }
          SetGaussian(&out, cmp, target, mean, fit.sigma2 * sum);
        } else {
          SetSimulated(&out, fit, h, to_date, cumulative, cmp, target, sim, w);
        }
        break;
    }
  }
  out.status = Status(out.probability);
  return out;
}

}  // namespace kpic::forecast
