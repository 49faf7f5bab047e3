// One dossier's whole life through the browser (issue 3, "Done when"): a citizen finds
// "Đăng ký khai sinh" by typing it without diacritics, files it online with a PDF and sees it
// in "Hồ sơ của tôi"; the desk accepts it (the due time shown is the API's); the desk hands it
// to processing, the specialist passes it to the leader, the leader resolves it with a result
// file, the desk returns it; the citizen downloads the result and rates it; the public lookup
// shows every event. Also: the portal's first page weight, its hosts and its CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startWorld, checkPage, pdfBytes, sha256, fmtDateTime, sameInstant, PASSWORD,
} from './browser.mjs';
import vi from '../../web/i18n/vi.js';

const PROC = '1.001193'; // Đăng ký khai sinh (commune level, online level 3)
const DISTRICT = '000.00.33.H56'; // UBND huyện Quảng Xương: tiepnhan, chuyenvien, lanhdao

let world;
let citizen; // congdan's browser, kept across the journey
let desk; // tiepnhan's browser
let code; // the dossier filed online
let commune; // where it was filed
const FORM_PDF = pdfBytes('to-khai-dang-ky-khai-sinh');
const RESULT_PDF = pdfBytes('giay-khai-sinh-ban-chinh');

before(async () => {
  world = await startWorld();
});

after(async () => {
  if (world) await world.stop();
});

