// The reform index's log under a flood (docs/par-index.md §log): one account
// writes at most MC_LIMIT_PAR_MARKS_PER_HOUR (300) lines to the frameworks'
// logs in an hour, whatever the route (a unit's marks and submission, the
// council's appraisals, ratings, computations and publication), the next
// refused 429 with Retry-After and nothing written; a survey import's lines
// count apart (MC_LIMIT_PAR_SURVEY_LINES_PER_HOUR, one whole import an hour)
// and hold none of those back;
// a unit's sheet carries the newest 100 lines of its log and the older ones
// come a page at a time (GET …/units/{unit}/log?before=&limit=), to whoever
// sees the sheet. Runs on SQLite and, through scripts/pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT } from './helpers.mjs';

let server;
const tok = {};
const api = (...a) => server.api(...a);
const YEAR = 2018;
const NGOC_LAC = '000.00.34.H56';
const CRITERIA = [
  { code: '1', name: 'Công tác chỉ đạo, điều hành cải cách hành chính', max: 40 },
  { code: '1.1', parent: '1', name: 'Kế hoạch cải cách hành chính năm', max: 20, method: 'self' },
  { code: '1.2', parent: '1', name: 'Kiểm tra, báo cáo', max: 20, method: 'appraised' },
  { code: '2', name: 'Khảo sát xã hội học', max: 60, method: 'survey' },
];
let fw;

async function makeUser(username, role, unit) {
  const res = await api('POST', '/api/v1/users', { token: tok.admin, body: {
    username, password: PASSWORD, full_name: 'Cán bộ Kiểm Thử', role, unit } });
  assertStatus(res, 201, `make ${username}`);
  tok[username] = await server.login(username);
}

const base = (unit) => `/api/v1/par/frameworks/${fw}/units/${unit}`;
const self = (token, unit, code, body) => api('PUT', `${base(unit)}/self/${code}`, { token, body });
const appraise = (token, unit, code, body) => api('PUT', `${base(unit)}/appraisal/${code}`, { token, body });
const sheet = async (token, unit) => {
  const res = await api('GET', base(unit), { token });
  assertStatus(res, 200, `the sheet of ${unit}`);
  return res.body;
};
const logPage = (token, unit, query = '') => api('GET', `${base(unit)}/log${query}`, { token });

// The whole log of a unit: the sheet's newest lines, then older pages.
async function wholeLog(token, unit, limit = '') {
  const s = await sheet(token, unit);
  let lines = s.log;
  for (let more = s.log_more; more;) {
    const page = await logPage(token, unit, `?before=${lines[0].id}${limit}`);
    assertStatus(page, 200, 'an older page');
    assert.ok(page.body.log.length > 0);
    lines = [...page.body.log, ...lines];
    more = page.body.more;
  }
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i].id > lines[i - 1].id, 'oldest first, no line twice');
  return lines;
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'giamsat', 'congdan', 'lanhdao', 'lanhdao.stnmt', 'chuyenvien.stnmt'])
    tok[u] = await server.login(u);
  // Accounts of their own, so that every count starts at nothing.
  await makeUser('cv.par.lu', 'specialist', DISTRICT);
  await makeUser('ld.par.lu', 'leader', DISTRICT);
  await makeUser('hd.par.lu', 'specialist', DEPARTMENT);
  assertStatus(await api('PUT', '/api/v1/par/council/hd.par.lu', { token: tok.admin }), 204, 'council');
  const res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin,
    body: { year: YEAR, group: 'district', units: [DISTRICT, NGOC_LAC], criteria: CRITERIA } });
  assertStatus(res, 201, 'framework');
  fw = res.body.id;
});
after(() => stopServer(server));

test('floods: one account writes at most 300 lines to the log an hour; the next is 429 and changes nothing', async () => {
  const mine = tok['cv.par.lu'];
  for (let i = 0; i < 30; i++) {
    const res = await Promise.all(Array.from({ length: 10 }, (_, k) =>
      self(mine, DISTRICT, '1.1', { points: (i * 10 + k) % 21, note: 'x'.repeat(2000) })));
    for (const r of res) assertStatus(r, 200, 'within the hour\'s 300');
  }
  const before = await sheet(tok.lanhdao, DISTRICT);
  const mark = before.criteria.find((c) => c.code === '1.1').mark;
  let res = await self(mine, DISTRICT, '1.1', { points: 20, note: 'Lần thứ 301' });
  assertProblem(res, 429, 'too-many-attempts', 'the 301st mark in the hour');
  assert.equal(res.headers.get('retry-after'), '3600');
  // The unit's submission is a line of the log as well.
  res = await api('POST', `${base(DISTRICT)}/submit`, { token: mine });
  assertProblem(res, 429, 'too-many-attempts', 'a submission past the limit');
  assert.equal(res.headers.get('retry-after'), '3600');
  const after = await sheet(tok.lanhdao, DISTRICT);
  assert.deepEqual(after.criteria.find((c) => c.code === '1.1').mark, mark, 'the mark unchanged');
  assert.deepEqual(after.log, before.log, 'the log unchanged');
  assert.equal(after.submitted, false, 'not submitted');
  // Another officer of the unit is not held back by it.
  res = await self(tok['ld.par.lu'], DISTRICT, '1.1', { points: 15, note: 'Lãnh đạo chấm lại' });
  assertStatus(res, 200, 'another account of the unit');
  assert.equal(res.body.self, 15);
  // Every line once, in order: 300 of the flood and the leader's.
  const lines = await wholeLog(tok.lanhdao, DISTRICT);
  assert.equal(lines.length, 301);
  assert.equal(lines.filter((l) => l.by === 'cv.par.lu' && l.reason === 'x'.repeat(2000)).length, 300);
  assert.equal(lines.at(-1).by, 'ld.par.lu');
  assert.deepEqual(await wholeLog(tok.lanhdao, DISTRICT, '&limit=7'), lines, 'the same with small pages');
  assert.deepEqual(await wholeLog(tok.lanhdao, DISTRICT, '&limit=500'), lines, 'the same with the largest page');
  assert.equal((await sheet(tok.lanhdao, DISTRICT)).log_verified, true);
});

