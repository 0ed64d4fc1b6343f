// Value and label formatting for the renderers of `kpic run`.
#include "output/values.h"

#include <fmt/format.h>

#include <cmath>

#include "base/utf8.h"
#include "datetime.h"

namespace kpic::output {

using engine::Val;

std::string Label(rt::Grain g, int64_t o, const plan::Plan& p) { return rt::PeriodLabel(g, o, p.calendar); }
std::string ShownLabel(rt::Grain g, int64_t o, const plan::Plan& p) {
  return g == rt::Grain::kAll && p.lang == "zh" ? "全部" : Label(g, o, p);
}

nlohmann::json JsonValue(const Val& v) {
  switch (v.kind) {
    case Val::Kind::kNull:
      return nullptr;
    case Val::Kind::kDec:
      return v.Text();
    case Val::Kind::kInt:
      if (v.i >= INT64_MIN && v.i <= INT64_MAX) return static_cast<int64_t>(v.i);
      return v.Text();
    case Val::Kind::kFloat:
      if (!std::isfinite(v.f)) return nullptr;
      return v.f == 0 ? 0.0 : v.f;  // never -0 (a share of a negative total, min of -0.0): 0 as the exact path
  }
  return nullptr;
}

nlohmann::json JsonDim(const engine::DimValue& d, plan::VT t) {
  if (d.null) return nullptr;
  if (t == plan::VT::kString) return d.s;
  if (t == plan::VT::kDate) return rt::FormatDate(static_cast<int32_t>(d.i));
  return d.i;
}

std::string DimText(const engine::DimValue& d, plan::VT t) {
  if (d.null) return "(null)";
  if (t == plan::VT::kString) return d.s;
  if (t == plan::VT::kDate) return rt::FormatDate(static_cast<int32_t>(d.i));
  return std::to_string(d.i);
}

std::string EstimateText(double v, bool percent, int digits) {
  if (!std::isfinite(v)) return "-";
  if (!percent && digits >= 0) return fmt::format("{:.{}f}", v + 0.0, digits);
  return DisplayValue(Val::Float(v), percent);
}

int GoalDigits(const engine::GoalResult& g) {
  for (const auto& gp : g.periods)
    if (gp.value.exact()) return gp.value.scale;
  return -1;
}

std::string ChanceText(double probability) {
  if (!std::isfinite(probability)) return "-";
  // Rounded down, so that the text never crosses a status threshold the
  // probability has not reached (49.96% is "49%": off track, not "50%").
  // An estimate of what is still to come (every path simulated, or the
  // whole normal curve, on one side of the target) is never "0%" nor
  // "100%", which would read as decided (review, 2026-12-06).
  if (probability < 0.01) return "<1%";
  if (probability > 0.99) return ">99%";
  return fmt::format("{:.0f}%", std::floor(probability * 100));
}

std::string AtRiskText(const engine::DrillResult& dr) {
  std::string list;
  for (const auto& m : dr.at_risk)
    list += fmt::format("{}{} {}", list.empty() ? "" : ", ", DimText(m.member, dr.drill->type),
                        ChanceText(m.outlook->outlook.probability));
  return list;
}

std::string AtRiskHeading(const engine::DrillResult& dr, const std::string& dim, const std::string& lang) {
  if (dr.at_risk.size() < dr.forecast_rated) {
    if (lang == "zh")
      return fmt::format("达成自身目标概率最低的 {} 个{}（共 {} 个，由低到高）：", dr.at_risk.size(), dim, dr.forecast_rated);
    return fmt::format("chance of meeting their own target, the {} lowest of {} by {}: ", dr.at_risk.size(),
                       dr.forecast_rated, dim);
  }
  if (lang == "zh") return fmt::format("各{}达成自身目标的概率（由低到高）：", dim);
  return fmt::format("chance of meeting their own target, by {}, lowest first: ", dim);
}

std::string DisplayValue(const Val& v, bool percent) {
  if (v.null()) return "-";
  if (percent) return fmt::format("{:.2f}%", v.AsDouble() * 100);
  if (v.exact()) return v.Text();
  double a = std::fabs(v.f);
  return a >= 100 ? fmt::format("{:.2f}", v.f) : fmt::format("{:.4f}", v.f);
}

std::string ForecastText(double v, const engine::MetricResult& m) {
  if (!std::isfinite(v)) return "-";
  if (m.output->percent) return fmt::format("{:.2f}%", v * 100);
  for (const auto& row : m.rows)
    if (row.value.exact()) return fmt::format("{:.{}f}", v, row.value.scale);
  return DisplayValue(Val::Float(v), false);
}

std::string ForecastNumber(double v) { return std::isfinite(v) ? fmt::format("{}", v == 0 ? 0.0 : v) : std::string(); }

std::string MembersText(const engine::DimTuple& dims, const plan::Output& o) {
  std::string out;
  for (size_t d = 0; d < o.by.size() && d < dims.size(); ++d)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", o.by[d], DimText(dims[d], o.by_types[d]));
  return out;
}

std::string ModelText(const engine::ForecastModel& fm, const plan::Output& o, const plan::Plan& p) {
  const bool zh = p.lang == "zh";
  if (!fm.fitted) return fmt::format(fmt::runtime(zh ? "{}：{}" : "{}: {}"), fm.fit.ModelName(), fm.fit.Why(p.lang));
  return fmt::format(fmt::runtime(zh ? "{}，基于 {} 至 {}：{}" : "{} on {} to {}: {}"), fm.fit.ModelName(),
                     Label(o.grain, fm.first, p),
                     Label(o.grain, fm.last, p), fm.fit.Why(p.lang));
}

std::string HtmlEscape(std::string_view raw) {
  // The bidirectional controls are shown as their code, so that a label
  // cannot turn the numbers after it around.
  std::string safe = EscapeBidi(raw);
  std::string_view in = safe;
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ComparedText(const engine::GoalResult& g, const plan::Plan& p) {
  std::string now = Label(g.goal->grain, g.period, p), before = Label(g.goal->grain, g.previous_period, p);
  if (g.through_span.partial && g.through == g.period)
    return fmt::format("{} to {} vs the same days of {}", rt::FormatDate(g.through_span.first),
                       rt::FormatDate(g.through_span.last), before);
  return now + " vs " + before;
}

std::string SpanText(const engine::Span& sp) {
  return sp.partial ? rt::FormatDate(sp.first) + "/" + rt::FormatDate(sp.last) : std::string();
}

// A member's text as the table shows it: a tab, line feed or carriage
// return (the only controls a value may hold, docs/language.md "Data
// errors") as `\t`, `\n`, `\r`, and a backslash as `\\`, so that a value
// cannot break the table's lines or columns, nor pass for another.
std::string OnOneLine(std::string s) {
  constexpr std::string_view kFrom = "\t\n\r\\", kTo = "tnr\\";
  // Then the bidirectional controls and line separators as their code, so
  // that a value cannot reorder or break the line either.
  if (s.find_first_of(kFrom) == std::string::npos) return EscapeBidi(s);
  std::string out;
  for (char c : s) {
    size_t k = kFrom.find(c);
    if (k != std::string_view::npos) out += '\\';
    out += k != std::string_view::npos ? kTo[k] : c;
  }
  return EscapeBidi(out);
}

}  // namespace kpic::output
