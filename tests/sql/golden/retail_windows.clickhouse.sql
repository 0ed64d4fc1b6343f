-- kpic sql --dialect clickhouse: quarter by nothing, from 2025-01-01 to 2026-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
s0 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间")),
bounds0 AS (
  SELECT toStartOfQuarter(toDate('2025-01-01')) AS lo, toStartOfQuarter(toDate('2025-12-31')) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(toStartOfQuarter(p)) AS lo, MAX(toStartOfQuarter(p)) AS hi FROM s0) AS u) AS d),
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 3), range(toUInt32(dateDiff('month', b.lo, b.hi) / 3 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
s1 AS (
  -- retail:orders at quarter
  SELECT toStartOfQuarter(toDate(t0."下单时间")) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (t0."shipped_at" IS NOT NULL) THEN (dateDiff('second', t0."下单时间", t0."shipped_at") / 3600.0) END) AS a2,
    COUNT(CASE WHEN (t0."shipped_at" IS NOT NULL) THEN (dateDiff('second', t0."下单时间", t0."shipped_at") / 3600.0) END) AS a2_n
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toStartOfQuarter(toDate(t0."下单时间"))),
bounds1 AS (
  SELECT toStartOfQuarter(toDate('2025-01-01')) AS lo, toStartOfQuarter(toDate('2025-12-31')) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS d),
periods1 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 3), range(toUInt32(dateDiff('month', b.lo, b.hi) / 3 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1
  FROM (
    SELECT p, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, 1 AS g0, 0 AS g1 FROM periods0 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 1 AS g1 FROM periods1 AS q) AS a
    GROUP BY p) AS u),
q0 AS (
  SELECT arrayJoin(arrayMap(i -> addDays(b.lo, i * 1), range(toUInt32(dateDiff('day', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT MIN(f.p) AS lo, MAX(addDays(addMonths(f.p, 3), -1)) AS hi FROM grid0 AS f) AS b),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN f.p AND addDays(addMonths(f.p, 3), -1)),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
r0 AS (
  SELECT f.rid, CAST(SUM(x.x) AS Float64) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
v1_0 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT toStartOfQuarter(toDate(t0."下单时间")) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
    AND t0."is_repeat"
    AND t0."customer_id" IS NOT NULL),
l1 AS (
  -- count_distinct($customer_id where $is_repeat)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT toStartOfQuarter(toDate(t0."下单时间")) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
    AND t0."customer_id" IS NOT NULL),
l2 AS (
  -- count_distinct($customer_id)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
  GROUP BY f.rid),
l3 AS (
  -- avg(($shipped_at - $ordered_at) where ($shipped_at is not null))
  SELECT f.rid,
    SUM(s.a2) / NULLIF(SUM(s.a2_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "avg_daily_sales",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS Float64) / NULLIF(CAST(l2.v0 AS Float64), 0)) END AS "repurchase_rate",
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS "ship_hours"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
ORDER BY f.rid;
