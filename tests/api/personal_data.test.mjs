// Personal data (Nghị định 13/2023/NĐ-CP; app/personal.h, docs/operations.md
// "Personal data"): a citizen's export holds their dossiers and the very files
// with their hashes; officers' reads are logged before they are served and
// seen by the administrators of the unit and by the citizen whose data it is,
// nobody else; erasure is refused while a dossier is open and, once allowed,
// pseudonymises the dossiers with the event log still verifying; retention
// is applied by `motcua personal purge`, dry or not. Attacks: other citizens,
// officers and administrators of other units, floods, malformed input. The
// triggers that keep events append-only but for a pseudonymisation are tested
// on both backends in tests/unit/test_store_contract.c.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BIN, PASSWORD, serverEnv, startServer } from './harness.mjs';
import {
  APPLICANT, DEPARTMENT, DISTRICT, act, actOk, assertProblem, assertStatus, districtProcedure, stopServer,
} from './helpers.mjs';

let server;
const tok = {};
const sha = (b) => createHash('sha256').update(b).digest('hex');

before(async () => {
  server = await startServer({ dossiers: 5 });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'tiepnhan.stnmt']) tok[u] = await server.login(u);
  for (const [username, unit] of [['admin.qx', DISTRICT], ['admin.stnmt', DEPARTMENT]]) {
    assertStatus(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username,
      password: PASSWORD, full_name: `Quản trị ${unit}`, role: 'admin', unit } }), 201, username);
    tok[username] = await server.login(username);
  }
});

after(async () => {
  await stopServer(server);
});

async function citizen(username, id_number) {
  const res = await server.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD,
    full_name: `Công dân ${username}`, email: `${username}@example.vn`, phone: '0912345678', id_number } });
  assertStatus(res, 202, `registering ${username}`);
  return server.login(username);
}

function pdf(tag, size = 700) {
  const b = Buffer.alloc(size, 0x20);
  b.write(`%PDF-1.4\n% ${tag}\n`);
  return b;
}

