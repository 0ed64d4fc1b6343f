-- kpic sql --dialect postgres: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH
s0 AS (
  -- main:orders at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN CAST(t0."amount" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t0."amount" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t0."amount" AS TEXT) AS NUMERIC) THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END IS NOT NULL
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END, t0."store"),
s1 AS (
  -- main:eur_orders at day
  SELECT CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source eur_orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN CAST(t0."amount" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source eur_orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t0."amount" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source eur_orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t0."amount" AS TEXT) AS NUMERIC) THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source eur_orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source eur_orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS a1
  FROM "eur_orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source eur_orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END IS NOT NULL
  GROUP BY CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source eur_orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END, t0."store"),
s2 AS (
  -- main:orders at month
  SELECT CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS DATE) AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN CAST(t0."amount" AS TEXT) IN ('NaN', 'Infinity', '-Infinity') THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is not a decimal number' AS NUMERIC(38, 2)) WHEN ABS(CAST(CAST(t0."amount" AS TEXT) AS NUMERIC)) * 100 > 9223372036854775807 THEN CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' is out of range for decimal(2)' AS NUMERIC(38, 2)) WHEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) = CAST(CAST(t0."amount" AS TEXT) AS NUMERIC) THEN CAST(CAST(t0."amount" AS TEXT) AS NUMERIC(38, 2)) ELSE CAST('kpic: source orders, column amount: value ' || CAST(t0."amount" AS TEXT) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)' AS NUMERIC(38, 2)) END) AS a0,
    MAX(CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS a1
  FROM "orders" AS t0
  WHERE CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END IS NOT NULL
  GROUP BY CAST(date_trunc('month', CASE WHEN t0."day" IS NULL OR (isfinite(t0."day") AND t0."day" >= CAST('0001-01-01' AS DATE) AND t0."day" < CAST('10000-01-01' AS DATE)) THEN t0."day" ELSE CAST('kpic: source orders, column day: value ' || CAST(t0."day" AS TEXT) || ' is outside the years 1 to 9999 kpic reads' AS DATE) END) AS DATE), t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1
    UNION ALL SELECT MAX(a1) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('month', p) AS DATE)) AS lo, MAX(CAST(date_trunc('month', p) AS DATE)) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds0) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND (CAST(b.hi + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(CAST(date_trunc('month', p) AS DATE)) AS lo, MAX(CAST(date_trunc('month', p) AS DATE)) AS hi FROM s0
    UNION ALL SELECT MIN(CAST(date_trunc('month', p) AS DATE)) AS lo, MAX(CAST(date_trunc('month', p) AS DATE)) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds1) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND (CAST(b.hi + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AND s.p <= COALESCE(ao.d, s.p)
    UNION ALL SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND (CAST(b.hi + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds2 AS (
  SELECT x.lo, CASE WHEN CAST(date_trunc('month', ao.d) AS DATE) < x.hi THEN CAST(date_trunc('month', ao.d) AS DATE) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT lo, hi FROM bounds2) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 month') AS gs),
members2 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s2 AS s, bounds2 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(CAST(date_trunc('month', ao.d) AS DATE), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, x.g2, (CAST(x.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE "C") AS rid, p, d0, g0, g1, g2
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1, MAX(g2) AS g2
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1, 0 AS g2 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1, 0 AS g2 FROM periods1 AS q CROSS JOIN members1 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 0 AS g1, 1 AS g2 FROM periods2 AS q CROSS JOIN members2 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
q0 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END) AS hi FROM grid0 AS f) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day') AS gs),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
k0 AS (
  -- rates USD->CNY from rates: the quote in effect from each date on
  SELECT w.d, w.r FROM (
    SELECT u.d, u.r, ROW_NUMBER() OVER (PARTITION BY u.d ORDER BY u.inv) AS rn FROM (
      SELECT t."day" AS d, CAST(t."rate" AS NUMERIC(38, 10)) AS r, 0 AS inv FROM "rates" AS t WHERE t."from" = 'USD' AND t."to" = 'CNY' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0
      UNION ALL
      SELECT i.d, ((i.q + CASE WHEN 2 * (100000000000000 - i.q * i.ri) > i.ri OR (2 * (100000000000000 - i.q * i.ri) = i.ri AND (i.q % 2) = 1) THEN 1 ELSE 0 END) * CAST(0.0000000001 AS NUMERIC(38, 10))) AS r, 1 AS inv FROM (
        SELECT t."day" AS d, CAST(ROUND(t."rate" * 10000) AS BIGINT) AS ri, (100000000000000 / CAST(ROUND(t."rate" * 10000) AS BIGINT)) AS q FROM "rates" AS t WHERE t."from" = 'CNY' AND t."to" = 'USD' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0) AS i
    ) AS u
  ) AS w WHERE w.rn = 1),
xr0 AS (
  SELECT x.prid, x.p, x.x, e.r
  FROM x0 AS x
  LEFT JOIN (SELECT y.rid, MAX(k.d) AS d FROM x0 AS y JOIN k0 AS k ON k.d <= y.p GROUP BY y.rid) AS m ON m.rid = x.rid
  LEFT JOIN k0 AS e ON e.d = m.d),
r0 AS (
  -- convert USD->CNY: each day's amount at the quote in effect
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN CAST('kpic: no rate from USD to CNY (nor from CNY to USD) on or before ' || CAST(xr.p AS TEXT) AS INTEGER) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr0 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
q1 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END) AS hi FROM grid0 AS f) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day') AS gs),
f1 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q1 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM f1 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
x1 AS (
  SELECT f.rid, f.prid, f.p, l1.v0 AS x
  FROM f1 AS f
  LEFT JOIN l1 ON l1.rid = f.rid),
xr1 AS (
  SELECT x.prid, x.p, x.x, e.r
  FROM x1 AS x
  LEFT JOIN (SELECT y.rid, MAX(k.d) AS d FROM x1 AS y JOIN k0 AS k ON k.d <= y.p GROUP BY y.rid) AS m ON m.rid = x.rid
  LEFT JOIN k0 AS e ON e.d = m.d),
r1 AS (
  -- convert USD->CNY: each day's amount at the quote in effect
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN CAST('kpic: no rate from USD to CNY (nor from CNY to USD) on or before ' || CAST(xr.p AS TEXT) AS INTEGER) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr1 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
q2 AS (
  SELECT CAST(gs AS DATE) AS p
  FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END) AS hi FROM grid0 AS f) AS b,
    generate_series(CAST(b.lo AS TIMESTAMP), CAST(b.hi AS TIMESTAMP), INTERVAL '1 day') AS gs),
f2 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q2 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) THEN f.sl ELSE (CAST(f.p + (1) * INTERVAL '1 month' AS DATE) + CAST(-1 AS INTEGER)) END),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM f2 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid),
x2 AS (
  SELECT f.rid, f.prid, f.p, l2.v0 AS x
  FROM f2 AS f
  LEFT JOIN l2 ON l2.rid = f.rid),
