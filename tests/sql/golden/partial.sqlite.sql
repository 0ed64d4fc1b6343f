-- kpic sql --dialect sqlite: quarter by channel, from 2025-02-10 to the end
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
-- data as of 2025-11-19 (--as-of)
WITH RECURSIVE
s0 AS (
  -- partial:orders at quarter
  SELECT date(t0."kpic#day", 'start of month', printf('-%d months', (CAST(strftime('%m', t0."kpic#day") AS INTEGER) - 1) % 3)) AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(*) AS a1,
    MAX(t0."kpic#day") AS a2
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
    AND t0."kpic#day" >= '2025-02-10'
    AND t0."kpic#day" < '2025-11-20'
  GROUP BY date(t0."kpic#day", 'start of month', printf('-%d months', (CAST(strftime('%m', t0."kpic#day") AS INTEGER) - 1) % 3)), t0."channel"),
as_of AS (
  -- the data as of --as-of
  SELECT '2025-11-19' AS d),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) < x.hi THEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE date('2025-02-10', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-02-10') AS INTEGER) - 1) % 3)) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods0 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p >= COALESCE(date('2025-02-10', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-02-10') AS INTEGER) - 1) % 3)), s.p) AND s.p <= COALESCE(date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)), s.p)) AS u),
s1 AS (
  -- partial:orders at day
  SELECT t0."kpic#day" AS p,
    t0."channel" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source orders, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "orders") AS t0
  WHERE t0."kpic#day" IS NOT NULL
    AND t0."kpic#day" < '2025-11-20'
  GROUP BY t0."kpic#day", t0."channel"),
bounds1 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) < x.hi THEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) ELSE x.hi END AS hi FROM (SELECT CASE WHEN d.lo IS NULL THEN NULL ELSE date('2025-02-10', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-02-10') AS INTEGER) - 1) % 3)) END AS lo, CASE WHEN d.lo IS NULL THEN NULL ELSE d.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month', printf('-%d months', (CAST(strftime('%m', p) AS INTEGER) - 1) % 3))) AS lo, MAX(date(p, 'start of month', printf('-%d months', (CAST(strftime('%m', p) AS INTEGER) - 1) % 3))) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods1 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 3)), date(b.hi, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') AND s.p >= COALESCE('2025-02-10', s.p) AND s.p <= COALESCE(ao.d, s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.g0, y.g1, y.e, CASE WHEN '2025-02-10' > y.p THEN '2025-02-10' ELSE y.p END AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, x.g0, x.g1, date(min(date(x.p, printf('%+d months', 3)), date(x.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE BINARY) AS rid, p, d0, g0, g1
  FROM (
    SELECT p, d0, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, m.d0, 1 AS g0, 0 AS g1 FROM periods0 AS q CROSS JOIN members0 AS m
    UNION ALL
    SELECT q.p, m.d0, 0 AS g0, 1 AS g1 FROM periods1 AS q CROSS JOIN members1 AS m) AS a
    GROUP BY p, d0) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- sum($amount); count_rows(*)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0,
    COALESCE(SUM(s.a1), 0) AS v1
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l1 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -3)), date(f.p, 'start of month', printf('%+d months', (-3) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -3)), date(f.p, 'start of month', printf('%+d months', (-3) + 1), '-1 day')), printf('%+d months', 3)), date(min(date(f.p, printf('%+d months', -3)), date(f.p, 'start of month', printf('%+d months', (-3) + 1), '-1 day')), 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(min(date(f.sf, printf('%+d months', -(3))), date(f.sf, 'start of month', printf('%+d months', (-(3)) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(f.sl, printf('%+d months', -(3))), date(f.sl, 'start of month', printf('%+d months', (-(3)) + 1), '-1 day')), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l2 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), printf('%+d months', 3)), date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(min(date(f.sf, printf('%+d months', -(12))), date(f.sf, 'start of month', printf('%+d months', (-(12)) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(f.sl, printf('%+d months', -(12))), date(f.sl, 'start of month', printf('%+d months', (-(12)) + 1), '-1 day')), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l3 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN date(f.p, 'start of year') AND date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days')
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l4 AS (
  -- sum($amount)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(CASE WHEN date(f.sl, 'start of month') < date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') THEN date(f.sl, 'start of month') ELSE date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') END, printf('%+d months', -2)), date(CASE WHEN date(f.sl, 'start of month') < date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') THEN date(f.sl, 'start of month') ELSE date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') END, 'start of month', printf('%+d months', (-2) + 1), '-1 day')) AND date(min(date(CASE WHEN date(f.sl, 'start of month') < date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') THEN date(f.sl, 'start of month') ELSE date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') END, printf('%+d months', 1)), date(CASE WHEN date(f.sl, 'start of month') < date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') THEN date(f.sl, 'start of month') ELSE date(date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days'), 'start of month') END, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "channel",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END % 100), -2) END END AS "sales",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END % 100), -2) END END AS "prev",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END % 100), -2) END END AS "ly",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END % 100), -2) END END AS "ytd",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END % 100), -2) END END AS "r3",
  CASE WHEN f.g0 = 1 THEN ((CAST(l0.v0 AS REAL) / 100) / NULLIF(CAST(l0.v1 AS REAL), 0)) END AS "aov",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
