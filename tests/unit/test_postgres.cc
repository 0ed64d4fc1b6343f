// The PostgreSQL reader against the real server that scripts/pg starts on
// loopback (the `postgres_server` CTest fixture). Expected values are the
// literals inserted, or what PostgreSQL itself computes.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "decimal.h"
#include "postgres_source.h"

using namespace kpic::rt;

namespace {

std::string Uri() {
  const char* env = std::getenv("KPIC_PG_URI");
  return env && *env ? env : "postgresql://postgres@127.0.0.1:55432/postgres";
}

/// Runs SQL and returns the first value of the result (or "").
std::string Sql(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  INFO(sql);
  INFO(PQerrorMessage(c));
  REQUIRE((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK));
  std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return v;
}

struct Conn {
  PGconn* c = PQconnectdb(Uri().c_str());
  Conn() { REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, PQerrorMessage(c)); }
  ~Conn() { PQfinish(c); }
};

CsvColumnRequest Col(const char* name, ColType t, int scale = 0) { return {name, name, t, scale}; }

std::string ErrorOf(const std::string& uri, const char* table, std::vector<CsvColumnRequest> cols) {
  try {
    ReadPostgres(uri, table, cols, {});
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("postgres: types, nulls and schemas") {
  Conn db;
  Sql(db.c, "DROP SCHEMA IF EXISTS kpic_t CASCADE; CREATE SCHEMA kpic_t");
  Sql(db.c,
      "CREATE TABLE kpic_t.orders (id bigint, amount numeric(12,2), ratio double precision, ok boolean, "
      "name text, day date, at timestamptz, local timestamp)");
  Sql(db.c,
      "INSERT INTO kpic_t.orders VALUES (1, 12.50, 0.25, true, '门店', '2026-01-31', '2026-03-01 08:30:00+08', "
      "'2026-03-01 08:30:00'), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  TableData r =
      ReadPostgres(Uri(), "kpic_t.orders",
                   {Col("id", ColType::kInt), Col("amount", ColType::kDecimal, 2), Col("ratio", ColType::kFloat),
                    Col("ok", ColType::kBool), Col("name", ColType::kString), Col("day", ColType::kDate),
                    Col("at", ColType::kTimestamp), Col("local", ColType::kTimestamp)},
                   {});
  REQUIRE(r.rows == 2);
  CHECK(r.columns[0].ints == std::vector<int64_t>{1, 2});
  CHECK(r.columns[1].ints[0] == 1250);
  CHECK(r.columns[1].valid == std::vector<uint8_t>{1, 0});
  CHECK(r.columns[2].floats[0] == 0.25);
  CHECK(r.columns[3].ints[0] == 1);
  CHECK(r.columns[4].dict.At(r.columns[4].codes[0]) == "门店");
  CHECK(FormatDate(static_cast<int32_t>(r.columns[5].ints[0])) == "2026-01-31");
  CHECK(FormatTimestamp(r.columns[6].ints[0]) == "2026-03-01T00:30:00Z");
  CHECK(FormatTimestamp(r.columns[7].ints[0]) == "2026-03-01T08:30:00Z");
  CHECK(r.columns[7].valid == std::vector<uint8_t>{1, 0});
}

TEST_CASE("postgres: errors name the table and mask the password") {
  Conn db;
  Sql(db.c, "DROP TABLE IF EXISTS kpic_types; CREATE TABLE kpic_types (amount numeric(12,4), name text)");
  CHECK(ErrorOf(Uri(), "kpic_missing", {Col("x", ColType::kInt)}).find("has no table or view `kpic_missing`") !=
        std::string::npos);
  CHECK(ErrorOf(Uri(), "kpic_types", {Col("amount", ColType::kDecimal, 2)})
            .find("column `amount`: is declared `decimal(2)` but the table has `numeric` with scale 4") !=
        std::string::npos);
  CHECK(ErrorOf(Uri(), "kpic_types", {Col("name", ColType::kInt)}).find("is declared `int` but the table has `text`") !=
        std::string::npos);
  std::string e = ErrorOf("postgresql://kpic:s3cret@127.0.0.1:1/nowhere", "t", {Col("x", ColType::kInt)});
  CHECK(e.find("postgresql://kpic:***@127.0.0.1:1/nowhere#t: cannot connect") == 0);
  CHECK(e.find("s3cret") == std::string::npos);
}

TEST_CASE("postgres: a float column read as decimal(n) follows the decimal rule") {
  // 0.1, 0.2 and 0.3 as doubles are the decimals they look like (their
  // shortest round-trip text); 0.1 + 0.2 computed in double is
  // 0.30000000000000004, and 0.125 has three digits after the point.
  Conn db;
  Sql(db.c,
      "DROP SCHEMA IF EXISTS kpic_dialects_float CASCADE; CREATE SCHEMA kpic_dialects_float; "
      "CREATE TABLE kpic_dialects_float.ok (x double precision, y real); "
      "INSERT INTO kpic_dialects_float.ok VALUES (0.1, 0.1), (0.2, 0.2), (0.3, 0.3), (-12.5, 1e6), (NULL, NULL); "
      "CREATE TABLE kpic_dialects_float.noise (x double precision); "
      "INSERT INTO kpic_dialects_float.noise VALUES (0.1), (CAST(0.1 AS double precision) + CAST(0.2 AS double "
      "precision)); "
      "CREATE TABLE kpic_dialects_float.third (x double precision); "
      "INSERT INTO kpic_dialects_float.third VALUES (0.125)");
  TableData r = ReadPostgres(Uri(), "kpic_dialects_float.ok",
                             {Col("x", ColType::kDecimal, 2), Col("y", ColType::kDecimal, 2)}, {});
  REQUIRE(r.rows == 5);
  CHECK(r.columns[0].ints == std::vector<int64_t>{10, 20, 30, -1250, 0});
  CHECK(r.columns[0].valid == std::vector<uint8_t>{1, 1, 1, 1, 0});
  CHECK(std::vector<int64_t>(r.columns[1].ints.begin(), r.columns[1].ints.begin() + 4) ==
        std::vector<int64_t>{10, 20, 30, 100000000});
  std::string e = ErrorOf(Uri(), "kpic_dialects_float.noise", {Col("x", ColType::kDecimal, 2)});
  CHECK(e.find("0.30000000000000004") != std::string::npos);
  CHECK(e.find("has more than 2 digits after the point for decimal(2)") != std::string::npos);
  CHECK(ErrorOf(Uri(), "kpic_dialects_float.third", {Col("x", ColType::kDecimal, 2)})
            .find("has more than 2 digits after the point for decimal(2)") != std::string::npos);
  Sql(db.c, "DROP SCHEMA kpic_dialects_float CASCADE");
}

TEST_CASE("postgres: exact decimal sums equal PostgreSQL's numeric sums over the same CSV") {
  // PostgreSQL parses the example's CSV itself (COPY) and sums in numeric;
  // kpic parses the same file and sums its scaled integers in 128 bits.
  const std::string csv = std::string(KPIC_SOURCE_DIR) + "/examples/retail/data/orders.csv";
  Conn db;
  Sql(db.c,
      "DROP TABLE IF EXISTS kpic_orders; CREATE TABLE kpic_orders (order_id text, ordered_at timestamp, store text, "
      "channel text, customer_type text, customer_id text, product_id text, quantity int, amount numeric(12,2), "
      "discount numeric(12,2), returned boolean, is_repeat boolean, shipped_at timestamp)");
  std::ifstream in(csv, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  PGresult* r = PQexec(db.c, "COPY kpic_orders FROM STDIN WITH (FORMAT csv, HEADER true)");
  REQUIRE(PQresultStatus(r) == PGRES_COPY_IN);
  PQclear(r);
  std::string data = text.str();
  REQUIRE(PQputCopyData(db.c, data.data(), static_cast<int>(data.size())) == 1);
  REQUIRE(PQputCopyEnd(db.c, nullptr) == 1);
  r = PQgetResult(db.c);
  REQUIRE(PQresultStatus(r) == PGRES_COMMAND_OK);
  PQclear(r);
  while ((r = PQgetResult(db.c)) != nullptr) PQclear(r);
  std::string pg_amount = Sql(db.c, "SELECT sum(amount) FROM kpic_orders");
  std::string pg_discount = Sql(db.c, "SELECT sum(discount) FROM kpic_orders WHERE NOT returned");

  TableData t = ReadCsv(csv,
                        {{"amount", "amount", ColType::kDecimal, 2},
                         {"discount", "discount", ColType::kDecimal, 2},
                         {"returned", "returned", ColType::kBool, 0}},
                        {});
  __int128 amount = 0, discount = 0;
  for (size_t i = 0; i < t.rows; ++i) {
    amount += t.columns[0].ints[i];
    if (!t.columns[2].ints[i]) discount += t.columns[1].ints[i];
  }
  CHECK(FormatDecimal(amount, 2) == pg_amount);
  CHECK(FormatDecimal(discount, 2) == pg_discount);
  // And read back through the PostgreSQL reader: the same exact sum.
  TableData back = ReadPostgres(Uri(), "kpic_orders", {Col("amount", ColType::kDecimal, 2)}, {});
  __int128 back_sum = 0;
  for (int64_t v : back.columns[0].ints) back_sum += v;
  CHECK(FormatDecimal(back_sum, 2) == pg_amount);
  // Streamed in chunks of 1,000 rows through the cursor: the same rows and
  // the same exact sum, with no chunk larger than asked.
  CsvOptions chunked;
  chunked.chunk_rows = 1000;
  size_t chunks = 0, rows = 0, largest = 0;
  __int128 chunk_sum = 0;
  chunked.on_chunk = [&](int part, TableData& c, bool last) {
    CHECK(part == 0);
    ++chunks;
    rows += c.rows;
    largest = std::max(largest, c.rows);
    for (size_t i = 0; i < c.rows; ++i) chunk_sum += c.columns[0].ints[i];
    (void)last;
  };
  TableData counts = ReadPostgres(Uri(), "kpic_orders", {Col("amount", ColType::kDecimal, 2)}, chunked);
  CHECK(counts.rows == back.rows);
  CHECK(counts.columns.empty());
  CHECK(rows == back.rows);
  CHECK(largest <= 1000);
  CHECK(chunks == (back.rows + 999) / 1000 + (back.rows % 1000 == 0 ? 1 : 0));
  CHECK(FormatDecimal(chunk_sum, 2) == pg_amount);
}
