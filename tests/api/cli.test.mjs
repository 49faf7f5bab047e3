// The command line: the lunar and working calendars, due times, and accounts
// added with `motcua user add` that then sign in through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN } from './harness.mjs';
import { stopServer, DISTRICT, assertStatus, duePreview } from './helpers.mjs';

function run(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 20000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json(...args) {
  const r = run(...args, '--json');
  assert.equal(r.code, 0, `motcua ${args.join(' ')} --json: ${r.err}`);
  return JSON.parse(r.out);
}

let server;

let admin;

before(async () => {
  server = await startServer({ dossiers: 0 });
  admin = await server.login('admin');
});

after(async () => {
  await stopServer(server);
});

test('calendar lunar: solar → Vietnamese lunar date', () => {
  // Tết 2030 is 2 February in Vietnam (UTC+7), 3 February in China (UTC+8)
  assert.deepEqual(json('calendar', 'lunar', '2030-02-02'), { day: 1, month: 1, year: 2030, leap: false });
  // the new moon of 2 February 2030 falls at 23:07 at UTC+7: the twelfth month before it has 29 days
  assert.deepEqual(json('calendar', 'lunar', '2030-02-01'), { day: 29, month: 12, year: 2029, leap: false });
  // Tết 1985 is 21 January in Vietnam, 20 February in China
  assert.deepEqual(json('calendar', 'lunar', '1985-01-21'), { day: 1, month: 1, year: 1985, leap: false });
  assert.deepEqual(json('calendar', 'lunar', '2017-01-28'), { day: 1, month: 1, year: 2017, leap: false });
  // plain output
  const plain = run('calendar', 'lunar', '2017-07-23');
  assert.equal(plain.code, 0);
  assert.equal(plain.out.trim(), '1/6 (nhuận)/2017');
});

test('calendar solar: lunar → solar, leap months included', () => {
  assert.deepEqual(json('calendar', 'solar', '1/1/2007'), { date: '2007-02-17' });
  assert.deepEqual(json('calendar', 'solar', '1/1/2030'), { date: '2030-02-02' });
  // Đinh Dậu 2017 has a leap sixth month: 1/6 on 24 June, 1/6 nhuận on 23 July
  assert.deepEqual(json('calendar', 'solar', '1/6/2017'), { date: '2017-06-24' });
  assert.deepEqual(json('calendar', 'solar', '1/6/2017', '--leap'), { date: '2017-07-23' });
  assert.deepEqual(json('calendar', 'lunar', '2017-07-23'), { day: 1, month: 6, year: 2017, leap: true });
  assert.deepEqual(json('calendar', 'lunar', '2017-07-22'), { day: 29, month: 6, year: 2017, leap: false });
  // Giỗ Tổ Hùng Vương 10/3 of 2017 is the official holiday of 6 April
  assert.deepEqual(json('calendar', 'solar', '10/3/2017'), { date: '2017-04-06' });
  // round trips over a year with a leap month
  for (const date of ['2017-01-28', '2017-06-24', '2017-07-23', '2017-08-21', '2017-12-31', '2020-05-23']) {
    const l = json('calendar', 'lunar', date);
    const args = ['calendar', 'solar', `${l.day}/${l.month}/${l.year}`];
    if (l.leap) args.push('--leap');
    assert.deepEqual(json(...args), { date }, `round trip of ${date}`);
  }
  // no leap fifth month in 2017
  const r = run('calendar', 'solar', '1/5/2017', '--leap', '--json');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /not a lunar date/);
});

