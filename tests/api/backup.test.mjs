// motcua backup / restore: a copy taken while the server runs, restored into a
// new database, holds every table row for row, its attachments, and an intact
// audit chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startServer, BIN } from './harness.mjs';
import { stopServer, file } from './helpers.mjs';

const dump = (db) => execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

test('a backup of a live server restores every table and attachment', async () => {
  const server = await startServer({ dossiers: 80 });
  const desk = await server.login('tiepnhan');
  const pdf = Buffer.from('%PDF-1.4\n% motcua backup test\n%%EOF\n');
  const up = await server.api('POST', '/api/v1/attachments', { token: desk, raw: pdf, headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(up.status, 201);
  await Promise.all(Array.from({ length: 10 }, () => file(server, desk, {
    documents: [{ name: 'Tờ khai', originals: 1, attachment: up.body.sha256, filename: 'to-khai.pdf' }],
  })));

  const backup = join(server.dir, 'backup.db');
  const b = spawnSync(BIN, ['backup', '--db', server.db, '--out', backup], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  // the destination is never overwritten
  assert.notEqual(spawnSync(BIN, ['backup', '--db', server.db, '--out', backup]).status, 0);

  const restored = join(server.dir, 'restored.db');
  const r = spawnSync(BIN, ['restore', '--db', restored, '--from', backup], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // nothing was written since the backup: the restored copy equals the live database
  assert.equal(dump(restored), dump(server.db), 'every table, row for row');
  const path = join(`${restored}.files`, up.body.sha256.slice(0, 2), up.body.sha256);
  assert.ok(existsSync(path), 'the attachment came along');
  assert.equal(createHash('sha256').update(execFileSync('cat', [path])).digest('hex'), up.body.sha256);
  const v = spawnSync(BIN, ['audit', 'verify', '--db', restored], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout);
  await stopServer(server);
});
