-- kpic sql --dialect clickhouse: goal grow (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the as-of date.
WITH
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT toStartOfMonth(toDate('2026-01-01')) AS lo, toStartOfMonth(toDate('2026-12-31')) AS hi) AS b),
s0 AS (
  -- partial:orders at day
  SELECT t0."day" AS p,
    COUNT(*) AS n,
    SUM(if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source orders, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    MAX(t0."day") AS a1
  FROM "orders" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY t0."day"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, CASE WHEN toDate('2026-01-01') > y.p THEN toDate('2026-01-01') ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN toDate('2026-12-31') < y.e THEN toDate('2026-12-31') ELSE y.e END THEN ao.d ELSE CASE WHEN toDate('2026-12-31') < y.e THEN toDate('2026-12-31') ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, addDays(addMonths(x.p, 1), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN f.p AND addDays(addMonths(f.p, 1), -1)
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN addMonths(f.p, -12) AND addDays(addMonths(addMonths(f.p, -12), 1), -1)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.sf > f.sl THEN NULL ELSE l0.v0 END AS "value",
  CASE WHEN f.sf > f.sl AND (addDays(addMonths(addMonths(f.p, -12), 1), -1) > ao.d) THEN NULL ELSE NULLIF(l1.v0, 0) END AS "target",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN f.sf IS NULL THEN NULL ELSE toString(f.sf) || '/' || toString(f.sl) END END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
CROSS JOIN as_of AS ao
ORDER BY f.rid;
