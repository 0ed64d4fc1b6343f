// Forward-mode derivatives of the ETS recursion (see gradient.h). With
// d(.) the vector of derivatives of a quantity with respect to x, and the
// recursion of recursion.h:
//   L = l + phi b                    dL = dl + phi db + b dphi
//   yhat = L S or L + S              dyhat = dL S + L dS, or dL + dS
//   u = y / S - L or y - S - L       du = -y / S^2 dS - dL, or -dS - dL
//   l' = L + alpha u                 dl' = dL + alpha du + u dalpha
//   b' = phi b + alpha beta* u       db' = phi db + b dphi + beta* u dalpha + alpha u dbeta* + alpha beta* du
//   s' = S + (1 - alpha) gamma* u    ds' = dS + (1 - alpha) gamma* du + (1 - alpha) u dgamma* - gamma* u dalpha
//   s' = gamma* y / l' + (1 - gamma*) S
//                                    ds' = -gamma* y / l'^2 dl' + (1 - gamma*) dS + (y / l' - S) dgamma*
// and a missing y keeps u = 0 (l' = L, b' = phi b, s' = S).
#include "forecast/gradient.h"

#include <cmath>
#include <numbers>

namespace kpic::forecast::internal {

double LogLikWithGradient(std::span<const double> y, const Spec& spec, const Params& params, double mse_floor,
                          std::vector<double>* grad) {
  const bool trend = spec.HasTrend(), damped = spec.Damped(), season = spec.HasSeason();
  const bool mul_season = spec.season == Season::kMul, mul_error = spec.error == Error::kMul;
  const size_t m = static_cast<size_t>(spec.Period());
  // Positions in x, -1 where the model has no such unknown.
  int k = 0;
  const int i_alpha = k++;
  const int i_beta = trend ? k++ : -1;
  const int i_gamma = season ? k++ : -1;
  const int i_phi = damped ? k++ : -1;
  const int i_level = k++;
  const int i_trend = trend ? k++ : -1;
  const int i_season = season ? k : -1;  // season0[j] at i_season + j - 1, j >= 1
  if (season) k += static_cast<int>(m) - 1;
  const size_t n_x = static_cast<size_t>(k);

  const double alpha = params.alpha, phi = damped ? params.phi : 1.0;
  const double beta_star = trend && alpha != 0 ? params.beta / alpha : 0.0;
  const double gamma_star = season && alpha != 1 ? params.gamma / (1 - alpha) : 0.0;
  double l = params.level0, b = trend ? params.trend0 : 0.0;
  std::vector<double> s(m, mul_season ? 1.0 : 0.0);
  for (size_t j = 0; season && j < m && j < params.season0.size(); ++j) s[j] = params.season0[j];

  std::vector<double> dl(n_x, 0.0), db(n_x, 0.0), ds(m * n_x, 0.0);
  std::vector<double> d_big_l(n_x), d_yhat(n_x), du(n_x), ds_new(n_x), d_sse(n_x, 0.0), d_log(n_x, 0.0);
  dl[i_level] = 1;
  if (trend) db[i_trend] = 1;
  for (size_t j = 1; season && j < m; ++j) ds[j * n_x + i_season + j - 1] = 1;

  double sse = 0, sum_log = 0;
  int n = 0;
  size_t pos = 0;
  for (double v : y) {
    const double big_l = l + phi * b;
    const double big_s = s[pos];
    double* d_big_s = &ds[pos * n_x];
    for (size_t i = 0; i < n_x; ++i) d_big_l[i] = dl[i] + phi * db[i];
    if (damped) d_big_l[i_phi] += b;
    const double yhat = mul_season ? big_l * big_s : big_l + big_s;
    for (size_t i = 0; i < n_x; ++i)
      d_yhat[i] = mul_season ? d_big_l[i] * big_s + big_l * d_big_s[i] : d_big_l[i] + d_big_s[i];
    if (!std::isfinite(v)) {
      l = big_l;
      dl = d_big_l;
      if (trend) {
        for (size_t i = 0; i < n_x; ++i) db[i] *= phi;
        if (damped) db[i_phi] += b;
        b *= phi;
      }
      if (++pos == m) pos = 0;
      continue;
    }
    // The likelihood's sums.
    ++n;
    const double e = mul_error ? (v - yhat) / yhat : v - yhat;
    const double de_dyhat = mul_error ? -v / (yhat * yhat) : -1.0;
    sse += e * e;
    for (size_t i = 0; i < n_x; ++i) d_sse[i] += 2 * e * de_dyhat * d_yhat[i];
    if (mul_error) {
      // statsmodels' clip of yhat <= 0 (see likelihood.cc), and its derivative.
      const double log_yhat = yhat > 0 ? std::log(yhat) : -std::log(1e-8 * (1.0 + std::fabs(yhat)));
      const double dlog_dyhat = yhat > 0 ? 1.0 / yhat : (yhat < 0 ? 1.0 : -1.0) / (1.0 + std::fabs(yhat));
      sum_log += log_yhat;
      for (size_t i = 0; i < n_x; ++i) d_log[i] += dlog_dyhat * d_yhat[i];
    }
    // The states.
    const double u = (mul_season ? v / big_s : v - big_s) - big_l;
    for (size_t i = 0; i < n_x; ++i)
      du[i] = (mul_season ? -v / (big_s * big_s) * d_big_s[i] : -d_big_s[i]) - d_big_l[i];
    const double l_new = big_l + alpha * u;
    for (size_t i = 0; i < n_x; ++i) dl[i] = d_big_l[i] + alpha * du[i];
    dl[i_alpha] += u;
    if (trend) {
      for (size_t i = 0; i < n_x; ++i) db[i] = phi * db[i] + alpha * beta_star * du[i];
      if (damped) db[i_phi] += b;
      db[i_alpha] += beta_star * u;
      db[i_beta] += alpha * u;
      b = phi * b + alpha * beta_star * u;
    }
    if (mul_season) {
      const double c = gamma_star * v / (l_new * l_new);
      for (size_t i = 0; i < n_x; ++i) ds_new[i] = -c * dl[i] + (1 - gamma_star) * d_big_s[i];
      ds_new[i_gamma] += v / l_new - big_s;
      s[pos] = gamma_star * v / l_new + (1 - gamma_star) * big_s;
    } else if (season) {
      for (size_t i = 0; i < n_x; ++i) ds_new[i] = d_big_s[i] + (1 - alpha) * gamma_star * du[i];
      ds_new[i_gamma] += (1 - alpha) * u;
      ds_new[i_alpha] -= gamma_star * u;
      s[pos] = big_s + (1 - alpha) * gamma_star * u;
    }
    if (season)
      for (size_t i = 0; i < n_x; ++i) d_big_s[i] = ds_new[i];
    l = l_new;
    if (++pos == m) pos = 0;
  }
  grad->assign(n_x, 0.0);
  if (n == 0) return kNaN;
  double mse = sse / n;
  const bool floored = !(mse >= mse_floor);
  if (floored) mse = mse_floor;
  double ll = -n / 2.0 * (std::log(2.0 * std::numbers::pi * mse) + 1.0);
  if (mul_error) ll -= sum_log;
  for (size_t i = 0; i < n_x; ++i)
    (*grad)[i] = (floored ? 0.0 : -n / 2.0 * d_sse[i] / sse) - (mul_error ? d_log[i] : 0.0);
  return ll;
}

}  // namespace kpic::forecast::internal
