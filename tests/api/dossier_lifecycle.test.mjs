// The life of a dossier through the API: filing, every action of the state
// machine (src/core/dossier.c), the roles and unit scopes that may take them,
// the due time, and the event log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import {
  stopServer,
  DISTRICT, DEPARTMENT, APPLICANT, districtProcedure, assertProblem, assertStatus, minute, ms,
  file, act, actOk, getDossier, duePreview,
} from './helpers.mjs';

let server;
const tok = {};
const PROC = districtProcedure(); // a procedure the district receives (no owner unit)

before(async () => {
  server = await startServer({ dossiers: 20 });
  for (const u of ['admin', 'giamsat', 'tiepnhan', 'chuyenvien', 'lanhdao', 'congdan',
    'tiepnhan.stnmt', 'chuyenvien.stnmt', 'lanhdao.stnmt']) {
    tok[u] = await server.login(u);
  }
});

after(async () => {
  await stopServer(server);
});

// GET shows the same version and state as before a refused request.
async function assertUnchanged(code, before, what) {
  const now = await getDossier(server, tok.tiepnhan, code);
  assert.equal(now.version, before.version, `${what}: version unchanged`);
  assert.equal(now.state, before.state, `${what}: state unchanged`);
  assert.equal(now.due_at, before.due_at, `${what}: due_at unchanged`);
  assert.equal(now.events.length, before.events.length, `${what}: no event added`);
}

async function expectDue(d, proc) {
  const cutoff = proc.cutoff || undefined;
  const preview = await duePreview(server, {
    from: d.received_at, hours: d.duration_hours, unit: d.receiving_unit.code, cutoff,
  });
  assert.equal(minute(d.due_at), minute(preview.due), `due_at of ${d.code} is the calendar's due time`);
}

test('a desk officer files a direct dossier: code, state, due time, ETag and Location', async () => {
  const res = await server.api('POST', '/api/v1/dossiers', {
    token: tok.tiepnhan,
    body: { procedure_code: PROC.code, channel: 'direct', applicant: APPLICANT,
      documents: [{ name: 'Tờ khai', originals: 1 }, { name: 'CCCD', copies: 1 }] },
  });
  assertStatus(res, 201, 'direct filing');
  const d = res.body;
  const m = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d{4})$/.exec(d.code);
  assert.ok(m, `code ${d.code} is <unit>-<yymmdd>-<NNNN>`);
  assert.equal(m[1], DISTRICT);
  // yymmdd is the local (UTC+7) day of reception
  assert.equal(`20${m[2]}-${m[3]}-${m[4]}`, d.received_at.slice(0, 10));
  assert.ok(Number(m[5]) >= 1);
  assert.equal(d.state, 'received');
  assert.equal(d.national_status, 2);
  assert.equal(d.channel, 'direct');
  assert.equal(d.version, 1);
  assert.equal(d.procedure.code, PROC.code);
  assert.equal(d.receiving_unit.code, DISTRICT);
  assert.equal(d.current_unit.code, DISTRICT);
  assert.equal(d.duration_hours, PROC.duration_hours);
  assert.match(d.received_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
  assert.ok(Math.abs(ms(d.received_at) - Date.now()) < 60_000, 'received now');
  assert.ok(ms(d.due_at) > ms(d.received_at));
  await expectDue(d, PROC);
  assert.equal(d.applicant.name, APPLICANT.name);
  assert.equal(d.applicant.id_number, APPLICANT.id_number);
  assert.deepEqual(d.documents.map((x) => x.name), ['Tờ khai', 'CCCD']);
  assert.equal(res.headers.get('etag'), '"1"');
  assert.equal(res.headers.get('location'), `/api/v1/dossiers/${d.code}`);

  const again = await server.api('GET', res.headers.get('location'), { token: tok.tiepnhan });
  assertStatus(again, 200);
  assert.equal(again.body.code, d.code);
  assert.equal(again.headers.get('etag'), '"1"');
  assert.deepEqual(again.body.events.map((e) => [e.action, e.from, e.to]), [['create', null, 'received']]);
});

