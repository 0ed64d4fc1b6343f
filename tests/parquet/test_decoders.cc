// The Parquet decoders against hand-computed bytes: the examples of
// parquet-format's Encodings.md (RLE/bit-packed hybrid, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT), encoded by
// hand below with the arithmetic in the comments, the Thrift compact
// protocol, and value conversion. Expected values come from the spec's
// text, not from the decoders.
#include <doctest/doctest.h>
#include <snappy.h>

#include <string>
#include <vector>

#include "parquet/column_chunk.h"
#include "parquet/compact.h"
#include "parquet/convert.h"
#include "parquet/delta.h"
#include "parquet/page_values.h"
#include "parquet/rle.h"

using namespace kpic::rt;
using namespace kpic::rt::parquet;

namespace {

std::vector<int64_t> Delta(const std::vector<uint8_t>& bytes, size_t n) {
  DeltaBinaryDecoder d(bytes.data(), bytes.size());
  std::vector<int64_t> out(n);
  d.Get(out.data(), n);
  return out;
}

std::vector<std::string> Strings(const std::vector<uint8_t>& bytes, size_t n, bool prefixed) {
  std::vector<std::string> out;
  auto each = [&](std::string_view s) { out.emplace_back(s); };
  if (prefixed)
    DecodeDeltaByteArray(bytes.data(), bytes.size(), n, each);
  else
    DecodeDeltaLength(bytes.data(), bytes.size(), n, each);
  return out;
}

std::vector<uint8_t> Bytes(std::initializer_list<int> v) { return std::vector<uint8_t>(v.begin(), v.end()); }

/// Appends a Thrift compact i32 field (the field header `head` = id delta
/// << 4 | 5, then the value zigzag-encoded as a varint).
void I32Field(std::vector<uint8_t>& out, uint8_t head, int32_t v) {
  out.push_back(head);
  uint32_t z = (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  for (; z >= 0x80; z >>= 7) out.push_back(static_cast<uint8_t>(z | 0x80));
  out.push_back(static_cast<uint8_t>(z));
}

/// An uncompressed v1 data page of an optional INT64 column, PLAIN: the
/// header (PageHeader{1: type 0, 2 and 3: the body's size, 5:
/// DataPageHeader{1: rows, 2: PLAIN, 3: RLE, 4: RLE}}), the levels'
/// length (4 bytes, little-endian), the RLE levels, the values.
/// With `snappy`, the body is compressed with libsnappy (the header's
/// field 3 is then the compressed size).
void DataPage(std::vector<uint8_t>& out, int32_t rows, const std::vector<uint8_t>& levels,
              const std::vector<int64_t>& values, bool snappy = false) {
  std::vector<uint8_t> body = {static_cast<uint8_t>(levels.size()), 0, 0, 0};
  body.insert(body.end(), levels.begin(), levels.end());
  for (int64_t v : values)
    for (int k = 0; k < 8; ++k) body.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * k)));
  const size_t full = body.size();
  if (snappy) {
    std::string packed;
    snappy::Compress(reinterpret_cast<const char*>(body.data()), body.size(), &packed);
    body.assign(packed.begin(), packed.end());
  }
  I32Field(out, 0x15, 0);
  I32Field(out, 0x15, static_cast<int32_t>(full));
  I32Field(out, 0x15, static_cast<int32_t>(body.size()));
  out.push_back(0x2C);  // field 5 (delta 2), a struct
  I32Field(out, 0x15, rows);
  I32Field(out, 0x15, 0);  // PLAIN
  I32Field(out, 0x15, 3);  // RLE
  I32Field(out, 0x15, 3);
  out.push_back(0);  // the DataPageHeader's stop
  out.push_back(0);  // the PageHeader's stop
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace

TEST_CASE("RLE/bit-packed hybrid: the spec's bit-packing of 0..7 in 3 bits, then an RLE run") {
  // Encodings.md: 0..7 at width 3 pack to 10001000 11000110 11111010.
  // A bit-packed run of one group: header (1 << 1) | 1 = 3. Then an RLE run
  // of five 4s: header 5 << 1 = 10, the value in one byte.
  std::vector<uint8_t> data = Bytes({3, 0x88, 0xC6, 0xFA, 10, 4});
  RleDecoder d(data.data(), data.size(), 3);
  std::vector<uint32_t> out(13);
  d.Get(out.data(), 13);
  CHECK(out == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 4, 4, 4, 4, 4});
  uint32_t more;
  CHECK_THROWS_AS(d.Get(&more, 1), FormatError);
}

