// The ETS recursion (see recursion.h for the equations).
#include "forecast/recursion.h"

#include <cmath>

namespace kpic::forecast::internal {

void Runner::SetCoefficients(const Spec& spec, const Params& params) {
  alpha_ = params.alpha;
  beta_ = spec.HasTrend() ? params.beta : 0.0;
  phi_ = spec.Damped() ? params.phi : 1.0;
  has_season_ = spec.HasSeason();
  mul_season_ = spec.season == Season::kMul;
  gamma_ = has_season_ ? params.gamma : 0.0;
  // gamma* = gamma / (1 - alpha); with alpha = 1 the admissible gamma is 0.
  gamma_star_ = alpha_ == 1.0 ? 0.0 : gamma_ / (1.0 - alpha_);
}

Runner::Runner(const Spec& spec, const Params& params) {
  SetCoefficients(spec, params);
  level_ = params.level0;
  trend_ = spec.HasTrend() ? params.trend0 : 0.0;
  const size_t m = static_cast<size_t>(spec.Period());
  const double neutral = mul_season_ ? 1.0 : 0.0;
  season_.assign(m, neutral);
  if (has_season_)
    for (size_t j = 0; j < m && j < params.season0.size(); ++j) season_[j] = params.season0[j];
}

Runner::Runner(const Spec& spec, const Params& params, const State& end) {
  SetCoefficients(spec, params);
  level_ = end.level;
  trend_ = spec.HasTrend() ? end.trend : 0.0;
  const size_t m = static_cast<size_t>(spec.Period());
  season_.assign(m, mul_season_ ? 1.0 : 0.0);
  if (has_season_)
    for (size_t j = 0; j < m && j < end.season.size(); ++j) season_[j] = end.season[j];
}

void Runner::Update(double y) {
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
  if (++pos_ == season_.size()) pos_ = 0;
}

State Runner::Snapshot() const {
  State out;
  out.level = level_;
  out.trend = trend_;
  if (has_season_) {
    out.season.resize(season_.size());
    for (size_t j = 0; j < season_.size(); ++j) out.season[j] = season_[(pos_ + j) % season_.size()];
  }
  return out;
}

}  // namespace kpic::forecast::internal
