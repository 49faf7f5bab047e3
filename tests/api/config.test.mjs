// The configuration file and the environment (docs/operations.md §3): a
// comment after a value is a comment, a quoted value keeps what it holds,
// secrets may come from files and from systemd credentials, and an unknown
// MOTCUA_… variable or a secret given twice stops the start as an unknown key
// of the file does. Runs `motcua config` (no database) and, for the secrets
// read from files, a server whose /metrics opens with the token of the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer } from './harness.mjs';

function motcua(args, env = {}) {
  const all = { ...process.env, ...env };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: all, timeout: 20000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The effective settings as `motcua config` prints them: key → value.
function settings(out) {
  const map = {};
  for (const line of out.split('\n')) {
    const m = /^(\w+) = ([^\t]*)\t/.exec(line);
    if (m) map[m[1]] = m[2];
  }
  return map;
}

function withDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-config-'));
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('a comment after a value is a comment; a quoted value keeps " #"; a # inside a word stays', () => withDir((dir) => {
  const conf = join(dir, 'motcua.conf');
  writeFileSync(conf, [
    '# the database of the province',
    `db = ${dir}/a.db # main`,
    'mail_from = "Một cửa # tỉnh <motcua@example.vn>"   # quoted: the # is kept',
    'sms_url = https://sms.example/send#gateway',
    'trusted_proxies = ""',
    'workers = 4\t# tab before the comment',
    '',
  ].join('\n'));
  const r = motcua(['config', '--config', conf]);
  assert.equal(r.code, 0, r.err);
  const s = settings(r.out);
  // Before, the comment was part of the value: a new database named "a.db # main".
  assert.equal(s.db, `${dir}/a.db`);
  assert.equal(s.mail_from, 'Một cửa # tỉnh <motcua@example.vn>');
  assert.equal(s.sms_url, 'https://sms.example/send#gateway');
  assert.equal(s.trusted_proxies, '', 'a quoted empty value is empty');
  assert.equal(s.workers, '4');
}));

test('a malformed quoted value names its line', () => withDir((dir) => {
  const conf = join(dir, 'motcua.conf');
  writeFileSync(conf, 'listen = 127.0.0.1:8080\nmail_from = "unclosed\n');
  const r = motcua(['config', '--config', conf]);
  assert.equal(r.code, 2);
  assert.match(r.err, /motcua\.conf:2: mail_from: a quoted value has no closing quote/);
  writeFileSync(conf, 'mail_from = "a" b\n');
  const r2 = motcua(['config', '--config', conf]);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /only a comment may follow a quoted value/);
}));

test('an unknown MOTCUA_ variable is refused by config and serve, naming it', () => {
  const r = motcua(['config'], { MOTCUA_PUBLIC_URI: 'https://dichvucong.example.vn' });
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown setting in the environment: MOTCUA_PUBLIC_URI/);
  const s = motcua(['serve', '--listen', '127.0.0.1:0'], { MOTCUA_PAYMENT_SECRETS: 'x' });
  assert.equal(s.code, 2, s.err);
  assert.match(s.err, /unknown setting in the environment: MOTCUA_PAYMENT_SECRETS/);
  // The variables of motcua's own tools are not settings, and are known.
  assert.equal(motcua(['config'], { MOTCUA_DEMO_PASSWORD: 'x', MOTCUA_PG_BINDIR: '/usr/bin' }).code, 0);
  // MOTCUA_<KEY>_FILE exists only for the settings that may come from a file.
  const f = motcua(['config'], { MOTCUA_LISTEN_FILE: '/dev/null' });
  assert.equal(f.code, 2);
  assert.match(f.err, /MOTCUA_LISTEN_FILE/);
});