test('the council\'s lines count against the same limit: appraisals, ratings, computation, publication', async () => {
  const hd = tok['hd.par.lu'];
  for (let i = 0; i < 15; i++) {
    const res = await Promise.all(Array.from({ length: 10 }, (_, k) =>
      appraise(hd, NGOC_LAC, '1.2', { points: (i + k) % 21, reason: `Thẩm định lần ${i * 10 + k}` })));
    for (const r of res) assertStatus(r, 200, 'an appraisal within the hour\'s 300');
  }
  for (let i = 0; i < 149; i++) {
    assertStatus(await api('PUT', `${base(NGOC_LAC)}/rating`, { token: hd,
      body: { decided: 'tot', reason: `Quyết định ${i}` } }), 204, 'a rating within the hour\'s 300');
  }
  const csv = (text) => api('POST', `/api/v1/par/frameworks/${fw}/survey`, { token: hd, raw: Buffer.from(text),
    headers: { 'Content-Type': 'text/csv' } });
  // a survey's line does not count against the 300
  assertStatus(await csv(`unit_code,criterion_code,points\n${NGOC_LAC},2,50\n`), 200, 'a survey line');
  assertStatus(await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: hd }), 200, 'the 300th line');
  const before = await sheet(tok.giamsat, NGOC_LAC);
  const refused = [
    await appraise(hd, NGOC_LAC, '1.2', { points: 1, reason: 'Lần thứ 301' }),
    await api('PUT', `${base(NGOC_LAC)}/rating`, { token: hd, body: { decided: 'hoan_thanh', reason: 'x' } }),
    await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: hd }),
    await api('POST', `/api/v1/par/frameworks/${fw}/publish`, { token: hd, body: { decision: 'Quyết định số 1/QĐ-UBND' } }),
  ];
  for (const res of refused) {
    assertProblem(res, 429, 'too-many-attempts', 'past the limit');
    assert.equal(res.headers.get('retry-after'), '3600');
  }
  const after = await sheet(tok.giamsat, NGOC_LAC);
  assert.deepEqual(after.criteria, before.criteria, 'no mark changed');
  assert.deepEqual(after.log, before.log, 'the log unchanged');
  assert.equal(after.rating_version, before.rating_version);
  assert.equal(after.framework.state, 'open', 'not published');
  // Another member of the council is not held back.
  assertStatus(await appraise(tok.giamsat, NGOC_LAC, '1.2', { points: 3, reason: 'Thành viên khác' }), 200);
});

test('a survey import counts apart: a whole import an hour, and the council computes after it', async () => {
  await makeUser('hd.khao.sat', 'specialist', DEPARTMENT);
  assertStatus(await api('PUT', '/api/v1/par/council/hd.khao.sat', { token: tok.admin }), 204, 'council');
  const hd = tok['hd.khao.sat'];
  const own = await api('POST', '/api/v1/par/frameworks', { token: tok.admin,
    body: { year: YEAR + 2, group: 'district', units: [DISTRICT, NGOC_LAC], criteria: CRITERIA } });
  assertStatus(own, 201, 'a framework of its own');
  const csv = (lines) => api('POST', `/api/v1/par/frameworks/${own.body.id}/survey`, { token: hd,
    raw: Buffer.from(`unit_code,criterion_code,points\n${lines.join('\n')}\n`), headers: { 'Content-Type': 'text/csv' } });
  // the largest import there is (a province's units × survey criteria)
  const whole = Array.from({ length: 20000 }, (_, i) => `${i % 2 ? DISTRICT : NGOC_LAC},2,${i % 61}`);
  assertStatus(await csv(whole), 200, 'a whole import');
  // the lines it wrote hold back neither the computation nor the publication
  assertStatus(await api('POST', `/api/v1/par/frameworks/${own.body.id}/compute`, { token: hd }), 200,
    'computing after the import');
  const base2 = `/api/v1/par/frameworks/${own.body.id}/units/${NGOC_LAC}`;
  const before = (await api('GET', base2, { token: tok.giamsat })).body;
  const res = await csv([`${NGOC_LAC},2,7`]);
  assertProblem(res, 429, 'too-many-attempts', 'a second import within the hour');
  assert.equal(res.headers.get('retry-after'), '3600');
  const after = (await api('GET', base2, { token: tok.giamsat })).body;
  assert.deepEqual(after.criteria, before.criteria, 'no mark changed');
  assert.deepEqual(after.log, before.log, 'the log unchanged');
  // another member still imports
  assertStatus(await api('POST', `/api/v1/par/frameworks/${own.body.id}/survey`, { token: tok.giamsat,
    raw: Buffer.from(`unit_code,criterion_code,points\n${NGOC_LAC},2,9\n`), headers: { 'Content-Type': 'text/csv' } }),
  200, 'another member');
});

