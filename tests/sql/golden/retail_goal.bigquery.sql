-- kpic sql --dialect bigquery: goal grow_sales (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
periods0 AS (
  SELECT p
  FROM (SELECT DATE_TRUNC(DATE '2026-01-01', MONTH) AS lo, DATE_TRUNC(DATE '2026-12-31', MONTH) AS hi) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 MONTH)) AS p),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q),
s0 AS (
  -- retail:orders at month
  SELECT DATE_TRUNC(DATE(t0.`下单时间`), MONTH) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0.`returned`) THEN CASE WHEN t0.`amount` IS NULL THEN NULL WHEN ROUND(CAST(t0.`amount` AS NUMERIC), 2) = t0.`amount` THEN ROUND(CAST(t0.`amount` AS NUMERIC), 2) ELSE ERROR(CONCAT('kpic: source orders, column amount: value ', CAST(t0.`amount` AS STRING), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END END) AS a0,
    COUNT(CASE WHEN (NOT t0.`returned`) THEN 1 END) AS a1,
    COUNT(CASE WHEN t0.`returned` THEN 1 END) AS a2,
    COUNT(*) AS a3
  FROM `orders` AS t0
  WHERE t0.`下单时间` IS NOT NULL
  GROUP BY DATE_TRUNC(DATE(t0.`下单时间`), MONTH)),
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
  LEFT JOIN s0 AS s ON s.p = DATE_ADD(f.p, INTERVAL (-12) MONTH)
  GROUP BY f.rid)
SELECT
  f.p AS `period`,
  l0.v0 AS `value`,
  (CAST('1.28' AS NUMERIC) * l1.v0) AS `target`
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
