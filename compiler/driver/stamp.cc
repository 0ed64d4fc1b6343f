// Stamps (stamp.h): the version, the request, definition and data
// fingerprints.
#include "driver/stamp.h"

#include <fmt/format.h>
#include <glob.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>

#include "exec/binding.h"
#include "exec/execute.h"
#include "ir/fingerprint.h"
#include "parquet/file.h"
#include "postgres_source.h"

#ifndef KPIC_VERSION
#define KPIC_VERSION "unknown"
#endif

namespace kpic {
namespace {

/// At most this many files are fingerprinted per source (a folder of
/// Parquet files); the stamp says when there are more.
constexpr size_t kMaxFiles = 10'000;

std::string Mtime(const struct stat& st) {
  std::tm tm{};
  time_t t = st.st_mtim.tv_sec;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:09d}Z", buf, st.st_mtim.tv_nsec);
}

/// XXH3-128 of a file's bytes, 32 hex digits; "" when it cannot be read.
std::string FileHash(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return "";
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> st(XXH3_createState(), &XXH3_freeState);
  if (!st || XXH3_128bits_reset(st.get()) != XXH_OK) return "";
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) XXH3_128bits_update(st.get(), buf.data(), n);
  if (std::ferror(f.get())) return "";
  XXH128_hash_t h = XXH3_128bits_digest(st.get());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

/// XXH3-128 of bytes [offset, offset + n) of a Parquet file.
std::string RangeHash(const rt::parquet::ParquetFile& f, uint64_t offset, uint64_t n) {
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> st(XXH3_createState(), &XXH3_freeState);
  if (!st || XXH3_128bits_reset(st.get()) != XXH_OK) return "";
  std::vector<uint8_t> buf(1 << 20);
  while (n > 0) {
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
    f.ReadAt(offset, k, buf.data());
    XXH3_128bits_update(st.get(), buf.data(), k);
    offset += k;
    n -= k;
  }
  XXH128_hash_t h = XXH3_128bits_digest(st.get());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

/// A Parquet file's footer and row groups, each hashed on its own, so that
/// a reader can tell which row groups changed (nothing when the file is not
/// a readable Parquet file: the whole file's hash still says it changed).
void ParquetParts(const std::string& path, nlohmann::ordered_json* j) {
  try {
    rt::parquet::ParquetFile f(path);
    uint8_t tail[8];
    f.ReadAt(f.size() - 8, 8, tail);
    uint32_t len;
    std::memcpy(&len, tail, 4);
    (*j)["footer"] = {{"offset", f.size() - 8 - len}, {"size", len}, {"xxh3_128", RangeHash(f, f.size() - 8 - len, len)}};
    (*j)["row_groups"] = nlohmann::ordered_json::array();
    for (const auto& g : f.meta().row_groups) {
      int64_t lo = INT64_MAX, hi = 0;
      for (const auto& c : g.columns) {
        int64_t start = c.dictionary_page_offset ? std::min(*c.dictionary_page_offset, c.data_page_offset)
                                                 : c.data_page_offset;
        lo = std::min(lo, start);
        hi = std::max(hi, start + c.total_compressed_size);
      }
      if (lo < 0 || hi < lo || static_cast<uint64_t>(hi) > f.size()) continue;
      (*j)["row_groups"].push_back({{"rows", g.num_rows},
                                    {"offset", lo},
                                    {"size", hi - lo},
                                    {"xxh3_128", RangeHash(f, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi - lo))}});
    }
  } catch (const std::exception&) {
    j->erase("footer");
    j->erase("row_groups");
  }
}

/// The files of a file binding: the file, a folder's files (recursively,
/// sorted), or a glob's matches.
std::vector<std::string> FilesOf(const std::string& path, bool* more) {
  std::vector<std::string> out;
  std::error_code ec;
  namespace fs = std::filesystem;
  if (fs::is_regular_file(path, ec)) return {path};
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec)) out.push_back(it->path().string());
  } else {
    glob_t g{};
    if (glob(path.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i)
        if (fs::is_regular_file(g.gl_pathv[i], ec)) out.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  std::sort(out.begin(), out.end());
  if (out.size() > kMaxFiles) {
    out.resize(kMaxFiles);
    *more = true;
  }
  return out;
}

}  // namespace

