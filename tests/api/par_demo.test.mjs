// The demo's reform index (docs/par-index.md §7): `init --demo` holds the 2016
// cycle as report 6366/BC-UBND publishes it — the indices of the six units it
// names and the rating of 20 departments, 27 districts and 10 public service
// units, 18 hoàn thành xuất sắc (9, 6, 3), 38 hoàn thành tốt (11, 21, 6) and 1
// hoàn thành (a service unit) — and an open 2017 cycle, which the public does
// not see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, BIN } from './harness.mjs';
import { stopServer, assertStatus } from './helpers.mjs';

let server;
before(async () => { server = await startServer({ dossiers: 60 }); });
after(() => stopServer(server));

test('the 2016 results are published as the report gives them', async () => {
  const res = await server.api('GET', '/api/v1/public/par?year=2016');
  assertStatus(res, 200);
  const by = Object.fromEntries(res.body.items.map((f) => [f.group, f]));
  assert.deepEqual(Object.keys(by).sort(), ['department', 'district', 'service']);
  for (const f of res.body.items) assert.match(f.decision, /436\/QĐ-UBND ngày 10\/02\/2017/);
  assert.equal(by.department.units.length, 20);
  assert.equal(by.district.units.length, 27);
  assert.equal(by.service.units.length, 10);
  const none = { xuat_sac: 0, tot: 0, hoan_thanh: 0, khong_hoan_thanh: 0 };
  assert.deepEqual(by.department.ratings, { ...none, xuat_sac: 9, tot: 11 });
  assert.deepEqual(by.district.ratings, { ...none, xuat_sac: 6, tot: 21 });
  assert.deepEqual(by.service.ratings, { ...none, xuat_sac: 3, tot: 6, hoan_thanh: 1 });
  const all = res.body.items.flatMap((f) => f.units);
  const count = (g) => all.filter((u) => u.rating === g).length;
  assert.deepEqual([count('xuat_sac'), count('tot'), count('hoan_thanh')], [18, 38, 1]);
  const index = Object.fromEntries(all.map((u) => [u.name, u]));
  for (const [name, points, text] of [
    ['Sở Tài chính', 92, '92 %'], ['Sở Giao thông Vận tải', 92, '92 %'],
    ['Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp', 91, '91 %'],
    ['UBND thành phố Thanh Hóa', 91.5, '91,5 %'], ['UBND huyện Ngọc Lặc', 90, '90 %'],
    ['UBND huyện Thọ Xuân', 89.5, '89,5 %']]) {
    assert.equal(index[name].points, points, name);
    assert.equal(index[name].max_points, 100, name);
    assert.equal(index[name].index_text, text, name);
  }
  assert.equal(index['Sở Tài chính'].rank, 1);
  assert.equal(index['UBND thành phố Thanh Hóa'].rank, 1);
  // The service units are rated by the decision, without an index.
  // The decision's reason is the officers' (the council's results), not the public's (§6).
  for (const u of by.service.units) {
    assert.equal(u.index, null);
    assert.ok(!('decision_reason' in u) && !('submitted' in u), u.code);
  }
  const council = await server.api('GET', `/api/v1/par/frameworks/${by.service.id}/results`, { token: await server.login('giamsat') });
  assertStatus(council, 200);
  for (const u of council.body.units) assert.match(u.decision_reason, /436\/QĐ-UBND/);
});

test('the 2017 cycle is open: computed from the dossiers, not public', async () => {
  const res = await server.api('GET', '/api/v1/public/par?year=2017');
  assertStatus(res, 200);
  assert.equal(res.body.items.length, 0);
  const tok = await server.login('giamsat');
  const list = await server.api('GET', '/api/v1/par/frameworks?year=2017', { token: tok });
  assert.deepEqual(list.body.items.map((f) => [f.group, f.state]), [['department', 'open'], ['district', 'open']]);
  const sheet = await server.api('GET', `/api/v1/par/frameworks/${list.body.items[1].id}/units/000.00.33.H56`, { token: tok });
  assertStatus(sheet, 200);
  const onTime = sheet.body.criteria.find((c) => c.formula === 'dossiers_on_time');
  assert.equal(onTime.mark.figures.year, 2017);
  assert.ok(onTime.mark.figures.denominator > 0, 'Quảng Xương resolved dossiers in 2017');
});

