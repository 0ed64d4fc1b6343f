// libFuzzer target for the Parquet reader: arbitrary bytes read as a
// Parquet file (through a memfd, as the reader reads files by path), every
// top-level column requested with the kpic type its Parquet type maps to,
// whole and streamed, and every row group's statistics decoded. A
// DataError is a correct answer; a crash, a sanitizer report, a hang or
// columns of different lengths are bugs. Files claiming more than 200,000
// rows are skipped: their decoding is legitimately that large (a few
// bytes of RLE can stand for millions of rows).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "parquet/file.h"
#include "parquet/reader.h"
#include "parquet/statistics.h"

using namespace kpic::rt;
using namespace kpic::rt::parquet;

namespace {

ColType TypeFor(const ValueKind& k, int* scale) {
  *scale = 0;
  switch (k.kind) {
    case ValueKind::kSignedInt:
    case ValueKind::kUnsignedInt:
      return ColType::kInt;
    case ValueKind::kFloat:
      return ColType::kFloat;
    case ValueKind::kBool:
      return ColType::kBool;
    case ValueKind::kDecimal:
      *scale = k.scale < 0 ? 0 : k.scale > 18 ? 18 : k.scale;
      return ColType::kDecimal;
    case ValueKind::kDate:
      return ColType::kDate;
    case ValueKind::kTimestamp:
      return ColType::kTimestamp;
    default:
      return ColType::kString;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("fuzz.parquet", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    std::vector<CsvColumnRequest> requests;
    {
      ParquetFile f(path);
      int64_t rows = 0;
      for (const RowGroupMeta& g : f.meta().row_groups) rows += g.num_rows;
      if (rows > 200000) {
        close(fd);
        return 0;
      }
      for (const FileColumn& c : f.schema().fields) {
        if (c.group || c.repeated) continue;
        int scale;
        ColType t = TypeFor(KindOf(f.meta().schema[static_cast<size_t>(c.element)]), &scale);
        requests.push_back({c.name, c.name, t, scale});
      }
      const CsvOptions options;  // the plans refer to it
      std::vector<ColumnPlan> plans = PlanColumns(f, requests, {}, options);
      for (size_t g = 0; g < f.meta().row_groups.size(); ++g)
        for (size_t r = 0; r < plans.size(); ++r) DecodeStats(f, g, plans[r], requests[r].type);
    }
    for (bool stream : {false, true}) {
      CsvOptions o;
      o.skip_bad_rows = stream;
      size_t streamed = 0;
      if (stream) {
        o.chunk_rows = 100;
        o.on_chunk = [&](int, CsvResult& chunk, bool) {
          for (const Column& c : chunk.columns)
            if (c.size() != chunk.rows) std::abort();
        };
      }
      try {
        TableData t = ReadParquet(path, requests, o);
        for (const Column& c : t.columns) {
          if (!stream && c.size() != t.rows) std::abort();
          if (c.type == ColType::kString)
            for (uint32_t code : c.codes)
              if (code >= c.dict.size() && c.dict.size() > 0) std::abort();
        }
        (void)streamed;
      } catch (const DataError&) {
      }
    }
  } catch (const DataError&) {
  }
  close(fd);
  return 0;
}
