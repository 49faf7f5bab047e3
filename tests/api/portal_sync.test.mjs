// The national public-service portal's sync (app/portal.h, docs/operations.md
// "The national portal"): every state change of a dossier is posted to the
// portal as JSON through the delivery thread, retried with back-off, in order
// per dossier, each change accepted at most once; after portal_max_attempts
// failures it is dead, shown to the root's administrator, who retries it.
//
// The portal is a small HTTP server of the test's own that fails on purpose
// before it accepts: first it is not listening at all (connection refused),
// then it answers 500, holds a request past portal_timeout without answering,
// and answers 200 with error_code "99"; then it accepts (error_code "00").
// One dossier it refuses (503) until told to heal, so that its change goes
// dead and its later changes wait behind it.
//
// Asserted: every state change of every dossier is accepted exactly once
// (none lost, none accepted twice, by the Idempotency-Key "<code>:<event>"),
// in the order of the dossier's events; the bearer token comes from
// portal_token_file; the dead change is listed, the retry of a change that is
// not dead is refused 409 not-retryable, the retry of the dead one delivers it
// and then the ones behind it, in order; only the root's administrator sees
// the queue; with portal_url unset nothing is queued.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort } from './harness.mjs';
import { APPLICANT, DISTRICT, assertProblem, assertStatus, districtProcedure, stopServer } from './helpers.mjs';

const TOKEN = 'portal-token-for-tests';
let portal;       // the fake portal's http server (once listening)
let portalPort;
let server;
let tmp;
const tok = {};
const held = [];  // responses held past the timeout, closed at the end

// What the fake portal does: a plan of failures consumed one per request,
// then acceptance; a dossier it refuses until healed.
const fake = { plan: ['500', 'hang', '99'], poison: null, requests: [], accepted: new Map(), order: [], badAuth: 0 };

function startPortal() {
  portal = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const key = req.headers['idempotency-key'];
      let json = null;
      try { json = JSON.parse(body); } catch { /* counted below */ }
      fake.requests.push({ key, json });
      if (req.headers.authorization !== `Bearer ${TOKEN}`) fake.badAuth++;
      if (json && fake.poison && json.data.MaHoSo === fake.poison) {
        res.writeHead(503).end('busy');
        return;
      }
      const step = fake.plan.shift();
      if (step === '500') { res.writeHead(500).end('oops'); return; }
      if (step === 'hang') { held.push(res); return; }
      if (step === '99') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error_code: '99', message: 'lỗi giả' }));
        return;
      }
      // Accepted: counted once per key, as an idempotent portal would.
      fake.accepted.set(key, (fake.accepted.get(key) || 0) + 1);
      fake.order.push(json);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error_code: '00' }));
    });
  });
  return new Promise((r) => portal.listen(portalPort, '127.0.0.1', r));
}

