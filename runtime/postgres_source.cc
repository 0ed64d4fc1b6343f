// The PostgreSQL reader.
#include "postgres_source.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <mutex>

namespace kpic::rt {

namespace {

/// libpq, loaded when a PostgreSQL source is first read. Linking it would
/// load it and the dozen libraries it needs (TLS, Kerberos, LDAP, SASL) on
/// every start of kpic, which took 11 ms of each start on the benchmark
/// machine, whether or not PostgreSQL was used.
#define KPIC_LIBPQ_FUNCTIONS(X)   \
  X(PQconnectdb, connectdb)       \
  X(PQstatus, status)             \
  X(PQerrorMessage, errorMessage) \
  X(PQfinish, finish)             \
  X(PQexecParams, execParams)     \
  X(PQresultStatus, resultStatus) \
  X(PQresultErrorField, resultErrorField) \
  X(PQclear, clear)               \
  X(PQntuples, ntuples)           \
  X(PQnfields, nfields)           \
  X(PQfname, fname)               \
  X(PQgetvalue, getvalue)         \
  X(PQgetlength, getlength)       \
  X(PQgetisnull, getisnull)       \
  X(PQsetNoticeProcessor, setNoticeProcessor)

struct LibPq {
#define KPIC_LIBPQ_MEMBER(function, member) decltype(&::function) member = nullptr;
  KPIC_LIBPQ_FUNCTIONS(KPIC_LIBPQ_MEMBER)
#undef KPIC_LIBPQ_MEMBER
};

LibPq lib;  // filled by Load

/// The library once Load has succeeded (every connection starts with Load).
const LibPq& Pq() { return lib; }

/// A connection's notices and warnings (`RAISE WARNING` in a view's
/// function, which may quote any row) are dropped: libpq would print them
/// on stderr as they are, under a role too.
void Quiet(PGconn* conn) {
  Pq().setNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
}

/// Loads the library, or throws a DataError naming `shown` (the source's
/// URI) when it cannot be loaded.
void Load(const std::string& shown) {
  static std::string error;
  static std::once_flag once;
  std::call_once(once, [] {
    void* h = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      error = ::dlerror();
      return;
    }
    auto load = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
      if (!fn && error.empty()) error = std::string("libpq.so.5 has no ") + name;
    };
#define KPIC_LIBPQ_LOAD(function, member) load(lib.member, #function);
    KPIC_LIBPQ_FUNCTIONS(KPIC_LIBPQ_LOAD)
#undef KPIC_LIBPQ_LOAD
  });
  if (!error.empty())
    throw DataError(shown, 0, "", "", "PostgreSQL sources need libpq (Debian package libpq5): " + error);
}

struct Finish {
  void operator()(PGconn* c) const { Pq().finish(c); }
};
struct Clear {
  void operator()(PGresult* r) const { Pq().clear(r); }
};

using Conn = std::unique_ptr<PGconn, Finish>;
using Result = std::unique_ptr<PGresult, Clear>;

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
      // Floats are read as their shortest round-trip text (extra_float_digits
      // = 3), which must then have at most `scale` digits after the point
      // (docs/sql.md, "Exact decimals").
      return integer || pg == "real" || pg == "double precision" ||
             (pg == "numeric" && (pg_scale < 0 || pg_scale <= scale));
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

/// `SQLSTATE 57014` for one of the codes that tell a condition of the
/// server, the connection or the objects (a timeout, a lost connection, no
/// privilege, no such table), which a role may be told; "" for any other.
/// A code is not a row's value, but it can be made from one (`RAISE ...
/// USING ERRCODE = <text of a row>` in a view's function), and the classes
/// of bad data (22: `invalid input syntax`, 23: a constraint) say what
/// kind of value another member's row holds. A view's function that raises
/// one of the codes below on purpose still chooses among them, as it
/// chooses whether the statement fails at all; the view is the database
/// owner's code.
std::string ServerCondition(const char* state) {
  // Whole codes, never a class: `57` followed by three characters of a row
  // would be a class's code too.
  static const char* const kCodes[] = {
      "08000", "08003", "08006", "08001", "08004", "08007", "08P01",           // connection
      "53000", "53100", "53200", "53300", "53400",                             // resources
      "57000", "57014", "57P01", "57P02", "57P03", "57P04", "57P05",           // timeout, shutdown
      "58000", "58030", "58P01", "58P02",                                      // system
      "40001", "40P01", "55P03", "55006", "25006",                             // locks, read-only
      "42501", "42P01", "42703", "42883", "3D000", "3F000", "28000", "28P01"};  // privilege, objects
  if (!state) return "";
  for (const char* c : kCodes)
    if (std::strcmp(state, c) == 0) return std::string("SQLSTATE ") + c;
  return "";
}

