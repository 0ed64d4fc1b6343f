// Units as written in the AST, into the unit algebra.
#include "sema/units.h"

#include <algorithm>

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
    // The parsers bound a power (ast::kMaxUnitPower); clamp anyway, so that
    // an AST built some other way cannot make this loop (and the interned
    // units it leaves) as long as a 32-bit number.
    int p = std::min(f.power > 0 ? f.power : -f.power, ast::kMaxUnitPower);
    for (int i = 0; i < p; ++i) u = f.power > 0 ? u * base : u / base;
  }
  return u;
}

}  // namespace kpic
