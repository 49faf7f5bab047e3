// Bad requests: every one gets a problem+json reply with a stable type, and
// none of them changes the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, APPLICANT, DISTRICT, act, assertProblem, assertStatus, districtProcedure, file, getDossier } from './helpers.mjs';

let server;
const tok = {};
const PROC = districtProcedure().code;
let dossier; // a received dossier the action requests aim at

const GOOD = { procedure_code: PROC, channel: 'direct', applicant: { name: 'Trần Thị Bình' } };

before(async () => {
  server = await startServer({ dossiers: 10 });
  for (const u of ['tiepnhan', 'chuyenvien', 'congdan', 'admin']) tok[u] = await server.login(u);
  dossier = await file(server, tok.tiepnhan);
});

after(async () => {
  await stopServer(server);
});

// What a failed request must not change: the desk's dossier count and the
// action target's version and history.
async function snapshot() {
  const list = await server.api('GET', '/api/v1/dossiers?limit=1', { token: tok.tiepnhan });
  assertStatus(list, 200);
  const d = await getDossier(server, tok.tiepnhan, dossier.code);
  return { total: list.body.total, version: d.version, state: d.state, events: d.events.length };
}

function raw(method, path, { token, body, contentType = 'application/json', headers = {} } = {}) {
  const h = { ...headers };
  if (contentType) h['Content-Type'] = contentType;
  return server.api(method, path, { token, raw: body, headers: h });
}

const ACTIONS = () => `/api/v1/dossiers/${dossier.code}/actions`;

test('malformed JSON → 400 malformed-json', async () => {
  const s0 = await snapshot();
  const bodies = ['{"procedure_code":', '{bad json}', '[1,2', 'nul', '{"a":1}{"b":2}', '"just a string"', '[]', '42',
    '{"action":"receive","action":"refuse"}'];
  for (const body of bodies) {
    assertProblem(await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body }), 400, 'malformed-json', `dossiers ${body}`);
    assertProblem(await raw('POST', ACTIONS(), { token: tok.tiepnhan, body }), 400, 'malformed-json', `actions ${body}`);
    assertProblem(await raw('POST', '/api/v1/session', { body }), 400, 'malformed-json', `session ${body}`);
  }
  // an empty body is not JSON either
  assertProblem(await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: '' }), 400, 'malformed-json', 'empty');
  assertProblem(await raw('POST', '/api/v1/session', { body: '' }), 400, 'malformed-json', 'empty session');
  assert.deepEqual(await snapshot(), s0);
});

test('invalid UTF-8 → 400 invalid-utf8', async () => {
  const s0 = await snapshot();
  const withBytes = (prefix, bytes, suffix) => Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(suffix)]);
  const bad = [
    [0xff, 0xfe], // never valid
    [0xc3, 0x28], // truncated two-byte sequence
    [0xe1, 0xba], // truncated three-byte sequence (the start of "ạ")
    [0xc0, 0xaf], // overlong "/"
    [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  ];
  for (const bytes of bad) {
    const b1 = withBytes(`{"procedure_code":"${PROC}","channel":"direct","applicant":{"name":"Nguy`, bytes, 'n"}}');
    assertProblem(await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: b1 }), 400, 'invalid-utf8', `dossiers ${bytes}`);
    const b2 = withBytes('{"action":"refuse","note":"L', bytes, '"}');
    assertProblem(await raw('POST', ACTIONS(), { token: tok.tiepnhan, body: b2 }), 400, 'invalid-utf8', `actions ${bytes}`);
    const b3 = withBytes('{"username":"tiepnhan","password":"', bytes, '"}');
    assertProblem(await raw('POST', '/api/v1/session', { body: b3 }), 400, 'invalid-utf8', `session ${bytes}`);
  }
  assert.deepEqual(await snapshot(), s0);
});

