// What the web application needs from the server (issue 3): its static files
// served from memory with a strict CSP, the procedure catalogue's
// administration and fields, the actions a caller may take on a dossier,
// result documents, and satisfaction ratings with the unit index.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { startServer } from './harness.mjs';
import {
  stopServer, PROVINCE, DISTRICT, DEPARTMENT, districtProcedure, assertProblem, assertStatus,
  file, act, actOk, getDossier, PROCEDURES, localDay } from './helpers.mjs';

let server;
let web;
const tok = {};

const INDEX = '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>motcua</title>' +
  '<script type="module" src="/js/app.js"></script></head><body><main id="app"></main></body></html>\n';
const FILES = {
  'index.html': INDEX,
  'js/app.js': 'export const app = "motcua";\n',
  'css/site.css': 'body { margin: 0; }\n',
  'img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
  'img/icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]),
  'favicon.ico': Buffer.from([0, 0, 1, 0, 1, 0]),
  'fonts/be-vietnam.woff2': Buffer.from('wOF2 not really a font'),
  'i18n/vi.json': '{"hello":"Xin chào"}',
  'docs/index.html': '<!doctype html><title>docs</title>',
  '.env': 'SECRET=1\n',
  '.git/config': '[core] secret\n',
  'big.js': Buffer.alloc(2 * 1024 * 1024 + 1, 0x20),
  // worth compressing: over 256 bytes, and repetitive
  'js/pages/long.js': `export const words = ${JSON.stringify('Một cửa điện tử. '.repeat(120))};\n`,
};

const CSP_TAIL = "; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:; font-src 'self'; " +
  "object-src 'none'; frame-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const WEB_CSP = "default-src 'self'; script-src 'self'" + CSP_TAIL;

