// The HTML report of `kpic run --format html`: one self-contained, offline
// file (inline CSS and SVG written here, no network; its one script,
// report_script.cc, only adds behaviour) with a goal
// scorecard, trend charts with the target line, the decomposition with each
// driver's contribution, drill-down bar charts and the alert list.
#include "output/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "base/utf8.h"
#include "output/csp.h"
#include "output/actions_text.h"
#include "output/present.h"
#include "output/words.h"
#include "report/font_subset.h"
#include "output/report_members.h"
#include "output/report_script.h"
#include "output/values.h"

namespace kpic::output {

namespace {

using engine::Val;

std::string Esc(const std::string& s) { return HtmlEscape(s); }

/// The system fonts a page falls back on, Chinese ones included.
constexpr const char* kFontStack =
    "-apple-system,\"Segoe UI\",\"PingFang SC\",\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",\"Microsoft YaHei\",sans-serif";

const char* kStyle = R"(
body{font-family:-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#f7f8fa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px;color:#52606d}
.sub{color:#616e7c;font-size:12px}
p,h2,h3,summary,.who{overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:220px;box-shadow:0 1px 3px rgba(0,0,0,.12);border-left:6px solid #9aa5b1}
.card.met{border-color:#2f9e44}.card.at_risk{border-color:#f08c00}.card.missed{border-color:#e03131}
.card .v{font-size:22px;font-weight:600}.card .s{font-size:12px;color:#52606d}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff;background:#616e7c}
.status.met{background:#237032}.status.at_risk{background:#a65300}.status.missed{background:#c92a2a}.status.in_progress{background:#1864ab}
.partial{color:#1864ab;font-size:12px}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:6px 0}
th,td{padding:4px 10px;border-bottom:1px solid #e4e7eb;text-align:right}th{background:#f0f2f5}
td.l,th.l{text-align:left}td:not(.l){white-space:nowrap}
.alert{padding:6px 10px;margin:4px 0;border-radius:4px;background:#fff;border-left:4px solid #f08c00;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
.alert.critical{border-color:#e03131;background:#fff5f5;color:#c92a2a}
.gap{color:#c92a2a}
svg{display:block;width:100%;max-width:960px;height:auto}
svg text{font-size:11px;fill:#52606d}svg.ph text{font-size:13px}.cn{display:none}
.legend{font-size:12px;color:#52606d;margin:2px 0 8px}.legend span{margin-right:14px;white-space:nowrap}
svg.pie{max-width:220px}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}
.legend.parts span{display:block;white-space:normal;overflow-wrap:anywhere}
.score{margin:6px 0 10px}.score b{display:block;font-size:30px;color:#1f2933}
.sw{display:inline-block;width:18px;height:0;border-top:2px solid;vertical-align:middle;margin-right:4px}
.act{font-size:12px;margin-left:6px;color:#1c5d99}.open{font-size:12px;margin-left:6px;color:#52606d}
.effect{max-width:46em}.nw{white-space:nowrap}.digest{margin:6px 0}.digest summary{cursor:pointer;color:#52606d;font-size:12px;margin:2px 0 2px 4px}
.rule{font-weight:600}.count{color:#616e7c;font-size:12px}
.meta{margin-bottom:8px}.who{background:#fff;border-radius:6px;padding:6px 10px;margin:8px 0;font-size:13px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
td[title],span[title]{text-decoration:underline dotted #9aa5b1}
@media (max-width:640px){body{margin:10px}th,td{padding:3px 5px}table{display:block;overflow-x:auto;max-width:100%;background:linear-gradient(to right,#fff 30%,#fff0) 0 0/24px 100% no-repeat local,linear-gradient(to left,#fff 30%,#fff0) 100% 0/24px 100% no-repeat local,radial-gradient(farthest-side at 0 50%,#0003,#0000) 0 0/10px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,#0003,#0000) 100% 0/10px 100% no-repeat scroll}th,td{white-space:nowrap}td.effect{white-space:normal;min-width:18em;max-width:none}svg text{font-size:16px}svg.ph text{font-size:13px}.cw{display:none}.cn{display:block}table.drill tr>:nth-child(3),table.drill tr>:nth-child(5){display:none}td .partial{display:block;white-space:normal;font-size:12px}}
@media print{body{background:#fff;margin:0}details{display:block}svg{max-width:100%}.card,table,svg{break-inside:avoid}}
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

/// An axis label in the metric's look: `¥150,000`, `35%`; in `zh`, on an
/// axis reaching 10,000 or more, in 万 or 亿 (`¥15万`), its decimals from
/// the step in that unit.
std::string AxisLabel(double v, double step, const Look& look, const std::string& lang, double reach) {
  if (std::fabs(v) < step * 1e-9) return look.f.prefix + "0" + (look.f.percent ? "%" : "");
  if (lang == "zh" && !look.f.percent && reach >= 1e4) {
    double unit = reach >= 1e8 ? 1e8 : 1e4;
    std::string s = AxisText(v / unit, step / unit, false);
    if (s.rfind("-", 0) == 0) return "−" + look.f.prefix + s.substr(1) + (unit == 1e8 ? "亿" : "万") + look.f.suffix;
    return look.f.prefix + s + (unit == 1e8 ? "亿" : "万") + look.f.suffix;
  }
  std::string s = AxisText(v, step, look.f.percent);
  if (s.rfind("-", 0) == 0) return "−" + look.f.prefix + s.substr(1);
  return look.f.prefix + s;
}

/// A forecast drawn after the actual periods (--forecast): point forecasts
/// and the 80% interval, aligned with the chart's labels (nullopt where a
/// period has no forecast).
struct Band {
  std::vector<std::optional<double>> mean, lo, hi;
};

/// A member's line on a chart of several (`chart sales by month, channel`).
struct Series {
  std::string name;
  std::vector<std::optional<double>> values;
};
/// The members' lines' colours (Okabe-Ito: colour-blind safe).
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"};

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
    out += fmt::format(R"(<polygon fill="#CC79A7" fill-opacity="0.15" stroke="none" points="{}"/>)", poly);
  }
  out += fmt::format(R"(<polyline fill="none" stroke="#CC79A7" stroke-width="2" stroke-dasharray="6,4" points="{}"/>)",
                     pts);
  for (size_t i = *start; i < band.mean.size(); ++i)
    if (band.mean[i])
      out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="#CC79A7"/>)", x(i), y(*band.mean[i]));
  return out;
}

/// A line chart of values over periods, with a dashed target line. A
/// partial period (`partial[i]`) is drawn hollow, reached by a dotted
/// segment: its value and target are for the days it has. A forecast is a
/// dashed line from the last whole period, in a shaded 80% band. The y
/// axis fits the data (a line need not start at zero), its ticks are 1-2-5
/// steps in the metric's look; each point has its exact value on hover; the
/// legend is HTML under the chart, so that it wraps instead of being cut.
/// An action drawn on a trend: a numbered vertical line where it started,
/// `at` in periods from the first label (fractions within a period).
struct Marker {
  double at = 0;
  std::string number, tip;
};

/// A text's width in an SVG at font `size`, estimated on the wide side:
/// 0.62 em for an ASCII character, 1 em for any other.
double TextWidth(const std::string& t, double size) {
  double em = 0;
  for (unsigned char c : t)
    if (c < 0x80)
      em += 0.62;
    else if (c >= 0xC0)
      em += 1;  // a lead byte: one wide character
  return em * size;
}

/// The trend chart's SVG, drawn for a desktop's width (760 units shown at
/// up to 760 px, text 11 units), or for a phone's (`phone`: 400 units shown
/// at about 370 px, text 13 units, so that it reads at about 12 px where
/// the desktop's drawing, halved, read at 8: review, 2026-12-06).
std::string TrendSvg(const std::vector<std::string>& labels, const std::vector<std::optional<double>>& values,
                     const std::vector<std::optional<double>>& targets, const Look& look, const std::string& lang,
                     const std::vector<bool>& partial, const Band& band, const std::vector<Marker>& markers,
                     bool phone, bool area = false, const std::vector<Series>& members = {}) {
  const double w = phone ? 400 : 760, h = phone ? 236 : 248, top = 16, bottom = 40;
  double right = phone ? 20 : 40;
  const double font = phone ? 13 : 11;
  double left = 96;
  double lo = 0, hi = 0;
  bool any = false;
  std::vector<const std::vector<std::optional<double>>*> all{&values, &targets, &band.mean, &band.lo, &band.hi};
  for (const Series& s : members) all.push_back(&s.values);
  for (const auto* series : all)
    for (const auto& v : *series)
      if (v) {
        lo = any ? std::min(lo, *v) : *v;
        hi = any ? std::max(hi, *v) : *v;
        any = true;
      }
  if (!any) return "<p class=sub>no data</p>";
  // The data's own range, padded by a tenth, not stretched to zero (a
  // positive series does not dip below it).
  double pad = hi > lo ? (hi - lo) * 0.1 : std::max(std::fabs(hi) * 0.05, 1e-9);
  bool positive = lo >= 0;
  lo -= pad;
  hi += pad;
  if (positive) lo = std::max(lo, 0.0);
  // An area is filled down to zero, so its axis holds zero: filled to the
  // axis's foot, a negative value read as positive and growth looked
  // larger (review, 2026-12-07).
  if (area) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  // Round ticks: 1, 2 or 5 times a power of ten, about five of them.
  double raw = (hi - lo) / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * mag >= raw) {
      step = f * mag;
      break;
    }
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
  int ticks = static_cast<int>(std::lround((hi - lo) / step));
  if (phone) {
    // As much of the narrow width as the y labels leave.
    double widest = 0;
    for (int k = 0; k <= ticks; ++k)
      widest = std::max(widest, TextWidth(AxisLabel(lo + step * k, step, look, lang, std::max(std::fabs(lo), std::fabs(hi))), font));
    left = std::max(40.0, widest + 12);
    // Room for half of the last x label, centred on the last point.
    if (!labels.empty())
      right = std::max(right, TextWidth(labels.back() + (partial.size() == labels.size() && partial.back() ? "*" : ""),
                                         font) / 2 + 4);
  }
  size_t n = labels.size();
  auto x = [&](size_t i) { return left + (n <= 1 ? 0 : (w - left - right) * static_cast<double>(i) / (n - 1)); };
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - (v - lo) / (hi - lo)); };
  std::string svg = fmt::format(R"(<svg{} viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">)",
                                phone ? " class=ph" : "", w, h,
                                Tr(lang, "trend chart: the values per period, in the table below", "趋势图：各期数值见下表"));
  for (int k = 0; k <= ticks; ++k) {
    double v = lo + step * k;
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#e4e7eb"/><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)",
                       left, w - right, y(v), y(v), left - 6, y(v) + 4,
                       Esc(AxisLabel(v, step, look, lang, std::max(std::fabs(lo), std::fabs(hi)))));
  }
  auto cut = [&](size_t i) { return i < partial.size() && partial[i]; };
  // The x labels: every `every`-th and the last, as many as fit without
  // crowding at the chart's font.
  auto text_of = [&](size_t i) { return labels[i] + (cut(i) ? "*" : ""); };
  auto width = [&](size_t i, double size) { return TextWidth(text_of(i), size); };
  const double gap = 8;
  auto pick = [&](double font, size_t base) {
    std::vector<bool> shown(n, false);
    if (n == 0) return std::pair{shown, size_t{1}};
    double widest = 0;
    for (size_t i = 0; i < n; ++i) widest = std::max(widest, width(i, font));
    double slot = n <= 1 ? w : (w - left - right) / static_cast<double>(n - 1);
    size_t every = base;
    while (every < n && slot * static_cast<double>(every) < widest + gap) every += base;
    for (size_t i = 0; i + 1 < n; i += every) shown[i] = true;
    shown[n - 1] = true;
    // None crowding the last.
    for (size_t i = n - 1; i-- > 0;) {
      if (!shown[i]) continue;
      if (x(n - 1) - x(i) >= (width(i, font) + width(n - 1, font)) / 2 + gap) break;
      shown[i] = false;
    }
    return std::pair{shown, every};
  };
  auto [shown, every] = pick(font, 1);
  for (size_t i = 0; i < n; ++i)
    if (shown[i])
      // The labels sit 24 units under the axis, clear of the lowest tick's
      // label at the left.
      svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x(i), h - bottom + 24,
                         Esc(text_of(i)));
  auto tip = [&](size_t i, double v, const std::string& what) {
    // `what` may be a member's name (a line per member): escaped, as every
    // value from the data (review, 2026-12-07).
    return fmt::format("<title>{} {}: {}</title>", Esc(i < labels.size() ? labels[i] : ""), Esc(what), Esc(Show(v, look)));
  };
  auto line = [&](const std::vector<std::optional<double>>& s, const char* color, const char* dash, const std::string& what) {
    std::string pts, out;
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] && !cut(i)) pts += fmt::format("{:.1f},{:.1f} ", x(i), y(*s[i]));
    if (!pts.empty())
      out += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2" {} points="{}"/>)", color, dash, pts);
    for (size_t i = 0; i < s.size(); ++i) {
      if (!s[i]) continue;
      if (!cut(i)) {
        out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}">{}</circle>)", x(i), y(*s[i]), color,
                           tip(i, *s[i], what));
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
      out += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="#fff" stroke="{}" stroke-width="1.5">{}</circle>)",
                         x(i), y(*s[i]), color, tip(i, *s[i], what));
    }
    return out;
  };
  svg += ForecastSvg(band, values, partial, x, y);
  for (const Marker& m : markers) {
    double mx = left + (n <= 1 ? 0 : (w - left - right) * m.at / static_cast<double>(n - 1));
    svg += fmt::format(R"(<g class=mark><title>{}</title><line x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}" stroke="#555" stroke-dasharray="3,3"/>)"
                       R"(<circle cx="{:.1f}" cy="{}" r="8" fill="#fff" stroke="#555"/><text x="{:.1f}" y="{}" text-anchor="middle" font-size="10">{}</text></g>)",
                       Esc(m.tip), mx, mx, top + 16, h - bottom, mx, top + 8, mx, top + 12, Esc(m.number));
  }
  svg += line(targets, "#E69F00", R"(stroke-dasharray="5,4")", Tr(lang, "target", "目标"));
  if (area) {
    // `as area`: the whole periods' values filled down to the axis.
    std::string pts;
    std::optional<size_t> first, last;
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i] && !cut(i)) {
        pts += fmt::format("{:.1f},{:.1f} ", x(i), y(*values[i]));
        if (!first) first = i;
        last = i;
      }
    if (first)
      svg += fmt::format(R"(<polygon fill="#0072B2" fill-opacity="0.15" stroke="none" points="{:.1f},{:.1f} {}{:.1f},{:.1f}"/>)",
                         x(*first), y(0), pts, x(*last), y(0));
  }
  svg += line(values, "#0072B2", "", Tr(lang, "value", "实际"));
  for (size_t k = 0; k < members.size(); ++k)
    svg += line(members[k].values, kPalette[k % std::size(kPalette)], "", members[k].name);
  return svg + "</svg>";
}

/// A line chart (TrendSvg), drawn twice: for a desktop's width and for a
/// phone's, one shown by the page's width (classes cw, cn); the legend is
/// HTML under it, so that it wraps instead of being cut.
std::string TrendChart(const std::vector<std::string>& labels, const std::vector<std::optional<double>>& values,
                       const std::vector<std::optional<double>>& targets, const Look& look, const std::string& lang,
                       const std::vector<bool>& partial = {}, const Band& band = {},
                       const std::vector<Marker>& markers = {}, bool area = false) {
  std::string wide = TrendSvg(labels, values, targets, look, lang, partial, band, markers, false, area);
  if (wide.rfind("<svg", 0) != 0) return wide;  // no data
  std::string svg = "<div class=cw>" + wide + "</div><div class=cn>" +
                    TrendSvg(labels, values, targets, look, lang, partial, band, markers, true, area) + "</div>";
  size_t n = labels.size();
  auto cut = [&](size_t i) { return i < partial.size() && partial[i]; };
  bool any_target = false;
  for (const auto& t : targets) any_target = any_target || t.has_value();
  svg += fmt::format("<div class=legend><span><i class=sw style=\"border-color:#0072B2\"></i>{}</span>",
                     Tr(lang, "value", "实际"));
  if (any_target)
    svg += fmt::format("<span><i class=sw style=\"border-color:#E69F00;border-top-style:dashed\"></i>{}</span>",
                       Tr(lang, "target", "目标"));
  bool any_cut = false;
  for (size_t i = 0; i < n; ++i) any_cut = any_cut || cut(i);
  if (any_cut) svg += fmt::format("<span>○ * {}</span>", Tr(lang, "partial: only some of its days", "不完整：只含部分天数"));
  if (!band.mean.empty())
    svg += fmt::format("<span><i class=sw style=\"border-color:#CC79A7;border-top-style:dashed\"></i>{}</span>",
                       Tr(lang, "forecast, shaded: its 80% interval", "预测，阴影为 80% 区间"));
  if (!markers.empty())
    svg += fmt::format("<span><i class=sw style=\"border-color:#555;border-top-style:dashed\"></i>{}</span>",
                       Tr(lang, "an action began (numbered as in Actions)", "行动开始（编号见“行动”）"));
  return svg + "</div>";
}

/// One line per member (`chart sales by month, channel`), drawn for a
/// desktop and for a phone as TrendChart is, the members named in the
/// legend in their lines' colours.
std::string MemberTrendChart(const std::vector<std::string>& labels, const std::vector<Series>& members,
                             const Look& look, const std::string& lang, const std::vector<bool>& partial) {
  std::string wide = TrendSvg(labels, {}, {}, look, lang, partial, {}, {}, false, false, members);
  if (wide.rfind("<svg", 0) != 0) return wide;  // no data
  std::string out = "<div class=cw>" + wide + "</div><div class=cn>" +
                    TrendSvg(labels, {}, {}, look, lang, partial, {}, {}, true, false, members) + "</div><div class=legend>";
  for (size_t k = 0; k < members.size(); ++k)
    out += fmt::format("<span><i class=sw style=\"border-color:{}\"></i>{}</span>", kPalette[k % std::size(kPalette)],
                       Esc(members[k].name));
  if (std::find(partial.begin(), partial.end(), true) != partial.end())
    out += fmt::format("<span>○ * {}</span>", Tr(lang, "partial: only some of its days", "不完整：只含部分天数"));
  return out + "</div>";
}

/// `text` in at most `columns` display columns (CJK characters count two):
/// cut and ended with "…" when longer (the whole text is on hover).
std::string Shortened(const std::string& text, size_t columns) {
  if (DisplayWidth(text) <= columns) return text;
  std::string cut;
  for (size_t k = 0; k < text.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, k, &cp);
    if (DisplayWidth(cut) + static_cast<size_t>(DisplayWidth(cp)) > columns - 2) break;
    cut += text.substr(k, len);
    k += len;
  }
  return cut + "…";
}

/// A waterfall bar's label in at most two lines of `columns`: a
/// parenthetical (`（期初）`, ` (opening)`) goes on the second line, and what
/// still does not fit is shortened (the whole label is on hover).
std::vector<std::string> LabelLines(const std::string& label, size_t columns) {
  if (DisplayWidth(label) <= columns) return {label};
  for (std::string_view open : {std::string_view("（"), std::string_view(" (")}) {
    size_t at = label.find(open);
    if (at == std::string::npos || at == 0) continue;
    std::string rest = label.substr(open[0] == ' ' ? at + 1 : at);
    return {Shortened(label.substr(0, at), columns), Shortened(rest, columns)};
  }
  return {Shortened(label, columns)};
}

/// Horizontal bars around zero (blue up, vermillion down: colour-blind
/// safe), each labelled with its change in the metric's look and its exact
/// value on hover; a long member name is shortened, whole on hover.
/// Drawn for a desktop's width, and for a phone's (`phone`: 400 units, text
/// 13, names to 12 columns), as the trend chart is: the desktop's drawing
/// shrunk to a phone read at 8 px (reader's probe, 2026-12-07).
std::string BarsSvg(const std::vector<std::pair<std::string, std::optional<double>>>& items, const Look& look,
                    const std::string& aria, bool change, bool phone) {
  double m = 0;
  bool negative = false;
  for (const auto& [label, v] : items)
    if (v) m = std::max(m, std::fabs(*v)), negative = negative || *v < 0;
  if (m == 0) m = 1;
  // Around zero in the middle when a value is negative; else from the
  // names, over the whole width.
  // Room beside a bar for its value: the longest value's (a phone's 76
  // units cut ¥12,345,678.90: review, 2026-12-07), at most 28% of the width.
  const double font = phone ? 13 : 11;
  double longest = 0;
  for (const auto& [label, v] : items)
    if (v) longest = std::max(longest, TextWidth(change ? ShowChange(*v, look) : Show(*v, look), font));
  // Long values take some of the names' room on a phone, so that the bars
  // keep a length to compare (second review: 8 units for ¥1,654,000,000).
  const double w = phone ? 400 : 760, label_w = phone ? (longest > 12 * 0.62 * font ? 96 : 120) : 230,
               row = phone ? 26 : 22, room = std::min(w * 0.28, std::max(phone ? 76.0 : 112.0, longest + 8)),
               mid = negative ? label_w + (w - label_w) / 2 : label_w + 4,
               half = std::max(8.0, negative ? (w - label_w) / 2 - room : w - label_w - 4 - room);
  double h = row * static_cast<double>(items.size()) + 14;
  std::string svg = fmt::format(R"(<svg{} viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">)",
                                phone ? " class=ph" : "", w, h, Esc(aria));
  svg += fmt::format(R"(<line x1="{}" x2="{}" y1="0" y2="{}" stroke="#9aa5b1"/>)", mid, mid, h);
  for (size_t i = 0; i < items.size(); ++i) {
    double yy = 8 + row * static_cast<double>(i);
    std::string name = Shortened(items[i].first, phone ? (label_w < 120 ? 9 : 12) : 22);
    std::string text = items[i].second ? (change ? ShowChange(*items[i].second, look) : Show(*items[i].second, look)) : "—";
    svg += fmt::format(R"(<g><title>{}: {}</title><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)",
                       Esc(items[i].first), Esc(text), label_w - 8, yy + 14, Esc(name));
    if (!items[i].second) {
      svg += "</g>";
      continue;
    }
    double v = *items[i].second, len = half * std::fabs(v) / m;
    double x0 = v >= 0 ? mid : mid - len;
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}"/>)", x0, yy + 3, std::max(len, 1.0),
                       row - 8, v >= 0 ? "#0072B2" : "#D55E00");
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text></g>)", v >= 0 ? mid + len + 4 : mid - len - 4,
                       yy + 14, v >= 0 ? "start" : "end", Esc(text));
  }
  return svg + "</svg>";
}

std::string Bars(const std::vector<std::pair<std::string, std::optional<double>>>& items, const Look& look,
                 const std::string& aria, bool change = true) {
  if (items.empty()) return "";
  return "<div class=cw>" + BarsSvg(items, look, aria, change, false) + "</div><div class=cn>" +
         BarsSvg(items, look, aria, change, true) + "</div>";
}

/// `as pie`: the members' parts of the whole as a ring, the largest seven
/// and the rest as one slice, each listed under it with its value and its
/// share (HTML, so that it wraps on a phone). Nothing when a part is
/// negative or the whole is not positive, and `*why` says which: the
/// caller draws bars.
std::string Pie(const std::vector<std::pair<std::string, std::optional<double>>>& items, const Look& look,
                const std::string& lang, std::string* why) {
  std::vector<std::pair<std::string, double>> parts;
  double whole = 0;
  for (const auto& [label, v] : items) {
    if (!v) continue;
    if (*v < 0) {
      *why = Tr(lang, "Drawn as bars: a pie needs parts that are not negative.", "改用条形图：饼图的各部分不能为负。");
      return "";
    }
    parts.push_back({label, *v});
    whole += *v;
  }
  if (parts.empty() || !(whole > 0)) {
    *why = Tr(lang, "Drawn as bars: the whole is zero, so there are no shares to show.",
              "改用条形图：整体为零，没有可显示的占比。");
    return "";
  }
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (parts.size() > 8) {
    double rest = 0;
    for (size_t i = 7; i < parts.size(); ++i) rest += parts[i].second;
    size_t others = parts.size() - 7;
    parts.resize(7);
    parts.push_back({fmt::format(fmt::runtime(Tr(lang, "the other {}", "其余 {} 个")), others), rest});
  }
  const double cx = 110, cy = 110, r = 100, inner = 58;
  std::string svg = fmt::format(R"(<svg class=pie viewBox="0 0 220 220" role="img" aria-label="{}">)",
                                Esc(Tr(lang, "pie chart: each member's share of the whole, listed below",
                                       "饼图：各成员占整体的比例，见下方列表")));
  // One entry a line, wrapping: a long name pushed its value off a phone's
  // screen (review, 2026-12-07).
  std::string legend = "<div class=\"legend parts\">";
  double at = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [label, v] = parts[i];
    double share = v / whole;
    // A share's value is its share: said once.
    std::string text = look.f.percent ? fmt::format("{}: {}", label, Show(v, look))
                                      : fmt::format("{}: {} ({:.1f}%)", label, Show(v, look), share * 100);
    if (share >= 0.999999) {
      svg += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="{}"><title>{}</title></circle>)",
                         cx, cy, (r + inner) / 2, kPalette[i], r - inner, Esc(text));
    } else if (share > 0) {
      auto point = [&](double f, double radius) {
        double a = 2 * M_PI * f - M_PI / 2;
        return std::pair{cx + radius * std::cos(a), cy + radius * std::sin(a)};
      };
      auto [x0, y0] = point(at, r);
      auto [x1, y1] = point(at + share, r);
      auto [x2, y2] = point(at + share, inner);
      auto [x3, y3] = point(at, inner);
      int large = share > 0.5 ? 1 : 0;
      svg += fmt::format(R"(<path d="M{:.2f},{:.2f} A{},{} 0 {} 1 {:.2f},{:.2f} L{:.2f},{:.2f} A{},{} 0 {} 0 {:.2f},{:.2f} Z" )"
                         R"(fill="{}" stroke="#fff" stroke-width="1"><title>{}</title></path>)",
                         x0, y0, r, r, large, x1, y1, x2, y2, inner, inner, large, x3, y3, kPalette[i], Esc(text));
    }
    at += share;
    legend += fmt::format("<span><i class=dot style=\"background:{}\"></i>{}</span>", kPalette[i], Esc(text));
  }
  return svg + "</svg>" + legend + "</div>";
}

