// `parquet("data/orders/*.parquet")` and `--bind SOURCE=parquet:PATH`: a
// Parquet file, a folder of them or a glob, with Hive partition folders
// (`year=2026/`) as columns (runtime/parquet/reader.h). Only the needed
// columns are read, and row groups (and whole partition files) that the
// plan's time range or role filter rule out by their statistics are
// skipped. Large datasets stream on two threads, a row group at a time;
// "large" is the memory their rows take, not their files' bytes, and a
// dataset read whole that cannot fit in memory is refused (exit 5).
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "engine/engine.h"
#include "exec/binding.h"
#include "parquet/reader.h"

namespace kpic::exec {

/// The reader's filter for what the plan keeps. Timestamps are instants
/// and the plan's days are local days of the calendar's zone, which is
/// less than a day away from UTC, so the range is widened by a day on each
/// side for them.
rt::parquet::ParquetFilter ParquetFilterOf(const Pruning& p) {
  rt::parquet::ParquetFilter f;
  if (!p.time_column.empty() && (p.from_day || p.to_day)) {
    rt::parquet::ParquetFilter::TimeRange t;
    t.column = p.time_column;
    int margin = p.time_is_date ? 0 : 1;
    if (p.from_day) t.from_day = int64_t{*p.from_day} - margin;
    if (p.to_day) t.to_day = int64_t{*p.to_day} + margin;
    f.time = t;
  }
  for (const Pruning::Values& v : p.values) f.values.push_back({v.column, v.strings, v.ints});
  f.keep_nulls = p.keep_nulls;
  return f;
}

namespace {

std::string Plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

/// The most memory this process may have: the machine's, or less under a
/// ulimit (RLIMIT_AS, RLIMIT_DATA) or a cgroup's memory.max.
size_t MemoryLimit() {
  size_t limit = SIZE_MAX;
  long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) limit = static_cast<size_t>(pages) * static_cast<size_t>(page);
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit r;
    if (::getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
      limit = std::min(limit, static_cast<size_t>(r.rlim_cur));
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  unsigned long long max = 0;
  if (cgroup >> max && max > 0) limit = std::min(limit, static_cast<size_t>(max));  // "max" does not parse
  return limit;
}

std::string Bytes(size_t n) {
  if (n >= (size_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1 << 30));
  return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1 << 20));
}

/// Refuses to read whole what cannot fit in memory (engine::LimitError,
/// exit 5): a few hundred bytes of Parquet can claim billions of rows, and
/// reading them would end in std::bad_alloc or the OOM killer after
/// minutes. The rows are those of the row groups left after pruning.
/// Under a role the size is not told: it counts rows outside the role.
void RefuseWholeReadPast(size_t limit, const ResolvedBinding& b, size_t columns, size_t rows, size_t bytes,
                         bool redact) {
  if (bytes <= limit) return;
  std::string size = redact
                         ? "more memory than"
                         : fmt::format("about {} of memory ({} rows of {} column{}, as its metadata claims), more than",
                                       Bytes(bytes), rows, columns, columns == 1 ? "" : "s");
  throw engine::LimitError(fmt::format(
      "{}: reading it whole would take {} the {} this process may use; scans that stream read it a chunk at a "
      "time (a lookup of it, a sum of floats, --engine interp and --no-stream read it whole)",
      b.Display(), size, Bytes(limit)));
}

}  // namespace

BindingKind ParquetBinding() {
  BindingKind k;
  k.name = "parquet";
  k.uri_prefixes = {"parquet:"};
  k.parse_uri = [](const std::string&, const std::string& uri) {
    return ResolvedBinding{"parquet", uri.substr(8), ""};
  };
  k.read = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>& cols, const rt::CsvOptions& o,
              ReadContext& ctx) {
    rt::ParquetOptions po;
    rt::ParquetCounts counts;
    po.counts = &counts;
    if (ctx.pruning) po.filter = ParquetFilterOf(*ctx.pruning);
    po.only_file = ctx.only_file;
    po.before_whole_read = [&](size_t rows, size_t bytes) {
      RefuseWholeReadPast(MemoryLimit(), b, cols.size(), rows, bytes, ctx.redact);
    };
    rt::TableData data = rt::ReadParquet(b.path, cols, o, po);
    ctx.rows_after_to = counts.rows_after;
    ctx.detail = fmt::format("{} of {} read", Plural(counts.row_groups, "row group"),
                             Plural(counts.files, "file"));
    if (counts.row_groups_skipped || counts.files_skipped)
      ctx.detail += fmt::format(", {} and {} skipped by statistics and partitions",
                                Plural(counts.row_groups_skipped, "row group"), Plural(counts.files_skipped, "file"));
    return data;
  };
  k.streams = true;
  // The larger of the files' bytes and the memory the rows their footers
  // claim take (RLE runs make the second the larger by any factor).
  k.size = [](const ResolvedBinding& b, const std::vector<rt::CsvColumnRequest>& cols) -> std::optional<size_t> {
    try {
      rt::ClaimedSize c = rt::ClaimParquetSize(b.path);
      return std::max(c.file_bytes, rt::InMemoryBytes(cols, c.rows));
    } catch (const rt::DataError&) {
      return std::nullopt;  // reading says what is wrong
    }
  };
  return k;
}

}  // namespace kpic::exec
