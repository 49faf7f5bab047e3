// The procedure search ranks by relevance (issue 15, item 12): the whole phrase and the
// name's words first; when no procedure holds every word, those holding most of them
// (words dropped); a small table of common names; "did you mean" for words the catalogue
// does not hold. The order is core/search.h's over what each engine finds, so SQLite and
// PostgreSQL answer these cases alike (run this file on both: scripts/pg.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertStatus, assertProblem } from './helpers.mjs';

let server;

before(async () => {
  server = await startServer({ dossiers: 0 });
});

after(async () => {
  await stopServer(server);
});

async function search(q, extra = '') {
  const res = await server.api('GET', `/api/v1/procedures?q=${encodeURIComponent(q)}&limit=50${extra}`);
  assertStatus(res, 200, q);
  return res.body;
}

const names = (body) => body.items.map((p) => p.name);

test('"ho kinh doanh": registering a household business comes before a karaoke licence', async () => {
  const body = await search('ho kinh doanh');
  assert.equal(body.relaxed, false);
  assert.equal(body.items[0].name, 'Đăng ký thành lập hộ kinh doanh', names(body).slice(0, 5).join(' | '));
  const karaoke = names(body).findIndex((n) => /karaoke/.test(n));
  // the licences "cho hộ kinh doanh, cá nhân" hold the phrase too, below the short names
  assert.ok(karaoke === -1 || karaoke > 0);
  for (const n of names(body).slice(0, 5)) assert.match(n, /hộ kinh doanh/, 'the phrase first');
  // the same with diacritics and in capitals
  assert.deepEqual(names(await search('HỘ KINH DOANH')), names(body));
});

test('"khai sinh cho con" finds birth registration: filler words need not match', async () => {
  const body = await search('khai sinh cho con');
  assert.ok(body.total >= 1, 'found');
  assert.equal(body.items[0].code, '1.001193', names(body).slice(0, 5).join(' | '));
  for (const n of names(body).slice(0, 5)) assert.match(n, /khai sinh/, n);
});

test('when no procedure has every word, those with most of them come, the search says it dropped words', async () => {
  const body = await search('khai sinh nhanh gon');
  assert.equal(body.relaxed, true);
  assert.ok(body.total >= 1);
  assert.equal(body.items[0].name, 'Đăng ký khai sinh');
  // every word found: not relaxed
  assert.equal((await search('dang ky khai sinh')).relaxed, false);
});

test('common names: "so do" is the land-use certificate, "cmnd" the identity card, "bang lai xe" the driving licence', async () => {
  let body = await search('lam so do');
  assert.match(body.items[0].name, /quyền sử dụng đất/, names(body).slice(0, 3).join(' | '));
  body = await search('bang lai xe');
  assert.match(body.items[0].name, /giấy phép lái xe/i, names(body).slice(0, 3).join(' | '));
});

test('"did you mean": a misspelt word is offered the catalogue\'s nearest word; none when all is found', async () => {
  let body = await search('khia sinh');
  assert.equal(body.did_you_mean, 'khai sinh');
  body = await search('dang ky ket hno');
  assert.equal(body.did_you_mean, 'dang ky ket hon');
  assert.equal((await search('dang ky khai sinh')).did_you_mean, null);
  // the suggestion finds what was meant
  assert.equal((await search('khai sinh')).items[0].code, '1.001193');
  body = await search('xyzzyplugh');
  assert.equal(body.total, 0);
  assert.equal(body.did_you_mean, null);
  // no q: no search fields
  const all = await server.api('GET', '/api/v1/procedures?limit=1');
  assert.equal(all.body.relaxed, undefined);
});

test('paging over ranked results is stable: pages join into the whole list', async () => {
  const whole = await search('giay phep', '');
  const a = await server.api('GET', `/api/v1/procedures?q=giay+phep&limit=20&offset=0`);
  const b = await server.api('GET', `/api/v1/procedures?q=giay+phep&limit=30&offset=20`);
  assert.deepEqual([...a.body.items, ...b.body.items].map((p) => p.code), whole.items.map((p) => p.code));
  assert.equal(a.body.total, whole.total);
});

test('the administrators\' catalogue: include_abolished lists abolished procedures; other values are refused', async () => {
  const active = (await server.api('GET', '/api/v1/procedures?limit=1')).body.total;
  const all = (await server.api('GET', '/api/v1/procedures?limit=1&include_abolished=true')).body.total;
  assert.ok(all > active, `${all} > ${active}`);
  assert.equal(all, 1989, 'the whole catalogue');
  assertProblem(await server.api('GET', '/api/v1/procedures?include_abolished=yes'), 400, 'invalid-query');
});
