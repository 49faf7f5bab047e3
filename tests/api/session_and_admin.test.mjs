// Signing in and out, accounts, units, the working calendar, attachments and
// the health check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, ROOT, DISTRICT, assertProblem, assertStatus, districtProcedure, file, getDossier, duePreview } from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 10 });
  for (const u of ['admin', 'tiepnhan', 'chuyenvien', 'lanhdao', 'congdan', 'chuyenvien.stnmt']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

function cookieOf(res) {
  const all = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
  const c = all.find((x) => x && x.startsWith('motcua_session='));
  assert.ok(c, `a session cookie in ${JSON.stringify(all)}`);
  return c;
}

test('login returns a token and an HttpOnly, SameSite=Strict cookie', async () => {
  const res = await server.api('POST', '/api/v1/session', { body: { username: 'tiepnhan', password: PASSWORD } });
  assertStatus(res, 201, 'login');
  assert.equal(typeof res.body.token, 'string');
  assert.ok(res.body.token.length >= 32, 'a long random token');
  assert.ok(Date.parse(res.body.expires_at) > Date.now());
  assert.equal(res.body.user.username, 'tiepnhan');
  assert.equal(res.body.user.role, 'desk');
  assert.equal(res.body.user.unit.code, DISTRICT);
  assert.ok(!('password' in res.body.user) && !('password_hash' in res.body.user));
  const cookie = cookieOf(res);
  const attrs = cookie.split(';').map((s) => s.trim());
  assert.equal(attrs[0], `motcua_session=${res.body.token}`);
  assert.ok(attrs.includes('HttpOnly'), cookie);
  assert.ok(attrs.includes('SameSite=Strict'), cookie);
  assert.ok(attrs.includes('Path=/'), cookie);
  const maxAge = Number((attrs.find((a) => a.startsWith('Max-Age=')) || '').slice(8));
  assert.ok(maxAge > 12 * 3600 - 60 && maxAge <= 12 * 3600, `Max-Age ${maxAge}: the 12-hour session`);
  assert.ok(Math.abs(Date.parse(res.body.expires_at) - (Date.now() + 12 * 3600_000)) < 60_000);
  assert.ok(!attrs.includes('Secure'), 'no Secure on plain HTTP');
  // behind a TLS proxy the cookie is Secure
  const tls = await server.api('POST', '/api/v1/session', {
    body: { username: 'tiepnhan', password: PASSWORD }, headers: { 'X-Forwarded-Proto': 'https' },
  });
  assertStatus(tls, 201);
  assert.ok(cookieOf(tls).split(';').map((s) => s.trim()).includes('Secure'));
  // two logins are two sessions
  assert.notEqual(tls.body.token, res.body.token);
});

test('the cookie alone authenticates; logout ends the session', async () => {
  const res = await server.api('POST', '/api/v1/session', { body: { username: 'chuyenvien', password: PASSWORD } });
  assertStatus(res, 201);
  const token = res.body.token;
  const cookie = cookieOf(res).split(';')[0];

  const byCookie = await server.api('GET', '/api/v1/session', { headers: { Cookie: `lang=vi; ${cookie}` } });
  assertStatus(byCookie, 200, 'GET /session with the cookie');
  assert.equal(byCookie.body.user.username, 'chuyenvien');
  // the cookie is found by its whole name, among others
  const among = await server.api('GET', '/api/v1/session', { headers: { Cookie: `old_motcua_session=stale; ${cookie}; theme=dark` } });
  assertStatus(among, 200, 'a look-alike cookie before ours');
  assert.equal(among.body.user.username, 'chuyenvien');
  const lookalike = await server.api('GET', '/api/v1/session', { headers: { Cookie: `x${cookie}` } });
  assertProblem(lookalike, 401, 'unauthenticated', 'another cookie whose name ends in motcua_session');
  const byToken = await server.api('GET', '/api/v1/session', { token });
  assertStatus(byToken, 200);
  assert.equal(byToken.body.user.role, 'specialist');

  const out = await server.api('DELETE', '/api/v1/session', { token });
  assertStatus(out, 204, 'logout');
  const cleared = cookieOf(out);
  assert.match(cleared, /^motcua_session=;/);
  assert.match(cleared, /Max-Age=0/);

  for (const opts of [{ token }, { headers: { Cookie: cookie } }]) {
    const r = await server.api('GET', '/api/v1/session', opts);
    assertProblem(r, 401, 'unauthenticated', 'after logout');
    assertProblem(await server.api('GET', '/api/v1/dossiers', opts), 401, 'unauthenticated', 'after logout');
  }
  assertProblem(await server.api('DELETE', '/api/v1/session', { token }), 401, 'unauthenticated', 'logout twice');
  // signing out with the cookie alone works too
  const again = await server.api('POST', '/api/v1/session', { body: { username: 'chuyenvien', password: PASSWORD } });
  const c2 = cookieOf(again).split(';')[0];
  assertStatus(await server.api('DELETE', '/api/v1/session', { headers: { Cookie: c2 } }), 204, 'logout by cookie');
  assertProblem(await server.api('GET', '/api/v1/session', { token: again.body.token }), 401, 'unauthenticated');
  // other sessions of the same user live on
  assertStatus(await server.api('GET', '/api/v1/session', { token: tok.chuyenvien }), 200);
});

test('citizen registration, then login; it cannot grant itself a role', async () => {
  const body = { username: 'nguyen.thi.hoa', password: 'mat-khau-rat-dai-1', full_name: 'Nguyễn Thị Hoa',
    email: 'hoa@example.vn', phone: '0987654321', id_number: '038195001122' };
  const res = await server.api('POST', '/api/v1/citizens', { body: { ...body, role: 'admin', unit: '000.00.00.H56' } });
  assertStatus(res, 202, 'registration');
  assert.deepEqual(res.body, { status: 'accepted', username: body.username });

  const t = await server.login(body.username, body.password);
  const me = await server.api('GET', '/api/v1/session', { token: t });
  assertStatus(me, 200);
  assert.equal(me.body.user.role, 'citizen', 'a registration is always a citizen');
  assert.equal(me.body.user.unit, null);
  assert.equal(me.body.user.full_name, 'Nguyễn Thị Hoa');
  // a citizen cannot use the staff routes
  assertProblem(await server.api('GET', '/api/v1/users', { token: t }), 403, 'forbidden');
  // and files online, at a named unit, a dossier only they see
  const d = await file(server, t, { channel: 'online', unit: DISTRICT, procedure_code: districtProcedure({ online: true }).code });
  assert.equal(d.state, 'submitted');
  assertProblem(await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.congdan }), 404, 'not-found',
    'another citizen');
  const mine = await server.api('GET', '/api/v1/dossiers', { token: t });
  assert.deepEqual(mine.body.items.map((x) => x.code), [d.code]);
  assert.equal(mine.body.total, 1);

  assertProblem(await server.api('POST', '/api/v1/citizens', { body: { ...body, username: 'Hoa.Nguyen' } }), 422,
    'invalid-field', 'upper case username');
  assertProblem(await server.api('POST', '/api/v1/citizens', { body: { ...body, username: 'hoa2', password: 'short' } }), 422,
    'invalid-field', 'short password');
  assertProblem(await server.api('POST', '/api/v1/citizens', { body: { ...body, username: 'hoa3', email: 'no-at-sign' } }), 422,
    'invalid-field', 'bad email');
  assertProblem(await server.api('POST', '/api/v1/citizens', { body: { username: 'hoa4', password: 'mat-khau-rat-dai-1' } }), 422,
    'missing-field', 'no full_name');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'hoa2', password: 'short' } }), 401,
    'bad-credentials', 'the refused registration made no account');
});

