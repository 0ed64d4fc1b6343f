error[E0502]: `convert` cannot be computed in dialect `bigquery`
  --> tests/convert/convert.kpi:34:36
   |
34 | metric sales_cny "销售额(人民币)": CNY = convert(sales, CNY, rates)
   |                                          ^^^^^^^^^^^^^^^^^^^^^^^^^^ not in bigquery
   |
   = note: bigquery: BigQuery's NUMERIC keeps 9 decimals, and a converted amount needs its own scale plus 10
   = help: `convert` is computed by postgres, duckdb, sqlite, trino, spark, clickhouse and `kpic run`
   = help: a package that must compile to bigquery declares it (`package NAME { dialects bigquery }`), so that `kpic check` and the editor report this

error[E0502]: `convert` cannot be computed in dialect `bigquery`
  --> tests/convert/convert.kpi:35:25
   |
35 | metric sales_usd: USD = convert(sales, USD, rates)
   |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^ not in bigquery
   |
   = note: bigquery: BigQuery's NUMERIC keeps 9 decimals, and a converted amount needs its own scale plus 10
   = help: `convert` is computed by postgres, duckdb, sqlite, trino, spark, clickhouse and `kpic run`
   = help: a package that must compile to bigquery declares it (`package NAME { dialects bigquery }`), so that `kpic check` and the editor report this

error[E0502]: `convert` cannot be computed in dialect `bigquery`
  --> tests/convert/convert.kpi:36:23
   |
36 | metric eur_cny: CNY = convert(sum(eur_orders.amount), CNY, rates)
   |                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ not in bigquery
   |
   = note: bigquery: BigQuery's NUMERIC keeps 9 decimals, and a converted amount needs its own scale plus 10
   = help: `convert` is computed by postgres, duckdb, sqlite, trino, spark, clickhouse and `kpic run`
   = help: a package that must compile to bigquery declares it (`package NAME { dialects bigquery }`), so that `kpic check` and the editor report this

kpic: no SQL for dialect bigquery: 3 errors
