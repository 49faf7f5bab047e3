// The reform index over the procedure catalogue (docs/par-index.md §3): the
// computed criteria `procedures_published` and `online_services` counted by
// the server are checked against counts made here from the procedures the
// mark's link lists, each read whole (documents, publications, class): the
// demo's 2017 communes of Quảng Xương, and 2025 (the online classes from
// their day) for the district and a department. Runs on SQLite and, through
// scripts/test_pg.sh, on PostgreSQL. Every case of the store's count (in
// force, abolished, another level, online or not, the period's edges) is in
// test_store_contract.c (test_par_procedures) on both engines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertStatus, DISTRICT, DEPARTMENT, PROVINCE } from './helpers.mjs';

let server;
const tok = {};
const api = (...a) => server.api(...a);
const COMMUNES = PROVINCE.units.filter((u) => u.parent === DISTRICT).map((u) => u.code);
const CRITERIA = [
  { code: '1', name: 'Thủ tục được công bố, công khai', max: 10, method: 'computed', formula: 'procedures_published' },
  { code: '2', name: 'Dịch vụ công trực tuyến', max: 20, method: 'computed', formula: 'online_services' },
  { code: '3', name: 'Tự đánh giá', max: 70, method: 'self' },
];
const whole = new Map();

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'giamsat']) tok[u] = await server.login(u);
});
after(() => stopServer(server));

async function listAll(path) {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const res = await api('GET', `${path}&limit=200&offset=${offset}`, { token: tok.admin });
    assertStatus(res, 200, path);
    all.push(...res.body.items);
    if (all.length >= res.body.total || res.body.items.length === 0) return all;
  }
}

async function procedure(code) {
  if (!whole.has(code)) {
    const res = await api('GET', `/api/v1/procedures/${encodeURIComponent(code)}`, { token: tok.admin });
    assertStatus(res, 200, code);
    whole.set(code, res.body);
  }
  return whole.get(code);
}

// In force some day of the year: first published (new or standardised) by
// its last day or never, not abolished on or before its first day; abolished
// without a record is not in force.
function inForce(p, year) {
  const pubs = p.publications;
  const firsts = pubs.filter((x) => x.kind === 'new' || x.kind === 'standardised').map((x) => x.date).sort();
  const abolished = pubs.filter((x) => x.kind === 'abolished').map((x) => x.date);
  if (p.status === 'abolished' && abolished.length === 0) return false;
  if (abolished.some((d) => d <= `${year}-01-01`)) return false;
  return !(firsts.length && firsts[0] > `${year}-12-31`);
}

function online(p, year) {
  const last = `${year}-12-31`;
  if (p.online_class_since && p.online_class_since <= last) return ['full', 'partial'].includes(p.online_class);
  return p.online_level >= 3;
}

const posted = (p) => p.documents.length > 0 && p.duration_hours > 0 && p.legal_basis !== '';

async function check(year, group, units) {
  let res = await api('POST', '/api/v1/par/frameworks', {
    token: tok.admin, body: { year, group, units, criteria: CRITERIA },
  });
  assertStatus(res, 201, 'create');
  const fw = res.body.id;
  res = await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: tok.giamsat });
  assertStatus(res, 200, 'compute');
  let handledSomewhere = 0;
  for (const unit of units) {
    const s = await api('GET', `/api/v1/par/frameworks/${fw}/units/${unit}`, { token: tok.giamsat });
    assertStatus(s, 200);
    const mark = (formula) => s.body.criteria.find((c) => c.formula === formula).mark;
    const pub = mark('procedures_published'), onl = mark('online_services');
    assert.equal(pub.figures.link, `/api/v1/procedures?unit=${unit}&include_abolished=true&limit=200`);
    assert.equal(onl.figures.link, pub.figures.link);
    const handled = [];
    for (const item of await listAll(pub.figures.link.replace(/&limit=\d+/, ''))) {
      const p = await procedure(item.code);
      if (inForce(p, year)) handled.push(p);
    }
    const nPosted = handled.filter(posted).length, nOnline = handled.filter((p) => online(p, year)).length;
    assert.equal(pub.figures.denominator, handled.length, `${year} ${unit}: procedures handled`);
    assert.equal(pub.figures.numerator, nPosted, `${year} ${unit}: publicly posted`);
    assert.equal(onl.figures.denominator, handled.length, `${year} ${unit}: procedures handled`);
    assert.equal(onl.figures.numerator, nOnline, `${year} ${unit}: online`);
    if (handled.length) {
      assert.equal(onl.value, Math.round(20 * 100 * nOnline / handled.length) / 100, `${unit}: points`);
    }
    handledSomewhere += handled.length;
  }
  assert.ok(handledSomewhere > 0, `${year} ${group}: the units handle procedures`);
}

test("the 2017 communes' procedures published and online services are counted as the catalogue says", async () => {
  assert.ok(COMMUNES.length >= 4, 'Quảng Xương has communes in the demo');
  await check(2017, 'commune', COMMUNES);
});

test('in 2025 the online classes count from their day, for the district and a department', async () => {
  await check(2025, 'district', [DISTRICT]);
  await check(2025, 'department', [DEPARTMENT]);
});
