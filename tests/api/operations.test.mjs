// The operator's commands around a running service (docs/operations.md §4, §6,
// §9, §10), on SQLite and, through scripts/test_pg.sh, on PostgreSQL:
//   - motcua --version names the version, the commit and the schema it carries;
//   - serve refuses to start without a public_url it can make links of;
//   - migrate --dry-run lists the migrations a start would apply and applies none;
//   - a backup is readable by its owner only, whatever the umask;
//   - restore refuses while a server uses the database, and changes nothing then;
//   - check finds attachments missing, cut short or damaged, and lists the files
//     of the folder that no attachment names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, dropDatabase, freshDatabase, serverEnv, startServer } from './harness.mjs';
import { ROOT, file, stopServer } from './helpers.mjs';

const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
const ENGINE = PG ? 'postgresql' : 'sqlite';

function motcua(args, { env = {}, umask } = {}) {
  const opts = { encoding: 'utf8', timeout: 60000, env: serverEnv(env) };
  // sh sets the umask, then becomes motcua with the same arguments
  if (umask !== undefined) return spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, BIN, ...args], opts);
  return spawnSync(BIN, args, opts);
}

// The migrations of this engine in the source tree: "014 uploads_anchors".
function migrations() {
  return readdirSync(join(ROOT, 'src', 'store', 'migrations', ENGINE)).filter((f) => f.endsWith('.sql')).sort()
    .map((f) => { const m = /^(\d+)_(.*)\.sql$/.exec(f); return `${m[1]} ${m[2]}`; });
}

// The attachment folder of a test server's database (docs/operations.md §2).
const filesOf = (server) => (PG ? join(server.dir, 'files') : `${server.db}.files`);

async function upload(server, token, text) {
  const res = await server.api('POST', '/api/v1/attachments',
    { token, raw: Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`), headers: { 'Content-Type': 'application/pdf' } });
  assert.equal(res.status, 201, res.text);
  return res.body.sha256;
}

// "motcua audit: 123 events of 45 dossiers verified": the dossiers the database holds.
function dossierCount(db) {
  const r = motcua(['audit', 'verify', '--db', db]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return Number(/events of (\d+) dossiers/.exec(r.stdout)[1]);
}

test('motcua --version names the version, the git commit and the newest migration it carries', () => {
  const r = motcua(['--version']);
  assert.equal(r.status, 0, r.stderr);
  const m = /^motcua (\S+) \(commit (\S+), schema (\d+)\)\n$/.exec(r.stdout);
  assert.ok(m, `one line: ${r.stdout}`);
  const [, version, commit, schema] = m;
  const base = readFileSync(join(ROOT, 'VERSION'), 'utf8').trim();
  assert.ok(version === base || version.startsWith(`${base}+`) || version.startsWith(`${base}~`),
    `${version} is VERSION (${base}) placed by git`);
  assert.match(version, /^[0-9][A-Za-z0-9.+~]*$/, 'a Debian version');
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' });
  if (head.status === 0) {
    assert.equal(commit.replace(/-dirty$/, ''), head.stdout.trim(), 'the commit built (rebuild after a commit)');
  } else {
    assert.equal(commit, 'unknown');
  }
  assert.equal(Number(schema), Number(migrations().at(-1).split(' ')[0]));
  assert.equal(motcua(['version']).stdout, r.stdout);
});

test('serve refuses to start without public_url, or with one that is not an http(s) address', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-ops-'));
  const db = join(dir, 'never-made.db');
  try {
    for (const [value, why] of [
      [undefined, /public_url is not set/], ['', /public_url is not set/], ['/', /public_url is not set/],
      ['dichvucong.example.vn', /must be an http:\/\/ or https:\/\//], ['ftp://dichvucong.example.vn', /must be/],
      ['https://', /must be/], ['https:///tra-cuu', /must be/], ['https://dichvucong.example.vn/?a=1', /must be/],
      ['https://dich vu.vn', /must be/],
    ]) {
      const r = motcua(['serve', '--db', db, '--listen', '127.0.0.1:0', '--workers', '1'],
        { env: { MOTCUA_PUBLIC_URL: value } });
      assert.equal(r.status, 2, `public_url ${JSON.stringify(value)}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, why);
      assert.doesNotMatch(r.stdout, /listening/);
      assert.ok(!existsSync(db), 'refused before the database is touched');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a public_url with a trailing slash makes links without a double one', async () => {
  const server = await startServer({ dossiers: 0, env: { MOTCUA_PUBLIC_URL: 'https://dichvucong.example.vn/' } });
  try {
    // the test payment provider's page is public_url + its path
    assert.match(server.stderr(), /at https:\/\/dichvucong\.example\.vn\/api\/v1\/payments\/test-provider\/pay/);
  } finally {
    await stopServer(server);
  }
});

