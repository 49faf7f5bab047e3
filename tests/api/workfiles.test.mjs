// Work files (hồ sơ công việc, Nghị định 30/2020/NĐ-CP chương IV;
// docs/documents.md §12): the unit's yearly list (Danh mục hồ sơ), a file
// opened by its officer, filled with documents, closed with its dates, handed
// to the archive with its handover list (PDF, XLSX); and the attacks: other
// units, citizens, wrong roles, a document the officer may not see or already
// in another file, stale versions, oversized and malformed input, invalid
// UTF-8, floods from one account. Runs on SQLite and, through
// scripts/test_pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT } from './helpers.mjs';

let server;
const tok = {};
const uid = {};
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
const api = (...a) => server.api(...a);
let seq = 0;

async function login(username) {
  tok[username] = await server.login(username);
  const me = await api('GET', '/api/v1/session', { token: tok[username] });
  assertStatus(me, 200, `session of ${username}`);
  uid[username] = me.body.user.id;
}

// A paper document registered by the district's (or department's) clerk.
async function incoming(token, date, extra = {}) {
  seq += 1;
  const res = await api('POST', '/api/v1/documents/incoming', { token, body: { type: 'cong_van',
    subject: `Đề nghị phối hợp số ${seq}`, organ_name: 'Sở Tư pháp', number: `${seq}/STP-VP`, date, ...extra } });
  assertStatus(res, 201, 'incoming document');
  return res.body;
}

function fileBody(extra = {}) {
  seq += 1;
  return { year: YEAR, code: `${String(seq).padStart(2, '0')}.VP`, title: 'Hồ sơ cải cách hành chính năm ' + YEAR,
    retention: 10, responsible: uid.chuyenvien, note: 'Ghi chú', ...extra };
}

async function list(token = tok.tiepnhan, extra = {}) {
  const res = await api('POST', '/api/v1/workfiles', { token, body: fileBody(extra) });
  assertStatus(res, 201, 'list a work file');
  return res.body;
}

// The text of a PDF the API gives (pdftotext, poppler-utils).
async function pdfText(path, token) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'wf-'));
  try {
    writeFileSync(join(dir, 'x.pdf'), Buffer.from(await res.arrayBuffer()));
    return execFileSync('pdftotext', ['-raw', join(dir, 'x.pdf'), '-']).toString().replace(/\s+/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const act = (token, id, action, extra = {}, headers = {}) =>
  api('POST', `/api/v1/workfiles/${id}/actions`, { token, body: { action, ...extra }, headers });
const put = (token, id, doc, headers = {}) => api('PUT', `/api/v1/workfiles/${id}/documents/${doc}`, { token, headers });
const del = (token, id, doc, headers = {}) => api('DELETE', `/api/v1/workfiles/${id}/documents/${doc}`, { token, headers });

async function opened(extra = {}) {
  const w = await list(tok.tiepnhan, extra);
  const o = await act(tok.chuyenvien, w.id, 'open');
  assertStatus(o, 200, 'open');
  return o.body;
}

before(async () => {
  // The district and the department have their registers in the demo (src/demo/documents.c).
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'giamsat', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt',
    'chuyenvien.stnmt', 'lanhdao.stnmt']) await login(u);
});

after(async () => {
  await stopServer(server);
});

