// DuckDB peer for workloads Q1 and Q2 (../shared/design/benchmark.md):
//   node duckdb_q.mjs DIR q1|q2 csv      read_csv end to end (query time printed)
//   node duckdb_q.mjs DIR q1|q2 memory   tables loaded first (not timed), then the query
//   node duckdb_q.mjs DIR q1|q2 parquet  read_parquet of bench/to_parquet.mjs's files end to end
// Explicit column types, exact count(DISTINCT), two threads.
import { DuckDBInstance } from '@duckdb/node-api';
import { orderCols, sessionCols } from './workload.mjs';

const [dir, query, mode] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
let orders = `read_csv('${dir}/orders.csv', header = true, columns = ${orderCols})`;
let sessions = `read_csv('${dir}/sessions.csv', header = true, columns = ${sessionCols})`;
if (mode === 'parquet') {
  // The files of bench/to_parquet.mjs (returned is a BOOLEAN there).
  orders = `(SELECT * REPLACE (CAST(returned AS INTEGER) AS returned) FROM read_parquet('${dir}/orders.parquet'))`;
  sessions = `read_parquet('${dir}/sessions.parquet')`;
}
if (mode === 'memory') {
  await con.run(`CREATE TABLE orders AS SELECT * FROM ${orders}`);
  await con.run(`CREATE TABLE sessions AS SELECT * FROM ${sessions}`);
  orders = 'orders';
  sessions = 'sessions';
}
const metrics = `sum(amount) AS revenue, count(*) AS orders, count(DISTINCT customer_id) AS customers,
  avg(amount) AS aov, sum(amount * discount) / sum(amount) AS discount_rate, avg(returned) AS return_rate,
  sum(CASE WHEN customer_type = 'vip' THEN amount ELSE 0 END) / sum(amount) AS vip_revenue_share`;
const sql = query === 'q1'
  ? `SELECT strftime(ts, '%Y-%m') AS month, channel, ${metrics} FROM ${orders} GROUP BY 1, 2 ORDER BY 1, 2`
  : `WITH o AS (SELECT store_id, strftime(ts, '%Y-%m') AS month, ${metrics} FROM ${orders} GROUP BY 1, 2),
          s AS (SELECT store_id, strftime(date, '%Y-%m') AS month, sum(visitors) AS visitors FROM ${sessions} GROUP BY 1, 2)
     SELECT o.*, o.orders / s.visitors AS conversion FROM o LEFT JOIN s USING (store_id, month) ORDER BY 1, 2`;
const t0 = performance.now();
const reader = await con.runAndReadAll(sql);
const ms = performance.now() - t0;
const rows = reader.getRows();
let revenue = 0n;
for (const r of rows) revenue += BigInt(String(r[2]).replace('.', ''));
const text = revenue.toString().padStart(3, '0');
console.log(`duckdb ${query} ${mode} groups=${rows.length} revenue=${text.slice(0, -2)}.${text.slice(-2)} query_ms=${ms.toFixed(0)}`);
