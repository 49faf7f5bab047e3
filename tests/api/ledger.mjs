// What a server left in its database, read behind its back (the sqlite3 tool
// on a SQLite file, psql on a PostgreSQL URL), and the checks the crash and
// PostgreSQL-restart tests make on it.
//
// What holds in this code (src/app/dossier.c): filing writes the dossier at
// version 1 with its "create" event; each action writes the next version and
// appends one event. So a dossier's version is its number of events, the v-th
// event (in id order) is the one that made version v, and the last event's
// to_state is the dossier's state. A reply of success is sent only after the
// commit that holds it (the group committer), so it must be in the database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const isPg = (db) => /^postgres(ql)?:\/\//.test(db);

// The rows of query as objects, on either backend.
export function dbRows(db, query) {
  let out;
  if (isPg(db)) {
    const dir = process.env.MOTCUA_PG_BINDIR;
    out = execFileSync(dir ? join(dir, 'psql') : 'psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
      '-d', db.split('?')[0], '-c', `SELECT coalesce(json_agg(t), '[]') FROM (${query}) t`],
    { encoding: 'utf8', maxBuffer: 64 << 20 });
  } else {
    out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  out = out.trim();
  return out ? JSON.parse(out) : [];
}

// Checks the database against the successes the clients recorded, each
// { action: 'create' | <action>, code, version, state (national code), name
// (create only) }, and checks every dossier on its own:
//  - each acknowledged write is there, with the event that made it;
//  - no code was acknowledged for two filings, and none holds another filing;
//  - every dossier has its create event first, one event per version, events
//    that chain state to state, and the last one's state is the dossier's;
//  - codes of a unit and day are numbered in filing order, and the stored
//    sequence is not behind them (a number handed out again would be).
// Returns { dossiers: Map code → row, names: Set of applicant names stored }.
export function checkLedger(db, record) {
  const dossiers = new Map(dbRows(db, 'SELECT id, code, state, version, applicant_name FROM dossier')
    .map((d) => [d.code, d]));
  const events = new Map();
  const rows = dbRows(db, 'SELECT id, dossier_id, action, from_state, to_state FROM event');
  rows.sort((a, b) => a.dossier_id - b.dossier_id || a.id - b.id);
  for (const e of rows) {
    if (!events.has(e.dossier_id)) events.set(e.dossier_id, []);
    events.get(e.dossier_id).push(e);
  }

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

  for (const d of dossiers.values()) {
    const ev = events.get(d.id) || [];
    assert.equal(ev.length, d.version, `${d.code}: ${ev.length} events for version ${d.version}`);
    assert.equal(ev[0].action, 'create', `${d.code}: first event`);
    assert.equal(ev.at(-1).to_state, d.state, `${d.code}: last event's state`);
    for (let i = 1; i < ev.length; i++) assert.equal(ev[i].from_state, ev[i - 1].to_state, `${d.code}: event ${i}`);
  }

  const byPrefix = new Map();
  let top = 0;
  for (const d of [...dossiers.values()].sort((a, b) => a.id - b.id)) {
    const prefix = d.code.slice(0, d.code.lastIndexOf('-'));
    const seq = Number(d.code.slice(d.code.lastIndexOf('-') + 1));
    const last = byPrefix.get(prefix) ?? 0;
    assert.ok(seq > last, `${d.code} filed after number ${last} of ${prefix}`);
    byPrefix.set(prefix, seq);
    top = Math.max(top, seq);
  }
  // The tests file at one district on one day: one sequence row.
  const stored = dbRows(db, 'SELECT max(last) AS last FROM dossier_seq')[0].last ?? 0;
  assert.ok(stored >= top, `the sequence (${stored}) is behind the codes (${top})`);

  return { dossiers, names: new Set([...dossiers.values()].map((d) => d.applicant_name)) };
}
