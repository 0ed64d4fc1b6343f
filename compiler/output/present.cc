// The presentation layer (present.h): numbers as people read them.
#include "output/present.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "ir/unit.h"
#include "output/values.h"
#include "output/words.h"
#include "plan/plan.h"

namespace kpic::output {

namespace {

/// Currency signs shown before the amount; other currencies get their
/// ISO code after it (`1,234 KRW`), which no reader can mistake.
const std::map<std::string, std::string>& Signs() {
  static const std::map<std::string, std::string> kSigns = {
      {"CNY", "¥"}, {"RMB", "¥"}, {"USD", "$"}, {"EUR", "€"}, {"GBP", "£"}, {"JPY", "JP¥"}, {"HKD", "HK$"}};
  return kSigns;
}

const std::map<std::string, std::string>& DurationSuffixes() {
  static const std::map<std::string, std::string> kSuffixes = {
      {"second", " s"}, {"minute", " min"}, {"hour", " h"}, {"day", " d"}, {"week", " wk"}};
  return kSuffixes;
}

std::string Grouped(std::string whole) {
  for (int k = static_cast<int>(whole.size()) - 3; k > 0; k -= 3) whole.insert(static_cast<size_t>(k), ",");
  return whole;
}

std::string Digits(unsigned __int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

/// Decimals for a number whose look does not fix them.
int AdaptiveDecimals(double shown, bool percent) {
  double a = std::fabs(shown);
  if (percent) return a < 10 ? 2 : 1;
  if (a != 0 && a < 0.01) return 4;
  return 2;
}

}  // namespace

Look PercentLook() { return LookOf("", "percent", true); }

Look LookOf(const std::string& format, const std::string& unit, bool percent) {
  Look l;
  if (!format.empty()) {
    std::string why;
    if (auto f = ParseNumberFormat(format, &why)) {
      l.f = *f;
      l.pattern = true;
      return l;
    }
  }
  l.f.grouping = true;
  if (percent || unit == "percent") {
    l.f.percent = true;
    l.f.decimals = 1;
    return l;
  }
  size_t slash = unit.find('/');
  std::string num = unit.substr(0, slash);
  if (IsCurrencyName(num)) {
    l.fixed = true;
    l.f.decimals = plan::MinorUnit(num);
    auto it = Signs().find(num);
    if (it != Signs().end())
      l.f.prefix = it->second;
    else
      l.f.suffix = " " + num;
    return l;
  }
  if (slash == std::string::npos) {
    if (auto it = DurationSuffixes().find(num); it != DurationSuffixes().end()) {
      l.fixed = true;
      l.f.decimals = 1;
      l.f.suffix = it->second;
      return l;
    }
  }
  Unit u = Unit::Named(num);
  if (slash == std::string::npos && !num.empty() && num != "1" && u.OnlyCounts()) {
    l.count = true;
    return l;
  }
  if (!unit.empty() && unit != "1" && !Unit::Named(unit).OnlyCounts()) l.f.suffix = " " + unit;
  return l;
}

std::string Show(double v, const Look& l) {
  if (!std::isfinite(v)) return "—";
  NumberFormat f = l.f;
  if (!l.pattern && !l.fixed) f.decimals = AdaptiveDecimals(f.percent ? v * 100 : v, f.percent);
  return ApplyNumberFormat(f, v);
}

std::string Show(const engine::Val& v, const Look& l) {
  if (v.null()) return "—";
  if (!v.exact() || l.f.percent) return Show(v.AsDouble(), l);
  int d = l.pattern || l.fixed ? l.f.decimals : l.count && v.scale == 0 ? 0 : v.scale;
  bool negative = v.i < 0;
  unsigned __int128 mag = negative ? static_cast<unsigned __int128>(-(v.i + 1)) + 1 : static_cast<unsigned __int128>(v.i);
  if (d >= v.scale) {
    for (int k = v.scale; k < d; ++k) mag *= 10;
  } else {
    unsigned __int128 q = 1;
    for (int k = d; k < v.scale; ++k) q *= 10;
    unsigned __int128 r = mag % q;
    mag /= q;
    if (r * 2 >= q) ++mag;  // half away from zero
  }
  std::string digits = Digits(mag);
  if (d > 0 && static_cast<int>(digits.size()) <= d) digits.insert(0, static_cast<size_t>(d + 1) - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - static_cast<size_t>(d));
  std::string frac = d > 0 ? "." + digits.substr(digits.size() - static_cast<size_t>(d)) : "";
  if (l.f.grouping) whole = Grouped(whole);
  return (negative && mag != 0 ? "−" : "") + l.f.prefix + whole + frac + l.f.suffix;
}

std::string RatioText(double r) {
  std::string s = fmt::format("{:.1f}%", r * 100);
  return r < 1 && s == "100.0%" ? "99.9%" : s;
}

std::pair<std::string, std::string> ShowApart(const engine::Val& v, const engine::Val& t, const Look& l) {
  std::string a = Show(v, l), b = Show(t, l);
  if (a != b || v.null() || t.null()) return {a, b};
  double x = v.AsDouble(), y = t.AsDouble();
  if (!std::isfinite(x) || !std::isfinite(y) || x == y) return {a, b};
  NumberFormat f = l.f;
  int d0 = l.pattern || l.fixed ? l.f.decimals : AdaptiveDecimals(f.percent ? x * 100 : x, f.percent);
  for (int d = d0 + 1; d <= d0 + 3; ++d) {
    f.decimals = d;
    a = ApplyNumberFormat(f, x), b = ApplyNumberFormat(f, y);
    if (a != b) break;
  }
  return {a, b};
}

std::string ShowChange(double v, const Look& l) {
  if (!std::isfinite(v)) return "—";
  if (l.f.percent) {
    // A change of a percentage is in percentage points.
    NumberFormat f;
    f.grouping = true;
    f.decimals = l.pattern ? l.f.decimals : AdaptiveDecimals(v * 100, true);
    f.suffix = " pp";
    std::string s = ApplyNumberFormat(f, v * 100);
    return v > 0 && s.find_first_of("123456789") != std::string::npos ? "+" + s : s;
  }
  std::string s = Show(v, l);
  return v > 0 && s.find_first_of("123456789") != std::string::npos ? "+" + s : s;
}

std::string ShowChange(const engine::Val& v, const Look& l) {
  if (v.null()) return "—";
  if (!v.exact() || l.f.percent) return ShowChange(v.AsDouble(), l);
  std::string s = Show(v, l);
  return v.i > 0 && s.find_first_of("123456789") != std::string::npos ? "+" + s : s;
}

std::vector<engine::Val> ShownContributions(const engine::DecompositionResult& d, const Look& total) {
  std::vector<engine::Val> out;
  for (const auto& t : d.terms) out.push_back(t.contribution);
  const engine::Val change = engine::Sub(d.value, d.previous);
  if (!(total.fixed || total.pattern) || total.f.percent || total.f.decimals > 6 || !d.holds || change.null() ||
      out.empty())
    return out;
  const double unit = std::pow(10.0, total.f.decimals);
  std::vector<long double> scaled;
  for (const auto& c : out) {
    if (c.null() || !std::isfinite(c.AsDouble()) || std::fabs(c.AsDouble()) * unit > 1e15) return out;
    scaled.push_back(static_cast<long double>(c.AsDouble()) * unit);
  }
  if (!std::isfinite(change.AsDouble()) || std::fabs(change.AsDouble()) * unit > 1e15) return out;
  // The change as shown (half away from zero, as ApplyNumberFormat rounds).
  const int64_t want = std::llround(static_cast<long double>(change.AsDouble()) * unit);
  std::vector<int64_t> r;
  int64_t sum = 0;
  for (long double x : scaled) sum += r.emplace_back(std::llround(x));
  int64_t diff = want - sum;
  if (diff == 0 || std::llabs(diff) > static_cast<int64_t>(r.size())) {
    if (diff != 0) return out;  // not a rounding difference: leave them as they are
  }
  std::vector<size_t> order(r.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Up: the terms rounded down the most first; down: those rounded up most.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    long double ra = scaled[a] - r[a], rb = scaled[b] - r[b];
    return diff > 0 ? ra > rb : ra < rb;
  });
  for (size_t k = 0; diff != 0 && k < order.size(); ++k) {
    r[order[k]] += diff > 0 ? 1 : -1;
    diff += diff > 0 ? -1 : 1;
  }
  for (size_t i = 0; i < r.size(); ++i) out[i] = engine::Val::Dec(static_cast<__int128>(r[i]), total.f.decimals);
  return out;
}

Look AlertLook(const engine::GoalResult& g, const engine::FiredAlert& a) {
  if (a.percent) return PercentLook();
  for (const auto& al : g.goal->alerts)
    if (al.name == a.name && al.severity == a.severity && !al.percent) return LookOf(al.format, al.unit, false);
  return LookOf("", "", false);
}

AlertGroups GroupAlerts(const std::vector<engine::FiredAlert>& alerts,
                        const std::function<bool(const engine::FiredAlert&)>& keep) {
  AlertGroups groups;
  for (const auto& a : alerts) {
    if (!keep(a)) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& grp) { return grp[0]->name == a.name && grp[0]->severity == a.severity; });
    if (it == groups.end())
      groups.push_back({&a});
    else
      it->push_back(&a);
  }
  auto rank = [](const std::string& s) { return s == "critical" ? 0 : s == "warning" ? 1 : 2; };
  auto mag = [](const engine::FiredAlert* a) { return a->value.null() ? -1.0 : std::fabs(a->value.AsDouble()); };
  // Within an alert, the worst first: the lowest under a `<` rule (a 0%
  // chance before a 47% one, which came first by size), the highest under
  // a `>` rule, else the largest in size; nulls last.
  auto badness = [&](const engine::FiredAlert* a) {
    if (a->value.null()) return -HUGE_VAL;
    double v = a->value.AsDouble();
    return a->worse < 0 ? -v : a->worse > 0 ? v : std::fabs(v);
  };
  // The latest period first: January's totals came before this month's
  // alert for a store, which was folded into "其余 25 条" (new-user probe,
  // 2026-12-07). Within a period the goal's total first (it was folded
  // into "and 4 more" behind the members), then the members, worst first.
  for (auto& grp : groups)
    std::stable_sort(grp.begin(), grp.end(), [&](const auto* a, const auto* b) {
      if (a->period != b->period) return a->period > b->period;
      if (a->dim.empty() != b->dim.empty()) return a->dim.empty();
      return badness(a) > badness(b);
    });
  std::stable_sort(groups.begin(), groups.end(), [&](const auto& a, const auto& b) {
    int ra = rank(a[0]->severity), rb = rank(b[0]->severity);
    if (ra != rb) return ra < rb;
    if (a[0]->period != b[0]->period) return a[0]->period > b[0]->period;  // the latest news first
    return mag(a[0]) > mag(b[0]);
  });
  return groups;
}

