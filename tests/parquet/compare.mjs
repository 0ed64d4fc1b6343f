// Compares kpic's reading of every generated file (parquet_dump --json,
// whole and streamed on two threads) with DuckDB's reading of it
// (cases.json from gen.mjs), value by value; an error case must fail with
// the expected message. Prints one line per mismatch and a summary; exits
// 1 on any mismatch.
//   node compare.mjs PARQUET_DUMP OUT_DIR
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const [dump, dir] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(`${dir}/cases.json`, 'utf8'));
let passed = 0, failed = 0;
const fail = (c, msg) => { failed++; console.log(`FAIL ${c.name} (${c.writer}): ${msg}`); };

function same(type, a, b) {
  if (a === null || b === null) return a === b;
  if (type === 'float') return Number(a) === Number(b);
  if (type === 'decimal') {
    const norm = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s).replace(/^-0$/, '0');
    return norm(a) === norm(b);
  }
  return a === b;
}

for (const c of cases) {
  const specs = c.columns.map(([n, t, s]) => (s === undefined ? `${n}:${t}` : `${n}:${t}:${s}`));
  const path = c.dir ? `${dir}/${c.name}` : `${dir}/${c.name}.parquet`;
  for (const mode of c.error ? ['whole'] : ['whole', 'stream']) {
    const args = ['--json', ...(mode === 'stream' ? ['--stream'] : []), path, ...specs];
    const got = JSON.parse(execFileSync(dump, args, { maxBuffer: 1 << 28 }).toString());
    const label = `${c.columns.map((x) => x[0]).join(',')} [${mode}]`;
    if (c.error) {
      if (!got.error || !got.error.includes(c.error)) fail(c, `${label}: expected the error "${c.error}", got ${got.error ? `"${got.error}"` : 'rows'}`);
      else passed++;
      continue;
    }
    if (got.error) { fail(c, `${label}: ${got.error}`); continue; }
    let rows = got.rows;
    let want = c.rows;
    if (mode === 'stream' || c.order) {
      // Streamed chunks interleave, and a dataset's files come in path order.
      const key = (r) => JSON.stringify(r);
      const k = c.order ? c.columns.findIndex((x) => x[0] === c.order) : -1;
      const cmp = k >= 0 ? (a, b) => Number(a[k]) - Number(b[k]) : (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
      rows = [...rows].sort(cmp);
      want = [...want].sort(cmp);
    }
    if (rows.length !== want.length) { fail(c, `${label}: ${rows.length} rows, DuckDB read ${want.length}`); continue; }
    let bad = 0;
    for (let i = 0; i < want.length && bad < 5; i++)
      for (let k = 0; k < c.columns.length; k++)
        if (!same(c.columns[k][1], rows[i][k], want[i][k])) {
          if (bad++ < 5) fail(c, `${label}: row ${i} column ${c.columns[k][0]}: kpic ${JSON.stringify(rows[i][k])}, DuckDB ${JSON.stringify(want[i][k])}`);
        }
    if (bad === 0) passed++;
  }
}
// Corrupt files: a DataError that names the file (and, inside a column
// chunk, the row group, column and byte offset), never a crash. The
// reader's exit status is checked by execFileSync (a crash throws).
const good = fs.readFileSync(`${dir}/duckdb_snappy.parquet`);
const mutations = [
  ['truncated', good.subarray(0, Math.floor(good.length * 0.6)), 'not a Parquet file'],
  ['footer length', (() => { const b = Buffer.from(good); b.writeUInt32LE(0x7FFFFFF0, b.length - 8); return b; })(),
    "the footer's length"],
  ['first page header', (() => { const b = Buffer.from(good); b.fill(0xFF, 4, 24); return b; })(),
    'column `id`: corrupt or unreadable Parquet data in row group 0 (column chunk at byte offset 4)'],
];
// Bytes flipped all over the file: any outcome but a crash.
for (let k = 1; k <= 40; k++) {
  const b = Buffer.from(good);
  const at = Math.floor((good.length * k) / 41);
  for (let j = 0; j < 8 && at + j < b.length - 8; j++) b[at + j] ^= 0x5A + j;
  mutations.push([`flipped at ${at}`, b, null]);
}
for (const [what, bytes, message] of mutations) {
  const file = `${dir}/corrupt.parquet`;
  fs.writeFileSync(file, bytes);
  const c = { name: `corrupt (${what})`, writer: 'duckdb' };
  let got;
  try {
    got = JSON.parse(execFileSync(dump, ['--json', file, ...cases[0].columns.map(([n, t, s]) => (s === undefined ? `${n}:${t}` : `${n}:${t}:${s}`))],
      { maxBuffer: 1 << 28 }).toString());
  } catch (e) {
    fail(c, `the reader crashed: ${e.message.split('\n')[0]}`);
    continue;
  }
  if (message && !(got.error && got.error.startsWith(file) && got.error.includes(message))) fail(c, `expected "${message}", got ${JSON.stringify(got.error ?? 'rows')}`);
  else passed++;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