/// `as scorecard`: the latest period's value, large, and its change on the
/// period before: in its unit (percentage points for a percentage), and
/// for an amount over a positive one, in percent too. A partial period,
/// the latest or the one before, says so, and is not compared (review,
/// 2026-12-07: half a February read +0.00% against a whole one; −50 to 10
/// read "+−120.0%").
std::string Scorecard(const std::string& period, std::optional<double> value, std::optional<double> before,
                      bool partial, bool before_partial, const Look& look, const std::string& lang) {
  std::string sub = period;
  if (partial) sub += Tr(lang, " (partial)", "（不完整）");
  if (value && before && !partial && !before_partial) {
    std::string change = ShowChange(*value - *before, look);
    if (!look.f.percent && *before > 0)
      change += fmt::format(" ({}{})", *value >= *before ? "+" : "", Show(*value / *before - 1, PercentLook()));
    sub += fmt::format(fmt::runtime(Tr(lang, " · {} on the period before", " · 较上期 {}")), change);
  } else if (value && before && !partial && before_partial) {
    sub += Tr(lang, " · the period before is partial: not compared", " · 上期不完整，不作比较");
  }
  return fmt::format("<div class=score><b>{}</b><span class=sub>{}</span></div>", Esc(value ? Show(*value, look) : "—"),
                     Esc(sub));
}

