// JIT-compiled scan kernels: for one scan of the plan, one fused loop over
// the rows evaluates the role filter, every aggregate's filter and input,
// and updates the aggregate states of the row's group. Types are known at
// compile time, validity is tracked apart from values, exact arithmetic is
// overflow-checked, and an overflow stops the scan with the row and the
// expression. Rows are split across both cores and the partial states are
// merged.
#pragma once

#include <string>

#include "engine/engine.h"

namespace kpic {

/// Whether the JIT compiles this scan; `why` says what it cannot compile
/// (the interpreter then runs the scan).
bool JitSupports(const plan::Scan& scan, std::string* why);

struct JitStats {
  double compile_ms = 0;  ///< optimisation and code generation
  int kernels = 0;        ///< kernels compiled
  int cached = 0;         ///< kernels loaded from the cache
  int interpreted = 0;  ///< scans the JIT could not compile
};

/// Runs the scan with a compiled kernel, or with the interpreter when the
/// JIT does not support it.
engine::ScanResult JitScan(const plan::Scan& scan, const engine::ScanInput& in, const rt::Calendar& cal,
                           const engine::Limits& limits, JitStats* stats = nullptr);

/// The kernel's LLVM IR, optimised, for `kpic compile --emit llvm-ir`.
std::string KernelIr(const plan::Scan& scan, int index);

}  // namespace kpic
