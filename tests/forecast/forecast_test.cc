// Unit tests of kpic_forecast (docs/forecast.md): the fallbacks and their
// explanations, gaps, partial periods, the probability of meeting a target,
// determinism, and inputs that must neither crash nor hang (NaN, inf, huge,
// empty, absurd horizons and season lengths). The agreement with statsmodels
// is tested by statsmodels_test.py.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "forecast/ets.h"
#include "forecast/gradient.h"

namespace fc = kpic::forecast;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> Airline() {
  std::ifstream in(std::string(KPIC_FORECAST_DATA) + "/airline.csv");
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> y;
  while (std::getline(in, line)) y.push_back(std::stod(line.substr(line.find(',') + 1)));
  return y;
}

// A monthly series with a trend, a season and noise, from a fixed seed
// (std::mt19937 is specified exactly; the noise is a sum of uniforms so that
// no implementation-defined distribution is involved).
std::vector<double> Monthly(int n, unsigned seed, double level = 100) {
  std::mt19937 gen(seed);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    double noise = 0;
    for (int k = 0; k < 12; ++k) noise += double(gen()) / 4294967296.0 - 0.5;
    y.push_back(level + 1.5 * t + 12 * std::sin(2 * 3.141592653589793 * t / 12) + 4 * noise);
  }
  return y;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

fc::Spec MakeSpec(fc::Error e, fc::Trend t, fc::Season s, int m) { return fc::Spec{e, t, s, m}; }

}  // namespace

TEST_CASE("airline.csv is the classic series") {
  const std::vector<double> y = Airline();
  REQUIRE(y.size() == 144);
  double sum = 0;
  for (double v : y) sum += v;
  CHECK(sum == 40363);
  CHECK(y[0] == 112);
  CHECK(y[11] == 118);
}

TEST_CASE("model names and plain descriptions") {
  CHECK(MakeSpec(fc::Error::kAdd, fc::Trend::kAddDamped, fc::Season::kMul, 12).Name() == "ETS(A,Ad,M)");
  CHECK(MakeSpec(fc::Error::kMul, fc::Trend::kNone, fc::Season::kNone, 1).Name() == "ETS(M,N,N)");
  CHECK(MakeSpec(fc::Error::kAdd, fc::Trend::kAdd, fc::Season::kAdd, 4).Name() == "ETS(A,A,A)");
  const std::string d = MakeSpec(fc::Error::kMul, fc::Trend::kAddDamped, fc::Season::kMul, 12).Describe();
  CHECK(Contains(d, "flattens out"));
  CHECK(Contains(d, "scales with the level"));
  CHECK(Contains(d, "proportional to the level"));
  // alpha, beta, gamma, phi, level0, trend0 and 11 free seasonals
  CHECK(MakeSpec(fc::Error::kAdd, fc::Trend::kAddDamped, fc::Season::kAdd, 12).NumParams() == 17);
}

TEST_CASE("the exact gradient equals central differences, for every model, with gaps") {
  std::vector<double> y = Monthly(40, 37);
  y[9] = kNaN;
  y[25] = kNaN;
  for (fc::Error e : {fc::Error::kAdd, fc::Error::kMul})
    for (fc::Trend t : {fc::Trend::kNone, fc::Trend::kAdd, fc::Trend::kAddDamped})
      for (fc::Season s : {fc::Season::kNone, fc::Season::kAdd, fc::Season::kMul}) {
        const fc::Spec spec = MakeSpec(e, t, s, s == fc::Season::kNone ? 1 : 4);
        CAPTURE(spec.Name());
        // x = (alpha, beta*, gamma*, phi, level0, trend0, season0[1..3]) as the model has them.
        std::vector<double> x = {0.3};
        if (spec.HasTrend()) x.push_back(0.2);
        if (spec.HasSeason()) x.push_back(0.3);
        if (spec.Damped()) x.push_back(0.9);
        x.push_back(98);
        if (spec.HasTrend()) x.push_back(1.2);
        const std::vector<double> seasonals =
            s == fc::Season::kMul ? std::vector<double>{1.1, 0.95, 0.9} : std::vector<double>{8, -4, -9};
        if (spec.HasSeason()) x.insert(x.end(), seasonals.begin(), seasonals.end());
        auto params = [&](const std::vector<double>& v) {
          fc::Params p;
          size_t i = 0;
          p.alpha = v[i++];
          if (spec.HasTrend()) p.beta = p.alpha * v[i++];
          if (spec.HasSeason()) p.gamma = (1 - p.alpha) * v[i++];
          if (spec.Damped()) p.phi = v[i++];
          p.level0 = v[i++];
          if (spec.HasTrend()) p.trend0 = v[i++];
          if (spec.HasSeason()) {
            p.season0 = {s == fc::Season::kMul ? 1.0 : 0.0};
            while (i < v.size()) p.season0.push_back(v[i++]);
          }
          return p;
        };
        std::vector<double> grad;
        const double ll = fc::internal::LogLikWithGradient(y, spec, params(x), 0.0, &grad);
        CHECK(ll == doctest::Approx(fc::LogLikelihood(y, spec, params(x))).epsilon(1e-12));
        REQUIRE(grad.size() == x.size());
        for (size_t i = 0; i < x.size(); ++i) {
          std::vector<double> up = x, down = x;
          const double h = 1e-6 * std::max(1.0, std::fabs(x[i]));
          up[i] += h;
          down[i] -= h;
          const double numeric =
              (fc::LogLikelihood(y, spec, params(up)) - fc::LogLikelihood(y, spec, params(down))) / (2 * h);
          CAPTURE(i);
          CHECK(grad[i] == doctest::Approx(numeric).epsilon(1e-5).scale(1.0));
        }
      }
}

