// `kpic verify OUTPUT`: recomputes a stamped output (JSON, HTML, CSV with
// its side file, SQL) and says whether its numbers still stand, and if not,
// which definitions or which data changed (docs/cli.md, "kpic verify").
#include "driver/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "driver/run.h"
#include "driver/run_support.h"
#include "driver/stamp.h"
#include "driver/test_command.h"
#include "output/values.h"
#include "plan/lower.h"
#include "base/errors.h"
#include "csv.h"

namespace kpic {
namespace {

/// JSON with every object's keys distinct: a repeated key (`"value":
/// "999.99", "value": "3.75"`) is read by some parsers as the first and by
/// others as the last, so a file that holds one is not an output of kpic
/// (verify passed it, the last value winning).
nlohmann::ordered_json ParseUnique(const std::string& text) {
  std::vector<std::set<std::string>> keys;
  auto check = [&](int, nlohmann::ordered_json::parse_event_t event, nlohmann::ordered_json& parsed) {
    using E = nlohmann::ordered_json::parse_event_t;
    if (event == E::object_start) keys.emplace_back();
    if (event == E::object_end && !keys.empty()) keys.pop_back();
    if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second)
      throw nlohmann::json::other_error::create(
          501, fmt::format("the key \"{}\" appears twice in one object", parsed.get<std::string>()), nullptr);
    return true;
  };
  return nlohmann::ordered_json::parse(text, check);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw rt::DataError(path, 0, "", "", "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string HtmlUnescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    static const std::pair<const char*, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
    bool done = false;
    for (const auto& [e, c] : kEntities)
      if (s.compare(i, std::strlen(e), e) == 0) {
        out += c;
        i += std::strlen(e) - 1;
        done = true;
        break;
      }
    if (!done) out += s[i];
  }
  return out;
}

constexpr const char* kHtmlStampOpen = "<pre id=kpic-stamp>";
constexpr const char* kSqlStamp = "-- kpic stamp: ";
constexpr const char* kJunitStamp = "<property name=\"kpic.stamp\" value=\"";

struct Stamped {
  std::string format;  ///< json html csv sql
  nlohmann::ordered_json stamp;
  std::string text;  ///< the output itself
};

/// The deepest nesting of brackets outside strings: a parser recurses that
/// deep, so a hostile output is refused before it is parsed.
size_t Depth(std::string_view t) {
  size_t depth = 0, most = 0;
  bool in_string = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      most = std::max(most, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return most;
}

constexpr size_t kMaxDepth = 256;
constexpr size_t kMaxOutput = 1u << 30;

Stamped ReadStamped(const std::string& path) {
  Stamped s;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw rt::DataError(path, 0, "", "", "not a regular file");
  if (std::filesystem::file_size(path, ec) > kMaxOutput)
    throw rt::DataError(path, 0, "", "", "larger than 1 GiB: not an output of kpic");
  s.text = ReadAll(path);
  if (s.text.find('<') != 0 && Depth(s.text) > kMaxDepth)
    throw rt::DataError(path, 0, "", "", fmt::format("nested more than {} levels deep: not an output of kpic", kMaxDepth));
  auto bad = [&](const std::string& why) { return rt::DataError(path, 0, "", "", why); };
  try {
    if (s.text.rfind(kSqlStamp, 0) == 0) {
      s.format = "sql";
      s.stamp = ParseUnique(s.text.substr(std::strlen(kSqlStamp), s.text.find('\n') - std::strlen(kSqlStamp)));
    } else if (size_t at = s.text.find(kHtmlStampOpen); at != std::string::npos) {
      s.format = "html";
      size_t from = at + std::strlen(kHtmlStampOpen), to = s.text.find("</pre>", from);
      if (to == std::string::npos) throw bad("the HTML's stamp is cut off");
      std::string json = HtmlUnescape(s.text.substr(from, to - from));
      if (Depth(json) > kMaxDepth) throw bad("the stamp is nested too deep");
      s.stamp = ParseUnique(json);
    } else if (size_t at = s.text.find(kJunitStamp); at != std::string::npos && s.text.rfind("<?xml", 0) == 0) {
      s.format = "junit";  // `kpic test --format junit`
      size_t from = at + std::strlen(kJunitStamp), to = s.text.find('"', from);
      if (to == std::string::npos) throw bad("the JUnit stamp is cut off");
      std::string json = HtmlUnescape(s.text.substr(from, to - from));
      if (Depth(json) > kMaxDepth) throw bad("the stamp is nested too deep");
      s.stamp = ParseUnique(json);
    } else if (std::filesystem::exists(StampSideFile(path))) {
      s.format = "csv";
      std::string json = ReadAll(StampSideFile(path));
      if (Depth(json) > kMaxDepth) throw bad("the stamp is nested too deep");
      s.stamp = ParseUnique(json);
    } else {
      nlohmann::ordered_json j = ParseUnique(s.text);
      if (!j.is_object() || !j.contains("stamp"))
        throw bad("the JSON has no `stamp` (made by an older kpic, or not by `kpic run`)");
      s.format = "json";
      s.stamp = j["stamp"];
    }
  } catch (const nlohmann::json::exception& e) {
    throw bad(fmt::format("no stamp could be read ({}); verify reads the JSON, HTML and SQL of kpic, and a CSV with "
                          "its side file FILE.stamp.json",
                          e.what()));
  }
  if (!s.stamp.is_object() || !s.stamp.contains("request") || !s.stamp["request"].is_object())
    throw bad("the stamp has no `request`");
  return s;
}

std::vector<std::string> Strings(const nlohmann::ordered_json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}
std::string String(const nlohmann::ordered_json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

/// An HTML page without its footer, when the footer is exactly as kpic
/// writes it.
std::string UnstampedHtml(const std::string& text) {
  // Only the footer exactly as kpic writes it is left out: one stamp, no
  // markup inside it, and nothing after it but the page's end. Anything
  // else stays, so that an edit there makes the numbers not stand.
  // The footer opens with kFooterOpen (in any language); pages made
  // before it had an id open with "Made by kpic ".
  constexpr std::string_view kOld = "<footer class=sub><details><summary>Made by kpic ";
  size_t at = text.find(output::kFooterOpen);
  std::string_view kOpen = output::kFooterOpen;
  if (at == std::string::npos) at = text.find(kOld), kOpen = kOld;
  if (at == std::string::npos) return text;
  size_t end = text.find("</footer>", at);
  if (end == std::string::npos) return text;
  std::string_view footer(text.data() + at, end + 9 - at);
  constexpr std::string_view kCode = "<code>kpic verify</code>";
  constexpr std::string_view kPre = "</summary><pre id=kpic-stamp>";
  constexpr std::string_view kClose = "</pre></details></footer>";
  size_t pre = footer.find(kPre);
  bool ok = text.find(kHtmlStampOpen) == text.rfind(kHtmlStampOpen) && pre != std::string_view::npos &&
            footer.ends_with(kClose) && text.substr(end + 9) == "</body></html>\n";
  if (ok) {
    std::string_view summary = footer.substr(kOpen.size(), pre - kOpen.size());
    size_t code = summary.find(kCode);
    std::string_view stamp = footer.substr(pre + kPre.size(), footer.size() - kClose.size() - pre - kPre.size());
    auto plain = [](std::string_view t) { return t.find_first_of("<>") == std::string_view::npos; };
    ok = code != std::string_view::npos && plain(summary.substr(0, code)) &&
         plain(summary.substr(code + kCode.size())) && plain(stamp);
  }
  if (!ok) return text;
  return text.substr(0, at) + text.substr(end + 9);
}

/// The output without its stamp, for comparing numbers.
std::string Unstamped(const std::string& format, const std::string& text) {
  if (format == "sql") return text.substr(text.find('\n') + 1);
  if (format == "html") {
    // When the page was made (the header's first <time id=kpic-made>,
    // plain text) is not one of its numbers; another such element stays,
    // so that nothing can hide in one.
    std::string made = text;
    constexpr std::string_view kMade = "<time id=kpic-made>";
    if (size_t at = made.find(kMade); at != std::string::npos) {
      size_t open = at + kMade.size(), end = made.find("</time>", open);
      // Only a time as kpic writes it: `2026-12-03 15:09 UTC`.
      auto is_made_time = [](std::string_view t) {
        if (t.size() != 20 || t.substr(16) != " UTC") return false;
        for (size_t k = 0; k < 16; ++k) {
          char want = k == 4 || k == 7 ? '-' : k == 10 ? ' ' : k == 13 ? ':' : '0';
          if (want == '0' ? !(t[k] >= '0' && t[k] <= '9') : t[k] != want) return false;
        }
        return true;
      };
      if (end != std::string::npos && is_made_time(std::string_view(made).substr(open, end - open)))
        made.erase(open, end - open);
    }
    return UnstampedHtml(made);
  }
  if (format == "junit") {
    size_t at = text.find("<property name=\"kpic.stamp\"");
    if (at == std::string::npos) return text;
    size_t end = text.find('\n', at);
    size_t begin = text.rfind('\n', at);
    std::string out =
        text.substr(0, begin == std::string::npos ? 0 : begin) + text.substr(end == std::string::npos ? text.size() : end);
    // Where an expectation is written depends on the folder the test ran
    // from (`./x.kpi`), not on its outcome: its file is left out, its line
    // kept.
    std::string kept;
    for (size_t i = 0; i < out.size();) {
      size_t at = out.find(" file=\"", i);
      size_t close = at == std::string::npos ? std::string::npos : out.find('"', at + 7);
      if (close == std::string::npos) {
        kept.append(out, i, std::string::npos);
        break;
      }
      kept.append(out, i, at - i);
      i = close + 1;
    }
    return kept;
  }
  if (format == "json") {
    // Labels are not numbers: a relabelled metric still stands.
    nlohmann::ordered_json j = ParseUnique(text);
    j.erase("stamp");
    if (j.contains("expectations") && j["expectations"].is_array())  // a test's: as for JUnit
      for (auto& x : j["expectations"])
        if (x.is_object()) x.erase("file");
    std::function<void(nlohmann::ordered_json&)> strip = [&](nlohmann::ordered_json& v) {
      if (v.is_object()) {
        v.erase("label");
        for (auto& [k, x] : v.items()) strip(x);
      } else if (v.is_array()) {
        for (auto& x : v) strip(x);
      }
    };
    strip(j);
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return text;
}

/// Where two JSON values differ: up to `max` paths with the old and new values.
void JsonDiff(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, const std::string& path,
              std::vector<std::string>* out, size_t* count, size_t max) {
  if (a.type() == b.type() && a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it)
      JsonDiff(it.value(), b.contains(it.key()) ? b[it.key()] : nlohmann::ordered_json(), path + "." + it.key(), out,
               count, max);
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) JsonDiff(nlohmann::ordered_json(), it.value(), path + "." + it.key(), out, count, max);
    return;
  }
  if (a.type() == b.type() && a.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) JsonDiff(a[i], b[i], fmt::format("{}[{}]", path, i), out, count, max);
    return;
  }
  if (a == b) return;
  ++*count;
  auto shown = [](const nlohmann::ordered_json& v) {
    std::string s = v.is_null() ? "(none)" : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
  };
  if (out->size() < max) out->push_back(fmt::format("{}: {} -> {}", path.empty() ? "." : path.substr(1), shown(a), shown(b)));
}

}  // namespace