// The version of a file in its URL (?v=): 64-bit FNV-1a of its bytes, as http/static.c makes it.
function version(content) {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(content)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

// index.html as served: an import map giving every module its versioned URL right after
// <meta charset>, and every file the page names with its version; the map is the page's
// one inline script, allowed by its hash.
const MAP = JSON.stringify({ imports: Object.fromEntries(Object.keys(FILES).sort()
  .filter((f) => f.endsWith('.js') && f !== 'big.js').map((f) => ['/' + f, `/${f}?v=${version(FILES[f])}`])) });
const SERVED_INDEX = INDEX.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n<script type="importmap">${MAP}</script>`)
  .replace('src="/js/app.js"', `src="/js/app.js?v=${version(FILES['js/app.js'])}"`);
const INDEX_CSP = "default-src 'self'; script-src 'self' " +
  `'sha256-${createHash('sha256').update(MAP).digest('base64')}'` + CSP_TAIL;

// One GET with exactly these headers (fetch adds Accept-Encoding and undoes gzip by itself).
function plainGet(path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(server.base + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  web = mkdtempSync(join(tmpdir(), 'motcua-web-'));
  for (const [name, content] of Object.entries(FILES)) {
    const path = join(web, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  server = await startServer({ dossiers: 20, env: { MOTCUA_WEB_ROOT: web } });
  for (const u of ['admin', 'giamsat', 'tiepnhan', 'chuyenvien', 'lanhdao', 'congdan',
    'tiepnhan.stnmt', 'chuyenvien.stnmt', 'lanhdao.stnmt']) {
    tok[u] = await server.login(u);
  }
  const citizen = { username: 'tran.van.binh', password: 'mat-khau-rat-dai-2', full_name: 'Trần Văn Bình',
    email: 'binh@example.vn', phone: '0987000111', id_number: '038195009988' };
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: citizen }), 202, 'second citizen');
  tok.binh = await server.login(citizen.username, citizen.password);
});

after(async () => {
  await stopServer(server);
  rmSync(web, { recursive: true, force: true });
});

// ---- static files -----------------------------------------------------------

// One raw HTTP/1.1 request, so that paths reach the server exactly as written.
function rawGet(path) {
  const { port } = new URL(server.base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
}

test('static: the files of web_root with their types, an ETag, no-cache and the strict CSP', async () => {
  const cases = [
    ['/', 'text/html; charset=utf-8', SERVED_INDEX],
    ['/index.html', 'text/html; charset=utf-8', SERVED_INDEX],
    ['/js/app.js', 'text/javascript; charset=utf-8', FILES['js/app.js']],
    ['/css/site.css', 'text/css; charset=utf-8', FILES['css/site.css']],
    ['/img/logo.svg', 'image/svg+xml', FILES['img/logo.svg']],
    ['/i18n/vi.json', 'application/json; charset=utf-8', FILES['i18n/vi.json']],
    ['/docs/', 'text/html; charset=utf-8', FILES['docs/index.html']],
  ];
  const etags = new Set();
  for (const [path, type, body] of cases) {
    const res = await server.api('GET', path);
    assertStatus(res, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    assert.equal(res.text, body, path);
    assert.equal(res.headers.get('cache-control'), 'no-cache', path);
    assert.equal(res.headers.get('content-security-policy'), body === SERVED_INDEX ? INDEX_CSP : WEB_CSP, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    // fetch accepts gzip: a file worth compressing comes compressed, with its own tag
    assert.match(res.headers.get('etag'), /^"[0-9a-f]{16}(-gz)?"$/, path);
    etags.add(res.headers.get('etag'));
  }
  assert.equal(etags.size, cases.length - 1, 'one ETag per content (/ and /index.html share one)');
  for (const [path, type, bytes] of [['/img/icon.png', 'image/png', FILES['img/icon.png']],
    ['/favicon.ico', 'image/x-icon', FILES['favicon.ico']],
    ['/fonts/be-vietnam.woff2', 'font/woff2', FILES['fonts/be-vietnam.woff2']]]) {
    const res = await fetch(server.base + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get('content-type'), type, path);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes, path);
  }
  // the API keeps its own, stricter policy
  const api = await server.api('GET', '/api/v1/procedures?limit=1');
  assertStatus(api, 200);
  assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
});

test('static: If-None-Match gives 304; HEAD gives the headers only', async () => {
  const first = await server.api('GET', '/js/app.js');
  const etag = first.headers.get('etag');
  for (const inm of [etag, `W/${etag}`, `"0000000000000000", ${etag}`, '*']) {
    const res = await server.api('GET', '/js/app.js', { headers: { 'If-None-Match': inm } });
    assert.equal(res.status, 304, inm);
    assert.equal(res.text, '', inm);
    assert.equal(res.headers.get('etag'), etag, inm);
  }
  const other = await server.api('GET', '/js/app.js', { headers: { 'If-None-Match': '"0000000000000000"' } });
  assertStatus(other, 200);
  assert.equal(other.text, FILES['js/app.js']);
  const head = await server.api('HEAD', '/', { headers: { 'Accept-Encoding': 'identity' } });
  assertStatus(head, 200);
  assert.equal(head.text, '');
  assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(SERVED_INDEX)));
  assert.equal(head.headers.get('content-type'), 'text/html; charset=utf-8');
});

test('static: the application\'s routes get index.html; a missing file gets 404', async () => {
  for (const path of ['/tra-cuu/000.00.33.H56-170302-0001', '/thu-tuc/1.001193', '/ho-so-cua-toi',
    '/can-bo/hang-doi', '/can-bo/ho-so/000.00.33.H56-170302-0001', '/dang-nhap?next=/ho-so-cua-toi']) {
    const res = await server.api('GET', path);
    assertStatus(res, 200, path);
    assert.equal(res.text, SERVED_INDEX, path);
    assert.equal(res.headers.get('content-security-policy'), INDEX_CSP, path);
  }
  for (const path of ['/missing.js', '/img/none.png', '/js/app.js.map', '/index.htm']) {
    assertProblem(await server.api('GET', path), 404, 'not-found', path);
  }
  // the API is never the application
  assertProblem(await server.api('GET', '/api/v1/nothing-here'), 404, 'not-found');
  assertProblem(await server.api('GET', '/api'), 404, 'not-found');
  assertProblem(await server.api('GET', '/api/'), 404, 'not-found');
  assertStatus(await server.api('GET', '/healthz'), 200);
  // the application's pages take GET and HEAD only
  const post = await server.api('POST', '/index.html', { body: {} });
  assertProblem(post, 405, 'method-not-allowed');
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
});

test('static: dotfiles, files over 2 MiB and paths out of the folder are never served', async () => {
  assertProblem(await server.api('GET', '/.env'), 404, 'not-found', 'dotfile');
  const git = await server.api('GET', '/.git/config');
  assert.ok(!git.text.includes('secret'), 'a dot folder is not published');
  assertProblem(await server.api('GET', '/big.js'), 404, 'not-found', 'file over 2 MiB');
  assert.match(server.stderr(), /leaving out .*big\.js: larger than 2097152 bytes/);
  for (const path of ['/../harness.mjs', '/%2e%2e/%2e%2e/etc/passwd', '/js/../../etc/passwd',
    '/..%2f..%2fetc%2fpasswd', '//etc/passwd']) {
    const reply = await rawGet(path);
    assert.ok(!reply.includes('root:'), `${path} reads no file outside web_root`);
    assert.ok(!reply.includes('startServer'), `${path} reads no file outside web_root`);
  }
});

test('static: files are read once at start-up', async () => {
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>changed</title>');
  writeFileSync(join(web, 'new.js'), 'new');
  const res = await server.api('GET', '/');
  assert.equal(res.text, SERVED_INDEX);
  assertProblem(await server.api('GET', '/new.js'), 404, 'not-found');
  writeFileSync(join(web, 'index.html'), INDEX);
});

// Issue 15: files named with their version are cached for a year; the page that names
// them is checked each time, so a release reaches every browser at its next visit.
test('static: a file asked for with its version keeps a year; the page and unversioned URLs are checked each time', async () => {
  const v = version(FILES['js/app.js']);
  const fresh = await plainGet(`/js/app.js?v=${v}`);
  assert.equal(fresh.status, 200);
  assert.equal(fresh.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(fresh.body.toString(), FILES['js/app.js']);
  for (const path of ['/js/app.js', '/js/app.js?v=0000000000000000', '/', '/index.html', '/tra-cuu']) {
    assert.equal((await plainGet(path)).headers['cache-control'], 'no-cache', path);
  }
  // every module the page can import is in its map, with its version
  const page = (await plainGet('/')).body.toString();
  const map = JSON.parse(page.match(/<script type="importmap">(.*?)<\/script>/)[1]);
  assert.deepEqual(map, JSON.parse(MAP));
  assert.ok(page.indexOf('<script type="importmap">') < page.indexOf('<script type="module"'), 'the map comes first');
});

// Issue 15: compressed once at load, sent to those who accept gzip, with its own ETag.
test('static: text files go gzip-compressed to a client that accepts it, and plain to one that does not', async () => {
  const body = FILES['js/pages/long.js'];
  const gz = await plainGet('/js/pages/long.js', { 'Accept-Encoding': 'br, gzip;q=0.8, deflate' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(gunzipSync(gz.body).toString(), body);
  assert.ok(gz.body.length < Buffer.byteLength(body) / 5, `compressed ${gz.body.length} of ${Buffer.byteLength(body)}`);
  assert.match(gz.headers.etag, /^"[0-9a-f]{16}-gz"$/);
  assert.equal((await plainGet('/js/pages/long.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag })).status, 304);
  for (const ae of [undefined, 'identity', 'gzip;q=0', 'br', '*;q=0']) {
    const plain = await plainGet('/js/pages/long.js', ae ? { 'Accept-Encoding': ae } : {});
    assert.equal(plain.headers['content-encoding'], undefined, String(ae));
    assert.equal(plain.body.toString(), body, String(ae));
    assert.match(plain.headers.etag, /^"[0-9a-f]{16}"$/, String(ae));
  }
  // images are not compressed again; files too small are sent as they are
  assert.equal((await plainGet('/img/icon.png', { 'Accept-Encoding': 'gzip' })).headers['content-encoding'], undefined);
  assert.equal((await plainGet('/js/app.js', { 'Accept-Encoding': 'gzip' })).headers['content-encoding'], undefined);
});

test('API replies over 1 KiB of JSON go gzip-compressed to a client that accepts it; small ones as they are', async () => {
  const plain = await plainGet('/api/v1/units');
  const gz = await plainGet('/api/v1/units', { 'Accept-Encoding': 'gzip' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(gunzipSync(gz.body)), JSON.parse(plain.body));
  assert.ok(gz.body.length * 4 < plain.body.length, `${gz.body.length} of ${plain.body.length} bytes`);
  const small = await plainGet('/healthz', { 'Accept-Encoding': 'gzip' });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(JSON.parse(small.body).status, 'ok');
  // a problem too, when large enough: still JSON once inflated
  const bad = await plainGet(`/api/v1/procedures?q=${'x'.repeat(300)}`, { 'Accept-Encoding': 'gzip' });
  assert.equal(bad.status, 400);
});

test('static: without web_root the server serves the API only', async () => {
  const bare = await startServer({ demo: false, env: { MOTCUA_WEB_ROOT: join(web, 'no-such-folder') } });
  try {
    assertProblem(await bare.api('GET', '/'), 404, 'not-found');
    assertProblem(await bare.api('GET', '/tra-cuu/000.00.33.H56-170302-0001'), 404, 'not-found');
    assertStatus(await bare.api('GET', '/healthz'), 200);
    const lines = bare.stderr().split('\n').filter((l) => l.includes('serving the API only'));
    assert.equal(lines.length, 1, bare.stderr());
  } finally {
    await stopServer(bare);
  }
});

// ---- procedures: fields and administration ------------------------------------

test('GET /api/v1/procedures/fields: the active procedures by field, optionally of a level', async () => {
  const res = await server.api('GET', '/api/v1/procedures/fields');
  assertStatus(res, 200);
  const active = PROCEDURES.filter((p) => p.status === 'active');
  const expected = {};
  for (const p of active) expected[p.field] = (expected[p.field] || 0) + 1;
  assert.deepEqual(Object.fromEntries(res.body.items.map((x) => [x.field, x.count])), expected);
  for (let i = 1; i < res.body.items.length; i++) {
    assert.ok(res.body.items[i - 1].count >= res.body.items[i].count, 'most procedures first');
  }
  const commune = await server.api('GET', '/api/v1/procedures/fields?level=commune');
  assertStatus(commune, 200);
  assert.ok(commune.body.items.length > 0);
  for (const { field, count } of commune.body.items) {
    const q = new URLSearchParams({ field, level: 'commune', limit: '1' });
    const list = await server.api('GET', `/api/v1/procedures?${q}`);
    assert.equal(list.body.total, count, `${field}: the same count as the catalogue search`);
  }
  assertProblem(await server.api('GET', '/api/v1/procedures/fields?level=city'), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/procedures/fields?level='), 400, 'invalid-query');
});

const NEW_PROC = Object.freeze({
  code: '2.999001',
  name: 'Cấp giấy phép tổ chức lễ hội',
  field: 'Văn hóa',
  levels: 'district',
  unit: null,
  duration_hours: 40,
  online_duration_hours: 32,
  cutoff: '15:30',
  restart_on_supplement: true,
  online_level: 3,
  status: 'active',
  target: 'Tổ chức',
  result: 'Giấy phép tổ chức lễ hội',
  legal_basis: 'Nghị định số 110/2018/NĐ-CP ngày 29/8/2018 của Chính phủ',
  place: 'Bộ phận tiếp nhận và trả kết quả UBND cấp huyện',
  steps: [
    { seq: 1, name: 'Tiếp nhận hồ sơ', role: 'desk', unit_level: 'district', hours: 4 },
    { seq: 2, name: 'Thẩm định', role: 'specialist', unit_level: 'district', hours: 28 },
    { seq: 3, name: 'Phê duyệt', role: 'leader', unit_level: 'district', hours: 8 },
  ],
  documents: [
    { seq: 1, name: 'Văn bản đề nghị', originals: 1, copies: 0, form: 'Mẫu số 01', required: true },
    { seq: 2, name: 'Chương trình lễ hội', originals: 0, copies: 1, form: null, required: false },
  ],
  fees: [{ code: 'LP01', name: 'Lệ phí cấp phép', amount: 150000 }],
  publications: [{ kind: 'new', decision: 'Quyết định 1234/QĐ-UBND', date: '2019-05-20' }],
});

// The detail as POST/PUT should return it: GET's shape.
function expectedDetail(p) {
  const d = { ...p, duration_days: p.duration_hours / 8 };
  if (!d.unit) delete d.unit;
  if (!d.online_duration_hours) delete d.online_duration_hours;
  if (!d.cutoff) delete d.cutoff;
  d.documents = p.documents.map((x) => ({ ...x, form: x.form || null }));
  // not received regardless of administrative boundary unless marked; no class of
  // Nghị định 42/2022 given, so the level is the service in force (docs/province-2026.md)
  d.anywhere = Boolean(p.anywhere);
  d.online_service = { kind: 'level', level: p.online_level };
  return d;
}

test('POST /api/v1/procedures: an administrator adds a procedure; GET shows the same', async () => {
  const res = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: NEW_PROC });
  assertStatus(res, 201, 'create');
  assert.equal(res.headers.get('location'), `/api/v1/procedures/${NEW_PROC.code}`);
  assert.deepEqual(res.body, expectedDetail(NEW_PROC));
  const get = await server.api('GET', `/api/v1/procedures/${NEW_PROC.code}`);
  assertStatus(get, 200);
  assert.deepEqual(get.body, res.body);
  // it is in the search and the fields at once
  const found = await server.api('GET', '/api/v1/procedures?q=le+hoi');
  assert.ok(found.body.items.some((x) => x.code === NEW_PROC.code), 'found without diacritics');
  const fields = await server.api('GET', '/api/v1/procedures/fields?level=district');
  assert.deepEqual(fields.body.items.find((x) => x.field === 'Văn hóa'), { field: 'Văn hóa', count: 1 });
  // a desk officer can file it straight away
  const d = await file(server, tok.tiepnhan, { procedure_code: NEW_PROC.code });
  assert.equal(d.duration_hours, 40);

  // the same code again: 409, nothing changed
  const dup = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: { ...NEW_PROC, name: 'Khác hẳn' } });
  assertProblem(dup, 409, 'duplicate');
  assert.equal((await server.api('GET', `/api/v1/procedures/${NEW_PROC.code}`)).body.name, NEW_PROC.name);
});

test('PUT /api/v1/procedures/{code}: what GET returns goes back unchanged; edits replace every part', async () => {
  // a demo procedure owned by a department, round-tripped
  const owned = PROVINCE.procedures.find((p) => p.owner === DEPARTMENT);
  const before = (await server.api('GET', `/api/v1/procedures/${owned.code}`)).body;
  assert.equal(before.unit.code, DEPARTMENT);
  const same = await server.api('PUT', `/api/v1/procedures/${owned.code}`, { token: tok.admin, body: before });
  assertStatus(same, 200, 'round trip');
  assert.deepEqual(same.body, before);

  // an edit: new name, times, steps, no fees, abolished
  const edit = { ...NEW_PROC, name: 'Cấp giấy phép tổ chức lễ hội truyền thống', duration_hours: 24,
    online_duration_hours: 0, cutoff: null, restart_on_supplement: false, online_level: 4, status: 'abolished',
    levels: ['district', 'commune'],
    steps: [{ name: 'Tiếp nhận', role: 'desk', unit_level: 'commune', hours: 8 },
      { name: 'Phê duyệt', role: 'leader', unit_level: 'district', hours: 16 }],
    fees: [], publications: [...NEW_PROC.publications,
      { kind: 'abolished', decision: 'Quyết định 99/QĐ-UBND', date: '2024-02-29' }] };
  delete edit.code;
  const res = await server.api('PUT', `/api/v1/procedures/${NEW_PROC.code}`, { token: tok.admin, body: edit });
  assertStatus(res, 200, 'edit');
  assert.equal(res.body.name, edit.name);
  assert.equal(res.body.levels, 'district,commune');
  assert.equal(res.body.duration_hours, 24);
  assert.equal(res.body.online_duration_hours, undefined);
  assert.equal(res.body.cutoff, undefined);
  assert.equal(res.body.online_level, 4);
  assert.equal(res.body.status, 'abolished');
  assert.deepEqual(res.body.steps.map((s) => [s.seq, s.name, s.hours]), [[1, 'Tiếp nhận', 8], [2, 'Phê duyệt', 16]]);
  assert.deepEqual(res.body.fees, []);
  assert.deepEqual(res.body.publications.map((p) => p.date), ['2019-05-20', '2024-02-29']);
  assert.deepEqual((await server.api('GET', `/api/v1/procedures/${NEW_PROC.code}`)).body, res.body);
  // abolished: no new dossiers, and not among the active fields
  const filing = await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan,
    body: { procedure_code: NEW_PROC.code, channel: 'direct', applicant: { name: 'Lê Văn C' } } });
  assertProblem(filing, 422, 'invalid-field');
  const fields = await server.api('GET', '/api/v1/procedures/fields');
  assert.equal(fields.body.items.find((x) => x.field === 'Văn hóa'), undefined);

  // unknown code: 404, nothing created
  const body = { ...NEW_PROC };
  delete body.code;
  assertProblem(await server.api('PUT', '/api/v1/procedures/9.999999', { token: tok.admin, body }), 404, 'not-found');
  assertProblem(await server.api('GET', '/api/v1/procedures/9.999999'), 404, 'not-found');
});

test('procedure administration: administrators only', async () => {
  assertProblem(await server.api('POST', '/api/v1/procedures', { body: NEW_PROC }), 401, 'unauthenticated');
  for (const u of ['tiepnhan', 'lanhdao', 'giamsat', 'congdan']) {
    assertProblem(await server.api('POST', '/api/v1/procedures', { token: tok[u], body: { ...NEW_PROC, code: '2.999009' } }),
      403, 'forbidden', u);
    assertProblem(await server.api('PUT', `/api/v1/procedures/${NEW_PROC.code}`, { token: tok[u], body: NEW_PROC }),
      403, 'forbidden', u);
  }
  assertProblem(await server.api('GET', '/api/v1/procedures/2.999009'), 404, 'not-found');
});

test('procedure administration: every kind of bad body → a precise 4xx, nothing written', async () => {
  const code = '2.999002';
  const bad = [
    [{ code: 'a/b' }, 422, 'invalid-field', /code/],
    [{ code: 'có dấu' }, 422, 'invalid-field', /code/],
    [{ code: 'fields' }, 422, 'invalid-field', /code/],
    [{ code: 'x'.repeat(32) }, 422, 'invalid-field', /code/],
    [{ code: 2999002 }, 422, 'invalid-field', /code must be a string/],
    [{ name: undefined }, 422, 'missing-field', /name is required/],
    [{ name: 'x'.repeat(301) }, 422, 'invalid-field', /name is longer than 300/],
    [{ field: '' }, 422, 'invalid-field', /field must be non-empty text/],
    [{ levels: undefined }, 422, 'missing-field', /levels is required/],
    [{ levels: 'city' }, 422, 'invalid-field', /levels/],
    [{ levels: 'district,district' }, 422, 'invalid-field', /each once/],
    [{ levels: [] }, 422, 'invalid-field', /levels/],
    [{ levels: [1] }, 422, 'invalid-field', /levels/],
    [{ levels: 7 }, 422, 'invalid-field', /levels/],
    [{ unit: '999.99.99.H99' }, 422, 'unknown-unit', /unit/],
    [{ unit: DEPARTMENT }, 422, 'invalid-field', /not among the levels/],
    [{ unit: 12 }, 422, 'invalid-field', /unit/],
    [{ duration_hours: 0 }, 422, 'invalid-field', /duration_hours must be between 1/],
    [{ duration_hours: '40' }, 422, 'invalid-field', /duration_hours must be an integer/],
    [{ duration_hours: 40.5 }, 422, 'invalid-field', /duration_hours/],
    [{ online_duration_hours: -1 }, 422, 'invalid-field', /online_duration_hours/],
    [{ online_level: 5 }, 422, 'invalid-field', /online_level must be between 2 and 4/],
    [{ online_level: 1 }, 422, 'invalid-field', /online_level/],
    [{ status: 'closed' }, 422, 'invalid-field', /status must be active or abolished/],
    [{ cutoff: '25:00' }, 422, 'invalid-field', /cutoff/],
    [{ cutoff: '7:30' }, 422, 'invalid-field', /cutoff/],
    [{ restart_on_supplement: 'yes' }, 422, 'invalid-field', /restart_on_supplement must be true or false/],
    [{ legal_basis: 'x'.repeat(2001) }, 422, 'invalid-field', /legal_basis/],
    [{ steps: {} }, 422, 'invalid-field', /steps must be an array/],
    [{ steps: Array.from({ length: 31 }, () => NEW_PROC.steps[0]) }, 422, 'invalid-field', /steps has more than 30/],
    [{ steps: [{ ...NEW_PROC.steps[0], role: 'admin' }, ...NEW_PROC.steps.slice(1)] }, 422, 'invalid-field', /steps\[0\]\.role/],
    [{ steps: [{ ...NEW_PROC.steps[0], unit_level: 'city' }, ...NEW_PROC.steps.slice(1)] }, 422, 'invalid-field', /steps\[0\]\.unit_level/],
    [{ steps: [{ ...NEW_PROC.steps[0], hours: -1 }, ...NEW_PROC.steps.slice(1)] }, 422, 'invalid-field', /steps\[0\]\.hours/],
    [{ steps: [{ ...NEW_PROC.steps[0], name: undefined }] }, 422, 'missing-field', /steps\[0\]\.name/],
    [{ steps: NEW_PROC.steps.slice(1) }, 422, 'invalid-field', /add up to 36, not to duration_hours \(40\)/],
    [{ steps: ['Tiếp nhận'] }, 422, 'invalid-field', /steps\[0\]\. must be an object/],
    [{ documents: [{ name: 'Tờ khai', originals: -1 }] }, 422, 'invalid-field', /documents\[0\]\.originals/],
    [{ documents: [{ originals: 1 }] }, 422, 'missing-field', /documents\[0\]\.name/],
    [{ documents: [{ name: 'Tờ khai', required: 1 }] }, 422, 'invalid-field', /documents\[0\]\.required/],
    [{ fees: [{ name: 'Lệ phí', amount: -5 }] }, 422, 'invalid-field', /fees\[0\]\.amount/],
    [{ fees: [{ name: 'Lệ phí' }] }, 422, 'missing-field', /fees\[0\]\.amount/],
    [{ publications: [{ kind: 'repealed', decision: 'QĐ 1', date: '2019-01-01' }] }, 422, 'invalid-field', /publications\[0\]\.kind/],
    [{ publications: [{ kind: 'new', decision: 'QĐ 1', date: '2019-02-30' }] }, 422, 'invalid-field', /publications\[0\]\.date/],
    [{ publications: [{ kind: 'new', decision: 'QĐ 1', date: '20/5/2019' }] }, 422, 'invalid-field', /publications\[0\]\.date/],
  ];
  for (const [change, status, slug, detail] of bad) {
    const body = { ...NEW_PROC, code, ...change };
    for (const k of Object.keys(change)) if (change[k] === undefined) delete body[k];
    const res = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body });
    assertProblem(res, status, slug, JSON.stringify(change).slice(0, 80));
    assert.match(res.body.detail, detail, JSON.stringify(change).slice(0, 80));
  }
  const created = await server.api('GET', `/api/v1/procedures/${code}`);
  assertProblem(created, 404, 'not-found', 'nothing was created');
  assertProblem(await server.api('POST', '/api/v1/procedures', { token: tok.admin, raw: '{"code":', headers: { 'Content-Type': 'application/json' } }),
    400, 'malformed-json');
  assertProblem(await server.api('POST', '/api/v1/procedures', { token: tok.admin, raw: 'code=1', headers: { 'Content-Type': 'text/plain' } }),
    415, 'unsupported-media-type');

  // an update with a bad body leaves the procedure as it was
  const owned = PROVINCE.procedures.find((p) => p.owner === DEPARTMENT);
  const before = (await server.api('GET', `/api/v1/procedures/${owned.code}`)).body;
  for (const change of [{ code: '1.000000' }, { steps: [{ ...before.steps[0], hours: before.duration_hours + 1 }] },
    { levels: 'commune' }, { name: '' }]) {
    const res = await server.api('PUT', `/api/v1/procedures/${owned.code}`, { token: tok.admin, body: { ...before, ...change } });
    assertProblem(res, 422, 'invalid-field', JSON.stringify(change));
  }
  assert.deepEqual((await server.api('GET', `/api/v1/procedures/${owned.code}`)).body, before);
});

// ---- allowed actions ----------------------------------------------------------

const ALL_ACTIONS = ['receive', 'refuse', 'request_supplement', 'supplement', 'assign', 'transfer',
  'request_payment', 'pay', 'resolve', 'return', 'withdraw', 'stop'];
const EXTRA = { note: 'Lý do', outcome: 'approved', to_unit: DEPARTMENT };

async function actionsOf(user, code) {
  const d = await getDossier(server, tok[user], code);
  assert.ok(Array.isArray(d.actions), `${user}: actions is a list`);
  return d.actions;
}

// Every action not in the caller's list is refused, and changes nothing.
async function assertOthersRefused(user, code) {
  const allowed = await actionsOf(user, code);
  const before = await getDossier(server, tok.admin, code);
  for (const a of ALL_ACTIONS.filter((x) => !allowed.includes(x))) {
    const res = await act(server, tok[user], code, a, EXTRA);
    assert.ok([403, 404, 409].includes(res.status), `${user} ${a} not listed, yet ${res.status} ${res.text}`);
  }
  const now = await getDossier(server, tok.admin, code);
  assert.equal(now.version, before.version, `${user}: nothing changed`);
  return allowed;
}

test('actions: each caller sees what they may do now, and the handler agrees', async () => {
  const d = await file(server, tok.tiepnhan, {});
  assert.deepEqual(d.actions, ['refuse', 'request_supplement', 'assign', 'withdraw'], 'in the filing reply too');
  assert.deepEqual(await assertOthersRefused('tiepnhan', d.code), ['refuse', 'request_supplement', 'assign', 'withdraw']);
  // a specialist does not assign a dossier the desk has not handed on
  assert.deepEqual(await assertOthersRefused('chuyenvien', d.code), ['request_supplement']);
  assert.deepEqual(await assertOthersRefused('lanhdao', d.code), ['request_supplement', 'stop']);
  assert.deepEqual(await actionsOf('giamsat', d.code), []);
  assert.deepEqual(await actionsOf('admin', d.code), []);

  const p = await actOk(server, tok.tiepnhan, d.code, 'assign');
  assert.equal(p.state, 'processing');
  assert.deepEqual(p.actions, ['request_supplement', 'withdraw'], 'in the action reply too');
  assert.deepEqual(await assertOthersRefused('tiepnhan', d.code), ['request_supplement', 'withdraw']);
  assert.deepEqual(await assertOthersRefused('chuyenvien', d.code),
    ['request_supplement', 'assign', 'transfer', 'request_payment']);
  assert.deepEqual(await assertOthersRefused('lanhdao', d.code),
    ['request_supplement', 'assign', 'transfer', 'request_payment', 'resolve', 'stop']);

  // transferred to the department: its officers act; the district desk keeps the desk side
  await actOk(server, tok.chuyenvien, d.code, 'transfer', { to_unit: DEPARTMENT });
  assert.deepEqual(await assertOthersRefused('lanhdao', d.code), []);
  assert.deepEqual(await assertOthersRefused('tiepnhan', d.code), ['withdraw']);
  assert.deepEqual(await assertOthersRefused('lanhdao.stnmt', d.code),
    ['request_supplement', 'assign', 'transfer', 'request_payment', 'resolve', 'stop']);
  assert.deepEqual(await actionsOf('tiepnhan.stnmt', d.code), ['request_supplement']);
  assertProblem(await act(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' }), 403, 'out-of-scope');

  await actOk(server, tok['lanhdao.stnmt'], d.code, 'request_payment');
  assert.deepEqual(await assertOthersRefused('tiepnhan', d.code), ['pay', 'withdraw']);
  assert.deepEqual(await actionsOf('lanhdao.stnmt', d.code), ['stop']);
  await actOk(server, tok.tiepnhan, d.code, 'pay');
  await actOk(server, tok['lanhdao.stnmt'], d.code, 'resolve', { outcome: 'approved' });
  assert.deepEqual(await assertOthersRefused('tiepnhan', d.code), ['return']);
  assert.deepEqual(await actionsOf('lanhdao.stnmt', d.code), []);
  const returned = await actOk(server, tok.tiepnhan, d.code, 'return');
  assert.deepEqual(returned.actions, []);
});

test('actions: a citizen sees the actions on their own dossier', async () => {
  const proc = districtProcedure({ online: true });
  const d = await file(server, tok.congdan, { procedure_code: proc.code, channel: 'online', unit: DISTRICT });
  assert.deepEqual(d.actions, ['withdraw']);
  assert.deepEqual(await actionsOf('tiepnhan', d.code), ['receive', 'refuse', 'request_supplement', 'withdraw']);
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Thiếu giấy chứng sinh' });
  assert.deepEqual(await assertOthersRefused('congdan', d.code), ['supplement', 'withdraw']);
  assert.equal(d.can_rate, false);
  // another citizen does not see it at all
  assertProblem(await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.binh }), 404, 'not-found');
});

// ---- result documents ---------------------------------------------------------

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const LICENCE = Buffer.from('%PDF-1.4\n% Giấy phép đã ký số\ntrailer << >>\n%%EOF\n');

async function upload(token, bytes) {
  const res = await server.api('POST', '/api/v1/attachments', { token, raw: bytes, headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(res, 201, 'upload');
  return res.body.sha256;
}

// An online dossier of congdan taken to resolved; returns its code.
async function resolvedOnline({ documents } = {}) {
  const proc = districtProcedure({ online: true });
  const input = await upload(tok.congdan, PDF);
  const d = await file(server, tok.congdan, { procedure_code: proc.code, channel: 'online', unit: DISTRICT,
    documents: [{ name: 'Tờ khai', originals: 1, attachment: input, filename: 'to-khai.pdf' }] });
  await actOk(server, tok.tiepnhan, d.code, 'receive');
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  const extra = { outcome: 'approved' };
  if (documents) extra.documents = documents;
  const r = await actOk(server, tok.lanhdao, d.code, 'resolve', extra);
  return { code: d.code, input, resolved: r };
}

test('result documents: resolve attaches the result; the citizen downloads it; others cannot', async () => {
  const sha = await upload(tok.lanhdao, LICENCE);
  assert.equal(sha, createHash('sha256').update(LICENCE).digest('hex'));
  const { code, input, resolved } = await resolvedOnline({
    documents: [{ name: 'Giấy phép', originals: 1, attachment: sha, filename: 'giay-phep.pdf' }],
  });
  assert.deepEqual(resolved.documents.map((x) => [x.seq, x.name, x.kind]),
    [[1, 'Tờ khai', 'input'], [2, 'Giấy phép', 'result']]);
  assert.equal(resolved.documents[0].attachment.sha256, input);
  assert.deepEqual(resolved.documents[1].attachment,
    { sha256: sha, filename: 'giay-phep.pdf', mime: 'application/pdf', size: LICENCE.length });
  await actOk(server, tok.tiepnhan, code, 'return');

  const mine = await getDossier(server, tok.congdan, code);
  assert.equal(mine.documents[1].kind, 'result');
  const dl = await fetch(`${server.base}/api/v1/attachments/${sha}`, { headers: { Authorization: `Bearer ${tok.congdan}` } });
  assert.equal(dl.status, 200);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), LICENCE);
  assertProblem(await server.api('GET', `/api/v1/attachments/${sha}`, { token: tok.binh }), 404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/attachments/${sha}`, { token: tok['chuyenvien.stnmt'] }), 404, 'not-found');
});

