// What keeps one officer from bending a dossier's figures: the answer to a
// supplement request carries what was asked for (else answering only moves
// the due time by the pause); the applicant is told everything missing at one
// time, so a further request is a leader's, with the reason; a received
// dossier past its due time is not refused at reception (it is decided, and
// counts as late); an officer withdraws a dossier only on the applicant's
// request, which the note records. The applicant is told of a supplement
// received (with the new due time) and of any withdrawal. The server's clock is moved with
// libfaketime, never by sleeping; the messages are read from the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, DISTRICT, APPLICANT, districtProcedure, assertProblem, assertStatus, file, act, actOk,
  getDossier, ms } from './helpers.mjs';

const PROCEDURE = '1.001695'; // a district procedure of 24 working hours
let server;
let tok = {};

async function login() {
  tok = {};
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao', 'congdan', 'admin']) tok[u] = await server.login(u);
}

// The messages queued for the applicant of a dossier: { channel, subject, body },
// read from the outbox of either backend.
function outbox(code) {
  const q = `SELECT o.channel, o.subject, o.body FROM outbox o JOIN dossier d ON d.id = o.dossier_id WHERE d.code = '${code}'`;
  const out = /^postgres(ql)?:/.test(server.db)
    ? execFileSync(process.env.MOTCUA_PG_BINDIR ? `${process.env.MOTCUA_PG_BINDIR}/psql` : 'psql', ['-XAt', server.db.split('?')[0], '-c', `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', ['-json', server.db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

// "HH giờ MM phút ngày DD/MM/YYYY" of a local ISO time, as the messages write it.
const spoken = (iso) => `${iso.slice(11, 13)} giờ ${iso.slice(14, 16)} phút ngày ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

before(async () => {
  if (!FAKETIME) return;
  // Monday 1 March 2027, 09:00 in Vietnam; the tests move the clock forward only.
  server = await startServer({ dossiers: 0, clock: '2027-03-01T02:00:00Z' });
  await login();
});

after(async () => {
  await stopServer(server);
});

const at = async (iso) => {
  server.setClock(iso);
  // Sessions do not outlive the moved clock. A connection kept alive across
  // the jump may be closed under the first request after it: tried again.
  for (let i = 0; ; i++) {
    try {
      await login();
      return;
    } catch (e) {
      if (i >= 2) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
};

test('a received dossier past its due time is not refused at reception: it is decided, late', { skip: NO_FAKETIME }, async () => {
  await at('2027-03-01T02:00:00Z');
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  await at('2027-03-22T02:00:00Z');
  const late = await getDossier(server, tok.tiepnhan, d.code);
  assert.ok(ms(late.due_at) < Date.parse('2027-03-22T02:00:00Z'), 'past its due time');
  assert.ok(!late.actions.includes('refuse'), `refuse is not offered: ${late.actions}`);
  const res = await act(server, tok.tiepnhan, d.code, 'refuse', { note: 'Hồ sơ không hợp lệ' });
  assertProblem(res, 409, 'refuse-overdue', 'refused three weeks after reception');
  assert.match(res.body.detail, /resolved with outcome refused/);
  assert.equal((await getDossier(server, tok.tiepnhan, d.code)).state, 'received');
  // the way out: a decision, which counts as late
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const r = await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'refused', note: 'Hồ sơ không hợp lệ' });
  assert.equal(r.state, 'resolved');
  assert.equal(r.timeliness, 'late');
  // within its time a received dossier is still refused at reception
  const fresh = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  assert.ok((await getDossier(server, tok.tiepnhan, fresh.code)).actions.includes('refuse'), 'offered within its time');
  assert.equal((await actOk(server, tok.tiepnhan, fresh.code, 'refuse', { note: 'Không thuộc thẩm quyền' })).state, 'not_accepted');
});

test('a supplement answered with nothing is refused: the desk\'s and the citizen\'s', { skip: NO_FAKETIME }, async () => {
  await at('2027-04-05T01:30:00Z');
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung bản sao sổ đỏ' });
  await at('2027-04-26T01:00:00Z');
  for (const extra of [{}, { documents: [] }, { note: 'Đã bổ sung' }]) {
    const res = await act(server, tok.tiepnhan, d.code, 'supplement', extra);
    assertProblem(res, 422, 'missing-field', `the desk answers with ${JSON.stringify(extra)}`);
    assert.match(res.body.detail, /documents/);
  }
  const still = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(still.state, 'supplement_requested');
  assert.equal(still.due_at, d.due_at, 'the due time has not moved');

  // an online dossier: the citizen answers, with a document or not at all
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  await actOk(server, tok.tiepnhan, o.code, 'request_supplement', { note: 'Ảnh chụp không rõ' });
  assertProblem(await act(server, tok.congdan, o.code, 'supplement'), 422, 'missing-field', 'the citizen answers with nothing');
  const bo = await actOk(server, tok.congdan, o.code, 'supplement', { documents: [{ name: 'Ảnh chụp rõ', copies: 1 }] });
  assert.equal(bo.state, 'submitted');
});

test('the applicant is told the supplement was received and the new due time', { skip: NO_FAKETIME }, async () => {
  await at('2027-05-10T01:30:00Z');
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT,
    applicant: { ...APPLICANT, email: 'bosung@example.vn' } });
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung bản sao sổ hộ khẩu' });
  await at('2027-05-12T01:30:00Z');
  const b = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Bản sao sổ hộ khẩu', copies: 1 }] });
  assert.ok(ms(b.due_at) > ms(d.due_at), 'the pause moved the due time');
  const mail = outbox(d.code).find((m) => m.channel === 'email' && m.subject === `Hồ sơ ${d.code} đã được bổ sung`);
  assert.ok(mail, `the supplement notice: ${JSON.stringify(outbox(d.code).map((m) => m.subject))}`);
  assert.ok(mail.body.includes(spoken(b.due_at)), `the new due time ${spoken(b.due_at)} in: ${mail.body}`);
  assert.ok(outbox(d.code).some((m) => m.channel === 'sms' && m.body.includes(d.code) && m.body.includes('bo sung')), 'and by SMS');
});

test('guidance is given once: a second supplement request is a leader\'s, with the reason', { skip: NO_FAKETIME }, async () => {
  await at('2027-05-17T01:30:00Z');
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  await at('2027-05-20T01:00:00Z');
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung' });
  const answered = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Bản sao', copies: 1 }] });
  // the action's own reply offers what the detail offers
  assert.ok(!answered.actions.includes('request_supplement'), `not offered in the reply: ${answered.actions}`);
  const before = await getDossier(server, tok.tiepnhan, d.code);
  // the detail offers it again to the leader only
  assert.ok(!before.actions.includes('request_supplement'), `not offered to the desk: ${before.actions}`);
  assert.ok(!(await getDossier(server, tok.chuyenvien, d.code)).actions.includes('request_supplement'), 'nor the specialist');
  assert.ok((await getDossier(server, tok.lanhdao, d.code)).actions.includes('request_supplement'), 'offered to the leader');
  // the desk alone, the specialist: no second pause
  for (const who of ['tiepnhan', 'chuyenvien']) {
    const res = await act(server, tok[who], d.code, 'request_supplement', { note: 'Bổ sung lần 2' });
    assertProblem(res, 409, 'supplement-again', who);
    assert.match(res.body.detail, /leader/);
  }
  assertProblem(await act(server, tok.lanhdao, d.code, 'request_supplement'), 422, 'missing-field', 'the leader without a reason');
  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.state, 'processing');
  assert.equal(now.version, before.version, 'nothing changed');
  const again = await actOk(server, tok.lanhdao, d.code, 'request_supplement', { note: 'Bản vẽ sai tỷ lệ, đề nghị vẽ lại' });
  assert.equal(again.state, 'supplement_requested');
});

