// `kpic run --engine postgres`: every scan of the plan runs inside
// PostgreSQL as the SQL that `kpic sql --dialect postgres` is made of (the
// row filter, the role's filter, the lookups, the group key and each
// aggregate's state), and only one row per group crosses the wire. The
// states become the same ScanResults the embedded engines produce, so
// metrics, goals, alerts and reports are evaluated by the same code.
#include "exec/pushdown.h"
#include "exec/tables.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "base/errors.h"
#include "csv.h"
#include "datetime.h"
#include "decimal.h"
#include "engine/scan_util.h"
#include "exec/execute.h"
#include "exec/sources.h"
#include "postgres_source.h"
#include "sql/emit.h"

namespace kpic::exec {

namespace {

using plan::AggSpec;
using plan::VT;

/// An exact number as an integer scaled by 10^scale; digits beyond the
/// scale must be zeros (PostgreSQL pads numerics), never rounded.
std::optional<__int128> Scaled(const std::string& text, int scale) {
  size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  __int128 v = 0;
  int frac = -1;
  bool digits = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    digits = true;
    if (frac >= 0 && frac >= scale) {
      if (c != '0') return std::nullopt;
      continue;
    }
    constexpr __int128 kMax = ~(static_cast<__int128>(1) << 127);
    if (v > (kMax - (c - '0')) / 10) return std::nullopt;  // (a sum of squares of decimal(18) takes 37 digits)
    v = v * 10 + (c - '0');
    if (frac >= 0) ++frac;
  }
  if (!digits) return std::nullopt;
  for (int k = frac < 0 ? 0 : frac; k < scale; ++k) v *= 10;
  return neg ? -v : v;
}

struct ScanRunner {
  const plan::Plan& p;
  const engine::Limits& limits;
  std::string shown;  ///< the source, for messages

  [[noreturn]] void Bad(const std::string& column, const std::string& value, const std::string& why) const {
    throw rt::DataError(shown, 0, column, value, why);
  }

  __int128 Exact(const std::optional<std::string>& v, int scale, const std::string& what) const {
    if (!v) return 0;
    auto x = Scaled(*v, scale);
    if (!x) Bad(what, *v, fmt::format("PostgreSQL returned a value that is not a number of scale {}", scale));
    return *x;
  }

  double Float(const std::optional<std::string>& v, const std::string& what) const {
    if (!v) return 0;
    // strtod, not stod: a subnormal such as 5e-324 is a number (stod
    // throws on its ERANGE); an infinity or NaN is not.
    char* end = nullptr;
    double d = v->empty() ? 0 : std::strtod(v->c_str(), &end);
    if (v->empty() || end != v->c_str() + v->size() || !std::isfinite(d))
      Bad(what, *v, "PostgreSQL returned a value that is not a number");
    return d + 0.0;  // -0 as 0, as the embedded engines show it
  }

  int64_t Int(const std::optional<std::string>& v, const std::string& what) const {
    return static_cast<int64_t>(Exact(v, 0, what));
  }

  int64_t Period(const plan::Scan& sc, const std::optional<std::string>& v) const {
    if (sc.grain == rt::Grain::kAll) return 0;
    auto day = v ? rt::ParseDate(*v, rt::DateFormat{}) : std::nullopt;
    if (!day) Bad("period", v.value_or("null"), "PostgreSQL returned a period that is not a date");
    return rt::PeriodOf(sc.grain, *day, p.calendar);
  }

  /// `column`: the column as the source declares it (`channel`), for
  /// messages (they said `member`, the query's alias: role probe, 2026-12-07).
  engine::DimValue Dim(VT t, const std::optional<std::string>& v, const std::string& column) const {
    engine::DimValue d;
    if (!v) {
      d.null = true;
      return d;
    }
    switch (t) {
      case VT::kString:
        // The readers' rule for text (rt::TextProblem): no control or
        // invisible character reaches an output from the database either.
        if (std::string why = rt::TextProblem(*v); !why.empty())
          Bad(column, *v, "PostgreSQL returned a value that " + why);
        d.s = *v;
        break;
      case VT::kFloat:
        d.s = std::to_string(Float(v, column));
        break;
      case VT::kDate: {
        auto day = rt::ParseDate(*v, rt::DateFormat{});
        if (!day) Bad(column, *v, "not a date");
        d.i = *day;
        break;
      }
      default:
        d.i = Int(v, column);
    }
    return d;
  }