test('wrong types → 422 invalid-field', async () => {
  const s0 = await snapshot();
  const cases = [
    { ...GOOD, procedure_code: 5 },
    { ...GOOD, applicant: 'x' },
    { ...GOOD, applicant: ['Trần Thị Bình'] },
    { ...GOOD, documents: {} },
    { ...GOOD, documents: 'Tờ khai' },
    { ...GOOD, documents: [5] },
    { ...GOOD, documents: [{ name: 'Tờ khai', originals: '1' }] },
    { ...GOOD, documents: [{ name: 'Tờ khai', originals: 1.5 }] },
    { ...GOOD, documents: [{ name: 'Tờ khai', copies: -1 }] },
    { ...GOOD, channel: true },
    { ...GOOD, channel: 'fax' },
    { ...GOOD, applicant: { name: 42 } },
    { ...GOOD, applicant: { name: '' } },
    { ...GOOD, applicant: { name: 'A\u0007B' } },
    { ...GOOD, applicant: { name: 'A\u001bB' } },
    { ...GOOD, applicant: { name: 'x'.repeat(251) } },
    { ...GOOD, applicant: { name: 'Bình', email: 'not-an-email' } },
    { ...GOOD, applicant: { name: 'Bình', id_number: 12345 } },
    { ...GOOD, applicant: { name: 'Bình', id_number: '12345' } }, // at least 9 characters
    { ...GOOD, applicant: { name: 'Bình', phone: '09' } }, // at least 3
    { ...GOOD, documents: [{ name: 'Tờ khai', attachment: 'abc' }] }, // a SHA-256 in hex
    { ...GOOD, unit: 7 },
    { ...GOOD, documents: Array.from({ length: 51 }, (_, i) => ({ name: `Giấy ${i}` })) },
    { ...GOOD, documents: [{ name: 'Tờ khai', attachment: 'a'.repeat(64) }] },
  ];
  for (const body of cases) {
    assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body }), 422, 'invalid-field',
      JSON.stringify(body).slice(0, 200));
  }
  const actions = [{ action: 5 }, { action: 'fly' }, { action: 'refuse', note: 5 }, { action: 'transfer', to_unit: [] },
    { action: 'assign', handler: {} }, { action: 'resolve', outcome: 1 }, { action: 'supplement', documents: {} }];
  for (const body of actions) {
    assertProblem(await server.api('POST', ACTIONS(), { token: tok.tiepnhan, body }), 422, 'invalid-field', JSON.stringify(body));
  }
  for (const body of [{ username: 5, password: 'x' }, { username: 'tiepnhan', password: ['x'] }]) {
    assertProblem(await server.api('POST', '/api/v1/session', { body }), 422, 'invalid-field', JSON.stringify(body));
  }
  // a NUL is refused before any field is read (jansson without JSON_ALLOW_NUL)
  const nul = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, applicant: { name: 'A\u0000B' } } });
  assert.ok([400, 422].includes(nul.status), nul.text);
  assertProblem(nul, nul.status, nul.status === 400 ? 'malformed-json' : 'invalid-field', 'NUL in a name');
  assert.deepEqual(await snapshot(), s0);
});

test('missing fields → 422 missing-field', async () => {
  const s0 = await snapshot();
  const { procedure_code, channel, applicant, ...rest } = GOOD;
  const cases = [
    { channel, applicant, ...rest },
    { procedure_code, applicant },
    { procedure_code, channel },
    { procedure_code, channel, applicant: {} },
    { procedure_code, channel, applicant: { name: null } },
    { ...GOOD, documents: [{ originals: 1 }] },
    {},
  ];
  for (const body of cases) {
    assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body }), 422, 'missing-field', JSON.stringify(body));
  }
  assertProblem(await server.api('POST', ACTIONS(), { token: tok.tiepnhan, body: {} }), 422, 'missing-field', 'no action');
  assertProblem(await server.api('POST', ACTIONS(), { token: tok.tiepnhan, body: { note: 'x' } }), 422, 'missing-field', 'no action');
  assertProblem(await server.api('POST', ACTIONS(), { token: tok.tiepnhan, body: { action: 'refuse' } }), 422, 'missing-field', 'refuse without note');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'tiepnhan' } }), 422, 'missing-field');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { password: 'x' } }), 422, 'missing-field');
  assert.deepEqual(await snapshot(), s0);
});