TEST_CASE("RLE/bit-packed hybrid: values read across calls, a cut last run, bytes output") {
  std::vector<uint8_t> data = Bytes({3, 0x88, 0xC6, 0xFA});
  RleDecoder d(data.data(), data.size(), 3);
  uint8_t a[3], b[5];
  d.GetBytes(a, 3);
  d.GetBytes(b, 5);
  CHECK(std::vector<uint8_t>(a, a + 3) == Bytes({0, 1, 2}));
  CHECK(std::vector<uint8_t>(b, b + 5) == Bytes({3, 4, 5, 6, 7}));
  // A run claiming 2 groups (16 values) with the bytes of 8: only 8 are there.
  std::vector<uint8_t> cut = Bytes({5, 0x88, 0xC6, 0xFA});
  RleDecoder c(cut.data(), cut.size(), 3);
  std::vector<uint32_t> out(9);
  CHECK_THROWS_AS(c.Get(out.data(), 9), FormatError);
  // An RLE value wider than the bit width is corrupt.
  std::vector<uint8_t> wide = Bytes({2, 9});
  RleDecoder w(wide.data(), wide.size(), 3);
  CHECK_THROWS_AS(w.Get(out.data(), 1), FormatError);
}

TEST_CASE("DELTA_BINARY_PACKED: the spec's examples (with a valid block of 128 values, 4 miniblocks)") {
  // Example 1: 1..5. Header: 128 (ULEB 0x80 0x01), 4 miniblocks, 5 values,
  // first value zigzag(1) = 2. Block: min delta zigzag(1) = 2, widths 0.
  CHECK(Delta(Bytes({0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0}), 5) == std::vector<int64_t>{1, 2, 3, 4, 5});
  // Example 2: 7 5 3 1 2 3 4 5; deltas -2 -2 -2 1 1 1 1; min -2, zigzag 3;
  // relative 0 0 0 3 3 3 3 at 2 bits: 0xC0 0x3F then zeros (32 values x 2
  // bits = 8 bytes). First value zigzag(7) = 14.
  CHECK(Delta(Bytes({0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0}), 8) ==
        std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5});
  // Wrapping arithmetic: INT64_MAX then +1 wraps to INT64_MIN.
  // first = zigzag(INT64_MAX) = 0xFFFFFFFFFFFFFFFE; min delta zigzag(1) = 2.
  CHECK(Delta(Bytes({0x80, 0x01, 4, 2, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 2, 0, 0, 0, 0}),
              2) == std::vector<int64_t>{INT64_MAX, INT64_MIN});
  // Invalid headers: a block size not a multiple of 128; too few values.
  CHECK_THROWS_AS(Delta(Bytes({8, 1, 5, 2, 2, 0}), 5), FormatError);
  CHECK_THROWS_AS(Delta(Bytes({0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0}), 6), FormatError);
  // A miniblock whose bits are missing.
  CHECK_THROWS_AS(Delta(Bytes({0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0}), 8), FormatError);
}

TEST_CASE("DELTA_LENGTH_BYTE_ARRAY: the spec's Hello World Foobar ABCDEF") {
  // Lengths 5 5 6 6: first zigzag(5) = 10; deltas 0 1 0, min 0, relative
  // 0 1 0 at 1 bit: 0x02, the miniblock 4 bytes.
  std::vector<uint8_t> b = Bytes({0x80, 0x01, 4, 4, 10, 0, 1, 0, 0, 0, 0x02, 0, 0, 0});
  for (char c : std::string("HelloWorldFoobarABCDEF")) b.push_back(static_cast<uint8_t>(c));
  CHECK(Strings(b, 4, false) == std::vector<std::string>{"Hello", "World", "Foobar", "ABCDEF"});
  b.pop_back();  // the data is one byte short
  CHECK_THROWS_AS(Strings(b, 4, false), FormatError);
}

