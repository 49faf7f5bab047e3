// The numbers (Số) the system gives forms 02 and 04 (docs/forms.md): a
// series per unit and year, given when the request is made or the apology
// issued, one after the other, never twice; a draft's number is left blank.
// Read back from the PDF with pdftotext.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, DISTRICT, assertStatus, file, actOk } from './helpers.mjs';

const PROCEDURE = '1.001695'; // a district procedure of 24 working hours
// Form 04 is numbered in its own series where the unit has no outgoing
// register: UBND huyện Ngọc Lặc, which has none in the demo (src/demo/documents.c),
// with accounts made here.
const UNREGISTERED = '000.00.34.H56';
const work = mkdtempSync(join(tmpdir(), 'motcua-form-numbers-'));
let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 20 });
  for (const u of ['admin', 'tiepnhan', 'chuyenvien', 'lanhdao']) tok[u] = await server.login(u);
  for (const [username, role] of [['tiepnhan.nl', 'desk'], ['chuyenvien.nl', 'specialist'], ['lanhdao.nl', 'leader']]) {
    assertStatus(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username, password: PASSWORD,
      full_name: 'Cán bộ Ngọc Lặc', role, unit: UNREGISTERED } }), 201, username);
    tok[username] = await server.login(username);
  }
});
after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

// The text of form n of the dossier, white space folded.
async function formText(code, n, token = tok.tiepnhan) {
  const res = await fetch(`${server.base}/api/v1/dossiers/${code}/forms/${n}`,
    { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `form ${n} of ${code}`);
  const pdf = join(work, `${code}-${n}.pdf`);
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

// The number printed after "Số:" with its notation, as [number, notation].
function number(text, notation) {
  const m = text.match(new RegExp(`Số: (\\d+)/${notation}-(\\S+)`));
  assert.ok(m, `a number ${notation} in: ${text.slice(0, 300)}`);
  return [Number(m[1]), m[2]];
}

test('02: each supplement request numbered in the asking unit\'s series, one after the other', async () => {
  const a = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  const b = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
  await actOk(server, tok.tiepnhan, a.code, 'request_supplement', { note: 'Thiếu bản sao giấy khai sinh' });
  await actOk(server, tok.tiepnhan, b.code, 'request_supplement', { note: 'Thiếu tờ khai' });
  const [na, unitA] = number(await formText(a.code, '02'), 'PYCBS');
  const [nb, unitB] = number(await formText(b.code, '02'), 'PYCBS');
  assert.equal(unitA, DISTRICT);
  assert.equal(unitB, DISTRICT);
  assert.equal(nb, na + 1, 'the next number of the series');
  // Printed again, the form keeps its number.
  assert.deepEqual(number(await formText(a.code, '02'), 'PYCBS'), [na, DISTRICT]);
});

test('04: a draft has no number; issued apologies are numbered one after the other', async () => {
  const ds = [];
  for (let i = 0; i < 2; i++) {
    ds.push(await file(server, tok['tiepnhan.nl'], { procedure_code: PROCEDURE, unit: UNREGISTERED }));
  }
  const ids = [];
  for (const d of ds) {
    const res = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies`,
      { token: tok['chuyenvien.nl'], body: { reason: 'Chờ ý kiến thẩm định của Sở Tư pháp' } });
    assertStatus(res, 201);
    ids.push(res.body.id);
  }
  const draft = await formText(ds[0].code, '04', tok['tiepnhan.nl']);
  assert.ok(draft.includes('DỰ THẢO'));
  assert.match(draft, new RegExp(`Số: /PXL-${UNREGISTERED.replace(/\./g, '\\.')}`), 'a draft: the number left blank');
  // Issued in the other order: the numbers follow the issue, not the preparation.
  for (const i of [1, 0]) {
    const res = await server.api('POST', `/api/v1/dossiers/${ds[i].code}/apologies/${ids[i]}/issue`,
      { token: tok['lanhdao.nl'], body: { signed_as: 'deputy' } });
    assertStatus(res, 200);
  }
  const [n1] = number(await formText(ds[1].code, '04', tok['tiepnhan.nl']), 'PXL');
  const [n0, unit] = number(await formText(ds[0].code, '04', tok['tiepnhan.nl']), 'PXL');
  assert.equal(unit, UNREGISTERED);
  assert.equal(n0, n1 + 1, 'issued second: the next number');
});
