// Password recovery (docs/operations.md, "Accounts"): a one-time code sent by
// SMS or e-mail through the outbox (here to a small SMS gateway and SMTP sink
// on loopback), then a new password. The answer never tells whether an
// account exists; codes are single-use, expire, die after 5 wrong tries; and
// requests are limited per username and per client address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, freePort, PASSWORD } from './harness.mjs';
import { smtpSink } from './smtp_sink.mjs';
import { stopServer, assertProblem, assertStatus } from './helpers.mjs';

let server;
let gateway;
let smtp;
const sms = [];

async function waitFor(what, check, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A statement run behind the server's back, on either backend: how a test
// moves a code's clock instead of waiting for it.
function sqlExec(db, statement) {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const dir = process.env.MOTCUA_PG_BINDIR;
    execFileSync(dir ? join(dir, 'psql') : 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.split('?')[0], '-c', statement]);
  } else {
    execFileSync('sqlite3', [db, statement]);
  }
}

function sqlCount(db, query) {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const dir = process.env.MOTCUA_PG_BINDIR;
    return Number(execFileSync(dir ? join(dir, 'psql') : 'psql', ['-X', '-A', '-t', '-d', db.split('?')[0], '-c', query], { encoding: 'utf8' }).trim());
  }
  return Number(execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim());
}

// The next SMS to `to` after `seen` messages, and its code.
async function codeFor(to, seen) {
  const m = await waitFor(`an SMS to ${to}`, () => sms.slice(seen).find((x) => x.to === to));
  const code = /\b(\d{6})\b/.exec(m.text);
  assert.ok(code, `a code in "${m.text}"`);
  return code[1];
}

const ask = (body, headers) => server.api('POST', '/api/v1/recovery', { body, headers });
const confirm = (body) => server.api('POST', '/api/v1/recovery/confirm', { body });

async function makeCitizen(username, extra = {}) {
  const admin = await server.login('admin');
  const res = await server.api('POST', '/api/v1/users', { token: admin, body: { username, password: PASSWORD,
    full_name: 'Công Dân Quên Mật Khẩu', role: 'citizen', ...extra } });
  assertStatus(res, 201, `make ${username}`);
}

before(async () => {
  gateway = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      sms.push(JSON.parse(body));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"accepted"}');
    });
  });
  const smsPort = await freePort();
  await new Promise((r) => gateway.listen(smsPort, '127.0.0.1', r));
  smtp = smtpSink();
  const smtpPort = await freePort();
  await new Promise((r) => smtp.server.listen(smtpPort, '127.0.0.1', r));
  server = await startServer({ dossiers: 1, env: {
    MOTCUA_SMS_URL: `http://127.0.0.1:${smsPort}/sms`,
    MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MOTCUA_MAIL_FROM: 'motcua@example.vn',
    MOTCUA_NOTIFY_INTERVAL: '1',
    MOTCUA_RECOVERY_ADDRESS_MAX: '1000',
  } });
});

after(async () => {
  await stopServer(server);
  gateway.close();
  smtp.server.close();
});

test('a code by SMS sets a new password once, and ends the old sessions', async () => {
  await makeCitizen('cd.quen', { phone: '0987000111' });
  const old = await server.login('cd.quen');
  const seen = sms.length;
  const res = await ask({ username: 'cd.quen', channel: 'sms' });
  assertStatus(res, 202);
  assert.deepEqual(res.body, { status: 'accepted' });
  const code = await codeFor('0987000111', seen);
  assert.equal(sqlCount(server.db, `SELECT count(*) FROM recovery_code WHERE code_hash LIKE '%${code}%'`), 0, 'the code is stored hashed');
  assertStatus(await confirm({ username: 'cd.quen', code, password: 'mat-khau-moi-cua-toi' }), 204);
  assertProblem(await server.api('GET', '/api/v1/session', { token: old }), 401, 'unauthenticated');
  await server.login('cd.quen', 'mat-khau-moi-cua-toi');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cd.quen', password: PASSWORD } }), 401, 'bad-credentials');
  // used once: the same code again is refused and changes nothing
  const again = await confirm({ username: 'cd.quen', code, password: 'mat-khau-thu-ba-nhe' });
  assertProblem(again, 400, 'invalid-code');
  assert.equal(again.body.field, 'code');
  await server.login('cd.quen', 'mat-khau-moi-cua-toi');
});

