-- kpic sql --dialect sqlite: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH RECURSIVE
s0 AS (
  -- retail:orders at month
  SELECT date(date(datetime(t0."下单时间")), 'start of month') AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
    AND (t0."store" = 'x''; DROP TABLE orders; --')
  GROUP BY date(date(datetime(t0."下单时间")), 'start of month'), t0."store"),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b WHERE s.p BETWEEN b.lo AND b.hi) AS u),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.d0 IS f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  CASE WHEN l0.v0 IS NULL THEN NULL ELSE (CASE WHEN l0.v0 < 0 THEN '-' ELSE '' END) || (ABS(l0.v0) / 100) || '.' || substr('00' || (ABS(l0.v0) % 100), -2) END AS "sales"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