test('unknown procedure → 422 unknown-procedure', async () => {
  const s0 = await snapshot();
  for (const code of ['9.999999', 'khai-sinh', '1.001612x']) {
    const res = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, procedure_code: code } });
    assertProblem(res, 422, 'unknown-procedure', code);
    assert.ok(res.body.detail.includes(code));
  }
  // an abolished procedure takes no new dossiers, nor one of another level
  const abolished = 'T-THA-276877';
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, procedure_code: abolished } }),
    422, 'invalid-field', 'abolished procedure');
  const commune = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, procedure_code: '1.001193' } });
  assertProblem(commune, 422, 'invalid-field', 'a commune procedure at the district');
  // the app layer says which of the reasons it was (core/err.h), where the handler used to guess
  assert.equal(commune.body.detail, `unit ${DISTRICT} does not receive procedure 1.001193`);
  // a citizen filing online a service that is not offered online, or a procedure of many units without its unit
  const offline = await server.api('POST', '/api/v1/dossiers', { token: tok.congdan,
    body: { ...GOOD, channel: 'online', unit: DISTRICT, procedure_code: '1.001695' } });
  assertProblem(offline, 422, 'invalid-field', 'a level 2 service online');
  // today the class of Nghị định 42/2022/NĐ-CP is in force (the demo's level 2 is "not online")
  assert.equal(offline.body.detail, 'procedure 1.001695 is not offered online (neither full nor partial online service); it is filed at the desk');
  const unitless = await server.api('POST', '/api/v1/dossiers', { token: tok.congdan,
    body: { ...GOOD, channel: 'online', procedure_code: '1.004227' } });
  assertProblem(unitless, 422, 'invalid-field', 'online without the unit');
  assert.equal(unitless.body.detail, 'procedure 1.004227 is run by many units: an online filing must name the unit');
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, unit: '999.99.99.X00' } }),
    422, 'unknown-unit', 'unknown unit');
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, unit: '000.00.10.H56' } }),
    422, 'invalid-field', 'a unit outside the desk that does not receive the procedure');
  // another district receives it, but the procedure is not received regardless of
  // administrative boundary (Nghị định 118/2025/NĐ-CP): not at this desk
  const foreign = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { ...GOOD, unit: '000.00.30.H56' } });
  assertProblem(foreign, 422, 'not-receivable-here', 'a unit outside the desk');
  assert.equal(foreign.body.field, 'unit');
  assert.equal(foreign.body.rule, 'boundary');
  assert.deepEqual(await snapshot(), s0);
});

test('a body over 1 MiB → 413 body-too-large; exactly 1 MiB is read', async () => {
  const s0 = await snapshot();
  const LIMIT = 1024 * 1024;
  const pad = (obj, size) => {
    const json = JSON.stringify(obj);
    return json.slice(0, -1) + ' '.repeat(size - Buffer.byteLength(json)) + '}';
  };
  const over = pad(GOOD, LIMIT + 1);
  assert.equal(Buffer.byteLength(over), LIMIT + 1);
  assertProblem(await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: over }), 413, 'body-too-large', 'dossiers');
  assertProblem(await raw('POST', ACTIONS(), { token: tok.tiepnhan, body: pad({ action: 'assign' }, LIMIT + 1) }), 413,
    'body-too-large', 'actions');
  assertProblem(await raw('POST', '/api/v1/session', { body: pad({ username: 'a', password: 'b' }, 5 * LIMIT) }), 413,
    'body-too-large', 'session');
  assert.deepEqual(await snapshot(), s0);

  const exact = pad(GOOD, LIMIT);
  assert.equal(Buffer.byteLength(exact), LIMIT);
  const res = await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: exact });
  assertStatus(res, 201, 'a 1 MiB filing');
  const s1 = await snapshot();
  assert.equal(s1.total, s0.total + 1);
});

