// PostgreSQL stopped and started again under a running server: while the
// database is away the server answers 503 problem+json with Retry-After,
// promptly and without crashing; once it is back the same server process
// serves again by itself; and nothing is half-applied.
//
// PostgreSQL only: runs inside scripts/pg.sh (MOTCUA_TEST_DB_URL_BASE set,
// MOTCUA_PG_BINDIR naming the binaries), skipped otherwise. It does not use
// that cluster: it makes one of its own (initdb in a temporary folder, a free
// port on 127.0.0.1), which it may stop and start without disturbing other
// tests. The binaries run as the cluster's owner: the postgres system user
// when we are root (as scripts/pg.sh).
//
// First, with the server idle, its sessions are ended (pg_terminate_backend)
// and the cluster is restarted (fast, then immediate): the next requests of
// every kind all succeed, each connection being found closed and made again
// before it is used.
//
// Then clients file dossiers and assign them without pause while the cluster is
// stopped twice, first with pg_ctl stop -m fast (sessions ended cleanly), then
// -m immediate (as a crash: recovery at the next start), and started again.
// Each reply is judged by when it was sent and answered:
//   - every request gets a reply before its deadline (no hang), 2xx or 503;
//   - within an outage: 503 unavailable with Retry-After, and no such filing
//     is in the database afterwards;
//   - sent once the cluster is back: a success, from the same server process.
// Requests made by hand during each outage (sign-in, readiness, a dossier, an
// action, a public lookup) get 503 too (liveness stays 200 and says the
// store is unavailable), and the refused action left its
// dossier as it was. Afterwards the database is checked as after the crash
// test (ledger.mjs), and e-mails queued after the outages are delivered: the
// delivery thread, whose passes failed during them, still runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, PASSWORD, freePort } from './harness.mjs';
import { smtpSink } from './smtp_sink.mjs';
import { APPLICANT, assertProblem, assertStatus, districtProcedure } from './helpers.mjs';
import { checkLedger } from './ledger.mjs';
import { initDemo, serve } from './serve.mjs';

const skip = process.env.MOTCUA_TEST_DB_URL_BASE ? false
  : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)';
const CLIENTS = 4;
const DEADLINE_MS = 15000; // a reply, whatever it says, comes before this
const OUTAGE_MS = 2500;    // longer than the delivery thread's interval (1 s)

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const asOwner = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
const pgTool = (name) => (process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, name) : name);
// Runs a PostgreSQL server binary as the cluster's owner, without blocking the clients.
async function asPgOwner(tool, args) {
  const argv = [...asOwner, pgTool(tool), ...args];
  await run(argv[0], argv.slice(1));
}

// One value from a query on the test's database.
const sql = (query) => execFileSync(pgTool('psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db.split('?')[0],
  '-c', query], { encoding: 'utf8' }).trim();

let dir;      // the cluster's folder (owned by its owner)
let filesDir; // the attachments
let port;
let db;
let up = false;
let smtp;
let s;

const pgCtl = {
  start: () => asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start']),
  stop: (mode) => asPgOwner('pg_ctl', ['-D', join(dir, 'data'), '-m', mode, '-w', 'stop']),
};

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'motcua-pgrestart-'));
  if (asOwner.length) execFileSync('chown', ['postgres:', dir]);
  filesDir = mkdtempSync(join(tmpdir(), 'motcua-pgrestart-files-'));
  await asPgOwner('initdb', ['-D', join(dir, 'data'), '-U', 'motcua', '--auth=trust', '--encoding=UTF8',
    '--locale=C.UTF-8']);
  port = await freePort();
  await pgCtl.start();
  up = true;
  execFileSync(pgTool('createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'motcua', 'motcua']);
  db = `postgresql://motcua@127.0.0.1:${port}/motcua?files=${encodeURIComponent(filesDir)}`;
  initDemo(db);
  smtp = smtpSink();
  const smtpPort = await freePort();
  await new Promise((r) => smtp.server.listen(smtpPort, '127.0.0.1', r));
  s = await serve(db, { env: { MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MOTCUA_NOTIFY_INTERVAL: '1' } });
});

after(async () => {
  if (skip) return;
  try {
    if (s) await s.kill9();
    if (smtp) smtp.server.close();
  } finally {
    if (up) await pgCtl.stop('immediate').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    rmSync(filesDir, { recursive: true, force: true });
  }
});

const filing = (name, applicant = {}) => ({ procedure_code: districtProcedure().code, channel: 'direct',
  applicant: { ...APPLICANT, phone: '', name, ...applicant }, documents: [{ name: 'Tờ khai', originals: 1 }] });

// A request with a deadline; the log keeps when it was sent and answered.
async function timed(log, entry, method, path, opts) {
  entry.sent = Date.now();
  try {
    entry.res = await s.api(method, path, { ...opts, signal: AbortSignal.timeout(DEADLINE_MS) });
  } catch (e) {
    entry.res = { status: 0, text: `no reply: ${e.message}`, headers: new Headers(), body: null };
  }
  entry.answered = Date.now();
  log.push(entry);
  return entry.res;
}

