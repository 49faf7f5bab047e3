// The tamper-evident event log: `motcua audit verify` accepts an untouched
// database and names the first broken link after a row is edited or removed
// behind the server's back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD } from './harness.mjs';

function demo() {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-audit-'));
  const db = join(dir, 'm.db');
  execFileSync(BIN, ['init', '--db', db, '--demo', '--dossiers', '60'], {
    env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD }, stdio: 'ignore',
  });
  return { dir, db };
}
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const verify = (db) => spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });

test('an untouched log verifies', () => {
  const { dir, db } = demo();
  const r = verify(db);
  assert.equal(r.status, 0, r.stderr);
  const events = Number(sql(db, 'SELECT count(*) FROM event'));
  assert.match(r.stdout, new RegExp(`${events} events of \\d+ dossiers verified`));
  rmSync(dir, { recursive: true, force: true });
});

test('the log refuses edits; an edit made behind its back is reported at its row', () => {
  const { dir, db } = demo();
  const row = sql(db, `SELECT id FROM event WHERE action != 'create' ORDER BY id LIMIT 1 OFFSET 10`);
  // the triggers refuse UPDATE and DELETE from any connection
  const refused = spawnSync('sqlite3', [db, `UPDATE event SET note = 'x' WHERE id = ${row}`], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  // someone with the file drops the trigger and edits a note
  sql(db, `DROP TRIGGER event_no_update; UPDATE event SET note = 'sửa lén' WHERE id = ${row}`);
  const r = verify(db);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`broken link at event ${row} `));
  rmSync(dir, { recursive: true, force: true });
});

test('a removed event breaks the link of the next one', () => {
  const { dir, db } = demo();
  const [dossier, first, second] = sql(db,
    'SELECT dossier_id, min(id), (SELECT min(id) FROM event e2 WHERE e2.dossier_id = e.dossier_id AND e2.id > min(e.id)) ' +
    'FROM event e GROUP BY dossier_id HAVING count(*) >= 3 LIMIT 1').split('|');
  assert.ok(dossier && first && second);
  sql(db, `DROP TRIGGER event_no_delete; DELETE FROM event WHERE id = ${first}`);
  const r = verify(db);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`broken link at event ${second} of dossier #${dossier} `));
  rmSync(dir, { recursive: true, force: true });
});
