// Reading and appending the action log (actions.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "actions/actions.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "datetime.h"

namespace kpic::actions {

namespace fs = std::filesystem;

std::vector<std::string> Folders(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& p : paths) {
    std::error_code ec;
    fs::path dir = fs::is_directory(p, ec) ? fs::path(p) : fs::path(p).parent_path();
    if (dir.empty()) dir = ".";
    fs::path folder = dir / "actions";
    // A linked folder is not followed (it could hold anything, anywhere).
    if (fs::is_symlink(fs::symlink_status(folder, ec)) || !fs::is_directory(folder, ec)) continue;
    std::string key = fs::weakly_canonical(folder, ec).string();
    if (seen.insert(ec ? folder.string() : key).second) out.push_back(folder.string());
  }
  return out;
}

bool HasControlText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9f)
      return true;
  }
  return false;
}

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

namespace {

/// The span of the value of `"key":` in one line (the whole line when the
/// key is not found): diagnostics point at the field.
Span FieldSpan(FileId file, uint32_t begin, std::string_view line, std::string_view key) {
  std::string quoted = "\"" + std::string(key) + "\"";
  size_t at = line.find(quoted);
  if (at == std::string_view::npos) return Span{file, begin, begin + static_cast<uint32_t>(line.size())};
  size_t v = line.find(':', at + quoted.size());
  if (v == std::string_view::npos) return Span{file, begin + static_cast<uint32_t>(at), begin + static_cast<uint32_t>(at)};
  ++v;
  while (v < line.size() && line[v] == ' ') ++v;
  size_t e = v;
  if (e < line.size() && line[e] == '"') {
    for (++e; e < line.size() && line[e] != '"'; ++e)
      if (line[e] == '\\') ++e;
    e = std::min(line.size(), e + 1);
  } else {
    while (e < line.size() && line[e] != ',' && line[e] != '}') ++e;
  }
  return Span{file, begin + static_cast<uint32_t>(v), begin + static_cast<uint32_t>(e)};
}

/// The span of `"key"` itself in one line (the whole line when absent).
Span KeySpan(FileId file, uint32_t begin, std::string_view line, std::string_view key) {
  std::string quoted = "\"" + std::string(key) + "\"";
  size_t at = line.find(quoted);
  if (at == std::string_view::npos) return Span{file, begin, begin + static_cast<uint32_t>(line.size())};
  return Span{file, begin + static_cast<uint32_t>(at), begin + static_cast<uint32_t>(at + quoted.size())};
}

std::optional<std::string> Field(const nlohmann::ordered_json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::string("\x01");  // present, not a string: the caller reports it
  return it->get<std::string>();
}

/// A string anywhere in the entry holds a control character: C0, DEL or
/// C1 (U+0080 to U+009F, two bytes C2 80 to C2 9F), which could rewrite a
/// terminal or a line of a table.
bool HasControl(const nlohmann::ordered_json& j) {
  if (j.is_string()) return HasControlText(j.get_ref<const std::string&>());
  if (j.is_object())
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (HasControlText(it.key())) return true;
      if (HasControl(it.value())) return true;
    }
  if (j.is_array())
    for (const auto& x : j)
      if (HasControl(x)) return true;
  return false;
}

/// Brackets nested deeper than an entry ever needs (a parser's recursion
/// must not meet a line of 100,000 `[`).
bool TooDeep(std::string_view line) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > 16) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

struct Reader {
  SourceManager& sm;
  DiagnosticSink& diags;
  FileId file = kNoFile;
  std::string path, id_from_name;

  void Bad(Span s, std::string message, std::string help = "") {
    Diagnostic& d = diags.Report(DiagCode::W0907, s, std::move(message));
    if (!help.empty()) d.Help(std::move(help));
  }

