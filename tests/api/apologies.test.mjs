// Apologies for late dossiers (QĐ 876/2017; form 04): prepared by an officer,
// issued by a leader — the due time moves (event "apology", new version), the
// applicant is told through the outbox, the public register lists it, form 04
// and the statistics use it — and every refusal leaves the dossier unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';
import {
  stopServer, DISTRICT, DEPARTMENT, assertProblem, assertStatus, file, getDossier, duePreview, minute,
  districtProcedure,
} from './helpers.mjs';

let server;
const tok = {};
const work = mkdtempSync(join(tmpdir(), 'motcua-apology-'));
const REASON = 'Chờ ý kiến thẩm định của Sở Tư pháp';

before(async () => {
  server = await startServer({ dossiers: 80 });
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao', 'lanhdao.stnmt', 'tiepnhan.stnmt', 'congdan', 'giamsat']) {
    tok[u] = await server.login(u);
  }
});

after(async () => {
  await stopServer(server);
  rmSync(work, { recursive: true, force: true });
});

function prepare(code, body, token = tok.chuyenvien) {
  return server.api('POST', `/api/v1/dossiers/${code}/apologies`, { token, body });
}

function issue(code, id, token = tok.lanhdao) {
  return server.api('POST', `/api/v1/dossiers/${code}/apologies/${id}/issue`, { token });
}

// Local "YYYY-MM-DDTHH:MM" of a day `days` from today at `hm`, in UTC+7.
function localDay(days, hm) {
  const t = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return `${t.toISOString().slice(0, 10)}T${hm}`;
}

// The next Sunday (local) at 09:00.
function nextSunday() {
  const t = new Date(Date.now() + 7 * 3600e3);
  const days = ((7 - t.getUTCDay()) % 7) || 7;
  return localDay(days, '09:00');
}

function sql(query) {
  return execFileSync('sqlite3', [server.db, query], { encoding: 'utf8' }).trim();
}

test('bad input is refused precisely and changes nothing', async () => {
  const d = await file(server, tok.tiepnhan);
  const later = minute((await duePreview(server, { from: minute(d.due_at), hours: 8 })).due);

  assertProblem(await prepare(d.code, {}), 422, 'missing-field', 'no reason');
  assertProblem(await prepare(d.code, { reason: '   ' }), 422, 'invalid-field', 'blank reason');
  assertProblem(await prepare(d.code, { reason: REASON, new_due: '2030-01-01' }), 422, 'invalid-field', 'a date');
  assertProblem(await prepare(d.code, { reason: REASON, new_due: 'ngày mai 09:00h' }), 422, 'invalid-field');
  assertProblem(await prepare(d.code, { reason: REASON, new_due: '2017-03-01T09:00' }), 422, 'invalid-field',
    'in the past');
  assertProblem(await prepare(d.code, { reason: REASON, new_due: minute(d.due_at) }), 422, 'invalid-field',
    'not after the due time');
  const lunch = `${later.slice(0, 10)}T12:00`;
  let res = await prepare(d.code, { reason: REASON, new_due: lunch });
  assertProblem(res, 422, 'invalid-field', 'at lunch');
  assert.match(res.body.detail, /office hours/);
  assertProblem(await prepare(d.code, { reason: REASON, new_due: nextSunday() }), 422, 'invalid-field', 'Sunday');
  assertProblem(await prepare(d.code, { reason: REASON, new_due: localDay(400, '09:00') }), 422, 'invalid-field',
    'more than a year ahead');
  assertProblem(await prepare(d.code, { reason: REASON }, tok.congdan), 403, 'forbidden', 'a citizen');
  assertProblem(await prepare(d.code, { reason: REASON }, tok.giamsat), 403, 'forbidden', 'a supervisor');
  assertProblem(await prepare(d.code, { reason: REASON }, tok['tiepnhan.stnmt']), 403, 'out-of-scope',
    'another unit');
  assertProblem(await prepare('000.00.33.H56-170101-9999', { reason: REASON }), 404, 'not-found');
  res = await server.api('POST', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.chuyenvien, raw: '{"reason":',
    headers: { 'Content-Type': 'application/json' } });
  assertProblem(res, 400, 'malformed-json');

  // An online dossier the desk has not received has no clock to apologise for.
  const online = await file(server, tok.congdan, { channel: 'online',
    procedure_code: districtProcedure({ online: true }).code, unit: DISTRICT });
  assertProblem(await prepare(online.code, { reason: REASON }, tok.tiepnhan), 409, 'forbidden-transition');

  const after = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(after.version, d.version);
  assert.equal(after.due_at, d.due_at);
  res = await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.tiepnhan });
  assertStatus(res, 200);
  assert.deepEqual(res.body.items, []);
});

