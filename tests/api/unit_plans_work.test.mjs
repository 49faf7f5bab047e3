// A reorganisation hands the ended unit's work in hand to its successor
// (docs/units.md §6): merged into another department, the Sở Tài nguyên và
// Môi trường's open task (in its charge, or given by it, or in which it
// cooperates), its incoming document registered and assigned and its draft
// follow the successor with a "reorganise" event in their logs; its staff,
// moved there, read them and go on with them; a task already done and a
// document already issued keep the unit that did them; the plan counts what
// it moved; and `motcua audit verify` accepts every log afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, PASSWORD, BIN } from './harness.mjs';
import { stopServer, assertStatus, DISTRICT, DEPARTMENT, ok, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const SUCCESSOR = '000.00.09.H56'; // Sở Xây dựng

let server;
const tok = {};
const made = {};
const api = (...a) => server.api(...a);

const taskAct = (token, id, action, extra = {}) =>
  api('POST', `/api/v1/tasks/${id}/actions`, { token, body: { action, ...extra } });
const docAct = (token, id, action, extra = {}) =>
  api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra } });

function taskBody(extra = {}) {
  return { directive: 'Chỉ thị số 07/CT-UBND của Chủ tịch UBND tỉnh', title: 'Rà soát quy hoạch sử dụng đất',
    content: 'Rà soát và báo cáo', product: 'Báo cáo', unit: DEPARTMENT, cooperating: [], due_in_working_days: 10,
    ...extra };
}

function draftBody(extra = {}) {
  return { type: 'quyet_dinh', subject: 'Về việc giao đất', body: 'Điều 1. …', place: 'Thanh Hóa',
    signer_position: 'GIÁM ĐỐC', signer_name: 'Lê Văn Bình', recipients: 'Như Điều 3;\nLưu: VT.',
    recipient_units: [DISTRICT], unit: DEPARTMENT, ...extra };
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'lanhdao.stnmt', 'chuyenvien.stnmt', 'tiepnhan.stnmt']) tok[u] = await server.login(u);
  const user = async (username, role, unit) => {
    await ok(await api('POST', '/api/v1/users', { token: tok.admin, body: {
      username, password: PASSWORD, full_name: `Cán bộ ${username}`, role, unit } }), 201, username);
    tok[username] = await server.login(username);
  };
  await user('lanhdao.tinh.work', 'leader', PROVINCE_UNIT);
  const L = tok['lanhdao.tinh.work'];
  // In the department's charge, started; another in the district's charge
  // with the department cooperating; one done.
  made.inCharge = await ok(await api('POST', '/api/v1/tasks', { token: L, body: taskBody({ cooperating: [DISTRICT] }) }),
    201, 'task in the department\'s charge');
  await ok(await taskAct(tok['chuyenvien.stnmt'], made.inCharge.id, 'start'), 200, 'start');
  made.cooperating = await ok(await api('POST', '/api/v1/tasks', { token: L,
    body: taskBody({ unit: DISTRICT, cooperating: [DEPARTMENT, SUCCESSOR] }) }), 201, 'task the department cooperates on');
  made.done = await ok(await api('POST', '/api/v1/tasks', { token: L, body: taskBody() }), 201, 'task done');
  await ok(await taskAct(tok['lanhdao.stnmt'], made.done.id, 'propose_done', { note: 'Đã xong' }), 200, 'propose');
  await ok(await taskAct(L, made.done.id, 'confirm'), 200, 'confirm');
  // An incoming document registered and assigned within the department.
  made.incoming = await ok(await api('POST', '/api/v1/documents/incoming', { token: tok['tiepnhan.stnmt'], body: {
    type: 'cong_van', subject: 'Đề nghị rà soát hồ sơ đất đai', organ_name: 'Sở Tư pháp', number: '12/STP-VP',
    date: localDay(-3) } }), 201, 'incoming registered');
  await ok(await docAct(tok['lanhdao.stnmt'], made.incoming.id, 'assign', { to_unit: DEPARTMENT, track: false }), 200,
    'incoming assigned');
  // A draft in hand, and a decision issued.
  made.draft = await ok(await api('POST', '/api/v1/documents', { token: tok['chuyenvien.stnmt'], body: draftBody() }),
    201, 'draft');
  const issued = await ok(await api('POST', '/api/v1/documents', { token: tok['chuyenvien.stnmt'],
    body: draftBody({ subject: 'Về việc thu hồi đất' }) }), 201, 'draft to issue');
  await ok(await docAct(tok['chuyenvien.stnmt'], issued.id, 'submit'), 200, 'submit');
  await ok(await docAct(tok['lanhdao.stnmt'], issued.id, 'approve'), 200, 'approve');
  await ok(await docAct(tok['lanhdao.stnmt'], issued.id, 'sign'), 200, 'sign');
  made.issued = await ok(await docAct(tok['tiepnhan.stnmt'], issued.id, 'issue'), 200, 'issue');
  assert.equal(made.issued.state, 'issued');
});

after(async () => {
  await stopServer(server);
});

