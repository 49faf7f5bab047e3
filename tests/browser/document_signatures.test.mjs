// The signatures on a document's page (docs/documents.md §3b): the demo's report
// 6366/BC-UBND, signed at init by the demo CA's keys (the leader's, then the seal's), shows
// "Chữ ký số" with both signatures valid and their signers, for the supervisor who reads
// it, without warnings. At 1280 and 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, assertLabelled, assertNoHScroll, DESKTOP, PHONE } from './browser.mjs';

let world;

before(async () => { world = await startWorld({ dossiers: 0 }); });
after(async () => { if (world) await world.stop(); });

for (const viewport of [DESKTOP, PHONE]) {
  test(`the demo report's page shows its two valid signatures (${viewport.width} px)`, async () => {
    const found = await world.api('GET', '/api/v1/documents?q=6366', { as: 'giamsat' });
    const report = found.items.find((d) => d.number === '6366/BC-UBND');
    assert.ok(report);
    const reader = await world.actor('giamsat', { viewport });
    const { page } = reader;
    await reader.goto(`/van-ban/${report.id}`);
    await page.waitForSelector('[data-testid=doc-signatures]:not([hidden]) [data-testid=sig-item]');
    const items = page.getByTestId('sig-item');
    assert.equal(await items.count(), 2);
    for (let i = 0; i < 2; i++) assert.equal(await items.nth(i).getAttribute('data-status'), 'valid');
    const text = await page.getByTestId('doc-signatures').innerText();
    assert.match(text, /Chữ ký số/);
    assert.match(text, /Lãnh đạo UBND tỉnh Thanh Hóa/);
    assert.match(text, /Hợp lệ/);
    assert.equal(await page.getByTestId('sig-warning').count(), 0);
    await assertLabelled(page, 'document signatures');
    await assertNoHScroll(page, 'document signatures');
    reader.assertClean('the signatures of 6366/BC-UBND');
  });
}
