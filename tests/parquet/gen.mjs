// Generates the Parquet reader's test files with two independent writers,
// DuckDB and arrow-rs (through parquet-wasm), and DuckDB's reading of
// every file as the expected values.
//   node gen.mjs OUT_DIR
// Writes OUT_DIR/<case>.parquet, and OUT_DIR/cases.json: per case, the
// columns to request (name, kpic type, scale), and either the expected
// rows (every value as canonical text, null as null) or the error expected.
// Canonical text: integers and decimals as DuckDB prints them, dates as
// days since 1970-01-01, timestamps as microseconds since the epoch
// (nanoseconds floored), floats as JS numbers' text, bools true/false.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';

const out = path.resolve(process.argv[2]);
fs.mkdirSync(out, { recursive: true });
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
const cases = [];

// ---- DuckDB: v1 pages, PLAIN_DICTIONARY, decimals on INT32/INT64/FLBA ----
const N = Number(process.env.PQ_ROWS || 5000);  // PQ_ROWS: small files as fuzzing seeds
const nul = (k, e) => `CASE WHEN i % ${k} = 3 THEN NULL ELSE ${e} END`;
await con.run(`CREATE TABLE t AS SELECT
  i::BIGINT AS id,
  ${nul(7, '(i % 200 - 100)::TINYINT')} AS i8,
  ${nul(11, '(i * 37 % 60000 - 30000)::SMALLINT')} AS i16,
  ${nul(13, '(i * 7919 - 20000000)::INTEGER')} AS i32,
  ${nul(9, '(i % 256)::UTINYINT')} AS u8,
  ${nul(9, '(i * 13 % 65536)::USMALLINT')} AS u16,
  ${nul(9, '(4294967295 - i * 3)::UINTEGER')} AS u32,
  ${nul(9, '(i * 1000000007)::UBIGINT')} AS u64,
  ${nul(5, '((i * 7331 % 200000) - 100000) / 100')}::DECIMAL(9,2) AS d9,
  ${nul(6, '((i * 987654321 % 9000000000000) - 4500000000000) / 10000')}::DECIMAL(18,4) AS d18,
  ${nul(8, '((i::HUGEINT * 1234567890123 % 2000000000000000) - 1000000000000000) / 1000000')}::DECIMAL(38,6) AS d38,
  ${nul(10, '(i * 0.37 - 500)::FLOAT')} AS f32,
  ${nul(10, '(i * 1.0e-3 - 1.5) * pi()')}::DOUBLE AS f64,
  ${nul(4, 'i % 3 = 0')} AS b,
  ${nul(7, "['north', 'south', 'east', 'west', 'ünïcødé ✓', ''][i % 6 + 1]")} AS s_dict,
  ${nul(12, "'row-' || i || repeat('x', i % 17)")} AS s_plain,
  ${nul(5, "DATE '1969-12-20' + (i * 3)::INTEGER")} AS dt,
  ${nul(6, "TIMESTAMP '1969-12-31 23:00:00' + to_microseconds(i::BIGINT * 86400123457)")} AS ts_us,
  ${nul(6, "(TIMESTAMP '2020-02-29 12:00:00' + to_milliseconds(i::BIGINT * 3600007))::TIMESTAMP_MS")} AS ts_ms,
  ${nul(6, 'make_timestamp_ns((i::BIGINT - 2500) * 98765432109877)')} AS ts_ns,
  ${nul(6, "(TIMESTAMP '2026-03-29 00:30:00' + to_minutes(i::BIGINT * 7))::TIMESTAMPTZ")} AS ts_tz
FROM range(${N}) r(i)`);

const duckColumns = [
  ['id', 'int'], ['i8', 'int'], ['i16', 'int'], ['i32', 'int'], ['u8', 'int'], ['u16', 'int'], ['u32', 'int'],
  ['u64', 'int'], ['d9', 'decimal', 2], ['d18', 'decimal', 4], ['d38', 'decimal', 6], ['f32', 'float'],
  ['f64', 'float'], ['b', 'bool'], ['s_dict', 'string'], ['s_plain', 'string'], ['dt', 'date'],
  ['ts_us', 'timestamp'], ['ts_ms', 'timestamp'], ['ts_ns', 'timestamp'], ['ts_tz', 'timestamp'],
];

