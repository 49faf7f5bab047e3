// An official document's own PDF and its signatures (docs/documents.md §3a):
// the Phụ lục I layout served at GET /api/v1/documents/{id}/file, and issuing
// that numbers, renders and signs it with the leader's key and then the
// organisation's seal - keys in PKCS#12 and PEM files and on a PKCS#11 token
// (SoftHSM2, initialised here in a temporary directory with softhsm2-util and
// pkcs11-tool). Every signed file is judged by poppler's pdfsig (the test CA
// trusted in an NSS database), qpdf --check and openssl cms -verify of each
// extracted CMS, not by motcua alone. Refusals: a key whose certificate is
// another person's, an expired certificate, a token with a wrong PIN (a clear
// 503, nothing issued), a signer without the leader role, another unit's
// document. The CA and the keys are made here with openssl; none is committed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, unlinkSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT } from './helpers.mjs';

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const LEADER = 'Hoàng Văn Minh'; // lanhdao of the demo province
let server;
let T; // the temporary directory: the CA, the keys (T/keys is sign_dir), the token, NSS
const tok = {};

const api = (...a) => server.api(...a);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: T, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
const keys = (name) => join(T, 'keys', name);

// A certificate of the test CA for CN=cn over a fresh key (ec or rsa), valid
// from start to end (openssl ca dates, YYYYMMDDHHMMSSZ) or for 30 days.
function issueCert(name, cn, { rsa = false, start, end } = {}) {
  run('openssl', rsa ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`]
    : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  run('openssl', ['req', '-new', '-utf8', '-key', `${name}.key`, '-subj', `/O=Test/CN=${cn}`, '-out', `${name}.csr`]);
  const dates = start ? ['-startdate', start, '-enddate', end] : ['-days', '30'];
  run('openssl', ['ca', '-batch', '-utf8', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`,
    '-notext', ...dates]);
}

function p12(name, out, password) {
  writeFileSync(join(T, 'pw'), password);
  run('openssl', ['pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-certfile', 'ca.pem',
    '-out', out, '-passout', 'file:pw']);
}

// The leader's key as a PKCS#12 with its password file, the seal as PEM files.
function installGoodKeys() {
  for (const f of ['lanhdao.p12', 'lanhdao.pass', 'seal.key', 'seal.crt', 'seal.pkcs11']) {
    if (existsSync(keys(f))) unlinkSync(keys(f));
  }
  p12('leader', keys('lanhdao.p12'), 'mật khẩu thử');
  writeFileSync(keys('lanhdao.pass'), 'mật khẩu thử\n');
  copyFileSync(join(T, 'seal.key'), keys('seal.key'));
  writeFileSync(keys('seal.crt'), readFileSync(join(T, 'seal.pem'), 'utf8') + readFileSync(join(T, 'ca.pem'), 'utf8'));
}

function draftBody(extra = {}) {
  return { type: 'quyet_dinh', subject: 'Về việc kiện toàn Tổ công tác cải cách hành chính',
    body: 'Điều 1. Kiện toàn Tổ công tác cải cách hành chính huyện.\nĐiều 2. Quyết định có hiệu lực từ ngày ký.',
    place: 'Quảng Xương', signer_position: 'Chủ tịch', signer_name: LEADER,
    recipients: 'Như Điều 2;\nLưu: VT.', recipient_units: [DEPARTMENT], ...extra };
}

async function actOk(token, id, action, extra = {}) {
  const res = await api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra } });
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
}

async function signedDoc(extra = {}) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody(extra) });
  assertStatus(res, 201, 'draft');
  await actOk(tok.chuyenvien, res.body.id, 'submit');
  await actOk(tok.lanhdao, res.body.id, 'approve');
  return actOk(tok.lanhdao, res.body.id, 'sign');
}

async function file(token, id) {
  const res = await fetch(`${server.base}/api/v1/documents/${id}/file`, { headers: { Authorization: `Bearer ${token}` } });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), buf };
}

function pdfText(buf) {
  writeFileSync(join(T, 'x.pdf'), buf);
  return run('pdftotext', ['-layout', 'x.pdf', '-']).toString();
}

// pdfsig's, qpdf's and openssl's verdicts on a signed file.
function judge(buf, label) {
  const f = join(T, `${label}.pdf`);
  writeFileSync(f, buf);
  let sig;
  try {
    sig = execFileSync('pdfsig', ['-nssdir', `sql:${T}/nss`, f], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    sig = `${e.stdout}${e.stderr}`;
  }
  let qpdf = true;
  try { execFileSync('qpdf', ['--check', f], { stdio: 'ignore' }); } catch { qpdf = false; }
  // each signature's CMS and the bytes its ByteRange names, checked by openssl cms
  const text = buf.toString('latin1');
  const cms = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, e] = m.slice(1).map(Number);
    const i = cms.length;
    writeFileSync(join(T, `content${i}.bin`), Buffer.concat([buf.subarray(a, a + b), buf.subarray(c, c + e)]));
    writeFileSync(join(T, `cms${i}.der`), Buffer.from(text.slice(a + b + 1, c - 1), 'hex'));
    let ok = true;
    try {
      run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `cms${i}.der`, '-content', `content${i}.bin`,
        '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null']);
    } catch { ok = false; }
    const signer = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `cms${i}.der`]).toString();
    cms.push({ ok, signingCertV2: signer.includes('id-smime-aa-signingCertificateV2') });
  }
  return {
    sig,
    valid: (sig.match(/Signature Validation: Signature is Valid\./g) || []).length,
    trusted: (sig.match(/Certificate Validation: Certificate is Trusted\./g) || []).length,
    signers: [...sig.matchAll(/Signer Certificate Common Name: (.*)/g)].map((m) => m[1].trim()),
    qpdf, cms,
  };
}

// The file is signed by signers, in order, each signature valid and trusted
// (pdfsig), covering the whole file at the end, accepted by qpdf and by
// openssl cms with its signing-certificate-v2; the verdicts, for more checks.
function assertSigned(buf, label, signers) {
  const j = judge(buf, label);
  assert.equal(j.valid, signers.length, j.sig);
  assert.equal(j.trusted, signers.length, j.sig);
  assert.deepEqual(j.signers, signers, j.sig);
  assert.match(j.sig, /Total document signed/, 'the last signature covers the whole file');
  assert.ok(j.qpdf, `qpdf --check accepts ${label}`);
  assert.deepEqual(j.cms, signers.map(() => ({ ok: true, signingCertV2: true })));
  return j;
}

