-- kpic sql --dialect sqlite: month by nothing
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- saas:mrr_snapshots at day
  SELECT t0."Month" AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."MRR (USD)" IS NULL OR t0."MRR (USD)" = '' THEN NULL WHEN typeof(t0."MRR (USD)") = 'text' THEN CASE WHEN t0."MRR (USD)" GLOB '*[^0-9.+-]*' OR t0."MRR (USD)" NOT GLOB '*[0-9]*' OR substr(t0."MRR (USD)", 2) GLOB '*[+-]*' OR t0."MRR (USD)" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is not a decimal number') WHEN length(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0')) > 2 AND instr(t0."MRR (USD)", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."MRR (USD)" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" || substr('000000000000000000', 1, 2) ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) || substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    COUNT(CASE WHEN t0."MRR (USD)" IS NULL OR t0."MRR (USD)" = '' THEN NULL WHEN typeof(t0."MRR (USD)") = 'text' THEN CASE WHEN t0."MRR (USD)" GLOB '*[^0-9.+-]*' OR t0."MRR (USD)" NOT GLOB '*[0-9]*' OR substr(t0."MRR (USD)", 2) GLOB '*[+-]*' OR t0."MRR (USD)" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is not a decimal number') WHEN length(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0')) > 2 AND instr(t0."MRR (USD)", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."MRR (USD)" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" || substr('000000000000000000', 1, 2) ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) || substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0_n,
    MAX(t0."Month") AS a2
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY t0."Month"),
s1 AS (
  -- saas:mrr_snapshots at month
  SELECT date(t0."Month", 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."expansion" IS NULL OR t0."expansion" = '' THEN NULL WHEN typeof(t0."expansion") = 'text' THEN CASE WHEN t0."expansion" GLOB '*[^0-9.+-]*' OR t0."expansion" NOT GLOB '*[0-9]*' OR substr(t0."expansion", 2) GLOB '*[+-]*' OR t0."expansion" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column expansion: value ' || t0."expansion" || ' is not a decimal number') WHEN length(rtrim(substr(t0."expansion", instr(t0."expansion", '.') + 1), '0')) > 2 AND instr(t0."expansion", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column expansion: value ' || t0."expansion" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."expansion", '.') = 0 THEN t0."expansion" ELSE substr(t0."expansion", 1, instr(t0."expansion", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."expansion", '.') = 0 THEN t0."expansion" ELSE substr(t0."expansion", 1, instr(t0."expansion", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."expansion", '.') = 0 THEN t0."expansion" ELSE substr(t0."expansion", 1, instr(t0."expansion", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."expansion", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."expansion", instr(t0."expansion", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."expansion" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column expansion: value ' || t0."expansion" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."expansion", '.') = 0 THEN t0."expansion" || substr('000000000000000000', 1, 2) ELSE substr(t0."expansion", 1, instr(t0."expansion", '.') - 1) || substr(rtrim(substr(t0."expansion", instr(t0."expansion", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."expansion" * 100) AS INTEGER) / 100.0 = CAST(t0."expansion" AS REAL) THEN CAST(ROUND(t0."expansion" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column expansion: value ' || t0."expansion" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a2,
    SUM(CASE WHEN t0."contraction" IS NULL OR t0."contraction" = '' THEN NULL WHEN typeof(t0."contraction") = 'text' THEN CASE WHEN t0."contraction" GLOB '*[^0-9.+-]*' OR t0."contraction" NOT GLOB '*[0-9]*' OR substr(t0."contraction", 2) GLOB '*[+-]*' OR t0."contraction" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column contraction: value ' || t0."contraction" || ' is not a decimal number') WHEN length(rtrim(substr(t0."contraction", instr(t0."contraction", '.') + 1), '0')) > 2 AND instr(t0."contraction", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column contraction: value ' || t0."contraction" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."contraction", '.') = 0 THEN t0."contraction" ELSE substr(t0."contraction", 1, instr(t0."contraction", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."contraction", '.') = 0 THEN t0."contraction" ELSE substr(t0."contraction", 1, instr(t0."contraction", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."contraction", '.') = 0 THEN t0."contraction" ELSE substr(t0."contraction", 1, instr(t0."contraction", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."contraction", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."contraction", instr(t0."contraction", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."contraction" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column contraction: value ' || t0."contraction" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."contraction", '.') = 0 THEN t0."contraction" || substr('000000000000000000', 1, 2) ELSE substr(t0."contraction", 1, instr(t0."contraction", '.') - 1) || substr(rtrim(substr(t0."contraction", instr(t0."contraction", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."contraction" * 100) AS INTEGER) / 100.0 = CAST(t0."contraction" AS REAL) THEN CAST(ROUND(t0."contraction" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column contraction: value ' || t0."contraction" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a3,
    SUM(CASE WHEN t0."churned_mrr" IS NULL OR t0."churned_mrr" = '' THEN NULL WHEN typeof(t0."churned_mrr") = 'text' THEN CASE WHEN t0."churned_mrr" GLOB '*[^0-9.+-]*' OR t0."churned_mrr" NOT GLOB '*[0-9]*' OR substr(t0."churned_mrr", 2) GLOB '*[+-]*' OR t0."churned_mrr" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column churned_mrr: value ' || t0."churned_mrr" || ' is not a decimal number') WHEN length(rtrim(substr(t0."churned_mrr", instr(t0."churned_mrr", '.') + 1), '0')) > 2 AND instr(t0."churned_mrr", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column churned_mrr: value ' || t0."churned_mrr" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."churned_mrr", '.') = 0 THEN t0."churned_mrr" ELSE substr(t0."churned_mrr", 1, instr(t0."churned_mrr", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."churned_mrr", '.') = 0 THEN t0."churned_mrr" ELSE substr(t0."churned_mrr", 1, instr(t0."churned_mrr", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."churned_mrr", '.') = 0 THEN t0."churned_mrr" ELSE substr(t0."churned_mrr", 1, instr(t0."churned_mrr", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."churned_mrr", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."churned_mrr", instr(t0."churned_mrr", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."churned_mrr" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column churned_mrr: value ' || t0."churned_mrr" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."churned_mrr", '.') = 0 THEN t0."churned_mrr" || substr('000000000000000000', 1, 2) ELSE substr(t0."churned_mrr", 1, instr(t0."churned_mrr", '.') - 1) || substr(rtrim(substr(t0."churned_mrr", instr(t0."churned_mrr", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."churned_mrr" * 100) AS INTEGER) / 100.0 = CAST(t0."churned_mrr" AS REAL) THEN CAST(ROUND(t0."churned_mrr" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column churned_mrr: value ' || t0."churned_mrr" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a4,
    MAX(t0."Month") AS a5
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
  GROUP BY date(t0."Month", 'start of month')),
s2 AS (
  -- saas:tickets at month
  SELECT date(date(datetime(t0."opened_at")), 'start of month') AS p,
    COUNT(*) AS n,
    SUM(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END END) AS a0,
    COUNT(CASE WHEN (datetime(t0."resolved_at") IS NOT NULL) THEN CASE WHEN typeof(t0."csat") = 'integer' THEN t0."csat" ELSE CASE WHEN t0."csat" IS NULL OR t0."csat" = '' THEN NULL WHEN typeof(t0."csat") = 'text' THEN CASE WHEN t0."csat" GLOB '*[^0-9.+-]*' OR t0."csat" NOT GLOB '*[0-9]*' OR substr(t0."csat", 2) GLOB '*[+-]*' OR t0."csat" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a decimal number') WHEN length(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0')) > 0 AND instr(t0."csat", '.') > 0 THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."csat", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."csat" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."csat", '.') = 0 THEN t0."csat" || substr('000000000000000000', 1, 0) ELSE substr(t0."csat", 1, instr(t0."csat", '.') - 1) || substr(rtrim(substr(t0."csat", instr(t0."csat", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."csat" * 1) AS INTEGER) / 1.0 = CAST(t0."csat" AS REAL) THEN CAST(ROUND(t0."csat" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source tickets, column csat: value ' || t0."csat" || ' is not a whole number') END END END) AS a0_n,
    MAX(date(datetime(t0."opened_at"))) AS a1
  FROM "tickets" AS t0
  WHERE datetime(t0."opened_at") IS NOT NULL
  GROUP BY date(date(datetime(t0."opened_at")), 'start of month')),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a2) AS d FROM s0
    UNION ALL SELECT MAX(a5) AS d FROM s1
    UNION ALL SELECT MAX(a1) AS d FROM s2) AS u) AS m),
bounds0 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s0) AS u) AS x CROSS JOIN as_of AS ao),
periods0(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds0) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods0 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds0))),
bounds1 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods1 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
bounds2 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(p) AS lo, MAX(p) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds2) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods2 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds2))),
grid0 AS (
  SELECT z.rid, z.p, z.g0, z.g1, z.g2, CASE WHEN z.a > z.p OR z.b < z.e THEN z.a END AS sf, CASE WHEN z.a > z.p OR z.b < z.e THEN z.b END AS sl
  FROM (
    SELECT y.rid, y.p, y.g0, y.g1, y.g2, y.e, y.p AS a, CASE WHEN ao.d < y.e THEN ao.d ELSE y.e END AS b
    FROM (SELECT x.rid, x.p, x.g0, x.g1, x.g2, date(min(date(x.p, printf('%+d months', 1)), date(x.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AS e FROM (SELECT ROW_NUMBER() OVER (ORDER BY u.p) AS rid, p, g0, g1, g2
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
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r0 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
v1_0 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT date(t0."Month", 'start of month') AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND (CASE WHEN t0."MRR (USD)" IS NULL OR t0."MRR (USD)" = '' THEN NULL WHEN typeof(t0."MRR (USD)") = 'text' THEN CASE WHEN t0."MRR (USD)" GLOB '*[^0-9.+-]*' OR t0."MRR (USD)" NOT GLOB '*[0-9]*' OR substr(t0."MRR (USD)", 2) GLOB '*[+-]*' OR t0."MRR (USD)" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is not a decimal number') WHEN length(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0')) > 2 AND instr(t0."MRR (USD)", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."MRR (USD)" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" || substr('000000000000000000', 1, 2) ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) || substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END > (0 * 100))
    AND t0."account_id" IS NOT NULL),
l0 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid),
v1_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT date(t0."Month", 'start of month') AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND CASE WHEN t0."churned" IS NULL OR t0."churned" = '' THEN NULL WHEN typeof(t0."churned") = 'integer' AND t0."churned" IN (0, 1) THEN t0."churned" WHEN typeof(t0."churned") = 'text' AND lower(t0."churned") IN ('1', 'true', 't', 'yes', 'y') THEN 1 WHEN typeof(t0."churned") = 'text' AND lower(t0."churned") IN ('0', 'false', 'f', 'no', 'n') THEN 0 ELSE json_extract('{}', 'kpic: source mrr_snapshots, column churned: value ' || t0."churned" || ' is not a boolean (true/false, 1/0, yes/no)') END
    AND t0."account_id" IS NOT NULL),
l1 AS (
  -- count_distinct($account_id where $churned)
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v1_1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid),
v0_1 AS (
  -- count_distinct of saas:mrr_snapshots
  SELECT DISTINCT t0."Month" AS p, t0."account_id" AS x
  FROM "mrr_snapshots" AS t0
  WHERE t0."Month" IS NOT NULL
    AND (CASE WHEN t0."MRR (USD)" IS NULL OR t0."MRR (USD)" = '' THEN NULL WHEN typeof(t0."MRR (USD)") = 'text' THEN CASE WHEN t0."MRR (USD)" GLOB '*[^0-9.+-]*' OR t0."MRR (USD)" NOT GLOB '*[0-9]*' OR substr(t0."MRR (USD)", 2) GLOB '*[+-]*' OR t0."MRR (USD)" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is not a decimal number') WHEN length(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0')) > 2 AND instr(t0."MRR (USD)", '.') > 0 THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."MRR (USD)" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."MRR (USD)", '.') = 0 THEN t0."MRR (USD)" || substr('000000000000000000', 1, 2) ELSE substr(t0."MRR (USD)", 1, instr(t0."MRR (USD)", '.') - 1) || substr(rtrim(substr(t0."MRR (USD)", instr(t0."MRR (USD)", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) / 100.0 = CAST(t0."MRR (USD)" AS REAL) THEN CAST(ROUND(t0."MRR (USD)" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source mrr_snapshots, column mrr: value ' || t0."MRR (USD)" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END > (0 * 100))
    AND t0."account_id" IS NOT NULL),
l2 AS (
  -- count_distinct($account_id where ($mrr > decimal(2)(0)))
  SELECT f.rid,
    COUNT(DISTINCT s.x) AS v0
  FROM grid0 AS f
  LEFT JOIN v0_1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(min(date(f.sf, printf('%+d months', -(1))), date(f.sf, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(f.sl, printf('%+d months', -(1))), date(f.sl, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')), s.p)
  GROUP BY f.rid),
b1 AS (
  -- sum($mrr) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s0 AS s ON s.p BETWEEN CASE WHEN min(date(f.sf, printf('%+d months', -(1))), date(f.sf, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')) > min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')) THEN min(date(f.sf, printf('%+d months', -(1))), date(f.sf, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')) ELSE min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')) END AND CASE WHEN min(date(f.sl, printf('%+d months', -(1))), date(f.sl, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')) < date(min(date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN min(date(f.sl, printf('%+d months', -(1))), date(f.sl, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')) ELSE date(min(date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b1) AS t ON t.rid = f.rid AND t.rn = 1),
l3 AS (
  -- sum($expansion); sum($contraction); sum($churned_mrr)
  SELECT f.rid,
    COALESCE(SUM(s.a2), 0) AS v0,
    COALESCE(SUM(s.a3), 0) AS v1,
    COALESCE(SUM(s.a4), 0) AS v2
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid),
l4 AS (
  -- avg($csat where ($resolved_at is not null))
  SELECT f.rid,
    CAST(SUM(s.a0) AS REAL) / NULLIF(SUM(s.a0_n), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s2 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof(r0.v) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE r0.v END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(r0.v) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE r0.v END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(r0.v) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE r0.v END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(r0.v) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE r0.v END % 100), -2) END END AS "mrr",
  CASE WHEN f.g1 = 1 THEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END END AS "paying_accounts",
  CASE WHEN f.g1 = 1 THEN (CAST(l1.v0 AS REAL) / NULLIF(CAST(l2.v0 AS REAL), 0)) END AS "churn_rate",
  CASE WHEN f.g1 = 1 THEN ((CAST((r1.v + l3.v0 - l3.v1 - l3.v2) AS REAL) / 100) / NULLIF((CAST(r1.v AS REAL) / 100), 0)) END AS "nrr",
  CASE WHEN f.g2 = 1 THEN l4.v0 END AS "csat",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
ORDER BY f.rid;