TEST_CASE("status thresholds") {
  CHECK(fc::Status(0.95) == "on track");
  CHECK(fc::Status(0.8) == "on track");
  CHECK(fc::Status(0.79) == "at risk");
  CHECK(fc::Status(0.5) == "at risk");
  CHECK(fc::Status(0.49) == "off track");
  CHECK(fc::Status(0.0) == "off track");
  CHECK(fc::Status(kNaN) == "unknown");
}

TEST_CASE("no history, one value, two values") {
  SUBCASE("empty") {
    const fc::Fit fit = fc::Auto({}, 12, "month");
    CHECK(fit.method == fc::Method::kNone);
    CHECK(Contains(fit.why, "No history"));
    const fc::Path p = fc::Predict(fit, 3);
    REQUIRE(p.mean.size() == 3);
    CHECK(std::isnan(p.mean[0]));
    CHECK(fc::Chance(fit, 3, 0, true, ">=", 10).status == "unknown");
  }
  SUBCASE("all missing") {
    const std::vector<double> y = {kNaN, kNaN, kInf};
    const fc::Fit fit = fc::Auto(y, 12, "month");
    CHECK(fit.method == fc::Method::kNone);
    CHECK(Contains(fit.why, "3 months, all of them missing"));
  }
  SUBCASE("one value") {
    const std::vector<double> y = {42};
    const fc::Fit fit = fc::Auto(y, 12, "month");
    CHECK(fit.method == fc::Method::kMean);
    CHECK(Contains(fit.why, "1 month of history: too short for any model"));
    const fc::Path p = fc::Predict(fit, 2);
    CHECK(p.mean[1] == 42);
    CHECK(std::isnan(p.lo95[1]));  // no spread to estimate from
    const fc::Outlook o = fc::Chance(fit, 2, 10, true, ">=", 90);
    CHECK(std::isnan(o.probability));
    CHECK(o.status == "unknown");
    CHECK(o.end_mean == 94);
  }
  SUBCASE("two values") {
    const std::vector<double> y = {10, 14};
    const fc::Fit fit = fc::Auto(y, 12, "month");
    CHECK(fit.method == fc::Method::kMean);
    CHECK(Contains(fit.why, "2 months of history: too short for exponential smoothing"));
    CHECK(fit.sigma2 == doctest::Approx(8.0));
    const fc::Path p = fc::Predict(fit, 1);
    CHECK(p.mean[0] == 12);
    CHECK(p.hi95[0] - p.mean[0] == doctest::Approx(1.959963984540054 * std::sqrt(8.0 * 1.5)));
    // The total of 3 more periods: 36 expected, variance 8 (3 + 9/2).
    const fc::Outlook o = fc::Chance(fit, 3, 0, true, ">=", 36);
    CHECK(o.probability == doctest::Approx(0.5));
  }
}

