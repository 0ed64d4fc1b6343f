// `--format table`: aligned text for the terminal (display widths count
// CJK characters as two columns): metric rows, then per goal its periods,
// progress, alerts, decomposition and drill-down.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "base/utf8.h"
#include "output/output.h"
#include "output/actions_text.h"
#include "output/present.h"
#include "output/values.h"
#include "output/words.h"

namespace kpic::output {

namespace {

using engine::Val;

std::string Member(const engine::DimValue& d, plan::VT t) { return OnOneLine(DimText(d, t)); }

std::string Pad(const std::string& s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string Grid(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right, const std::string& indent = "") {
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) width[c] = DisplayWidth(head[c]);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], DisplayWidth(r[c]));
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t c = 0; c < cells.size(); ++c) l += (c ? "  " : "") + Pad(cells[c], width[c], right[c]);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += indent + l + "\n";
  };
  line(head);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
  return out;
}

/// A label and the name it labels: the label alone when they are the same
/// (`metric 访客数 "访客数"` read "访客数 (访客数)": new-user probe,
/// 2026-12-07), the name alone without a label.
std::string LabelAndName(const std::string& label, const std::string& name) {
  if (label.empty() || label == name) return name;
  return label + " (" + name + ")";
}

/// The footnote under a table with partial periods.
std::string PartialNote(const std::vector<std::pair<std::string, engine::Span>>& partial,
                        const std::optional<int32_t>& as_of, const char* indent, bool goal, const std::string& lang) {
  if (partial.empty()) return "";
  bool zh = lang == "zh";
  std::string out;
  for (const auto& [label, sp] : partial)
    // 不完整, not 未完 (unfinished): a week the goal's first day cuts is
    // over, not running (reader's probe, 2026-12-07).
    out += zh ? fmt::format("{}* {} 不完整：{} 至 {}", indent, label, rt::FormatDate(sp.first), rt::FormatDate(sp.last))
              : fmt::format("{}* {} is partial: {} to {}", indent, label, rt::FormatDate(sp.first), rt::FormatDate(sp.last));
  if (partial.size() > 1) {
    out.clear();
    out += indent;
    out += zh ? "* 不完整：" : "* partial:";
    bool first = true;
    for (const auto& [label, sp] : partial)
      out += zh ? fmt::format("{}{}（{} 至 {}）", std::exchange(first, false) ? "" : "，", label,
                              rt::FormatDate(sp.first), rt::FormatDate(sp.last))
                : fmt::format("{} {} ({} to {})", std::exchange(first, false) ? "" : ",", label,
                              rt::FormatDate(sp.first), rt::FormatDate(sp.last));
  }
  if (as_of) out += zh ? fmt::format("；数据截至 {}", rt::FormatDate(*as_of)) : fmt::format("; data as of {}", rt::FormatDate(*as_of));
  if (zh)
    out += goal ? fmt::format("。\n{}  期间运算比较相同的天数；进度与这些天的目标比较。\n", indent)
                : fmt::format("。\n{}  期间运算与其他期间的相同天数比较。\n", indent);
  else
    out += goal ? fmt::format(".\n{}  Period operators compare the same days; pace compares with the target for them.\n", indent)
                : fmt::format(".\n{}  Period operators compare the same days of the other periods.\n", indent);
  return out;
}

/// The footnote under a table with forecasts: each member's model and why.
std::string ForecastNote(const plan::Plan& p, const engine::Results& r) {
  std::string out =
      p.lang == "zh"
          ? "（预测）行：对完整的期间做指数平滑，附 80% 和 95% 预测区间；为估计值，显示时已取整（完整精度见 --format json 或 csv）。\n"
          : "(forecast) rows: exponential smoothing of the complete periods, with 80% and 95% prediction intervals; "
            "estimates, rounded for display (full precision in --format json or csv).\n";
  for (const auto& m : r.metrics)
    for (const auto& fm : m.models) {
      std::string who = OnOneLine(MembersText(fm.dims, *m.output));
      out += fmt::format("  {}{}: {}\n", m.output->metric, who.empty() ? "" : " (" + who + ")",
                         ModelText(fm, *m.output, p));
    }
  return out;
}

/// How many alerts of one rule the terminal lists before "and N more".
constexpr size_t kAlertsListed = 5;

