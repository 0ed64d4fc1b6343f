// The reference interpreter: evaluates a scan one row at a time by walking
// the row expression tree, and groups rows in an ordered map. It is slow
// and plain on purpose; it is the oracle the JIT is tested against.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "datetime.h"
#include "decimal.h"
#include "engine/engine.h"
#include "engine/group.h"
#include "engine/scan_util.h"

namespace kpic::engine {

using plan::RowNode;
using plan::VT;

namespace {

struct RV {
  bool null = true;
  int64_t i = 0;
  double f = 0;
  std::string_view s;
};

RV Null() { return RV{}; }
RV I(int64_t v) {
  RV r;
  r.null = false;
  r.i = v;
  return r;
}
RV F(double v) {
  RV r;
  r.null = false;
  r.f = v;
  return r;
}

class RowEval {
 public:
  RowEval(const plan::Scan& s, const ScanInput& in, const rt::Calendar& cal) : s_(s), in_(in), cal_(cal) {}

  RV Eval(int id, size_t row) const {
    const RowNode& n = s_.nodes[id];
    using O = RowNode::Op;
    switch (n.op) {
      case O::kColumn: {
        const rt::Column& c = *in_.columns[n.column];
        if (c.IsNull(row)) return Null();
        RV r;
        r.null = false;
        switch (n.type) {
          case VT::kFloat:
            r.f = c.floats[row];
            break;
          case VT::kString:
            r.s = c.dict.At(c.codes[row]);
            break;
          default:
            r.i = c.ints[row];
        }
        return r;
      }
      case O::kConst: {
        if (n.type == VT::kNull) return Null();
        RV r;
        r.null = false;
        r.i = n.i;
        r.f = n.f;
        r.s = n.s;
        return r;
      }
      case O::kNeg: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        if (n.type == VT::kFloat) return F(-a.f);
        if (a.i == INT64_MIN) Overflow(id);
        return I(-a.i);
      }
      case O::kNot: {
        RV a = Eval(n.args[0], row);
        return a.null ? a : I(!a.i);
      }
      case O::kIsNull:
        return I(Eval(n.args[0], row).null);
      case O::kIsNotNull:
        return I(!Eval(n.args[0], row).null);
      case O::kAnd: {
        RV a = Eval(n.args[0], row);
        if (!a.null && !a.i) return I(0);
        RV b = Eval(n.args[1], row);
        if (!b.null && !b.i) return I(0);
        if (a.null || b.null) return Null();
        return I(1);
      }
      case O::kOr: {
        RV a = Eval(n.args[0], row);
        if (!a.null && a.i) return I(1);
        RV b = Eval(n.args[1], row);
        if (!b.null && b.i) return I(1);
        if (a.null || b.null) return Null();
        return I(0);
      }
      case O::kAdd:
      case O::kSub:
      case O::kMul:
      case O::kDiv:
        return Arith(n, id, row);
      case O::kEq:
      case O::kNe:
      case O::kLt:
      case O::kLe:
      case O::kGt:
      case O::kGe: {
        RV a = Eval(n.args[0], row), b = Eval(n.args[1], row);
        if (a.null || b.null) return Null();
        int c = CompareRV(s_.nodes[n.args[0]].type, a, b);
        switch (n.op) {
          case O::kEq:
            return I(c == 0);
          case O::kNe:
            return I(c != 0);
          case O::kLt:
            return I(c < 0);
          case O::kLe:
            return I(c <= 0);
          case O::kGt:
            return I(c > 0);
          default:
            return I(c >= 0);
        }
      }
      case O::kIn: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        VT t = s_.nodes[n.args[0]].type;
        bool found = false;
        for (size_t k = 1; k < n.args.size() && !found; ++k) {
          RV b = Eval(n.args[k], row);
          if (!b.null && CompareRV(t, a, b) == 0) found = true;
        }
        return I(found != n.negated);
      }
      case O::kIf: {
        RV c = Eval(n.args[0], row);
        return Eval(!c.null && c.i ? n.args[1] : n.args[2], row);
      }
      case O::kCoalesce:
        for (int a : n.args) {
          RV v = Eval(a, row);
          if (!v.null) return v;
        }
        return Null();
      case O::kDatePart: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        return I(DatePart(n.part, s_.nodes[n.args[0]].type == VT::kTimestamp, a.i, cal_));
      }
      case O::kAbs: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        if (n.type == VT::kFloat) return F(std::fabs(a.f));
        if (a.i == INT64_MIN) Overflow(id);
        return I(a.i < 0 ? -a.i : a.i);
      }
      case O::kToFloat: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        const RowNode& from = s_.nodes[n.args[0]];
        if (from.type == VT::kFloat) return a;
        return F(from.type == VT::kDecimal ? ScaledToDouble(a.i, from.scale) : static_cast<double>(a.i));
      }
      case O::kRescale: {
        RV a = Eval(n.args[0], row);
        if (a.null) return a;
        const RowNode& from = s_.nodes[n.args[0]];
        int fs = from.type == VT::kDecimal ? from.scale : 0;
        int64_t out;
        if (__builtin_mul_overflow(a.i, static_cast<int64_t>(rt::Pow10(n.scale - fs)), &out)) Overflow(id);
        return I(out);
      }
    }
    return Null();
  }

  [[noreturn]] void Overflow(int id) const { throw OverflowNode(id); }

  struct OverflowNode {
    int node;
  };

 private:
  RV Arith(const RowNode& n, int id, size_t row) const {
    RV a = Eval(n.args[0], row), b = Eval(n.args[1], row);
    if (a.null || b.null) return Null();
    using O = RowNode::Op;
    VT ta = s_.nodes[n.args[0]].type;
    if (n.op == O::kSub && (ta == VT::kDate || ta == VT::kTimestamp)) {
      if (ta == VT::kDate) return I(a.i - b.i);
      return F(static_cast<double>(a.i - b.i) / 3.6e9);
    }
    if (n.type == VT::kFloat) {
      switch (n.op) {
        case O::kAdd:
          return F(a.f + b.f);
        case O::kSub:
          return F(a.f - b.f);
        case O::kMul:
          return F(a.f * b.f);
        default:
          if (b.f == 0) return Null();
          return F(a.f / b.f);
      }
    }
    int64_t out = 0;
    bool ovf = false;
    switch (n.op) {
      case O::kAdd:
        ovf = __builtin_add_overflow(a.i, b.i, &out);
        break;
      case O::kSub:
        ovf = __builtin_sub_overflow(a.i, b.i, &out);
        break;
      default:
        ovf = __builtin_mul_overflow(a.i, b.i, &out);
        break;
    }
    if (ovf) Overflow(id);
    return I(out);
  }

  static int CompareRV(VT t, const RV& a, const RV& b) {
    if (t == VT::kString) return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
    if (t == VT::kFloat) return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
    return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  }

  const plan::Scan& s_;
  const ScanInput& in_;
  const rt::Calendar& cal_;
};

}  // namespace

