// `kpic diff OLD NEW` (diff.h).
#include "driver/diff.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/big_stack.h"
#include "base/errors.h"
#include "base/utf8.h"
#include "base/exit_codes.h"
#include "csv.h"
#include "decimal.h"
#include "driver/run.h"
#include "driver/run_support.h"
#include "exec/binding.h"
#include "ir/fingerprint.h"
#include "output/values.h"

namespace kpic {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Capture(const std::string& cmd, int* status) {
  std::string out;
  std::FILE* p = nullptr;
  {
    ChildStackLimit limit;  // git gets the stack limit kpic was started with
    p = popen(cmd.c_str(), "r");
  }
  if (!p) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

/// A side of the diff as a folder: OLD/NEW as given, or `REV:PATH` written
/// out from git into `tmp` (its .kpi files; the data is the other side's).
std::string Materialize(const std::string& arg, const fs::path& tmp, std::string* label) {
  *label = arg;
  std::error_code ec;
  if (fs::exists(arg, ec)) return arg;
  auto colon = arg.find(':');
  if (colon == std::string::npos || colon == 0)
    throw UsageError(fmt::format("`{}` is neither a folder or file nor a git revision as REV:PATH "
                                 "(e.g. HEAD~1:examples/retail)",
                                 arg));
  std::string rev = arg.substr(0, colon), path = arg.substr(colon + 1);
  if (rev[0] == '-' || (!path.empty() && path[0] == '-'))
    throw UsageError(fmt::format("`{}`: a revision or path may not start with `-`", arg));
  if (path.empty()) path = ".";
  int status = 0;
  std::string prefix = Capture("git rev-parse --show-prefix 2>/dev/null", &status);
  if (status != 0) throw UsageError(fmt::format("`{}`: not in a git repository", arg));
  prefix.erase(prefix.find_last_not_of("\n") + 1);
  std::string files = Capture(fmt::format("git ls-tree -r --name-only --full-name {} -- {} 2>&1", ShellQuote(rev),
                                          ShellQuote(path)),
                              &status);
  if (status != 0) throw UsageError(fmt::format("`{}`: git cannot list it: {}", arg, files));
  fs::path root = tmp / "old";
  size_t count = 0;
  size_t start = 0;
  while (start < files.size()) {
    size_t nl = files.find('\n', start);
    std::string f = files.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? files.size() : nl + 1;
    if (f.size() < 4 || f.substr(f.size() - 4) != ".kpi") continue;
    // A tree entry is a name git stores as given: `..` or an absolute
    // path would write outside the temporary folder.
    {
      fs::path fp(f);
      bool unsafe = fp.is_absolute();
      for (const auto& part : fp) unsafe |= part == ".." || part == ".";
      if (unsafe) throw UsageError(fmt::format("`{}`: the revision has an unsafe path `{}`; nothing was written", arg, f));
    }
    std::string text = Capture(fmt::format("git show {}", ShellQuote(rev + ":" + f)), &status);
    if (status != 0) throw UsageError(fmt::format("`{}`: git cannot show {}", arg, f));
    // Relative to the current folder, as PATH was given.
    std::string rel = f.rfind(prefix, 0) == 0 ? f.substr(prefix.size()) : f;
    fs::path out = (root / rel).lexically_normal();
    if (out.string().rfind(root.string(), 0) != 0)
      throw UsageError(fmt::format("`{}`: the revision has an unsafe path `{}`; nothing was written", arg, f));
    fs::create_directories(out.parent_path());
    std::ofstream(out, std::ios::binary) << text;
    ++count;
  }
  if (count == 0) throw UsageError(fmt::format("`{}`: no .kpi file at that revision", arg));
  // The data is the work tree's: beside the definitions of the revision,
  // links to what the work tree has there and the revision lacks (data/).
  if (fs::is_directory(path, ec)) {
    fs::path real = fs::absolute(path, ec);
    for (auto it = fs::recursive_directory_iterator(real, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      fs::path rel = fs::relative(it->path(), real, ec);
      fs::path mirror = root / (path == "." ? fs::path() : fs::path(path)) / rel;
      if (fs::exists(fs::symlink_status(mirror, ec))) continue;
      if (it->is_directory(ec)) {
        if (!fs::exists(mirror.parent_path(), ec)) continue;
        fs::create_directory_symlink(it->path(), mirror, ec);
        it.disable_recursion_pending();
      } else if (it->path().extension() != ".kpi" && fs::exists(mirror.parent_path(), ec)) {
        fs::create_symlink(it->path(), mirror, ec);
      }
    }
    ec.clear();
  }
  fs::path want = root / (path == "." ? "" : path);
  return fs::exists(want) ? want.string() : root.string();
}

/// A --bind URI for a resolved binding.
std::string BindUri(const exec::ResolvedBinding& b) {
  const exec::BindingKind* k = exec::FindBindingKind(b.kind);
  if (k && !k->relative_paths) return b.path + "#" + b.table;  // a database URI
  if (k && k->names_table && !b.table.empty()) return b.kind + ":" + b.path + "#" + b.table;
  return b.kind + ":" + b.path;
}

struct Side {
  std::unique_ptr<Session> s;
  RunOptions o;
  std::map<std::string, std::string> fps;  ///< user metric -> fingerprint
  std::map<std::string, int> index;        ///< user metric -> ir index
  std::map<std::string, std::string> goal_fps;
};

Side LoadSide(const std::string& path, const CommonOptions& common, const DiffOptions& d) {
  Side side;
  side.o.paths = {path};
  side.o.grain = d.grain;
  side.o.as_of = d.as_of;
  side.o.binds = d.binds;
  side.s = Load(side.o, common);
  if (side.s->diags.has_errors()) return side;
  const ir::Module& m = side.s->catalog.checked.ir;
  ir::MetricFingerprints fps(m);
  for (const auto& [name, t] : side.s->catalog.checked.metrics) {
    if (!t.decl || t.ir < 0) continue;
    auto pkg = side.s->catalog.packages.find(t.package);
    if (pkg != side.s->catalog.packages.end() && pkg->second.from_stdlib) continue;
    side.fps[name] = fps.Of(t.ir);
    side.index[name] = t.ir;
  }
  for (const ir::Goal& g : m.goals) side.goal_fps[g.name] = ir::GoalFingerprint(m, g);
  return side;
}

std::string DeclText(const Session& s, const std::string& metric) {
  auto it = s.catalog.checked.metrics.find(metric);
  if (it == s.catalog.checked.metrics.end() || !it->second.decl) return "";
  Span sp = it->second.decl->span;
  const std::string& text = s.sm.Get(sp.file).text;
  if (sp.end > text.size() || sp.begin > sp.end) return "";
  return text.substr(sp.begin, sp.end - sp.begin);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

/// A line diff (longest common subsequence): `  ` kept, `- ` old, `+ ` new.
std::vector<std::string> LineDiff(const std::string& a, const std::string& b) {
  std::vector<std::string> x = Lines(a), y = Lines(b);
  if (x.size() > 2000 || y.size() > 2000) return {"(too long to show)"};
  std::vector<std::vector<int>> L(x.size() + 1, std::vector<int>(y.size() + 1, 0));
  for (size_t i = x.size(); i-- > 0;)
    for (size_t j = y.size(); j-- > 0;) L[i][j] = x[i] == y[j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
  std::vector<std::string> out;
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    if (i < x.size() && j < y.size() && x[i] == y[j]) {
      out.push_back("  " + x[i++]);
      ++j;
    } else if (i < x.size() && (j == y.size() || L[i + 1][j] >= L[i][j + 1])) {
      out.push_back("- " + x[i++]);
    } else {
      out.push_back("+ " + y[j++]);
    }
  }
  return out;
}

/// The rows of one metric (or a goal's periods) by key, from a JSON run.
struct Numbers {
  bool ok = false;
  std::string error;
  std::map<std::string, nlohmann::ordered_json> rows;  ///< key -> value (or a goal period's object)
  std::vector<std::string> order;
  std::string unit;  ///< the metric's (or the goal's metric's) unit, `percent` for a percentage
  /// A partial period's days (`[first, last]`), by key: the numbers are of
  /// those days, not the whole period (reader's probe, 2026-12-06).
  std::map<std::string, nlohmann::ordered_json> spans;
};

Numbers Evaluate1(const Side& side, const CommonOptions& common, const std::string& metric, const std::string& goal) {
  Numbers n;
  RunOptions o = side.o;
  if (!metric.empty()) o.metrics = {metric};
  if (!goal.empty()) {
    o.goals = {goal};
    o.grain.clear();
  }
  std::vector<std::string> texts;
  try {
    int code = Evaluate(o, common, *side.s, {"json"}, &texts);
    if (code != kExitOk && code != kExitAlerts) {
      n.error = fmt::format("exit {}", code);
      return n;
    }
  } catch (const rt::DataError&) {
    throw;  // the data both sides read (a --bind that cannot be read): exit 3, as kpic run
  } catch (const std::exception& e) {
    n.error = e.what();
    return n;
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(texts[0]);
  if (!metric.empty() && !j["results"].empty()) n.unit = j["results"][0].value("unit", "");
  if (!goal.empty() && !j["goals"].empty()) n.unit = j["goals"][0].value("unit", "");
  if (!metric.empty() && !j["results"].empty())
    for (const auto& r : j["results"][0]["rows"]) {
      std::string key = r.value("period", "");
      n.rows[key] = r["value"];
      n.order.push_back(key);
      if (r.value("partial", false) && r.contains("span")) n.spans[key] = r["span"];
    }
  if (!goal.empty() && !j["goals"].empty())
    for (const auto& p : j["goals"][0]["periods"]) {
      std::string key = p.value("period", "");
      n.rows[key] = {{"value", p["value"]}, {"target", p["target"]}, {"attainment", p["attainment"]},
                     {"status", p["status"]}};
      // A partial period is compared with the target for its days.
      if (p.contains("pace_target")) n.rows[key]["pace_target"] = p["pace_target"];
      n.order.push_back(key);
      if (p.value("partial", false) && p.contains("span")) n.spans[key] = p["span"];
    }
  n.ok = true;
  return n;
}

/// `"partial": true` and the days (`"span"`) of a period either side
/// computed over part of its days (the same data and as-of date: the same
/// days on both sides).
void MarkPartial(const Numbers& a, const Numbers& b, const std::string& k, nlohmann::ordered_json* r) {
  const nlohmann::ordered_json* span = b.spans.count(k) ? &b.spans.at(k) : a.spans.count(k) ? &a.spans.at(k) : nullptr;
  if (!span) return;
  (*r)["partial"] = true;
  (*r)["span"] = *span;
}

double Num(const nlohmann::ordered_json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      return std::stod(v.get<std::string>());
    } catch (...) {
    }
  }
  return NAN;
}

/// An exact decimal as the JSON output writes it (a string such as
/// `"-12.50"`), as an integer count of units of 10^-scale.
struct ExactNumber {
  __int128 units = 0;
  int scale = 0;
};
std::optional<ExactNumber> Exact(const nlohmann::ordered_json& v) {
  if (!v.is_string()) return std::nullopt;
  const std::string& t = v.get_ref<const std::string&>();
  size_t dot = t.find('.');
  int scale = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
  if (scale > rt::kMaxScale) return std::nullopt;
  std::optional<int64_t> x = rt::ParseDecimal(t, scale);
  if (!x) return std::nullopt;
  return ExactNumber{*x, scale};
}

/// after - before, exactly, when both are exact decimals (at the larger
/// scale of the two): `"-279392.31"`.
std::optional<std::string> ExactChange(const nlohmann::ordered_json& before, const nlohmann::ordered_json& after) {
  auto a = Exact(before), b = Exact(after);
  if (!a || !b) return std::nullopt;
  int scale = std::max(a->scale, b->scale);
  auto x = rt::Rescale(a->units, a->scale, scale), y = rt::Rescale(b->units, b->scale, scale);
  if (!x || !y) return std::nullopt;
  auto d = rt::CheckedAdd(*y, -*x);
  if (!d) return std::nullopt;
  return rt::FormatDecimal(*d, scale);
}

/// An exact decimal's text times 100 (the point moved two places): a
/// fraction `0.0512` as the percentage `5.12`.
std::string TimesHundred(const std::string& t) {
  std::string sign, digits = t;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    if (digits[0] == '-') sign = "-";
    digits.erase(0, 1);
  }
  size_t dot = digits.find('.');
  std::string whole = dot == std::string::npos ? digits : digits.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  while (frac.size() < 2) frac += '0';
  whole += frac.substr(0, 2);
  frac.erase(0, 2);
  size_t nz = whole.find_first_not_of('0');
  whole = nz == std::string::npos ? "0" : whole.substr(nz);
  std::string out = sign + whole + (frac.empty() ? "" : "." + frac);
  bool zero = out.find_first_not_of("-0.") == std::string::npos;
  return zero ? out.substr(sign.size()) : out;
}

/// A value for people in `kpic diff`: exact decimals as they are; a
/// percentage (a `percent` metric, an attainment) as a percentage with
/// `precision` decimals; other numbers with `precision` significant digits
/// (15 by default: 838176.93 stays 838176.93); `-` for null.
/// A period's key, with `*` when partial.
std::string PeriodMark(const nlohmann::ordered_json& row) {
  return row["period"].get<std::string>() + (row.value("partial", false) ? "*" : "");
}

/// The footnote of the partial periods of `rows`, or empty.
std::string PartialNote(const nlohmann::ordered_json& rows) {
  std::string out;
  for (const auto& r : rows)
    if (r.value("partial", false) && r["span"].is_array() && r["span"].size() == 2)
      out += fmt::format("    * {} is partial: {} to {}, compared over those days\n", Printable(r["period"].get<std::string>()),
                         r["span"][0].get<std::string>(), r["span"][1].get<std::string>());
  return out;
}

std::string Shown(const nlohmann::ordered_json& v, bool percent = false, int precision = -1) {
  if (v.is_null()) return "-";
  if (v.is_string()) {
    if (percent && Exact(v)) return TimesHundred(v.get<std::string>()) + "%";
    return Printable(v.get<std::string>());
  }
  if (v.is_number_integer() && !percent) return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (v.is_number()) {
    double x = v.get<double>();
    if (!std::isfinite(x)) return fmt::format("{}", x);
    if (percent) return fmt::format("{:.{}f}%", x * 100, precision < 0 ? 2 : precision);
    return fmt::format("{:.{}g}", x, precision < 0 ? 15 : precision);
  }
  return Printable(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// The precision for a pair of numbers shown before and after: 2 decimals
/// for percentages, 15 significant digits otherwise, more while two
/// different numbers would still look the same (at most 17 significant
/// digits, which tell every two doubles apart).
int PairPrecision(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, bool percent) {
  int p = percent ? 2 : 15;
  double x = Num(a), y = Num(b);
  if (!std::isfinite(x) || !std::isfinite(y) || x == y) return p;
  int most = 17;
  if (percent) {
    double big = std::max(std::fabs(x), std::fabs(y)) * 100;
    most = std::max(2, 17 - (big >= 1 ? static_cast<int>(std::floor(std::log10(big))) + 1 : 1));
  }
  while (p < most && Shown(a, percent, p) == Shown(b, percent, p)) ++p;
  return p;
}

/// The change after - before for people: exact when both are exact, in
/// percentage points for percentages (`-0.37 pp`); "" when unknown.
std::string ChangeText(const nlohmann::ordered_json& before, const nlohmann::ordered_json& after, bool percent,
                       int precision) {
  if (auto exact = ExactChange(before, after)) {
    std::string t = percent ? TimesHundred(*exact) : *exact;
    if (t[0] != '-') t = "+" + t;
    return percent ? t + " pp" : t;
  }
  double x = Num(before), y = Num(after);
  if (!std::isfinite(x) || !std::isfinite(y)) return "";
  if (percent) return fmt::format("{:+.{}f} pp", (y - x) * 100, precision);
  if (before.is_number_integer() && after.is_number_integer()) return fmt::format("{:+.0f}", y - x);
  // To the decimals the values are shown with (their significant digits
  // at the larger one's magnitude), so that the binary noise of the
  // subtraction (279392.31000000006) is not shown as a change.
  double big = std::max(std::fabs(x), std::fabs(y));
  int lead = big > 0 ? static_cast<int>(std::floor(std::log10(big))) + 1 : 1;
  int decimals = std::clamp(precision - lead, 0, 30);
  std::string t = fmt::format("{:+.{}f}", y - x, decimals);
  if (t.find('.') != std::string::npos) {
    t.erase(t.find_last_not_of('0') + 1);
    if (t.back() == '.') t.pop_back();
  }
  return t == "-0" ? "+0" : t;
}

std::string List(const std::vector<std::string>& v) { return v.empty() ? "-" : fmt::format("{}", fmt::join(v, ", ")); }

/// One side (`o`, before or after) of a goal period's change: value of
/// target (attainment) status; `bp` and `ap` both sides, for the precision.
std::string GoalSide(const nlohmann::ordered_json& o, const nlohmann::ordered_json& bp, const nlohmann::ordered_json& ap,
                     bool percent) {
  nlohmann::ordered_json none;
  auto field = [&](const nlohmann::ordered_json& x, const char* k) { return x.is_object() && x.contains(k) ? x[k] : none; };
  int dv = PairPrecision(field(bp, "value"), field(ap, "value"), percent);
  int dt = PairPrecision(field(bp, "target"), field(ap, "target"), percent);
  int da = PairPrecision(field(bp, "attainment"), field(ap, "attainment"), true);
  if (o.empty()) return std::string("-");
  // A partial period: against the target for its days, with its pace.
  // Without a pace target (no value in its days) the whole period's target
  // shows what changed ("- of - for its days" on both sides hid a changed
  // target: probe, 2026-12-06).
  if (o.contains("pace_target") && !o["pace_target"].is_null())
    return fmt::format("{} of {} for its days {}", Shown(field(o, "value"), percent, dv),
                       Shown(field(o, "pace_target"), percent,
                             PairPrecision(field(bp, "pace_target"), field(ap, "pace_target"), percent)),
                       Shown(field(o, "status")));
  return fmt::format("{} of {} ({}) {}", Shown(field(o, "value"), percent, dv), Shown(field(o, "target"), percent, dt),
                     Shown(field(o, "attainment"), true, da), Shown(field(o, "status")));
}

std::string HtmlEsc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace

int RunDiff(const DiffOptions& d, const CommonOptions& common) {
  // A private folder of its own (mkdtemp: created exclusively, mode 0700).
  std::string templ = (fs::temp_directory_path() / "kpic-diff-XXXXXX").string();
  if (!::mkdtemp(templ.data())) throw rt::DataError(templ, 0, "", "", "cannot create a temporary folder");
  fs::path tmp = templ;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  std::string old_label, new_label;
  std::string old_path = Materialize(d.old_path, tmp / "a", &old_label);
  std::string new_path = Materialize(d.new_path, tmp / "b", &new_label);
  Side a = LoadSide(old_path, common, d), b = LoadSide(new_path, common, d);
  if (a.s->diags.has_errors() || b.s->diags.has_errors()) return kExitInputErrors;
  // A bad --grain, --as-of or --bind is the request's, not one metric's:
  // exit 2 before anything is compared (each metric said "not computed"
  // and the diff exited 0: probe, 2026-12-06).
  (void)ToRequest(b.o);
  for (const auto& [name, uri] : exec::ParseBinds(d.binds)) {
    auto declares = [&](const Side& side) {
      for (const ir::Source& src : side.s->catalog.checked.ir.sources)
        if (src.name == name) return true;
      return false;
    };
    if (!declares(a) && !declares(b)) throw UsageError(fmt::format("--bind names unknown source `{}`", name));
  }

  // The same data on both sides: the new side's bindings, for each source
  // both declare (unless --bind says otherwise).
  {
    exec::BindMap given = exec::ParseBinds(d.binds);
    const ir::Module& nm = b.s->catalog.checked.ir;
    const ir::Module& om = a.s->catalog.checked.ir;
    // A --bind names a source by its name: two packages' sources of one
    // name keep their own bindings on each side (the old side's both read
    // the new side's last one, and a tenfold change read "the same":
    // governance probe, 2026-12-07).
    auto named = [](const ir::Module& m, const std::string& name) {
      return std::count_if(m.sources.begin(), m.sources.end(), [&](const ir::Source& x) { return x.name == name; });
    };
    for (const ir::Source& src : om.sources) {
      if (src.stdlib || given.count(src.name) || named(om, src.name) > 1 || named(nm, src.name) > 1) continue;
      for (const ir::Source& ns : nm.sources)
        if (ns.name == src.name) {
          std::string why;
          if (auto rb = exec::ResolveBinding(ns, given, &why)) {
            const exec::BindingKind* k = exec::FindBindingKind(rb->kind);
            if (k && k->relative_paths) {
              std::error_code ec;
              fs::path abs = fs::absolute(rb->path, ec);
              if (!ec) rb->path = abs.string();
            }
            a.o.binds.push_back(src.name + "=" + BindUri(*rb));
          }
        }
    }
  }

  // Metrics whose meaning changed, were added or removed.
  std::set<std::string> names;
  for (const auto& [n, fp] : a.fps) names.insert(n);
  for (const auto& [n, fp] : b.fps) names.insert(n);
  std::vector<std::string> changed, added, removed;
  for (const std::string& n : names) {
    bool in_a = a.fps.count(n), in_b = b.fps.count(n);
    if (in_a && in_b && a.fps[n] != b.fps[n]) changed.push_back(n);
    if (!in_a) added.push_back(n);
    if (!in_b) removed.push_back(n);
  }
  std::set<std::string> changed_set(changed.begin(), changed.end());
  const ir::Module& nm = b.s->catalog.checked.ir;

  nlohmann::ordered_json doc;
  doc["old"] = old_label;
  doc["new"] = new_label;
  doc["grain"] = d.grain;
  doc["meaning_changed"] = !changed.empty() || !added.empty() || !removed.empty();
  doc["metrics"] = nlohmann::json::array();
  for (const std::string& n : changed) {
    nlohmann::ordered_json j;
    j["metric"] = n;
    j["old_fingerprint"] = a.fps[n];
    j["new_fingerprint"] = b.fps[n];
    std::string ta = DeclText(*a.s, n), tb = DeclText(*b.s, n);
    // Its own formula, or only what it reads.
    const auto& ma = a.s->catalog.checked.metrics.at(n);
    const auto& mb = b.s->catalog.checked.metrics.at(n);
    bool own = !ma.decl || !mb.decl || !ma.decl->expr || !mb.decl->expr ||
               ast::DumpExpr(*ma.decl->expr) != ast::DumpExpr(*mb.decl->expr) || ma.unit.ToString() != mb.unit.ToString();
    std::set<int> under;
    ir::MetricsUnder(nm, nm.metrics[static_cast<size_t>(b.index[n])].root, &under);
    std::vector<std::string> through;
    for (int i : under)
      if (changed_set.count(nm.metrics[static_cast<size_t>(i)].name) && nm.metrics[static_cast<size_t>(i)].name != n)
        through.push_back(nm.metrics[static_cast<size_t>(i)].name);
    std::sort(through.begin(), through.end());
    j["why"] = own ? "its definition changed" : "a definition it reads changed";
    j["through"] = through;
    j["diff"] = own ? LineDiff(ta, tb) : std::vector<std::string>{};
    // What it reaches in the new definitions.
    std::set<std::string> goals, reports, roles;
    for (const ir::Goal& g : nm.goals) {
      std::set<int> used;
      for (int x : {g.metric, g.target_lhs, g.target_rhs}) ir::MetricsUnder(nm, x, &used);
      for (const auto& al : g.alerts) ir::MetricsUnder(nm, al.cond, &used);
      for (const auto& dc : g.decompositions) ir::MetricsUnder(nm, dc.rhs, &used);
      for (int i : used)
        if (nm.metrics[static_cast<size_t>(i)].name == n) goals.insert(g.name);
    }
    for (const ir::Report& r : nm.reports) {
      bool hit = std::find(r.metrics.begin(), r.metrics.end(), n) != r.metrics.end();
      for (const std::string& g : r.goals) hit |= goals.count(g) > 0;
      for (const auto& c : r.charts) {
        std::set<int> used;
        ir::MetricsUnder(nm, c.node, &used);
        for (int i : used) hit |= nm.metrics[static_cast<size_t>(i)].name == n;
      }
      if (hit) {
        reports.insert(r.name);
        if (!r.role.empty()) roles.insert(r.role);
      }
    }
    j["goals"] = goals;
    j["reports"] = reports;
    j["roles"] = roles;
    // The numbers on the same data, the largest changes first.
    Numbers before = Evaluate1(a, common, n, ""), after = Evaluate1(b, common, n, "");
    nlohmann::ordered_json rows = nlohmann::json::array();
    double largest = 0;
    if (before.ok && after.ok) {
      std::vector<std::string> keys = after.order;
      for (const std::string& k : before.order)
        if (!after.rows.count(k)) keys.push_back(k);
      std::vector<std::tuple<double, std::string>> ranked;
      for (const std::string& k : keys) {
        nlohmann::ordered_json va = before.rows.count(k) ? before.rows[k] : nlohmann::ordered_json();
        nlohmann::ordered_json vb = after.rows.count(k) ? after.rows[k] : nlohmann::ordered_json();
        if (va == vb) continue;
        double x = Num(va), y = Num(vb);
        double delta = std::isfinite(x) && std::isfinite(y) ? y - x : INFINITY;
        ranked.push_back({std::fabs(delta), k});
        nlohmann::ordered_json r{{"period", k}, {"before", va}, {"after", vb}};
        MarkPartial(before, after, k, &r);
        // Exact decimals change by an exact decimal (a string, as the values are).
        if (auto exact = ExactChange(va, vb))
          r["change"] = *exact;
        else if (va.is_number_integer() && vb.is_number_integer() && std::fabs(delta) < 9e15)
          r["change"] = static_cast<int64_t>(delta);  // counts
        else
          r["change"] = std::isfinite(delta) ? nlohmann::ordered_json(delta) : nlohmann::ordered_json(nullptr);
        r["relative"] = std::isfinite(delta) && x != 0 ? nlohmann::ordered_json(delta / std::fabs(x)) : nlohmann::ordered_json(nullptr);
        rows.push_back(r);
        if (std::isfinite(delta) && x != 0) largest = std::max(largest, std::fabs(delta / x));
        else if (!std::isfinite(delta) || x == 0) largest = INFINITY;
      }
      std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::ordered_json& p, const nlohmann::ordered_json& q) {
        double dp = p["change"].is_null() ? INFINITY : std::fabs(Num(p["change"]));
        double dq = q["change"].is_null() ? INFINITY : std::fabs(Num(q["change"]));
        return dp > dq;
      });
    } else {
      j["numbers_error"] = before.ok ? after.error : before.error;
    }
    j["unit"] = after.ok ? after.unit : before.unit;
    j["largest_relative_change"] = std::isfinite(largest) ? nlohmann::ordered_json(largest) : nlohmann::ordered_json(nullptr);
    j["numbers"] = rows;
    doc["metrics"].push_back(j);
  }
  // The metrics whose own definition changed first, then the largest
  // changes first.
  std::stable_sort(doc["metrics"].begin(), doc["metrics"].end(),
                   [](const nlohmann::ordered_json& p, const nlohmann::ordered_json& q) {
                     // Those whose own definition changed first.
                     bool op = p["through"].empty(), oq = q["through"].empty();
                     if (op != oq) return op;
                     double a1 = p["largest_relative_change"].is_null() ? INFINITY : p["largest_relative_change"].get<double>();
                     double b1 = q["largest_relative_change"].is_null() ? INFINITY : q["largest_relative_change"].get<double>();
                     return a1 > b1;
                   });
  doc["added"] = added;
  doc["removed"] = removed;
  // Goals whose meaning changed (their own text or a metric they read).
  doc["goals"] = nlohmann::json::array();
  for (const auto& [g, fp] : b.goal_fps) {
    auto it = a.goal_fps.find(g);
    if (it == a.goal_fps.end() || it->second == fp) continue;
    nlohmann::ordered_json j;
    j["goal"] = g;
    Numbers before = Evaluate1(a, common, "", g), after = Evaluate1(b, common, "", g);
    j["unit"] = after.ok ? after.unit : before.unit;
    j["periods"] = nlohmann::json::array();
    if (before.ok && after.ok)
      for (const std::string& k : after.order) {
        nlohmann::ordered_json va = before.rows.count(k) ? before.rows[k] : nlohmann::ordered_json();
        if (va == after.rows[k]) continue;
        nlohmann::ordered_json r{{"period", k}, {"before", va}, {"after", after.rows[k]}};
        MarkPartial(before, after, k, &r);
        j["periods"].push_back(r);
      }
    doc["goals"].push_back(j);
  }
  doc["meaning_changed"] = doc["meaning_changed"].get<bool>() || !doc["goals"].empty();

  std::string out;
  if (d.format == "json") {
    out = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else if (d.format == "html") {
    out = "<!doctype html><html><head><meta charset=utf-8>" + std::string(output::kHtmlCsp) +
          "<title>kpic diff</title><style>body{font-family:sans-serif;margin:24px;color:#1f2937}"
          "pre{background:#f3f4f6;padding:8px}.add{color:#047857}.del{color:#b91c1c}td,th{padding:2px 10px;"
          "text-align:right}td.l,th.l{text-align:left}</style></head><body>";
    out += fmt::format("<h1>kpic diff</h1><p>{} → {}</p>", HtmlEsc(old_label), HtmlEsc(new_label));
    // What the text says, in the same order: before 2026-12-07 the HTML
    // left out the goals, the added and removed metrics and the numbers'
    // errors, and printed JSON arrays (new-user probe).
    auto strings = [](const nlohmann::ordered_json& a) {
      std::vector<std::string> v;
      for (const auto& x : a) v.push_back(x.get<std::string>());
      return v;
    };
    auto partial_note = [&](const nlohmann::ordered_json& rows) {
      for (const auto& r : rows)
        if (r.value("partial", false) && r["span"].is_array() && r["span"].size() == 2)
          out += fmt::format("<p class=note>* {} is partial: {} to {}, compared over those days</p>",
                             HtmlEsc(r["period"].get<std::string>()), HtmlEsc(r["span"][0].get<std::string>()),
                             HtmlEsc(r["span"][1].get<std::string>()));
    };
    if (!doc["meaning_changed"].get<bool>())
      out += "<p>No change in meaning. 口径未变。</p>";
    else
      out += fmt::format("<p>{} metric(s) changed meaning, {} added, {} removed, {} goal(s) changed</p>",
                         doc["metrics"].size(), added.size(), removed.size(), doc["goals"].size());
    for (const auto& m : doc["metrics"]) {
      std::vector<std::string> through = strings(m["through"]);
      out += fmt::format("<h2>metric {}</h2><p>{}{}</p>", HtmlEsc(m["metric"].get<std::string>()),
                         HtmlEsc(m["why"].get<std::string>()),
                         through.empty() ? "" : HtmlEsc(fmt::format(" ({})", fmt::join(through, ", "))));
      if (!m["diff"].empty()) {
        out += "<pre>";
        for (const auto& l : m["diff"]) {
          std::string line = l.get<std::string>();
          out += fmt::format("<span class={}>{}</span>\n", line[0] == '+' ? "add" : line[0] == '-' ? "del" : "same",
                             HtmlEsc(line));
        }
        out += "</pre>";
      }
      std::vector<std::string> g = strings(m["goals"]), r = strings(m["reports"]), ro = strings(m["roles"]);
      if (!g.empty() || !r.empty())
        out += fmt::format("<p>reaches: goals {}; reports {}; roles {}</p>", HtmlEsc(List(g)), HtmlEsc(List(r)),
                           HtmlEsc(List(ro)));
      bool percent = m["unit"] == "percent";
      if (m.contains("numbers_error")) {
        out += "<p>numbers: not computed: " + HtmlEsc(m["numbers_error"].get<std::string>()) + "</p>";
        continue;
      }
      if (m["numbers"].empty()) {
        out += "<p>numbers: the same on this data</p>";
        continue;
      }
      out += fmt::format("<p>numbers by {} on the same data, largest changes first{}:</p>", HtmlEsc(d.grain),
                         percent ? " (changes in percentage points)" : "");
      out += "<table><tr><th class=l>period</th><th>before</th><th>after</th><th>change</th><th>relative</th></tr>";
      for (const auto& row : m["numbers"]) {
        int dec = PairPrecision(row["before"], row["after"], percent);
        std::string rel = row["relative"].is_null() ? "" : fmt::format("{:+.2f}%", row["relative"].get<double>() * 100);
        out += fmt::format("<tr><td class=l>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                           HtmlEsc(PeriodMark(row)), HtmlEsc(Shown(row["before"], percent, dec)),
                           HtmlEsc(Shown(row["after"], percent, dec)),
                           HtmlEsc(ChangeText(row["before"], row["after"], percent, dec)), HtmlEsc(rel));
      }
      out += "</table>";
      partial_note(m["numbers"]);
    }
    if (!added.empty()) out += "<p>added: " + HtmlEsc(fmt::format("{}", fmt::join(added, ", "))) + "</p>";
    if (!removed.empty()) out += "<p>removed: " + HtmlEsc(fmt::format("{}", fmt::join(removed, ", "))) + "</p>";
    for (const auto& g : doc["goals"]) {
      out += fmt::format("<h2>goal {}</h2><p>{} period(s) change (value of target (attainment) status)</p>",
                         HtmlEsc(g["goal"].get<std::string>()), g["periods"].size());
      bool percent = g["unit"] == "percent";
      out += "<table><tr><th class=l>period</th><th class=l>before</th><th class=l>after</th></tr>";
      for (const auto& p : g["periods"]) {
        const nlohmann::ordered_json bp = p["before"].is_object() ? p["before"] : nlohmann::ordered_json::object(),
                                     ap = p["after"];
        out += fmt::format("<tr><td class=l>{}</td><td class=l>{}</td><td class=l>{}</td></tr>",
                           HtmlEsc(PeriodMark(p)), HtmlEsc(GoalSide(bp, bp, ap, percent)),
                           HtmlEsc(GoalSide(ap, bp, ap, percent)));
      }
      out += "</table>";
      partial_note(g["periods"]);
    }
    out += "</body></html>\n";
  } else {
    // User text (paths, names, the declarations with their comments, the
    // periods, messages) is printed with control characters escaped.
    auto P = [](const std::string& t) { return Printable(t); };
    auto Ps = [&](const std::vector<std::string>& v) {
      std::vector<std::string> o;
      for (const std::string& x : v) o.push_back(P(x));
      return o;
    };
    size_t nm_changed = doc["metrics"].size();
    out += fmt::format("kpic diff {} {}: ", P(old_label), P(new_label));
    if (!doc["meaning_changed"].get<bool>()) {
      out += "no change in meaning\n";
    } else {
      out += fmt::format("{} metric(s) changed meaning, {} added, {} removed, {} goal(s) changed\n", nm_changed,
                         added.size(), removed.size(), doc["goals"].size());
    }
    for (const auto& m : doc["metrics"]) {
      out += fmt::format("\nmetric {}: {}", P(m["metric"].get<std::string>()), m["why"].get<std::string>());
      std::vector<std::string> through = Ps(m["through"]);
      out += through.empty() ? "\n" : fmt::format(" ({})\n", fmt::join(through, ", "));
      for (const auto& l : m["diff"]) out += "    " + P(l.get<std::string>()) + "\n";
      std::vector<std::string> g = Ps(m["goals"]), r = Ps(m["reports"]), ro = Ps(m["roles"]);
      if (!g.empty() || !r.empty())
        out += fmt::format("  reaches: goals {}; reports {}; roles {}\n", List(g), List(r), List(ro));
      bool percent = m["unit"] == "percent";
      if (m.contains("numbers_error")) {
        out += "  numbers: not computed: " + P(m["numbers_error"].get<std::string>()) + "\n";
      } else if (m["numbers"].empty()) {
        out += "  numbers: the same on this data\n";
      } else {
        out += fmt::format("  numbers by {} on the same data, largest changes first{}:\n", P(d.grain),
                           percent ? " (changes in percentage points)" : "");
        size_t shown = 0;
        for (const auto& row : m["numbers"]) {
          if (++shown > 12) {
            out += fmt::format("    ... {} more period(s) (--format json lists them all)\n", m["numbers"].size() - 12);
            break;
          }
          int dec = PairPrecision(row["before"], row["after"], percent);
          std::string rel = row["relative"].is_null() ? "" : fmt::format(" ({:+.2f}%)", row["relative"].get<double>() * 100);
          out += fmt::format("    {:<10} {:>14} -> {:<14} {}{}\n", P(PeriodMark(row)), Shown(row["before"], percent, dec),
                             Shown(row["after"], percent, dec), ChangeText(row["before"], row["after"], percent, dec),
                             rel);
        }
        out += PartialNote(m["numbers"]);
      }
    }
    if (!added.empty()) out += fmt::format("\nadded: {}\n", fmt::join(Ps(added), ", "));
    if (!removed.empty()) out += fmt::format("removed: {}\n", fmt::join(Ps(removed), ", "));
    for (const auto& g : doc["goals"]) {
      out += fmt::format("\ngoal {}: {} period(s) change (value of target (attainment) status, before -> after)\n",
                         P(g["goal"].get<std::string>()), g["periods"].size());
      bool percent = g["unit"] == "percent";
      for (const auto& p : g["periods"]) {
        const nlohmann::ordered_json bp = p["before"].is_object() ? p["before"] : nlohmann::ordered_json::object(),
                                     ap = p["after"];
        auto side = [&](const nlohmann::ordered_json& o) { return GoalSide(o, bp, ap, percent); };
        out += fmt::format("    {:<10} {} -> {}\n", P(PeriodMark(p)), side(bp), side(ap));
      }
      out += PartialNote(g["periods"]);
    }
  }
  if (d.output.empty())
    std::fputs(out.c_str(), stdout);
  else
    WriteFileAtomically(d.output, out);
  return kExitOk;
}

}  // namespace kpic
