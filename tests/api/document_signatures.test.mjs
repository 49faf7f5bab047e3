// GET /api/v1/documents/{id}/signatures (docs/documents.md §3b): the
// signatures of a document's file verified against the configured trust
// anchors (sign_trust_file) and CRLs (sign_crl), each with a status (valid,
// warning, invalid) and its warnings {type, field, detail}. A test CA kept by
// `openssl ca` issues the leader's and the seal's certificates, revokes one of
// the leader's (`openssl ca -revoke -crl_reason keyCompromise`) and publishes
// its CRL (`openssl ca -gencrl`); another certificate of the leader is signed
// with SHA-1 (`openssl ca -md sha1`). A document issued with the revoked
// certificate is marked "warning" with a "revoked" warning on the signer's
// certificate, for the issuing unit and on the recipient's copy; one signed
// under a SHA-1 certificate is accepted with a "weak-algorithm" warning; a
// good one is valid with revocation "good". Attacks: a citizen, another unit's
// leader, no session, unknown ids. The CA and keys are made here; none is
// committed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DEPARTMENT } from './helpers.mjs';

const LEADER = 'Hoàng Văn Minh'; // lanhdao of the demo district
let server;
let T;
const tok = {};
const api = (...a) => server.api(...a);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: T, stdio: ['ignore', 'pipe', 'pipe'] });

function issueCert(name, cn, more = []) {
  run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  run('openssl', ['req', '-new', '-utf8', '-key', `${name}.key`, '-subj', `/O=Test/CN=${cn}`, '-out', `${name}.csr`]);
  run('openssl', ['ca', '-batch', '-utf8', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext',
    '-days', '30', ...more]);
}

// the leader's key for the next issue
function leaderKey(name) {
  copyFileSync(join(T, `${name}.key`), join(T, 'keys', 'lanhdao.key'));
  writeFileSync(join(T, 'keys', 'lanhdao.crt'), readFileSync(join(T, `${name}.pem`), 'utf8') + readFileSync(join(T, 'ca.pem'), 'utf8'));
}

async function actOk(token, id, action) {
  const res = await api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action } });
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
}

async function draft() {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: {
    type: 'quyet_dinh', subject: 'Về việc kiểm tra chữ ký số', body: 'Điều 1. Kiểm tra.', place: 'Quảng Xương',
    signer_position: 'Chủ tịch', signer_name: LEADER, recipients: 'Lưu: VT.', recipient_units: [DEPARTMENT] } });
  assertStatus(res, 201, 'draft');
  return res.body;
}

async function issued() {
  const d = await draft();
  await actOk(tok.chuyenvien, d.id, 'submit');
  await actOk(tok.lanhdao, d.id, 'approve');
  await actOk(tok.lanhdao, d.id, 'sign');
  return actOk(tok.tiepnhan, d.id, 'issue');
}

async function signatures(token, id) {
  const res = await api('GET', `/api/v1/documents/${id}/signatures`, { token });
  assertStatus(res, 200, `signatures of ${id}`);
  return res.body;
}

before(async () => {
  T = mkdtempSync(join(tmpdir(), 'motcua-docsigs-'));
  run('mkdir', ['-p', 'keys', 'crls', 'newcerts']);
  writeFileSync(join(T, 'index.txt'), '');
  writeFileSync(join(T, 'serial'), '01\n');
  writeFileSync(join(T, 'ca.cnf'), `[ca]\ndefault_ca = the_ca\n[the_ca]\ndir = ${T}\ndatabase = ${T}/index.txt\n` +
    `new_certs_dir = ${T}/newcerts\nserial = ${T}/serial\ncertificate = ${T}/ca.pem\nprivate_key = ${T}/ca.key\n` +
    'default_md = sha256\ndefault_crl_days = 30\npolicy = any\nunique_subject = no\nx509_extensions = leaf\n' +
    'string_mask = utf8only\n[any]\norganizationName = optional\ncommonName = supplied\n' +
    '[leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n');
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.pem', '-days', '60', '-subj', '/O=Test/CN=Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  issueCert('leader', LEADER);
  issueCert('revoked', LEADER);
  issueCert('weak', LEADER, ['-md', 'sha1']);
  issueCert('seal', 'UBND huyện Quảng Xương');
  run('openssl', ['ca', '-config', 'ca.cnf', '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise']);
  run('openssl', ['ca', '-config', 'ca.cnf', '-gencrl', '-out', join('crls', 'ca.crl')]);
  copyFileSync(join(T, 'seal.key'), join(T, 'keys', 'seal.key'));
  writeFileSync(join(T, 'keys', 'seal.crt'), readFileSync(join(T, 'seal.pem'), 'utf8') + readFileSync(join(T, 'ca.pem'), 'utf8'));
  leaderKey('leader');
  // The district and the department have their registers in the demo (src/demo/documents.c).
  server = await startServer({ dossiers: 0, env: { MOTCUA_SIGN_DIR: join(T, 'keys'),
    MOTCUA_SIGN_TRUST_FILE: join(T, 'ca.pem'), MOTCUA_SIGN_CRL: join(T, 'crls') } });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt', 'lanhdao.stnmt']) {
    tok[u] = await server.login(u);
  }
});

