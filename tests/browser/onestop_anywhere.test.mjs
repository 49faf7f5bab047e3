// Receiving regardless of administrative boundary (Nghị định 118/2025/NĐ-CP,
// docs/province-2026.md) at the desk: the desk of commune A chooses a marked
// procedure, names commune B as the competent unit, sees the due time in B's
// office hours, receives the dossier, is told where it goes and prints the
// receipt, which names A's centre and B; the dossier reads back through the
// API as B's, received at A. The catalogue page says the procedure is received
// anywhere. Pictures go under build/ (browser.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertLabelled, PASSWORD } from './browser.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const A = '000.01.96.H56';
const B = '000.02.96.H56';
const PROC = '1.996001';
const B_HOURS = '08:00-10:00';
let world;

before(async () => {
  world = await startWorld({ dossiers: 0 });
  await world.api('POST', '/api/v1/units', { as: 'admin', body: { code: A, name: 'UBND xã An Định', level: 'commune', parent: PROVINCE_UNIT } });
  await world.api('POST', '/api/v1/units', { as: 'admin', body: { code: B, name: 'UBND xã Bình Định', level: 'commune', parent: PROVINCE_UNIT } });
  await world.api('PATCH', `/api/v1/units/${B}`, { as: 'admin', body: { office_hours: B_HOURS } });
  await world.api('POST', '/api/v1/procedures', { as: 'admin', body: { code: PROC, name: 'Chứng thực bản sao từ bản chính',
    field: 'Chứng thực', levels: 'commune', duration_hours: 16, anywhere: true,
    documents: [{ name: 'Bản chính giấy tờ', originals: 1, copies: 0, required: true }] } });
  await world.api('POST', '/api/v1/users', { as: 'admin', body: { username: 'motcua.an', password: PASSWORD,
    full_name: 'Cán Bộ An Định', role: 'desk', unit: A } });
  // B's hours reach the server's time rules within its reload interval
  for (let i = 0; i < 100; i++) {
    const u = await world.api('GET', `/api/v1/units/${B}`);
    if (u.office_hours === B_HOURS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (world) await world.stop();
});

test("the desk of commune A receives a dossier for commune B's procedure and prints the receipt", async () => {
  const desk = await world.actor('motcua.an');
  const { page } = desk;
  await page.waitForURL('**/can-bo');
  await page.getByTestId('desk-proc-search').pressSequentially(PROC);
  await page.locator(`[data-testid=desk-proc-option][data-code="${PROC}"]`).click();
  // the competent unit: the desk's own by default, another commune chosen
  await page.getByTestId('desk-competent').waitFor();
  assert.equal(await page.getByTestId('desk-competent').getAttribute('data-code'), A);
  await page.waitForSelector('[data-testid=desk-due][data-due]');
  const dueAtA = await page.getByTestId('desk-due').getAttribute('data-due');
  await page.getByTestId('desk-competent').fill('');
  await page.getByTestId('desk-competent').pressSequentially('binh dinh');
  await page.locator(`[data-testid=desk-competent-option][data-code="${B}"]`).click();
  await page.waitForFunction((before) => {
    const el = document.querySelector('[data-testid=desk-due][data-due]');
    return el && el.getAttribute('data-due') !== before;
  }, dueAtA);
  const dueAtB = await page.getByTestId('desk-due').getAttribute('data-due');
  assert.ok(new Date(dueAtB).getTime() > new Date(dueAtA).getTime(), "B's two hours a day end later");
  await page.getByTestId('desk-applicant-name').fill('Nguyễn Thị Nơi Khác');
  await assertLabelled(page, 'the walk-in for another commune');
  await checkPage(desk, 'desk-anywhere', { show: '[data-testid=desk-competent]' });
  await page.getByTestId('desk-confirm').click();
  await page.waitForSelector('[data-testid=desk-result-code]');
  const code = (await page.getByTestId('desk-result-code').textContent()).trim();
  assert.ok(code.startsWith(`${B}-`), code);
  assert.equal(await page.getByTestId('desk-result-competent').getAttribute('data-code'), B);
  assert.match(await page.getByTestId('desk-result-competent').textContent(), /UBND xã Bình Định/);
  await checkPage(desk, 'desk-anywhere-done', { show: '[data-testid=desk-result]' });

  // as the API has it: B's dossier, received at A, due in B's hours
  const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'motcua.an' });
  assert.equal(d.receiving_unit.code, B);
  assert.equal(d.reception_unit.code, A);
  assert.deepEqual(d.actions, [], 'A acts on it no further');
  const inB = await world.api('GET', `/api/v1/calendar/due?${new URLSearchParams({ from: d.received_at, hours: '16', unit: B })}`);
  assert.equal(d.due_at, inB.due, "the due time is counted in B's office hours");

  // the receipt: A's centre issues it, B decides and returns the result
  await page.getByTestId('desk-receipt-print').click();
  await page.waitForURL(`**/in/giay-tiep-nhan/${code}`);
  await page.waitForSelector('[data-testid=receipt]');
  assert.equal(await page.getByTestId('receipt-code').textContent(), code);
  assert.match(await page.getByTestId('receipt-anywhere').textContent(), /UBND xã An Định, không phụ thuộc địa giới hành chính/);
  assert.match(await page.getByTestId('receipt-competent').textContent(), /UBND xã Bình Định/);
  await checkPage(desk, 'receipt-anywhere', { show: '[data-testid=receipt]' });
  // A's list: not among the dossiers of its own competence, but in "received here for others"
  await page.goto(`${world.base}/can-bo/ho-so`);
  await page.waitForSelector('[data-testid=queue-total]');
  assert.equal(await page.locator(`[data-testid=dossier-row][data-code="${code}"]`).count(), 0);
  await page.getByTestId('queue-view').selectOption('reception');
  await page.waitForURL('**/can-bo/ho-so?view=reception');
  await page.locator(`[data-testid=dossier-row][data-code="${code}"]`).waitFor();
  await assertLabelled(page, 'the centre\'s view of the list');
  await checkPage(desk, 'queue-reception-view', { show: '[data-testid=queue-table]' });
  desk.assertClean('receiving for another commune');

  // the public page of the procedure says where it may be filed
  const visitor = await world.actor(null);
  await visitor.page.goto(`${world.base}/thu-tuc/${PROC}`);
  await visitor.page.getByTestId('procedure-anywhere').waitFor();
  assert.match(await visitor.page.getByTestId('procedure-anywhere').textContent(), /không phụ thuộc địa giới hành chính/);
  visitor.assertClean('the procedure page');
});
