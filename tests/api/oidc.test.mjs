// Sign-in through the identity provider (app/oidc.h, docs/operations.md
// "Sign-in through the identity provider"): against a real OpenID Connect
// provider (npm oidc-provider) started here, the authorization code flow with
// PKCE, the accounts it opens or refuses, and the attacks on it: state,
// replayed code, nonce, audience, expiry, alg none, HS256 with the public
// key, a key not in the JWKS, another issuer, a provider that is down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startServer, freePort, serverEnv, BIN, PASSWORD } from './harness.mjs';
import { serve } from './serve.mjs';
import { assertProblem, assertStatus, stopServer, DISTRICT, DEPARTMENT } from './helpers.mjs';
import { startProvider, toCallback, resign, decode, Jar, CLIENT_ID, CLIENT_SECRET, ID_CLAIM } from './oidc_provider.mjs';

let server, idp, admin, secretDir, pport, mport;

const ACCOUNTS = {
  'nguyen.van.an': { name: 'Nguyễn Văn An', [ID_CLAIM]: '038090001234' },
  'le.thi.binh': { name: 'Lê Thị Bình', [ID_CLAIM]: '038190005678' },
  'tran.khoa': { name: 'Trần Văn Khóa', [ID_CLAIM]: '038090009999' },
  'can.bo.x': { name: 'Phạm Cán Bộ', [ID_CLAIM]: '038085004321' },
  'khong.so': { name: 'Không Có Số' },
  'ky.es': { name: 'Võ Ký Es', [ID_CLAIM]: '038090007777' },
  'xoa.tai.khoan': { name: 'Đỗ Xóa Bỏ', [ID_CLAIM]: '038090008888' },
  'nan.nhan': { name: 'Trần Thị Nạn Nhân', [ID_CLAIM]: '038090001111' },
  'tu.dang.ky': { name: 'Vũ Tự Đăng Ký', [ID_CLAIM]: '038190002222' },
  'da.xac.minh': { name: 'Lý Đã Xác Minh', [ID_CLAIM]: '038190003333' },
  'ke.tan.cong': { name: 'Kẻ Tấn Công' }, // no number: unlinked, it opens nothing
  'nan.nhan.cam': { name: 'Nạn Nhân Cắm Số', [ID_CLAIM]: '038090002468' },
  'trung.so': { name: 'Trùng Số', [ID_CLAIM]: '038090003579' },
};
// first sign-ins of one person on two servers at once (PostgreSQL)
for (let i = 0; i < 12; i++) ACCOUNTS[`hai.may.${i}`] = { name: `Hai Máy ${i}`, [ID_CLAIM]: `03809200${String(i).padStart(4, '0')}` };

function oidcEnv(pport, mport, extra = {}) {
  return {
    MOTCUA_PUBLIC_URL: `http://127.0.0.1:${mport}`,
    MOTCUA_OIDC_ISSUER: `http://127.0.0.1:${pport}`,
    MOTCUA_OIDC_CLIENT_ID: CLIENT_ID,
    MOTCUA_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    MOTCUA_OIDC_ID_CLAIM: ID_CLAIM,
    // Every test here signs in from one address, faster than a person: the
    // address's sign-in limit (signin_limits.test.mjs) is not what they test.
    MOTCUA_SIGNIN_ADDRESS_MAX: '100000',
    ...extra,
  };
}

// The callback visited with the browser's motcua cookies: the reply.
async function finish(flow, url = flow.callback) {
  const res = await flow.motcua.fetch(url);
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = null; }
  return { status: res.status, headers: res.headers, body, text };
}

async function signIn(login) {
  const flow = await toCallback(server.base, login);
  return { flow, res: await finish(flow) };
}

// The session cookie of a sign-in, as a request header.
const sessionOf = (flow) => ({ Cookie: `motcua_session=${flow.motcua.cookies.get('motcua_session')}` });

async function userCount() {
  const res = await server.api('GET', '/api/v1/users?limit=1', { token: admin });
  assertStatus(res, 200);
  return res.body.total;
}

before(async () => {
  pport = await freePort();
  mport = await freePort();
  idp = await startProvider({ port: pport, redirectUri: `http://127.0.0.1:${mport}/api/v1/session/oidc/callback`, accounts: ACCOUNTS });
  // the secret from a file, as a service is given it (oidc_client_secret_file)
  secretDir = mkdtempSync(join(tmpdir(), 'motcua-oidc-'));
  const secretFile = join(secretDir, 'oidc_client_secret');
  writeFileSync(secretFile, `${CLIENT_SECRET}\n`, { mode: 0o600 });
  server = await startServer({ dossiers: 10, port: mport,
    env: { ...oidcEnv(pport, mport), MOTCUA_OIDC_CLIENT_SECRET: undefined, MOTCUA_OIDC_CLIENT_SECRET_FILE: secretFile } });
  admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
  await idp.stop();
  rmSync(secretDir, { recursive: true, force: true });
});

test('the sign-in page learns that the provider is on; the start sends the browser there with PKCE, state and nonce', async () => {
  const st = await server.api('GET', '/api/v1/session/oidc/status');
  assertStatus(st, 200);
  assert.deepEqual(st.body, { enabled: true });
  const jar = new Jar();
  const res = await jar.fetch(`${server.base}/api/v1/session/oidc`);
  assert.equal(res.status, 302);
  const to = new URL(res.headers.get('location'));
  assert.equal(to.origin, idp.issuer);
  const q = to.searchParams;
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('client_id'), CLIENT_ID);
  assert.equal(q.get('redirect_uri'), `${server.base}/api/v1/session/oidc/callback`);
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(q.get('state'), q.get('nonce'));
  assert.match(q.get('scope'), /\bopenid\b/);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('motcua_oidc='));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\/api\/v1\/session\/oidc/);
  // two starts are two different sign-ins
  const again = new URL((await new Jar().fetch(`${server.base}/api/v1/session/oidc`)).headers.get('location'));
  assert.notEqual(again.searchParams.get('state'), q.get('state'));
});