test('a procedure with a cut-off hour: the due time follows the cut-off rule', async () => {
  const proc = districtProcedure({ cutoff: true });
  const d = await file(server, tok.tiepnhan, { procedure_code: proc.code });
  await expectDue(d, proc);
});

test('a dossier without documents shows an empty list', async () => {
  const d = await file(server, tok.tiepnhan, { documents: null });
  assert.deepEqual(d.documents, []);
  assert.deepEqual((await getDossier(server, tok.tiepnhan, d.code)).documents, []);
  const a = await actOk(server, tok.tiepnhan, d.code, 'assign');
  assert.deepEqual(a.documents, []);
});

test('codes of one unit and day are numbered in sequence', async () => {
  const a = await file(server, tok.tiepnhan);
  const b = await file(server, tok.tiepnhan);
  const seq = (c) => Number(c.code.slice(-4));
  assert.equal(a.code.slice(0, -4), b.code.slice(0, -4));
  assert.equal(seq(b), seq(a) + 1);
});

test('online filing: submitted (1), the desk receives it (2) and the clock starts', async () => {
  const proc = districtProcedure({ online: true });
  const d = await file(server, tok.congdan, { procedure_code: proc.code, channel: 'online', unit: DISTRICT });
  assert.equal(d.state, 'submitted');
  assert.equal(d.national_status, 1);
  assert.equal(d.channel, 'online');
  assert.ok(d.submitted_at);
  assert.equal(d.received_at, null);
  assert.equal(d.due_at, null, 'no due time before reception');
  // an online submission numbers in the online space: six digits (docs/domain.md §5)
  assert.match(d.code, new RegExp(`^${DISTRICT.replaceAll('.', '\\.')}-\\d{6}-\\d{6}$`));

  // the citizen cannot receive it
  assertProblem(await act(server, tok.congdan, d.code, 'receive'), 403, 'forbidden', 'citizen receives');
  const r = await actOk(server, tok.tiepnhan, d.code, 'receive');
  assert.equal(r.state, 'received');
  assert.equal(r.national_status, 2);
  assert.equal(r.version, 2);
  assert.equal(r.code, d.code, 'the code given to the citizen stays');
  assert.ok(r.received_at);
  assert.ok(ms(r.received_at) >= ms(d.submitted_at));
  await expectDue(r, proc);

  // the owner sees it in their list and in detail
  const mine = await server.api('GET', '/api/v1/dossiers', { token: tok.congdan });
  assertStatus(mine, 200);
  assert.ok(mine.body.items.some((x) => x.code === d.code));
  const detail = await getDossier(server, tok.congdan, d.code);
  assert.deepEqual(detail.events.map((e) => [e.action, e.from, e.to]),
    [['create', null, 'submitted'], ['receive', 'submitted', 'received']]);
});