async function upload(token, bytes) {
  const res = await server.api('POST', '/api/v1/attachments', { token, raw: bytes,
    headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(res, 201, 'upload');
  return res.body.sha256;
}

// Files an online dossier of the district with these uploads; returns its code.
async function fileOnline(token, shas, applicant = APPLICANT) {
  const res = await server.api('POST', '/api/v1/dossiers', { token, body: {
    procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT, applicant,
    documents: shas.map((s, i) => ({ name: `Giấy tờ ${i + 1}`, attachment: s })) } });
  assertStatus(res, 201, 'online filing');
  return res.body.code;
}

// The entries of a .tar.gz: { name: Buffer }.
function untar(gz) {
  const tar = gunzipSync(gz);
  const out = {};
  for (let at = 0; at + 512 <= tar.length;) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    // the header's checksum: its bytes summed with the checksum field as spaces
    const sum = [...h].reduce((s, b, i) => s + (i >= 148 && i < 156 ? 32 : b), 0);
    assert.equal(parseInt(h.subarray(148, 156).toString('ascii'), 8), sum, `checksum of ${name}`);
    assert.equal(h.subarray(257, 262).toString('ascii'), 'ustar');
    out[name] = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

async function exportOf(token, path = '/api/v1/personal/export') {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body };
}

const reads = (token, query = '') => server.api('GET', `/api/v1/personal/reads${query}`, { token });

const verify = () => spawnSync(BIN, ['audit', 'verify', '--db', server.db], { encoding: 'utf8', env: serverEnv() });

test("the export holds the citizen's account, dossiers, events and the files themselves with their hashes", async () => {
  tok.an = await citizen('nguyen.van.an', '038195001111');
  tok.binh = await citizen('tran.thi.binh', '038195002222');
  const a = pdf('to-khai-an'), b = pdf('ban-ve-an', 1300);
  const code = await fileOnline(tok.an, [await upload(tok.an, a), await upload(tok.an, b)]);

  const res = await exportOf(tok.an);
  assert.equal(res.status, 200, res.body.toString());
  assert.equal(res.headers.get('content-type'), 'application/gzip');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="motcua-personal-data-\d+\.tar\.gz"$/);
  const files = untar(res.body);
  const m = JSON.parse(files['manifest.json'].toString('utf8'));
  assert.equal(m.format, 'motcua-personal-export-1');
  assert.equal(m.account.username, 'nguyen.van.an');
  assert.equal(m.account.id_number, '038195001111');
  assert.deepEqual(m.dossiers.map((d) => d.code), [code]);
  const d = m.dossiers[0];
  assert.equal(d.applicant.name, APPLICANT.name);
  assert.equal(d.applicant.id_number, APPLICANT.id_number);
  assert.ok(d.events.length >= 1 && d.events[0].action === 'create', JSON.stringify(d.events));
  assert.deepEqual(d.documents.map((x) => x.sha256), [sha(a), sha(b)]);
  // each file is in the archive, whole, under the name the manifest gives
  for (const [doc, bytes] of [[d.documents[0], a], [d.documents[1], b]]) {
    assert.equal(doc.file, `files/${doc.sha256}`);
    assert.ok(files[doc.file], `${doc.file} is in the archive`);
    assert.equal(sha(files[doc.file]), doc.sha256, 'the file has the hash the manifest names');
    assert.ok(files[doc.file].equals(bytes));
  }
  assert.deepEqual(m.files.map((f) => f.sha256).sort(), [sha(a), sha(b)].sort());

  // another citizen's export holds nothing of it
  const other = untar((await exportOf(tok.binh)).body);
  const om = JSON.parse(other['manifest.json']);
  assert.equal(om.account.username, 'tran.thi.binh');
  assert.deepEqual(om.dossiers, []);
  assert.deepEqual(Object.keys(other), ['manifest.json']);
  tok.anCode = code;
  tok.anFiles = [sha(a), sha(b)];
});

test("an administrator's export: the province's only, logged as a read; other roles and units refused", async () => {
  const before = (await reads(tok.admin, '?limit=500')).body.total;
  const res = await exportOf(tok.admin, '/api/v1/citizens/nguyen.van.an/export');
  assert.equal(res.status, 200, res.body.toString());
  const m = JSON.parse(untar(res.body)['manifest.json']);
  assert.deepEqual(m.dossiers.map((d) => d.code), [tok.anCode]);
  // by identity number: the account's
  const byId = await exportOf(tok.admin, '/api/v1/citizens/038195001111/export');
  assert.equal(byId.status, 200);
  assert.equal(JSON.parse(untar(byId.body)['manifest.json']).account.username, 'nguyen.van.an');
  const log = await reads(tok.admin, '?limit=500');
  assert.equal(log.body.total, before + 2);
  assert.equal(log.body.items[0].what, 'export');
  assert.equal(log.body.items[0].reader.username, 'admin');
  // the citizen sees the exports of their data
  const mine = await reads(tok.an);
  assert.equal(mine.body.items.filter((x) => x.what === 'export').length, 2);

  assertProblem(await server.api('GET', '/api/v1/citizens/nguyen.van.an/export', { token: tok['admin.qx'] }), 403,
    'out-of-scope', 'a district administrator');
  assertProblem(await server.api('GET', '/api/v1/citizens/nguyen.van.an/export', { token: tok.tiepnhan }), 403,
    'forbidden', 'a desk officer');
  assertProblem(await server.api('GET', '/api/v1/citizens/nguyen.van.an/export', { token: tok.binh }), 403,
    'forbidden', 'another citizen');
  assertProblem(await server.api('GET', '/api/v1/personal/export', { token: tok.tiepnhan }), 403, 'forbidden',
    "an officer has no export of their own");
  assertProblem(await server.api('GET', '/api/v1/personal/export'), 401, 'unauthenticated');
  // unknown, malformed, huge: the same 404, nothing logged
  for (const key of ['khong.co.ai', '999999999999', `${'x'.repeat(5000)}`, '%00', "' OR 1=1 --"]) {
    assertProblem(await server.api('GET', `/api/v1/citizens/${encodeURIComponent(key)}/export`, { token: tok.admin }),
      404, 'not-found', key.slice(0, 20));
  }
  assert.equal((await reads(tok.admin, '?limit=500')).body.total, before + 2, 'refusals are not logged');
});

test("an officer's reads are logged once each, seen by the unit's administrators and the citizen, nobody else", async () => {
  const code = tok.anCode;
  const count = async (token, q = '') => (await reads(token, `?dossier=${code}${q}`)).body.total;
  assert.equal(await count(tok['admin.qx']), 0);
  // the citizen reading their own dossier and file is not logged
  assertStatus(await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.an }), 200);
  assertStatus(await server.api('GET', `/api/v1/attachments/${tok.anFiles[0]}`, { token: tok.an }), 200);
  assert.equal(await count(tok['admin.qx']), 0);

  // the district desk reads the dossier: one row, with who, what and the route
  assertStatus(await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.tiepnhan }), 200);
  let log = await reads(tok['admin.qx'], `?dossier=${code}`);
  assert.equal(log.body.total, 1);
  const row = log.body.items[0];
  assert.equal(row.reader.username, 'tiepnhan');
  assert.equal(row.reader.role, 'desk');
  assert.equal(row.reader_unit.code, DISTRICT);
  assert.equal(row.dossier, code);
  assert.equal(row.what, 'dossier');
  assert.equal(row.route, `/api/v1/dossiers/${code}`);
  assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);

  // a file and a form: one row each
  await actOk(server, tok.tiepnhan, code, 'receive');
  const file = await server.api('GET', `/api/v1/attachments/${tok.anFiles[1]}`, { token: tok.tiepnhan });
  assertStatus(file, 200, 'the desk downloads a file');
  const form = await server.api('GET', `/api/v1/dossiers/${code}/forms/01`, { token: tok.tiepnhan });
  assertStatus(form, 200, 'the desk prints the receipt');
  log = await reads(tok['admin.qx'], `?dossier=${code}`);
  assert.deepEqual(log.body.items.map((x) => x.what), ['form', 'attachment', 'dossier']);
  assert.equal(log.body.items[1].route, `/api/v1/attachments/${tok.anFiles[1]}`);

  // the root's administrator sees them; the department's does not, nor its desk's reads
  assert.equal(await count(tok.admin), 3);
  assert.equal(await count(tok['admin.stnmt']), 0);
  assert.equal((await reads(tok['admin.stnmt'], '?limit=500')).body.items.filter((x) => x.dossier === code).length, 0);
  // an officer of another unit is refused the dossier, and nothing is logged
  assertProblem(await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok['tiepnhan.stnmt'] }), 403,
    'out-of-scope');
  assertProblem(await server.api('GET', `/api/v1/attachments/${tok.anFiles[0]}`, { token: tok['tiepnhan.stnmt'] }),
    404, 'not-found');
  assert.equal(await count(tok.admin), 3);

  // the citizen sees who read their dossier; another citizen sees none of it
  const mine = await reads(tok.an, `?dossier=${code}`);
  assert.equal(mine.body.total, 3);
  assert.equal(mine.body.items[2].reader.name.length > 0, true);
  assert.equal(mine.body.items[2].reader.username, undefined, 'a citizen sees names, not usernames');
  assert.equal((await reads(tok.binh)).body.total, 0);
  assert.equal((await reads(tok.binh, `?dossier=${code}`)).body.total, 0);
  // officers other than administrators have no log
  assertProblem(await reads(tok.tiepnhan), 403, 'forbidden');

  // filters and paging
  assert.equal((await reads(tok['admin.qx'], `?dossier=${code}&reader=tiepnhan&limit=1`)).body.items.length, 1);
  assert.equal((await reads(tok['admin.qx'], `?dossier=${code}&reader=khongco`)).body.total, 0);
  assert.equal((await reads(tok['admin.qx'], `?dossier=${code}&offset=2`)).body.items[0].what, 'dossier');
  assert.equal((await reads(tok['admin.qx'], `?dossier=${code}&to=2020-01-01`)).body.total, 0);
  for (const q of ['?limit=0', '?limit=501', '?limit=x', '?offset=-1', '?from=2025-13', '?to=hôm nay']) {
    assertProblem(await reads(tok['admin.qx'], q), 400, 'invalid-query', q);
  }
  assert.equal((await reads(tok['admin.qx'], `?dossier=${'A'.repeat(3000)}`)).body.total, 0);
});