/// A goal's alerts as the terminal shows them: the goal's own alerts and
/// the members' alerts of the period compared (JSON and HTML list them
/// all), grouped by rule and severity, critical first, each rule's by
/// magnitude, kAlertsListed listed and the rest counted.
std::string AlertDigestText(const engine::GoalResult& g, const plan::Plan& p, bool color,
                            const std::vector<actions::View>* views) {
  const std::string& lang = p.lang;
  size_t hidden = 0;
  AlertGroups groups = GroupAlerts(g.alerts, [&](const engine::FiredAlert& a) {
    bool earlier_member = !a.dim.empty() && (!g.compared || a.period != g.period);
    hidden += earlier_member;
    return !earlier_member;
  });
  std::string out;
  for (const auto& grp : groups) {
    const engine::FiredAlert& first = *grp[0];
    std::string head = fmt::format("  [{}] {} · {}", SeverityWord(first.severity, lang), OnOneLine(first.name),
                                   AlertCount(grp.size(), lang));
    if (!first.message.empty()) head += " (" + OnOneLine(first.message) + ")";
    if (color && first.severity == "critical") head = "\033[31m" + head + "\033[0m";
    out += head + "\n";
    const std::vector<bool> listed = ListedAlerts(grp, kAlertsListed);
    const size_t folded = static_cast<size_t>(std::count(listed.begin(), listed.end(), false));
    for (size_t i = 0; i < grp.size(); ++i) {
      if (!listed[i]) continue;
      const engine::FiredAlert& a = *grp[i];
      const Look l = AlertLook(g, a);
      std::string where;
      if (!a.dim.empty()) {
        std::string dim = a.dim;
        for (const auto& gp : p.goals)
          for (const auto& d : gp.drills)
            if (d.dim == a.dim && !d.label.empty()) dim = d.label;
        where = " · " + dim + " " + Member(a.member, a.dim_type);
      } else if (!g.drill.empty()) {
        // The goal's total says so wherever members' alerts may be listed
        // (a rule that fired for totals alone lacked it, beside one that
        // said it: reader's probe, 2026-12-07).
        where = lang == "zh" ? " · 合计" : " · total";
      }
      // The actions answering it, or that none does yet.
      std::string answered;
      for (const actions::View* v : ActionsFor(g, a, p, views))
        answered += fmt::format(fmt::runtime(lang == "zh" ? "{}行动 {}（{}）" : "{}action {} ({})"),
                                answered.empty() ? "  → " : ", ", v->action->id,
                                ActionStatusWord(v->action->status, lang));
      if (answered.empty() && views && !views->empty()) answered = lang == "zh" ? "  · 未处理" : "  · open: no action";
      out += fmt::format("    {}{} · {}{}\n", Label(g.goal->grain, a.period, p), where, AlertValueText(a, l, lang),
                         answered);
    }
    if (folded)
      out += lang == "zh" ? fmt::format("    其余 {} 条\n", folded) : fmt::format("    and {} more\n", folded);
  }
  if (hidden)
    out += lang == "zh" ? fmt::format("  （更早期间另有 {} 条成员预警：见 --format json 或 html）\n", hidden)
                        : fmt::format("  ({} alert(s) on members in earlier periods: see --format json or html)\n", hidden);
  return out;
}

}  // namespace

/// The columns `s` takes on a terminal: its colours' escapes take none.
size_t VisibleWidth(const std::string& s) {
  std::string plain;
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == '\033') {
      size_t end = s.find('m', k);
      if (end == std::string::npos) break;
      k = end;
      continue;
    }
    plain += s[k];
  }
  return DisplayWidth(plain);
}

