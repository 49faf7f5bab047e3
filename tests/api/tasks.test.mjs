// Tasks (docs/tasks.md, QĐ 42/2014/QĐ-TTg as amended): assignment by the
// province's leader to a district with a department cooperating, reports,
// delegation to a commune, an extension asked for and granted, completion
// proposed, confirmed or sent back, suspension and cancellation, the lists
// and the figures; and the attacks: other units, other roles, citizens,
// stale versions, two confirmations at once, a report on a closed task,
// a deadline before the assignment, a child due after its parent, a
// cooperating unit outside the assigner's reach, floods, huge and malformed
// input. Runs on SQLite and, through scripts/test_pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT, COMMUNES, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const OTHER_DISTRICT = '000.00.34.H56'; // UBND huyện Ngọc Lặc
const COMMUNE = COMMUNES.find((c) => c.parent === DISTRICT).code;
const OTHER_COMMUNE = COMMUNES.filter((c) => c.parent === DISTRICT)[1].code;

let server;
const tok = {};
const api = (...a) => server.api(...a);

// Local days as the server counts them (UTC+7).

async function makeUser(username, role, unit) {
  const res = await api('POST', '/api/v1/users', { token: tok.admin, body: {
    username, password: PASSWORD, full_name: 'Cán bộ Kiểm Thử', role, unit } });
  assertStatus(res, 201, `make ${username}`);
  tok[username] = await server.login(username);
}

function taskBody(extra = {}) {
  return { directive: 'Chỉ thị số 05/CT-UBND ngày 10/3/2017 của Chủ tịch UBND tỉnh',
    title: 'Rà soát, đơn giản hóa thủ tục hành chính', content: 'Rà soát toàn bộ thủ tục cấp huyện',
    product: 'Báo cáo', unit: DISTRICT, cooperating: [DEPARTMENT], due_in_working_days: 10, ...extra };
}

async function create(token, extra = {}) {
  const res = await api('POST', '/api/v1/tasks', { token, body: taskBody(extra) });
  assertStatus(res, 201, 'create task');
  return res.body;
}

const act = (token, id, action, extra = {}, headers = {}) =>
  api('POST', `/api/v1/tasks/${id}/actions`, { token, body: { action, ...extra }, headers });

async function actOk(token, id, action, extra = {}) {
  const res = await act(token, id, action, extra);
  assertStatus(res, 200, `${action} task ${id}`);
  return res.body;
}

const get = async (token, id) => {
  const res = await api('GET', `/api/v1/tasks/${id}`, { token });
  assertStatus(res, 200, `read task ${id}`);
  return res.body;
};

before(async () => {
  server = await startServer({ dossiers: 5 });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'chuyenvien.stnmt', 'lanhdao.stnmt',
    'giamsat']) tok[u] = await server.login(u);
  await makeUser('lanhdao.tinh', 'leader', PROVINCE_UNIT);
  await makeUser('lanhdao.ngoclac', 'leader', OTHER_DISTRICT);
  await makeUser('lanhdao.xa', 'leader', COMMUNE);
  await makeUser('chuyenvien.xa', 'specialist', COMMUNE);
});

after(async () => {
  await stopServer(server);
});

test('the province leader assigns a task from a directive: the district in charge, the department cooperating', async () => {
  const t = await create(tok['lanhdao.tinh']);
  assert.equal(t.state, 'assigned');
  assert.equal(t.state_title, 'Chưa thực hiện');
  assert.equal(t.timing, 'in_time');
  assert.equal(t.unit.code, DISTRICT);
  assert.equal(t.assigner_unit.code, PROVINCE_UNIT);
  assert.deepEqual(t.cooperating.map((u) => u.code), [DEPARTMENT]);
  assert.equal(t.due, t.original_due);
  assert.equal(t.due_is_day_off, false);
  assert.ok(t.due >= localDay(12), `10 working days are at least 12 calendar days: ${t.due}`);
  // Seen by the three sides and those above them, by no one else.
  for (const u of ['lanhdao.tinh', 'lanhdao', 'chuyenvien', 'lanhdao.stnmt', 'chuyenvien.stnmt', 'giamsat', 'admin'])
    await get(tok[u], t.id);
  assertProblem(await api('GET', `/api/v1/tasks/${t.id}`, { token: tok['lanhdao.ngoclac'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/tasks/${t.id}`, { token: tok['lanhdao.xa'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/tasks/${t.id}`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/tasks/999999', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/tasks/abc', { token: tok.lanhdao }), 404, 'not-found');
  // A deadline on a day off stands and is reported as such (a Sunday at least a week away).
  const sunday = new Date(Date.now() + 7 * 3600000 + 7 * 86400000);
  sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7));
  const off = await create(tok['lanhdao.tinh'], { due_in_working_days: undefined, due: sunday.toISOString().slice(0, 10) });
  assert.equal(off.due_is_day_off, true);
  assert.equal(t.due_is_day_off, false);
  // The steps each side may take now, for the pages' buttons.
  assert.deepEqual((await get(tok['lanhdao.tinh'], t.id)).may, ['suspend', 'cancel']);
  assert.deepEqual((await get(tok.chuyenvien, t.id)).may, ['start', 'report', 'request_extension', 'propose_done']);
  assert.deepEqual((await get(tok.lanhdao, t.id)).may,
    ['start', 'report', 'request_extension', 'propose_done', 'delegate']);
  assert.deepEqual((await get(tok['chuyenvien.stnmt'], t.id)).may, ['report']);
  assert.deepEqual((await get(tok.giamsat, t.id)).may, []);
  const full = await get(tok.lanhdao, t.id);
  assert.equal(full.events.length, 1);
  assert.equal(full.events[0].action, 'assign');
  assert.match(full.events[0].hash, /^[0-9a-f]{64}$/);
});

