// Drafts uploaded as files (docs/documents.md §3b, Nghị định 30/2020/NĐ-CP
// art. 10-11, 13, 15): each PDF or DOCX the drafter uploads is a new version,
// kept, listed and downloaded as uploaded; the head's return and approval
// name a version, and the version approved is the one signed and issued (its
// SHA-256 in the document's events); after the draft leaves the drafter's
// hands nothing is uploaded (409). The attacks: other units, citizens, wrong
// roles, oversized files, a fake PDF, a DOCX that is not a ZIP. And the
// registers found by a phrase of the body, without diacritics (§7). Runs on
// SQLite and, through scripts/test_pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { spawnSync, execFileSync } from 'node:child_process';
import { startServer, BIN, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT } from './helpers.mjs';

let server;
const tok = {};
const MAX = 65536; // document_draft_max of this server
const DAILY = 1000000; // upload_daily_bytes of this server
const PDF_TYPE = 'application/pdf';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const api = (...a) => server.api(...a);
const sha = (b) => createHash('sha256').update(b).digest('hex');

function pdf(text) {
  return Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b) {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// A ZIP archive of stored (uncompressed) entries, as a DOCX is one.
function zip(entries) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, text, deflate] of entries) {
    const n = Buffer.from(name), plain = Buffer.from(text), crc = crc32(plain);
    const data = deflate ? deflateRawSync(plain) : plain, method = deflate ? 8 : 0;
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0); l.writeUInt16LE(20, 4); l.writeUInt16LE(method, 8); l.writeUInt32LE(crc, 14);
    l.writeUInt32LE(data.length, 18); l.writeUInt32LE(plain.length, 22); l.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(plain.length, 24);
    c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    locals.push(l, n, data);
    centrals.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0); e.writeUInt16LE(entries.length, 8); e.writeUInt16LE(entries.length, 10);
  e.writeUInt32LE(cd.length, 12); e.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, e]);
}

function docx(text, { deflate = false, xml } = {}) {
  return zip([
    ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
    ['word/document.xml', xml ?? `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`, deflate],
  ]);
}

function upload(token, id, bytes, type, filename) {
  const q = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
  return api('POST', `/api/v1/documents/${id}/versions${q}`, { token, raw: bytes, headers: { 'Content-Type': type } });
}

async function draft(token, extra = {}) {
  const res = await api('POST', '/api/v1/documents', { token, body: { type: 'quyet_dinh',
    subject: 'Về việc ban hành kế hoạch năm 2026', body: 'Điều 1. Ban hành kèm theo Quyết định này.',
    place: 'Quảng Xương', signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.',
    recipient_units: [DEPARTMENT], ...extra } });
  assertStatus(res, 201, 'draft');
  return res.body;
}

async function actOk(token, id, action, extra = {}) {
  const res = await api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra } });
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
}

async function versions(token, id) {
  const res = await api('GET', `/api/v1/documents/${id}/versions`, { token });
  assertStatus(res, 200, 'versions');
  return res.body.items;
}

async function events(id) {
  const res = await api('GET', `/api/v1/documents/${id}`, { token: tok.chuyenvien });
  assertStatus(res, 200);
  return res.body.events;
}

before(async () => {
  // The district and the department have their registers in the demo (src/demo/documents.c).
  server = await startServer({ dossiers: 5, env: { MOTCUA_DOCUMENT_DRAFT_MAX: String(MAX),
    MOTCUA_UPLOAD_DAILY_BYTES: String(DAILY) } });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'chuyenvien.stnmt', 'lanhdao.stnmt'])
    tok[u] = await server.login(u);
  // a second specialist of the district: in scope, not the drafter
  const other = await api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'chuyenvien.hai',
    password: PASSWORD, full_name: 'Trần Thị Hai', role: 'specialist', unit: DISTRICT } });
  assertStatus(other, 201, 'a second specialist');
  tok.chuyenvien2 = await server.login('chuyenvien.hai');
});

after(async () => {
  await stopServer(server);
});