for (const codec of ['snappy', 'gzip', 'zstd', 'lz4_raw', 'uncompressed']) {
  const name = `duckdb_${codec}`;
  await con.run(`COPY t TO '${out}/${name}.parquet' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048)`);
  cases.push({ name, writer: 'duckdb', columns: duckColumns });
}
// Declared types other than the file's own: wider decimal scales, ints as
// decimals and floats, decimals as floats, a narrower scale whose extra
// digits are zeros.
await con.run(`COPY (SELECT id, d9, d18, i32, (i32 / 100)::DECIMAL(12,2)::DECIMAL(16,4) AS d_zeros FROM t) TO
  '${out}/duckdb_widen.parquet' (FORMAT parquet, COMPRESSION snappy)`);
cases.push({ name: 'duckdb_widen', writer: 'duckdb', columns: [['id', 'decimal', 3], ['d9', 'decimal', 5], ['d18', 'float'],
  ['i32', 'float'], ['d_zeros', 'decimal', 2]] });

// Errors: each names the column and, for a value, the value.
await con.run(`COPY (SELECT 1.25::DECIMAL(9,2) AS amount, 'x' AS name, 5::BIGINT AS n UNION ALL SELECT 2.5, 'y', 6)
  TO '${out}/duckdb_types.parquet' (FORMAT parquet)`);
cases.push({ name: 'duckdb_types', writer: 'duckdb', columns: [['name', 'decimal', 2]],
  error: 'column `name`: is declared `decimal(2)` but the Parquet file has `BYTE_ARRAY UTF8`' });
cases.push({ name: 'duckdb_types', writer: 'duckdb', columns: [['amount', 'decimal', 1]],
  error: 'value `1.25` has more than 1 digits after the point for decimal(1)' });
cases.push({ name: 'duckdb_types', writer: 'duckdb', columns: [['nope', 'int']],
  error: 'missing: the Parquet file has no column `nope`' });
await con.run(`COPY (SELECT 99999999999999999999.5::DECIMAL(38,1) AS big) TO '${out}/duckdb_big.parquet' (FORMAT parquet)`);
cases.push({ name: 'duckdb_big', writer: 'duckdb', columns: [['big', 'decimal', 1]],
  error: 'value `99999999999999999999.5` is out of range for decimal(1)' });
await con.run(`COPY (SELECT [1, 2] AS list, {'a': 1} AS st, 1 AS flat) TO '${out}/duckdb_nested.parquet' (FORMAT parquet)`);
cases.push({ name: 'duckdb_nested', writer: 'duckdb', columns: [['st', 'int']], error: 'column `st` is nested' });
cases.push({ name: 'duckdb_nested', writer: 'duckdb', columns: [['flat', 'int']] });

// A Hive-partitioned dataset: the partition columns are typed by the
// declaration; DuckDB reads them with hive_partitioning.
await con.run(`COPY (SELECT id, s_dict, (id % 3 + 2024)::INTEGER AS year, ['a b', 'c/d'][id % 2 + 1] AS region FROM t WHERE id < 600)
  TO '${out}/hive' (FORMAT parquet, PARTITION_BY (year, region), OVERWRITE_OR_IGNORE)`);
cases.push({ name: 'hive', dir: true, writer: 'duckdb', columns: [['id', 'int'], ['s_dict', 'string'], ['year', 'int'], ['region', 'string']],
  order: 'id' });

