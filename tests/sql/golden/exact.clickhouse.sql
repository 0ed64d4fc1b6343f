-- kpic sql --dialect clickhouse: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- exact:amounts at month
  SELECT toStartOfMonth(t0."day") AS p,
    COUNT(*) AS n,
    SUM(if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    SUM((if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) * 3)) AS a1,
    SUM(CASE WHEN (if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) >= CAST(toDecimal128('0.2', 1) AS Decimal(38, 2))) THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a2,
    SUM(if(isNull(t0."rate"), NULL, CAST(toString(t0."rate") AS Decimal(38, 12)) + throwIf(toFloat64(CAST(toString(t0."rate") AS Decimal(38, 12))) != toFloat64(t0."rate"), 'kpic: source amounts, column rate: a value has more than 12 digits after the point for decimal(12) (rounding would change the amount)'))) AS a3,
    MAX(t0."day") AS a4
  FROM "amounts" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY toStartOfMonth(t0."day")),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a4) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN toStartOfMonth(ao.d) < x.hi THEN toStartOfMonth(ao.d) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, addDays(addMonths(x.p, 1), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); sum(($amount * 3)); sum($amount where ($amount >= decimal(2)(0.2))); sum($rate)
  SELECT f.rid,
    COALESCE(SUM(s.a0), toDecimal128('0.00', 2)) AS v0,
    COALESCE(SUM(s.a1), toDecimal128('0.00', 2)) AS v1,
    COALESCE(SUM(s.a2), toDecimal128('0.00', 2)) AS v2,
    COALESCE(SUM(s.a3), toDecimal128('0.000000000000', 12)) AS v3
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(toStartOfMonth(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfMonth(f.sl), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "tripled",
  l0.v2 AS "big",
  l0.v3 AS "rate_sum",
  CASE WHEN f.sf IS NULL THEN NULL ELSE toString(f.sf) || '/' || toString(f.sl) END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
