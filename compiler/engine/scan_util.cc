// Shared scan pieces and the merging of aggregate states.
#include "engine/scan_util.h"

#include <algorithm>
#include <cmath>

#include "datetime.h"
#include "decimal.h"
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
    int64_t secs = v >= 0 ? v / 1000000 : -((-v + 999999) / 1000000);
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
    return (thursday - rt::DaysFromCivil(ty, 1, 1).value_or(0)) / 7 + 1;
  }
  return 0;
}

double ScaledToDouble(int64_t v, int scale) {
  return static_cast<double>(static_cast<long double>(v) / static_cast<long double>(rt::Pow10(scale)));
}

void GrowStates(const plan::Scan& scan, size_t a, AggStates* st, size_t n) {
  const AggSpec& spec = scan.aggs[a];
  st->count.resize(n, 0);
  if (spec.fn == AggSpec::Fn::kCountRows || spec.fn == AggSpec::Fn::kCount) return;
  bool fl = spec.arg >= 0 && scan.nodes[spec.arg].type == VT::kFloat;
  switch (spec.fn) {
    case AggSpec::Fn::kSum:
    case AggSpec::Fn::kAvg:
      if (fl)
        st->fsum.resize(n, 0);
      else
        st->isum.resize(n, 0);
      break;
    case AggSpec::Fn::kMin:
      if (fl)
        st->fmin.resize(n, 0);
      else
        st->imin.resize(n, 0);
      break;
    case AggSpec::Fn::kMax:
      if (fl)
        st->fmax.resize(n, 0);
      else
        st->imax.resize(n, 0);
      break;
    case AggSpec::Fn::kCountDistinct:
      st->distinct.resize(n);
      break;
    case AggSpec::Fn::kMedian:
    case AggSpec::Fn::kPercentile:
      st->values.resize(n);
      break;
    default:
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

void Finish(ScanResult* r) {
  for (AggStates& st : r->aggs) {
    for (auto& d : st.distinct) d.Finish();
    for (auto& v : st.values) std::sort(v.begin(), v.end());
  }
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

}  // namespace kpic::engine