/// The table's sentences wrapped to `width` columns (CJK characters count
/// two), each continued under its own indent plus two; the tables (a
/// line of dashes, the line above it and the rows under it at its indent)
/// are left as they are. A colour's escapes take no columns. They had run to 225 columns in
/// an 80-column terminal (reader's probe, 2026-12-07).
std::string WrapSentences(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  auto indent = [](const std::string& l) { return l.find_first_not_of(' '); };
  auto rule = [&](const std::string& l) {
    size_t i = indent(l);
    return i != std::string::npos && l[i] == '-' && l.find_first_not_of("- ", i) == std::string::npos &&
           l.find("---") != std::string::npos;
  };
  std::vector<bool> table(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!rule(lines[i])) continue;
    table[i] = true;
    if (i > 0) table[i - 1] = true;
    for (size_t k = i + 1; k < lines.size() && !lines[k].empty() && indent(lines[k]) == indent(lines[i]); ++k)
      table[k] = true;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (i) out += '\n';
    if (table[i] || VisibleWidth(l) <= width) {
      out += l;
      continue;
    }
    const size_t lead = std::min(indent(l), width / 2);
    const std::string more(lead + 2, ' ');
    // Break after a space, or beside a wide (CJK) character.
    std::string line = l.substr(0, lead), word;
    size_t used = lead, word_w = 0;
    auto flush_word = [&] {
      if (word.empty()) return;
      if (used + word_w > width && used > more.size()) {
        while (!line.empty() && line.back() == ' ') line.pop_back(), --used;
        out += line + '\n';
        line = more;
        used = more.size();
        size_t skip = word.find_first_not_of(' ');
        if (skip == std::string::npos) skip = word.size();
        word_w -= skip;
        word.erase(0, skip);
      }
      line += word;
      used += word_w;
      word.clear();
      word_w = 0;
    };
    // A line never starts with closing punctuation, nor ends with an
    // opening one: each stays with the character it closes or opens (the
    // first cut left `，` and `）` at lines' starts: second review).
    static const std::u32string kClosing = U"，。；：、）」』％！？》,.;:)]%!?";
    static const std::u32string kOpening = U"（「『《([";
    auto next_cp = [&](size_t k) -> uint32_t {
      if (k >= l.size()) return 0;
      uint32_t c = 0;
      DecodeUtf8(l, k, &c);
      return c;
    };
    bool after_opening = false;  // the word ends with an opening bracket
    for (size_t k = lead; k < l.size();) {
      // A colour's escape sequence takes no columns.
      if (l[k] == '\033') {
        size_t end = l.find('m', k);
        end = end == std::string::npos ? l.size() : end + 1;
        word += l.substr(k, end - k);
        k = end;
        continue;
      }
      uint32_t cp = 0;
      size_t n = DecodeUtf8(l, k, &cp);
      const int w = DisplayWidth(cp);
      const bool closing = kClosing.find(static_cast<char32_t>(cp)) != std::u32string::npos;
      if (w == 2 && !closing && !after_opening) flush_word();  // a break before a wide character
      word += l.substr(k, n);
      word_w += static_cast<size_t>(std::max(w, 0));
      after_opening = kOpening.find(static_cast<char32_t>(cp)) != std::u32string::npos;
      k += n;
      const bool closes_next = kClosing.find(static_cast<char32_t>(next_cp(k))) != std::u32string::npos;
      if ((cp == ' ' || w == 2) && !closes_next && !after_opening) flush_word();  // and after one
    }
    flush_word();
    out += line;
  }
  return out;
}

