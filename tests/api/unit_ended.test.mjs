// An ended unit takes no new work (docs/units.md §3): once a reorganisation
// plan has ended a commune, a district leader cannot assign it a task (in
// charge or cooperating), a district administrator cannot open a document
// register at it, and the root's administrator cannot change its name or
// office hours: each is 422 unit-ended naming the
// successor, and nothing is stored; the successor takes the same at once.
// An apology prepared at the ended unit and not issued follows the dossier
// to the successor, whose leader issues it. A document addressed to two units
// a plan merges reaches their successor once.
// Everything is read back through the API, so the test runs on both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, COMMUNES, APPLICANT, localDay } from './helpers.mjs';

const [ENDED, OTHER] = COMMUNES.filter((c) => c.parent === DISTRICT).slice(5, 7).map((c) => c.code);
const HEIR = '000.25.917.H56';
// Two more communes merged into one by a second plan: a document addressed to both before it
// reaches their successor once.
const [TWIN_A, TWIN_B] = COMMUNES.filter((c) => c.parent === DISTRICT).slice(7, 9).map((c) => c.code);
const TWINS_HEIR = '000.25.918.H56';
let signedToTwins;

let server;
const tok = {};
const api = (...a) => server.api(...a);

let signedBefore;
const docBody = (subject, units) => ({ type: 'bao_cao', subject, body: 'Nội dung báo cáo.', place: 'Quảng Xương',
  signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình', recipients: 'Như trên;\nLưu: VT.', recipient_units: units });

const taskBody = (extra = {}) => ({ directive: 'Chỉ thị số 01/CT-UBND', title: 'Rà soát thủ tục',
  content: 'Rà soát', product: 'Báo cáo', due_in_working_days: 10, cooperating: [], ...extra });

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  tok.lanhdao = await server.login('lanhdao');
  const user = await api('POST', '/api/v1/users', { token: tok.admin, body: {
    username: 'admin.huyen', password: PASSWORD, full_name: 'Quản trị huyện', role: 'admin', unit: DISTRICT } });
  assertStatus(user, 201, 'a district administrator');
  tok.district = await server.login('admin.huyen');
  // Before the plan: the commune takes incoming documents, and a district
  // document addressed to it is signed, to be issued after the plan.
  for (const u of ['chuyenvien', 'tiepnhan']) tok[u] = await server.login(u);
  const reg = await api('POST', '/api/v1/document-registers', { token: tok.district, body: { unit: ENDED, box: 'in', organ_abbr: 'UBND' } });
  assert.ok([201, 409].includes(reg.status), `the commune's incoming register: ${reg.status}`);
  const d = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: docBody('Gửi xã trước khi sáp nhập', [ENDED]) });
  assertStatus(d, 201, 'draft');
  for (const [who, action] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign']]) {
    assertStatus(await api('POST', `/api/v1/documents/${d.body.id}/actions`, { token: tok[who], body: { action } }), 200, action);
  }
  signedBefore = d.body.id;
  for (const unit of [TWIN_A, TWIN_B]) {
    const r = await api('POST', '/api/v1/document-registers', { token: tok.district, body: { unit, box: 'in', organ_abbr: 'UBND' } });
    assert.ok([201, 409].includes(r.status), `${unit}'s incoming register: ${r.status}`);
  }
  const both = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: docBody('Gửi hai xã trước khi hợp nhất', [TWIN_A, TWIN_B]) });
  assertStatus(both, 201, 'draft to both');
  for (const [who, action] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign']]) {
    assertStatus(await api('POST', `/api/v1/documents/${both.body.id}/actions`, { token: tok[who], body: { action } }), 200, action);
  }
  signedToTwins = both.body.id;
  const merge = await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: { name: 'Hợp nhất hai xã',
    effective: localDay(), users: 'move', operations: [{ kind: 'merge', from: [TWIN_A, TWIN_B],
      into: { code: TWINS_HEIR, name: 'UBND xã Hợp Nhất', level: 'commune', parent: DISTRICT } }] } });
  assertStatus(merge, 201, 'the merge plan');
  assertStatus(await api('POST', `/api/v1/unit-plans/${merge.body.id}/apply`, { token: tok.admin }), 200, 'merge applied');
  const plan = await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: { name: 'Đổi tên xã',
    effective: localDay(), users: 'move', operations: [{ kind: 'rename', from: ENDED, into: { code: HEIR, name: 'UBND xã Mới' } }] } });
  assertStatus(plan, 201, 'plan');
  assertStatus(await api('POST', `/api/v1/unit-plans/${plan.body.id}/apply`, { token: tok.admin }), 200, 'applied');
});

