// Migration 016 and the event chains written before it: a SQLite database at
// the schema before 016 (made with the sqlite3 tool from the older migration
// files, as an older motcua would have), holding a dossier whose events were
// hashed with the version 1 formula (computed here, independently), is
// migrated by this binary; its log still verifies, and the retention purge
// pseudonymises the dossier's personal fields while keeping those events as
// they are, the log verifying after it. SQLite only (the sqlite3 tool); the
// same chains of both versions are verified on PostgreSQL by the store
// contract suite (test_personal_pseudonymise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './harness.mjs';
import { ROOT } from './helpers.mjs';

const DIR = join(ROOT, 'src', 'store', 'migrations', 'sqlite');
const field = (v) => { const s = String(v ?? ''); return `${Buffer.byteLength(s)}:${s}`; };
// core/audit.h, version 1: SHA-256 over prev, dossier, at, actor, name, unit, action, from, to, step, note.
const v1 = (prev, e) => createHash('sha256').update([prev, e.dossier, e.at, e.actor, e.name, e.unit, e.action,
  e.from, e.to, e.step, e.note].map(field).join('')).digest('hex');
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

test('chains of hash version 1 verify after migration 016 and after the retention purge', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();
  const before = files.filter((f) => Number(f.slice(0, 3)) < 16);
  const previous = Number(before.at(-1).slice(0, 3));
  const dir = mkdtempSync(join(tmpdir(), 'motcua-v1-'));
  const db = join(dir, 'old.db');
  try {
    const events = [
      { at: 1500000000, actor: 2, name: 'Nguyễn Văn An', action: 'create', from: 0, to: 1, step: 0, note: 'nộp trực tuyến' },
      { at: 1500003600, actor: 2, name: 'Nguyễn Văn An', action: 'withdraw', from: 1, to: 7, step: 0, note: 'rút hồ sơ' },
    ];
    let prev = '';
    const inserts = events.map((e) => {
      const hash = v1(prev, { ...e, dossier: 1, unit: 1 });
      prev = hash;
      return `INSERT INTO event (dossier_id, at, actor_id, actor_name, unit_id, action, from_state, to_state, step, note, hash)
        VALUES (1, ${e.at}, ${e.actor}, ${q(e.name)}, 1, ${q(e.action)}, ${e.from}, ${e.to}, ${e.step}, ${q(e.note)}, ${q(hash)});`;
    }).join('\n');
    const script = before.map((f) => readFileSync(join(DIR, f), 'utf8')).join('\n') + `
      INSERT INTO unit (id, code, name, level, path) VALUES (1, '000.00.00.H56', 'UBND tỉnh', 'province', '/1/');
      INSERT INTO app_user (id, username, password_hash, full_name, id_number, role, created_at)
        VALUES (2, 'nguyen.van.an', '!', 'Nguyễn Văn An', '038195001111', 1, 1499990000);
      INSERT INTO procedure (id, code, name) VALUES (1, '1.000001', 'Thủ tục thử');
      INSERT INTO dossier (id, code, procedure_id, receiving_unit_id, current_unit_id, channel, state, applicant_name,
        applicant_id_number, applicant_phone, owner_id, submitted_at, finished_at)
        VALUES (1, '000.00.00.H56-170714-000001', 1, 1, 1, 2, 7, 'Nguyễn Văn An', '038195001111', '0912345678', 2,
          1500000000, 1500003600);
      ${inserts}
      PRAGMA user_version = ${previous};
      PRAGMA journal_mode = WAL;
    `;
    execFileSync('sqlite3', ['-bail', db], { input: script, stdio: ['pipe', 'ignore', 'inherit'] });
    const sql = (s) => execFileSync('sqlite3', [db, s], { encoding: 'utf8' }).trim();
    const verify = () => spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });

    const m = spawnSync(BIN, ['migrate', '--db', db], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    assert.equal(sql('SELECT group_concat(hash_version) FROM event'), '1,1', 'old events keep version 1');
    let v = verify();
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /2 events of 1 dossiers verified, every link intact/);

    const purge = spawnSync(BIN, ['personal', 'purge', '--db', db, '--at', '2030-01-01T00:00'],
      { encoding: 'utf8', env: { ...process.env, MOTCUA_RETENTION_DOSSIER_YEARS: '5' } });
    assert.equal(purge.status, 0, purge.stderr);
    assert.match(purge.stdout, /: 1 dossiers pseudonymised \(0 events, 0 messages; 2 events of hash version 1 kept as they are\)/);
    assert.equal(sql('SELECT applicant_name, applicant_id_number, applicant_phone FROM dossier'), '(ẩn danh)||');
    assert.equal(sql('SELECT group_concat(actor_name, \';\') FROM event'), 'Nguyễn Văn An;Nguyễn Văn An');
    v = verify();
    assert.equal(v.status, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /2 events of 1 dossiers verified, every link intact/);

    // an edit of a version 1 event is still found by its own formula
    sql("DROP TRIGGER event_no_update; UPDATE event SET note = 'sửa' WHERE action = 'create'");
    v = verify();
    assert.equal(v.status, 1);
    assert.match(v.stdout, /broken link at event 1 of dossier #1 /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
