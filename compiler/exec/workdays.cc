// Reads the calendar's working-day source into a sorted list of exceptions
// to Monday-to-Friday.
#include "exec/workdays.h"

#include <fmt/format.h>

#include <map>

#include "base/errors.h"
#include "datetime.h"
#include "exec/sources.h"

namespace kpic::exec {

engine::WorkDays ReadWorkDays(const plan::Plan& p, const BindMap& binds, bool skip_bad_rows) {
  engine::WorkDays out;
  if (!p.work.needed || p.work.src < 0) return out;
  const ir::Source& s = p.sources[static_cast<size_t>(p.work.src)];
  const std::string& time_name = s.columns[static_cast<size_t>(p.work.time_column)].name;
  const std::string& flag_name = s.columns[static_cast<size_t>(p.work.flag_column)].name;
  std::map<std::string, std::set<std::string>> needed;
  needed[s.key] = {time_name, flag_name};
  std::vector<SourceData> read = ReadSideTables(p.sources, p.calendar.zone, needed, binds, skip_bad_rows);
  const SourceData* d = nullptr;
  for (const SourceData& x : read)
    if (x.source == s.key) d = &x;
  if (!d)
    throw UsageError(fmt::format(
        "the working-day source `{}` has no data binding kpic can read; bind it with --bind {}=URI", s.name, s.name));
  // The columns come in declaration order.
  bool time_first = p.work.time_column < p.work.flag_column;
  const rt::Column& day = d->data.columns[time_first ? 0 : 1];
  const rt::Column& flag = d->data.columns[time_first ? 1 : 0];
  std::map<int32_t, std::pair<bool, size_t>> days;  // worked, row
  for (size_t row = 0; row < d->data.rows; ++row) {
    auto where = [&] { return fmt::format("{}: data row {}", d->uri, row + 1); };
    if (day.IsNull(row))
      throw engine::RateError(fmt::format("{}: a working day without a date in `{}`", where(), time_name));
    int32_t date = static_cast<int32_t>(day.ints[row]);
    if (flag.IsNull(row))
      throw engine::RateError(fmt::format("{}: column `{}` is null on {}; say whether the day is worked (true) or "
                                          "a holiday (false)",
                                          where(), flag_name, rt::FormatDate(date)));
    bool worked = flag.ints[row] != 0;
    auto [it, fresh] = days.emplace(date, std::make_pair(worked, row));
    if (!fresh && it->second.first != worked)
      throw engine::RateError(fmt::format("{}: column `{}`: {} is listed as {} here and as {} on data row {}", where(),
                                          flag_name, rt::FormatDate(date), worked ? "worked" : "a holiday",
                                          worked ? "a holiday" : "worked", it->second.second + 1));
  }
  for (const auto& [date, v] : days) {
    out.day.push_back(date);
    out.worked.push_back(v.first ? 1 : 0);
  }
  return out;
}

}  // namespace kpic::exec
