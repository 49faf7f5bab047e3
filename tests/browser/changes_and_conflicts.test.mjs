// What changes a dossier besides the straight path, in the browser: a transfer to another
// unit (and the other unit's officer finding it), two officers acting on the same dossier
// from two browsers (the stale one gets the 412 conflict message and reloads), a supplement
// requested by the desk and answered by the citizen with new files, one answered at the desk
// with the documents received, and withdrawals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, pdfBytes, sha256 } from './browser.mjs';
import { districtProcedure, APPLICANT } from '../api/helpers.mjs';
import vi from '../../web/i18n/vi.js';

const DEPARTMENT = '000.00.10.H56'; // Sở Tài nguyên và Môi trường
const ONLINE_PROC = '1.001193'; // Đăng ký khai sinh, online level 3, commune level
let world;
let commune; // a commune of Quảng Xương, in the district desk's subtree

before(async () => {
  world = await startWorld();
  const units = await world.api('GET', '/api/v1/units?parent=000.00.33.H56');
  commune = units.items.find((u) => u.level === 'commune').code;
});

after(async () => {
  if (world) await world.stop();
});

// A walk-in dossier the desk has handed to processing (through the API).
async function processingDossier() {
  const d = await world.api('POST', '/api/v1/dossiers', {
    as: 'tiepnhan', body: { procedure_code: districtProcedure().code, channel: 'direct', applicant: APPLICANT, documents: [{ name: 'Tờ khai', originals: 1 }] },
  });
  const after = await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'assign' } });
  assert.equal(after.state, 'processing');
  return after;
}

// An online dossier of congdan's, with a file (through the API).
async function onlineDossier(label) {
  const bytes = pdfBytes(label);
  const up = await world.server.api('POST', '/api/v1/attachments', {
    token: await world.token('congdan'), raw: bytes, headers: { 'Content-Type': 'application/pdf' },
  });
  assert.equal(up.status, 201, up.text);
  return world.api('POST', '/api/v1/dossiers', {
    as: 'congdan', body: {
      procedure_code: ONLINE_PROC, channel: 'online', unit: commune, applicant: { name: 'Lê Thị Hồng Nhung', phone: '0936271845' },
      documents: [{ name: 'Tờ khai đăng ký khai sinh', originals: 1, attachment: up.body.sha256, filename: `${label}.pdf` }],
    },
  });
}

test('a specialist transfers a dossier to another unit, whose officer then finds it', async () => {
  const d = await processingDossier();
  const specialist = await world.actor('chuyenvien');
  const { page } = specialist;
  await specialist.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
  await page.getByTestId('action-transfer').click();
  // the unit is searched as one types, without diacritics (issue 15: the list had 692 entries)
  const picker = page.getByTestId('action-to-unit');
  await picker.waitFor();
  // the unit is required: said beside the field
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-form-error]:not([hidden])');
  assert.equal(await picker.getAttribute('aria-invalid'), 'true');
  await picker.pressSequentially('so tai nguyen');
  const option = page.locator(`[data-testid=action-to-unit-option][data-code="${DEPARTMENT}"]`);
  await option.waitFor();
  // not the unit it is at: the district itself is not offered
  await picker.fill('');
  await picker.pressSequentially('quang xuong');
  await page.locator('[data-testid=action-to-unit-option]').first().waitFor();
  const offered = await page.locator('[data-testid=action-to-unit-option]').evaluateAll((os) => os.map((o) => o.getAttribute('data-code')));
  assert.ok(!offered.includes(d.current_unit.code), 'not the unit it is at');
  await picker.fill('');
  await picker.pressSequentially('so tai nguyen');
  await option.waitFor();
  await option.click();
  assert.equal(await picker.getAttribute('aria-invalid'), null, 'chosen: no longer marked');
  await page.getByTestId('action-note').fill('Chuyển Sở Tài nguyên và Môi trường thẩm định theo thẩm quyền.');
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-message]:not([hidden])');
  await page.waitForSelector('[data-testid=dossier-current-unit]');
  const after = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'chuyenvien' });
  assert.equal(after.current_unit.code, DEPARTMENT);
  assert.equal(after.events.at(-1).action, 'transfer');
  assert.equal(await page.getByTestId('dossier-current-unit').textContent(), after.current_unit.name);
  const last = page.locator('[data-testid=dossier-history] [data-testid=timeline-entry]').last();
  assert.equal(await last.getAttribute('data-action'), 'transfer');
  assert.match(await last.textContent(), /theo thẩm quyền/);
  specialist.assertClean('transferring');

  // the department's specialist has it in the work queue
  const other = await world.actor('chuyenvien.stnmt');
  const op = other.page;
  await op.waitForURL('**/can-bo/ho-so');
  await op.getByTestId('queue-search').fill(d.code);
  await op.getByTestId('queue-apply').click();
  const row = op.locator(`[data-testid=dossier-row][data-code="${d.code}"]`);
  await row.waitFor();
  await row.locator('a').click();
  await op.waitForSelector('[data-testid=action-bar]');
  const theirs = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'chuyenvien.stnmt' });
  assert.deepEqual(await op.locator('[data-testid=action-bar] button').evaluateAll((b) => b.map((x) => x.getAttribute('data-action'))), theirs.actions);
  other.assertClean('receiving a transfer');
});

