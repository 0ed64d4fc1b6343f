// The binding registry and what every kind shares: --bind parsing,
// resolving a source's binding, its column requests and reader options.
#include "exec/binding.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "base/errors.h"
#include "base/suggest.h"
#include "postgres_source.h"

namespace kpic::exec {

namespace fs = std::filesystem;

const std::vector<BindingKind>& BindingKinds() {
  static const std::vector<BindingKind> kinds = {CsvBinding(), SqliteBinding(), PostgresBinding(), ParquetBinding()};
  return kinds;
}

const BindingKind* FindBindingKind(std::string_view name) {
  for (const BindingKind& k : BindingKinds()) {
    if (k.name == name) return &k;
    for (std::string_view a : k.aliases)
      if (a == name) return &k;
  }
  return nullptr;
}

std::string BindingKindNames() {
  std::string out;
  for (const BindingKind& k : BindingKinds()) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

std::string ResolvedBinding::Display() const {
  const BindingKind* k = FindBindingKind(kind);
  if (k && !k->relative_paths) return rt::MaskPassword(path) + "#" + table;
  return table.empty() ? kind + ":" + path : kind + ":" + path + "#" + table;
}

namespace {

/// Refuses a URI that no kind of binding reads (`postgres:...`,
/// `orders.csv`), which every command would otherwise treat as no binding
/// at all: `kpic sql` would quietly read a table of the source's own name.
/// The message names only the URI's scheme, never the rest (a password).
void CheckBindingKind(const std::string& source, const std::string& uri) {
  std::vector<std::string> prefixes;
  for (const BindingKind& k : BindingKinds())
    for (std::string_view prefix : k.uri_prefixes) {
      if (uri.rfind(prefix, 0) == 0) return;
      prefixes.emplace_back(prefix);
    }
  std::string known;
  for (const std::string& p : prefixes) known += (known.empty() ? "`" : ", `") + p + "`";
  const auto colon = uri.find(':');
  // The scheme as written, or none (a bare path).
  std::string scheme = colon == std::string::npos || colon == 0 || uri.find('/') < colon ? "" : uri.substr(0, colon);
  // A scheme is letters, digits, `+`, `-` and `.` after a letter (RFC 3986):
  // anything else (`user:pw@host`) is not shown, as it may hold a password.
  if (!scheme.empty() && (!std::isalpha(static_cast<unsigned char>(scheme[0])) ||
                          scheme.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") !=
                              std::string::npos))
    scheme.clear();
  std::string hint;
  if (!scheme.empty()) {
    std::string lower;
    for (char c : scheme) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    size_t best = SIZE_MAX;
    for (const std::string& p : prefixes) {
      std::string name = p.substr(0, p.find(':'));
      size_t d = lower == name ? 0 : EditDistance(lower, name);
      if (d < best && d <= std::max<size_t>(2, name.size() / 3)) best = d, hint = p;
    }
  } else {
    std::string path = uri.substr(0, uri.find('#'));
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (ext == ".csv" || ext == ".tsv" || ext == ".txt")
      hint = "csv:";
    else if (ext == ".parquet")
      hint = "parquet:";
    else if (ext == ".db" || ext == ".sqlite" || ext == ".sqlite3")
      hint = "sqlite:";
  }
  std::string what = scheme.empty() ? "has no kind" : fmt::format("starts with `{}:`, which is not a kind kpic reads", scheme);
  std::string msg = fmt::format("--bind {}=...: the URI {}; a binding starts with {}", source, what, known);
  if (!hint.empty()) msg += fmt::format(" (did you mean `{}`?)", hint);
  throw UsageError(msg);
}

}  // namespace

BindMap ParseBinds(const std::vector<std::string>& binds) {
  BindMap out;
  for (const std::string& b : binds) {
    auto eq = b.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--bind expects SOURCE=URI, got `{}`", b));
    CheckBindingKind(b.substr(0, eq), b.substr(eq + 1));
    out[b.substr(0, eq)] = b.substr(eq + 1);
  }
  return out;
}

std::string AbsoluteBind(const std::string& bind) {
  auto eq = bind.find('=');
  if (eq == std::string::npos || eq == 0) return bind;  // ParseBinds refuses it
  const std::string uri = bind.substr(eq + 1);
  for (const BindingKind& k : BindingKinds()) {
    if (!k.relative_paths) continue;
    for (std::string_view prefix : k.uri_prefixes) {
      if (uri.rfind(prefix, 0) != 0) continue;
      std::string path = uri.substr(prefix.size()), table;
      if (k.names_table) {
        auto hash = path.rfind('#');
        if (hash == std::string::npos) return bind;  // parse_uri says what is missing
        table = path.substr(hash);
        path.erase(hash);
      }
      if (path.empty() || fs::path(path).is_absolute()) return bind;
      std::error_code ec;
      fs::path abs = fs::absolute(path, ec);
      if (ec) return bind;
      return bind.substr(0, eq + 1) + std::string(prefix) + abs.lexically_normal().string() + table;
    }
  }
  return bind;
}

std::optional<ResolvedBinding> ResolveBinding(const ir::Source& src, const BindMap& binds, std::string* why) {
  if (auto bind = binds.find(src.name); bind != binds.end()) {
    const std::string& uri = bind->second;
    for (const BindingKind& k : BindingKinds())
      for (std::string_view prefix : k.uri_prefixes)
        if (uri.rfind(prefix, 0) == 0) return k.parse_uri(src.name, uri);
    *why = fmt::format("{} ({})", src.name, uri);
    return std::nullopt;
  }
  const BindingKind* k = src.binding ? FindBindingKind(src.binding->kind) : nullptr;
  if (!k || src.binding->location.empty()) {
    *why = fmt::format("{} ({})", src.name, src.binding ? src.binding->kind : "no binding");
    return std::nullopt;
  }
  ResolvedBinding b{std::string(k->name), src.binding->location, src.binding->table};
  if (k->relative_paths && fs::path(b.path).is_relative())
    b.path = (fs::path(src.binding->base_dir) / b.path).lexically_normal().string();
  return b;
}

std::vector<rt::CsvColumnRequest> ColumnRequests(const ir::Source& src, const std::set<std::string>* wanted) {
  std::vector<rt::CsvColumnRequest> cols;
  for (size_t i = 0; i < src.columns.size(); ++i) {
    const ir::Column& c = src.columns[i];
    if (wanted && !wanted->count(c.name)) continue;
    rt::ColType t = c.scalar.vt == ir::VT::kInt       ? rt::ColType::kInt
                    : c.scalar.vt == ir::VT::kFloat   ? rt::ColType::kFloat
                    : c.scalar.vt == ir::VT::kDecimal ? rt::ColType::kDecimal
                    : c.scalar.vt == ir::VT::kBool    ? rt::ColType::kBool
                    : c.scalar.vt == ir::VT::kDate    ? rt::ColType::kDate
                    : c.scalar.vt == ir::VT::kTimestamp ? rt::ColType::kTimestamp
                                                        : rt::ColType::kString;
    cols.push_back({c.header, c.name, t, c.scalar.vt == ir::VT::kDecimal ? c.scalar.scale : 0, static_cast<int>(i)});
  }
  return cols;
}

rt::CsvOptions ReaderOptions(const ir::Source& src, const std::string& read_as) {
  rt::CsvOptions o;
  // A `csv(...)` binding's options are the file's: a table the source is
  // bound to instead (`--bind o=sqlite:...`) is read by the default rules,
  // as `kpic sql` and `--engine postgres` read it (its `null: "NA"` made
  // the embedded engines read the text NA as null: engine probe, 2026-12-06).
  if (read_as != "csv" || !src.binding || src.binding->kind != "csv") return o;
  const ir::Binding& b = *src.binding;
  if (b.delimiter == "\\t" || b.delimiter == "\t")
    o.delimiter = '\t';
  else if (b.delimiter.size() == 1)
    o.delimiter = b.delimiter[0];
  if (b.quote.size() == 1) o.quote = b.quote[0];
  if (b.header == "false") o.header = false;
  if (!b.date_format.empty()) o.date_format.pattern = b.date_format;
  o.nulls = b.nulls;
  return o;
}

}  // namespace kpic::exec