test("the export also holds the messages sent about a dossier and the citizen's rating", async () => {
  // the desk received an's dossier (previous test): the applicant was told by e-mail
  const m = JSON.parse(untar((await exportOf(tok.an)).body)['manifest.json']);
  const d = m.dossiers.find((x) => x.code === tok.anCode);
  assert.ok(d.events.some((e) => e.action === 'receive'));
  assert.ok(d.messages.length >= 1, JSON.stringify(d.messages));
  assert.ok(d.messages.every((x) => x.recipient === APPLICANT.email || x.recipient === APPLICANT.phone),
    JSON.stringify(d.messages));
  assert.ok(d.reads.some((r) => r.what === 'dossier' && r.role === 'desk'), 'and who read it');
  // the demo citizen rates a dossier handed back to them
  const returned = { code: await fileOnline(tok.congdan, []) };
  tok.lanhdao = await server.login('lanhdao');
  await actOk(server, tok.tiepnhan, returned.code, 'receive');
  await actOk(server, tok.tiepnhan, returned.code, 'assign');
  await actOk(server, tok.lanhdao, returned.code, 'resolve', { outcome: 'approved' });
  await actOk(server, tok.tiepnhan, returned.code, 'return');
  const rating = { criteria: { total_time: 2, agency_time: 2, contacts: 1, agencies: 2, reception: 2,
    transparency: 2, attitude: 2 }, overall: 'satisfied', comment: 'Cán bộ nhiệt tình' };
  assertStatus(await server.api('POST', `/api/v1/dossiers/${returned.code}/rating`, { token: tok.congdan, body: rating }),
    201, 'rating');
  const cm = JSON.parse(untar((await exportOf(tok.congdan)).body)['manifest.json']);
  const rated = cm.dossiers.find((x) => x.code === returned.code);
  assert.equal(rated.rating.comment, 'Cán bộ nhiệt tình');
  assert.equal(rated.rating.criteria.contacts, 1);
  assert.equal(rated.rating.overall, 'satisfied');
});