ScanResult InterpretScan(const plan::Scan& scan, const ScanInput& in, const rt::Calendar& cal, const Limits& limits) {
  ScanResult out;
  out.aggs.resize(scan.aggs.size());
  RowEval ev(scan, in, cal);
  std::map<std::pair<int64_t, std::vector<int64_t>>, uint32_t> groups;
  std::vector<int64_t> key_dims(scan.dim_columns.size());
  for (size_t row = 0; row < in.rows; ++row) {
    try {
      int64_t period = 0;
      if (scan.time_column >= 0) {
        const rt::Column& t = *in.columns[scan.time_column];
        if (t.IsNull(row)) {
          ++out.rows_without_time;
          continue;
        }
        int32_t day = scan.columns[scan.time_column].type == VT::kDate ? static_cast<int32_t>(t.ints[row])
                                                                        : rt::LocalDay(t.ints[row], cal);
        if (scan.from_day && day < *scan.from_day) continue;
        if (scan.to_day && day >= *scan.to_day) continue;
        period = rt::PeriodOf(scan.grain, day, cal);
      }
      if (scan.filter >= 0) {
        RV f = ev.Eval(scan.filter, row);
        if (f.null || !f.i) continue;
      }
      for (size_t d = 0; d < scan.dim_columns.size(); ++d) {
        const rt::Column& c = *in.columns[scan.dim_columns[d]];
        key_dims[d] = c.IsNull(row) ? INT64_MIN : c.type == rt::ColType::kString ? c.codes[row] : c.ints[row];
      }
      auto [it, inserted] = groups.emplace(std::make_pair(period, key_dims), static_cast<uint32_t>(out.period.size()));
      if (inserted) {
        if (out.period.size() >= limits.max_groups)
          throw LimitError(fmt::format("more than {} groups in the scan of `{}`; raise --max-groups or ask for fewer "
                                       "dimensions or a coarser grain",
                                       limits.max_groups, in.source_name));
        out.period.push_back(period);
        DimTuple dt;
        for (size_t d = 0; d < scan.dim_columns.size(); ++d) dt.push_back(DimOf(*in.columns[scan.dim_columns[d]], row));
        out.dims.push_back(std::move(dt));
        out.rows.push_back(0);
        for (size_t a = 0; a < scan.aggs.size(); ++a) GrowStates(scan, a, &out.aggs[a], out.period.size());
      }
      uint32_t g = it->second;
      ++out.rows[g];
      for (size_t a = 0; a < scan.aggs.size(); ++a) {
        const plan::AggSpec& spec = scan.aggs[a];
        if (spec.filter >= 0) {
          RV f = ev.Eval(spec.filter, row);
          if (f.null || !f.i) continue;
        }
        AggStates& st = out.aggs[a];
        if (spec.fn == plan::AggSpec::Fn::kCountRows) {
          ++st.count[g];
          continue;
        }
        RV v = ev.Eval(spec.arg, row);
        if (v.null) continue;
        ++st.count[g];
        const plan::RowNode& arg = scan.nodes[spec.arg];
        bool fl = arg.type == VT::kFloat;
        using F = plan::AggSpec::Fn;
        switch (spec.fn) {
          case F::kSum:
          case F::kAvg:
            if (fl)
              st.fsum[g] += v.f;
            else
              st.isum[g] += v.i;
            break;
          case F::kMin:
            if (fl)
              st.fmin[g] = st.count[g] == 1 ? v.f : std::min(st.fmin[g], v.f);
            else
              st.imin[g] = st.count[g] == 1 ? v.i : std::min(st.imin[g], v.i);
            break;
          case F::kMax:
            if (fl)
              st.fmax[g] = st.count[g] == 1 ? v.f : std::max(st.fmax[g], v.f);
            else
              st.imax[g] = st.count[g] == 1 ? v.i : std::max(st.imax[g], v.i);
            break;
          case F::kStddev:
          case F::kVariance:
            if (fl) {
              // Shifted by the group's first value (AggStates).
              if (st.count[g] == 1) st.fshift[g] = v.f;
              double d = v.f - st.fshift[g];
              st.fsum[g] += d;
              st.fsumsq[g] += d * d;
            } else {
              st.isum[g] += v.i;
              __int128 sq = static_cast<__int128>(v.i) * v.i;
              if (__builtin_add_overflow(st.isumsq[g], sq, &st.isumsq[g]))
                throw OverflowError(OverflowMessage("a sum of squares overflowed 128 bits", scan, spec.arg, in, row));
            }
            break;
          case F::kCountDistinct: {
            int64_t k = v.i;
            // -0.0 and 0.0 are one value (as in SQL): + 0.0 makes -0.0 into 0.0.
            if (fl) {
              double f = v.f + 0.0;
              std::memcpy(&k, &f, sizeof k);
            }
            if (arg.type == VT::kString) k = StringKey(scan, spec.arg, in, row);
            st.distinct[g].Add(k);
            break;
          }
          case F::kMedian:
          case F::kPercentile:
            st.values[g].push_back(fl                         ? v.f
                                   : arg.type == VT::kDecimal ? ScaledToDouble(v.i, arg.scale)
                                                              : static_cast<double>(v.i));
            break;
          default:
            break;
        }
      }
    } catch (const RowEval::OverflowNode& o) {
      throw OverflowError(OverflowMessage("exact arithmetic overflowed 64 bits", scan, o.node, in, row));
    }
  }
  Finish(&out);
  return out;
}

}  // namespace kpic::engine