test('two officers on the same dossier: the one whose page is stale gets the conflict message and reloads', async () => {
  const d = await processingDossier();
  const specialist = await world.actor('chuyenvien');
  const leader = await world.actor('lanhdao');
  for (const a of [specialist, leader]) {
    await a.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
    await a.page.waitForSelector('[data-testid=action-bar] button');
  }
  // the specialist passes it on first
  await specialist.page.getByTestId('action-assign').click();
  await specialist.page.getByTestId('action-submit').click();
  await specialist.page.waitForSelector('[data-testid=action-message]:not([hidden])');
  // the leader, on the page loaded before, resolves: the API answers 412
  leader.allow(412, /^POST \/api\/v1\/dossiers\/[^/]+\/actions$/);
  const lp = leader.page;
  await lp.getByTestId('action-resolve').click();
  const reply = lp.waitForResponse((r) => r.url().endsWith('/actions'));
  await lp.getByTestId('action-submit').click();
  assert.equal((await reply).status(), 412);
  const box = lp.locator('[data-testid=action-form-error]:not([hidden])');
  await box.waitFor();
  assert.equal((await box.locator('p').textContent()).trim(), vi['conflict.text']);
  const still = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'lanhdao' });
  assert.equal(still.state, 'processing', 'nothing happened on a stale page');
  assert.equal(still.step, d.step + 1);
  await checkPage(leader, 'conflict', { show: '[data-testid=action-form-error]' });
  // reload shows the new history; the action then goes through
  await box.getByTestId('conflict-reload').click();
  await lp.waitForFunction((n) => document.querySelectorAll('[data-testid=dossier-history] [data-testid=timeline-entry]').length === n, still.events.length);
  await lp.getByTestId('action-resolve').click();
  await lp.getByTestId('action-submit').click();
  await lp.waitForSelector('[data-testid=dossier-state][data-state=resolved]');
  assert.equal((await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'lanhdao' })).state, 'resolved');

  // the same at the desk's list of online submissions, two counters open
  const online = await onlineDossier('hai-quay');
  const desk1 = await world.actor('tiepnhan');
  const desk2 = await world.actor('tiepnhan');
  for (const a of [desk1, desk2]) {
    await a.goto('/can-bo?tab=online');
    await a.page.locator(`[data-testid=dossier-row][data-code="${online.code}"]`).waitFor();
  }
  const row1 = desk1.page.locator(`[data-testid=dossier-row][data-code="${online.code}"]`);
  await row1.getByTestId('desk-receive').click();
  await row1.getByTestId('desk-row-done').waitFor();
  desk2.allow(412, /^POST \/api\/v1\/dossiers\/[^/]+\/actions$/);
  const row2 = desk2.page.locator(`[data-testid=dossier-row][data-code="${online.code}"]`);
  await row2.getByTestId('desk-receive').click();
  const err = row2.locator('[data-testid=desk-row-error]:not([hidden])');
  await err.waitFor();
  assert.equal((await err.locator('p').textContent()).trim(), vi['conflict.text']);
  await err.getByTestId('conflict-reload').click();
  await desk2.page.waitForSelector('[data-testid=desk-online-list], [data-testid=desk-empty]');
  assert.equal(await desk2.page.locator(`[data-testid=dossier-row][data-code="${online.code}"]`).count(), 0, 'received: no longer waiting');
  assert.equal((await world.api('GET', `/api/v1/dossiers/${online.code}`, { as: 'tiepnhan' })).events.filter((e) => e.action === 'receive').length, 1);
  for (const a of [specialist, leader, desk1, desk2]) a.assertClean('in the conflict');
});

