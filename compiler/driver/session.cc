// Input collection, stdlib discovery and the front-end pipeline.
#include "driver/session.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "syntax/parse.h"

namespace kpic {

namespace fs = std::filesystem;

std::vector<std::string> CollectInputs(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) throw UsageError(fmt::format("no such file or directory: {}", p));
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() == ".kpi") found.push_back(it->path().string());
      }
      if (ec) throw UsageError(fmt::format("cannot read directory {}: {}", p, ec.message()));
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);
    }
  }
  // The same file named twice is read once.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const std::string& f : out) {
    std::error_code ec;
    std::string key = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : key).second) unique.push_back(f);
  }
  return unique;
}

std::optional<std::string> FindStdlib(const SessionOptions& options) {
  if (options.no_stdlib) return std::nullopt;
  if (options.stdlib_dir) return options.stdlib_dir;
  if (const char* env = std::getenv("KPIC_STDLIB"); env && *env) return std::string(env);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path candidate :
         {exe.parent_path().parent_path() / "stdlib", exe.parent_path().parent_path() / "share" / "kpic" / "stdlib"}) {
      if (fs::is_directory(candidate, ec)) return candidate.string();
    }
  }
#ifdef KPIC_SOURCE_STDLIB
  if (fs::is_directory(KPIC_SOURCE_STDLIB, ec)) return std::string(KPIC_SOURCE_STDLIB);
#endif
  return std::nullopt;
}

namespace {

/// Reads a whole file with POSIX calls so that every failure has an errno.
bool ReadWholeFile(const std::string& path, std::string* out, int* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    return false;
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = errno;
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

void ReadAndParse(Session& s, const std::string& path, bool stdlib) {
  std::string text;
  int error = 0;
  bool ok = ReadWholeFile(path, &text, &error);
  FileId id = s.sm.Add(path, ok ? std::move(text) : std::string());
  if (!ok) {
    std::error_code ec(error, std::generic_category());
    s.diags.Report(DiagCode::E0001, Span{id, 0, 0}, fmt::format("cannot read file `{}`: {}", path, ec.message()));
    s.files.push_back(std::make_unique<ast::File>());
    s.files.back()->id = id;
    return;
  }
  if (stdlib) s.stdlib_files.insert(id);
  s.files.push_back(ParseFile(s.sm, id, s.diags, s.parse));
}

}  // namespace

std::unique_ptr<Session> LoadAndParse(const std::vector<std::string>& paths) {
  auto s = std::make_unique<Session>();
  for (const std::string& f : CollectInputs(paths)) ReadAndParse(*s, f, false);
  s->user_files = s->files.size();
  return s;
}

namespace {

/// Adds the stdlib (except files already given as user files), then checks.
void AddStdlibAndCheck(Session& s, const std::set<std::string>& user, const SessionOptions& options) {
  s.user_files = s.files.size();
  if (auto dir = FindStdlib(options)) {
    std::error_code ec;
    if (!fs::is_directory(*dir, ec)) throw UsageError(fmt::format("stdlib directory not found: {}", *dir));
    for (const std::string& f : CollectInputs({*dir})) {
      // A stdlib file passed explicitly is read once, as a user file.
      if (user.count(fs::weakly_canonical(f, ec).string())) continue;
      ReadAndParse(s, f, true);
    }
  }
  CheckInput input;
  for (const auto& f : s.files) input.files.push_back(f.get());
  input.stdlib_files = s.stdlib_files;
  s.catalog = Check(input, s.sm, s.diags);
  s.diags.SortByPosition();
}

}  // namespace

std::unique_ptr<Session> LoadAndCheck(const std::vector<std::string>& paths, const SessionOptions& options) {
  auto s = std::make_unique<Session>();
  s->parse = options.parse;
  std::set<std::string> user;
  for (const std::string& f : CollectInputs(paths)) {
    std::error_code ec;
    user.insert(fs::weakly_canonical(f, ec).string());
    ReadAndParse(*s, f, false);
  }
  AddStdlibAndCheck(*s, user, options);
  return s;
}

std::unique_ptr<Session> CheckTexts(const std::vector<std::pair<std::string, std::string>>& files,
                                    const SessionOptions& options) {
  auto s = std::make_unique<Session>();
  s->parse = options.parse;
  std::set<std::string> user;
  for (const auto& [path, text] : files) {
    std::error_code ec;
    user.insert(fs::weakly_canonical(path, ec).string());
    FileId id = s->sm.Add(path, text);
    s->files.push_back(ParseFile(s->sm, id, s->diags, s->parse));
  }
  AddStdlibAndCheck(*s, user, options);
  return s;
}

}  // namespace kpic
