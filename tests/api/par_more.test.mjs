// The reform index over the documents and tasks modules (docs/par-index.md
// §3): the computed criteria `documents_signed` and `tasks_on_time` counted
// by the server are checked against counts made here from the records the
// criterion's link lists (the demo's 2017 tasks, Quảng Xương's communes
// carrying their delegated parts); and a framework's units must belong to
// its group (422). Runs on SQLite and, through scripts/test_pg.sh, on
// PostgreSQL. The store's counts of every case (signed or not, sent or
// pending, suspended, extended, another year) are in test_store_contract.c
// (test_par_counts) on both engines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT, PROVINCE } from './helpers.mjs';

let server;
const tok = {};
const api = (...a) => server.api(...a);
const COMMUNES = PROVINCE.units.filter((u) => u.parent === DISTRICT).map((u) => u.code);
const CRITERIA = [
  { code: '1', name: 'Văn bản đi gửi điện tử có chữ ký số', max: 10, method: 'computed', formula: 'documents_signed' },
  { code: '2', name: 'Nhiệm vụ hoàn thành đúng hạn', max: 20, method: 'computed', formula: 'tasks_on_time' },
  { code: '3', name: 'Tự đánh giá', max: 70, method: 'self' },
];

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'giamsat', 'lanhdao']) tok[u] = await server.login(u);
});
after(() => stopServer(server));