// The desk's request to an online submission before receiving it is the
// reception's guidance (Nghị định 61/2018/NĐ-CP, art. 15): the processing's
// own first request after the reception is not a second one.
test('a request before the reception does not make the first request after it a leader\'s', { skip: NO_FAKETIME }, async () => {
  await at('2027-05-21T01:30:00Z');
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  await actOk(server, tok.tiepnhan, o.code, 'request_supplement', { note: 'Ảnh chụp giấy tờ không rõ' });
  await actOk(server, tok.congdan, o.code, 'supplement', { documents: [{ name: 'Ảnh chụp rõ', copies: 1 }] });
  await actOk(server, tok.tiepnhan, o.code, 'receive');
  await actOk(server, tok.tiepnhan, o.code, 'assign', { handler: 'chuyenvien' });
  const got = await getDossier(server, tok.chuyenvien, o.code);
  assert.ok(got.actions.includes('request_supplement'), `offered to the specialist after the reception: ${got.actions}`);
  const first = await actOk(server, tok.chuyenvien, o.code, 'request_supplement', { note: 'Bổ sung bản vẽ' });
  assert.equal(first.state, 'supplement_requested');
  await actOk(server, tok.tiepnhan, o.code, 'supplement', { documents: [{ name: 'Bản vẽ', copies: 1 }] });
  // the rule holds from the reception on: a second request is the leader's
  assertProblem(await act(server, tok.chuyenvien, o.code, 'request_supplement', { note: 'Lần 2' }), 409, 'supplement-again',
    'the second request after the reception');
});

