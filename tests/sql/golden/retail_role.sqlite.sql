-- kpic sql --dialect sqlite: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- retail:orders at month
  SELECT date(date(datetime(t0."下单时间")), 'start of month') AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT CASE WHEN t0."returned" IS NULL OR t0."returned" = '' THEN NULL WHEN typeof(t0."returned") = 'integer' AND t0."returned" IN (0, 1) THEN t0."returned" WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column returned: a value (not shown: the row may be outside role store_manager''s access) that' || substr(t0."returned", 1, 0) || ' is not a boolean (true/false, 1/0, yes/no)') END) THEN CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager''s access) that' || substr(t0."amount", 1, 0) || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager''s access) that' || substr(t0."amount", 1, 0) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager''s access) that' || substr(t0."amount", 1, 0) || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: a value (not shown: the row may be outside role store_manager''s access) that' || substr(t0."amount", 1, 0) || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    MAX(date(datetime(t0."下单时间"))) AS a1
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
    AND (CAST(t0."store" AS TEXT) COLLATE BINARY = CAST('x''; DROP TABLE orders; --' AS TEXT) COLLATE BINARY)
  GROUP BY date(date(datetime(t0."下单时间")), 'start of month'), t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
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
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE BINARY) AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END % 100), -2) END AS "sales",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
ORDER BY f.rid;
