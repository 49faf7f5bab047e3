// A dossier's texts are limited in characters (src/core/limits.h), not by the
// bytes of a struct: a value within its limit is stored and read back whole,
// however many bytes its letters take; one over its limit is refused with 422
// invalid-field naming the field, and nothing is stored.
//
// Before the dossier's strings were owned (issue #9), a value within its limit
// but longer in bytes than its fixed array (an e-mail of 125 Vietnamese
// letters in 128 bytes, an identity number or a phone number of 31 in 32) was
// refused with "a text of the dossier is too long to be stored".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, districtProcedure, file, actOk, act, getDossier } from './helpers.mjs';

let server;
const tok = {};
const PROC = districtProcedure().code;

// The limits of src/core/limits.h, in characters.
const LIMIT = { name: 120, id_number: 31, phone: 31, email: 127, address: 250, note: 1000, doc: 120 };

// n characters of three bytes each (NFC), from a repeated phrase of such
// letters and spaces, never ending in a space (the API trims).
function letters(n, phrase = 'ễữệờ') {
  let s = '';
  while (s.length < n) s += phrase;
  s = s.slice(0, n);
  assert.equal(s, s.normalize('NFC'));
  assert.ok(!/\s$/.test(s));
  return s;
}

function name(n) {
  let s = '';
  while (s.length < n) s += 'Nguyễn Thị Ngọc Diễm ';
  s = s.slice(0, n - 1) + 'ễ';
  return s;
}

// The longest applicant of every free-text field, each longer in bytes than
// the array it used to be copied into. The identity number and the phone
// number have a format (digits: a CCCD of 12, a phone of 10 or 11), so no
// valid one is longer in bytes than in characters; they are valid ones here,
// and their own rules are tested with the field validation.
const LONGEST = Object.freeze({
  name: name(LIMIT.name),
  id_number: '038090001234',
  phone: '0912345678',
  email: `${letters(80)}@x.vn`,
  address: letters(LIMIT.address, 'Thôn Đông, xã Quảng Định, '),
});
const LENGTHS = ['name', 'email', 'address'];

// Each one character over its limit.
const OVER = Object.freeze({
  name: `${LONGEST.name}ễ`,
  email: `${letters(LIMIT.email - 4)}@x.vn`,
  address: `${LONGEST.address}ễ`,
});

before(async () => {
  server = await startServer({ dossiers: 10 });
  for (const u of ['tiepnhan', 'chuyenvien', 'congdan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

async function total() {
  const res = await server.api('GET', '/api/v1/dossiers?limit=1', { token: tok.tiepnhan });
  assertStatus(res, 200);
  return res.body.total;
}

test('texts at their character limit are stored and read back whole', async () => {
  for (const field of LENGTHS) {
    const value = LONGEST[field];
    if (field !== 'email') assert.equal([...value].length, LIMIT[field], field);
    assert.ok(Buffer.byteLength(value) > [...value].length + 1, `${field} takes more bytes than characters`);
    assert.equal([...OVER[field]].length, LIMIT[field] + 1, field);
  }
  // Longer than the arrays of before: 128 bytes for the e-mail.
  assert.ok(Buffer.byteLength(LONGEST.email) > 128);
  const doc = letters(LIMIT.doc, 'Giấy chứng nhận quyền sử dụng đất ');
  const d = await file(server, tok.tiepnhan, { applicant: LONGEST, documents: [{ name: doc, originals: 1 }] });
  const got = await getDossier(server, tok.tiepnhan, d.code);
  assert.deepEqual(got.applicant, LONGEST);
  assert.equal(got.documents[0].name, doc);

  // A note of a thousand three-byte letters, on the dossier and in its event.
  const note = letters(LIMIT.note, 'Thiếu bản sao giấy tờ tùy thân hợp lệ; ');
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note });
  const after = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(after.note, note);
  assert.equal(after.events.at(-1).note, note);

  // The desk's list finds it by its long name; the public lookup masks it whole.
  const list = await server.api('GET', `/api/v1/dossiers?q=${encodeURIComponent(LONGEST.name)}`, { token: tok.tiepnhan });
  assertStatus(list, 200);
  assert.ok(list.body.items.some((x) => x.code === d.code && x.applicant.name === LONGEST.name));
  const pub = await server.api('GET', `/api/v1/public/dossiers/${d.code}`);
  assertStatus(pub, 200);
  assert.equal([...pub.body.applicant_name].length, LIMIT.name);
  // The forms print them: the receipt (01), the supplement request with its note (02).
  for (const n of ['01', '02']) {
    const form = await server.api('GET', `/api/v1/dossiers/${d.code}/forms/${n}`, { token: tok.tiepnhan });
    assertStatus(form, 200, `form ${n}`);
  }
});

test('an online submission keeps its long texts in the desk\'s queue', async () => {
  const d = await file(server, tok.congdan, { channel: 'online', unit: '000.00.33.H56', applicant: LONGEST,
    procedure_code: districtProcedure({ online: true }).code });
  const res = await server.api('GET', '/api/v1/dossiers/submissions?limit=500', { token: tok.tiepnhan });
  assertStatus(res, 200);
  const item = res.body.items.find((x) => x.code === d.code);
  assert.ok(item, 'the submission is listed');
  assert.equal(item.applicant_name, LONGEST.name);
});

test('one character over its limit: 422 naming the field, nothing stored', async () => {
  const before = await total();
  for (const field of LENGTHS) {
    const applicant = { ...LONGEST, [field]: OVER[field] };
    const res = await server.api('POST', '/api/v1/dossiers', {
      token: tok.tiepnhan, body: { procedure_code: PROC, channel: 'direct', applicant } });
    assertProblem(res, 422, 'invalid-field', field);
    assert.match(res.body.detail, new RegExp(`applicant\\.${field}`), field);
  }
  const doc = letters(LIMIT.doc + 1);
  const res = await server.api('POST', '/api/v1/dossiers', {
    token: tok.tiepnhan, body: { procedure_code: PROC, channel: 'direct', applicant: LONGEST, documents: [{ name: doc }] } });
  assertProblem(res, 422, 'invalid-field', 'document name');
  assert.match(res.body.detail, /documents\[0\]\.name/);
  assert.equal(await total(), before);

  // An action's note: the dossier keeps its version, state and history.
  const d = await file(server, tok.tiepnhan);
  const r = await act(server, tok.tiepnhan, d.code, 'refuse', { note: letters(LIMIT.note + 1) });
  assertProblem(r, 422, 'invalid-field', 'note');
  assert.match(r.body.detail, /note/);
  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, d.version);
  assert.equal(now.state, d.state);
  assert.equal(now.events.length, 1);
});
