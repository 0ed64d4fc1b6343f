-- kpic sql --dialect sqlite: month by store
-- period is the first day of each period; decimals are exact; x / 0 is NULL; partial is the span of a period cut by the window or the as-of date.
WITH RECURSIVE
s0 AS (
  -- periods:s at month
  SELECT date(t0."kpic#day", 'start of month') AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amt" IS NULL OR t0."amt" = '' THEN NULL WHEN typeof(t0."amt") = 'text' THEN CASE WHEN t0."amt" GLOB '*[^0-9.+-]*' OR t0."amt" NOT GLOB '*[0-9]*' OR substr(t0."amt", 2) GLOB '*[+-]*' OR t0."amt" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0')) > 2 AND instr(t0."amt", '.') > 0 THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amt", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amt" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" || substr('000000000000000000', 1, 2) ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) || substr(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amt" * 100) AS INTEGER) / 100.0 = CAST(t0."amt" AS REAL) THEN CAST(ROUND(t0."amt" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source s, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "s") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY date(t0."kpic#day", 'start of month'), t0."store"),
s1 AS (
  -- periods:s at day
  SELECT t0."kpic#day" AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN t0."amt" IS NULL OR t0."amt" = '' THEN NULL WHEN typeof(t0."amt") = 'text' THEN CASE WHEN t0."amt" GLOB '*[^0-9.+-]*' OR t0."amt" NOT GLOB '*[0-9]*' OR substr(t0."amt", 2) GLOB '*[+-]*' OR t0."amt" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' is not a decimal number') WHEN length(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0')) > 2 AND instr(t0."amt", '.') > 0 THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0')) + 2 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."amt", '.') = 0 THEN substr('000000000000000000', 1, 2) ELSE substr(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0') || '000000000000000000', 1, 2) END > CASE WHEN t0."amt" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' is out of range for decimal(2)') ELSE CAST(CASE WHEN instr(t0."amt", '.') = 0 THEN t0."amt" || substr('000000000000000000', 1, 2) ELSE substr(t0."amt", 1, instr(t0."amt", '.') - 1) || substr(rtrim(substr(t0."amt", instr(t0."amt", '.') + 1), '0') || '000000000000000000', 1, 2) END AS INTEGER) END WHEN CAST(ROUND(t0."amt" * 100) AS INTEGER) / 100.0 = CAST(t0."amt" AS REAL) THEN CAST(ROUND(t0."amt" * 100) AS INTEGER) ELSE json_extract('{}', 'kpic: source s, column amt: value ' || t0."amt" || ' has more than 2 digits after the point for decimal(2) (rounding would change the amount)') END) AS a0,
    MAX(t0."kpic#day") AS a1
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source s, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "s") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY t0."kpic#day", t0."store"),
s2 AS (
  -- periods:stock at day
  SELECT t0."kpic#day" AS p,
    t0."store" AS d0,
    COUNT(*) AS n,
    SUM(CASE WHEN typeof(t0."level") = 'integer' THEN t0."level" WHEN typeof(t0."level") = 'real' OR (t0."level" GLOB '*.*' AND t0."level" <> '') THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') ELSE CASE WHEN t0."level" IS NULL OR t0."level" = '' THEN NULL WHEN typeof(t0."level") = 'text' THEN CASE WHEN t0."level" GLOB '*[^0-9.+-]*' OR t0."level" NOT GLOB '*[0-9]*' OR substr(t0."level", 2) GLOB '*[+-]*' OR t0."level" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a decimal number') WHEN length(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0')) > 0 AND instr(t0."level", '.') > 0 THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."level", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."level" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" || substr('000000000000000000', 1, 0) ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) || substr(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."level" * 1) AS INTEGER) / 1.0 = CAST(t0."level" AS REAL) THEN CAST(ROUND(t0."level" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') END END) AS a0,
    COUNT(CASE WHEN typeof(t0."level") = 'integer' THEN t0."level" WHEN typeof(t0."level") = 'real' OR (t0."level" GLOB '*.*' AND t0."level" <> '') THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') ELSE CASE WHEN t0."level" IS NULL OR t0."level" = '' THEN NULL WHEN typeof(t0."level") = 'text' THEN CASE WHEN t0."level" GLOB '*[^0-9.+-]*' OR t0."level" NOT GLOB '*[0-9]*' OR substr(t0."level", 2) GLOB '*[+-]*' OR t0."level" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a decimal number') WHEN length(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0')) > 0 AND instr(t0."level", '.') > 0 THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."level", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."level" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."level", '.') = 0 THEN t0."level" || substr('000000000000000000', 1, 0) ELSE substr(t0."level", 1, instr(t0."level", '.') - 1) || substr(rtrim(substr(t0."level", instr(t0."level", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."level" * 1) AS INTEGER) / 1.0 = CAST(t0."level" AS REAL) THEN CAST(ROUND(t0."level" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source stock, column level: value ' || t0."level" || ' is not a whole number') END END) AS a0_n,
    SUM(CASE WHEN typeof(t0."avg_level") = 'integer' THEN t0."avg_level" WHEN typeof(t0."avg_level") = 'real' OR (t0."avg_level" GLOB '*.*' AND t0."avg_level" <> '') THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') ELSE CASE WHEN t0."avg_level" IS NULL OR t0."avg_level" = '' THEN NULL WHEN typeof(t0."avg_level") = 'text' THEN CASE WHEN t0."avg_level" GLOB '*[^0-9.+-]*' OR t0."avg_level" NOT GLOB '*[0-9]*' OR substr(t0."avg_level", 2) GLOB '*[+-]*' OR t0."avg_level" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a decimal number') WHEN length(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0')) > 0 AND instr(t0."avg_level", '.') > 0 THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."avg_level", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."avg_level" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" || substr('000000000000000000', 1, 0) ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) || substr(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."avg_level" * 1) AS INTEGER) / 1.0 = CAST(t0."avg_level" AS REAL) THEN CAST(ROUND(t0."avg_level" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') END END) AS a1,
    COUNT(CASE WHEN typeof(t0."avg_level") = 'integer' THEN t0."avg_level" WHEN typeof(t0."avg_level") = 'real' OR (t0."avg_level" GLOB '*.*' AND t0."avg_level" <> '') THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') ELSE CASE WHEN t0."avg_level" IS NULL OR t0."avg_level" = '' THEN NULL WHEN typeof(t0."avg_level") = 'text' THEN CASE WHEN t0."avg_level" GLOB '*[^0-9.+-]*' OR t0."avg_level" NOT GLOB '*[0-9]*' OR substr(t0."avg_level", 2) GLOB '*[+-]*' OR t0."avg_level" GLOB '*.*.*' THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a decimal number') WHEN length(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0')) > 0 AND instr(t0."avg_level", '.') > 0 THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') WHEN length(ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 > 19 OR (length(ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0')) + 0 = 19 AND ltrim(replace(replace(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) END, '+', ''), '-', ''), '0') || CASE WHEN instr(t0."avg_level", '.') = 0 THEN substr('000000000000000000', 1, 0) ELSE substr(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0') || '000000000000000000', 1, 0) END > CASE WHEN t0."avg_level" GLOB '-*' THEN '9223372036854775808' ELSE '9223372036854775807' END) THEN json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is out of range for int') ELSE CAST(CASE WHEN instr(t0."avg_level", '.') = 0 THEN t0."avg_level" || substr('000000000000000000', 1, 0) ELSE substr(t0."avg_level", 1, instr(t0."avg_level", '.') - 1) || substr(rtrim(substr(t0."avg_level", instr(t0."avg_level", '.') + 1), '0') || '000000000000000000', 1, 0) END AS INTEGER) END WHEN CAST(ROUND(t0."avg_level" * 1) AS INTEGER) / 1.0 = CAST(t0."avg_level" AS REAL) THEN CAST(ROUND(t0."avg_level" * 1) AS INTEGER) ELSE json_extract('{}', 'kpic: source stock, column avg_level: value ' || t0."avg_level" || ' is not a whole number') END END) AS a1_n,
    MAX(t0."kpic#day") AS a2
  FROM (SELECT *, CASE WHEN "day" IS NULL OR "day" = '' THEN NULL WHEN typeof("day") = 'text' AND "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr("day", 1, 4) <> '0000' AND date("day", '+0 days') = "day" THEN "day" WHEN typeof("day") = 'text' AND ("day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9]-[0-9][0-9]' OR "day" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND substr("day", 1, 4) <> '0000' AND date(printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)), '+0 days') = printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) THEN printf('%s-%02d-%02d', substr("day", 1, 4), CAST(substr(substr("day", 6), 1, instr(substr("day", 6), '-') - 1) AS INTEGER), CAST(substr(substr("day", 6), instr(substr("day", 6), '-') + 1) AS INTEGER)) ELSE json_extract('{}', 'kpic: source stock, column day: value ' || "day" || ' is not a date in the format %Y-%m-%d') END AS "kpic#day" FROM "stock") AS t0
  WHERE t0."kpic#day" IS NOT NULL
  GROUP BY t0."kpic#day", t0."store"),
