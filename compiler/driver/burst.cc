// `kpic run --each PARAM -o DIR`: report bursting. The members come from a
// list or from the data (the columns the role compares the parameter with);
// each is one complete evaluation through the run pipeline (run.cc's
// Evaluate) over the once-checked session, with PARAM set to the member.
// The files are written into a hidden staging folder inside DIR, moved into
// DIR when every member has succeeded, and the manifest comes last.
#include "driver/burst.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "base/exit_codes.h"
#include "base/utf8.h"
#include "datetime.h"
#include "decimal.h"
#include "driver/interrupt.h"
#include "driver/run_support.h"
#include "exec/sources.h"
#include "timezone.h"

namespace kpic {

namespace fs = std::filesystem;

std::vector<MemberColumn> MemberColumns(const ir::Module& m, const ir::Role& role, const std::string& param) {
  int index = -1;
  for (size_t i = 0; i < role.params.size(); ++i)
    if (role.params[i].name == param) index = static_cast<int>(i);
  std::vector<MemberColumn> out;
  auto add = [&](const ir::Node& col) {
    MemberColumn mc;
    mc.source = col.source;
    mc.text = m.sources[static_cast<size_t>(col.source)].name;
    for (size_t k = 0; k < col.path.size(); ++k) {
      const ir::Column& c = m.sources[static_cast<size_t>(mc.source)].columns[static_cast<size_t>(col.path[k])];
      mc.text += "." + c.name;
      mc.column = c.name;
      if (k + 1 < col.path.size()) mc.source = c.references;
    }
    for (const MemberColumn& x : out)
      if (x.source == mc.source && x.column == mc.column) return;
    out.push_back(std::move(mc));
  };
  std::function<void(int)> walk = [&](int e) {
    const ir::Node& n = m.node(e);
    if (n.kind == ir::Kind::kBinary && n.binary == ir::BinaryOp::kEq && n.args.size() == 2)
      for (size_t side : {0, 1}) {
        const ir::Node& a = m.node(n.args[side]);
        const ir::Node& b = m.node(n.args[1 - side]);
        if (a.kind == ir::Kind::kParam && a.param == index && b.kind == ir::Kind::kColumn && b.source >= 0 &&
            !b.path.empty())
          add(b);
      }
    for (int a : n.args)
      if (a >= 0) walk(a);
  };
  if (index >= 0)
    for (const ir::Role::Item& item : role.items)
      if (item.filter >= 0) walk(item.filter);
  if (out.empty())
    throw UsageError("E0606", fmt::format("--each {}: role `{}` compares `{}` with no column by `==`, so its members "
                                          "cannot be found in the data; list them: --each {}=V1,V2,...",
                                          param, role.name, param, param));
  return out;
}

namespace {

/// FNV-1a, 32 bits, as 8 hex digits: short, stable across platforms.
std::string Hash8(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 16777619u;
  }
  return fmt::format("{:08x}", h);
}

std::string FoldAscii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

/// A character that must not be in a file name: path separators, what
/// Windows refuses, controls (C0, DEL, C1), invalid UTF-8 (decoded as
/// U+FFFD), and invisible characters that make a name read as another one
/// (bidirectional controls, zero-width characters, line separators, BOM).
bool Unsafe(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return true;
  if (cp < 0x80) return std::strchr("/\\<>:\"|?*", static_cast<int>(cp)) != nullptr;
  return cp == kReplacementChar || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
}

/// Windows device names, refused there whatever the extension.
bool DeviceName(const std::string& name) {
  std::string stem = FoldAscii(name.substr(0, name.find('.')));
  static const std::set<std::string> kNames = {"con", "prn", "aux", "nul"};
  if (kNames.count(stem)) return true;
  return stem.size() == 4 && (stem.compare(0, 3, "com") == 0 || stem.compare(0, 3, "lpt") == 0) && stem[3] >= '0' &&
         stem[3] <= '9';
}

constexpr size_t kMaxNameBytes = 100;

/// The member with every unsafe character replaced by `_`, cut to
/// kMaxNameBytes at a character boundary.
std::string SafeForm(const std::string& member) {
  std::string out;
  for (size_t i = 0; i < member.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(member, i, &cp);
    if (out.size() + (Unsafe(cp) ? 1 : n) > kMaxNameBytes) break;
    if (Unsafe(cp))
      out += '_';
    else
      out.append(member, i, n);
    i += n;
  }
  if (out.empty()) return "_";
  // Not hidden, not `.` or `..`, not read as an option; no trailing dot or space (Windows drops them).
  if (out[0] == '.' || out[0] == '-' || out[0] == ' ') out[0] = '_';
  if (out.back() == '.' || out.back() == ' ') out.back() = '_';
  return out;
}

}  // namespace

