// JIT-compiled scan kernels: for one scan of the plan, one fused loop over
// the rows evaluates the role filter, every aggregate's filter and input,
// and updates the aggregate states of the row's group. Types are known at
// compile time, validity is tracked apart from values, exact arithmetic is
// overflow-checked, and an overflow stops the scan with the row and the
// expression. Rows are split across both cores and the partial states are
// merged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace kpic {

/// Whether the JIT compiles this scan; `why` says what it cannot compile
/// (the interpreter then runs the scan).
bool JitSupports(const plan::Scan& scan, std::string* why);

struct JitStats {
  double compile_ms = 0;  ///< optimisation and code generation
  int kernels = 0;        ///< kernels compiled
  int cached = 0;         ///< kernels loaded from the cache
  int interpreted = 0;    ///< scans the JIT could not compile
};

/// Runs the scan with a compiled kernel, or with the interpreter when the
/// JIT does not support it.
engine::ScanResult JitScan(const plan::Scan& scan, const engine::ScanInput& in, const rt::Calendar& cal,
                           const engine::Limits& limits, JitStats* stats = nullptr);

/// Scans fed by a streamed table: each chunk of each reading thread is
/// scanned as it arrives, so memory stays near the groups' states plus one
/// chunk per thread, whatever the size of the file.
class StreamScans {
 public:
  StreamScans(const std::vector<const plan::Scan*>& scans, const rt::Calendar& cal, const engine::Limits& limits,
              const std::string& name, JitStats* stats);
  ~StreamScans();
  /// Whether a scan can be fed chunk by chunk (compiled, no lookups, no
  /// float sums whose order would differ from the interpreter's).
  static bool Supports(const plan::Scan& scan);
  /// A chunk from reading thread `part` (0 or 1); `last` chunks are kept
  /// for their dictionaries.
  void Consume(int part, rt::CsvResult& chunk, bool last);
  /// The rows before the first chunk (a part of the source read after
  /// others, as the state cache does): error messages count them.
  void SkipRows(size_t rows);
  /// Forgets every chunk of a part (rt::CsvOptions::on_discard).
  void Discard(int part);
  std::vector<engine::ScanResult> Finish();
  /// After Finish: the strings that scan `s`'s distinct count `a` (of a
  /// string column) keeps as codes, indexed by code; empty for any other
  /// aggregate, or when no rows were read.
  std::vector<std::string> DistinctStrings(size_t s, size_t a) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The kernel's LLVM IR, optimised, for `kpic compile --emit llvm-ir`.
std::string KernelIr(const plan::Scan& scan, int index);

}  // namespace kpic
