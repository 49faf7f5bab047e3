// The reform index in the browser (docs/par-index.md): the public page of the 2016 results
// as report 6366/BC-UBND gives them, a unit's assessor scoring and submitting its 2017
// self-assessment, and the council appraising a unit. Pictures under build/ only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage } from './browser.mjs';

const DISTRICT = '000.00.33.H56'; // UBND huyện Quảng Xương
let world;
let fw2017;

before(async () => {
  world = await startWorld({ dossiers: 20 });
  const list = await world.api('GET', '/api/v1/par/frameworks?year=2017', { as: 'giamsat' });
  fw2017 = list.items.find((f) => f.group === 'district').id;
});

after(async () => { if (world) await world.stop(); });

test('the public sees the 2016 results: the named indices and the 18/38/1 rating', async () => {
  const visitor = await world.actor(null);
  const { page } = visitor;
  await visitor.goto('/chi-so-cchc?year=2016');
  await page.waitForSelector('[data-testid=par-count-total]');
  const total = page.getByTestId('par-count-total');
  assert.equal(await total.locator('[data-grade=xuat_sac]').textContent(), '18');
  assert.equal(await total.locator('[data-grade=tot]').textContent(), '38');
  assert.equal(await total.locator('[data-grade=hoan_thanh]').textContent(), '1');
  const district = page.locator('[data-testid=par-count-row][data-group=district]');
  assert.equal(await district.locator('[data-grade=xuat_sac]').textContent(), '6');
  assert.equal(await district.locator('[data-grade=tot]').textContent(), '21');
  const row = (code) => page.locator(`[data-testid=par-row][data-unit="${code}"] [data-testid=par-index]`);
  assert.equal(await row('000.00.05.H56').textContent(), '92 %');
  assert.equal(await row('000.00.30.H56').textContent(), '91,5 %');
  assert.equal(await row('000.00.35.H56').textContent(), '89,5 %');
  assert.match(await page.getByTestId('par-decision').textContent(), /436\/QĐ-UBND/);
  await checkPage(visitor, 'par-public');
  // A year without published results says so.
  await visitor.goto('/chi-so-cchc?year=2017');
  await page.waitForSelector('[data-testid=par-empty]');
  visitor.assertClean('public results');
});

test("a unit's assessor scores its 2017 criteria and submits", async () => {
  const leader = await world.actor('lanhdao');
  const { page } = leader;
  await leader.goto(`/can-bo/cchc?id=${fw2017}`);
  await page.waitForSelector('[data-testid=par-row]');
  assert.equal(await page.getByTestId('par-row').count(), 1, 'a unit sees its own row only');
  await page.getByTestId('par-unit-link').click();
  await page.waitForURL(new RegExp(`/can-bo/cchc/${fw2017}\\?unit=`));
  const crit = page.locator('[data-testid=par-criterion][data-code="1.1"]');
  await crit.getByTestId('par-self-points').fill('3,5');
  await crit.getByTestId('par-self-note').fill('Ban hành Kế hoạch CCHC năm 2017 đúng hạn');
  await crit.getByTestId('par-self-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=par-criterion][data-code="1.1"] [data-testid=par-self]')?.textContent === '3,5');
  // Points above the maximum are refused with a message, nothing changed.
  leader.allow(422, /^PUT \/api\/v1\/par\//);
  const crit2 = page.locator('[data-testid=par-criterion][data-code="1.2"]');
  await crit2.getByTestId('par-self-points').fill('9');
  await crit2.getByTestId('par-self-save').click();
  await page.getByTestId('par-error').waitFor({ state: 'visible' });
  await checkPage(leader, 'par-assessor', { show: '[data-testid=par-criteria]', block: 'start' });
  await page.getByTestId('par-submit').click();
  await page.waitForSelector('[data-testid=par-state][data-submitted=true]');
  assert.equal(await page.getByTestId('par-self-form').count(), 0, 'nothing to edit once submitted');
  leader.assertClean('self-assessment');
});

