// Units as written in the AST, into the unit algebra.
#include "sema/units.h"

namespace kpic {

Unit UnitFromAst(const ast::UnitExpr& e, const std::map<std::string, Unit>* params) {
  Unit u;
  for (const ast::UnitFactor& f : e.factors) {
    Unit base;
    if (params) {
      auto it = params->find(f.name.name);
      base = it != params->end() ? it->second : Unit::Named(f.name.name);
    } else {
      base = Unit::Named(f.name.name);
    }
    int p = f.power > 0 ? f.power : -f.power;
    for (int i = 0; i < p; ++i) u = f.power > 0 ? u * base : u / base;
  }
  return u;
}

}  // namespace kpic
