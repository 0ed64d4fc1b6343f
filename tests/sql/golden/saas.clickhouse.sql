-- kpic sql --dialect clickhouse: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- saas:mrr_snapshots at day
  SELECT t0."Month" AS p,
    COUNT(*) AS n,
    SUM(if(isNull(t0."MRR (USD)"), NULL, CAST(toString(t0."MRR (USD)") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."MRR (USD)") AS Decimal(38, 2))) != toFloat64(t0."MRR (USD)"), 'kpic: source mrr_snapshots, column mrr: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0,
    COUNT(if(isNull(t0."MRR (USD)"), NULL, CAST(toString(t0."MRR (USD)") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."MRR (USD)") AS Decimal(38, 2))) != toFloat64(t0."MRR (USD)"), 'kpic: source mrr_snapshots, column mrr: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a0_n,
    MAX(t0."Month") AS a2
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY t0."Month"),
s1 AS (
  -- saas:mrr_snapshots at month
  SELECT toStartOfMonth(t0."Month") AS p,
    COUNT(*) AS n,
    SUM(if(isNull(t0."expansion"), NULL, CAST(toString(t0."expansion") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."expansion") AS Decimal(38, 2))) != toFloat64(t0."expansion"), 'kpic: source mrr_snapshots, column expansion: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a2,
    SUM(if(isNull(t0."contraction"), NULL, CAST(toString(t0."contraction") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."contraction") AS Decimal(38, 2))) != toFloat64(t0."contraction"), 'kpic: source mrr_snapshots, column contraction: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a3,
    SUM(if(isNull(t0."churned_mrr"), NULL, CAST(toString(t0."churned_mrr") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."churned_mrr") AS Decimal(38, 2))) != toFloat64(t0."churned_mrr"), 'kpic: source mrr_snapshots, column churned_mrr: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)'))) AS a4,
    MAX(t0."Month") AS a5
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY toStartOfMonth(t0."Month")),
s2 AS (
  -- saas:tickets at month
  SELECT toStartOfMonth(toDate(t0."opened_at")) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a0,
    COUNT(CASE WHEN (t0."resolved_at" IS NOT NULL) THEN t0."csat" END) AS a0_n,
    MAX(toDate(t0."opened_at")) AS a1
  FROM "tickets" AS t0
  WHERE t0."opened_at" IS NOT NULL
  GROUP BY toStartOfMonth(toDate(t0."opened_at"))),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0
    UNION ALL SELECT MAX(a5) AS d FROM s1
    UNION ALL SELECT MAX(a1) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN toStartOfMonth(ao.d) < x.hi THEN toStartOfMonth(ao.d) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(toStartOfMonth(p)) AS lo, MAX(toStartOfMonth(p)) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b),
bounds1 AS (
  SELECT x.lo, CASE WHEN toStartOfMonth(ao.d) < x.hi THEN toStartOfMonth(ao.d) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b),
bounds2 AS (
  SELECT x.lo, CASE WHEN toStartOfMonth(ao.d) < x.hi THEN toStartOfMonth(ao.d) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2 AS (
  SELECT arrayJoin(arrayMap(i -> addMonths(b.lo, i * 1), range(toUInt32(dateDiff('month', b.lo, b.hi) / 1 + 1)))) AS p
  FROM (SELECT lo, hi FROM bounds2) AS b),
grid0 AS (
  SELECT z.rid, z.p, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.g0, x.g1, x.g2, addDays(addMonths(x.p, 1), -1) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1, g2
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
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < addDays(addMonths(f.p, 1), -1) THEN f.sl ELSE addDays(addMonths(f.p, 1), -1) END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r0 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
v1_0 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT toStartOfMonth(t0."Month") AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND (if(isNull(t0."MRR (USD)"), NULL, CAST(toString(t0."MRR (USD)") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."MRR (USD)") AS Decimal(38, 2))) != toFloat64(t0."MRR (USD)"), 'kpic: source mrr_snapshots, column mrr: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) > CAST(0 AS Decimal(38, 2)))
    AND t0."account_id" IS NOT NULL),
l0 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(toStartOfMonth(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfMonth(f.sl), s.p)
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT toStartOfMonth(t0."Month") AS p, t0."account_id" AS x
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
    AND s.p >= COALESCE(toStartOfMonth(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfMonth(f.sl), s.p)
  GROUP BY f.rid),
v0_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT t0."Month" AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND (if(isNull(t0."MRR (USD)"), NULL, CAST(toString(t0."MRR (USD)") AS Decimal(38, 2)) + throwIf(toFloat64(CAST(toString(t0."MRR (USD)") AS Decimal(38, 2))) != toFloat64(t0."MRR (USD)"), 'kpic: source mrr_snapshots, column mrr: a value has more than 2 digits after the point for decimal(2) (rounding would change the amount)')) > CAST(0 AS Decimal(38, 2)))
    AND t0."account_id" IS NOT NULL),
l2 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v0_1 AS s ON s.p BETWEEN addMonths(f.p, -1) AND addDays(addMonths(addMonths(f.p, -1), 1), -1)
    AND s.p >= COALESCE(addMonths(f.sf, -(1)), s.p)
    AND s.p <= COALESCE(addMonths(f.sl, -(1)), s.p)
  GROUP BY f.rid),
b1 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN addMonths(f.sf, -(1)) > addMonths(f.p, -1) THEN addMonths(f.sf, -(1)) ELSE addMonths(f.p, -1) END AND CASE WHEN addMonths(f.sl, -(1)) < addDays(addMonths(addMonths(f.p, -1), 1), -1) THEN addMonths(f.sl, -(1)) ELSE addDays(addMonths(addMonths(f.p, -1), 1), -1) END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b1) AS t ON t.rid = f.rid AND t.rn = 1),
l3 AS (
  -- sum($expansion); sum($contraction); sum($churned_mrr)
  SELECT f.rid,
    COALESCE(SUM(s.a2), toDecimal128('0.00', 2)) AS v0,
    COALESCE(SUM(s.a3), toDecimal128('0.00', 2)) AS v1,
    COALESCE(SUM(s.a4), toDecimal128('0.00', 2)) AS v2
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(toStartOfMonth(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfMonth(f.sl), s.p)
  GROUP BY f.rid),
l4 AS (
  -- avg($csat where ($resolved_at is not null))
  SELECT f.rid,
    CAST(SUM(s.a0) AS Float64) / NULLIF(SUM(s.a0_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
    AND s.p >= COALESCE(toStartOfMonth(f.sf), s.p)
    AND s.p <= COALESCE(toStartOfMonth(f.sl), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "mrr",
  CASE WHEN f.g1 = 1 THEN l0.v0 END AS "paying_accounts",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS Float64) / NULLIF(CAST(l2.v0 AS Float64), 0)) END AS "churn_rate",
  CASE WHEN f.g1 = 1 THEN (CAST((r1.v + l3.v0 - l3.v1 - l3.v2) AS Float64) / NULLIF(CAST(r1.v AS Float64), 0)) END AS "nrr",
  CASE WHEN f.g2 = 1 THEN l4.v0 END AS "csat",
  CASE WHEN f.sf IS NULL THEN NULL ELSE toString(f.sf) || '/' || toString(f.sl) END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
