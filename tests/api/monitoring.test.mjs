// What monitoring reads (docs/operations.md §8): /metrics names the binary
// (build info), counts the outbox's failed deliveries, the group committer's
// batch sizes and, on PostgreSQL, the connections lost and made again; it says
// which of this year and the next have an official calendar, as the server's
// start warns; /readyz says the primary takes writes, and on PostgreSQL a
// primary made read-only (as an administrator does it in a switchover) makes
// the node unready while its writes answer 503. Runs on both backends; the
// PostgreSQL parts are skipped on SQLite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, freePort, startServer } from './harness.mjs';
import { ROOT, APPLICANT, stopServer, file, assertProblem, assertStatus, districtProcedure } from './helpers.mjs';

const BASE = process.env.MOTCUA_TEST_DB_URL_BASE;

function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => (labels ? l.startsWith(`${name}{${labels}} `) : l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The years of the shipped official schedules, and this year in Vietnam (UTC+7).
const SHIPPED = new Set(readFileSync(join(ROOT, 'data', 'calendar', 'vn-official.tsv'), 'utf8')
  .split('\n').filter((l) => /^\d{4}-/.test(l)).map((l) => Number(l.slice(0, 4))));
const YEAR = new Date(Date.now() + 7 * 3600 * 1000).getUTCFullYear();

let server;
let smtpPort;
before(async () => {
  smtpPort = await freePort(); // nothing listens: every e-mail fails
  server = await startServer({
    dossiers: 0,
    env: { MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MOTCUA_NOTIFY_INTERVAL: '1' },
  });
});
after(async () => { await stopServer(server); });

const metrics = async () => {
  const res = await server.api('GET', '/metrics');
  assert.equal(res.status, 200, res.text);
  return res.text;
};

test('build info: the version, commit and schema of `motcua --version`', async () => {
  const version = execFileSync(BIN, ['--version'], { encoding: 'utf8' });
  const m = /^motcua (\S+) \(commit (\S+), schema (\d+)/.exec(version);
  assert.ok(m, version);
  assert.equal(metric(await metrics(), 'motcua_build_info', `version="${m[1]}",commit="${m[2]}",schema="${m[3]}"`), 1);
});

test('group commit: batch sizes as a histogram whose count and sum grow with the writes', async () => {
  const before1 = await metrics();
  const count0 = metric(before1, 'motcua_group_commit_batch_size_count');
  const sum0 = metric(before1, 'motcua_group_commit_batch_size_sum');
  const token = await server.login('tiepnhan'); // a sign-in writes its session
  await Promise.all([0, 1, 2, 3].map(() => file(server, token)));
  const text = await metrics();
  const count = metric(text, 'motcua_group_commit_batch_size_count');
  const sum = metric(text, 'motcua_group_commit_batch_size_sum');
  assert.ok(count > count0, 'batches were committed');
  assert.ok(sum >= sum0 + 5, 'the session and four filings were written');
  assert.equal(metric(text, 'motcua_group_commit_batch_size_bucket', 'le="+Inf"'), count);
  let last = 0;
  for (let i = 0; i <= 12; i++) {
    const b = metric(text, 'motcua_group_commit_batch_size_bucket', `le="${2 ** i}"`);
    assert.ok(b >= last, 'cumulative buckets');
    last = b;
  }
  assert.equal(last, count);
  assert.equal(metric(text, 'motcua_group_commit_failed_total'), 0);
});

test('outbox: a delivery that fails is counted, and the message stays pending for its retry', async () => {
  const token = await server.login('tiepnhan');
  const failures0 = metric(await metrics(), 'motcua_outbox_delivery_failures_total');
  await file(server, token, { applicant: { name: 'Lê Văn Hải', id_number: '038190007777', email: 'hai.le@example.vn' } });
  const text = await until('a failed delivery', async () => {
    const t = await metrics();
    return metric(t, 'motcua_outbox_delivery_failures_total') > failures0 ? t : null;
  });
  assert.equal(metric(text, 'motcua_outbox_delivered_total'), 0);
  assert.ok(metric(text, 'motcua_outbox_pending') >= 1, 'kept for its retry');
});

test('calendar coverage: this year and the next, as the start warned; a year entered counts at once', async () => {
  const text = await metrics();
  for (const y of [YEAR, YEAR + 1]) {
    const official = SHIPPED.has(y);
    assert.equal(metric(text, 'motcua_calendar_official_schedule', `year="${y}"`), official ? 1 : 0, `${y}`);
    const warned = server.stderr().includes(`no official schedule of days off for ${y} is stored`);
    assert.equal(warned, !official, `the start warns about ${y} when it has no official schedule`);
  }
  // The administrator enters the next year's notice: counted at once; removed, the rule again.
  const admin = await server.login('admin');
  const next = YEAR + 1;
  const put = await server.api('PUT', `/api/v1/calendar/${next}`, { token: admin, body: {
    source: `Thông báo lịch nghỉ năm ${next} (thử)`,
    days: [{ date: `${next}-01-01`, kind: 'holiday', name: 'Tết Dương lịch' }],
  } });
  assertStatus(put, 200, 'PUT the next year');
  assert.equal(metric(await metrics(), 'motcua_calendar_official_schedule', `year="${next}"`), 1);
  assertStatus(await server.api('DELETE', `/api/v1/calendar/${next}`, { token: admin }), 200, 'DELETE');
  assert.equal(metric(await metrics(), 'motcua_calendar_official_schedule', `year="${next}"`), 0);
});

test('/readyz says the primary takes writes', async () => {
  const ready = await server.api('GET', '/readyz');
  assertStatus(ready, 200, 'ready');
  assert.equal(ready.body.primary, 'writable');
  assert.equal(ready.body.replica, undefined, 'no db_read, no replica');
});

function psql(url, sql) {
  const bin = process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, 'psql') : 'psql';
  return execFileSync(bin, ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' }).trim();
}

test('a primary made read-only: /readyz 503, writes 503 and nothing stored; reconnections counted; writable again: ready',
  { skip: !BASE && 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)' }, async () => {
    const name = server.db.slice(BASE.length + 1).split('?')[0];
    const admin = `${BASE}/postgres`;
    const endSessions = () => psql(admin, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
      WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    const token = await server.login('tiepnhan');
    const before1 = await metrics();
    const lost0 = metric(before1, 'motcua_db_connections_lost_total');
    const again0 = metric(before1, 'motcua_db_reconnects_total');
    const dossiers0 = psql(server.db.split('?')[0], 'SELECT count(*) FROM dossier');
    // What an administrator does to the old primary in a switchover: new
    // sessions are read-only, and the server's are ended so that it connects again.
    psql(admin, `ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    try {
      endSessions();
      // The first answers may say the read failed: the worker's session was
      // just ended and is made again on its next use. Once connected again,
      // the node is unready because the primary is read-only.
      const ready = await until('the node unready as read-only', async () => {
        const r = await server.api('GET', '/readyz');
        return r.status === 503 && /read-only/.test(r.body?.detail ?? '') ? r : null;
      });
      assertProblem(ready, 503, 'not-ready', 'readiness on a read-only primary');
      assert.match(ready.body.detail, /read-only/);
      const filing = await server.api('POST', '/api/v1/dossiers', { token, body: {
        procedure_code: districtProcedure().code, channel: 'direct',
        applicant: { ...APPLICANT }, documents: [{ name: 'Tờ khai', originals: 1 }],
      } });
      assert.equal(filing.status, 503, `a write on a read-only primary: ${filing.status} ${filing.text}`);
      assert.match(filing.headers.get('retry-after') || '', /^\d+$/);
      assert.equal(psql(server.db.split('?')[0], 'SELECT count(*) FROM dossier'), dossiers0, 'nothing stored');
      assert.equal((await server.api('GET', '/healthz')).status, 200, 'alive all the same');
    } finally {
      psql(admin, `ALTER DATABASE ${name} RESET default_transaction_read_only`);
    }
    endSessions();
    await until('the node ready again', async () => (await server.api('GET', '/readyz')).status === 200);
    await file(server, token);
    const text = await metrics();
    assert.ok(metric(text, 'motcua_db_connections_lost_total') > lost0, 'connections found lost');
    assert.ok(metric(text, 'motcua_db_reconnects_total') > again0, 'connections made again');
    assert.ok(server.stderr().includes('the database is read-only'), server.stderr().slice(-2000));
  });