test('result documents: only supplement and resolve take documents; a bad one changes nothing', async () => {
  const d = await file(server, tok.tiepnhan, {});
  const before = await getDossier(server, tok.tiepnhan, d.code);
  const doc = [{ name: 'Giấy phép', originals: 1 }];
  for (const a of ['assign', 'refuse', 'withdraw']) {
    const res = await act(server, tok.tiepnhan, d.code, a, { documents: doc, note: 'Lý do' });
    assertProblem(res, 422, 'invalid-field', a);
    assert.match(res.body.detail, /documents go with supplement .* or resolve/);
  }
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  for (const [documents, slug] of [
    [[{ name: 'Giấy phép', attachment: '0'.repeat(64) }], 'invalid-field'],
    [[{ name: 'Giấy phép', attachment: 'xyz' }], 'invalid-field'],
    [[{ originals: 1 }], 'missing-field'],
    ['Giấy phép', 'invalid-field'],
    [Array.from({ length: 51 }, () => ({ name: 'x' })), 'invalid-field'],
  ]) {
    const res = await act(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved', documents });
    assertProblem(res, 422, slug, JSON.stringify(documents).slice(0, 60));
  }
  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.state, 'processing');
  assert.equal(now.documents.length, before.documents.length);
  assert.ok(now.documents.every((x) => x.kind === 'input'));
  // a paper result is a result too
  const r = await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved', documents: doc });
  assert.deepEqual(r.documents.map((x) => x.kind), ['input', 'result']);
  assert.equal(r.documents[1].attachment, undefined);
});

