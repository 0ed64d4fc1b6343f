// statsmodels' ETS log-likelihood (ETSModel.loglike in 0.13.5), computed on
// data rescaled by an exact power of two so that huge values do not overflow.
#include "forecast/likelihood.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "forecast/recursion.h"

namespace kpic::forecast {
namespace internal {

namespace {

// One model's pass in progress.
struct Lane {
  explicit Lane(Runner r) : runner(r) {}

  Runner runner;
  Pass pass;
  double product = 1.0;

  // sum(log yhat) is the log of a running product, taken when the product
  // leaves [1e-150, 1e150] (factors outside [1e-100, 1e100] go straight to
  // the log): one log every few dozen periods instead of one per period,
  // which dominated the fits' time.
  void Step(double v, bool mul_error) {
    const double yhat = runner.Predict();
    if (std::isfinite(v)) {
      const double e = mul_error ? (v - yhat) / yhat : v - yhat;
      pass.sse += e * e;
      if (mul_error) {
        // statsmodels (GH-7331) replaces yhat <= 0 by 1 / (1e-8 (1 + |yhat|))
        // inside the log, a large penalty that keeps the value finite.
        const double factor = yhat > 0 ? yhat : 1.0 / (1e-8 * (1.0 + std::fabs(yhat)));
        if (factor > 1e-100 && factor < 1e100) {
          product *= factor;
          if (!(product < 1e150 && product > 1e-150)) {
            pass.sum_log += std::log(product);
            product = 1.0;
          }
        } else {
          pass.sum_log += std::log(factor);
        }
      }
      ++pass.n;
    }
    runner.Update(v);
  }

  void Finish() {
    pass.sum_log += std::log(product);
    product = 1.0;
  }
};

}  // namespace

Pass Run(std::span<const double> y, const Spec& spec, const Params& params, bool keep_end) {
  Lane lane(Runner(spec, params));
  const bool mul_error = spec.error == Error::kMul;
  for (double v : y) lane.Step(v, mul_error);
  lane.Finish();
  if (keep_end) lane.pass.end = lane.runner.Snapshot();
  return lane.pass;
}

std::vector<Pass> RunMany(std::span<const double> y, const Spec& spec, std::span<const Params> params) {
  std::vector<Lane> lanes;
  lanes.reserve(params.size());
  for (const Params& p : params) lanes.emplace_back(Runner(spec, p));
  const bool mul_error = spec.error == Error::kMul;
  // Period by period across the lanes: each lane's recursion is a chain of
  // dependent divisions, and independent chains overlap in the processor.
  for (double v : y)
    for (Lane& lane : lanes) lane.Step(v, mul_error);
  std::vector<Pass> out;
  out.reserve(lanes.size());
  for (Lane& lane : lanes) {
    lane.Finish();
    out.push_back(std::move(lane.pass));
  }
  return out;
}

double Concentrated(const Pass& pass, Error error, double mse_floor) {
  if (pass.n == 0) return kNaN;
  double mse = pass.sse / pass.n;
  if (mse < mse_floor) mse = mse_floor;
  double ll = -pass.n / 2.0 * (std::log(2.0 * std::numbers::pi * mse) + 1.0);
  if (error == Error::kMul) ll -= pass.sum_log;
  return ll;
}

double ScaleOf(std::span<const double> y) {
  double big = 0;
  for (double v : y)
    if (std::isfinite(v) && std::fabs(v) > big) big = std::fabs(v);
  if (big == 0) return 1.0;
  int exponent = 0;
  std::frexp(big, &exponent);
  return std::ldexp(1.0, exponent);
}

namespace {

void ScaleStates(const Spec& spec, double factor, double* level, double* trend, std::vector<double>* season) {
  *level *= factor;
  *trend *= factor;
  if (spec.season == Season::kAdd)
    for (double& s : *season) s *= factor;
}

}  // namespace

Params ScaleParams(const Spec& spec, Params params, double factor) {
  ScaleStates(spec, factor, &params.level0, &params.trend0, &params.season0);
  return params;
}

State ScaleState(const Spec& spec, State state, double factor) {
  ScaleStates(spec, factor, &state.level, &state.trend, &state.season);
  return state;
}

void SetCriteria(Fit* fit) {
  const double df = fit->spec.NumParams() + 1.0;
  const double n = fit->n;
  fit->aic = -2.0 * fit->loglik + 2.0 * df;
  fit->aicc = n - df - 1.0 > 0 ? -2.0 * fit->loglik + 2.0 * df * n / (n - df - 1.0) : kNaN;
  fit->bic = -2.0 * fit->loglik + df * std::log(n);
}

}  // namespace internal

using internal::ScaleOf;

Fit Evaluate(std::span<const double> y, const Spec& spec, const Params& params) {
  Fit fit;
  fit.method = Method::kEts;
  fit.spec = spec;
  fit.params = params;
  if (!spec.Valid()) {
    fit.method = Method::kNone;
    fit.why = fmt::format("A season of {} periods is not supported (2 to {}).", spec.m, kMaxSeason);
    fit.why_zh = fmt::format("不支持 {} 期的季节（支持 2 到 {} 期）。", spec.m, kMaxSeason);
    return fit;
  }
  const double scale = ScaleOf(y);
  std::vector<double> scaled(y.begin(), y.end());
  for (double& v : scaled) {
    if (!std::isfinite(v)) ++fit.missing;
    v /= scale;
  }
  const internal::Pass pass = internal::Run(scaled, spec, internal::ScaleParams(spec, params, 1.0 / scale), true);
  fit.n = pass.n;
  fit.loglik = internal::Concentrated(pass, spec.error) - pass.n * std::log(scale);
  fit.sigma2 = pass.n > 0 ? pass.sse / pass.n : kNaN;
  if (spec.error == Error::kAdd) fit.sigma2 *= scale * scale;
  fit.end = internal::ScaleState(spec, pass.end, scale);
  internal::SetCriteria(&fit);
  return fit;
}

double LogLikelihood(std::span<const double> y, const Spec& spec, const Params& params) {
  return Evaluate(y, spec, params).loglik;
}

}  // namespace kpic::forecast