TEST_CASE("3 to 6 values: simple exponential smoothing, no comparison") {
  const std::vector<double> y = {10, 12, 11, 13, 12};
  const fc::Fit fit = fc::Auto(y, 12, "week");
  CHECK(fit.method == fc::Method::kEts);
  CHECK(fit.spec.Name() == "ETS(A,N,N)");
  CHECK(Contains(fit.why, "5 weeks of history"));
  CHECK(Contains(fit.why, "too short to compare models"));
  CHECK(Contains(fit.why, "simple exponential smoothing"));
  CHECK(std::isfinite(fit.loglik));
}

TEST_CASE("12 months: too short for a seasonal model") {
  const std::vector<double> y = Monthly(12, 3);
  const fc::Fit fit = fc::Auto(y, 12, "month");
  CHECK(fit.method == fc::Method::kEts);
  CHECK(!fit.spec.HasSeason());
  CHECK(Contains(fit.why, "12 months of history: too short for a seasonal model"));
}

TEST_CASE("constant series") {
  const std::vector<double> y(24, 1250.0);
  const fc::Fit fit = fc::Auto(y, 12, "month");
  CHECK(fit.method == fc::Method::kConstant);
  CHECK(Contains(fit.why, "every value is the same (1250)"));
  const fc::Path p = fc::Predict(fit, 4);
  CHECK(p.mean[3] == 1250);
  CHECK(p.lo95[3] == 1250);
  CHECK(p.hi95[3] == 1250);
  CHECK(fc::Chance(fit, 4, 100, true, ">=", 5100).probability == 1.0);
  CHECK(fc::Chance(fit, 4, 100, true, ">", 5100).probability == 0.0);
  CHECK(fc::Chance(fit, 4, 100, true, "<", 5100.5).probability == 1.0);
}

TEST_CASE("zeros refuse multiplicative models, and say so") {
  std::vector<double> y = Monthly(48, 5, 20);
  y[7] = 0;
  y[30] = 0;
  const fc::Fit asked = fc::FitModel(y, MakeSpec(fc::Error::kMul, fc::Trend::kAdd, fc::Season::kMul, 12));
  CHECK(asked.spec.Name() == "ETS(A,A,A)");
  CHECK(Contains(asked.why, "Asked for ETS(M,A,M)"));
  CHECK(Contains(asked.why, "zeros or negative values"));
  const fc::Fit chosen = fc::Auto(y, 12, "month");
  CHECK(chosen.spec.error == fc::Error::kAdd);
  CHECK(chosen.spec.season != fc::Season::kMul);
  CHECK(Contains(chosen.why, "only models with additive errors and seasons were considered"));
}

TEST_CASE("gaps are predicted by the model and said") {
  std::vector<double> y = Monthly(40, 9);
  const fc::Spec spec = MakeSpec(fc::Error::kAdd, fc::Trend::kAdd, fc::Season::kAdd, 12);
  fc::Params p;
  p.alpha = 0.3, p.beta = 0.02, p.gamma = 0.1, p.level0 = 100, p.trend0 = 1.5;
  p.season0.assign(12, 0.0);
  SUBCASE("a trailing gap changes nothing but the origin of the forecast") {
    std::vector<double> longer = y;
    longer.push_back(kNaN);
    CHECK(fc::LogLikelihood(longer, spec, p) == doctest::Approx(fc::LogLikelihood(y, spec, p)).epsilon(1e-12));
    const fc::Path a = fc::Predict(fc::Evaluate(y, spec, p), 5);
    const fc::Path b = fc::Predict(fc::Evaluate(longer, spec, p), 4);
    for (int j = 0; j < 4; ++j) CHECK(b.mean[j] == doctest::Approx(a.mean[j + 1]).epsilon(1e-12));
  }
  SUBCASE("interior gaps, NaN and inf") {
    y[5] = kNaN;
    y[20] = kInf;
    y[21] = -kInf;
    const fc::Fit e = fc::Evaluate(y, spec, p);
    CHECK(e.n == 37);
    CHECK(e.missing == 3);
    CHECK(std::isfinite(e.loglik));
    const fc::Fit fit = fc::Auto(y, 12, "month");
    CHECK(fit.missing == 3);
    CHECK(Contains(fit.why, "40 months of history, 3 of them missing"));
    CHECK(std::isfinite(fit.loglik));
  }
}

