// FitModel() and Auto(): the fallbacks for series that cannot support a
// model, the admissible family, the choice by AICc, and the plain-words
// account of what was done (`why`). The rules are in docs/forecast.md.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "forecast/ets.h"
#include "forecast/fit.h"
#include "forecast/initial.h"

namespace kpic::forecast {
namespace {

using internal::Estimate;
using internal::Series;

// Auto() considers a season from two full seasons plus this many values.
constexpr int kSeasonExtra = 2;
// Auto() considers a model when n >= df + kMargin (df counts the variance),
// so that AICc's correction n / (n - df - 1) stays moderate.
constexpr int kMargin = 4;

std::string Count(int n, std::string_view unit) { return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s"); }

std::string History(const Series& s, std::string_view unit) {
  std::string out = Count(s.observed + s.missing, unit) + " of history";
  if (s.missing > 0)
    out += fmt::format(", {} of them missing (filled in with the model's own one-step predictions)", s.missing);
  return out;
}

// The same words in Chinese (a report's `lang zh`): "23 个月".
std::string CountZh(int n, std::string_view unit) {
  std::string_view u = unit == "day"       ? "天"
                       : unit == "week"    ? "周"
                       : unit == "month"   ? "个月"
                       : unit == "quarter" ? "个季度"
                       : unit == "year"    ? "年"
                                           : "期";
  return fmt::format("{} {}", n, u);
}

std::string HistoryZh(const Series& s, std::string_view unit) {
  std::string out = "历史数据 " + CountZh(s.observed + s.missing, unit);
  if (s.missing > 0) out += fmt::format("，其中 {} 缺失（以模型自身的一步预测填补）", CountZh(s.missing, unit));
  return out;
}

// A note on what was done, in both languages.
struct Note {
  std::string en, zh;
};

// The fallbacks for series that no model can be fitted to.
std::optional<Fit> Fallback(std::span<const double> y, const Series& s, std::string_view unit) {
  Fit fit;
  fit.n = s.observed;
  fit.missing = s.missing;
  double sum = 0, first = kNaN;
  for (double v : y) {
    if (!std::isfinite(v)) continue;
    sum += v;
    if (std::isnan(first)) first = v;
  }
  if (s.observed == 0) {
    fit.method = Method::kNone;
    fit.why = y.empty() ? "No history: nothing to forecast from."
                        : fmt::format("{}, all of them missing: nothing to forecast from.", Count(s.missing, unit));
    fit.why_zh = y.empty() ? "没有历史数据，无从预测。"
                           : fmt::format("{}的数据全部缺失，无从预测。", CountZh(s.missing, unit));
    return fit;
  }
  if (s.constant && s.observed >= 2) {
    fit.method = Method::kConstant;
    fit.end.level = first;
    fit.sigma2 = 0;
    fit.why = fmt::format("{}: every value is the same ({:.6g}), so the forecast repeats it, with no uncertainty.",
                          History(s, unit), first == 0 ? 0.0 : first);  // never -0
    fit.why_zh = fmt::format("{}：每个值都相同（{:.6g}），预测沿用该值，没有不确定性。", HistoryZh(s, unit), first);
    return fit;
  }
  if (s.observed >= 3) return std::nullopt;
  fit.method = Method::kMean;
  fit.end.level = sum / s.observed;
  if (s.observed == 1) {
    fit.why = fmt::format(
        "{}: too short for any model; the forecast repeats the one value, and its uncertainty "
        "cannot be estimated.",
        History(s, unit));
    fit.why_zh = fmt::format("{}：太短，无法拟合任何模型；预测沿用这一个值，其不确定性无法估计。", HistoryZh(s, unit));
  } else {
    double ss = 0;
    for (double v : y)
      if (std::isfinite(v)) ss += (v - fit.end.level) * (v - fit.end.level);
    fit.sigma2 = ss;  // sample variance of two values: ss / (2 - 1)
    fit.why = fmt::format(
        "{}: too short for exponential smoothing; the forecast is the average of the two values, "
        "with intervals from their spread.",
        History(s, unit));
    fit.why_zh =
        fmt::format("{}：太短，无法做指数平滑；预测取两个值的平均，区间来自两者的差异。", HistoryZh(s, unit));
  }
  return fit;
}

// A related model's estimate as a starting point for `to`; nullopt when the
// seasonal states cannot be carried over.
std::optional<Params> Adapt(const Spec& from, Params p, const Spec& to) {
  if (!to.HasTrend()) {
    p.beta = p.trend0 = 0;
  } else if (!from.HasTrend()) {
    p.beta = 0.01 * p.alpha;
    p.trend0 = 0;
  }
  p.phi = to.Damped() ? (from.Damped() ? p.phi : 0.98) : 1.0;
  if (!to.HasSeason()) {
    p.gamma = 0;
    p.season0.clear();
    return p;
  }
  if (!from.HasSeason() || from.m != to.m) return std::nullopt;
  if (from.season == Season::kAdd && to.season == Season::kMul) {
    if (!(p.level0 > 0)) return std::nullopt;
    for (double& s : p.season0) s = 1.0 + s / p.level0;
  } else if (from.season == Season::kMul && to.season == Season::kAdd) {
    for (double& s : p.season0) s = (s - 1.0) * p.level0;
  }
  internal::NormalizeSeason(to, &p, /*first=*/true);
  return p;
}

Spec Make(Error e, Trend t, Season s, int m) { return Spec{e, t, s, s == Season::kNone ? 1 : m}; }

}  // namespace

Fit FitModel(std::span<const double> y, const Spec& asked) {
  const Series s = internal::Prepare(y);
  if (auto fallback = Fallback(y, s, "period")) return *std::move(fallback);
  Spec spec = asked;
  std::vector<Note> notes;
  if (spec.HasSeason() && (spec.m < 2 || spec.m > kMaxSeason)) {
    notes.push_back({fmt::format("a season of {} periods is not supported (2 to {}), so the season was dropped",
                                 spec.m, kMaxSeason),
                     fmt::format("不支持 {} 期的季节（支持 2 到 {} 期），因此去掉了季节项", spec.m, kMaxSeason)});
    spec.season = Season::kNone;
  } else if (spec.HasSeason() && s.observed < 2 * spec.m) {
    notes.push_back(
        {fmt::format("a season of {} needs at least {} observed values, so the season was dropped", spec.m, 2 * spec.m),
         fmt::format("{} 期的季节至少需要 {} 个观测值，因此去掉了季节项", spec.m, 2 * spec.m)});
    spec.season = Season::kNone;
  }
  if (!spec.HasSeason()) spec.m = 1;
  if (!s.positive && (spec.error == Error::kMul || spec.season == Season::kMul)) {
    notes.push_back({"multiplicative errors and seasons need strictly positive values, and the series has zeros or "
                     "negative values, so additive ones were used",
                     "乘法误差和乘法季节需要严格为正的值，而序列含零或负值，因此改用加法形式"});
    spec.error = Error::kAdd;
    if (spec.season == Season::kMul) spec.season = Season::kAdd;
  }
  std::vector<Params> warm;
  if (spec.season == Season::kMul) {
    // The additive-season model's estimate is a good start for the multiplicative one.
    const Spec additive = Make(Error::kAdd, spec.trend, Season::kAdd, spec.m);
    if (auto p = Adapt(additive, internal::EstimateModel(s, additive).params, spec)) warm.push_back(*p);
  }
  Fit fit = internal::Finish(y, s, spec, internal::EstimateModel(s, spec, warm));
  std::string intro = History(s, "period"), intro_zh = HistoryZh(s, "period");
  for (const Note& note : notes) intro += "; " + note.en, intro_zh += "；" + note.zh;
  if (spec.Name() != asked.Name() || (spec.HasSeason() && spec.m != asked.m)) {
    intro = fmt::format("Asked for {}. {}", asked.Name(), intro);
    intro_zh = fmt::format("要求的模型是 {}。{}", asked.Name(), intro_zh);
  }
  fit.why = fmt::format("{}. Fitted {}: {}.", intro, spec.Name(), spec.Describe());
  fit.why_zh = fmt::format("{}。拟合 {}：{}。", intro_zh, spec.Name(), spec.DescribeZh());
  return fit;
}

Fit Auto(std::span<const double> y, int m, std::string_view unit) {
  const Series s = internal::Prepare(y);
  if (auto fallback = Fallback(y, s, unit)) return *std::move(fallback);
  const int n = s.observed;
  std::vector<Note> notes;
  const bool seasonal = m >= 2 && m <= kMaxSeason && n >= 2 * m + kSeasonExtra;
  if (m > kMaxSeason) {
    notes.push_back({fmt::format("a season of {} is longer than kpic models ({} at most), so no seasonal model was "
                                 "considered",
                                 Count(m, unit), kMaxSeason),
                     fmt::format("{}的季节长于 kpic 支持的上限（最多 {} 期），因此未考虑季节模型", CountZh(m, unit),
                                 kMaxSeason)});
  } else if (m >= 2 && !seasonal) {
    notes.push_back({fmt::format("too short for a seasonal model (that takes at least {} observed values: two full "
                                 "seasons of {} plus {})",
                                 2 * m + kSeasonExtra, m, kSeasonExtra),
                     fmt::format("太短，无法拟合季节模型（至少需要 {} 个观测值：两个完整的 {} 期季节再加 {} 个）",
                                 2 * m + kSeasonExtra, m, kSeasonExtra)});
  }
  if (!s.positive) {
    notes.push_back({"the series has zeros or negative values, so only models with additive errors and seasons were "
                     "considered",
                     "序列含零或负值，因此只考虑了加法误差和加法季节的模型"});
  }
  auto admissible = [&](const Spec& spec) { return n >= spec.NumParams() + 1 + kMargin; };
  std::string intro = History(s, unit), intro_zh = HistoryZh(s, unit);
  for (size_t i = 0; i < notes.size(); ++i) {
    intro += (i == 0 ? ": " : "; ") + notes[i].en;
    intro_zh += (i == 0 ? "：" : "；") + notes[i].zh;
  }

  const Spec simple = Make(Error::kAdd, Trend::kNone, Season::kNone, 1);
  if (!admissible(simple)) {
    Fit fit = internal::Finish(y, s, simple, internal::EstimateModel(s, simple));
    fit.why = fmt::format(
        "{}{}too short to compare models (that takes at least {} observed values); used simple "
        "exponential smoothing, {}: {}.",
        intro, notes.empty() ? ": " : "; ", simple.NumParams() + 1 + kMargin, simple.Name(), simple.Describe());
    fit.why_zh = fmt::format("{}{}太短，无法比较模型（至少需要 {} 个观测值）；使用简单指数平滑 {}：{}。", intro_zh,
                             notes.empty() ? "：" : "；", simple.NumParams() + 1 + kMargin, simple.Name(),
                             simple.DescribeZh());
    return fit;
  }

  // Candidates in an order that lets each start from a related estimate.
  std::map<std::string, std::pair<Spec, Params>> estimates;
  std::optional<Fit> best;
  int compared = 0;
  auto consider = [&](const Spec& spec, std::initializer_list<std::string> related) {
    if (!admissible(spec)) return;
    std::vector<Params> warm;
    for (const std::string& name : related) {
      auto it = estimates.find(name);
      if (it == estimates.end()) continue;
      if (auto p = Adapt(it->second.first, it->second.second, spec)) warm.push_back(*p);
    }
    const Estimate e = internal::EstimateModel(s, spec, warm);
    estimates[spec.Name()] = {spec, e.params};
    Fit fit = internal::Finish(y, s, spec, e);
    if (std::isnan(fit.aicc)) return;
    ++compared;
    if (!best || fit.aicc < best->aicc) best = std::move(fit);
  };
  for (Trend t : {Trend::kNone, Trend::kAdd, Trend::kAddDamped}) {
    auto name = [&](const char* e, const char* season) {
      return fmt::format("ETS({},{},{})", e, t == Trend::kNone ? "N" : t == Trend::kAdd ? "A" : "Ad", season);
    };
    auto undamped_name = [&](const char* e, const char* season) { return fmt::format("ETS({},A,{})", e, season); };
    consider(Make(Error::kAdd, t, Season::kNone, m), {undamped_name("A", "N")});
    if (seasonal) consider(Make(Error::kAdd, t, Season::kAdd, m), {undamped_name("A", "A")});
    if (!s.positive) continue;
    consider(Make(Error::kMul, t, Season::kNone, m), {name("A", "N"), undamped_name("M", "N")});
    if (!seasonal) continue;
    consider(Make(Error::kMul, t, Season::kAdd, m), {name("A", "A"), undamped_name("M", "A")});
    consider(Make(Error::kMul, t, Season::kMul, m), {name("A", "A"), name("M", "A"), undamped_name("M", "M")});
  }
  if (!best) {
    // Every fit failed numerically: fall back to the mean, and say so.
    Fit fit;
    fit.method = Method::kMean;
    fit.n = n;
    fit.missing = s.missing;
    double sum = 0, ss = 0;
    for (double v : y)
      if (std::isfinite(v)) sum += v;
    fit.end.level = sum / n;
    for (double v : y)
      if (std::isfinite(v)) ss += (v - fit.end.level) * (v - fit.end.level);
    fit.sigma2 = ss / (n - 1);
    fit.why = intro + "; no model could be fitted, so the forecast is the average.";
    fit.why_zh = intro_zh + "；没有模型能够拟合，因此预测取平均值。";
    return fit;
  }
  best->why = fmt::format("{}. Compared {} model{} by AICc (fit penalised for complexity) and chose {}: {}.", intro,
                          compared, compared == 1 ? "" : "s", best->spec.Name(), best->spec.Describe());
  best->why_zh = fmt::format("{}。按 AICc（对复杂度加罚后的拟合优度）比较了 {} 个模型，选用 {}：{}。", intro_zh,
                             compared, best->spec.Name(), best->spec.DescribeZh());
  return *std::move(best);
}

}  // namespace kpic::forecast