std::string KpicVersion() { return KPIC_VERSION; }

nlohmann::ordered_json Definitions(const Session& s, const plan::Plan& p) {
  const ir::Module& m = s.catalog.checked.ir;
  std::set<int> metrics;
  std::vector<const ir::Goal*> goals;
  for (const plan::Output& o : p.outputs)
    if (int i = m.MetricIndex(o.metric); i >= 0) {
      metrics.insert(i);
      ir::MetricsUnder(m, m.metrics[static_cast<size_t>(i)].root, &metrics);
    }
  for (const plan::GoalPlan& gp : p.goals)
    if (const ir::Goal* g = m.FindGoal(gp.name)) {
      goals.push_back(g);
      for (int n : {g->metric, g->target_lhs, g->target_rhs}) ir::MetricsUnder(m, n, &metrics);
      for (const auto& d : g->decompositions) ir::MetricsUnder(m, d.rhs, &metrics);
      for (const auto& a : g->alerts) ir::MetricsUnder(m, a.cond, &metrics);
    }
  if (!p.charts.empty())
    for (const ir::Report& r : m.reports)
      if (r.title == p.title || r.name == p.title)
        for (const auto& c : r.charts) ir::MetricsUnder(m, c.node, &metrics);
  for (const plan::Output& o : p.charts)
    if (int i = m.MetricIndex(o.metric); i >= 0) {
      metrics.insert(i);
      ir::MetricsUnder(m, m.metrics[static_cast<size_t>(i)].root, &metrics);
    }
  nlohmann::ordered_json j;
  std::map<std::string, std::string> by_name;
  ir::MetricFingerprints fps(m);
  for (int i : metrics) {
    const ir::Metric& mt = m.metrics[static_cast<size_t>(i)];
    std::string fp = fps.Of(i);
    if (!fp.empty()) by_name[mt.package.empty() ? mt.name : mt.package + "." + mt.name] = fp;
  }
  j["metrics"] = by_name;
  std::map<std::string, std::string> g_by_name;
  for (const ir::Goal* g : goals) g_by_name[g->package.empty() ? g->name : g->package + "." + g->name] = ir::GoalFingerprint(m, *g);
  j["goals"] = g_by_name;
  // The breakdowns asked (`--by`): which column each source reaches them by.
  if (!p.by.empty()) {
    std::set<int> sources;
    for (const plan::Scan& sc : p.scans)  // (a scan's `src` indexes the module's sources)
      if (sc.src >= 0 && static_cast<size_t>(sc.src) < m.sources.size()) sources.insert(sc.src);
    std::map<std::string, std::string> by;
    for (const std::string& d : p.by) by[d] = ir::BreakdownFingerprint(m, d, sources);
    j["by"] = by;
  }
  // Under a role, its rules: a changed filter is named as such.
  if (!p.role.empty())
    if (const ir::Role* r = m.FindRole(p.role)) j["roles"] = {{p.role, ir::RoleFingerprint(m, *r)}};
  return j;
}