test('calendar days-off: 2/9 is two days from 2021, one before', () => {
  const y2021 = json('calendar', 'days-off', '2021');
  const sept2021 = y2021.filter((d) => d.date.startsWith('2021-09-0'));
  assert.deepEqual(sept2021.map((d) => d.date), ['2021-09-02', '2021-09-03']);
  for (const d of sept2021) assert.equal(d.kind, 'holiday');
  const y2020 = json('calendar', 'days-off', '2020');
  assert.deepEqual(y2020.filter((d) => d.date.startsWith('2020-09-0')).map((d) => d.date), ['2020-09-02']);
  // Tết 2017: 26/1 to 1/2
  const y2017 = json('calendar', 'days-off', '2017');
  const tet = y2017.filter((d) => d.date >= '2017-01-26' && d.date <= '2017-02-01');
  assert.equal(tet.length, 7);
  // a year by the rule alone: Tết Nguyên Đán 2030 starts 2 February, so the 2/2 is off
  const y2030 = json('calendar', 'days-off', '2030');
  assert.ok(y2030.some((d) => d.date === '2030-02-01' || d.date === '2030-02-02' || d.date === '2030-02-04'));
  assert.ok(y2030.filter((d) => d.date.startsWith('2030-09-0')).length >= 2);
  // plain output: one tab-separated line per day
  const plain = run('calendar', 'days-off', '2021');
  assert.equal(plain.code, 0);
  assert.equal(plain.out.trim().split('\n').length, y2021.length);
  assert.match(plain.out, /^2021-09-03\tholiday\t/m);
});

test('calendar due: working time across Tết 2017, with and without a cut-off', () => {
  // Wed 25/1 15:00: 2 h that day; Tết from Thu 26/1 to Wed 1/2; 8 h Thu 2/2, 8 h Fri 3/2, 6 h Mon 6/2
  assert.deepEqual(json('calendar', 'due', '--from', '2017-01-25T15:00', '--hours', '24'), { due: '2017-02-06T15:00' });
  // with a 15:00 cut-off the 25th does not count: three full days
  assert.deepEqual(json('calendar', 'due', '--from', '2017-01-25T15:00', '--hours', '24', '--cutoff', '15:00'),
    { due: '2017-02-06T17:00' });
  assert.deepEqual(json('calendar', 'due', '--from', '2017-01-25T14:59', '--hours', '24', '--cutoff', '15:00'),
    { due: '2017-02-06T14:59' });
  // received at lunch, the clock starts at 13:30; after closing, the next morning
  assert.deepEqual(json('calendar', 'due', '--from', '2017-03-01T12:00', '--hours', '1'), { due: '2017-03-01T14:30' });
  assert.deepEqual(json('calendar', 'due', '--from', '2017-03-01T18:00', '--hours', '8'), { due: '2017-03-02T17:00' });
  // Friday evening to Monday
  assert.deepEqual(json('calendar', 'due', '--from', '2017-03-03T17:30', '--hours', '4'), { due: '2017-03-06T11:00' });
  // the CLI and the API agree
  const plain = run('calendar', 'due', '--from', '2017-01-25T15:00', '--hours', '24');
  assert.equal(plain.code, 0);
  assert.equal(plain.out.trim(), '2017-02-06T15:00');
});

test('the CLI and the API compute the same due times', async () => {
  for (const [from, hours] of [['2017-01-25T15:00', 24], ['2017-04-28T10:00', 16], ['2018-02-13T16:00', 40]]) {
    const cli = json('calendar', 'due', '--from', from, '--hours', String(hours));
    const res = await server.api('GET', `/api/v1/calendar/due?from=${from}&hours=${hours}`);
    assertStatus(res, 200);
    assert.equal(res.body.due.slice(0, 16), cli.due, `${from} + ${hours} h`);
  }
});

test('with --db the CLI uses the schedule an administrator set through the API', async () => {
  const put = await server.api('PUT', '/api/v1/calendar/2031', {
    token: admin,
    body: { source: 'CLI test', days: [{ date: '2031-03-04', kind: 'holiday', name: 'Nghỉ thử' },
      { date: '2031-03-05', kind: 'holiday', name: 'Nghỉ thử' }] },
  });
  assertStatus(put, 200);
  const args = ['calendar', 'due', '--from', '2031-03-03T08:00', '--hours', '24'];
  // Mon 7 h, Tue and Wed off, Thu 8 h, Fri 8 h, then 1 h on the next Monday
  assert.deepEqual(json(...args, '--db', server.db), { due: '2031-03-10T08:00' });
  assert.deepEqual(json(...args), { due: '2031-03-06T08:00' }, 'without --db: the shipped calendar');
  const days = json('calendar', 'days-off', '2031', '--db', server.db);
  assert.deepEqual(days.map((d) => d.date), ['2031-03-04', '2031-03-05']);
  assertStatus(await server.api('DELETE', '/api/v1/calendar/2031', { token: admin }), 200);
  assert.deepEqual(json(...args, '--db', server.db), { due: '2031-03-06T08:00' });
});

