// Password guessing is slowed down: five failures lock an account and twenty
// an address for fifteen minutes, with answers that do not tell whether an
// account exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem } from './helpers.mjs';

let server;
before(async () => { server = await startServer({ dossiers: 5 }); });
after(async () => { await stopServer(server); });

const login = (username, password) => server.api('POST', '/api/v1/session', { body: { username, password } });

test('five failures lock an account, even against the right password; others still sign in', async () => {
  for (let i = 0; i < 5; i++) assertProblem(await login('tiepnhan', `wrong-${i}`), 401, 'bad-credentials');
  const locked = await login('tiepnhan', PASSWORD);
  assertProblem(locked, 429, 'too-many-attempts');
  const retry = Number(locked.headers.get('retry-after'));
  assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
  assert.equal((await login('chuyenvien', PASSWORD)).status, 201);
});

test('an unknown account behaves exactly like a known one', async () => {
  const known = [];
  const unknown = [];
  for (let i = 0; i < 5; i++) {
    known.push(await login('lanhdao', `wrong-${i}`));
    unknown.push(await login('khong-ton-tai', `wrong-${i}`));
  }
  for (let i = 0; i < 5; i++) {
    assert.equal(known[i].status, unknown[i].status);
    assert.equal(known[i].body.detail, unknown[i].body.detail);
  }
  const a = await login('lanhdao', 'x');
  const b = await login('khong-ton-tai', 'x');
  assert.equal(a.status, 429);
  assert.equal(b.status, 429);
  assert.equal(a.body.type, b.body.type);
});

test('twenty failures from one address lock the address', async () => {
  // 10 failures were counted above for this address (tiepnhan, lanhdao, khong-ton-tai: 5+5+5 = 15, plus 2 locked answers not counted)
  let status = 0;
  for (let i = 0; i < 10 && status !== 429; i++) status = (await login(`khach-${i}`, 'wrong')).status;
  assert.equal(status, 429);
  assertProblem(await login('admin', PASSWORD), 429, 'too-many-attempts');
});
