// Actions for people and programs (actions_text.h).
#include "output/actions_text.h"

#include <fmt/format.h>

#include <cmath>

#include "datetime.h"
#include "output/present.h"
#include "output/values.h"
#include "output/words.h"

namespace kpic::output {

namespace {

/// An estimate in JSON: 12 significant digits, so that binary noise
/// (0.30000000000000004) never reaches a reader; null when not finite.
nlohmann::ordered_json Estimate(double x) {
  if (!std::isfinite(x)) return nullptr;
  return std::stod(fmt::format("{:.12g}", x));
}

std::string Signed(double ratio) {
  std::string s = fmt::format("{:.1f}%", std::fabs(ratio) * 100);
  if (s == "0.0%") return s;
  return (ratio < 0 ? "\u2212" : "+") + s;
}

Look LookOfView(const actions::View& v) { return LookOf(v.format, v.unit, v.percent); }

/// The effect (a ratio or a difference in the metric's unit) for people,
/// with its sign, or (`magnitude`) without.
std::string ShowEffect(const actions::View& v, double x, bool magnitude = false) {
  if (magnitude) x = std::fabs(x);
  if (v.effect.method == actions::Method::kRelative) {
    std::string s = Signed(x);
    return magnitude && s[0] == '+' ? s.substr(1) : s;
  }
  return magnitude ? Show(x, LookOfView(v)) : ShowChange(x, LookOfView(v));
}

/// A metric's value: a count as a whole number (an estimate of one, the
/// counterfactual, rounded).
std::string ShowValue(double x, const Look& look) {
  if (look.count && std::isfinite(x) && std::fabs(x) < 1e15)
    return Show(engine::Val::Int(static_cast<__int128>(std::llround(x))), look);
  return Show(x, look);
}

}  // namespace

std::string ActionStatusWord(const std::string& status, const std::string& lang) {
  if (status == "open") return Tr(lang, "open", "进行中");
  if (status == "done") return Tr(lang, "done", "已完成");
  if (status == "dropped") return Tr(lang, "dropped", "已放弃");
  return status;
}

std::string MemberPhrase(const actions::View& v, const std::string& lang) {
  if (v.members.empty()) return Tr(lang, "the whole company", "全公司");
  std::vector<std::string> parts;
  for (const auto& [dim, value] : v.members) parts.push_back(dim + " " + value);
  return fmt::format("{}", fmt::join(parts, lang == "zh" ? "，" : ", "));
}

/// The member phrase inside a Chinese sentence: "门店 S2 在开始前", not
/// "门店 S2在开始前" (a space after a Latin ending).
std::string MemberInSentence(const actions::View& v, const std::string& lang) {
  std::string s = MemberPhrase(v, lang);
  if (lang == "zh" && !s.empty() && static_cast<unsigned char>(s.back()) < 0x80) s += ' ';
  return s;
}

std::string EffectCore(const actions::View& v, const std::string& lang);

/// The effect, then what qualifies it: another action on the same member,
/// a trend before the action that could not be checked, a role's rows.
std::string EffectSentence(const actions::View& v, const std::string& lang) {
  std::string s = EffectCore(v, lang);
  if (!v.measured) return s;
  const actions::Effect& e = v.effect;
  bool zh = lang == "zh";
  if (!v.overlapping.empty() && e.verdict != "too_little_data")
    s += zh ? fmt::format("另有行动 {} 在这些期间同样作用于{}：测得的是它们合起来的效果。", fmt::join(v.overlapping, "、"),
                          MemberPhrase(v, lang))
            : fmt::format(" Action{} {} acted on {} in these periods too: this is their effect together.",
                          v.overlapping.size() > 1 ? "s" : "", fmt::join(v.overlapping, ", "), MemberPhrase(v, lang));
  if ((e.verdict == "clear_up" || e.verdict == "clear_down" || (e.verdict == "unclear" && e.interval)) &&
      !e.placebo_checked)
    s += zh ? fmt::format("行动前的走势未能检验（{} 的数据不足），不能排除该成员本已与其他成员走势不同。",
                          v.placebo_text.empty() ? "更早期间" : v.placebo_text)
            : fmt::format(" The trend before the action could not be checked (too little data in {}): the member may "
                          "already have been moving apart from the others.",
                          v.placebo_text.empty() ? "the periods before" : v.placebo_text);
  if (!v.role.empty() && !v.members.empty() && e.verdict != "too_little_data")
    s += zh ? fmt::format("（在角色 {} 可见的数据中度量，对照也仅限其中的成员。）", v.role)
            : fmt::format(" (Measured over the rows role {} sees: the members compared with are only those.)", v.role);
  return s;
}

std::string EffectCore(const actions::View& v, const std::string& lang) {
  const actions::Effect& e = v.effect;
  const Look look = LookOfView(v);
  const std::string& metric = v.metric_label.empty() ? v.metric : v.metric_label;
  if (!v.measured) {
    if (v.problem == "no_metric")
      return Tr(lang, "Not measured: the action names no metric (and its goal's is an expression).",
                "未度量：行动没有指定指标（其目标的指标是表达式）。");
    if (v.problem == "dropped") return Tr(lang, "Dropped: nothing to measure.", "已放弃：没有可度量的效果。");
    if (v.problem == "no_data") return Tr(lang, "Not measured: the data has no rows yet.", "未度量：数据中还没有行。");
    return fmt::format(fmt::runtime(Tr(lang, "Not measured: {}.", "未度量：{}。")), v.problem);
  }
  std::string grain = rt::GrainName(v.windows.grain);
  std::string grain_zh = rt::GrainNameZh(v.windows.grain);
  if (e.verdict == "too_little_data") {
    const actions::Action& a = *v.action;
    if (e.reason == "ended_before_period" && a.end)
      // Over before a whole period from its start began: waiting will not
      // give one (it said "no whole month after the start yet").
      return lang == "zh" ? fmt::format("无法按{}度量：行动从 {} 到 {}，没有覆盖开始后第一个完整的{}（{} 起）。",
                                        grain_zh, rt::FormatDate(a.start), rt::FormatDate(*a.end), grain_zh,
                                        rt::FormatDate(v.windows.after.from))
                          : fmt::format("Cannot be measured by {}: the action ran from {} to {}, which does not "
                                        "cover the first whole {} from its start (from {}).",
                                        grain, rt::FormatDate(a.start), rt::FormatDate(*a.end), grain,
                                        rt::FormatDate(v.windows.after.from));
    if (e.reason == "no_after")
      return lang == "zh" ? fmt::format("数据太少，尚无法判断：开始后还没有完整的{}（从 {} 起算）。", grain_zh,
                                        rt::FormatDate(v.windows.after.from))
                          : fmt::format("Too little data to say: no whole {} after the start yet (counting from {}).",
                                        grain, rt::FormatDate(v.windows.after.from));
    bool before = e.reason == "no_before";
    const std::string& window = before ? v.before_text : v.after_text;
    return lang == "zh"
               ? fmt::format("数据太少，尚无法判断：{}在开始{}的 {} 中有期间没有完整的{}数值。", MemberInSentence(v, lang),
                             before ? "前" : "后", window, metric)
               : fmt::format("Too little data to say: {} has no {} for the whole of some period of {}, {} the start.",
                             MemberPhrase(v, lang), metric, window, before ? "before" : "after");
  }
  std::string moved = fmt::format("{} → {}", ShowValue(e.before, look), ShowValue(e.after, look));
  if (e.verdict == "change_only")
    return lang == "zh"
               ? fmt::format("{}由 {}（{} 对比 {}，{}）。没有可对照的未行动成员，这只是变化，不是测得的效果。", metric,
                             moved, v.after_text, v.before_text, ShowEffect(v, e.estimate))
               : fmt::format("{} moved {} ({} against {}, {}). With no members without an action to compare with, "
                             "this is a change, not a measured effect.",
                             metric, moved, v.after_text, v.before_text, ShowEffect(v, e.estimate));
  std::string windows = lang == "zh" ? fmt::format("{} 对比 {}", v.after_text, v.before_text)
                                     : fmt::format("{} against {}", v.after_text, v.before_text);
  if (e.verdict == "unclear" && !e.interval)
    return lang == "zh" ? fmt::format("对照仅 1 个未行动成员：估计 {}（{}），数据太少，无法判断有多可靠。",
                                      ShowEffect(v, e.estimate), windows)
                        : fmt::format("Against the one member without an action: {} ({}); too little data to say how "
                                      "sure that is.",
                                      ShowEffect(v, e.estimate), windows);
  std::string interval = fmt::format("{} {} {}", ShowEffect(v, e.lo), Tr(lang, "to", "至"), ShowEffect(v, e.hi));
  if (e.verdict == "not_comparable")
    return lang == "zh"
               ? fmt::format("不可比：行动之前（{} 对比 {}），该成员已与其他成员走势不同（{}），所以 {} 不能算作行动的效果。",
                             v.before_text, v.placebo_text, ShowEffect(v, e.placebo), ShowEffect(v, e.estimate))
               : fmt::format("Not comparable: before the action ({} against {}) this member already moved apart from "
                             "the others ({}), so {} cannot be read as the action's effect.",
                             v.before_text, v.placebo_text, ShowEffect(v, e.placebo), ShowEffect(v, e.estimate));
  std::string base = lang == "zh" ? fmt::format("{}，若与 {} 个未行动成员同步应为 {}", moved, e.controls,
                                                ShowValue(e.counterfactual, look))
                                  : fmt::format("{}, where moving as the {} members without an action did gives {}",
                                                moved, e.controls, ShowValue(e.counterfactual, look));
  if (e.verdict == "clear_up" || e.verdict == "clear_down") {
    bool up = e.verdict == "clear_up";
    return lang == "zh" ? fmt::format("明确的效果：{}{} {}（95% 区间 {}；{}）。{}。", metric, up ? "提升" : "下降",
                                      ShowEffect(v, e.estimate, true), interval, windows, base)
                        : fmt::format("A clear effect: {} {} by {} (95% interval {}; {}). {}.", metric,
                                      up ? "rose" : "fell", ShowEffect(v, e.estimate, true), interval, windows, base);
  }
  return lang == "zh" ? fmt::format("没有明确的效果：估计 {}，但 95% 区间 {} 包含零（{}）。{}。",
                                    ShowEffect(v, e.estimate), interval, windows, base)
                      : fmt::format("No clear effect: {} is the estimate, but its 95% interval, {}, includes no change "
                                    "({}). {}.",
                                    ShowEffect(v, e.estimate), interval, windows, base);
}

nlohmann::ordered_json ActionJson(const actions::View& v, const std::string& lang) {
  const actions::Action& a = *v.action;
  nlohmann::ordered_json j;
  j["id"] = a.id;
  j["status"] = a.status;
  j["by"] = a.by;
  j["recorded"] = a.recorded.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.recorded);
  j["what"] = a.what;
  j["expected"] = a.expected.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.expected);
  j["goal"] = a.goal.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.goal);
  j["metric"] = v.metric.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.metric);
  j["alert"] = a.alert.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.alert);
  nlohmann::ordered_json m = nlohmann::ordered_json::object();
  for (const actions::Member& mem : a.members) m[mem.dim] = mem.value;
  j["member"] = m;
  j["start"] = rt::FormatDate(a.start);
  j["end"] = a.end ? nlohmann::ordered_json(rt::FormatDate(*a.end)) : nlohmann::ordered_json(nullptr);
  j["closed_by"] = a.closed_by.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.closed_by);
  j["note"] = a.note.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.note);
  nlohmann::ordered_json e;
  e["measured"] = v.measured;
  if (!v.measured) {
    e["problem"] = v.problem;
  } else {
    const actions::Effect& x = v.effect;
    e["verdict"] = x.verdict;
    e["reason"] = x.reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x.reason);
    e["method"] = x.method == actions::Method::kRelative ? "relative" : "difference";
    e["grain"] = rt::GrainName(v.windows.grain);
    auto window = [&](const actions::Window& w, double value) {
      nlohmann::ordered_json o;
      o["from"] = rt::FormatDate(w.from);
      o["to"] = rt::FormatDate(w.to);
      o["periods"] = w.periods();
      o["value"] = Estimate(value);
      return o;
    };
    e["before"] = window(v.windows.before, x.before);
    e["after"] = window(v.windows.after, x.after);
    e["controls"] = x.controls;
    e["control_change"] = Estimate(x.control_change);
    e["counterfactual"] = Estimate(x.counterfactual);
    e["estimate"] = Estimate(x.estimate);
    e["low"] = Estimate(x.lo);
    e["high"] = Estimate(x.hi);
    e["confidence"] = x.interval ? nlohmann::ordered_json(0.95) : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json pl;
    pl["from"] = rt::FormatDate(v.windows.placebo.from);
    pl["to"] = rt::FormatDate(v.windows.placebo.to);
    pl["estimate"] = Estimate(x.placebo);
    pl["low"] = Estimate(x.placebo_lo);
    pl["high"] = Estimate(x.placebo_hi);
    e["placebo"] = x.placebo_checked ? pl : nlohmann::ordered_json(nullptr);
    e["overlapping"] = v.overlapping;
    e["role"] = v.role.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.role);
  }
  e["statement"] = EffectSentence(v, lang);
  j["effect"] = e;
  return j;
}

