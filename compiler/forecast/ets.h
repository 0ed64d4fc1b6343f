// Exponential-smoothing (ETS) forecasts for goals' risk warnings: the public
// API of the kpic_forecast library. A series of per-period values (month,
// quarter, ...) is fitted by maximum likelihood with one of the innovations
// state-space models of Hyndman et al. (Forecasting with Exponential
// Smoothing, 2008), as statsmodels' ETSModel implements them; Auto() picks the
// model by AICc and says in plain words which one it used and why. Predict()
// gives point forecasts with 80% and 95% prediction intervals, and Chance()
// the probability that a goal's target is met. See docs/forecast.md.
//
// Everything here is plain data and pure functions: no global state, and the
// same input gives the same output (simulations use a fixed seed). No input
// makes these functions crash or hang: NaN and infinite values count as
// missing periods, and what cannot be computed comes back as NaN.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kpic::forecast {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum class Error { kAdd, kMul };
enum class Trend { kNone, kAdd, kAddDamped };
enum class Season { kNone, kAdd, kMul };

/// The longest season modelled: 52 (weeks in a year). A longer one has too
/// many states to estimate from any realistic history.
inline constexpr int kMaxSeason = 52;

/// An ETS model: the error, trend and season types, and the season length m
/// (periods per cycle: 12 for months, 4 for quarters, 7 for days, 52 for
/// weeks). m is ignored without a season.
struct Spec {
  Error error = Error::kAdd;
  Trend trend = Trend::kNone;
  Season season = Season::kNone;
  int m = 1;

  /// The model in Hyndman's notation, e.g. "ETS(A,Ad,M)".
  std::string Name() const;
  /// The model in plain words, e.g. "a level with a damped trend and a
  /// seasonal pattern that scales with the level; errors proportional to the
  /// level".
  std::string Describe() const;
  /// The same in Chinese.
  std::string DescribeZh() const;
  bool HasTrend() const { return trend != Trend::kNone; }
  bool Damped() const { return trend == Trend::kAddDamped; }
  bool HasSeason() const { return season != Season::kNone; }
  /// False for a season shorter than 2 or longer than kMaxSeason periods.
  bool Valid() const;
  /// The season length in effect: m with a season, 1 without.
  int Period() const { return HasSeason() ? m : 1; }
  /// The number of estimated parameters: the smoothing parameters, phi when
  /// damped, and the initial states (level, trend, and m - 1 seasonals: one
  /// is fixed by normalisation; statsmodels counts it anyway, so its AIC for
  /// seasonal models is 2 higher). The criteria add one for the variance.
  int NumParams() const;
  /// True for the linear models (additive error, no multiplicative season),
  /// whose forecast distribution is Gaussian with closed-form variances.
  bool Linear() const { return error == Error::kAdd && season != Season::kMul; }
};

/// Smoothing parameters and initial states, as statsmodels' ETSModel takes
/// them: alpha (level), beta (trend), gamma (season), phi (damping; 1 when not
/// damped). season0[j] is the seasonal state that applies to observation j
/// (j < m), i.e. statsmodels' `initial_seasonal` in chronological order.
/// Unused entries are ignored (beta and trend0 without a trend, and so on).
struct Params {
  double alpha = 0.1;
  double beta = 0.0;
  double gamma = 0.0;
  double phi = 1.0;
  double level0 = 0.0;
  double trend0 = 0.0;
  std::vector<double> season0;
};

/// The states after the last period of the series: level, trend, and
/// season[j], the seasonal state that applies j+1 periods ahead.
struct State {
  double level = 0.0;
  double trend = 0.0;
  std::vector<double> season;
};

/// How a forecast is made: an ETS model, or a plain fallback for series that
/// cannot support one.
enum class Method {
  kNone,      // no observed value at all: every forecast is NaN
  kMean,      // 1 or 2 observed values: their mean; the spread of 2 values gives intervals, 1 value none
  kConstant,  // every observed value is the same: that value, with no uncertainty
  kEts,       // an ETS model (spec, params)
};

/// A fitted model and what it says about the series.
struct Fit {
  Method method = Method::kNone;
  Spec spec;
  Params params;
  /// statsmodels' concentrated log-likelihood and its information criteria
  /// (df = NumParams() + 1); NaN for the fallbacks.
  double loglik = kNaN;
  double aic = kNaN;
  double aicc = kNaN;
  double bic = kNaN;
  /// The variance of the innovations: the mean squared residual (relative
  /// residuals under multiplicative errors), as statsmodels' `scale`. For the
  /// mean of 2 values, their sample variance; NaN when unknown.
  double sigma2 = kNaN;
  /// Observed values fitted, and missing periods (NaN or infinite) among them.
  int n = 0;
  int missing = 0;
  /// The states after the last period (for kMean and kConstant, the level is
  /// the value forecast).
  State end;
  /// Which model was used and why, in plain words for an analyst; `why_zh`
  /// says the same in Chinese (a report's `lang zh`).
  std::string why;
  std::string why_zh;

