// The hand-off of an incoming document's assignment (art. 23 of NĐ 30) to the
// tasks (docs/documents.md §4, docs/tasks.md §2): the leader names the unit
// in charge, the cooperating units, the direction and the deadline; the same
// write creates the task (source_document = the document), which the unit in
// charge finds in its list; re-assigning re-assigns that task, never a second
// one; a closed task leaves the next assignment a new one. Attacks: a leader
// of another unit, the clerk, a cooperating unit outside the leader's reach,
// the unit in charge repeated, a unit twice, 31 units, a stale If-Match —
// each refused with nothing written. Runs on SQLite and, through
// scripts/test_pg.sh, on PostgreSQL. The statuses an exchanged copy's task
// sends back (05, 06) are in tests/api/exchange.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT, COMMUNES } from './helpers.mjs';

const MINE = COMMUNES.filter((c) => c.parent === DISTRICT).map((c) => c.code);
const [COMMUNE, OTHER_COMMUNE, THIRD_COMMUNE] = MINE;
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));

let server;
const tok = {};
const api = (...a) => server.api(...a);

const act = (token, id, action, extra = {}, headers = {}) =>
  api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra }, headers });

async function actOk(token, id, action, extra = {}) {
  const res = await act(token, id, action, extra);
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
}

async function taskAct(token, id, action, extra = {}) {
  const res = await api('POST', `/api/v1/tasks/${id}/actions`, { token, body: { action, ...extra } });
  assertStatus(res, 200, `${action} task ${id}`);
  return res.body;
}

async function paper(subject) {
  const res = await api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan,
    body: { type: 'cong_van', subject, organ_name: 'Sở Nội vụ', number: '12/SNV-VP', date: `${YEAR}-01-02` } });
  assertStatus(res, 201, 'a paper document registered');
  return res.body;
}

// The tasks that name document id as their source, as the district sees them.
async function tasksOf(id) {
  const res = await api('GET', '/api/v1/tasks?limit=200', { token: tok.lanhdao });
  assertStatus(res, 200);
  return res.body.items.filter((t) => t.source_document === id);
}

before(async () => {
  server = await startServer({ dossiers: 5 });
  for (const u of ['admin', 'tiepnhan', 'chuyenvien', 'lanhdao', 'lanhdao.stnmt']) tok[u] = await server.login(u);
  // The district has its registers in the demo (src/demo/documents.c).
  for (const [username, unit] of [['lanhdao.xa1', COMMUNE], ['lanhdao.xa2', OTHER_COMMUNE]]) {
    assertStatus(await api('POST', '/api/v1/users', { token: tok.admin, body: {
      username, password: PASSWORD, full_name: 'Cán bộ Kiểm Thử', role: 'leader', unit } }), 201);
    tok[username] = await server.login(username);
  }
});

after(async () => {
  await stopServer(server);
});

test('an assignment with a deadline creates the task: the unit in charge finds it, the document links it', async () => {
  const d = await paper('Về việc rà soát thủ tục hành chính cấp xã');
  const deadline = `${YEAR + 1}-03-20`;
  const a = await actOk(tok.lanhdao, d.id, 'assign', { to_unit: COMMUNE, cooperating: [OTHER_COMMUNE],
    deadline, note: 'Giao UBND xã chủ trì, báo cáo kết quả' });
  assert.equal(a.state, 'assigned');
  assert.deepEqual(a.cooperating.map((u) => u.code), [OTHER_COMMUNE]);
  assert.ok(Number.isInteger(a.task), `the document carries its task: ${JSON.stringify(a.task)}`);
  const t = (await api('GET', `/api/v1/tasks/${a.task}`, { token: tok['lanhdao.xa1'] })).body;
  assert.equal(t.source_document, d.id);
  assert.equal(t.assigner_unit.code, DISTRICT);
  assert.equal(t.unit.code, COMMUNE);
  assert.deepEqual(t.cooperating.map((u) => u.code), [OTHER_COMMUNE]);
  assert.equal(t.due, deadline);
  assert.equal(t.title, d.subject);
  assert.equal(t.content, 'Giao UBND xã chủ trì, báo cáo kết quả');
  assert.equal(t.state, 'assigned');
  // In the unit in charge's own list, with the document as its source.
  const mine = await api('GET', '/api/v1/tasks?relation=in_charge', { token: tok['lanhdao.xa1'] });
  assertStatus(mine, 200);
  assert.ok(mine.body.items.some((x) => x.id === a.task && x.source_document === d.id), 'in the commune\'s list');
  // And in the cooperating unit's.
  const theirs = await api('GET', '/api/v1/tasks?relation=cooperating', { token: tok['lanhdao.xa2'] });
  assert.ok(theirs.body.items.some((x) => x.id === a.task), 'in the cooperating commune\'s list');
  // The document's page shows the same (GET).
  const g = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao });
  assert.equal(g.body.task, a.task);
  assert.deepEqual(g.body.cooperating.map((u) => u.code), [OTHER_COMMUNE]);

  // Re-assigned: the same task takes the new unit, units, deadline and direction.
  const later = `${YEAR + 1}-04-30`;
  const b = await actOk(tok.lanhdao, d.id, 'assign', { to_unit: OTHER_COMMUNE, cooperating: [COMMUNE, THIRD_COMMUNE],
    deadline: later, note: 'Chuyển xã bên chủ trì' });
  assert.equal(b.task, a.task, 'no second task');
  const t2 = (await api('GET', `/api/v1/tasks/${a.task}`, { token: tok.lanhdao })).body;
  assert.equal(t2.unit.code, OTHER_COMMUNE);
  assert.deepEqual(t2.cooperating.map((u) => u.code).sort(), [COMMUNE, THIRD_COMMUNE].sort());
  assert.equal(t2.due, later);
  assert.equal(t2.content, 'Chuyển xã bên chủ trì');
  assert.ok(t2.events.some((e) => e.action === 'reassign'), 'a reassign event');
  assert.equal((await tasksOf(d.id)).length, 1, 'one task for the document');
  // While the task is open, the assignment cannot stop being tracked.
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { to_unit: OTHER_COMMUNE, track: false }), 422, 'invalid-field');

  // Done: the commune reports, proposes, the district confirms; the next assignment is a new task.
  await taskAct(tok['lanhdao.xa2'], a.task, 'report', { note: 'Đã rà soát 12 thủ tục', percent: 60 });
  await taskAct(tok['lanhdao.xa2'], a.task, 'propose_done', { note: 'Hoàn thành' });
  const done = await taskAct(tok.lanhdao, a.task, 'confirm');
  assert.equal(done.state, 'done');
  const c = await actOk(tok.lanhdao, d.id, 'assign', { to_unit: COMMUNE, deadline: later, note: 'Tiếp tục theo dõi' });
  assert.ok(c.task && c.task !== a.task, 'a closed task leaves the next assignment a new one');
  assert.equal((await tasksOf(d.id)).length, 2);
});

