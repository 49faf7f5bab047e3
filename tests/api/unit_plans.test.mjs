// Units that change over time (docs/units.md): a reorganisation plan is
// written, previewed and applied by the root's administrator only; refused
// plans (a unit merged into itself, successors or parents that end in the
// same plan, children left behind, unknown units, bad dates) change nothing;
// applied, the ended units' open dossiers go to the successor with an event,
// their codes and due times kept, the users move, an ended unit takes no new
// dossier (naming its successor), the plan cannot be applied twice, and the
// statistics count each dossier at the unit that received it or, with
// units=today, in today's unit that took its place. Everything is read back
// through the API, so the test runs on both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, PASSWORD, BIN, serverEnv } from './harness.mjs';
import { stopServer, DISTRICT, assertProblem, assertStatus, file, act, getDossier, ok, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.98.H56'; // a district made for the test
const A = '000.01.98.H56';
const B = '000.02.98.H56';
const C = '000.03.98.H56';
const D = '000.25.998.H56'; // the commune A, B and C become
const PROC = '1.998001'; // a commune procedure made for the test

let server;
const tok = {};
const filed = {};

// Today and tomorrow in Vietnam's time, as the server counts days.

// What another process committed reaches the server's units within its
// reload interval (reload_interval_ms): asked again until it does.
async function eventually(read, done, what) {
  let last;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  tok.tiepnhan = await server.login('tiepnhan');
  const unit = (code, name, level, parent) => server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Thử Nghiệm', 'district', PROVINCE_UNIT), 201, 'district T');
  await ok(await unit(A, 'UBND xã An', 'commune', T), 201, 'commune A');
  await ok(await unit(B, 'UBND xã Bình', 'commune', T), 201, 'commune B');
  await ok(await unit(C, 'UBND xã Cường', 'commune', T), 201, 'commune C');
  await ok(await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: {
    code: PROC, name: 'Chứng thực bản sao thử nghiệm', field: 'Chứng thực', levels: 'commune', duration_hours: 16,
  } }), 201, 'a commune procedure');
  const user = (username, role, unitCode) => server.api('POST', '/api/v1/users', { token: tok.admin,
    body: { username, password: PASSWORD, full_name: `Cán bộ ${username}`, role, unit: unitCode } });
  await ok(await user('desk.a', 'desk', A), 201, 'desk of A');
  await ok(await user('desk.b', 'desk', B), 201, 'desk of B');
  await ok(await user('admin.qx', 'admin', DISTRICT), 201, 'a district administrator');
  await ok(await user('desk.p', 'desk', PROVINCE_UNIT), 201, 'a desk of the province, whose scope holds A');
  for (const u of ['desk.a', 'desk.b', 'admin.qx', 'desk.p']) tok[u] = await server.login(u);
  filed.a1 = await file(server, tok['desk.a'], { procedure_code: PROC, unit: A });
  filed.a2 = await file(server, tok['desk.a'], { procedure_code: PROC, unit: A });
  filed.b1 = await file(server, tok['desk.b'], { procedure_code: PROC, unit: B });
});

after(async () => {
  await stopServer(server);
});

const goodPlan = () => ({
  name: 'Sắp xếp đơn vị hành chính thử nghiệm',
  effective: localDay(),
  users: 'move',
  operations: [
    { kind: 'merge', from: [A, B, C], into: { code: D, name: 'UBND xã Hợp Nhất', level: 'commune', parent: PROVINCE_UNIT } },
    { kind: 'merge', from: [T], into: PROVINCE_UNIT },
  ],
});