test('a unit\'s sheet carries the newest 100 lines of its log; the older ones, a page at a time', async () => {
  const s = await sheet(tok.giamsat, NGOC_LAC);
  assert.equal(s.log.length, 100, 'the newest page with the sheet');
  assert.equal(s.log_more, true);
  assert.equal(s.log.at(-1).by, 'giamsat', 'the newest line last');
  for (const l of s.log) assert.equal(typeof l.id, 'number');
  const lines = await wholeLog(tok.giamsat, NGOC_LAC);
  // 150 appraisals, 149 ratings, the survey's line and the other member's
  // (the computation's line is the framework's, of no unit).
  assert.equal(lines.length, 301);
  assert.equal(lines.filter((l) => l.what === 'appraise').length, 151);
  assert.equal(lines.filter((l) => l.what === 'rating').length, 149);
  const page = await logPage(tok.giamsat, NGOC_LAC, `?before=${lines[5].id}`);
  assertStatus(page, 200);
  assert.deepEqual(page.body, { log: lines.slice(0, 5), more: false }, 'the oldest five, nothing older');
  const newest = await logPage(tok.giamsat, NGOC_LAC, '?limit=3');
  assert.deepEqual(newest.body, { log: lines.slice(-3), more: true }, 'no bound: the newest');
  // A unit whose log is short: everything with the sheet.
  const other = await sheet(tok.giamsat, DISTRICT);
  assert.equal(other.log_more, true);
  const mine = await api('POST', '/api/v1/par/frameworks', { token: tok.admin,
    body: { year: YEAR + 1, group: 'district', units: [DISTRICT], criteria: CRITERIA } });
  assertStatus(mine, 201);
  const short = await api('GET', `/api/v1/par/frameworks/${mine.body.id}/units/${DISTRICT}`, { token: tok.lanhdao });
  assertStatus(short, 200);
  assert.deepEqual([short.body.log, short.body.log_more], [[], false]);
});

test('the older lines: the same who see the sheet; bad pages refused', async () => {
  assertStatus(await logPage(tok.lanhdao, DISTRICT), 200, 'the unit\'s own officer');
  assertStatus(await logPage(tok.giamsat, DISTRICT), 200, 'the council');
  assertStatus(await logPage(tok.admin, DISTRICT), 200, 'the province');
  assertProblem(await logPage(tok['lanhdao.stnmt'], DISTRICT), 403, 'out-of-scope', 'another unit\'s officer');
  assertProblem(await logPage(tok['chuyenvien.stnmt'], NGOC_LAC), 403, 'out-of-scope', 'another unit\'s officer');
  assertProblem(await logPage(tok.congdan, DISTRICT), 403, 'forbidden', 'a citizen');
  assertProblem(await logPage(undefined, DISTRICT), 401, 'unauthenticated', 'no session');
  assertProblem(await api('GET', `/api/v1/par/frameworks/99999/units/${DISTRICT}/log`, { token: tok.giamsat }), 404,
    'not-found', 'no such framework');
  assertProblem(await api('GET', `/api/v1/par/frameworks/abc/units/${DISTRICT}/log`, { token: tok.giamsat }), 404,
    'not-found', 'a framework that is no number');
  assertProblem(await logPage(tok.giamsat, DEPARTMENT), 404, 'not-found', 'a unit not rated in the framework');
  // A code that is no unit's: as the sheet answers.
  assertProblem(await api('GET', base('999.99.99.H56'), { token: tok.giamsat }), 422, 'unknown-unit');
  assertProblem(await logPage(tok.giamsat, '999.99.99.H56'), 422, 'unknown-unit', 'no such unit');
  for (const q of ['before=0', 'before=-1', 'before=abc', 'before=1e3', 'before=2.5', 'before=', `before=${'9'.repeat(40)}`,
    'limit=0', 'limit=-1', 'limit=abc', 'limit=1e3', 'limit=2.5', 'limit=', `limit=${'9'.repeat(40)}`, 'limit=501']) {
    const res = await logPage(tok.giamsat, DISTRICT, `?${q}`);
    assertProblem(res, 400, 'invalid-query', q);
  }
  assertStatus(await logPage(tok.giamsat, DISTRICT, '?limit=500&before=1'), 200, 'the bounds themselves');
});