/// Runs one statement with text parameters; a DataError naming `shown` and
/// `what` when it fails.
Result Exec(PGconn* conn, const std::string& shown, const std::string& sql, const std::vector<std::string>& params,
            const std::string& what) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  Result r(
      Pq().execParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  ExecStatusType st = Pq().resultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string message = Trim(Pq().errorMessage(conn));
    // kpic's checks of the values inside the SQL fail by casting their own
    // message to a number (`invalid input syntax for type numeric: "kpic:
    // source o, column amt: value 1.255 has ..."`): that message alone.
    if (size_t k = message.find("\"kpic: "); k != std::string::npos) {
      size_t end = message.find('\n', k);
      std::string line = message.substr(k + 7, end == std::string::npos ? std::string::npos : end - k - 7);
      if (!line.empty() && line.back() == '"') {
        line.pop_back();
        throw PgValueError(shown, 0, what, ": ", line);
      }
    }
    const char* state = Pq().resultErrorField(r.get(), PG_DIAG_SQLSTATE);
    throw DatabaseMessageError(shown, 0, what, " failed: ", message, ServerCondition(state));
  }
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
  for (int i = 0; i < Pq().ntuples(info.get()); ++i)
    declared[Pq().getvalue(info.get(), i, 0)] = {Pq().getvalue(info.get(), i, 1),
                                                 std::stoi(Pq().getvalue(info.get(), i, 2))};
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
  std::string out = uri;
  // scheme://user:password@host -> scheme://user:***@host (the last `@`
  // of the authority: an unencoded `@` may be in the password).
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    size_t from = scheme + 3;
    size_t end = out.find_first_of("/?#", from);
    std::string authority = out.substr(from, end == std::string::npos ? std::string::npos : end - from);
    auto at = authority.rfind('@');
    auto colon = authority.find(':');
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      out = out.substr(0, from + colon + 1) + "***" + out.substr(from + at);
  }
  // `password=x` and `sslpassword=x` in a URI's query (up to `&` or `#`) or
  // a key=value conninfo (spaces around `=`, single quotes with `\'`).
  std::string lower = out;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t pos = 0; (pos = lower.find("password", pos)) != std::string::npos;) {
    size_t at = pos + 8;
    while (at < out.size() && out[at] == ' ') ++at;
    if (at >= out.size() || out[at] != '=') {
      pos += 8;
      continue;
    }
    ++at;
    while (at < out.size() && out[at] == ' ') ++at;
    size_t to = at;
    if (to < out.size() && out[to] == '\'') {
      for (++to; to < out.size() && out[to] != '\''; ++to)
        if (out[to] == '\\') ++to;
      if (to < out.size()) ++to;
    } else {
      while (to < out.size() && out[to] != '&' && out[to] != ' ' && out[to] != '#') ++to;
    }
    out.replace(at, std::min(to, out.size()) - at, "***");
    lower.replace(at, std::min(to, lower.size()) - at, "***");
    pos = at + 3;
  }
  return out;
}

