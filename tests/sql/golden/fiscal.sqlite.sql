-- kpic sql --dialect sqlite: quarter by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- fiscal:events at quarter
  SELECT min(date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')) AS p,
    COUNT(*) AS n,
    SUM(t0."amt") AS a0,
    SUM(CASE WHEN (CAST(strftime('%H', datetime(t0."ts")) AS INTEGER) = 3) THEN t0."amt" END) AS a1,
    MAX(date(datetime(t0."ts"))) AS a2
  FROM "events" AS t0
  WHERE datetime(t0."ts") IS NOT NULL
  GROUP BY min(date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day'))),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN min(date(date(min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')) < x.hi THEN min(date(date(min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(ao.d, 'start of month'), printf('%+d months', -3)), date(date(ao.d, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods0 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, date(min(date(x.p, printf('%+d months', 3)), date(x.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amt); sum($amt where (hour($ts) == 3))
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(min(date(date(min(date(date(f.sf, 'start of month'), printf('%+d months', -3)), date(date(f.sf, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(f.sf, 'start of month'), printf('%+d months', -3)), date(date(f.sf, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(f.sf, 'start of month'), printf('%+d months', -3)), date(date(f.sf, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(f.sf, 'start of month'), printf('%+d months', -3)), date(date(f.sf, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(date(min(date(date(f.sl, 'start of month'), printf('%+d months', -3)), date(date(f.sl, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(f.sl, 'start of month'), printf('%+d months', -3)), date(date(f.sl, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(f.sl, 'start of month'), printf('%+d months', -3)), date(date(f.sl, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(f.sl, 'start of month'), printf('%+d months', -3)), date(date(f.sl, 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "at_3am",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
