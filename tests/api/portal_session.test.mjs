// The national portal's sync signed in with a session token, as the portal's
// sync interface takes it (docs/operations.md "The national portal"): with
// portal_login_url set, motcua posts {"username","password"} to it ("LayToken"),
// gets {"session","error_code":0}, and sends the session in every request's
// "session" field (and as the bearer token); when the portal says the session
// expired (401, or error_code "401") it signs in again ONCE and sends again.
// And TraCuuHoSo: GET /api/v1/portal-sync/dossiers/{code} asks the portal
// whether it knows a dossier.
//
// The portal here is the test's own. It refuses every request without a
// session it issued, expires all its sessions on purpose every few accepted
// changes (answering 401 one time, 200 with error_code "401" the next), and
// answers the first sign-in with 500.
//
// Asserted: every state change is accepted exactly once, in order per dossier,
// although sessions expired under it; an expired session costs no attempt (the
// only failed attempt is the sign-in answered 500); the password comes from
// portal_password_file and is never logged; a session refused right after a new
// sign-in is not chased (one sign-in per attempt, then the attempt fails and is
// retried later); a refused sign-in fails the attempt with the portal's reason.
// The look-up: the root's administrator and an administrator whose unit holds
// the dossier get the portal's answer (known or not, a session expired under
// it); a desk officer 403, another district's administrator 403 out-of-scope,
// an unknown, huge or malformed code 404, the portal's error 502, its garbage
// 502, the portal down 503, the sync off 409, a third look-up while two wait
// for the portal 429 (sign-ins going on meanwhile); the same from the console
// (`motcua portal lookup CODE`: the answer as JSON, an unknown code and the
// portal down exit 1). The sign-in settings: serve refuses portal_login_url
// without the account; motcua config shows the password as (set).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { startServer, freePort, serverEnv, BIN } from './harness.mjs';
import { APPLICANT, DISTRICT, PROVINCE, assertProblem, assertStatus, districtProcedure, stopServer } from './helpers.mjs';

const USERNAME = 'motcua-thanhhoa';
const PASSWORD = 'mat-khau-cong-dvc-cho-kiem-thu';
const EXPIRE_EVERY = 3; // accepted changes between two expiries of every session

let portal;
let portalPort;
let server;
let tmp;
let passwordFile;
let portalEnv;
const tok = {};
// `motcua portal lookup CODE` with the server's settings and database.
// (Not spawnSync: the portal answering it is in this process.)
const cli = (...args) => new Promise((resolve) => {
  execFile(BIN, ['portal', 'lookup', ...args, '--db', server.db], { env: serverEnv(portalEnv), timeout: 120000 },
    (err, stdout, stderr) => resolve({ status: err ? err.code : 0, stdout, stderr }));
});

const fake = {
  failLogin: 1,          // sign-ins answered 500 before the portal signs anyone in
  denyLogin: false,      // sign-ins refused (error_code "-1")
  rejectAll: false,      // every session refused, even a new one
  sessions: new Set(),   // the sessions in force
  issued: 0,
  logins: [],            // the sign-in bodies
  refused: 0,            // requests refused for their session
  refusedAs401: 0,       // ... of which with HTTP 401 (the others error_code "401")
  sinceExpiry: 0,
  expiries: 0,
  accepted: new Map(),   // Idempotency-Key -> times accepted
  order: [],             // the accepted changes' bodies
  lookups: [],
  lookup: 'answer',      // 'answer' | 'error' | 'garbage'
  hidden: new Set(),     // codes the portal says it does not know
  held: [],              // look-ups held unanswered
};

function refuse(res) {
  fake.refused++;
  if (fake.refused % 2) {
    fake.refusedAs401++;
    res.writeHead(401, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error_code: '401', message: 'phiên hết hạn' }));
  } else {
    res.writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error_code: '401', message: 'phiên hết hạn' }));
  }
}

