// `kpic run`: load and check, lower to a plan, read only the needed
// columns, join lookups, execute every scan (interpreter or JIT), evaluate
// and render.
#include "driver/run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>

#include "base/utf8.h"
#include "codegen/kernel.h"
#include "datetime.h"
#include "diag/render.h"
#include "driver/data.h"
#include "driver/interrupt.h"
#include "driver/pushdown.h"
#include "driver/report_html.h"
#include "driver/run_support.h"
#include "driver/session.h"
#include "driver/values.h"
#include "engine/engine.h"
#include "hugepages.h"
#include "plan/lower.h"
#include "sema/scope.h"
#include "timezone.h"

namespace kpic {

SessionOptions ToSession(const CommonOptions& c) {
  SessionOptions o;
  o.stdlib_dir = c.stdlib_dir;
  o.no_stdlib = c.no_stdlib;
  o.parse.max_nesting = c.max_depth;
  return o;
}

std::unique_ptr<Session> Load(const RunOptions& o, const CommonOptions& common) {
  std::unique_ptr<Session> s = LoadAndCheck(o.paths, ToSession(common));
  if (s->diags.has_errors()) {
    HumanStyle style;
    style.color = common.color == "always" || (common.color == "auto" && isatty(STDERR_FILENO));
    for (const Diagnostic& d : s->diags.diagnostics())
      if (d.severity == Severity::kError) std::fprintf(stderr, "%s\n", RenderHuman(s->sm, d, style).c_str());
    std::fprintf(stderr, "kpic: not run: %s\n",
                 RenderSummary(s->diags.error_count(), s->diags.warning_count(), s->diags.suppressed()).c_str());
  }
  return s;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const std::string& s : in) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

plan::Request ToRequest(const RunOptions& o) {
  plan::Request r;
  r.metrics = SplitCommas(o.metrics);
  r.goals = SplitCommas(o.goals);
  r.report = o.report;
  r.all_goals = r.metrics.empty() && r.goals.empty() && r.report.empty();
  r.by = SplitCommas(o.by);
  if (!o.grain.empty()) {
    r.grain = rt::ParseGrain(o.grain);
    if (!r.grain)
      throw UsageError(fmt::format("unknown --grain `{}`: use day, week, month, quarter, year or all", o.grain));
  }
  for (auto [text, slot] : {std::pair{&o.from, &r.from_day}, std::pair{&o.to, &r.to_day}}) {
    if (text->empty()) continue;
    auto d = rt::ParseDate(*text, rt::DateFormat{});
    if (!d) throw UsageError(fmt::format("`{}` is not a date: write YYYY-MM-DD", *text));
    *slot = *d;
  }
  if (r.from_day && r.to_day && *r.from_day >= *r.to_day)
    throw UsageError("--from must be before --to (--from is inclusive, --to exclusive)");
  r.role = o.role;
  for (const std::string& p : o.params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--param expects KEY=VALUE, got `{}`", p));
    r.params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return r;
}

plan::Plan MakePlan(const Session& s, const plan::Request& req) {
  try {
    plan::Plan p = plan::Lower(s.catalog.checked.ir, req);
    if (p.outputs.empty() && p.goals.empty() && p.charts.empty())
      throw UsageError("nothing to evaluate: the package declares no goals; ask for metrics with --metric NAME");
    return p;
  } catch (const plan::PlanError& e) {
    throw UsageError(e.what());
  }
}

std::optional<rt::TimeZone> LoadZone(const plan::Plan& p) {
  if (p.time_zone.empty()) return std::nullopt;
  std::string error;
  auto z = rt::TimeZone::Load(p.time_zone, &error);
  if (!z) throw UsageError(fmt::format("time zone `{}`: {}", p.time_zone, error));
  return z;
}

namespace {

using engine::Val;

// ---- data ------------------------------------------------------------------------

struct Tables {
  std::map<std::string, SourceData> by_source;  ///< catalog key -> data
  std::map<std::string, std::map<std::string, size_t>> column_index;
  std::deque<rt::Column> joined;  ///< lookup columns built for scans
  std::vector<std::string> warnings;
};

const rt::Column& TableColumn(const Tables& t, const std::string& source, const std::string& column) {
  return t.by_source.at(source).data.columns.at(t.column_index.at(source).at(column));
}

/// Joins a lookup path many-to-one: row i of the scanned source gets the
/// value of the last column of the path in the referenced row, or null
/// when the key is not found (counted and reported).
const rt::Column* JoinPath(const Session& s, Tables& t, const plan::ScanColumn& sc) {
  Scope scope(s.catalog, nullptr);
  const rt::Column* cur = &TableColumn(t, sc.sources[0], sc.path[0]);
  std::vector<int64_t> rows(cur->size());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  for (size_t step = 1; step < sc.path.size(); ++step) {
    const std::string& target = sc.sources[step];
    const ast::SourceDecl* decl = scope.SourceByKey(target);
    std::string key_name;
    for (const auto& c : decl->columns)
      if (c.key) key_name = c.name.name;
    const rt::Column& key = TableColumn(t, target, key_name);
    const SourceData& target_data = t.by_source.at(target);
    // Index the referenced source's key; a duplicate would fan rows out.
    std::unordered_map<std::string, int64_t> index;
    index.reserve(key.size());
    for (size_t r = 0; r < key.size(); ++r) {
      if (key.IsNull(r)) continue;
      std::string k = key.type == rt::ColType::kString ? key.dict.At(key.codes[r]) : std::to_string(key.ints[r]);
      auto [it, inserted] = index.emplace(k, static_cast<int64_t>(r));
      if (!inserted)
        throw rt::DataError(target_data.uri, r + 2, key_name, k,
                            fmt::format("the key of `{}` is duplicated (first at data row {}), so a lookup into it "
                                        "would count rows twice",
                                        decl->name.name, it->second + 1));
    }
    size_t unmatched = 0;
    std::string example;
    for (int64_t& r : rows) {
      if (r < 0) continue;
      if (cur->IsNull(static_cast<size_t>(r))) {
        r = -1;
        continue;
      }
      std::string k = cur->type == rt::ColType::kString ? cur->dict.At(cur->codes[r]) : std::to_string(cur->ints[r]);
      auto it = index.find(k);
      if (it == index.end()) {
        if (!unmatched) example = k;
        ++unmatched;
        r = -1;
      } else {
        r = it->second;
      }
    }
    if (unmatched)
      t.warnings.push_back(fmt::format("{} row(s) have a `{}` not found in `{}` (for example `{}`); their `{}` is null",
                                       unmatched, sc.path[step - 1], decl->name.name, example, sc.path.back()));
    cur = &TableColumn(t, target, sc.path[step]);
  }
  // Gather the final column.
  rt::Column out;
  out.name = sc.Text();
  out.type = cur->type;
  out.scale = cur->scale;
  out.valid.resize(rows.size());
  if (cur->type == rt::ColType::kString) {
    out.codes.resize(rows.size());
    std::vector<uint32_t> remap(cur->dict.size(), UINT32_MAX);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (rows[i] < 0 || cur->IsNull(rows[i])) continue;
      uint32_t c = cur->codes[rows[i]];
      if (remap[c] == UINT32_MAX) remap[c] = out.dict.Intern(cur->dict.At(c));
      out.codes[i] = remap[c];
      out.valid[i] = 1;
    }
  } else if (cur->type == rt::ColType::kFloat) {
    out.floats.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] >= 0 && !cur->IsNull(rows[i])) out.floats[i] = cur->floats[rows[i]], out.valid[i] = 1;
  } else {
    out.ints.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i] >= 0 && !cur->IsNull(rows[i])) out.ints[i] = cur->ints[rows[i]], out.valid[i] = 1;
  }
  t.joined.push_back(std::move(out));
  return &t.joined.back();
}

