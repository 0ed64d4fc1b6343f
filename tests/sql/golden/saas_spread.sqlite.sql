-- kpic sql --dialect sqlite: quarter by region
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- saas:tickets at quarter
  SELECT date(date(datetime(t0."opened_at")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."opened_at"))) AS INTEGER) - 1) % 3)) AS p,
    t1."region" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END END) AS a0,
    COUNT(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END END) AS a0_n,
    MAX(date(datetime(t0."opened_at"))) AS a3
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE BINARY = CAST(t0."account_id" AS TEXT) COLLATE BINARY
  WHERE datetime(t0."opened_at") IS NOT NULL
  GROUP BY date(date(datetime(t0."opened_at")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."opened_at"))) AS INTEGER) - 1) % 3)), t1."region"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a3) AS d FROM s0) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) < x.hi THEN date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)) ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+3 month') FROM periods0 WHERE date(p, '+3 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
members0 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s0 AS s, bounds0 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND b.hi AND s.p <= COALESCE(date(ao.d, 'start of month', printf('-%d months', (CAST(strftime('%m', ao.d) AS INTEGER) - 1) % 3)), s.p)) AS u),
grid0 AS (
  SELECT z.rid, z.p, z.d0, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.d0, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.d0, date(min(date(x.p, printf('%+d months', 3)), date(x.p, 'start of month', printf('%+d months', (3) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p, CASE WHEN u.d0 IS NULL THEN 1 ELSE 0 END, CAST(u.d0 AS TEXT) COLLATE BINARY) AS rid, p, d0
  FROM (SELECT q.p, m.d0 FROM periods0 AS q CROSS JOIN members0 AS m) AS u) AS x) AS y CROSS JOIN as_of AS ao) AS z),
l0 AS (
  -- avg($csat where ($resolved_at is not null))
  SELECT f.rid,
    CAST(SUM(s.a0) AS REAL) / NULLIF(SUM(s.a0_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
v0_1 AS (
  -- stddev of saas:tickets
  SELECT date(date(datetime(t0."opened_at")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."opened_at"))) AS INTEGER) - 1) % 3)) AS p, t1."region" AS d0, CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END AS x
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE BINARY = CAST(t0."account_id" AS TEXT) COLLATE BINARY
  WHERE datetime(t0."opened_at") IS NOT NULL
    AND (datetime(t0."resolved_at") IS NOT NULL)
    AND CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END IS NOT NULL),
l1 AS (
  -- stddev($csat where ($resolved_at is not null))
  SELECT s.rid,
    SQRT(CASE WHEN COUNT(s.x) > 1 THEN (CASE WHEN (CAST(COUNT(s.x) AS REAL) * SUM(CAST(s.x - s.k AS REAL) * CAST(s.x - s.k AS REAL)) - SUM(CAST(s.x - s.k AS REAL)) * SUM(CAST(s.x - s.k AS REAL))) < 0 THEN 0 ELSE (CAST(COUNT(s.x) AS REAL) * SUM(CAST(s.x - s.k AS REAL) * CAST(s.x - s.k AS REAL)) - SUM(CAST(s.x - s.k AS REAL)) * SUM(CAST(s.x - s.k AS REAL))) END) / (CAST(COUNT(s.x) AS REAL) * (CAST(COUNT(s.x) AS REAL) - 1)) END) AS v0
  FROM (SELECT f.rid, s.x, MIN(s.x) OVER (PARTITION BY f.rid) AS k
    FROM grid0 AS f
    LEFT JOIN v0_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
    AND s.d0 IS f.d0) AS s
  GROUP BY s.rid),
v0_2 AS (
  -- variance of saas:tickets
  SELECT date(date(datetime(t0."opened_at")), 'start of month', printf('-%d months', (CAST(strftime('%m', date(datetime(t0."opened_at"))) AS INTEGER) - 1) % 3)) AS p, t1."region" AS d0, ((unixepoch(datetime(t0."resolved_at")) - unixepoch(datetime(t0."opened_at"))) / 3600.0) AS x
  FROM "tickets" AS t0
  LEFT JOIN "accounts" AS t1 ON CAST(t1."account_id" AS TEXT) COLLATE BINARY = CAST(t0."account_id" AS TEXT) COLLATE BINARY
  WHERE datetime(t0."opened_at") IS NOT NULL
    AND ((unixepoch(datetime(t0."resolved_at")) - unixepoch(datetime(t0."opened_at"))) / 3600.0) IS NOT NULL),
l2 AS (
  -- variance(($resolved_at - $opened_at))
  SELECT s.rid,
    CASE WHEN COUNT(s.x) > 1 THEN (CASE WHEN (CAST(COUNT(s.x) AS REAL) * SUM((s.x - s.k) * (s.x - s.k)) - SUM((s.x - s.k)) * SUM((s.x - s.k))) < 0 THEN 0 ELSE (CAST(COUNT(s.x) AS REAL) * SUM((s.x - s.k) * (s.x - s.k)) - SUM((s.x - s.k)) * SUM((s.x - s.k))) END) / (CAST(COUNT(s.x) AS REAL) * (CAST(COUNT(s.x) AS REAL) - 1)) END AS v0
  FROM (SELECT f.rid, s.x, MIN(s.x) OVER (PARTITION BY f.rid) AS k
    FROM grid0 AS f
    LEFT JOIN v0_2 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sf) AS INTEGER) - 1) % 3)), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month', printf('-%d months', (CAST(strftime('%m', f.sl) AS INTEGER) - 1) % 3)), s.p)
    AND s.d0 IS f.d0) AS s
  GROUP BY s.rid)
SELECT
  f.p AS "period",
  f.d0 AS "region",
  l0.v0 AS "csat",
  l1.v0 AS "csat_spread",
  l2.v0 AS "resolution_variance",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
ORDER BY f.rid;
