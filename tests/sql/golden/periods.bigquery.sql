-- kpic sql --dialect bigquery: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- periods:s at month
  SELECT DATE_TRUNC(t0.`day`, MONTH) AS p,
    t0.`store` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0.`amt` IS NULL THEN NULL WHEN ROUND(CAST(t0.`amt` AS NUMERIC), 2) = t0.`amt` THEN ROUND(CAST(t0.`amt` AS NUMERIC), 2) ELSE ERROR(CONCAT('kpic: source s, column amt: value ', CAST(t0.`amt` AS STRING), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    MAX(t0.`day`) AS a1
  FROM `s` AS t0
  WHERE t0.`day` IS NOT NULL
  GROUP BY DATE_TRUNC(t0.`day`, MONTH), t0.`store`),
s1 AS (
  -- periods:s at day
  SELECT t0.`day` AS p,
    t0.`store` AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0.`amt` IS NULL THEN NULL WHEN ROUND(CAST(t0.`amt` AS NUMERIC), 2) = t0.`amt` THEN ROUND(CAST(t0.`amt` AS NUMERIC), 2) ELSE ERROR(CONCAT('kpic: source s, column amt: value ', CAST(t0.`amt` AS STRING), ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    MAX(t0.`day`) AS a1
  FROM `s` AS t0
  WHERE t0.`day` IS NOT NULL
  GROUP BY t0.`day`, t0.`store`),
s2 AS (
  -- periods:stock at day
  SELECT t0.`day` AS p,
    t0.`store` AS d0,
    COUNT(*) AS n,
    SUM(t0.`level`) AS a0,
    COUNT(t0.`level`) AS a0_n,
    SUM(t0.`avg_level`) AS a1,
    COUNT(t0.`avg_level`) AS a1_n,
    MAX(t0.`day`) AS a2
  FROM `stock` AS t0
  WHERE t0.`day` IS NOT NULL
  GROUP BY t0.`day`, t0.`store`),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1
    UNION ALL SELECT MAX(a2) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN DATE_TRUNC(ao.d, MONTH) < x.hi THEN DATE_TRUNC(ao.d, MONTH) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT p
  FROM (SELECT lo, hi FROM bounds0) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 MONTH)) AS p),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(DATE_TRUNC(ao.d, MONTH), s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN DATE_TRUNC(ao.d, MONTH) < x.hi THEN DATE_TRUNC(ao.d, MONTH) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(DATE_TRUNC(p, MONTH)) AS lo, MAX(DATE_TRUNC(p, MONTH)) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT p
  FROM (SELECT lo, hi FROM bounds1) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 MONTH)) AS p),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND DATE_ADD(DATE_ADD(b.hi, INTERVAL (1) MONTH), INTERVAL (-1) DAY) AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds2 AS (
  SELECT x.lo, CASE WHEN DATE_TRUNC(ao.d, MONTH) < x.hi THEN DATE_TRUNC(ao.d, MONTH) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(DATE_TRUNC(p, MONTH)) AS lo, MAX(DATE_TRUNC(p, MONTH)) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2 AS (
  SELECT p
  FROM (SELECT lo, hi FROM bounds2) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 MONTH)) AS p),
members2 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s2 AS s, bounds2 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND DATE_ADD(DATE_ADD(b.hi, INTERVAL (1) MONTH), INTERVAL (-1) DAY) AND s.p <= COALESCE(ao.d, s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, x.g2, DATE_ADD(DATE_ADD(x.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0, g0, g1, g2
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1, MAX(g2) AS g2
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1, 0 AS g2 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1, 0 AS g2 FROM periods1 AS q CROSS JOIN members1 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 0 AS g1, 1 AS g2 FROM periods2 AS q CROSS JOIN members2 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(DATE_TRUNC(f.sf, MONTH), s.p)
    AND s.p <= COALESCE(DATE_TRUNC(f.sl, MONTH), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l1 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN DATE_ADD(f.p, INTERVAL (-1) MONTH) AND DATE_ADD(DATE_ADD(DATE_ADD(f.p, INTERVAL (-1) MONTH), INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p >= COALESCE(DATE_ADD(f.sf, INTERVAL (-(1)) MONTH), s.p)
    AND s.p <= COALESCE(DATE_ADD(f.sl, INTERVAL (-(1)) MONTH), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l2 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN DATE_ADD(f.p, INTERVAL (-12) MONTH) AND DATE_ADD(DATE_ADD(DATE_ADD(f.p, INTERVAL (-12) MONTH), INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p >= COALESCE(DATE_ADD(f.sf, INTERVAL (-(12)) MONTH), s.p)
    AND s.p <= COALESCE(DATE_ADD(f.sl, INTERVAL (-(12)) MONTH), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l3 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN DATE_TRUNC(f.p, YEAR) AND DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l4 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN DATE_ADD(f.p, INTERVAL (-2) MONTH) AND DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
q0 AS (
  SELECT p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) THEN f.sl ELSE DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) END) AS hi FROM grid0 AS f) AS b, UNNEST(GENERATE_DATE_ARRAY(b.lo, b.hi, INTERVAL 1 DAY)) AS p),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) THEN f.sl ELSE DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) END),
l5 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM f0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l5.v0 AS x
  FROM f0 AS f
  LEFT JOIN l5 ON l5.rid = f.rid),
r0 AS (
  SELECT f.rid, CAST(SUM(x.x) AS FLOAT64) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
l6 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(DATE_TRUNC(f.sf, MONTH), s.p)
    AND s.p <= COALESCE(DATE_TRUNC(f.sl, MONTH), s.p)
  GROUP BY f.rid),
l7 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN f.p AND DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
f1 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, k.k) AS rid, DATE_ADD(f.p, INTERVAL (-k.k) MONTH) AS p, DATE_ADD(f.p, INTERVAL (-k.k) MONTH) AS ph, DATE_ADD(f.sf, INTERVAL (-(1 * k.k)) MONTH) AS sf, DATE_ADD(f.sl, INTERVAL (-(1 * k.k)) MONTH) AS sl, f.d0
  FROM grid0 AS f
  CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k) AS k),
