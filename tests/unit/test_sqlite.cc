// The SQLite reader against a real SQLite database built here; expected
// values are the literals inserted.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdio>

#include "sqlite_source.h"

using namespace kpic::rt;

namespace {

struct TempDb {
  std::string path = "kpic_test.sqlite";
  explicit TempDb(const char* sql) {
    std::remove(path.c_str());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    REQUIRE_MESSAGE(sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK, (err ? err : ""));
    sqlite3_close(db);
  }
  ~TempDb() { std::remove(path.c_str()); }
};

CsvColumnRequest Col(const char* name, ColType t, int scale = 0) { return {name, name, t, scale}; }

std::string ErrorOf(const TempDb& db, const char* table, std::vector<CsvColumnRequest> cols) {
  try {
    ReadSqlite(db.path, table, cols, {});
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("sqlite: every storage class converts exactly, nulls stay null") {
  TempDb db(
      "CREATE TABLE t (id INTEGER, amount NUMERIC, price REAL, ok INTEGER, name TEXT, day TEXT, at TEXT);"
      "INSERT INTO t VALUES (1, '12.50', 0.25, 1, '门店', '2026-01-31', '2026-03-01T08:30:00Z');"
      "INSERT INTO t VALUES (2, 7, 1.5, 0, NULL, NULL, NULL);");
  TableData r = ReadSqlite(db.path, "t",
                           {Col("id", ColType::kInt), Col("amount", ColType::kDecimal, 2),
                            Col("price", ColType::kFloat), Col("ok", ColType::kBool), Col("name", ColType::kString),
                            Col("day", ColType::kDate), Col("at", ColType::kTimestamp)},
                           {});
  REQUIRE(r.rows == 2);
  CHECK(r.columns[0].ints == std::vector<int64_t>{1, 2});
  CHECK(r.columns[1].ints == std::vector<int64_t>{1250, 700});
  CHECK(r.columns[2].floats == std::vector<double>{0.25, 1.5});
  CHECK(r.columns[3].ints == std::vector<int64_t>{1, 0});
  CHECK(r.columns[4].dict.At(r.columns[4].codes[0]) == "门店");
  CHECK(r.columns[4].valid == std::vector<uint8_t>{1, 0});
  CHECK(r.columns[5].valid == std::vector<uint8_t>{1, 0});
  CHECK(FormatTimestamp(r.columns[6].ints[0]) == "2026-03-01T08:30:00Z");
}

TEST_CASE("sqlite: missing tables and columns, contradictory types and inexact money are data errors") {
  TempDb db(
      "CREATE TABLE t (id TEXT, amount REAL, blob BLOB);"
      "INSERT INTO t VALUES ('a', 1.005, x'00');"
      "CREATE VIEW v AS SELECT id FROM t;");
  CHECK(ErrorOf(db, "nope", {Col("id", ColType::kString)}) ==
        "sqlite:kpic_test.sqlite#nope: the database has no table or view `nope`");
  CHECK(ErrorOf(db, "t", {Col("idx", ColType::kString)}) ==
        "sqlite:kpic_test.sqlite#t: column `idx`: missing: table `t` has no column `idx`");
  // A TEXT column may hold whole numbers (`sqlite3 .import` makes TEXT
  // columns, which kpic sql reads too): each value is checked.
  CHECK(ErrorOf(db, "t", {Col("id", ColType::kInt)}) ==
        "sqlite:kpic_test.sqlite#t:1: column `id`: value `a` is not a whole number");
  CHECK(ErrorOf(db, "t", {Col("amount", ColType::kInt)}) ==
        "sqlite:kpic_test.sqlite#t: column `amount`: is declared `int` but the table declares it `REAL`");
  CHECK(ErrorOf(db, "t", {Col("amount", ColType::kDecimal, 2)}) ==
        "sqlite:kpic_test.sqlite#t:1: column `amount`: value `1.005` has more than 2 digits after the point for "
        "decimal(2) (rounding would change the amount)");
  // A view reads like a table.
  TableData r = ReadSqlite(db.path, "v", {Col("id", ColType::kString)}, {});
  CHECK(r.rows == 1);
  CHECK_THROWS_AS(ReadSqlite("no/such/dir/x.db", "t", {Col("id", ColType::kString)}, {}), DataError);
}