test('the portal\'s first page: under 100 KB transferred, no other host, a strict CSP', async (t) => {
  const visitor = await world.actor(null);
  const { page, context } = visitor;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const sizes = new Map();
  cdp.on('Network.responseReceived', (e) => sizes.set(e.requestId, { url: e.response.url, bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => {
    const s = sizes.get(e.requestId) || { url: '?', bytes: 0 };
    s.bytes = e.encodedDataLength;
    sizes.set(e.requestId, s);
  });
  const res = await visitor.goto('/');
  const csp = res.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /frame-ancestors 'none'/);
  // the page is ready: the featured procedures listed (its first API calls)
  await page.waitForSelector('[data-testid=procedure-item]');
  await page.waitForLoadState('networkidle');
  const total = [...sizes.values()].reduce((n, s) => n + s.bytes, 0);
  const detail = [...sizes.values()].map((s) => `${new URL(s.url).pathname} ${s.bytes}`).join('\n');
  assert.ok(sizes.size >= 5, `the page loaded its parts:\n${detail}`);
  assert.ok([...sizes.values()].some((s) => s.url.includes('/api/v1/procedures')), 'the first API calls are counted');
  assert.ok(total < 100 * 1024, `the first page transfers ${total} bytes:\n${detail}`);
  t.diagnostic(`the first page: ${sizes.size} responses, ${total} bytes:\n${detail}`);
  for (const s of sizes.values()) assert.equal(new URL(s.url).origin, world.base, `same host: ${s.url}`);
  await cdp.detach();

  // browsing by field: the fields load when their list comes into view; choosing one filters
  await page.getByTestId('field-list').scrollIntoViewIfNeeded();
  const field = page.getByTestId('field-item').first();
  await field.waitFor();
  const name = await field.getAttribute('data-field');
  const fields = await world.api('GET', '/api/v1/procedures/fields');
  assert.equal(await page.getByTestId('field-item').count(), fields.items.length);
  assert.equal(name, fields.items[0].field);
  await field.click();
  await page.waitForURL((u) => u.searchParams.get('field') === name);
  const inField = await world.api('GET', '/api/v1/procedures?' + new URLSearchParams({ field: name, limit: '20' }));
  await page.getByTestId('search-status').filter({ hasText: String(inField.total) }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=procedure-item]').length === n, inField.items.length);
  assert.deepEqual(await page.getByTestId('procedure-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))),
    inField.items.map((p) => p.code));
  if (inField.total > inField.items.length) {
    // "Xem thêm" appends the next twenty and moves the focus to the first of them
    const next = await world.api('GET', '/api/v1/procedures?' + new URLSearchParams({ field: name, limit: '20', offset: '20' }));
    await page.getByTestId('search-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=procedure-item]').length === n, 20 + next.items.length);
    assert.deepEqual((await page.getByTestId('procedure-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).slice(20),
      next.items.map((p) => p.code));
    assert.equal(await page.evaluate(() => document.activeElement.closest('[data-testid=procedure-item]')?.getAttribute('data-code')), next.items[0].code);
  }
  visitor.assertClean('on the first page');
});

test('a citizen finds "Đăng ký khai sinh" typed without diacritics, files it online with a PDF and sees it in "Hồ sơ của tôi"', async () => {
  citizen = await world.actor(null);
  const { page } = citizen;
  await citizen.goto('/');
  await page.waitForSelector('[data-testid=procedure-item]');
  await checkPage(citizen, 'portal-home');

  // as-you-type search, without diacritics
  await page.getByTestId('search-input').pressSequentially('dang ky khai sinh');
  const q = 'dang ky khai sinh';
  const api = await world.api('GET', '/api/v1/procedures?' + new URLSearchParams({ q, limit: '100' }));
  assert.equal(api.items[0].name, 'Đăng ký khai sinh');
  const PAGE = 20; // the portal lists results twenty at a time
  await page.waitForFunction(({ q, n }) => new URL(location.href).searchParams.get('q') === q &&
    document.querySelectorAll('[data-testid=procedure-item]').length === n &&
    !document.querySelector('[data-testid=search-status]').textContent.includes('…'), { q, n: Math.min(PAGE, api.total) });
  await page.getByTestId('search-status').filter({ hasText: String(api.total) }).waitFor();
  // "Xem thêm" until every result is listed
  for (let shown = PAGE; shown < api.total; shown += PAGE) {
    await page.getByTestId('search-more').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=procedure-item]').length === n, Math.min(shown + PAGE, api.total));
  }
  assert.equal(await page.getByTestId('search-more').count(), 0, 'nothing more to show');
  const shown = await page.getByTestId('procedure-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  assert.deepEqual(shown, api.items.map((p) => p.code), 'the results are the API\'s, in its order');

  // the procedure page
  await page.locator(`[data-testid=procedure-item][data-code="${PROC}"] a`).click();
  await page.waitForURL(`**/thu-tuc/${PROC}`);
  const proc = await world.api('GET', `/api/v1/procedures/${PROC}`);
  await assert.doesNotReject(page.getByTestId('procedure-name').filter({ hasText: 'Đăng ký khai sinh' }).waitFor());
  assert.equal(await page.getByTestId('procedure-code').textContent(), PROC);
  assert.equal(await page.getByTestId('procedure-document').count(), proc.documents.length);
  assert.equal(await page.getByTestId('procedure-step').count(), proc.steps.length);
  await checkPage(citizen, 'procedure');

  // "Nộp hồ sơ trực tuyến" asks for a sign-in, then comes back to the form
  const unitLists = [];
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/v1/units') unitLists.push({ search: u.search, bytes: (await r.body()).length });
  });
  await page.getByTestId('file-online').click();
  await page.waitForURL('**/dang-nhap?next=**');
  await page.getByTestId('login-username').fill('congdan');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`**/nop-ho-so/${PROC}`);
  await page.waitForSelector('[data-testid=file-form]');

  // the receiving commune, typed without diacritics with its district, chosen from the list
  // that shows each one's district (issue 15); no list of the province is loaded
  const units = await world.api('GET', `/api/v1/units?parent=${DISTRICT}`);
  const target = units.items.find((u) => u.level === 'commune');
  commune = target.code;
  const plain = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  await page.getByTestId('file-unit').pressSequentially(plain(`${target.name.replace(/^UBND (xã|phường|thị trấn) /, '')} quang xuong`));
  const option = page.locator(`[data-testid=file-unit-option][data-code="${commune}"]`);
  await option.waitFor();
  assert.match(await option.textContent(), new RegExp(`${target.name} — huyện Quảng Xương`));
  await option.click();
  assert.equal(await page.getByTestId('file-unit').getAttribute('data-code'), commune);
  assert.ok(unitLists.length >= 1, 'the units were searched');
  for (const l of unitLists) {
    assert.ok(new URLSearchParams(l.search).get('q') || new URLSearchParams(l.search).get('level') === 'province', `a search, not the list: ${l.search}`);
    assert.ok(l.bytes < 20 * 1024, `${l.search}: ${l.bytes} bytes`);
  }
  await page.getByTestId('file-applicant-id').fill('038190012345');
  await page.getByTestId('file-applicant-address').fill('Thôn Đông, xã Quảng Ninh');
  const required = proc.documents.filter((d) => d.required);
  assert.ok(required.length >= 1);
  // a wrong type is refused in the browser with a clear message, before any upload
  await page.getByTestId(`file-doc-${required[0].seq}`).setInputFiles(world.writeFile('ghi-chu.txt', 'không phải PDF'));
  await assert.doesNotReject(page.locator(`[data-testid=file-doc-${required[0].seq}-status][data-state=error]`).filter({ hasText: 'ghi-chu.txt' }).waitFor());
  const pdf = world.writeFile('to-khai.pdf', FORM_PDF);
  for (const d of required) {
    await page.getByTestId(`file-doc-${d.seq}`).setInputFiles(pdf);
    await page.waitForSelector(`[data-testid=file-doc-${d.seq}-status][data-state=done]`);
  }
  await checkPage(citizen, 'filing', { show: '[data-testid=file-doc-1]' });

  await page.getByTestId('file-next').click();
  await page.waitForSelector('[data-testid=file-review]');
  assert.equal(await page.getByTestId('review-applicant').textContent(), 'Lê Thị Hồng Nhung');
  await page.getByTestId('file-submit').click();
  await page.waitForSelector('[data-testid=confirm-due][data-due]');
  code = (await page.getByTestId('confirm-code').textContent()).trim();
  assert.match(code, new RegExp(`^${commune.replace(/\./g, '\\.')}-\\d{6}-\\d{6}$`));
  await checkPage(citizen, 'filing-done');

  const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'congdan' });
  assert.equal(d.state, 'submitted');
  assert.equal(d.channel, 'online');
  assert.equal(d.receiving_unit.code, commune);
  assert.equal(d.applicant.name, 'Lê Thị Hồng Nhung');
  assert.equal(d.applicant.id_number, '038190012345');
  const attached = d.documents.filter((x) => x.attachment);
  assert.equal(attached.length, required.length, 'one file per required document');
  for (const x of attached) {
    assert.equal(x.attachment.sha256, sha256(FORM_PDF));
    assert.equal(x.attachment.filename, 'to-khai.pdf');
  }

  // "Hồ sơ của tôi"
  await page.getByTestId('nav-mine').click();
  const row = page.locator(`[data-testid=dossier-row][data-code="${code}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'submitted');
  assert.equal(await row.getByTestId('state-badge').textContent(), vi['state.submitted'], 'the state in words');
  const mine = await world.api('GET', '/api/v1/dossiers?limit=200', { as: 'congdan' });
  assert.equal(await page.getByTestId('dossier-row').count(), mine.items.length, 'every dossier of the citizen is listed');
  // their personal data: the download of all of it, and who read it
  assert.equal(await page.getByTestId('personal-export').getAttribute('href'), '/api/v1/personal/export');
  assert.equal(await page.getByTestId('personal-export').textContent(), vi['mine.personal.export']);
  await page.getByTestId('personal-reads').locator('p, ul').first().waitFor();
  await checkPage(citizen, 'my-dossiers');
  citizen.assertClean('filing online');
});

test('the desk accepts the online dossier and the due time it shows is the API\'s', async () => {
  assert.ok(code, 'filed by the previous test');
  desk = await world.actor('tiepnhan');
  const { page } = desk;
  await page.waitForURL('**/can-bo');
  await page.getByTestId('desk-tab-online').click();
  const row = page.locator(`[data-testid=dossier-row][data-code="${code}"]`);
  await row.waitFor();
  await checkPage(desk, 'desk-online');
  await row.getByTestId('desk-receive').click();
  await row.getByTestId('desk-row-done').waitFor();
  const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  assert.equal(d.state, 'received');
  assert.ok(d.due_at, 'a received dossier has a due time');
  assert.equal(await row.getAttribute('data-state'), 'received');
  sameInstant(await row.getAttribute('data-due'), d.due_at, 'the due time on the row');
  assert.ok((await row.getByTestId('desk-row-done').textContent()).includes(fmtDateTime(d.due_at)),
    `the row says the due time ${fmtDateTime(d.due_at)}`);

  // the dossier page shows the same
  await desk.goto(`/can-bo/ho-so/${encodeURIComponent(code)}`);
  await page.waitForSelector('[data-testid=dossier-due]');
  assert.equal(await page.getByTestId('dossier-due').textContent(), fmtDateTime(d.due_at));
  assert.equal(await page.getByTestId('dossier-state').getAttribute('data-state'), 'received');
  await checkPage(desk, 'dossier-detail');
  desk.assertClean('receiving');
});

test('the desk hands it to processing, the specialist passes it on, the leader resolves it with a result file, the desk returns it', async () => {
  const { page } = desk;
  // desk: assign (received → processing); the buttons are the actions the API allows
  let d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  const offered = await page.locator('[data-testid=action-bar] button').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')));
  assert.deepEqual(offered, d.actions, 'the action bar offers what the API allows');
  await page.getByTestId('action-assign').click();
  await page.getByTestId('action-note').fill('Chuyển chuyên viên thẩm định.');
  await page.getByTestId('action-submit').click();
  await page.waitForSelector('[data-testid=action-message]:not([hidden])');
  await page.waitForSelector('[data-testid=dossier-state][data-state=processing]');
  d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  assert.equal(d.state, 'processing');

  // the specialist finds it in the queue and passes it to the leader
  const specialist = await world.actor('chuyenvien');
  const sp = specialist.page;
  await sp.waitForURL('**/can-bo/ho-so');
  await sp.getByTestId('queue-search').fill(code);
  await sp.getByTestId('queue-apply').click();
  const qrow = sp.locator(`[data-testid=dossier-row][data-code="${code}"]`);
  await qrow.waitFor();
  assert.equal(await qrow.getAttribute('data-state'), 'processing');
  await qrow.locator('a').click();
  await sp.waitForSelector('[data-testid=action-assign]');
  const step = d.step;
  await sp.getByTestId('action-assign').click();
  await sp.getByTestId('action-note').fill('Hồ sơ đủ điều kiện, trình lãnh đạo ký.');
  await sp.getByTestId('action-submit').click();
  await sp.waitForSelector('[data-testid=action-message]:not([hidden])');
  d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'chuyenvien' });
  assert.equal(d.state, 'processing');
  assert.equal(d.step, step + 1, 'the specialist moved it to the next step');
  specialist.assertClean('passing on');

  // the leader resolves it, approved, with the result file
  const leader = await world.actor('lanhdao');
  const lp = leader.page;
  await leader.goto(`/can-bo/ho-so/${encodeURIComponent(code)}`);
  await lp.getByTestId('action-resolve').click();
  assert.ok(await lp.getByTestId('action-outcome-approved').isChecked());
  await lp.getByTestId('action-result-file').setInputFiles(world.writeFile('giay-khai-sinh.pdf', RESULT_PDF));
  await lp.waitForSelector('[data-testid=action-result-file-status][data-state=done]');
  await lp.getByTestId('action-note').fill('Đồng ý cấp Giấy khai sinh.');
  await checkPage(leader, 'dossier-resolve', { show: '[data-testid=action-form]' });
  await lp.getByTestId('action-submit').click();
  await lp.waitForSelector('[data-testid=dossier-state][data-state=resolved]');
  await lp.waitForSelector('[data-testid=result-download]');
  d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'lanhdao' });
  assert.equal(d.state, 'resolved');
  assert.equal(d.outcome, 'approved');
  const result = d.documents.find((x) => x.kind === 'result');
  assert.ok(result && result.attachment, 'the result document carries the file');
  assert.equal(result.attachment.sha256, sha256(RESULT_PDF));
  leader.assertClean('resolving');

  // the desk returns it from the "return results" tab
  await desk.goto('/can-bo?tab=return');
  const rrow = page.locator(`[data-testid=dossier-row][data-code="${code}"]`);
  await rrow.getByTestId('desk-return').click();
  await page.waitForSelector(`[data-testid=dossier-row][data-code="${code}"][data-state=returned]`);
  d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  assert.equal(d.state, 'returned');
  desk.assertClean('returning');
});

test('the citizen downloads the result and rates it, and the rating shows', async () => {
  const { page } = citizen;
  await citizen.goto('/ho-so-cua-toi');
  const row = page.locator(`[data-testid=dossier-row][data-code="${code}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'returned');
  await row.locator('a').click();
  await page.waitForSelector('[data-testid=rating-form]');
  assert.equal(await page.getByTestId('dossier-state').getAttribute('data-state'), 'returned');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('result-download').click()]);
  assert.equal(download.suggestedFilename(), 'giay-khai-sinh.pdf');
  assert.deepEqual(readFileSync(await download.path()), RESULT_PDF, 'the downloaded result is the file the leader attached');

  // the rating form: every criterion must be answered
  await page.getByTestId('rating-submit').click();
  await page.waitForSelector('[data-testid=rating-error]:not([hidden])');
  const criteria = ['total_time', 'agency_time', 'contacts', 'agencies', 'reception', 'transparency', 'attitude'];
  for (const c of criteria) await page.getByTestId(`rating-${c}-2`).check();
  await page.getByTestId('rating-overall-very_satisfied').check();
  await page.getByTestId('rating-comment').fill('Cán bộ hướng dẫn tận tình, trả kết quả sớm.');
  await page.getByTestId('rating-submit').click();
  await page.waitForSelector('[data-testid=rating-given]');
  assert.equal(await page.getByTestId('rating-given-overall').getAttribute('data-overall'), 'very_satisfied');
  assert.equal(await page.getByTestId('rating-form').count(), 0, 'rated once');
  const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'congdan' });
  assert.equal(d.rating.overall, 'very_satisfied');
  assert.equal(d.rating.comment, 'Cán bộ hướng dẫn tận tình, trả kết quả sớm.');
  for (const c of criteria) assert.equal(d.rating.criteria[c], 2, c);
  assert.equal(d.can_rate, false);
  await checkPage(citizen, 'my-dossier-detail', { show: '[data-testid=rating-given]' });
  citizen.assertClean('rating');
});

