// Writes the Q1/Q2 workload's CSV files (bench/gen_orders) as Parquet with
// DuckDB, for bench/q_parquet.sh: the same rows, Snappy, row groups of
// 1,000,000 rows, the column types of bench/q.kpi's declarations
// (returned 0/1 becomes BOOLEAN, as kpic declares it).
//   node bench/to_parquet.mjs DIR   (reads DIR/orders.csv, DIR/sessions.csv)
import { DuckDBInstance } from '@duckdb/node-api';
import { orderCols, sessionCols } from './workload.mjs';

const [dir] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
const opts = `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000000)`;
await con.run(`SET preserve_insertion_order = true`);
await con.run(`COPY (SELECT * REPLACE (returned = 1 AS returned)
  FROM read_csv('${dir}/orders.csv', header = true, columns = ${orderCols})) TO '${dir}/orders.parquet' ${opts}`);
await con.run(`COPY (SELECT * FROM read_csv('${dir}/sessions.csv', header = true, columns = ${sessionCols}))
  TO '${dir}/sessions.parquet' ${opts}`);
console.log(`wrote ${dir}/orders.parquet and ${dir}/sessions.parquet`);
