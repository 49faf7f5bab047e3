// What the web application needs from the API to speak to people in their own
// language and to let them choose instead of type (issue 15): problems that name
// their field and rule (and the wait), telephone and identity numbers checked, the
// unit search the pickers use, a unit's officers with their workload, the working
// time a dossier is late by, the dossier code as people type it, the on-time chart
// that shows the worst units, and the cookie that tells the page someone signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import {
  stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT, APPLICANT, districtProcedure, file, actOk,
  UNITS,
} from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 200 });
  for (const u of ['admin', 'giamsat', 'tiepnhan', 'chuyenvien', 'lanhdao', 'congdan', 'tiepnhan.stnmt']) {
    tok[u] = await server.login(u);
  }
});

after(async () => {
  await stopServer(server);
});

// A problem naming its field and the rule it broke.
function assertField(res, status, slug, field, rule, what = '') {
  assertProblem(res, status, slug, what);
  assert.equal(res.body.field, field, `${what}: field of ${res.text}`);
  assert.equal(res.body.rule, rule, `${what}: rule of ${res.text}`);
}

const CITIZEN = { username: 'nguoi.moi', password: 'mat-khau-rat-dai-9', full_name: 'Người Mới' };

test('a bad or missing field is named in the problem with the rule it broke', async () => {
  const { password, username } = CITIZEN;
  assertField(await server.api('POST', '/api/v1/citizens', { body: { username, password } }),
    422, 'missing-field', 'full_name', 'required', 'no full name');
  assertField(await server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, password: 'ngan' } }),
    422, 'invalid-field', 'password', 'too-short', 'short password');
  assertField(await server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, username: 'Có Dấu' } }),
    422, 'invalid-field', 'username', 'format', 'username with capitals and spaces');
  assertField(await server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, email: 'no-at-sign' } }),
    422, 'invalid-field', 'email', 'format', 'e-mail');
  assertField(await server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, full_name: 42 } }),
    422, 'invalid-field', 'full_name', 'type', 'a number for a name');
  // nested fields by their path
  const procedure_code = districtProcedure().code;
  assertField(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { procedure_code, channel: 'direct',
    applicant: { ...APPLICANT, phone: 'abc' } } }), 422, 'invalid-field', 'applicant.phone', 'format', 'phone');
  assertField(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { procedure_code, channel: 'direct',
    applicant: APPLICANT, documents: [{ name: 'Tờ khai' }, { originals: 1 }] } }),
  422, 'missing-field', 'documents[1].name', 'required', 'a document without a name');
  assertField(await server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { procedure_code: 'không-có',
    channel: 'direct', applicant: APPLICANT } }), 422, 'unknown-procedure', 'procedure_code', 'unknown');
  // the hand-over to a username nobody has
  const d = await file(server, tok.tiepnhan);
  assertField(await server.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: tok.tiepnhan,
    body: { action: 'assign', handler: 'nobody' } }), 422, 'invalid-field', 'handler', 'unknown', 'handler');
  assertField(await server.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: tok.tiepnhan,
    body: { action: 'transfer', to_unit: '999.99.99.X99' } }), 422, 'unknown-unit', 'to_unit', 'unknown', 'to_unit');
  // administration
  assertField(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { name: 'UBND xã Mới', level: 'commune',
    parent: DISTRICT } }), 422, 'missing-field', 'code', 'required', 'a unit without a code');
  assertField(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { code: '999.01.33.H56',
    name: 'UBND xã Mới', level: 'village', parent: DISTRICT } }), 422, 'invalid-field', 'level', 'choice', 'level');
  // a query parameter too: the dashboard's period
  assertField(await server.api('GET', `/api/v1/stats?unit=${DISTRICT}&from=2017-07-01&to=2017-01-01`, { token: tok.lanhdao }),
    400, 'invalid-query', 'to', 'order', 'a period that ends before it starts');
  assertField(await server.api('GET', '/api/v1/dossiers?limit=5000', { token: tok.lanhdao }),
    400, 'invalid-query', 'limit', 'range', 'limit');
  // nothing was made of any of it
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username, password: CITIZEN.password } }),
    401, 'bad-credentials', 'no account was made');
  assertProblem(await server.api('GET', '/api/v1/units/999.01.33.H56'), 404, 'not-found', 'no unit was made');
});

