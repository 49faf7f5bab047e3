// A row locked by another session (an administrator's psql, another server's
// long transaction) must not stall a server's writes (docs/operations.md,
// "Time limits on the database"): the write on the locked row gets 503 with
// Retry-After once db_lock_timeout_ms has passed, and changes nothing; an
// unrelated write through the same server is answered meanwhile, since the
// group committer sets the waiting job aside (src/store/group.h) rather than
// hold its batch behind it. PostgreSQL only: SQLite has no row locks, its one
// writer holds the whole database. The lock is held by a psql child process
// whose standard input stays open until the test releases it, so the test
// decides what happens while the lock is held and what after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, dropDatabase } from './harness.mjs';
import { initDemo, serve } from './serve.mjs';
import { APPLICANT, act, assertProblem, assertStatus, districtProcedure, getDossier } from './helpers.mjs';

const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
const skip = PG ? false : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)';
const PSQL = process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, 'psql') : 'psql';
// How long the test waits for something that must happen before it gives up
// and releases the lock, so that a broken server fails the test rather than
// hanging it. Not a speed requirement: the server is expected far sooner.
const GUARD_MS = 30000;

let dir;
let db;
let conninfo; // the database for psql: the URL without motcua's files= parameter
let node;
let tok;

before(async () => {
  if (!PG) return;
  dir = mkdtempSync(join(tmpdir(), 'motcua-pglocks-'));
  db = freshDatabase(dir);
  conninfo = db.split('?')[0];
  initDemo(db);
  // A lock timeout long enough for the test to file something else while the
  // write waits, short enough to keep the test quick; a statement timeout
  // shorter than it, for the last test.
  node = await serve(db, { env: { MOTCUA_DB_LOCK_TIMEOUT_MS: '4000', MOTCUA_GROUP_LOCK_WAIT_MS: '100',
    MOTCUA_DB_STATEMENT_TIMEOUT_MS: '1500' } });
  tok = await node.login('tiepnhan');
});

after(async () => {
  if (!PG) return;
  const code = await node.stop();
  assert.ok(!/Sanitizer|runtime error:/.test(node.stderr()), `sanitizer report:\n${node.stderr().slice(0, 4000)}`);
  assert.equal(code, 0, `the server exited with ${code}:\n${node.stderr().slice(-2000)}`);
  dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

async function fileOne() {
  const body = { procedure_code: districtProcedure().code, channel: 'direct',
    applicant: { ...APPLICANT, phone: '', email: '' }, documents: [{ name: 'Tờ khai', originals: 1 }] };
  const res = await node.api('POST', '/api/v1/dossiers', { token: tok, body });
  assertStatus(res, 201, 'filing');
  return res.body;
}

// Locks the dossier's row from psql (BEGIN; SELECT … FOR UPDATE) and keeps
// the transaction open. Resolves once the lock is held; release() rolls back.
function lockRow(code) {
  return holdInPsql(`code=${code}`, "SELECT id FROM dossier WHERE code = :'code' FOR UPDATE;");
}

// Runs sql in a psql transaction kept open; resolves once it has run.
async function holdInPsql(variable, sql) {
  const child = spawn(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-v', variable, conninfo],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => child.on('exit', r));
  child.stdin.write(`BEGIN;\n${sql}\n\\echo locked\n`);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`psql did not lock the row: ${err}`)), GUARD_MS);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('locked')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`psql exited ${c}: ${err}`)); });
  });
  let released = false;
  return {
    get released() { return released; },
    async release() {
      if (released) return;
      released = true;
      child.stdin.end('ROLLBACK;\n');
      await exited;
    },
  };
}

