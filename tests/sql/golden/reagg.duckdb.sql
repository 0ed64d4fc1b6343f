-- kpic sql --dialect duckdb: month by channel
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- main:sales at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS p,
    t0."channel" AS d0,
    t0."store" AS d1,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source sales, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(*) AS a1,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a2
  FROM "sales" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END, t0."channel", t0."store"),
s1 AS (
  -- main:sales at month
  SELECT CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p,
    t0."channel" AS d0,
    t0."store" AS d1,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(t0."amount" AS DECIMAL(38, 2)) = t0."amount" THEN CAST(t0."amount" AS DECIMAL(38, 2)) ELSE error('kpic: source sales, column amount: value ' || CAST(t0."amount" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a1
  FROM "sales" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE error('kpic: source sales, column day: value ' || CAST(t0."day" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE), t0."channel", t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('month', p) AS DATE)) AS lo, MAX(CAST(date_trunc('month', p) AS DATE)) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND CAST(CAST(b.hi + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, CAST(CAST(x.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS VARCHAR) COLLATE "C") AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
q0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day')) AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END) AS hi FROM grid0 AS f) AS b),
m0 AS (
  -- members of store
  SELECT DISTINCT prid, e0 FROM (
    SELECT f.rid AS prid, s.d1 AS e0 FROM grid0 AS f JOIN s0 AS s ON s.p BETWEEN f.p AND CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0) AS u),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl, m.e0 AS d1
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  JOIN m0 AS m ON m.prid = f.rid),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
    AND s.d1 IS NOT DISTINCT FROM f.d1
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
r0 AS (
  SELECT f.rid, CAST(SUM(x.x) AS DOUBLE) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
q1 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day')) AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END) AS hi FROM grid0 AS f) AS b),
f1 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl, m.e0 AS d1
  FROM grid0 AS f
  JOIN q1 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  JOIN m0 AS m ON m.prid = f.rid),
l1 AS (
  -- sum($amount); count_rows(*)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM f1 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
    AND s.d1 IS NOT DISTINCT FROM f.d1
  GROUP BY f.rid),
x1 AS (
  SELECT f.rid, f.prid, f.p, (CAST(l1.v0 AS DOUBLE) / NULLIF(CAST(l1.v1 AS DOUBLE), 0)) AS x
  FROM f1 AS f
  LEFT JOIN l1 ON l1.rid = f.rid),
r1 AS (
  SELECT f.rid, SUM(x.x) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x1 AS x ON x.prid = f.rid
  GROUP BY f.rid),
m1 AS (
  -- members of store
  SELECT DISTINCT prid, e0 FROM (
    SELECT f.rid AS prid, s.d1 AS e0 FROM grid0 AS f JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0) AS u),
f2 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid) AS rid, f.p AS p, f.p AS ph, f.d0, f.sf AS sf, f.sl AS sl, m.e0 AS d1
  FROM grid0 AS f
  JOIN m1 AS m ON m.prid = f.rid),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM f2 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN f.p AND f.ph
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
    AND s.d1 IS NOT DISTINCT FROM f.d1
  GROUP BY f.rid),
x2 AS (
  SELECT f.rid, f.prid, f.p, l2.v0 AS x
  FROM f2 AS f
  LEFT JOIN l2 ON l2.rid = f.rid),
r2 AS (
  SELECT f.rid, CAST(SUM(x.x) AS DOUBLE) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x2 AS x ON x.prid = f.rid
  GROUP BY f.rid),
q2 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day')) AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END) AS hi FROM grid0 AS f) AS b),
f3 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl, m.e0 AS d1
  FROM grid0 AS f
  JOIN q2 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  JOIN m0 AS m ON m.prid = f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM f3 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
    AND s.d1 IS NOT DISTINCT FROM f.d1
  GROUP BY f.rid),
x3 AS (
  SELECT f.rid, f.prid, f.p, l3.v0 AS x
  FROM f3 AS f
  LEFT JOIN l3 ON l3.rid = f.rid),
r3 AS (
  SELECT f.rid, CAST(SUM(x.x) AS DOUBLE) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x3 AS x ON x.prid = f.rid
  GROUP BY f.rid),
q3 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day')) AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END) AS hi FROM grid0 AS f) AS b),
m2 AS (
  -- members of store
  SELECT DISTINCT prid, e0 FROM (
    SELECT f.rid AS prid, s.d1 AS e0 FROM grid0 AS f JOIN s0 AS s ON s.p BETWEEN f.p AND CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)) AS u),
f4 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl, m.e0 AS d1
  FROM grid0 AS f
  JOIN q3 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  JOIN m2 AS m ON m.prid = f.rid),
l4 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST('0.00' AS DECIMAL(38, 2))) AS v0
  FROM f4 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d1 IS NOT DISTINCT FROM f.d1
  GROUP BY f.rid),
x4 AS (
  SELECT f.rid, f.prid, f.p, l4.v0 AS x
  FROM f4 AS f
  LEFT JOIN l4 ON l4.rid = f.rid),
r4 AS (
  SELECT f.rid, CAST(SUM(x.x) AS DOUBLE) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x4 AS x ON x.prid = f.rid
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "avg_store_day",
  CASE WHEN f.g0 = 1 THEN r1.v END AS "avg_ticket",
  CASE WHEN f.g1 = 1 THEN r2.v END AS "avg_store",
  CASE WHEN f.g0 = 1 THEN (r3.v / NULLIF(r4.v, 0)) END AS "share_avg",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN r2 ON r2.rid = f.rid
LEFT JOIN r3 ON r3.rid = f.rid
LEFT JOIN r4 ON r4.rid = f.rid
ORDER BY f.rid;
