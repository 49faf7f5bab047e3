// Issue 15, the items left: apologies from the screen (the leader's overdue list marks what
// needs an apology, the dossier's page prepares it with the date the rules propose, the
// leader signs it off, the register lists it and the applicant is told); the administrators'
// whole catalogue with search and pages, and a parent unit chosen by name; the procedure
// search ranked, with words dropped and "did you mean", and a procedure page that says when
// its data is missing. Each at 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startWorld, checkPage, assertNoHScroll, assertLabelled, pdfBytes, DESKTOP, PHONE } from './browser.mjs';
import vi from '../../web/i18n/vi.js';

const WIDTHS = [['desktop', DESKTOP], ['phone', PHONE]];
const DISTRICT = '000.00.33.H56';

async function look(actor, name, size, opts) {
  if (size === 'desktop') return checkPage(actor, name, opts);
  await assertLabelled(actor.page, name);
  await assertNoHScroll(actor.page, name);
}

let world;

before(async () => {
  world = await startWorld({ dossiers: 300 });
});

after(async () => {
  if (world) await world.stop();
});

/** The page's text has no English word of the interface's (a few that would give it away). */
async function assertNoEnglish(page, what) {
  const text = await page.evaluate(() => document.querySelector('main')?.innerText || '');
  assert.doesNotMatch(text, /\b(apology|prepared|issued|Search|undefined|null)\b/, `${what}: ${text.slice(0, 200)}`);
}