// Waits until some session of the database waits for a lock: the server's
// write has reached the locked row.
async function someoneWaitsForALock() {
  const until = Date.now() + GUARD_MS;
  for (;;) {
    const n = execFileSync(PSQL, ['-X', '-q', '-A', '-t', conninfo, '-c',
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"],
    { encoding: 'utf8' }).trim();
    if (Number(n) > 0) return;
    assert.ok(Date.now() < until, 'no session ever waited for the locked row');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Resolves with the value of p, or with 'guard' if p has not settled after GUARD_MS.
function orGuard(p) {
  let timer;
  return Promise.race([p, new Promise((r) => { timer = setTimeout(() => r('guard'), GUARD_MS); })])
    .finally(() => clearTimeout(timer));
}

test('a locked row: unrelated filing answered meanwhile, the write on it 503 Retry-After, nothing changed', { skip }, async () => {
  const d = await fileOne();
  const before = await getDossier(node, tok, d.code);
  const lock = await lockRow(d.code);
  const order = [];
  try {
    const blocked = act(node, tok, d.code, 'assign', { handler: 'chuyenvien' }).then((res) => {
      order.push(lock.released ? 'action after the release' : 'action');
      return res;
    });
    await someoneWaitsForALock();

    // An unrelated filing through the same server, while the write on the
    // locked row is still waiting: it must not wait behind it.
    const filing = await orGuard(fileOne().then((x) => {
      order.push(lock.released ? 'filing after the release' : 'filing');
      return x;
    }));
    assert.notEqual(filing, 'guard', 'the unrelated filing waited behind the locked row');
    assert.ok(filing.code, 'a new dossier');

    const res = await orGuard(blocked);
    assert.notEqual(res, 'guard', 'the write on the locked row never gave up');
    assert.deepEqual(order, ['filing', 'action'],
      'the filing is answered first, then the locked write, both while the row is still locked');
    assertProblem(res, 503, 'unavailable', 'the write on the locked row');
    assert.match(res.headers.get('retry-after') || '', /^\d+$/, 'with Retry-After');
  } finally {
    await lock.release();
  }
  const now = await getDossier(node, tok, d.code);
  assert.equal(now.version, before.version, 'nothing changed: version');
  assert.equal(now.state, before.state, 'nothing changed: state');
  assert.equal(now.events.length, before.events.length, 'nothing changed: events');
  assert.match(node.stderr(), /waited 4000 ms for a row lock/, 'the server says why it answered 503');

  // The row free again, the same action goes through.
  const again = await act(node, tok, d.code, 'assign', { handler: 'chuyenvien' });
  assertStatus(again, 200, 'the action once the lock is released');
  assert.equal(again.body.version, before.version + 1);
});

test('a write set aside for a locked row goes through when the lock is released in time', { skip }, async () => {
  const d = await fileOne();
  const before = await getDossier(node, tok, d.code);
  const lock = await lockRow(d.code);
  let res;
  try {
    const pending = act(node, tok, d.code, 'assign', { handler: 'chuyenvien' });
    await someoneWaitsForALock();
    await lock.release();
    res = await orGuard(pending);
  } finally {
    await lock.release();
  }
  assert.notEqual(res, 'guard', 'the write never finished');
  assertStatus(res, 200, 'the write, once the lock is released');
  const now = await getDossier(node, tok, d.code);
  assert.equal(now.version, before.version + 1, 'applied once');
  assert.equal(now.events.length, before.events.length + 1, 'one event');
});

test('a read that runs past db_statement_timeout_ms answers 503 Retry-After', { skip }, async () => {
  const d = await fileOne();
  // The whole table locked: every read of a dossier waits. The statement
  // timeout (1.5 s) comes before the lock timeout (4 s).
  const lock = await holdInPsql('x=1', 'LOCK TABLE dossier IN ACCESS EXCLUSIVE MODE;');
  let res;
  try {
    res = await orGuard(node.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok }));
    assert.equal(lock.released, false);
  } finally {
    await lock.release();
  }
  assert.notEqual(res, 'guard', 'the read waited as long as the table was locked');
  assertProblem(res, 503, 'unavailable', 'the read of a locked table');
  assert.match(res.body.detail, /busy/, 'query_canceled is the database being busy (MC_EBUSY)');
  assert.equal(res.headers.get('retry-after'), '1');
  assertStatus(await node.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok }), 200, 'once released');
});