test("the 2017 cycle's tasks and documents criteria: each mark is the count of the records its link lists", async () => {
  const tok = await server.login('admin');
  const giamsat = await server.login('giamsat');
  const listAll = async (path) => {
    const all = [];
    for (let offset = 0; ; offset += 200) {
      const res = await server.api('GET', `${path}${path.includes('?') ? '&' : '?'}limit=200&offset=${offset}`, { token: tok });
      assertStatus(res, 200, path);
      all.push(...res.body.items);
      if (all.length >= res.body.total || res.body.items.length === 0) return all;
    }
  };
  const list = await server.api('GET', '/api/v1/par/frameworks?year=2017', { token: giamsat });
  let judgedSomewhere = 0, onTimeSomewhere = 0;
  for (const f of list.body.items) {
    const fw = await server.api('GET', `/api/v1/par/frameworks/${f.id}`, { token: giamsat });
    assertStatus(fw, 200);
    const leaf = (formula) => fw.body.criteria.find((c) => c.formula === formula);
    // Where they fit in the areas: tasks under 1 (direction), documents under 7 (modernisation).
    assert.equal(leaf('tasks_on_time').parent, '1');
    assert.equal(leaf('documents_signed').parent, '7');
    for (const { code: unit } of fw.body.units) {
      const s = await server.api('GET', `/api/v1/par/frameworks/${f.id}/units/${unit}`, { token: giamsat });
      assertStatus(s, 200);
      const mark = (formula) => s.body.criteria.find((c) => c.formula === formula).mark;
      // Tasks the unit's subtree is in charge of, due by a day, neither
      // suspended nor cancelled, original deadline in 2017 (all past).
      const t = mark('tasks_on_time');
      assert.equal(t.figures.year, 2017);
      const tasks = await listAll(t.figures.link.replace(/&limit=\d+/, ''));
      const judged = tasks.filter((x) => x.due_kind === 'date' && !['suspended', 'cancelled'].includes(x.state)
        && x.original_due?.startsWith('2017-'));
      const onTime = judged.filter((x) => x.state === 'done' && x.done_on <= x.original_due);
      assert.equal(t.figures.denominator, judged.length, `${unit}: tasks judged`);
      assert.equal(t.figures.numerator, onTime.length, `${unit}: tasks on time`);
      const max = leaf('tasks_on_time').max;
      assert.equal(t.value, judged.length ? Math.round(max * 100 * onTime.length / judged.length) / 100 : null, `${unit}: points`);
      judgedSomewhere += judged.length;
      onTimeSomewhere += onTime.length;
      // Outgoing documents the unit issued in 2017.
      const d = mark('documents_signed');
      assert.equal(d.figures.link, `/api/v1/documents?box=out&state=issued&year=2017&unit=${unit}`);
      const docs = await listAll(d.figures.link);
      assert.equal(d.figures.denominator, docs.length, `${unit}: documents issued`);
      assert.ok(d.figures.numerator <= docs.length, `${unit}: documents sent signed`);
    }
  }
  assert.ok(judgedSomewhere > 0 && onTimeSomewhere > 0, "the demo's 2017 directives are judged in the 2017 frameworks");
});