TEST_CASE("DELTA_BYTE_ARRAY: the spec's axis axle babble babyhood") {
  // Prefixes 0 2 0 3: first 0; deltas 2 -2 3, min -2 (zigzag 3), relative
  // 4 0 5 at 3 bits: bits 2 and 6 of byte 0, bit 0 of byte 1: 0x44 0x01;
  // the miniblock is 32 x 3 bits = 12 bytes.
  std::vector<uint8_t> b = Bytes({0x80, 0x01, 4, 4, 0, 3, 3, 0, 0, 0, 0x44, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  // Suffix lengths 4 2 6 5: first zigzag(4) = 8; deltas -2 4 -1, min -2,
  // relative 0 6 1 at 3 bits: bits 4, 5 and 6: 0x70.
  for (int x : {0x80, 0x01, 4, 4, 8, 3, 3, 0, 0, 0, 0x70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
    b.push_back(static_cast<uint8_t>(x));
  for (char c : std::string("axislebabbleyhood")) b.push_back(static_cast<uint8_t>(c));
  CHECK(Strings(b, 4, true) == std::vector<std::string>{"axis", "axle", "babble", "babyhood"});
  // A prefix longer than the previous value is corrupt: make the first prefix 1.
  std::vector<uint8_t> bad = b;
  bad[4] = 2;  // first value zigzag(1)
  CHECK_THROWS_AS(Strings(bad, 4, true), FormatError);
}

TEST_CASE("BYTE_STREAM_SPLIT: the spec's three 4-byte values") {
  // AA BB CC DD, 00 11 22 33, A3 B4 C5 D6 split into streams.
  std::vector<uint8_t> b = Bytes({0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6});
  CsvOptions o;
  ValueKind k;
  k.kind = ValueKind::kSignedInt;
  k.bits = 32;
  Converter conv(k, Physical::kInt32, ColType::kInt, 0, o);
  Column col;
  ValueContext ctx{Physical::kInt32, 0, &conv, &col};
  PageValues pv(Encoding::kByteStreamSplit, b.data(), b.size(), 3, ctx, nullptr);
  int64_t out[3];
  pv.Ints(out, 3, [](size_t, std::string, std::string) { FAIL("no value is bad"); });
  CHECK(out[0] == static_cast<int32_t>(0xDDCCBBAAu));
  CHECK(out[1] == 0x33221100);
  CHECK(out[2] == static_cast<int32_t>(0xD6C5B4A3u));
  // Fewer bytes than 3 values need.
  CHECK_THROWS_AS(PageValues(Encoding::kByteStreamSplit, b.data(), 11, 3, ctx, nullptr), FormatError);
}

TEST_CASE("Thrift compact protocol: fields, deltas, lists, skipping, bounds") {
  // struct { 1: i32 = -3 (zigzag 5), 3: string "ab", 4: list<i64> [1, -1]
  // (header: 2 << 4 | 6), 20: bool true (long form: delta 0, type 1, then
  // the id as zigzag 40), stop }
  std::string b = {0x15, 0x05, 0x28, 0x02, 'a', 'b', 0x19, 0x26, 0x02, 0x01, 0x01, 0x28, 0x00};
  CompactReader r(b, 0);
  int32_t i = 0;
  std::string s;
  std::vector<int64_t> l;
  bool flag = false;
  r.Struct([&](int16_t id, TType t) {
    if (id == 1)
      i = r.I32();
    else if (id == 3)
      s = std::string(r.Binary());
    else if (id == 4)
      r.List([&](TType) { l.push_back(r.I64()); });
    else if (id == 20)
      flag = r.Bool(t);
    else
      r.Skip(t);
  });
  CHECK(i == -3);
  CHECK(s == "ab");
  CHECK(l == std::vector<int64_t>{1, -1});
  CHECK(flag);
  // A list claiming more elements than there are bytes; a string past the end.
  std::string big = {0x19, static_cast<char>(0xF6), 0x7F, 0x00};
  CompactReader r2(big, 100);
  CHECK_THROWS_AS(r2.Struct([&](int16_t, TType t) { r2.Skip(t); }), FormatError);
  std::string cut = {0x18, 0x09, 'a'};
  CompactReader r3(cut, 0);
  CHECK_THROWS_AS(r3.Struct([&](int16_t, TType t) { r3.Skip(t); }), FormatError);
}

TEST_CASE("Conversion: decimals never rounded, nanoseconds floored, unsigned checked, wall-clock times") {
  CsvOptions o;
  std::vector<std::string> bad;
  BadFn on_bad = [&](size_t i, std::string v, std::string why) {
    bad.push_back(std::to_string(i) + " " + v + " " + why);
  };
  ValueKind dec;
  dec.kind = ValueKind::kDecimal;
  dec.scale = 4;
  Converter narrow(dec, Physical::kInt64, ColType::kDecimal, 2, o);
  int64_t v[] = {12300, -12300, 12345};  // 1.2300, -1.2300, 1.2345
  narrow.Ints(v, 3, on_bad);
  CHECK(v[0] == 123);
  CHECK(v[1] == -123);
  REQUIRE(bad.size() == 1);
  CHECK(bad[0] == "2 1.2345 has more than 2 digits after the point for decimal(2) (rounding would change the amount)");
  bad.clear();
  Converter wide(dec, Physical::kInt64, ColType::kDecimal, 18, o);
  int64_t w[] = {1, 10000000};  // 0.0001 fits decimal(18); 1000.0000 does not
  wide.Ints(w, 2, on_bad);
  CHECK(w[0] == 100000000000000);
  CHECK(bad.size() == 1);
  // FIXED_LEN_BYTE_ARRAY decimals: big-endian two's complement.
  int64_t out = 0;
  std::string shown;
  CHECK(narrow.DecimalBytes(std::string("\xFF\xFF\xCF\xF4", 4), &out, nullptr, &shown) == "");
  CHECK(out == -123);  // 0xFFFFCFF4 = -12300: -1.2300
  CHECK(narrow.DecimalBytes(std::string("\xFF\xFF\xCF\xC7", 4), &out, nullptr, &shown) != "");
  CHECK(shown == "-1.2345");  // 0xFFFFCFC7 = -12345
  // 17 bytes whose first only extends the sign: still 1 (0.0001).
  CHECK(narrow.DecimalBytes(std::string(16, '\0') + "\x64", &out, nullptr, &shown) == "");
  CHECK(out == 1);  // 0x64 = 100: 0.0100
  ValueKind ns;
  ns.kind = ValueKind::kTimestamp;
  ns.unit = 3;
  Converter nanos(ns, Physical::kInt64, ColType::kTimestamp, 0, o);
  int64_t t[] = {1999, -1, -1000, -1001};
  nanos.Ints(t, 4, on_bad);
  CHECK(t[0] == 1);
  CHECK(t[1] == -1);
  CHECK(t[2] == -1);
  CHECK(t[3] == -2);
  ValueKind u64;
  u64.kind = ValueKind::kUnsignedInt;
  Converter uns(u64, Physical::kInt64, ColType::kInt, 0, o);
  bad.clear();
  int64_t u[] = {5, -1};
  uns.Ints(u, 2, on_bad);
  CHECK(u[0] == 5);
  REQUIRE(bad.size() == 1);
  CHECK(bad[0] == "1 18446744073709551615 is too large for an int (64 bits)");
  ValueKind local;
  local.kind = ValueKind::kTimestamp;
  local.unit = 2;
  local.utc = false;
  o.tz_offset_minutes = 60;  // wall-clock 01:00 at +01:00 is 00:00 UTC
  Converter wall(local, Physical::kInt64, ColType::kTimestamp, 0, o);
  int64_t lt[] = {3600000000};
  wall.Ints(lt, 1, on_bad);
  CHECK(lt[0] == 0);
}

TEST_CASE("Column chunks read in slices: across pages, with nulls, bad values at their row") {
  // Two pages of a DECIMAL(18,4) column read as decimal(2). Page 1: 5 rows,
  // levels 1 0 1 1 1 (a bit-packed group of 8: header 1 << 1 | 1 = 3, bits
  // LSB first 10111000 = 0x1D), values 0.1000 0.3000 0.4000 0.5000. Page 2:
  // 4 rows, levels an RLE run of four 1s (header 4 << 1 = 8, value 1),
  // values 0.6000 0.7000 1.2345 (more digits than decimal(2): bad, row 7)
  // 0.9000.
  std::vector<uint8_t> chunk;
  DataPage(chunk, 5, {0x03, 0x1D}, {1000, 3000, 4000, 5000});
  DataPage(chunk, 4, {0x08, 0x01}, {6000, 7000, 12345, 9000});
  CsvOptions o;
  ValueKind dec;
  dec.kind = ValueKind::kDecimal;
  dec.scale = 4;
  Converter conv(dec, Physical::kInt64, ColType::kDecimal, 2, o);
  const std::vector<int64_t> want = {10, 0, 30, 40, 50, 60, 70, 0, 90};
  const std::vector<uint8_t> want_valid = {1, 0, 1, 1, 1, 1, 1, 1, 1};
  for (size_t slice : {1, 2, 3, 4, 5, 9}) {
    CAPTURE(slice);
    Column col;
    col.type = ColType::kDecimal;
    col.scale = 2;
    ValueContext ctx{Physical::kInt64, 0, &conv, &col};
    ColumnChunkReader r;
    r.Start(chunk.data(), chunk.size(), 1000, Codec::kUncompressed, 9, true, ctx);
    std::vector<size_t> bad_rows;
    while (r.left() > 0)
      r.Read(std::min(slice, r.left()), [&](size_t row, std::string value, std::string) {
        bad_rows.push_back(row);
        CHECK(value == "1.2345");
      });
    CHECK(col.ints == want);
    CHECK(col.valid == want_valid);
    CHECK(bad_rows == std::vector<size_t>{7});
  }
  // A chunk that claims a row more than its pages hold: the error names the
  // rows found, when a slice reaches the end.
  Column col;
  col.type = ColType::kDecimal;
  col.scale = 2;
  ValueContext ctx{Physical::kInt64, 0, &conv, &col};
  ColumnChunkReader r;
  r.Start(chunk.data(), chunk.size(), 1000, Codec::kUncompressed, 10, true, ctx);
  auto ignore = [](size_t, std::string, std::string) {};
  r.Read(6, ignore);
  CHECK(col.size() == 6);
  CHECK_THROWS_WITH_AS(r.Read(4, ignore), doctest::Contains("ends after 9 of its 10 values"), FormatError);
}

TEST_CASE("A column chunk of one compressed page is decompressed up front and lets go of its bytes") {
  // One SNAPPY page of 4 rows, levels 1 0 1 1 (bit-packed: header 3, bits
  // 1101 = 0x0D), values 5 7 9 as DECIMAL(18,0) read as decimal(0).
  std::vector<uint8_t> chunk;
  DataPage(chunk, 4, {0x03, 0x0D}, {5, 7, 9}, true);
  std::vector<uint8_t> two = chunk;
  DataPage(two, 1, {0x02, 0x01}, {11}, true);  // a second page: the bytes are needed later
  CsvOptions o;
  ValueKind dec;
  dec.kind = ValueKind::kDecimal;
  Converter conv(dec, Physical::kInt64, ColType::kDecimal, 0, o);
  Column col;
  col.type = ColType::kDecimal;
  ValueContext ctx{Physical::kInt64, 0, &conv, &col};
  auto ignore = [](size_t, std::string, std::string) {};
  ColumnChunkReader r;
  r.Start(two.data(), two.size(), 0, Codec::kSnappy, 5, true, ctx);
  CHECK_FALSE(r.OneCompressedPage());
  r.Start(chunk.data(), chunk.size(), 0, Codec::kUncompressed, 4, true, ctx);
  CHECK_FALSE(r.OneCompressedPage());  // (an uncompressed page's values are read from the bytes)
  r.Start(chunk.data(), chunk.size(), 0, Codec::kSnappy, 4, true, ctx);
  REQUIRE(r.OneCompressedPage());
  r.Detach();
  std::fill(chunk.begin(), chunk.end(), uint8_t{0xFF});  // the bytes are not read again
  r.Read(1, ignore);
  r.Read(3, ignore);
  CHECK(col.ints == std::vector<int64_t>{5, 0, 7, 9});
  CHECK(col.valid == std::vector<uint8_t>{1, 0, 1, 1});
  // A chunk claiming a row more than its one page: the end, not the old bytes.
  chunk.clear();
  DataPage(chunk, 4, {0x03, 0x0D}, {5, 7, 9}, true);
  r.Start(chunk.data(), chunk.size(), 0, Codec::kSnappy, 5, true, ctx);
  REQUIRE(r.OneCompressedPage());
  r.Detach();
  std::fill(chunk.begin(), chunk.end(), uint8_t{0xFF});
  r.Read(4, ignore);
  CHECK_THROWS_WITH_AS(r.Read(1, ignore), doctest::Contains("ends after 4 of its 5 values"), FormatError);
}
