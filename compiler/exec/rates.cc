#include "exec/rates.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/errors.h"
#include "datetime.h"
#include "decimal.h"
#include "exec/sources.h"

namespace kpic::exec {

namespace {

/// 1 / rate at plan::kRateScale, rounded half-even: rate is scaled by
/// 10^scale, so the quotient is 10^(scale + kRateScale) / rate.
__int128 Inverse(int64_t rate, int scale) {
  __int128 n = rt::Pow10(scale + plan::kRateScale), d = rate;
  __int128 q = n / d, r = n % d;
  if (2 * r > d || (2 * r == d && q % 2 != 0)) ++q;
  return q;
}

}  // namespace

std::vector<engine::RateTable> ReadRates(const plan::Plan& p, const BindMap& binds, bool skip_bad_rows) {
  std::vector<engine::RateTable> out;
  if (p.conversions.empty()) return out;
  // Each rates source once, with the columns any conversion needs.
  std::map<std::string, std::set<std::string>> needed;
  for (const plan::Conversion& c : p.conversions) {
    const ir::Source& s = p.sources[static_cast<size_t>(c.src)];
    for (int k : {c.time_column, c.from_column, c.to_column, c.rate_column})
      needed[s.key].insert(s.columns[static_cast<size_t>(k)].name);
  }
  std::vector<SourceData> read = ReadSideTables(p.sources, p.calendar.zone, needed, binds, skip_bad_rows);
  for (const plan::Conversion& c : p.conversions) {
    const ir::Source& s = p.sources[static_cast<size_t>(c.src)];
    const SourceData* d = nullptr;
    for (const SourceData& x : read)
      if (x.source == s.key) d = &x;
    if (!d)
      throw UsageError(fmt::format("the rates source `{}` has no data binding kpic can read; bind it with --bind {}=URI",
                                   s.name, s.name));
    // The columns come in declaration order.
    auto column = [&](int k) -> const rt::Column& {
      size_t at = 0;
      for (size_t i = 0; i < static_cast<size_t>(k); ++i)
        if (needed[s.key].count(s.columns[i].name)) ++at;
      return d->data.columns[at];
    };
    const rt::Column& day = column(c.time_column);
    const rt::Column& from = column(c.from_column);
    const rt::Column& to = column(c.to_column);
    const rt::Column& rate = column(c.rate_column);
    const std::string& rate_name = s.columns[static_cast<size_t>(c.rate_column)].name;
    // Per date: the direct quote, the inverse quote, and the row each came from.
    struct Quote {
      bool direct = false, inverse = false;
      int64_t direct_rate = 0, inverse_rate = 0;
      size_t direct_row = 0, inverse_row = 0;
    };
    std::map<int32_t, Quote> quotes;
    for (size_t row = 0; row < d->data.rows; ++row) {
      if (from.IsNull(row) || to.IsNull(row)) continue;
      const std::string& f = from.dict.At(from.codes[row]);
      const std::string& t = to.dict.At(to.codes[row]);
      bool direct = f == c.from && t == c.to, inverse = f == c.to && t == c.from;
      if (!direct && !inverse) continue;
      std::string pair = fmt::format("{}->{}", f, t);
      auto where = [&] { return fmt::format("{}: data row {}", d->uri, row + 1); };
      if (day.IsNull(row))
        throw engine::RateError(fmt::format("{}: a {} rate without a date in `{}`", where(), pair,
                                            s.columns[static_cast<size_t>(c.time_column)].name));
      int32_t date = static_cast<int32_t>(day.ints[row]);
      if (rate.IsNull(row) || rate.ints[row] <= 0)
        throw engine::RateError(fmt::format("{}: column `{}`: the {} rate on {} is {}; a rate must be positive",
                                            where(), rate_name, pair, rt::FormatDate(date),
                                            rate.IsNull(row) ? "null" : rt::FormatDecimal(rate.ints[row], rate.scale)));
      Quote& q = quotes[date];
      bool& has = direct ? q.direct : q.inverse;
      int64_t& r = direct ? q.direct_rate : q.inverse_rate;
      size_t& at = direct ? q.direct_row : q.inverse_row;
      if (has && r != rate.ints[row])
        throw engine::RateError(fmt::format("{}: column `{}`: two {} rates on {}: {} (data row {}) and {}", where(),
                                            rate_name, pair, rt::FormatDate(date), rt::FormatDecimal(r, rate.scale),
                                            at + 1, rt::FormatDecimal(rate.ints[row], rate.scale)));
      has = true;
      r = rate.ints[row];
      at = row;
    }
    engine::RateTable table;
    table.source = fmt::format("`{}` ({})", s.name, d->uri);
    for (const auto& [date, q] : quotes) {
      table.day.push_back(date);
      table.rate.push_back(q.direct ? __int128{q.direct_rate} * rt::Pow10(plan::kRateScale - rate.scale)
                                    : Inverse(q.inverse_rate, rate.scale));
    }
    out.push_back(std::move(table));
  }
  return out;
}

}  // namespace kpic::exec
