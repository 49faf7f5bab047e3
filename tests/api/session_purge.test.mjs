// Expired sessions are removed by the server's housekeeping job: a flood of
// sign-ins no longer leaves rows behind for ever. SQLite only (it plants the
// expired rows with the sqlite3 tool); the purge statement itself is in the
// store contract suite, which runs on both backends.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './harness.mjs';
import { stopServer } from './helpers.mjs';

let s;
after(async () => { if (s) await stopServer(s); });

test('expired sessions are purged by the server itself', async () => {
  s = await startServer({ dossiers: 3, env: { MOTCUA_SESSION_PURGE_INTERVAL: '1' } });
  await s.login('tiepnhan');
  // 200 sessions that ended an hour ago, as a flood of sign-ins leaves behind
  const stmts = ['BEGIN;'];
  for (let i = 0; i < 200; i++) {
    stmts.push(`INSERT INTO session (token_hash, user_id, created_at, expires_at) SELECT '${'e'.repeat(60)}${String(i).padStart(4, '0')}', id, strftime('%s','now') - 7200, strftime('%s','now') - 3600 FROM app_user WHERE username = 'tiepnhan';`);
  }
  stmts.push('COMMIT;');
  execFileSync('sqlite3', [s.db], { input: stmts.join('\n') });
  const count = () => Number(execFileSync('sqlite3', [s.db, "SELECT count(*) FROM session WHERE expires_at <= strftime('%s','now')"], { encoding: 'utf8' }).trim());
  let left = count();
  for (let i = 0; i < 50 && left > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    left = count();
  }
  assert.equal(left, 0, 'every expired session is gone');
  // the live one stays
  const live = Number(execFileSync('sqlite3', [s.db, "SELECT count(*) FROM session WHERE expires_at > strftime('%s','now')"], { encoding: 'utf8' }).trim());
  assert.equal(live, 1);
});
