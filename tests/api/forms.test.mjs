// The paperwork of the one-stop office (Thông tư 01/2018 forms 01-06) rendered
// as PDF for demo dossiers, read back with pdftotext, and kept as PNG pages
// (pdftoppm) under build/pictures/forms/ (`make screenshots` copies them to docs/forms/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import { stopServer, ROOT, assertProblem } from './helpers.mjs';

let server;
const tok = {};
const work = mkdtempSync(join(tmpdir(), 'motcua-forms-'));
const docsDir = process.env.MOTCUA_FORMS_PICTURES || join(ROOT, 'build', 'pictures', 'forms');

before(async () => {
  server = await startServer({ dossiers: 300 });
  for (const u of ['tiepnhan', 'congdan', 'tiepnhan.stnmt']) tok[u] = await server.login(u);
});
after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

async function pdf(path, token) {
  const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), body };
}

// Writes the PDF, returns its text, and keeps page 1 as a PNG under build/pictures/forms.
function read(name, bytes) {
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const file = join(work, `${name}.pdf`);
  writeFileSync(file, bytes);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
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
  const text = read('01-giay-tiep-nhan', res.body);
  assert.match(text, /GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/);
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
  const t2 = read('02-phieu-yeu-cau-bo-sung', (await pdf(`/api/v1/dossiers/${s.code}/forms/02`, tok.tiepnhan)).body);
  assert.match(t2, /PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ/);
  assert.ok(t2.includes(reason.replace(/\s+/g, ' ').slice(0, 30)), 'the reason');
  assert.ok(t2.includes(s.applicant.name));

  const [n] = await dossierIn('not_accepted');
  const t3 = read('03-phieu-tu-choi', (await pdf(`/api/v1/dossiers/${n.code}/forms/03`, tok.tiepnhan)).body);
  assert.match(t3, /PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ/);
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
  const text = read('04-phieu-xin-loi', (await pdf(`/api/v1/dossiers/${d.code}/forms/04`, tok.tiepnhan)).body);
  assert.match(text, /PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ/);
  assert.ok(text.replace(/\s+/g, ' ').includes(a.reason), 'the recorded reason');
  const newDue = `${a.new_due.slice(11, 13)} giờ ${a.new_due.slice(14, 16)} phút, ngày ${localDate(a.new_due)}`;
  assert.ok(text.includes(newDue), `the new date ${newDue}`);
  assert.ok(text.includes(localDate(a.old_due)), 'the missed date');
  if (without) {
    const res = await pdf(`/api/v1/dossiers/${without.code}/forms/04?reason=${encodeURIComponent('Chờ ý kiến của Sở Tài nguyên và Môi trường')}&new_due=2017-07-05T16:00`, tok.tiepnhan);
    assert.equal(res.status, 200);
    const t2 = read('04-phieu-xin-loi-hoi', res.body);
    assert.ok(t2.includes('Chờ ý kiến của Sở Tài nguyên và Môi trường'));
    assert.ok(t2.includes('16 giờ 00 phút, ngày 05/07/2017'), 'the new date');
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
  const text = read('05-phieu-kiem-soat', (await pdf(`/api/v1/dossiers/${d.code}/forms/05`, tok.tiepnhan)).body);
  assert.match(text, /PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ/);
  assert.match(text, /Giao:/);
  assert.match(text, /Đúng hạn|Trước hạn|Trễ hạn/);
  assert.doesNotMatch(text, /Quá hạn/, 'a hand-over after its due time is "trễ hạn" (docs/domain.md)');
  assert.match(text, /Người nộp hồ sơ/, 'the hand-back to the applicant');
});

test('06 register of a unit for a period', async () => {
  const res = await pdf('/api/v1/forms/register?from=2017-01-01&to=2017-07-01', tok.tiepnhan);
  assert.equal(res.status, 200);
  const text = read('06-so-theo-doi', res.body);
  assert.match(text, /SỔ THEO DÕI HỒ SƠ/);
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
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/07`, { token: tok.congdan }),
    404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${received.code}/forms/01`), 401, 'unauthenticated');
});
