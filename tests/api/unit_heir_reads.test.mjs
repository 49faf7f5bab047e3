// The successor of an ended unit reads its predecessors' dossiers
// (docs/units.md §3): a plan moves an ended unit's open dossiers to its
// successor, but those it had finished (returned, resolved, withdrawn…) stay
// with it. The successor's officers — the ended unit's former staff among
// them — read them: the detail and its history, the receipt, the files, the
// apologies, and GET /api/v1/dossiers?unit=<the ended unit>. What they do
// with them is the ended desk's desk-side actions only (a result left to
// collect is handed back there); anything else is refused as before. An
// officer of another unit, a citizen who does not own the dossier, and the
// officers of a unit whose predecessor ended into a successor outside their
// scope get what they got before: 403 (404 for the citizen), the same answer
// as for a dossier outside their scope. A list of an ended unit is refused when
// one of the units under it ended into a successor outside the caller's scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, act, APPLICANT, ok, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.96.H56'; // a district made for the test
const A = '000.01.96.H56'; // ends into B
const B = '000.02.96.H56'; // the successor
const C = '000.03.96.H56'; // an unrelated commune, successor of D and U
const D = '000.04.96.H56'; // ends into C
const U = '000.00.95.H56'; // another district, ends into C
const E = '000.01.95.H56'; // its commune, ends into B
const PROC = '1.996001';

let server;
const tok = {};
const codes = {};
const sha = {};
const api = (...a) => server.api(...a);

async function listed(who, unit) {
  const body = await ok(await api('GET', `/api/v1/dossiers?limit=200&unit=${unit}`, { token: tok[who] }), 200,
    `${who} lists ${unit}`);
  assert.equal(body.total, body.items.length, 'one page');
  return body.items.map((d) => d.code).sort();
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  tok.citizen = await server.login('congdan');
  const unit = (code, name, level, parent) => api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Kế Thừa', 'district', PROVINCE_UNIT), 201, 'district T');
  await ok(await unit(A, 'UBND xã An Cũ', 'commune', T), 201, 'A');
  await ok(await unit(B, 'UBND xã Bình Mới', 'commune', T), 201, 'B');
  await ok(await unit(C, 'UBND xã Cát Khác', 'commune', T), 201, 'C');
  await ok(await unit(D, 'UBND xã Đông Cũ', 'commune', T), 201, 'D');
  await ok(await unit(U, 'UBND huyện Cũ', 'district', PROVINCE_UNIT), 201, 'district U');
  await ok(await unit(E, 'UBND xã Én Cũ', 'commune', U), 201, 'E');
  await ok(await api('POST', '/api/v1/procedures', { token: tok.admin, body: { code: PROC,
    name: 'Chứng thực bản sao từ bản chính', field: 'Chứng thực', levels: 'commune', duration_hours: 16 } }), 201,
  'procedure');
  for (const [u, c, role] of [['desk.a', A], ['lead.a', A, 'leader'], ['desk.b', B], ['desk.c', C], ['desk.d', D],
    ['desk.e', E]]) {
    await ok(await api('POST', '/api/v1/users', { token: tok.admin,
      body: { username: u, password: PASSWORD, full_name: `Cán bộ ${u}`, role: role ?? 'desk', unit: c } }), 201, u);
    tok[u] = await server.login(u);
  }
  const upload = async (token, tag) => (await ok(await api('POST', '/api/v1/attachments', { token,
    raw: Buffer.from(`%PDF-1.4\n% ${tag}\n%%EOF\n`), headers: { 'Content-Type': 'application/pdf' } }), 201,
  'upload')).sha256;
  const file = async (who, unit, tag) => {
    sha[tag] = await upload(tok[who], tag);
    return (await ok(await api('POST', '/api/v1/dossiers', { token: tok[who], body: { procedure_code: PROC,
      channel: 'direct', unit, applicant: APPLICANT,
      documents: [{ name: 'Tờ khai', originals: 1, attachment: sha[tag] }] } }), 201, `filing ${tag}`)).code;
  };
  const resolve = async (code) => {
    assertStatus(await act(server, tok['desk.a'], code, 'assign'), 200, `assign ${code}`);
    assertStatus(await act(server, tok['lead.a'], code, 'resolve', { outcome: 'approved' }), 200, `resolve ${code}`);
  };
  // At A: one handed back, one resolved and waiting to be collected, one still open.
  codes.returned = await file('desk.a', A, 'returned');
  await resolve(codes.returned);
  assertStatus(await act(server, tok['desk.a'], codes.returned, 'return'), 200, 'returned');
  codes.resolved = await file('desk.a', A, 'resolved');
  await resolve(codes.resolved);
  codes.open = await file('desk.a', A, 'open');
  // Withdrawn at D and at E; B's own, open.
  const withdraw = (who, code) => act(server, tok[who], code, 'withdraw', { note: 'Công dân xin rút hồ sơ' });
  codes.d = await file('desk.d', D, 'd');
  assertStatus(await withdraw('desk.d', codes.d), 200, 'withdrawn at D');
  codes.e = await file('desk.e', E, 'e');
  assertStatus(await withdraw('desk.e', codes.e), 200, 'withdrawn at E');
  codes.b = await file('desk.b', B, 'b');

  const plan = await ok(await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: {
    name: 'Sắp xếp xã', effective: localDay(), users: 'move', operations: [
      { kind: 'merge', from: [A], into: B }, { kind: 'merge', from: [D], into: C },
      { kind: 'merge', from: [E], into: B }, { kind: 'merge', from: [U], into: C }] } }), 201, 'plan');
  const applied = await ok(await api('POST', `/api/v1/unit-plans/${plan.id}/apply`, { token: tok.admin }), 200, 'apply');
  assert.equal(applied.applied.moved_dossiers, 1, 'only the open dossier moves');
});

