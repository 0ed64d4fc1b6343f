-- kpic sql --dialect clickhouse: quarter by channel, from 2025-02-10 to the end
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
-- data as of 2025-11-19 (--as-of)
WITH
s0 AS (
  -- partial:orders at quarter
  SELECT toStartOfQuarter(t0."day") AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    COUNT(*) AS a1,
    MAX(t0."day") AS a2
  FROM "orders" AS t0
  WHERE t0."day" IS NOT NULL
    AND t0."day" >= toDate('2025-02-10')
    AND t0."day" < toDate('2025-11-20')
  GROUP BY toStartOfQuarter(t0."day"), t0."channel"),
as_of AS (
  -- the data as of --as-of
  SELECT toDate('2025-11-19') AS d),
bounds0 AS (
  SELECT x.lo, CASE WHEN toStartOfQuarter(ao.d) < x.hi THEN toStartOfQuarter(ao.d) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE toStartOfQuarter(toDate('2025-02-10')) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 3), range(toUInt32(dateDiff('month', b.lo, b.hi) / 3 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p >= COALESCE(toStartOfQuarter(toDate('2025-02-10')), s.p) AND s.p <= COALESCE(toStartOfQuarter(ao.d), s.p)) AS u),
s1 AS (
  -- partial:orders at day
  SELECT t0."day" AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    MAX(t0."day") AS a1
  FROM "orders" AS t0
  WHERE t0."day" IS NOT NULL
    AND t0."day" < toDate('2025-11-20')
  GROUP BY t0."day", t0."channel"),
bounds1 AS (
  SELECT x.lo, CASE WHEN toStartOfQuarter(ao.d) < x.hi THEN toStartOfQuarter(ao.d) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE toStartOfQuarter(toDate('2025-02-10')) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(toStartOfQuarter(p)) AS lo, MAX(toStartOfQuarter(p)) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 3), range(toUInt32(dateDiff('month', b.lo, b.hi) / 3 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND addDays(addMonths(b.hi, 3), -1) AND s.p >= COALESCE(toDate('2025-02-10'), s.p) AND s.p <= COALESCE(ao.d, s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, CASE WHEN toDate('2025-02-10') > y.p THEN toDate('2025-02-10') ELSE y.p END AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, addDays(addMonths(x.p, 3), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, u.d0) AS rid, p, d0, g0, g1
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
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(toStartOfQuarter(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfQuarter(f.sl), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN addMonths(f.p, -3) AND addDays(addMonths(addMonths(f.p, -3), 3), -1)
    AND s.p >= COALESCE(addMonths(f.sf, -(3)), s.p)
    AND s.p <= COALESCE(addMonths(f.sl, -(3)), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN addMonths(f.p, -12) AND addDays(addMonths(addMonths(f.p, -12), 3), -1)
    AND s.p >= COALESCE(addMonths(f.sf, -(12)), s.p)
    AND s.p <= COALESCE(addMonths(f.sl, -(12)), s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN toStartOfYear(f.p) AND addDays(addMonths(f.p, 3), -1)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid),
l4 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN addMonths(CASE WHEN toStartOfMonth(f.sl) < toStartOfMonth(addDays(addMonths(f.p, 3), -1)) THEN toStartOfMonth(f.sl) ELSE toStartOfMonth(addDays(addMonths(f.p, 3), -1)) END, -2) AND addDays(addMonths(CASE WHEN toStartOfMonth(f.sl) < toStartOfMonth(addDays(addMonths(f.p, 3), -1)) THEN toStartOfMonth(f.sl) ELSE toStartOfMonth(addDays(addMonths(f.p, 3), -1)) END, 1), -1)
    AND s.p <= COALESCE(f.sl, s.p)
    AND (s.d0 = f.d0 OR (s.d0 IS NULL AND f.d0 IS NULL))
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN l0.v0 END AS "sales",
  CASE WHEN f.g1 = 1 THEN l1.v0 END AS "prev",
  CASE WHEN f.g1 = 1 THEN l2.v0 END AS "ly",
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS "ytd",
  CASE WHEN f.g1 = 1 THEN l4.v0 END AS "r3",
  CASE WHEN f.g0 = 1 THEN (CAST(l0.v0 AS Float64) / NULLIF(CAST(l0.v1 AS Float64), 0)) END AS "aov",
  CASE WHEN f.sf IS NULL THEN NULL ELSE toString(f.sf) || '/' || toString(f.sl) END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
