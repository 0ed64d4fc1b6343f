// Shared scan pieces and the merging of aggregate states.
#include "engine/scan_util.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "datetime.h"
#include "decimal.h"
#include "base/utf8.h"
#include "timezone.h"

namespace kpic::engine {

using plan::AggSpec;
using plan::VT;

int64_t DatePart(builtins::Fn part, bool timestamp, int64_t v, const rt::Calendar& cal) {
  using builtins::Fn;
  int32_t day = timestamp ? rt::LocalDay(v, cal) : static_cast<int32_t>(v);
  if (part == Fn::kDate) return day;
  if (part == Fn::kHour) {
    if (!timestamp) return 0;
    int64_t secs = v / 1000000 - (v % 1000000 < 0);  // floor (v may be INT64_MIN)
    int64_t local = secs + (cal.zone ? cal.zone->OffsetAt(secs) : 0);
    return ((local % 86400) + 86400) % 86400 / 3600;
  }
  int y, m, d;
  rt::CivilFromDays(day, &y, &m, &d);
  if (part == Fn::kYear) return y;
  if (part == Fn::kQuarter) return (m - 1) / 3 + 1;
  if (part == Fn::kMonth) return m;
  if (part == Fn::kDay) return d;
  int64_t weekday = ((int64_t{day} + 3) % 7 + 7) % 7;  // Monday = 0
  if (part == Fn::kWeekday) return weekday + 1;
  if (part == Fn::kWeek) {
    int32_t thursday = day - static_cast<int32_t>(weekday) + 3;
    int ty, tm, td;
    rt::CivilFromDays(thursday, &ty, &tm, &td);
    return (thursday - rt::DaysFromCivilAny(ty, 1, 1)) / 7 + 1;
  }
  return 0;
}

double ScaledToDouble(int64_t v, int scale) {
  return static_cast<double>(static_cast<long double>(v) / static_cast<long double>(rt::Pow10(scale)));
}

void GrowStates(const plan::Scan& scan, size_t a, AggStates* st, size_t n) {
  const AggSpec& spec = scan.aggs[a];
  st->count.resize(n, 0);
  bool fl = spec.arg >= 0 && scan.nodes[spec.arg].type == VT::kFloat;
  // The state each aggregate keeps is its builtin entry's.
  switch (builtins::Get(plan::BuiltinOf(spec.fn)).state) {
    case builtins::State::kSum:
      if (fl)
        st->fsum.resize(n, 0);
      else
        st->isum.resize(n, 0);
      break;
    case builtins::State::kMinMax:
      if (spec.fn == AggSpec::Fn::kMin) {
        if (fl)
          st->fmin.resize(n, 0);
        else
          st->imin.resize(n, 0);
      } else {
        if (fl)
          st->fmax.resize(n, 0);
        else
          st->imax.resize(n, 0);
      }
      break;
    case builtins::State::kMoments:
      if (fl) {
        st->fsum.resize(n, 0);
        st->fsumsq.resize(n, 0);
        st->fshift.resize(n, 0);
      } else {
        st->isum.resize(n, 0);
        st->isumsq.resize(n, 0);
      }
      break;
    case builtins::State::kDistinct:
      st->distinct.resize(n);
      break;
    case builtins::State::kValues:
      st->values.resize(n);
      break;
    case builtins::State::kCount:
    case builtins::State::kNone:
      break;
  }
}

DimValue DimOf(const rt::Column& c, size_t row) {
  DimValue v;
  if (c.IsNull(row)) {
    v.null = true;
    return v;
  }
  if (c.type == rt::ColType::kString)
    v.s = c.dict.At(c.codes[row]);
  else if (c.type == rt::ColType::kFloat)
    v.s = std::to_string(c.floats[row]);
  else
    v.i = c.ints[row];
  return v;
}

void MergeMoments(AggStates& x, uint32_t g, int64_t nx, const AggStates& y, uint32_t h) {
  int64_t ny = y.count[h];
  if (ny == 0) return;
  if (nx == 0) {
    x.fshift[g] = y.fshift[h], x.fsum[g] = y.fsum[h], x.fsumsq[g] = y.fsumsq[h];
    return;
  }
  // y's values are (x - Ky) = (x - Kx) - d with d = Kx - Ky: the sum of
  // (x - Kx) is Sy + ny d, of its square Qy + 2 d Sy + ny d^2. Both shifts
  // are values of the merged groups (or their means), so d^2 is at most
  // about twice the merged sum of squared deviations: no catastrophic
  // cancellation is brought in.
  long double d = static_cast<long double>(y.fshift[h]) - x.fshift[g];
  long double sy = y.fsum[h], dn = static_cast<long double>(ny);
  x.fsum[g] = static_cast<double>(x.fsum[g] + sy + dn * d);
  x.fsumsq[g] = static_cast<double>(x.fsumsq[g] + y.fsumsq[h] + d * (2 * sy + dn * d));
}

/// Adds group h of `from` into group g of `into`. `fresh`: g was just
/// created, so distinct sets and value lists are moved, not copied.
void MergeDistinct(const plan::Scan& scan, ScanResult* into, uint32_t g, const ScanResult& from, uint32_t h) {
  for (size_t a = 0; a < scan.aggs.size(); ++a)
    if (!into->aggs[a].distinct.empty()) into->aggs[a].distinct[g].Merge(from.aggs[a].distinct[h]);
}

void MergeStates(const plan::Scan& scan, ScanResult* into, uint32_t g, ScanResult& from, uint32_t h, bool fresh,
                 bool distinct) {
  into->rows[g] += from.rows[h];
  for (size_t a = 0; a < scan.aggs.size(); ++a) {
    AggStates& x = into->aggs[a];
    const AggStates& y = from.aggs[a];
    int64_t before = x.count[g];
    x.count[g] += y.count[h];
    if (!x.isum.empty()) x.isum[g] += y.isum[h];
    if (!x.fshift.empty()) {
      MergeMoments(x, g, before, y, h);
    } else if (!x.fsum.empty()) {
      x.fsum[g] += y.fsum[h];
    }
    if (!x.isumsq.empty() && __builtin_add_overflow(x.isumsq[g], y.isumsq[h], &x.isumsq[g]))
      throw OverflowError(
          fmt::format("the sum of squares of `{}` overflowed 128 bits", plan::DumpRow(scan, scan.aggs[a].arg)));
    if (y.count[h] > 0) {
      if (!x.imin.empty()) x.imin[g] = before ? std::min(x.imin[g], y.imin[h]) : y.imin[h];
      if (!x.imax.empty()) x.imax[g] = before ? std::max(x.imax[g], y.imax[h]) : y.imax[h];
      if (!x.fmin.empty()) x.fmin[g] = before ? std::min(x.fmin[g], y.fmin[h]) : y.fmin[h];
      if (!x.fmax.empty()) x.fmax[g] = before ? std::max(x.fmax[g], y.fmax[h]) : y.fmax[h];
    }
    if (!x.distinct.empty() && (fresh || distinct)) {
      if (fresh)
        x.distinct[g] = std::move(from.aggs[a].distinct[h]);
      else
        x.distinct[g].Merge(y.distinct[h]);  // bitmaps merge word by word
    }
    if (!x.values.empty()) {
      if (fresh)
        x.values[g] = std::move(from.aggs[a].values[h]);
      else
        x.values[g].insert(x.values[g].end(), y.values[h].begin(), y.values[h].end());
    }
  }
}

void Finish(ScanResult* r) {
  for (AggStates& st : r->aggs) {
    for (auto& d : st.distinct) d.Finish();
    for (auto& v : st.values) std::sort(v.begin(), v.end());
  }
}

bool SampleVariance(const AggStates& st, const std::vector<uint32_t>& groups, int64_t n, bool fl, int scale,
                    double* out) {
  if (n < 2) return false;
  long double dn = static_cast<long double>(n);
  if (fl) {
    // The groups' shifted moments brought to one shift, the first group's
    // (as MergeMoments does), in extended precision. Tracking a running
    // mean instead (Chan's formula) rounds the mean of values near 1e9 to
    // 1e-10, an error that enters each group's deviation linearly.
    long double k = 0, s = 0, q = 0;
    bool first = true;
    for (uint32_t g : groups) {
      int64_t c = st.count[g];
      if (c == 0) continue;
      if (first) k = st.fshift[g], first = false;
      long double d = st.fshift[g] - k, sg = st.fsum[g], dc = static_cast<long double>(c);
      s += sg + dc * d;
      q += st.fsumsq[g] + d * (2 * sg + dc * d);
    }
    *out = static_cast<double>(std::max<long double>(q - s * s / dn, 0) / (dn - 1));
    return true;
  }
  // Exact: n * sum(x^2) - sum(x)^2 over the scaled integers, then one
  // division (by n (n - 1) and the scale squared), as the SQL does.
  __int128 s = 0, q = 0, nq = 0, ss = 0, num = 0;
  bool ovf = false;
  for (uint32_t g : groups) {
    ovf |= __builtin_add_overflow(s, st.isum[g], &s);
    ovf |= __builtin_add_overflow(q, st.isumsq[g], &q);
  }
  if (ovf) throw OverflowError("a sum of squares for `stddev`/`variance` overflowed 128 bits");
  long double scale2 = 1;
  for (int k = 0; k < 2 * scale; ++k) scale2 *= 10;
  if (__builtin_mul_overflow(static_cast<__int128>(n), q, &nq) || __builtin_mul_overflow(s, s, &ss) ||
      __builtin_sub_overflow(nq, ss, &num)) {
    // Beyond 128 bits: the same formula in extended precision.
    long double ls = static_cast<long double>(s), lq = static_cast<long double>(q);
    *out = static_cast<double>(std::max<long double>(dn * lq - ls * ls, 0) / (dn * (dn - 1)) / scale2);
    return true;
  }
  *out = static_cast<double>(static_cast<long double>(num) / (dn * (dn - 1)) / scale2);
  return true;
}

Val AggValue(const plan::Scan& scan, int a, const ScanResult& r, const std::vector<uint32_t>& groups) {
  const AggSpec& spec = scan.aggs[a];
  const AggStates& st = r.aggs[a];
  int64_t count = 0;
  for (uint32_t g : groups) count += st.count[g];
  using F = AggSpec::Fn;
  if (spec.fn == F::kCount || spec.fn == F::kCountRows) return Val::Int(count);
  const plan::RowNode* arg = spec.arg >= 0 ? &scan.nodes[spec.arg] : nullptr;
  bool fl = arg && arg->type == VT::kFloat;
  int scale = arg && arg->type == VT::kDecimal ? arg->scale : 0;
  bool dec = arg && arg->type == VT::kDecimal;
  auto exact = [&](__int128 v) { return dec ? Val::Dec(v, scale) : Val::Int(v); };
  switch (spec.fn) {
    case F::kSum: {
      // An empty group sums to zero: sums are additive.
      if (fl) {
        double s = 0;
        for (uint32_t g : groups) s += st.fsum[g];
        return Val::Float(s);
      }
      __int128 s = 0;
      for (uint32_t g : groups) s += st.isum[g];
      return exact(s);
    }
    case F::kAvg: {
      if (count == 0) return Val::Null();
      if (fl) {
        double s = 0;
        for (uint32_t g : groups) s += st.fsum[g];
        return Val::Float(s / static_cast<double>(count));
      }
      __int128 s = 0;
      for (uint32_t g : groups) s += st.isum[g];
      return Div(exact(s), Val::Int(count));
    }
    case F::kMin:
    case F::kMax: {
      if (count == 0) return Val::Null();
      bool first = true;
      double fv = 0;
      int64_t iv = 0;
      for (uint32_t g : groups) {
        if (st.count[g] == 0) continue;
        if (spec.fn == F::kMin) {
          if (fl)
            fv = first ? st.fmin[g] : std::min(fv, st.fmin[g]);
          else
            iv = first ? st.imin[g] : std::min(iv, st.imin[g]);
        } else {
          if (fl)
            fv = first ? st.fmax[g] : std::max(fv, st.fmax[g]);
          else
            iv = first ? st.imax[g] : std::max(iv, st.imax[g]);
        }
        first = false;
      }
      return fl ? Val::Float(fv) : exact(iv);
    }
    case F::kStddev:
    case F::kVariance: {
      double var = 0;
      if (!SampleVariance(st, groups, count, fl, scale, &var)) return Val::Null();
      return Val::Float(spec.fn == F::kStddev ? std::sqrt(var) : var);
    }
    case F::kCountDistinct: {
      if (groups.size() == 1) return Val::Int(static_cast<int64_t>(st.distinct[groups[0]].size()));
      DistinctSet all;
      for (uint32_t g : groups) all.Merge(st.distinct[g]);
      all.Finish();
      return Val::Int(static_cast<int64_t>(all.size()));
    }
    case F::kMedian:
    case F::kPercentile: {
      std::vector<double> all;
      for (uint32_t g : groups) all.insert(all.end(), st.values[g].begin(), st.values[g].end());
      if (all.empty()) return Val::Null();
      if (groups.size() > 1) std::sort(all.begin(), all.end());
      // Linear interpolation between the closest ranks (PostgreSQL's percentile_cont).
      double p = spec.fn == F::kMedian ? 0.5 : spec.p;
      double pos = p * static_cast<double>(all.size() - 1);
      size_t lo = static_cast<size_t>(std::floor(pos));
      size_t hi = std::min(lo + 1, all.size() - 1);
      double frac = pos - static_cast<double>(lo);
      return Val::Float(all[lo] + (all[hi] - all[lo]) * frac);
    }
    default:
      return Val::Null();
  }
}

namespace {

/// A column's value at a row as an analyst would type it (strings quoted,
/// escaped and cut at 60 characters).
std::string CellText(const rt::Column& c, size_t row) {
  if (row >= c.size() || c.IsNull(row)) return "null";
  switch (c.type) {
    case rt::ColType::kInt:
      return std::to_string(c.ints[row]);
    case rt::ColType::kDecimal:
      return rt::FormatDecimal(c.ints[row], c.scale);
    case rt::ColType::kFloat:
      return fmt::format("{}", c.floats[row]);
    case rt::ColType::kBool:
      return c.ints[row] ? "true" : "false";
    case rt::ColType::kDate:
      return rt::FormatDate(static_cast<int32_t>(c.ints[row]));
    case rt::ColType::kTimestamp:
      return rt::FormatTimestamp(c.ints[row]);
    case rt::ColType::kString: {
      std::string s = c.dict.At(c.codes[row]);
      size_t cut = 0, chars = 0;
      while (cut < s.size() && chars < 60) {
        ++chars;
        ++cut;
        while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
      }
      bool more = cut < s.size();
      s.resize(cut);
      return "\"" + EscapeBidi(Printable(s)) + (more ? "…" : "") + "\"";
    }
  }
  return "?";
}

void ColumnsUnder(const plan::Scan& scan, int node, std::vector<int>* out) {
  const plan::RowNode& n = scan.nodes[node];
  if (n.op == plan::RowNode::Op::kColumn) {
    if (std::find(out->begin(), out->end(), n.column) == out->end()) out->push_back(n.column);
    return;
  }
  for (int a : n.args) ColumnsUnder(scan, a, out);
}

}  // namespace

std::string OverflowMessage(std::string_view what, const plan::Scan& scan, int node, const ScanInput& in, size_t row,
                            size_t offset) {
  std::vector<std::string> names;
  for (const plan::ScanColumn& c : scan.columns) {
    const std::string& src = c.sources.empty() ? scan.source : c.sources[0];
    names.push_back(src.substr(src.rfind(':') + 1) + "." + c.Text());
  }
  std::string expr = plan::DumpRow(scan, node, &names);
  if (expr.size() > 2 && expr.front() == '(' && expr.back() == ')') expr = expr.substr(1, expr.size() - 2);
  std::vector<int> cols;
  // Under a role no value is shown: the row may be one the role's rule was
  // still deciding on (an overflow in the rule itself), and the columns
  // hidden ones (review, 2026-12-07).
  if (!scan.under_role) ColumnsUnder(scan, node, &cols);
  std::string values;
  for (int c : cols)
    if (static_cast<size_t>(c) < in.columns.size() && in.columns[c])
      values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", names[c], CellText(*in.columns[c], row));
  return fmt::format("{} in `{}` at data row {} of `{}`{}", what, expr, offset + row + 1, in.source_name,
                     values.empty() ? "" : " (" + values + ")");
}

}  // namespace kpic::engine