after(async () => {
  await stopServer(server);
});

const ended = (res, what) => {
  assertProblem(res, 422, 'unit-ended', what);
  assert.match(res.body.detail, new RegExp(`${ENDED.replace(/\./g, '\\.')} .*has ended; its successor is ${HEIR.replace(/\./g, '\\.')}`));
};

test('a task is not assigned to an ended unit, in charge or cooperating', async () => {
  const count = async () => (await api('GET', '/api/v1/tasks?limit=200', { token: tok.lanhdao })).body.items.length;
  const before = await count();
  ended(await api('POST', '/api/v1/tasks', { token: tok.lanhdao, body: taskBody({ unit: ENDED }) }), 'in charge');
  ended(await api('POST', '/api/v1/tasks', { token: tok.lanhdao, body: taskBody({ unit: OTHER, cooperating: [ENDED] }) }),
    'cooperating');
  assert.equal(await count(), before, 'nothing stored');
  const t = await api('POST', '/api/v1/tasks', { token: tok.lanhdao, body: taskBody({ unit: HEIR }) });
  assertStatus(t, 201, 'the successor takes it');
});

test('no document register is opened at an ended unit', async () => {
  const list = async (unit) => (await api('GET', `/api/v1/document-registers?unit=${unit}`, { token: tok.district })).body.items;
  const before = (await list(ENDED)).length;
  ended(await api('POST', '/api/v1/document-registers', { token: tok.district,
    body: { unit: ENDED, box: 'in', organ_abbr: 'UBND' } }), 'register');
  assert.equal((await list(ENDED)).length, before, 'nothing stored');
  assertStatus(await api('POST', '/api/v1/document-registers', { token: tok.district,
    body: { unit: HEIR, box: 'in', organ_abbr: 'UBND' } }), 201, 'the successor opens one');
});

test('no officer is created at an ended unit, nor moved to one', async () => {
  const body = (username, unit) => ({ username, password: PASSWORD, full_name: 'Cán bộ một cửa', role: 'desk', unit });
  ended(await api('POST', '/api/v1/users', { token: tok.admin, body: body('motcua.daketthuc', ENDED) }), 'created');
  assertProblem(await api('GET', '/api/v1/users/motcua.daketthuc', { token: tok.admin }), 404, 'not-found', 'nothing stored');
  assertStatus(await api('POST', '/api/v1/users', { token: tok.admin, body: body('motcua.xakhac', OTHER) }), 201,
    'an officer of a unit in force');
  ended(await api('PATCH', '/api/v1/users/motcua.xakhac', { token: tok.admin, body: { unit: ENDED } }), 'moved');
  assert.equal((await api('GET', '/api/v1/users/motcua.xakhac', { token: tok.admin })).body.unit.code, OTHER,
    'the officer stays where they were');
  assertStatus(await api('PATCH', '/api/v1/users/motcua.xakhac', { token: tok.admin, body: { unit: HEIR } }), 200,
    'moved to the successor');
  assertStatus(await api('POST', '/api/v1/users', { token: tok.admin, body: body('motcua.xamoi', HEIR) }), 201,
    'the successor gets officers');
});

test('an ended unit\'s name and office hours are kept as they stood', async () => {
  const was = (await api('GET', `/api/v1/units/${ENDED}`)).body;
  ended(await api('PATCH', `/api/v1/units/${ENDED}`, { token: tok.admin,
    body: { name: 'UBND xã Đổi Tên', office_hours: '07:00-11:00' } }), 'PATCH');
  const now = (await api('GET', `/api/v1/units/${ENDED}`)).body;
  assert.equal(now.name, was.name);
  assert.deepEqual(now.office_hours, was.office_hours);
  assertStatus(await api('PATCH', `/api/v1/units/${HEIR}`, { token: tok.admin, body: { name: 'UBND xã Mới Hơn' } }), 200,
    'the successor is changed');
});

