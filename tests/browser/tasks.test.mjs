// Tasks in the browser (docs/tasks.md): the province's leader assigns a task to Quảng Xương
// with the Department of Natural Resources cooperating; the district's specialist starts it,
// reports and asks for more time; the department reports its part and can do nothing else;
// the leader grants the time, the district reports it done, the leader confirms; the board
// shows the demo's 2017 figures. Every page is checked at 1280 and 360 px; pictures under build/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, PASSWORD } from './browser.mjs';

const PROVINCE = '000.00.00.H56';
const DISTRICT = '000.00.33.H56';
const DEPARTMENT = '000.00.10.H56';
let world;

// A local day (UTC+7) some days from now, "YYYY-MM-DD".
const day = (n) => new Date(Date.now() + 7 * 3600000 + n * 86400000).toISOString().slice(0, 10);

before(async () => {
  world = await startWorld({ dossiers: 5 });
  await world.api('POST', '/api/v1/users', { as: 'admin', body: { username: 'lanhdao.tinh', password: PASSWORD,
    full_name: 'Nguyễn Đình Xứng', role: 'leader', unit: PROVINCE } });
});

after(async () => { if (world) await world.stop(); });

async function step(actor, id, action, fill = {}) {
  const { page } = actor;
  await actor.goto(`/nhiem-vu/${id}`);
  await page.getByTestId('task-act-' + action).click();
  if (fill.note !== undefined) await page.getByTestId('task-note-input').fill(fill.note);
  if (fill.percent !== undefined) await page.getByTestId('task-percent').fill(String(fill.percent));
  if (fill.due !== undefined) await page.getByTestId('task-new-due').fill(fill.due);
  if (Object.keys(fill).length || ['report', 'propose_done', 'grant_extension', 'request_extension'].includes(action)) {
    await page.getByTestId('task-act-go').click();
  }
  await page.waitForSelector(`[data-testid=task-event][data-action=${action}]`);
}

