// The paperwork of the one-stop office rendered as PDF for demo dossiers, read
// back with pdftotext, and kept as PNG pages (pdftoppm) under
// build/pictures/forms/ (`make screenshots` copies them to docs/forms/). Each
// form exists in the version of the rules in force on the date of its act
// (docs/forms.md): the 2015 set for the 2017 demo, the 2018 set (Thông tư
// 01/2018/TT-VPCP) for the reorganised demo's dossiers of April-June 2025,
// the 2025 set (Nghị định 118/2025/NĐ-CP) for acts from 1 July 2025, with the
// forms of Thông tư 03/2025/TT-VPCP ('tt03') from 15 September 2025 (the
// dossiers filed now; the days around that date: forms_tt03.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import { stopServer, ROOT, assertProblem, assertStatus, APPLICANT } from './helpers.mjs';

const APPLICANT_EMAIL = APPLICANT.email;

let server;
let reorg;
const tok = {};
const rtok = {};
const work = mkdtempSync(join(tmpdir(), 'motcua-forms-'));
const docsDir = process.env.MOTCUA_FORMS_PICTURES || join(ROOT, 'build', 'pictures', 'forms');

before(async () => {
  server = await startServer({ dossiers: 300 });
  for (const u of ['tiepnhan', 'congdan', 'tiepnhan.stnmt']) tok[u] = await server.login(u);
  reorg = await startServer({ dossiers: 200, initArgs: ['--reorganised'] });
  for (const u of ['admin', 'tiepnhan.stnmt', 'chuyenvien.stnmt', 'lanhdao.stnmt']) rtok[u] = await reorg.login(u);
});
after(async () => {
  await stopServer(server);
  await stopServer(reorg);
  rmSync(work, { recursive: true, force: true });
});

async function pdf(path, token, srv = server) {
  const res = await fetch(srv.base + path, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), body };
}

// The fields docs/forms.md lists for each form version (§3, the lines marked ✓
// that are fixed text); the data of each dossier is checked beside them.
const FIELDS = {
  common: ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'],
  basis: {
    2015: 'Theo Quyết định số 09/2015/QĐ-TTg',
    2018: 'Thông tư số 01/2018/TT-VPCP',
    2025: 'Theo Nghị định số 118/2025/NĐ-CP',
    tt03: 'Thông tư số 03/2025/TT-VPCP',
  },
  // "Mẫu số NN" each form prints, by the URL's number: Thông tư 03/2025 numbers the
  // notice of stopping 05, the control sheet 06, the register 07 (docs/forms.md §3).
  model: {
    2018: { '01': '01', '02': '02', '03': '03', '04': '04', '05': '05', '06': '06' },
    tt03: { '01': '01', '02': '02', '03': '03', '04': '04', '05': '06', '06': '07', '07': '05' },
  },
  desk: {
    2015: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ',
    2018: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ',
    2025: 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH THANH HÓA',
    tt03: 'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH THANH HÓA',
  },
  '01': {
    all: ['GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', 'Mã hồ sơ:', 'Địa chỉ:', 'Số điện thoại:', 'Email:',
      'Nội dung yêu cầu giải quyết:', 'Thành phần hồ sơ', 'Số lượng hồ sơ', 'ngày làm việc',
      'Thời gian nhận hồ sơ:', 'Thời gian trả kết quả giải quyết hồ sơ:', 'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN HỒ SƠ'],
    since2018: ['Đăng ký nhận kết quả tại:', 'Vào Sổ theo dõi hồ sơ, Quyển số:', 'Số thứ tự:',
      'Liên 1: Lưu', 'Liên 2: Giao người nộp hồ sơ'],
  },
  '02': { all: ['PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', 'Địa chỉ:', 'Số điện thoại:', 'Email:', 'Lý do:',
    'NGƯỜI HƯỚNG DẪN'] },
  '03': { all: ['PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ', 'NGƯỜI TIẾP NHẬN'] },
  '04': {
    all: ['Số:', 'Kính gửi:', 'Lý do:', 'Nơi nhận:', 'Lưu: VT'],
    title: { 2015: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', 2018: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      2025: 'PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ',
      tt03: 'VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT' },
  },
  '05': { all: ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', 'Kèm theo Giấy tiếp nhận hồ sơ', 'Giao:', 'Nhận:',
    'Người giao (ký)', 'Người nhận (ký)', 'Thời gian trả kết quả theo quy định:'] },
  '06': { all: ['SỔ THEO DÕI HỒ SƠ', 'Số lượng hồ sơ (bộ)', 'Số điện thoại', 'Ngày chuyển hồ sơ đến cơ quan giải quyết',
    'Ngày trả kết quả; ký nhận', 'Cơ quan chủ trì giải quyết'] },
  '07': { all: ['THÔNG BÁO', 'Kính gửi:', 'Lý do:', 'Nơi nhận:'],
    title: { 2015: 'Về việc dừng giải quyết hồ sơ', 2018: 'Về việc dừng giải quyết hồ sơ',
      2025: 'Về việc dừng giải quyết hồ sơ', tt03: 'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ' } },
};