  std::optional<int32_t> Date(const nlohmann::ordered_json& j, const char* key, Span s, bool required) {
    std::optional<std::string> t = Field(j, key);
    if (!t) {
      if (required) Bad(s, fmt::format("the action has no `{}` date", key), "write it as \"YYYY-MM-DD\"");
      return std::nullopt;
    }
    auto d = rt::ParseDate(*t, rt::DateFormat{});
    // A value that is not a string is shown as written (it said "\u0001").
    std::string shown = *t == "\x01" ? j.at(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : nlohmann::json(*t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (!d) Bad(s, fmt::format("`{}` is not a date: {}", key, shown), "write it as \"YYYY-MM-DD\"");
    return d;
  }

  void Open(const nlohmann::ordered_json& j, uint32_t begin, std::string_view line, std::vector<Action>* out) {
    auto span = [&](std::string_view key) { return FieldSpan(file, begin, line, key); };
    Action a;
    a.file = path;
    a.span = Span{file, begin, begin + static_cast<uint32_t>(line.size())};
    a.id = Field(j, "id").value_or("");
    if (a.id != id_from_name) {
      Bad(span("id"), fmt::format("the action's id `{}` is not its file's name `{}.action`", a.id, id_from_name),
          "an action's entries live in ID.action");
      return;
    }
    bool ok = true;
    for (auto [key, slot] : {std::pair{"by", &a.by}, std::pair{"what", &a.what}, std::pair{"expected", &a.expected},
                             std::pair{"goal", &a.goal}, std::pair{"metric", &a.metric}, std::pair{"alert", &a.alert},
                             std::pair{"at", &a.recorded}}) {
      std::optional<std::string> t = Field(j, key);
      if (t && *t == "\x01") {
        Bad(span(key), fmt::format("`{}` must be a string", key));
        ok = false;
      } else if (t) {
        *slot = *t;
      }
    }
    if (a.what.empty()) Bad(a.span, "the action does not say what was done (`what`)"), ok = false;
    if (a.by.empty()) Bad(a.span, "the action does not say who did it (`by`)"), ok = false;
    if (a.goal.empty() && a.metric.empty() && a.alert.empty())
      Bad(a.span, "the action is tied to nothing: give a goal, a metric or an alert"), ok = false;
    if (!a.alert.empty() && a.goal.empty())
      Bad(span("alert"), "an action on an alert names the alert's goal too (`goal`)"), ok = false;
    auto start = Date(j, "start", span("start"), true);
    auto end = Date(j, "end", span("end"), false);
    if (!start) ok = false;
    if (start) a.start = *start;
    if (start && end && *end < *start) {
      Bad(span("end"), fmt::format("the action ends ({}) before it starts ({})", rt::FormatDate(*end),
                                   rt::FormatDate(*start)));
      ok = false;
    }
    a.end = end;
    a.planned_end = end;
    if (auto w = j.find("window"); w != j.end() && !w->is_null()) {
      if (!w->is_number_integer() || w->get<int64_t>() < 1 || w->get<int64_t>() > kMaxWindow) {
        Bad(span("window"), fmt::format("`window` is the number of periods compared before and after, 1 to {}",
                                        kMaxWindow));
        ok = false;
      } else {
        a.window = static_cast<int>(w->get<int64_t>());
      }
    }
    if (auto m = j.find("member"); m != j.end() && !m->is_null()) {
      if (!m->is_object()) {
        Bad(span("member"), "`member` must be an object of dimension and member: {\"store\": \"北京朝阳店\"}");
        ok = false;
      } else {
        for (auto it = m->begin(); it != m->end(); ++it) {
          if (!it.value().is_string()) {
            Bad(span(it.key()), fmt::format("the member of `{}` must be a string", it.key()));
            ok = false;
            continue;
          }
          a.members.push_back({it.key(), it.value().get<std::string>(), KeySpan(file, begin, line, it.key())});
        }
      }
    }
    a.goal_span = span("goal");
    a.metric_span = span("metric");
    a.alert_span = span("alert");
    if (ok) out->push_back(std::move(a));
  }

  void Change(const nlohmann::ordered_json& j, uint32_t begin, std::string_view line, Action* a) {
    auto span = [&](std::string_view key) { return FieldSpan(file, begin, line, key); };
    Span whole{file, begin, begin + static_cast<uint32_t>(line.size())};
    if (!a) {
      diags.Report(DiagCode::W0902, whole, "this entry changes an action that was never opened; it is ignored");
      return;
    }
    if (a->status != "open") {
      diags.Report(DiagCode::W0902, whole,
                   fmt::format("action `{}` is already {}; this later entry is ignored", a->id, a->status))
          .Help("history is never rewritten: open a new action instead");
      return;
    }
    // Every field a string, and the id the action's own (a close with
    // `"by": 42` was taken as "\u0001", and one with another id closed
    // this file's action).
    for (const char* key : {"id", "by", "note", "at"})
      if (Field(j, key) == std::optional<std::string>("\x01")) {
        Bad(span(key), fmt::format("`{}` must be a string; this entry is ignored", key));
        return;
      }
    if (std::optional<std::string> id = Field(j, "id"); id && *id != a->id) {
      Bad(span("id"), fmt::format("this entry closes `{}`, not `{}`, the action of its file; it is ignored", *id, a->id),
          "an action's entries live in ID.action");
      return;
    }
    std::string status = Field(j, "status").value_or("");
    if (status != "done" && status != "dropped") {
      Bad(span("status"), fmt::format("an action closes as `done` or `dropped`, not {}", nlohmann::json(status).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      return;
    }
    auto end = Date(j, "end", span("end"), false);
    if (end && *end < a->start) {
      Bad(span("end"), fmt::format("the action ends ({}) before it starts ({})", rt::FormatDate(*end),
                                   rt::FormatDate(a->start)));
      return;
    }
    a->status = status;
    if (end) a->end = end;
    a->closed_on = end;
    if (!end) {
      // Without an end, the entry's own time says when it was closed.
      auto at = Field(j, "at");
      if (at && at->size() >= 10) a->closed_on = rt::ParseDate(at->substr(0, 10), rt::DateFormat{});
    }
    a->closed_by = Field(j, "by").value_or("");
    a->note = Field(j, "note").value_or("");
  }

  void File(const std::string& p, std::vector<Action>* out) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in.is_open() || (!in && !in.eof())) {
      diags.Report(DiagCode::W0901, Span{sm.Add(p, ""), 0, 0},
                   fmt::format("cannot read the action file `{}`: {}; its actions are left out", p,
                               std::strerror(errno)));
      return;
    }
    Text(p, buf.str(), out);
  }

  void Text(const std::string& p, const std::string& text, std::vector<Action>* out) {
    path = p;
    id_from_name = fs::path(p).stem().string();
    file = sm.Add(p, text);
    if (!ValidId(id_from_name)) {
      Bad(Span{file, 0, 0},
          fmt::format("the file's name {} is not an action id (1 to 64 letters, digits, - and _); it is left out",
                      nlohmann::json(id_from_name).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)));
      return;
    }
    size_t first = out->size();
    uint32_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      bool complete = nl != std::string::npos;
      std::string_view line(text.data() + pos, (complete ? nl : text.size()) - pos);
      uint32_t begin = pos;
      pos = complete ? static_cast<uint32_t>(nl + 1) : static_cast<uint32_t>(text.size());
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      Span whole{file, begin, begin + static_cast<uint32_t>(line.size())};
      if (TooDeep(line)) {
        Bad(whole, "the entry nests brackets more than 16 deep; it is skipped",
            "an action entry is a flat object, with one object of members");
        continue;
      }
      // A key given twice in one object: the parser keeps the last, so
      // `"store": "A", "store": "B"` measured store B without a word
      // (actions probe, 2026-12-07).
      std::vector<std::set<std::string>> keys;
      std::string twice;
      auto note_keys = [&](int, nlohmann::ordered_json::parse_event_t ev, nlohmann::ordered_json& parsed) {
        using E = nlohmann::ordered_json::parse_event_t;
        if (ev == E::object_start) {
          keys.emplace_back();
        } else if (ev == E::object_end) {
          if (!keys.empty()) keys.pop_back();
        } else if (ev == E::key && !keys.empty() && parsed.is_string()) {
          if (!keys.back().insert(parsed.get<std::string>()).second && twice.empty()) twice = parsed.get<std::string>();
        }
        return true;
      };
      nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, note_keys, false);
      if (!j.is_discarded() && !twice.empty()) {
        Bad(FieldSpan(file, begin, line, twice),
            fmt::format("`{}` is given twice in this entry, so which one holds is unclear; it is skipped",
                        Printable(twice)),
            "give each field once");
        continue;
      }
      if (!j.is_discarded() && HasControl(j)) {
        Bad(whole, "the entry holds a control character (U+0000 to U+001F or U+007F); it is skipped",
            "an action's text is one line of plain text");
        continue;
      }
      if (j.is_discarded() || !j.is_object()) {
        diags.Report(DiagCode::W0901, whole,
                     complete ? "this line is not an action entry (a JSON object); it is skipped"
                              : "the last entry is cut short (a write that did not finish); it is skipped")
            .Help("every line of an .action file is one JSON object; `kpic action` writes them");
        continue;
      }
      std::string event = Field(j, "event").value_or("");
      // A field kpic does not read (`"windw": 6`) was ignored, and the
      // window stayed 3 without a word (actions probe, 2026-12-07).
      if (event == "open" || event == "close") {
        static const std::vector<std::string> kOpen = {"event", "id",     "at",   "by",   "start", "end",     "goal",
                                                       "metric", "alert", "member", "what", "expected", "window"};
        static const std::vector<std::string> kClose = {"event", "id", "at", "by", "status", "end", "note"};
        const std::vector<std::string>& known = event == "open" ? kOpen : kClose;
        std::string unknown;
        for (const auto& item : j.items())
          if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
            unknown = item.key();
            break;
          }
        if (!unknown.empty()) {
          auto near = Suggest(unknown, known);
          Bad(FieldSpan(file, begin, line, unknown),
              fmt::format("unknown field `{}` in an entry that {}s an action; it is skipped", Printable(unknown),
                          event),
              near ? fmt::format("did you mean `{}`?", *near)
                   : fmt::format("the fields are {}", fmt::join(known, ", ")));
          continue;
        }
      }
      Action* current = out->size() > first ? &out->back() : nullptr;
      if (event == "open") {
        if (current) {
          Bad(FieldSpan(file, begin, line, "event"), fmt::format("action `{}` is opened twice", current->id),
              "a state change is an entry with \"event\": \"close\"");
          continue;
        }
        Open(j, begin, line, out);
      } else if (event == "close") {
        Change(j, begin, line, current);
      } else {
        diags.Report(DiagCode::W0901, FieldSpan(file, begin, line, "event"),
                     fmt::format("unknown entry {}: an entry opens (\"open\") or closes (\"close\") an action; it is "
                                 "skipped",
                                 nlohmann::json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
      }
    }
  }
};

}  // namespace

