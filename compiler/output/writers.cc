// The registry of output formats.
#include <map>

#include "output/output.h"

namespace kpic::output {

const std::vector<Writer>& Writers() {
  static const std::vector<Writer> writers = {
      {"table", "aligned text for the terminal, with the goals' progress, alerts and drivers", &Table},
      {"json", "the results, goals, alerts and warnings as versioned JSON (docs/cli.md)", &Json},
      {"csv", "one row per period and member, one column per metric; then the goals' periods", &Csv},
      {"html", "one self-contained, offline HTML report with inline SVG charts", &Html},
  };
  return writers;
}

const Writer* FindWriter(std::string_view name) {
  for (const Writer& w : Writers())
    if (w.name == name) return &w;
  return nullptr;
}

std::string WriterNames() {
  std::string out;
  for (const Writer& w : Writers()) out += (out.empty() ? "" : ", ") + std::string(w.name);
  return out;
}

Wide Pivot(const engine::Results& r) {
  Wide w;
  std::map<std::pair<int64_t, engine::DimTuple>, size_t> at;
  for (const auto& m : r.metrics)
    for (const auto& row : m.rows) at.emplace(std::make_pair(row.period, row.dims), 0);
  for (auto& [k, i] : at) {
    i = w.keys.size();
    w.keys.push_back(k);
  }
  w.cells.assign(w.keys.size(), std::vector<const engine::Val*>(r.metrics.size(), nullptr));
  w.spans.assign(w.keys.size(), engine::Span{});
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (const auto& row : r.metrics[m].rows) {
      size_t i = at[{row.period, row.dims}];
      w.cells[i][m] = &row.value;
      if (row.span.partial) w.spans[i] = row.span;
    }
  return w;
}

WideForecast PivotForecast(const engine::Results& r) {
  WideForecast w;
  std::map<std::pair<int64_t, engine::DimTuple>, size_t> at;
  for (const auto& m : r.metrics) {
    w.asked = w.asked || m.horizon > 0;
    for (const auto& f : m.forecast) at.emplace(std::make_pair(f.period, f.dims), 0);
  }
  for (auto& [k, i] : at) {
    i = w.keys.size();
    w.keys.push_back(k);
  }
  w.cells.assign(w.keys.size(), std::vector<const engine::ForecastRow*>(r.metrics.size(), nullptr));
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (const auto& f : r.metrics[m].forecast) w.cells[at[{f.period, f.dims}]][m] = &f;
  return w;
}

}  // namespace kpic::output
