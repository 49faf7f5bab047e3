// Database trouble: the server answers 503 problem+json with Retry-After, keeps
// serving reads, never half-applies an action, and recovers by itself.
//
// - Locked: another process (the sqlite3 shell) holds a write transaction open
//   (BEGIN IMMEDIATE). Writes wait one busy timeout (about 5 s), then fail whole.
// - Disk full: the database lives on a small tmpfs (mount needs root; the test
//   is skipped without it) and a filler file takes the rest of the space, so
//   SQLite's writes to the WAL get ENOSPC exactly as on a full disk. Removing the
//   filler gives the space back. SQLite's max_page_count would only simulate
//   this inside SQLite; the file system is the real thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, writeSync, closeSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertProblem, assertStatus, districtProcedure, APPLICANT } from './helpers.mjs';
import { initDemo, serve } from './serve.mjs';
import { BIN } from './harness.mjs';

const filing = () => ({ procedure_code: districtProcedure().code, channel: 'direct', applicant: APPLICANT,
  documents: [{ name: 'Tờ khai', originals: 1 }] });
const seqOf = (code) => Number(code.split('-')[2]);

async function count(s, token) {
  const r = await s.api('GET', '/api/v1/dossiers?limit=1', { token });
  assertStatus(r, 200, 'dossier list');
  return r.body.total;
}

function assertUnavailable(res, what) {
  assertProblem(res, 503, 'unavailable', what);
  assert.match(res.headers.get('retry-after') || '', /^\d+$/, `${what}: Retry-After`);
}

async function stopClean(s) {
  const code = await s.stop();
  assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
  assert.equal(code, 0, s.stderr().slice(-2000));
}

test('a write lock held by another process: 503 after the busy timeout, reads go on, then recovery', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-lock-'));
  const db = join(dir, 'motcua.db');
  initDemo(db);
  const s = await serve(db);
  let lock;
  try {
    const desk = await s.login('tiepnhan');
    const first = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() });
    assertStatus(first, 201, 'filing before the lock');
    const before = await count(s, desk);

    lock = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
    const held = new Promise((resolve) => {
      let out = '';
      lock.stdout.on('data', (d) => { out += d; if (out.includes('locked')) resolve(); });
    });
    lock.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
    await held;

    const t0 = Date.now();
    const create = s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() });
    const act = s.api('POST', `/api/v1/dossiers/${first.body.code}/actions`, { token: desk,
      body: { action: 'assign', handler: 'chuyenvien' } });
    // Reads do not wait for the writer: WAL readers see the last commit.
    const read = await s.api('GET', `/api/v1/dossiers/${first.body.code}`, { token: desk });
    assertStatus(read, 200, 'a read while the database is locked');
    assert.ok(Date.now() - t0 < 2000, `the read took ${Date.now() - t0} ms`);
    assertStatus(await s.api('GET', '/healthz'), 200, 'health while locked');

    assertUnavailable(await create, 'filing while locked');
    assertUnavailable(await act, 'an action while locked');
    const waited = Date.now() - t0;
    assert.ok(waited >= 3000 && waited < 20000, `503 after the busy timeout, not after ${waited} ms`);

    lock.stdin.end('ROLLBACK;\n.quit\n');
    await new Promise((r) => lock.on('exit', r));
    lock = null;

    // Nothing of the failed writes is stored.
    assert.equal(await count(s, desk), before, 'no dossier from the refused filing');
    const same = await s.api('GET', `/api/v1/dossiers/${first.body.code}`, { token: desk });
    assert.equal(same.body.version, first.body.version, 'the refused action left the dossier as it was');
    assert.equal(same.body.state, first.body.state);

    // Recovered without a restart; the refused filing used up no number.
    const again = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() });
    assertStatus(again, 201, 'filing after the lock');
    assert.equal(seqOf(again.body.code), seqOf(first.body.code) + 1, `${first.body.code} then ${again.body.code}`);
    assertStatus(await s.api('POST', `/api/v1/dossiers/${first.body.code}/actions`, { token: desk,
      body: { action: 'assign', handler: 'chuyenvien' } }), 200, 'the action after the lock');
  } finally {
    if (lock) lock.kill('SIGKILL');
    await stopClean(s);
    rmSync(dir, { recursive: true, force: true });
  }
});

// Fills the file system holding path; returns the filler's path.
function fillDisk(dir) {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  }
  // The last partial chunk may leave a few bytes: take them too.
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return filler;
}

test('a full disk: 503, nothing half-written, and recovery when space returns', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (needs root): ${mounted.stderr.trim()}`);
    return;
  }
  let s;
  try {
    const db = join(dir, 'motcua.db');
    initDemo(db);
    s = await serve(db);
    const desk = await s.login('tiepnhan');
    const first = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() });
    assertStatus(first, 201, 'filing before the disk fills');
    const before = await count(s, desk);

    const filler = fillDisk(dir);
    for (let i = 0; i < 3; i++) {
      assertUnavailable(await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() }),
        `filing on a full disk (${i})`);
    }
    assertUnavailable(await s.api('POST', `/api/v1/dossiers/${first.body.code}/actions`, { token: desk,
      body: { action: 'assign', handler: 'chuyenvien' } }), 'an action on a full disk');
    // Reads still work, and show nothing of the refused writes.
    assert.equal(await count(s, desk), before, 'no dossier from the refused filings');
    const same = await s.api('GET', `/api/v1/dossiers/${first.body.code}`, { token: desk });
    assertStatus(same, 200, 'a read on a full disk');
    assert.equal(same.body.version, first.body.version);
    assert.equal(same.body.events.length, 1, 'no event from the refused action');

    unlinkSync(filler);
    const again = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing() });
    assertStatus(again, 201, 'filing once space is back');
    // The numbers taken by the failed commits were never stored nor told to
    // anyone: the next code follows the last stored one.
    assert.equal(seqOf(again.body.code), seqOf(first.body.code) + 1, `${first.body.code} then ${again.body.code}`);
    const acted = await s.api('POST', `/api/v1/dossiers/${first.body.code}/actions`, { token: desk,
      body: { action: 'assign', handler: 'chuyenvien' } });
    assertStatus(acted, 200, 'the action once space is back');
    assert.equal(acted.body.version, first.body.version + 1);
    assert.equal(await count(s, desk), before + 1);
    await stopClean(s);
    s = null;
    const audit = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
    assert.equal(audit.status, 0, `audit verify: ${audit.stdout}${audit.stderr}`);
  } finally {
    if (s) await s.kill9();
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
