// Failover to a promoted standby, as docs/operations.md §8 (*Failover*) tells
// the operator to do it, with motcua running all along and never restarted.
//
// PostgreSQL only: runs inside scripts/pg.sh (MOTCUA_TEST_DB_URL_BASE set,
// MOTCUA_PG_BINDIR naming the binaries), skipped otherwise. The primary it
// stops hard is not pg.sh's cluster, which the other tests share: it makes
// one of its own as pg_restart.test.mjs does (initdb, a free port), then a
// streaming standby of it as replica.test.mjs does (pg_basebackup -R -X
// stream, a hot standby on another free port), made synchronous
// (synchronous_standby_names on the primary) so that every commit motcua
// acknowledged is on the standby before its reply is sent.
//
// motcua runs with both hosts in one URL and target_session_attrs=read-write.
// The test files dossiers and acts on them, stops the primary with pg_ctl
// stop -m immediate (a crash) and asserts what an operator relies on:
//   - /readyz answers 503 not-ready while no primary is reachable (the old one
//     down, the standby not promoted yet), and a filing is refused 503, not
//     half-stored;
//   - after pg_ctl promote, the same server process becomes ready again by
//     itself (200), a sign-in and a filing succeed, and what was acknowledged
//     before the failover is all on the new primary;
//   - `motcua audit verify` on the new primary verifies the event log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD, freePort } from './harness.mjs';
import { APPLICANT, assertProblem, assertStatus, districtProcedure, stopServer } from './helpers.mjs';
import { initDemo, serve } from './serve.mjs';

const skip = process.env.MOTCUA_TEST_DB_URL_BASE ? false
  : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)';

