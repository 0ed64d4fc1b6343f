// `--format csv`: one row per period and member with one column per
// metric, then the goals' periods. Exact values as text, nulls empty.
#include <fmt/format.h>

#include <string_view>

#include "output/output.h"
#include "output/values.h"
#include "output/words.h"

namespace kpic::output {

namespace {

using engine::Val;

/// Whether `s` is a plain decimal number: an optional sign, digits, an
/// optional fraction (`.` and digits) and an optional exponent (`e` or `E`,
/// an optional sign, digits). Nothing else a parser might take for a
/// number (`0x1A`, `inf`, `nan(...)`, `1.`, `.5`).
bool PlainNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return first) gets a leading `'`, the OWASP
/// way; a plain number (`-5`, `+1.5e3`) is left alone.
std::string Neutralised(const std::string& s) {
  if (s.empty() || std::string_view("=+-@\t\r").find(s[0]) == std::string_view::npos || PlainNumber(s)) return s;
  return "'" + s;
}

std::string CsvField(std::string s) {
  s = Neutralised(s);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// `grain`, `by` and `rows` of a metric or chart.
}  // namespace

std::string Csv(const Context& ctx) {
  const plan::Plan& p = ctx.plan;
  const engine::Results& r = ctx.results;
  std::string out;
  if (!r.metrics.empty()) {
    out += "period";
    for (const auto& d : p.by) out += "," + CsvField(d);
    for (const auto& m : r.metrics) out += "," + CsvField(m.output->metric);
    out += ",partial";
    // --forecast: five trailing columns per metric, empty on actual rows;
    // the forecast rows follow the actual ones, their metric cells empty.
    WideForecast f = PivotForecast(r);
    const char* kParts[] = {"forecast", "lo80", "hi80", "lo95", "hi95"};
    if (f.asked)
      for (const auto& m : r.metrics)
        for (const char* part : kParts)
          out += "," + (r.metrics.size() == 1 ? std::string(part) : CsvField(m.output->metric + "_" + part));
    out += "\n";
    std::string no_forecast = f.asked ? std::string(5 * r.metrics.size(), ',') : std::string();
    auto key = [&](const std::pair<int64_t, engine::DimTuple>& k) {
      std::string s = Label(p.grain, k.first, p);
      for (size_t d = 0; d < p.by.size(); ++d)
        s += "," + (k.second[d].null ? std::string() : CsvField(DimText(k.second[d], p.by_types[d])));
      return s;
    };
    Wide w = Pivot(r);
    for (size_t i = 0; i < w.keys.size(); ++i) {
      out += key(w.keys[i]);
      for (const Val* v : w.cells[i]) out += "," + (v ? v->Text() : std::string());
      out += "," + SpanText(w.spans[i]) + no_forecast + "\n";
    }
    for (size_t i = 0; i < f.keys.size(); ++i) {
      out += key(f.keys[i]) + std::string(r.metrics.size() + 1, ',');
      for (const engine::ForecastRow* row : f.cells[i])
        for (double v :
             {row ? row->value : forecast::kNaN, row ? row->lo80 : forecast::kNaN, row ? row->hi80 : forecast::kNaN,
              row ? row->lo95 : forecast::kNaN, row ? row->hi95 : forecast::kNaN})
          out += "," + ForecastNumber(v);
      out += "\n";
    }
  }
  if (!r.goals.empty()) {
    if (!out.empty()) out += "\n";
    // A partial period's `target` is the whole period's (as `kpic sql`
    // gives it); `pace_target` is the target for its days, the one `pace`
    // and a cut period's attainment compare the value with.
    out += "goal,period,value,target,attainment,status,partial,pace,pace_target\n";
    for (const auto& g : r.goals)
      for (const auto& gp : g.periods)
        out += fmt::format("{},{},{},{},{},{},{},{},{}\n", CsvField(g.goal->name), Label(g.goal->grain, gp.period, p),
                           gp.value.Text(), gp.target.Text(), gp.has_attainment ? fmt::format("{}", gp.attainment) : "",
                           ContractStatus(gp.status), SpanText(gp.span), gp.has_pace ? fmt::format("{}", gp.pace) : "",
                           gp.span.partial ? gp.pace_target.Text() : "");
  }
  // A report's charts, each its own block after a blank line: `chart` (as
  // written), `period`, its dimensions, `value`, `partial`. A report of
  // charts alone wrote an empty file (reader's probe, 2026-12-07).
  for (const auto& c : r.charts) {
    const plan::Output& o = *c.output;
    if (!out.empty()) out += "\n";
    out += "chart,period";
    for (const auto& d : o.by) out += "," + CsvField(d);
    out += ",value,partial\n";
    for (const auto& row : c.rows) {
      out += CsvField(o.formula) + "," + Label(o.grain, row.period, p);
      for (size_t d = 0; d < o.by.size(); ++d)
        out += "," + (row.dims[d].null ? std::string() : CsvField(DimText(row.dims[d], o.by_types[d])));
      out += "," + row.value.Text() + "," + SpanText(row.span) + "\n";
    }
  }
  return out;
}


}  // namespace kpic::output
