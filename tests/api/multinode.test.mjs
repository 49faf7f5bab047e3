// Several `motcua serve` processes on one PostgreSQL database behave as one
// system (docs/scaling.md §1): codes unique and gap-free per unit and day,
// concurrent actions on a dossier resolved by version, statistics the same
// from every node, and every message delivered exactly once. PostgreSQL only:
// runs when MOTCUA_TEST_DB_URL_BASE names a server (scripts/pg.sh), skipped
// otherwise. Then an administrator's edits on one node (a holiday, a unit's
// office hours) reach the due times the other nodes give within seconds; the
// provider's confirmation of a payment sent to every node at once is taken once
// and answered as taken everywhere; and a citizen's filing limit holds when the
// requests go to different nodes; a failed payment tried again through every node
// at once makes one new attempt. A draft's attachments detached and its versions
// and attachments uploaded on every node at once leave its event log one
// unbroken chain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, freePort, freshDatabase, dropDatabase } from './harness.mjs';
import { smtpSink } from './smtp_sink.mjs';
import { initDemo, serve } from './serve.mjs';
import { DISTRICT, APPLICANT, act, assertProblem, assertStatus, districtProcedure, duePreview } from './helpers.mjs';

const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
const skip = PG ? false : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)';
const NODES = 3;
const PAYMENT_SECRET = 'bi-mat-chung-cua-cac-may-chu';

let dir;
let db;
let smtp;
const nodes = [];
const tok = []; // per node: { tiepnhan, lanhdao }

before(async () => {
  if (!PG) return;
  smtp = smtpSink();
  const smtpPort = await freePort();
  await new Promise((r) => smtp.server.listen(smtpPort, '127.0.0.1', r));
  dir = mkdtempSync(join(tmpdir(), 'motcua-multinode-'));
  db = freshDatabase(dir);
  initDemo(db);
  // the last test files as one citizen on every node at once against this limit
  const env = { MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MOTCUA_NOTIFY_INTERVAL: '1',
    MOTCUA_FILING_ACCOUNT_PER_HOUR: '5', MOTCUA_PAYMENT_SECRET: PAYMENT_SECRET };
  for (let i = 0; i < NODES; i++) nodes.push(await serve(db, { env }));
  for (const n of nodes) tok.push({ tiepnhan: await n.login('tiepnhan'), lanhdao: await n.login('lanhdao') });
});

after(async () => {
  if (!PG) return;
  for (const n of nodes) {
    const code = await n.stop();
    assert.ok(!/Sanitizer|runtime error:/.test(n.stderr()), `sanitizer report:\n${n.stderr().slice(0, 4000)}`);
    assert.equal(code, 0, `a node exited with ${code}:\n${n.stderr().slice(-2000)}`);
  }
  smtp.server.close();
  dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

// Files a dossier through node i with an e-mail address of its own.
async function fileOn(i, email) {
  const body = { procedure_code: districtProcedure().code, channel: 'direct',
    applicant: { ...APPLICANT, phone: '', email }, documents: [{ name: 'Tờ khai', originals: 1 }] };
  const res = await nodes[i % NODES].api('POST', '/api/v1/dossiers', { token: tok[i % NODES].tiepnhan, body });
  assertStatus(res, 201, `filing on node ${i % NODES}`);
  return res.body;
}

const filed = [];

test('filings spread over the nodes: codes unique and gap-free for the unit and day', { skip }, async () => {
  const N = 60;
  const got = await Promise.all(Array.from({ length: N }, (_, i) => fileOn(i, `a${i}@example.vn`)));
  filed.push(...got);
  const codes = got.map((d) => d.code);
  assert.equal(new Set(codes).size, N, 'codes are unique');
  const byDay = new Map();
  for (const c of codes) {
    const m = /^(.*)-(\d{6})-(\d{4})$/.exec(c);
    assert.ok(m, `a dossier code: ${c}`);
    assert.equal(m[1], DISTRICT);
    if (!byDay.has(m[2])) byDay.set(m[2], []);
    byDay.get(m[2]).push(Number(m[3]));
  }
  // the database holds no other dossier of the unit: each day numbers 1..n
  for (const [day, seqs] of byDay) {
    seqs.sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, k) => k + 1), `day ${day}: ${seqs}`);
  }
});

