// The CSV reader against hand-written fixtures: every expected value below
// is read off the fixture text, not produced by the reader.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "csv.h"
#include "datetime.h"

using namespace kpic::rt;

namespace {

CsvColumnRequest Col(const char* header, ColType t, int scale = 0) { return {header, header, t, scale}; }

std::string Str(const Column& c, size_t row) { return c.dict.At(c.codes[row]); }

std::string ErrorOf(std::string_view csv, std::vector<CsvColumnRequest> cols, CsvOptions o = {}) {
  try {
    ParseCsv(csv, "f.csv", cols, o);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

/// Everything a parse produced: counts, skipped rows, every value.
std::string Describe(const CsvResult& r) {
  std::string out = std::to_string(r.rows) + "/" + std::to_string(r.skipped);
  for (const BadRow& b : r.bad) out += "|" + std::to_string(b.line) + b.column + b.reason;
  for (const Column& c : r.columns)
    for (size_t i = 0; i < c.size(); ++i)
      out += !c.valid[i]                  ? std::string("|null")
             : c.type == ColType::kString ? "|" + c.dict.At(c.codes[i])
             : c.type == ColType::kFloat  ? "|" + std::to_string(c.floats[i])
                                          : "|" + std::to_string(c.ints[i]);
  return out;
}

/// What parsing `text` as f.csv gives, or the error's message: what
/// differential tests compare.
std::string Outcome(const std::string& text, const std::vector<CsvColumnRequest>& cols, const CsvOptions& o) {
  try {
    return Describe(ParseCsv(text, "f.csv", cols, o));
  } catch (const DataError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("every column type converts exactly") {
  const char* csv =
      "id,price,ratio,ok,name,day,at\n"
      "1,12.50,0.25,true,北京朝阳店,2026-01-31,2026-03-01T08:30:00\n"
      "-7,-0.07,1e3,0,\"a,b\",2024-02-29,2026-03-01T08:30:00+08:00\n";
  CsvResult r = ParseCsv(csv, "f.csv",
                         {Col("id", ColType::kInt), Col("price", ColType::kDecimal, 2), Col("ratio", ColType::kFloat),
                          Col("ok", ColType::kBool), Col("name", ColType::kString), Col("day", ColType::kDate),
                          Col("at", ColType::kTimestamp)},
                         {});
  REQUIRE(r.rows == 2);
  CHECK(r.columns[0].ints == std::vector<int64_t>{1, -7});
  CHECK(r.columns[1].ints == std::vector<int64_t>{1250, -7});
  CHECK(r.columns[2].floats == std::vector<double>{0.25, 1000.0});
  CHECK(r.columns[3].ints == std::vector<int64_t>{1, 0});
  CHECK(Str(r.columns[4], 0) == "北京朝阳店");
  CHECK(Str(r.columns[4], 1) == "a,b");
  CHECK(FormatDate(static_cast<int32_t>(r.columns[5].ints[0])) == "2026-01-31");
  CHECK(FormatDate(static_cast<int32_t>(r.columns[5].ints[1])) == "2024-02-29");
  CHECK(FormatTimestamp(r.columns[6].ints[0]) == "2026-03-01T08:30:00Z");
  CHECK(FormatTimestamp(r.columns[6].ints[1]) == "2026-03-01T00:30:00Z");  // +08:00
}

TEST_CASE("a float read for a decimal column is its shortest positional decimal") {
  // By hand: each double is the nearest to the decimal written, which reads
  // back as it; 0.1 + 0.2 is not the double nearest to 0.3.
  CHECK(FloatAsDecimalText(0.1) == "0.1");
  CHECK(FloatAsDecimalText(0.1 + 0.2) == "0.30000000000000004");
  CHECK(FloatAsDecimalText(-12.5) == "-12.5");
  CHECK(FloatAsDecimalText(1e6) == "1000000");
  CHECK(FloatAsDecimalText(1e-7) == "0.0000001");
  CHECK(FloatAsDecimalText(12345678901234.56) == "12345678901234.56");
  CHECK(FloatAsDecimalText(static_cast<double>(0.1f), true) == "0.1");
  CHECK(FloatAsDecimalText(static_cast<double>(0.1f)) == "0.10000000149011612");
  // The fewest significant digits, as PostgreSQL's text of the float (and
  // so the SQL) has them, not every digit of the binary value (review,
  // 2026-12-04): 2^60 and a single-precision 123456789.
  CHECK(FloatAsDecimalText(1152921504606846976.0) == "1152921504606847000");
  CHECK(FloatAsDecimalText(static_cast<double>(123456789.0f), true) == "123456790");
  CHECK(FloatAsDecimalText(-2.5e-9) == "-0.0000000025");
  CHECK(FloatAsDecimalText(1e22) == "10000000000000000000000");
  CHECK(FloatAsDecimalText(5e-324).substr(0, 6) == "0.0000");
  CHECK(FloatAsDecimalText(std::nan("")) == "nan");
  CHECK(FloatAsDecimalText(-HUGE_VAL) == "inf");
}

TEST_CASE("quoting: doubled quotes, embedded delimiters and newlines, CRLF, BOM") {
  const char* csv =
      "\xEF\xBB\xBFnote,n\r\n"
      "\"say \"\"hi\"\"\",1\r\n"
      "\"two\nlines\",2\r\n"
      "plain,3\r\n";
  CsvResult r = ParseCsv(csv, "f.csv", {Col("note", ColType::kString), Col("n", ColType::kInt)}, {});
  REQUIRE(r.rows == 3);
  CHECK(Str(r.columns[0], 0) == "say \"hi\"");
  CHECK(Str(r.columns[0], 1) == "two\nlines");
  CHECK(Str(r.columns[0], 2) == "plain");
  CHECK(r.columns[1].ints == std::vector<int64_t>{1, 2, 3});
  // Line numbers count physical lines: the bad row after a two-line field is line 5.
  CHECK(ErrorOf("a,n\n\"x\ny\",1\nz,oops\n", {Col("n", ColType::kInt)}) ==
        "f.csv:4: column `n`: value `oops` is not a whole number");
}

TEST_CASE("nulls: empty non-string fields, declared tokens, empty strings stay strings") {
  CsvOptions o;
  o.nulls = {"NA"};
  CsvResult r = ParseCsv("s,x\n,\nNA,NA\n\"\",5\n", "f.csv", {Col("s", ColType::kString), Col("x", ColType::kInt)}, o);
  REQUIRE(r.rows == 3);
  CHECK(r.columns[0].valid == std::vector<uint8_t>{1, 0, 1});
  CHECK(Str(r.columns[0], 0).empty());
  CHECK(r.columns[1].valid == std::vector<uint8_t>{0, 0, 1});
  CHECK(r.columns[1].ints[2] == 5);
  o.nulls = {""};
  r = ParseCsv("s\n\"\"\nx\n", "f.csv", {Col("s", ColType::kString)}, o);
  CHECK(r.columns[0].valid == std::vector<uint8_t>{0, 1});
}

TEST_CASE("options: delimiter, date format, only requested columns, header names") {
  CsvOptions o;
  o.delimiter = ';';
  o.date_format.pattern = "%d/%m/%Y";
  CsvResult r =
      ParseCsv("Order Date;skip;下单金额\n31/01/2026;zzz;3.5\n", "f.csv",
               {{"Order Date", "ordered_on", ColType::kDate, 0}, {"下单金额", "amount", ColType::kDecimal, 2}}, o);
  REQUIRE(r.rows == 1);
  CHECK(FormatDate(static_cast<int32_t>(r.columns[0].ints[0])) == "2026-01-31");
  CHECK(r.columns[0].name == "ordered_on");
  CHECK(r.columns[1].ints[0] == 350);
}

TEST_CASE("bad input is an error naming file, line, column and value") {
  auto cols = std::vector<CsvColumnRequest>{Col("amount", ColType::kDecimal, 2)};
  CHECK(ErrorOf("amount\n1.005\n", cols) ==
        "f.csv:2: column `amount`: value `1.005` has more than 2 digits after the point for decimal(2) (rounding "
        "would change the amount)");
  CHECK(ErrorOf("amount\n12,3\n", cols) == "f.csv:2: the row has 2 fields, the header has 1");
  CHECK(ErrorOf("amount\nabc\n", cols) == "f.csv:2: column `amount`: value `abc` is not a decimal number");
  CHECK(ErrorOf("", cols) == "f.csv:1: the file is empty: expected a header row");
  CHECK(ErrorOf("price\n1\n", cols) ==
        "f.csv:1: column `amount`: missing: the header row has no column `amount` "
        "(it has: price)");
  CHECK(ErrorOf("s\n\xFF\n", {Col("s", ColType::kString)}) == "f.csv:2: column `s`: value `\\xff` is not valid UTF-8");
  CHECK(ErrorOf("d\n2026-02-30\n", {Col("d", ColType::kDate)}) ==
        "f.csv:2: column `d`: value `2026-02-30` is not a date in the format %Y-%m-%d");
  CHECK(ErrorOf("n\n99999999999999999999\n", {Col("n", ColType::kInt)}) ==
        "f.csv:2: column `n`: value `99999999999999999999` is too large for an int (64 bits)");
  // (review, 2026-12-05) `+-5` was read as -5; a negative past 64 bits was
  // "too large".
  CHECK(ErrorOf("n\n+-5\n", {Col("n", ColType::kInt)}) == "f.csv:2: column `n`: value `+-5` is not a whole number");
  CHECK(ErrorOf("n\n-99999999999999999999\n", {Col("n", ColType::kInt)}) ==
        "f.csv:2: column `n`: value `-99999999999999999999` is too small for an int (64 bits)");
  CHECK(ErrorOf("s\n\"open\n", {Col("s", ColType::kString)}) == "f.csv:2: a quoted field is never closed");
  CHECK(ErrorOf("a,b\n1,2\n\n", {Col("a", ColType::kInt)}) == "f.csv:3: the row is empty");
}

TEST_CASE("regression (probe): lines ending with a bare CR are an error, not one header row and no data") {
  // Classic Mac OS line endings: the whole file read as a header row, and
  // a metric on its first columns counted nothing, without a word.
  auto cols = std::vector<CsvColumnRequest>{Col("day", ColType::kString), Col("amt", ColType::kDecimal, 2)};
  CHECK(ErrorOf("day,amt,q\r2026-01-01,10.00,1\r2026-01-02,20.00,2\r", cols) ==
        "f.csv:1: the header row holds a carriage return (\\r) without a line feed: lines that end with a bare CR "
        "(classic Mac OS, Excel's \"CSV (Macintosh)\") are not read; save the file with LF or CRLF line endings");
  // CRLF is read as before.
  CHECK(ErrorOf("day,amt\r\n2026-01-01,1.00\r\n", cols) == "no error");
}

TEST_CASE("regression (probe): names of files and headers in errors are escaped, as values are") {
  // A header or a path could set the terminal's title or clear its screen
  // (ESC), or reorder the message (U+202E).
  auto cols = std::vector<CsvColumnRequest>{Col("q", ColType::kInt)};
  CHECK(ErrorOf("day,q\x1b[2J\xe2\x80\xae\n1,2\n", cols) ==
        "f.csv:1: column `q`: missing: the header row has no column `q` (it has: day, q\\x1b[2J\\u{202e})");
  try {
    ParseCsv("q\nx\xc2\x9b\xe2\x81\xa7\n", "d\x1b]0;T\x07/f.csv", cols, {});
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(std::string(e.what()) ==
          "d\\x1b]0;T\\x07/f.csv:2: column `q`: value `x\\u{9b}\\u{2067}` is not a whole number");
  }
}

TEST_CASE("regression (probe): an error that blames no row names the file alone, not line 0") {
  CHECK(std::string(DataError("f.parquet", 0, "c", "", "corrupt", false).what()) == "f.parquet: column `c`: corrupt");
  CHECK(std::string(DataError("f.parquet", 0, "", "", "not a Parquet file").what()) == "f.parquet: not a Parquet file");
  CHECK(std::string(DataError("f.parquet", 2, "x", "NaN", "is bad").what()) ==
        "f.parquet:2: column `x`: value `NaN` is bad");
  // Shifted (a part read from a byte offset) keeps a file-level error as it is.
  CHECK(std::string(DataError("f.csv", 0, "", "", "changed").Shifted(10).what()) == "f.csv: changed");
}

TEST_CASE("a header-only file has no rows") {
  CsvResult r = ParseCsv("amount\n", "f.csv", {Col("amount", ColType::kDecimal, 2)}, {});
  CHECK(r.rows == 0);
  CHECK(r.columns[0].size() == 0);
}

TEST_CASE("skipping bad rows counts and reports them and keeps columns aligned") {
  CsvOptions o;
  o.skip_bad_rows = true;
  CsvResult r =
      ParseCsv("a,b\n1,x\n2,3\nbad,4\n5\n6,7\n", "f.csv", {Col("a", ColType::kInt), Col("b", ColType::kInt)}, o);
  CHECK(r.rows == 2);
  CHECK(r.skipped == 3);
  CHECK(r.columns[0].ints == std::vector<int64_t>{2, 6});
  CHECK(r.columns[1].ints == std::vector<int64_t>{3, 7});
  REQUIRE(r.bad.size() == 3);
  CHECK(r.bad[0].line == 2);
  CHECK(r.bad[0].column == "b");
  CHECK(r.bad[0].value == "x");
  CHECK(r.bad[2].reason == "the row has 1 fields, the header has 2");
}

TEST_CASE("ReadCsv maps a file and reports a missing one") {
  std::string path = "kpic_test_read.csv";
  std::ofstream(path) << "n\n1\n2\n";
  CsvResult r = ReadCsv(path, {Col("n", ColType::kInt)}, {});
  CHECK(r.columns[0].ints == std::vector<int64_t>{1, 2});
  std::remove(path.c_str());
  CHECK_THROWS_AS(ReadCsv("no/such.csv", {Col("n", ColType::kInt)}, {}), DataError);
}

TEST_CASE("calendar arithmetic round-trips") {
  CHECK(DaysFromCivil(1970, 1, 1).value() == 0);
  CHECK(DaysFromCivil(2000, 3, 1).value() == 11017);
  CHECK_FALSE(DaysFromCivil(2023, 2, 29).has_value());
  for (int32_t d = DaysFromCivil(1, 1, 1).value(); d <= DaysFromCivil(9999, 12, 31).value(); d += 997) {
    int y, m, dd;
    CivilFromDays(d, &y, &m, &dd);
    CHECK(DaysFromCivil(y, m, dd).value() == d);
  }
}

TEST_CASE("the reader marks a column null-free only when it read no null into it") {
  // Scans skip the validity bytes of a null-free column, so a column with
  // a single null must never be marked. Small file: one thread.
  CsvOptions o;
  o.nulls = {"NA"};
  CsvResult r = ParseCsv("s,x,y,z\na,1,2,3\n,NA,5,6\nb,7,,9\n", "f.csv",
                         {Col("s", ColType::kString), Col("x", ColType::kInt), Col("y", ColType::kInt),
                          Col("z", ColType::kInt)},
                         o);
  REQUIRE(r.rows == 3);
  CHECK(r.columns[0].null_free);  // an empty string is a string, not a null
  CHECK(!r.columns[1].null_free);  // NA
  CHECK(!r.columns[2].null_free);  // an empty number
  CHECK(r.columns[3].null_free);
  // A large file, read by two threads whose parts are joined: a null in
  // the last rows (the second thread's part) clears the joined column's mark.
  std::string csv = "n,m\n";
  const int rows = 600000;
  for (int i = 1; i <= rows; ++i) csv += std::to_string(i) + "," + (i == rows - 3 ? "" : std::to_string(i)) + "\n";
  CsvOptions two;
  two.parallel_bytes = 1 << 20;  // two threads, with blocks of their own
  REQUIRE(csv.size() > (size_t{4} << 20));
  r = ParseCsv(csv, "big.csv", {Col("n", ColType::kInt), Col("m", ColType::kInt)}, two);
  REQUIRE(r.rows == static_cast<size_t>(rows));
  CHECK(r.columns[0].null_free);
  CHECK(!r.columns[1].null_free);
  CHECK(r.columns[1].valid[rows - 4] == 0);
  // The same in the first thread's part.
  csv = "n,m\n";
  for (int i = 1; i <= rows; ++i) csv += std::to_string(i) + "," + (i == 2 ? "" : std::to_string(i)) + "\n";
  r = ParseCsv(csv, "big.csv", {Col("n", ColType::kInt), Col("m", ColType::kInt)}, two);
  CHECK(r.columns[0].null_free);
  CHECK(!r.columns[1].null_free);
}

TEST_CASE("a large file is parsed on two cores with the same results and line numbers") {
  // Row i (1-based): n = i, amount = i.05, note quoted, with an embedded
  // newline every 1000th row, so physical lines run ahead of rows.
  std::string csv = "n,amount,note\n";
  const int64_t rows = 700000;
  int64_t newlines_in_notes = 0;
  for (int64_t i = 1; i <= rows; ++i) {
    csv += std::to_string(i) + "," + std::to_string(i) + ".05,";
    if (i % 1000 == 0) {
      csv += "\"line one\nline, two\"\n";
      ++newlines_in_notes;
    } else {
      csv += "\"plain " + std::to_string(i % 7) + "\"\n";
    }
  }
  REQUIRE(csv.size() > (size_t{16} << 20));
  std::vector<CsvColumnRequest> cols = {Col("n", ColType::kInt), Col("amount", ColType::kDecimal, 2),
                                        Col("note", ColType::kString)};
  CsvResult r = ParseCsv(csv, "big.csv", cols, {});
  REQUIRE(r.rows == static_cast<size_t>(rows));
  __int128 n_sum = 0, amount_sum = 0;
  for (size_t i = 0; i < r.rows; ++i) {
    n_sum += r.columns[0].ints[i];
    amount_sum += r.columns[1].ints[i];
  }
  CHECK(static_cast<int64_t>(n_sum) == rows * (rows + 1) / 2);
  CHECK(static_cast<int64_t>(amount_sum) == rows * (rows + 1) / 2 * 100 + rows * 5);
  CHECK(r.columns[2].dict.size() == 8);  // 7 plain notes and the two-line one
  CHECK(Str(r.columns[2], 999) == "line one\nline, two");
  CHECK(Str(r.columns[2], 350000) == "plain " + std::to_string(350001 % 7));
  // A bad value near the end is reported at its physical line.
  std::string bad = csv;
  std::string needle = "\n699999,699999.05,";
  size_t at = bad.find(needle);
  REQUIRE(at != std::string::npos);
  bad.replace(at + 1, 6, "69x999");
  int64_t line = 1 + 699999 + (699998 / 1000);  // header + rows before + embedded newlines before it
  CHECK(ErrorOf(bad, cols) == "f.csv:" + std::to_string(line) + ": column `n`: value `69x999` is not a whole number");
}

TEST_CASE("regression (fuzzer): a headerless file with fewer fields than declared columns") {
  CsvOptions o;
  o.header = false;
  CHECK(
      ErrorOf(std::string(",,b\0\0b\0\0", 9),
              {Col("a", ColType::kInt), Col("b", ColType::kInt), Col("c", ColType::kString), Col("d", ColType::kDate)},
              o) == "f.csv:1: the file has 3 columns per row, but 4 are declared and there is no header");
  CsvResult r = ParseCsv("1,x\n2,y\n", "f.csv", {Col("n", ColType::kInt), Col("s", ColType::kString)}, o);
  CHECK(r.rows == 2);
}

TEST_CASE("regression (fuzzer): several fields with doubled quotes in one row keep their values") {
  CsvResult r = ParseCsv("a,b,c\n\"1\"\"\",\"2\"\"\",\"3\"\"\"\n", "f.csv",
                         {Col("a", ColType::kString), Col("b", ColType::kString), Col("c", ColType::kString)}, {});
  REQUIRE(r.rows == 1);
  CHECK(Str(r.columns[0], 0) == "1\"");
  CHECK(Str(r.columns[1], 0) == "2\"");
  CHECK(Str(r.columns[2], 0) == "3\"");
}

TEST_CASE("fast and general paths agree: rows that leave the fast path are read by the general one") {
  // Every expected value is read off the fixture. Rows alternate between the
  // plain form the fast path takes and forms it hands to the general path
  // (quotes, '+', 'true', exponents, 19 digits, a trailing CR).
  const char* csv =
      "n,amount,ok,name,at\n"
      "1,12.5,1,ab,2026-01-02T03:04:05\n"
      "+2,\"7\",true,\"ab\",2026-01-02 03:04:06\n"
      "-3,-0.07,0,abcdefgh,2026-01-02T03:04:07.5\n"
      "1234567890123456789,+1.00,1,abcdefghijklmnop,2026-01-02T03:04:08Z\n"
      "5,0.1,0,abcdefghijklmnopq,2026-01-02T03:04:09\r\n"
      "6,,1,,\n";
  CsvResult r = ParseCsv(csv, "f.csv",
                         {Col("n", ColType::kInt), Col("amount", ColType::kDecimal, 2), Col("ok", ColType::kBool),
                          Col("name", ColType::kString), Col("at", ColType::kTimestamp)},
                         {});
  REQUIRE(r.rows == 6);
  CHECK(r.columns[0].ints == std::vector<int64_t>{1, 2, -3, 1234567890123456789, 5, 6});
  CHECK(r.columns[1].ints == std::vector<int64_t>{1250, 700, -7, 100, 10, 0});
  CHECK(r.columns[1].valid == std::vector<uint8_t>{1, 1, 1, 1, 1, 0});
  CHECK(r.columns[2].ints == std::vector<int64_t>{1, 1, 0, 1, 0, 1});
  CHECK(Str(r.columns[3], 0) == "ab");
  CHECK(r.columns[3].codes[0] == r.columns[3].codes[1]);  // quoted or not, one dictionary entry
  CHECK(Str(r.columns[3], 2) == "abcdefgh");
  CHECK(Str(r.columns[3], 3) == "abcdefghijklmnop");
  CHECK(Str(r.columns[3], 4) == "abcdefghijklmnopq");
  CHECK(Str(r.columns[3], 5) == "");  // an empty string field is the empty string
  CHECK(r.columns[4].valid == std::vector<uint8_t>{1, 1, 1, 1, 1, 0});
  CHECK(FormatTimestamp(r.columns[4].ints[0]) == "2026-01-02T03:04:05Z");
  CHECK(FormatTimestamp(r.columns[4].ints[1]) == "2026-01-02T03:04:06Z");
  CHECK(r.columns[4].ints[2] == r.columns[4].ints[0] + 2500000);  // .5 s
  CHECK(FormatTimestamp(r.columns[4].ints[4]) == "2026-01-02T03:04:09Z");
}

TEST_CASE("strings of one to three bytes that share their first, middle or last byte stay apart") {
  const std::vector<std::string> values = {"a", "aa", "aaa", "ab", "ba", "aab", "abb", "aba", "bab", "b", "bb", "abc"};
  std::string csv = "s\n";
  for (int round = 0; round < 2; ++round)
    for (const std::string& v : values) csv += v + "\n";
  CsvResult r = ParseCsv(csv, "f.csv", {Col("s", ColType::kString)}, {});
  REQUIRE(r.rows == 2 * values.size());
  CHECK(r.columns[0].dict.size() == values.size());
  for (size_t i = 0; i < r.rows; ++i) CHECK(Str(r.columns[0], i) == values[i % values.size()]);
}

TEST_CASE("short strings that differ only in length or trailing NUL bytes stay apart") {
  // A NUL is a control character, refused in every value; the fast path's
  // short-string words, where `a` and `a\0` load alike, must not take
  // one for the other after `a` has been cached.
  for (size_t len : {2, 8, 9}) {
    std::string csv = "s\na\n" + std::string("a") + std::string(len - 1, '\0') + "\na\n";
    CHECK(ErrorOf(csv, {Col("s", ColType::kString)}).find("f.csv:3: column `s`: value `a\\x00") == 0);
  }
  CsvResult r = ParseCsv("s\na\nab\na\n", "f.csv", {Col("s", ColType::kString)}, {});
  REQUIRE(r.rows == 3);
  CHECK(r.columns[0].dict.size() == 2);
  CHECK(r.columns[0].codes[0] == r.columns[0].codes[2]);
}

TEST_CASE("invalid UTF-8 is refused even after valid strings have filled the dictionary") {
  CHECK(ErrorOf("s,n\nok,1\nok,2\n\xC3\x28,3\n", {Col("s", ColType::kString), Col("n", ColType::kInt)}) ==
        "f.csv:4: column `s`: value `\\xc3(` is not valid UTF-8");
  CHECK(ErrorOf("s,n\nok,1\nabcdefghijklmnopqrstu\xFF,3\n", {Col("s", ColType::kString), Col("n", ColType::kInt)})
            .find("f.csv:3: column `s`") == 0);
}

TEST_CASE("regression: a decimal with more digits than 64 bits hold is refused, not wrapped") {
  CHECK(ErrorOf("a\n92233720368547758.08\n", {Col("a", ColType::kDecimal, 2)}) ==
        "f.csv:2: column `a`: value `92233720368547758.08` is out of range for decimal(2)");
  CsvResult r =
      ParseCsv("a\n92233720368547758.07\n-92233720368547758.07\n", "f.csv", {Col("a", ColType::kDecimal, 2)}, {});
  CHECK(r.columns[0].ints == std::vector<int64_t>{INT64_MAX, -INT64_MAX});
}

TEST_CASE("regression (fuzzer): a decimal with twenty digits goes to the general path before it can overflow") {
  CHECK(ErrorOf("a\n123456789012345678901\n", {Col("a", ColType::kDecimal, 2)}) ==
        "f.csv:2: column `a`: value `123456789012345678901` is out of range for decimal(2)");
}

TEST_CASE("short numbers are read word-at-a-time to the same values as digit by digit") {
  // Values read off the text by hand; then every length and scale, with a
  // bad byte at every position, against the general path.
  CsvResult r =
      ParseCsv("n,a,b\n7,0.01,1.5\n12345678,12345.67,-0.125\n-123456789,99999.99,+7.000\n00000001,100.00,0.0\n",
               "f.csv", {Col("n", ColType::kInt), Col("a", ColType::kDecimal, 2), Col("b", ColType::kDecimal, 3)}, {});
  CHECK(r.columns[0].ints == std::vector<int64_t>{7, 12345678, -123456789, 1});
  CHECK(r.columns[1].ints == std::vector<int64_t>{1, 1234567, 9999999, 10000});
  CHECK(r.columns[2].ints == std::vector<int64_t>{1500, -125, 7000, 0});
  for (int scale = 0; scale <= 7; ++scale) {
    std::vector<CsvColumnRequest> cols = {Col("x", scale == 7 ? ColType::kInt : ColType::kDecimal, scale % 7)};
    for (size_t len = 1; len <= 10; ++len) {
      std::string good;
      for (size_t i = 0; i < len; ++i) good += static_cast<char>('1' + (i * 7 + len) % 9);
      if (scale > 0 && scale < 7 && static_cast<size_t>(scale) < len) good[len - 1 - static_cast<size_t>(scale)] = '.';
      std::vector<std::string> values = {good, "-" + good, "+" + good};
      for (size_t at = 0; at < len; ++at)
        for (char bad : std::string("/:.a -\x7f\x80", 9)) {
          std::string v = good;
          v[at] = bad;
          values.push_back(v);
        }
      for (const std::string& v : values) {
        std::string text = "x,y\n" + v + ",z\n";
        CsvOptions o;
        std::string fast = Outcome(text, cols, o);
        o.fast_path = false;
        CAPTURE(v);
        CAPTURE(scale);
        CHECK(fast == Outcome(text, cols, o));
      }
    }
  }
}

/// `good`, the `others`, and `good` with each of its bytes replaced by
/// each of a set of bad ones.
static std::vector<std::string> WithBadBytes(const std::string& good, std::vector<std::string> others) {
  std::vector<std::string> values = {good};
  values.insert(values.end(), others.begin(), others.end());
  for (size_t at = 0; at < good.size(); ++at)
    for (char bad : std::string("/:.a -T\x7f\x80\xff" "0", 11)) {
      std::string v = good;
      v[at] = bad;
      values.push_back(v);
    }
  return values;
}

TEST_CASE("times of day with a bad byte anywhere are read alike by the fast and general paths") {
  CsvResult r = ParseCsv("t\n2026-01-02T03:04:05\n2026-01-02 23:59:59\n2026-01-03T00:00:00\n", "f.csv",
                         {Col("t", ColType::kTimestamp)}, {});
  CHECK(r.columns[0].ints ==
        std::vector<int64_t>{(20455 * 86400 + 3 * 3600 + 4 * 60 + 5) * int64_t{1000000},
                             (20455 * 86400 + 23 * 3600 + 59 * 60 + 59) * int64_t{1000000}, 20456 * 86400 * int64_t{1000000}});
  std::vector<CsvColumnRequest> cols = {Col("t", ColType::kTimestamp)};
  const std::string good = "2026-01-02T13:45:56";
  std::vector<std::string> values = WithBadBytes(good, {"2026-01-02T24:00:00", "2026-01-02T23:60:00",
                                                         "2026-01-02T23:59:60", "2026-01-02T09:09:09",
                                                         "2026-01-02T19:59:59"});
  for (const std::string& v : values) {
    // The row before sets the fast path's cached date; the value's own date may differ.
    std::string text = "t\n2026-01-02T00:00:00\n" + v + "\n";
    CsvOptions o;
    std::string fast = Outcome(text, cols, o);
    o.fast_path = false;
    CAPTURE(v);
    CHECK(fast == Outcome(text, cols, o));
  }
}

TEST_CASE("dates with a bad byte anywhere are read alike by the fast and general paths") {
  // 2026-01-02 is day 20455 (as in the timestamps above); the fast path
  // reuses the previous row's day while the text repeats.
  CsvResult r = ParseCsv("d\n2026-01-02\n2026-01-02\n2026-01-03\n2024-02-29\n2026-1-05\n", "f.csv",
                         {Col("d", ColType::kDate)}, {});
  CHECK(r.columns[0].ints == std::vector<int64_t>{20455, 20455, 20456, 19782, 20458});
  std::vector<CsvColumnRequest> cols = {Col("d", ColType::kDate)};
  std::vector<std::string> values =
      WithBadBytes("2026-01-02", {"2026-02-29", "2024-02-29", "0000-01-01", "9999-12-31", "2026-13-01", "2026-00-10",
                                  "2026-01-32", "2026-1-5", "2026-01-2", "20260102", "2026/01/02", "2026-01-020"});
  for (const std::string& v : values) {
    // The row before sets the fast path's cached date; the value's own may differ.
    std::string text = "d\n2026-01-02\n" + v + "\n" + v + "\n";
    CsvOptions o;
    std::string fast = Outcome(text, cols, o);
    o.fast_path = false;
    CAPTURE(v);
    CHECK(fast == Outcome(text, cols, o));
    // Another format is not the fast path's: still read alike.
    o.fast_path = true;
    o.date_format.pattern = "%d/%m/%Y";
    std::string other = Outcome(text, cols, o);
    o.fast_path = false;
    CHECK(other == Outcome(text, cols, o));
  }
}

TEST_CASE("the fast path and the general path read random files alike") {
  // Differential: the general path alone (fast_path off) is the reference.
  // Fields mix plain, quoted, empty, null-token, malformed and long forms.
  std::mt19937_64 rng(3);
  const std::vector<std::string> forms = {"12",
                                          "-7",
                                          "+3",
                                          "",
                                          "NA",
                                          "\"q,\"\"x\"\"\"",
                                          "1.25",
                                          "0.5",
                                          "1.234",
                                          "abc",
                                          "true",
                                          "1",
                                          "2026-03-01",
                                          "2026-03-01T08:30:00",
                                          "2026-02-30T08:30:00",
                                          "2026-03-01T24:00:00",
                                          "北京",
                                          "\xC3\x28",
                                          "1e3",
                                          "99999999999999999999",
                                          "a\rb",
                                          "x\"y"};
  std::vector<CsvColumnRequest> cols = {Col("a", ColType::kInt),       Col("b", ColType::kDecimal, 2),
                                        Col("c", ColType::kString),    Col("d", ColType::kDate),
                                        Col("e", ColType::kTimestamp), Col("f", ColType::kBool),
                                        Col("g", ColType::kFloat)};
  auto outcome = [&](const std::string& text, const CsvOptions& o) { return Outcome(text, cols, o); };
  for (int file = 0; file < 200; ++file) {
    std::string text = "a,b,c,d,e,f,g\n";
    int rows = 1 + static_cast<int>(rng() % 40);
    for (int r = 0; r < rows; ++r) {
      int width = rng() % 20 == 0 ? 6 : 7;  // now and then a ragged row
      for (int f = 0; f < width; ++f) {
        // Mostly the form that suits the column, so that rows pass.
        static const int suit[] = {0, 6, 9, 12, 13, 11, 0};
        text += (f ? "," : "") + (rng() % 4 ? forms[static_cast<size_t>(suit[f])] : forms[rng() % forms.size()]);
      }
      text += rng() % 10 == 0 ? "\r\n" : "\n";
    }
    for (bool skip : {false, true}) {
      CsvOptions o;
      o.nulls = {"NA"};
      o.skip_bad_rows = skip;
      std::string fast = outcome(text, o);
      o.fast_path = false;
      CAPTURE(text);
      CHECK(fast == outcome(text, o));
    }
  }
}

TEST_CASE("a large file with a literal quote in an unquoted field is read right on two cores") {
  // One literal quote inside an unquoted field (row 3), which made the
  // earlier rule (counting quotes before the split) read on one core.
  // Expected sums are those of n = 1..rows.
  const int64_t rows = 1400000;
  std::string csv = "n,note\n";
  for (int64_t i = 1; i <= rows; ++i) csv += std::to_string(i) + (i == 3 ? ",a\"b\n" : ",plain\n");
  REQUIRE(csv.size() > (size_t{16} << 20));
  CsvResult r = ParseCsv(csv, "f.csv", {Col("n", ColType::kInt), Col("note", ColType::kString)}, {});
  REQUIRE(r.rows == static_cast<size_t>(rows));
  __int128 sum = 0;
  for (int64_t v : r.columns[0].ints) sum += v;
  CHECK(static_cast<int64_t>(sum) == rows * (rows + 1) / 2);
  CHECK(Str(r.columns[1], 2) == "a\"b");
}

TEST_CASE("regression: a split point inside a quoted field is found and the rows read right, streamed or not") {
  // Fixed-width rows "NNNNNNN,xxxxxxx\n". Row 5's note has a literal quote
  // (xx"yyyy, an unquoted field), and the row at the split point holds a
  // quoted field with a line break ("ab\ncd") whose break is the first one
  // after the middle. Counting quotes before the split (the earlier rule)
  // found them paired and started the second core inside the field, and
  // the file was refused. Every expected value is read off the rows.
  const std::string header = "n,note\n";
  for (size_t n = 1'100'000;; ++n) {
    size_t size = header.size() + n * 16;
    size_t target = header.size() + (size - header.size()) / 2;
    size_t off = (target - header.size()) % 16;
    if (off > 11) continue;
    size_t spanning = (target - header.size()) / 16;
    std::string csv = header;
    csv.reserve(size);
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      const char* note = i == 5 ? "xx\"yyyy" : i == spanning ? "\"ab\ncd\"" : "xxxxxxx";
      std::snprintf(buf, sizeof buf, "%07zu,%s\n", i, note);
      csv += buf;
    }
    REQUIRE(csv.size() == size);
    REQUIRE(csv.find('\n', target) == header.size() + spanning * 16 + 11);
    std::vector<CsvColumnRequest> cols = {Col("n", ColType::kInt), Col("note", ColType::kString)};
    // Two blocks: the second thread's guess is the first line break after
    // the middle, which is inside the quoted field.
    CsvOptions whole;
    whole.block_bytes = target - header.size();
    CsvResult r = ParseCsv(csv, "f.csv", cols, whole);
    REQUIRE(r.rows == n);
    CHECK(r.columns[0].ints[spanning] == static_cast<int64_t>(spanning));
    CHECK(r.columns[0].ints[n - 1] == static_cast<int64_t>(n - 1));
    CHECK(Str(r.columns[1], spanning) == "ab\ncd");
    CHECK(Str(r.columns[1], 5) == "xx\"yyyy");
    // Streamed: the second thread's chunks are discarded, and the rows kept
    // are each row once.
    CsvOptions o = whole;
    std::vector<size_t> rows(2, 0);
    std::vector<__int128> sums(2, 0);
    int discarded = -1;
    o.on_chunk = [&](int part, CsvResult& chunk, bool) {
      rows[static_cast<size_t>(part)] += chunk.rows;
      for (size_t k = 0; k < chunk.rows; ++k) sums[static_cast<size_t>(part)] += chunk.columns[0].ints[k];
    };
    o.on_discard = [&](int part) {
      discarded = part;
      rows[static_cast<size_t>(part)] = 0;
      sums[static_cast<size_t>(part)] = 0;
    };
    CsvResult counts = ParseCsv(csv, "f.csv", cols, o);
    CHECK(discarded == 1);
    CHECK(counts.rows == n);
    CHECK(rows[0] + rows[1] == n);
    CHECK(static_cast<int64_t>(sums[0] + sums[1]) == static_cast<int64_t>(n * (n - 1) / 2));
    break;
  }
}

TEST_CASE("skipped rows of a large file are reported at their physical lines from both cores") {
  // Rows i = 1..rows, "i,i.05"; rows 7 and rows - 3 hold a bad amount. Row i
  // is on line i + 1 (the header is line 1).
  const int64_t rows = 1'200'000;
  std::string csv = "n,amount\n";
  for (int64_t i = 1; i <= rows; ++i)
    csv += std::to_string(i) + "," + (i == 7 || i == rows - 3 ? std::string("x") : std::to_string(i) + ".05") + "\n";
  REQUIRE(csv.size() > (size_t{16} << 20));
  CsvOptions o;
  o.skip_bad_rows = true;
  CsvResult r = ParseCsv(csv, "f.csv", {Col("n", ColType::kInt), Col("amount", ColType::kDecimal, 2)}, o);
  CHECK(r.rows == static_cast<size_t>(rows - 2));
  CHECK(r.skipped == 2);
  REQUIRE(r.bad.size() == 2);
  CHECK(r.bad[0].line == 8);
  CHECK(r.bad[1].line == static_cast<size_t>(rows - 3 + 1));
  CHECK(r.bad[1].value == "x");
}

TEST_CASE("two threads reading in small blocks read random files as one thread does") {
  // Differential, with blocks of 1 to 80 bytes so that the second thread's
  // guessed record starts fall everywhere: inside quoted fields with line
  // breaks, on doubled quotes, next to literal quotes and bad rows. One
  // thread reading the whole file is the reference; the fixture tests above
  // check that reading against hand-written values.
  std::mt19937_64 rng(11);
  const std::vector<std::string> notes = {"plain", "\"two\nlines\"", "\"a,\"\"b\"\"\nc\"", "x\"y", "", "\"\n\"",
                                          "\"\"",  "北京",           "\"\r\n\"",           "z"};
  std::vector<CsvColumnRequest> cols = {Col("n", ColType::kInt), Col("note", ColType::kString),
                                        Col("amount", ColType::kDecimal, 2)};
  auto outcome = [&](const std::string& text, const CsvOptions& o) { return Outcome(text, cols, o); };
  // Streamed: each part's values of n, with a part's discarded by on_discard;
  // the kept values, sorted, must be the file's.
  auto streamed = [&](const std::string& text, CsvOptions o) {
    std::vector<std::vector<int64_t>> parts(2);
    o.chunk_rows = 3;
    o.on_chunk = [&](int part, CsvResult& chunk, bool) {
      for (size_t k = 0; k < chunk.rows; ++k)
        parts[static_cast<size_t>(part)].push_back(chunk.columns[0].valid[k] ? chunk.columns[0].ints[k] : -1);
    };
    o.on_discard = [&](int part) { parts[static_cast<size_t>(part)].clear(); };
    std::vector<int64_t> all;
    try {
      CsvResult r = ParseCsv(text, "f.csv", cols, o);
      all = parts[0];
      all.insert(all.end(), parts[1].begin(), parts[1].end());
      std::sort(all.begin(), all.end());
      CHECK(r.rows == all.size());
    } catch (const DataError& e) {
      all = {-2};
    }
    return all;
  };
  int two_thread_files = 0;
  for (int file = 0; file < 400; ++file) {
    std::string text = "n,note,amount\n";
    int rows = 1 + static_cast<int>(rng() % 60);
    for (int r = 1; r <= rows; ++r) {
      bool ragged = rng() % 40 == 0;
      bool bad = rng() % 30 == 0;
      text += (bad ? "x" : std::to_string(r)) + "," + notes[rng() % notes.size()];
      if (!ragged) text += "," + std::to_string(r) + ".0" + std::to_string(r % 10);
      text += rng() % 8 == 0 ? "\r\n" : "\n";
    }
    for (bool skip : {false, true}) {
      CsvOptions one;
      one.skip_bad_rows = skip;
      one.parallel_bytes = SIZE_MAX;
      CsvOptions two = one;
      two.parallel_bytes = 0;
      two.block_bytes = 1 + rng() % 80;
      two.window_bytes = 16 + rng() % 100;  // the fast path's buffer refilled every few records
      CAPTURE(text);
      CAPTURE(two.block_bytes);
      CAPTURE(two.window_bytes);
      std::string expected = outcome(text, one);
      CHECK(outcome(text, two) == expected);
      std::vector<int64_t> expected_rows = streamed(text, one);
      CHECK(streamed(text, two) == expected_rows);
      if (file % 20 == 0) {  // from a file: the fast path reads it with pread(2)
        const std::string path = "kpic_test_blocks.csv";
        std::ofstream(path, std::ios::binary) << text;
        std::string read;
        try {
          read = Describe(ReadCsv(path, cols, two));
        } catch (const DataError& e) {
          read = std::string(e.what()).replace(0, path.size(), "f.csv");
        }
        CHECK(read == expected);
        std::remove(path.c_str());
      }
      two.fast_path = false;
      CHECK(outcome(text, two) == expected);
      two_thread_files += text.size() > 2 * two.block_bytes;
    }
  }
  CHECK(two_thread_files > 500);
}

TEST_CASE("date formats read unpadded months and days, as strptime does") {
  DateFormat us{"%m/%d/%Y"};
  CHECK(ParseDate("3/7/2025", us) == DaysFromCivil(2025, 3, 7));
  CHECK(ParseDate("03/07/2025", us) == DaysFromCivil(2025, 3, 7));
  CHECK(ParseDate("12/31/2025", us) == DaysFromCivil(2025, 12, 31));
  CHECK(ParseDate("1/15/2025", us) == DaysFromCivil(2025, 1, 15));
  CHECK_FALSE(ParseDate("13/1/2025", us));
  CHECK_FALSE(ParseDate("3//2025", us));
  DateFormat iso{"%Y-%m-%d"};
  CHECK(ParseDate("2025-3-7", iso) == DaysFromCivil(2025, 3, 7));
  DateFormat packed{"%Y%m%d"};  // no separators: two digits each, always
  CHECK(ParseDate("20250307", packed) == DaysFromCivil(2025, 3, 7));
  CsvOptions o;
  o.date_format = us;
  for (bool fast : {true, false}) {
    o.fast_path = fast;
    CsvResult r = ParseCsv("d\n3/7/2025\n11/2/2025\n", "f.csv", {Col("d", ColType::kDate)}, o);
    CHECK(Describe(r) == "2/0|" + std::to_string(*DaysFromCivil(2025, 3, 7)) + "|" +
                             std::to_string(*DaysFromCivil(2025, 11, 2)));
  }
}

TEST_CASE("NaN and infinities in a float column are data errors, unless declared null tokens") {
  for (const char* v : {"nan", "NaN", "inf", "-inf", "Infinity"}) {
    std::string csv = std::string("f\n1.5\n") + v + "\n";
    CHECK(ErrorOf(csv, {Col("f", ColType::kFloat)}) ==
          std::string("f.csv:3: column `f`: value `") + v +
              "` is not a finite number (NaN and infinities cannot be summed; declare the token with `null:` if it "
              "means a missing value)");
  }
  CsvOptions o;
  o.nulls = {"NaN"};
  CHECK(Describe(ParseCsv("f\n1.5\nNaN\n", "f.csv", {Col("f", ColType::kFloat)}, o)) == "2/0|1.500000|null");
}

TEST_CASE("control characters inside a value are data errors on both reading paths") {
  for (bool fast : {true, false}) {
    CsvOptions o;
    o.fast_path = fast;
    // An escape sequence would recolour the terminal; the message shows it
    // escaped, never raw.
    CHECK(ErrorOf("s\nabc\nx\x1b[31mRED\n", {Col("s", ColType::kString)}, o) ==
          "f.csv:3: column `s`: value `x\\x1b[31mRED` contains a control character, U+001B (an escape), which no "
          "text value may hold (tab, line feed and carriage return are allowed)");
    CHECK(ErrorOf(std::string("s\n\"b\0nul\"\n", 10), {Col("s", ColType::kString)}, o)
              .find("f.csv:2: column `s`: value `b\\x00nul` contains a control character, U+0000 (a NUL byte)") == 0);
    CHECK(ErrorOf("s\nx\x7f\n", {Col("s", ColType::kString)}, o).find("U+007F (a delete)") != std::string::npos);
    CHECK(ErrorOf("s\nx\x07\n", {Col("s", ColType::kString)}, o).find("U+0007 (a bell)") != std::string::npos);
    CHECK(ErrorOf("s\nx\x1f\n", {Col("s", ColType::kString)}, o).find("U+001F (unit separator)") != std::string::npos);
    // Tab, line feed and carriage return stay (quoted, as CSV needs).
    CHECK(Describe(ParseCsv("s\n\"a\tb\"\n\"c\nd\"\n\"e\rf\"\n", "f.csv", {Col("s", ColType::kString)}, o)) ==
          "3/0|a\tb|c\nd|e\rf");
  }
  CHECK(ControlCharacter("a\tb\nc\rd ~\x80") == nullptr);
  CHECK(TextProblem("ok") == "");
}

TEST_CASE("invisible characters inside a value are data errors on both reading paths") {
  for (bool fast : {true, false}) {
    CsvOptions o;
    o.fast_path = fast;
    CHECK(ErrorOf("s\nabc\n\xEF\xBB\xBF" "abc\n", {Col("s", ColType::kString)}, o) ==
          "f.csv:3: column `s`: value `\\u{feff}abc` contains an invisible character, U+FEFF (a byte-order "
          "mark), which would make it a member apart from the same visible text");
    CHECK(ErrorOf("s\na\xE2\x80\xAE" "b\n", {Col("s", ColType::kString)}, o).find("bidirectional") !=
          std::string::npos);
    // Zero-width joiners stay: emoji and some scripts need them.
    CHECK(Describe(ParseCsv("s\na\xE2\x80\x8D" "b\n", "f.csv", {Col("s", ColType::kString)}, o)) ==
          "1/0|a\xE2\x80\x8D" "b");
    // Every other format character (Cf) is refused, not only a fixed few: a
    // soft hyphen makes `s1` a second member that prints like `s1`. The
    // message shows it escaped (it was shown invisibly).
    CHECK(ErrorOf("s\ns1\ns\xC2\xAD" "1\n", {Col("s", ColType::kString)}, o) ==
          "f.csv:3: column `s`: value `s\\u{ad}1` contains an invisible character, U+00AD (a soft hyphen), which "
          "would make it a member apart from the same visible text");
    for (const char* cf : {"\xD8\x80",           // U+0600 Arabic number sign
                           "\xD8\x9C",           // U+061C Arabic letter mark
                           "\xDC\x8F",           // U+070F Syriac abbreviation mark
                           "\xE1\xA0\x8E",       // U+180E Mongolian vowel separator
                           "\xE2\x81\xAF",       // U+206F nominal digit shapes
                           "\xEF\xBF\xBB",       // U+FFFB interlinear annotation terminator
                           "\xF0\x91\x82\xBD",   // U+110BD Kaithi number sign
                           "\xF0\x93\x90\xBF",   // U+1343F Egyptian hieroglyph format control
                           "\xF0\x9D\x85\xB3",   // U+1D173 musical symbol begin beam
                           "\xF3\xA0\x80\x81",   // U+E0001 language tag
                           "\xF3\xA0\x81\xBF"})  // U+E007F cancel tag
      CHECK(ErrorOf(std::string("s\nx") + cf + "y\n", {Col("s", ColType::kString)}, o).find("contains an invisible "
                                                                                           "character") !=
            std::string::npos);
    // The zero-width non-joiner stays (Persian: می‌خواهم), as do letters
    // next to the format characters' code points (U+00AC, U+0606, U+E0080).
    for (const char* ok : {"\xD9\x85\xDB\x8C\xE2\x80\x8C\xD8\xAE", "\xC2\xAC", "\xD8\x86", "\xF3\xA0\x82\x80"})
      CHECK(Describe(ParseCsv(std::string("s\n") + ok + "\n", "f.csv", {Col("s", ColType::kString)}, o)) ==
            std::string("1/0|") + ok);
  }
  // The byte-order mark at the very start of the file is the file's, not a value's.
  CHECK(Describe(ParseCsv("\xEF\xBB\xBFs\nabc\n", "f.csv", {Col("s", ColType::kString)}, {})) == "1/0|abc");
}
