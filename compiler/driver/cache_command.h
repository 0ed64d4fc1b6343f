// `kpic cache stats|clear`: the state cache's folder (exec/state_cache.h).
#pragma once

#include <string>

namespace kpic {

struct CacheOptions {
  std::string format = "human";  ///< human | json
  std::string cache_size;        ///< --cache-size, for the limit shown
};

int RunCacheStats(const CacheOptions& o);
int RunCacheClear(const CacheOptions& o);

}  // namespace kpic
