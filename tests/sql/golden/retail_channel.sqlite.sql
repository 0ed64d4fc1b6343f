-- kpic sql --dialect sqlite: month by channel
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- retail:orders at month
  SELECT date(date(datetime(t0."下单时间")), 'start of month') AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT CASE WHEN t0."returned" IS NULL OR t0."returned" = '' THEN NULL WHEN typeof(t0."returned") = 'integer' AND t0."returned" IN (0, 1) THEN t0."returned" WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column returned: value ' || t0."returned" || ' is not a boolean (true/false, 1/0, yes/no)') END) THEN CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    COUNT(CASE WHEN (NOT CASE WHEN t0."returned" IS NULL OR t0."returned" = '' THEN NULL WHEN typeof(t0."returned") = 'integer' AND t0."returned" IN (0, 1) THEN t0."returned" WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column returned: value ' || t0."returned" || ' is not a boolean (true/false, 1/0, yes/no)') END) THEN 1 END) AS a1,
    SUM(CASE WHEN (NOT CASE WHEN t0."returned" IS NULL OR t0."returned" = '' THEN NULL WHEN typeof(t0."returned") = 'integer' AND t0."returned" IN (0, 1) THEN t0."returned" WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column returned: value ' || t0."returned" || ' is not a boolean (true/false, 1/0, yes/no)') END) THEN (CASE WHEN typeof(t0."quantity") = 'integer' THEN t0."quantity" ELSE CASE WHEN t0."quantity" IS NULL OR t0."quantity" = '' THEN NULL WHEN typeof(t0."quantity") = 'text' THEN CASE WHEN t0."quantity" GLOB '*[^0-9.+-]*' OR t0."quantity" NOT GLOB '*[0-9]*' OR substr(t0."quantity", 2) GLOB '*[+-]*' OR t0."quantity" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column quantity: value ' || t0."quantity" || ' is not a decimal number') WHEN length(rtrim(substr(t0."quantity", instr(t0."quantity", '.') + 1), '0')) > 0 AND instr(t0."quantity", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column quantity: value ' || t0."quantity" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."quantity", '.') = 0 THEN t0."quantity" ELSE substr(t0."quantity", 1, instr(t0."quantity", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."quantity", '.') = 0 THEN t0."quantity" ELSE substr(t0."quantity", 1, instr(t0."quantity", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."quantity", '.') = 0 THEN t0."quantity" ELSE substr(t0."quantity", 1, instr(t0."quantity", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."quantity", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."quantity", instr(t0."quantity", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."quantity" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column quantity: value ' || t0."quantity" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."quantity", '.') = 0 THEN t0."quantity" || substr('000000000000000000', 1, 0) ELSE substr(t0."quantity", 1, instr(t0."quantity", '.') - 1) || substr(rtrim(substr(t0."quantity", instr(t0."quantity", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."quantity" * 1) AS INTEGER) / 1.0 = CAST(t0."quantity" AS REAL) THEN CAST(ROUND(t0."quantity" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column quantity: value ' || t0."quantity" || ' is not a whole number') END END * CASE WHEN t1."unit_cost" IS NULL OR t1."unit_cost" = '' THEN NULL WHEN typeof(t1."unit_cost") = 'text' THEN CASE WHEN t1."unit_cost" GLOB '*[^0-9.+-]*' OR t1."unit_cost" NOT GLOB '*[0-9]*' OR substr(t1."unit_cost", 2) GLOB '*[+-]*' OR t1."unit_cost" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column product_id.unit_cost: value ' || t1."unit_cost" || ' is not a decimal number') WHEN length(rtrim(substr(t1."unit_cost", instr(t1."unit_cost", '.') + 1), '0')) > 2 AND instr(t1."unit_cost", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column product_id.unit_cost: value ' || t1."unit_cost" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t1."unit_cost", '.') = 0 THEN t1."unit_cost" ELSE substr(t1."unit_cost", 1, instr(t1."unit_cost", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t1."unit_cost", '.') = 0 THEN t1."unit_cost" ELSE substr(t1."unit_cost", 1, instr(t1."unit_cost", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t1."unit_cost", '.') = 0 THEN t1."unit_cost" ELSE substr(t1."unit_cost", 1, instr(t1."unit_cost", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t1."unit_cost", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t1."unit_cost", instr(t1."unit_cost", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t1."unit_cost" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column product_id.unit_cost: value ' || t1."unit_cost" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t1."unit_cost", '.') = 0 THEN t1."unit_cost" || substr('000000000000000000', 1, 2) ELSE substr(t1."unit_cost", 1, instr(t1."unit_cost", '.') - 1) || substr(rtrim(substr(t1."unit_cost", instr(t1."unit_cost", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t1."unit_cost" * 100) AS INTEGER) / 100.0 = CAST(t1."unit_cost" AS REAL) THEN CAST(ROUND(t1."unit_cost" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column product_id.unit_cost: value ' || t1."unit_cost" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) END) AS a2,
    MAX(date(datetime(t0."下单时间"))) AS a3
  FROM "orders" AS t0
  LEFT JOIN "products" AS t1 ON CAST(t1."product_id" AS TEXT) COLLATE BINARY = CAST(t0."product_id" AS TEXT) COLLATE BINARY
  WHERE datetime(t0."下单时间") IS NOT NULL
  GROUP BY date(date(datetime(t0."下单时间")), 'start of month'), t0."channel"),
s1 AS (
  -- retail:traffic at month
  SELECT date(t0."day", 'start of month') AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN typeof(t0."visitors") = 'integer' THEN t0."visitors" ELSE CASE WHEN t0."visitors" IS NULL OR t0."visitors" = '' THEN NULL WHEN typeof(t0."visitors") = 'text' THEN CASE WHEN t0."visitors" GLOB '*[^0-9.+-]*' OR t0."visitors" NOT GLOB '*[0-9]*' OR substr(t0."visitors", 2) GLOB '*[+-]*' OR t0."visitors" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source traffic, column visitors: value ' || t0."visitors" || ' is not a decimal number') WHEN length(rtrim(substr(t0."visitors", instr(t0."visitors", '.') + 1), '0')) > 0 AND instr(t0."visitors", '.') > 0 THEN json_extract('{}', 'kpic: source traffic, column visitors: value ' || t0."visitors" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."visitors", '.') = 0 THEN t0."visitors" ELSE substr(t0."visitors", 1, instr(t0."visitors", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."visitors", '.') = 0 THEN t0."visitors" ELSE substr(t0."visitors", 1, instr(t0."visitors", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."visitors", '.') = 0 THEN t0."visitors" ELSE substr(t0."visitors", 1, instr(t0."visitors", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."visitors", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."visitors", instr(t0."visitors", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."visitors" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source traffic, column visitors: value ' || t0."visitors" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."visitors", '.') = 0 THEN t0."visitors" || substr('000000000000000000', 1, 0) ELSE substr(t0."visitors", 1, instr(t0."visitors", '.') - 1) || substr(rtrim(substr(t0."visitors", instr(t0."visitors", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."visitors" * 1) AS INTEGER) / 1.0 = CAST(t0."visitors" AS REAL) THEN CAST(ROUND(t0."visitors" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source traffic, column visitors: value ' || t0."visitors" || ' is not a whole number') END END) AS a0,
    MAX(t0."day") AS a1
  FROM "traffic" AS t0
  WHERE t0."day" IS NOT NULL
  GROUP BY date(t0."day", 'start of month'), t0."channel"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a3) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(date(ao.d, 'start of month'), s.p)) AS u),
bounds1 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0
    UNION ALL SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods1 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(date(ao.d, 'start of month'), s.p)
    UNION ALL SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(date(ao.d, 'start of month'), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE BINARY) AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned); count_rows(* where not $returned); sum(($quantity * $product_id.unit_cost) where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1,
    COALESCE(SUM(s.a2), 0) AS v2
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l1 AS (
  -- sum($visitors)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END % 100), -2) END END AS "sales",
  CASE WHEN f.g0 = 1 THEN ((CAST(l0.v0 AS REAL) / 100) / NULLIF(CAST(l0.v1 AS REAL), 0)) END AS "aov",
  CASE WHEN f.g1 = 1 THEN (CAST(l0.v1 AS REAL) / NULLIF(CAST(l1.v0 AS REAL), 0)) END AS "conversion",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof((l0.v0 - l0.v2)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (l0.v0 - l0.v2) END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof((l0.v0 - l0.v2)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (l0.v0 - l0.v2) END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof((l0.v0 - l0.v2)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (l0.v0 - l0.v2) END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof((l0.v0 - l0.v2)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE (l0.v0 - l0.v2) END % 100), -2) END END AS "gross_profit",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
ORDER BY f.rid;
