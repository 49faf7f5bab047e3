// The desk handles an online submission (receives it, refuses it or asks for
// a supplement) within one working day. The list of the submissions waiting
// for it (GET /api/v1/dossiers/submissions) gives each one `waiting_since`
// (its submission) and `reception_overdue`: true once more than one working
// day of the unit (8 working hours with the default office hours) has passed
// since, counted with the calendar as due times are, so a weekend or a public
// holiday does not count. The server's clock is moved with libfaketime, never
// by sleeping; the calendar is the demo's (2026: Monday 27 April a day off).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, NO_FAKETIME } from './harness.mjs';
import { stopServer, DISTRICT, districtProcedure, assertStatus, actOk } from './helpers.mjs';

const ONLINE = districtProcedure({ online: true }).code;
let server;
let tok = {};

async function login() {
  tok = {};
  for (const u of ['tiepnhan', 'congdan']) tok[u] = await server.login(u);
}

// The clock moved to iso; the sessions made anew (they do not outlive the jump;
// a connection kept alive across it may be closed under the first request).
async function at(iso) {
  server.setClock(iso);
  for (let i = 0; ; i++) {
    try {
      await login();
      return;
    } catch (e) {
      if (i >= 2) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function submit() {
  const res = await server.api('POST', '/api/v1/dossiers', { token: tok.congdan,
    body: { procedure_code: ONLINE, channel: 'online', unit: DISTRICT, applicant: { name: 'Nguyễn Văn Chờ' } } });
  assertStatus(res, 201, 'submitted online');
  assert.equal(res.body.state, 'submitted');
  return res.body;
}

// The submission as the district's desk reads it in its list.
async function listed(code) {
  const res = await server.api('GET', `/api/v1/dossiers/submissions?unit=${DISTRICT}&limit=500`,
    { token: tok.tiepnhan });
  assertStatus(res, 200, 'the submissions');
  const item = res.body.items.find((x) => x.code === code);
  assert.ok(item, `${code} is listed`);
  return item;
}

before(async () => {
  if (NO_FAKETIME) return;
  // Friday 10 April 2026, 15:00 in Vietnam; the test moves the clock forward only.
  server = await startServer({ dossiers: 0, clock: '2026-04-10T08:00:00Z' });
  await login();
});

after(async () => {
  await stopServer(server);
});

test('a submission waits one working day for reception; a weekend or a public holiday does not count',
  { skip: NO_FAKETIME }, async () => {
    const friday = await submit();
    let item = await listed(friday.code);
    assert.equal(item.waiting_since, friday.submitted_at, 'waiting since it was submitted');
    assert.equal(item.reception_overdue, false, 'just submitted');

    await at('2026-04-13T01:00:00Z'); // Monday 13 April, 08:00: two hours of Friday, one of Monday
    item = await listed(friday.code);
    assert.equal(item.waiting_since, friday.submitted_at);
    assert.equal(item.reception_overdue, false, 'Monday morning: the weekend does not count');

    await at('2026-04-14T00:30:00Z'); // Tuesday 14 April, 07:30: Monday's working day has ended
    assert.equal((await listed(friday.code)).reception_overdue, true, 'Tuesday: more than one working day');

    // Friday 24 April, 15:00; Monday 27 April is a day off (Giỗ Tổ Hùng Vương's).
    await at('2026-04-24T08:00:00Z');
    const beforeHoliday = await submit();
    assert.equal((await listed(beforeHoliday.code)).reception_overdue, false, 'just submitted');
    await at('2026-04-28T01:00:00Z'); // Tuesday 28 April, 08:00
    item = await listed(beforeHoliday.code);
    assert.equal(item.reception_overdue, false, 'the weekend and the holiday do not count');
    assert.equal((await listed(friday.code)).reception_overdue, true, 'the older one still waits, overdue');
    await at('2026-04-29T00:30:00Z'); // Wednesday 29 April, 07:30
    assert.equal((await listed(beforeHoliday.code)).reception_overdue, true, 'Tuesday\'s working day has ended');
    // The desk's page reads the dossiers waiting (GET /api/v1/dossiers?state=submitted) and the
    // detail: both say the same.
    const page = await server.api('GET', '/api/v1/dossiers?state=submitted&limit=100', { token: tok.tiepnhan });
    assertStatus(page, 200, 'the desk\'s waiting list');
    for (const code of [friday.code, beforeHoliday.code]) {
      assert.equal(page.body.items.find((x) => x.code === code)?.reception_overdue, true, `${code} in the desk's list`);
      const d = await server.api('GET', `/api/v1/dossiers/${code}`, { token: tok.tiepnhan });
      assert.equal(d.body.reception_overdue, true, `${code}'s detail`);
    }

    // Received, it waits no more: it leaves the list.
    await actOk(server, tok.tiepnhan, friday.code, 'receive');
    const res = await server.api('GET', `/api/v1/dossiers/submissions?unit=${DISTRICT}`, { token: tok.tiepnhan });
    assert.ok(!res.body.items.some((x) => x.code === friday.code), 'a received dossier is no longer listed');
    const received = await server.api('GET', `/api/v1/dossiers/${friday.code}`, { token: tok.tiepnhan });
    assert.equal(received.body.reception_overdue, undefined, 'a received dossier waits for no reception');
  });
