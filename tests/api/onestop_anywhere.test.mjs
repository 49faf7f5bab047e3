// The one-stop rules of today (Nghị định 118/2025/NĐ-CP; docs/province-2026.md):
// a procedure marked receivable regardless of administrative boundary is
// received at the centre of another commune, which gives the receipt (naming
// the competent unit) and no more; the dossier belongs to the competent unit
// (its code, its office hours, its desk's actions, its statistics), and the
// statistics count it apart at the centre that received it. A procedure not
// so marked is refused at a foreign centre with a precise problem, and nothing
// is stored. The server's clock is today's (after 1 July 2025); the rule of the
// days before is tested in tests/unit/test_app_dossier.c. Everything is read
// back through the API, so the test runs on both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, act, getDossier, duePreview, file, ok, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const T = '000.00.97.H56'; // a district made for the test
const A = '000.01.97.H56'; // commune A, whose centre receives for B
const B = '000.02.97.H56'; // commune B, the competent unit
const ANY = '1.997001'; // a commune procedure marked receivable anywhere
const OWNED = '1.997002'; // B's own procedure, marked
const PLAIN = '1.997003'; // a commune procedure not marked
const B_HOURS = '08:00-10:00'; // B's office hours: the due time follows them

let server;
let work;
const tok = {};

async function eventually(read, done, what) {
  let last;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

const dossiersOf = async (unit) =>
  (await ok(await server.api('GET', `/api/v1/dossiers?unit=${unit}&limit=200`, { token: tok.admin }), 200,
    `dossiers of ${unit}`)).total;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'motcua-onestop-'));
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  const unit = (code, name, level, parent) => server.api('POST', '/api/v1/units', { token: tok.admin,
    body: { code, name, level, parent } });
  await ok(await unit(T, 'UBND huyện Địa Giới', 'district', PROVINCE_UNIT), 201, 'district T');
  await ok(await unit(A, 'UBND xã An Nơi', 'commune', T), 201, 'commune A');
  await ok(await unit(B, 'UBND xã Bình Nơi', 'commune', T), 201, 'commune B');
  await ok(await server.api('PATCH', `/api/v1/units/${B}`, { token: tok.admin, body: { office_hours: B_HOURS } }),
    200, 'B office hours');
  const proc = (code, name, extra) => server.api('POST', '/api/v1/procedures', { token: tok.admin, body: {
    code, name, field: 'Chứng thực', levels: 'commune', duration_hours: 16, ...extra } });
  await ok(await proc(ANY, 'Chứng thực bản sao ở bất kỳ đâu', { anywhere: true }), 201, 'marked procedure');
  await ok(await proc(OWNED, 'Thủ tục riêng của xã Bình', { anywhere: true, unit: B }), 201, 'B procedure');
  await ok(await proc(PLAIN, 'Chứng thực chữ ký tại nơi cư trú', {}), 201, 'unmarked procedure');
  const user = (username, role, unitCode) => server.api('POST', '/api/v1/users', { token: tok.admin,
    body: { username, password: PASSWORD, full_name: `Cán bộ ${username}`, role, unit: unitCode } });
  await ok(await user('desk.a', 'desk', A), 201, 'desk of A');
  await ok(await user('desk.b', 'desk', B), 201, 'desk of B');
  await ok(await user('cv.b', 'specialist', B), 201, 'specialist of B');
  await ok(await user('lead.a', 'leader', A), 201, 'leader of A');
  for (const u of ['desk.a', 'desk.b', 'cv.b', 'lead.a']) tok[u] = await server.login(u);
  // The office hours reach the server's time rules within its reload interval.
  await eventually(() => server.api('GET', `/api/v1/units/${B}`), (r) => r.body.office_hours === B_HOURS, 'B hours');
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

test('the procedure shows whether it is received regardless of administrative boundary', async () => {
  const any = await ok(await server.api('GET', `/api/v1/procedures/${ANY}`), 200, 'marked');
  const plain = await ok(await server.api('GET', `/api/v1/procedures/${PLAIN}`), 200, 'unmarked');
  assert.equal(any.anywhere, true);
  assert.equal(plain.anywhere, false);
});

