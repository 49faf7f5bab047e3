// No password in what motcua prints (docs/operations.md §3, "Secrets"): every
// output and log of a run is searched for a known password — `motcua config`,
// a failed connection's messages, and on PostgreSQL a whole run: migrate,
// serve (its stderr, with the connections ended under it so that it says it
// lost and made them again), backup and restore, whose pg_dump and pg_restore
// must get the password through their environment and never on their command
// line (read from /proc/PID/cmdline by a wrapper around each tool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, freePort, freshDatabase, dropDatabase, serverEnv } from './harness.mjs';

const PASSWORD = 'Hunter2-Secret-7731';
const BASE = process.env.MOTCUA_TEST_DB_URL_BASE;

function motcua(args, env = {}) {
  const all = serverEnv({ MOTCUA_ACCESS_LOG: 'true', ...env });
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: all, timeout: 60000 });
  return { code: r.status, text: `${r.stdout}\n${r.stderr}` };
}

function assertNoPassword(text, what) {
  assert.ok(!text.includes(PASSWORD), `${what} shows the password:\n${text}`);
}

test('motcua config hides the passwords of db, db_read, smtp_url, sms_url and the secrets', () => {
  const r = motcua(['config'], {
    MOTCUA_DB: `postgresql://motcua:${PASSWORD}@db1.example:5432,db2.example:5432/motcua?target_session_attrs=read-write`,
    MOTCUA_DB_READ: `postgresql://motcua@replica.example/motcua?password=${PASSWORD}`,
    MOTCUA_SMTP_URL: `smtps://relay:${PASSWORD}@smtp.example:465`,
    MOTCUA_SMTP_PASSWORD: PASSWORD,
    MOTCUA_SMS_URL: `https://sms.example/send?user=ubnd&token=${PASSWORD}`,
    MOTCUA_PAYMENT_SECRET: PASSWORD,
    MOTCUA_METRICS_TOKEN: PASSWORD,
  });
  assert.equal(r.code, 0, r.text);
  assertNoPassword(r.text, 'motcua config');
  assert.match(r.text, /^db = postgresql:\/\/motcua:\*\*\*@db1\.example:5432,db2\.example:5432\/motcua\?target_session_attrs=read-write\t/m);
  assert.match(r.text, /^db_read = postgresql:\/\/motcua@replica\.example\/motcua\?password=\*\*\*\t/m);
  assert.match(r.text, /^smtp_url = smtps:\/\/relay:\*\*\*@smtp\.example:465\t/m);
  assert.match(r.text, /^sms_url = https:\/\/sms\.example\/send\?user=ubnd&token=\*\*\*\t/m);
  assert.match(r.text, /^smtp_password = \(set\)\t/m);
});