std::string AlertValueText(const engine::FiredAlert& a, const Look& l, const std::string& lang) {
  const bool zh = lang == "zh";
  if (a.forecast_field == "probability")
    return (zh ? "全期达成概率 " : "chance of meeting the goal ") +
           (a.value.null() ? std::string("—") : ChanceText(a.value.AsDouble()));
  if (!a.forecast_field.empty()) return (zh ? "全期预测 " : "forecast for the goal ") + Show(a.value, l);
  return Show(a.value, l);
}

ChartDrawing HowDrawn(const plan::Output& o) {
  const bool time = o.grain != rt::Grain::kAll;
  const std::string& kind = o.chart;
  auto as = [](Drawn d, std::string instead = "", std::string why = "") {
    return ChartDrawing{d, std::move(instead), std::move(why)};
  };
  if (kind == "table") return as(Drawn::kTable);
  if (o.by.size() > 1)
    return as(Drawn::kTable, "a table", "a chart over two dimensions is shown as its table");
  if (time && !o.by.empty())
    return kind == "line" ? as(Drawn::kMembers)
                          : as(Drawn::kMembers, "lines, one per member",
                               "over periods and members each member is a line (bars, pies and scorecards are of one "
                               "series)");
  if (time) {
    if (kind == "line") return as(Drawn::kTrend);
    if (kind == "area") return as(Drawn::kArea);
    if (kind == "bar") return as(Drawn::kBars);
    if (kind == "scorecard") return as(Drawn::kScorecard);
    return as(Drawn::kTrend, "a line",
              kind == "pie" ? "a pie shows the parts of a whole: chart it by a dimension (`by channel`) at no grain"
                            : "a waterfall is drawn for a goal's decomposition, not for a series of periods");
  }
  if (o.by.empty())
    return kind == "scorecard" ? as(Drawn::kScorecard)
                               : as(Drawn::kScorecard, "a number", "over no grain and no dimension it is one value");
  if (kind == "bar") return as(Drawn::kBars);
  if (kind == "pie")
    return o.parts ? as(Drawn::kPie)
                   : as(Drawn::kBars, "bars", "its members' values are not parts of a whole (a rate or an average does "
                                              "not add up over members)");
  if (kind == "line" || kind == "area")
    return as(Drawn::kBars, "bars", "a line needs periods: chart it by a grain (`by month`)");
  return as(Drawn::kBars, "bars",
            kind == "scorecard" ? "a scorecard shows one value; by a dimension there are several"
                                : "a waterfall is drawn for a goal's decomposition; a chart's members are drawn as bars");
}

