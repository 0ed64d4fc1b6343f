// Plan -> SQL. The query mirrors the embedded engine's two stages:
//
//   s0, s1, ...   one CTE per scan: the row filter, the lookups (LEFT JOIN
//                 on the referenced key), the group key (period start and
//                 members) and every mergeable aggregate state;
//   v0_1, ...     the values of a distinct count or percentile, per group;
//   bounds/periods/members/grid
//                 the output rows: every period from the first to the last
//                 (filled), times the members seen in that range;
//   l0, l1, ...   one CTE per aggregate leaf and context: the states of the
//                 groups inside the context's periods (and members) merged,
//                 so ratios, distinct counts and windows are recomputed from
//                 their parts, never averaged;
//   f0, x0, ...   nested frames for `.avg(day)`-style re-aggregation,
//                 `zscore` and balances (`rollup`);
//   final SELECT  the metric expressions over the leaves.
//
// A context is the engine's (grain, first period, last period, members)
// with the periods as SQL date expressions over the frame row `f`.
#include "sql/emit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>

#include "calendar.h"
#include "datetime.h"
#include "decimal.h"
#include "engine/value.h"
#include "timezone.h"

namespace kpic::sql {

using plan::AggSpec;
using plan::MNode;
using plan::RowNode;
using plan::VT;
using rt::Grain;

namespace {

template <typename... Args>
std::string T(const char* tmpl, Args&&... args) {
  return fmt::format(fmt::runtime(tmpl), std::forward<Args>(args)...);
}

std::string Int128Text(__int128 v) { return rt::FormatDecimal(v, 0); }

std::string Pow10Text(int k) { return "1" + std::string(static_cast<size_t>(k), '0'); }

int MonthsOf(Grain g) { return g == Grain::kMonth ? 1 : g == Grain::kQuarter ? 3 : g == Grain::kYear ? 12 : 0; }

/// Left-associative chains: `(a + b) + c` is written `(a + b + c)`, as
/// SQL reads `a + b + c` as `(a + b) + c` in every dialect. SQLite's
/// parser stops at about 100 nested brackets, which a sum of 100 terms or
/// a chain of 100 metrics each adding to the one before would otherwise
/// reach. `Chain` records that an expression's text is `(` + a chain of
/// one operator class + `)`; it holds only while the text is the one it
/// was recorded for (any wrapper makes the text longer).
struct Chain {
  enum class Op : uint8_t { kNone, kAdditive, kMultiplicative } op = Op::kNone;
  size_t len = 0;  ///< the text's length when recorded
  static Chain Of(Op op, const std::string& sql) { return {op, sql.size()}; }
  /// `sql` as the left operand of an operator of class `want`: without
  /// its outer brackets when it is a chain of that class, or a product
  /// under an addition (and was not rewritten since: `original`).
  std::string Left(Op want, const std::string& sql, const std::string& original) const {
    return Bare(op == want || Binds(want), sql, original);
  }
  /// `sql` as the right operand: without brackets only when it is a
  /// product under an addition (`a - (b * c)` is `a - b * c`; `a - (b - c)`
  /// is not `a - b - c`).
  std::string Right(Op want, const std::string& sql, const std::string& original) const {
    return Bare(Binds(want), sql, original);
  }

 private:
  bool Binds(Op want) const { return op == Op::kMultiplicative && want == Op::kAdditive; }
  std::string Bare(bool ok, const std::string& sql, const std::string& original) const {
    if (!ok || op == Op::kNone || len != sql.size() || sql != original || sql.size() < 2) return sql;
    return sql.substr(1, sql.size() - 2);
  }
};

/// A typed SQL expression after aggregation.
struct MV {
  std::string sql;
  enum class K { kNull, kInt, kDec, kFloat, kBool } k = K::kNull;
  int scale = 0;
  Chain chain = {};
  bool exact() const { return k == K::kInt || k == K::kDec; }
};

/// A typed SQL row expression.
struct SV {
  std::string sql;
  VT t = VT::kNull;
  int scale = 0;
  Chain chain = {};
};

struct Ctx {
  Grain g = Grain::kAll;
  std::string lo, hi;  ///< first and last period start at g (unset at `all`)
  bool total = false;  ///< every member of the breakdown
  /// With `total`: the first member column still compared (the added
  /// dimensions of a re-aggregation under `share`); none by default.
  size_t from = SIZE_MAX;
  /// A partial period's span: its first and last day (SQL dates, NULL at
  /// run time when the row's period is whole), or empty: no bound. Only
  /// these days of the periods count; period operators move the span with
  /// the periods (the engine's Ctx clo/chi).
  std::string clo = {}, chi = {};
};

struct Frame {
  std::string name;
  size_t ndims = 0;
  std::vector<std::string> joins;  ///< CTEs joined on rid
  std::set<std::string> joined;
};

class Emitter {
 public:
  Emitter(const plan::Plan& p, const Options& o) : p_(p), o_(o), d_(*o.dialect) {
    scan_cte_.assign(p.scans.size(), -1);
    needs_n_.resize(p.scans.size());
    values_cte_.resize(p.scans.size());
    for (size_t s = 0; s < p.scans.size(); ++s) values_cte_[s].assign(p.scans[s].aggs.size(), -1);
  }

  // ---- basics --------------------------------------------------------------------

  std::string Q(const std::string& name) const {
    // BigQuery's and ClickHouse's quoted identifiers take the escapes of
    // their string literals: a backslash there escaped the closing quote
    // (a header `st\` broke the SQL, and a crafted one could end the
    // identifier early). Spark doubles its backtick and takes a backslash
    // as it is; the others double their quote.
    bool escapes = d_.backslash_escapes && d_.id != builtins::Dialect::kSpark;
    std::string out(1, d_.quote_open);
    for (char c : name) {
      if (escapes && (c == '\\' || c == d_.quote_close))
        out += '\\', out += c;
      else if (escapes && (c == '\n' || c == '\r' || c == '\t'))
        out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
      else if (c == d_.quote_close)
        out += c, out += c;
      else
        out += c;
    }
    return out + d_.quote_close;
  }

  std::string Lit(const std::string& s) const {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'')
        out += d_.backslash_escapes ? "\\'" : "''";
      else if (c == '\\' && d_.backslash_escapes)
        out += "\\\\";
      else if (d_.backslash_escapes && (c == '\n' || c == '\r' || c == '\t'))
        out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";  // BigQuery refuses a raw line break in '...'
      else
        out += c;
    }
    return out + "'";
  }

