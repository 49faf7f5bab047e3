// Reorganisation plans that could not have happened are refused
// (docs/units.md §2), answering 422 with the field and the rule and storing
// nothing (units, dossiers, plans unchanged): a new unit above its parent's
// level (rule "level", the same tree rule as POST /api/v1/units), an
// effective day before 2000 ("range"), and, on "effective", a day not after
// the day a unit it ends came into force, or a unit it ends that received a
// dossier on that day or later ("too-early"). A plan checked again when it
// is applied holds the same rule, the dossiers of the day it is applied
// going with it. The server's clock is moved with libfaketime, so that the
// dossiers are received on days of the test's choosing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, DEPARTMENT, assertProblem, assertStatus, file, getDossier, ok } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.97.H56'; // a district made for the test
const A = '000.01.97.H56'; // received a dossier on Monday 7 December 2026
const B = '000.02.97.H56'; // renamed by a plan on Wednesday 9 December
const C = '000.03.97.H56'; // the commune the others merge into
const E = '000.04.97.H56'; // receives a dossier on Thursday 10 December
const F = '000.05.97.H56'; // received a dossier on Monday 7 December
const B2 = '000.25.971.H56'; // B renamed
const PROC = '1.997001'; // a commune procedure made for the test

let server;
const tok = {};
const filed = {};

async function login() {
  for (const u of ['admin', 'desk.a', 'desk.e', 'desk.f']) tok[u] = await server.login(u);
}

before(async () => {
  if (!FAKETIME) return;
  // Monday 7 December 2026, 08:00 in Vietnam.
  server = await startServer({ dossiers: 0, clock: '2026-12-07T01:00:00Z' });
  tok.admin = await server.login('admin');
  const unit = (code, name, level, parent) => server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Kiểm Tra', 'district', PROVINCE_UNIT), 201, 'district T');
  for (const [code, name] of [[A, 'An'], [B, 'Bình'], [C, 'Cường'], [E, 'Đông'], [F, 'Phú']]) {
    await ok(await unit(code, `UBND xã ${name}`, 'commune', T), 201, `commune ${name}`);
  }
  await ok(await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: {
    code: PROC, name: 'Chứng thực bản sao kiểm tra', field: 'Chứng thực', levels: 'commune', duration_hours: 16,
  } }), 201, 'a commune procedure');
  for (const [username, code] of [['desk.a', A], ['desk.e', E], ['desk.f', F]]) {
    await ok(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username, password: PASSWORD,
      full_name: `Cán bộ ${username}`, role: 'desk', unit: code } }), 201, username);
  }
  await login();
  filed.a = await file(server, tok['desk.a'], { procedure_code: PROC, unit: A });
  filed.f = await file(server, tok['desk.f'], { procedure_code: PROC, unit: F });
  server.setClock('2026-12-09T01:00:00Z'); // Wednesday 9 December, 08:00
  await login(); // the sessions of two days ago have expired
});

after(async () => {
  await stopServer(server);
});

async function snapshot() {
  return {
    units: (await ok(await server.api('GET', '/api/v1/units'), 200, 'units')).items,
    plans: (await ok(await server.api('GET', '/api/v1/unit-plans', { token: tok.admin }), 200, 'plans')).items,
    a: await getDossier(server, tok.admin, filed.a.code),
    f: await getDossier(server, tok.admin, filed.f.code),
  };
}

async function refused(body, field, rule, detail) {
  const res = await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body });
  const what = JSON.stringify(body).slice(0, 300);
  assertProblem(res, 422, 'invalid-field', what);
  assert.equal(res.body.field, field, what);
  assert.equal(res.body.rule, rule, `${what}: ${res.body.detail}`);
  if (detail) assert.match(res.body.detail, detail, what);
}

const plan = (effective, operations) => ({ name: 'Kế hoạch không thể có', effective, users: 'move', operations });
const merge = (from, into) => ({ kind: 'merge', from, into });
const esc = (s) => s.replace(/\./g, '\\.');

test('a new unit above its parent\'s level is refused, as POST /api/v1/units refuses it', { skip: NO_FAKETIME }, async () => {
  const before = await snapshot();
  const day = '2026-12-09';
  const cases = [
    // a province under a commune
    [[merge([C], { code: 'N1.97', name: 'UBND tỉnh Dưới Xã', level: 'province', parent: B })],
      'operations[0].into.level', /a province is the root and has no parent/],
    // a district under a commune, as the first part of a split
    [[{ kind: 'split', from: C, into: [{ code: 'N2.97', name: 'UBND huyện Dưới Xã', level: 'district', parent: B },
      { code: 'N3.97', name: 'UBND xã Tách', level: 'commune', parent: T }] }],
      'operations[0].into[0].level', /a district sits under a province, not under a commune/],
    // a district under a district: the level given by a rename
    [[{ kind: 'rename', from: C, into: { code: 'N4.97', name: 'UBND huyện Đổi', level: 'district' } }],
      'operations[0].into.level', /a district sits under a province, not under a district/],
    // a commune moved under a department: the parent is at fault
    [[{ kind: 'move', from: C, into: { code: 'N5.97', parent: DEPARTMENT } }],
      'operations[0].into.parent', /a commune sits under a district or province, not under a department/],
    // a department under a district
    [[merge([C], { code: 'N6.97', name: 'Sở Dưới Huyện', level: 'department', parent: T })],
      'operations[0].into.level', /a department sits under a province, not under a district/],
    // a commune under a commune the same plan creates
    [[merge([C], { code: 'N7.97', name: 'UBND xã Mới', level: 'commune', parent: PROVINCE_UNIT }),
      merge([B], { code: 'N8.97', name: 'UBND xã Dưới Xã', level: 'commune', parent: 'N7.97' })],
      'operations[1].into.level', /a commune sits under a district or province, not under a commune/],
  ];
  for (const [operations, field, detail] of cases) await refused(plan(day, operations), field, 'level', detail);
  assert.deepEqual(await snapshot(), before, 'nothing changed');
});