// The server binaries run as the cluster's owner: the postgres system user when we are root (scripts/pg.sh).
const asOwner = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const pgTool = (name) => (process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, name) : name);
function asPgOwner(tool, args) {
  const argv = [...asOwner, pgTool(tool), ...args];
  return execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
// One value from a query on the cluster listening on port.
const sql = (port, query, dbname = 'motcua') => execFileSync(pgTool('psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
  '-d', `postgresql://motcua@127.0.0.1:${port}/${dbname}`, '-c', query], { encoding: 'utf8' }).trim();
async function until(what, fn, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let dir;       // both clusters' folders (owned by the cluster's owner)
let filesDir;  // the attachments
let primaryPort;
let standbyPort;
const up = { primary: false, standby: false };
let db;        // the multi-host URL motcua runs on
let s;

const dataDir = (name) => join(dir, name);
function start(name, port, extra = '') {
  asPgOwner('pg_ctl', ['-D', dataDir(name), '-l', join(dir, `${name}.log`), '-w', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c cluster_name=${name} ${extra}`, 'start']);
  up[name] = true;
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'motcua-failover-'));
  if (asOwner.length) execFileSync('chown', ['postgres:', dir]);
  filesDir = mkdtempSync(join(tmpdir(), 'motcua-failover-files-'));
  asPgOwner('initdb', ['-D', dataDir('primary'), '-U', 'motcua', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  primaryPort = await freePort();
  start('primary', primaryPort);
  execFileSync(pgTool('createdb'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'motcua', 'motcua']);

  // The standby: a base backup with -R (standby.signal and primary_conninfo),
  // streaming; its cluster_name is the application_name it reports.
  asPgOwner('pg_basebackup', ['-D', dataDir('standby'), '-R', '-X', 'stream', '-c', 'fast', '-h', '127.0.0.1',
    '-p', String(primaryPort), '-U', 'motcua']);
  standbyPort = await freePort();
  start('standby', standbyPort, '-c hot_standby=on');
  // Synchronous: a commit returns once the standby has it. Set after the base
  // backup, so that the promoted standby does not wait for a standby of its own.
  sql(primaryPort, "ALTER SYSTEM SET synchronous_standby_names = 'standby'");
  sql(primaryPort, 'SELECT pg_reload_conf()');
  await until('the standby to stream synchronously', () =>
    sql(primaryPort, "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'standby' " +
      "AND state = 'streaming' AND sync_state = 'sync'") === '1');

  db = `postgresql://motcua@127.0.0.1:${primaryPort},127.0.0.1:${standbyPort}/motcua` +
    `?target_session_attrs=read-write&files=${encodeURIComponent(filesDir)}`;
  initDemo(db);
  s = await serve(db);
});

after(async () => {
  if (skip) return;
  try {
    if (s) await stopServer(s);
  } finally {
    for (const name of ['primary', 'standby']) {
      if (up[name]) {
        try { asPgOwner('pg_ctl', ['-D', dataDir(name), '-m', 'immediate', 'stop']); } catch { /* gone */ }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(filesDir, { recursive: true, force: true });
  }
});

const filing = (name) => ({ procedure_code: districtProcedure().code, channel: 'direct',
  applicant: { ...APPLICANT, name }, documents: [{ name: 'Tờ khai', originals: 1 }] });

test('the primary fails, the standby is promoted: unready meanwhile, ready again without a restart, nothing acknowledged lost',
  { skip }, async () => {
    const pid = s.child.pid;
    assertStatus(await s.api('GET', '/readyz'), 200, 'ready on the primary');
    const token = await s.login('tiepnhan');

    // Acknowledged before the failover: filings, and an action on one of them.
    const acked = [];
    for (let i = 0; i < 5; i++) {
      const res = await s.api('POST', '/api/v1/dossiers', { token, body: filing(`Trước sự cố ${i}`) });
      assertStatus(res, 201, `filing ${i} before the failover`);
      acked.push(res.body);
    }
    const moved = await s.api('POST', `/api/v1/dossiers/${acked[0].code}/actions`,
      { token, body: { action: 'assign', handler: 'chuyenvien' } });
    assertStatus(moved, 200, 'an action before the failover');
    const eventsBefore = Number(sql(primaryPort, 'SELECT count(*) FROM event'));

    // The primary crashes.
    asPgOwner('pg_ctl', ['-D', dataDir('primary'), '-m', 'immediate', '-w', 'stop']);
    up.primary = false;

    // No primary: the old one is down, the standby is read-only.
    await until('the node to be unready', async () => (await s.api('GET', '/readyz')).status === 503);
    const ready = await s.api('GET', '/readyz');
    assertProblem(ready, 503, 'not-ready', 'readiness with no primary');
    const refused = await s.api('POST', '/api/v1/dossiers', { token, body: filing('Trong sự cố') });
    assertProblem(refused, 503, 'unavailable', 'a filing with no primary');
    assertProblem(await s.api('GET', '/readyz'), 503, 'not-ready', 'still unready before the promotion');
    assert.equal(sql(standbyPort, 'SELECT pg_is_in_recovery()'), 't', 'the standby is not promoted yet');

    // The operator promotes the standby.
    asPgOwner('pg_ctl', ['-D', dataDir('standby'), '-w', 'promote']);
    assert.equal(sql(standbyPort, 'SELECT pg_is_in_recovery()'), 'f', 'the standby is the primary now');

    await until('the node to be ready on the new primary', async () => (await s.api('GET', '/readyz')).status === 200);
    assert.equal(s.child.pid, pid, 'the same server process');
    assert.equal(s.child.exitCode, null, 'never restarted');
    const after = await s.api('GET', '/readyz');
    assertStatus(after, 200, 'ready on the promoted standby');
    assert.equal(after.body.primary, 'writable', after.text);

    // Writes go on: a sign-in (a session row) and a filing.
    const token2 = await s.login('tiepnhan');
    const res = await s.api('POST', '/api/v1/dossiers', { token: token2, body: filing('Sau sự cố') });
    assertStatus(res, 201, 'a filing after the promotion');
    assert.equal(sql(standbyPort, `SELECT count(*) FROM dossier WHERE code = '${res.body.code}'`), '1',
      'stored on the new primary');

    // What was acknowledged before is all there (synchronous replication).
    for (const d of acked) {
      assert.equal(sql(standbyPort, `SELECT count(*) FROM dossier WHERE code = '${d.code}'`), '1',
        `${d.code}, acknowledged before the failover, is on the new primary`);
    }
    assert.equal(sql(standbyPort, `SELECT d.version || ' ' || u.username FROM dossier d JOIN app_user u ON u.id = d.handler_id
      WHERE d.code = '${acked[0].code}'`), `${moved.body.version} chuyenvien`,
      'the assignment acknowledged before the failover is on the new primary');
    assert.ok(Number(sql(standbyPort, 'SELECT count(*) FROM event')) > eventsBefore,
      'the events before the failover and the filing after it');
    assert.equal(sql(standbyPort, "SELECT count(*) FROM dossier WHERE applicant_name = 'Trong sự cố'"), '0',
      'the filing refused during the outage was not stored');

    // The event log still verifies, on the new primary.
    await stopServer(s);
    s = null;
    const v = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD } });
    assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
    assert.match(v.stdout, /events of \d+ dossiers verified/);
  });
