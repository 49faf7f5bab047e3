// (And the result handed back at the centre the applicant chose: `return_centre`.)
// Online filing regardless of administrative boundary (Nghị định 118/2025/NĐ-CP;
// docs/province-2026.md §2): a citizen filing online a procedure marked
// receivable anywhere chooses the centre that receives it (`centre`); the
// dossier belongs to the competent unit (its code, its statistics, its desk
// after reception), the chosen centre's desk receives it (or refuses it) and
// no other. The rules are the desk's: an unmarked procedure, a centre of
// another province, a desk choosing a centre and malformed unit codes are
// refused with a precise problem and nothing stored. The server's clock is
// today's (after 1 July 2025); the rule of the days before is the desk's, in
// tests/unit/test_app_dossier.c. Read back through the API: both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, PASSWORD, BIN } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, act, getDossier, ok } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.96.H56'; // a district made for the test
const A = '000.01.96.H56'; // commune A, the centre the citizen chooses
const B = '000.02.96.H56'; // commune B, the competent unit
const C = '000.03.96.H56'; // commune C, a centre not chosen
const D = '000.04.96.H56'; // commune D: a leader, no desk officer
const E = '000.05.96.H56'; // commune E: its only desk officer locked
const H26 = '000.00.00.H26'; // a unit of another province
const ANY = '1.996001'; // marked receivable anywhere, fully online
const PLAIN = '1.996002'; // fully online, not marked

let server;
const tok = {};

const fileOnline = (body, token = tok.citizen) => server.api('POST', '/api/v1/dossiers', { token,
  body: { channel: 'online', applicant: { name: 'Phạm Thị Hạnh' }, ...body } });

const dossiersOf = async (unit) =>
  (await ok(await server.api('GET', `/api/v1/dossiers?unit=${unit}&limit=200`, { token: tok.admin }), 200,
    `dossiers of ${unit}`)).total;

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  const unit = (code, name, level, parent) => server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Trực Tuyến', 'district', PROVINCE_UNIT), 201, 'district T');
  await ok(await unit(A, 'UBND xã An Mạng', 'commune', T), 201, 'commune A');
  await ok(await unit(B, 'UBND xã Bình Mạng', 'commune', T), 201, 'commune B');
  await ok(await unit(C, 'UBND xã Cát Mạng', 'commune', T), 201, 'commune C');
  await ok(await unit(D, 'UBND xã Đông Mạng', 'commune', T), 201, 'commune D');
  await ok(await unit(E, 'UBND xã Êm Mạng', 'commune', T), 201, 'commune E');
  // Another province's unit: only the command line makes a second root.
  execFileSync(BIN, ['unit', 'add', '--db', server.db, '--code', H26, '--name', 'UBND tỉnh Thử Hai',
    '--level', 'province', '--province', 'H26'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const proc = (code, name, extra) => server.api('POST', '/api/v1/procedures', { token: tok.admin, body: {
    code, name, field: 'Chứng thực', levels: 'commune', duration_hours: 16, online_level: 2,
    online_class: 'full', online_class_since: '2022-08-01', ...extra } });
  await ok(await proc(ANY, 'Chứng thực trực tuyến ở bất kỳ đâu', { anywhere: true }), 201, 'marked procedure');
  await ok(await proc(PLAIN, 'Chứng thực trực tuyến tại nơi cư trú', {}), 201, 'unmarked procedure');
  const user = (username, role, unitCode) => server.api('POST', '/api/v1/users', { token: tok.admin,
    body: { username, password: PASSWORD, full_name: `Cán bộ ${username}`, role, unit: unitCode } });
  for (const [u, c, role] of [['desk.a', A], ['desk.b', B], ['desk.c', C], ['lead.b', B, 'leader']]) {
    await ok(await user(u, role ?? 'desk', c), 201, u);
    tok[u] = await server.login(u);
  }
  await ok(await user('lead.d', 'leader', D), 201, 'lead.d');
  await ok(await user('desk.e', 'desk', E), 201, 'desk.e');
  await ok(await server.api('PATCH', '/api/v1/users/desk.e', { token: tok.admin, body: { active: false } }), 200,
    'desk.e locked');
  tok.citizen = await server.login('congdan');
});

