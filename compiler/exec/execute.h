// The execution layer: from a plan to the aggregate states of its scans.
// It decides what to read (only the needed columns of the needed sources),
// joins lookups, chooses the engine (interpreter, JIT kernels, or the scans
// pushed down into PostgreSQL), streams large sources through compiled
// scans, and measures each step for --timings. The driver parses flags and
// calls it; the evaluator and the output writers take its results.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"
#include "exec/binding.h"
#include "plan/plan.h"

namespace kpic::exec {

class StateCache;

struct ExecOptions {
  std::string engine = "auto";  ///< auto | jit | interp | postgres
  bool no_stream = false;       ///< read tables whole, then scan the columns in memory
  bool skip_bad_rows = false;   ///< --on-bad-row skip
  BindMap binds;
  engine::Limits limits;
  /// The state cache (exec/state_cache.h), or nullptr: streamed CSV and
  /// Parquet sources are then read whole every time.
  StateCache* cache = nullptr;
};

/// Where the time went, per engine, for --timings.
struct Timings {
  std::string engine;  ///< interp, jit or postgres: what ran the scans
  size_t scans = 0;
  size_t rows = 0;        ///< rows read (all sources)
  size_t rows_cached = 0; ///< rows whose states the state cache served instead
  size_t streamed = 0;    ///< scans fed while reading (their time is in the read)
  double read_ms = 0;     ///< reading (and streamed scanning)
  double join_ms = 0;     ///< merging streamed states and joining lookups
  double scan_ms = 0;     ///< scans over in-memory columns (compiling included)
  double compile_ms = 0;  ///< JIT: optimisation and code generation
  int kernels = 0, cached = 0, interpreted = 0;
  double pushed_ms = 0;  ///< postgres: the scans inside the server
  std::vector<std::string> reads;  ///< per source that reported it: what was read and skipped
  /// Per source read through the state cache: what was read and what was
  /// served from it (with row counts; `cache_redacted` without them).
  std::vector<std::string> cache, cache_redacted;
  std::vector<std::string> cache_problems;  ///< the cache folder could not be used or written
  /// Under a role: no row counts nor per-source reads, which would describe
  /// rows outside it (docs/language.md, "Roles").
  bool redacted = false;
  /// One line for stderr, with the evaluation's time.
  std::string Describe(double eval_ms) const;
};

struct Execution {
  std::vector<engine::ScanResult> results;  ///< one per plan scan
  std::vector<engine::RateTable> rates;      ///< one per plan conversion (exec/rates.h)
  engine::WorkDays work;                     ///< the calendar's working days (exec/workdays.h)
  std::vector<Warning> warnings;             ///< skipped rows, unmatched lookups
  std::vector<std::string> skipped_rows;     ///< `--on-bad-row skip`: the rows listed for stderr
  Timings timings;
};

/// Runs every scan of the plan. Throws rt::DataError (exit 3),
/// engine::LimitError (exit 5), engine::OverflowError (exit 3) and
/// UsageError (exit 2: a source with no binding kpic can read; --engine
/// postgres over a source that is not in PostgreSQL).
Execution Execute(const plan::Plan& p, const ExecOptions& options);

/// The columns each source must provide: the scans' columns and the keys
/// their lookups join on.
std::map<std::string, std::set<std::string>> NeededColumns(const plan::Plan& p);

/// What the plan keeps of each source's rows (its time window and role
/// filter), for readers that skip data by statistics (exec/pruning.cc).
std::map<std::string, Pruning> PlanPruning(const plan::Plan& p);

}  // namespace kpic::exec
