// Reading a source through the state cache (exec/state_cache.h): the
// parts of its data whose states are cached are served from the cache,
// the rest is read and scanned, and the parts' states are merged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "codegen/kernel.h"
#include "exec/sources.h"
#include "exec/state_cache.h"
#include "plan/plan.h"

namespace kpic::exec {

struct CachedRead {
  std::vector<engine::ScanResult> results;  ///< per scan, in the order asked
  size_t rows_read = 0, rows_cached = 0;
  size_t parts_read = 0, parts_cached = 0;
  std::string uri;     ///< what was read, for messages
  std::string detail;  ///< for --timings: what was read and what was served
  double hash_ms = 0, load_ms = 0, store_ms = 0;  ///< fingerprints, entries read, entries written
};

/// Runs the scans `scan_ids` of `p` over source `src` through the cache,
/// with the reading options of the run (`base`). nullopt when the cache
/// does not serve this source (not a CSV or Parquet binding, smaller than
/// base.stream_min_bytes, or --on-bad-row skip): the caller reads it as
/// usual. Throws what reading throws, and rt::DataError when a file
/// changed while it was being read.
std::optional<CachedRead> ReadThroughCache(const plan::Plan& p, const ir::Source& src,
                                           const std::vector<int>& scan_ids, const ReadOptions& base,
                                           StateCache& cache, const engine::Limits& limits, JitStats* stats);

}  // namespace kpic::exec
