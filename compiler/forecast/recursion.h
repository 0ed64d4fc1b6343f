// The ETS recursion: one period's one-step prediction and state update. The
// likelihood, the point forecasts and the simulated paths all run this one
// recursion, so that they describe the same model.
//
// The update is the error-correction form of Hyndman et al. (2008), written
// with u = (y (-) S) - L, the part of y its prediction missed, deseasonalised:
//   L = l + phi b,   yhat = L (+) S,   S = the seasonal state of this period
//   l' = L + alpha u,   b' = phi b + beta u,
//   s' = S + gamma u                                  (additive season)
//   s' = gamma* y / l' + (1 - gamma*) S,  gamma* = gamma / (1 - alpha)
//                                                     (multiplicative season)
// For every model but the multiplicative-season ones this is exactly the
// innovations state-space form. For a multiplicative season statsmodels
// 0.13.5 (our oracle) divides by the new level l' (the classic Holt-Winters
// update) rather than by L; we follow it, see docs/forecast.md.
#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "forecast/ets.h"

namespace kpic::forecast::internal {

/// The running states of a model. Holds its seasonals inline (no
/// allocation), since fits create and copy runners by the thousand. The
/// spec must be valid (Spec::Valid).
class Runner {
 public:
  /// Starts from the initial states in params (before the first period).
  Runner(const Spec& spec, const Params& params);
  /// Starts from a fit's end states (before the first period ahead).
  Runner(const Spec& spec, const Params& params, const State& end);

  /// The one-step prediction of the next period.
  double Predict() const {
    const double big_l = level_ + phi_ * trend_;
    const double s = season_[pos_];
    return mul_season_ ? big_l * s : big_l + s;
  }

  /// Moves past the next period with observed value y; a missing y (NaN or
  /// infinite) is taken to be its prediction, so the states evolve with a
  /// zero innovation. Inline: it is the inner loop of every fit.
  void Update(double y) {
    const double big_l = level_ + phi_ * trend_;
    const double s = season_[pos_];
    if (!std::isfinite(y)) {
      level_ = big_l;
      trend_ *= phi_;
    } else {
      const double u = (mul_season_ ? y / s : y - s) - big_l;
      level_ = big_l + alpha_ * u;
      trend_ = phi_ * trend_ + beta_ * u;
      if (mul_season_) {
        season_[pos_] = gamma_star_ * y / level_ + (1.0 - gamma_star_) * s;
      } else if (has_season_) {
        season_[pos_] = s + gamma_ * u;
      }
    }
    if (++pos_ == m_) pos_ = 0;
  }

  /// The states now, with season[j] the seasonal state j+1 periods ahead.
  State Snapshot() const;

 private:
  void Init(const Spec& spec, const Params& params, double level, double trend, const std::vector<double>& season);

  double alpha_ = 0, beta_ = 0, gamma_ = 0, gamma_star_ = 0, phi_ = 1;
  bool mul_season_ = false;
  bool has_season_ = false;
  double level_ = 0, trend_ = 0;
  std::array<double, kMaxSeason> season_;  // ring of m_: season_[pos_] applies to the next period
  size_t m_ = 1;
  size_t pos_ = 0;
};

}  // namespace kpic::forecast::internal