std::vector<std::string> MemberFileNames(const std::vector<std::string>& members,
                                         const std::vector<std::string>& reserved) {
  std::vector<std::string> names(members.size());
  std::vector<bool> hashed(members.size());
  std::map<std::string, int> count;
  for (const std::string& r : reserved) ++count[FoldAscii(r)];
  for (size_t i = 0; i < members.size(); ++i) {
    std::string safe = SafeForm(members[i]);
    hashed[i] = safe != members[i] || DeviceName(safe);
    names[i] = hashed[i] ? safe + "-" + Hash8(members[i]) : safe;
    ++count[FoldAscii(names[i])];
  }
  // Names equal but for case (one file on a case-insensitive file system),
  // or equal to a reserved name: the hash tells them apart.
  for (size_t i = 0; i < members.size(); ++i)
    if (!hashed[i] && count[FoldAscii(names[i])] > 1) names[i] = SafeForm(members[i]) + "-" + Hash8(members[i]);
  // A clash left (a member spelt like another's hashed name, or equal
  // hashes): a number, in the members' order.
  std::set<std::string> used;
  for (const std::string& r : reserved) used.insert(FoldAscii(r));
  for (std::string& name : names) {
    std::string candidate = name;
    for (int k = 2; used.count(FoldAscii(candidate)); ++k) candidate = name + "-" + std::to_string(k);
    used.insert(FoldAscii(candidate));
    name = candidate;
  }
  return names;
}