k1 AS (
  -- rates EUR->CNY from rates: the quote in effect from each date on
  SELECT w.d, w.r FROM (
    SELECT u.d, u.r, ROW_NUMBER() OVER (PARTITION BY u.d ORDER BY u.inv) AS rn FROM (
      SELECT t."day" AS d, CAST(t."rate" AS NUMERIC(38, 10)) AS r, 0 AS inv FROM "rates" AS t WHERE t."from" = 'EUR' AND t."to" = 'CNY' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0
      UNION ALL
      SELECT i.d, ((i.q + CASE WHEN 2 * (100000000000000 - i.q * i.ri) > i.ri OR (2 * (100000000000000 - i.q * i.ri) = i.ri AND (i.q % 2) = 1) THEN 1 ELSE 0 END) * CAST(0.0000000001 AS NUMERIC(38, 10))) AS r, 1 AS inv FROM (
        SELECT t."day" AS d, CAST(ROUND(t."rate" * 10000) AS BIGINT) AS ri, (100000000000000 / CAST(ROUND(t."rate" * 10000) AS BIGINT)) AS q FROM "rates" AS t WHERE t."from" = 'CNY' AND t."to" = 'EUR' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0) AS i
    ) AS u
  ) AS w WHERE w.rn = 1),
xr2 AS (
  SELECT x.prid, x.p, x.x, e.r
  FROM x2 AS x
  LEFT JOIN (SELECT y.rid, MAX(k.d) AS d FROM x2 AS y JOIN k1 AS k ON k.d <= y.p GROUP BY y.rid) AS m ON m.rid = x.rid
  LEFT JOIN k1 AS e ON e.d = m.d),
r2 AS (
  -- convert EUR->CNY: each day's amount at the quote in effect
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN CAST('kpic: no rate from EUR to CNY (nor from CNY to EUR) on or before ' || CAST(xr.p AS TEXT) AS INTEGER) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr2 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), CAST(0.00 AS NUMERIC(38, 2))) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
    AND s.p >= COALESCE(CAST(date_trunc('month', f.sf) AS DATE), s.p)
    AND s.p <= COALESCE(CAST(date_trunc('month', f.sl) AS DATE), s.p)
    AND s.d0 IS NOT DISTINCT FROM f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  CASE WHEN f.g0 = 1 THEN (CAST((FLOOR((r0.v * CAST(100 AS NUMERIC(38, 0)))) + CASE WHEN ((r0.v * CAST(100 AS NUMERIC(38, 0))) - FLOOR((r0.v * CAST(100 AS NUMERIC(38, 0))))) > CAST(0.5 AS NUMERIC(38, 1)) OR (((r0.v * CAST(100 AS NUMERIC(38, 0))) - FLOOR((r0.v * CAST(100 AS NUMERIC(38, 0))))) = CAST(0.5 AS NUMERIC(38, 1)) AND (FLOOR((r0.v * CAST(100 AS NUMERIC(38, 0)))) % 2) <> 0) THEN 1 ELSE 0 END) AS NUMERIC(38, 0)) * CAST(0.01 AS NUMERIC(38, 2))) END AS "sales_cny",
  CASE WHEN f.g1 = 1 THEN (CAST((FLOOR(((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0)))) + CASE WHEN (((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0))) - FLOOR(((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0))))) > CAST(0.5 AS NUMERIC(38, 1)) OR ((((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0))) - FLOOR(((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0))))) = CAST(0.5 AS NUMERIC(38, 1)) AND (FLOOR(((r1.v + r2.v) * CAST(100 AS NUMERIC(38, 0)))) % 2) <> 0) THEN 1 ELSE 0 END) AS NUMERIC(38, 0)) * CAST(0.01 AS NUMERIC(38, 2))) END AS "total_cny",
  CASE WHEN f.g2 = 1 THEN l3.v0 END AS "sales_usd",
  CASE WHEN f.sf IS NULL THEN NULL ELSE to_char(f.sf, 'YYYY-MM-DD') || '/' || to_char(f.sl, 'YYYY-MM-DD') END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN r2 ON r2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
ORDER BY f.rid;
