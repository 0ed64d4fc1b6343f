-- kpic sql --dialect sqlite: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH RECURSIVE
s0 AS (
  -- exact:amounts at month
  SELECT date(t0."day", 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    SUM((CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END * 3)) AS a1,
    SUM(CASE WHEN (CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END >= (2 * 10)) THEN CASE WHEN t0."amount" IS NULL THEN NULL WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a2,
    SUM(CASE WHEN t0."rate" IS NULL THEN NULL WHEN CAST(ROUND(t0."rate" * 1000000000000) AS INTEGER) / 1000000000000.0 = CAST(t0."rate" AS REAL) THEN CAST(ROUND(t0."rate" * 1000000000000) AS INTEGER) ELSE json_extract('{}', 'kpic: source amounts, column rate: value ' || t0."rate" || ' has more than 12 digits after the point for decimal(12) (rounding would change the amount)') END) AS a3
  FROM "amounts" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY date(t0."day", 'start of month')),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
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
  CASE WHEN l0.v0 IS NULL THEN NULL ELSE (CASE WHEN l0.v0 < 0 THEN '-' ELSE '' END) || (ABS(l0.v0) / 100) || '.' || substr('00' || (ABS(l0.v0) % 100), -2) END AS "total",
  CASE WHEN l0.v1 IS NULL THEN NULL ELSE (CASE WHEN l0.v1 < 0 THEN '-' ELSE '' END) || (ABS(l0.v1) / 100) || '.' || substr('00' || (ABS(l0.v1) % 100), -2) END AS "tripled",
  CASE WHEN l0.v2 IS NULL THEN NULL ELSE (CASE WHEN l0.v2 < 0 THEN '-' ELSE '' END) || (ABS(l0.v2) / 100) || '.' || substr('00' || (ABS(l0.v2) % 100), -2) END AS "big",
  CASE WHEN l0.v3 IS NULL THEN NULL ELSE (CASE WHEN l0.v3 < 0 THEN '-' ELSE '' END) || (ABS(l0.v3) / 1000000000000) || '.' || substr('000000000000' || (ABS(l0.v3) % 1000000000000), -12) END AS "rate_sum"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