async function snapshot() {
  return {
    units: (await ok(await server.api('GET', '/api/v1/units'), 200, 'units')).items,
    plans: (await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans')).items,
    a1: await getDossier(server, tok.admin, filed.a1.code),
  };
}

test('only the root administrator writes, reads and applies plans', async () => {
  const before = await snapshot();
  assertProblem(await server.api('POST', '/api/v1/unit-plans', { token: tok['admin.qx'], body: goodPlan() }), 403,
    'out-of-scope', 'a district administrator writes a plan');
  assertProblem(await server.api('GET', '/api/v1/unit-plans', { token: tok['admin.qx'] }), 403, 'out-of-scope',
    'a district administrator lists plans');
  assertProblem(await server.api('POST', '/api/v1/unit-plans/1/apply', { token: tok['admin.qx'] }), 403,
    'out-of-scope', 'a district administrator applies a plan');
  assertProblem(await server.api('POST', '/api/v1/unit-plans', { token: tok.tiepnhan, body: goodPlan() }), 403,
    'forbidden', 'a desk officer writes a plan');
  assertProblem(await server.api('POST', '/api/v1/unit-plans', { body: goodPlan() }), 401, 'unauthenticated',
    'no session');
  assert.deepEqual(await snapshot(), before, 'nothing changed');
});

test('plans that cannot be carried out are refused with the field and the rule, and change nothing', async () => {
  const before = await snapshot();
  const day = localDay();
  const plan = (operations, extra = {}) => ({ name: 'Kế hoạch sai', effective: day, operations, ...extra });
  const cases = [
    [plan([{ kind: 'merge', from: [A, B], into: A }]), 422, 'invalid-field', 'operations[0].from[0]', 'self'],
    [plan([{ kind: 'merge', from: [A], into: B }, { kind: 'merge', from: [B], into: C }]), 422, 'invalid-field',
      'operations', 'cycle'],
    [plan([{ kind: 'merge', from: [A], into: B }, { kind: 'merge', from: [B], into: A }]), 422, 'invalid-field',
      'operations', 'cycle'],
    [plan([{ kind: 'merge', from: [A, B, C], into: { code: D, name: 'X', level: 'commune', parent: T } },
      { kind: 'merge', from: [T], into: PROVINCE_UNIT }]), 422, 'invalid-field', 'operations', 'cycle'],
    [plan([{ kind: 'merge', from: [T], into: PROVINCE_UNIT }]), 422, 'invalid-field', 'operations', 'orphan'],
    [plan([{ kind: 'merge', from: [A], into: A }]), 422, 'invalid-field', 'operations[0].from[0]', 'self'],
    [plan([{ kind: 'merge', from: [A, A], into: B }]), 422, 'invalid-field', 'operations[0].from[1]', 'twice'],
    [plan([{ kind: 'merge', from: ['000.99.99.H56'], into: B }]), 422, 'unknown-unit', 'operations[0].from[0]',
      'unknown'],
    [plan([{ kind: 'rename', from: A, into: { code: B } }]), 422, 'invalid-field', 'operations[0].into.code',
      'duplicate'],
    [plan([{ kind: 'split', from: A, into: [{ code: 'X1.98' }] }]), 422, 'invalid-field', 'operations[0].into',
      'format'],
    [plan([{ kind: 'move', from: A, into: { code: 'X2.98', parent: 'X3.98' } },
      { kind: 'move', from: B, into: { code: 'X3.98' } }]), 422, 'unknown-unit', 'operations[0].into.parent', 'unknown'],
    [plan([{ kind: 'rename', from: A, into: { code: 'X4.98', name: 'UBND xã \u202Ean' } }]), 422, 'invalid-field',
      'operations[0].into.name', 'format'],
    [plan([{ kind: 'rename', from: A, into: { code: 'X4.98', name: 'x'.repeat(61) } }]), 422, 'invalid-field',
      'operations[0].into.name', 'format'],
    [plan([{ kind: 'rename', from: A, into: { code: 'X4 98' } }]), 422, 'invalid-field', 'operations[0].into.code',
      'format'],
    [plan([{ kind: 'teleport', from: A }]), 422, 'invalid-field', 'operations[0].kind', 'choice'],
    [plan([{ kind: 'end_level', level: 'province' }]), 422, 'invalid-field', 'operations[0].level', 'choice'],
    [plan([]), 422, 'invalid-field', 'operations', 'format'],
    [plan(Array(2001).fill({ kind: 'merge', from: [A], into: B })), 422, 'invalid-field', 'operations', 'format'],
    [plan([{ kind: 'merge', from: [A], into: B }], { effective: '2025-02-30' }), 422, 'invalid-field', 'effective',
      'format'],
    [plan([{ kind: 'merge', from: [A], into: B }], { effective: '1.7.2025' }), 422, 'invalid-field', 'effective',
      'format'],
    [plan([{ kind: 'merge', from: [A], into: B }], { users: 'keep' }), 422, 'invalid-field', 'users', 'choice'],
    [plan([{ kind: 'merge', from: [A], into: B }], { name: 'x'.repeat(201) }), 422, 'invalid-field', 'plan.name',
      'format'],
    [{ effective: day, operations: [{ kind: 'merge', from: [A], into: B }] }, 422, 'invalid-field', 'name', 'required'],
  ];
  for (const [body, status, slug, field, rule] of cases) {
    const res = await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body });
    const what = JSON.stringify(body).slice(0, 200);
    assertProblem(res, status, slug, what);
    assert.equal(res.body.field, field, what);
    assert.equal(res.body.rule, rule, what);
  }
  assertProblem(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, raw: '{"name":',
    headers: { 'Content-Type': 'application/json' } }), 400, 'malformed-json');
  assert.deepEqual(await snapshot(), before, 'nothing changed');
});