test("a desk at commune A receives a dossier for commune B's procedure; B decides it", async () => {
  const d = await file(server, tok['desk.a'], { procedure_code: ANY, unit: B });
  assert.equal(d.receiving_unit.code, B, 'the competent unit holds it');
  assert.equal(d.current_unit.code, B);
  assert.equal(d.reception_unit.code, A, 'the centre that received it is recorded');
  assert.ok(d.code.startsWith(`${B}-`), `the code is the competent unit's: ${d.code}`);
  assert.equal(d.state, 'received');
  assert.deepEqual(d.actions, [], 'the receiving centre has nothing more to do');
  // The due time is counted in B's office hours, not A's (the default).
  const inB = await duePreview(server, { from: d.received_at, hours: 16, unit: B });
  const inA = await duePreview(server, { from: d.received_at, hours: 16, unit: A });
  assert.notEqual(inB.due, inA.due, `the two units keep different hours: ${JSON.stringify([inA, inB])}`);
  assert.equal(d.due_at, inB.due);

  // A's desk sees it (its receipt), and acts on it no further.
  const seen = await getDossier(server, tok['desk.a'], d.code);
  assert.equal(seen.reception_unit.code, A);
  for (const [action, extra] of [['assign', {}], ['refuse', { note: 'thiếu giấy tờ' }],
    ['request_supplement', { note: 'bổ sung' }], ['withdraw', { note: 'rút' }]]) {
    assertProblem(await act(server, tok['desk.a'], d.code, action, extra), 403, 'out-of-scope', `A's desk: ${action}`);
  }
  assertProblem(await act(server, tok['lead.a'], d.code, 'resolve', { outcome: 'approved' }), 403, 'out-of-scope',
    "A's leader");
  assert.equal((await getDossier(server, tok.admin, d.code)).version, d.version, 'nothing changed');
  // B's desk and specialist take it from there.
  const atB = await getDossier(server, tok['desk.b'], d.code);
  assert.ok(atB.actions.includes('assign'), `B's desk may hand it on: ${atB.actions}`);
  assertStatus(await act(server, tok['desk.b'], d.code, 'assign'), 200, "B's desk hands it on");

  // The receipt is the centre's, and names the competent unit.
  const res = await fetch(`${server.base}/api/v1/dossiers/${d.code}/forms/01`,
    { headers: { Authorization: `Bearer ${tok['desk.a']}` } });
  assert.equal(res.status, 200);
  const pdf = join(work, 'receipt.pdf');
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  // After 1 July 2025 the desk is the commune's public administration service centre (docs/forms.md).
  assert.match(text, /Trung tâm Phục vụ hành chính công xã An Nơi tiếp nhận hồ sơ của/, text);
  assert.match(text, /không phụ thuộc địa giới hành chính; cơ quan có thẩm quyền giải quyết: UBND xã Bình Nơi/, text);
});

test("a procedure of B's own is routed to B without naming the unit", async () => {
  const d = await file(server, tok['desk.a'], { procedure_code: OWNED });
  assert.equal(d.receiving_unit.code, B);
  assert.equal(d.reception_unit.code, A);
  // At B's own centre nothing is recorded apart.
  const own = await file(server, tok['desk.b'], { procedure_code: ANY });
  assert.equal(own.receiving_unit.code, B);
  assert.equal(own.reception_unit, undefined);
});

test('an unmarked procedure is refused at a foreign centre, naming the rule; nothing is stored', async () => {
  const before = [await dossiersOf(A), await dossiersOf(B)];
  const res = await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'],
    body: { procedure_code: PLAIN, channel: 'direct', unit: B, applicant: { name: 'Lê Thị Hoa' } } });
  assertProblem(res, 422, 'not-receivable-here', 'unmarked procedure at A for B');
  assert.equal(res.body.field, 'unit');
  assert.equal(res.body.rule, 'boundary');
  assert.match(res.body.detail, /procedure 1\.997003 is not received regardless of administrative boundary/);
  assert.match(res.body.detail, new RegExp(`centre of ${B.replace(/\./g, '\\.')}`));
  // B's own procedure, unmarked, named by its owner.
  await ok(await server.api('PUT', `/api/v1/procedures/${OWNED}`, { token: tok.admin, body: {
    name: 'Thủ tục riêng của xã Bình', field: 'Chứng thực', levels: 'commune', duration_hours: 16, unit: B,
    anywhere: false } }), 200, 'unmark B procedure');
  const owned = await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'],
    body: { procedure_code: OWNED, channel: 'direct', applicant: { name: 'Lê Thị Hoa' } } });
  assertProblem(owned, 422, 'not-receivable-here', 'unmarked owned procedure at A');
  assert.equal(owned.body.field, 'procedure_code');
  // Unknown units, malformed input: the usual problems, before any rule.
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'],
    body: { procedure_code: ANY, channel: 'direct', unit: '999.99.99.X00', applicant: { name: 'Lê Thị Hoa' } } }),
  422, 'unknown-unit');
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'],
    body: { procedure_code: ANY, channel: 'direct', unit: { code: B }, applicant: { name: 'Lê Thị Hoa' } } }),
  422, 'invalid-field');
  // A marked procedure is still a commune's: not received for a district.
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok['desk.a'],
    body: { procedure_code: ANY, channel: 'direct', unit: T, applicant: { name: 'Lê Thị Hoa' } } }),
  422, 'invalid-field', 'a commune procedure for a district');
  assert.deepEqual([await dossiersOf(A), await dossiersOf(B)], before, 'nothing stored');
});