test('the full path: assign, transfer to the department, payment, resolve, return', async () => {
  const d = await file(server, tok.tiepnhan);
  const code = d.code;

  // the desk hands it to processing, naming the specialist
  const a = await actOk(server, tok.tiepnhan, code, 'assign', { handler: 'chuyenvien' });
  assert.equal(a.state, 'processing');
  assert.equal(a.national_status, 4);
  assert.equal(a.version, 2);
  assert.ok(a.handler_id, 'the handler is recorded');
  // a handler from another unit is refused
  assertProblem(await act(server, tok.chuyenvien, code, 'assign', { handler: 'chuyenvien.stnmt' }), 422,
    'invalid-field', 'handler of another unit');
  assertProblem(await act(server, tok.chuyenvien, code, 'assign', { handler: 'congdan' }), 422,
    'invalid-field', 'a citizen as handler');

  // transfer (liên thông) needs a valid target
  assertProblem(await act(server, tok.chuyenvien, code, 'transfer'), 422, 'invalid-field', 'transfer without to_unit');
  assertProblem(await act(server, tok.chuyenvien, code, 'transfer', { to_unit: '999.99.99.X00' }), 422,
    'unknown-unit', 'transfer to an unknown unit');
  assertProblem(await act(server, tok.chuyenvien, code, 'transfer', { to_unit: DISTRICT }), 422,
    'invalid-field', 'transfer to the current unit');
  // the desk may not transfer
  assertProblem(await act(server, tok.tiepnhan, code, 'transfer', { to_unit: DEPARTMENT }), 403, 'forbidden',
    'desk transfers');

  const t = await actOk(server, tok.chuyenvien, code, 'transfer', { to_unit: DEPARTMENT, note: 'Chuyển Sở TNMT thẩm định' });
  assert.equal(t.state, 'processing');
  assert.equal(t.current_unit.code, DEPARTMENT);
  assert.equal(t.receiving_unit.code, DISTRICT);
  assert.equal(t.version, 3);
  assert.equal(t.due_at, d.due_at, 'a transfer does not move the due time');

  // the district specialist no longer holds it: a processing action is out of scope
  const before = await getDossier(server, tok.tiepnhan, code);
  assertProblem(await act(server, tok.chuyenvien, code, 'request_payment'), 403, 'out-of-scope',
    'district specialist after transfer');
  assertProblem(await act(server, tok.lanhdao, code, 'resolve', { outcome: 'approved' }), 403, 'out-of-scope',
    'district leader after transfer');
  await assertUnchanged(code, before, 'out-of-scope actions');

  // the department's specialist can act, and sees it in their queue
  const q = await server.api('GET', '/api/v1/dossiers?state=processing&limit=200', { token: tok['chuyenvien.stnmt'] });
  assertStatus(q, 200);
  assert.ok(q.body.items.some((x) => x.code === code), 'in the department queue');
  const p = await actOk(server, tok['chuyenvien.stnmt'], code, 'request_payment', { note: 'Nộp lệ phí' });
  assert.equal(p.state, 'awaiting_payment');
  assert.equal(p.national_status, 6);
  assert.ok(p.paused_at, 'the clock is paused while waiting for payment');

  // the applicant's desk records the payment (desk actions concern the receiving unit)
  assertProblem(await act(server, tok['tiepnhan.stnmt'], code, 'pay'), 403, 'out-of-scope', 'department desk pays');
  const paid = await actOk(server, tok.tiepnhan, code, 'pay');
  assert.equal(paid.state, 'processing', 'pay resumes the state it paused');
  assert.equal(paid.paused_at, null);
  assert.ok(ms(paid.due_at) >= ms(p.due_at), 'the due time never moves earlier');

  // a specialist may not resolve (role table: leader only)
  const b2 = await getDossier(server, tok.tiepnhan, code);
  assertProblem(await act(server, tok['chuyenvien.stnmt'], code, 'resolve', { outcome: 'approved' }), 403,
    'forbidden', 'specialist resolves');
  assertProblem(await act(server, tok['lanhdao.stnmt'], code, 'resolve'), 422, 'invalid-field', 'resolve without outcome');
  assertProblem(await act(server, tok['lanhdao.stnmt'], code, 'resolve', { outcome: 'maybe' }), 422, 'invalid-field',
    'resolve with a bad outcome');
  await assertUnchanged(code, b2, 'refused resolve');

  const res = await actOk(server, tok['lanhdao.stnmt'], code, 'resolve', { outcome: 'approved' });
  assert.equal(res.state, 'resolved');
  assert.equal(res.national_status, 9);
  assert.equal(res.outcome, 'approved');
  assert.ok(res.finished_at);

  // the department's desk did not receive it; the district desk returns it
  assertProblem(await act(server, tok['tiepnhan.stnmt'], code, 'return'), 403, 'out-of-scope', 'department desk returns');
  const ret = await actOk(server, tok.tiepnhan, code, 'return');
  assert.equal(ret.state, 'returned');
  assert.equal(ret.national_status, 10);
  assert.ok(ret.returned_at);
  assert.equal(ret.version, 7);

  const detail = await getDossier(server, tok.tiepnhan, code);
  assert.deepEqual(detail.events.map((e) => [e.action, e.from, e.to]), [
    ['create', null, 'received'],
    ['assign', 'received', 'processing'],
    ['transfer', 'processing', 'processing'],
    ['request_payment', 'processing', 'awaiting_payment'],
    ['pay', 'awaiting_payment', 'processing'],
    ['resolve', 'processing', 'resolved'],
    ['return', 'resolved', 'returned'],
  ]);
  for (let i = 1; i < detail.events.length; i++) {
    assert.ok(ms(detail.events[i].at) >= ms(detail.events[i - 1].at), 'events in time order');
  }
  // each event names the unit holding the dossier after it
  assert.equal(detail.events[1].unit.code, DISTRICT);
  assert.equal(detail.events[2].unit.code, DEPARTMENT);
  assert.equal(detail.events[2].note, 'Chuyển Sở TNMT thẩm định');
  assert.equal(detail.events[3].actor, 'Đỗ Quang Huy');
  assert.equal(detail.events[5].actor, 'Lê Đình Sơn');

  // a returned dossier is final: nothing more
  for (const [who, action, extra] of [['tiepnhan', 'return', {}], ['tiepnhan', 'withdraw', {}],
    ['lanhdao.stnmt', 'stop', { note: 'x' }], ['tiepnhan', 'refuse', { note: 'x' }],
    ['tiepnhan.stnmt', 'request_supplement', { note: 'x' }]]) {
    assertProblem(await act(server, tok[who], code, action, extra), 409, 'forbidden-transition',
      `${action} after return`);
  }
  await assertUnchanged(code, detail, 'actions on a returned dossier');
});

