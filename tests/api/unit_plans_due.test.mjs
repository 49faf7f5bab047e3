// Scheduled reorganisation plans on their day, applied by the server's own
// upkeep (docs/units.md §3): a plan the units no longer fit (the code it
// would create was taken meanwhile) is marked failed with its reason, named
// in the log, and the other plan of the day is applied all the same; a plan
// touching a unit a scheduled plan touches is refused, naming that plan. The
// server's clock is moved with libfaketime (a timestamp file it re-reads),
// and its upkeep runs every second (audit_anchor_seconds = 1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, assertProblem, assertStatus } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const E1 = '000.61.97.H56', E2 = '000.62.97.H56';
const TAKEN = '000.71.97.H56'; // the code P1 would create, taken by hand meanwhile
let server, admin;

before(async () => {
  if (!FAKETIME) return;
  // Monday 7 December 2026, 08:00 in Vietnam.
  server = await startServer({ dossiers: 0, clock: '2026-12-07T01:00:00Z', env: { MOTCUA_AUDIT_ANCHOR_SECONDS: '1' } });
  admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

const api = (...a) => server.api(...a);

async function plan(name, effective, from, code) {
  const created = await api('POST', '/api/v1/unit-plans', { token: admin, body: { name, effective, operations: [
    { kind: 'rename', from, into: { code, name: `UBND xã ${code}` } }] } });
  assertStatus(created, 201, name);
  return { id: created.body.id, res: await api('POST', `/api/v1/unit-plans/${created.body.id}/apply`, { token: admin }) };
}

async function eventually(read, done, what) {
  let last;
  for (let i = 0; i < 300; i++) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: ${JSON.stringify(last)}`);
}

test('a stale scheduled plan fails alone, with its reason; the other plan of the day applies', { skip: NO_FAKETIME }, async () => {
  for (const code of [E1, E2]) {
    assertStatus(await api('POST', '/api/v1/units', { token: admin,
      body: { code, name: `UBND xã ${code}`, level: 'commune', parent: PROVINCE_UNIT } }), 201, code);
  }
  const p1 = await plan('P1', '2026-12-09', E1, TAKEN);
  assertStatus(p1.res, 202, 'P1 scheduled');
  const p2 = await plan('P2', '2026-12-09', E2, '000.72.97.H56');
  assertStatus(p2.res, 202, 'P2 scheduled');

  // P0 renames E1 today: refused, naming P1, and nothing changes.
  const p0 = await plan('P0', '2026-12-07', E1, '000.70.97.H56');
  assertProblem(p0.res, 422, 'invalid-field', 'P1 touches E1');
  assert.match(p0.res.body.detail, new RegExp(`unit ${E1.replace(/\./g, '\\.')} is also changed by scheduled plan ${p1.id} "P1" \\(effective 2026-12-09\\)`));
  assert.equal((await api('GET', `/api/v1/units/${E1}`)).body.valid_to, null);
  assert.equal((await api('GET', `/api/v1/unit-plans/${p0.id}`, { token: admin })).body.status, 'draft');

  // The code P1 would create is taken by hand: P1 can no longer apply.
  assertStatus(await api('POST', '/api/v1/units', { token: admin,
    body: { code: TAKEN, name: 'UBND xã Trùng Mã', level: 'commune', parent: PROVINCE_UNIT } }), 201, 'taken');

  server.setClock('2026-12-09T01:00:00Z'); // Wednesday 9 December, 08:00: the plans' day
  admin = await server.login('admin'); // the session of two days ago has expired
  const got2 = await eventually(() => api('GET', `/api/v1/unit-plans/${p2.id}`, { token: admin }),
    (r) => r.body.status !== 'scheduled', 'P2 is applied on its day');
  assert.equal(got2.body.status, 'applied');
  assert.equal(got2.body.failure, null);
  assert.equal((await api('GET', `/api/v1/units/${E2}`)).body.valid_to, '2026-12-09');
  assertStatus(await api('GET', '/api/v1/units/000.72.97.H56'), 200, 'P2 made its unit');

  const got1 = (await api('GET', `/api/v1/unit-plans/${p1.id}`, { token: admin })).body;
  assert.equal(got1.status, 'failed');
  assert.match(got1.failure, new RegExp(`a unit with code ${TAKEN.replace(/\./g, '\\.')} exists already`));
  const listed = (await api('GET', '/api/v1/unit-plans', { token: admin })).body.items.find((p) => p.id === p1.id);
  assert.equal(listed.failure, got1.failure, 'the list shows it too');
  assert.equal((await api('GET', `/api/v1/units/${E1}`)).body.valid_to, null, 'P1 changed nothing');
  assert.match(server.stderr(), new RegExp(`scheduled reorganisation plan ${p1.id} "P1" cannot be applied and is marked failed: .*exists already`));
  assert.doesNotMatch(server.stderr(), /could not apply the scheduled reorganisation plans/);

  // By hand it is still refused while the units do not fit it.
  assertProblem(await api('POST', `/api/v1/unit-plans/${p1.id}/apply`, { token: admin }), 422, 'invalid-field');
});