test('when a task is made: a deadline to a unit below, or asked; never for one\'s own unit by default', async () => {
  const own = await paper('Về việc báo cáo định kỳ');
  const a = await actOk(tok.lanhdao, own.id, 'assign', { to_unit: DISTRICT, deadline: `${YEAR + 1}-02-01` });
  assert.equal(a.task, null, 'the leader\'s own unit: no task by default');
  assert.deepEqual(a.cooperating, []);
  assertProblem(await act(tok.lanhdao, own.id, 'assign', { to_unit: DISTRICT, track: true }), 422, 'invalid-field',
    'a task goes down: the unit in charge must lie below');
  const none = await paper('Về việc phổ biến văn bản');
  const b = await actOk(tok.lanhdao, none.id, 'assign', { to_unit: COMMUNE });
  assert.equal(b.task, null, 'no deadline: no task by default');
  const asked = await actOk(tok.lanhdao, none.id, 'assign', { to_unit: COMMUNE, track: true });
  const t = (await api('GET', `/api/v1/tasks/${asked.task}`, { token: tok.lanhdao })).body;
  assert.equal(t.due_kind, 'none');
  assert.equal(t.source_document, none.id);
  const not = await actOk(tok.lanhdao, (await paper('Về việc không theo dõi')).id, 'assign',
    { to_unit: COMMUNE, deadline: `${YEAR + 1}-02-01`, track: false });
  assert.equal(not.task, null, 'track: false makes none');
});

test('attacks: another unit\'s leader, the clerk, units outside the reach, repeated, 31 units, stale If-Match', async () => {
  const d = await paper('Về việc kiểm tra công vụ');
  const before = (await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao })).body;
  const nTasks = (await api('GET', '/api/v1/tasks?limit=200', { token: tok.lanhdao })).body.total;
  const body = { to_unit: COMMUNE, deadline: `${YEAR + 1}-05-01`, note: 'x' };
  assertProblem(await act(tok['lanhdao.stnmt'], d.id, 'assign', body), 403, 'out-of-scope', 'a leader of another unit');
  assertProblem(await act(tok['lanhdao.xa1'], d.id, 'assign', body), 403, 'out-of-scope', 'a leader of a unit below');
  assertProblem(await act(tok.tiepnhan, d.id, 'assign', body), 403, 'forbidden', 'the clerk');
  assertProblem(await act(tok.chuyenvien, d.id, 'assign', body), 403, 'forbidden', 'a specialist');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: [DEPARTMENT] }), 422, 'invalid-field',
    'a cooperating unit outside the leader\'s reach');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: [DISTRICT] }), 422, 'invalid-field',
    'the leader\'s own unit cooperating');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: [COMMUNE] }), 422, 'invalid-field',
    'the unit in charge repeated');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: [OTHER_COMMUNE, OTHER_COMMUNE] }),
    422, 'invalid-field', 'a unit twice');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: ['000.99.99.H56'] }), 422, 'unknown-unit');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: [42] }), 422, 'invalid-field');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: OTHER_COMMUNE }), 422, 'invalid-field');
  const many = MINE.filter((c) => c !== COMMUNE);
  while (many.length < 31) many.push(`000.${String(many.length).padStart(2, '0')}.77.H56`);
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, cooperating: many.slice(0, 31) }), 422, 'invalid-field',
    '31 cooperating units');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', { ...body, track: 'yes' }), 422, 'invalid-field');
  assertProblem(await act(tok.lanhdao, d.id, 'assign', body, { 'If-Match': `"${before.version + 5}"` }), 412,
    'precondition-failed');
  // Nothing was written: the document and the tasks as they were.
  const now = (await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao })).body;
  assert.equal(now.version, before.version);
  assert.equal(now.state, 'registered');
  assert.equal(now.task, null);
  assert.equal((await api('GET', '/api/v1/tasks?limit=200', { token: tok.lanhdao })).body.total, nTasks);
  // The right If-Match goes through.
  const ok = await act(tok.lanhdao, d.id, 'assign', body, { 'If-Match': `"${before.version}"` });
  assertStatus(ok, 200);
  assert.ok(ok.body.task);
});
