// The administrative-reform index (docs/par-index.md): a framework made and
// copied, a unit's self-assessment with evidence, the council's appraisal,
// the survey's import, the criteria computed from the dossiers (checked
// against counts made here from the dossiers themselves), publication, and
// who sees what; with the attacks: other units, other roles, points above a
// maximum, a tree that does not add up, malformed imports, stale versions,
// editing a published year. Runs on SQLite and, through scripts/test_pg.sh,
// on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, BIN } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, DEPARTMENT, COMMUNES, file, districtProcedure, APPLICANT } from './helpers.mjs';

let server;
const tok = {};
const api = (...a) => server.api(...a);
// A year of its own: the demo holds 2016 and 2017 (data/demo/par.json). The
// computed criteria are checked on the demo's 2017 cycle, whose year holds the
// demo's dossiers (cli/commands.c).
const YEAR = 2018;
const NGOC_LAC = '000.00.34.H56';
let fw;

const CRITERIA = [
  { code: '1', name: 'Công tác chỉ đạo, điều hành cải cách hành chính', max: 30 },
  { code: '1.1', parent: '1', name: 'Kế hoạch cải cách hành chính năm', max: 10, method: 'self' },
  { code: '1.2', parent: '1', name: 'Kiểm tra, báo cáo', max: 20, method: 'appraised' },
  { code: '2', name: 'Cải cách thủ tục hành chính', max: 40 },
  { code: '2.1', parent: '2', name: 'Tỷ lệ hồ sơ giải quyết đúng hạn', max: 15, method: 'computed', formula: 'dossiers_on_time' },
  { code: '2.2', parent: '2', name: 'Tỷ lệ hồ sơ tiếp nhận trực tuyến', max: 10, method: 'computed', formula: 'dossiers_online' },
  { code: '2.3', parent: '2', name: 'Xin lỗi khi trễ hạn', max: 5, method: 'computed', formula: 'apologies' },
  { code: '2.4', parent: '2', name: 'Chỉ số hài lòng', max: 10, method: 'computed', formula: 'satisfaction' },
  { code: '3', name: 'Khảo sát xã hội học', max: 30, method: 'survey' },
];

function framework(extra = {}) {
  return { year: YEAR, group: 'district', units: [DISTRICT, NGOC_LAC], criteria: CRITERIA, ...extra };
}

const self = (token, unit, code, body, headers = {}) =>
  api('PUT', `/api/v1/par/frameworks/${fw}/units/${unit}/self/${code}`, { token, body, headers });
const appraise = (token, unit, code, body, headers = {}) =>
  api('PUT', `/api/v1/par/frameworks/${fw}/units/${unit}/appraisal/${code}`, { token, body, headers });
const sheet = (token, unit) => api('GET', `/api/v1/par/frameworks/${fw}/units/${unit}`, { token });
const mark = (s, code) => s.body.criteria.find((c) => c.code === code).mark;

before(async () => {
  server = await startServer({ dossiers: 60 });
  for (const u of ['admin', 'giamsat', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'chuyenvien.stnmt', 'lanhdao.stnmt'])
    tok[u] = await server.login(u);
});
after(() => stopServer(server));

test('only the province administrator defines frameworks and names the council', async () => {
  for (const u of ['lanhdao', 'giamsat', 'chuyenvien.stnmt'])
    assertProblem(await api('POST', '/api/v1/par/frameworks', { token: tok[u], body: framework() }), 403, 'forbidden', u);
  assertProblem(await api('POST', '/api/v1/par/frameworks', { token: tok.congdan, body: framework() }), 403, 'forbidden');
  assertProblem(await api('POST', '/api/v1/par/frameworks', { body: framework() }), 401, 'unauthenticated');
  assertProblem(await api('PUT', '/api/v1/par/council/giamsat', { token: tok.lanhdao }), 403, 'forbidden');
  assertProblem(await api('PUT', '/api/v1/par/council/congdan', { token: tok.admin }), 422, 'invalid-field');
  assertProblem(await api('PUT', '/api/v1/par/council/nobody', { token: tok.admin }), 404, 'not-found');
  // The demo names giamsat; naming again is no change.
  assertStatus(await api('PUT', '/api/v1/par/council/giamsat', { token: tok.admin }), 204, 'council');
});

