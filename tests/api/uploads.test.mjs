// Uploads belong to their uploader until a dossier holds them: per-account
// quotas (429 upload-quota, nothing stored), expiry a day later of what no
// dossier holds (files attached stay), temporary files of a crash removed at
// start, and no one attaches or reads another account's upload by its hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PASSWORD, startServer, freshDatabase, dropDatabase, freePort } from './harness.mjs';
import { assertProblem, assertStatus, districtProcedure, file, APPLICANT, DISTRICT, stopServer } from './helpers.mjs';

let server;
const tok = {};

// Limits small enough to reach: 3 files, 3000 bytes held, 4000 bytes a day.
const QUOTAS = { MOTCUA_UPLOAD_QUOTA_FILES: '3', MOTCUA_UPLOAD_QUOTA_BYTES: '3000', MOTCUA_UPLOAD_DAILY_BYTES: '4000' };

before(async () => {
  server = await startServer({ dossiers: 5, env: QUOTAS });
  for (const u of ['congdan', 'tiepnhan', 'chuyenvien.stnmt']) tok[u] = await server.login(u);
  tok.binh = await citizen('tran.van.binh');
  tok.chi = await citizen('le.thi.chi');
});

after(async () => {
  await stopServer(server);
});

async function citizen(username) {
  const res = await server.api('POST', '/api/v1/citizens', { body: { username, password: PASSWORD,
    full_name: 'Công dân thử', email: `${username}@example.vn`, phone: '0912345678', id_number: '038195001199' } });
  assertStatus(res, 202, `registering ${username}`);
  return server.login(username);
}

// A PDF of exactly size bytes, different for each tag.
function pdf(tag, size) {
  const b = Buffer.alloc(size, 0x20);
  b.write(`%PDF-1.4\n% ${tag}\n`);
  return b;
}
const sha = (b) => createHash('sha256').update(b).digest('hex');

function upload(token, bytes) {
  return server.api('POST', '/api/v1/attachments', { token, raw: bytes, headers: { 'Content-Type': 'application/pdf' } });
}

// The files of the attachment folder (SQLite: beside the database; PostgreSQL: the URL's files=).
function filesDir(db, dir) {
  return db.startsWith('postgres') ? join(dir, 'files') : `${db}.files`;
}
function stored(db, dir) {
  const top = filesDir(db, dir);
  if (!existsSync(top)) return [];
  return readdirSync(top).flatMap((p) => readdirSync(join(top, p)).map((f) => join(p, f)));
}
const onDisk = (digest) => stored(server.db, server.dir).includes(`${digest.slice(0, 2)}/${digest}`);

function online(documents) {
  return { procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT, applicant: APPLICANT,
    documents };
}

test('over quota: 429 upload-quota with the figures, and nothing stored', async () => {
  const a = pdf('a', 1000), b = pdf('b', 1000), big = pdf('big', 1500), c = pdf('c', 500), d = pdf('d', 100);
  assertStatus(await upload(tok.chi, a), 201, 'first file');
  assertStatus(await upload(tok.chi, b), 201, 'second file');
  const before = stored(server.db, server.dir);

  // 2000 bytes held + 1500 > 3000
  const bytes = await upload(tok.chi, big);
  assertProblem(bytes, 429, 'upload-quota', 'bytes held');
  assert.match(bytes.body.detail, /2000 bytes .* 1500 \(limit 3000\)/);
  assert.ok(!onDisk(sha(big)), 'the refused file is not on disk');
  assert.deepEqual(stored(server.db, server.dir), before, 'nothing was written');

  assertStatus(await upload(tok.chi, c), 201, 'a third, smaller file');
  // 3 files held + 1 > 3
  const files = await upload(tok.chi, d);
  assertProblem(files, 429, 'upload-quota', 'files held');
  assert.match(files.body.detail, /holds 3 uploaded files .*\(limit 3\)/);
  assert.ok(!onDisk(sha(d)));
  // A refused upload cannot be attached either: it was never recorded.
  const refused = await server.api('POST', '/api/v1/dossiers', { token: tok.chi,
    body: online([{ name: 'Tờ khai', attachment: sha(d) }]) });
  assertProblem(refused, 422, 'invalid-field', 'attaching a refused upload');

  // Another account is not held back by this one's uploads.
  assertStatus(await upload(tok.binh, d), 201, 'another citizen');

  // Filing frees the files held: 1 file of 500 bytes is left.
  await file(server, tok.chi, online([{ name: 'Tờ khai', attachment: sha(a) }, { name: 'Bản vẽ', attachment: sha(b) }]));
  // ... but the day counts every byte: 2500 + 1600 > 4000
  const e = pdf('e', 1600);
  const daily = await upload(tok.chi, e);
  assertProblem(daily, 429, 'upload-quota', 'bytes of the day');
  assert.match(daily.body.detail, /2500 bytes in the last 24 hours, .* 1600 \(limit 4000 a day\)/);
  assert.ok(!onDisk(sha(e)));
  assertStatus(await upload(tok.chi, pdf('f', 1400)), 201, 'up to the daily limit');
});