before(async () => {
  T = mkdtempSync(join(tmpdir(), 'motcua-docsign-'));
  run('mkdir', ['-p', 'keys', 'tok', 'nss', 'newcerts']);
  writeFileSync(join(T, 'index.txt'), '');
  writeFileSync(join(T, 'serial'), '01\n');
  writeFileSync(join(T, 'ca.cnf'), `[ca]\ndefault_ca = the_ca\n[the_ca]\ndir = ${T}\ndatabase = ${T}/index.txt\n` +
    `new_certs_dir = ${T}/newcerts\nserial = ${T}/serial\ncertificate = ${T}/ca.pem\nprivate_key = ${T}/ca.key\n` +
    'default_md = sha256\npolicy = any\nunique_subject = no\nx509_extensions = leaf\nstring_mask = utf8only\n' +
    '[any]\norganizationName = optional\ncommonName = supplied\n' +
    '[leaf]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n');
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
    '-out', 'ca.pem', '-days', '60', '-subj', '/O=Test/CN=Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  issueCert('leader', LEADER);
  issueCert('seal', 'UBND huyện Quảng Xương');
  issueCert('other', 'Người Khác');
  issueCert('expired', LEADER, { start: '20200101000000Z', end: '20200601000000Z' });
  issueCert('token', 'UBND huyện Quảng Xương (token)', { rsa: true });
  // pdfsig trusts the test CA through an NSS database
  run('certutil', ['-N', '-d', `sql:${T}/nss`, '--empty-password']);
  run('certutil', ['-A', '-d', `sql:${T}/nss`, '-n', 'testca', '-t', 'CT,C,C', '-i', 'ca.pem']);
  // a SoftHSM2 token holding the seal's key and certificate
  writeFileSync(join(T, 'softhsm2.conf'), `directories.tokendir = ${T}/tok\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const hsm = { env: { ...process.env, SOFTHSM2_CONF: join(T, 'softhsm2.conf') } };
  run('softhsm2-util', ['--init-token', '--free', '--label', 'motcua', '--so-pin', '5678', '--pin', '1234'], hsm);
  run('softhsm2-util', ['--import', 'token.key', '--token', 'motcua', '--label', 'seal', '--id', '01', '--pin', '1234'], hsm);
  run('openssl', ['x509', '-in', 'token.pem', '-outform', 'DER', '-out', 'token.der']);
  run('pkcs11-tool', ['--module', SOFTHSM, '--token-label', 'motcua', '--login', '--pin', '1234', '--write-object',
    'token.der', '--type', 'cert', '--id', '01', '--label', 'seal'], hsm);
  installGoodKeys();
  // The district and the department have their registers in the demo (src/demo/documents.c).
  server = await startServer({ dossiers: 0, env: { MOTCUA_SIGN_DIR: join(T, 'keys'),
    MOTCUA_SIGN_TRUST_FILE: join(T, 'ca.pem'), SOFTHSM2_CONF: join(T, 'softhsm2.conf') } });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt', 'lanhdao.stnmt', 'chuyenvien.stnmt']) {
    tok[u] = await server.login(u);
  }
});

after(async () => {
  await stopServer(server);
  if (T && !process.env.MC_KEEP_TMP) rmSync(T, { recursive: true, force: true });
});

test('a draft\'s PDF in the layout of Phụ lục I, for those who may read the document only', async () => {
  const d = await signedDoc();
  const f = await file(tok.chuyenvien, d.id);
  assert.equal(f.status, 200);
  assert.equal(f.type, 'application/pdf');
  writeFileSync(join(T, 'draft.pdf'), f.buf);
  execFileSync('qpdf', ['--check', join(T, 'draft.pdf')], { stdio: 'ignore' });
  const text = pdfText(f.buf);
  for (const s of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'UBND HUYỆN QUẢNG',
    'UBND TỈNH', 'Số:', '/QĐ-UBND', 'QUYẾT ĐỊNH', 'Về việc kiện toàn Tổ công tác', 'Điều 1. Kiện toàn', 'Nơi nhận:',
    '- Như Điều 2;', 'CHỦ TỊCH', LEADER, 'DỰ THẢO', 'Quảng Xương, ngày']) {
    assert.ok(text.includes(s), `the draft shows "${s}":\n${text}`);
  }
  assert.ok(!/\d+\/QĐ-UBND/.test(text), 'a draft has no number yet');
  assert.equal(judge(f.buf, 'draft').cms.length, 0, 'a draft is not signed');
  // the others: a citizen, another unit's leader and clerk (the copy has not arrived), unknown ids
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/file`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/file`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}/file`), 401, 'unauthenticated');
  assertProblem(await api('GET', '/api/v1/documents/999999/file', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/documents/abc/file', { token: tok.lanhdao }), 404, 'not-found');
  // a paper document registered by the clerk has no file
  const paper = await api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan, body: { type: 'cong_van',
    subject: 'Về việc giấy', organ_name: 'Sở Tư pháp', number: '12/STP-VP', date: '2026-01-05' } });
  assertStatus(paper, 201, 'paper document');
  assertProblem(await api('GET', `/api/v1/documents/${paper.body.id}/file`, { token: tok.tiepnhan }), 404, 'not-found');
  // a công văn: "V/v …" under the number, no kind's name
  const cv = await signedDoc({ type: 'cong_van', drafting_abbr: 'VP', subject: 'Về việc báo cáo số liệu quý' });
  const ct = pdfText((await file(tok.lanhdao, cv.id)).buf);
  assert.ok(ct.includes('V/v Về việc báo cáo số liệu quý') || ct.includes('V/v Về việc báo cáo'), ct);
  assert.ok(ct.includes('/UBND-VP'), ct);
  assert.ok(!ct.includes('CÔNG VĂN'), 'a công văn carries no kind\'s name');
});

test('issuing numbers, renders and signs: the leader, then the seal; pdfsig, qpdf and openssl agree', async () => {
  const d = await signedDoc();
  const issued = await actOk(tok.tiepnhan, d.id, 'issue');
  assert.match(issued.number, /^\d{2,}\/QĐ-UBND$/);
  const f = await file(tok.lanhdao, d.id);
  assert.equal(f.status, 200);
  assert.equal(f.type, 'application/pdf');
  const text = pdfText(f.buf);
  assert.ok(text.includes(`Số: ${issued.number}`), `the number is on the document:\n${text}`);
  assert.ok(!text.includes('DỰ THẢO'));
  assertSigned(f.buf, 'issued', [LEADER, 'UBND huyện Quảng Xương']);
  // both visible (Phụ lục I): widgets on page 1 with a picture as their appearance
  const raw = f.buf.toString('latin1');
  assert.equal((raw.match(/\/Subtype \/Widget \/FT \/Sig [^>]*\/F 4 \/P \d+ 0 R \/Rect \[[\d. ]+\] \/AP << \/N \d+ 0 R >>/g) || []).length, 2,
    'two visible signature widgets');
  assert.equal((raw.match(/\/Subtype \/Image/g) || []).length, 4, 'a picture and its mask for each');
  // the recipient's copy serves the same signed file
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  const copy = inbox.body.items.find((x) => x.number === issued.number);
  assert.ok(copy);
  const cf = await file(tok['tiepnhan.stnmt'], copy.id);
  assert.equal(cf.status, 200);
  assert.ok(cf.buf.equals(f.buf), 'the copy is the signed file');
  // one byte changed after signing: pdfsig calls neither signature valid
  const bad = Buffer.from(f.buf);
  const at = bad.indexOf('Creator');
  bad[at + 2] ^= 1;
  const jb = judge(bad, 'changed');
  assert.equal(jb.valid, 0, jb.sig);
  assert.deepEqual(jb.cms.map((c) => c.ok), [false, false]);
});

