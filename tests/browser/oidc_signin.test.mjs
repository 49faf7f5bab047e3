// A citizen signs in through the identity provider (issue 13, "Done when"): the sign-in page
// shows "Đăng nhập bằng tài khoản định danh điện tử" because the server has a provider; the
// button leads to the provider's own login page (a real OpenID Connect provider, npm
// oidc-provider, started here), the citizen signs in and consents there, and comes back to
// motcua signed in to the account holding their identity number, on "Hồ sơ của tôi" with
// their dossiers. Pictures go under build/ only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startWorld, SHOTS } from './browser.mjs';
import { freePort } from '../api/harness.mjs';
import { startProvider, CLIENT_ID, CLIENT_SECRET, ID_CLAIM } from '../api/oidc_provider.mjs';
import vi from '../../web/i18n/vi.js';

let world;
let idp;

before(async () => {
  const pport = await freePort();
  const mport = await freePort();
  idp = await startProvider({
    port: pport,
    redirectUri: `http://127.0.0.1:${mport}/api/v1/session/oidc/callback`,
    // the demo's citizen congdan (Lê Thị Hồng Nhung) holds this identity number
    accounts: {
      'nhung.vneid': { name: 'Lê Thị Hồng Nhung', [ID_CLAIM]: '038190012345' },
      'khong.co.so': { name: 'Người Không Có Số' },
    },
  });
  world = await startWorld({
    dossiers: 40,
    port: mport,
    env: {
      MOTCUA_PUBLIC_URL: `http://127.0.0.1:${mport}`,
      MOTCUA_OIDC_ISSUER: idp.issuer,
      MOTCUA_OIDC_CLIENT_ID: CLIENT_ID,
      MOTCUA_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      MOTCUA_OIDC_ID_CLAIM: ID_CLAIM,
    },
  });
});

after(async () => {
  if (world) await world.stop();
  if (idp) await idp.stop();
});

test('a citizen signs in through the provider\'s login page and lands on their dossiers', async () => {
  const visitor = await world.actor(null);
  const { page } = visitor;
  await visitor.goto('/dang-nhap');
  const button = page.getByTestId('login-idp');
  await button.waitFor();
  assert.equal((await button.textContent()).trim(), vi['auth.idp']);
  await page.screenshot({ path: join(SHOTS, 'oidc-signin-button.png') });
  await button.click();
  // the provider's own page: another origin, its login form
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.locator('input[name=login]').fill('nhung.vneid');
  await page.locator('input[name=password]').fill('mat-khau-tai-nha-cung-cap');
  await page.screenshot({ path: join(SHOTS, 'oidc-provider-login.png') });
  await page.locator('button[type=submit]').first().click();
  // its consent page, then back to motcua
  await page.waitForURL((u) => u.origin !== idp.issuer || /interaction/.test(u.pathname));
  if (new URL(page.url()).origin === idp.issuer) await page.locator('button[type=submit]').first().click();
  await page.waitForURL((u) => u.origin === world.base && u.pathname === '/ho-so-cua-toi');
  const user = page.getByTestId('header-user');
  await user.waitFor({ state: 'attached' });
  assert.equal(await user.getAttribute('data-role'), 'citizen');
  assert.match(await user.textContent(), /Lê Thị Hồng Nhung/);
  // their dossiers, as the API gives them to the same account
  await page.getByTestId('dossier-row').first().waitFor();
  const mine = await world.api('GET', '/api/v1/dossiers?limit=200', { as: 'congdan' });
  const codes = new Set(mine.items.map((d) => d.code));
  const shown = await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  assert.ok(shown.length > 0);
  for (const c of shown) assert.ok(codes.has(c), `${c} is congdan's`);
  await page.screenshot({ path: join(SHOTS, 'oidc-landed-dossiers.png') });
  // the sign-in is in the account's history, as a password sign-in's would be
  const signins = await world.api('GET', '/api/v1/profile/signins', { as: 'congdan' });
  assert.ok(signins.items.some((s) => s.ok && /Chrom/.test(s.device)), 'the browser\'s sign-in is recorded');
  // nothing went wrong on motcua's pages (the provider's pages are another host's, and ask
  // for web fonts that the test's Chromium may not fetch)
  const ours = visitor.problems.filter((p) => !p.includes(idp.issuer) && !p.includes('fonts.g') && !/ on \/interaction\//.test(p));
  assert.deepEqual(ours, []);
});

test('a sign-in that fails brings the browser back to the sign-in page, which says why in Vietnamese', async () => {
  const visitor = await world.actor(null);
  const { page } = visitor;
  // a callback this browser did not start (a link sent by someone else)
  await page.goto(`${world.base}/api/v1/session/oidc/callback?code=ma-cua-nguoi-khac&state=trang-thai-la`);
  await page.waitForURL((u) => u.pathname === '/dang-nhap' && u.searchParams.get('loi') === 'sign-in-state');
  const box = page.getByTestId('login-error');
  await box.waitFor();
  assert.equal((await box.textContent()).trim(), vi['problem.sign-in-state']);
  // a person the provider knows without an identity number: nothing is opened, and the page says so
  await page.getByTestId('login-idp').click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.locator('input[name=login]').fill('khong.co.so');
  await page.locator('input[name=password]').fill('mat-khau-tai-nha-cung-cap');
  await page.locator('button[type=submit]').first().click();
  await page.waitForURL((u) => u.origin !== idp.issuer || /interaction/.test(u.pathname));
  if (new URL(page.url()).origin === idp.issuer) await page.locator('button[type=submit]').first().click();
  await page.waitForURL((u) => u.origin === world.base && u.searchParams.get('loi') === 'identity-not-linked');
  await page.getByTestId('login-error').filter({ hasText: vi['problem.identity-not-linked'] }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'oidc-not-linked.png') });
  const ours = visitor.problems.filter((p) => !p.includes(idp.issuer) && !p.includes('fonts.g') && !/ on \/interaction\//.test(p));
  assert.deepEqual(ours, []);
});