test('wrong Content-Type → 415 unsupported-media-type', async () => {
  const s0 = await snapshot();
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x', null]) {
    assertProblem(await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: JSON.stringify(GOOD), contentType: ct }),
      415, 'unsupported-media-type', `dossiers ${ct}`);
    assertProblem(await raw('POST', ACTIONS(), { token: tok.tiepnhan, body: '{"action":"assign"}', contentType: ct }),
      415, 'unsupported-media-type', `actions ${ct}`);
    assertProblem(await raw('POST', '/api/v1/session', { body: '{"username":"tiepnhan","password":"x"}', contentType: ct }),
      415, 'unsupported-media-type', `session ${ct}`);
  }
  // parameters and case do not matter
  const ok = await raw('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: JSON.stringify(GOOD), contentType: 'Application/JSON; charset=utf-8' });
  assertStatus(ok, 201, 'application/json with a charset');
  const s1 = await snapshot();
  assert.equal(s1.total, s0.total + 1);
});

test('no session → 401 unauthenticated with WWW-Authenticate', async () => {
  const s0 = await snapshot();
  const attempts = [
    ['POST', '/api/v1/dossiers', {}],
    ['POST', ACTIONS(), {}],
    ['GET', '/api/v1/dossiers', {}],
    ['GET', `/api/v1/dossiers/${dossier.code}`, {}],
    ['GET', '/api/v1/session', {}],
    ['POST', '/api/v1/dossiers', { token: 'not-a-real-token' }],
    ['POST', ACTIONS(), { headers: { Authorization: 'Basic dGllcG5oYW46eA==' } }],
    ['POST', ACTIONS(), { headers: { Cookie: 'motcua_session=forged' } }],
  ];
  for (const [method, path, opts] of attempts) {
    const body = method === 'POST' ? (path.endsWith('actions') ? { action: 'assign' } : GOOD) : undefined;
    const res = await server.api(method, path, { ...opts, body });
    assertProblem(res, 401, 'unauthenticated', `${method} ${path}`);
    assert.match(res.headers.get('www-authenticate') || '', /^Bearer /);
  }
  assert.deepEqual(await snapshot(), s0);
});

test('bad password → 401 bad-credentials, unknown user alike', async () => {
  for (const body of [{ username: 'tiepnhan', password: 'wrong-password' }, { username: 'nobody', password: 'whatever' },
    { username: 'TIEPNHAN', password: 'wrong' }]) {
    const res = await server.api('POST', '/api/v1/session', { body });
    assertProblem(res, 401, 'bad-credentials', JSON.stringify(body));
    assert.match(res.headers.get('www-authenticate') || '', /^Bearer /);
    assert.equal(res.headers.get('set-cookie'), null, 'no cookie on failure');
    assert.equal(res.body.token, undefined);
  }
});

test('a citizen on staff routes → 403 forbidden', async () => {
  const s0 = await snapshot();
  const c = tok.congdan;
  const attempts = [
    ['GET', '/api/v1/users', undefined],
    ['POST', '/api/v1/users', { username: 'x.y', password: 'long-enough-pw', full_name: 'X', role: 'desk', unit: DISTRICT }],
    ['POST', '/api/v1/units', { code: '000.77.33.H56', name: 'X', level: 'commune', parent: DISTRICT }],
    ['PATCH', `/api/v1/units/${DISTRICT}`, { name: 'Đổi tên' }],
    ['PUT', '/api/v1/calendar/2031', { source: 'x', days: [] }],
    ['DELETE', '/api/v1/calendar/2031', undefined],
  ];
  for (const [method, path, body] of attempts) {
    assertProblem(await server.api(method, path, { token: c, body }), 403, 'forbidden', `${method} ${path}`);
  }
  // a citizen files online only, and acts on no one else's dossier
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: c, body: GOOD }), 422, 'invalid-field', 'citizen files direct');
  assertProblem(await server.api('POST', ACTIONS(), { token: c, body: { action: 'withdraw' } }), 404, 'not-found', 'citizen on another dossier');
  assert.deepEqual(await snapshot(), s0);
  // staff roles that are not the desk may not file
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.chuyenvien, body: GOOD }), 403, 'forbidden', 'specialist files');
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.admin, body: GOOD }), 403, 'forbidden', 'admin files');
  assert.deepEqual(await snapshot(), s0);
});