test('two officers on different nodes with the same If-Match: exactly one wins', { skip }, async () => {
  for (let round = 0; round < 6; round++) {
    filed.push(await fileOn(round, `b${round}@example.vn`));
    const x = round % NODES;
    const got = await nodes[x].api('GET', `/api/v1/dossiers/${filed.at(-1).code}`, { token: tok[x].tiepnhan });
    assertStatus(got, 200, 'GET the new dossier');
    const d = got.body;
    const y = (round + 1) % NODES;
    const [a, b] = await Promise.all([
      act(nodes[x], tok[x].tiepnhan, d.code, 'assign', {}, { 'If-Match': `"${d.version}"` }),
      act(nodes[y], tok[y].lanhdao, d.code, 'stop', { note: 'Dừng giải quyết' }, { 'If-Match': `"${d.version}"` }),
    ]);
    assert.equal([a, b].filter((r) => r.status === 200).length, 1,
      `round ${round}: ${a.status} ${a.text} / ${b.status} ${b.text}`);
    const loser = a.status === 200 ? b : a;
    assert.ok(loser.status === 412 || loser.status === 409, `loser ${loser.status} ${loser.text}`);
    if (loser.status === 412) assertProblem(loser, 412, 'precondition-failed');
    const winner = a.status === 200 ? a.body : b.body;
    for (let i = 0; i < NODES; i++) {
      const now = await nodes[i].api('GET', `/api/v1/dossiers/${d.code}`, { token: tok[i].tiepnhan });
      assertStatus(now, 200, `GET ${d.code} on node ${i}`);
      assert.equal(now.body.version, d.version + 1, 'the version moved once');
      assert.equal(now.body.state, winner.state);
      assert.equal(now.body.events.length, d.events.length + 1, 'one event added');
    }
  }
});

test('statistics are the same from every node', { skip }, async () => {
  const year = new Date().getFullYear();
  const query = `from=${year - 1}-01-01&to=${year + 2}-01-01`;
  const all = [];
  for (let i = 0; i < NODES; i++) {
    const res = await nodes[i].api('GET', `/api/v1/stats?${query}`, { token: tok[i].lanhdao });
    assertStatus(res, 200, `stats on node ${i}`);
    // when each node answered is its own: the figures are compared
    const { evaluated_at: at, ...figures } = res.body;
    assert.ok(at, `stats on node ${i} say when they were evaluated`);
    all.push(figures);
  }
  assert.ok(JSON.stringify(all[0]).length > 2);
  for (let i = 1; i < NODES; i++) assert.deepEqual(all[i], all[0], `node ${i} agrees with node 0`);
});

test('every message is delivered exactly once, whichever node delivers it', { skip }, async () => {
  // more filings, all at once, so that the nodes' delivery passes overlap
  const more = await Promise.all(Array.from({ length: 30 }, (_, i) => fileOn(i, `c${i}@example.vn`)));
  filed.push(...more);
  const count = (code) => smtp.mails.filter((m) => m.data.includes(`/tra-cuu/${code}`)).length;
  const until = Date.now() + 30000;
  while (Date.now() < until && !filed.every((d) => count(d.code) >= 1)) await new Promise((r) => setTimeout(r, 200));
  const missing = filed.filter((d) => count(d.code) === 0).map((d) => d.code);
  assert.deepEqual(missing, [], 'every reception e-mail arrived');
  // let every node run a few more passes: nothing more may be sent
  await new Promise((r) => setTimeout(r, 3000));
  const twice = filed.filter((d) => count(d.code) !== 1).map((d) => `${d.code}×${count(d.code)}`);
  assert.deepEqual(twice, [], 'no reception e-mail was sent twice');
  assert.equal(smtp.mails.length, filed.length, 'one message per filing, nothing else');
});

// ---- edits of the time rules ------------------------------------------------

// Files a dossier through node i without e-mail (the mail test is over).
async function fileQuiet(i) {
  const body = { procedure_code: districtProcedure().code, channel: 'direct',
    applicant: { ...APPLICANT, phone: '' }, documents: [{ name: 'Tờ khai', originals: 1 }] };
  const res = await nodes[i].api('POST', '/api/v1/dossiers', { token: tok[i].tiepnhan, body });
  assertStatus(res, 201, `filing on node ${i}`);
  return res.body;
}

