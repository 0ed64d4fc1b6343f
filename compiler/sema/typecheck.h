// The type checker: units, value kinds, additivity, row versus metric
// level, dimension availability and grains, goals, alerts and roles.
// Runs after name resolution; unknown names (already reported) type as
// errors and never cause a second diagnostic.
#pragma once

#include "diag/diagnostic.h"
#include "sema/catalog.h"
#include "sema/checked.h"

namespace kpic {

/// Types every metric, goal, role and report of the catalog and builds the
/// typed IR (CheckedModule::ir).
/// `check_only`: see CheckInput::check_only.
CheckedModule TypeCheck(const Catalog& catalog, const SourceManager& sm, DiagnosticSink& diags,
                        bool check_only = false);

}  // namespace kpic