after(async () => {
  await stopServer(server);
});

test('a citizen files online for B and chooses A\'s centre; A receives it, B decides it', async () => {
  const res = await fileOnline({ procedure_code: ANY, unit: B, centre: A });
  const d = await ok(res, 201, 'filed online with a centre');
  assert.equal(d.state, 'submitted');
  assert.equal(d.receiving_unit.code, B, 'the competent unit holds it');
  assert.equal(d.reception_unit.code, A, 'the chosen centre is recorded');
  assert.ok(d.code.startsWith(`${B}-`), `the code is the competent unit's: ${d.code}`);

  // Another centre of the province, not chosen, neither receives nor refuses it.
  assertProblem(await act(server, tok['desk.c'], d.code, 'receive'), 403, 'out-of-scope', "C's desk");
  assertProblem(await act(server, tok['desk.c'], d.code, 'refuse', { note: 'không' }), 403, 'out-of-scope',
    "C's desk refusing");
  // The chosen centre sees it waiting, and receives it.
  const atA = await getDossier(server, tok['desk.a'], d.code);
  assert.ok(atA.actions.includes('receive'), `A's desk may receive it: ${atA.actions}`);
  const received = await ok(await act(server, tok['desk.a'], d.code, 'receive'), 200, "A's desk receives");
  assert.equal(received.state, 'received');
  assert.equal(received.reception_unit.code, A);
  assert.equal(received.receiving_unit.code, B);
  // Once received, the centre acts no further; B's desk goes on.
  assert.deepEqual((await getDossier(server, tok['desk.a'], d.code)).actions, [], 'A has nothing more to do');
  assertProblem(await act(server, tok['desk.a'], d.code, 'assign'), 403, 'out-of-scope', "A's desk assigning");
  assertStatus(await act(server, tok['desk.b'], d.code, 'assign'), 200, "B's desk hands it on");
});

test("choosing the competent unit's own centre records nothing apart; B's desk receives it", async () => {
  const d = await ok(await fileOnline({ procedure_code: ANY, unit: B, centre: B }), 201, 'centre B');
  assert.equal(d.reception_unit, undefined);
  assertProblem(await act(server, tok['desk.a'], d.code, 'receive'), 403, 'out-of-scope', "A's desk");
  assertStatus(await act(server, tok['desk.b'], d.code, 'receive'), 200, "B's desk receives");
  // A blank centre counts as none, as every optional field sent blank (src/http/fields.c).
  const blank = await ok(await fileOnline({ procedure_code: ANY, unit: B, centre: ' ' }), 201, 'blank centre');
  assert.equal(blank.reception_unit, undefined);
});