test('statistics count it at the competent unit, and apart at the centre that received it', async () => {
  const q = (u) => `/api/v1/stats?unit=${u}&from=${localDay()}&to=${localDay(1)}&group=unit`;
  const a = await ok(await server.api('GET', q(A), { token: tok.admin }), 200, 'stats A');
  const b = await ok(await server.api('GET', q(B), { token: tok.admin }), 200, 'stats B');
  const t = await ok(await server.api('GET', q(T), { token: tok.admin }), 200, 'stats T');
  // B received three (two at A's centre, one at its own); A none of its own.
  assert.equal(b.totals.received.total, 3);
  assert.equal(a.totals.received.total, 0);
  assert.deepEqual(a.received_by_centre, { for_other_units: 2, at_other_centres: 0 });
  assert.deepEqual(b.received_by_centre, { for_other_units: 0, at_other_centres: 2 });
  // Within the district both sides lie in the subtree: nothing crosses its boundary.
  assert.equal(t.totals.received.total, 3);
  assert.deepEqual(t.received_by_centre, { for_other_units: 0, at_other_centres: 0 });
  // By field and by procedure, the competent unit's rows hold them.
  const byProc = await ok(await server.api('GET', q(B).replace('group=unit', 'group=procedure'),
    { token: tok.admin }), 200, 'B by procedure');
  const row = byProc.rows.find((r) => r.key.code === ANY);
  assert.equal(row.received.total, 2);
});

// Nghị định 42/2022/NĐ-CP: "toàn trình" / "một phần" instead of levels 2–4, from
// the day the procedure was given its class; the level stays for the old periods.
test('online-service classes: stored with their day, shown in force, judging online filings', async () => {
  const CLS = '1.997004';
  const body = { name: 'Đăng ký thử dịch vụ trực tuyến', field: 'Hộ tịch', levels: 'commune', duration_hours: 8,
    online_level: 2 };
  await ok(await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: { code: CLS, ...body } }), 201,
    'a level 2 procedure');
  let p = await ok(await server.api('GET', `/api/v1/procedures/${CLS}`), 200, 'level 2');
  assert.deepEqual(p.online_service, { kind: 'level', level: 2 });
  assert.equal(p.online_class, undefined);
  const citizen = await server.login('congdan');
  const fileOnline = () => server.api('POST', '/api/v1/dossiers', { token: citizen,
    body: { procedure_code: CLS, channel: 'online', unit: A, applicant: { name: 'Trần Văn Bình' } } });
  assertProblem(await fileOnline(), 422, 'invalid-field', 'level 2 online');

  // Refused: a class that is none of the two, a class without its day, a day before the decree.
  const put = (extra) => server.api('PUT', `/api/v1/procedures/${CLS}`, { token: tok.admin, body: { ...body, ...extra } });
  for (const [extra, status, slug, field, rule] of [
    [{ online_class: 'level4', online_class_since: '2023-01-01' }, 422, 'invalid-field', 'online_class', 'choice'],
    [{ online_class: 'full' }, 422, 'missing-field', 'online_class_since', 'required'],
    [{ online_class_since: '2023-01-01' }, 422, 'missing-field', 'online_class', 'required'],
    [{ online_class: 'full', online_class_since: '2022-07-31' }, 422, 'invalid-field', 'online_class_since', 'range'],
    [{ online_class: 'full', online_class_since: '01/08/2022' }, 422, 'invalid-field', 'online_class_since', 'format'],
    [{ online_class: 'full', online_class_since: 20220801 }, 422, 'invalid-field', 'online_class_since', undefined],
  ]) {
    const res = await put(extra);
    assertProblem(res, status, slug, JSON.stringify(extra));
    assert.equal(res.body.field, field, JSON.stringify(extra));
    if (rule) assert.equal(res.body.rule, rule, JSON.stringify(extra));
  }
  p = await ok(await server.api('GET', `/api/v1/procedures/${CLS}`), 200, 'unchanged');
  assert.deepEqual(p.online_service, { kind: 'level', level: 2 });

  await ok(await put({ online_class: 'full', online_class_since: '2022-08-01' }), 200, 'full from 2022-08-01');
  p = await ok(await server.api('GET', `/api/v1/procedures/${CLS}`), 200, 'full');
  assert.equal(p.online_level, 2, 'the level of the old periods is kept');
  assert.equal(p.online_class, 'full');
  assert.equal(p.online_class_since, '2022-08-01');
  assert.deepEqual(p.online_service, { kind: 'class', class: 'full' });
  const list = await ok(await server.api('GET', `/api/v1/procedures?q=${encodeURIComponent('Đăng ký thử dịch vụ')}`), 200,
    'catalogue');
  assert.deepEqual(list.items.find((x) => x.code === CLS).online_service, { kind: 'class', class: 'full' });
  const d = await fileOnline();
  assertStatus(d, 201, 'a fully online service is filed online');
  assert.equal(d.body.state, 'submitted');

  // A class given for a day still to come leaves the level in force until then.
  await ok(await put({ online_class: 'partial', online_class_since: localDay(30) }), 200, 'partial next month');
  p = await ok(await server.api('GET', `/api/v1/procedures/${CLS}`), 200, 'partial later');
  assert.deepEqual(p.online_service, { kind: 'level', level: 2 });
  assertProblem(await fileOnline(), 422, 'invalid-field', 'level 2 until the class takes effect');
});
