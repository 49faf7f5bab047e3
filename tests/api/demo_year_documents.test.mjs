// The demo's year of documents between its units (docs/documents.md §10,
// src/demo/documents.c mc_demo_year, `init --demo --documents N`): every
// department and district (and the province) has its outgoing and incoming
// registers of 2017; each issued documents over 2017, numbered in order in its
// register without a gap (but the three units whose documents bear the
// numbers they bore); each received copies of other units' documents, the
// registered ones numbered 1, 2, … in order of arrival (số đến); every
// delivered copy's source is a document another demo unit issued to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN } from './harness.mjs';
import { stopServer, assertStatus, demoRegisters, PROVINCE, DEPARTMENT, DISTRICT } from './helpers.mjs';

const ROOT = PROVINCE.units.find((u) => u.level === 'province').code;
// Their 2017 outgoing numbers are those the documents bore (a register of
// thousands, of which the demo keeps a few), not a series from 1.
const HAND_NUMBERED = new Set([ROOT, DEPARTMENT, DISTRICT]);
const UNITS = PROVINCE.units.filter((u) => ['province', 'department', 'district'].includes(u.level));

let server, token;
before(async () => {
  server = await startServer({ dossiers: 0, documents: 1200 });
  token = await server.login('admin');
});
after(() => stopServer(server));

async function listAll(path) {
  const items = [];
  for (let offset = 0; ; offset += 200) {
    const res = await server.api('GET', `${path}&limit=200&offset=${offset}`, { token });
    assertStatus(res, 200, path);
    items.push(...res.body.items);
    if (res.body.items.length < 200) return items;
  }
}

// The local (UTC+7) day of the week and minute of the day of an ISO time.
function local(iso) {
  const d = new Date(new Date(iso).getTime() + 7 * 3600e3);
  return { weekday: d.getUTCDay(), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
}

test("the demo's units exchanged a year of documents, numbered in order in their registers", async () => {
  const registers = await demoRegisters(server, token);
  for (const u of UNITS) {
    assert.ok(registers[`${u.code} out`], `${u.name} has an outgoing register`);
    assert.ok(registers[`${u.code} in`], `${u.name} has an incoming register`);
  }
  const out = await listAll('/api/v1/documents?box=out&state=issued&year=2017');
  const incoming = await listAll('/api/v1/documents?box=in');
  const byId = new Map(out.map((d) => [d.id, d]));
  const unitOf = new Map(UNITS.map((u) => [u.code, u]));

  // Issued: by every unit, over the year, on working days at office hours,
  // numbered 1, 2, … in date order in each register that starts the year.
  const months = new Set();
  for (const u of UNITS) {
    const mine = out.filter((d) => d.unit.code === u.code).sort((a, b) => a.serial - b.serial);
    assert.ok(mine.length > 0, `${u.name} issued documents in 2017`);
    assert.equal(new Set(mine.map((d) => d.register)).size, 1, `${u.name}: one outgoing register`);
    assert.equal(new Set(mine.map((d) => d.serial)).size, mine.length, `${u.name}: no number twice`);
    if (HAND_NUMBERED.has(u.code)) continue;
    assert.deepEqual(mine.map((d) => d.serial), mine.map((_, i) => i + 1), `${u.name}: numbers without a gap`);
    for (let i = 1; i < mine.length; i++)
      assert.ok(mine[i - 1].issued_at <= mine[i].issued_at, `${u.name}: ${mine[i].number} issued after ${mine[i - 1].number}`);
    for (const d of mine) {
      const { weekday, minute } = local(d.issued_at);
      assert.ok(weekday >= 1 && weekday <= 5 && minute >= 7 * 60 && minute < 17 * 60, `${d.number} at office hours: ${d.issued_at}`);
      assert.ok(d.recipient_units.length > 0, `${d.number} was sent inside the deployment`);
      months.add(d.issued_at.slice(0, 7));
    }
  }
  assert.equal(months.size, 12, 'issued over the twelve months of 2017');

  // Received: every copy from another demo unit, which addressed it to the
  // recipient; the registered ones numbered in order of arrival.
  const copies = incoming.filter((d) => d.source);
  assert.ok(copies.length >= out.length, 'every document reached at least one unit');
  for (const c of copies) {
    const src = byId.get(c.source);
    assert.ok(src, `copy ${c.id}: its source is an issued document of 2017`);
    assert.ok(unitOf.has(src.unit.code), `copy ${c.id}: sent by a demo unit`);
    assert.notEqual(src.unit.code, c.unit.code, `copy ${c.id}: sent by another unit`);
    assert.ok(src.recipient_units.includes(c.unit.code), `copy ${c.id}: addressed to its unit`);
    assert.equal(c.number, src.number, `copy ${c.id}: the sender's number and notation`);
  }
  const registered = copies.filter((c) => c.arrival_number);
  const assigned = copies.filter((c) => c.state === 'assigned');
  assert.ok(registered.length > copies.length * 0.9, 'most copies registered');
  assert.ok(assigned.length > registered.length / 2 && assigned.every((c) => c.assigned_unit && c.deadline),
    'many assigned, each with a unit in charge and a deadline');
  assert.ok(copies.some((c) => c.state === 'arrived'), 'a few still waiting for the clerk');
  for (const u of UNITS) {
    const mine = incoming.filter((d) => d.unit.code === u.code && d.arrival_number && d.year === 2017)
      .sort((a, b) => a.arrival_number - b.arrival_number);
    assert.ok(mine.some((d) => d.source), `${u.name} received documents of other units`);
    assert.deepEqual(mine.map((d) => d.arrival_number), mine.map((_, i) => i + 1), `${u.name}: số đến without a gap`);
    for (let i = 1; i < mine.length; i++)
      assert.ok(mine[i - 1].received_at <= mine[i].received_at, `${u.name}: số đến ${i + 1} arrived after ${i}`);
  }
});

test('among the year of documents, a search for administrative reform still finds report 6366/BC-UBND', async () => {
  const found = await listAll('/api/v1/documents?q=cai%20cach%20hanh%20chinh');
  assert.ok(found.some((d) => d.number === '6366/BC-UBND'), 'the report is found');
  assert.ok(found.filter((d) => d.box === 'out' && d.source === undefined && d.unit.code !== ROOT).length > 10,
    "the units' reports on administrative reform are found too");
});

test('init --documents takes a count from 0 to 100000 and refuses anything else, creating nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-docs-'));
  for (const bad of ['-1', '100001', 'many', '12x', '']) {
    const db = join(dir, `bad${bad}.db`);
    const r = spawnSync(BIN, ['init', '--db', db, '--demo', '--dossiers', '0', '--documents', bad], { encoding: 'utf8' });
    assert.equal(r.status, 2, `--documents '${bad}': ${r.stderr}`);
    assert.match(r.stderr, /--documents must be from 0 to 100000/);
    assert.equal(spawnSync('test', ['-e', db]).status, 1, `--documents '${bad}' created no database`);
  }
});
