// `--format table`: aligned text for the terminal (display widths count
// CJK characters as two columns): metric rows, then per goal its periods,
// progress, alerts, decomposition and drill-down.
#include <fmt/format.h>

#include <cmath>

#include "base/utf8.h"
#include "output/output.h"
#include "output/values.h"

namespace kpic::output {

namespace {

using engine::Val;

/// A member's text as the table shows it: a tab, line feed or carriage
/// return (the only controls a value may hold, docs/language.md "Data
/// errors") as `\t`, `\n`, `\r`, and a backslash as `\\`, so that a value
/// cannot break the table's lines or columns, nor pass for another.
std::string OnOneLine(std::string s) {
  constexpr std::string_view kFrom = "\t\n\r\\", kTo = "tnr\\";
  if (s.find_first_of(kFrom) == std::string::npos) return s;
  std::string out;
  for (char c : s) {
    size_t k = kFrom.find(c);
    if (k != std::string_view::npos) out += '\\';
    out += k != std::string_view::npos ? kTo[k] : c;
  }
  return out;
}

std::string Member(const engine::DimValue& d, plan::VT t) { return OnOneLine(DimText(d, t)); }

std::string Pad(const std::string& s, size_t width, bool right) {
  size_t w = DisplayWidth(s);
  std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string Grid(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right) {
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) width[c] = DisplayWidth(head[c]);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], DisplayWidth(r[c]));
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t c = 0; c < cells.size(); ++c) l += (c ? "  " : "") + Pad(cells[c], width[c], right[c]);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(head);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
  return out;
}

/// The footnote under a table with partial periods.
std::string PartialNote(const std::vector<std::pair<std::string, engine::Span>>& partial,
                        const std::optional<int32_t>& as_of, const char* indent, bool goal) {
  if (partial.empty()) return "";
  std::string out;
  for (const auto& [label, sp] : partial)
    out += fmt::format("{}* {} is partial: {} to {}", indent, label, rt::FormatDate(sp.first), rt::FormatDate(sp.last));
  if (partial.size() > 1) {
    out.clear();
    out += indent;
    out += "* partial:";
    for (const auto& [label, sp] : partial)
      out += fmt::format(" {} ({} to {})", label, rt::FormatDate(sp.first), rt::FormatDate(sp.last));
  }
  if (as_of) out += fmt::format("; data as of {}", rt::FormatDate(*as_of));
  out += goal ? fmt::format(".\n{}  Period operators compare the same days; pace compares with the target for them.\n", indent)
              : fmt::format(".\n{}  Period operators compare the same days of the other periods.\n", indent);
  return out;
}

/// The footnote under a table with forecasts: each member's model and why.
std::string ForecastNote(const plan::Plan& p, const engine::Results& r) {
  std::string out =
      "(forecast) rows: exponential smoothing of the complete periods, with 80% and 95% prediction intervals; estimates, "
      "rounded for display (full precision in --format json or csv).\n";
  for (const auto& m : r.metrics)
    for (const auto& fm : m.models) {
      std::string who = OnOneLine(MembersText(fm.dims, *m.output));
      out += fmt::format("  {}{}: {}\n", m.output->metric, who.empty() ? "" : " (" + who + ")",
                         ModelText(fm, *m.output, p));
    }
  return out;
}

}  // namespace

