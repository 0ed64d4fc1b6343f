error[E0502]: `median` cannot be computed in dialect `trino`
  --> examples/saas/metrics.kpi:38:37
   |
38 | metric resolution_hours "解决时长中位数" = median(tickets.resolved_at - tickets.opened_at)
   |                                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ not in trino
   |
   = note: trino: Trino has only approximate percentiles
   = help: `median` is computed by postgres, duckdb, spark, clickhouse and `kpic run`
   = help: a package that must compile to trino declares it (`package NAME { dialects trino }`), so that `kpic check` and the editor report this

error[E0502]: `percentile` cannot be computed in dialect `trino`
  --> examples/saas/metrics.kpi:41:42
   |
41 | metric p90_resolution_hours "解决时长 P90" = percentile(tickets.resolved_at - tickets.opened_at, 0.9)
   |                                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ not in trino
   |
   = note: trino: Trino has only approximate percentiles
   = help: `percentile` is computed by postgres, duckdb, spark, clickhouse and `kpic run`
   = help: a package that must compile to trino declares it (`package NAME { dialects trino }`), so that `kpic check` and the editor report this

kpic: no SQL for dialect trino: 2 errors
