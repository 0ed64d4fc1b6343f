// Execution: read, join, scan. Large tables stream through compiled scans
// while they are read (when every scan over them can be fed chunk by
// chunk); the rest are read whole and scanned by the interpreter or the
// JIT. `auto` interprets small data (compiling would cost more than it
// saves) and compiles the rest.
#include "exec/execute.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>

#include "base/errors.h"
#include "codegen/kernel.h"
#include "exec/cached_read.h"
#include "exec/pushdown.h"
#include "exec/rates.h"
#include "exec/workdays.h"
#include "exec/sources.h"
#include "exec/tables.h"
#include "hugepages.h"

namespace kpic::exec {

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

/// The scans over one streamed source, fed as its chunks arrive.
struct Streamed {
  std::vector<int> scans;
  std::once_flag once;
  std::unique_ptr<StreamScans> ss;
  bool used = false;
};

Execution Pushdown(const plan::Plan& p, const ExecOptions& o) {
  Execution ex;
  auto t0 = Clock::now();
  ex.results = PushdownScans(p, o.binds, o.limits, &ex.warnings);
  ex.rates = ReadRates(p, o.binds, o.skip_bad_rows);
  ex.work = ReadWorkDays(p, o.binds, o.skip_bad_rows);
  ex.timings.engine = "postgres";
  ex.timings.scans = p.scans.size();
  ex.timings.pushed_ms = Ms(t0, Clock::now());
  return ex;
}

}  // namespace

std::map<std::string, std::set<std::string>> NeededColumns(const plan::Plan& p) {
  std::map<std::string, std::set<std::string>> needed;
  for (const plan::Scan& sc : p.scans) {
    needed[sc.source];
    for (const plan::ScanColumn& c : sc.columns)
      for (size_t i = 0; i < c.path.size(); ++i) {
        needed[c.sources[i]].insert(c.path[i]);
        if (i == 0) continue;
        for (const ir::Source& s : p.sources)
          if (s.key == c.sources[i] && s.key_column >= 0) needed[s.key].insert(s.columns[s.key_column].name);
      }
  }
  return needed;
}