test('each upload a new version: number, uploader, time, SHA-256, size; listed and downloaded as uploaded', async () => {
  const d = await draft(tok.chuyenvien);
  const one = pdf('v1'), two = docx('Điều 1. Sửa lần hai');
  const r1 = await upload(tok.chuyenvien, d.id, one, PDF_TYPE, 'Dự thảo QĐ kế hoạch.pdf');
  assertStatus(r1, 201, 'upload a PDF');
  assert.equal(r1.body.number, 1);
  assert.equal(r1.body.kind, 'pdf');
  assert.equal(r1.body.filename, 'Dự thảo QĐ kế hoạch.pdf');
  assert.equal(r1.body.sha256, sha(one));
  assert.equal(r1.body.size, one.length);
  assert.equal(r1.body.uploaded_by.name.length > 0, true);
  assert.ok(r1.body.uploaded_at);
  const r2 = await upload(tok.chuyenvien, d.id, two, `${DOCX_TYPE}; charset=binary`);
  assertStatus(r2, 201, 'upload a DOCX');
  assert.equal(r2.body.number, 2);
  assert.equal(r2.body.kind, 'docx');
  assert.equal(r2.body.filename, `du-thao-${d.id}.docx`, 'a name made when none is given');
  // the same bytes again are a version of their own: nothing is deduplicated away
  const r3 = await upload(tok.chuyenvien, d.id, one, PDF_TYPE);
  assertStatus(r3, 201);
  assert.equal(r3.body.number, 3);
  const list = await versions(tok.lanhdao, d.id);
  assert.deepEqual(list.map((v) => [v.number, v.kind, v.sha256, v.size]),
    [[1, 'pdf', sha(one), one.length], [2, 'docx', sha(two), two.length], [3, 'pdf', sha(one), one.length]]);
  for (const [n, bytes, type] of [[1, one, PDF_TYPE], [2, two, DOCX_TYPE]]) {
    const res = await fetch(`${server.base}/api/v1/documents/${d.id}/versions/${n}/file`,
      { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), type);
    assert.match(res.headers.get('content-disposition'), /^attachment; filename="du-thao-\d+-v\d\.(pdf|docx)"$/);
    assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(bytes), `version ${n} as uploaded`);
  }
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions/4/file`, { token: tok.chuyenvien }), 404, 'not-found');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions/x/file`, { token: tok.chuyenvien }), 404, 'not-found');
  const uploads = (await events(d.id)).filter((e) => e.action === 'upload');
  assert.deepEqual(uploads.map((e) => [e.file_version.number, e.file_version.sha256]),
    [[1, sha(one)], [2, sha(two)], [3, sha(one)]], 'each upload in the hash-chained log');
});

test('a draft holds at most 100 versions: the 101st is refused and nothing of it is stored', async () => {
  const d = await draft(tok.chuyenvien);
  for (let i = 1; i <= 100; i++) assertStatus(await upload(tok.chuyenvien, d.id, pdf(`v${i}`), PDF_TYPE), 201, `version ${i}`);
  assertProblem(await upload(tok.chuyenvien, d.id, pdf('v101'), PDF_TYPE), 422, 'invalid-field', 'the 101st version');
  const list = await versions(tok.chuyenvien, d.id);
  assert.equal(list.length, 100);
  assert.equal(list.at(-1).sha256, sha(pdf('v100')));
  assert.equal((await events(d.id)).filter((e) => e.action === 'upload').length, 100, 'no event for the refused one');
});