namespace {

/// A value of a column as `--param` takes it for a parameter of type `to`.
std::string ValueText(const rt::Column& c, size_t row, const ir::Scalar& to) {
  switch (c.type) {
    case rt::ColType::kString:
      return c.dict.At(c.codes[row]);
    case rt::ColType::kInt:
      return std::to_string(c.ints[row]);
    case rt::ColType::kDecimal: {
      std::string t = rt::FormatDecimal(c.ints[row], c.scale);
      // 1.50 for a decimal(1) parameter is 1.5.
      if (to.vt == ir::VT::kDecimal && t.find('.') != std::string::npos)
        for (size_t digits = t.size() - t.find('.') - 1; digits > static_cast<size_t>(to.scale) && t.back() == '0';
             --digits)
          t.pop_back();
      if (!t.empty() && t.back() == '.') t.pop_back();
      return t;
    }
    case rt::ColType::kBool:
      return c.ints[row] ? "true" : "false";
    case rt::ColType::kDate:
      return rt::FormatDate(static_cast<int32_t>(c.ints[row]));
    case rt::ColType::kTimestamp:
      return rt::FormatTimestamp(c.ints[row]);
    case rt::ColType::kFloat:
      return fmt::format("{}", c.floats[row]);
  }
  return "";
}

/// The distinct non-null values of the columns in the data (read as `run`
/// reads them: --bind, --on-bad-row, the calendar's zone), in code-point
/// order, numbers in numeric order.
std::vector<std::string> Discover(const ir::Module& m, const std::vector<MemberColumn>& columns, const ir::Scalar& type,
                                  const RunOptions& o) {
  std::map<std::string, std::set<std::string>> needed;
  for (const MemberColumn& c : columns) needed[m.sources[static_cast<size_t>(c.source)].key].insert(c.column);
  exec::ReadOptions ro;
  ro.binds = exec::ParseBinds(o.binds);
  ro.skip_bad_rows = o.on_bad_row == "skip";
  ro.needed = &needed;
  auto zone = LoadZone(m.calendar.time_zone);
  if (zone) ro.zone = &*zone;
  ro.redact = !o.role.empty();
  std::vector<std::string> unsupported;
  std::vector<exec::SourceData> data;
  try {
    data = exec::ReadSources(m.sources, ro, &unsupported);
  } catch (const rt::DataError& e) {
    // Read as the members' runs read: under the role, nothing of a row
    // outside it is shown (ExecutePlan).
    if (o.role.empty()) throw;
    throw RedactedForRole(e, o.role);
  }
  std::set<std::string> found;
  for (const MemberColumn& mc : columns) {
    const ir::Source& src = m.sources[static_cast<size_t>(mc.source)];
    auto d = std::find_if(data.begin(), data.end(), [&](const exec::SourceData& x) { return x.source == src.key; });
    if (d == data.end())
      throw UsageError(
          fmt::format("source `{}` has no data binding kpic can read; bind it with --bind {}=URI", src.name, src.name));
    auto col = std::find_if(d->data.columns.begin(), d->data.columns.end(),
                            [&](const rt::Column& c) { return c.name == mc.column; });
    if (col == d->data.columns.end()) throw std::logic_error("the reader left out column " + mc.text);
    std::vector<bool> seen_code(col->type == rt::ColType::kString ? col->dict.size() : 0);
    for (size_t row = 0; row < col->size(); ++row) {
      if (col->IsNull(row)) continue;
      if (col->type == rt::ColType::kString) {
        if (seen_code[col->codes[row]]) continue;
        seen_code[col->codes[row]] = true;
      }
      std::string text = ValueText(*col, row, type);
      if (text.empty()) continue;  // `--param K=` is refused as missing (E0603): not a member
      if (FindInvalidUtf8(text) != std::string::npos)
        throw rt::DataError(d->uri, 0, mc.column, "", "a value is not valid UTF-8, so it cannot name a file", false);
      found.insert(std::move(text));
    }
  }
  std::vector<std::string> members(found.begin(), found.end());
  if (type.vt == ir::VT::kInt || type.vt == ir::VT::kDecimal)
    std::stable_sort(members.begin(), members.end(), [](const std::string& a, const std::string& b) {
      return std::strtold(a.c_str(), nullptr) < std::strtold(b.c_str(), nullptr);
    });
  return members;
}

/// The role whose parameter --each runs over: --role, else the report's.
/// Checked before any member runs: an unknown report or role, a
/// parameter the role lacks, or one of its other parameters not given with
/// --param, is the lowering's own error (E0601, E0603), raised by lowering
/// the request with PARAM set (the lowering checks names and keys before
/// it reads any parameter's value).
const ir::Role& BurstRole(const Session& s, const plan::Request& req, const std::string& param) {
  const ir::Module& m = s.catalog.checked.ir;
  std::string name = req.role;
  const ir::Report* report = req.report.empty() ? nullptr : m.FindReport(req.report);
  if (name.empty() && report) name = report->role;
  const ir::Role* role = name.empty() ? nullptr : m.FindRole(name);
  auto in_role = [&](const std::string& key) {
    return role && std::any_of(role->params.begin(), role->params.end(),
                               [&](const ir::Role::Param& p) { return p.name == key; });
  };
  bool known = in_role(param) &&
               std::all_of(req.params.begin(), req.params.end(), [&](const auto& kv) { return in_role(kv.first); });
  bool complete = role && std::all_of(role->params.begin(), role->params.end(), [&](const ir::Role::Param& p) {
                    return p.name == param || req.params.count(p.name);
                  });
  if (known && complete) return *role;
  if (name.empty() && (req.report.empty() || report))
    throw UsageError("E0603", fmt::format("--each {} is given without a role (parameters belong to a role); name it "
                                          "with --role ROLE{}",
                                          param, report ? fmt::format(" (report `{}` names none)", req.report) : ""));
  plan::Request probe = req;
  probe.params[param] = "-";  // any value that is not empty (E0603): only names and keys are checked
  MakePlan(s, probe);
  if (!known) throw std::logic_error(fmt::format("the lowering accepted --param {} for role `{}`", param, name));
  return *role;  // a parameter not given that this selection never reads
}

/// The file extension of each output format.
std::string Extension(const std::string& format) { return format == "table" ? "txt" : format; }

/// The staging folder inside DIR: removed, with what it holds, unless the
/// burst is handed over (and DIR too when the burst created it and it is
/// left empty).
struct Staging {
  fs::path dir, path;
  bool created_dir = false, handed_over = false;
  ~Staging() {
    if (handed_over) return;
    SetPendingDirectory("");
    std::error_code ec;
    fs::remove_all(path, ec);
    if (created_dir) fs::remove(dir, ec);
  }
};

[[noreturn]] void CannotWrite(const fs::path& p, const std::string& what, int err, const char* outcome) {
  throw rt::DataError(p.string(), 0, "", "", fmt::format("{}: {}; {}", what, std::strerror(err), outcome), false);
}

}  // namespace

bool MemberFileWriter::Wrote(const fs::path& path) const {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 &&
         written_.count({static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)}) > 0;
}

