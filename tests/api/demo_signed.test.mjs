// The demo's documents signed with the demo CA (cli/demo_sign.c,
// docs/operations.md §14): `motcua init --demo` makes a root "motcua demo CA"
// and keys for the demo's leaders and seals beside the database's files (keys
// 0600 in a 0700 directory), signs the province's issued documents with them,
// and the server says at start-up where the CA's certificate is. A visitor's
// download of 6366/BC-UBND then carries the leader's and the seal's
// signatures, which poppler's pdfsig calls valid and trusted once the demo CA
// is in its NSS database (and not trusted without it), qpdf --check accepts,
// and a changed byte breaks. Each server's init makes new keys: none is
// committed. On the server, without sign_trust_file, the demo CA is what
// GET /api/v1/documents/{id}/signatures trusts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { startServer } from './harness.mjs';
import { stopServer, assertStatus } from './helpers.mjs';

let server;
let T;
let ca; // the demo CA's certificate, as the start-up names it

function pdfsig(buf, label, nss) {
  const f = join(T, `${label}.pdf`);
  writeFileSync(f, buf);
  try {
    return execFileSync('pdfsig', ['-nssdir', `sql:${nss}`, f], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    return `${e.stdout}${e.stderr}`;
  }
}

function nssDb(name, trust) {
  const d = join(T, name);
  execFileSync('mkdir', ['-p', d]);
  execFileSync('certutil', ['-N', '-d', `sql:${d}`, '--empty-password']);
  if (trust) execFileSync('certutil', ['-A', '-d', `sql:${d}`, '-n', 'motcua demo CA', '-t', 'CT,C,C', '-i', trust]);
  return d;
}

before(async () => {
  T = mkdtempSync(join(tmpdir(), 'motcua-demosign-'));
  server = await startServer({ dossiers: 0 });
  const m = server.stderr().match(/demo CA "motcua demo CA"; its certificate: (\S+) \(demo keys in (\S+);/);
  assert.ok(m, `the start-up names the demo CA's certificate:\n${server.stderr()}`);
  ca = m[1];
  assert.equal(dirname(ca), m[2]);
});

after(async () => {
  await stopServer(server);
  if (T && !process.env.MC_KEEP_TMP) rmSync(T, { recursive: true, force: true });
});

test('init --demo makes the demo CA and the leaders\' and seals\' keys, readable by the service only', () => {
  const dir = dirname(ca);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const files = readdirSync(dir).sort();
  for (const name of ['ca', 'lanhdao', 'lanhdao.stnmt', 'lanhdao.tinh', 'seal-000.00.00.H56', 'seal-000.00.10.H56',
    'seal-000.00.33.H56']) {
    assert.ok(files.includes(`${name}.key`) && files.includes(`${name}.crt`), `${name} in ${files}`);
    assert.equal(statSync(join(dir, `${name}.key`)).mode & 0o777, 0o600, `${name}.key is 0600`);
  }
  const subject = execFileSync('openssl', ['x509', '-in', ca, '-noout', '-subject', '-nameopt', 'utf8']).toString();
  assert.match(subject, /CN\s*=\s*motcua demo CA/);
  // the leader's certificate names the account's full name and chains to the CA
  const leader = execFileSync('openssl', ['x509', '-in', join(dir, 'lanhdao.crt'), '-noout', '-subject', '-nameopt',
    'utf8']).toString();
  assert.match(leader, /CN\s*=\s*Hoàng Văn Minh/);
  execFileSync('openssl', ['verify', '-CAfile', ca, join(dir, 'lanhdao.crt')], { stdio: 'ignore' });
  // a key is a private key, and nothing of it went into the database's files
  assert.match(readFileSync(join(dir, 'seal-000.00.33.H56.key'), 'utf8'), /BEGIN PRIVATE KEY/);
});

test('the demo\'s 6366/BC-UBND downloads signed by the leader and the seal; pdfsig trusts it given the demo CA', async () => {
  const giamsat = await server.login('giamsat');
  const res = await server.api('GET', `/api/v1/documents?q=${encodeURIComponent('cai cach hanh chinh')}`, { token: giamsat });
  assertStatus(res, 200);
  const report = res.body.items.find((d) => d.number === '6366/BC-UBND');
  assert.ok(report, 'the demo report is there');
  const got = await fetch(`${server.base}/api/v1/documents/${report.id}/file`, { headers: { Authorization: `Bearer ${giamsat}` } });
  assert.equal(got.status, 200);
  const buf = Buffer.from(await got.arrayBuffer());
  const sig = pdfsig(buf, 'report', nssDb('trusting', ca));
  assert.equal((sig.match(/Signature Validation: Signature is Valid\./g) || []).length, 2, sig);
  assert.equal((sig.match(/Certificate Validation: Certificate is Trusted\./g) || []).length, 2, sig);
  assert.deepEqual([...sig.matchAll(/Signer Certificate Common Name: (.*)/g)].map((x) => x[1].trim()),
    ['Lãnh đạo UBND tỉnh Thanh Hóa', 'UBND tỉnh Thanh Hóa'], sig);
  assert.match(sig, /Signing Time: May 24 2017/, 'signed when it was issued');
  assert.match(sig, /Total document signed/, 'the seal covers the whole file');
  execFileSync('qpdf', ['--check', join(T, 'report.pdf')], { stdio: 'ignore' });
  // without the demo CA the signatures still verify, but nothing is trusted
  const bare = pdfsig(buf, 'bare', nssDb('bare', null));
  assert.equal((bare.match(/Signature is Valid\./g) || []).length, 2, bare);
  assert.equal((bare.match(/Certificate is Trusted\./g) || []).length, 0, bare);
  // one changed byte inside the signed text: no longer valid
  const text = buf.toString('latin1');
  const at = text.indexOf('/Type /Catalog');
  assert.ok(at > 0);
  const bad = Buffer.from(buf);
  bad[at + 2] ^= 0x01;
  const broken = pdfsig(bad, 'broken', join(T, 'trusting'));
  assert.equal((broken.match(/Signature Validation: Signature is Valid\./g) || []).length, 0, broken);
});

test('the demo CA is trusted when verifying on the server: 6366/BC-UBND\'s signatures are valid', async () => {
  const giamsat = await server.login('giamsat');
  const res = await server.api('GET', `/api/v1/documents?q=6366`, { token: giamsat });
  const report = res.body.items.find((d) => d.number === '6366/BC-UBND');
  const s = await server.api('GET', `/api/v1/documents/${report.id}/signatures`, { token: giamsat });
  assertStatus(s, 200);
  assert.equal(s.body.status, 'valid', JSON.stringify(s.body));
  assert.equal(s.body.trust_configured, true);
  assert.deepEqual(s.body.items.map((i) => [i.status, i.trusted, i.signed_at]),
    [['valid', true, '2017-05-24T02:00:00Z'], ['valid', true, '2017-05-24T02:00:00Z']]);
});

// The department's and the district's too (src/demo/documents.c), by their
// leaders and seals, but for the one the department issued unsigned.
test('every issued demo document is signed and trusted given the demo CA, but the one issued unsigned', async () => {
  const giamsat = await server.login('giamsat');
  const res = await server.api('GET', '/api/v1/documents?box=out&year=2017&limit=50', { token: giamsat });
  assertStatus(res, 200);
  assert.ok(res.body.items.length >= 5, 'the demo\'s outgoing documents');
  for (const d of res.body.items) {
    const got = await fetch(`${server.base}/api/v1/documents/${d.id}/file`, { headers: { Authorization: `Bearer ${giamsat}` } });
    const sig = pdfsig(Buffer.from(await got.arrayBuffer()), `out${d.id}`, join(T, 'trusting'));
    const unsigned = d.number === '1046/STNMT-BVMT';
    if (unsigned) assert.match(sig, /does not contain any signatures/, d.number);
    assert.equal((sig.match(/Certificate is Trusted\./g) || []).length, unsigned ? 0 : 2, `${d.number}: ${sig}`);
  }
  const units = new Set(res.body.items.map((d) => d.unit.code));
  assert.deepEqual([...units].sort(), ['000.00.00.H56', '000.00.10.H56', '000.00.33.H56']);
});