test('a framework whose parts do not add up, or is malformed, is refused and nothing is made', async () => {
  const bad = structuredClone(CRITERIA);
  bad[2].max = 19; // 10 + 19 under an area of 30
  let res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: framework({ criteria: bad }) });
  assertProblem(res, 422, 'invalid-field', 'sum');
  assert.match(res.body.detail, /criteria\[0\].*add up/);
  const cases = [
    [{ criteria: [{ code: '1', name: 'x', max: 10 }] }, 'a leaf without method'],
    [{ criteria: [{ code: '1', name: 'x', max: 10.005, method: 'self' }] }, 'three decimals'],
    [{ criteria: [{ code: '1', name: 'x', max: 10, method: 'computed', formula: 'dossiers_lost' }] }, 'unknown formula'],
    [{ criteria: [{ code: '1', name: 'x', max: 10, method: 'magic' }] }, 'unknown method'],
    [{ criteria: [{ code: '1.1', parent: '9', name: 'x', max: 10, method: 'self' }] }, 'unknown parent'],
    [{ group: 'ministry' }, 'unknown group'],
    [{ units: ['999.99.99.H56'] }, 'unknown unit'],
    [{ units: [DISTRICT, DISTRICT] }, 'a unit twice'],
    [{ criteria: [{ code: '1', name: 'x'.repeat(501), max: 10, method: 'self' }] }, 'long name'],
  ];
  for (const [extra, what] of cases) {
    res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: framework(extra) });
    assert.ok([422, 404].includes(res.status), `${what}: ${res.status} ${res.text}`);
  }
  // Areas adding up past 1,000 points: refused (250 areas of 100,000 points
  // once wrapped the totals' int32 to a negative index), 1,000 exactly is not.
  const wide = (n, max) => [...Array(n)].map((_, i) => ({ code: `${i + 1}`, name: `Lĩnh vực ${i + 1}`, max, method: 'self' }));
  for (const criteria of [wide(250, 100000), wide(11, 100)]) {
    res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: framework({ criteria }) });
    assertProblem(res, 422, 'invalid-field', 'total');
    assert.match(res.body.detail, /more than 1000 points/);
  }
  res = await api('GET', `/api/v1/par/frameworks?year=${YEAR}`, { token: tok.admin });
  assertStatus(res, 200);
  assert.equal(res.body.items.length, 0, 'nothing was made');
});

test('a framework is made, read with its tree, and is unique per year and group', async () => {
  let res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: framework() });
  assertStatus(res, 201, 'create');
  fw = res.body.id;
  assertProblem(await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: framework() }), 409, 'duplicate');
  res = await api('GET', `/api/v1/par/frameworks/${fw}`, { token: tok.lanhdao });
  assertStatus(res, 200);
  assert.equal(res.body.max, 100);
  assert.equal(res.body.criteria.length, CRITERIA.length);
  assert.equal(res.body.units.length, 2);
  assert.equal(res.headers.get('etag'), '"1"');
  assertProblem(await api('GET', '/api/v1/par/frameworks/9999', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/par/frameworks/abc', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', `/api/v1/par/frameworks/${fw}`, { token: tok.congdan }), 403, 'forbidden');
});

