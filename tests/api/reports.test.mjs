// The statistics report as XLSX (opened as the zip it is: sheet XML, shared
// strings, merged cells) and as PDF (read back with pdftotext): the same
// figures as GET /api/v1/stats for the same unit and period.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import { stopServer, ROOT, DISTRICT, DEPARTMENT, assertProblem, assertStatus, file, actOk, districtProcedure } from './helpers.mjs';

let server;
const tok = {};
const work = mkdtempSync(join(tmpdir(), 'motcua-report-'));
const H1 = 'from=2017-01-01&to=2017-07-01';
// The columns C..P of every sheet, in order.
const COLS = [
  (c) => c.carried_over, (c) => c.received.online, (c) => c.received.direct, (c) => c.received.postal,
  (c) => c.resolved.early, (c) => c.resolved.on_time, (c) => c.resolved.late,
  (c) => c.in_progress.within_time, (c) => c.in_progress.overdue,
  (c) => c.supplement_requested, (c) => c.withdrawn, (c) => c.stopped, (c) => c.apologies,
];
const LETTERS = 'CDEFGHIJKLMNOP';

before(async () => {
  server = await startServer({ dossiers: 200 });
  for (const u of ['lanhdao', 'giamsat', 'congdan', 'tiepnhan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

async function download(path, token = tok.lanhdao) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body };
}

async function stats(query, token = tok.lanhdao) {
  const res = await server.api('GET', `/api/v1/stats?${query}`, { token });
  assertStatus(res, 200, query);
  return res.body;
}

function unzip(file, member) {
  return execFileSync('unzip', ['-p', file, member], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

// A sheet as { cells: {A1: {v, f}}, merged: [refs] } with shared strings resolved.
function readSheet(file, n, strings) {
  const xml = unzip(file, `xl/worksheets/sheet${n}.xml`);
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/g)) {
    const [, ref, attrs, inner = ''] = m;
    const v = /<v>(.*?)<\/v>/.exec(inner);
    const f = /<f>(.*?)<\/f>/.exec(inner);
    let value = v ? v[1] : undefined;
    if (value !== undefined && /t="s"/.test(attrs)) value = strings[Number(value)];
    else if (value !== undefined) value = Number(value);
    cells[ref] = { v: value, f: f ? unescape(f[1]) : undefined };
  }
  const merged = [...xml.matchAll(/<mergeCell ref="([A-Z0-9:]+)"\/>/g)].map((m) => m[1]);
  return { cells, merged, xml };
}

function sharedStrings(file) {
  const xml = unzip(file, 'xl/sharedStrings.xml');
  return [...xml.matchAll(/<si>(.*?)<\/si>/gs)].map((m) =>
    unescape([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')));
}

// Asserts that the sheet's data rows and totals row hold these figures.
function assertSheet(sheet, rows, totals, label) {
  const { cells } = sheet;
  rows.forEach((row, i) => {
    const r = 7 + i;
    assert.equal(cells[`A${r}`].v, i + 1, `${label} row ${r}: STT`);
    assert.equal(cells[`B${r}`].v, label === 'unit' ? row.key.name + (row.key.own ? ' (tại đơn vị)' : '')
      : label === 'field' ? row.key.field : `${row.key.code} – ${row.key.name}`, `${label} row ${r}: label`);
    COLS.forEach((get, k) => assert.equal(cells[`${LETTERS[k]}${r}`].v, get(row), `${label} ${LETTERS[k]}${r}`));
    if (row.on_time_rate === null) assert.equal(cells[`P${r}`].v, undefined, `${label} P${r} blank`);
    else assert.ok(Math.abs(cells[`P${r}`].v - row.on_time_rate) < 1e-12, `${label} P${r} rate`);
  });
  const t = 7 + rows.length;
  assert.equal(cells[`A${t}`].v, 'Tổng cộng');
  assert.ok(sheet.merged.includes(`A${t}:B${t}`));
  COLS.forEach((get, k) => {
    const c = cells[`${LETTERS[k]}${t}`];
    assert.equal(c.v, get(totals), `${label} total ${LETTERS[k]}`);
    if (rows.length) assert.equal(c.f, `SUM(${LETTERS[k]}7:${LETTERS[k]}${t - 1})`);
  });
  if (totals.on_time_rate !== null) assert.ok(Math.abs(cells[`P${t}`].v - totals.on_time_rate) < 1e-12);
}

test('XLSX: three sheets with titles, merged group headers, the figures and totals of GET /api/v1/stats', async () => {
  const res = await download(`/api/v1/stats/report.xlsx?${H1}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(res.headers.get('content-disposition'), /attachment; filename="bao-cao-000\.00\.33\.H56-20170101-20170630\.xlsx"/);
  assert.equal(res.body.subarray(0, 2).toString(), 'PK', 'a zip');
  const file = join(work, 'report.xlsx');
  writeFileSync(file, res.body);

  const workbook = unzip(file, 'xl/workbook.xml');
  assert.deepEqual([...workbook.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]),
    ['Theo đơn vị', 'Theo lĩnh vực', 'Theo thủ tục', 'Mức độ hài lòng']);
  const strings = sharedStrings(file);
  for (const s of ['BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH', 'Số hồ sơ nhận giải quyết',
    'Kết quả giải quyết', 'Đang giải quyết', 'Kỳ trước chuyển sang', 'Trực tuyến', 'Trực tiếp', 'Bưu chính công ích',
    'Trước hạn', 'Đúng hạn', 'Trễ hạn', 'Quá hạn', 'Trong hạn', 'Yêu cầu bổ sung', 'Rút hồ sơ', 'Dừng xử lý', 'Xin lỗi',
    'Tỷ lệ đúng hạn (%)', 'Tổng cộng', 'Đơn vị: UBND huyện Quảng Xương (000.00.33.H56)',
    'Kỳ báo cáo: từ ngày 01/01/2017 đến ngày 30/06/2017']) {
    assert.ok(strings.includes(s), `shared strings hold "${s}"`);
  }

  const byUnit = readSheet(file, 1, strings);
  const c = byUnit.cells;
  assert.equal(c.A1.v, 'BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
  // Group headers over their columns; single columns over both header rows.
  for (const ref of ['A1:P1', 'A2:P2', 'A3:P3', 'A5:A6', 'B5:B6', 'C5:F5', 'G5:I5', 'J5:K5', 'L5:L6', 'M5:M6',
    'N5:N6', 'O5:O6', 'P5:P6']) {
    assert.ok(byUnit.merged.includes(ref), `merged ${ref}: ${byUnit.merged}`);
  }
  assert.equal(c.C5.v, 'Số hồ sơ nhận giải quyết');
  assert.equal(c.G5.v, 'Kết quả giải quyết');
  assert.equal(c.J5.v, 'Đang giải quyết');
  assert.deepEqual(['C6', 'D6', 'E6', 'F6', 'G6', 'H6', 'I6', 'J6', 'K6'].map((r) => c[r].v),
    // a result after its due time is "trễ hạn", an open dossier past it "quá hạn" (docs/domain.md)
    ['Kỳ trước chuyển sang', 'Trực tuyến', 'Trực tiếp', 'Bưu chính công ích', 'Trước hạn', 'Đúng hạn', 'Trễ hạn',
      'Trong hạn', 'Quá hạn']);
  assert.deepEqual(['L5', 'M5', 'N5', 'O5', 'P5'].map((r) => c[r].v),
    ['Yêu cầu bổ sung', 'Rút hồ sơ', 'Dừng xử lý', 'Xin lỗi', 'Tỷ lệ đúng hạn (%)']);
  assert.match(byUnit.xml, /<col min="2" max="2" width="42/, 'a wide label column');
  assert.match(byUnit.xml, /<pane xSplit="2" ySplit="6"/, 'headers frozen');
  assert.match(unzip(file, 'xl/styles.xml'), /<left style="thin">/, 'bordered cells');

  const s = await stats(`${H1}&group=unit`);
  assert.ok(s.totals.resolved.total > 0);
  assertSheet(byUnit, s.rows, s.totals, 'unit');
  const f = await stats(`${H1}&group=field`);
  assertSheet(readSheet(file, 2, strings), f.rows, f.totals, 'field');
  const p = await stats(`${H1}&group=procedure`);
  assertSheet(readSheet(file, 3, strings), p.rows, p.totals, 'procedure');
  assert.deepEqual(f.totals, s.totals);

  // Another unit and period in scope: the province for a supervisor.
  const prov = await download('/api/v1/stats/report.xlsx?unit=000.00.00.H56&from=2017-03-01&to=2017-04-01', tok.giamsat);
  assert.equal(prov.status, 200);
  const file2 = join(work, 'province.xlsx');
  writeFileSync(file2, prov.body);
  const ps = await stats('unit=000.00.00.H56&from=2017-03-01&to=2017-04-01', tok.giamsat);
  const strings2 = sharedStrings(file2);
  assertSheet(readSheet(file2, 1, strings2), ps.rows, ps.totals, 'unit');
});

test('PDF: landscape A4 with the Nghị định 30/2020 heading, the tables, the totals and the charts', async () => {
  const res = await download(`/api/v1/stats/report.pdf?${H1}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.equal(res.body.subarray(0, 5).toString(), '%PDF-');
  const file = join(work, 'report.pdf');
  writeFileSync(file, res.body);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+841\.89 x 595\.2\d* pts \(A4\)/, 'landscape A4');
  const layout = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const text = layout.replace(/\s+/g, ' ');
  for (const s of ['UBND TỈNH THANH HÓA', 'UBND HUYỆN QUẢNG XƯƠNG', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc', 'BÁO CÁO', 'Tình hình, kết quả giải quyết thủ tục hành chính',
    'Kỳ báo cáo: từ ngày 01/01/2017 đến ngày 30/06/2017', 'Theo đơn vị', 'Theo lĩnh vực', 'Theo thủ tục',
    'Số hồ sơ nhận giải quyết', 'Kết quả giải quyết', 'Đang giải quyết', 'Xin lỗi',
    'Hồ sơ tiếp nhận theo hình thức', 'Kết quả giải quyết hồ sơ', 'Tỷ lệ giải quyết đúng hạn theo đơn vị']) {
    assert.ok(text.includes(s), `the PDF says "${s}"`);
  }
  assert.match(text, /Quảng Xương, ngày \d\d tháng \d+ năm \d{4}/);

  // The first totals line is the by-unit table's: every figure, in column order.
  const s = await stats(`${H1}&group=unit`);
  const line = layout.split('\n').find((l) => l.includes('Tổng cộng'));
  const rate = `${(s.totals.on_time_rate * 100).toFixed(1).replace('.', ',')}`;
  assert.deepEqual(line.replace('Tổng cộng', '').trim().split(/\s+/), [...COLS.map((g) => String(g(s.totals))), rate]);
  // The reconciliation of the reporting form (docs/forms.md §4) on the demo's figures:
  // carried over + received = resolved + in progress + withdrawn + stopped + refused, less
  // the dossiers withdrawn or refused online before they were ever received.
  const t = s.totals;
  let unreceived = 0;
  for (const state of ['withdrawn', 'not_accepted']) {
    for (let offset = 0; ; offset += 200) {
      const page = await server.api('GET', `/api/v1/dossiers?state=${state}&limit=200&offset=${offset}`,
        { token: tok.lanhdao });
      assert.equal(page.status, 200);
      unreceived += page.body.items.filter((d) => !d.received_at && d.finished_at >= '2017-01-01'
        && d.finished_at < '2017-07-01').length;
      if (page.body.items.length < 200) break;
    }
  }
  const inSum = t.carried_over + t.received.total;
  const outSum = t.resolved.total + t.in_progress.total + t.withdrawn + t.stopped + t.not_accepted - unreceived;
  assert.equal(inSum, outSum, `the demo's figures reconcile: ${JSON.stringify(t)}, ${unreceived} never received`);
  assert.ok(unreceived > 0, 'the demo has dossiers refused or withdrawn before reception');
  assert.ok(text.includes(`kỳ trước chuyển sang ${t.carried_over} + tiếp nhận trong kỳ ${t.received.total} = ${inSum}`),
    'what came in');
  assert.ok(text.includes(`đã giải quyết ${t.resolved.total} + đang giải quyết ${t.in_progress.total} + rút hồ sơ `
    + `${t.withdrawn} + dừng xử lý ${t.stopped} + từ chối ${t.not_accepted} − rút, từ chối trước khi tiếp nhận `
    + `${unreceived} = ${outSum}: khớp`), 'what became of it, reconciled');
  // Chờ bổ sung: the dossiers in progress at the end of the period whose last event before it
  // left them waiting for a supplement, from the demo's event log, beside the requests of the period.
  let waiting = 0;
  const end = '2017-07-01';
  for (let offset = 0; ; offset += 200) {
    const page = await server.api('GET', `/api/v1/dossiers?limit=200&offset=${offset}`, { token: tok.lanhdao });
    assert.equal(page.status, 200);
    for (const d of page.body.items) {
      if (!d.received_at || d.received_at >= end || (d.finished_at && d.finished_at < end)) continue;
      const detail = await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.lanhdao });
      const last = detail.body.events.filter((e) => e.at < end).at(-1);
      if (last?.to === 'supplement_requested') waiting++;
    }
    if (page.body.items.length < 200) break;
  }
  assert.ok(waiting > 0, 'the demo leaves dossiers waiting for a supplement at the end of June');
  assert.ok(text.includes(`Hồ sơ chờ bổ sung cuối kỳ: ${waiting} (yêu cầu bổ sung trong kỳ: `
    + `${t.supplement_requested})`), `${waiting} waiting at the end, ${t.supplement_requested} requests in the period`);
  for (const f of ['Số:', '/BC-UBND', 'Thông tư số 01/2020/TT-VPCP', 'Nơi nhận:', 'Lưu: VT', 'KT. CHỦ TỊCH',
    'PHÓ CHỦ TỊCH']) {
    assert.ok(text.includes(f), `the report carries "${f}"`);
  }
  // Three totals lines, one per grouping, all the same figures.
  assert.equal(layout.split('\n').filter((l) => l.includes('Tổng cộng')).length, 3);
  // Each child unit has its line.
  for (const row of s.rows) assert.ok(text.includes(row.key.name), row.key.name);

  // Kept under build/ like the forms' pictures (forms.test.mjs): the report is dated today,
  // so a copy in docs/ would change with every run. `make screenshots` refreshes docs/forms/.
  const pictures = process.env.MOTCUA_FORMS_PICTURES || join(ROOT, 'build', 'pictures', 'forms');
  mkdirSync(pictures, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, join(work, 'report')]);
  copyFileSync(join(work, 'report.png'), join(pictures, 'bao-cao-thong-ke.png'));
});

test('who may have a report, and bad queries', async () => {
  let res = await fetch(`${server.base}/api/v1/stats/report.xlsx?${H1}`);
  assert.equal(res.status, 401);
  assertProblem(await server.api('GET', `/api/v1/stats/report.pdf?${H1}`, { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await server.api('GET', `/api/v1/stats/report.xlsx?${H1}`, { token: tok.tiepnhan }), 403, 'forbidden');
  assertProblem(await server.api('GET', `/api/v1/stats/report.xlsx?unit=${DEPARTMENT}&${H1}`, { token: tok.lanhdao }),
    403, 'out-of-scope');
  assertProblem(await server.api('GET', '/api/v1/stats/report.xlsx?from=2017-07-01&to=2017-01-01',
    { token: tok.lanhdao }), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/stats/report.pdf?from=2017-13-01', { token: tok.lanhdao }), 400,
    'invalid-query');
  assertProblem(await server.api('GET', `/api/v1/stats/report.pdf?unit=NO.SUCH&${H1}`, { token: tok.lanhdao }), 400,
    'invalid-query');
  // A period without dossiers still makes a report, with zero totals.
  res = await download(`/api/v1/stats/report.xlsx?unit=${DISTRICT}&from=2010-01-01&to=2010-02-01`);
  assert.equal(res.status, 200);
  res = await download(`/api/v1/stats/report.pdf?unit=${DISTRICT}&from=2010-01-01&to=2010-02-01`);
  assert.equal(res.status, 200);
});

test('the satisfaction survey: a sheet of the workbook and a paragraph of the PDF, as the ratings summary', async () => {
  // A dossier taken to its return today and rated by its owner.
  const d = await file(server, tok.congdan, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  await actOk(server, tok.tiepnhan, d.code, 'receive');
  await actOk(server, tok.tiepnhan, d.code, 'assign');
  await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' });
  await actOk(server, tok.tiepnhan, d.code, 'return');
  const criteria = { total_time: 2, agency_time: 2, contacts: 1, agencies: 2, reception: 2, transparency: 1, attitude: 2 };
  const rated = await server.api('POST', `/api/v1/dossiers/${d.code}/rating`, { token: tok.congdan, body: { criteria, overall: 'very_satisfied' } });
  assertStatus(rated, 201);
  const year = new Date().getUTCFullYear();
  const period = `from=${year}-01-01&to=${year + 1}-01-01`;
  const summary = await server.api('GET', `/api/v1/ratings/summary?unit=${DISTRICT}&${period}`, { token: tok.lanhdao });
  assertStatus(summary, 200);
  assert.equal(summary.body.count, 1);

  const res = await download(`/api/v1/stats/report.xlsx?${period}`);
  assert.equal(res.status, 200);
  const path = join(work, 'satisfaction.xlsx');
  writeFileSync(path, res.body);
  const strings = sharedStrings(path);
  const sheet = readSheet(path, 4, strings);
  assert.equal(sheet.cells.A1.v, 'KẾT QUẢ KHẢO SÁT MỨC ĐỘ HÀI LÒNG');
  const rows = Object.keys(sheet.cells).filter((k) => /^B\d+$/.test(k)).map((k) => Number(k.slice(1)));
  const total = Math.max(...rows);
  assert.equal(sheet.cells[`B${total}`].v, 'Tổng cộng');
  assert.equal(Number(sheet.cells[`C${total}`].v), 1, 'one answer');
  assert.equal(Number(sheet.cells[`D${total}`].v), 2, 'total time scored 2');
  assert.equal(Number(sheet.cells[`I${total}`].v), 1, 'transparency scored 1');
  assert.equal(Number(sheet.cells[`K${total}`].v), 1, 'very satisfied');
  assert.equal(Number(sheet.cells[`N${total}`].v), 1, 'index 100 %');

  const pdf = await download(`/api/v1/stats/report.pdf?${period}`);
  assert.equal(pdf.status, 200);
  const pdfPath = join(work, 'satisfaction.pdf');
  writeFileSync(pdfPath, pdf.body);
  const text = execFileSync('pdftotext', [pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(text, /Mức độ hài lòng: 1 phiếu đánh giá; rất hài lòng 1, hài lòng 0, không hài lòng 0; chỉ số hài lòng 100,0%|Mức độ hài lòng: 1 phiếu đánh giá; rất hài lòng 1, hài lòng 0, không hài lòng 0; chỉ số hài lòng 100\.0%/);
});