// The API's preview takes a unit's office hours; the CLI must not pretend to:
// with --unit it either uses that unit's hours or refuses the option.
test('calendar due --unit is never silently ignored', async () => {
  const code = '000.91.33.H56';
  const u = await server.api('POST', '/api/v1/units', {
    token: admin, body: { code, name: 'UBND xã Một Cửa Cả Ngày', level: 'commune', parent: DISTRICT, office_hours: '00:00-24:00' },
  });
  assertStatus(u, 201);
  const api = await duePreview(server, { from: '2017-03-01T08:00', hours: 8, unit: code });
  assert.equal(api.due.slice(0, 16), '2017-03-01T16:00');
  const r = run('calendar', 'due', '--db', server.db, '--from', '2017-03-01T08:00', '--hours', '8', '--unit', code, '--json');
  if (r.code === 0) assert.deepEqual(JSON.parse(r.out), { due: '2017-03-01T16:00' }, 'the unit\'s office hours');
  else assert.match(r.err, /--unit/, 'refused with a message');
});

test('motcua user add, then sign in through the API', async () => {
  const r = run('user', 'add', '--db', server.db, '--username', 'chuyenvien.moi', '--role', 'specialist',
    '--unit', DISTRICT, '--name', 'Phạm Văn Mới', '--password', 'mat-khau-cli-123');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /chuyenvien\.moi/);
  const token = await server.login('chuyenvien.moi', 'mat-khau-cli-123');
  const me = await server.api('GET', '/api/v1/session', { token });
  assertStatus(me, 200);
  assert.equal(me.body.user.role, 'specialist');
  assert.equal(me.body.user.unit.code, DISTRICT);
  assert.equal(me.body.user.full_name, 'Phạm Văn Mới');

  // without --password one is generated and printed
  const g = run('user', 'add', '--db', server.db, '--username', 'congdan.moi', '--role', 'citizen', '--name', 'Công Dân Mới');
  assert.equal(g.code, 0, g.err);
  const m = /password: (\S+)/.exec(g.out);
  assert.ok(m, g.out);
  const t2 = await server.login('congdan.moi', m[1]);
  assert.equal((await server.api('GET', '/api/v1/session', { token: t2 })).body.user.role, 'citizen');

  // the same username again
  const dup = run('user', 'add', '--db', server.db, '--username', 'chuyenvien.moi', '--role', 'specialist',
    '--unit', DISTRICT, '--name', 'X', '--password', 'mat-khau-cli-123');
  assert.notEqual(dup.code, 0);
  assert.match(dup.err, /taken/);

  // a name is held to the API's rule: no invisible or formatting character
  // (a right-to-left override here), and nothing is stored
  const rlo = run('user', 'add', '--db', server.db, '--username', 'chuyenvien.rlo', '--role', 'specialist',
    '--unit', DISTRICT, '--name', 'Phạm \u202EVăn Mới', '--password', 'mat-khau-cli-123');
  assert.notEqual(rlo.code, 0);
  assert.match(rlo.err, /--name holds U\+202E/);
  assertStatus(await server.api('POST', '/api/v1/session', { body: { username: 'chuyenvien.rlo',
    password: 'mat-khau-cli-123' } }), 401, 'the refused account was not made');
  const unit = run('unit', 'add', '--db', server.db, '--code', '000.77.33.H56', '--name', 'UBND xã\u200B Mới',
    '--level', 'commune', '--parent', DISTRICT);
  assert.notEqual(unit.code, 0);
  assert.match(unit.err, /--name holds U\+200B/);
  assertStatus(await server.api('GET', '/api/v1/units/000.77.33.H56'), 404, 'the refused unit was not made');
});