/// A decomposition as a waterfall: the whole before (grey), each driver's
/// contribution as a step up (blue) or down (vermillion) from where the
/// last one ended, and the whole now (grey); what the contributions leave
/// unexplained (a decomposition whose identity does not hold) is its own
/// step, so that the steps always land on the value now. Value labels are
/// exact amounts, as in the table above it.
std::string Waterfall(const std::string& before_label, std::optional<double> before,
                      const std::vector<std::pair<std::string, std::optional<double>>>& steps,
                      const std::string& now_label, std::optional<double> now, const Look& look, const std::string& lang) {
  if (!before || !now) return "";
  struct Bar {
    std::string label;
    double from, to;
    bool total;
  };
  std::vector<Bar> bars{{before_label, 0, *before, true}};
  double at = *before;
  for (const auto& [label, v] : steps) {
    if (!v) return "";  // a driver without a value: no honest waterfall
    bars.push_back({label, at, at + *v, false});
    at += *v;
  }
  if (std::fabs(at - *now) > 1e-6 * std::max(1.0, std::fabs(*now))) {
    bars.push_back({Tr(lang, "unexplained", "未解释"), at, *now, false});
  }
  bars.push_back({now_label, 0, *now, true});
  // The axis: zero-based, unless the steps are small beside the wholes;
  // then it starts near the lowest point reached (the wholes are drawn cut,
  // marked by a zigzag), so that the steps can be read.
  double vmin = *before, vmax = *before;
  for (const auto& b : bars)
    for (double v : {b.from, b.to})
      if (!(b.total && v == b.from)) vmin = std::min(vmin, v), vmax = std::max(vmax, v);
  // Only for steps that would be slivers (under 15% of the top): cut at
  // half the top, a -35.7% drop was drawn as -61% (store probe,
  // 2026-12-07); where the axis starts is written on the chart.
  bool cut = vmin > 0 && vmax - vmin < 0.15 * vmax;
  double lo = cut ? std::max(0.0, vmin - (vmax - vmin) * 0.6) : std::min(0.0, vmin);
  double hi = vmax + (vmax - lo) * 0.05;
  if (hi <= lo) hi = lo + 1;
  const double w = 760, h = 248, left = 24, right = 24, top = 30, bottom = 40;
  double col = (w - left - right) / static_cast<double>(bars.size());
  auto y = [&](double v) { return top + (h - top - bottom) * (1 - (std::max(v, lo) - lo) / (hi - lo)); };
  std::string svg = fmt::format(R"(<svg class=waterfall viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">)",
                                w, h, Esc(Tr(lang, "waterfall: from the value before to the value now, driver by driver",
                                             "瀑布图：从上期值经各驱动因素到本期值")));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double x = left + col * static_cast<double>(i) + col * 0.18, bw = col * 0.64;
    double y0 = y(std::max(b.from, b.to)), y1 = y(std::min(b.from, b.to));
    const char* fill = b.total ? "#7b8794" : b.to >= b.from ? "#0072B2" : "#D55E00";
    double delta = b.to - b.from;
    std::string text = b.total ? Show(b.to, look) : ShowChange(delta, look);
    svg += fmt::format(R"(<g><title>{}: {}</title><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>)",
                       Esc(b.label), Esc(text), x, y0, bw, std::max(y1 - y0, 1.0), fill);
    if (b.total && cut)  // the bar does not start at zero: say so
      svg += fmt::format(R"(<path d="M{:.1f},{:.1f} l{:.1f},-4 l{:.1f},8 l{:.1f},-4" stroke="#fff" stroke-width="2" fill="none"/>)",
                         x, h - bottom - 6, bw / 3, bw / 3, bw / 3);
    if (i + 1 < bars.size()) {  // the connector to the next bar
      double level = y(b.to);
      svg += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#9aa5b1" stroke-dasharray="2,2"/>)",
                         x + bw, x + col, level, level);
    }
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)", x + bw / 2, y0 - 6, Esc(text));
    // About 7.5 px a column at the labels' size, and never less than a
    // date and its parenthetical (`（截至目前）`) need; two lines at most.
    size_t columns = std::max<size_t>(12, static_cast<size_t>(col / 7.5));
    svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">)", x + bw / 2, h - bottom + 18);
    std::vector<std::string> lines = LabelLines(b.label, columns);
    for (size_t k = 0; k < lines.size(); ++k)
      svg += fmt::format(R"(<tspan x="{:.1f}" dy="{}">{}</tspan>)", x + bw / 2, k ? 16 : 0, Esc(lines[k]));
    svg += "</text></g>";
  }
  svg += "</svg>";
  // On a phone a row per bar (the desktop's columns, shrunk, read at 8 px:
  // reader's probe, 2026-12-07): its label at the left, the bar across,
  // its amount at the bar's end.
  // Room for the longest amount (84 units cut ¥189,521,257.79: second
  // review), and a label in two lines where it has a parenthetical
  // ("2026-01（同期）": cut to "2026-01 (s…", and a phone has no hover).
  double longest = 0;
  bool two_lines = false;
  for (const Bar& b : bars) {
    longest = std::max(longest, TextWidth(b.total ? Show(b.to, look) : ShowChange(b.to - b.from, look), 13));
    two_lines = two_lines || LabelLines(b.label, 14).size() > 1;
  }
  const double pw = 400, label_w = 128, room = std::min(pw * 0.3, std::max(84.0, longest + 8)),
               row = two_lines ? 40 : 28;
  double ph = row * static_cast<double>(bars.size()) + 8;
  auto px = [&](double v) { return label_w + (pw - label_w - room) * (std::max(v, lo) - lo) / (hi - lo); };
  std::string phone = fmt::format(R"(<svg class="waterfall ph" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet">)",
                                  pw, ph, Esc(Tr(lang, "waterfall: from the value before to the value now, driver by driver",
                                                 "瀑布图：从上期值经各驱动因素到本期值")));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double yy = 4 + row * static_cast<double>(i);
    double x0 = px(std::min(b.from, b.to)), x1 = px(std::max(b.from, b.to));
    const char* fill = b.total ? "#7b8794" : b.to >= b.from ? "#0072B2" : "#D55E00";
    std::string text = b.total ? Show(b.to, look) : ShowChange(b.to - b.from, look);
    std::vector<std::string> lines = LabelLines(b.label, 14);
    std::string label;
    for (size_t k = 0; k < lines.size(); ++k)
      label += fmt::format(R"(<tspan x="{}" dy="{}">{}</tspan>)", label_w - 6, k ? 15 : 0, Esc(lines[k]));
    const double base = yy + 18 - (lines.size() > 1 ? 7 : 0);
    phone += fmt::format(R"(<g><title>{}: {}</title><text x="{}" y="{:.1f}" text-anchor="end">{}</text>)"
                         R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" fill="{}"/>)"
                         R"(<text x="{:.1f}" y="{:.1f}">{}</text></g>)",
                         Esc(b.label), Esc(text), label_w - 6, base, label, x0, yy + 4 + (row - 28) / 2,
                         std::max(x1 - x0, 1.0), 18, fill, x1 + 4, yy + 18 + (row - 28) / 2, Esc(text));
    if (i + 1 < bars.size())  // the connector to the next row
      phone += fmt::format(R"(<line x1="{:.1f}" x2="{:.1f}" y1="{:.1f}" y2="{:.1f}" stroke="#9aa5b1" stroke-dasharray="2,2"/>)",
                           px(b.to), px(b.to), yy + 22 + (row - 28) / 2, yy + row + 4 + (row - 28) / 2);
  }
  phone += "</svg>";
  svg = "<div class=cw>" + svg + "</div><div class=cn>" + phone + "</div>";
  if (cut)
    svg += fmt::format("<p class=sub>{}</p>",
                       Esc(fmt::format(fmt::runtime(Tr(lang, "Bars cut: the axis starts at {}.", "柱形已截断：纵轴从 {} 起。")),
                                       Show(lo, look))));
  return svg;
}

}  // namespace

