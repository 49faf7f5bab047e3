// Liveness and readiness when the database is in trouble (SQLite: the faults
// are made with the sqlite3 shell and the file itself; the sound case runs on
// both backends in session_and_admin.test.mjs): /healthz stays 200 while the
// process serves, /readyz answers 503 not-ready with the reason; a damaged
// SQLite file is refused at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN } from './harness.mjs';
import { initDemo, serve } from './serve.mjs';
import { assertProblem, assertStatus } from './helpers.mjs';

const onPg = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);

test('a write lock held by another process: /readyz 503 not-ready with the reason, /healthz 200; then ready again',
  { skip: onPg && 'the lock is taken with the sqlite3 shell' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-ready-'));
    const db = join(dir, 'motcua.db');
    initDemo(db);
    const s = await serve(db);
    let lock;
    try {
      assertStatus(await s.api('GET', '/readyz'), 200, 'ready before the lock');
      lock = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
      const held = new Promise((resolve) => {
        let out = '';
        lock.stdout.on('data', (d) => { out += d; if (out.includes('locked')) resolve(); });
      });
      lock.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
      await held;

      const ready = await s.api('GET', '/readyz');
      assertProblem(ready, 503, 'not-ready', 'readiness while locked');
      assert.match(ready.body.detail, /does not take writes \(busy, or locked by another process\)/);
      assert.match(ready.headers.get('retry-after') || '', /^\d+$/);
      const live = await s.api('GET', '/healthz');
      assertStatus(live, 200, 'liveness while locked');
      assert.equal(live.body.store, 'ok', 'reads go on in WAL mode');

      lock.stdin.end('ROLLBACK;\n.quit\n');
      await new Promise((r) => lock.on('exit', r));
      lock = null;
      assertStatus(await s.api('GET', '/readyz'), 200, 'ready again');
    } finally {
      if (lock) lock.kill('SIGKILL');
      assert.equal(await s.stop(), 0, s.stderr().slice(-2000));
      rmSync(dir, { recursive: true, force: true });
    }
  });

// In a rolling upgrade the first server of the next release migrates the
// database under the others (docs/operations.md §9): they stay ready, while a
// server whose own migrations are missing is not. The schema version is moved
// on and back under a running server with the sqlite3 shell.
test('/readyz on a schema newer than the binary\'s stays 200; on an older one 503 naming both',
  { skip: onPg && 'the version is set with the sqlite3 shell' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-skew-ready-'));
    const db = join(dir, 'motcua.db');
    initDemo(db);
    const s = await serve(db);
    // The server's own jobs may hold the write lock a moment: the shell waits for it.
    const setVersion = (v) => spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, `PRAGMA user_version = ${v}`],
      { encoding: 'utf8' });
    try {
      const ready = await s.api('GET', '/readyz');
      assertStatus(ready, 200, 'ready at its own schema');
      const own = ready.body.schema_version;
      assert.equal(setVersion(own + 1).status, 0);
      const newer = await s.api('GET', '/readyz');
      assertStatus(newer, 200, 'ready on the next release\'s schema');
      assert.equal(newer.body.schema_version, own + 1);
      assert.equal(setVersion(own - 1).status, 0);
      const older = await s.api('GET', '/readyz');
      assertProblem(older, 503, 'not-ready', 'readiness on an older schema');
      assert.match(older.body.detail, new RegExp(`has schema ${own - 1}, this motcua needs ${own}`));
      assert.equal(setVersion(own).status, 0);
      assertStatus(await s.api('GET', '/readyz'), 200, 'ready again');
    } finally {
      assert.equal(await s.stop(), 0, s.stderr().slice(-2000));
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('a damaged SQLite file: the server refuses to start and says why', { skip: onPg && 'SQLite files only' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-damaged-'));
  try {
    const sound = join(dir, 'sound.db');
    initDemo(sound);
    const db = join(dir, 'damaged.db');
    copyFileSync(sound, db);
    // Overwrite a run of pages a third of the way in, and another near the end.
    const page = 4096;
    const pages = Math.floor(statSync(db).size / page);
    const fd = openSync(db, 'r+');
    for (const first of [Math.floor(pages / 3), pages - 12]) {
      for (let p = first; p < first + 8; p++) writeSync(fd, randomBytes(page), 0, page, p * page);
    }
    closeSync(fd);

    const r = spawnSync(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--workers', '1'],
      { encoding: 'utf8', timeout: 30000, env: { ...process.env, MOTCUA_ACCESS_LOG: 'false' } });
    assert.equal(r.status, 1, `the server must not start on a damaged file:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /listening on/);
    assert.match(r.stderr, /the database .*damaged\.db is damaged \(.+\); not serving it: restore the last backup/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
