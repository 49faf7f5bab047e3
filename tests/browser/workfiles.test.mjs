// The work files page (docs/documents.md §12): the district's clerk lists a file
// for a specialist on "/ho-so-cong-viec"; the specialist opens it, finds a
// registered document and puts it in, closes the file; the clerk hands it to
// the archive. What the page shows reads back the same through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, checkPage } from './browser.mjs';

let world;

before(async () => {
  // The district and the department have their registers in the demo (src/demo/documents.c).
  world = await startWorld({ dossiers: 0 });
});

after(async () => {
  if (world) await world.stop();
});

test('a clerk lists a file, its officer fills and closes it, the clerk archives it', async () => {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
  const doc = await world.api('POST', '/api/v1/documents/incoming', { as: 'tiepnhan', body: { type: 'cong_van',
    subject: 'Đề nghị phối hợp chỉnh lý tài liệu', organ_name: 'Sở Nội vụ', number: '77/SNV-VP', date: `${year}-02-03` } });

  const clerk = await world.actor('tiepnhan');
  await clerk.goto('/ho-so-cong-viec');
  await clerk.page.getByTestId('wf-empty').waitFor();
  await clerk.page.getByTestId('wf-new').click();
  await clerk.page.getByTestId('wf-code').fill('05.VP');
  await clerk.page.getByTestId('wf-title').fill('Hồ sơ chỉnh lý tài liệu năm ' + year);
  await clerk.page.getByTestId('wf-retention').selectOption('vinh_vien');
  await clerk.page.waitForSelector('[data-testid=wf-responsible] option[value=chuyenvien]', { state: 'attached' });
  await clerk.page.getByTestId('wf-responsible').selectOption('chuyenvien');
  await clerk.page.getByTestId('wf-save').click();
  await clerk.page.waitForURL(/\/ho-so-cong-viec\/\d+$/);
  const id = Number(clerk.page.url().split('/').pop());
  assert.equal(await clerk.page.getByTestId('wf-retention-text').innerText(), 'Vĩnh viễn');
  assert.equal(await clerk.page.getByTestId('wf-act-open').count(), 0, 'the clerk does not open another\'s file');
  clerk.assertClean('listing a file');

  const cv = await world.actor('chuyenvien');
  await cv.goto('/ho-so-cong-viec?mine=true');
  await cv.page.getByTestId('wf-link').click();
  await cv.page.getByTestId('wf-act-open').click();
  await cv.page.getByTestId('wf-find').waitFor();
  await cv.page.getByTestId('wf-find').fill('chinh ly tai lieu');
  await cv.page.getByTestId('wf-find-go').click();
  await cv.page.locator(`[data-testid=wf-found-doc][data-id="${doc.id}"] [data-testid=wf-doc-add]`).click();
  await cv.page.waitForSelector(`[data-testid=wf-doc][data-id="${doc.id}"]`);
  await checkPage(cv, 'workfile-open');
  await cv.page.getByTestId('wf-pages').fill('4');
  await cv.page.getByTestId('wf-act-close').click();
  await cv.page.waitForSelector('[data-testid=wf-state][data-state=closed]');
  assert.match(await cv.page.getByTestId('wf-dates').innerText(), /03\/02\//);
  assert.equal(await cv.page.getByTestId('wf-doc-remove').count(), 0, 'nothing leaves a closed file');
  cv.assertClean('filling and closing');

  await clerk.goto(`/ho-so-cong-viec/${id}`);
  await clerk.page.getByTestId('wf-act-archive').click();
  await clerk.page.waitForSelector('[data-testid=wf-state][data-state=archived]');
  await clerk.goto(`/ho-so-cong-viec?year=${year}&state=archived`);
  await clerk.page.waitForSelector(`[data-testid=wf-row][data-id="${id}"]`);
  await checkPage(clerk, 'workfiles-list');
  clerk.assertClean('archiving');
  const w = await world.api('GET', `/api/v1/workfiles/${id}`, { as: 'tiepnhan' });
  assert.equal(w.state, 'archived');
  assert.equal(w.pages, 4);
  assert.deepEqual(w.documents.map((d) => d.id), [doc.id]);
});
