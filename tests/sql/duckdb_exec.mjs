// Runs queries on DuckDB for tests/sql/sql_diff.py and tests/security/role_diff.py.
//   node duckdb_exec.mjs MANIFEST.json   -> JSON on stdout
//   node duckdb_exec.mjs --lines         -> one manifest (JSON) per line on stdin, one answer per line on
//                                           stdout, each in a fresh database (one Node start for many)
// The manifest lists tables ({name, csv, columns: {header: TYPE}}) to load
// and query files to run; every value comes back as text (or null).
// @duckdb/node-api is resolved from $KPIC_NODE_MODULES (bench/node_modules).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const require = createRequire(`${process.env.KPIC_NODE_MODULES}/`);
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const id = (s) => `"${s.replaceAll('"', '""')}"`;

async function execute(manifest) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  for (const t of manifest.tables) {
    const cols = Object.entries(t.columns).map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ');
    // An empty string field is the empty string (docs/cli.md), not null.
    const strings = t.strings.length ? `, force_not_null = [${t.strings.map(q).join(', ')}]` : '';
    await con.run(`CREATE TABLE ${id(t.name)} AS SELECT * FROM read_csv(${q(t.csv)}, header = true, columns = {${cols}}${strings})`);
  }
  const out = [];
  for (const file of manifest.queries) {
    try {
      const reader = await con.runAndReadAll(readFileSync(file, 'utf8'));
      const rows = reader.getRows().map((r) => r.map((v) => (v === null || v === undefined ? null : String(v))));
      out.push({ columns: reader.columnNames(), rows });
    } catch (e) {
      out.push({ error: String(e.message || e) });
    }
  }
  con.closeSync?.();
  return out;
}

if (process.argv[2] === '--lines') {
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let answer;
    try {
      answer = await execute(JSON.parse(line));
    } catch (e) {
      answer = { error: String(e.message || e) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
} else {
  process.stdout.write(JSON.stringify(await execute(JSON.parse(readFileSync(process.argv[2], 'utf8')))));
}