test('the council sees every unit and appraises one', async () => {
  const council = await world.actor('giamsat');
  const { page } = council;
  await council.goto(`/can-bo/cchc?id=${fw2017}`);
  await page.waitForSelector('[data-testid=par-row]');
  assert.equal(await page.getByTestId('par-row').count(), 27);
  // The table printed: the link opens the PDF with the council's session.
  const pdf = `/api/v1/par/frameworks/${fw2017}/results.pdf`;
  assert.equal(await page.getByTestId('par-pdf').getAttribute('href'), pdf);
  assert.equal(await page.evaluate(async (u) => (await fetch(u)).headers.get('content-type'), pdf), 'application/pdf');
  await checkPage(council, 'par-council');
  await council.goto(`/can-bo/cchc/${fw2017}?unit=${DISTRICT}`);
  const crit = page.locator('[data-testid=par-criterion][data-code="1.3"]');
  await crit.getByTestId('par-appraise-points').fill('3');
  await crit.getByTestId('par-appraise-note').fill('Đã kiểm tra 8/18 xã');
  await crit.getByTestId('par-appraise-save').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=par-criterion][data-code="1.3"] [data-testid=par-council]')?.textContent === '3');
  assert.ok(await page.locator('[data-testid=par-log-row][data-what=appraise]').count() >= 1);
  // A rating decision's line reads its grade, not the grade's code as points.
  await world.api('PUT', `/api/v1/par/frameworks/${fw2017}/units/${DISTRICT}/rating`, { as: 'giamsat',
    body: { decided: 'tot', reason: 'Quyết định xếp loại' }, status: 204 });
  await council.goto(`/can-bo/cchc/${fw2017}?unit=${DISTRICT}`);
  const rating = page.locator('[data-testid=par-log-row][data-what=rating]').last();
  await rating.waitFor();
  assert.match(await rating.textContent(), /: Hoàn thành tốt — Quyết định xếp loại$/);
  await world.api('PUT', `/api/v1/par/frameworks/${fw2017}/units/${DISTRICT}/rating`, { as: 'giamsat', body: {}, status: 204 });
  council.assertClean('appraisal');
});

test("a unit's long log: the newest 100 lines at once, the earlier ones on asking", async () => {
  const NGOC_LAC = '000.00.34.H56';
  for (let i = 1; i <= 104; i++) {
    await world.api('PUT', `/api/v1/par/frameworks/${fw2017}/units/${NGOC_LAC}/appraisal/1.3`, { as: 'giamsat',
      body: { points: i % 3, reason: `Thẩm định lần ${i}` } });
  }
  const sheet = await world.api('GET', `/api/v1/par/frameworks/${fw2017}/units/${NGOC_LAC}`, { as: 'giamsat' });
  assert.equal(sheet.log_more, true);
  let total = sheet.log.length;
  for (let before = sheet.log[0].id, more = true; more;) {
    const page = await world.api('GET', `/api/v1/par/frameworks/${fw2017}/units/${NGOC_LAC}/log?before=${before}&limit=500`,
      { as: 'giamsat' });
    total += page.log.length;
    before = page.log[0]?.id;
    more = page.more;
  }
  const council = await world.actor('giamsat');
  const { page } = council;
  await council.goto(`/can-bo/cchc/${fw2017}?unit=${NGOC_LAC}`);
  const rows = page.getByTestId('par-log-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 100, 'the newest 100');
  assert.ok((await rows.last().textContent()).endsWith('Thẩm định lần 104'));
  while (await page.getByTestId('par-log-older').isVisible()) {
    const n = await rows.count();
    await page.getByTestId('par-log-older').click();
    await page.waitForFunction((k) => document.querySelectorAll('[data-testid=par-log-row]').length > k, n);
  }
  assert.equal(await rows.count(), total, 'every line once');
  assert.ok((await rows.nth(total - 104).textContent()).endsWith('Thẩm định lần 1'), 'the older lines above the newer');
  council.assertClean('a long log');
});