test('a key whose certificate is another person\'s, or expired, issues nothing (503 signing-key)', async () => {
  const d = await signedDoc();
  try {
    p12('other', keys('lanhdao.p12'), 'mật khẩu thử');
    let res = await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
    assertProblem(res, 503, 'signing-key');
    assert.match(res.body.detail, /Người Khác's, not Hoàng Văn Minh's/);
    p12('expired', keys('lanhdao.p12'), 'mật khẩu thử');
    res = await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
    assertProblem(res, 503, 'signing-key');
    assert.match(res.body.detail, /expired/);
    // no seal at all: named in the refusal
    p12('leader', keys('lanhdao.p12'), 'mật khẩu thử');
    unlinkSync(keys('seal.key'));
    unlinkSync(keys('seal.crt'));
    res = await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
    assertProblem(res, 503, 'signing-key');
    assert.match(res.body.detail, /organisation's seal \(seal\): no key "seal"/);
    installGoodKeys();
    writeFileSync(keys('lanhdao.pass'), 'sai mật khẩu\n');
    p12('leader', keys('lanhdao.p12'), 'mật khẩu thử');
    res = await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
    assertProblem(res, 503, 'signing-key');
    assert.match(res.body.detail, /wrong password/);
    const still = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao });
    assert.equal(still.body.state, 'signed', 'not issued');
    assert.equal(still.body.number, null, 'no number taken');
    assert.deepEqual(still.body.events.map((e) => e.action), ['draft', 'submit', 'approve', 'sign']);
    const f = await file(tok.lanhdao, d.id);
    assert.equal(judge(f.buf, 'unissued').cms.length, 0, 'no signed file kept');
  } finally {
    installGoodKeys();
  }
  await actOk(tok.tiepnhan, d.id, 'issue');
});

test('only a leader of the issuing body signs; another unit\'s document is out of scope', async () => {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  const id = res.body.id;
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve');
  for (const who of ['chuyenvien', 'tiepnhan']) {
    assertProblem(await api('POST', `/api/v1/documents/${id}/actions`, { token: tok[who], body: { action: 'sign' } }),
      403, 'forbidden', `${who} signs`);
  }
  assertProblem(await api('POST', `/api/v1/documents/${id}/actions`, { token: tok['tiepnhan.stnmt'],
    body: { action: 'sign' } }), 403, 'out-of-scope', 'another unit\'s clerk signs');
  assertProblem(await api('POST', `/api/v1/documents/${id}/actions`, { token: tok['lanhdao.stnmt'],
    body: { action: 'sign' } }), 403, 'out-of-scope', 'another unit\'s leader');
  await actOk(tok.lanhdao, id, 'sign');
  assertProblem(await api('POST', `/api/v1/documents/${id}/actions`, { token: tok['tiepnhan.stnmt'],
    body: { action: 'issue' } }), 403, 'out-of-scope', 'another unit\'s clerk issues');
  const f = await file(tok.lanhdao, id);
  assert.equal(judge(f.buf, 'notissued').cms.length, 0);
});

test('the seal on a PKCS#11 token (SoftHSM2 through libp11); a wrong PIN issues nothing', async () => {
  const d = await signedDoc();
  const token = (pin) => writeFileSync(keys('seal.pkcs11'),
    `# the organisation's seal on a token\nmodule=${SOFTHSM}\ntoken=motcua\nlabel=seal\npin=${pin}\n`);
  // the token's certificate, not a file's: the seal's PEM files go
  unlinkSync(keys('seal.key'));
  unlinkSync(keys('seal.crt'));
  try {
    token('0000');
    const res = await api('POST', `/api/v1/documents/${d.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
    assertProblem(res, 503, 'signing-key');
    assert.match(res.body.detail, /the token "motcua" refused the PIN/);
    const still = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao });
    assert.equal(still.body.state, 'signed');
    assert.equal(still.body.number, null);
    token('1234');
    const issued = await actOk(tok.tiepnhan, d.id, 'issue');
    const f = await file(tok.lanhdao, d.id);
    assert.ok(pdfText(f.buf).includes(`Số: ${issued.number}`));
    const j = judge(f.buf, 'token');
    assert.equal(j.valid, 2, j.sig);
    assert.equal(j.trusted, 2, j.sig);
    assert.deepEqual(j.signers, [LEADER, 'UBND huyện Quảng Xương (token)'], 'the token\'s certificate signs second');
    assert.ok(j.qpdf);
    assert.deepEqual(j.cms.map((c) => c.ok), [true, true]);
    // a wrong PIN after the token was opened once is refused all the same
    const d2 = await signedDoc();
    token('9999');
    assertProblem(await api('POST', `/api/v1/documents/${d2.id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } }),
      503, 'signing-key', 'a wrong PIN after a right one');
    const still2 = await api('GET', `/api/v1/documents/${d2.id}`, { token: tok.lanhdao });
    assert.equal(still2.body.state, 'signed');
  } finally {
    installGoodKeys();
  }
});

// The device: openssl signs the DER of the signed attributes the server returned.
function deviceSign(attributes, keyName, { tamper = false } = {}) {
  const der = Buffer.from(attributes, 'base64');
  if (tamper) der[der.length - 1] ^= 1;
  writeFileSync(join(T, 'attrs.der'), der);
  run('openssl', ['dgst', '-sha256', '-sign', `${keyName}.key`, '-out', 'device.sig', 'attrs.der']);
  return readFileSync(join(T, 'device.sig')).toString('base64');
}