test('secrets from files: <key>_file, MOTCUA_<KEY>_FILE, a systemd credential; given twice is refused', () => withDir((dir) => {
  const secret = join(dir, 'payment_secret');
  writeFileSync(secret, 'bi-mat-tu-tep\n');
  chmodSync(secret, 0o600);
  const conf = join(dir, 'motcua.conf');
  writeFileSync(conf, `payment_secret_file = ${secret}\n`);
  const r = motcua(['config', '--config', conf], { MOTCUA_PAYMENT_SECRET: undefined });
  assert.equal(r.code, 0, r.err);
  assert.equal(settings(r.out).payment_secret, '(set)');
  assert.doesNotMatch(r.out + r.err, /bi-mat-tu-tep/);

  writeFileSync(conf, `payment_secret = inline\npayment_secret_file = ${secret}\n`);
  const both = motcua(['config', '--config', conf], { MOTCUA_PAYMENT_SECRET: undefined });
  assert.equal(both.code, 2);
  assert.match(both.err, /payment_secret and payment_secret_file are both set/);

  const envBoth = motcua(['config'], { MOTCUA_PAYMENT_SECRET: 'x', MOTCUA_PAYMENT_SECRET_FILE: secret });
  assert.equal(envBoth.code, 2);
  assert.match(envBoth.err, /MOTCUA_PAYMENT_SECRET and MOTCUA_PAYMENT_SECRET_FILE are both set/);

  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n');
  const e = motcua(['config'], { MOTCUA_PAYMENT_SECRET: undefined, MOTCUA_PAYMENT_SECRET_FILE: empty });
  assert.equal(e.code, 2);
  assert.match(e.err, /payment_secret \(MOTCUA_PAYMENT_SECRET_FILE\): .*empty is empty/);

  const two = join(dir, 'two-lines');
  writeFileSync(two, 'a\nb\n');
  const t = motcua(['config'], { MOTCUA_PAYMENT_SECRET: undefined, MOTCUA_PAYMENT_SECRET_FILE: two });
  assert.equal(t.code, 2);
  assert.match(t.err, /must hold one line/);

  const open = join(dir, 'open');
  writeFileSync(open, 'readable-by-all\n');
  chmodSync(open, 0o644);
  const w = motcua(['config'], { MOTCUA_PAYMENT_SECRET: undefined, MOTCUA_PAYMENT_SECRET_FILE: open });
  assert.equal(w.code, 0, w.err);
  assert.match(w.err, /is readable by every user of the machine/);

  // A credential (LoadCredential=db:…): the database URL from
  // $CREDENTIALS_DIRECTORY/db, over the file's, under the environment's.
  const creds = join(dir, 'credentials');
  spawnSync('mkdir', [creds]);
  writeFileSync(join(creds, 'db'), `${dir}/from-credential.db\n`, { mode: 0o600 });
  writeFileSync(conf, `db = ${dir}/from-file.db\n`);
  const c = motcua(['config', '--config', conf], { CREDENTIALS_DIRECTORY: creds, MOTCUA_DB: undefined });
  assert.equal(c.code, 0, c.err);
  assert.equal(settings(c.out).db, `${dir}/from-credential.db`);
  const ce = motcua(['config', '--config', conf], { CREDENTIALS_DIRECTORY: creds, MOTCUA_DB: `${dir}/env.db` });
  assert.equal(settings(ce.out).db, `${dir}/env.db`);
}));

test('metrics_token from a systemd credential opens /metrics from an address not allowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-creds-'));
  writeFileSync(join(dir, 'metrics_token'), 'the-scraper-token\n', { mode: 0o600 });
  const server = await startServer({
    dossiers: 0,
    env: { CREDENTIALS_DIRECTORY: dir, MOTCUA_METRICS_ALLOW: '', MOTCUA_METRICS_TOKEN: undefined },
  });
  try {
    const refused = await server.api('GET', '/metrics');
    assert.equal(refused.status, 403);
    const opened = await server.api('GET', '/metrics', { token: 'the-scraper-token' });
    assert.equal(opened.status, 200, opened.text);
    assert.match(opened.text, /motcua_http_requests_total/);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a libpq key=value string in db or db_read is refused, not opened as a new SQLite file of that name', () => withDir((dir) => {
  for (const [key, value] of [['db', 'host=db1.example dbname=motcua user=motcua password=bí-mật'],
    ['db_read', ' dbname = motcua host=db2.example']]) {
    const conf = join(dir, 'motcua.conf');
    writeFileSync(conf, `${key} = ${value}\n`);
    const r = motcua(['config', '--config', conf]);
    assert.equal(r.code, 2, `${key}: ${r.err}`);
    assert.match(r.err, new RegExp(`${key} \\(.*\\) is a key=value connection string; write it as a URL`));
    assert.doesNotMatch(r.err + r.out, /bí-mật/, 'the password is not printed');
  }
  // A SQLite path with an equals sign further on is still a path.
  const conf = join(dir, 'motcua.conf');
  writeFileSync(conf, `db = ${dir}/ver=2.db\n`);
  const r = motcua(['config', '--config', conf]);
  assert.equal(r.code, 0, r.err);
  assert.equal(settings(r.out).db, `${dir}/ver=2.db`);
}));