test('refuse at reception: reasons required, then not_accepted (3) and final', async () => {
  const d = await file(server, tok.tiepnhan);
  const before = await getDossier(server, tok.tiepnhan, d.code);
  assertProblem(await act(server, tok.tiepnhan, d.code, 'refuse'), 422, 'missing-field', 'refuse without note');
  assertProblem(await act(server, tok.tiepnhan, d.code, 'refuse', { note: '   ' }), 422, 'missing-field',
    'refuse with a blank note');
  // only the desk refuses at reception
  assertProblem(await act(server, tok.lanhdao, d.code, 'refuse', { note: 'Không thuộc thẩm quyền' }), 403, 'forbidden',
    'leader refuses');
  await assertUnchanged(d.code, before, 'refused refusals');

  const r = await actOk(server, tok.tiepnhan, d.code, 'refuse', { note: 'Hồ sơ không thuộc thẩm quyền giải quyết' });
  assert.equal(r.state, 'not_accepted');
  assert.equal(r.national_status, 3);
  assert.ok(r.finished_at);
  assert.equal(r.note, 'Hồ sơ không thuộc thẩm quyền giải quyết');
  const after1 = await getDossier(server, tok.tiepnhan, d.code);
  for (const [who, action, extra] of [['tiepnhan', 'assign', {}], ['tiepnhan', 'receive', {}],
    ['tiepnhan', 'withdraw', {}], ['lanhdao', 'stop', { note: 'x' }]]) {
    assertProblem(await act(server, tok[who], d.code, action, extra), 409, 'forbidden-transition', `${action} after refusal`);
  }
  await assertUnchanged(d.code, after1, 'actions on a refused dossier');

  // an online filing can be refused before reception too
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  const ro = await actOk(server, tok.tiepnhan, o.code, 'refuse', { note: 'Thiếu giấy tờ' });
  assert.equal(ro.state, 'not_accepted');
});

test('forbidden transitions answer 409 and leave the dossier unchanged', async () => {
  const d = await file(server, tok.tiepnhan);
  const before = await getDossier(server, tok.tiepnhan, d.code);
  const cases = [
    ['tiepnhan', 'receive', {}], // already received
    ['tiepnhan', 'return', {}], // nothing resolved yet
    ['tiepnhan', 'supplement', {}], // nothing was asked
    ['tiepnhan', 'pay', {}], // no payment requested
    ['lanhdao', 'resolve', { outcome: 'approved' }], // not in processing
    ['chuyenvien', 'request_payment', {}], // not in processing
    ['chuyenvien', 'transfer', { to_unit: DEPARTMENT }], // not in processing
  ];
  for (const [who, action, extra] of cases) {
    const res = await act(server, tok[who], d.code, action, extra);
    assertProblem(res, 409, 'forbidden-transition', `${who} ${action} on received`);
    assert.match(res.body.detail, /received/);
  }
  await assertUnchanged(d.code, before, 'forbidden transitions');
});