test('signing on the leader\'s own device: prepare, sign with openssl, embed; then the seal at issue', async () => {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  const id = res.body.id;
  await actOk(tok.chuyenvien, id, 'submit');
  const pem = (name) => readFileSync(join(T, `${name}.pem`), 'utf8');
  const prepare = (token, name) => api('POST', `/api/v1/documents/${id}/signature/prepare`,
    { token, body: { certificate: pem(name) } });
  const complete = (token, signature, name) => api('POST', `/api/v1/documents/${id}/signature`,
    { token, body: { signature, certificate: pem(name) } });
  assertProblem(await prepare(tok.lanhdao, 'leader'), 409, 'forbidden-transition', 'submitted, not approved');
  await actOk(tok.lanhdao, id, 'approve');
  // refusals: roles, other units, another's or an expired certificate, junk
  assertProblem(await prepare(tok.chuyenvien, 'leader'), 403, 'forbidden');
  assertProblem(await prepare(tok.tiepnhan, 'leader'), 403, 'forbidden');
  assertProblem(await prepare(tok['lanhdao.stnmt'], 'leader'), 403, 'out-of-scope');
  let r = await prepare(tok.lanhdao, 'other');
  assertProblem(r, 422, 'invalid-field');
  assert.equal(r.body.field, 'certificate');
  assert.match(r.body.detail, /Người Khác's, not Hoàng Văn Minh's/);
  r = await prepare(tok.lanhdao, 'expired');
  assertProblem(r, 422, 'invalid-field');
  assert.match(r.body.detail, /expired/);
  r = await api('POST', `/api/v1/documents/${id}/signature/prepare`, { token: tok.lanhdao, body: { certificate: 'not a certificate' } });
  assertProblem(r, 422, 'invalid-field');
  assertProblem(await complete(tok.lanhdao, Buffer.from('x'.repeat(64)).toString('base64'), 'leader'), 409,
    'forbidden-transition', 'nothing prepared yet');

  // step 1: the server prepares and returns the signed attributes
  r = await prepare(tok.lanhdao, 'leader');
  assertStatus(r, 200, 'prepare');
  assert.equal(r.body.digest_algorithm, 'sha256');
  const attrs = Buffer.from(r.body.attributes, 'base64');
  assert.equal(attrs[0], 0x31, 'a DER SET of attributes');
  assert.equal(createHash('sha256').update(attrs).digest('hex'), r.body.digest);
  // a signature by another key, or over changed attributes: refused, nothing signed
  let bad = await complete(tok.lanhdao, deviceSign(r.body.attributes, 'other'), 'leader');
  assertProblem(bad, 422, 'invalid-field');
  assert.equal(bad.body.field, 'signature');
  bad = await complete(tok.lanhdao, deviceSign(r.body.attributes, 'leader', { tamper: true }), 'leader');
  assertProblem(bad, 422, 'invalid-field');
  bad = await complete(tok.lanhdao, deviceSign(r.body.attributes, 'other'), 'other');
  assertProblem(bad, 422, 'invalid-field', 'another person\'s certificate');
  bad = await complete(tok.lanhdao, 'not base64!', 'leader');
  assertProblem(bad, 422, 'invalid-field');
  let still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(still.body.state, 'approved');
  // step 2: the device's signature embedded and checked
  const done = await complete(tok.lanhdao, deviceSign(r.body.attributes, 'leader'), 'leader');
  assertStatus(done, 200, 'complete');
  assert.equal(done.body.state, 'signed');
  still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.deepEqual(still.body.events.map((e) => e.action), ['draft', 'submit', 'approve', 'sign']);
  const one = await file(tok.lanhdao, id);
  assertSigned(one.buf, 'device', [LEADER]);
  assert.match(one.buf.toString('latin1'), /\/FT \/Sig [^>]*\/F 4 \/P \d+ 0 R \/Rect/, 'the leader\'s signature is visible');
  // the same signature again: the request is spent
  assertProblem(await complete(tok.lanhdao, deviceSign(r.body.attributes, 'leader'), 'leader'), 409, 'forbidden-transition');
  assert.ok(!pdfText(one.buf).includes('DỰ THẢO'), 'what the leader signs is not marked as a draft');
  // the clerk issues: the seal signs over the leader's signature
  await actOk(tok.tiepnhan, id, 'issue');
  const two = await file(tok.lanhdao, id);
  assert.ok(two.buf.subarray(0, one.buf.length).equals(one.buf), 'the leader\'s revision is kept byte for byte');
  assertSigned(two.buf, 'device-sealed', [LEADER, 'UBND huyện Quảng Xương']);
  // the seal's update writes the number and the date over the blanks: two stamps on page 1
  const update = two.buf.subarray(one.buf.length).toString('latin1');
  assert.equal((update.match(/\/Subtype \/Stamp \/F 4 \/P \d+ 0 R \/Rect \[[\d. ]+\] \/AP << \/N \d+ 0 R >>/g) || []).length, 2,
    'the number and the date stamped at issue');
  assert.match(update, /\/Annots \[[^\]]*\d+ 0 R \d+ 0 R \d+ 0 R \d+ 0 R\]/, 'the page lists both signatures and both stamps');
});

test('a signature prepared before the document was returned and edited is refused: prepare again', async () => {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  const id = res.body.id;
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve');
  const pem = readFileSync(join(T, 'leader.pem'), 'utf8');
  const prep = await api('POST', `/api/v1/documents/${id}/signature/prepare`, { token: tok.lanhdao, body: { certificate: pem } });
  assertStatus(prep, 200);
  const old = deviceSign(prep.body.attributes, 'leader');
  // returned, its text changed, approved again
  const back = await actOk(tok.lanhdao, id, 'return', { note: 'Sửa Điều 2' });
  const edited = await api('PATCH', `/api/v1/documents/${id}`, { token: tok.chuyenvien,
    body: draftBody({ body: 'Điều 1. Khác.\nĐiều 2. Quyết định có hiệu lực sau 10 ngày.' }), headers: { 'If-Match': `"${back.version}"` } });
  assertStatus(edited, 200);
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve');
  const r = await api('POST', `/api/v1/documents/${id}/signature`, { token: tok.lanhdao, body: { signature: old, certificate: pem } });
  assertProblem(r, 409, 'forbidden-transition');
  assert.match(r.body.detail, /changed since its signature was prepared/);
  const still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(still.body.state, 'approved');
  // prepared again over the new text, it signs
  const again = await api('POST', `/api/v1/documents/${id}/signature/prepare`, { token: tok.lanhdao, body: { certificate: pem } });
  const done = await api('POST', `/api/v1/documents/${id}/signature`, { token: tok.lanhdao,
    body: { signature: deviceSign(again.body.attributes, 'leader'), certificate: pem } });
  assertStatus(done, 200);
  assert.ok(pdfText((await file(tok.lanhdao, id)).buf).includes('sau 10 ngày'), 'the signed file is the new text');
});

// A draft uploaded as a file (§3b): the approved version, when a PDF, is the
// document issued: signed as uploaded (an incremental update over its bytes,
// the leader's and the seal's signatures on its last page); a DOCX is not a
// signed form, so the fields are rendered and signed as without an upload.
async function uploadVersion(id, bytes, type) {
  const res = await api('POST', `/api/v1/documents/${id}/versions?filename=${encodeURIComponent('bản-tải-lên.' + (type === PDF ? 'pdf' : 'docx'))}`,
    { token: tok.chuyenvien, raw: bytes, headers: { 'Content-Type': type } });
  assertStatus(res, 201, 'upload a version');
  return res.body;
}
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const sha = (b) => createHash('sha256').update(b).digest('hex');
const events = async (id) => (await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao })).body.events;

// Two pages of a PDF made elsewhere: another draft's rendering, put together by qpdf.
async function uploadedPdf(subject, qpdfArgs = []) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject }) });
  assertStatus(res, 201);
  writeFileSync(join(T, 'src.pdf'), (await file(tok.chuyenvien, res.body.id)).buf);
  run('qpdf', ['--empty', ...qpdfArgs, '--pages', 'src.pdf', 'src.pdf', '--', 'up.pdf']);
  return readFileSync(join(T, 'up.pdf'));
}

async function approvedWith(bytes, type) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  assertStatus(res, 201, 'draft');
  const id = res.body.id;
  await uploadVersion(id, bytes, type);
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve', { file_version: 1 });
  await actOk(tok.lanhdao, id, 'sign');
  return id;
}

