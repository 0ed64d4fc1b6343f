// Post-aggregation: metric expressions evaluated per output row from the
// scans' aggregate states. An aggregate leaf over a range of periods merges
// the states of the groups in that range, so ratios, distinct counts and
// medians are recomputed from their parts at every grain and window, never
// averaged.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "datetime.h"
#include "decimal.h"
#include "engine/engine.h"
#include "hugepages.h"

namespace kpic::engine {

using builtins::Fn;
using plan::MNode;
using rt::Grain;

namespace {

/// Why a goal has no forecast (GoalOutlook::why), where W0709 says it in
/// Chinese too.
constexpr const char* kBeginsLater = "the goal's period begins more than one period after the as-of date";
constexpr const char* kNoDataYet = "there is no data up to the as-of date";

/// `round(x, n)` of a double: the number as written (its shortest
/// round-trip decimal, 1.005) rounded half away from zero to n places, as
/// PostgreSQL's `ROUND(CAST(CAST(x AS TEXT) AS NUMERIC), n)` does. Scaling
/// by 10^n in doubles rounded 1.005 to 1.00 but 2.675 to 2.68, and the SQL
/// of `kpic sql` gave 1.01 (engine probe, 2026-12-07).
double RoundShortest(double x, int digits) {
  if (!std::isfinite(x)) return x;
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed);
  if (res.ec != std::errc()) return x;
  std::string s(buf, res.ptr);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.erase(0, 1);
  size_t dot = s.find('.');
  std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (frac.size() <= static_cast<size_t>(digits)) return x;
  std::string kept = whole + frac.substr(0, static_cast<size_t>(digits));
  if (frac[static_cast<size_t>(digits)] >= '5') {
    size_t k = kept.size();
    while (k > 0 && kept[k - 1] == '9') kept[--k] = '0';
    if (k == 0) kept.insert(kept.begin(), '1');
    else ++kept[k - 1];
  }
  size_t int_len = kept.size() - static_cast<size_t>(digits);
  std::string text = (neg ? "-" : "") + kept.substr(0, int_len) + (digits > 0 ? "." + kept.substr(int_len) : "");
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out == 0 ? 0.0 : out;  // never -0
}

int Months(Grain g) { return g == Grain::kMonth ? 1 : g == Grain::kQuarter ? 3 : g == Grain::kYear ? 12 : 0; }
int MonthsOf(Grain g) { return Months(g); }

int32_t ShiftDayByMonths(int32_t day, int months) {
  int y, m, d;
  rt::CivilFromDays(day, &y, &m, &d);
  int64_t total = int64_t{y} * 12 + (m - 1) - months;
  int ny = static_cast<int>(total >= 0 ? total / 12 : (total - 11) / 12);
  int nm = static_cast<int>(total - int64_t{ny} * 12) + 1;
  // The same day of the month, or the month's last (Mar 31 -> Feb 28),
  // in any year: shifting 9999-12 forward steps into 10000.
  return rt::DaysFromCivilAny(ny, nm, std::min(d, rt::DaysInMonth(ny, nm)));
}

/// Monday-to-Friday days in [0, x) counted from a Monday (day -3, 1969-12-29).
int64_t WeekdaysBefore(int64_t x) {
  int64_t k = x + 3;
  int64_t w = k >= 0 ? k / 7 : -((-k + 6) / 7);
  return w * 5 + std::min<int64_t>(k - w * 7, 5);
}

/// A retail calendar's `last_year` of a day: the same day of the same
/// fiscal week a year earlier (none for the days of a 53rd week).
std::optional<int32_t> RetailDayLastYear(int32_t day, const rt::Calendar& cal) {
  int64_t y = rt::RetailYearOf(day, cal);
  int32_t offset = day - rt::RetailYearStart(y, cal);
  if (offset >= 364) return std::nullopt;
  return rt::RetailYearStart(y - 1, cal) + offset;
}

}  // namespace

int64_t WorkDays::Count(int32_t lo, int32_t hi) const {
  if (hi < lo) return 0;
  int64_t n = WeekdaysBefore(int64_t{hi} + 1) - WeekdaysBefore(lo);
  for (auto it = std::lower_bound(day.begin(), day.end(), lo); it != day.end() && *it <= hi; ++it) {
    int wd = static_cast<int>(((int64_t{*it} + 3) % 7 + 7) % 7);  // Monday = 0
    bool weekday = wd < 5;
    bool w = worked[static_cast<size_t>(it - day.begin())] != 0;
    n += static_cast<int64_t>(w) - static_cast<int64_t>(weekday);
  }
  return n;
}

namespace {

/// A member's groups by period, in a sorted vector (the map it replaced
/// cost a cache miss per node on every lookup): one group per period.
class Periods {
 public:
  using Entry = std::pair<int64_t, uint32_t>;
  using const_iterator = std::vector<Entry>::const_iterator;
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  const_iterator lower_bound(int64_t p) const {
    return std::lower_bound(v_.begin(), v_.end(), p, [](const Entry& e, int64_t x) { return e.first < x; });
  }
  const_iterator find(int64_t p) const {
    auto it = lower_bound(p);
    return it != v_.end() && it->first == p ? it : v_.end();
  }
  void Add(int64_t p, uint32_t g) { v_.emplace_back(p, g); }
  /// Sorts by period; of two groups of one period, the later one stays.
  void Seal() {
    std::stable_sort(v_.begin(), v_.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
    size_t out = 0;
    for (size_t i = 0; i < v_.size(); ++i) {
      if (i + 1 < v_.size() && v_[i + 1].first == v_[i].first) continue;
      v_[out++] = v_[i];
    }
    v_.resize(out);
  }

 private:
  std::vector<Entry> v_;
};

class Evaluator {
 public:
  /// The goal being evaluated has a target that is a number for each whole
  /// period although it reads metrics (ReadProRata): a period cut by the
  /// as-of date or the goal's bounds takes it pro rata.
  bool target_pro_rata = false;
  /// A budget's rows (a scan of a source that only goals' targets read)
  /// each hold a plan for a whole period of grain `g` that starts on the
  /// row's day (a month's budget dated the 1st): over days that cover a
  /// part of such a period, a sum or count takes the part's share of days.
  struct Spread {
    Grain g = Grain::kDay;
    const rt::Calendar* cal = nullptr;
  };
  void SetSpread(int scan, Spread s) {
    spread_.resize(r_.size());
    spread_[static_cast<size_t>(scan)] = s;
  }
  bool Spreads(int scan) const {
    return static_cast<size_t>(scan) < spread_.size() && spread_[static_cast<size_t>(scan)].has_value();
  }

  Evaluator(const plan::Plan& p, const std::vector<ScanResult>& r, const std::vector<RateTable>& rates,
            const WorkDays* work)
      : p_(p), r_(r), rates_(rates), work_(work) {
    idx_.resize(r.size());
    found_.resize(r.size());
    period_bounds_.resize(r.size());
    lookup_.resize(r.size());
    for (size_t s = 0; s < r.size(); ++s) {
      for (uint32_t g = 0; g < r[s].period.size(); ++g) {
        auto [at, fresh] = lookup_[s].try_emplace(r[s].dims[g]);
        if (fresh) at->second = idx_[s].try_emplace(r[s].dims[g]).first;
        const_cast<Periods&>(at->second->second).Add(r[s].period[g], g);
      }
      for (auto& [dims, periods] : idx_[s]) periods.Seal();
      if (!r[s].period.empty()) {
        auto [lo, hi] = std::minmax_element(r[s].period.begin(), r[s].period.end());
        period_bounds_[s] = {*lo, *hi};
      }
      Grain gr = p.scans[s].grain;
      if (gr == Grain::kAll || r[s].period.empty()) continue;
      auto [mn, mx] = std::minmax_element(r[s].period.begin(), r[s].period.end());
      min_day_ = std::min(min_day_, rt::PeriodStart(gr, *mn, p.calendar));
      max_day_ = std::max(max_day_, rt::PeriodEnd(gr, *mx, p.calendar) - 1);
    }
  }

  struct Ctx {
    Grain g = Grain::kAll;
    int64_t lo = 0, hi = 0;          ///< inclusive ordinals at g
    const DimTuple* dims = nullptr;  ///< nullptr: every member (totals)
    /// Inside `avg(m by day, store)`: the members of the added dimensions,
    /// which follow the breakdown's in the scans under it.
    DimTuple extra = {};
    /// A partial period's span (inclusive days): only these days of the
    /// periods count. Period operators move it with the periods, so that a
    /// partial period is compared with the same span of the other.
    int32_t clo = INT32_MIN, chi = INT32_MAX;
    bool Clipped() const { return clo != INT32_MIN || chi != INT32_MAX; }
    /// `forecast.FIELD` in a goal's alert: the outlook of the goal or member.
    const std::array<double, 6>* forecast = nullptr;
    /// `m.target` where the goal's loop gives it (plan kGoalTarget): a
    /// phased goal's target over this context's periods and days, or in
    /// an alert on the forecast the target the forecast is compared with.
    /// Null where none is set.
    const std::function<Val(const Ctx&)>* goal_target = nullptr;
    /// `m.target` in an alert on the forecast (plan kForecastTarget).
    const Val* forecast_target = nullptr;
  };

  /// The first day with rows in any scan (INT32_MAX when none).
  int32_t FirstDay() const { return min_day_; }

  /// Whether an aggregate was not a finite number (and so null) since the
  /// last call.
  bool TakeNonFinite() { return std::exchange(nonfinite_, false); }

  /// The run's as-of date (EvalKnown).
  void SetAsOf(std::optional<int32_t> as_of) { as_of_ = as_of; }
  /// Whether period p of grain g begins after the as-of date.
  bool After(Grain g, int64_t p) const {
    return g != Grain::kAll && as_of_ && rt::PeriodStart(g, p, p_.calendar) > *as_of_;
  }
  /// Eval, or EvalKnown when `known`.
  Val EvalIf(bool known, int node, const Ctx& c) { return known ? EvalKnown(node, c) : Eval(node, c); }
  /// Evaluates `node` in `c`, null when it reads the days of a timed
  /// source after the as-of date (which the data does not have yet).
  Val EvalKnown(int node, const Ctx& c) {
    if (!as_of_) return Eval(node, c);
    guard_ = as_of_;
    past_ = false;
    Val v = Eval(node, c);
    guard_.reset();
    return past_ ? Val::Null() : v;
  }

  /// The context `w` (c moved by a period operator) with c's span moved
  /// alike: by calendar months (`months`, when not 0), else by the days
  /// between the two windows' first days.
  Ctx MoveSpan(const Ctx& c, Ctx w, int months) const {
    w.clo = c.clo, w.chi = c.chi;
    if (!c.Clipped() || c.g == Grain::kAll) return w;
    if (months != 0 && !p_.calendar.Retail()) {
      if (w.clo != INT32_MIN) w.clo = ShiftDayByMonths(w.clo, months);
      if (w.chi != INT32_MAX) w.chi = ShiftDayByMonths(w.chi, months);
      return w;
    }
    int64_t delta = int64_t{rt::PeriodStart(w.g, w.lo, p_.calendar)} - rt::PeriodStart(c.g, c.lo, p_.calendar);
    if (w.clo != INT32_MIN) w.clo = static_cast<int32_t>(w.clo + delta);
    if (w.chi != INT32_MAX) w.chi = static_cast<int32_t>(w.chi + delta);
    return w;
  }

  /// The days of the window (--from, --to and the as-of date), inclusive;
  /// INT32_MIN / INT32_MAX where a side is open.
  std::pair<int32_t, int32_t> WindowDays() const {
    int32_t lo = p_.from_day ? *p_.from_day : INT32_MIN, hi = p_.to_day ? *p_.to_day - 1 : INT32_MAX;
    if (as_of_) hi = std::min(hi, *as_of_);
    return {lo, hi};
  }

  /// Over all time, the days whose rows make members: --from, --to and
  /// --as-of as given (`kpic sql` bounds them alike).
  std::pair<int32_t, int32_t> MemberDays() const {
    int32_t lo = p_.from_day ? *p_.from_day : INT32_MIN, hi = p_.to_day ? *p_.to_day - 1 : INT32_MAX;
    if (p_.as_of_day) hi = std::min(hi, *p_.as_of_day);
    return {lo, hi};
  }

  /// The first and last day of the context's periods, within its span.
  std::pair<int64_t, int64_t> Days(const Ctx& c) const {
    int64_t lo = rt::PeriodStart(c.g, c.lo, p_.calendar), hi = int64_t{rt::PeriodEnd(c.g, c.hi, p_.calendar)} - 1;
    return {std::max<int64_t>(lo, c.clo), std::min<int64_t>(hi, c.chi)};
  }

