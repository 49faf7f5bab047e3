// `motcua report reform`: the semi-annual administrative-reform report of the
// demo province for the first half of 2017 reproduces the figures of report
// 6366/BC-UBND (section II), in Markdown and in PDF (read back with pdftotext).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD } from './harness.mjs';

let dir;
let db;

function report(...args) {
  const r = spawnSync(BIN, ['report', 'reform', '--db', db, ...args], { timeout: 30000 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

// One line per sentence or table row, whitespace squeezed, so that a figure
// is found with its words whether the text was wrapped or not.
function squeeze(text) {
  return text.replace(/\s+/g, ' ');
}

// The figures of 6366/BC-UBND as the report writes them: Vietnamese number
// formatting (1.816 with a thousands dot; counts below ten as 08, 03).
const FIGURES = [
  'đã công bố 217 thủ tục hành chính',
  '26 thủ tục công bố chuẩn hóa',
  '08 thủ tục công bố mới',
  '54 thủ tục công bố sửa đổi, bổ sung',
  '129 thủ tục công bố bãi bỏ',
  '100% sở, ban, ngành cấp tỉnh (29/29)',
  '100% UBND cấp huyện (27/27)',
  '99,7% UBND cấp xã (633/635)',
  '20/27 UBND cấp huyện (74,1%)',
  '1.816 dịch vụ công mức độ 2',
  '39 dịch vụ công trực tuyến mức độ 3',
  '03 dịch vụ công trực tuyến mức độ 4',
];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'motcua-reform-'));
  db = join(dir, 'motcua.db');
  execFileSync(BIN, ['init', '--db', db, '--demo'], {
    env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('Markdown: every figure of section II of 6366/BC-UBND', () => {
  const r = report('--from', '2017-01-01', '--to', '2017-06-30', '--format', 'md', '--date', '2017-07-05');
  assert.equal(r.code, 0, r.err);
  const md = r.out.toString('utf8');
  const text = squeeze(md);
  for (const f of FIGURES) assert.ok(text.includes(f), `missing "${f}"`);
  // the heading of Nghị định 30/2020 and the report's structure
  assert.match(md, /\*\*ỦY BAN NHÂN DÂN\*\* {2}\n\*\*TỈNH THANH HÓA\*\*/);
  assert.match(md, /\*Thanh Hóa, ngày 05 tháng 7 năm 2017\*/);
  assert.match(md, /^## II\. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH$/m);
  assert.match(md, /^#### 1\.1\. Kiểm soát, công bố thủ tục hành chính$/m);
  assert.match(text, /Tình hình thực hiện cải cách hành chính 6 tháng đầu năm 2017/);
  // the totals row of the publishing decisions adds up to the figures
  assert.match(md, /^\| {2}\| Tổng cộng \| {2}\| 26 \| 08 \| 54 \| 129 \|$/m);
  // 1.858 procedures in force on 30/6/2017: 1.816 + 39 + 3
  assert.ok(text.includes('Đến ngày 30/6/2017, trong 1.858 thủ tục hành chính đang có hiệu lực'));
  // the electronic one-stop system per level
  assert.ok(text.includes('07/29 sở, ban, ngành cấp tỉnh'));
  assert.ok(text.includes('132/635 UBND cấp xã'));
  // dossier figures from mc_store_stats, with an on-time rate in the Vietnamese style
  const received = text.match(/đã tiếp nhận ([\d.]+) hồ sơ \(trực tuyến ([\d.]+); trực tiếp ([\d.]+); qua dịch vụ bưu chính công ích ([\d.]+)\)/);
  assert.ok(received, 'the dossiers received');
  const n = (s) => Number(s.replace(/\./g, ''));
  assert.equal(n(received[1]), n(received[2]) + n(received[3]) + n(received[4]));
  assert.match(text, /tỷ lệ hồ sơ giải quyết đúng hạn \(trước hạn và đúng hạn\) đạt \d+(,\d)?%/);
  assert.match(md, /^\| Tổng cộng \| [\d.]+ \|/m);
  // apologies and satisfaction are reported, whatever their number
  assert.match(text, /1\.3\. Công khai xin lỗi tổ chức, cá nhân Trong 6 tháng đầu năm 2017, (không có phiếu xin lỗi|các cơ quan, đơn vị đã ban hành [\d.]+ phiếu xin lỗi)/);
  assert.match(text, /4\. Mức độ hài lòng của tổ chức, cá nhân Trong 6 tháng đầu năm 2017, (chưa có lượt đánh giá|có [\d.]+ lượt tổ chức, cá nhân đánh giá)/);
});

test('PDF: pdftotext finds the same figures', () => {
  const out = join(dir, 'cchc.pdf');
  const r = report('--from', '2017-01-01', '--to', '2017-06-30', '--format', 'pdf', '--out', out, '--date', '2017-07-05');
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(out));
  assert.equal(readFileSync(out).subarray(0, 5).toString(), '%PDF-');
  const text = squeeze(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }));
  for (const f of FIGURES) assert.ok(text.includes(f), `missing "${f}" in the PDF`);
  assert.ok(text.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
  assert.ok(text.includes('Số: ……/BC-UBND'));
  assert.ok(text.includes('II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH'));
});

test('another period: the second half of 2017 counts its own publications and units', () => {
  const r = report('--from', '2017-07-01', '--to', '2017-12-31', '--format', 'md');
  assert.equal(r.code, 0, r.err);
  const text = squeeze(r.out.toString('utf8'));
  assert.ok(text.includes('Trong 6 tháng cuối năm 2017'));
  assert.ok(!text.includes('đã công bố 217 thủ tục'));
  // Như Xuân's electronic desk opened in September 2017
  assert.ok(text.includes('21/27 UBND cấp huyện'));
});

test('bad arguments are refused with a message', () => {
  const cases = [
    [['--from', '2017-01-01', '--to', '2017-06-30'], /usage: motcua report reform/],
    [['--from', '2017-06-30', '--to', '2017-01-01', '--format', 'md'], /--to must be on or after --from/],
    [['--from', '2017-02-30', '--to', '2017-06-30', '--format', 'md'], /must be dates/],
    [['--from', '2017-01-01', '--to', '2017-06-30', '--format', 'docx'], /--format must be md or pdf/],
    [['--from', '2017-01-01', '--to', '2017-06-30', '--format', 'md', '--unit', '999.99.99.H56'], /no unit has code/],
    [['--from', '2017-01-01', '--to', '2017-06-30', '--format', 'md', '--colour'], /unknown option --colour/],
  ];
  for (const [args, message] of cases) {
    const r = report(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, message);
  }
});
