// Names, descriptions and parameter counts of the ETS models, and the status
// words of a probability.
#include <cmath>
#include <string>

#include "forecast/ets.h"

namespace kpic::forecast {

std::string Spec::Name() const {
  std::string out = "ETS(";
  out += error == Error::kAdd ? "A" : "M";
  out += trend == Trend::kNone ? ",N" : trend == Trend::kAdd ? ",A" : ",Ad";
  out += season == Season::kNone ? ",N)" : season == Season::kAdd ? ",A)" : ",M)";
  return out;
}

std::string Spec::Describe() const {
  std::string out = "a level";
  if (trend == Trend::kAdd) out += " with a trend";
  if (trend == Trend::kAddDamped) out += " with a trend that flattens out (damped)";
  if (season == Season::kAdd) out += ", a seasonal pattern of constant size";
  if (season == Season::kMul) out += ", a seasonal pattern that scales with the level";
  out += error == Error::kAdd ? ", and errors of constant size" : ", and errors proportional to the level";
  return out;
}

std::string Spec::DescribeZh() const {
  std::string out = trend == Trend::kAdd         ? "带趋势的水平"
                    : trend == Trend::kAddDamped ? "带逐渐趋平（阻尼）趋势的水平"
                                                 : "一个水平";
  if (season == Season::kAdd) out += "，大小不变的季节模式";
  if (season == Season::kMul) out += "，随水平缩放的季节模式";
  out += error == Error::kAdd ? "，以及大小不变的误差" : "，以及与水平成比例的误差";
  return out;
}

bool Spec::Valid() const { return !HasSeason() || (m >= 2 && m <= kMaxSeason); }

int Spec::NumParams() const {
  int k = 2;  // alpha, level0
  if (HasTrend()) k += 2;
  if (Damped()) k += 1;
  if (HasSeason()) k += Period();  // gamma and m - 1 free seasonal states
  return k;
}

std::string Fit::ModelName() const {
  switch (method) {
    case Method::kNone:
      return "none";
    case Method::kMean:
      return "mean";
    case Method::kConstant:
      return "constant";
    case Method::kEts:
      return spec.Name();
  }
  return "none";
}

std::string Status(double probability) {
  if (std::isnan(probability)) return "unknown";
  if (probability >= kOnTrack) return "on track";
  if (probability >= kAtRisk) return "at risk";
  return "off track";
}

}  // namespace kpic::forecast
