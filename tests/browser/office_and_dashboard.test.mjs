// The officers' side in the browser: a walk-in dossier at the desk (procedure search,
// applicant, checklist, channel; the due time shown before confirming is the created
// dossier's), the work queue against the API, the leader's dashboard for "6 tháng đầu 2017"
// against GET /api/v1/stats, and the administration pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage, assertLabelled, fmtDateTime, sameInstant, statValues, PASSWORD, sameMinute } from './browser.mjs';
import { districtProcedure } from '../api/helpers.mjs';
import vi from '../../web/i18n/vi.js';

const DISTRICT = '000.00.33.H56';
let world;

before(async () => {
  world = await startWorld();
});

after(async () => {
  if (world) await world.stop();
});

// "Đăng ký kết hôn" → "dang ky ket hon": what an officer types on a keyboard without Telex
function plain(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

test('a walk-in at the desk: procedure search, applicant, checklist; the due time shown before confirming is the dossier\'s', async () => {
  const desk = await world.actor('tiepnhan');
  const { page } = desk;
  await page.waitForURL('**/can-bo');
  const proc = await world.api('GET', `/api/v1/procedures/${districtProcedure().code}`);
  const words = plain(proc.name).split(/\s+/).slice(0, 4).join(' ');
  await page.getByTestId('desk-proc-search').pressSequentially(words);
  const option = page.locator(`[data-testid=desk-proc-option][data-code="${proc.code}"]`);
  await option.waitFor();
  const dueResponse = page.waitForResponse((r) => r.url().includes('/api/v1/calendar/due?'));
  await option.click();
  const previewReply = await dueResponse;
  const previewFrom = new URL(previewReply.url()).searchParams.get('from');
  await page.waitForSelector('[data-testid=desk-due][data-due]');
  const preview = await page.getByTestId('desk-due').getAttribute('data-due');
  assert.equal(await page.getByTestId('desk-due').textContent(), fmtDateTime(preview));
  assert.equal(await page.getByTestId('desk-doc').count(), proc.documents.length, 'the checklist lists every document');

  await page.getByTestId('desk-applicant-name').fill('Nguyễn Văn An');
  await page.getByTestId('desk-applicant-id').fill('038090001234');
  await page.getByTestId('desk-applicant-phone').fill('0912345678');
  await page.getByTestId('desk-applicant-address').fill('Thôn Đông, xã Quảng Ninh, huyện Quảng Xương');
  // the checklist: required documents come ticked; the first is brought as two originals
  const first = proc.documents[0];
  for (const d of proc.documents) assert.equal(await page.getByTestId(`desk-doc-${d.seq}`).isChecked(), !!d.required, d.name);
  await page.getByTestId(`desk-doc-originals-${first.seq}`).fill('2');
  const optional = proc.documents.find((d) => !d.required);
  if (optional) await page.getByTestId(`desk-doc-${optional.seq}`).check();
  await page.getByTestId('desk-channel-direct').check();
  await checkPage(desk, 'desk', { show: '[data-testid=desk-due]' });

  await page.getByTestId('desk-confirm').click();
  await page.waitForSelector('[data-testid=desk-result-code]');
  const code = (await page.getByTestId('desk-result-code').textContent()).trim();
  const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
  assert.equal(d.state, 'received');
  assert.equal(d.channel, 'direct');
  assert.equal(d.receiving_unit.code, DISTRICT);
  assert.equal(d.applicant.name, 'Nguyễn Văn An');
  assert.equal(d.applicant.phone, '0912345678');
  const expected = proc.documents.filter((x) => x.required || x === optional);
  assert.deepEqual(d.documents.map((x) => [x.name, x.originals, x.copies]),
    expected.map((x) => [x.name, x === first ? 2 : x.originals, x.copies]), 'the checklist as filed');
  sameInstant(await page.getByTestId('desk-result-due').getAttribute('data-due'), d.due_at, 'the receipt shows the due time');
  // The preview is asked for the minute (from=HH:MM); the dossier is counted from its
  // second of receipt, so within office hours its due time keeps those seconds: the two agree
  // to the minute, which is what the page and the receipt show.
  if (previewFrom === d.received_at.slice(0, 16)) {
    sameMinute(preview, d.due_at, 'the due time shown before confirming');
  } else {
    // the clock passed a minute between the preview and the confirmation: the preview was
    // for its own minute; the dossier's due time is the one the same rule gives for its own
    const q = new URLSearchParams({ from: d.received_at.slice(0, 16), hours: String(proc.duration_hours), unit: DISTRICT });
    if (proc.cutoff) q.set('cutoff', proc.cutoff);
    sameMinute((await world.api('GET', '/api/v1/calendar/due?' + q)).due, d.due_at, 'the due time of the minute it was received');
  }
  await checkPage(desk, 'desk-receipt');

  // the receipt (form 01) is a PDF
  const receipt = await page.request.get(world.base + (await page.getByTestId('desk-receipt').getAttribute('href')));
  assert.equal(receipt.status(), 200);
  assert.match(receipt.headers()['content-type'], /application\/pdf/);

  // the dossier page from the receipt
  await page.getByTestId('desk-result-link').click();
  await page.waitForSelector('[data-testid=dossier-history] [data-testid=timeline-entry]');
  assert.equal(await page.getByTestId('dossier-due').textContent(), fmtDateTime(d.due_at));
  assert.equal(await page.getByTestId('dossier-code').textContent(), code);
  desk.assertClean('at the desk');
});

test('the work queue lists what the API lists, most urgent first, lateness in words', async () => {
  const specialist = await world.actor('chuyenvien');
  const { page } = specialist;
  await page.waitForURL('**/can-bo/ho-so');
  await page.waitForSelector('[data-testid=queue-total]');
  const api = await world.api('GET', '/api/v1/dossiers?limit=25&offset=0&open=true', { as: 'chuyenvien' });
  assert.equal(await page.getByTestId('queue-total').getAttribute('data-total'), String(api.total));
  const rows = await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-code'), e.getAttribute('data-state'), e.getAttribute('data-timeliness')]));
  assert.deepEqual(rows, api.items.map((d) => [d.code, d.state, d.timeliness || '']));
  const overdue = api.items.find((d) => d.timeliness === 'overdue');
  assert.ok(overdue, 'the demo province has an overdue dossier in the queue');
  const badge = page.locator(`[data-testid=dossier-row][data-code="${overdue.code}"] [data-testid=timeliness-badge]`);
  assert.match(await badge.textContent(), new RegExp(vi['timeliness.overdue']), 'overdue is said in words, not colour alone');
  await checkPage(specialist, 'queue', { show: '[data-testid=queue-total]', block: 'start' });

  // filtering by state goes through the address and the API
  await page.getByTestId('queue-state').selectOption('supplement_requested');
  await page.waitForURL('**/can-bo/ho-so?state=supplement_requested');
  await page.waitForSelector('[data-testid=queue-total]');
  const filtered = await world.api('GET', '/api/v1/dossiers?limit=25&offset=0&state=supplement_requested', { as: 'chuyenvien' });
  assert.equal(await page.getByTestId('queue-total').getAttribute('data-total'), String(filtered.total));
  for (const s of await page.getByTestId('dossier-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))) {
    assert.equal(s, 'supplement_requested');
  }
  specialist.assertClean('in the queue');
});

test('the desk finds an account\'s flood of online submissions and refuses it in one go', async () => {
  const password = 'mat-khau-rat-dai-1';
  await world.api('POST', '/api/v1/citizens', { body: { username: 'rac.web', password, full_name: 'Kẻ Phá Hoại' }, status: 202 });
  const token = await world.server.login('rac.web', password);
  const procedure_code = districtProcedure({ online: true }).code;
  const codes = [];
  for (let i = 0; i < 4; i++) {
    const res = await world.server.api('POST', '/api/v1/dossiers', { token,
      body: { procedure_code, channel: 'online', unit: DISTRICT, applicant: { name: `Rác ${i}` } } });
    assert.equal(res.status, 201, res.text);
    codes.push(res.body.code);
  }

  const desk = await world.actor('tiepnhan');
  const { page } = desk;
  await page.waitForURL('**/can-bo');
  await page.getByTestId('desk-tab-online').click();
  await page.getByTestId('bulk').locator('summary').click();
  const chip = page.locator('[data-testid=bulk-top-account][data-key="rac.web"]');
  await chip.waitFor();
  assert.equal(await chip.getAttribute('data-count'), '4');
  // the account with the most waiting submissions comes first
  assert.equal(await page.getByTestId('bulk-top-account').first().getAttribute('data-key'), 'rac.web');
  await chip.click();
  await page.waitForSelector('[data-testid=bulk-total]');
  assert.equal(await page.getByTestId('bulk-total').getAttribute('data-total'), '4');
  assert.deepEqual(await page.getByTestId('bulk-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))), codes);
  assert.equal(await page.getByTestId('bulk-account').inputValue(), 'rac.web');
  await checkPage(desk, 'desk-bulk', { show: '[data-testid=bulk]', block: 'start' });

  // refusing takes a reason and a second, explicit confirmation
  await page.getByTestId('bulk-note').fill('');
  await page.getByTestId('bulk-refuse').click();
  await page.waitForSelector('[data-testid=bulk-note-error]:not([hidden])');
  const reason = 'Hồ sơ rác, nộp hàng loạt từ một tài khoản';
  await page.getByTestId('bulk-note').fill(reason);
  await page.getByTestId('bulk-refuse').click();
  await page.getByTestId('bulk-confirm').click();
  await page.waitForSelector('[data-testid=bulk-done][data-refused="4"]');
  for (const code of codes) {
    const d = await world.api('GET', `/api/v1/dossiers/${code}`, { as: 'tiepnhan' });
    assert.equal(d.state, 'not_accepted');
    assert.equal(d.events.at(-1).action, 'refuse');
    assert.equal(d.events.at(-1).note, reason);
  }
  // the waiting list below no longer shows them
  await page.waitForSelector('[data-testid=desk-online-list], [data-testid=desk-empty]');
  for (const code of codes) assert.equal(await page.locator(`[data-testid=dossier-row][data-code="${code}"]`).count(), 0);
  desk.assertClean('clearing a flood');
});

test('the leader\'s dashboard for "6 tháng đầu 2017" shows the figures of GET /api/v1/stats', async () => {
  const leader = await world.actor('lanhdao');
  const { page } = leader;
  await page.getByTestId('nav-dashboard').click();
  await page.waitForURL('**/lanh-dao');
  await page.waitForSelector('[data-testid=dash-figures]');
  const preset = page.getByTestId('dash-preset-h1-2017');
  assert.equal(await preset.textContent(), '6 tháng đầu 2017');
  await preset.click();
  const period = page.locator('[data-testid=dash-period][data-from="2017-01-01"][data-to="2017-07-01"]');
  await period.waitFor();
  await page.waitForSelector('[data-testid=dash-figures]');
  await page.waitForSelector('[data-testid=stats-table], [data-testid=stats-empty]');
  assert.equal(await preset.getAttribute('aria-pressed'), 'true');
  const from = await period.getAttribute('data-from');
  const to = await period.getAttribute('data-to');
  const unit = await period.getAttribute('data-unit');
  assert.equal(unit, DISTRICT, 'the leader\'s own unit');
  const stats = await world.api('GET', '/api/v1/stats?' + new URLSearchParams({ unit, from, to, group: 'unit' }), { as: 'lanhdao' });
  const tot = stats.totals;
  assert.ok(tot.received.total > 0, 'the demo province received dossiers in the first half of 2017');

  const shown = await statValues(page);
  const expected = {};
  for (const g of ['received', 'resolved', 'in_progress']) {
    for (const [k, v] of Object.entries(tot[g])) expected[`${g}-${k}`] = String(v);
  }
  for (const k of ['on_time_rate', 'carried_over', 'not_accepted', 'supplement_requested', 'withdrawn', 'stopped']) {
    expected[k] = tot[k] === null || tot[k] === undefined ? '' : String(tot[k]);
  }
  assert.deepEqual(shown, expected, 'every figure on the page is the API\'s');
  // and the numbers read as numbers
  assert.equal(await page.getByTestId('stat-received-total').textContent(), tot.received.total.toLocaleString('vi-VN'));
  assert.equal(await page.getByTestId('stat-in_progress-overdue').textContent(), tot.in_progress.overdue.toLocaleString('vi-VN'));

  // the table by unit: one row per API row, received and resolved as the API counts them
  const rows = await page.getByTestId('stats-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'),
    e.querySelector('[data-testid=stats-cell-received]').textContent, e.querySelector('[data-testid=stats-cell-resolved]').textContent]));
  assert.deepEqual(rows, stats.rows.map((r) => [r.key.code || r.key.field || '', String(r.received.total), String(r.resolved.total)]));

  // the server-drawn charts loaded
  for (const kind of ['received', 'resolved', 'units']) {
    const img = page.getByTestId('chart-' + kind);
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction((k) => {
      const el = document.querySelector(`[data-testid=chart-${k}]`);
      return el && el.complete && el.naturalWidth > 0;
    }, kind);
    assert.ok((await img.getAttribute('alt')).length > 10, 'a chart has a text alternative');
  }
  // the overdue list is the API's
  const overdue = await world.api('GET', '/api/v1/stats/overdue?' + new URLSearchParams({ unit, limit: '50' }), { as: 'lanhdao' });
  if (overdue.items.length) {
    await page.waitForSelector('[data-testid=overdue-list]');
    assert.deepEqual(await page.getByTestId('overdue-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))),
      overdue.items.map((d) => d.code));
  }
  await checkPage(leader, 'dashboard', { show: '[data-testid=dash-period]', block: 'start' });
  leader.assertClean('on the dashboard');
});

test('the administration pages: units, users, procedures, calendar', async () => {
  const admin = await world.actor('admin');
  const { page } = admin;
  await page.waitForURL('**/quan-tri');
  await page.waitForSelector('[data-testid=unit-row]');
  const units = await world.api('GET', '/api/v1/units', { as: 'admin' });
  assert.equal(await page.getByTestId('unit-row').count(), units.items.length);
  await checkPage(admin, 'admin');
  await page.getByTestId('admin-tab-users').click();
  await page.waitForSelector('[data-testid=user-row]');
  await assertLabelled(page, 'admin users');
  await page.getByTestId('admin-tab-procedures').click();
  await page.waitForSelector('[data-testid=procedure-row]');
  await page.getByTestId('procedure-edit').first().click();
  await page.waitForSelector('[data-testid=proc-edit-form]');
  await assertLabelled(page, 'admin procedure form');
  await page.getByTestId('admin-tab-calendar').click();
  await page.waitForSelector('[data-testid=cal-day]');
  // This year and the next without an official schedule are named (2027's
  // notice is not out yet: its due times follow the Labour Code rule).
  const year = new Date().getFullYear();
  const missing = [];
  for (const y of [year, year + 1]) {
    if ((await world.api('GET', `/api/v1/calendar/${y}`)).basis === 'rule') missing.push(y);
  }
  assert.ok(missing.length > 0, 'the demo has a year without its notice');
  assert.equal(await page.getByTestId('cal-coverage').getAttribute('data-years'), missing.join(','));
  await checkPage(admin, 'admin-calendar');
  admin.assertClean('in the administration');
});

// Today's rules in the procedure form (docs/province-2026.md): receiving regardless of
// administrative boundary, and the online class with its day, labelled in Vietnamese;
// a day before Nghị định 42/2022 is refused on the form, a valid one stored and shown.
test('the procedure form marks a procedure receivable anywhere and gives its online class from a day', async () => {
  const code = '1.995001';
  const name = 'Thủ tục thử phân loại trực tuyến';
  await world.api('POST', '/api/v1/procedures', { as: 'admin', status: [201], body: { code, name,
    field: 'Chứng thực', levels: 'commune', duration_hours: 8, online_level: 3 } });
  const admin = await world.actor('admin');
  const { page } = admin;
  const open = async () => {
    await admin.goto(`/quan-tri?tab=procedures&q=${encodeURIComponent(plain(name))}`);
    await page.locator(`[data-testid=procedure-row][data-code="${code}"] [data-testid=procedure-edit]`).click();
    await page.waitForSelector('[data-testid=proc-edit-form]');
  };
  await open();
  const anywhere = page.getByTestId('proc-anywhere');
  const klass = page.getByTestId('proc-online-class');
  const since = page.getByTestId('proc-online-class-since');
  // Each field is labelled in Vietnamese, by its own label.
  for (const [input, label] of [[anywhere, vi['admin.anywhere']], [klass, vi['admin.onlineClass']],
    [since, vi['admin.onlineClassSince']]]) {
    const id = await input.getAttribute('id');
    assert.equal((await page.locator(`label[for="${id}"]`).innerText()).trim(), label);
  }
  assert.deepEqual(await klass.locator('option').evaluateAll((els) => els.map((e) => [e.value, e.textContent])),
    [['', vi['admin.onlineClassNone']], ['full', vi['proc.onlineClass.full']],
      ['partial', vi['proc.onlineClass.partial']]]);
  assert.equal(await anywhere.isChecked(), false);
  assert.equal(await klass.inputValue(), '');
  assert.equal(await since.inputValue(), '');
  await assertLabelled(page, 'procedure form with the 2025 fields');

  // A day before 1 August 2022 is refused, and nothing changes.
  admin.allow(422, /^PUT \/api\/v1\/procedures\/1\.995001$/);
  await anywhere.check();
  await klass.selectOption('full');
  await since.fill('2022-07-31');
  await page.getByTestId('proc-save').click();
  await page.getByTestId('proc-error').waitFor();
  assert.match(await page.getByTestId('proc-error').innerText(), new RegExp(vi['field.online_class_since']),
    'the problem names the field');
  let p = await world.api('GET', `/api/v1/procedures/${code}`);
  assert.equal(p.anywhere, false);
  assert.equal(p.online_class, undefined);

  await since.fill('2023-03-01');
  await page.getByTestId('proc-save').click();
  await page.getByTestId('proc-saved').waitFor();
  p = await world.api('GET', `/api/v1/procedures/${code}`);
  assert.equal(p.anywhere, true);
  assert.equal(p.online_class, 'full');
  assert.equal(p.online_class_since, '2023-03-01');
  assert.equal(p.online_level, 3, 'the level of the old periods is kept');

  // Opened again, the form shows what is stored; cleared, the procedure has no class.
  await open();
  assert.equal(await anywhere.isChecked(), true);
  assert.equal(await klass.inputValue(), 'full');
  assert.equal(await since.inputValue(), '2023-03-01');
  await checkPage(admin, 'admin-procedure-2025', { show: '[data-testid=proc-anywhere]' });
  await anywhere.uncheck();
  await klass.selectOption('');
  await since.fill('');
  await page.getByTestId('proc-save').click();
  await page.getByTestId('proc-saved').waitFor();
  p = await world.api('GET', `/api/v1/procedures/${code}`);
  assert.equal(p.anywhere, false);
  assert.equal(p.online_class, undefined);
  admin.assertClean('in the procedure form');
});

// An administrator of a district (issue 1) is offered only what it may do: the edit
// buttons of its subtree's units, roles short of administrator, the calendar to read.
test('the administration pages of a district administrator stay inside its subtree', async () => {
  const district = '000.00.33.H56';
  await world.api('POST', '/api/v1/users', { as: 'admin', status: [201], body: { username: 'quantri.qx',
    password: PASSWORD, full_name: 'Quản Trị Huyện', role: 'admin', unit: district } });
  const qx = await world.actor('quantri.qx');
  const { page } = qx;
  await page.waitForURL('**/quan-tri');
  await page.waitForSelector('[data-testid=unit-row]');
  await page.getByTestId('admin-scope').waitFor();
  const units = (await world.api('GET', '/api/v1/units')).items;
  const subtree = new Set([district]);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of units) if (subtree.has(u.parent) && !subtree.has(u.code)) { subtree.add(u.code); grew = true; }
  }
  const editable = await page.locator('[data-testid=unit-row]:has([data-testid=unit-edit])')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  assert.deepEqual(editable.sort(), [...subtree].sort(), 'edit buttons on its subtree only');
  await page.getByTestId('admin-tab-users').click();
  await page.waitForSelector('[data-testid=user-row]');
  const roles = await page.locator('[data-testid=new-user-role] option').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(roles, ['desk', 'specialist', 'leader', 'supervisor']);
  await page.getByTestId('admin-tab-calendar').click();
  await page.waitForSelector('[data-testid=cal-day]');
  await page.getByTestId('cal-root-only').waitFor();
  assert.equal(await page.getByTestId('cal-save').count(), 0, 'no saving the calendar');
  assert.equal(await page.getByTestId('cal-remove').count(), 0);
  await checkPage(qx, 'admin-district-calendar');
  qx.assertClean('in a district\'s administration');
});
