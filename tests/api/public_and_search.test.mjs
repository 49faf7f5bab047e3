// What anyone may see without signing in: the public dossier lookup and the
// procedure catalogue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, PROCEDURES, UNITS, APPLICANT, DISTRICT, DEPARTMENT, assertProblem, assertStatus, file, actOk, procedure } from './helpers.mjs';

let server;
const tok = {};
// The detailed procedures of province.json and the catalogue entries of catalogue.json.
const ACTIVE = PROCEDURES.filter((p) => p.status === 'active');

// Every item of a procedure query, page by page.
async function allItems(query) {
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const res = await server.api('GET', `/api/v1/procedures?${query ? `${query}&` : ''}limit=200&offset=${offset}`);
    assertStatus(res, 200, query);
    items.push(...res.body.items);
    if (items.length >= res.body.total || res.body.items.length === 0) return { total: res.body.total, items };
  }
}

before(async () => {
  server = await startServer({ dossiers: 20 });
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao', 'giamsat']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

test('public lookup: only public fields, the name masked, the timeline', async () => {
  const d = await file(server, tok.tiepnhan, { applicant: APPLICANT });
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Ghi chú nội bộ: thiếu sổ đỏ bản gốc' });
  await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Sổ đỏ bản gốc', originals: 1 }] });
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  await actOk(server, tok.chuyenvien, d.code, 'transfer', { to_unit: DEPARTMENT, note: 'Chuyển thẩm định' });

  const res = await server.api('GET', `/api/v1/public/dossiers/${d.code}`);
  assertStatus(res, 200, 'public lookup without a session');
  const p = res.body;
  assert.equal(p.code, d.code);
  assert.equal(p.state, 'processing');
  assert.equal(p.national_status, 4);
  assert.equal(p.applicant_name, 'N***** V** A*');
  assert.equal(p.procedure.code, d.procedure.code);
  assert.equal(p.receiving_unit.code, DISTRICT);
  assert.equal(p.current_unit.code, DEPARTMENT);
  assert.equal(p.received_at, d.received_at);
  assert.ok(p.due_at);
  assert.deepEqual(p.timeline.map((e) => [e.action, e.state]), [
    ['create', 'received'], ['request_supplement', 'supplement_requested'], ['supplement', 'received'],
    ['assign', 'processing'], ['transfer', 'processing'],
  ]);
  assert.deepEqual(p.timeline.map((e) => e.national_status), [2, 5, 2, 4, 4]);
  for (const e of p.timeline) {
    assert.ok(e.at);
    assert.deepEqual(Object.keys(e).sort(), ['action', 'at', 'national_status', 'state', 'unit']);
  }
  // nothing private anywhere in the reply
  const forbidden = ['applicant', 'id_number', 'phone', 'email', 'address', 'note', 'notes', 'events', 'handler_id',
    'documents', 'actor', 'owner_id'];
  for (const key of forbidden) assert.ok(!(key in p), `no ${key} in the public view`);
  for (const secret of [APPLICANT.id_number, APPLICANT.phone, APPLICANT.email, APPLICANT.address, APPLICANT.name,
    'Ghi chú nội bộ', 'Chuyển thẩm định', 'Trần Thị Mai', 'Lê Văn Thắng']) {
    assert.ok(!res.text.includes(secret), `the public view does not leak "${secret}"`);
  }
  assert.equal(res.headers.get('cache-control'), 'no-cache');
});

test('public lookup masks names written decomposed the same way', async () => {
  const d = await file(server, tok.tiepnhan, { applicant: { name: 'Lê Thị Hồng Nhung'.normalize('NFD') } });
  const res = await server.api('GET', `/api/v1/public/dossiers/${d.code}`);
  assertStatus(res, 200);
  assert.equal(res.body.applicant_name, 'L* T** H*** N****');
});

test('public lookup of malformed or unknown codes → 404', async () => {
  for (const code of ['garbage', '000.00.33.H56', '000.00.33.H56-17010-0001', '000.00.33.H56-170101-00001',
    "000.00.33.H56-170101-0001' OR '1'='1", '%2e%2e', `${DISTRICT}-991399-0001`]) {
    const res = await server.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}`);
    assertProblem(res, 404, 'not-found', code);
  }
  // well formed but not filed
  assertProblem(await server.api('GET', `/api/v1/public/dossiers/${DISTRICT}-170101-9999`), 404, 'not-found');
});

test('the demo dossiers are public too, and a finished one says how it ended', async () => {
  const list = await server.api('GET', '/api/v1/dossiers?state=returned&limit=5', { token: tok.giamsat });
  assertStatus(list, 200);
  assert.ok(list.body.items.length > 0, 'the demo province has returned dossiers');
  const code = list.body.items[0].code;
  const res = await server.api('GET', `/api/v1/public/dossiers/${code}`);
  assertStatus(res, 200);
  assert.equal(res.body.state, 'returned');
  assert.ok(['early', 'on_time', 'late'].includes(res.body.timeliness));
  assert.ok(res.body.returned_at);
});

test('procedure search without diacritics finds "Đăng ký khai sinh" first', async () => {
  for (const q of ['dang ky khai sinh', 'Đăng ký khai sinh', 'DANG KY KHAI SINH', 'khai sinh']) {
    const res = await server.api('GET', `/api/v1/procedures?q=${encodeURIComponent(q)}`);
    assertStatus(res, 200, q);
    assert.ok(res.body.total >= 1, q);
    assert.equal(res.body.items[0].name, 'Đăng ký khai sinh', `first hit for "${q}"`);
    assert.equal(res.body.items[0].code, '1.001193');
    // every word matches a word of the name, the code or the field (the catalogue's
    // "An toàn, vệ sinh lao động" is found by "sinh")
    const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
    for (const it of res.body.items) {
      const words = fold(`${it.name} ${it.code} ${it.field}`).split(/[^\p{L}\p{N}]+/u);
      for (const w of ['khai', 'sinh']) assert.ok(words.some((x) => x.startsWith(w)), `${it.name} (${it.field}) for "${q}"`);
    }
  }
  const none = await server.api('GET', '/api/v1/procedures?q=xyzzyplugh');
  assertStatus(none, 200);
  assert.equal(none.body.total, 0);
  assert.deepEqual(none.body.items, []);
  // query syntax of the search engine is only text
  for (const q of ['"', 'khai OR', 'NEAR(', '*', 'a"b', "'; DROP TABLE procedure; --"]) {
    const res = await server.api('GET', `/api/v1/procedures?q=${encodeURIComponent(q)}`);
    assertStatus(res, 200, q);
  }
});

test('procedure filters: level, field, online level', async () => {
  const byLevel = await allItems('level=district');
  const wantDistrict = ACTIVE.filter((p) => p.levels.includes('district'));
  assert.equal(byLevel.total, wantDistrict.length);
  assert.deepEqual(byLevel.items.map((x) => x.code).sort(), wantDistrict.map((x) => x.code).sort());
  for (const it of byLevel.items) assert.ok(it.levels.split(',').includes('district'), it.levels);

  const field = 'Hộ tịch';
  const byField = await server.api('GET', `/api/v1/procedures?field=${encodeURIComponent(field)}&limit=200`);
  assertStatus(byField, 200);
  assert.equal(byField.body.total, ACTIVE.filter((p) => p.field === field).length);
  for (const it of byField.body.items) assert.equal(it.field, field);

  // online_level=N: services at level N or above
  const byOnline = await server.api('GET', '/api/v1/procedures?online_level=3&limit=200');
  assertStatus(byOnline, 200);
  assert.equal(byOnline.body.total, ACTIVE.filter((p) => p.online_level >= 3).length);
  for (const it of byOnline.body.items) assert.ok(it.online_level >= 3);
  const four = await server.api('GET', '/api/v1/procedures?online_level=4&limit=200');
  assert.equal(four.body.total, ACTIVE.filter((p) => p.online_level >= 4).length);
  assert.ok(four.body.total >= 1);

  // filters combine, with the text search too
  const both = await server.api('GET', `/api/v1/procedures?level=district&field=${encodeURIComponent(field)}&limit=200`);
  assert.equal(both.body.total, ACTIVE.filter((p) => p.field === field && p.levels.includes('district')).length);
  const q = await server.api('GET', '/api/v1/procedures?q=khai+sinh&level=district');
  const wantKhaiSinh = ACTIVE.filter((p) => p.levels.includes('district') && /khai sinh/i.test(p.name));
  assert.deepEqual(q.body.items.map((x) => x.code).sort(), wantKhaiSinh.map((p) => p.code).sort());
  assert.equal(q.body.items[0].code, '1.001695', 'the shortest name ranks first');

  // what a unit may receive: its own procedures and the unowned ones of its level
  for (const unit of [DISTRICT, DEPARTMENT]) {
    const level = UNITS.find((u) => u.code === unit).level;
    const res = await allItems(`unit=${unit}`);
    const want = ACTIVE.filter((p) => p.owner === unit || (!p.owner && p.levels.includes(level)));
    assert.ok(want.length > 0);
    assert.deepEqual(res.items.map((x) => x.code).sort(), want.map((x) => x.code).sort(), unit);
  }

  // abolished procedures are not offered
  const all = await allItems('');
  assert.equal(all.total, ACTIVE.length);
  assert.ok(!all.items.some((x) => x.status === 'abolished'));
});

test('pagination: limit, offset, total', async () => {
  const page = (limit, offset) => server.api('GET', `/api/v1/procedures?limit=${limit}&offset=${offset}`);
  const all = await page(200, 0);
  assertStatus(all, 200);
  assert.equal(all.body.items.length, Math.min(200, ACTIVE.length));
  const a = await page(5, 0);
  const b = await page(5, 5);
  for (const r of [a, b]) {
    assertStatus(r, 200);
    assert.equal(r.body.total, ACTIVE.length);
    assert.equal(r.body.limit, 5);
    assert.equal(r.body.items.length, 5);
  }
  assert.equal(b.body.offset, 5);
  assert.deepEqual([...a.body.items, ...b.body.items].map((x) => x.code), all.body.items.slice(0, 10).map((x) => x.code));
  const tail = await page(10, ACTIVE.length - 3);
  assert.equal(tail.body.items.length, 3);
  const past = await page(10, ACTIVE.length + 10);
  assert.equal(past.body.items.length, 0);
  assert.equal(past.body.total, ACTIVE.length);
  // the default page
  const def = await server.api('GET', '/api/v1/procedures');
  assert.equal(def.body.limit, 20);
  assert.equal(def.body.items.length, Math.min(20, ACTIVE.length));
});

test('bad query parameters → 400 invalid-query', async () => {
  for (const qs of ['limit=0', 'limit=201', 'limit=-5', 'limit=abc', 'limit=1.5', 'limit=', 'offset=-1', 'offset=x',
    'online_level=5', 'online_level=two', 'unit=999.99.99.X00', `q=${'a'.repeat(201)}`]) {
    assertProblem(await server.api('GET', `/api/v1/procedures?${qs}`), 400, 'invalid-query', qs);
  }
});

test('procedure detail: steps, documents, fees, legal basis', async () => {
  for (const code of ['1.001193', '1.005399', '1.001612']) {
    const want = procedure(code);
    const res = await server.api('GET', `/api/v1/procedures/${code}`);
    assertStatus(res, 200, code);
    const p = res.body;
    assert.equal(p.name, want.name);
    assert.equal(p.field, want.field);
    assert.equal(p.duration_hours, want.duration_hours);
    assert.equal(p.duration_days, want.duration_hours / 8);
    assert.equal(p.online_level, want.online_level);
    assert.equal(p.legal_basis, want.legal_basis);
    assert.equal(p.cutoff, want.cutoff || undefined);
    assert.deepEqual(p.steps.map((s) => [s.name, s.role, s.hours]), want.steps.map((s) => [s.name, s.role, s.hours]));
    assert.deepEqual(p.steps.map((s) => s.seq), want.steps.map((_, i) => i + 1));
    assert.deepEqual(p.documents.map((d) => [d.name, d.originals, d.copies, d.required]),
      want.documents.map((d) => [d.name, d.originals, d.copies, d.required]));
    assert.deepEqual(p.fees.map((f) => [f.code, f.amount]), want.fees.map((f) => [f.code, f.amount]));
    assert.equal(p.publications.length, want.publications.length);
    if (want.owner) assert.equal(p.unit.code, want.owner);
    else assert.equal(p.unit, undefined);
  }
});

test('unknown procedure → 404', async () => {
  for (const code of ['9.999999', 'x', '1.001193%20', '..']) {
    assertProblem(await server.api('GET', `/api/v1/procedures/${code}`), 404, 'not-found', code);
  }
});

test('units: the tree is public', async () => {
  const res = await server.api('GET', `/api/v1/units?parent=${DISTRICT}`);
  assertStatus(res, 200);
  const want = UNITS.filter((u) => u.parent === DISTRICT);
  assert.deepEqual(res.body.items.map((u) => u.code).sort(), want.map((u) => u.code).sort());
  const one = await server.api('GET', `/api/v1/units/${DEPARTMENT}`);
  assertStatus(one, 200);
  assert.equal(one.body.name, 'Sở Tài nguyên và Môi trường');
  assert.equal(one.body.parent, '000.00.00.H56');
  assertProblem(await server.api('GET', '/api/v1/units/999.99.99.X00'), 404, 'not-found');
});

test('every reply carries the security headers; HEAD answers like GET without a body', async () => {
  const replies = [
    await server.api('GET', '/api/v1/procedures/1.001193'),
    await server.api('GET', '/api/v1/procedures/9.999999'),
    await server.api('GET', '/api/v1/dossiers'),
    await server.api('GET', '/healthz'),
  ];
  for (const r of replies) {
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
    assert.match(r.headers.get('content-security-policy') || '', /default-src 'none'/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.ok(r.headers.get('x-request-id'));
  }
  assert.notEqual(replies[0].headers.get('x-request-id'), replies[1].headers.get('x-request-id'));
  assert.equal(replies[1].body.request_id, replies[1].headers.get('x-request-id'), 'the problem names its request');
  for (const path of ['/api/v1/procedures/1.001193', '/api/v1/procedures/9.999999', '/api/v1/dossiers']) {
    const get = await fetch(server.base + path);
    const head = await fetch(server.base + path, { method: 'HEAD' });
    assert.equal(head.status, get.status, path);
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), path);
    assert.equal((await head.arrayBuffer()).byteLength, 0, path);
  }
});