// One client: files a dossier, then assigns it, until told to stop. Successes
// go to record as in the crash test; every reply goes to log.
async function client(token, id, log, record, stop) {
  for (let i = 0; !stop.now; i++) {
    const name = `Thử Mất Kết Nối ${id}-${i}`;
    let res = await timed(log, { action: 'create', name }, 'POST', '/api/v1/dossiers', { token, body: filing(name) });
    if (res.status !== 201) {
      await sleep(50); // as a client that heeds Retry-After would, only sooner
      continue;
    }
    const d = res.body;
    record.push({ action: 'create', code: d.code, version: d.version, state: d.national_status, name });
    res = await timed(log, { action: 'assign', code: d.code }, 'POST', `/api/v1/dossiers/${d.code}/actions`,
      { token, body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } });
    if (res.status === 200) {
      record.push({ action: 'assign', code: d.code, version: res.body.version, state: res.body.national_status });
    }
  }
}

function assertUnavailable(res, what) {
  assertProblem(res, 503, 'unavailable', what);
  assert.match(res.headers.get('retry-after') || '', /^\d+$/, `${what}: Retry-After`);
}

// Requests of every kind, some at once so that each worker's connection is
// used: all must succeed.
async function allServed(desk, what) {
  const filed = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing(`Sau khi ${what}`) });
  assertStatus(filed, 201, `filing after ${what}`);
  const d = filed.body;
  const replies = await Promise.all([
    s.api('GET', '/healthz'),
    s.api('GET', '/readyz'),
    s.api('POST', '/api/v1/session', { body: { username: 'lanhdao', password: PASSWORD } }),
    s.api('GET', `/api/v1/dossiers/${d.code}`, { token: desk }),
    s.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(d.code)}`),
    s.api('GET', '/api/v1/dossiers?limit=1', { token: desk }),
    s.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: desk,
      body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } }),
  ]);
  for (const res of replies) assert.ok(res.status < 300, `after ${what}: ${res.status} ${res.text}`);
}

// The server's connections are found closed before they are used, and made
// again: no request fails for a restart that happened while it was idle.
test('connections ended and a restart while idle: the next requests all succeed', { skip }, async () => {
  const desk = await s.login('tiepnhan');
  await allServed(desk, 'a first round');
  // As an administrator would: pg_terminate_backend on every session of the server.
  const ended = sql('WITH s AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = current_database() ' +
    'AND pid <> pg_backend_pid()) SELECT string_agg(pid::text, \',\') FROM s WHERE pg_terminate_backend(pid)');
  assert.ok(ended, 'the server had sessions to end');
  const until = Date.now() + 10000;
  while (sql(`SELECT count(*) FROM pg_stat_activity WHERE pid IN (${ended})`) !== '0') {
    assert.ok(Date.now() < until, `sessions ${ended} still there`);
    await sleep(50);
  }
  await allServed(desk, 'the connections were ended');
  for (const mode of ['fast', 'immediate']) {
    await pgCtl.stop(mode);
    up = false;
    // /metrics answers while the database is away: its own figures left
    // out and said so, the connections' counters there to watch the outage.
    const away = await s.api('GET', '/metrics');
    assert.equal(away.status, 200, away.text);
    assert.match(away.text, /^motcua_db_up 0$/m);
    assert.doesNotMatch(away.text, /^motcua_dossiers\{/m);
    assert.match(away.text, /^motcua_db_connections_lost_total \d+$/m);
    await pgCtl.start();
    up = true;
    await allServed(desk, `a restart (${mode})`);
    const back = await s.api('GET', '/metrics');
    assert.equal(back.status, 200, back.text);
    assert.match(back.text, /^motcua_db_up 1$/m);
    assert.match(back.text, /^motcua_dossiers\{state="received",code="2"\} \d+$/m);
  }
});

test('PostgreSQL stopped twice under load: 503 while away, served again by itself, nothing half-applied',
  { skip }, async (t) => {
    const desk = await s.login('tiepnhan');
    // Dossiers for the requests made by hand during the outages; never looked up before.
    const spare = [];
    const record = [];
    for (let k = 0; k < 2; k++) {
      const name = `Hồ sơ dự phòng ${k}`;
      const res = await s.api('POST', '/api/v1/dossiers', { token: desk, body: filing(name) });
      assertStatus(res, 201, 'filing before the outages');
      spare.push(res.body);
      record.push({ action: 'create', code: res.body.code, version: 1, state: res.body.national_status, name });
    }
    const log = [];
    const outages = []; // times: stopping, down (stopped), back (starting again), ready (started)
    const stop = { now: false };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(desk, c, log, record, stop));
    try {
      for (const [k, mode] of ['fast', 'immediate'].entries()) {
        await sleep(600);
        const stopping = Date.now();
        await pgCtl.stop(mode);
        up = false;
        const down = Date.now();
        // By hand, one after the other, while the clients go on.
        const d = spare[k];
        assertUnavailable(await s.api('POST', '/api/v1/session', { body: { username: 'lanhdao', password: PASSWORD } }),
          `sign-in (${mode})`);
        // Liveness stays 200 (the process answers) and says the store is away;
        // readiness refuses, with the reason.
        const live = await s.api('GET', '/healthz');
        assertStatus(live, 200, `liveness (${mode})`);
        assert.equal(live.body.store, 'unavailable', `liveness tells the store's state (${mode})`);
        const ready = await s.api('GET', '/readyz');
        assertProblem(ready, 503, 'not-ready', `readiness (${mode})`);
        assert.match(ready.headers.get('retry-after') || '', /^\d+$/, `readiness (${mode}): Retry-After`);
        assertUnavailable(await s.api('GET', `/api/v1/dossiers/${d.code}`, { token: desk }), `a dossier (${mode})`);
        assertUnavailable(await s.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: desk,
          body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } }),
        `an action (${mode})`);
        assertUnavailable(await s.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(d.code)}`),
          `public lookup (${mode})`);
        await sleep(Math.max(0, down + OUTAGE_MS - Date.now()));
        const back = Date.now();
        await pgCtl.start();
        up = true;
        outages.push({ mode, stopping, down, back, ready: Date.now() });
        assert.equal(s.child.exitCode, null, 'the server is still running');
        assert.equal(s.child.signalCode, null, 'the server is still running');

        // The refused action left its dossier as it was, and now goes through.
        const same = await s.api('GET', `/api/v1/dossiers/${d.code}`, { token: desk });
        assertStatus(same, 200, `the dossier once PostgreSQL is back (${mode})`);
        assert.equal(same.body.version, d.version, 'the refused action changed nothing');
        assert.equal(same.body.events.length, 1, 'no event from the refused action');
        const acted = await s.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: desk,
          body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } });
        assertStatus(acted, 200, `the action once PostgreSQL is back (${mode})`);
        record.push({ action: 'assign', code: d.code, version: acted.body.version, state: acted.body.national_status });
      }
      await sleep(800);
    } finally {
      stop.now = true;
      await Promise.all(clients);
    }

    // Every request got a reply in time; failures are 503 problem+json.
    for (const e of log) {
      const what = `${e.action} ${e.code || e.name}`;
      if (e.res.status === 503) assertUnavailable(e.res, what);
      else assert.ok([200, 201].includes(e.res.status), `${what} → ${e.res.status} ${e.res.text}`);
    }
    const within = (o) => log.filter((e) => e.sent > o.down && e.answered < o.back);
    for (const [k, o] of outages.entries()) {
      const refused = within(o);
      assert.ok(refused.length >= CLIENTS, `the clients kept asking during the ${o.mode} outage (${refused.length})`);
      for (const e of refused) assert.equal(e.res.status, 503, `${e.action} during the ${o.mode} outage`);
      // From the moment PostgreSQL is back until the next outage begins.
      const next = outages[k + 1]?.stopping ?? Infinity;
      const after = log.filter((e) => e.sent > o.ready && e.answered < next);
      assert.ok(after.some((e) => e.res.status === 201), `filings after the ${o.mode} outage`);
      assert.deepEqual(after.filter((e) => e.res.status >= 300).map((e) => `${e.action} → ${e.res.status}`), [],
        `every request after the ${o.mode} outage succeeds`);
      t.diagnostic(`${o.mode}: ${refused.length} requests refused while stopped, ${after.length} served after`);
    }

    // The e-mail of each filing made now arrives: the delivery thread lived.
    const mailed = [];
    for (let k = 0; k < 3; k++) {
      const res = await s.api('POST', '/api/v1/dossiers', { token: desk,
        body: filing(`Người nhận thư ${k}`, { email: `pgrestart${k}@example.vn` }) });
      assertStatus(res, 201, 'filing with an e-mail after the outages');
      mailed.push(res.body.code);
    }
    const count = (code) => smtp.mails.filter((m) => m.data.includes(`/tra-cuu/${code}`)).length;
    const until = Date.now() + 30000;
    while (Date.now() < until && !mailed.every((c) => count(c) >= 1)) await sleep(200);
    assert.deepEqual(mailed.filter((c) => count(c) !== 1), [], 'each reception e-mail arrived once');

    const code = await s.stop();
    assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
    assert.equal(code, 0, `the server exited with ${code}:\n${s.stderr().slice(-2000)}`);
    s = null;

    // What is stored: every success, nothing of the filings refused while the
    // database was away, and every dossier whole.
    const { names } = checkLedger(db, record);
    for (const o of outages) {
      for (const e of within(o).filter((x) => x.action === 'create')) {
        assert.ok(!names.has(e.name), `${e.name} was refused during the ${o.mode} outage but is stored`);
      }
    }
    const audit = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
    assert.equal(audit.status, 0, `audit verify: ${audit.stdout}${audit.stderr}`);
  });
