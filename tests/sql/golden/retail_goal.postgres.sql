-- kpic sql --dialect postgres: goal grow_sales (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT CAST(date_trunc('month', DATE '2026-01-01') AS DATE) AS lo, CAST(date_trunc('month', DATE '2026-12-31') AS DATE) AS hi) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q),
s0 AS (
  -- retail:orders at month
  SELECT CAST(date_trunc('month', CAST(t0."下单时间" AS DATE)) AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = t0."amount" THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY CAST(date_trunc('month', CAST(t0."下单时间" AS DATE)) AS DATE)),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid),
l1 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = CAST(f.p + (-12) * INTERVAL '1 month' AS DATE)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "value",
  (CAST(1.28 AS NUMERIC(38, 2)) * l1.v0) AS "target"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