function startPortal() {
  portal = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let json = null;
      try { json = JSON.parse(body); } catch { /* refused below */ }
      const ok = (x) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(x));
      if (req.url === '/dvc/login') {
        fake.logins.push(json);
        if (fake.failLogin > 0) { fake.failLogin--; res.writeHead(500).end('oops'); return; }
        if (fake.denyLogin || !json || json.username !== USERNAME || json.password !== PASSWORD) {
          ok({ error_code: '-1', message: 'sai tài khoản' });
          return;
        }
        fake.issued++;
        const session = `phien-${fake.issued}-${Math.random().toString(36).slice(2)}`;
        fake.sessions.add(session);
        ok({ session, error_code: 0 });
        return;
      }
      if (req.url !== '/dvc/sync' || !json) { res.writeHead(404).end(); return; }
      const valid = typeof json.session === 'string' && fake.sessions.has(json.session) &&
        req.headers.authorization === `Bearer ${json.session}`;
      if (!valid || fake.rejectAll) { refuse(res); return; }
      if (json.service === 'TraCuuHoSo') {
        fake.lookups.push(json);
        if (fake.lookup === 'error') { ok({ error_code: '99', message: 'lỗi tra cứu' }); return; }
        if (fake.lookup === 'garbage') { res.writeHead(200).end('<html>bảo trì</html>'); return; }
        if (fake.lookup === 'hold') { fake.held.push(res); return; }
        const mine = fake.order.filter((j) => j.data.MaHoSo === json.MaHoSo);
        const known = mine.length && !fake.hidden.has(json.MaHoSo);
        ok({ error_code: '00', result: known ? [{ MaHoSo: json.MaHoSo, TrangThaiHoSo: mine.at(-1).data.TrangThaiHoSo }] : [] });
        return;
      }
      const key = req.headers['idempotency-key'];
      fake.accepted.set(key, (fake.accepted.get(key) || 0) + 1);
      fake.order.push(json);
      ok({ error_code: '00' });
      // Every session expires now and then, under the sender's feet.
      if (++fake.sinceExpiry >= EXPIRE_EVERY) {
        fake.sinceExpiry = 0;
        fake.expiries++;
        fake.sessions.clear();
      }
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
  tmp = mkdtempSync(join(tmpdir(), 'motcua-portal-session-'));
  passwordFile = join(tmp, 'portal-password');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  portalPort = await freePort();
  await startPortal();
  server = await startServer({ dossiers: 0, env: portalEnv = {
    MOTCUA_PORTAL_URL: `http://127.0.0.1:${portalPort}/dvc/sync`,
    MOTCUA_PORTAL_LOGIN_URL: `http://127.0.0.1:${portalPort}/dvc/login`,
    MOTCUA_PORTAL_USERNAME: USERNAME,
    MOTCUA_PORTAL_PASSWORD_FILE: passwordFile,
    MOTCUA_PORTAL_BACKOFF: '1',
    MOTCUA_PORTAL_MAX_ATTEMPTS: '50',
    MOTCUA_PORTAL_TIMEOUT: '20',
    MOTCUA_NOTIFY_INTERVAL: '1',
  } });
  for (const u of ['admin', 'tiepnhan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
  if (portal && portal.listening) await new Promise((r) => portal.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const act = async (code, action, extra = {}) => {
  const res = await server.api('POST', `/api/v1/dossiers/${code}/actions`, { token: tok.tiepnhan, body: { action, ...extra } });
  assertStatus(res, 200, `${action} ${code}`);
};
async function fileOne(name) {
  const res = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: {
    procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT, name },
    documents: [{ name: 'Tờ khai', originals: 1 }] } });
  assertStatus(res, 201, 'filing');
  return res.body.code;
}
async function all() {
  const res = await server.api('GET', '/api/v1/portal-sync?limit=500', { token: tok.admin });
  assertStatus(res, 200);
  return res.body.items;
}
const changesOf = async (code) => (await all()).filter((x) => x.dossier === code).sort((a, b) => a.event_id - b.event_id);
const lookup = (code, token = tok.admin) => server.api('GET', `/api/v1/portal-sync/dossiers/${code}`, { token: token || undefined });

test('changes reach the portal once, in order, through a failed sign-in and sessions expiring under them', async () => {
  const codes = [];
  for (let i = 0; i < 3; i++) {
    const code = await fileOne(`Người Phiên ${i}`);
    await act(code, 'assign', { handler: 'chuyenvien' });
    await act(code, 'request_supplement', { note: 'Thiếu bản sao' });
    await act(code, 'supplement', { documents: [{ name: 'Bản sao', originals: 1 }] });
    await act(code, 'withdraw', { note: 'Đơn đề nghị rút hồ sơ' });
    codes.push(code);
  }
  await until('every change sent', async () => (await all()).every((x) => x.status === 'sent'));

  for (const code of codes) {
    const changes = await changesOf(code);
    assert.deepEqual(changes.map((x) => x.action), ['create', 'assign', 'request_supplement', 'supplement', 'withdraw']);
    for (const x of changes) assert.equal(fake.accepted.get(`${code}:${x.event_id}`), 1, `${code}:${x.event_id} once`);
    const order = fake.order.filter((j) => j.data.MaHoSo === code).map((j) => j.data.event_id);
    assert.deepEqual(order, changes.map((x) => x.event_id), `the order of ${code}'s changes`);
  }
  assert.equal(fake.accepted.size, 15);
  // Sessions did expire under the sender, both ways, and it signed in again.
  assert.ok(fake.expiries >= 4, `sessions expired ${fake.expiries} times`);
  assert.ok(fake.refused >= 2 && fake.refusedAs401 >= 1 && fake.refused > fake.refusedAs401,
    `refused ${fake.refused}, as 401 ${fake.refusedAs401}`);
  assert.ok(fake.issued >= fake.expiries, `${fake.issued} sessions for ${fake.expiries} expiries`);
  // The first sign-in failed (500): that attempt failed; an expired session
  // cost none (signed in again and sent again in the same attempt).
  const items = await all();
  const attempts = items.reduce((n, x) => n + x.attempts, 0);
  assert.equal(attempts, 15 + 1, 'one failed attempt in all: the sign-in answered 500');
  assert.match(server.stderr(), /not taken by the portal \(attempt 1\): portal login answered 500/);
  // The account and the secret of portal_password_file, never in the logs.
  assert.ok(fake.logins.every((l) => l.username === USERNAME && l.password === PASSWORD));
  assert.ok(!server.stderr().includes(PASSWORD), 'the password is not logged');
  // the request still has the portal's shape
  const create = fake.order.find((j) => j.data.action === 'create');
  assert.equal(create.service, 'DongBoHoSoMC');
  assert.equal(create.madonvi, DISTRICT);
  assert.ok(fake.sessions.has(create.session) || create.session.startsWith('phien-'));
});

