-- kpic sql --dialect postgres: month by channel
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- retail:orders at month
  SELECT CAST(date_trunc('month', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE CAST('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN CAST(t0."amount" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t0."amount" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t0."amount" AS TEXT) AS NUMERIC) THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    SUM(CASE WHEN (NOT t0."returned") THEN (t0."quantity" * CASE WHEN CAST(t1."unit_cost" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source orders, column product_id.unit_cost: value ' || CAST(t1."unit_cost" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t1."unit_cost" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source orders, column product_id.unit_cost: value ' || CAST(t1."unit_cost" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t1."unit_cost" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t1."unit_cost" AS TEXT) AS NUMERIC) THEN CAST(CAST(t1."unit_cost" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column product_id.unit_cost: value ' || CAST(t1."unit_cost" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END) END) AS a2,
    MAX(CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE CAST('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS a3
  FROM "orders" AS t0
  LEFT JOIN "products" AS t1 ON CAST(t1."product_id" AS TEXT) COLLATE "C" = CAST(t0."product_id" AS TEXT) COLLATE "C"
  WHERE CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE CAST('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CAST(CASE WHEN t0."下单时间" IS NULL OR (isfinite(t0."下单时间") AND t0."下单时间" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."下单时间" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."下单时间" ELSE CAST('kpic: source orders, column ordered_at: value ' || CAST(t0."下单时间" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE), t0."channel"),
s1 AS (
  -- retail:traffic at month
  SELECT CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source traffic, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS DATE) AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(t0."visitors") AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source traffic, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS a1
  FROM "traffic" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source traffic, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source traffic, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS DATE), t0."channel"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a3) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0
    UNION ALL SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)
    UNION ALL SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, (CAST(x.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE "C") AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned); count_rows(* where not $returned); sum(($quantity * $product_id.unit_cost) where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1,
    COALESCE(SUM(s.a2), CAST(0.00 AS NUMERIC(38, 2))) AS v2
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
l1 AS (
  -- sum($visitors)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN l0.v0 END AS "sales",
  CASE WHEN f.g0 = 1 THEN (CAST(l0.v0 AS DOUBLE PRECISION) / NULLIF(CAST(l0.v1 AS DOUBLE PRECISION), 0)) END AS "aov",
  CASE WHEN f.g1 = 1 THEN (CAST(l0.v1 AS DOUBLE PRECISION) / NULLIF(CAST(l1.v0 AS DOUBLE PRECISION), 0)) END AS "conversion",
  CASE WHEN f.g0 = 1 THEN (l0.v0 - l0.v2) END AS "gross_profit",
  CASE WHEN f.sf IS NULL THEN NULL ELSE to_char(f.sf, 'YYYY-MM-DD') || '/' || to_char(f.sl, 'YYYY-MM-DD') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
