// Sign-in under attack: behind the documented proxy every client used to be
// 127.0.0.1, so a few bad passwords locked everyone out; five guesses locked
// an account even against its owner; and a flood of correct sign-ins (argon2id
// on the request threads) starved every other request. Now: the client's
// address comes from X-Forwarded-For when a trusted proxy sends it, failures
// from elsewhere never lock the owner's own browser out, passwords are checked
// on a bounded pool (429 when it is full), successful sign-ins per account are
// limited, and an account holds a bounded number of sessions (expired ones are
// purged: session_purge.test.mjs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem } from './helpers.mjs';

const servers = [];
after(async () => { for (const s of servers) await stopServer(s); });

async function server(env = {}) {
  const s = await startServer({ dossiers: 3, env });
  servers.push(s);
  return s;
}

function signIn(s, username, password, { from, cookie } = {}) {
  const headers = {};
  if (from) headers['X-Forwarded-For'] = from;
  if (cookie) headers.Cookie = cookie;
  return s.api('POST', '/api/v1/session', { body: { username, password }, headers });
}

// The motcua_device cookie a sign-in reply sets, as a Cookie header value.
function deviceCookie(res) {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('motcua_device='));
  assert.ok(set, `a device cookie is set: ${res.headers.getSetCookie()}`);
  assert.match(set, /Path=\/api\/v1\/session/);
  assert.match(set, /HttpOnly/);
  return set.split(';')[0];
}

test('behind a trusted proxy, one client\'s failures do not lock out the others', async () => {
  const s = await server();
  // 20 failures from one client address, as forwarded by the proxy on 127.0.0.1
  for (let i = 0; i < 20; i++) assert.equal((await signIn(s, `guess-${i}`, 'wrong', { from: '198.51.100.7' })).status, 401);
  assertProblem(await signIn(s, 'tiepnhan', PASSWORD, { from: '198.51.100.7' }), 429, 'too-many-attempts', 'the guessing client');
  // every other client behind the same proxy still signs in
  assert.equal((await signIn(s, 'tiepnhan', PASSWORD, { from: '203.0.113.20' })).status, 201);
  assert.equal((await signIn(s, 'chuyenvien', PASSWORD, { from: '203.0.113.21, 10.0.0.2' })).status, 201);
});

test('X-Forwarded-For is ignored from a peer that is not a trusted proxy', async () => {
  const s = await server({ MOTCUA_TRUSTED_PROXIES: '' });
  for (let i = 0; i < 20; i++) await signIn(s, `guess-${i}`, 'wrong', { from: `198.51.100.${i}` });
  // the forwarded addresses were not believed: the peer itself is the client, and it is locked
  assertProblem(await signIn(s, 'tiepnhan', PASSWORD, { from: '203.0.113.20' }), 429, 'too-many-attempts');
});

test('guesses at an account do not lock its owner out of a browser that has signed in before', async () => {
  const s = await server();
  const first = await signIn(s, 'lanhdao', PASSWORD, { from: '203.0.113.5' });
  assert.equal(first.status, 201);
  const cookie = deviceCookie(first);
  // an attacker elsewhere guesses until the account is closed to new devices
  for (let i = 0; i < 5; i++) assertProblem(await signIn(s, 'lanhdao', `guess-${i}`, { from: `198.51.100.${i}` }), 401, 'bad-credentials');
  assertProblem(await signIn(s, 'lanhdao', PASSWORD, { from: '198.51.100.99' }), 429, 'too-many-attempts', 'a new device');
  // the owner's browser still gets in with the right password
  const owner = await signIn(s, 'lanhdao', PASSWORD, { from: '203.0.113.5', cookie });
  assert.equal(owner.status, 201, owner.text);
  // a forged or someone else's device cookie is no key
  const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assertProblem(await signIn(s, 'lanhdao', PASSWORD, { from: '203.0.113.6', cookie: forged }), 429, 'too-many-attempts', 'forged cookie');
  const other = deviceCookie(await signIn(s, 'chuyenvien', PASSWORD, { from: '203.0.113.7' }));
  assertProblem(await signIn(s, 'lanhdao', PASSWORD, { from: '203.0.113.7', cookie: other }), 429, 'too-many-attempts', 'another account\'s cookie');
  // wrong passwords from the owner's browser count for that browser only
  for (let i = 0; i < 5; i++) assertProblem(await signIn(s, 'lanhdao', `typo-${i}`, { from: '203.0.113.5', cookie }), 401, 'bad-credentials');
  assertProblem(await signIn(s, 'lanhdao', PASSWORD, { from: '203.0.113.5', cookie }), 429, 'too-many-attempts', 'the owner after five typos');
});

test('a flood of correct sign-ins gets 429 from the bounded hashing queue; other requests are served', async () => {
  const s = await server({ MOTCUA_HASH_THREADS: '1', MOTCUA_HASH_QUEUE: '2', MOTCUA_SIGNIN_ACCOUNT_MAX: '1000' });
  const users = ['tiepnhan', 'chuyenvien', 'lanhdao', 'giamsat', 'admin', 'congdan'];
  const flood = Array.from({ length: 60 }, (_, i) => signIn(s, users[i % users.length], PASSWORD, { from: `198.51.100.${i}` }));
  const lookups = Array.from({ length: 20 }, () => s.api('GET', '/healthz'));
  const [answers, health] = await Promise.all([Promise.all(flood), Promise.all(lookups)]);
  const by = {};
  for (const a of answers) by[a.status] = (by[a.status] || 0) + 1;
  assert.ok(by[201] >= 1, `some sign-ins go through: ${JSON.stringify(by)}`);
  assert.ok(by[429] >= 1, `the rest are refused at once: ${JSON.stringify(by)}`);
  assert.deepEqual(Object.keys(by).sort(), ['201', '429'], JSON.stringify(by));
  const refused = answers.find((a) => a.status === 429);
  assertProblem(refused, 429, 'overloaded');
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  for (const h of health) assert.equal(h.status, 200);
  const metrics = (await s.api('GET', '/metrics')).text;
  assert.match(metrics, /^motcua_signin_queue_full_total [1-9]\d*$/m);
});

