// Listing a dataset's files and their partitions (see dataset.h).
#include "dataset.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "csv.h"

namespace kpic::rt::parquet {

namespace fs = std::filesystem;

namespace {

bool IsGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Appends every *.parquet file under `dir` (skipping hidden and `_`
/// files, which writers leave as markers and metadata).
void Walk(const fs::path& dir, std::vector<std::string>* out, const std::string& shown) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && (name[0] == '.' || name[0] == '_')) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && it->path().extension() == ".parquet") out->push_back(it->path().string());
  }
  if (ec) throw DataError(shown, 0, "", "", "cannot list the folder: " + ec.message());
}

}  // namespace

std::vector<DatasetFile> ListDataset(const std::string& path) {
  std::vector<std::string> files;
  std::string root;  // partitions are read below this
  std::error_code ec;
  if (IsGlob(path)) {
    glob_t g{};
    int rc = ::glob(path.c_str(), 0, nullptr, &g);
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string p = g.gl_pathv[i];
        if (fs::is_directory(p, ec))
          Walk(p, &files, path);
        else if (fs::is_regular_file(p, ec))
          files.push_back(p);
      }
    globfree(&g);
    // The root: the components before the first one with a pattern.
    size_t star = path.find_first_of("*?[");
    size_t slash = path.rfind('/', star);
    root = slash == std::string::npos ? "" : path.substr(0, slash);
  } else if (fs::is_directory(path, ec)) {
    Walk(path, &files, path);
    root = path;
  } else {
    if (!fs::exists(path, ec)) throw DataError(path, 0, "", "", "cannot open: no such file or folder");
    files.push_back(path);
    root = fs::path(path).parent_path().string();
  }
  if (files.empty())
    throw DataError(path, 0, "", "", IsGlob(path) ? "no file matches the pattern" : "the folder has no .parquet file");
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  std::vector<DatasetFile> out;
  const fs::path base = fs::path(root).lexically_normal();
  for (const std::string& f : files) {
    DatasetFile d;
    d.path = f;
    fs::path rel = fs::path(f).lexically_normal().lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..")
      rel = fs::path(f).parent_path();
    else
      rel = rel.parent_path();
    for (const fs::path& part : rel) {
      std::string s = part.string();
      size_t eq = s.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      std::string key = PercentDecode(s.substr(0, eq)), value = PercentDecode(s.substr(eq + 1));
      bool is_null = value == "__HIVE_DEFAULT_PARTITION__";
      auto it = std::find_if(d.partitions.begin(), d.partitions.end(), [&](const auto& kv) { return kv.first == key; });
      if (it != d.partitions.end())
        throw DataError(f, 0, key, "", "the partition `" + key + "` appears twice in the file's path", false);
      d.partitions.emplace_back(key, is_null ? "" : value);
      d.partition_null.push_back(is_null);
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace kpic::rt::parquet
