// The crash test: concurrent clients file dossiers and act on them while the
// server is killed with SIGKILL at random moments (no shutdown, as a power cut
// would stop it) and restarted on the same database, several times. Every
// reply of success is recorded; afterwards the database must hold each of
// them, the event log and the dossiers must agree, and no code may have been
// handed out twice (ledger.mjs).
//
// On SQLite by default; on PostgreSQL when MOTCUA_TEST_DB_URL_BASE names a
// server (scripts/test_pg.sh runs it there): a database of its own on it, read
// back with psql. A kill there also cuts the server's connections, and
// PostgreSQL rolls back whatever they had not committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freshDatabase, dropDatabase } from './harness.mjs';
import { APPLICANT, districtProcedure } from './helpers.mjs';
import { checkLedger } from './ledger.mjs';
import { initDemo, serve } from './serve.mjs';

const ROUNDS = 4;
const CLIENTS = 6;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One client: files a dossier, then assigns it, until told to stop. Records
// every success; a request cut by the kill has no known outcome and is skipped.
async function client(s, tok, id, round, record, stop) {
  const procedure = districtProcedure().code;
  for (let i = 0; !stop.now; i++) {
    const name = `Thử Sập ${round}-${id}-${i}`;
    let res;
    try {
      res = await s.api('POST', '/api/v1/dossiers', { token: tok.desk, body: { procedure_code: procedure,
        channel: 'direct', applicant: { ...APPLICANT, name }, documents: [{ name: 'Tờ khai', originals: 1 }] } });
    } catch {
      return; // the server is gone
    }
    if (res.status !== 201) continue;
    const d = res.body;
    record.push({ action: 'create', code: d.code, version: d.version, state: d.national_status, name });
    try {
      res = await s.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: tok.desk,
        body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } });
    } catch {
      return;
    }
    if (res.status === 200) {
      record.push({ action: 'assign', code: d.code, version: res.body.version, state: res.body.national_status });
    }
  }
}

test('kill -9 at random moments loses no acknowledged write and reuses no code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-crash-'));
  const db = freshDatabase(dir);
  const record = [];
  let s;
  try {
    initDemo(db);
    for (let round = 0; round < ROUNDS; round++) {
      s = await serve(db);
      const tok = { desk: await s.login('tiepnhan') };
      const stop = { now: false };
      const clients = [];
      for (let c = 0; c < CLIENTS; c++) clients.push(client(s, tok, c, round, record, stop));
      await sleep(800 + Math.floor(Math.random() * 2200));
      await s.kill9();
      stop.now = true;
      await Promise.all(clients);
      assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
    }
    // A last start recovers the database (SQLite's WAL); a clean stop checkpoints it.
    s = await serve(db);
    assert.equal(await s.stop(), 0, s.stderr().slice(-2000));
    assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
    s = null;

    const creates = record.filter((r) => r.action === 'create');
    assert.ok(creates.length >= ROUNDS * 5, `the clients got work done: ${creates.length} filings acknowledged`);
    assert.ok(record.some((r) => r.action === 'assign'), 'some actions acknowledged');

    checkLedger(db, record);

    const audit = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
    assert.equal(audit.status, 0, `audit verify: ${audit.stdout}${audit.stderr}`);
  } finally {
    if (s) await s.kill9();
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});
