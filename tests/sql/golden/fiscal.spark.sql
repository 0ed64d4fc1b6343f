-- kpic sql --dialect spark: quarter by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH
s0 AS (
  -- fiscal:events at quarter
  SELECT add_months(trunc(add_months(trunc(CAST(t0.`ts` AS DATE), 'MM'), -3), 'QUARTER'), 3) AS p,
    COUNT(*) AS n,
    SUM(t0.`amt`) AS a0,
    SUM(CASE WHEN (hour(t0.`ts`) = 3) THEN t0.`amt` END) AS a1
  FROM `events` AS t0
  WHERE t0.`ts` IS NOT NULL
  GROUP BY add_months(trunc(add_months(trunc(CAST(t0.`ts` AS DATE), 'MM'), -3), 'QUARTER'), 3)),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u),
periods0 AS (
  SELECT explode(sequence(b.lo, b.hi, INTERVAL 3 MONTH)) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p
  FROM (SELECT q.p FROM periods0 AS q) AS u),
l0 AS (
  -- sum($amt); sum($amt where (hour($ts) == 3))
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
  GROUP BY f.rid)
SELECT
  f.p AS `period`,
  l0.v0 AS `total`,
  l0.v1 AS `at_3am`
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
