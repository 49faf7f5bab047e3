// When an apology is made and who signs it (docs/forms.md, form 04): the
// apology is due at least one working day before the due time it replaces
// (NĐ 61/2018 art. 19); one made later is kept and marked late; the leader's
// overdue list with ?soon=true warns of the dossiers due within a working day
// that have none; only a leader of the apologising unit itself signs it, as
// its head or as a deputy for the head. The server's clock is moved with
// libfaketime (a timestamp file it re-reads), never by sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, FAKETIME, NO_FAKETIME } from './harness.mjs';
import { stopServer, DISTRICT, assertProblem, assertStatus, file } from './helpers.mjs';

const PROCEDURE = '1.001695'; // a district procedure of 24 working hours
const work = mkdtempSync(join(tmpdir(), 'motcua-apology-timing-'));
let server;


async function tokens() {
  const tok = {};
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao', 'lanhdao.stnmt']) tok[u] = await server.login(u);
  return tok;
}

function prepare(tok, code, reason = 'Chờ ý kiến thẩm định của Sở Tư pháp') {
  return server.api('POST', `/api/v1/dossiers/${code}/apologies`, { token: tok.chuyenvien, body: { reason } });
}

function issue(token, code, id, body) {
  return server.api('POST', `/api/v1/dossiers/${code}/apologies/${id}/issue`, { token, body });
}

before(async () => {
  if (!FAKETIME) return;
  // Monday 7 December 2026, 08:00 in Vietnam.
  server = await startServer({ dossiers: 20, clock: '2026-12-07T01:00:00Z' });
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

test('an apology a working day ahead is in time; one later is late; the leader is warned in time',
  { skip: NO_FAKETIME }, async () => {
    let tok = await tokens();
    const d1 = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    const d2 = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    const d3 = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    assert.ok(d1.received_at.startsWith('2026-12-07'), `the server's clock is moved: ${d1.received_at}`);

    // Three working days ahead: in time.
    let res = await prepare(tok, d1.code);
    assertStatus(res, 201);
    assert.equal(res.body.late, false, 'three working days before the due time');

    // Two hours before the due time: the leader's list warns of d2 and d3, not yet overdue.
    server.setClock(Date.parse(d2.due_at) - 2 * 3600e3);
    tok = await tokens();
    const overdue = await server.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}`, { token: tok.lanhdao });
    assertStatus(overdue, 200);
    assert.ok(!overdue.body.items.some((x) => x.code === d2.code), 'not overdue yet');
    const soon = await server.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}&soon=true`, { token: tok.lanhdao });
    assertStatus(soon, 200);
    const row = (code) => soon.body.items.find((x) => x.code === code);
    assert.equal(row(d2.code)?.apology_due, true, 'd2: an apology is due now');
    assert.equal(row(d1.code)?.apology_due, false, 'd1: its apology is made');
    assertProblem(await server.api('GET', `/api/v1/stats/overdue?unit=${DISTRICT}&soon=maybe`, { token: tok.lanhdao }),
      400, 'invalid-query');

    res = await prepare(tok, d2.code);
    assertStatus(res, 201);
    assert.equal(res.body.late, true, 'less than a working day before the due time: late, but kept');

    // A day after the due time: late, and still recorded.
    server.setClock(Date.parse(d3.due_at) + 24 * 3600e3);
    tok = await tokens();
    res = await prepare(tok, d3.code);
    assertStatus(res, 201);
    assert.equal(res.body.late, true, 'after the due time');
    const list = await server.api('GET', `/api/v1/dossiers/${d2.code}/apologies`, { token: tok.tiepnhan });
    assert.deepEqual(list.body.items.map((a) => a.late), [true], 'the list says so too');
  });

test('who signs: a leader of the apologising unit, as its head or a deputy; form 04 says which',
  { skip: NO_FAKETIME }, async () => {
    server.setClock('2026-12-14T01:00:00Z'); // Monday 14 December 2026, 08:00
    const tok = await tokens();
    const d = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    const e = await file(server, tok.tiepnhan, { procedure_code: PROCEDURE, unit: DISTRICT });
    const a = (await prepare(tok, d.code)).body;
    const b = (await prepare(tok, e.code)).body;

    assertProblem(await issue(tok.chuyenvien, d.code, a.id), 403, 'forbidden', 'a specialist');
    assertProblem(await issue(tok['lanhdao.stnmt'], d.code, a.id), 403, 'out-of-scope', "another unit's leader");
    let res = await issue(tok.lanhdao, d.code, a.id, { signed_as: 'chairman' });
    assertProblem(res, 422, 'invalid-field', 'not head or deputy');
    assert.equal(res.body.field, 'signed_as');
    res = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies/${a.id}/issue`, { token: tok.lanhdao,
      raw: '{"signed_as":', headers: { 'Content-Type': 'application/json' } });
    assertProblem(res, 400, 'malformed-json');
    const still = await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.tiepnhan });
    assert.equal(still.body.items[0].state, 'prepared', 'the refusals changed nothing');

    // Before it is issued, form 04 is a draft.
    const draft = await pdfText(tok.tiepnhan, d.code);
    assert.ok(draft.includes('DỰ THẢO'));

    res = await issue(tok.lanhdao, d.code, a.id, { signed_as: 'head' });
    assertStatus(res, 200);
    assert.equal(res.body.signed_as, 'head');
    let text = await pdfText(tok.tiepnhan, d.code);
    assert.ok(!text.includes('DỰ THẢO'));
    assert.ok(text.includes('CHỦ TỊCH') && !text.includes('KT. CHỦ TỊCH'), 'the head signs in person');
    assert.ok(text.includes(res.body.issued_by), 'by name');

    res = await issue(tok.lanhdao, e.code, b.id); // no body: a deputy for the head
    assertStatus(res, 200);
    assert.equal(res.body.signed_as, 'deputy');
    text = await pdfText(tok.tiepnhan, e.code);
    assert.ok(text.includes('KT. CHỦ TỊCH') && text.includes('PHÓ CHỦ TỊCH'), 'a deputy signs for the head');
  });

async function pdfText(token, code) {
  const res = await fetch(`${server.base}/api/v1/dossiers/${code}/forms/04`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const path = join(work, `${code}.pdf`);
  writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  return execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}