nlohmann::ordered_json DataFingerprints(const RunOptions& o, const plan::Plan& p) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  exec::BindMap binds = exec::ParseBinds(o.binds);
  std::map<std::string, std::set<std::string>> needed = exec::NeededColumns(p);
  // The sources scanned, and those read besides: a conversion's rates and
  // the calendar's working days (a changed rate said only "a label ...
  // changed" in `kpic verify`: probe, 2026-12-06).
  std::set<std::string> read;
  for (const auto& [key, columns] : needed) read.insert(key);
  auto also = [&](int src) {
    if (src >= 0 && static_cast<size_t>(src) < p.sources.size()) read.insert(p.sources[static_cast<size_t>(src)].key);
  };
  for (const plan::Conversion& c : p.conversions) also(c.src);
  if (p.work.needed) also(p.work.src);
  // Keyed by the source's name, or by `package:name` when two packages'
  // sources of one name are read: one entry held both, and `verify` blamed
  // "neither definitions nor data" for an edited file (governance probe,
  // 2026-12-07).
  std::map<std::string, int> named;
  for (const ir::Source& src : p.sources)
    if (read.count(src.key)) ++named[src.name];
  for (const ir::Source& src : p.sources) {
    if (!read.count(src.key)) continue;
    const std::string& entry = named[src.name] > 1 ? src.key : src.name;
    nlohmann::ordered_json j;
    std::string why;
    std::optional<exec::ResolvedBinding> b = exec::ResolveBinding(src, binds, &why);
    if (!b) {
      j["binding"] = nullptr;
      out[entry] = j;
      continue;
    }
    const exec::BindingKind* kind = exec::FindBindingKind(b->kind);
    if (kind && kind->relative_paths) {
      // Absolute, so that the stamp names the same files from any folder.
      std::error_code ec;
      std::filesystem::path a = std::filesystem::absolute(b->path, ec);
      if (!ec) b->path = a.lexically_normal().string();
    }
    j["binding"] = b->Display();
    if (!p.role.empty()) {
      // Sizes, times and hashes change with rows outside the role.
      j["withheld"] = fmt::format("under role `{}` the data's size, time and hash are not shown", p.role);
    } else if (kind && kind->relative_paths) {
      bool more = false;
      j["files"] = nlohmann::json::array();
      for (const std::string& f : FilesOf(b->path, &more)) {
        struct stat st{};
        if (stat(f.c_str(), &st) != 0) continue;
        std::error_code ec;
        std::filesystem::path a = std::filesystem::absolute(f, ec);
        nlohmann::ordered_json file{{"path", ec ? f : a.lexically_normal().string()},
                                    {"size", static_cast<int64_t>(st.st_size)},
                                    {"mtime", Mtime(st)},
                                    {"xxh3_128", FileHash(f)}};
        if (b->kind == "parquet") ParquetParts(f, &file);
        j["files"].push_back(file);
      }
      if (more) j["more_files"] = true;
    }
    out[entry] = j;
  }
  return out;
}

nlohmann::ordered_json MakeStamp(const std::string& command, const RunOptions& o, const Session& s,
                                 const plan::Plan& p, bool with_data) {
  nlohmann::ordered_json st;
  st["kpic"] = KpicVersion();
  nlohmann::ordered_json req;
  req["command"] = command;
  std::vector<std::string> paths;
  for (const std::string& path : o.paths) {
    std::error_code ec;
    std::filesystem::path a = std::filesystem::absolute(path, ec);
    paths.push_back(ec ? path : a.lexically_normal().string());
  }
  req["paths"] = paths;
  req["metrics"] = o.metrics;
  req["goals"] = o.goals;
  req["report"] = o.report;
  req["grain"] = o.grain;
  req["by"] = o.by;
  req["from"] = o.from;
  req["to"] = o.to;
  req["as_of"] = o.as_of;
  req["role"] = o.role;
  if (!o.lang.empty()) req["lang"] = o.lang;
  req["params"] = o.params;
  std::vector<std::string> binds;
  for (const std::string& b : o.binds) {
    auto eq = b.find('=');
    binds.push_back(eq == std::string::npos ? b : b.substr(0, eq + 1) + rt::MaskPassword(b.substr(eq + 1)));
  }
  req["bind"] = binds;
  req["engine"] = o.engine;
  req["forecast"] = o.forecast;
  req["on_bad_row"] = o.on_bad_row;
  st["request"] = req;
  st["definitions"] = Definitions(s, p);
  if (with_data) st["data"] = DataFingerprints(o, p);
  return st;
}

}  // namespace kpic
