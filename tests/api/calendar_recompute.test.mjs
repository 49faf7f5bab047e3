// A year's official days off entered after dossiers due in it were received
// (issue 13, "Calendar edits reach the dossiers already open"): every open
// dossier whose due time the change moves is recomputed from its reception,
// pauses and procedure, in the same transaction as the calendar, with an
// event giving both times; returning to the earlier schedule gives back the
// earlier due times exactly; a dossier already finished keeps its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, file, actOk, getDossier, PROVINCE } from './helpers.mjs';

let server;
const tok = {};

// The district procedure with the longest period (240 working hours): a
// dossier received today is due some six weeks on.
const LONG = PROVINCE.procedures.filter((p) => p.status === 'active' && !p.owner && p.levels.includes('district'))
  .sort((a, b) => b.duration_hours - a.duration_hours)[0];

before(async () => {
  server = await startServer();
  for (const u of ['tiepnhan', 'chuyenvien', 'admin', 'lanhdao']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

const day = (iso) => iso.slice(0, 10); // the local date of "YYYY-MM-DDTHH:MM:SS+07:00"

function weekday(date) {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function previousWeekday(date) {
  const d = new Date(`${date}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() - 1); while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d.toISOString().slice(0, 10);
}

async function calendar(year) {
  const res = await server.api('GET', `/api/v1/calendar/${year}`);
  assertStatus(res, 200);
  return res.body;
}

function put(year, source, days, token = tok.admin) {
  return server.api('PUT', `/api/v1/calendar/${year}`, { token, body: { source, days } });
}

test('days off entered for the year of a due time move it later, with an event; the earlier schedule gives it back', async () => {
  assert.ok(LONG.duration_hours >= 160, `a long procedure: ${LONG.code}`);
  const open = await file(server, tok.tiepnhan, { procedure_code: LONG.code });
  const done = await file(server, tok.tiepnhan, { procedure_code: LONG.code });
  await actOk(server, tok.lanhdao, done.code, 'stop', { note: 'Người nộp đề nghị dừng giải quyết' });
  const doneBefore = await getDossier(server, tok.tiepnhan, done.code);

  const due = day(open.due_at);
  const year = Number(due.slice(0, 4));
  assert.ok(weekday(due) !== 0 && weekday(due) !== 6, `due on a working day: ${open.due_at}`);
  // The year's schedule as it is (shipped, or the rule), and the same with
  // the due day and the working day before it off.
  const was = await calendar(year);
  const extra = [due, previousWeekday(due)].filter((d) => d.startsWith(`${year}-`) &&
    !was.days.some((x) => x.date === d));
  assert.ok(extra.length >= 1);
  const days = [...was.days.map(({ date, kind, name }) => ({ date, kind, name })),
    ...extra.map((date) => ({ date, kind: 'holiday', name: 'Nghỉ theo thông báo bổ sung' }))];

  // A district administrator may not change it: nothing moves.
  const before = await getDossier(server, tok.tiepnhan, open.code);
  const refused = await put(year, 'Thông báo bổ sung', days, tok.lanhdao);
  assertProblem(refused, 403, 'forbidden', 'a leader sets the calendar');
  assert.equal((await getDossier(server, tok.tiepnhan, open.code)).due_at, before.due_at);

  const res = await put(year, 'Thông báo bổ sung về lịch nghỉ', days);
  assertStatus(res, 200, 'the root administrator sets the calendar');
  assert.ok(res.body.recomputed.dossiers >= 1, JSON.stringify(res.body.recomputed));
  assert.ok(res.body.recomputed.checked >= res.body.recomputed.dossiers);

  const moved = await getDossier(server, tok.tiepnhan, open.code);
  assert.ok(moved.due_at > open.due_at, `${moved.due_at} after ${open.due_at}`);
  assert.ok(!extra.includes(day(moved.due_at)), `not due on a day off: ${moved.due_at}`);
  assert.equal(moved.version, before.version + 1);
  const ev = moved.events.at(-1);
  assert.equal(ev.action, 'due_recomputed');
  assert.match(ev.note, new RegExp(`năm ${year}: ${open.due_at.slice(0, 16)} → ${moved.due_at.slice(0, 16)}`));
  // A finished (stopped) dossier is not open: its due time and history stay.
  const doneAfter = await getDossier(server, tok.tiepnhan, done.code);
  assert.equal(doneAfter.due_at, doneBefore.due_at);
  assert.equal(doneAfter.events.length, doneBefore.events.length);

  // Back to the schedule as it was: the due time it had.
  const back = was.basis === 'official'
    ? await put(year, was.source, was.days.map(({ date, kind, name }) => ({ date, kind, name })))
    : await server.api('DELETE', `/api/v1/calendar/${year}`, { token: tok.admin });
  assertStatus(back, 200);
  assert.ok(back.body.recomputed.dossiers >= 1);
  const again = await getDossier(server, tok.tiepnhan, open.code);
  assert.equal(again.due_at, open.due_at);
  assert.equal(again.events.at(-1).action, 'due_recomputed');

  // Storing the same schedule again moves nothing.
  const same = await put(year, was.source || 'Lặp lại', was.days.map(({ date, kind, name }) => ({ date, kind, name })));
  assertStatus(same, 200);
  const still = await getDossier(server, tok.tiepnhan, open.code);
  assert.equal(still.version, again.version);
});

test('a paused dossier: the pause is replayed with the new days off', async () => {
  const d = await file(server, tok.tiepnhan, { procedure_code: LONG.code });
  await actOk(server, tok.tiepnhan, d.code, 'assign', { handler: 'chuyenvien' });
  await actOk(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Thiếu bản sao sổ hộ khẩu' });
  const paused = await getDossier(server, tok.tiepnhan, d.code);
  assert.ok(paused.paused_at);
  const year = Number(day(paused.due_at).slice(0, 4));
  const was = await calendar(year);
  const due = day(paused.due_at);
  if (was.days.some((x) => x.date === due)) return; // cannot happen: a due time falls on a working day
  const days = [...was.days.map(({ date, kind, name }) => ({ date, kind, name })),
    { date: due, kind: 'holiday', name: 'Nghỉ theo thông báo bổ sung' }];
  assertStatus(await put(year, 'Thông báo bổ sung', days), 200);
  const moved = await getDossier(server, tok.tiepnhan, d.code);
  assert.ok(moved.due_at > paused.due_at, `${moved.due_at} after ${paused.due_at}`);
  assert.equal(moved.paused_at, paused.paused_at, 'still paused');
  // The supplement then resumes from the recomputed due time.
  const resumed = await actOk(server, tok.tiepnhan, d.code, 'supplement', { documents: [{ name: 'Sổ hộ khẩu', originals: 1 }] });
  assert.ok(resumed.due_at >= moved.due_at);
  const back = was.basis === 'official'
    ? await put(year, was.source, was.days.map(({ date, kind, name }) => ({ date, kind, name })))
    : await server.api('DELETE', `/api/v1/calendar/${year}`, { token: tok.admin });
  assertStatus(back, 200);
});

test('after an apology: the appointment promised stays, the statutory due time is recomputed', async () => {
  // An overdue dossier of the demo, apologised for by its leader.
  const list = await server.api('GET', '/api/v1/dossiers?limit=200&open=true', { token: tok.lanhdao });
  assertStatus(list, 200);
  const late = list.body.items.find((x) => x.timeliness === 'overdue' && !x.paused_at && !x.statutory_due_at);
  assert.ok(late, 'an overdue dossier in the demo');
  const prep = await server.api('POST', `/api/v1/dossiers/${late.code}/apologies`, { token: tok.lanhdao,
    body: { reason: 'Cần xác minh thêm tại thực địa' } });
  assertStatus(prep, 201, 'prepare');
  const issued = await server.api('POST', `/api/v1/dossiers/${late.code}/apologies/${prep.body.id}/issue`,
    { token: tok.lanhdao });
  assertStatus(issued, 200, 'issue');
  const d = await getDossier(server, tok.lanhdao, late.code);
  assert.equal(d.statutory_due_at, late.due_at);
  const statutory = day(d.statutory_due_at);
  const year = Number(statutory.slice(0, 4));
  const was = await calendar(year);
  assert.ok(!was.days.some((x) => x.date === statutory));
  const days = [...was.days.map(({ date, kind, name }) => ({ date, kind, name })),
    { date: statutory, kind: 'holiday', name: 'Nghỉ theo thông báo bổ sung' }];
  assertStatus(await put(year, 'Thông báo bổ sung', days), 200);
  const moved = await getDossier(server, tok.lanhdao, late.code);
  assert.equal(moved.due_at, d.due_at, 'the appointment of the apology stays');
  assert.ok(moved.statutory_due_at > d.statutory_due_at, `${moved.statutory_due_at} after ${d.statutory_due_at}`);
  assert.equal(moved.events.at(-1).action, 'due_recomputed');
  const back = was.basis === 'official'
    ? await put(year, was.source, was.days.map(({ date, kind, name }) => ({ date, kind, name })))
    : await server.api('DELETE', `/api/v1/calendar/${year}`, { token: tok.admin });
  assertStatus(back, 200);
  assert.equal((await getDossier(server, tok.lanhdao, late.code)).statutory_due_at, d.statutory_due_at);
});
