// Starting values of the initial states (see initial.h).
#include "forecast/initial.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "forecast/recursion.h"

namespace kpic::forecast::internal {
namespace {

// The series with gaps filled by linear interpolation (flat beyond the ends):
// only for the heuristic, which needs whole cycles.
std::vector<double> Filled(const std::vector<double>& y) {
  std::vector<double> z = y;
  const size_t n = z.size();
  size_t prev = n;  // index of the previous observed value
  for (size_t t = 0; t < n; ++t) {
    if (!std::isfinite(z[t])) continue;
    if (prev == n) {
      for (size_t k = 0; k < t; ++k) z[k] = z[t];
    } else {
      for (size_t k = prev + 1; k < t; ++k) z[k] = z[prev] + (z[t] - z[prev]) * double(k - prev) / double(t - prev);
    }
    prev = t;
  }
  if (prev == n) return std::vector<double>(n, 1.0);
  for (size_t k = prev + 1; k < n; ++k) z[k] = z[prev];
  return z;
}

// Seasonal indices from a centred moving average over the first cycles (at
// most 5), detrended by difference or ratio, averaged per position.
std::vector<double> SeasonalIndices(const std::vector<double>& z, size_t m, bool mul) {
  const double neutral = mul ? 1.0 : 0.0;
  std::vector<double> acc(m, 0.0), count(m, 0.0);
  const size_t cycles = std::min<size_t>(z.size() / m, 5);
  const size_t total = cycles * m, half = m / 2;
  for (size_t t = half; t + half < total; ++t) {
    double sum = 0;
    if (m % 2 == 0) {
      sum = 0.5 * (z[t - half] + z[t + half]);
      for (size_t k = t - half + 1; k < t + half; ++k) sum += z[k];
    } else {
      for (size_t k = t - half; k <= t + half; ++k) sum += z[k];
    }
    const double ma = sum / double(m);
    if (mul && !(ma > 0)) continue;
    acc[t % m] += mul ? z[t] / ma : z[t] - ma;
    count[t % m] += 1;
  }
  std::vector<double> season(m, neutral);
  double mean = 0;
  for (size_t j = 0; j < m; ++j) {
    if (count[j] > 0) season[j] = acc[j] / count[j];
    mean += season[j] / double(m);
  }
  for (double& s : season) s = mul ? (mean > 0 ? s / mean : 1.0) : s - mean;
  return season;
}

// Solves A x = b in place for a symmetric positive definite A (n x n,
// row-major) by Cholesky; false if A is not numerically positive definite.
bool SolveCholesky(std::vector<double>& a, std::vector<double>& b, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0) || !std::isfinite(d)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double v = a[i * n + j];
      for (size_t k = 0; k < j; ++k) v -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = v / d;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    double v = b[i];
    for (size_t k = 0; k < i; ++k) v -= a[i * n + k] * b[k];
    b[i] = v / a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double v = b[i];
    for (size_t k = i + 1; k < n; ++k) v -= a[k * n + i] * b[k];
    b[i] = v / a[i * n + i];
  }
  return true;
}

}  // namespace

void NormalizeSeason(const Spec& spec, Params* params, bool first) {
  if (!spec.HasSeason() || params->season0.empty()) return;
  const bool mul = spec.season == Season::kMul;
  double c = params->season0[0];
  if (!first) {
    c = 0;
    for (double s : params->season0) c += s;
    c /= double(params->season0.size());
  }
  if (mul) {
    if (!(c > 0) || !std::isfinite(c)) return;
    for (double& s : params->season0) s /= c;
    params->level0 *= c;
    params->trend0 *= c;
  } else {
    if (!std::isfinite(c)) return;
    for (double& s : params->season0) s -= c;
    params->level0 += c;
  }
  if (first) params->season0[0] = mul ? 1.0 : 0.0;  // exactly, despite rounding
}