// Asserts that the text of form `n` in `set` carries its fields (docs/forms.md).
function assertFields(text, n, set) {
  const f = FIELDS[n];
  const since2018 = set !== 2015;
  const want = [...FIELDS.common, FIELDS.basis[set], ...f.all, ...(since2018 && f.since2018 ? f.since2018 : [])];
  if (f.title) want.push(f.title[set]);
  const model = FIELDS.model[set]?.[n];
  if (model) want.push(`Mẫu số ${model}, ${FIELDS.basis[set]}`);
  for (const w of want) assert.ok(text.includes(w), `form ${n} of the ${set} set carries "${w}"`);
  if (!model) assert.ok(!text.includes('Mẫu số'), `form ${n} of the ${set} set prints no number`);
  for (const [other, basis] of Object.entries(FIELDS.basis)) {
    if (other !== String(set)) assert.ok(!text.includes(basis), `form ${n} is not of the ${other} set`);
  }
  for (const [other, title] of Object.entries(f.title || {})) {
    if (title !== f.title[set]) assert.ok(!text.includes(title), `form ${n} has not the title of the ${other} set`);
  }
  if (!since2018 && f.since2018) {
    for (const w of f.since2018) assert.ok(!text.includes(w), `form ${n} of ${set} has no "${w}"`);
  }
}

// Writes the PDF, returns its text, and keeps page 1 as a PNG under build/pictures/forms.
function read(name, bytes) {
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, bytes);
  // In the order it was drawn (-raw): a cell's wrapped lines read as one run.
  const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
  mkdirSync(docsDir, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, join(work, name)]);
  copyFileSync(join(work, `${name}.png`), join(docsDir, `${name}.png`));
  return text.replace(/\s+/g, ' ');
}

async function dossierIn(state, extra = '') {
  const r = await server.api('GET', `/api/v1/dossiers?state=${state}&limit=50${extra}`, { token: tok.tiepnhan });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length > 0, `the demo has a ${state} dossier at Quảng Xương`);
  return r.body.items;
}

