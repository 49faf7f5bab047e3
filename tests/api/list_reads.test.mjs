// Officers' reads of lists that show personal data (the dossier list, the
// desk's online submissions) are in the log of reads (docs/operations.md,
// "Log of reads"): one record per request that showed rows, naming the path
// (never the search text, which may be a name) and how many dossiers it
// showed; a search (q) looks for someone, so each dossier it showed is a
// read of its own, which the applicant finds; an empty page and a citizen's
// own list are no read; the record is in the scope of the unit listed (an
// administrator of another subtree does not see it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { APPLICANT, DISTRICT, DEPARTMENT, assertStatus, districtProcedure, stopServer } from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 30 });
  for (const u of ['admin', 'congdan', 'tiepnhan']) tok[u] = await server.login(u);
  for (const [username, unit] of [['admin.qx', DISTRICT], ['admin.stnmt', DEPARTMENT]]) {
    assertStatus(await server.api('POST', '/api/v1/users', { token: tok.admin, body: {
      username, password: 'demo-password-for-tests', full_name: 'Quản trị', role: 'admin', unit } }), 201);
    tok[username] = await server.login(username);
  }
});

after(async () => {
  await stopServer(server);
});

// The reads of reader as an administrator sees them, newest first.
async function readsOf(reader, token = tok.admin) {
  const res = await server.api('GET', `/api/v1/personal/reads?reader=${reader}&limit=500`, { token });
  assertStatus(res, 200, 'the log of reads');
  return res.body.items;
}

test('a page of the dossier list is one read naming the path and how many dossiers it showed', async () => {
  const name = 'Lê Thị Tìm Kiếm';
  const filed = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: {
    procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT, name },
    documents: [{ name: 'Tờ khai', originals: 1 }] } });
  assertStatus(filed, 201);
  const before = (await readsOf('tiepnhan')).length;
  const list = await server.api('GET', '/api/v1/dossiers?limit=3', { token: tok.tiepnhan });
  assertStatus(list, 200);
  assert.equal(list.body.items.length, 3, 'the district has more than 3 dossiers');
  const searched = await server.api('GET', `/api/v1/dossiers?q=${encodeURIComponent(name)}`, { token: tok.tiepnhan });
  assertStatus(searched, 200);
  assert.equal(searched.body.items.length, 1);
  const empty = await server.api('GET', '/api/v1/dossiers?q=khongaicotenthe', { token: tok.tiepnhan });
  assertStatus(empty, 200);
  assert.equal(empty.body.items.length, 0);

  const reads = await readsOf('tiepnhan');
  assert.equal(reads.length - before, 2, 'one record for the list, one per dossier the search found; the empty one is none');
  const [second, first] = reads;
  assert.deepEqual([first.what, first.route, first.records, first.dossier], ['list', '/api/v1/dossiers', 3, null]);
  assert.deepEqual([second.what, second.route, second.records, second.dossier],
    ['search', '/api/v1/dossiers', 1, filed.body.code]);
  assert.ok(!JSON.stringify(reads).includes(name), 'the searched name is not in the log');
  assert.equal(first.reader.username, 'tiepnhan');

  // the district's administrator sees them, the department's does not
  const mine = (token) => readsOf('tiepnhan', token).then((rs) => rs.filter((r) => r.what === 'list' || r.what === 'search'));
  assert.equal((await mine(tok['admin.qx'])).length, 2);
  assert.equal((await mine(tok['admin.stnmt'])).length, 0);
});

test('a search by identity number is in the log of reads the applicant sees', async () => {
  const id_number = '038195004321';
  const filed = await server.api('POST', '/api/v1/dossiers', { token: tok.congdan, body: {
    procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT,
    applicant: { ...APPLICANT, id_number }, documents: [{ name: 'Tờ khai', originals: 1 }] } });
  assertStatus(filed, 201);
  const seen = async () => (await server.api('GET', '/api/v1/personal/reads?limit=100', { token: tok.congdan })).body.items
    .filter((r) => r.what === 'search' && r.dossier === filed.body.code);
  assert.equal((await seen()).length, 0);
  const found = await server.api('GET', `/api/v1/dossiers?q=${id_number}`, { token: tok.tiepnhan });
  assertStatus(found, 200);
  assert.deepEqual(found.body.items.map((d) => d.code), [filed.body.code]);
  const [r] = await seen();
  assert.ok(r, 'the applicant finds the search among the reads of their data');
  assert.equal(r.reader.name.length > 0, true);
  assert.ok(!JSON.stringify(r).includes(id_number), 'the number searched for is not in the log');
});

test('the desk\'s list of online submissions is one read with its count; a citizen\'s own list is none', async () => {
  const p = districtProcedure({ online: true });
  for (let i = 0; i < 2; i++) {
    assertStatus(await server.api('POST', '/api/v1/dossiers', { token: tok.congdan, body: {
      procedure_code: p.code, channel: 'online', unit: DISTRICT, applicant: { ...APPLICANT },
      documents: [{ name: 'Tờ khai', originals: 1 }] } }), 201, 'an online filing');
  }
  const subs = await server.api('GET', '/api/v1/dossiers/submissions', { token: tok.tiepnhan });
  assertStatus(subs, 200);
  assert.ok(subs.body.items.length >= 2, subs.text);
  const [r] = await readsOf('tiepnhan');
  assert.deepEqual([r.what, r.route, r.records], ['submissions', '/api/v1/dossiers/submissions', subs.body.items.length]);

  const before = (await readsOf('congdan')).length;
  assertStatus(await server.api('GET', '/api/v1/dossiers', { token: tok.congdan }), 200);
  assert.equal((await readsOf('congdan')).length, before, 'a citizen listing their own dossiers is not logged');
});
