// Lowering: from the typed IR and a `kpic run` request to a plan.
#pragma once

#include <stdexcept>

#include "ir/ir.h"
#include "plan/plan.h"

namespace kpic::plan {

/// A request the plan cannot satisfy: an unknown metric, goal or
/// dimension, a grain asked of a source without a time axis, a missing role
/// parameter. Exit code 2.
struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Lowers the request. The module must have been checked without errors.
Plan Lower(const ir::Module& module, const Request& request);

}  // namespace kpic::plan
