// Issue 15, the rest of what people ran into: choosing a unit in two steps; "Hồ sơ của tôi"
// with what waits for the citizen first; the work queue's filters and pages in the
// history; attachments previewed in the page; the desk's scans at a walk-in and the printed
// receipt; copy, QR and print once filed; lateness in working days; money, the register's
// cells and the two words for late; a phone's header, labels and main actions; the weight of
// the province's dashboard and its chart of the worst units. Each test at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertNoHScroll, assertLabelled, pdfBytes, sha256, DESKTOP, PHONE } from './browser.mjs';
import { districtProcedure, APPLICANT } from '../api/helpers.mjs';
import vi from '../../web/i18n/vi.js';

const WIDTHS = [['desktop', DESKTOP], ['phone', PHONE]];
const DISTRICT = '000.00.33.H56';
const ONLINE_PROC = '1.001193'; // Đăng ký khai sinh, online level 3, commune level
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==', 'base64');

/** Pictures of the page at both widths (once, in the desktop run); at 360 px its checks only. */
async function look(actor, name, size, opts) {
  if (size === 'desktop') return checkPage(actor, name, opts);
  await assertLabelled(actor.page, name);
  await assertNoHScroll(actor.page, name);
}

let world;
let commune;

before(async () => {
  world = await startWorld({ dossiers: 200 });
  commune = (await world.api('GET', `/api/v1/units?parent=${DISTRICT}&level=commune&limit=1`)).items[0];
});

after(async () => {
  if (world) await world.stop();
});

async function upload(as, bytes, type) {
  const res = await world.server.api('POST', '/api/v1/attachments', { token: await world.token(as), raw: bytes, headers: { 'Content-Type': type } });
  assert.equal(res.status, 201, res.text);
  return res.body.sha256;
}

// An online dossier of congdan's with a PDF and a photo.
async function onlineDossier(label) {
  const pdf = pdfBytes(label);
  const shaPdf = await upload('congdan', pdf, 'application/pdf');
  const shaPng = await upload('congdan', PNG, 'image/png');
  const d = await world.api('POST', '/api/v1/dossiers', { as: 'congdan', body: {
    procedure_code: ONLINE_PROC, channel: 'online', unit: commune.code, applicant: { name: 'Lê Thị Hồng Nhung', phone: '0936271845' },
    documents: [{ name: 'Tờ khai', originals: 1, attachment: shaPdf, filename: `${label}.pdf` },
      { name: 'Ảnh giấy chứng sinh', copies: 1, attachment: shaPng, filename: `${label}.png` }] } });
  return { d, pdf };
}

/** "Quá hạn 3 ngày 2 giờ làm việc" from working minutes, as the page writes it. */
function lateness(word, minutes) {
  const days = Math.floor(minutes / 480);
  const hours = Math.floor((minutes % 480) / 60);
  const time = !days && !hours ? `${minutes % 60} phút làm việc` : !hours ? `${days} ngày làm việc`
    : !days ? `${hours} giờ làm việc` : `${days} ngày ${hours} giờ làm việc`;
  return `${word} ${time}`;
}

