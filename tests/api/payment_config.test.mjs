// Online payment is off unless configured (docs/payments.md §4): a server with
// the default settings takes no fee online and runs no test provider, so a
// fake "paid" confirmation pays nothing; the in-process test provider, which
// takes no money, runs only when switched on and says so loudly; a server that
// cannot sign payments properly does not start.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer, freshDatabase, dropDatabase, serverEnv } from './harness.mjs';
import { stopServer, APPLICANT, assertProblem, assertStatus, file, act, actOk, getDossier } from './helpers.mjs';

const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
// The defaults of a production server: no payment setting at all.
const DEFAULTS = { MOTCUA_PAYMENT_TEST_PROVIDER: undefined, MOTCUA_PAYMENT_SECRET: undefined,
  MOTCUA_PAYMENT_URL: undefined };
// How long a server that should refuse to start is given before the test
// stops it and fails; it refuses at once.
const GUARD_MS = 20000;

const servers = [];
after(async () => {
  for (const s of servers) await stopServer(s);
});

// The signed callback a provider holding secret would send.
function callback(reference, amount, secret) {
  const body = { partner_code: 'MOTCUA', reference, amount, transaction_no: 'GIA0000001', result_code: '00',
    time: '20170315093000' };
  const fields = [body.partner_code, reference, String(amount), body.transaction_no, body.result_code, body.time];
  body.check_value = createHash('sha256').update(`${fields.join('|')}|${secret}`, 'utf8').digest('hex');
  return body;
}

// A walk-in dossier of the district, taken to awaiting_payment for amount VND.
async function awaitingPayment(server, tok, amount) {
  const d = await file(server, tok.tiepnhan, { applicant: { ...APPLICANT, email: '', phone: '' } });
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  const p = await actOk(server, tok.chuyenvien, d.code, 'request_payment', { amount });
  assert.equal(p.state, 'awaiting_payment');
  return getDossier(server, tok.tiepnhan, d.code);
}