test('the unit in charge works and reports; the cooperating unit reports its part only', async () => {
  const t = await create(tok['lanhdao.tinh']);
  let r = await actOk(tok.chuyenvien, t.id, 'start');
  assert.equal(r.state, 'in_progress');
  assert.equal(r.state_title, 'Đang thực hiện - trong hạn');
  r = await actOk(tok.chuyenvien, t.id, 'report', { note: 'Đã rà soát 40 thủ tục', percent: 30 });
  assert.equal(r.progress, 30);
  r = await actOk(tok['chuyenvien.stnmt'], t.id, 'report', { note: 'Sở đã góp ý', percent: 90 });
  assert.equal(r.progress, 30, 'a cooperating unit does not set the task\'s progress');
  // Each side only its own steps.
  assertProblem(await act(tok['chuyenvien.stnmt'], t.id, 'propose_done'), 403, 'out-of-scope');
  assertProblem(await act(tok['lanhdao.stnmt'], t.id, 'request_extension', { note: 'x', due: localDay(60) }),
    403, 'out-of-scope');
  assertProblem(await act(tok.lanhdao, t.id, 'confirm'), 403, 'out-of-scope');
  assertProblem(await act(tok.chuyenvien, t.id, 'cancel', { note: 'x' }), 403, 'forbidden');
  assertProblem(await act(tok['lanhdao.ngoclac'], t.id, 'report', { note: 'x' }), 403, 'out-of-scope');
  assertProblem(await act(tok.tiepnhan, t.id, 'report', { note: 'x' }), 403, 'forbidden');
  assertProblem(await act(tok.congdan, t.id, 'report', { note: 'x' }), 403, 'forbidden');
  // The province leader is the assigner, not the unit in charge.
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'propose_done'), 403, 'out-of-scope');
  // A report says something; a percent is 0..100.
  assertProblem(await act(tok.chuyenvien, t.id, 'report', {}), 422, 'missing-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { percent: 101 }), 422, 'invalid-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { percent: -1 }), 422, 'invalid-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'fly'), 422, 'invalid-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'delegate'), 422, 'invalid-field');
  const full = await get(tok.lanhdao, t.id);
  assert.deepEqual(full.events.map((e) => e.action), ['assign', 'start', 'report', 'report']);
  assert.equal(full.events[3].percent, 90);
  // The chain: every hash differs.
  assert.equal(new Set(full.events.map((e) => e.hash)).size, 4);
});

test('delegation to a commune: never due after the parent; the parent\'s progress is its children\'s', async () => {
  const t = await create(tok['lanhdao.tinh'], { due_in_working_days: 20 });
  const sub = (token, extra) => api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token,
    body: { title: 'Rà soát thủ tục cấp xã', unit: COMMUNE, due: t.due, ...extra } });
  // After the parent, or without a day under a parent that has one: refused, nothing written.
  const late = new Date(Date.parse(t.due) + 86400000).toISOString().slice(0, 10);
  assertProblem(await sub(tok.lanhdao, { due: late }), 422, 'invalid-field');
  assertProblem(await sub(tok.lanhdao, { due: undefined, due_kind: 'none' }), 422, 'invalid-field');
  // Only the unit in charge's leader, to its own subtree.
  assertProblem(await sub(tok.chuyenvien, {}), 403, 'forbidden');
  assertProblem(await sub(tok['lanhdao.tinh'], {}), 403, 'out-of-scope');
  assertProblem(await sub(tok['lanhdao.stnmt'], {}), 403, 'out-of-scope');
  assertProblem(await sub(tok.lanhdao, { unit: OTHER_DISTRICT }), 422, 'invalid-field');
  assertProblem(await sub(tok.lanhdao, { unit: DISTRICT }), 422, 'invalid-field');
  assertProblem(await sub(tok.lanhdao, { cooperating: [DEPARTMENT] }), 422, 'invalid-field');
  assert.equal((await get(tok.lanhdao, t.id)).children.length, 0);
  const res = await sub(tok.lanhdao, { cooperating: [OTHER_COMMUNE] });
  assertStatus(res, 201, 'delegate');
  const child = res.body;
  assert.equal(child.parent, t.id);
  assert.equal(child.assigner_unit.code, DISTRICT);
  assert.equal(child.directive, t.directive);
  let parent = await get(tok.lanhdao, t.id);
  assert.equal(parent.state, 'in_progress', 'delegating starts the work');
  assert.equal(parent.children.length, 1);
  // The commune sees its part, not the parent; it reports, the district sees the progress.
  assertProblem(await api('GET', `/api/v1/tasks/${t.id}`, { token: tok['chuyenvien.xa'] }), 403, 'out-of-scope');
  await actOk(tok['chuyenvien.xa'], child.id, 'report', { note: 'Một nửa', percent: 50 });
  parent = await get(tok.lanhdao, t.id);
  assert.equal(parent.progress_overall, 50);
  // The district confirms the commune's work: it is the child's assigner.
  await actOk(tok['chuyenvien.xa'], child.id, 'propose_done');
  assertProblem(await act(tok['lanhdao.xa'], child.id, 'confirm'), 403, 'out-of-scope');
  const done = await actOk(tok.lanhdao, child.id, 'confirm');
  assert.equal(done.state, 'done');
  assert.equal(done.state_title, 'Đã hoàn thành - đúng hạn');
  assert.equal((await get(tok.lanhdao, t.id)).progress_overall, 100);
});

test('a part is not given more time than its task has: the task is extended first', async () => {
  const t = await create(tok['lanhdao.tinh'], { due_in_working_days: 20 });
  const made = await api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token: tok.lanhdao,
    body: { title: 'Phần việc của xã', unit: COMMUNE, due: t.due } });
  assertStatus(made, 201, 'delegate');
  const child = made.body;
  const later = localDay(90);
  await actOk(tok['chuyenvien.xa'], child.id, 'request_extension', { note: 'Chưa đủ số liệu', due: later });
  const refused = await act(tok.lanhdao, child.id, 'grant_extension');
  assertProblem(refused, 422, 'invalid-field', 'past the task\'s own deadline');
  assert.match(refused.body.detail, /extend the task first/);
  const still = await get(tok.lanhdao, child.id);
  assert.equal(still.due, t.due, 'nothing changed');
  assert.equal(still.state, 'extension_requested');
  // The district asks the province, which extends the task; then its part.
  await actOk(tok.chuyenvien, t.id, 'request_extension', { note: 'Xã cần thêm thời gian', due: later });
  await actOk(tok['lanhdao.tinh'], t.id, 'grant_extension');
  const r = await actOk(tok.lanhdao, child.id, 'grant_extension');
  assert.equal(r.due, later);
});