test('an officer withdraws only on the applicant\'s request; the applicant is told of any withdrawal', { skip: NO_FAKETIME }, async () => {
  await at('2027-05-24T01:30:00Z');
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT,
    applicant: { ...APPLICANT, email: 'rut@example.vn' } });
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  for (const extra of [{}, { note: '   ' }]) {
    const res = await act(server, tok.tiepnhan, d.code, 'withdraw', extra);
    assertProblem(res, 422, 'missing-field', `withdrawn with ${JSON.stringify(extra)}`);
  }
  assert.equal((await getDossier(server, tok.tiepnhan, d.code)).state, 'processing');
  const w = await actOk(server, tok.tiepnhan, d.code, 'withdraw', { note: 'Đơn đề nghị rút hồ sơ ngày 24/5/2027 của ông An' });
  assert.equal(w.state, 'withdrawn');
  const mail = outbox(d.code).find((m) => m.channel === 'email' && m.subject === `Hồ sơ ${d.code} đã được rút`);
  assert.ok(mail, `the withdrawal notice: ${JSON.stringify(outbox(d.code).map((m) => m.subject))}`);

  // the citizen withdraws their own without a note, and is told too
  const o = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code,
    applicant: { ...APPLICANT, email: 'congdan.rut@example.vn' } });
  assert.equal((await actOk(server, tok.congdan, o.code, 'withdraw')).state, 'withdrawn');
  assert.ok(outbox(o.code).some((m) => m.subject === `Hồ sơ ${o.code} đã được rút`), 'the citizen is told too');
});

// The rules a dossier is filed under stay its own: an administrator who then
// makes the procedure's supplements restart the whole period changes nothing
// for the dossiers already filed, neither at their supplement nor when a
// calendar edit recomputes their due times.
test('a procedure edited after filing: the dossier keeps the rules it was filed under', { skip: NO_FAKETIME }, async () => {
  await at('2027-06-07T01:30:00Z'); // Monday 7 June 2027, 08:30
  const proc = (await server.api('GET', `/api/v1/procedures/${PROCEDURE}`)).body;
  assert.equal(proc.restart_on_supplement, false, 'a supplement pauses the clock of this procedure');
  assert.equal(proc.duration_hours, 24);
  const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  // the clock moved with faketime runs on: the days are compared, not the seconds
  assert.equal(d.due_at.slice(0, 10), '2027-06-10', `three working days on: ${d.due_at}`);
  await at('2027-06-08T01:30:00Z');
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Bổ sung bản sao' });
  const edit = async (restart) => {
    const body = (await server.api('GET', `/api/v1/procedures/${PROCEDURE}`)).body;
    assertStatus(await server.api('PUT', `/api/v1/procedures/${PROCEDURE}`, { token: tok.admin,
      body: { ...body, restart_on_supplement: restart } }), 200, 'the procedure edited');
  };
  await edit(true);
  try {
    await at('2027-06-10T01:30:00Z');
    const b = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Bản sao', copies: 1 }] });
    // paused two working days (8 to 10 June): due two working days later,
    // not 24 working hours after the supplement (15 June)
    assert.equal(b.due_at.slice(0, 10), '2027-06-14', `the pause moved it, as filed: ${b.due_at}`);
    // a calendar edit of the year recomputes open dossiers by their own rules
    const cal = (await server.api('GET', '/api/v1/calendar/2027')).body;
    const days = [...cal.days.map(({ date, kind, name }) => ({ date, kind, name })),
      { date: '2027-12-24', kind: 'holiday', name: 'Nghỉ theo thông báo bổ sung' }];
    assertStatus(await server.api('PUT', '/api/v1/calendar/2027', { token: tok.admin,
      body: { source: 'Thông báo bổ sung', days } }), 200, 'the calendar edited');
    assert.equal((await getDossier(server, tok.tiepnhan, d.code)).due_at, b.due_at,
      'not recomputed by the procedure\'s new rule');
    // a dossier filed after the edit takes the new rule
    const n = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    await actOk(server, tok.tiepnhan, n.code, 'request_supplement', { note: 'Bổ sung bản sao' });
    await at('2027-06-11T01:30:00Z');
    const nb = await actOk(server, tok.tiepnhan, n.code, 'supplement', { documents: [{ name: 'Bản sao', copies: 1 }] });
    assert.equal(nb.due_at.slice(0, 10), '2027-06-16', `restarted: 24 working hours from the supplement: ${nb.due_at}`);
  } finally {
    await edit(false);
  }
});