test('a flood of reads: every one served and logged exactly once', async () => {
  const code = tok.anCode;
  const before = (await reads(tok['admin.qx'], `?dossier=${code}`)).body.total;
  const all = await Promise.all(Array.from({ length: 40 },
    () => server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.tiepnhan })));
  for (const r of all) assertStatus(r, 200);
  assert.equal((await reads(tok['admin.qx'], `?dossier=${code}`)).body.total, before + 40);
  // a flood of exports: each answered whole or refused as overloaded, never broken
  const exports = await Promise.all(Array.from({ length: 12 }, () => exportOf(tok.an)));
  for (const e of exports) {
    assert.ok(e.status === 200 || e.status === 429, `export ${e.status}`);
    if (e.status === 200) assert.ok(untar(e.body)['manifest.json']);
  }
  assert.ok(exports.some((e) => e.status === 200));
});

test('one export at a time, off the sign-in pool: a second meanwhile is 429 with Retry-After, sign-ins go on', async () => {
  // A citizen whose dossiers hold 60 MiB that does not compress: its archive takes a while.
  const token = await citizen('xuat.nhieu', '038195004444');
  const shas = [];
  for (let i = 0; i < 3; i++) {
    const b = randomBytes(20 * 1024 * 1024 - 4096);
    b.write(`%PDF-1.4\n% ${i}\n`);
    shas.push(await upload(token, b));
  }
  await fileOnline(token, shas);
  const first = exportOf(token);
  await new Promise((r) => setTimeout(r, 100));
  const second = await exportOf(token);
  assert.equal(second.status, 429, 'a second export while the first is made is refused');
  assertProblem({ ...second, body: JSON.parse(second.body.toString()) }, 429, 'overloaded', 'a second export meanwhile');
  assert.ok(Number(second.headers.get('retry-after')) > 0);
  // a password sign-in is not queued behind the archive
  const signin = await server.api('POST', '/api/v1/session', { body: { username: 'tiepnhan', password: PASSWORD } });
  assertStatus(signin, 201, 'a sign-in while the export is made');
  const done = await first;
  assert.equal(done.status, 200);
  assert.ok(untar(done.body)['manifest.json']);
  // and the next export is made once the first was sent
  const again = await exportOf(token);
  assert.equal(again.status, 200);
});