test('the desk asks for a supplement and the citizen answers it with new files', async () => {
  const d = await onlineDossier('thieu-giay-chung-sinh');
  const desk = await world.actor('tiepnhan');
  await desk.goto('/can-bo?tab=online');
  const row = desk.page.locator(`[data-testid=dossier-row][data-code="${d.code}"]`);
  await row.getByTestId('desk-request-supplement').click();
  // a note is required
  await row.getByTestId('desk-note-submit').click();
  await row.locator('[data-testid=desk-note-error]:not([hidden])').waitFor();
  const ask = 'Bổ sung Giấy chứng sinh (bản chính).';
  await row.getByTestId('desk-note').fill(ask);
  await row.getByTestId('desk-note-submit').click();
  await row.getByTestId('desk-row-done').waitFor();
  assert.equal((await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'tiepnhan' })).state, 'supplement_requested');
  desk.assertClean('asking for a supplement');

  const citizen = await world.actor('congdan');
  const { page } = citizen;
  await page.waitForURL('**/ho-so-cua-toi');
  const mine = page.locator(`[data-testid=dossier-row][data-code="${d.code}"]`);
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-state'), 'supplement_requested');
  await mine.locator('a').click();
  await page.waitForSelector('[data-testid=supplement-form]');
  assert.match(await page.getByTestId('supplement-request-note').textContent(), /Giấy chứng sinh/);
  // without a file there is nothing to send
  await page.getByTestId('supplement-submit').click();
  await page.waitForSelector('[data-testid=supplement-error]:not([hidden])');
  const one = pdfBytes('giay-chung-sinh');
  const two = pdfBytes('cmnd-me');
  await page.getByTestId('supplement-file-1').setInputFiles(world.writeFile('giay-chung-sinh.pdf', one));
  await page.getByTestId('supplement-add-file').click();
  await page.getByTestId('supplement-file-2').setInputFiles(world.writeFile('cmnd-me.pdf', two));
  await page.waitForSelector('[data-testid=supplement-file-1-status][data-state=done]');
  await page.waitForSelector('[data-testid=supplement-file-2-status][data-state=done]');
  await page.getByTestId('supplement-note').fill('Đã bổ sung Giấy chứng sinh và CMND của mẹ.');
  await checkPage(citizen, 'supplement', { show: '[data-testid=supplement-form]' });
  await page.getByTestId('supplement-submit').click();
  await page.waitForSelector('[data-testid=action-message]:not([hidden])');
  assert.equal(await page.getByTestId('supplement-form').count(), 0, 'answered');
  const after = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'congdan' });
  assert.notEqual(after.state, 'supplement_requested');
  assert.equal(await page.getByTestId('dossier-state').getAttribute('data-state'), after.state);
  assert.equal(after.events.at(-1).action, 'supplement');
  const hashes = after.documents.filter((x) => x.attachment).map((x) => x.attachment.sha256);
  assert.ok(hashes.includes(sha256(one)) && hashes.includes(sha256(two)), 'both new files are on the dossier');
  assert.equal(await page.getByTestId('document-download').count(), hashes.length, 'each file can be downloaded');
  citizen.assertClean('answering a supplement');

  // back at the desk, waiting again
  await desk.goto('/can-bo?tab=online');
  await desk.page.locator(`[data-testid=dossier-row][data-code="${d.code}"]`).waitFor();
  desk.assertClean('after the supplement');
});

