// `kpic run --metric M --forecast N`: extends each metric's series by N
// periods with exponential smoothing (kpic_forecast, docs/forecast.md). It
// reads only the evaluated results, so a role's forecast is made of the
// role's rows alone, and every engine gives the same series to fit.
//
// The series of a member is its values per period at the output's grain,
// from the first complete period in which it has rows (the scans say which:
// an additive metric shows 0 for a period without rows, which is not a
// value to fit before a store opened) to the last complete period of the
// result. A partial period (cut by --from, --to or the as-of date)
// is never fitted: its total so far would read as a collapse. The forecast
// starts right after the last complete period, so a partial current period
// gets a whole-period forecast beside its actual partial row.
#include <algorithm>
#include <cmath>
#include <map>

#include "datetime.h"
#include "engine/engine.h"

namespace kpic::engine {

int SeasonOf(rt::Grain g) {
  switch (g) {
    case rt::Grain::kDay:
      return 7;
    case rt::Grain::kWeek:
      return 52;
    case rt::Grain::kMonth:
      return 12;
    case rt::Grain::kQuarter:
      return 4;
    case rt::Grain::kYear:
    case rt::Grain::kAll:
      return 1;
  }
  return 1;
}

namespace {

double Number(const Val& v) {
  if (v.null()) return forecast::kNaN;
  double d = v.AsDouble();
  return std::isfinite(d) ? d : forecast::kNaN;
}

/// Per member (the first by.size() dimensions of the scans' groups), the
/// first period at grain g in which one of the output's scans has rows.
std::map<DimTuple, int64_t> FirstRows(const plan::Plan& plan, const std::vector<ScanResult>& scans,
                                      const plan::Output& o) {
  std::map<DimTuple, int64_t> first;
  for (size_t s = 0; s < scans.size() && s < plan.scans.size(); ++s) {
    bool read = o.scans.empty() ? !plan.scans[s].audit && !plan.scans[s].past_to
                                : std::find(o.scans.begin(), o.scans.end(), static_cast<int>(s)) != o.scans.end();
    rt::Grain sg = plan.scans[s].grain;
    if (!read || sg == rt::Grain::kAll) continue;
    const ScanResult& r = scans[s];
    for (size_t k = 0; k < r.period.size(); ++k) {
      if (r.rows[k] <= 0 || r.dims[k].size() < o.by.size()) continue;
      int64_t p = rt::PeriodOf(o.grain, rt::PeriodStart(sg, r.period[k], plan.calendar), plan.calendar);
      DimTuple key(r.dims[k].begin(), r.dims[k].begin() + static_cast<long>(o.by.size()));
      auto [it, added] = first.emplace(std::move(key), p);
      if (!added) it->second = std::min(it->second, p);
    }
  }
  return first;
}

void ForecastOne(const plan::Plan& plan, const std::vector<ScanResult>& scans, int horizon, MetricResult* m) {
  rt::Grain g = m->output->grain;
  if (g == rt::Grain::kAll) return;
  m->horizon = horizon;
  if (m->rows.empty()) return;
  // Every member has a row in every period of the result, and a period's
  // span is the same for all of them.
  int64_t last = m->rows.front().period;
  std::map<int64_t, bool> partial;
  for (const Row& row : m->rows) {
    last = std::max(last, row.period);
    partial[row.period] = row.span.partial;
  }
  if (partial[last]) --last;
  std::map<DimTuple, int64_t> rows_from = FirstRows(plan, scans, *m->output);
  std::map<DimTuple, std::map<int64_t, double>> series;  // member -> period -> value, in output order
  for (const Row& row : m->rows) {
    auto from = rows_from.find(row.dims);
    if (!row.span.partial && row.period <= last && from != rows_from.end() && row.period >= from->second)
      series[row.dims][row.period] = Number(row.value);
    else
      series.try_emplace(row.dims);
  }
  const int season = SeasonOf(g);
  const std::string unit = rt::GrainName(g);
  for (const auto& [dims, values] : series) {
    ForecastModel model;
    model.dims = dims;
    auto first = std::find_if(values.begin(), values.end(), [](const auto& pv) { return !std::isnan(pv.second); });
    if (first == values.end()) {
      model.fit = forecast::Auto({}, season, unit);  // says there is no history
      m->models.push_back(std::move(model));
      continue;
    }
    std::vector<double> y;
    for (int64_t p = first->first; p <= last; ++p) {
      auto it = values.find(p);
      y.push_back(it == values.end() ? forecast::kNaN : it->second);
    }
    model.fitted = true;
    model.first = first->first;
    model.last = last;
    model.fit = forecast::Auto(y, season, unit);
    forecast::Path path = forecast::Predict(model.fit, horizon);
    model.simulated = path.simulated;
    // Inside the values the metric can take: a count is never below 0, a
    // share never past 100% (a rate's interval read 42.7% to 130.0%:
    // review, 2026-12-06).
    auto in = [&](double v) {
      return std::isfinite(v) ? std::clamp(v, m->output->floor, m->output->ceil) : v;
    };
    for (int k = 0; k < horizon && k < static_cast<int>(path.mean.size()); ++k) {
      size_t i = static_cast<size_t>(k);
      m->forecast.push_back({last + 1 + k, dims, in(path.mean[i]), in(path.lo80[i]), in(path.hi80[i]),
                             in(path.lo95[i]), in(path.hi95[i])});
    }
    m->models.push_back(std::move(model));
  }
  // Rows in the contract's order: by period, then by members.
  std::stable_sort(m->forecast.begin(), m->forecast.end(), [](const ForecastRow& a, const ForecastRow& b) {
    return a.period != b.period ? a.period < b.period : a.dims < b.dims;
  });
}

}  // namespace

void ForecastMetrics(const plan::Plan& plan, const std::vector<ScanResult>& scans, int horizon, Results* results) {
  horizon = std::clamp(horizon, 0, forecast::kMaxHorizon);
  if (horizon == 0) return;
  for (MetricResult& m : results->metrics) ForecastOne(plan, scans, horizon, &m);
}

}  // namespace kpic::engine