after(async () => {
  await stopServer(server);
});

test('the successor\'s officer reads the dossiers its predecessor finished: detail, history, receipt, files', async () => {
  for (const name of ['returned', 'resolved']) {
    const d = await ok(await api('GET', `/api/v1/dossiers/${codes[name]}`, { token: tok['desk.b'] }), 200, name);
    assert.equal(d.code, codes[name]);
    assert.equal(d.state, name);
    assert.ok(d.events.some((e) => e.action === 'resolve'), `${name}: its history`);
    assert.ok(!d.events.some((e) => e.action === 'reorganise'), `${name}: it did not move`);
    const receipt = await api('GET', `/api/v1/dossiers/${codes[name]}/forms/01`, { token: tok['desk.b'] });
    assertStatus(receipt, 200, `${name}: the receipt`);
    assert.match(receipt.headers.get('content-type'), /^application\/pdf/);
    const file = await api('GET', `/api/v1/attachments/${sha[name]}`, { token: tok['desk.b'] });
    assertStatus(file, 200, `${name}: its file`);
    assertStatus(await api('GET', `/api/v1/dossiers/${codes[name]}/apologies`, { token: tok['desk.b'] }), 200,
      `${name}: its apologies`);
  }
  // The open one moved: B's own now, as before.
  const open = await ok(await api('GET', `/api/v1/dossiers/${codes.open}`, { token: tok['desk.b'] }), 200, 'open');
  assert.equal(open.current_unit.code, B);
  // E ended into B as well, from another district.
  assert.equal((await ok(await api('GET', `/api/v1/dossiers/${codes.e}`, { token: tok['desk.b'] }), 200, 'E')).state,
    'withdrawn');
  // C reads what D finished.
  assert.equal((await ok(await api('GET', `/api/v1/dossiers/${codes.d}`, { token: tok['desk.c'] }), 200, 'D')).state,
    'withdrawn');
});

// What the successor may do with them is the one rule of the actions
// (mc_app_dossier_may): the ended desk's desk-side actions are its own, so a
// result waiting to be collected is handed back at its desk; nothing else.
test('the successor\'s desk hands back a result its predecessor left to collect, and does nothing else', async () => {
  const returned = await ok(await api('GET', `/api/v1/dossiers/${codes.returned}`, { token: tok['desk.b'] }), 200, 'r');
  assert.deepEqual(returned.actions, [], 'a returned dossier: nothing offered');
  assertProblem(await act(server, tok['desk.b'], codes.returned, 'withdraw', { note: 'x' }), 409,
    'forbidden-transition', 'nor a withdrawal once returned');
  const resolved = await ok(await api('GET', `/api/v1/dossiers/${codes.resolved}`, { token: tok['desk.b'] }), 200, 'v');
  assert.deepEqual(resolved.actions, ['return'], 'the result is handed back at the successor\'s desk');
  assertProblem(await api('POST', `/api/v1/dossiers/${codes.resolved}/payments`, { token: tok['desk.b'] }), 403,
    'out-of-scope', 'no payment is started');
  // an unrelated unit's desk: nothing, as before
  assertProblem(await act(server, tok['desk.c'], codes.resolved, 'return'), 403, 'out-of-scope', 'C does not hand it back');
  assert.equal((await ok(await api('GET', `/api/v1/dossiers/${codes.resolved}`, { token: tok.admin }), 200, 'a')).version,
    resolved.version, 'nothing changed by the refusals');
  const back = await ok(await act(server, tok['desk.b'], codes.resolved, 'return'), 200, 'handed back at B');
  assert.equal(back.state, 'returned');
  const ev = (await ok(await api('GET', `/api/v1/dossiers/${codes.resolved}`, { token: tok['desk.b'] }), 200, 'e')).events;
  assert.equal(ev.at(-1).action, 'return');
  assert.equal(ev.at(-1).actor, 'Cán bộ desk.b', 'by the successor\'s desk officer');
});

