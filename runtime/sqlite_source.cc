// The SQLite reader.
#include "sqlite_source.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <map>
#include <memory>

namespace kpic::rt {

namespace {

std::string Quote(const std::string& id) {
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// SQLite's own words for the last error's code (`SQL logic error`,
/// `database is locked`): the library's fixed texts, never a row's value.
std::string Code(sqlite3* db) { return std::string("SQLite: ") + sqlite3_errstr(sqlite3_extended_errcode(db)); }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// Whether a column declared in SQLite with `decl` (its type affinity) can
/// hold values of the .kpi type. Loose on purpose: SQLite stores dates as
/// text and money as text, integers or reals; the values are checked one by
/// one anyway. Only clear contradictions are refused.
bool Compatible(ColType t, const std::string& decl_raw) {
  std::string decl = Upper(decl_raw);
  bool blob = decl.find("BLOB") != std::string::npos;
  if (blob) return false;
  switch (t) {
    case ColType::kString:
      return true;
    case ColType::kInt:
      // TEXT too: `sqlite3 .import` makes TEXT columns, whose values are
      // read as the whole numbers they write, as `kpic sql` reads them.
      return decl.find("REAL") == std::string::npos && decl.find("FLOA") == std::string::npos &&
             decl.find("DOUB") == std::string::npos;
    default:
      return true;
  }
}

}  // namespace

TableData ReadSqlite(const std::string& path, const std::string& table, const std::vector<CsvColumnRequest>& columns,
                     const CsvOptions& options) {
  const std::string uri = "sqlite:" + path + "#" + table;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (rc != SQLITE_OK)
    throw DataError(uri, 0, "", "",
                    std::string("cannot open the database: ") + (raw ? sqlite3_errmsg(raw) : "out of memory"));

  auto prepare = [&](const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw DatabaseMessageError(uri, 0, "query", " failed: ", sqlite3_errmsg(db.get()), Code(db.get()));
    return std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>(st, &sqlite3_finalize);
  };

  // The table's columns and declared types.
  std::map<std::string, std::string> declared;
  {
    auto st = prepare("SELECT name, type FROM pragma_table_info(?1)");
    sqlite3_bind_text(st.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st.get()) == SQLITE_ROW) {
      const char* n = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
      const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1));
      declared[n ? n : ""] = t ? t : "";
    }
  }
  if (declared.empty()) throw DataError(uri, 0, "", "", "the database has no table or view `" + table + "`");
  std::string select;
  for (const CsvColumnRequest& c : columns) {
    auto it = declared.find(c.header);
    if (it == declared.end())
      throw DataError(uri, 0, c.name, "", "missing: table `" + table + "` has no column `" + c.header + "`", false);
    if (!Compatible(c.type, it->second))
      throw DataError(
          uri, 0, c.name, "",
          "is declared `" + std::string(ColTypeName(c.type)) + "` but the table declares it `" + it->second + "`",
          false);
    select += (select.empty() ? "" : ", ") + Quote(c.header);
  }

  TableBuilder builder(columns, options);
  auto st = prepare("SELECT " + select + " FROM " + Quote(table));
  size_t row = 0;
  for (;;) {
    rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW)
      throw DatabaseMessageError(uri, row, "read", " failed: ", sqlite3_errmsg(db.get()), Code(db.get()));
    ++row;
    for (size_t c = 0; c < columns.size(); ++c) {
      int i = static_cast<int>(c);
      if (sqlite3_column_type(st.get(), i) == SQLITE_NULL) {
        builder.Add(c, nullptr);
        continue;
      }
      // A REAL read as a float or a decimal is its shortest decimal that
      // reads back as the same double (0.1 is "0.1", 0.1 + 0.2 is
      // "0.30000000000000004"), where SQLite's own text keeps 15 digits and
      // would hide a value that is not the decimal it looks like
      // (docs/sql.md, "Exact decimals").
      if (sqlite3_column_type(st.get(), i) == SQLITE_FLOAT &&
          (columns[c].type == ColType::kDecimal || columns[c].type == ColType::kFloat)) {
        double x = sqlite3_column_double(st.get(), i);
        char buf[32];
        std::string text = columns[c].type == ColType::kDecimal
                               ? FloatAsDecimalText(x)
                               : std::string(buf, std::to_chars(buf, buf + sizeof buf, x).ptr);
        Field f{text, true};
        if (!builder.Add(c, &f)) break;
        continue;
      }
      // The empty text (what `sqlite3 .import` stores for an empty field)
      // is null in a column of any type but `string`, as an empty CSV field
      // is and as `kpic sql` reads it (docs/sql.md); a string keeps it.
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), i));
      Field f{std::string_view(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(st.get(), i))), false};
      if (!builder.Add(c, &f)) break;
    }
    builder.EndRow(uri, row);
  }
  return builder.Finish();
}

}  // namespace kpic::rt