test('erasure: refused while a dossier is open, then the dossiers pseudonymised and the log still verifying', async () => {
  const code = tok.anCode;
  const erase = (token, body) => server.api('POST', '/api/v1/personal/erasure', { token, body });
  // malformed requests and other roles first: nothing changes
  assertProblem(await erase(tok.an, {}), 422, 'missing-field');
  assertProblem(await erase(tok.an, { confirm: 'true' }), 422, 'missing-field');
  assertProblem(await erase(tok.an, '[true]'), 400, 'malformed-json');
  assertProblem(await erase(tok.an, '{"confirm": tru'), 400, 'malformed-json');
  assertProblem(await erase(tok.tiepnhan, { confirm: true }), 403, 'forbidden');
  assertProblem(await erase(tok.admin, { confirm: true }), 403, 'forbidden');

  const open = await erase(tok.an, { confirm: true });
  assertProblem(open, 409, 'forbidden-transition', 'a dossier is open');
  assert.match(open.body.detail, /1 of your dossiers are still being handled/);
  assert.equal((await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.an })).body.applicant.name,
    APPLICANT.name, 'nothing changed');

  // the citizen withdraws it: a final state, erasure is allowed
  assertStatus(await act(server, tok.an, code, 'withdraw', { note: 'Tôi chuyển nơi ở, Nguyễn Văn An' }), 200);
  const done = await erase(tok.an, { confirm: true });
  assertStatus(done, 200, 'erasure');
  assert.equal(done.body.dossiers_pseudonymised, 1);
  assert.ok(done.body.events_pseudonymised >= 2, JSON.stringify(done.body)); // create and withdraw
  // the session and the account are gone
  assertProblem(await server.api('GET', '/api/v1/session', { token: tok.an }), 401, 'unauthenticated');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'nguyen.van.an', password: PASSWORD } }),
    401, 'bad-credentials');
  // the dossier is kept for the archive, without its personal fields
  const d = (await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.tiepnhan })).body;
  assert.equal(d.applicant.name, '(ẩn danh)');
  assert.ok(!d.applicant.id_number && !d.applicant.phone && !d.applicant.email && !d.applicant.address,
    JSON.stringify(d.applicant));
  const mineEv = d.events.filter((e) => e.action === 'create' || e.action === 'withdraw');
  assert.equal(mineEv.length, 2);
  for (const e of d.events.filter((x) => x.action === 'withdraw')) {
    assert.ok(!JSON.stringify(e).includes('Nguyễn Văn An'), JSON.stringify(e));
  }
  // the files are the dossier's documents, kept; the other citizen's data untouched
  assert.equal(d.documents.length, 2);
  // the event log verifies, pseudonymised events through their personal-data hash
  const v = verify();
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /every link intact/);
  assert.match(v.stdout, /\d+ events pseudonymised, verified through their personal-data hash/);
  // erasing again: the account is gone
  assertProblem(await erase(tok.an, { confirm: true }), 401, 'unauthenticated');
});

