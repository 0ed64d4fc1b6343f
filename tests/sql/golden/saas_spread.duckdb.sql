-- kpic sql --dialect duckdb: quarter by region
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- saas:tickets at quarter
  SELECT CAST(date_trunc('quarter', CAST(t0."opened_at" AS DATE)) AS DATE) AS p,
    t1."region" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a0,
    COUNT(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a0_n,
    SUM(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a1,
    SUM(CAST(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END AS DECIMAL(38, 0)) * CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a1_q,
    COUNT(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a1_n,
    SUM((CAST(epoch_us(t0."resolved_at") - epoch_us(t0."opened_at") AS DOUBLE) / 3600000000.0)) AS a2,
    SUM((CAST(epoch_us(t0."resolved_at") - epoch_us(t0."opened_at") AS DOUBLE) / 3600000000.0) * (CAST(epoch_us(t0."resolved_at") - epoch_us(t0."opened_at") AS DOUBLE) / 3600000000.0)) AS a2_q,
    COUNT((CAST(epoch_us(t0."resolved_at") - epoch_us(t0."opened_at") AS DOUBLE) / 3600000000.0)) AS a2_n,
    MAX(CAST(t0."opened_at" AS DATE)) AS a3
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS VARCHAR) COLLATE "C" = CAST(t0."account_id" AS VARCHAR) COLLATE "C"
  WHERE t0."opened_at" IS NOT NULL
  GROUP BY CAST(date_trunc('quarter', CAST(t0."opened_at" AS DATE)) AS DATE), t1."region"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a3) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('quarter', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, CAST(CAST(x.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS VARCHAR) COLLATE "C") AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- avg($csat where ($resolved_at is not null)); stddev($csat where ($resolved_at is not null)); variance(($resolved_at - $opened_at))
  SELECT f.rid,
    CAST(SUM(s.a0) AS DOUBLE) / NULLIF(SUM(s.a0_n), 0) AS v0,
    SQRT(CASE WHEN SUM(s.a1_n) > 1 THEN (CASE WHEN (CAST(SUM(s.a1_n) AS DOUBLE) * CAST(SUM(s.a1_q) AS DOUBLE) - CAST(SUM(s.a1) AS DOUBLE) * CAST(SUM(s.a1) AS DOUBLE)) < 0 THEN 0 ELSE (CAST(SUM(s.a1_n) AS DOUBLE) * CAST(SUM(s.a1_q) AS DOUBLE) - CAST(SUM(s.a1) AS DOUBLE) * CAST(SUM(s.a1) AS DOUBLE)) END) / (CAST(SUM(s.a1_n) AS DOUBLE) * (CAST(SUM(s.a1_n) AS DOUBLE) - 1)) END) AS v1,
    CASE WHEN SUM(s.a2_n) > 1 THEN (CASE WHEN (CAST(SUM(s.a2_n) AS DOUBLE) * CAST(SUM(s.a2_q) AS DOUBLE) - SUM(s.a2) * SUM(s.a2)) < 0 THEN 0 ELSE (CAST(SUM(s.a2_n) AS DOUBLE) * CAST(SUM(s.a2_q) AS DOUBLE) - SUM(s.a2) * SUM(s.a2)) END) / (CAST(SUM(s.a2_n) AS DOUBLE) * (CAST(SUM(s.a2_n) AS DOUBLE) - 1)) END AS v2
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "region",
  l0.v0 AS "csat",
  l0.v1 AS "csat_spread",
  l0.v2 AS "resolution_variance",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