test('a plan is previewed, applied once, and moves the open dossiers and the users to the successor', async () => {
  const created = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body: goodPlan() }),
    201, 'the plan');
  assert.equal(created.status, 'draft');
  const pv = created.preview;
  assert.deepEqual(pv.creates, [{ code: D, name: 'UBND xã Hợp Nhất', level: 'commune', parent: PROVINCE_UNIT }]);
  const ends = Object.fromEntries(pv.ends.map((e) => [e.code, e]));
  assert.deepEqual(Object.keys(ends).sort(), [A, B, C, T].sort());
  assert.equal(ends[A].successor, D);
  assert.equal(ends[A].open_dossiers, 2);
  assert.equal(ends[A].active_users, 1);
  assert.equal(ends[B].open_dossiers, 1);
  assert.equal(ends[C].open_dossiers, 0);
  assert.equal(ends[T].successor, PROVINCE_UNIT);
  assert.equal(ends[T].kind, 'merge');
  assert.deepEqual(pv.totals, { units_created: 1, units_ended: 4, open_dossiers: 3, open_tasks: 0,
    open_documents: 0, users_moved: 2, users_deactivated: 0 });
  // Nothing happens before it is applied.
  assert.equal((await getDossier(server, tok.admin, filed.a1.code)).current_unit.code, A);
  const again = await ok(await server.api('GET', `/api/v1/unit-plans/${created.id}`, { token: tok.admin }), 200,
    'read back');
  assert.deepEqual(again.preview, pv);

  const applied = await ok(await server.api('POST', `/api/v1/unit-plans/${created.id}/apply`, { token: tok.admin }),
    200, 'applied');
  assert.equal(applied.status, 'applied');
  assert.deepEqual(applied.applied, { moved_dossiers: 3, moved_tasks: 0, moved_documents: 0, moved_users: 2,
    deactivated_users: 0 });
  assertProblem(await server.api('POST', `/api/v1/unit-plans/${created.id}/apply`, { token: tok.admin }), 409,
    'plan-applied', 'applied twice');
  assertProblem(await server.api('POST', '/api/v1/unit-plans/999999/apply', { token: tok.admin }), 404,
    'not-found', 'an unknown plan');
  assertProblem(await server.api('POST', '/api/v1/unit-plans/abc/apply', { token: tok.admin }), 404,
    'not-found', 'a malformed id');

  for (const [key, was] of Object.entries(filed)) {
    const d = await getDossier(server, tok.admin, was.code);
    assert.equal(d.code, was.code, `${key} keeps its code`);
    assert.equal(d.due_at, was.due_at, `${key} keeps its due time`);
    assert.equal(d.current_unit.code, D, `${key} is held by the successor`);
    assert.equal(d.receiving_unit.code, key.startsWith('a') ? A : B, `${key} keeps the desk that received it`);
    const last = d.events[d.events.length - 1];
    assert.equal(last.action, 'reorganise');
    assert.equal(last.unit.code, D);
    assert.match(last.note, new RegExp(`${key.startsWith('a') ? A : B}.*${D}`));
  }
  // The public lookup still answers for a code of a unit that no longer exists.
  const pub = await server.api('GET', `/api/v1/public/dossiers/${filed.a1.code}`);
  assertStatus(pub, 200, 'public lookup of an ended unit\'s code');

  // The desk officer of A now sits at D and still serves A's dossiers at the desk.
  const me = await ok(await server.api('GET', '/api/v1/session', { token: tok['desk.a'] }), 200, 'session');
  assert.equal(me.user.unit.code, D);
  const refused = await act(server, tok['desk.a'], filed.a2.code, 'refuse', { note: 'Thiếu giấy tờ' });
  assertStatus(refused, 200, 'the successor\'s desk refuses a dossier the ended unit received');

  // An ended unit takes no new dossier and names its successor; its successor does.
  const res = await server.api('POST', '/api/v1/dossiers', { token: tok['desk.p'], body: {
    procedure_code: PROC, channel: 'direct', unit: A, applicant: { name: 'Lê Văn Dũng', id_number: '038090009999' } } });
  assertProblem(res, 422, 'unit-ended', 'filing at an ended unit');
  assert.match(res.body.detail, new RegExp(D));
  filed.d1 = await file(server, tok['desk.a'], { procedure_code: PROC, unit: D });
  const units = (body) => body.items.map((u) => u.code);
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code: '000.04.98.H56', name: 'UBND xã Mới', level: 'commune', parent: T } }), 422, 'unit-ended',
  'a new unit under an ended one');

  // The tree of a day: before the change A and T, after it D.
  const yesterday = await ok(await server.api('GET', `/api/v1/units?at=${localDay(-1)}`), 200, 'yesterday');
  const today = await ok(await server.api('GET', `/api/v1/units?at=${localDay()}`), 200, 'today');
  assert.ok(units(yesterday).includes(A) && units(yesterday).includes(T) && !units(yesterday).includes(D));
  assert.ok(!units(today).includes(A) && !units(today).includes(T) && units(today).includes(D));
  const a = await ok(await server.api('GET', `/api/v1/units/${A}`), 200, 'unit A');
  assert.equal(a.valid_to, localDay());
  assert.deepEqual(a.successors, [D]);
  const d = today.items.find((u) => u.code === D);
  assert.equal(d.valid_from, localDay());
  assert.equal(d.valid_to, null);
  assertProblem(await server.api('GET', '/api/v1/units?at=2025-13-01'), 400, 'invalid-query');

  // Statistics of the day: by the units that held the dossiers, or rolled up into today's.
  const q = `unit=${PROVINCE_UNIT}&from=${localDay()}&to=${localDay(1)}&group=unit`;
  const then = await ok(await server.api('GET', `/api/v1/stats?${q}`, { token: tok.admin }), 200, 'stats then');
  const now = await ok(await server.api('GET', `/api/v1/stats?${q}&units=today`, { token: tok.admin }), 200,
    'stats today');
  const row = (body, code) => body.rows.find((r) => r.key && r.key.code === code);
  assert.equal(then.units, 'then');
  assert.equal(now.units, 'today');
  assert.equal(row(then, T).received.total, 3, 'the ended district counts what its communes received');
  assert.equal(row(then, D).received.total, 1, 'the new commune counts what it received');
  assert.equal(row(now, T), undefined, 'an ended unit has no row of today');
  assert.equal(row(now, D).received.total, 4, 'today\'s commune counts what its predecessors received');
  assert.deepEqual(now.totals, then.totals, 'the same dossiers, counted once either way');
  // By field and by procedure too (from the roll-up by procedure): today's commune D counts
  // what its predecessors A, B and C received, by the procedure's row and its field's.
  const dq = `unit=${D}&from=${localDay()}&to=${localDay(1)}`;
  for (const group of ['field', 'procedure']) {
    const thenD = await ok(await server.api('GET', `/api/v1/stats?${dq}&group=${group}`, { token: tok.admin }), 200,
      `D by ${group}, then`);
    const nowD = await ok(await server.api('GET', `/api/v1/stats?${dq}&group=${group}&units=today`,
      { token: tok.admin }), 200, `D by ${group}, today`);
    assert.equal(nowD.units, 'today');
    assert.equal(thenD.totals.received.total, 1, `D by ${group}: what D itself received`);
    assert.equal(nowD.totals.received.total, 4, `D by ${group}: with its predecessors`);
    const key = group === 'field' ? (r) => r.key.field === 'Chứng thực' : (r) => r.key.code === PROC;
    assert.equal(nowD.rows.find(key).received.total, 4, `D by ${group}: the row`);
    // The province holds every unit either way.
    const pq = `${q.replace('group=unit', `group=${group}`)}`;
    const pThen = await ok(await server.api('GET', `/api/v1/stats?${pq}`, { token: tok.admin }), 200, 'province then');
    const pNow = await ok(await server.api('GET', `/api/v1/stats?${pq}&units=today`, { token: tok.admin }), 200,
      'province today');
    assert.deepEqual(pNow.rows, pThen.rows, `the province by ${group}`);
    assertProblem(await server.api('GET', `/api/v1/stats?unit=${T}&from=${localDay()}&to=${localDay(1)}&group=${group}&units=today`,
      { token: tok.admin }), 400, 'invalid-query', `units=today by ${group} for an ended unit`);
  }
  // By field and by procedure the province reads its cells summed up the unit tree by month
  // and year (migration 045); by unit, each unit's own cells: the totals agree over whole
  // years, spans of years and spans that start and end mid-month, across the change.
  const year = Number(localDay().slice(0, 4));
  const spans = [[`${year}-01-01`, `${year + 1}-01-01`], [`${year - 2}-01-01`, `${year + 1}-01-01`],
    [`${year - 1}-03-15`, localDay(1)], [localDay(-40), localDay(3)], [`${year - 1}-01-01`, `${year}-01-01`]];
  for (const [from, to] of spans) {
    const base = `/api/v1/stats?unit=${PROVINCE_UNIT}&from=${from}&to=${to}`;
    const byUnit = await ok(await server.api('GET', `${base}&group=unit`, { token: tok.admin }), 200, 'by unit');
    for (const group of ['field', 'procedure']) {
      for (const view of ['then', 'today']) {
        const body = await ok(await server.api('GET', `${base}&group=${group}&units=${view}`, { token: tok.admin }),
          200, `by ${group}`);
        assert.deepEqual(body.totals, byUnit.totals, `${from}..${to} by ${group}, units=${view}`);
      }
    }
    if (to > localDay()) assert.ok(byUnit.totals.received.total >= 4, `${from}..${to}: the dossiers filed`);
  }
  assertProblem(await server.api('GET', `/api/v1/stats?${q}&units=yesterday`, { token: tok.admin }), 400,
    'invalid-query', 'units=yesterday');
  assertProblem(await server.api('GET', `/api/v1/stats?unit=${T}&from=${localDay()}&to=${localDay(1)}&units=today`,
    { token: tok.admin }), 400, 'invalid-query', 'units=today for an ended unit');
});

