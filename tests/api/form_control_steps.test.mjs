// Form 05 judges each hand-over twice (docs/forms.md): the step that ended
// there against its own hours (the procedure's steps carry them) and the
// dossier against the statutory due time. The server's clock is moved with
// libfaketime (a timestamp file it re-reads), never by sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, DISTRICT, file, actOk } from './helpers.mjs';

// A district procedure of 24 working hours: reception 1 h, processing 17 h,
// approval 5 h, hand-back 1 h (data/demo/province.json).
const PROCEDURE = '1.001695';
const work = mkdtempSync(join(tmpdir(), 'motcua-form-steps-'));
let server;


before(async () => {
  if (!FAKETIME) return;
  // Monday 7 December 2026, 08:00 in Vietnam
  server = await startServer({ dossiers: 20, clock: '2026-12-07T01:00:00Z' });
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

async function form05(token, code) {
  const res = await fetch(`${server.base}/api/v1/dossiers/${code}/forms/05`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const pdf = join(work, `${code}-05.pdf`);
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  return execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

test('05: a step late against its own hours while the dossier is ahead of its due time',
  { skip: NO_FAKETIME }, async () => {
    const tok = {};
    for (const u of ['tiepnhan', 'chuyenvien']) tok[u] = await server.login(u);
    const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    assert.ok(d.received_at.startsWith('2026-12-07T08:00'), `received on the moved clock: ${d.received_at}`);
    // Handed to the specialist at 10:00: the reception's 1 h ran out at 09:00.
    server.setClock('2026-12-07T03:00:00Z');
    await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
    // Processed in an hour of its 17: ahead.
    server.setClock('2026-12-07T04:00:00Z');
    await actOk(server, tok.chuyenvien, d.code, 'assign', { handler: 'lanhdao' });
    const text = await form05(tok.tiepnhan, d.code);
    const rows = text.split(/ \d\. Giao: /).slice(1);
    assert.equal(rows.length, 2, text);
    assert.ok(rows[0].includes('Bước: Trễ hạn Hồ sơ: Trước hạn'), `row 1: the reception late: ${rows[0]}`);
    assert.ok(rows[1].includes('Bước: Trước hạn Hồ sơ: Trước hạn'), `row 2: the processing ahead: ${rows[1]}`);
  });