test('a first sign-in makes a citizen account linked to the subject, with the name and identity number of the claims', async () => {
  const before = await userCount();
  const { flow, res } = await signIn('nguyen.van.an');
  assert.equal(res.status, 303, res.text);
  assert.equal(res.headers.get('location'), `${server.base}/ho-so-cua-toi`);
  const cookies = res.headers.getSetCookie();
  const session = cookies.find((c) => c.startsWith('motcua_session='));
  // the same cookies as a password sign-in
  assert.match(session, /HttpOnly; SameSite=Strict/);
  assert.ok(cookies.some((c) => /^motcua_signed_in=1; Path=\/; Max-Age=\d+; SameSite=Strict/.test(c)));
  assert.ok(cookies.some((c) => /^motcua_oidc=; .*Max-Age=0/.test(c)), 'the binding is spent');
  const me = await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) });
  assertStatus(me, 200);
  assert.equal(me.body.user.role, 'citizen');
  assert.equal(me.body.user.full_name, 'Nguyễn Văn An');
  assert.equal(me.body.user.username, '038090001234', 'named by its identity number');
  assert.equal(await userCount(), before + 1);
  // recorded in the sign-in history
  const signins = await server.api('GET', '/api/v1/profile/signins', { headers: sessionOf(flow) });
  assertStatus(signins, 200);
  assert.equal(signins.body.items.length, 1);
  assert.equal(signins.body.items[0].ok, true);
  // the account has no password that opens it
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: '038090001234', password: '!' } }), 401, 'bad-credentials');
  // the second sign-in opens the same account
  const second = await signIn('nguyen.van.an');
  assert.equal(second.res.status, 303, second.res.text);
  const me2 = await server.api('GET', '/api/v1/session', { headers: sessionOf(second.flow) });
  assert.equal(me2.body.user.username, '038090001234');
  assert.equal(await userCount(), before + 1, 'no second account');
});

test('a citizen account an administrator made with the identity number is found by it and linked', async () => {
  const mk = await server.api('POST', '/api/v1/users', { token: admin, body: { username: 'binh.le', password: 'mat-khau-cua-binh', full_name: 'Lê Thị Bình', role: 'citizen', id_number: '038190005678' } });
  assertStatus(mk, 201);
  const before = await userCount();
  const { flow, res } = await signIn('le.thi.binh');
  assert.equal(res.status, 303, res.text);
  const me = await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) });
  assert.equal(me.body.user.username, 'binh.le');
  assert.equal(me.body.user.id, mk.body.id);
  assert.equal(await userCount(), before);
});

// Self-registration takes any 12-digit number unchecked: were it enough to be
// linked, whoever registered first with another person's number would own
// the account that person is signed into (knowing its password, reading the
// filings made there).
test('a self-registered account is never linked by its number: someone who took another person\'s number gets nothing of theirs', async () => {
  const KE_GIAN = 'mat-khau-ke-gian';
  const squat = { username: 'ke.gian', password: KE_GIAN, full_name: 'Kẻ Gian', id_number: '038090001111', email: 'ke.gian@example.vn', phone: '0912000111' };
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: squat }), 202);
  // and the username the provider's account would be given, taken too
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: { ...squat, username: '038090001111', email: 'ke.gian2@example.vn' } }), 202);
  const attacker = await server.login('ke.gian', KE_GIAN);
  const mine = (await server.api('GET', '/api/v1/session', { token: attacker })).body.user;
  assert.equal(mine.username, 'ke.gian');
  const before = await userCount();

  const { flow, res } = await signIn('nan.nhan');
  assert.equal(res.status, 303, res.text);
  const victim = (await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) })).body.user;
  assert.equal(victim.username, '038090001111.2', 'a new account, named by the number with a suffix');
  assert.equal(victim.full_name, 'Trần Thị Nạn Nhân');
  assert.notEqual(victim.id, mine.id);
  assert.equal(await userCount(), before + 1);
  // the next sign-in opens the victim's own account again
  const again = await signIn('nan.nhan');
  assert.equal(again.res.status, 303, again.res.text);
  assert.equal((await server.api('GET', '/api/v1/session', { headers: sessionOf(again.flow) })).body.user.id, victim.id);
  assert.equal(await userCount(), before + 1);

  // the attacker's password opens the attacker's account, as before, and
  // nothing of the victim's sign-ins is in it
  const later = await server.login('ke.gian', KE_GIAN);
  const still = (await server.api('GET', '/api/v1/session', { token: later })).body.user;
  assert.equal(still.id, mine.id);
  assert.deepEqual(still, mine);
  const hist = await server.api('GET', '/api/v1/users/ke.gian/signins', { token: admin });
  assertStatus(hist, 200);
  assert.deepEqual(hist.body.items.map((x) => x.ok), [true, true], 'its two password sign-ins only');
});

test('an honest self-registration is not joined to the provider\'s sign-in either; an administrator does not link a citizen', async () => {
  const reg = { username: 'tu.dang.ky', password: 'mat-khau-tu-dang-ky', full_name: 'Vũ Tự Đăng Ký', id_number: '038190002222' };
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: reg }), 202);
  const own = (await server.api('GET', '/api/v1/session', { token: await server.login('tu.dang.ky', reg.password) })).body.user;
  const { flow, res } = await signIn('tu.dang.ky');
  assert.equal(res.status, 303, res.text);
  const me = (await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) })).body.user;
  assert.equal(me.username, '038190002222');
  assert.notEqual(me.id, own.id);
  assertProblem(await server.api('PUT', '/api/v1/users/tu.dang.ky/identity', { token: admin, body: { subject: 'tu.dang.ky' } }), 403, 'forbidden');
});