test('a refused sign-in says how long to wait in the body too', async () => {
  for (let i = 0; i < 5; i++) {
    assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'giamsat', password: `sai-${i}` } }),
      401, 'bad-credentials');
  }
  const locked = await server.api('POST', '/api/v1/session', { body: { username: 'giamsat', password: PASSWORD } });
  assertProblem(locked, 429, 'too-many-attempts');
  assert.equal(typeof locked.body.retry_after, 'number');
  assert.equal(String(locked.body.retry_after), locked.headers.get('retry-after'));
  assert.ok(locked.body.retry_after > 60, `${locked.body.retry_after} seconds`);
});

// Vietnamese numbers: a mobile is 10 digits from 0, a landline 11 from 02; +84 stands for the 0.
const PHONES_OK = ['0912345678', '0912 345 678', '0912.345.678', '0912-345-678', '+84912345678', '+84 912 345 678',
  '0237 3852 366', '02373852366', '+84 237 3852 366'];
const PHONES_BAD = ['abc', '09', '091234567', '09123456789', '0012345678', '912345678', '+8491234567', '+1 202 555 0100',
  '0912  345678', '-0912345678', '0912345678x', '(0912) 345 678', '+84 0912 345 678'];
// A CCCD has 12 digits, the old CMND 9.
const IDS_OK = ['038190012345', '173456789'];
const IDS_BAD = ['12345', '0381900123456', '03819001234a', '12345678901', '0381 9001 2345', '038-190-012-345'];

test('telephone and identity numbers are checked at sign-up, in a filing and for a new account; nothing is stored', async () => {
  let n = 0;
  const before = (await server.api('GET', '/api/v1/dossiers?limit=1', { token: tok.tiepnhan })).body.total;
  const tries = [
    ['sign-up', (extra) => server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, username: `so.${++n}`, ...extra } }), ''],
    ['filing', (extra) => server.api('POST', '/api/v1/dossiers', { token: tok.tiepnhan, body: { procedure_code: districtProcedure().code,
      channel: 'direct', applicant: { name: 'Phạm Thị Số', ...extra } } }), 'applicant.'],
    ['account', (extra) => server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...CITIZEN, username: `cb.${++n}`,
      role: 'specialist', unit: DISTRICT, ...extra } }), ''],
  ];
  for (const [where, send, prefix] of tries) {
    for (const phone of PHONES_BAD) {
      // a value blank once trimmed counts as absent; every other is refused
      assertField(await send({ phone }), 422, 'invalid-field', prefix + 'phone', 'format', `${where}: phone ${JSON.stringify(phone)}`);
    }
    for (const id_number of IDS_BAD) {
      assertField(await send({ id_number }), 422, 'invalid-field', prefix + 'id_number', 'format', `${where}: id ${id_number}`);
    }
  }
  assert.equal((await server.api('GET', '/api/v1/dossiers?limit=1', { token: tok.tiepnhan })).body.total, before, 'no dossier filed');
  const users = (await server.api('GET', '/api/v1/users', { token: tok.admin })).body.items.map((u) => u.username);
  assert.ok(!users.some((u) => /^(so|cb)\.\d+$/.test(u)), 'no account made');
  // the numbers people write are accepted, as written
  for (const [i, phone] of PHONES_OK.entries()) {
    const id_number = IDS_OK[i % IDS_OK.length];
    const d = await file(server, tok.tiepnhan, { applicant: { name: 'Phạm Thị Số', phone, id_number } });
    assert.equal(d.applicant.phone, phone.trim());
    assert.equal(d.applicant.id_number, id_number);
  }
  const ok = await server.api('POST', '/api/v1/citizens', { body: { ...CITIZEN, username: 'so.dung', phone: '+84 912 345 678',
    id_number: '038190012345' } });
  assertStatus(ok, 202, 'sign-up with good numbers');
  const made = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...CITIZEN, username: 'cb.dung',
    role: 'specialist', unit: DISTRICT, phone: '0237 3852 366' } });
  assertStatus(made, 201, 'account with a landline');
  assert.equal(made.body.phone, '0237 3852 366');
});

