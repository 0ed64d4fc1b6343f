// The PostgreSQL reader.
#include "postgres_source.h"

#include <algorithm>

#include <libpq-fe.h>

#include <map>
#include <memory>

namespace kpic::rt {

namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string QuoteIdent(const std::string& id) {
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// Whether the server's type can hold values of the .kpi type.
bool Compatible(ColType t, int scale, const std::string& pg, int pg_scale) {
  bool integer = pg == "smallint" || pg == "integer" || pg == "bigint";
  switch (t) {
    case ColType::kInt:
      return integer;
    case ColType::kFloat:
      return integer || pg == "real" || pg == "double precision" || pg == "numeric";
    case ColType::kDecimal:
      return integer || (pg == "numeric" && (pg_scale < 0 || pg_scale <= scale));
    case ColType::kBool:
      return pg == "boolean";
    case ColType::kString:
      return pg == "text" || pg == "character varying" || pg == "character";
    case ColType::kDate:
      return pg == "date";
    case ColType::kTimestamp:
      return pg == "timestamp without time zone" || pg == "timestamp with time zone";
  }
  return false;
}

/// Runs one statement with text parameters; a DataError naming `shown` and
/// `what` when it fails.
Result Exec(PGconn* conn, const std::string& shown, const std::string& sql, const std::vector<std::string>& params,
            const std::string& what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  Result r(
      PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
      &PQclear);
  ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
    throw DataError(shown, 0, "", "", what + " failed: " + Trim(PQerrorMessage(conn)));
  return r;
}

std::pair<std::string, std::string> SplitTable(const std::string& table) {
  if (auto dot = table.find('.'); dot != std::string::npos) return {table.substr(0, dot), table.substr(dot + 1)};
  return {"public", table};
}

/// Checks the table's columns against the declarations; returns the
/// server's type of each requested column.
template <typename Exec>
std::vector<std::string> CheckTable(Exec& exec, const std::string& shown, const std::string& table,
                                    const std::vector<CsvColumnRequest>& columns) {
  auto [schema, name] = SplitTable(table);
  Result info = exec(
      "SELECT column_name, data_type, coalesce(numeric_scale, -1) FROM information_schema.columns "
      "WHERE table_schema = $1 AND table_name = $2",
      std::vector<std::string>{schema, name});
  std::map<std::string, std::pair<std::string, int>> declared;
  for (int i = 0; i < PQntuples(info.get()); ++i)
    declared[PQgetvalue(info.get(), i, 0)] = {PQgetvalue(info.get(), i, 1), std::stoi(PQgetvalue(info.get(), i, 2))};
  if (declared.empty()) throw DataError(shown, 0, "", "", "the database has no table or view `" + table + "`");
  std::vector<std::string> types;
  for (const CsvColumnRequest& c : columns) {
    auto it = declared.find(c.header);
    if (it == declared.end())
      throw DataError(shown, 0, c.name, "", "missing: table `" + table + "` has no column `" + c.header + "`", false);
    if (!Compatible(c.type, c.scale, it->second.first, it->second.second))
      throw DataError(shown, 0, c.name, "",
                      "is declared `" + std::string(ColTypeName(c.type)) +
                          (c.type == ColType::kDecimal ? "(" + std::to_string(c.scale) + ")" : "") +
                          "` but the table has `" + it->second.first +
                          (it->second.second >= 0 && it->second.first == "numeric"
                               ? "` with scale " + std::to_string(it->second.second)
                               : "`"),
                      false);
    types.push_back(it->second.first);
  }
  return types;
}

}  // namespace

std::string MaskPassword(const std::string& uri) {
  // scheme://user:password@host -> scheme://user:***@host
  auto scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  auto at = uri.find('@', scheme + 3);
  if (at == std::string::npos) return uri;
  auto colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

TableData ReadPostgres(const std::string& uri, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options) {
  const std::string shown = MaskPassword(uri) + "#" + table;
  Conn conn(PQconnectdb(uri.c_str()), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    throw DataError(shown, 0, "", "", "cannot connect: " + Trim(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  auto exec = [&](const std::string& sql, const std::vector<std::string>& params = {}) {
    return Exec(conn.get(), shown, sql, params, "query");
  };
  exec("SET datestyle = ISO, YMD");
  exec("SET TIME ZONE 'UTC'");
  auto [schema, name] = SplitTable(table);
  std::string select;
  for (const CsvColumnRequest& c : columns) select += (select.empty() ? "" : ", ") + QuoteIdent(c.header);
  CheckTable(exec, shown, table, columns);
  // Rows come through a server-side cursor, `chunk_rows` at a time, so that
  // neither libpq nor kpic ever holds the whole result as text; with a
  // streaming sink, each chunk is handed over and dropped.
  exec("BEGIN READ ONLY");
  exec("DECLARE kpic_rows NO SCROLL CURSOR FOR SELECT " + select + " FROM " + QuoteIdent(schema) + "." +
       QuoteIdent(name));
  const size_t chunk = std::max<size_t>(1, options.chunk_rows);
  const std::string fetch = "FETCH FORWARD " + std::to_string(chunk) + " FROM kpic_rows";
  TableBuilder builder(columns, options);
  if (options.on_chunk) builder.Reserve(chunk);
  size_t seen = 0, streamed = 0;
  for (;;) {
    Result data = exec(fetch);
    const int rows = PQntuples(data.get());
    if (rows == 0) break;
    if (!options.on_chunk) builder.Reserve(builder.data().rows + static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row) {
      for (size_t c = 0; c < columns.size(); ++c) {
        int i = static_cast<int>(c);
        if (PQgetisnull(data.get(), row, i)) {
          builder.Add(c, nullptr);
          continue;
        }
        Field f{std::string_view(PQgetvalue(data.get(), row, i), static_cast<size_t>(PQgetlength(data.get(), row, i))),
                true};
        if (!builder.Add(c, &f)) break;
      }
      builder.EndRow(shown, ++seen);
    }
    if (options.on_chunk && builder.data().rows >= chunk) {
      streamed += builder.data().rows;
      options.on_chunk(0, builder.data(), false);
      builder.ClearRows();
    }
  }
  exec("COMMIT");
  if (!options.on_chunk) return builder.Finish();
  size_t rest = builder.data().rows;
  options.on_chunk(0, builder.data(), true);
  TableData counts = builder.Finish();
  counts.columns.clear();
  counts.rows = streamed + rest;
  return counts;
}

}  // namespace kpic::rt

namespace kpic::rt {

struct PgSession::Impl {
  Conn conn{nullptr, &PQfinish};
  Result Exec(const std::string& shown, const std::string& sql, const std::vector<std::string>& params,
              const std::string& what) {
    return rt::Exec(conn.get(), shown, sql, params, what);
  }
};

PgSession::PgSession(const std::string& uri) : impl_(std::make_unique<Impl>()), shown_(MaskPassword(uri)) {
  impl_->conn = Conn(PQconnectdb(uri.c_str()), &PQfinish);
  if (!impl_->conn || PQstatus(impl_->conn.get()) != CONNECTION_OK)
    throw DataError(shown_, 0, "", "",
                    "cannot connect: " + Trim(impl_->conn ? PQerrorMessage(impl_->conn.get()) : "out of memory"));
  impl_->Exec(shown_, "SET datestyle = ISO, YMD", {}, "setting the date style");
  impl_->Exec(shown_, "SET TIME ZONE 'UTC'", {}, "setting the time zone");
  impl_->Exec(shown_, "SET extra_float_digits = 3", {}, "setting the float digits");
}

PgSession::~PgSession() = default;

PgSession::Rows PgSession::Query(const std::string& sql, const std::string& what) {
  Result r = impl_->Exec(shown_, sql, {}, what);
  Rows out;
  int cols = PQnfields(r.get()), rows = PQntuples(r.get());
  for (int c = 0; c < cols; ++c) out.columns.push_back(PQfname(r.get(), c));
  out.rows.resize(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    auto& row = out.rows[static_cast<size_t>(i)];
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c)
      row.push_back(PQgetisnull(r.get(), i, c) ? std::nullopt
                                               : std::optional<std::string>(std::string(PQgetvalue(r.get(), i, c),
                                                                                        PQgetlength(r.get(), i, c))));
  }
  return out;
}

std::vector<std::string> PgSession::CheckColumns(const std::string& table,
                                                 const std::vector<CsvColumnRequest>& columns) {
  auto exec = [&](const std::string& sql, const std::vector<std::string>& params) {
    return impl_->Exec(shown_ + "#" + table, sql, params, "reading the table's columns");
  };
  return CheckTable(exec, shown_ + "#" + table, table, columns);
}

}  // namespace kpic::rt