test('a session refused right after a new sign-in is not chased, and a refused sign-in fails the attempt', async () => {
  // The portal refuses every session: each attempt signs in again once, then fails.
  fake.rejectAll = true;
  const logins = fake.logins.length;
  const code = await fileOne('Người Bị Từ Chối Phiên');
  await until('two failed attempts', async () => (await changesOf(code))[0].attempts >= 2);
  // One new sign-in per attempt (one more if an attempt is under way), not a chase.
  const failed = (await changesOf(code))[0];
  const signIns = fake.logins.length - logins;
  assert.ok(signIns >= failed.attempts && signIns <= failed.attempts + 1,
    `${signIns} sign-ins for ${failed.attempts} attempts`);
  assert.match(failed.last_error, /portal refused the session token of a new login/);
  fake.rejectAll = false;
  fake.denyLogin = true; // and now its sign-in is refused
  fake.sessions.clear();
  await until('a refused sign-in', () => /portal login refused \(error_code -1/.test(server.stderr()));
  fake.denyLogin = false;
  await until('the change sent', async () => (await changesOf(code)).every((x) => x.status === 'sent'));
  const item = (await changesOf(code))[0];
  assert.ok(item.attempts >= 4, `attempts ${item.attempts}`);
  assert.equal(fake.accepted.get(`${code}:${item.event_id}`), 1);
});

test('TraCuuHoSo: the portal says whether it knows a dossier, to the administrators whose scope holds it', async () => {
  const code = (await all()).find((x) => x.action === 'create').dossier;
  fake.sessions.clear(); // the look-up signs in again too
  let res = await lookup(code);
  assertStatus(res, 200);
  assert.equal(res.body.dossier, code);
  assert.equal(res.body.known, true);
  assert.equal(res.body.madonvi, DISTRICT);
  assert.equal(res.body.result[0].MaHoSo, code);
  const asked = fake.lookups.at(-1);
  assert.deepEqual([asked.service, asked.MaHoSo, asked.madonvi], ['TraCuuHoSo', code, DISTRICT]);
  // A dossier the portal does not know (say, its changes are dead).
  fake.hidden.add(code);
  res = await lookup(code);
  assertStatus(res, 200);
  assert.deepEqual([res.body.known, res.body.result], [false, []]);
  fake.hidden.delete(code);

  // Roles and scope.
  assertProblem(await lookup(code, null), 401, 'unauthenticated');
  assertProblem(await lookup(code, tok.tiepnhan), 403, 'forbidden');
  const other = PROVINCE.units.find((u) => u.level === 'district' && u.code !== DISTRICT);
  for (const [username, unit] of [['admin.quangxuong', DISTRICT], ['admin.khac', other.code]]) {
    const made = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username,
      password: 'demo-password-for-tests', full_name: 'Quản trị', role: 'admin', unit } });
    assertStatus(made, 201);
  }
  const mine = await lookup(code, await server.login('admin.quangxuong'));
  assertStatus(mine, 200, 'the administrator of the dossier\'s district');
  assert.equal(mine.body.known, true);
  // The portal's record names the applicant: the look-up is a read of
  // personal data, recorded as the dossier's detail is.
  await until('the look-up recorded as a read of personal data', async () => {
    const r = await server.api('GET', `/api/v1/personal/reads?dossier=${code}&reader=admin.quangxuong`, { token: tok.admin });
    assertStatus(r, 200);
    return r.body.items.some((x) => x.what === 'portal' && x.dossier === code && x.route.endsWith(code));
  });
  const before = fake.lookups.length;
  assertProblem(await lookup(code, await server.login('admin.khac')), 403, 'out-of-scope', 'another district');
  // Codes: unknown, huge, malformed: not found, and the portal never asked.
  assertProblem(await lookup('000.00.33.H56-991231-9999'), 404, 'not-found', 'unknown');
  assertProblem(await lookup('X'.repeat(3000)), 404, 'not-found', 'huge');
  for (const bad of ['a%20b', '%27%3B--', 'm%C3%A3', '..']) assertProblem(await lookup(bad), 404, 'not-found', bad);
  assert.equal(fake.lookups.length, before, 'no look-up reached the portal');

  // The portal's error and garbage: 502; the portal down: 503.
  fake.lookup = 'error';
  assertProblem(await lookup(code), 502, 'portal-error', 'error_code 99');
  assert.match((await lookup(code)).body.detail, /error_code 99: lỗi tra cứu/);
  fake.lookup = 'garbage';
  assertProblem(await lookup(code), 502, 'portal-error', 'not JSON');
  // Two look-ups held by a slow portal: a third is turned away (the pool
  // they hold is the one that hashes passwords), the two answered later.
  fake.lookup = 'hold';
  let settled = 0;
  const slow = [lookup(code), lookup(code)].map((p) => p.finally(() => { settled++; }));
  await until('two look-ups held', () => fake.held.length === 2);
  const third = await lookup(code);
  assertProblem(third, 429, 'overloaded', 'a third look-up');
  assert.ok(third.headers.get('retry-after'));
  // Sign-ins (their passwords hashed on a pool of their own) do not wait for them.
  assert.ok(await server.login('tiepnhan'));
  assert.equal(settled, 0, 'signed in while both look-ups still waited on the portal');
  for (const res of fake.held.splice(0)) {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error_code: '00', result: [] }));
  }
  for (const res of await Promise.all(slow)) assertStatus(res, 200, 'a held look-up answered');
  fake.lookup = 'answer';
  assertStatus(await lookup(code), 200, 'and the next one goes');

  // The same from the console: motcua portal lookup CODE.
  const known = await cli(code);
  assert.equal(known.status, 0, known.stderr);
  const shown = JSON.parse(known.stdout);
  assert.deepEqual([shown.dossier, shown.madonvi, shown.known, shown.result[0].MaHoSo], [code, DISTRICT, true, code]);
  const unknown = await cli('000.00.33.H56-991231-9999');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /no dossier has code 000\.00\.33\.H56-991231-9999/);
  assert.equal((await cli()).status, 2, 'no code: usage');

  await new Promise((r) => portal.close(r));
  const down = await lookup(code);
  assertProblem(down, 503, 'portal-unavailable', 'down');
  assert.ok(down.headers.get('retry-after'));
  const cliDown = await cli(code);
  assert.equal(cliDown.status, 1);
  assert.match(cliDown.stderr, /motcua portal lookup: portal login: Couldn't connect/);
});