test('versions and attachments count against the account\'s daily upload budget (upload_daily_bytes): 429, nothing stored', async () => {
  // the second specialist's own draft: its budget is untouched by the other tests
  const d = await draft(tok.chuyenvien2);
  // a one-page PDF with its cross-reference table (an attachment is sealed
  // on its first page at issue, so it must be readable), padded in a comment
  const big = (i) => {
    const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
    let out = `%PDF-1.7\n% ${i} ${' '.repeat(60000)}\n`;
    const at = objs.map((o, k) => { const x = Buffer.byteLength(out); out += `${k + 1} 0 obj\n${o}\nendobj\n`; return x; });
    const xref = Buffer.byteLength(out);
    out += `xref\n0 4\n0000000000 65535 f \n${at.map((x) => `${String(x).padStart(10, '0')} 00000 n \n`).join('')}`;
    return Buffer.from(`${out}trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  };
  const per = big(0).length, fit = Math.floor(DAILY / per);
  for (let i = 1; i < fit; i++) assertStatus(await upload(tok.chuyenvien2, d.id, big(i), PDF_TYPE), 201, `version ${i}`);
  // an attachment counts too: the last that fits is one
  const att = await api('POST', `/api/v1/documents/${d.id}/attachments`, { token: tok.chuyenvien2, raw: big('phụ lục'),
    headers: { 'Content-Type': PDF_TYPE } });
  assertStatus(att, 201, 'the attachment that fits');
  const over = await upload(tok.chuyenvien2, d.id, big('quá'), PDF_TYPE);
  assertProblem(over, 429, 'upload-quota', 'over the daily budget');
  assert.match(over.body.detail, /24 hours/);
  assertProblem(await api('POST', `/api/v1/documents/${d.id}/attachments`, { token: tok.chuyenvien2, raw: big('quá 2'),
    headers: { 'Content-Type': PDF_TYPE } }), 429, 'upload-quota', 'an attachment over it');
  assert.equal((await versions(tok.chuyenvien2, d.id)).length, fit - 1, 'nothing of the refused ones');
  // another account's budget is its own
  const mine = await draft(tok.chuyenvien);
  assertStatus(await upload(tok.chuyenvien, mine.id, big('khác'), PDF_TYPE), 201);
});

test('the review names a version; the version approved is the one issued; nothing is uploaded after', async () => {
  const d = await draft(tok.chuyenvien);
  const v1 = pdf('first'), v2 = pdf('second');
  assertStatus(await upload(tok.chuyenvien, d.id, v1, PDF_TYPE), 201);
  await actOk(tok.chuyenvien, d.id, 'submit');
  assertProblem(await upload(tok.chuyenvien, d.id, v2, PDF_TYPE), 409, 'forbidden-transition', 'submitted: closed');
  await actOk(tok.lanhdao, d.id, 'return', { note: 'Sửa Điều 2 của bản 1', file_version: 1 });
  assertStatus(await upload(tok.chuyenvien, d.id, v2, PDF_TYPE), 201, 'returned: open again');
  await actOk(tok.chuyenvien, d.id, 'submit');
  assertProblem(await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.lanhdao,
    body: { action: 'approve', file_version: 1 } }), 409, 'forbidden-transition', 'an older version is not approved');
  assertProblem(await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.lanhdao,
    body: { action: 'approve', file_version: 9 } }), 422, 'invalid-field', 'no such version');
  assertProblem(await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.lanhdao,
    body: { action: 'approve', file_version: 'x' } }), 422, 'invalid-field');
  await actOk(tok.lanhdao, d.id, 'approve', { file_version: 2 });
  await actOk(tok.lanhdao, d.id, 'sign');
  const issued = await actOk(tok.tiepnhan, d.id, 'issue');
  assert.equal(issued.state, 'issued');
  const ev = await events(d.id);
  const at = (action) => ev.find((e) => e.action === action).file_version;
  assert.deepEqual(at('return'), { number: 1, sha256: sha(v1) }, 'the comment refers to version 1');
  for (const a of ['approve', 'sign', 'issue'])
    assert.deepEqual(at(a), { number: 2, sha256: sha(v2) }, `${a}: version 2, the one approved`);
  // editing after issue: refused, and the versions stay as they were
  assertProblem(await upload(tok.chuyenvien, d.id, pdf('late'), PDF_TYPE), 409, 'forbidden-transition');
  assert.deepEqual((await versions(tok.chuyenvien, d.id)).map((v) => v.sha256), [sha(v1), sha(v2)]);
  // the hash-chained log verifies with the versions in it
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  // on SQLite, where the tool reaches the file: the issue event made to name version 1 behind
  // the server's back breaks the chain there (the version is in the hash), and verifies once put back
  if (!/^postgres/.test(server.db)) {
    const sqlite = (q) => execFileSync('sqlite3', [server.db, q], { encoding: 'utf8' }).trim();
    const row = sqlite(`SELECT id FROM document_event WHERE document_id = ${d.id} AND action = 'issue'`);
    sqlite(`DROP TRIGGER document_event_no_update; UPDATE document_event SET file_sha256 = '${sha(v1)}' WHERE id = ${row}`);
    const forged = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
    assert.equal(forged.status, 1, forged.stdout);
    assert.match(forged.stdout, new RegExp(`broken link at event ${row} of document #${d.id}`));
    sqlite(`UPDATE document_event SET file_sha256 = '${sha(v2)}' WHERE id = ${row}; ` +
      "CREATE TRIGGER document_event_no_update BEFORE UPDATE ON document_event BEGIN " +
      "SELECT RAISE(ABORT, 'events are append-only'); END;");
    assert.equal(spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' }).status, 0);
  }
});

test('attacks: other unit, citizen, wrong roles, oversized, fake PDF, DOCX not a ZIP, bad names; nothing stored', async () => {
  const d = await draft(tok.chuyenvien);
  const ok = pdf('ok');
  const refused = async (token, bytes, type, status, slug, what, filename) =>
    assertProblem(await upload(token, d.id, bytes, type, filename), status, slug, what);
  await refused(tok['chuyenvien.stnmt'], ok, PDF_TYPE, 403, 'out-of-scope', 'a specialist of another unit');
  await refused(tok.congdan, ok, PDF_TYPE, 403, 'forbidden', 'a citizen');
  await refused(tok.chuyenvien2, ok, PDF_TYPE, 403, 'forbidden', 'a specialist of the unit who is not the drafter');
  await refused(tok.lanhdao, ok, PDF_TYPE, 403, 'forbidden', 'a leader does not upload drafts');
  await refused(tok.tiepnhan, ok, PDF_TYPE, 403, 'forbidden', 'the clerk does not upload drafts');
  await refused(undefined, ok, PDF_TYPE, 401, 'unauthenticated', 'no session');
  await refused(tok.chuyenvien, Buffer.concat([pdf('big'), Buffer.alloc(MAX)]), PDF_TYPE, 413, 'body-too-large',
    'over document_draft_max');
  await refused(tok.chuyenvien, Buffer.from('hello, I am not a PDF at all'), PDF_TYPE, 415, 'unsupported-file-type',
    'a fake PDF');
  await refused(tok.chuyenvien, Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n cut short here'), PDF_TYPE, 415,
    'unsupported-file-type', 'a PDF cut short');
  await refused(tok.chuyenvien, Buffer.from('<w:document>not zipped</w:document>'), DOCX_TYPE, 415,
    'unsupported-file-type', 'a DOCX that is not a ZIP');
  await refused(tok.chuyenvien, zip([['hello.txt', 'hi']]), DOCX_TYPE, 415, 'unsupported-file-type',
    'a ZIP that is not a Word document');
  const cut = docx('x');
  await refused(tok.chuyenvien, cut.subarray(0, cut.length - 10), DOCX_TYPE, 415, 'unsupported-file-type',
    'a DOCX cut short');
  await refused(tok.chuyenvien, pdf('x'), DOCX_TYPE, 415, 'unsupported-file-type', 'a PDF declared as DOCX');
  await refused(tok.chuyenvien, docx('x'), PDF_TYPE, 415, 'unsupported-file-type', 'a DOCX declared as PDF');
  await refused(tok.chuyenvien, ok, 'image/png', 415, 'unsupported-file-type', 'another type');
  await refused(tok.chuyenvien, Buffer.alloc(0), PDF_TYPE, 415, 'unsupported-file-type', 'empty');
  await refused(tok.chuyenvien, ok, PDF_TYPE, 422, 'invalid-field', 'a path for a name', '../../etc/passwd');
  await refused(tok.chuyenvien, ok, PDF_TYPE, 422, 'invalid-field', 'a name too long', 'a'.repeat(201));
  await refused(tok.chuyenvien, ok, PDF_TYPE, 422, 'invalid-field', 'a name of two lines', 'a\nb.pdf');
  assert.deepEqual(await versions(tok.chuyenvien, d.id), [], 'nothing stored');
  assert.equal((await events(d.id)).filter((e) => e.action === 'upload').length, 0);
  // reading: other unit, citizen
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions`, { token: tok.congdan }), 403, 'forbidden');
  assertStatus(await upload(tok.chuyenvien, d.id, ok, PDF_TYPE), 201);
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions/1/file`, { token: tok['lanhdao.stnmt'] }), 403,
    'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/versions/1/file`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/documents/999999/versions', { token: tok.chuyenvien }), 404, 'not-found');
  assertProblem(await upload(tok.chuyenvien, 999999, ok, PDF_TYPE), 404, 'not-found');
});