std::string Table(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  bool color = ctx.color;
  std::string out;
  if (!r.metrics.empty()) {
    std::vector<std::string> head{"period"};
    std::vector<bool> right{false};
    for (const auto& d : p.by) head.push_back(d), right.push_back(false);
    for (const auto& m : r.metrics) {
      std::string unit = m.output->percent ? "%" : m.output->unit;
      head.push_back(unit == "1" ? m.output->metric : fmt::format("{} ({})", m.output->metric, unit));
      right.push_back(true);
    }
    WideForecast f = PivotForecast(r);
    if (f.asked)
      for (const auto& m : r.metrics)
        for (const char* level : {"80%", "95%"}) {
          head.push_back(r.metrics.size() == 1 ? fmt::format("{} interval", level)
                                               : fmt::format("{} {}", m.output->metric, level));
          right.push_back(true);
        }
    Wide w = Pivot(r);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::pair<std::string, engine::Span>> partial;
    for (size_t i = 0; i < w.keys.size(); ++i) {
      std::string label = Label(p.grain, w.keys[i].first, p);
      if (w.spans[i].partial && (partial.empty() || partial.back().first != label)) partial.push_back({label, w.spans[i]});
      std::vector<std::string> row{w.spans[i].partial ? label + "*" : label};
      for (size_t d = 0; d < p.by.size(); ++d) row.push_back(Member(w.keys[i].second[d], p.by_types[d]));
      for (size_t m = 0; m < r.metrics.size(); ++m)
        row.push_back(w.cells[i][m] ? DisplayValue(*w.cells[i][m], r.metrics[m].output->percent) : "");
      row.resize(head.size());
      rows.push_back(row);
    }
    for (size_t i = 0; i < f.keys.size(); ++i) {
      std::vector<std::string> row{Label(p.grain, f.keys[i].first, p) + " (forecast)"};
      for (size_t d = 0; d < p.by.size(); ++d) row.push_back(Member(f.keys[i].second[d], p.by_types[d]));
      for (size_t m = 0; m < r.metrics.size(); ++m)
        row.push_back(f.cells[i][m] ? ForecastText(f.cells[i][m]->value, r.metrics[m]) : "");
      for (size_t m = 0; m < r.metrics.size(); ++m) {
        const engine::ForecastRow* fr = f.cells[i][m];
        auto range = [&](double lo, double hi) {
          return std::isnan(lo) ? std::string() : ForecastText(lo, r.metrics[m]) + " to " + ForecastText(hi, r.metrics[m]);
        };
        row.push_back(fr ? range(fr->lo80, fr->hi80) : "");
        row.push_back(fr ? range(fr->lo95, fr->hi95) : "");
      }
      rows.push_back(row);
    }
    out += Grid(head, rows, right);
    out += PartialNote(partial, r.as_of, "", false);
    if (f.asked) out += ForecastNote(p, r);
  }
  for (const auto& g : r.goals) {
    if (!out.empty()) out += "\n";
    auto paint = [&](const std::string& status) {
      if (!color) return status;
      const char* c = status == "met"       ? "\033[32m"
                      : status == "at_risk" ? "\033[33m"
                      : status == "missed"  ? "\033[31m"
                                            : "\033[2m";
      return std::string(c) + status + "\033[0m";
    };
    out += fmt::format("goal {}{}: {}\n", g.goal->name, g.goal->label.empty() ? "" : " \"" + g.goal->label + "\"",
                       paint(g.status));
    std::vector<std::vector<std::string>> rows;
    std::vector<std::pair<std::string, engine::Span>> partial;
    for (const auto& gp : g.periods) {
      std::string label = Label(g.goal->grain, gp.period, p);
      bool cut = gp.span.partial && gp.span.first <= gp.span.last;
      if (cut) partial.push_back({label, gp.span});
      std::string att = gp.has_attainment ? fmt::format("{:.1f}%", gp.attainment * 100)
                        : gp.has_pace     ? fmt::format("pace {:.1f}%", gp.pace * 100)
                                          : "-";
      rows.push_back({cut ? label + "*" : label, DisplayValue(gp.value, g.goal->percent),
                      DisplayValue(gp.target, g.goal->percent), att, gp.status});
    }
    std::string grid =
        Grid({"period", "value", "target", "attainment", "status"}, rows, {false, true, true, true, false});
    if (color) {
      for (const char* s : {"at_risk", "missed", "met"}) {
        size_t pos = 0;
        std::string plain = std::string("  ") + s + "\n";
        while ((pos = grid.find(plain, pos)) != std::string::npos) {
          std::string painted = "  " + paint(s) + "\n";
          grid.replace(pos, plain.size(), painted);
          pos += painted.size();
        }
      }
    }
    out += grid;
    out += PartialNote(partial, r.as_of, "  ", true);
    if (g.has_progress) {
      engine::Val att = plan::LowerIsBetter(g.goal->cmp) ? engine::Div(g.target_total, g.projection)
                                                         : engine::Div(g.projection, g.target_total);
      out += fmt::format("  to date (through {}): {} of {}; projected {} of {}{}\n",
                         g.through_span.partial ? rt::FormatDate(g.through_span.last) : Label(g.goal->grain, g.through, p),
                         DisplayValue(g.to_date, g.goal->percent), DisplayValue(g.target_to_date, g.goal->percent),
                         DisplayValue(g.projection, g.goal->percent), DisplayValue(g.target_total, g.goal->percent),
                         att.null() ? "" : fmt::format(" ({:.1f}%)", att.AsDouble() * 100));
    }
    if (g.forecast.has) {
      const engine::GoalOutlook& o = g.forecast;
      out += fmt::format("  forecast to {}: {}\n", Label(g.goal->grain, o.from + static_cast<int64_t>(o.path.mean.size()) - 1, p),
                         OutlookText(o, g.goal->percent, GoalDigits(g)));
      if (o.partial)
        out += fmt::format("    {}\n", InProgressText(o, g.goal->grain, p, g.goal->percent, GoalDigits(g)));
      out += fmt::format("    model {}: {}\n", o.fit.ModelName(), o.fit.why);
      for (const auto& dr : g.drill) {
        if (!dr.at_risk.empty())
          out += fmt::format("    least likely to meet their target, by {}: {}\n", dr.drill->dim,
                             OnOneLine(AtRiskText(dr)));
      }
    }
    // The terminal shows the goal's own alerts and the members' alerts of
    // the last period with data; JSON and HTML list them all.
    size_t hidden = 0;
    for (const auto& a : g.alerts) {
      if (!a.dim.empty() && (!g.compared || a.period != g.period)) {
        ++hidden;
        continue;
      }
      std::string where = a.dim.empty() ? "" : fmt::format(" ({} {})", a.dim, Member(a.member, a.dim_type));
      std::string line = fmt::format("  alert [{}] {} in {}{}: {}", a.severity, a.name,
                                     Label(g.goal->grain, a.period, p), where, a.value.null() ? "-" : DisplayValue(a.value, a.percent));
      if (!a.message.empty()) line += " (" + a.message + ")";
      if (color && a.severity == "critical") line = "\033[31m" + line + "\033[0m";
      out += line + "\n";
    }
    if (hidden)
      out += fmt::format("  ({} alert(s) on members in earlier periods: see --format json or html)\n", hidden);
    if (g.compared) {
      for (const auto& d : g.decomposition) {
        out += fmt::format("  decomposition {}: {} = {}{}\n", ComparedText(g, p), d.node->name, d.node->formula,
                           d.holds ? "" : fmt::format("  (does not hold: gap {})", d.gap.Text()));
        std::vector<std::vector<std::string>> rows;
        for (size_t i = 0; i < d.terms.size(); ++i)
          rows.push_back({"    " + d.node->terms[i].text, DisplayValue(d.terms[i].value, false),
                          DisplayValue(d.terms[i].previous, false), DisplayValue(d.terms[i].contribution, false)});
        rows.push_back({"    = " + d.node->name, DisplayValue(d.value, false), DisplayValue(d.previous, false),
                        DisplayValue(engine::Sub(d.value, d.previous), false)});
        out += Grid({"    driver", "now", "before", "contribution"}, rows, {false, true, true, true});
      }
      for (const auto& dr : g.drill) {
        out += fmt::format("  drill by {}: {}, largest and smallest changes of {} members\n", dr.drill->dim,
                           ComparedText(g, p), dr.members);
        std::vector<std::vector<std::string>> rows;
        auto add = [&](const engine::DrillResult::Member& m) {
          rows.push_back({"    " + Member(m.member, dr.drill->type), DisplayValue(m.value, g.goal->percent),
                          DisplayValue(m.change, g.goal->percent),
                          m.has_attainment ? fmt::format("{:.1f}%", m.attainment * 100) : "—",
                          m.has_effects ? DisplayValue(engine::Val::Float(m.mix), g.goal->percent) : "",
                          m.has_effects ? DisplayValue(engine::Val::Float(m.rate), g.goal->percent) : ""});
        };
        for (const auto& m : dr.top) add(m);
        for (auto it = dr.bottom.rbegin(); it != dr.bottom.rend(); ++it) add(*it);
        bool fx = !dr.top.empty() && dr.top[0].has_effects;
        if (!fx)
          for (auto& row : rows) row.resize(4);
        out += fx ? Grid({"    member", "now", "change", "attainment", "mix", "rate"}, rows,
                         {false, true, true, true, true, true})
                  : Grid({"    member", "now", "change", "attainment"}, rows, {false, true, true, true});
      }
    }
  }
  return out;
}


}  // namespace kpic::output