  engine::ScanResult Run(rt::PgSession& pg, size_t si, const sql::Options& so, const std::string& time_col,
                         const std::string& table) const {
    const plan::Scan& sc = p.scans[si];
    sql::ScanSql q = sql::EmitScanStates(p, si, so);
    const std::string what = fmt::format("the scan of `{}`", p.SourceOf(sc).name);
    // One more row than the limit tells that the limit is exceeded.
    rt::PgSession::Rows g = pg.Query(q.groups + fmt::format("\n  LIMIT {}", limits.max_groups + 1), what);
    if (g.rows.size() > limits.max_groups)
      throw engine::LimitError(
          fmt::format("more than {} groups in the scan of `{}`; raise --max-groups or ask for fewer "
                      "dimensions or a coarser grain",
                      limits.max_groups, p.SourceOf(sc).name));
    std::map<std::string, size_t> col;
    for (size_t c = 0; c < g.columns.size(); ++c) col[g.columns[c]] = c;
    engine::ScanResult r;
    r.aggs.resize(sc.aggs.size());
    size_t n = g.rows.size();
    std::map<std::pair<int64_t, engine::DimTuple>, uint32_t> group_of;
    for (size_t a = 0; a < sc.aggs.size(); ++a) engine::GrowStates(sc, a, &r.aggs[a], n);
    // Each aggregate's SQL column, and its text for messages (`sum(x)`,
    // not the column `a0`): made once, not per row.
    std::vector<std::string> names, shown;
    for (size_t a = 0; a < sc.aggs.size(); ++a) {
      names.push_back(fmt::format("a{}", a));
      shown.push_back(sc.aggs[a].text);
      std::erase(shown.back(), '$');
    }
    for (size_t row = 0; row < n; ++row) {
      const auto& v = g.rows[row];
      r.period.push_back(Period(sc, sc.grain == rt::Grain::kAll ? std::nullopt : v[col.at("p")]));
      engine::DimTuple dims;
      for (size_t d = 0; d < sc.dim_columns.size(); ++d)
        dims.push_back(Dim(sc.columns[static_cast<size_t>(sc.dim_columns[d])].type, v[col.at(fmt::format("d{}", d))],
                           sc.columns[static_cast<size_t>(sc.dim_columns[d])].Text()));
      group_of[{r.period.back(), dims}] = static_cast<uint32_t>(row);
      r.dims.push_back(std::move(dims));
      r.rows.push_back(Int(v[col.at("n")], "n"));
      for (size_t a = 0; a < sc.aggs.size(); ++a) {
        const AggSpec& spec = sc.aggs[a];
        engine::AggStates& st = r.aggs[a];
        const std::string& name = names[a];
        const std::string& shown_agg = shown[a];
        const plan::RowNode* arg = spec.arg >= 0 ? &sc.nodes[static_cast<size_t>(spec.arg)] : nullptr;
        bool fl = arg && arg->type == VT::kFloat;
        int scale = arg && arg->type == VT::kDecimal ? arg->scale : 0;
        using F = AggSpec::Fn;
        switch (spec.fn) {
          case F::kCount:
          case F::kCountRows:
            st.count[row] = Int(v[col.at(name)], shown_agg);
            break;
          case F::kSum:
          case F::kAvg:
            st.count[row] = Int(v[col.at(name + "_n")], shown_agg);
            if (fl)
              st.fsum[row] = Float(v[col.at(name)], shown_agg);
            else
              st.isum[row] = Exact(v[col.at(name)], scale, shown_agg);
            break;
          case F::kStddev:
          case F::kVariance:
            if (fl) break;  // their own query, below
            st.count[row] = Int(v[col.at(name + "_n")], shown_agg);
            st.isum[row] = Exact(v[col.at(name)], scale, shown_agg);
            st.isumsq[row] = Exact(v[col.at(name + "_q")], 2 * scale, shown_agg);
            break;
          case F::kMin:
          case F::kMax: {
            st.count[row] = Int(v[col.at(name + "_n")], shown_agg);
            const auto& x = v[col.at(name)];
            if (arg && (arg->type == VT::kDate || arg->type == VT::kTimestamp)) {
              // The emitted SQL aggregates them as days and microseconds
              // since 1970 (sql/emit.cc), which is what the engine keeps.
              if (!x) break;
              (spec.fn == F::kMin ? st.imin : st.imax)[row] = Int(x, shown_agg);
              break;
            }
            if (spec.fn == F::kMin) {
              if (fl)
                st.fmin[row] = Float(x, shown_agg);
              else
                st.imin[row] = static_cast<int64_t>(Exact(x, scale, shown_agg));
            } else {
              if (fl)
                st.fmax[row] = Float(x, shown_agg);
              else
                st.imax[row] = static_cast<int64_t>(Exact(x, scale, shown_agg));
            }
            break;
          }
          default:
            break;
        }
      }
    }
    // Distinct counts and percentiles: their values per group; stddev and
    // variance over floats: their shifted moments per group.
    for (size_t a = 0; a < sc.aggs.size(); ++a) {
      if (q.values[a].empty()) continue;
      const AggSpec& spec = sc.aggs[a];
      rt::PgSession::Rows vals = pg.Query(q.values[a], what);
      std::map<std::string, size_t> vc;
      for (size_t c = 0; c < vals.columns.size(); ++c) vc[vals.columns[c]] = c;
      std::unordered_map<std::string, int64_t> codes;
      engine::AggStates& st = r.aggs[a];
      for (const auto& v : vals.rows) {
        int64_t period = Period(sc, sc.grain == rt::Grain::kAll ? std::nullopt : v[vc.at("p")]);
        engine::DimTuple dims;
        for (size_t d = 0; d < sc.dim_columns.size(); ++d)
          dims.push_back(Dim(sc.columns[static_cast<size_t>(sc.dim_columns[d])].type, v[vc.at(fmt::format("d{}", d))],
                             sc.columns[static_cast<size_t>(sc.dim_columns[d])].Text()));
        auto it = group_of.find({period, dims});
        if (it == group_of.end()) continue;  // a group outside the row limit cannot happen: both read the same rows
        if (spec.fn == AggSpec::Fn::kStddev || spec.fn == AggSpec::Fn::kVariance) {
          uint32_t g = it->second;
          st.count[g] = Int(v[vc.at("n")], shown[a]);
          st.fshift[g] = Float(v[vc.at("k")], shown[a]);
          st.fsum[g] = Float(v[vc.at("s")], shown[a]);
          st.fsumsq[g] = Float(v[vc.at("q")], shown[a]);
          continue;
        }
        const auto& x = v[vc.at("x")];
        if (!x) continue;
        if (spec.fn == AggSpec::Fn::kCountDistinct) {
          auto [c, fresh] = codes.emplace(*x, static_cast<int64_t>(codes.size()));
          st.distinct[it->second].Add(c->second);
          ++st.count[it->second];
        } else {
          st.values[it->second].push_back(Float(x, "x"));
          ++st.count[it->second];
        }
      }
    }
    if (sc.time_column >= 0) {
      // Rows without a time value fall in no period (the engine's warning).
      const plan::ScanColumn& tc = sc.columns[static_cast<size_t>(sc.time_column)];
      if (tc.path.size() == 1) {
        auto c = pg.Query(fmt::format("SELECT COUNT(*) FROM {} WHERE {} IS NULL", table, time_col), what);
        r.rows_without_time = static_cast<size_t>(Int(c.rows.at(0).at(0), "count"));
      }
    }
    engine::Finish(&r);
    return r;
  }
};

std::string QuoteTable(const std::string& table) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = table.find('.', start);
    std::string part = table.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    std::string q = "\"";
    for (char c : part) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += q + "\"";
    if (dot == std::string::npos) break;
    out += ".";
    start = dot + 1;
  }
  return out;
}

}  // namespace

