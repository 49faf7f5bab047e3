// Reads from a streaming replica (docs/scaling.md §2): `motcua serve --db PRIMARY
// --db-read REPLICA` answers public lookups from the replica while writes (and
// their replies) go to the primary; while the replica is down, or lags more
// than db_read_max_lag, reads go to the primary instead (docs/operations.md §8).
// PostgreSQL only: runs when MOTCUA_TEST_DB_URL_BASE names the throwaway
// cluster of scripts/pg.sh (trust authentication, wal_level replica and
// replication connections from 127.0.0.1 allowed by initdb's defaults),
// skipped otherwise.
//
// The test makes a replica of that cluster on loopback (pg_basebackup -R -X
// stream, then a hot standby on another free port), and shows where lookups are
// served from without timing guesses:
//   1. with the replica's WAL replay paused, a dossier filed through the server
//      (201, and in the primary's table) is not found by the public lookup (404):
//      the lookup reads the replica, which has not replayed it;
//   2. once replay resumes and the replica has caught up, the lookup finds it;
//   3. a server with db_read_max_lag = 1 s and ready_max_replica_lag = 1 s: with
//      the replay paused and a dossier filed, once the replica is more than a
//      second behind the lookup finds it (from the primary), /metrics says where
//      reads go and /readyz is 503; after the replay resumes, reads go to the
//      replica again and the node is ready;
//   4. with the replica stopped, lookups and sign-ins still answer (from the
//      primary), /metrics and /readyz say so and the log says it once; a server
//      started while the replica is down serves too; once the replica is back,
//      reads go to it again.
// The replica is stopped and its folder removed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, freePort, freshDatabase, dropDatabase } from './harness.mjs';
import { initDemo, serve } from './serve.mjs';
import { APPLICANT, assertProblem, assertStatus, districtProcedure } from './helpers.mjs';

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
let replicaPort;
let replicaUp = false;
let server;
let token;

// max_connections as on the primary (scripts/pg.sh): a hot standby needs at least as many.
function startReplica() {
  asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-o',
    `-p ${replicaPort} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=300`, 'start']);
  replicaUp = true;
}

function metric(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

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
  replicaPort = await freePort();
  startReplica();
  replicaBase = `postgresql://${primary.username}@127.0.0.1:${replicaPort}`;
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

test('a replica lagging more than db_read_max_lag: reads go to the primary, /readyz 503, until it catches up', { skip },
  async () => {
    const lagging = await serve(db, { env: { MOTCUA_DB_READ: replicaDb, MOTCUA_DB_READ_MAX_LAG: '1',
      MOTCUA_READY_MAX_REPLICA_LAG: '1' } });
    try {
      const metrics = async () => (await lagging.api('GET', '/metrics')).text;
      assert.equal(metric(await metrics(), 'motcua_replica_reads_from_primary'), 0, 'reads from the replica first');
      sql(`${replicaBase}/postgres`, 'SELECT pg_wal_replay_pause()');
      let code;
      try {
        code = await fileOne();
        // The replica misses the new dossier; once that is more than a second
        // old, reads go to the primary, which has it.
        await until('reads to move to the primary', async () =>
          metric(await metrics(), 'motcua_replica_reads_from_primary') === 1);
        const text = await metrics();
        assert.ok(metric(text, 'motcua_replica_lag_seconds') > 1, text);
        assert.equal(metric(text, 'motcua_replica_up'), 1);
        assert.ok(metric(text, 'motcua_replica_fallbacks_total') >= 1);
        const res = await lagging.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}`);
        assert.equal(res.status, 200, `the lookup of ${code} while the replica lags: ${res.status} ${res.text}`);
        const ready = await lagging.api('GET', '/readyz');
        assertProblem(ready, 503, 'not-ready', 'readiness with the replica behind ready_max_replica_lag');
        assert.match(ready.body.detail, /the read replica lags [\d.]+ s behind the primary \(ready_max_replica_lag 1 s\)/);
      } finally {
        sql(`${replicaBase}/postgres`, 'SELECT pg_wal_replay_resume()');
      }
      await caughtUp();
      await until('reads to return to the replica', async () =>
        metric(await metrics(), 'motcua_replica_reads_from_primary') === 0);
      const ready = await lagging.api('GET', '/readyz');
      assertStatus(ready, 200, 'ready once the replica caught up');
      assert.equal(ready.body.replica.state, 'streaming');
      assert.equal(ready.body.replica.reads, 'replica');
      assert.match(lagging.stderr(), /read replica postgresql:\/\/\S+ lags [\d.]+ s behind the primary \(db_read_max_lag 1 s\); reads go to the primary/);
      assert.match(lagging.stderr(), /read replica \S+ is back \(lag [\d.]+ s\); reads go to it again/);
    } finally {
      assert.equal(await lagging.stop(), 0, lagging.stderr().slice(-2000));
    }
  });

test('with the replica stopped, lookups and sign-ins answer from the primary; /metrics and /readyz say so; back when it is',
  { skip }, async () => {
    const code = await fileOne();
    await caughtUp();
    assertStatus(await lookup(code), 200, 'before the stop');
    asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    replicaUp = false;
    const metrics = async () => (await server.api('GET', '/metrics')).text;
    await until('reads to move to the primary', async () =>
      metric(await metrics(), 'motcua_replica_reads_from_primary') === 1);
    assert.equal(metric(await metrics(), 'motcua_replica_up'), 0);
    assertStatus(await lookup(code), 200, 'the lookup, from the primary');
    assert.equal(onPrimary(code), '1', 'the primary is up and holds the dossier');
    const signin = await server.api('POST', '/api/v1/session', { body: { username: 'chuyenvien', password: PASSWORD } });
    assertStatus(signin, 201, 'a sign-in, from the primary');
    const list = await server.api('GET', '/api/v1/dossiers?limit=5', { token: signin.body.token });
    assertStatus(list, 200, 'a list, from the primary');
    const ready = await server.api('GET', '/readyz');
    assertStatus(ready, 200, 'ready: the primary serves the reads (ready_max_replica_lag is 0)');
    assert.equal(ready.body.replica.state, 'down');
    assert.equal(ready.body.replica.reads, 'primary');
    const said = server.stderr().split('\n').filter((l) => /read replica \S+ does not answer; reads go to the primary/.test(l));
    assert.equal(said.length, 1, `said once:\n${server.stderr().slice(-3000)}`);

    // A server started while the replica is down starts, and serves from the primary.
    const late = await serve(db, { env: { MOTCUA_DB_READ: replicaDb } });
    try {
      assertStatus(await late.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}`), 200,
        'a lookup on a server started while the replica was down');
      assertStatus(await late.api('GET', '/readyz'), 200, 'ready');
    } finally {
      assert.equal(await late.stop(), 0, late.stderr().slice(-2000));
    }

    startReplica();
    await until('reads to return to the replica', async () =>
      metric(await metrics(), 'motcua_replica_reads_from_primary') === 0);
    assert.equal(metric(await metrics(), 'motcua_replica_up'), 1);
    await caughtUp();
    assertStatus(await lookup(code), 200, 'the lookup, from the replica again');
  });