// Registration tells an anonymous caller no more than signing in does about
// which usernames exist: a taken one is answered exactly as a free one, and
// nothing is stored for it (the owner's account is untouched). Whether the
// account is there shows only by signing in, as for any wrong password.
test('registration answers alike for a taken username and a free one, and makes nothing for the taken one', async () => {
  const account = (username) => ({ username, password: 'mat-khau-moi-hoan-toan', full_name: 'Trần Văn Giả',
    email: 'gia@example.vn', phone: '0900000001', id_number: '038199009999' });
  const users = async () => (await server.api('GET', '/api/v1/users', { token: tok.admin })).body.items;
  const before = await users();
  const fresh = await server.api('POST', '/api/v1/citizens', { body: account('tran.van.moi') });
  const answers = [];
  for (const taken of ['congdan', 'admin', 'tiepnhan']) {
    answers.push([taken, await server.api('POST', '/api/v1/citizens', { body: account(taken) })]);
  }
  const shape = (res, username) => ({ status: res.status, type: res.headers.get('content-type'),
    cookie: res.headers.get('set-cookie'), location: res.headers.get('location'),
    body: { ...res.body, username: res.body.username === username ? '(as sent)' : res.body.username } });
  for (const [taken, res] of answers) {
    assert.deepEqual(shape(res, taken), shape(fresh, 'tran.van.moi'), `registering the taken name ${taken}`);
  }
  assertStatus(fresh, 202);
  // the free name made one citizen; the taken ones made nothing and changed nothing
  const after = await users();
  assert.deepEqual(after.filter((u) => u.username !== 'tran.van.moi'), before);
  assert.deepEqual(after.filter((u) => u.username === 'tran.van.moi').map((u) => [u.role, u.full_name]),
    [['citizen', 'Trần Văn Giả']]);
  await server.login('tran.van.moi', 'mat-khau-moi-hoan-toan');
  for (const [taken] of answers) {
    assertProblem(await server.api('POST', '/api/v1/session', { body: { username: taken,
      password: 'mat-khau-moi-hoan-toan' } }), 401, 'bad-credentials', `${taken} keeps its own password`);
    await server.login(taken);
  }
  const owner = await server.api('GET', '/api/v1/session', { token: await server.login('congdan') });
  assert.equal(owner.body.user.full_name, 'Lê Thị Hồng Nhung', 'the owner\'s name is untouched');
});