/// The page with its own font: the glyphs of its text, subset from a CJK
/// font installed here (compiler/report/font_subset.h, docs/fonts.md), as
/// a WOFF2 data: URL first in the font stack, so that a reader without a
/// Chinese font sees the same page. Without an embeddable font the page
/// keeps the font stack alone, and kpic says why on stderr.
std::string WithFont(std::string page) {
  size_t at = page.find(kFontMarker);
  if (at == std::string::npos) return page;
  std::string css, why;
  if (auto font = report::SubsetFontFor(page, &why)) {
    css = report::FontFaceCss(*font) + fmt::format("body,svg text{{font-family:\"{}\",{}}}", font->family, kFontStack);
    if (!font->uncovered.empty())
      std::fprintf(stderr, "kpic: warning: the embedded font %s lacks %zu of the report's characters; readers see them in their own fonts\n",
                   font->family.c_str(), font->uncovered.size());
  } else if (!why.empty() && why.find("no visible non-ASCII") == std::string::npos) {
    std::fprintf(stderr, "kpic: warning: the report embeds no font (%s); it relies on the reader's fonts for its Chinese\n",
                 why.c_str());
  }
  page.replace(at, kFontMarker.size(), css);
  return page;
}

namespace {

/// The target a period's value is compared with: a partial period's is the
/// target for its days (pace), a whole one's the period's.
const Val& PeriodTarget(const engine::GoalPeriod& gp) {
  return engine::DaysTarget(gp);
}

/// A dimension as people read it: its label, the identifier on hover
/// (the identifier alone without a label).
std::string DimHtml(const std::string& dim, const plan::Plan& p) {
  if (auto it = p.dim_labels.find(dim); it != p.dim_labels.end())
    return fmt::format("<span title=\"{}\">{}</span>", Esc(dim), Esc(it->second));
  return Esc(dim);
}

std::optional<double> Num(const Val& v) {
  if (v.null()) return std::nullopt;
  return v.AsDouble();
}

std::string Td(const std::string& s, bool left = false) { return fmt::format("<td{}>{}</td>", left ? " class=l" : "", Esc(s)); }

/// A number's cell: the text shown, and the exact value in data-v for the
/// page's script to sort by (none for null).
std::string TdV(const std::string& s, const Val& v) {
  nlohmann::json j = JsonValue(v);
  if (j.is_null()) return Td(s);
  return fmt::format("<td data-v=\"{}\">{}</td>", Esc(j.is_string() ? j.get<std::string>() : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)), Esc(s));
}
std::string TdV(const std::string& s, std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return Td(s);
  return fmt::format("<td data-v=\"{}\">{}</td>", *v == 0 ? 0.0 : *v, Esc(s));  // never -0
}

std::string MemberText(const engine::DimValue& d, plan::VT t) { return DimText(d, t); }

/// When the page was made, in UTC: SOURCE_DATE_EPOCH when it is set (so
/// that a build can reproduce the page byte for byte), else now.
std::string GeneratedAt() {
  int64_t t = static_cast<int64_t>(std::time(nullptr));
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long v = std::strtoll(e, &end, 10);
    if (end != e && *end == '\0' && v >= 0) t = v;
  }
  int64_t day = t / 86400, sec = t % 86400;
  return fmt::format("{} {:02}:{:02} UTC", rt::FormatDate(static_cast<int32_t>(day)), sec / 3600, sec % 3600 / 60);
}

/// A goal's values over its periods as a small line for its scorecard card.
std::string Sparkline(const engine::GoalResult& g, const Look& look, const plan::Plan& p) {
  std::vector<std::pair<size_t, double>> pts;
  for (size_t i = 0; i < g.periods.size(); ++i)
    if (g.periods[i].has_data && !g.periods[i].value.null()) pts.push_back({i, g.periods[i].value.AsDouble()});
  if (pts.size() < 2) return "";
  double lo = pts[0].second, hi = lo;
  for (const auto& [i, v] : pts) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi == lo) hi = lo + 1;
  // Across all the goal's periods, so that cards of one period line up
  // and data that starts late is seen to; 4 px inside the box, room for a
  // hollow point's ring.
  const double w = 180, h = 32, n = static_cast<double>(g.periods.size() - 1);
  auto xy = [&](size_t i, double v) {
    return fmt::format("{:.1f},{:.1f}", 4 + (w - 8) * static_cast<double>(i) / std::max(n, 1.0),
                       4 + (h - 8) * (1 - (v - lo) / (hi - lo)));
  };
  // A partial last period (its days so far) is drawn as the trend chart
  // draws it: a dotted segment to a hollow point, not a solid drop that
  // reads as a crash.
  const auto& last = g.periods[pts.back().first];
  const bool partial = last.span.partial && last.span.first <= last.span.last;
  // A period without data breaks the line (a straight segment across it
  // read as data); a point between two gaps is a dot.
  std::string lines, tail;
  std::vector<std::string> run;
  auto flush = [&] {
    if (run.size() >= 2) {
      lines += fmt::format(R"(<polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="{}"/>)",
                           fmt::join(run, " "));
    } else if (run.size() == 1) {
      const std::string& a = run[0];
      lines += fmt::format(R"(<circle cx="{}" cy="{}" r="1.5" fill="#0072B2"/>)", a.substr(0, a.find(',')),
                           a.substr(a.find(',') + 1));
    }
    run.clear();
  };
  const size_t solid = partial ? pts.size() - 1 : pts.size();
  for (size_t k = 0; k < solid; ++k) {
    if (k > 0 && pts[k].first != pts[k - 1].first + 1) flush();
    run.push_back(xy(pts[k].first, pts[k].second));
  }
  // The partial last period's point joins the one before only when that
  // is the period just before it.
  const bool joined = partial && pts[pts.size() - 2].first + 1 == pts.back().first;
  flush();
  if (partial) {
    const auto& [pi, pv] = pts[pts.size() - 2];
    const auto& [li, lv] = pts.back();
    std::string a = xy(pi, pv), b = xy(li, lv);
    if (joined)
      tail = fmt::format(R"(<polyline fill="none" stroke="#0072B2" stroke-width="1.5" stroke-dasharray="2 2" points="{} {}"/>)", a, b);
    tail += fmt::format(R"(<circle cx="{}" cy="{}" r="2.5" fill="#fff" stroke="#0072B2" stroke-width="1.2"/>)",
                        b.substr(0, b.find(',')), b.substr(b.find(',') + 1));
  }
  const auto& first = g.periods[pts.front().first];
  return fmt::format(R"(<svg class=spark viewBox="0 0 {} {}" style="width:{}px;height:{}px" role="img" aria-label="sparkline"><title>{} {} – {} {}{}</title>{}{}</svg>)",
                     w, h, w, h, Esc(Label(g.goal->grain, first.period, p)), Esc(Show(first.value, look)),
                     Esc(Label(g.goal->grain, last.period, p)), Esc(Show(last.value, look)),
                     partial ? Esc(p.lang == "zh" ? "（不完整）" : " (partial)") : "", lines, tail);
}