test('migrate --dry-run lists what a start would apply and applies nothing; migrate applies it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-ops-'));
  // an empty database: a file not made yet, or a new PostgreSQL database
  const db = PG ? freshDatabase(dir) : join(dir, 'new.db');
  const listed = (out) => out.split('\n').filter((l) => /^ {2}\d{3} /.test(l)).map((l) => l.trim());
  try {
    const conf = join(dir, 'motcua.conf');
    writeFileSync(conf, `db = ${db}\n`);
    for (const args of [['--db', db], ['--config', conf]]) {
      const r = motcua(['migrate', ...args, '--dry-run']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(listed(r.stdout), migrations(), r.stdout);
      assert.match(r.stdout, PG ? /is at schema 0; a start would apply \d+ migrations/ : /does not exist; a start would create it/);
    }
    if (!PG) assert.ok(!existsSync(db), 'not even created');
    const again = motcua(['migrate', '--db', db, '--dry-run']);
    assert.deepEqual(listed(again.stdout), migrations(), 'nothing was applied by the first');

    const m = motcua(['migrate', '--db', db]);
    assert.equal(m.status, 0, m.stderr);
    const newest = Number(migrations().at(-1).split(' ')[0]);
    assert.match(m.stdout, new RegExp(`migrated from schema 0 to ${newest}\\n`));
    const after = motcua(['migrate', '--db', db, '--dry-run']);
    assert.equal(after.status, 0, after.stderr);
    assert.deepEqual(listed(after.stdout), []);
    assert.match(after.stdout, new RegExp(`is at schema ${newest}, this motcua's newest: nothing to apply`));
    assert.equal(motcua(['migrate', '--db', db, '--dry-run', '--force']).status, 2, 'an unknown option');
  } finally {
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a backup is readable by its owner only, whatever the umask', async () => {
  const server = await startServer({ dossiers: 5 });
  try {
    const desk = await server.login('tiepnhan');
    const sha = await upload(server, desk, 'ban sao ho so');
    await file(server, desk, { documents: [{ name: 'Tờ khai', originals: 1, attachment: sha, filename: 'to-khai.pdf' }] });
    const out = join(server.dir, 'backup.db');
    const r = motcua(['backup', '--db', server.db, '--out', out], { umask: '000' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(statSync(out).mode & 0o777, 0o600, 'the database copy');
    const tree = `${out}.files`;
    assert.equal(statSync(tree).mode & 0o777, 0o700);
    const copied = join(tree, sha.slice(0, 2), sha);
    assert.ok(existsSync(copied), 'the attachment came along');
    assert.equal(statSync(join(tree, sha.slice(0, 2))).mode & 0o777, 0o700);
    assert.equal(statSync(copied).mode & 0o777, 0o600);
  } finally {
    await stopServer(server);
  }
});

test('restore refuses while a server uses the database, changes nothing, and goes on once it is stopped', async () => {
  const server = await startServer({ dossiers: 5 });
  try {
    const desk = await server.login('tiepnhan');
    const backup = join(server.dir, 'backup.db');
    assert.equal(motcua(['backup', '--db', server.db, '--out', backup]).status, 0);
    const before = dossierCount(server.db);
    const later = await file(server, desk);

    const r = motcua(['restore', '--db', server.db, '--from', backup]);
    assert.equal(r.status, 1, `refused: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /is in use \((.+)\): stop every motcua server on it first .*nothing was changed/);
    // who uses it: the server's process (SQLite) or its sessions (PostgreSQL)
    assert.match(r.stderr, PG ? /session \d+ from 127\.0\.0\.1/ : new RegExp(`process ${server.child.pid}\\b`));
    assert.equal((await server.api('GET', `/api/v1/public/dossiers/${later.code}`)).status, 200, 'still there');
    assert.equal(dossierCount(server.db), before + 1);

    // stopped (the database kept): the restore goes on
    const exited = new Promise((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
    const ok = motcua(['restore', '--db', server.db, '--from', backup]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(dossierCount(server.db), before, 'the dossier filed after the backup is gone');
  } finally {
    await server.stop();
  }
});

test('check finds attachments missing, cut short or damaged, and lists files that nothing names', async () => {
  const server = await startServer({ dossiers: 5 });
  try {
    // the demo's own files (its issued documents, signed) before this test's two
    const demoFiles = Number(/^motcua check: (\d+) attachments/m.exec(motcua(['check', '--db', server.db]).stdout)[1]);
    const desk = await server.login('tiepnhan');
    const held = await upload(server, desk, 'giay to cua ho so');
    await file(server, desk, { documents: [{ name: 'Tờ khai', originals: 1, attachment: held, filename: 'a.pdf' }] });
    await upload(server, desk, 'chua dinh kem');
    const files = filesOf(server);
    const path = join(files, held.slice(0, 2), held);
    const original = readFileSync(path);
    const check = (...args) => motcua(['check', '--db', server.db, ...args]);

    let r = check();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^motcua check: ${demoFiles + 2} attachments \\(\\d+ bytes\\) checked by size and SHA-256: 0 missing, 0 damaged; 0 files`, 'm'));

    // the same size, another content: only the hash tells
    const damaged = Buffer.from(original);
    damaged[damaged.length - 2] ^= 0x20;
    writeFileSync(path, damaged);
    r = check();
    assert.equal(r.status, 1, r.stdout);
    const found = createHash('sha256').update(damaged).digest('hex');
    assert.match(r.stdout, new RegExp(`^damaged: attachment ${held}: the content of \\S+ hashes to ${found}$`, 'm'));
    assert.match(r.stdout, /0 missing, 1 damaged/);
    assert.equal(check('--quick').status, 0, 'sizes only');

    truncateSync(path, 10);
    r = check('--quick');
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^wrong size: attachment ${held}: \\S+ holds 10 bytes, ${original.length} recorded$`, 'm'));

    unlinkSync(path);
    r = check();
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^missing: attachment ${held} \\(${original.length} bytes\\): no file \\S+$`, 'm'));
    assert.match(r.stdout, /1 missing, 0 damaged/);

    // whole again; then files nothing names: a stray digest, a stranger, an upload being written
    writeFileSync(path, original);
    const stray = `ab${'0'.repeat(62)}`;
    mkdirSync(join(files, 'ab'), { recursive: true });
    writeFileSync(join(files, 'ab', stray), 'x');
    writeFileSync(join(files, 'ghi-chu.txt'), 'notes');
    writeFileSync(join(files, held.slice(0, 2), '.tmp-Ab12Cd'), 'part');
    r = check();
    assert.equal(r.status, 0, `files nothing names are no loss: ${r.stdout}`);
    assert.match(r.stdout, new RegExp(`^unnamed: \\S+/ab/${stray} \\(1 bytes\\): no attachment names it$`, 'm'));
    assert.match(r.stdout, /^unnamed: \S+\/ghi-chu\.txt \(5 bytes\): no attachment names it$/m);
    assert.match(r.stdout, /0 missing, 0 damaged; 2 files in the folder that no attachment names; 1 uploads being written/);
    assert.equal(motcua(['check', '--db', join(server.dir, 'absent.db')]).status, 2, 'no database: no check');
  } finally {
    await stopServer(server);
  }
});