test('a plan for a later day is scheduled, not applied', async () => {
  const body = { name: 'Đổi tên', effective: localDay(2), operations: [
    { kind: 'rename', from: D, into: { code: '000.25.999.H56', name: 'UBND phường Hợp Nhất' } }] };
  const created = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body }), 201, 'plan');
  assert.deepEqual(created.preview.creates, [{ code: '000.25.999.H56', name: 'UBND phường Hợp Nhất',
    level: 'commune', parent: PROVINCE_UNIT }]);
  const res = await ok(await server.api('POST', `/api/v1/unit-plans/${created.id}/apply`, { token: tok.admin }), 202,
    'scheduled');
  assert.equal(res.status, 'scheduled');
  const dUnit = await ok(await server.api('GET', `/api/v1/units/${D}`), 200, 'D');
  assert.equal(dUnit.valid_to, null, 'D is in force until the day comes');
  assertStatus(await server.api('GET', '/api/v1/units/000.25.999.H56'), 404, 'the renamed unit is not made yet');
  const list = await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans');
  assert.deepEqual(list.items.map((p) => p.status), ['scheduled', 'applied']);

  // Its day comes (the command line's clock, moved): it is applied once.
  const cli = (...args) => spawnSync(BIN, ['unit', ...args, '--db', server.db], { env: serverEnv(), encoding: 'utf8' });
  const early = cli('apply', '--due', '--at', `${localDay(1)}T08:00`);
  assert.equal(early.status, 0, early.stderr);
  assert.match(early.stdout, /0 scheduled plans applied/);
  const due = cli('apply', '--due', '--at', `${localDay(2)}T08:00`);
  assert.equal(due.status, 0, due.stderr);
  assert.match(due.stdout, /1 scheduled plan applied/);
  const renamed = await ok(await server.api('GET', '/api/v1/units/000.25.999.H56'), 200, 'the renamed unit');
  assert.equal(renamed.valid_from, localDay(2));
  assert.equal((await ok(await server.api('GET', `/api/v1/units/${D}`), 200, 'D')).valid_to, localDay(2));
  const moved = await eventually(() => getDossier(server, tok.admin, filed.a1.code),
    (x) => x.current_unit && x.current_unit.code === '000.25.999.H56', 'the dossier moves to the renamed unit');
  assert.equal(moved.events[moved.events.length - 1].action, 'reorganise');
  const twice = cli('apply', '--plan', String(created.id));
  assert.equal(twice.status, 3, 'a plan applied is not applied again');
  assert.match(twice.stderr, /applied already/);
});