test('wrong roles answer 403 and leave the dossier unchanged', async () => {
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const before = await getDossier(server, tok.tiepnhan, d.code);
  const cases = [
    ['chuyenvien', 'resolve', { outcome: 'approved' }], // leader only
    ['tiepnhan', 'resolve', { outcome: 'approved' }],
    ['tiepnhan', 'stop', { note: 'Dừng' }], // leader only
    ['chuyenvien', 'stop', { note: 'Dừng' }],
    ['lanhdao', 'withdraw', {}], // applicant or desk
    ['chuyenvien', 'withdraw', {}],
  ];
  for (const [who, action, extra] of cases) {
    assertProblem(await act(server, tok[who], d.code, action, extra), 403, 'forbidden', `${who} ${action}`);
  }
  // supervisors and administrators watch, they do not act
  assertProblem(await act(server, tok.giamsat, d.code, 'resolve', { outcome: 'approved' }), 403, 'forbidden', 'supervisor');
  assertProblem(await act(server, tok.admin, d.code, 'assign'), 403, 'forbidden', 'admin');
  // a citizen does not see a dossier that is not theirs
  assertProblem(await act(server, tok.congdan, d.code, 'withdraw'), 404, 'not-found', 'citizen on another dossier');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.congdan }), 404, 'not-found');
  // the department's officers do not see a district dossier
  assertProblem(await act(server, tok['lanhdao.stnmt'], d.code, 'resolve', { outcome: 'approved' }), 403,
    'out-of-scope', 'department leader on a district dossier');
  await assertUnchanged(d.code, before, 'wrong roles');
  // the district leader may
  const r = await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' });
  assert.equal(r.state, 'resolved');
});

test('resolve refused needs the reasons', async () => {
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const before = await getDossier(server, tok.tiepnhan, d.code);
  assertProblem(await act(server, tok.lanhdao, d.code, 'resolve', { outcome: 'refused' }), 422, 'invalid-field',
    'refused without note');
  await assertUnchanged(d.code, before, 'refused resolve without note');
  const r = await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'refused', note: 'Không đủ điều kiện' });
  assert.equal(r.state, 'resolved');
  assert.equal(r.outcome, 'refused');
  assert.equal(r.note, 'Không đủ điều kiện');
  const ret = await actOk(server, tok.tiepnhan, d.code, 'return');
  assert.equal(ret.state, 'returned');
});

test('request_supplement pauses the clock; supplement resumes the previous state', async () => {
  // from received
  const d = await file(server, tok.tiepnhan);
  const before = await getDossier(server, tok.tiepnhan, d.code);
  assertProblem(await act(server, tok.tiepnhan, d.code, 'request_supplement'), 422, 'missing-field',
    'request_supplement without note');
  await assertUnchanged(d.code, before, 'request_supplement without note');
  const s = await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung bản sao sổ hộ khẩu' });
  assert.equal(s.state, 'supplement_requested');
  assert.equal(s.national_status, 5);
  assert.ok(s.paused_at);
  assert.equal(s.due_at, d.due_at);
  // the specialist cannot hand over the documents; the desk or the applicant can
  assertProblem(await act(server, tok.chuyenvien, d.code, 'supplement'), 403, 'forbidden', 'specialist supplements');
  const back = await actOk(server, tok.tiepnhan, d.code, 'supplement', {
    documents: [{ name: 'Bản sao sổ hộ khẩu', copies: 1 }],
  });
  assert.equal(back.state, 'received', 'back to received');
  assert.equal(back.paused_at, null);
  assert.ok(ms(back.due_at) >= ms(d.due_at), 'due time not earlier after a pause');
  assert.deepEqual(back.documents.map((x) => x.name), ['Tờ khai', 'Bản sao sổ hộ khẩu']);

  // from processing: the applicant is told everything missing at one time,
  // so asking again is the leader's decision, with the reason
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  assertProblem(await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Thiếu bản vẽ' }), 409,
    'supplement-again', 'the specialist asks a second time');
  const s2 = await actOk(server, tok.lanhdao, d.code, 'request_supplement', { note: 'Thiếu bản vẽ' });
  assert.equal(s2.state, 'supplement_requested');
  const b2 = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Bản vẽ', originals: 1 }] });
  assert.equal(b2.state, 'processing', 'back to processing');
  assert.ok(ms(b2.due_at) >= ms(back.due_at));

  // before reception (online): the clock has not started, nothing is paused
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  const so = await actOk(server, tok.tiepnhan, o.code, 'request_supplement', { note: 'Ảnh chụp không rõ' });
  assert.equal(so.state, 'supplement_requested');
  assert.equal(so.paused_at, null);
  const bo = await actOk(server, tok.congdan, o.code, 'supplement', { documents: [{ name: 'Ảnh chụp rõ' }] });
  assert.equal(bo.state, 'submitted', 'back to the desk');
  assert.equal(bo.due_at, null);
});

