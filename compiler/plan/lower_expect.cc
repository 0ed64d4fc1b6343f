// Lowering `kpic test`'s expectations (docs/language.md, "Data tests").
// Source checks become scans of their own over the rows the role may see
// (grain `all`, up to the as-of date); metric checks become outputs at
// their own grain and breakdown, evaluated as `kpic run` evaluates metrics.
// Every engine (interpreter, JIT, PostgreSQL) runs them as it runs any scan.
#include <fmt/format.h>

#include "plan/lowerer.h"

namespace kpic::plan {

using rt::Grain;
using Check = ir::Expectation::Check;

int Lowerer::ExpectScan(int source, const std::string& group, const std::function<int(int)>& cond) {
  const ir::Source& src = m_.sources[static_cast<size_t>(source)];
  Scan s;
  s.source = src.key;
  s.src = source;
  s.grain = Grain::kAll;
  s.audit = true;
  // Rows after --as-of do not exist for this run, as in `kpic run`.
  if (req_.as_of_day && src.time_column >= 0) s.to_day = *req_.as_of_day + 1;
  plan_.scans.push_back(std::move(s));
  int index = static_cast<int>(plan_.scans.size()) - 1;
  if (plan_.scans[index].to_day)
    plan_.scans[index].time_column =
        Col(plan_.scans[index], {src.columns[static_cast<size_t>(src.time_column)].name});
  if (!group.empty()) plan_.scans[index].dim_columns.push_back(Col(plan_.scans[index], {group}));
  RoleFilter(index);
  if (cond) {
    int c = cond(index);
    int f = plan_.scans[index].filter;
    if (f >= 0) {
      RowNode both;
      both.op = RowNode::Op::kAnd;
      both.type = VT::kBool;
      both.args = {f, c};
      c = Node(index, std::move(both));
    }
    plan_.scans[index].filter = c;
  }
  return index;
}

void Lowerer::Expect(const ir::Expectation& x, ExpectPlan* e) {
  ExpectPlan out;
  out.x = x;
  auto count = [&](int scan, int filter, const char* text) { return CountRows(scan, filter, text); };
  auto column = [&](int scan, const std::vector<std::string>& path) {
    RowNode n;
    n.op = RowNode::Op::kColumn;
    n.column = Col(plan_.scans[scan], path);
    n.type = plan_.scans[scan].columns[n.column].type;
    n.scale = plan_.scans[scan].columns[n.column].scale;
    return Node(scan, std::move(n));
  };
  auto test = [&](int scan, RowNode::Op op, int arg) { return Test(scan, op, arg); };
  if (x.check == Check::kRange || x.check == Check::kReconcile) {
    auto lower = [&](int node, const std::string& formula) {
      Output o;
      o.formula = formula;
      o.metric = formula;
      o.grain = x.grain.value_or(Grain::kAll);
      for (const std::string& b : x.by) {
        o.by.push_back(b);
        o.by_types.push_back(DimType(b));
      }
      o.percent = x.percent;
      o.unit = m_.node(node).type.unit.ToString();
      o.amount = ir::IsAmount(m_, node);
      LCtx lc;
      lc.grain = o.grain;
      lc.dims = o.by;
      touched_ = &o.scans;
      o.root = M(node, lc);
      touched_ = nullptr;
      PeriodsFromWindows(&o);
      plan_.outputs.push_back(std::move(o));
      return static_cast<int>(plan_.outputs.size()) - 1;
    };
    out.output = lower(x.expr, x.formula);
    if (x.check == Check::kReconcile) out.other = lower(x.other, x.other_formula);
    *e = std::move(out);
    return;
  }
  const ir::Source& src = m_.sources[static_cast<size_t>(x.source)];
  out.source = src.name;
  std::string col = x.column >= 0 ? src.columns[static_cast<size_t>(x.column)].name : "";
  out.column = col;
  if (x.column >= 0) out.type = src.columns[static_cast<size_t>(x.column)].scalar.vt;
  switch (x.check) {
    case Check::kUnique:
      out.scan = ExpectScan(x.source, col, nullptr);
      out.count = count(out.scan, -1, "kpic.expect.rows");
      break;
    case Check::kNotNull:
      out.scan = ExpectScan(x.source, "", nullptr);
      out.count = count(out.scan, test(out.scan, RowNode::Op::kIsNull, column(out.scan, {col})), "kpic.expect.null");
      out.total = count(out.scan, -1, "kpic.expect.rows");
      break;
    case Check::kAccepted:
      // Only the rows whose value is not accepted are grouped.
      out.scan = ExpectScan(x.source, col, [&](int scan) {
        RowNode in;
        in.op = RowNode::Op::kIn;
        in.type = VT::kBool;
        in.negated = true;
        in.args.push_back(column(scan, {col}));
        for (const std::string& v : x.values) {
          if (out.type == VT::kString)
            in.args.push_back(Const(scan, VT::kString, 0, 0, v));
          else if (out.type == VT::kBool)
            in.args.push_back(Const(scan, VT::kBool, v == "true" ? 1 : 0));
          else
            in.args.push_back(Const(scan, VT::kInt, std::stoll(v)));
        }
        return Node(scan, std::move(in));
      });
      out.count = count(out.scan, -1, "kpic.expect.rows");
      break;
    case Check::kFound: {
      const ir::Source& t = m_.sources[static_cast<size_t>(x.target)];
      out.target = t.name;
      std::string key = t.columns[static_cast<size_t>(t.key_column)].name;
      // Only the rows whose key is not null and not found are grouped.
      out.scan = ExpectScan(x.source, col, [&](int scan) {
        RowNode both;
        both.op = RowNode::Op::kAnd;
        both.type = VT::kBool;
        both.args = {test(scan, RowNode::Op::kIsNotNull, column(scan, {col})),
                     test(scan, RowNode::Op::kIsNull, column(scan, {col, key}))};
        return Node(scan, std::move(both));
      });
      out.count = count(out.scan, -1, "kpic.expect.rows");
      break;
    }
    case Check::kFresh: {
      out.scan = ExpectScan(x.source, "", nullptr);
      int arg = column(out.scan, {src.columns[static_cast<size_t>(src.time_column)].name});
      if (plan_.scans[out.scan].nodes[static_cast<size_t>(arg)].type == VT::kTimestamp) {
        // The day in the calendar's time zone, as every engine buckets it.
        RowNode d;
        d.op = RowNode::Op::kDatePart;
        d.part = builtins::Fn::kDate;
        d.type = VT::kDate;
        d.args = {arg};
        arg = Node(out.scan, std::move(d));
      }
      AggSpec a;
      a.fn = AggSpec::Fn::kMax;
      a.arg = arg;
      a.text = "kpic.expect.last_day";
      plan_.scans[out.scan].aggs.push_back(std::move(a));
      out.last = static_cast<int>(plan_.scans[out.scan].aggs.size()) - 1;
      break;
    }
    case Check::kRows:
      out.scan = ExpectScan(x.source, "", nullptr);
      out.count = count(out.scan, -1, "kpic.expect.rows");
      break;
    default:
      break;
  }
  *e = std::move(out);
}

}  // namespace kpic::plan
