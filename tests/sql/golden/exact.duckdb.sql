-- kpic sql --dialect duckdb: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- exact:amounts at month
  SELECT CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source amounts, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source amounts, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    SUM((CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source amounts, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END * 3)) AS a1,
    SUM(CASE WHEN (CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source amounts, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END >= CAST(CAST('0.2' AS DECIMAL(38, 1)) AS DECIMAL(38, 2))) THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source amounts, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a2,
    SUM(CASE WHEN t0."rate" IS NULL THEN NULL WHEN CAST(t0."rate" AS DECIMAL(38, 12)) = t0."rate" THEN CAST(t0."rate" AS DECIMAL(38, 12)) ELSE error('kpic: source amounts, column rate: value ' || CAST(t0."rate" AS VARCHAR) || ' has more than 12 digits after the point for decimal(12) (rounding would change the amount)') END) AS a3,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source amounts, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a4
  FROM "amounts" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source amounts, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source amounts, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE)),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a4) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, CAST(CAST(x.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); sum(($amount * 3)); sum($amount where ($amount >= decimal(2)(0.2))); sum($rate)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0,
    COALESCE(SUM(s.a1), CAST('0.00' AS DECIMAL(38, 2))) AS v1,
    COALESCE(SUM(s.a2), CAST('0.00' AS DECIMAL(38, 2))) AS v2,
    COALESCE(SUM(s.a3), CAST('0.000000000000' AS DECIMAL(38, 12))) AS v3
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "tripled",
  l0.v2 AS "big",
  l0.v3 AS "rate_sum",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