// ---- ratings ------------------------------------------------------------------

const CRITERIA = Object.freeze({ total_time: 2, agency_time: 2, contacts: 1, agencies: 2, reception: 2,
  transparency: 1, attitude: 2 });

function rate(token, code, body) {
  return server.api('POST', `/api/v1/dossiers/${code}/rating`, { token, body });
}

let ratedCode;

test('ratings: the owner rates a returned dossier once; bad ratings change nothing', async () => {
  const { code } = await resolvedOnline();
  const good = { criteria: CRITERIA, overall: 'very_satisfied', comment: 'Cán bộ hướng dẫn tận tình.' };
  // not yet returned
  assertProblem(await rate(tok.congdan, code, good), 409, 'forbidden-transition');
  assert.equal((await getDossier(server, tok.congdan, code)).can_rate, false);
  await actOk(server, tok.tiepnhan, code, 'return');
  let d = await getDossier(server, tok.congdan, code);
  assert.equal(d.can_rate, true);
  assert.equal(d.rating, undefined);
  assert.equal((await getDossier(server, tok.tiepnhan, code)).can_rate, false, 'only its owner rates it');

  const bad = [
    [{ overall: 'satisfied' }, 422, 'missing-field', /criteria is required/],
    [{ criteria: [], overall: 'satisfied' }, 422, 'invalid-field', /criteria must be an object/],
    [{ criteria: { ...CRITERIA, attitude: undefined }, overall: 'satisfied' }, 422, 'missing-field', /criteria\.attitude is required/],
    [{ criteria: { ...CRITERIA, contacts: 3 }, overall: 'satisfied' }, 422, 'invalid-field', /criteria\.contacts must be between 0 and 2/],
    [{ criteria: { ...CRITERIA, contacts: -1 }, overall: 'satisfied' }, 422, 'invalid-field', /criteria\.contacts/],
    [{ criteria: { ...CRITERIA, reception: '2' }, overall: 'satisfied' }, 422, 'invalid-field', /criteria\.reception must be an integer/],
    [{ criteria: { ...CRITERIA, reception: 1.5 }, overall: 'satisfied' }, 422, 'invalid-field', /criteria\.reception/],
    [{ criteria: { ...CRITERIA, speed: 2 }, overall: 'satisfied' }, 422, 'invalid-field', /criteria\.speed is not a criterion/],
    [{ criteria: CRITERIA }, 422, 'missing-field', /overall is required/],
    [{ criteria: CRITERIA, overall: 'happy' }, 422, 'invalid-field', /overall must be very_satisfied, satisfied or not_satisfied/],
    [{ criteria: CRITERIA, overall: 2 }, 422, 'invalid-field', /overall must be a string/],
    [{ criteria: CRITERIA, overall: 'satisfied', comment: 'x'.repeat(1001) }, 422, 'invalid-field', /comment is longer than 1000/],
    [{ criteria: CRITERIA, overall: 'satisfied', comment: 5 }, 422, 'invalid-field', /comment must be a string/],
    [{ criteria: CRITERIA, overall: 'satisfied', comment: 'a\u0007b' }, 422, 'invalid-field', /comment must be non-empty text without control characters/],
  ];
  for (const [body, status, slug, detail] of bad) {
    const res = await rate(tok.congdan, code, body);
    assertProblem(res, status, slug, JSON.stringify(body).slice(0, 80));
    assert.match(res.body.detail, detail);
  }
  assertProblem(await server.api('POST', `/api/v1/dossiers/${code}/rating`, { token: tok.congdan, raw: '[1]', headers: { 'Content-Type': 'application/json' } }),
    400, 'malformed-json');
  assertProblem(await server.api('POST', `/api/v1/dossiers/${code}/rating`, { token: tok.congdan, raw: 'x', headers: { 'Content-Type': 'text/plain' } }),
    415, 'unsupported-media-type');
  assertProblem(await rate(undefined, code, good), 401, 'unauthenticated');
  assertProblem(await rate(tok.tiepnhan, code, good), 403, 'forbidden', 'officers do not rate');
  assertProblem(await rate(tok.binh, code, good), 404, 'not-found', 'another citizen');
  // another's dossier is nothing, whatever the body: no field checked before whose it is
  assertProblem(await rate(tok.binh, code, { overall: 'satisfied' }), 404, 'not-found', 'another citizen, a body missing its criteria');
  assertProblem(await rate(tok.congdan, `${DISTRICT}-170101-9999`, {}), 404, 'not-found', 'no such dossier, an empty body');
  assertProblem(await rate(tok.congdan, `${DISTRICT}-170101-9999`, good), 404, 'not-found', 'no such dossier');
  d = await getDossier(server, tok.congdan, code);
  assert.equal(d.can_rate, true, 'nothing was recorded');

  const res = await rate(tok.congdan, code, good);
  assertStatus(res, 201, 'rating');
  assert.deepEqual(res.body.criteria, CRITERIA);
  assert.equal(res.body.overall, 'very_satisfied');
  assert.equal(res.body.comment, good.comment);
  assert.match(res.body.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
  d = await getDossier(server, tok.congdan, code);
  assert.equal(d.can_rate, false);
  assert.deepEqual(d.rating, res.body);
  assert.deepEqual((await getDossier(server, tok.lanhdao, code)).rating, res.body, 'officers see it');
  assertProblem(await rate(tok.congdan, code, { ...good, overall: 'not_satisfied' }), 409, 'duplicate');
  assert.deepEqual((await getDossier(server, tok.congdan, code)).rating, res.body, 'the first rating stays');
  ratedCode = code;
});

test('ratings: the summary of a unit subtree and period, within the caller\'s scope', async () => {
  assert.ok(ratedCode, 'a dossier was rated');
  // a second one, not satisfied, without a comment
  const { code } = await resolvedOnline();
  await actOk(server, tok.tiepnhan, code, 'return');
  const zeros = Object.fromEntries(Object.keys(CRITERIA).map((k) => [k, 0]));
  assertStatus(await rate(tok.congdan, code, { criteria: zeros, overall: 'not_satisfied', comment: '   ' }), 201);
  assert.equal((await getDossier(server, tok.congdan, code)).rating.comment, null);

  const expected = {
    count: 2,
    criteria: Object.fromEntries(Object.entries(CRITERIA).map(([k, v]) => [k, v / 2])),
    overall: { very_satisfied: 1, satisfied: 0, not_satisfied: 1 },
    satisfaction_index: 50,
  };
  const mine = await server.api('GET', '/api/v1/ratings/summary', { token: tok.lanhdao });
  assertStatus(mine, 200);
  assert.deepEqual(mine.body, { unit: { code: DISTRICT, name: mine.body.unit.name }, from: null, to: null, ...expected });
  const period = await server.api('GET', `/api/v1/ratings/summary?unit=${DISTRICT}&from=${localDay()}&to=${localDay()}`,
    { token: tok.giamsat });
  assertStatus(period, 200);
  assert.deepEqual(period.body, { unit: mine.body.unit, from: localDay(), to: localDay(), ...expected });
  const province = await server.api('GET', '/api/v1/ratings/summary', { token: tok.admin });
  assert.equal(province.body.count, 2, 'the province subtree holds the district');
  const past = await server.api('GET', `/api/v1/ratings/summary?unit=${DISTRICT}&from=2017-01-01&to=2017-12-31`,
    { token: tok.lanhdao });
  assertStatus(past, 200);
  assert.equal(past.body.count, 0);
  assert.equal(past.body.satisfaction_index, null);
  assert.ok(Object.values(past.body.criteria).every((v) => v === null));
  assert.deepEqual(past.body.overall, { very_satisfied: 0, satisfied: 0, not_satisfied: 0 });
  const later = await server.api('GET', `/api/v1/ratings/summary?from=${localDay(1)}`, { token: tok.lanhdao });
  assert.equal(later.body.count, 0);
  const dept = await server.api('GET', '/api/v1/ratings/summary', { token: tok['lanhdao.stnmt'] });
  assert.equal(dept.body.count, 0, 'ratings count for the receiving unit');

  assertProblem(await server.api('GET', '/api/v1/ratings/summary?unit=000.00.00.H56', { token: tok.lanhdao }), 403, 'out-of-scope');
  assertProblem(await server.api('GET', `/api/v1/ratings/summary?unit=${DISTRICT}`, { token: tok['lanhdao.stnmt'] }), 403, 'out-of-scope');
  for (const u of ['chuyenvien', 'tiepnhan', 'congdan']) {
    assertProblem(await server.api('GET', '/api/v1/ratings/summary', { token: tok[u] }), 403, 'forbidden', u);
  }
  assertProblem(await server.api('GET', '/api/v1/ratings/summary'), 401, 'unauthenticated');
  for (const q of ['from=2024-13-01', 'to=2024-02-30', 'from=2024-1-1', 'from=2024-01-01T00:00', 'from=yesterday',
    'from=2024-02-01&to=2024-01-31', 'unit=999.99.99.H99']) {
    assertProblem(await server.api('GET', `/api/v1/ratings/summary?${q}`, { token: tok.giamsat }), 400, 'invalid-query', q);
  }
});