test('the desk answers a supplement with the documents received, and withdraws only on a request', async () => {
  const d = await processingDossier();
  await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'request_supplement', note: 'Bổ sung bản sao sổ hộ khẩu.' } });
  const desk = await world.actor('tiepnhan');
  const { page } = desk;
  await desk.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
  await page.getByTestId('action-supplement').click();
  // the documents received are required: the answer is what was asked for
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-form-error]:not([hidden])');
  assert.equal(await page.getByTestId('action-supplement-docs').getAttribute('aria-invalid'), 'true');
  assert.equal((await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'tiepnhan' })).state, 'supplement_requested');
  await page.getByTestId('action-supplement-docs').fill('Bản sao sổ hộ khẩu\nGiấy xác nhận cư trú');
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-message]:not([hidden])');
  const back = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'tiepnhan' });
  assert.equal(back.state, 'processing');
  assert.deepEqual(back.documents.map((x) => x.name).slice(-2), ['Bản sao sổ hộ khẩu', 'Giấy xác nhận cư trú']);

  // the desk withdraws a dossier on the applicant's request, which the note records
  await page.getByTestId('action-withdraw').click();
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-form-error]:not([hidden])');
  assert.equal((await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'tiepnhan' })).state, 'processing');
  await page.getByTestId('action-note').fill('Đơn đề nghị rút hồ sơ của ông An.');
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=dossier-state][data-state=withdrawn]');
  const after = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'tiepnhan' });
  assert.equal(after.events.at(-1).action, 'withdraw');
  assert.equal(after.events.at(-1).note, 'Đơn đề nghị rút hồ sơ của ông An.');
  desk.assertClean('answering a supplement and withdrawing');
});

test('the citizen withdraws a dossier', async () => {
  const d = await onlineDossier('rut-ho-so');
  const citizen = await world.actor('congdan');
  const { page } = citizen;
  await citizen.goto(`/ho-so-cua-toi/${encodeURIComponent(d.code)}`);
  await page.getByTestId('withdraw').click();
  await page.waitForSelector('[data-testid=withdraw-confirm-box]:not([hidden])');
  // cancelling changes nothing
  await page.getByTestId('withdraw-cancel').click();
  await page.waitForSelector('[data-testid=withdraw-confirm-box][hidden]', { state: 'attached' });
  await page.getByTestId('withdraw').click();
  await page.getByTestId('withdraw-reason').fill('Gia đình tự đến UBND xã nộp trực tiếp.');
  await page.getByTestId('withdraw-confirm').click();
  await page.waitForSelector('[data-testid=action-message]:not([hidden])');
  await page.waitForSelector('[data-testid=dossier-state][data-state=withdrawn]');
  assert.equal(await page.getByTestId('withdraw').count(), 0, 'nothing more to withdraw');
  const after = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'congdan' });
  assert.equal(after.state, 'withdrawn');
  assert.equal(after.events.at(-1).action, 'withdraw');
  assert.equal(after.events.at(-1).note, 'Gia đình tự đến UBND xã nộp trực tiếp.');
  // the public lookup says so, with nothing ahead
  await citizen.goto(`/tra-cuu/${encodeURIComponent(d.code)}`);
  await page.waitForSelector('[data-testid=lookup-state][data-state=withdrawn]');
  assert.equal(await page.getByTestId('timeline-future').count(), 0);
  citizen.assertClean('withdrawing');
});