test('the leader assigns, the unit in charge works and asks for time, the cooperating unit reports, the leader confirms', async () => {
  // The leader of the province: a new task from a directive.
  const leader = await world.actor('lanhdao.tinh');
  const { page } = leader;
  await leader.goto('/nhiem-vu');
  await page.getByTestId('task-new').click();
  await page.waitForURL(/\/nhiem-vu\/giao$/);
  await page.getByTestId('task-directive').fill('Chỉ thị số 08/CT-UBND về đẩy mạnh cải cách hành chính');
  await page.getByTestId('task-title').fill('Rà soát thủ tục hành chính cấp huyện');
  await page.getByTestId('task-product').fill('Báo cáo');
  await page.getByTestId('task-unit').fill(DISTRICT);
  await page.getByTestId('task-cooperating').fill(DEPARTMENT);
  await page.getByTestId('task-due').fill(day(30));
  await checkPage(leader, 'tasks-assign');
  await page.getByTestId('task-save').click();
  await page.waitForURL(/\/nhiem-vu\/\d+$/);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await page.getByTestId('task-state').getAttribute('data-state'), 'assigned');
  assert.equal((await page.getByTestId('task-state').textContent()).trim(), 'Chưa thực hiện');
  assert.equal(await page.getByTestId('task-act-confirm').count(), 0, 'nothing to confirm yet');
  assert.equal(await page.getByTestId('task-act-cancel').count(), 1, 'the assigner may cancel');
  leader.assertClean('assigning');

  // The unit in charge: in its list, started, reported, more time asked for.
  const unit = await world.actor('chuyenvien');
  await unit.goto('/nhiem-vu?relation=in_charge');
  const row = unit.page.locator(`[data-testid=task-row][data-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'assigned');
  await step(unit, id, 'start');
  await step(unit, id, 'report', { note: 'Đã rà soát 40 thủ tục', percent: 40 });
  assert.equal((await unit.page.getByTestId('task-progress').textContent()).trim(), '40%');
  await step(unit, id, 'request_extension', { note: 'Chờ số liệu của các xã', due: day(45) });
  assert.equal(await unit.page.getByTestId('task-state').getAttribute('data-state'), 'extension_requested');
  assert.equal(await unit.page.getByTestId('task-act-confirm').count(), 0, 'the unit does not confirm itself');
  await checkPage(unit, 'tasks-in-charge', { show: '[data-testid=task-events]' });
  unit.assertClean('working on the task');

  // The cooperating department: sees it among the tasks it cooperates on, reports its part only.
  const coop = await world.actor('chuyenvien.stnmt');
  await coop.goto('/nhiem-vu?relation=cooperating');
  await coop.page.locator(`[data-testid=task-row][data-id="${id}"]`).getByTestId('task-link').click();
  await coop.page.waitForURL(new RegExp(`/nhiem-vu/${id}$`));
  // the task's steps drawn (the page asks for the task after the address changes)
  await coop.page.getByTestId('task-act-report').waitFor();
  const buttons = await coop.page.getByTestId('task-actions').locator('button').evaluateAll((b) => b.map((x) => x.dataset.testid));
  assert.deepEqual(buttons, ['task-act-report']);
  await step(coop, id, 'report', { note: 'Sở đã cung cấp số liệu đất đai', percent: 100 });
  assert.equal((await coop.page.getByTestId('task-progress').textContent()).trim(), '40%', 'the unit in charge sets the progress');
  await checkPage(coop, 'tasks-cooperating');
  coop.assertClean('cooperating');

  // The leader grants the time; the unit reports it done; the leader confirms.
  await step(leader, id, 'grant_extension');
  assert.match((await leader.page.getByTestId('task-due-text').textContent()), /gia hạn từ/);
  await step(unit, id, 'propose_done', { note: 'Đã hoàn thành, gửi kèm báo cáo' });
  await step(leader, id, 'confirm');
  assert.equal(await leader.page.getByTestId('task-state').getAttribute('data-state'), 'done');
  assert.equal((await leader.page.getByTestId('task-state').textContent()).trim(), 'Đã hoàn thành - đúng hạn');
  const api = await world.api('GET', `/api/v1/tasks/${id}`, { as: 'lanhdao.tinh' });
  assert.deepEqual(api.events.map((e) => e.action),
    ['assign', 'start', 'report', 'request_extension', 'report', 'grant_extension', 'propose_done', 'confirm']);
  leader.assertClean('deciding');
});

test('the board: the demo\'s overdue tasks and the figures of 2017', async () => {
  const leader = await world.actor('lanhdao.tinh');
  await leader.goto('/nhiem-vu?timing=overdue');
  await leader.page.getByTestId('task-row').first().waitFor();
  const timings = await leader.page.getByTestId('task-row').evaluateAll((r) => r.map((x) => x.dataset.timing));
  assert.ok(timings.length > 0 && timings.every((x) => x === 'overdue'), timings.join());
  assert.equal(await leader.page.getByTestId('task-stats-pdf').count(), 1, 'the figures can be printed');
  await checkPage(leader, 'tasks-board');
  const stats = await world.api('GET', `/api/v1/tasks/stats?from=2017-01-01&to=2017-12-31`, { as: 'lanhdao.tinh' });
  assert.ok(stats.done_late > 0 && stats.in_progress_overdue > 0);
  leader.assertClean('the board');
});

test('a long history: the newest 100 steps at once, the earlier ones on asking', async () => {
  const task = await world.api('POST', '/api/v1/tasks', { as: 'lanhdao.tinh', body: {
    directive: 'Kết luận số 12/TB-UBND về theo dõi tiến độ hằng tuần', title: 'Báo cáo tiến độ giải ngân',
    product: 'Báo cáo', unit: DISTRICT, due_in_working_days: 20 } });
  for (let i = 1; i <= 104; i++) {
    await world.api('POST', `/api/v1/tasks/${task.id}/actions`, { as: 'chuyenvien',
      body: { action: 'report', note: `Báo cáo tuần thứ ${i}`, percent: i % 101 } });
  }
  const leader = await world.actor('lanhdao.tinh');
  const { page } = leader;
  await leader.goto(`/nhiem-vu/${task.id}`);
  const steps = page.getByTestId('task-event');
  await steps.first().waitFor();
  assert.equal(await steps.count(), 100, 'the newest 100');
  assert.equal((await steps.first().textContent()).includes('Báo cáo tuần thứ 5'), true);
  await page.getByTestId('task-events-older').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=task-event]').length === 105);
  assert.equal(await steps.first().getAttribute('data-action'), 'assign', 'the assignment comes first');
  assert.ok((await steps.nth(1).textContent()).includes('Báo cáo tuần thứ 1'));
  assert.equal(await page.getByTestId('task-events-older').isHidden(), true, 'nothing older is left');
  leader.assertClean('a long history');
});
