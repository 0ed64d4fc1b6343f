// The checked module: what the type checker learned about each metric, for
// the catalog export, lint and the language server (with the declarations
// they came from), and the typed IR (ir/ir.h), which is what the lowering
// reads. Built by the checker (sema/check_*.cc).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "ir/unit.h"
#include "syntax/ast.h"

namespace kpic {

using ir::Additivity;
using ir::AdditivityName;

struct MetricType {
  const ast::MetricDecl* decl = nullptr;
  /// ast::FormulaHash of its formula, when the checker freed the tree
  /// (CheckInput::check_only); 0 otherwise.
  uint64_t formula = 0;
  std::string package;
  Unit unit;
  NameSet sources;     ///< sources read, directly or through other metrics
  NameSet depends_on;  ///< metrics used directly
  NameSet dimensions;  ///< dimensions every source under it has (shared with the source's own set)
  NameSet columns;     ///< `source.column` read by its own formula (empty: CheckInput::check_only)
  int ir = -1;         ///< its index in the IR's metrics
  /// Levels of expressions its formula nests, counting those of the
  /// metrics it reads (the checker refuses more, E0106).
  int depth = 0;
  /// The most decimal places its exact value can have, or -1 (Ty::places).
  int places = -1;
  // The small fields last, together (one per metric of a large package).
  bool ok = false;       ///< false when its formula has an error
  bool percent = false;  ///< declared `: percent`: shown as a percentage
  Additivity additivity = Additivity::kAdditive;
  bool has_time = true;  ///< every source under it has a time axis
};

struct CheckedModule {
  std::map<std::string, MetricType> metrics;
  ir::Module ir;
};

/// A stable text dump for `kpic compile --emit checked`.
std::string DumpChecked(const CheckedModule& m);

}  // namespace kpic
