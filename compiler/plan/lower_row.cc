// Lowering rows: scans (one per source, grain, breakdown and window),
// their columns (through lookups), row expressions and aggregates. An
// aggregate lands in the scan of its source at the grain in effect (the
// requested grain, or a finer one under `.avg(day)` or `.rolling(7 days)`);
// identical aggregates share one slot. A metric-level `where` is pushed
// down into every aggregate of its source under it.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "datetime.h"
#include "decimal.h"
#include "plan/lowerer.h"

namespace kpic::plan {

using builtins::Fn;
using rt::Grain;

namespace {

bool Numeric(VT t) { return t == VT::kInt || t == VT::kFloat || t == VT::kDecimal || t == VT::kBool; }

}  // namespace

// ---- scans ---------------------------------------------------------------------------

int Lowerer::ScanFor(int source, const LCtx& lc) {
  const ir::Source& src = m_.sources[source];
  const std::string& key = src.key;
  Grain g = lc.grain;
  bool has_time = src.time_column >= 0;
  if (g != Grain::kAll && !has_time)
    throw PlanError("E0602", fmt::format("source `{}` has no time column, so it cannot be broken down by {}; use --grain all",
                                src.name, rt::GrainName(g)));
  // Rows outside --from/--to are skipped in the scan unless the window
  // falls on period boundaries (then whole periods are dropped instead)
  // or the aggregate sits under a period operator.
  // Under a period operator, and for a goal, rows are bucketed by day, so
  // that a period cut by the window or the as-of date is compared with the
  // same span of the period it is compared with.
  if ((lc.windowed || goal_) && has_time && g != Grain::kAll && g != Grain::kDay) g = Grain::kDay;
  std::optional<int32_t> from, to;
  if (lc.past_to) {
    from = req_.to_day;
  } else if (!lc.windowed && (req_.from_day || req_.to_day)) {
    bool aligned = g != Grain::kAll;
    if (aligned && req_.from_day)
      aligned = rt::PeriodStart(g, rt::PeriodOf(g, *req_.from_day, plan_.calendar), plan_.calendar) == *req_.from_day;
    if (aligned && req_.to_day)
      aligned = rt::PeriodStart(g, rt::PeriodOf(g, *req_.to_day, plan_.calendar), plan_.calendar) == *req_.to_day;
    if (!aligned) from = req_.from_day, to = req_.to_day;
  }
  // Rows after --as-of do not exist for this run, except in a source that
  // only goals' targets read: a budget holds plans, known ahead (its months
  // after the as-of date had no target, and a year's target was its months
  // to the as-of date with --as-of and all of them without: engine probe,
  // 2026-12-07).
  // A goal's: a chart or a metric of the budget shows its rows to the
  // as-of date, as its label says (review, 2026-12-07).
  const bool plans = goal_ && target_sources_.count(source) && !measured_sources_.count(source);
  if (req_.as_of_day && has_time && !plans) to = std::min(to.value_or(INT32_MAX), *req_.as_of_day + 1);
  std::string id = fmt::format("{}|{}|{}|{}|{}{}", key, rt::GrainName(g), fmt::join(lc.dims, ","),
                               from ? *from : INT32_MIN, to ? *to : INT32_MAX, lc.past_to ? "|past" : "");
  if (auto it = scan_index_.find(id); it != scan_index_.end()) {
    if (!lc.windowed) Touch(it->second);
    if (lc.windowed) plan_.scans[it->second].windowed = true;
    return it->second;
  }
  // A breakdown the source cannot give is refused before the scan exists:
  // a half-built scan left in the plan would be read without the role's
  // filter (it leaked other members' as-of dates).
  for (const std::string& d : lc.dims) {
    std::vector<std::string> path;
    if (!DimPath(source, d, &path))
      throw PlanError("E0602", fmt::format("source `{}` has no dimension `{}` (no column maps to it, directly or through a "
                                  "lookup), so metrics over it cannot be broken down by `{}`",
                                  src.name, d, d));
  }
  Scan s;
  s.source = key;
  s.src = source;
  s.grain = g;
  s.from_day = from;
  s.to_day = to;
  s.windowed = lc.windowed;
  s.past_to = lc.past_to;
  plan_.scans.push_back(std::move(s));
  int index = static_cast<int>(plan_.scans.size()) - 1;
  scan_index_[id] = index;
  try {
    if (g != Grain::kAll || from || to) {
      for (const ir::Column& c : src.columns)
        if (c.time) plan_.scans[index].time_column = Col(plan_.scans[index], {c.name});
      if (plan_.scans[index].time_column < 0)
        throw PlanError("E0602", fmt::format("source `{}` has no time column for --from/--to", src.name));
    } else if (has_time) {
      // Grain `all` needs no period, but the time column is still read, so
      // that a value that is not a date is the same data error at every grain.
      role_read_ = true;
      for (const ir::Column& c : src.columns)
        if (c.time) Col(plan_.scans[index], {c.name});
      role_read_ = false;
    }
    for (const std::string& d : lc.dims) {
      std::vector<std::string> path;
      DimPath(source, d, &path);
      plan_.scans[index].dim_columns.push_back(Col(plan_.scans[index], path));
    }
    RoleFilter(index);
  } catch (...) {
    // Nothing half-built stays in the plan: every scan that runs carries the
    // role's filter.
    role_read_ = false;
    scan_index_.erase(id);
    plan_.scans.pop_back();
    throw;
  }
  if (!lc.windowed && !lc.past_to) Touch(index);
  return index;
}

void Lowerer::PeriodsFromWindows(Output* o) {
  // An output that reads only shifted scans (`sales.last_year`) takes its
  // periods from them; "no scan" would mean every scan of the plan, other
  // outputs' grains included (period 0 of a grain-`all` scan is 0000-01).
  if (o->scans.empty()) o->scans = ScansUnder(plan_, o->root);
}

void Lowerer::Touch(int scan) {
  if (touched_ && std::find(touched_->begin(), touched_->end(), scan) == touched_->end()) touched_->push_back(scan);
}

int Lowerer::Col(Scan& scan, const std::vector<std::string>& path) {
  if (role_ && !filtering_ && !role_read_ && !role_->hidden.empty()) {
    std::vector<int> cols;  // the path as column indices (an unknown name is refused below)
    for (int cur = scan.src; cur >= 0 && cols.size() < path.size();) {
      int c = m_.sources[cur].ColumnIndex(path[cols.size()]);
      if (c < 0) break;
      cols.push_back(c);
      cur = m_.sources[cur].columns[c].references;
    }
    auto [s, c] = cols.size() == path.size() ? ir::HiddenRead(m_, *role_, scan.src, cols) : std::pair{-1, -1};
    if (s >= 0)
      throw PlanError(
          "E0605", fmt::format("role `{}` hides column `{}.{}`, which {} reads{}", role_->name, m_.sources[s].name,
                               m_.sources[s].columns[c].name, reading_.empty() ? "the request" : reading_,
                               path.size() > 1
                                   ? fmt::format(" (through `{}.{}`)", m_.sources[scan.src].name, fmt::join(path, "."))
                                   : ""));
  }
  for (size_t i = 0; i < scan.columns.size(); ++i)
    if (scan.columns[i].path == path) return static_cast<int>(i);
  ScanColumn sc;
  sc.path = path;
  int cur = scan.src;
  const ir::Column* col = nullptr;
  for (size_t i = 0; i < path.size(); ++i) {
    int c = cur >= 0 ? m_.sources[cur].ColumnIndex(path[i]) : -1;
    if (c < 0) Unreachable(fmt::format("unknown column `{}`", fmt::join(path, ".")));
    col = &m_.sources[cur].columns[c];
    sc.sources.push_back(m_.sources[cur].key);
    if (i + 1 < path.size()) cur = col->references;
  }
  sc.type = col->scalar.vt;
  sc.scale = col->scalar.vt == VT::kDecimal ? col->scalar.scale : 0;
  scan.columns.push_back(sc);
  return static_cast<int>(scan.columns.size()) - 1;
}

// ---- row expressions ---------------------------------------------------------------------

int Lowerer::Node(int scan, RowNode n) {
  auto& nodes = plan_.scans[scan].nodes;
  nodes.push_back(std::move(n));
  return static_cast<int>(nodes.size()) - 1;
}

int Lowerer::Const(int scan, VT t, int64_t i, double f, std::string s, int scale) {
  RowNode n;
  n.op = RowNode::Op::kConst;
  n.type = t;
  n.i = i;
  n.f = f;
  n.s = std::move(s);
  n.scale = scale;
  return Node(scan, std::move(n));
}

int Lowerer::Test(int scan, RowNode::Op op, int arg) {
  RowNode n;
  n.op = op;
  n.type = VT::kBool;
  n.args = {arg};
  return Node(scan, std::move(n));
}

int Lowerer::CountRows(int scan, int filter, std::string text) {
  AggSpec a;
  a.fn = AggSpec::Fn::kCountRows;
  a.filter = filter;
  a.text = std::move(text);
  plan_.scans[scan].aggs.push_back(std::move(a));
  return static_cast<int>(plan_.scans[scan].aggs.size()) - 1;
}

int Lowerer::Bool(int scan, int node) {
  VT t = N(scan, node).type;
  if (t != VT::kBool && t != VT::kNull) Unreachable("a filter must be a condition");
  return node;
}

int Lowerer::Cast(int scan, int node, ir::Scalar to) {
  const RowNode& n = N(scan, node);
  if (n.type == to.vt && (to.vt != VT::kDecimal || n.scale == to.scale)) return node;
  if (n.type == VT::kNull || to.vt == VT::kNull) return node;
  RowNode c;
  c.op = to.vt == VT::kFloat ? RowNode::Op::kToFloat : RowNode::Op::kRescale;
  c.type = to.vt;
  c.scale = to.vt == VT::kDecimal ? to.scale : 0;
  c.args = {node};
  return Node(scan, std::move(c));
}

int Lowerer::RowAs(int e, int scan, ir::Scalar to) { return Cast(scan, Row(e, scan), to); }

int Lowerer::Row(int e, int scan) {
  using O = RowNode::Op;
  const ir::Node& n = m_.node(e);
  switch (n.kind) {
    case ir::Kind::kLiteral:
      switch (n.type.scalar.vt) {
        case VT::kInt:
          return Const(scan, VT::kInt, static_cast<int64_t>(n.exact));
        case VT::kDecimal:
          return Const(scan, VT::kDecimal, static_cast<int64_t>(n.exact), 0, {}, n.exact_scale);
        case VT::kFloat:
          return Const(scan, VT::kFloat, 0, n.f);
        case VT::kString:
          return Const(scan, VT::kString, 0, 0, n.text());
        case VT::kBool:
          return Const(scan, VT::kBool, static_cast<int64_t>(n.exact));
        case VT::kDate:
          return Const(scan, VT::kDate, static_cast<int64_t>(n.exact));
        case VT::kTimestamp:
          return Const(scan, VT::kTimestamp, TimestampLiteral(n));
        case VT::kNull:
          return Const(scan, VT::kNull, 0);
      }
      break;
    case ir::Kind::kColumn: {
      if (n.source != (prefix_src_ >= 0 ? prefix_src_ : plan_.scans[scan].src))
        Unreachable(fmt::format("`{}` reads source `{}` inside an aggregate of `{}`", ir::DumpNode(m_, e),
                                    m_.sources[n.source].name, plan_.SourceOf(plan_.scans[scan]).name));
      // A lookup's role filter reads the lookup's row through the path to it.
      std::vector<std::string> cols = prefix_;
      int src = n.source;
      for (int c : n.path) {
        cols.push_back(m_.sources[src].columns[c].name);
        src = m_.sources[src].columns[c].references;
      }
      RowNode r;
      r.op = O::kColumn;
      r.column = Col(plan_.scans[scan], cols);
      r.type = plan_.scans[scan].columns[r.column].type;
      r.scale = plan_.scans[scan].columns[r.column].scale;
      return Node(scan, std::move(r));
    }
    case ir::Kind::kParam:
      if (!filtering_) break;
      return RoleParam(scan, n.param);
    case ir::Kind::kRows:
      Unreachable(fmt::format("source `{}` used as a value", m_.sources[n.source].name));
    case ir::Kind::kUnary: {
      RowNode r;
      r.op = n.unary == ir::UnaryOp::kNot ? O::kNot : O::kNeg;
      int a = RowAs(n.args[0], scan, n.Conv(0, m_.nodes));
      if (r.op == O::kNeg && N(scan, a).op == O::kConst && N(scan, a).type != VT::kNull) {
        RowNode c = N(scan, a);  // a negative literal is a constant (`in (-1, 2)` lists constants)
        c.i = -c.i;
        c.f = -c.f;
        return Node(scan, std::move(c));
      }
      r.type = r.op == O::kNot ? VT::kBool : N(scan, a).type;
      r.scale = N(scan, a).scale;
      r.args = {a};
      return Node(scan, std::move(r));
    }
    case ir::Kind::kBinary: {
      static const O kOps[] = {O::kAdd, O::kSub, O::kMul, O::kDiv, O::kEq,  O::kNe,
                               O::kLt,  O::kLe,  O::kGt,  O::kGe,  O::kAnd, O::kOr};
      O op = kOps[static_cast<int>(n.binary)];
      int a = RowAs(n.args[0], scan, n.Conv(0, m_.nodes));
      int b = RowAs(n.args[1], scan, n.Conv(1, m_.nodes));
      VT ta = N(scan, a).type, tb = N(scan, b).type;
      bool arith = op == O::kAdd || op == O::kSub || op == O::kMul || op == O::kDiv;
      bool time_diff = op == O::kSub && ((ta == VT::kDate && tb == VT::kDate) ||
                                         (ta == VT::kTimestamp && tb == VT::kTimestamp));
      if (arith && !time_diff) {
        if (!Numeric(ta) && ta != VT::kNull) Unreachable(fmt::format("arithmetic on a {}", VTName(ta)));
        if (!Numeric(tb) && tb != VT::kNull) Unreachable(fmt::format("arithmetic on a {}", VTName(tb)));
      }
      if (op == O::kMul && n.type.scalar.vt == VT::kDecimal && n.type.scalar.scale > rt::kMaxScale)
        Unreachable("a product of decimals needs more than 18 decimal places");
      RowNode r;
      r.op = op;
      r.type = n.type.scalar.vt;
      r.scale = n.type.scalar.vt == VT::kDecimal ? n.type.scalar.scale : 0;
      r.args = {a, b};
      return Node(scan, std::move(r));
    }
    case ir::Kind::kIsNull: {
      RowNode r;
      r.op = n.negated ? O::kIsNotNull : O::kIsNull;
      r.type = VT::kBool;
      r.args = {Row(n.args[0], scan)};
      return Node(scan, std::move(r));
    }
    case ir::Kind::kIn: {
      RowNode r;
      r.op = O::kIn;
      r.type = VT::kBool;
      r.negated = n.negated;
      r.args.push_back(RowAs(n.args[0], scan, n.Conv(0, m_.nodes)));
      for (size_t k = 1; k < n.args.size(); ++k) {
        int item = RowAs(n.args[k], scan, n.Conv(k, m_.nodes));
        int raw = item;
        while (N(scan, raw).op == O::kRescale || N(scan, raw).op == O::kToFloat) raw = N(scan, raw).args[0];
        if (N(scan, raw).op != O::kConst) Unreachable("the list after `in` must hold literal values");
        r.args.push_back(item);
      }
      return Node(scan, std::move(r));
    }
    case ir::Kind::kWhere: {
      // `x where c` inside an aggregate is handled by the aggregate; as a
      // plain row value it means `if(c, x, null)`.
      int c = Bool(scan, Row(n.args[1], scan));
      int x = Row(n.args[0], scan);
      RowNode r;
      r.op = O::kIf;
      r.type = N(scan, x).type;
      r.scale = N(scan, x).scale;
      r.args = {c, x, Const(scan, VT::kNull, 0)};
      return Node(scan, std::move(r));
    }
    case ir::Kind::kCall:
      return RowCall(n, scan);
    case ir::Kind::kMetric:
      Unreachable(fmt::format("`{}` is not a column", ir::DumpNode(m_, e)));
    default:
      break;
  }
  Unreachable(fmt::format("`{}` cannot be evaluated per row", ir::DumpNode(m_, e)));
}

int Lowerer::RowCall(const ir::Node& n, int scan) {
  using O = RowNode::Op;
  switch (n.fn) {
    case Fn::kIf: {
      int c = Bool(scan, Row(n.args[0], scan));
      int a = RowAs(n.args[1], scan, n.Conv(1, m_.nodes)), b = RowAs(n.args[2], scan, n.Conv(2, m_.nodes));
      RowNode r;
      r.op = O::kIf;
      r.type = N(scan, a).type == VT::kNull ? N(scan, b).type : N(scan, a).type;
      r.scale = std::max(N(scan, a).scale, N(scan, b).scale);
      r.args = {c, a, b};
      return Node(scan, std::move(r));
    }
    case Fn::kCoalesce: {
      RowNode r;
      r.op = O::kCoalesce;
      r.type = VT::kNull;
      for (size_t k = 0; k < n.args.size(); ++k) r.args.push_back(RowAs(n.args[k], scan, n.Conv(k, m_.nodes)));
      for (int a : r.args)
        if (N(scan, a).type != VT::kNull) r.type = N(scan, a).type, r.scale = N(scan, a).scale;
      return Node(scan, std::move(r));
    }
    case Fn::kYear:
    case Fn::kQuarter:
    case Fn::kMonth:
    case Fn::kWeek:
    case Fn::kDay:
    case Fn::kWeekday:
    case Fn::kHour:
    case Fn::kDate: {
      RowNode r;
      r.op = O::kDatePart;
      r.part = n.fn;
      r.type = n.fn == Fn::kDate ? VT::kDate : VT::kInt;
      r.args = {Row(n.args[0], scan)};
      return Node(scan, std::move(r));
    }
    case Fn::kAbs: {
      int a = RowAs(n.args[0], scan, n.Conv(0, m_.nodes));
      RowNode r;
      r.op = O::kAbs;
      r.type = N(scan, a).type;
      r.scale = N(scan, a).scale;
      r.args = {a};
      return Node(scan, std::move(r));
    }
    default:
      Unreachable(fmt::format("`{}` cannot be evaluated per row", builtins::Get(n.fn).name));
  }
}

int Lowerer::RoleParam(int scan, int param) {
  const ir::Role::Param& p = filtering_->params[param];
  const std::string& v = req_.params.at(p.name);
  switch (p.scalar.vt) {
    case VT::kInt: {
      // As a CSV field of an int column is read: an optional `+`, digits,
      // 64 bits (strtoll clamped a larger value to the largest int, and
      // skipped leading spaces).
      int64_t x = 0;
      const char* b = v.data() + (!v.empty() && v[0] == '+');
      auto r = std::from_chars(b, v.data() + v.size(), x);
      if (r.ec == std::errc::result_out_of_range)
        throw PlanError("E0603", fmt::format("--param {}={}: too {} for an int (64 bits)", p.name, v,
                                             v[0] == '-' ? "small" : "large"));
      if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || (b != v.data() && *b == '-'))
        throw PlanError("E0603", fmt::format("--param {}={}: not a whole number", p.name, v));
      return Const(scan, VT::kInt, x);
    }
    case VT::kDecimal: {
      auto d = rt::ParseDecimal(v, p.scalar.scale);
      if (!d) throw PlanError("E0603", fmt::format("--param {}={}: not a decimal({})", p.name, v, p.scalar.scale));
      return Const(scan, VT::kDecimal, *d, 0, {}, p.scalar.scale);
    }
    case VT::kDate: {
      auto d = rt::ParseDate(v, rt::DateFormat{});
      if (!d) throw PlanError("E0603", fmt::format("--param {}={}: not a date (YYYY-MM-DD)", p.name, v));
      return Const(scan, VT::kDate, *d);
    }
    case VT::kBool:
      if (v != "true" && v != "false") throw PlanError("E0603", fmt::format("--param {}={}: not true or false", p.name, v));
      return Const(scan, VT::kBool, v == "true");
    case VT::kTimestamp: {
      // It fell through to text, which no timestamp equals: a role
      // `o where o.at >= t0` saw every row on the embedded engines, and
      // its SQL cast the text to a number (engine probe, 2026-12-06).
      auto t = Zone() ? rt::ParseTimestampIn(v, *Zone()) : rt::ParseTimestamp(v, 0);
      if (!t)
        throw PlanError("E0603", fmt::format("--param {}={}: not a timestamp (YYYY-MM-DDTHH:MM:SS, optionally with a "
                                             "fraction and an offset such as +08:00 or Z; without one, in the "
                                             "calendar's time zone)",
                                             p.name, v));
      return Const(scan, VT::kTimestamp, *t);
    }
    case VT::kFloat: {
      // As a CSV field of a float column is read. It fell through to text,
      // read as 0 by the embedded engines: `orders.score >= m` saw every
      // row whatever m was (role probe, 2026-12-07).
      double x = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), x);
      if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(x))
        throw PlanError("E0603", fmt::format("--param {}={}: not a finite number", p.name, v));
      return Const(scan, VT::kFloat, 0, x);
    }
    case VT::kString:
      return Const(scan, VT::kString, 0, 0, v);
    default:
      // Never text in place of a value of another type: a rule that
      // compares it restricts nothing.
      throw std::logic_error(fmt::format("role parameter `{}` has a type the lowering does not read", p.name));
  }
}