test('prepared by a specialist, issued by the leader: due time, event, message, register, form 04, statistics', async () => {
  const d = await file(server, tok.tiepnhan, { applicant: { name: 'Nguyễn Văn An', id_number: '038090001234',
    phone: '0912345678', email: 'nguyenvanan@example.vn' } });

  // Prepared with the default rule: later than the due time, in working time; nothing moves yet.
  let res = await prepare(d.code, { reason: REASON });
  assertStatus(res, 201, 'prepare');
  const a = res.body;
  assert.equal(res.headers.get('location'), `/api/v1/dossiers/${d.code}/apologies/${a.id}`);
  assert.equal(a.state, 'prepared');
  assert.equal(a.reason, REASON);
  assert.equal(a.old_due, d.due_at);
  assert.ok(Date.parse(a.new_due) > Date.parse(d.due_at), 'the new date is later');
  assert.equal(a.issued_at, null);
  assert.equal(a.unit.code, DISTRICT);
  assert.equal(a.prepared_by, 'Lê Văn Thắng');
  let now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, d.version);
  assert.equal(now.due_at, d.due_at);

  // A date the officer chose, in working time.
  const chosen = minute((await duePreview(server, { from: minute(d.due_at), hours: 12 })).due);
  res = await prepare(d.code, { reason: REASON, new_due: chosen }, tok.tiepnhan);
  assertStatus(res, 201);
  const b = res.body;
  assert.equal(minute(b.new_due), chosen);

  // Not published before it is issued.
  res = await server.api('GET', '/api/v1/public/apologies');
  assertStatus(res, 200);
  assert.ok(!res.body.items.some((x) => x.code === d.code));

  // Who issues: a leader of the apologising unit.
  assertProblem(await issue(d.code, b.id, tok.chuyenvien), 403, 'forbidden', 'a specialist');
  assertProblem(await issue(d.code, b.id, tok['lanhdao.stnmt']), 403, 'out-of-scope', "another unit's leader");
  assertProblem(await issue(d.code, 9999), 404, 'not-found', 'no such apology');
  assertProblem(await issue(d.code, 'abc'), 404, 'not-found', 'not an id');
  now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, d.version, 'refusals change nothing');

  res = await issue(d.code, b.id);
  assertStatus(res, 200, 'issue');
  assert.equal(res.body.state, 'issued');
  assert.equal(res.body.old_due, d.due_at);
  assert.ok(res.body.issued_at);
  assert.equal(res.body.issued_by, 'Hoàng Văn Minh');
  assert.equal(res.body.dossier.due_at.slice(0, 16), chosen);
  assert.equal(res.headers.get('etag'), `"${d.version + 1}"`);

  now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, d.version + 1);
  assert.equal(minute(now.due_at), chosen);
  assert.equal(now.statutory_due_at, d.due_at, 'the law’s due time is kept');
  assert.equal(now.state, 'received');
  const ev = now.events.at(-1);
  assert.equal(ev.action, 'apology');
  assert.equal(ev.note, REASON);
  assert.equal(ev.from, 'received');
  assert.equal(ev.to, 'received');

  assertProblem(await issue(d.code, b.id), 409, 'apology-issued', 'twice');

  // The first apology's date is now before the due time: it no longer fits.
  if (Date.parse(a.new_due) <= Date.parse(now.due_at)) {
    assertProblem(await issue(d.code, a.id), 409, 'apology-outdated');
  }

  // The applicant is told by e-mail and SMS, with the reason and the new date.
  const msgs = sql(`SELECT o.channel || '|' || o.subject || '|' || o.body FROM outbox o JOIN dossier d ON d.id = o.dossier_id WHERE d.code = '${d.code}' AND o.subject LIKE '%xin lỗi%' ORDER BY o.id`);
  const lines = msgs.split('\n').filter((l) => /^(email|sms)\|/.test(l));
  assert.deepEqual(lines.map((l) => l.split('|')[0]), ['email', 'sms'], msgs);
  assert.ok(msgs.includes(REASON), msgs);
  const [y, m, dd] = [chosen.slice(0, 4), chosen.slice(5, 7), chosen.slice(8, 10)];
  assert.ok(msgs.includes(`${chosen.slice(11, 13)} giờ ${chosen.slice(14, 16)} phút ngày ${dd}/${m}/${y}`), msgs);

  // The public register: no login, the name masked, nothing else of the applicant.
  res = await server.api('GET', `/api/v1/public/apologies?unit=${DISTRICT}`);
  assertStatus(res, 200);
  const item = res.body.items.find((x) => x.code === d.code);
  assert.ok(item, 'listed');
  assert.equal(item.applicant_name, 'N***** V** A*');
  assert.equal(item.unit.code, DISTRICT);
  assert.equal(item.procedure.code, d.procedure.code);
  assert.equal(item.procedure.name, d.procedure.name);
  assert.equal(item.old_due, d.due_at);
  assert.equal(minute(item.new_due), chosen);
  assert.equal(item.reason, REASON);
  assert.ok(item.issued_at);
  assert.ok(!JSON.stringify(res.body).includes('038090001234'));
  assert.ok(!JSON.stringify(res.body).includes('0912345678'));
  assert.ok(!JSON.stringify(res.body).includes('Nguyễn Văn An'));
  res = await server.api('GET', `/api/v1/public/apologies?unit=${DEPARTMENT}`);
  assertStatus(res, 200);
  assert.ok(!res.body.items.some((x) => x.code === d.code), 'not at the department');
  res = await server.api('GET', '/api/v1/public/apologies?from=2017-01-01&to=2017-07-01');
  assert.ok(!res.body.items.some((x) => x.code === d.code), 'not in another period');
  assertProblem(await server.api('GET', '/api/v1/public/apologies?from=2017-07-01&to=2017-01-01'), 400,
    'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/public/apologies?from=1/1/2017'), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/public/apologies?unit=NO.SUCH'), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/public/apologies?limit=0'), 400, 'invalid-query');

  // Both apologies as the officers see them.
  res = await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.lanhdao });
  assertStatus(res, 200);
  assert.deepEqual(res.body.items.map((x) => x.state), ['prepared', 'issued']);
  assertProblem(await server.api('GET', `/api/v1/dossiers/${d.code}/apologies`, { token: tok.congdan }), 404,
    'not-found');

  // Form 04 takes the latest apology's reason and new date.
  const pdf = await fetch(`${server.base}/api/v1/dossiers/${d.code}/forms/04`,
    { headers: { Authorization: `Bearer ${tok.lanhdao}` } });
  assert.equal(pdf.status, 200);
  const path = join(work, 'apology.pdf');
  writeFileSync(path, Buffer.from(await pdf.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  // Issued now, after 15 September 2025: Thông tư 03/2025/TT-VPCP's Mẫu số 04 (docs/forms.md).
  assert.match(text, /VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT/);
  assert.match(text, /Mẫu số 04, Thông tư số 03\/2025\/TT-VPCP/);
  assert.ok(text.includes(REASON), text);
  assert.ok(text.includes(`${chosen.slice(11, 13)} giờ ${chosen.slice(14, 16)} phút, ngày ${dd}/${m}/${y}`), text);
  assert.ok(text.includes('Hoàng Văn Minh'), 'signed by the leader who issued it');

  // The statistics count it in the period it was issued, at the receiving unit.
  const today = localDay(0, '').slice(0, 10);
  const tomorrow = localDay(1, '').slice(0, 10);
  res = await server.api('GET', `/api/v1/stats?from=${today}&to=${tomorrow}`, { token: tok.lanhdao });
  assertStatus(res, 200);
  assert.equal(res.body.totals.apologies, 1);
  assert.equal(res.body.rows.reduce((s, r) => s + r.apologies, 0), 1);
  res = await server.api('GET', `/api/v1/stats?from=${today}&to=${tomorrow}`, { token: tok['lanhdao.stnmt'] });
  assertStatus(res, 200);
  assert.equal(res.body.totals.apologies, 0);
});

