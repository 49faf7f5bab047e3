// GET /metrics: Prometheus text with request counters by route, method and status,
// latency histograms, dossiers by state, overdue dossiers and the outbox depth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './harness.mjs';
import { stopServer } from './helpers.mjs';

let server;
before(async () => { server = await startServer({ dossiers: 40 }); });
after(async () => { await stopServer(server); });

function metric(text, name, labels) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').pop()) : undefined;
}

test('requests are counted by route and status class, with latencies', async () => {
  const before1 = (await server.api('GET', '/metrics')).text;
  const n0 = metric(before1, 'motcua_http_requests_total', 'route="/healthz",method="GET",status="2xx"') || 0;
  for (let i = 0; i < 3; i++) assert.equal((await server.api('GET', '/healthz')).status, 200);
  assert.equal((await server.api('GET', '/api/v1/dossiers')).status, 401);
  const res = await server.api('GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.equal(metric(res.text, 'motcua_http_requests_total', 'route="/healthz",method="GET",status="2xx"'), n0 + 3);
  assert.ok(metric(res.text, 'motcua_http_requests_total', 'route="/api/v1/dossiers",method="GET",status="4xx"') >= 1);
  assert.equal(metric(res.text, 'motcua_http_request_duration_seconds_count', 'route="/healthz",method="GET"'),
    metric(res.text, 'motcua_http_request_duration_seconds_bucket', 'route="/healthz",method="GET",le="+Inf"'));
});

test('dossiers by state and the outbox match the database', async () => {
  const res = await server.api('GET', '/metrics');
  const counts = Object.fromEntries(execFileSync('sqlite3', [server.db, 'SELECT state, count(*) FROM dossier GROUP BY state'],
    { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('|').map(Number)));
  const names = ['', 'submitted', 'received', 'not_accepted', 'processing', 'supplement_requested', 'awaiting_payment',
    'withdrawn', 'stopped', 'resolved', 'returned'];
  for (let s = 1; s <= 10; s++) {
    assert.equal(metric(res.text, 'motcua_dossiers', `state="${names[s]}",code="${s}"`), counts[s] || 0, names[s]);
  }
  assert.ok(metric(res.text, 'motcua_dossiers_overdue', '') >= 0);
  assert.equal(metric(res.text, 'motcua_outbox_pending', ''), 0);
});

test('the overdue gauge judges by the law’s due time, as the overdue list: an apology does not take a dossier off', async () => {
  const tok = { chuyenvien: await server.login('chuyenvien'), lanhdao: await server.login('lanhdao') };
  const gauge = async () => metric((await server.api('GET', '/metrics')).text, 'motcua_dossiers_overdue', '');
  const overdue = async () => (await server.api('GET', '/api/v1/stats/overdue?limit=200', { token: tok.lanhdao })).body;
  const list = await overdue();
  const d = list.items[0];
  assert.ok(d, 'the demo has an overdue dossier at the district');
  const g = await gauge();
  assert.ok(g >= list.total);

  // The apology gives the applicant a new appointment; the law's due time stays passed.
  const prepared = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies`,
    { token: tok.chuyenvien, body: { reason: 'Chờ ý kiến thẩm định của Sở Tư pháp' } });
  assert.equal(prepared.status, 201, JSON.stringify(prepared.body));
  const issued = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies/${prepared.body.id}/issue`,
    { token: tok.lanhdao });
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  assert.ok(Date.parse(issued.body.dossier.due_at) > Date.now(), 'the new appointment is ahead');

  const after = await overdue();
  assert.equal(after.total, list.total);
  assert.ok(after.items.some((x) => x.code === d.code), 'still on the overdue list');
  assert.equal(await gauge(), g, 'still counted by the gauge');
});