test('bad query parameters → 400 invalid-query', async () => {
  for (const q of ['limit=0', 'limit=201', 'limit=abc', 'limit=', 'offset=-1', 'state=lost', 'unit=999.99.99.X00', `q=${'x'.repeat(201)}`]) {
    assertProblem(await server.api('GET', `/api/v1/dossiers?${q}`, { token: tok.tiepnhan }), 400, 'invalid-query', q);
  }
});

test('unknown routes and methods', async () => {
  assertProblem(await server.api('GET', '/api/v1/nothing-here'), 404, 'not-found');
  const put = await server.api('PUT', '/api/v1/dossiers', { token: tok.tiepnhan, body: GOOD });
  assertProblem(put, 405, 'method-not-allowed');
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST', 'a 405 says what is allowed (RFC 9110)');
  const del = await server.api('DELETE', '/api/v1/procedures/1.001193');
  assertProblem(del, 405, 'method-not-allowed');
  assert.equal(del.headers.get('allow'), 'GET, HEAD, PUT');
  const cal = await server.api('POST', '/api/v1/calendar/2031', { token: tok.admin, body: {} });
  assertProblem(cal, 405, 'method-not-allowed');
  assert.equal(cal.headers.get('allow'), 'GET, HEAD, PUT, DELETE');
  assertProblem(await server.api('GET', '/api/v1/dossiers/%00'), 404, 'not-found', 'NUL in a path');
});

test('NFC: an applicant name sent decomposed comes back composed', async () => {
  const nfc = 'Nguyễn Thị Ánh Tuyết';
  const nfd = nfc.normalize('NFD');
  assert.notEqual(nfd, nfc);
  const res = await server.api('POST', '/api/v1/dossiers', {
    token: tok.tiepnhan,
    body: { ...GOOD, applicant: { name: nfd, address: 'Xã Quảng Định'.normalize('NFD') },
      documents: [{ name: 'Tờ khai đăng ký'.normalize('NFD') }] },
  });
  assertStatus(res, 201);
  assert.equal(res.body.applicant.name, nfc);
  assert.equal(res.body.applicant.address, 'Xã Quảng Định');
  assert.equal(res.body.documents[0].name, 'Tờ khai đăng ký');
  const again = await getDossier(server, tok.tiepnhan, res.body.code);
  assert.equal(again.applicant.name, nfc);
  // and it is found by either spelling, and by the unaccented one
  for (const q of [nfc, nfd, 'nguyen thi anh tuyet']) {
    const list = await server.api('GET', `/api/v1/dossiers?q=${encodeURIComponent(q)}`, { token: tok.tiepnhan });
    assertStatus(list, 200, q);
    assert.ok(list.body.items.some((x) => x.code === res.body.code), `found by ${q}`);
  }
  // a note too
  const n = await server.api('POST', `/api/v1/dossiers/${res.body.code}/actions`, {
    token: tok.tiepnhan, body: { action: 'request_supplement', note: 'Bổ sung giấy tờ'.normalize('NFD') },
  });
  assertStatus(n, 200);
  assert.equal(n.body.note, 'Bổ sung giấy tờ');
});

test('whitespace around names is trimmed, and a blank optional field is absent', async () => {
  const res = await server.api('POST', '/api/v1/dossiers', {
    token: tok.tiepnhan, body: { ...GOOD, applicant: { name: '  Lê Văn Cường  ', phone: '   ' } },
  });
  assertStatus(res, 201);
  assert.equal(res.body.applicant.name, 'Lê Văn Cường');
  assert.equal(res.body.applicant.phone, null);
});

