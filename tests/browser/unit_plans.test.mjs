// The reorganisation page of the administration (docs/units.md): the root's
// administrator writes a plan, sees its preview (the units it creates and ends,
// the open dossiers and users of each) and applies it; the plan, the units and
// the dossier it moved read back the same through the API. An administrator of
// a district is not offered the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertLabelled, PASSWORD } from './browser.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
let world;

before(async () => {
  world = await startWorld({ dossiers: 0 });
});

after(async () => {
  if (world) await world.stop();
});

test('the root administrator previews and applies a plan; a district administrator has no such tab', async () => {
  for (const [code, name] of [['000.01.97.H56', 'UBND xã Đông'], ['000.02.97.H56', 'UBND xã Tây']]) {
    await world.api('POST', '/api/v1/units', { as: 'admin', body: { code, name, level: 'commune', parent: PROVINCE_UNIT } });
  }
  await world.api('POST', '/api/v1/procedures', { as: 'admin', body: { code: '1.997001', name: 'Chứng thực thử',
    field: 'Chứng thực', levels: 'commune', duration_hours: 16 } });
  await world.api('POST', '/api/v1/users', { as: 'admin', body: { username: 'motcua.dong', password: PASSWORD,
    full_name: 'Cán Bộ Đông', role: 'desk', unit: '000.01.97.H56' } });
  const filed = await world.api('POST', '/api/v1/dossiers', { as: 'motcua.dong', body: { procedure_code: '1.997001',
    channel: 'direct', unit: '000.01.97.H56', applicant: { name: 'Phạm Văn Em', id_number: '038090007777' } } });
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  const plan = { name: 'Hợp nhất Đông Tây', effective: today, operations: [{ kind: 'merge',
    from: ['000.01.97.H56', '000.02.97.H56'], into: { code: '000.25.997.H56', name: 'UBND xã Đông Tây', level: 'commune',
      parent: PROVINCE_UNIT } }] };

  const admin = await world.actor('admin');
  const { page } = admin;
  await page.waitForURL('**/quan-tri');
  await page.getByTestId('admin-tab-plans').click();
  await page.getByTestId('plan-body').fill('{ không phải JSON');
  await page.getByTestId('plan-preview').click();
  await page.getByTestId('plan-error').waitFor();
  await page.getByTestId('plan-body').fill(JSON.stringify(plan, null, 2));
  await page.getByTestId('plan-preview').click();
  await page.waitForSelector('[data-testid=plan-end-row]');
  const ends = await page.getByTestId('plan-end-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  assert.deepEqual(ends.sort(), ['000.01.97.H56', '000.02.97.H56']);
  assert.equal(await page.getByTestId('plan-create-row').count(), 1);
  const stored = (await world.api('GET', '/api/v1/unit-plans', { as: 'admin' })).items;
  assert.equal(stored.length, 1);
  assert.equal(stored[0].status, 'draft');
  assert.match(await page.getByTestId('plan-totals').innerText(), /1 hồ sơ/);
  await assertLabelled(page, 'the reorganisation page');
  await checkPage(admin, 'admin-plans');
  page.once('dialog', (d) => d.accept());
  await page.getByTestId('plan-apply').click();
  await page.getByTestId('plan-applied').waitFor();
  const after = (await world.api('GET', `/api/v1/unit-plans/${stored[0].id}`, { as: 'admin' }));
  assert.equal(after.status, 'applied');
  assert.equal(after.applied.moved_dossiers, 1);
  const d = await world.api('GET', `/api/v1/dossiers/${filed.code}`, { as: 'admin' });
  assert.equal(d.current_unit.code, '000.25.997.H56');
  admin.assertClean('on the reorganisation page');

  await world.api('POST', '/api/v1/users', { as: 'admin', body: { username: 'quantri.qx2', password: PASSWORD,
    full_name: 'Quản Trị Huyện', role: 'admin', unit: '000.00.33.H56' } });
  const qx = await world.actor('quantri.qx2');
  await qx.page.waitForURL('**/quan-tri');
  await qx.page.waitForSelector('[data-testid=unit-row]');
  assert.equal(await qx.page.getByTestId('admin-tab-plans').count(), 0, 'no plans tab outside the root');
  qx.assertClean('a district administrator');
});