test('an effective day before 2000, or before the last dossier of a unit it ends, is refused', { skip: NO_FAKETIME }, async () => {
  const before = await snapshot();
  await refused(plan('1970-01-01', [merge([C], B)]), 'effective', 'range');
  await refused(plan('1999-12-31', [merge([C], B)]), 'effective', 'range');
  // A received a dossier on 7 December: it cannot have ended on that day or before.
  for (const day of ['2026-12-07', '2026-12-01', '2015-07-01']) {
    await refused(plan(day, [merge([A], C)]), 'effective', 'too-early',
      new RegExp(`unit ${esc(A)} has a dossier received on 2026-12-07`));
  }
  // Also when it ends with its district.
  await refused(plan('2026-12-07', [merge([A, B, C, E, F], { code: 'N9.97', name: 'UBND xã Hợp', level: 'commune',
    parent: PROVINCE_UNIT }), merge([T], PROVINCE_UNIT)]), 'effective', 'too-early',
    /has a dossier received on 2026-12-07/);
  assert.deepEqual(await snapshot(), before, 'nothing changed');
  // The day after its last dossier it may have ended: written after the fact.
  const late = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin,
    body: plan('2026-12-08', [merge([F], C)]) }), 201, 'a plan dated the day after F\'s last dossier');
  const applied = await ok(await server.api('POST', `/api/v1/unit-plans/${late.id}/apply`, { token: tok.admin }),
    200, 'applied');
  assert.equal(applied.applied.moved_dossiers, 1);
  assert.equal((await getDossier(server, tok.admin, filed.f.code)).current_unit.code, C);
});

test('a unit is not ended on or before the day it came into force', { skip: NO_FAKETIME }, async () => {
  const renamed = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin,
    body: plan('2026-12-09', [{ kind: 'rename', from: B, into: { code: B2, name: 'UBND xã Bình Mới' } }]) }), 201,
  'B renamed today');
  await ok(await server.api('POST', `/api/v1/unit-plans/${renamed.id}/apply`, { token: tok.admin }), 200, 'applied');
  const before = await snapshot();
  // B itself ended today: a plan dated before that does not end it again
  await refused(plan('2026-12-08', [merge([B], C)]), 'operations[0].from[0]', 'ended',
    new RegExp(`unit ${esc(B)} has ended, on 2026-12-09`));
  for (const day of ['2026-12-09', '2026-12-08']) {
    await refused(plan(day, [merge([B2], C)]), 'effective', 'too-early',
      new RegExp(`unit ${esc(B2)} came into force on 2026-12-09`));
  }
  assert.deepEqual(await snapshot(), before, 'nothing changed');
  await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin, body: plan('2026-12-10',
    [merge([B2], C)]) }), 201, 'ending it the next day is a plan');
});

test('a plan checked again when applied: the dossiers of its day go with it, those of the days after refuse it', { skip: NO_FAKETIME }, async () => {
  // Written on Wednesday for Thursday.
  const pa = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin,
    body: plan('2026-12-10', [merge([A], C)]) }), 201, 'A ends on Thursday');
  const pe = await ok(await server.api('POST', '/api/v1/unit-plans', { token: tok.admin,
    body: plan('2026-12-10', [merge([E], C)]) }), 201, 'E ends on Thursday');
  server.setClock('2026-12-10T01:00:00Z'); // Thursday 10 December, 08:00
  await login();
  const a = await file(server, tok['desk.a'], { procedure_code: PROC, unit: A });
  filed.e = await file(server, tok['desk.e'], { procedure_code: PROC, unit: E });
  // A plan dated yesterday came after today's dossiers: refused.
  await refused(plan('2026-12-09', [merge([E], C)]), 'effective', 'too-early',
    new RegExp(`unit ${esc(E)} has a dossier received on 2026-12-10`));
  // Applied on its day: A's dossier of the morning goes to C.
  const applied = await ok(await server.api('POST', `/api/v1/unit-plans/${pa.id}/apply`, { token: tok.admin }),
    200, 'A\'s plan applied on its day');
  assert.equal(applied.applied.moved_dossiers, 2);
  assert.equal((await getDossier(server, tok.admin, a.code)).current_unit.code, C);

  // Applied a day late: E received a dossier on the day it was to end.
  server.setClock('2026-12-11T01:00:00Z'); // Friday 11 December, 08:00
  await login();
  const before = await snapshot();
  const res = await server.api('POST', `/api/v1/unit-plans/${pe.id}/apply`, { token: tok.admin });
  assertProblem(res, 422, 'invalid-field', 'E\'s plan applied a day late');
  assert.match(res.body.detail, new RegExp(`unit ${esc(E)} has a dossier received on 2026-12-10`));
  const got = await ok(await server.api('GET', `/api/v1/unit-plans/${pe.id}`, { token: tok.admin }), 200, 'E\'s plan');
  assert.equal(got.status, 'draft');
  assert.equal(got.preview.field, 'effective');
  assert.equal(got.preview.rule, 'too-early');
  assert.deepEqual(await snapshot(), before, 'nothing changed');
  const e = await getDossier(server, tok.admin, filed.e.code);
  assert.equal(e.current_unit.code, E);
  assert.equal((await ok(await server.api('GET', `/api/v1/units/${E}`), 200, 'E')).valid_to, null);
});
