// Accounts in the browser, at 1280 and 360 px (issue 15 items 4 and 8, issue 16): the
// administrator's users page (search without diacritics, a unit from the type-ahead picker,
// paging, editing, locking, resetting a password shown once, requiring a new password,
// handing a departing officer's dossiers over, sign-ins); a user held to a new password; the
// profile page (contacts and password, the current password required, sign-ins); password
// recovery by an SMS code (to a small gateway here), in Vietnamese from start to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { startWorld, checkPage, DESKTOP, PHONE, PASSWORD } from './browser.mjs';
import { freePort } from '../api/harness.mjs';
import { file, actOk } from '../api/helpers.mjs';
import vi from '../../web/i18n/vi.js';

const DISTRICT = '000.00.33.H56';
const WIDTHS = [['desktop', DESKTOP], ['phone', PHONE]];
const ENGLISH = /\b(the|is|must|wrong|password|too many|seconds|try again)\b/i;
let world;
let gateway;
const sms = [];

before(async () => {
  gateway = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      sms.push(JSON.parse(body));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"accepted"}');
    });
  });
  const port = await freePort();
  await new Promise((r) => gateway.listen(port, '127.0.0.1', r));
  world = await startWorld({ env: { MOTCUA_SMS_URL: `http://127.0.0.1:${port}/sms`, MOTCUA_NOTIFY_INTERVAL: '1' } });
  // enough accounts of one name for two pages
  for (let i = 1; i <= 23; i++) {
    await world.api('POST', '/api/v1/users', { as: 'admin', status: [201], body: { username: `phan.trang.${String(i).padStart(2, '0')}`,
      password: PASSWORD, full_name: `Lê Phân Trang ${i}`, role: 'specialist', unit: DISTRICT } });
  }
});

after(async () => {
  if (world) await world.stop();
  if (gateway) gateway.close();
});

async function waitFor(what, check, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function noEnglish(page, what) {
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text.replace(/\S+@\S+/g, ''), ENGLISH, `${what}: English in the page:\n${text}`);
}

