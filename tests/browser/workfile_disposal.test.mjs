// The disposal of a work file on "/ho-so-cong-viec" (docs/documents.md §12): a
// 1-year file closed this year has expired on 2 January of the year after next;
// the district's clerk finds it under "Hết thời hạn bảo quản" and proposes it
// for disposal, the head disposes of it with the decision's number and date; then
// the rest of the expired list is proposed and disposed of as a whole.
// The server's clock is moved with libfaketime (a timestamp file it re-reads).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage } from './browser.mjs';
import { FAKETIME, NO_FAKETIME } from '../api/harness.mjs';

const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
let world;

before(async () => {
  if (!FAKETIME) return;
  world = await startWorld({ dossiers: 0, clock: new Date() });
});

after(async () => {
  if (world) await world.stop();
});

test('the clerk proposes an expired file for disposal, the head disposes of it with the decision',
  { skip: NO_FAKETIME }, async () => {
    const doc = await world.api('POST', '/api/v1/documents/incoming', { as: 'tiepnhan', body: { type: 'cong_van',
      subject: 'Báo cáo tháng', organ_name: 'Sở Nội vụ', number: '12/SNV-VP', date: `${YEAR}-01-03` } });
    const me = await world.api('GET', '/api/v1/session', { as: 'chuyenvien' });
    const doc2 = await world.api('POST', '/api/v1/documents/incoming', { as: 'tiepnhan', body: { type: 'cong_van',
      subject: 'Báo cáo quý', organ_name: 'Sở Nội vụ', number: '13/SNV-VP', date: `${YEAR}-01-04` } });
    const archived = async (code, d) => {
      const w = await world.api('POST', '/api/v1/workfiles', { as: 'tiepnhan', body: { year: YEAR, code,
        title: `Hồ sơ ${code} năm ${YEAR}`, retention: 1, responsible: me.user.id } });
      for (const [who, action] of [['chuyenvien', 'open'], ['chuyenvien', null], ['chuyenvien', 'close'], ['tiepnhan', 'archive']]) {
        if (action) await world.api('POST', `/api/v1/workfiles/${w.id}/actions`, { as: who, body: { action } });
        else await world.api('PUT', `/api/v1/workfiles/${w.id}/documents/${d.id}`, { as: who });
      }
      return w;
    };
    const w = await archived('09.VP', doc);
    const w2 = await archived('10.VP', doc2);
    // 2 January of the year after next, 10:00 in Vietnam: kept through next year, now expired.
    const day = `${YEAR + 2}-01-02`;
    world.server.setClock(`${day}T03:00:00Z`);

    const clerk = await world.actor('tiepnhan');
    await clerk.goto('/ho-so-cong-viec?expired=true');
    await clerk.page.waitForSelector(`[data-testid=wf-row][data-id="${w.id}"]`);
    await clerk.page.locator(`[data-testid=wf-row][data-id="${w.id}"] [data-testid=wf-link]`).click();
    assert.equal(await clerk.page.getByTestId('wf-retention-end').innerText(), `31/12/${YEAR + 1}`);
    assert.equal(await clerk.page.getByTestId('wf-act-dispose').count(), 0, 'the clerk does not decide');
    await clerk.page.getByTestId('wf-act-propose').click();
    await clerk.page.waitForSelector('[data-testid=wf-state][data-state=proposed]');
    clerk.assertClean('proposing for disposal');

    const head = await world.actor('lanhdao');
    await head.goto(`/ho-so-cong-viec/${w.id}`);
    await head.page.getByTestId('wf-decision').fill('05/QĐ-UBND');
    await head.page.getByTestId('wf-decision-date').fill(day);
    await checkPage(head, 'workfile-disposal');
    await head.page.getByTestId('wf-act-dispose').click();
    await head.page.waitForSelector('[data-testid=wf-state][data-state=disposed]');
    assert.equal(await head.page.getByTestId('wf-decision-text').innerText(), `05/QĐ-UBND — 02/01/${YEAR + 2}`);
    assert.equal(await head.page.getByTestId('wf-act-keep').count(), 0, 'nothing after disposal');
    head.assertClean('disposing');

    // The rest of the list as a whole: the clerk proposes every archived expired file, the
    // head disposes of every proposed one on one decision.
    await clerk.goto('/ho-so-cong-viec?expired=true');
    await clerk.page.waitForSelector(`[data-testid=wf-row][data-id="${w2.id}"][data-state=archived]`);
    await clerk.page.getByTestId('wf-propose-all').click();
    await clerk.page.waitForSelector(`[data-testid=wf-row][data-id="${w2.id}"][data-state=proposed]`);
    clerk.assertClean('proposing the list');
    await head.goto('/ho-so-cong-viec?state=proposed');
    await head.page.getByTestId('wf-list-decision').fill('06/QĐ-UBND');
    await head.page.getByTestId('wf-list-decision-date').fill(day);
    await checkPage(head, 'workfiles-disposal-list');
    await head.page.getByTestId('wf-dispose-all').click();
    await head.page.getByTestId('wf-empty').waitFor();
    head.assertClean('disposing of the list');

    const token = await world.server.login('lanhdao');
    const res = await world.server.api('GET', `/api/v1/workfiles/${w.id}`, { token });
    assert.equal(res.body.state, 'disposed');
    assert.equal(res.body.disposal.decision, '05/QĐ-UBND');
    const res2 = await world.server.api('GET', `/api/v1/workfiles/${w2.id}`, { token });
    assert.equal(res2.body.state, 'disposed');
    assert.equal(res2.body.disposal.decision, '06/QĐ-UBND');
  });
