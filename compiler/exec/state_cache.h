// The state cache: the aggregate states of a run's scans, kept per part of
// the data they cover, so that a rerun reads only what changed.
//
// A part is the front of a CSV file (bytes [0, N), whole records), or one
// file of a Parquet dataset. An entry holds the states of every scan over
// one source for one part, and is keyed by the plan's fingerprint of those
// scans, the role and its parameters, the source and (for Parquet) the
// file's content. It records the data fingerprint of exactly what it
// covers (an XXH3-128 hash per MiB), which a run checks against the file
// before it trusts the entry: a CSV file whose front is unchanged has only
// its appended bytes read; any other change reads the file again.
//
// Entries are files of their own in one folder (0700; files 0600), each
// written to a temporary file and renamed into place, with a checksum over
// its body: a torn or corrupt entry is dropped and recomputed. Reading an
// entry touches its time; the folder is kept under its size limit by
// removing the least recently used entries. Two runs may share the folder:
// a rename is atomic, and a file removed under a reader stays readable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "plan/plan.h"

namespace kpic::exec {

struct CacheSettings {
  std::string dir;                        ///< the entries' folder; "" turns the cache off
  uint64_t max_bytes = uint64_t{1} << 30;  ///< --cache-size
};

/// $KPIC_CACHE_DIR/states, else $XDG_CACHE_HOME/kpic/states, else
/// $HOME/.cache/kpic/states; "" when none can be named.
std::string DefaultStateCacheDir();

/// "512M", "2G", "64K", "1000000" (bytes; K, M, G, T are powers of 1024).
/// UsageError for anything else.
uint64_t ParseByteSize(const std::string& text, const std::string& flag);

/// What `kpic cache stats` reports.
struct CacheStats {
  std::string dir;
  bool exists = false;
  size_t entries = 0;
  uint64_t bytes = 0;
  size_t temporary = 0;                   ///< unfinished writes (of runs in progress, or killed)
  std::string problem;                    ///< why the folder is not used (a link, another user's), or empty
  std::optional<int64_t> oldest, newest;  ///< last use, seconds since the epoch
};
CacheStats StatCache(const std::string& dir);
/// Removes every entry (and unfinished write, and anything else named as
/// one); returns how many entries. A folder that runs would not use (a
/// link, another user's) is left alone, with `problem` saying why.
size_t ClearCache(const std::string& dir, std::string* problem);

/// The states of every scan over one source for one part of its data.
struct PartStates {
  std::vector<engine::ScanResult> scans;  ///< finished (engine::Finish)
  /// Per scan, per aggregate: for a distinct count of a string column, the
  /// strings its keys are codes of (indexed by code); empty otherwise.
  std::vector<std::vector<std::vector<std::string>>> strings;
  size_t rows = 0;  ///< rows of the part
};

/// Adds `from` into `into` (the states of the same scans): groups are
/// matched by period and members, and string keys of distinct counts by
/// their text. The result is finished.
void MergeParts(const std::vector<const plan::Scan*>& scans, PartStates* into, PartStates&& from);

/// Keeps only the strings some distinct count's key is a code of, and
/// renumbers the keys. A scan codes a string column over every row it
/// reads; under a role the groups hold only the role's keys, and an entry
/// must not hold the other members' strings (attacker's probe, 2026-12-06).
void CompactStrings(PartStates* part);

/// The fingerprint of a range of a file, [start, start + bytes): XXH3-128
/// of each MiB from its start, the last one partial.
struct DataPrint {
  static constexpr size_t kPiece = size_t{1} << 20;
  size_t start = 0;
  size_t bytes = 0;
  std::vector<std::pair<uint64_t, uint64_t>> pieces;
  size_t newlines = 0;  ///< line feeds in what was hashed (when asked)
  bool operator==(const DataPrint& o) const { return start == o.start && bytes == o.bytes && pieces == o.pieces; }
  /// One hash of the whole fingerprint (for keys).
  std::string Digest() const;
};
/// Hashes bytes [from, to) of an open file on two threads, counting line
/// feeds when `lines`. Throws rt::DataError naming `path` when the file
/// cannot be read.
DataPrint HashFile(int fd, const std::string& path, size_t from, size_t to, bool lines);

/// XXH3-128 of a text, in hex (for keys).
std::string HashText(std::string_view s);

/// How many bytes of p[0, n) are `c` (SSE2, 64 bytes a step).
size_t CountByte(const char* p, size_t n, char c);

/// One cache entry: what it covers and its states.
struct CacheEntry {
  std::string key;  ///< the full key, checked against the file's name
  DataPrint print;  ///< the data covered
  size_t lines = 0; ///< CSV: line feeds in the covered bytes
  PartStates states;
};

/// The entries' folder, as one run uses it.
class StateCache {
 public:
  explicit StateCache(CacheSettings settings);
  const CacheSettings& settings() const { return s_; }
  /// False when off (KPIC_NO_CACHE, or no folder can be named).
  bool enabled() const { return !s_.dir.empty(); }
  /// The entry stored under `key`, or nullopt (none, unreadable, corrupt
  /// or for other scans: then it is removed and counted as dropped).
  std::optional<CacheEntry> Load(const std::string& key, const std::vector<const plan::Scan*>& scans);
  /// Stores an entry (atomically; errors are reported in `problems`, never
  /// thrown: a run does not fail because its cache could not be written).
  void Store(const CacheEntry& e, const std::vector<const plan::Scan*>& scans);
  /// Removes the entry stored under `key` (superseded), if any.
  void Remove(const std::string& key);
  /// Removes the least recently used entries over the size limit.
  void Evict();
  size_t dropped = 0, stored = 0, evicted = 0;
  std::vector<std::string> problems;  ///< for --timings and stderr
  /// Entries not stored because each alone exceeds the limit, and the
  /// largest's size: said only without a role (an entry's size follows
  /// the whole file's, rows outside the role too: attacker's probe,
  /// 2026-12-06).
  size_t too_large = 0;
  uint64_t too_large_bytes = 0;

 private:
  std::string PathOf(const std::string& key) const;
  bool Ready();
  CacheSettings s_;
  bool ready_ = false, tried_ = false;
};

/// The fingerprint of a scan: every field that decides its states.
std::string ScanPrint(const plan::Scan& scan);

}  // namespace kpic::exec
