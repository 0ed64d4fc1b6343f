// The ETS recursion (see recursion.h for the equations).
#include "forecast/recursion.h"

#include <algorithm>

namespace kpic::forecast::internal {

void Runner::Init(const Spec& spec, const Params& params, double level, double trend,
                  const std::vector<double>& season) {
  alpha_ = params.alpha;
  beta_ = spec.HasTrend() ? params.beta : 0.0;
  phi_ = spec.Damped() ? params.phi : 1.0;
  has_season_ = spec.HasSeason();
  mul_season_ = spec.season == Season::kMul;
  gamma_ = has_season_ ? params.gamma : 0.0;
  // gamma* = gamma / (1 - alpha); with alpha = 1 the admissible gamma is 0.
  gamma_star_ = alpha_ == 1.0 ? 0.0 : gamma_ / (1.0 - alpha_);
  level_ = level;
  trend_ = spec.HasTrend() ? trend : 0.0;
  m_ = static_cast<size_t>(std::clamp(spec.Period(), 1, kMaxSeason));
  for (size_t j = 0; j < m_; ++j) season_[j] = has_season_ && j < season.size() ? season[j] : mul_season_ ? 1.0 : 0.0;
}

Runner::Runner(const Spec& spec, const Params& params) {
  Init(spec, params, params.level0, params.trend0, params.season0);
}

Runner::Runner(const Spec& spec, const Params& params, const State& end) {
  Init(spec, params, end.level, end.trend, end.season);
}

State Runner::Snapshot() const {
  State out;
  out.level = level_;
  out.trend = trend_;
  if (has_season_) {
    out.season.resize(m_);
    for (size_t j = 0; j < m_; ++j) out.season[j] = season_[(pos_ + j) % m_];
  }
  return out;
}

}  // namespace kpic::forecast::internal
