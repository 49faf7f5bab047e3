// Form templates (mẫu đơn, tờ khai) as files (issue 15, item 12): an administrator uploads a
// form's file and names it in the procedure's document; anyone downloads it from the
// procedure; a file nobody uploaded, or someone else's, is refused and nothing changes —
// a citizen's file in a dossier the administrator may read too: a template is public.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, file, districtProcedure, APPLICANT, DISTRICT } from './helpers.mjs';

const CODE = '1.001193'; // Đăng ký khai sinh: its first document is the "Tờ khai đăng ký khai sinh"
let server;
const tok = {};

// A small real PDF, its bytes distinct by label.
function pdf(label) {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R /Info << /Title (${label}) >> >>\n%%EOF\n`, 'latin1');
}

async function upload(as, bytes) {
  const res = await server.api('POST', '/api/v1/attachments', { token: tok[as], raw: bytes, headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(res, 201, `upload by ${as}`);
  return res.body.sha256;
}

async function withTemplate(template, as = 'admin') {
  const p = (await server.api('GET', `/api/v1/procedures/${CODE}`)).body;
  p.documents[0].template = template;
  return server.api('PUT', `/api/v1/procedures/${CODE}`, { token: tok[as], body: p });
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'congdan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

test('the administrator gives a document its form\'s file; anyone downloads it under its name', async () => {
  const bytes = pdf('to-khai-khai-sinh');
  const sha = await upload('admin', bytes);
  const res = await withTemplate({ attachment: sha, filename: 'Tờ khai đăng ký khai sinh.pdf' });
  assertStatus(res, 200, 'saved');
  const doc = res.body.documents[0];
  assert.deepEqual(doc.template, { attachment: sha, filename: 'Tờ khai đăng ký khai sinh.pdf',
    url: `/api/v1/procedures/${CODE}/documents/${doc.seq}/template` });
  assert.equal(res.body.documents[1].template, undefined, 'a document without a file has none');
  // downloaded without signing in, as a file
  const got = await fetch(server.base + doc.template.url);
  assert.equal(got.status, 200);
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.equal(got.headers.get('content-disposition'),
    `attachment; filename="mau-don"; filename*=UTF-8''${encodeURIComponent('Tờ khai đăng ký khai sinh.pdf')}`);
  // sending back what GET shows keeps it
  const again = (await server.api('GET', `/api/v1/procedures/${CODE}`)).body;
  assertStatus(await server.api('PUT', `/api/v1/procedures/${CODE}`, { token: tok.admin, body: again }), 200, 'kept');
  assert.equal((await server.api('GET', `/api/v1/procedures/${CODE}`)).body.documents[0].template.attachment, sha);
  // no file for the second document, an unknown document, a malformed number
  assertProblem(await server.api('GET', `/api/v1/procedures/${CODE}/documents/${res.body.documents[1].seq}/template`), 404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/procedures/${CODE}/documents/99/template`), 404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/procedures/${CODE}/documents/1x/template`), 404, 'not-found');
  assertProblem(await server.api('GET', '/api/v1/procedures/9.999999/documents/1/template'), 404, 'not-found');
});

test('a file nobody uploaded, someone else\'s, or a malformed template is refused; nothing changes', async () => {
  const before = (await server.api('GET', `/api/v1/procedures/${CODE}`)).body;
  const theirs = await upload('congdan', pdf('cua-cong-dan'));
  for (const [template, field, rule] of [
    [{ attachment: 'f'.repeat(64), filename: 'x.pdf' }, 'documents[0].template.attachment', 'unknown'],
    [{ attachment: theirs, filename: 'x.pdf' }, 'documents[0].template.attachment', 'unknown'],
    [{ attachment: 'abc', filename: 'x.pdf' }, 'documents[0].template.attachment', 'too-short'],
    [{ attachment: theirs }, 'documents[0].template.filename', 'required'],
    ['x.pdf', 'documents[0].template', 'type'],
  ]) {
    const res = await withTemplate(template);
    assert.equal(res.status, 422, JSON.stringify(template));
    assert.equal(res.body.field, field, res.text);
    assert.equal(res.body.rule, rule, res.text);
  }
  assert.deepEqual((await server.api('GET', `/api/v1/procedures/${CODE}`)).body, before, 'unchanged');
  // A citizen's scan in a dossier the administrator may read is still the citizen's: named as
  // a template it would be served to anyone.
  const scan = await upload('congdan', pdf('cccd-cua-cong-dan'));
  const d = await file(server, tok.congdan, { procedure_code: districtProcedure({ online: true }).code, channel: 'online',
    unit: DISTRICT, applicant: APPLICANT, documents: [{ name: 'CCCD', attachment: scan }] });
  assertStatus(await server.api('GET', `/api/v1/attachments/${scan}`, { token: tok.admin }), 200,
    'the administrator reads the dossier\'s file');
  const res0 = await withTemplate({ attachment: scan, filename: 'mau.pdf' });
  assertProblem(res0, 422, 'invalid-field');
  assert.equal(res0.body.field, 'documents[0].template.attachment');
  assert.deepEqual((await server.api('GET', `/api/v1/procedures/${CODE}`)).body, before, 'unchanged');
  assertProblem(await server.api('GET', `/api/v1/attachments/${scan}`), 401, 'unauthenticated');
  // a citizen neither uploads for a procedure nor changes one
  assertProblem(await withTemplate(null, 'congdan'), 403, 'forbidden');
  // the template removed: its download is gone
  const res = await withTemplate(null);
  assertStatus(res, 200);
  assert.equal(res.body.documents[0].template, undefined);
  assertProblem(await server.api('GET', `/api/v1/procedures/${CODE}/documents/${res.body.documents[0].seq}/template`), 404, 'not-found');
});
