// Issue 15, in Vietnamese: every error a person can meet is said in the interface's
// language beside the field it concerns, never with the server's English detail; forms
// check as one types and show every error at once (aria-invalid, aria-describedby), phone
// and identity numbers included; a refusal reads as a refusal; the dossier code is found
// however it is typed; officers land on their work. Each test runs at 1280 and at 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertLabelled, assertNoHScroll, DESKTOP, PHONE, PASSWORD } from './browser.mjs';
import { districtProcedure, APPLICANT } from '../api/helpers.mjs';
import vi from '../../web/i18n/vi.js';
import en from '../../web/i18n/en.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browser.mjs';

const WIDTHS = [['desktop', DESKTOP], ['phone', PHONE]];
const DISTRICT = '000.00.33.H56';

/** Pictures of the page at both widths (once, in the desktop run); at 360 px its checks only. */
async function look(actor, name, size, opts) {
  if (size === 'desktop') return checkPage(actor, name, opts);
  await assertLabelled(actor.page, name);
  await assertNoHScroll(actor.page, name);
}

let world;

before(async () => {
  world = await startWorld();
});

after(async () => {
  if (world) await world.stop();
});

// Words that are English and not Vietnamese: none may show in the Vietnamese interface.
const ENGLISH = /\b(the|is|must|required|wrong|username|password|characters|least|before|officer|attempts?|failed|seconds|again|period|invalid|missing|field|found|allowed|exists|already|not|try|sign-ins?|address)\b/i;

/** Watches a page's problem replies (their English detail and title must never show). */
function watchProblems(actor) {
  const seen = [];
  actor.page.on('response', async (r) => {
    if (!(r.headers()['content-type'] || '').startsWith('application/problem+json')) return;
    try { seen.push(await r.json()); } catch { /* a page left */ }
  });
  return seen;
}

/** The visible page is Vietnamese: no English word, none of the server's details or titles. */
async function assertVietnamese(page, problems, what) {
  const text = await page.evaluate(() => document.body.innerText);
  const m = text.match(ENGLISH);
  assert.equal(m, null, `${what}: English "${m && m[0]}" in the page:\n${text}`);
  for (const p of problems) {
    for (const s of [p.detail, p.title].filter(Boolean)) assert.ok(!text.includes(s), `${what}: the server's "${s}" shows`);
  }
}

/** The error shown beside a field: the input is aria-invalid and described by the message. */
async function fieldError(page, testid) {
  const input = page.getByTestId(testid);
  await page.waitForSelector(`[data-testid=${testid}][aria-invalid=true]`);
  const error = page.getByTestId(testid + '-error');
  assert.ok(await error.isVisible(), `${testid}: the message shows`);
  const ids = (await input.getAttribute('aria-describedby')).split(/\s+/);
  assert.ok(ids.includes(await error.getAttribute('id')), `${testid}: described by its message`);
  return (await error.textContent()).trim();
}

