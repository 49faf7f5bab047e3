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
