// Name resolution inside declarations: every name in an expression, goal,
// role, report, source or calendar must refer to something that exists.
// Reports unknown names with "did you mean" help. Type and unit checking
// are a later pass.
#pragma once

#include "diag/diagnostic.h"
#include "sema/catalog.h"

namespace kpic {

void ResolveNames(const Catalog& catalog, DiagnosticSink& diags);

}  // namespace kpic
