-- kpic sql --dialect bigquery: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- retail:orders at month
  SELECT DATE_TRUNC(DATE(t0.`下单时间`), MONTH) AS p,
    t0.`store` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0.`returned`) THEN CASE WHEN t0.`amount` IS NULL THEN NULL WHEN ROUND(CAST(t0.`amount` AS NUMERIC), 2) = t0.`amount` THEN ROUND(CAST(t0.`amount` AS NUMERIC), 2) ELSE ERROR(CONCAT('kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager\'s access) that', substr(CAST(t0.`amount` AS STRING), 1, 0), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END END) AS a0,
    MAX(DATE(t0.`下单时间`)) AS a1
  FROM `orders` AS t0
  WHERE t0.`下单时间` IS NOT NULL
    AND (t0.`store` = 'x\'; DROP TABLE orders; --')
  GROUP BY DATE_TRUNC(DATE(t0.`下单时间`), MONTH), t0.`store`),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN DATE_TRUNC(ao.d, MONTH) < x.hi THEN DATE_TRUNC(ao.d, MONTH) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT p
  FROM (SELECT lo, hi FROM bounds0) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 MONTH)) AS p),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(DATE_TRUNC(ao.d, MONTH), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, DATE_ADD(DATE_ADD(x.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(DATE_TRUNC(f.sf, MONTH), s.p)
    AND s.p <= COALESCE(DATE_TRUNC(f.sl, MONTH), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid)
SELECT
  f.p AS `period`,
  f.d0 AS `store`,
  l0.v0 AS `sales`,
  CASE WHEN f.sf IS NULL THEN NULL ELSE CAST(f.sf AS STRING) || '/' || CAST(f.sl AS STRING) END AS `partial`
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
