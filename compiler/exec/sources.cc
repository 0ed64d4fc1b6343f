// Reading sources through the binding registry.
#include "exec/sources.h"

#include <fmt/format.h>

#include "base/errors.h"

namespace kpic::exec {

std::vector<SourceData> ReadSources(const std::vector<ir::Source>& sources, const ReadOptions& options,
                                    std::vector<std::string>* unsupported) {
  std::vector<SourceData> out;
  std::set<std::string> known;
  for (const ir::Source& src : sources) {
    if (src.stdlib) continue;
    known.insert(src.name);
    const std::set<std::string>* wanted = nullptr;
    if (options.needed) {
      auto it = options.needed->find(src.key);
      if (it == options.needed->end()) continue;
      wanted = &it->second;
    }
    // Skipping bad rows reads every column: a row is bad or not by itself,
    // not by what the run asks for (a `bool` column that only one metric
    // read decided whether another's total kept the row: 13.00 asked alone,
    // 9.00 beside it; data probe, 2026-12-07).
    if (options.skip_bad_rows) wanted = nullptr;
    std::string why;
    std::optional<ResolvedBinding> b = ResolveBinding(src, options.binds, &why);
    if (!b) {
      unsupported->push_back(why);
      continue;
    }
    const BindingKind& kind = *FindBindingKind(b->kind);
    std::vector<rt::CsvColumnRequest> cols = ColumnRequests(src, wanted);
    rt::CsvOptions o = ReaderOptions(src, b->kind);
    o.skip_bad_rows = options.skip_bad_rows;
    o.zone = options.zone;
    if (auto st = options.stream.find(src.key); st != options.stream.end()) {
      // Large files from a size on; sources of unknown size (database
      // tables) always. (A Parquet size reads every footer: not without need.)
      std::optional<size_t> bytes =
          kind.size && options.stream_min_bytes > 0 ? kind.size(*b, cols) : std::optional<size_t>{};
      if (kind.streams && (!bytes || *bytes >= options.stream_min_bytes)) {
        o.on_chunk = st->second.chunk;
        o.on_discard = st->second.discard;
      }
    } else if (options.discard_rows && kind.streams) {
      o.on_chunk = [](int, rt::CsvResult&, bool) {};
      o.on_discard = [](int) {};
    }
    ReadContext ctx;
    ctx.redact = options.redact;
    if (auto pt = options.parts.find(src.key); pt != options.parts.end()) {
      o.start_at = pt->second.start_at;
      o.start_line = pt->second.start_line;
      ctx.only_file = pt->second.only_file;
    }
    if (options.pruning)
      if (auto pr = options.pruning->find(src.key); pr != options.pruning->end() && !pr->second.empty())
        ctx.pruning = &pr->second;
    rt::TableData data = kind.read(*b, cols, o, ctx);
    out.push_back({src.key, b->Display(), std::move(data), cols.size(), std::move(ctx.detail), ctx.rows_after_to});
  }
  for (const auto& [name, uri] : options.binds)
    if (!known.count(name)) throw UsageError(fmt::format("--bind names unknown source `{}`", name));
  return out;
}

std::vector<SourceData> ReadSideTables(const std::vector<ir::Source>& sources, const rt::TimeZone* zone,
                                       const std::map<std::string, std::set<std::string>>& needed,
                                       const BindMap& binds, bool skip_bad_rows) {
  ReadOptions ro;
  ro.binds = binds;
  ro.needed = &needed;
  ro.skip_bad_rows = skip_bad_rows;
  ro.zone = zone;
  std::vector<std::string> unsupported;
  return ReadSources(sources, ro, &unsupported);
}

}  // namespace kpic::exec
