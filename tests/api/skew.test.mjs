// Version skew in a rolling upgrade on PostgreSQL (docs/operations.md §9):
// the previous release and this one on one database while this one migrates
// it. A release older in schema than this one (OLD, pinned: the main line
// before migration 014, at schema 12) is built from the git history into
// build/…/skew/<commit> (once; later runs reuse it), serves a demo database,
// and keeps serving while this binary starts on the same database and
// migrates it; then both serve the routes the old one knows, on each other's
// dossiers. Also: this binary's migrate --dry-run on the old database names
// the migrations its start then applies.
//
// PostgreSQL only (MOTCUA_TEST_DB_URL_BASE, scripts/pg.sh); skipped when the
// git history does not hold OLD (a shallow clone: git fetch --unshallow). The
// first run builds OLD (a few minutes on two cores).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, PASSWORD, dropDatabase, freshDatabase } from './harness.mjs';
import { serve } from './serve.mjs';
import { APPLICANT, ROOT, act, assertStatus, districtProcedure } from './helpers.mjs';

// 4a4d845 "Accounts: passwords … hashed on the hashing pool": main before
// the merge that brought migration 014 (uploads, anchors), at schema 12.
const OLD = '4a4d845dc0e1d040a45140c2c359808d7585f9bc';
const OLD_SCHEMA = 12;
const BUILD_MINUTES = 20;

const PG = Boolean(process.env.MOTCUA_TEST_DB_URL_BASE);
const inHistory = spawnSync('git', ['-C', ROOT, 'cat-file', '-e', `${OLD}^{commit}`]).status === 0;
const skip = !PG ? 'PostgreSQL only (MOTCUA_TEST_DB_URL_BASE is not set; run through scripts/pg.sh)'
  : !inHistory ? `the git history does not hold the previous release ${OLD.slice(0, 12)} (a shallow clone? ` +
    'git fetch --unshallow)' : false;

const newest = Math.max(...readdirSync(join(ROOT, 'src', 'store', 'migrations', 'postgresql'))
  .map((f) => Number(/^(\d+)_/.exec(f)?.[1] ?? 0)));