function localDate(iso) {
  // "2017-03-02T08:30:00+07:00" → "02/03/2017"
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

test('01 receipt: code, applicant with diacritics, received and due times, QR to the lookup', async () => {
  const [d] = await dossierIn('returned');
  const res = await pdf(`/api/v1/dossiers/${d.code}/forms/01`, tok.tiepnhan);
  assert.equal(res.status, 200);
  assert.equal(res.type, 'application/pdf');
  const text = read('01-giay-tiep-nhan-2015', res.body);
  assertFields(text, '01', 2015);
  assert.ok(text.includes(FIELDS.desk[2015]), 'the desk of 2017');
  assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
  assert.ok(text.includes(d.code), 'the dossier code');
  assert.ok(text.includes(d.applicant.name), `the applicant ${d.applicant.name}`);
  assert.ok(text.includes(d.procedure.name.slice(0, 20)), 'the procedure');
  assert.ok(text.includes(localDate(d.received_at)), 'the reception date');
  assert.ok(text.includes(localDate(d.due_at)), 'the due date');
  const hhmm = `${d.due_at.slice(11, 13)} giờ ${d.due_at.slice(14, 16)} phút`;
  assert.ok(text.includes(hhmm), `the due time ${hhmm}`);
  // a long address may wrap in the PDF: compare without white space
  assert.ok(text.replace(/ /g, '').includes(`/tra-cuu/${d.code}`), 'the lookup address');
});

test('02 supplement request and 03 refusal carry the reasons given', async () => {
  const [s] = await dossierIn('supplement_requested');
  const detail = (await server.api('GET', `/api/v1/dossiers/${s.code}`, { token: tok.tiepnhan })).body;
  const reason = [...detail.events].reverse().find((e) => e.action === 'request_supplement').note;
  const t2 = read('02-phieu-yeu-cau-bo-sung-2015', (await pdf(`/api/v1/dossiers/${s.code}/forms/02`, tok.tiepnhan)).body);
  assertFields(t2, '02', 2015);
  assert.ok(t2.includes(reason.replace(/\s+/g, ' ').slice(0, 30)), 'the reason');
  assert.ok(t2.includes(s.applicant.name));

  const [n] = await dossierIn('not_accepted');
  const t3 = read('03-phieu-tu-choi-2015', (await pdf(`/api/v1/dossiers/${n.code}/forms/03`, tok.tiepnhan)).body);
  assertFields(t3, '03', 2015);
  assert.ok(t3.includes(n.applicant.name));
  // a form that does not apply to the dossier's history is refused
  assertProblem(await server.api('GET', `/api/v1/dossiers/${n.code}/forms/02`, { token: tok.tiepnhan }), 409,
    'forbidden-transition');
});

test('04 apology: the old due time and the new one', async () => {
  const all = [...await dossierIn('processing'), ...await dossierIn('returned'), ...await dossierIn('resolved')];
  const late = all.filter((d) => d.timeliness === 'overdue' || d.timeliness === 'late');
  assert.ok(late.length, 'a late dossier at Quảng Xương');
  // The demo apologises for its late dossiers (QĐ 876/2017, issue 15): form 04 is filled
  // from the apology on record; a late dossier without one takes the reason and date asked.
  let apologised = null;
  let without = null;
  for (const d of late) {
    const items = (await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.tiepnhan })).body.items;
    if (items.length && !apologised) apologised = { d, a: items.at(-1) };
    if (!items.length && !without) without = d;
  }
  assert.ok(apologised, 'a late demo dossier has its apology');
  const { d, a } = apologised;
  const text = read('04-phieu-xin-loi-2015', (await pdf(`/api/v1/dossiers/${d.code}/forms/04`, tok.tiepnhan)).body);
  assertFields(text, '04', 2015);
  // The demo's leaders sign as deputies for the head, by name; an issued apology is no draft.
  assert.ok(text.includes('KT. CHỦ TỊCH') && text.includes('PHÓ CHỦ TỊCH'), 'signed for the head');
  assert.ok(text.includes(a.issued_by), `the signer ${a.issued_by}`);
  assert.ok(!text.includes('THỦ TRƯỞNG CƠ QUAN'), 'a named signer, not a blank title');
  assert.ok(!text.includes('DỰ THẢO'), 'issued: not a draft');
  assert.match(text, /Số: \d+\/PXL-/, 'its number, given when it was issued');
  assert.equal(a.late, true, 'the demo apologises after the due time: late');
  assert.ok(text.replace(/\s+/g, ' ').includes(a.reason), 'the recorded reason');
  const newDue = `${a.new_due.slice(11, 13)} giờ ${a.new_due.slice(14, 16)} phút, ngày ${localDate(a.new_due)}`;
  assert.ok(text.includes(newDue), `the new date ${newDue}`);
  assert.ok(text.includes(localDate(a.old_due)), 'the missed date');
  if (without) {
    // Form 04 prints an apology on record only: none is made up from the query.
    assertProblem(await server.api('GET', `/api/v1/dossiers/${without.code}/forms/04?reason=x&new_due=2017-07-05T16:00`,
      { token: tok.tiepnhan }), 409, 'forbidden-transition');
  }
  const early = all.find((x) => x.timeliness === 'early' || x.timeliness === 'within_time');
  if (early) {
    assertProblem(await server.api('GET', `/api/v1/dossiers/${early.code}/forms/04`, { token: tok.tiepnhan }),
      409, 'forbidden-transition');
  }
});