nlohmann::ordered_json ActionsJson(const std::vector<actions::View>& views, const std::string& lang) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const actions::View& v : views) out.push_back(ActionJson(v, lang));
  return out;
}

std::vector<const actions::View*> ActionsFor(const engine::GoalResult& g, const engine::FiredAlert& a,
                                             const plan::Plan& p, const std::vector<actions::View>* views) {
  std::vector<const actions::View*> out;
  if (!views) return out;
  int32_t period_start = rt::PeriodStart(g.goal->grain, a.period, p.calendar);
  for (const actions::View& v : *views) {
    const actions::Action& x = *v.action;
    if (x.status == "dropped" || x.alert != a.name || (!x.goal.empty() && x.goal != g.goal->name)) continue;
    // In time: the alert fired in the period the action began, the one
    // before (what prompted it), or later while it ran.
    if (a.period < rt::PeriodOf(g.goal->grain, x.start, p.calendar) - 1) continue;
    if (x.end && *x.end < period_start) continue;
    // On its member: exactly the alert's member, or company-wide.
    bool member = x.members.empty() ||
                  (x.members.size() == 1 && !a.dim.empty() && x.members[0].dim == a.dim &&
                   x.members[0].value == DimText(a.member, a.dim_type));
    // Under a role that sees one member of the action's dimension, the
    // total is that member: an action on it answers the total's alert too
    // (a store manager's total read "open" beside the store's answered
    // line: probe, 2026-12-06).
    // The drill's members are those of the periods it compares: only an
    // alert of one of them is that member's (October's total was credited
    // to a store whose partner closed in October: review, 2026-12-06).
    if (!member && a.dim.empty() && x.members.size() == 1 && !p.role.empty() && g.compared &&
        (a.period == g.period || a.period == g.previous_period))
      for (const engine::DrillResult& d : g.drill)
        if (d.drill && d.drill->dim == x.members[0].dim && d.members == 1 && d.top.size() == 1 &&
            DimText(d.top[0].member, d.drill->type) == x.members[0].value)
          member = true;
    if (member) out.push_back(&v);
  }
  return out;
}