async function listAll(path) {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const res = await api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200&offset=${offset}`, { token: tok.admin });
    assertStatus(res, 200, path);
    all.push(...res.body.items);
    if (all.length >= res.body.total || res.body.items.length === 0) return all;
  }
}

test('tasks done on time and documents sent signed are counted as the records say', async () => {
  assert.ok(COMMUNES.length >= 4, 'Quảng Xương has communes in the demo');
  let res = await api('POST', '/api/v1/par/frameworks', {
    token: tok.admin, body: { year: 2017, group: 'commune', units: COMMUNES, criteria: CRITERIA },
  });
  assertStatus(res, 201, 'create');
  const fw = res.body.id;
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: tok.lanhdao }), 403, 'forbidden');
  res = await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: tok.giamsat });
  assertStatus(res, 200, 'compute');
  assert.equal(res.body.computed, 2 * COMMUNES.length);
  let judgedSomewhere = 0;
  for (const unit of COMMUNES) {
    const s = await api('GET', `/api/v1/par/frameworks/${fw}/units/${unit}`, { token: tok.giamsat });
    assertStatus(s, 200);
    const mark = (formula) => s.body.criteria.find((c) => c.formula === formula).mark;
    // Tasks: those the commune is in charge of, due by a day, neither
    // suspended nor cancelled, whose ORIGINAL deadline is in 2017 (all past
    // by now); on time = done on or before that deadline.
    const t = mark('tasks_on_time');
    assert.match(t.figures.link, new RegExp(`^/api/v1/tasks\\?unit=${unit.replace(/\./g, '\\.')}&relation=in_charge`));
    const tasks = (await listAll(t.figures.link.replace(/&limit=\d+/, '')))
      .filter((x) => x.unit.code === unit);
    const judged = tasks.filter((x) => x.due_kind === 'date' && !['suspended', 'cancelled'].includes(x.state)
      && x.original_due?.startsWith('2017-'));
    const onTime = judged.filter((x) => x.state === 'done' && x.done_on <= x.original_due);
    assert.equal(t.figures.denominator, judged.length, `${unit}: tasks judged`);
    assert.equal(t.figures.numerator, onTime.length, `${unit}: tasks on time`);
    if (judged.length) {
      assert.equal(t.value, Math.round(20 * 100 * onTime.length / judged.length) / 100, `${unit}: points`);
    } else {
      assert.equal(t.value, null, `${unit}: nothing to judge`);
    }
    judgedSomewhere += judged.length;
    // Documents: the outgoing documents the commune issued in 2017.
    const d = mark('documents_signed');
    assert.equal(d.figures.link, `/api/v1/documents?box=out&state=issued&year=2017&unit=${unit}`);
    const docs = await listAll(d.figures.link);
    assert.equal(d.figures.denominator, docs.length, `${unit}: documents issued`);
    assert.equal(d.figures.numerator, 0, `${unit}: no commune of the demo signs`);
  }
  assert.ok(judgedSomewhere > 0, "the demo's communes carry 2017 tasks");
});

test("a framework's units must be of its group: a district among departments is refused, nothing made", async () => {
  const PROVINCE_CODE = PROVINCE.units.find((u) => u.level === 'province').code;
  const SERVICE = '000.00.61.H56'; // a public service unit of the demo (data/demo/par.json)
  const criteria = [{ code: '1', name: 'Tự đánh giá', max: 100, method: 'self' }];
  const cases = [
    ['department', [DEPARTMENT, DISTRICT], /units\[1\]: 000\.00\.33\.H56 is district, not of the group department/],
    ['district', [DISTRICT, COMMUNES[0]], /units\[1\]: .* is commune, not of the group district/],
    ['commune', [COMMUNES[0], PROVINCE_CODE], /units\[1\]: .* is of no group \(the province\), not of the group commune/],
    ['service', [DEPARTMENT], /units\[0\]: .* is department, not of the group service/],
    ['department', [SERVICE], /units\[0\]: .* is service, not of the group department/],
  ];
  for (const [group, units, detail] of cases) {
    const res = await api('POST', '/api/v1/par/frameworks', {
      token: tok.admin, body: { year: 2019, group, units, criteria },
    });
    assertProblem(res, 422, 'invalid-field', `${group} ${units}`);
    assert.match(res.body.detail, detail);
  }
  const list = await api('GET', '/api/v1/par/frameworks?year=2019', { token: tok.admin });
  assertStatus(list, 200);
  assert.equal(list.body.items.length, 0, 'nothing was made');
  // The right units are taken.
  const ok = await api('POST', '/api/v1/par/frameworks', {
    token: tok.admin, body: { year: 2019, group: 'service', units: [SERVICE], criteria },
  });
  assertStatus(ok, 201);
});

test('the results table as a PDF: qpdf finds it sound; the council sees every unit, a unit its own row', async () => {
  const { writeFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const list = await api('GET', '/api/v1/par/frameworks?year=2016', { token: tok.giamsat });
  const id = list.body.items.find((f) => f.group === 'district').id;
  const get = (token) => fetch(`${server.base}/api/v1/par/frameworks/${id}/results.pdf`, { headers: { Authorization: `Bearer ${token}` } });
  const text = async (res, name) => {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const buf = Buffer.from(await res.arrayBuffer());
    assert.equal(buf.subarray(0, 5).toString(), '%PDF-');
    const file = `${server.dir}/${name}.pdf`;
    writeFileSync(file, buf);
    execFileSync('qpdf', ['--check', file], { stdio: 'pipe' }); // throws on a damaged file (exit 2)
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  };
  const all = await text(await get(tok.giamsat), 'par-council');
  assert.match(all, /KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2016/);
  assert.match(all, /436\/QĐ-UBND/);
  // The report's figures: Ngọc Lặc 90, Thọ Xuân 89,5, the city 91,5 (data/demo/par.json).
  assert.match(all, /000\.00\.34\.H56.*\b90\b/);
  assert.match(all, /91,5/);
  assert.match(all, /89,5/);
  const districts = PROVINCE.units.filter((u) => u.level === 'district');
  for (const u of districts) assert.ok(all.includes(u.code), `${u.code} is a row`);
  const own = await text(await get(tok.lanhdao), 'par-unit');
  assert.ok(own.includes(DISTRICT), 'its own row');
  assert.ok(!own.includes('000.00.34.H56'), "not another unit's");
  const citizen = await server.login('congdan');
  assertProblem(await api('GET', `/api/v1/par/frameworks/${id}/results.pdf`, { token: citizen }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/par/frameworks/999999/results.pdf', { token: tok.giamsat }), 404, 'not-found');
});
