// Official documents in the browser (docs/documents.md): a specialist drafts, the head
// approves, the leader signs, the clerk numbers and issues, and the document shows in the
// outgoing register, found without diacritics, and arrives in the recipient's incoming box.
// The whole journey runs at 1280 and at 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertLabelled, assertNoHScroll, DESKTOP, PHONE } from './browser.mjs';
import { COMMUNES } from '../api/helpers.mjs';

const DISTRICT = '000.00.33.H56';
const DEPARTMENT = '000.00.10.H56';
let world;

before(async () => {
  // The district and the department have their registers in the demo (src/demo/documents.c).
  world = await startWorld({ dossiers: 5 });
});

after(async () => { if (world) await world.stop(); });

async function look(actor, name, size, opts) {
  if (size === 'desktop') return checkPage(actor, name, opts);
  await assertLabelled(actor.page, name);
  await assertNoHScroll(actor.page, name);
}

async function press(actor, id, action) {
  const { page } = actor;
  await actor.goto(`/van-ban/${id}`);
  await page.getByTestId('doc-act-' + action).click();
  await page.waitForSelector(`[data-testid=doc-event][data-action=${action}]`);
}

for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`draft → approve → sign → issue → in the register (${viewport.width} px)`, async () => {
    const subject = `Về việc đẩy mạnh cải cách hành chính (${size})`;
    const specialist = await world.actor('chuyenvien', { viewport });
    const { page } = specialist;
    await specialist.goto('/van-ban/soan-thao');
    await page.getByTestId('doc-type').selectOption('quyet_dinh');
    await page.getByTestId('doc-subject').fill(subject);
    await page.getByTestId('doc-body').fill('Điều 1. Giao các phòng, ban chuyên môn …');
    await page.getByTestId('doc-signer-position').fill('CHỦ TỊCH');
    await page.getByTestId('doc-signer-name').fill('Lê Văn Bình');
    await page.getByTestId('doc-recipients').fill('Như Điều 3;\nLưu: VT.');
    await page.getByTestId('doc-recipient-units').fill(DEPARTMENT);
    await look(specialist, 'documents-draft', size);
    await page.getByTestId('doc-save').click();
    await page.waitForURL(/\/van-ban\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    assert.equal(await page.getByTestId('doc-state').getAttribute('data-state'), 'draft');
    // The draft as a file (§3b): uploaded from the page, listed as version 1, named in the log.
    await page.getByTestId('doc-versions-none').waitFor();
    const file = Buffer.from(`%PDF-1.7\n% du thao ${size}\ntrailer << >>\n%%EOF\n`);
    await page.getByTestId('doc-version-pick').setInputFiles({ name: 'Dự thảo QĐ.pdf', mimeType: 'application/pdf', buffer: file });
    await page.getByTestId('doc-version-upload').click();
    await page.waitForSelector('[data-testid=doc-version][data-number="1"]');
    assert.match(await page.getByTestId('doc-version-file').textContent(), /Dự thảo QĐ\.pdf/);
    await page.waitForSelector('[data-testid=doc-event][data-action=upload]');
    await page.getByTestId('doc-act-submit').click();
    await page.waitForSelector('[data-testid=doc-state][data-state=submitted]');
    assert.equal(await page.getByTestId('doc-act-submit').count(), 0, 'no step left for the drafter');
    specialist.assertClean('drafting');

    const leader = await world.actor('lanhdao', { viewport });
    await press(leader, id, 'approve');
    await leader.page.waitForSelector('[data-testid=doc-state][data-state=approved]');
    assert.equal(await leader.page.getByTestId('doc-act-issue').count(), 0, 'a leader does not issue');
    await press(leader, id, 'sign');
    await leader.page.waitForSelector('[data-testid=doc-state][data-state=signed]');
    leader.assertClean('reviewing and signing');

    const clerk = await world.actor('tiepnhan', { viewport });
    await clerk.goto(`/van-ban/${id}`);
    assert.equal(await clerk.page.getByTestId('doc-act-approve').count(), 0, 'a clerk does not approve');
    await look(clerk, 'documents-issue', size);
    await clerk.page.getByTestId('doc-act-issue').click();
    await clerk.page.waitForSelector('[data-testid=doc-state][data-state=issued]');
    const number = (await clerk.page.getByTestId('doc-number').textContent()).trim();
    assert.match(number, /^\d{2,}\/QĐ-UBND$/);
    const api = await world.api('GET', `/api/v1/documents/${id}`, { as: 'tiepnhan' });
    assert.equal(api.number, number);
    assert.deepEqual(api.events.map((e) => e.action), ['draft', 'upload', 'submit', 'approve', 'sign', 'issue']);
    assert.equal(api.events.at(-1).file_version.number, 1, 'the version issued');
    // The document's own PDF (Phụ lục I) is one link away, in the session of the page.
    const href = await clerk.page.getByTestId('doc-file').getAttribute('href');
    const pdf = await clerk.page.context().request.get(new URL(href, clerk.page.url()).href);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // The outgoing register: listed with its number, found without diacritics.
    await clerk.goto('/van-ban?box=out&q=' + encodeURIComponent(`day manh cai cach hanh chinh (${size})`));
    const row = clerk.page.locator(`[data-testid=doc-row][data-id="${id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-number'), number);
    assert.equal(await row.getAttribute('data-state'), 'issued');
    assert.equal(await clerk.page.getByTestId('doc-row').count(), 1);
    assert.ok(await clerk.page.getByTestId('doc-register-pdf').count() >= 1, 'the register can be printed');
    await look(clerk, 'documents-register', size);
    clerk.assertClean('issuing');

    // It arrived in the department's incoming box; its clerk registers it.
    const other = await world.actor('tiepnhan.stnmt', { viewport });
    await other.goto('/van-ban?box=in');
    const copy = other.page.locator(`[data-testid=doc-row][data-number="${number}"]`);
    await copy.waitFor();
    assert.equal(await copy.getAttribute('data-state'), 'arrived');
    await copy.getByTestId('doc-link').click();
    await other.page.getByTestId('doc-act-register').click();
    await other.page.waitForSelector('[data-testid=doc-state][data-state=registered]');
    assert.match((await other.page.getByTestId('doc-arrival').textContent()).trim(), /^\d+$/);
    other.assertClean('registering');
  });
}

test('the clerk issues a document in place of an earlier one: the earlier one\'s copy in the department ends as replaced', async () => {
  const body = (subject) => ({ type: 'quyet_dinh', subject, body: 'Điều 1. …', place: 'Quảng Xương',
    signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.', recipient_units: [DEPARTMENT] });
  const signed = async (subject) => {
    const d = await world.api('POST', '/api/v1/documents', { as: 'chuyenvien', body: body(subject) });
    await world.api('POST', `/api/v1/documents/${d.id}/actions`, { as: 'chuyenvien', body: { action: 'submit' } });
    for (const action of ['approve', 'sign'])
      await world.api('POST', `/api/v1/documents/${d.id}/actions`, { as: 'lanhdao', body: { action } });
    return d;
  };
  const first = await signed('Về việc thành lập Tổ kiểm tra công vụ');
  const old = await world.api('POST', `/api/v1/documents/${first.id}/actions`, { as: 'tiepnhan', body: { action: 'issue' } });
  const second = await signed('Về việc thành lập Tổ kiểm tra công vụ (thay thế)');
  const clerk = await world.actor('tiepnhan', { viewport: DESKTOP });
  const { page } = clerk;
  await clerk.goto(`/van-ban/${second.id}`);
  await page.getByTestId('doc-act-replacing').click();
  await page.locator(`[data-testid=doc-replaces] option[value="${first.id}"]`).waitFor({ state: 'attached' });
  await page.getByTestId('doc-replaces').selectOption(String(first.id));
  await page.getByTestId('doc-replacing-go').click();
  await page.waitForSelector('[data-testid=doc-state][data-state=issued]');
  const number = (await page.getByTestId('doc-number').textContent()).trim();
  clerk.assertClean('issuing in place of another');
  const replaced = await world.api('GET', '/api/v1/documents?box=in&state=replaced', { as: 'tiepnhan.stnmt' });
  const copy = replaced.items.find((x) => x.number === old.number);
  assert.ok(copy, 'the department\'s copy of the earlier document is replaced');
  const department = await world.actor('tiepnhan.stnmt', { viewport: DESKTOP });
  await department.goto(`/van-ban/${copy.id}`);
  await department.page.waitForSelector('[data-testid=doc-state][data-state=replaced]');
  assert.match(await department.page.locator('[data-testid=doc-event][data-action=replace]').textContent(),
    new RegExp(`Được thay thế bởi văn bản số ${number.replace(/[/]/g, '\\/')}`));
  assert.equal(await department.page.getByTestId('doc-act-register').count(), 0, 'a replaced copy takes no step');
  department.assertClean('a replaced copy');
});

test('the leader assigns an incoming document with cooperating units and a deadline: the page links its task', async () => {
  const [commune, other] = COMMUNES.filter((c) => c.parent === DISTRICT).map((c) => c.code);
  const year = new Date().getUTCFullYear() + 1;
  const d = await world.api('POST', '/api/v1/documents/incoming', { as: 'tiepnhan', body: {
    type: 'cong_van', subject: 'Về việc kiểm tra an toàn thực phẩm', organ_name: 'Sở Y tế', number: '88/SYT-VP' } });
  const leader = await world.actor('lanhdao', { viewport: DESKTOP });
  const { page } = leader;
  await leader.goto(`/van-ban/${d.id}`);
  await page.getByTestId('doc-act-assign').click();
  await page.getByTestId('doc-assign-unit').fill(commune);
  await page.getByTestId('doc-assign-cooperating').fill(other);
  await page.getByTestId('doc-assign-deadline').fill(`${year}-03-31`);
  await page.getByTestId('doc-assign-direction').fill('Giao xã chủ trì kiểm tra');
  await page.getByTestId('doc-assign-go').click();
  await page.waitForSelector('[data-testid=doc-state][data-state=assigned]');
  const coop = COMMUNES.find((c) => c.code === other);
  assert.equal((await page.getByTestId('doc-cooperating').textContent()).trim(), coop.name);
  await page.getByTestId('doc-task-link').click();
  await page.waitForURL(/\/nhiem-vu\/\d+$/);
  await page.getByTestId('task-state').waitFor();
  leader.assertClean('assigning and following the task');
});

test('a draft edited many times: the newest 100 steps at once, the earlier ones on asking', async () => {
  const body = { type: 'quyet_dinh', subject: 'Về việc sửa nhiều lần', body: 'Điều 1. …', place: 'Quảng Xương',
    signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình', recipients: 'Lưu: VT.', recipient_units: [DEPARTMENT] };
  const d = await world.api('POST', '/api/v1/documents', { as: 'chuyenvien', body });
  for (let i = 1; i <= 104; i++) {
    await world.api('PATCH', `/api/v1/documents/${d.id}`, { as: 'chuyenvien', body: { ...body, subject: `Về việc sửa lần ${i}` } });
  }
  const specialist = await world.actor('chuyenvien');
  const { page } = specialist;
  await specialist.goto(`/van-ban/${d.id}`);
  const steps = page.getByTestId('doc-event');
  await steps.first().waitFor();
  assert.equal(await steps.count(), 100, 'the newest 100');
  await page.getByTestId('doc-events-older').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=doc-event]').length === 105);
  assert.equal(await steps.first().getAttribute('data-action'), 'draft', 'the draft comes first');
  assert.equal(await page.getByTestId('doc-events-older').isHidden(), true, 'nothing older is left');
  specialist.assertClean('a long history');
});
