// Checks that each SQL statement of the store is written once
// (docs/architecture.md, "The store"): a statement that two operations
// need lives in one function they both call. Run by scripts/test.sh.
//
// A statement is a run of adjacent string literals and the upper-case
// macros between them (`"SELECT " TASK_COLS " FROM task t …"`), compared
// as written, macro names included, after its whitespace is folded. Runs
// that are not a whole statement (a fragment of a macro's body, or a
// clause that a function adds to another) are not compared.
//
//   node scripts/sql_once.mjs [DIR]   (default src/store)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'src/store';
const TOKEN = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*|\\\n|\s+|[A-Za-z_][A-Za-z0-9_]*|./g;
const STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|LOCK)\b[\s\S]*\b(FROM|INTO|SET|TABLE)\b/;

function statements(file, text) {
  const found = [];
  let run = null;
  const end = () => {
    if (run && run.literals > 0) {
      const sql = run.parts.join('').replace(/\s+/g, ' ').trim();
      if (STATEMENT.test(sql)) found.push({ sql, where: `${file}:${run.line}` });
    }
    run = null;
  };
  let line = 1;
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    if (t.startsWith('"')) {
      run ??= { parts: [], literals: 0, line };
      run.parts.push(t.slice(1, -1));
      run.literals++;
    } else if (/^[A-Z][A-Z0-9_]*$/.test(t) && run) {
      run.parts.push(`{${t}}`);
    } else if (!(/^\s+$/.test(t) || t === '\\\n' || t.startsWith('/*') || t.startsWith('//'))) {
      end();
    }
    line += (t.match(/\n/g) ?? []).length;
  }
  end();
  return found;
}

const seen = new Map();
for (const name of readdirSync(dir).filter((n) => n.endsWith('.c')).sort()) {
  for (const s of statements(join(dir, name), readFileSync(join(dir, name), 'utf8'))) {
    if (!seen.has(s.sql)) seen.set(s.sql, []);
    seen.get(s.sql).push(s.where);
  }
}
let twice = 0;
for (const [sql, where] of seen) {
  if (where.length < 2) continue;
  twice++;
  console.error(`written ${where.length} times (${where.join(', ')}): ${sql}`);
}
if (twice > 0) {
  console.error(`sql_once: ${twice} statement(s) stand more than once in ${dir}; write each once and call it`);
  process.exit(1);
}
console.log(`sql_once: ${seen.size} statements in ${dir}, each written once`);