test('refused with the precise problem, nothing stored: unmarked, another province, desks, malformed codes',
  async () => {
    const before = [await dossiersOf(A), await dossiersOf(B)];
    let res = await fileOnline({ procedure_code: PLAIN, unit: B, centre: A });
    assertProblem(res, 422, 'not-receivable-here', 'unmarked procedure at A for B');
    assert.equal(res.body.field, 'centre');
    assert.equal(res.body.rule, 'boundary');
    assert.match(res.body.detail, /procedure 1\.996002 is not received regardless of administrative boundary/);
    assert.match(res.body.detail, new RegExp(`centre of ${B.replace(/\./g, '\\.')}`));

    res = await fileOnline({ procedure_code: ANY, unit: B, centre: H26 });
    assertProblem(res, 422, 'not-receivable-here', 'a centre of another province');
    assert.equal(res.body.field, 'centre');
    assert.match(res.body.detail, /centre 000\.00\.00\.H26 belongs to another province/);

    // A desk receives at its own centre: it chooses none.
    res = await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'], body: { procedure_code: ANY,
      channel: 'direct', unit: B, centre: C, applicant: { name: 'Phạm Thị Hạnh' } } });
    assertProblem(res, 422, 'invalid-field', 'a desk naming a centre');
    assert.equal(res.body.field, 'centre');

    for (const [centre, slug, what] of [
      ['999.99.99.X00', 'unknown-unit', 'an unknown unit'],
      ['0'.repeat(25), 'invalid-field', 'a code too long'],
      [{ code: A }, 'invalid-field', 'an object'],
      [42, 'invalid-field', 'a number'],
      [`${A}\u0007`, 'invalid-field', 'a control character'],
      [`${A}' OR '1'='1`, 'unknown-unit', 'SQL in the code'],
    ]) {
      res = await fileOnline({ procedure_code: ANY, unit: B, centre });
      assertProblem(res, 422, slug, what);
      assert.equal(res.body.field, 'centre', what);
    }
    assertProblem(await fileOnline({ procedure_code: ANY, unit: B, centre: `${A}\u0000` }), 400, 'malformed-json',
      'a NUL');
    // The competent unit's own code malformed: refused before the centre is judged.
    assertProblem(await fileOnline({ procedure_code: ANY, unit: '../../etc', centre: A }), 422, 'unknown-unit',
      'a malformed unit');
    assert.deepEqual([await dossiersOf(A), await dossiersOf(B)], before, 'nothing stored');
  });

// The result returned at the centre the applicant chose (docs/province-2026.md §2).
test('the applicant chooses the centre that returns the result; it sees the dossier once resolved and hands it back',
  async () => {
    const desk = await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'], body: { procedure_code: ANY,
      channel: 'direct', unit: B, return_centre: C, applicant: { name: 'Phạm Thị Hạnh' } } });
    const d = await ok(desk, 201, 'received at A for B, returned at C');
    assert.equal(d.receiving_unit.code, B);
    assert.equal(d.reception_unit.code, A);
    assert.equal(d.return_unit.code, C, 'the centre chosen to return it');
    // C does not see it while B works on it.
    const early = await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok['desk.c'] });
    assert.ok([403, 404].includes(early.status), `C before the result: ${early.status}`);
    assertStatus(await act(server, tok['desk.b'], d.code, 'assign'), 200, "B's desk hands it on");
    assertStatus(await act(server, tok['lead.b'], d.code, 'resolve', { outcome: 'approved' }), 200, 'B decides');
    // The result is ready: C sees it and may return it; nobody else returns it.
    const atC = await getDossier(server, tok['desk.c'], d.code);
    assert.equal(atC.state, 'resolved');
    assert.deepEqual(atC.actions, ['return'], `C's desk: ${atC.actions}`);
    assertProblem(await act(server, tok['desk.b'], d.code, 'return'), 403, 'out-of-scope', "B's desk returning");
    assertProblem(await act(server, tok['desk.a'], d.code, 'return'), 403, 'out-of-scope', "A's desk returning");
    const back = await ok(await act(server, tok['desk.c'], d.code, 'return'), 200, "C's desk returns it");
    assert.equal(back.state, 'returned');
    assert.equal(back.return_unit.code, C);

    // Online, a citizen chooses both centres.
    const online = await ok(await fileOnline({ procedure_code: ANY, unit: B, centre: A, return_centre: C }), 201,
      'online with both centres');
    assert.equal(online.reception_unit.code, A);
    assert.equal(online.return_unit.code, C);
    // The competent unit's own centre, or one above it, records nothing apart.
    const own = await ok(await fileOnline({ procedure_code: ANY, unit: B, return_centre: T }), 201, 'return at T');
    assert.equal(own.return_unit, undefined);
  });

