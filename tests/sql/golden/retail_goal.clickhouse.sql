-- kpic sql --dialect clickhouse: goal grow_sales (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT toStartOfMonth(toDate('2026-01-01')) AS lo, toStartOfMonth(toDate('2026-12-31')) AS hi) AS b),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q),
s0 AS (
  -- retail:orders at month
  SELECT toStartOfMonth(toDate(t0."下单时间")) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toStartOfMonth(toDate(t0."下单时间"))),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid),
l1 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = addMonths(f.p, -12)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "value",
  (toDecimal128('1.28', 2) * l1.v0) AS "target"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