// The due time node n's rules give a dossier: the preview from its reception
// for its duration at its receiving unit, which is what filing computes.
async function dueOn(n, d) {
  const cutoff = districtProcedure().cutoff;
  const p = await duePreview(n, { from: d.received_at, hours: d.duration_hours, unit: d.receiving_unit.code,
    ...(cutoff ? { cutoff } : {}) });
  return p.due;
}

// Files through node b until the due time it gives is the one node a, which
// made the edit, computes for the same reception; fails after 10 s. Returns
// that dossier and how long it took.
async function convergedOn(b, a) {
  const started = Date.now();
  for (;;) {
    const d = await fileQuiet(b);
    const want = await dueOn(nodes[a], d);
    if (d.due_at === want) return { d, ms: Date.now() - started };
    assert.ok(Date.now() - started < 10000,
      `node ${b} still gives ${d.due_at} for ${d.code} after 10 s; node ${a} gives ${want}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Waits until node n's preview for dossier d gives the due time want; fails after 10 s.
async function agrees(n, d, want) {
  const started = Date.now();
  let got;
  while ((got = await dueOn(nodes[n], d)) !== want) {
    assert.ok(Date.now() - started < 10000, `node ${n} still gives ${got} for ${d.code} after 10 s, not ${want}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a holiday added on one node moves the due times filed on the others', { skip }, async () => {
  const A = 0, B = 1;
  const admin = await nodes[A].login('admin');
  // the first working day after the one the clock of a filing now starts on
  const localNow = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);
  const first = (await duePreview(nodes[A], { from: localNow, hours: 0, unit: DISTRICT })).start.slice(0, 10);
  const next = (await duePreview(nodes[A], { from: `${first}T23:59`, hours: 0, unit: DISTRICT })).start.slice(0, 10);
  const before = await fileQuiet(B);
  assert.equal(await dueOn(nodes[B], before), before.due_at, 'the preview computes what filing does');
  assert.ok(before.due_at.slice(0, 10) >= next, `${before.due_at}: three working days reach ${next}`);

  const year = next.slice(0, 4);
  const cal = await nodes[A].api('GET', `/api/v1/calendar/${year}`);
  assertStatus(cal, 200, `calendar ${year}`);
  const days = [...cal.body.days.filter((x) => x.date !== next), { date: next, kind: 'holiday', name: 'Nghỉ lễ (kiểm thử)' }];
  const put = await nodes[A].api('PUT', `/api/v1/calendar/${year}`,
    { token: admin, body: { source: 'Kiểm thử nhiều máy chủ', days } });
  assertStatus(put, 200, `PUT calendar ${year} on node ${A}`);
  try {
    assert.notEqual(await dueOn(nodes[A], before), before.due_at, 'on the editing node, the holiday moves the due time');
    const { d, ms } = await convergedOn(B, A);
    assert.ok(d.due_at > before.due_at, `${d.due_at} is later than ${before.due_at}`);
    const seen = await nodes[B].api('GET', `/api/v1/calendar/${year}`);
    assertStatus(seen, 200);
    assert.ok(seen.body.days.some((x) => x.date === next && x.kind === 'holiday'), `node ${B} lists ${next} (after ${ms} ms)`);
    // and the third node too (its own check may come a moment later)
    await agrees(2, d, d.due_at);
  } finally {
    const undo = cal.body.basis === 'official'
      ? await nodes[A].api('PUT', `/api/v1/calendar/${year}`, { token: admin, body: { source: cal.body.source, days: cal.body.days } })
      : await nodes[A].api('DELETE', `/api/v1/calendar/${year}`, { token: admin });
    assertStatus(undo, 200, `restoring the calendar of ${year}`);
  }
});

