-- kpic sql --dialect duckdb: quarter by channel, from 2025-02-10 to the end
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
-- data as of 2025-11-19 (--as-of)
WITH
s0 AS (
  -- partial:orders at quarter
  SELECT CAST(date_trunc('quarter', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source orders, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(*) AS a1,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a2
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."day" >= DATE '2025-02-10'
    AND t0."day" < DATE '2025-11-20'
  GROUP BY CAST(date_trunc('quarter', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE), t0."channel"),
as_of AS (
  -- the data as of --as-of
  SELECT DATE '2025-11-19' AS d),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE CAST(date_trunc('quarter', DATE '2025-02-10') AS DATE) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p >= COALESCE(CAST(date_trunc('quarter', DATE '2025-02-10') AS DATE), s.p) AND s.p <= COALESCE(CAST(date_trunc('quarter', ao.d) AS DATE), s.p)) AS u),
s1 AS (
  -- partial:orders at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source orders, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."day" < DATE '2025-11-20'
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END, t0."channel"),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE CAST(date_trunc('quarter', DATE '2025-02-10') AS DATE) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('quarter', p) AS DATE)) AS lo, MAX(CAST(date_trunc('quarter', p) AS DATE)) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND CAST(CAST(b.hi + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AND s.p >= COALESCE(DATE '2025-02-10', s.p) AND s.p <= COALESCE(ao.d, s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, CASE WHEN DATE '2025-02-10' > y.p THEN DATE '2025-02-10' ELSE y.p END AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, CAST(CAST(x.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS VARCHAR) COLLATE "C") AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); count_rows(*)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN CAST(f.p + to_months(CAST(-3 AS INTEGER)) AS DATE) AND CAST(CAST(CAST(f.p + to_months(CAST(-3 AS INTEGER)) AS DATE) + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(CAST(f.sf + to_months(CAST(-(3) AS INTEGER)) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(f.sl + to_months(CAST(-(3) AS INTEGER)) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN CAST(f.p + to_months(CAST(-12 AS INTEGER)) AS DATE) AND CAST(CAST(CAST(f.p + to_months(CAST(-12 AS INTEGER)) AS DATE) + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(CAST(f.sf + to_months(CAST(-(12) AS INTEGER)) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(f.sl + to_months(CAST(-(12) AS INTEGER)) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN CAST(date_trunc('year', f.p) AS DATE) AND CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
l4 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN CAST(CASE WHEN CAST(date_trunc('month', f.sl) AS DATE) < CAST(date_trunc('month', CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)) AS DATE) THEN CAST(date_trunc('month', f.sl) AS DATE) ELSE CAST(date_trunc('month', CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)) AS DATE) END + to_months(CAST(-2 AS INTEGER)) AS DATE) AND CAST(CAST(CASE WHEN CAST(date_trunc('month', f.sl) AS DATE) < CAST(date_trunc('month', CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)) AS DATE) THEN CAST(date_trunc('month', f.sl) AS DATE) ELSE CAST(date_trunc('month', CAST(CAST(f.p + to_months(CAST(3 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)) AS DATE) END + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN l0.v0 END AS "sales",
  CASE WHEN f.g1 = 1 THEN l1.v0 END AS "prev",
  CASE WHEN f.g1 = 1 THEN l2.v0 END AS "ly",
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS "ytd",
  CASE WHEN f.g1 = 1 THEN l4.v0 END AS "r3",
  CASE WHEN f.g0 = 1 THEN (CAST(l0.v0 AS DOUBLE) / NULLIF(CAST(l0.v1 AS DOUBLE), 0)) END AS "aov",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
