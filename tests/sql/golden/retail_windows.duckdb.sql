-- kpic sql --dialect duckdb: quarter by nothing, from 2025-01-01 to 2026-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- retail:orders at day
  SELECT CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source orders, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    MAX(CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)),
s1 AS (
  -- retail:orders at quarter
  SELECT CAST(date_trunc('quarter', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (CASE WHEN t0."shipped_at" IS NULL OR (isfinite(t0."shipped_at") AND t0."shipped_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."shipped_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."shipped_at" ELSE error('kpic: source orders, column shipped_at: value ' || CAST(t0."shipped_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL) THEN (CAST(epoch_us(CASE WHEN t0."shipped_at" IS NULL OR (isfinite(t0."shipped_at") AND t0."shipped_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."shipped_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."shipped_at" ELSE error('kpic: source orders, column shipped_at: value ' || CAST(t0."shipped_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) - epoch_us(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DOUBLE) / 3600000000.0) END) AS a2,
    COUNT(CASE WHEN (CASE WHEN t0."shipped_at" IS NULL OR (isfinite(t0."shipped_at") AND t0."shipped_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."shipped_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."shipped_at" ELSE error('kpic: source orders, column shipped_at: value ' || CAST(t0."shipped_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL) THEN (CAST(epoch_us(CASE WHEN t0."shipped_at" IS NULL OR (isfinite(t0."shipped_at") AND t0."shipped_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."shipped_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."shipped_at" ELSE error('kpic: source orders, column shipped_at: value ' || CAST(t0."shipped_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) - epoch_us(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DOUBLE) / 3600000000.0) END) AS a2_n,
    MAX(CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS a3
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(date_trunc('quarter', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE)),
s2 AS (
  -- retail:orders at all
  SELECT COUNT(*) AS n,
    MAX(CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS a0
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."下单时间" >= TIMESTAMP '2026-01-01 00:00:00'
  HAVING COUNT(*) > 0),
as_of AS (
  -- the data as of its last day with rows within the window
  SELECT CASE WHEN m.d < DATE '2025-01-01' THEN NULL WHEN m.d > DATE '2025-12-31' THEN DATE '2025-12-31' ELSE m.d END AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a3) AS d FROM s1
    UNION ALL SELECT MAX(a0) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT CAST(date_trunc('quarter', DATE '2025-01-01') AS DATE) AS lo, CAST(date_trunc('quarter', DATE '2025-12-31') AS DATE) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('quarter', p) AS DATE)) AS lo, MAX(CAST(date_trunc('quarter', p) AS DATE)) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT CAST(date_trunc('quarter', DATE '2025-01-01') AS DATE) AS lo, CAST(date_trunc('quarter', DATE '2025-12-31') AS DATE) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
grid0 AS (
  SELECT z.rid, z.p, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.g0, y.g1, y.e, CASE WHEN DATE '2025-01-01' > y.p THEN DATE '2025-01-01' ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN DATE '2025-12-31' < y.e THEN DATE '2025-12-31' ELSE y.e END THEN ao.d ELSE CASE WHEN DATE '2025-12-31' < y.e THEN DATE '2025-12-31' ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, x.g0, x.g1, CAST(CAST(x.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1
  FROM (
    SELECT p, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, 1 AS g0, 0 AS g1 FROM periods0 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 1 AS g1 FROM periods1 AS q) AS a
    GROUP BY p) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
q0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day')) AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END) AS hi FROM grid0 AS f) AS b),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.sf AS sf, f.sl AS sl
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
r0 AS (
  SELECT f.rid, CAST(SUM(x.x) AS DOUBLE) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
v1_0 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT CAST(date_trunc('quarter', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."is_repeat"
    AND t0."customer_id" IS NOT NULL),
l1 AS (
  -- count_distinct($customer_id where $is_repeat)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT CAST(date_trunc('quarter', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE error('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."customer_id" IS NOT NULL),
l2 AS (
  -- count_distinct($customer_id)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
  GROUP BY f.rid),
l3 AS (
  -- avg(($shipped_at - $ordered_at) where ($shipped_at is not null))
  SELECT f.rid,
    SUM(s.a2) / NULLIF(SUM(s.a2_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "avg_daily_sales",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS DOUBLE) / NULLIF(CAST(l2.v0 AS DOUBLE), 0)) END AS "repurchase_rate",
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS "ship_hours",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
ORDER BY f.rid;