// ---- arrow-rs: v2 (and v1) pages, DELTA_*, BYTE_STREAM_SPLIT ----
const M = Number(process.env.PQ_ROWS || 3000);
const valid = (i, k) => i % k !== 3;
function build(type, values) {
  const n = values.length;
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  values.forEach((v, i) => { if (v === null) nulls++; else bitmap[i >> 3] |= 1 << (i & 7); });
  return arrow.makeVector(arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap,
    data: (() => {
      const Arr = type.ArrayType;
      const stride = arrow.DataType.isDecimal(type) ? 4 : 1;
      const a = new Arr(n * stride);
      values.forEach((v, i) => {
        if (v === null) return;
        if (stride === 1) a[i] = v;
        else { // 128-bit decimal: four little-endian words
          let x = BigInt.asUintN(128, v);
          for (let k = 0; k < 4; k++) { a[i * 4 + k] = Number(x & 0xFFFFFFFFn); x >>= 32n; }
        }
      });
      return a;
    })() }));
}
const range = (f, k) => Array.from({ length: M }, (_, i) => (valid(i, k) ? f(i) : null));
const big = (f, k) => range((i) => BigInt(f(i)), k);
const strs = (f, k) => arrow.vectorFromArray(range(f, k), new arrow.Utf8());
function arrowTable() {
  return new arrow.Table({
    id: build(new arrow.Int64(), big((i) => i, 1000000)),
    i8: build(new arrow.Int8(), range((i) => (i % 200) - 100, 7)),
    i16: build(new arrow.Int16(), range((i) => ((i * 37) % 60000) - 30000, 11)),
    i32: build(new arrow.Int32(), range((i) => i * 7919 - 20000000, 13)),
    i64: build(new arrow.Int64(), big((i) => BigInt(i) * 12345678901234n - 20000000000000000n, 5)),
    u8: build(new arrow.Uint8(), range((i) => i % 256, 9)),
    u16: build(new arrow.Uint16(), range((i) => (i * 13) % 65536, 9)),
    u32: build(new arrow.Uint32(), range((i) => 4294967295 - i * 3, 9)),
    u64: build(new arrow.Uint64(), big((i) => BigInt(i) * 3000000000000000n, 9)),
    d9: build(new arrow.Decimal(2, 9, 128), big((i) => ((i * 7331) % 200000) - 100000, 5)),
    d18: build(new arrow.Decimal(4, 18, 128), big((i) => BigInt(i) * 98765432109n - 100000000000000n, 6)),
    d30: build(new arrow.Decimal(3, 30, 128), big((i) => BigInt(i) * 1234567890123457n - 2000000000000000000n, 8)),
    f32: build(new arrow.Float32(), range((i) => Math.fround(i * 0.37 - 500), 10)),
    f64: build(new arrow.Float64(), range((i) => (i * 1e-3 - 1.5) * Math.PI, 10)),
    b: arrow.vectorFromArray(range((i) => i % 3 === 0, 4), new arrow.Bool()),
    s_dict: strs((i) => ['north', 'south', 'east', 'west', 'ünïcødé ✓', ''][i % 6], 7),
    s_delta: strs((i) => `customer-${String(i % 97).padStart(4, '0')}-${'y'.repeat(i % 5)}`, 12),
    s_len: strs((i) => `v${i}${'z'.repeat(i % 23)}`, 12),
    dt: build(new arrow.DateDay(), range((i) => -11 + i * 3, 5)),
    ts_ms: build(new arrow.TimestampMillisecond('UTC'), big((i) => 1582977600000n + BigInt(i) * 3600007n, 6)),
    ts_us: build(new arrow.TimestampMicrosecond('UTC'), big((i) => -3600000000n + BigInt(i) * 86400123457n, 6)),
    ts_ns: build(new arrow.TimestampNanosecond(), big((i) => (BigInt(i) - 1500n) * 98765432109877n, 6)),
  });
}
const arrowColumns = [
  ['id', 'int'], ['i8', 'int'], ['i16', 'int'], ['i32', 'int'], ['i64', 'int'], ['u8', 'int'], ['u16', 'int'],
  ['u32', 'int'], ['u64', 'int'], ['d9', 'decimal', 2], ['d18', 'decimal', 4], ['d30', 'decimal', 3], ['f32', 'float'],
  ['f64', 'float'], ['b', 'bool'], ['s_dict', 'string'], ['s_delta', 'string'], ['s_len', 'string'], ['dt', 'date'],
  ['ts_ms', 'timestamp'], ['ts_us', 'timestamp'], ['ts_ns', 'timestamp'],
];
const ipc = arrow.tableToIPC(arrowTable(), 'stream');
const E = pw.Encoding;
const codecs = { snappy: pw.Compression.SNAPPY, gzip: pw.Compression.GZIP, zstd: pw.Compression.ZSTD,
  lz4_raw: pw.Compression.LZ4_RAW, uncompressed: pw.Compression.UNCOMPRESSED };
