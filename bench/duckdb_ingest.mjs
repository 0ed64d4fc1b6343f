// DuckDB peer for the Ingest workload: read_csv of the same columns, with
// explicit types, aggregated with no GROUP BY. Prints the query's own time.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
const columns = `{'order_id': 'BIGINT', 'ts': 'TIMESTAMP', 'store_id': 'INTEGER', 'channel': 'VARCHAR',
  'product_id': 'INTEGER', 'category': 'INTEGER', 'customer_id': 'BIGINT', 'customer_type': 'VARCHAR',
  'amount': 'DECIMAL(12,2)', 'qty': 'INTEGER', 'discount': 'DECIMAL(4,2)', 'returned': 'INTEGER'}`;
const t0 = performance.now();
const reader = await con.runAndReadAll(`SELECT count(*) AS n, count(ts), count(channel), count(customer_id),
  count(customer_type), sum(amount)::VARCHAR AS amount, sum(discount)::VARCHAR AS discount, sum(returned)
  FROM read_csv('${file}', header = true, columns = ${columns})`);
const ms = performance.now() - t0;
const row = reader.getRows()[0];
console.log(`duckdb rows=${row[0]} sum(amount)=${row[5]} query_ms=${ms.toFixed(0)}`);
