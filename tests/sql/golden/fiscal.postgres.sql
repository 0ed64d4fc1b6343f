-- kpic sql --dialect postgres: quarter by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- fiscal:events at quarter
  SELECT CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', CAST(CASE WHEN t0."ts" IS NULL OR (isfinite(t0."ts") AND t0."ts" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."ts" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."ts" ELSE CAST('kpic: source events, column ts: value ' || CAST(t0."ts" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE) AS p,
    COUNT(*) AS n,
    SUM(t0."amt") AS a0,
    SUM(CASE WHEN (CAST(EXTRACT(HOUR FROM CASE WHEN t0."ts" IS NULL OR (isfinite(t0."ts") AND t0."ts" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."ts" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."ts" ELSE CAST('kpic: source events, column ts: value ' || CAST(t0."ts" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END) AS INTEGER) = 3) THEN t0."amt" END) AS a1,
    MAX(CAST(CASE WHEN t0."ts" IS NULL OR (isfinite(t0."ts") AND t0."ts" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."ts" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."ts" ELSE CAST('kpic: source events, column ts: value ' || CAST(t0."ts" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS a2
  FROM "events" AS t0
  WHERE CASE WHEN t0."ts" IS NULL OR (isfinite(t0."ts") AND t0."ts" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."ts" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."ts" ELSE CAST('kpic: source events, column ts: value ' || CAST(t0."ts" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END IS NOT NULL
  GROUP BY CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', CAST(CASE WHEN t0."ts" IS NULL OR (isfinite(t0."ts") AND t0."ts" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."ts" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."ts" ELSE CAST('kpic: source events, column ts: value ' || CAST(t0."ts" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE)),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', ao.d) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE) < x.hi THEN CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', ao.d) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month') AS gs),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, (CAST(x.p + (3) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amt); sum($amt where (hour($ts) == 3))
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', f.sf) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE), s.p)
    AND s.p <= COALESCE(CAST(CAST(date_trunc('quarter', CAST(CAST(date_trunc('month', f.sl) AS DATE) + (-3) * INTERVAL '1 month' AS DATE)) AS DATE) + (3) * INTERVAL '1 month' AS DATE), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "at_3am",
  CASE WHEN f.sf IS NULL THEN NULL ELSE to_char(f.sf, 'YYYY-MM-DD') || '/' || to_char(f.sl, 'YYYY-MM-DD') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
