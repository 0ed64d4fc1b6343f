-- kpic sql --dialect trino: quarter by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- fiscal:events at quarter
  SELECT date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', CAST(t0."ts" AS DATE))))) AS p,
    COUNT(*) AS n,
    SUM(t0."amt") AS a0,
    SUM(CASE WHEN (hour(t0."ts") = 3) THEN t0."amt" END) AS a1,
    MAX(CAST(t0."ts" AS DATE)) AS a2
  FROM "events" AS t0
  WHERE t0."ts" IS NOT NULL
  GROUP BY date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', CAST(t0."ts" AS DATE)))))),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', ao.d)))) < x.hi THEN date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', ao.d)))) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT q.p
  FROM (SELECT lo, hi FROM bounds0) AS b
  CROSS JOIN UNNEST(sequence(b.lo, b.hi, INTERVAL '3' MONTH)) AS q(p)),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, date_add('day', -1, date_add('month', 3, x.p)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amt); sum($amt where (hour($ts) == 3))
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', f.sf)))), s.p)
    AND s.p <= COALESCE(date_add('month', 3, date_trunc('quarter', date_add('month', -3, date_trunc('month', f.sl)))), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "at_3am",
  CASE WHEN f.sf IS NULL THEN NULL ELSE CAST(f.sf AS VARCHAR) || '/' || CAST(f.sl AS VARCHAR) END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
