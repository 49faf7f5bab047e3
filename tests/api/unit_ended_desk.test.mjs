// Where a reorganisation leaves work at an ended unit's desk (docs/units.md
// §3): a result whose applicant chose a return centre that has since ended
// is handed back at the centre's successor (its desk sees it and returns it;
// the competent unit's desk and an unrelated desk do not); an officer a plan
// locked with its ended unit ("users": "deactivate") is not unlocked there,
// through the API or at the command line, until moved to a unit in force,
// so that no one takes dossiers at a desk that has ended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, PASSWORD, BIN, serverEnv } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, act, APPLICANT, ok, localDay } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
const B = '000.01.94.H56'; // the competent commune
const C = '000.02.94.H56'; // the return centre, ends into D
const D = '000.03.94.H56'; // C's successor
const X = '000.04.94.H56'; // an unrelated commune
const G = '000.05.94.H56'; // ends into D, its staff locked
const ANY = '1.994001'; // a procedure filed and collected anywhere

let server;
const tok = {};
let resolved;
const api = (...a) => server.api(...a);

async function applyPlan(name, operations, users) {
  const plan = await ok(await api('POST', '/api/v1/unit-plans', { token: tok.admin, body: { name, effective: localDay(),
    users, operations } }), 201, name);
  await ok(await api('POST', `/api/v1/unit-plans/${plan.id}/apply`, { token: tok.admin }), 200, `apply ${name}`);
}

before(async () => {
  server = await startServer({ dossiers: 0 });
  tok.admin = await server.login('admin');
  for (const [code, name] of [[B, 'Bình'], [C, 'Cát'], [D, 'Đích'], [X, 'Khác'], [G, 'Giang']]) {
    await ok(await api('POST', '/api/v1/units', { token: tok.admin, body: { code, name: `UBND xã ${name} Thử`,
      level: 'commune', parent: PROVINCE_UNIT } }), 201, `unit ${code}`);
  }
  await ok(await api('POST', '/api/v1/procedures', { token: tok.admin, body: { code: ANY,
    name: 'Chứng thực bản sao ở bất kỳ đâu', field: 'Chứng thực', levels: 'commune', duration_hours: 16,
    online_level: 2, online_class: 'full', online_class_since: '2022-08-01', anywhere: true } }), 201, 'procedure');
  for (const [u, unit, role] of [['desk.b', B], ['lead.b', B, 'leader'], ['desk.c', C], ['desk.d', D], ['desk.x', X],
    ['desk.g', G]]) {
    await ok(await api('POST', '/api/v1/users', { token: tok.admin, body: { username: u, password: PASSWORD,
      full_name: `Cán bộ ${u}`, role: role ?? 'desk', unit } }), 201, u);
    tok[u] = await server.login(u);
  }
  resolved = (await ok(await api('POST', '/api/v1/dossiers', { token: tok['desk.b'], body: { procedure_code: ANY,
    channel: 'direct', unit: B, return_centre: C, applicant: APPLICANT,
    documents: [{ name: 'Tờ khai', originals: 1 }] } }), 201, 'filed at B, to collect at C')).code;
  await ok(await act(server, tok['desk.b'], resolved, 'assign'), 200, 'assign');
  await ok(await act(server, tok['lead.b'], resolved, 'resolve', { outcome: 'approved' }), 200, 'resolve');
  await applyPlan('Gộp xã Cát vào xã Đích', [{ kind: 'merge', from: [C], into: D }], 'move');
  await applyPlan('Gộp xã Giang vào xã Đích', [{ kind: 'merge', from: [G], into: D }], 'deactivate');
});

after(async () => {
  await stopServer(server);
});

test('a result to collect at a centre that has ended is handed back at its successor, and only there', async () => {
  const seen = await ok(await api('GET', `/api/v1/dossiers/${resolved}`, { token: tok['desk.d'] }), 200,
    'the successor\'s desk sees it');
  assert.equal(seen.return_unit.code, C);
  assert.ok(seen.actions.includes('return'), `return offered at D: ${seen.actions}`);
  assertProblem(await act(server, tok['desk.b'], resolved, 'return'), 403, 'out-of-scope',
    'the competent unit\'s desk: the applicant collects it at the centre');
  assertProblem(await api('GET', `/api/v1/dossiers/${resolved}`, { token: tok['desk.x'] }), 403, 'out-of-scope',
    'an unrelated desk');
  assertProblem(await act(server, tok['desk.x'], resolved, 'return'), 403, 'out-of-scope', 'an unrelated desk');
  assert.equal((await ok(await api('GET', `/api/v1/dossiers/${resolved}`, { token: tok.admin }), 200, 'v')).version,
    seen.version, 'nothing changed');
  // C's former desk officer, moved to D by the plan, hands it back.
  const back = await ok(await act(server, await server.login('desk.c'), resolved, 'return'), 200, 'handed back at D');
  assert.equal(back.state, 'returned');
});

test('an officer locked with its ended unit is not unlocked there, by the API or the command line', async () => {
  const locked = await ok(await api('GET', '/api/v1/users/desk.g', { token: tok.admin }), 200, 'desk.g');
  assert.equal(locked.active, false);
  assert.equal(locked.unit.code ?? locked.unit, G);
  const res = await api('PATCH', '/api/v1/users/desk.g', { token: tok.admin, body: { active: true } });
  assertProblem(res, 422, 'unit-ended', 'unlocked at an ended unit');
  assert.match(res.body.detail, new RegExp(D.replace(/\./g, '\\.')), 'the detail names the successor');
  const cli = spawnSync(BIN, ['user', 'unlock', '--username', 'desk.g', '--db', server.db], { encoding: 'utf8',
    env: serverEnv() });
  assert.notEqual(cli.status, 0, cli.stdout);
  assert.match(cli.stderr, /has ended; move the account to a unit in force first/);
  assert.equal((await ok(await api('GET', '/api/v1/users/desk.g', { token: tok.admin }), 200, 'after')).active, false,
    'still locked');
  await server.login('desk.g').then(() => assert.fail('a locked account signs in'), () => {});
  // moved to the successor, it is unlocked at once, and works there
  const moved = await ok(await api('PATCH', '/api/v1/users/desk.g', { token: tok.admin, body: { unit: D, active: true } }),
    200, 'moved and unlocked');
  assert.equal(moved.active, true);
  const t = await server.login('desk.g');
  await ok(await api('POST', '/api/v1/dossiers', { token: t, body: { procedure_code: ANY, channel: 'direct', unit: D,
    applicant: APPLICANT, documents: [{ name: 'Tờ khai', originals: 1 }] } }), 201, 'files at D');
});
