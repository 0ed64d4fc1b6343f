// `kpic cache stats|clear`.
#include "driver/cache_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"
#include "exec/state_cache.h"

namespace kpic {

namespace {

std::string Bytes(uint64_t b) {
  if (b < 1024) return fmt::format("{} B", b);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = -1;
  while (v >= 1024 && u < 3) v /= 1024, ++u;
  return fmt::format("{:.1f} {}", v, units[u]);
}

std::string When(int64_t sec) {
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool Off() {
  const char* off = std::getenv("KPIC_NO_CACHE");
  return off && *off && std::string(off) != "0";
}

uint64_t Limit(const CacheOptions& o) {
  if (!o.cache_size.empty()) return exec::ParseByteSize(o.cache_size, "--cache-size");
  if (const char* e = std::getenv("KPIC_CACHE_SIZE"); e && *e) return exec::ParseByteSize(e, "KPIC_CACHE_SIZE");
  return exec::CacheSettings{}.max_bytes;
}

}  // namespace

int RunCacheStats(const CacheOptions& o) {
  uint64_t limit = Limit(o);
  exec::CacheStats s = exec::StatCache(exec::DefaultStateCacheDir());
  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["dir"] = s.dir;
    j["exists"] = s.exists;
    j["entries"] = s.entries;
    j["bytes"] = s.bytes;
    j["limit"] = limit;
    j["unfinished"] = s.temporary;
    j["problem"] = s.problem.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.problem);
    j["off"] = Off();
    j["oldest_use"] = s.oldest ? nlohmann::ordered_json(When(*s.oldest)) : nlohmann::ordered_json(nullptr);
    j["newest_use"] = s.newest ? nlohmann::ordered_json(When(*s.newest)) : nlohmann::ordered_json(nullptr);
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  if (s.dir.empty()) {
    std::printf("state cache: no folder (set KPIC_CACHE_DIR or HOME)\n");
    return kExitOk;
  }
  std::printf("state cache: %s\n", s.dir.c_str());
  if (Off()) std::printf("  off: KPIC_NO_CACHE is set, runs neither use nor fill it\n");
  if (!s.problem.empty()) {
    std::printf("  %s\n", s.problem.c_str());
    return kExitOk;
  }
  if (!s.exists) {
    std::printf("  empty: no run has filled it yet\n");
    return kExitOk;
  }
  std::printf("  %zu entr%s, %s of %s\n", s.entries, s.entries == 1 ? "y" : "ies", Bytes(s.bytes).c_str(),
              Bytes(limit).c_str());
  if (s.oldest) std::printf("  last used %s; least recently used %s\n", When(*s.newest).c_str(), When(*s.oldest).c_str());
  if (s.temporary) std::printf("  %zu unfinished write(s) (runs in progress, or stopped)\n", s.temporary);
  return kExitOk;
}

int RunCacheClear(const CacheOptions& o) {
  std::string dir = exec::DefaultStateCacheDir();
  std::string problem;
  size_t n = dir.empty() ? 0 : exec::ClearCache(dir, &problem);
  if (!problem.empty()) {
    std::fprintf(stderr, "kpic: cache clear: %s; nothing was removed\n", problem.c_str());
    return kExitInputErrors;
  }
  if (o.format == "json") {
    nlohmann::ordered_json j;
    j["dir"] = dir;
    j["removed"] = n;
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("removed %zu entr%s from %s\n", n, n == 1 ? "y" : "ies", dir.empty() ? "(no folder)" : dir.c_str());
  }
  return kExitOk;
}

}  // namespace kpic
