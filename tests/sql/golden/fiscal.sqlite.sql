-- kpic sql --dialect sqlite: quarter by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH RECURSIVE
s0 AS (
  -- fiscal:events at quarter
  SELECT min(date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day')) AS p,
    COUNT(*) AS n,
    SUM(t0."amt") AS a0,
    SUM(CASE WHEN (CAST(strftime('%H', datetime(t0."ts")) AS INTEGER) = 3) THEN t0."amt" END) AS a1
  FROM "events" AS t0
  WHERE datetime(t0."ts") IS NOT NULL
  GROUP BY min(date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), printf('%+d months', 3)), date(date(min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('-%d months', (CAST(strftime('%m', min(date(date(date(datetime(t0."ts")), 'start of month'), printf('%+d months', -3)), date(date(date(datetime(t0."ts")), 'start of month'), 'start of month', printf('%+d months', (-3) + 1), '-1 day'))) AS INTEGER) - 1) % 3)), 'start of month', printf('%+d months', (3) + 1), '-1 day'))),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+3 month') FROM periods0 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u),
l0 AS (
  -- sum($amt); sum($amt where (hour($ts) == 3))
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "at_3am"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