test('the administrator creates a unit; duplicates and non-admins are refused', async () => {
  const unit = { code: '000.40.33.H56', name: 'UBND xã Quảng Thử', level: 'commune', parent: DISTRICT,
    office_hours: '07:30-11:30,13:30-17:30', address: 'Xã Quảng Thử' };
  const res = await server.api('POST', '/api/v1/units', { token: tok.admin, body: unit });
  assertStatus(res, 201, 'unit create');
  assert.equal(res.body.code, unit.code);
  assert.equal(res.body.level, 'commune');
  assert.equal(res.body.parent, DISTRICT, 'the reply names the parent');
  assert.equal(res.body.province_code, 'H56');
  const got = await server.api('GET', `/api/v1/units/${unit.code}`);
  assertStatus(got, 200);
  assert.equal(got.body.parent, DISTRICT);
  assert.equal(got.body.province_code, 'H56');
  assert.equal(got.body.office_hours, unit.office_hours);

  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin, body: unit }), 409, 'duplicate', 'same code');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.tiepnhan, body: { ...unit, code: '000.41.33.H56' } }),
    403, 'forbidden', 'desk creates a unit');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.lanhdao, body: { ...unit, code: '000.41.33.H56' } }),
    403, 'forbidden', 'leader creates a unit');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { ...unit, code: '000.41.33.H56', level: 'hamlet' } }),
    422, 'invalid-field', 'bad level');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { ...unit, code: '000.41.33.H56', parent: '999.99.99.X00' } }),
    422, 'unknown-unit', 'unknown parent');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { ...unit, code: 'bad code!' } }),
    422, 'invalid-field', 'bad code');
  assertProblem(await server.api('POST', '/api/v1/units', { token: tok.admin, body: { ...unit, code: '000.41.33.H56', office_hours: '17:00-07:00' } }),
    422, 'invalid-field', 'bad office hours');
  assertProblem(await server.api('GET', '/api/v1/units/000.41.33.H56'), 404, 'not-found', 'no refused unit was made');

  const patched = await server.api('PATCH', `/api/v1/units/${unit.code}`, { token: tok.admin, body: { name: 'UBND xã Quảng Mới' } });
  assertStatus(patched, 200);
  assert.equal(patched.body.name, 'UBND xã Quảng Mới');
  assert.equal(patched.body.parent, DISTRICT);
  assert.equal(patched.body.office_hours, unit.office_hours, 'fields not sent are kept');
  assertProblem(await server.api('PATCH', `/api/v1/units/${unit.code}`, { token: tok.lanhdao, body: { name: 'X' } }), 403, 'forbidden');
  assertProblem(await server.api('PATCH', '/api/v1/units/999.99.99.X00', { token: tok.admin, body: { name: 'X' } }), 404, 'not-found');
  assert.equal((await server.api('GET', `/api/v1/units/${unit.code}`)).body.name, 'UBND xã Quảng Mới');
});