// Sở Tài nguyên và Môi trường and UBND huyện Quảng Xương have their own
// documents of 2017 (src/demo/documents.c): most signed by the demo CA's keys
// and sent to the province, one of each not (unsigned, or on paper).
test("the 2017 marks of 7.3 of Sở TN&MT and Quảng Xương: the documents their links list, signed and sent", async () => {
  const tok = await server.login('admin');
  const giamsat = await server.login('giamsat');
  const list = await server.api('GET', '/api/v1/par/frameworks?year=2017', { token: giamsat });
  const frameworks = Object.fromEntries(list.body.items.map((f) => [f.group, f.id]));
  // The copies delivered inside the deployment: incoming documents with a
  // source (not yet registered, so of no year yet).
  const copies = await server.api('GET', '/api/v1/documents?box=in&limit=200', { token: tok });
  assertStatus(copies, 200);
  const sources = new Set(copies.body.items.map((c) => c.source).filter(Boolean));
  const shares = {};
  for (const [group, unit, issued, sent] of [['department', '000.00.10.H56', 5, 3], ['district', '000.00.33.H56', 5, 4]]) {
    const fw = await server.api('GET', `/api/v1/par/frameworks/${frameworks[group]}`, { token: giamsat });
    const max = fw.body.criteria.find((c) => c.formula === 'documents_signed').max;
    const s = await server.api('GET', `/api/v1/par/frameworks/${frameworks[group]}/units/${unit}`, { token: giamsat });
    assertStatus(s, 200);
    const d = s.body.criteria.find((c) => c.formula === 'documents_signed').mark;
    assert.equal(d.figures.year, 2017);
    const docs = await server.api('GET', `${d.figures.link}&limit=200`, { token: tok });
    assertStatus(docs, 200);
    let counted = 0;
    for (const doc of docs.body.items) {
      assert.equal(doc.unit.code, unit);
      const sig = await server.api('GET', `/api/v1/documents/${doc.id}/signatures`, { token: tok });
      const signed = sig.status === 200 && sig.body.items.length > 0;
      if (signed && sources.has(doc.id)) counted++;
    }
    assert.equal(d.figures.denominator, docs.body.items.length, `${unit}: documents issued`);
    assert.equal(d.figures.numerator, counted, `${unit}: documents signed and sent`);
    assert.deepEqual([d.figures.denominator, d.figures.numerator], [issued, sent], `${unit}: the demo's figures`);
    assert.equal(d.value, Math.round(max * 100 * counted / docs.body.items.length) / 100, `${unit}: points`);
    shares[unit] = counted / docs.body.items.length;
  }
  assert.notEqual(shares['000.00.10.H56'], shares['000.00.33.H56'], 'real, different shares');
});

// The period of kind `kind` holding the day 'YYYY-MM-DD': [start, end) as
// 'YYYY-MM-DD' (core/task.c mc_task_period_bounds: weeks from Monday, the
// others from the 1st of their first month).
function periodOf(kind, day) {
  const d = new Date(`${day}T00:00:00Z`);
  const iso = (x) => x.toISOString().slice(0, 10);
  const y = d.getUTCFullYear(), m = d.getUTCMonth();
  if (kind === 'week') {
    const start = new Date(d); start.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const end = new Date(start); end.setUTCDate(start.getUTCDate() + 7);
    return [iso(start), iso(end)];
  }
  const months = { month: 1, quarter: 3, half_year: 6, year: 12 }[kind];
  const first = m - (m % months);
  return [iso(new Date(Date.UTC(y, first, 1))), iso(new Date(Date.UTC(y, first + months, 1)))];
}

test("the 2017 cycle's reports_on_time: each unit's mark is the count of the periods its recurring tasks' logs answer", async () => {
  const tok = await server.login('admin');
  const giamsat = await server.login('giamsat');
  const list = await server.api('GET', '/api/v1/par/frameworks?year=2017', { token: giamsat });
  let dueSomewhere = 0, onTimeSomewhere = 0;
  for (const f of list.body.items) {
    const fw = await server.api('GET', `/api/v1/par/frameworks/${f.id}`, { token: giamsat });
    const leaf = fw.body.criteria.find((c) => c.formula === 'reports_on_time');
    assert.equal(leaf.parent, '1');
    for (const { code: unit } of fw.body.units) {
      const s = await server.api('GET', `/api/v1/par/frameworks/${f.id}/units/${unit}`, { token: giamsat });
      const mark = s.body.criteria.find((c) => c.formula === 'reports_on_time').mark;
      const res = await server.api('GET', mark.figures.link, { token: tok }); // the link as given works
      assertStatus(res, 200);
      let due = 0, onTime = 0;
      for (const item of res.body.items.filter((x) => x.due_kind === 'recurring')) {
        const t = await server.api('GET', `/api/v1/tasks/${item.id}`, { token: tok });
        assertStatus(t, 200);
        const reports = t.body.events.filter((e) => e.action === 'report' && e.period);
        // The task owes the periods that ended in 2017 while it was open (all are over now).
        const last = t.body.events[t.body.events.length - 1].at.slice(0, 10);
        const until = t.body.state === 'done' ? t.body.done_on
          : ['cancelled', 'suspended'].includes(t.body.state) ? last : '2018-01-01';
        let day = t.body.assigned_on > '2017-01-01' ? t.body.assigned_on : '2017-01-01';
        for (;;) {
          const [start, end] = periodOf(t.body.period, day);
          if (end > '2018-01-01' || end > until) break;
          due++;
          const first = reports.filter((e) => e.period.first_day === start).sort((a, b) => (a.at < b.at ? -1 : 1))[0];
          if (first && first.at.slice(0, 10) <= first.period.report_due) onTime++;
          day = end;
        }
      }
      assert.equal(mark.figures.denominator, due, `${unit}: reports due`);
      assert.equal(mark.figures.numerator, onTime, `${unit}: reports on time`);
      assert.equal(mark.value, due ? Math.round(leaf.max * 100 * onTime / due) / 100 : null, `${unit}: points`);
      dueSomewhere += due;
      onTimeSomewhere += onTime;
    }
  }
  assert.ok(dueSomewhere > 0 && onTimeSomewhere > 0, "the demo's recurring tasks report in 2017");
});