// The old release's binary, built once from `git archive` of OLD (no work
// tree or worktree entry of this repository is touched).
function buildOld() {
  const out = join(dirname(BIN), 'skew', OLD.slice(0, 12));
  const bin = join(out, 'motcua');
  if (existsSync(bin)) return bin;
  const src = mkdtempSync(join(tmpdir(), 'motcua-skew-src-'));
  try {
    execFileSync('sh', ['-c', 'git -C "$0" archive --format=tar "$1" | tar -x -C "$2"', ROOT, OLD, src],
      { stdio: 'inherit' });
    mkdirSync(out, { recursive: true });
    const opts = { stdio: ['ignore', 'ignore', 'inherit'], timeout: BUILD_MINUTES * 60000 };
    execFileSync('cmake', ['-S', src, '-B', join(out, 'cmake'), '-DCMAKE_BUILD_TYPE=RelWithDebInfo'], opts);
    execFileSync('cmake', ['--build', join(out, 'cmake'), '--target', 'motcua', '-j', String(cpus().length)], opts);
    execFileSync('cp', [join(out, 'cmake', 'motcua'), bin]);
    rmSync(join(out, 'cmake'), { recursive: true, force: true });
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return bin;
}

let dir;
let db;
let oldBin;
let oldServer;
let newServer;

before(async () => {
  if (skip) return;
  oldBin = buildOld();
  dir = mkdtempSync(join(tmpdir(), 'motcua-skew-'));
  db = freshDatabase(dir);
  execFileSync(oldBin, ['init', '--db', db, '--demo', '--dossiers', '20'], {
    env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  oldServer = await serve(db, { bin: oldBin });
}, { timeout: (BUILD_MINUTES + 2) * 60000 });

after(async () => {
  if (skip) return;
  for (const s of [newServer, oldServer]) {
    if (!s) continue;
    const code = await s.stop();
    assert.ok(!/Sanitizer|runtime error:/.test(s.stderr()), `sanitizer report:\n${s.stderr().slice(0, 4000)}`);
    assert.equal(code, 0, `a server exited with ${code}:\n${s.stderr().slice(-2000)}`);
  }
  dropDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

async function fileOn(server, token, name) {
  const body = { procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT, name },
    documents: [{ name: 'Tờ khai', originals: 1 }] };
  const res = await server.api('POST', '/api/v1/dossiers', { token, body });
  assertStatus(res, 201, `filing on ${server.base}`);
  return res.body.code;
}

test('the previous release and this one on one PostgreSQL database while this one migrates it', { skip,
  timeout: 180000 }, async (t) => {
  const health = await oldServer.api('GET', '/healthz');
  assert.equal(health.body.schema_version, OLD_SCHEMA, `the old release made the database: ${health.text}`);

  // What this binary's start will apply, said without applying it.
  const dry = spawnSync(BIN, ['migrate', '--db', db, '--dry-run'], { encoding: 'utf8' });
  assert.equal(dry.status, 0, dry.stderr);
  const pending = dry.stdout.split('\n').filter((l) => /^ {2}\d{3} /.test(l)).map((l) => Number(l.trim().slice(0, 3)));
  assert.ok(pending.length > 0 && pending.every((v) => v > OLD_SCHEMA) && pending.at(-1) === newest, dry.stdout);
  assert.match(dry.stdout, new RegExp(`is at schema ${OLD_SCHEMA}; a start would apply ${pending.length} migration`));
  assert.equal((await oldServer.api('GET', '/healthz')).body.schema_version, OLD_SCHEMA, 'nothing applied');

  // The old server under load (filings and lookups) while the new one starts and migrates.
  const oldDesk = await oldServer.login('tiepnhan');
  const before = await fileOn(oldServer, oldDesk, 'Trước Nâng Cấp');
  const during = [];
  let migrating = true;
  const load = (async () => {
    let i = 0;
    while (migrating) {
      const r = i++ % 2 === 0
        ? await oldServer.api('POST', '/api/v1/dossiers', { token: oldDesk, body: {
          procedure_code: districtProcedure().code, channel: 'direct', applicant: { ...APPLICANT, name: `Trong Lúc ${i}` },
          documents: [{ name: 'Tờ khai', originals: 1 }] } })
        : await oldServer.api('GET', `/api/v1/public/dossiers/${before}`);
      during.push(r.status);
    }
  })();
  newServer = await serve(db, { env: { MOTCUA_PAYMENT_SECRET: 'bi-mat-chung-cua-hai-phien-ban' } });
  migrating = false;
  await load;
  assert.equal((await newServer.api('GET', '/readyz')).body?.schema_version, newest, 'migrated');
  assert.ok(during.length > 0, 'the old server was asked while the new one started');
  t.diagnostic(`the old server answered ${during.length} requests while the new one started and migrated`);
  // A request may wait for the migration's table locks; none may fail.
  assert.deepEqual(during.filter((s) => s !== 200 && s !== 201), [],
    `the old server answered ${JSON.stringify(during)} while the new one migrated`);

  // Both serve, on each other's dossiers: the old one on the migrated schema.
  const newDesk = await newServer.login('tiepnhan');
  const fromNew = await fileOn(newServer, newDesk, 'Sau Nâng Cấp Mới');
  const fromOld = await fileOn(oldServer, await oldServer.login('tiepnhan'), 'Sau Nâng Cấp Cũ');
  for (const [server, code] of [[oldServer, fromNew], [newServer, fromOld], [oldServer, fromOld], [newServer, before]]) {
    const r = await server.api('GET', `/api/v1/public/dossiers/${code}`);
    assertStatus(r, 200, `lookup of ${code} on ${server === oldServer ? 'the old' : 'the new'} server`);
  }
  // The old server acts on a dossier the new one filed, and the new one sees it.
  assertStatus(await act(oldServer, oldDesk, fromNew, 'assign'), 200, 'the old server assigns a new dossier');
  const seen = await newServer.api('GET', `/api/v1/dossiers/${fromNew}`, { token: newDesk });
  assertStatus(seen, 200);
  assert.equal(seen.body.state, 'processing');
  assertStatus(await act(newServer, newDesk, fromOld, 'assign'), 200, 'the new server assigns an old dossier');
  const list = await oldServer.api('GET', '/api/v1/dossiers?limit=5', { token: oldDesk });
  assertStatus(list, 200, 'the old server lists dossiers');
  assert.equal((await oldServer.api('GET', '/healthz')).body.schema_version, newest, 'the old server reads on');
  // The new release's own audit of the log covers what the old one wrote.
  const audit = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});
