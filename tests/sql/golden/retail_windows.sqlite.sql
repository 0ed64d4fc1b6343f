-- kpic sql --dialect sqlite: quarter by nothing, from 2025-01-01 to 2026-01-01
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- retail:orders at day
  SELECT date(datetime(t0."下单时间")) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (NOT CASE WHEN t0."returned" IS NULL OR t0."returned" = '' THEN NULL WHEN typeof(t0."returned") = 'integer' AND t0."returned" IN (0, 1) THEN t0."returned" WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."returned") = 'text' AND lower(t0."returned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column returned: value ' || t0."returned" || ' is not a boolean (true/false, 1/0, yes/no)') END) THEN CASE WHEN t0."amount" IS NULL OR t0."amount" = '' THEN NULL WHEN typeof(t0."amount") = 'text' THEN CASE WHEN t0."amount" GLOB '*[^0-9.+-]*' OR t0."amount" NOT GLOB '*[0-9]*' OR substr(t0."amount", 2) GLOB '*[+-]*' OR t0."amount" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0')) > 2 AND instr(t0."amount", '.') > 0 THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amount", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amount" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amount", '.') = 0 THEN t0."amount" || substr('000000000000000000', 1, 2) ELSE substr(t0."amount", 1, instr(t0."amount", '.') - 1) || substr(rtrim(substr(t0."amount", instr(t0."amount", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amount" * 100) AS INTEGER) / 100.0 = CAST(t0."amount" AS REAL) THEN CAST(ROUND(t0."amount" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source orders, column amount: value ' || t0."amount" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END END) AS a0,
    MAX(date(datetime(t0."下单时间"))) AS a1
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
  GROUP BY date(datetime(t0."下单时间"))),
s1 AS (
  -- retail:orders at quarter
  SELECT date(date(datetime(t0."下单时间")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."下单时间"))) AS INTEGER) - 1) % 3)) AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (datetime(t0."shipped_at") IS NOT NULL) THEN ((unixepoch(datetime(t0."shipped_at")) - unixepoch(datetime(t0."下单时间"))) / 3600.0) END) AS a2,
    COUNT(CASE WHEN (datetime(t0."shipped_at") IS NOT NULL) THEN ((unixepoch(datetime(t0."shipped_at")) - unixepoch(datetime(t0."下单时间"))) / 3600.0) END) AS a2_n,
    MAX(date(datetime(t0."下单时间"))) AS a3
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
  GROUP BY date(date(datetime(t0."下单时间")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."下单时间"))) AS INTEGER) - 1) % 3))),
as_of AS (
  -- the data as of its last day with rows within the window
  SELECT CASE WHEN m.d < '2025-01-01' THEN NULL WHEN m.d > '2025-12-31' THEN '2025-12-31' ELSE m.d END AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a3) AS d FROM s1) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) < x.hi THEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) ELSE x.hi END AS hi FROM (SELECT date('2025-01-01', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-01-01') AS INTEGER) - 1) % 3)) AS lo, date('2025-12-31', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-12-31') AS INTEGER) - 1) % 3)) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month', printf('-%d months', (CAST(strftime('%m', p) AS INTEGER) - 1) % 3))) AS lo, MAX(date(p, 'start of month', printf('-%d months', (CAST(strftime('%m', p) AS INTEGER) - 1) % 3))) AS hi FROM s0) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods0 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
bounds1 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) < x.hi THEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) ELSE x.hi END AS hi FROM (SELECT date('2025-01-01', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-01-01') AS INTEGER) - 1) % 3)) AS lo, date('2025-12-31', 'start of month', printf('-%d months', (CAST(strftime('%m', '2025-12-31') AS INTEGER) - 1) % 3)) AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS d) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods1 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
grid0 AS (
  SELECT z.rid, z.p, z.g0, z.g1, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.g0, y.g1, y.e, CASE WHEN '2025-01-01' > y.p THEN '2025-01-01' ELSE y.p END AS a, CASE WHEN ao.d < CASE WHEN '2025-12-31' < y.e THEN '2025-12-31' ELSE y.e END THEN ao.d ELSE CASE WHEN '2025-12-31' < y.e THEN '2025-12-31' ELSE y.e END END AS b
    FROM (SELECT x.rid, x.p, x.g0, x.g1, date(min(date(x.p, printf('%+d months', 3)), date(x.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1
  FROM (
    SELECT p, MAX(g0) AS g0, MAX(g1) AS g1
    FROM (
    SELECT q.p, 1 AS g0, 0 AS g1 FROM periods0 AS q
    UNION ALL
    SELECT q.p, 0 AS g0, 1 AS g1 FROM periods1 AS q) AS a
    GROUP BY p) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
q0(p) AS (
  SELECT lo FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 day') FROM q0 WHERE date(p, '+1 day') <= (SELECT hi FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f))),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.sf AS sf, f.sl AS sl
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 3)), date(f.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') END),
l0 AS (
  -- sum($amount where not $returned)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l0.v0 AS x
  FROM f0 AS f
  LEFT JOIN l0 ON l0.rid = f.rid),
r0 AS (
  SELECT f.rid, (CAST(SUM(x.x) AS REAL) / 100) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
v1_0 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT date(date(datetime(t0."下单时间")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."下单时间"))) AS INTEGER) - 1) % 3)) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
    AND CASE WHEN t0."is_repeat" IS NULL OR t0."is_repeat" = '' THEN NULL WHEN typeof(t0."is_repeat") = 'integer' AND t0."is_repeat" IN (0, 1) THEN t0."is_repeat" WHEN typeof(t0."is_repeat") = 'text' AND lower(t0."is_repeat") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."is_repeat") = 'text' AND lower(t0."is_repeat") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source orders, column is_repeat: value ' || t0."is_repeat" || ' is not a boolean (true/false, 1/0, yes/no)') END
    AND t0."customer_id" IS NOT NULL),
l1 AS (
  -- count_distinct($customer_id where $is_repeat)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of retail:orders
  SELECT DISTINCT date(date(datetime(t0."下单时间")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."下单时间"))) AS INTEGER) - 1) % 3)) AS p, t0."customer_id" AS x
  FROM "orders" AS t0
  WHERE datetime(t0."下单时间") IS NOT NULL
    AND t0."customer_id" IS NOT NULL),
l2 AS (
  -- count_distinct($customer_id)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
  GROUP BY f.rid),
l3 AS (
  -- avg(($shipped_at - $ordered_at) where ($shipped_at is not null))
  SELECT f.rid,
    SUM(s.a2) / NULLIF(SUM(s.a2_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN r0.v END AS "avg_daily_sales",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS REAL) / NULLIF(CAST(l2.v0 AS REAL), 0)) END AS "repurchase_rate",
  CASE WHEN f.g1 = 1 THEN l3.v0 END AS "ship_hours",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
ORDER BY f.rid;
