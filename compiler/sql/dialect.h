// SQL dialects as data. Everything that differs between engines (quoting,
// literals, date arithmetic and buckets, null-safe equality, series of
// periods, decimal representation) is one row of the table in dialect.cc;
// how each builtin function is spelled, or refused, per dialect is in the
// builtin table (builtins/builtins.h). The emitter never branches on a
// dialect's name.
#pragma once

#include <string>
#include <vector>

#include "builtins/builtins.h"

namespace kpic::sql {

struct Dialect {
  const char* name;
  builtins::Dialect id;  ///< its row in the builtin table's spellings
  /// Identifier quotes; a quote inside a name is doubled.
  char quote_open, quote_close;
  /// String literals: backslash escapes (`\'`, `\\`) rather than doubling `'`.
  bool backslash_escapes;
  /// Keyword that starts the WITH clause (SQLite and PostgreSQL need
  /// RECURSIVE for the recursive period series).
  const char* with;
  // Templates: {0}, {1}, ... are SQL expressions substituted verbatim.
  const char* date_lit;       ///< {0}: YYYY-MM-DD
  const char* timestamp_lit;  ///< {0}: YYYY-MM-DD HH:MM:SS
  const char* to_date;        ///< the local day of a timestamp expression
  const char* trunc_month;    ///< first day of the month of a date
  const char* trunc_quarter;
  const char* trunc_year;
  const char* add_days;    ///< date {0} plus {1} days ({1} may be negative)
  const char* add_months;  ///< date {0} plus {1} months, clamped to the month's end
  const char* iso_dow;     ///< Monday = 1 .. Sunday = 7
  const char *year, *month, *day, *hour, *iso_week;
  const char* null_safe_eq;  ///< {0} equals {1}, nulls equal
  const char* dbl;           ///< the double type
  const char* decimal_type;  ///< {0}: scale
  const char* decimal_lit;   ///< {0}: text like -12.50, {1}: scale
  /// Scales above this use the wide type and literal (BigQuery's NUMERIC
  /// keeps 9 digits after the point, BIGNUMERIC 38); 0: no wide type.
  int wide_decimal_above;
  const char* decimal_type_wide;
  const char* decimal_lit_wide;
  /// A `decimal(n)` column read exactly, whatever its stored type:
  /// {0} the column, {1} the decimal type, {5} the scale n, {6} 10^n. A
  /// value that is not a decimal with at most n digits after the point
  /// (a float: the shortest decimal that reads back as it) stops the query
  /// with an error whose text is {2} {8} {3} ({2} and {3} literals, {8}
  /// the value as text, or '' under a role), or the literal {4} where the
  /// message cannot hold the value; never rounded (docs/sql.md, "Exact
  /// decimals"). {7}: the declared type's name, for "out of range".
  const char* decimal_col;
  /// A `float` column read: {0} the column, {1} the error's text as a
  /// literal, {2} the value as text; NaN and infinities stop the query (as
  /// kpic run refuses them: they cannot be summed), or nullptr: as it is.
  const char* float_col = nullptr;
  const char* round_float;   ///< {0} rounded to {1} digits, as a double
  /// A series of period starts from {lo} to {hi} (columns of the one row
  /// of the bounds query {bounds}), stepping {n} {unit}s (day or month);
  /// the CTE is named {name} with column `p`.
  const char* series;
  /// Exact decimals are held as integers scaled by 10^scale (SQLite, whose
  /// numbers are otherwise binary floats) and printed exactly at the end.
  bool scaled_decimals;
  /// Engines that cannot take a date literal as text compare dates as
  /// ISO text (SQLite); timestamps are normalised with this template.
  const char* timestamp_col;  ///< how a timestamp column is read ({0})
  const char* int_div;        ///< integer division
  const char* mod;            ///< remainder
  /// Text compared and ordered by code point, whatever the column's
  /// collation, and also when the database stores a `string` column as a
  /// number (or the operand is NULL): cast to text first.
  const char* binary_text;
  const char* day_diff;       ///< days from date {1} to date {0}
  const char* hours_between;  ///< hours from timestamp {1} to {0}, as a double
  /// microseconds since 1970-01-01 00:00 of timestamp {0}, an integer, on
  /// the same clock as `hours_between` (the min and max of timestamps are
  /// kept this way, so that their difference is hours as row by row)
  const char* epoch_us;
  /// A Parquet dataset as a table ({0}: the files as a string literal,
  /// {1}: `true` when Hive partition folders may hold columns, {2}: the
  /// partition columns' types, from parquet_hive_types, or ""), or nullptr:
  /// the dialect reads a Parquet-bound source as a table of its name.
  const char* read_parquet = nullptr;
  /// What follows read_parquet's arguments to give Hive partition columns
  /// their declared types ({0}: `'key': 'TYPE'` entries, comma-separated),
  /// and the type names it uses for int, bool, string, date and timestamp
  /// columns (float and decimal ones use `dbl` and `decimal_type`).
  const char* parquet_hive_types = nullptr;
  const char *int_type = nullptr, *bool_type = nullptr, *text_type = nullptr, *date_type = nullptr,
             *timestamp_type = nullptr;
  /// Stops the query with an error whose message is the text literal {1}
  /// followed by the date {0} (where the engine allows a message that is
  /// not a constant); evaluated only where it is reached.
  const char* fail;
  /// Date {0} as text YYYY-MM-DD (a partial period's span in the output).
  const char* date_text;
  /// Date {0}, the first day of a month, plus {1} months: the same as
  /// `add_months` without its clamping (retail calendar arithmetic), or
  /// nullptr for `add_months`.
  const char* add_months_first = nullptr;
  /// A `date` or `timestamp` column read: {0} the column, {1} its type,
  /// {2} the error's text as a literal, {3} the value as text. Infinities
  /// and years outside 1 to 9999 stop the query, as kpic run refuses them;
  /// or nullptr: as it is (the engine holds no such value).
  const char* time_col = nullptr;
};

/// The dialect of a name, or nullptr.
const Dialect* FindDialect(const std::string& name);
/// The names, in the order of the CLI contract.
std::vector<std::string> DialectNames();

}  // namespace kpic::sql