  std::string Table(const std::string& key) const {
    if (auto pq = o_.parquet.find(key); pq != o_.parquet.end() && d_.read_parquet)
      return T(d_.read_parquet, Lit(pq->second.files), pq->second.hive ? "true" : "false",
               HiveTypes(pq->second.partitions));
    std::string name;
    if (auto it = o_.tables.find(key); it != o_.tables.end()) {
      name = it->second;
    } else {
      const ir::Source* d = Source(key);
      name = d ? d->name : key.substr(key.find(':') + 1);
    }
    std::string out;
    size_t start = 0;
    while (true) {
      size_t dot = name.find('.', start);
      out += Q(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      out += ".";
      start = dot + 1;
    }
    return out;
  }

  /// read_parquet's types of the Hive partition columns (they would be
  /// text otherwise), or "".
  std::string HiveTypes(const std::vector<std::pair<std::string, ir::Scalar>>& partitions) const {
    if (partitions.empty() || !d_.parquet_hive_types) return "";
    std::string entries;
    for (const auto& [key, scalar] : partitions) {
      std::string type;
      switch (scalar.vt) {
        case VT::kInt: type = d_.int_type; break;
        case VT::kFloat: type = d_.dbl; break;
        case VT::kDecimal: type = T(d_.decimal_type, scalar.scale); break;
        case VT::kBool: type = d_.bool_type; break;
        case VT::kDate: type = d_.date_type; break;
        case VT::kTimestamp: type = d_.timestamp_type; break;
        default: type = d_.text_type;
      }
      entries += (entries.empty() ? "" : ", ") + Lit(key) + ": " + Lit(type);
    }
    return T(d_.parquet_hive_types, entries);
  }

  std::string DateLit(int32_t day) const { return T(d_.date_lit, rt::FormatDate(day)); }

  std::string AddDays(const std::string& e, const std::string& n) const { return T(d_.add_days, e, n); }
  std::string AddMonths(const std::string& e, const std::string& n) const { return T(d_.add_months, e, n); }
  /// `e`, the first day of a month, plus n months.
  std::string AddMonthsFirst(const std::string& e, const std::string& n) const {
    return T(d_.add_months_first ? d_.add_months_first : d_.add_months, e, n);
  }
  std::string Mod(const std::string& a, const std::string& b) const { return T(d_.mod, "(" + a + ")", b); }

  /// `e` plus n periods of g (n is SQL).
  std::string AddGrain(Grain g, const std::string& e, const std::string& n) const {
    if (Retail(g)) {
      // A retail period n periods on: the one holding the day n Gregorian
      // periods on plus half a period (retail periods stay within days of
      // their Gregorian months, so this lands inside the right one; the unit
      // tests check it for every pattern, week start and fiscal start).
      // A start that is itself a shift of another is shifted from that one
      // at once, so that nested period operators stay short.
      if (auto it = retail_shifts_.find({g, e}); it != retail_shifts_.end())
        return AddGrain(g, it->second.first, "(" + it->second.second + ") + (" + n + ")");
      int k = MonthsOf(g), half = g == Grain::kMonth ? 14 : g == Grain::kQuarter ? 45 : 182;
      std::string month = T(d_.trunc_month, AddDays(e, "15"));  // the Gregorian month of e's period
      std::string out =
          Bucket(g, AddDays(AddMonthsFirst(month, "(" + n + ") * " + std::to_string(k)), std::to_string(half)));
      retail_shifts_[{g, out}] = {e, n};
      return out;
    }
    switch (g) {
      case Grain::kDay:
        return AddDays(e, n);
      case Grain::kWeek:
        return AddDays(e, "(" + n + ") * 7");
      case Grain::kMonth:
        return AddMonths(e, n);
      case Grain::kQuarter:
        return AddMonths(e, "(" + n + ") * 3");
      case Grain::kYear:
        return AddMonths(e, "(" + n + ") * 12");
      case Grain::kAll:
        break;
    }
    return e;
  }
  std::string AddGrain(Grain g, const std::string& e, int64_t n) const {
    if (n == 0) return e;
    if (Retail(g)) return AddGrain(g, e, std::to_string(n));
    if (g == Grain::kWeek) return AddDays(e, std::to_string(n * 7));
    if (g == Grain::kQuarter) return AddMonths(e, std::to_string(n * 3));
    if (g == Grain::kYear) return AddMonths(e, std::to_string(n * 12));
    return AddGrain(g, e, std::to_string(n));
  }
  /// The last day of the period of g starting at `start`.
  std::string LastDay(Grain g, const std::string& start) const {
    if (g == Grain::kDay) return start;
    return AddDays(AddGrain(g, start, 1), "-1");
  }

  /// The later of two dates; `b` may be NULL at run time or empty (then `a`).
  static std::string LaterOf(const std::string& a, const std::string& b) {
    if (b.empty()) return a;
    return fmt::format("CASE WHEN {1} > {0} THEN {1} ELSE {0} END", a, b);
  }
  /// The earlier of two dates; `b` may be NULL at run time or empty (then `a`).
  static std::string EarlierOf(const std::string& a, const std::string& b) {
    if (b.empty()) return a;
    return fmt::format("CASE WHEN {1} < {0} THEN {1} ELSE {0} END", a, b);
  }
  /// The first and last day of a context's periods, within its span (the
  /// engine's Days).
  std::string FirstDay(const Ctx& c) const { return LaterOf(c.lo, c.clo); }
  std::string LastDayOf(const Ctx& c) const { return EarlierOf(LastDay(c.g, c.hi), c.chi); }

  /// The context `w` (c moved by a period operator to the periods from
  /// `w.lo`) with c's span moved alike: by calendar months (`months`, SQL,
  /// when not empty, in a Gregorian calendar), else by the days between the
  /// two contexts' first days (the engine's MoveSpan).
  Ctx MoveSpan(const Ctx& c, Ctx w, const std::string& months) const {
    w.clo = c.clo, w.chi = c.chi;
    if ((c.clo.empty() && c.chi.empty()) || c.g == Grain::kAll) return w;
    auto move = [&](const std::string& d) -> std::string {
      if (d.empty()) return d;
      if (!months.empty() && !p_.calendar.Retail()) return AddMonths(d, "-(" + months + ")");
      if (w.lo == c.lo) return d;
      // The same days from the moved first day (w.lo, a long expression in
      // a retail calendar, nested as little as possible).
      return AddDays(w.lo, T(d_.day_diff, d, c.lo));
    };
    w.clo = move(c.clo);
    w.chi = move(c.chi);
    return w;
  }
  Ctx MoveSpan(const Ctx& c, Ctx w, int64_t months) const {
    return MoveSpan(c, std::move(w), months ? std::to_string(months) : std::string());
  }

  /// Retail period starts made by AddGrain: (grain, SQL) -> (the start it
  /// was shifted from, by how many periods).
  mutable std::map<std::pair<Grain, std::string>, std::pair<std::string, std::string>> retail_shifts_;

  /// Whether g's periods follow a retail (4-4-5) calendar.
  bool Retail(Grain g) const {
    return p_.calendar.Retail() && (g == Grain::kMonth || g == Grain::kQuarter || g == Grain::kYear);
  }

  /// Retail periods are counted in weeks from an epoch that starts a week
  /// (the first `week_start` day from 1970-01-05, a Monday); the offset
  /// keeps the numerator of each division positive, so that truncating
  /// division floors.
  static constexpr int64_t kWeekBias = 100000;
  std::string RetailEpoch() const { return DateLit(4 + p_.calendar.week_start); }
  /// The week (from the epoch) holding `day`.
  std::string WeekNo(const std::string& day) const {
    return "(" +
           T(d_.int_div, "(" + T(d_.day_diff, day, RetailEpoch()) + " + " + std::to_string(7 * kWeekBias) + ")", "7") +
           " - " + std::to_string(kWeekBias) + ")";
  }
  /// The week (from the epoch) starting on the week's first day nearest `f`.
  std::string NearestWeekNo(const std::string& f) const {
    return "(" +
           T(d_.int_div, "(" + T(d_.day_diff, f, RetailEpoch()) + " + " + std::to_string(7 * kWeekBias + 3) + ")", "7") +
           " - " + std::to_string(kWeekBias) + ")";
  }
  /// The week (from the epoch) a retail year containing `day` starts: the
  /// week's first day nearest the first day of its Gregorian fiscal year,
  /// or of the one before or after.
  /// With `back` 1, the week the retail year before it starts.
  std::string RetailYearWeek(const std::string& day, int back = 0) const {
    // The first day of month `fiscal_year_start` in the day's year, the year
    // before and the year after: the nominal starts of the candidates.
    std::string jan = T(d_.trunc_year, day);
    auto nominal = [&](int years) {
      int months = 12 * years + p_.calendar.fiscal_start - 1;
      return NearestWeekNo(months == 0 ? jan : AddMonthsFirst(jan, std::to_string(months)));
    };
    std::string w = WeekNo(day);
    return fmt::format("(CASE WHEN {0} >= {1} THEN {2} WHEN {0} >= {3} THEN {4} ELSE {5} END)", w, nominal(1),
                       nominal(1 - back), nominal(0), nominal(-back), nominal(-1 - back));
  }
  /// The first day of the retail period of g (month, quarter, year) holding `day`.
  std::string RetailBucket(Grain g, const std::string& day) const {
    std::string ys = RetailYearWeek(day);
    std::string weeks = ys;
    if (g != Grain::kYear) {
      // The week of the year (0..52) to the first week of its month or
      // quarter; the 53rd week is in the last month.
      std::string cases;
      for (int w = 0; w <= 52; ++w) {
        int u = std::min(w, 51), q = u / 13, r = u % 13, m = 0;
        const int* pat = p_.calendar.pattern;
        if (r >= pat[0]) m = r >= pat[0] + pat[1] ? 2 : 1;
        int first = g == Grain::kQuarter ? 13 * q : 13 * q + (m == 0 ? 0 : m == 1 ? pat[0] : pat[0] + pat[1]);
        cases += fmt::format(" WHEN {} THEN {}", w, first);
      }
      weeks = fmt::format("({} + CASE {} - {}{} END)", ys, WeekNo(day), ys, cases);
    }
    return AddDays(RetailEpoch(), weeks + " * 7");
  }

  /// The first day of the last period of `fine` in the period of g that
  /// starts on `start`: in a retail calendar, a week ends a month, quarter
  /// or year, so its last week starts 7 days before the next one.
  std::string LastStart(Grain fine, Grain g, const std::string& start) const {
    if (fine == Grain::kDay) return LastDay(g, start);
    if (fine == Grain::kWeek && Retail(g)) return AddDays(AddGrain(g, start, 1), "-7");
    return Bucket(fine, LastDay(g, start));
  }

  /// The first day of the period of g containing the day `day`.
  std::string Bucket(Grain g, const std::string& day) const {
    if (Retail(g)) {
      if (retail_shifts_.count({g, day})) return day;  // already a start of g
      return RetailBucket(g, day);
    }
    return GregorianBucket(g, day);
  }
  std::string GregorianBucket(Grain g, const std::string& day) const {
    int k = p_.calendar.fiscal_start - 1;
    switch (g) {
      case Grain::kDay:
        return day;
      case Grain::kWeek:
        return AddDays(day, "-" + Mod(T(d_.iso_dow, day) + " + " + std::to_string(6 - p_.calendar.week_start), "7"));
      case Grain::kMonth:
        return T(d_.trunc_month, day);
      case Grain::kQuarter:
      case Grain::kYear: {
        const char* trunc = g == Grain::kQuarter ? d_.trunc_quarter : d_.trunc_year;
        if (k == 0) return T(trunc, day);
        return AddMonths(T(trunc, AddMonths(T(d_.trunc_month, day), std::to_string(-k))), std::to_string(k));
      }
      case Grain::kAll:
        break;
    }
    return day;
  }

  /// A period series CTE (column p) from the bounds query's lo to hi.
  std::string Series(const std::string& name, Grain g, const std::string& bounds) const {
    if (Retail(g))  // the weeks from lo to hi, then the distinct periods holding them
      return Series(name + "w", Grain::kWeek, bounds) +
             fmt::format(",\n{} AS (\n  SELECT DISTINCT {} AS p\n  FROM {}w)", name, Bucket(g, "p"), name);
    bool days = g == Grain::kDay || g == Grain::kWeek;
    int n = g == Grain::kDay ? 1 : g == Grain::kWeek ? 7 : MonthsOf(g);
    std::string step =
        days ? AddDays("b.lo", "i * " + std::to_string(n)) : AddMonths("b.lo", "i * " + std::to_string(n));
    return fmt::format(fmt::runtime(d_.series), fmt::arg("name", name), fmt::arg("bounds", bounds), fmt::arg("n", n),
                       fmt::arg("unit", days ? "day" : "month"), fmt::arg("UNIT", days ? "DAY" : "MONTH"),
                       fmt::arg("step_i", step));
  }

  // ---- CTE bookkeeping -----------------------------------------------------------

  /// Adds a CTE; its text is `name AS (\n  body)` unless `raw`.
  std::string Cte(const std::string& prefix, const std::string& body, bool memo = true) {
    if (memo) {
      auto it = memo_.find(prefix + "|" + body);
      if (it != memo_.end()) return it->second;
    }
    std::string name = fmt::format("{}{}", prefix, counter_[prefix]++);
    ctes_.push_back({name, body, false});
    if (memo) memo_[prefix + "|" + body] = name;
    return name;
  }
  /// A new name for a CTE whose whole text (`name AS (...)` or
  /// `name(p) AS (...)`) comes from a dialect template.
  std::string RawCte(const std::string& prefix, const std::function<std::string(const std::string&)>& text) {
    std::string name = fmt::format("{}{}", prefix, counter_[prefix]++);
    ctes_.push_back({name, text(name), true});
    return name;
  }

  std::string Assemble(const std::string& select) {
    // Scan CTEs are filled in last, when every use (and every state column
    // they need) is known.
    for (size_t s = 0; s < p_.scans.size(); ++s)
      if (scan_cte_[s] >= 0) ctes_[static_cast<size_t>(scan_cte_[s])].body = ScanGroupsSql(s, true);
    std::string out = std::string(d_.with) + "\n";
    for (size_t i = 0; i < ctes_.size(); ++i) {
      const auto& c = ctes_[i];
      out += c.raw ? c.body : c.name + " AS (\n  " + c.body + ")";
      out += i + 1 < ctes_.size() ? ",\n" : "\n";
    }
    return out + select;
  }

  // ---- rows ----------------------------------------------------------------------

  struct ScanFrom {
    std::string from;                     ///< FROM ... LEFT JOIN ...
    std::vector<std::string> column_sql;  ///< per scan column
    /// Per scan column, as stored, before the checks of its values
    /// (time_col): the window's bounds compare it, so that an index on
    /// the time column still serves them.
    std::vector<std::string> raw_column_sql;
  };

  const ir::Source* Source(const std::string& key) const {
    for (const ir::Source& s : p_.sources)
      if (s.key == key) return &s;
    return nullptr;
  }

  static std::string Physical(const ir::Source* src, const std::string& column) {
    if (src)
      for (const auto& c : src->columns)
        if (c.name == column) return c.header;
    return column;
  }

  ScanFrom From(const plan::Scan& scan) const {
    ScanFrom f;
    // Each table read, and what it adds to its rows: SQLite's dates and
    // timestamps are read once per row in a derived table, `(SELECT *,
    // <read> AS "kpic#day" FROM t)`, as their reading nests deep, and
    // SQLite's parser stops at about 100 levels ("parser stack overflow").
    struct Read {
      std::string table, alias, on;
      std::vector<std::string> extra;
      std::set<std::string> names;
    };
    std::vector<Read> reads{{Table(scan.source), "t0", "", {}, {}}};
    std::map<std::string, std::string> alias;  // path prefix -> alias of the referenced source
    int next = 1;
    for (const auto& c : scan.columns) {
      std::string cur = "t0";
      const ir::Source* decl = &p_.SourceOf(scan);
      std::string prefix;
      for (size_t k = 0; k + 1 < c.path.size(); ++k) {
        prefix += c.path[k] + ".";
        const ir::Source* target = Source(c.sources[k + 1]);
        auto it = alias.find(prefix);
        if (it == alias.end()) {
          std::string a = fmt::format("t{}", next++);
          std::string key;
          bool text = false;
          if (target && target->key_column >= 0) {
            key = target->columns[target->key_column].header;
            text = target->columns[target->key_column].scalar.vt == VT::kString;
          }
          if (key.empty()) throw std::logic_error(fmt::format("the source referenced by `{}` has no key column (E0408)", c.path[k]));
          // Text keys match byte for byte (see Row's comparisons): under a
          // role that restricts the lookup, `p1` must not find `P1`.
          std::string fk = cur + "." + Q(Physical(decl, c.path[k])), pk = a + "." + Q(key);
          reads.push_back({Table(c.sources[k + 1]), a,
                           fmt::format("{} = {}", text ? T(d_.binary_text, pk) : pk, text ? T(d_.binary_text, fk) : fk),
                           {}, {}});
          it = alias.emplace(prefix, a).first;
        }
        cur = it->second;
        decl = target;
      }
      std::string physical = Physical(decl, c.path.back());
      std::string sql = cur + "." + Q(physical);
      bool sqlite_time = d_.id == builtins::Dialect::kSqlite && (c.type == VT::kDate || c.type == VT::kTimestamp);
      if (sqlite_time) {
        Read& r = *std::find_if(reads.begin(), reads.end(), [&](const Read& x) { return x.alias == cur; });
        std::string name = "kpic#" + physical;
        if (r.names.insert(name).second)
          r.extra.push_back((c.type == VT::kDate ? SqliteDate(Q(physical), scan, c) : SqliteTimestamp(Q(physical), scan, c)) +
                            " AS " + Q(name));
        sql = cur + "." + Q(name);
      } else if (c.type == VT::kTimestamp) {
        if (o_.zoned && o_.zoned(c.sources.back(), physical))
          sql = fmt::format("({} AT TIME ZONE {})", sql, PgZone(o_.zone_name));
        else
          sql = T(d_.timestamp_col, sql);
      }
      f.raw_column_sql.push_back(sql);
      if (d_.time_col && !sqlite_time && (c.type == VT::kDate || c.type == VT::kTimestamp))
        sql = T(d_.time_col, sql, c.type == VT::kDate ? "DATE" : "TIMESTAMP",
                Lit(fmt::format("kpic: source {}, column {}: {}", p_.SourceOf(scan).name, c.Text(), ValueWord())),
                MessageValue(sql));
      if (c.type == VT::kDecimal) sql = ExactDecimal(sql, scan, c);
      if (d_.id == builtins::Dialect::kSqlite && c.type == VT::kInt) sql = SqliteInt(sql, scan, c);
      if (d_.id == builtins::Dialect::kSqlite && c.type == VT::kFloat) sql = SqliteFloat(sql, scan, c);
      if (d_.float_col && c.type == VT::kFloat)
        sql = T(d_.float_col, sql,
                Lit(fmt::format("kpic: source {}, column {}: {}", p_.SourceOf(scan).name, c.Text(), ValueWord())),
                MessageValue(sql));
      if (d_.id == builtins::Dialect::kSqlite && c.type == VT::kBool) sql = SqliteBool(sql, scan, c);
      f.column_sql.push_back(sql);
    }
    for (const Read& r : reads) {
      std::string table = r.extra.empty() ? r.table
                                          : fmt::format("(SELECT *, {} FROM {})", fmt::join(r.extra, ", "), r.table);
      f.from += r.on.empty() ? table + " AS " + r.alias
                             : fmt::format("\n  LEFT JOIN {} AS {} ON {}", table, r.alias, r.on);
    }
    return f;
  }

  /// A `decimal(n)` column as DECIMAL(38, n) (SQLite: an integer scaled by
  /// 10^n), whatever its stored type; a value with more digits after the
  /// point is an error, never rounded (docs/sql.md, "Exact decimals").
  std::string ExactDecimal(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    std::string where = fmt::format("kpic: source {}, column {}: ", p_.SourceOf(scan).name, c.Text());
    std::string rule =
        fmt::format("more than {0} digits after the point for decimal({0}) (rounding would change the amount)", c.scale);
    return T(d_.decimal_col, col, DecType(c.scale), Lit(where + ValueWord()), Lit(" has " + rule),
             Lit(where + "a value has " + rule), c.scale, Pow10Text(c.scale), fmt::format("decimal({})", c.scale),
             MessageValue(col));
  }

  /// A row's value in an error message: its text, or nothing under a role,
  /// whose query may meet a row outside the role's access before its
  /// filter drops it (kpic run shows no value under a role either).
  /// Under a role the text is empty, but still the column's: a message of
  /// constants alone is folded when the query is planned, and PostgreSQL
  /// raised it for every query.
  std::string MessageValue(const std::string& col) const {
    std::string text;
    switch (d_.id) {
      case builtins::Dialect::kPostgres: text = "CAST(" + col + " AS TEXT)"; break;
      case builtins::Dialect::kSqlite: text = col; break;
      case builtins::Dialect::kSpark:
      case builtins::Dialect::kBigquery: text = "CAST(" + col + " AS STRING)"; break;
      default: text = "CAST(" + col + " AS VARCHAR)"; break;
    }
    return p_.role.empty() ? text : "substr(" + text + ", 1, 0)";
  }
  /// What precedes MessageValue: "value " or, under a role, words that say
  /// why none is shown.
  std::string ValueWord() const {
    return p_.role.empty() ? "value "
                           : fmt::format("a value (not shown: the row may be outside role {}'s access) that", p_.role);
  }

  /// SQLite keeps any value in any column: an `int` column stored as text
  /// (`sqlite3 .import` makes TEXT columns) compared as text, `'10' < '9'`,
  /// and text that is not a number compared greater than every number.
  /// Its text is read as the whole number it writes (within 64 bits), and
  /// anything else is an error, as in kpic run.
  std::string SqliteInt(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    std::string where = fmt::format("kpic: source {}, column {}: ", p_.SourceOf(scan).name, c.Text());
    // An INTEGER as it is (through decimal_col's double, 2^53 + 1 read
    // 2^53); decimal_col reads `.import`'s empty text as null.
    // A REAL, or text with a point (`3.0`, which decimal_col takes as 3), is
    // not a whole number for kpic run either.
    std::string not_whole = T(d_.fail, MessageValue(col) + " || ' is not a whole number'", Lit(where + ValueWord()));
    return fmt::format("CASE WHEN typeof({0}) = 'integer' THEN {0} WHEN typeof({0}) = 'real' OR ({0} GLOB '*.*' "
                       "AND {0} <> '') THEN {2} ELSE {1} END",
                       col,
                       T(d_.decimal_col, col, "INTEGER", Lit(where + ValueWord()), Lit(" is not a whole number"),
                         Lit(where + "a value is not a whole number"), 0, "1", "int", MessageValue(col)),
                       not_whole);
  }
  /// A `float` column stored as text: read as the number it writes (SQLite
  /// applies numeric affinity to text only when it is a well-formed number,
  /// so the comparison with its REAL is true exactly then); other text is
  /// an error, and so are a leading `+` and spaces around the number, which
  /// SQLite's affinity takes and kpic run does not.
  std::string SqliteFloat(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    std::string where = fmt::format("kpic: source {}, column {}: {}", p_.SourceOf(scan).name, c.Text(), ValueWord());
    // An infinity (a REAL, or text past the double range such as `1e400`)
    // is an error, as in kpic run: it cannot be summed (SQLite stores NaN as
    // NULL).
    return fmt::format("CASE WHEN {0} IS NULL THEN NULL WHEN typeof({0}) = 'integer' THEN {0} WHEN typeof({0}) = 'real' AND abs({0}) <= 1.7976931348623157e308 THEN {0} "
                       "WHEN typeof({0}) = 'real' THEN {2} WHEN {0} = '' THEN NULL "
                       "WHEN {0} GLOB '+*' OR trim({0}, ' ' || char(9, 10, 11, 12, 13)) <> {0} THEN {1} "
                       "WHEN CAST({0} AS REAL) = {0} AND abs(CAST({0} AS REAL)) <= 1.7976931348623157e308 THEN CAST({0} AS REAL) "
                       "WHEN CAST({0} AS REAL) = {0} THEN {2} ELSE {1} END",
                       col, T(d_.fail, MessageValue(col) + " || ' is not a number'", Lit(where)),
                       T(d_.fail, MessageValue(col) + " || ' is not a finite number (NaN and infinities cannot be summed)'", Lit(where)));
  }

  /// A `bool` column stored as text (`sqlite3 .import`): SQLite reads any
  /// text that is not a number as 0, so `'false'` and `'true'` were both
  /// false and `not returned` took every row. Read as kpic run reads it:
  /// 1/0, true/false, t/f, yes/no, y/n in any case, and `.import`'s empty
  /// text as null (as the number columns read it); anything else (an
  /// INTEGER other than 0 and 1 too) is an error.
  std::string SqliteBool(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    return SqliteBool(col, p_.SourceOf(scan).name, c.Text());
  }
  std::string SqliteBool(const std::string& col, const std::string& source, const std::string& column) const {
    std::string where = fmt::format("kpic: source {}, column {}: {}", source, column, ValueWord());
    return fmt::format("CASE WHEN {0} IS NULL OR {0} = '' THEN NULL WHEN typeof({0}) = 'integer' AND {0} IN (0, 1) THEN {0} "
                       "WHEN typeof({0}) = 'text' AND lower({0}) IN ('1', 'true', 't', 'yes', 'y') THEN 1 "
                       "WHEN typeof({0}) = 'text' AND lower({0}) IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE {1} END",
                       col, T(d_.fail, MessageValue(col) + " || ' is not a boolean (true/false, 1/0, yes/no)'", Lit(where)));
  }

  /// A `date` column in SQLite, which has no date type: text read as
  /// kpic run reads it (`YYYY-M-D`, months and days padded or not, as the
  /// CSV reader's default format; `date(x, '+0 days')` finds 30 February,
  /// which `date(x)` returns as it is), as the ISO text `YYYY-MM-DD` the query
  /// compares and truncates; the empty text is null. Anything else (text
  /// that is not such a date or not a day of the calendar, an INTEGER or a
  /// REAL, which SQLite's date functions read as a Julian day) is an error,
  /// as in kpic run: before 2026-12-05 `2025-1-5` compared as text, after
  /// `2025-12-31`, and its row fell out of every period.
  std::string SqliteDate(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    std::string where = fmt::format("kpic: source {}, column {}: {}", p_.SourceOf(scan).name, c.Text(), ValueWord());
    std::string rest = fmt::format("substr({}, 6)", col);
    std::string dash = fmt::format("instr({}, '-')", rest);
    std::string iso = fmt::format("printf('%s-%02d-%02d', substr({0}, 1, 4), CAST(substr({1}, 1, {2} - 1) AS INTEGER), "
                                  "CAST(substr({1}, {2} + 1) AS INTEGER))",
                                  col, rest, dash);
    const char* y = "[0-9][0-9][0-9][0-9]-";
    // The padded form first, which is nearly every value: checked with one
    // GLOB and one date(), without the printf of the unpadded forms
    // (SQLite evaluates the whole expression wherever the column is read;
    // without this, a month's sum over 500,000 rows took 5.8 s, not 0.3).
    return fmt::format(
        "CASE WHEN {0} IS NULL OR {0} = '' THEN NULL WHEN typeof({0}) = 'text' AND "
        "{0} GLOB '{2}[0-9][0-9]-[0-9][0-9]' AND substr({0}, 1, 4) <> '0000' AND date({0}, '+0 days') = {0} "
        "THEN {0} WHEN typeof({0}) = 'text' AND ({0} GLOB '{2}[0-9]-[0-9]' OR "
        "{0} GLOB '{2}[0-9][0-9]-[0-9]' OR {0} GLOB '{2}[0-9]-[0-9][0-9]' OR {0} GLOB '{2}[0-9][0-9]-[0-9][0-9]') "
        "AND substr({0}, 1, 4) <> '0000' AND date({1}, '+0 days') = {1} THEN {1} ELSE {3} END",
        col, iso, y, T(d_.fail, MessageValue(col) + " || ' is not a date in the format %Y-%m-%d'", Lit(where)));
  }

  /// A `timestamp` column in SQLite: text read as kpic run reads it
  /// (`YYYY-MM-DD HH:MM[:SS[.ffffff]]`, `T` or a space, and an optional
  /// `Z`, `+hh`, `+hhmm` or `+hh:mm`), as the text `YYYY-MM-DD HH:MM:SS` of
  /// its wall-clock time in the calendar's zone. A value with an offset is
  /// moved to that zone when the zone's offset is fixed (`UTC`, `+08:00`);
  /// SQLite has no time zone database, so in another zone such a value is
  /// an error rather than a time in the wrong zone. The empty text is null;
  /// any other value (a date alone, an INTEGER or a REAL, which
  /// `datetime()` reads as a Julian day, text it would make null) is an
  /// error, as in kpic run: before 2026-12-05 `datetime()` read it, or
  /// dropped its row, and moved an offset to UTC whatever the zone.
  /// The calendar's zone as PostgreSQL's `AT TIME ZONE` reads it. A fixed
  /// offset is given as an interval: as text, `'+08:00'` is a POSIX zone,
  /// whose sign is the other way (eight hours west of UTC), and
  /// `--engine postgres` moved timestamps by 16 hours (engine probe,
  /// 2026-12-07).
  std::string PgZone(const std::string& name) const {
    bool fixed = name.size() == 6 && (name[0] == '+' || name[0] == '-') && name[3] == ':' &&
                 std::isdigit(static_cast<unsigned char>(name[1])) && std::isdigit(static_cast<unsigned char>(name[2])) &&
                 std::isdigit(static_cast<unsigned char>(name[4])) && std::isdigit(static_cast<unsigned char>(name[5]));
    return fixed ? fmt::format("INTERVAL {}", Lit(name)) : Lit(name);
  }

  std::string SqliteTimestamp(const std::string& col, const plan::Scan& scan, const plan::ScanColumn& c) const {
    std::string where = fmt::format("kpic: source {}, column {}: {}", p_.SourceOf(scan).name, c.Text(), ValueWord());
    std::optional<int> zone_minutes;
    {
      std::string err;
      std::string name = o_.zone_name.empty() ? "UTC" : o_.zone_name;
      if (auto z = rt::TimeZone::Load(name, &err)) {
        int64_t lo = 0, hi = 0;
        int32_t off = z->OffsetAt(0, &lo, &hi);
        if (lo == INT64_MIN && hi == INT64_MAX && off % 60 == 0) zone_minutes = off / 60;
      }
    }
    std::string tail = fmt::format("substr({}, 17)", col);
    // Where the offset starts in the tail (after HH:MM), or past its end.
    std::string k = fmt::format(
        "(CASE WHEN instr({0}, 'Z') > 0 THEN instr({0}, 'Z') WHEN instr({0}, '+') > 0 THEN instr({0}, '+') "
        "WHEN instr({0}, '-') > 0 THEN instr({0}, '-') ELSE length({0}) + 1 END)",
        tail);
    std::string secs = fmt::format("substr({}, 1, {} - 1)", tail, k);  // '', ':SS' or ':SS.fff'
    std::string off = fmt::format("substr({}, {})", tail, k);          // '', 'Z', '+hh', '+hhmm', '+hh:mm'
    std::string shape = fmt::format(
        "{0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]*' AND substr({0}, 1, 4) <> '0000' "
        "AND date(substr({0}, 1, 10), '+0 days') = substr({0}, 1, 10) AND substr({0}, 12, 2) <= '23' AND substr({0}, 15, 2) <= '59' "
        "AND ({1} = '' OR ({1} GLOB ':[0-5][0-9]' OR ({1} GLOB ':[0-5][0-9].[0-9]*' AND substr({1}, 5) NOT GLOB '*[^0-9]*'))) "
        "AND ({2} IN ('', 'Z') OR (({2} GLOB '[+-][0-9][0-9]' OR {2} GLOB '[+-][0-9][0-9][0-9][0-9]' OR "
        "{2} GLOB '[+-][0-9][0-9]:[0-9][0-9]') AND substr({2}, 2, 2) <= '23' AND "
        "substr({2}, length({2}) - 1, 2) <= '59'))",
        col, secs, off);
    std::string minutes = fmt::format(
        "(CASE WHEN {0} IN ('', 'Z') THEN 0 ELSE (CASE WHEN substr({0}, 1, 1) = '-' THEN -1 ELSE 1 END) * "
        "(CAST(substr({0}, 2, 2) AS INTEGER) * 60 + CASE WHEN length({0}) = 3 THEN 0 ELSE "
        "CAST(substr({0}, length({0}) - 1, 2) AS INTEGER) END) END)",
        off);
    std::string local = fmt::format("substr({0}, 1, 10) || ' ' || substr({0}, 12, 5) || CASE WHEN {1} = '' THEN ':00' "
                                    "ELSE substr({1}, 1, 3) END",
                                    col, secs);
    std::string fail = T(d_.fail, MessageValue(col) + " || ' is not an ISO 8601 timestamp (2026-03-01T08:30:00, "
                                                      "optionally with Z or +08:00)'",
                         Lit(where));
    std::string moved =
        zone_minutes ? fmt::format("datetime({}, printf('%+d minutes', {} - {}))", local, *zone_minutes, minutes)
                     : T(d_.fail,
                         MessageValue(col) + " || " +
                             Lit(fmt::format(" has a UTC offset, which SQLite cannot move to the calendar's time zone "
                                             "{} (it has no time zone database): store local times",
                                             o_.zone_name)),
                         Lit(where));
    // `YYYY-MM-DD HH:MM:SS` (or with a T) first, nearly every value: one
    // GLOB and one datetime(), which returns it as it is exactly when it is
    // a valid time of a valid day (the full checks below cost 10 to 20 times
    // as much per row, and SQLite evaluates them wherever the column is read).
    std::string plain = fmt::format(
        "WHEN typeof({0}) = 'text' AND {0} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]' "
        "AND substr({0}, 1, 4) <> '0000' AND datetime({0}, '+0 days') = replace({0}, 'T', ' ') THEN replace({0}, 'T', ' ') ",
        col);
    return fmt::format("CASE WHEN {0} IS NULL OR {0} = '' THEN NULL {6}WHEN typeof({0}) <> 'text' OR NOT ({1}) THEN {2} "
                       "WHEN {3} = '' THEN datetime({4}) ELSE {5} END",
                       col, shape, fail, off, local, moved, plain);
  }

  /// The decimal type of a scale, and a literal of it.
  std::string DecType(int scale) const {
    bool wide = d_.wide_decimal_above > 0 && scale > d_.wide_decimal_above;
    return T(wide ? d_.decimal_type_wide : d_.decimal_type, scale);
  }
  std::string DecLit(__int128 v, int scale) const {
    bool wide = d_.wide_decimal_above > 0 && scale > d_.wide_decimal_above;
    return T(wide ? d_.decimal_lit_wide : d_.decimal_lit, rt::FormatDecimal(v, scale), scale);
  }

  std::string Dbl(const SV& v) const {
    if (v.t == VT::kFloat) return v.sql;
    if (v.t == VT::kDecimal && d_.scaled_decimals)
      return fmt::format("(CAST({} AS {}) / {})", v.sql, d_.dbl, Pow10Text(v.scale));
    if (v.t == VT::kBool) return fmt::format("CAST({} AS {})", BoolToInt(v.sql), d_.dbl);
    return fmt::format("CAST({} AS {})", v.sql, d_.dbl);
  }
  static std::string BoolToInt(const std::string& b) {
    return fmt::format("CASE WHEN {0} THEN 1 WHEN NOT {0} THEN 0 END", b);
  }

  std::string TimestampLit(int64_t micros) const {
    int64_t secs = micros / 1000000 - (micros % 1000000 < 0);  // floor (micros may be INT64_MIN)
    int64_t local = secs + (p_.calendar.zone ? p_.calendar.zone->OffsetAt(secs) : 0);
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t rem = local - day * 86400;
    // With its fraction of a second: without it a role's `o.at >= t` with t
    // at 10:00:00.5 let the rows of 10:00:00.3 through in the SQL (role
    // probe, 2026-12-07). (SQLite reads stored timestamps to the second,
    // docs/sql.md: there such a rule leaves out the rows of that second.)
    std::string frac;
    if (int64_t us = micros - secs * 1000000; us > 0) {
      frac = fmt::format(".{:06}", us);
      frac.erase(frac.find_last_not_of('0') + 1);
    }
    return T(d_.timestamp_lit, fmt::format("{} {:02}:{:02}:{:02}{}", rt::FormatDate(static_cast<int32_t>(day)),
                                           rem / 3600, rem / 60 % 60, rem % 60, frac));
  }

  std::string FloatLit(double f) const {
    if (!std::isfinite(f)) throw std::logic_error("a constant is not a finite number (E0310)");
    return fmt::format("CAST({:.17g} AS {})", f, d_.dbl);
  }

  SV Row(const plan::Scan& s, const ScanFrom& from, int id) const {
    const RowNode& n = s.nodes[static_cast<size_t>(id)];
    using O = RowNode::Op;
    auto arg = [&](size_t k) { return Row(s, from, n.args[k]); };
    SV out{"", n.type, n.scale};
    switch (n.op) {
      case O::kColumn:
        out.sql = from.column_sql[static_cast<size_t>(n.column)];
        return out;
      case O::kConst:
        switch (n.type) {
          case VT::kNull:
            out.sql = "NULL";
            break;
          case VT::kBool:
            out.sql = n.i ? "TRUE" : "FALSE";
            break;
          case VT::kInt:
            out.sql = std::to_string(n.i);
            break;
          case VT::kFloat:
            out.sql = FloatLit(n.f);
            break;
          case VT::kDecimal:
            out.sql =
                d_.scaled_decimals ? std::to_string(n.i) : DecLit(n.i, n.scale);
            break;
          case VT::kString:
            out.sql = Lit(n.s);
            break;
          case VT::kDate:
            out.sql = DateLit(static_cast<int32_t>(n.i));
            break;
          case VT::kTimestamp:
            out.sql = TimestampLit(n.i);
            break;
        }
        return out;
      case O::kNeg:
        out.sql = "(-" + arg(0).sql + ")";
        return out;
      case O::kNot:
        out.sql = "(NOT " + arg(0).sql + ")";
        return out;
      case O::kIsNull:
        out.sql = "(" + arg(0).sql + " IS NULL)";
        return out;
      case O::kIsNotNull:
        out.sql = "(" + arg(0).sql + " IS NOT NULL)";
        return out;
      case O::kAdd:
      case O::kSub:
      case O::kMul: {
        SV a = arg(0), b = arg(1);
        if (n.op == O::kSub && a.t == VT::kDate) {
          out.sql = T(d_.day_diff, a.sql, b.sql);
          return out;
        }
        if (n.op == O::kSub && a.t == VT::kTimestamp) {
          // Timestamps are the calendar's wall-clock times. In PostgreSQL
          // the difference is taken between the instants they stand for
          // (`AT TIME ZONE` reads a wall time in the zone), as `kpic run`
          // takes it: across a change of clocks it was an hour off (23:30
          // CET to 04:30 CEST is 4 hours, not 5: probe, 2026-12-06).
          if (d_.id == builtins::Dialect::kPostgres && !o_.zone_name.empty() && o_.zone_name != "UTC") {
            std::string z = PgZone(o_.zone_name);
            out.sql = T(d_.hours_between, fmt::format("({} AT TIME ZONE {})", a.sql, z),
                        fmt::format("({} AT TIME ZONE {})", b.sql, z));
            out.t = VT::kFloat;
            return out;
          }
          out.sql = T(d_.hours_between, a.sql, b.sql);
          out.t = VT::kFloat;
          return out;
        }
        const char* op = n.op == O::kAdd ? " + " : n.op == O::kSub ? " - " : " * ";
        const Chain::Op cls = n.op == O::kMul ? Chain::Op::kMultiplicative : Chain::Op::kAdditive;
        if (n.type == VT::kFloat) {
          std::string x = Dbl(a);
          out.sql = "(" + a.chain.Left(cls, x, a.sql) + op + b.chain.Right(cls, Dbl(b), b.sql) + ")";
        } else {
          out.sql = "(" + a.chain.Left(cls, a.sql, a.sql) + op + b.chain.Right(cls, b.sql, b.sql) + ")";
        }
        out.chain = Chain::Of(cls, out.sql);
        return out;
      }
      case O::kDiv: {
        SV a = arg(0), b = arg(1);
        out.sql = fmt::format("({} / NULLIF({}, 0))", Dbl(a), Dbl(b));
        out.t = VT::kFloat;
        return out;
      }
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe: {
        SV a = arg(0), b = arg(1);
        const char* op = n.op == O::kEq   ? " = "
                         : n.op == O::kNe ? " <> "
                         : n.op == O::kLt ? " < "
                         : n.op == O::kLe ? " <= "
                         : n.op == O::kGt ? " > "
                                          : " >= ";
        // Text compares byte for byte, as `kpic run` does, also in a column
        // whose collation ignores case or accents (a role's `==` must not
        // let `A` see `a`'s rows).
        bool text = a.t == VT::kString;
        std::string x = text ? T(d_.binary_text, a.sql) : a.sql, y = text ? T(d_.binary_text, b.sql) : b.sql;
        if ((a.t == VT::kFloat) != (b.t == VT::kFloat) && a.t != VT::kNull && b.t != VT::kNull) x = Dbl(a), y = Dbl(b);
        out.sql = "(" + x + op + y + ")";
        return out;
      }
      case O::kAnd:
      case O::kOr:
        out.sql = "(" + arg(0).sql + (n.op == O::kAnd ? " AND " : " OR ") + arg(1).sql + ")";
        return out;
      case O::kIn: {
        std::string list;
        for (size_t k = 1; k < n.args.size(); ++k) list += (k > 1 ? ", " : "") + arg(k).sql;
        SV x = arg(0);
        std::string lhs = x.t == VT::kString ? T(d_.binary_text, x.sql) : x.sql;
        out.sql = "(" + lhs + (n.negated ? " NOT IN (" : " IN (") + list + "))";
        return out;
      }
      case O::kIf:
        out.sql = fmt::format("CASE WHEN {} THEN {} ELSE {} END", arg(0).sql, arg(1).sql, arg(2).sql);
        return out;
      case O::kCoalesce: {
        std::string list;
        for (size_t k = 0; k < n.args.size(); ++k) list += (k ? ", " : "") + arg(k).sql;
        out.sql = "COALESCE(" + list + ")";
        return out;
      }
      case O::kDatePart: {
        SV a = arg(0);
        std::string day = a.t == VT::kTimestamp ? T(d_.to_date, a.sql) : a.sql;
        using builtins::Fn;
        switch (n.part) {
          case Fn::kDate:
            out.sql = day;
            break;
          case Fn::kHour:
            out.sql = a.t == VT::kTimestamp ? T(d_.hour, a.sql) : "0";
            break;
          case Fn::kYear:
            out.sql = T(d_.year, day);
            break;
          case Fn::kMonth:
            out.sql = T(d_.month, day);
            break;
          case Fn::kQuarter:
            out.sql = T(d_.int_div, "(" + T(d_.month, day) + " + 2)", "3");
            break;
          case Fn::kDay:
            out.sql = T(d_.day, day);
            break;
          case Fn::kWeekday:
            out.sql = T(d_.iso_dow, day);
            break;
          case Fn::kWeek:
            out.sql = T(d_.iso_week, day);
            break;
          default:
            throw std::logic_error(fmt::format("date part `{}` unknown to the emitter", builtins::Get(n.part).name));
        }
        return out;
      }
      case O::kAbs:
        out.sql = "ABS(" + arg(0).sql + ")";
        return out;
      case O::kToFloat:
        out.sql = Dbl(arg(0));
        return out;
      case O::kRescale: {
        SV a = arg(0);
        if (n.type == VT::kInt) {
          out.sql = a.t == VT::kBool ? BoolToInt(a.sql) : a.sql;
          return out;
        }
        int from = a.t == VT::kDecimal ? a.scale : 0;
        std::string src = a.t == VT::kBool ? BoolToInt(a.sql) : a.sql;
        if (d_.scaled_decimals)
          out.sql = n.scale == from ? src : fmt::format("({} * {})", src, Pow10Text(n.scale - from));
        else
          out.sql = fmt::format("CAST({} AS {})", src, DecType(n.scale));
        return out;
      }
    }
    return out;
  }

  /// The local day of the scan's time column.
  std::string TimeDay(const plan::Scan& s, const ScanFrom& f) const {
    const std::string& t = f.column_sql[static_cast<size_t>(s.time_column)];
    return s.columns[static_cast<size_t>(s.time_column)].type == VT::kTimestamp ? T(d_.to_date, t) : t;
  }

  /// The scan's row conditions: time present and inside [from, to), the role's filter.
  std::vector<std::string> Where(const plan::Scan& s, const ScanFrom& f) const {
    std::vector<std::string> w;
    if (s.time_column >= 0 && (s.grain != Grain::kAll || s.from_day || s.to_day)) {
      const std::string& t = f.raw_column_sql[static_cast<size_t>(s.time_column)];
      bool ts = s.columns[static_cast<size_t>(s.time_column)].type == VT::kTimestamp;
      // The checked value (an infinity stops the query), the bounds on the
      // stored one.
      w.push_back(f.column_sql[static_cast<size_t>(s.time_column)] + " IS NOT NULL");
      auto bound = [&](int32_t day) {
        return ts ? T(d_.timestamp_lit, rt::FormatDate(day) + " 00:00:00") : DateLit(day);
      };
      if (s.from_day) w.push_back(t + " >= " + bound(*s.from_day));
      if (s.to_day) w.push_back(t + " < " + bound(*s.to_day));
    }
    if (s.filter >= 0) w.push_back(Row(s, f, s.filter).sql);
    return w;
  }

  static std::string WhereText(const std::vector<std::string>& w, const std::string& extra = "") {
    std::vector<std::string> all = w;
    if (!extra.empty()) all.push_back(extra);
    if (all.empty()) return "";
    return "\n  WHERE " + fmt::format("{}", fmt::join(all, "\n    AND "));
  }

  /// Group key expressions: period start (unless `all`) and members.
  std::vector<std::string> Keys(const plan::Scan& s, const ScanFrom& f, std::vector<std::string>* names) const {
    std::vector<std::string> k;
    if (s.grain != Grain::kAll) {
      k.push_back(Bucket(s.grain, TimeDay(s, f)));
      names->push_back("p");
    }
    for (size_t i = 0; i < s.dim_columns.size(); ++i) {
      SV v{f.column_sql[static_cast<size_t>(s.dim_columns[i])], s.columns[static_cast<size_t>(s.dim_columns[i])].type,
           0};
      k.push_back(v.t == VT::kTimestamp ? T(d_.to_date, v.sql) : v.t == VT::kBool ? BoolToInt(v.sql) : v.sql);
      names->push_back(fmt::format("d{}", i));
    }
    return k;
  }

  static bool ValuesAgg(AggSpec::Fn f) {
    return f == AggSpec::Fn::kCountDistinct || f == AggSpec::Fn::kMedian || f == AggSpec::Fn::kPercentile;
  }
  static bool Moments(AggSpec::Fn f) { return f == AggSpec::Fn::kStddev || f == AggSpec::Fn::kVariance; }
  /// Aggregates whose leaves read the scan's values row by row (a values
  /// CTE) rather than its groups' states: stddev and variance shift each
  /// output row's values by one of them before squaring (see Leaf).
  static bool LeafOfValues(AggSpec::Fn f) { return ValuesAgg(f) || Moments(f); }
  static bool FloatMoments(const plan::Scan& s, const AggSpec& g) {
    return Moments(g.fn) && s.nodes[static_cast<size_t>(g.arg)].type == VT::kFloat;
  }

  /// The states of a stddev or variance over floats for `--engine
  /// postgres`: per group, its count and its moments shifted by its
  /// smallest value (engine::AggStates). PostgreSQL's own VAR_POP is not
  /// enough: its Youngs-Cramer update subtracts a plain sum, so values near
  /// 1e9 with a spread of 1e-3 lost 5 digits.
  std::string MomentsStatesSql(size_t si, size_t a) const {
    const plan::Scan& s = p_.scans[si];
    std::string values = ScanValuesSql(si, a);
    values = values.substr(values.find('\n') + 3);  // drop the comment line
    std::vector<std::string> keys;
    if (s.grain != Grain::kAll) keys.push_back("w.p");
    for (size_t i = 0; i < s.dim_columns.size(); ++i) keys.push_back(fmt::format("w.d{}", i));
    std::string key_list = fmt::format("{}", fmt::join(keys, ", "));
    std::string cols = key_list.empty() ? "" : key_list + ", ";
    return fmt::format(
        "SELECT {0}COUNT(w.x) AS n, MIN(w.k) AS k, SUM(w.x - w.k) AS s, SUM((w.x - w.k) * (w.x - w.k)) AS q\n"
        "  FROM (SELECT w.*, MIN(w.x) OVER ({1}) AS k FROM ({2}) AS w) AS w{3}",
        cols, key_list.empty() ? "" : "PARTITION BY " + key_list, values,
        key_list.empty() ? "" : "\n  GROUP BY " + key_list);
  }

  /// An aggregate's input as a number: dates and timestamps as days and
  /// microseconds since 1970, as in the embedded engine, so that metrics can
  /// subtract them; booleans as 0 and 1.
  std::string AggInput(const SV& x) const {
    return x.t == VT::kBool        ? BoolToInt(x.sql)
           : x.t == VT::kTimestamp ? T(d_.epoch_us, x.sql)
           : x.t == VT::kDate      ? T(d_.day_diff, x.sql, DateLit(0))
                                   : x.sql;
  }

  /// The scan's groups with their mergeable states.
  std::string ScanGroupsSql(size_t si, bool only_used) const {
    const plan::Scan& s = p_.scans[si];
    ScanFrom f = From(s);
    std::vector<std::string> names;
    std::vector<std::string> keys = Keys(s, f, &names);
    std::vector<std::string> cols;
    for (size_t i = 0; i < keys.size(); ++i) cols.push_back(keys[i] + " AS " + names[i]);
    cols.push_back("COUNT(*) AS n");
    for (size_t a = 0; a < s.aggs.size(); ++a) {
      const AggSpec& g = s.aggs[a];
      // The query's stddev and variance read values (LeafOfValues); the
      // states `--engine postgres` reads keep their exact moments per
      // group here, and over floats come from MomentsStatesSql.
      if (ValuesAgg(g.fn) || (only_used && Moments(g.fn)) || FloatMoments(s, g)) continue;
      std::string cond = g.filter >= 0 ? Row(s, f, g.filter).sql : "";
      SV x = g.arg >= 0 ? Row(s, f, g.arg) : SV{"1", VT::kInt, 0};
      std::string xs = AggInput(x);
      // In the query (not the states `--engine postgres` reads), the latest
      // time value is the local day itself, for the as-of date.
      if (only_used && static_cast<int>(a) == s.as_of_agg)
        xs = x.t == VT::kTimestamp ? T(d_.to_date, x.sql) : x.sql;
      // For `--engine postgres` (always PostgreSQL), whose engine takes the
      // as-of date's local day of an instant: the wall-clock time read in
      // the calendar's zone, as microseconds since 1970 UTC.
      if (!only_used && static_cast<int>(a) == s.as_of_agg && x.t == VT::kTimestamp)
        xs = fmt::format("CAST(EXTRACT(EPOCH FROM ({} AT TIME ZONE {})) * 1000000 AS BIGINT)", x.sql,
                         PgZone(o_.zone_name.empty() ? "UTC" : o_.zone_name));
      std::string in = cond.empty() ? xs : fmt::format("CASE WHEN {} THEN {} END", cond, xs);
      switch (g.fn) {
        case AggSpec::Fn::kCountRows:
          cols.push_back(fmt::format("{} AS a{}", cond.empty() ? "COUNT(*)" : "COUNT(" + in + ")", a));
          break;
        case AggSpec::Fn::kCount:
          cols.push_back(fmt::format("COUNT({}) AS a{}", in, a));
          break;
        case AggSpec::Fn::kSum:
        case AggSpec::Fn::kAvg:
          cols.push_back(fmt::format("SUM({}) AS a{}", in, a));
          break;
        case AggSpec::Fn::kStddev:
        case AggSpec::Fn::kVariance:
          // The states of `--engine postgres` (PostgreSQL only) over
          // integers and decimals: the exact sum and sum of squares in NUMERIC.
          cols.push_back(fmt::format("SUM({}) AS a{}", in, a));
          cols.push_back(x.t == VT::kDecimal ? fmt::format("SUM({0} * {0}) AS a{1}_q", in, a)
                                             : fmt::format("SUM(CAST({0} AS {1}) * {0}) AS a{2}_q", in, DecType(0), a));
          break;
        case AggSpec::Fn::kMin:
          cols.push_back(fmt::format("MIN({}) AS a{}", in, a));
          break;
        case AggSpec::Fn::kMax:
          cols.push_back(fmt::format("MAX({}) AS a{}", in, a));
          break;
        default:
          break;
      }
      bool n_col = g.fn == AggSpec::Fn::kAvg || g.fn == AggSpec::Fn::kStddev || g.fn == AggSpec::Fn::kVariance ||
                   (!only_used && g.fn != AggSpec::Fn::kCount && g.fn != AggSpec::Fn::kCountRows) ||
                   needs_n_[si].count(a);
      if (n_col) cols.push_back(fmt::format("COUNT({}) AS a{}_n", in, a));
    }
    std::string sql = "-- " + s.source + " at " + rt::GrainName(s.grain) + "\n  SELECT " +
                      fmt::format("{}", fmt::join(cols, ",\n    ")) + "\n  FROM " + f.from + WhereText(Where(s, f));
    if (!keys.empty())
      sql += "\n  GROUP BY " + fmt::format("{}", fmt::join(keys, ", "));
    else
      sql += "\n  HAVING COUNT(*) > 0";
    return sql;
  }

  /// The values of a distinct count or percentile aggregate, per group.
  std::string ScanValuesSql(size_t si, size_t a) const {
    const plan::Scan& s = p_.scans[si];
    const AggSpec& g = s.aggs[a];
    ScanFrom f = From(s);
    std::vector<std::string> names;
    std::vector<std::string> keys = Keys(s, f, &names);
    std::vector<std::string> cols;
    for (size_t i = 0; i < keys.size(); ++i) cols.push_back(keys[i] + " AS " + names[i]);
    SV x = Row(s, f, g.arg);
    // Stddev and variance keep the values' own type (exact decimals stay exact).
    std::string xs = g.fn == AggSpec::Fn::kCountDistinct ? (x.t == VT::kBool ? BoolToInt(x.sql) : x.sql)
                     : Moments(g.fn)                     ? AggInput(x)
                                                         : Dbl(x);
    cols.push_back(xs + " AS x");
    std::vector<std::string> w = Where(s, f);
    if (g.filter >= 0) w.push_back(Row(s, f, g.filter).sql);
    w.push_back(x.sql + " IS NOT NULL");
    return fmt::format("-- {} of {}\n  SELECT {}{}\n  FROM {}{}", AggFnName(g.fn), s.source,
                       g.fn == AggSpec::Fn::kCountDistinct ? "DISTINCT " : "", fmt::join(cols, ", "), f.from,
                       WhereText(w));
  }

  std::string ScanCte(size_t s) {
    if (scan_cte_[s] < 0) {
      scan_cte_[s] = static_cast<int>(ctes_.size());
      ctes_.push_back({fmt::format("s{}", s), "", false});
    }
    return ctes_[static_cast<size_t>(scan_cte_[s])].name;
  }

  std::string ValuesCte(size_t s, size_t a) {
    if (values_cte_[s][a] < 0) {
      values_cte_[s][a] = static_cast<int>(ctes_.size());
      ctes_.push_back({fmt::format("v{}_{}", s, a), ScanValuesSql(s, a), false});
    }
    return ctes_[static_cast<size_t>(values_cte_[s][a])].name;
  }

  // ---- metric expressions --------------------------------------------------------

  std::string Dbl(const MV& v) const {
    switch (v.k) {
      case MV::K::kFloat:
        return v.sql;
      case MV::K::kNull:
        return fmt::format("CAST(NULL AS {})", d_.dbl);
      case MV::K::kBool:
        return fmt::format("CAST({} AS {})", BoolToInt(v.sql), d_.dbl);
      case MV::K::kDec:
        if (d_.scaled_decimals) return fmt::format("(CAST({} AS {}) / {})", v.sql, d_.dbl, Pow10Text(v.scale));
        [[fallthrough]];
      default:
        return fmt::format("CAST({} AS {})", v.sql, d_.dbl);
    }
  }

  /// An exact value at a larger scale (scaled decimals only move).
  std::string AtScale(const MV& v, int scale) const {
    if (!d_.scaled_decimals || v.scale == scale || v.k == MV::K::kNull) return v.sql;
    return fmt::format("({} * {})", v.sql, Pow10Text(scale - v.scale));
  }

  std::string AsBool(const MV& v) const {
    if (v.k == MV::K::kBool || v.k == MV::K::kNull) return v.sql;
    return "(" + v.sql + " <> 0)";
  }

  MV AsValue(MV v) const {
    if (v.k == MV::K::kBool) return {BoolToInt(v.sql), MV::K::kInt, 0};
    return v;
  }

  /// Brings values to one type: float wins, then decimal at the largest scale.
  std::vector<MV> Unify(std::vector<MV> vs, MV::K* kind, int* scale) const {
    bool fl = false, dec = false;
    int s = 0;
    for (auto& v : vs) {
      v = AsValue(v);
      fl |= v.k == MV::K::kFloat;
      if (v.k == MV::K::kDec) dec = true, s = std::max(s, v.scale);
    }
    *kind = fl ? MV::K::kFloat : dec ? MV::K::kDec : MV::K::kInt;
    *scale = fl ? 0 : s;
    for (auto& v : vs) {
      if (v.k == MV::K::kNull) continue;
      v.sql = fl ? Dbl(v) : AtScale(v, s);
    }
    if (std::all_of(vs.begin(), vs.end(), [](const MV& v) { return v.k == MV::K::kNull; })) *kind = MV::K::kNull;
    return vs;
  }

  MV LeafType(const plan::Scan& s, const AggSpec& g) const {
    using F = AggSpec::Fn;
    if (g.fn == F::kCount || g.fn == F::kCountRows || g.fn == F::kCountDistinct) return {"", MV::K::kInt, 0};
    if (g.fn == F::kAvg || g.fn == F::kMedian || g.fn == F::kPercentile || g.fn == F::kStddev || g.fn == F::kVariance)
      return {"", MV::K::kFloat, 0};
    const RowNode& a = s.nodes[static_cast<size_t>(g.arg)];
    if (a.type == VT::kFloat) return {"", MV::K::kFloat, 0};
    if (a.type == VT::kDecimal) return {"", MV::K::kDec, a.scale};
    return {"", MV::K::kInt, 0};
  }

  /// The scan rows of a context: periods and members.
  std::vector<std::string> RangeConds(const plan::Scan& s, const Ctx& c, const std::string& alias) const {
    std::vector<std::string> w;
    if (s.grain != Grain::kAll && c.g != Grain::kAll) {
      if (s.grain == c.g) {
        if (c.lo == c.hi)
          w.push_back(fmt::format("{}.p = {}", alias, c.lo));
        else
          w.push_back(fmt::format("{}.p BETWEEN {} AND {}", alias, c.lo, c.hi));
      } else {
        w.push_back(
            fmt::format("{}.p BETWEEN {} AND {}", alias, Bucket(s.grain, c.lo), LastStart(s.grain, c.g, c.hi)));
      }
      // A partial period's span: the scan's periods holding its days (no
      // bound where the span is NULL, i.e. the period is whole).
      auto bucket = [&](const std::string& d) { return s.grain == Grain::kDay ? d : Bucket(s.grain, d); };
      if (!c.clo.empty()) w.push_back(fmt::format("{0}.p >= COALESCE({1}, {0}.p)", alias, bucket(c.clo)));
      if (!c.chi.empty()) w.push_back(fmt::format("{0}.p <= COALESCE({1}, {0}.p)", alias, bucket(c.chi)));
    }
    for (size_t i = c.total ? c.from : 0; i < s.dim_columns.size(); ++i)
      w.push_back(T(d_.null_safe_eq, fmt::format("{}.d{}", alias, i), fmt::format("f.d{}", i)));
    return w;
  }

  /// Over all time within a window, the conditions on a scan's rows `s`
  /// (not at grain all) that keep the members with rows in the window: the
  /// scan reads outside it (a balance's days, the periods at its edges).
  void WindowMembers(const plan::Scan& sc, std::vector<std::string>* w) const {
    if (sc.grain == Grain::kAll) return;
    auto bucket = [&](int32_t day) { return sc.grain == Grain::kDay ? DateLit(day) : Bucket(sc.grain, DateLit(day)); };
    std::optional<int32_t> hi;
    if (p_.to_day) hi = *p_.to_day - 1;
    if (p_.as_of_day && (!hi || *p_.as_of_day < *hi)) hi = *p_.as_of_day;
    if (p_.from_day) w->push_back(fmt::format("s.p >= {}", bucket(*p_.from_day)));
    if (hi) w->push_back(fmt::format("s.p <= {}", bucket(*hi)));
  }

  static std::string On(const std::vector<std::string>& w) {
    return w.empty() ? "1 = 1" : fmt::format("{}", fmt::join(w, "\n    AND "));
  }

  void Join(Frame* fr, const std::string& cte) {
    if (fr->joined.insert(cte).second) fr->joins.push_back(cte);
  }

  MV Leaf(const MNode& n, const Ctx& c, Frame* fr) {
    const plan::Scan& s = p_.scans[static_cast<size_t>(n.scan)];
    const AggSpec& g = s.aggs[static_cast<size_t>(n.agg)];
    MV t = LeafType(s, g);
    using F = AggSpec::Fn;
    std::string src, v;
    size_t a = static_cast<size_t>(n.agg);
    if (Moments(g.fn)) {
      src = ValuesCte(static_cast<size_t>(n.scan), a);
      v = MomentsSql(s, g);
    } else if (ValuesAgg(g.fn)) {
      src = ValuesCte(static_cast<size_t>(n.scan), a);
      if (g.fn == F::kCountDistinct) {
        v = "COUNT(DISTINCT s.x)";
      } else {
        builtins::Fn fn = g.fn == F::kMedian ? builtins::Fn::kMedian : builtins::Fn::kPercentile;
        const char* tmpl = builtins::SqlOf(fn, d_.id);
        if (!tmpl)
          throw SqlError(
              "E0502", fmt::format("dialect {} has no exact percentile, so `{}` cannot be computed there; use postgres, "
                          "duckdb, spark or clickhouse, or `kpic run`",
                          d_.name, g.text));
        v = T(tmpl, "s.x", fmt::format("{}", g.fn == F::kMedian ? 0.5 : g.p));
      }
    } else {
      src = ScanCte(static_cast<size_t>(n.scan));
      switch (g.fn) {
        case F::kSum:
          // An empty group's sum of money is 0.00, at the column's scale,
          // as kpic run prints it (PostgreSQL printed `0`: probe, 2026-12-06).
          v = t.k == MV::K::kFloat ? fmt::format("COALESCE(SUM(s.a{}), {})", a, FloatLit(0))
              : t.k == MV::K::kDec && !d_.scaled_decimals && t.scale > 0
                  ? fmt::format("COALESCE(SUM(s.a{}), {})", a, DecLit(0, t.scale))
                  : fmt::format("COALESCE(SUM(s.a{}), 0)", a);
          break;
        case F::kCount:
        case F::kCountRows:
          v = fmt::format("COALESCE(SUM(s.a{}), 0)", a);
          break;
        case F::kAvg: {
          AggSpec as_sum = g;
          as_sum.fn = F::kSum;
          MV sum = LeafType(s, as_sum);
          sum.sql = fmt::format("SUM(s.a{})", a);
          v = fmt::format("{} / NULLIF(SUM(s.a{}_n), 0)", Dbl(sum), a);
          break;
        }
        case F::kMin:
          v = fmt::format("MIN(s.a{})", a);
          break;
        case F::kMax:
          v = fmt::format("MAX(s.a{})", a);
          break;
        default:
          break;
      }
    }
    // Leaves over the same scan, frame and context share one CTE, a column each.
    std::string key = fr->name + "|" + src + "|" + On(RangeConds(s, c, "s"));
    auto [it, fresh] = leaf_groups_.try_emplace(key);
    LeafGroup& lg = it->second;
    if (fresh) {
      lg.frame = fr->name;
      lg.src = src;
      lg.shifted = Moments(g.fn);
      lg.on = On(RangeConds(s, c, "s"));
      lg.cte = ctes_.size();
      ctes_.push_back({fmt::format("l{}", counter_["l"]++), "", false});
    }
    size_t col = std::find(lg.exprs.begin(), lg.exprs.end(), v) - lg.exprs.begin();
    if (col == lg.exprs.size()) {
      lg.exprs.push_back(v);
      lg.comments.push_back(g.text);
      std::string cols;
      for (size_t k = 0; k < lg.exprs.size(); ++k) cols += fmt::format(",\n    {} AS v{}", lg.exprs[k], k);
      // Stddev and variance: each output row's values with the smallest of
      // them (k), by which MomentsSql shifts them.
      ctes_[lg.cte].body =
          lg.shifted
              ? fmt::format("-- {}\n  SELECT s.rid{}\n  FROM (SELECT f.rid, s.x, MIN(s.x) OVER (PARTITION BY f.rid) AS k"
                            "\n    FROM {} AS f\n    LEFT JOIN {} AS s ON {}) AS s\n  GROUP BY s.rid",
                            fmt::join(lg.comments, "; "), cols, lg.frame, lg.src, lg.on)
              : fmt::format("-- {}\n  SELECT f.rid{}\n  FROM {} AS f\n  LEFT JOIN {} AS s ON {}\n  GROUP BY f.rid",
                            fmt::join(lg.comments, "; "), cols, lg.frame, lg.src, lg.on);
    }
    const std::string& name = ctes_[lg.cte].name;
    Join(fr, name);
    t.sql = fmt::format("{}.v{}", name, col);
    // A budget's rows after the as-of date are plans, known already.
    if (s.grain != Grain::kAll && !s.plans_only) Reach(c, fr);
    return t;
  }

  /// The sample variance (or its square root) of an output row's values
  /// `s.x`, shifted by one of them (`s.k`, the smallest) before squaring:
  /// (n * sum(d^2) - sum(d)^2) / (n (n - 1)) with d = x - k. Without the
  /// shift, the two terms of the numerator are huge and nearly equal for
  /// values far from 0 (1e9 plus cents) and cancel to noise. Decimals and
  /// integers are shifted exactly; PostgreSQL then computes the numerator
  /// exactly in NUMERIC (as `kpic run` does in 128 bits), the others in
  /// their double.
  std::string MomentsSql(const plan::Scan& s, const AggSpec& g) const {
    const RowNode& arg = s.nodes[static_cast<size_t>(g.arg)];
    bool exact = arg.type != VT::kFloat;
    bool numeric = exact && d_.id == builtins::Dialect::kPostgres;
    std::string d = numeric ? "(CAST(s.x AS NUMERIC) - CAST(s.k AS NUMERIC))"
                    : exact ? fmt::format("CAST(s.x - s.k AS {})", d_.dbl)
                            : "(s.x - s.k)";
    std::string var;
    if (numeric) {
      var = fmt::format("CASE WHEN COUNT(s.x) > 1 THEN CAST((COUNT(s.x) * SUM({0} * {0}) - SUM({0}) * SUM({0})) / "
                        "(CAST(COUNT(s.x) AS NUMERIC) * (COUNT(s.x) - 1)) AS {1}) END",
                        d, d_.dbl);
    } else {
      // Rounding in a double can leave a tiny negative numerator for
      // constant values: it is zero, as the engine's exact one.
      std::string n = fmt::format("CAST(COUNT(s.x) AS {})", d_.dbl);
      std::string num = fmt::format("({0} * SUM({1} * {1}) - SUM({1}) * SUM({1}))", n, d);
      var = fmt::format("CASE WHEN COUNT(s.x) > 1 THEN (CASE WHEN {0} < 0 THEN 0 ELSE {0} END) / ({1} * ({1} - 1)) END",
                        num, n);
    }
    if (arg.type == VT::kDecimal && d_.scaled_decimals) var = fmt::format("({} / {})", var, Pow10Text(2 * arg.scale));
    return T(builtins::SqlOf(g.fn == AggSpec::Fn::kStddev ? builtins::Fn::kStddev : builtins::Fn::kVariance, d_.id),
             var);
  }

  /// Records the last day a read in context `c` covers, for a target that
  /// must not read past the as-of date (Known; the engine's EvalKnown).
  /// Only reads in Known's own frame are recorded: a nested frame's
  /// context is in its own rows' terms (`f.p` is the frame's day there),
  /// so a frame records its context where it starts (Convert, Reagg,
  /// Rollup), and the reads inside it cover no later day.
  void Reach(const Ctx& c, const Frame* fr) {
    if (!reach_ || fr != reach_frame_ || c.g == Grain::kAll) return;
    reach_->push_back(c.chi.empty() ? LastDay(c.g, c.hi) : fmt::format("COALESCE({}, {})", c.chi, LastDay(c.g, c.hi)));
  }

  /// `m` computed with M(id, c, fr), and the condition that it reads days
  /// of a timed source after the as-of date ("" when it reads none): such a
  /// target is not known yet (the engine's EvalKnown).
  MV Known(int id, const Ctx& c, Frame* fr, std::string* past) {
    std::vector<std::string> reach;
    std::vector<std::string>* outer = std::exchange(reach_, &reach);
    const Frame* outer_frame = std::exchange(reach_frame_, fr);
    MV m = M(id, c, fr);
    reach_ = outer;
    reach_frame_ = outer_frame;
    if (!reach.empty()) {
      std::vector<std::string> conds;
      AsOf();  // the caller cross-joins it as `ao`
      for (const std::string& r : reach) conds.push_back(fmt::format("{} > ao.d", r));
      std::string cond = fmt::format("{}", fmt::join(conds, " OR "));
      *past = past->empty() ? cond : *past + " OR " + cond;
    }
    return m;
  }

  /// The as-of date (CTE `as_of`, column `d`): --as-of, or the last day
  /// with rows the run may see (every scan's latest local day, the role's
  /// filter applied) within --from/--to, clamped to the day before --to;
  /// NULL without rows (the engine's LastDay).
  std::string AsOf() {
    if (!as_of_.empty()) return as_of_;
    std::string body;
    if (p_.as_of_day) {
      body = fmt::format("-- the data as of --as-of\n  SELECT {} AS d", DateLit(*p_.as_of_day));
    } else {
      std::vector<std::string> parts;
      for (size_t s = 0; s < p_.scans.size(); ++s) {
        const plan::Scan& sc = p_.scans[s];
        // Not a budget's (engine LastDay): its rows to December made the
        // data as of 1 December (engine probe, 2026-12-07).
        if (sc.audit || sc.as_of_agg < 0 || sc.plans_only) continue;
        parts.push_back(fmt::format("SELECT MAX(a{}) AS d FROM {}", sc.as_of_agg, ScanCte(s)));
      }
      if (parts.empty()) parts.push_back("SELECT CAST(NULL AS DATE) AS d");
      std::string d = "m.d";
      std::string clamp;
      if (p_.from_day) clamp += fmt::format(" WHEN {} < {} THEN NULL", d, DateLit(*p_.from_day));
      if (p_.to_day) clamp += fmt::format(" WHEN {0} > {1} THEN {1}", d, DateLit(*p_.to_day - 1));
      body = fmt::format(
          "-- the data as of its last day with rows{}\n  SELECT {} AS d\n  FROM (SELECT MAX(d) AS d FROM (\n    {}) AS u) AS m",
          p_.from_day || p_.to_day ? " within the window" : "",
          clamp.empty() ? d : fmt::format("CASE{} ELSE {} END", clamp, d), fmt::join(parts, "\n    UNION ALL "));
    }
    as_of_ = "as_of";
    ctes_.push_back({as_of_, body, false});
    return as_of_;
  }

  /// The rows `body` (columns `cols`, among them the period start `p` at
  /// grain g) with their span: `sf` and `sl`, the first and last day that
  /// count of a period cut by the window [from, to) or the as-of date, NULL
  /// when the period is whole.
  std::string WithSpans(const std::string& body, const std::vector<std::string>& cols, Grain g,
                        std::optional<int32_t> from, std::optional<int32_t> to) {
    auto list = [&](const char* alias) {
      std::string out;
      for (const auto& c : cols) out += fmt::format("{}{}.{}", out.empty() ? "" : ", ", alias, c);
      return out;
    };
    std::string y = fmt::format("SELECT {}, {} AS e FROM ({}) AS x", list("x"), LastDay(g, "x.p"), body);
    std::string a = from ? LaterOf("y.p", DateLit(*from)) : "y.p";
    std::string b = EarlierOf(to ? EarlierOf("y.e", DateLit(*to - 1)) : "y.e", "ao.d");
    std::string z = fmt::format("SELECT {}, y.e, {} AS a, {} AS b\n    FROM ({}) AS y CROSS JOIN {} AS ao", list("y"), a,
                                b, y, AsOf());
    std::string cut = "z.a > z.p OR z.b < z.e";
    return fmt::format("SELECT {0}, CASE WHEN {1} THEN z.a END AS sf, CASE WHEN {1} THEN z.b END AS sl\n  FROM (\n    {2}) AS z",
                       list("z"), cut, z);
  }

  /// The `partial` column: a partial period's span as FIRST/LAST (as
  /// `kpic run --format csv`), else NULL.
  std::string PartialText(bool spans) const {
    if (!spans) return "NULL";
    return fmt::format("CASE WHEN f.sf IS NULL THEN NULL ELSE {} || '/' || {} END", T(d_.date_text, "f.sf"),
                       T(d_.date_text, "f.sl"));
  }

  /// Data days over every scan with a time axis (for `all`-grain windows).
  /// The data's first and last day (DataDays), within the window: the
  /// scans of a balance or a re-aggregation read the days outside it.
  /// With `scans`, the days of those scans only (a re-aggregation's, as the
  /// engine's Reagg reads them: `.avg(week)` over all time counts the weeks
  /// of its own data, not of another output's).
  std::pair<std::string, std::string> WindowDataDays(const std::vector<int>* scans = nullptr) {
    std::string dr = scans ? DataDaysOf(*scans) : DataDays();
    std::string lo = fmt::format("(SELECT lo FROM {})", dr), hi = fmt::format("(SELECT hi FROM {})", dr);
    if (p_.from_day) lo = LaterOf(lo, DateLit(*p_.from_day));
    if (p_.to_day) hi = EarlierOf(hi, DateLit(*p_.to_day - 1));
    return {lo, hi};
  }

  std::string DataDaysOf(const std::vector<int>& scans) {
    std::string key = fmt::format("{}", fmt::join(scans, ","));
    if (auto it = dr_of_.find(key); it != dr_of_.end()) return it->second;
    std::vector<std::string> parts;
    for (int si : scans) {
      size_t s = static_cast<size_t>(si);
      if (p_.scans[s].grain == Grain::kAll) continue;
      parts.push_back(
          fmt::format("SELECT MIN(p) AS lo, MAX({}) AS hi FROM {}", LastDay(p_.scans[s].grain, "p"), ScanCte(s)));
    }
    if (parts.empty()) parts.push_back("SELECT CAST(NULL AS DATE) AS lo, CAST(NULL AS DATE) AS hi");
    return dr_of_[key] = Cte("dr", fmt::format("SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (\n    {}) AS u",
                                                fmt::join(parts, "\n    UNION ALL ")));
  }

  /// The days of every scan's data (DataDaysOf all of them).
  std::string DataDays() {
    std::vector<int> all(p_.scans.size());
    for (size_t s = 0; s < all.size(); ++s) all[s] = static_cast<int>(s);
    return DataDaysOf(all);
  }

  std::string FrameDims(size_t n, const std::string& alias) const {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += fmt::format(", {}.d{}", alias, i);
    return out;
  }

  /// `last_year` at day or week grain in a retail calendar: the same day of
  /// the same fiscal week a year earlier; null for a 53rd week (as the
  /// evaluator's Shift). A window starting in a 53rd week is compared from
  /// the start of that year, one ending in it up to the day before.
  MV RetailLastYear(const MNode& n, const Ctx& c, Frame* fr) {
    bool week = c.g == Grain::kWeek;
    // The day's offset in its retail year, in days from that year's start
    // (weeks from the epoch, as RetailBucket counts them).
    auto offset = [&](const std::string& day) {
      return fmt::format("({} - 7 * {})", T(d_.day_diff, day, RetailEpoch()), RetailYearWeek(day));
    };
    auto map = [&](const std::string& day, bool first) {
      std::string ys = AddDays(RetailEpoch(), RetailYearWeek(day) + " * 7");
      std::string in53 = first ? ys : AddDays(ys, week ? "-7" : "-1");
      std::string moved = AddDays(RetailEpoch(), fmt::format("{} * 7 + {}", RetailYearWeek(day, 1), offset(day)));
      return fmt::format("CASE WHEN {} >= 364 THEN {} ELSE {} END", offset(day), in53, moved);
    };
    Ctx w = c;
    w.lo = map(c.lo, true);
    w.hi = c.lo == c.hi ? w.lo : map(c.hi, false);
    MV v = M(n.args[0], MoveSpan(c, w, 0), fr);
    if (c.lo != c.hi) return v;
    v.sql = fmt::format("CASE WHEN {} >= 364 THEN NULL ELSE {} END", offset(c.lo), v.sql);
    return v;
  }

  /// The value CTE of a frame: its rid (and parent) with one expression.
  std::string FrameValues(const Frame& fr, const std::string& expr, bool with_p) {
    std::string joins;
    for (const auto& j : fr.joins) joins += fmt::format("\n  LEFT JOIN {0} ON {0}.rid = f.rid", j);
    return Cte("x", fmt::format("SELECT f.rid, f.prid{}, {} AS x\n  FROM {} AS f{}", with_p ? ", f.p" : "", expr,
                                fr.name, joins));
  }

  /// A nested frame: one row per period of grain G from `lo` to `hi` (SQL
  /// over the frame `fr`'s row `f`) for each row of `fr`, its parent `prid`.
  Frame PeriodsFrame(const Frame& fr, Grain G, const std::string& lo, const std::string& hi) {
    std::string q = RawCte("q", [&](const std::string& name) {
      return Series(name, G, fmt::format("SELECT MIN({}) AS lo, MAX({}) AS hi FROM {} AS f", lo, hi, fr.name));
    });
    Frame sub;
    sub.ndims = fr.ndims;
    sub.name = Cte("f", fmt::format("SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p{}\n"
                                    "  FROM {} AS f\n  JOIN {} AS q ON q.p BETWEEN {} AND {}",
                                    FrameDims(fr.ndims, "f"), fr.name, q, lo, hi));
    return sub;
  }

  MV Reagg(const MNode& n, const Ctx& c, Frame* fr) {
    Reach(c, fr);  // its days are the context's
    Grain G = n.grain;
    bool split = G != Grain::kAll;  // by a grain; else within the row's own periods
    std::string qlo, qhi, q;
    if (split && c.g == Grain::kAll) {
      std::vector<int> under = plan::ScansUnder(p_, n.args[0]);
      auto [dlo, dhi] = WindowDataDays(&under);
      qlo = Bucket(G, dlo);
      qhi = Bucket(G, dhi);
    } else if (split) {
      // The periods of G holding the context's days within its span (a
      // bucket is monotone: the later of the buckets, the earlier of them).
      qlo = c.clo.empty() ? Bucket(G, c.lo) : LaterOf(Bucket(G, c.lo), Bucket(G, c.clo));
      qhi = c.chi.empty() ? LastStart(G, c.g, c.hi) : EarlierOf(LastStart(G, c.g, c.hi), Bucket(G, c.chi));
    }
    if (split)
      q = RawCte("q", [&](const std::string& name) {
        return Series(name, G, fmt::format("SELECT MIN({}) AS lo, MAX({}) AS hi FROM {} AS f", qlo, qhi, fr->name));
      });
    // Over dimensions: per row, the members of the added dimensions seen in
    // its periods and members, in the scans under the argument.
    size_t k0 = fr->ndims, ne = n.by.size();
    std::string mb;
    if (ne) {
      Ctx periods = c;
      periods.total = true;
      periods.from = SIZE_MAX;
      std::vector<std::string> parts;
      for (int si : plan::ScansUnder(p_, n.args[0])) {
        const plan::Scan& sc = p_.scans[static_cast<size_t>(si)];
        if (sc.dim_columns.size() < k0 + ne) continue;
        std::vector<std::string> w = RangeConds(sc, periods, "s");
        if (c.g == Grain::kAll) WindowMembers(sc, &w);
        for (size_t i = c.total ? std::min(c.from, k0) : 0; i < k0; ++i)
          w.push_back(T(d_.null_safe_eq, fmt::format("s.d{}", i), fmt::format("f.d{}", i)));
        std::string cols;
        for (size_t j = 0; j < ne; ++j) cols += fmt::format(", s.d{} AS e{}", k0 + j, j);
        parts.push_back(fmt::format("SELECT f.rid AS prid{} FROM {} AS f JOIN {} AS s ON {}", cols, fr->name,
                                    ScanCte(static_cast<size_t>(si)), On(w)));
      }
      std::string es;
      for (size_t j = 0; j < ne; ++j) es += fmt::format(", e{}", j);
      mb = Cte("m", fmt::format("-- members of {}\n  SELECT DISTINCT prid{} FROM (\n    {}) AS u",
                                fmt::join(n.by, ", "), es, fmt::join(parts, "\n    UNION ALL ")));
    }
    Frame sub;
    sub.ndims = fr->ndims + ne;
    std::string cols = FrameDims(fr->ndims, "f"), from = fmt::format("{} AS f", fr->name), order = "f.rid";
    Ctx inner{G, "f.p", "f.p", c.total, c.total ? std::min(c.from, k0) : c.from};
    if (split) {
      cols = " AS p" + cols;
      from += fmt::format("\n  JOIN {} AS q ON q.p BETWEEN {} AND {}", q, qlo, qhi);
      order += ", q.p";
      cols = ", q.p" + cols;
    } else if (c.g != Grain::kAll) {
      cols = fmt::format(", {} AS p, {} AS ph{}", c.lo, c.hi, cols);
      inner = Ctx{c.g, "f.p", "f.ph", inner.total, inner.from};
    } else {
      inner = Ctx{Grain::kAll, "", "", inner.total, inner.from};
    }
    // Each cell keeps the row's span (the engine's Reagg passes it on);
    // over all time, the periods at the window's edges count its days.
    if (c.g != Grain::kAll) {
      if (!c.clo.empty()) cols += fmt::format(", {} AS sf", c.clo), inner.clo = "f.sf";
      if (!c.chi.empty()) cols += fmt::format(", {} AS sl", c.chi), inner.chi = "f.sl";
    } else if (split) {
      if (p_.from_day) inner.clo = DateLit(*p_.from_day);
      if (p_.to_day) inner.chi = DateLit(*p_.to_day - 1);
    }
    for (size_t j = 0; j < ne; ++j) cols += fmt::format(", m.e{} AS d{}", j, k0 + j);
    if (ne) from += fmt::format("\n  JOIN {} AS m ON m.prid = f.rid", mb);
    sub.name = Cte("f", fmt::format("SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY {}) AS rid{}\n  FROM {}", order,
                                    cols, from));
    MV x = AsValue(M(n.args[0], inner, &sub));
    if (x.k == MV::K::kNull) x.k = MV::K::kInt;
    std::string xv = FrameValues(sub, x.sql, split || c.g != Grain::kAll);
    std::string body;
    MV out = x;
    using builtins::Fn;
    if (n.reagg == Fn::kReaggLast) {
      body = fmt::format(
          "SELECT f.rid, t.x AS v\n  FROM {} AS f\n  LEFT JOIN (SELECT prid, x, ROW_NUMBER() OVER (PARTITION BY "
          "prid ORDER BY p DESC) AS rn FROM {} WHERE x IS NOT NULL) AS t ON t.prid = f.rid AND t.rn = 1",
          fr->name, xv);
    } else {
      std::string agg;
      if (n.reagg == Fn::kReaggSum)
        agg = x.k == MV::K::kFloat ? fmt::format("COALESCE(SUM(x.x), {})", FloatLit(0)) : "COALESCE(SUM(x.x), 0)";
      else if (n.reagg == Fn::kReaggAvg) {
        agg = fmt::format("{} / NULLIF(COUNT(x.x), 0)", Dbl(MV{"SUM(x.x)", x.k, x.scale}));
        out = {"", MV::K::kFloat, 0};
      } else if (n.reagg == Fn::kReaggMin)
        agg = "MIN(x.x)";
      else if (n.reagg == Fn::kReaggMax)
        agg = "MAX(x.x)";
      else
        throw std::logic_error(fmt::format("re-aggregation `{}` unknown to the emitter", builtins::Get(n.reagg).name));
      body =
          fmt::format("SELECT f.rid, {} AS v\n  FROM {} AS f\n  LEFT JOIN {} AS x ON x.prid = f.rid\n  GROUP BY f.rid",
                      agg, fr->name, xv);
    }
    std::string name = Cte("r", body);
    Join(fr, name);
    out.sql = name + ".v";
    return out;
  }

  /// The quotes of conversion `k` in effect from each date on: `d` and the
  /// rate `r` at plan::kRateScale. A direct quote is exact; an inverse one
  /// is 1 / rate rounded half-even in 64-bit integers (rates have at most 8
  /// decimals, so 10^(scale + 10) fits); a date with both takes the direct.
  std::string Rates(int k) {
    const plan::Conversion& cv = p_.conversions[static_cast<size_t>(k)];
    const ir::Source& src = p_.sources[static_cast<size_t>(cv.src)];
    auto col = [&](int i) { return "t." + Q(src.columns[static_cast<size_t>(i)].header); };
    std::string day = col(cv.time_column), rate = col(cv.rate_column);
    int s = cv.rate_scale, R = plan::kRateScale;
    std::string ri = fmt::format("CAST(ROUND({} * {}) AS BIGINT)", rate, Pow10Text(s));
    auto where = [&](const std::string& from, const std::string& to) {
      return fmt::format("{} = {} AND {} = {} AND {} IS NOT NULL AND {} > 0", col(cv.from_column), Lit(from),
                         col(cv.to_column), Lit(to), day, ri);
    };
    std::string direct = d_.scaled_decimals ? fmt::format("({} * {})", ri, Pow10Text(R - s))
                                            : fmt::format("CAST({} AS {})", rate, T(d_.decimal_type, R));
    std::string n = Pow10Text(s + R);
    std::string rem = fmt::format("({} - i.q * i.ri)", n);
    std::string inv = fmt::format("(i.q + CASE WHEN 2 * {0} > i.ri OR (2 * {0} = i.ri AND {1} = 1) THEN 1 ELSE 0 END)",
                                  rem, T(d_.mod, "i.q", "2"));
    if (!d_.scaled_decimals)
      inv = fmt::format("({} * {})", inv, T(d_.decimal_lit, rt::FormatDecimal(1, R), R));
    return Cte("k", fmt::format(
                        "-- rates {}->{} from {}: the quote in effect from each date on\n"
                        "  SELECT w.d, w.r FROM (\n"
                        "    SELECT u.d, u.r, ROW_NUMBER() OVER (PARTITION BY u.d ORDER BY u.inv) AS rn FROM (\n"
                        "      SELECT {} AS d, {} AS r, 0 AS inv FROM {} AS t WHERE {}\n"
                        "      UNION ALL\n"
                        "      SELECT i.d, {} AS r, 1 AS inv FROM (\n"
                        "        SELECT {} AS d, {} AS ri, {} AS q FROM {} AS t WHERE {}) AS i\n"
                        "    ) AS u\n"
                        "  ) AS w WHERE w.rn = 1",
                        cv.from, cv.to, src.name, day, direct, Table(src.key), where(cv.from, cv.to), inv, day, ri,
                        T(d_.int_div, n, ri), Table(src.key), where(cv.to, cv.from)));
  }

  /// `convert`: the amount of each day of the row's periods times the quote
  /// in effect on that day (the latest on or before it), summed exactly; a
  /// day with an amount and no quote stops the query with the dialect's
  /// error, naming the pair and the date.
  MV Convert(const MNode& n, const Ctx& c, Frame* fr) {
    Reach(c, fr);  // its days are the context's
    const char* why = nullptr;
    builtins::SqlOf(builtins::Fn::kConvert, d_.id, &why);
    if (why) throw SqlError("E0502", fmt::format("dialect {} cannot convert currencies exactly: {}", d_.name, why));
    const plan::Conversion& cv = p_.conversions[static_cast<size_t>(n.count)];
    std::string dlo, dhi;
    if (c.g == Grain::kAll) {
      std::string dr = DataDays();
      dlo = fmt::format("(SELECT lo FROM {})", dr);
      dhi = fmt::format("(SELECT hi FROM {})", dr);
      auto clamp = [](const std::string& v, const std::string& b, const char* cmp) {
        return fmt::format("CASE WHEN {0} {2} {1} THEN {1} ELSE {0} END", v, b, cmp);
      };
      if (p_.from_day) dlo = clamp(dlo, DateLit(*p_.from_day), "<");
      if (p_.to_day) dhi = clamp(dhi, DateLit(*p_.to_day - 1), ">");
    } else {
      dlo = FirstDay(c);
      dhi = LastDayOf(c);
    }
    Frame sub = PeriodsFrame(*fr, Grain::kDay, dlo, dhi);
    MV x = AsValue(M(n.args[0], Ctx{Grain::kDay, "f.p", "f.p", c.total}, &sub));
    if (x.k == MV::K::kNull) x.k = MV::K::kInt;
    std::string xv = FrameValues(sub, x.sql, true);
    std::string k = Rates(static_cast<int>(n.count));
    std::string xr = Cte(
        "xr", fmt::format("SELECT x.prid, x.p, x.x, e.r\n  FROM {0} AS x\n"
                          "  LEFT JOIN (SELECT y.rid, MAX(k.d) AS d FROM {0} AS y JOIN {1} AS k ON k.d <= y.p "
                          "GROUP BY y.rid) AS m ON m.rid = x.rid\n"
                          "  LEFT JOIN {1} AS e ON e.d = m.d",
                          xv, k));
    MV out;
    std::string product;
    if (x.k == MV::K::kFloat) {
      product = fmt::format("(xr.x * {})", Dbl(MV{"xr.r", MV::K::kDec, plan::kRateScale}));
      out = {"", MV::K::kFloat, 0};
    } else {
      product = "(xr.x * xr.r)";
      out = {"", MV::K::kDec, x.scale + plan::kRateScale};
    }
    std::string fail = T(d_.fail, "xr.p",
                         Lit(fmt::format("kpic: no rate from {} to {} (nor from {} to {}) on or before ", cv.from, cv.to,
                                         cv.to, cv.from)));
    std::string name = Cte(
        "r", fmt::format("-- convert {}->{}: each day's amount at the quote in effect\n"
                         "  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL "
                         "THEN {} ELSE {} END), 0) AS v\n  FROM {} AS f\n  LEFT JOIN {} AS xr ON xr.prid = f.rid\n"
                         "  GROUP BY f.rid",
                         cv.from, cv.to, fail, product, fr->name, xr));
    Join(fr, name);
    out.sql = name + ".v";
    return out;
  }

  /// `working_days()`: one frame row per day of the context (clipped to
  /// --from/--to unless under a period operator; at `all`, the window),
  /// each a working day when the working-day source says so, else when it
  /// is Monday to Friday.
  MV WorkingDays(const MNode& n, const Ctx& c, Frame* fr) {
    std::string dlo, dhi;
    if (c.g == Grain::kAll) {
      if (!p_.from_day || !p_.to_day) return {"NULL", MV::K::kNull, 0};
      dlo = DateLit(*p_.from_day);
      dhi = DateLit(*p_.to_day - 1);
    } else {
      // The span and the window bound the days together (one comparison
      // with the period's bounds: a retail period's last day is long).
      Ctx b = c;
      if (n.scale && p_.from_day) b.clo = LaterOf(DateLit(*p_.from_day), c.clo);
      if (n.scale && p_.to_day) b.chi = EarlierOf(DateLit(*p_.to_day - 1), c.chi);
      dlo = FirstDay(b);
      dhi = LastDayOf(b);
    }
    Frame sub = PeriodsFrame(*fr, Grain::kDay, dlo, dhi);
    std::string listed;
    if (p_.work.src >= 0) {
      const ir::Source& src = p_.sources[static_cast<size_t>(p_.work.src)];
      const std::string& t = src.columns[static_cast<size_t>(p_.work.time_column)].name;
      const std::string& w = src.columns[static_cast<size_t>(p_.work.flag_column)].name;
      // A day listed both worked and not stops the query, as it stops `kpic run`.
      // SQLite has no boolean type: a flag stored as text (`true`, `yes`)
      // is read as kpic run reads it (it was false: probe, 2026-12-06).
      std::string flag = d_.id == builtins::Dialect::kSqlite ? SqliteBool("h." + Q(w), src.name, w)
                                                              : BoolToInt("h." + Q(w));
      std::string fail = T(d_.fail, "h." + Q(t),
                           Lit(fmt::format("kpic: `{}` lists a day both as worked and as a holiday: ", src.name)));
      listed = Cte("wd", fmt::format("-- the days listed in `{0}`: 1 worked, 0 a holiday\n"
                                     "  SELECT h.{1} AS d, CASE WHEN MIN({2}) = MAX({2}) THEN MAX({2}) ELSE {3} END AS w\n"
                                     "  FROM {4} AS h\n  WHERE h.{1} IS NOT NULL AND h.{5} IS NOT NULL\n  GROUP BY h.{1}",
                                     src.name, Q(t), flag, fail, Table(src.key), Q(w)));
    }
    std::string weekday = fmt::format("CASE WHEN {} <= 5 THEN 1 ELSE 0 END", T(d_.iso_dow, "s.p"));
    std::string name = Cte(
        "w", fmt::format("-- working days\n  SELECT f.rid, COALESCE(SUM({}), 0) AS v\n  FROM {} AS f\n"
                         "  LEFT JOIN {} AS s ON s.prid = f.rid{}\n  GROUP BY f.rid",
                         listed.empty() ? weekday : fmt::format("CASE WHEN h.w IS NOT NULL THEN h.w ELSE {} END", weekday),
                         fr->name, sub.name, listed.empty() ? "" : fmt::format("\n  LEFT JOIN {} AS h ON h.d = s.p", listed)));
    Join(fr, name);
    return {name + ".v", MV::K::kInt, 0};
  }

  /// An exact value rounded half-even to `digits` decimals (a converted
  /// amount, shown at its currency's minor unit).
  MV RoundHalfEven(const MV& v, int digits) const {
    if (!v.exact()) return v;
    if (v.scale <= digits) {
      if (d_.scaled_decimals) return {AtScale(v, digits), MV::K::kDec, digits};
      return {fmt::format("CAST({} AS {})", v.sql, T(d_.decimal_type, digits)), MV::K::kDec, digits};
    }
    if (d_.scaled_decimals) {
      std::string p = Pow10Text(v.scale - digits), x = v.sql;
      std::string q = T(d_.int_div, x, p), r = T(d_.mod, x, p);
      return {fmt::format("({0} + CASE WHEN 2 * ABS({1}) > {2} OR (2 * ABS({1}) = {2} AND ABS({3}) = 1) THEN "
                          "(CASE WHEN {4} < 0 THEN -1 ELSE 1 END) ELSE 0 END)",
                          q, r, p, T(d_.mod, q, "2"), x),
              MV::K::kDec, digits};
    }
    std::string t = fmt::format("({} * {})", v.sql, T(d_.decimal_lit, Pow10Text(digits), 0));
    std::string f = fmt::format("FLOOR({})", t);
    std::string r = fmt::format("({} - {})", t, f);
    std::string half = T(d_.decimal_lit, "0.5", 1);
    std::string whole = fmt::format("CAST(({0} + CASE WHEN {1} > {2} OR ({1} = {2} AND {3} <> 0) THEN 1 ELSE 0 END) AS {4})",
                                    f, r, half, T(d_.mod, f, "2"), T(d_.decimal_type, 0));
    return {fmt::format("({} * {})", whole, T(d_.decimal_lit, rt::FormatDecimal(1, digits), digits)), MV::K::kDec,
            digits};
  }

  MV ZScore(const MNode& n, const Ctx& c, Frame* fr) {
    if (c.g == Grain::kAll) return {"NULL", MV::K::kNull, 0};
    MV now = M(n.args[0], c, fr);
    std::string ks;
    for (int64_t k = 1; k <= n.count; ++k) ks += fmt::format("{}SELECT {} AS k", k > 1 ? " UNION ALL " : "", k);
    Frame sub;
    sub.ndims = fr->ndims;
    // The N periods before, each with the row's span moved alike.
    Ctx back = c;
    back.lo = AddGrain(c.g, c.lo, "-k.k");
    back.hi = AddGrain(c.g, c.hi, "-k.k");
    back = MoveSpan(c, back, MonthsOf(c.g) ? fmt::format("{} * k.k", MonthsOf(c.g)) : std::string());
    Ctx inner{c.g, "f.p", "f.ph", c.total, c.from};
    std::string spans;
    if (!back.clo.empty()) spans += fmt::format(", {} AS sf", back.clo), inner.clo = "f.sf";
    if (!back.chi.empty()) spans += fmt::format(", {} AS sl", back.chi), inner.chi = "f.sl";
    sub.name = Cte(
        "f",
        fmt::format("SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, k.k) AS rid, {} AS p, {} AS ph{}{}\n"
                    "  FROM {} AS f\n  CROSS JOIN ({}) AS k",
                    back.lo, back.hi, spans, FrameDims(fr->ndims, "f"), fr->name, ks));
    MV x = M(n.args[0], inner, &sub);
    std::string xv = FrameValues(sub, Dbl(AsValue(x)), false);
    std::string stats =
        Cte("z", fmt::format("SELECT f.rid, COUNT(x.x) AS n, AVG(x.x) AS m\n  FROM {} AS f\n  LEFT JOIN {} AS x ON "
                             "x.prid = f.rid\n  GROUP BY f.rid",
                             fr->name, xv));
    std::string sd =
        Cte("z", fmt::format("SELECT z.rid, z.n, z.m, SQRT(SUM((x.x - z.m) * (x.x - z.m)) / NULLIF(z.n - 1, 0)) AS sd\n"
                             "  FROM {} AS z\n  LEFT JOIN {} AS x ON x.prid = z.rid\n  GROUP BY z.rid, z.n, z.m",
                             stats, xv));
    Join(fr, sd);
    return {fmt::format("CASE WHEN {0}.n < 2 OR {0}.sd = 0 THEN NULL ELSE ({1} - {0}.m) / {0}.sd END", sd,
                        Dbl(AsValue(now))),
            MV::K::kFloat, 0};
  }

  MV Rollup(const MNode& n, const Ctx& c, Frame* fr) {
    Reach(c, fr);  // its days are the context's
    const MNode& leaf = p_.mnodes[static_cast<size_t>(n.args[0])];
    size_t si = static_cast<size_t>(leaf.scan), a = static_cast<size_t>(leaf.agg);
    const plan::Scan& s = p_.scans[si];
    const AggSpec& g = s.aggs[a];
    if (ValuesAgg(g.fn) || g.fn == AggSpec::Fn::kAvg)
      throw std::logic_error("a balance over a distinct count, median or average (only sums keep a rollup)");
    needs_n_[si].insert(a);
    std::string dlo, dhi;
    if (c.g == Grain::kAll) {
      std::tie(dlo, dhi) = WindowDataDays();
    } else {
      dlo = FirstDay(c);
      dhi = LastDayOf(c);
    }
    std::vector<std::string> w{fmt::format("s.p BETWEEN {} AND {}", dlo, dhi)};
    for (size_t i = c.total ? c.from : 0; i < s.dim_columns.size(); ++i)
      w.push_back(T(d_.null_safe_eq, fmt::format("s.d{}", i), fmt::format("f.d{}", i)));
    const char* merge = g.fn == AggSpec::Fn::kMin ? "MIN" : g.fn == AggSpec::Fn::kMax ? "MAX" : "SUM";
    std::string days = Cte(
        "b",
        fmt::format("-- {} per day\n  SELECT f.rid, s.p AS day, {}(s.a{}) AS v\n  FROM {} AS f\n  JOIN {} AS s ON {}\n"
                    "  GROUP BY f.rid, s.p\n  HAVING SUM(s.a{}_n) > 0",
                    g.text, merge, a, fr->name, ScanCte(si), On(w), a));
    MV t = LeafType(s, g);
    std::string body;
    using plan::Rollup;
    if (n.rollup == Rollup::kLast || n.rollup == Rollup::kFirst) {
      body = fmt::format(
          "SELECT f.rid, t.v\n  FROM {} AS f\n  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER "
          "BY day {}) AS rn FROM {}) AS t ON t.rid = f.rid AND t.rn = 1",
          fr->name, n.rollup == Rollup::kLast ? "DESC" : "ASC", days);
    } else {
      std::string agg;
      if (n.rollup == Rollup::kAvg) {
        agg = fmt::format("{} / NULLIF(COUNT(t.v), 0)", Dbl(MV{"SUM(t.v)", t.k, t.scale}));
        t = {"", MV::K::kFloat, 0};
      } else if (n.rollup == Rollup::kMin || n.rollup == Rollup::kMax) {
        agg = n.rollup == Rollup::kMin ? "MIN(t.v)" : "MAX(t.v)";
      } else {
        throw std::logic_error(fmt::format("balance rule `{}` unknown to the emitter", plan::RollupName(n.rollup)));
      }
      body =
          fmt::format("SELECT f.rid, {} AS v\n  FROM {} AS f\n  LEFT JOIN {} AS t ON t.rid = f.rid\n  GROUP BY f.rid",
                      agg, fr->name, days);
    }
    std::string name = Cte("r", body);
    Join(fr, name);
    t.sql = name + ".v";
    return t;
  }

  MV M(int id, const Ctx& c, Frame* fr) {
    const MNode& n = p_.mnodes[static_cast<size_t>(id)];
    using O = MNode::Op;
    auto arg = [&](size_t k) { return M(n.args[k], c, fr); };
    switch (n.op) {
      case O::kAgg:
        return Leaf(n, c, fr);
      case O::kConst:
        if (n.is_float) return {FloatLit(n.f), MV::K::kFloat, 0};
        if (n.scale == 0) return {Int128Text(n.i), MV::K::kInt, 0};
        return {d_.scaled_decimals ? Int128Text(n.i) : DecLit(n.i, n.scale),
                MV::K::kDec, n.scale};
      case O::kNull:
        return {"NULL", MV::K::kNull, 0};
      case O::kNeg: {
        MV a = AsValue(arg(0));
        a.sql = "(-" + a.sql + ")";
        return a;
      }
      case O::kAbs: {
        MV a = AsValue(arg(0));
        a.sql = "ABS(" + a.sql + ")";
        return a;
      }
      case O::kAdd:
      case O::kSub: {
        MV::K k;
        int s;
        MV left = arg(0), right = arg(1);
        auto v = Unify({left, right}, &k, &s);
        constexpr Chain::Op kAdd = Chain::Op::kAdditive;
        MV out{"(" + left.chain.Left(kAdd, v[0].sql, left.sql) + (n.op == O::kAdd ? " + " : " - ") +
                   right.chain.Right(kAdd, v[1].sql, right.sql) + ")",
               k, s};
        out.chain = Chain::Of(Chain::Op::kAdditive, out.sql);
        return out;
      }
      case O::kMul: {
        MV a = AsValue(arg(0)), b = AsValue(arg(1));
        if (a.k == MV::K::kNull || b.k == MV::K::kNull) return {"NULL", MV::K::kNull, 0};
        constexpr Chain::Op kMul = Chain::Op::kMultiplicative;
        MV out;
        if (a.k == MV::K::kFloat || b.k == MV::K::kFloat) {
          out = {"(" + a.chain.Left(kMul, Dbl(a), a.sql) + " * " + Dbl(b) + ")", MV::K::kFloat, 0};
        } else {
          int s = a.scale + b.scale;
          out = {"(" + a.chain.Left(kMul, a.sql, a.sql) + " * " + b.sql + ")", s ? MV::K::kDec : MV::K::kInt, s};
        }
        out.chain = Chain::Of(kMul, out.sql);
        return out;
      }
      case O::kDiv: {
        MV a = AsValue(arg(0)), b = AsValue(arg(1));
        return {fmt::format("({} / NULLIF({}, 0))", Dbl(a), Dbl(b)), MV::K::kFloat, 0};
      }
      case O::kRound: {
        MV a = AsValue(arg(0));
        int digits = static_cast<int>(n.count);
        if (a.k == MV::K::kFloat) return {T(d_.round_float, a.sql, digits), MV::K::kFloat, 0};
        if (!a.exact() || a.scale <= digits) return a;
        if (d_.scaled_decimals) {
          std::string p = Pow10Text(a.scale - digits),
                      h = "5" + std::string(static_cast<size_t>(a.scale - digits - 1), '0');
          return {fmt::format("(({0} + CASE WHEN {0} < 0 THEN -{1} ELSE {1} END) / {2})", a.sql, h, p),
                  digits ? MV::K::kDec : MV::K::kInt, digits};
        }
        return {fmt::format("ROUND({}, {})", a.sql, digits), MV::K::kDec, digits};
      }
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe: {
        MV::K k;
        int s;
        auto v = Unify({arg(0), arg(1)}, &k, &s);
        const char* op = n.op == O::kEq   ? " = "
                         : n.op == O::kNe ? " <> "
                         : n.op == O::kLt ? " < "
                         : n.op == O::kLe ? " <= "
                         : n.op == O::kGt ? " > "
                                          : " >= ";
        return {"(" + v[0].sql + op + v[1].sql + ")", MV::K::kBool, 0};
      }
      case O::kAnd:
      case O::kOr:
        return {"(" + AsBool(arg(0)) + (n.op == O::kAnd ? " AND " : " OR ") + AsBool(arg(1)) + ")", MV::K::kBool, 0};
      case O::kNot:
        return {"(NOT " + AsBool(arg(0)) + ")", MV::K::kBool, 0};
      case O::kIf: {
        std::string cnd = AsBool(arg(0));
        MV::K k;
        int s;
        auto v = Unify({arg(1), arg(2)}, &k, &s);
        return {fmt::format("CASE WHEN {} THEN {} ELSE {} END", cnd, v[0].sql, v[1].sql), k, s};
      }
      case O::kCoalesce: {
        std::vector<MV> xs;
        for (size_t k = 0; k < n.args.size(); ++k) xs.push_back(arg(k));
        MV::K k;
        int s;
        auto v = Unify(xs, &k, &s);
        std::string list;
        for (size_t i = 0; i < v.size(); ++i) list += (i ? ", " : "") + v[i].sql;
        return {"COALESCE(" + list + ")", k, s};
      }
      case O::kShift: {
        if (c.g == Grain::kAll) return {"NULL", MV::K::kNull, 0};
        Ctx w = c;
        if (p_.calendar.Retail() && n.grain == Grain::kYear && (c.g == Grain::kDay || c.g == Grain::kWeek))
          return RetailLastYear(n, c, fr);
        int64_t k = 1;
        if (n.grain != c.g) {
          if (MonthsOf(n.grain) && MonthsOf(c.g)) {
            k = MonthsOf(n.grain) / MonthsOf(c.g);
          } else if (c.g == Grain::kDay && MonthsOf(n.grain)) {
            // Days shift by calendar months (29 February goes to the 28th).
            w.lo = AddMonths(c.lo, std::to_string(-MonthsOf(n.grain)));
            w.hi = c.lo == c.hi ? w.lo : AddMonths(c.hi, std::to_string(-MonthsOf(n.grain)));
            return M(n.args[0], MoveSpan(c, w, MonthsOf(n.grain)), fr);
          } else if (c.g == Grain::kWeek) {
            k = n.grain == Grain::kYear ? 52 : n.grain == Grain::kQuarter ? 13 : 4;
          } else if (c.g == Grain::kDay && n.grain == Grain::kWeek) {
            k = 7;
          }
        }
        w.lo = AddGrain(c.g, c.lo, -k);
        w.hi = c.lo == c.hi ? w.lo : AddGrain(c.g, c.hi, -k);
        return M(n.args[0], MoveSpan(c, w, MonthsOf(c.g) * k), fr);
      }
      case O::kShiftDays: {
        if (c.g == Grain::kAll) return {"NULL", MV::K::kNull, 0};
        Ctx w = c;
        std::string back = std::to_string(-n.count);
        if (!c.clo.empty()) w.clo = AddDays(c.clo, back);
        if (!c.chi.empty()) w.chi = AddDays(c.chi, back);
        if (c.g == Grain::kDay || (c.g == Grain::kWeek && n.count % 7 == 0)) {
          w.lo = AddDays(c.lo, back);
          w.hi = c.lo == c.hi ? w.lo : AddDays(c.hi, back);
        } else {  // the period's days within the span, moved (the argument is read by day)
          w.g = Grain::kDay;
          w.lo = AddDays(FirstDay(c), back);
          w.hi = AddDays(LastDayOf(c), back);
        }
        return M(n.args[0], w, fr);
      }
      case O::kWorkingDays:
        return WorkingDays(n, c, fr);
      case O::kForecast:  // only in goals' alerts, which kpic sql does not emit
        throw std::logic_error("forecast outside a goal's alert");
      case O::kGoalTarget:  // likewise
      case O::kForecastTarget:
        throw std::logic_error("a phased target outside a goal's alert");
      case O::kToDate: {
        if (c.g == Grain::kAll) return arg(0);
        Ctx w = c;
        std::string from = Bucket(n.grain, c.lo);
        w.lo = rt::Nests(c.g, n.grain, p_.calendar) ? from : Bucket(c.g, from);
        w.clo.clear();  // from the start of the enclosing period, to the end of this span
        return M(n.args[0], w, fr);
      }
      case O::kRolling: {
        if (c.g == Grain::kAll) return {"NULL", MV::K::kNull, 0};
        Ctx w = c;
        w.clo.clear();  // the whole periods before, and this span
        if (n.grain != c.g) {
          w.hi = c.chi.empty() ? LastStart(n.grain, c.g, c.hi)
                               : EarlierOf(LastStart(n.grain, c.g, c.hi), Bucket(n.grain, c.chi));
          w.g = n.grain;
        }
        w.lo = AddGrain(w.g, w.hi, -(n.count - 1));
        return M(n.args[0], w, fr);
      }
      case O::kReagg:
        return Reagg(n, c, fr);
      case O::kRollup:
        return Rollup(n, c, fr);
      case O::kConvert:
        return Convert(n, c, fr);
      case O::kZScore:
        return ZScore(n, c, fr);
      case O::kShare: {
        MV part = AsValue(arg(0));
        Ctx total = c;
        total.total = true;
        total.from = SIZE_MAX;
        MV whole = AsValue(M(n.args[0], total, fr));
        return {fmt::format("({} / NULLIF({}, 0))", Dbl(part), Dbl(whole)), MV::K::kFloat, 0};
      }
    }
    return {"NULL", MV::K::kNull, 0};
  }

  /// The final text of a value: exact decimals held scaled are printed
  /// exactly; booleans as 0/1.
  std::string Output(const MV& v) const {
    if (v.k == MV::K::kBool) return BoolToInt(v.sql);
    if (d_.id == builtins::Dialect::kSqlite && v.exact()) {
      // SQLite turns an integer sum, difference or product that leaves 64
      // bits into a REAL without a word (only SUM() raises an error): an
      // exact value that is a REAL here has lost digits, and is an error,
      // as kpic run's overflow is, never a rounded number.
      MV checked = v;
      checked.sql = fmt::format(
          "CASE WHEN typeof({0}) = 'real' THEN {1} ELSE {0} END", v.sql,
          T(d_.fail, "''", Lit("kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit "
                               "integers); kpic run computes it in 128")));
      checked.chain = {};
      if (v.k == MV::K::kInt || v.scale == 0) return checked.sql;
      return Scaled(checked);
    }
    return Scaled(v);
  }

  /// Output's text of a value held as a scaled integer (SQLite).
  std::string Scaled(const MV& v) const {
    if (v.k == MV::K::kDec && d_.scaled_decimals) {
      // A decimal(0) is its integer (`3`, as kpic run prints it, not `3.0`).
      // ABS of the quotient and the remainder, not of the value: the
      // smallest 64-bit value has no absolute value.
      if (v.scale == 0) return v.sql;
      std::string p = Pow10Text(v.scale);
      return fmt::format(
          "CASE WHEN {0} IS NULL THEN NULL ELSE (CASE WHEN {0} < 0 THEN '-' ELSE '' END) || ABS({0} / {1}) || '.' "
          "|| substr('{2}' || ABS({0} % {1}), -{3}) END",
          v.sql, p, std::string(static_cast<size_t>(v.scale), '0'), v.scale);
    }
    return v.sql;
  }

  // ---- the output grid -----------------------------------------------------------

  /// Output rows of a set of scans at grain g: bounds, periods and members.
  std::string Grid(const std::vector<int>& scans, Grain g, size_t ndims, std::string* periods_out) {
    std::string members, periods;
    std::string bounds;
    if (g != Grain::kAll) {
      std::vector<std::string> parts;
      for (int s : scans) {
        const plan::Scan& sc = p_.scans[static_cast<size_t>(s)];
        if (sc.grain == Grain::kAll) continue;
        std::string lo = sc.grain == g ? "MIN(p)" : fmt::format("MIN({})", Bucket(g, "p"));
        std::string hi = sc.grain == g ? "MAX(p)" : fmt::format("MAX({})", LastStart(g, sc.grain, "p"));
        parts.push_back(fmt::format("SELECT {} AS lo, {} AS hi FROM {}", lo, hi, ScanCte(static_cast<size_t>(s))));
      }
      if (parts.empty()) parts.push_back("SELECT CAST(NULL AS DATE) AS lo, CAST(NULL AS DATE) AS hi");
      std::string data =
          fmt::format("SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (\n    {}) AS u", fmt::join(parts, "\n    UNION ALL "));
      if (p_.from_day || p_.to_day) {
        std::string lo = p_.from_day ? Bucket(g, DateLit(*p_.from_day)) : "d.lo";
        std::string hi = p_.to_day ? Bucket(g, DateLit(*p_.to_day - 1)) : "d.hi";
        if (!(p_.from_day && p_.to_day)) {
          lo = fmt::format("CASE WHEN d.lo IS NULL THEN NULL ELSE {} END", lo);
          hi = fmt::format("CASE WHEN d.lo IS NULL THEN NULL ELSE {} END", hi);
        }
        data = fmt::format("SELECT {} AS lo, {} AS hi FROM ({}) AS d", lo, hi, data);
      }
      // No period after the as-of date's: nothing is known of it yet.
      data = fmt::format("SELECT x.lo, {} AS hi FROM ({}) AS x CROSS JOIN {} AS ao", EarlierOf("x.hi", Bucket(g, "ao.d")),
                         data, AsOf());
      bounds = Cte("bounds", data);
      periods =
          RawCte("periods", [&](const std::string& name) { return Series(name, g, "SELECT lo, hi FROM " + bounds); });
    }
    if (ndims) {
      std::vector<std::string> parts;
      std::string dl;
      for (size_t i = 0; i < ndims; ++i) dl += fmt::format("{}s.d{}", i ? ", " : "", i);
      for (int s : scans) {
        const plan::Scan& sc = p_.scans[static_cast<size_t>(s)];
        Ctx c{g, "b.lo", "b.hi", true};
        // The members seen on the window's days, up to the as-of date.
        bool window = g != Grain::kAll && sc.grain != Grain::kAll;
        if (window) {
          if (p_.from_day) c.clo = DateLit(*p_.from_day);
          c.chi = p_.to_day ? EarlierOf(DateLit(*p_.to_day - 1), "ao.d") : "ao.d";
        }
        std::vector<std::string> w = RangeConds(sc, c, "s");
        std::string from = fmt::format("{} AS s", ScanCte(static_cast<size_t>(s)));
        if (!w.empty()) from += ", " + bounds + " AS b";
        if (window) from += ", " + AsOf() + " AS ao";
        if (g == Grain::kAll) WindowMembers(sc, &w);
        parts.push_back(fmt::format("SELECT {} FROM {}{}", dl, from,
                                    w.empty() ? "" : " WHERE " + fmt::format("{}", fmt::join(w, " AND "))));
      }
      std::string cols;
      for (size_t i = 0; i < ndims; ++i) cols += fmt::format("{}d{}", i ? ", " : "", i);
      if (parts.empty()) {
        // Nothing read has the breakdown (`working_days()` alone): no
        // members, so no rows, as `kpic run` gives (an empty UNION was
        // invalid SQL).
        std::string nulls;
        for (size_t i = 0; i < ndims; ++i) nulls += fmt::format("{}NULL AS d{}", i ? ", " : "", i);
        parts.push_back(fmt::format("SELECT {} FROM (SELECT 1 AS one) AS z WHERE 1 = 0", nulls));
      }
      members = Cte("members",
                    fmt::format("SELECT DISTINCT {} FROM (\n    {}) AS u", cols, fmt::join(parts, "\n    UNION ALL ")));
    }
    *periods_out = periods;
    return members;
  }

  std::string OrderKeys(bool has_p, size_t ndims, const std::string& alias, const std::vector<VT>& types) const {
    std::vector<std::string> k;
    if (has_p) k.push_back(alias + ".p");
    for (size_t i = 0; i < ndims; ++i) {
      std::string d = fmt::format("{}.d{}", alias, i);
      if (i < types.size() && types[i] == VT::kString) d = T(d_.binary_text, d);
      // Nulls last, spelled so that every engine (and parser) takes it.
      k.push_back(fmt::format("CASE WHEN {}.d{} IS NULL THEN 1 ELSE 0 END", alias, i));
      k.push_back(d);
    }
    return fmt::format("{}", fmt::join(k, ", "));
  }

  std::string Metrics() {
    if (p_.outputs.empty())
      throw SqlError("nothing to compile: ask for metrics with --metric NAME (or a goal with --goal NAME)");
    Grain g = p_.grain;
    size_t nd = p_.by.size();
    bool has_p = g != Grain::kAll;
    // Outputs that read the same scans share their rows; the grid is the
    // union, with a flag per group (the engine leaves other cells empty).
    std::vector<std::vector<int>> groups;
    std::vector<size_t> group_of;
    for (const auto& o : p_.outputs) {
      std::vector<int> sc = o.scans;
      if (sc.empty())
        for (size_t s = 0; s < p_.scans.size(); ++s)
          if (!p_.scans[s].audit && !p_.scans[s].past_to) sc.push_back(static_cast<int>(s));
      std::sort(sc.begin(), sc.end());
      auto it = std::find(groups.begin(), groups.end(), sc);
      group_of.push_back(static_cast<size_t>(it - groups.begin()));
      if (it == groups.end()) groups.push_back(sc);
    }
    std::vector<std::string> parts;
    std::string cols;
    if (has_p) cols += "q.p";
    for (size_t i = 0; i < nd; ++i) cols += fmt::format("{}m.d{}", cols.empty() ? "" : ", ", i);
    for (size_t k = 0; k < groups.size(); ++k) {
      std::string periods;
      std::string members = Grid(groups[k], g, nd, &periods);
      std::string flags;
      for (size_t j = 0; j < groups.size() && groups.size() > 1; ++j)
        flags += fmt::format(", {} AS g{}", j == k ? 1 : 0, j);
      std::string from = has_p ? periods + " AS q" : "";
      if (nd) from += (from.empty() ? "" : " CROSS JOIN ") + members + " AS m";
      parts.push_back(from.empty() ? fmt::format("SELECT 1 AS one{}", flags)
                                   : fmt::format("SELECT {}{} FROM {}", cols.empty() ? "1 AS one" : cols, flags, from));
    }
    std::string keys;
    if (has_p) keys += "p";
    for (size_t i = 0; i < nd; ++i) keys += fmt::format("{}d{}", keys.empty() ? "" : ", ", i);
    // Weeks to years can be partial: each row gets its span (WithSpans).
    bool spans = g == Grain::kWeek || g == Grain::kMonth || g == Grain::kQuarter || g == Grain::kYear;
    std::vector<std::string> grid_cols{"rid"};
    if (has_p) grid_cols.push_back("p");
    for (size_t i = 0; i < nd; ++i) grid_cols.push_back(fmt::format("d{}", i));
    for (size_t j = 0; j < groups.size() && groups.size() > 1; ++j) grid_cols.push_back(fmt::format("g{}", j));
    auto grid_cte = [&](const std::string& body) {
      return Cte("grid", spans ? WithSpans(body, grid_cols, g, p_.from_day, p_.to_day) : body);
    };
    std::string grid;
    if (groups.size() == 1) {
      grid = grid_cte(fmt::format("SELECT ROW_NUMBER() OVER ({}) AS rid{}\n  FROM ({}) AS u",
                                  keys.empty() ? "" : "ORDER BY " + OrderKeys(has_p, nd, "u", p_.by_types),
                                  keys.empty() ? "" : ", " + keys, parts[0]));
    } else {
      std::string maxes;
      for (size_t j = 0; j < groups.size(); ++j) maxes += fmt::format(", MAX(g{0}) AS g{0}", j);
      std::string inner =
          fmt::format("SELECT {}{}\n    FROM (\n    {}) AS a{}", keys.empty() ? "1 AS one" : keys, maxes,
                      fmt::join(parts, "\n    UNION ALL\n    "), keys.empty() ? "" : "\n    GROUP BY " + keys);
      grid = grid_cte(fmt::format(
                             "SELECT ROW_NUMBER() OVER ({}) AS rid{}{}\n  FROM (\n    {}) AS u",
                             keys.empty() ? "" : "ORDER BY " + OrderKeys(has_p, nd, "u", p_.by_types),
                             keys.empty() ? "" : ", " + keys,
                             [&] {
                               std::string s;
                               for (size_t j = 0; j < groups.size(); ++j) s += fmt::format(", g{}", j);
                               return s;
                             }(),
                             inner));
    }
    Frame fr;
    fr.name = grid;
    fr.ndims = nd;
    std::vector<std::string> select;
    if (has_p) select.push_back("f.p AS " + Q("period"));
    for (size_t i = 0; i < nd; ++i) select.push_back(fmt::format("f.d{} AS {}", i, Q(p_.by[i])));
    for (size_t k = 0; k < p_.outputs.size(); ++k) {
      const auto& o = p_.outputs[k];
      Ctx c{g, "f.p", "f.p", false};
      if (spans) c.clo = "f.sf", c.chi = "f.sl";
      MV v = M(o.root, c, &fr);
      if (o.round >= 0) v = RoundHalfEven(v, o.round);
      std::string out = Output(v);
      if (groups.size() > 1) out = fmt::format("CASE WHEN f.g{} = 1 THEN {} END", group_of[k], out);
      select.push_back(out + " AS " + Q(o.metric));
    }
    select.push_back(PartialText(spans) + " AS " + Q("partial"));
    std::string joins;
    for (const auto& j : fr.joins) joins += fmt::format("\nLEFT JOIN {0} ON {0}.rid = f.rid", j);
    std::string head =
        fmt::format("-- kpic sql --dialect {}: {} by {}{}\n", d_.name, rt::GrainName(g),
                    nd ? fmt::format("{}", fmt::join(p_.by, ", ")) : "nothing",
                    p_.from_day || p_.to_day
                        ? fmt::format(", from {} to {}", p_.from_day ? rt::FormatDate(*p_.from_day) : "the start",
                                      p_.to_day ? rt::FormatDate(*p_.to_day) : "the end")
                        : "");
    head += "-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a "
            "period cut by the window or the as-of date.\n";
    if (p_.as_of_day) head += fmt::format("-- data as of {} (--as-of)\n", rt::FormatDate(*p_.as_of_day));
    return head + Assemble(fmt::format("SELECT\n  {}\nFROM {} AS f{}\nORDER BY f.rid", fmt::join(select, ",\n  "), grid,
                                       joins));
  }

  std::string Goal(size_t gi) {
    const plan::GoalPlan& g = p_.goals.at(gi);
    if (g.grain == Grain::kAll) throw SqlError("E0602", "a goal at grain `all` has one period; use --metric instead");
    std::string lo = Bucket(g.grain, DateLit(g.from_day)), hi = Bucket(g.grain, DateLit(g.to_day - 1));
    std::string periods = RawCte("periods", [&](const std::string& name) {
      return Series(name, g.grain, fmt::format("SELECT {} AS lo, {} AS hi", lo, hi));
    });
    // Weeks to years can be partial: cut by the goal's own period or the
    // as-of date (a period wholly after it has no value).
    bool spans = g.grain == Grain::kWeek || g.grain == Grain::kMonth || g.grain == Grain::kQuarter ||
                 g.grain == Grain::kYear;
    std::string rows = fmt::format("SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM {} AS q", periods);
    std::string grid = Cte("grid", spans ? WithSpans(rows, {"rid", "p"}, g.grain, g.from_day, g.to_day) : rows);
    Frame fr;
    fr.name = grid;
    Ctx c{g.grain, "f.p", "f.p", false};
    Ctx period = c;  // the whole period (a partial period's target is the whole period's)
    if (spans) c.clo = "f.sf", c.chi = "f.sl";
    MV value = M(g.value, c, &fr);
    MV target{"NULL", MV::K::kNull, 0};
    Ctx whole{g.grain, lo, hi, false};
    // A relative target of a zero base is no target (engine NoZeroBase),
    // phased or not.
    auto no_zero_base = [&](MV t) {
      if (g.target_relative && !plan::LowerIsBetter(g.cmp) && t.k != MV::K::kNull) {
        t.sql = fmt::format("NULLIF({}, 0)", t.sql);
        t.chain = {};
      }
      return t;
    };
    // A target that reads days after the as-of date is not known yet
    // (engine TargetOf): a period's wholly after it, or a phased total.
    std::string past, past_after;
    // A phased target spreads the whole over the periods counted by their
    // shares of days in the goal's window (engine: the periods' phased
    // targets); only the first and the last can be cut.
    const int64_t plo = rt::PeriodOf(g.grain, g.from_day, p_.calendar), phi = rt::PeriodOf(g.grain, g.to_day - 1, p_.calendar);
    const double s_first = plan::WindowShare(g.grain, plo, g.from_day, g.to_day, p_.calendar),
                 s_last = plan::WindowShare(g.grain, phi, g.from_day, g.to_day, p_.calendar);
    const bool cut = s_first < 1 || s_last < 1;
    if (g.target >= 0 && g.phasing == plan::Phasing::kNone && g.target_grain) {
      // At another grain than the goal's own: each period's target adds up
      // the goal's periods it covers (plan::TargetGrainFactor).
      MV each = AsValue(Known(g.target, period, &fr, &past_after));
      std::map<double, std::vector<std::string>> days_of;
      bool whole_numbers = true;
      for (int64_t q = plo; q <= phi; ++q) {
        double f = plan::TargetGrainFactor(g, q, p_.calendar);
        whole_numbers &= f == std::floor(f);
        days_of[f].push_back(DateLit(rt::PeriodStart(g.grain, q, p_.calendar)));
      }
      std::string factor = "CASE";
      for (const auto& [f, days] : days_of)
        factor += fmt::format(" WHEN f.p IN ({}) THEN {}", fmt::join(days, ", "),
                              whole_numbers ? fmt::format("{}", static_cast<int64_t>(f)) : FloatLit(f));
      factor += " END";
      target = whole_numbers && each.k != MV::K::kFloat ? MV{fmt::format("({} * {})", each.sql, factor), each.k, each.scale}
                                                        : MV{fmt::format("({} * {})", Dbl(each), factor), MV::K::kFloat, 0};
    } else if (g.target >= 0 && g.phasing == plan::Phasing::kNone) {
      target = no_zero_base(Known(g.target, period, &fr, &past_after));
    } else if (g.target >= 0 && g.phasing == plan::Phasing::kEven) {
      std::string periods_counted =
          cut ? FloatLit(phi == plo ? s_first : static_cast<double>(phi - plo - 1) + s_first + s_last)
              : fmt::format("NULLIF(CAST((SELECT COUNT(*) FROM {}) AS {}), 0)", periods, d_.dbl);
      target = {fmt::format("({} / {})", Dbl(no_zero_base(AsValue(Known(g.target, whole, &fr, &past)))), periods_counted),
                MV::K::kFloat, 0};
    } else if (g.target >= 0 && g.phasing == plan::Phasing::kLastYear) {
      MV total = no_zero_base(AsValue(Known(g.target, whole, &fr, &past))),
         ly = AsValue(Known(g.last_year, period, &fr, &past)), ly_total = AsValue(Known(g.last_year, whole, &fr, &past));
      std::string ly_sum = Dbl(ly_total);
      if (cut) {
        // Last year's periods by their shares: the cut ones' parts less.
        Ctx first{g.grain, lo, lo, false}, last{g.grain, hi, hi, false};
        if (s_first < 1)
          ly_sum = fmt::format("({} - {} * COALESCE({}, 0))", ly_sum, FloatLit(1 - s_first),
                               Dbl(AsValue(Known(g.last_year, first, &fr, &past))));
        if (s_last < 1 && phi > plo)
          ly_sum = fmt::format("({} - {} * COALESCE({}, 0))", ly_sum, FloatLit(1 - s_last),
                               Dbl(AsValue(Known(g.last_year, last, &fr, &past))));
      }
      target = {fmt::format("({} * ({} / NULLIF({}, 0)))", Dbl(total), Dbl(ly), ly_sum), MV::K::kFloat, 0};
    }
    std::string joins;
    for (const auto& j : fr.joins) joins += fmt::format("\nLEFT JOIN {0} ON {0}.rid = f.rid", j);
    // A day is never partial, but may be wholly after the as-of date.
    const bool day = g.grain == Grain::kDay;
    if (!past.empty() || !past_after.empty() || day) joins += fmt::format("\nCROSS JOIN {} AS ao", AsOf());
    std::string head =
        fmt::format("-- kpic sql --dialect {}: goal {} ({}) per {}, {} to {}\n", d_.name, g.name, g.metric,
                    rt::GrainName(g.grain), rt::FormatDate(g.from_day), rt::FormatDate(g.to_day));
    head += "-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a "
            "period cut by the as-of date.\n";
    if (p_.as_of_day) head += fmt::format("-- data as of {} (--as-of)\n", rt::FormatDate(*p_.as_of_day));
    // kpic run spreads a budget's row over the days of its plan period
    // (engine Evaluator::Spread); here it counts in the period of its day.
    for (const std::string& src : g.target_sources)
      for (const plan::Scan& sc : p_.scans)
        if (sc.source == src && sc.plans_only) {
          head += fmt::format("-- the target's source {} holds plans: here a row counts in the {} of its day; kpic "
                              "run spreads each row over the days of its plan period (a month's budget over the "
                              "weeks it meets), which agrees when every {} is made of whole plan periods\n",
                              src.substr(src.find(':') + 1), rt::GrainName(g.grain), rt::GrainName(g.grain));
          break;
        }
    std::string out_value = Output(value), out_target = Output(target), partial = PartialText(spans);
    // A period wholly after the as-of date: no value yet, its whole target
    // (when known), not partial.
    if (spans || day) {
      std::string after = spans ? "f.sf > f.sl" : "f.p > ao.d";
      out_value = fmt::format("CASE WHEN {} THEN NULL ELSE {} END", after, out_value);
      if (spans) partial = fmt::format("CASE WHEN {} THEN NULL ELSE {} END", after, partial);
      if (!past_after.empty()) past = fmt::format("{} AND ({})", after, past_after);
    }
    if (!past.empty()) out_target = fmt::format("CASE WHEN {} THEN NULL ELSE {} END", past, out_target);
    return head + Assemble(fmt::format(
                      "SELECT\n  f.p AS {},\n  {} AS {},\n  {} AS {},\n  {} AS {}\nFROM {} AS f{}\nORDER BY f.rid",
                      Q("period"), out_value, Q("value"), out_target, Q("target"), partial, Q("partial"),
                      grid, joins));
  }

  ScanSql States(size_t s) const {
    ScanSql out;
    out.groups = ScanGroupsSql(s, false);
    out.groups = out.groups.substr(out.groups.find('\n') + 3);  // drop the comment line
    out.values.resize(p_.scans[s].aggs.size());
    for (size_t a = 0; a < p_.scans[s].aggs.size(); ++a)
      if (FloatMoments(p_.scans[s], p_.scans[s].aggs[a])) {
        out.values[a] = MomentsStatesSql(s, a);
      } else if (ValuesAgg(p_.scans[s].aggs[a].fn)) {
        out.values[a] = ScanValuesSql(s, a);
        out.values[a] = out.values[a].substr(out.values[a].find('\n') + 3);
      }
    return out;
  }

 private:
  struct CteText {
    std::string name, body;
    bool raw;
  };
  const plan::Plan& p_;
  const Options& o_;
  const Dialect& d_;
  std::vector<CteText> ctes_;
  std::map<std::string, std::string> memo_;
  std::map<std::string, int> counter_;
  std::vector<int> scan_cte_;
  std::vector<std::set<size_t>> needs_n_;
  std::vector<std::vector<int>> values_cte_;
  std::string as_of_;
  std::map<std::string, std::string> dr_of_;  ///< DataDaysOf per set of scans
  std::vector<std::string>* reach_ = nullptr;  ///< Known's reads, while it runs
  const Frame* reach_frame_ = nullptr;         ///< Known's frame
  struct LeafGroup {
    std::string frame, src, on;
    bool shifted = false;  ///< stddev, variance: the values of a row with their shift
    size_t cte = 0;
    std::vector<std::string> exprs, comments;
  };
  std::map<std::string, LeafGroup> leaf_groups_;
};

}  // namespace

std::string EmitMetrics(const plan::Plan& p, const Options& o) { return Emitter(p, o).Metrics(); }

std::string EmitGoal(const plan::Plan& p, size_t goal, const Options& o) { return Emitter(p, o).Goal(goal); }

ScanSql EmitScanStates(const plan::Plan& p, size_t scan, const Options& o) { return Emitter(p, o).States(scan); }

}  // namespace kpic::sql
