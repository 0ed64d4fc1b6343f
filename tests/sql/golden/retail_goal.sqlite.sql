-- kpic sql --dialect sqlite: goal grow_sales (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH RECURSIVE
periods0(p) AS (
  SELECT lo FROM (SELECT date('2026-01-01', 'start of month') AS lo, date('2026-12-31', 'start of month') AS hi) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT date('2026-01-01', 'start of month') AS lo, date('2026-12-31', 'start of month') AS hi))),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q),
s0 AS (
  -- retail:orders at month
  SELECT date(date(datetime(t0."下单时间")), 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
  GROUP BY date(date(datetime(t0."下单时间")), 'start of month')),
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
  LEFT JOIN s0 AS s ON s.p = min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day'))
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN l0.v0 IS NULL THEN NULL ELSE (CASE WHEN l0.v0 < 0 THEN '-' ELSE '' END) || (ABS(l0.v0) / 100) || '.' || substr('00' || (ABS(l0.v0) % 100), -2) END AS "value",
  CASE WHEN (128 * l1.v0) IS NULL THEN NULL ELSE (CASE WHEN (128 * l1.v0) < 0 THEN '-' ELSE '' END) || (ABS((128 * l1.v0)) / 10000) || '.' || substr('0000' || (ABS((128 * l1.v0)) % 10000), -4) END AS "target"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
