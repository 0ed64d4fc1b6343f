// `kpic run --engine postgres`: the plan's scans as SQL inside PostgreSQL.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec/binding.h"
#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic::exec {

/// Runs each scan of the plan in the PostgreSQL database its source is bound
/// to (--bind or the declaration) and returns the aggregate states the
/// embedded engines would have produced. Checks the tables' column types and
/// lookups' keys first (DataError), refuses sources that are not in
/// PostgreSQL (UsageError), and adds the engine's warnings (null time
/// values, unmatched lookup keys).
std::vector<engine::ScanResult> PushdownScans(const plan::Plan& p, const BindMap& binds, const engine::Limits& limits,
                                              std::vector<Warning>* warnings);

}  // namespace kpic::exec
