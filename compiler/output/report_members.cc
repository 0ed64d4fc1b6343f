#include "output/report_members.h"

#include <fmt/format.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "output/present.h"
#include "output/values.h"
#include "output/words.h"

namespace kpic::output {

std::vector<const engine::DrillResult::Member*> ListedMembers(const engine::DrillResult& dr) {
  std::vector<const engine::DrillResult::Member*> out;
  for (const auto& m : dr.top) out.push_back(&m);
  for (auto it = dr.bottom.rbegin(); it != dr.bottom.rend(); ++it) out.push_back(&*it);
  return out;
}

std::string MemberId(size_t g, size_t d, size_t k) { return fmt::format("g{}d{}m{}", g, d, k); }
std::string GoalId(size_t g) { return fmt::format("g{}", g); }

namespace {

/// An exact value as text for data-v (`131772.40`), a double in full;
/// null for none.
nlohmann::json Raw(const engine::Val& v) {
  nlohmann::json j = JsonValue(v);
  if (j.is_null() || j.is_string()) return j;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json RawDouble(double v) { return std::isfinite(v) ? nlohmann::json(fmt::format("{}", v)) : nullptr; }

std::optional<double> Num(const engine::Val& v) {
  if (v.null()) return std::nullopt;
  return v.AsDouble();
}

}  // namespace

std::string MembersJson(const plan::Plan& p, const engine::Results& r, const TrendFn& trend) {
  nlohmann::ordered_json all = nlohmann::ordered_json::object();
  for (size_t gi = 0; gi < r.goals.size(); ++gi) {
    const engine::GoalResult& g = r.goals[gi];
    if (!g.compared) continue;  // the drill-down tables are shown only then
    const Look look = LookOf(g.goal->format, g.goal->unit, g.goal->percent);
    const std::string goal_name = g.goal->label.empty() ? g.goal->name : g.goal->label;
    for (size_t di = 0; di < g.drill.size(); ++di) {
      const engine::DrillResult& dr = g.drill[di];
      const plan::GoalPlan::Drill& pd = *dr.drill;
      std::vector<const engine::DrillResult::Member*> listed = ListedMembers(dr);
      for (size_t k = 0; k < listed.size(); ++k) {
        const engine::DrillResult::Member& m = *listed[k];
        const std::string who = DimText(m.member, pd.type);
        nlohmann::ordered_json j;
        j["title"] = (pd.label.empty() ? pd.dim : pd.label) + " " + who + " · " + goal_name;
        j["goal"] = GoalId(gi);
        j["dim"] = pd.dim;
        const bool zh = p.lang == "zh";
        j["note"] = pd.target >= 0
                        ? (zh ? "成员自身各期的实际与目标（目标按 " + who + " 单独计算）。"
                              : "Its own values and its own target (the goal's target evaluated for " + who +
                                    " alone), per period.")
                    : pd.share >= 0
                        ? std::string(zh ? "成员自身各期的实际；目标为其在总目标中的份额（按去年占比分摊，allocate last_year）。"
                                         : "Its own values; its target is its share of the goal's target (its share of "
                                           "the metric a year earlier, allocate last_year).")
                        : std::string(zh ? "成员自身各期的实际；成员没有自己的目标，因此不显示目标。"
                                         : "Its own values per period; members have no target of their own, so none "
                                           "is shown.");
        std::vector<std::string> labels;
        std::vector<std::optional<double>> values, targets;
        std::vector<bool> cut;
        nlohmann::ordered_json periods = nlohmann::ordered_json::array();
        for (const engine::GoalPeriod& gp : m.series) {
          const bool partial = gp.span.partial && gp.span.first <= gp.span.last;
          const std::string label = Label(g.goal->grain, gp.period, p);
          labels.push_back(label);
          values.push_back(gp.has_data ? Num(gp.value) : std::nullopt);
          targets.push_back(Num(gp.target));
          cut.push_back(partial);
          nlohmann::ordered_json q;
          q["p"] = partial ? label + " (" + SpanText(gp.span) + ")" : label;
          q["v"] = gp.has_data ? Raw(gp.value) : nlohmann::json(nullptr);
          q["vs"] = gp.has_data ? Show(gp.value, look) : "—";
          q["t"] = Raw(gp.target);
          q["ts"] = Show(gp.target, look);
          q["a"] = gp.has_attainment ? RawDouble(gp.attainment) : nlohmann::json(nullptr);
          q["as"] = gp.has_attainment ? RatioText(gp.attainment) : "—";
          q["s"] = ContractStatus(gp.status);
          q["sw"] = StatusWord(gp.status, p.lang);
          periods.push_back(std::move(q));
        }
        j["chart"] = m.series.empty() ? std::string() : trend(labels, values, targets, look, cut);
        j["periods"] = std::move(periods);
        j["compared"] = std::string(Tr(p.lang, "Change", "变化")) + " (" + ComparedPhrase(g, p) + ")";
        nlohmann::ordered_json cmp = nlohmann::ordered_json::array();
        cmp.push_back({Tr(p.lang, "now", "本期"), Show(m.value, look), Raw(m.value)});
        cmp.push_back({Tr(p.lang, "before", "上期"), Show(m.previous, look), Raw(m.previous)});
        cmp.push_back({Tr(p.lang, "change", "变化"), ShowChange(m.change, look), Raw(m.change)});
        if (pd.target >= 0 || pd.share >= 0) {
          cmp.push_back({Tr(p.lang, "target", "目标"), Show(m.target, look), Raw(m.target)});
          cmp.push_back({Tr(p.lang, "attainment", "达成率"), m.has_attainment ? RatioText(m.attainment) : "—",
                         m.has_attainment ? RawDouble(m.attainment) : nlohmann::json(nullptr)});
        }
        if (m.has_effects) {
          cmp.push_back({Tr(p.lang, "mix", "结构效应"), ShowChange(m.mix, look), RawDouble(m.mix)});
          cmp.push_back({Tr(p.lang, "rate", "比率效应"), ShowChange(m.rate, look), RawDouble(m.rate)});
        }
        j["compare"] = std::move(cmp);
        // Its own decompositions: [title, header, rows of [label, now,
        // before, contribution, raw contribution]].
        nlohmann::ordered_json decs = nlohmann::ordered_json::array();
        for (const engine::DecompositionResult& dec : m.decomposition) {
          if (!dec.node) continue;
          nlohmann::ordered_json rows = nlohmann::ordered_json::array();
          const std::vector<engine::Val> shown = ShownContributions(dec, look);
          for (size_t t = 0; t < dec.terms.size() && t < dec.node->terms.size(); ++t) {
            const auto& term = dec.node->terms[t];
            const Look tl = LookOf(term.format, term.unit, term.percent);
            std::string opening = static_cast<int>(t) == dec.node->opening ? Tr(p.lang, "opening ", "期初 ") : "";
            rows.push_back({opening + (term.label.empty() ? term.text : term.label), Show(dec.terms[t].value, tl),
                            Show(dec.terms[t].previous, tl), ShowChange(shown[t], look),
                            Raw(dec.terms[t].contribution)});
          }
          rows.push_back({dec.node->name == g.goal->metric && !g.goal->metric_label.empty() ? g.goal->metric_label
                                                                                              : dec.node->name,
                          Show(dec.value, look), Show(dec.previous, look),
                          ShowChange(engine::Sub(dec.value, dec.previous), look), Raw(engine::Sub(dec.value, dec.previous))});
          std::string title = std::string(Tr(p.lang, "Decomposition: ", "指标分解：")) + dec.node->name + " = " +
                              dec.node->formula;
          if (std::string opening = OpeningPhrase(dec, p); !opening.empty())
            title += p.lang == "zh" ? "（" + opening + "）" : " (" + opening + ")";
          if (!dec.holds)
            title += p.lang == "zh" ? "（" + IdentityNote(dec, p, true) + "）" : " (" + IdentityNote(dec, p, true) + ")";
          decs.push_back({{"title", title},
                          {"head", {Tr(p.lang, "driver", "驱动因素"), Tr(p.lang, "now", "本期"), Tr(p.lang, "before", "上期"),
                                    Tr(p.lang, "contribution", "贡献")}},
                          {"rows", std::move(rows)}});
        }
        j["decompositions"] = std::move(decs);
        nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
        for (const engine::FiredAlert& a : g.alerts) {
          if (a.dim != pd.dim || !(a.member == m.member)) continue;
          const Look al = AlertLook(g, a);
          alerts.push_back({{"sev", a.severity}, {"sw", SeverityWord(a.severity, p.lang)}, {"name", a.name},
                            {"p", Label(g.goal->grain, a.period, p)},
                            {"vs", AlertValueText(a, al, p.lang)}});
        }
        j["alerts"] = std::move(alerts);
        all[MemberId(gi, di, k)] = std::move(j);
      }
    }
  }
  if (all.empty()) return "";
  std::string text = all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

}  // namespace kpic::output