test('GET /api/v1/units: search without diacritics, with the parent, by level and parent, paged', async () => {
  const res = await server.api('GET', '/api/v1/units?q=ba%20dinh%20thanh%20hoa&limit=5');
  assertStatus(res, 200);
  const first = res.body.items[0];
  assert.equal(first.name, 'UBND phường Ba Đình');
  assert.equal(first.parent_name, 'UBND thành phố Thanh Hóa');
  assert.equal(first.parent, UNITS.find((u) => u.name === 'UBND thành phố Thanh Hóa').code);
  // typed with diacritics, in capitals, or by the start of a word: the same units
  const folded = await server.api('GET', '/api/v1/units?q=ba%20dinh&level=commune');
  const marked = await server.api('GET', `/api/v1/units?q=${encodeURIComponent('BA ĐÌNH')}&level=commune`);
  assert.deepEqual(marked.body.items.map((u) => u.code), folded.body.items.map((u) => u.code));
  const names = folded.body.items.map((u) => u.name);
  assert.deepEqual(names.slice(0, 3).sort(), ['UBND phường Ba Đình', 'UBND phường Ba Đình', 'UBND xã Ba Đình'],
    'the three named Ba Đình first');
  assert.equal(folded.body.total, folded.body.items.length);
  // two units of one name are told apart by their parents
  const dup = folded.body.items.filter((u) => u.name === 'UBND phường Ba Đình');
  assert.equal(new Set(dup.map((u) => u.parent_name)).size, 2);
  // a level, a list of levels, a parent's children in name order
  const districts = await server.api('GET', '/api/v1/units?level=district');
  assert.equal(districts.body.total, UNITS.filter((u) => u.level === 'district').length);
  const two = await server.api('GET', '/api/v1/units?level=province,department&limit=3');
  assert.equal(two.body.total, UNITS.filter((u) => u.level === 'province' || u.level === 'department').length);
  assert.equal(two.body.items.length, 3);
  assert.equal(two.body.items[0].level, 'province', 'the province first');
  const kids = await server.api('GET', `/api/v1/units?parent=${DISTRICT}`);
  assert.ok(kids.body.total > 10);
  for (const u of kids.body.items) assert.equal(u.parent, DISTRICT);
  const plain = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();
  const kidNames = kids.body.items.map((u) => plain(u.name));
  assert.deepEqual(kidNames, [...kidNames].sort(), 'in name order');
  // pages add up
  const p1 = await server.api('GET', `/api/v1/units?parent=${DISTRICT}&limit=10`);
  const p2 = await server.api('GET', `/api/v1/units?parent=${DISTRICT}&limit=10&offset=10`);
  assert.deepEqual([...p1.body.items, ...p2.body.items].map((u) => u.code), kids.body.items.slice(0, 20).map((u) => u.code));
  // an officer's scope: the unit and its subtree
  const within = await server.api('GET', `/api/v1/units?within=${DISTRICT}&q=quang`);
  assert.ok(within.body.total > 5);
  for (const u of within.body.items) assert.ok(u.code === DISTRICT || u.parent === DISTRICT, u.code);
  assert.equal((await server.api('GET', `/api/v1/units?within=${DISTRICT}`)).body.total, kids.body.total + 1);
  assert.equal((await server.api('GET', '/api/v1/units?within=999.99.99.X99')).body.total, 0);
  // the code as printed
  const code = await server.api('GET', `/api/v1/units?q=${DISTRICT}`);
  assert.equal(code.body.items[0].code, DISTRICT);
  // nothing matches, an unknown parent has no children
  assert.equal((await server.api('GET', '/api/v1/units?q=xyzw%20qqq')).body.total, 0);
  assert.equal((await server.api('GET', '/api/v1/units?parent=999.99.99.X99')).body.total, 0);
  // bad parameters
  assertField(await server.api('GET', '/api/v1/units?level=village'), 400, 'invalid-query', 'level', 'choice');
  assertField(await server.api('GET', '/api/v1/units?level=commune,'), 400, 'invalid-query', 'level', 'choice');
  assertField(await server.api('GET', '/api/v1/units?limit=0'), 400, 'invalid-query', 'limit', 'range');
  assertField(await server.api('GET', `/api/v1/units?q=${'a'.repeat(201)}`), 400, 'invalid-query', 'q', 'format');
  assertProblem(await server.api('GET', '/api/v1/units?q=%FF'), 400, 'invalid-query');
  // without parameters: every unit, as before
  assert.equal((await server.api('GET', '/api/v1/units')).body.items.length, UNITS.length);
});