test('the applicant in the reply is what was sent', async () => {
  const d = await file(server, tok.tiepnhan, { applicant: APPLICANT });
  assert.deepEqual(d.applicant, APPLICANT);
});

// Names of people and organisations may hold no character that shows nothing:
// a zero-width space makes two names that look alike differ, a right-to-left
// override shows "Nguyễn Văn An" reversed on screen and on the receipt. Each is
// refused with a 422 that names the field and the character; nothing is stored.
test('names holding invisible or formatting characters are refused with 422, nothing stored', async () => {
  const before = await snapshot();
  const units = (await server.api('GET', '/api/v1/units')).body.items;
  const tricks = [['\u200B', '200B'], ['\u202E', '202E'], ['\u2066', '2066'], ['\uFEFF', 'FEFF'], ['\u00AD', '00AD'],
    ['\u3164', '3164']];
  for (const [c, hex] of tricks) {
    const name = `Nguyễn ${c}Văn An`;
    const why = new RegExp(`U\\+${hex}`);
    // sign-up
    const signup = await server.api('POST', '/api/v1/citizens', { body: { username: `gia.${hex.toLowerCase()}`,
      password: 'mat-khau-rat-dai-1', full_name: name } });
    assertProblem(signup, 422, 'invalid-field', `sign-up with U+${hex}`);
    assert.match(signup.body.detail, /^full_name must be a name/);
    assert.match(signup.body.detail, why);
    assertProblem(await server.api('POST', '/api/v1/session', { body: { username: `gia.${hex.toLowerCase()}`,
      password: 'mat-khau-rat-dai-1' } }), 401, 'bad-credentials', 'no account was made');
    // a dossier's applicant (a person or an organisation), at either end too
    for (const applicant of [name, `${c}Công ty TNHH Hòa Bình`, `Công ty TNHH Hòa Bình${c}`]) {
      const d = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan,
        body: { ...GOOD, applicant: { name: applicant } } });
      assertProblem(d, 422, 'invalid-field', `applicant ${JSON.stringify(applicant)}`);
      assert.match(d.body.detail, /^applicant\.name must be a name/);
      assert.match(d.body.detail, why);
    }
    // a unit, new or renamed, and an account made by the administrator
    const u = await server.api('POST', '/api/v1/units', { token: tok.admin, body: { code: '000.95.33.H56',
      name: `UBND xã ${c}Quảng Giả`, level: 'commune', parent: DISTRICT } });
    assertProblem(u, 422, 'invalid-field', `unit name with U+${hex}`);
    assert.match(u.body.detail, /^name must be a name/);
    assert.match(u.body.detail, why);
    const p = await server.api('PATCH', `/api/v1/units/${DISTRICT}`, { token: tok.admin,
      body: { name: `UBND huyện Quảng${c} Xương` } });
    assertProblem(p, 422, 'invalid-field', `unit rename with U+${hex}`);
    assert.match(p.body.detail, why);
    const acc = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: `canbo.${hex.toLowerCase()}`,
      password: 'mat-khau-rat-dai-1', full_name: name, role: 'desk', unit: DISTRICT } });
    assertProblem(acc, 422, 'invalid-field', `account name with U+${hex}`);
    assert.match(acc.body.detail, /^full_name must be a name/);
  }
  assert.deepEqual(await snapshot(), before, 'no dossier was filed');
  assert.deepEqual((await server.api('GET', '/api/v1/units')).body.items, units, 'no unit was made or renamed');
});