std::string MemberFileWriter::Write(const fs::path& dir, const std::string& name, const std::string& member,
                                    const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string hashed = SafeForm(member) + "-" + Hash8(member);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (attempt == 1 && hashed == name) continue;
    std::string base = attempt == 0 ? name : attempt == 1 ? hashed : fmt::format("{}-{}", hashed, attempt);
    std::vector<std::pair<fs::path, std::pair<uint64_t, uint64_t>>> made;
    bool taken = false;
    for (const auto& [ext, text] : files) {
      fs::path p = dir / (base + "." + ext);
      int fd;
      while ((fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
        if (errno != EEXIST) CannotWrite(p, "cannot create the file", errno, "nothing was written");
        if (Wrote(p)) {  // another member's file under another spelling
          taken = true;
          break;
        }
        if (::unlink(p.c_str()) != 0 && errno != ENOENT)
          CannotWrite(p, "cannot replace the file", errno, "nothing was written");
      }
      if (taken) break;
      struct stat st;
      bool ok = ::fstat(fd, &st) == 0;
      for (size_t done = 0; ok && done < text.size();) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += static_cast<size_t>(n);
      }
      int err = ok ? 0 : errno ? errno : EIO;
      if (::close(fd) != 0 && ok) ok = false, err = errno;
      if (!ok) CannotWrite(p, "cannot write the file", err, "nothing was written");
      std::pair<uint64_t, uint64_t> id{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
      written_.insert(id);
      made.push_back({p, id});
    }
    if (!taken) return base;
    for (const auto& [p, id] : made) {  // this member's files of the name that was taken
      written_.erase(id);
      ::unlink(p.c_str());
    }
  }
  CannotWrite(dir / name, "cannot find a free file name", EEXIST, "nothing was written");
}