std::vector<bool> ListedAlerts(const std::vector<const engine::FiredAlert*>& group, size_t each) {
  std::vector<bool> listed(group.size());
  size_t totals = 0, members = 0;
  for (size_t i = 0; i < group.size(); ++i) listed[i] = (group[i]->dim.empty() ? totals : members)++ < each;
  return listed;
}

std::string AlertCount(size_t n, const std::string& lang) {
  return lang == "zh" ? fmt::format("{} 条", n) : fmt::format("{} alert{}", n, n == 1 ? "" : "s");
}

std::string ShowCompact(double v, const Look& l, const std::string& lang, bool change) {
  if (!std::isfinite(v)) return "—";
  double a = std::fabs(v);
  if (lang != "zh" || l.f.percent || a < 1e4) return change ? ShowChange(v, l) : Show(v, l);
  const char* unit = a >= 1e8 ? "亿" : "万";
  double q = a / (a >= 1e8 ? 1e8 : 1e4);
  NumberFormat f;
  f.grouping = true;
  f.decimals = q < 100 ? 2 : q < 1000 ? 1 : 0;
  std::string s = ApplyNumberFormat(f, q);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  std::string sign = v < 0 ? "−" : change ? "+" : "";
  return sign + l.f.prefix + s + unit + l.f.suffix;
}

}  // namespace kpic::output