test('the administrator creates a user who can sign in and work', async () => {
  const user = { username: 'tiepnhan.quangthu', password: 'mot-mat-khau-dai', full_name: 'Vũ Thị Thu', role: 'desk',
    unit: DISTRICT };
  const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: user });
  assertStatus(res, 201, 'user create');
  assert.equal(res.body.role, 'desk');
  assert.equal(res.body.unit.code, DISTRICT);
  const t = await server.login(user.username, user.password);
  const d = await file(server, t);
  assert.equal(d.receiving_unit.code, DISTRICT);

  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.admin, body: user }), 409, 'duplicate', 'same username');
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...user, username: 'tiepnhan' } }), 409,
    'duplicate', 'a demo username');
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.lanhdao, body: { ...user, username: 'x.y.z' } }), 403,
    'forbidden', 'leader creates a user');
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.tiepnhan, body: { ...user, username: 'x.y.z' } }), 403,
    'forbidden', 'desk creates a user');
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...user, username: 'x.y.z', role: 'king' } }), 422,
    'invalid-field', 'bad role');
  const { unit, ...noUnit } = user;
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...noUnit, username: 'x.y.z' } }), 422,
    'missing-field', 'staff without a unit');
  assertProblem(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { ...user, username: 'x.y.z', unit: '999.99.99.X00' } }), 422,
    'unknown-unit', 'unknown unit');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'x.y.z', password: user.password } }), 401,
    'bad-credentials', 'no refused account exists');

  // leaders see the users of their subtree, the administrator everyone
  const mine = await server.api('GET', '/api/v1/users', { token: tok.lanhdao });
  assertStatus(mine, 200);
  const names = mine.body.items.map((u) => u.username);
  assert.ok(names.includes('tiepnhan') && names.includes(user.username));
  assert.ok(!names.includes('chuyenvien.stnmt') && !names.includes('admin'), names.join(','));
  const all = await server.api('GET', '/api/v1/users', { token: tok.admin });
  assert.ok(all.body.items.some((u) => u.username === 'chuyenvien.stnmt'));
});

// The official schedules shipped in data/calendar/vn-official.tsv.
function officialDays(year) {
  const text = readFileSync(join(ROOT, 'data', 'calendar', 'vn-official.tsv'), 'utf8');
  return text.split('\n').filter((l) => l.startsWith(`${year}-`)).map((l) => {
    const [date, kind, name] = l.split('\t');
    return { date, kind, name };
  });
}

test('GET /calendar/2017 lists the official days, Tết included', async () => {
  const res = await server.api('GET', '/api/v1/calendar/2017');
  assertStatus(res, 200);
  assert.equal(res.body.year, 2017);
  assert.equal(res.body.basis, 'official');
  assert.ok(res.body.source.length > 0);
  const dates = res.body.days.map((d) => d.date);
  for (const d of ['2017-01-26', '2017-01-27', '2017-01-28', '2017-01-29', '2017-01-30', '2017-01-31', '2017-02-01']) {
    assert.ok(dates.includes(d), `${d} is a day off`);
  }
  assert.deepEqual(res.body.days.filter((d) => d.date >= '2017-01-26' && d.date <= '2017-02-01').map((d) => d.kind),
    ['holiday', 'holiday', 'holiday', 'holiday', 'holiday', 'compensatory', 'compensatory']);
  const want = officialDays(2017);
  assert.ok(want.length > 10);
  assert.deepEqual(res.body.days.map(({ date, kind, name }) => ({ date, kind, name })), want);

  // a year without an official schedule follows the rule: 2/9 is two days from 2021
  const rule = await server.api('GET', '/api/v1/calendar/2031');
  assertStatus(rule, 200);
  assert.equal(rule.body.basis, 'rule');
  assert.ok(rule.body.days.filter((d) => d.date === '2031-09-02' || d.date === '2031-09-03' ||
    d.date === '2031-09-01').length >= 2);
  for (const y of ['1899', '2101', 'abc', '2017x']) {
    assertProblem(await server.api('GET', `/api/v1/calendar/${y}`), 404, 'not-found', y);
  }
});