test('04 apology: only for a dossier late as its timeliness and the statistics judge it', async () => {
  // Paused for a supplement before its due time: the clock stopped, so it is
  // within time however long the applicant takes, though the due time has passed.
  const paused = (await dossierIn('supplement_requested')).find((d) =>
    ['within_time', 'due_soon'].includes(d.timeliness) && Date.parse(d.due_at) < Date.now());
  assert.ok(paused, 'the demo has a dossier paused before its due time');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${paused.code}/forms/04`, { token: tok.tiepnhan }), 409,
    'forbidden-transition');
  // Withdrawn or stopped after its due time: finished without a result, so not late.
  const ended = [...await dossierIn('withdrawn'), ...await dossierIn('stopped')].find((d) =>
    Date.parse(d.finished_at) > Date.parse(d.due_at));
  assert.ok(ended, 'the demo has a dossier withdrawn or stopped after its due time');
  assert.equal(ended.timeliness, null);
  assertProblem(await server.api('GET', `/api/v1/dossiers/${ended.code}/forms/04`, { token: tok.tiepnhan }), 409,
    'forbidden-transition');
});

test('05 process control sheet lists each hand-over', async () => {
  const [d] = await dossierIn('returned');
  const text = read('05-phieu-kiem-soat-2015', (await pdf(`/api/v1/dossiers/${d.code}/forms/05`, tok.tiepnhan)).body);
  assertFields(text, '05', 2015);
  assert.ok(text.includes(`${d.applicant.name}`), 'the applicant takes the result back');
  assert.match(text, /Giao:/);
  assert.match(text, /Đúng hạn|Trước hạn|Trễ hạn/);
  assert.doesNotMatch(text, /Quá hạn/, 'a hand-over after its due time is "trễ hạn" (docs/domain.md)');
  assert.match(text, /Người nộp hồ sơ/, 'the hand-back to the applicant');
});

test('06 register of a unit for a period', async () => {
  const res = await pdf('/api/v1/forms/register?from=2017-01-01&to=2017-07-01', tok.tiepnhan);
  assert.equal(res.status, 200);
  const text = read('06-so-theo-doi-2015', res.body);
  assertFields(text, '06', 2015);
  const list = await server.api('GET', '/api/v1/dossiers?limit=200', { token: tok.tiepnhan });
  const first = list.body.items.find((d) => d.received_at && d.received_at < '2017-07');
  assert.ok(text.includes(first.code.slice(0, 14)), 'dossier codes are listed');
  assertProblem(await server.api('GET', '/api/v1/forms/register?from=2017-07-01&to=2017-01-01', { token: tok.tiepnhan }),
    400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/forms/register?from=2017-01-01&to=2017-07-01&unit=000.00.10.H56',
    { token: tok.tiepnhan }), 403, 'out-of-scope');
});

test('forms: the owner may print their receipt; others may not see the dossier', async () => {
  const mine = await server.api('GET', '/api/v1/dossiers?limit=50', { token: tok.congdan });
  const received = mine.body.items.find((d) => d.received_at);
  assert.ok(received, 'the citizen has a received dossier');
  assert.equal((await pdf(`/api/v1/dossiers/${received.code}/forms/01`, tok.congdan)).status, 200);
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/01`, { token: tok['tiepnhan.stnmt'] }),
    404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/08`, { token: tok.congdan }),
    404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/06`, { token: tok.congdan }),
    404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/01`), 401, 'unauthenticated');
});

test('07 notice of stopping: for a stopped dossier only, with the reason and the signer', async () => {
  const [d] = await dossierIn('stopped');
  const detail = (await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.tiepnhan })).body;
  const stop = [...detail.events].reverse().find((e) => e.action === 'stop');
  const text = read('07-thong-bao-dung-2015', (await pdf(`/api/v1/dossiers/${d.code}/forms/07`, tok.tiepnhan)).body);
  assertFields(text, '07', 2015);
  assert.ok(text.includes(stop.note.replace(/\s+/g, ' ').slice(0, 30)), 'the reason');
  assert.ok(text.includes('KT. CHỦ TỊCH'), 'a deputy signs for the head');
  const [r] = await dossierIn('returned');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${r.code}/forms/07`, { token: tok.tiepnhan }), 409,
    'forbidden-transition');
});