// The shift of the due time is made visible: a unit whose office is open all
// day, on a day made working if it is not, so every second of the pause is
// working time and the due time must move by exactly the pause.
test('supplement moves the due time later by the working time paused', async () => {
  const SUB = '000.90.33.H56';
  const u = await server.api('POST', '/api/v1/units', {
    token: tok.admin,
    body: { code: SUB, name: 'UBND xã Một Cửa Cả Ngày', level: 'commune', parent: DISTRICT, office_hours: '00:00-24:00' },
  });
  assertStatus(u, 201, 'creating the all-day unit');

  const localNow = new Date(Date.now() + 7 * 3600_000).toISOString();
  const today = localNow.slice(0, 10);
  const year = Number(today.slice(0, 4));
  const cal = await server.api('GET', `/api/v1/calendar/${year}`);
  assertStatus(cal, 200);
  const preview = await duePreview(server, { from: localNow.slice(0, 16), hours: 0, unit: SUB });
  let restore = null;
  if (preview.start.slice(0, 10) !== today) {
    // today is not a working day: make it one for this test
    const wd = new Date(`${today}T00:00:00Z`).getUTCDay();
    const days = cal.body.days.filter((x) => x.date !== today);
    if (wd === 0 || wd === 6) days.push({ date: today, kind: 'workday', name: 'Làm việc (kiểm thử)' });
    const put = await server.api('PUT', `/api/v1/calendar/${year}`, {
      token: tok.admin, body: { source: 'API test', days },
    });
    assertStatus(put, 200, 'making today a working day');
    restore = cal.body;
  }
  try {
    // Đăng ký khai sinh: a commune's procedure, its clock not restarted by a supplement
    const d = await file(server, tok.tiepnhan, { unit: SUB, procedure_code: '1.001193' });
    assert.equal(d.receiving_unit.code, SUB);
    const s = await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung giấy tờ' });
    assert.equal(s.due_at, d.due_at);
    await new Promise((r) => setTimeout(r, 2200));
    const b = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Giấy tờ bổ sung', originals: 1 }] });
    const detail = await getDossier(server, tok.tiepnhan, d.code);
    const resumed = detail.events.at(-1);
    assert.equal(resumed.action, 'supplement');
    const paused = ms(resumed.at) - ms(s.paused_at);
    assert.ok(paused >= 2000, `paused ${paused} ms`);
    assert.equal(ms(b.due_at) - ms(d.due_at), paused, `due moved by the pause: ${d.due_at} → ${b.due_at}`);
  } finally {
    if (restore) {
      const r = restore.basis === 'official'
        ? await server.api('PUT', `/api/v1/calendar/${year}`, {
          token: tok.admin, body: { source: restore.source, days: restore.days },
        })
        : await server.api('DELETE', `/api/v1/calendar/${year}`, { token: tok.admin });
      assertStatus(r, 200, 'restoring the calendar');
    }
  }
});

test('withdraw: the citizen on their own online dossier (7)', async () => {
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  const w = await actOk(server, tok.congdan, o.code, 'withdraw', { note: 'Tôi không cần nữa' });
  assert.equal(w.state, 'withdrawn');
  assert.equal(w.national_status, 7);
  assert.ok(w.finished_at);
  assertProblem(await act(server, tok.congdan, o.code, 'withdraw'), 409, 'forbidden-transition', 'withdraw twice');
  assertProblem(await act(server, tok.congdan, o.code, 'supplement'), 409, 'forbidden-transition', 'after withdrawal');

  // the desk may record a withdrawal for a walk-in applicant, in processing too
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const w2 = await actOk(server, tok.tiepnhan, d.code, 'withdraw', { note: 'Công dân rút hồ sơ' });
  assert.equal(w2.state, 'withdrawn');
});

