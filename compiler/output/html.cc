// The HTML report of `kpic run --format html`: one self-contained, offline
// file (inline CSS and SVG written here, no script, no network) with a goal
// scorecard, trend charts with the target line, the decomposition with each
// driver's contribution, drill-down bar charts and the alert list.
#include "output/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "output/values.h"

namespace kpic::output {

namespace {

using engine::Val;

std::string Esc(const std::string& s) { return HtmlEscape(s); }

const char* kStyle = R"(
body{font-family:-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#f7f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px;color:#52606d}
.sub{color:#7b8794;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:220px;box-shadow:0 1px 3px rgba(0,0,0,.12);border-left:6px solid #9aa5b1}
.card.met{border-color:#2f9e44}.card.at_risk{border-color:#f08c00}.card.missed{border-color:#e03131}
.card .v{font-size:22px;font-weight:600}.card .s{font-size:12px;color:#52606d}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff;background:#9aa5b1}
.status.met{background:#2f9e44}.status.at_risk{background:#f08c00}.status.missed{background:#e03131}.status.in_progress{background:#1c7ed6}
.partial{color:#1c7ed6;font-size:12px}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:6px 0}
th,td{padding:4px 10px;border-bottom:1px solid #e4e7eb;text-align:right}th{background:#f0f2f5}
td.l,th.l{text-align:left}
.alert{padding:6px 10px;margin:4px 0;border-radius:4px;background:#fff;border-left:4px solid #f08c00}
.alert.critical{border-color:#e03131;background:#fff5f5;color:#c92a2a}
.gap{color:#e03131}
svg text{font-size:11px;fill:#52606d}
)";

/// An axis label: `150,000`, `2.5`, `35%` (no exponent notation); `step`
/// is the distance between ticks, which decides the decimals shown.
std::string AxisText(double v, double step, bool percent) {
  if (percent) v *= 100, step *= 100;
  int decimals = 0;
  while (decimals < 6 && step * std::pow(10.0, decimals) < 0.999) ++decimals;
  if (std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6 && decimals < 6)
    ++decimals;  // 2.5 steps
  std::string s = fmt::format("{:.{}f}", std::fabs(v) < step * 1e-9 ? 0.0 : v, decimals);
  // thousands separators in the integer part
  size_t dot = s.find('.'), end = dot == std::string::npos ? s.size() : dot;
  size_t start = s[0] == '-' ? 1 : 0;
  for (size_t i = end; i > start + 3; i -= 3) s.insert(i - 3, ",");
  return percent ? s + "%" : s;
}

/// A forecast drawn after the actual periods (--forecast): point forecasts
/// and the 80% interval, aligned with the chart's labels (nullopt where a
/// period has no forecast).
struct Band {
  std::vector<std::optional<double>> mean, lo, hi;
};

/// The forecast of a trend chart: the 80% band as a shaded polygon and the
/// point forecasts as a dashed line, both starting at the last whole
/// period's value so that they continue the actual line.
template <class X, class Y>
std::string ForecastSvg(const Band& band, const std::vector<std::optional<double>>& values,
                        const std::vector<bool>& partial, const X& x, const Y& y) {
  std::optional<size_t> start;  // the first forecast period
  for (size_t i = 0; i < band.mean.size(); ++i)
    if (band.mean[i]) {
      start = i;
      break;
    }
  if (!start) return "";
  std::string upper, lower, pts;
  for (size_t k = *start; k-- > 0;)  // the anchor: the last whole period with a value
    if (k < values.size() && values[k] && !(k < partial.size() && partial[k])) {
      upper = lower = pts = fmt::format("{:.1f},{:.1f} ", x(k), y(*values[k]));
      break;
    }
  std::vector<std::string> below;
  for (size_t i = *start; i < band.mean.size(); ++i) {
    if (!band.mean[i]) continue;
    pts += fmt::format("{:.1f},{:.1f} ", x(i), y(*band.mean[i]));
    if (i < band.lo.size() && band.lo[i] && band.hi[i]) {
      upper += fmt::format("{:.1f},{:.1f} ", x(i), y(*band.hi[i]));
      below.push_back(fmt::format("{:.1f},{:.1f} ", x(i), y(*band.lo[i])));
    }
  }
  std::string out;
  if (!below.empty()) {
    std::string poly = upper;
    for (auto it = below.rbegin(); it != below.rend(); ++it) poly += *it;
    poly += lower;
    out += fmt::format(R"(<polygon fill="#7048e8" fill-opacity="0.15" stroke="none" points="{}"/>)", poly);
  }
  out += fmt::format(R"(<polyline fill="none" stroke="#7048e8" stroke-width="2" stroke-dasharray="6,4" points="{}"/>)",
                     pts);
  for (size_t i = *start; i < band.mean.size(); ++i)
    if (band.mean[i])
      out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="#7048e8"/>)", x(i), y(*band.mean[i]));
  return out;
}

/// A line chart of values over periods, with a dashed target line. A
/// partial period (`partial[i]`) is drawn hollow, reached by a dotted
/// segment: its value and target are for the days it has. A forecast is a
/// dashed line from the last whole period, in a shaded 80% band.
std::string TrendChart(const std::vector<std::string>& labels, const std::vector<std::optional<double>>& values,
                       const std::vector<std::optional<double>>& targets, bool percent = false,
                       const std::vector<bool>& partial = {}, const Band& band = {}) {
  const double w = 640, h = 220, left = 70, right = 36, top = 10, bottom = 40;
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto* series : {&values, &targets, &band.mean, &band.lo, &band.hi})
    for (const auto& v : *series)
      if (v) {
        lo = any ? std::min(lo, *v) : *v;
        hi = any ? std::max(hi, *v) : *v;
        any = true;
      }
  if (!any) return "<p class=sub>no data</p>";
  lo = std::min(lo, 0.0);
  if (hi == lo) hi = lo + 1;
  // Round ticks: 1, 2, 2.5 or 5 times a power of ten, about four of them.
  double raw = (hi - lo) / 4, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (f * mag >= raw) {
      step = f * mag;
      break;
    }
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
  int ticks = static_cast<int>(std::lround((hi - lo) / step));
  size_t n = labels.size();
  auto x = [&](size_t i) { return left + (n <= 1 ? 0 : (w - left - right) * static_cast<double>(i) / (n - 1)); };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - (v - lo) / (hi - lo)); };
  std::string svg = fmt::format(R"(<svg width="{}" height="{}" viewBox="0 0 {} {}" role="img">)", w, h, w, h);
  for (int k = 0; k <= ticks; ++k) {
    double v = lo + step * k;
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#e4e7eb"/><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)",
                       left, w - right, y(v), y(v), left - 6, y(v) + 4, AxisText(v, step, percent));
  }
  auto cut = [&](size_t i) { return i < partial.size() && partial[i]; };
  for (size_t i = 0; i < n; ++i)
    if (n <= 12 || i % ((n + 11) / 12) == 0)
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x(i), h - bottom + 16,
                         Esc(labels[i] + (cut(i) ? "*" : "")));
  auto line = [&](const std::vector<std::optional<double>>& s, const char* color, const char* dash) {
    std::string pts, out;
    std::optional<size_t> last;  // the last whole period drawn
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] && !cut(i)) pts += fmt::format("{:.1f},{:.1f} ", x(i), y(*s[i])), last = i;
    if (!pts.empty())
      out += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2" {} points="{}"/>)", color, dash, pts);
    for (size_t i = 0; i < s.size(); ++i) {
      if (!s[i]) continue;
      if (!cut(i)) {
        out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>)", x(i), y(*s[i]), color);
        continue;
      }
      std::optional<size_t> before;
      for (size_t k = i; k-- > 0;)
        if (s[k] && !cut(k)) {
          before = k;
          break;
        }
      if (before)
        out += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1.5" stroke-dasharray="2,3"/>)",
                           x(*before), y(*s[*before]), x(i), y(*s[i]), color);
      out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="#fff" stroke="{}" stroke-width="1.5"/>)", x(i),
                         y(*s[i]), color);
    }
    (void)last;
    return out;
  };
  svg += ForecastSvg(band, values, partial, x, y);
  svg += line(targets, "#f08c00", R"(stroke-dasharray="5,4")");
  svg += line(values, "#1c7ed6", "");
  svg += fmt::format(R"(<text x="{}" y="{}">— value 实际</text>)", left, h - 6);
  if (!targets.empty()) svg += fmt::format(R"(<text x="{}" y="{}" fill="#f08c00">- - target 目标</text>)", left + 110, h - 6);
  bool any_cut = false;
  for (size_t i = 0; i < n; ++i) any_cut = any_cut || cut(i);
  if (any_cut)
    svg += fmt::format(R"(<text x="{}" y="{}">○ * partial: the days so far 未完</text>)", left + (targets.empty() ? 110 : 240),
                       h - 6);
  if (!band.mean.empty())
    svg += fmt::format(R"(<text x="{}" y="{}" fill="#7048e8">- - forecast 预测, shaded: 80% interval</text>)",
                       left + (targets.empty() ? 110 : 240) + (any_cut ? 200 : 0), h - 6);
  return svg + "</svg>";
}

/// Horizontal bars around zero (green up, red down).
std::string Bars(const std::vector<std::pair<std::string, std::optional<double>>>& items) {
  if (items.empty()) return "";
  double m = 0;
  for (const auto& [label, v] : items)
    if (v) m = std::max(m, std::fabs(*v));
  if (m == 0) m = 1;
  const double w = 640, label_w = 180, row = 22, mid = label_w + (w - label_w) / 2, half = (w - label_w) / 2 - 60;
  double h = row * static_cast<double>(items.size()) + 8;
  std::string svg = fmt::format(R"(<svg width="{}" height="{}" viewBox="0 0 {} {}" role="img">)", w, h, w, h);
  svg += fmt::format(R"(<line x1="{}" x2="{}" y1="0" y2="{}" stroke="#9aa5b1"/>)", mid, mid, h);
  for (size_t i = 0; i < items.size(); ++i) {
    double yy = 4 + row * static_cast<double>(i);
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end">{}</text>)", label_w - 8, yy + 14, Esc(items[i].first));
    if (!items[i].second) continue;
    double v = *items[i].second, len = half * std::fabs(v) / m;
    double x0 = v >= 0 ? mid : mid - len;
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}"/>)", x0, yy + 3, std::max(len, 1.0),
                       row - 8, v >= 0 ? "#2f9e44" : "#e03131");
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>)", v >= 0 ? mid + len + 4 : mid - len - 4,
                       yy + 14, v >= 0 ? "start" : "end", fmt::format("{:.6g}", v));
  }
  return svg + "</svg>";
}