// ---- output ----------------------------------------------------------------------------

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// `grain`, `by` and `rows` of a metric or chart.
void JsonRows(const engine::MetricResult& m, const plan::Plan& p, nlohmann::ordered_json* j) {
  const plan::Output& o = *m.output;
  (*j)["grain"] = rt::GrainName(o.grain);
  (*j)["by"] = o.by;
  (*j)["rows"] = nlohmann::json::array();
  for (const auto& row : m.rows) {
    nlohmann::ordered_json jr;
    jr["period"] = Label(o.grain, row.period, p);
    for (size_t d = 0; d < o.by.size(); ++d) jr[o.by[d]] = JsonDim(row.dims[d], o.by_types[d]);
    jr["value"] = JsonValue(row.value);
    (*j)["rows"].push_back(jr);
  }
}

std::string Json(const plan::Plan& p, const engine::Results& r) {
  nlohmann::ordered_json out;
  out["version"] = 1;
  out["results"] = nlohmann::json::array();
  for (const auto& m : r.metrics) {
    nlohmann::ordered_json j;
    j["metric"] = m.output->metric;
    j["label"] = m.output->label;
    j["unit"] = m.output->unit;
    j["additivity"] = m.output->additivity;
    JsonRows(m, p, &j);
    out["results"].push_back(j);
  }
  out["goals"] = nlohmann::json::array();
  for (const auto& g : r.goals) {
    nlohmann::ordered_json j;
    j["name"] = g.goal->name;
    j["label"] = g.goal->label;
    j["metric"] = g.goal->metric;
    j["unit"] = g.goal->unit;
    j["owner"] = g.goal->owner;
    j["grain"] = rt::GrainName(g.goal->grain);
    j["status"] = g.status;
    j["periods"] = nlohmann::json::array();
    for (const auto& gp : g.periods) {
      nlohmann::ordered_json jp;
      jp["period"] = Label(g.goal->grain, gp.period, p);
      jp["value"] = JsonValue(gp.value);
      jp["target"] = JsonValue(gp.target);
      jp["attainment"] = gp.has_attainment ? nlohmann::ordered_json(gp.attainment) : nlohmann::ordered_json(nullptr);
      jp["status"] = gp.status;
      j["periods"].push_back(jp);
    }
    if (g.has_progress) {
      auto ratio = [&](const engine::Val& a, const engine::Val& b) {
        engine::Val r = plan::LowerIsBetter(g.goal->cmp) ? engine::Div(b, a) : engine::Div(a, b);
        return JsonValue(r);
      };
      j["to_date"] = {{"through", Label(g.goal->grain, g.through, p)},
                      {"value", JsonValue(g.to_date)},
                      {"target", JsonValue(g.target_to_date)},
                      {"attainment", ratio(g.to_date, g.target_to_date)}};
      j["projection"] = {{"method", g.additive ? "straight_line" : "to_date_rate"},
                         {"value", JsonValue(g.projection)},
                         {"target", JsonValue(g.target_total)},
                         {"attainment", ratio(g.projection, g.target_total)}};
    }
    j["decomposition"] = nlohmann::json::array();
    j["drill"] = nlohmann::json::array();
    if (g.compared) {
      using Kind = plan::GoalPlan::Decomposition::Kind;
      for (const auto& d : g.decomposition) {
        nlohmann::ordered_json jd;
        jd["name"] = d.node->name;
        jd["formula"] = d.node->formula;
        jd["kind"] = d.node->kind == Kind::kAdditive         ? "additive"
                     : d.node->kind == Kind::kMultiplicative ? "multiplicative"
                                                             : "other";
        jd["period"] = Label(g.goal->grain, g.period, p);
        jd["previous_period"] = Label(g.goal->grain, g.previous_period, p);
        jd["value"] = JsonValue(d.value);
        jd["previous"] = JsonValue(d.previous);
        jd["change"] = JsonValue(engine::Sub(d.value, d.previous));
        jd["identity"] = JsonValue(d.identity);
        jd["gap"] = JsonValue(d.gap);
        jd["holds"] = d.holds;
        jd["terms"] = nlohmann::json::array();
        for (size_t i = 0; i < d.terms.size(); ++i) {
          nlohmann::ordered_json jt;
          jt["term"] = d.node->terms[i].text;
          jt[d.node->kind == Kind::kMultiplicative ? "exponent" : "sign"] = d.node->terms[i].sign;
          jt["value"] = JsonValue(d.terms[i].value);
          jt["previous"] = JsonValue(d.terms[i].previous);
          jt["contribution"] = JsonValue(d.terms[i].contribution);
          jd["terms"].push_back(jt);
        }
        j["decomposition"].push_back(jd);
      }
      for (const auto& dr : g.drill) {
        nlohmann::ordered_json jd;
        jd["dimension"] = dr.drill->dim;
        jd["period"] = Label(g.goal->grain, g.period, p);
        jd["previous_period"] = Label(g.goal->grain, g.previous_period, p);
        jd["members"] = dr.members;
        auto member = [&](const engine::DrillResult::Member& m) {
          nlohmann::ordered_json jm;
          jm["member"] = JsonDim(m.member, dr.drill->type);
          jm["value"] = JsonValue(m.value);
          jm["previous"] = JsonValue(m.previous);
          jm["change"] = JsonValue(m.change);
          jm["target"] = JsonValue(m.target);
          jm["attainment"] = m.has_attainment ? nlohmann::ordered_json(m.attainment) : nlohmann::ordered_json(nullptr);
          if (m.has_effects) {
            jm["mix_effect"] = m.mix;
            jm["rate_effect"] = m.rate;
          }
          return jm;
        };
        jd["top"] = nlohmann::json::array();
        jd["bottom"] = nlohmann::json::array();
        for (const auto& m : dr.top) jd["top"].push_back(member(m));
        for (const auto& m : dr.bottom) jd["bottom"].push_back(member(m));
        jd["best_attainment"] = nlohmann::json::array();
        jd["worst_attainment"] = nlohmann::json::array();
        for (const auto& m : dr.best) jd["best_attainment"].push_back(member(m));
        for (const auto& m : dr.worst) jd["worst_attainment"].push_back(member(m));
        j["drill"].push_back(jd);
      }
    }
    j["alerts"] = nlohmann::json::array();
    for (const auto& a : g.alerts) {
      nlohmann::ordered_json ja;
      ja["name"] = a.name;
      ja["severity"] = a.severity;
      ja["period"] = Label(g.goal->grain, a.period, p);
      ja["dims"] = nlohmann::json::object();
      if (!a.dim.empty()) ja["dims"][a.dim] = JsonDim(a.member, a.dim_type);
      ja["value"] = JsonValue(a.value);
      ja["message"] = a.message.empty() ? a.name : a.message;
      j["alerts"].push_back(ja);
    }
    out["goals"].push_back(j);
  }
  if (!r.charts.empty()) {
    out["charts"] = nlohmann::json::array();
    for (const auto& c : r.charts) {
      nlohmann::ordered_json j;
      j["chart"] = c.output->chart;
      j["formula"] = c.output->formula;
      j["unit"] = c.output->unit;
      JsonRows(c, p, &j);
      out["charts"].push_back(j);
    }
  }
  out["warnings"] = r.warnings;
  return out.dump(2) + "\n";
}