  Val Eval(int id, const Ctx& c) {
    const MNode& n = p_.mnodes[id];
    using O = MNode::Op;
    auto arg = [&](size_t k) { return Eval(n.args[k], c); };
    switch (n.op) {
      case O::kAgg: {
        // A float aggregate that left the range of a double (a sum of
        // 1e308s) is null, as in every output; the caller warns (W0710).
        Val v = Leaf(n, c);
        if (v.kind != Val::Kind::kFloat || std::isfinite(v.f)) return v;
        nonfinite_ = true;
        return Val::Null();
      }
      case O::kConst:
        return n.is_float ? Val::Float(n.f) : n.scale == 0 ? Val::Int(n.i) : Val::Dec(n.i, n.scale);
      case O::kNull:
        return Val::Null();
      case O::kNeg:
        return Neg(arg(0));
      case O::kAdd:
        return Add(arg(0), arg(1));
      case O::kSub:
        return Sub(arg(0), arg(1));
      case O::kMul:
        return Mul(arg(0), arg(1));
      case O::kDiv:
        return Div(arg(0), arg(1));
      case O::kAbs: {
        Val v = arg(0);
        return !v.null() && (v.exact() ? v.i < 0 : v.f < 0) ? Neg(v) : v;
      }
      case O::kRound:
        return Round(arg(0), static_cast<int>(n.count));
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe: {
        Val a = arg(0), b = arg(1);
        if (a.null() || b.null()) return Val::Null();
        int k = Compare(a, b);
        bool r = n.op == O::kEq   ? k == 0
                 : n.op == O::kNe ? k != 0
                 : n.op == O::kLt ? k < 0
                 : n.op == O::kLe ? k <= 0
                 : n.op == O::kGt ? k > 0
                                  : k >= 0;
        return Val::Int(r);
      }
      case O::kAnd: {
        Val a = arg(0);
        if (!a.null() && !Truthy(a)) return Val::Int(0);
        Val b = arg(1);
        if (!b.null() && !Truthy(b)) return Val::Int(0);
        return a.null() || b.null() ? Val::Null() : Val::Int(1);
      }
      case O::kOr: {
        Val a = arg(0);
        if (Truthy(a)) return Val::Int(1);
        Val b = arg(1);
        if (Truthy(b)) return Val::Int(1);
        return a.null() || b.null() ? Val::Null() : Val::Int(0);
      }
      case O::kNot: {
        Val a = arg(0);
        return a.null() ? a : Val::Int(!Truthy(a));
      }
      case O::kIf: {
        Val cnd = arg(0);
        return Truthy(cnd) ? arg(1) : arg(2);
      }
      case O::kCoalesce:
        for (size_t k = 0; k < n.args.size(); ++k) {
          Val v = arg(k);
          if (!v.null()) return v;
        }
        return Val::Null();
      case O::kShift:
        return Shift(n, c);
      case O::kShiftDays: {
        if (c.g == Grain::kAll) return Val::Null();
        Ctx w = c;
        if (w.clo != INT32_MIN) w.clo = static_cast<int32_t>(w.clo - n.count);
        if (w.chi != INT32_MAX) w.chi = static_cast<int32_t>(w.chi - n.count);
        if (c.g == Grain::kDay) {
          w.lo -= n.count, w.hi -= n.count;
        } else if (c.g == Grain::kWeek && n.count % 7 == 0) {
          w.lo -= n.count / 7, w.hi -= n.count / 7;
        } else {  // the period's days, moved (the argument is read by day)
          auto [dlo, dhi] = Days(c);
          w.g = Grain::kDay;
          w.lo = dlo - n.count;
          w.hi = dhi - n.count;
        }
        return Eval(n.args[0], w);
      }
      case O::kWorkingDays:
        return WorkingDays(n, c);
      case O::kGoalTarget:
        return c.goal_target ? (*c.goal_target)(c) : Val::Null();
      case O::kForecastTarget:
        return c.forecast_target ? *c.forecast_target : Val::Null();
      case O::kForecast: {
        if (!c.forecast) return Val::Null();
        double v = (*c.forecast)[static_cast<size_t>(n.count)];
        return std::isfinite(v) ? Val::Float(v) : Val::Null();
      }
      case O::kToDate: {
        if (c.g == Grain::kAll) return arg(0);
        Ctx w = c;
        int32_t start = rt::PeriodStart(c.g, c.lo, p_.calendar);
        int32_t from = rt::PeriodStart(n.grain, rt::PeriodOf(n.grain, start, p_.calendar), p_.calendar);
        w.lo = rt::PeriodOf(c.g, from, p_.calendar);
        w.clo = INT32_MIN;  // from the start of the enclosing period, to the end of this span
        return Eval(n.args[0], w);
      }
      case O::kRolling: {
        if (c.g == Grain::kAll) return Val::Null();
        Ctx w = c;
        w.clo = INT32_MIN;  // the whole periods before, and this span
        if (n.grain != c.g) {
          int64_t last = std::min<int64_t>(int64_t{rt::PeriodEnd(c.g, c.hi, p_.calendar)} - 1, c.chi);
          int64_t end = rt::PeriodOf(n.grain, static_cast<int32_t>(last), p_.calendar);
          w.g = n.grain;
          w.hi = end;
        }
        // No period starts before 0001-01-01: a window of 999999999 months
        // reached ordinals whose first days overflowed 32 bits (every
        // period read 0.00) and visited each (hang probe, 2026-12-07).
        // (Compared without forming w.hi - count, which wraps for a count
        // near 2^63: review, 2026-12-07.)
        const int64_t floor = rt::PeriodOf(w.g, rt::kFirstDay, p_.calendar);
        w.lo = w.hi < floor || n.count > w.hi - floor ? floor : w.hi - n.count + 1;
        return Eval(n.args[0], w);
      }
      case O::kReagg:
        return Reagg(n, c);
      case O::kRollup:
        return Rollup(n, c);
      case O::kConvert:
        return Convert(n, c);
      case O::kZScore: {
        // Distance from the recent trend: in sample standard deviations of
        // the N periods before this one (nulls skipped; at least two).
        if (c.g == Grain::kAll) return Val::Null();
        Val now = arg(0);
        if (now.null()) return now;
        std::vector<double> xs;
        for (int64_t k = 1; k <= n.count; ++k) {
          Ctx w = c;
          w.lo -= k;
          w.hi -= k;
          w = MoveSpan(c, w, Months(c.g) * static_cast<int>(k));
          Val v = Eval(n.args[0], w);
          if (!v.null()) xs.push_back(v.AsDouble());
        }
        if (xs.size() < 2) return Val::Null();
        double mean = 0;
        for (double x : xs) mean += x;
        mean /= static_cast<double>(xs.size());
        double ss = 0;
        for (double x : xs) ss += (x - mean) * (x - mean);
        double sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
        if (sd == 0) return Val::Null();
        return Val::Float((now.AsDouble() - mean) / sd);
      }
      case O::kShare: {
        Val part = arg(0);
        Ctx total = c;
        total.dims = nullptr;
        total.extra.clear();
        return Div(part, Eval(n.args[0], total));
      }
    }
    return Val::Null();
  }

  /// Whether any of the scans has rows in the period range (at grain g).
  bool HasData(const std::vector<int>& scans, Grain g, int64_t lo, int64_t hi, int32_t clo = INT32_MIN,
               int32_t chi = INT32_MAX) const {
    for (int s : scans) {
      auto [blo, bhi] = Range(s, Ctx{g, lo, hi, nullptr, {}, clo, chi});
      for (size_t k = 0; k < r_[s].period.size(); ++k)
        if (r_[s].period[k] >= blo && r_[s].period[k] <= bhi && r_[s].rows[k] > 0) return true;
    }
    return false;
  }

