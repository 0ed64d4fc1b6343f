// parquet_dump: a Parquet file's schema, row groups and statistics, for
// debugging; and, with --json, the values kpic's reader returns for a
// list of typed columns, printed as canonical text for compare.mjs.
//   parquet_dump FILE
//   parquet_dump --json [--stream] PATH NAME:TYPE[:SCALE]...
//   parquet_dump --time PATH NAME:TYPE[:SCALE]...   (streams, drops the rows)
// JSON output: {"rows": [[value or null, ...], ...]} or {"error": "..."}.
// Canonical text: integers; decimals with the declared scale's digits;
// dates as days and timestamps as microseconds since 1970-01-01; floats
// in their shortest round-trip form; bools true/false.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "decimal.h"
#include "parquet/file.h"
#include "parquet/reader.h"
#include "parquet/statistics.h"

using namespace kpic::rt;

namespace {

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Value(const Column& c, size_t i) {
  if (!c.valid[i]) return "null";
  switch (c.type) {
    case ColType::kString:
      return Json(c.dict.At(c.codes[i]));
    case ColType::kFloat: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, c.floats[i]);
      return Json(std::string(buf, r.ptr));
    }
    case ColType::kDecimal:
      return Json(FormatDecimal(c.ints[i], c.scale));
    case ColType::kBool:
      return Json(c.ints[i] ? "true" : "false");
    default:
      return Json(std::to_string(c.ints[i]));
  }
}

std::string Rows(const std::vector<Column>& cols, size_t rows) {
  std::string out;
  for (size_t r = 0; r < rows; ++r) {
    out += out.empty() ? "[" : ",\n[";
    for (size_t c = 0; c < cols.size(); ++c) out += (c ? "," : "") + Value(cols[c], r);
    out += "]";
  }
  return out;
}

int JsonMode(int argc, char** argv) {
  bool stream = false, timing = std::string(argv[1]) == "--time";
  int i = 2;
  if (i < argc && std::string(argv[i]) == "--stream") {
    stream = true;
    ++i;
  }
  if (i >= argc) return 2;
  std::string path = argv[i++];
  std::vector<CsvColumnRequest> requests;
  for (; i < argc; ++i) {
    std::string spec = argv[i];
    auto a = spec.find(':'), b = spec.find(':', a + 1);
    std::string name = spec.substr(0, a), type = spec.substr(a + 1, b == std::string::npos ? b : b - a - 1);
    CsvColumnRequest r{name, name, ColType::kString, b == std::string::npos ? 0 : std::stoi(spec.substr(b + 1))};
    for (ColType t : {ColType::kInt, ColType::kFloat, ColType::kDecimal, ColType::kBool, ColType::kString,
                      ColType::kDate, ColType::kTimestamp})
      if (type == ColTypeName(t)) r.type = t;
    requests.push_back(r);
  }
  CsvOptions o;
  std::string body;
  std::mutex m;
  if (stream) {
    o.chunk_rows = 700;
    o.on_chunk = [&](int, CsvResult& chunk, bool) {
      std::lock_guard lock(m);
      std::string rows = Rows(chunk.columns, chunk.rows);
      if (!rows.empty()) body += (body.empty() ? "" : ",\n") + rows;
    };
  }
  if (timing) {
    o.on_chunk = [](int, CsvResult&, bool) {};
    ParquetCounts counts;
    ParquetOptions po;
    po.counts = &counts;
    auto t0 = std::chrono::steady_clock::now();
    TableData t = ReadParquet(path, requests, o, po);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%zu rows, %zu row groups, %.3f s\n", t.rows, counts.row_groups, s);
    return 0;
  }
  try {
    TableData t = ReadParquet(path, requests, o);
    if (!stream) body = Rows(t.columns, t.rows);
    std::printf("{\"rows\": [%s]}\n", body.c_str());
  } catch (const DataError& e) {
    std::printf("{\"error\": %s}\n", Json(e.what()).c_str());
  }
  return 0;
}

int Describe(const std::string& path) {
  using namespace kpic::rt::parquet;
  ParquetFile f(path);
  const FileMeta& m = f.meta();
  std::printf("%s: %llu bytes, %lld rows, %zu row groups, created by %s\n", path.c_str(),
              static_cast<unsigned long long>(f.size()), static_cast<long long>(m.num_rows), m.row_groups.size(),
              m.created_by.c_str());
  for (const FileColumn& c : f.schema().fields) {
    const SchemaElement& e = m.schema[static_cast<size_t>(c.element)];
    std::printf("  %-20s %s%s\n", c.name.c_str(), DescribeType(e).c_str(),
                c.repeated   ? " REPEATED"
                : c.optional ? " OPTIONAL"
                             : "");
  }
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroupMeta& rg = m.row_groups[g];
    std::printf("row group %zu: %lld rows\n", g, static_cast<long long>(rg.num_rows));
    for (const FileColumn& c : f.schema().fields) {
      if (c.leaf < 0) continue;
      const ColumnChunkMeta& cc = rg.columns[static_cast<size_t>(c.leaf)];
      std::string enc;
      for (Encoding e : cc.encodings) enc += (enc.empty() ? "" : ",") + EncodingName(e);
      const RawStatistics& s = cc.statistics;
      std::printf(
          "  %-20s %s %s at %lld, %lld bytes; nulls %s, min/max %s\n", c.name.c_str(), CodecName(cc.codec).c_str(),
          enc.c_str(), static_cast<long long>(cc.dictionary_page_offset.value_or(cc.data_page_offset)),
          static_cast<long long>(cc.total_compressed_size), s.null_count ? std::to_string(*s.null_count).c_str() : "?",
          s.min_value ? "(min_value/max_value)"
          : s.min     ? "(deprecated min/max)"
                      : "none");
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && (std::string(argv[1]) == "--json" || std::string(argv[1]) == "--time")) return JsonMode(argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: parquet_dump FILE | parquet_dump --json [--stream] PATH NAME:TYPE[:SCALE]...\n");
    return 2;
  }
  try {
    return Describe(argv[1]);
  } catch (const DataError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 3;
  }
}