test('a unit assesses itself with evidence; other units, other roles, points above the maximum are refused', async () => {
  const up = await api('POST', '/api/v1/attachments', { token: tok.lanhdao, raw: Buffer.from('%PDF-1.4\n% ke hoach CCHC\n%%EOF\n'),
    headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(up, 201, 'upload');
  const sha = up.body.sha256;
  const other = await api('POST', '/api/v1/attachments', { token: tok['chuyenvien.stnmt'], raw: Buffer.from('%PDF-1.4\n% khac\n%%EOF\n'),
    headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(other, 201, 'upload of another unit');

  let res = await self(tok.lanhdao, DISTRICT, '1.1', { points: 8.5, note: 'Ban hành kế hoạch đúng hạn', evidence: [sha] });
  assertStatus(res, 200, 'self');
  assert.equal(res.body.self, 8.5);
  assert.deepEqual(res.body.evidence, [sha]);
  const version = res.body.version;
  assert.equal(res.headers.get('etag'), `"${version}"`);

  // Points above the maximum, three decimals, a criterion not self-assessed, a parent.
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.1', { points: 10.01 }), 422, 'invalid-field', 'over max');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.1', { points: -1 }), 422, 'invalid-field', 'negative');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.1', { points: '8,555' }), 422, 'invalid-field', 'decimals');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.2', { points: 5 }), 422, 'invalid-field', 'appraised');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1', { points: 5 }), 422, 'invalid-field', 'parent');
  assertProblem(await self(tok.lanhdao, DISTRICT, '9', { points: 5 }), 404, 'not-found', 'no such criterion');
  // Evidence that is not the caller's to use.
  res = await self(tok.lanhdao, DISTRICT, '1.1', { points: 8, evidence: [other.body.sha256] });
  assertProblem(res, 422, 'invalid-field', 'evidence of another unit');
  assert.equal(res.body.field, 'evidence[0]');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.1', { points: 8, evidence: ['../../etc/passwd'] }), 422, 'invalid-field');
  // A citizen's file in a dossier the leader may read is the citizen's: as evidence every
  // officer of the unit would read it.
  const scan = await api('POST', '/api/v1/attachments', { token: tok.congdan,
    raw: Buffer.from(`%PDF-1.4\n% CCCD cong dan ${Math.random()}\n%%EOF\n`), headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(scan, 201, 'the citizen uploads');
  await file(server, tok.congdan, { procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT,
    applicant: APPLICANT, documents: [{ name: 'CCCD', attachment: scan.body.sha256 }] });
  assertStatus(await api('GET', `/api/v1/attachments/${scan.body.sha256}`, { token: tok.lanhdao }), 200, 'the leader reads the dossier\'s file');
  res = await self(tok.lanhdao, DISTRICT, '1.1', { points: 8, evidence: [scan.body.sha256] });
  assertProblem(res, 422, 'invalid-field', 'a dossier\'s file is no evidence');
  assert.equal(res.body.field, 'evidence[0]');
  // One's own upload that a dossier holds (the result the leader attached) is
  // the applicant's too: no evidence either.
  const result = await api('POST', '/api/v1/attachments', { token: tok.lanhdao,
    raw: Buffer.from(`%PDF-1.4\n% ket qua ${Math.random()}\n%%EOF\n`), headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(result, 201, 'the leader uploads a result');
  const decided = await file(server, tok.tiepnhan, { procedure_code: districtProcedure().code, unit: DISTRICT });
  assertStatus(await api('POST', `/api/v1/dossiers/${decided.code}/actions`, { token: tok.tiepnhan, body: { action: 'assign' } }), 200);
  assertStatus(await api('POST', `/api/v1/dossiers/${decided.code}/actions`, { token: tok.lanhdao, body: { action: 'resolve',
    outcome: 'approved', documents: [{ name: 'Giấy chứng nhận', attachment: result.body.sha256 }] } }), 200, 'resolved with it');
  res = await self(tok.lanhdao, DISTRICT, '1.1', { points: 8, evidence: [result.body.sha256] });
  assertProblem(res, 422, 'invalid-field', 'a dossier\'s result is no evidence');
  assert.equal(res.body.field, 'evidence[0]');
  // Another unit's officers, the desk, the council: not the unit's assessor.
  assertProblem(await self(tok['lanhdao.stnmt'], DISTRICT, '1.1', { points: 10 }), 403, 'out-of-scope', 'other unit');
  assertProblem(await self(tok.tiepnhan, DISTRICT, '1.1', { points: 10 }), 403, 'forbidden', 'desk');
  assertProblem(await self(tok.giamsat, DISTRICT, '1.1', { points: 10 }), 403, 'forbidden', 'council');
  assertProblem(await self(tok.congdan, DISTRICT, '1.1', { points: 10 }), 403, 'forbidden', 'citizen');
  // A stale version: 412 with If-Match; nothing changed.
  assertProblem(await self(tok.chuyenvien, DISTRICT, '1.1', { points: 9 }, { 'If-Match': `"${version + 5}"` }), 412,
    'precondition-failed');
  assertProblem(await self(tok.chuyenvien, DISTRICT, '1.1', { points: 9 }, { 'If-Match': 'garbage' }), 412, 'precondition-failed');
  const s = await sheet(tok.lanhdao, DISTRICT);
  assertStatus(s, 200);
  assert.equal(mark(s, '1.1').self, 8.5);
  assert.equal(mark(s, '1.1').version, version);
  res = await self(tok.chuyenvien, DISTRICT, '1.1', { points: 9, note: 'Sửa', evidence: [sha] }, { 'If-Match': `"${version}"` });
  assertStatus(res, 200, 'self with the right version');
});

test("a mark's evidence outlives the uploads' expiry, and whoever reads the unit's sheet downloads it", async () => {
  const bytes = Buffer.from(`%PDF-1.4\n% minh chung ${Date.now()} ${Math.random()}\n%%EOF\n`);
  const up = await api('POST', '/api/v1/attachments', { token: tok.chuyenvien, raw: bytes, headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(up, 201, 'upload');
  const sha = up.body.sha256;
  const before = mark(await sheet(tok.lanhdao, DISTRICT), '1.1');
  let res = await self(tok.chuyenvien, DISTRICT, '1.1', { points: before.self, note: before.note, evidence: [...before.evidence, sha] });
  assertStatus(res, 200, 'evidence added');
  const download = (token) => fetch(`${server.base}/api/v1/attachments/${sha}`, { headers: { Authorization: `Bearer ${token}` } });
  const readers = { chuyenvien: 'the uploader', lanhdao: "the unit's leader", giamsat: 'the council', admin: "the province's administrator" };
  const check = async (when) => {
    for (const [u, who] of Object.entries(readers)) {
      const got = await download(tok[u]);
      assert.equal(got.status, 200, `${when}: ${who}`);
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes, `${when}: ${who}`);
    }
    // Another unit's officers and citizens do not read the sheet: as unknown.
    for (const u of ['lanhdao.stnmt', 'congdan']) assert.equal((await download(tok[u])).status, 404, `${when}: ${u}`);
  };
  await check('uploaded');
  if (!process.env.MOTCUA_TEST_DB_URL_BASE) {
    // Migration 059 reads the evidence of the marks kept before it: a copy of
    // the database as it was before (no par_evidence, version 58), migrated,
    // keeps the file past the expiry as well.
    const copy = join(server.dir, 'before-059.db');
    execFileSync('sqlite3', [server.db, `.backup '${copy}'`]);
    // (and without what the later migrations add, which run again: 060's, 063's and 064's columns)
    execFileSync('sqlite3', [copy, 'DROP TABLE par_evidence; ALTER TABLE par_log DROP COLUMN detail; ' +
      'ALTER TABLE dossier DROP COLUMN cutoff_min; ALTER TABLE dossier DROP COLUMN restart_on_supplement; ' +
      'ALTER TABLE unit_plan DROP COLUMN moved_tasks; ALTER TABLE unit_plan DROP COLUMN moved_documents; PRAGMA user_version = 58;']);
    execFileSync(BIN, ['migrate', '--db', copy], { encoding: 'utf8' });
    const rows = execFileSync('sqlite3', [copy, `SELECT sha256 FROM par_evidence WHERE framework_id = ${fw} AND code = '1.1' ORDER BY sha256`],
      { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(rows, [...before.evidence, sha].sort(), 'the evidence read into par_evidence');
    execFileSync(BIN, ['files', 'expire', '--db', copy, '--at', new Date(Date.now() + 48 * 3600e3).toISOString().slice(0, 19) + 'Z']);
    assert.equal(execFileSync('sqlite3', [copy, `SELECT count(*) FROM attachment WHERE sha256 = '${sha}'`], { encoding: 'utf8' }).trim(), '1');
  }
  // Two days later the uploads have expired: the mark still holds the file.
  const at = (hours) => new Date(Date.now() + hours * 3600e3).toISOString().slice(0, 19) + 'Z';
  execFileSync(BIN, ['files', 'expire', '--db', server.db, '--at', at(48)], { encoding: 'utf8' });
  await check('after the expiry');
  assert.ok(mark(await sheet(tok.lanhdao, DISTRICT), '1.1').evidence.includes(sha));
  // Kept evidence is re-sent by a colleague who did not upload it.
  res = await self(tok.lanhdao, DISTRICT, '1.1', { points: before.self, note: before.note, evidence: [...before.evidence, sha] });
  assertStatus(res, 200, 'the kept evidence sent again');
  // Dropped from the mark and no longer uploaded, the file goes.
  res = await self(tok.chuyenvien, DISTRICT, '1.1', { points: before.self, note: before.note, evidence: before.evidence });
  assertStatus(res, 200, 'evidence dropped');
  execFileSync(BIN, ['files', 'expire', '--db', server.db, '--at', at(48)], { encoding: 'utf8' });
  for (const u of Object.keys(readers)) assert.equal((await download(tok[u])).status, 404, `dropped: ${u}`);
  // An expired upload is no evidence any more: the uploader holds nothing.
  res = await self(tok.chuyenvien, DISTRICT, '1.1', { points: before.self, evidence: [sha] });
  assertProblem(res, 422, 'invalid-field', 'an expired upload');
});

test('a unit sees its own sheet; another unit does not; the council sees all', async () => {
  assertStatus(await sheet(tok.tiepnhan, DISTRICT), 200, 'own unit');
  assertProblem(await sheet(tok['lanhdao.stnmt'], DISTRICT), 403, 'out-of-scope');
  assertStatus(await sheet(tok.giamsat, DISTRICT), 200, 'council');
  assertStatus(await sheet(tok.giamsat, NGOC_LAC), 200, 'council');
  assertProblem(await sheet(tok.giamsat, DEPARTMENT), 404, 'not-found', 'a unit not in the framework');
  const res = await api('GET', `/api/v1/par/frameworks/${fw}/results`, { token: tok.lanhdao });
  assertStatus(res, 200);
  assert.deepEqual(res.body.units.map((u) => u.code), [DISTRICT], 'a unit sees only its own result');
  const all = await api('GET', `/api/v1/par/frameworks/${fw}/results`, { token: tok.giamsat });
  assert.equal(all.body.units.length, 2);
});

test('the council appraises with a reason, judges a criterion not applicable; the unit may not', async () => {
  assertProblem(await appraise(tok.lanhdao, DISTRICT, '1.2', { points: 18, reason: 'tự chấm' }), 403, 'forbidden');
  assertProblem(await appraise(tok.giamsat, DISTRICT, '1.2', { points: 18 }), 422, 'missing-field');
  assertProblem(await appraise(tok.giamsat, DISTRICT, '1.2', { points: 21, reason: 'x' }), 422, 'invalid-field');
  assertProblem(await appraise(tok.giamsat, DISTRICT, '2.1', { points: 10, reason: 'x' }), 422, 'invalid-field', 'computed');
  let res = await appraise(tok.giamsat, DISTRICT, '1.2', { points: 18, reason: 'Báo cáo đầy đủ' });
  assertStatus(res, 200);
  // Adjusting the unit's own score: the council's counts.
  res = await appraise(tok.giamsat, DISTRICT, '1.1', { points: 7.5, reason: 'Kế hoạch thiếu nội dung kiểm tra' });
  assertStatus(res, 200);
  res = await appraise(tok.giamsat, NGOC_LAC, '1.2', { points: null, not_applicable: true, reason: 'Không thuộc phạm vi' });
  assertStatus(res, 200);
  const s = await sheet(tok.lanhdao, DISTRICT);
  assert.equal(s.body.criteria.find((c) => c.code === '1').points, 25.5);
  const log = s.body.log.map((l) => `${l.what}:${l.code}:${l.by}`);
  assert.ok(log.includes('appraise:1.1:giamsat'), log.join(' '));
  assert.ok(log.includes('self:1.1:lanhdao'), log.join(' '));
  assert.equal(s.body.log.find((l) => l.what === 'appraise' && l.code === '1.1').old, null);
});

test('a council member does not appraise or rate their own unit, nor a unit under it', async () => {
  // The district's leader named to the council: 403 own-unit on the district.
  assertStatus(await api('PUT', '/api/v1/par/council/lanhdao', { token: tok.admin }), 204, 'name lanhdao');
  try {
    let res = await appraise(tok.lanhdao, DISTRICT, '1.2', { points: 20, reason: 'tự chấm' });
    assertProblem(res, 403, 'own-unit', 'appraise the own district');
    assert.match(res.body.detail, /own unit/);
    res = await api('PUT', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/rating`, { token: tok.lanhdao,
      body: { decided: 'xuat_sac', reason: 'tự xếp loại' } });
    assertProblem(res, 403, 'own-unit', 'rate the own district');
    // Another district is the council's to judge: the request goes on to its own checks.
    assertProblem(await appraise(tok.lanhdao, NGOC_LAC, '1.2', { points: 20 }), 422, 'missing-field', 'another district');
    // A commune of Quảng Xương is under the member's unit.
    const commune = COMMUNES.find((c) => c.parent === DISTRICT).code;
    res = await api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: { year: 2024, group: 'commune',
      units: [commune], criteria: [{ code: '1', name: 'Thẩm định', max: 10, method: 'appraised' }] } });
    assertStatus(res, 201, 'a commune framework');
    const cf = res.body.id;
    res = await api('PUT', `/api/v1/par/frameworks/${cf}/units/${commune}/appraisal/1`, { token: tok.lanhdao,
      body: { points: 0, reason: 'x' } });
    assertProblem(res, 403, 'own-unit', 'appraise a commune of the district');
    res = await api('PUT', `/api/v1/par/frameworks/${cf}/units/${commune}/rating`, { token: tok.lanhdao,
      body: { decided: 'khong_hoan_thanh', reason: 'x' } });
    assertProblem(res, 403, 'own-unit', 'rate a commune of the district');
    // The province's council member judges it.
    assertStatus(await api('PUT', `/api/v1/par/frameworks/${cf}/units/${commune}/appraisal/1`, { token: tok.giamsat,
      body: { points: 5, reason: 'Đủ hồ sơ' } }), 200, 'giamsat appraises the commune');
    // Nothing was written: the district's 1.2 is still the council's 18.
    assert.equal(mark(await sheet(tok.giamsat, DISTRICT), '1.2').council, 18);
  } finally {
    assertStatus(await api('DELETE', '/api/v1/par/council/lanhdao', { token: tok.admin }), 204, 'remove lanhdao');
  }
});

test('survey results are imported from CSV; malformed or foreign lines change nothing', async () => {
  const csv = (text, token = tok.giamsat) => api('POST', `/api/v1/par/frameworks/${fw}/survey`, { token, raw: Buffer.from(text),
    headers: { 'Content-Type': 'text/csv' } });
  assertProblem(await csv(`unit_code,criterion,points\n${DISTRICT},3,"24,5"\n`, tok.lanhdao), 403, 'forbidden');
  for (const [text, what] of [
    [`${DISTRICT},3,24,5\n`, 'an unquoted decimal comma'],
    [`${DISTRICT},3\n`, 'two fields'],
    [`${DISTRICT},3,abc\n`, 'not a number'],
    [`${DISTRICT},3,31\n`, 'over the maximum'],
    [`${DISTRICT},1.1,5\n`, 'not a survey criterion'],
    [`${DEPARTMENT},3,5\n`, 'a unit not in the framework'],
    [`${DISTRICT},3,20\n${NGOC_LAC},3,x\n`, 'a bad second line'],
    ['', 'empty'],
    ['\u0000\u0001', 'binary'],
    [`unit_code,criterion_code,points\n${`${DISTRICT},3,1\n`.repeat(20003)}`, 'too many lines'],
  ]) {
    const res = await csv(text);
    assertProblem(res, 422, 'invalid-field', what);
  }
  let s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(mark(s, '3'), undefined, 'nothing imported');
  const res = await csv(`unit_code,criterion_code,points\r\n${DISTRICT},3,"24,5"\r\n${NGOC_LAC},3,27.25\r\n`);
  assertStatus(res, 200);
  assert.equal(res.body.imported, 2);
  s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(mark(s, '3').value, 24.5);
});

// The dossiers of a unit's subtree, every page.
async function dossiersOf(unit) {
  const all = [];
  for (let offset = 0; ; offset += 200) {
    const res = await api('GET', `/api/v1/dossiers?unit=${unit}&limit=200&offset=${offset}`, { token: tok.admin });
    assertStatus(res, 200);
    all.push(...res.body.items);
    if (all.length >= res.body.total) return all;
  }
}

const localYear = (iso) => iso && Number(iso.slice(0, 4)); // ISO times are local (+07:00)

test('the log says what changed: the survey value replaced, grades as grades with cap, tasks and the old decision, the evidence', async (t) => {
  const csv = (points) => api('POST', `/api/v1/par/frameworks/${fw}/survey`, { token: tok.giamsat,
    raw: Buffer.from(`unit_code,criterion_code,points\n${DISTRICT},3,"${points}"\n`), headers: { 'Content-Type': 'text/csv' } });
  const lines = async () => (await sheet(tok.giamsat, DISTRICT)).body.log;
  // a) a second import logs the value it replaced.
  assertStatus(await csv('20'), 200, 'first import');
  assertStatus(await csv('22,5'), 200, 'second import');
  let log = (await lines()).filter((l) => l.what === 'survey' && l.code === '3');
  assert.deepEqual(log.slice(-2).map((l) => [l.old, l.new]).at(-1), [20, 22.5]);
  // b) a rating line: grades by name, never as points; the cap, the tasks, what it replaced.
  assertStatus(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/rating`, { token: tok.giamsat,
    body: { decided: 'xuat_sac', reason: 'quyết định 1' } }), 204);
  assertStatus(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/rating`, { token: tok.giamsat,
    body: { cap: 'khong_hoan_thanh', tasks: 12.5, decided: 'tot', reason: 'kỷ luật' } }), 204);
  log = (await lines()).filter((l) => l.what === 'rating');
  const [first, second] = log.slice(-2);
  assert.equal(first.new, null, 'no grade as points');
  assert.equal(first.detail.decided, 'xuat_sac');
  assert.equal(second.old, null);
  assert.equal(second.new, null);
  assert.deepEqual({ ...second.detail, old: { ...second.detail.old, tasks: undefined, cap: undefined } },
    { cap: 'khong_hoan_thanh', tasks: 12.5, decided: 'tot', old: { cap: undefined, tasks: undefined, decided: 'xuat_sac', reason: 'quyết định 1' } });
  assert.equal(second.detail.old.cap, null);
  assert.equal(second.reason, 'kỷ luật');
  // Back to no decision for the results below.
  assertStatus(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/rating`, { token: tok.giamsat, body: {} }), 204);
  // c) a self mark whose files alone change says which.
  const up = async (tag) => (await api('POST', '/api/v1/attachments', { token: tok.chuyenvien,
    raw: Buffer.from(`%PDF-1.4\n% ${tag} ${Math.random()}\n%%EOF\n`), headers: { 'Content-Type': 'application/pdf' } })).body.sha256;
  const e1 = await up('một'), e2 = await up('hai');
  const m = mark(await sheet(tok.lanhdao, DISTRICT), '1.1');
  assertStatus(await self(tok.chuyenvien, DISTRICT, '1.1', { points: m.self, note: m.note, evidence: [e1] }), 200);
  assertStatus(await self(tok.chuyenvien, DISTRICT, '1.1', { points: m.self, note: m.note, evidence: [e2] }), 200);
  log = (await lines()).filter((l) => l.what === 'self' && l.code === '1.1');
  const last = log.at(-1);
  assert.equal(last.old, last.new, 'the points did not change');
  assert.deepEqual(last.detail, { evidence: [e2], old_evidence: [e1] });
  // The details are part of the chain: changed behind the server's back, it breaks.
  let s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(s.body.log_verified, true);
  if (/^postgres/.test(server.db)) { t.diagnostic('the tampering is done with sqlite3'); return; }
  const where = `id = ${last.id}`;
  const kept = execFileSync('sqlite3', [server.db, `SELECT detail FROM par_log WHERE ${where}`], { encoding: 'utf8' }).trim();
  execFileSync('sqlite3', [server.db, `UPDATE par_log SET detail = replace(detail, '${e2}', '${e1}') WHERE ${where}`]);
  s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(s.body.log_verified, false, 'a changed evidence list breaks the chain');
  execFileSync('sqlite3', [server.db, `UPDATE par_log SET detail = '${kept}' WHERE ${where}`]);
  s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(s.body.log_verified, true);
});

test('computed criteria count the dossiers of the year, as counted here from the records', async () => {
  const list = await api('GET', '/api/v1/par/frameworks?year=2017', { token: tok.giamsat });
  const demo = list.body.items.find((f) => f.group === 'district').id;
  const framework = await api('GET', `/api/v1/par/frameworks/${demo}`, { token: tok.giamsat });
  const leaf = (formula) => framework.body.criteria.find((c) => c.formula === formula);
  assertProblem(await api('POST', `/api/v1/par/frameworks/${demo}/compute`, { token: tok.lanhdao }), 403, 'forbidden');
  const res = await api('POST', `/api/v1/par/frameworks/${demo}/compute`, { token: tok.giamsat });
  assertStatus(res, 200);
  assert.equal(res.body.computed, 7 * 27, '7 computed criteria (4 over the dossiers, 2 over the tasks, 1 over the documents) × 27 districts');
  let resolvedSomewhere = 0;
  for (const unit of [DISTRICT, NGOC_LAC]) {
    const ds = await dossiersOf(unit);
    const resolved = ds.filter((d) => ['resolved', 'returned'].includes(d.state) && localYear(d.finished_at) === 2017);
    const onTime = resolved.filter((d) => ['early', 'on_time'].includes(d.timeliness));
    const received = ds.filter((d) => localYear(d.received_at) === 2017);
    const online = received.filter((d) => d.channel === 'online');
    const s = await api('GET', `/api/v1/par/frameworks/${demo}/units/${unit}`, { token: tok.giamsat });
    assertStatus(s, 200);
    const m = (formula) => s.body.criteria.find((c) => c.formula === formula).mark;
    const onTimeMark = m('dossiers_on_time');
    assert.equal(onTimeMark.figures.denominator, resolved.length, `${unit}: resolved`);
    assert.equal(onTimeMark.figures.numerator, onTime.length, `${unit}: on time`);
    const max = leaf('dossiers_on_time').max;
    if (resolved.length) {
      assert.equal(onTimeMark.value, Math.round(max * 100 * onTime.length / resolved.length) / 100, `${unit}: points`);
      assert.equal(onTimeMark.not_applicable, false);
    } else {
      assert.equal(onTimeMark.value, null, `${unit}: nothing resolved, nothing to count`);
    }
    resolvedSomewhere += resolved.length;
    assert.equal(m('dossiers_online').figures.denominator, received.length, `${unit}: received`);
    assert.equal(m('dossiers_online').figures.numerator, online.length, `${unit}: online`);
    assert.match(onTimeMark.figures.link, /^\/api\/v1\/stats\?.*from=2017-01-01/);
  }
  assert.ok(resolvedSomewhere > 0, 'the demo resolved dossiers in these districts in 2017');
});

test('submission is once and before the deadline; a late year refuses it', async () => {
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/submit`, { token: tok['lanhdao.stnmt'] }), 403,
    'out-of-scope');
  assertStatus(await api('POST', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/submit`, { token: tok.lanhdao }), 204);
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/units/${DISTRICT}/submit`, { token: tok.lanhdao }), 409,
    'forbidden-transition');
  assertProblem(await self(tok.lanhdao, DISTRICT, '1.1', { points: 10 }), 409, 'forbidden-transition', 'after submission');
  // A framework copied to a year whose deadline has passed.
  let res = await api('POST', `/api/v1/par/frameworks/${fw}/copy`, { token: tok.admin, body: { year: 2019, deadline: '2019-01-31' } });
  assertStatus(res, 201, 'copy');
  const old = res.body.id;
  res = await api('GET', `/api/v1/par/frameworks/${old}`, { token: tok.admin });
  assert.equal(res.body.criteria.length, CRITERIA.length);
  assert.equal(res.body.units.length, 2);
  res = await api('PUT', `/api/v1/par/frameworks/${old}/units/${DISTRICT}/self/1.1`, { token: tok.lanhdao, body: { points: 5 } });
  assertProblem(res, 409, 'forbidden-transition', 'after the deadline');
  assert.match(res.body.detail, /deadline/);
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/copy`, { token: tok.admin, body: { year: 2019 } }), 409, 'duplicate');
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/copy`, { token: tok.lanhdao, body: { year: YEAR + 1 } }), 403, 'forbidden');
});

test('results: index over the applicable maximum, rank, rating; publication freezes the year and shows it', async () => {
  let res = await api('GET', `/api/v1/par/frameworks/${fw}/results`, { token: tok.giamsat });
  const ngocLac = res.body.units.find((u) => u.code === NGOC_LAC);
  assert.equal(ngocLac.max_points, 80, 'criterion 1.2 (20) not applicable to Ngọc Lặc');
  const ql = res.body.units.find((u) => u.code === DISTRICT);
  const expect = Math.round(ql.points * 10000 / ql.max_points) / 100;
  assert.equal(ql.index, expect);
  assert.ok(ql.index_text.endsWith(' %') && !ql.index_text.includes('.'), ql.index_text);
  // Rank within the group by index: the higher is 1; equal indices share a rank.
  const [a, b] = res.body.units;
  const ranks = a.index === b.index ? [1, 1] : a.index > b.index ? [1, 2] : [2, 1];
  assert.deepEqual([a.rank, b.rank], ranks);
  // The public sees nothing before publication.
  res = await api('GET', `/api/v1/public/par?year=${YEAR}`);
  assertStatus(res, 200);
  assert.equal(res.body.items.length, 0);
  // The rating's decision by the council, with its reason.
  assertProblem(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${NGOC_LAC}/rating`, { token: tok.giamsat,
    body: { decided: 'tot' } }), 422, 'missing-field');
  assertProblem(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${NGOC_LAC}/rating`, { token: tok.giamsat,
    body: { decided: 'gioi', reason: 'x' } }), 422, 'invalid-field');
  assertProblem(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${NGOC_LAC}/rating`, { token: tok.lanhdao,
    body: { decided: 'xuat_sac', reason: 'x' } }), 403, 'forbidden');
  assertStatus(await api('PUT', `/api/v1/par/frameworks/${fw}/units/${NGOC_LAC}/rating`, { token: tok.giamsat,
    body: { decided: 'tot', reason: 'Quyết định của Chủ tịch UBND tỉnh' } }), 204);
  // Publication: the council only, with its decision; a stale version is 412.
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/publish`, { token: tok.lanhdao, body: { decision: 'x' } }), 403,
    'forbidden');
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/publish`, { token: tok.giamsat, body: { decision: 'QĐ 1' },
    headers: { 'If-Match': '"99"' } }), 412, 'precondition-failed');
  assertStatus(await api('POST', `/api/v1/par/frameworks/${fw}/publish`, { token: tok.giamsat,
    body: { decision: `Quyết định số 436/QĐ-UBND ngày 10/02/${YEAR + 1}` } }), 204);
  res = await api('GET', `/api/v1/public/par?year=${YEAR}`);
  assertStatus(res, 200);
  assert.equal(res.body.items.length, 1);
  const pub = res.body.items[0];
  assert.equal(pub.state, 'published');
  assert.match(pub.decision, /436\/QĐ-UBND/);
  assert.equal(pub.units.find((u) => u.code === NGOC_LAC).rating, 'tot');
  // The decision's reason (free text that may name people in a disciplinary
  // case) and the submission are the officers', not the public's (§6).
  for (const u of pub.units) {
    assert.ok(!('decision_reason' in u) && !('submitted' in u), JSON.stringify(u));
    assert.ok(['code', 'name', 'group', 'points', 'max_points', 'index', 'rank', 'proposed', 'rating', 'areas'].every((k) => k in u));
  }
  res = await api('GET', `/api/v1/par/frameworks/${fw}/results`, { token: tok.giamsat });
  assert.equal(res.body.units.find((u) => u.code === NGOC_LAC).decision_reason, 'Quyết định của Chủ tịch UBND tỉnh');
  assert.equal(Object.values(pub.ratings).reduce((a, b) => a + b, 0), 2);
  // Frozen: nothing of it changes.
  assertProblem(await appraise(tok.giamsat, DISTRICT, '1.2', { points: 1, reason: 'x' }), 409, 'forbidden-transition');
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/compute`, { token: tok.giamsat }), 409, 'forbidden-transition');
  assertProblem(await api('POST', `/api/v1/par/frameworks/${fw}/publish`, { token: tok.giamsat, body: { decision: 'x' } }), 409,
    'forbidden-transition');
});

test('rating rules per year: only the province administrator, and they hang together', async () => {
  assertProblem(await api('PUT', `/api/v1/par/rules/${YEAR}`, { token: tok.giamsat, body: {} }), 403, 'forbidden');
  assertProblem(await api('PUT', `/api/v1/par/rules/${YEAR}`, { token: tok.admin,
    body: { excellent_index: 70, good_index: 90, done_index: 50 } }), 422, 'invalid-field');
  assertProblem(await api('PUT', `/api/v1/par/rules/${YEAR}`, { token: tok.admin, body: { excellent_index: 90 } }), 422,
    'missing-field');
  assertStatus(await api('PUT', `/api/v1/par/rules/${YEAR}`, { token: tok.admin,
    body: { excellent_index: 95, good_index: 10, done_index: 5, excellent_share: 20 } }), 204);
  const res = await api('GET', `/api/v1/public/par?year=${YEAR}`);
  const ql = res.body.items[0].units.find((u) => u.code === DISTRICT);
  assert.ok(['tot', 'xuat_sac'].includes(ql.rating), ql.rating);
});

test("the log is a hash chain: a line changed behind the server's back shows", async (t) => {
  let s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(s.body.log_verified, true);
  assert.ok(s.body.log.length >= 3);
  if (/^postgres/.test(server.db)) { t.skip('the tampering is done with sqlite3'); return; }
  execFileSync('sqlite3', [server.db, `UPDATE par_log SET reason = 'sửa lén' WHERE id = (SELECT min(id) FROM par_log WHERE framework_id = ${fw} AND what = 'appraise')`]);
  s = await sheet(tok.giamsat, DISTRICT);
  assert.equal(s.body.log_verified, false);
});

test('the results as a workbook: the council gets every unit, a unit its own row', async () => {
  const get = (token) => fetch(`${server.base}/api/v1/par/frameworks/${fw}/results.xlsx`, { headers: { Authorization: `Bearer ${token}` } });
  const strings = async (res) => {
    const buf = Buffer.from(await res.arrayBuffer());
    assert.equal(buf.subarray(0, 2).toString(), 'PK');
    const file = `${server.dir}/par-${Date.now()}.xlsx`;
    (await import('node:fs')).writeFileSync(file, buf);
    return execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
  };
  let res = await get(tok.giamsat);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  let text = await strings(res);
  assert.ok(text.includes('UBND huyện Quảng Xương') && text.includes('UBND huyện Ngọc Lặc'));
  res = await get(tok.lanhdao);
  text = await strings(res);
  assert.ok(text.includes('UBND huyện Quảng Xương') && !text.includes('UBND huyện Ngọc Lặc'), 'its own row only');
  assertProblem(await api('GET', `/api/v1/par/frameworks/${fw}/results.xlsx`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/par/frameworks/99999/results.xlsx', { token: tok.giamsat }), 404, 'not-found');
});