std::optional<double> Num(const Val& v) {
  if (v.null()) return std::nullopt;
  return v.AsDouble();
}

std::string Td(const std::string& s, bool left = false) { return fmt::format("<td{}>{}</td>", left ? " class=l" : "", Esc(s)); }

std::string MemberText(const engine::DimValue& d, plan::VT t) { return DimText(d, t); }

/// Most charts drawn per metric with --forecast (one per member); the
/// table lists every member.
constexpr size_t kMaxForecastCharts = 12;

/// Per metric and member, the trend with its forecast, and the model used.
std::string ForecastCharts(const plan::Plan& p, const engine::Results& r) {
  std::string out = "<h2>Forecast · 预测</h2><p class=sub>Exponential smoothing of the complete periods; the dashed "
                    "line is the forecast and the shaded band its 80% prediction interval (the table also gives the "
                    "95% one). Forecasts are estimates, rounded for display. 预测为估计值。</p>";
  for (const auto& m : r.metrics) {
    const plan::Output& o = *m.output;
    size_t drawn = 0;
    for (const auto& fm : m.models) {
      std::string who = MembersText(fm.dims, o);
      out += fmt::format("<h3>{}{}</h3>", Esc(o.label.empty() ? o.metric : o.label),
                         who.empty() ? "" : " · " + Esc(who));
      if (fm.fitted && drawn++ < kMaxForecastCharts) {
        // The chart's periods: the fitted ones and a partial one after
        // them, then the forecast's (the first forecast period may be the
        // partial current one). Periods before the member had rows (zeros
        // of an additive metric) are left out, as they were not fitted.
        int64_t first = fm.first, last = fm.last;
        for (const auto& row : m.rows)
          if (row.dims == fm.dims && row.period >= first) last = std::max(last, row.period);
        for (const auto& f : m.forecast)
          if (f.dims == fm.dims) last = std::max(last, f.period);
        size_t n = static_cast<size_t>(last - first + 1);
        std::vector<std::string> labels(n);
        std::vector<std::optional<double>> values(n);
        std::vector<bool> cut(n, false);
        Band band{std::vector<std::optional<double>>(n), std::vector<std::optional<double>>(n),
                  std::vector<std::optional<double>>(n)};
        for (size_t i = 0; i < n; ++i) labels[i] = Label(o.grain, first + static_cast<int64_t>(i), p);
        for (const auto& row : m.rows)
          if (row.dims == fm.dims && row.period >= first) {
            size_t i = static_cast<size_t>(row.period - first);
            values[i] = Num(row.value);
            cut[i] = row.span.partial;
          }
        auto finite = [](double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; };
        for (const auto& f : m.forecast)
          if (f.dims == fm.dims) {
            size_t i = static_cast<size_t>(f.period - first);
            band.mean[i] = finite(f.value);
            band.lo[i] = finite(f.lo80);
            band.hi[i] = finite(f.hi80);
          }
        out += TrendChart(labels, values, {}, o.percent, cut, band);
      }
      out += "<p class=sub>" + Esc(ModelText(fm, o, p)) + "</p>";
    }
    if (drawn > kMaxForecastCharts)
      out += fmt::format("<p class=sub>charts for the first {} of {} members; the table lists every forecast</p>",
                         kMaxForecastCharts, drawn);
  }
  return out;
}

}  // namespace

