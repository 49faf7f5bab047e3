// The crash test: concurrent clients file dossiers and act on them while the
// server is killed with SIGKILL at random moments (no shutdown, as a power cut
// would stop it) and restarted on the same database, several times. Every
// reply of success is recorded; afterwards the database must hold each of
// them, the event log and the dossiers must agree, and no code may have been
// handed out twice.
//
// What holds in this code (src/app/dossier.c): filing writes the dossier at
// version 1 with its "create" event; each action writes the next version and
// appends one event. So a dossier's version is its number of events, the v-th
// event (in id order) is the one that made version v, and the last event's
// to_state is the dossier's state. A reply is sent only after the commit that
// holds it (the group committer), so a success reply must survive the kill.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './harness.mjs';
import { APPLICANT, districtProcedure } from './helpers.mjs';
import { initDemo, serve } from './serve.mjs';

const ROUNDS = 4;
const CLIENTS = 6;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One client: files a dossier, then assigns it, until told to stop. Records
// every success; a request cut by the kill has no known outcome and is skipped.
async function client(s, tok, id, round, record, stop) {
  const procedure = districtProcedure().code;
  for (let i = 0; !stop.now; i++) {
    const name = `Thử Sập ${round}-${id}-${i}`;
    let res;
    try {
      res = await s.api('POST', '/api/v1/dossiers', { token: tok.desk, body: { procedure_code: procedure,
        channel: 'direct', applicant: { ...APPLICANT, name }, documents: [{ name: 'Tờ khai', originals: 1 }] } });
    } catch {
      return; // the server is gone
    }
    if (res.status !== 201) continue;
    const d = res.body;
    record.push({ action: 'create', code: d.code, version: d.version, state: d.national_status, name });
    try {
      res = await s.api('POST', `/api/v1/dossiers/${d.code}/actions`, { token: tok.desk,
        body: { action: 'assign', handler: 'chuyenvien' }, headers: { 'If-Match': `"${d.version}"` } });
    } catch {
      return;
    }
    if (res.status === 200) {
      record.push({ action: 'assign', code: d.code, version: res.body.version, state: res.body.national_status });
    }
  }
}

function sqlJson(db, q) {
  const out = execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim();
  return out ? JSON.parse(out) : [];
}

test('kill -9 at random moments loses no acknowledged write and reuses no code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-crash-'));
  const db = join(dir, 'motcua.db');
  const record = [];
  let s;
  try {
    initDemo(db);
    for (let round = 0; round < ROUNDS; round++) {
      s = await serve(db);
      const tok = { desk: await s.login('tiepnhan') };
      const stop = { now: false };
      const clients = [];
      for (let c = 0; c < CLIENTS; c++) clients.push(client(s, tok, c, round, record, stop));
      await sleep(800 + Math.floor(Math.random() * 2200));
      await s.kill9();
      stop.now = true;
      await Promise.all(clients);
      assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
    }
    // A last start recovers the WAL; a clean stop checkpoints it.
    s = await serve(db);
    assert.equal(await s.stop(), 0, s.stderr().slice(-2000));
    assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), s.stderr().slice(0, 4000));
    s = null;

    const creates = record.filter((r) => r.action === 'create');
    assert.ok(creates.length >= ROUNDS * 5, `the clients got work done: ${creates.length} filings acknowledged`);
    assert.ok(record.some((r) => r.action === 'assign'), 'some actions acknowledged');

    const dossiers = new Map(sqlJson(db, 'SELECT id, code, state, version, applicant_name FROM dossier')
      .map((d) => [d.code, d]));
    const events = new Map();
    for (const e of sqlJson(db, 'SELECT dossier_id, action, from_state, to_state FROM event ORDER BY dossier_id, id')) {
      if (!events.has(e.dossier_id)) events.set(e.dossier_id, []);
      events.get(e.dossier_id).push(e);
    }

    // Every acknowledged write is there, with the event that made it.
    const acknowledgedCodes = new Set();
    for (const r of record) {
      const d = dossiers.get(r.code);
      assert.ok(d, `${r.action} of ${r.code} was acknowledged but the dossier is missing`);
      assert.ok(d.version >= r.version, `${r.code}: stored version ${d.version} < acknowledged ${r.version}`);
      const ev = (events.get(d.id) || [])[r.version - 1];
      assert.ok(ev, `${r.code}: no event for version ${r.version}`);
      assert.equal(ev.action, r.action, `${r.code}: event of version ${r.version}`);
      assert.equal(ev.to_state, r.state, `${r.code}: state after ${r.action}`);
      if (r.action === 'create') {
        // A code handed out twice would show here as another applicant's dossier.
        assert.ok(!acknowledgedCodes.has(r.code), `${r.code} was acknowledged for two filings`);
        acknowledgedCodes.add(r.code);
        assert.equal(d.applicant_name, r.name, `${r.code} holds another filing than the one acknowledged`);
      }
    }

    // The event log and the dossiers agree, for every dossier.
    for (const d of dossiers.values()) {
      const ev = events.get(d.id) || [];
      assert.equal(ev.length, d.version, `${d.code}: ${ev.length} events for version ${d.version}`);
      assert.equal(ev[0].action, 'create', `${d.code}: first event`);
      assert.equal(ev.at(-1).to_state, d.state, `${d.code}: last event's state`);
      for (let i = 1; i < ev.length; i++) assert.equal(ev[i].from_state, ev[i - 1].to_state, `${d.code}: event ${i}`);
    }

    // Codes: unique, and per unit and day numbered in filing order without repeats.
    const byPrefix = new Map();
    for (const d of [...dossiers.values()].sort((a, b) => a.id - b.id)) {
      const prefix = d.code.slice(0, d.code.lastIndexOf('-'));
      const seq = Number(d.code.slice(d.code.lastIndexOf('-') + 1));
      const last = byPrefix.get(prefix) ?? 0;
      assert.ok(seq > last, `${d.code} filed after number ${last} of ${prefix}`);
      byPrefix.set(prefix, seq);
    }
    // Every filing here is at the one district on one day: one sequence row.
    const stored = sqlJson(db, `SELECT max(CAST(substr(d.code, -4) AS INTEGER)) AS top,
      (SELECT max(last) FROM dossier_seq) AS last FROM dossier d`)[0];
    assert.ok(stored.last >= stored.top, `the sequence (${stored.last}) is behind the codes (${stored.top})`);

    const audit = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
    assert.equal(audit.status, 0, `audit verify: ${audit.stdout}${audit.stderr}`);
  } finally {
    if (s) await s.kill9();
    rmSync(dir, { recursive: true, force: true });
  }
});