test('the desk vouches for a self-registered citizen\'s number: the provider\'s sign-in then opens that account', async () => {
  const reg = { username: 'xac.minh', password: 'mat-khau-xac-minh', full_name: 'Lý Đã Xác Minh', id_number: '038190003333' };
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: reg }), 202);
  const own = (await server.api('GET', '/api/v1/session', { token: await server.login('xac.minh', reg.password) })).body.user;
  assert.equal(own.id_number_verified, false, 'self-registered: unvouched');
  // who may not: an official's account, a citizen without a number, another role
  assertProblem(await server.api('PATCH', '/api/v1/users/chuyenvien', { token: admin, body: { id_number_verified: false } }),
    422, 'invalid-field', 'an official');
  assertProblem(await server.api('PATCH', '/api/v1/users/xac.minh', { token: await server.login('congdan'),
    body: { id_number_verified: true } }), 403, 'forbidden', 'a citizen');
  assertProblem(await server.api('PATCH', '/api/v1/users/xac.minh', { token: admin, body: { id_number_verified: 'yes' } }),
    422, 'invalid-field', 'not a boolean');
  const vouched = await server.api('PATCH', '/api/v1/users/xac.minh', { token: admin, body: { id_number_verified: true } });
  assertStatus(vouched, 200, 'vouched');
  assert.equal(vouched.body.id_number_verified, true);
  const actions = await server.api('GET', '/api/v1/account-actions?user=xac.minh', { token: admin });
  assert.ok(actions.body.items.some((a) => a.action === 'id_number' && a.detail.vouched === true), JSON.stringify(actions.body));
  // the provider's first sign-in of that number opens the account, not a new one
  const before = await userCount();
  const { flow, res } = await signIn('da.xac.minh');
  assert.equal(res.status, 303, res.text);
  const me = (await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) })).body.user;
  assert.equal(me.id, own.id);
  assert.equal(me.username, 'xac.minh');
  assert.equal(await userCount(), before, 'no account made');
  // a second account of the same number is not vouched for as well
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: { ...reg, username: 'xac.minh.2', password: 'mat-khau-xac-minh-2' } }), 202);
  assertProblem(await server.api('PATCH', '/api/v1/users/xac.minh.2', { token: admin, body: { id_number_verified: true } }),
    409, 'duplicate', 'the number is vouched for elsewhere');
});

test('a locked account stays locked; its attempt is in its sign-in history', async () => {
  const first = await signIn('tran.khoa');
  assert.equal(first.res.status, 303, first.res.text);
  assertStatus(await server.api('PATCH', '/api/v1/users/038090009999', { token: admin, body: { active: false } }), 200);
  const { flow, res } = await signIn('tran.khoa');
  assertProblem(res, 403, 'account-locked');
  assert.equal(flow.motcua.cookies.get('motcua_session'), undefined, 'no session');
  const hist = await server.api('GET', '/api/v1/users/038090009999/signins', { token: admin });
  assert.deepEqual(hist.body.items.map((x) => x.ok), [false, true]);
});

test('an official is never made nor found by the number; an administrator links the account', async () => {
  const mk = await server.api('POST', '/api/v1/users', { token: admin, body: { username: 'cb.lien.ket', password: 'mat-khau-can-bo-x', full_name: 'Phạm Cán Bộ', role: 'specialist', unit: DISTRICT, id_number: '038085004321' } });
  assertStatus(mk, 201);
  const before = await userCount();
  let { res } = await signIn('can.bo.x');
  assertProblem(res, 403, 'identity-not-linked');
  assert.equal(await userCount(), before, 'no citizen account made for the official');
  // a provider without the number opens nothing either
  ({ res } = await signIn('khong.so'));
  assertProblem(res, 403, 'identity-not-linked');
  assert.equal(await userCount(), before);
  // the administrator links the official's account to the provider's subject
  const citizen = await server.login('congdan');
  assertProblem(await server.api('PUT', '/api/v1/users/cb.lien.ket/identity', { token: citizen, body: { subject: 'can.bo.x' } }), 403, 'forbidden');
  assertProblem(await server.api('PUT', '/api/v1/users/cb.lien.ket/identity', { token: admin, body: {} }), 422, 'missing-field');
  assertProblem(await server.api('PUT', '/api/v1/users/congdan/identity', { token: admin, body: { subject: 'x' } }), 403, 'forbidden');
  assertStatus(await server.api('PUT', '/api/v1/users/cb.lien.ket/identity', { token: admin, body: { subject: 'can.bo.x' } }), 200);
  assertProblem(await server.api('PUT', '/api/v1/users/cv.khac/identity', { token: admin, body: { subject: 'can.bo.x' } }), 404, 'not-found');
  const signed = await signIn('can.bo.x');
  assert.equal(signed.res.status, 303, signed.res.text);
  assert.equal(signed.res.headers.get('location'), `${server.base}/`);
  const me = await server.api('GET', '/api/v1/session', { headers: sessionOf(signed.flow) });
  assert.equal(me.body.user.username, 'cb.lien.ket');
  assert.equal(me.body.user.role, 'specialist');
  // unlinked, it is refused again
  assertStatus(await server.api('DELETE', '/api/v1/users/cb.lien.ket/identity', { token: admin }), 204);
  assertProblem(await server.api('DELETE', '/api/v1/users/cb.lien.ket/identity', { token: admin }), 404, 'not-found');
  ({ res } = await signIn('can.bo.x'));
  assertProblem(res, 403, 'identity-not-linked');
});

// ---- who links an official, who gives an official a number -------------------