for (const [size, viewport] of WIDTHS) {
  test(`${size}: the administrator finds accounts by name without diacritics, by unit, a page at a time`, async () => {
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await page.waitForURL('**/quan-tri');
    await page.getByTestId('admin-tab-users').click();
    await page.waitForSelector('[data-testid=user-row]');
    // a new account's unit is chosen by name, not typed as a code
    await page.getByTestId('new-user-toggle').click();
    await page.getByTestId('new-user-username').fill(`moi.${size}`);
    await page.getByTestId('new-user-full-name').fill('Hà Văn Mới');
    await page.getByTestId('new-user-password').fill('mat-khau-cua-nguoi-moi');
    await page.getByTestId('new-user-unit').pressSequentially('huyen quang xuong');
    await page.locator(`[data-testid=new-user-unit-option][data-code="${DISTRICT}"]`).click();
    const made = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
    await page.getByTestId('new-user-submit').click();
    assert.equal((await made).status(), 201);
    const account = await world.api('GET', `/api/v1/users/moi.${size}`, { as: 'admin' });
    assert.equal(account.unit.code, DISTRICT);
    assert.equal(account.role, 'specialist');
    await page.getByTestId('users-q').fill('phan trang');
    await page.getByTestId('users-find').click();
    await page.waitForSelector('[data-testid=users-count][data-total="23"]');
    assert.equal(await page.getByTestId('user-row').count(), 20);
    assert.equal((await page.getByTestId('users-page').textContent()).trim(), 'Trang 1/2');
    await page.getByTestId('users-next').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=users-page]')?.textContent.trim() === 'Trang 2/2');
    assert.equal(await page.getByTestId('user-row').count(), 3);
    await page.getByTestId('users-prev').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=users-page]')?.textContent.trim() === 'Trang 1/2');
    // a unit by its name, from the type-ahead: the department holds none of them
    await page.getByTestId('users-q').fill('');
    await page.getByTestId('users-unit').pressSequentially('tai nguyen moi truong');
    await page.locator('[data-testid=users-unit-option][data-code="000.00.10.H56"]').click();
    await page.getByTestId('users-find').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=user-row]')].length === 3);
    const names = await page.locator('[data-testid=user-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-username')).sort());
    assert.deepEqual(names, ['chuyenvien.stnmt', 'lanhdao.stnmt', 'tiepnhan.stnmt']);
    await noEnglish(page, 'the users page');
    await checkPage(admin, 'admin-users');
    admin.assertClean('finding accounts');
  });

  test(`${size}: the administrator edits an account, locks it, resets its password; the user must choose a new one`, async () => {
    const username = `cb.sua.${size}`;
    await world.api('POST', '/api/v1/users', { as: 'admin', status: [201], body: { username, password: PASSWORD,
      full_name: 'Đinh Văn Sửa', role: 'specialist', unit: DISTRICT } });
    const user = await world.actor(username, { viewport });
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await page.waitForURL('**/quan-tri');
    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('users-q').fill('dinh van sua');
    await page.getByTestId('users-find').click();
    await page.locator(`[data-testid=user-row][data-username="${username}"] [data-testid=user-manage]`).click();
    await page.getByTestId('user-panel').waitFor();
    await page.getByTestId('user-full-name').fill('Đinh Văn Sửa Đổi');
    await page.getByTestId('user-phone').fill('abc');
    await page.getByTestId('user-save').click();
    await page.waitForSelector('[data-testid=user-phone][aria-invalid=true]');
    assert.equal((await page.getByTestId('user-phone-error').textContent()).trim(), vi['rule.format.phone']);
    await page.getByTestId('user-phone').fill('0912 345 999');
    await page.getByTestId('user-save').click();
    await page.getByTestId('user-done').filter({ hasText: vi['admin.saved'] }).waitFor();
    let back = await world.api('GET', `/api/v1/users/${username}`, { as: 'admin' });
    assert.equal(back.full_name, 'Đinh Văn Sửa Đổi');
    assert.equal(back.phone, '0912 345 999');

    // locked: the user's open page loses its session at the next request
    await page.getByTestId('user-lock').click();
    await page.getByTestId('user-done').filter({ hasText: vi['admin.locked'] }).waitFor();
    assert.equal((await world.api('GET', `/api/v1/users/${username}`, { as: 'admin' })).active, false);
    user.allow(401, /^GET \/api\/v1\/session$/);
    const gone = await user.page.request.get(world.base + '/api/v1/session');
    assert.equal(gone.status(), 401, 'the locked account\'s session is over');
    await page.getByTestId('user-lock').click();
    await page.getByTestId('user-done').filter({ hasText: vi['admin.unlocked'] }).waitFor();

    // reset: the temporary password is shown once
    await page.getByTestId('user-reset').click();
    await page.getByTestId('user-reset-confirm').click();
    const temp = (await page.getByTestId('user-temp-password').textContent()).trim();
    assert.match(temp, /^[a-zA-Z2-9]{12}$/);
    back = await world.api('GET', `/api/v1/users/${username}`, { as: 'admin' });
    assert.equal(back.must_change_password, true);
    await noEnglish(page, 'the account panel');
    await checkPage(admin, 'admin-user-panel', { show: '[data-testid=user-panel]' });
    admin.assertClean('managing an account');

    // the user signs in with it and is held on the account page until a new one is chosen
    const again = await world.actor(null, { viewport });
    const p = again.page;
    await again.goto('/dang-nhap');
    await p.getByTestId('login-username').fill(username);
    await p.getByTestId('login-password').fill(temp);
    await p.getByTestId('login-submit').click();
    await p.waitForURL('**/tai-khoan');
    await p.getByTestId('must-change').waitFor();
    assert.equal(await p.getByTestId('profile-form').count(), 0, 'only the password while one is due');
    await again.goto('/can-bo/ho-so');
    await p.waitForURL('**/tai-khoan');
    await p.getByTestId('password-current').fill(temp);
    await p.getByTestId('password-new').fill(temp);
    await p.getByTestId('password-again').fill(temp);
    again.allow(422, /^PATCH \/api\/v1\/profile$/);
    await p.getByTestId('password-save').click();
    await p.waitForSelector('[data-testid=password-new][aria-invalid=true]');
    assert.equal((await p.getByTestId('password-new-error').textContent()).trim(), vi['rule.same.new_password']);
    await checkPage(again, 'account-must-change');
    await p.getByTestId('password-new').fill('mat-khau-rieng-cua-toi');
    await p.getByTestId('password-again').fill('mat-khau-rieng-cua-toi');
    await p.getByTestId('password-save').click();
    await p.waitForURL('**/can-bo/ho-so');
    again.assertClean('choosing a new password');
    await world.server.login(username, 'mat-khau-rieng-cua-toi');
  });

  test(`${size}: the desk has checked a citizen's identity card: the administrator vouches for the account's number`, async () => {
    const username = `dan.xac.minh.${size}`;
    const id = size === WIDTHS[0][0] ? '038190004441' : '038190004442';
    await world.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD, full_name: 'Lý Thị Đối Chiếu', id_number: id }, status: 202 });
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await page.waitForURL('**/quan-tri');
    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('users-q').fill('ly thi doi chieu');
    await page.getByTestId('users-find').click();
    await page.locator(`[data-testid=user-row][data-username="${username}"] [data-testid=user-manage]`).click();
    await page.getByTestId('user-panel').waitFor();
    const vouch = page.getByTestId('user-vouch');
    assert.equal((await vouch.textContent()).trim(), vi['admin.vouch']);
    await vouch.click();
    await page.getByTestId('user-done').filter({ hasText: vi['admin.vouched'] }).waitFor();
    assert.equal(await vouch.isDisabled(), true, 'vouched once');
    assert.equal((await world.api('GET', `/api/v1/users/${username}`, { as: 'admin' })).id_number_verified, true);
    await noEnglish(page, 'the citizen\'s panel');
    admin.assertClean('vouching for a number');
  });

  test(`${size}: an officer leaves: the administrator hands the open dossiers to a colleague`, async () => {
    const leaving = `cb.nghi.${size}`;
    const taking = `cb.nhan.${size}`;
    for (const u of [leaving, taking]) {
      await world.api('POST', '/api/v1/users', { as: 'admin', status: [201], body: { username: u, password: PASSWORD,
        full_name: u === leaving ? 'Vũ Thị Nghỉ' : 'Vũ Văn Nhận', role: 'specialist', unit: DISTRICT } });
    }
    // the leaving officer holds two dossiers filed at the desk and assigned to it
    const desk = await world.token('tiepnhan');
    const queue = { items: [await file(world.server, desk, {}), await file(world.server, desk, {})] };
    for (const d of queue.items) await actOk(world.server, desk, d.code, 'assign', { handler: leaving });
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await page.waitForURL('**/quan-tri');
    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('users-q').fill(leaving);
    await page.getByTestId('users-find').click();
    await page.locator(`[data-testid=user-row][data-username="${leaving}"] [data-testid=user-manage]`).click();
    await page.getByTestId('handover-form').waitFor();
    await page.waitForSelector(`[data-testid=handover-to] option[value="${taking}"]`, { state: 'attached' });
    await page.getByTestId('handover-submit').click();
    await page.waitForSelector('[data-testid=handover-to][aria-invalid=true]');
    await page.getByTestId('handover-to').selectOption(taking);
    await page.getByTestId('handover-submit').click();
    await page.getByTestId('handover-done').filter({ hasText: 'Đã bàn giao 2 hồ sơ cho Vũ Văn Nhận' }).waitFor();
    const takerId = (await world.api('GET', `/api/v1/users/${taking}`, { as: 'admin' })).id;
    for (const d of queue.items) {
      const got = await world.api('GET', `/api/v1/dossiers/${encodeURIComponent(d.code)}`, { as: 'lanhdao' });
      assert.equal(got.handler_id, takerId);
      assert.equal(got.events.at(-1).action, 'handover');
    }
    await page.getByTestId('user-signins').locator('summary').click();
    await page.getByTestId('user-signins-table-none').waitFor();
    await checkPage(admin, 'admin-user-handover', { show: '[data-testid=handover-form]' });
    admin.assertClean('handing dossiers over');
  });

  test(`${size}: a citizen changes phone and password on the profile page, the current password asked each time`, async () => {
    const username = `cd.hoso.${size}`;
    await world.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD, full_name: 'Mai Thị Hồ Sơ', phone: '0987111222' }, status: 202 });
    const citizen = await world.actor(username, { viewport });
    citizen.allow(422, /^PATCH \/api\/v1\/profile$/);
    const { page } = citizen;
    if (size === 'desktop') await page.getByTestId('header-user').click();
    else await citizen.goto('/tai-khoan');
    await page.waitForURL('**/tai-khoan');
    await page.getByTestId('signins-row').first().waitFor();
    assert.equal(await page.getByTestId('signins-row').first().getAttribute('data-ok'), 'true');
    await page.getByTestId('profile-phone').fill('0987 333 444');
    await page.getByTestId('profile-current').fill('khong-phai-mat-khau');
    await page.getByTestId('profile-save').click();
    await page.waitForSelector('[data-testid=profile-current][aria-invalid=true]');
    assert.equal((await page.getByTestId('profile-current-error').textContent()).trim(), vi['rule.wrong.current_password']);
    await noEnglish(page, 'a wrong current password');
    await page.getByTestId('profile-current').fill(PASSWORD);
    await page.getByTestId('profile-save').click();
    await page.getByTestId('profile-saved').waitFor();
    assert.equal((await world.api('GET', '/api/v1/session', { as: username })).user.phone, '0987 333 444');
    await page.getByTestId('password-current').fill(PASSWORD);
    await page.getByTestId('password-new').fill('mat-khau-moi-cua-cd');
    await page.getByTestId('password-again').fill('mat-khau-moi-cua-cd');
    await page.getByTestId('password-save').click();
    await page.getByTestId('password-saved').waitFor();
    await checkPage(citizen, 'account-profile');
    citizen.assertClean('on the profile page');
    await world.server.login(username, 'mat-khau-moi-cua-cd');
  });

  test(`${size}: a forgotten password: a code by SMS, a wrong code said in Vietnamese, then a new password`, async () => {
    const username = `cd.quen.${size}`;
    const phone = size === 'desktop' ? '0987555001' : '0987555002';
    await world.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD, full_name: 'Tạ Thị Quên', phone }, status: 202 });
    const visitor = await world.actor(null, { viewport });
    visitor.allow(400, /^POST \/api\/v1\/recovery\/confirm$/);
    const { page } = visitor;
    await visitor.goto('/dang-nhap');
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('to-recovery').click();
    await page.waitForURL('**/quen-mat-khau**');
    assert.equal(await page.getByTestId('recovery-username').inputValue(), username, 'the username typed goes along');
    await page.getByTestId('recovery-channel-sms').check();
    await checkPage(visitor, 'recovery-ask');
    const seen = sms.length;
    await page.getByTestId('recovery-send').click();
    await page.getByTestId('recovery-sent').waitFor();
    const m = await waitFor('the SMS', () => sms.slice(seen).find((x) => x.to === phone));
    const code = /\b(\d{6})\b/.exec(m.text)[1];
    await page.getByTestId('recovery-code').fill(code === '000000' ? '000001' : '000000');
    await page.getByTestId('recovery-password').fill('mat-khau-vua-dat');
    await page.getByTestId('recovery-password2').fill('mat-khau-vua-dat');
    await page.getByTestId('recovery-confirm').click();
    await page.waitForSelector('[data-testid=recovery-code][aria-invalid=true]');
    assert.equal((await page.getByTestId('recovery-error').textContent()).trim(), vi['problem.invalid-code']);
    await noEnglish(page, 'a wrong code');
    await checkPage(visitor, 'recovery-code');
    await page.getByTestId('recovery-code').fill(code);
    await page.getByTestId('recovery-confirm').click();
    await page.getByTestId('recovery-done').waitFor();
    await page.getByTestId('recovery-to-login').click();
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill('mat-khau-vua-dat');
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/ho-so-cua-toi');
    visitor.assertClean('recovering a password');
  });
}