test('q= finds a document by a phrase of its body, without diacritics (§7)', async () => {
  const phrase = 'Giao Sở Tài chính đôn đốc việc quyết toán kinh phí đường giao thông nông thôn';
  const d = await draft(tok.chuyenvien, { subject: 'Về việc triển khai kế hoạch', body: `Điều 1. ${phrase}.` });
  const other = await draft(tok.chuyenvien, { subject: 'Về việc triển khai kế hoạch', body: 'Điều 1. Không liên quan.' });
  const find = async (q) => {
    const res = await api('GET', `/api/v1/documents?q=${encodeURIComponent(q)}`, { token: tok.chuyenvien });
    assertStatus(res, 200, `search ${q}`);
    return res.body.items.map((i) => i.id);
  };
  for (const q of ['don doc viec quyet toan', 'duong giao thong nong thon', 'đôn đốc', 'DUONG GIAO THONG']) {
    const ids = await find(q);
    assert.ok(ids.includes(d.id), `"${q}" finds the document by its body`);
    assert.ok(!ids.includes(other.id), `"${q}" does not find the other`);
  }
  assert.deepEqual(await find('trien khai ke hoach'), [other.id, d.id], 'the subject as before');
  // an edited body is found by its new words, not its old ones
  const edited = await api('PATCH', `/api/v1/documents/${other.id}`, { token: tok.chuyenvien, body: {
    type: 'quyet_dinh', subject: 'Về việc triển khai kế hoạch', body: 'Điều 1. Phê duyệt đề án chuyển đổi số.' } });
  assertStatus(edited, 200, 'edit the body');
  assert.deepEqual(await find('chuyen doi so'), [other.id]);
  assert.deepEqual(await find('khong lien quan'), []);
});

