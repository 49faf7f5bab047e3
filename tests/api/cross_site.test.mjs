// Writes signed in by the session cookie come from the web application's own
// pages only (docs/operations.md §5, "Requests from another site"): a page on
// a sibling host of the same registrable domain is same-site, so
// SameSite=Strict still sends it the cookie, and its form could otherwise
// reset a password with the administrator's rights.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus } from './helpers.mjs';

let server;
const cookie = {};
const tok = {};
const EVIL = 'https://evil.thanhhoa.gov.vn';

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['admin', 'congdan']) {
    tok[u] = await server.login(u);
    cookie[u] = { Cookie: `motcua_session=${tok[u]}` };
  }
});

after(async () => {
  await stopServer(server);
});

// What an HTML form on another host sends: no preflight, a form Content-Type.
function reset(username, headers) {
  return server.api('POST', `/api/v1/users/${username}/password`, {
    headers: { 'Content-Type': 'text/plain', ...headers }, raw: 'x=y',
  });
}

async function stillSignsIn(username) {
  const r = await server.api('POST', '/api/v1/session', { body: { username, password: PASSWORD } });
  assertStatus(r, 201, `${username} signs in with the old password`);
}

test('a cookie write with a foreign Origin is refused, and nothing changes', async () => {
  const r = await reset('lanhdao', { ...cookie.admin, Origin: EVIL });
  assertProblem(r, 403, 'cross-site-request');
  assert.match(r.body.detail, /Origin/);
  assert.equal(r.body.password, undefined);
  for (const origin of ['null', 'http://127.0.0.1:1', 'https://127.0.0.1:8080', 'http://127.0.0.1:8080.evil.vn',
    'http://127.0.0.1:8080/x', 'http://evil.vn@127.0.0.1:8080', 'ftp://127.0.0.1:8080'])
    assertProblem(await reset('lanhdao', { ...cookie.admin, Origin: origin }), 403, 'cross-site-request', origin);
  await stillSignsIn('lanhdao');
  // the citizen's body-less write and a JSON one alike
  assertProblem(await server.api('PATCH', '/api/v1/profile', { headers: { ...cookie.congdan, Origin: EVIL }, body: {} }),
    403, 'cross-site-request', 'PATCH /profile');
  assertProblem(await server.api('DELETE', '/api/v1/session', { headers: { ...cookie.congdan, Origin: EVIL } }),
    403, 'cross-site-request', 'sign-out');
  assertStatus(await server.api('GET', '/api/v1/session', { token: tok.congdan }), 200, 'the session was not ended');
});

test('a cookie write whose Sec-Fetch-Site is same-site or cross-site is refused', async () => {
  for (const site of ['same-site', 'cross-site']) {
    const r = await reset('lanhdao', { ...cookie.admin, 'Sec-Fetch-Site': site });
    assertProblem(r, 403, 'cross-site-request', site);
    assert.match(r.body.detail, /Sec-Fetch-Site/);
    // even when the Origin looks right
    assertProblem(await reset('lanhdao', { ...cookie.admin, 'Sec-Fetch-Site': site, Origin: server.base }),
      403, 'cross-site-request', `${site} with the own Origin`);
  }
  await stillSignsIn('lanhdao');
});

test('a cookie write from the own origin, public_url or typed by the user works', async () => {
  const own = await reset('lanhdao', { ...cookie.admin, Origin: server.base, 'Sec-Fetch-Site': 'same-origin' });
  assertStatus(own, 200, 'from the server\'s own origin');
  assert.match(own.body.password, /^[a-zA-Z2-9]{12}$/);
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'lanhdao', password: PASSWORD } }),
    401, 'bad-credentials', 'the reset took effect');
  // public_url (http://127.0.0.1:8080 in the tests), the scheme in any case
  assertStatus(await reset('chuyenvien', { ...cookie.admin, Origin: 'HTTP://127.0.0.1:8080' }), 200, 'public_url');
  assertStatus(await reset('tiepnhan', { ...cookie.admin, 'Sec-Fetch-Site': 'none' }), 200, 'Sec-Fetch-Site: none');
  // a client that sends neither header (not a browser) is not refused
  assertStatus(await server.api('PATCH', '/api/v1/profile', { headers: cookie.congdan, body: {} }), 422, 'no Origin');
});

test('behind a trusted proxy that says https, the own origin is https', async () => {
  const https = server.base.replace(/^http:/, 'https:');
  assertStatus(await server.api('PATCH', '/api/v1/profile', {
    headers: { ...cookie.congdan, Origin: https, 'X-Forwarded-Proto': 'https' }, body: {},
  }), 422, 'the handler ran');
  assertProblem(await server.api('PATCH', '/api/v1/profile', { headers: { ...cookie.congdan, Origin: https }, body: {} }),
    403, 'cross-site-request', 'https Origin over plain http');
});

test('a bearer token is not ambient: a foreign Origin does not matter', async () => {
  const r = await server.api('POST', '/api/v1/users/chuyenvien.stnmt/password', {
    token: tok.admin, headers: { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' },
  });
  assertStatus(r, 200, 'bearer with a foreign Origin');
});

test('reads signed in by the cookie are not affected', async () => {
  for (const m of ['GET', 'HEAD'])
    assertStatus(await server.api(m, '/api/v1/session', { headers: { ...cookie.admin, Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' } }),
      200, m);
  // and a request without a session is answered as before
  assertProblem(await server.api('POST', '/api/v1/users/lanhdao/password', { headers: { Origin: EVIL } }), 401, 'unauthenticated');
});

test('signing in from another site\'s page is refused too: no session, no cookie (a sibling site cannot sign a visitor into its account)', async () => {
  const signIn = (headers) => server.api('POST', '/api/v1/session', { body: { username: 'congdan', password: PASSWORD }, headers });
  for (const headers of [{ Origin: EVIL }, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': 'cross-site' }]) {
    const r = await signIn(headers);
    assertProblem(r, 403, 'cross-site-request', JSON.stringify(headers));
    assert.equal(r.headers.getSetCookie().length, 0, 'no cookie set');
  }
  // the web application's own page, and a client that is not a browser
  assertStatus(await signIn({ Origin: server.base, 'Sec-Fetch-Site': 'same-origin' }), 201, 'from its own page');
  assertStatus(await signIn({}), 201, 'no Origin: not a browser');
});
