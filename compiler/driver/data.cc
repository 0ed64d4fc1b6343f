// Reading sources' data.
#include "driver/data.h"

#include <fmt/format.h>

#include <filesystem>

#include "postgres_source.h"
#include "sqlite_source.h"
#include "timezone.h"

namespace kpic {
namespace fs = std::filesystem;

namespace {

rt::ColType TypeOf(const ast::TypeRef& t) {
  const std::string& n = t.name.name;
  if (n == "int") return rt::ColType::kInt;
  if (n == "float") return rt::ColType::kFloat;
  if (n == "decimal") return rt::ColType::kDecimal;
  if (n == "bool") return rt::ColType::kBool;
  if (n == "date") return rt::ColType::kDate;
  if (n == "timestamp") return rt::ColType::kTimestamp;
  return rt::ColType::kString;
}

std::string Arg(const ast::Binding& b, const std::string& name) {
  for (const auto& a : b.args)
    if (a.name && a.name->name == name) return a.value.text;
  return {};
}

std::string AttrText(const std::vector<ast::Attribute>& attrs, const std::string& key) {
  for (const auto& a : attrs)
    if (a.key.name == key && !a.values.empty()) return a.values[0].text;
  return {};
}

rt::CsvOptions OptionsOf(const ast::Binding& b) {
  rt::CsvOptions o;
  std::string d = Arg(b, "delimiter");
  if (d == "\\t" || d == "\t")
    o.delimiter = '\t';
  else if (d.size() == 1)
    o.delimiter = d[0];
  std::string q = Arg(b, "quote");
  if (q.size() == 1) o.quote = q[0];
  std::string h = Arg(b, "header");
  if (h == "false") o.header = false;
  std::string df = Arg(b, "date_format");
  if (!df.empty()) o.date_format.pattern = df;
  for (const auto& a : b.args) {
    if (!a.name || a.name->name != "null") continue;
    if (a.value.kind == ast::AttrValue::Kind::kList)
      for (const auto& v : a.value.list) o.nulls.push_back(v.text);
    else
      o.nulls.push_back(a.value.text);
  }
  return o;
}

}  // namespace

std::map<std::string, std::string> BindMap(const std::vector<std::string>& binds) {
  std::map<std::string, std::string> out;
  for (const std::string& b : binds) {
    auto eq = b.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--bind expects SOURCE=URI, got `{}`", b));
    out[b.substr(0, eq)] = b.substr(eq + 1);
  }
  return out;
}

std::vector<rt::CsvColumnRequest> ColumnRequests(const ast::SourceDecl& src, const std::set<std::string>* wanted) {
  std::vector<rt::CsvColumnRequest> cols;
  for (const ast::Column& c : src.columns)
    if (!wanted || wanted->count(c.name.name))
      cols.push_back({c.header.value_or(c.name.name), c.name.name, TypeOf(c.type), c.type.scale.value_or(0)});
  return cols;
}

std::optional<ResolvedBinding> ResolveBinding(const Session& s, const ast::SourceDecl& src, const std::string& name,
                                              const std::map<std::string, std::string>& binds, std::string* why) {
  // The binding: --bind URI, else the declaration (relative paths resolve
  // against the .kpi file's folder).
  std::string kind, path, table;
  if (auto bind = binds.find(name); bind != binds.end()) {
    const std::string& u = bind->second;
    if (u.rfind("csv:", 0) == 0) {
      kind = "csv";
      path = u.substr(4);
    } else if (u.rfind("sqlite:", 0) == 0) {
      kind = "sqlite";
      std::string rest = u.substr(7);
      auto hash = rest.rfind('#');
      if (hash == std::string::npos)
        throw UsageError(fmt::format("--bind {}: a sqlite URI names its table: sqlite:path.db#table", name));
      path = rest.substr(0, hash);
      table = rest.substr(hash + 1);
    } else if (u.rfind("postgresql://", 0) == 0 || u.rfind("postgres://", 0) == 0) {
      kind = "postgres";
      auto hash = u.rfind('#');
      if (hash == std::string::npos)
        throw UsageError(
            fmt::format("--bind {}: a postgresql URI names its table: postgresql://...#schema.table", name));
      path = u.substr(0, hash);
      table = u.substr(hash + 1);
    } else {
      *why = fmt::format("{} ({})", name, u);
      return std::nullopt;
    }
  } else {
    kind = src.binding ? src.binding->kind.name : "";
    if (kind == "postgresql") kind = "postgres";
    if ((kind != "csv" && kind != "sqlite" && kind != "postgres") || src.binding->args.empty()) {
      *why = fmt::format("{} ({})", name, kind.empty() ? "no binding" : kind);
      return std::nullopt;
    }
    // The location: the first positional argument, or `path:` / `uri:`.
    path = Arg(*src.binding, kind == "postgres" ? "uri" : "path");
    if (path.empty() && !src.binding->args[0].name) path = src.binding->args[0].value.text;
    table = Arg(*src.binding, "table");
    if (table.empty()) table = name;
    if (std::string schema = Arg(*src.binding, "schema"); !schema.empty()) table = schema + "." + table;
    if (kind != "postgres" && fs::path(path).is_relative())
      path = (fs::path(s.sm.Get(src.span.file).path).parent_path() / path).lexically_normal().string();
  }
  return ResolvedBinding{kind, path, table};
}

std::vector<SourceData> ReadSources(const Session& s, const DataOptions& options,
                                    std::vector<std::string>* unsupported) {
  std::vector<SourceData> out;
  std::set<std::string> known;
  for (const auto& [pname, pkg] : s.catalog.packages) {
    if (pkg.from_stdlib) continue;
    // Timestamps without an offset are in the package calendar's time zone.
    std::optional<rt::TimeZone> zone;
    for (const auto& [n, d] : pkg.decls) {
      if (d->kind != ast::DeclKind::kCalendar) continue;
      std::string tz = AttrText(static_cast<const ast::CalendarDecl&>(*d).attrs, "time_zone");
      std::string error;
      if (!tz.empty()) zone = rt::TimeZone::Load(tz, &error);
    }
    for (const auto& [name, d] : pkg.decls) {
      if (d->kind != ast::DeclKind::kSource) continue;
      known.insert(name);
      const auto& src = static_cast<const ast::SourceDecl&>(*d);
      const std::set<std::string>* wanted = nullptr;
      if (options.needed) {
        auto it = options.needed->find(pname + ":" + name);
        if (it == options.needed->end()) continue;
        wanted = &it->second;
      }
      std::string why;
      std::optional<ResolvedBinding> b = ResolveBinding(s, src, name, options.binds, &why);
      if (!b) {
        unsupported->push_back(why);
        continue;
      }
      const std::string &kind = b->kind, &path = b->path, &table = b->table;
      std::string uri = kind == "csv"      ? "csv:" + path
                        : kind == "sqlite" ? "sqlite:" + path + "#" + table
                                           : rt::MaskPassword(path) + "#" + table;
      std::vector<rt::CsvColumnRequest> cols = ColumnRequests(src, wanted);
      rt::CsvOptions o = src.binding && src.binding->kind.name == "csv" ? OptionsOf(*src.binding) : rt::CsvOptions{};
      o.skip_bad_rows = options.skip_bad_rows;
      if (zone) o.zone = &*zone;
      if (auto st = options.stream.find(pname + ":" + name); st != options.stream.end()) {
        // CSV files from a size on; PostgreSQL tables always (their size is
        // not known before reading).
        std::error_code ec;
        auto bytes = kind == "csv" ? fs::file_size(path, ec) : 0;
        if (kind == "postgres" || (kind == "csv" && !ec && bytes >= options.stream_min_bytes)) {
          o.on_chunk = st->second.chunk;
          o.on_discard = st->second.discard;
        }
      } else if (options.discard_rows && kind != "sqlite") {
        o.on_chunk = [](int, rt::CsvResult&, bool) {};
        o.on_discard = [](int) {};
      }
      out.push_back({pname + ":" + name, uri,
                     kind == "csv"      ? rt::ReadCsv(path, cols, o)
                     : kind == "sqlite" ? rt::ReadSqlite(path, table, cols, o)
                                        : rt::ReadPostgres(path, table, cols, o),
                     cols.size()});
    }
  }
  for (const auto& [name, uri] : options.binds)
    if (!known.count(name)) throw UsageError(fmt::format("--bind names unknown source `{}`", name));
  return out;
}

}  // namespace kpic