test('office hours edited on one node move the due times filed on the others', { skip }, async () => {
  const A = 2, B = 0;
  const admin = await nodes[A].login('admin');
  const unit = await nodes[A].api('GET', `/api/v1/units/${DISTRICT}`);
  assertStatus(unit, 200);
  const before = await fileQuiet(B);
  // one hour a day instead of eight: the same reception is due days later
  const edit = await nodes[A].api('PATCH', `/api/v1/units/${DISTRICT}`,
    { token: admin, body: { office_hours: '08:00-09:00' } });
  assertStatus(edit, 200, `PATCH ${DISTRICT} on node ${A}`);
  try {
    assert.ok(await dueOn(nodes[A], before) > before.due_at, 'on the editing node, shorter hours make a later due time');
    const { d } = await convergedOn(B, A);
    assert.ok(d.due_at > before.due_at, `${d.due_at} is later than ${before.due_at}`);
    const seen = await nodes[B].api('GET', `/api/v1/units/${DISTRICT}`);
    assert.equal(seen.body.office_hours, '08:00-09:00');
    await agrees(1, d, d.due_at);
  } finally {
    const undo = await nodes[A].api('PATCH', `/api/v1/units/${DISTRICT}`,
      { token: admin, body: { office_hours: unit.body.office_hours || '07:00-11:30,13:30-17:00' } });
    assertStatus(undo, 200, 'restoring the office hours');
  }
});

// ---- the provider's confirmation, sent to every node at once -----------------

