-- kpic sql --dialect duckdb: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- saas:mrr_snapshots at day
  SELECT CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) = t0."MRR (USD)" THEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column mrr: value ' || CAST(t0."MRR (USD)" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) = t0."MRR (USD)" THEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column mrr: value ' || CAST(t0."MRR (USD)" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0_n,
    MAX(CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a2
  FROM "mrr_snapshots" AS t0
  WHERE CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END),
s1 AS (
  -- saas:mrr_snapshots at month
  SELECT CAST(date_trunc('month', CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."expansion" IS NULL THEN NULL WHEN CAST(t0."expansion" AS DECIMAL(38, 2)) = t0."expansion" THEN CAST(t0."expansion" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column expansion: value ' || CAST(t0."expansion" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a2,
    SUM(CASE WHEN t0."contraction" IS NULL THEN NULL WHEN CAST(t0."contraction" AS DECIMAL(38, 2)) = t0."contraction" THEN CAST(t0."contraction" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column contraction: value ' || CAST(t0."contraction" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a3,
    SUM(CASE WHEN t0."churned_mrr" IS NULL THEN NULL WHEN CAST(t0."churned_mrr" AS DECIMAL(38, 2)) = t0."churned_mrr" THEN CAST(t0."churned_mrr" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column churned_mrr: value ' || CAST(t0."churned_mrr" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a4,
    MAX(CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS a5
  FROM "mrr_snapshots" AS t0
  WHERE CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE)),
s2 AS (
  -- saas:tickets at month
  SELECT CAST(date_trunc('month', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE error('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE error('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL) THEN t0."csat" END) AS a0,
    COUNT(CASE WHEN (CASE WHEN t0."resolved_at" IS NULL OR (isfinite(t0."resolved_at") AND t0."resolved_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."resolved_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."resolved_at" ELSE error('kpic: source tickets, column resolved_at: value ' || CAST(t0."resolved_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL) THEN t0."csat" END) AS a0_n,
    MAX(CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE error('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS a1
  FROM "tickets" AS t0
  WHERE CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE error('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CAST(CASE WHEN t0."opened_at" IS NULL OR (isfinite(t0."opened_at") AND t0."opened_at" >= CAST('0001-01-01' AS TIMESTAMP) AND t0."opened_at" < CAST('10000-01-01' AS TIMESTAMP)) THEN t0."opened_at" ELSE error('kpic: source tickets, column opened_at: value ' || CAST(t0."opened_at" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS DATE)) AS DATE)),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0
    UNION ALL SELECT MAX(a5) AS d FROM s1
    UNION ALL SELECT MAX(a1) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('month', p) AS DATE)) AS lo, MAX(CAST(date_trunc('month', p) AS DATE)) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
bounds2 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2 AS (
  SELECT CAST(unnest(generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month')) AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds2) AS b),
grid0 AS (
  SELECT z.rid, z.p, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.g0, x.g1, x.g2, CAST(CAST(x.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1, g2
  FROM (
    SELECT p, MAX(g0) AS g0, MAX(g1) AS g1, MAX(g2) AS g2
    FROM (
    SELECT q.p, 1 AS g0, 0 AS g1, 0 AS g2 FROM periods0 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 1 AS g1, 0 AS g2 FROM periods1 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 0 AS g1, 1 AS g2 FROM periods2 AS q) AS a
    GROUP BY p) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
b0 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN f.sl ELSE CAST(CAST(f.p + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r0 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
v1_0 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT CAST(date_trunc('month', CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND (CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) = t0."MRR (USD)" THEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column mrr: value ' || CAST(t0."MRR (USD)" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END > CAST(0 AS DECIMAL(38, 2)))
    AND t0."account_id" IS NOT NULL),
l0 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT CAST(date_trunc('month', CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END) AS DATE) AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND t0."churned"
    AND t0."account_id" IS NOT NULL),
l1 AS (
  -- count_distinct($account_id where $churned)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
  GROUP BY f.rid),
v0_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE CASE WHEN t0."Month" IS NULL OR (isfinite(t0."Month") AND t0."Month" >= CAST('0001-01-01' AS DATE) AND t0."Month" < CAST('10000-01-01' AS DATE)) THEN t0."Month" ELSE error('kpic: source mrr_snapshots, column month: value ' || CAST(t0."Month" AS VARCHAR) || ' is outside the years 1 to 9999 kpic reads') END IS NOT NULL
    AND (CASE WHEN t0."MRR (USD)" IS NULL THEN NULL WHEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) = t0."MRR (USD)" THEN CAST(t0."MRR (USD)" AS DECIMAL(38, 2)) ELSE error('kpic: source mrr_snapshots, column mrr: value ' || CAST(t0."MRR (USD)" AS VARCHAR) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END > CAST(0 AS DECIMAL(38, 2)))
    AND t0."account_id" IS NOT NULL),
l2 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v0_1 AS s ON s.p BETWEEN CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) AND CAST(CAST(CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE)
    AND s.p >= COALESCE(CAST(f.sf + to_months(CAST(-(1) AS INTEGER)) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(f.sl + to_months(CAST(-(1) AS INTEGER)) AS DATE), s.p)
  GROUP BY f.rid),
b1 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN CAST(f.sf + to_months(CAST(-(1) AS INTEGER)) AS DATE) > CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) THEN CAST(f.sf + to_months(CAST(-(1) AS INTEGER)) AS DATE) ELSE CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) END AND CASE WHEN CAST(f.sl + to_months(CAST(-(1) AS INTEGER)) AS DATE) < CAST(CAST(CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) THEN CAST(f.sl + to_months(CAST(-(1) AS INTEGER)) AS DATE) ELSE CAST(CAST(CAST(f.p + to_months(CAST(-1 AS INTEGER)) AS DATE) + to_months(CAST(1 AS INTEGER)) AS DATE) + to_days(CAST(-1 AS INTEGER)) AS DATE) END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b1) AS t ON t.rid = f.rid AND t.rn = 1),
l3 AS (
  -- sum($expansion); sum($contraction); sum($churned_mrr)
  SELECT f.rid,
    COALESCE(SUM(s.a2), CAST('0.00' AS DECIMAL(38, 2))) AS v0,
    COALESCE(SUM(s.a3), CAST('0.00' AS DECIMAL(38, 2))) AS v1,
    COALESCE(SUM(s.a4), CAST('0.00' AS DECIMAL(38, 2))) AS v2
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
  GROUP BY f.rid),
l4 AS (
  -- avg($csat where ($resolved_at is not null))
  SELECT f.rid,
    CAST(SUM(s.a0) AS DOUBLE) / NULLIF(SUM(s.a0_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "mrr",
  CASE WHEN f.g1 = 1 THEN l0.v0 END AS "paying_accounts",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS DOUBLE) / NULLIF(CAST(l2.v0 AS DOUBLE), 0)) END AS "churn_rate",
  CASE WHEN f.g1 = 1 THEN (CAST((r1.v + l3.v0 - l3.v1 - l3.v2) AS DOUBLE) / NULLIF(CAST(r1.v AS DOUBLE), 0)) END AS "nrr",
  CASE WHEN f.g2 = 1 THEN l4.v0 END AS "csat",
  CASE WHEN f.sf IS NULL THEN NULL ELSE strftime(f.sf, '%Y-%m-%d') || '/' || strftime(f.sl, '%Y-%m-%d') END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