test('the public lookup by code shows the whole timeline, without signing in', async () => {
  const visitor = await world.actor(null);
  const { page } = visitor;
  // from the home page's lookup box
  await visitor.goto('/');
  await page.getByTestId('lookup-input').fill(code);
  await page.getByTestId('lookup-submit').click();
  await page.waitForURL(`**/tra-cuu/${code}`);
  await page.waitForSelector('[data-testid=lookup-timeline] [data-testid=timeline-entry]');
  const pub = await world.api('GET', `/api/v1/public/dossiers/${code}`);
  const full = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  assert.equal(pub.timeline.length, full.events.length, 'the public timeline has every event');
  const shown = await page.locator('[data-testid=lookup-timeline] [data-testid=timeline-entry]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-action'), e.getAttribute('data-state'), e.querySelector('time').getAttribute('datetime')]));
  assert.deepEqual(shown, pub.timeline.map((e) => [e.action, e.state, e.at]));
  assert.deepEqual(shown.map((x) => x[0]), full.events.map((e) => e.action));
  assert.deepEqual(shown.map((x) => x[0]), ['create', 'receive', 'assign', 'assign', 'resolve', 'return']);
  const titles = await page.locator('[data-testid=lookup-timeline] [data-testid=timeline-entry] .tl-title').allTextContents();
  assert.deepEqual(titles, pub.timeline.map((e) => vi['action.past.' + e.action]), 'each event in words');
  assert.equal(await page.getByTestId('lookup-state').getAttribute('data-state'), 'returned');
  assert.equal(await page.getByTestId('timeline-future').count(), 0, 'nothing ahead of a returned dossier');
  assert.equal(await page.getByTestId('lookup-code').textContent(), code);
  assert.equal(await page.getByTestId('lookup-applicant').textContent(), pub.applicant_name, 'the name as the API masks it');
  assert.notEqual(pub.applicant_name, 'Lê Thị Hồng Nhung', 'the public lookup masks the name');

  // the QR code's address opens the status directly
  const qr = await world.actor(null);
  await qr.goto(`/tra-cuu/${encodeURIComponent(code)}`);
  await qr.page.waitForSelector('[data-testid=lookup-timeline] [data-testid=timeline-entry]');
  assert.equal(await qr.page.locator('[data-testid=lookup-timeline] [data-testid=timeline-entry]').count(), pub.timeline.length);
  await checkPage(qr, 'lookup', { fullPage: true });
  visitor.assertClean('looking up');
  qr.assertClean('opening the QR address');
});

