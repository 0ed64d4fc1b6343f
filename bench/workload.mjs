// The Q1/Q2 workload's CSV column types (../shared/design/benchmark.md:
// DECIMAL(12,2) amounts, DECIMAL(4,2) discounts), shared by the DuckDB peer
// (duckdb_q.mjs) and the Parquet writer (to_parquet.mjs).
export const orderCols = `{'order_id': 'BIGINT', 'ts': 'TIMESTAMP', 'store_id': 'VARCHAR', 'channel': 'VARCHAR',
  'product_id': 'INTEGER', 'category': 'INTEGER', 'customer_id': 'BIGINT', 'customer_type': 'VARCHAR',
  'amount': 'DECIMAL(12,2)', 'qty': 'INTEGER', 'discount': 'DECIMAL(4,2)', 'returned': 'INTEGER'}`;
export const sessionCols = `{'date': 'DATE', 'store_id': 'VARCHAR', 'channel': 'VARCHAR', 'visitors': 'INTEGER'}`;