// The messages queued for one recipient (an e-mail address or a phone), read
// from the outbox of either backend.
function outboxTo(recipient) {
  const q = `SELECT channel, subject, body FROM outbox WHERE recipient = '${recipient}' ORDER BY id`;
  const out = /^postgres(ql)?:/.test(server.db)
    ? execFileSync(process.env.MOTCUA_PG_BINDIR ? `${process.env.MOTCUA_PG_BINDIR}/psql` : 'psql', ['-XAt', server.db.split('?')[0], '-c', `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', ['-json', server.db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

// The record of actions on an account, newest first.
async function actionsOn(username) {
  const res = await server.api('GET', `/api/v1/account-actions?limit=500&user=${encodeURIComponent(username)}`, { token: admin });
  assertStatus(res, 200);
  return res.body.items;
}

// Administrators of the district (where lanhdao and tiepnhan work) and of a
// department, made once by the root's administrator.
const scoped = {};
async function scopedAdmins() {
  if (!scoped.qx) {
    for (const [username, unit] of [['admin.qx', DISTRICT], ['admin.stnmt', DEPARTMENT]]) {
      assertStatus(await server.api('POST', '/api/v1/users', { token: admin, body: { username, password: PASSWORD,
        full_name: 'Quản Trị Viên', role: 'admin', unit } }), 201, username);
    }
    scoped.qx = await server.login('admin.qx');
    scoped.stnmt = await server.login('admin.stnmt');
  }
  return scoped;
}

const LEADER = { username: 'lanhdao', email: 'lanhdao.quangxuong@thanhhoa.gov.vn', phone: '0912345605' };

// An administrator of a unit may link an official of its subtree to a subject
// at the provider, as it may reset that official's password; whoever then
// signs in as that subject acts as the official. So a link and an unlink are
// recorded (who, on whom, which subject) and the official is told at its
// e-mail and phone, as a reset is seen by the owner whose password stops working.
test('an official\'s link to a subject and its removal are recorded with the subject, and the official is told', async () => {
  const { qx } = await scopedAdmins();
  const before = await actionsOn(LEADER.username);
  const mails = outboxTo(LEADER.email).length, texts = outboxTo(LEADER.phone).length;

  const linked = await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token: qx, body: { subject: 'ke.tan.cong' } });
  assertStatus(linked, 200);
  let now = await actionsOn(LEADER.username);
  assert.equal(now.length, before.length + 1, JSON.stringify(now[0]));
  assert.equal(now[0].action, 'identity_link');
  assert.equal(now[0].actor.username, 'admin.qx');
  assert.equal(now[0].user, LEADER.username);
  assert.deepEqual(now[0].detail, { issuer: idp.issuer, subject: 'ke.tan.cong' });
  const mail = outboxTo(LEADER.email).slice(mails);
  assert.equal(mail.length, 1, 'one e-mail to the official');
  assert.equal(mail[0].channel, 'email');
  assert.match(mail[0].subject, /liên kết/);
  assert.match(mail[0].body, /admin\.qx/, 'names the administrator');
  assert.match(mail[0].body, /lanhdao/, 'names the account');
  const sms = outboxTo(LEADER.phone).slice(texts);
  assert.equal(sms.length, 1, 'one SMS to the official');
  assert.equal(sms[0].channel, 'sms');
  assert.match(sms[0].body, /lien ket/);

  // the link works: the subject signs in as the official
  const signed = await signIn('ke.tan.cong');
  assert.equal(signed.res.status, 303, signed.res.text);
  assert.equal((await server.api('GET', '/api/v1/session', { headers: sessionOf(signed.flow) })).body.user.username, LEADER.username);

  assertStatus(await server.api('DELETE', `/api/v1/users/${LEADER.username}/identity`, { token: qx }), 204);
  now = await actionsOn(LEADER.username);
  assert.equal(now.length, before.length + 2);
  assert.equal(now[0].action, 'identity_unlink');
  assert.equal(now[0].actor.username, 'admin.qx');
  assert.deepEqual(now[0].detail, { issuer: idp.issuer, subject: 'ke.tan.cong' });
  const more = outboxTo(LEADER.email).slice(mails);
  assert.equal(more.length, 2, 'a second e-mail');
  assert.match(more[1].subject, /gỡ liên kết/);
  assert.match(more[1].body, /admin\.qx/);
  assert.equal(outboxTo(LEADER.phone).slice(texts).length, 2, 'a second SMS');
  assertProblem((await signIn('ke.tan.cong')).res, 403, 'identity-not-linked');
  // the official's password still opens the account
  await server.login(LEADER.username);
});

test('no one else links or unlinks an official; a bad subject is refused; a refusal changes, records and tells nothing', async () => {
  const { qx, stnmt } = await scopedAdmins();
  const others = [
    ['another unit\'s administrator', stnmt, 403, 'out-of-scope'],
    ['a citizen', await server.login('congdan'), 403, 'forbidden'],
    ['a desk officer', await server.login('tiepnhan'), 403, 'forbidden'],
    ['the official itself', await server.login(LEADER.username), 403, 'forbidden'],
  ];
  const refusedNothing = async (what, before, mails, texts) => {
    assert.deepEqual(await actionsOn(LEADER.username), before, `${what}: nothing recorded`);
    assert.equal(outboxTo(LEADER.email).length, mails, `${what}: no e-mail`);
    assert.equal(outboxTo(LEADER.phone).length, texts, `${what}: no SMS`);
  };
  let before = await actionsOn(LEADER.username);
  let mails = outboxTo(LEADER.email).length, texts = outboxTo(LEADER.phone).length;
  for (const [who, token, status, slug] of others) {
    assertProblem(await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token, body: { subject: 'ke.tan.cong' } }),
      status, slug, who);
  }
  for (const [subject, rule] of [['', 'invalid-field'], [42, 'invalid-field'], ['x'.repeat(256), 'invalid-field'],
    ['ke\u202Etan', 'invalid-field'], [{ sub: 'x' }, 'invalid-field']]) {
    assertProblem(await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token: qx, body: { subject } }),
      422, rule, JSON.stringify(subject).slice(0, 40));
  }
  assertProblem(await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token: qx, body: {} }), 422, 'missing-field');
  await refusedNothing('refused links', before, mails, texts);
  assertProblem((await signIn('ke.tan.cong')).res, 403, 'identity-not-linked');

  // linked by its administrator, the link outlives the others' attempts to remove it
  assertStatus(await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token: qx, body: { subject: 'ke.tan.cong' } }), 200);
  before = await actionsOn(LEADER.username);
  mails = outboxTo(LEADER.email).length;
  texts = outboxTo(LEADER.phone).length;
  for (const [who, token, status, slug] of others)
    assertProblem(await server.api('DELETE', `/api/v1/users/${LEADER.username}/identity`, { token }), status, slug, who);
  // a subject linked already, here or to another account, links nothing more
  assertProblem(await server.api('PUT', `/api/v1/users/${LEADER.username}/identity`, { token: qx, body: { subject: 'ke.tan.cong' } }),
    409, 'duplicate');
  assertProblem(await server.api('PUT', '/api/v1/users/chuyenvien/identity', { token: qx, body: { subject: 'ke.tan.cong' } }),
    409, 'duplicate');
  await refusedNothing('refused unlinks', before, mails, texts);
  const signed = await signIn('ke.tan.cong');
  assert.equal(signed.res.status, 303, signed.res.text);
  assertStatus(await server.api('DELETE', `/api/v1/users/${LEADER.username}/identity`, { token: qx }), 204);
});

// The provider's first sign-in of a number held by an official's account is
// refused (the person is that official, whom an administrator links). Were
// any administrator free to give an official any number, one of a commune
// could lock any citizen of the province out of the national sign-in.
test('an administrator below the root gives no official an identity number: the citizen\'s first sign-in stays theirs', async () => {
  const { qx, stnmt } = await scopedAdmins();
  const NUMBER = '038090002468';
  const make = (token, body) => server.api('POST', '/api/v1/users', { token, body: { username: 'cam.so', password: PASSWORD,
    full_name: 'Cán Bộ Cắm Số', role: 'desk', unit: DISTRICT, id_number: NUMBER, ...body } });
  const users = async () => (await server.api('GET', '/api/v1/users?limit=1000', { token: admin })).body;
  const before = { users: await users(), tiepnhan: await actionsOn('tiepnhan') };

  let res = await make(qx);
  assertProblem(res, 403, 'out-of-scope', 'create');
  assert.match(res.body.detail, /identity number/);
  for (const role of ['specialist', 'leader', 'supervisor'])
    assertProblem(await make(qx, { role }), 403, 'out-of-scope', role);
  res = await server.api('PATCH', '/api/v1/users/tiepnhan', { token: qx, body: { id_number: NUMBER } });
  assertProblem(res, 403, 'out-of-scope', 'edit');
  assert.match(res.body.detail, /identity number/);
  assertProblem(await server.api('PATCH', '/api/v1/users/tiepnhan', { token: stnmt, body: { id_number: NUMBER } }), 403, 'out-of-scope',
    'another unit\'s administrator');
  for (const user of ['congdan', 'tiepnhan']) {
    const token = await server.login(user);
    assertProblem(await make(token), 403, 'forbidden', user);
    assertProblem(await server.api('PATCH', '/api/v1/users/chuyenvien', { token, body: { id_number: NUMBER } }), 403, 'forbidden', user);
  }
  for (const bad of ['12345', '03809000246x', '0380900024680', 42]) {
    assertProblem(await make(admin, { id_number: bad }), 422, 'invalid-field', `create ${bad}`);
    assertProblem(await server.api('PATCH', '/api/v1/users/tiepnhan', { token: admin, body: { id_number: bad } }), 422, 'invalid-field',
      `edit ${bad}`);
  }
  assert.deepEqual(await users(), before.users, 'no account made or changed');
  assert.deepEqual(await actionsOn('tiepnhan'), before.tiepnhan, 'nothing recorded');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cam.so', password: PASSWORD } }), 401, 'bad-credentials');

  // the person the number belongs to signs in as a citizen
  const { flow, res: signed } = await signIn('nan.nhan.cam');
  assert.equal(signed.status, 303, signed.text);
  const me = (await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) })).body.user;
  assert.equal(me.role, 'citizen');
  assert.equal(me.username, NUMBER);
});

test('the root\'s administrator sets an official\'s identity number: one official per number, recorded masked, cleared to unblock', async () => {
  const NUMBER = '038090003579';
  const MASKED = '*********579';
  const official = (username, unit, id_number) => server.api('POST', '/api/v1/users', { token: admin, body: { username,
    password: PASSWORD, full_name: 'Cán Bộ Có Số', role: 'specialist', unit, id_number } });
  assertStatus(await official('cb.co.so', DISTRICT, NUMBER), 201);
  const [made] = await actionsOn('cb.co.so');
  assert.equal(made.action, 'create');
  assert.deepEqual(made.detail, { role: 'specialist', unit: DISTRICT, id_number: MASKED });

  // a second official of the number: refused, made or edited
  let res = await official('cb.co.so.2', DEPARTMENT, NUMBER);
  assertProblem(res, 409, 'duplicate', 'a second official');
  assert.match(res.body.detail, /official/);
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cb.co.so.2', password: PASSWORD } }), 401, 'bad-credentials');
  const stnmtBefore = await actionsOn('chuyenvien.stnmt');
  assertProblem(await server.api('PATCH', '/api/v1/users/chuyenvien.stnmt', { token: admin, body: { id_number: NUMBER } }), 409, 'duplicate');
  assert.deepEqual(await actionsOn('chuyenvien.stnmt'), stnmtBefore);
  // a citizen's number is not edited (it is the one registered or the provider's)
  assertProblem(await server.api('PATCH', '/api/v1/users/congdan', { token: admin, body: { id_number: NUMBER } }), 422, 'invalid-field');

  // the official's number keeps the provider from opening a citizen account with it...
  assertProblem((await signIn('trung.so')).res, 403, 'identity-not-linked');
  // ...until the root's administrator clears it
  res = await server.api('PATCH', '/api/v1/users/cb.co.so', { token: admin, body: { id_number: '' } });
  assertStatus(res, 200);
  let [cleared] = await actionsOn('cb.co.so');
  assert.equal(cleared.action, 'id_number');
  assert.deepEqual(cleared.detail, { from: MASKED, to: '' });
  const { flow, res: signed } = await signIn('trung.so');
  assert.equal(signed.status, 303, signed.text);
  assert.equal((await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) })).body.user.username, NUMBER);
  // a citizen account whose number is vouched for is one per number too
  assertProblem(await server.api('POST', '/api/v1/users', { token: admin, body: { username: 'trung.so.2', password: PASSWORD,
    full_name: 'Trùng Số', role: 'citizen', id_number: NUMBER } }), 409, 'duplicate');
  // an official may carry the number of a citizen account: the citizen still signs in
  assertStatus(await server.api('PATCH', '/api/v1/users/chuyenvien.stnmt', { token: admin, body: { id_number: NUMBER } }), 200);
  [cleared] = await actionsOn('chuyenvien.stnmt');
  assert.deepEqual(cleared.detail, { from: '', to: MASKED });
  const again = await signIn('trung.so');
  assert.equal(again.res.status, 303, again.res.text);
  // the same number again changes nothing and records nothing
  assertStatus(await server.api('PATCH', '/api/v1/users/chuyenvien.stnmt', { token: admin, body: { id_number: NUMBER } }), 200);
  assert.equal((await actionsOn('chuyenvien.stnmt'))[0].id, cleared.id);
  const all = JSON.stringify((await server.api('GET', '/api/v1/account-actions?limit=500', { token: admin })).body);
  assert.ok(!all.includes(NUMBER), 'the whole number is nowhere in the record');
});

test('an account its owner erased is no longer linked: the next sign-in makes a new one', async () => {
  const first = await signIn('xoa.tai.khoan');
  assert.equal(first.res.status, 303, first.res.text);
  const erased = await server.api('POST', '/api/v1/personal/erasure', { headers: sessionOf(first.flow), body: { confirm: true } });
  assert.ok([200, 202].includes(erased.status), erased.text);
  const again = await signIn('xoa.tai.khoan');
  assert.equal(again.res.status, 303, again.res.text);
  const me = await server.api('GET', '/api/v1/session', { headers: sessionOf(again.flow) });
  assert.equal(me.body.user.username, '038090008888');
  assert.notEqual(me.body.user.id, (await server.api('GET', '/api/v1/session', { headers: sessionOf(first.flow) })).body?.user?.id);
});

test('the state: missing cookie, another browser\'s cookie, a changed state, a forged cookie', async () => {
  const before = await userCount();
  const flow = await toCallback(server.base, 'ky.es');
  // no cookie at all
  assertProblem(await finish({ motcua: new Jar() }, flow.callback), 400, 'sign-in-state');
  // a browser that navigated there is sent back to the sign-in page, which says why
  const nav = await fetch(flow.callback, { redirect: 'manual', headers: { Accept: 'text/html,application/xhtml+xml' } });
  assert.equal(nav.status, 303);
  assert.equal(nav.headers.get('location'), `${server.base}/dang-nhap?loi=sign-in-state`);
  assert.ok(!nav.headers.getSetCookie().some((c) => c.startsWith('motcua_session=')));
  // another browser's sign-in: its own cookie, this one's state
  const other = new Jar();
  await other.fetch(`${server.base}/api/v1/session/oidc`);
  assertProblem(await finish({ motcua: other }, flow.callback), 400, 'sign-in-state');
  // this browser, a changed state
  const u = new URL(flow.callback);
  u.searchParams.set('state', 'A'.repeat(43));
  assertProblem(await finish(flow, u.href), 400, 'sign-in-state');
  // no state
  u.searchParams.delete('state');
  const again = await toCallback(server.base, 'ky.es');
  const v = new URL(again.callback);
  v.searchParams.delete('state');
  assertProblem(await finish(again, v.href), 400, 'sign-in-state');
  // a cookie whose check value is not ours
  const forged = await toCallback(server.base, 'ky.es');
  const c = forged.motcua.cookies.get('motcua_oidc');
  forged.motcua.cookies.set('motcua_oidc', c.slice(0, -2) + (c.endsWith('AA') ? 'BB' : 'AA'));
  assertProblem(await finish(forged), 400, 'sign-in-state');
  // a redirect that names another issuer (RFC 9207: a mix-up of providers)
  const mixed = await toCallback(server.base, 'ky.es');
  const m = new URL(mixed.callback);
  assert.equal(m.searchParams.get('iss'), idp.issuer, 'the provider names itself');
  m.searchParams.set('iss', 'https://idp.gia-mao.example');
  const mres = await finish(mixed, m.href);
  assertProblem(mres, 502, 'identity-provider-error');
  assert.match(mres.body.detail, /issuer/);
  // an error the provider sent back
  const denied = await toCallback(server.base, 'ky.es');
  const d = new URL(denied.callback);
  d.searchParams.delete('code');
  d.searchParams.set('error', 'access_denied');
  assertProblem(await finish(denied, d.href), 400, 'identity-provider-refused');
  assert.equal(await userCount(), before, 'nothing made');
});

test('a code is used once: the replayed callback is refused and opens nothing', async () => {
  const flow = await toCallback(server.base, 'ky.es');
  const cookie = flow.motcua.cookies.get('motcua_oidc');
  const first = await finish(flow);
  assert.equal(first.status, 303, first.text);
  const before = await userCount();
  // the attacker replays the same callback with the same binding cookie
  const replay = new Jar();
  replay.cookies.set('motcua_oidc', cookie);
  const res = await finish({ motcua: replay }, flow.callback);
  assertProblem(res, 400, 'identity-provider-refused');
  assert.match(res.body.detail, /invalid_grant/);
  assert.equal(replay.cookies.get('motcua_session'), undefined);
  assert.equal(await userCount(), before);
});

// A person's first sign-in sent twice (two tabs, a retry) and answered by two
// servers sharing PostgreSQL at once: both make the account for the identity;
// one of them finds it made by the other when it links it. Both are signed in
// to the one account, instead of one answering 409.
test('one person\'s first sign-in on two servers at once: both signed in, one account', {
  skip: process.env.MOTCUA_TEST_DB_URL_BASE ? false : 'PostgreSQL only (several servers on one database)',
}, async () => {
  const other = await serve(server.db, { env: oidcEnv(pport, mport) });
  try {
    for (let i = 0; i < 12; i++) {
      const a = await toCallback(server.base, `hai.may.${i}`);
      const b = await toCallback(server.base, `hai.may.${i}`);
      const [ra, rb] = await Promise.all([finish(a), finish(b, b.callback.replace(server.base, other.base))]);
      assert.equal(ra.status, 303, `round ${i}, first server: ${ra.text}`);
      assert.equal(rb.status, 303, `round ${i}, second server: ${rb.text}`);
      const users = await server.api('GET', `/api/v1/users?q=${encodeURIComponent(`Hai Máy ${i}`)}&limit=50`, { token: admin });
      assertStatus(users, 200);
      assert.equal(users.body.items.filter((u) => u.full_name === `Hai Máy ${i}`).length, 1, 'one account');
      const me = await Promise.all([server.api('GET', '/api/v1/session', { headers: sessionOf(a) }),
        other.api('GET', '/api/v1/session', { headers: sessionOf(b) })]);
      assert.deepEqual(me.map((m) => m.body.user.id), [me[0].body.user.id, me[0].body.user.id], 'the same account');
    }
  } finally {
    assert.equal(await other.stop(), 0, other.stderr().slice(-2000));
  }
});

// Each of these ID tokens comes from the real token endpoint, changed on its
// way: motcua refuses it with 502 and makes no account.
const forgeries = [
  ['a nonce that is not this sign-in\'s', resign((c) => ({ ...c, nonce: 'nonce-cua-lan-khac' })), /nonce/],
  ['no nonce', resign((c) => { delete c.nonce; return c; }), /nonce/],
  ['another audience', resign((c) => ({ ...c, aud: 'ung-dung-khac' })), /aud/],
  ['several audiences without azp', resign((c) => ({ ...c, aud: [CLIENT_ID, 'ung-dung-khac'] })), /azp/],
  ['several audiences, azp another party', resign((c) => ({ ...c, aud: [CLIENT_ID, 'ung-dung-khac'], azp: 'ung-dung-khac' })), /azp/],
  ['expired', resign((c) => ({ ...c, iat: c.iat - 7200, exp: c.iat - 3600 })), /exp/],
  ['issued in the future', resign((c) => ({ ...c, iat: c.iat + 3600, exp: c.exp + 3600 })), /iat/],
  ['another issuer', resign((c) => ({ ...c, iss: 'https://idp.gia-mao.example' })), /issuer/],
  ['alg none', resign((c) => c, 'none'), /algorithm "none"/],
  ['HS256 keyed with the provider\'s public key', resign((c) => c, 'hs256-public'), /algorithm "HS256"/],
  ['a key not in the JWKS', resign((c) => c, 'foreign'), /khoa-la/],
  ['a changed claim under the provider\'s signature', (t) => {
    const [h, , s] = t.split('.');
    const { claims } = decode(t);
    return `${h}.${Buffer.from(JSON.stringify({ ...claims, [ID_CLAIM]: '001099000001' })).toString('base64url')}.${s}`;
  }, /signature/],
  ['not a JWT', () => 'khong-phai-jwt', /compact/],
];

for (const [what, tamper, detail] of forgeries) {
  test(`an ID token with ${what} is refused (502) and opens nothing`, async () => {
    const before = await userCount();
    idp.state.tamper = tamper;
    try {
      const { flow, res } = await signIn('ky.es');
      assertProblem(res, 502, 'identity-provider-error');
      assert.match(res.body.detail, detail);
      assert.equal(flow.motcua.cookies.get('motcua_session'), undefined);
    } finally {
      idp.state.tamper = null;
    }
    assert.equal(await userCount(), before);
  });
}

test('an ES256 ID token signed with the provider\'s P-256 key is accepted', async () => {
  idp.state.tamper = resign((c) => c, 'es256');
  try {
    const { flow, res } = await signIn('ky.es');
    assert.equal(res.status, 303, res.text);
    const me = await server.api('GET', '/api/v1/session', { headers: sessionOf(flow) });
    assert.equal(me.body.user.username, '038090007777');
  } finally {
    idp.state.tamper = null;
  }
});

test('a provider that is down: 503 at the start and at the callback, nothing made', async () => {
  const before = await userCount();
  const flow = await toCallback(server.base, 'ky.es');
  idp.state.down = true;
  try {
    const res = await finish(flow);
    assertProblem(res, 503, 'identity-provider-unavailable');
    assert.ok(res.headers.get('retry-after'));
    assert.equal(flow.motcua.cookies.get('motcua_session'), undefined);
    // the metadata is kept, so the start still answers; a server that never
    // reached the provider answers 503 (below, with another issuer)
  } finally {
    idp.state.down = false;
  }
  assert.equal(await userCount(), before);
});

test('a server whose provider cannot be reached, or names another issuer, refuses to start a sign-in', async () => {
  const closed = await freePort(); // nothing listens there
  const mport = await freePort();
  const down = await startServer({ demo: false, port: mport, env: oidcEnv(closed, mport) });
  try {
    assertProblem(await down.api('GET', '/api/v1/session/oidc'), 503, 'identity-provider-unavailable');
    const nav = await fetch(`${down.base}/api/v1/session/oidc`, { redirect: 'manual', headers: { Accept: 'text/html' } });
    assert.equal(nav.status, 303);
    assert.equal(nav.headers.get('location'), `${down.base}/dang-nhap?loi=identity-provider-unavailable`);
    assert.match(down.stderr(), /sign-in through the identity provider failed: the identity provider cannot be reached/);
  } finally {
    await stopServer(down);
  }
  // the metadata at the address names the issuer without the trailing "/"
  const mport2 = await freePort();
  const other = await startServer({ demo: false, port: mport2, env: { ...oidcEnv(0, mport2), MOTCUA_OIDC_ISSUER: `${idp.issuer}/` } });
  try {
    const res = await other.api('GET', '/api/v1/session/oidc');
    assertProblem(res, 502, 'identity-provider-error');
    assert.match(res.body.detail, /issuer/);
  } finally {
    await stopServer(other);
  }
});

test('a provider that takes the connection and never answers holds up no password sign-in', async () => {
  const sockets = new Set();
  const hole = createServer((c) => { sockets.add(c); });
  await new Promise((r) => hole.listen(0, '127.0.0.1', r));
  const mport = await freePort();
  // one thread hashes passwords, as on a two-core server
  const s = await startServer({ dossiers: 2, port: mport,
    env: { ...oidcEnv(hole.address().port, mport), MOTCUA_HASH_THREADS: '1' } });
  try {
    const starts = Array.from({ length: 2 }, () => s.api('GET', '/api/v1/session/oidc'));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    assert.ok(await s.login('tiepnhan'));
    const took = Date.now() - t0;
    assert.ok(took < 5000, `a password sign-in took ${took} ms while the provider did not answer`);
    for (const r of await Promise.all(starts)) assertProblem(r, 503, 'identity-provider-unavailable');
  } finally {
    await stopServer(s);
    for (const c of sockets) c.destroy();
    await new Promise((r) => hole.close(r));
  }
});

test('a provider that never answers fills only its own pool: a citizen\'s personal-data export goes on', async () => {
  const sockets = new Set();
  const hole = createServer((c) => { sockets.add(c); });
  await new Promise((r) => hole.listen(0, '127.0.0.1', r));
  const mport = await freePort();
  const s = await startServer({ dossiers: 2, port: mport, env: oidcEnv(hole.address().port, mport) });
  let starts = [];
  try {
    // more sign-ins than the provider's pool holds running and waiting
    starts = Array.from({ length: 20 }, () => s.api('GET', '/api/v1/session/oidc'));
    await new Promise((r) => setTimeout(r, 300));
    assertStatus(await s.api('POST', '/api/v1/citizens', { body: { username: 'xuat.khi.cho', password: PASSWORD,
      full_name: 'Công dân Chờ', email: 'xuat.khi.cho@example.vn', phone: '0912345678', id_number: '038195006666' } }),
      202, 'registering a citizen');
    const token = await s.login('xuat.khi.cho', PASSWORD);
    const res = await fetch(`${s.base}/api/v1/personal/export`, { headers: { Authorization: `Bearer ${token}` } });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, `the export while the provider hangs: ${body.toString().slice(0, 200)}`);
    assert.equal(body[0], 0x1f, 'a gzip archive');
    assert.equal(body[1], 0x8b, 'a gzip archive');
  } finally {
    // the provider goes away: what waits on it fails at once
    await new Promise((r) => { hole.close(r); for (const c of sockets) c.destroy(); });
    const answers = await Promise.all(starts);
    await stopServer(s);
    for (const r of answers) {
      assert.ok(r.status === 503 || r.status === 429, `a start answered ${r.status}`);
      assertProblem(r, r.status, r.status === 503 ? 'identity-provider-unavailable' : 'overloaded');
    }
    assert.ok(answers.some((r) => r.status === 429), 'the provider\'s pool was full');
  }
});

test('off by default: no button, and the routes answer 404 identity-provider-off', async () => {
  const plain = await startServer({ demo: false });
  try {
    const st = await plain.api('GET', '/api/v1/session/oidc/status');
    assert.deepEqual(st.body, { enabled: false });
    assertProblem(await plain.api('GET', '/api/v1/session/oidc'), 404, 'identity-provider-off');
    assertProblem(await plain.api('GET', '/api/v1/session/oidc/callback?code=x&state=y'), 404, 'identity-provider-off');
  } finally {
    await stopServer(plain);
  }
});

test('serve refuses an issuer without a client id or secret, before it touches the database', () => {
  for (const missing of ['MOTCUA_OIDC_CLIENT_ID', 'MOTCUA_OIDC_CLIENT_SECRET']) {
    const env = serverEnv({ ...oidcEnv(1, 1), [missing]: undefined });
    const r = spawnSync(BIN, ['serve', '--db', join(tmpdir(), 'khong-co-motcua.db'), '--listen', '127.0.0.1:0'], { env, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /oidc_issuer is set but oidc_client_id or oidc_client_secret is not/);
  }
  const bad = spawnSync(BIN, ['serve', '--db', join(tmpdir(), 'khong-co-motcua.db'), '--listen', '127.0.0.1:0'],
    { env: serverEnv({ ...oidcEnv(1, 1), MOTCUA_OIDC_ISSUER: 'dinhdanh.example.vn' }), encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /oidc_issuer must be an https:\/\/ address/);
});