test('the successor lists its predecessor\'s dossiers with ?unit=', async () => {
  assert.deepEqual(await listed('desk.b', A), [codes.returned, codes.resolved, codes.open].sort(),
    'A\'s finished dossiers, and the open one it received (now at B)');
  assert.deepEqual(await listed('desk.b', E), [codes.e]);
  assert.deepEqual(await listed('desk.c', D), [codes.d]);
  // Each listed dossier opens.
  for (const code of await listed('desk.b', A)) {
    assertStatus(await api('GET', `/api/v1/dossiers/${code}`, { token: tok['desk.b'] }), 200, code);
  }
  // The district above reads them as before.
  assert.deepEqual(await listed('admin', A), [codes.returned, codes.resolved, codes.open].sort());
  // The register of dossiers received, for the ended unit.
  const reg = await api('GET', `/api/v1/forms/register?from=${localDay(-1)}&to=${localDay(1)}&unit=${A}`,
    { token: tok['desk.b'] });
  assertStatus(reg, 200, 'the register of A');
});

test('no leak: another unit, a citizen, a successor outside the scope get what they got before', async () => {
  // The answer to a dossier outside one's scope, for comparison: B's own, in force.
  const outside = await api('GET', `/api/v1/dossiers/${codes.b}`, { token: tok['desk.c'] });
  assertProblem(outside, 403, 'out-of-scope', 'C on B\'s dossier');
  for (const [who, name] of [['desk.c', 'returned'], ['desk.c', 'resolved'], ['desk.b', 'd'], ['desk.c', 'e']]) {
    const res = await api('GET', `/api/v1/dossiers/${codes[name]}`, { token: tok[who] });
    assertProblem(res, 403, 'out-of-scope', `${who} on ${name}`);
    assert.equal(res.body.detail, outside.body.detail, 'the same answer as for any dossier outside the scope');
    assertStatus(await api('GET', `/api/v1/dossiers/${codes[name]}/forms/01`, { token: tok[who] }), 404,
      `${who}: no receipt of ${name}`);
    assert.notEqual((await api('GET', `/api/v1/attachments/${sha[name]}`, { token: tok[who] })).status, 200,
      `${who}: no file of ${name}`);
    assertProblem(await api('GET', `/api/v1/dossiers/${codes[name]}/apologies`, { token: tok[who] }), 403,
      'out-of-scope', `${who}: no apologies of ${name}`);
  }
  assertProblem(await api('GET', `/api/v1/dossiers/${codes.returned}`, { token: tok.citizen }), 404, 'not-found',
    'a citizen who does not own it');
  const list = (who, unit) => api('GET', `/api/v1/dossiers?unit=${unit}`, { token: tok[who] });
  assertProblem(await list('desk.c', A), 403, 'out-of-scope', 'C lists A');
  assertProblem(await list('desk.b', D), 403, 'out-of-scope', 'B lists D (ended into C)');
  assertProblem(await list('desk.c', B), 403, 'out-of-scope', 'a unit in force outside the scope');
  // U ended into C, but its commune E into B: C does not list U (E's dossier is B's to read), nor does B.
  assertProblem(await list('desk.c', U), 403, 'out-of-scope', 'C lists U');
  assertProblem(await list('desk.b', U), 403, 'out-of-scope', 'B lists U');
  // The return centre's view is not the heir's.
  assertProblem(await api('GET', `/api/v1/dossiers?unit=${A}&view=return`, { token: tok['desk.b'] }), 403,
    'out-of-scope', 'view=return of A');
  assertProblem(await api('GET', `/api/v1/forms/register?from=${localDay(-1)}&to=${localDay(1)}&unit=${A}`,
    { token: tok['desk.c'] }), 403, 'out-of-scope', 'C\'s register of A');
});