for (const [size, viewport] of WIDTHS) {
  test(`${size}: the leader sees the dossiers needing an apology, prepares one with the proposed date, signs it off; the register lists it, the applicant is told`, async () => {
    const leader = await world.actor('lanhdao', { viewport });
    const { page } = leader;
    await leader.goto(`/lanh-dao?unit=${DISTRICT}`);
    await page.waitForSelector('[data-testid=overdue-row]');
    const api = (await world.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}&limit=50`, { as: 'lanhdao' })).items;
    const summary = page.getByTestId('overdue-apology-summary');
    assert.equal(Number(await summary.getAttribute('data-needing')), api.filter((x) => x.needs_apology).length);
    const target = api.find((x) => x.needs_apology);
    assert.ok(target, 'an overdue dossier needing an apology');
    const row = page.locator(`[data-testid=overdue-row][data-code="${target.code}"]`);
    assert.equal(await row.getAttribute('data-apology'), 'needed');
    await look(leader, 'leader-apologies-needed', size, { show: '[data-testid=overdue-apology-summary]' });
    await row.getByTestId('overdue-apology-prepare').click();
    await page.waitForURL(`**/can-bo/ho-so/${target.code}#xin-loi`);
    await page.waitForSelector('[data-testid=apology-form]');
    await page.getByTestId('apology-needed').waitFor();
    // the new date proposed by the rules, shown as it will be sent
    const proposed = (await world.api('GET', `/api/v1/dossiers/${target.code}/apologies`, { as: 'lanhdao' })).proposed_new_due;
    const local = new Date(Date.parse(proposed) + 7 * 3600e3).toISOString().slice(0, 16);
    assert.equal(await page.getByTestId('apology-new-due').inputValue(), local);
    // the reason is required, said in Vietnamese beside it
    await page.getByTestId('apology-prepare').click();
    assert.equal((await page.getByTestId('apology-reason-error').textContent()).trim(), vi['apology.reasonRequired']);
    const reason = `Chờ ý kiến thẩm định của Sở Xây dựng (${size})`;
    await page.getByTestId('apology-reason').fill(reason);
    await look(leader, 'apology-prepare', size, { show: '[data-testid=apologies]' });
    const said = (text) => page.waitForFunction((x) => document.querySelector('[data-testid=action-message]')?.textContent.trim() === x, text);
    await page.getByTestId('apology-prepare').click();
    await said(vi['apology.prepared']);
    await page.waitForSelector('[data-testid=apology-item][data-state=prepared]');
    // an outgoing register for the apologising unit: the issue makes the apology one of its
    // documents, and the page shows that document's number (migration 038)
    assert.equal(await page.getByTestId('apology-document-number').count(), 0, 'no number before the issue');
    const mine = (await world.api('GET', `/api/v1/dossiers/${target.code}/apologies`, { as: 'lanhdao' })).items
      .find((a) => a.state === 'prepared');
    await world.api('POST', '/api/v1/document-registers',
      { as: 'admin', body: { unit: mine.unit.code, box: 'out', organ_abbr: 'UBND' }, status: [201, 409] });
    await page.getByTestId('apology-issue').click();
    await said(vi['apology.issued']);
    const numbered = (await world.api('GET', `/api/v1/dossiers/${target.code}/apologies`, { as: 'lanhdao' })).items
      .find((a) => a.id === mine.id);
    assert.match(numbered.document?.number || '', /^\d+\/PXL-UBND$/, 'issued as an outgoing document');
    assert.equal((await page.getByTestId('apology-document-number').last().innerText()).trim(),
      vi['apology.documentNumber'].replace('{number}', numbered.document.number));
    assert.equal(await page.locator('[data-testid=apology-item][data-state=prepared]').count(), 0);
    assert.match(await page.getByTestId('apology-item').last().innerText(), new RegExp(reason.replace(/[()]/g, '.')));
    await assertNoEnglish(page, 'the apology section');
    // form 04 is offered, filled from it
    const href = await page.getByTestId('apology-form-04').getAttribute('href');
    assert.match(href, new RegExp(`/api/v1/dossiers/${target.code.replace(/\./g, '\\.')}/forms/04`));
    const d = await world.api('GET', `/api/v1/dossiers/${target.code}`, { as: 'lanhdao' });
    assert.equal(Date.parse(d.due_at), Date.parse(proposed), 'the due time moved to the new date');
    assert.ok(d.events.some((e) => e.action === 'apology' && e.note === reason));
    // the applicant is told through the outbox (the demo's own apologies of 2017 sent none)
    const told = execFileSync('sqlite3', [world.server.db, `SELECT count(*) FROM outbox o JOIN dossier d ON d.id = o.dossier_id WHERE d.code = '${target.code}' AND o.subject LIKE '%xin lỗi%'`], { encoding: 'utf8' }).trim();
    assert.ok(Number(told) >= 1, 'a message to the applicant');
    // back on the dashboard: apologised, with its new date
    await leader.goto(`/lanh-dao?unit=${DISTRICT}`);
    await page.waitForSelector(`[data-testid=overdue-row][data-code="${target.code}"][data-apology=issued]`);
    // the public register of this year lists it
    const visitor = await world.actor(null, { viewport });
    await visitor.goto(`/cong-khai?year=${new Date().getFullYear()}`);
    const pub = visitor.page.locator(`[data-testid=apology-row][data-code="${target.code}"]`);
    await pub.waitFor();
    assert.match(await pub.innerText(), new RegExp(reason.replace(/[()]/g, '.')));
    leader.assertClean('apologising');
    visitor.assertClean('in the register');
  });

  test(`${size}: the desk prepares the apology of an overdue dossier and sees it wait for the leader; the 2017 register is not empty`, async () => {
    const api = (await world.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}&limit=50`, { as: 'lanhdao' })).items;
    const target = api.find((x) => x.needs_apology && x.receiving_unit.code === DISTRICT);
    assert.ok(target, 'one more dossier needing an apology');
    const desk = await world.actor('tiepnhan', { viewport });
    const { page } = desk;
    await desk.goto(`/can-bo/ho-so/${encodeURIComponent(target.code)}`);
    await page.waitForSelector('[data-testid=apology-form]');
    await page.getByTestId('apology-reason').fill('Hồ sơ phải xác minh thêm tại Công an huyện');
    await page.getByTestId('apology-prepare').click();
    await page.waitForFunction((x) => document.querySelector('[data-testid=action-message]')?.textContent.trim() === x, vi['apology.prepared']);
    await page.waitForSelector('[data-testid=apology-item][data-state=prepared]');
    await page.getByTestId('apology-awaits-leader').waitFor();
    assert.equal(await page.getByTestId('apology-issue').count(), 0, 'the desk does not sign off');
    desk.assertClean('preparing an apology');
    // the demo's late dossiers were apologised for
    const visitor = await world.actor(null, { viewport });
    await visitor.goto('/cong-khai?year=2017');
    await visitor.page.waitForSelector('[data-testid=apology-row]');
    assert.equal(await visitor.page.getByTestId('apologies-empty').count(), 0);
    await look(visitor, 'public-apologies-2017', size, { show: '[data-testid=apologies-list]' });
    visitor.assertClean('in the 2017 register');
  });

  test(`${size}: the administrator pages through the whole catalogue, searches it, and chooses a new unit's parent by name`, async () => {
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await admin.goto('/quan-tri?tab=procedures');
    await page.waitForSelector('[data-testid=procedure-row]');
    const total = Number(await page.getByTestId('proc-total').getAttribute('data-total'));
    assert.equal(total, 1989, 'every procedure, abolished ones too');
    assert.equal(await page.getByTestId('procedure-row').count(), 50);
    const first = await page.getByTestId('procedure-row').first().getAttribute('data-code');
    await page.getByTestId('proc-next').click();
    await page.waitForURL('**/quan-tri?tab=procedures&offset=50');
    await page.waitForFunction((c) => document.querySelector('[data-testid=procedure-row]')?.getAttribute('data-code') !== c, first);
    await page.getByTestId('proc-search').fill('karaoke');
    await page.getByTestId('proc-search-go').click();
    await page.waitForURL('**/quan-tri?tab=procedures&q=karaoke');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=procedure-row]')].every((r) => /karaoke/i.test(r.textContent)));
    const found = await world.api('GET', '/api/v1/procedures?q=karaoke&include_abolished=true&limit=1');
    assert.equal(Number(await page.getByTestId('proc-total').getAttribute('data-total')), found.total);
    await look(admin, 'admin-procedures-search', size);
    await page.goBack();
    await page.waitForURL('**/quan-tri?tab=procedures&offset=50');
    // a new commune: its parent chosen by name, never typed as a code
    await admin.goto('/quan-tri?tab=units');
    await page.getByTestId('new-unit-toggle').click();
    const code = size === 'desktop' ? '000.61.33.H56' : '000.62.33.H56';
    await page.getByTestId('new-unit-code').fill(code);
    await page.getByTestId('new-unit-name').fill(`UBND xã Thử Cha ${size}`);
    // no parent: refused before sending, in Vietnamese, beside the field
    await page.getByTestId('new-unit-submit').click();
    assert.equal((await page.getByTestId('new-unit-parent-error').textContent()).trim(), vi['admin.rule.communeParent']);
    await page.getByTestId('new-unit-parent').fill('quang xuong');
    await page.locator(`[data-testid=new-unit-parent-option][data-code="${DISTRICT}"]`).click();
    assert.equal(await page.getByTestId('new-unit-parent').getAttribute('data-code'), DISTRICT);
    await look(admin, 'admin-new-unit', size, { show: '[data-testid=new-unit-submit]' });
    await page.getByTestId('new-unit-submit').click();
    await page.waitForSelector(`[data-testid=unit-row][data-code="${code}"]`);
    const u = await world.api('GET', `/api/v1/units/${code}`);
    assert.equal(u.parent, DISTRICT);
    admin.assertClean('in the catalogue and the units');
  });

  test(`${size}: the administrator attaches a form's file to a document; a visitor downloads it from the procedure's page`, async () => {
    const admin = await world.actor('admin', { viewport });
    const { page } = admin;
    await admin.goto('/quan-tri?tab=procedures&q=dang+ky+khai+sinh');
    await page.locator('[data-testid=procedure-row][data-code="1.001193"] [data-testid=procedure-edit]').click();
    await page.waitForSelector('[data-testid=proc-edit-form]');
    const bytes = pdfBytes(`to-khai-${size}`);
    const filename = `To khai dang ky khai sinh ${size}.pdf`;
    await page.getByTestId('proc-docs-row').first().getByTestId('proc-docs-template').setInputFiles({ name: filename, mimeType: 'application/pdf', buffer: bytes });
    await page.getByTestId('proc-save').click();
    await page.getByTestId('proc-saved').waitFor();
    admin.assertClean('attaching a form');
    const visitor = await world.actor(null, { viewport });
    await visitor.goto('/thu-tuc/1.001193');
    const link = visitor.page.getByTestId('procedure-template');
    await link.waitFor();
    assert.equal(await link.count(), 1, 'one document has its file');
    const href = await link.getAttribute('href');
    const got = await visitor.page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, disposition: r.headers.get('content-disposition'), bytes: [...new Uint8Array(await r.arrayBuffer())] };
    }, href);
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(got.bytes), bytes);
    assert.ok(got.disposition.includes(encodeURIComponent(filename)), got.disposition);
    await look(visitor, 'procedure-form-template', size, { show: '[data-testid=procedure-documents]' });
    visitor.assertClean('downloading a form');
  });

  test(`${size}: the procedure search ranks the phrase first, drops words when it must, offers "did you mean"; missing data is said so`, async () => {
    const citizen = await world.actor(null, { viewport });
    const { page } = citizen;
    const search = async (q) => {
      await citizen.goto('/?q=' + encodeURIComponent(q));
      await page.waitForFunction(() => !document.querySelector('[data-testid=search-status]')?.textContent.includes('Đang tải'));
    };
    await search('ho kinh doanh');
    await page.waitForSelector('[data-testid=procedure-item]');
    assert.equal((await page.getByTestId('procedure-item').first().locator('a').textContent()).trim(), 'Đăng ký thành lập hộ kinh doanh');
    await search('khai sinh cho con');
    await page.waitForSelector('[data-testid=procedure-item]');
    assert.equal(await page.getByTestId('procedure-item').first().getAttribute('data-code'), '1.001193');
    await search('khai sinh nhanh gon');
    await page.getByTestId('search-relaxed').waitFor();
    assert.equal((await page.getByTestId('search-relaxed').textContent()).trim(), vi['home.relaxed']);
    await search('khia sinh');
    await page.getByTestId('search-did-you-mean').waitFor();
    await look(citizen, 'search-did-you-mean', size, { show: '[data-testid=search-advice]' });
    await page.getByTestId('did-you-mean-link').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=search-input]').value === 'khai sinh');
    await page.waitForSelector('[data-testid=procedure-item][data-code="1.001193"]');
    // a catalogue entry without its record: said so, not "no papers" or "no fee"
    const entry = (await world.api('GET', '/api/v1/procedures?q=karaoke&limit=20')).items
      .find((p) => p.code.startsWith('T-THA-'));
    assert.ok(entry, 'a catalogue entry');
    await citizen.goto(`/thu-tuc/${encodeURIComponent(entry.code)}`);
    await page.getByTestId('procedure-data-missing').waitFor();
    for (const id of ['procedure-documents-missing', 'procedure-steps-missing', 'procedure-fees-missing']) {
      assert.equal((await page.getByTestId(id).textContent()).trim(), vi['proc.dataMissing'], id);
    }
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes(vi['proc.noDocuments']) && !text.includes(vi['fee.none']), 'nothing untrue');
    await look(citizen, 'procedure-data-missing', size);
    // a detailed one keeps its lists
    await citizen.goto('/thu-tuc/1.001193');
    await page.waitForSelector('[data-testid=procedure-document]');
    assert.equal(await page.getByTestId('procedure-data-missing').count(), 0);
    citizen.assertClean('searching');
  });
}
