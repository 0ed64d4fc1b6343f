-- kpic sql --dialect duckdb: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- retail:orders at month
  SELECT CAST(date_trunc('month', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: a value (not shown: the row may be outside role store_manager''s access) that' || substr(CAST(t0."下单时间" AS VARCHAR), 1, 0) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE) AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager''s access) that' || substr(CAST(t0."amount" AS VARCHAR), 1, 0) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    MAX(CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: a value (not shown: the row may be outside role store_manager''s access) that' || substr(CAST(t0."下单时间" AS VARCHAR), 1, 0) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: a value (not shown: the row may be outside role store_manager''s access) that' || substr(CAST(t0."下单时间" AS VARCHAR), 1, 0) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND (CAST(t0."store" AS VARCHAR) COLLATE "C" = CAST('x''; DROP TABLE orders; --' AS VARCHAR) COLLATE "C")
  GROUP BY CAST(date_trunc('month', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: a value (not shown: the row may be outside role store_manager''s access) that' || substr(CAST(t0."下单时间" AS VARCHAR), 1, 0) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE), t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, CAST(CAST(x.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS VARCHAR) COLLATE "C") AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  l0.v0 AS "sales",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