test('by e-mail when the account has an address', async () => {
  await makeCitizen('cd.thu', { email: 'cd.thu@example.vn', phone: '0987000222' });
  assertStatus(await ask({ username: 'cd.thu' }), 202);
  const mail = await waitFor('the e-mail', () => smtp.mails.find((m) => m.to.some((t) => t.includes('cd.thu@example.vn'))));
  const code = /\b(\d{6})\b/.exec(mail.data.split('\r\n\r\n').slice(1).join('\n'));
  assert.ok(code, 'the code is in the mail');
  assertStatus(await confirm({ username: 'cd.thu', code: code[1], password: 'mat-khau-qua-thu' }), 204);
});

test('an unknown account, a locked one, one without the contact: the same answer, nothing sent', async () => {
  await makeCitizen('cd.khong.sdt', { email: 'khongsdt@example.vn' });
  await makeCitizen('cd.bi.khoa', { phone: '0987000999' });
  const admin = await server.login('admin');
  assertStatus(await server.api('PATCH', '/api/v1/users/cd.bi.khoa', { token: admin, body: { active: false } }), 200);
  const outbox = sqlCount(server.db, 'SELECT count(*) FROM outbox');
  assertStatus(await ask({ username: 'cd.bi.khoa', channel: 'sms' }), 202, 'a locked account');
  const known = await ask({ username: 'cd.khong.sdt', channel: 'sms' });
  const unknown = await ask({ username: 'khong.co.ai.ten.nay', channel: 'sms' });
  assert.equal(known.status, 202);
  assert.equal(unknown.status, 202);
  assert.deepEqual(known.body, unknown.body);
  assert.equal(sqlCount(server.db, 'SELECT count(*) FROM outbox'), outbox, 'no message queued');
  // confirming for an unknown account reads as a wrong code
  assertProblem(await confirm({ username: 'khong.co.ai.ten.nay', code: '123456', password: 'mat-khau-bat-ky' }), 400, 'invalid-code');
});

test('wrong codes: the fifth kills the code, the right one then fails too', async () => {
  await makeCitizen('cd.doan', { phone: '0987000333' });
  const seen = sms.length;
  assertStatus(await ask({ username: 'cd.doan', channel: 'sms' }), 202);
  const code = await codeFor('0987000333', seen);
  const wrong = code === '000000' ? '000001' : '000000';
  for (let i = 0; i < 5; i++) assertProblem(await confirm({ username: 'cd.doan', code: wrong, password: 'mat-khau-doan-mo' }), 400, 'invalid-code');
  assertProblem(await confirm({ username: 'cd.doan', code, password: 'mat-khau-doan-mo' }), 400, 'invalid-code');
  await server.login('cd.doan');
});

test('an expired code is refused', async () => {
  await makeCitizen('cd.het.han', { phone: '0987000444' });
  const seen = sms.length;
  assertStatus(await ask({ username: 'cd.het.han', channel: 'sms' }), 202);
  const code = await codeFor('0987000444', seen);
  // 15 minutes pass
  sqlExec(server.db, "UPDATE recovery_code SET expires_at = expires_at - 900 WHERE user_id = (SELECT id FROM app_user WHERE username = 'cd.het.han')");
  assertProblem(await confirm({ username: 'cd.het.han', code, password: 'mat-khau-qua-han' }), 400, 'invalid-code');
  await server.login('cd.het.han');
});