/// Rows keyed by period and members, with one column per metric.
struct Wide {
  std::vector<std::pair<int64_t, engine::DimTuple>> keys;
  std::vector<std::vector<const Val*>> cells;
};

Wide Pivot(const engine::Results& r) {
  Wide w;
  std::map<std::pair<int64_t, engine::DimTuple>, size_t> at;
  for (const auto& m : r.metrics)
    for (const auto& row : m.rows) at.emplace(std::make_pair(row.period, row.dims), 0);
  for (auto& [k, i] : at) {
    i = w.keys.size();
    w.keys.push_back(k);
  }
  w.cells.assign(w.keys.size(), std::vector<const Val*>(r.metrics.size(), nullptr));
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (const auto& row : r.metrics[m].rows) w.cells[at[{row.period, row.dims}]][m] = &row.value;
  return w;
}

std::string Csv(const plan::Plan& p, const engine::Results& r) {
  std::string out;
  if (!r.metrics.empty()) {
    out += "period";
    for (const auto& d : p.by) out += "," + CsvField(d);
    for (const auto& m : r.metrics) out += "," + CsvField(m.output->metric);
    out += "\n";
    Wide w = Pivot(r);
    for (size_t i = 0; i < w.keys.size(); ++i) {
      out += Label(p.grain, w.keys[i].first, p);
      for (size_t d = 0; d < p.by.size(); ++d)
        out += "," + (w.keys[i].second[d].null ? std::string() : CsvField(DimText(w.keys[i].second[d], p.by_types[d])));
      for (const Val* v : w.cells[i]) out += "," + (v ? v->Text() : std::string());
      out += "\n";
    }
  }
  if (!r.goals.empty()) {
    if (!out.empty()) out += "\n";
    out += "goal,period,value,target,attainment,status\n";
    for (const auto& g : r.goals)
      for (const auto& gp : g.periods)
        out += fmt::format("{},{},{},{},{},{}\n", CsvField(g.goal->name), Label(g.goal->grain, gp.period, p),
                           gp.value.Text(), gp.target.Text(), gp.has_attainment ? fmt::format("{}", gp.attainment) : "",
                           gp.status);
  }
  return out;
}

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