test('a failed connection says where without the password (serve, migrate, check, backup)', async () => {
  const port = await freePort(); // nothing listens there
  const db = `postgresql://motcua:${PASSWORD}@127.0.0.1:${port}/motcua`;
  const dir = mkdtempSync(join(tmpdir(), 'motcua-secrets-'));
  try {
    for (const args of [['serve', '--listen', '127.0.0.1:0'], ['migrate', '--dry-run'], ['check'],
      ['backup', '--config', '/dev/null', '--out', join(dir, 'b.dump')]]) {
      const r = motcua(args, { MOTCUA_DB: db });
      assert.notEqual(r.code, 0, `${args[0]} on a server that is not there`);
      assertNoPassword(r.text, `motcua ${args.join(' ')}`);
      assert.match(r.text, new RegExp(`postgresql://motcua:\\*\\*\\*@127\\.0\\.0\\.1:${port}/motcua`),
        `motcua ${args[0]} names the database: ${r.text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A wrapper for pg_dump and pg_restore that records the command line it was
// run with (its /proc/PID/cmdline, what `ps` shows every user) and whether
// PGPASSWORD was in its environment, then runs the real tool.
function toolWrappers(dir, record) {
  const real = process.env.MOTCUA_PG_BINDIR;
  for (const tool of ['pg_dump', 'pg_restore']) {
    const path = join(dir, tool);
    writeFileSync(path, `#!/bin/sh
{ printf 'cmdline:'; tr '\\0' ' ' < /proc/$$/cmdline; printf '\\npgpassword:%s\\n' "$PGPASSWORD"; } >> '${record}'
exec ${real ? `'${join(real, tool)}'` : tool} "$@"
`);
    chmodSync(path, 0o755);
  }
}

test('a whole run on PostgreSQL: no password in any output or log; pg_dump and pg_restore get it in their environment',
  { skip: !BASE && 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-secrets-'));
    const plain = freshDatabase(dir);
    // The cluster of scripts/pg.sh trusts its connections: the password is
    // sent nowhere that checks it, which is all this test needs.
    const db = plain.replace('postgresql://motcua@', `postgresql://motcua:${PASSWORD}@`);
    assert.notEqual(db, plain);
    const record = join(dir, 'tools.log');
    const bindir = join(dir, 'bin');
    spawnSync('mkdir', [bindir]);
    toolWrappers(bindir, record);
    const env = { MOTCUA_DB: db, MOTCUA_PG_BINDIR: bindir, MOTCUA_SMTP_URL: `smtp://relay:${PASSWORD}@127.0.0.1:1` };
    const outputs = [];
    let child;
    try {
      const m = motcua(['migrate'], env);
      outputs.push(m.text);
      assert.equal(m.code, 0, m.text);

      const port = await freePort();
      child = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--workers', '2'],
        { env: serverEnv({ ...env, MOTCUA_ACCESS_LOG: 'true' }), stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.on('data', (d) => { log += d; });
      child.stderr.on('data', (d) => { log += d; });
      const exited = new Promise((r) => child.on('exit', r));
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200 && !log.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(log, /listening on/, log);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      // Every session of the server ended by an administrator: it says so,
      // names the database, and connects again.
      const name = plain.slice(BASE.length + 1).split('?')[0];
      const psql = process.env.MOTCUA_PG_BINDIR ? join(process.env.MOTCUA_PG_BINDIR, 'psql') : 'psql';
      execFileSync(psql,
        ['-X', '-q', '-d', `${BASE}/postgres`, '-c',
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`],
        { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if ((await fetch(`${base}/readyz`)).status === 200 && log.includes('reconnected to PostgreSQL')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(log, /PostgreSQL closed the connection to postgresql:\/\/motcua:\*\*\*@/, log);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, log);
      child = null;
      outputs.push(log);

      const backup = join(dir, 'backup.dump');
      const b = motcua(['backup', '--config', '/dev/null', '--out', backup], env);
      outputs.push(b.text);
      assert.equal(b.code, 0, b.text);
      assert.match(b.text, /postgresql:\/\/motcua:\*\*\*@.* backed up to /);
      const r = motcua(['restore', '--config', '/dev/null', '--from', backup], env);
      outputs.push(r.text);
      assert.equal(r.code, 0, r.text);

      const tools = readFileSync(record, 'utf8');
      assert.match(tools, /cmdline:.*pg_dump .*--dbname/);
      assert.match(tools, /cmdline:.*pg_restore .*--dbname/);
      for (const line of tools.split('\n').filter((l) => l.startsWith('cmdline:')))
        assertNoPassword(line, 'the command line of a PostgreSQL tool');
      const given = tools.split('\n').filter((l) => l.startsWith('pgpassword:'));
      assert.equal(given.length, 2);
      for (const line of given) assert.equal(line, `pgpassword:${PASSWORD}`, 'the password in PGPASSWORD');
      for (const text of outputs) assertNoPassword(text, 'an output of the run');
    } finally {
      if (child) child.kill('SIGKILL');
      dropDatabase(plain);
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