namespace kpic::output {

std::string OpeningPhrase(const engine::DecompositionResult& d, const plan::Plan& p) {
  if (!d.opening_day) return "";
  return p.lang == "zh" ? fmt::format("期初为 {} 的值", rt::FormatDate(*d.opening_day))
                        : fmt::format("opening: the value on {}", rt::FormatDate(*d.opening_day));
}

std::string IdentityNote(const engine::DecompositionResult& d, const plan::Plan& p, bool member) {
  if (d.holds) return "";
  bool zh = p.lang == "zh";
  if (d.unchecked == -1)
    return zh ? fmt::format("{}恒等式不成立：差额 {}", member ? "该成员的" : "", d.gap.Text())
              : fmt::format("the identity does not hold{}: gap {}", member ? " for this member" : "", d.gap.Text());
  if (d.unchecked == engine::DecompositionResult::kNoValue)
    return zh ? fmt::format("{}恒等式无法验证：`{}` 无数据", member ? "该成员的" : "", d.node->name)
              : fmt::format("the identity cannot be checked{}: `{}` has no value", member ? " for this member" : "",
                            d.node->name);
  std::string what = d.unchecked >= 0 && static_cast<size_t>(d.unchecked) < d.node->terms.size()
                         ? fmt::format("`{}`", d.node->terms[static_cast<size_t>(d.unchecked)].text)
                         : std::string(zh ? "右边" : "the right side");
  return zh ? fmt::format("{}恒等式无法验证：{} 无数据，各项不能解释总值", member ? "该成员的" : "", what)
            : fmt::format("the identity cannot be checked{}: {} has no value, so the terms do not explain the total",
                          member ? " for this member" : "", what);
}

std::string ComparedPhrase(const engine::GoalResult& g, const plan::Plan& p) {
  bool zh = p.lang == "zh";
  std::string now = Label(g.goal->grain, g.period, p), before = Label(g.goal->grain, g.previous_period, p);
  if (g.through_span.partial && g.through == g.period)
    return zh ? fmt::format("{} 至 {} 对比 {} 同期", rt::FormatDate(g.through_span.first),
                            rt::FormatDate(g.through_span.last), before)
              : fmt::format("{} to {} vs the same days of {}", rt::FormatDate(g.through_span.first),
                            rt::FormatDate(g.through_span.last), before);
  return now + (zh ? " 对比 " : " vs ") + before;
}

std::string OutlookSentence(const engine::GoalOutlook& o, const Look& look, const plan::Plan& p) {
  bool zh = p.lang == "zh";
  const forecast::Outlook& x = o.outlook;
  auto v = [&](double d) { return Show(d, look); };
  std::string s = zh ? fmt::format("预测{}{}", o.cumulative ? "全期合计 " : "末期 ", v(x.end_mean))
                     : fmt::format("{} expected {}", v(x.end_mean), o.cumulative ? "in total" : "in the last period");
  if (std::isfinite(x.end_lo80))
    s += zh ? fmt::format("（80% 区间 {} – {}，95% 区间 {} – {}）", v(x.end_lo80), v(x.end_hi80), v(x.end_lo95), v(x.end_hi95))
            : fmt::format(" (80%: {} – {}; 95%: {} – {})", v(x.end_lo80), v(x.end_hi80), v(x.end_lo95), v(x.end_hi95));
  if (std::isfinite(o.target)) s += zh ? "，目标 " + v(o.target) : " against a target of " + v(o.target);
  if (std::isfinite(x.probability))
    s += zh ? fmt::format("：达成概率 {}，{}", ChanceText(x.probability), StatusWord(o.Status(), p.lang))
            : fmt::format(": {} chance of meeting it, {}", ChanceText(x.probability), StatusWord(o.Status(), p.lang));
  else
    s += std::isfinite(o.target) ? (zh ? "：达成概率未知" : ": chance unknown")
                                 : (zh ? "：没有可比较的目标" : ": no target to compare with");
  return s;
}

std::string ProgressSentence(const engine::GoalResult& g, const Look& look, const plan::Plan& p) {
  if (g.goal->target_per_period && g.periods.size() > 1) {
    // Each period has its own target, and the periods' values do not add
    // up (a distinct count): count the periods met instead of a total.
    int met = 0, judged = 0;
    for (const auto& gp : g.periods) {
      if (!gp.has_data || gp.status == "in_progress" || gp.status == "no_data" || gp.status == "no_target") continue;
      ++judged;
      if (gp.status == "met") ++met;
    }
    std::string grain = rt::GrainName(g.goal->grain);
    // Counted with the measure word each takes: 4 个月, 4 个季度, 4 周, 4 天, 4 年.
    std::string counted = grain == "month" ? "个月" : grain == "quarter" ? "个季度" : grain == "week" ? "周"
                          : grain == "year" ? "年" : "天";
    std::string bare = grain == "month" ? "月" : grain == "quarter" ? "季度" : counted;
    std::string through = g.through_span.partial ? rt::FormatDate(g.through_span.last) : Label(g.goal->grain, g.through, p);
    if (p.lang == "zh")
      return fmt::format("截至 {}：{} {}中 {} {}达成目标；每{}有自己的目标，各{}的{}不能相加，故没有累计目标", through,
                         judged, counted, met, counted, counted == "个月" || counted == "个季度" ? counted : bare, bare,
                         g.goal->metric_label.empty() ? g.goal->metric : g.goal->metric_label);
    return fmt::format("through {}: {} of {} whole {}s met; each {} has its own target, and {} over several {}s is not "
                       "their values added up, so there is no target to date",
                       through, met, judged, grain, grain,
                       g.goal->metric_label.empty() ? g.goal->metric : g.goal->metric_label, grain);
  }
  engine::Val att = engine::Attainment(plan::LowerIsBetter(g.goal->cmp), g.projection, g.target_total);
  std::string through = g.through_span.partial ? rt::FormatDate(g.through_span.last) : Label(g.goal->grain, g.through, p);
  std::string pct = att.null() ? "" : " (" + RatioText(att.AsDouble()) + ")";
  // The projection in the decimals of the value so far (a count's as 351,
  // not 351.00: review, 2026-12-06).
  std::string projected = Show(g.projection, look);
  if (!g.projection.null() && !g.projection.exact() && g.to_date.exact() && g.to_date.scale <= 6 &&
      std::isfinite(g.projection.AsDouble()) && std::fabs(g.projection.AsDouble()) < 1e15) {
    double f = std::pow(10.0, g.to_date.scale);
    projected = Show(engine::Val::Dec(static_cast<__int128>(std::llround(g.projection.AsDouble() * f)), g.to_date.scale),
                     look);
  }
  // A value and its target that differ are shown apart (4.599% of 4.600%).
  auto [so_far, target_so_far] = ShowApart(g.to_date, g.target_to_date, look);
  if (projected == Show(g.target_total, look) && !att.null() && att.AsDouble() != 1)
    projected = ShowApart(g.projection, g.target_total, look).first;
  std::string total = ShowApart(g.target_total, g.projection, look).first;
  if (g.complete) {
    // The goal's period is over: its whole value against its whole
    // target, no projection (it read "projected" the value it had), the
    // periods without rows at its end included.
    std::string first = Label(g.goal->grain, g.periods.front().period, p);
    std::string last = Label(g.goal->grain, g.periods.back().period, p);
    const engine::Val& target = g.target_total.null() ? g.target_to_date : g.target_total;
    engine::Val whole = engine::Attainment(plan::LowerIsBetter(g.goal->cmp), g.to_date, target);
    std::string wpct = whole.null() ? "" : " (" + RatioText(whole.AsDouble()) + ")";
    auto [value, whole_target] = ShowApart(g.to_date, target, look);
    if (p.lang == "zh") return fmt::format("全期（{} – {}）：{}，目标 {}{}", first, last, value, whole_target, wpct);
    return fmt::format("whole period ({} – {}): {} of {}{}", first, last, value, whole_target, wpct);
  }
  if (p.lang == "zh")
    return fmt::format("累计（截至 {}）：{}，目标 {}；按目前进度推算全期 {}，目标 {}{}", through, so_far, target_so_far, projected,
                       total, pct);
  return fmt::format("to date (through {}): {} of {}; projected {} of {}{}", through, so_far, target_so_far, projected, total,
                     pct);
}

std::string InProgressSentence(const engine::GoalOutlook& o, rt::Grain g, const Look& look, const plan::Plan& p) {
  if (!o.partial) return "";
  std::string period = Label(g, o.history_to + 1, p);
  if (p.lang == "zh")
    return fmt::format("{} 截至目前：{}，已过 {:.0f}% 的天数；其余为预测", period, Show(o.partial_actual, look),
                       o.partial_elapsed * 100);
  return fmt::format("{} so far: {} in {:.0f}% of its days; the rest of it is forecast", period,
                     Show(o.partial_actual, look), o.partial_elapsed * 100);
}

}  // namespace kpic::output