TEST_CASE("a partial last period is dropped by passing a shorter span") {
  std::vector<double> y = Monthly(37, 11);
  y.back() *= 0.3;  // only a few days of the 37th month so far
  const std::span<const double> complete = std::span<const double>(y).first(y.size() - 1);
  const std::vector<double> copy(y.begin(), y.end() - 1);
  const fc::Fit a = fc::Auto(complete, 12, "month");
  const fc::Fit b = fc::Auto(copy, 12, "month");
  CHECK(a.n == 36);
  CHECK(a.spec.Name() == b.spec.Name());
  CHECK(a.loglik == b.loglik);
  CHECK(Contains(a.why, "36 months of history"));
}

TEST_CASE("forecasts and chance on the airline series") {
  const std::vector<double> y = Airline();
  const fc::Fit fit = fc::Auto(y, 12, "month");
  CHECK(fit.spec.Name() == "ETS(M,A,M)");  // Hyndman's and statsmodels' classic answer
  CHECK(fit.loglik == doctest::Approx(-522.4899).epsilon(1e-6));
  const fc::Path p = fc::Predict(fit, 12);
  CHECK(p.simulated);
  for (int j = 0; j < 12; ++j) {
    CHECK(p.lo95[j] < p.lo80[j]);
    CHECK(p.lo80[j] < p.mean[j]);
    CHECK(p.mean[j] < p.hi80[j]);
    CHECK(p.hi80[j] < p.hi95[j]);
  }
  CHECK(p.mean[6] > p.mean[2]);  // July above March
  // 1961's total against targets around the forecast.
  double total = 0;
  for (double v : p.mean) total += v;
  const fc::Outlook easy = fc::Chance(fit, 12, 0, true, ">=", 0.85 * total);
  const fc::Outlook hard = fc::Chance(fit, 12, 0, true, ">=", 1.15 * total);
  CHECK(easy.probability > 0.95);
  CHECK(easy.status == "on track");
  CHECK(hard.probability < 0.05);
  CHECK(hard.status == "off track");
  CHECK(easy.end_mean == doctest::Approx(total));
  // Half-way through the year: 6 months done, 6 to come.
  const fc::Outlook mid = fc::Chance(
      fit, 6, 2900, true, ">=", 2900 + p.mean[0] + p.mean[1] + p.mean[2] + p.mean[3] + p.mean[4] + p.mean[5]);
  CHECK(mid.probability > 0.3);
  CHECK(mid.probability < 0.7);
  // The last period's value, with the opposite comparison.
  const fc::Outlook last = fc::Chance(fit, 12, 0, false, "<=", p.hi95[11]);
  CHECK(last.probability == doctest::Approx(0.975).epsilon(0.01));
}

TEST_CASE("the Gaussian chance of a linear model") {
  const std::vector<double> y = Monthly(60, 13);
  const fc::Fit fit = fc::FitModel(y, MakeSpec(fc::Error::kAdd, fc::Trend::kAdd, fc::Season::kAdd, 12));
  REQUIRE(fit.spec.Linear());
  const fc::Path p = fc::Predict(fit, 6);
  CHECK(!p.simulated);
  double total = 500;
  for (double v : p.mean) total += v;
  const fc::Outlook o = fc::Chance(fit, 6, 500, true, ">=", total);
  CHECK(!o.simulated);
  CHECK(o.probability == doctest::Approx(0.5).epsilon(1e-9));
  CHECK(fc::Chance(fit, 6, 500, true, "<", total).probability == doctest::Approx(0.5).epsilon(1e-9));
  // The last period alone: its own interval.
  CHECK(fc::Chance(fit, 6, 0, false, ">=", p.hi80[5]).probability == doctest::Approx(0.1).epsilon(1e-9));
  // The sum's interval is wider than any one period's.
  CHECK(o.end_hi95 - o.end_lo95 > p.hi95[5] - p.lo95[5]);
  // Nothing left to come: the total is known.
  CHECK(fc::Chance(fit, 0, 500, true, ">=", 499).probability == 1.0);
}