std::vector<engine::ScanResult> PushdownScans(const plan::Plan& p, const BindMap& binds, const engine::Limits& limits,
                                              std::vector<Warning>* warnings) {
  auto source = [&p](const std::string& key) -> const ir::Source& {
    for (const ir::Source& s : p.sources)
      if (s.key == key) return s;
    throw std::logic_error("a plan scan reads a source the plan does not hold: " + key);
  };
  // Where each needed source lives: it must be a PostgreSQL table.
  struct Where {
    std::string uri, table;
  };
  std::map<std::string, Where> where;
  auto locate = [&](const std::string& key) -> const Where& {
    if (auto it = where.find(key); it != where.end()) return it->second;
    const ir::Source& decl = source(key);
    std::string name = decl.name, why;
    auto b = ResolveBinding(decl, binds, &why);
    if (!b || b->kind != "postgres")
      throw UsageError(
          fmt::format("--engine postgres runs the scans inside PostgreSQL, but source `{}` is bound to {}; "
                      "bind it with --bind {}=postgresql://...#schema.table",
                      name, b ? b->kind + ":" + b->path : why, name));
    return where[key] = Where{b->path, b->table};
  };
  std::map<std::string, std::unique_ptr<rt::PgSession>> sessions;
  auto session = [&](const std::string& uri) -> rt::PgSession& {
    auto& ptr = sessions[uri];
    if (!ptr) ptr = std::make_unique<rt::PgSession>(uri);
    return *ptr;
  };
  // Check every table's columns (and find the zoned timestamps).
  std::map<std::string, std::map<std::string, std::string>> server_types;  // source key -> column header -> type
  std::map<std::string, std::set<std::string>> needed;
  for (const plan::Scan& sc : p.scans)
    for (const plan::ScanColumn& c : sc.columns)
      for (size_t i = 0; i < c.path.size(); ++i) {
        needed[c.sources[i]].insert(c.path[i]);
        if (i > 0)
          for (const auto& col : source(c.sources[i]).columns)
            if (col.key) needed[c.sources[i]].insert(col.name);
      }
  for (const plan::Scan& sc : p.scans) needed[sc.source];
  for (const auto& [key, cols] : needed) {
    const Where& w = locate(key);
    std::vector<rt::CsvColumnRequest> req = ColumnRequests(source(key), &cols);
    std::vector<std::string> types = session(w.uri).CheckColumns(w.table, req);
    for (size_t i = 0; i < req.size(); ++i) server_types[key][req[i].header] = types[i];
  }
  // Lookups: the referenced key must be unique (a duplicate would count rows
  // twice), and both sides must be in the same database.
  std::set<std::string> checked_keys;
  for (const plan::Scan& sc : p.scans)
    for (const plan::ScanColumn& c : sc.columns)
      for (size_t i = 1; i < c.path.size(); ++i) {
        const Where& from = locate(c.sources[i - 1]);
        const Where& to = locate(c.sources[i]);
        if (from.uri != to.uri)
          throw UsageError(
              fmt::format("--engine postgres joins `{}` to `{}` inside one database, but they are bound to "
                          "different servers or databases",
                          source(c.sources[i - 1]).name, source(c.sources[i]).name));
        if (!checked_keys.insert(c.sources[i]).second) continue;
        const ir::Source& decl = source(c.sources[i]);
        std::string key_name, key_header;
        bool text_key = false;
        for (const auto& col : decl.columns)
          if (col.key) key_name = col.name, key_header = col.header, text_key = col.scalar.vt == ir::VT::kString;
        // Text keys are told apart byte for byte, as the lookup's join
        // matches them (sql/emit.cc), whatever the column's collation.
        std::string kq = QuoteTable(key_header) + (text_key ? " COLLATE \"C\"" : "");
        auto dup = session(to.uri).Query(fmt::format("SELECT {0}, COUNT(*) FROM {1} WHERE {0} IS NOT NULL GROUP BY {0} "
                                                     "HAVING COUNT(*) > 1 ORDER BY {0} LIMIT 1",
                                                     kq, QuoteTable(to.table)),
                                         "the key check of `" + decl.name + "`");
        if (!dup.rows.empty())
          throw rt::DataError(
              rt::MaskPassword(to.uri) + "#" + to.table, 0, key_name, dup.rows[0][0].value_or(""),
              fmt::format("the key of `{}` is duplicated ({} rows), so a lookup into it would count rows "
                          "twice",
                          decl.name, dup.rows[0][1].value_or("?")));
      }
  // Unmatched lookup keys become null members: counted and reported, at
  // every step of a path (a key of a looked-up row, too), over the scanned
  // source's rows, as the embedded engine counts them.
  std::set<std::string> reported;
  auto header = [&](const ir::Source& s, const std::string& name, bool key) {
    for (const auto& col : s.columns)
      if (key ? col.key : col.name == name) return col.header;
    return std::string();
  };
  for (const plan::Scan& sc : p.scans)
    for (const plan::ScanColumn& c : sc.columns)
      for (size_t k = 1; k < c.path.size(); ++k) {
        std::string id = c.sources[0] + "|" + fmt::format("{}", fmt::join(c.path.begin(), c.path.begin() + static_cast<long>(k), ".")) + "|" + c.path.back();
        if (!reported.insert(id).second) continue;
        // t0 is the scanned source; t_i the source of path part i.
        std::string from_sql = QuoteTable(locate(c.sources[0]).table) + " AS t0";
        for (size_t i = 1; i <= k; ++i)
          from_sql += fmt::format(" LEFT JOIN {} AS t{} ON t{}.{} = t{}.{}", QuoteTable(locate(c.sources[i]).table), i, i,
                                  QuoteTable(header(source(c.sources[i]), "", true)), i - 1,
                                  QuoteTable(header(source(c.sources[i - 1]), c.path[i - 1], false)));
        std::string fk = fmt::format("t{}.{}", k - 1, QuoteTable(header(source(c.sources[k - 1]), c.path[k - 1], false)));
        std::string key = fmt::format("t{}.{}", k, QuoteTable(header(source(c.sources[k]), "", true)));
        auto um = session(locate(c.sources[0]).uri)
                      .Query(fmt::format("SELECT COUNT(*), MIN({0}) FROM {1} WHERE {0} IS NOT NULL AND {2} IS NULL", fk,
                                         from_sql, key),
                             "the lookup check of `" + source(c.sources[0]).name + "`");
        int64_t n = um.rows.empty() ? 0 : std::stoll(um.rows[0][0].value_or("0"));
        if (n > 0)
          warnings->push_back(
              {"W0701",
               fmt::format("{} row(s) have a `{}` not found in `{}` (for example {}); their `{}` is null", n,
                           c.path[k - 1], source(c.sources[k]).name, KeyExample(um.rows[0][1].value_or("")),
                           c.path.back()),
               fmt::format("{} 行的 `{}` 在{}中找不到（例如 {}），其 `{}` 为空", n, c.path[k - 1],
                           ZhName(source(c.sources[k]).label, source(c.sources[k]).name),
                           KeyExample(um.rows[0][1].value_or("")), c.path.back())});
      }
  std::vector<engine::ScanResult> out(p.scans.size());
  for (size_t i = 0; i < p.scans.size(); ++i) {
    const plan::Scan& sc = p.scans[i];
    const Where& w = locate(sc.source);
    sql::Options so;
    so.dialect = sql::FindDialect("postgres");
    so.zone_name = p.time_zone.empty() ? "UTC" : p.time_zone;
    for (const auto& [key, wh] : where) so.tables[key] = wh.table;
    so.zoned = [&server_types](const std::string& source, const std::string& column) {
      auto it = server_types.find(source);
      if (it == server_types.end()) return false;
      auto c = it->second.find(column);
      return c != it->second.end() && c->second == "timestamp with time zone";
    };
    std::string time_col;
    if (sc.time_column >= 0) {
      const plan::ScanColumn& tc = sc.columns[static_cast<size_t>(sc.time_column)];
      for (const auto& col : p.SourceOf(sc).columns)
        if (col.name == tc.path[0]) time_col = QuoteTable(col.header);
    }
    ScanRunner runner{p, limits, rt::MaskPassword(w.uri) + "#" + w.table};
    try {
      out[i] = runner.Run(session(w.uri), i, so, time_col, QuoteTable(w.table));
    } catch (const rt::PgValueError&) {
      // PostgreSQL names no row. Without a role, the sources are read as
      // the embedded engine reads them (every needed source, in order,
      // stopping at the first bad value), and that error, naming the
      // table, row, column and value, is reported instead. Anything else
      // from that read (no bad value found, a failed connection, an error
      // naming no row) leaves PostgreSQL's message as it is. Under a role
      // there is no such read: it would meet rows outside the role, which
      // PostgreSQL filtered out, and name them (ExecutePlan then shows only
      // what failed).
      if (!p.role.empty()) throw;
      std::map<std::string, std::set<std::string>> needed = NeededColumns(p);
      ReadOptions ro;
      ro.binds = binds;
      ro.needed = &needed;
      ro.discard_rows = true;
      ro.zone = p.calendar.zone;
      std::optional<rt::DataError> named;
      try {
        std::vector<std::string> unsupported;
        ReadSources(p.sources, ro, &unsupported);
      } catch (const rt::DataError& e) {
        if (e.line() > 0) named = e;
      } catch (const std::exception&) {
      }
      if (named) throw *named;
      throw;
    }
  }
  return out;
}

}  // namespace kpic::exec