Params HeuristicStates(const Series& series, const Spec& spec, const Params& base) {
  Params p = base;
  std::vector<double> z = Filled(series.y);
  const size_t n = z.size(), m = static_cast<size_t>(spec.Period());
  const bool mul = spec.season == Season::kMul;
  p.season0.clear();
  if (spec.HasSeason()) {
    p.season0.assign(m, mul ? 1.0 : 0.0);
    if (n >= 2 * m) p.season0 = SeasonalIndices(z, m, mul);
    for (size_t t = 0; t < n; ++t) z[t] = mul ? z[t] / p.season0[t % m] : z[t] - p.season0[t % m];
  }
  // Level and trend: least squares on the first (up to) 10 values against
  // t = 1..k, so that the intercept is the level before the first period.
  const size_t k = std::min<size_t>(n, 10);
  double intercept = k > 0 ? z[0] : 1.0, slope = 0;
  if (k >= 2) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t t = 0; t < k; ++t) {
      const double x = double(t + 1);
      sx += x, sy += z[t], sxx += x * x, sxy += x * z[t];
    }
    slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    intercept = (sy - slope * sx) / double(k);
  }
  if (spec.HasTrend()) {
    p.level0 = intercept;
    p.trend0 = slope;
  } else {
    const size_t first = std::min<size_t>(n, 3);
    double mean = 0;
    for (size_t t = 0; t < first; ++t) mean += z[t] / double(first);
    p.level0 = first > 0 ? mean : 1.0;
    p.trend0 = 0;
  }
  if (!std::isfinite(p.level0)) p.level0 = 1.0;
  if (!std::isfinite(p.trend0)) p.trend0 = 0.0;
  NormalizeSeason(spec, &p, /*first=*/true);
  return p;
}

double ImproveStates(const Series& series, const Spec& spec, Params* params, int iterations) {
  const size_t m = static_cast<size_t>(spec.Period());
  const bool trend = spec.HasTrend(), season = spec.HasSeason();
  const bool linear = spec.season != Season::kMul, mul_error = spec.error == Error::kMul;
  // Unknowns: level0, trend0, season0[1..m-1] (season0[0] stays fixed).
  const size_t k = 1 + (trend ? 1 : 0) + (season ? m - 1 : 0);
  auto state = [&](Params& p, size_t j) -> double& {
    if (j == 0) return p.level0;
    if (trend && j == 1) return p.trend0;
    return p.season0[j - (trend ? 1 : 0)];
  };
  if (season) params->season0.resize(m, spec.season == Season::kMul ? 1.0 : 0.0);
  double best = SeriesLogLik(series, spec, *params);
  std::vector<Runner> runners;
  std::vector<double> delta(k), ata(k * k), atr(k), row(k);
  for (int iteration = 0; iteration < iterations; ++iteration) {
    // One runner at the current states and one per unknown with that state
    // nudged: their differences are the columns of the Jacobian of the
    // predictions (exact for the linear models, whatever the nudge).
    runners.clear();
    runners.emplace_back(spec, *params);
    for (size_t j = 0; j < k; ++j) {
      Params nudged = *params;
      double& x = state(nudged, j);
      delta[j] = linear ? 1.0 : 1e-6 * std::max(1.0, std::fabs(x));
      x += delta[j];
      runners.emplace_back(spec, nudged);
    }
    std::fill(ata.begin(), ata.end(), 0.0);
    std::fill(atr.begin(), atr.end(), 0.0);
    for (double v : series.y) {
      if (std::isfinite(v)) {
        const double yhat = runners[0].Predict();
        // Under multiplicative errors the residuals are relative: weight by
        // 1 / yhat^2 once the predictions are trustworthy.
        const double w = mul_error && iteration > 0 && yhat > 0 ? 1.0 / (yhat * yhat) : 1.0;
        for (size_t j = 0; j < k; ++j) row[j] = (runners[j + 1].Predict() - yhat) / delta[j];
        for (size_t i = 0; i < k; ++i) {
          atr[i] += w * row[i] * (v - yhat);
          for (size_t j = 0; j <= i; ++j) ata[i * k + j] += w * row[i] * row[j];
        }
      }
      for (Runner& r : runners) r.Update(v);
    }
    double trace = 0;
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < i; ++j) ata[j * k + i] = ata[i * k + j];
      trace += ata[i * k + i];
    }
    // A whisper of ridge keeps nearly collinear states (alpha near 1) solvable.
    for (size_t i = 0; i < k; ++i) ata[i * k + i] += 1e-12 * trace / double(k) + 1e-300;
    if (!SolveCholesky(ata, atr, k)) break;
    // Least squares is exact for the linear models under additive errors;
    // otherwise step back until the likelihood improves.
    bool improved = false;
    for (double step = 1.0; step > 1e-3 && !improved; step *= 0.25) {
      Params trial = *params;
      for (size_t j = 0; j < k; ++j) state(trial, j) += step * atr[j];
      const double ll = SeriesLogLik(series, spec, trial);
      if (ll > best || (linear && !mul_error && std::isfinite(ll))) {
        *params = trial;
        best = ll;
        improved = true;
      }
    }
    if (!improved || (linear && !mul_error)) break;
  }
  return best;
}

}  // namespace kpic::forecast::internal
