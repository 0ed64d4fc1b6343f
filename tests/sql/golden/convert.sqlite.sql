-- kpic sql --dialect sqlite: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- main:orders at day
  SELECT t0."kpic#day" AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY t0."kpic#day", t0."store"),
s1 AS (
  -- main:eur_orders at day
  SELECT t0."kpic#day" AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source eur_orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source eur_orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source eur_orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source eur_orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source eur_orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "eur_orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY t0."kpic#day", t0."store"),
s2 AS (
  -- main:orders at month
  SELECT date(t0."kpic#day", 'start of month') AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY date(t0."kpic#day", 'start of month'), t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1
    UNION ALL SELECT MAX(a1) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 1)), date(b.hi, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s0
    UNION ALL SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods1 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 1)), date(b.hi, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AND s.p <= COALESCE(ao.d, s.p)
    UNION ALL SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 1)), date(b.hi, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds2 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds2) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods2 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds2))),
members2 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s2 AS s, bounds2 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(date(ao.d, 'start of month'), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, x.g2, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE BINARY) AS rid, p, d0, g0, g1, g2
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1, MAX(g2) AS g2
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1, 0 AS g2 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1, 0 AS g2 FROM periods1 AS q CROSS JOIN members1 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 0 AS g1, 1 AS g2 FROM periods2 AS q CROSS JOIN members2 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
q0(p) AS (
  SELECT lo FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 day') FROM q0 WHERE date(p, '+1 day') <= (SELECT hi FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f))),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.d0 IS f.d0
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
k0 AS (
  -- rates USD->CNY from rates: the quote in effect from each date on
  SELECT w.d, w.r FROM (
    SELECT u.d, u.r, ROW_NUMBER() OVER (PARTITION BY u.d ORDER BY u.inv) AS rn FROM (
      SELECT t."day" AS d, (CAST(ROUND(t."rate" * 10000) AS BIGINT) * 1000000) AS r, 0 AS inv FROM "rates" AS t WHERE t."from" = 'USD' AND t."to" = 'CNY' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0
      UNION ALL
      SELECT i.d, (i.q + CASE WHEN 2 * (100000000000000 - i.q * i.ri) > i.ri OR (2 * (100000000000000 - i.q * i.ri) = i.ri AND (i.q % 2) = 1) THEN 1 ELSE 0 END) AS r, 1 AS inv FROM (
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
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN json_extract('{}', 'kpic: no rate from USD to CNY (nor from CNY to USD) on or before ' || xr.p) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr0 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
q1(p) AS (
  SELECT lo FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 day') FROM q1 WHERE date(p, '+1 day') <= (SELECT hi FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f))),
f1 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q1 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f1 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.d0 IS f.d0
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
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN json_extract('{}', 'kpic: no rate from USD to CNY (nor from CNY to USD) on or before ' || xr.p) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr1 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
q2(p) AS (
  SELECT lo FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 day') FROM q2 WHERE date(p, '+1 day') <= (SELECT hi FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f))),
f2 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0
  FROM grid0 AS f
  JOIN q2 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f2 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.d0 IS f.d0
  GROUP BY f.rid),
x2 AS (
  SELECT f.rid, f.prid, f.p, l2.v0 AS x
  FROM f2 AS f
  LEFT JOIN l2 ON l2.rid = f.rid),
k1 AS (
  -- rates EUR->CNY from rates: the quote in effect from each date on
  SELECT w.d, w.r FROM (
    SELECT u.d, u.r, ROW_NUMBER() OVER (PARTITION BY u.d ORDER BY u.inv) AS rn FROM (
      SELECT t."day" AS d, (CAST(ROUND(t."rate" * 10000) AS BIGINT) * 1000000) AS r, 0 AS inv FROM "rates" AS t WHERE t."from" = 'EUR' AND t."to" = 'CNY' AND t."day" IS NOT NULL AND CAST(ROUND(t."rate" * 10000) AS BIGINT) > 0
      UNION ALL
      SELECT i.d, (i.q + CASE WHEN 2 * (100000000000000 - i.q * i.ri) > i.ri OR (2 * (100000000000000 - i.q * i.ri) = i.ri AND (i.q % 2) = 1) THEN 1 ELSE 0 END) AS r, 1 AS inv FROM (
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
  SELECT f.rid, COALESCE(SUM(CASE WHEN xr.x IS NULL OR xr.x = 0 THEN NULL WHEN xr.r IS NULL THEN json_extract('{}', 'kpic: no rate from EUR to CNY (nor from CNY to EUR) on or before ' || xr.p) ELSE (xr.x * xr.r) END), 0) AS v
  FROM grid0 AS f
  LEFT JOIN xr2 AS xr ON xr.prid = f.rid
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof(((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE ((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END) END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE ((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END) END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE ((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END) END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE ((r0.v / 10000000000) + CASE WHEN 2 * ABS((r0.v % 10000000000)) > 10000000000 OR (2 * ABS((r0.v % 10000000000)) = 10000000000 AND ABS(((r0.v / 10000000000) % 2)) = 1) THEN (CASE WHEN r0.v < 0 THEN -1 ELSE 1 END) ELSE 0 END) END % 100), -2) END END AS "sales_cny",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof((((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END) END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof((((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END) END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof((((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END) END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof((((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (((r1.v + r2.v) / 10000000000) + CASE WHEN 2 * ABS(((r1.v + r2.v) % 10000000000)) > 10000000000 OR (2 * ABS(((r1.v + r2.v) % 10000000000)) = 10000000000 AND ABS((((r1.v + r2.v) / 10000000000) % 2)) = 1) THEN (CASE WHEN (r1.v + r2.v) < 0 THEN -1 ELSE 1 END) ELSE 0 END) END % 100), -2) END END AS "total_cny",
  CASE WHEN f.g2 = 1 THEN CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END % 100), -2) END END AS "sales_usd",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN r2 ON r2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
ORDER BY f.rid;
