// The access log (docs/operations.md §7): one JSON line per reply on stderr,
// buffered by each worker and written when its buffer is full, once a second,
// and at shutdown. A process killed outright loses at most its last second of
// lines; a path with quotes, backslashes or control characters is still
// valid JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The access-log lines of a server's stderr (other lines are plain text).
function logLines(server) {
  return server.stderr().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

// Waits until every id has its line (the writer's timer runs each second),
// or gives up after a while and lets the assertions say what is missing.
async function waitForLines(server, ids) {
  for (let waited = 0; waited < 20000; waited += 100) {
    const seen = new Set(logLines(server).map((l) => l.id));
    if (ids.every((id) => seen.has(id))) return;
    await sleep(100);
  }
}

test('every reply has its line, a second later, without a shutdown: kill -9 loses none', async () => {
  const server = await startServer({ dossiers: 0, env: { MOTCUA_ACCESS_LOG: 'true' } });
  try {
    // Fewer lines than a worker's buffer holds: only the timer writes them.
    const requests = [];
    for (let i = 0; i < 100; i++) {
      requests.push(['GET', '/healthz', 200], ['GET', `/api/v1/nothing-here/${i}`, 404],
        ['DELETE', '/api/v1/procedures', 405]);
    }
    const sent = [];
    for (const [method, path, status] of requests) {
      const res = await fetch(server.base + path, { method });
      await res.arrayBuffer();
      assert.equal(res.status, status, `${method} ${path}`);
      sent.push({ id: res.headers.get('x-request-id'), method, path, status });
    }
    await waitForLines(server, sent.map((s) => s.id));
    const exited = new Promise((r) => server.child.on('exit', r));
    server.child.kill('SIGKILL');
    await exited;

    const byId = new Map();
    for (const line of logLines(server)) {
      assert.ok(!byId.has(line.id), `one line for ${line.id}`);
      byId.set(line.id, line);
    }
    for (const s of sent) {
      const line = byId.get(s.id);
      assert.ok(line, `the line of ${s.method} ${s.path} (${s.id}) was written before the kill`);
      assert.deepEqual([line.method, line.path, line.status], [s.method, s.path, s.status]);
      assert.equal(typeof line.ms, 'number');
      assert.ok(line.ms >= 0);
      assert.match(line.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    }
  } finally {
    await server.stop();
  }
});

test('paths with quotes, backslashes and control characters are logged as valid JSON; shutdown writes the rest', async () => {
  const server = await startServer({ dossiers: 0, env: { MOTCUA_ACCESS_LOG: 'true' } });
  const paths = [
    ['/api/v1/a%22b%5Cc', '/api/v1/a"b\\c'],
    ['/api/v1/x%0Ay%0Dz%09w', '/api/v1/x\ny\rz\tw'],
    ['/api/v1/%01%08%0C%1F%7F', '/api/v1/\x01\b\f\x1f\x7f'],
    ['/api/v1/%E2%80%A8%C3%A9%22%7D%0A%7B%22', '/api/v1/\u2028é"}\n{"'],
  ];
  const sent = [];
  try {
    for (const [raw, decoded] of paths) {
      const res = await fetch(server.base + raw);
      await res.arrayBuffer();
      assert.equal(res.status, 404, raw);
      sent.push({ id: res.headers.get('x-request-id'), path: decoded });
    }
  } finally {
    // SIGTERM at once: the lines still waiting in the buffers are written as the workers stop
    assert.equal(await server.stop(), 0);
  }
  // logLines parses every line: one broken by a raw newline or quote would throw
  const lines = logLines(server);
  for (const s of sent) {
    const line = lines.find((l) => l.id === s.id);
    assert.ok(line, `the line of ${JSON.stringify(s.path)}`);
    assert.equal(line.path, s.path);
    assert.equal(line.status, 404);
    assert.equal(line.method, 'GET');
  }
});

test('an identity number in a path is logged with its last 3 digits only', async () => {
  const server = await startServer({ dossiers: 0, env: { MOTCUA_ACCESS_LOG: 'true' } });
  const sent = [];
  try {
    const admin = await server.login('admin');
    for (const [path, logged] of [
      ['/api/v1/citizens/038190012345/export', '/api/v1/citizens/*********345/export'], // CCCD, 12 digits
      ['/api/v1/citizens/172839465/export', '/api/v1/citizens/******465/export'], // the old card, 9
      ['/api/v1/documents/12345678', '/api/v1/documents/12345678'], // a record id stays
      ['/api/v1/public/dossiers/000.00.33.H56-250101-000001', '/api/v1/public/dossiers/000.00.33.H56-250101-000001'],
    ]) {
      const res = await fetch(server.base + path, { headers: { Authorization: `Bearer ${admin}` } });
      await res.arrayBuffer();
      sent.push({ id: res.headers.get('x-request-id'), logged });
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const lines = logLines(server);
  for (const s of sent) assert.equal(lines.find((l) => l.id === s.id)?.path, s.logged);
  assert.doesNotMatch(server.stderr(), /038190012345|172839465/, 'the numbers appear nowhere in the log');
});