test('list, open, fill, close and archive a work file; its handover list as PDF and XLSX', async () => {
  const w = await list(tok.tiepnhan, { code: '01.VP', retention: 'vinh_vien' });
  assert.equal(w.state, 'listed');
  assert.equal(w.version, 1);
  assert.equal(w.retention, 'vinh_vien');
  assert.equal(w.retention_title, 'Vĩnh viễn');
  assert.equal(w.unit.code, DISTRICT);
  assert.equal(w.responsible.id, uid.chuyenvien);
  // In the unit's list of the year, for the head too.
  const l = await api('GET', `/api/v1/workfiles?year=${YEAR}`, { token: tok.lanhdao });
  assertStatus(l, 200);
  assert.ok(l.body.items.some((x) => x.id === w.id && x.code === '01.VP'));
  const mine = await api('GET', '/api/v1/workfiles?mine=true', { token: tok.chuyenvien });
  assert.ok(mine.body.items.some((x) => x.id === w.id));

  const o = await act(tok.chuyenvien, w.id, 'open', {}, { 'If-Match': '"1"' });
  assertStatus(o, 200, 'open');
  assert.equal(o.body.state, 'open');
  assert.equal(o.headers.get('etag'), '"2"');
  const a = await incoming(tok.tiepnhan, `${YEAR}-01-05`);
  const b = await incoming(tok.tiepnhan, `${YEAR}-03-20`);
  const c = await incoming(tok.tiepnhan, `${YEAR}-02-11`);
  // An outgoing document the district drafted and issued goes in too.
  const draft = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { type: 'quyet_dinh',
    subject: 'Về việc lập hồ sơ công việc', body: 'Điều 1.', place: 'Quảng Xương', signer_position: 'CHỦ TỊCH',
    signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.', recipient_units: [] } });
  assertStatus(draft, 201, 'draft');
  for (const [who, step] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign'], ['tiepnhan', 'issue']]) {
    assertStatus(await api('POST', `/api/v1/documents/${draft.body.id}/actions`, { token: tok[who], body: { action: step } }), 200, step);
  }
  for (const d of [a, b, c, draft.body]) assertStatus(await put(tok.chuyenvien, w.id, d.id), 200, `add ${d.id}`);
  const out = await del(tok.chuyenvien, w.id, b.id);
  assertStatus(out, 200, 'take out while open');
  assert.equal(out.body.documents_count, 3);
  assertProblem(await del(tok.chuyenvien, w.id, b.id), 404, 'not-found', 'not in the file');
  const full = await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok.lanhdao });
  assertStatus(full, 200);
  assert.deepEqual(full.body.documents.map((d) => d.id), [a.id, c.id, draft.body.id]);
  assert.equal(full.body.documents[0].number, a.number);
  assert.deepEqual(full.body.documents.map((d) => d.box), ['in', 'in', 'out']);
  assert.match(full.body.documents[2].number, /^\d+\/QĐ-UBND$/);
  assert.equal(full.headers.get('etag'), `"${full.body.version}"`);

  const closed = await act(tok.chuyenvien, w.id, 'close', { pages: 12 }, { 'If-Match': `"${full.body.version}"` });
  assertStatus(closed, 200, 'close');
  assert.equal(closed.body.state, 'closed');
  assert.equal(closed.body.from, `${YEAR}-01-05`);
  // The latest is the outgoing document issued today.
  assert.equal(closed.body.to, new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10));
  assert.equal(closed.body.documents_count, 3);
  assert.equal(closed.body.pages, 12);
  // What a closed file holds stays in it; nothing new goes in.
  assertProblem(await del(tok.chuyenvien, w.id, a.id), 409, 'forbidden-transition', 'take out of a closed file');
  assertProblem(await put(tok.chuyenvien, w.id, b.id), 409, 'forbidden-transition', 'add to a closed file');
  assertProblem(await act(tok.chuyenvien, w.id, 'open'), 409, 'forbidden-transition', 'open again');
  // The officer does not archive: the unit's clerk or head does.
  assertProblem(await act(tok.chuyenvien, w.id, 'archive'), 403, 'forbidden', 'the officer archives');
  assertProblem(await act(tok['tiepnhan.stnmt'], w.id, 'archive'), 403, 'out-of-scope', 'another unit archives');
  const pending = await api('GET', `/api/v1/workfiles/handover.xlsx?year=${YEAR}&state=closed`, { token: tok.tiepnhan });
  assertStatus(pending, 200, 'the list before handing over');
  const archived = await act(tok.tiepnhan, w.id, 'archive');
  assertStatus(archived, 200, 'archive');
  assert.equal(archived.body.state, 'archived');
  assert.ok(archived.body.archived_at);
  assertProblem(await del(tok.chuyenvien, w.id, a.id), 409, 'forbidden-transition', 'take out of an archived file');

  const text = await pdfText(`/api/v1/workfiles/handover.pdf?year=${YEAR}`, tok.lanhdao);
  assert.match(text, /MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU/);
  assert.match(text, new RegExp(`01\\.VP Hồ sơ cải cách hành chính năm ${YEAR} 05/01/${YEAR} - \\d\\d/\\d\\d/${YEAR} Vĩnh viễn 3 12`));
  const xlsx = await fetch(`${server.base}/api/v1/workfiles/handover.xlsx?year=${YEAR}`,
    { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
  assert.equal(xlsx.status, 200);
  const bytes = Buffer.from(await xlsx.arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
  assertProblem(await api('GET', '/api/v1/workfiles/handover.pdf', { token: tok.tiepnhan }), 400, 'invalid-query', 'no year');
  // The year's list (Danh mục hồ sơ, Phụ lục V), whatever the files' states.
  const cat = await pdfText(`/api/v1/workfiles/catalogue.pdf?year=${YEAR}`, tok.chuyenvien);
  assert.match(cat, new RegExp(`DANH MỤC HỒ SƠ NĂM ${YEAR}`));
  assert.match(cat, /01\.VP Hồ sơ cải cách hành chính năm \d{4} Vĩnh viễn/);
  const catx = await fetch(`${server.base}/api/v1/workfiles/catalogue.xlsx?year=${YEAR}&state=listed`,
    { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
  assert.equal(catx.status, 200);
  assert.equal(Buffer.from(await catx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  assertProblem(await api('GET', '/api/v1/workfiles/catalogue.xlsx', { token: tok.tiepnhan }), 400, 'invalid-query', 'no year');
  assertProblem(await api('GET', `/api/v1/workfiles/catalogue.pdf?year=${YEAR}&unit=${DISTRICT}`, { token: tok['chuyenvien.stnmt'] }),
    403, 'out-of-scope', 'another unit\'s list');
  assertProblem(await api('GET', `/api/v1/workfiles/catalogue.pdf?year=${YEAR}`, { token: tok.congdan }), 403, 'forbidden', 'citizen');
  assertProblem(await api('GET', `/api/v1/workfiles/handover.pdf?year=${YEAR}&state=open`, { token: tok.tiepnhan }),
    400, 'invalid-query', 'open files are not handed over');
  assertProblem(await api('GET', `/api/v1/workfiles/handover.xlsx?year=${YEAR}&unit=${DISTRICT}`, { token: tok['lanhdao.stnmt'] }),
    403, 'out-of-scope', 'another unit\'s handover list');
});

test('an empty file is not closed; a document lies in one file of the unit\'s year', async () => {
  const w = await opened();
  assertProblem(await act(tok.chuyenvien, w.id, 'close'), 409, 'forbidden-transition', 'close an empty file');
  const other = await opened();
  const d = await incoming(tok.tiepnhan, `${YEAR}-04-01`);
  assertStatus(await put(tok.chuyenvien, w.id, d.id), 200);
  assertProblem(await put(tok.chuyenvien, w.id, d.id), 409, 'duplicate', 'twice in one file');
  assertProblem(await put(tok.chuyenvien, other.id, d.id), 409, 'duplicate', 'in another file of the year');
  // Another year's list may hold it.
  const next = await opened({ year: YEAR + 1 });
  assertStatus(await put(tok.chuyenvien, next.id, d.id), 200, 'next year\'s file');
});

test('who lists: the unit\'s clerk or head, in scope, for an officer of the unit', async () => {
  const before = (await api('GET', `/api/v1/workfiles?limit=1000`, { token: tok.lanhdao })).body.total;
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.congdan, body: fileBody() }), 403, 'forbidden', 'citizen');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.chuyenvien, body: fileBody() }), 403, 'forbidden', 'specialist');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.admin, body: fileBody() }), 403, 'forbidden', 'admin');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok['tiepnhan.stnmt'], body: fileBody({ unit: DISTRICT }) }),
    403, 'out-of-scope', 'another unit\'s clerk');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ responsible: uid['chuyenvien.stnmt'] }) }),
    422, 'invalid-field', 'an officer of another unit');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ responsible: uid.congdan }) }),
    422, 'invalid-field', 'a citizen keeps the file');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ responsible: 999999 }) }),
    422, 'invalid-field', 'no such user');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ unit: 'XXX.H56' }) }),
    422, 'unknown-unit', 'unknown unit');
  // The officer named by username, as the unit's officers are listed.
  const w = await list(tok.lanhdao, { code: '99.TCCB', responsible: 'chuyenvien' });
  assert.equal(w.responsible.id, uid.chuyenvien);
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ code: '99.TCCB' }) }),
    409, 'duplicate', 'the code twice in the year');
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ responsible: 'chuyenvien.stnmt' }) }),
    422, 'invalid-field', 'an officer of another unit, by username');
  assert.equal((await api('GET', `/api/v1/workfiles?limit=1000`, { token: tok.lanhdao })).body.total, before + 1);
  // The department sees nothing of the district's list; a citizen nothing at all.
  assertProblem(await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/workfiles?unit=${DISTRICT}`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/workfiles/999999', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/workfiles/abc', { token: tok.lanhdao }), 404, 'not-found');
});

test('who fills: the file\'s officer only, with documents they may see, issued or registered', async () => {
  const w = await list();
  assertProblem(await act(tok.lanhdao, w.id, 'open'), 403, 'forbidden', 'the head opens another\'s file');
  assertProblem(await act(tok['chuyenvien.stnmt'], w.id, 'open'), 403, 'out-of-scope', 'another unit\'s officer');
  assertProblem(await act(tok.congdan, w.id, 'open'), 403, 'forbidden', 'citizen');
  assertStatus(await act(tok.chuyenvien, w.id, 'open'), 200);
  const mine = await incoming(tok.tiepnhan, `${YEAR}-05-01`);
  assertProblem(await put(tok.lanhdao, w.id, mine.id), 403, 'forbidden', 'the head adds to another\'s file');
  assertProblem(await put(tok['chuyenvien.stnmt'], w.id, mine.id), 403, 'out-of-scope', 'another unit adds');
  const theirs = await incoming(tok['tiepnhan.stnmt'], `${YEAR}-05-02`);
  assertProblem(await put(tok.chuyenvien, w.id, theirs.id), 403, 'out-of-scope', 'a document the officer may not see');
  const draft = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { type: 'quyet_dinh',
    subject: 'Dự thảo', body: 'Điều 1.', place: 'Quảng Xương', signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình',
    recipients: 'Lưu: VT.', recipient_units: [] } });
  assertStatus(draft, 201, 'a draft');
  assertProblem(await put(tok.chuyenvien, w.id, draft.body.id), 409, 'forbidden-transition', 'a draft');
  assertProblem(await put(tok.chuyenvien, w.id, 999999), 404, 'not-found', 'no such document');
  assertProblem(await put(tok.chuyenvien, w.id, 'x1'), 404, 'not-found', 'a malformed id');
  assertProblem(await act(tok.chuyenvien, w.id, 'destroy'), 422, 'invalid-field', 'an unknown action');
  assertProblem(await act(tok.chuyenvien, w.id, 'close', { pages: -1 }), 422, 'invalid-field', 'negative pages');
  const full = (await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok.chuyenvien })).body;
  assert.equal(full.documents.length, 0, 'nothing went in');
  assert.equal(full.version, 2, 'no refusal moved the version');
});

test('the clerk or head changes an entry while it is listed or open: a new officer takes over', async () => {
  const w = await opened();
  const patch = (token, body, headers = {}) => api('PATCH', `/api/v1/workfiles/${w.id}`, { token, body, headers });
  assertProblem(await patch(tok.chuyenvien, { title: 'Đổi' }), 403, 'forbidden', 'the officer');
  assertProblem(await patch(tok.congdan, { title: 'Đổi' }), 403, 'forbidden', 'citizen');
  assertProblem(await patch(tok['tiepnhan.stnmt'], { title: 'Đổi' }), 403, 'out-of-scope', 'another unit\'s clerk');
  assertProblem(await patch(tok.tiepnhan, { retention: 0 }), 422, 'invalid-field', 'retention 0');
  assertProblem(await patch(tok.tiepnhan, { title: '' }), 422, 'invalid-field', 'an empty title');
  assertProblem(await patch(tok.tiepnhan, { title: 'x'.repeat(1001) }), 422, 'invalid-field', 'a long title');
  assertProblem(await patch(tok.tiepnhan, { responsible: 'chuyenvien.stnmt' }), 422, 'invalid-field', 'another unit\'s officer');
  assertProblem(await patch(tok.tiepnhan, { note: 'x' }, { 'If-Match': '"1"' }), 412, 'precondition-failed', 'stale');
  const res = await patch(tok.tiepnhan, { title: 'Hồ sơ đổi tên', retention: 20, responsible: 'lanhdao', note: 'Bàn giao' },
    { 'If-Match': `"${w.version}"` });
  assertStatus(res, 200, 'change the entry');
  assert.equal(res.body.version, w.version + 1);
  assert.equal(res.body.title, 'Hồ sơ đổi tên');
  assert.equal(res.body.retention, 20);
  assert.equal(res.body.responsible.id, uid.lanhdao);
  assert.equal(res.body.note, 'Bàn giao');
  assert.equal(res.body.code, w.code, 'the code stays');
  assert.equal(res.body.state, 'open');
  // The new officer keeps it; the old one no longer.
  const d = await incoming(tok.tiepnhan, `${YEAR}-08-01`);
  assertProblem(await put(tok.chuyenvien, w.id, d.id), 403, 'forbidden', 'the former officer');
  assertStatus(await put(tok.lanhdao, w.id, d.id), 200, 'the new officer');
  assertStatus(await act(tok.lanhdao, w.id, 'close'), 200, 'the new officer closes');
  assertProblem(await patch(tok.tiepnhan, { title: 'Sau khi kết thúc' }), 409, 'forbidden-transition', 'a closed file');
  assert.equal((await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok.tiepnhan })).body.title, 'Hồ sơ đổi tên');
});

// An officer moved to another unit keeps none of the files of the unit left:
// neither reads them nor puts the new unit's documents into them (which the
// old unit would then read through the file), nor closes them.
test('an officer moved to another unit keeps none of the files of the unit left', async () => {
  const res = await api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'chuyenvien.luanchuyen',
    password: PASSWORD, full_name: 'Cán bộ Luân Chuyển', role: 'specialist', unit: DISTRICT } });
  assertStatus(res, 201, 'an officer of the district');
  await login('chuyenvien.luanchuyen');
  const w = await list(tok.tiepnhan, { responsible: uid['chuyenvien.luanchuyen'] });
  assertStatus(await act(tok['chuyenvien.luanchuyen'], w.id, 'open'), 200, 'the officer opens it');
  const mine = await incoming(tok.tiepnhan, `${YEAR}-09-01`);
  assertStatus(await put(tok['chuyenvien.luanchuyen'], w.id, mine.id), 200, 'a document of the district');
  assertStatus(await api('PATCH', '/api/v1/users/chuyenvien.luanchuyen', { token: tok.admin,
    body: { unit: DEPARTMENT } }), 200, 'moved to the department');
  await login('chuyenvien.luanchuyen');
  const moved = tok['chuyenvien.luanchuyen'];
  const theirs = await incoming(tok['tiepnhan.stnmt'], `${YEAR}-09-02`);
  assertStatus(await api('GET', `/api/v1/documents/${theirs.id}`, { token: moved }), 200, 'the department\'s document is now theirs');
  assertProblem(await api('GET', `/api/v1/workfiles/${w.id}`, { token: moved }), 403, 'out-of-scope', 'reading the file left');
  assertProblem(await put(moved, w.id, theirs.id), 403, 'out-of-scope', 'putting the department\'s document in');
  assertProblem(await del(moved, w.id, mine.id), 403, 'out-of-scope', 'taking a document out');
  assertProblem(await act(moved, w.id, 'close'), 403, 'out-of-scope', 'closing it');
  const still = (await api('GET', `/api/v1/workfiles/${w.id}`, { token: tok.tiepnhan })).body;
  assert.deepEqual(still.documents.map((d) => d.id), [mine.id], 'the district\'s file holds its own document only');
  assert.equal(still.state, 'open');
  // the clerk hands it to an officer of the district, who keeps it
  assertStatus(await api('PATCH', `/api/v1/workfiles/${w.id}`, { token: tok.tiepnhan, body: { responsible: 'chuyenvien' } }),
    200, 'handed over');
  assertStatus(await act(tok.chuyenvien, w.id, 'close'), 200, 'the new officer closes it');
});

test('versions: If-Match stale → 412, malformed → 412; the version moves with every change', async () => {
  const w = await opened();
  const d = await incoming(tok.tiepnhan, `${YEAR}-06-01`);
  assertProblem(await put(tok.chuyenvien, w.id, d.id, { 'If-Match': '"1"' }), 412, 'precondition-failed', 'stale');
  assertProblem(await put(tok.chuyenvien, w.id, d.id, { 'If-Match': 'nonsense' }), 412, 'precondition-failed', 'malformed');
  const ok = await put(tok.chuyenvien, w.id, d.id, { 'If-Match': `"${w.version}"` });
  assertStatus(ok, 200);
  assert.equal(ok.body.version, w.version + 1);
  assertProblem(await act(tok.chuyenvien, w.id, 'close', {}, { 'If-Match': `"${w.version}"` }), 412, 'precondition-failed',
    'close at an old version');
});

test('bad input: oversized, malformed, invalid UTF-8, out of range; nothing stored', async () => {
  const before = (await api('GET', `/api/v1/workfiles?limit=1000`, { token: tok.lanhdao })).body.total;
  const bad = [
    [{ title: 'x'.repeat(1001) }, 'title'],
    [{ code: 'x'.repeat(31) }, 'code'],
    [{ note: 'ghi chú '.repeat(300) }, 'note'],
    [{ year: 1999 }, 'year'],
    [{ year: '2026' }, 'year'],
    [{ retention: 0 }, 'retention'],
    [{ retention: 100 }, 'retention'],
    [{ retention: 'forever' }, 'retention'],
    [{ responsible: 'khong.co.ai' }, 'responsible'],
    [{ responsible: -3 }, 'responsible'],
    [{ responsible: 'x'.repeat(200) }, 'responsible'],
    [{ title: '' }, 'title'],
  ];
  for (const [extra, field] of bad) {
    const res = await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody(extra) });
    assert.ok(res.status === 422, `${JSON.stringify(extra).slice(0, 40)} → ${res.status} ${res.text}`);
    assert.equal(res.body.field, field);
  }
  const missing = { ...fileBody() };
  delete missing.retention;
  assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: missing }), 422, 'missing-field');
  for (const body of ['{"year":', '[]', '42', '{bad}']) {
    assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body, headers: { 'Content-Type': 'application/json' } }),
      400, 'malformed-json', body);
  }
  for (const bytes of [[0xff, 0xfe], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
    const raw = Buffer.concat([Buffer.from(`{"year":${YEAR},"code":"X","retention":5,"responsible":${uid.chuyenvien},"title":"H`),
      Buffer.from(bytes), Buffer.from('"}')]);
    assertProblem(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, raw, headers: { 'Content-Type': 'application/json' } }),
      400, 'invalid-utf8');
  }
  const huge = await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody({ title: 'x'.repeat(3 * 1024 * 1024) }) });
  assertProblem(huge, 413, 'body-too-large', 'a huge body');
  assertProblem(await api('GET', '/api/v1/workfiles?year=abc', { token: tok.lanhdao }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/workfiles?state=burnt', { token: tok.lanhdao }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/workfiles?limit=100000', { token: tok.lanhdao }), 400, 'invalid-query');
  assert.equal((await api('GET', `/api/v1/workfiles?limit=1000`, { token: tok.lanhdao })).body.total, before);
});