test('GET /api/v1/units/{code}/officers: whom to hand over to, with the dossiers each has in hand', async () => {
  const res = await server.api('GET', `/api/v1/units/${DISTRICT}/officers`, { token: tok.tiepnhan });
  assertStatus(res, 200);
  assert.equal(res.body.unit.code, DISTRICT);
  const byName = Object.fromEntries(res.body.items.map((o) => [o.username, o]));
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao']) assert.ok(byName[u], `${u} is an officer of the district`);
  assert.ok(!res.body.items.some((o) => o.role === 'citizen'));
  // each count is what the officer's own queue holds in hand
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao']) {
    let inHand = 0;
    for (const state of ['received', 'processing', 'supplement_requested', 'awaiting_payment']) {
      inHand += (await server.api('GET', `/api/v1/dossiers?mine=true&state=${state}&limit=1`, { token: tok[u] })).body.total;
    }
    assert.equal(byName[u].open_dossiers, inHand, u);
  }
  const loads = res.body.items.map((o) => o.open_dossiers);
  assert.deepEqual(loads, [...loads].sort((a, b) => a - b), 'the least loaded first');
  // handing one more over shows
  const d = await file(server, tok.tiepnhan);
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  const after = await server.api('GET', `/api/v1/units/${DISTRICT}/officers`, { token: tok.lanhdao });
  assert.equal(after.body.items.find((o) => o.username === 'chuyenvien').open_dossiers, byName.chuyenvien.open_dossiers + 1);
  // who may ask, about which unit
  assertProblem(await server.api('GET', `/api/v1/units/${DISTRICT}/officers`), 401, 'unauthenticated');
  assertProblem(await server.api('GET', `/api/v1/units/${DISTRICT}/officers`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await server.api('GET', `/api/v1/units/${DEPARTMENT}/officers`, { token: tok.tiepnhan }), 403, 'out-of-scope');
  assertProblem(await server.api('GET', `/api/v1/units/${DISTRICT}/officers`, { token: tok['tiepnhan.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await server.api('GET', '/api/v1/units/999.99.99.X99/officers', { token: tok.giamsat }), 404, 'not-found');
  // the province's supervisor sees any unit's
  assertStatus(await server.api('GET', `/api/v1/units/${DEPARTMENT}/officers`, { token: tok.giamsat }), 200);
});

test('a dossier says by how much working time it is late: overdue while open, late once resolved', async () => {
  const list = (await server.api('GET', '/api/v1/dossiers?limit=200&open=true', { token: tok.giamsat })).body.items;
  const overdue = list.filter((d) => d.timeliness === 'overdue' && !d.paused_at);
  assert.ok(overdue.length, 'the demo has overdue dossiers');
  const d = overdue[0];
  const ask = async () => (await server.api('GET', `/api/v1/stats/overdue?unit=000.00.00.H56&limit=200`, { token: tok.giamsat }))
    .body.items.find((x) => x.code === d.code).overdue_minutes;
  const lo = await ask();
  const mine = (await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.giamsat })).body.overdue_minutes;
  const hi = await ask();
  assert.ok(lo <= mine && mine <= hi, `${lo} <= ${mine} <= ${hi}: the working minutes the overdue list counts`);
  for (const x of list) {
    if (x.timeliness === 'overdue' || x.timeliness === 'late') assert.ok(x.overdue_minutes >= 0, x.code);
    else assert.equal(x.overdue_minutes, undefined, `${x.code} is ${x.timeliness}`);
  }
  const done = (await server.api('GET', '/api/v1/dossiers?limit=200&state=returned', { token: tok.giamsat })).body.items;
  const late = done.filter((x) => x.timeliness === 'late');
  assert.ok(late.length, 'the demo has dossiers resolved late');
  for (const x of late) assert.ok(x.overdue_minutes > 0, x.code);
  for (const x of done.filter((y) => y.timeliness !== 'late')) assert.equal(x.overdue_minutes, undefined, x.code);
});

test('the public lookup finds a code typed in lower case, with spaces or with a typographic dash', async () => {
  const d = await file(server, tok.tiepnhan);
  const [unit, day, seq] = [d.code.slice(0, -12), d.code.slice(-11, -5), d.code.slice(-4)];
  for (const typed of [d.code.toLowerCase(), ` ${unit} - ${day} - ${seq} `, `${unit}\u2013${day}\u2013${seq}`,
    `${unit.toLowerCase()} -${day}- ${seq}`]) {
    const res = await server.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(typed)}`);
    assertStatus(res, 200, JSON.stringify(typed));
    assert.equal(res.body.code, d.code);
  }
  assertProblem(await server.api('GET', `/api/v1/public/dossiers/${encodeURIComponent(d.code.replace(/\d{4}$/, '9999'))}`),
    404, 'not-found');
  assertProblem(await server.api('GET', '/api/v1/public/dossiers/khong%20phai%20ma'), 404, 'not-found');
});

test('the QR code of a dossier\'s lookup address, for the filing-success screen and the printed receipt', async () => {
  const d = await file(server, tok.tiepnhan);
  const res = await server.api('GET', `/api/v1/public/dossiers/${d.code}/qr.svg`);
  assertStatus(res, 200);
  assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(res.text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.ok(res.text.includes(`<title>${d.code}</title>`));
  assert.match(res.text, /<path fill="#000" d="(M\d+ \d+h\d+v1h-\d+z)+"\/>/);
  // a code that names no dossier gets no picture
  assertProblem(await server.api('GET', `/api/v1/public/dossiers/${d.code.replace(/\d{4}$/, '9999')}/qr.svg`), 404, 'not-found');
  assertProblem(await server.api('GET', '/api/v1/public/dossiers/bat-ky-chu-nao/qr.svg'), 404, 'not-found');
});

test('the on-time chart by unit shows the worst units first, with the count behind each rate', async () => {
  const q = 'from=2017-01-01&to=2018-01-01';
  const stats = (await server.api('GET', `/api/v1/stats?unit=000.00.00.H56&${q}&group=unit`, { token: tok.giamsat })).body;
  const svg = await server.api('GET', `/api/v1/stats/chart.svg?kind=units&unit=000.00.00.H56&${q}`, { token: tok.giamsat });
  assertStatus(svg, 200);
  // the figures in words, in the order of the bars
  const desc = svg.text.match(/<desc>(.*?)<\/desc>/s)[1].replace(/^.*?\d{4}\. /s, '');
  const bars = [...desc.matchAll(/ ?([^;]+?): ([\d,]+) % \((\d+)\/(\d+)\);/g)]
    .map(([, name, rate, good, all]) => ({ name, rate: Number(rate.replace(',', '.')), good: Number(good), all: Number(all) }));
  const rows = stats.rows.filter((r) => r.resolved.total > 0);
  assert.equal(bars.length, Math.min(15, rows.length));
  const rates = rows.map((r) => (r.resolved.early + r.resolved.on_time) / r.resolved.total).sort((a, b) => a - b);
  assert.equal(bars[0].rate, Math.round(rates[0] * 1000) / 10, 'the worst unit comes first');
  for (let i = 1; i < bars.length; i++) assert.ok(bars[i - 1].rate <= bars[i].rate, 'lowest first');
  for (const b of bars) {
    const row = rows.find((r) => b.name === r.key.name || b.name === `${r.key.name} (tại đơn vị)`);
    assert.ok(row, b.name);
    assert.equal(b.all, row.resolved.total, `${b.name}: dossiers resolved`);
    assert.equal(b.good, row.resolved.early + row.resolved.on_time, `${b.name}: on time`);
  }
  assert.ok(bars.at(-1).rate < 100 || rates.filter((r) => r < 1).length < 15, 'the bars are not the units at 100 %');
});

test('signing in sets a cookie the page may read, which says only that someone is signed in; signing out clears it', async () => {
  const res = await server.api('POST', '/api/v1/session', { body: { username: 'lanhdao', password: PASSWORD } });
  assertStatus(res, 201);
  const cookies = res.headers.getSetCookie();
  const marker = cookies.find((c) => c.startsWith('motcua_signed_in='));
  assert.ok(marker, JSON.stringify(cookies));
  const attrs = marker.split(';').map((s) => s.trim());
  assert.equal(attrs[0], 'motcua_signed_in=1', 'no secret in it');
  assert.ok(!attrs.includes('HttpOnly'), 'the page reads it');
  assert.ok(attrs.includes('Path=/') && attrs.includes('SameSite=Strict'));
  const session = cookies.find((c) => c.startsWith('motcua_session=')).split(';')[0];
  // it is not a session: alone it signs no one in
  assertProblem(await server.api('GET', '/api/v1/session', { headers: { Cookie: 'motcua_signed_in=1' } }), 401, 'unauthenticated');
  const out = await server.api('DELETE', '/api/v1/session', { headers: { Cookie: session } });
  assertStatus(out, 204);
  assert.ok(out.headers.getSetCookie().some((c) => /^motcua_signed_in=;.*Max-Age=0/.test(c)), 'cleared');
});
