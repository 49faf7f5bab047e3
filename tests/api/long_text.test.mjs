// Text fields are limited in characters, one table of them (src/core/limits.h),
// not in the bytes of the arrays the store once held (issue 9): a value in
// Vietnamese letters up to its field's limit is stored and read back whole,
// however many bytes of UTF-8 it takes; one letter more is refused with 422
// naming the field, and nothing is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, assertProblem, assertStatus } from './helpers.mjs';

let server;
const tok = {};

// n Vietnamese letters: "ệ" is U+1EC7, three bytes of UTF-8.
const letters = (n) => 'ệ'.repeat(n);

// The limits of src/core/limits.h for the fields below.
const LIMIT = {
  name: 300, field: 120, target: 250, result: 250, legal_basis: 2000, place: 250,
  step_name: 120, document_name: 300, document_form: 200, fee_name: 200, decision: 120,
  unit_name: 60, unit_address: 60, full_name: 60,
};

function longProcedure(code, over = null) {
  const n = (key) => LIMIT[key] + (over === key ? 1 : 0);
  return {
    code,
    name: letters(n('name')),
    field: letters(n('field')),
    levels: 'district',
    duration_hours: 40,
    target: letters(n('target')),
    result: letters(n('result')),
    legal_basis: letters(n('legal_basis')),
    place: letters(n('place')),
    steps: [{ name: letters(n('step_name')), role: 'desk', unit_level: 'district', hours: 40 }],
    documents: [{ name: letters(n('document_name')), form: letters(n('document_form')) }],
    fees: [{ code: 'LP01', name: letters(n('fee_name')), amount: 1000 }],
    publications: [{ kind: 'new', decision: letters(n('decision')), date: '2024-01-02' }],
  };
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

test('a procedure whose texts are at their limits in Vietnamese letters is stored whole', async () => {
  const body = longProcedure('9.100001');
  // Each longer in bytes than the array of old: target 750 bytes in 256, legal basis 6000 in 2048.
  assert.ok(Buffer.byteLength(body.target) > 255 && Buffer.byteLength(body.legal_basis) > 2047);
  const res = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body });
  assertStatus(res, 201, 'create');
  const got = await server.api('GET', '/api/v1/procedures/9.100001');
  assertStatus(got, 200);
  for (const key of ['name', 'field', 'target', 'result', 'legal_basis', 'place'])
    assert.equal(got.body[key], body[key], key);
  assert.equal(got.body.steps[0].name, body.steps[0].name);
  assert.equal(got.body.documents[0].name, body.documents[0].name);
  assert.equal(got.body.documents[0].form, body.documents[0].form);
  assert.equal(got.body.fees[0].name, body.fees[0].name);
  assert.equal(got.body.publications[0].decision, body.publications[0].decision);
  // the field is listed whole too
  const fields = await server.api('GET', '/api/v1/procedures/fields');
  assert.ok(fields.body.items.some((x) => x.field === body.field), 'the long field is listed');
});

test('a procedure text one letter over its limit → 422 naming it, nothing stored', async () => {
  const named = {
    name: /^name is longer than 300 characters/, field: /^field is longer than 120/,
    target: /^target is longer than 250/, result: /^result is longer than 250/,
    legal_basis: /^legal_basis is longer than 2000/, place: /^place is longer than 250/,
    step_name: /^steps\[0\]\.name is longer than 120/, document_name: /^documents\[0\]\.name is longer than 300/,
    document_form: /^documents\[0\]\.form is longer than 200/, fee_name: /^fees\[0\]\.name is longer than 200/,
    decision: /^publications\[0\]\.decision is longer than 120/,
  };
  for (const [key, detail] of Object.entries(named)) {
    const res = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: longProcedure('9.100002', key) });
    assertProblem(res, 422, 'invalid-field', key);
    assert.match(res.body.detail, detail, key);
  }
  assertProblem(await server.api('GET', '/api/v1/procedures/9.100002'), 404, 'not-found', 'nothing was stored');
  // nor changed by an update
  const body = longProcedure('9.100001', 'legal_basis');
  delete body.code;
  assertProblem(await server.api('PUT', '/api/v1/procedures/9.100001', { token: tok.admin, body }), 422, 'invalid-field');
  const got = await server.api('GET', '/api/v1/procedures/9.100001');
  assert.equal(got.body.legal_basis, letters(LIMIT.legal_basis));
});