// Signing up (issue 16): the server answers a taken username as it answers a free one,
// so the page learns which it was by signing in. A free name signs in at once and lands
// on "Hồ sơ của tôi"; a taken one is told the name may be taken, and the owner's account
// is untouched.
test('signing up: a free username signs in at once; a taken one is told so, and nothing changes', async () => {
  const fill = async (page, username) => {
    await page.getByTestId('signup-full-name').fill('Đinh Thị Mới');
    await page.getByTestId('signup-username').fill(username);
    await page.getByTestId('signup-password').fill('mat-khau-dang-ky-1');
    await page.getByTestId('signup-password2').fill('mat-khau-dang-ky-1');
    await page.getByTestId('signup-submit').click();
  };
  const fresh = await world.actor(null);
  await fresh.goto('/dang-ky');
  await fill(fresh.page, 'dinh.thi.moi');
  await fresh.page.waitForURL('**/ho-so-cua-toi');
  await fresh.page.waitForSelector('[data-testid=header-user]');
  const me = await fresh.page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).user);
  assert.deepEqual([me.username, me.role, me.full_name], ['dinh.thi.moi', 'citizen', 'Đinh Thị Mới']);
  fresh.assertClean('signing up');

  const taken = await world.actor(null);
  taken.allow(401, /^POST \/api\/v1\/session$/); // the sign-in that shows the name was taken
  await taken.goto('/dang-ky');
  await fill(taken.page, 'congdan');
  const error = taken.page.getByTestId('signup-error');
  await error.waitFor();
  assert.equal(await error.textContent(), vi['auth.signupTaken']);
  assert.ok(taken.page.url().endsWith('/dang-ky'), 'still on the sign-up page');
  await checkPage(taken, 'signup-taken');
  const owner = await world.api('GET', '/api/v1/session', { as: 'congdan' });
  assert.equal(owner.user.full_name, 'Lê Thị Hồng Nhung', 'the owner\'s account is untouched');
  taken.assertClean('signing up with a taken username');
});
