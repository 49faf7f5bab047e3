// The end of a work file's retention and its disposal (docs/documents.md §12):
// a file closed in 2019 and kept 5 years ends on 31/12/2024 (the years run
// from the year after the work ended); the unit's clerk lists the expired
// files, proposes one for disposal, the head disposes of it with the
// decision's number and date; the disposal list prints as PDF and XLSX. And
// the attacks: another unit's clerk and head, a specialist, a citizen, a file
// not yet expired, a permanent one, a stale If-Match, a missing or future
// decision. The server's clock is moved with libfaketime (a timestamp file it
// re-reads), never by waiting years. Runs on SQLite and, through
// scripts/test_pg.sh, on PostgreSQL. Last, what the disposal does to the
// documents' stored content: destroyed when only disposed files use it, kept
// when anything else does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT } from './helpers.mjs';

const skip = NO_FAKETIME;
const work = mkdtempSync(join(tmpdir(), 'motcua-wf-disposal-'));
const USERS = ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt', 'lanhdao.stnmt', 'chutich'];
let server;
const tok = {};
const uid = {};
let seq = 0;
// Two more 5-year files of 2019 and the 10-year one, for the list acted on at once.
const batch = {};

const api = (...a) => server.api(...a);
const act = (token, id, action, extra = {}, headers = {}) =>
  api('POST', `/api/v1/workfiles/${id}/actions`, { token, body: { action, ...extra }, headers });

// Sessions do not outlive years: everyone signs in again after the clock moves.
async function loginAll() {
  for (const u of USERS) {
    tok[u] = await server.login(u);
    const me = await api('GET', '/api/v1/session', { token: tok[u] });
    assertStatus(me, 200, `session of ${u}`);
    uid[u] = me.body.user.id;
  }
}

// A file of 2019 listed, opened, given one registered document, closed and archived.
async function archivedFile(retention) {
  seq += 1;
  const w = await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: { year: 2019,
    code: `${String(seq).padStart(2, '0')}.VP`, title: `Hồ sơ hết hạn số ${seq}`, retention, responsible: uid.chuyenvien } });
  assertStatus(w, 201, 'list');
  assertStatus(await act(tok.chuyenvien, w.body.id, 'open'), 200, 'open');
  const doc = await api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan, body: { type: 'cong_van',
    subject: `Văn bản đến số ${seq}`, organ_name: 'Sở Tư pháp', number: `${seq}/STP-VP`, date: '2019-05-20' } });
  assertStatus(doc, 201, 'incoming');
  assertStatus(await api('PUT', `/api/v1/workfiles/${w.body.id}/documents/${doc.body.id}`, { token: tok.chuyenvien }), 200, 'add');
  assertStatus(await act(tok.chuyenvien, w.body.id, 'close', { pages: 3 }), 200, 'close');
  const a = await act(tok.tiepnhan, w.body.id, 'archive');
  assertStatus(a, 200, 'archive');
  return { ...a.body, doc: doc.body.id };
}

async function pdfText(path, token) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  writeFileSync(join(work, 'x.pdf'), Buffer.from(await res.arrayBuffer()));
  return execFileSync('pdftotext', ['-raw', join(work, 'x.pdf'), '-']).toString().replace(/\s+/g, ' ');
}

const ids = (res) => res.body.items.map((x) => x.id);

