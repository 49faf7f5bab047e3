// A document's attachments on its page (docs/documents.md §3c): the specialist attaches a PDF
// to a draft from the page (refusals in words first: a file that is not a PDF, a fake PDF the
// server refuses, one over document_draft_max), the head approves, the leader signs, the clerk
// issues - the attachment sealed with the demo CA's seal of the district - and the department's
// clerk downloads it from the copy that arrived: the bytes the browser saved are the ones the
// API lists (size, SHA-256), begin with the file attached, and poppler's pdfsig calls the
// seal valid and trusted (the demo CA in an NSS database made here). The department's
// officers see no attachment of the sender's draft (403, and nothing on the page), a citizen
// neither. Signing uses the demo's own keys (cli/demo_sign.c), made at init beside the files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorld, checkPage, assertNoHScroll, pdfBytes, sha256, PHONE } from './browser.mjs';

const DEPARTMENT = '000.00.10.H56';
const DRAFT_MAX = 300000;
let world;
let T; // the sign_dir link to the demo's keys, the NSS database that trusts the demo CA

before(async () => {
  T = mkdtempSync(join(tmpdir(), 'motcua-docatt-'));
  // sign_dir names a link made once the server's directory exists: the demo's keys are made
  // by init beside its files (<db>.files.sign on SQLite, <dir>/files.sign on PostgreSQL)
  world = await startWorld({ dossiers: 0, env: { MOTCUA_SIGN_DIR: join(T, 'sign'), MOTCUA_DOCUMENT_DRAFT_MAX: String(DRAFT_MAX) } });
  const { db, dir } = world.server;
  const keys = db.startsWith('postgres') ? join(dir, 'files.sign') : `${db}.files.sign`;
  symlinkSync(keys, join(T, 'sign'));
  mkdirSync(join(T, 'nss'));
  execFileSync('certutil', ['-N', '-d', `sql:${T}/nss`, '--empty-password'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-d', `sql:${T}/nss`, '-n', 'democa', '-t', 'CT,C,C', '-i', join(keys, 'ca.crt')]);
});

after(async () => {
  if (world) await world.stop();
  if (T) rmSync(T, { recursive: true, force: true });
});

const ATTACH = /^POST \/api\/v1\/documents\/\d+\/attachments$/;

async function choose(page, name, buffer, mimeType = 'application/pdf') {
  await page.getByTestId('doc-att-pick').setInputFiles({ name, mimeType, buffer });
  await page.getByTestId('doc-att-upload').click();
  const status = page.getByTestId('doc-att-status');
  await page.waitForSelector('[data-testid=doc-att-status][data-state=error], [data-testid=doc-att-status][data-state=done]');
  return { state: await status.getAttribute('data-state'), text: (await status.textContent()).trim() };
}

async function press(actor, id, action) {
  await actor.goto(`/van-ban/${id}`);
  await actor.page.getByTestId('doc-act-' + action).click();
  await actor.page.waitForSelector(`[data-testid=doc-event][data-action=${action}]`);
}

test('attached to a draft on the page, sealed at issue, downloaded by the receiving clerk: the API\'s bytes, a seal pdfsig trusts', async () => {
  // The specialist drafts a decision for the department.
  const specialist = await world.actor('chuyenvien');
  const { page } = specialist;
  await specialist.goto('/van-ban/soan-thao');
  await page.getByTestId('doc-type').selectOption('quyet_dinh');
  await page.getByTestId('doc-subject').fill('Về việc kiện toàn Tổ công tác cải cách hành chính');
  await page.getByTestId('doc-body').fill('Điều 1. Kiện toàn Tổ công tác (danh sách tại Phụ lục kèm theo).');
  await page.getByTestId('doc-signer-position').fill('CHỦ TỊCH');
  await page.getByTestId('doc-signer-name').fill('Hoàng Văn Minh');
  await page.getByTestId('doc-recipient-units').fill(DEPARTMENT);
  await page.getByTestId('doc-save').click();
  await page.waitForURL(/\/van-ban\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await page.getByTestId('doc-att-none').waitFor();
  assert.match(await page.getByTestId('doc-att-hint').textContent(), /PDF/);

  // Refusals, each in words, nothing stored: a Word file (refused by the page), a fake PDF
  // (415 from the server), a file over document_draft_max (413).
  specialist.allow(415, ATTACH);
  specialist.allow(413, ATTACH);
  let r = await choose(page, 'Danh sách.docx', Buffer.from('PK\x03\x04 not a pdf'),
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  assert.deepEqual(r, { state: 'error', text: 'Danh sách.docx không phải tệp PDF: chỉ đính kèm được tệp PDF.' });
  r = await choose(page, 'Giả.pdf', Buffer.from('%PDF-1.7 not really a pdf\n'));
  assert.equal(r.state, 'error');
  assert.equal(r.text, 'Không nhận Giả.pdf: đây không phải tệp PDF mà cơ quan ban hành đóng dấu số được.');
  const big = Buffer.concat([pdfBytes('big'), Buffer.alloc(DRAFT_MAX)]);
  r = await choose(page, 'Lớn.pdf', big);
  assert.equal(r.state, 'error');
  assert.match(r.text, /^Lớn\.pdf \(\d+ KB\) quá lớn, không đính kèm được\.$/);
  assert.deepEqual((await world.api('GET', `/api/v1/documents/${id}/attachments`, { as: 'chuyenvien' })).items, []);

  // The attachment: uploaded with its progress, then listed, not yet sealed (a draft).
  const att = pdfBytes('phu luc danh sach to cong tac');
  const name = 'Phụ lục - Danh sách Tổ công tác.pdf';
  r = await choose(page, name, att);
  assert.deepEqual(r, { state: 'done', text: `Đã đính kèm ${name} (${att.length} B).` });
  const item = page.locator('[data-testid=doc-att][data-number="1"]');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-sealed'), 'false');
  assert.equal(await item.getAttribute('data-sha256'), sha256(att));
  assert.equal(await item.getAttribute('data-size'), String(att.length));
  assert.equal((await item.getByTestId('doc-att-file').textContent()).trim(), `1. ${name}`);
  assert.equal(await item.getByTestId('doc-att-seal').count(), 0, 'a draft\'s attachment is not judged sealed or not');
  // A file attached by mistake is taken off again, after a confirmation; its number is not reused.
  r = await choose(page, 'Nhầm.pdf', pdfBytes('tep dinh kem nham'));
  assert.equal(r.state, 'done');
  const wrong = page.locator('[data-testid=doc-att][data-number="2"]');
  await wrong.waitFor();
  page.once('dialog', (dlg) => { assert.equal(dlg.message(), 'Gỡ bỏ phụ lục Nhầm.pdf khỏi dự thảo?'); dlg.accept(); });
  await wrong.getByTestId('doc-att-remove').click();
  await page.waitForSelector('[data-testid=doc-att-status][data-state=done]:has-text("Đã gỡ bỏ Nhầm.pdf.")');
  await wrong.waitFor({ state: 'detached' });
  assert.deepEqual((await world.api('GET', `/api/v1/documents/${id}/attachments`, { as: 'chuyenvien' })).items.map((a) => a.number), [1]);
  await checkPage(specialist, 'documents-attachments', { show: '[data-testid=doc-attachments]' });
  await page.getByTestId('doc-act-submit').click();
  await page.waitForSelector('[data-testid=doc-state][data-state=submitted]');
  assert.equal(await page.getByTestId('doc-att-pick').count(), 0, 'submitted: nothing more attached');
  assert.equal(await page.getByTestId('doc-att-remove').count(), 0, 'submitted: nothing taken off');
  specialist.assertClean('attaching');

  // Outside the drafting unit no one sees the draft's attachments: the department's officers
  // (403 out-of-scope, and the page shows no list), a citizen (403 forbidden).
  const stranger = await world.token('chuyenvien.stnmt');
  for (const path of [`/api/v1/documents/${id}/attachments`, `/api/v1/documents/${id}/attachments/1/file`]) {
    const res = await world.server.api('GET', path, { token: stranger });
    assert.equal(res.status, 403, path);
    assert.equal(res.body.type, 'urn:motcua:problem:out-of-scope');
    const citizen = await world.server.api('GET', path, { token: await world.token('congdan') });
    assert.equal(citizen.status, 403, path);
    assert.equal(citizen.body.type, 'urn:motcua:problem:forbidden');
  }
  const outsider = await world.actor('tiepnhan.stnmt');
  outsider.allow(403, new RegExp(`^GET /api/v1/documents/${id}$`));
  await outsider.goto(`/van-ban/${id}`);
  await outsider.page.getByTestId('doc-error').waitFor();
  assert.equal(await outsider.page.getByTestId('doc-attachments').count(), 0);
  outsider.assertClean('another unit\'s draft');
  const citizen = await world.actor('congdan');
  await citizen.goto(`/van-ban/${id}`);
  await citizen.page.getByTestId('forbidden').waitFor();
  assert.equal(await citizen.page.getByTestId('doc-attachments').count(), 0);
  citizen.assertClean('a citizen on a document\'s page');

  // The head approves and the leader signs: they see the attachment, and no upload.
  const leader = await world.actor('lanhdao');
  await press(leader, id, 'approve');
  await leader.page.locator('[data-testid=doc-att][data-number="1"]').waitFor();
  assert.equal(await leader.page.getByTestId('doc-att-pick').count(), 0);
  await press(leader, id, 'sign');
  leader.assertClean('approving and signing');

  // The clerk issues: the attachment is sealed with the district's seal.
  const clerk = await world.actor('tiepnhan');
  await press(clerk, id, 'issue');
  await clerk.page.waitForSelector('[data-testid=doc-state][data-state=issued]');
  const sealedItem = clerk.page.locator('[data-testid=doc-att][data-number="1"]');
  await sealedItem.waitFor();
  assert.equal(await sealedItem.getAttribute('data-sealed'), 'true');
  assert.equal((await sealedItem.getByTestId('doc-att-seal').textContent()).trim(), 'Đã đóng dấu số');
  const issued = await world.api('GET', `/api/v1/documents/${id}/attachments`, { as: 'tiepnhan' });
  assert.equal(issued.items.length, 1);
  const sealed = issued.items[0];
  assert.equal(sealed.sealed, true);
  assert.deepEqual(sealed.original, { sha256: sha256(att), size: att.length });
  assert.notEqual(sealed.sha256, sha256(att));
  assert.equal(await sealedItem.getAttribute('data-sha256'), sealed.sha256);
  clerk.assertClean('issuing');

  // The department's clerk: the copy arrived with the attachment; downloaded from the page.
  const number = (await world.api('GET', `/api/v1/documents/${id}`, { as: 'tiepnhan' })).number;
  const receiver = await world.actor('tiepnhan.stnmt');
  await receiver.goto('/van-ban?box=in');
  await receiver.page.locator(`[data-testid=doc-row][data-number="${number}"] [data-testid=doc-link]`).click();
  await receiver.page.waitForURL(/\/van-ban\/\d+$/);
  const copyId = Number(new URL(receiver.page.url()).pathname.split('/').pop());
  assert.notEqual(copyId, id);
  const got = receiver.page.locator('[data-testid=doc-att][data-number="1"]');
  await got.waitFor();
  assert.equal(await got.getAttribute('data-sealed'), 'true');
  assert.equal(await receiver.page.getByTestId('doc-att-pick').count(), 0, 'nothing attached to an incoming document');
  const [download] = await Promise.all([receiver.page.waitForEvent('download'), got.getByTestId('doc-att-download').click()]);
  const saved = join(T, 'downloaded.pdf');
  await download.saveAs(saved);
  const bytes = readFileSync(saved);
  const listed = (await world.api('GET', `/api/v1/documents/${copyId}/attachments`, { as: 'tiepnhan.stnmt' })).items[0];
  assert.equal(bytes.length, listed.size);
  assert.equal(sha256(bytes), listed.sha256);
  assert.equal(listed.sha256, sealed.sha256, 'the copy serves the sender\'s sealed file');
  assert.ok(bytes.subarray(0, att.length).equals(att), 'the file attached, the seal appended');
  let sig;
  try {
    sig = execFileSync('pdfsig', ['-nssdir', `sql:${T}/nss`, saved], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    sig = `${e.stdout}${e.stderr}`;
  }
  assert.equal((sig.match(/Signature Validation: Signature is Valid\./g) || []).length, 1, sig);
  assert.equal((sig.match(/Certificate Validation: Certificate is Trusted\./g) || []).length, 1, sig);
  assert.match(sig, /Signer Certificate Common Name: UBND huyện Quảng Xương/, sig);
  assert.match(sig, /Total document signed/, sig);
  // and a copy with one byte changed is not
  const bad = Buffer.from(bytes);
  bad[att.length - 20] ^= 1;
  writeFileSync(join(T, 'changed.pdf'), bad);
  let badSig;
  try {
    badSig = execFileSync('pdfsig', ['-nssdir', `sql:${T}/nss`, join(T, 'changed.pdf')], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    badSig = `${e.stdout}${e.stderr}`;
  }
  assert.doesNotMatch(badSig, /Signature is Valid\./, badSig);
  await receiver.page.setViewportSize(PHONE);
  await assertNoHScroll(receiver.page, 'an incoming document\'s attachments');
  receiver.assertClean('downloading the sealed attachment');
});