TEST_CASE("weights: a period outside the goal and a period in progress") {
  // ETS(A,N,N): every point forecast is the level l, and a unit innovation
  // moves each later value by alpha (c_0 = 1, c_k = alpha). Over 3 periods
  // weighed (0, 0.5, 1) the total is to_date + 1.5 l, and its deviation's
  // coefficients are (0.5 alpha + alpha, 0.5 + alpha, 1), by hand.
  const std::vector<double> y = Monthly(30, 5);
  const fc::Fit fit = fc::FitModel(y, MakeSpec(fc::Error::kAdd, fc::Trend::kNone, fc::Season::kNone, 1));
  REQUIRE(fit.spec.Linear());
  const double a = fit.params.alpha, l = fit.end.level;
  const std::vector<double> w{0, 0.5, 1};
  const fc::Outlook o = fc::Chance(fit, 3, 100, true, ">=", 100 + 1.5 * l, {}, w);
  CHECK(o.end_mean == doctest::Approx(100 + 1.5 * l).epsilon(1e-12));
  const double sd = std::sqrt(fit.sigma2 * ((1.5 * a) * (1.5 * a) + (0.5 + a) * (0.5 + a) + 1));
  CHECK(o.end_hi80 - o.end_mean == doctest::Approx(1.2815515655446004 * sd).epsilon(1e-9));
  CHECK(o.probability == doctest::Approx(0.5).epsilon(1e-9));
  // All weights 1 is the unweighted total.
  const fc::Outlook one = fc::Chance(fit, 3, 100, true, ">=", 100 + 3 * l, {}, std::vector<double>{1, 1, 1});
  const fc::Outlook plain = fc::Chance(fit, 3, 100, true, ">=", 100 + 3 * l);
  CHECK(one.end_hi95 == doctest::Approx(plain.end_hi95).epsilon(1e-12));
  // Nothing weighed: the total is what is known.
  CHECK(fc::Chance(fit, 3, 100, true, ">=", 100, {}, std::vector<double>{0, 0, 0}).probability == 1.0);
  // Weights of the wrong length are refused.
  CHECK(fc::Chance(fit, 3, 100, true, ">=", 100, {}, std::vector<double>{1, 1}).status == "unknown");
  // No target: the forecast and its intervals, an unknown chance.
  const fc::Outlook none = fc::Chance(fit, 3, 100, true, ">=", fc::kNaN, {}, w);
  CHECK(none.end_mean == doctest::Approx(100 + 1.5 * l).epsilon(1e-12));
  CHECK(std::isfinite(none.end_lo80));
  CHECK(std::isnan(none.probability));
  CHECK(none.status == "unknown");
}

TEST_CASE("deterministic: the same input gives the same output") {
  const std::vector<double> y = Monthly(36, 17);
  const fc::Fit a = fc::Auto(y, 12, "month"), b = fc::Auto(y, 12, "month");
  CHECK(a.spec.Name() == b.spec.Name());
  CHECK(a.loglik == b.loglik);
  CHECK(a.params.alpha == b.params.alpha);
  const fc::Spec mul = MakeSpec(fc::Error::kMul, fc::Trend::kAdd, fc::Season::kMul, 12);
  const fc::Fit m = fc::FitModel(y, mul);
  const fc::Path p = fc::Predict(m, 8), q = fc::Predict(m, 8);
  CHECK(p.lo95 == q.lo95);
  CHECK(fc::Chance(m, 8, 0, true, ">=", 900).probability == fc::Chance(m, 8, 0, true, ">=", 900).probability);
  // Another seed moves simulated intervals a little, not much.
  const fc::Path r = fc::Predict(m, 8, {20000, 7});
  CHECK(r.lo95[7] == doctest::Approx(p.lo95[7]).epsilon(0.02));
}

TEST_CASE("scale: huge and tiny values fit like ordinary ones") {
  const std::vector<double> y = Monthly(48, 19);
  const fc::Fit base = fc::Auto(y, 12, "month");
  for (double factor : {0x1p+900, 0x1p-900}) {
    std::vector<double> scaled = y;
    for (double& v : scaled) v *= factor;
    const fc::Fit fit = fc::Auto(scaled, 12, "month");
    CHECK(fit.spec.Name() == base.spec.Name());
    CHECK(fit.loglik == doctest::Approx(base.loglik - 48 * std::log(factor)).epsilon(1e-9));
    const fc::Path p = fc::Predict(fit, 3);
    CHECK(std::isfinite(p.mean[2]));
    CHECK(p.mean[2] / factor == doctest::Approx(fc::Predict(base, 3).mean[2]).epsilon(1e-9));
  }
}

TEST_CASE("a perfectly straight line") {
  std::vector<double> y;
  for (int t = 1; t <= 24; ++t) y.push_back(10.0 * t);
  const fc::Fit fit = fc::Auto(y, 12, "month");
  CHECK(fit.method == fc::Method::kEts);
  const fc::Path p = fc::Predict(fit, 3);
  CHECK(p.mean[0] == doctest::Approx(250).epsilon(1e-3));
  CHECK(p.mean[2] == doctest::Approx(270).epsilon(1e-3));
}

