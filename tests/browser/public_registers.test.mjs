// What the province publishes (the public register of results by unit and
// month, the apologies issued) and the satisfaction survey on the leader's
// dashboard, in the browser, against the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage } from './browser.mjs';
import { districtProcedure } from '../api/helpers.mjs';

const DISTRICT = '000.00.33.H56';
let world;

before(async () => { world = await startWorld({ dossiers: 200 }); });
after(async () => { if (world) await world.stop(); });

test('the public register of results shows every unit\'s resolved and on-time dossiers of the year', async () => {
  const visitor = await world.actor(null);
  await visitor.goto('/cong-khai?year=2017');
  await visitor.page.getByTestId('results-table').waitFor();
  const api = await world.api('GET', '/api/v1/public/results?year=2017');
  const expected = api.units.filter((u) => u.months.some((m) => m.resolved > 0));
  const rows = visitor.page.getByTestId('results-row');
  assert.equal(await rows.count(), expected.length);
  for (const u of expected) {
    const row = visitor.page.locator(`[data-testid=results-row][data-unit="${u.unit.code}"]`);
    assert.equal(Number(await row.getAttribute('data-resolved')), u.months.reduce((a, m) => a + m.resolved, 0));
    assert.equal(Number(await row.getAttribute('data-on-time')), u.months.reduce((a, m) => a + m.on_time, 0));
  }
  await checkPage(visitor, 'public-register');
});

test('an issued apology appears in the public register with the applicant masked', async () => {
  const d = await world.api('POST', '/api/v1/dossiers', { as: 'tiepnhan', body: {
    procedure_code: districtProcedure().code, channel: 'direct', applicant: { name: 'Đỗ Thị Hằng' } } });
  const prepared = await world.api('POST', `/api/v1/dossiers/${d.code}/apologies`, { as: 'tiepnhan',
    body: { reason: 'Chờ xác minh thông tin đất đai' } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/apologies/${prepared.id}/issue`, { as: 'lanhdao' });
  const visitor = await world.actor(null);
  await visitor.goto(`/cong-khai?year=${new Date().getFullYear()}`);
  const row = visitor.page.locator(`[data-testid=apology-row][data-code="${d.code}"]`);
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /Chờ xác minh thông tin đất đai/);
  assert.match(text, /Đ\* T\*\* H\*\*\*/, 'the name masked');
  assert.ok(!text.includes('Đỗ Thị Hằng'));
});

test('the dashboard shows the satisfaction survey of the period, as the ratings summary', async () => {
  // A dossier returned and rated today, then the leader's dashboard for this year.
  const d = await world.api('POST', '/api/v1/dossiers', { as: 'congdan', body: {
    procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT, applicant: { name: 'Lê Thị Hồng Nhung' } } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'receive' } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'assign' } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'lanhdao', body: { action: 'resolve', outcome: 'approved' } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/actions`, { as: 'tiepnhan', body: { action: 'return' } });
  await world.api('POST', `/api/v1/dossiers/${d.code}/rating`, { as: 'congdan', body: {
    criteria: { total_time: 2, agency_time: 2, contacts: 2, agencies: 2, reception: 2, transparency: 2, attitude: 1 }, overall: 'satisfied' } });
  const leader = await world.actor('lanhdao');
  const year = new Date().getFullYear();
  await leader.goto(`/lanh-dao?unit=${DISTRICT}&from=${year}-01-01&to=${year}-12-31`);
  const index = leader.page.getByTestId('sat-index');
  await index.waitFor();
  const summary = await world.api('GET', `/api/v1/ratings/summary?unit=${DISTRICT}&from=${year}-01-01&to=${year + 1}-01-01`, { as: 'lanhdao' });
  assert.equal(Number(await leader.page.getByTestId('sat-count').getAttribute('data-value')), summary.count);
  assert.equal(Number(await index.getAttribute('data-value')), summary.satisfaction_index);
  assert.ok(await leader.page.getByTestId('dash-report-xlsx').isVisible());
  // the register (form 06) of the same unit and period opens as a PDF
  const href = await leader.page.getByTestId('dash-register-pdf').getAttribute('href');
  const pdf = await leader.page.request.get(new URL(href, leader.page.url()).href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
});