test('motcua personal purge applies retention: a dry run changes nothing, then dossiers past it are pseudonymised', async () => {
  const env = serverEnv({ MOTCUA_RETENTION_DOSSIER_YEARS: '2', MOTCUA_RETENTION_READ_LOG_DAYS: '1' });
  const run = (...args) => spawnSync(BIN, ['personal', 'purge', '--db', server.db, ...args], { encoding: 'utf8', env });
  const named = async () => (await server.api('GET', '/api/v1/dossiers?limit=200', { token: tok.admin })).body.items
    .filter((x) => x.applicant && x.applicant.name !== '(ẩn danh)').length;
  const before = await named();
  // now: nothing finished two years ago in a fresh demo of this year... as of 2099, every finished one is
  const dry = run('--at', '2099-01-01T00:00', '--dry-run');
  assert.equal(dry.status, 0, dry.stderr);
  const [, n] = /: (\d+) dossiers pseudonymised/.exec(dry.stdout);
  assert.ok(Number(n) >= 1, dry.stdout);
  assert.match(dry.stdout, /dry run: nothing was changed/);
  assert.match(dry.stdout, /[1-9]\d* reads deleted/);
  assert.equal(await named(), before, 'the dry run changed nothing');
  // The listing waits for the reads queued before it: named()'s own (a list
  // is a read) are committed before the purge runs.
  await reads(tok.admin);
  const real = run('--at', '2099-01-01T00:00');
  assert.equal(real.status, 0, real.stderr);
  assert.match(real.stdout, new RegExp(`: ${n} dossiers pseudonymised`));
  assert.equal((await reads(tok.admin)).body.total, 0, 'the reads older than a day (as of 2099) are gone');
  assert.equal(await named(), before - Number(n));
  const again = run('--at', '2099-01-01T00:00');
  assert.match(again.stdout, /: 0 dossiers pseudonymised/);
  const v = verify();
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // bad input
  assert.equal(run('--at', 'mai').status, 2);
  assert.equal(spawnSync(BIN, ['personal', 'purge', '--db', server.db, '--bogus'], { encoding: 'utf8' }).status, 2);
});

test('motcua personal export --citizen writes the archive 0600, never over a file', async () => {
  const out = join(server.dir, 'binh.tar.gz');
  const run = (...args) => spawnSync(BIN, ['personal', 'export', '--db', server.db, ...args], { encoding: 'utf8', env: serverEnv() });
  const r = run('--citizen', '038195002222', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const m = JSON.parse(untar(readFileSync(out))['manifest.json']);
  assert.equal(m.account.username, 'tran.thi.binh');
  const again = run('--citizen', 'tran.thi.binh', '--out', out);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /could not create/);
  const none = run('--citizen', 'khong.co.ai', '--out', join(server.dir, 'x.tgz'));
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no citizen account or dossier is known by khong\.co\.ai/);
  assert.equal(run('--out', out).status, 2);
});