std::vector<Action> Load(const std::vector<std::string>& folders, SourceManager& sm, DiagnosticSink& diags) {
  std::vector<Action> out;
  for (const std::string& folder : folders) {
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::directory_iterator probe(folder, ec); ec) {
      diags.Report(DiagCode::W0901, Span{sm.Add(folder, ""), 0, 0},
                   fmt::format("cannot read the action folder `{}`: {}; its actions are left out", folder,
                               ec.message()));
      continue;
    }
    for (fs::directory_iterator it(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (it->path().extension() != ".action") continue;
      std::error_code lec;
      fs::file_status st = it->symlink_status(lec);
      // Only regular files in the folder itself: a link could show (and
      // let `close` write to) a file anywhere.
      if (fs::is_regular_file(st)) {
        files.push_back(it->path().string());
      } else {
        diags.Report(DiagCode::W0901, Span{sm.Add(it->path().string(), ""), 0, 0},
                     fmt::format("`{}` is {}; only regular files are read as actions", it->path().string(),
                                 fs::is_symlink(st) ? "a symbolic link" : "not a regular file"));
      }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      Reader r{sm, diags, kNoFile, {}, {}};
      r.File(f, &out);
    }
  }
  std::set<std::string> seen;
  for (const Action& a : out)
    if (!seen.insert(a.id).second)
      diags.Report(DiagCode::W0907, a.span, fmt::format("two folders hold an action `{}`", a.id));
  return out;
}