/// How many alerts of one rule are listed before "and N more".
constexpr size_t kAlertsShown = 5;

/// A goal's alerts as a digest: grouped by rule and severity, critical
/// first, each rule's alerts by magnitude (the largest first), the first
/// kAlertsShown listed and the rest folded under "and N more" (a
/// `<details>`, readable without script). With `only`, the alerts of that
/// severity alone.
/// The actions on what the page shows, numbered as the charts mark them:
/// what, on whom, who, when, status and the measured effect in words.
std::string ActionsSection(const std::vector<actions::View>& views, const std::string& lang) {
  auto T = [&](const char* en, const char* zh) { return Tr(lang, en, zh); };
  std::string out = fmt::format("<h2 id=actions>{}</h2><p class=sub>{}</p>", T("Actions", "行动"),
                                T("What was done about these indicators, and whether it worked: each member with an "
                                  "action against the members without one (difference in differences, docs: "
                                  "\"Measuring an action's effect\").",
                                  "针对这些指标采取的行动及其效果：有行动的成员与未行动的成员对比（双重差分，"
                                  "见文档“行动效果的度量”）。"));
  out += fmt::format("<table tabindex=0><tr><th>#</th><th class=l>{}</th><th class=l>{}</th><th class=l>{}</th>"
                     "<th class=l>{}</th><th class=l>{}</th><th class=l>{}</th></tr>",
                     T("action", "行动"), T("on", "对象"), T("by", "负责人"), T("from – to", "起止"),
                     T("status", "状态"), T("measured effect", "测得的效果"));
  for (size_t k = 0; k < views.size(); ++k) {
    const actions::View& v = views[k];
    const actions::Action& a = *v.action;
    std::string on = MemberPhrase(v, lang);
    if (!a.alert.empty()) on += (lang == "zh" ? " · 预警 " : " · alert ") + a.alert;
    out += fmt::format("<tr id=\"act-{}\"><td>{}</td><td class=l title=\"{}\">{}{}</td><td class=l>{}</td>"
                       "<td class=l>{}</td><td class=\"l nw\">{}{}</td><td class=\"l nw\">{}</td><td class=\"l effect\">{}</td></tr>",
                       Esc(a.id), k + 1, Esc(a.id), Esc(a.what),
                       a.expected.empty() ? "" : "<div class=sub>" + Esc(T("expected: ", "预期：") + a.expected) + "</div>",
                       Esc(on), Esc(a.by), Esc(rt::FormatDate(a.start)),
                       a.end ? "<br>– " + Esc(rt::FormatDate(*a.end)) : "", Esc(ActionStatusWord(a.status, lang)),
                       Esc(EffectSentence(v, lang)));
  }
  return out + "</table>";
}

std::string AlertDigest(const engine::GoalResult& g, const plan::Plan& p, const std::vector<actions::View>* views,
                        const char* only = nullptr) {
  AlertGroups groups = GroupAlerts(g.alerts, [&](const engine::FiredAlert& a) { return !only || a.severity == only; });
  std::string out;
  for (const auto& grp : groups) {
    const engine::FiredAlert& first = *grp[0];
    std::string count = AlertCount(grp.size(), p.lang);
    out += fmt::format("<div class=digest><div class=\"alert {}\"><span class=rule>[{}] {}</span> <span class=count>· {}"
                       "</span>{}</div>",
                       Esc(first.severity), Esc(SeverityWord(first.severity, p.lang)), Esc(first.name), count,
                       first.message.empty() ? "" : " <span class=sub>" + Esc(first.message) + "</span>");
    const bool mixed = !g.drill.empty();  // the total says so (as in the terminal)
    auto line = [&](const engine::FiredAlert& a) {
      const Look l = AlertLook(g, a);
      // The actions that answer it (numbered as in the actions table), or
      // that it is open.
      std::string answered;
      for (const actions::View* v : ActionsFor(g, a, p, views))
        answered += fmt::format(" <a class=act href=\"#act-{}\" title=\"{}\">{} {}</a>", Esc(v->action->id),
                                Esc(v->action->what), Tr(p.lang, "action", "行动"), Esc(v->action->id));
      if (answered.empty() && views && !views->empty())
        answered = fmt::format(" <span class=open>{}</span>", Tr(p.lang, "open: no action", "未处理"));
      return fmt::format("<div class=\"alert {}\">{}{} · <b>{}</b>{}</div>", Esc(a.severity),
                         Esc(Label(g.goal->grain, a.period, p)),
                         !a.dim.empty() ? " · " + DimHtml(a.dim, p) + " " + Esc(DimText(a.member, a.dim_type))
                         : mixed        ? " · " + std::string(Tr(p.lang, "total", "合计"))
                                        : std::string(),
                         Esc(AlertValueText(a, l, p.lang)), answered);
    };
    const std::vector<bool> listed = ListedAlerts(grp, kAlertsShown);
    const size_t folded = static_cast<size_t>(std::count(listed.begin(), listed.end(), false));
    for (size_t i = 0; i < grp.size(); ++i)
      if (listed[i]) out += line(*grp[i]);
    if (folded) {
      out += fmt::format("<details><summary>{}</summary>",
                         p.lang == "zh" ? fmt::format("其余 {} 条", folded) : fmt::format("and {} more", folded));
      for (size_t i = 0; i < grp.size(); ++i)
        if (!listed[i]) out += line(*grp[i]);
      out += "</details>";
    }
    out += "</div>";
  }
  return out;
}

/// A report's chart as its kind draws it (HowDrawn: the way it can be
/// drawn, W0015 at check where that is not its kind); its table follows.
std::string ReportChart(const plan::Output& o, const engine::MetricResult& c, const plan::Plan& p) {
  const std::string& lang = p.lang;
  const Look look = LookOf(o.format, o.unit, o.percent);
  const bool time = o.grain != rt::Grain::kAll;
  std::vector<std::pair<std::string, std::optional<double>>> items;
  std::vector<bool> cut;
  for (const auto& row : c.rows) {
    items.push_back({time ? ShownLabel(o.grain, row.period, p) : row.dims.empty() ? std::string()
                                                                                  : DimText(row.dims[0], o.by_types[0]),
                     Num(row.value)});
    cut.push_back(row.span.partial);
  }
  auto bars = [&] {
    // A partial period's bar is marked, as the trend marks its point.
    auto marked = items;
    bool any = false;
    for (size_t i = 0; i < marked.size(); ++i)
      if (time && cut[i]) marked[i].first += "*", any = true;
    return Bars(marked, look, Tr(lang, "bar chart of the values in the table below", "下表数值的条形图"), false) +
           (any ? fmt::format("<div class=legend><span>* {}</span></div>",
                              Tr(lang, "partial: only some of its days", "不完整：只含部分天数"))
                : "");
  };
  auto trend = [&](bool area) {
    std::vector<std::string> labels;
    std::vector<std::optional<double>> values;
    for (const auto& [label, v] : items) labels.push_back(label), values.push_back(v);
    return TrendChart(labels, values, {}, look, lang, cut, {}, {}, area);
  };
  switch (HowDrawn(o).drawn) {
    case Drawn::kTrend:
      return trend(false);
    case Drawn::kArea:
      return trend(true);
    case Drawn::kBars:
      return bars();
    case Drawn::kPie: {
      // A negative part (returns) has no slice: bars, and why.
      std::string why;
      std::string pie = Pie(items, look, lang, &why);
      if (!pie.empty()) return pie;
      return fmt::format("<p class=sub>{}</p>", why) + bars();
    }
    case Drawn::kScorecard: {
      if (items.empty()) return "";
      size_t n = items.size();
      return Scorecard(items[n - 1].first, items[n - 1].second, n > 1 ? items[n - 2].second : std::nullopt,
                       cut[n - 1], n > 1 && cut[n - 2], look, lang);
    }
    case Drawn::kMembers: {
      // The periods in order, and the members with the largest values
      // drawn (every member is in the table).
      std::vector<int64_t> periods;
      std::map<std::string, std::map<int64_t, std::optional<double>>> by_member;
      std::map<int64_t, bool> partial;
      std::map<std::string, double> size;
      for (const auto& row : c.rows) {
        periods.push_back(row.period);
        partial[row.period] = row.span.partial;
        std::string name = DimText(row.dims[0], o.by_types[0]);
        by_member[name][row.period] = Num(row.value);
        if (auto v = Num(row.value)) size[name] += std::fabs(*v);
      }
      std::sort(periods.begin(), periods.end());
      periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
      std::vector<std::string> names;
      for (const auto& [name, _] : by_member) names.push_back(name);
      std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return size[a] > size[b]; });
      const size_t shown = std::min<size_t>(names.size(), std::size(kPalette));
      std::vector<Series> members;
      for (size_t k = 0; k < shown; ++k) {
        Series s{names[k], {}};
        for (int64_t per : periods) {
          auto it = by_member[names[k]].find(per);
          s.values.push_back(it == by_member[names[k]].end() ? std::nullopt : it->second);
        }
        members.push_back(std::move(s));
      }
      std::vector<std::string> labels;
      std::vector<bool> cuts;
      for (int64_t per : periods) labels.push_back(ShownLabel(o.grain, per, p)), cuts.push_back(partial[per]);
      std::string note;
      if (shown < names.size())
        note = fmt::format("<p class=sub>{}</p>",
                           Esc(fmt::format(fmt::runtime(Tr(lang, "The {} largest of {} members; the table lists every one.",
                                                          "图中为最大的 {} 个成员（共 {} 个）；下表列出全部。")),
                                           shown, names.size())));
      return note + MemberTrendChart(labels, members, look, lang, cuts);
    }
    case Drawn::kTable:
      break;
  }
  return "";
}