test('the due-time preview crosses the Tết 2017 break', async () => {
  const p = await duePreview(server, { from: '2017-01-25T15:00', hours: 24 });
  assert.equal(p.due.slice(0, 16), '2017-02-06T15:00');
  assert.equal(p.start.slice(0, 16), '2017-01-25T15:00');
  const c = await duePreview(server, { from: '2017-01-25T15:00', hours: 24, cutoff: '15:00' });
  assert.equal(c.start.slice(0, 16), '2017-02-02T07:00', 'after the cut-off the day does not count');
  assert.equal(c.due.slice(0, 16), '2017-02-06T17:00');
  for (const qs of ['from=2017-01-25T15:00', 'hours=8', 'from=yesterday&hours=8', 'from=2017-01-25T15:00&hours=-1',
    'from=2017-01-25T15:00&hours=8&cutoff=25:00', 'from=2017-01-25T15:00&hours=8&unit=999.99.99.X00']) {
    assertProblem(await server.api('GET', `/api/v1/calendar/due?${qs}`), 400, 'invalid-query', qs);
  }
});

test('the administrator sets a year\'s schedule; the due time follows; DELETE reverts', async () => {
  const from = '2031-03-03T08:00'; // a Monday
  const rule = await duePreview(server, { from, hours: 24 });
  assert.equal(rule.due.slice(0, 16), '2031-03-06T08:00');

  const schedule = {
    source: 'Thông báo thử nghiệm về lịch nghỉ năm 2031',
    days: [
      { date: '2031-03-04', kind: 'holiday', name: 'Ngày nghỉ thử' },
      { date: '2031-03-05', kind: 'compensatory', name: 'Nghỉ bù thử' },
      { date: '2031-03-08', kind: 'workday', name: 'Làm bù thứ Bảy' },
    ],
  };
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.lanhdao, body: schedule }), 403, 'forbidden');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin,
    body: { ...schedule, days: [{ date: '2032-01-01', kind: 'holiday', name: 'x' }] } }), 422, 'invalid-field', 'another year');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin,
    body: { ...schedule, days: [{ date: '2031-03-04', kind: 'workday', name: 'x' }] } }), 422, 'invalid-field', 'a weekday as workday');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin,
    body: { ...schedule, days: [{ date: '2031-03-04', kind: 'fiesta', name: 'x' }] } }), 422, 'invalid-field', 'bad kind');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin,
    body: { ...schedule, days: [{ date: '2031-02-30', kind: 'holiday', name: 'x' }] } }), 422, 'invalid-field', 'no such date');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin, body: { days: [] } }), 422, 'missing-field');
  assertProblem(await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin,
    body: { ...schedule, days: [...schedule.days, { date: '2031-03-04', kind: 'compensatory', name: 'again' }] } }), 422,
  'invalid-field', 'a date listed twice');
  assert.equal((await duePreview(server, { from, hours: 24 })).due.slice(0, 16), '2031-03-06T08:00', 'refused edits change nothing');

  const put = await server.api('PUT', '/api/v1/calendar/2031', { token: tok.admin, body: schedule });
  assertStatus(put, 200, 'PUT 2031');
  assert.equal(put.body.basis, 'official');
  assert.equal(put.body.source, schedule.source);
  assert.deepEqual(put.body.days, schedule.days);
  const got = await server.api('GET', '/api/v1/calendar/2031');
  assert.deepEqual(got.body.days, schedule.days);

  // Tuesday and Wednesday off, Saturday worked
  const changed = await duePreview(server, { from, hours: 24 });
  assert.equal(changed.due.slice(0, 16), '2031-03-08T08:00');
  assert.equal((await duePreview(server, { from: '2031-03-04T09:00', hours: 1 })).start.slice(0, 16), '2031-03-06T07:00');

  assertProblem(await server.api('DELETE', '/api/v1/calendar/2031', { token: tok.tiepnhan }), 403, 'forbidden');
  const del = await server.api('DELETE', '/api/v1/calendar/2031', { token: tok.admin });
  assertStatus(del, 200, 'DELETE 2031');
  assert.equal(del.body.basis, 'rule');
  assert.equal((await duePreview(server, { from, hours: 24 })).due.slice(0, 16), '2031-03-06T08:00', 'reverted');
});

