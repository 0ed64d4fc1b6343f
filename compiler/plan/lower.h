// Lowering: from the typed IR and a `kpic run` request to a plan.
#pragma once

#include <stdexcept>

#include "base/errors.h"
#include "ir/ir.h"
#include "plan/plan.h"

namespace kpic::plan {

/// A request the plan cannot satisfy: an unknown metric, goal or
/// dimension (E0601), a grain, breakdown or window the definitions cannot
/// answer (E0602), a missing or bad role parameter (E0603), a source the
/// role does not cover (E0604). Exit code 2, with the code. Everything that
/// depends on the package alone is refused by `kpic check`; what is left
/// here for it is an internal invariant (std::logic_error).
struct PlanError : UsageError {
  using UsageError::UsageError;
};

/// An internal invariant of the lowering broken: a package that `kpic check`
/// accepted and the lowering cannot express. A bug (exit 70), never an
/// answer to the user's input.
[[noreturn]] void Unreachable(const std::string& what);

/// Lowers the request. The module must have been checked without errors.
Plan Lower(const ir::Module& module, const Request& request);

}  // namespace kpic::plan
