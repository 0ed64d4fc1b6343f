// Lint rules: style and governance findings that `kpic lint` (and the
// language server) add to the checker's diagnostics. Each rule has a stable
// code, a name and a default level; a package overrides levels with
// `package p { lint "unused-metric: warn", "goal-owner: error" }`.
#pragma once

#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "sema/catalog.h"

namespace kpic {

struct LintRule {
  const char* name;     ///< `goal-owner`
  DiagCode code;        ///< L0001
  const char* level;    ///< default: off, warn or error
  const char* summary;  ///< one line, for `kpic lint --rules` and SARIF
};

/// Every rule, in code order.
const std::vector<LintRule>& LintRules();

/// Runs the rules over the user's packages of a checked catalog and adds
/// their findings (at each package's configured level) to `diags`.
void Lint(const Catalog& catalog, DiagnosticSink& diags);

}  // namespace kpic
