// `kpic sql` and `kpic compile --emit sql`: the plan of a selection as SQL
// for one dialect.
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "driver/run.h"
#include "driver/run_support.h"
#include "driver/stamp.h"
#include "exec/binding.h"
#include "parquet/dataset.h"
#include "base/exit_codes.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "diag/render.h"
#include "sema/dialects.h"
#include "sql/emit.h"

namespace kpic {

namespace {

/// The Hive partition keys of the dataset at `path` (as kpic reads them:
/// folders below its root) that `src` declares as columns, with their
/// declared types; none when the dataset cannot be listed (reading it says
/// why).
std::vector<std::pair<std::string, ir::Scalar>> DeclaredPartitions(const ir::Source& src, const std::string& path) {
  std::vector<std::pair<std::string, ir::Scalar>> out;
  try {
    for (const rt::parquet::DatasetFile& f : rt::parquet::ListDataset(path))
      for (const auto& kv : f.partitions) {
        if (std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == kv.first; })) continue;
        for (const ir::Column& c : src.columns)
          if (c.header == kv.first) {
            out.emplace_back(kv.first, c.scalar);
            break;
          }
      }
  } catch (const rt::DataError&) {
  }
  return out;
}

}  // namespace

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
      sql::Options::ParquetFiles& pq = o.parquet[src.key];
      pq = {folder ? (path / "**" / "*.parquet").string() : path.string(), folder || glob, {}};
      if (pq.hive) pq.partitions = DeclaredPartitions(src, b->path);
    }
  }
  return o;
}


namespace {

/// E0502 for each construct of the selection that the dialect refuses, as
/// `kpic check` reports it for a declared dialect; true when there is one.
bool RefusedByDialect(const Session& s, const plan::Plan& p, const plan::Request& req, builtins::Dialect d,
                      const CommonOptions& common) {
  const ir::Module& m = s.catalog.checked.ir;
  std::vector<DialectRoot> roots;
  for (const plan::Output& o : p.outputs) {
    int i = m.MetricIndex(o.metric);
    if (i >= 0 && m.metrics[static_cast<size_t>(i)].ok)
      roots.push_back({m.metrics[static_cast<size_t>(i)].root, m.metrics[static_cast<size_t>(i)].package});
  }
  for (const plan::GoalPlan& gp : p.goals)
    if (const ir::Goal* g = m.FindGoal(gp.name))
      for (int n : {g->metric, g->target_lhs, g->target_rhs}) roots.push_back({n, g->package});
  if (!req.report.empty())
    if (const ir::Report* r = m.FindReport(req.report))
      for (const auto& c : r->charts) roots.push_back({c.node, r->package});
  DiagnosticSink diags;
  if (CheckDialect(m, d, roots, diags) == 0) return false;
  diags.SortByPosition();
  HumanStyle style;
  style.color = common.color == "always" || (common.color == "auto" && isatty(STDERR_FILENO));
  for (const Diagnostic& x : diags.diagnostics()) std::fprintf(stderr, "%s\n", RenderHuman(s.sm, x, style).c_str());
  std::fprintf(stderr, "kpic: no SQL for dialect %s: %s\n", builtins::DialectName(d),
               RenderSummary(diags.error_count(), diags.warning_count(), diags.suppressed()).c_str());
  return true;
}

}  // namespace

int RunSql(const RunOptions& o, const std::string& dialect, const CommonOptions& common) {
  std::string out;
  std::vector<Warning> notes;
  int code = SqlText(o, dialect, common, &out, &notes);
  if (code != kExitOk) return code;
  // What the SQL leaves out or gives no value, said as `kpic run` says it
  // (a goal's null target under a role, W0711, came with no word).
  for (const Warning& w : notes)
    std::fprintf(stderr, "warning[%s]: %s\n", w.code.c_str(), PrintableLines(w.message).c_str());
  if (!o.output.empty())
    WriteFileAtomically(o.output, out);
  else
    std::fputs(out.c_str(), stdout);
  return 0;
}

int SqlText(const RunOptions& o, const std::string& dialect, const CommonOptions& common, std::string* text,
            std::vector<Warning>* notes) {
  const sql::Dialect* d = sql::FindDialect(dialect);
  if (!d) {
    auto names = sql::DialectNames();
    auto close = Suggest(dialect, names);
    throw UsageError(fmt::format("unknown --dialect `{}`{}: use {}", dialect,
                                 close ? fmt::format(" (did you mean `{}`?)", *close) : "", fmt::join(names, ", ")));
  }
  std::unique_ptr<Session> s = Load(o, common);
  if (s->diags.has_errors()) return 1;
  plan::Request req = ToRequest(o);
  plan::Plan p = MakePlan(*s, req);
  if (RefusedByDialect(*s, p, req, d->id, common)) return kExitUsage;
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
  // The stamp, as one comment line (JSON escapes every line break): what
  // the SQL was compiled from. It reads no data here, so it has none.
  nlohmann::ordered_json stamp = MakeStamp("sql", o, *s, p);
  stamp["request"]["dialect"] = d->name;
  stamp.erase("data");
  *text = "-- kpic stamp: " + stamp.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n" + out;
  if (notes)
    for (const Warning& w : p.notes)
      // SQL names its columns by the metrics' names: no label is shown, so
      // none is untranslated (W0712 said so: probe, 2026-12-06).
      if (w.code != "W0712") notes->push_back(w);
  return 0;
}

}  // namespace kpic