test('with the sync off the look-up says so (409)', async () => {
  const plain = await startServer({ dossiers: 0 });
  try {
    const t = await plain.login('tiepnhan');
    const res = await plain.api('POST', '/api/v1/dossiers', { token: t, body: {
      procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT },
      documents: [{ name: 'Tờ khai', originals: 1 }] } });
    assertStatus(res, 201);
    assertProblem(await plain.api('GET', `/api/v1/portal-sync/dossiers/${res.body.code}`,
      { token: await plain.login('admin') }), 409, 'portal-sync-off');
  } finally {
    await stopServer(plain);
  }
});

test('the sign-in settings: refused without the account, the password shown as (set), never printed', () => {
  const env = serverEnv({
    MOTCUA_PUBLIC_URL: 'http://127.0.0.1:8080',
    MOTCUA_DB: join(tmp, 'never.db'),
    MOTCUA_PORTAL_URL: `http://127.0.0.1:${portalPort}/dvc/sync`,
    MOTCUA_PORTAL_LOGIN_URL: `http://127.0.0.1:${portalPort}/dvc/login`,
    MOTCUA_PORTAL_USERNAME: USERNAME,
  });
  const refused = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0'], { env, encoding: 'utf8', timeout: 60000 });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /portal_login_url is set but portal_username or portal_password is not/);
  const shown = spawnSync(BIN, ['config'], { env: { ...env, MOTCUA_PORTAL_PASSWORD_FILE: passwordFile },
    encoding: 'utf8', timeout: 60000 });
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^portal_password = \(set\)/m);
  assert.match(shown.stdout, /^portal_username = motcua-thanhhoa/m);
  assert.ok(!shown.stdout.includes(PASSWORD) && !shown.stderr.includes(PASSWORD), 'the password is not printed');
});
