-- kpic sql --dialect sqlite: goal grow (sales) per month, 2026-01-01 to 2027-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the as-of date.
WITH RECURSIVE
periods0(p) AS (
  SELECT lo FROM (SELECT date('2026-01-01', 'start of month') AS lo, date('2026-12-31', 'start of month') AS hi) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT date('2026-01-01', 'start of month') AS lo, date('2026-12-31', 'start of month') AS hi))),
s0 AS (
  -- partial:orders at day
  SELECT t0."kpic#day" AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY t0."kpic#day"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0) AS u) AS m),
grid0 AS (
  SELECT z.rid, z.p, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.e, CASE WHEN '2026-01-01' > y.p THEN '2026-01-01' ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN '2026-12-31' < y.e THEN '2026-12-31' ELSE y.e END THEN ao.d ELSE CASE WHEN '2026-12-31' < y.e THEN '2026-12-31' ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY q.p) AS rid, q.p FROM periods0 AS q) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN f.p AND date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END % 100), -2) END END AS "value",
  CASE WHEN f.sf > f.sl AND (date(min(date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') > ao.d) THEN NULL ELSE CASE WHEN CASE WHEN typeof(NULLIF(l1.v0, 0)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE NULLIF(l1.v0, 0) END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(NULLIF(l1.v0, 0)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE NULLIF(l1.v0, 0) END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(NULLIF(l1.v0, 0)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE NULLIF(l1.v0, 0) END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(NULLIF(l1.v0, 0)) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE NULLIF(l1.v0, 0) END % 100), -2) END END AS "target",
  CASE WHEN f.sf > f.sl THEN NULL ELSE CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
CROSS JOIN as_of AS ao
ORDER BY f.rid;
