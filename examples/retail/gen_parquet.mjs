// The retail example's data as Parquet, written by DuckDB from the CSV
// files in data/ (so both variants hold the same rows):
//   KPIC_NODE_MODULES=bench/node_modules node examples/retail/gen_parquet.mjs OUT_DIR [ROW_GROUP_ROWS]
// writes OUT_DIR/orders.parquet, traffic.parquet and products.parquet
// (Snappy, DuckDB's defaults but for row groups of ROW_GROUP_ROWS rows,
// default 2048, so that --from/--to and roles have row groups to skip),
// and OUT_DIR/orders_by_store/store=.../*.parquet, the orders partitioned
// Hive-style by store (the store column then lives in the folder names).
// Columns have the declared types of model.kpi: decimal(2) is DECIMAL(18,2),
// timestamps are TIMESTAMP (wall-clock time in the calendar's zone, as in
// the CSV). Read with `--bind orders=parquet:OUT_DIR/orders.parquet ...`.
// @duckdb/node-api (bench/package.json) is resolved from $KPIC_NODE_MODULES.
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.KPIC_NODE_MODULES ?? join(here, '../../bench/node_modules');
const require = createRequire(`${resolve(modules)}/`);
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const out = resolve(process.argv[2] ?? join(here, 'out/parquet'));
const rowGroup = Number(process.argv[3] ?? 2048);
const data = join(here, 'data');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Per file: the CSV header and its type (null: a string, kept as written;
// kpic reads an empty string field as the empty string, other empty fields
// as null).
const tables = {
  orders: [['order_id'], ['下单时间', 'TIMESTAMP'], ['store'], ['channel'], ['customer_type'], ['customer_id'],
    ['product_id'], ['quantity', 'BIGINT'], ['amount', 'DECIMAL(18,2)'], ['discount', 'DECIMAL(18,2)'],
    ['returned', 'BOOLEAN'], ['is_repeat', 'BOOLEAN'], ['shipped_at', 'TIMESTAMP']],
  traffic: [['day', 'DATE'], ['store'], ['channel'], ['visitors', 'BIGINT']],
  products: [['product_id'], ['商品名称'], ['category'], ['unit_cost', 'DECIMAL(18,2)']],
};
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const id = (s) => `"${s.replaceAll('"', '""')}"`;
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
for (const [name, cols] of Object.entries(tables)) {
  const select = cols.map(([h, t]) => (t ? `CAST(NULLIF(${id(h)}, '') AS ${t}) AS ${id(h)}` : id(h))).join(', ');
  const src = `read_csv(${q(join(data, `${name}.csv`))}, header = true, all_varchar = true, ` +
    `nullstr = '\u0001no null\u0001', quote = '"', escape = '"')`;
  await con.run(`CREATE TABLE ${name} AS SELECT ${select} FROM ${src}`);
  await con.run(`COPY ${name} TO ${q(join(out, `${name}.parquet`))} ` +
    `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup})`);
}
await con.run(`COPY orders TO ${q(join(out, 'orders_by_store'))} ` +
  `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup}, PARTITION_BY (store))`);
console.log(`wrote ${out}`);