test('a fee paid at the counter: the desk confirms it and the clock resumes', async () => {
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  await actOk(server, tok.tiepnhan, o.code, 'receive');
  await actOk(server, tok.tiepnhan, o.code, 'assign', { handler: 'chuyenvien' });
  const p = await actOk(server, tok.chuyenvien, o.code, 'request_payment', { note: 'Lệ phí 100.000 đồng' });
  assert.equal(p.state, 'awaiting_payment');
  assertProblem(await act(server, tok.chuyenvien, o.code, 'pay'), 403, 'forbidden', 'specialist pays');
  // the applicant cannot declare their own fee paid (online payment goes through the platform)
  assertProblem(await act(server, tok.congdan, o.code, 'pay'), 403, 'forbidden', 'applicant settles');
  const paid = await actOk(server, tok.tiepnhan, o.code, 'pay', { note: 'Đã nộp tại quầy, biên lai số 0012345' });
  assert.equal(paid.state, 'processing');
  assert.equal(paid.paused_at, null);
  assert.ok(ms(paid.due_at) >= ms(p.due_at));
  assertProblem(await act(server, tok.tiepnhan, o.code, 'pay'), 409, 'forbidden-transition', 'paying twice');
  // the applicant may not decide their own case
  assertProblem(await act(server, tok.congdan, o.code, 'resolve', { outcome: 'approved' }), 403, 'forbidden');
  assertProblem(await act(server, tok.congdan, o.code, 'assign'), 403, 'forbidden');
});

test('stop: the leader with a reason (8)', async () => {
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const before = await getDossier(server, tok.tiepnhan, d.code);
  assertProblem(await act(server, tok.lanhdao, d.code, 'stop'), 422, 'missing-field', 'stop without reason');
  await assertUnchanged(d.code, before, 'stop without reason');
  const s = await actOk(server, tok.lanhdao, d.code, 'stop', { note: 'Có tranh chấp, dừng giải quyết' });
  assert.equal(s.state, 'stopped');
  assert.equal(s.national_status, 8);
  assert.ok(s.finished_at);
  assertProblem(await act(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' }), 409,
    'forbidden-transition', 'resolve a stopped dossier');

  // a dossier waiting for documents can be stopped too
  const d2 = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d2.code, 'request_supplement', { note: 'Bổ sung' });
  const s2 = await actOk(server, tok.lanhdao, d2.code, 'stop', { note: 'Quá hạn bổ sung' });
  assert.equal(s2.state, 'stopped');
  assert.ok(s2.finished_at);
});

test('a dossier stopped while paused no longer shows a paused clock', async () => {
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung' });
  const s = await actOk(server, tok.lanhdao, d.code, 'stop', { note: 'Quá hạn bổ sung' });
  assert.equal(s.paused_at, null, 'a stopped dossier has no paused clock');
  const w = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, w.code, 'request_supplement', { note: 'Bổ sung' });
  const ww = await actOk(server, tok.tiepnhan, w.code, 'withdraw', { note: 'Đơn đề nghị rút hồ sơ của công dân' });
  assert.equal(ww.paused_at, null, 'as a withdrawn one');
});

test('unknown dossier → 404', async () => {
  assertProblem(await server.api('GET', `/api/v1/dossiers/${DISTRICT}-170101-9999`, { token: tok.tiepnhan }), 404, 'not-found');
  assertProblem(await act(server, tok.tiepnhan, `${DISTRICT}-170101-9999`, 'receive'), 404, 'not-found');
});

