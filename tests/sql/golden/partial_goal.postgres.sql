-- kpic sql --dialect postgres: goal grow (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the as-of date.
WITH
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT CAST(date_trunc('month', DATE '2026-01-01') AS DATE) AS lo, CAST(date_trunc('month', DATE '2026-12-31') AS DATE) AS hi) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
s0 AS (
  -- partial:orders at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN CAST(t0."amount" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t0."amount" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t0."amount" AS TEXT) AS NUMERIC) THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END IS NOT NULL
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, CASE WHEN DATE '2026-01-01' > y.p THEN DATE '2026-01-01' ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN DATE '2026-12-31' < y.e THEN DATE '2026-12-31' ELSE y.e END THEN ao.d ELSE CASE WHEN DATE '2026-12-31' < y.e THEN DATE '2026-12-31' ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, (CAST(x.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN f.p AND (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER))
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN CAST(f.p + (-12) * INTERVAL '1 month' AS DATE) AND (CAST(CAST(f.p + (-12) * INTERVAL '1 month' AS DATE) + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER))
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.sf > f.sl THEN NULL ELSE l0.v0 END AS "value",
  CASE WHEN f.sf > f.sl AND ((CAST(CAST(f.p + (-12) * INTERVAL '1 month' AS DATE) + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) > ao.d) THEN NULL ELSE NULLIF(l1.v0, 0) END AS "target",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN f.sf IS NULL THEN NULL ELSE to_char(f.sf, 'YYYY-MM-DD') || '/' || to_char(f.sl, 'YYYY-MM-DD') END END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
CROSS JOIN as_of AS ao
ORDER BY f.rid;
