// `kpic sql` and `kpic compile --emit sql`: the plan of a selection as SQL
// for one dialect.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "driver/run.h"
#include "driver/run_support.h"
#include "exec/binding.h"
#include "sql/emit.h"

namespace kpic {

sql::Options SqlOptions(const plan::Plan& p, const sql::Dialect& d, const exec::BindMap& binds) {
  sql::Options o;
  o.dialect = &d;
  o.zone_name = p.time_zone;
  // Tables: a database binding names its table (`#schema.table`, or
  // `table:`/`schema:`); a Parquet source is its files where the dialect
  // reads Parquet (DuckDB's read_parquet: a folder as all its *.parquet
  // files, absolute paths); any other source is a table of its own name.
  for (const ir::Source& src : p.sources) {
    if (src.stdlib) continue;
    std::string why;
    auto b = exec::ResolveBinding(src, binds, &why);
    if (!b) continue;
    const exec::BindingKind* k = exec::FindBindingKind(b->kind);
    if (k && k->names_table && !b->table.empty()) {
      o.tables[src.key] = b->table;
    } else if (b->kind == "parquet") {
      std::error_code ec;
      std::filesystem::path path = std::filesystem::absolute(b->path, ec).lexically_normal();
      bool folder = std::filesystem::is_directory(path, ec);
      bool glob = b->path.find_first_of("*?[") != std::string::npos;
      o.parquet[src.key] = {folder ? (path / "**" / "*.parquet").string() : path.string(), folder || glob};
    }
  }
  return o;
}


int RunSql(const RunOptions& o, const std::string& dialect, const CommonOptions& common) {
  const sql::Dialect* d = sql::FindDialect(dialect);
  if (!d) {
    auto names = sql::DialectNames();
    throw UsageError(fmt::format("unknown --dialect `{}`: use {}", dialect, fmt::join(names, ", ")));
  }
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return 1;
  plan::Request req = ToRequest(o);
  plan::Plan p = MakePlan(*s, req);
  auto zone = LoadZone(p);
  if (zone) p.calendar.zone = &*zone;
  sql::Options so = SqlOptions(p, *d, exec::ParseBinds(o.binds));
  std::string out;
  try {
    if (!p.outputs.empty()) out += sql::EmitMetrics(p, so) + ";\n";
    for (size_t g = 0; g < p.goals.size(); ++g) out += (out.empty() ? "" : "\n") + sql::EmitGoal(p, g, so) + ";\n";
  } catch (const sql::SqlError& e) {
    throw UsageError(e.code, e.what());
  }
  if (out.empty()) throw UsageError("nothing to compile: ask for metrics with --metric NAME or goals with --goal NAME");
  if (!p.charts.empty())
    out = fmt::format(
              "-- The report's {} chart(s) are drawn by `kpic run --report`; their data is not part of this SQL.\n",
              p.charts.size()) +
          out;
  if (!o.output.empty())
    WriteFileAtomically(o.output, out);
  else
    std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace kpic