test('exports per account are counted over a day: past personal_export_per_day, 429 with Retry-After; others go on', async () => {
  const own = await startServer({ dossiers: 0, env: { MOTCUA_PERSONAL_EXPORT_PER_DAY: '2' } });
  try {
    const get = async (token, path = '/api/v1/personal/export') => {
      const res = await fetch(own.base + path, { headers: { Authorization: `Bearer ${token}` } });
      return { status: res.status, headers: res.headers, text: Buffer.from(await res.arrayBuffer()) };
    };
    const register = async (username, id_number) => {
      assertStatus(await own.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD,
        full_name: `Công dân ${username}`, email: `${username}@example.vn`, phone: '0912345678', id_number } }),
      202, username);
      return own.login(username);
    };
    const many = await register('xuat.nhieu.lan', '038195005555');
    for (let i = 0; i < 2; i++) assert.equal((await get(many)).status, 200, `export ${i + 1} of the day`);
    const third = await get(many);
    assertProblem({ ...third, body: JSON.parse(third.text.toString()) }, 429, 'too-many-attempts',
      'a third export of the day');
    const wait = Number(third.headers.get('retry-after'));
    assert.ok(wait > 86000 && wait <= 86400, `Retry-After ${wait} is the rest of the day`);
    // another account is not held by it, nor is the refused account's sign-in
    const other = await register('xuat.mot.lan', '038195006666');
    assert.equal((await get(other)).status, 200);
    await own.login('xuat.nhieu.lan');
  } finally {
    await stopServer(own);
  }
});

// The desk may use an applicant's earlier papers again, and only theirs: a
// file of someone else's dossier it can see is not attached to another
// applicant's dossier (where that applicant could then download it).
test("a dossier's files go again only into dossiers of the same applicant", async () => {
  const an = await citizen('tran.thi.reuse', '038195007777');
  const anFile = await upload(an, pdf('reuse-an'));
  const anCode = await fileOnline(an, [anFile], { ...APPLICANT, name: 'Trần Thị Reuse', id_number: '038195007777' });
  const binh = await citizen('le.van.reuse', '038195008888');
  const binhFile = await upload(binh, pdf('reuse-binh'));
  const binhCode = await fileOnline(binh, [binhFile], { ...APPLICANT, name: 'Lê Văn Reuse', id_number: '038195008888' });
  // the desk sees An's dossier, and so may read its file
  assertStatus(await server.api('GET', `/api/v1/attachments/${anFile}`, { token: tok.tiepnhan }), 200);
  const desk = (applicant) => server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: {
    procedure_code: districtProcedure().code, channel: 'direct', unit: DISTRICT, applicant,
    documents: [{ name: 'Giấy tờ', attachment: anFile }] } });
  const count = async () => (await server.api('GET', '/api/v1/dossiers?limit=1', { token: tok.tiepnhan })).body.total;
  const before = await count();
  // another applicant, or one without an identity number: as if unknown
  for (const applicant of [{ ...APPLICANT, id_number: '038195009999' }, { name: 'Không Số' }]) {
    const res = await desk(applicant);
    assertProblem(res, 422, 'invalid-field');
    assert.equal(res.body.field, 'documents[0].attachment');
  }
  assert.equal(await count(), before, 'nothing filed');
  // the same applicant, by identity number, at the desk
  const again = await desk({ name: 'Trần Thị Reuse', id_number: '038195007777' });
  assertStatus(again, 201);
  const filed = await server.api('GET', `/api/v1/dossiers/${again.body.code}`, { token: tok.tiepnhan });
  assert.equal(filed.body.documents[0].attachment.sha256, anFile);
  // a supplement to Bình's dossier takes Bình's files, not An's
  await actOk(server, tok.tiepnhan, binhCode, 'request_supplement', { note: 'Thiếu bản sao' });
  const foreign = await act(server, tok.tiepnhan, binhCode, 'supplement',
    { documents: [{ name: 'Bản sao', attachment: anFile }] });
  assertProblem(foreign, 422, 'invalid-field');
  const own = await actOk(server, tok.tiepnhan, binhCode, 'supplement',
    { documents: [{ name: 'Bản sao', attachment: binhFile }] });
  const supplemented = await server.api('GET', `/api/v1/dossiers/${binhCode}`, { token: tok.tiepnhan });
  assert.deepEqual(supplemented.body.documents.map((d) => d.attachment?.sha256), [binhFile, binhFile]);
  assert.equal(own.state, 'submitted');
  // Bình still cannot read An's file
  assertProblem(await server.api('GET', `/api/v1/attachments/${anFile}`, { token: binh }), 404, 'not-found');
  assert.ok(anCode);
});
