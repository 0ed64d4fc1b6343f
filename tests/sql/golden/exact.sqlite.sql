-- kpic sql --dialect sqlite: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- exact:amounts at month
  SELECT date(t0."day", 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    SUM((CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END * 3)) AS a1,
    SUM(CASE WHEN (CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END >= (2 * 10)) THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a2,
    SUM(CASE WHEN t0."rate" IS NULL THEN NULL WHEN CAST(ROUND(t0."rate" * 1000000000000) AS INTEGER) / 1000000000000.0 = CAST(t0."rate" AS REAL) THEN CAST(ROUND(t0."rate" * 1000000000000) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column rate: value ' || t0."rate" || ' has more than 12 digits after the point for decimal(12) (rounding would change the amount)') END) AS a3,
    MAX(t0."day") AS a4
  FROM "amounts" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY date(t0."day", 'start of month')),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a4) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); sum(($amount * 3)); sum($amount where ($amount >= decimal(2)(0.2))); sum($rate)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1,
    COALESCE(SUM(s.a2), 0) AS v2,
    COALESCE(SUM(s.a3), 0) AS v3
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN l0.v0 IS NULL THEN NULL ELSE (CASE WHEN l0.v0 < 0 THEN '-' ELSE '' END) || (ABS(l0.v0) / 100) || '.' || substr('00' || (ABS(l0.v0) % 100), -2) END AS "total",
  CASE WHEN l0.v1 IS NULL THEN NULL ELSE (CASE WHEN l0.v1 < 0 THEN '-' ELSE '' END) || (ABS(l0.v1) / 100) || '.' || substr('00' || (ABS(l0.v1) % 100), -2) END AS "tripled",
  CASE WHEN l0.v2 IS NULL THEN NULL ELSE (CASE WHEN l0.v2 < 0 THEN '-' ELSE '' END) || (ABS(l0.v2) / 100) || '.' || substr('00' || (ABS(l0.v2) % 100), -2) END AS "big",
  CASE WHEN l0.v3 IS NULL THEN NULL ELSE (CASE WHEN l0.v3 < 0 THEN '-' ELSE '' END) || (ABS(l0.v3) / 1000000000000) || '.' || substr('000000000000' || (ABS(l0.v3) % 1000000000000), -12) END AS "rate_sum",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