test('q= finds a document by the text of its latest DOCX version, stored or deflated; hostile DOCX are kept unread', async () => {
  const find = async (q) => {
    const res = await api('GET', `/api/v1/documents?q=${encodeURIComponent(q)}`, { token: tok.chuyenvien });
    assertStatus(res, 200, `search ${q}`);
    return res.body.items.map((i) => i.id);
  };
  const a = await draft(tok.chuyenvien, { subject: 'Về việc báo cáo quý', body: '' });
  const b = await draft(tok.chuyenvien, { subject: 'Về việc báo cáo quý', body: '' });
  // two runs of one word split across w:r, as Word writes them, and two paragraphs
  const xml = '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    '<w:body><w:p><w:r><w:t>Phát triển kinh tế tập </w:t></w:r><w:r><w:t>thể, hợp tác xã</w:t></w:r></w:p>' +
    '<w:p><w:r><w:t>Hỗ trợ nông dân vùng lũ</w:t></w:r></w:p></w:body></w:document>';
  assertStatus(await upload(tok.chuyenvien, a.id, docx('', { xml }), DOCX_TYPE), 201);
  assertStatus(await upload(tok.chuyenvien, b.id, docx('Chương trình mục tiêu quốc gia giảm nghèo bền vững', { deflate: true }),
    DOCX_TYPE), 201);
  assert.deepEqual(await find('kinh te tap the hop tac xa'), [a.id], 'stored DOCX');
  assert.deepEqual(await find('nong dan vung lu'), [a.id], 'its second paragraph');
  assert.deepEqual(await find('giam ngheo ben vung'), [b.id], 'deflated DOCX');
  // a PDF after it is not read: the last DOCX's text stays; a step of the draft keeps it too
  assertStatus(await upload(tok.chuyenvien, b.id, pdf('b2'), PDF_TYPE), 201);
  await actOk(tok.chuyenvien, b.id, 'submit');
  assert.deepEqual(await find('giam ngheo ben vung'), [b.id], 'after a PDF and a submit');
  // a newer DOCX replaces the text searched
  assertStatus(await upload(tok.chuyenvien, a.id, docx('Đề án chuyển đổi xanh'), DOCX_TYPE), 201);
  assert.deepEqual(await find('chuyen doi xanh'), [a.id]);
  assert.deepEqual(await find('kinh te tap the'), []);
  // hostile: entities (billion laughs), an external entity, a ZIP bomb of 9 MiB inflated: kept, not read
  const laughs = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&b; canhbao</w:t></w:r></w:p></w:body></w:document>';
  const xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document xmlns:w="x"><w:t>&x; canhbao</w:t></w:document>';
  const bomb = `<?xml version="1.0"?><w:document xmlns:w="x"><w:t>canhbao ${' '.repeat(9 * 1024 * 1024)}</w:t></w:document>`;
  for (const [what, x] of [['entities', laughs], ['external entity', xxe], ['ZIP bomb', bomb]]) {
    const c = await draft(tok.chuyenvien, { subject: `Kiểm tra ${what}`, body: '' });
    const res = await upload(tok.chuyenvien, c.id, docx('', { xml: x, deflate: true }), DOCX_TYPE);
    assertStatus(res, 201, what);
  }
  assert.deepEqual(await find('canhbao'), [], 'nothing of them searched');
  assert.deepEqual(await find('root'), []);
});