test('every problem type of the server and every key has its words in both languages', () => {
  const registry = readFileSync(join(ROOT, 'src', 'http', 'problem.c'), 'utf8');
  const slugs = [...registry.matchAll(/\[MC_PROB_[A-Z_]+\] = \{"([a-z0-9-]+)"/g)].map((m) => m[1]);
  assert.ok(slugs.length > 30);
  for (const s of [...slugs, 'network', 'unknown']) {
    assert.ok(vi['problem.' + s], `vi lacks problem.${s}`);
    assert.ok(en['problem.' + s], `en lacks problem.${s}`);
    assert.doesNotMatch(vi['problem.' + s], ENGLISH, `problem.${s} in Vietnamese`);
  }
  for (const rule of ['required', 'type', 'text', 'characters', 'too-short', 'too-long', 'range', 'too-many', 'format', 'choice',
    'unknown', 'inactive', 'order', 'wrong', 'same', 'self']) assert.ok(vi['rule.' + rule] && en['rule.' + rule], rule);
  assert.deepEqual(Object.keys(en).filter((k) => !(k in vi)), [], 'every English key is a Vietnamese one');
  assert.deepEqual(Object.keys(vi).filter((k) => !(k in en)), [], 'every Vietnamese key has its English');
});

for (const [size, viewport] of WIDTHS) {
  test(`${size}: wrong passwords and the lock-out that follows are said in Vietnamese, with the wait`, async () => {
    const username = `khoa.${size}`;
    await world.api('POST', '/api/v1/citizens', { body: { username, password: 'mat-khau-dung-1', full_name: 'Trần Văn Khóa' }, status: 202 });
    const visitor = await world.actor(null, { viewport });
    visitor.allow(401, /^POST \/api\/v1\/session$/);
    visitor.allow(429, /^POST \/api\/v1\/session$/);
    const problems = watchProblems(visitor);
    const { page } = visitor;
    await visitor.goto('/dang-nhap');
    // nothing typed: both fields marked at once
    await page.getByTestId('login-submit').click();
    assert.match(await fieldError(page, 'login-username'), /Tên đăng nhập/);
    assert.match(await fieldError(page, 'login-password'), /Mật khẩu/);
    for (let i = 0; i < 5; i++) {
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(`sai-${i}`);
      const reply = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
      await page.getByTestId('login-submit').click();
      assert.equal((await reply).status(), 401);
      await page.getByTestId('login-error').filter({ hasText: vi['problem.bad-credentials'] }).waitFor();
    }
    await assertVietnamese(page, problems, 'a wrong password');
    assert.equal((await page.getByTestId('login-error').textContent()).trim(), vi['problem.bad-credentials']);
    await page.getByTestId('login-password').fill('mat-khau-dung-1');
    const locked = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
    await page.getByTestId('login-submit').click();
    const res = await locked;
    assert.equal(res.status(), 429);
    const wait = Math.ceil(Number(res.headers()['retry-after']) / 60);
    const text = vi['problem.too-many-attempts.wait'].replace('{wait}', `${wait} phút`);
    await page.getByTestId('login-error').filter({ hasText: text }).waitFor();
    await assertVietnamese(page, problems, 'the lock-out');
    assert.ok(problems.some((p) => p.detail && /try again in \d+ seconds/.test(p.detail)), 'the server did send its English detail');
    await look(visitor, 'signin-locked', size);
    visitor.assertClean('being locked out');
  });

  test(`${size}: signing up checks as one types, shows every error at once beside its field, in Vietnamese`, async () => {
    const visitor = await world.actor(null, { viewport });
    const problems = watchProblems(visitor);
    const { page } = visitor;
    await visitor.goto('/dang-ky');
    await page.getByTestId('signup-full-name').fill('Phạm Thị Số');
    await page.getByTestId('signup-username').fill(`so.${size}`);
    await page.getByTestId('signup-password').fill('mat-khau-rat-dai-3');
    await page.getByTestId('signup-password2').fill('mat-khau-rat-dai-3');
    // as one types: a phone of letters is marked when the field is left, and cleared when right
    await page.getByTestId('signup-phone').fill('abc');
    await page.getByTestId('signup-email').focus();
    assert.equal(await fieldError(page, 'signup-phone'), vi['rule.format.phone']);
    await page.getByTestId('signup-phone').fill('0912 345 678');
    await page.waitForSelector('[data-testid=signup-phone]:not([aria-invalid])');
    // every error at once
    await page.getByTestId('signup-id-number').fill('12345');
    await page.getByTestId('signup-phone').fill('091234');
    await page.getByTestId('signup-email').fill('khong-co-a-cong');
    await page.getByTestId('signup-submit').click();
    assert.equal(await fieldError(page, 'signup-id-number'), vi['rule.format.id_number']);
    assert.equal(await fieldError(page, 'signup-phone'), vi['rule.format.phone']);
    assert.equal(await fieldError(page, 'signup-email'), vi['rule.format.email']);
    assert.equal(await page.locator('[aria-invalid=true]').count(), 3);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-testid')), 'signup-id-number', 'the first is focused');
    assert.equal((await page.getByTestId('signup-error').textContent()).trim(), vi['form.fixMarked']);
    await assertVietnamese(page, problems, 'signing up');
    await look(visitor, 'signup-errors', size, { show: '[data-testid=signup-id-number]' });
    // what the server says of the same (and of every error path people met) reaches them in
    // Vietnamese: the page's own words for each problem, not the server's detail
    const said = await page.evaluate(async () => {
      const { ApiError, errorText } = await import('/js/lib.js');
      const ask = async (path, init) => {
        const r = await fetch(path, { credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, ...init });
        const body = await r.json();
        return { detail: body.detail, text: errorText(new ApiError(r.status, body)) };
      };
      const body = (extra) => JSON.stringify({ username: 'ai.do', password: 'mat-khau-rat-dai-4', full_name: 'Ai Đó', ...extra });
      return [
        await ask('/api/v1/citizens', { method: 'POST', body: body({ id_number: '12345' }) }),
        await ask('/api/v1/citizens', { method: 'POST', body: body({ email: 'khong-co-a-cong' }) }),
        await ask('/api/v1/citizens', { method: 'POST', body: body({ phone: 'abc' }) }),
        await ask('/api/v1/session', { method: 'POST', body: JSON.stringify({ username: 'ai.do', password: 'sai' }) }),
      ];
    });
    assert.deepEqual(said.map((x) => x.text), [vi['rule.format.id_number'], vi['rule.format.email'], vi['rule.format.phone'],
      vi['problem.bad-credentials']]);
    for (const x of said) assert.doesNotMatch(x.text, ENGLISH, x.detail);
  });

  test(`${size}: the hand-over, the administrator's unit and the dashboard's period: errors in Vietnamese beside their fields`, async () => {
    // the dashboard: a period that ends before it starts, typed or in the address
    const leader = await world.actor('lanhdao', { viewport });
    leader.allow(400, /^GET \/api\/v1\/(stats|ratings\/summary)/);
    const lp = watchProblems(leader);
    await leader.goto('/lanh-dao');
    await leader.page.getByTestId('dash-from').fill('2017-07-01');
    await leader.page.getByTestId('dash-to').fill('2017-01-01');
    await leader.page.getByTestId('dash-apply').click();
    assert.equal(await fieldError(leader.page, 'dash-to'), vi['rule.order.to']);
    await assertVietnamese(leader.page, lp, 'the dashboard, typed');
    await leader.goto(`/lanh-dao?unit=${DISTRICT}&from=2017-07-01&to=2017-01-01`);
    assert.equal(await fieldError(leader.page, 'dash-to'), vi['rule.order.to']);
    assert.ok(lp.some((p) => p.field === 'to' && p.rule === 'order'), 'the server refused the period, naming the field');
    await assertVietnamese(leader.page, lp, 'the dashboard, from the address');
    leader.assertClean('a bad period');

    // the administrator's new unit without a code; what the server says of it
    const admin = await world.actor('admin', { viewport });
    admin.allow(422, /^POST \/api\/v1\/units$/);
    const ap = watchProblems(admin);
    await admin.page.waitForURL('**/quan-tri');
    await admin.page.getByTestId('new-unit-toggle').click();
    await admin.page.getByTestId('new-unit-name').fill('UBND xã Thử Nghiệm');
    await admin.page.getByTestId('new-unit-submit').click();
    assert.equal(await fieldError(admin.page, 'new-unit-code'), vi['check.required'].replace('{field}', vi['admin.code']));
    await assertVietnamese(admin.page, ap, 'a unit without a code');
    const server = await admin.page.evaluate(async (district) => {
      const { ApiError, errorText } = await import('/js/lib.js');
      const r = await fetch('/api/v1/units', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'UBND xã Thử Nghiệm', level: 'commune', parent: district }) });
      const body = await r.json();
      return { body, text: errorText(new ApiError(r.status, body)) };
    }, DISTRICT);
    assert.deepEqual([server.body.field, server.body.rule], ['code', 'required']);
    assert.equal(server.text, vi['rule.required'].replace('{field}', vi['field.code']));

    // the hand-over to a login name nobody has (sent as before, by hand): in Vietnamese
    const d = await world.api('POST', '/api/v1/dossiers', { as: 'tiepnhan', body: { procedure_code: districtProcedure().code,
      channel: 'direct', applicant: APPLICANT } });
    const desk = await world.actor('tiepnhan', { viewport });
    desk.allow(422, /^POST \/api\/v1\/dossiers\/[^/]+\/actions$/);
    const dp = watchProblems(desk);
    await desk.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
    await desk.page.getByTestId('action-assign').click();
    await desk.page.getByTestId('action-handler-none').waitFor();
    await desk.page.route('**/actions', (route) => route.continue({ postData: JSON.stringify({ action: 'assign', handler: 'nobody' }) }));
    await desk.page.getByTestId('action-submit').click();
    const box = desk.page.locator('[data-testid=action-form-error]:not([hidden])');
    await box.waitFor();
    assert.equal((await box.textContent()).trim(), vi['rule.unknown.handler']);
    assert.ok(dp.some((p) => p.detail === 'handler: no officer has username nobody'), 'the server said it in English');
    await assertVietnamese(desk.page, dp, 'a hand-over to nobody');
    desk.assertClean('a hand-over to nobody');
    admin.assertClean('a unit without a code');
  });

  test(`${size}: the hand-over is chosen from the unit's officers, each with the dossiers in hand`, async () => {
    const d = await world.api('POST', '/api/v1/dossiers', { as: 'tiepnhan', body: { procedure_code: districtProcedure().code,
      channel: 'direct', applicant: APPLICANT } });
    const desk = await world.actor('tiepnhan', { viewport });
    const { page } = desk;
    await desk.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
    await page.getByTestId('action-assign').click();
    await page.getByTestId('action-handler-chuyenvien').waitFor();
    const officers = (await world.api('GET', `/api/v1/units/${DISTRICT}/officers`, { as: 'tiepnhan' })).items;
    const shown = await page.locator('[data-testid=action-handler-list] input[type=radio]').evaluateAll((els) =>
      els.map((e) => [e.value, e.getAttribute('data-open')]));
    assert.deepEqual(shown, [['', null], ...officers.map((o) => [o.username, String(o.open_dossiers)])], 'nobody, then each officer with its load');
    const label = await page.locator('label[for]', { has: page.locator('.officer-load') }).filter({ hasText: 'Lê Văn Thắng' }).textContent();
    const cv = officers.find((o) => o.username === 'chuyenvien');
    assert.match(label, new RegExp(`Lê Văn Thắng.*Chuyên viên.*${cv.open_dossiers} hồ sơ đang xử lý`));
    await page.getByTestId('action-handler-chuyenvien').check();
    await look(desk, 'handover', size, { show: '[data-testid=action-form]' });
    await page.getByTestId('action-submit').click();
    await page.waitForSelector('[data-testid=action-message]:not([hidden])');
    const mine = await world.api('GET', `/api/v1/dossiers?mine=true&state=processing&limit=200`, { as: 'chuyenvien' });
    assert.ok(mine.items.some((x) => x.code === d.code), 'handed to the specialist');
    const after = (await world.api('GET', `/api/v1/units/${DISTRICT}/officers`, { as: 'tiepnhan' })).items;
    assert.equal(after.find((o) => o.username === 'chuyenvien').open_dossiers, cv.open_dossiers + 1);
    desk.assertClean('handing over');
  });

  test(`${size}: refusing a dossier reads as a refusal, and its reasons are required, said beside the note`, async () => {
    const d = await world.api('POST', '/api/v1/dossiers', { as: 'tiepnhan', body: { procedure_code: districtProcedure().code,
      channel: 'direct', applicant: APPLICANT } });
    await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'assign' } });
    const leader = await world.actor('lanhdao', { viewport });
    const { page } = leader;
    await leader.goto(`/can-bo/ho-so/${encodeURIComponent(d.code)}`);
    await page.getByTestId('action-resolve').click();
    const submit = page.getByTestId('action-submit');
    assert.equal((await submit.textContent()).trim(), vi['act.confirmApprove']);
    assert.equal(await page.getByTestId('action-note').getAttribute('required'), null);
    await page.getByTestId('action-outcome-refused').check();
    assert.equal((await submit.textContent()).trim(), vi['act.confirmRefuse']);
    assert.doesNotMatch(await submit.textContent(), /Phê duyệt|chấp thuận/i, 'a refusal does not read as approving');
    assert.equal(await submit.getAttribute('data-outcome'), 'refused');
    const label = await page.locator('label[for]').filter({ has: page.locator('.req') }).filter({ hasText: vi['act.refusalReasons'] });
    assert.equal(await label.count(), 1, 'the reasons are marked required');
    const noteLabel = await page.locator(`label[for="${await page.getByTestId('action-note').getAttribute('id')}"]`).textContent();
    assert.equal(noteLabel, vi['act.refusalReasons'] + ' *', 'the note is not said to be optional');
    await submit.click();
    assert.equal(await fieldError(page, 'action-note'), vi['act.refusalNote']);
    await look(leader, 'refuse', size, { show: '[data-testid=action-form]' });
    await page.getByTestId('action-note').fill('Hồ sơ không đủ điều kiện theo quy định.');
    await submit.click();
    await page.waitForSelector('[data-testid=dossier-state][data-state=resolved]');
    const after = await world.api('GET', `/api/v1/dossiers/${d.code}`, { as: 'lanhdao' });
    assert.equal(after.outcome, 'refused');
    assert.equal(await page.getByTestId('dossier-outcome').textContent(), vi['outcome.refused']);
    leader.assertClean('refusing');
  });

  test(`${size}: a dossier code is found in lower case and with spaces; the hint says where it is printed`, async () => {
    const d = await world.api('POST', '/api/v1/dossiers', { as: 'tiepnhan', body: { procedure_code: districtProcedure().code,
      channel: 'direct', applicant: APPLICANT } });
    const visitor = await world.actor(null, { viewport });
    const { page } = visitor;
    await visitor.goto('/tra-cuu');
    assert.equal((await page.getByTestId('lookup-hint').textContent()).trim(), vi['lookup.hint']);
    assert.match(vi['lookup.hint'], /Giấy tiếp nhận hồ sơ và hẹn trả kết quả/);
    assert.doesNotMatch(vi['lookup.hint'], /yymmdd/);
    const typed = ` ${d.code.toLowerCase().replace(/-/g, ' - ')} `;
    await page.getByTestId('lookup-input').fill(typed);
    await page.getByTestId('lookup-submit').click();
    await page.waitForSelector('[data-testid=lookup-result]');
    assert.equal(await page.getByTestId('lookup-code').textContent(), d.code);
    await look(visitor, 'lookup-typed', size);
    visitor.assertClean('looking a code up as typed');
  });
}

