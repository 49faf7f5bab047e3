// Messages to applicants: the outbox delivered over a real SMTP exchange on
// loopback (a small SMTP sink here) and to an HTTP SMS gateway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freePort } from './harness.mjs';
import { initDemo, serve } from './serve.mjs';
import { smtpSink } from './smtp_sink.mjs';
import { stopServer, DISTRICT, districtProcedure, file, actOk } from './helpers.mjs';

function decodeSubject(raw) {
  const m = /^Subject: =\?UTF-8\?B\?([^?]*)\?=/m.exec(raw);
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : null;
}

async function waitFor(what, check, ms = 15000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let server;
let smtp;
let gateway;
const sms = [];
const tok = {};

before(async () => {
  smtp = smtpSink();
  const smtpPort = await freePort();
  await new Promise((r) => smtp.server.listen(smtpPort, '127.0.0.1', r));
  gateway = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      sms.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"accepted"}');
    });
  });
  const smsPort = await freePort();
  await new Promise((r) => gateway.listen(smsPort, '127.0.0.1', r));
  server = await startServer({
    dossiers: 20,
    env: {
      MOTCUA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MOTCUA_MAIL_FROM: 'motcua@quangxuong.example.vn',
      MOTCUA_SMS_URL: `http://127.0.0.1:${smsPort}/sms`,
      MOTCUA_NOTIFY_INTERVAL: '1',
      MOTCUA_PUBLIC_URL: 'https://dichvucong.example.vn',
    },
  });
  for (const u of ['tiepnhan', 'lanhdao']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
  smtp.server.close();
  gateway.close();
});

test('a received dossier is announced by e-mail and SMS; the result too', async () => {
  const applicant = { name: 'Phạm Thị Lan', id_number: '038190004321', phone: '0987654321', email: 'lan.pham@example.vn' };
  const d = await file(server, tok.tiepnhan, { applicant });
  const mail = await waitFor('the reception e-mail', () => smtp.mails.find((m) => m.data.includes(d.code)));
  assert.match(mail.from, /motcua@quangxuong\.example\.vn/);
  assert.match(mail.to[0], /lan\.pham@example\.vn/);
  assert.equal(decodeSubject(mail.data), `Hồ sơ ${d.code} đã được tiếp nhận`);
  const body = mail.data.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  assert.ok(body.includes('Phạm Thị Lan'), 'names keep their diacritics');
  const due = `${d.due_at.slice(11, 13)} giờ ${d.due_at.slice(14, 16)} phút ngày ${d.due_at.slice(8, 10)}/${d.due_at.slice(5, 7)}/${d.due_at.slice(0, 4)}`;
  assert.ok(body.includes(due), `the due time ${due}`);
  assert.ok(body.includes(`https://dichvucong.example.vn/tra-cuu/${d.code}`));
  const text = await waitFor('the reception SMS', () => sms.find((m) => m.body.text.includes(d.code)));
  assert.equal(text.path, '/sms');
  assert.equal(text.body.to, '0987654321');

  await actOk(server, tok.tiepnhan, d.code, 'assign');
  await actOk(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' });
  const ready = await waitFor('the result e-mail', () => smtp.mails.find((m) => decodeSubject(m.data) === `Hồ sơ ${d.code} đã có kết quả`));
  assert.ok(ready);
  // assign tells the applicant nothing: exactly two e-mails for this dossier
  assert.equal(smtp.mails.filter((m) => m.data.includes(d.code) && decodeSubject(m.data)?.includes(d.code)).length, 2);
});

test('a supplement request carries its reasons', async () => {
  const d = await file(server, tok.tiepnhan, { applicant: { name: 'Trần Văn Bình', email: 'binh@example.vn' } });
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Thiếu bản sao giấy chứng nhận quyền sử dụng đất' });
  const mail = await waitFor('the supplement e-mail', () => smtp.mails.find((m) => decodeSubject(m.data) === `Hồ sơ ${d.code} cần bổ sung`));
  assert.ok(mail.data.includes('Thiếu bản sao giấy chứng nhận quyền sử dụng đất'));
});

test('a relay that is down loses nothing: the message waits in the outbox with its error', async () => {
  smtp.server.close();
  await new Promise((r) => setTimeout(r, 200));
  const d = await file(server, tok.tiepnhan, { applicant: { name: 'Lê Văn Cường', email: 'cuong@example.vn' } });
  assert.equal(d.state, 'received', 'filing does not wait for the mail');
  const row = await waitFor('a failed attempt', () => {
    const out = execFileSync('sqlite3', [server.db,
      `SELECT o.state || '|' || o.attempts || '|' || o.last_error FROM outbox o JOIN dossier d ON d.id = o.dossier_id WHERE d.code = '${d.code}'`],
    { encoding: 'utf8' }).trim();
    return out.includes('|1|') ? out : null;
  });
  assert.match(row, /^pending\|1\|smtp: /);
});

// Delivery is at least once (docs/scaling.md §1): a server that dies after the
// relay has the message, before it records the outcome, leaves the message
// claimed; when the claim expires it is sent again. The copy must carry the
// same Message-ID, so that mail clients and relays can tell it is a repeat.
test('a message sent again after a crash carries the same Message-ID', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-resend-'));
  const db = join(dir, 'motcua.db');
  let node = null;
  const sink = smtpSink({
    // the relay has it: the server dies before it can hear the "250"
    beforeAccept: () => { if (sink.mails.length === 1) node.child.kill('SIGKILL'); },
  });
  const port = await freePort();
  await new Promise((r) => sink.server.listen(port, '127.0.0.1', r));
  const env = { MOTCUA_SMTP_URL: `smtp://127.0.0.1:${port}`, MOTCUA_MAIL_FROM: 'motcua@quangxuong.example.vn',
    MOTCUA_NOTIFY_INTERVAL: '1' };
  try {
    initDemo(db);
    node = await serve(db, { env });
    const token = await node.login('tiepnhan');
    const d = await file(node, token, { applicant: { name: 'Hoàng Văn Dũng', email: 'dung@example.vn' } });
    await waitFor('the first copy and the crash', () => sink.mails.length === 1 && node.child.signalCode === 'SIGKILL');
    await node.kill9();
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    const row = `SELECT o.id FROM outbox o JOIN dossier d ON d.id = o.dossier_id WHERE d.code = '${d.code}' AND o.channel = 'email'`;
    assert.match(sql(`SELECT state || '|' || (claimed_until > strftime('%s','now')) FROM outbox WHERE id = (${row})`),
      /^pending\|1$/, 'still pending, held by the dead server\'s claim');
    // the claim's ten minutes, set back here rather than waited for
    sql(`UPDATE outbox SET claimed_until = 1 WHERE id = (${row})`);
    node = await serve(db, { env });
    await waitFor('the second copy', () => sink.mails.length === 2);
    const id = (m) => /^Message-ID: (.*)$/m.exec(m.data)?.[1];
    assert.match(id(sink.mails[0]), /^<motcua\.\d+\.\d+\.H56@quangxuong\.example\.vn>$/);
    assert.equal(id(sink.mails[1]), id(sink.mails[0]), 'the same Message-ID on both copies');
    assert.ok(sink.mails[1].data.includes(d.code));
    await waitFor('the outcome recorded', () => sql(`SELECT state FROM outbox WHERE id = (${row})`) === 'sent');
    await stopServer(node);
  } finally {
    if (node) await node.kill9();
    sink.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
