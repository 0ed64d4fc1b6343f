-- kpic sql --dialect sqlite: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL.
WITH RECURSIVE
s0 AS (
  -- saas:mrr_snapshots at day
  SELECT t0."Month" AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0_n
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY t0."Month"),
bounds0 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s0) AS u),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
s1 AS (
  -- saas:mrr_snapshots at month
  SELECT date(t0."Month", 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."expansion" IS NULL THEN NULL WHEN CAST(ROUND(t0."expansion" * 100) AS INTEGER) / 100.0 = CAST(t0."expansion" AS REAL) THEN CAST(ROUND(t0."expansion" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column expansion: value ' || t0."expansion" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a2,
    SUM(CASE WHEN t0."contraction" IS NULL THEN NULL WHEN CAST(ROUND(t0."contraction" * 100) AS INTEGER) / 100.0 = CAST(t0."contraction" AS REAL) THEN CAST(ROUND(t0."contraction" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column contraction: value ' || t0."contraction" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a3,
    SUM(CASE WHEN t0."churned_mrr" IS NULL THEN NULL WHEN CAST(ROUND(t0."churned_mrr" * 100) AS INTEGER) / 100.0 = CAST(t0."churned_mrr" AS REAL) THEN CAST(ROUND(t0."churned_mrr" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column churned_mrr: value ' || t0."churned_mrr" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a4
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY date(t0."Month", 'start of month')),
bounds1 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods1 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
s2 AS (
  -- saas:tickets at month
  SELECT date(date(datetime(t0."opened_at")), 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN t0."csat" END) AS a0,
    COUNT(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN t0."csat" END) AS a0_n
  FROM "tickets" AS t0
  WHERE datetime(t0."opened_at") IS NOT NULL
  GROUP BY date(date(datetime(t0."opened_at")), 'start of month')),
bounds2 AS (
  SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u),
periods2(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds2) WHERE lo IS NOT NULL
  UNION ALL
  SELECT date(p, '+1 month') FROM periods2 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds2))),
grid0 AS (
  SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1, g2
  FROM (
    SELECT p, MAX(g0) AS g0, MAX(g1) AS g1, MAX(g2) AS g2
    FROM (
    SELECT q.p, 1 AS g0, 0 AS g1, 0 AS g2 FROM periods0 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 1 AS g1, 0 AS g2 FROM periods1 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 0 AS g1, 1 AS g2 FROM periods2 AS q) AS a
    GROUP BY p) AS u),
b0 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN f.p AND date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), printf('%+d days', -1))
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r0 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
v1_0 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT date(t0."Month", 'start of month') AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND (CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END > (0 * 100))
    AND t0."account_id" IS NOT NULL),
l0 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT date(t0."Month", 'start of month') AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND t0."churned"
    AND t0."account_id" IS NOT NULL),
l1 AS (
  -- count_distinct($account_id where $churned)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
  GROUP BY f.rid),
l2 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day'))
  GROUP BY f.rid),
b1 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), printf('%+d days', -1))
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b1) AS t ON t.rid = f.rid AND t.rn = 1),
l3 AS (
  -- sum($expansion); sum($contraction); sum($churned_mrr)
  SELECT f.rid,
    COALESCE(SUM(s.a2), 0) AS v0,
    COALESCE(SUM(s.a3), 0) AS v1,
    COALESCE(SUM(s.a4), 0) AS v2
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
  GROUP BY f.rid),
l4 AS (
  -- avg($csat where ($resolved_at is not null))
  SELECT f.rid,
    CAST(SUM(s.a0) AS REAL) / NULLIF(SUM(s.a0_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN CASE WHEN r0.v IS NULL THEN NULL ELSE (CASE WHEN r0.v < 0 THEN '-' ELSE '' END) || (ABS(r0.v) / 100) || '.' || substr('00' || (ABS(r0.v) % 100), -2) END END AS "mrr",
  CASE WHEN f.g1 = 1 THEN l0.v0 END AS "paying_accounts",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS REAL) / NULLIF(CAST(l2.v0 AS REAL), 0)) END AS "churn_rate",
  CASE WHEN f.g1 = 1 THEN ((CAST((((r1.v + l3.v0) - l3.v1) - l3.v2) AS REAL) / 100) / NULLIF((CAST(r1.v AS REAL) / 100), 0)) END AS "nrr",
  CASE WHEN f.g2 = 1 THEN l4.v0 END AS "csat"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