before(async () => {
  if (!FAKETIME) return;
  server = await startServer({
    dossiers: 0,
    clock: '2019-06-03T02:00:00Z', // Monday 3 June 2019, 09:00 in Vietnam
    env: {
      // the demo's keys (made by init beside the files, cli/demo_sign.c), read when signing
      MOTCUA_SIGN_DIR: join(work, 'keys'),
    },
  });
  symlinkSync(`${filesDir()}.sign`, join(work, 'keys'));
  await loginAll();
  // The district and the department have their registers in the demo (src/demo/documents.c).
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

test('a 5-year file closed in 2019 ends on 31/12/2024; proposed, kept, proposed again and disposed of on the head\'s decision',
  { skip }, async () => {
    const five = await archivedFile(5);
    const ten = await archivedFile(10);
    const forever = await archivedFile('vinh_vien');
    assert.equal(five.retention_end, '2024-12-31');
    assert.equal(ten.retention_end, '2029-12-31');
    assert.equal(forever.retention_end, null);
    assert.equal(five.expired, false);
    assert.equal(five.disposal, null);
    batch.p = await archivedFile(5);
    batch.q = await archivedFile(5);
    batch.ten = ten;
    // Not yet: refused naming the file and the last day it is kept.
    const early = await act(tok.tiepnhan, five.id, 'propose_disposal');
    assertProblem(early, 409, 'forbidden-transition', 'proposed before its end');
    assert.match(early.body.detail, new RegExp(`${five.code} \\(2019\\) is kept until 31/12/2024`));

    // 31 December 2024, 23:59 in Vietnam: still kept.
    server.setClock('2024-12-31T16:59:00Z');
    await loginAll();
    assertProblem(await act(tok.tiepnhan, five.id, 'propose_disposal'), 409, 'forbidden-transition', 'on its last day');
    let expired = await api('GET', '/api/v1/workfiles?expired=true', { token: tok.tiepnhan });
    assertStatus(expired, 200);
    assert.ok(!ids(expired).includes(five.id), 'not expired on its last day');

    // 1 January 2025, 00:30 in Vietnam.
    server.setClock('2024-12-31T17:30:00Z');
    await loginAll();
    expired = await api('GET', '/api/v1/workfiles?expired=true', { token: tok.tiepnhan });
    assertStatus(expired, 200);
    assert.ok(ids(expired).includes(five.id), 'the 5-year file has expired');
    assert.ok(!ids(expired).includes(ten.id) && !ids(expired).includes(forever.id), 'not the 10-year or the permanent one');
    assert.equal(expired.body.items.find((x) => x.id === five.id).expired, true);
    // By a day given: the 10-year one from 1 January 2030, never the permanent one.
    const later = await api('GET', '/api/v1/workfiles?expired=true&on=2030-01-01', { token: tok.lanhdao });
    assert.ok(ids(later).includes(five.id) && ids(later).includes(ten.id) && !ids(later).includes(forever.id));
    const before2030 = await api('GET', '/api/v1/workfiles?expired=true&on=2029-12-31', { token: tok.lanhdao });
    assert.ok(!ids(before2030).includes(ten.id));
    const earlier = await api('GET', '/api/v1/workfiles?expired=true&on=2024-12-31', { token: tok.lanhdao });
    assert.ok(!ids(earlier).includes(five.id));

    // Who may not propose: another unit's clerk, the specialist, a citizen.
    assertProblem(await act(tok['tiepnhan.stnmt'], five.id, 'propose_disposal'), 403, 'out-of-scope', 'another unit');
    assertProblem(await act(tok.chuyenvien, five.id, 'propose_disposal'), 403, 'forbidden', 'the specialist');
    assertProblem(await act(tok.congdan, five.id, 'propose_disposal'), 403, 'forbidden', 'a citizen');
    // What may not be proposed: a file not yet expired, a permanent one.
    const young = await act(tok.tiepnhan, ten.id, 'propose_disposal');
    assertProblem(young, 409, 'forbidden-transition', 'the 10-year file');
    assert.match(young.body.detail, new RegExp(`${ten.code} \\(2019\\) is kept until 31/12/2029`));
    const perm = await act(tok.lanhdao, forever.id, 'propose_disposal');
    assertProblem(perm, 409, 'forbidden-transition', 'the permanent file');
    assert.match(perm.body.detail, new RegExp(`${forever.code} \\(2019\\) is kept permanently`));
    // Nothing is disposed of straight from the archive.
    assertProblem(await act(tok.lanhdao, five.id, 'dispose', { decision: '01/QĐ-UBND', decision_date: '2025-01-01' }),
      409, 'forbidden-transition', 'dispose unproposed');
    assertProblem(await act(tok.tiepnhan, five.id, 'propose_disposal', {}, { 'If-Match': '"1"' }), 412,
      'precondition-failed', 'stale If-Match');
    let now = await api('GET', `/api/v1/workfiles/${five.id}`, { token: tok.tiepnhan });
    assert.equal(now.body.version, five.version, 'the refusals changed nothing');
    assert.equal(now.body.state, 'archived');

    const proposed = await act(tok.tiepnhan, five.id, 'propose_disposal', {}, { 'If-Match': `"${five.version}"` });
    assertStatus(proposed, 200, 'propose');
    assert.equal(proposed.body.state, 'proposed');
    assert.equal(proposed.body.state_title, 'Đề nghị hủy');
    assert.equal(proposed.body.disposal.proposed_by, uid.tiepnhan);
    assert.equal(proposed.body.disposal.decision, null);
    const listed = await api('GET', '/api/v1/workfiles?state=proposed', { token: tok.lanhdao });
    assert.deepEqual(ids(listed), [five.id]);
    // The appraisal keeps it: back to the archive, then proposed again.
    const kept = await act(tok.lanhdao, five.id, 'keep');
    assertStatus(kept, 200, 'keep');
    assert.equal(kept.body.state, 'archived');
    assert.equal(kept.body.disposal, null);
    assertStatus(await act(tok.tiepnhan, five.id, 'propose_disposal'), 200, 'propose again');

    // The disposal list, printed.
    const text = await pdfText('/api/v1/workfiles/disposal.pdf', tok.lanhdao);
    assert.match(text, /DANH MỤC TÀI LIỆU HẾT GIÁ TRỊ/);
    assert.match(text, new RegExp(`${five.code.replace('.', '\\.')} \\(2019\\) Hồ sơ hết hạn số \\d+ 20/05/2019 - 20/05/2019 5 năm 31/12/2024 1 3`));
    const xlsx = await fetch(`${server.base}/api/v1/workfiles/disposal.xlsx`, { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
    assert.equal(xlsx.status, 200);
    assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
    assertProblem(await api('GET', '/api/v1/workfiles/disposal.pdf?state=archived', { token: tok.tiepnhan }), 400,
      'invalid-query', 'a disposal list of archived files');
    assertProblem(await api('GET', `/api/v1/workfiles/disposal.pdf?unit=${DISTRICT}`, { token: tok['tiepnhan.stnmt'] }), 403,
      'out-of-scope', 'another unit\'s disposal list');

    // Only the head decides: not the clerk, not another unit's head.
    now = await api('GET', `/api/v1/workfiles/${five.id}`, { token: tok.tiepnhan });
    const decision = { decision: '05/QĐ-UBND', decision_date: '2025-01-01' };
    assertProblem(await act(tok.tiepnhan, five.id, 'dispose', decision), 403, 'forbidden', 'the clerk disposes');
    assertProblem(await act(tok['lanhdao.stnmt'], five.id, 'dispose', decision), 403, 'out-of-scope', 'another head');
    const noDecision = await act(tok.lanhdao, five.id, 'dispose', { decision_date: '2025-01-01' });
    assertProblem(noDecision, 422, 'missing-field', 'no decision');
    assert.equal(noDecision.body.field, 'decision');
    assertProblem(await act(tok.lanhdao, five.id, 'dispose', { decision: '05/QĐ-UBND' }), 422, 'missing-field', 'no date');
    const future = await act(tok.lanhdao, five.id, 'dispose', { ...decision, decision_date: '2025-01-02' });
    assertProblem(future, 422, 'invalid-field', 'a decision of tomorrow');
    assert.equal(future.body.field, 'decision_date');
    assertProblem(await act(tok.lanhdao, five.id, 'dispose', { ...decision, decision_date: '01/01/2025' }), 422,
      'invalid-field', 'a date not ISO');
    assertProblem(await act(tok.lanhdao, five.id, 'dispose', { ...decision, decision: 'x'.repeat(51) }), 422,
      'invalid-field', 'a decision number too long');
    assertProblem(await act(tok.lanhdao, five.id, 'dispose', decision, { 'If-Match': `"${now.body.version - 1}"` }), 412,
      'precondition-failed', 'stale If-Match');
    const still = await api('GET', `/api/v1/workfiles/${five.id}`, { token: tok.tiepnhan });
    assert.equal(still.body.version, now.body.version, 'the refusals changed nothing');

    const disposed = await act(tok.lanhdao, five.id, 'dispose', decision, { 'If-Match': `"${now.body.version}"` });
    assertStatus(disposed, 200, 'dispose');
    assert.equal(disposed.body.state, 'disposed');
    assert.equal(disposed.body.disposal.decision, '05/QĐ-UBND');
    assert.equal(disposed.body.disposal.decision_date, '2025-01-01');
    assert.equal(disposed.body.disposal.disposed_by, uid.lanhdao);
    assert.ok(disposed.body.disposal.disposed_at);
    // Final: no step after it; off the expired list; on the list of those disposed of.
    for (const a of ['keep', 'propose_disposal', 'dispose', 'archive']) {
      assertProblem(await act(tok.lanhdao, five.id, a, decision), 409, 'forbidden-transition', `${a} after disposal`);
    }
    expired = await api('GET', '/api/v1/workfiles?expired=true', { token: tok.tiepnhan });
    assert.ok(!ids(expired).includes(five.id));
    const done = await pdfText('/api/v1/workfiles/disposal.pdf?state=disposed', tok.tiepnhan);
    assert.match(done, /05\/QĐ-UBND ngày 01\/01\/2025/);
    // The register's line of its document stays (docs/documents.md §12).
    assertStatus(await api('GET', `/api/v1/documents/${five.doc}`, { token: tok.tiepnhan }), 200, 'the document stays');
  });

test('bad queries and actions of the disposal are refused', { skip }, async () => {
  assertProblem(await api('GET', '/api/v1/workfiles?expired=yes', { token: tok.tiepnhan }), 400, 'invalid-query', 'expired=yes');
  assertProblem(await api('GET', '/api/v1/workfiles?expired=true&on=2025-13-01', { token: tok.tiepnhan }), 400,
    'invalid-query', 'a bad day');
  assertProblem(await api('GET', `/api/v1/workfiles?expired=true&unit=${DISTRICT}`, { token: tok['tiepnhan.stnmt'] }), 403,
    'out-of-scope', 'another unit\'s expired files');
  assertProblem(await api('GET', '/api/v1/workfiles?expired=true', { token: tok.congdan }), 403, 'forbidden', 'a citizen');
  const w = await archivedFile(1);
  assertProblem(await act(tok.tiepnhan, w.id, 'destroy'), 422, 'invalid-field', 'an unknown action');
});

test('the disposal list as a whole: proposed and disposed of on one decision, all or none', { skip }, async () => {
  const { p, q, ten } = batch;
  const many = (token, action, files, extra = {}) =>
    api('POST', '/api/v1/workfiles/disposal', { token, body: { action, files, ...extra } });
  const ref = (w) => ({ id: w.id, version: w.version });
  // One file of the list not yet expired: none is proposed, the answer names it.
  const young = await many(tok.tiepnhan, 'propose_disposal', [ref(p), ref(ten)]);
  assertProblem(young, 409, 'forbidden-transition', 'a list with a file not expired');
  assert.match(young.body.detail, new RegExp(`${ten.code} \\(2019\\) is kept until 31/12/2029`));
  let now = await api('GET', `/api/v1/workfiles/${p.id}`, { token: tok.tiepnhan });
  assert.equal(now.body.state, 'archived', 'all or none');
  assert.equal(now.body.version, p.version);
  // Who may not: the specialist, a citizen, another unit's clerk.
  assertProblem(await many(tok.chuyenvien, 'propose_disposal', [ref(p)]), 403, 'forbidden', 'the specialist');
  assertProblem(await many(tok.congdan, 'propose_disposal', [ref(p)]), 403, 'forbidden', 'a citizen');
  const other = await many(tok['tiepnhan.stnmt'], 'propose_disposal', [ref(p)]);
  assertProblem(other, 403, 'out-of-scope', 'another unit');
  assert.match(other.body.detail, new RegExp(`work file ${p.id}:`));
  // Bad lists.
  assertProblem(await many(tok.tiepnhan, 'propose_disposal', []), 422, 'invalid-field', 'an empty list');
  assertProblem(await many(tok.tiepnhan, 'propose_disposal', [ref(p), ref(p)]), 422, 'invalid-field', 'a file twice');
  assertProblem(await many(tok.tiepnhan, 'propose_disposal', [p.id]), 422, 'invalid-field', 'ids without versions');
  assertProblem(await many(tok.tiepnhan, 'archive', [ref(p)]), 422, 'invalid-field', 'another step');
  assertProblem(await many(tok.tiepnhan, 'propose_disposal', Array.from({ length: 501 }, (_, i) => ({ id: i + 1, version: 1 }))),
    422, 'invalid-field', 'a list too long');
  assertProblem(await many(tok.tiepnhan, 'propose_disposal', [{ id: 999999, version: 1 }]), 404, 'not-found', 'no such file');
  const stale = await many(tok.tiepnhan, 'propose_disposal', [ref(p), { id: q.id, version: q.version - 1 }]);
  assertProblem(stale, 412, 'precondition-failed', 'a stale version');
  assert.match(stale.body.detail, new RegExp(`work file ${q.id}:`));

  const proposed = await many(tok.tiepnhan, 'propose_disposal', [ref(p), ref(q)]);
  assertStatus(proposed, 200, 'propose the list');
  assert.deepEqual(proposed.body.items.map((x) => x.state), ['proposed', 'proposed']);
  const files = proposed.body.items.map(ref);
  const decision = { decision: '07/QĐ-UBND', decision_date: '2025-01-01' };
  assertProblem(await many(tok.tiepnhan, 'dispose', files, decision), 403, 'forbidden', 'the clerk disposes');
  assertProblem(await many(tok.lanhdao, 'dispose', files), 422, 'missing-field', 'no decision');
  assertProblem(await many(tok['lanhdao.stnmt'], 'dispose', files, decision), 403, 'out-of-scope', 'another head');
  const disposed = await many(tok.lanhdao, 'dispose', files, decision);
  assertStatus(disposed, 200, 'dispose of the list');
  for (const w of disposed.body.items) {
    assert.equal(w.state, 'disposed');
    assert.equal(w.disposal.decision, '07/QĐ-UBND');
    assert.equal(w.disposal.disposed_by, uid.lanhdao);
  }
  now = await api('GET', `/api/v1/workfiles?state=disposed`, { token: tok.tiepnhan });
  assert.ok(ids(now).includes(p.id) && ids(now).includes(q.id));
});

// The stored content of a disposed file's documents (docs/documents.md §12).
const sha = (b) => createHash('sha256').update(b).digest('hex');
const filesDir = () => (server.db.startsWith('postgres') ? join(server.dir, 'files') : `${server.db}.files`);
const onDisk = (digest) => existsSync(join(filesDir(), digest.slice(0, 2), digest));
async function download(path, token) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  const buf = Buffer.from(await res.arrayBuffer());
  let body = null;
  if ((res.headers.get('content-type') || '').includes('json')) body = JSON.parse(buf.toString());
  return { status: res.status, body, buf };
}
const docAct = async (token, id, action, extra = {}) => {
  const res = await api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra } });
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
};
const DRAFT = { type: 'quyet_dinh', body: 'Điều 1. Ban hành kèm theo Quyết định này.', place: 'Quảng Xương',
  signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.' };
async function draft(subject) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { ...DRAFT, subject } });
  assertStatus(res, 201, 'draft');
  return res.body.id;
}
const rendering = async (id) => (await download(`/api/v1/documents/${id}/file`, tok.chuyenvien)).buf;
const post = (path, bytes) => api('POST', path, { token: tok.chuyenvien, raw: bytes, headers: { 'Content-Type': 'application/pdf' } });