test('a return centre is refused with the precise problem, nothing stored', async () => {
  const before = [await dossiersOf(A), await dossiersOf(B)];
  const fileAtB = (body) => server.api('POST', '/api/v1/dossiers', { token: tok['desk.b'], body: { channel: 'direct',
    unit: B, applicant: { name: 'Phạm Thị Hạnh' }, ...body } });
  let res = await fileAtB({ procedure_code: PLAIN, return_centre: C });
  assertProblem(res, 422, 'not-receivable-here', 'unmarked procedure returned at C');
  assert.equal(res.body.field, 'return_centre');
  assert.equal(res.body.rule, 'boundary');
  assert.match(res.body.detail, /procedure 1\.996002 is not received regardless of administrative boundary/);
  res = await fileOnline({ procedure_code: ANY, unit: B, return_centre: H26 });
  assertProblem(res, 422, 'not-receivable-here', 'a return centre of another province');
  assert.equal(res.body.field, 'return_centre');
  assert.match(res.body.detail, /return_centre 000\.00\.00\.H26 belongs to another province/);
  for (const [centre, slug, what] of [
    ['999.99.99.X00', 'unknown-unit', 'an unknown unit'],
    ['0'.repeat(25), 'invalid-field', 'a code too long'],
    [[C], 'invalid-field', 'an array'],
    [`${C}\u0007`, 'invalid-field', 'a control character'],
  ]) {
    res = await fileAtB({ procedure_code: ANY, return_centre: centre });
    assertProblem(res, 422, slug, what);
    assert.equal(res.body.field, 'return_centre', what);
  }
  assert.deepEqual([await dossiersOf(A), await dossiersOf(B)], before, 'nothing stored');
});

// A result waits at the centre chosen until a desk officer there hands it
// back: the `return` is a desk's whose scope holds the centre. A centre no
// active desk officer can hand back at is refused when the dossier is filed.
test('a return centre with no active desk officer is refused, nothing stored; one with a desk is accepted',
  async () => {
    const fileAtA = (body) => server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'], body: {
      procedure_code: ANY, channel: 'direct', unit: B, applicant: { name: 'Phạm Thị Hạnh' }, ...body } });
    const first = await ok(await fileAtA({ return_centre: C }), 201, 'returned at C, whose desk is active');
    assert.equal(first.return_unit.code, C);
    const before = [await dossiersOf(A), await dossiersOf(B), await dossiersOf(D), await dossiersOf(E)];
    for (const [centre, file, what] of [
      [D, () => fileAtA({ return_centre: D }), 'a centre with a leader and no desk officer'],
      [E, () => fileAtA({ return_centre: E }), 'a centre whose only desk officer is locked'],
      [D, () => fileOnline({ procedure_code: ANY, unit: B, centre: A, return_centre: D }), 'online, no desk at D'],
    ]) {
      const res = await file();
      assertProblem(res, 422, 'invalid-field', what);
      assert.equal(res.body.field, 'return_centre', what);
      assert.equal(res.body.rule, 'no-desk', what);
      assert.match(res.body.detail, new RegExp(`return_centre ${centre.replace(/\./g, '\\.')} \\(.+\\) has no ` +
        'desk officer to hand back results; choose another centre'), what);
    }
    assert.deepEqual([await dossiersOf(A), await dossiersOf(B), await dossiersOf(D), await dossiersOf(E)], before,
      'nothing stored');
    // No code was taken by the refusals: the next dossier at B numbers on.
    const next = await ok(await fileAtA({ return_centre: C }), 201, 'returned at C again');
    const seq = (code) => Number(code.slice(code.lastIndexOf('-') + 1));
    assert.equal(seq(next.code), seq(first.code) + 1, `${first.code} then ${next.code}`);
    // Once E's desk officer is unlocked, E hands back results again.
    await ok(await server.api('PATCH', '/api/v1/users/desk.e', { token: tok.admin, body: { active: true } }), 200,
      'desk.e unlocked');
    const atE = await ok(await fileAtA({ return_centre: E }), 201, 'returned at E, its desk unlocked');
    assert.equal(atE.return_unit.code, E);
    await ok(await server.api('PATCH', '/api/v1/users/desk.e', { token: tok.admin, body: { active: false } }), 200,
      'desk.e locked again');
  });