test('an approved PDF version is the file issued: signed as uploaded by the leader, then the seal; the issue event records the signed file', async () => {
  const up = await uploadedPdf('Kế hoạch chuyển đổi số năm 2027 do chuyên viên soạn ngoài hệ thống');
  const id = await approvedWith(up, PDF);
  const issued = await actOk(tok.tiepnhan, id, 'issue');
  assert.equal(issued.state, 'issued');
  const f = await file(tok.lanhdao, id);
  assert.equal(f.status, 200);
  assert.ok(f.buf.length > up.length && f.buf.subarray(0, up.length).equals(up),
    'the signed file is the uploaded PDF, byte for byte, with the signatures appended');
  const text = pdfText(f.buf);
  assert.ok(text.includes('Kế hoạch chuyển đổi số năm 2027'), 'the uploaded text, not the fields rendered');
  assert.ok(!text.includes('Về việc kiện toàn Tổ công tác'), 'the form fields are not rendered');
  assertSigned(f.buf, 'uploaded-issued', [LEADER, 'UBND huyện Quảng Xương']);
  // the widgets are on the last page (the uploaded file's second page object)
  writeFileSync(join(T, 'issued-up.pdf'), f.buf);
  const pages = JSON.parse(run('qpdf', ['--json', '--json-key=pages', 'issued-up.pdf']).toString()).pages.map((p) => p.object);
  const onPages = [...f.buf.toString('latin1').matchAll(/\/FT \/Sig [^>]*\/P (\d+ \d+ R)/g)].map((m) => m[1]);
  assert.equal(pages.length, 2);
  assert.deepEqual(onPages, [pages[1], pages[1]], 'two visible signatures, on the last page');
  // the approved version's hash kept on the approval; the issue names the signed file
  const ev = await events(id);
  const at = (a) => ev.find((e) => e.action === a);
  assert.deepEqual(at('approve').file_version, { number: 1, sha256: sha(up) });
  assert.equal(at('approve').signed_file, undefined);
  assert.deepEqual(at('issue').file_version, { number: 1, sha256: sha(up) });
  assert.deepEqual(at('issue').signed_file, { sha256: sha(f.buf) }, 'the issue event records the signed file');
  // the recipient's copy serves the same signed file
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  const copy = inbox.body.items.find((x) => x.number === issued.number);
  assert.ok((await file(tok['tiepnhan.stnmt'], copy.id)).buf.equals(f.buf));
  // the hash-chained log verifies with the signed file in it
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});

test('a DOCX version or no upload: the fields rendered and signed; the issue event records the signed file', async () => {
  writeFileSync(join(T, 'mkdocx.py'), 'import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],"w")\n' +
    'z.writestr("[Content_Types].xml","<?xml version=\\"1.0\\"?><Types xmlns=\\"http://schemas.openxmlformats.org/package/2006/content-types\\"/>")\n' +
    'z.writestr("word/document.xml","<?xml version=\\"1.0\\"?><w:document xmlns:w=\\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\\"><w:body><w:p><w:r><w:t>Bản Word</w:t></w:r></w:p></w:body></w:document>")\n' +
    'z.close()\n');
  run('python3', ['mkdocx.py', 'v.docx']);
  const docx = readFileSync(join(T, 'v.docx'));
  const id = await approvedWith(docx, DOCX);
  const issued = await actOk(tok.tiepnhan, id, 'issue');
  const f = await file(tok.lanhdao, id);
  const text = pdfText(f.buf);
  assert.ok(text.includes(`Số: ${issued.number}`) && text.includes('Điều 1. Kiện toàn'), `the rendering:\n${text}`);
  const j = judge(f.buf, 'docx-issued');
  assert.equal(j.valid, 2, j.sig);
  const ev = await events(id);
  const issue = ev.find((e) => e.action === 'issue');
  assert.deepEqual(issue.file_version, { number: 1, sha256: sha(docx) }, 'the approved DOCX named');
  assert.deepEqual(issue.signed_file, { sha256: sha(f.buf) });
  // no upload at all
  const plain = await signedDoc();
  await actOk(tok.tiepnhan, plain.id, 'issue');
  const pf = await file(tok.lanhdao, plain.id);
  const pe = (await events(plain.id)).find((e) => e.action === 'issue');
  assert.equal(pe.file_version, undefined);
  assert.deepEqual(pe.signed_file, { sha256: sha(pf.buf) });
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});

