// Form 04 issued as an official outgoing document (docs/forms.md, form 04):
// when the apologising unit has an outgoing register, the issued apology is
// registered in it with the next number of the body's series of
// administrative documents ("<n>/PXL-<body>"), shared with its other outgoing
// documents, never skipped and never given twice (also when documents and
// apologies are issued at the same time); the apology shows its document and
// the document its apology; with the unit's seal in sign_dir the form is
// signed (pdfsig: valid and trusted). Without a register (a district the demo
// gives none, with accounts made here) it is numbered in the form's own
// series, as before. The CA and the keys are made here with
// openssl; none is committed. Page 1 of the signed form is kept as a PNG
// under build/pictures/forms/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, copyFileSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, file, getDossier, demoRegisters, DISTRICT, ROOT } from './helpers.mjs';

const PROCEDURE = '1.001695'; // a district procedure of 24 working hours
const LEADER = 'Hoàng Văn Minh'; // lanhdao of the district
const UNREGISTERED = '000.00.34.H56'; // UBND huyện Ngọc Lặc: no register in the demo
// The year of the documents issued here (the demo's register holds those of 2017 too).
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
const pictures = process.env.MOTCUA_FORMS_PICTURES || join(ROOT, 'build', 'pictures', 'forms');
let server;
let T;
let registerId;
const tok = {};

const api = (...a) => server.api(...a);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: T, stdio: ['ignore', 'pipe', 'pipe'] });
const keys = (name) => join(T, 'keys', name);

