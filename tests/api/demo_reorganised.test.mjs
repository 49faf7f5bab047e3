// The demo province after the reorganisation of 1 July 2025 (`motcua init
// --demo --reorganised`, docs/units.md): the districts ended and the communes
// merged four by four under the province; dossiers filed before the change
// and open across it moved to the new communes with an event; the 2017
// reform report is the same as on the demo without the reorganisation; the
// statistics of a period that spans the change count every dossier once,
// by the units that held them or rolled up into today's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN, PASSWORD } from './harness.mjs';
import { stopServer, assertStatus } from './helpers.mjs';

const PROVINCE_UNIT = '000.00.00.H56';
let server;
let tok;

before(async () => {
  server = await startServer({ dossiers: 200, initArgs: ['--reorganised'] });
  tok = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

async function get(path) {
  const res = await server.api('GET', path, { token: tok });
  assertStatus(res, 200, path);
  return res.body;
}

function byLevel(items) {
  const n = {};
  for (const u of items) n[u.level] = (n[u.level] || 0) + 1;
  return n;
}

test('the tree of 2017 and the tree after 1 July 2025', async () => {
  const then = await get('/api/v1/units?at=2017-06-30');
  // 29 departments and the 10 public service units the 2017 report rates (docs/par-index.md), at
  // the department level.
  assert.deepEqual(byLevel(then.items), { province: 1, department: 39, district: 27, commune: 635 });
  const now = await get('/api/v1/units?at=2025-07-01');
  const levels = byLevel(now.items);
  assert.equal(levels.district, undefined, 'no district is in force');
  assert.equal(levels.province, 1);
  assert.equal(levels.department, 39);
  assert.ok(levels.commune >= 155 && levels.commune <= 165, `about 160 communes: ${levels.commune}`);
  const ended = then.items.find((u) => u.level === 'commune');
  const unit = await get(`/api/v1/units/${ended.code}`);
  assert.equal(unit.valid_to, '2025-07-01');
  assert.equal(unit.successors.length, 1);
  const successor = await get(`/api/v1/units/${unit.successors[0]}`);
  assert.equal(successor.valid_from, '2025-07-01');
  assert.equal(successor.parent, PROVINCE_UNIT);
  const plans = await get('/api/v1/unit-plans');
  assert.equal(plans.items.length, 1);
  assert.equal(plans.items[0].status, 'applied');
  assert.ok(plans.items[0].applied.moved_dossiers > 0);
});

test('a district\'s desk, dossiers and staff went to the commune formed around its communes', async () => {
  const district = await get('/api/v1/units/000.00.33.H56');
  assert.equal(district.level, 'district');
  assert.equal(district.valid_to, '2025-07-01');
  assert.equal(district.successors.length, 1);
  const commune = await get(`/api/v1/units/${district.successors[0]}`);
  assert.equal(commune.level, 'commune');
  assert.equal(commune.parent, PROVINCE_UNIT);
  assert.doesNotMatch(commune.name, /thị trấn/, 'no towns after 2025');
  // The district's desk officer works there now and files there.
  const desk = await server.login('tiepnhan');
  const me = await server.api('GET', '/api/v1/session', { token: desk });
  assertStatus(me, 200, 'the session');
  assert.equal(me.body.user.unit.code, commune.code);
});

test('dossiers open across the change moved to the new communes, with their codes', async () => {
  const list = await get('/api/v1/dossiers?limit=200&open=true');
  const moved = [];
  for (const d of list.items) {
    const full = await get(`/api/v1/dossiers/${d.code}`);
    const ev = full.events.find((e) => e.action === 'reorganise');
    if (!ev) continue;
    moved.push(full);
    assert.ok(full.code.startsWith(full.receiving_unit.code), 'the code stays as the receiving unit issued it');
    assert.match(ev.at, /^2025-07-01T00:00/);
    assert.notEqual(full.current_unit.code, full.receiving_unit.code);
  }
  assert.ok(moved.length > 0, 'some dossiers of 2025 were open across the change');
});

test('the 2017 reform report is the same with the reorganisation as without it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-reorg-'));
  try {
    const plain = join(dir, 'plain.db');
    execFileSync(BIN, ['init', '--db', plain, '--demo', '--dossiers', '200'],
      { env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'] });
    const report = (db) => spawnSync(BIN, ['report', 'reform', '--db', db, '--from', '2017-01-01', '--to',
      '2017-06-30', '--format', 'md', '--date', '2017-07-05'], { encoding: 'utf8' });
    const a = report(plain);
    const b = report(server.db);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /100% UBND cấp huyện \(27\/27\)/);
    assert.match(b.stdout, /99,7% UBND cấp xã \(633\/635\)/);
    assert.equal(b.stdout, a.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statistics across the change: by the units of then, or rolled up into today\'s', async () => {
  const q = `unit=${PROVINCE_UNIT}&from=2025-04-01&to=2025-10-01&group=unit`;
  const then = await get(`/api/v1/stats?${q}`);
  const now = await get(`/api/v1/stats?${q}&units=today`);
  assert.deepEqual(now.totals, then.totals, 'every dossier counted once either way');
  assert.ok(then.totals.received.total > 0);
  const levelOf = new Map((await get('/api/v1/units')).items.map((u) => [u.code, u.level]));
  const districtRows = then.rows.filter((r) => r.key && levelOf.get(r.key.code) === 'district');
  assert.ok(districtRows.some((r) => r.received.total > 0), 'received by the districts\' communes before the change');
  assert.ok(!now.rows.some((r) => r.key && levelOf.get(r.key.code) === 'district'), 'no district today');
  const communeRows = now.rows.filter((r) => r.key && levelOf.get(r.key.code) === 'commune');
  assert.ok(communeRows.some((r) => r.received.total > 0), 'today\'s communes carry their predecessors\' figures');
  // The rows add up to the totals.
  const sumReceived = (rows) => rows.reduce((s, r) => s + r.received.total, 0);
  assert.equal(sumReceived(now.rows), now.totals.received.total);
});