test('the work queue: filters by state, open, handler, code; scope of the unit', async () => {
  const a = await file(server, tok.tiepnhan);
  const b = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, b.code, 'assign', { handler: 'chuyenvien' });
  const c = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, c.code, 'refuse', { note: 'Sai thủ tục' });

  const list = async (token, qs) => {
    const res = await server.api('GET', `/api/v1/dossiers?limit=200&${qs}`, { token });
    assertStatus(res, 200, qs);
    assert.equal(res.body.total, res.body.items.length, `${qs}: total matches the items (under 200)`);
    return res.body.items;
  };
  const all = await list(tok.tiepnhan, '');
  for (const d of [a, b, c]) assert.ok(all.some((x) => x.code === d.code));

  const processing = await list(tok.tiepnhan, 'state=processing');
  assert.ok(processing.every((x) => x.state === 'processing'));
  assert.ok(processing.some((x) => x.code === b.code) && !processing.some((x) => x.code === a.code));

  const open = await list(tok.tiepnhan, 'open=true');
  const FINAL = ['not_accepted', 'withdrawn', 'stopped', 'returned'];
  assert.ok(open.every((x) => !FINAL.includes(x.state)), 'open excludes final states');
  assert.ok(open.some((x) => x.code === a.code) && !open.some((x) => x.code === c.code));

  const mine = await list(tok.chuyenvien, 'mine=true');
  assert.ok(mine.some((x) => x.code === b.code), 'the handler finds it in their own queue');
  assert.ok(!mine.some((x) => x.code === a.code));

  const byCode = await list(tok.tiepnhan, `q=${encodeURIComponent(a.code)}`);
  assert.deepEqual(byCode.map((x) => x.code), [a.code]);

  // the department does not see the district's dossiers, nor may the district ask for the department's
  const dep = await list(tok['chuyenvien.stnmt'], '');
  assert.ok(!dep.some((x) => x.code === a.code));
  assertProblem(await server.api('GET', `/api/v1/dossiers?unit=${DEPARTMENT}`, { token: tok.tiepnhan }), 403, 'out-of-scope');
  // the supervisor of the province sees everything
  const sup = await list(tok.giamsat, `q=${encodeURIComponent(a.code)}`);
  assert.deepEqual(sup.map((x) => x.code), [a.code]);
  assertStatus(await server.api('GET', `/api/v1/dossiers/${a.code}`, { token: tok.giamsat }), 200);

  // the order of the queue: open dossiers first, most urgent first (no due time last
  // among them), then the finished ones, newest reception first
  const FIN = (x) => FINAL.includes(x.state);
  const firstFinished = all.findIndex(FIN);
  assert.ok(firstFinished > 0);
  assert.ok(all.slice(firstFinished).every(FIN), 'finished dossiers come last');
  const openPart = all.slice(0, firstFinished);
  const dues = openPart.map((x) => (x.due_at ? ms(x.due_at) : Infinity));
  for (let i = 1; i < dues.length; i++) assert.ok(dues[i - 1] <= dues[i], `open by due time at ${i}`);
  const recv = all.slice(firstFinished).map((x) => (x.received_at ? ms(x.received_at) : 0));
  for (let i = 1; i < recv.length; i++) assert.ok(recv[i - 1] >= recv[i], `finished by reception, newest first, at ${i}`);

  // q: a code prefix (any case), the folded name, the identity number
  const lower = await list(tok.tiepnhan, `q=${encodeURIComponent(a.code.toLowerCase().slice(0, -2))}`);
  assert.ok(lower.some((x) => x.code === a.code), 'code prefix in lower case');
  const byId = await list(tok.tiepnhan, `q=${APPLICANT.id_number}`);
  assert.ok(byId.some((x) => x.code === a.code), 'identity number');
  const byName = await list(tok.tiepnhan, `q=${encodeURIComponent('nguyen van an')}`);
  assert.ok(byName.some((x) => x.code === a.code), 'folded name');
  for (const x of byName) assert.ok(!('documents' in x) && !('events' in x), 'list items are short');

  // pages do not overlap
  const p1 = await server.api('GET', '/api/v1/dossiers?limit=2&offset=0', { token: tok.tiepnhan });
  const p2 = await server.api('GET', '/api/v1/dossiers?limit=2&offset=2', { token: tok.tiepnhan });
  assert.equal(p1.body.items.length, 2);
  assert.equal(p1.body.total, all.length);
  assert.ok(!p2.body.items.some((x) => p1.body.items.some((y) => y.code === x.code)));
});
