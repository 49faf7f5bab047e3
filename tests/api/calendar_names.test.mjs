// The names of a year's days off (issue #13): a name is limited in characters,
// not bytes, is stored and loaded whole (a Vietnamese name of 200 letters takes
// 600 bytes), and a longer one is refused with 422 and nothing stored — it was
// once stored empty, and the next start of the server then failed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, BIN } from './harness.mjs';
import { stopServer, assertProblem, assertStatus } from './helpers.mjs';

const LIMIT = 200; // MC_LIMIT_CALENDAR_DAY_NAME, src/core/limits.h

let server;
let admin;

before(async () => {
  server = await startServer({ dossiers: 0 });
  admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

function put(year, days, source = 'Thông báo thử') {
  return server.api('PUT', `/api/v1/calendar/${year}`, { token: admin, body: { source, days } });
}

// `motcua calendar days-off --db`: the calendar loaded from the database as
// the server loads it when it starts.
function daysOff(year) {
  const r = spawnSync(BIN, ['calendar', 'days-off', String(year), '--db', server.db, '--json'],
    { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 0, `motcua calendar days-off ${year}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('a name of the limit in characters, three bytes each, is stored and loaded whole', async () => {
  const name = 'ệ'.repeat(LIMIT);
  assert.equal(Buffer.byteLength(name), 3 * LIMIT);
  assertStatus(await put(2032, [{ date: '2032-03-08', kind: 'holiday', name }]), 200, 'a long name');
  const got = await server.api('GET', '/api/v1/calendar/2032');
  assertStatus(got, 200);
  assert.equal(got.body.basis, 'official');
  assert.deepEqual(got.body.days, [{ date: '2032-03-08', kind: 'holiday', name }]);
  assert.deepEqual(daysOff(2032), [{ date: '2032-03-08', kind: 'holiday', name }]);
});

test('a name over the limit is refused with 422 and nothing is stored', async () => {
  const before = await server.api('GET', '/api/v1/calendar/2032');
  const res = await put(2032, [{ date: '2032-03-09', kind: 'holiday', name: 'ệ'.repeat(LIMIT + 1) }]);
  assertProblem(res, 422, 'invalid-field', 'a name too long');
  assert.match(res.body.detail, /days\[0\]\.name is longer than 200 characters/);
  assert.deepEqual((await server.api('GET', '/api/v1/calendar/2032')).body, before.body);
  // a year not stored stays the rule's, for the server and for the command line
  assertProblem(await put(2033, [{ date: '2033-03-09', kind: 'holiday', name: 'x'.repeat(LIMIT + 1) }]),
    422, 'invalid-field', 'a name too long in a new year');
  assert.equal((await server.api('GET', '/api/v1/calendar/2033')).body.basis, 'rule');
  assert.ok(daysOff(2033).every((d) => d.name.length <= LIMIT));
  // the notice's name has its limit too
  assertProblem(await put(2033, [{ date: '2033-03-09', kind: 'holiday', name: 'Nghỉ' }], 'x'.repeat(2001)),
    422, 'invalid-field', 'a source too long');
  assert.equal((await server.api('GET', '/api/v1/calendar/2033')).body.basis, 'rule');
});
