// Administrators are scoped like every other officer (docs/operations.md, "Who
// administers what"): an administrator held in a district acts inside the
// district's subtree only; the root unit (the province), the working calendar,
// procedures owned by no unit, and administrator and citizen accounts are the
// root's administrator's. Every refused request gets 403 out-of-scope and
// changes nothing (read back through the API, so the test runs on both
// backends); the same administrator's work inside its subtree goes through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, UNITS, PROVINCE, assertProblem, assertStatus, districtProcedure } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const COMMUNE = UNITS.find((u) => u.parent === DISTRICT).code; // a commune of the district
const DEPT_PROC = PROVINCE.procedures.find((p) => p.owner === DEPARTMENT).code;
const OPEN_PROC = districtProcedure().code; // owned by no unit: run by every district
const OWN_PROC = '2.998001'; // made in the set-up, owned by the district

let server;
const tok = {};

const proc = (code, extra = {}) => ({
  code, name: 'Cấp phép kiểm tra phạm vi', field: 'Kiểm tra', levels: 'district', duration_hours: 16, ...extra,
});

before(async () => {
  server = await startServer({ dossiers: 5 });
  for (const u of ['admin', 'congdan', 'tiepnhan']) tok[u] = await server.login(u);
  const qx = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'admin.qx',
    password: PASSWORD, full_name: 'Quản trị huyện', role: 'admin', unit: DISTRICT } });
  assertStatus(qx, 201, 'the root administrator makes a district administrator');
  tok.qx = await server.login('admin.qx');
  assertStatus(await server.api('POST', '/api/v1/procedures', { token: tok.admin,
    body: proc(OWN_PROC, { unit: DISTRICT }) }), 201, 'a procedure of the district');
});

after(async () => {
  await stopServer(server);
});

async function get(path, token) {
  const res = await server.api('GET', path, { token });
  assertStatus(res, 200, `GET ${path}`);
  return res.body;
}

// What the refused requests aim at, as the API shows it.
async function state() {
  return {
    units: (await get('/api/v1/units')).items,
    users: (await get('/api/v1/users', tok.admin)).items,
    calendar: [await get('/api/v1/calendar/2026'), await get('/api/v1/calendar/2027')],
    procedures: await Promise.all([DEPT_PROC, OPEN_PROC, OWN_PROC, '2.998002'].map(
      (c) => server.api('GET', `/api/v1/procedures/${c}`).then((r) => (r.status === 200 ? r.body : r.status)))),
  };
}

test('a district administrator is refused outside its subtree, and nothing changes', async () => {
  const before = await state();
  const dept = await get(`/api/v1/procedures/${DEPT_PROC}`);
  const open = await get(`/api/v1/procedures/${OPEN_PROC}`);
  const own = await get(`/api/v1/procedures/${OWN_PROC}`);
  const account = (username, role, unit) => ({ username, password: PASSWORD, full_name: 'Người Lạ', role, unit });
  const days = { source: 'Thông báo giả', days: [{ date: '2026-06-01', kind: 'holiday', name: 'Ngày giả' }] };
  const attacks = [
    // accounts: a province-wide administrator, any administrator, roles in other units, citizens
    ['POST', '/api/v1/users', account('admin.tinh2', 'admin', PROVINCE_UNIT), /administrator accounts/],
    ['POST', '/api/v1/users', account('admin.qx2', 'admin', DISTRICT), /administrator accounts/],
    ['POST', '/api/v1/users', account('admin.xa', 'admin', COMMUNE), /administrator accounts/],
    ['POST', '/api/v1/users', account('giamsat.tinh2', 'supervisor', PROVINCE_UNIT), /000\.00\.00\.H56/],
    ['POST', '/api/v1/users', account('lanhdao.stnmt2', 'leader', DEPARTMENT), /000\.00\.10\.H56/],
    ['POST', '/api/v1/users', account('congdan.gia', 'citizen'), /citizen accounts/],
    // units: the province's name, another unit's office hours (its due times), units elsewhere
    ['PATCH', `/api/v1/units/${PROVINCE_UNIT}`, { name: 'UBND tỉnh Giả Mạo' }, /000\.00\.00\.H56/],
    ['PATCH', `/api/v1/units/${DEPARTMENT}`, { office_hours: '09:00-10:00' }, /000\.00\.10\.H56/],
    ['POST', '/api/v1/units', { code: '000.90.10.H56', name: 'Phòng giả', level: 'commune', parent: DEPARTMENT },
      /000\.00\.10\.H56/],
    ['POST', '/api/v1/units', { code: '000.00.00.X99', name: 'Tỉnh giả', level: 'province' }, /without a parent/],
    // the calendar of the whole province
    ['PUT', '/api/v1/calendar/2026', days, /working calendar/],
    ['DELETE', '/api/v1/calendar/2027', undefined, /working calendar/],
    // procedures of another unit or of no unit, and one's own given away
    ['PUT', `/api/v1/procedures/${DEPT_PROC}`, { ...dept, duration_hours: 8 }, /000\.00\.10\.H56/],
    ['PUT', `/api/v1/procedures/${OPEN_PROC}`, { ...open, duration_hours: 8 }, /owned by no unit/],
    ['PUT', `/api/v1/procedures/${OWN_PROC}`, { ...own, levels: 'department', unit: DEPARTMENT }, /000\.00\.10\.H56/],
    ['POST', '/api/v1/procedures', proc('2.998002', { levels: 'department', unit: DEPARTMENT }), /000\.00\.10\.H56/],
    ['POST', '/api/v1/procedures', proc('2.998002'), /owned by no unit/],
  ];
  for (const [method, path, body, detail] of attacks) {
    const res = await server.api(method, path, { token: tok.qx, body });
    assertProblem(res, 403, 'out-of-scope', `${method} ${path} ${JSON.stringify(body)}`);
    assert.match(res.body.detail, detail, `${method} ${path}`);
  }
  assert.deepEqual(await state(), before, 'a refused request changed something');
  for (const u of ['admin.tinh2', 'admin.qx2', 'giamsat.tinh2', 'lanhdao.stnmt2', 'congdan.gia']) {
    assertProblem(await server.api('POST', '/api/v1/session', { body: { username: u, password: PASSWORD } }), 401,
      'bad-credentials', `${u} was not made`);
  }
});