test('an approved PDF motcua cannot sign (its catalog in an object stream) issues nothing: 422, a clear reason', async () => {
  const up = await uploadedPdf('Bản nén', ['--object-streams=generate']);
  const id = await approvedWith(up, PDF);
  const res = await api('POST', `/api/v1/documents/${id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } });
  assertProblem(res, 422, 'invalid-field');
  assert.match(res.body.detail, /approved version 1 cannot be signed/);
  const still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(still.body.state, 'signed');
  assert.equal(still.body.number, null);
  assert.deepEqual(still.body.events.map((e) => e.action), ['draft', 'upload', 'submit', 'approve', 'sign']);
});

// Signing an approved PDF on the leader's own device (§3a, §3b): the server
// prepares the uploaded file itself, not the rendering of the fields; the
// device's signature is embedded over it and the seal added at issue.
const devicePem = (name) => readFileSync(join(T, `${name}.pem`), 'utf8');
const devicePrepare = (id, name = 'leader') => api('POST', `/api/v1/documents/${id}/signature/prepare`,
  { token: tok.lanhdao, body: { certificate: devicePem(name) } });
const deviceComplete = (id, signature, name = 'leader') => api('POST', `/api/v1/documents/${id}/signature`,
  { token: tok.lanhdao, body: { signature, certificate: devicePem(name) } });
const npages = (buf, label) => {
  writeFileSync(join(T, `${label}.pdf`), buf);
  return Number(run('qpdf', ['--show-npages', `${label}.pdf`]).toString().trim());
};

// A draft with bytes uploaded as its version 1, submitted and approved (not signed).
async function approvedUpload(bytes, type) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  assertStatus(res, 201, 'draft');
  const id = res.body.id;
  await uploadVersion(id, bytes, type);
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve', { file_version: 1 });
  return id;
}

test('an approved PDF signed on the leader\'s device: the uploaded file is prepared and signed, the seal added over it at issue', async () => {
  const up = await uploadedPdf('Kế hoạch số hóa hồ sơ ký trên thiết bị của lãnh đạo');
  assert.equal(npages(up, 'dev-up'), 2);
  const id = await approvedUpload(up, PDF);
  let r = await devicePrepare(id);
  assertStatus(r, 200, 'prepare');
  // refusals: another key, changed attributes; nothing signed by them
  let bad = await deviceComplete(id, deviceSign(r.body.attributes, 'other'));
  assertProblem(bad, 422, 'invalid-field');
  assert.equal(bad.body.field, 'signature');
  bad = await deviceComplete(id, deviceSign(r.body.attributes, 'leader', { tamper: true }));
  assertProblem(bad, 422, 'invalid-field');
  assert.equal(bad.body.field, 'signature');
  let still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(still.body.state, 'approved');
  assert.deepEqual(still.body.events.map((e) => e.action), ['draft', 'upload', 'submit', 'approve']);
  // the device's signature over the uploaded bytes
  const done = await deviceComplete(id, deviceSign(r.body.attributes, 'leader'));
  assertStatus(done, 200, 'complete');
  assert.equal(done.body.state, 'signed');
  const one = (await file(tok.lanhdao, id)).buf;
  assert.ok(one.length > up.length && one.subarray(0, up.length).equals(up),
    'the leader signed the uploaded PDF byte for byte, not a rendering');
  assert.equal(npages(one, 'dev-one'), 2, 'the upload\'s two pages');
  const text = pdfText(one);
  assert.ok(text.includes('Kế hoạch số hóa hồ sơ ký trên thiết bị'), 'the uploaded text');
  assert.ok(!text.includes('Về việc kiện toàn Tổ công tác'), 'not the fields rendered');
  assertSigned(one, 'dev-upload-signed', [LEADER]);
  const sign = (await events(id)).find((e) => e.action === 'sign');
  assert.deepEqual(sign.file_version, { number: 1, sha256: sha(up) });
  // the clerk issues: the seal over the leader's revision, which stays as it was
  const issued = await actOk(tok.tiepnhan, id, 'issue');
  assert.equal(issued.state, 'issued');
  const f = await file(tok.lanhdao, id);
  assert.equal(f.status, 200);
  assert.ok(f.buf.subarray(0, one.length).equals(one), 'the leader\'s signed revision kept byte for byte');
  assert.ok(f.buf.subarray(0, up.length).equals(up), 'the uploaded bytes first');
  assert.equal(npages(f.buf, 'dev-two'), 2);
  assertSigned(f.buf, 'dev-upload-issued', [LEADER, 'UBND huyện Quảng Xương']);
  // both widgets on the upload's last page; no number or date stamped into a layout not ours
  const pages = JSON.parse(run('qpdf', ['--json', '--json-key=pages', 'dev-two.pdf']).toString()).pages.map((p) => p.object);
  const onPages = [...f.buf.toString('latin1').matchAll(/\/FT \/Sig [^>]*\/P (\d+ \d+ R)/g)].map((m) => m[1]);
  assert.deepEqual(onPages, [pages[1], pages[1]], 'two visible signatures, on the last page');
  assert.ok(!/\/Subtype \/Stamp/.test(f.buf.subarray(one.length).toString('latin1')), 'no stamps on an upload');
  const issue = (await events(id)).find((e) => e.action === 'issue');
  assert.deepEqual(issue.file_version, { number: 1, sha256: sha(up) });
  assert.deepEqual(issue.signed_file, { sha256: sha(f.buf) });
  // one byte of the uploaded part changed: neither signature valid
  const changed = Buffer.from(f.buf);
  changed[10] ^= 1; // in the binary comment after the header: the structure unchanged
  const jb = judge(changed, 'dev-upload-changed');
  assert.equal(jb.valid, 0, jb.sig);
  assert.deepEqual(jb.cms.map((c) => c.ok), [false, false]);
});

test('a DOCX approved: the leader\'s device signs the rendering of the fields, as without an upload', async () => {
  writeFileSync(join(T, 'mkdocx2.py'), 'import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],"w")\n' +
    'z.writestr("[Content_Types].xml","<?xml version=\\"1.0\\"?><Types xmlns=\\"http://schemas.openxmlformats.org/package/2006/content-types\\"/>")\n' +
    'z.writestr("word/document.xml","<?xml version=\\"1.0\\"?><w:document xmlns:w=\\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\\"><w:body><w:p><w:r><w:t>Bản Word</w:t></w:r></w:p></w:body></w:document>")\n' +
    'z.close()\n');
  run('python3', ['mkdocx2.py', 'd.docx']);
  const id = await approvedUpload(readFileSync(join(T, 'd.docx')), DOCX);
  const r = await devicePrepare(id);
  assertStatus(r, 200);
  assertStatus(await deviceComplete(id, deviceSign(r.body.attributes, 'leader')), 200);
  const one = (await file(tok.lanhdao, id)).buf;
  assert.ok(pdfText(one).includes('Điều 1. Kiện toàn'), 'the fields rendered');
  await actOk(tok.tiepnhan, id, 'issue');
  const j = judge((await file(tok.lanhdao, id)).buf, 'dev-docx-issued');
  assert.equal(j.valid, 2, j.sig);
  assert.equal(j.trusted, 2, j.sig);
});

test('an approved PDF the signer cannot read: prepare is 422 naming the version, nothing prepared or changed', async () => {
  const up = await uploadedPdf('Bản nén ký trên thiết bị', ['--object-streams=generate']);
  const id = await approvedUpload(up, PDF);
  const before = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  const r = await devicePrepare(id);
  assertProblem(r, 422, 'invalid-field');
  assert.equal(r.body.field, 'file_version');
  assert.match(r.body.detail, /approved version 1 cannot be signed/);
  const after = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(after.body.state, 'approved');
  assert.equal(after.body.version, before.body.version);
  assert.deepEqual(after.body.events, before.body.events);
  assertProblem(await deviceComplete(id, Buffer.from('x'.repeat(64)).toString('base64')), 409,
    'forbidden-transition', 'nothing was prepared');
});

test('a signature prepared over one PDF, then another version uploaded and approved: refused (409), prepare again', async () => {
  const v1 = await uploadedPdf('Bản thứ nhất ký trên thiết bị');
  const id = await approvedUpload(v1, PDF);
  const prep = await devicePrepare(id);
  assertStatus(prep, 200);
  const old = deviceSign(prep.body.attributes, 'leader');
  // returned, a second PDF uploaded, submitted and approved
  await actOk(tok.lanhdao, id, 'return', { note: 'Sửa lại bản tải lên', file_version: 1 });
  const v2 = await uploadedPdf('Bản thứ hai ký trên thiết bị');
  await uploadVersion(id, v2, PDF);
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve', { file_version: 2 });
  const r = await deviceComplete(id, old);
  assertProblem(r, 409, 'forbidden-transition');
  assert.match(r.body.detail, /prepare it again/);
  const still = await api('GET', `/api/v1/documents/${id}`, { token: tok.lanhdao });
  assert.equal(still.body.state, 'approved');
  assert.ok(!still.body.events.some((e) => e.action === 'sign'));
  // prepared again: the second version is signed
  const again = await devicePrepare(id);
  assertStatus(again, 200);
  assertStatus(await deviceComplete(id, deviceSign(again.body.attributes, 'leader')), 200);
  const signed = (await file(tok.lanhdao, id)).buf;
  assert.ok(signed.subarray(0, v2.length).equals(v2), 'the approved second version signed');
  assert.ok(pdfText(signed).includes('Bản thứ hai'));
});

// Attachments (phụ lục, văn bản kèm theo; docs/documents.md §3c): PDFs the
// drafter attaches to the draft, listed and downloaded; at issue each is
// sealed by the organisation at the top right of its first page and kept
// sealed; issued attachments are immutable; the recipient's copy serves them.
function attach(token, id, bytes, { type = PDF, filename } = {}) {
  const q = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
  return api('POST', `/api/v1/documents/${id}/attachments${q}`, { token, raw: bytes, headers: { 'Content-Type': type } });
}
async function attachmentFile(token, id, n) {
  const res = await fetch(`${server.base}/api/v1/documents/${id}/attachments/${n}/file`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, buf: Buffer.from(await res.arrayBuffer()) };
}
const attachments = async (token, id) => {
  const res = await api('GET', `/api/v1/documents/${id}/attachments`, { token });
  assertStatus(res, 200, 'list attachments');
  return res.body.items;
};

test('attachments: attached to the draft, listed, downloaded; sealed at issue at the top right of page 1 (pdfsig), immutable, served to the recipient', async () => {
  const src = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: 'Danh sách thành viên Tổ công tác' }) });
  const att = (await file(tok.chuyenvien, src.body.id)).buf;
  const d = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  const id = d.body.id;
  const name = 'Phụ lục I - Danh sách.pdf'.normalize('NFD'); // kept as NFC
  const a1 = await attach(tok.chuyenvien, id, att, { filename: name });
  assertStatus(a1, 201, 'attach 1');
  assert.equal(a1.body.number, 1);
  assert.equal(a1.body.filename, name.normalize('NFC'));
  assert.equal(a1.headers.get('location'), `/api/v1/documents/${id}/attachments/1/file`);
  assertStatus(await attach(tok.chuyenvien, id, att), 201, 'attach 2, no name');
  let list = await attachments(tok.lanhdao, id);
  assert.deepEqual(list.map((a) => [a.number, a.sealed, a.sha256, a.size]), [[1, false, sha(att), att.length], [2, false, sha(att), att.length]]);
  assert.equal(list[1].filename, `phu-luc-${id}.pdf`);
  assert.ok((await attachmentFile(tok.lanhdao, id, 1)).buf.equals(att));
  await actOk(tok.chuyenvien, id, 'submit');
  assertProblem(await attach(tok.chuyenvien, id, att), 409, 'forbidden-transition', 'submitted: closed');
  await actOk(tok.lanhdao, id, 'approve');
  await actOk(tok.lanhdao, id, 'sign');
  const issued = await actOk(tok.tiepnhan, id, 'issue');
  list = await attachments(tok.lanhdao, id);
  assert.deepEqual(list.map((a) => [a.number, a.sealed]), [[1, true], [2, true]]);
  assert.deepEqual(list[0].original, { sha256: sha(att), size: att.length });
  const sealed = await attachmentFile(tok.lanhdao, id, 1);
  assert.equal(sealed.status, 200);
  assert.equal(sha(sealed.buf), list[0].sha256);
  assert.ok(sealed.buf.subarray(0, att.length).equals(att), 'the attachment kept, the seal appended');
  const j = judge(sealed.buf, 'attachment-sealed');
  assert.equal(j.valid, 1, j.sig);
  assert.equal(j.trusted, 1, j.sig);
  assert.deepEqual(j.signers, ['UBND huyện Quảng Xương'], j.sig);
  assert.match(j.sig, /Total document signed/);
  assert.ok(j.qpdf);
  // at the top right of the first page, giving the main document's number
  const raw = sealed.buf.toString('latin1');
  const rect = raw.match(/\/FT \/Sig [^>]*\/Rect \[([\d. ]+)\]/)[1].trim().split(/\s+/).map(Number);
  assert.ok(rect[0] > 595 / 2 && rect[3] > 842 - 60, `top right: ${rect}`);
  writeFileSync(join(T, 'att-first.pdf'), sealed.buf);
  const pages = JSON.parse(run('qpdf', ['--json', '--json-key=pages', 'att-first.pdf']).toString()).pages.map((p) => p.object);
  assert.equal(raw.match(/\/FT \/Sig [^>]*\/P (\d+ \d+ R)/)[1], pages[0], 'on the first page');
  // issued: nothing more attached, the sealed copies stay
  assertProblem(await attach(tok.chuyenvien, id, att), 409, 'forbidden-transition', 'issued: immutable');
  assert.deepEqual((await attachments(tok.lanhdao, id)).map((a) => a.sha256), list.map((a) => a.sha256));
  // (the table's refusal of UPDATE and DELETE on both engines: tests/unit/test_store_contract.c)
  // the recipient's copy: the same sealed files, byte for byte
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  const copy = inbox.body.items.find((x) => x.number === issued.number);
  assert.deepEqual((await attachments(tok['tiepnhan.stnmt'], copy.id)).map((a) => a.sha256), list.map((a) => a.sha256));
  assert.ok((await attachmentFile(tok['tiepnhan.stnmt'], copy.id, 2)).buf.equals((await attachmentFile(tok.lanhdao, id, 2)).buf));
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});

test('an attachment taken off the draft by its drafter: gone from the list and the seal, its number not given again; refused to others and once submitted', async () => {
  const src = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: 'Phụ lục gỡ bỏ' }) });
  const att = (await file(tok.chuyenvien, src.body.id)).buf;
  const id = (await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() })).body.id;
  for (const n of ['A', 'B', 'C']) assertStatus(await attach(tok.chuyenvien, id, att, { filename: `Phụ lục ${n}.pdf` }), 201, n);
  const detach = (token, n) => api('DELETE', `/api/v1/documents/${id}/attachments/${n}`, { token });
  assertProblem(await detach(tok['chuyenvien.stnmt'], 2), 403, 'out-of-scope', 'another unit\'s specialist');
  assertProblem(await detach(tok.lanhdao, 2), 403, 'forbidden', 'a leader');
  assertProblem(await detach(tok.tiepnhan, 2), 403, 'forbidden', 'the clerk');
  assertProblem(await detach(tok.congdan, 2), 403, 'forbidden', 'a citizen');
  assertProblem(await detach(undefined, 2), 401, 'unauthenticated');
  assertProblem(await detach(tok.chuyenvien, 9), 404, 'not-found', 'no such attachment');
  assertProblem(await detach(tok.chuyenvien, 'x'), 404, 'not-found');
  assertProblem(await api('DELETE', `/api/v1/documents/999999/attachments/1`, { token: tok.chuyenvien }), 404, 'not-found');
  assert.equal((await attachments(tok.chuyenvien, id)).length, 3, 'nothing removed by a refusal');
  const ok = await detach(tok.chuyenvien, 2);
  assert.equal(ok.status, 204, JSON.stringify(ok.body));
  assert.deepEqual((await attachments(tok.lanhdao, id)).map((a) => a.filename), ['Phụ lục A.pdf', 'Phụ lục C.pdf']);
  assert.equal((await attachmentFile(tok.chuyenvien, id, 2)).status, 404, 'its file is no longer served');
  assertProblem(await detach(tok.chuyenvien, 2), 404, 'not-found', 'removed already');
  const again = await attach(tok.chuyenvien, id, att, { filename: 'Phụ lục D.pdf' });
  assert.equal(again.body.number, 4, 'the number is not given again');
  const ev = (await api('GET', `/api/v1/documents/${id}`, { token: tok.chuyenvien })).body.events;
  assert.deepEqual(ev.filter((e) => e.action === 'detach').map((e) => e.note), ['Phụ lục B.pdf']);
  await actOk(tok.chuyenvien, id, 'submit');
  assertProblem(await detach(tok.chuyenvien, 1), 409, 'forbidden-transition', 'submitted: kept');
  await actOk(tok.lanhdao, id, 'approve');
  await actOk(tok.lanhdao, id, 'sign');
  await actOk(tok.tiepnhan, id, 'issue');
  const sealed = await attachments(tok.lanhdao, id);
  assert.deepEqual(sealed.map((a) => [a.number, a.sealed]), [[1, true], [3, true], [4, true]], 'the removed one is not sealed');
  assertProblem(await detach(tok.chuyenvien, 1), 409, 'forbidden-transition', 'issued: immutable');
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});

test('attachments refused: other unit, citizen, other roles, not a PDF (415), oversized (413), too many (422), bad names (422); nothing stored', async () => {
  const src = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  const att = (await file(tok.chuyenvien, src.body.id)).buf;
  const id = (await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() })).body.id;
  assertProblem(await attach(tok['chuyenvien.stnmt'], id, att), 403, 'out-of-scope', 'another unit\'s specialist');
  assertProblem(await attach(tok['lanhdao.stnmt'], id, att), 403, 'forbidden', 'a leader: not the route\'s role');
  assertProblem(await attach(tok.congdan, id, att), 403, 'forbidden');
  assertProblem(await attach(tok.lanhdao, id, att), 403, 'forbidden');
  assertProblem(await attach(tok.tiepnhan, id, att), 403, 'forbidden');
  assertProblem(await attach(undefined, id, att), 401, 'unauthenticated');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments/1/file`, { token: tok['tiepnhan.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments`, { token: tok.congdan }), 403, 'forbidden', 'a citizen lists');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments/1/file`, { token: tok.congdan }), 403, 'forbidden', 'a citizen downloads');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments`), 401, 'unauthenticated');
  assertProblem(await attach(tok.chuyenvien, 999999, att), 404, 'not-found');
  assertProblem(await attach(tok.chuyenvien, id, Buffer.from('%PDF-1.7 not really')), 415, 'unsupported-file-type');
  assertProblem(await attach(tok.chuyenvien, id, Buffer.from('PK\x03\x04'), { type: DOCX }), 415, 'unsupported-file-type');
  assertProblem(await attach(tok.chuyenvien, id, Buffer.alloc(0)), 415, 'unsupported-file-type');
  writeFileSync(join(T, 'plain.pdf'), att);
  run('qpdf', ['--object-streams=generate', 'plain.pdf', 'objstm.pdf']);
  assertProblem(await attach(tok.chuyenvien, id, readFileSync(join(T, 'objstm.pdf'))), 415, 'unsupported-file-type', 'cannot be sealed');
  const huge = Buffer.concat([att.subarray(0, 16), Buffer.alloc(10 * 1024 * 1024)]);
  assert.equal((await attach(tok.chuyenvien, id, huge)).status, 413);
  for (const bad of ['a/b.pdf', 'hai\ndòng.pdf', '..', 'x'.repeat(201)]) {
    assertProblem(await attach(tok.chuyenvien, id, att, { filename: bad }), 422, 'invalid-field', JSON.stringify(bad));
  }
  const badUtf8 = await api('POST', `/api/v1/documents/${id}/attachments?filename=%FF%FE.pdf`,
    { token: tok.chuyenvien, raw: att, headers: { 'Content-Type': PDF } });
  assertProblem(badUtf8, 400, 'invalid-query', 'not UTF-8: refused by the router');
  assert.deepEqual(await attachments(tok.chuyenvien, id), [], 'nothing stored by a refusal');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments/1/file`, { token: tok.chuyenvien }), 404, 'not-found');
  assertProblem(await api('GET', `/api/v1/documents/${id}/attachments/abc/file`, { token: tok.chuyenvien }), 404, 'not-found');
  // at most MC_LIMIT_DOCUMENT_ATTACHMENTS (20)
  for (let i = 1; i <= 20; i++) assertStatus(await attach(tok.chuyenvien, id, att), 201, `attachment ${i}`);
  assertProblem(await attach(tok.chuyenvien, id, att), 422, 'invalid-field', 'the 21st');
  assert.equal((await attachments(tok.chuyenvien, id)).length, 20);
});

// The files of the attachment folder (SQLite: beside the database;
// PostgreSQL: the URL's files=), after the sweep the server runs each hour.
function storedFiles() {
  execFileSync(BIN, ['files', 'expire', '--db', server.db, '--at', new Date(Date.now() + 60e3).toISOString().slice(0, 19) + 'Z'],
    { stdio: 'ignore' });
  const top = server.db.startsWith('postgres') ? join(server.dir, 'files') : `${server.db}.files`;
  if (!existsSync(top)) return [];
  return readdirSync(top).flatMap((p) => readdirSync(join(top, p)).map((f) => join(p, f))).sort();
}

// Last: it spends the leader's preparations of the hour.
test('preparing again replaces the prepared file, the signature releases it: no file left behind; 60 preparations an hour (429)', async () => {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  assertStatus(res, 201, 'draft');
  const id = res.body.id;
  await actOk(tok.chuyenvien, id, 'submit');
  await actOk(tok.lanhdao, id, 'approve');
  let r = await devicePrepare(id);
  assertStatus(r, 200, 'prepare');
  const base = storedFiles();
  // each a second apart: other bytes (the signing time), another file each
  for (let i = 0; i < 3; i++) {
    await new Promise((ok) => setTimeout(ok, 1100));
    r = await devicePrepare(id);
    assertStatus(r, 200, `prepare again ${i}`);
  }
  assert.equal(storedFiles().length, base.length, 'each preparation replaced the former one\'s file');
  const done = await deviceComplete(id, deviceSign(r.body.attributes, 'leader'));
  assertStatus(done, 200, 'complete');
  assert.equal(done.body.state, 'signed');
  const after = storedFiles();
  assert.equal(after.length, base.length, 'the signed file kept, the prepared one released');
  assertSigned((await file(tok.lanhdao, id)).buf, 'released', [LEADER]);

  // the hour's preparations: 60 at most (with those of the tests before)
  const next = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody() });
  await actOk(tok.chuyenvien, next.body.id, 'submit');
  await actOk(tok.lanhdao, next.body.id, 'approve');
  let n = 0;
  for (; n < 61; n++) {
    r = await devicePrepare(next.body.id);
    if (r.status !== 200) break;
  }
  assert.ok(n > 0 && n < 61, `refused within the hour's 60 (after ${n})`);
  assertProblem(r, 429, 'too-many-attempts', 'a preparation past the hour\'s 60');
  assert.equal(r.headers.get('retry-after'), '3600');
  assert.equal(storedFiles().length, after.length + 1, 'one prepared file for the second document, the last');
});