test('floods: one document added at once to two files lands in one; one account lists at most 100 files an hour', async () => {
  const [w1, w2] = [await opened(), await opened()];
  const d = await incoming(tok.tiepnhan, `${YEAR}-07-01`);
  const res = await Promise.all(Array.from({ length: 20 }, (_, i) => put(tok.chuyenvien, i % 2 ? w1.id : w2.id, d.id)));
  assert.equal(res.filter((r) => r.status === 200).length, 1, 'exactly one add succeeds');
  for (const r of res.filter((x) => x.status !== 200)) assertProblem(r, 409, 'duplicate');
  const docs = await Promise.all(Array.from({ length: 8 }, (_, i) => incoming(tok.tiepnhan, `${YEAR}-07-${String(i + 2).padStart(2, '0')}`)));
  const adds = await Promise.all(docs.map((x) => put(tok.chuyenvien, w1.id, x.id)));
  for (const r of adds) assertStatus(r, 200, 'a different document each');
  const f1 = (await api('GET', `/api/v1/workfiles/${w1.id}`, { token: tok.chuyenvien })).body;
  const f2 = (await api('GET', `/api/v1/workfiles/${w2.id}`, { token: tok.chuyenvien })).body;
  assert.equal(f1.documents.length + f2.documents.length, 9);
  assert.equal(f1.documents_count, f1.documents.length);
  assert.equal(f1.version, w1.version + f1.documents.length);

  // A clerk account of its own, so that the count starts at nothing.
  const made = await api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'vanthu.lu', password: PASSWORD,
    full_name: 'Văn Thư Lũ', role: 'desk', unit: DISTRICT } });
  assertStatus(made, 201, 'make a clerk');
  await login('vanthu.lu');
  const flood = await Promise.all(Array.from({ length: 100 }, () =>
    api('POST', '/api/v1/workfiles', { token: tok['vanthu.lu'], body: fileBody() })));
  for (const r of flood) assertStatus(r, 201, 'within the hour\'s hundred');
  const more = await api('POST', '/api/v1/workfiles', { token: tok['vanthu.lu'], body: fileBody() });
  assertProblem(more, 429, 'too-many-attempts', 'the 101st in the hour');
  assert.ok(Number(more.headers.get('retry-after')) > 0);
  // Another clerk of the unit is not held back by it.
  assertStatus(await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: fileBody() }), 201);
});