test("another account's upload: attached or read by its hash, it is refused exactly like an unknown hash", async () => {
  const mine = pdf('congdan-private', 400);
  const up = await upload(tok.congdan, mine);
  assertStatus(up, 201, 'A uploads');
  const unknown = 'e'.repeat(64);

  const attempt = (token, attachment, body = online([{ name: 'Tờ khai', attachment }])) =>
    server.api('POST', '/api/v1/dossiers', { token, body });
  const shape = (r) => ({ status: r.status, type: r.body.type, title: r.body.title, detail: r.body.detail,
    instance: r.body.instance });
  const theirs = await attempt(tok.binh, up.body.sha256);
  const none = await attempt(tok.binh, unknown);
  assertProblem(theirs, 422, 'invalid-field', "B attaches A's upload");
  assert.deepEqual(shape(theirs), shape(none), 'the same answer as for an unknown hash');
  // nor at the desk, by an officer of any unit
  const desk = { procedure_code: districtProcedure().code, channel: 'direct', unit: DISTRICT,
    applicant: { name: 'Nguyễn Văn An' }, documents: [{ name: 'Tờ khai', attachment: up.body.sha256 }] };
  assertProblem(await attempt(tok.tiepnhan, null, desk), 422, 'invalid-field', "the desk attaches A's upload");

  // B cannot read it, as it cannot read a file that does not exist
  const read = await server.api('GET', `/api/v1/attachments/${up.body.sha256}`, { token: tok.binh });
  assertProblem(read, 404, 'not-found', "B reads A's upload");
  assert.deepEqual(shape(read).detail,
    shape(await server.api('GET', `/api/v1/attachments/${unknown}`, { token: tok.binh })).detail);

  // A reads it back and attaches it
  const own = await fetch(`${server.base}/api/v1/attachments/${up.body.sha256}`, { headers: { Authorization: `Bearer ${tok.congdan}` } });
  assert.equal(own.status, 200);
  assert.deepEqual(Buffer.from(await own.arrayBuffer()), mine);
  const d = await file(server, tok.congdan, online([{ name: 'Tờ khai', attachment: up.body.sha256 }]));
  assert.equal(d.documents[0].attachment.sha256, up.body.sha256);
  // once a dossier holds it, its readers are the dossier's: the desk in scope, not B
  const staff = await fetch(`${server.base}/api/v1/attachments/${up.body.sha256}`, { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
  assert.equal(staff.status, 200);
  assertProblem(await server.api('GET', `/api/v1/attachments/${up.body.sha256}`, { token: tok.binh }), 404, 'not-found');
  assertProblem(await server.api('GET', `/api/v1/attachments/${up.body.sha256}`, { token: tok['chuyenvien.stnmt'] }),
    404, 'not-found');
  // ... and B, uploading the same bytes itself, may use its own copy
  assertStatus(await upload(tok.binh, mine), 201);
  await file(server, tok.binh, online([{ name: 'Tờ khai', attachment: up.body.sha256 }]));
});

test('a day later, uploads no dossier holds are removed, files and rows; attached files stay', async () => {
  const loose = pdf('loose', 300), kept = pdf('kept', 300);
  assertStatus(await upload(tok.binh, loose), 201);
  assertStatus(await upload(tok.binh, kept), 201);
  await file(server, tok.binh, online([{ name: 'Tờ khai', attachment: sha(kept) }]));
  assert.ok(onDisk(sha(loose)) && onDisk(sha(kept)));

  const at = (hours) => new Date(Date.now() + hours * 3600e3).toISOString().slice(0, 19) + 'Z';
  const expire = (hours) => execFileSync(BIN, ['files', 'expire', '--db', server.db, '--at', at(hours)],
    { encoding: 'utf8' });
  // an hour later nothing is due
  assert.match(expire(1), /, 0 files deleted/);
  assert.ok(onDisk(sha(loose)));
  // a day and an hour later the loose upload is gone; the attached one stays
  assert.match(expire(25), /[1-9]\d* files deleted/);
  assert.ok(!onDisk(sha(loose)), 'the unattached upload was deleted');
  assert.ok(onDisk(sha(kept)), 'the attached file stays');
  assertProblem(await server.api('GET', `/api/v1/attachments/${sha(loose)}`, { token: tok.binh }), 404, 'not-found');
  const got = await fetch(`${server.base}/api/v1/attachments/${sha(kept)}`, { headers: { Authorization: `Bearer ${tok.binh}` } });
  assert.equal(got.status, 200);
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), kept);
  assertProblem(await server.api('POST', '/api/v1/dossiers', { token: tok.binh,
    body: online([{ name: 'Tờ khai', attachment: sha(loose) }]) }), 422, 'invalid-field', 'attaching an expired upload');
  // uploaded again, it is a new upload with a new day
  assertStatus(await upload(tok.binh, loose), 201);
  assert.ok(onDisk(sha(loose)));
});