// ---- the 2018 set: the reorganised demo's dossiers received April-June 2025

async function reorgList(q) {
  const r = await reorg.api('GET', `/api/v1/dossiers?limit=200${q}`, { token: rtok.admin });
  assertStatus(r, 200);
  return r.body.items;
}

test('2018 set: receipt in two copies with Quyển số and Số thứ tự, control sheet and register', async () => {
  const d = (await reorgList('&state=returned')).find((x) => x.received_at.startsWith('2025-0') &&
    x.received_at < '2025-07-01');
  assert.ok(d, 'the reorganised demo has a dossier received before 1 July 2025');
  const res = await pdf(`/api/v1/dossiers/${d.code}/forms/01`, rtok.admin, reorg);
  assertStatus(res, 200);
  const text = read('01-giay-tiep-nhan-2018', res.body);
  assertFields(text, '01', 2018);
  assert.ok(text.includes(FIELDS.desk[2018]));
  assert.ok(text.includes(`Bộ phận tiếp nhận và trả kết quả ${d.receiving_unit.name} tiếp nhận`), 'the desk that received it');
  assert.ok(/Quyển số: 2025, Số thứ tự: \d+/.test(text), 'the book of 2025 and its number');
  assert.ok(text.includes('Liên 1: Lưu tại Bộ phận tiếp nhận và trả kết quả'), 'the 2018 desk keeps copy 1');
  assert.ok(text.includes(d.code));
  const pages = execFileSync('pdfinfo', [join(work, '01-giay-tiep-nhan-2018.pdf')], { encoding: 'utf8' });
  assert.match(pages, /Pages:\s+2/, 'two copies, a page each');

  const t5 = read('05-phieu-kiem-soat-2018', (await pdf(`/api/v1/dossiers/${d.code}/forms/05`, rtok.admin, reorg)).body);
  assertFields(t5, '05', 2018);

  const reg = await pdf('/api/v1/forms/register?from=2025-04-01&to=2025-07-01&unit=000.00.33.H56', rtok.admin, reorg);
  assertStatus(reg, 200);
  const t6 = read('06-so-theo-doi-2018', reg.body);
  assertFields(t6, '06', 2018);
});

// ---- the 2025 set with Thông tư 03/2025/TT-VPCP's forms: acts from 15 September 2025 (dossiers filed now)

