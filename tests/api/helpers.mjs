// Helpers shared by the API tests (tests/api/*.test.mjs): problem+json checks,
// the demo province's data, and small builders for dossiers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROVINCE = JSON.parse(readFileSync(join(ROOT, 'data', 'demo', 'province.json'), 'utf8'));

// The rest of the demo catalogue (data/demo/catalogue.json), as procedures of
// the same shape as province.json's (without steps, documents and fees).
const CATALOGUE_JSON = JSON.parse(readFileSync(join(ROOT, 'data', 'demo', 'catalogue.json'), 'utf8'));
export const CATALOGUE = CATALOGUE_JSON.groups.flatMap((g) => g.procedures.map(([code, name, online_level, days, status]) => ({
  code, name, field: g.field, levels: g.levels, owner: g.owner, online_level, duration_hours: days * 8, status,
})));
// Every procedure of the demo: the detailed ones and the catalogue entries.
export const PROCEDURES = [...PROVINCE.procedures, ...CATALOGUE];

// The communes of data/demo/communes.json, numbered as the demo loader numbers
// them: after the communes province.json gives each district.
const COMMUNES_JSON = JSON.parse(readFileSync(join(ROOT, 'data', 'demo', 'communes.json'), 'utf8'));
export const COMMUNES = COMMUNES_JSON.districts.flatMap((d) => {
  const dd = d.district.split('.')[2];
  let seq = Math.max(0, ...PROVINCE.units.filter((u) => u.parent === d.district).map((u) => Number(u.code.split('.')[1])));
  return d.communes.map((name) => {
    seq += 1;
    return { code: `000.${String(seq).padStart(2, '0')}.${dd}.H56`, name: `UBND ${name}`, level: 'commune', parent: d.district };
  });
});
// The public service units the reform index's demo adds (data/demo/par.json).
export const PAR_UNITS = JSON.parse(readFileSync(join(ROOT, 'data', 'demo', 'par.json'), 'utf8')).service_units
  .map(({ code, name }) => ({ code, name, level: 'department', parent: '000.00.00.H56' }));
// Every unit of the demo.
export const UNITS = [...PROVINCE.units, ...COMMUNES, ...PAR_UNITS];

export const DISTRICT = '000.00.33.H56'; // UBND huyện Quảng Xương
export const DEPARTMENT = '000.00.10.H56'; // Sở Tài nguyên và Môi trường

// The ids of the demo's document registers (src/demo/documents.c: the
// province's, the department's and the district's), by unit code and box:
// registers[`${DISTRICT} out`].
export async function demoRegisters(server, token) {
  const res = await server.api('GET', '/api/v1/document-registers', { token });
  assertStatus(res, 200, 'the demo\'s registers');
  return Object.fromEntries(res.body.items.map((g) => [`${g.unit.code} ${g.box}`, g.id]));
}

export function procedure(code) {
  const p = PROVINCE.procedures.find((x) => x.code === code);
  assert.ok(p, `procedure ${code} is in data/demo/province.json`);
  return p;
}

// A procedure the district may receive: levels include "district", no owner unit.
export function districtProcedure({ cutoff = false, online = false } = {}) {
  const p = PROVINCE.procedures.find((x) => x.status === 'active' && !x.owner && x.levels.includes('district') &&
    (!cutoff || x.cutoff) && (!online || x.online_level >= 3));
  assert.ok(p, 'the demo province has a district procedure');
  return p;
}

// Asserts an RFC 9457 problem reply with motcua's stable type.
export function assertProblem(res, status, slug, what = '') {
  const ctx = `${what} → ${res.status} ${res.text}`;
  assert.equal(res.status, status, `expected ${status} ${slug}: ${ctx}`);
  assert.match(res.headers.get('content-type') || '', /^application\/problem\+json/, ctx);
  assert.ok(res.body && typeof res.body === 'object', `problem body is JSON: ${ctx}`);
  assert.equal(res.body.type, `urn:motcua:problem:${slug}`, ctx);
  assert.equal(res.body.status, status, ctx);
  assert.equal(typeof res.body.title, 'string', ctx);
  assert.ok(res.body.title.length > 0, ctx);
  assert.equal(typeof res.body.detail, 'string', `problem has a detail: ${ctx}`);
  assert.ok(res.body.detail.length > 0, ctx);
}

export function assertStatus(res, status, what = '') {
  assert.equal(res.status, status, `${what} → ${res.status} ${res.text}`);
}

// Local minute of an ISO time with offset: "2017-01-25T15:00".
// The body of a reply that must have this status (assertStatus).
export async function ok(res, status, what = '') {
  assertStatus(res, status, what);
  return res.body;
}

// The local day (Asia/Ho_Chi_Minh, UTC+7) offsetDays from now, "YYYY-MM-DD".
export function localDay(offsetDays = 0) {
  return new Date(Date.now() + 7 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}

export function minute(iso) {
  assert.equal(typeof iso, 'string', `a time, not ${iso}`);
  return iso.slice(0, 16);
}

export function ms(iso) {
  return new Date(iso).getTime();
}

export const APPLICANT = Object.freeze({
  name: 'Nguyễn Văn An',
  id_number: '038090001234',
  phone: '0912345678',
  email: 'nguyenvanan@example.vn',
  address: 'Thôn Đông, xã Quảng Ninh, huyện Quảng Xương',
});

// Files a dossier; asserts 201 and returns the body.
export async function file(server, token, { procedure_code, channel = 'direct', unit, applicant = APPLICANT,
  documents = [{ name: 'Tờ khai', originals: 1 }] } = {}) {
  const body = { procedure_code: procedure_code || districtProcedure().code, channel, applicant };
  if (documents !== null) body.documents = documents; // null: send none
  if (unit) body.unit = unit;
  const res = await server.api('POST', '/api/v1/dossiers', { token, body });
  assertStatus(res, 201, `filing ${JSON.stringify(body)}`);
  return res.body;
}

// Posts an action; returns the raw response.
export function act(server, token, code, action, extra = {}, headers = {}) {
  return server.api('POST', `/api/v1/dossiers/${code}/actions`, { token, body: { action, ...extra }, headers });
}

// Posts an action that must succeed; returns the dossier.
export async function actOk(server, token, code, action, extra = {}) {
  const res = await act(server, token, code, action, extra);
  assertStatus(res, 200, `${action} ${code} ${JSON.stringify(extra)}`);
  assert.equal(res.headers.get('etag'), `"${res.body.version}"`);
  return res.body;
}

export async function getDossier(server, token, code) {
  const res = await server.api('GET', `/api/v1/dossiers/${code}`, { token });
  assertStatus(res, 200, `GET ${code}`);
  return res.body;
}

// The due-time preview of the API for a period starting at `from`.
export async function duePreview(server, { from, hours, unit, cutoff }) {
  const q = new URLSearchParams({ from, hours: String(hours) });
  if (unit) q.set('unit', unit);
  if (cutoff) q.set('cutoff', cutoff);
  const res = await server.api('GET', `/api/v1/calendar/due?${q}`);
  assertStatus(res, 200, `due preview ${q}`);
  return res.body;
}

// Stops the server and asserts it shut down cleanly: exit status 0 and no
// sanitizer report (the ASan+UBSan build reports leaks and errors on exit).
export async function stopServer(server) {
  if (!server) return;
  const code = await server.stop();
  const err = server.stderr();
  assert.ok(!/Sanitizer|runtime error:/.test(err), `sanitizer report:\n${err.slice(0, 4000)}`);
  assert.equal(code, 0, `the server exited with ${code} (signal ${server.child.signalCode}):\n${err.slice(-2000)}`);
}
