-- kpic sql --dialect clickhouse: goal grow_sales (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the as-of date.
WITH
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT toStartOfMonth(toDate('2026-01-01')) AS lo, toStartOfMonth(toDate('2026-12-31')) AS hi) AS b),
s0 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3,
    MAX(toDate(t0."下单时间")) AS a4
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间")),
s1 AS (
  -- retail:traffic at day
  SELECT t0."day" AS p,
    COUNT(*) AS n,
    SUM(t0."visitors") AS a0,
    MAX(t0."day") AS a1
  FROM "traffic" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY t0."day"),
s2 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3,
    MAX(toDate(t0."下单时间")) AS a4
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间"), t0."channel"),
s3 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3,
    MAX(toDate(t0."下单时间")) AS a4
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间"), t0."store"),
s4 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    t0."customer_type" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3,
    MAX(toDate(t0."下单时间")) AS a4
  FROM "orders" AS t0
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间"), t0."customer_type"),
s5 AS (
  -- retail:orders at day
  SELECT toDate(t0."下单时间") AS p,
    t1."category" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT t0."returned") THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a0,
    COUNT(CASE WHEN (NOT t0."returned") THEN 1 END) AS a1,
    COUNT(CASE WHEN t0."returned" THEN 1 END) AS a2,
    COUNT(*) AS a3,
    MAX(toDate(t0."下单时间")) AS a4
  FROM "orders" AS t0
  LEFT JOIN "products" AS t1 ON t1."product_id" = t0."product_id"
  WHERE t0."下单时间" IS NOT NULL
  GROUP BY toDate(t0."下单时间"), t1."category"),
s6 AS (
  -- retail:traffic at day
  SELECT t0."day" AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(t0."visitors") AS a0,
    MAX(t0."day") AS a1
  FROM "traffic" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY t0."day", t0."channel"),
s7 AS (
  -- retail:traffic at day
  SELECT t0."day" AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(t0."visitors") AS a0,
    MAX(t0."day") AS a1
  FROM "traffic" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY t0."day", t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a4) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1
    UNION ALL SELECT MAX(a4) AS d FROM s2
    UNION ALL SELECT MAX(a4) AS d FROM s3
    UNION ALL SELECT MAX(a4) AS d FROM s4
    UNION ALL SELECT MAX(a4) AS d FROM s5
    UNION ALL SELECT MAX(a1) AS d FROM s6
    UNION ALL SELECT MAX(a1) AS d FROM s7) AS u) AS m),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, CASE WHEN toDate('2026-01-01') > y.p THEN toDate('2026-01-01') ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN toDate('2026-12-31') < y.e THEN toDate('2026-12-31') ELSE y.e END THEN ao.d ELSE CASE WHEN toDate('2026-12-31') < y.e THEN toDate('2026-12-31') ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, addDays(addMonths(x.p, 1), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN f.p AND addDays(addMonths(f.p, 1), -1)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
l1 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN addMonths(f.p, -12) AND addDays(addMonths(addMonths(f.p, -12), 1), -1)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.sf > f.sl THEN NULL ELSE l0.v0 END AS "value",
  CASE WHEN f.sf > f.sl AND (addDays(addMonths(addMonths(f.p, -12), 1), -1) > ao.d) THEN NULL ELSE NULLIF((toDecimal128('1.28', 2) * l1.v0), 0) END AS "target",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN f.sf IS NULL THEN NULL ELSE toString(f.sf) || '/' || toString(f.sl) END END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
CROSS JOIN as_of AS ao
ORDER BY f.rid;