function writeArrow(name, codec, version, encodings) {
  let props = new pw.WriterPropertiesBuilder().setCompression(codecs[codec]).setWriterVersion(version)
    .setMaxRowGroupSize(1100).setDataPageSizeLimit(2048).setStatisticsEnabled(pw.EnabledStatistics.Chunk);
  for (const [col, enc] of Object.entries(encodings))
    props = props.setColumnDictionaryEnabled(col, false).setColumnEncoding(col, enc);
  fs.writeFileSync(`${out}/${name}.parquet`, pw.writeParquet(pw.Table.fromIPCStream(ipc), props.build()));  // writing consumes the table
  cases.push({ name, writer: 'arrow-rs', columns: arrowColumns });
}
const deltas = { id: E.DELTA_BINARY_PACKED, i16: E.DELTA_BINARY_PACKED, i32: E.DELTA_BINARY_PACKED,
  i64: E.DELTA_BINARY_PACKED, u32: E.DELTA_BINARY_PACKED, u64: E.DELTA_BINARY_PACKED, d18: E.DELTA_BINARY_PACKED,
  ts_ns: E.DELTA_BINARY_PACKED, dt: E.DELTA_BINARY_PACKED, s_delta: E.DELTA_BYTE_ARRAY, s_len: E.DELTA_LENGTH_BYTE_ARRAY,
  f32: E.BYTE_STREAM_SPLIT, f64: E.BYTE_STREAM_SPLIT,
  d30: E.DELTA_BYTE_ARRAY, b: E.RLE };
for (const codec of Object.keys(codecs)) writeArrow(`arrow_v2_${codec}`, codec, pw.WriterVersion.V2, deltas);
writeArrow('arrow_v1_plain', 'snappy', pw.WriterVersion.V1, { i32: E.PLAIN, s_delta: E.PLAIN, d30: E.PLAIN, f64: E.PLAIN, ts_us: E.PLAIN });
writeArrow('arrow_v2_dict', 'zstd', pw.WriterVersion.V2, {});

// ---- DuckDB's reading of every file: the expected values ----
function expr(c) {
  const q = `"${c[0]}"`;
  switch (c[1]) {
    case 'date': return `CAST(${q} - DATE '1970-01-01' AS VARCHAR)`;
    case 'timestamp': return `CAST(epoch_ns(${q}) AS VARCHAR)`;
    case 'float': return `CAST(${q} AS DOUBLE)`;
    case 'string': return q;
    default: return `CAST(${q} AS VARCHAR)`;
  }
}
function floorDiv(s) {
  const n = BigInt(s);
  const q = n / 1000n;
  return String(n % 1000n !== 0n && n < 0n ? q - 1n : q);
}
for (const c of cases) {
  if (c.error) continue;
  const src = c.dir ? `read_parquet('${out}/${c.name}/**/*.parquet', hive_partitioning = true)` : `read_parquet('${out}/${c.name}.parquet')`;
  const order = c.order ? ` ORDER BY "${c.order}"` : '';
  const reader = await con.runAndReadAll(`SELECT ${c.columns.map(expr).join(', ')} FROM ${src}${order}`);
  c.rows = reader.getRows().map((row) => row.map((v, k) => {
    if (v === null) return null;
    const type = c.columns[k][1];
    if (type === 'timestamp') return floorDiv(v);
    if (type === 'float') return String(v);
    return String(v);
  }));
}
fs.writeFileSync(`${out}/cases.json`, JSON.stringify(cases));
console.log(`${cases.length} cases written to ${out}`);
