// Reads from a streaming replica (docs/scaling.md §2): `motcua serve --db PRIMARY
// --db-read REPLICA` answers public lookups from the replica while writes (and
// their replies) go to the primary. PostgreSQL only: runs when
// MOTCUA_TEST_DB_URL_BASE names the throwaway cluster of scripts/pg.sh (trust
// authentication, wal_level replica and replication connections from 127.0.0.1
// allowed by initdb's defaults), skipped otherwise.
//
// The test makes a replica of that cluster on loopback (pg_basebackup -R -X
// stream, then a hot standby on another free port), and shows where lookups are
// served from without timing guesses:
//   1. with the replica's WAL replay paused, a dossier filed through the server
//      (201, and in the primary's table) is not found by the public lookup (404):
//      the lookup reads the replica, which has not replayed it;
//   2. once replay resumes and the replica has caught up, the lookup finds it;
//   3. with the replica stopped, the public lookup answers 503 while the primary
//      is up and still holds the dossier.
// The replica is stopped and its folder removed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freshDatabase, dropDatabase } from './harness.mjs';
import { initDemo, serve } from './serve.mjs';
import { APPLICANT, assertStatus, districtProcedure } from './helpers.mjs';

const BASE = process.env.MOTCUA_TEST_DB_URL_BASE;
const skip = BASE ? false : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)';

// The server binaries run as the cluster's owner: the postgres system user when we are root (scripts/pg.sh).
const asOwner = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
function pgTool(name) {
  const dir = process.env.MOTCUA_PG_BINDIR;
  return dir ? join(dir, name) : name;
}
function asPgOwner(tool, args) {
  const argv = [...asOwner, pgTool(tool), ...args];
  return execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
// One value from a query on the database at url.
function sql(url, query) {
  return execFileSync(pgTool('psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', query],
    { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}
async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let dir;          // the replica's folder (owned by the cluster's owner)
let filesDir;     // attachments, shared by both connection strings
let db;           // the primary database
let replicaDb;    // the same database on the replica
let replicaBase;  // postgresql://user@127.0.0.1:REPLICA_PORT
let replicaUp = false;
let server;
let token;

// Waits until the replica has replayed everything the primary has written so far.
async function caughtUp() {
  const lsn = sql(`${BASE}/postgres`, 'SELECT pg_current_wal_lsn()');
  await until(`the replica to replay ${lsn}`, () =>
    sql(`${replicaBase}/postgres`, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't');
}

before(async () => {
  if (!BASE) return;
  const primary = new URL(BASE);
  dir = mkdtempSync(join(tmpdir(), 'motcua-replica-'));
  if (asOwner.length) execFileSync('chown', ['postgres:', dir]);
  filesDir = mkdtempSync(join(tmpdir(), 'motcua-replica-files-'));
  // -c fast: checkpoint at once rather than spread over minutes.
  asPgOwner('pg_basebackup', ['-D', join(dir, 'data'), '-R', '-X', 'stream', '-c', 'fast', '-h', primary.hostname,
    '-p', primary.port, '-U', decodeURIComponent(primary.username)]);
  const port = await freePort();
  // max_connections as on the primary (scripts/pg.sh): a hot standby needs at least as many.
  asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=300`, 'start']);
  replicaUp = true;
  replicaBase = `postgresql://${primary.username}@127.0.0.1:${port}`;
  await until('the replica to stream', () =>
    sql(`${BASE}/postgres`, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") !== '0');
  assert.equal(sql(`${replicaBase}/postgres`, 'SELECT pg_is_in_recovery()'), 't', 'the replica is a standby');

  db = freshDatabase(filesDir);
  initDemo(db);
  await caughtUp();
  replicaDb = replicaBase + db.slice(BASE.length); // same database name and files= folder
  server = await serve(db, { env: { MOTCUA_DB_READ: replicaDb } });
  token = await server.login('tiepnhan');
});

after(async () => {
  if (!BASE) return;
  try {
    if (server) {
      const code = await server.stop();
      assert.ok(!/Sanitizer|runtime error:/.test(server.stderr()), `sanitizer report:\n${server.stderr().slice(0, 4000)}`);
      assert.equal(code, 0, `the server exited with ${code}:\n${server.stderr().slice(-2000)}`);
    }
  } finally {
    if (replicaUp) {
      try { asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']); } catch { /* gone */ }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (db) dropDatabase(db);
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  }
});

async function fileOne() {
  const body = { procedure_code: districtProcedure().code, channel: 'direct',
    applicant: { ...APPLICANT }, documents: [{ name: 'Tờ khai', originals: 1 }] };
  const res = await server.api('POST', '/api/v1/dossiers', { token, body });
  assertStatus(res, 201, 'filing through the primary');
  return res.body.code;
}
const lookup = (code) => server.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}`);
const onPrimary = (code) => sql(db.split('?')[0], `SELECT count(*) FROM dossier WHERE code = '${code}'`);

test('a dossier filed on the primary is looked up once the replica has it', { skip }, async () => {
  const code = await fileOne();
  await caughtUp();
  assertStatus(await lookup(code), 200, `lookup of ${code}`);
});

test('lookups read the replica: with its replay paused, a new dossier is not found there', { skip }, async () => {
  sql(`${replicaBase}/postgres`, 'SELECT pg_wal_replay_pause()');
  await until('the replay to pause', () =>
    sql(`${replicaBase}/postgres`, 'SELECT pg_get_wal_replay_pause_state()') === 'paused');
  let code;
  try {
    code = await fileOne(); // the write and its reply: the primary
    assert.equal(onPrimary(code), '1', 'the primary holds the new dossier');
    const res = await lookup(code);
    assert.equal(res.status, 404, `the lookup of ${code} is served from the paused replica: ${res.status} ${res.text}`);
  } finally {
    sql(`${replicaBase}/postgres`, 'SELECT pg_wal_replay_resume()');
  }
  await caughtUp();
  await until(`the lookup of ${code} after the replica caught up`, async () => (await lookup(code)).status === 200);
});

test('with the replica stopped, the public lookup fails (503) while the primary is up', { skip }, async () => {
  const code = await fileOne();
  await caughtUp();
  assertStatus(await lookup(code), 200, 'before the stop');
  asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
  replicaUp = false;
  const res = await lookup(code);
  assert.equal(res.status, 503, `lookup with the replica down: ${res.status} ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /problem\+json/);
  assert.equal(onPrimary(code), '1', 'the primary is up and holds the dossier');
});
