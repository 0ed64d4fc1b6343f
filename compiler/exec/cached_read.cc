// Reading a source through the state cache: a CSV file by its front and
// what was appended to it, a Parquet dataset file by file.
#include "exec/cached_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "base/errors.h"
#include "parquet/dataset.h"
#include "parquet/reader.h"
#include "timezone.h"

namespace kpic::exec {

rt::parquet::ParquetFilter ParquetFilterOf(const Pruning& p);  // bind_parquet.cc

namespace {

/// What the program is: a rebuilt kpic may compute states differently.
std::string ProgramPrint() {
  struct stat st;
  if (::stat("/proc/self/exe", &st) != 0) return "unknown";
  return fmt::format("{}:{}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/// Everything but the data that decides the states of the scans over `src`.
std::string KeyBase(const plan::Plan& p, const ir::Source& src, const std::vector<const plan::Scan*>& scans,
                    const ReadOptions& base, const ResolvedBinding& b) {
  std::string k = fmt::format("kpic state cache 1\nprogram {}\n", ProgramPrint());
  k += fmt::format("role {}\n", p.role);
  // The role's parameters are constants of the scans' filters too.
  for (const plan::Plan::Audit& a : p.audits) k += fmt::format("params {}\n", fmt::join(a.params, "\x1f"));
  k += fmt::format("calendar {} {} {} {}.{}.{}\n", p.time_zone, p.week_start, p.fiscal_start, p.calendar.pattern[0],
                   p.calendar.pattern[1], p.calendar.pattern[2]);
  // The zone's rules, not only its name: they come from the system's tzdata.
  k += fmt::format("zone rules {}\n", p.calendar.zone ? HashText(p.calendar.zone->RulesText()) : "none");
  k += fmt::format("source {} {}\n", src.key, b.kind);
  rt::CsvOptions o = ReaderOptions(src, b.kind);
  k += fmt::format("reader {} {} {} {} {}\n", int{o.delimiter}, int{o.quote}, o.header, o.date_format.pattern,
                   fmt::join(o.nulls, "\x1f"));
  const std::set<std::string>* wanted = nullptr;
  if (base.needed)
    if (auto it = base.needed->find(src.key); it != base.needed->end()) wanted = &it->second;
  for (const rt::CsvColumnRequest& c : ColumnRequests(src, wanted))
    k += fmt::format("column {} {} {} {} {}\n", c.header, c.name, static_cast<int>(c.type), c.scale, c.position);
  for (const plan::Scan* s : scans) k += ScanPrint(*s);
  return k;
}

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{}, ctime{};  // ctime too: `touch -r` can restore an edited file's mtime, never its ctime
  bool operator==(const FileId& o) const {
    return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec && ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

FileId IdOf(const struct stat& st) { return {st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim}; }

/// An open file, closed on every path.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

const char* kChanged = "the file changed (or disappeared) while it was being read; nothing was evaluated, run again";

/// The file at `path` must still be the one opened as `id`.
void CheckUnchanged(const std::string& path, int fd, const FileId& id) {
  struct stat a, b;
  if (::fstat(fd, &a) != 0 || ::stat(path.c_str(), &b) != 0 || !(IdOf(a) == id) || !(IdOf(b) == id))
    throw rt::DataError(path, 0, "", "", kChanged);
}

/// Reads one part of the source (a CSV file from `start_at`, or one file of
/// a Parquet dataset) and scans it.
PartStates ReadPart(const plan::Plan& p, const ir::Source& src, const std::vector<const plan::Scan*>& scans,
                    const ReadOptions& base, const engine::Limits& limits, JitStats* stats,
                    const ReadOptions::Part& part, size_t rows_before, std::string* uri) {
  ReadOptions ro = base;
  std::map<std::string, std::set<std::string>> needed;
  needed[src.key] = base.needed->at(src.key);
  ro.needed = &needed;
  ro.stream.clear();
  ro.parts.clear();
  ro.parts[src.key] = part;
  ro.stream_min_bytes = 0;
  ro.discard_rows = false;
  StreamScans ss(scans, p.calendar, limits, src.name, stats);
  ss.SkipRows(rows_before);
  ro.stream[src.key].chunk = [&ss](int k, rt::CsvResult& chunk, bool last) { ss.Consume(k, chunk, last); };
  ro.stream[src.key].discard = [&ss](int k) { ss.Discard(k); };
  std::vector<std::string> unsupported;
  std::vector<SourceData> read = ReadSources(p.sources, ro, &unsupported);
  PartStates out;
  out.scans = ss.Finish();
  out.strings.resize(scans.size());
  for (size_t s = 0; s < scans.size(); ++s)
    for (size_t a = 0; a < scans[s]->aggs.size(); ++a) out.strings[s].push_back(ss.DistinctStrings(s, a));
  CompactStrings(&out);
  for (const SourceData& d : read)
    if (d.source == src.key) {
      out.rows = d.data.rows;
      *uri = d.uri;
    }
  return out;
}

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string Rows(size_t n) { return fmt::format("{} row{}", n, n == 1 ? "" : "s"); }

}  // namespace

std::optional<CachedRead> ReadThroughCache(const plan::Plan& p, const ir::Source& src,
                                           const std::vector<int>& scan_ids, const ReadOptions& base,
                                           StateCache& cache, const engine::Limits& limits, JitStats* stats) {
  if (base.skip_bad_rows || !base.needed || !base.needed->count(src.key)) return std::nullopt;
  std::string why;
  std::optional<ResolvedBinding> b = ResolveBinding(src, base.binds, &why);
  if (!b || (b->kind != "csv" && b->kind != "parquet")) return std::nullopt;
  const BindingKind& kind = *FindBindingKind(b->kind);
  std::optional<size_t> bytes =
      kind.size ? kind.size(*b, ColumnRequests(src, &base.needed->at(src.key))) : std::nullopt;
  if (!bytes || *bytes < base.stream_min_bytes) return std::nullopt;
  std::vector<const plan::Scan*> scans;
  for (int i : scan_ids) scans.push_back(&p.scans[static_cast<size_t>(i)]);
  std::string key_base = KeyBase(p, src, scans, base, *b);
  CachedRead out;
  out.uri = b->Display();
  PartStates all;

  if (b->kind == "csv") {
    std::error_code ec;
    std::string path = std::filesystem::absolute(b->path, ec).string();
    if (ec) return std::nullopt;
    Fd f;
    f.fd = ::open(b->path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
      return std::nullopt;  // reading says what is wrong
    const FileId id = IdOf(st);
    const size_t size = static_cast<size_t>(st.st_size);
    // The whole file's entry covers its front; delta entries, each keyed
    // by everything before it, cover what was appended since, one run each.
    const std::string key = key_base + "csv " + path;
    auto delta_key = [&](const std::string& chain) { return key + "\nafter " + chain; };
    auto t0 = Clock::now();
    std::optional<CacheEntry> e = cache.Load(key, scans);
    out.load_ms += Since(t0);
    size_t start = 0, lines = 0, deltas = 0;
    std::string chain;  // the digest of the fingerprints of what is covered
    std::vector<std::string> delta_keys;  // the deltas served, superseded when the file is one entry again
    auto verified = [&](const CacheEntry& c) {
      if (c.print.start != start || c.print.bytes == 0 || c.print.bytes > size - start) return false;
      auto t = Clock::now();
      DataPrint now = HashFile(f.fd, b->path, start, start + c.print.bytes, false);
      out.hash_ms += Since(t);
      return now == c.print;
    };
    bool changed = false;
    if (e && verified(*e)) {
      start = e->print.bytes;
      lines = e->lines;
      out.rows_cached = e->states.rows;
      out.parts_cached = 1;
      chain = e->print.Digest();
      all = std::move(e->states);
      while (start < size) {
        t0 = Clock::now();
        std::optional<CacheEntry> d = cache.Load(delta_key(chain), scans);
        out.load_ms += Since(t0);
        if (!d || !verified(*d)) break;
        delta_keys.push_back(delta_key(chain));
        start += d->print.bytes;
        lines += d->lines;
        out.rows_cached += d->states.rows;
        ++out.parts_cached;
        ++deltas;
        chain = HashText(chain + d->print.Digest());
        MergeParts(scans, &all, std::move(d->states));
      }
    } else {
      changed = e.has_value();
    }
    PartStates fresh;
    if (start < size) {
      fresh = ReadPart(p, src, scans, base, limits, stats, {start, lines + 1, ""}, out.rows_cached, &out.uri);
      out.rows_read = fresh.rows;
      out.parts_read = 1;
    }
    // Stored when the file ends a record: what was read as a delta entry,
    // or, for a first reading or after 16 deltas, the whole file as one.
    char lastc = 0;
    bool whole = ::pread(f.fd, &lastc, 1, static_cast<off_t>(size - 1)) == 1 && lastc == '\n';
    CheckUnchanged(b->path, f.fd, id);
    bool store = start < size && whole;
    bool as_delta = store && start > 0 && deltas < 16;
    if (store && as_delta) {
      auto t1 = Clock::now();
      CacheEntry ne;
      ne.key = delta_key(chain);
      ne.print = HashFile(f.fd, b->path, start, size, true);
      ne.lines = ne.print.newlines;
      out.hash_ms += Since(t1);
      CheckUnchanged(b->path, f.fd, id);
      t1 = Clock::now();
      ne.states = std::move(fresh);
      cache.Store(ne, scans);
      fresh = std::move(ne.states);
      out.store_ms += Since(t1);
    }
    if (start < size) MergeParts(scans, &all, std::move(fresh));
    if (store && !as_delta) {
      auto t1 = Clock::now();
      CacheEntry ne;
      ne.key = key;
      ne.print = HashFile(f.fd, b->path, 0, size, true);
      ne.lines = ne.print.newlines;
      out.hash_ms += Since(t1);
      CheckUnchanged(b->path, f.fd, id);
      t1 = Clock::now();
      ne.states = std::move(all);
      cache.Store(ne, scans);
      all = std::move(ne.states);
      for (const std::string& k : delta_keys) cache.Remove(k);
      out.store_ms += Since(t1);
    }
    if (out.parts_cached)
      out.detail = out.rows_read ? fmt::format("{} from the cache, {} appended read", Rows(out.rows_cached), Rows(out.rows_read))
                                 : fmt::format("{} from the cache, nothing appended", Rows(out.rows_cached));
    else
      out.detail = fmt::format("{} read{}", Rows(out.rows_read), changed ? " (the file changed since it was cached: read again)" : "");
  } else {
    // A time window skips row groups by their statistics, reading less than
    // the whole files the cache would hash: such a run reads as before.
    const Pruning* pruning = nullptr;
    if (base.pruning)
      if (auto it = base.pruning->find(src.key); it != base.pruning->end() && !it->second.empty()) pruning = &it->second;
    if (pruning && (pruning->from_day || pruning->to_day)) return std::nullopt;
    rt::parquet::ParquetFilter filter = pruning ? ParquetFilterOf(*pruning) : rt::parquet::ParquetFilter{};
    rt::CsvOptions ropts = ReaderOptions(src, b->kind);
    ropts.zone = base.zone;
    std::vector<rt::CsvColumnRequest> requests = ColumnRequests(src, &base.needed->at(src.key));
    std::vector<rt::parquet::DatasetFile> files = rt::parquet::ListDataset(b->path);
    size_t pruned = 0;
    for (const rt::parquet::DatasetFile& file : files) {
      // Partitions a role rules out are neither opened nor cached.
      if (!rt::PartitionMayMatch(file, requests, ropts, filter)) {
        ++pruned;
        continue;
      }
      Fd f;
      f.fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      struct stat st;
      if (f.fd < 0 || ::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw rt::DataError(file.path, 0, "", "", std::string("cannot open: ") + std::strerror(errno));
      const FileId id = IdOf(st);
      auto t0 = Clock::now();
      DataPrint print = HashFile(f.fd, file.path, 0, static_cast<size_t>(st.st_size), false);
      out.hash_ms += Since(t0);
      std::string content;
      for (auto [lo, hi] : print.pieces) content += fmt::format("{:016x}{:016x}", lo, hi);
      std::string key = key_base + fmt::format("parquet {} {}", print.bytes, content);
      for (size_t i = 0; i < file.partitions.size(); ++i)
        key += fmt::format("\npartition {}={} {}", file.partitions[i].first, file.partitions[i].second,
                           i < file.partition_null.size() && file.partition_null[i]);
      t0 = Clock::now();
      std::optional<CacheEntry> e = cache.Load(key, scans);
      out.load_ms += Since(t0);
      PartStates part;
      if (e && e->print == print) {
        out.rows_cached += e->states.rows;
        ++out.parts_cached;
        part = std::move(e->states);
      } else {
        std::string uri;
        part = ReadPart(p, src, scans, base, limits, stats, {0, 0, file.path}, 0, &uri);
        CheckUnchanged(file.path, f.fd, id);
        out.rows_read += part.rows;
        ++out.parts_read;
        CacheEntry ne;
        ne.key = key;
        ne.print = print;
        ne.states = std::move(part);
        t0 = Clock::now();
        cache.Store(ne, scans);
        out.store_ms += Since(t0);
        part = std::move(ne.states);
      }
      MergeParts(scans, &all, std::move(part));
    }
    out.detail = fmt::format("{} of {} file{} from the cache ({}), {} read ({})", out.parts_cached, files.size(),
                             files.size() == 1 ? "" : "s", Rows(out.rows_cached), out.parts_read, Rows(out.rows_read));
    if (pruned) out.detail += fmt::format(", {} skipped by partition", pruned);
  }
  if (all.scans.empty()) {
    // No part at all (an empty dataset): empty states.
    for (const plan::Scan* s : scans) {
      engine::ScanResult r;
      r.aggs.resize(s->aggs.size());
      all.scans.push_back(std::move(r));
    }
  }
  // Groups with a row the run may see: under a role, a cached part may
  // hold groups only other members' rows made (the kernel's grouper).
  for (size_t s = 0; s < scans.size(); ++s)
    if (static_cast<size_t>(std::count_if(all.scans[s].rows.begin(), all.scans[s].rows.end(),
                                          [](int64_t n) { return n > 0; })) > limits.max_groups)
      throw engine::LimitError(fmt::format("more than {} groups in the scan of `{}`; raise --max-groups or ask for "
                                           "fewer dimensions or a coarser grain",
                                           limits.max_groups, src.name));
  out.detail += fmt::format("; fingerprints {:.1f} ms, entries read {:.1f} ms, written {:.1f} ms", out.hash_ms,
                            out.load_ms, out.store_ms);
  out.results = std::move(all.scans);
  return out;
}

}  // namespace kpic::exec