// Any text field, not only names: a right-to-left override in an address
// shows it reversed on the officer's screen, the receipt and the e-mail; a
// zero-width space or a BOM hides in it. Right-to-left letters and the
// joiners of emoji sequences stay.
test('a desk filing whose applicant.address holds a direction override or an invisible character is refused with 422, nothing stored', async () => {
  const before = await snapshot();
  for (const [c, hex] of [['\u202E', '202E'], ['\u2067', '2067'], ['\u200F', '200F'], ['\u200B', '200B'], ['\uFEFF', 'FEFF']]) {
    const d = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan,
      body: { ...GOOD, applicant: { ...APPLICANT, address: `Số 1 ${c}Lê Lợi, Thanh Hóa` } } });
    assertProblem(d, 422, 'invalid-field', `address with U+${hex}`);
    assert.equal(d.body.field, 'applicant.address');
    assert.equal(d.body.rule, 'characters');
    assert.match(d.body.detail, /^applicant\.address must be text without direction-changing or invisible formatting characters/);
    assert.match(d.body.detail, new RegExp(`U\\+${hex}`));
  }
  // a stack of combining marks on one letter spills over the lines around it
  const stacked = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan,
    body: { ...GOOD, applicant: { ...APPLICANT, address: `Số 1 Lê Lợi x${'\u0301'.repeat(249)}, Thanh Hóa` } } });
  assertProblem(stacked, 422, 'invalid-field', 'an address with 249 combining marks on one letter');
  assert.equal(stacked.body.field, 'applicant.address');
  assert.match(stacked.body.detail, /must not stack more than 4 combining marks on one character \(it holds U\+0301/);
  // a multi-line note of an action, too
  const note = await act(server, tok.tiepnhan, dossier.code, 'request_supplement', { note: 'Bổ sung:\n\u202Ebản sao' });
  assertProblem(note, 422, 'invalid-field', 'a note with U+202E');
  assert.equal(note.body.field, 'note');
  assert.deepEqual(await snapshot(), before, 'no dossier was filed, none changed');
  const ok = await file(server, tok.tiepnhan, { applicant: { ...APPLICANT, address: 'Số 1 עברית, Thanh Hóa 👨\u200D👩\u200D👧' } });
  assert.equal(ok.applicant.address, 'Số 1 עברית, Thanh Hóa 👨\u200D👩\u200D👧');
});

test('the abbreviations, numbers, places and codes that name documents and work files hold no invisible or formatting character', async () => {
  const me = (await server.api('GET', '/api/v1/session', { token: tok.chuyenvien })).body;
  const uid = me.user?.id ?? me.id;
  for (const [c, hex] of [['\u200B', '200B'], ['\u202E', '202E'], ['\uFEFF', 'FEFF']]) {
    const why = new RegExp(`U\\+${hex}`);
    const refused = (res, field) => {
      assertProblem(res, 422, 'invalid-field', `${field} with U+${hex}`);
      assert.match(res.body.detail, new RegExp(`^${field} must be a name`));
      assert.match(res.body.detail, why);
    };
    const draft = { type: 'cong_van', subject: 'Về việc thử', drafting_abbr: 'VP', place: 'Quảng Xương' };
    refused(await server.api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { ...draft, drafting_abbr: `V${c}P` } }), 'drafting_abbr');
    refused(await server.api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { ...draft, place: `Quảng${c} Xương` } }), 'place');
    refused(await server.api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan,
      body: { type: 'cong_van', subject: 'Thử', organ_name: 'Sở Nội vụ', number: `12/SNV${c}-VP` } }), 'number');
    refused(await server.api('POST', '/api/v1/document-registers', { token: tok.admin,
      body: { unit: DISTRICT, box: 'out', name: `Sổ ${c}riêng`, organ_abbr: 'UBND' } }), 'name');
    refused(await server.api('POST', '/api/v1/document-registers', { token: tok.admin,
      body: { unit: DISTRICT, box: 'out', organ_abbr: `UB${c}ND` } }), 'organ_abbr');
    refused(await server.api('POST', '/api/v1/workfiles', { token: tok.tiepnhan,
      body: { year: 2026, code: `01${c}.VP`, title: 'Hồ sơ thử', retention: 10, responsible: uid } }), 'code');
  }
});