function issueCert(name, cn, { start, end } = {}) {
  run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  run('openssl', ['req', '-new', '-utf8', '-key', `${name}.key`, '-subj', `/O=Test/CN=${cn}`, '-out', `${name}.csr`]);
  const dates = start ? ['-startdate', start, '-enddate', end] : ['-days', '30'];
  run('openssl', ['ca', '-batch', '-utf8', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.pem`,
    '-notext', ...dates]);
}

// The district's own seal (seal-<unit code>) from certificate `name`, and the
// leader's key, which the documents' issue needs beside the seal.
function installKeys(sealCert) {
  const seal = `seal-${DISTRICT}`;
  copyFileSync(join(T, `${sealCert}.key`), keys(`${seal}.key`));
  writeFileSync(keys(`${seal}.crt`), readFileSync(join(T, `${sealCert}.pem`), 'utf8') + readFileSync(join(T, 'ca.pem'), 'utf8'));
  writeFileSync(join(T, 'pw'), 'mật khẩu');
  run('openssl', ['pkcs12', '-export', '-inkey', 'leader.key', '-in', 'leader.pem', '-certfile', 'ca.pem',
    '-out', keys('lanhdao.p12'), '-passout', 'file:pw']);
  writeFileSync(keys('lanhdao.pass'), 'mật khẩu\n');
}

function removeKeys() {
  for (const f of [`seal-${DISTRICT}.key`, `seal-${DISTRICT}.crt`, 'lanhdao.p12', 'lanhdao.pass']) {
    try { unlinkSync(keys(f)); } catch { /* not there */ }
  }
}

before(async () => {
  T = mkdtempSync(join(tmpdir(), 'motcua-apology-doc-'));
  run('mkdir', ['-p', 'keys', 'nss', 'newcerts']);
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
  issueCert('expired', 'UBND huyện Quảng Xương', { start: '20200101000000Z', end: '20200601000000Z' });
  run('certutil', ['-N', '-d', `sql:${T}/nss`, '--empty-password']);
  run('certutil', ['-A', '-d', `sql:${T}/nss`, '-n', 'testca', '-t', 'CT,C,C', '-i', 'ca.pem']);
  // The district's registers are the demo's (src/demo/documents.c).
  server = await startServer({ dossiers: 0, env: { MOTCUA_SIGN_DIR: join(T, 'keys'),
    MOTCUA_SIGN_TRUST_FILE: join(T, 'ca.pem') } });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'lanhdao.stnmt']) tok[u] = await server.login(u);
  registerId = (await demoRegisters(server, tok.admin))[`${DISTRICT} out`];
  for (const [username, role] of [['tiepnhan.nl', 'desk'], ['chuyenvien.nl', 'specialist'], ['lanhdao.nl', 'leader']]) {
    assertStatus(await api('POST', '/api/v1/users', { token: tok.admin, body: { username, password: PASSWORD,
      full_name: 'Cán bộ Ngọc Lặc', role, unit: UNREGISTERED } }), 201, username);
    tok[username] = await server.login(username);
  }
});

after(async () => {
  await stopServer(server);
  if (T && !process.env.MC_KEEP_TMP) rmSync(T, { recursive: true, force: true });
});

// A dossier of the district (or of Ngọc Lặc, suffix '.nl') with an apology
// prepared; returns [dossier, apology id].
async function prepared(unit = DISTRICT, suffix = '') {
  const d = await file(server, tok[`tiepnhan${suffix}`], { procedure_code: PROCEDURE, unit });
  const res = await api('POST', `/api/v1/dossiers/${d.code}/apologies`,
    { token: tok[`chuyenvien${suffix}`], body: { reason: 'Chờ ý kiến thẩm định của Sở Tư pháp' } });
  assertStatus(res, 201, 'prepare');
  return [d, res.body.id];
}

const issue = (d, id, signed_as = 'deputy', leader = 'lanhdao') =>
  api('POST', `/api/v1/dossiers/${d.code}/apologies/${id}/issue`, { token: tok[leader], body: { signed_as } });

// An outgoing document of the district, signed by its leader and ready to issue.
async function signedDoc(n = 0) {
  const res = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: {
    type: 'thong_bao', subject: `Thông báo lịch tiếp công dân số ${n}`, body: 'Lịch tiếp công dân tháng này.',
    place: 'Quảng Xương', signer_position: 'Chủ tịch', signer_name: LEADER, recipients: 'Lưu: VT.' } });
  assertStatus(res, 201, 'draft');
  for (const [who, action] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign']]) {
    assertStatus(await api('POST', `/api/v1/documents/${res.body.id}/actions`, { token: tok[who], body: { action } }),
      200, action);
  }
  return res.body.id;
}

const serial = (number) => Number(number.split('/')[0]);

async function pdfOf(path, token = tok.lanhdao) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, path);
  return Buffer.from(await res.arrayBuffer());
}

function text(buf, name) {
  const f = join(T, `${name}.pdf`);
  writeFileSync(f, buf);
  return { f, text: run('pdftotext', ['-raw', f, '-']).toString().replace(/\s+/g, ' ') };
}

test('without an outgoing register: numbered in the form\'s own series, no document, as before', async () => {
  const [d, id] = await prepared(UNREGISTERED, '.nl');
  const res = await issue(d, id, 'deputy', 'lanhdao.nl');
  assertStatus(res, 200);
  assert.equal(res.body.document, null);
  const { text: t } = text(await pdfOf(`/api/v1/dossiers/${d.code}/forms/04`, tok['lanhdao.nl']), 'noreg');
  assert.match(t, new RegExp(`Số: \\d+/PXL-${UNREGISTERED.replace(/\./g, '\\.')}`));
});

test('with a register: the apology is an outgoing document, numbered with the body\'s others, linked both ways', async () => {
  // No seal in sign_dir: issued unsigned. The documents' issue needs the
  // keys, so the first document is issued with them and they are removed.
  installKeys('seal');
  const first = await api('POST', `/api/v1/documents/${await signedDoc(1)}/actions`,
    { token: tok.tiepnhan, body: { action: 'issue' } });
  assertStatus(first, 200, 'issue a document');
  removeKeys();
  const [d, id] = await prepared();
  const res = await issue(d, id, 'head');
  assertStatus(res, 200);
  assert.ok(res.body.document, 'the apology names its document');
  assert.match(res.body.document.number, /^\d+\/PXL-UBND$/);
  assert.equal(serial(res.body.document.number), serial(first.body.number) + 1, 'the next number of the register');
  assert.equal(res.body.document.register, registerId);
  // the apology as listed, and the document with its apology
  const list = await api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao });
  assert.deepEqual(list.body.items.find((a) => a.id === id).document, res.body.document);
  const doc = await api('GET', `/api/v1/documents/${res.body.document.id}`, { token: tok.lanhdao });
  assertStatus(doc, 200);
  assert.equal(doc.body.state, 'issued');
  assert.equal(doc.body.number, res.body.document.number);
  assert.equal(doc.body.type.key, 'phieu_xin_loi');
  assert.equal(doc.body.type.abbr, 'PXL');
  assert.deepEqual(doc.body.apology, { id, dossier: d.code });
  assert.equal(doc.body.signer_name, LEADER);
  assert.deepEqual(doc.body.events.map((e) => e.action), ['issue']);
  // an ordinary document names no apology
  const other = await api('GET', `/api/v1/documents/${first.body.id}`, { token: tok.lanhdao });
  assert.equal(other.body.apology, null);
  // the form carries the register's number, not the form's own series
  const { text: t } = text(await pdfOf(`/api/v1/dossiers/${d.code}/forms/04`), 'reg');
  assert.ok(t.includes(`Số: ${res.body.document.number}`), t.slice(0, 400));
  assert.ok(t.includes('CHỦ TỊCH') && t.includes(LEADER), 'the signer');
  // no key: the document's file is its rendering, unsigned
  const unsigned = await pdfOf(`/api/v1/documents/${res.body.document.id}/file`);
  assert.ok(!unsigned.toString('latin1').includes('/ByteRange'), 'not signed without a seal');
  // in the register of the year
  const l = await api('GET', `/api/v1/documents?box=out&register=${registerId}&year=${YEAR}`, { token: tok.lanhdao });
  assert.ok(l.body.items.some((x) => x.number === res.body.document.number));
  // the others: a citizen, another unit's leader; a draft may not take the form's kind
  assertProblem(await api('GET', `/api/v1/documents/${res.body.document.id}`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', `/api/v1/documents/${res.body.document.id}`, { token: tok['lanhdao.stnmt'] }), 403,
    'out-of-scope');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: { type: 'phieu_xin_loi',
    subject: 'x', body: 'x', place: 'x', signer_position: 'x', signer_name: 'x', recipients: 'x' } }), 422, 'invalid-field');
});

test('signed with the unit\'s seal: pdfsig finds one valid, trusted signature; a seal that cannot sign issues nothing', async () => {
  installKeys('expired');
  const [d, id] = await prepared();
  const before = await getDossier(server, tok.lanhdao, d.code);
  const lastDoc = (await api('GET', `/api/v1/documents?box=out&register=${registerId}&year=${YEAR}`, { token: tok.lanhdao })).body.items
    .filter((x) => x.number).map((x) => serial(x.number)).reduce((a, b) => Math.max(a, b), 0);
  assertProblem(await issue(d, id), 503, 'signing-key');
  const still = await getDossier(server, tok.lanhdao, d.code);
  assert.equal(still.due_at, before.due_at, 'the appointment has not moved');
  const list = await api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao });
  assert.equal(list.body.items[0].state, 'prepared');
  assert.equal(list.body.items[0].document, null);

  installKeys('seal');
  const res = await issue(d, id);
  assertStatus(res, 200);
  assert.equal(serial(res.body.document.number), lastDoc + 1, 'the refused issue took no number');
  const signed = await pdfOf(`/api/v1/documents/${res.body.document.id}/file`);
  // the dossier's form 04 is that signed file, not a rendering without the seal
  assert.ok((await pdfOf(`/api/v1/dossiers/${d.code}/forms/04`)).equals(signed), 'form 04 is the sealed file');
  const { f, text: t } = text(signed, 'sealed');
  assert.ok(t.includes(`Số: ${res.body.document.number}`) && t.includes('VĂN BẢN XIN LỖI'), t.slice(0, 400));
  assert.ok(t.includes('KT. CHỦ TỊCH') && t.includes(LEADER));
  let sig;
  try {
    sig = execFileSync('pdfsig', ['-nssdir', `sql:${T}/nss`, f], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) { sig = `${e.stdout}${e.stderr}`; }
  assert.equal((sig.match(/Signature Validation: Signature is Valid\./g) || []).length, 1, sig);
  assert.equal((sig.match(/Certificate Validation: Certificate is Trusted\./g) || []).length, 1, sig);
  assert.match(sig, /Signer Certificate Common Name: UBND huyện Quảng Xương/);
  execFileSync('qpdf', ['--check', f], { stdio: 'ignore' });
  // a changed byte: no longer valid
  const bad = Buffer.from(signed);
  const at = bad.indexOf('PHIẾU') > 0 ? bad.indexOf('/Producer') : 200;
  bad[at + 1] ^= 1;
  const { f: fb } = text(bad, 'changed');
  let sigBad;
  try {
    sigBad = execFileSync('pdfsig', ['-nssdir', `sql:${T}/nss`, fb], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) { sigBad = `${e.stdout}${e.stderr}`; }
  assert.ok(!/Signature is Valid/.test(sigBad), sigBad);
  mkdirSync(pictures, { recursive: true });
  run('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', f, join(T, 'p')]);
  copyFileSync(join(T, 'p.png'), join(pictures, '04-phieu-xin-loi-van-ban-di.png'));
});

test('apologies and documents issued at once in one register: every number once, none skipped', async () => {
  installKeys('seal');
  const docs = [];
  const apologies = [];
  for (let i = 0; i < 5; i++) {
    docs.push(await signedDoc(100 + i));
    apologies.push(await prepared());
  }
  const before = (await api('GET', `/api/v1/documents?box=out&register=${registerId}&year=${YEAR}&limit=200`, { token: tok.lanhdao }))
    .body.items.filter((x) => x.number).map((x) => serial(x.number));
  const results = await Promise.all([
    ...docs.map((id) => api('POST', `/api/v1/documents/${id}/actions`, { token: tok.tiepnhan, body: { action: 'issue' } })),
    ...apologies.map(([d, id]) => issue(d, id)),
  ]);
  for (const r of results) assertStatus(r, 200);
  const numbers = [...results.slice(0, 5).map((r) => r.body.number), ...results.slice(5).map((r) => r.body.document.number)];
  assert.equal(results.slice(5).filter((r) => /\/PXL-UBND$/.test(r.body.document.number)).length, 5);
  const serials = numbers.map(serial).sort((a, b) => a - b);
  const top = Math.max(...before);
  assert.deepEqual(serials, Array.from({ length: 10 }, (_, i) => top + 1 + i), 'the next ten numbers, each once');
  // the register as a whole: 1..n, each once
  const all = (await api('GET', `/api/v1/documents?box=out&register=${registerId}&year=${YEAR}&limit=200`, { token: tok.lanhdao }))
    .body.items.filter((x) => x.number).map((x) => serial(x.number)).sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: all.length }, (_, i) => i + 1));
});
