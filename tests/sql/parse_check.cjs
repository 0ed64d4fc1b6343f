// Syntax smoke check of emitted SQL with node-sql-parser (resolved from
// $KPIC_NODE_MODULES): node parse_check.cjs FILE:DATABASE...
// A file holding a refusal (`error: ...` or a coded diagnostic
// `error[E0502]: ...`, e.g. no exact percentile in the dialect) is skipped,
// with a note. node-sql-parser's BigQuery grammar lacks BIGNUMERIC (the
// 76-digit decimal of `decimal(n)` with n > 9, docs/sql.md), so it is parsed
// as NUMERIC, its 38-digit sibling with the same syntax.
const { Parser } = require(`${process.env.KPIC_NODE_MODULES}/node-sql-parser`);
const fs = require('fs');
const parser = new Parser();
let failed = 0;
for (const arg of process.argv.slice(2)) {
  const i = arg.lastIndexOf(':');
  const [file, database] = [arg.slice(0, i), arg.slice(i + 1)];
  let sql = fs.readFileSync(file, 'utf8');
  if (database === 'bigquery') sql = sql.replaceAll('BIGNUMERIC', 'NUMERIC');
  if (sql.startsWith('error:') || sql.startsWith('error[')) {
    console.log(`skip ${file}: ${sql.split('\n')[0]}`);
    continue;
  }
  try {
    parser.astify(sql, { database });
    console.log(`parses as ${database}: ${file}`);
  } catch (e) {
    failed++;
    const at = e.location ? e.location.start.offset : 0;
    console.log(`FAIL ${file} (${database}): ${e.message}\n  near: ${JSON.stringify(sql.slice(Math.max(0, at - 80), at + 40))}`);
  }
}
process.exit(failed ? 1 : 0);
