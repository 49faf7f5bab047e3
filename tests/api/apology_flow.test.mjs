// Apologies from the screen (issue 15, item 2), what the pages need of the API: the leader's
// overdue list says which dossiers need an apology and which wait for a signature; the
// apologies of a dossier carry the new date the deadline rules propose; and the demo
// apologises for its late dossiers, so the public register of 2017 is not empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, assertStatus } from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 300 });
  for (const u of ['tiepnhan', 'lanhdao', 'chuyenvien']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

// "2017-06-30T09:14:00+07:00" → "2017-06-30T09:14"
const localMinute = (iso) => new Date(Date.parse(iso) + 7 * 3600e3).toISOString().slice(0, 16);

async function overdue() {
  const res = await server.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}&limit=200`, { token: tok.lanhdao });
  assertStatus(res, 200);
  return res.body;
}

test('the demo apologises for its late dossiers: the 2017 public register lists them', async () => {
  const res = await server.api('GET', '/api/v1/public/apologies?from=2017-01-01&to=2018-01-01&limit=200');
  assertStatus(res, 200);
  assert.ok(res.body.total > 0, 'apologies in 2017');
  for (const a of res.body.items) {
    assert.ok(a.reason.length > 10, a.reason);
    assert.ok(Date.parse(a.new_due) > Date.parse(a.old_due), `${a.code}: a later date`);
    assert.ok(Date.parse(a.issued_at) > Date.parse(a.old_due), `${a.code}: issued after the missed date`);
  }
  // an apologised dossier of the district keeps its due time by law, and has its event
  const mine = await server.api('GET', `/api/v1/public/apologies?from=2017-01-01&to=2018-01-01&unit=${DISTRICT}`);
  assert.ok(mine.body.total > 0, 'apologies of the district');
  const got = await server.api('GET', `/api/v1/dossiers/${mine.body.items[0].code}`, { token: tok.lanhdao });
  assertStatus(got, 200);
  const d = got.body;
  assert.ok(Date.parse(d.statutory_due_at) < Date.parse(d.due_at), 'the due time by law kept');
  assert.ok(d.events.some((e) => e.action === 'apology'), 'the apology event');
});

test('the overdue list says which dossiers need an apology; the leader prepares and signs off one', async () => {
  const list = await overdue();
  assert.ok(list.items.length > 0, 'open dossiers past their due time');
  for (const x of list.items) {
    assert.equal(typeof x.needs_apology, 'boolean');
    assert.ok('apology' in x);
  }
  // one needing an apology: its new date as the rules propose it
  const d = list.items.find((x) => x.needs_apology && ['received', 'processing'].includes(x.state));
  assert.ok(d, 'a dossier needing an apology');
  const before = await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao });
  assertStatus(before, 200);
  const proposed = before.body.proposed_new_due;
  assert.ok(proposed && Date.parse(proposed) > Date.now(), `proposed ${proposed}`);
  // the date proposed is one the rules accept as it is shown (local minute)
  const prepared = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao,
    body: { reason: 'Chờ kết quả xác minh của Sở Tài nguyên và Môi trường', new_due: localMinute(proposed) } });
  assertStatus(prepared, 201, 'prepared with the proposed date');
  assert.equal(Date.parse(prepared.body.new_due), Date.parse(proposed));
  let row = (await overdue()).items.find((x) => x.code === d.code);
  assert.deepEqual([row.needs_apology, row.apology?.state, row.apology?.id], [false, 'prepared', prepared.body.id]);
  const issued = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies/${prepared.body.id}/issue`, { token: tok.lanhdao });
  assertStatus(issued, 200, 'issued');
  row = (await overdue()).items.find((x) => x.code === d.code);
  assert.ok(row, 'still overdue by law');
  assert.equal(row.needs_apology, false, 'apologised: the new date is ahead');
  assert.equal(row.apology.state, 'issued');
  assert.equal(Date.parse(row.apology.new_due), Date.parse(proposed));
  assert.equal(Date.parse(row.appointment), Date.parse(proposed));
  // once issued, a dossier's apologies propose the next date from the new one
  const after = (await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao })).body;
  assert.ok(Date.parse(after.proposed_new_due) > Date.parse(proposed));
});

test('a dossier that may not be apologised for proposes no date', async () => {
  const res = await server.api('GET', `/api/v1/dossiers?state=returned&limit=1`, { token: tok.tiepnhan });
  const d = res.body.items[0];
  const a = await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.tiepnhan });
  assertStatus(a, 200);
  assert.equal(a.body.proposed_new_due, null);
});