Execution Execute(const plan::Plan& p, const ExecOptions& o) {
  if (o.engine == "postgres") return Pushdown(p, o);
  Execution ex;
  Timings& tm = ex.timings;
  tm.scans = p.scans.size();
  std::map<std::string, std::set<std::string>> needed = NeededColumns(p);
  ReadOptions ro;
  ro.skip_bad_rows = o.skip_bad_rows;
  ro.needed = &needed;
  ro.binds = o.binds;
  ro.zone = p.calendar.zone;
  ro.redact = !p.role.empty();
  std::map<std::string, Pruning> pruning = PlanPruning(p);
  ro.pruning = &pruning;
  JitStats stats;
  std::map<std::string, Streamed> streamed;
  if (o.engine != "interp" && !o.no_stream) {
    for (size_t i = 0; i < p.scans.size(); ++i) streamed[p.scans[i].source].scans.push_back(static_cast<int>(i));
    // A source another scan looks up (a role's visibility through lookups
    // does so for sources the query also scans) is joined whole (JoinPath),
    // so it is read into memory, not streamed past.
    std::set<std::string> looked_up;
    for (const plan::Scan& sc : p.scans)
      for (const plan::ScanColumn& c : sc.columns)
        for (size_t k = 1; k < c.sources.size(); ++k) looked_up.insert(c.sources[k]);
    for (auto it = streamed.begin(); it != streamed.end();) {
      bool ok = !looked_up.count(it->first) &&
                std::all_of(it->second.scans.begin(), it->second.scans.end(),
                            [&](int i) { return StreamScans::Supports(p.scans[i]); });
      it = ok ? std::next(it) : streamed.erase(it);
    }
    ro.stream_min_bytes = o.engine == "jit" ? 0 : size_t{8} << 20;
    for (auto& [src, st] : streamed) {
      Streamed* sp = &st;
      std::string name = src.substr(src.rfind(':') + 1);
      ro.stream[src].discard = [sp](int part) {
        if (sp->ss) sp->ss->Discard(part);
      };
      ro.stream[src].chunk = [&p, &o, &stats, sp, name](int part, rt::CsvResult& chunk, bool last) {
        std::call_once(sp->once, [&] {
          std::vector<const plan::Scan*> scans;
          for (int i : sp->scans) scans.push_back(&p.scans[i]);
          sp->ss = std::make_unique<StreamScans>(scans, p.calendar, o.limits, name, &stats);
          sp->used = true;
        });
        sp->ss->Consume(part, chunk, last);
      };
    }
  }
  std::vector<std::string> unsupported;
  Tables t;
  rt::PrepareHeapForHugePages();  // the groups' states grow in huge pages (runtime/hugepages.cc)
  auto t_read = Clock::now();
  ex.results.resize(p.scans.size());
  std::vector<bool> done(p.scans.size(), false);
  // Streamed sources through the state cache: what it serves is not read.
  std::map<std::string, std::set<std::string>> rest = needed;
  if (o.cache && o.cache->enabled()) {
    for (auto it = streamed.begin(); it != streamed.end();) {
      const ir::Source* src = nullptr;
      for (const ir::Source& s : p.sources)
        if (s.key == it->first) src = &s;
      std::optional<CachedRead> c =
          src ? ReadThroughCache(p, *src, it->second.scans, ro, *o.cache, o.limits, &stats) : std::nullopt;
      if (!c) {
        ++it;
        continue;
      }
      for (size_t k = 0; k < it->second.scans.size(); ++k) {
        ex.results[static_cast<size_t>(it->second.scans[k])] = std::move(c->results[k]);
        done[static_cast<size_t>(it->second.scans[k])] = true;
        ++tm.streamed;
      }
      tm.rows_cached += c->rows_cached;
      tm.cache.push_back(fmt::format("{}: {}", c->uri, c->detail));
      // Under a role: nothing that changes with rows outside it (whether
      // anything was appended, how many files the role's partitions rule out).
      tm.cache_redacted.push_back(fmt::format("{}: read through the state cache", it->first.substr(it->first.rfind(':') + 1)));
      SourceData d;
      d.source = it->first;
      d.uri = c->uri;
      d.data.rows = c->rows_read + c->rows_cached;
      t.Add(std::move(d));
      rest.erase(it->first);
      ro.stream.erase(it->first);
      it = streamed.erase(it);
    }
    o.cache->Evict();
    tm.cache_problems = o.cache->problems;
    if (o.cache->too_large && p.role.empty())
      tm.cache_problems.push_back(fmt::format("an entry of {} bytes is larger than the cache's limit ({} bytes, "
                                              "--cache-size): not stored",
                                              o.cache->too_large_bytes, o.cache->settings().max_bytes));
    if (o.cache->dropped)
      tm.cache_problems.push_back(p.role.empty() ? fmt::format("{} corrupt or unreadable cache entr{} dropped and recomputed",
                                                               o.cache->dropped, o.cache->dropped == 1 ? "y" : "ies")
                                                 : "corrupt or unreadable cache entries dropped and recomputed");
  }
  ro.needed = &rest;
  for (SourceData& d : ReadSources(p.sources, ro, &unsupported)) {
    if (!d.detail.empty()) tm.reads.push_back(fmt::format("{}: {}", d.uri, d.detail));
    if (d.data.skipped) {
      t.warnings.push_back({"W0703", fmt::format("{}: skipped {} bad row(s) (--on-bad-row skip)", d.uri, d.data.skipped),
                            fmt::format("{}：跳过了 {} 行有误的数据（--on-bad-row skip）", d.uri, d.data.skipped)});
      for (const auto& b : d.data.bad)
        // As the error without --on-bad-row skip reads: file, line, column,
        // value (escaped) and why (the value was left out).
        ex.skipped_rows.push_back(rt::DataError(d.uri, b.line, b.column, b.value, b.reason).what());
    }
    t.Add(std::move(d));
  }
  for (const auto& [src, cols] : needed)
    if (!t.by_source.count(src))
      throw UsageError(fmt::format("source `{}` has no data binding kpic can read; bind it with --bind {}=URI",
                                   src.substr(src.rfind(':') + 1), src.substr(src.rfind(':') + 1)));

  auto t_join = Clock::now();
  std::vector<engine::ScanInput> inputs(p.scans.size());
  for (auto& [src, st] : streamed) {
    if (!st.used) continue;
    std::vector<engine::ScanResult> r = st.ss->Finish();
    for (size_t k = 0; k < st.scans.size(); ++k) {
      ex.results[st.scans[k]] = std::move(r[k]);
      done[st.scans[k]] = true;
      ++tm.streamed;
    }
  }
  std::set<std::string> counted;
  size_t scanned_rows = 0;  // rows over all scans: what `auto` weighs
  for (size_t i = 0; i < p.scans.size(); ++i) {
    const plan::Scan& sc = p.scans[i];
    const SourceData& d = t.by_source.at(sc.source);
    if (counted.insert(sc.source).second) tm.rows += d.data.rows;
    scanned_rows += d.data.rows;
    if (done[i]) continue;
    inputs[i].rows = d.data.rows;
    inputs[i].source_name = d.uri;
    for (const plan::ScanColumn& c : sc.columns)
      inputs[i].columns.push_back(c.path.size() == 1 ? &t.Column(c.sources[0], c.path[0]) : JoinPath(p, t, c));
  }
  tm.rows -= tm.rows_cached;
  // auto: the interpreter for small data (compiling costs more than it
  // saves), the JIT otherwise.
  bool jit = o.engine == "jit" || (o.engine == "auto" && scanned_rows >= 100'000);
  tm.engine = jit || tm.streamed > 0 ? "jit" : "interp";
  auto t_scan = Clock::now();
  for (size_t i = 0; i < p.scans.size(); ++i) {
    if (done[i]) continue;
    if (jit) {
      ex.results[i] = JitScan(p.scans[i], inputs[i], p.calendar, o.limits, &stats);
    } else {
      ex.results[i] = engine::InterpretScan(p.scans[i], inputs[i], p.calendar, o.limits);
      ++tm.interpreted;
    }
  }
  auto t_end = Clock::now();
  tm.read_ms = Ms(t_read, t_join);
  tm.join_ms = Ms(t_join, t_scan);
  tm.scan_ms = Ms(t_scan, t_end);
  tm.compile_ms = stats.compile_ms;
  tm.kernels = stats.kernels;
  tm.cached = stats.cached;
  tm.interpreted += stats.interpreted;
  // A past-to scan of a source whose rows past --to were skipped by their
  // statistics: the statistics say what it would have seen, when every row
  // counts (under a role's filter on the source only the rows read do).
  for (size_t i = 0; i < p.scans.size(); ++i)
    if (p.scans[i].past_to && p.scans[i].filter < 0)
      if (auto d = t.by_source.find(p.scans[i].source); d != t.by_source.end() && d->second.rows_after_to)
        ex.results[i].rows_past_to = true;
  ex.warnings = std::move(t.warnings);
  ex.rates = ReadRates(p, o.binds, o.skip_bad_rows);
  ex.work = ReadWorkDays(p, o.binds, o.skip_bad_rows);
  return ex;
}

std::string Timings::Describe(double eval_ms) const {
  if (engine == "postgres")
    return fmt::format("kpic: timings: engine postgres: {} scan(s) pushed down in {:.1f} ms; evaluated in {:.1f} ms\n",
                       scans, pushed_ms, eval_ms);
  if (redacted) {
    // Under a role, only times: which engine `auto` took, and whether a
    // scan was streamed, follow the whole source's rows and bytes (review,
    // 2026-12-06), as counts of rows and kernels would.
    std::string out = fmt::format("kpic: timings: read in {:.1f} ms; scanned in {:.1f} ms; evaluated in {:.1f} ms\n",
                                  read_ms, join_ms + scan_ms, eval_ms);
    for (const std::string& c : cache_redacted) out += fmt::format("kpic: timings: cache: {}\n", c);
    for (const std::string& c : cache_problems) out += fmt::format("kpic: timings: cache: {}\n", c);
    return out;
  }
  std::string out =
      rows_cached ? fmt::format("kpic: timings: engine {}: read {} rows and served the states of {} rows "
                                           "from the state cache in {:.1f} ms",
                                           engine, rows, rows_cached, read_ms)
                             : fmt::format("kpic: timings: engine {}: read {} rows in {:.1f} ms", engine, rows, read_ms);
  if (streamed) out += fmt::format(" ({} scan(s) streamed while reading)", streamed);
  out += fmt::format("; merged streamed states and joined lookups in {:.1f} ms", join_ms);
  size_t in_memory = scans - streamed;
  if (engine == "jit")
    out += fmt::format("; {} kernel(s) compiled in {:.1f} ms, {} from the cache", kernels, compile_ms, cached);
  if (interpreted) out += fmt::format("; {} scan(s) interpreted", interpreted);
  out += fmt::format("; {} scan(s) over in-memory columns scanned in {:.1f} ms", in_memory, scan_ms);
  if (engine == "jit") out += " (compile included)";
  out += fmt::format("; evaluated in {:.1f} ms\n", eval_ms);
  if (streamed) out += fmt::format("kpic: timings: {} scan(s) streamed while reading (their time is in the read)\n", streamed);
  for (const std::string& r : reads) out += fmt::format("kpic: timings: read {}\n", r);
  for (const std::string& c : cache) out += fmt::format("kpic: timings: cache: {}\n", c);
  for (const std::string& c : cache_problems) out += fmt::format("kpic: timings: cache: {}\n", c);
  return out;
}

}  // namespace kpic::exec