int RunBurst(const RunOptions& o, const CommonOptions& common) {
  size_t eq = o.each.find('=');
  const std::string param = o.each.substr(0, eq);
  if (param.empty()) throw UsageError(fmt::format("--each expects PARAM or PARAM=V1,V2,..., got `{}`", o.each));
  const bool listed = eq != std::string::npos;
  std::vector<std::string> members;
  if (listed) {
    for (const std::string& v : SplitCommas({o.each.substr(eq + 1)}))
      if (std::find(members.begin(), members.end(), v) == members.end()) members.push_back(v);
    if (members.empty())
      throw UsageError("E0606", fmt::format("--each {}= lists no member; list them (--each {}=V1,V2,...) or leave "
                                            "out `=` to take them from the data",
                                            param, param));
    for (const std::string& v : members)
      if (size_t bad = FindInvalidUtf8(v); bad != std::string::npos)
        throw UsageError(fmt::format("--each {}: the member that starts `{}` is not valid UTF-8 (byte {})", param,
                                     v.substr(0, bad), bad + 1));
  }
  if (o.output.empty())
    throw UsageError(fmt::format("--each writes one file per member and format: name their folder with -o DIR"));
  std::vector<std::string> formats = Formats(o);
  const fs::path dir(o.output);
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UsageError(fmt::format("-o {}: with --each, -o names a folder, and this is a file", o.output));

  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return kExitInputErrors;
  const ir::Module& m = s->catalog.checked.ir;
  plan::Request req = ToRequest(o);
  if (req.params.count(param))
    throw UsageError("E0603",
                     fmt::format("--param {} is given with --each {}: the burst sets it to each member", param, param));
  const ir::Role& role = BurstRole(*s, req, param);
  std::vector<MemberColumn> columns;
  if (!listed) {
    columns = MemberColumns(m, role, param);
    const ir::Scalar& type = std::find_if(role.params.begin(), role.params.end(), [&](const ir::Role::Param& p) {
                               return p.name == param;
                             })->scalar;
    members = Discover(m, columns, type, o);
    // A value found in the data is a member only when the role, with the
    // other parameters given, lets it see a row: `--param ch=on` must not
    // name (in files, the manifest or warnings) a store that sells only on
    // other channels. Decided before the file names, which depend on one
    // another (docs/cli.md, "--each").
    std::vector<std::string> seen;
    for (const std::string& v : members) {
      RunOptions one = o;
      one.each.clear();
      one.params.push_back(param + "=" + v);
      int sees = MemberSeesRows(one, *s, param);
      if (sees == 1) seen.push_back(v);
      else if (sees != 0) return sees;
    }
    members = std::move(seen);
  }
  std::vector<std::string> names = MemberFileNames(members, {"manifest"});

  Staging staging;
  staging.dir = dir;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) CannotWrite(dir, "cannot create the output folder", ec.value(), "nothing was written");
    staging.created_dir = true;
  }
  staging.path = dir / fmt::format(".kpic-each-{}.tmp", getpid());
  fs::remove_all(staging.path, ec);
  SetPendingDirectory(staging.path.string());
  if (!fs::create_directory(staging.path, ec))
    CannotWrite(staging.path, "cannot create a folder", ec.value(), "nothing was written");

  int result = kExitOk;
  MemberFileWriter writer;
  for (size_t i = 0; i < members.size(); ++i) {
    RunOptions one = o;
    one.each.clear();
    one.params.push_back(param + "=" + members[i]);
    one.warning_prefix = "[member " + Printable(members[i]) + "] ";
    auto stopped = [&] {
      std::fprintf(stderr, "kpic: --each %s stopped at member `%s` (%zu of %zu); no file was written\n", param.c_str(),
                   Printable(members[i]).c_str(), i + 1, members.size());
    };
    try {
      std::vector<std::string> texts;
      nlohmann::ordered_json stamp;
      bool csv = std::find(formats.begin(), formats.end(), "csv") != formats.end();
      int code = Evaluate(one, common, *s, formats, &texts, csv ? &stamp : nullptr);
      if (code != kExitOk && code != kExitAlerts) {
        stopped();
        return code;
      }
      if (code == kExitAlerts) result = kExitAlerts;
      std::vector<std::pair<std::string, std::string>> files;
      for (size_t f = 0; f < formats.size(); ++f) {
        // A CSV's stamp beside it, FILE.csv.stamp.json (driver/stamp.h).
        if (formats[f] == "csv") files.push_back({StampSideFile("csv"), stamp.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"});
        files.push_back({Extension(formats[f]), std::move(texts[f])});
      }
      names[i] = writer.Write(staging.path, names[i], members[i], files);
    } catch (...) {
      stopped();
      throw;
    }
  }

  // Every member succeeded: the files into DIR, the manifest last (a
  // previous burst's manifest goes first, so that no manifest stands
  // beside a mix of files).
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["report"] = o.report.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.report);
  doc["role"] = role.name;
  doc["each"] = param;
  doc["params"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : req.params) doc["params"][k] = v;
  doc["formats"] = formats;
  doc["discovered_from"] = nlohmann::ordered_json::array();
  for (const MemberColumn& c : columns) doc["discovered_from"].push_back(c.text);
  doc["members"] = nlohmann::ordered_json::array();
  fs::remove(dir / "manifest.json", ec);
  for (size_t i = 0; i < members.size(); ++i) {
    nlohmann::ordered_json files = nlohmann::ordered_json::object();
    for (const std::string& f : formats) {
      std::string file = names[i] + "." + Extension(f);
      // A CSV's stamp goes first, so that a CSV in DIR always has its own
      // beside it (each rename replaces its target atomically).
      std::vector<std::string> moved;
      if (f == "csv") moved.push_back(StampSideFile(file));
      moved.push_back(file);
      for (const std::string& one : moved) {
        // The staging folder, on the same file system, held every file
        // apart; a file of this burst under the name would be one replaced.
        if (writer.Wrote(dir / one))
          CannotWrite(dir / one, "two members' files are one file in the output folder", EEXIST,
                      "the folder has no manifest.json, so it holds no complete burst");
        if (std::rename((staging.path / one).c_str(), (dir / one).c_str()) != 0)
          CannotWrite(dir / one, "cannot move the file into the output folder", errno,
                      "the folder has no manifest.json, so it holds no complete burst");
      }
      files[f] = file;
    }
    doc["members"].push_back({{"member", members[i]}, {"files", std::move(files)}});
  }
  WriteFileAtomically((dir / "manifest.json").string(), doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  staging.handed_over = true;
  SetPendingDirectory("");
  fs::remove_all(staging.path, ec);
  if (members.empty()) {
    std::vector<std::string> texts;
    for (const MemberColumn& c : columns) texts.push_back(c.text);
    // One sentence whether the data has values or none: which it is would
    // say whether rows outside the role exist (attacker's probe, 2026-12-06).
    std::fprintf(stderr, "warning: --each %s: no member: no value in %s lets role `%s` see a row%s\n", param.c_str(),
                 fmt::format("{}", fmt::join(texts, ", ")).c_str(), role.name.c_str(),
                 role.params.size() > 1 ? " with the other parameters given" : "");
  }
  std::fprintf(stderr, "kpic: wrote %zu file(s) for %zu member(s) of `%s` to %s (see manifest.json)\n",
               members.size() * formats.size(), members.size(), param.c_str(), o.output.c_str());
  return result;
}

}  // namespace kpic