test('a sign-in sent back to another host ("/\\host", "/<tab>/host") lands on the person\'s own page instead', async () => {
  for (const next of ['/\\example.com/x', '/\t/example.com/x', '//example.com/x']) {
    const citizen = await world.actor();
    const { page } = citizen;
    await citizen.goto('/dang-nhap?next=' + encodeURIComponent(next));
    await page.getByTestId('login-username').fill('congdan');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/ho-so-cua-toi');
    assert.equal(new URL(page.url()).origin, world.base, JSON.stringify(next));
    await page.getByTestId('mine-filter').waitFor(); // the citizen's page drawn, the sign-in form gone
    assert.equal(await page.getByTestId('login-error').count(), 0, `no error after ${JSON.stringify(next)}`);
    citizen.assertClean(JSON.stringify(next));
    await citizen.context.close();
  }
  // a path of the site is kept, with its query
  const back = await world.actor();
  await back.goto('/dang-nhap?next=' + encodeURIComponent('/ho-so-cua-toi?trang=1'));
  await back.page.getByTestId('login-username').fill('congdan');
  await back.page.getByTestId('login-password').fill(PASSWORD);
  await back.page.getByTestId('login-submit').click();
  await back.page.waitForURL('**/ho-so-cua-toi?trang=1');
  back.assertClean('next kept');
});

test('an officer who signs in lands on the work queue, even when sent to sign in from a public page', async () => {
  for (const [size, viewport] of WIDTHS) {
    const specialist = await world.actor(null, { viewport });
    const { page } = specialist;
    await specialist.goto('/dang-nhap?next=%2F');
    await page.getByTestId('login-username').fill('chuyenvien');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/can-bo/ho-so');
    await page.waitForSelector('[data-testid=queue-total]');
    const desk = await world.actor(null, { viewport });
    await desk.goto('/dang-nhap?next=%2Ftra-cuu');
    await desk.page.getByTestId('login-username').fill('tiepnhan');
    await desk.page.getByTestId('login-password').fill(PASSWORD);
    await desk.page.getByTestId('login-submit').click();
    await desk.page.waitForURL('**/can-bo');
    await desk.page.getByTestId('desk-tab-online').waitFor();
    specialist.assertClean(size);
    desk.assertClean(size);
  }
});