  /// "ETS(M,A,M)", or "mean", "constant", "none" for the fallbacks.
  std::string ModelName() const;
  /// `why` in a report's language ("zh" or anything else for English).
  const std::string& Why(std::string_view lang) const { return lang == "zh" && !why_zh.empty() ? why_zh : why; }
};

/// The log-likelihood of y under the model at the given parameters, with
/// statsmodels' definition: -n/2 (log(2 pi mean(e^2)) + 1) - sum(log yhat),
/// the last term only under multiplicative errors (e relative residuals).
/// Missing periods (NaN, inf) are predicted by the model (zero innovation)
/// and left out of the sum and of n. NaN when y has no observed value.
double LogLikelihood(std::span<const double> y, const Spec& spec, const Params& params);

/// Runs the model over y at the given parameters without estimating
/// anything: the log-likelihood, information criteria, sigma2 and end state.
/// An invalid spec (see Spec::Valid) gives Method::kNone.
Fit Evaluate(std::span<const double> y, const Spec& spec, const Params& params);

/// Fits the given model by maximum likelihood (smoothing parameters within
/// statsmodels' usual bounds, initial states free). A model the data cannot
/// support falls back: multiplicative parts need strictly positive values
/// (replaced by additive ones), a season needs at least two full cycles
/// (dropped), fewer than 3 observed values or a constant series give the
/// plain fallbacks; `why` says so.
Fit FitModel(std::span<const double> y, const Spec& spec);

/// Fits every admissible model and keeps the lowest AICc, with the fallbacks
/// and the rules of docs/forecast.md (season length m; m < 2 means no
/// season). `unit` names one period in `why` ("month" gives "36 months of
/// history"). To leave out a partial last period, pass y.first(y.size() - 1).
Fit Auto(std::span<const double> y, int m, std::string_view unit = "period");

/// Settings of the Monte Carlo simulations, used where no closed form exists.
struct Simulation {
  int paths = 5000;  // clamped to [1, 100000]
  uint64_t seed = 20240601;
};

/// Point forecasts and prediction intervals for the next h periods (at most
/// kMaxHorizon).
struct Path {
  std::vector<double> mean, lo80, hi80, lo95, hi95;
  /// True when the intervals are simulation quantiles rather than closed form.
  bool simulated = false;
};

inline constexpr int kMaxHorizon = 1000;

/// Forecasts h periods ahead. The mean is the model's point forecast (the
/// recursion with zero innovations, as statsmodels' forecast()); the
/// intervals are Gaussian with exact variances for the linear models and
/// simulation quantiles otherwise.
Path Predict(const Fit& fit, int h, const Simulation& sim = {});

/// The chance that a goal is met, and the forecast of the compared quantity.
struct Outlook {
  /// P(quantity cmp target); NaN when it cannot be estimated.
  double probability = kNaN;
  /// "on track", "at risk", "off track", or "unknown" (see Status()).
  std::string status;
  /// The compared quantity's point forecast and 80% / 95% intervals.
  double end_mean = kNaN;
  double end_lo80 = kNaN, end_hi80 = kNaN;
  double end_lo95 = kNaN, end_hi95 = kNaN;
  bool simulated = false;
};

/// The probability that a goal's target is met after the next h periods.
/// With `cumulative`, the quantity is to_date plus the sum of the next h
/// periods (additive metrics: the period total so far plus what is still to
/// come); otherwise it is the value of the h-th period ahead (to_date is
/// ignored). cmp is one of ">=", ">", "<=", "<". Uses the joint distribution
/// of the forecast path: exact for the linear models, simulated otherwise.
/// `weights` (cumulative only; empty: all 1) weigh each of the h periods in
/// the total: 0 for a period outside the goal, the share still to come of a
/// period in progress. A NaN target gives the quantity's forecast and
/// intervals with a NaN probability.
Outlook Chance(const Fit& fit, int h, double to_date, bool cumulative, std::string_view cmp, double target,
               const Simulation& sim = {}, std::span<const double> weights = {});

/// Status thresholds: at least kOnTrack is "on track", at least kAtRisk is
/// "at risk", below is "off track".
inline constexpr double kOnTrack = 0.8;
inline constexpr double kAtRisk = 0.5;

/// The status for a probability; "unknown" for NaN.
std::string Status(double probability);

}  // namespace kpic::forecast