test('the command line checks, stores and applies a plan, and refuses a bad one', async () => {
  const dir = server.dir;
  const bad = join(dir, 'bad-plan.json');
  writeFileSync(bad, JSON.stringify({ name: 'Sai', effective: localDay(3), operations: [
    { kind: 'merge', from: ['000.25.999.H56'], into: '000.25.999.H56' }] }));
  const before = await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans');
  const r = spawnSync(BIN, ['unit', 'plan', '--db', server.db, '--file', bad], { env: serverEnv(), encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /operations\[0\]\.from\[0\].*rule self/);
  const after = await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans');
  assert.equal(after.items.length, before.items.length, 'a refused plan is not stored');

  const good = join(dir, 'plan.json');
  writeFileSync(good, JSON.stringify({ name: 'Tách phường', effective: localDay(3), users: 'deactivate', operations: [
    { kind: 'split', from: '000.25.999.H56', into: [
      { code: '000.25.901.H56', name: 'UBND phường Bắc' }, { code: '000.25.902.H56', name: 'UBND phường Nam' }] }] }));
  const stored = spawnSync(BIN, ['unit', 'plan', '--db', server.db, '--file', good], { env: serverEnv(), encoding: 'utf8' });
  assert.equal(stored.status, 0, stored.stderr);
  assert.match(stored.stdout, /"units_ended": 1/);
  assert.match(stored.stdout, /"open_dossiers": 3/);
  const id = stored.stdout.match(/motcua unit apply --plan (\d+)/)[1];
  const applied = spawnSync(BIN, ['unit', 'apply', '--db', server.db, '--plan', id, '--at', `${localDay(3)}T09:00`],
    { env: serverEnv(), encoding: 'utf8' });
  assert.equal(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /applied .*: 3 open dossiers moved, 0 users moved, 2 deactivated/);
  const d = await eventually(() => getDossier(server, tok.admin, filed.a1.code),
    (x) => x.current_unit && x.current_unit.code === '000.25.901.H56', 'the first part of a split takes the open dossiers');
  const split = await ok(await server.api('GET', '/api/v1/units/000.25.999.H56'), 200, 'the split unit');
  assert.deepEqual(split.successors, ['000.25.901.H56', '000.25.902.H56']);
  assert.equal((await server.api('GET', '/api/v1/session', { token: tok['desk.a'] })).status, 401,
    'a deactivated officer\'s session ends');
});

test('a scheduled plan the units no longer fit fails alone, with its reason; a plan touching a scheduled plan\'s unit is refused', async () => {
  const E1 = '000.61.98.H56', E2 = '000.62.98.H56';
  for (const [code, name] of [[E1, 'UBND xã Đông'], [E2, 'UBND xã Tây']]) {
    await ok(await server.api('POST', '/api/v1/units', { token: tok.admin,
      body: { code, name, level: 'commune', parent: PROVINCE_UNIT } }), 201, code);
  }
  const rename = (name, effective, from, code) => ({ name, effective, operations: [
    { kind: 'rename', from, into: { code, name: `UBND xã ${code}` } }] });
  const schedule = async (body, status) => {
    const created = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body }), 201, body.name);
    return { id: created.id, res: await server.api('POST', `/api/v1/unit-plans/${created.id}/apply`, { token: tok.admin }) };
  };
  const p1 = await schedule(rename('P1', localDay(5), E1, '000.71.98.H56'));
  assertStatus(p1.res, 202, 'P1 scheduled');
  const p2 = await schedule(rename('P2', localDay(5), E2, '000.72.98.H56'));
  assertStatus(p2.res, 202, 'P2 scheduled');

  // A plan for today on a unit P1 changes: refused, naming P1; nothing changes.
  const p0 = await schedule(rename('P0', localDay(), E1, '000.70.98.H56'));
  assertProblem(p0.res, 422, 'invalid-field', 'a scheduled plan touches the unit');
  assert.match(p0.res.body.detail, new RegExp(`${E1.replace(/\./g, '\\.')} is also changed by scheduled plan ${p1.id} "P1"`));
  assert.equal((await ok(await server.api('GET', `/api/v1/units/${E1}`), 200, 'E1')).valid_to, null);
  assertStatus(await server.api('GET', '/api/v1/units/000.70.98.H56'), 404, 'P0 created nothing');
  assert.equal((await ok(await server.api('GET', `/api/v1/unit-plans/${p0.id}`, { token: tok.admin }), 200, 'P0')).status,
    'draft');
  // Nor may a plan on a later day place a new unit under it.
  const under = await schedule({ name: 'P3', effective: localDay(6), operations: [
    { kind: 'merge', from: [E2], into: { code: '000.73.98.H56', name: 'UBND xã Mới', level: 'commune', parent: PROVINCE_UNIT } }] });
  assertProblem(under.res, 422, 'invalid-field', 'P3 ends E2, which P2 renames');
  assert.match(under.res.body.detail, new RegExp(`scheduled plan ${p2.id} "P2"`));

  // The units change under P1 by hand: the code it would create is taken.
  await ok(await server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code: '000.71.98.H56', name: 'UBND xã Trùng', level: 'commune', parent: PROVINCE_UNIT } }), 201, 'taken');

  // On the day P1 fails alone, with its reason, and P2 is applied.
  const due = spawnSync(BIN, ['unit', 'apply', '--due', '--db', server.db, '--at', `${localDay(5)}T08:00`],
    { env: serverEnv(), encoding: 'utf8' });
  assert.equal(due.status, 0, due.stderr);
  assert.match(due.stdout, /1 scheduled plan applied/);
  assert.match(due.stderr, new RegExp(`plan ${p1.id} "P1" cannot be applied and is marked failed: .*000\\.71\\.98\\.H56 exists already`));
  const got1 = await ok(await server.api('GET', `/api/v1/unit-plans/${p1.id}`, { token: tok.admin }), 200, 'P1');
  assert.equal(got1.status, 'failed');
  assert.match(got1.failure, /a unit with code 000\.71\.98\.H56 exists already/);
  const got2 = await ok(await server.api('GET', `/api/v1/unit-plans/${p2.id}`, { token: tok.admin }), 200, 'P2');
  assert.equal(got2.status, 'applied');
  assert.equal(got2.failure, null);
  const list = await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans');
  assert.equal(list.items.find((p) => p.id === p1.id).failure, got1.failure, 'the list shows the failure too');
  assert.equal((await ok(await server.api('GET', `/api/v1/units/${E2}`), 200, 'E2')).valid_to, localDay(5));
  assert.equal((await ok(await server.api('GET', `/api/v1/units/${E1}`), 200, 'E1')).valid_to, null, 'P1 changed nothing');

  // A failed plan is not tried again; by hand it is refused while the units do not fit.
  const again = spawnSync(BIN, ['unit', 'apply', '--due', '--db', server.db, '--at', `${localDay(5)}T09:00`],
    { env: serverEnv(), encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /0 scheduled plans applied/);
  assertProblem(await server.api('POST', `/api/v1/unit-plans/${p1.id}/apply`, { token: tok.admin }), 422, 'invalid-field');
});