test('an extension asked for with a reason and granted: the original deadline is kept for judging', async () => {
  const t = await create(tok['lanhdao.tinh']);
  const later = localDay(90);
  assertProblem(await act(tok.chuyenvien, t.id, 'request_extension', { due: later }), 422, 'missing-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'request_extension', { note: 'Chưa đủ số liệu', due: t.due }),
    422, 'invalid-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'request_extension', { note: 'Chưa đủ số liệu', due: '2017-13-40' }),
    422, 'invalid-field');
  let r = await actOk(tok.chuyenvien, t.id, 'request_extension', { note: 'Chưa đủ số liệu', due: later });
  assert.equal(r.state, 'extension_requested');
  assert.equal(r.requested_due, later);
  assertProblem(await act(tok.chuyenvien, t.id, 'request_extension', { note: 'lại', due: later }), 409,
    'forbidden-transition');
  assertProblem(await act(tok.lanhdao, t.id, 'grant_extension'), 403, 'out-of-scope');
  r = await actOk(tok['lanhdao.tinh'], t.id, 'grant_extension');
  assert.equal(r.state, 'in_progress');
  assert.equal(r.due, later);
  assert.equal(r.original_due, t.due);
  assert.equal(r.extended, true);
  assert.equal(r.requested_due, null);
  // A second request refused.
  await actOk(tok.chuyenvien, t.id, 'request_extension', { note: 'Thêm nữa', due: localDay(120) });
  r = await actOk(tok['lanhdao.tinh'], t.id, 'refuse_extension', { note: 'Không đồng ý' });
  assert.equal(r.due, later);
  // A task without a day is never extended.
  const open = await create(tok['lanhdao.tinh'], { due_kind: 'none', due_in_working_days: undefined });
  assert.equal(open.timing, 'no_deadline');
  assertProblem(await act(tok.chuyenvien, open.id, 'request_extension', { note: 'x', due: later }), 422,
    'invalid-field');
});

test('completion proposed, sent back, proposed again and confirmed once; nothing after', async () => {
  const t = await create(tok['lanhdao.tinh']);
  await actOk(tok.chuyenvien, t.id, 'propose_done', { note: 'Xong' });
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'send_back'), 422, 'missing-field');
  let r = await actOk(tok['lanhdao.tinh'], t.id, 'send_back', { note: 'Báo cáo thiếu số liệu' });
  assert.equal(r.state, 'sent_back');
  assert.equal(r.state_title, 'Đang thực hiện - trong hạn');
  r = await actOk(tok.chuyenvien, t.id, 'propose_done', { note: 'Đã bổ sung' });
  assert.equal(r.state_title, 'Chờ xác nhận hoàn thành');
  // Two confirmations at once at the same version: one passes, the other is 412.
  const etag = `"${r.version}"`;
  const both = await Promise.all([0, 1].map(() => act(tok['lanhdao.tinh'], t.id, 'confirm', {}, { 'If-Match': etag })));
  const codes = both.map((x) => x.status).sort();
  assert.deepEqual(codes, [200, 412], both.map((x) => x.text).join('\n'));
  // Without If-Match the second one is a forbidden step.
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'confirm'), 409, 'forbidden-transition');
  // A report on a closed task, a cancellation of a done one: refused, nothing written.
  const before = (await get(tok.lanhdao, t.id)).events.length;
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { note: 'thêm' }), 409, 'forbidden-transition');
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'cancel', { note: 'x' }), 409, 'forbidden-transition');
  const after = await get(tok.lanhdao, t.id);
  assert.equal(after.events.length, before);
  assert.equal(after.state, 'done');
  assert.equal(after.done_on, localDay());
});

test('stale versions: If-Match of another version is 412, a malformed one too', async () => {
  const t = await create(tok['lanhdao.tinh']);
  await actOk(tok.chuyenvien, t.id, 'start');
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { note: 'x' }, { 'If-Match': `"${t.version}"` }), 412,
    'precondition-failed');
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { note: 'x' }, { 'If-Match': 'abc' }), 412,
    'precondition-failed');
  const cur = await get(tok.chuyenvien, t.id);
  assert.equal(cur.events.length, 2);
  await actOk(tok.chuyenvien, t.id, 'report', { note: 'x' });
});

test('the assigner suspends, resumes and cancels; others may not', async () => {
  const t = await create(tok['lanhdao.tinh']);
  assertProblem(await act(tok.lanhdao, t.id, 'suspend', { note: 'x' }), 403, 'out-of-scope');
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'suspend'), 422, 'missing-field');
  let r = await actOk(tok['lanhdao.tinh'], t.id, 'suspend', { note: 'Chờ chủ trương mới' });
  assert.equal(r.state_title, 'Tạm dừng');
  assertProblem(await act(tok.chuyenvien, t.id, 'report', { note: 'x' }), 409, 'forbidden-transition');
  r = await actOk(tok['lanhdao.tinh'], t.id, 'resume');
  assert.equal(r.state, 'in_progress');
  r = await actOk(tok['lanhdao.tinh'], t.id, 'cancel', { note: 'Không còn cần thiết' });
  assert.equal(r.state_title, 'Đã hủy');
  assertProblem(await act(tok['lanhdao.tinh'], t.id, 'resume'), 409, 'forbidden-transition');
});

