// `parquet("data/orders/*.parquet")` and `--bind SOURCE=parquet:PATH`: a
// Parquet file, a folder of them or a glob, with Hive partition folders
// (`year=2026/`) as columns (runtime/parquet/reader.h). Only the needed
// columns are read, and row groups (and whole partition files) that the
// plan's time range or role filter rule out by their statistics are
// skipped. Large datasets stream on two threads, a row group at a time.
#include <fmt/format.h>

#include <filesystem>

#include "exec/binding.h"
#include "parquet/dataset.h"
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
    rt::TableData data = rt::ReadParquet(b.path, cols, o, po);
    ctx.detail = fmt::format("{} of {} read", Plural(counts.row_groups, "row group"),
                             Plural(counts.files, "file"));
    if (counts.row_groups_skipped || counts.files_skipped)
      ctx.detail += fmt::format(", {} and {} skipped by statistics and partitions",
                                Plural(counts.row_groups_skipped, "row group"), Plural(counts.files_skipped, "file"));
    return data;
  };
  k.streams = true;
  // The compressed bytes of the dataset's files.
  k.size = [](const ResolvedBinding& b) -> std::optional<size_t> {
    try {
      size_t total = 0;
      for (const rt::parquet::DatasetFile& f : rt::parquet::ListDataset(b.path)) {
        std::error_code ec;
        auto bytes = std::filesystem::file_size(f.path, ec);
        if (!ec) total += static_cast<size_t>(bytes);
      }
      return total;
    } catch (const rt::DataError&) {
      return std::nullopt;  // reading says what is wrong
    }
  };
  return k;
}

}  // namespace kpic::exec