test('TT 03/2025 set: the centre on the letterhead, durations with a decimal comma, 02, 04 draft and issued, 07', async () => {
  const { file, actOk } = await import('./helpers.mjs');
  const d = await file(reorg, rtok['tiepnhan.stnmt'], { procedure_code: '1.005399' });
  let res = await pdf(`/api/v1/dossiers/${d.code}/forms/01`, rtok['tiepnhan.stnmt'], reorg);
  assertStatus(res, 200);
  const t1 = read('01-giay-tiep-nhan-tt03', res.body);
  assertFields(t1, '01', 'tt03');
  assert.ok(t1.includes(FIELDS.desk.tt03), 'the province centre receives for a department');
  assert.ok(!t1.includes(FIELDS.desk[2018]), 'no longer the 2018 desk');
  assert.ok(t1.includes('20 ngày làm việc'), 'the statutory time (160 h)');
  assert.ok(t1.includes('UBND TỈNH THANH HÓA'), 'the province above its centre');
  assert.ok(t1.includes('Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa tiếp nhận hồ sơ'), 'the centre receives');
  assert.ok(t1.includes('Đăng ký nhận kết quả tại: TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG'), 'where to collect');
  // The copy kept is the centre's, as its letterhead (docs/forms.md, form 01).
  assert.ok(t1.includes('Liên 1: Lưu tại Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa'), 'the centre keeps copy 1');
  assert.ok(!t1.includes('Lưu tại Bộ phận tiếp nhận và trả kết quả'), 'not the 2018 desk\'s copy');

  await actOk(reorg, rtok['tiepnhan.stnmt'], d.code, 'request_supplement', { note: 'Bổ sung bản sao sổ đỏ' });
  const t2 = read('02-phieu-yeu-cau-bo-sung-tt03', (await pdf(`/api/v1/dossiers/${d.code}/forms/02`, rtok['tiepnhan.stnmt'], reorg)).body);
  assertFields(t2, '02', 'tt03');
  assert.ok(t2.includes('Bổ sung bản sao sổ đỏ'));
  assert.ok(t2.includes(APPLICANT_EMAIL), 'the applicant e-mail');

  // Form 04: a prepared apology is a draft; once issued by the head, signed CHỦ/GIÁM ĐỐC without KT.
  const e = await file(reorg, rtok['tiepnhan.stnmt'], { procedure_code: '1.004177' });
  const prep = await reorg.api('POST', `/api/v1/dossiers/${e.code}/apologies`,
    { token: rtok['chuyenvien.stnmt'], body: { reason: 'Chờ kết quả đo đạc thực địa' } });
  assertStatus(prep, 201);
  assert.equal(prep.body.late, false, 'made weeks before the due time: not late');
  const draft = read('04-van-ban-xin-loi-du-thao-tt03', (await pdf(`/api/v1/dossiers/${e.code}/forms/04`, rtok['tiepnhan.stnmt'], reorg)).body);
  assertFields(draft, '04', 'tt03');
  assert.ok(draft.includes('DỰ THẢO'), 'an unissued apology prints as a draft');
  const issued = await reorg.api('POST', `/api/v1/dossiers/${e.code}/apologies/${prep.body.id}/issue`,
    { token: rtok['lanhdao.stnmt'], body: { signed_as: 'head' } });
  assertStatus(issued, 200);
  assert.equal(issued.body.signed_as, 'head');
  const t4 = read('04-van-ban-xin-loi-tt03', (await pdf(`/api/v1/dossiers/${e.code}/forms/04`, rtok['tiepnhan.stnmt'], reorg)).body);
  assertFields(t4, '04', 'tt03');
  assert.ok(!t4.includes('DỰ THẢO'));
  assert.ok(t4.includes('GIÁM ĐỐC') && !t4.includes('KT. GIÁM ĐỐC'), 'the head of the department signs');
  assert.ok(t4.includes(issued.body.issued_by), 'by name');
  assert.ok(t4.includes('Chờ kết quả đo đạc thực địa'));

  await actOk(reorg, rtok['lanhdao.stnmt'], e.code, 'stop', { note: 'Người nộp đề nghị dừng để hoàn thiện giấy tờ' });
  const t7 = read('05-thong-bao-dung-tt03', (await pdf(`/api/v1/dossiers/${e.code}/forms/07`, rtok['tiepnhan.stnmt'], reorg)).body);
  assertFields(t7, '07', 'tt03');

  // The register of a period after 1 July 2025 is the centre's.
  const reg = await pdf('/api/v1/forms/register?from=2026-01-01&to=2027-01-01&unit=000.00.10.H56', rtok.admin, reorg);
  assertStatus(reg, 200);
  const t6 = read('07-so-theo-doi-tt03', reg.body);
  assertFields(t6, '06', 'tt03');
  assert.ok(t6.replace(/ /g, '').includes(e.code), 'the dossier filed now');
  assert.ok(t7.includes('Người nộp đề nghị dừng để hoàn thiện giấy tờ'));
});