test('merged, the department\'s open tasks and documents in hand follow its successor; its staff go on with them', async () => {
  const plan = await ok(await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: {
    name: 'Hợp nhất Sở Tài nguyên và Môi trường', effective: localDay(), users: 'move',
    operations: [{ kind: 'merge', from: [DEPARTMENT], into: SUCCESSOR }] } }), 201, 'plan');
  // Those made here, and any the demo gave the department.
  const ends = plan.preview.ends[0];
  assert.ok(ends.open_tasks >= 2, `the preview counts the open tasks: ${ends.open_tasks}`);
  assert.ok(ends.open_documents >= 2, `and the documents in hand: ${ends.open_documents}`);
  assert.equal(plan.preview.totals.open_tasks, ends.open_tasks);
  assert.equal(plan.preview.totals.open_documents, ends.open_documents);
  const applied = await ok(await api('POST', `/api/v1/unit-plans/${plan.id}/apply`, { token: tok.admin }), 200, 'apply');
  assert.equal(applied.status, 'applied');
  assert.equal(applied.applied.moved_tasks, ends.open_tasks, 'the record counts the tasks moved');
  assert.equal(applied.applied.moved_documents, ends.open_documents, 'and the documents');
  for (const u of ['lanhdao.stnmt', 'chuyenvien.stnmt', 'tiepnhan.stnmt']) tok[u] = await server.login(u);

  // The task in its charge: at the successor, still in progress, with the event.
  const t = await ok(await api('GET', `/api/v1/tasks/${made.inCharge.id}`, { token: tok['chuyenvien.stnmt'] }), 200,
    'the moved specialist reads the task');
  assert.equal(t.unit.code, SUCCESSOR);
  assert.equal(t.state, 'in_progress');
  assert.equal(t.version, made.inCharge.version + 2, 'started, then moved: a new version');
  assert.deepEqual(t.cooperating.map((u) => u.code), [DISTRICT]);
  const ev = t.events.at(-1);
  assert.equal(ev.action, 'reorganise');
  assert.match(ev.note, /Hợp nhất Sở Tài nguyên và Môi trường/);
  assert.match(ev.note, new RegExp(`${DEPARTMENT.replaceAll('.', '\\.')}.*${SUCCESSOR.replaceAll('.', '\\.')}`));
  const reported = await ok(await taskAct(tok['chuyenvien.stnmt'], t.id, 'report', { note: 'Đã rà soát 3 huyện',
    percent: 40 }), 200, 'the moved specialist reports on it');
  assert.equal(reported.progress, 40);

  // Cooperating: the successor once, not twice.
  const c = await ok(await api('GET', `/api/v1/tasks/${made.cooperating.id}`, { token: tok['lanhdao.stnmt'] }), 200,
    'the moved leader reads the task cooperated on');
  assert.equal(c.unit.code, DISTRICT);
  assert.deepEqual(c.cooperating.map((u) => u.code), [SUCCESSOR]);
  assert.equal(c.events.at(-1).action, 'reorganise');

  // The task done keeps its unit: the record of who did it.
  const d = await ok(await api('GET', `/api/v1/tasks/${made.done.id}`, { token: tok['lanhdao.tinh.work'] }), 200, 'done');
  assert.equal(d.unit.code, DEPARTMENT);
  assert.equal(d.state, 'done');
  assert.ok(!d.events.some((e) => e.action === 'reorganise'));

  // The incoming document: read and assigned again by the moved leader.
  const inc = await ok(await api('GET', `/api/v1/documents/${made.incoming.id}`, { token: tok['lanhdao.stnmt'] }), 200,
    'the moved leader reads the incoming document');
  assert.equal(inc.unit.code, SUCCESSOR);
  assert.equal(inc.assigned_unit.code, SUCCESSOR);
  assert.equal(inc.state, 'assigned');
  assert.equal(inc.arrival_number, made.incoming.arrival_number, 'its số đến stays');
  assert.equal(inc.events.at(-1).action, 'reorganise');
  await ok(await docAct(tok['lanhdao.stnmt'], inc.id, 'assign', { to_unit: SUCCESSOR, track: false,
    note: 'Phòng Quản lý đất đai xử lý' }), 200, 'the moved leader assigns it again');

  // The draft: the moved specialist hands it on.
  const dr = await ok(await api('GET', `/api/v1/documents/${made.draft.id}`, { token: tok['chuyenvien.stnmt'] }), 200,
    'the draft');
  assert.equal(dr.unit.code, SUCCESSOR);
  assert.equal(dr.drafting_unit.code, SUCCESSOR);
  assert.equal(dr.events.at(-1).action, 'reorganise');
  await ok(await docAct(tok['chuyenvien.stnmt'], dr.id, 'submit'), 200, 'the moved specialist submits the draft');

  // The decision issued keeps its unit and number.
  const is = await ok(await api('GET', `/api/v1/documents/${made.issued.id}`, { token: tok['lanhdao.tinh.work'] }), 200,
    'issued');
  assert.equal(is.unit.code, DEPARTMENT);
  assert.equal(is.drafting_unit.code, DEPARTMENT);
  assert.equal(is.number, made.issued.number);
  assert.equal(is.version, made.issued.version);
  assert.ok(!is.events.some((e) => e.action === 'reorganise'));

  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, `audit verify:\n${audit.stdout}${audit.stderr}`);
});
