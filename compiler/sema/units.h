// Units as written in the AST, into the unit algebra of ir/unit.h.
#pragma once

#include <map>
#include <string>

#include "ir/unit.h"
#include "syntax/ast.h"

namespace kpic {

/// From a unit expression; `percent` and `1` contribute nothing. Unit
/// parameters are substituted from `params` when given.
Unit UnitFromAst(const ast::UnitExpr& u, const std::map<std::string, Unit>* params = nullptr);

}  // namespace kpic
