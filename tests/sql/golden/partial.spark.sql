-- kpic sql --dialect spark: quarter by channel, from 2025-02-10 to the end
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
-- data as of 2025-11-19 (--as-of)
WITH
s0 AS (
  -- partial:orders at quarter
  SELECT trunc(t0.`day`, 'QUARTER') AS p,
    t0.`channel` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0.`amount` IS NULL THEN NULL WHEN CAST(t0.`amount` AS DECIMAL(38, 2)) = t0.`amount` THEN CAST(t0.`amount` AS DECIMAL(38, 2)) ELSE CAST(raise_error(concat('kpic: source orders, column amount: value ', CAST(t0.`amount` AS STRING), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) AS DECIMAL(38, 2)) END) AS a0,
    COUNT(*) AS a1,
    MAX(t0.`day`) AS a2
  FROM `orders` AS t0
  WHERE t0.`day` IS NOT NULL
    AND t0.`day` >= DATE '2025-02-10'
    AND t0.`day` < DATE '2025-11-20'
  GROUP BY trunc(t0.`day`, 'QUARTER'), t0.`channel`),
as_of AS (
  -- the data as of --as-of
  SELECT DATE '2025-11-19' AS d),
bounds0 AS (
  SELECT x.lo, CASE WHEN trunc(ao.d, 'QUARTER') < x.hi THEN trunc(ao.d, 'QUARTER') ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE trunc(DATE '2025-02-10', 'QUARTER') END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT explode(sequence(b.lo, b.hi, INTERVAL 3 MONTH)) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p >= COALESCE(trunc(DATE '2025-02-10', 'QUARTER'), s.p) AND s.p <= COALESCE(trunc(ao.d, 'QUARTER'), s.p)) AS u),
s1 AS (
  -- partial:orders at day
  SELECT t0.`day` AS p,
    t0.`channel` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0.`amount` IS NULL THEN NULL WHEN CAST(t0.`amount` AS DECIMAL(38, 2)) = t0.`amount` THEN CAST(t0.`amount` AS DECIMAL(38, 2)) ELSE CAST(raise_error(concat('kpic: source orders, column amount: value ', CAST(t0.`amount` AS STRING), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) AS DECIMAL(38, 2)) END) AS a0,
    MAX(t0.`day`) AS a1
  FROM `orders` AS t0
  WHERE t0.`day` IS NOT NULL
    AND t0.`day` < DATE '2025-11-20'
  GROUP BY t0.`day`, t0.`channel`),
bounds1 AS (
  SELECT x.lo, CASE WHEN trunc(ao.d, 'QUARTER') < x.hi THEN trunc(ao.d, 'QUARTER') ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE trunc(DATE '2025-02-10', 'QUARTER') END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(trunc(p, 'QUARTER')) AS lo, MAX(trunc(p, 'QUARTER')) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT explode(sequence(b.lo, b.hi, INTERVAL 3 MONTH)) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date_add(add_months(b.hi, 3), -1) AND s.p >= COALESCE(DATE '2025-02-10', s.p) AND s.p <= COALESCE(ao.d, s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, CASE WHEN DATE '2025-02-10' > y.p THEN DATE '2025-02-10' ELSE y.p END AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, date_add(add_months(x.p, 3), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); count_rows(*)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(trunc(f.sf, 'QUARTER'), s.p)
    AND s.p <= COALESCE(trunc(f.sl, 'QUARTER'), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN add_months(f.p, -3) AND date_add(add_months(add_months(f.p, -3), 3), -1)
    AND s.p >= COALESCE(add_months(f.sf, -(3)), s.p)
    AND s.p <= COALESCE(add_months(f.sl, -(3)), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN add_months(f.p, -12) AND date_add(add_months(add_months(f.p, -12), 3), -1)
    AND s.p >= COALESCE(add_months(f.sf, -(12)), s.p)
    AND s.p <= COALESCE(add_months(f.sl, -(12)), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN trunc(f.p, 'YEAR') AND date_add(add_months(f.p, 3), -1)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l4 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN add_months(CASE WHEN trunc(f.sl, 'MM') < trunc(date_add(add_months(f.p, 3), -1), 'MM') THEN trunc(f.sl, 'MM') ELSE trunc(date_add(add_months(f.p, 3), -1), 'MM') END, -2) AND date_add(add_months(CASE WHEN trunc(f.sl, 'MM') < trunc(date_add(add_months(f.p, 3), -1), 'MM') THEN trunc(f.sl, 'MM') ELSE trunc(date_add(add_months(f.p, 3), -1), 'MM') END, 1), -1)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid)
SELECT
  f.p AS `period`,
  f.d0 AS `channel`,
  CASE WHEN f.g0 = 1 THEN l0.v0 END AS `sales`,
  CASE WHEN f.g1 = 1 THEN l1.v0 END AS `prev`,
  CASE WHEN f.g1 = 1 THEN l2.v0 END AS `ly`,
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS `ytd`,
  CASE WHEN f.g1 = 1 THEN l4.v0 END AS `r3`,
  CASE WHEN f.g0 = 1 THEN (CAST(l0.v0 AS DOUBLE) / NULLIF(CAST(l0.v1 AS DOUBLE), 0)) END AS `aov`,
  CASE WHEN f.sf IS NULL THEN NULL ELSE CAST(f.sf AS STRING) || '/' || CAST(f.sl AS STRING) END AS `partial`
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