test('GET /api/v1/users: a district administrator lists the accounts of its subtree only', async () => {
  const subtree = new Set([DISTRICT]);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of UNITS) if (subtree.has(u.parent) && !subtree.has(u.code)) { subtree.add(u.code); grew = true; }
  }
  const mine = (await get('/api/v1/users', tok.qx)).items;
  const all = (await get('/api/v1/users', tok.admin)).items;
  assert.ok(mine.length > 0 && mine.some((u) => u.username === 'tiepnhan'), 'the district\'s own officers');
  for (const u of mine) assert.ok(u.unit && subtree.has(u.unit.code), `${u.username} (${u.unit?.code}) is outside`);
  assert.deepEqual(mine.map((u) => u.username).sort(),
    all.filter((u) => u.unit && subtree.has(u.unit.code)).map((u) => u.username).sort());
  // the root's administrator sees every account, citizens and other units' included
  for (const name of ['congdan', 'lanhdao.stnmt', 'admin']) assert.ok(all.some((u) => u.username === name), name);
});

test('inside its subtree a district administrator manages units, accounts and procedures', async () => {
  // an officer of a commune of the district, and a supervisor of the district, who can sign in
  for (const [username, role, unit] of [['tiepnhan.xa', 'desk', COMMUNE], ['giamsat.huyen', 'supervisor', DISTRICT]]) {
    const res = await server.api('POST', '/api/v1/users', { token: tok.qx, body: { username, password: PASSWORD,
      full_name: 'Cán Bộ Huyện', role, unit } });
    assertStatus(res, 201, `${role} at ${unit}`);
    assert.equal(res.body.unit.code, unit);
    await server.login(username);
  }
  // a new commune, then its office hours and the district's own address
  const created = await server.api('POST', '/api/v1/units', { token: tok.qx, body: { code: '000.91.33.H56',
    name: 'UBND xã Kiểm Tra', level: 'commune', parent: DISTRICT } });
  assertStatus(created, 201, 'a unit under the district');
  const hours = await server.api('PATCH', `/api/v1/units/${COMMUNE}`, { token: tok.qx,
    body: { office_hours: '07:30-11:30,13:30-17:30' } });
  assertStatus(hours, 200, 'office hours of a commune of the district');
  assert.equal(hours.body.office_hours, '07:30-11:30,13:30-17:30');
  assertStatus(await server.api('PATCH', `/api/v1/units/${DISTRICT}`, { token: tok.qx,
    body: { address: 'Thị trấn Tân Phong, huyện Quảng Xương' } }), 200, 'its own unit');
  // procedures of the district: an edit, and a new one
  const own = await get(`/api/v1/procedures/${OWN_PROC}`);
  const edited = await server.api('PUT', `/api/v1/procedures/${OWN_PROC}`, { token: tok.qx,
    body: { ...own, duration_hours: 24 } });
  assertStatus(edited, 200, 'a procedure of the district');
  assert.equal(edited.body.duration_hours, 24);
  assertStatus(await server.api('POST', '/api/v1/procedures', { token: tok.qx,
    body: proc('2.998003', { unit: DISTRICT }) }), 201, 'a new procedure of the district');
});

test('the root administrator keeps the whole province', async () => {
  const renamed = await server.api('PATCH', `/api/v1/units/${PROVINCE_UNIT}`, { token: tok.admin,
    body: { phone: '0237 3852 000' } });
  assertStatus(renamed, 200, 'the root unit');
  const open = await get(`/api/v1/procedures/${OPEN_PROC}`);
  assertStatus(await server.api('PUT', `/api/v1/procedures/${OPEN_PROC}`, { token: tok.admin, body: open }), 200,
    'a procedure of no unit');
  assertStatus(await server.api('DELETE', '/api/v1/calendar/2027', { token: tok.admin }), 200, 'the calendar');
  assertStatus(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'congdan.quay',
    password: PASSWORD, full_name: 'Công Dân Tại Quầy', role: 'citizen' } }), 201, 'a citizen account');
  // other roles keep their 403 forbidden: the role comes before the scope
  assertProblem(await server.api('DELETE', '/api/v1/calendar/2027', { token: tok.tiepnhan }), 403, 'forbidden');
  assertProblem(await server.api('PATCH', `/api/v1/units/${DISTRICT}`, { token: tok.tiepnhan,
    body: { name: 'X' } }), 403, 'forbidden');
});