as_of AS (
  -- the data as of its last day with rows
  SELECT m.d AS d
  FROM (SELECT MAX(d) AS d FROM (
    SELECT MAX(a1) AS d FROM s0
    UNION ALL SELECT MAX(a1) AS d FROM s1
    UNION ALL SELECT MAX(a2) AS d FROM s2) AS u) AS m),
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
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s1) AS u) AS x CROSS JOIN as_of AS ao),
periods1(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds1) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods1 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds1))),
members1 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s1 AS s, bounds1 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 1)), date(b.hi, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AND s.p <= COALESCE(ao.d, s.p)) AS u),
bounds2 AS (
  SELECT x.lo, CASE WHEN date(ao.d, 'start of month') < x.hi THEN date(ao.d, 'start of month') ELSE x.hi END AS hi FROM (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM (
    SELECT MIN(date(p, 'start of month')) AS lo, MAX(date(p, 'start of month')) AS hi FROM s2) AS u) AS x CROSS JOIN as_of AS ao),
periods2(p) AS (
  SELECT lo FROM (SELECT lo, hi FROM bounds2) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 month') FROM periods2 WHERE date(p, '+1 month') <= (SELECT hi FROM (SELECT lo, hi FROM bounds2))),
members2 AS (
  SELECT DISTINCT d0 FROM (
    SELECT s.d0 FROM s2 AS s, bounds2 AS b, as_of AS ao WHERE s.p BETWEEN b.lo AND date(min(date(b.hi, printf('%+d months', 1)), date(b.hi, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') AND s.p <= COALESCE(ao.d, s.p)) AS u),
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
l0 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l1 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -1)), date(f.p, 'start of month', printf('%+d months', (-1) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(min(date(f.sf, printf('%+d months', -(1))), date(f.sf, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(f.sl, printf('%+d months', -(1))), date(f.sl, 'start of month', printf('%+d months', (-(1)) + 1), '-1 day')), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l2 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')) AND date(min(date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), printf('%+d months', 1)), date(min(date(f.p, printf('%+d months', -12)), date(f.p, 'start of month', printf('%+d months', (-12) + 1), '-1 day')), 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(min(date(f.sf, printf('%+d months', -(12))), date(f.sf, 'start of month', printf('%+d months', (-(12)) + 1), '-1 day')), s.p)
    AND s.p <= COALESCE(min(date(f.sl, printf('%+d months', -(12))), date(f.sl, 'start of month', printf('%+d months', (-(12)) + 1), '-1 day')), s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l3 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN date(f.p, 'start of year') AND date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
l4 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN min(date(f.p, printf('%+d months', -2)), date(f.p, 'start of month', printf('%+d months', (-2) + 1), '-1 day')) AND date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
q0(p) AS (
  SELECT lo FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f) WHERE lo IS NOT NULL AND lo <= hi
  UNION ALL
  SELECT date(p, '+1 day') FROM q0 WHERE date(p, '+1 day') <= (SELECT hi FROM (SELECT MIN(CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END) AS lo, MAX(CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END) AS hi FROM grid0 AS f))),
f0 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, q.p) AS rid, q.p AS p, f.d0, f.sf AS sf, f.sl AS sl
  FROM grid0 AS f
  JOIN q0 AS q ON q.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END),
l5 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f0 AS f
  LEFT JOIN s1 AS s ON s.p = f.p
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
x0 AS (
  SELECT f.rid, f.prid, f.p, l5.v0 AS x
  FROM f0 AS f
  LEFT JOIN l5 ON l5.rid = f.rid),
r0 AS (
  SELECT f.rid, (CAST(SUM(x.x) AS REAL) / 100) / NULLIF(COUNT(x.x), 0) AS v
  FROM grid0 AS f
  LEFT JOIN x0 AS x ON x.prid = f.rid
  GROUP BY f.rid),
l6 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s0 AS s ON s.p = f.p
    AND s.p >= COALESCE(date(f.sf, 'start of month'), s.p)
    AND s.p <= COALESCE(date(f.sl, 'start of month'), s.p)
  GROUP BY f.rid),
l7 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM grid0 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN f.p AND date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
f1 AS (
  SELECT f.rid AS prid, ROW_NUMBER() OVER (ORDER BY f.rid, k.k) AS rid, min(date(f.p, printf('%+d months', -k.k)), date(f.p, 'start of month', printf('%+d months', (-k.k) + 1), '-1 day')) AS p, min(date(f.p, printf('%+d months', -k.k)), date(f.p, 'start of month', printf('%+d months', (-k.k) + 1), '-1 day')) AS ph, min(date(f.sf, printf('%+d months', -(1 * k.k))), date(f.sf, 'start of month', printf('%+d months', (-(1 * k.k)) + 1), '-1 day')) AS sf, min(date(f.sl, printf('%+d months', -(1 * k.k))), date(f.sl, 'start of month', printf('%+d months', (-(1 * k.k)) + 1), '-1 day')) AS sl, f.d0
  FROM grid0 AS f
  CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k) AS k),
l8 AS (
  -- sum($amt)
  SELECT f.rid,
    COALESCE(SUM(s.a0), 0) AS v0
  FROM f1 AS f
  LEFT JOIN s1 AS s ON s.p BETWEEN f.p AND date(min(date(f.ph, printf('%+d months', 1)), date(f.ph, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days')
    AND s.p >= COALESCE(f.sf, s.p)
    AND s.p <= COALESCE(f.sl, s.p)
    AND s.d0 IS f.d0
  GROUP BY f.rid),
x1 AS (
  SELECT f.rid, f.prid, (CAST(l8.v0 AS REAL) / 100) AS x
  FROM f1 AS f
  LEFT JOIN l8 ON l8.rid = f.rid),
z0 AS (
  SELECT f.rid, COUNT(x.x) AS n, AVG(x.x) AS m
  FROM grid0 AS f
  LEFT JOIN x1 AS x ON x.prid = f.rid
  GROUP BY f.rid),
z1 AS (
  SELECT z.rid, z.n, z.m, SQRT(SUM((x.x - z.m) * (x.x - z.m)) / NULLIF(z.n - 1, 0)) AS sd
  FROM z0 AS z
  LEFT JOIN x1 AS x ON x.prid = z.rid
  GROUP BY z.rid, z.n, z.m),
b0 AS (
  -- sum($level) per day
  SELECT f.rid, s.p AS day, SUM(s.a0) AS v
  FROM grid0 AS f
  JOIN s2 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END
    AND s.d0 IS f.d0
  GROUP BY f.rid, s.p
  HAVING SUM(s.a0_n) > 0),
r1 AS (
  SELECT f.rid, t.v
  FROM grid0 AS f
  LEFT JOIN (SELECT rid, v, ROW_NUMBER() OVER (PARTITION BY rid ORDER BY day DESC) AS rn FROM b0) AS t ON t.rid = f.rid AND t.rn = 1),
b1 AS (
  -- sum($avg_level) per day
  SELECT f.rid, s.p AS day, SUM(s.a1) AS v
  FROM grid0 AS f
  JOIN s2 AS s ON s.p BETWEEN CASE WHEN f.sf > f.p THEN f.sf ELSE f.p END AND CASE WHEN f.sl < date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') THEN f.sl ELSE date(min(date(f.p, printf('%+d months', 1)), date(f.p, 'start of month', printf('%+d months', (1) + 1), '-1 day')), (-1) || ' days') END
    AND s.d0 IS f.d0
  GROUP BY f.rid, s.p
  HAVING SUM(s.a1_n) > 0),
r2 AS (
  SELECT f.rid, CAST(SUM(t.v) AS REAL) / NULLIF(COUNT(t.v), 0) AS v
  FROM grid0 AS f
  LEFT JOIN b1 AS t ON t.rid = f.rid
  GROUP BY f.rid)
SELECT
  f.p AS "period",
  f.d0 AS "store",
  CASE WHEN f.g0 = 1 THEN CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l0.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l0.v0 END % 100), -2) END END AS "total",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l1.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l1.v0 END % 100), -2) END END AS "prev",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l2.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l2.v0 END % 100), -2) END END AS "ly",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l3.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l3.v0 END % 100), -2) END END AS "ytd",
  CASE WHEN f.g1 = 1 THEN CASE WHEN CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END IS NULL THEN NULL ELSE (CASE WHEN CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END < 0 THEN '-' ELSE '' END) || ABS(CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END / 100) || '.' || substr('00' || ABS(CASE WHEN typeof(l4.v0) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE l4.v0 END % 100), -2) END END AS "r3",
  CASE WHEN f.g1 = 1 THEN r0.v END AS "daily",
  CASE WHEN f.g0 = 1 THEN ((CAST(l0.v0 AS REAL) / 100) / NULLIF((CAST(l6.v0 AS REAL) / 100), 0)) END AS "shr",
  CASE WHEN f.g0 = 1 THEN ((CAST((l0.v0 - l2.v0) AS REAL) / 100) / NULLIF((CAST(l2.v0 AS REAL) / 100), 0)) END AS "yoy",
  CASE WHEN f.g1 = 1 THEN CASE WHEN z1.n < 2 OR z1.sd = 0 THEN NULL ELSE ((CAST(l7.v0 AS REAL) / 100) - z1.m) / z1.sd END END AS "z3",
  CASE WHEN f.g2 = 1 THEN CASE WHEN typeof(r1.v) = 'real' THEN json_extract('{}', 'kpic: exact arithmetic overflowed 64 bits (SQLite keeps exact numbers in 64-bit integers); kpic run computes it in 128' || '') ELSE r1.v END END AS "stock_last",
  CASE WHEN f.g2 = 1 THEN r2.v END AS "stock_avg",
  CASE WHEN f.sf IS NULL THEN NULL ELSE f.sf || '/' || f.sl END AS "partial"
FROM grid0 AS f
LEFT JOIN l0 ON l0.rid = f.rid
LEFT JOIN l1 ON l1.rid = f.rid
LEFT JOIN l2 ON l2.rid = f.rid
LEFT JOIN l3 ON l3.rid = f.rid
LEFT JOIN l4 ON l4.rid = f.rid
LEFT JOIN r0 ON r0.rid = f.rid
LEFT JOIN l6 ON l6.rid = f.rid
LEFT JOIN l7 ON l7.rid = f.rid
LEFT JOIN z1 ON z1.rid = f.rid
LEFT JOIN r1 ON r1.rid = f.rid
LEFT JOIN r2 ON r2.rid = f.rid
ORDER BY f.rid;
