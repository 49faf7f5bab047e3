// Fees paid online (level 4, docs/payments.md): the amount owed when a dossier
// goes to awaiting_payment, the signed request to the provider, the provider's
// callback (good, forged, mismatched, unknown, repeated, failed) and the
// in-process test provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer } from './harness.mjs';
import {
  stopServer, PROVINCE, APPLICANT, assertProblem, assertStatus, file, act, actOk, getDossier,
} from './helpers.mjs';

const SECRET = 'bi-mat-cua-bai-kiem-thu';
const PARTNER = 'MOTCUA';
// A level 4 procedure (business registration), run by the department that owns it.
const PROC = PROVINCE.procedures.find((p) => p.status === 'active' && p.online_level === 4 && p.owner);
const FEES = PROC.fees.reduce((sum, f) => sum + f.amount, 0);
const OWNER = PROC.owner; // Sở Kế hoạch và Đầu tư: the demo has no accounts there; the test makes them
const PW = 'mat-khau-kiem-thu-1';

let server;
const tok = {};

before(async () => {
  assert.ok(PROC, 'the demo province has a level 4 procedure at department level');
  server = await startServer({ dossiers: 5, env: { MOTCUA_PAYMENT_SECRET: SECRET } });
  for (const u of ['admin', 'congdan', 'tiepnhan']) tok[u] = await server.login(u);
  for (const [username, role] of [['tiepnhan.skhdt', 'desk'], ['chuyenvien.skhdt', 'specialist']]) {
    const res = await server.api('POST', '/api/v1/users', { token: tok.admin,
      body: { username, password: PW, full_name: `Cán bộ ${role}`, role, unit: OWNER } });
    assertStatus(res, 201, `user ${username}`);
    tok[username] = await server.login(username, PW);
  }
});

after(async () => {
  await stopServer(server);
});

// The check value of docs/payments.md, computed here independently of the server.
function check(fields, secret = SECRET) {
  return createHash('sha256').update(`${fields.join('|')}|${secret}`, 'utf8').digest('hex');
}

function callback({ reference, amount, transaction_no = 'VNPT0000001', result_code = '00',
  time = '20170315093000', partner_code = PARTNER, secret = SECRET } = {}) {
  const body = { partner_code, reference, amount, transaction_no, result_code, time };
  body.check_value = check([partner_code, reference, String(amount), transaction_no, result_code, time], secret);
  return body;
}

function postCallback(body) {
  return server.api('POST', '/api/v1/payments/callback', { body }); // no session: the provider calls it
}

// An online level 4 dossier of the citizen, taken to awaiting_payment.
async function awaitingPayment(extra = { amount: 500000 }) {
  const d = await file(server, tok.congdan, { channel: 'online', procedure_code: PROC.code });
  await actOk(server, tok['tiepnhan.skhdt'], d.code, 'receive');
  await actOk(server, tok['tiepnhan.skhdt'], d.code, 'assign', { handler: 'chuyenvien.skhdt' });
  const p = await actOk(server, tok['chuyenvien.skhdt'], d.code, 'request_payment',
    { note: 'Đề nghị nộp lệ phí', ...extra });
  assert.equal(p.state, 'awaiting_payment');
  return p;
}

function start(code, token = tok.congdan) {
  return server.api('POST', `/api/v1/dossiers/${code}/payments`, { token });
}

// The dossier and its payment are as they were.
async function assertUnchanged(before, what) {
  const now = await getDossier(server, tok.congdan, before.code);
  assert.equal(now.version, before.version, `${what}: version unchanged`);
  assert.equal(now.state, 'awaiting_payment', `${what}: still awaiting payment`);
  assert.equal(now.events.length, before.events.length, `${what}: no event`);
  assert.equal(now.payment.state, 'pending', `${what}: payment still pending`);
  assert.equal(now.amount_owed, before.amount_owed, `${what}: still owed`);
}

test('the officer states the amount; the applicant sees it owed', async () => {
  const p = await awaitingPayment();
  const d = await getDossier(server, tok.congdan, p.code);
  assert.equal(d.amount_owed, 500000);
  assert.equal(d.payment.amount, 500000);
  assert.equal(d.payment.currency, 'VND');
  assert.equal(d.payment.state, 'pending');
  assert.match(d.payment.reference, /^[0-9A-F]{24}$/);
  assert.equal(d.payment.dossier, p.code);
  // the applicant pays through the platform; settling it is not theirs to declare
  assert.deepEqual(d.actions.sort(), ['withdraw']);

  // without an amount the procedure's fees are owed
  const q = await awaitingPayment({});
  assert.equal((await getDossier(server, tok.congdan, q.code)).amount_owed, FEES);

  // the amount is a positive integer and goes with request_payment only
  const d2 = await file(server, tok.congdan, { channel: 'online', procedure_code: PROC.code });
  await actOk(server, tok['tiepnhan.skhdt'], d2.code, 'receive');
  assertProblem(await act(server, tok['tiepnhan.skhdt'], d2.code, 'assign', { amount: 1000 }), 422, 'invalid-field');
  await actOk(server, tok['tiepnhan.skhdt'], d2.code, 'assign', { handler: 'chuyenvien.skhdt' });
  for (const amount of [0, -5, 1.5, '500000']) {
    assertProblem(await act(server, tok['chuyenvien.skhdt'], d2.code, 'request_payment', { amount }), 422,
      'invalid-field', `amount ${amount}`);
  }
  const none = await getDossier(server, tok.congdan, d2.code);
  assert.equal(none.payment, null);
  assert.equal(none.amount_owed, null);
});