std::string Table(const plan::Plan& p, const engine::Results& r, bool color) {
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
    Wide w = Pivot(r);
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < w.keys.size(); ++i) {
      std::vector<std::string> row{Label(p.grain, w.keys[i].first, p)};
      for (size_t d = 0; d < p.by.size(); ++d) row.push_back(DimText(w.keys[i].second[d], p.by_types[d]));
      for (size_t m = 0; m < r.metrics.size(); ++m)
        row.push_back(w.cells[i][m] ? DisplayValue(*w.cells[i][m], r.metrics[m].output->percent) : "");
      rows.push_back(row);
    }
    out += Grid(head, rows, right);
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
    for (const auto& gp : g.periods)
      rows.push_back({Label(g.goal->grain, gp.period, p), DisplayValue(gp.value, g.goal->percent),
                      DisplayValue(gp.target, g.goal->percent),
                      gp.has_attainment ? fmt::format("{:.1f}%", gp.attainment * 100) : "-", gp.status});
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
    if (g.has_progress) {
      engine::Val att = engine::Div(g.projection, g.target_total);
      out += fmt::format("  to date (through {}): {} of {}; projected {} of {}{}\n", Label(g.goal->grain, g.through, p),
                         DisplayValue(g.to_date, g.goal->percent), DisplayValue(g.target_to_date, g.goal->percent),
                         DisplayValue(g.projection, g.goal->percent), DisplayValue(g.target_total, g.goal->percent),
                         att.null() ? "" : fmt::format(" ({:.1f}%)", att.AsDouble() * 100));
    }
    // The terminal shows the goal's own alerts and the members' alerts of
    // the last period with data; JSON and HTML list them all.
    size_t hidden = 0;
    for (const auto& a : g.alerts) {
      if (!a.dim.empty() && (!g.compared || a.period != g.period)) {
        ++hidden;
        continue;
      }
      std::string where = a.dim.empty() ? "" : fmt::format(" ({} {})", a.dim, DimText(a.member, a.dim_type));
      std::string line = fmt::format("  alert [{}] {} in {}{}: {}", a.severity, a.name,
                                     Label(g.goal->grain, a.period, p), where, a.value.null() ? "-" : a.value.Text());
      if (!a.message.empty()) line += " (" + a.message + ")";
      if (color && a.severity == "critical") line = "\033[31m" + line + "\033[0m";
      out += line + "\n";
    }
    if (hidden)
      out += fmt::format("  ({} alert(s) on members in earlier periods: see --format json or html)\n", hidden);
    if (g.compared) {
      for (const auto& d : g.decomposition) {
        out += fmt::format("  decomposition {} vs {}: {} = {}{}\n", Label(g.goal->grain, g.period, p),
                           Label(g.goal->grain, g.previous_period, p), d.node->name, d.node->formula,
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
        out += fmt::format("  drill by {}: {} vs {}, largest and smallest changes of {} members\n", dr.drill->dim,
                           Label(g.goal->grain, g.period, p), Label(g.goal->grain, g.previous_period, p), dr.members);
        std::vector<std::vector<std::string>> rows;
        auto add = [&](const engine::DrillResult::Member& m) {
          rows.push_back({"    " + DimText(m.member, dr.drill->type), DisplayValue(m.value, g.goal->percent),
                          DisplayValue(m.change, g.goal->percent),
                          m.has_attainment ? fmt::format("{:.1f}%", m.attainment * 100) : "-",
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

int SeverityRank(const std::string& s) { return s == "critical" ? 2 : s == "warning" ? 1 : 0; }

struct Executed {
  plan::Plan plan;
  engine::Results results;
};

}  // namespace

void WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp" + std::to_string(getpid());
  SetPendingOutput(tmp);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    int err = errno;
    SetPendingOutput("");
    throw rt::DataError(path, 0, "", "", fmt::format("cannot write the output: {}", std::strerror(err)));
  }
  // A full disk (or a file size limit) shows as a short write or a failed
  // flush; the temporary file is removed and the target left untouched.
  errno = 0;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = errno;
  ok = std::fflush(f) == 0 && ok;
  if (!err) err = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!err) err = errno;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (!err) err = errno;
    std::remove(tmp.c_str());
    SetPendingOutput("");
    throw rt::DataError(
        path, 0, "", "",
        fmt::format("cannot write the output: {}; nothing was written", std::strerror(err ? err : EIO)));
  }
  SetPendingOutput("");
}

/// Runs an evaluation, mapping overflow to exit 3 and limits to exit 5.
int WithEngineErrors(const std::function<int()>& body) {
  try {
    return body();
  } catch (const engine::OverflowError& e) {
    std::fprintf(stderr, "error[data]: %s\n", e.what());
    return 3;
  } catch (const engine::LimitError& e) {
    std::fprintf(stderr, "error[limit]: %s\n", e.what());
    return 5;
  }
}

/// Exact results with more digits than --max-decimal-digits are an error
/// (exit 3), so that they fit where they are going (e.g. a DECIMAL(18, 2)).
void CheckDigits(const plan::Plan& p, const engine::Results& r, int max_digits) {
  if (max_digits >= 39) return;  // 128 bits hold every 38-digit number; overflow beyond is already an error
  __int128 bound = 1;
  for (int i = 0; i < max_digits; ++i) bound *= 10;
  auto check = [&](const Val& v, const std::string& what, int64_t period, rt::Grain g) {
    if (!v.exact() || (v.i < bound && -v.i < bound)) return;
    throw engine::OverflowError(fmt::format("{} in {} is {}, which has more than {} digits (--max-decimal-digits {})",
                                            what, Label(g, period, p), v.Text(), max_digits, max_digits));
  };
  for (const auto& m : r.metrics)
    for (const auto& row : m.rows) check(row.value, "metric `" + m.output->metric + "`", row.period, m.output->grain);
  for (const auto& g : r.goals)
    for (const auto& gp : g.periods) {
      check(gp.value, "goal `" + g.goal->name + "`", gp.period, g.goal->grain);
      check(gp.target, "the target of goal `" + g.goal->name + "`", gp.period, g.goal->grain);
    }
}

/// Evaluates the scans' states and writes the chosen format: shared by the
/// embedded engines and --engine postgres.
int Report(const RunOptions& o, const CommonOptions& common, const plan::Plan& p,
           const std::vector<engine::ScanResult>& results, const std::vector<std::string>& warnings,
           const engine::Limits& limits, const std::function<void(double)>& timings) {
  // The values distinct counts keep (their memory) are bounded per scan.
  for (size_t i = 0; i < results.size(); ++i) {
    size_t held = 0;
    for (const engine::AggStates& a : results[i].aggs)
      for (const auto& d : a.distinct) held += d.held();
    if (held > limits.max_distinct)
      throw engine::LimitError(
          fmt::format("the distinct counts of the scan of `{}` hold {} values, more than "
                      "--max-distinct {}; ask for a coarser grain or fewer dimensions, or raise it",
                      p.SourceOf(p.scans[i]).name, held, limits.max_distinct));
  }
  auto t_eval = std::chrono::steady_clock::now();
  engine::Results r = engine::Evaluate(p, results, limits);
  CheckDigits(p, r, o.max_decimal_digits);
  timings(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_eval).count());
  if (o.timings) {
    // Anonymous memory excludes the memory-mapped input file.
    if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
      char line[256];
      std::string mem;
      while (std::fgets(line, sizeof line, f))
        if (!std::strncmp(line, "VmHWM:", 6) || !std::strncmp(line, "RssAnon:", 8)) {
          std::string l(line);
          l.erase(l.find_last_not_of(" \n") + 1);
          mem += (mem.empty() ? "" : ", ") + l;
        }
      std::fclose(f);
      std::fprintf(stderr, "kpic: timings: memory at the end: %s\n", mem.c_str());
    }
  }
  r.warnings.insert(r.warnings.begin(), warnings.begin(), warnings.end());
  for (const std::string& w : r.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  bool color = o.output.empty() && isatty(STDOUT_FILENO) && common.color != "never" && !std::getenv("NO_COLOR");
  if (common.color == "always") color = true;
  std::string title = p.title.empty() ? "KPI report" : p.title;
  for (const auto& g : p.goals)
    if (!g.label.empty() && p.title.empty()) {
      title = g.label;
      break;
    }
  std::string text = o.format == "json"   ? Json(p, r)
                     : o.format == "csv"  ? Csv(p, r)
                     : o.format == "html" ? RenderHtml(p, r, title)
                                          : Table(p, r, color);
  if (o.output.empty())
    std::fputs(text.c_str(), stdout);
  else
    WriteFileAtomically(o.output, text);
  if (!o.fail_on.empty()) {
    for (const auto& g : r.goals)
      for (const auto& a : g.alerts)
        if (SeverityRank(a.severity) >= SeverityRank(o.fail_on)) return 4;
  }
  return 0;
}