  /// Dimension tuples seen in the scans within the period range (their
  /// first `ndims` members: a scan under `avg(m by day, store)` has more).
  std::vector<DimTuple> Tuples(const std::vector<int>& scans, Grain g, int64_t lo, int64_t hi, bool all,
                               size_t ndims, int32_t clo = INT32_MIN, int32_t chi = INT32_MAX) const {
    std::vector<DimTuple> out;
    for (int s : scans) {
      auto [blo, bhi] =
          all ? std::pair<int64_t, int64_t>{INT64_MIN, INT64_MAX} : Range(s, Ctx{g, lo, hi, nullptr, {}, clo, chi});
      // Over all time within a window: the members with rows in it. A scan
      // by day (a balance, a re-aggregation by week) reads outside the
      // window, and listed a store whose rows all lay outside it.
      if (all && !MemberOrdinals(s, &blo, &bhi)) continue;
      for (const auto& [dims, periods] : idx_[s]) {
        auto it = periods.lower_bound(blo);
        if (it != periods.end() && it->first <= bhi)
          out.push_back(dims.size() > ndims ? DimTuple(dims.begin(), dims.begin() + static_cast<long>(ndims)) : dims);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// The data's period range at grain g over the scans, or false when empty.
  bool DataRange(const std::vector<int>& scans, Grain g, int64_t* lo, int64_t* hi) const {
    bool any = false;
    for (int s : scans) {
      Grain sg = p_.scans[s].grain;
      // Periods map to periods in order: the first and last suffice.
      for (int64_t o : period_bounds_[static_cast<size_t>(s)]) {
        int64_t a = sg == Grain::kAll ? 0 : rt::PeriodOf(g, rt::PeriodStart(sg, o, p_.calendar), p_.calendar);
        int64_t b = sg == Grain::kAll ? 0 : rt::PeriodOf(g, rt::PeriodEnd(sg, o, p_.calendar) - 1, p_.calendar);
        if (!any || a < *lo) *lo = a;
        if (!any || b > *hi) *hi = b;
        any = true;
      }
    }
    return any;
  }

 private:
  /// Over all time, narrows [*lo, *hi] to the ordinals of scan s holding
  /// MemberDays (a scan at grain all is filtered while read: unchanged);
  /// false when no day can make a member.
  bool MemberOrdinals(int s, int64_t* lo, int64_t* hi) const {
    Grain b = p_.scans[s].grain;
    if (b == Grain::kAll) return true;
    auto [first, last] = MemberDays();
    if (first > last) return false;
    if (first != INT32_MIN) *lo = rt::PeriodOf(b, first, p_.calendar);
    if (last != INT32_MAX) *hi = rt::PeriodOf(b, last, p_.calendar);
    return true;
  }

  /// The scan's ordinals covering the context's periods.
  std::pair<int64_t, int64_t> Range(int s, const Ctx& c) const {
    Grain b = p_.scans[s].grain;
    if (b == Grain::kAll || c.g == Grain::kAll) return {INT64_MIN, INT64_MAX};
    if (b == c.g && !c.Clipped()) return {c.lo, c.hi};
    auto [first, last] = Days(c);
    if (first > last) return {1, 0};
    return {rt::PeriodOf(b, static_cast<int32_t>(first), p_.calendar),
            rt::PeriodOf(b, static_cast<int32_t>(last), p_.calendar)};
  }

  /// Calls f with the periods of each member of the scan in the context:
  /// its members (or all), followed by the added dimensions' (`extra`).
  template <typename F>
  void ForMembers(int scan, const Ctx& c, F&& f) {
    // A budget's rows after the as-of date are plans, known already.
    if (guard_ && !past_ && c.g != Grain::kAll && p_.scans[scan].grain != Grain::kAll && !p_.scans[scan].plans_only) {
      auto [first, last] = Days(c);
      past_ = first <= last && last > *guard_;
    }
    const auto& index = idx_[scan];
    if (c.dims) {
      if (c.extra.empty()) {
        // The leaves of a row's metrics ask for the same member in turn:
        // the last one found per scan is kept.
        Found& last = found_[static_cast<size_t>(scan)];
        if (!last.key || *last.key != *c.dims) {
          const auto& by_hash = lookup_[static_cast<size_t>(scan)];
          auto it = by_hash.find(*c.dims);
          if (it == by_hash.end()) return;
          last.key = &it->second->first;
          last.periods = &it->second->second;
        }
        f(*last.periods);
        return;
      }
      DimTuple key = *c.dims;
      key.insert(key.end(), c.extra.begin(), c.extra.end());
      if (auto it = index.find(key); it != index.end()) f(it->second);
      return;
    }
    for (const auto& [dims, periods] : index)
      if (c.extra.empty() || (dims.size() >= c.extra.size() &&
                              std::equal(c.extra.begin(), c.extra.end(), dims.end() - static_cast<long>(c.extra.size()))))
        f(periods);
  }

  Val Leaf(const MNode& n, const Ctx& c) {
    if (c.g != Grain::kAll && Spreads(n.scan)) {
      using F = plan::AggSpec::Fn;
      F fn = p_.scans[n.scan].aggs[static_cast<size_t>(n.agg)].fn;
      if (fn == F::kSum || fn == F::kCount || fn == F::kCountRows)
        return SpreadLeaf(n, c, *spread_[static_cast<size_t>(n.scan)]);
    }
    auto [lo, hi] = Range(n.scan, c);
    std::vector<uint32_t>& groups = groups_;  // AggValue does not come back here
    groups.clear();
    ForMembers(n.scan, c, [&](const Periods& periods) {
      if (lo == hi) {  // one period: one group at most
        if (auto it = periods.find(lo); it != periods.end()) groups.push_back(it->second);
        return;
      }
      for (auto it = periods.lower_bound(lo); it != periods.end() && it->first <= hi; ++it)
        groups.push_back(it->second);
    });
    return AggValue(p_.scans[n.scan], n.agg, r_[n.scan], groups);
  }

  /// Leaf over a budget's rows (Spread): each plan period that the
  /// context's days meet adds its value, times the share of its days among
  /// them (exactly, when they are all of them). A week of 26 January to 1
  /// February has 6/31 of January's budget and 1/28 of February's; it had
  /// February's whole budget, and the weeks without a 1st none (goals
  /// probe, 2026-12-07).
  Val SpreadLeaf(const MNode& n, const Ctx& c, const Spread& sp) {
    std::vector<uint32_t>& groups = groups_;
    groups.clear();
    Val total = AggValue(p_.scans[n.scan], n.agg, r_[n.scan], groups);  // zero of the aggregate's type
    auto [first, last] = Days(c);
    if (first > last) return total;
    for (int64_t q = rt::PeriodOf(sp.g, static_cast<int32_t>(first), *sp.cal),
                 q1 = rt::PeriodOf(sp.g, static_cast<int32_t>(last), *sp.cal);
         q <= q1; ++q) {
      int64_t qs = rt::PeriodStart(sp.g, q, *sp.cal), qe = rt::PeriodEnd(sp.g, q, *sp.cal);  // [qs, qe)
      groups.clear();
      ForMembers(n.scan, c, [&](const Periods& periods) {
        for (auto it = periods.lower_bound(qs); it != periods.end() && it->first < qe; ++it) groups.push_back(it->second);
      });
      if (groups.empty()) continue;
      Val v = AggValue(p_.scans[n.scan], n.agg, r_[n.scan], groups);
      int64_t a = std::max(first, qs), b = std::min(last, qe - 1);
      if (a == qs && b == qe - 1)
        total = Add(total, v);
      else
        total = Add(total, Mul(v, Val::Float(static_cast<double>(b - a + 1) / static_cast<double>(qe - qs))));
    }
    return total;
  }

  Val Shift(const MNode& n, const Ctx& c) {
    if (c.g == Grain::kAll) return Val::Null();
    Ctx w = c;
    if (p_.calendar.Retail() && n.grain == Grain::kYear && (c.g == Grain::kDay || c.g == Grain::kWeek)) {
      // A retail year has 52 or 53 weeks: the same fiscal week (and day of
      // it) a year earlier; a 53rd week compares with nothing. A window
      // starting in a 53rd week is compared from the start of that year
      // (where the next year's first day compares), one ending in it up to
      // the last day of the year before (where the 52nd week compares).
      const rt::Calendar& cal = p_.calendar;
      bool week = c.g == Grain::kWeek;
      int32_t lo = week ? rt::PeriodStart(Grain::kWeek, c.lo, cal) : static_cast<int32_t>(c.lo);
      int32_t hi = week ? rt::PeriodStart(Grain::kWeek, c.hi, cal) : static_cast<int32_t>(c.hi);
      auto a = RetailDayLastYear(lo, cal), b = RetailDayLastYear(hi, cal);
      if (c.lo == c.hi && !a) return Val::Null();
      if (!a) a = rt::RetailYearStart(rt::RetailYearOf(lo, cal), cal);
      if (!b) b = rt::RetailYearStart(rt::RetailYearOf(hi, cal), cal) - (week ? 7 : 1);
      w.lo = week ? rt::PeriodOf(Grain::kWeek, *a, cal) : *a;
      w.hi = week ? rt::PeriodOf(Grain::kWeek, *b, cal) : *b;
      if (w.hi < w.lo) return Val::Null();
      return Eval(n.args[0], MoveSpan(c, w, 0));
    }
    int64_t k = 1;
    if (n.grain != c.g) {
      if (Months(n.grain) && Months(c.g)) {
        k = Months(n.grain) / Months(c.g);
      } else if (c.g == Grain::kDay && Months(n.grain)) {
        // Days shift by calendar months (29 February goes to the 28th).
        w.lo = ShiftDayByMonths(static_cast<int32_t>(c.lo), Months(n.grain));
        w.hi = ShiftDayByMonths(static_cast<int32_t>(c.hi), Months(n.grain));
        return Eval(n.args[0], MoveSpan(c, w, Months(n.grain)));
      } else if (c.g == Grain::kWeek) {
        k = n.grain == Grain::kYear ? 52 : n.grain == Grain::kQuarter ? 13 : 4;
      } else if (c.g == Grain::kDay && n.grain == Grain::kWeek) {
        k = 7;
      }
    }
    w.lo -= k;
    w.hi -= k;
    return Eval(n.args[0], MoveSpan(c, w, Months(c.g) * static_cast<int>(k)));
  }

  /// Folds the values of a re-aggregation's cells: nulls are skipped.
  struct Fold {
    Fn fn;
    Val zero;  ///< a sum of nothing
    Val acc, last;
    int64_t count = 0;
    void Add(const Val& v) {
      if (v.null()) return;
      last = v;
      ++count;
      if (acc.null()) {
        acc = v;
      } else if (fn == Fn::kReaggSum || fn == Fn::kReaggAvg) {
        acc = engine::Add(acc, v);
      } else if (fn == Fn::kReaggMin) {
        if (Compare(v, acc) < 0) acc = v;
      } else if (fn == Fn::kReaggMax) {
        if (Compare(v, acc) > 0) acc = v;
      }
    }
    Val Result() const {
      if (fn == Fn::kReaggLast) return last;
      if (fn == Fn::kReaggAvg) return count ? Div(acc, Val::Int(count)) : Val::Null();
      if (fn == Fn::kReaggSum && acc.null()) return zero;
      return acc;
    }
  };

  const std::vector<int>& ScansUnder(int id) {
    auto [it, fresh] = scans_under_.try_emplace(id);
    if (fresh) it->second = plan::ScansUnder(p_, id);
    return it->second;
  }

  Val Reagg(const MNode& n, const Ctx& c) {
    Fold fold{n.reagg, n.is_float ? Val::Float(0) : n.scale ? Val::Dec(0, n.scale) : Val::Int(0), {}, {}, 0};
    // Over dimensions: the members of the added dimensions seen (in the
    // scans under the argument) in this row's periods and members.
    std::set<DimTuple> members;
    if (!n.by.empty()) {
      size_t k0 = n.outer, k1 = n.outer + n.by.size();
      size_t nd = n.outer - std::min(n.outer, c.extra.size());  // the row's own dimensions
      for (int s : ScansUnder(n.args[0])) {
        auto [blo, bhi] = Range(s, c);
        // Over all time within a window: a member is one with rows in the
        // window (the scan reads outside it, for the periods at its edges),
        // as at any other grain; a store whose rows all lay outside was
        // counted in the average.
        if (c.g == Grain::kAll && !MemberOrdinals(s, &blo, &bhi)) continue;
        for (const auto& [dims, periods] : idx_[s]) {
          if (dims.size() < k1) continue;
          if (c.dims && (c.dims->size() != nd || !std::equal(c.dims->begin(), c.dims->end(), dims.begin()))) continue;
          if (!std::equal(c.extra.begin(), c.extra.end(), dims.begin() + static_cast<long>(nd))) continue;
          auto it = periods.lower_bound(blo);
          if (it == periods.end() || it->first > bhi) continue;
          members.emplace(dims.begin() + static_cast<long>(k0), dims.begin() + static_cast<long>(k1));
        }
      }
      if (n.grain == Grain::kAll) {  // no time split: the row's own periods
        for (const DimTuple& m : members) {
          Ctx w = c;
          w.extra.insert(w.extra.end(), m.begin(), m.end());
          fold.Add(Eval(n.args[0], w));
        }
        return fold.Result();
      }
    }
    int64_t lo = 0, hi = 0;
    int32_t clo = c.clo, chi = c.chi;
    if (c.g == Grain::kAll) {
      // The periods of the scans under the argument: a scan of another
      // output by month stretched them to whole months, and `.avg(week)` of
      // 12 sold in one week read 1.33 (12 over the 9 weeks of two months).
      // Within the window: the scans under a re-aggregation read outside
      // it, and the weeks at its edges count its days only.
      // No periods (no data, or none by the as-of date): what a fold of
      // nothing is, a sum 0 as `sum()` of no rows is (`kpic sql` agrees).
      if (!DataRange(ScansUnder(n.args[0]), n.grain, &lo, &hi)) return fold.Result();
      auto [wlo, whi] = WindowDays();
      if (wlo > whi) return fold.Result();
      if (wlo != INT32_MIN) lo = std::max(lo, rt::PeriodOf(n.grain, wlo, p_.calendar)), clo = wlo;
      if (whi != INT32_MAX) hi = std::min(hi, rt::PeriodOf(n.grain, whi, p_.calendar)), chi = whi;
    } else {
      auto [first, last] = Days(c);
      if (first > last) return fold.Result();
      lo = rt::PeriodOf(n.grain, static_cast<int32_t>(first), p_.calendar);
      hi = rt::PeriodOf(n.grain, static_cast<int32_t>(last), p_.calendar);
    }
    for (int64_t o = lo; o <= hi; ++o) {
      if (n.by.empty()) {
        Ctx w{n.grain, o, o, c.dims, c.extra, clo, chi};
        fold.Add(Eval(n.args[0], w));
        continue;
      }
      for (const DimTuple& m : members) {
        Ctx w{n.grain, o, o, c.dims, c.extra, clo, chi};
        w.extra.insert(w.extra.end(), m.begin(), m.end());
        fold.Add(Eval(n.args[0], w));
      }
    }
    return fold.Result();
  }

  /// A balance over time: the daily sums (across members) on the days that
  /// have rows, combined by the column's rule.
  Val Rollup(const MNode& n, const Ctx& c) {
    int64_t lo, hi;
    if (c.g == Grain::kAll) {
      // Within the window: a balance's daily scan reads the days outside it
      // (`--grain all --to 2026-07-01` read the latest balance).
      auto [wlo, whi] = WindowDays();
      lo = std::max<int64_t>(min_day_, wlo), hi = std::min<int64_t>(max_day_, whi);
      if (lo > hi) return Val::Null();
    } else {
      std::tie(lo, hi) = Days(c);
    }
    const MNode& leaf = p_.mnodes[n.args[0]];
    const engine::AggStates& st = r_[leaf.scan].aggs[leaf.agg];
    // Days with values, in order, each with its groups.
    std::map<int64_t, std::vector<uint32_t>> days;
    ForMembers(leaf.scan, c, [&](const Periods& periods) {
      for (auto it = periods.lower_bound(lo); it != periods.end() && it->first <= hi; ++it)
        if (st.count[it->second] > 0) days[it->first].push_back(it->second);
    });
    if (days.empty()) return Val::Null();
    const plan::Scan& scan = p_.scans[leaf.scan];
    if (n.rollup == plan::Rollup::kLast) return AggValue(scan, leaf.agg, r_[leaf.scan], days.rbegin()->second);
    if (n.rollup == plan::Rollup::kFirst) return AggValue(scan, leaf.agg, r_[leaf.scan], days.begin()->second);
    Val acc;
    for (const auto& [day, groups] : days) {
      Val v = AggValue(scan, leaf.agg, r_[leaf.scan], groups);
      if (acc.null())
        acc = v;
      else if (n.rollup == plan::Rollup::kAvg)
        acc = Add(acc, v);
      else if (n.rollup == plan::Rollup::kMin && Compare(v, acc) < 0)
        acc = v;
      else if (n.rollup == plan::Rollup::kMax && Compare(v, acc) > 0)
        acc = v;
    }
    return n.rollup == plan::Rollup::kAvg ? Div(acc, Val::Int(static_cast<int64_t>(days.size()))) : acc;
  }

  /// The working days of the context's days (clipped to --from/--to
  /// unless under a period operator); at `all`, of the window, which then
  /// needs both --from and --to.
  Val WorkingDays(const MNode& n, const Ctx& c) {
    int64_t lo, hi;
    if (c.g == Grain::kAll) {
      if (!p_.from_day || !p_.to_day) return Val::Null();
      lo = *p_.from_day, hi = *p_.to_day - 1;
    } else {
      std::tie(lo, hi) = Days(c);
      if (n.scale) {
        if (p_.from_day) lo = std::max<int64_t>(lo, *p_.from_day);
        if (p_.to_day) hi = std::min<int64_t>(hi, *p_.to_day - 1);
      }
    }
    static const WorkDays kWeekdays;
    return Val::Int((work_ ? *work_ : kWeekdays).Count(static_cast<int32_t>(lo), static_cast<int32_t>(hi)));
  }

  /// The amount of each day times the rate in effect on that day (the
  /// latest on or before it), summed exactly. A day whose amount is zero
  /// needs no rate.
  Val Convert(const MNode& n, const Ctx& c) {
    const plan::Conversion& cv = p_.conversions[static_cast<size_t>(n.count)];
    if (static_cast<size_t>(n.count) >= rates_.size())
      throw std::logic_error(fmt::format("the rates of `{}` were not read", p_.sources[cv.src].name));
    const RateTable& t = rates_[static_cast<size_t>(n.count)];
    int64_t lo, hi;
    if (c.g == Grain::kAll) {
      lo = min_day_, hi = max_day_;
      if (p_.from_day) lo = std::max<int64_t>(lo, *p_.from_day);
      if (p_.to_day) hi = std::min<int64_t>(hi, *p_.to_day - 1);
    } else {
      std::tie(lo, hi) = Days(c);
    }
    Val acc = Val::Int(0);
    for (int64_t day = lo; day <= hi; ++day) {
      Val v = Eval(n.args[0], Ctx{Grain::kDay, day, day, c.dims});
      if (v.null()) continue;
      if (v.exact() ? v.i == 0 : v.f == 0) continue;
      auto it = std::upper_bound(t.day.begin(), t.day.end(), static_cast<int32_t>(day));
      if (it == t.day.begin())
        throw RateError(fmt::format("no rate from {} to {} (nor from {} to {}) on or before {} in {}", cv.from, cv.to,
                                    cv.to, cv.from, rt::FormatDate(static_cast<int32_t>(day)), t.source));
      __int128 rate = t.rate[static_cast<size_t>(it - t.day.begin() - 1)];
      acc = Add(acc, Mul(v, Val::Dec(rate, plan::kRateScale)));
    }
    return acc;
  }

  static Val Round(Val v, int digits) {
    if (v.null()) return v;
    if (!v.exact()) return Val::Float(RoundShortest(v.f, digits));
    if (v.scale <= digits) return v;
    __int128 p = rt::Pow10(v.scale - digits);
    __int128 q = v.i / p, rem = v.i % p;
    if (rem * 2 >= p) ++q;
    if (rem * 2 <= -p) --q;
    return digits == 0 && v.kind == Val::Kind::kInt ? Val::Int(q) : Val::Dec(q, digits);
  }

  const plan::Plan& p_;
  const std::vector<ScanResult>& r_;
  const std::vector<RateTable>& rates_;
  const WorkDays* work_;
  std::vector<std::map<DimTuple, Periods>> idx_;
  /// Per scan, the member last looked up in idx_ and its periods (null:
  /// none). idx_ does not change after construction.
  struct Found {
    const DimTuple* key = nullptr;  ///< in idx_ (its nodes stay put)
    const Periods* periods = nullptr;
  };
  struct TupleHash {
    size_t operator()(const DimTuple& t) const {
      uint64_t h = 0x9E3779B97F4A7C15ULL;
      for (const DimValue& d : t)
        h = (h ^ (d.null ? 0x5bd1e995ULL : std::hash<std::string>()(d.s) ^ static_cast<uint64_t>(d.i) * 0xC2B2AE3D27D4EB4FULL)) *
            0xBF58476D1CE4E5B9ULL;
      return static_cast<size_t>(h ^ (h >> 31));
    }
  };
  /// idx_'s entries by hash, for lookups (idx_ keeps the members' order).
  std::vector<std::unordered_map<DimTuple, std::map<DimTuple, Periods>::const_iterator, TupleHash>> lookup_;
  std::vector<Found> found_;
  /// Per scan, its smallest and largest period ordinal (none: no groups).
  std::vector<std::vector<int64_t>> period_bounds_;
  std::vector<uint32_t> groups_;
  std::vector<std::optional<Spread>> spread_;  ///< per scan (SetSpread)  ///< Leaf's scratch
  std::map<int, std::vector<int>> scans_under_;
  int32_t min_day_ = INT32_MAX, max_day_ = INT32_MIN;
  bool nonfinite_ = false;  ///< an aggregate was not finite (TakeNonFinite)
  std::optional<int32_t> as_of_;  ///< SetAsOf
  std::optional<int32_t> guard_;  ///< the as-of date, while EvalKnown runs
  bool past_ = false;             ///< a read went past guard_
};

/// A relative target ("1.28 x last year") that is zero has no base to grow
/// from (a store with no sales last year): no target, not one that any
/// value meets. A store opened this year showed "met" every month, and a
/// 100% chance. A zero a value must stay under (`<=`) is a target.
Val NoZeroBase(const plan::GoalPlan& g, Val t) {
  if (g.target_relative && !plan::LowerIsBetter(g.cmp) && !t.null() && t.AsDouble() == 0) return Val::Null();
  return t;
}

/// The goal's (or a member's) target `node` in context `c` (NoZeroBase).
/// With `known`, a target that reads days after the as-of date (a relative
/// target of a base period the data has not finished: as of 2025-12-14,
/// 1.28 times December 2025's first 14 days for December 2026, with no
/// mark) is not known yet: null.
Val TargetOf(Evaluator& ev, const plan::GoalPlan& g, int node, const Evaluator::Ctx& c, bool known = false) {
  return NoZeroBase(g, known ? ev.EvalKnown(node, c) : ev.Eval(node, c));
}

Val Attainment(const plan::GoalPlan& g, const Val& value, const Val& target) {
  return engine::Attainment(plan::LowerIsBetter(g.cmp), value, target);
}

/// `over`: what is judged can no longer change (a period before the as-of
/// date, a goal whose periods are all over): it met its target or missed
/// it. "At risk" is for what is still running: a January at 97.9% of its
/// target, long closed, read "at risk" (reader's probe, 2026-12-07).
std::string StatusOf(const plan::GoalPlan& g, const GoalPeriod& gp, double* attainment, bool* has_att,
                     bool over) {
  *has_att = false;
  if (!gp.has_data || gp.value.null()) return "no_data";
  // A value with no target to compare (none declared, or NoZeroBase): not
  // "no data". JSON keeps the contract's `no_data` (output/json.cc).
  if (g.target < 0 || gp.target.null()) return "no_target";
  int k = Compare(gp.value, gp.target);
  using plan::Cmp;
  bool met = g.cmp == Cmp::kGe   ? k >= 0
             : g.cmp == Cmp::kGt ? k > 0
             : g.cmp == Cmp::kLe ? k <= 0
             : g.cmp == Cmp::kLt ? k < 0
             : g.cmp == Cmp::kNe ? k != 0
                                 : k == 0;
  Val ratio = Attainment(g, gp.value, gp.target);
  if (!ratio.null()) {
    *has_att = true;
    *attainment = ratio.AsDouble();
  }
  if (met) return "met";
  if (!over && *has_att && *attainment >= g.at_risk) return "at_risk";
  return "missed";
}

/// A partial period: in progress, with its pace (GoalPeriod). `span_target`
/// is the target evaluated over the span.
void Pace(const plan::Plan& plan, const plan::GoalPlan& g, const Val& span_target, bool read_pro_rata,
          GoalPeriod* gp) {
  int64_t days = int64_t{rt::PeriodEnd(g.grain, gp->period, plan.calendar)} -
                 rt::PeriodStart(g.grain, gp->period, plan.calendar);
  int64_t in = std::max<int64_t>(0, int64_t{gp->span.last} - gp->span.first + 1);
  gp->elapsed = days > 0 ? static_cast<double>(in) / static_cast<double>(days) : 1;
  gp->status = "in_progress";
  gp->has_attainment = false;
  if (g.target < 0 && g.phasing == plan::Phasing::kNone) return;
  // An amount's fixed or phased target, or one read from a source of
  // targets (a budget), is for the whole period: pro rata (a budget's
  // March judged a half month against the whole month's: goals probe,
  // 2026-12-07). A relative target was evaluated over the span already.
  bool pro_rata = g.additive && (!g.target_relative || read_pro_rata || g.phasing != plan::Phasing::kNone);
  gp->pace_target = pro_rata                               ? Mul(gp->target, Val::Float(gp->elapsed))
                    : g.phasing != plan::Phasing::kNone ? gp->target
                                                        : span_target;
  Val v = Attainment(g, gp->value, gp->pace_target);
  if (!v.null()) gp->has_pace = true, gp->pace = v.AsDouble();
}

/// The share of period p's days inside the goal's window [from, to): 1
/// for a period the window does not cut.
double WindowShare(const plan::Plan& plan, const plan::GoalPlan& g, int64_t p) {
  return plan::WindowShare(g.grain, p, g.from_day, g.to_day, plan.calendar);
}

/// Period p of the goal, for `dims`, cut to its days in the goal's window.
Evaluator::Ctx WindowCtx(const plan::Plan& plan, const plan::GoalPlan& g, int64_t p, const DimTuple* dims) {
  Evaluator::Ctx c{g.grain, p, p, dims};
  c.clo = std::max(rt::PeriodStart(g.grain, p, plan.calendar), g.from_day);
  c.chi = std::min(rt::PeriodEnd(g.grain, p, plan.calendar) - 1, g.to_day - 1);
  return c;
}

/// A period's target over the goal's window: its whole target when the
/// window does not cut it; else that of its days in the window, as a
/// partial period's pace target is (Pace): an amount's fixed or phased
/// target pro rata, a relative one evaluated over those days.
Val WindowTarget(Evaluator& ev, const plan::Plan& plan, const plan::GoalPlan& g, const GoalPeriod& gp) {
  double share = WindowShare(plan, g, gp.period);
  if (share >= 1 || gp.target.null()) return gp.target;
  bool pro_rata = g.additive && (!g.target_relative || ev.target_pro_rata || g.phasing != plan::Phasing::kNone);
  if (pro_rata) return Mul(gp.target, Val::Float(share));
  if (g.phasing != plan::Phasing::kNone) return gp.target;
  DimTuple none;
  return TargetOf(ev, g, g.target, WindowCtx(plan, g, gp.period, &none), true);
}

/// Log mean: L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a.
double LogMean(double a, double b) {
  if (a == b) return a;
  return (a - b) / (std::log(a) - std::log(b));
}

/// Decomposition and drill-down between the goal's last period with data
/// and the period before it.
void Explain(Evaluator& ev, const plan::Plan& plan, const plan::GoalPlan& g, GoalResult* gr) {
  int64_t p1 = 0;
  bool found = false;
  const GoalPeriod* last_gp = nullptr;
  for (const GoalPeriod& gp : gr->periods)
    if (gp.has_data) p1 = gp.period, found = true, last_gp = &gp;
  if (!found || g.grain == Grain::kAll || gr->periods.empty()) return;
  // A period's own target, or its pro-rata part when it is partial.
  // A period of a zero base has no target, so neither has a total over it:
  // adding 0 for it while its value counted made a year "met" on months
  // with nothing to compare (review, 2026-12-05).
  auto target_of = [](const GoalPeriod& gp) { return DaysTarget(gp); };
  auto window_share = [&](int64_t p) { return WindowShare(plan, g, p); };
  const Span& span1 = last_gp->span;
  // The goal's whole period is behind the as-of date: its status is final.
  gr->complete = std::none_of(gr->periods.begin(), gr->periods.end(), [](const GoalPeriod& gp) {
    return gp.status == "upcoming" || gp.status == "in_progress";
  });
  {
    // Progress through the last period with data, and a straight-line
    // projection to the end of the goal's period.
    DimTuple none;
    int64_t first = gr->periods.front().period, last = gr->periods.back().period;
    Evaluator::Ctx so_far{g.grain, first, p1, &none}, whole{g.grain, first, last, &none};
    const Span& span0 = gr->periods.front().span;
    if (span0.partial) so_far.clo = span0.first;
    if (span1.partial) so_far.chi = span1.last;
    gr->has_progress = true;
    gr->through = p1;
    gr->through_span = span1;
    gr->additive = g.additive;
    gr->to_date = ev.Eval(g.value, so_far);
    if (g.target >= 0 && g.target_per_period) {
      // Each period's own: none over several (GoalPlan::target_per_period).
      gr->target_to_date = gr->target_total = Val::Null();
    } else if (g.target >= 0 && g.phasing == plan::Phasing::kNone && !g.additive) {
      // A ratio or an average: its target over the span, as the metric is.
      gr->target_to_date = TargetOf(ev, g, g.target, so_far);
      gr->target_total = TargetOf(ev, g, g.target, whole, true);
    } else if (g.target >= 0 && g.phasing == plan::Phasing::kNone) {
      // An amount: the period targets add up, so that a year to date is
      // compared with the months' targets so far, not with one month's;
      // a period the window cuts adds its days' part.
      gr->target_to_date = gr->target_total = Val::Int(0);
      for (const GoalPeriod& gp : gr->periods) {
        if (gp.period <= p1) gr->target_to_date = Add(gr->target_to_date, target_of(gp));
        gr->target_total = Add(gr->target_total, WindowTarget(ev, plan, g, gp));
      }
    } else if (g.target >= 0) {
      gr->target_total = TargetOf(ev, g, g.target, whole, true);
      gr->target_to_date = Val::Int(0);
      for (const GoalPeriod& gp : gr->periods)
        if (gp.period <= p1) gr->target_to_date = Add(gr->target_to_date, target_of(gp));
    }
    // In periods, each counted by its share of days in the window: a
    // window from October 15 has 17/31 of October behind it, not all of
    // it (the projection said 82% of target beside 105% to date).
    double elapsed = 0, total = 0;
    for (const GoalPeriod& gp : gr->periods) {
      double share = window_share(gp.period);
      total += share;
      if (gp.period < p1) elapsed += share;
    }
    if (span1.partial) {
      int64_t days = int64_t{rt::PeriodEnd(g.grain, p1, plan.calendar)} - rt::PeriodStart(g.grain, p1, plan.calendar);
      elapsed += days > 0 ? static_cast<double>(std::max(0, span1.last - span1.first + 1)) / static_cast<double>(days)
                          : 1.0;
    } else {
      elapsed += window_share(p1);
    }
    if (elapsed <= 0) elapsed = total;
    gr->projection =
        g.additive && !gr->to_date.null() ? Val::Float(gr->to_date.AsDouble() * total / elapsed) : gr->to_date;
    if (g.target_per_period) gr->projection = Val::Null();  // nothing over the periods to project
    // A goal of several periods is judged on its progress to date, not on
    // its latest period alone: a year at 99.5% of its target so far (and
    // a 31% chance) said "met" because November was.
    if (gr->periods.size() > 1 && !g.target_per_period) {
      GoalPeriod so;
      so.has_data = true;
      so.value = gr->to_date;
      // A goal that is over is judged on its whole period: months without
      // rows at its end count against it (a year whose data stopped in
      // September read "met (to date)" beside 78.7% of its whole target:
      // review, 2026-12-07).
      so.target = gr->complete && !gr->target_total.null() ? gr->target_total : gr->target_to_date;
      double att = 0;
      bool has_att = false;
      gr->status = StatusOf(g, so, &att, &has_att, gr->complete);
    }
  }
  int64_t p0 = p1 - 1;
  gr->compared = true;
  gr->period = p1;
  gr->previous_period = p0;
  DimTuple none;
  // A partial period is compared with the same span of the period before.
  auto spanned = [&](const DimTuple* t, Evaluator::Ctx* a, Evaluator::Ctx* b) {
    *a = Evaluator::Ctx{g.grain, p1, p1, t};
    if (span1.partial) a->clo = span1.first, a->chi = span1.last;
    *b = ev.MoveSpan(*a, Evaluator::Ctx{g.grain, p0, p0, t}, MonthsOf(g.grain));
  };
  Evaluator::Ctx now, before;
  spanned(&none, &now, &before);
  using Kind = plan::GoalPlan::Decomposition::Kind;
  // A decomposition's value, identity and terms in one context: exact
  // differences (additive) or LMDI shares (multiplicative).
  auto decompose = [&](const plan::GoalPlan::Decomposition& d, int value, int rhs, const std::vector<int>& terms,
                       const Evaluator::Ctx& at, const Evaluator::Ctx& then) {
    DecompositionResult r;
    r.node = &d;
    r.value = ev.Eval(value, at);
    // A bridge over a partial period goes from the balance before its span
    // (the opening) to the value to date: the close of the period before,
    // or, when the window cuts the period's start, the balance on the day
    // before the window. Not the balance on the same day of the period
    // before, which left the flows to date short of the change (as of the
    // 14th: steps of +88 beside a change of +214). Only the opening moves:
    // the flows, and every period operator in them, are evaluated as any
    // other line's, and their earlier values are those of the same days.
    const bool bridge = d.kind == Kind::kAdditive && d.opening >= 0 && at.Clipped();
    if (bridge) {
      const int32_t start = rt::PeriodStart(at.g, at.lo, plan.calendar);
      Val opening;
      if (at.clo != INT32_MIN && at.clo > start) {
        Evaluator::Ctx before_cut{at.g, at.lo, at.hi, at.dims, at.extra, INT32_MIN, at.clo - 1};
        opening = ev.Eval(value, before_cut);
        r.opening_day = at.clo - 1;
      }
      if (opening.null()) {
        Evaluator::Ctx closed = then;
        closed.clo = INT32_MIN, closed.chi = INT32_MAX;
        opening = ev.Eval(value, closed);
        if (!r.opening_day) r.opening_day = rt::PeriodEnd(then.g, then.hi, plan.calendar) - 1;
      }
      r.previous = opening;
    } else {
      r.previous = ev.Eval(value, then);
    }
    if (!bridge) r.identity = ev.Eval(rhs, at);
    for (size_t i = 0; i < d.terms.size() && i < terms.size(); ++i) {
      const auto& t = d.terms[i];
      DecompositionResult::Term term;
      term.value = bridge && static_cast<int>(i) == d.opening ? r.previous : ev.Eval(terms[i], at);
      term.previous = ev.Eval(terms[i], then);
      if (bridge) {
        // The right side is the opening plus the signed flows.
        Val signed_value = t.sign > 0 ? term.value : Neg(term.value);
        r.identity = i == 0 ? signed_value : Add(r.identity, signed_value);
      }
      if (d.kind == Kind::kAdditive && d.opening >= 0) {
        // A bridge: from the opening balance, each flow adds or takes its
        // value in the period (churn took $936.98; the change in churn
        // from the month before, +$7,361.65, read as churn adding revenue).
        if (static_cast<int>(i) != d.opening) term.contribution = t.sign > 0 ? term.value : Neg(term.value);
      } else if (d.kind == Kind::kAdditive) {
        Val delta = Sub(term.value, term.previous);
        term.contribution = t.sign > 0 ? delta : Neg(delta);
      } else if (d.kind == Kind::kMultiplicative && !r.value.null() && !r.previous.null() && !term.value.null() &&
                 !term.previous.null()) {
        // LMDI: each factor's share of the change is L(V1, V0) * ln(x1 / x0),
        // and the shares add up to V1 - V0 when the identity holds.
        double v1 = r.value.AsDouble(), v0 = r.previous.AsDouble();
        double x1 = term.value.AsDouble(), x0 = term.previous.AsDouble();
        if (v1 > 0 && v0 > 0 && x1 > 0 && x0 > 0)
          term.contribution = Val::Float(LogMean(v1, v0) * t.sign * std::log(x1 / x0));
      }
      r.terms.push_back(term);
    }
    r.gap = Sub(r.value, r.identity);
    if (!r.gap.null()) {
      double gap = std::fabs(r.gap.AsDouble()), scale = std::fabs(r.value.AsDouble());
      r.holds = r.gap.exact() ? r.gap.i == 0 : gap <= 1e-9 * std::max(1.0, scale);
    } else if (!r.value.null()) {
      // The terms cannot explain the value: said, not shown as holding (a
      // quarter's bridge whose opening had no rows read +100 - 40 = 160).
      r.holds = false;
      r.unchecked = DecompositionResult::kNoTerm;
      for (size_t i = 0; i < r.terms.size(); ++i)
        if (r.terms[i].value.null()) {
          r.unchecked = static_cast<int>(i);
          break;
        }
    } else if (!r.identity.null()) {
      // Nor can they be checked against a value that has none (a balance
      // by day on a day without rows, its flows known).
      r.holds = false;
      r.unchecked = DecompositionResult::kNoValue;
    }
    return r;
  };
  for (const auto& d : g.decompositions) {
    std::vector<int> terms;
    for (const auto& t : d.terms) terms.push_back(t.value);
    gr->decomposition.push_back(decompose(d, d.value, d.rhs, terms, now, before));
  }
  // The goal's target for the period compared (phased or not), which an
  // allocation shares out among the members.
  Val target_now = target_of(*last_gp);
  for (const auto& dr : g.drills) {
    DrillResult r;
    r.drill = &dr;
    std::vector<DimTuple> members = ev.Tuples(dr.scans, g.grain, p0, p1, false, 1);
    std::vector<DrillResult::Member> all;
    double sum_d1 = 0, sum_d0 = 0;
    // Mix and rate effects of a ratio R = N / D with member weights w = d / D
    // and rates r = n / d: rate_i = w_i1 (r_i1 - r_i0), mix_i = (w_i1 - w_i0)
    // (r_i0 - R0); a member without a denominator before takes r_i0 = R0.
    bool effects = dr.num >= 0;
    double D1 = 0, N0 = 0, D0 = 0;
    if (effects) {
      Val d1 = ev.Eval(dr.total_den, now);
      Val n0 = ev.Eval(dr.total_num, before), d0 = ev.Eval(dr.total_den, before);
      effects = !d1.null() && !n0.null() && !d0.null() && d1.AsDouble() != 0 && d0.AsDouble() != 0;
      if (effects) D1 = d1.AsDouble(), N0 = n0.AsDouble(), D0 = d0.AsDouble();
    }
    for (const DimTuple& m : members) {
      Evaluator::Ctx a, b;
      spanned(&m, &a, &b);
      DrillResult::Member mem;
      mem.member = m.empty() ? DimValue{} : m[0];
      mem.value = ev.Eval(dr.value, a);
      mem.previous = ev.Eval(dr.value, b);
      mem.change = Sub(mem.value, mem.previous);
      if (dr.target >= 0 || dr.share >= 0) {
        mem.target = dr.target >= 0 ? TargetOf(ev, g, dr.target, a) : NoZeroBase(g, Mul(target_now, ev.Eval(dr.share, a)));
        Val att = Attainment(g, mem.value, mem.target);
        if (!att.null()) mem.has_attainment = true, mem.attainment = att.AsDouble();
      }
      if (effects) {
        Val n1 = ev.Eval(dr.num, a), d1 = ev.Eval(dr.den, a), n0 = ev.Eval(dr.num, b), d0 = ev.Eval(dr.den, b);
        double dn1 = d1.null() ? 0 : d1.AsDouble(), dn0 = d0.null() ? 0 : d0.AsDouble();
        double nn1 = n1.null() ? 0 : n1.AsDouble(), nn0 = n0.null() ? 0 : n0.AsDouble();
        double R0 = N0 / D0, w1 = dn1 / D1, w0 = dn0 / D0;
        double r0 = dn0 != 0 ? nn0 / dn0 : R0, r1 = dn1 != 0 ? nn1 / dn1 : r0;
        mem.has_effects = true;
        mem.rate = w1 * (r1 - r0) + 0.0;  // + 0.0: no negative zero
        mem.mix = (w1 - w0) * (r0 - R0) + 0.0;
        sum_d1 += dn1;
        sum_d0 += dn0;
      }
      all.push_back(std::move(mem));
    }
    // The split holds only when the members' denominators add up to the
    // whole (not for distinct counts, where a customer can be in two members).
    if (effects && (std::fabs(sum_d1 - D1) > 1e-9 * std::fabs(D1) || std::fabs(sum_d0 - D0) > 1e-9 * std::fabs(D0)))
      for (auto& m : all) m.has_effects = false;
    r.members = all.size();
    // Largest change first; nulls last; ties by member.
    std::stable_sort(all.begin(), all.end(), [](const DrillResult::Member& x, const DrillResult::Member& y) {
      if (x.change.null() != y.change.null()) return y.change.null();
      if (x.change.null()) return x.member < y.member;
      int c = Compare(x.change, y.change);
      return c != 0 ? c > 0 : x.member < y.member;
    });
    size_t n = static_cast<size_t>(std::max<int64_t>(0, g.drill_top));
    for (size_t i = 0; i < all.size() && i < n; ++i) r.top.push_back(all[i]);
    for (size_t i = all.size(); i-- > 0 && r.bottom.size() < n;)
      if (i >= n) r.bottom.push_back(all[i]);
    // The same members ranked by attainment (highest first; ties by member).
    std::vector<DrillResult::Member> rated;
    for (const auto& m : all)
      if (m.has_attainment) rated.push_back(m);
    std::stable_sort(rated.begin(), rated.end(), [](const DrillResult::Member& x, const DrillResult::Member& y) {
      return x.attainment != y.attainment ? x.attainment > y.attainment : x.member < y.member;
    });
    r.rated = rated.size();
    for (size_t i = 0; i < rated.size() && i < n; ++i) r.best.push_back(rated[i]);
    for (size_t i = rated.size(); i-- > 0 && r.worst.size() < n;)
      if (i >= n) r.worst.push_back(rated[i]);
    // The listed members' own series (the report's drill-through): the
    // drill's value and target per goal period with the member as context,
    // exactly as the member's row above is for the period compared.
    for (auto* list : {&r.top, &r.bottom})
      for (DrillResult::Member& mem : *list) {
        DimTuple m{mem.member};
        for (const GoalPeriod& gp : gr->periods) {
          GoalPeriod s;
          s.period = gp.period;
          s.span = gp.span;
          Evaluator::Ctx c{g.grain, gp.period, gp.period, &m};
          const bool partial = gp.span.partial && gp.span.first <= gp.span.last;
          if (partial) c.clo = gp.span.first, c.chi = gp.span.last;
          s.has_data = gp.has_data;
          if (gp.has_data) s.value = ev.Eval(dr.value, c);
          s.has_data = s.has_data && !s.value.null();
          // A period after the as-of date: its target only if known (TargetOf).
          const bool after = ev.After(g.grain, gp.period);
          if (dr.target >= 0 || dr.share >= 0)
            s.target = dr.target >= 0 ? TargetOf(ev, g, dr.target, c, after)
                                      : NoZeroBase(g, Mul(target_of(gp), ev.EvalIf(after, dr.share, c)));
          s.status = StatusOf(g, s, &s.attainment, &s.has_attainment, !(partial && gp.span.open) && !after);
          if (partial && gp.span.open && s.has_data) s.status = "in_progress";
          // As the goal's own row says it: not begun, not "no data" (a
          // member's table read 无数据 where the goal's read 未开始:
          // reader's probe, 2026-12-07).
          if (gp.status == "upcoming") s.status = "upcoming";
          mem.series.push_back(std::move(s));
        }
        // Its own decompositions, over the periods the goal's compare.
        Evaluator::Ctx mnow, mbefore;
        spanned(&m, &mnow, &mbefore);
        for (size_t k = 0; k < dr.decompositions.size() && k < g.decompositions.size(); ++k) {
          const plan::GoalPlan::Drill::MemberDecomposition& md = dr.decompositions[k];
          mem.decomposition.push_back(md.value < 0 ? DecompositionResult{}
                                                   : decompose(g.decompositions[k], md.value, md.rhs, md.terms, mnow,
                                                               mbefore));
        }
      }
    gr->drill.push_back(std::move(r));
  }
}

/// Alert `a` (for the total, or per member with `bm`) in period `period`
/// when its condition holds in context `c`.
void Fire(Evaluator& ev, const plan::GoalPlan::Alert& a, int cond, int value, const Evaluator::Ctx& c,
          const plan::GoalPlan::Alert::ByMember* bm, int64_t period, std::vector<FiredAlert>* out) {
  if (!Truthy(ev.Eval(cond, c))) return;
  FiredAlert fa;
  fa.name = a.name;
  fa.severity = a.severity;
  fa.message = a.message;
  fa.percent = a.percent;
  fa.worse = a.worse;
  fa.forecast_field = a.forecast_field;
  fa.period = period;
  if (bm) {
    fa.dim = bm->dim;
    fa.dim_type = bm->type;
    fa.member = c.dims->empty() ? DimValue{} : (*c.dims)[0];
  }
  if (value >= 0) fa.value = ev.Eval(value, c);
  out->push_back(fa);
}

/// Periods of history fitted at most, and members forecast per drill-down.
constexpr int64_t kMaxHistory = 240;
constexpr size_t kMaxForecastMembers = 200;

int SeasonOf(Grain g) {
  switch (g) {
    case Grain::kDay: return 7;
    case Grain::kWeek: return 52;
    case Grain::kMonth: return 12;
    case Grain::kQuarter: return 4;
    default: return 1;
  }
}

/// The outlook of `value` (the goal's metric, or a drill member's with
/// `dims`): fitted to the complete periods up to the as-of date (a partial
/// current period is forecast whole, not fitted), forecast to the goal's
/// last period, compared with `targets` (one per goal period). `spec`: fit
/// that model (a member, with the goal's model) instead of choosing one.
std::shared_ptr<GoalOutlook> OutlookOf(Evaluator& ev, const plan::Plan& plan, const plan::GoalPlan& g, int value,
                                       const DimTuple* dims, const std::vector<int>& scans,
                                       const std::vector<Val>& targets, int32_t as_of, const forecast::Spec* spec) {
  auto o = std::make_shared<GoalOutlook>();
  const Grain G = g.grain;
  int64_t lo = rt::PeriodOf(G, g.from_day, plan.calendar), hi = rt::PeriodOf(G, g.to_day - 1, plan.calendar);
  int64_t cur = rt::PeriodOf(G, as_of, plan.calendar);
  int64_t last = rt::PeriodEnd(G, cur, plan.calendar) - 1 == as_of ? cur : cur - 1;  // the last complete period
  // Over (its last period, or its last day when --to cuts it, is past),
  // or not begun by the next period: nothing to forecast.
  if (G == Grain::kAll || last >= hi || as_of >= g.to_day - 1) return o;
  // The days of period p that the goal counts: its period cut by the
  // goal's bounds (which --from and --to narrow) and by the as-of date, as
  // the goal's own rows are (a whole March read before a --from of
  // 10 March, and days after the as-of date, were counted here).
  auto counted = [&](int64_t p) {
    Evaluator::Ctx c{G, p, p, dims};
    int32_t ps = rt::PeriodStart(G, p, plan.calendar), pe = rt::PeriodEnd(G, p, plan.calendar) - 1;
    int32_t a = std::max(ps, g.from_day), b = std::min({pe, g.to_day - 1, as_of});
    if (a > ps || b < pe) c.clo = a, c.chi = b;
    return c;
  };
  if (cur + 1 < lo || ev.FirstDay() > as_of) {
    o->why = cur + 1 < lo ? kBeginsLater : kNoDataYet;
    return o;
  }
  const bool member = dims && !dims->empty();
  int64_t h0 = std::max<int64_t>(rt::PeriodOf(G, ev.FirstDay(), plan.calendar), last - kMaxHistory + 1);
  std::vector<double> y;
  for (int64_t p = h0; p <= last; ++p) {
    // A period without any row is missing (a gap in the data), not zero.
    if (!member && !scans.empty() && !ev.HasData(scans, G, p, p)) {
      y.push_back(forecast::kNaN);
      continue;
    }
    Val v = ev.Eval(value, Evaluator::Ctx{G, p, p, dims});
    y.push_back(v.null() ? forecast::kNaN : v.AsDouble());
  }
  // A member's series starts with its first value (leading zeros of an
  // amount are periods before it existed).
  size_t skip = 0;
  while (skip < y.size() && (!std::isfinite(y[skip]) || (member && y[skip] == 0))) ++skip;
  y.erase(y.begin(), y.begin() + static_cast<long>(skip));
  h0 += static_cast<int64_t>(skip);
  o->history_from = h0;
  o->history_to = last;
  o->from = last + 1;
  int h = static_cast<int>(hi - last);
  o->fit = spec ? forecast::FitModel(y, *spec) : forecast::Auto(y, SeasonOf(G), rt::GrainName(G));
  o->path = forecast::Predict(o->fit, h);
  o->cumulative = g.additive;
  // Each forecast period's weight in the goal's total: none before the
  // goal begins; for the period in progress, the share of its days still to
  // come (its days so far are counted as they are).
  std::vector<double> weights(static_cast<size_t>(h), 1.0);
  for (int64_t p = last + 1; p < lo && p <= hi; ++p) weights[static_cast<size_t>(p - last - 1)] = 0;
  double target = 0;
  if (o->cumulative) {
    o->to_date = 0;
    for (int64_t p = std::max(lo, h0); p <= last; ++p) {
      Evaluator::Ctx c = counted(p);
      if (c.Clipped()) {  // a period the goal counts in part (the first, after --from)
        Val v = ev.Eval(value, c);
        if (!v.null()) o->to_date += v.AsDouble();
      } else if (std::isfinite(y[static_cast<size_t>(p - h0)])) {
        o->to_date += y[static_cast<size_t>(p - h0)];
      }
    }
    if (last < cur && cur >= lo) {
      // The period in progress: its days so far, and the share of its
      // counted days still to come.
      int32_t start = std::max(rt::PeriodStart(G, cur, plan.calendar), g.from_day);
      int32_t end = std::min(rt::PeriodEnd(G, cur, plan.calendar), g.to_day);
      Val v = ev.Eval(value, counted(cur));
      o->partial = true;
      o->partial_actual = v.null() ? 0 : v.AsDouble();
      o->partial_elapsed = double(as_of - start + 1) / double(end - start);
      o->to_date += o->partial_actual;
      // The forecast is of the whole period: its counted days still to
      // come are their share of all its days.
      int32_t days = rt::PeriodEnd(G, cur, plan.calendar) - rt::PeriodStart(G, cur, plan.calendar);
      weights[0] = days > 0 ? std::max(0.0, double(end - as_of - 1) / double(days)) : 0.0;
    }
    // A later period the goal's window cuts (--to 2026-12-15) counts its
    // days in the window, as its target does (WindowTarget).
    for (int64_t p = std::max(last + 1, lo); p <= hi; ++p)
      if (!(last < cur && p == cur)) weights[static_cast<size_t>(p - last - 1)] *= WindowShare(plan, g, p);
    for (const Val& t : targets) target = t.null() || !std::isfinite(target) ? forecast::kNaN : target + t.AsDouble();
  } else {
    target = targets.empty() || targets.back().null() ? forecast::kNaN : targets.back().AsDouble();
  }
  if (targets.empty()) target = forecast::kNaN;
  o->target = target;
  o->outlook = forecast::Chance(o->fit, h, o->cumulative ? o->to_date : 0, o->cumulative, plan::CmpText(g.cmp), target,
                                {}, weights);
  // Inside the values the metric can take (a count is never below 0, a
  // share never past 100%: a repurchase rate's 95% interval read 57.4% to
  // 103.2%, review 2026-12-06). A total of periods only keeps the floor.
  auto in = [&](double& v, bool total) {
    if (std::isfinite(v)) v = std::clamp(v, g.floor, total ? HUGE_VAL : g.ceil);
  };
  for (auto* v : {&o->path.mean, &o->path.lo80, &o->path.hi80, &o->path.lo95, &o->path.hi95})
    for (double& x : *v) in(x, false);
  for (double* v : {&o->outlook.end_mean, &o->outlook.end_lo80, &o->outlook.end_hi80, &o->outlook.end_lo95,
                    &o->outlook.end_hi95})
    in(*v, o->cumulative);
  // Only the goal's periods are listed.
  if (lo > o->from) {
    size_t drop = static_cast<size_t>(std::min<int64_t>(lo - o->from, h));
    for (auto* v : {&o->path.mean, &o->path.lo80, &o->path.hi80, &o->path.lo95, &o->path.hi95})
      v->erase(v->begin(), v->begin() + static_cast<long>(std::min(drop, v->size())));
    o->from = lo;
  }
  o->has = true;
  return o;
}

/// The goal's outlook and its members', and the alerts that read them.
void Forecast(Evaluator& ev, const plan::Plan& plan, const plan::GoalPlan& g, int32_t as_of, Results* out,
              GoalResult* gr, const std::function<Val(const Evaluator::Ctx&)>* phased_target) {
  DimTuple none;
  std::vector<Val> targets;
  // A period cut by the goal's bounds (--from, --to) and over counts its
  // days' target, as it is judged; the others their whole target.
  for (const GoalPeriod& gp : gr->periods)
    targets.push_back(gp.span.partial && !gp.span.open && gp.has_pace ? gp.pace_target
                                                                       : WindowTarget(ev, plan, g, gp));
  auto total = OutlookOf(ev, plan, g, g.value, &none, g.scans, targets, as_of, nullptr);
  bool reads = false;
  for (const auto& a : g.alerts) reads |= a.forecast;
  if (!total->has) {
    // A goal whose period is over has nothing to forecast (its status is
    // final); one not begun or without data is said.
    // Its reason in Chinese too (W0709 quoted it in English: review, 2026-12-07).
    const std::string why_zh = total->why == kBeginsLater ? "目标期间在截至日期之后一个多期才开始"
                               : total->why == kNoDataYet ? "截至日期之前没有数据"
                                                          : total->why;
    if (reads && !total->why.empty())
      out->warnings.push_back({"W0709",
                               fmt::format("goal `{}` has no forecast as of {}: {}; its alerts on `forecast` "
                                           "were not evaluated",
                                           g.name, rt::FormatDate(as_of), total->why),
                               fmt::format("目标{}截至 {} 没有预测（{}），其基于 `forecast` 的预警未评估",
                                           ZhName(g.label, g.name), rt::FormatDate(as_of), why_zh)});
    return;
  }
  gr->forecast = *total;
  const forecast::Spec* spec = total->fit.method == forecast::Method::kEts ? &total->fit.spec : nullptr;
  const Grain G = g.grain;
  int64_t last = total->history_to;
  std::map<std::pair<std::string, DimTuple>, std::shared_ptr<const GoalOutlook>> cache;
  auto member = [&](const plan::GoalPlan::Drill& dr, const DimTuple& m) {
    auto key = std::make_pair(dr.dim, m);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    std::vector<Val> mt;
    for (const GoalPeriod& gp : gr->periods) {
      Evaluator::Ctx c{G, gp.period, gp.period, &m};
      // A period of a zero base has no target: nor has the member's total.
      bool after = ev.After(G, gp.period);
      // A period the goal's window cuts: the member's target for its days
      // there, as the total's (WindowTarget; they were whole months).
      double share = WindowShare(plan, g, gp.period);
      mt.push_back(dr.target >= 0  ? TargetOf(ev, g, dr.target, share < 1 ? WindowCtx(plan, g, gp.period, &m) : c,
                                              after || share < 1)
                   : dr.share >= 0 ? NoZeroBase(g, Mul(share < 1 ? Mul(gp.target, Val::Float(share)) : gp.target,
                                                       ev.EvalIf(after, dr.share, c)))
                                   : Val::Null());
    }
    std::shared_ptr<const GoalOutlook> o = OutlookOf(ev, plan, g, dr.value, &m, dr.scans, mt, as_of, spec);
    cache[key] = o;
    return o;
  };
  std::map<std::string, std::set<DimTuple>> forecasted;  // per drill dimension (at most kMaxForecastMembers)
  for (DrillResult& r : gr->drill) {
    const plan::GoalPlan::Drill& dr = *r.drill;
    // Members with rows in the last complete period or the current one;
    // the largest there when there are many.
    std::vector<DimTuple> members = ev.Tuples(dr.scans, G, last, last + 1, false, 1);
    if (members.size() > kMaxForecastMembers) {
      std::vector<std::pair<double, DimTuple>> sized;
      for (const DimTuple& m : members) {
        Val v = ev.Eval(dr.value, Evaluator::Ctx{G, last, last, &m});
        sized.push_back({v.null() ? -INFINITY : std::fabs(v.AsDouble()), m});
      }
      std::stable_sort(sized.begin(), sized.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      members.clear();
      for (size_t i = 0; i < kMaxForecastMembers; ++i) members.push_back(sized[i].second);
    }
    r.forecast_members = members.size();
    forecasted[dr.dim].insert(members.begin(), members.end());
    std::vector<DrillResult::Member> risk;
    for (const DimTuple& m : members) {
      auto o = member(dr, m);
      if (!o->has) continue;
      DimValue v = m.empty() ? DimValue{} : m[0];
      for (auto* list : {&r.top, &r.bottom, &r.best, &r.worst})
        for (auto& x : *list)
          if (x.member == v) x.outlook = o;
      if (std::isfinite(o->outlook.probability)) {
        DrillResult::Member x;
        x.member = v;
        x.outlook = o;
        risk.push_back(std::move(x));
      }
    }
    std::stable_sort(risk.begin(), risk.end(), [](const DrillResult::Member& a, const DrillResult::Member& b) {
      double pa = a.outlook->outlook.probability, pb = b.outlook->outlook.probability;
      return pa != pb ? pa < pb : a.member < b.member;
    });
    size_t n = static_cast<size_t>(std::max<int64_t>(0, g.drill_top));
    r.forecast_rated = risk.size();
    for (size_t i = 0; i < risk.size() && i < n; ++i) r.at_risk.push_back(risk[i]);
  }
  if (!reads) return;
  // Alerts on the forecast: once, on the latest period with data.
  const GoalPeriod* at = nullptr;
  for (const GoalPeriod& gp : gr->periods)
    if (gp.has_data) at = &gp;
  if (!at) return;
  auto ctx_at = [&](const DimTuple* t) {
    Evaluator::Ctx c{G, at->period, at->period, t};
    if (at->span.partial) c.clo = at->span.first, c.chi = at->span.last;
    return c;
  };
  auto fire = [&](const plan::GoalPlan::Alert& a, int cond, int value, const Evaluator::Ctx& c,
                  const plan::GoalPlan::Alert::ByMember* bm) { Fire(ev, a, cond, value, c, bm, at->period, &gr->alerts); };
  std::array<double, 6> fields = total->Fields();
  // `m.target` in an alert on the forecast: what the forecast is compared
  // with (the whole period's target for a total: `forecast.value <
  // sales.target` compared a year's forecast with a month's target), the
  // member's own for a member (null: none).
  auto outlook_target = [](double t) { return std::isfinite(t) ? Val::Float(t) : Val::Null(); };
  Val at_target = outlook_target(total->target);
  for (const auto& a : g.alerts) {
    if (!a.forecast) continue;
    Evaluator::Ctx c = ctx_at(&none);
    c.forecast = &fields;
    c.forecast_target = &at_target;
    c.goal_target = phased_target;
    const size_t before = gr->alerts.size();
    fire(a, a.cond, a.value, c, nullptr);
    const bool total_fired = gr->alerts.size() > before;
    for (const auto& bm : a.by) {
      const plan::GoalPlan::Drill* dr = nullptr;
      for (const auto& d : g.drills)
        if (d.dim == bm.dim) dr = &d;
      if (!dr) continue;
      // The drill's members (the condition may read only the forecast,
      // whose scans are the drill's).
      std::vector<int> scans = bm.scans;
      for (int s : dr->scans)
        if (std::find(scans.begin(), scans.end(), s) == scans.end()) scans.push_back(s);
      std::vector<DimTuple> members = ev.Tuples(scans, G, at->period - 1, at->period, false, 1);
      // Under a role that sees one member, the total is that member: its
      // alert is not repeated (as for the alerts on values; reader's
      // probe, 2026-12-07).
      if (members.size() == 1 && total_fired && !plan.role.empty()) continue;
      for (const DimTuple& m : members) {
        if (!forecasted[dr->dim].count(m)) continue;  // beyond the members forecast
        auto o = member(*dr, m);
        if (!o->has) continue;
        std::array<double, 6> f = o->Fields();
        Evaluator::Ctx mc = ctx_at(&m);
        mc.forecast = &f;
        Val member_target = outlook_target(o->target);
        mc.forecast_target = &member_target;
        fire(a, bm.cond, bm.value, mc, &bm);
      }
    }
  }
}

}  // namespace

std::string GoalOutlook::Status() const {
  const std::string& s = outlook.status;
  return s == "on track" ? "on_track" : s == "at risk" ? "at_risk" : s == "off track" ? "off_track" : "unknown";
}

Val RoundHalfEven(const Val& v, int digits) {
  if (!v.exact()) return v;
  if (v.scale <= digits) return Val::Dec(v.i * rt::Pow10(digits - v.scale), digits);
  __int128 p = rt::Pow10(v.scale - digits);
  __int128 q = v.i / p, rem = v.i % p;  // truncated towards zero
  __int128 twice = rem < 0 ? -2 * rem : 2 * rem;
  if (twice > p || (twice == p && q % 2 != 0)) q += v.i < 0 ? -1 : 1;
  return Val::Dec(q, digits);
}

namespace {

/// The last day with rows within [from, to) over the scans' as-of
/// aggregates (a group that reaches past `to` means the window is full);
/// with `source`, over that source's scans only.
std::optional<int32_t> LastDay(const plan::Plan& plan, const std::vector<ScanResult>& scans,
                               const std::string* source = nullptr) {
  std::optional<int32_t> best;
  int64_t from = plan.from_day ? *plan.from_day : INT64_MIN, to = plan.to_day ? *plan.to_day : INT64_MAX;
  for (size_t s = 0; s < scans.size(); ++s) {
    const plan::Scan& sc = plan.scans[s];
    if (sc.audit || sc.as_of_agg < 0 || (source && sc.source != *source) || (!source && sc.plans_only)) continue;
    if (sc.past_to && scans[s].rows_past_to && to != INT64_MAX && (!best || to - 1 > *best))
      best = static_cast<int32_t>(to - 1);
    const AggStates& st = scans[s].aggs[static_cast<size_t>(sc.as_of_agg)];
    for (size_t g = 0; g < scans[s].period.size(); ++g) {
      if (st.count.empty() || st.count[g] == 0) continue;
      int64_t day = st.imax[g];  // a date (a timestamp's day in the calendar's zone)
      if (day < from) continue;
      day = std::min(day, to - 1);
      if (!best || day > *best) best = static_cast<int32_t>(day);
    }
  }
  return best;
}

/// How often a source has rows, from the days of its rows within the
/// window (the scans' as-of aggregates, a group's last day): the coarsest
/// grain whose periods every such day starts (monthly snapshots dated the
/// 1st: a month), or a day when they do not, or when fewer than two days
/// say.
/// The periods are those of the run's calendar, or of the plain calendar
/// (`gregorian`) when the rows start its months but not the calendar's: a
/// monthly snapshot dated the 1st under a retail calendar.
Grain Cadence(const plan::Plan& plan, const std::vector<ScanResult>& scans, const std::string& source,
              const rt::Calendar& gregorian, const rt::Calendar** cal) {
  *cal = &plan.calendar;
  std::set<int32_t> days;
  int64_t from = plan.from_day ? *plan.from_day : INT64_MIN, to = plan.to_day ? *plan.to_day : INT64_MAX;
  for (size_t s = 0; s < scans.size(); ++s) {
    const plan::Scan& sc = plan.scans[s];
    if (sc.audit || sc.as_of_agg < 0 || sc.source != source) continue;
    const AggStates& st = scans[s].aggs[static_cast<size_t>(sc.as_of_agg)];
    for (size_t g = 0; g < scans[s].period.size(); ++g)
      if (!st.count.empty() && st.count[g] > 0 && st.imax[g] >= from && st.imax[g] < to)
        days.insert(static_cast<int32_t>(st.imax[g]));
  }
  if (days.size() < 2) return Grain::kDay;
  for (const rt::Calendar* c : {&plan.calendar, &gregorian})
    for (Grain g : {Grain::kYear, Grain::kQuarter, Grain::kMonth, Grain::kWeek}) {
      bool starts = true;
      for (int32_t d : days)
        if (rt::PeriodStart(g, rt::PeriodOf(g, d, *c), *c) != d) {
          starts = false;
          break;
        }
      if (starts) {
        *cal = c;
        return g;
      }
    }
  return Grain::kDay;
}

/// The periods a budget's rows are plans for (Evaluator::Spread), from
/// the days of its rows alone (not from the goals a run selects: a single
/// row dated 1 January was the year's under one selection and January's
/// under another; review, 2026-12-07): the coarsest grain whose periods
/// every day starts and whose periods between the first and the last day
/// all have rows (a row per month dated the 1st: a month, though 1 January
/// also starts a year; a single row dated 1 January: a year); else, when
/// the rows skip periods at every such grain, the finest of month,
/// quarter, year, then week whose periods every day starts (rows on 1
/// January and 1 July: months); else
/// none (kDay: daily rows, or rows on no period's first day).
Grain SpreadCadence(const plan::Plan& plan, const std::vector<ScanResult>& scans, const std::string& source,
                    const rt::Calendar& gregorian, const rt::Calendar** cal) {
  *cal = &plan.calendar;
  std::set<int32_t> days;
  for (size_t s = 0; s < scans.size(); ++s) {
    const plan::Scan& sc = plan.scans[s];
    if (sc.audit || sc.source != source || sc.grain != Grain::kDay) continue;
    for (int64_t d : scans[s].period) days.insert(static_cast<int32_t>(d));
  }
  if (days.empty()) return Grain::kDay;
  auto starts = [&](Grain g, const rt::Calendar& c) {
    return std::all_of(days.begin(), days.end(),
                       [&](int32_t d) { return rt::PeriodStart(g, rt::PeriodOf(g, d, c), c) == d; });
  };
  auto dense = [&](Grain g, const rt::Calendar& c) {
    std::set<int64_t> ps;
    for (int32_t d : days) ps.insert(rt::PeriodOf(g, d, c));
    return *ps.rbegin() - *ps.begin() + 1 == static_cast<int64_t>(ps.size());
  };
  constexpr Grain kCoarseFirst[] = {Grain::kYear, Grain::kQuarter, Grain::kMonth, Grain::kWeek};
  for (const rt::Calendar* c : {&plan.calendar, &gregorian})
    for (Grain g : kCoarseFirst)
      if (starts(g, *c) && dense(g, *c)) {
        *cal = c;
        return g;
      }
  // Months before weeks: 1 January and 1 July of 2024 are both Mondays,
  // and were read as weekly budgets (review, 2026-12-07).
  for (const rt::Calendar* c : {&plan.calendar, &gregorian})
    for (Grain g : {Grain::kMonth, Grain::kQuarter, Grain::kYear, Grain::kWeek})
      if (starts(g, *c)) {
        *cal = c;
        return g;
      }
  return Grain::kDay;
}

/// Whether a goal's target that reads metrics is a number for each whole
/// period all the same: one that adds a fixed number to an amount's past
/// (plan::GoalPlan::target_fixed_addon), or one read from other sources
/// than the metric's whose rows are each on the first day of a goal's
/// period (a budget per month dated the 1st: evaluated over a partial
/// period's span it was the whole month's). Over daily data (`0.1 CNY *
/// visitors`) the span's evaluation is its days' already (review,
/// 2026-12-07: pro rata twice).
bool ReadProRata(const plan::Plan& plan, const std::vector<ScanResult>& scans, const plan::GoalPlan& g,
                 const std::set<std::string>& spread) {
  if (g.target_fixed_addon) return true;
  if (!g.target_elsewhere || g.grain == Grain::kAll || g.grain == Grain::kDay) return false;
  // A budget spread over its periods' days is pro rata already.
  if (std::all_of(g.target_sources.begin(), g.target_sources.end(),
                  [&](const std::string& s) { return spread.count(s) > 0; }))
    return false;
  for (const std::string& source : g.target_sources) {
    bool any = false;
    for (size_t s = 0; s < scans.size(); ++s) {
      const plan::Scan& sc = plan.scans[s];
      if (sc.audit || sc.as_of_agg < 0 || sc.source != source) continue;
      const AggStates& st = scans[s].aggs[static_cast<size_t>(sc.as_of_agg)];
      for (size_t k = 0; k < scans[s].period.size(); ++k) {
        if (st.count.empty() || st.count[k] == 0) continue;
        int32_t d = static_cast<int32_t>(st.imax[k]);
        if (rt::PeriodStart(g.grain, rt::PeriodOf(g.grain, d, plan.calendar), plan.calendar) != d) return false;
        any = true;
      }
    }
    if (!any) return false;
  }
  return !g.target_sources.empty();
}

}  // namespace

Results Evaluate(const plan::Plan& plan, const std::vector<ScanResult>& scans, const Limits& limits,
                 const std::vector<RateTable>& rates, const WorkDays* work) {
  Results out;
  Evaluator ev(plan, scans, rates, work);
  out.as_of = plan.as_of_day ? plan.as_of_day : LastDay(plan, scans);
  ev.SetAsOf(out.as_of);
  // Budgets: each row is spread over the days of its plan period.
  static const rt::Calendar kGregorian;
  std::set<std::string> spread;
  std::map<std::string, std::pair<Grain, const rt::Calendar*>> cadence;  // a budget's plan periods
  {
    for (size_t s = 0; s < scans.size(); ++s) {
      const plan::Scan& sc = plan.scans[s];
      if (sc.audit || !sc.plans_only || sc.grain != Grain::kDay) continue;
      auto [it, fresh] = cadence.try_emplace(sc.source);
      if (fresh) it->second.first = SpreadCadence(plan, scans, sc.source, kGregorian, &it->second.second);
      if (it->second.first == Grain::kDay) continue;
      ev.SetSpread(static_cast<int>(s), {it->second.first, it->second.second});
      spread.insert(sc.source);
    }
  }
  // Freshness: a source whose rows end before the as-of date (one loaded
  // late) leaves its numbers short for the days after.
  if (out.as_of) {
    std::set<std::string> seen;
    for (const plan::Scan& sc : plan.scans) {
      if (sc.audit || sc.as_of_agg < 0 || !seen.insert(sc.source).second) continue;
      std::optional<int32_t> last = LastDay(plan, scans, &sc.source);
      if (!last || *last >= *out.as_of) continue;
      // A budget is current while the as-of date is in its last row's plan
      // period (a month's budget dated the 1st).
      if (auto it = cadence.find(sc.source);
          it != cadence.end() && it->second.first != Grain::kDay &&
          rt::PeriodOf(it->second.first, *last, *it->second.second) ==
              rt::PeriodOf(it->second.first, *out.as_of, *it->second.second))
        continue;
      // A source with a row per period (monthly snapshots dated the 1st)
      // is current while the as-of date is in its last row's period.
      const rt::Calendar gregorian;
      const rt::Calendar* cal = nullptr;
      if (Grain cad = Cadence(plan, scans, sc.source, gregorian, &cal);
          cad != Grain::kDay && rt::PeriodOf(cad, *last, *cal) == rt::PeriodOf(cad, *out.as_of, *cal))
        continue;
      std::string name = sc.source.substr(sc.source.find(':') + 1);
      // `package:name` when two packages' sources of one name are read.
      if (std::count_if(plan.sources.begin(), plan.sources.end(),
                        [&](const ir::Source& o) { return o.name == name; }) > 1)
        name = sc.source;
      const std::string& label = plan.SourceOf(sc).label;
      int32_t lag = *out.as_of - *last;
      out.warnings.push_back(
          {"W0708",
           fmt::format("source `{}` has no rows after {}, {} day{} before the as-of date {}: if its "
                       "data is late, what it counts is short for those days",
                       name, rt::FormatDate(*last), lag, lag == 1 ? "" : "s", rt::FormatDate(*out.as_of)),
           fmt::format("数据源{}在 {} 之后没有数据，比截至日期 {} 早 {} 天：如果数据迟到，这些天的统计会偏少",
                       ZhName(label, name), rt::FormatDate(*last), rt::FormatDate(*out.as_of), lag)});
    }
  }
  // The days of a period that count, in a window [from, to) and up to the
  // as-of date; partial when some of its days do not.
  auto span_of = [&](Grain g, int64_t p, std::optional<int32_t> from, std::optional<int32_t> to) {
    Span sp;
    if (g == Grain::kAll || g == Grain::kDay) return sp;
    int32_t ps = rt::PeriodStart(g, p, plan.calendar), pe = rt::PeriodEnd(g, p, plan.calendar) - 1;
    int32_t a = ps, b = pe;
    if (from) a = std::max(a, *from);
    if (to) b = std::min(b, *to - 1);
    if (out.as_of) b = std::min(b, *out.as_of);
    if (a > ps || b < pe) sp.partial = true, sp.first = a, sp.last = b;
    sp.open = sp.partial && out.as_of && *out.as_of < pe && (!to || *out.as_of < *to - 1);
    return sp;
  };
  auto ctx_of = [](Grain g, int64_t p, const DimTuple* t, const Span& sp) {
    Evaluator::Ctx c{g, p, p, t};
    if (sp.partial) c.clo = sp.first, c.chi = sp.last;
    return c;
  };
  // The whole window's days (for the members seen in it).
  int32_t wlo = plan.from_day ? *plan.from_day : INT32_MIN;
  int32_t whi = plan.to_day ? *plan.to_day - 1 : INT32_MAX;
  if (out.as_of) whi = std::min(whi, *out.as_of);
  for (size_t s = 0; s < scans.size(); ++s) {
    if (scans[s].rows_without_time > 0 && !plan.scans[s].past_to) {
      const plan::Scan& sc = plan.scans[s];
      const ir::Source& src = plan.SourceOf(sc);
      out.warnings.push_back({"W0702",
                              fmt::format("{} row(s) of `{}` have no `{}` and fall in no period",
                                          scans[s].rows_without_time, src.name, sc.columns[sc.time_column].Text()),
                              fmt::format("{}中有 {} 行没有 `{}`，不属于任何时期", ZhName(src.label, src.name),
                                          scans[s].rows_without_time, sc.columns[sc.time_column].Text())});
    }
  }
  std::vector<int> every;
  for (size_t s = 0; s < plan.scans.size(); ++s)
    if (!plan.scans[s].audit && !plan.scans[s].past_to) every.push_back(static_cast<int>(s));
  // A value that is not a finite number (a float that overflowed) is null
  // in every output, and the run says what and where (W0710): per output,
  // its first period and the rows.
  std::vector<std::tuple<std::string, std::string, size_t>> nonfinite;
  auto finite = [&](Val v, const std::string& what, Grain g, int64_t p) {
    bool bad = ev.TakeNonFinite();
    if (v.kind == Val::Kind::kFloat && !std::isfinite(v.f)) bad = true, v = Val::Null();
    if (!bad) return v;
    if (nonfinite.empty() || std::get<0>(nonfinite.back()) != what)
      nonfinite.emplace_back(what, rt::PeriodLabel(g, p, plan.calendar), 0);
    ++std::get<2>(nonfinite.back());
    return v;
  };
  size_t rows_so_far = 0;  // over every output (--max-groups)
  auto output = [&](const plan::Output& o, const std::string& what) {
    MetricResult mr;
    mr.output = &o;
    const std::vector<int>& scans_of = o.scans.empty() ? every : o.scans;
    Grain g = o.grain;
    int64_t lo = 0, hi = 0;
    bool any = true;
    if (g == Grain::kAll) {
      lo = hi = 0;
    } else if (plan.from_day || plan.to_day) {
      int64_t dlo = 0, dhi = 0;
      bool data = ev.DataRange(scans_of, g, &dlo, &dhi);
      lo = plan.from_day ? rt::PeriodOf(g, *plan.from_day, plan.calendar) : dlo;
      hi = plan.to_day ? rt::PeriodOf(g, *plan.to_day - 1, plan.calendar) : dhi;
      if (!data && (!plan.from_day || !plan.to_day)) any = false;
    } else {
      any = ev.DataRange(scans_of, g, &lo, &hi);
    }
    // No period after the as-of date's: nothing is known of it yet.
    if (g != Grain::kAll && out.as_of) hi = std::min(hi, rt::PeriodOf(g, *out.as_of, plan.calendar));
    if (any && hi >= lo) {
      std::vector<DimTuple> tuples = o.by.empty() ? std::vector<DimTuple>{DimTuple{}}
                                                  : ev.Tuples(scans_of, g, lo, hi, g == Grain::kAll, o.by.size(), wlo, whi);
      size_t n = static_cast<size_t>(hi - lo + 1) * tuples.size();
      if (n > limits.max_groups)
        throw LimitError(
            fmt::format("metric `{}` would have {} rows ({} periods x {} members), more than --max-groups {}", o.metric,
                        n, hi - lo + 1, tuples.size(), limits.max_groups));
      // The bound holds for the metrics together: four metrics by day from
      // year 1 to 9999 took 2.1 GB from a one-row file (probe, 2026-12-05).
      rows_so_far += n;
      if (rows_so_far > limits.max_groups)
        throw LimitError(fmt::format("the metrics asked for would have {} rows together (metric `{}` adds {} periods x "
                                     "{} members), more than --max-groups {}; narrow --from/--to or ask for a coarser "
                                     "--grain",
                                     rows_so_far, o.metric, hi - lo + 1, tuples.size(), limits.max_groups));
      mr.rows.reserve(n);
      rt::AdviseHeapHugePages();  // before the rows are filled
      for (int64_t p = lo; p <= hi; ++p) {
        Span sp = span_of(g, p, plan.from_day, plan.to_day);
        for (const DimTuple& t : tuples) {
          ev.TakeNonFinite();
          Val v = finite(ev.Eval(o.root, ctx_of(g, p, &t, sp)), what, g, p);
          mr.rows.push_back({p, t, o.round >= 0 ? RoundHalfEven(v, o.round) : v, sp});
        }
      }
    }
    return mr;
  };
  for (const plan::Output& o : plan.outputs) out.metrics.push_back(output(o, fmt::format("metric `{}`", o.metric)));
  for (const plan::Output& o : plan.charts)
    out.charts.push_back(output(o, fmt::format("chart `{}{}`", o.formula, o.by.empty() ? "" : " by " + o.by[0])));
  for (const plan::GoalPlan& g : plan.goals) {
    GoalResult gr;
    gr.goal = &g;
    ev.target_pro_rata = ReadProRata(plan, scans, g, spread);
    const std::vector<int>& scans_of = g.scans.empty() ? every : g.scans;
    int64_t lo = g.grain == Grain::kAll ? 0 : rt::PeriodOf(g.grain, g.from_day, plan.calendar);
    int64_t hi = g.grain == Grain::kAll ? 0 : rt::PeriodOf(g.grain, g.to_day - 1, plan.calendar);
    // A goal's periods count against --max-groups with the metrics' rows: a
    // goal by day to 9999 took 3.1 GB whatever --max-groups said (hang
    // probe, 2026-12-07).
    // A goal's period is also heavier than a metric's row (its status,
    // pace, drills, alerts): at most kMaxGoalPeriods of them, 273 years by
    // day (3.65 million days from year 1 took over 60 s and 7.5 GB).
    constexpr int64_t kMaxGoalPeriods = 100000;
    rows_so_far += static_cast<size_t>(hi - lo + 1);
    if (hi - lo + 1 > kMaxGoalPeriods)
      throw LimitError(fmt::format("goal `{}` has {} periods ({} to {}), more than {}; narrow --from/--to or ask for a "
                                   "coarser --grain",
                                   g.name, hi - lo + 1, rt::FormatDate(g.from_day), rt::FormatDate(g.to_day - 1),
                                   kMaxGoalPeriods));
    if (rows_so_far > limits.max_groups)
      throw LimitError(fmt::format("goal `{}` has {} periods ({} to {}), which with the metrics asked for make more than "
                                   "--max-groups {} rows; narrow --from/--to or ask for a coarser --grain",
                                   g.name, hi - lo + 1, rt::FormatDate(g.from_day), rt::FormatDate(g.to_day - 1),
                                   limits.max_groups));
    DimTuple none;
    // A phased target is for the whole period: spread evenly, or in
    // proportion to the metric in the same periods last year.
    Evaluator::Ctx whole{g.grain, lo, hi, &none};
    Val total_target =
        g.target >= 0 && g.phasing != plan::Phasing::kNone ? TargetOf(ev, g, g.target, whole, true) : Val::Null();
    Val last_year_total = g.last_year >= 0 ? ev.EvalKnown(g.last_year, whole) : Val::Null();
    // Each period's phased target, for the goal's table and `m.target` in
    // its alerts (computed here, not while an alert is evaluated).
    // Each is a whole period's target: a period the goal's window cuts (a
    // year's first and last weeks) is judged on its days' part, pro rata
    // (WindowTarget, Pace). So the whole target is spread over the periods
    // counted by their shares of days in the window, and the parts add up
    // to it: spread over 53 weeks, two of them of 4 days, a year's target
    // lost 1.6% (reader's probe, 2026-12-06).
    std::vector<Val> phased;
    std::vector<Val> ly;  // `phasing last_year`: the metric in each period a year earlier
    if (g.phasing != plan::Phasing::kNone) {
      std::vector<double> share;
      bool cut = false;
      for (int64_t p = lo; p <= hi; ++p) {
        share.push_back(g.grain == Grain::kAll ? 1.0 : WindowShare(plan, g, p));
        cut |= share.back() < 1;
        if (g.phasing == plan::Phasing::kLastYear) ly.push_back(ev.EvalKnown(g.last_year, Evaluator::Ctx{g.grain, p, p, &none}));
      }
      // Without a cut period: the sum of shares is the count of periods,
      // and last year's parts add up to last year's whole.
      Val periods = Val::Int(hi - lo + 1), ly_sum = last_year_total;
      if (cut) {
        double n = 0;
        for (double x : share) n += x;
        periods = Val::Float(n);
        // Last year's whole, less the cut periods' parts outside the window.
        if (g.phasing == plan::Phasing::kLastYear)
          for (size_t i = 0; i < ly.size(); ++i)
            if (share[i] < 1 && !ly[i].null()) ly_sum = Sub(ly_sum, Mul(Val::Float(1 - share[i]), ly[i]));
      }
      for (int64_t p = lo; p <= hi; ++p)
        phased.push_back(g.phasing == plan::Phasing::kEven
                             ? Div(total_target, periods)
                             : Mul(total_target, Div(ly[static_cast<size_t>(p - lo)], ly_sum)));
    } else if (g.target_grain && g.target >= 0) {
      // At another grain than the goal's own: a period's target adds up
      // those of the goal's periods it covers, a part of one by its days.
      // Exact when every period makes whole periods of the goal's (quarters
      // of months), else in doubles throughout (as `kpic sql`).
      Val each = TargetOf(ev, g, g.target, whole, true);
      std::vector<double> factor;
      bool whole_numbers = true;
      for (int64_t p = lo; p <= hi; ++p) {
        factor.push_back(plan::TargetGrainFactor(g, p, plan.calendar));
        whole_numbers &= factor.back() == std::floor(factor.back());
      }
      for (double f : factor)
        phased.push_back(whole_numbers ? Mul(each, Val::Int(static_cast<int64_t>(f))) : Mul(each, Val::Float(f)));
    }
    // `m.target` of a phased goal over an alert's context: the phased
    // targets of its periods, a period cut to some of its days pro rata (a
    // partial period's is its pace target); null for a period outside the
    // goal's or at another grain (`sales.target.previous` in January, or
    // `.to_date(year)`: the months' targets so far, not the month's alone).
    std::function<Val(const Evaluator::Ctx&)> phased_target = [&](const Evaluator::Ctx& c) -> Val {
      if (phased.empty() || c.g != g.grain || c.lo < lo || c.hi > hi || c.hi - c.lo > 100000) return Val::Null();
      Val sum = Val::Int(0);
      for (int64_t p = c.lo; p <= c.hi; ++p) {
        const Val& t = phased[static_cast<size_t>(p - lo)];
        if (t.null()) return Val::Null();
        int32_t ps = rt::PeriodStart(g.grain, p, plan.calendar), pe = rt::PeriodEnd(g.grain, p, plan.calendar);
        int32_t a = std::max(ps, c.clo), b = std::min(pe - 1, c.chi);
        double share = pe > ps ? std::max(0.0, double(int64_t{b} - a + 1) / double(pe - ps)) : 1.0;
        sum = Add(sum, share >= 1 ? t : Mul(t, Val::Float(share)));
      }
      return sum;
    };
    std::set<std::string> held;  // alerts not evaluated on a partial period
    std::optional<int32_t> gfrom = g.from_day, gto = g.to_day;
    for (int64_t p = lo; p <= hi; ++p) {
      GoalPeriod gp;
      gp.period = p;
      gp.span = span_of(g.grain, p, gfrom, gto);
      Evaluator::Ctx c = ctx_of(g.grain, p, &none, gp.span);
      // Wholly after the as-of date (a day is never partial, but may be after it).
      bool after = (gp.span.partial && gp.span.first > gp.span.last) || (g.grain == Grain::kDay && ev.After(g.grain, p));
      if (after) gp.span = Span{};
      gp.has_data = !after && ev.HasData(scans_of, g.grain, p, p, c.clo, c.chi);
      // The period's target is for the whole period; a partial one's pace
      // compares with the target over its span.
      Evaluator::Ctx full{g.grain, p, p, &none};
      Val span_target;
      if (g.target >= 0 && g.phasing == plan::Phasing::kNone) {
        if (!after) span_target = TargetOf(ev, g, g.target, c);
        gp.target = after ? TargetOf(ev, g, g.target, full, true)
                  : gp.span.partial ? TargetOf(ev, g, g.target, full)
                                    : span_target;
      }
      if (g.phasing != plan::Phasing::kNone || (g.target_grain && g.target >= 0))
        gp.target = phased[static_cast<size_t>(p - lo)];
      if (after) {
        gp.status = "upcoming";  // JSON and CSV: `no_data` (ContractStatus)
        // One the goal's bounds cut (2026's W53 has 4 days in the year) is
        // shown against its days' part of the target, as a closed one is:
        // its whole week's read beside the year's total (review, 2026-12-06).
        if (g.grain != Grain::kDay && g.grain != Grain::kAll && !gp.target.null() && WindowShare(plan, g, p) < 1) {
          Evaluator::Ctx w = WindowCtx(plan, g, p, &none);
          gp.span = Span{true, w.clo, w.chi, false};
          gp.elapsed = WindowShare(plan, g, p);
          gp.pace_target = WindowTarget(ev, plan, g, gp);
        }
        gr.periods.push_back(gp);
        continue;
      }
      ev.TakeNonFinite();
      gp.value = finite(ev.Eval(g.value, c), fmt::format("goal `{}`", g.name), g.grain, p);
      gp.status = StatusOf(g, gp, &gp.attainment, &gp.has_attainment, !(gp.span.partial && gp.span.open));
      if (gp.span.partial && gp.status != "no_data") {
        Pace(plan, g, span_target, ev.target_pro_rata, &gp);
        // Phased like last year, a period in progress is paced like last
        // year's same days, not evenly by its days (a Q4 49 days in had 53%
        // of its target where last year's same days made 54%: reader's
        // probe, 2026-12-06). A period cut by the goal's bounds keeps its
        // days' share, so that the parts add up to the whole target.
        if (g.phasing == plan::Phasing::kLastYear && gp.span.open && gp.has_pace && !gp.target.null()) {
          Val same_days = ev.EvalKnown(g.last_year, c), whole_period = ly[static_cast<size_t>(p - lo)];
          Val part = Div(same_days, whole_period);
          if (!part.null() && part.AsDouble() >= 0 && part.AsDouble() <= 1) {
            gp.pace_target = Mul(gp.target, part);
            Val v = Attainment(g, gp.value, gp.pace_target);
            gp.has_pace = !v.null();
            if (gp.has_pace) gp.pace = v.AsDouble();
          }
        }
        if (!gp.span.open) {
          // Cut by the goal's or the window's bounds, not by the as-of
          // date: the period is over, and is judged against the target
          // for its days (it said "in progress" for a week long past).
          GoalPeriod judged = gp;
          if (gp.has_pace) judged.target = gp.pace_target;
          gp.status = StatusOf(g, judged, &gp.attainment, &gp.has_attainment, true);
        }
      }
      if (gp.has_data) {
        gr.status = gp.status;
        // An alert fires for the goal's total, and for each member (with
        // rows in this period or the one before: one that stopped selling is
        // news too) of each drill dimension.
        auto fire = [&](const plan::GoalPlan::Alert& a, int cond, int value, const Evaluator::Ctx& at,
                        const plan::GoalPlan::Alert::ByMember* bm) {
          if (gp.span.partial && a.held) {
            held.insert(a.name);
            return;
          }
          Fire(ev, a, cond, value, at, bm, p, &gr.alerts);
        };
        c.goal_target = &phased_target;
        for (const auto& a : g.alerts)
          if (!a.forecast) fire(a, a.cond, a.value, c, nullptr);
        for (const auto& a : g.alerts) {
          if (a.forecast) continue;  // after the forecast (Forecast)
          // Whether the total fired for this period: a dimension of one
          // member (a store under its own role) then says it again, with
          // the same number (store probe, 2026-12-07).
          bool total_fired = std::any_of(gr.alerts.begin(), gr.alerts.end(), [&](const FiredAlert& f) {
            return f.name == a.name && f.period == p && f.dim.empty();
          });
          for (const auto& bm : a.by) {
            std::vector<DimTuple> members = ev.Tuples(bm.scans, g.grain, p - 1, p, false, 1);
            // Under a role only: without one, the member's alert is where
            // an action on the member is shown (review, 2026-12-07).
            if (members.size() == 1 && total_fired && !plan.role.empty()) continue;
            for (const DimTuple& m : members) fire(a, bm.cond, bm.value, ctx_of(g.grain, p, &m, gp.span), &bm);
          }
        }
      }
      gr.periods.push_back(gp);
    }
    if (gr.status.empty()) {
      // A goal whose periods are all after the as-of date has not begun.
      bool upcoming = !gr.periods.empty() && std::all_of(gr.periods.begin(), gr.periods.end(), [](const GoalPeriod& x) {
        return x.status == "upcoming";
      });
      gr.status = upcoming ? "upcoming" : "no_data";
    }
    for (const std::string& name : held)
      out.warnings.push_back(
          {"W0707",
           fmt::format("alert `{}` of goal `{}` compares an amount that grows through the period with a fixed "
                       "threshold, so it waits for the period to end: it was not evaluated on the partial "
                       "period (data as of {})",
                       name, g.name, out.as_of ? rt::FormatDate(*out.as_of) : std::string("-")),
           fmt::format("目标{}的预警「{}」用固定阈值比较一个随时期累积的量，因此要等时期结束：本期尚未结束，未评估"
                       "（数据截至 {}）",
                       ZhName(g.label, g.name), name, out.as_of ? rt::FormatDate(*out.as_of) : std::string("-"))});
    Explain(ev, plan, g, &gr);
    if (out.as_of) Forecast(ev, plan, g, *out.as_of, &out, &gr, &phased_target);
    out.goals.push_back(std::move(gr));
  }
  for (const auto& [what, first, rows] : nonfinite) {
    const std::string zh_what = ZhWhat(what);
    out.warnings.push_back(
        {"W0710",
         rows == 1 ? fmt::format("{} is not a finite number in period {} (a float overflowed the range of a double): "
                                 "it is shown as null",
                                 what, first)
                   : fmt::format("{} is not a finite number in {} rows, the first in period {} (a float overflowed "
                                 "the range of a double): they are shown as null",
                                 what, rows, first),
         rows == 1 ? fmt::format("{} 在 {} 期不是有限数（浮点数超出了 double 的范围），显示为空", zh_what, first)
                   : fmt::format("{} 有 {} 行不是有限数，第一行在 {} 期（浮点数超出了 double 的范围），显示为空", zh_what,
                                 rows, first)});
  }
  return out;
}

}  // namespace kpic::engine
