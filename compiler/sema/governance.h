// Governance fields of metrics: `approver "name"`, `status
// draft|approved|deprecated` and `definition "..."` (the 口径 in words).
// The checker validates them here (E0212 for a status outside the list or
// a field on a declaration that is not a metric); the lint rules L0008 and
// L0009, the catalog and the language server read a metric's status
// through MetricStatus, so that all of them agree on what `deprecated
// "use X"` means for it.
#pragma once

#include <string>
#include <vector>

#include "diag/diagnostic.h"
#include "syntax/ast.h"

namespace kpic {

/// The values of `status`, in their lifecycle order.
const std::vector<std::string>& MetricStatuses();

/// Whether `key` is one of the governance attributes (metrics only).
bool IsGovernanceAttr(const std::string& key);

/// A metric's status: its `status` value; else `deprecated` when it carries
/// a `deprecated "..."` message (an old name kept as an alias is retired);
/// else "" (no status given). A value outside MetricStatuses() is returned
/// as written (the checker has reported it).
std::string MetricStatus(const std::vector<ast::Attribute>& attrs);

/// The first value of attribute `key` (without a language), or "".
std::string GovernanceText(const std::vector<ast::Attribute>& attrs, const char* key);

/// Checks a metric's governance attributes: `status` is one name of
/// MetricStatuses() (E0212, with the closest), and not `draft` or
/// `approved` beside a `deprecated "..."` message (E0212).
void CheckGovernance(const std::vector<ast::Attribute>& attrs, DiagnosticSink& diags);

/// Reports E0212 for each governance attribute among `attrs` of a
/// declaration that is not a metric (`what`: "goal", "function", "report").
void RefuseGovernance(const std::vector<ast::Attribute>& attrs, const char* what, DiagnosticSink& diags);

}  // namespace kpic
