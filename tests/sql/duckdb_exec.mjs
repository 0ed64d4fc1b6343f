// Runs queries on DuckDB for tests/sql/sql_diff.py.
//   node duckdb_exec.mjs MANIFEST.json   -> JSON on stdout
// The manifest lists tables ({name, csv, columns: {header: TYPE}}) to load
// and query files to run; every value comes back as text (or null).
// @duckdb/node-api is resolved from $KPIC_NODE_MODULES (bench/node_modules).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(`${process.env.KPIC_NODE_MODULES}/`);
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const manifest = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const id = (s) => `"${s.replaceAll('"', '""')}"`;
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
process.stdout.write(JSON.stringify(out));
