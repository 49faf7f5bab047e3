// The API test harness: starts the real motcua server on a free port with a
// fresh demo database, and talks HTTP to it. Used by every tests/api/*.test.mjs.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.MOTCUA_BIN || join(root, 'build', 'motcua');
export const PASSWORD = 'demo-password-for-tests';

// `motcua serve` does not start without public_url (docs/operations.md §3).
// Every test server, however it is started, inherits this one (the address
// the setting's default was before) unless the test gives its own; a test
// of the refusal removes it from the server's environment.
process.env.MOTCUA_PUBLIC_URL ??= 'http://127.0.0.1:8080';

// Test servers take fees through the in-process test provider, which takes no
// money and which a production server runs only when told to
// (payment_test_provider, docs/payments.md §4), with one secret, since several
// servers of one PostgreSQL database must share it. A test passes
// { MOTCUA_PAYMENT_TEST_PROVIDER: undefined } in env for the defaults.
export const PAYMENT_ENV = Object.freeze({
  MOTCUA_PAYMENT_TEST_PROVIDER: 'true',
  MOTCUA_PAYMENT_SECRET: 'bi-mat-thanh-toan-cua-may-chu-kiem-thu',
});

// process.env with the test defaults and env over them; a key given as
// undefined in env is left out altogether.
export function serverEnv(env = {}) {
  const all = { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD, ...PAYMENT_ENV, ...env };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  return all;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The database a test server runs on: a SQLite file in dir, or, when
// MOTCUA_TEST_DB_URL_BASE names a PostgreSQL server (postgresql://user@host:port,
// as scripts/pg.sh sets it), a new database there with its attachments in dir.
let databases = 0;
export function freshDatabase(dir) {
  const base = process.env.MOTCUA_TEST_DB_URL_BASE;
  if (!base) return join(dir, 'motcua.db');
  const name = `mc_api_${process.pid}_${++databases}`;
  execFileSync(pgTool('createdb'), ['--maintenance-db', `${base}/postgres`, name], { stdio: 'inherit' });
  return `${base}/${name}?files=${encodeURIComponent(join(dir, 'files'))}`;
}

export function dropDatabase(db) {
  const base = process.env.MOTCUA_TEST_DB_URL_BASE;
  if (!base || !db.startsWith(base)) return;
  const name = db.slice(base.length + 1).split('?')[0];
  try {
    execFileSync(pgTool('dropdb'), ['--force', '--maintenance-db', `${base}/postgres`, name], { stdio: 'ignore' });
  } catch { /* the cluster goes away with scripts/pg.sh anyway */ }
}

function pgTool(name) {
  const dir = process.env.MOTCUA_PG_BINDIR;
  return dir ? join(dir, name) : name;
}

// Creates a database (with the demo province unless demo is false) and starts
// `motcua serve` on it. Returns { base, db, dir, stop(), api(), login() }.
// documents: the demo's documents of 2017 between its units (init
// --documents), none unless a test asks, so that the tests' counts stay small.
// libfaketime, when installed (scripts/setup.sh): a test that moves the
// server's clock starts it with `clock` and skips itself with NO_FAKETIME.
export const FAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/faketime/libfaketimeMT.so.1']
  .find((p) => existsSync(p));
export const NO_FAKETIME = !FAKETIME && 'libfaketime is not installed (scripts/setup.sh)';

// The lines of libfaketime's timestamp file for the UTC time t (ms or ISO).
function clockLine(t) {
  const iso = new Date(t).toISOString();
  return `@${iso.slice(0, 10)} ${iso.slice(11, 19)}\n`;
}

// Starts a server. With `clock` (a UTC time), its clock and init's run on
// libfaketime from that time (a timestamp file it re-reads at every call),
// moved by server.setClock(t): time passes by the test's word, never by
// sleeping.
export async function startServer({ demo = true, dossiers = 60, documents = 0, env = {}, initArgs: moreInit = [], port: wanted, clock } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-api-'));
  const db = freshDatabase(dir);
  const clockFile = join(dir, 'clock');
  if (clock !== undefined) {
    if (!FAKETIME) throw new Error(NO_FAKETIME);
    writeFileSync(clockFile, clockLine(clock));
    const sanitizer = env.ASAN_OPTIONS ?? process.env.ASAN_OPTIONS;
    const asan = sanitizer ? `${sanitizer}:` : '';
    env = {
      ...env,
      LD_PRELOAD: FAKETIME,
      FAKETIME_TIMESTAMP_FILE: clockFile,
      FAKETIME_NO_CACHE: '1',
      TZ: 'UTC',
      // libfaketime is preloaded before the sanitizers' runtime of the ASan build
      ASAN_OPTIONS: `${asan}verify_asan_link_order=0`,
    };
  }
  const fullEnv = serverEnv(env);
  const initArgs = ['init', '--db', db];
  if (demo) initArgs.push('--demo', '--dossiers', String(dossiers), '--documents', String(documents), ...moreInit);
  execFileSync(BIN, initArgs, { env: fullEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = wanted ?? await freePort(); // a test that must name the address first gives it
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--workers', '2'], {
    // the access log off unless a test asks for it (access_log.test.mjs)
    env: { ...fullEnv, MOTCUA_ACCESS_LOG: env.MOTCUA_ACCESS_LOG ?? 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // do not leave a stuck server behind
      reject(new Error(`server did not start: ${stderr}`));
    }, 15000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, db, dir, child,
    stderr: () => stderr,
    // moves the clock of a server started with `clock` to the UTC time t
    setClock(t) {
      if (clock === undefined) throw new Error('the server was started without a clock to move');
      writeFileSync(clockFile, clockLine(t));
    },
    async stop() {
      // a child killed by a signal has exitCode null and signalCode set: it has exited
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      dropDatabase(db);
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
    // api('POST', '/api/v1/dossiers', { token, body, headers, raw }) → { status, headers, body, text }
    async api(method, path, { token, body, headers = {}, raw } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      let payload;
      if (raw !== undefined) payload = raw;
      else if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        if (!('Content-Type' in h)) h['Content-Type'] = 'application/json';
      }
      const res = await fetch(base + path, { method, headers: h, body: payload });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      return { status: res.status, headers: res.headers, body: json, text };
    },
    async login(username, password = PASSWORD) {
      const r = await server.api('POST', '/api/v1/session', { body: { username, password } });
      if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.body.token;
    },
  };
  return server;
}