test('a good callback settles the payment, keeps the receipt and resumes the dossier', async () => {
  const p = await awaitingPayment();
  const res = await start(p.code);
  assertStatus(res, 200, 'start');
  const { reference, amount, redirect_url: redirect } = res.body;
  assert.equal(amount, 500000);
  assert.equal(res.body.state, 'pending');

  // the request to the provider is signed as docs/payments.md says
  const url = new URL(redirect);
  assert.equal(url.origin + url.pathname, 'http://127.0.0.1:8080/api/v1/payments/test-provider/pay');
  const q = Object.fromEntries(url.searchParams);
  assert.deepEqual(Object.keys(q), ['partner_code', 'reference', 'amount', 'order_info', 'return_url', 'time',
    'check_value']);
  assert.equal(q.partner_code, PARTNER);
  assert.equal(q.reference, reference);
  assert.equal(q.amount, '500000');
  assert.match(q.time, /^20\d{12}$/);
  assert.equal(q.return_url, `http://127.0.0.1:8080/ho-so-cua-toi/${p.code}`);
  assert.equal(q.check_value,
    check([q.partner_code, q.reference, q.amount, q.order_info, q.return_url, q.time]));

  // only the owner and the receiving desk start a payment
  assertProblem(await start(p.code, tok['chuyenvien.skhdt']), 403, 'forbidden', 'specialist');
  assertProblem(await start(p.code, tok.tiepnhan), 403, 'out-of-scope', 'another unit\'s desk');
  const desk = await start(p.code, tok['tiepnhan.skhdt']);
  assertStatus(desk, 200, 'the receiving desk, for a walk-in');
  assert.equal(desk.body.reference, reference, 'one payment pending at a time');
  assert.ok(new URL(desk.body.redirect_url).searchParams.get('return_url').endsWith(`/can-bo/ho-so/${p.code}`));

  const before = await getDossier(server, tok.congdan, p.code);
  const good = callback({ reference, amount });

  // forged: signed with another secret, or a field changed after signing
  assertProblem(await postCallback(callback({ reference, amount, secret: 'doan-mo' })), 403, 'bad-check-value');
  assertProblem(await postCallback({ ...good, amount: 5000 }), 403, 'bad-check-value', 'amount changed');
  assertProblem(await postCallback({ ...good, result_code: '00 ' }), 403, 'bad-check-value', 'a field changed');
  assertProblem(await postCallback({ ...good, check_value: good.check_value.toUpperCase() }), 403,
    'bad-check-value', 'upper-case hex');
  await assertUnchanged(before, 'forged');
  // well signed but wrong: the amount, the reference, the partner
  assertProblem(await postCallback(callback({ reference, amount: 50000 })), 409, 'amount-mismatch');
  assertProblem(await postCallback(callback({ reference: '0123456789ABCDEF01234567', amount })), 404,
    'unknown-payment');
  assertProblem(await postCallback(callback({ reference, amount, partner_code: 'OTHER' })), 422, 'invalid-field');
  assertProblem(await postCallback(callback({ reference, amount, time: '2017-03-15 09:30' })), 422,
    'invalid-field');
  const { check_value: _, ...unsigned } = good;
  assertProblem(await postCallback(unsigned), 422, 'missing-field');
  await assertUnchanged(before, 'mismatched');

  const ok = await postCallback(good);
  assertStatus(ok, 200, 'good callback');
  assert.equal(ok.body.state, 'paid');
  assert.equal(ok.body.repeat, false);
  assert.equal(ok.body.transaction_no, 'VNPT0000001');

  const after = await getDossier(server, tok.congdan, p.code);
  assert.equal(after.state, 'processing', 'back where it paused');
  assert.equal(after.paused_at, null);
  assert.equal(after.amount_owed, null);
  assert.equal(after.payment.state, 'paid');
  assert.ok(after.payment.paid_at);
  assert.equal(after.payment.provider, 'test');
  assert.deepEqual(after.payment.receipt, good, 'the callback is the receipt');
  const ev = after.events.at(-1);
  assert.equal(ev.action, 'pay');
  assert.equal(ev.from, 'awaiting_payment');
  assert.match(ev.actor, /^Cổng thanh toán/);
  assert.equal(after.version, before.version + 1);

  // the provider repeats its callback: the same answer, nothing changes twice
  for (let i = 0; i < 2; i++) {
    const again = await postCallback(good);
    assertStatus(again, 200, 'repeated callback');
    assert.equal(again.body.state, 'paid');
    assert.equal(again.body.repeat, true);
  }
  const still = await getDossier(server, tok.congdan, p.code);
  assert.equal(still.version, after.version);
  assert.equal(still.events.length, after.events.length);
  // another transaction for a paid reference, or a late failure: refused
  assertProblem(await postCallback(callback({ reference, amount, transaction_no: 'VNPT0000002' })), 409,
    'payment-closed');
  assertProblem(await postCallback(callback({ reference, amount, result_code: '24' })), 409, 'payment-closed');
  assertProblem(await start(p.code), 409, 'forbidden-transition', 'nothing to pay now');
});