test('motcua report par gives the year for scripts (--json) and for people (md)', () => {
  const run = (...args) => spawnSync(BIN, ['report', 'par', '--db', server.db, ...args], { timeout: 30000, encoding: 'utf8' });
  let r = run('--year', '2016', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.units.length, 57);
  for (const u of j.units) for (const k of ['code', 'name', 'group', 'points', 'max_points', 'index', 'rank', 'rating']) assert.ok(k in u, k);
  const count = (g) => j.units.filter((u) => u.rating === g).length;
  assert.deepEqual([count('xuat_sac'), count('tot'), count('hoan_thanh'), count('khong_hoan_thanh')], [18, 38, 1, 0]);
  const tx = j.units.find((u) => u.code === '000.00.35.H56');
  assert.deepEqual([tx.group, tx.points, tx.max_points, tx.index, tx.rating], ['district', 89.5, 100, 89.5, 'tot']);
  r = run('--year', '2016', '--format', 'md');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| 1 \| UBND thành phố Thanh Hóa \| 91,5\/100 \| 91,5 % \| hoàn thành xuất sắc nhiệm vụ \|/);
  assert.match(r.stdout, /Tổng cộng: 18 hoàn thành xuất sắc, 38 hoàn thành tốt, 1 hoàn thành/);
  for (const bad of [['--year', '16', '--json'], ['--year', '2016'], ['--year', '2016', '--format', 'docx'], ['--json']]) {
    r = run(...bad);
    assert.equal(r.status, 2, bad.join(' '));
  }
});

test('motcua report par --format pdf|xlsx: the renderers of results.pdf / results.xlsx, every unit of the year', async () => {
  const { readFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const run = (...args) => spawnSync(BIN, ['report', 'par', '--db', server.db, '--year', '2016', ...args], { timeout: 30000 });
  let r = run('--json');
  assert.equal(r.status, 0, r.stderr.toString());
  const units = JSON.parse(r.stdout.toString('utf8')).units;
  // The PDF: sound for qpdf, and the figures the report published.
  const pdf = `${server.dir}/par-2016.pdf`;
  r = run('--format', 'pdf', '--out', pdf);
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  execFileSync('qpdf', ['--check', pdf], { stdio: 'pipe' }); // throws on a damaged file
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2016/);
  assert.match(text, /436\/QĐ-UBND/);
  for (const label of ['Sở, ban, ngành cấp tỉnh', 'UBND huyện, thị xã, thành phố', 'Đơn vị sự nghiệp trực thuộc UBND tỉnh']) {
    assert.ok(text.includes(label), label);
  }
  const row = (code) => text.split('\n').find((l) => l.includes(code)) ?? '';
  // Sở Tài chính, Sở GTVT, BQL KKT Nghi Sơn, the city, Ngọc Lặc, Thọ Xuân.
  for (const [name, figure] of [['Sở Tài chính', '92'], ['Sở Giao thông Vận tải', '92'],
    ['UBND thành phố Thanh Hóa', '91,5'], ['UBND huyện Ngọc Lặc', '90'], ['UBND huyện Thọ Xuân', '89,5']]) {
    const u = units.find((x) => x.name === name);
    assert.match(row(u.code), new RegExp(`${u.code}.*${name}.*\\b${figure}\\s+100\\s+${figure} %`), name);
  }
  for (const u of units) assert.ok(text.includes(u.code), `${u.code} is a row`);
  // The workbook: a sheet per group, the same rows as --json.
  const xlsx = `${server.dir}/par-2016.xlsx`;
  r = run('--format', 'xlsx', '--out', xlsx);
  assert.equal(r.status, 0, r.stderr.toString());
  const py = String.raw`
import json, re, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile(sys.argv[1])
shared = [''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns)]
wb = ET.fromstring(z.read('xl/workbook.xml'))
names = [s.get('name') for s in wb.find('m:sheets', ns)]
rows = []
for i in range(len(names)):
    sheet = ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % (i + 1)))
    for row in sheet.iter('{%s}row' % ns['m']):
        if int(row.get('r')) < 5: continue
        cells = {}
        for c in row.findall('m:c', ns):
            v = c.find('m:v', ns)
            col = re.match('[A-Z]+', c.get('r')).group(0)
            cells[col] = shared[int(v.text)] if c.get('t') == 's' else float(v.text)
        rows.append([names[i], cells.get('A'), cells.get('B'), cells.get('C'), cells.get('D'), cells.get('E'), cells.get('F'), cells.get('G')])
print(json.dumps({'sheets': names, 'rows': rows}))
`;
  const book = JSON.parse(execFileSync('python3', ['-c', py, xlsx], { encoding: 'utf8' }));
  assert.deepEqual(book.sheets, ['Sở, ban, ngành', 'Huyện, thị xã, thành phố', 'Đơn vị sự nghiệp']);
  const LABEL = { xuat_sac: 'hoàn thành xuất sắc nhiệm vụ', tot: 'hoàn thành tốt nhiệm vụ', hoan_thanh: 'hoàn thành nhiệm vụ', khong_hoan_thanh: 'không hoàn thành nhiệm vụ' };
  const SHEET = { department: 'Sở, ban, ngành', district: 'Huyện, thị xã, thành phố', service: 'Đơn vị sự nghiệp' };
  assert.deepEqual(book.rows, units.map((u) => [SHEET[u.group], u.rank, u.code, u.name,
    u.index === null ? null : u.points, u.index === null ? null : u.max_points, u.index, LABEL[u.rating]]));
});