test('successful sign-ins per account are limited; sessions per account are bounded', async () => {
  const s = await server({ MOTCUA_SIGNIN_ACCOUNT_MAX: '4', MOTCUA_MAX_SESSIONS: '2' });
  const tokens = [];
  for (let i = 0; i < 4; i++) {
    const r = await signIn(s, 'giamsat', PASSWORD, { from: `203.0.113.${30 + i}` });
    assert.equal(r.status, 201);
    tokens.push(r.body.token);
  }
  assertProblem(await signIn(s, 'giamsat', PASSWORD, { from: '203.0.113.40' }), 429, 'too-many-attempts', 'the fifth in a minute');
  // two sessions are alive, the newest among them (the others were made in the same second or two)
  const alive = [];
  for (const t of tokens) alive.push((await s.api('GET', '/api/v1/session', { token: t })).status);
  assert.equal(alive.filter((x) => x === 200).length, 2, JSON.stringify(alive));
  assert.equal(alive[3], 200);
});

test('a session checking its own right password again and again counts as sign-ins: refused past the limit, others sign in', async () => {
  const s = await server({ MOTCUA_SIGNIN_ACCOUNT_MAX: '4' });
  const token = (await signIn(s, 'congdan', PASSWORD, { from: '203.0.113.50' })).body.token;
  const patch = () => s.api('PATCH', '/api/v1/profile', { token, body: { current_password: PASSWORD, phone: '0936271845' },
    headers: { 'X-Forwarded-For': '203.0.113.50' } });
  // the sign-in and three checks make the four of the window
  for (let i = 0; i < 3; i++) assert.equal((await patch()).status, 200);
  const refused = await patch();
  assertProblem(refused, 429, 'too-many-attempts', 'the fifth password check of the account in a minute');
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  // nothing else waits for it
  assert.equal((await signIn(s, 'tiepnhan', PASSWORD, { from: '203.0.113.51' })).status, 201);
});

// One request with its header lines as given (fetch joins repeated lines).
function rawPost(s, path, lines, body) {
  const { hostname, port } = new URL(s.base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(port), hostname);
    let data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => resolve(Number(data.split(' ')[1])));
    sock.on('error', reject);
    sock.write([`POST ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...lines, '', body].join('\r\n'));
  });
}

test('a client\'s own X-Forwarded-For line before the proxy\'s is not believed: the lines are read as one list', async () => {
  const s = await server();
  // A proxy that adds a line of its own (rather than extending the client's)
  // sends the client's forged line first. Twenty failures from one real client
  // whose forged line changes every time are still that client's twenty.
  for (let i = 0; i < 20; i++) {
    const body = JSON.stringify({ username: `guess-${i}`, password: 'wrong' });
    const status = await rawPost(s, '/api/v1/session', [`X-Forwarded-For: 192.0.2.${i}`, 'X-Forwarded-For: 198.51.100.77'], body);
    assert.equal(status, 401, `failure ${i}`);
  }
  const good = JSON.stringify({ username: 'tiepnhan', password: PASSWORD });
  assert.equal(await rawPost(s, '/api/v1/session', ['X-Forwarded-For: 192.0.2.200', 'X-Forwarded-For: 198.51.100.77'], good), 429,
    'the real client is held off');
  assert.equal((await signIn(s, 'tiepnhan', PASSWORD, { from: '203.0.113.77' })).status, 201, 'another client is not');
});

test('an account closed to new devices stays closed however many made-up usernames fail meanwhile', async () => {
  // A small table, so that the junk would have pushed the account out of it
  // when a new key could take a blocking key's slot.
  const s = await server({ MOTCUA_LIMITER_SLOTS: '256' });
  for (let i = 0; i < 5; i++) assertProblem(await signIn(s, 'congdan', `guess-${i}`, { from: `198.51.100.${i}` }), 401, 'bad-credentials');
  assertProblem(await signIn(s, 'congdan', PASSWORD, { from: '198.51.100.99' }), 429, 'too-many-attempts', 'closed to new devices');
  for (let i = 0; i < 400; i += 8) {
    await Promise.all(Array.from({ length: 8 }, (_, k) =>
      signIn(s, `zz${i + k}`, 'wrong', { from: `10.${(i + k) >> 8}.${(i + k) & 255}.1` })));
  }
  assertProblem(await signIn(s, 'congdan', PASSWORD, { from: '198.51.100.100' }), 429, 'too-many-attempts', 'still closed');
});

test('an IPv6 client counts as its /64: changing the address within it is no way round the address\'s limit', async () => {
  const s = await server();
  for (let i = 0; i < 20; i++) {
    assert.equal((await signIn(s, `guess6-${i}`, 'wrong', { from: `2001:db8:7:1::${(i + 1).toString(16)}` })).status, 401);
  }
  assertProblem(await signIn(s, 'tiepnhan', PASSWORD, { from: '2001:db8:7:1:ffff::99' }), 429, 'too-many-attempts',
    'another address of the same /64');
  assert.equal((await signIn(s, 'tiepnhan', PASSWORD, { from: '2001:db8:7:2::1' })).status, 201, 'the next /64 is another client');
});