/// Most charts drawn per metric with --forecast (one per member); the
/// table lists every member.
constexpr size_t kMaxForecastCharts = 12;

/// Per metric and member, the trend with its forecast, and the model used.
std::string ForecastCharts(const plan::Plan& p, const engine::Results& r) {
  std::string out = fmt::format(
      "<h2>{}</h2><p class=sub>{}</p>", Tr(p.lang, "Forecast", "预测"),
      Tr(p.lang,
         "Exponential smoothing of the complete periods; the dashed line is the forecast and the shaded band its 80% "
         "prediction interval (the table also gives the 95% one). Forecasts are estimates, rounded for display.",
         "基于完整期间的指数平滑；虚线为预测，阴影为 80% 预测区间（表中另有 95% 区间）。预测为估计值，显示时已取整。"));
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
        for (size_t i = 0; i < n; ++i) labels[i] = ShownLabel(o.grain, first + static_cast<int64_t>(i), p);
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
        out += TrendChart(labels, values, {}, LookOf(o.format, o.unit, o.percent), p.lang, cut, band);
      }
      out += "<p class=sub>" + Esc(ModelText(fm, o, p)) + "</p>";
    }
    if (drawn > kMaxForecastCharts)
      out += fmt::format(fmt::runtime(Tr(p.lang, "<p class=sub>charts for the first {} of {} members; the table lists every forecast</p>",
                                         "<p class=sub>图表只画前 {} 个成员（共 {} 个）；表格列出全部预测</p>")),
                         kMaxForecastCharts, drawn);
  }
  return out;
}

}  // namespace