async function until(what, fn, ms = 90000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'motcua-portal-'));
  const tokenFile = join(tmp, 'portal-token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  portalPort = await freePort(); // nothing listens yet: refused
  server = await startServer({ dossiers: 0, env: {
    MOTCUA_PORTAL_URL: `http://127.0.0.1:${portalPort}/dvc/sync`,
    MOTCUA_PORTAL_TOKEN_FILE: tokenFile,
    MOTCUA_PORTAL_BACKOFF: '1',
    MOTCUA_PORTAL_MAX_ATTEMPTS: '5',
    MOTCUA_PORTAL_TIMEOUT: '1',
    MOTCUA_NOTIFY_INTERVAL: '1',
  } });
  for (const u of ['admin', 'tiepnhan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
  for (const res of held) res.destroy();
  if (portal) await new Promise((r) => portal.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const act = async (code, action, extra = {}) => {
  const res = await server.api('POST', `/api/v1/dossiers/${code}/actions`, { token: tok.tiepnhan, body: { action, ...extra } });
  assertStatus(res, 200, `${action} ${code}`);
  return res.body;
};
async function fileOne(name) {
  const res = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: {
    procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT, name },
    documents: [{ name: 'Tờ khai', originals: 1 }] } });
  assertStatus(res, 201, 'filing');
  return res.body.code;
}
// A dossier through five state changes: received, processing, supplement
// requested, processing again, withdrawn.
async function walk(code) {
  await act(code, 'assign', { handler: 'chuyenvien' });
  await act(code, 'request_supplement', { note: 'Thiếu bản sao' });
  await act(code, 'supplement', { documents: [{ name: 'Bản sao', originals: 1 }] });
  await act(code, 'withdraw', { note: 'Đơn đề nghị rút hồ sơ' });
}
const queue = (query = '', token = tok.admin) => server.api('GET', `/api/v1/portal-sync${query}`,
  { token: token || undefined });
async function all() {
  const res = await queue('?limit=500');
  assertStatus(res, 200);
  return res.body.items;
}
// The dossier's state changes, oldest first, as the portal should have them.
async function changesOf(code) {
  return (await all()).filter((x) => x.dossier === code).sort((a, b) => a.event_id - b.event_id);
}

test('every state change reaches the portal once, in order per dossier, through refusals, 5xx, timeouts and errors', async () => {
  const codes = [];
  for (let i = 0; i < 3; i++) {
    const code = await fileOne(`Người Đồng Bộ ${i}`);
    await walk(code);
    codes.push(code);
  }
  // The portal is down: attempts fail (refused) and are retried.
  await until('an attempt refused', () => /not taken by the portal \(attempt 1\): portal: Couldn't connect/.test(server.stderr()));
  assert.equal(fake.requests.length, 0);
  await startPortal();
  await until('every change sent', async () => (await all()).every((x) => x.status === 'sent'));

  assert.equal(fake.plan.length, 0, 'the 500, the timeout and the error 99 were all met');
  assert.equal(fake.badAuth, 0, 'the bearer token of portal_token_file on every request');
  for (const code of codes) {
    const changes = await changesOf(code);
    assert.deepEqual(changes.map((x) => x.action), ['create', 'assign', 'request_supplement', 'supplement', 'withdraw']);
    assert.deepEqual(changes.map((x) => x.state), ['received', 'processing', 'supplement_requested', 'processing', 'withdrawn']);
    // accepted once each
    for (const x of changes) assert.equal(fake.accepted.get(`${code}:${x.event_id}`), 1, `${code}:${x.event_id}`);
    // in order: the portal accepted this dossier's changes in the order of its events
    const order = fake.order.filter((j) => j.data.MaHoSo === code).map((j) => j.data.event_id);
    assert.deepEqual(order, changes.map((x) => x.event_id), `the order of ${code}'s changes`);
  }
  // nothing accepted that is not a change of these dossiers, nothing twice
  assert.equal(fake.accepted.size, codes.length * 5);
  assert.ok([...fake.accepted.values()].every((n) => n === 1));
  // the request's shape
  const create = fake.order.find((j) => j.data.action === 'create');
  assert.equal(create.service, 'DongBoHoSoMC');
  assert.equal(create.isUpdating, false);
  assert.equal(create.madonvi, DISTRICT);
  assert.equal(create.data.MaTTHC, districtProcedure().code);
  assert.equal(create.data.TrangThaiHoSo, 2);
  assert.equal(create.data.KenhThucHien, 'direct');
  assert.equal(create.data.ChuHoSo.SoGiayTo, APPLICANT.id_number);
  assert.match(create.data.NgayTiepNhan, /\+07:00$/);
  const update = fake.order.find((j) => j.data.action === 'withdraw');
  assert.equal(update.service, 'CapNhatTienDoHoSoMC');
  assert.equal(update.isUpdating, true);
  // a failure says why, in the item
  const retried = (await all()).filter((x) => x.attempts > 1);
  assert.ok(retried.length >= 1, 'some changes needed more than one attempt');
});

test('a change the portal keeps refusing goes dead, holds its dossier\'s later changes, and is retried by the administrator', async () => {
  const code = await fileOne('Người Bị Từ Chối');
  fake.poison = code;
  await until('the first change to be dead', async () =>
    (await queue('?status=dead')).body.items.some((x) => x.dossier === code));
  const dead = (await queue('?status=dead')).body.items.find((x) => x.dossier === code);
  assert.equal(dead.action, 'create');
  assert.equal(dead.attempts, 5, 'portal_max_attempts');
  assert.match(dead.last_error, /portal answered 503/);
  assert.equal(dead.next_at, null);
  const metric = async (name) => Number((await server.api('GET', '/metrics')).text.split('\n')
    .find((l) => l.startsWith(`${name} `)).split(' ').pop());
  assert.equal(await metric('motcua_portal_dead'), 1, '/metrics counts the dead change');
  assert.ok(await metric('motcua_portal_failures_total') >= 5);
  assert.ok(await metric('motcua_portal_sent_total') >= 15);
  // the dossier moves on meanwhile: its changes wait behind the dead one
  await act(code, 'assign', { handler: 'chuyenvien' });
  // Another dossier's change, queued after the assignment, is sent: the
  // passes that sent it saw the assignment due, and held it.
  const other = await fileOne('Người Khác');
  await until('the other dossier\'s change sent', async () => (await changesOf(other)).every((x) => x.status === 'sent'));
  const waiting = (await changesOf(code)).map((x) => [x.action, x.status]);
  assert.deepEqual(waiting, [['create', 'dead'], ['assign', 'pending']]);
  assert.equal(fake.requests.filter((r) => r.json && r.json.data.MaHoSo === code).length, 5,
    'the later change was not sent past the dead one');

  // only a dead change can be retried; bad ids are unknown
  const assign = (await changesOf(code))[1];
  assertProblem(await server.api('POST', `/api/v1/portal-sync/${assign.id}/retry`, { token: tok.admin }), 409, 'not-retryable');
  for (const id of ['0', '-1', 'abc', '99999999', '9'.repeat(40)]) {
    assertProblem(await server.api('POST', `/api/v1/portal-sync/${id}/retry`, { token: tok.admin }), 404, 'not-found', id);
  }
  // healed, retried: both go, in order, once
  fake.poison = null;
  const retry = await server.api('POST', `/api/v1/portal-sync/${dead.id}/retry`, { token: tok.admin });
  assertStatus(retry, 200);
  assert.equal(retry.body.status, 'pending');
  await until('both changes sent', async () => (await changesOf(code)).every((x) => x.status === 'sent'));
  const accepted = fake.order.filter((j) => j.data.MaHoSo === code).map((j) => j.data.action);
  assert.deepEqual(accepted, ['create', 'assign']);
  assert.equal(await metric('motcua_portal_dead'), 0);
  assertProblem(await server.api('POST', `/api/v1/portal-sync/${dead.id}/retry`, { token: tok.admin }), 409, 'not-retryable',
    'sent now');
});

test('only the root\'s administrator sees and retries the queue; bad queries are refused', async () => {
  assertProblem(await queue('', null), 401, 'unauthenticated');
  assertProblem(await queue('', tok.tiepnhan), 403, 'forbidden');
  assertProblem(await server.api('POST', '/api/v1/portal-sync/1/retry', { token: tok.tiepnhan }), 403, 'forbidden');
  const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'admin.huyen',
    password: 'demo-password-for-tests', full_name: 'Quản trị huyện', role: 'admin', unit: DISTRICT } });
  assertStatus(res, 201);
  const qx = await server.login('admin.huyen');
  assertProblem(await queue('', qx), 403, 'out-of-scope');
  assertProblem(await server.api('POST', '/api/v1/portal-sync/1/retry', { token: qx }), 403, 'out-of-scope');
  assertProblem(await queue('?status=lost'), 400, 'invalid-query');
  assertProblem(await queue('?limit=0'), 400, 'invalid-query');
  assertProblem(await queue('?limit=501'), 400, 'invalid-query');
  const page = await queue('?status=sent&limit=2&offset=1');
  assertStatus(page, 200);
  assert.equal(page.body.items.length, 2);
  assert.ok(page.body.items.every((x) => x.status === 'sent'));
  assert.equal(page.body.enabled, true);
});

test('with portal_url unset nothing is queued', async () => {
  const plain = await startServer({ dossiers: 0 });
  try {
    const t = await plain.login('tiepnhan');
    const res = await plain.api('POST', '/api/v1/dossiers', { token: t, body: {
      procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT },
      documents: [{ name: 'Tờ khai', originals: 1 }] } });
    assertStatus(res, 201);
    const q = await plain.api('GET', '/api/v1/portal-sync', { token: await plain.login('admin') });
    assertStatus(q, 200);
    assert.deepEqual([q.body.total, q.body.enabled], [0, false]);
  } finally {
    await stopServer(plain);
  }
});
