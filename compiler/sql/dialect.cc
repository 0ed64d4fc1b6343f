// One row per dialect. Templates take SQL expressions as {0}, {1}, ...;
// `series` takes {name} {bounds} {n} {unit} {UNIT} {step_i}.
#include "sql/dialect.h"

namespace kpic::sql {

namespace {

// clang-format off
const Dialect kDialects[] = {
  {
    .name = "postgres", .id = builtins::Dialect::kPostgres, .quote_open = '"', .quote_close = '"', .backslash_escapes = false, .with = "WITH",
    .date_lit = "DATE '{0}'", .timestamp_lit = "TIMESTAMP '{0}'", .to_date = "CAST({0} AS DATE)",
    .trunc_month = "CAST(date_trunc('month', {0}) AS DATE)",
    .trunc_quarter = "CAST(date_trunc('quarter', {0}) AS DATE)",
    .trunc_year = "CAST(date_trunc('year', {0}) AS DATE)",
    .add_days = "({0} + CAST({1} AS INTEGER))",
    .add_months = "CAST({0} + ({1}) * INTERVAL '1 month' AS DATE)",
    .iso_dow = "CAST(EXTRACT(ISODOW FROM {0}) AS INTEGER)",
    .year = "CAST(EXTRACT(YEAR FROM {0}) AS INTEGER)", .month = "CAST(EXTRACT(MONTH FROM {0}) AS INTEGER)",
    .day = "CAST(EXTRACT(DAY FROM {0}) AS INTEGER)", .hour = "CAST(EXTRACT(HOUR FROM {0}) AS INTEGER)",
    .iso_week = "CAST(EXTRACT(WEEK FROM {0}) AS INTEGER)",
    .null_safe_eq = "{0} IS NOT DISTINCT FROM {1}", .dbl = "DOUBLE PRECISION",
    .decimal_type = "NUMERIC(38, {0})", .decimal_lit = "CAST({0} AS NUMERIC(38, {1}))",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    // Compared as numerics made from the value's text (the shortest that
    // reads back as the same float): `numeric = real` would compare as
    // doubles, and a `real` 0.1 widened is 0.10000000149.
    // Out of range like kpic run's readers: past the 64-bit scaled integer.
    .decimal_col = "CASE WHEN CAST({0} AS TEXT) IN ('NaN', 'Infinity', '-Infinity') "
                   "THEN CAST({2} || {8} || ' is not a decimal number' AS {1}) "
                   "WHEN ABS(CAST(CAST({0} AS TEXT) AS NUMERIC)) * {6} > 9223372036854775807 "
                   "THEN CAST({2} || {8} || ' is out of range for {7}' AS {1}) "
                   "WHEN CAST(CAST({0} AS TEXT) AS {1}) = CAST(CAST({0} AS TEXT) AS NUMERIC) "
                   "THEN CAST(CAST({0} AS TEXT) AS {1}) ELSE CAST({2} || {8} || {3} AS {1}) END",
    // Compared as doubles (PostgreSQL's NaN equals NaN): a cast to text per
    // row doubled the cost of a float column.
    .float_col = "CASE WHEN CAST({0} AS DOUBLE PRECISION) IN (CAST('NaN' AS DOUBLE PRECISION), "
                 "CAST('Infinity' AS DOUBLE PRECISION), CAST('-Infinity' AS DOUBLE PRECISION)) "
                 "THEN CAST({1} || {2} || ' is not a finite number' AS DOUBLE PRECISION) ELSE {0} END",
    // A double as written (its shortest round-trip text), rounded half
    // away from zero: `CAST(x AS NUMERIC)` keeps 15 digits (docs/sql.md).
    .round_float = "CAST(ROUND(CAST(CAST({0} AS TEXT) AS NUMERIC), {1}) AS DOUBLE PRECISION)",
    .series = "{name} AS (\n  SELECT CAST(gs AS DATE) AS p\n  FROM ({bounds}) AS b,\n"
              "    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '{n} {unit}') AS gs)",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "({0} / {1})", .mod = "({0} % {1})",
    .binary_text = "CAST({0} AS TEXT) COLLATE \"C\"", .day_diff = "({0} - {1})",
    .hours_between = "(EXTRACT(EPOCH FROM ({0} - {1})) / 3600.0)",
    .epoch_us = "CAST(EXTRACT(EPOCH FROM {0}) * 1000000 AS BIGINT)",
    .read_parquet = nullptr,
    .fail = "CAST({1} || CAST({0} AS TEXT) AS INTEGER)",
    .date_text = "to_char({0}, 'YYYY-MM-DD')",
    // 'infinity', '-infinity' and BC or past-9999 dates: kpic run's
    // readers refuse them, and the engine counted them (data probe,
    // 2026-12-07: `late` read 2 here and stopped with exit 3 embedded).
    .time_col = "CASE WHEN {0} IS NULL OR (isfinite({0}) AND {0} >= CAST('0001-01-01' AS {1}) "
                "AND {0} < CAST('10000-01-01' AS {1})) THEN {0} ELSE CAST({2} || {3} || "
                "' is outside the years 1 to 9999 kpic reads' AS {1}) END",
  },
  {
    .name = "duckdb", .id = builtins::Dialect::kDuckdb, .quote_open = '"', .quote_close = '"', .backslash_escapes = false, .with = "WITH",
    .date_lit = "DATE '{0}'", .timestamp_lit = "TIMESTAMP '{0}'", .to_date = "CAST({0} AS DATE)",
    .trunc_month = "CAST(date_trunc('month', {0}) AS DATE)",
    .trunc_quarter = "CAST(date_trunc('quarter', {0}) AS DATE)",
    .trunc_year = "CAST(date_trunc('year', {0}) AS DATE)",
    .add_days = "CAST({0} + to_days(CAST({1} AS INTEGER)) AS DATE)",
    .add_months = "CAST({0} + to_months(CAST({1} AS INTEGER)) AS DATE)",
    .iso_dow = "isodow({0})",
    .year = "year({0})", .month = "month({0})", .day = "day({0})", .hour = "hour({0})",
    .iso_week = "weekofyear({0})",
    .null_safe_eq = "{0} IS NOT DISTINCT FROM {1}", .dbl = "DOUBLE",
    .decimal_type = "DECIMAL(38, {0})", .decimal_lit = "CAST('{0}' AS DECIMAL(38, {1}))",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    .decimal_col = "CASE WHEN {0} IS NULL THEN NULL WHEN CAST({0} AS {1}) = {0} THEN CAST({0} AS {1}) "
                   "ELSE error({2} || {8} || {3}) END",
    .float_col = "CASE WHEN isinf(CAST({0} AS DOUBLE)) OR isnan(CAST({0} AS DOUBLE)) "
                 "THEN error({1} || {2} || ' is not a finite number') ELSE {0} END",
    // DuckDB's round(1.005, 2) rounds the binary value, 1.00: its shortest
    // text as a decimal instead (a double from 1e19 on is whole already).
    // (The value is named once, in a subquery: nested rounds stay linear.)
    .round_float = "(SELECT CASE WHEN abs(v) < 1e19 THEN CAST(ROUND(CAST(CAST(v AS VARCHAR) AS DECIMAL(38, 18)), {1}) "
                   "AS DOUBLE) ELSE v END FROM (SELECT {0} AS v) AS r)",
    .series = "{name} AS (\n  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), "
              "INTERVAL '{n} {unit}')) AS DATE) AS p\n  FROM ({bounds}) AS b)",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "({0} // {1})", .mod = "({0} % {1})",
    .binary_text = "CAST({0} AS VARCHAR) COLLATE \"C\"", .day_diff = "date_diff('day', {1}, {0})",
    .hours_between = "(CAST(epoch_us({0}) - epoch_us({1}) AS DOUBLE) / 3600000000.0)",
    .epoch_us = "epoch_us({0})",
    .read_parquet = "read_parquet({0}, hive_partitioning = {1}, hive_types_autocast = false{2})",
    .parquet_hive_types = ", hive_types = {{{0}}}",
    .int_type = "BIGINT", .bool_type = "BOOLEAN", .text_type = "VARCHAR", .date_type = "DATE",
    .timestamp_type = "TIMESTAMP",
    .fail = "error({1} || CAST({0} AS VARCHAR))",
    .date_text = "strftime({0}, '%Y-%m-%d')",
    .time_col = "CASE WHEN {0} IS NULL OR (isfinite({0}) AND {0} >= CAST('0001-01-01' AS {1}) "
                "AND {0} < CAST('10000-01-01' AS {1})) THEN {0} ELSE error({2} || {3} || "
                "' is outside the years 1 to 9999 kpic reads') END",
  },
  {
    .name = "sqlite", .id = builtins::Dialect::kSqlite, .quote_open = '"', .quote_close = '"', .backslash_escapes = false, .with = "WITH RECURSIVE",
    .date_lit = "'{0}'", .timestamp_lit = "'{0}'", .to_date = "date({0})",
    .trunc_month = "date({0}, 'start of month')",
    .trunc_quarter = "date({0}, 'start of month', printf('-%d months', (CAST(strftime('%m', {0}) AS INTEGER) - 1) % 3))",
    .trunc_year = "date({0}, 'start of year')",
    .add_days = "date({0}, ({1}) || ' days')",
    .add_months = "min(date({0}, printf('%+d months', {1})), date({0}, 'start of month', printf('%+d months', ({1}) + 1), "
                  "'-1 day'))",
    .iso_dow = "((CAST(strftime('%w', {0}) AS INTEGER) + 6) % 7 + 1)",
    .year = "CAST(strftime('%Y', {0}) AS INTEGER)", .month = "CAST(strftime('%m', {0}) AS INTEGER)",
    .day = "CAST(strftime('%d', {0}) AS INTEGER)", .hour = "CAST(strftime('%H', {0}) AS INTEGER)",
    .iso_week = "((CAST(strftime('%j', date({0}, printf('%+d days', 3 - (CAST(strftime('%w', {0}) AS INTEGER) + 6) % 7))) "
                "AS INTEGER) - 1) / 7 + 1)",
    .null_safe_eq = "{0} IS {1}", .dbl = "REAL",
    .decimal_type = "INTEGER", .decimal_lit = "{0}",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    // Text is taken as written (docs/sql.md, "Exact decimals"): its digits
    // are put together as the scaled integer, never through a double (a
    // decimal(8) of 987654321.12345678 read 987654321.12345680), and text
    // that is not a decimal number is an error (it read as 0). Within the
    // 64-bit range of the scaled integer, as kpic run; trailing zeros after
    // the point do not count. A number stored
    // as INTEGER or REAL goes through the double it is.
    .decimal_col =
        "CASE WHEN {0} IS NULL OR {0} = '' THEN NULL "
        "WHEN typeof({0}) = 'text' THEN CASE "
        "WHEN {0} GLOB '*[^0-9.+-]*' OR {0} NOT GLOB '*[0-9]*' OR substr({0}, 2) GLOB '*[+-]*' "
        "OR {0} GLOB '*.*.*' THEN json_extract('{{}}', {2} || {8} || ' is not a decimal number') "
        "WHEN length(rtrim(substr({0}, instr({0}, '.') + 1), '0')) > {5} AND instr({0}, '.') > 0 "
        "THEN json_extract('{{}}', {2} || {8} || {3}) "
        "WHEN length(ltrim(replace(replace(CASE WHEN instr({0}, '.') = 0 THEN {0} ELSE substr({0}, 1, "
        "instr({0}, '.') - 1) END, '+', ''), '-', ''), '0')) + {5} > 19 OR "
        "(length(ltrim(replace(replace(CASE WHEN instr({0}, '.') = 0 THEN {0} ELSE substr({0}, 1, "
        "instr({0}, '.') - 1) END, '+', ''), '-', ''), '0')) + {5} = 19 AND ltrim(replace(replace(CASE "
        "WHEN instr({0}, '.') = 0 THEN {0} ELSE substr({0}, 1, instr({0}, '.') - 1) END, '+', ''), '-', "
        "''), '0') || CASE WHEN instr({0}, '.') = 0 THEN substr('000000000000000000', 1, {5}) ELSE "
        "substr(rtrim(substr({0}, instr({0}, '.') + 1), '0') || '000000000000000000', 1, {5}) END > CASE "
        "WHEN {0} GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) "
        "THEN json_extract('{{}}', {2} || {8} || ' is out of range for {7}') "
        "ELSE CAST(CASE WHEN instr({0}, '.') = 0 THEN {0} || substr('000000000000000000', 1, {5}) "
        "ELSE substr({0}, 1, instr({0}, '.') - 1) || substr(rtrim(substr({0}, instr({0}, '.') + 1), '0') || "
        "'000000000000000000', 1, {5}) END AS INTEGER) END "
        "WHEN CAST(ROUND({0} * {6}) AS INTEGER) / {6}.0 = CAST({0} AS REAL) "
        "THEN CAST(ROUND({0} * {6}) AS INTEGER) ELSE json_extract('{{}}', {2} || {8} || {3}) END",
    // (+ 0.0: round(-0.004, 2) is -0.0 in SQLite, and 0 everywhere else)
    .round_float = "(round({0}, {1}) + 0.0)",
    .series = "{name}(p) AS (\n  SELECT lo FROM ({bounds}) WHERE lo IS NOT NULL AND lo <= hi\n  UNION ALL\n"
              "  SELECT date(p, '+{n} {unit}') FROM {name} WHERE date(p, '+{n} {unit}') <= (SELECT hi FROM ({bounds})))",
    .scaled_decimals = true, .timestamp_col = "datetime({0})", .int_div = "({0} / {1})", .mod = "({0} % {1})",
    .binary_text = "CAST({0} AS TEXT) COLLATE BINARY", .day_diff = "CAST(julianday({0}) - julianday({1}) AS INTEGER)",
    .hours_between = "((unixepoch({0}) - unixepoch({1})) / 3600.0)",
    .epoch_us = "(unixepoch({0}) * 1000000)",
    .read_parquet = nullptr,
    .fail = "json_extract('{{}}', {1} || {0})",
    .date_text = "{0}",
    .add_months_first = "date({0}, printf('%+d months', {1}))",
  },
  {
    .name = "trino", .id = builtins::Dialect::kTrino, .quote_open = '"', .quote_close = '"', .backslash_escapes = false, .with = "WITH",
    .date_lit = "DATE '{0}'", .timestamp_lit = "TIMESTAMP '{0}'", .to_date = "CAST({0} AS DATE)",
    .trunc_month = "date_trunc('month', {0})",
    .trunc_quarter = "date_trunc('quarter', {0})",
    .trunc_year = "date_trunc('year', {0})",
    .add_days = "date_add('day', {1}, {0})",
    .add_months = "date_add('month', {1}, {0})",
    .iso_dow = "day_of_week({0})",
    .year = "year({0})", .month = "month({0})", .day = "day({0})", .hour = "hour({0})",
    .iso_week = "week({0})",
    .null_safe_eq = "({0} = {1} OR ({0} IS NULL AND {1} IS NULL))", .dbl = "DOUBLE",
    .decimal_type = "DECIMAL(38, {0})", .decimal_lit = "CAST('{0}' AS DECIMAL(38, {1}))",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    .decimal_col = "CASE WHEN {0} IS NULL THEN NULL WHEN CAST({0} AS {1}) = {0} THEN CAST({0} AS {1}) "
                   "ELSE CAST(fail({2} || {8} || {3}) AS {1}) END",
    .round_float = "round({0}, {1})",
    .series = "{name} AS (\n  SELECT q.p\n  FROM ({bounds}) AS b\n"
              "  CROSS JOIN UNNEST(sequence(b.lo, b.hi, INTERVAL '{n}' {UNIT})) AS q(p))",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "({0} / {1})", .mod = "({0} % {1})",
    .binary_text = "{0}", .day_diff = "date_diff('day', {1}, {0})",
    .hours_between = "(CAST(date_diff('millisecond', {1}, {0}) AS DOUBLE) / 3600000.0)",
    .epoch_us = "(date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00', {0}) * 1000)",
    .read_parquet = nullptr,
    .fail = "fail({1} || CAST({0} AS VARCHAR))",
    .date_text = "CAST({0} AS VARCHAR)",
  },
  {
    .name = "spark", .id = builtins::Dialect::kSpark, .quote_open = '`', .quote_close = '`', .backslash_escapes = true, .with = "WITH",
    .date_lit = "DATE '{0}'", .timestamp_lit = "TIMESTAMP '{0}'", .to_date = "CAST({0} AS DATE)",
    .trunc_month = "trunc({0}, 'MM')",
    .trunc_quarter = "trunc({0}, 'QUARTER')",
    .trunc_year = "trunc({0}, 'YEAR')",
    .add_days = "date_add({0}, {1})",
    .add_months = "add_months({0}, {1})",
    .iso_dow = "((dayofweek({0}) + 5) % 7 + 1)",
    .year = "year({0})", .month = "month({0})", .day = "dayofmonth({0})", .hour = "hour({0})",
    .iso_week = "weekofyear({0})",
    .null_safe_eq = "({0} = {1} OR ({0} IS NULL AND {1} IS NULL))", .dbl = "DOUBLE",
    .decimal_type = "DECIMAL(38, {0})", .decimal_lit = "CAST('{0}' AS DECIMAL(38, {1}))",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    .decimal_col = "CASE WHEN {0} IS NULL THEN NULL WHEN CAST({0} AS {1}) = {0} THEN CAST({0} AS {1}) "
                   "ELSE CAST(raise_error(concat({2}, {8}, {3})) AS {1}) END",
    .round_float = "round({0}, {1})",
    .series = "{name} AS (\n  SELECT explode(sequence(b.lo, b.hi, INTERVAL {n} {UNIT})) AS p\n  FROM ({bounds}) AS b)",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "div({0}, {1})", .mod = "({0} % {1})",
    .binary_text = "{0}", .day_diff = "datediff({0}, {1})",
    .hours_between = "((CAST({0} AS DOUBLE) - CAST({1} AS DOUBLE)) / 3600.0)",
    .epoch_us = "CAST(CAST({0} AS DOUBLE) * 1000000 AS BIGINT)",
    .read_parquet = nullptr,
    .fail = "raise_error({1} || CAST({0} AS STRING))",
    .date_text = "CAST({0} AS STRING)",
  },
  {
    .name = "clickhouse", .id = builtins::Dialect::kClickhouse, .quote_open = '"', .quote_close = '"', .backslash_escapes = true, .with = "WITH",
    .date_lit = "toDate('{0}')", .timestamp_lit = "toDateTime('{0}')", .to_date = "toDate({0})",
    .trunc_month = "toStartOfMonth({0})",
    .trunc_quarter = "toStartOfQuarter({0})",
    .trunc_year = "toStartOfYear({0})",
    .add_days = "addDays({0}, {1})",
    .add_months = "addMonths({0}, {1})",
    .iso_dow = "toDayOfWeek({0})",
    .year = "toYear({0})", .month = "toMonth({0})", .day = "toDayOfMonth({0})", .hour = "toHour({0})",
    .iso_week = "toISOWeek({0})",
    .null_safe_eq = "({0} = {1} OR ({0} IS NULL AND {1} IS NULL))", .dbl = "Float64",
    .decimal_type = "Decimal(38, {0})", .decimal_lit = "toDecimal128('{0}', {1})",
    .wide_decimal_above = 0, .decimal_type_wide = nullptr, .decimal_lit_wide = nullptr,
    .decimal_col = "if(isNull({0}), NULL, CAST(toString({0}) AS {1}) + throwIf(toFloat64(CAST(toString({0}) AS {1})) "
                   "!= toFloat64({0}), {4}))",
    .round_float = "round({0}, {1})",
    .series = "{name} AS (\n  SELECT arrayJoin(arrayMap(i -> {step_i}, range(toUInt32(dateDiff('{unit}', b.lo, b.hi) / {n} + 1)))) "
              "AS p\n  FROM ({bounds}) AS b)",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "intDiv({0}, {1})", .mod = "({0} % {1})",
    .binary_text = "{0}", .day_diff = "dateDiff('day', {1}, {0})",
    .hours_between = "(dateDiff('second', {1}, {0}) / 3600.0)",
    .epoch_us = "(toInt64(toUnixTimestamp({0})) * 1000000)",
    .read_parquet = nullptr,
    .fail = "throwIf(1, {1})",
    .date_text = "toString({0})",
  },
  {
    .name = "bigquery", .id = builtins::Dialect::kBigquery, .quote_open = '`', .quote_close = '`', .backslash_escapes = true, .with = "WITH",
    .date_lit = "DATE '{0}'", .timestamp_lit = "DATETIME '{0}'", .to_date = "DATE({0})",
    .trunc_month = "DATE_TRUNC({0}, MONTH)",
    .trunc_quarter = "DATE_TRUNC({0}, QUARTER)",
    .trunc_year = "DATE_TRUNC({0}, YEAR)",
    .add_days = "DATE_ADD({0}, INTERVAL ({1}) DAY)",
    .add_months = "DATE_ADD({0}, INTERVAL ({1}) MONTH)",
    .iso_dow = "(MOD(EXTRACT(DAYOFWEEK FROM {0}) + 5, 7) + 1)",
    .year = "EXTRACT(YEAR FROM {0})", .month = "EXTRACT(MONTH FROM {0})", .day = "EXTRACT(DAY FROM {0})",
    .hour = "EXTRACT(HOUR FROM {0})", .iso_week = "EXTRACT(ISOWEEK FROM {0})",
    .null_safe_eq = "({0} = {1} OR ({0} IS NULL AND {1} IS NULL))", .dbl = "FLOAT64",
    .decimal_type = "NUMERIC", .decimal_lit = "CAST('{0}' AS NUMERIC)",
    .wide_decimal_above = 9, .decimal_type_wide = "BIGNUMERIC", .decimal_lit_wide = "CAST('{0}' AS BIGNUMERIC)",
    .decimal_col = "CASE WHEN {0} IS NULL THEN NULL WHEN ROUND(CAST({0} AS {1}), {5}) = {0} THEN ROUND(CAST({0} AS {1}), {5}) "
                   "ELSE ERROR(CONCAT({2}, {8}, {3})) END",
    .round_float = "ROUND({0}, {1})",
    .series = "{name} AS (\n  SELECT p\n  FROM ({bounds}) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL {n} {UNIT})) AS p)",
    .scaled_decimals = false, .timestamp_col = "{0}", .int_div = "DIV({0}, {1})", .mod = "MOD({0}, {1})",
    .binary_text = "{0}", .day_diff = "DATE_DIFF({0}, {1}, DAY)",
    .hours_between = "(DATETIME_DIFF({0}, {1}, MICROSECOND) / 3600000000.0)",
    .epoch_us = "DATETIME_DIFF({0}, DATETIME '1970-01-01 00:00:00', MICROSECOND)",
    .read_parquet = nullptr,
    .fail = "ERROR({1} || CAST({0} AS STRING))",
    .date_text = "CAST({0} AS STRING)",
  },

};
// clang-format on

}  // namespace

const Dialect* FindDialect(const std::string& name) {
  for (const Dialect& d : kDialects)
    if (name == d.name) return &d;
  return nullptr;
}

std::vector<std::string> DialectNames() {
  std::vector<std::string> out;
  for (const Dialect& d : kDialects) out.push_back(d.name);
  return out;
}

}  // namespace kpic::sql