int RunVerify(const VerifyOptions& v, const CommonOptions& common) {
  Stamped old = ReadStamped(v.output);
  const nlohmann::ordered_json& st = old.stamp;
  const nlohmann::ordered_json& req = st["request"];
  RunOptions o;
  o.paths = Strings(req, "paths");
  o.metrics = Strings(req, "metrics");
  o.goals = Strings(req, "goals");
  o.by = Strings(req, "by");
  o.binds = Strings(req, "bind");
  o.params = Strings(req, "params");
  o.report = String(req, "report");
  o.grain = String(req, "grain");
  o.from = String(req, "from");
  o.to = String(req, "to");
  o.as_of = String(req, "as_of");
  o.role = String(req, "role");
  o.lang = String(req, "lang");
  o.engine = String(req, "engine").empty() ? "auto" : String(req, "engine");
  o.on_bad_row = String(req, "on_bad_row").empty() ? "fail" : String(req, "on_bad_row");
  // Stamped by a kpic that ran the pair (its run stopped at the first bad
  // row all the same); ToRequest's advice names `run`'s options, which
  // verify does not take.
  if (o.engine == "postgres" && o.on_bad_row == "skip")
    throw UsageError(
        "the output was made with --engine postgres and --on-bad-row skip, which kpic no longer runs together "
        "(PostgreSQL stops at a bad value instead of skipping its row), so it cannot be recomputed as it was "
        "asked for; make it again with `kpic run ... --engine auto --on-bad-row skip` (or --on-bad-row fail) "
        "and verify that output");
  if (req.contains("forecast") && req["forecast"].is_number_integer()) o.forecast = req["forecast"].get<int>();
  // A stamp can be edited: a caller pinned to a role (--role, --param)
  // recomputes only an output made under exactly that role and those
  // parameters, never what an edited stamp asks for.
  if (!v.params.empty() && v.role.empty())
    throw UsageError("E0603", "--param is given without --role (parameters belong to a role)");
  if (!v.role.empty()) {
    std::vector<std::string> want = v.params, got = o.params;
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    if (o.role != v.role || want != got)
      throw UsageError(fmt::format("{} was not made under --role {}{}: verify runs it only as the role it is given",
                                   v.output, v.role, v.params.empty() ? "" : " with the --param given"));
    // The packages and bindings are the caller's too: an edited stamp must
    // not load another package (with a role of the same name) or bind a
    // source to another file (the rows of other stores).
    if (v.paths.empty())
      throw UsageError("--role needs --path: the package files or folders the output must come from");
    auto absolute = [](std::vector<std::string> ps) {
      for (std::string& x : ps) {
        std::error_code ec;
        x = std::filesystem::weakly_canonical(std::filesystem::absolute(x, ec), ec).string();
      }
      std::sort(ps.begin(), ps.end());
      ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
      return ps;
    };
    if (absolute(o.paths) != absolute(v.paths))
      throw UsageError(fmt::format("{} was not made from the packages given with --path: verify runs it only over them",
                                   v.output));
    o.binds.clear();
  }
  // A masked password cannot be used: --bind gives the binding again.
  for (const std::string& b : v.binds) {
    std::string name = b.substr(0, b.find('='));
    std::erase_if(o.binds, [&](const std::string& x) { return x.substr(0, x.find('=')) == name; });
    o.binds.push_back(b);
  }
  // The numbers are for the stamped as-of date, whatever was appended since.
  // A test is replayed with the request as it was, and freshness measured
  // against the stamped day.
  bool test_output = String(req, "command") == "test";
  std::string stamped_as_of = st.contains("as_of") && st["as_of"].is_string() ? st["as_of"].get<std::string>() : "";
  if (o.as_of.empty() && !test_output) o.as_of = stamped_as_of;
  if (o.paths.empty()) throw UsageError("the stamp names no package to recompute from");
  for (const std::string& path : o.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      throw UsageError(fmt::format("the package `{}` the output was made from is gone", path));
    if (!std::filesystem::is_regular_file(path, ec) && !std::filesystem::is_directory(path, ec))
      throw UsageError(fmt::format("the stamp names `{}`, which is neither a file nor a folder", path));
    if (path == "/" || std::filesystem::path(path).lexically_normal() == "/")
      throw UsageError("the stamp names `/` as the package");
  }

  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return kExitInputErrors;

  // What changed: definitions (by fingerprint) and data (by binding, size,
  // time and hash).
  // A metric or goal the output was made of that is gone: the numbers
  // cannot stand, and there is nothing to recompute.
  plan::Request preq = ToRequest(o);
  preq.member_detail = old.format == "html";
  std::vector<std::string> gone;
  {
    const ir::Module& ir = s->catalog.checked.ir;
    for (const std::string& name : preq.metrics)
      if (ir.MetricIndex(name) < 0) gone.push_back(fmt::format("metric `{}` is gone", name));
    for (const std::string& name : preq.goals)
      if (std::none_of(ir.goals.begin(), ir.goals.end(), [&](const ir::Goal& g) { return g.name == name; }))
        gone.push_back(fmt::format("goal `{}` is gone", name));
  }
  if (!gone.empty()) {
    if (v.format == "json") {
      nlohmann::ordered_json j;
      j["stands"] = false;
      j["output"] = v.output;
      j["format"] = old.format;
      j["definitions_changed"] = gone;
      j["data_changed"] = nlohmann::ordered_json::array();
      std::fputs((j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(), stdout);
    } else {
      std::string out = fmt::format("{}: the numbers no longer stand\n  definitions changed:\n", v.output);
      for (const auto& d : gone) out += "    " + d + "\n";
      std::fputs(out.c_str(), stdout);
    }
    return kExitStale;
  }
  plan::Plan p;
  if (test_output) {
    // The expectations' plan, as `kpic test` lowers it (it may read no
    // metric and no goal).
    preq.all_goals = false;
    preq.expectations = true;
    try {
      p = plan::Lower(s->catalog.checked.ir, preq);
    } catch (const plan::PlanError& e) {
      throw UsageError(e.code, e.what());
    }
  } else {
    p = MakePlan(*s, preq);
  }
  nlohmann::ordered_json defs = Definitions(*s, p);
  std::vector<std::string> changed_defs, changed_data;
  for (const char* kind : {"metrics", "goals", "by", "roles"}) {
    nlohmann::ordered_json before = st.contains("definitions") && st["definitions"].contains(kind)
                                        ? st["definitions"][kind]
                                        : nlohmann::ordered_json::object();
    const nlohmann::ordered_json& now = defs[kind];
    std::string k = kind;
    std::string one = k == "metrics" ? "metric" : k == "goals" ? "goal" : k == "by" ? "the breakdown by" : "role";
    for (auto it = before.begin(); it != before.end(); ++it)
      if (!now.contains(it.key()))
        changed_defs.push_back(fmt::format("{} `{}` is gone", one, it.key()));
      else if (now[it.key()] != it.value())
        changed_defs.push_back(fmt::format("{} `{}` changed meaning (fingerprint {} -> {})", one, it.key(),
                                           it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), now[it.key()].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    for (auto it = now.begin(); it != now.end(); ++it)
      if (!before.contains(it.key())) changed_defs.push_back(fmt::format("{} `{}` is read now", one, it.key()));
  }
  if (test_output) {
    std::vector<std::string> before, now = ExpectationTexts(p);
    if (st.contains("definitions") && st["definitions"].contains("expectations"))
      before = Strings(st["definitions"], "expectations");
    for (const std::string& x : before)
      if (!std::binary_search(now.begin(), now.end(), x))
        changed_defs.push_back(fmt::format("expectation `{}` is gone or changed", x));
    for (const std::string& x : now)
      if (!std::count(before.begin(), before.end(), x)) changed_defs.push_back(fmt::format("expectation `{}` is new", x));
  }
  if (old.format != "sql") {
    nlohmann::ordered_json before = st.value("data", nlohmann::ordered_json::object());
    nlohmann::ordered_json now = DataFingerprints(o, p);
    for (auto it = before.begin(); it != before.end(); ++it) {
      const std::string& src = it.key();
      if (!now.contains(src)) {
        changed_data.push_back(fmt::format("source `{}` is no longer read", src));
        continue;
      }
      const auto& a = it.value();
      const auto& b = now[src];
      if (a.value("binding", nlohmann::ordered_json()) != b.value("binding", nlohmann::ordered_json())) {
        changed_data.push_back(fmt::format("source `{}` is bound elsewhere: {} -> {}", src,
                                           a.value("binding", nlohmann::ordered_json()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                           b.value("binding", nlohmann::ordered_json()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
        continue;
      }
      std::map<std::string, nlohmann::ordered_json> fa, fb;
      for (const auto& f : a.value("files", nlohmann::ordered_json::array())) fa[f.value("path", "")] = f;
      for (const auto& f : b.value("files", nlohmann::ordered_json::array())) fb[f.value("path", "")] = f;
      for (const auto& [path, f] : fa) {
        auto it2 = fb.find(path);
        if (it2 == fb.end())
          changed_data.push_back(fmt::format("source `{}`: {} is gone", src, path));
        else if (f.value("xxh3_128", "") != it2->second.value("xxh3_128", ""))
          changed_data.push_back(fmt::format("source `{}`: {} changed (size {} -> {}, modified {} -> {})", src, path,
                                             f.value("size", nlohmann::ordered_json()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                             it2->second.value("size", nlohmann::ordered_json()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                                             f.value("mtime", ""), it2->second.value("mtime", "")));
      }
      for (const auto& [path, f] : fb)
        if (!fa.count(path)) changed_data.push_back(fmt::format("source `{}`: {} is new", src, path));
    }
    for (auto it = now.begin(); it != now.end(); ++it)
      if (!before.contains(it.key())) changed_data.push_back(fmt::format("source `{}` is read now", it.key()));
  }

  // The numbers, recomputed in the output's own format.
  std::string recomputed;
  if (test_output) {
    // The test again, comparing row counts with those the stamp recorded,
    // and freshness with its day; nothing is recorded.
    std::vector<std::pair<std::string, int64_t>> counts;
    if (st.contains("rows_compared") && st["rows_compared"].is_array())
      for (const auto& kv : st["rows_compared"])
        if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_number_integer())
          counts.emplace_back(kv[0].get<std::string>(), kv[1].get<int64_t>());
    TestOptions t;
    t.run = o;
    t.run.format = old.format;
    t.run.output.clear();
    t.replay_counts = &counts;
    t.replay_today = stamped_as_of;
    t.text = &recomputed;
    int code = RunTest(t, common);
    if (code != kExitOk && code != kExitTestFailed && code != kExitData) return code;
  } else if (old.format == "sql") {
    // The SQL again, in its dialect: the same text, or not.
    int code = SqlText(o, String(req, "dialect"), common, &recomputed);
    if (code != kExitOk) return code;
  } else {
    RunOptions again = o;
    again.format = old.format;
    std::vector<std::string> texts;
    int code = Evaluate(again, common, *s, {old.format}, &texts);
    if (code != kExitOk && code != kExitAlerts) return code;
    recomputed = texts[0];
  }
  std::string a = Unstamped(old.format, old.text), b = Unstamped(old.format, recomputed);
  bool stands = a == b;
  std::vector<std::string> diffs;
  size_t ndiff = 0;
  if (!stands && old.format == "json")
    JsonDiff(ParseUnique(a), ParseUnique(b), "", &diffs, &ndiff, 10);

  if (v.format == "json") {
    nlohmann::ordered_json j;
    j["stands"] = stands;
    j["output"] = v.output;
    j["format"] = old.format;
    j["as_of"] = o.as_of.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.as_of);
    j["definitions_changed"] = changed_defs;
    j["data_changed"] = changed_data;
    j["differences"] = ndiff;
    j["first_differences"] = diffs;
    std::fputs((j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(), stdout);
  } else {
    std::string out;
    if (test_output)
      out += stands ? fmt::format("{}: the test outcomes still stand", v.output)
                    : fmt::format("{}: the test outcomes no longer stand", v.output);
    else
      out += stands ? fmt::format("{}: the numbers still stand", v.output)
                    : fmt::format("{}: the numbers no longer stand", v.output);
    out += o.as_of.empty() ? "\n" : fmt::format(" (recomputed as of {})\n", o.as_of);
    if (!changed_defs.empty()) {
      out += "  definitions changed:\n";
      for (const auto& d : changed_defs) out += "    " + d + "\n";
    }
    if (!changed_data.empty()) {
      out += stands ? "  data changed, but not what these numbers read:\n" : "  data changed:\n";
      for (const auto& d : changed_data) out += "    " + d + "\n";
    }
    if (!stands && changed_defs.empty() && changed_data.empty())
      out += o.role.empty() ? "  neither the meaning of a definition nor the data changed: a label, a title, the "
                              "request in the stamp, the kpic version or the engine did\n"
                            : "  the definitions did not change: the data did (under a role its fingerprints are "
                              "not kept)\n";
    if (!diffs.empty()) {
      out += fmt::format("  {} value(s) differ, for example:\n", ndiff);
      for (const auto& d : diffs) out += "    " + d + "\n";
    }
    std::fputs(out.c_str(), stdout);
  }
  return stands ? kExitOk : kExitStale;
}

}  // namespace kpic
