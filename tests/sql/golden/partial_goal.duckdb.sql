-- kpic sql --dialect duckdb: goal grow (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the as-of date.
WITH
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT CAST(date_trunc('month', DATE '2026-01-01') AS DATE) AS lo, CAST(date_trunc('month', DATE '2026-12-31') AS DATE) AS hi) AS b),
s0 AS (
  -- partial:orders at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source orders, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source orders, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, CASE WHEN DATE '2026-01-01' > y.p THEN DATE '2026-01-01' ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN DATE '2026-12-31' < y.e THEN DATE '2026-12-31' ELSE y.e END THEN ao.d ELSE CASE WHEN DATE '2026-12-31' < y.e THEN DATE '2026-12-31' ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, CAST(CAST(x.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN f.p AND CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN CAST(f.p + to_months(CAST(-12 AS INTEGER)) AS DATE) AND CAST(CAST(CAST(f.p + to_months(CAST(-12 AS INTEGER)) AS DATE) + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.sf > f.sl THEN NULL ELSE l0.v0 END AS "value",
  CASE WHEN f.sf > f.sl AND (CAST(CAST(CAST(f.p + to_months(CAST(-12 AS INTEGER)) AS DATE) + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) > ao.d) THEN NULL ELSE NULLIF(l1.v0, 0) END AS "target",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
CROSS JOIN as_of AS ao
ORDER BY f.rid;