std::string Html(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  const std::string& title = ctx.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">";
  out += kHtmlCsp;
  out += fmt::format("<title>{}</title><style>{}</style></head><body>", Esc(title), kStyle);
  out += fmt::format("<h1>{}</h1><div class=sub>kpic KPI report · 指标报告{}</div>", Esc(title),
                     r.as_of ? " · data as of 数据截至 " + rt::FormatDate(*r.as_of) : std::string());
  // A period's label, with its days when it is partial.
  auto plabel = [&](rt::Grain g, int64_t period, const engine::Span& sp) {
    std::string l = Esc(Label(g, period, p));
    if (sp.partial && sp.first <= sp.last)
      l += fmt::format(" <span class=partial>partial 未完 {} – {}</span>", rt::FormatDate(sp.first), rt::FormatDate(sp.last));
    return l;
  };
  auto att_text = [](const engine::GoalPeriod& gp) {
    return gp.has_attainment ? fmt::format("{:.1f}%", gp.attainment * 100)
           : gp.has_pace     ? fmt::format("pace 进度 {:.1f}%", gp.pace * 100)
                             : std::string("-");
  };
  if (!r.goals.empty()) {
    out += "<h2>Scorecard · 目标记分卡</h2><div class=cards>";
    for (const auto& g : r.goals) {
      const engine::GoalPeriod* last = nullptr;
      for (const auto& gp : g.periods)
        if (gp.has_data) last = &gp;
      out += fmt::format("<div class=\"card {}\"><div><b>{}</b> <span class=sub>{}</span></div>", g.status,
                         Esc(g.goal->label.empty() ? g.goal->name : g.goal->label), Esc(g.goal->name));
      if (last) {
        out += fmt::format("<div class=v>{}</div><div class=s>{} · target 目标 {} · {}</div>",
                           Esc(DisplayValue(last->value, g.goal->percent)), plabel(g.goal->grain, last->period, last->span),
                           Esc(DisplayValue(last->span.partial && last->has_pace ? last->pace_target : last->target,
                                            g.goal->percent)),
                           Esc(att_text(*last)));
      }
      if (g.forecast.has && std::isfinite(g.forecast.outlook.probability))
        out += fmt::format("<div class=s>forecast 预测: {} chance of meeting the target 达成概率 · {}</div>",
                           Esc(ChanceText(g.forecast.outlook.probability)), Esc(g.forecast.Status()));
      out += fmt::format("<div><span class=\"status {}\">{}</span>{}</div></div>", g.status, g.status,
                         g.goal->owner.empty() ? "" : " <span class=sub>owner 负责人 " + Esc(g.goal->owner) + "</span>");
    }
    out += "</div>";
  }
  for (const auto& g : r.goals) {
    bool pct = g.goal->percent;
    out += fmt::format("<h2>{} <span class=sub>{} · {}</span></h2>", Esc(g.goal->label.empty() ? g.goal->name : g.goal->label),
                       Esc(g.goal->name), Esc(g.goal->metric));
    std::vector<std::string> labels;
    std::vector<std::optional<double>> values, targets;
    std::vector<bool> cut;
    for (const auto& gp : g.periods) {
      labels.push_back(Label(g.goal->grain, gp.period, p));
      values.push_back(gp.has_data ? Num(gp.value) : std::nullopt);
      // A partial period: its value against the target for the same days.
      bool partial = gp.span.partial && gp.span.first <= gp.span.last;
      cut.push_back(partial);
      targets.push_back(Num(partial && gp.has_pace ? gp.pace_target : gp.target));
    }
    // The goal's forecast continues the line (a dashed line in its 80% band).
    Band band;
    if (g.forecast.has && !g.periods.empty()) {
      size_t n = g.periods.size();
      band = Band{std::vector<std::optional<double>>(n), std::vector<std::optional<double>>(n),
                  std::vector<std::optional<double>>(n)};
      auto finite = [](double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; };
      for (size_t k = 0; k < g.forecast.path.mean.size(); ++k) {
        int64_t i = g.forecast.from + static_cast<int64_t>(k) - g.periods.front().period;
        if (i < 0 || i >= static_cast<int64_t>(n)) continue;
        band.mean[static_cast<size_t>(i)] = finite(g.forecast.path.mean[k]);
        band.lo[static_cast<size_t>(i)] = finite(g.forecast.path.lo80[k]);
        band.hi[static_cast<size_t>(i)] = finite(g.forecast.path.hi80[k]);
      }
    }
    out += "<h3>Trend · 趋势</h3>" + TrendChart(labels, values, targets, pct, cut, band);
    out += "<table><tr><th class=l>period 期间</th><th>value 实际</th><th>target 目标</th><th>attainment 达成率</th><th class=l>status 状态</th></tr>";
    for (const auto& gp : g.periods)
      out += fmt::format("<tr><td class=l>{}</td>{}{}{}<td class=l><span class=\"status {}\">{}</span></td></tr>",
                         plabel(g.goal->grain, gp.period, gp.span), Td(DisplayValue(gp.value, pct)),
                         Td(DisplayValue(gp.target, pct)), Td(att_text(gp)), gp.status, gp.status);
    out += "</table>";
    for (const auto& gp : g.periods)
      if (gp.span.partial && gp.span.first <= gp.span.last && gp.has_pace)
        out += fmt::format("<p class=sub>{} is partial ({} – {}): its value is for those days, compared with the same "
                           "days of other periods; pace compares it with the target for those days, {}. "
                           "本期未完，按同期天数比较。</p>",
                           Esc(Label(g.goal->grain, gp.period, p)), rt::FormatDate(gp.span.first),
                           rt::FormatDate(gp.span.last), Esc(DisplayValue(gp.pace_target, pct)));
    if (g.forecast.has) {
      const engine::GoalOutlook& o = g.forecast;
      std::string st = o.Status();
      out += fmt::format("<h3>Forecast · 预测 <span class=\"status {}\">{}</span></h3>",
                         st == "on_track" ? "met" : st == "at_risk" ? "at_risk" : st == "off_track" ? "missed" : "no_data",
                         Esc(st));
      const int digits = GoalDigits(g);
      out += fmt::format("<p>{}</p>", Esc(OutlookText(o, pct, digits)));
      if (o.partial)
        out += fmt::format("<p class=sub>{}</p>", Esc(InProgressText(o, g.goal->grain, p, pct, digits)));
      out += fmt::format("<p class=sub>model 模型 {}: {}</p>", Esc(o.fit.ModelName()), Esc(o.fit.why));
      out += "<table><tr><th class=l>period 期间</th><th>forecast 预测</th><th>80% interval 区间</th><th>95% interval 区间</th></tr>";
      for (size_t i = 0; i < o.path.mean.size(); ++i)
        out += fmt::format("<tr><td class=l>{}</td>{}{}{}</tr>",
                           Esc(Label(g.goal->grain, o.from + static_cast<int64_t>(i), p)) +
                               (o.partial && i == 0 ? " <span class=sub>whole period 全期</span>" : ""),
                           Td(EstimateText(o.path.mean[i], pct, digits)),
                           Td(EstimateText(o.path.lo80[i], pct, digits) + " – " + EstimateText(o.path.hi80[i], pct, digits)),
                           Td(EstimateText(o.path.lo95[i], pct, digits) + " – " + EstimateText(o.path.hi95[i], pct, digits)));
      out += "</table>";
      for (const auto& dr : g.drill) {
        if (!dr.at_risk.empty())
          out += fmt::format("<p class=sub>least likely to meet their target, by {} 最可能未达成: {}</p>",
                             Esc(dr.drill->dim), Esc(AtRiskText(dr)));
      }
    }
    if (g.compared && !g.decomposition.empty()) {
      out += fmt::format("<h3>Decomposition · 指标分解 ({})</h3>", Esc(ComparedText(g, p)));
      for (const auto& d : g.decomposition) {
        out += fmt::format("<p><b>{}</b> = {} {}</p>", Esc(d.node->name), Esc(d.node->formula),
                           d.holds ? "" : fmt::format("<span class=gap>identity does not hold: gap {} · 恒等式不成立</span>",
                                                      Esc(d.gap.Text())));
        out += "<table><tr><th class=l>driver 驱动因素</th><th>now 本期</th><th>before 上期</th><th>contribution 贡献</th></tr>";
        std::vector<std::pair<std::string, std::optional<double>>> bars;
        for (size_t i = 0; i < d.terms.size(); ++i) {
          const auto& t = d.terms[i];
          std::string name = (d.node->terms[i].sign < 0 ? (d.node->kind == plan::GoalPlan::Decomposition::Kind::kAdditive ? "− " : "÷ ") : "") + d.node->terms[i].text;
          out += fmt::format("<tr>{}{}{}{}</tr>", Td(name, true), Td(DisplayValue(t.value, false)),
                             Td(DisplayValue(t.previous, false)), Td(DisplayValue(t.contribution, false)));
          bars.push_back({name, Num(t.contribution)});
        }
        out += fmt::format("<tr><td class=l><b>{}</b></td>{}{}{}</tr></table>", Esc(d.node->name), Td(DisplayValue(d.value, false)),
                           Td(DisplayValue(d.previous, false)), Td(DisplayValue(engine::Sub(d.value, d.previous), false)));
        out += Bars(bars);
      }
    }
    if (g.compared)
      for (const auto& dr : g.drill) {
        out += fmt::format("<h3>Drill-down by {} · 下钻 (change {}, {} members)</h3>", Esc(dr.drill->dim),
                           Esc(ComparedText(g, p)), dr.members);
        std::vector<std::pair<std::string, std::optional<double>>> bars;
        bool fx = !dr.top.empty() && dr.top[0].has_effects;
        out += "<table><tr><th class=l>member 成员</th><th>now 本期</th><th>before 上期</th><th>change 变化</th><th>target 目标</th><th>attainment 达成率</th>";
        out += fx ? "<th>mix 结构效应</th><th>rate 比率效应</th></tr>" : "</tr>";
        auto row = [&](const engine::DrillResult::Member& m) {
          out += fmt::format("<tr>{}{}{}{}{}{}{}</tr>", Td(MemberText(m.member, dr.drill->type), true),
                             Td(DisplayValue(m.value, pct)), Td(DisplayValue(m.previous, pct)), Td(DisplayValue(m.change, pct)),
                             Td(DisplayValue(m.target, pct)),
                             Td(m.has_attainment ? fmt::format("{:.1f}%", m.attainment * 100) : "—"),
                             m.has_effects ? Td(DisplayValue(Val::Float(m.mix), pct)) + Td(DisplayValue(Val::Float(m.rate), pct))
                                           : std::string());
          bars.push_back({MemberText(m.member, dr.drill->type), Num(m.change)});
        };
        for (const auto& m : dr.top) row(m);
        for (auto it = dr.bottom.rbegin(); it != dr.bottom.rend(); ++it) row(*it);
        out += "</table>" + Bars(bars);
        if (!dr.best.empty()) {
          auto names = [&](const std::vector<engine::DrillResult::Member>& ms) {
            std::string s;
            for (const auto& m : ms)
              s += (s.empty() ? "" : ", ") + MemberText(m.member, dr.drill->type) + fmt::format(" {:.1f}%", m.attainment * 100);
            return Esc(s);
          };
          if (dr.worst.empty())  // every member is listed: highest first
            out += fmt::format("<p class=sub>by attainment, highest first 按达成率排序: {}</p>", names(dr.best));
          else
            out += fmt::format("<p class=sub>highest attainment 达成率最高: {}<br>lowest attainment 达成率最低: {}</p>",
                               names(dr.best), names(dr.worst));
        }
      }
    out += "<h3>Alerts · 预警</h3>";
    if (g.alerts.empty()) out += "<p class=sub>no alert fired · 无预警</p>";
    for (const auto& a : g.alerts)
      out += fmt::format("<div class=\"alert {}\">[{}] {} · {}{} · {}{}</div>", Esc(a.severity), Esc(a.severity), Esc(a.name),
                         Esc(Label(g.goal->grain, a.period, p)),
                         a.dim.empty() ? "" : " · " + Esc(a.dim + " " + DimText(a.member, a.dim_type)), Esc(a.value.null() ? "-" : DisplayValue(a.value, a.percent)),
                         a.message.empty() ? "" : " · " + Esc(a.message));
  }
  if (!r.charts.empty()) out += "<h2>Charts · 图表</h2>";
  for (const auto& c : r.charts) {
    const plan::Output& o = *c.output;
    out += fmt::format("<h3>{}{} <span class=sub>{}{}</span></h3>", Esc(o.label.empty() ? o.metric : o.label),
                       o.by.empty() ? "" : " by " + Esc(o.by[0]), Esc(o.formula),
                       o.unit.empty() || o.unit == "1" ? "" : " · " + Esc(o.unit));
    if (o.by.empty() && o.grain != rt::Grain::kAll) {
      std::vector<std::string> labels;
      std::vector<std::optional<double>> values;
      std::vector<bool> cut;
      for (const auto& row : c.rows) {
        labels.push_back(Label(o.grain, row.period, p));
        values.push_back(Num(row.value));
        cut.push_back(row.span.partial);
      }
      out += TrendChart(labels, values, {}, o.percent, cut);
    } else if (o.by.size() == 1 && o.grain == rt::Grain::kAll) {
      std::vector<std::pair<std::string, std::optional<double>>> bars;
      for (const auto& row : c.rows) bars.push_back({DimText(row.dims[0], o.by_types[0]), Num(row.value)});
      out += Bars(bars);
    }
    out += "<table><tr><th class=l>period</th>";
    for (const auto& d : o.by) out += "<th class=l>" + Esc(d) + "</th>";
    out += "<th>value</th></tr>";
    for (const auto& row : c.rows) {
      out += "<tr><td class=l>" + plabel(o.grain, row.period, row.span) + "</td>";
      for (size_t d = 0; d < o.by.size(); ++d) out += Td(DimText(row.dims[d], o.by_types[d]), true);
      out += Td(DisplayValue(row.value, o.percent)) + "</tr>";
    }
    out += "</table>";
  }
  if (!r.metrics.empty()) {
    bool forecast = false;
    for (const auto& m : r.metrics) forecast = forecast || m.horizon > 0;
    if (forecast) out += ForecastCharts(p, r);
    out += "<h2>Metrics · 指标</h2><table><tr><th class=l>metric</th><th class=l>period</th>";
    for (const auto& d : p.by) out += "<th class=l>" + Esc(d) + "</th>";
    out += forecast ? "<th>value</th><th>80% interval 区间</th><th>95% interval 区间</th></tr>" : "<th>value</th></tr>";
    for (const auto& m : r.metrics) {
      std::string name = m.output->metric + (m.output->label.empty() ? "" : " " + m.output->label);
      std::string unit = m.output->percent ? "" : " " + m.output->unit;
      for (const auto& row : m.rows) {
        out += "<tr>" + Td(name, true) + "<td class=l>" + plabel(p.grain, row.period, row.span) + "</td>";
        for (size_t d = 0; d < p.by.size(); ++d) out += Td(DimText(row.dims[d], p.by_types[d]), true);
        out += Td(DisplayValue(row.value, m.output->percent) + unit) + (forecast ? "<td></td><td></td>" : "") + "</tr>";
      }
      for (const auto& f : m.forecast) {
        out += "<tr class=fc>" + Td(name, true) + "<td class=l>" + Esc(Label(p.grain, f.period, p)) +
               " <span class=partial>forecast 预测</span></td>";
        for (size_t d = 0; d < p.by.size(); ++d) out += Td(DimText(f.dims[d], p.by_types[d]), true);
        auto range = [&](double a, double b) {
          return std::isnan(a) ? std::string("-") : ForecastText(a, m) + " – " + ForecastText(b, m);
        };
        out += Td(ForecastText(f.value, m) + unit) + Td(range(f.lo80, f.hi80)) + Td(range(f.lo95, f.hi95)) + "</tr>";
      }
    }
    out += "</table>";
  }
  if (!r.warnings.empty()) {
    out += "<h2>Warnings · 警告</h2>";
    for (const auto& w : r.warnings) out += "<div class=alert>" + Esc(w.code + ": " + w.message) + "</div>";
  }
  if (ctx.stamp) {
    // The stamp: what made these numbers, for `kpic verify` (it reads the
    // escaped JSON of #kpic-stamp back).
    const nlohmann::ordered_json& st = *ctx.stamp;
    size_t defs = st.contains("definitions") ? st["definitions"].value("metrics", nlohmann::ordered_json::object()).size() : 0;
    size_t srcs = st.contains("data") ? st["data"].size() : 0;
    out += fmt::format("<footer class=sub><details><summary>Made by kpic {} from {} metric definition(s) and {} "
                       "source(s), fingerprinted: <code>kpic verify</code> this file to check that its numbers still "
                       "stand · 数据来源与指纹</summary><pre id=kpic-stamp>{}</pre></details></footer>",
                       Esc(st.value("kpic", std::string())), defs, srcs, Esc(st.dump(2)));
  }
  return out + "</body></html>\n";
}

}  // namespace kpic::output