l8 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS NUMERIC)) AS v0
  FROM f1 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN f.p AND DATE_ADD(DATE_ADD(f.ph, INTERVAL (1) MONTH), INTERVAL (-1) DAY)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
x1 AS (
  SELECT f.rid, f.prid, CAST(l8.v0 AS FLOAT64) AS x
  FROM f1 AS f
  LEFT JOIN l8 ON l8.rid = f.rid),
z0 AS (
  SELECT f.rid, COUNT(x.x) AS n, AVG(x.x) AS m
  FROM grid0 AS f
  LEFT JOIN x1 AS x ON x.prid = f.rid
  GROUP BY f.rid),
z1 AS (
  SELECT z.rid, z.n, z.m, SQRT(SUM((x.x - z.m) * (x.x - z.m)) / NULLIF(z.n - 1, 0)) AS sd
  FROM z0 AS z
  LEFT JOIN x1 AS x ON x.prid = z.rid
  GROUP BY z.rid, z.n, z.m),
b0 AS (
  -- sum($level) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s2 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) THEN f.sl ELSE DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) END
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
b1 AS (
  -- sum($avg_level) per day
  SELECT f.rid, s.p AS day, SUM(s.a1) AS v
  FROM grid0 AS f
  JOIN s2 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) THEN f.sl ELSE DATE_ADD(DATE_ADD(f.p, INTERVAL (1) MONTH), INTERVAL (-1) DAY) END
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid, s.p
  HAVING SUM(s.a1_n) > 0),
r2 AS (
  SELECT f.rid, CAST(SUM(t.v) AS FLOAT64) / NULLIF(COUNT(t.v), 0) AS v
  FROM grid0 AS f
  LEFT JOIN b1 AS t ON t.rid = f.rid
  GROUP BY f.rid)
SELECT
  f.p AS `period`,
  f.d0 AS `store`,
  CASE WHEN f.g0 = 1 THEN l0.v0 END AS `total`,
  CASE WHEN f.g1 = 1 THEN l1.v0 END AS `prev`,
  CASE WHEN f.g1 = 1 THEN l2.v0 END AS `ly`,
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS `ytd`,
  CASE WHEN f.g1 = 1 THEN l4.v0 END AS `r3`,
  CASE WHEN f.g1 = 1 THEN r0.v END AS `daily`,
  CASE WHEN f.g0 = 1 THEN (CAST(l0.v0 AS FLOAT64) / NULLIF(CAST(l6.v0 AS FLOAT64), 0)) END AS `shr`,
  CASE WHEN f.g0 = 1 THEN (CAST((l0.v0 - l2.v0) AS FLOAT64) / NULLIF(CAST(l2.v0 AS FLOAT64), 0)) END AS `yoy`,
  CASE WHEN f.g1 = 1 THEN CASE WHEN z1.n < 2 OR z1.sd = 0 THEN NULL ELSE (CAST(l7.v0 AS FLOAT64) - z1.m) / z1.sd END END AS `z3`,
  CASE WHEN f.g2 = 1 THEN r1.v END AS `stock_last`,
  CASE WHEN f.g2 = 1 THEN r2.v END AS `stock_avg`,
  CASE WHEN f.sf IS NULL THEN NULL ELSE CAST(f.sf AS STRING) || '/' || CAST(f.sl AS STRING) END AS `partial`
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l6 ON l6.rid = f.rid
LEFT JOIN l7 ON l7.rid = f.rid
LEFT JOIN z1 ON z1.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN r2 ON r2.rid = f.rid
ORDER BY f.rid;