test('a unit and an account at their limits are stored whole; one letter more → 422, nothing stored', async () => {
  const unit = { code: '000.91.33.H56', name: letters(LIMIT.unit_name), level: 'commune', parent: DISTRICT,
    address: letters(LIMIT.unit_address) };
  assertStatus(await server.api('POST', '/api/v1/units', { token: tok.admin, body: unit }), 201, 'unit');
  const got = await server.api('GET', `/api/v1/units/${unit.code}`);
  assert.equal(got.body.name, unit.name);
  assert.equal(got.body.address, unit.address);
  assert.equal(got.body.province_code, 'H56');
  // an edit keeps what it does not change
  const renamed = await server.api('PATCH', `/api/v1/units/${unit.code}`,
    { token: tok.admin, body: { name: `${letters(LIMIT.unit_name - 1)}a` } });
  assertStatus(renamed, 200, 'rename');
  assert.equal(renamed.body.address, unit.address);
  assert.equal((await server.api('GET', `/api/v1/units/${unit.code}`)).body.name, `${letters(LIMIT.unit_name - 1)}a`);

  const over = { ...unit, code: '000.92.33.H56', address: letters(LIMIT.unit_address + 1) };
  const res = await server.api('POST', '/api/v1/units', { token: tok.admin, body: over });
  assertProblem(res, 422, 'invalid-field', 'address over');
  assert.match(res.body.detail, /^address is longer than 60 characters/);
  assertProblem(await server.api('GET', `/api/v1/units/${over.code}`), 404, 'not-found', 'nothing was stored');
  const long = await server.api('PATCH', `/api/v1/units/${unit.code}`,
    { token: tok.admin, body: { name: letters(LIMIT.unit_name + 1) } });
  assertProblem(long, 422, 'invalid-field', 'name over');
  assert.equal((await server.api('GET', `/api/v1/units/${unit.code}`)).body.name, `${letters(LIMIT.unit_name - 1)}a`);

  const account = { username: 'ten.dai', password: 'mat-khau-rat-dai-1', full_name: letters(LIMIT.full_name) };
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: account }), 202, 'account');
  const session = await server.api('POST', '/api/v1/session',
    { body: { username: account.username, password: account.password } });
  assertStatus(session, 201, 'sign in');
  assert.equal(session.body.user.full_name, account.full_name);
  const tooLong = { ...account, username: 'ten.dai.hon', full_name: letters(LIMIT.full_name + 1) };
  const refused = await server.api('POST', '/api/v1/citizens', { body: tooLong });
  assertProblem(refused, 422, 'invalid-field', 'full_name over');
  assert.match(refused.body.detail, /^full_name is longer than 60 characters/);
  assertProblem(await server.api('POST', '/api/v1/session',
    { body: { username: tooLong.username, password: tooLong.password } }), 401, 'bad-credentials', 'no such account');
});

test('a root unit\'s province code is the end of its code, of at most 7 characters; there is one root', async () => {
  const root = { code: '000.00.00.X98', name: 'UBND tỉnh Thử', level: 'province' };
  // the demo province is the root already: a second one is refused (issue 15), nothing stored
  const second = await server.api('POST', '/api/v1/units', { token: tok.admin, body: root });
  assertProblem(second, 422, 'invalid-field', 'second root');
  assert.equal(second.body.field, 'parent');
  assert.equal(second.body.rule, 'single-root');
  assertProblem(await server.api('GET', `/api/v1/units/${root.code}`), 404, 'not-found', 'no second root stored');
  // a code whose last part is longer than a province code may be: 422, nothing stored
  const bad = { ...root, code: '000.00.00.X12345678' };
  const refused = await server.api('POST', '/api/v1/units', { token: tok.admin, body: bad });
  assertProblem(refused, 422, 'invalid-field');
  assert.match(refused.body.detail, /province's code of at most 7 characters/);
  assertProblem(await server.api('GET', `/api/v1/units/${bad.code}`), 404, 'not-found', 'nothing was stored');
});
