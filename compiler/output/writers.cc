// The registry of output formats.
#include <algorithm>

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

namespace {

using KeyRef = std::pair<int64_t, const engine::DimTuple*>;

bool RefLess(const KeyRef& a, const KeyRef& b) {
  if (a.first != b.first) return a.first < b.first;
  return *a.second < *b.second;
}
bool RefEqual(const KeyRef& a, const KeyRef& b) { return a.first == b.first && *a.second == *b.second; }

/// The distinct (period, members) keys of several lists of rows, in
/// order, and for each list's row the index of its key. Metrics over the
/// same rows list the same keys in the same (sorted) order: that common
/// case costs one comparison per row, without sorting or copying keys.
void Keys(const std::vector<std::vector<KeyRef>>& lists, std::vector<std::pair<int64_t, engine::DimTuple>>* keys,
          std::vector<std::vector<uint32_t>>* index) {
  index->assign(lists.size(), {});
  std::vector<KeyRef> order;
  bool same = !lists.empty() && std::is_sorted(lists[0].begin(), lists[0].end(), RefLess) &&
              std::adjacent_find(lists[0].begin(), lists[0].end(), RefEqual) == lists[0].end();
  for (size_t m = 1; same && m < lists.size(); ++m)
    same = lists[m].size() == lists[0].size() &&
           std::equal(lists[m].begin(), lists[m].end(), lists[0].begin(), RefEqual);
  if (same) {
    order = lists[0];
    for (size_t m = 0; m < lists.size(); ++m) {
      (*index)[m].resize(lists[m].size());
      for (size_t i = 0; i < lists[m].size(); ++i) (*index)[m][i] = static_cast<uint32_t>(i);
    }
  } else {
    for (const auto& l : lists) order.insert(order.end(), l.begin(), l.end());
    std::sort(order.begin(), order.end(), RefLess);
    order.erase(std::unique(order.begin(), order.end(), RefEqual), order.end());
    for (size_t m = 0; m < lists.size(); ++m)
      for (const KeyRef& k : lists[m])
        (*index)[m].push_back(
            static_cast<uint32_t>(std::lower_bound(order.begin(), order.end(), k, RefLess) - order.begin()));
  }
  keys->reserve(order.size());
  for (const KeyRef& k : order) keys->emplace_back(k.first, *k.second);
}

}  // namespace

Wide Pivot(const engine::Results& r) {
  Wide w;
  std::vector<std::vector<KeyRef>> lists(r.metrics.size());
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (const auto& row : r.metrics[m].rows) lists[m].emplace_back(row.period, &row.dims);
  std::vector<std::vector<uint32_t>> index;
  Keys(lists, &w.keys, &index);
  w.cells.assign(w.keys.size(), std::vector<const engine::Val*>(r.metrics.size(), nullptr));
  w.spans.assign(w.keys.size(), engine::Span{});
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (size_t k = 0; k < r.metrics[m].rows.size(); ++k) {
      const auto& row = r.metrics[m].rows[k];
      size_t i = index[m][k];
      w.cells[i][m] = &row.value;
      if (row.span.partial) w.spans[i] = row.span;
    }
  return w;
}

WideForecast PivotForecast(const engine::Results& r) {
  WideForecast w;
  std::vector<std::vector<KeyRef>> lists(r.metrics.size());
  for (size_t m = 0; m < r.metrics.size(); ++m) {
    w.asked = w.asked || r.metrics[m].horizon > 0;
    for (const auto& f : r.metrics[m].forecast) lists[m].emplace_back(f.period, &f.dims);
  }
  std::vector<std::vector<uint32_t>> index;
  Keys(lists, &w.keys, &index);
  w.cells.assign(w.keys.size(), std::vector<const engine::ForecastRow*>(r.metrics.size(), nullptr));
  for (size_t m = 0; m < r.metrics.size(); ++m)
    for (size_t k = 0; k < r.metrics[m].forecast.size(); ++k) w.cells[index[m][k]][m] = &r.metrics[m].forecast[k];
  return w;
}

}  // namespace kpic::output