// A provider repeats its callback until it gets a 2xx, and a load balancer may
// send two copies to two nodes at the same moment. Both must hear "taken": a
// 409 payment-closed tells the provider to give the money back
// (docs/payments.md §3).
test('the same payment confirmation sent to every node at once is taken once, answered 200 everywhere', { skip }, async () => {
  const ROUNDS = 20;
  const PER_NODE = 2;
  const chuyenvien = [];
  for (let i = 0; i < NODES; i++) chuyenvien.push(await nodes[i].login('chuyenvien'));
  for (let round = 0; round < ROUNDS; round++) {
    const i = round % NODES;
    const d = await fileQuiet(i);
    const assigned = await act(nodes[i], tok[i].tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
    assertStatus(assigned, 200, 'assign');
    const owed = await act(nodes[i], chuyenvien[i], d.code, 'request_payment', { amount: 25000 + round });
    assertStatus(owed, 200, 'request_payment');
    const before = await nodes[i].api('GET', `/api/v1/dossiers/${d.code}`, { token: tok[i].tiepnhan });
    assertStatus(before, 200, `GET ${d.code}`);
    const started = await nodes[i].api('POST', `/api/v1/dossiers/${d.code}/payments`, { token: tok[i].tiepnhan });
    assertStatus(started, 200, 'the desk starts the payment');
    const { reference, amount } = started.body;
    const fields = ['MOTCUA', reference, String(amount), `VNPT${String(round).padStart(6, '0')}`, '00', '20170315093000'];
    const [partner_code, , , transaction_no, result_code, time] = fields;
    const body = { partner_code, reference, amount, transaction_no, result_code, time,
      check_value: createHash('sha256').update(`${fields.join('|')}|${PAYMENT_SECRET}`, 'utf8').digest('hex') };

    const answers = await Promise.all(Array.from({ length: NODES * PER_NODE },
      (_, k) => nodes[k % NODES].api('POST', '/api/v1/payments/callback', { body })));
    for (const [k, a] of answers.entries())
      assertStatus(a, 200, `round ${round}: the copy sent to node ${k % NODES}`);
    assert.ok(answers.every((a) => a.body.state === 'paid' && a.body.transaction_no === transaction_no),
      `round ${round}: every answer shows the payment paid`);
    assert.equal(answers.filter((a) => a.body.repeat === false).length, 1,
      `round ${round}: one copy took it, the others are repeats: ${answers.map((a) => a.body.repeat)}`);

    for (let n = 0; n < NODES; n++) {
      const now = await nodes[n].api('GET', `/api/v1/dossiers/${d.code}`, { token: tok[n].tiepnhan });
      assertStatus(now, 200, `GET ${d.code} on node ${n}`);
      assert.equal(now.body.state, 'processing', 'the dossier resumed');
      assert.equal(now.body.payment.state, 'paid');
      assert.equal(now.body.version, before.body.version + 1, 'settled once: one version more');
      assert.equal(now.body.events.filter((e) => e.action === 'pay').length, 1, 'one pay event');
      assert.equal(now.body.events.length, before.body.events.length + 1, 'nothing else added');
    }
  }
});

// A payment that failed is tried again; the desk's page and the citizen's, or
// two tabs, start the new attempt through two nodes at the same moment. Both
// get the one new attempt, none a 409.
test('a failed payment tried again on every node at once: one new attempt, the same for all', { skip }, async () => {
  const chuyenvien = await nodes[0].login('chuyenvien');
  for (let round = 0; round < 10; round++) {
    const i = round % NODES;
    const d = await fileQuiet(i);
    assertStatus(await act(nodes[i], tok[i].tiepnhan, d.code, 'assign', { handler: 'chuyenvien' }), 200, 'assign');
    assertStatus(await act(nodes[0], chuyenvien, d.code, 'request_payment', { amount: 41000 + round }), 200, 'request_payment');
    const started = await nodes[i].api('POST', `/api/v1/dossiers/${d.code}/payments`, { token: tok[i].tiepnhan });
    assertStatus(started, 200, 'the first attempt');
    const { reference, amount } = started.body;
    const fields = ['MOTCUA', reference, String(amount), `THAT${String(round).padStart(4, '0')}`, '24', '20170315093000'];
    const [partner_code, , , transaction_no, result_code, time] = fields;
    const failed = await nodes[i].api('POST', '/api/v1/payments/callback', { body: { partner_code, reference, amount,
      transaction_no, result_code, time,
      check_value: createHash('sha256').update(`${fields.join('|')}|${PAYMENT_SECRET}`, 'utf8').digest('hex') } });
    assertStatus(failed, 200, 'the provider says the first attempt failed');
    const again = await Promise.all(Array.from({ length: NODES * 2 }, (_, k) =>
      nodes[k % NODES].api('POST', `/api/v1/dossiers/${d.code}/payments`, { token: tok[k % NODES].tiepnhan })));
    for (const [k, a] of again.entries()) assert.ok(a.status === 200 || a.status === 201, `round ${round}, node ${k % NODES}: ${a.status} ${a.text}`);
    assert.equal(new Set(again.map((a) => a.body.reference)).size, 1, `round ${round}: one new attempt`);
    assert.notEqual(again[0].body.reference, reference, 'a new reference');
  }
});

// ---- filing limits -----------------------------------------------------------

test('one account filing on every node at once: the limit is counted in the database, not per node', { skip }, async () => {
  const password = 'mat-khau-rat-dai-1';
  assertStatus(await nodes[0].api('POST', '/api/v1/citizens', {
    body: { username: 'lu.a', password, full_name: 'Kẻ Phá Hoại', email: 'lu.a@example.vn' },
  }), 202, 'register');
  const tokens = [];
  for (const n of nodes) tokens.push(await n.login('lu.a', password));
  const body = { procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT,
    applicant: { name: 'Nguyễn Văn Lũ' } };
  const N = 6 * NODES;
  const res = await Promise.all(Array.from({ length: N },
    (_, i) => nodes[i % NODES].api('POST', '/api/v1/dossiers', { token: tokens[i % NODES], body })));
  const filed = res.filter((r) => r.status === 201);
  const limited = res.filter((r) => r.status === 429);
  assert.equal(filed.length + limited.length, N, res.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join('\n'));
  assert.equal(filed.length, 5, 'five filings in the hour, whichever nodes took them');
  for (const r of limited) {
    assertProblem(r, 429, 'filing-limit');
    const retry = Number(r.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 3600, `Retry-After ${retry}`);
  }
  for (let i = 0; i < NODES; i++) {
    const mine = await nodes[i].api('GET', '/api/v1/dossiers', { token: tokens[i] });
    assert.equal(mine.body.total, 5, `node ${i} sees five`);
  }
});

// Official documents (docs/documents.md §4): numbers given on every node at once come from one
// series per register and year, with no number twice and none skipped, for the clerk's issues
// and the incoming registrations alike.
test('documents issued and registered on every node at once: one series, no gap, no duplicate', { skip }, async () => {
  // in the district's registers of the demo (src/demo/documents.c), whose documents are of 2017
  const who = { chuyenvien: await nodes[0].login('chuyenvien'), lanhdao: tok[0].lanhdao, tiepnhan: tok[0].tiepnhan };
  const N = 18;
  const ids = [];
  for (let i = 0; i < N; i++) {
    const node = nodes[i % NODES];
    const d = await node.api('POST', '/api/v1/documents', { token: who.chuyenvien, body: { type: 'thong_bao', subject: `Thông báo số ${i}` } });
    assertStatus(d, 201, 'draft');
    for (const [user, action] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign']]) {
      assertStatus(await node.api('POST', `/api/v1/documents/${d.body.id}/actions`, { token: who[user], body: { action } }), 200, action);
    }
    ids.push(d.body.id);
  }
  const issued = await Promise.all(ids.map((id, i) => nodes[i % NODES].api('POST', `/api/v1/documents/${id}/actions`,
    { token: tok[i % NODES].tiepnhan, body: { action: 'issue' } })));
  for (const r of issued) assertStatus(r, 200, 'issue');
  const serials = issued.map((r) => r.body.serial).sort((a, b) => a - b);
  assert.deepEqual(serials, Array.from({ length: N }, (_, i) => i + 1));
  const arrivals = await Promise.all(Array.from({ length: 24 }, (_, i) => nodes[i % NODES].api('POST', '/api/v1/documents/incoming',
    { token: tok[i % NODES].tiepnhan, body: { type: 'cong_van', subject: `Văn bản đến ${i}`, organ_name: 'Sở Nội vụ' } })));
  for (const r of arrivals) assertStatus(r, 201, 'incoming');
  assert.deepEqual(arrivals.map((r) => r.body.arrival_number).sort((a, b) => a - b), Array.from({ length: 24 }, (_, i) => i + 1));
});

// A document's events are chained by hash (migration 030): each server reads the
// chain's head and appends after it. Detaches, uploads and attachments of one draft
// sent to every node at once (none of which writes the document's row) are chained
// one after the other, so that `motcua audit verify` finds every link intact.
test('a draft changed on every node at once: its event log stays one unbroken chain', { skip }, async () => {
  const chuyenvien = await nodes[0].login('chuyenvien');
  const d = await nodes[0].api('POST', '/api/v1/documents', { token: chuyenvien, body: { type: 'quyet_dinh',
    subject: 'Về việc ban hành kế hoạch', body: 'Điều 1.', place: 'Quảng Xương', signer_position: 'CHỦ TỊCH',
    signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.', recipient_units: [] } });
  assertStatus(d, 201, 'draft');
  const id = d.body.id;
  const auth = { Authorization: `Bearer ${chuyenvien}` };
  const rendered = Buffer.from(await (await fetch(`${nodes[0].base}/api/v1/documents/${id}/file`, { headers: auth })).arrayBuffer());
  const upload = (i, kind, name, bytes) => fetch(`${nodes[i % NODES].base}/api/v1/documents/${id}/${kind}?filename=${name}`,
    { method: 'POST', headers: { ...auth, 'Content-Type': 'application/pdf' }, body: bytes });
  const N = 8;
  for (let i = 0; i < N; i++) {
    const r = await upload(0, 'attachments', `a${i}.pdf`, Buffer.concat([rendered, Buffer.from(`\n% a${i}\n`)]));
    assert.equal(r.status, 201, `attachment ${i}: ${await r.text()}`);
  }
  const list = (await nodes[0].api('GET', `/api/v1/documents/${id}/attachments`, { token: chuyenvien })).body.items;
  assert.equal(list.length, N);
  const pdf = (t) => Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% ${t}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
  const res = await Promise.all([
    ...list.map((a, i) => nodes[i % NODES].api('DELETE', `/api/v1/documents/${id}/attachments/${a.number}`, { token: chuyenvien })),
    ...Array.from({ length: N }, (_, i) => upload(i + 1, 'versions', `v${i}.pdf`, pdf(`v${i}`))),
    ...Array.from({ length: N }, (_, i) => upload(i + 2, 'attachments', `b${i}.pdf`, Buffer.concat([rendered, Buffer.from(`\n% b${i}\n`)]))),
  ]);
  assert.deepEqual(res.map((r) => r.status), [...Array(N).fill(204), ...Array(2 * N).fill(201)]);
  const v = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
  assert.equal(v.status, 0, `audit verify:\n${v.stdout}${v.stderr}`);
  assert.match(v.stdout + v.stderr, /official documents verified, every link intact/);
});
