-- kpic sql --dialect clickhouse: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
s0 AS (
  -- exact:amounts at month
  SELECT toStartOfMonth(t0."day") AS p,
    COUNT(*) AS n,
    SUM(if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    SUM((if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) * 3)) AS a1,
    SUM(CASE WHEN (if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) >= CAST(toDecimal128('0.2', 1) AS Decimal(38, 2))) THEN if(isNull(t0."amount"), NULL, CAST(toString(t0."amount") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."amount") AS Decimal(38, 2))) != toFloat64(t0."amount"), 'kpic: source amounts, column amount: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) END) AS a2,
    SUM(if(isNull(t0."rate"), NULL, CAST(toString(t0."rate") AS Decimal(38, 12)) + throwIf(toFloat64(CAST(toString(t0."rate") AS Decimal(38, 12))) != toFloat64(t0."rate"), 'kpic: source amounts, column rate: a value has more than 12 digits after the point for decimal(12) (rounding would change the amount)'))) AS a3
  FROM "amounts" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY toStartOfMonth(t0."day")),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u),
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u),
l0 AS (
  -- sum($amount); sum(($amount * 3)); sum($amount where ($amount >= decimal(2)(0.2))); sum($rate)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1,
    COALESCE(SUM(s.a2), 0) AS v2,
    COALESCE(SUM(s.a3), 0) AS v3
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  l0.v0 AS "total",
  l0.v1 AS "tripled",
  l0.v2 AS "big",
  l0.v3 AS "rate_sum"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