test('motcua report reform has the index and rating paragraphs of the period, as 6366/BC-UBND writes them', () => {
  const run = (...args) => spawnSync(BIN, ['report', 'reform', '--db', server.db, '--from', '2017-01-01', '--to', '2017-06-30',
    '--date', '2017-07-05', ...args], { timeout: 60000 });
  let r = run('--format', 'md');
  assert.equal(r.status, 0, r.stderr.toString());
  const text = r.stdout.toString('utf8').replace(/\s+/g, ' ');
  assert.ok(text.includes('Đánh giá, xếp loại mức độ hoàn thành nhiệm vụ năm 2016 của 20 sở, ban, ngành cấp tỉnh, 27 UBND các '
    + 'huyện, thị xã, thành phố và 10 đơn vị sự nghiệp trực thuộc UBND tỉnh (Quyết định số 436/QĐ-UBND ngày 10/02/2017)'), text);
  assert.ok(text.includes('xếp loại hoàn thành xuất sắc nhiệm vụ đối với 18 đơn vị (09 sở, ban, ngành cấp tỉnh; 06 UBND các huyện, '
    + 'thị xã, thành phố và 03 đơn vị sự nghiệp trực thuộc UBND tỉnh)'));
  assert.ok(text.includes('hoàn thành tốt nhiệm vụ đối với 38 đơn vị (11 sở, ban, ngành cấp tỉnh; 21 UBND các huyện, thị xã, '
    + 'thành phố và 06 đơn vị sự nghiệp trực thuộc UBND tỉnh)'));
  assert.ok(text.includes('hoàn thành nhiệm vụ đối với 01 đơn vị (01 đơn vị sự nghiệp trực thuộc UBND tỉnh)'));
  assert.ok(text.includes('Sở Tài chính (92/100 điểm), Sở Giao thông Vận tải (92/100 điểm), Ban Quản lý Khu kinh tế Nghi Sơn và '
    + 'các khu công nghiệp (91/100 điểm), UBND thành phố Thanh Hóa (91,5/100 điểm), UBND huyện Ngọc Lặc (90/100 điểm), '
    + 'UBND huyện Thọ Xuân (89,5/100 điểm)'));
  // A period in which nothing was published has no such paragraph.
  r = spawnSync(BIN, ['report', 'reform', '--db', server.db, '--from', '2017-03-01', '--to', '2017-06-30', '--format', 'md'],
    { timeout: 60000 });
  assert.equal(r.status, 0);
  assert.ok(!r.stdout.toString('utf8').includes('xếp loại mức độ hoàn thành nhiệm vụ'));
  r = run('--format', 'pdf');
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stdout.subarray(0, 5).toString(), '%PDF-');
});