test('a task cancelled calls off its open parts with it; a part already done stays done', async () => {
  const t = await create(tok['lanhdao.tinh'], { due_in_working_days: 20 });
  const sub = async (unit, title) => {
    const r = await api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token: tok.lanhdao, body: { title, unit, due: t.due } });
    assertStatus(r, 201, `delegate ${title}`);
    return r.body;
  };
  const open = await sub(COMMUNE, 'Phần còn làm');
  const done = await sub(COMMUNE, 'Phần đã xong');
  await actOk(tok['chuyenvien.xa'], open.id, 'report', { note: 'Đang làm', percent: 30 });
  await actOk(tok['chuyenvien.xa'], done.id, 'propose_done');
  await actOk(tok.lanhdao, done.id, 'confirm');
  const reason = 'Chủ trương đã thay đổi';
  await actOk(tok['lanhdao.tinh'], t.id, 'cancel', { note: reason });
  const part = await get(tok['chuyenvien.xa'], open.id);
  assert.equal(part.state, 'cancelled', 'the open part is called off');
  const events = (await api('GET', `/api/v1/tasks/${open.id}/events`, { token: tok['chuyenvien.xa'] })).body.events;
  const last = events[events.length - 1];
  assert.equal(last.action, 'cancel');
  assert.match(last.note, new RegExp(`task ${t.id}, which this is part of, was cancelled: ${reason}`));
  assertProblem(await act(tok['chuyenvien.xa'], open.id, 'report', { note: 'x' }), 409, 'forbidden-transition',
    'no more work on it');
  assert.equal((await get(tok.lanhdao, done.id)).state, 'done', 'the part done stays done');
});

test('bad input at assignment: each a clear error, nothing written', async () => {
  const L = tok['lanhdao.tinh'];
  const count = async () => (await api('GET', `/api/v1/tasks?unit=${PROVINCE_UNIT}&limit=1`, { token: L })).body.total;
  const n0 = await count();
  const bad = async (body, status, slug, what) => {
    const res = await api('POST', '/api/v1/tasks', { token: L, body });
    assertProblem(res, status, slug, what);
  };
  await bad(taskBody({ due_in_working_days: undefined, due: '2017-01-01' }), 422, 'invalid-field', 'before the assignment');
  await bad(taskBody({ due: localDay(30) }), 422, 'invalid-field', 'due and due_in_working_days');
  await bad(taskBody({ due_in_working_days: 0 }), 422, 'invalid-field', 'zero days');
  await bad(taskBody({ due_in_working_days: undefined }), 422, 'missing-field', 'no due day');
  await bad(taskBody({ due_kind: 'recurring', due_in_working_days: undefined }), 422, 'invalid-field', 'no period');
  await bad(taskBody({ due_kind: 'someday' }), 422, 'invalid-field', 'due_kind');
  await bad(taskBody({ period: 'daily' }), 422, 'invalid-field', 'period');
  await bad(taskBody({ directive: undefined }), 422, 'missing-field', 'no source');
  await bad(taskBody({ title: undefined }), 422, 'missing-field', 'no title');
  await bad(taskBody({ title: 'x'.repeat(501) }), 422, 'invalid-field', 'long title');
  await bad(taskBody({ content: 'ạ'.repeat(5001) }), 422, 'invalid-field', 'long content');
  await bad(taskBody({ unit: 'NOPE' }), 422, 'unknown-unit', 'unknown unit');
  await bad(taskBody({ unit: PROVINCE_UNIT }), 422, 'invalid-field', 'the assigner itself');
  await bad(taskBody({ cooperating: [DISTRICT] }), 422, 'invalid-field', 'in charge and cooperating');
  await bad(taskBody({ cooperating: [DEPARTMENT, DEPARTMENT] }), 422, 'invalid-field', 'twice');
  await bad(taskBody({ cooperating: Array.from({ length: 31 }, () => DEPARTMENT) }), 422, 'invalid-field', '31 units');
  await bad(taskBody({ cooperating: [42] }), 422, 'invalid-field', 'not a code');
  await bad(taskBody({ source_document: 999999, directive: undefined }), 422, 'invalid-field', 'no such document');
  const res = await api('POST', '/api/v1/tasks', { token: L, body: '{"title": ' });
  assertProblem(res, 400, 'malformed-json');
  // A cooperating unit outside the assigner's reach: the district's leader cannot involve a department.
  const d = await api('POST', '/api/v1/tasks', { token: tok.lanhdao, body: taskBody({ unit: COMMUNE }) });
  assertProblem(d, 422, 'invalid-field', 'department outside the district');
  // Other roles, other units.
  assertProblem(await api('POST', '/api/v1/tasks', { token: tok.chuyenvien, body: taskBody() }), 403, 'forbidden');
  assertProblem(await api('POST', '/api/v1/tasks', { token: tok.congdan, body: taskBody() }), 403, 'forbidden');
  assertProblem(await api('POST', '/api/v1/tasks', { token: tok.lanhdao,
    body: taskBody({ assigner_unit: PROVINCE_UNIT }) }), 403, 'out-of-scope');
  assert.equal(await count(), n0);
});

test('a task born from an incoming document and closed by a report', async () => {
  // registered in the district's incoming register of the demo (src/demo/documents.c)
  const doc = await api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan, body: {
    type: 'chi_thi', subject: 'Về tăng cường cải cách hành chính', organ_name: 'UBND tỉnh Thanh Hóa',
    number: '05/CT-UBND', date: '2017-03-10' } });
  assertStatus(doc, 201, 'incoming');
  // The province's leader sees the district's documents and builds on them.
  const t = await create(tok['lanhdao.tinh'], { directive: undefined, source_document: doc.body.id, cooperating: [] });
  assert.equal(t.source_document, doc.body.id);
  assert.equal(t.directive, null);
  // A leader who may not see the document cannot build on it.
  assertProblem(await api('POST', '/api/v1/tasks', { token: tok['lanhdao.ngoclac'], body: taskBody({
    directive: undefined, source_document: doc.body.id, unit: '000.01.34.H56', cooperating: [] }) }), 422,
  'invalid-field');
  const listed = await api('GET', `/api/v1/tasks?source_document=${doc.body.id}`, { token: tok.lanhdao });
  assert.deepEqual(listed.body.items.map((x) => x.id), [t.id]);
  // A commune cannot close it with a document it may not see; the district can.
  const sub = await api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token: tok.lanhdao,
    body: { title: 'Phần của xã', unit: COMMUNE, due: t.due } });
  assertStatus(sub, 201, 'delegate');
  assertProblem(await act(tok['chuyenvien.xa'], sub.body.id, 'propose_done', { document: doc.body.id }), 422,
    'invalid-field');
  assertProblem(await act(tok.chuyenvien, t.id, 'propose_done', { document: 999999 }), 422, 'invalid-field');
  const r = await actOk(tok.chuyenvien, t.id, 'propose_done', { note: 'Báo cáo kết quả', document: doc.body.id });
  assert.equal(r.closing_document, doc.body.id);
});

