// Value and label formatting shared by the renderers of `kpic run`
// (table, JSON, CSV, HTML).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic::output {

/// `2026-03`, `2026-Q1`, `FY2027`, `2026-W09`, `all`.
std::string Label(rt::Grain g, int64_t o, const plan::Plan& p);
/// Label for people: the whole span at grain `all` is 全部 in a Chinese
/// report (JSON and CSV keep `all`).
std::string ShownLabel(rt::Grain g, int64_t o, const plan::Plan& p);
/// Exact decimals as strings, other numbers as numbers, null as null.
nlohmann::json JsonValue(const engine::Val& v);
nlohmann::json JsonDim(const engine::DimValue& d, plan::VT t);
/// A member for people: `(null)` for null, dates as dates.
std::string DimText(const engine::DimValue& d, plan::VT t);
/// Text on one terminal line: tab, line feed and carriage return as `\t`,
/// `\n`, `\r`, a backslash as `\\`, bidirectional controls as their code.
std::string OnOneLine(std::string s);
/// Text escaped for HTML content and attribute values.
std::string HtmlEscape(std::string_view in);

/// The Content-Security-Policy of every HTML page kpic writes: nothing from
/// outside the file (no network, no script at all), its own inline styles,
/// and images and fonts embedded as data: URIs.
inline constexpr const char* kHtmlCsp =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'\">";
/// How the HTML report's footer (the stamp) opens, whatever the page's
/// language: `kpic verify` leaves exactly that footer out of a comparison.
inline constexpr std::string_view kFooterOpen = "<footer class=sub id=kpic-footer><details><summary>";
/// A partial period's days, `2026-12-01/2026-12-14` (ISO 8601), or "".
std::string SpanText(const engine::Span& sp);
/// What a goal's decomposition and drill compare: `2026-12 vs 2026-11`,
/// or for a partial period `2026-12-01 to 2026-12-14 vs the same days of
/// 2026-11`.
std::string ComparedText(const engine::GoalResult& g, const plan::Plan& p);
/// An estimate (a double: a forecast, a bound) for people, "-" when it is
/// not finite.
/// `digits` >= 0: that many decimals (a goal's exact values' scale).
std::string EstimateText(double v, bool percent, int digits = -1);
/// The scale of a goal's exact values (2 for money), or -1.
int GoalDigits(const engine::GoalResult& g);
/// A probability for people, rounded down: `49%`, `<1%`, `>99%` (an
/// estimate is never shown as `0%` or `100%`).
std::string ChanceText(double probability);
/// The members least likely to meet their target, `A 12%, B 40%`.
std::string AtRiskText(const engine::DrillResult& dr);
/// The heading before AtRiskText, ending in ": " (or "："): every member's
/// chance, lowest first, or, when only the lowest are listed, how many of
/// how many (a list of 5 of 6 stores said "each store's": reader's probe,
/// 2026-12-07). `dim` is already in the output's form (escaped for HTML).
std::string AtRiskHeading(const engine::DrillResult& dr, const std::string& dim, const std::string& lang);
/// A value for people: decimals exact, quotients rounded, `12.34%`.
std::string DisplayValue(const engine::Val& v, bool percent);
/// A forecast for people, rounded to the metric's own precision: the scale
/// of its exact values (2 decimals for money, none for counts), a
/// percentage, or a quotient as DisplayValue rounds it; `-` for NaN.
std::string ForecastText(double v, const engine::MetricResult& m);
/// A forecast number in full (shortest round-trip text), "" for NaN.
std::string ForecastNumber(double v);
/// A member for people, `store A, region East`; "" without dimensions.
std::string MembersText(const engine::DimTuple& dims, const plan::Output& o);
/// The model of one member's forecast in a line: `ETS(A,A,A) on 2024-01 to
/// 2026-11: <why>`.
std::string ModelText(const engine::ForecastModel& fm, const plan::Output& o, const plan::Plan& p);

}  // namespace kpic::output