test('an official year returned to the rule stays so, and an empty schedule is the rule', async () => {
  const before = await server.api('GET', '/api/v1/calendar/2017');
  assert.equal(before.body.basis, 'official');
  const del = await server.api('DELETE', '/api/v1/calendar/2017', { token: tok.admin });
  assertStatus(del, 200);
  assert.equal(del.body.basis, 'rule');
  assert.equal(del.body.source, null);
  // by the rule, Tết 2017 is the last day of the lunar year and 1-4/1 (27/1 to 31/1,
  // with days in lieu for the weekend); the notice's 26/1 is not among them
  assert.ok(del.body.days.some((d) => d.date === '2017-01-27'));
  assert.ok(!del.body.days.some((d) => d.date === '2017-01-26'), 'the notice’s extra day is gone');
  const empty = await server.api('PUT', '/api/v1/calendar/2017', { token: tok.admin, body: { source: 'x', days: [] } });
  assertStatus(empty, 200);
  assert.equal(empty.body.basis, 'rule');
  // and back to the official schedule
  const put = await server.api('PUT', '/api/v1/calendar/2017', { token: tok.admin, body: { source: before.body.source,
    days: before.body.days.map(({ date, kind, name }) => ({ date, kind, name })) } });
  assertStatus(put, 200);
  assert.equal(put.body.basis, 'official');
  assert.deepEqual(put.body.days, before.body.days);
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

function upload(token, bytes, contentType) {
  const headers = contentType ? { 'Content-Type': contentType } : {};
  return server.api('POST', '/api/v1/attachments', { token, raw: bytes, headers });
}

test('attachments: upload a PDF, refuse a PNG declared as PDF, file it in a dossier', async () => {
  const sha = createHash('sha256').update(PDF).digest('hex');
  const up = await upload(tok.tiepnhan, PDF, 'application/pdf');
  assertStatus(up, 201, 'PDF upload');
  assert.equal(up.body.sha256, sha);
  assert.equal(up.body.size, PDF.length);
  assert.equal(up.body.mime, 'application/pdf');
  // the same bytes again are the same file
  const again = await upload(tok.congdan, PDF, 'application/pdf');
  assertStatus(again, 201);
  assert.equal(again.body.sha256, sha);

  assertProblem(await upload(tok.tiepnhan, PNG, 'application/pdf'), 415, 'unsupported-file-type', 'PNG as PDF');
  assertProblem(await upload(tok.tiepnhan, PDF, 'image/png'), 415, 'unsupported-file-type', 'PDF as PNG');
  assertProblem(await upload(tok.tiepnhan, Buffer.from('hello'), 'text/plain'), 415, 'unsupported-file-type', 'text');
  assertProblem(await upload(tok.tiepnhan, PDF, 'application/x-msdownload'), 415, 'unsupported-file-type', 'exe');
  assertProblem(await upload(tok.tiepnhan, Buffer.alloc(0), 'application/pdf'), 422, 'invalid-field', 'empty');
  // specialists and leaders upload results (resolve attaches them); administrators the files
  // of forms (a procedure's templates, issue 15); supervisors file nothing
  assertStatus(await upload(tok.admin, PDF, 'application/pdf'), 201, 'administrator uploads a form');
  const giamsat = await server.login('giamsat');
  assertProblem(await upload(giamsat, PDF, 'application/pdf'), 403, 'forbidden', 'supervisor uploads');
  assertProblem(await upload(undefined, PDF, 'application/pdf'), 401, 'unauthenticated', 'anonymous upload');
  const png = await upload(tok.tiepnhan, PNG, 'image/png; name=x');
  assertStatus(png, 201, 'PNG as PNG');
  assert.equal(png.body.mime, 'image/png');

  const d = await file(server, tok.tiepnhan, {
    documents: [{ name: 'Tờ khai (bản điện tử)', originals: 1, attachment: sha, filename: 'to-khai.pdf' },
      { name: 'Bản vẽ', copies: 1 }],
  });
  const detail = await getDossier(server, tok.tiepnhan, d.code);
  assert.deepEqual(detail.documents[0].attachment,
    { sha256: sha, filename: 'to-khai.pdf', mime: 'application/pdf', size: PDF.length });
  assert.equal(detail.documents[1].attachment, undefined);

  // staff download it back, as a download
  const get = await fetch(`${server.base}/api/v1/attachments/${sha}`, { headers: { Authorization: `Bearer ${tok.chuyenvien}` } });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('content-type'), 'application/pdf');
  assert.equal(get.headers.get('content-disposition'), 'attachment');
  assert.ok(Buffer.from(await get.arrayBuffer()).equals(PDF));
  assertProblem(await server.api('GET', `/api/v1/attachments/${'0'.repeat(64)}`, { token: tok.chuyenvien }), 404, 'not-found');
  // officers of another unit cannot read it; the citizen who uploaded the same bytes reads its
  // own upload (other citizens cannot: uploads.test.mjs)
  assertProblem(await server.api('GET', `/api/v1/attachments/${sha}`, { token: tok['chuyenvien.stnmt'] }), 404, 'not-found');
  assertStatus(await server.api('GET', `/api/v1/attachments/${sha}`, { token: tok.congdan }), 200, 'its own upload');
  assertProblem(await server.api('GET', '/api/v1/attachments/not-a-hash', { token: tok.chuyenvien }), 404, 'not-found');

  // a citizen reads the files of their own online dossier (uploaded by them:
  // the desk's upload of the same picture is the desk's until a dossier holds it)
  assertStatus(await upload(tok.congdan, PNG, 'image/png'), 201, 'the citizen uploads the picture');
  const own = await file(server, tok.congdan, {
    procedure_code: districtProcedure({ online: true }).code, channel: 'online', unit: DISTRICT,
    documents: [{ name: 'Ảnh chụp', copies: 1, attachment: png.body.sha256, filename: 'anh.png' }],
  });
  assert.equal(own.state, 'submitted');
  const mine = await fetch(`${server.base}/api/v1/attachments/${png.body.sha256}`, { headers: { Authorization: `Bearer ${tok.congdan}` } });
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('content-type'), 'image/png');

  // a document naming no uploaded file is refused
  const bad = await server.api('POST', '/api/v1/dossiers', {
    token: tok.tiepnhan,
    body: { procedure_code: districtProcedure().code, channel: 'direct', applicant: { name: 'A' },
      documents: [{ name: 'X', attachment: 'f'.repeat(64) }] },
  });
  assertProblem(bad, 422, 'invalid-field');
});

test('an upload over the limit → 413', async () => {
  const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
  big.write('%PDF-1.4\n');
  assertProblem(await upload(tok.tiepnhan, big, 'application/pdf'), 413, 'body-too-large');
});

test('GET /healthz', async () => {
  const res = await server.api('GET', '/healthz');
  assertStatus(res, 200);
  assert.equal(res.body.status, 'ok');
  assert.equal(res.body.store, 'ok');
  assert.ok(Number.isInteger(res.body.schema_version) && res.body.schema_version >= 1);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const head = await fetch(`${server.base}/healthz`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('GET /readyz: ready, with the schema of this binary', async () => {
  const ready = await server.api('GET', '/readyz');
  assertStatus(ready, 200, 'readiness');
  assert.equal(ready.body.status, 'ready');
  assert.equal(ready.body.schema_version, (await server.api('GET', '/healthz')).body.schema_version);
  assert.match(ready.headers.get('content-type'), /^application\/json/);
  assert.equal((await fetch(`${server.base}/readyz`, { method: 'HEAD' })).status, 200);
  assertProblem(await server.api('POST', '/readyz'), 405, 'method-not-allowed');
});
