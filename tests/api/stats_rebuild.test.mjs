// `motcua stats rebuild` (docs/statistics.md §6): the statistics roll-ups, by unit and
// by procedure, counted again from the dossiers; emptied by hand, they come back with
// as many received dossiers as the dossier table holds, and the same cells as before.
// SQLite only: the test reads the database file with the sqlite3 tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD } from './harness.mjs';

const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000,
  env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD } });
const sql = (db, q) => {
  const r = run('sqlite3', [db, q]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

test('motcua stats rebuild counts both roll-ups again from the dossiers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-rebuild-'));
  try {
    const db = join(dir, 'm.db');
    const init = run(BIN, ['init', '--db', db, '--demo', '--dossiers', '120']);
    assert.equal(init.status, 0, init.stderr);
    // The sums of the counters per grain (a write leaves a cell at zero where the
    // rebuild has none, so cells are compared by what they add up to).
    const cells = (t) => sql(db, `SELECT group_concat(x, ';') FROM (SELECT grain || ':' || sum(recv_total) || '/' ||
      sum(res_early + res_on_time + res_late) || '/' || sum(in_progress_change) || '/' || sum(overdue_change) || '/' ||
      sum(withdrawn + stopped + not_accepted) || '/' || sum(supplements) AS x FROM ${t} GROUP BY grain ORDER BY grain)`);
    const before = [cells('stats_rollup'), cells('stats_rollup_proc')];
    const received = sql(db, 'SELECT count(*) FROM dossier WHERE received_at > 0');
    assert.ok(Number(received) > 0, 'the demo received dossiers');
    assert.equal(sql(db, 'SELECT sum(recv_total) FROM stats_rollup_proc WHERE grain = 0'), received,
      'the day cells by procedure hold every received dossier');
    sql(db, 'DELETE FROM stats_rollup; DELETE FROM stats_rollup_proc');
    assert.deepEqual([cells('stats_rollup'), cells('stats_rollup_proc')], ['', '']);

    const r = run(BIN, ['stats', 'rebuild', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /statistics roll-ups rebuilt from 120 dossiers/);
    assert.deepEqual([cells('stats_rollup'), cells('stats_rollup_proc')], before, 'the same cells again');

    // Bad use: a usage line, exit 2, nothing touched.
    for (const args of [['stats'], ['stats', 'rebuild', '--db', db, '--nope'], ['stats', 'drop', '--db', db]]) {
      const bad = run(BIN, args);
      assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    }
    assert.deepEqual([cells('stats_rollup'), cells('stats_rollup_proc')], before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
