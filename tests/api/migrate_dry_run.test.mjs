// motcua migrate --dry-run on a SQLite database one migration behind this
// binary (made by running the older migration files with the sqlite3 tool, as
// an older motcua would have): it names the newest migration only and leaves
// the file as it was, byte for byte; a start (motcua migrate) then applies
// exactly that one. SQLite only; the same on PostgreSQL is in
// tests/api/skew.test.mjs, on a database an older motcua made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './harness.mjs';
import { ROOT } from './helpers.mjs';

const DIR = join(ROOT, 'src', 'store', 'migrations', 'sqlite');

test('migrate --dry-run on a database one migration behind names that one and changes nothing', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();
  const last = files.at(-1);
  const [, number, name] = /^(\d+)_(.*)\.sql$/.exec(last);
  const previous = Number(/^(\d+)_/.exec(files.at(-2))[1]);
  const dir = mkdtempSync(join(tmpdir(), 'motcua-dry-run-'));
  const db = join(dir, 'older.db');
  try {
    const script = files.slice(0, -1).map((f) => readFileSync(join(DIR, f), 'utf8')).join('\n') +
      `\nPRAGMA user_version = ${previous};\nPRAGMA journal_mode = WAL;\n`;
    execFileSync('sqlite3', ['-bail', db], { input: script, stdio: ['pipe', 'ignore', 'inherit'] });
    const sum = () => createHash('sha256').update(readFileSync(db)).digest('hex');
    const before = sum();

    const r = spawnSync(BIN, ['migrate', '--db', db, '--dry-run'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout,
      `motcua migrate: ${db} is at schema ${previous}; a start would apply 1 migration:\n  ${number} ${name}\n`);
    assert.equal(sum(), before, 'the file is unchanged');
    assert.ok(!existsSync(`${db}-wal`) || readFileSync(`${db}-wal`).length === 0, 'nothing written to its log');
    assert.equal(execFileSync('sqlite3', [db, 'PRAGMA user_version'], { encoding: 'utf8' }).trim(), String(previous));

    const m = spawnSync(BIN, ['migrate', '--db', db], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stdout, `motcua migrate: ${db} migrated from schema ${previous} to ${Number(number)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