test('a new request replaces the code', async () => {
  await makeCitizen('cd.hai.lan', { phone: '0987000555' });
  let seen = sms.length;
  assertStatus(await ask({ username: 'cd.hai.lan', channel: 'sms' }), 202);
  const first = await codeFor('0987000555', seen);
  seen = sms.length;
  assertStatus(await ask({ username: 'cd.hai.lan', channel: 'sms' }), 202);
  const second = await codeFor('0987000555', seen);
  if (first !== second) assertProblem(await confirm({ username: 'cd.hai.lan', code: first, password: 'mat-khau-lan-hai' }), 400, 'invalid-code');
  assertStatus(await confirm({ username: 'cd.hai.lan', code: second, password: 'mat-khau-lan-hai' }), 204);
});

test('a flood of requests for one name is refused after 3, whether or not the account exists', async () => {
  for (const name of ['congdan', 'ten.khong.ton.tai']) {
    for (let i = 0; i < 3; i++) assertStatus(await ask({ username: name, channel: 'sms' }), 202, `${name} #${i + 1}`);
    const res = await ask({ username: name, channel: 'sms' });
    assertProblem(res, 429, 'too-many-attempts', name);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(res.body.retry_after, Number(res.headers.get('retry-after')));
  }
});

test('malformed and huge requests are refused', async () => {
  assertProblem(await ask({}), 422, 'missing-field');
  assertProblem(await ask({ username: 'congdan', channel: 'fax' }), 422, 'invalid-field');
  assertProblem(await ask({ username: 42 }), 422, 'invalid-field');
  assertProblem(await server.api('POST', '/api/v1/recovery', { body: '{"username":' }), 400, 'malformed-json');
  assertProblem(await server.api('POST', '/api/v1/recovery', { body: 'username=x', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported-media-type');
  assertProblem(await ask({ username: 'x'.repeat(2 << 20) }), 413, 'body-too-large');
  assertProblem(await ask({ username: 'x'.repeat(500) }), 422, 'invalid-field');
  assertProblem(await confirm({ username: 'congdan', code: '123456' }), 422, 'missing-field');
  assertProblem(await confirm({ username: 'congdan', code: '123456', password: 'ngan' }), 422, 'invalid-field');
  assertProblem(await confirm({ username: 'congdan', code: '1'.repeat(100), password: 'mat-khau-du-dai' }), 422, 'invalid-field');
});

test('requests from one address are limited whatever the names', async () => {
  const small = await startServer({ demo: true, dossiers: 1, env: { MOTCUA_RECOVERY_ADDRESS_MAX: '3' } });
  try {
    for (let i = 0; i < 3; i++) assertStatus(await small.api('POST', '/api/v1/recovery', { body: { username: `ten.${i}` } }), 202);
    assertProblem(await small.api('POST', '/api/v1/recovery', { body: { username: 'ten.khac' } }), 429, 'too-many-attempts');
  } finally {
    await stopServer(small);
  }
});

test('an IPv6 client counts as its /64 for the address limit: other addresses in it are no way round', async () => {
  const small = await startServer({ demo: true, dossiers: 1, env: { MOTCUA_RECOVERY_ADDRESS_MAX: '3' } });
  try {
    // through the proxy on 127.0.0.1 (trusted by default), which names the client
    const from = (addr) => ({ 'X-Forwarded-For': addr });
    for (let i = 0; i < 3; i++) {
      assertStatus(await small.api('POST', '/api/v1/recovery', { body: { username: `ten6.${i}` }, headers: from(`2001:db8:5:1::${i + 1}`) }), 202);
    }
    assertProblem(await small.api('POST', '/api/v1/recovery', { body: { username: 'ten6.khac' }, headers: from('2001:db8:5:1:abcd::7') }),
      429, 'too-many-attempts', 'another address of the same /64');
    assertStatus(await small.api('POST', '/api/v1/recovery', { body: { username: 'ten6.khac' }, headers: from('2001:db8:5:2::1') }),
      202, 'the next /64 is another client');
  } finally {
    await stopServer(small);
  }
});