test('bad arguments exit non-zero with a message', () => {
  const cases = [
    [['calendar'], /usage/],
    [['calendar', 'moon'], /unknown subcommand/],
    [['calendar', 'lunar'], /YYYY-MM-DD/],
    [['calendar', 'lunar', '2030/02/02'], /YYYY-MM-DD/],
    [['calendar', 'lunar', '2030-13-45'], /not a date/],
    [['calendar', 'lunar', '1800-01-01'], /not a date/],
    [['calendar', 'solar', '2030-02-02'], /D\/M\/YYYY/],
    [['calendar', 'solar', '31/1/2030'], /not a lunar date/],
    [['calendar', 'solar', '1/13/2030'], /not a lunar date/],
    [['calendar', 'days-off'], /year/],
    [['calendar', 'days-off', '1850'], /year/],
    [['calendar', 'days-off', '2021x'], /year/],
    [['calendar', 'due', '--hours', '8'], /--from/],
    [['calendar', 'due', '--from', 'tomorrow', '--hours', '8'], /--from/],
    [['calendar', 'due', '--from', '2017-01-25T15:00'], /--hours/],
    [['calendar', 'due', '--from', '2017-01-25T15:00', '--hours', 'eight'], /--hours/],
    [['calendar', 'due', '--from', '2017-01-25T15:00', '--hours', '-8'], /--hours/],
    [['calendar', 'due', '--from', '2017-01-25T15:00', '--hours', '8', '--cutoff', '3pm'], /--cutoff/],
    [['calendar', 'lunar', '2030-02-02', '--jsn'], /unknown option --jsn/],
    [['user', 'add', '--db', '/nonexistent/x.db', '--username', 'a'], /required/],
    [['user', 'add', '--db', 'x.db', '--username', 'abc', '--role', 'king', '--name', 'A'], /--role/],
    [['user', 'add', '--db', 'x.db', '--username', 'abc', '--role', 'desk', '--name', 'A'], /--unit/],
    [['user', 'remove'], /usage/],
  ];
  for (const [args, msg] of cases) {
    const r = run(...args);
    assert.notEqual(r.code, 0, `motcua ${args.join(' ')} should fail`);
    assert.notEqual(r.code, null, `motcua ${args.join(' ')} exited (not killed)`);
    assert.match(r.err, msg, `motcua ${args.join(' ')}: ${r.err}`);
  }
  // a unit that does not exist
  const r = run('user', 'add', '--db', server.db, '--username', 'ghost', '--role', 'desk', '--unit', '999.99.99.X00', '--name', 'A');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /no unit/);
});

// MOTCUA_DEMO_PASSWORD is taken whole: it was copied into 32 bytes, which
// emptied a longer one, and the demo accounts got the empty password.
test('init --demo takes a long MOTCUA_DEMO_PASSWORD whole', async () => {
  const long = 'mật-khẩu-thử-nghiệm-dài-hơn-ba-mươi-hai-byte';
  const s = await startServer({ dossiers: 0, env: { MOTCUA_DEMO_PASSWORD: long } });
  try {
    assert.ok(await s.login('admin', long), 'the demo administrator signs in with the password given');
  } finally {
    await stopServer(s);
  }
});

// The database holds personal data and password hashes: one made by hand
// with a shell's usual umask (022) is readable by its owner only, and so are
// the WAL and shared-memory files SQLite makes beside it.
test('init makes a database readable by its owner only, whatever the umask', () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-mode-'));
  try {
    const db = join(dir, 'motcua.db');
    const r = spawnSync('sh', ['-c', 'umask 022; exec "$0" init --db "$1" --demo', BIN, db],
      { encoding: 'utf8', timeout: 120000, env: { ...process.env, MOTCUA_DEMO_PASSWORD: 'mat-khau-thu-nghiem' } });
    assert.equal(r.status, 0, r.stderr);
    for (const f of [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f)))
      assert.equal(statSync(f).mode & 0o077, 0, `${f} is ${(statSync(f).mode & 0o777).toString(8)}`);
    // a database its administrator opened wider keeps its mode
    const shared = join(dir, 'shared.db');
    spawnSync('sh', ['-c', ': > "$0"; chmod 640 "$0"', shared]);
    const m = spawnSync(BIN, ['migrate', '--db', shared], { encoding: 'utf8', timeout: 60000 });
    assert.equal(m.status, 0, m.stderr);
    assert.equal(statSync(shared).mode & 0o777, 0o640);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