after(async () => {
  await stopServer(server);
  if (T && !process.env.MC_KEEP_TMP) rmSync(T, { recursive: true, force: true });
});

test('a document issued with good keys: both signatures valid, trusted, not revoked per the CRL', async () => {
  leaderKey('leader');
  const d = await issued();
  const s = await signatures(tok.lanhdao, d.id);
  assert.equal(s.status, 'valid', JSON.stringify(s));
  assert.equal(s.file, true);
  assert.equal(s.crl_configured, true);
  assert.deepEqual(s.items.map((i) => [i.index, i.status, i.valid, i.trusted, i.revocation, i.digest_algorithm, i.warnings]),
    [[1, 'valid', true, true, 'good', 'sha256', []], [2, 'valid', true, true, 'good', 'sha256', []]]);
  assert.match(s.items[0].signer, new RegExp(`CN=${LEADER}`));
  assert.equal(s.items[1].covers_whole_file, true);
});

test('a leader\'s revoked certificate: the document is marked with a revoked warning, here and on the copy', async () => {
  leaderKey('revoked');
  const d = await issued();
  const s = await signatures(tok.lanhdao, d.id);
  assert.equal(s.status, 'warning', JSON.stringify(s));
  const [leader, seal] = s.items;
  assert.equal(leader.status, 'warning');
  assert.equal(leader.valid, true, 'the bytes are intact');
  assert.equal(leader.trusted, false, 'revoked before it signed: not trusted');
  assert.equal(leader.revocation, 'revoked');
  assert.match(leader.revoked_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(leader.warnings.map((w) => [w.type, w.field]), [['revoked', 'certificate']]);
  assert.match(leader.warnings[0].detail, /revoked on .* \(keyCompromise\), before the signature/);
  assert.match(leader.problem, /revoked/);
  assert.equal(seal.status, 'valid');
  // the recipient unit's copy: the same file, the same verdict
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  const copy = inbox.body.items.find((x) => x.number === d.number);
  assert.ok(copy, 'the copy arrived');
  const c = await signatures(tok['tiepnhan.stnmt'], copy.id);
  assert.equal(c.status, 'warning');
  assert.deepEqual(c.items[0].warnings.map((w) => [w.type, w.field]), [['revoked', 'certificate']]);
});

test('a leader\'s certificate signed with SHA-1: accepted, flagged weak-algorithm on the certificate', async () => {
  leaderKey('weak');
  const d = await issued();
  const s = await signatures(tok.lanhdao, d.id);
  assert.equal(s.status, 'warning');
  const [leader, seal] = s.items;
  assert.equal(leader.valid, true);
  assert.equal(leader.trusted, true);
  assert.equal(leader.revocation, 'good');
  assert.deepEqual(leader.warnings.map((w) => [w.type, w.field]), [['weak-algorithm', 'certificate']]);
  assert.match(leader.warnings[0].detail, /SHA-1/);
  assert.equal(seal.status, 'valid');
});

test('a draft has no file: status none; others and unknown ids are refused', async () => {
  leaderKey('leader');
  const d = await draft();
  const s = await signatures(tok.chuyenvien, d.id);
  assert.deepEqual([s.status, s.file, s.items], ['none', false, []]);
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/signatures`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/signatures`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/signatures`), 401, 'unauthenticated');
  assertProblem(await api('GET', '/api/v1/documents/999999/signatures', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/documents/abc/signatures', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', `/api/v1/documents/${'9'.repeat(40)}/signatures`, { token: tok.lanhdao }), 404, 'not-found');
});

// ---- an attachment sealed at the top right of its first page (NĐ 30 Phụ lục I) ----

function pdfsig(buf, label) {
  const f = join(T, `${label}.pdf`);
  writeFileSync(f, buf);
  if (!T_NSS) {
    T_NSS = join(T, 'nss');
    run('mkdir', ['-p', 'nss']);
    run('certutil', ['-N', '-d', `sql:${T_NSS}`, '--empty-password']);
    run('certutil', ['-A', '-d', `sql:${T_NSS}`, '-n', 'testca', '-t', 'CT,C,C', '-i', 'ca.pem']);
  }
  try {
    return execFileSync('pdfsig', ['-nssdir', `sql:${T_NSS}`, f], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    return `${e.stdout}${e.stderr}`;
  }
}
let T_NSS;

async function seal(token, id, raw) {
  const res = await fetch(`${server.base}/api/v1/documents/${id}/attachment-seal`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/pdf' }, body: raw });
  return { status: res.status, type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
}

test('an attachment is sealed by the organisation at the top right of its first page; pdfsig and qpdf accept it', async () => {
  leaderKey('leader');
  const d = await issued();
  // the attachment: any PDF of a flat page tree (here a draft's rendering, two pages' worth of text)
  const other = await draft();
  const att = Buffer.from(await (await fetch(`${server.base}/api/v1/documents/${other.id}/file`,
    { headers: { Authorization: `Bearer ${tok.chuyenvien}` } })).arrayBuffer());
  const r = await seal(tok.tiepnhan, d.id, att);
  assert.equal(r.status, 200, r.buf.toString());
  assert.equal(r.type, 'application/pdf');
  assert.ok(r.buf.subarray(0, att.length).equals(att), 'an incremental update: the attachment\'s bytes stay');
  const sig = pdfsig(r.buf, 'attachment');
  assert.equal((sig.match(/Signature Validation: Signature is Valid\./g) || []).length, 1, sig);
  assert.equal((sig.match(/Certificate Validation: Certificate is Trusted\./g) || []).length, 1, sig);
  assert.match(sig, /Signer Certificate Common Name: UBND huyện Quảng Xương/);
  assert.match(sig, /Total document signed/);
  execFileSync('qpdf', ['--check', join(T, 'attachment.pdf')], { stdio: 'ignore' });
  // visible at the top right of page 1: the widget's rectangle ends 15 mm from the right edge, 4 mm from the top
  const tail = r.buf.subarray(att.length).toString('latin1');
  const rect = tail.match(/\/Subtype \/Widget[^>]*\/Rect \[([\d. ]+)\]/);
  assert.ok(rect, tail.slice(0, 2000));
  const [x0, y0, x1, y1] = rect[1].trim().split(/\s+/).map(Number);
  const mm = 72 / 25.4;
  assert.ok(Math.abs(x1 - (595.28 - 15 * mm)) < 2 && Math.abs(y1 - (841.89 - 4 * mm)) < 2, `rect ${rect[1]}`);
  assert.ok(x1 - x0 > 60 * mm && y1 - y0 < 20 * mm, `rect ${rect[1]}`);
  const page1 = tail.match(/\/P (\d+) 0 R/);
  assert.ok(page1, 'the widget names its page');
  // one changed byte of the attachment: invalid
  const bad = Buffer.from(r.buf);
  bad[att.indexOf('/Type /Catalog') + 2] ^= 1;
  assert.equal((pdfsig(bad, 'attachment-bad').match(/Signature is Valid\./g) || []).length, 0);
});

test('sealing an attachment: only the issuing body\'s clerk, only an issued document, only a PDF', async () => {
  leaderKey('leader');
  const d = await issued();
  const pdf = Buffer.from(await (await fetch(`${server.base}/api/v1/documents/${d.id}/file`,
    { headers: { Authorization: `Bearer ${tok.tiepnhan}` } })).arrayBuffer());
  const raw = (token, id, body) => api('POST', `/api/v1/documents/${id}/attachment-seal`, { token, raw: body,
    headers: { 'Content-Type': 'application/pdf' } });
  assertProblem(await raw(tok.lanhdao, d.id, pdf), 403, 'forbidden');
  assertProblem(await raw(tok.chuyenvien, d.id, pdf), 403, 'forbidden');
  assertProblem(await raw(tok.congdan, d.id, pdf), 403, 'forbidden');
  assertProblem(await raw(tok['tiepnhan.stnmt'], d.id, pdf), 403, 'out-of-scope');
  assertProblem(await raw(undefined, d.id, pdf), 401, 'unauthenticated');
  assertProblem(await raw(tok.tiepnhan, 999999, pdf), 404, 'not-found');
  const dr = await draft();
  assertProblem(await raw(tok.tiepnhan, dr.id, pdf), 409, 'forbidden-transition');
  assertProblem(await raw(tok.tiepnhan, d.id, Buffer.from('not a pdf at all, only text')), 415, 'unsupported-file-type');
  assertProblem(await raw(tok.tiepnhan, d.id, Buffer.alloc(0)), 415, 'unsupported-file-type');
  // a "PDF" whose trailer cannot be read
  assertProblem(await raw(tok.tiepnhan, d.id, Buffer.from('%PDF-1.7\n' + 'x'.repeat(200))), 415, 'unsupported-file-type');
  // a PDF whose catalog is inside an object stream (not read yet): refused the same way
  writeFileSync(join(T, 'plain.pdf'), pdf.subarray(0, pdf.indexOf('%%EOF') + 6));
  run('qpdf', ['--object-streams=generate', 'plain.pdf', 'objstm.pdf']);
  assertProblem(await raw(tok.tiepnhan, d.id, readFileSync(join(T, 'objstm.pdf'))), 415, 'unsupported-file-type');
  // bigger than max_upload: 413 before anything is read
  const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
  big.write('%PDF-1.7\n');
  assertProblem(await raw(tok.tiepnhan, d.id, big), 413, 'body-too-large');
});