std::string Table(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  bool color = ctx.color;
  std::string out;
  // Under a role, whom the table is for, first: a store manager's table
  // never said it was one store's (store probe, 2026-12-07).
  if (!p.role.empty()) {
    std::string params;
    if (ctx.stamp && ctx.stamp->contains("request") && (*ctx.stamp)["request"].contains("params"))
      for (const auto& kv : (*ctx.stamp)["request"]["params"])
        if (kv.is_string()) params += (params.empty() ? "" : ", ") + Printable(kv.get<std::string>());
    std::string who = p.role_label.empty() ? p.role : fmt::format("{} ({})", OnOneLine(p.role_label), p.role);
    out += p.lang == "zh" ? fmt::format("角色 {}{}：仅含该角色可见的数据", who, params.empty() ? "" : " · " + params)
                          : fmt::format("for role {}{}: only the rows this role may see", who,
                                        params.empty() ? "" : " · " + params);
    if (r.as_of) out += (p.lang == "zh" ? " · 数据截至 " : " · data as of ") + rt::FormatDate(*r.as_of);
    out += "\n";
  }
  if (!r.metrics.empty()) {
    if (!out.empty()) out += "\n";
    // In the report's language, as the goals' tables are (a Chinese table
    // said `period`); a dimension by its drill label where a goal gives one.
    std::vector<std::string> head{p.lang == "zh" ? "期间" : "period"};
    std::vector<bool> right{false};
    for (size_t i = 0; i < p.by.size(); ++i) {
      // Its label, as metrics show theirs (门店, not `store`).
      std::string name = i < p.by_labels.size() && !p.by_labels[i].empty() ? OnOneLine(p.by_labels[i]) : p.by[i];
      head.push_back(name), right.push_back(false);
    }
    auto metric_head = [](const engine::MetricResult& m) {
      return OnOneLine(m.output->label.empty() ? m.output->metric : m.output->label);
    };
    for (const auto& m : r.metrics) {
      head.push_back(metric_head(m));
      right.push_back(true);
    }
    WideForecast f = PivotForecast(r);
    if (f.asked)
      for (const auto& m : r.metrics)
        for (const char* level : {"80%", "95%"}) {
          std::string interval = fmt::format(fmt::runtime(p.lang == "zh" ? "{} 区间" : "{} interval"), level);
          head.push_back(r.metrics.size() == 1 ? interval : metric_head(m) + " " + interval);
          right.push_back(true);
        }
    Wide w = Pivot(r);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::pair<std::string, engine::Span>> partial;
    for (size_t i = 0; i < w.keys.size(); ++i) {
      std::string label = ShownLabel(p.grain, w.keys[i].first, p);
      if (w.spans[i].partial && (partial.empty() || partial.back().first != label)) partial.push_back({label, w.spans[i]});
      std::vector<std::string> row{w.spans[i].partial ? label + "*" : label};
      for (size_t d = 0; d < p.by.size(); ++d) row.push_back(Member(w.keys[i].second[d], p.by_types[d]));
      for (size_t m = 0; m < r.metrics.size(); ++m)
        // A metric with no row for the member (its source has none of it)
        // has no value there, shown as a null is (a blank beside a "—"
        // read as two things: review, 2026-12-06).
        row.push_back(w.cells[i][m] ? Show(*w.cells[i][m], LookOf(r.metrics[m].output->format, r.metrics[m].output->unit,
                                                                  r.metrics[m].output->percent))
                                    : "—");
      row.resize(head.size());
      rows.push_back(row);
    }
    for (size_t i = 0; i < f.keys.size(); ++i) {
      std::vector<std::string> row{Label(p.grain, f.keys[i].first, p) + (p.lang == "zh" ? "（预测）" : " (forecast)")};
      for (size_t d = 0; d < p.by.size(); ++d) row.push_back(Member(f.keys[i].second[d], p.by_types[d]));
      // As the metric's own numbers are shown (¥148,521.47, not 148521.47).
      // An exact metric's estimate in its own decimals (a count's forecast
      // as 578, not 578.47).
      auto shown = [&](double v, size_t m) {
        const Look look = LookOf(r.metrics[m].output->format, r.metrics[m].output->unit, r.metrics[m].output->percent);
        if (std::isfinite(v) && !r.metrics[m].output->percent && std::fabs(v) < 1e15)
          for (const auto& row : r.metrics[m].rows)
            if (row.value.exact() && row.value.scale <= 6) {
              double f = std::pow(10.0, row.value.scale);
              return Show(engine::Val::Dec(static_cast<__int128>(std::llround(v * f)), row.value.scale), look);
            }
        return Show(v, look);
      };
      for (size_t m = 0; m < r.metrics.size(); ++m)
        row.push_back(f.cells[i][m] ? shown(f.cells[i][m]->value, m) : "");
      for (size_t m = 0; m < r.metrics.size(); ++m) {
        const engine::ForecastRow* fr = f.cells[i][m];
        auto range = [&](double lo, double hi) {
          return std::isnan(lo) ? std::string() : shown(lo, m) + (p.lang == "zh" ? " 至 " : " to ") + shown(hi, m);
        };
        row.push_back(fr ? range(fr->lo80, fr->hi80) : "");
        row.push_back(fr ? range(fr->lo95, fr->hi95) : "");
      }
      rows.push_back(row);
    }
    out += Grid(head, rows, right);
    out += PartialNote(partial, r.as_of, "", false, p.lang);
    if (f.asked) out += ForecastNote(p, r);
  }
  const std::string& lang = p.lang;
  auto T = [&](const char* en, const char* zh) { return Tr(lang, en, zh); };
  auto F = [&](const char* en, const char* zh) { return fmt::runtime(Tr(lang, en, zh)); };
  for (const auto& g : r.goals) {
    if (!out.empty()) out += "\n";
    auto paint = [&](const std::string& status, const std::string& text) {
      if (!color) return text;
      const char* c = status == "met"       ? "\033[32m"
                      : status == "at_risk" ? "\033[33m"
                      : status == "missed"  ? "\033[31m"
                                            : "\033[2m";
      return std::string(c) + text + "\033[0m";
    };
    const Look look = LookOf(g.goal->format, g.goal->unit, g.goal->percent);
    // A goal of several periods is judged on its progress to date (engine
    // Explain): the headline says so.
    bool to_date = g.periods.size() > 1 && g.has_progress && !g.goal->target_per_period;
    out += fmt::format("{}: {}{}\n",
                       LabelAndName(OnOneLine(g.goal->label), g.goal->name),
                       paint(g.status, StatusWord(g.status, lang)),
                       !to_date                            ? ""
                       : g.complete ? T(" (whole period)", "（全期）")
                                    : T(" (to date)", "（累计至今）"));
    std::vector<std::vector<std::string>> rows;
    std::vector<std::pair<std::string, engine::Span>> partial;
    std::vector<std::string> statuses;
    for (const auto& gp : g.periods) {
      std::string label = Label(g.goal->grain, gp.period, p);
      bool cut = gp.span.partial && gp.span.first <= gp.span.last;
      if (cut) partial.push_back({label, gp.span});
      std::string att = gp.has_attainment ? RatioText(gp.attainment)
                        : gp.has_pace     ? std::string(T("pace", "进度")) + " " + RatioText(gp.pace)
                                          : "—";
      // A partial period against the target for its days.
      auto [value, target] = ShowApart(gp.value, engine::DaysTarget(gp), look);
      rows.push_back({cut ? label + "*" : label, value, target, att, StatusWord(gp.status, lang)});
      statuses.push_back(gp.status);
    }
    std::string grid = Grid({T("period", "期间"), T("value", "实际"), T("target", "目标"), T("attainment", "达成率"),
                             T("status", "状态")},
                            rows, {false, true, true, true, false});
    if (color) {  // paint each period's status word (the last cell of its line)
      std::string painted;
      size_t line = 0, pos = 0;
      while (pos < grid.size()) {
        size_t end = grid.find('\n', pos);
        std::string l = grid.substr(pos, end - pos);
        if (line >= 2 && line - 2 < statuses.size()) {
          const std::string word = StatusWord(statuses[line - 2], lang);
          if (l.size() >= word.size() && l.compare(l.size() - word.size(), word.size(), word) == 0)
            l = l.substr(0, l.size() - word.size()) + paint(statuses[line - 2], word);
        }
        painted += l + "\n";
        pos = end + 1;
        ++line;
      }
      grid = painted;
    }
    out += grid;
    out += PartialNote(partial, r.as_of, "  ", true, lang);
    if (g.has_progress) out += "  " + ProgressSentence(g, look, p) + "\n";
    if (g.forecast.has) {
      const engine::GoalOutlook& o = g.forecast;
      out += fmt::format("  {} {}: {}\n", T("forecast to", "预测至"),
                         Label(g.goal->grain, o.from + static_cast<int64_t>(o.path.mean.size()) - 1, p),
                         OutlookSentence(o, look, p));
      if (o.partial) out += fmt::format("    {}\n", InProgressSentence(o, g.goal->grain, look, p));
      out += fmt::format(F("    model {}: {}\n", "    模型 {}：{}\n"), o.fit.ModelName(), o.fit.Why(lang));
      for (const auto& dr : g.drill) {
        if (!dr.at_risk.empty())
          out += "    " + AtRiskHeading(dr, dr.drill->label.empty() ? dr.drill->dim : dr.drill->label, lang) +
                 OnOneLine(AtRiskText(dr)) + "\n";
      }
    }
    out += AlertDigestText(g, p, color, ctx.actions);
    if (g.compared) {
      for (const auto& d : g.decomposition) {
        std::string opening = OpeningPhrase(d, p);
        if (!opening.empty()) opening = lang == "zh" ? "（" + opening + "）" : " (" + opening + ")";
        out += fmt::format("  {} {}{}: {} = {}{}\n", T("decomposition", "指标分解"), ComparedPhrase(g, p), opening, d.node->name,
                           d.node->formula,
                           d.holds ? "" : (lang == "zh" ? "  （" + IdentityNote(d, p) + "）" : "  (" + IdentityNote(d, p) + ")"));
        std::vector<std::vector<std::string>> rows;
        const std::vector<engine::Val> shown = ShownContributions(d, look);
        for (size_t i = 0; i < d.terms.size(); ++i) {
          const auto& term = d.node->terms[i];
          const Look tl = LookOf(term.format, term.unit, term.percent);
          std::string opening = static_cast<int>(i) == d.node->opening ? T("opening ", "期初 ") : "";
          rows.push_back({OnOneLine(opening + LabelAndName(term.label, term.text)),
                          Show(d.terms[i].value, tl), Show(d.terms[i].previous, tl), ShowChange(shown[i], look)});
        }
        rows.push_back({"= " + (d.node->name == g.goal->metric ? LabelAndName(OnOneLine(g.goal->metric_label), d.node->name)
                                                               : d.node->name),
                        Show(d.value, look), Show(d.previous, look),
                        ShowChange(engine::Sub(d.value, d.previous), look)});
        out += Grid({T("driver", "驱动因素"), T("now", "本期"), T("before", "上期"), T("contribution", "贡献")}, rows,
                    {false, true, true, true}, "    ");
      }
      for (const auto& dr : g.drill) {
        std::string dim = OnOneLine(dr.drill->label.empty() ? dr.drill->dim : dr.drill->label);
        out += lang == "zh" ? fmt::format("  按{}下钻：{}，{} 个成员中变化最大和最小的\n", dim, ComparedPhrase(g, p), dr.members)
                            : fmt::format("  drill by {}: {}, largest and smallest changes of {} members\n", dim,
                                          ComparedPhrase(g, p), dr.members);
        std::vector<std::vector<std::string>> rows;
        auto add = [&](const engine::DrillResult::Member& m) {
          rows.push_back({Member(m.member, dr.drill->type), Show(m.value, look), ShowChange(m.change, look),
                          m.has_attainment ? RatioText(m.attainment) : "—",
                          m.has_effects ? ShowChange(m.mix, look) : "", m.has_effects ? ShowChange(m.rate, look) : ""});
        };
        for (const auto& m : dr.top) add(m);
        for (auto it = dr.bottom.rbegin(); it != dr.bottom.rend(); ++it) add(*it);
        bool fx = !dr.top.empty() && dr.top[0].has_effects;
        if (!fx)
          for (auto& row : rows) row.resize(4);
        std::vector<std::string> head{dim, T("now", "本期"), T("change", "变化"), T("attainment", "达成率")};
        if (fx) head.push_back(T("mix", "结构效应")), head.push_back(T("rate", "比率效应"));
        std::vector<bool> right(head.size(), true);
        right[0] = false;
        out += Grid(head, rows, right, "    ");
      }
    }
  }
  if (ctx.actions && !ctx.actions->empty()) {
    out += fmt::format("\n{}\n", T("Actions and their measured effects", "行动及其测得的效果"));
    std::string list = ActionsText(*ctx.actions, lang);
    for (size_t at = 0; at < list.size();) {  // indented under the heading
      size_t nl = list.find('\n', at);
      std::string line = list.substr(at, nl - at);
      out += line.empty() ? "\n" : "  " + line + "\n";
      at = nl + 1;
    }
  }
  // A report's charts are drawn in HTML only: said, not silently dropped.
  if (!p.charts.empty())
    out += p.lang == "zh" ? fmt::format("\n（本报告的 {} 个图表只在 --format html 中绘制。）\n", p.charts.size())
                          : fmt::format("\n(this report's {} chart(s) are drawn in --format html only)\n", p.charts.size());
  return ctx.width ? WrapSentences(out, ctx.width) : out;
}


}  // namespace kpic::output
