// Stopping the server (docs/operations.md "Stopping and restarting"): on
// SIGTERM or SIGINT it closes its listening socket at once, so that new
// connections are refused (a proxy or a load balancer tries another node
// rather than waiting), answers the requests it has already taken (each with
// Connection: close), and exits 0 once none is left. A request still under way
// after shutdown_grace seconds does not keep it: it says so and stops, and
// what that request held is freed all the same (the ASan build reports a leak
// at exit otherwise). A second signal stops it without waiting for the grace.
//
// The request under way here is a look-up at the national portal
// (GET /api/v1/portal-sync/dossiers/{code}), which waits on the test's own
// portal for as long as the test likes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort } from './harness.mjs';
import { assertStatus, stopServer } from './helpers.mjs';

let portal;
let portalPort;
let tmp;
let tokenFile;
const held = []; // the portal's look-ups not answered yet

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'motcua-shutdown-'));
  tokenFile = join(tmp, 'portal-token');
  writeFileSync(tokenFile, 'portal-token-for-tests\n', { mode: 0o600 });
  portalPort = await freePort();
  portal = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let json = null;
      try { json = JSON.parse(body); } catch { /* answered below */ }
      if (json && json.service === 'TraCuuHoSo') { held.push({ res, code: json.MaHoSo }); return; }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"error_code":"00"}');
    });
  });
  await new Promise((r) => portal.listen(portalPort, '127.0.0.1', r));
});

after(async () => {
  for (const h of held.splice(0)) h.res.destroy();
  await new Promise((r) => portal.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(env = {}) {
  const server = await startServer({ dossiers: 5, env: {
    MOTCUA_PORTAL_URL: `http://127.0.0.1:${portalPort}/dvc/sync`,
    MOTCUA_PORTAL_TOKEN_FILE: tokenFile,
    ...env,
  } });
  const admin = await server.login('admin');
  const list = await server.api('GET', '/api/v1/dossiers?limit=1', { token: admin });
  assertStatus(list, 200);
  const code = list.body.items[0].code;
  return { server, admin, code };
}

// Whether a new TCP connection to the server is refused.
function refused(base) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const s = connect({ host: hostname, port: Number(port) });
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

// A look-up held by the portal: once the portal has it, { reply } resolves to
// the reply, or to the error of a connection closed without one.
async function heldLookup(server, admin, code) {
  const before = held.length;
  const reply = server.api('GET', `/api/v1/portal-sync/dossiers/${code}`, { token: admin }).catch((e) => e);
  await until('the look-up to reach the portal', () => held.length > before);
  return { reply }; // in an object: an async function returning the promise would wait for it
}

// Resolves once the server has exited and its output has all been read.
const exited = (child) => new Promise((r) => child.on('close', r));

test('a request under way at SIGTERM is answered before the server exits; new connections are refused meanwhile', async () => {
  const { server, admin, code } = await start();
  try {
    const { reply } = await heldLookup(server, admin, code);
    const gone = exited(server.child);
    server.child.kill('SIGTERM');
    await until('new connections refused', () => refused(server.base));
    // Still running, for the request it has taken.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.child.exitCode, null, 'the server waits for the request under way');
    const h = held.shift();
    assert.equal(h.code, code);
    h.res.writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ error_code: '00', result: [{ MaHoSo: code, TrangThaiHoSo: '2' }] }));
    const res = await reply;
    assert.ok(!(res instanceof Error), `the request was answered: ${res}`);
    assertStatus(res, 200, 'the look-up answered after the signal');
    assert.equal(res.body.dossier, code);
    assert.equal(res.body.known, true);
    assert.equal(res.headers.get('connection'), 'close', 'a stopping server closes the connection after the reply');
    await gone;
    assert.equal(server.child.exitCode, 0);
  } finally {
    await stopServer(server);
  }
});

test('a request still under way after shutdown_grace does not keep the server, and what it held is freed', async () => {
  const { server, admin, code } = await start({ MOTCUA_SHUTDOWN_GRACE: '1', MOTCUA_PORTAL_TIMEOUT: '2' });
  try {
    const { reply } = await heldLookup(server, admin, code);
    const gone = exited(server.child);
    server.child.kill('SIGTERM');
    await gone; // the portal never answers: the grace, then the portal's time-out
    assert.match(server.stderr(), /worker \d+: requests still under way after shutdown_grace \(1 with a handler\); stopping/);
    await reply; // answered (the portal timed out) or closed: either way, not left hanging
  } finally {
    await stopServer(server); // exit 0, and no leak reported by the ASan build
  }
});

test('a second signal stops the server without waiting for the grace', async () => {
  const { server, admin, code } = await start({ MOTCUA_SHUTDOWN_GRACE: '600', MOTCUA_PORTAL_TIMEOUT: '2' });
  try {
    const { reply } = await heldLookup(server, admin, code);
    const gone = exited(server.child);
    server.child.kill('SIGTERM');
    await until('new connections refused', () => refused(server.base));
    server.child.kill('SIGINT');
    await gone; // well before 600 s: the test would time out otherwise
    assert.doesNotMatch(server.stderr(), /still under way after shutdown_grace/);
    await reply;
  } finally {
    await stopServer(server);
  }
});