test('a failed payment leaves the dossier waiting; the applicant pays again through the test provider', async () => {
  const p = await awaitingPayment({ amount: 120000 });
  const first = (await start(p.code)).body;
  const failed = await postCallback(callback({ reference: first.reference, amount: 120000, result_code: '24' }));
  assertStatus(failed, 200, 'failure result');
  assert.equal(failed.body.state, 'failed');
  let d = await getDossier(server, tok.congdan, p.code);
  assert.equal(d.state, 'awaiting_payment');
  assert.equal(d.payment.state, 'failed');
  assert.equal(d.amount_owed, 120000, 'still owed');
  assert.ok(d.paused_at, 'the clock stays paused');
  assert.equal(d.version, p.version);
  const repeat = await postCallback(callback({ reference: first.reference, amount: 120000, result_code: '24' }));
  assert.equal(repeat.body.repeat, true);

  // a new attempt gets a new reference for the same amount
  const second = await start(p.code);
  assertStatus(second, 201, 'a new attempt');
  assert.notEqual(second.body.reference, first.reference);
  assert.equal(second.body.amount, 120000);

  // the test provider shows the signed request and settles it when "paid"
  const url = new URL(second.body.redirect_url);
  const page = await server.api('GET', url.pathname + url.search);
  assertStatus(page, 200, 'test provider page');
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.ok(page.text.includes(second.body.reference) && page.text.includes('120000'));
  const tampered = new URLSearchParams(url.search);
  tampered.set('amount', '1');
  assertProblem(await server.api('GET', `${url.pathname}?${tampered}`), 403, 'bad-check-value');

  const form = new URLSearchParams(url.search);
  form.set('result_code', '00');
  const paid = await fetch(server.base + url.pathname, {
    method: 'POST', redirect: 'manual', body: form.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(paid.status, 303, await paid.text());
  assert.equal(paid.headers.get('location'), `http://127.0.0.1:8080/ho-so-cua-toi/${p.code}`);
  d = await getDossier(server, tok.congdan, p.code);
  assert.equal(d.state, 'processing');
  assert.equal(d.payment.reference, second.body.reference);
  assert.equal(d.payment.state, 'paid');
  assert.match(d.payment.transaction_no, /^TEST/);
  assert.equal(d.payment.receipt.check_value,
    check([PARTNER, d.payment.reference, '120000', d.payment.transaction_no, '00', d.payment.receipt.time]));
});

test('a payment recorded by hand or a withdrawal closes the online payment', async () => {
  const p = await awaitingPayment({ amount: 70000 });
  const { reference } = (await start(p.code)).body;
  // a note as long as the action allows (1000 letters of 3 bytes) goes whole into the receipt:
  // the receipt holds what it is given, it is neither refused nor cut
  const note = `Đã nộp tiền mặt tại quầy ${'ệ'.repeat(975)}`;
  const paid = await actOk(server, tok['tiepnhan.skhdt'], p.code, 'pay', { note });
  assert.equal(paid.state, 'processing');
  let d = await getDossier(server, tok.congdan, p.code);
  assert.equal(d.payment.state, 'paid');
  assert.equal(d.payment.provider, 'manual');
  assert.equal(d.payment.receipt.note, note);
  assertProblem(await postCallback(callback({ reference, amount: 70000 })), 409, 'payment-closed',
    'the provider confirms after the desk took the money');

  const w = await awaitingPayment({ amount: 80000 });
  const ref2 = (await start(w.code)).body.reference;
  await actOk(server, tok.congdan, w.code, 'withdraw', { note: 'Không tiếp tục' });
  d = await getDossier(server, tok.congdan, w.code);
  assert.equal(d.payment.state, 'cancelled');
  assertProblem(await postCallback(callback({ reference: ref2, amount: 80000 })), 409, 'payment-closed');
  assertProblem(await start(w.code), 409, 'forbidden-transition');
});

test('the applicant of another dossier cannot start its payment', async () => {
  const d = await file(server, tok['tiepnhan.skhdt'], { channel: 'direct', procedure_code: PROC.code,
    applicant: APPLICANT });
  await actOk(server, tok['tiepnhan.skhdt'], d.code, 'assign', { handler: 'chuyenvien.skhdt' });
  await actOk(server, tok['chuyenvien.skhdt'], d.code, 'request_payment', { amount: 30000 });
  assertProblem(await start(d.code), 404, 'not-found', 'not the citizen\'s dossier');
  assertStatus(await start(d.code, tok['tiepnhan.skhdt']), 200, 'the desk for the walk-in applicant');
});
