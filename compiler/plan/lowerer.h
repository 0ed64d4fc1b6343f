// The lowering's state, shared by its files (private to plan/): lower.cc
// (the request: metrics, charts, goals, roles), lower_row.cc (scans, row
// expressions and aggregates) and lower_metric.cc (metric expressions and
// period operators). It reads only the typed IR: names were resolved and
// types decided by the checker, so lowering follows indices and applies the
// recorded conversions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "plan/lower.h"

namespace kpic::plan {

struct LCtx {
  rt::Grain grain = rt::Grain::kAll;
  std::vector<std::string> dims;
  std::vector<int> filters;  ///< outer metric-level `where` conditions (IR nodes)
  bool windowed = false;     ///< under a period operator: needs rows outside --from/--to
};

class Lowerer {
 public:
  Lowerer(const ir::Module& m, const Request& req) : m_(m), req_(req) {}
  Plan Run();

 private:
  // ---- lower.cc ----------------------------------------------------------------------
  void Metric(const std::string& name);
  void Charts(const ir::Report& r);
  void Goal(const ir::Goal& g);
  const ir::Goal* goal_ = nullptr;  ///< the goal being lowered (`m.target` reads its target)
  void RoleFilter(int scan);
  int RoundOf(int root, const std::string& unit) const;
  const ir::Role* role_ = nullptr;  ///< --role, else the report's role
  /// The source of `dim` in `s`: the column path to it, directly or through lookups.
  bool DimPath(int source, const std::string& dim, std::vector<std::string>* path, int depth = 0) const;
  VT DimType(const std::string& dim) const;

  // ---- lower_row.cc ------------------------------------------------------------------
  int ScanFor(int source, const LCtx& lc);
  void Touch(int scan);
  int Col(Scan& scan, const std::vector<std::string>& path);
  int Node(int scan, RowNode n);
  const RowNode& N(int scan, int i) const { return plan_.scans[scan].nodes[i]; }
  int Const(int scan, VT t, int64_t i, double f = 0, std::string s = {}, int scale = 0);
  int Bool(int scan, int node);
  int Cast(int scan, int node, ir::Scalar to);
  /// Lowers IR node `e` as a row expression of the scan, and converts it to `to`.
  int RowAs(int e, int scan, ir::Scalar to);
  int Row(int e, int scan);
  int RowCall(const ir::Node& n, int scan);
  int RoleParam(int scan, int param);
  int Aggregate(const ir::Node& call, const LCtx& lc);
  /// The `rollup` rule of a balance column read by a row expression, or "".
  std::string RollupOf(int e) const;
  /// The source whose rows a row expression reads, or -1.
  int SourceOfRow(int e) const;

  // ---- lower_metric.cc ---------------------------------------------------------------
  int M(int e, const LCtx& lc);
  int MetricRef(int metric, const LCtx& lc);
  int MCall(const ir::Node& n, const LCtx& lc);
  int Method(const ir::Node& n, const LCtx& lc);
  int Member(int base, builtins::Fn member, const LCtx& lc);
  int Growth(int m, int period, const LCtx& lc);
  int Convert(const ir::Node& n, const LCtx& lc);
  int Rolling(int base, int duration, const LCtx& lc);
  rt::Grain PeriodGrain(int period, const LCtx& lc);
  int MAdd(MNode n);
  int MOp(MNode::Op op, std::vector<int> args);
  int MConst(__int128 v, int scale);
  int Shift(int a, rt::Grain g);

  const ir::Module& m_;
  const Request& req_;
  Plan plan_;
  std::map<std::string, int> scan_index_;
  std::vector<int>* touched_ = nullptr;  ///< scans read by the output being lowered
  const ir::Role* filtering_ = nullptr;  ///< the role whose filter is being lowered (its parameters)
};

}  // namespace kpic::plan