test('default settings: no online payment, no test provider; a fake "paid" pays nothing', async () => {
  const server = await startServer({ dossiers: 0, env: DEFAULTS });
  servers.push(server);
  const tok = { tiepnhan: await server.login('tiepnhan'), chuyenvien: await server.login('chuyenvien') };
  const before = await awaitingPayment(server, tok, 150000);
  assert.equal(before.payment.state, 'pending');
  assert.equal(before.amount_owed, 150000);

  // Starting an online payment: refused, with no redirect to any provider.
  const start = await server.api('POST', `/api/v1/dossiers/${before.code}/payments`, { token: tok.tiepnhan });
  assertProblem(start, 409, 'payment-not-configured', 'start');
  assert.match(start.body.detail, /online payment is not configured/);

  // What paid for free before: the test provider's form with result 00, for
  // the pending payment, and a confirmation signed with some secret.
  const { reference } = before.payment;
  const form = new URLSearchParams({ partner_code: 'MOTCUA', reference, amount: '150000', order_info: 'x',
    return_url: `${server.base}/ho-so-cua-toi/${before.code}`, time: '20170315093000', check_value: '0'.repeat(64),
    result_code: '00' });
  const page = await server.api('GET', `/api/v1/payments/test-provider/pay?${form}`);
  assertProblem(page, 404, 'not-found', 'the test provider page');
  const pay = await server.api('POST', '/api/v1/payments/test-provider/pay', { raw: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertProblem(pay, 404, 'not-found', 'the test provider\'s pay');
  for (const secret of ['', 'doan-mo']) {
    assertProblem(await server.api('POST', '/api/v1/payments/callback', { body: callback(reference, 150000, secret) }),
      409, 'payment-not-configured', `a confirmation signed with "${secret}"`);
  }

  const now = await getDossier(server, tok.tiepnhan, before.code);
  assert.equal(now.state, 'awaiting_payment', 'nothing paid: still awaiting payment');
  assert.equal(now.payment.state, 'pending');
  assert.equal(now.amount_owed, 150000);
  assert.equal(now.version, before.version);
  assert.equal(now.events.length, before.events.length);

  // The fee is settled at the desk instead.
  const desk = await act(server, tok.tiepnhan, before.code, 'pay', { note: 'Nộp tiền mặt tại quầy' });
  assertStatus(desk, 200, 'the desk records the payment');
  const paid = await getDossier(server, tok.tiepnhan, before.code);
  assert.equal(paid.payment.state, 'paid');
  assert.equal(paid.payment.provider, 'manual');

  // Said at start, and visible to monitoring.
  assert.match(server.stderr(), /online payment is not configured/);
  assert.doesNotMatch(server.stderr(), /test payment provider|TEST payment provider/);
  const health = await server.api('GET', '/healthz');
  assert.equal(health.body.payment, 'off');
  const metrics = await server.api('GET', '/metrics');
  assert.match(metrics.text, /^motcua_payment_test_provider 0$/m);
});

test('the test provider runs only when switched on, and says so loudly', async () => {
  // On SQLite without a secret (made up for the run); on PostgreSQL with one.
  const env = PG ? { MOTCUA_PAYMENT_TEST_PROVIDER: 'true' }
    : { MOTCUA_PAYMENT_TEST_PROVIDER: 'true', MOTCUA_PAYMENT_SECRET: undefined };
  const server = await startServer({ dossiers: 0, env });
  servers.push(server);
  assert.match(server.stderr(), /WARNING: payment_test_provider is on: the TEST payment provider at \S+ takes no money/);
  assert.match(server.stderr(), /never in production/);
  if (!PG) assert.match(server.stderr(), /payment_secret is not set: made up one for this run/);
  const health = await server.api('GET', '/healthz');
  assertStatus(health, 200);
  assert.equal(health.body.payment, 'test-provider');
  const metrics = await server.api('GET', '/metrics');
  assert.match(metrics.text, /^motcua_payment_test_provider 1$/m);

  const tok = { tiepnhan: await server.login('tiepnhan'), chuyenvien: await server.login('chuyenvien') };
  const d = await awaitingPayment(server, tok, 90000);
  const start = await server.api('POST', `/api/v1/dossiers/${d.code}/payments`, { token: tok.tiepnhan });
  assertStatus(start, 200, 'start');
  assert.match(start.body.redirect_url, /\/api\/v1\/payments\/test-provider\/pay\?/);
});

// Runs `motcua serve` on a new database with env over the defaults; returns
// { status, stderr } once it exits, or status null if it was still running
// after GUARD_MS (then it is killed).
function serveOnce(env) {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-paycfg-'));
  const db = freshDatabase(dir);
  try {
    execFileSync(BIN, ['init', '--db', db], { env: serverEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    const r = spawnSync(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--workers', '1'],
      { env: serverEnv({ ...DEFAULTS, ...env }), encoding: 'utf8', timeout: GUARD_MS, killSignal: 'SIGKILL' });
    return { status: r.status, stderr: r.stderr, stdout: r.stdout };
  } finally {
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('PostgreSQL: the test provider without a shared secret does not start', { skip: PG ? false : 'PostgreSQL only' }, () => {
  const r = serveOnce({ MOTCUA_PAYMENT_TEST_PROVIDER: 'true' });
  assert.equal(r.status, 2, `refuses to start: ${r.stderr}`);
  assert.match(r.stderr, /payment_secret is not set: on PostgreSQL every server of the database must sign with the same secret/);
  assert.doesNotMatch(r.stdout, /listening on/);
});

test('a real provider without its secret, or together with the test provider, does not start', () => {
  let r = serveOnce({ MOTCUA_PAYMENT_URL: 'https://thanhtoan.example.vn/pay' });
  assert.equal(r.status, 2, `no secret: ${r.stderr}`);
  assert.match(r.stderr, /payment_url is set but payment_secret is not/);
  r = serveOnce({ MOTCUA_PAYMENT_URL: 'https://thanhtoan.example.vn/pay', MOTCUA_PAYMENT_SECRET: 'bi-mat',
    MOTCUA_PAYMENT_TEST_PROVIDER: 'true' });
  assert.equal(r.status, 2, `both: ${r.stderr}`);
  assert.match(r.stderr, /payment_url and payment_test_provider are both set/);
});