for (const [size, viewport] of WIDTHS) {
  test(`${size}: "Hồ sơ của tôi": what waits for the citizen first and marked, then the newest; a filter by state`, async () => {
    const { d } = await onlineDossier(`bo-sung-${size}`);
    await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'request_supplement', note: 'Bổ sung bản chính.' } });
    const citizen = await world.actor('congdan', { viewport });
    const { page } = citizen;
    await page.waitForURL('**/ho-so-cua-toi');
    await page.waitForSelector('[data-testid=mine-list]');
    const api = (await world.api('GET', '/api/v1/dossiers?limit=200', { as: 'congdan' })).items;
    const needs = (x) => ['supplement_requested', 'awaiting_payment'].includes(x.state);
    const when = (x) => Date.parse(x.submitted_at || x.received_at || 0) || 0;
    const expected = [...api].sort((a, b) => (needs(b) - needs(a)) || (when(b) - when(a))).map((x) => x.code);
    const rows = await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-code'), e.getAttribute('data-needs-me')]));
    assert.deepEqual(rows.map((r) => r[0]), expected, 'waiting for the citizen first, then newest first');
    const waiting = api.filter(needs).length;
    assert.ok(waiting >= 1);
    assert.deepEqual(rows.slice(0, waiting).map((r) => r[1]), Array(waiting).fill('true'), 'marked');
    const row = page.locator(`[data-testid=dossier-row][data-code="${d.code}"]`);
    assert.equal((await row.getByTestId('needs-me').textContent()).trim(), vi['mine.needs.supplement_requested']);
    await look(citizen, 'my-dossiers-waiting', size);
    // the filter: only what waits, then back to all
    await page.getByTestId('mine-filter-action').click();
    await page.waitForURL('**/ho-so-cua-toi?show=action');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=dossier-row]').length === n, waiting);
    for (const s of await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))) {
      assert.ok(['supplement_requested', 'awaiting_payment'].includes(s), s);
    }
    await page.getByTestId('mine-filter-done').click();
    await page.waitForURL('**/ho-so-cua-toi?show=done');
    // the list drawn again for the filter, not the one before it
    await page.waitForSelector('[data-testid=mine-filter-done][aria-pressed=true]');
    for (const s of await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))) {
      assert.ok(['returned', 'not_accepted', 'withdrawn', 'stopped'].includes(s), s);
    }
    await page.goBack();
    await page.waitForURL('**/ho-so-cua-toi?show=action');
    // the supplement comes before a page of facts, visible without scrolling
    await citizen.goto(`/ho-so-cua-toi/${encodeURIComponent(d.code)}`);
    await page.waitForSelector('[data-testid=supplement-form]');
    const top = await page.getByTestId('supplement-form').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(top < viewport.height, `the supplement form starts at ${top}px, within the first screen`);
    citizen.assertClean('in my dossiers');
  });

  test(`${size}: the queue's filters and pages are steps of the history; Back returns to each`, async () => {
    const specialist = await world.actor('chuyenvien', { viewport });
    const { page } = specialist;
    await page.waitForURL('**/can-bo/ho-so');
    await page.waitForSelector('[data-testid=queue-total]');
    const rowOne = (c) => page.waitForFunction((code) => document.querySelector('[data-testid=dossier-row]')?.getAttribute('data-code') === code, c);
    const open1 = await world.api('GET', '/api/v1/dossiers?limit=25&open=true', { as: 'chuyenvien' });
    const open2 = await world.api('GET', '/api/v1/dossiers?limit=25&offset=25&open=true', { as: 'chuyenvien' });
    const processing = await world.api('GET', '/api/v1/dossiers?limit=25&state=processing', { as: 'chuyenvien' });
    assert.ok(open1.total > 25, 'more than a page');
    await rowOne(open1.items[0].code);
    await page.getByTestId('queue-next').click();
    await page.waitForURL('**/can-bo/ho-so?offset=25');
    await rowOne(open2.items[0].code);
    await page.getByTestId('queue-state').selectOption('processing');
    await page.waitForURL('**/can-bo/ho-so?state=processing');
    await rowOne(processing.items[0].code);
    await page.goBack();
    await page.waitForURL('**/can-bo/ho-so?offset=25');
    await rowOne(open2.items[0].code);
    assert.equal(await page.getByTestId('queue-state').inputValue(), '');
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/can-bo/ho-so' && !u.search);
    await rowOne(open1.items[0].code);
    await page.goForward();
    await page.waitForURL('**/can-bo/ho-so?offset=25');
    await rowOne(open2.items[0].code);
    specialist.assertClean('going back and forth');
  });

  test(`${size}: a PDF and a photo of a dossier are previewed in the page`, async () => {
    const { d, pdf } = await onlineDossier(`xem-${size}`);
    const desk = await world.actor('tiepnhan', { viewport });
    const { page } = desk;
    await desk.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
    const previews = page.getByTestId('document-preview');
    await previews.first().waitFor();
    assert.equal(await previews.count(), 2);
    await previews.nth(0).click();
    const frame = page.getByTestId('preview-frame');
    await frame.waitFor();
    const src = await frame.getAttribute('src');
    assert.match(src, /^blob:/);
    const bytes = await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u)).arrayBuffer())], src);
    assert.deepEqual(Buffer.from(bytes), pdf, 'the frame shows the file attached');
    assert.equal(await previews.nth(0).getAttribute('aria-expanded'), 'true');
    await look(desk, 'preview-pdf', size, { show: '[data-testid=preview-frame]' });
    await previews.nth(1).click();
    const img = page.getByTestId('preview-image');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=preview-image]').naturalWidth === 4);
    await look(desk, 'preview', size, { show: '[data-testid=preview-image]' });
    await page.getByTestId('preview-close').last().click();
    assert.equal(await page.getByTestId('preview-image').count(), 0);
    desk.assertClean('previewing');
  });

  test(`${size}: at a walk-in the desk attaches the scans, with labelled counts, and prints the receipt`, async () => {
    const desk = await world.actor('tiepnhan', { viewport });
    const { page } = desk;
    await page.waitForURL('**/can-bo');
    const proc = await world.api('GET', `/api/v1/procedures/${districtProcedure().code}`);
    await page.getByTestId('desk-proc-search').pressSequentially(proc.code);
    await page.locator(`[data-testid=desk-proc-option][data-code="${proc.code}"]`).click();
    await page.waitForSelector('[data-testid=desk-due][data-due]');
    // every count has a visible label of its own
    await assertLabelled(page, 'the walk-in');
    for (const d of proc.documents) {
      for (const k of ['originals', 'copies']) {
        const id = await page.getByTestId(`desk-doc-${k}-${d.seq}`).getAttribute('id');
        const label = page.locator(`label[for="${id}"]`);
        assert.ok(await label.isVisible(), `${d.name}: ${k} has a visible label`);
        assert.equal((await label.textContent()).trim(), vi[k === 'originals' ? 'proc.originals' : 'proc.copies']);
      }
    }
    await page.getByTestId('desk-applicant-name').fill('Đỗ Văn Quét');
    await page.getByTestId('desk-applicant-phone').fill('+84 912 345 678');
    const first = proc.documents[0];
    const scan = pdfBytes(`scan-${size}`);
    await page.getByTestId(`desk-doc-scan-${first.seq}`).click();
    await page.getByTestId(`desk-doc-file-${first.seq}`).setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: scan });
    await page.waitForSelector(`[data-testid=desk-doc-file-${first.seq}-status][data-state=done]`);
    await look(desk, 'desk-scan', size, { show: `[data-testid=desk-doc-file-${first.seq}]` });
    await page.getByTestId('desk-confirm').click();
    await page.waitForSelector('[data-testid=desk-result-code]');
    const code = (await page.getByTestId('desk-result-code').textContent()).trim();
    const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
    const doc = d.documents.find((x) => x.name === first.name);
    assert.equal(doc.attachment.sha256, sha256(scan), 'the scan is on the dossier');
    assert.equal(d.applicant.phone, '+84 912 345 678');
    // the receipt, made to be printed
    await page.getByTestId('desk-receipt-print').click();
    await page.waitForURL(`**/in/giay-tiep-nhan/${code}`);
    await page.waitForSelector('[data-testid=receipt]');
    assert.equal(await page.getByTestId('receipt-code').textContent(), code);
    await page.waitForFunction(() => document.querySelector('[data-testid=receipt-qr]').naturalWidth > 0);
    assert.equal(await page.getByTestId('receipt-documents').locator('li').count(), d.documents.length);
    await look(desk, 'receipt', size);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#site-header').evaluate((el) => getComputedStyle(el).display), 'none', 'printed without the header');
    assert.equal(await page.getByTestId('receipt-print').evaluate((el) => getComputedStyle(el).display), 'none', 'nor the buttons');
    assert.ok(await page.getByTestId('receipt').isVisible());
    await page.emulateMedia({ media: 'screen' });
    desk.assertClean('at a walk-in');
  });

  test(`${size}: a citizen chooses the commune in two steps; the confirmation copies the code, shows its QR code and prints`, async () => {
    const citizen = await world.actor('congdan', { viewport });
    const { page } = citizen;
    await citizen.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await citizen.goto(`/nop-ho-so/${ONLINE_PROC}`);
    await page.getByTestId('file-unit-two-step').locator('summary').click();
    await page.waitForSelector(`[data-testid=file-unit-district] option[value="${DISTRICT}"]`, { state: 'attached' });
    await page.getByTestId('file-unit-district').selectOption(DISTRICT);
    const communes = page.getByTestId('file-unit-commune');
    await page.waitForFunction(() => document.querySelector('[data-testid=file-unit-commune]').options.length > 2);
    const names = await communes.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    const kids = await world.api('GET', `/api/v1/units?parent=${DISTRICT}&level=commune`);
    assert.deepEqual(names, kids.items.map((u) => u.code), 'the district\'s communes, in name order');
    await communes.selectOption(commune.code);
    assert.equal(await page.getByTestId('file-unit').getAttribute('data-code'), commune.code);
    assert.equal(await page.getByTestId('file-unit').inputValue(), `${commune.name} — huyện Quảng Xương`);
    const proc = await world.api('GET', `/api/v1/procedures/${ONLINE_PROC}`);
    for (const d of proc.documents.filter((x) => x.required)) {
      await page.getByTestId(`file-doc-${d.seq}`).setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: pdfBytes(`hai-buoc-${size}`) });
      await page.waitForSelector(`[data-testid=file-doc-${d.seq}-status][data-state=done]`);
    }
    await page.getByTestId('file-next').click();
    await page.getByTestId('file-submit').click();
    await page.waitForSelector('[data-testid=confirm-due][data-due]');
    const code = (await page.getByTestId('confirm-code').textContent()).trim();
    assert.equal((await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'congdan' })).receiving_unit.code, commune.code);
    await page.getByTestId('copy-code').click();
    await page.waitForSelector('[data-testid=copy-code][data-copied=true]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code, 'the code is on the clipboard');
    await page.waitForFunction(() => document.querySelector('[data-testid=confirm-qr]').naturalWidth > 0);
    assert.match(await page.getByTestId('confirm-qr').getAttribute('src'), new RegExp(`/api/v1/public/dossiers/${code.replace(/\./g, '\\.')}/qr\\.svg$`));
    assert.ok(await page.getByTestId('confirm-print').isVisible());
    await look(citizen, 'filing-done-qr', size);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#site-header').evaluate((el) => getComputedStyle(el).display), 'none');
    assert.ok(await page.getByTestId('confirm-code').isVisible(), 'the code prints');
    await page.emulateMedia({ media: 'screen' });
    citizen.assertClean('filing in two steps');
  });

  test(`${size}: lateness in working days: the queue, the dossier and the leader's overdue list`, async () => {
    const leader = await world.actor('lanhdao', { viewport });
    const { page } = leader;
    // the figures are those of the replies the page itself got (minutes pass meanwhile);
    // the page is loaded once first so that no reply of the landing page is taken
    await leader.goto('/can-bo/ho-so');
    await page.waitForSelector('[data-testid=queue-total]');
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/dossiers');
    await page.reload();
    const api = await (await listed).json();
    await page.waitForSelector('[data-testid=queue-total]');
    const late = api.items.find((x) => x.timeliness === 'overdue');
    assert.ok(late && late.overdue_minutes > 480, 'an overdue dossier, more than a day late');
    const badge = page.locator(`[data-testid=dossier-row][data-code="${late.code}"] [data-testid=timeliness-badge-time]`);
    assert.equal(await badge.textContent(), lateness('Quá hạn', late.overdue_minutes));
    const got = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/dossiers/${late.code}`);
    await leader.goto(`/can-bo/ho-so/${encodeURIComponent(late.code)}`);
    const d = await (await got).json();
    await page.waitForSelector('[data-testid=dossier-timeliness-time]');
    assert.equal(await page.getByTestId('dossier-timeliness-time').textContent(), lateness('Quá hạn', d.overdue_minutes));
    // a dossier resolved late says "trễ hạn", not "quá hạn"
    const done = (await world.api('GET', '/api/v1/dossiers?limit=200&state=returned', { as: 'lanhdao' })).items.find((x) => x.timeliness === 'late');
    assert.ok(done, 'a dossier returned late');
    await leader.goto(`/can-bo/ho-so/${encodeURIComponent(done.code)}`);
    await page.waitForSelector('[data-testid=dossier-timeliness-time]');
    assert.equal(await page.getByTestId('dossier-timeliness-time').textContent(), lateness('Trễ hạn', done.overdue_minutes));
    await look(leader, 'lateness', size, { show: '[data-testid=dossier-timeliness]' });
    // the leader's overdue list
    await leader.goto(`/lanh-dao?unit=${DISTRICT}`);
    await page.waitForSelector('[data-testid=overdue-row]');
    const row = await page.getByTestId('overdue-row').first().textContent();
    assert.match(row, /quá hạn \d+ (ngày|giờ)/);
    leader.assertClean('lateness');
  });

  test(`${size}: money the Vietnamese way, the register's cells explained, "trễ hạn" and "quá hạn" each for its own, no 401 for a visitor`, async () => {
    const visitor = await world.actor(null, { viewport });
    const { page } = visitor;
    const sessions = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/session') sessions.push(r.method()); });
    await visitor.goto('/thu-tuc/1.000080');
    const fee = page.getByTestId('procedure-fee').first();
    await fee.waitFor();
    assert.match(await fee.textContent(), /: 1\.000\.000 đ$/);
    // the main action is on the first screen, before the facts
    const cta = await page.getByTestId('procedure-code').evaluate(() => document.querySelector('.cta').getBoundingClientRect().top);
    assert.ok(cta < viewport.height, `the procedure's action at ${cta}px`);
    await visitor.goto('/cong-khai?year=2017');
    await page.getByTestId('results-table').waitFor();
    assert.equal((await page.getByTestId('results-legend').textContent()).trim(), vi['public.legend']);
    const cell = page.getByTestId('results-cell').first();
    const [on, all] = (await cell.textContent()).split('/');
    assert.equal(await cell.getAttribute('title'), `${on} hồ sơ đúng hạn trên ${all} hồ sơ đã giải quyết`);
    for (const path of ['/', '/tra-cuu', '/cong-khai?year=2017', '/thu-tuc/1.000080']) {
      await visitor.goto(path);
      await page.waitForLoadState('networkidle');
      assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /\(test\)|\btest\b/i, path);
    }
    assert.deepEqual(sessions, [], 'a visitor who never signed in is not asked for a session (no 401)');
    visitor.assertClean('as a visitor');
    // on the dashboard: resolved after the due time is "trễ hạn", open past it "quá hạn"
    const leader = await world.actor('lanhdao', { viewport });
    await leader.goto(`/lanh-dao?unit=${DISTRICT}&from=2017-01-01&to=2017-06-30`);
    await leader.page.waitForSelector('[data-testid=dash-figures]');
    const label = (id) => leader.page.locator(`[data-testid=${id}]`).evaluate((el) => el.previousElementSibling.textContent);
    assert.equal(await label('stat-resolved-late'), 'Trễ hạn');
    assert.equal(await label('stat-in_progress-overdue'), 'Quá hạn');
    assert.deepEqual(await leader.page.locator('[data-testid=stats-table] thead th').evaluateAll((ths) => ths.map((x) => x.textContent))
      .then((h) => [h.includes('Trễ hạn'), h.includes('Quá hạn')]), [true, true]);
    leader.assertClean('on the dashboard');
  });

  test(`${size}: the header takes a fifth of a phone's screen at most; the dossier's actions come first`, async () => {
    const specialist = await world.actor('chuyenvien', { viewport });
    const { page } = specialist;
    await page.waitForURL('**/can-bo/ho-so');
    const visitor = await world.actor(null, { viewport });
    await visitor.goto('/');
    for (const [who, p] of [['an officer', page], ['a visitor', visitor.page]]) {
      const height = await p.locator('#site-header').evaluate((el) => el.getBoundingClientRect().height);
      if (viewport === PHONE) assert.ok(height <= PHONE.height / 5, `${who}: the header is ${height}px of ${PHONE.height}`);
    }
    if (viewport === PHONE) {
      assert.ok(!(await visitor.page.getByTestId('nav-lookup').isVisible()), 'the navigation folds away');
      await visitor.page.getByTestId('menu-toggle').click();
      assert.equal(await visitor.page.getByTestId('menu-toggle').getAttribute('aria-expanded'), 'true');
      await checkPage(visitor, 'menu');
      await visitor.page.getByTestId('nav-lookup').click();
      await visitor.page.waitForURL('**/tra-cuu');
      assert.ok(!(await visitor.page.getByTestId('nav-lookup').isVisible()), 'and folds again after a choice');
    } else {
      assert.ok(await visitor.page.getByTestId('nav-lookup').isVisible());
      assert.ok(!(await visitor.page.getByTestId('menu-toggle').isVisible()));
    }
    const api = await world.api('GET', '/api/v1/dossiers?limit=1&state=processing', { as: 'chuyenvien' });
    await specialist.goto(`/can-bo/ho-so/${encodeURIComponent(api.items[0].code)}`);
    await page.waitForSelector('[data-testid=action-bar] button');
    const top = await page.getByTestId('action-bar').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(top < viewport.height, `the actions start at ${top}px, on the first screen`);
    specialist.assertClean('on a small screen');
    visitor.assertClean('on a small screen');
  });

  test(`${size}: the province's dashboard transfers under 200 KB, its on-time chart the worst units first`, async (t) => {
    const supervisor = await world.actor('giamsat', { viewport });
    const { page, context } = supervisor;
    await page.waitForURL('**/lanh-dao');
    // The landing page's own charts are not counted: it settles first.
    await page.waitForLoadState('networkidle');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const sizes = new Map();
    cdp.on('Network.responseReceived', (e) => sizes.set(e.requestId, { url: e.response.url, bytes: 0 }));
    cdp.on('Network.loadingFinished', (e) => { const s = sizes.get(e.requestId); if (s) s.bytes = e.encodedDataLength; });
    await supervisor.goto('/lanh-dao?from=2017-01-01&to=2017-12-31');
    await page.waitForSelector('[data-testid=stats-table]');
    for (const kind of ['received', 'resolved', 'units']) {
      await page.getByTestId('chart-' + kind).scrollIntoViewIfNeeded();
      await page.waitForFunction((k) => document.querySelector(`[data-testid=chart-${k}]`)?.naturalWidth > 0, kind);
    }
    await page.waitForSelector('[data-testid=overdue-list], [data-testid=overdue-empty]');
    await page.waitForLoadState('networkidle');
    const total = [...sizes.values()].reduce((n, s) => n + s.bytes, 0);
    const detail = [...sizes.values()].map((s) => `${new URL(s.url).pathname} ${s.bytes}`).join('\n');
    assert.ok([...sizes.values()].filter((s) => s.url.includes('chart.svg') && s.url.includes('2017-01-01')).length === 3, detail);
    assert.ok(total < 200 * 1024, `the dashboard transfers ${total} bytes:\n${detail}`);
    t.diagnostic(`the province's dashboard: ${sizes.size} responses, ${total} bytes:\n${detail}`);
    await cdp.detach();
    // the chart's bars in words: the lowest rate of the table first
    const src = await page.getByTestId('chart-units').getAttribute('src');
    const svg = await page.evaluate(async (u) => (await fetch(u)).text(), src);
    const first = svg.match(/<desc>[^<]*?\d{4}\. ([^:;]+): ([\d,]+) %/);
    assert.ok(first, 'the chart describes its bars');
    const rates = await page.getByTestId('stats-row').evaluateAll((rows) => rows
      .map((r) => [r.querySelector('th').textContent, r.querySelector('[data-testid=stats-cell-resolved]').textContent,
        r.querySelector('[data-testid=stats-cell-on_time_rate]').textContent]).filter(([, n]) => n !== '0'));
    const lowest = Math.min(...rates.map(([, , r]) => Number(r.replace(' %', '').replace(',', '.'))));
    assert.equal(Number(first[2].replace(',', '.')), lowest, `the first bar (${first[1]}) has the lowest rate`);
    supervisor.assertClean('on the province\'s dashboard');
  });
}