test('an apology prepared at a unit a plan ends follows the dossier: the successor\'s leader issues it', async () => {
  const DEPT = '000.00.10.H56', DEPT_HEIR = '000.00.90.H56';
  for (const u of ['tiepnhan.stnmt', 'chuyenvien.stnmt', 'lanhdao.stnmt']) tok[u] = await server.login(u);
  assertStatus(await api('POST', '/api/v1/procedures', { token: tok.admin, body: { code: '1.990010',
    name: 'Thủ tục thử nghiệm của Sở', field: 'Đất đai', levels: 'department', duration_hours: 40 } }), 201, 'procedure');
  const d = await api('POST', '/api/v1/dossiers', { token: tok['tiepnhan.stnmt'], body: { procedure_code: '1.990010',
    channel: 'direct', unit: DEPT, applicant: APPLICANT, documents: [{ name: 'Tờ khai', originals: 1 }] } });
  assertStatus(d, 201, 'filed at the department');
  const a = await api('POST', `/api/v1/dossiers/${d.body.code}/apologies`, { token: tok['chuyenvien.stnmt'],
    body: { reason: 'Chờ ý kiến phối hợp' } });
  assertStatus(a, 201, 'prepared');
  const plan = await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: { name: 'Đổi tên Sở',
    effective: localDay(), users: 'move', operations: [{ kind: 'rename', from: DEPT, into: { code: DEPT_HEIR,
      name: 'Sở Nông nghiệp và Môi trường' } }] } });
  assertStatus(plan, 201, 'plan');
  assertStatus(await api('POST', `/api/v1/unit-plans/${plan.body.id}/apply`, { token: tok.admin }), 200, 'applied');

  const leader = await server.login('lanhdao.stnmt'); // moved to the successor with its unit
  const listed = await api('GET', `/api/v1/dossiers/${d.body.code}/apologies`, { token: leader });
  assertStatus(listed, 200);
  const mine = listed.body.items.find((x) => x.id === a.body.id);
  assert.equal(mine.state, 'prepared');
  assert.equal(mine.unit.code, DEPT_HEIR, 'the prepared apology is the successor\'s now');
  const issued = await api('POST', `/api/v1/dossiers/${d.body.code}/apologies/${a.body.id}/issue`, { token: leader });
  assertStatus(issued, 200, 'the successor\'s leader issues it');
  assert.equal(issued.body.state, 'issued');
  assert.equal(issued.body.unit.code, DEPT_HEIR);
  const after = await api('GET', `/api/v1/dossiers/${d.body.code}`, { token: leader });
  assert.equal(after.body.current_unit.code, DEPT_HEIR);
  assert.equal(after.body.due_at, issued.body.new_due, 'the due time moved');
});

test('a document is not addressed to an ended unit; one addressed before the plan reaches its successor at issue', async () => {
  const count = async () => (await api('GET', '/api/v1/documents?box=out&limit=200', { token: tok.chuyenvien })).body.items.length;
  const before = await count();
  ended(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: docBody('Gửi xã đã sáp nhập', [ENDED]) }),
    'a draft addressed to the ended unit');
  assert.equal(await count(), before, 'nothing stored');
  // The successor needs its incoming register (the earlier test may have opened it).
  const reg = await api('POST', '/api/v1/document-registers', { token: tok.district, body: { unit: HEIR, box: 'in', organ_abbr: 'UBND' } });
  assert.ok([201, 409].includes(reg.status), `the successor's incoming register: ${reg.status}`);
  const issued = await api('POST', `/api/v1/documents/${signedBefore}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
  assertStatus(issued, 200, 'issued after the plan');
  const inbox = (await api('GET', '/api/v1/documents?box=in&limit=200', { token: tok.lanhdao })).body.items
    .filter((x) => x.subject === 'Gửi xã trước khi sáp nhập');
  assert.equal(inbox.length, 1, 'one copy');
  const copy = (await api('GET', `/api/v1/documents/${inbox[0].id}`, { token: tok.lanhdao })).body;
  assert.equal(copy.unit.code, HEIR, 'at the successor');
});

test('a document addressed to two units merged into one reaches their successor once', async () => {
  const reg = await api('POST', '/api/v1/document-registers', { token: tok.district, body: { unit: TWINS_HEIR, box: 'in', organ_abbr: 'UBND' } });
  assert.ok([201, 409].includes(reg.status), `the successor's incoming register: ${reg.status}`);
  const issued = await api('POST', `/api/v1/documents/${signedToTwins}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
  assertStatus(issued, 200, 'issued after the merge');
  const inbox = (await api('GET', '/api/v1/documents?box=in&limit=200', { token: tok.lanhdao })).body.items
    .filter((x) => x.subject === 'Gửi hai xã trước khi hợp nhất');
  assert.equal(inbox.length, 1, 'one copy for the two');
  const copy = (await api('GET', `/api/v1/documents/${inbox[0].id}`, { token: tok.lanhdao })).body;
  assert.equal(copy.unit.code, TWINS_HEIR, 'at the successor');
});