const rt::TimeZone* Lowerer::Zone() {
  if (!zone_loaded_) {
    zone_loaded_ = true;
    std::string error;
    if (!m_.calendar.time_zone.empty())
      if (auto z = rt::TimeZone::Load(m_.calendar.time_zone, &error)) zone_ = std::make_shared<rt::TimeZone>(std::move(*z));
  }
  return zone_.get();
}

int64_t Lowerer::TimestampLiteral(const ir::Node& n) {
  // Without an offset (`2025-01-01T08:00:00`) the literal is local time in
  // the calendar's zone; it was read as UTC, so that 08:00 in Shanghai was
  // 16:00 on every engine (engine probe, 2026-12-06).
  if (!n.text().empty() && Zone())
    if (auto t = rt::ParseTimestampIn(n.text(), *Zone())) return *t;
  return static_cast<int64_t>(n.exact);
}

// ---- aggregates --------------------------------------------------------------------------

int Lowerer::SourceOfRow(int e) const {
  const ir::Node& n = m_.node(e);
  if (n.kind == ir::Kind::kColumn || n.kind == ir::Kind::kRows) return n.source;
  if (n.type.level == ir::Level::kRow && n.type.source >= 0) return n.type.source;
  for (int a : n.args)
    if (a >= 0)
      if (int s = SourceOfRow(a); s >= 0) return s;
  return -1;
}

