// The checked module: what the type checker learned about each metric, for
// the planner, the catalog export and `kpic explain`. Built by typecheck.cc.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sema/units.h"
#include "syntax/ast.h"

namespace kpic {

/// How a metric rolls up. Non-additive metrics (ratios, averages, distinct
/// counts, percentiles) are recomputed from their parts at every grain,
/// never summed; semi-additive ones (balances) are summed across dimensions
/// but rolled up over time by their column's `rollup` rule.
enum class Additivity { kAdditive, kSemiAdditive, kNonAdditive };

const char* AdditivityName(Additivity a);

struct MetricType {
  const ast::MetricDecl* decl = nullptr;
  std::string package;
  bool ok = false;  ///< false when its formula has an error
  Unit unit;
  bool percent = false;  ///< declared `: percent`: shown as a percentage
  Additivity additivity = Additivity::kAdditive;
  std::set<std::string> sources;     ///< sources read, directly or through other metrics
  std::set<std::string> depends_on;  ///< metrics used directly
  std::set<std::string> dimensions;  ///< dimensions every source under it has
  bool has_time = true;              ///< every source under it has a time axis
  std::set<std::string> columns;     ///< `source.column` read by its own formula
  std::vector<Span> filters;         ///< `where` conditions of its own formula
};

struct CheckedModule {
  std::map<std::string, MetricType> metrics;
};

/// A stable text dump for `kpic compile --emit checked`.
std::string DumpChecked(const CheckedModule& m);

}  // namespace kpic