test('a resolved dossier takes no apology', async () => {
  const res = await server.api('GET', '/api/v1/dossiers?state=resolved&limit=1', { token: tok.tiepnhan });
  assertStatus(res, 200);
  const [d] = res.body.items;
  assert.ok(d, 'the demo has a resolved dossier');
  assertProblem(await prepare(d.code, { reason: REASON }, tok.tiepnhan), 409, 'forbidden-transition');
});

test('the public register of results: every child unit by month, the same counts as the statistics', async () => {
  let res = await server.api('GET', `/api/v1/public/results?unit=${DISTRICT}&year=2017`);
  assertStatus(res, 200);
  const reg = res.body;
  assert.equal(reg.unit.code, DISTRICT);
  assert.equal(reg.year, 2017);
  const units = await server.api('GET', '/api/v1/units');
  const children = units.body.items.filter((u) => u.parent === DISTRICT);
  const listed = reg.units.filter((u) => !u.unit.own).map((u) => u.unit.code);
  assert.deepEqual(listed, children.map((u) => u.code).sort(), 'every child, in code order');
  for (const u of reg.units) {
    assert.equal(u.months.length, 12);
    assert.deepEqual(u.months.map((x) => x.month), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const x of u.months) {
      assert.ok(x.on_time <= x.resolved);
      assert.equal(x.rate, x.resolved ? x.on_time / x.resolved : null);
    }
    assert.equal(u.resolved, u.months.reduce((s, x) => s + x.resolved, 0));
  }
  // The year's figures are those of the statistics for the same unit and year.
  res = await server.api('GET', `/api/v1/stats?unit=${DISTRICT}&from=2017-01-01&to=2018-01-01`, { token: tok.lanhdao });
  assertStatus(res, 200);
  const t = res.body.totals;
  assert.ok(t.resolved.total > 0);
  assert.equal(reg.totals.resolved, t.resolved.total);
  assert.equal(reg.totals.on_time, t.resolved.early + t.resolved.on_time);
  // A month is one month of the statistics.
  res = await server.api('GET', `/api/v1/stats?unit=${DISTRICT}&from=2017-03-01&to=2017-04-01`, { token: tok.lanhdao });
  assert.equal(reg.totals.months[2].resolved, res.body.totals.resolved.total);

  // The default is the province; no login; bad queries are 400.
  res = await server.api('GET', '/api/v1/public/results?year=2017');
  assertStatus(res, 200);
  assert.equal(res.body.unit.code, '000.00.00.H56');
  assert.ok(res.body.units.some((u) => u.unit.code === DISTRICT));
  assertProblem(await server.api('GET', '/api/v1/public/results?year=17'), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/public/results?year=2017x'), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/public/results?unit=NO.SUCH'), 400, 'invalid-query');
});
