// The tamper-evident event log: `motcua audit verify` accepts an untouched
// database and names the first broken link after a row is edited or removed
// behind the server's back; with the anchors (app/audit.h) it also finds what
// a chain alone cannot show: its last event removed, a whole dossier removed
// with its events, a state changed without its event, an anchor removed; and
// for the official documents' and the tasks' logs, which the anchors cover
// too (migration 054), an event, a document or a task removed, a log emptied.
// The last test attacks a PostgreSQL database the same way (scripts/pg.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD, freshDatabase, dropDatabase } from './harness.mjs';

function demo(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-audit-'));
  const db = join(dir, 'm.db');
  execFileSync(BIN, ['init', '--db', db, '--demo', '--dossiers', '60'], {
    env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD, ...env }, stdio: 'ignore',
  });
  return { dir, db };
}
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const verify = (db, ...args) => spawnSync(BIN, ['audit', 'verify', '--db', db, ...args], { encoding: 'utf8' });
// Verification fails (exit 1) and says what was found.
function refused(db, re, ...args) {
  const r = verify(db, ...args);
  assert.equal(r.status, 1, `verify should fail:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, re);
  assert.match(r.stdout, /problems? found/);
  return r.stdout;
}

test('an untouched log verifies, with the anchor that init made', () => {
  const { dir, db } = demo();
  const r = verify(db);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const events = Number(sql(db, 'SELECT count(*) FROM event'));
  assert.match(r.stdout, new RegExp(`${events} events of 60 dossiers verified`));
  assert.match(r.stdout, /1 anchors verified/);
  assert.equal(sql(db, 'SELECT count(*) FROM audit_anchor_entry WHERE anchor_id = 1'), '60');
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

// The tasks' logs (app/task.h) are chained as the dossiers' and verified with them.
test("the tasks' logs verify; a task event edited behind the server's back names its task", () => {
  const { dir, db } = demo();
  const events = Number(sql(db, 'SELECT count(*) FROM task_event'));
  const tasks = Number(sql(db, 'SELECT count(DISTINCT task_id) FROM task_event'));
  assert.ok(tasks > 0, 'the demo has tasks');
  const ok = verify(db);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`${events} events of ${tasks} tasks verified, every link intact`));
  const [row, task] = sql(db,
    `SELECT id, task_id FROM task_event WHERE action != 'assign' ORDER BY id LIMIT 1 OFFSET 5`).split('|');
  // the triggers refuse the edit; with the file, someone drops them and edits the percent reported
  assert.notEqual(spawnSync('sqlite3', [db, `UPDATE task_event SET percent = 100 WHERE id = ${row}`]).status, 0);
  sql(db, `DROP TRIGGER task_event_no_update; UPDATE task_event SET percent = 100 - percent WHERE id = ${row}`);
  const out = refused(db, new RegExp(`broken link at event ${row} of task #${task} `));
  assert.equal(out.match(/broken link/g).length, 1, 'one task, one broken link: ' + out);
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

// A dossier of the demo with at least three events, and its state.
const someDossier = (db, offset = 0) => sql(db,
  `SELECT d.id, d.code, d.state FROM dossier d WHERE (SELECT count(*) FROM event e WHERE e.dossier_id = d.id) >= 3 ` +
  `ORDER BY d.id LIMIT 1 OFFSET ${offset}`).split('|');

test("a dossier's last event removed: the chain looks whole, the record and the anchor do not", () => {
  const { dir, db } = demo();
  const [id, code] = someDossier(db);
  const n = Number(sql(db, `SELECT count(*) FROM event WHERE dossier_id = ${id}`));
  sql(db, `DROP TRIGGER event_no_delete; DELETE FROM event WHERE id = (SELECT max(id) FROM event WHERE dossier_id = ${id})`);
  const out = refused(db, new RegExp(`dossier #${id} \\(${code}\\): its record says ${n} events .* its log holds ${n - 1}`));
  assert.match(out, new RegExp(`dossier #${id} \\(${code}\\): anchor 1 recorded ${n} events, its log holds ${n - 1}: events were removed`));
  // making the record agree does not hide it: the anchor still holds the head
  sql(db, `UPDATE dossier SET event_count = ${n - 1}, head_hash = (SELECT hash FROM event WHERE dossier_id = ${id} ` +
    `ORDER BY id DESC LIMIT 1), state = (SELECT to_state FROM event WHERE dossier_id = ${id} ORDER BY id DESC LIMIT 1) ` +
    `WHERE id = ${id}`);
  refused(db, new RegExp(`dossier #${id} \\(${code}\\): anchor 1 recorded ${n} events, its log holds ${n - 1}`));
  rmSync(dir, { recursive: true, force: true });
});

test('a whole dossier removed with its events is missed by the chains and found by the anchor', () => {
  const { dir, db } = demo();
  const [id] = someDossier(db, 3);
  const n = sql(db, `SELECT count(*) FROM event WHERE dossier_id = ${id}`);
  sql(db, `DROP TRIGGER event_no_delete; DELETE FROM event WHERE dossier_id = ${id}; ` +
    `DELETE FROM dossier_document WHERE dossier_id = ${id}; DELETE FROM dossier WHERE id = ${id}`);
  refused(db, new RegExp(`dossier #${id} is missing: anchor 1 recorded it with ${n} events; it was removed`));
  rmSync(dir, { recursive: true, force: true });
});

test('a state changed without its event is found', () => {
  const { dir, db } = demo();
  const [id, code, state] = someDossier(db, 5);
  const other = state === '9' ? 4 : 9; // resolved, or processing
  sql(db, `UPDATE dossier SET state = ${other} WHERE id = ${id}`);
  refused(db, new RegExp(`dossier #${id} \\(${code}\\): state \\w+, but its last event \\d+ \\(\\w+\\) leads to \\w+: ` +
    'the state was changed without its event'));
  rmSync(dir, { recursive: true, force: true });
});

test('a removed anchor is found, in the middle of the chain and at its end', () => {
  const { dir, db } = demo();
  // a second anchor: more dossiers, anchored by `motcua demo`
  execFileSync(BIN, ['demo', '--db', db, '--dossiers', '5'], { stdio: 'ignore' });
  assert.equal(sql(db, 'SELECT count(*) FROM audit_anchor'), '2');
  assert.equal(verify(db).status, 0, 'two anchors verify');
  const copy = join(dir, 'copy.db');
  execFileSync('cp', [db, copy]);

  sql(db, 'DROP TRIGGER audit_anchor_no_delete; DELETE FROM audit_anchor WHERE id = 1');
  const out = refused(db, /anchor 1 is missing: it was removed/);
  assert.match(out, /\d+ anchor entries name anchor 1, which is missing/);

  sql(copy, 'DROP TRIGGER audit_anchor_no_delete; DROP TRIGGER audit_anchor_entry_no_delete; ' +
    'DELETE FROM audit_anchor WHERE id = 2; DELETE FROM audit_anchor_entry WHERE anchor_id = 2');
  refused(copy, /anchor 2 is missing: it was removed/);
  assert.match(verify(copy).stdout, /5 dossiers name a missing anchor \(2 to 2\)/);
  rmSync(dir, { recursive: true, force: true });
});

test('signed anchors: verified with the key; a forged or unsigned anchor is refused', () => {
  const keys = mkdtempSync(join(tmpdir(), 'motcua-audit-key-'));
  const key = join(keys, 'audit.key');
  const gen = execFileSync(BIN, ['audit', 'keygen', '--out', key], { encoding: 'utf8' });
  const pub = gen.trim().split('\n').pop();
  assert.match(pub, /^[0-9a-f]{64}$/);
  assert.match(readFileSync(key, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.notEqual(spawnSync(BIN, ['audit', 'keygen', '--out', key]).status, 0, 'an existing key is not replaced');

  const { dir, db } = demo({ MOTCUA_AUDIT_KEY_FILE: key });
  const ok = verify(db, '--public-key', pub);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 anchors verified \(1 signed with the given key\)/);
  assert.equal(verify(db, '--key', key).status, 0);

  const other = join(keys, 'other.key');
  const otherPub = execFileSync(BIN, ['audit', 'keygen', '--out', other], { encoding: 'utf8' }).trim().split('\n').pop();
  refused(db, /anchor 1: the signature does not match its root and the given key/, '--public-key', otherPub);

  // whoever rewrites an anchor cannot sign it again
  sql(db, 'DROP TRIGGER audit_anchor_no_update; UPDATE audit_anchor SET public_key = ' +
    `'${otherPub}' WHERE id = 1`);
  refused(db, /anchor 1: the signature does not match its root/);
  sql(db, "UPDATE audit_anchor SET signature = '', public_key = '' WHERE id = 1");
  refused(db, /anchor 1 is not signed/, '--public-key', pub);
  rmSync(dir, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
});

test("the official documents' events are chained too: an edit, a blanked hash, a forged row are found and the document named", () => {
  const { dir, db } = demo();
  const r = verify(db);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const events = sql(db, 'SELECT count(*) FROM document_event');
  const docs = sql(db, 'SELECT count(DISTINCT document_id) FROM document_event');
  assert.match(r.stdout, new RegExp(`${events} events of ${docs} official documents verified, every link intact`));
  const [doc, row] = sql(db, "SELECT d.id, e.id FROM document d JOIN document_event e ON e.document_id = d.id " +
    "WHERE d.notation = '6366/BC-UBND'").split('|');
  const hash = sql(db, `SELECT hash FROM document_event WHERE id = ${row}`);
  assert.match(hash, /^[0-9a-f]{64}$/);
  // the triggers refuse the edit; someone with the file drops them and edits the note
  assert.notEqual(spawnSync('sqlite3', [db, `UPDATE document_event SET note = 'x' WHERE id = ${row}`]).status, 0);
  sql(db, `DROP TRIGGER document_event_no_update; UPDATE document_event SET note = 'sửa lén' WHERE id = ${row}`);
  refused(db, new RegExp(`broken link at event ${row} of document #${doc} \\(6366/BC-UBND: Kết quả thực hiện công tác cải cách hành chính`));
  // the hash blanked as if the row predated the chain: it does not
  sql(db, `UPDATE document_event SET note = 'dữ liệu mẫu', hash = '' WHERE id = ${row}`);
  refused(db, new RegExp(`broken link at event ${row} of document #${doc} \\(6366/BC-UBND[^\\n]*\\n  stored   \\(none\\)`));
  // the row put back verifies again
  sql(db, `UPDATE document_event SET hash = '${hash}' WHERE id = ${row}`);
  assert.equal(verify(db).status, 0);
  // a row added behind the server's back, with the hash of the one before it, breaks the chain there
  sql(db, 'INSERT INTO document_event (document_id, at, user_name, role, action, from_state, to_state, note, hash) ' +
    `SELECT document_id, at + 60, 'Kẻ giả', 'leader', 'recall', to_state, to_state, 'thu hồi giả', hash FROM document_event WHERE id = ${row}`);
  const forged = sql(db, 'SELECT max(id) FROM document_event');
  refused(db, new RegExp(`broken link at event ${forged} of document #${doc} \\(6366/BC-UBND`));
  rmSync(dir, { recursive: true, force: true });
});

// The chains of a document and of a task look whole when their last events
// go, or when the whole document or task goes with its events: the anchor
// recorded the logs' ids and a digest over them.
test("the documents' and the tasks' logs are anchored: a last event, a document, a task removed, a log emptied are found", () => {
  const { dir, db } = demo();
  const ok = verify(db);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const docTo = sql(db, 'SELECT max(id) FROM document_event');
  const taskTo = sql(db, 'SELECT max(id) FROM task_event');
  assert.equal(sql(db, 'SELECT document_events_to, task_events_to FROM audit_anchor WHERE id = 1'), `${docTo}|${taskTo}`);
  const copy = (name) => { const c = join(dir, name); execFileSync('cp', [db, c]); return c; };
  const docs = new RegExp(`anchor 1: the official documents' events with ids from 1 to ${docTo} are not those it recorded`);
  const tasks = new RegExp(`anchor 1: the tasks' events with ids from 1 to ${taskTo} are not those it recorded`);
  const doc = sql(db, 'SELECT document_id FROM document_event GROUP BY document_id HAVING count(*) >= 3 ORDER BY document_id LIMIT 1');
  const task = sql(db, 'SELECT task_id FROM task_event GROUP BY task_id HAVING count(*) >= 3 ORDER BY task_id LIMIT 1');
  assert.ok(doc && task, 'the demo has documents and tasks with a few events');

  const a = copy('a.db');
  sql(a, `DROP TRIGGER document_event_no_delete; DELETE FROM document_event WHERE id = (SELECT max(id) FROM document_event WHERE document_id = ${doc})`);
  refused(a, docs);
  const b = copy('b.db');
  sql(b, `PRAGMA foreign_keys = OFF; DROP TRIGGER document_event_no_delete; DELETE FROM document_event WHERE document_id = ${doc}; DELETE FROM document WHERE id = ${doc}`);
  refused(b, docs);
  const c = copy('c.db');
  sql(c, 'DROP TRIGGER document_event_no_delete; DELETE FROM document_event');
  refused(c, docs);
  const d = copy('d.db');
  sql(d, `DROP TRIGGER task_event_no_delete; DELETE FROM task_event WHERE id = (SELECT max(id) FROM task_event WHERE task_id = ${task})`);
  refused(d, tasks);
  const e = copy('e.db');
  sql(e, `PRAGMA foreign_keys = OFF; DROP TRIGGER task_event_no_delete; DELETE FROM task_event WHERE task_id = ${task}; DELETE FROM task WHERE id = ${task}`);
  refused(e, tasks);
  // a forged digest does not match the anchor's root
  const f = copy('f.db');
  sql(f, "DROP TRIGGER audit_anchor_no_update; UPDATE audit_anchor SET document_digest = 'ab' || substr(document_digest, 3) WHERE id = 1");
  refused(f, /anchor 1 does not match its entries/);

  // events after the anchor are covered by the next one, and verify
  execFileSync(BIN, ['demo', '--db', db, '--dossiers', '2'], { stdio: 'ignore' });
  sql(db, 'INSERT INTO task_event (task_id, at, user_name, role, action, from_state, to_state, note, hash) ' +
    `SELECT task_id, at + 60, user_name, role, 'report', to_state, to_state, 'thêm', '' FROM task_event WHERE task_id = ${task} ORDER BY id DESC LIMIT 1`);
  execFileSync(BIN, ['audit', 'anchor', '--db', db], { stdio: 'ignore' });
  const two = sql(db, 'SELECT task_events_to FROM audit_anchor ORDER BY id DESC LIMIT 1');
  assert.equal(two, sql(db, 'SELECT max(id) FROM task_event'), 'the newest anchor covers the new task event');
  rmSync(dir, { recursive: true, force: true });
});

// The same attacks on PostgreSQL, each on a copy of one demo database.
const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
test('PostgreSQL: removed events, dossiers, documents and tasks, a state changed without its event, a log emptied are found',
  { skip: PG ? false : 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)' }, () => {
    const psqlBin = process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, 'psql') : 'psql';
    const dir = mkdtempSync(join(tmpdir(), 'motcua-audit-pg-'));
    const db = freshDatabase(dir);
    execFileSync(BIN, ['init', '--db', db, '--demo', '--dossiers', '40'], {
      env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD }, stdio: 'ignore',
    });
    const base = process.env.MOTCUA_TEST_DB_URL_BASE;
    const [url, files] = db.split('?');
    const name = url.slice(base.length + 1);
    const psql = (target, q) => execFileSync(psqlBin, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', target, '-c', q],
      { encoding: 'utf8' }).trim();
    const ok = verify(db);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    // a copy of the database, tampered with q (as a superuser: triggers and foreign keys off)
    let copies = 0;
    const tampered = (q) => {
      const copy = `${name}_t${++copies}`;
      psql(`${base}/postgres`, `CREATE DATABASE ${copy} TEMPLATE ${name}`);
      psql(`${base}/${copy}`, `SET session_replication_role = replica; ${q}`);
      return `${base}/${copy}?${files}`;
    };
    const one = (q) => psql(url, q);
    const dossier = one('SELECT dossier_id FROM event GROUP BY dossier_id HAVING count(*) >= 3 ORDER BY dossier_id LIMIT 1');
    const other = one(`SELECT dossier_id FROM event WHERE dossier_id > ${dossier} GROUP BY dossier_id HAVING count(*) >= 3 ORDER BY dossier_id LIMIT 1`);
    const doc = one('SELECT document_id FROM document_event GROUP BY document_id HAVING count(*) >= 3 ORDER BY document_id LIMIT 1');
    const task = one('SELECT task_id FROM task_event GROUP BY task_id HAVING count(*) >= 3 ORDER BY task_id LIMIT 1');
    const cases = [
      [`DELETE FROM event WHERE id = (SELECT max(id) FROM event WHERE dossier_id = ${dossier})`,
        new RegExp(`dossier #${dossier} \\([^)]*\\): anchor 1 recorded \\d+ events, its log holds \\d+: events were removed`)],
      [`DELETE FROM event WHERE dossier_id = ${other}; DELETE FROM dossier_document WHERE dossier_id = ${other}; DELETE FROM dossier WHERE id = ${other}`,
        new RegExp(`dossier #${other} is missing: anchor 1 recorded it`)],
      [`UPDATE dossier SET state = CASE WHEN state = 9 THEN 4 ELSE 9 END WHERE id = ${dossier}`,
        /the state was changed without its event/],
      [`DELETE FROM document_event WHERE id = (SELECT max(id) FROM document_event WHERE document_id = ${doc})`,
        /anchor 1: the official documents' events with ids from 1 to \d+ are not those it recorded/],
      [`DELETE FROM document_event WHERE document_id = ${doc}; DELETE FROM document WHERE id = ${doc}`,
        /anchor 1: the official documents' events with ids from 1 to \d+ are not those it recorded/],
      [`DELETE FROM task_event WHERE task_id = ${task}; DELETE FROM task WHERE id = ${task}`,
        /anchor 1: the tasks' events with ids from 1 to \d+ are not those it recorded/],
      ['ALTER TABLE document_event DISABLE TRIGGER USER; TRUNCATE document_event CASCADE',
        /anchor 1: the official documents' events with ids from 1 to \d+ are not those it recorded/],
    ];
    for (const [q, re] of cases) {
      const copy = tampered(q);
      refused(copy, re);
      dropDatabase(copy);
    }
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  });