std::string Html(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  const std::string& title = ctx.title;
  const std::string& lang = p.lang;
  auto T = [&](const char* en, const char* zh) { return Tr(lang, en, zh); };
  auto F = [&](const char* en, const char* zh) { return fmt::runtime(Tr(lang, en, zh)); };
  std::string out = fmt::format("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">",
                                lang == "zh" ? "zh-CN" : "en");
  // The page's own script, allowed by its hash (output/csp.h); the page is
  // whole without it.
  out += HtmlCspWithScript(ReportScript());
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  // The embedded font's @font-face goes where the marker is, once the
  // page's text is known (at the end).
  // Under a role, the parameters' values name whom the page is for: each
  // page of a burst had the same title (store probe, 2026-12-07).
  std::string role_params, member;
  if (!p.role.empty() && ctx.stamp && ctx.stamp->contains("request") && (*ctx.stamp)["request"].contains("params"))
    for (const auto& kv : (*ctx.stamp)["request"]["params"])
      if (kv.is_string()) {
        std::string v = kv.get<std::string>();
        role_params += (role_params.empty() ? "" : ", ") + v;
        member += (member.empty() ? "" : ", ") + v.substr(v.find('=') + 1);
      }
  std::string page_title = member.empty() ? title : title + " · " + member;
  out += fmt::format("<title>{}</title><style>{}{}{}</style></head><body>", Esc(page_title), kStyle, ReportStyle(),
                     kFontMarker);
  // What this is, in one block computed under the role: the title, the
  // periods shown, the as-of date, when and by which kpic it was made, and
  // who it is for (the role and its parameters).
  out += fmt::format("<header class=meta><h1>{}</h1><div class=sub>{}", Esc(title), T("KPI report", "指标报告"));
  {
    std::vector<std::string> spans;
    auto add = [&](rt::Grain grain, int64_t first, int64_t last) {
      std::string s = first == last ? ShownLabel(grain, first, p)
                                    : ShownLabel(grain, first, p) + " – " + ShownLabel(grain, last, p);
      if (std::find(spans.begin(), spans.end(), s) == spans.end()) spans.push_back(s);
    };
    for (const auto& g : r.goals)
      if (!g.periods.empty()) add(g.goal->grain, g.periods.front().period, g.periods.back().period);
    // And the charts': a trend from 2025-01 under a header that said
    // 2026 only (store probe, 2026-12-07).
    for (const auto* list : {&r.metrics, &r.charts})
      for (const auto& m : *list)
        if (!m.rows.empty() && m.output->grain != rt::Grain::kAll) {
          int64_t lo = m.rows.front().period, hi = lo;
          for (const auto& row : m.rows) lo = std::min(lo, row.period), hi = std::max(hi, row.period);
          add(m.output->grain, lo, hi);
        }
    std::string joined;
    for (const auto& s : spans) joined += (joined.empty() ? "" : ", ") + s;
    if (!joined.empty()) out += fmt::format(" · {} {}", T("periods", "期间"), Esc(joined));
  }
  if (r.as_of) out += std::string(T(" · data as of ", " · 数据截至 ")) + rt::FormatDate(*r.as_of);
  out += fmt::format(" · {} <time id=kpic-made>{}</time>", T("made", "生成于"), GeneratedAt());
  if (ctx.stamp && ctx.stamp->contains("kpic")) out += " · kpic " + Esc(ctx.stamp->value("kpic", std::string()));
  out += "</div>";
  // Who the page is for: the role and its parameters (what the numbers are
  // limited to).
  if (!p.role.empty()) {
    // The role as its readers know it: its label, the identifier after it
    // (the identifier alone read as code: store probe, 2026-12-07).
    std::string who = p.role_label.empty() ? Esc(p.role)
                                            : Esc(p.role_label) + " <span class=sub>" + Esc(p.role) + "</span>";
    out += fmt::format(F("<div class=who>for role <b>{}</b>{}: only the rows this role may see</div>",
                         "<div class=who>角色 <b>{}</b>{}：仅含该角色可见的数据</div>"),
                       who, role_params.empty() ? "" : " · " + Esc(role_params));
  }
  out += "</header>";
  // Critical alerts of every goal first, in red.
  {
    std::string crit;
    for (const auto& g : r.goals) {
      std::string digest = AlertDigest(g, p, ctx.actions, "critical");
      if (!digest.empty())
        crit += fmt::format("<div class=sub title=\"{}\">{}</div>", Esc(g.goal->name),
                            Esc(g.goal->label.empty() ? g.goal->name : g.goal->label)) +
                digest;
    }
    if (!crit.empty()) out += fmt::format("<h2>{}</h2>", T("Critical alerts", "严重预警")) + crit;
  }
  // A period's label, with its days when it is partial.
  auto plabel = [&](rt::Grain g, int64_t period, const engine::Span& sp) {
    std::string l = Esc(ShownLabel(g, period, p));  // 全部, not `all`, in Chinese
    if (sp.partial && sp.first <= sp.last)
      l += fmt::format(" <span class=partial>{} <span class=nw>{}</span> – <span class=nw>{}</span></span>", T("partial", "不完整"), rt::FormatDate(sp.first),
                       rt::FormatDate(sp.last));
    return l;
  };
  auto att_text = [&](const engine::GoalPeriod& gp) {
    return gp.has_attainment ? RatioText(gp.attainment)
           : gp.has_pace     ? std::string(T("pace", "进度")) + " " + RatioText(gp.pace)
                             : std::string("—");
  };
  auto status = [&](const std::string& st) {
    return fmt::format("<span class=\"status {}\">{}</span>", ContractStatus(st), Esc(StatusWord(st, lang)));
  };
  if (!r.goals.empty()) {
    out += fmt::format("<h2>{}</h2><div class=cards>", T("Scorecard", "目标记分卡"));
    for (const auto& g : r.goals) {
      const engine::GoalPeriod* last = nullptr;
      for (const auto& gp : g.periods)
        if (gp.has_data) last = &gp;
      out += fmt::format("<div class=\"card {}\"><div><b>{}</b> <span class=sub>{}</span></div>", ContractStatus(g.status),
                         Esc(g.goal->label.empty() ? g.goal->name : g.goal->label), Esc(g.goal->name));
      if (last) {
        const Look look = LookOf(g.goal->format, g.goal->unit, g.goal->percent);
        // A goal of several periods is judged on its progress to date (its
        // status): the card shows that, not its latest period's numbers.
        const bool to_date = g.periods.size() > 1 && g.has_progress && !g.goal->target_per_period;
        const Val& v = to_date ? g.to_date : last->value;
        const Val& tv = to_date && g.complete && !g.target_total.null() ? g.target_total
                        : to_date                                ? g.target_to_date
                        : last->span.partial && last->has_pace ? last->pace_target
                                                               : last->target;
        std::string att = att_text(*last);
        if (to_date) {
          Val a = Attainment(plan::LowerIsBetter(g.goal->cmp), v, tv);
          att = a.null() ? "—" : RatioText(a.AsDouble());
        }
        std::string when = plabel(g.goal->grain, last->period, last->span);
        if (to_date && g.complete)
          when = (lang == "zh" ? "全期 " : "whole period, ") + Label(g.goal->grain, g.periods.front().period, p) +
                 " – " + Label(g.goal->grain, g.periods.back().period, p);
        else if (to_date)
          when = lang == "zh" ? "累计至 " + when : "to date, through " + when;
        // The target's number and its 万 stay on one line on a phone.
        out += fmt::format("<div class=v title=\"{}\">{}</div><div class=s>{} · {} <span class=nw title=\"{}\">{}</span> · {}</div>",
                           Esc(Show(v, look)), Esc(v.null() ? "—" : ShowCompact(v.AsDouble(), look, lang)), when,
                           T("target", "目标"), Esc(Show(tv, look)),
                           Esc(tv.null() ? "—" : ShowCompact(tv.AsDouble(), look, lang)), Esc(att));
        out += Sparkline(g, look, p);
      }
      if (g.forecast.has && std::isfinite(g.forecast.outlook.probability))
        out += fmt::format(F("<div class=s>forecast: {} chance of meeting the target · {}</div>",
                             "<div class=s>预测：达成概率 {} · {}</div>"),
                           Esc(ChanceText(g.forecast.outlook.probability)), Esc(StatusWord(g.forecast.Status(), lang)));
      out += fmt::format("<div>{}{}</div></div>", status(g.status),
                         g.goal->owner.empty() ? "" : fmt::format(" <span class=sub>{} {}</span>", T("owner", "负责人"),
                                                                  Esc(g.goal->owner)));
    }
    out += "</div>";
  }
  for (const auto& g : r.goals) {
    bool pct = g.goal->percent;
    const Look look = LookOf(g.goal->format, g.goal->unit, pct);
    out += fmt::format("<h2>{} <span class=sub>{} · {}</span></h2>", Esc(g.goal->label.empty() ? g.goal->name : g.goal->label),
                       Esc(g.goal->name),
                       g.goal->metric_label.empty()
                           ? Esc(g.goal->metric)
                           : fmt::format("<span title=\"{}\">{}</span>", Esc(g.goal->metric), Esc(g.goal->metric_label)));
    std::vector<std::string> labels;
    std::vector<std::optional<double>> values, targets;
    std::vector<bool> cut;
    for (const auto& gp : g.periods) {
      labels.push_back(Label(g.goal->grain, gp.period, p));
      values.push_back(gp.has_data ? Num(gp.value) : std::nullopt);
      // A partial period: its value against the target for the same days.
      bool partial = gp.span.partial && gp.span.first <= gp.span.last;
      cut.push_back(partial);
      targets.push_back(Num(engine::DaysTarget(gp)));
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
    // The actions on this goal, where they began.
    std::vector<Marker> marks;
    if (ctx.actions && !g.periods.empty())
      for (size_t k = 0; k < ctx.actions->size(); ++k) {
        const actions::View& v = (*ctx.actions)[k];
        const actions::Action& a = *v.action;
        if (a.status == "dropped" || (a.goal != g.goal->name && !(a.goal.empty() && v.metric == g.goal->metric)))
          continue;
        int64_t period = rt::PeriodOf(g.goal->grain, a.start, p.calendar);
        int32_t first = rt::PeriodStart(g.goal->grain, period, p.calendar);
        int32_t next = rt::PeriodEnd(g.goal->grain, period, p.calendar);
        double at = static_cast<double>(period - g.periods.front().period) +
                    (next > first ? static_cast<double>(a.start - first) / (next - first) : 0.0);
        if (at < 0 || at > static_cast<double>(g.periods.size() - 1)) continue;
        marks.push_back({at, std::to_string(k + 1),
                         fmt::format("{} {} · {} · {}", T("action", "行动"), a.id, rt::FormatDate(a.start), a.what)});
      }
    out += fmt::format("<h3>{}</h3>", T("Trend", "趋势")) +
           TrendChart(labels, values, targets, look, lang, cut, band, marks);
    out += fmt::format("<table tabindex=0 data-periods={}><tr><th class=l>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=l>{}</th></tr>",
                       GoalId(static_cast<size_t>(&g - r.goals.data())), T("period", "期间"), T("value", "实际"),
                       T("target", "目标"), T("attainment", "达成率"), T("status", "状态"));
    for (size_t i = 0; i < g.periods.size(); ++i) {
      const auto& gp = g.periods[i];
      // A partial period against the target for its days.
      auto [value, target] = ShowApart(gp.value, PeriodTarget(gp), look);
      out += fmt::format("<tr data-p={}><td class=l>{}</td>{}{}{}<td class=l>{}</td></tr>", i,
                         plabel(g.goal->grain, gp.period, gp.span), TdV(value, gp.value), TdV(target, PeriodTarget(gp)),
                         TdV(att_text(gp), gp.has_attainment ? std::optional<double>(gp.attainment)
                                           : gp.has_pace     ? std::optional<double>(gp.pace)
                                                             : std::nullopt),
                         status(gp.status));
    }
    out += "</table>";
    if (g.has_progress) out += "<p class=sub>" + Esc(ProgressSentence(g, look, p)) + "</p>";
    for (const auto& gp : g.periods)
      if (gp.span.partial && gp.span.first <= gp.span.last && gp.has_pace)
        out += fmt::format(F("<p class=sub>{} is partial ({} – {}): its value is for those days, compared with the same "
                             "days of other periods; pace compares it with the target for those days, {}.</p>",
                             "<p class=sub>{} 不完整（{} – {}）：其值只含这些天，与其他期间的同期天数比较；进度与这些天的目标 {} 比较。</p>"),
                           Esc(Label(g.goal->grain, gp.period, p)), rt::FormatDate(gp.span.first),
                           rt::FormatDate(gp.span.last), Esc(Show(gp.pace_target, look)));
    if (g.forecast.has) {
      const engine::GoalOutlook& o = g.forecast;
      std::string st = o.Status();
      // Without a chance: no target to compare with, or a chance unknown
      // (the badge said "unknown" in English in a Chinese report).
      if (st == "unknown") st = std::isfinite(o.target) ? "unknown" : "no_target";
      out += fmt::format("<h3>{} <span class=\"status {}\">{}</span></h3>", T("Forecast", "预测"),
                         st == "on_track" ? "met" : st == "at_risk" ? "at_risk" : st == "off_track" ? "missed" : "no_data",
                         Esc(StatusWord(st, lang)));
      out += fmt::format("<p>{}</p>", Esc(OutlookSentence(o, look, p)));
      if (o.partial) out += fmt::format("<p class=sub>{}</p>", Esc(InProgressSentence(o, g.goal->grain, look, p)));
      out += fmt::format(fmt::runtime(lang == "zh" ? "<p class=sub>模型 {}：{}</p>" : "<p class=sub>model {}: {}</p>"),
                         Esc(o.fit.ModelName()), Esc(o.fit.Why(lang)));
      out += fmt::format("<table tabindex=0><tr><th class=l>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", T("period", "期间"),
                         T("forecast", "预测"), T("80% interval", "80% 区间"), T("95% interval", "95% 区间"));
      for (size_t i = 0; i < o.path.mean.size(); ++i)
        out += fmt::format("<tr><td class=l>{}</td>{}{}{}</tr>",
                           Esc(Label(g.goal->grain, o.from + static_cast<int64_t>(i), p)) +
                               (o.partial && i == 0 ? fmt::format(" <span class=sub>{}</span>", T("whole period", "全期"))
                                                    : std::string()),
                           TdV(Show(o.path.mean[i], look), std::optional<double>(o.path.mean[i])),
                           TdV(Show(o.path.lo80[i], look) + " – " + Show(o.path.hi80[i], look),
                               std::optional<double>(o.path.lo80[i])),
                           TdV(Show(o.path.lo95[i], look) + " – " + Show(o.path.hi95[i], look),
                               std::optional<double>(o.path.lo95[i])));
      out += "</table>";
      for (const auto& dr : g.drill) {
        if (!dr.at_risk.empty())
          out += "<p class=sub>" + AtRiskHeading(dr, DimHtml(dr.drill->dim, p), lang) + Esc(AtRiskText(dr)) + "</p>";
      }
    }
    if (g.compared && !g.decomposition.empty()) {
      out += fmt::format("<h3>{} ({})</h3>", T("Decomposition", "指标分解"), Esc(ComparedPhrase(g, p)));
      for (const auto& d : g.decomposition) {
        std::string opening = OpeningPhrase(d, p);
        out += fmt::format("<p><b>{}</b> = {}{} {}</p>", Esc(d.node->name), Esc(d.node->formula),
                           opening.empty() ? "" : " <span class=sub>" + Esc(opening) + "</span>",
                           d.holds ? "" : fmt::format("<span class=gap>{}</span>", Esc(IdentityNote(d, p))));
        out += fmt::format("<table tabindex=0><tr><th class=l>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", T("driver", "驱动因素"),
                           T("now", "本期"), T("before", "上期"), T("contribution", "贡献"));
        std::vector<std::pair<std::string, std::optional<double>>> bars;
        const std::vector<engine::Val> contributions = ShownContributions(d, look);
        for (size_t i = 0; i < d.terms.size(); ++i) {
          const auto& t = d.terms[i];
          const auto& term = d.node->terms[i];
          std::string sign = term.sign < 0 ? (d.node->kind == plan::GoalPlan::Decomposition::Kind::kAdditive ? "− " : "÷ ") : "";
          std::string shown = sign + (static_cast<int>(i) == d.node->opening ? T("opening ", "期初 ") : "") +
                              (term.label.empty() ? term.text : term.label);
          const Look tl = LookOf(term.format, term.unit, term.percent);
          // The label, with the identifier on hover.
          out += fmt::format("<tr><td class=l title=\"{}\">{}</td>{}{}{}</tr>", Esc(term.text), Esc(shown),
                             TdV(Show(t.value, tl), t.value), TdV(Show(t.previous, tl), t.previous),
                             TdV(ShowChange(contributions[i], look), t.contribution));
          if (static_cast<int>(i) != d.node->opening) bars.push_back({shown, Num(t.contribution)});  // the opening is the bar before
        }
        out += fmt::format("<tr class=total><td class=l title=\"{}\"><b>{}</b></td>{}{}{}</tr></table>", Esc(d.node->name),
                           Esc(d.node->name == g.goal->metric && !g.goal->metric_label.empty() ? g.goal->metric_label
                                                                                                : d.node->name),
                           Td(Show(d.value, look)),
                           Td(Show(d.previous, look)), Td(ShowChange(engine::Sub(d.value, d.previous), look)));
        // A partial period is compared with the same days of the one
        // before: the bars say so (`2026-11` beside the table's whole
        // November read as the month's total).
        // A bridge opens from the balance on the day before the span.
        const bool cut = g.through_span.partial && g.through_span.first <= g.through_span.last;
        out += Waterfall(d.opening_day ? rt::FormatDate(*d.opening_day) + Tr(lang, " (opening)", "（期初）")
                         : Label(g.goal->grain, g.previous_period, p) + (cut ? Tr(lang, " (same days)", "（同期）") : ""),
                         Num(d.previous), bars,
                         Label(g.goal->grain, g.period, p) + (cut ? Tr(lang, " (to date)", "（截至目前）") : ""),
                         Num(d.value), look, lang);
      }
    }
    if (g.compared)
      for (const auto& dr : g.drill) {
        const size_t gi = static_cast<size_t>(&g - r.goals.data()), di = static_cast<size_t>(&dr - g.drill.data());
        size_t listed = 0;  // the member's index in ListedMembers (its drill-through id)
        out += fmt::format(F("<h3>Drill-down by {} (change {}, {} members)</h3>", "<h3>按{}下钻（变化 {}，{} 个成员）</h3>"),
                           DimHtml(dr.drill->dim, p), Esc(ComparedPhrase(g, p)), dr.members);
        std::vector<std::pair<std::string, std::optional<double>>> bars;
        bool fx = !dr.top.empty() && dr.top[0].has_effects;
        // class drill: on a phone the before and target columns give way,
        // so that the change and the attainment are on screen (they were
        // past its edge: reader's probe, 2026-12-07).
        out += fmt::format("<table class=drill tabindex=0><tr><th class=l>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>",
                           dr.drill->label.empty() ? Esc(dr.drill->dim) : Esc(dr.drill->label), T("now", "本期"),
                           T("before", "上期"), T("change", "变化"), T("target", "目标"), T("attainment", "达成率"));
        out += fx ? fmt::format("<th>{}</th><th>{}</th></tr>", T("mix", "结构效应"), T("rate", "比率效应")) : "</tr>";
        auto row = [&](const engine::DrillResult::Member& m) {
          out += fmt::format("<tr><td class=l data-m={}>{}</td>{}{}{}{}{}{}</tr>", MemberId(gi, di, listed++),
                             Esc(MemberText(m.member, dr.drill->type)), TdV(Show(m.value, look), m.value),
                             TdV(Show(m.previous, look), m.previous), TdV(ShowChange(m.change, look), m.change),
                             TdV(Show(m.target, look), m.target),
                             TdV(m.has_attainment ? RatioText(m.attainment) : "—",
                                 m.has_attainment ? std::optional<double>(m.attainment) : std::nullopt),
                             m.has_effects ? TdV(ShowChange(m.mix, look), std::optional<double>(m.mix)) +
                                                 TdV(ShowChange(m.rate, look), std::optional<double>(m.rate))
                                           : std::string());
          bars.push_back({MemberText(m.member, dr.drill->type), Num(m.change)});
        };
        for (const auto& m : dr.top) row(m);
        for (auto it = dr.bottom.rbegin(); it != dr.bottom.rend(); ++it) row(*it);
        out += "</table>" + Bars(bars, look, Tr(lang, "bar chart of the changes in the table above", "上表变化的条形图"));
        if (!dr.best.empty()) {
          auto names = [&](const std::vector<engine::DrillResult::Member>& ms) {
            std::string s;
            for (const auto& m : ms)
              s += (s.empty() ? "" : ", ") + MemberText(m.member, dr.drill->type) + " " + RatioText(m.attainment);
            return Esc(s);
          };
          // Every member is listed: one list, highest first. With six
          // stores and five on each side, "highest" listed the
          // second-lowest (reader's probe, 2026-12-07).
          if (dr.worst.empty() || dr.best.size() + dr.worst.size() >= dr.rated) {
            std::vector<engine::DrillResult::Member> all = dr.best;
            for (auto it = dr.worst.rbegin(); it != dr.worst.rend(); ++it)
              if (all.size() < dr.rated) all.push_back(*it);
            out += fmt::format(F("<p class=sub>by attainment, highest first: {}</p>", "<p class=sub>按达成率从高到低：{}</p>"),
                               names(all));
          }
          else
            out += fmt::format(F("<p class=sub>highest attainment: {}<br>lowest attainment: {}</p>",
                                 "<p class=sub>达成率最高：{}<br>达成率最低：{}</p>"),
                               names(dr.best), names(dr.worst));
        }
      }
    out += fmt::format("<h3>{}</h3>", T("Alerts", "预警"));
    if (g.alerts.empty()) out += fmt::format("<p class=sub>{}</p>", T("no alert fired", "无预警"));
    out += AlertDigest(g, p, ctx.actions);
  }
  if (ctx.actions && !ctx.actions->empty()) out += ActionsSection(*ctx.actions, lang);
  if (!r.charts.empty()) out += fmt::format("<h2>{}</h2>", T("Charts", "图表"));
  for (const auto& c : r.charts) {
    const plan::Output& o = *c.output;
    out += fmt::format("<h3>{}{} <span class=sub>{}{}</span></h3>", Esc(o.label.empty() ? o.metric : o.label),
                       o.by.empty() ? "" : std::string(T(" by ", " · 按")) + DimHtml(o.by[0], p), Esc(o.formula),
                       // `percent` is a word of the language, not a unit to show: `%`.
                       o.unit.empty() || o.unit == "1" ? "" : " · " + Esc(o.percent || o.unit == "percent" ? "%" : o.unit));
    // A chart over the whole window says which days that is: "全部" alone,
    // under a header of 2026, was two years of data (store probe,
    // 2026-12-07).
    if (o.grain == rt::Grain::kAll) {
      std::string to = r.as_of ? rt::FormatDate(*r.as_of) : std::string();
      if (p.to_day && (!r.as_of || *p.to_day - 1 < *r.as_of)) to = rt::FormatDate(*p.to_day - 1);
      std::string span = p.from_day ? fmt::format(fmt::runtime(T("{} to {}", "{} 至 {}")), rt::FormatDate(*p.from_day), to)
                                    : fmt::format(fmt::runtime(T("all the data through {}", "截至 {} 的全部数据")), to);
      if (!to.empty() || p.from_day) out += fmt::format("<p class=sub>{}</p>", Esc(span));
    }
    out += ReportChart(o, c, p);
    out += fmt::format("<table tabindex=0><tr><th class=l>{}</th>", T("period", "期间"));
    for (const auto& d : o.by) out += "<th class=l>" + DimHtml(d, p) + "</th>";
    out += fmt::format("<th>{}</th></tr>", T("value", "值"));
    for (const auto& row : c.rows) {
      out += "<tr><td class=l>" + plabel(o.grain, row.period, row.span) + "</td>";
      for (size_t d = 0; d < o.by.size(); ++d) out += Td(DimText(row.dims[d], o.by_types[d]), true);
      out += TdV(Show(row.value, LookOf(o.format, o.unit, o.percent)), row.value) + "</tr>";
    }
    out += "</table>";
  }
  if (!r.metrics.empty()) {
    bool forecast = false;
    for (const auto& m : r.metrics) forecast = forecast || m.horizon > 0;
    if (forecast) out += ForecastCharts(p, r);
    out += fmt::format("<h2>{}</h2><table tabindex=0><tr><th class=l>{}</th><th class=l>{}</th>", T("Metrics", "指标"),
                       T("metric", "指标"), T("period", "期间"));
    for (const auto& d : p.by) out += "<th class=l>" + DimHtml(d, p) + "</th>";
    out += forecast ? fmt::format("<th>{}</th><th>{}</th><th>{}</th></tr>", T("value", "值"), T("80% interval", "80% 区间"),
                                  T("95% interval", "95% 区间"))
                    : fmt::format("<th>{}</th></tr>", T("value", "值"));
    for (const auto& m : r.metrics) {
      std::string name = m.output->metric + (m.output->label.empty() ? "" : " " + m.output->label);
      const Look ml = LookOf(m.output->format, m.output->unit, m.output->percent);
      for (const auto& row : m.rows) {
        out += "<tr>" + Td(name, true) + "<td class=l>" + plabel(p.grain, row.period, row.span) + "</td>";
        for (size_t d = 0; d < p.by.size(); ++d) out += Td(DimText(row.dims[d], p.by_types[d]), true);
        out += TdV(Show(row.value, ml), row.value) + (forecast ? "<td></td><td></td>" : "") + "</tr>";
      }
      for (const auto& f : m.forecast) {
        out += "<tr class=fc>" + Td(name, true) + "<td class=l>" + Esc(Label(p.grain, f.period, p)) +
               fmt::format(" <span class=partial>{}</span></td>", T("forecast", "预测"));
        for (size_t d = 0; d < p.by.size(); ++d) out += Td(DimText(f.dims[d], p.by_types[d]), true);
        auto range = [&](double a, double b) {
          return std::isnan(a) ? std::string("—") : Show(a, ml) + " – " + Show(b, ml);
        };
        out += TdV(Show(f.value, ml), std::optional<double>(f.value)) +
               TdV(range(f.lo80, f.hi80), std::optional<double>(f.lo80)) +
               TdV(range(f.lo95, f.hi95), std::optional<double>(f.lo95)) + "</tr>";
      }
    }
    out += "</table>";
  }
  if (!r.warnings.empty()) {
    // Data warnings are kept apart from the alerts, and folded.
    out += fmt::format("<h2>{}</h2><details><summary>{}</summary>", T("Data warnings", "数据警告"),
                       lang == "zh" ? fmt::format("{} 条数据警告，展开查看", r.warnings.size())
                                    : fmt::format("{} warning{} about the data; open to read", r.warnings.size(),
                                                  r.warnings.size() == 1 ? "" : "s"));
    for (const auto& w : r.warnings)
      out += "<div class=alert>" + Esc(w.code + ": " + (lang == "zh" && !w.zh.empty() ? w.zh : w.message)) + "</div>";
    out += "</details>";
  }
  // The drill-through data (report_members.h), then the page's script;
  // before the footer, which `kpic verify` requires to end the page.
  std::string members = MembersJson(p, r, [&](const auto& labels, const auto& values, const auto& targets,
                                             const Look& look, const auto& cut) {
    return TrendChart(labels, values, targets, look, lang, cut);
  });
  if (!members.empty()) out += "<script type=\"application/json\" id=kpic-members>" + members + "</script>";
  out += InlineScript(ReportScript());
  if (ctx.stamp) {
    // The stamp: what made these numbers, for `kpic verify` (it reads the
    // escaped JSON of #kpic-stamp back).
    const nlohmann::ordered_json& st = *ctx.stamp;
    size_t defs = st.contains("definitions") ? st["definitions"].value("metrics", nlohmann::ordered_json::object()).size() : 0;
    size_t srcs = st.contains("data") ? st["data"].size() : 0;
    out += std::string(kFooterOpen) +
           fmt::format(F("Made by kpic {} on {} from {} metric definition(s) and {} source(s), fingerprinted: <code>kpic "
                         "verify</code> this file to check that its numbers still stand</summary><pre id=kpic-stamp>{}"
                         "</pre></details></footer>",
                         "由 kpic {} 于 {} 生成，依据 {} 个指标定义和 {} 个数据源，均有指纹：对本文件运行 <code>kpic "
                         "verify</code> 可核对数字是否仍然成立</summary><pre id=kpic-stamp>{}</pre></details></footer>"),
                       Esc(st.value("kpic", std::string())), GeneratedAt(), defs, srcs, Esc(st.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
  }
  out += "</body></html>\n";
  return WithFont(std::move(out));
}

}  // namespace kpic::output