test('disposal destroys the stored content only disposed files use: 410 content-destroyed; a digest another document uses is kept; the register line stays',
  { skip }, async () => {
    // Two PDFs made here: the renderings of two drafts, one uploaded as a
    // version of the document to be disposed of and of another draft too,
    // the other attached to it.
    const shared = await rendering(await draft('Bản dùng chung của hai văn bản'));
    const annex = await rendering(await draft('Phụ lục của văn bản sẽ hủy'));
    const a = await draft('Về việc tiêu hủy tài liệu hết giá trị');
    assertStatus(await post(`/api/v1/documents/${a}/versions`, shared), 201, 'upload the version');
    assertStatus(await post(`/api/v1/documents/${a}/attachments`, annex), 201, 'attach');
    await docAct(tok.chuyenvien, a, 'submit');
    await docAct(tok.lanhdao, a, 'approve', { file_version: 1 });
    await docAct(tok.lanhdao, a, 'sign');
    const issued = await docAct(tok.tiepnhan, a, 'issue');
    const b = await draft('Văn bản khác, không thuộc hồ sơ bị hủy');
    assertStatus(await post(`/api/v1/documents/${b}/versions`, shared), 201, 'the same bytes, another document');

    const signed = await download(`/api/v1/documents/${a}/file`, tok.lanhdao);
    assert.equal(signed.status, 200);
    const atts = (await api('GET', `/api/v1/documents/${a}/attachments`, { token: tok.lanhdao })).body.items;
    const gone = [...new Set([sha(signed.buf), ...atts.map((x) => x.sha256), sha(annex)])];
    for (const g of [...gone, sha(shared)]) assert.ok(onDisk(g), `stored before: ${g}`);
    const sigs = await api('GET', `/api/v1/documents/${a}/signatures`, { token: tok.lanhdao });
    assertStatus(sigs, 200, 'verified before');
    assert.equal(sigs.body.file, true);
    assert.ok(sigs.body.items.length >= 2, 'the leader\'s and the seal\'s signatures');
    assert.deepEqual(atts.map((x) => [x.number, x.sealed]), [[1, true]], 'sealed at issue');
    assert.equal(atts[0].original.sha256, sha(annex), 'the original kept beside it');

    // Its file: of 2025, kept a year, closed now: its last day is 31/12/2026.
    const w = await api('POST', '/api/v1/workfiles', { token: tok.tiepnhan, body: { year: 2025, code: '99.VP',
      title: 'Hồ sơ có văn bản đã ký', retention: 1, responsible: uid.chuyenvien } });
    assertStatus(w, 201, 'list');
    assertStatus(await act(tok.chuyenvien, w.body.id, 'open'), 200, 'open');
    assertStatus(await api('PUT', `/api/v1/workfiles/${w.body.id}/documents/${a}`, { token: tok.chuyenvien }), 200, 'add');
    assertStatus(await act(tok.chuyenvien, w.body.id, 'close'), 200, 'close');
    assertStatus(await act(tok.tiepnhan, w.body.id, 'archive'), 200, 'archive');
    // Another district document, kept for reference in a file of the province
    // (whose head may see it): the province's disposal is not the district's.
    const c = await draft('Văn bản của huyện lưu tham khảo ở tỉnh');
    await docAct(tok.chuyenvien, c, 'submit');
    await docAct(tok.lanhdao, c, 'approve');
    await docAct(tok.lanhdao, c, 'sign');
    await docAct(tok.tiepnhan, c, 'issue');
    const pw = await api('POST', '/api/v1/workfiles', { token: tok.chutich, body: { year: 2025, code: '98.VP',
      title: 'Hồ sơ tham khảo của tỉnh', retention: 1, responsible: uid.chutich } });
    assertStatus(pw, 201, 'the province lists a file');
    assertStatus(await act(tok.chutich, pw.body.id, 'open'), 200, 'open');
    assertStatus(await api('PUT', `/api/v1/workfiles/${pw.body.id}/documents/${c}`, { token: tok.chutich }), 200, 'the district\'s document');
    assertStatus(await act(tok.chutich, pw.body.id, 'close'), 200, 'close');
    assertStatus(await act(tok.chutich, pw.body.id, 'archive'), 200, 'archive');
    server.setClock('2027-01-02T02:00:00Z');
    await loginAll();
    assertStatus(await act(tok.tiepnhan, w.body.id, 'propose_disposal'), 200, 'propose');
    // The head of the unit above does not dispose of the district's file.
    assertProblem(await act(tok.chutich, w.body.id, 'dispose', { decision: '13/QĐ-UBND', decision_date: '2027-01-02' }),
      403, 'out-of-scope', 'the head of the province');
    assertStatus(await act(tok.chutich, pw.body.id, 'propose_disposal'), 200, 'the province proposes its own');
    assertStatus(await act(tok.chutich, pw.body.id, 'dispose', { decision: '01/QĐ-UBND', decision_date: '2027-01-02' }), 200,
      'the province disposes of its own file');
    const theirs = await download(`/api/v1/documents/${c}/file`, tok.lanhdao);
    assert.equal(theirs.status, 200, 'the district\'s document is whole after the province\'s disposal');
    // Still whole while proposed.
    assert.equal((await download(`/api/v1/documents/${a}/file`, tok.lanhdao)).status, 200, 'proposed: kept');
    const disposed = await act(tok.lanhdao, w.body.id, 'dispose', { decision: '12/QĐ-UBND', decision_date: '2027-01-02' });
    assertStatus(disposed, 200, 'dispose');

    // Off the disk once the decision has committed (before its answer).
    for (const g of gone) assert.ok(!onDisk(g), `destroyed: ${g}`);
    assert.ok(onDisk(sha(shared)), 'the digest another document uses is kept');
    // Every read of it: 410 naming the work file and the decision.
    const why = /work file 99\.VP \(2025\) on decision 12\/QĐ-UBND of 02\/01\/2027/;
    for (const path of [`/api/v1/documents/${a}/file`, `/api/v1/documents/${a}/attachments/1/file`,
      `/api/v1/documents/${a}/signatures`]) {
      const res = await download(path, tok.lanhdao);
      assert.equal(res.status, 410, path);
      assert.equal(res.body.type, 'urn:motcua:problem:content-destroyed', path);
      assert.match(res.body.detail, why, path);
    }
    // The shared version: still there, byte for byte, from either document.
    const v = await download(`/api/v1/documents/${a}/versions/1/file`, tok.lanhdao);
    assert.equal(v.status, 200);
    assert.ok(v.buf.equals(shared));
    assert.ok((await download(`/api/v1/documents/${b}/versions/1/file`, tok.chuyenvien)).buf.equals(shared));
    // The register's line, the document's rows and its events stay.
    const doc = await api('GET', `/api/v1/documents/${a}`, { token: tok.lanhdao });
    assertStatus(doc, 200, 'the document stays');
    assert.equal(doc.body.number, issued.number);
    assert.equal(doc.body.state, 'issued');
    assert.ok(doc.body.events.some((e) => e.action === 'issue'));
    const list = await api('GET', `/api/v1/documents/${a}/attachments`, { token: tok.lanhdao });
    assert.deepEqual(list.body.items.map((x) => x.sha256), atts.map((x) => x.sha256), 'the attachment rows stay');
  });
