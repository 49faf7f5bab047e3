// The centres' views of the dossier list (docs/province-2026.md §2): a public
// administration service centre chosen by the applicant regardless of
// administrative boundary — to receive the dossier (`centre`, online) or to
// hand back its result (`return_centre`) — finds those dossiers in its list:
// GET /api/v1/dossiers?view=reception (the dossiers it received for other
// units) and ?view=return (those it hands back, once their result is ready:
// resolved or returned). What a view lists is what the centre may open
// (mc_api_may_see), no more: not the competent unit's other dossiers, not a
// dossier whose result is not ready, nothing to another centre, another
// district's commune or a citizen. Before, such a dossier was found by its
// code only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, act, ok } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.97.H56'; // a district made for the test
const A = '000.01.97.H56'; // commune A: the centre that receives
const B = '000.02.97.H56'; // commune B: the competent unit
const C = '000.03.97.H56'; // commune C: the centre that returns
const U = '000.00.98.H56'; // another district
const D = '000.01.98.H56'; // its commune
const ANY = '1.997001'; // received regardless of administrative boundary

let server;
const tok = {};
const codes = {};

const list = (token, query = '') => server.api('GET', `/api/v1/dossiers?limit=200${query}`, { token });
async function listed(who, query) {
  const body = await ok(await list(tok[who], query), 200, `${who} ${query}`);
  assert.equal(body.total, body.items.length, `${who} ${query}: one page`);
  return body.items.map((d) => d.code).sort();
}
const mine = (...names) => names.map((n) => codes[n]).sort();

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  const unit = (code, name, level, parent) => server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Trung Tâm', 'district', PROVINCE_UNIT), 201, 'district T');
  await ok(await unit(A, 'UBND xã An Nhận', 'commune', T), 201, 'commune A');
  await ok(await unit(B, 'UBND xã Bình Giải', 'commune', T), 201, 'commune B');
  await ok(await unit(C, 'UBND xã Cát Trả', 'commune', T), 201, 'commune C');
  await ok(await unit(U, 'UBND huyện Khác', 'district', PROVINCE_UNIT), 201, 'district U');
  await ok(await unit(D, 'UBND xã Đông Khác', 'commune', U), 201, 'commune D');
  await ok(await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: {
    code: ANY, name: 'Chứng thực ở bất kỳ trung tâm nào', field: 'Chứng thực', levels: 'commune',
    duration_hours: 16, online_level: 2, online_class: 'full', online_class_since: '2022-08-01', anywhere: true } }),
  201, 'procedure');
  const user = (username, role, unitCode) => server.api('POST', '/api/v1/users', { token: tok.admin,
    body: { username, password: PASSWORD, full_name: `Cán bộ ${username}`, role, unit: unitCode } });
  for (const [u, c, role] of [['desk.a', A], ['desk.b', B], ['desk.c', C], ['lead.b', B, 'leader'],
    ['desk.d', D], ['desk.t', T]]) {
    await ok(await user(u, role ?? 'desk', c), 201, u);
    tok[u] = await server.login(u);
  }
  tok.citizen = await server.login('congdan');

  const file = (token, body) => server.api('POST', '/api/v1/dossiers', { token, body: { procedure_code: ANY,
    unit: B, applicant: { name: 'Lê Văn Trung' }, ...body } });
  const resolve = async (code) => {
    assertStatus(await act(server, tok['desk.b'], code, 'assign'), 200, `assign ${code}`);
    assertStatus(await act(server, tok['lead.b'], code, 'resolve', { outcome: 'approved' }), 200, `resolve ${code}`);
  };
  // online: received at A, returned at C; still being worked on at B
  codes.online = (await ok(await file(tok.citizen, { channel: 'online', centre: A, return_centre: C }), 201,
    'online')).code;
  assertStatus(await act(server, tok['desk.a'], codes.online, 'receive'), 200, 'A receives');
  // at A's desk for B, returned at C: resolved (ready at C), returned, and still open
  codes.ready = (await ok(await file(tok['desk.a'], { channel: 'direct', return_centre: C }), 201, 'ready')).code;
  await resolve(codes.ready);
  codes.back = (await ok(await file(tok['desk.a'], { channel: 'direct', return_centre: C }), 201, 'back')).code;
  await resolve(codes.back);
  assertStatus(await act(server, tok['desk.c'], codes.back, 'return'), 200, 'C returns it');
  codes.open = (await ok(await file(tok['desk.a'], { channel: 'direct', return_centre: C }), 201, 'open')).code;
  // B's own: no centre apart, resolved
  codes.own = (await ok(await file(tok['desk.b'], { channel: 'direct' }), 201, 'own')).code;
  await resolve(codes.own);
});

