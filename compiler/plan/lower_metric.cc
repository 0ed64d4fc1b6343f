// Lowering metric expressions: arithmetic over aggregates, period members
// (`previous`, `last_year`), methods (`change`, `to_date`, `rolling`,
// re-aggregations, `zscore`) and metric functions (`growth`, `share`). A
// period operator lowers its operand in a windowed context, because it
// reads periods outside --from/--to.
#include <fmt/format.h>

#include <algorithm>

#include "plan/lowerer.h"

namespace kpic::plan {

using builtins::Fn;
using rt::Grain;

namespace {

int Rank(Grain g) { return static_cast<int>(g); }

}  // namespace

int Lowerer::MAdd(MNode n) {
  plan_.mnodes.push_back(std::move(n));
  return static_cast<int>(plan_.mnodes.size()) - 1;
}

int Lowerer::MOp(MNode::Op op, std::vector<int> args) {
  MNode n;
  n.op = op;
  n.args = std::move(args);
  return MAdd(std::move(n));
}

int Lowerer::MConst(__int128 v, int scale) {
  MNode n;
  n.op = MNode::Op::kConst;
  n.i = v;
  n.scale = scale;
  return MAdd(std::move(n));
}

/// Shift by one period of `g` (previous: the current grain; last_year: year).
int Lowerer::Shift(int a, Grain g) {
  MNode n;
  n.op = MNode::Op::kShift;
  n.grain = g;
  n.args = {a};
  return MAdd(std::move(n));
}

int Lowerer::MetricRef(int metric, const LCtx& lc) {
  const ir::Metric& m = m_.metrics[metric];
  if (m.root < 0) Unreachable(fmt::format("metric `{}` has errors", m.name));
  return M(m.root, lc);
}

int Lowerer::M(int e, const LCtx& lc) {
  using O = MNode::Op;
  const ir::Node& n = m_.node(e);
  if (lc.grain == Grain::kAll && ir::IsPeriodOperator(n)) {
    // At grain `all` there is no period before the whole: say so once.
    std::string text = ir::DumpNode(m_, e);
    std::string msg = fmt::format("`{}` compares periods, but at grain `all` there is no period before the whole: "
                                  "it is null (run with --grain month, or another grain, to compare)",
                                  text);
    bool seen = false;
    for (const Warning& w : plan_.notes) seen |= w.code == "W0706" && w.message == msg;
    if (!seen)
      plan_.notes.push_back({"W0706", msg,
                             fmt::format("`{}` 比较不同时期，但在 all 粒度下整个时段之前没有时期：结果为空"
                                         "（用 --grain month 或其他粒度运行以作比较）",
                                         text)});
  }
  switch (n.kind) {
    case ir::Kind::kLiteral: {
      if (n.type.scalar.vt == VT::kNull) return MOp(O::kNull, {});
      if (n.type.scalar.vt != VT::kInt && n.type.scalar.vt != VT::kDecimal && n.type.scalar.vt != VT::kFloat) break;
      if (n.is_exact) return MConst(n.exact, n.exact_scale);
      MNode c;
      c.op = O::kConst;
      c.is_float = true;
      c.f = n.f;
      return MAdd(std::move(c));
    }
    case ir::Kind::kWhere: {
      LCtx inner = lc;
      inner.filters.push_back(n.args[1]);
      return M(n.args[0], inner);
    }
    case ir::Kind::kUnary:
      return MOp(n.unary == ir::UnaryOp::kNot ? O::kNot : O::kNeg, {M(n.args[0], lc)});
    case ir::Kind::kBinary: {
      static const O kOps[] = {O::kAdd, O::kSub, O::kMul, O::kDiv, O::kEq,  O::kNe,
                               O::kLt,  O::kLe,  O::kGt,  O::kGe,  O::kAnd, O::kOr};
      int a = M(n.args[0], lc);
      int b = M(n.args[1], lc);
      int r = MOp(kOps[static_cast<int>(n.binary)], {a, b});
      // Two instants (microseconds) differ by hours, as they do row by row.
      if (n.binary == ir::BinaryOp::kSub && m_.node(n.args[0]).type.scalar.vt == VT::kTimestamp &&
          m_.node(n.args[1]).type.scalar.vt == VT::kTimestamp)
        r = MOp(O::kDiv, {r, MConst(3600000000, 0)});
      return r;
    }
    case ir::Kind::kMetric:
      return MetricRef(n.metric, lc);
    case ir::Kind::kMember:
      return Member(n.args[0], n.fn, lc);
    case ir::Kind::kForecast: {
      MNode f;
      f.op = O::kForecast;
      for (int k = 0; k < ir::kForecastFieldCount; ++k)
        if (n.text() == ir::kForecastFields[k]) f.count = k;
      return MAdd(std::move(f));
    }
    case ir::Kind::kCall:
      return MCall(n, lc);
    case ir::Kind::kMethod:
      return Method(n, lc);
    case ir::Kind::kColumn:
    case ir::Kind::kRows:
      Unreachable(fmt::format("`{}` is not a metric", ir::DumpNode(m_, e)));
    default:
      break;
  }
  Unreachable(fmt::format("`{}` cannot be evaluated as a metric", ir::DumpNode(m_, e)));
}

int Lowerer::Member(int base, Fn member, const LCtx& lc) {
  LCtx w = lc;
  w.windowed = true;
  if (member == Fn::kPrevious) return Shift(M(base, w), lc.grain);
  if (member == Fn::kLastYear) return Shift(M(base, w), Grain::kYear);
  if (member == Fn::kLastYearWeekday) {
    // The same weekdays 52 weeks earlier: day and week grains shift their
    // ordinals; coarser periods shift their days, so read them by day.
    if (lc.grain != Grain::kDay && lc.grain != Grain::kWeek && lc.grain != Grain::kAll) w.grain = Grain::kDay;
    MNode n;
    n.op = MNode::Op::kShiftDays;
    n.count = 364;
    n.args = {M(base, w)};
    return MAdd(std::move(n));
  }
  if (member == Fn::kTarget && goal_ && goal_->target_rhs >= 0) {
    // So is it for a role that sees a part of the rows (W0711).
    if (company_target_) return MOp(MNode::Op::kNull, {});
    // In an alert on the forecast: the target the forecast is compared
    // with, the engine's (the goal's whole period's, or the member's own);
    // under a period operator (`.previous`, `.to_date(year)`) the periods'
    // own, as in any alert.
    if (forecast_alert_ && !lc.windowed) return MOp(MNode::Op::kForecastTarget, {});
    // A level with `phasing`: the goal's periods are judged against the
    // phased target, and a member has none (as for a phased amount).
    if (!lc.dims.empty() && !TargetIsAmount(*goal_) && !TargetIsRelative(*goal_) && !goal_->phasing.empty())
      return MOp(MNode::Op::kNull, {});
    // A relative target that adds a fixed number is no member's either.
    if (!lc.dims.empty() && fixed_addon_) return MOp(MNode::Op::kNull, {});
    // Per member, an amount is the company's: the member has none.
    if (!lc.dims.empty() && TargetIsAmount(*goal_)) {
      // Allocated (unphased): the company's target times the member's share.
      if (goal_->allocate == "last_year" && goal_->phasing.empty())
        return MOp(MNode::Op::kMul, {regrained_ ? MOp(MNode::Op::kGoalTarget, {}) : M(goal_->target_rhs, lc),
                                     LastYearShare(*goal_, lc)});
      return MOp(MNode::Op::kNull, {});
    }
    // A phased target is the whole period's, spread over its periods by
    // the engine: the alert reads the period's part, not the whole (it
    // compared each month with the year's target: review, 2026-12-06).
    // Over the alert's periods (`sales.target.to_date(year)` adds the
    // months'). Only an amount (a distinct count too) is phased so: a
    // level's phasing keeps its own target in alerts.
    if (lc.dims.empty() && !goal_->phasing.empty() && ir::IsAmount(m_, goal_->metric))
      return MOp(MNode::Op::kGoalTarget, {});
    // So is a fixed target at another grain than the goal's own (the
    // quarter's target adds up its months').
    if (lc.dims.empty() && regrained_) return MOp(MNode::Op::kGoalTarget, {});
    int t = M(goal_->target_rhs, lc);
    // A relative target of a zero base is none (engine NoZeroBase): an
    // alert `sales >= sales.target` fired for months with nothing to grow
    // from (review, 2026-12-05). if(t == 0, null, t).
    if (TargetIsRelative(*goal_) && (goal_->cmp == ">=" || goal_->cmp == ">"))
      return MOp(MNode::Op::kIf, {MOp(MNode::Op::kEq, {t, MConst(0, 0)}), MOp(MNode::Op::kNull, {}), t});
    return t;
  }
  Unreachable(fmt::format("`.{}` outside a goal with a target", builtins::Get(member).name));
}

int Lowerer::MCall(const ir::Node& n, const LCtx& lc) {
  using O = MNode::Op;
  switch (builtins::Get(n.fn).category) {
    case builtins::Category::kAggregate:
      return Aggregate(n, lc);
    default:
      break;
  }
  switch (n.fn) {
    case Fn::kGrowth:
      return Growth(n.args[0], n.args.size() > 1 ? n.args[1] : -1, lc, "growth()");
    case Fn::kShare: {
      MNode s;
      s.op = O::kShare;
      s.args = {M(n.args[0], lc)};
      return MAdd(std::move(s));
    }
    case Fn::kAbs:
      return MOp(O::kAbs, {M(n.args[0], lc)});
    case Fn::kRound: {
      MNode r;
      r.op = O::kRound;
      r.args = {M(n.args[0], lc)};
      r.count = n.args.size() > 1 ? std::atoi(m_.node(n.args[1]).text().c_str()) : 0;
      return MAdd(std::move(r));
    }
    case Fn::kIf: {
      int c = M(n.args[0], lc), a = M(n.args[1], lc), b = M(n.args[2], lc);
      return MOp(O::kIf, {c, a, b});
    }
    case Fn::kCoalesce: {
      std::vector<int> args;
      for (int a : n.args) args.push_back(M(a, lc));
      return MOp(O::kCoalesce, args);
    }
    case Fn::kConvert:
      return Convert(n, lc);
    case Fn::kWorkingDays: {
      // Clipped to --from/--to as the scans' rows are, except under a
      // period operator (which reads whole periods outside the window).
      plan_.work.needed = true;
      RoleWhole(m_.calendar.work_source);
      MNode w;
      w.op = O::kWorkingDays;
      w.scale = lc.windowed ? 0 : 1;
      return MAdd(std::move(w));
    }
    default:
      Unreachable(fmt::format("`{}` cannot be evaluated as a metric", builtins::Get(n.fn).name));
  }
}

/// `convert(m, CUR, rates)`: every row of m's sources converted at the rate
/// of its date. The rate is the same for every row of a day, so this is m
/// per day times that day's rate, summed (exact: the products are exact).
int Lowerer::Convert(const ir::Node& n, const LCtx& lc) {
  const ir::Node& m = m_.node(n.args[0]);
  const ir::Node& r = m_.node(n.args[2]);
  Conversion cv;
  cv.from = m.type.unit.Currency();
  cv.to = n.type.unit.Currency();
  if (cv.from.empty() || cv.to.empty() || r.source < 0 || r.path.size() != 4)
    throw PlanError(fmt::format("`{}` cannot be converted", ir::DumpNode(m_, n.args[0])));
  if (cv.from == cv.to) return M(n.args[0], lc);  // the amount unchanged
  cv.src = r.source;
  RoleWhole(cv.src);
  cv.time_column = r.path[0], cv.from_column = r.path[1], cv.to_column = r.path[2], cv.rate_column = r.path[3];
  cv.rate_scale = m_.sources[static_cast<size_t>(r.source)].columns[static_cast<size_t>(cv.rate_column)].scalar.scale;
  cv.minor = MinorUnit(cv.to);
  int index = -1;
  for (size_t i = 0; i < plan_.conversions.size(); ++i) {
    const Conversion& c = plan_.conversions[i];
    if (c.src == cv.src && c.from == cv.from && c.to == cv.to) index = static_cast<int>(i);
  }
  if (index < 0) {
    index = static_cast<int>(plan_.conversions.size());
    plan_.conversions.push_back(cv);
  }
  LCtx day = lc;
  day.grain = Grain::kDay;
  MNode c;
  c.op = MNode::Op::kConvert;
  c.count = index;
  c.args = {M(n.args[0], day)};
  return MAdd(std::move(c));
}

int MinorUnit(const std::string& currency) {
  static const char* const kZero[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                      "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
  static const char* const kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  for (const char* c : kZero)
    if (currency == c) return 0;
  for (const char* c : kThree)
    if (currency == c) return 3;
  return 2;
}

int Lowerer::Method(const ir::Node& n, const LCtx& lc) {
  int base = n.args[0];
  int arg = n.args.size() > 1 ? n.args[1] : -1;
  switch (n.fn) {
    case Fn::kChange:
    case Fn::kGrowthMethod:
      return Growth(base, arg, lc, n.fn == Fn::kChange ? "change" : "growth");
    case Fn::kToDate: {
      Grain g = arg >= 0 ? m_.node(arg).grain.value_or(Grain::kYear) : Grain::kYear;
      // Each period shown must lie in one period of `g`: a week that
      // straddles New Year was counted in both years' totals (2026-W01's
      // year to date held 371 days).
      if (lc.grain != Grain::kAll && static_cast<int>(lc.grain) < static_cast<int>(g) &&
          !rt::Nests(lc.grain, g, plan_.calendar))
        throw PlanError("E0602", fmt::format("`.to_date({0})` needs a grain that falls in whole {0}s (got --grain {1}: "
                                             "a {1} can fall in two {0}s); use --grain day or a grain of months",
                                             rt::GrainName(g), rt::GrainName(lc.grain)));
      LCtx w = lc;
      w.windowed = true;
      MNode t;
      t.op = MNode::Op::kToDate;
      t.grain = g;
      t.args = {M(base, w)};
      return MAdd(std::move(t));
    }
    case Fn::kRolling:
      return Rolling(base, arg, lc);
    case Fn::kZScore: {
      const ir::Node* k = arg >= 0 ? &m_.node(arg) : nullptr;
      if (!k || k->kind != ir::Kind::kLiteral || !k->is_exact || k->exact_scale != 0 || k->exact < 2 ||
          k->exact > 1000)
        Unreachable("`zscore(N)` needs a whole number of periods N from 2 to 1000");
      LCtx w = lc;
      w.windowed = true;
      MNode z;
      z.op = MNode::Op::kZScore;
      z.count = static_cast<int64_t>(k->exact);
      z.args = {M(base, w)};
      return MAdd(std::move(z));
    }
    case Fn::kReaggSum:
    case Fn::kReaggAvg:
    case Fn::kReaggMin:
    case Fn::kReaggMax:
    case Fn::kReaggLast: {
      // `avg(m by store)` without a grain re-aggregates within the context's
      // own periods (no time split): grain `all` on the node.
      bool whole = arg < 0 && !n.dims.empty();
      Grain g = whole ? lc.grain : arg >= 0 ? m_.node(arg).grain.value_or(Grain::kDay) : Grain::kDay;
      const char* method = builtins::Get(n.fn).name.data();
      if (!whole && lc.grain != Grain::kAll && !rt::Nests(g, lc.grain, plan_.calendar)) {
        // Each period of the grain must be made of whole periods of `g`:
        // a week can fall in two months (of a calendar that is not retail).
        std::string what = n.dims.empty() ? fmt::format("`.{}({})`", method, rt::GrainName(g))
                                          : fmt::format("`{}(... by {})`", method, rt::GrainName(g));
        std::string why = g == Grain::kWeek && lc.grain > Grain::kWeek
                              ? fmt::format(": a week can fall in two {}s", rt::GrainName(lc.grain))
                              : "";
        throw PlanError("E0602", fmt::format("{} needs a grain made of whole {}s (got --grain {}{})", what,
                                             rt::GrainName(g), rt::GrainName(lc.grain), why));
      }
      LCtx inner = lc;
      inner.grain = g;
      if (lc.grain == Grain::kAll && !whole) inner.windowed = true;
      MNode r;
      r.op = MNode::Op::kReagg;
      r.reagg = n.fn;
      r.grain = whole ? Grain::kAll : g;
      // A sum of no periods is 0 at the sum's places (0.00 for money; a
      // float without places).
      r.is_float = n.exact_scale < 0;
      r.scale = std::max(n.exact_scale, 0);
      r.outer = lc.dims.size();
      for (const std::string& d : n.dims)
        if (std::find(lc.dims.begin(), lc.dims.end(), d) == lc.dims.end()) {
          r.by.push_back(d);
          inner.dims.push_back(d);
        }
      if (whole && r.by.empty()) return M(base, lc);  // every dimension is already in the breakdown
      r.args = {M(base, inner)};
      return MAdd(std::move(r));
    }
    default:
      Unreachable(fmt::format("`.{}` cannot be evaluated as a metric", builtins::Get(n.fn).name));
  }
}

int Lowerer::Growth(int m, int period, const LCtx& lc, const char* how) {
  int now = M(m, lc);
  LCtx w = lc;
  w.windowed = true;
  std::string per = period >= 0 ? m_.node(period).text() : std::string();
  growth_text_ = std::string(how) == "growth()" ? fmt::format("growth({}{}{})", ir::DumpNode(m_, m), per.empty() ? "" : ", ", per)
                                              : fmt::format("{}.{}({})", ir::DumpNode(m_, m), how, per);
  int before = Shift(M(m, w), PeriodGrain(period, lc));
  growth_text_.clear();
  // (now - before) / before, not now / before - 1: the difference of exact
  // values is exact, so a change that is exactly -30% is the double nearest
  // -0.3, as the literal -30% is, and `change < -30%` does not fire on it
  // (700 / 1000 - 1 is -0.30000000000000004: goals probe, 2026-12-07).
  return MOp(MNode::Op::kDiv, {MOp(MNode::Op::kSub, {now, before}), before});
}

Grain Lowerer::PeriodGrain(int period, const LCtx& lc) {
  if (period < 0) return lc.grain;
  const ir::Node& n = m_.node(period);
  const std::string& p = n.text();
  if (p == "previous") return lc.grain;
  if (p == "last_year") return Grain::kYear;
  if (n.grain) {
    // Named with the formula and the grain asked for: "a change over a
    // month" did not say which of a goal's alerts (reader's probe,
    // 2026-12-07).
    if (Rank(*n.grain) < Rank(lc.grain) && lc.grain != Grain::kAll)
      throw PlanError("E0602", fmt::format("{}a change over a {} needs a grain of {} or finer, not {}",
                                           growth_text_.empty() ? "" : "`" + growth_text_ + "`: ", p, p,
                                           rt::GrainName(lc.grain)));
    return *n.grain;
  }
  Unreachable(fmt::format("unknown period `{}`", p));
}

int Lowerer::Rolling(int base, int duration, const LCtx& lc) {
  const ir::Node* d = duration >= 0 ? &m_.node(duration) : nullptr;
  if (!d || d->kind != ir::Kind::kSymbol || d->text().find(' ') == std::string::npos)
    Unreachable("`rolling` needs a duration such as `3 months`");
  int64_t n = static_cast<int64_t>(d->exact);
  auto g = d->grain;
  if (!g || *g == Grain::kAll || n < 1) Unreachable(fmt::format("cannot roll over `{}`", d->text()));
  Grain cur = lc.grain;
  LCtx w = lc;
  w.windowed = true;
  auto months = [](Grain x) { return x == Grain::kMonth ? 1 : x == Grain::kQuarter ? 3 : x == Grain::kYear ? 12 : 0; };
  MNode r;
  r.op = MNode::Op::kRolling;
  if (cur == *g || cur == Grain::kAll) {
    r.grain = *g;
    r.count = n;
    w.grain = cur == Grain::kAll ? *g : cur;
  } else if (months(cur) && months(*g) && months(*g) % months(cur) == 0) {
    r.grain = cur;
    r.count = n * months(*g) / months(cur);
  } else if (cur == Grain::kDay && *g == Grain::kWeek) {
    r.grain = Grain::kDay;
    r.count = n * 7;
  } else if (rt::Nests(*g, cur, plan_.calendar)) {
    r.grain = *g;  // finer than the grain: evaluate the window at the finer grain
    r.count = n;
    w.grain = *g;
  } else {
    throw PlanError("E0602", fmt::format("`rolling({})` does not fit --grain {}", d->text(), rt::GrainName(cur)));
  }
  r.args = {M(base, w)};
  return MAdd(std::move(r));
}

}  // namespace kpic::plan