test('lists by unit, side, state and due, with paging; figures by unit', async () => {
  const L = tok['lanhdao.tinh'];
  const a = await create(L, { title: 'Nhiệm vụ A' });
  await create(L, { title: 'Nhiệm vụ B', unit: OTHER_DISTRICT, cooperating: [] });
  // The district sees what it is in charge of; Ngọc Lặc sees only its own.
  const mine = await api('GET', `/api/v1/tasks?relation=in_charge&unit=${DISTRICT}&limit=200`, { token: tok.lanhdao });
  assertStatus(mine, 200);
  assert.ok(mine.body.items.some((x) => x.id === a.id));
  assert.ok(mine.body.items.every((x) => x.unit.code === DISTRICT || x.unit.code.endsWith('.33.H56')));
  const theirs = await api('GET', '/api/v1/tasks?limit=200', { token: tok['lanhdao.ngoclac'] });
  assert.ok(theirs.body.items.length >= 1);
  assert.ok(theirs.body.items.every((x) => x.unit.code === OTHER_DISTRICT));
  // The department sees what it cooperates on.
  const coop = await api('GET', '/api/v1/tasks?relation=cooperating&limit=200', { token: tok['chuyenvien.stnmt'] });
  assert.ok(coop.body.items.some((x) => x.id === a.id));
  assert.ok(coop.body.items.every((x) => x.unit.code !== OTHER_DISTRICT));
  // Another unit's list is out of scope; bad filters are 400.
  assertProblem(await api('GET', `/api/v1/tasks?unit=${DISTRICT}`, { token: tok['lanhdao.ngoclac'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', '/api/v1/tasks?state=late', { token: L }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/tasks?relation=boss', { token: L }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/tasks?due_from=yesterday', { token: L }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/tasks?limit=100000', { token: L }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/tasks?timing=late', { token: L }), 400, 'invalid-query');
  // Paging: two pages of one hold two different tasks; the total is the same.
  const p1 = await api('GET', '/api/v1/tasks?limit=1&offset=0', { token: L });
  const p2 = await api('GET', '/api/v1/tasks?limit=1&offset=1', { token: L });
  assert.equal(p1.body.total, p2.body.total);
  assert.notEqual(p1.body.items[0].id, p2.body.items[0].id);
  const assigned = await api('GET', '/api/v1/tasks?state=assigned&limit=200', { token: L });
  assert.ok(assigned.body.items.every((x) => x.state === 'assigned'));
  // The demo's tasks of 2017 still open are overdue; nothing assigned today is.
  const overdue = await api('GET', '/api/v1/tasks?timing=overdue&limit=200', { token: L });
  assert.ok(overdue.body.total > 0, 'the demo has overdue tasks');
  assert.ok(overdue.body.items.every((x) => x.timing === 'overdue' && x.assigned_on < localDay()));
  const soon = await api('GET', '/api/v1/tasks?timing=due_soon&limit=200', { token: L });
  assert.ok(soon.body.items.every((x) => x.timing === 'due_soon'));
  // The figures: every field the issue names, per unit too, equal to the list's count.
  const s = await api('GET', `/api/v1/tasks/stats?unit=${PROVINCE_UNIT}&from=${localDay(-1)}&to=${localDay()}`, { token: L });
  assertStatus(s, 200);
  for (const k of ['assigned', 'done_on_time', 'done_late', 'in_progress_in_time', 'in_progress_overdue'])
    assert.equal(typeof s.body[k], 'number', k);
  const all = await api('GET', '/api/v1/tasks?limit=200', { token: L });
  const live = all.body.items.filter((x) => x.state !== 'cancelled' && x.assigned_on >= localDay(-1));
  assert.equal(s.body.assigned, live.length);
  assert.equal(s.body.done_on_time, live.filter((x) => x.timing === 'done_on_time').length);
  assert.equal(s.body.in_progress_overdue, 0);
  // The demo's year: every state and timing is there, some late.
  const y = await api('GET', `/api/v1/tasks/stats?unit=${PROVINCE_UNIT}&from=2017-01-01&to=2017-12-31`, { token: L });
  assertStatus(y, 200);
  assert.ok(y.body.assigned >= 18);
  for (const k of ['done_on_time', 'done_late', 'done_extended', 'in_progress_overdue', 'suspended'])
    assert.ok(y.body[k] > 0, `the demo has ${k}`);
  const rowQX = s.body.by_unit.find((r) => r.unit.code === DISTRICT);
  assert.equal(rowQX.assigned, live.filter((x) => x.unit.code === DISTRICT).length);
  assert.equal(s.body.by_unit.reduce((n, r) => n + r.assigned, 0), s.body.assigned);
  // By assigning leader too: the province's leader gave these, the district's the parts.
  assert.equal(s.body.by_leader.reduce((n, r) => n + r.assigned, 0), s.body.assigned);
  const byTinh = s.body.by_leader.find((r) => r.leader?.username === 'lanhdao.tinh');
  assert.equal(byTinh.assigned, live.filter((x) => x.assigner_unit.code === PROVINCE_UNIT).length);
  assertProblem(await api('GET', `/api/v1/tasks/stats?from=${localDay()}&to=${localDay(-3)}`, { token: L }), 400,
    'invalid-query');
  // The same figures printed and as a workbook, for the monthly meeting.
  const pdf = await fetch(`${server.base}/api/v1/tasks/stats.pdf?unit=${PROVINCE_UNIT}&from=2017-01-01&to=2017-12-31`,
    { headers: { Authorization: `Bearer ${L}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const xlsx = await fetch(`${server.base}/api/v1/tasks/stats.xlsx?from=2017-01-01&to=2017-12-31`,
    { headers: { Authorization: `Bearer ${L}` } });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  assertProblem(await api('GET', `/api/v1/tasks/stats.pdf?unit=${DISTRICT}`, { token: tok['lanhdao.ngoclac'] }), 403,
    'out-of-scope');
  assertProblem(await api('GET', '/api/v1/tasks/stats.xlsx?from=2017-13-01', { token: L }), 400, 'invalid-query');
  assertProblem(await api('GET', `/api/v1/tasks/stats?unit=${DISTRICT}`, { token: tok['lanhdao.ngoclac'] }), 403,
    'out-of-scope');
});

test('a flood of reports at once: each recorded once, the chain whole', async () => {
  const t = await create(tok['lanhdao.tinh']);
  const res = await Promise.all(Array.from({ length: 25 }, (_, i) =>
    act(tok.chuyenvien, t.id, 'report', { note: `Báo cáo ${i}`, percent: i })));
  for (const r of res) assertStatus(r, 200, 'report');
  const full = await get(tok.lanhdao, t.id);
  assert.equal(full.events.length, 26);
  assert.equal(new Set(full.events.map((e) => e.hash)).size, 26);
  assert.equal(full.version, 26);
});

test('a recurring task: each report of the unit in charge covers the next period; a cooperating one does not', async () => {
  const t = await create(tok['lanhdao.tinh'], { due_kind: 'recurring', period: 'month', due_in_working_days: undefined });
  assert.equal(t.due_kind, 'recurring');
  assert.equal(t.period, 'month');
  assert.equal(t.due, null);
  // This month's report is due on its last working day.
  const [y, m] = localDay().split('-').map(Number);
  assert.equal(t.next_report_due.slice(0, 7), `${y}-${String(m).padStart(2, '0')}`);
  assert.ok(['in_time', 'due_soon'].includes(t.timing));
  await actOk(tok['chuyenvien.stnmt'], t.id, 'report', { note: 'Sở góp ý' });
  assert.equal((await get(tok.lanhdao, t.id)).next_report_due, t.next_report_due, 'a cooperating unit reports no period');
  const r = await actOk(tok.chuyenvien, t.id, 'report', { note: `Báo cáo tháng ${m}` });
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
  assert.equal(r.next_report_due.slice(0, 7), next, 'the next report is next month\'s');
  assert.equal(r.timing, 'in_time');
  // The next period has not begun: another report covers nothing more.
  const again = await actOk(tok.chuyenvien, t.id, 'report', { note: 'Bổ sung' });
  assert.equal(again.next_report_due, r.next_report_due);
  // The log keeps the period each report answers (migration 037): the
  // month's, due on its last working day; the cooperating unit's report and
  // the one before the next period began answer none.
  const month = `${y}-${String(m).padStart(2, '0')}`;
  const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const reports = (await get(tok.lanhdao, t.id)).events.filter((e) => e.action === 'report');
  assert.equal(reports.length, 3);
  assert.equal(reports[0].period, undefined, "a cooperating unit's report answers no period");
  assert.deepEqual(reports[1].period, { first_day: `${month}-01`, last_day: lastDay, report_due: t.next_report_due.slice(0, 10) });
  assert.equal(reports[2].period, undefined, 'the next period has not begun');
  // A recurring task's parts report as often or more; a yearly one under a monthly is refused.
  assertProblem(await api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token: tok.lanhdao, body: { title: 'Phần của xã',
    unit: COMMUNE, due_kind: 'recurring', period: 'year' } }), 422, 'invalid-field');
  const week = await api('POST', `/api/v1/tasks/${t.id}/subtasks`, { token: tok.lanhdao, body: { title: 'Phần của xã',
    unit: COMMUNE, due_kind: 'recurring', period: 'week' } });
  assertStatus(week, 201, 'a weekly part');
  // Lists: only tasks given directly (top), or the parts of one (parent).
  const parts = await api('GET', `/api/v1/tasks?parent=${t.id}`, { token: tok.lanhdao });
  assert.deepEqual(parts.body.items.map((x) => x.id), [week.body.id]);
  const top = await api('GET', '/api/v1/tasks?top=true&limit=200', { token: tok.lanhdao });
  assert.ok(top.body.items.every((x) => x.parent === null));
  assert.ok(top.body.items.some((x) => x.id === t.id));
});

// The figures are counted by the store in groups (mc_store_task_groups) and
// judged once a group: after a random sequence of steps they must equal a
// count of the tasks one by one as the list judges them. Seeded, so that a
// failure repeats.
test('the figures equal a count of the rows after a random sequence of steps', async () => {
  let seed = 20170310;
  const rand = (n) => { // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const L = tok['lanhdao.tinh'];
  const kinds = [{ due_in_working_days: 1 }, { due_in_working_days: 20 },
    { due_kind: 'none', due_in_working_days: undefined },
    { due_kind: 'recurring', period: 'month', due_in_working_days: undefined }];
  const ids = [];
  for (let i = 0; i < 10; i++) ids.push((await create(L, kinds[rand(kinds.length)])).id);
  const steps = [[tok.chuyenvien, 'start', {}], [tok.chuyenvien, 'report', { note: 'Tiến độ', percent: 50 }],
    [tok.chuyenvien, 'request_extension', { note: 'Thêm thời gian', due: localDay(90) }],
    [L, 'grant_extension', {}], [L, 'refuse_extension', { note: 'Không' }],
    [tok.chuyenvien, 'propose_done', { note: 'Xong' }], [L, 'confirm', {}], [L, 'send_back', { note: 'Chưa đạt' }],
    [L, 'suspend', { note: 'Tạm dừng' }], [L, 'resume', {}], [L, 'cancel', { note: 'Hủy' }]];
  let done = 0;
  for (let i = 0; i < 120; i++) {
    const [who, action, extra] = steps[rand(steps.length)];
    const res = await act(who, ids[rand(ids.length)], action, extra);
    assert.ok([200, 409, 422].includes(res.status), `${action}: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.status === 200) done++;
  }
  assert.ok(done > 20, `enough steps were taken (${done})`);
  const s = await api('GET', `/api/v1/tasks/stats?unit=${PROVINCE_UNIT}`, { token: L });
  assertStatus(s, 200);
  const all = { body: { items: [] } };
  for (let offset = 0; ; offset += 200) {
    const page = await api('GET', `/api/v1/tasks?limit=200&offset=${offset}`, { token: L });
    assertStatus(page, 200);
    all.body.items.push(...page.body.items);
    if (all.body.items.length >= page.body.total || page.body.items.length === 0) break;
  }
  const figures = (items) => {
    const f = { assigned: 0, done_on_time: 0, done_extended: 0, done_late: 0, in_progress_in_time: 0,
      in_progress_overdue: 0, waiting_confirmation: 0, suspended: 0, no_deadline: 0 };
    for (const x of items.filter((y) => y.state !== 'cancelled')) {
      f.assigned++;
      if (x.state === 'suspended') { f.suspended++; continue; }
      if (x.state === 'proposed_done') f.waiting_confirmation++;
      const k = { in_time: 'in_progress_in_time', due_soon: 'in_progress_in_time', overdue: 'in_progress_overdue' }[x.timing];
      f[k ?? x.timing]++;
    }
    return f;
  };
  const pick = (o) => Object.fromEntries(Object.keys(figures([])).map((k) => [k, o[k]]));
  assert.deepEqual(pick(s.body), figures(all.body.items));
  const units = new Set(all.body.items.filter((x) => x.state !== 'cancelled').map((x) => x.unit.code));
  assert.equal(s.body.by_unit.length, units.size);
  for (const row of s.body.by_unit)
    assert.deepEqual(pick(row), figures(all.body.items.filter((x) => x.unit.code === row.unit.code)), row.unit.code);
});

// The demo's Chairman of the provincial People's Committee (chutich, issue 11 §Demo): the
// 2017 directives are assigned in his name, and he confirms a completion the demo left
// proposed; his row of the figures by leader holds the tasks he gave.
test('the demo chairman assigned the 2017 directives and confirms a completion proposed', async () => {
  const C = await server.login('chutich');
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const page = await api('GET', `/api/v1/tasks?unit=${PROVINCE_UNIT}&limit=200&offset=${offset}`, { token: C });
    assertStatus(page, 200);
    items.push(...page.body.items);
    if (items.length >= page.body.total || page.body.items.length === 0) break;
  }
  const given = items.filter((x) => x.assigned_on.startsWith('2017') && x.assigner_unit.code === PROVINCE_UNIT);
  assert.ok(given.length >= 18, `the demo's 2017 tasks (${given.length})`);
  const first = await get(C, given[0].id);
  assert.equal(first.events[0].by, 'Trịnh Văn Khoa');
  const proposed = given.find((x) => x.state === 'proposed_done');
  assert.ok(proposed, 'a 2017 task waits for the chairman');
  const done = await actOk(C, proposed.id, 'confirm');
  assert.equal(done.state, 'done');
  const s = await api('GET', `/api/v1/tasks/stats?unit=${PROVINCE_UNIT}&from=2017-01-01&to=2017-12-31`, { token: C });
  assertStatus(s, 200);
  const row = s.body.by_leader.find((r) => r.leader?.username === 'chutich');
  assert.ok(row, 'the chairman has a row of the figures by leader');
  assert.equal(row.assigned, given.filter((x) => x.state !== 'cancelled').length);
});

// The figures come from the roll-up kept in the write transaction (docs/tasks.md §5): for
// the province, a district (tasks given from above it, counted live) and spans of days
// (cells of days, months and years), they equal a count of the tasks the list shows, by
// unit in charge; the rows by leader add up to the same total.
test('the figures from the roll-up equal a count of the rows, for the province, a district and spans', async () => {
  const L = tok['lanhdao.tinh'];
  const keys = ['assigned', 'done_on_time', 'done_extended', 'done_late', 'in_progress_in_time',
    'in_progress_overdue', 'waiting_confirmation', 'suspended', 'no_deadline'];
  const figures = (items) => {
    const f = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const x of items.filter((y) => y.state !== 'cancelled')) {
      f.assigned++;
      if (x.state === 'suspended') { f.suspended++; continue; }
      if (x.state === 'proposed_done') f.waiting_confirmation++;
      const k = { in_time: 'in_progress_in_time', due_soon: 'in_progress_in_time', overdue: 'in_progress_overdue' }[x.timing];
      f[k ?? x.timing]++;
    }
    return f;
  };
  const pick = (o) => Object.fromEntries(keys.map((k) => [k, o[k]]));
  let compared = 0;
  for (const unit of [PROVINCE_UNIT, DISTRICT]) {
    const items = [];
    for (let offset = 0; ; offset += 200) {
      const page = await api('GET', `/api/v1/tasks?unit=${unit}&limit=200&offset=${offset}`, { token: L });
      assertStatus(page, 200);
      items.push(...page.body.items);
      if (items.length >= page.body.total || page.body.items.length === 0) break;
    }
    for (const [from, to] of [[null, null], ['2017-01-01', '2017-12-31'], ['2017-03-15', '2017-08-20'],
      [localDay(-40), localDay()], [localDay(), null]]) {
      const q = [from && `from=${from}`, to && `to=${to}`].filter(Boolean).join('&');
      const s = await api('GET', `/api/v1/tasks/stats?unit=${unit}${q ? '&' + q : ''}`, { token: L });
      assertStatus(s, 200);
      const mine = items.filter((x) => (!from || x.assigned_on >= from) && (!to || x.assigned_on <= to));
      assert.deepEqual(pick(s.body), figures(mine), `${unit} ${q}`);
      compared += s.body.assigned;
      const codes = new Set(mine.filter((x) => x.state !== 'cancelled').map((x) => x.unit.code));
      assert.equal(s.body.by_unit.length, codes.size, `${unit} ${q}`);
      for (const row of s.body.by_unit)
        assert.deepEqual(pick(row), figures(mine.filter((x) => x.unit.code === row.unit.code)), `${unit} ${q} ${row.unit.code}`);
      const sum = Object.fromEntries(keys.map((k) => [k, s.body.by_leader.reduce((a, r) => a + r[k], 0)]));
      assert.deepEqual(sum, pick(s.body), `${unit} ${q}: by leader`);
    }
  }
  assert.ok(compared > 50, `tasks were compared (${compared})`);
});

test('floods: one account records at most 300 steps on tasks an hour (reports included); the next is 429', async () => {
  // A specialist of its own, so that the count starts at nothing.
  await makeUser('cv.lu.nhiemvu', 'specialist', DISTRICT);
  const mine = tok['cv.lu.nhiemvu'];
  const t = await create(tok['lanhdao.tinh']);
  for (let i = 0; i < 30; i++) {
    const res = await Promise.all(Array.from({ length: 10 }, (_, k) =>
      act(mine, t.id, 'report', { note: 'x'.repeat(2000), percent: (i * 10 + k) % 101 })));
    for (const r of res) assertStatus(r, 200, 'within the hour\'s 300');
  }
  const more = await act(mine, t.id, 'report', { note: 'Báo cáo thứ 301' });
  assertProblem(more, 429, 'too-many-attempts', 'the 301st step in the hour');
  assert.equal(more.headers.get('retry-after'), '3600');
  // The task comes with its newest 100 steps; the older ones a page at a time.
  const full = await get(tok.lanhdao, t.id);
  assert.equal(full.events.length, 100, 'the newest page with the task');
  assert.equal(full.events_more, true);
  let events = full.events;
  for (let more = true; more;) {
    const page = await api('GET', `/api/v1/tasks/${t.id}/events?before=${events[0].id}`, { token: tok.lanhdao });
    assertStatus(page, 200, 'an older page');
    assert.ok(page.body.events.length <= 100);
    events = [...page.body.events, ...events];
    more = page.body.more;
  }
  assert.equal(events.length, 301, 'the assignment and 300 reports, nothing of the refused one');
  assert.equal(events[0].action, 'assign');
  for (let i = 1; i < events.length; i++) assert.ok(events[i].id > events[i - 1].id, 'oldest first, no step twice');
  assert.equal(events.filter((e) => e.action === 'report' && e.note === 'x'.repeat(2000)).length, 300);
  // Another specialist of the unit is not held back by it.
  await actOk(tok.chuyenvien, t.id, 'report', { note: 'Tiến độ của đơn vị', percent: 60 });
});

test('a task\'s older steps, a page at a time: the same who may see the task; bad pages refused', async () => {
  const t = await create(tok['lanhdao.tinh']);
  for (let i = 1; i <= 4; i++) await actOk(tok.chuyenvien, t.id, 'report', { note: `Báo cáo lần ${i}`, percent: i * 10 });
  const whole = await get(tok.lanhdao, t.id);
  assert.equal(whole.events.length, 5);
  assert.equal(whole.events_more, false);
  const path = (q) => `/api/v1/tasks/${t.id}/events${q}`;
  // Two at a time from the newest: the notes come back oldest first, each once.
  const newest = await api('GET', path('?limit=2'), { token: tok.chuyenvien });
  assertStatus(newest, 200, 'the newest two');
  assert.deepEqual(newest.body.events.map((e) => e.note), ['Báo cáo lần 3', 'Báo cáo lần 4']);
  assert.equal(newest.body.more, true);
  const older = await api('GET', path(`?limit=2&before=${newest.body.events[0].id}`), { token: tok.chuyenvien });
  assert.deepEqual(older.body.events.map((e) => e.note), ['Báo cáo lần 1', 'Báo cáo lần 2']);
  assert.equal(older.body.more, true);
  const oldest = await api('GET', path(`?limit=2&before=${older.body.events[0].id}`), { token: tok['chuyenvien.stnmt'] });
  assertStatus(oldest, 200, 'the cooperating unit sees the log too');
  assert.deepEqual(oldest.body.events.map((e) => e.action), ['assign']);
  assert.equal(oldest.body.more, false);
  // Who may not: another district, a citizen, nobody signed in; a task that does not exist.
  assertProblem(await api('GET', path(''), { token: tok['lanhdao.ngoclac'] }), 403, 'out-of-scope');
  assertStatus(await api('GET', path(''), { token: tok.congdan }), 403, 'a citizen');
  assertStatus(await api('GET', path('')), 401, 'no session');
  assertStatus(await api('GET', '/api/v1/tasks/999999999/events', { token: tok.lanhdao }), 404, 'no such task');
  // Pages out of range or malformed: 400, naming the parameter.
  for (const q of ['?before=0', '?before=-1', '?before=abc', '?before=1e3', '?limit=0', '?limit=501', '?limit=',
    `?before=${'9'.repeat(40)}`]) {
    const res = await api('GET', path(q), { token: tok.lanhdao });
    assertProblem(res, 400, 'invalid-query', q);
  }
  // An id of another task's step only bounds the page: nothing of the other task comes back.
  const other = await create(tok['lanhdao.tinh']);
  const otherEvents = (await get(tok.lanhdao, other.id)).events;
  const bounded = await api('GET', path(`?before=${otherEvents[0].id + 1}`), { token: tok.lanhdao });
  assert.deepEqual(bounded.body.events.map((e) => e.id), whole.events.map((e) => e.id));
});
