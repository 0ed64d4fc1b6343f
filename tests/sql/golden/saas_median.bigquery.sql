error: dialect bigquery has no exact percentile, so `median(($resolved_at - $opened_at))` cannot be computed there; use postgres, duckdb, spark or clickhouse, or `kpic run`
