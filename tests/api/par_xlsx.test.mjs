// The reform index's imports from workbooks (docs/par-index.md §1, §4): a
// framework from the form provinces circulate (one sheet, a header row,
// criterion code, name, maximum points) and the survey's results (unit code,
// criterion code, points), with the attacks: not a workbook, a cut file, a
// zip bomb, a DTD, a shared string that is not there, rows that are wrong,
// a tree that does not add up, other roles — each refused precisely and
// nothing changed. The workbooks are zipped here (node:zlib), part by part.
// Runs on SQLite and, through scripts/test_pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, crc32 } from 'node:zlib';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, DISTRICT, PROVINCE } from './helpers.mjs';

let server;
const tok = {};
const api = (...a) => server.api(...a);
const YEAR = 2020;
const NGOC_LAC = '000.00.34.H56';
const DISTRICTS = PROVINCE.units.filter((u) => u.level === 'district').map((u) => u.code);
let fw;

// A zip of parts { name: text or Buffer }, deflated (or stored).
function zip(parts, { store = false, lie = null, disagree = null } = {}) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(parts)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const body = store ? data : deflateRawSync(data);
    const n = Buffer.from(name);
    const crc = crc32(data) >>> 0;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(store ? 0 : 8, 8);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(body.length, 18); head.writeUInt32LE(name === lie ? 100 : data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(store ? 0 : 8, 10);
    cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(body.length, 20); cen.writeUInt32LE(name === lie || name === disagree ? 100 : data.length, 24);
    cen.writeUInt16LE(n.length, 28); cen.writeUInt32LE(offset, 42);
    locals.push(head, n, body);
    centrals.push(cen, n);
    offset += 30 + n.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const col = (i) => String.fromCharCode(65 + i);
// A workbook of rows: strings go to the shared strings, numbers stay numbers.
function workbook(rows, { extra = {}, sheetPrefix = '', lie = null, disagree = null } = {}) {
  const strings = [];
  const sid = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  const xmlRows = rows.map((r, ri) => `<row r="${ri + 1}">${r.map((v, ci) => v === null || v === undefined ? ''
    : typeof v === 'number' ? `<c r="${col(ci)}${ri + 1}"><v>${v}</v></c>`
      : `<c r="${col(ci)}${ri + 1}" t="s"><v>${sid(v)}</v></c>`).join('')}</row>`).join('');
  return zip({
    '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      + 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      + '<sheet name="Tiêu chí" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
      + 'Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/sharedStrings.xml': `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    'xl/worksheets/sheet1.xml': `${sheetPrefix}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${xmlRows}</sheetData></worksheet>`,
    ...extra,
  }, { lie, disagree });
}

const FRAMEWORK = [
  ['Mã', 'Tiêu chí, tiêu chí thành phần', 'Điểm tối đa', 'Phương pháp', 'Công thức'],
  ['1', 'Công tác chỉ đạo, điều hành cải cách hành chính', 40],
  ['1.1', 'Kế hoạch cải cách hành chính năm', 20],
  ['1.2', 'Kiểm tra công tác cải cách hành chính', '19,5', 'appraised'],
  ['1.3', 'Tuyên truyền', 0.5],
  [],
  ['2', 'Hiện đại hóa hành chính', 60],
  ['2.1', 'Tỷ lệ nhiệm vụ hoàn thành đúng hạn', 30, null, 'tasks_on_time'],
  ['2.2', 'Điều tra xã hội học', 30, 'survey'],
];

const importFw = (buf, query = `year=${YEAR}&group=district`, token = tok.admin) =>
  api('POST', `/api/v1/par/frameworks/import?${query}`, { token, raw: buf,
    headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
const survey = (buf, token = tok.giamsat) => api('POST', `/api/v1/par/frameworks/${fw}/survey`, { token, raw: buf,
  headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
const sheet = (unit) => api('GET', `/api/v1/par/frameworks/${fw}/units/${unit}`, { token: tok.giamsat });
const mark = (s, code) => s.body.criteria.find((c) => c.code === code).mark;

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'giamsat', 'lanhdao']) tok[u] = await server.login(u);
});
after(() => stopServer(server));

test('a framework imported from a workbook is refused precisely when anything is wrong, and nothing is made', async () => {
  const good = workbook(FRAMEWORK);
  assertProblem(await importFw(good, `year=${YEAR}&group=district`, tok.lanhdao), 403, 'forbidden');
  assertProblem(await importFw(good, `group=district`), 422, 'missing-field');
  assertProblem(await importFw(good, `year=${YEAR}&group=ministry`), 400, 'invalid-query');
  const cases = [
    [Buffer.from('Mã,Tên,Điểm\n1,x,10\n'), 422, /not a zip file/, 'CSV'],
    [good.subarray(0, good.length - 30), 422, /zip directory/, 'a cut file'],
    [Buffer.alloc(0), 422, /not a zip file/, 'empty'],
    [zip({ 'xl/workbook.xml': '<workbook/>' }), 422, /names no sheet/, 'no sheet'],
    [workbook(FRAMEWORK, { extra: { 'xl/worksheets/sheet1.xml': Buffer.alloc(20 << 20, 0x20) } }), 413, /inflates to more than|would inflate/, 'a zip bomb'],
    // Both headers say 100 bytes: reading stops there and the checksum fails.
    [workbook(FRAMEWORK, { extra: { 'xl/worksheets/sheet1.xml': Buffer.alloc(20 << 20, 0x20) }, lie: 'xl/worksheets/sheet1.xml' }), 422, /checksum/, 'a bomb that lies about its size'],
    // The directory and the entry's own header disagree.
    [workbook(FRAMEWORK, { disagree: 'xl/worksheets/sheet1.xml' }), 422, /headers disagree/, 'headers that disagree'],
    [workbook(FRAMEWORK, { sheetPrefix: '<!DOCTYPE x [<!ENTITY a "aaaa">]>' }), 422, /DTD/, 'a DTD'],
    [workbook(FRAMEWORK, { extra: { 'xl/sharedStrings.xml': '<sst><si><t>Mã</t></si></sst>' } }), 422, /points to no shared string/, 'a missing shared string'],
    [workbook([FRAMEWORK[0], ['1', 'x', 'mười']]), 422, /row 2: column C is the maximum points/, 'points in words'],
    [workbook([FRAMEWORK[0], ['1', 'x', 10.005]]), 422, /row 2: column C/, 'three decimals'],
    [workbook([FRAMEWORK[0], [null, 'x', 10]]), 422, /row 2: column A/, 'no code'],
    [workbook([FRAMEWORK[0], ['1', 'a\nb', 10]]), 422, /row 2: column B/, 'a line break in a name'],
    [workbook([FRAMEWORK[0], ['1', 'x'.repeat(501), 10]]), 422, /row 2: column B/, 'a long name'],
    [workbook([FRAMEWORK[0], ['1', 'x', 10, 'magic']]), 422, /row 2: column D/, 'an unknown method'],
    [workbook([FRAMEWORK[0]]), 422, /no criterion/, 'a header alone'],
    [workbook(FRAMEWORK.map((r) => (r[0] === '1.3' ? ['1.3', r[1], 1] : r))), 422, /add up/, 'parts that do not add up'],
    [workbook([...FRAMEWORK, ['2.3', 'x', 1, 'computed', 'reports_on_time']]), 422, /known formula|add up/, 'an unknown formula'],
    [workbook([FRAMEWORK[0], ...[...Array(11)].map((_, i) => [`${i + 1}`, 'x', 100])]), 422, /more than 1000 points/, 'a total past 1,000 points'],
  ];
  for (const [buf, status, detail, what] of cases) {
    const res = await importFw(buf);
    assertProblem(res, status, status === 413 ? 'body-too-large' : 'invalid-field', what);
    assert.match(res.body.detail, detail, what);
  }
  const list = await api('GET', `/api/v1/par/frameworks?year=${YEAR}`, { token: tok.admin });
  assert.equal(list.body.items.length, 0, 'nothing was made');
});

test('a framework is imported from a workbook with every district of the year', async () => {
  const res = await importFw(workbook(FRAMEWORK), `year=${YEAR}&group=district&deadline=${YEAR}-12-15`);
  assertStatus(res, 201, 'import');
  fw = res.body.id;
  const got = await api('GET', `/api/v1/par/frameworks/${fw}`, { token: tok.giamsat });
  assertStatus(got, 200);
  assert.equal(got.body.max, 100);
  assert.deepEqual(got.body.criteria.map((c) => [c.code, c.parent ?? '', c.max, c.method ?? null, c.formula ?? null]), [
    ['1', '', 40, null, null],
    ['1.1', '1', 20, 'self', null],
    ['1.2', '1', 19.5, 'appraised', null],
    ['1.3', '1', 0.5, 'self', null],
    ['2', '', 60, null, null],
    ['2.1', '2', 30, 'computed', 'tasks_on_time'],
    ['2.2', '2', 30, 'survey', null],
  ].map(([a, b, c, d, e]) => [a, b, c, d, e]));
  assert.equal(got.body.criteria[1].name, 'Kế hoạch cải cách hành chính năm');
  assert.deepEqual(got.body.units.map((u) => u.code).sort(), [...DISTRICTS].sort());
  assertProblem(await importFw(workbook(FRAMEWORK)), 409, 'duplicate');
});

test('survey results are imported from a workbook; a wrong row changes nothing', async () => {
  const HEAD = ['Mã đơn vị', 'Mã tiêu chí', 'Điểm'];
  assertProblem(await survey(workbook([HEAD, [DISTRICT, '2.2', 25]]), tok.lanhdao), 403, 'forbidden');
  const cases = [
    [workbook([[DISTRICT, '2.2', 25]]), /row 1 is the header/, 'no header row'],
    [workbook([HEAD, [DISTRICT, '2.2', 25], [NGOC_LAC, '2.2', 31]]), /row 3: /, 'over the maximum'],
    [workbook([HEAD, [DISTRICT, '2.2', 25], [], ['000.00.01.H56', '2.2', 5]]), /row 4: /, 'a unit not in the framework'],
    [workbook([HEAD, [DISTRICT, '1.1', 5]]), /row 2: /, 'not a survey criterion'],
    [workbook([HEAD, [DISTRICT, '2.2']]), /row 2: a row is unit code, criterion code, points/, 'no points'],
    [workbook([HEAD, [DISTRICT, '2.2', 'x']]), /row 2: /, 'points not a number'],
    [workbook([HEAD]), /no result row/, 'a header alone'],
    [workbook([HEAD, [DISTRICT, '2.2', 25]]).subarray(0, 100), /zip directory/, 'a cut file'],
  ];
  for (const [buf, detail, what] of cases) {
    const res = await survey(buf);
    assertProblem(res, 422, 'invalid-field', what);
    assert.match(res.body.detail, detail, what);
  }
  let s = await sheet(DISTRICT);
  assertStatus(s, 200);
  assert.equal(mark(s, '2.2'), undefined, 'nothing imported');
  const res = await survey(workbook([HEAD, [DISTRICT, '2.2', 25.5], [], [NGOC_LAC, '2.2', '27,25']]));
  assertStatus(res, 200, 'survey');
  assert.equal(res.body.imported, 2);
  s = await sheet(DISTRICT);
  assert.equal(mark(s, '2.2').value, 25.5);
  s = await sheet(NGOC_LAC);
  assert.equal(mark(s, '2.2').value, 27.25);
  // The CSV import is as before.
  const csv = await api('POST', `/api/v1/par/frameworks/${fw}/survey`, { token: tok.giamsat,
    raw: Buffer.from(`unit_code,criterion_code,points\n${DISTRICT},2.2,"20,5"\n`), headers: { 'Content-Type': 'text/csv' } });
  assertStatus(csv, 200);
  s = await sheet(DISTRICT);
  assert.equal(mark(s, '2.2').value, 20.5);
});