TEST_CASE("odd arguments neither crash nor hang") {
  const std::vector<double> y = Monthly(30, 23);
  for (int m : {-5, 0, 1, 2, 7, 53, 1000, std::numeric_limits<int>::max()}) {
    const fc::Fit fit = fc::Auto(y, m, "period");
    CHECK(fit.method == fc::Method::kEts);
    const fc::Fit asked = fc::FitModel(y, MakeSpec(fc::Error::kAdd, fc::Trend::kNone, fc::Season::kAdd, m));
    CHECK(asked.method == fc::Method::kEts);
  }
  const fc::Fit fit = fc::Auto(y, 12, "month");
  CHECK(fc::Predict(fit, -3).mean.empty());
  CHECK(fc::Predict(fit, std::numeric_limits<int>::max()).mean.size() == fc::kMaxHorizon);
  CHECK(fc::Chance(fit, -1, 0, true, ">=", 1).status == "unknown");
  CHECK(fc::Chance(fit, fc::kMaxHorizon + 1, 0, true, ">=", 1).status == "unknown");
  CHECK(fc::Chance(fit, 3, 0, true, "==", 1).status == "unknown");
  CHECK(fc::Chance(fit, 3, kNaN, true, ">=", 1).status == "unknown");
  CHECK(fc::Chance(fit, 3, 0, true, ">=", kInf).status == "unknown");
  CHECK(fc::Chance(fit, 3, 0, true, ">=", 1, {0, 1}).status != "");
  CHECK(fc::Chance(fit, 0, 0, false, ">=", 1).status == "unknown");
  // Parameters nobody would choose.
  fc::Params wild;
  wild.alpha = 5, wild.beta = -3, wild.gamma = 2, wild.phi = 10, wild.level0 = -1e308, wild.trend0 = 1e308;
  wild.season0 = {kNaN, 0, 1};
  for (fc::Error e : {fc::Error::kAdd, fc::Error::kMul})
    for (fc::Season s : {fc::Season::kNone, fc::Season::kAdd, fc::Season::kMul}) {
      const fc::Spec spec = MakeSpec(e, fc::Trend::kAddDamped, s, 12);
      (void)fc::LogLikelihood(y, spec, wild);
      const fc::Fit f = fc::Evaluate(y, spec, wild);
      (void)fc::Predict(f, 24);
      (void)fc::Chance(f, 12, 0, true, ">=", 0, {500, 1});
    }
}

TEST_CASE("random series with bad values: every model fits, nothing crashes") {
  std::mt19937 gen(29);
  const double specials[] = {kNaN, kInf, -kInf, 0.0, -1.0, 1e300, -1e300, 1e-300};
  for (int round = 0; round < 20; ++round) {
    const int n = static_cast<int>(gen() % 40);
    std::vector<double> y;
    for (int t = 0; t < n; ++t) {
      const unsigned r = gen() % 20;
      y.push_back(r < 8 ? specials[r] : 50.0 + double(gen() % 1000) / 10.0);
    }
    const fc::Fit fit = fc::Auto(y, 4, "quarter");
    CHECK(!fit.why.empty());
    (void)fc::Predict(fit, 5);
    (void)fc::Chance(fit, 5, 10, true, ">=", 300, {200, 1});
    for (fc::Error e : {fc::Error::kAdd, fc::Error::kMul})
      for (fc::Trend t : {fc::Trend::kNone, fc::Trend::kAdd, fc::Trend::kAddDamped})
        for (fc::Season s : {fc::Season::kNone, fc::Season::kAdd, fc::Season::kMul}) {
          const fc::Fit f = fc::FitModel(y, MakeSpec(e, t, s, 4));
          CHECK(!f.why.empty());
        }
  }
}

TEST_CASE("Auto on 36 months takes milliseconds") {
  const std::vector<double> y = Monthly(36, 31);
  // CPU time, since the machine may be shared.
  const std::clock_t start = std::clock();
  const int runs = 5;
  for (int i = 0; i < runs; ++i) (void)fc::Auto(y, 12, "month");
  const double ms = 1000.0 * double(std::clock() - start) / CLOCKS_PER_SEC / runs;
  MESSAGE("Auto() on 36 monthly values: " << ms << " ms of CPU");
  CHECK(ms < 1000);  // a gross regression guard on a shared machine, not a benchmark
}