after(async () => {
  await stopServer(server);
});

test('the receiving centre lists the dossiers it received for other units, no more', async () => {
  assert.deepEqual(await listed('desk.a', '&view=reception'), mine('online', 'ready', 'back', 'open'));
  assert.deepEqual(await listed('desk.a', ''), [], "not in A's own list: they are B's");
  assert.deepEqual(await listed('desk.a', '&view=unit'), [], 'view=unit is the default');
  assert.deepEqual(await listed('desk.a', '&view=reception&state=received'), mine('online', 'open'), 'with the other filters');
  assert.deepEqual(await listed('desk.c', '&view=reception'), [], 'C received nothing');
  assert.deepEqual(await listed('desk.b', '&view=reception'), [], 'B received nothing apart');
});

test('the return centre lists the dossiers it hands back once the result is ready, no more', async () => {
  assert.deepEqual(await listed('desk.c', '&view=return'), mine('ready', 'back'));
  assert.deepEqual(await listed('desk.c', '&view=return&open=true'), mine('ready'), 'the one still to hand back');
  assert.deepEqual(await listed('desk.c', ''), [], "not in C's own list");
  assert.deepEqual(await listed('desk.a', '&view=return'), [], 'A returns nothing');
  assert.deepEqual(await listed('desk.b', '&view=return'), [], "B's own resolved dossier is not a return centre's");
  // The district above both centres sees what they see.
  assert.deepEqual(await listed('desk.t', '&view=return'), mine('ready', 'back'));
  assert.deepEqual(await listed('desk.t', `&view=return&unit=${C}`), mine('ready', 'back'));
  assert.deepEqual(await listed('desk.t', `&view=return&unit=${A}`), []);
  // Each listed dossier opens for the centre: the view is what it may see.
  for (const code of await listed('desk.c', '&view=return')) {
    assertStatus(await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok['desk.c'] }), 200, code);
  }
  for (const code of await listed('desk.a', '&view=reception')) {
    assertStatus(await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok['desk.a'] }), 200, code);
  }
});

test('attacks: another district, another centre\'s unit, a citizen, bad views', async () => {
  // Another district's commune: nothing, and the centres' units are out of its scope.
  assert.deepEqual(await listed('desk.d', '&view=return'), []);
  assert.deepEqual(await listed('desk.d', '&view=reception'), []);
  assertProblem(await list(tok['desk.d'], `&view=return&unit=${C}`), 403, 'out-of-scope', 'D asking for C');
  assertProblem(await list(tok['desk.d'], `&view=reception&unit=${A}`), 403, 'out-of-scope', 'D asking for A');
  // A centre asking for another centre's view.
  assertProblem(await list(tok['desk.a'], `&view=return&unit=${C}`), 403, 'out-of-scope', 'A asking for C');
  assertProblem(await list(tok['desk.c'], `&view=reception&unit=${A}`), 403, 'out-of-scope', 'C asking for A');
  // A citizen: the views are the officers'; their own list stays their own.
  assertProblem(await list(tok.citizen, '&view=return'), 403, 'forbidden', 'a citizen');
  assertProblem(await list(tok.citizen, '&view=reception'), 403, 'forbidden', 'a citizen');
  assert.deepEqual(await listed('citizen', ''), mine('online'));
  // Bad views.
  for (const v of ['all', 'RETURN', '', 'return%00', 'x'.repeat(5000), 'reception,return']) {
    const res = await list(tok['desk.c'], `&view=${v}`);
    assertProblem(res, 400, 'invalid-query', `view=${v.slice(0, 20)}`);
    // (a NUL is refused before the handler reads the query: no field)
    if (!v.includes('%00')) assert.equal(res.body.field, 'view');
  }
  assertProblem(await list(undefined, '&view=return'), 401, 'unauthenticated');
});