int RunRun(const RunOptions& o, const CommonOptions& common) {
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return 1;
  plan::Request req = ToRequest(o);
  plan::Plan p = MakePlan(*s, req);
  auto zone = LoadZone(p);
  if (zone) p.calendar.zone = &*zone;

  // Only the needed columns of the needed sources are read.
  std::map<std::string, std::set<std::string>> needed;
  Scope scope(s->catalog, nullptr);
  for (const plan::Scan& sc : p.scans) {
    needed[sc.source];
    for (const plan::ScanColumn& c : sc.columns) {
      for (size_t i = 0; i < c.path.size(); ++i) {
        needed[c.sources[i]].insert(c.path[i]);
        if (i > 0) {
          for (const auto& col : scope.SourceByKey(c.sources[i])->columns)
            if (col.key) needed[c.sources[i]].insert(col.name.name);
        }
      }
    }
  }
  DataOptions dopt;
  dopt.skip_bad_rows = o.on_bad_row == "skip";
  dopt.needed = &needed;
  dopt.binds = BindMap(o.binds);
  engine::Limits limits;
  limits.max_groups = o.max_groups;
  limits.max_distinct = o.max_distinct;
  if (o.engine == "postgres") {
    return WithEngineErrors([&] {
      std::vector<std::string> warnings;
      auto t0 = std::chrono::steady_clock::now();
      std::vector<engine::ScanResult> results = PushdownScans(*s, p, dopt.binds, limits, &warnings);
      double push_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return Report(o, common, p, results, warnings, limits, [&](double eval_ms) {
        if (o.timings)
          std::fprintf(stderr, "kpic: timings: postgres: %zu scan(s) pushed down in %.1f ms; evaluated in %.1f ms\n",
                       p.scans.size(), push_ms, eval_ms);
      });
    });
  }
  JitStats stats;
  // Large CSV tables are streamed through compiled scans when every scan
  // over them can be (see StreamScans::Supports); the interpreter reads
  // tables whole.
  struct Streamed {
    std::vector<int> scans;
    std::once_flag once;
    std::unique_ptr<StreamScans> ss;
    bool used = false;
  };
  std::map<std::string, Streamed> streamed;
  if (o.engine != "interp" && !o.no_stream) {
    for (size_t i = 0; i < p.scans.size(); ++i) streamed[p.scans[i].source].scans.push_back(static_cast<int>(i));
    for (auto it = streamed.begin(); it != streamed.end();) {
      bool ok = std::all_of(it->second.scans.begin(), it->second.scans.end(),
                            [&](int i) { return StreamScans::Supports(p.scans[i]); });
      it = ok ? std::next(it) : streamed.erase(it);
    }
    dopt.stream_min_bytes = o.engine == "jit" ? 0 : size_t{8} << 20;
    for (auto& [src, st] : streamed) {
      Streamed* sp = &st;
      std::string name = src.substr(src.rfind(':') + 1);
      dopt.stream[src].discard = [sp](int part) {
        if (sp->ss) sp->ss->Discard(part);
      };
      dopt.stream[src].chunk = [&p, &limits, &stats, sp, name](int part, rt::CsvResult& chunk, bool last) {
        std::call_once(sp->once, [&] {
          std::vector<const plan::Scan*> scans;
          for (int i : sp->scans) scans.push_back(&p.scans[i]);
          sp->ss = std::make_unique<StreamScans>(scans, p.calendar, limits, name, &stats);
          sp->used = true;
        });
        sp->ss->Consume(part, chunk, last);
      };
    }
  }
  return WithEngineErrors([&] {
    std::vector<std::string> unsupported;
    Tables t;
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double, std::milli>(b - a).count();
    };
    rt::PrepareHeapForHugePages();  // the groups' states grow in huge pages (runtime/hugepages.cc)
    auto t_read = Clock::now();
    for (SourceData& d : ReadSources(*s, dopt, &unsupported)) {
      std::string key = d.source;
      auto& idx = t.column_index[key];
      for (size_t i = 0; i < d.data.columns.size(); ++i) idx[d.data.columns[i].name] = i;
      if (d.data.skipped) {
        t.warnings.push_back(fmt::format("{}: skipped {} bad row(s) (--on-bad-row skip)", d.uri, d.data.skipped));
        for (const auto& b : d.data.bad)
          std::fprintf(stderr, "kpic: skipped %s line %zu, column `%s`: %s\n", d.uri.c_str(), b.line, b.column.c_str(),
                       b.reason.c_str());
      }
      t.by_source.emplace(key, std::move(d));
    }
    for (const auto& [src, cols] : needed)
      if (!t.by_source.count(src))
        throw UsageError(fmt::format("source `{}` has no data binding kpic can read; bind it with --bind {}=URI",
                                     src.substr(src.rfind(':') + 1), src.substr(src.rfind(':') + 1)));

    auto t_join = Clock::now();
    std::vector<engine::ScanInput> inputs(p.scans.size());
    std::vector<bool> done(p.scans.size(), false);
    std::vector<engine::ScanResult> results(p.scans.size());
    size_t total_rows = 0;
    for (auto& [src, st] : streamed) {
      if (!st.used) continue;
      std::vector<engine::ScanResult> r = st.ss->Finish();
      for (size_t k = 0; k < st.scans.size(); ++k) {
        results[st.scans[k]] = std::move(r[k]);
        done[st.scans[k]] = true;
      }
    }
    for (size_t i = 0; i < p.scans.size(); ++i) {
      const plan::Scan& sc = p.scans[i];
      const SourceData& d = t.by_source.at(sc.source);
      total_rows += d.data.rows;
      if (done[i]) continue;
      inputs[i].rows = d.data.rows;
      inputs[i].source_name = d.uri;
      for (const plan::ScanColumn& c : sc.columns)
        inputs[i].columns.push_back(c.path.size() == 1 ? &TableColumn(t, c.sources[0], c.path[0]) : JoinPath(*s, t, c));
    }
    // auto: the interpreter for small data (compiling costs more than it
    // saves), the JIT otherwise.
    bool jit = o.engine == "jit" || (o.engine == "auto" && total_rows >= 100'000);
    {
      auto t_scan = Clock::now();
      for (size_t i = 0; i < p.scans.size(); ++i)
        if (!done[i])
          results[i] = jit ? JitScan(p.scans[i], inputs[i], p.calendar, limits, &stats)
                           : engine::InterpretScan(p.scans[i], inputs[i], p.calendar, limits);
      auto t_eval = Clock::now();
      return Report(o, common, p, results, t.warnings, limits, [&](double eval_ms) {
        if (!o.timings) return;
        std::fprintf(stderr,
                     "kpic: timings: read %zu rows in %.1f ms; merged streamed states and joined lookups in %.1f ms; "
                     "%s: %zu scan(s), %d kernel(s) "
                     "compiled in %.1f ms, %d from the cache, %d interpreted; scanned in %.1f ms (compile included); "
                     "evaluated in %.1f ms\n",
                     total_rows, ms(t_read, t_join), ms(t_join, t_scan), jit ? "jit" : "interp", p.scans.size(),
                     stats.kernels, stats.compile_ms, stats.cached, stats.interpreted, ms(t_scan, t_eval), eval_ms);
        size_t n_streamed = 0;
        for (auto& [src, st] : streamed) n_streamed += st.used ? st.scans.size() : 0;
        if (n_streamed)
          std::fprintf(stderr, "kpic: timings: %zu scan(s) streamed while reading (their time is in the read)\n",
                       n_streamed);
      });
    }
  });
}

int RunEmitPlan(const RunOptions& o, const CommonOptions& common) {
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return 1;
  plan::Plan p = MakePlan(*s, ToRequest(o));
  if (o.emit == "plan") {
    std::fputs(plan::Dump(p).c_str(), stdout);
    return 0;
  }
  for (size_t i = 0; i < p.scans.size(); ++i) std::fputs(KernelIr(p.scans[i], static_cast<int>(i)).c_str(), stdout);
  return 0;
}

}  // namespace kpic
