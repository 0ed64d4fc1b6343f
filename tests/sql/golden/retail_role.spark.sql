-- kpic sql --dialect spark: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- retail:orders at month
  SELECT trunc(CAST(t0.`下单时间` AS DATE), 'MM') AS p,
    t0.`store` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0.`returned`) THEN CASE WHEN t0.`amount` IS NULL THEN NULL WHEN CAST(t0.`amount` AS DECIMAL(38, 2)) = t0.`amount` THEN CAST(t0.`amount` AS DECIMAL(38, 2)) ELSE CAST(raise_error(concat('kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager\'s access) that', substr(CAST(t0.`amount` AS STRING), 1, 0), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) AS DECIMAL(38, 2)) END END) AS a0,
    MAX(CAST(t0.`下单时间` AS DATE)) AS a1
  FROM `orders` AS t0
  WHERE t0.`下单时间` IS NOT NULL
    AND (t0.`store` = 'x\'; DROP TABLE orders; --')
  GROUP BY trunc(CAST(t0.`下单时间` AS DATE), 'MM'), t0.`store`),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN trunc(ao.d, 'MM') < x.hi THEN trunc(ao.d, 'MM') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT explode(sequence(b.lo, b.hi, INTERVAL 1 MONTH)) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(trunc(ao.d, 'MM'), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, date_add(add_months(x.p, 1), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(trunc(f.sf, 'MM'), s.p)
    AND s.p <= COALESCE(trunc(f.sl, 'MM'), s.p)
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
