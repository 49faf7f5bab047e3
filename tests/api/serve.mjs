// Starts `motcua serve` on an existing database and stops or kills it, for the
// tests that keep one database across several server processes (crash test,
// database faults). harness.mjs's startServer makes a fresh database each time.
import { spawn, execFileSync } from 'node:child_process';
import { BIN, PASSWORD, freePort, serverEnv } from './harness.mjs';

// Creates a demo database at db (its folder must exist).
export function initDemo(db, { dossiers = 0, initArgs = [] } = {}) {
  execFileSync(BIN, ['init', '--db', db, '--demo', '--dossiers', String(dossiers), ...initArgs], {
    env: { ...process.env, MOTCUA_DEMO_PASSWORD: PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'],
  });
}

// Serves db on a free port; resolves once it listens. Returns
// { base, child, api(), login(), stop(), kill9(), stderr() }. bin: another
// motcua binary (an older release, tests/api/skew.test.mjs).
export async function serve(db, { workers = 2, env = {}, bin = BIN } = {}) {
  const port = await freePort();
  const child = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--workers', String(workers)], {
    env: serverEnv({ MOTCUA_ACCESS_LOG: 'false', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((r) => child.on('exit', r));
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${stderr}`)); },
      15000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  const s = {
    base, child,
    stderr: () => stderr,
    async api(method, path, { token, body, headers = {}, signal } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      let payload;
      if (body !== undefined) {
        payload = JSON.stringify(body);
        h['Content-Type'] = 'application/json';
      }
      const res = await fetch(base + path, { method, headers: h, body: payload, signal });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      return { status: res.status, headers: res.headers, body: json, text };
    },
    async login(username, password = PASSWORD) {
      const r = await s.api('POST', '/api/v1/session', { body: { username, password } });
      if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.body.token;
    },
    // SIGTERM and wait; returns the exit code.
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
    // SIGKILL: no shutdown at all, as a power cut would leave it.
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return s;
}
