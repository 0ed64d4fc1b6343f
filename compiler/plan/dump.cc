// The stable text form of a plan (`kpic compile --emit plan`).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "datetime.h"
#include "decimal.h"
#include "plan/plan.h"

namespace kpic::plan {

VT FromColType(rt::ColType t) {
  switch (t) {
    case rt::ColType::kInt:
      return VT::kInt;
    case rt::ColType::kFloat:
      return VT::kFloat;
    case rt::ColType::kDecimal:
      return VT::kDecimal;
    case rt::ColType::kBool:
      return VT::kBool;
    case rt::ColType::kString:
      return VT::kString;
    case rt::ColType::kDate:
      return VT::kDate;
    case rt::ColType::kTimestamp:
      return VT::kTimestamp;
  }
  return VT::kNull;
}

rt::ColType ToColType(VT t) {
  switch (t) {
    case VT::kInt:
      return rt::ColType::kInt;
    case VT::kFloat:
      return rt::ColType::kFloat;
    case VT::kDecimal:
      return rt::ColType::kDecimal;
    case VT::kBool:
      return rt::ColType::kBool;
    case VT::kDate:
      return rt::ColType::kDate;
    case VT::kTimestamp:
      return rt::ColType::kTimestamp;
    default:
      return rt::ColType::kString;
  }
}

std::vector<int> ScansUnder(const Plan& p, int mnode) {
  std::vector<int> out, stack{mnode};
  while (!stack.empty()) {
    const MNode& m = p.mnodes[static_cast<size_t>(stack.back())];
    stack.pop_back();
    if (m.op == MNode::Op::kAgg && std::find(out.begin(), out.end(), m.scan) == out.end()) out.push_back(m.scan);
    for (auto it = m.args.rbegin(); it != m.args.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

const char* RollupName(Rollup r) {
  static const char* kNames[] = {"last", "first", "avg", "min", "max"};
  return kNames[static_cast<int>(r)];
}

std::optional<Rollup> ParseRollup(const std::string& name) {
  for (int i = 0; i < 5; ++i)
    if (name == RollupName(static_cast<Rollup>(i))) return static_cast<Rollup>(i);
  return std::nullopt;
}

const char* CmpText(Cmp c) {
  static const char* kText[] = {"", "==", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<int>(c)];
}

builtins::Fn BuiltinOf(AggSpec::Fn f) {
  using F = AggSpec::Fn;
  using B = builtins::Fn;
  switch (f) {
    case F::kSum:
      return B::kSum;
    case F::kCount:
    case F::kCountRows:
      return B::kCount;
    case F::kCountDistinct:
      return B::kCountDistinct;
    case F::kMin:
      return B::kMin;
    case F::kMax:
      return B::kMax;
    case F::kAvg:
      return B::kAvg;
    case F::kMedian:
      return B::kMedian;
    case F::kPercentile:
      return B::kPercentile;
    case F::kStddev:
      return B::kStddev;
    case F::kVariance:
      return B::kVariance;
  }
  return B::kSum;
}

const char* AggFnName(AggSpec::Fn f) {
  using F = AggSpec::Fn;
  switch (f) {
    case F::kSum:
      return "sum";
    case F::kCount:
      return "count";
    case F::kCountRows:
      return "count_rows";
    case F::kCountDistinct:
      return "count_distinct";
    case F::kMin:
      return "min";
    case F::kMax:
      return "max";
    case F::kAvg:
      return "avg";
    case F::kMedian:
      return "median";
    case F::kPercentile:
      return "percentile";
    case F::kStddev:
      return "stddev";
    case F::kVariance:
      return "variance";
  }
  return "?";
}

std::string ScanColumn::Text() const { return fmt::format("{}", fmt::join(path, ".")); }

namespace {

std::string TypeText(VT t, int scale) {
  return t == VT::kDecimal ? fmt::format("decimal({})", scale) : std::string(VTName(t));
}

const char* OpText(RowNode::Op op) {
  using O = RowNode::Op;
  switch (op) {
    case O::kAdd:
      return "+";
    case O::kSub:
      return "-";
    case O::kMul:
      return "*";
    case O::kDiv:
      return "/";
    case O::kEq:
      return "==";
    case O::kNe:
      return "!=";
    case O::kLt:
      return "<";
    case O::kLe:
      return "<=";
    case O::kGt:
      return ">";
    case O::kGe:
      return ">=";
    case O::kAnd:
      return "and";
    case O::kOr:
      return "or";
    default:
      return "?";
  }
}

std::string MText(const Plan& p, int i) {
  const MNode& n = p.mnodes[i];
  using O = MNode::Op;
  auto arg = [&](size_t k) { return MText(p, n.args[k]); };
  switch (n.op) {
    case O::kAgg:
      return fmt::format("s{}.a{}", n.scan, n.agg);
    case O::kConst:
      return n.is_float ? fmt::format("{}", n.f) : rt::FormatDecimal(n.i, n.scale);
    case O::kNull:
      return "null";
    case O::kNeg:
      return "-" + arg(0);
    case O::kNot:
      return "not " + arg(0);
    case O::kAdd:
    case O::kSub:
    case O::kMul:
    case O::kDiv:
    case O::kEq:
    case O::kNe:
    case O::kLt:
    case O::kLe:
    case O::kGt:
    case O::kGe:
    case O::kAnd:
    case O::kOr: {
      static const char* kOps[] = {"+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"};
      int k = static_cast<int>(n.op) - static_cast<int>(O::kAdd);
      if (n.op >= O::kEq) k = 4 + static_cast<int>(n.op) - static_cast<int>(O::kEq);
      return fmt::format("({} {} {})", arg(0), kOps[k], arg(1));
    }
    case O::kAbs:
      return fmt::format("abs({})", arg(0));
    case O::kRound:
      return fmt::format("round({}, {})", arg(0), n.count);
    case O::kShift:
      return fmt::format("shift({}, 1 {})", arg(0), rt::GrainName(n.grain));
    case O::kToDate:
      return fmt::format("to_date({}, {})", arg(0), rt::GrainName(n.grain));
    case O::kRolling:
      return fmt::format("rolling({}, {} {})", arg(0), n.count, rt::GrainName(n.grain));
    case O::kReagg:
      if (!n.by.empty())
        return fmt::format("{}_over_{}{}({})", builtins::Get(n.reagg).name,
                           n.grain == rt::Grain::kAll ? "" : std::string(rt::GrainName(n.grain)) + "_",
                           fmt::format("{}", fmt::join(n.by, "_")), arg(0));
      return fmt::format("{}_over_{}({})", builtins::Get(n.reagg).name, rt::GrainName(n.grain), arg(0));
    case O::kShare:
      return fmt::format("share({})", arg(0));
    case O::kZScore:
      return fmt::format("zscore({}, {})", arg(0), n.count);
    case O::kRollup:
      return fmt::format("rollup_{}({})", RollupName(n.rollup), arg(0));
    case O::kShiftDays:
      return fmt::format("shift_days({}, {})", arg(0), n.count);
    case O::kWorkingDays:
      return "working_days()";
    case O::kForecast:
      return fmt::format("forecast.{}", ir::kForecastFields[n.count]);
    case O::kGoalTarget:
      return "phased_target()";
    case O::kForecastTarget:
      return "forecast_target()";
    case O::kConvert: {
      const Conversion& c = p.conversions[static_cast<size_t>(n.count)];
      return fmt::format("convert_{}_to_{}_by_day({}, k{})", c.from, c.to, arg(0), n.count);
    }
    case O::kIf:
      return fmt::format("if({}, {}, {})", arg(0), arg(1), arg(2));
    case O::kCoalesce: {
      std::string s = "coalesce(";
      for (size_t k = 0; k < n.args.size(); ++k) s += (k ? ", " : "") + arg(k);
      return s + ")";
    }
  }
  return "?";
}

}  // namespace

std::string DumpRow(const Scan& s, int i, const std::vector<std::string>* names) {
  const RowNode& n = s.nodes[i];
  using O = RowNode::Op;
  auto arg = [&](size_t k) { return DumpRow(s, n.args[k], names); };
  switch (n.op) {
    case O::kColumn:
      return names ? (*names)[n.column] : "$" + s.columns[n.column].Text();
    case O::kConst:
      switch (n.type) {
        case VT::kNull:
          return "null";
        case VT::kBool:
          return n.i ? "true" : "false";
        case VT::kInt:
          return std::to_string(n.i);
        case VT::kFloat:
          return fmt::format("{}", n.f);
        case VT::kDecimal:
          return rt::FormatDecimal(n.i, n.scale);
        case VT::kString:
          return fmt::format("\"{}\"", n.s);
        case VT::kDate:
          return rt::FormatDate(static_cast<int32_t>(n.i));
        case VT::kTimestamp:
          return rt::FormatTimestamp(n.i);
      }
      return "?";
    case O::kNeg:
      return "-" + arg(0);
    case O::kNot:
      return "not " + arg(0);
    case O::kIsNull:
      return fmt::format("({} is null)", arg(0));
    case O::kIsNotNull:
      return fmt::format("({} is not null)", arg(0));
    case O::kIn: {
      std::string items;
      for (size_t k = 1; k < n.args.size(); ++k) items += (k > 1 ? ", " : "") + arg(k);
      return fmt::format("({} {}in ({}))", arg(0), n.negated ? "not " : "", items);
    }
    case O::kIf:
      return fmt::format("if({}, {}, {})", arg(0), arg(1), arg(2));
    case O::kCoalesce: {
      std::string out = "coalesce(";
      for (size_t k = 0; k < n.args.size(); ++k) out += (k ? ", " : "") + arg(k);
      return out + ")";
    }
    case O::kDatePart:
      return fmt::format("{}({})", builtins::Get(n.part).name, arg(0));
    case O::kAbs:
      return fmt::format("abs({})", arg(0));
    case O::kToFloat:
      return fmt::format("float({})", arg(0));
    case O::kRescale:
      return fmt::format("{}({})", TypeText(n.type, n.scale), arg(0));
    default:
      return fmt::format("({} {} {})", arg(0), OpText(n.op), arg(1));
  }
}

std::string Dump(const Plan& p) {
  std::string out;
  out += fmt::format("plan grain={} by=[{}]", rt::GrainName(p.grain), fmt::join(p.by, ", "));
  if (p.from_day) out += " from=" + rt::FormatDate(*p.from_day);
  if (p.to_day) out += " to=" + rt::FormatDate(*p.to_day);
  out += fmt::format("\ncalendar week_start={} fiscal_year_start={} time_zone={}\n", p.week_start, p.fiscal_start,
                     p.time_zone.empty() ? "UTC" : p.time_zone);
  if (p.calendar.Retail())
    out += fmt::format("calendar pattern {}-{}-{}\n", p.calendar.pattern[0], p.calendar.pattern[1], p.calendar.pattern[2]);
  if (p.work.needed)
    out += p.work.src < 0 ? "working days monday..friday\n"
                          : fmt::format("working days monday..friday, with the days listed in {}\n",
                                        p.sources[static_cast<size_t>(p.work.src)].key);
  for (size_t i = 0; i < p.scans.size(); ++i) {
    const Scan& s = p.scans[i];
    out += fmt::format("\nscan s{} {} grain={}", i, s.source, rt::GrainName(s.grain));
    if (s.from_day) out += " from=" + rt::FormatDate(*s.from_day);
    if (s.to_day) out += " to=" + rt::FormatDate(*s.to_day);
    if (s.audit) out += " (audit: the role's warnings)";
    if (s.past_to) out += " (past --to: the as-of date)";
    out += "\n";
    for (size_t c = 0; c < s.columns.size(); ++c)
      out += fmt::format("  column ${}: {}\n", s.columns[c].Text(), TypeText(s.columns[c].type, s.columns[c].scale));
    if (s.time_column >= 0) out += fmt::format("  time ${}\n", s.columns[s.time_column].Text());
    for (size_t d = 0; d < s.dim_columns.size(); ++d)
      out += fmt::format("  group {} = ${}\n", p.by.size() > d ? p.by[d] : "?", s.columns[s.dim_columns[d]].Text());
    if (s.filter >= 0) out += "  filter " + DumpRow(s, s.filter) + "\n";
    for (size_t a = 0; a < s.aggs.size(); ++a) out += fmt::format("  a{} = {}\n", a, s.aggs[a].text);
  }
  for (size_t i = 0; i < p.conversions.size(); ++i) {
    const Conversion& c = p.conversions[i];
    const ir::Source& r = p.sources[static_cast<size_t>(c.src)];
    auto col = [&](int k) { return r.columns[static_cast<size_t>(k)].name; };
    out += fmt::format("\nrates k{} {} {}->{}: date ${} from ${} to ${} rate ${} (decimal({}), used at scale {})\n", i,
                       r.key, c.from, c.to, col(c.time_column), col(c.from_column), col(c.to_column),
                       col(c.rate_column), c.rate_scale, kRateScale);
  }
  for (const Output& o : p.outputs) {
    out += fmt::format("\nmetric {}: {} ({}) = {}\n", o.metric, o.unit, o.additivity, MText(p, o.root));
    if (o.round >= 0) out += fmt::format("  shown rounded half-even to {} decimals\n", o.round);
  }
  for (const Output& o : p.charts)
    out += fmt::format("\nchart {} as {} grain={} by=[{}] = {}\n", o.formula, o.chart, rt::GrainName(o.grain),
                       fmt::join(o.by, ", "), MText(p, o.root));
  for (const GoalPlan& g : p.goals) {
    out += fmt::format("\ngoal {} grain={} period={}..{}\n  value = {}\n", g.name, rt::GrainName(g.grain),
                       rt::FormatDate(g.from_day), rt::FormatDate(g.to_day), MText(p, g.value));
    if (g.target >= 0) out += fmt::format("  target {} {}\n", CmpText(g.cmp), MText(p, g.target));
    for (const auto& a : g.alerts) out += fmt::format("  alert \"{}\" {} when {}\n", a.name, a.severity, MText(p, a.cond));
    for (const auto& d : g.decompositions) {
      out += fmt::format("  decompose {} = {}\n", d.name, MText(p, d.rhs));
      bool mul = d.kind == GoalPlan::Decomposition::Kind::kMultiplicative;
      for (const auto& t : d.terms)
        out += fmt::format("    {} {} = {}\n", mul ? (t.sign > 0 ? "*" : "/") : (t.sign > 0 ? "+" : "-"), t.text,
                           MText(p, t.value));
    }
    for (const auto& d : g.drills) out += fmt::format("  drill {} = {}\n", d.dim, MText(p, d.value));
  }
  return out;
}

}  // namespace kpic::plan