std::vector<Action> Parse(const std::string& path, const std::string& text, SourceManager& sm,
                          DiagnosticSink& diags) {
  std::vector<Action> out;
  Reader r{sm, diags, kNoFile, {}, {}};
  r.Text(path, text, &out);
  return out;
}

std::string NewId(int32_t start) {
  unsigned char bytes[2] = {0, 0};
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    uint64_t t = static_cast<uint64_t>(getpid()) ^ static_cast<uint64_t>(time(nullptr));
    bytes[0] = static_cast<unsigned char>(t);
    bytes[1] = static_cast<unsigned char>(t >> 8);
  }
  std::string day = rt::FormatDate(start);
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  return fmt::format("A{}-{:02x}{:02x}", day, bytes[0], bytes[1]);
}

namespace {

void WriteAll(int fd, const std::string& s, const std::string& path) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw AppendError(fmt::format("cannot write `{}`: {}", path, std::strerror(errno)), false);
    done += static_cast<size_t>(n);
  }
}

void SyncFolder(const std::string& folder) {
  int d = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0) {
    ::fsync(d);
    ::close(d);
  }
}

}  // namespace

void Append(const std::string& folder, const std::string& id, const std::string& entry, bool create_only) {
  if (!ValidId(id)) throw AppendError(fmt::format("`{}` is not an action id (letters, digits, - and _)", id), true);
  std::error_code ec;
  // A linked folder is not read (Folders), so it is not written through
  // either: the action would land outside the package, and never be seen.
  if (fs::is_symlink(fs::symlink_status(folder, ec)))
    throw AppendError(fmt::format("the folder `{}` is a symbolic link; actions are kept in a real `actions` folder of "
                                  "the package",
                                  folder),
                      false);
  bool made = !fs::is_directory(folder, ec);
  if (made && !fs::create_directories(folder, ec) && ec)
    throw AppendError(fmt::format("cannot make the folder `{}`: {}", folder, ec.message()), false);
  std::string attributes = (fs::path(folder) / ".gitattributes").string();
  if (!fs::exists(attributes, ec)) {
    // Two branches that append to one action's file merge as a union.
    std::ofstream(attributes) << "*.action merge=union\n";
  }
  std::string path = (fs::path(folder) / (id + ".action")).string();
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (create_only ? O_EXCL : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) {
    if (errno == EEXIST) throw AppendError(fmt::format("an action `{}` exists already ({})", id, path), true);
    throw AppendError(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)), false);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  while (::flock(fd, LOCK_EX) != 0)
    if (errno != EINTR) throw AppendError(fmt::format("cannot lock `{}`: {}", path, std::strerror(errno)), false);
  // A torn last entry (no newline) is left as it is, and this entry starts
  // on a line of its own.
  std::string line = entry + "\n";
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    int rd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    char last = '\n';
    if (rd >= 0) {
      if (::pread(rd, &last, 1, st.st_size - 1) != 1) last = '\n';
      ::close(rd);
    }
    if (last != '\n') line = "\n" + line;
  }
  WriteAll(fd, line, path);
  if (::fsync(fd) != 0) throw AppendError(fmt::format("cannot sync `{}`: {}", path, std::strerror(errno)), false);
  if (st.st_size == 0) SyncFolder(folder);
  if (made) SyncFolder(fs::path(folder).parent_path().string());
}

Action AsOf(const Action& a, int32_t day) {
  if (a.status == "open" || !a.closed_on || *a.closed_on <= day) return a;
  Action open = a;
  open.status = "open";
  open.end = a.planned_end;
  open.closed_on.reset();
  open.closed_by.clear();
  open.note.clear();
  return open;
}

}  // namespace kpic::actions