// Serves db until stopped; resolves once it listens, with its stderr so far.
async function serveOn(db) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--workers', '1'],
    { env: { ...process.env, MOTCUA_ACCESS_LOG: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => child.on('exit', r));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('listening on')) resolve(); });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return {
    stderr: () => err,
    async stop() { child.kill('SIGTERM'); await exited; return child.exitCode; },
  };
}

test('temporary files of an upload cut short by a crash are removed at start; a fresh one is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-tmpfiles-'));
  const db = freshDatabase(dir);
  let s;
  try {
    execFileSync(BIN, ['init', '--db', db], { stdio: 'ignore' });
    const prefix = join(filesDir(db, dir), 'ab');
    mkdirSync(prefix, { recursive: true });
    const crashed = join(prefix, '.tmp-Q1w2E3');
    const fresh = join(prefix, '.tmp-R4t5Y6');
    const whole = join(prefix, `ab${'0'.repeat(62)}`);
    for (const f of [crashed, fresh, whole]) writeFileSync(f, '%PDF-1.4 half');
    const hourAgo = new Date(Date.now() - 3600e3);
    utimesSync(crashed, hourAgo, hourAgo);
    utimesSync(whole, hourAgo, hourAgo);
    s = await serveOn(db);
    assert.ok(!existsSync(crashed), 'the temporary file of the crash is removed');
    assert.ok(existsSync(fresh), 'a temporary file younger than ten minutes may be an upload in progress');
    assert.ok(existsSync(whole), 'a whole file is not touched');
    assert.match(s.stderr(), /removed 1 temporary files of uploads cut short/);
  } finally {
    if (s) assert.equal(await s.stop(), 0);
    dropDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});