std::string ActionsText(const std::vector<actions::View>& views, const std::string& lang) {
  if (views.empty()) return Tr(lang, "No actions recorded.\n", "没有记录的行动。\n");
  std::string out;
  for (const actions::View& v : views) {
    const actions::Action& a = *v.action;
    out += fmt::format("{}  [{}]  {}\n", a.id, ActionStatusWord(a.status, lang), OnOneLine(a.what));
    std::string on = v.goal_label.empty() ? "" : v.goal_label;
    if (!a.alert.empty()) on += (on.empty() ? "" : " · ") + a.alert;
    out += fmt::format("  {}: {}{}\n", Tr(lang, "on", "对象"), MemberPhrase(v, lang),
                       on.empty() ? "" : " · " + OnOneLine(on));
    out += fmt::format("  {}: {} · {} {}{}\n", Tr(lang, "by", "负责人"), OnOneLine(a.by), Tr(lang, "from", "自"),
                       rt::FormatDate(a.start),
                       a.end ? fmt::format(" {} {}", Tr(lang, "to", "至"), rt::FormatDate(*a.end)) : "");
    if (!a.expected.empty()) out += fmt::format("  {}: {}\n", Tr(lang, "expected", "预期"), OnOneLine(a.expected));
    out += fmt::format("  {}: {}\n\n", Tr(lang, "effect", "效果"), OnOneLine(EffectSentence(v, lang)));
  }
  return out;
}

}  // namespace kpic::output
