// Declared SQL dialects: the constructs a dialect refuses (the builtin
// table's per-dialect refusals, such as an exact median in Trino), found in
// the typed IR and reported as E0502 on the call. `kpic check` runs it for
// the dialects each package declares (`package p { dialects trino }`);
// `kpic sql --dialect D` runs it for D over the selection it compiles, so
// both give the same code on the same span.
#pragma once

#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "diag/diagnostic.h"
#include "ir/ir.h"
#include "sema/catalog.h"

namespace kpic {

/// Reports E0502 for each construct of a user package that one of the
/// dialects it declares refuses.
void CheckDeclaredDialects(const Catalog& catalog, DiagnosticSink& diags);

/// An expression to check, with the package it belongs to (a metric of
/// another package is reported where this one uses it).
struct DialectRoot {
  int node = -1;
  std::string package;
};

/// Reports E0502 for each construct reachable from `roots` that `dialect`
/// refuses; returns how many were reported.
size_t CheckDialect(const ir::Module& m, builtins::Dialect dialect, const std::vector<DialectRoot>& roots,
                    DiagnosticSink& diags);

}  // namespace kpic
