-- kpic sql --dialect postgres: quarter by region
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- saas:tickets at quarter
  SELECT CAST(date_trunc('quarter', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) AS p,
    t1."region" AS d0,
    COUNT(*) AS n,
    MAX(CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS a2
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE "C" = CAST(t0."account_id" AS TEXT) COLLATE "C"
  WHERE CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END IS NOT NULL
  GROUP BY CAST(date_trunc('quarter', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE), t1."region"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('quarter', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('quarter', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '3 month') AS gs),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('quarter', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, (CAST(x.p + (3) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE "C") AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
v0_0 AS (
  -- median of saas:tickets
  SELECT CAST(date_trunc('quarter', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) AS p, t1."region" AS d0, (EXTRACT(EPOCH FROM (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE CAST('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END - CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END)) / 3600.0) AS x
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE "C" = CAST(t0."account_id" AS TEXT) COLLATE "C"
  WHERE CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END IS NOT NULL
    AND (EXTRACT(EPOCH FROM (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE CAST('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END - CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END)) / 3600.0) IS NOT NULL),
l0 AS (
  -- median(($resolved_at - $opened_at))
  SELECT f.rid,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v0_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
v0_1 AS (
  -- percentile of saas:tickets
  SELECT CAST(date_trunc('quarter', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END AS DATE)) AS DATE) AS p, t1."region" AS d0, (EXTRACT(EPOCH FROM (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE CAST('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END - CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END)) / 3600.0) AS x
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE "C" = CAST(t0."account_id" AS TEXT) COLLATE "C"
  WHERE CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END IS NOT NULL
    AND (EXTRACT(EPOCH FROM (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE CAST('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END - CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE CAST('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS TIMESTAMP) END)) / 3600.0) IS NOT NULL),
l1 AS (
  -- percentile(($resolved_at - $opened_at), 0.9)
  SELECT f.rid,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v0_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('quarter', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('quarter', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "region",
  l0.v0 AS "resolution_hours",
  l1.v0 AS "p90_resolution_hours",
  CASE WHEN f.sf IS NULL THEN NULL ELSE to_char(f.sf, 'YYYY-MM-DD') || '/' || to_char(f.sl, 'YYYY-MM-DD') END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