TableData ReadPostgres(const std::string& uri, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                       const CsvOptions& options) {
  const std::string shown = MaskPassword(uri) + "#" + table;
  Load(shown);
  Conn conn(Pq().connectdb(uri.c_str()));
  if (!conn || Pq().status(conn.get()) != CONNECTION_OK)
    throw DataError(shown, 0, "", "",
                    "cannot connect: " + Trim(conn ? Pq().errorMessage(conn.get()) : "out of memory"));
  Quiet(conn.get());
  auto exec = [&](const std::string& sql, const std::vector<std::string>& params = {}) {
    return Exec(conn.get(), shown, sql, params, "query");
  };
  exec("SET datestyle = ISO, YMD");
  exec("SET TIME ZONE 'UTC'");
  // Floats as their shortest round-trip text, whatever the URI's options
  // say (`options=-c extra_float_digits=0` would round them to 15 digits,
  // and 0.30000000000000004 would pass a decimal(2) column as 0.3).
  exec("SET extra_float_digits = 3");
  auto [schema, name] = SplitTable(table);
  std::string select;
  for (const CsvColumnRequest& c : columns) select += (select.empty() ? "" : ", ") + QuoteIdent(c.header);
  std::vector<std::string> types = CheckTable(exec, shown, table, columns);
  // A float bound to a `decimal(n)` column is read as its shortest
  // positional decimal text (the server may write 1e+06).
  std::vector<int> float_decimal(columns.size(), 0);  // 0: no, 1: double, 2: real
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c].type == ColType::kDecimal)
      float_decimal[c] = types[c] == "double precision" ? 1 : types[c] == "real" ? 2 : 0;
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
    const int rows = Pq().ntuples(data.get());
    if (rows == 0) break;
    if (!options.on_chunk) builder.Reserve(builder.data().rows + static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row) {
      for (size_t c = 0; c < columns.size(); ++c) {
        int i = static_cast<int>(c);
        if (Pq().getisnull(data.get(), row, i)) {
          builder.Add(c, nullptr);
          continue;
        }
        Field f{std::string_view(Pq().getvalue(data.get(), row, i),
                                 static_cast<size_t>(Pq().getlength(data.get(), row, i))),
                true};
        std::string text;
        if (float_decimal[c]) {
          double x = 0;
          auto r = std::from_chars(f.text.data(), f.text.data() + f.text.size(), x);
          if (r.ec == std::errc() && r.ptr == f.text.data() + f.text.size()) {
            text = FloatAsDecimalText(x, float_decimal[c] == 2);
            f.text = text;
          }
        }
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
  Conn conn;
  Result Exec(const std::string& shown, const std::string& sql, const std::vector<std::string>& params,
              const std::string& what) {
    return rt::Exec(conn.get(), shown, sql, params, what);
  }
};

PgSession::PgSession(const std::string& uri) : impl_(std::make_unique<Impl>()), shown_(MaskPassword(uri)) {
  Load(shown_);
  impl_->conn = Conn(Pq().connectdb(uri.c_str()));
  if (!impl_->conn || Pq().status(impl_->conn.get()) != CONNECTION_OK)
    throw DataError(shown_, 0, "", "",
                    "cannot connect: " + Trim(impl_->conn ? Pq().errorMessage(impl_->conn.get()) : "out of memory"));
  Quiet(impl_->conn.get());
  impl_->Exec(shown_, "SET datestyle = ISO, YMD", {}, "setting the date style");
  impl_->Exec(shown_, "SET TIME ZONE 'UTC'", {}, "setting the time zone");
  impl_->Exec(shown_, "SET extra_float_digits = 3", {}, "setting the float digits");
}

PgSession::~PgSession() = default;

PgSession::Rows PgSession::Query(const std::string& sql, const std::string& what) {
  Result r = impl_->Exec(shown_, sql, {}, what);
  Rows out;
  int cols = Pq().nfields(r.get()), rows = Pq().ntuples(r.get());
  for (int c = 0; c < cols; ++c) out.columns.push_back(Pq().fname(r.get(), c));
  out.rows.resize(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    auto& row = out.rows[static_cast<size_t>(i)];
    row.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c)
      row.push_back(Pq().getisnull(r.get(), i, c) ? std::nullopt
                                                  : std::optional<std::string>(std::string(
                                                        Pq().getvalue(r.get(), i, c), Pq().getlength(r.get(), i, c))));
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
