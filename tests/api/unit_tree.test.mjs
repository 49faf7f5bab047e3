// The unit tree keeps its shape (issue 15, item 4): one root, the province; departments and
// districts under a province; communes under a district or the province. A unit made
// elsewhere is refused with 422 naming the field (parent) and the rule it broke, and nothing
// is stored; an update cannot move a unit or change its level.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, assertProblem, assertStatus } from './helpers.mjs';

const ROOT = '000.00.00.H56';
let server;
let admin;

before(async () => {
  server = await startServer({ dossiers: 0 });
  admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

async function refused(body, slug, rule, detail) {
  const res = await server.api('POST', '/api/v1/units', { token: admin, body });
  assertProblem(res, 422, slug, `${body.level} under ${body.parent}`);
  assert.equal(res.body.field, 'parent', res.text);
  assert.equal(res.body.rule, rule, res.text);
  if (detail) assert.match(res.body.detail, detail);
  assertProblem(await server.api('GET', `/api/v1/units/${body.code}`), 404, 'not-found', 'nothing stored');
  const all = (await server.api('GET', '/api/v1/units')).body.items;
  assert.equal(all.filter((u) => !u.parent).length, 1, 'one root');
}

test('a commune without a parent is refused: it would be a second root', async () => {
  await refused({ code: '000.70.33.H56', name: 'UBND xã Không Cha', level: 'commune' }, 'missing-field', 'required',
    /a commune sits under a district or province/);
  await refused({ code: '000.71.33.H56', name: 'Sở Không Cha', level: 'department' }, 'missing-field', 'required',
    /a department sits under a province/);
});

test('a second province is refused: there is one root', async () => {
  await refused({ code: '000.00.00.H57', name: 'UBND tỉnh Thứ Hai', level: 'province' }, 'invalid-field', 'single-root',
    /000\.00\.00\.H56/);
});

test('each level goes under a parent of the right level', async () => {
  await refused({ code: '000.72.33.H56', name: 'UBND xã Dưới Sở', level: 'commune', parent: DEPARTMENT }, 'invalid-field',
    'parent-level', /a commune sits under a district or province, not under a department/);
  await refused({ code: '000.73.33.H56', name: 'Sở Dưới Huyện', level: 'department', parent: DISTRICT }, 'invalid-field',
    'parent-level', /a department sits under a province, not under a district/);
  await refused({ code: '000.74.33.H56', name: 'UBND huyện Trong Huyện', level: 'district', parent: DISTRICT }, 'invalid-field',
    'parent-level', /a district sits under a province/);
  await refused({ code: '000.75.33.H56', name: 'UBND tỉnh Con', level: 'province', parent: ROOT }, 'invalid-field',
    'parent-level', /a province is the root/);
  const commune = (await server.api('GET', `/api/v1/units?parent=${DISTRICT}&level=commune&limit=1`)).body.items[0];
  await refused({ code: '000.76.33.H56', name: 'UBND xã Dưới Xã', level: 'commune', parent: commune.code }, 'invalid-field',
    'parent-level', /not under a commune/);
  // the right places are taken
  for (const [code, level, parent] of [['000.80.33.H56', 'commune', DISTRICT], ['000.81.33.H56', 'commune', ROOT],
    ['000.82.33.H56', 'department', ROOT], ['000.83.33.H56', 'district', ROOT]]) {
    const res = await server.api('POST', '/api/v1/units', { token: admin, body: { code, name: `Đơn vị ${code}`, level, parent } });
    assertStatus(res, 201, `${level} under ${parent}`);
    assert.equal(res.body.parent, parent);
  }
});

test('an update keeps the unit\'s level and parent: naming others is refused, nothing changes', async () => {
  const commune = (await server.api('GET', `/api/v1/units?parent=${DISTRICT}&level=commune&limit=1`)).body.items[0];
  const before = (await server.api('GET', `/api/v1/units/${commune.code}`)).body;
  let res = await server.api('PATCH', `/api/v1/units/${commune.code}`, { token: admin, body: { name: 'UBND xã Đổi Tên', level: 'district' } });
  assertProblem(res, 422, 'invalid-field', 'level');
  assert.equal(res.body.field, 'level');
  assert.equal(res.body.rule, 'immutable');
  res = await server.api('PATCH', `/api/v1/units/${commune.code}`, { token: admin, body: { name: 'UBND xã Đổi Tên', parent: ROOT } });
  assertProblem(res, 422, 'invalid-field', 'parent');
  assert.equal(res.body.field, 'parent');
  assert.equal(res.body.rule, 'immutable');
  assert.deepEqual((await server.api('GET', `/api/v1/units/${commune.code}`)).body, before, 'unchanged');
  // naming the ones it has is fine
  res = await server.api('PATCH', `/api/v1/units/${commune.code}`, { token: admin, body: { name: before.name, level: before.level, parent: DISTRICT } });
  assertStatus(res, 200, 'same level and parent');
});

test('two administrators editing different fields of a unit at once both keep theirs', async () => {
  // Each PATCH writes only what its body names: one changing the address while
  // another changes the phone does not put back the other's old value.
  for (let i = 0; i < 20; i++) {
    const address = `Số ${i} đường Lê Lợi, thành phố Thanh Hóa`;
    const phone = `0237 385 ${String(1000 + i)}`;
    const [a, p] = await Promise.all([
      server.api('PATCH', `/api/v1/units/${DEPARTMENT}`, { token: admin, body: { address } }),
      server.api('PATCH', `/api/v1/units/${DEPARTMENT}`, { token: admin, body: { phone } }),
    ]);
    assertStatus(a, 200, 'the address');
    assertStatus(p, 200, 'the phone');
    assert.equal(a.body.address, address, 'the reply is the unit as stored');
    assert.equal(p.body.phone, phone);
    const now = (await server.api('GET', `/api/v1/units/${DEPARTMENT}`)).body;
    assert.equal(now.address, address, `round ${i}: the address kept`);
    assert.equal(now.phone, phone, `round ${i}: the phone kept`);
  }
});