std::string Lowerer::RollupOf(int e) const {
  const ir::Node& n = m_.node(e);
  if (n.kind == ir::Kind::kColumn) {
    if (n.path.size() == 1) return m_.sources[n.source].columns[n.path[0]].rollup;
    return "";
  }
  for (int a : n.args)
    if (a >= 0)
      if (auto r = RollupOf(a); !r.empty()) return r;
  return "";
}

int Lowerer::Aggregate(const ir::Node& call, const LCtx& lc) {
  using F = AggSpec::Fn;
  int value = call.args.empty() ? -1 : call.args[0];
  int filter = -1;
  if (value >= 0 && m_.node(value).kind == ir::Kind::kWhere) {
    filter = m_.node(value).args[1];
    value = m_.node(value).args[0];
  }
  int src = value >= 0 ? SourceOfRow(value) : -1;
  if (src < 0 && filter >= 0) src = SourceOfRow(filter);
  if (src < 0) Unreachable(fmt::format("`{}` reads no source", builtins::Get(call.fn).name));
  // A sum of a balance (`rollup last` ...) is summed per day across
  // dimensions, then rolled up over time by the column's rule.
  // By day too: a day without rows has no balance (null, as a month
  // without rows has), where the daily sum alone read $0.00.
  std::string rollup = call.fn == Fn::kSum && value >= 0 ? RollupOf(value) : "";
  if (!rollup.empty() && !lc.balance_day) {
    LCtx daily = lc;
    daily.grain = Grain::kDay;
    daily.balance_day = true;
    MNode r;
    r.op = MNode::Op::kRollup;
    r.rollup = ParseRollup(rollup).value_or(Rollup::kLast);
    r.args = {Aggregate(call, daily)};
    return MAdd(std::move(r));
  }
  int scan = ScanFor(src, lc);
  AggSpec a;
  bool rows = value >= 0 && m_.node(value).kind == ir::Kind::kRows && m_.node(value).source == src;
  switch (call.fn) {
    case Fn::kSum:
      a.fn = F::kSum;
      break;
    case Fn::kCount:
      a.fn = rows ? F::kCountRows : F::kCount;
      break;
    case Fn::kCountDistinct:
      a.fn = F::kCountDistinct;
      break;
    case Fn::kAvg:
      a.fn = F::kAvg;
      break;
    case Fn::kMin:
      a.fn = F::kMin;
      break;
    case Fn::kMax:
      a.fn = F::kMax;
      break;
    case Fn::kMedian:
      a.fn = F::kMedian;
      break;
    case Fn::kStddev:
      a.fn = F::kStddev;
      break;
    case Fn::kVariance:
      a.fn = F::kVariance;
      break;
    default:
      a.fn = F::kPercentile;
      break;
  }
  if (!rows) {
    a.arg = Row(value, scan);
    VT t = N(scan, a.arg).type;
    if (a.fn != F::kCount && a.fn != F::kCountDistinct && !Numeric(t) &&
        !((a.fn == F::kMin || a.fn == F::kMax) && (t == VT::kDate || t == VT::kTimestamp)))
      Unreachable(fmt::format("`{}` needs numbers, not {}", builtins::Get(call.fn).name, VTName(t)));
    if (t == VT::kBool && a.fn != F::kCount && a.fn != F::kCountDistinct)
      a.arg = Cast(scan, a.arg, ir::Scalar{VT::kInt, 0});
    if (a.fn == F::kCountDistinct && t == VT::kString && N(scan, a.arg).op != RowNode::Op::kColumn)
      Unreachable("`count_distinct` of a computed string");
  }
  if (a.fn == F::kPercentile) {
    int p = call.args.size() > 1 ? call.args[1] : -1;
    if (p >= 0) a.p = ir::LiteralValue(m_.node(p));
    if (!(a.p >= 0 && a.p <= 1)) Unreachable("percentile needs p between 0 and 1");
  }
  std::vector<int> conds;
  if (filter >= 0) conds.push_back(Bool(scan, Row(filter, scan)));
  for (int f : lc.filters) {
    if (SourceOfRow(f) != src) continue;  // the filter reads another source's aggregates
    conds.push_back(Bool(scan, Row(f, scan)));
  }
  for (int c : conds) {
    if (a.filter < 0) {
      a.filter = c;
      continue;
    }
    RowNode both;
    both.op = RowNode::Op::kAnd;
    both.type = VT::kBool;
    both.args = {a.filter, c};
    a.filter = Node(scan, std::move(both));
  }
  a.text = fmt::format("{}({}{}{})", AggFnName(a.fn), a.arg >= 0 ? DumpRow(plan_.scans[scan], a.arg) : "*",
                       a.filter >= 0 ? " where " + DumpRow(plan_.scans[scan], a.filter) : "",
                       a.fn == F::kPercentile ? fmt::format(", {}", a.p) : "");
  auto& aggs = plan_.scans[scan].aggs;
  int slot = -1;
  for (size_t i = 0; i < aggs.size(); ++i)
    if (aggs[i].text == a.text) slot = static_cast<int>(i);
  if (slot < 0) {
    aggs.push_back(a);
    slot = static_cast<int>(aggs.size()) - 1;
  }
  MNode mn;
  mn.op = MNode::Op::kAgg;
  mn.scan = scan;
  mn.agg = slot;
  return MAdd(std::move(mn));
}

}  // namespace kpic::plan
