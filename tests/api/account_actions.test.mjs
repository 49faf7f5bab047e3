// The append-only record of administrators' account actions
// (GET /api/v1/account-actions, docs/operations.md "Accounts"): each action
// (create, role and unit changes, lock, unlock, forced password change,
// password reset, hand-over, erasure), made through the API by the root's or
// a district's administrator or at the command line by the operator, is
// recorded with who, when, what and on whom, in the transaction of the change;
// a refused change records nothing; only the root's administrator reads the
// record (other administrators, officers, citizens, no session: refused);
// bad queries are refused precisely. No password is ever in the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { startServer, PASSWORD, BIN, serverEnv } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, UNITS, assertProblem, assertStatus } from './helpers.mjs';

const COMMUNE = UNITS.find((u) => u.parent === DISTRICT).code;
let server;
const tok = {};

const actions = (token, query = '') => server.api('GET', `/api/v1/account-actions${query}`, { token });
async function of(username, query = '') {
  const res = await actions(tok.admin, `?user=${encodeURIComponent(username)}${query}`);
  assertStatus(res, 200, `the actions on ${username}`);
  return res.body;
}
async function makeUser(token, username, role, unit) {
  const res = await server.api('POST', '/api/v1/users', { token, body: {
    username, password: PASSWORD, full_name: 'Cán bộ Kiểm Thử', role, unit } });
  assertStatus(res, 201, `make ${username}`);
  return res.body;
}
const cli = (...args) => spawnSync(BIN, [...args, '--db', server.db], { encoding: 'utf8', env: serverEnv() });

before(async () => {
  server = await startServer({ dossiers: 20 });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'giamsat']) tok[u] = await server.login(u);
  await makeUser(tok.admin, 'admin.qx', 'admin', DISTRICT);
  await makeUser(tok.admin, 'admin.stnmt', 'admin', DEPARTMENT);
  tok.qx = await server.login('admin.qx');
  tok.stnmt = await server.login('admin.stnmt');
});

after(async () => {
  await stopServer(server);
});

test('every account action through the API is recorded: who, when, what, on whom, newest first', async () => {
  const t0 = Date.now();
  await makeUser(tok.qx, 'cv.ghi.nhan', 'specialist', DISTRICT);
  const patch = (body) => server.api('PATCH', '/api/v1/users/cv.ghi.nhan', { token: tok.qx, body });
  assertStatus(await patch({ role: 'leader', unit: COMMUNE }), 200, 'role and unit');
  assertStatus(await patch({ active: false }), 200, 'lock');
  assertStatus(await patch({ active: true }), 200, 'unlock');
  assertStatus(await patch({ must_change_password: true }), 200, 'forced change');
  assertStatus(await patch({ full_name: 'Tên Mới', email: 'moi@example.vn' }), 200, 'profile');
  const reset = await server.api('POST', '/api/v1/users/cv.ghi.nhan/password', { token: tok.admin });
  assertStatus(reset, 200, 'password reset by the root\'s administrator');

  const got = await of('cv.ghi.nhan');
  assert.deepEqual(got.items.map((x) => x.action),
    ['password_reset', 'profile', 'force_password_change', 'unlock', 'lock', 'unit', 'role', 'create']);
  assert.equal(got.total, 8);
  const by = Object.fromEntries(got.items.map((x) => [x.action, x]));
  for (const x of got.items) {
    assert.equal(x.user, 'cv.ghi.nhan');
    assert.equal(x.actor.operator, false);
    assert.equal(x.actor.username, x.action === 'password_reset' ? 'admin' : 'admin.qx', JSON.stringify(x));
    assert.ok(Date.parse(x.at) >= Math.floor(t0 / 1000) * 1000 - 1000, `${x.at} is now`);
    assert.match(x.at, /\+07:00$/, 'shown in UTC+7');
  }
  assert.deepEqual(by.create.detail, { role: 'specialist', unit: DISTRICT });
  assert.deepEqual(by.role.detail, { from: 'specialist', to: 'leader' });
  assert.deepEqual(by.unit.detail, { from: DISTRICT, to: COMMUNE });
  assert.deepEqual(by.lock.detail, {});
  assert.deepEqual(by.force_password_change.detail, { on: true });
  assert.deepEqual(by.profile.detail, { fields: ['full_name', 'email'] }, 'which fields, not their values');
  assert.ok(!JSON.stringify(got).includes(reset.body.password), 'the temporary password is not in the record');
  assert.ok(!JSON.stringify(got).includes('moi@example.vn'), 'nor the new e-mail address');

  // by actor, and paging
  const mine = (await actions(tok.admin, '?actor=admin.qx&limit=2&offset=1')).body;
  assert.equal(mine.limit, 2);
  assert.equal(mine.offset, 1);
  assert.deepEqual(mine.items.map((x) => x.action), ['force_password_change', 'unlock']);
  assert.ok(mine.total >= 7);
  // by day (local dates)
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  assert.equal((await of('cv.ghi.nhan', `&from=${today}&to=${today}`)).total, 8);
  assert.equal((await of('cv.ghi.nhan', '&to=2020-01-01')).total, 0);
});

test('a hand-over is recorded with the colleague and the count; an erasure without personal data', async () => {
  await makeUser(tok.admin, 'cv.ra.di', 'specialist', DISTRICT);
  const res = await server.api('POST', '/api/v1/users/cv.ra.di/handover', { token: tok.qx, body: { to: 'chuyenvien' } });
  assertStatus(res, 200, 'hand-over');
  const [h] = (await of('cv.ra.di')).items;
  assert.equal(h.action, 'handover');
  assert.equal(h.actor.username, 'admin.qx');
  assert.deepEqual(h.detail, { to: 'chuyenvien', moved: res.body.moved });

  // a citizen erases their account: recorded under the erased name only
  const reg = await server.api('POST', '/api/v1/citizens', { body: { username: 'xoa.toi', password: PASSWORD,
    full_name: 'Người Muốn Xoá', email: 'xoa.toi@example.vn', id_number: '038195009999' } });
  assertStatus(reg, 202);
  const me = await server.login('xoa.toi');
  const id = (await server.api('GET', '/api/v1/session', { token: me })).body.user.id;
  assertStatus(await server.api('POST', '/api/v1/personal/erasure', { token: me, body: { confirm: true } }), 200);
  const erased = (await of(`erased-${id}`)).items;
  assert.equal(erased.length, 1, JSON.stringify(erased));
  assert.equal(erased[0].action, 'erase');
  assert.equal(erased[0].actor.username, `erased-${id}`);
  assert.deepEqual(erased[0].detail, { dossiers_pseudonymised: 0 });
  const all = JSON.stringify((await actions(tok.admin, '?limit=500')).body);
  assert.ok(!all.includes('xoa.toi') && !all.includes('038195009999'), 'nothing of the erased person stays');
});

test('the operator\'s actions at the command line are recorded as the operator\'s', async () => {
  await makeUser(tok.admin, 'cv.dong.lenh', 'desk', DISTRICT);
  for (const verb of ['lock', 'unlock', 'force-change', 'reset-password']) {
    const r = cli('user', verb, '--username', 'cv.dong.lenh');
    assert.equal(r.status, 0, `motcua user ${verb}: ${r.stdout}${r.stderr}`);
  }
  const add = cli('user', 'add', '--username', 'cv.tao.lenh', '--role', 'desk', '--unit', DISTRICT,
    '--name', 'Cán bộ Dòng Lệnh', '--password', PASSWORD);
  assert.equal(add.status, 0, add.stdout + add.stderr);
  const got = (await of('cv.dong.lenh')).items;
  assert.deepEqual(got.map((x) => x.action), ['password_reset', 'force_password_change', 'unlock', 'lock', 'create']);
  for (const x of got.slice(0, 4)) assert.deepEqual(x.actor, { username: '(command line)', operator: true });
  const [created] = (await of('cv.tao.lenh')).items;
  assert.equal(created.action, 'create');
  assert.deepEqual(created.actor, { username: '(command line)', operator: true });
  assert.deepEqual(created.detail, { role: 'desk', unit: DISTRICT });

  // an erasure the operator makes on a request at the desk
  assertStatus(await server.api('POST', '/api/v1/citizens', { body: { username: 'xoa.tai.quay', password: PASSWORD,
    full_name: 'Người Xin Xoá', email: 'xoa.tai.quay@example.vn', id_number: '038195008888' } }), 202);
  const id = (await server.api('GET', '/api/v1/session', { token: await server.login('xoa.tai.quay') })).body.user.id;
  const erase = cli('personal', 'erase', '--citizen', 'xoa.tai.quay');
  assert.equal(erase.status, 0, erase.stdout + erase.stderr);
  const [erased] = (await of(`erased-${id}`)).items;
  assert.equal(erased.action, 'erase');
  assert.deepEqual(erased.actor, { username: '(command line)', operator: true });
});

test('a refused change records nothing', async () => {
  await makeUser(tok.admin, 'cv.tu.choi', 'specialist', DISTRICT);
  const before = (await of('cv.tu.choi')).total;
  // another unit's administrator, a citizen's role, a bad body, an unknown unit
  assertProblem(await server.api('PATCH', '/api/v1/users/cv.tu.choi', { token: tok.stnmt, body: { active: false } }),
    403, 'out-of-scope');
  assertProblem(await server.api('PATCH', '/api/v1/users/cv.tu.choi', { token: tok.qx, body: { role: 'admin' } }),
    403, 'out-of-scope');
  assertProblem(await server.api('PATCH', '/api/v1/users/cv.tu.choi', { token: tok.qx, body: { unit: '999.99.99.X00' } }),
    422, 'unknown-unit');
  assertProblem(await server.api('POST', '/api/v1/users/cv.tu.choi/password', { token: tok.stnmt }), 403, 'out-of-scope');
  assertProblem(await server.api('POST', '/api/v1/users/cv.tu.choi/handover', { token: tok.qx, body: { to: 'admin' } }),
    422, 'invalid-field');
  // a PATCH that changes nothing records nothing
  assertStatus(await server.api('PATCH', '/api/v1/users/cv.tu.choi', { token: tok.qx, body: {} }), 200);
  assert.equal((await of('cv.tu.choi')).total, before);
});

test('only the root\'s administrator reads the record; bad queries are refused', async () => {
  assertProblem(await actions(undefined), 401, 'unauthenticated');
  for (const who of ['qx', 'stnmt']) assertProblem(await actions(tok[who]), 403, 'out-of-scope', who);
  for (const who of ['congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'giamsat']) {
    assertProblem(await actions(tok[who]), 403, 'forbidden', who);
  }
  assertProblem(await actions(tok.admin, '?limit=0'), 400, 'invalid-query');
  assertProblem(await actions(tok.admin, '?limit=501'), 400, 'invalid-query');
  assertProblem(await actions(tok.admin, '?limit=abc'), 400, 'invalid-query');
  assertProblem(await actions(tok.admin, '?offset=-1'), 400, 'invalid-query');
  assertProblem(await actions(tok.admin, '?from=yesterday'), 400, 'invalid-query');
  assertProblem(await actions(tok.admin, '?to=2025-13-45'), 400, 'invalid-query');
  // an unknown or huge name: nothing, not an error
  for (const name of ['khong.co.ai', 'x'.repeat(5000)]) {
    const res = await actions(tok.admin, `?user=${name}`);
    assertStatus(res, 200);
    assert.deepEqual([res.body.items, res.body.total], [[], 0]);
    assert.equal((await actions(tok.admin, `?actor=${name}`)).body.total, 0);
  }
});

// The messages queued for one recipient (an e-mail address or a phone), read
// from the outbox of either backend.
function outboxTo(recipient) {
  const q = `SELECT channel, subject, body FROM outbox WHERE recipient = '${recipient}' ORDER BY id`;
  const out = /^postgres(ql)?:/.test(server.db)
    ? execFileSync(process.env.MOTCUA_PG_BINDIR ? `${process.env.MOTCUA_PG_BINDIR}/psql` : 'psql', ['-XAt', server.db.split('?')[0], '-c', `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }).trim()
    : execFileSync('sqlite3', ['-json', server.db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

// An administrator who sets an account's password can act as its owner: the
// owner is told, by e-mail and SMS, who did it and when, and never the
// password itself; a refused reset tells nobody.
test('a password reset is told to the account\'s owner, without the password', async () => {
  const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'cv.dat.lai',
    password: PASSWORD, full_name: 'Cán bộ Đặt Lại', role: 'specialist', unit: DISTRICT,
    email: 'cv.dat.lai@example.vn', phone: '0912000111' } });
  assertStatus(res, 201, 'an officer with an address and a phone');
  assertProblem(await server.api('POST', '/api/v1/users/cv.dat.lai/password', { token: tok.stnmt }), 403, 'out-of-scope',
    'another unit\'s administrator');
  assert.equal(outboxTo('cv.dat.lai@example.vn').length, 0, 'a refused reset tells nobody');
  const reset = await server.api('POST', '/api/v1/users/cv.dat.lai/password', { token: tok.qx });
  assertStatus(reset, 200, 'reset by the district\'s administrator');
  const [mail] = outboxTo('cv.dat.lai@example.vn');
  assert.ok(mail, 'an e-mail to the owner');
  assert.equal(mail.subject, '[motcua] Tài khoản cv.dat.lai đã được đặt lại mật khẩu');
  assert.match(mail.body, /quản trị viên admin\.qx đã đặt lại mật khẩu của tài khoản cv\.dat\.lai/);
  const [sms] = outboxTo('0912000111');
  assert.ok(sms, 'an SMS to the owner');
  assert.match(sms.body, /admin\.qx dat lai mat khau/);
  for (const m of [mail, sms])
    assert.ok(!m.body.includes(reset.body.password) && !m.subject.includes(reset.body.password), 'never the password');
});

// A lock is told to the owner too; new contacts are told at the old ones, so
// that an administrator who moves an officer's address and phone to their
// own, then resets the password, cannot keep the owner from learning of it;
// the operator's lock and reset at the command line are told as the API's.
test('a lock and a change of contacts are told to the owner, at the contacts before the change', async () => {
  const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'ld.lien.he',
    password: PASSWORD, full_name: 'Lãnh đạo Liên Hệ', role: 'leader', unit: DISTRICT,
    email: 'ld.lien.he@example.vn', phone: '0912000222' } });
  assertStatus(res, 201, 'a leader with an address and a phone');
  const patch = (token, body) => server.api('PATCH', '/api/v1/users/ld.lien.he', { token, body });

  assertProblem(await patch(tok.stnmt, { email: 'ke.gian@example.vn' }), 403, 'out-of-scope', 'another unit\'s administrator');
  assert.equal(outboxTo('ld.lien.he@example.vn').length, 0, 'a refused edit tells nobody');

  assertStatus(await patch(tok.qx, { email: 'ke.gian@example.vn', phone: '0987000333' }), 200, 'contacts moved');
  const [mail] = outboxTo('ld.lien.he@example.vn');
  assert.ok(mail, 'an e-mail at the address before the change');
  assert.equal(mail.subject, '[motcua] Tài khoản ld.lien.he đã được đổi thông tin liên hệ');
  assert.match(mail.body, /quản trị viên admin\.qx đã đổi địa chỉ thư điện tử hoặc số điện thoại của tài khoản ld\.lien\.he/);
  const [sms] = outboxTo('0912000222');
  assert.ok(sms, 'an SMS at the phone before the change');
  assert.match(sms.body, /admin\.qx doi thong tin lien he/);
  assert.equal(outboxTo('ke.gian@example.vn').length, 0, 'the new address is not where the owner is told');

  assertStatus(await server.api('POST', '/api/v1/users/ld.lien.he/password', { token: tok.qx }), 200, 'reset');
  assertStatus(await patch(tok.qx, { full_name: 'Lãnh đạo Tên Mới' }), 200, 'a change of name only');
  assert.equal(outboxTo('ld.lien.he@example.vn').length, 1, 'a change of name is no change of contacts');

  assertStatus(await patch(tok.qx, { active: false }), 200, 'lock');
  const locked = outboxTo('ke.gian@example.vn').filter((m) => /đã bị khóa$/.test(m.subject));
  assert.equal(locked.length, 1, 'the lock is told at the account\'s contacts');
  assert.match(locked[0].body, /quản trị viên admin\.qx đã khóa tài khoản ld\.lien\.he/);
  assert.ok(outboxTo('0987000333').some((m) => /admin\.qx khoa/.test(m.body)), 'and by SMS');
  assertStatus(await patch(tok.qx, { active: true }), 200, 'unlock');
  assert.equal(outboxTo('ke.gian@example.vn').filter((m) => /đã bị khóa$/.test(m.subject)).length, 1,
    'an unlock sends no second notice of a lock');

  // at the command line
  assertStatus(await patch(tok.admin, { email: 'ld.dong.lenh@example.vn' }), 200, 'an address of its own');
  let temporary = '';
  for (const verb of ['lock', 'unlock', 'reset-password']) {
    const r = cli('user', verb, '--username', 'ld.lien.he');
    assert.equal(r.status, 0, `motcua user ${verb}: ${r.stdout}${r.stderr}`);
    temporary = /temporary password (\S+)/.exec(r.stdout)?.[1] ?? temporary;
  }
  assert.ok(temporary, 'the reset printed the temporary password');
  const told = outboxTo('ld.dong.lenh@example.vn').map((m) => m.subject);
  assert.deepEqual(told, ['[motcua] Tài khoản ld.lien.he đã bị khóa',
    '[motcua] Tài khoản ld.lien.he đã được đặt lại mật khẩu'], 'the operator\'s lock and reset are told');
  const cliMails = outboxTo('ld.dong.lenh@example.vn');
  assert.match(cliMails[0].body, /quản trị viên \(command line\) đã khóa/);
  for (const m of [...cliMails, ...outboxTo('0987000333')])
    assert.ok(!m.body.includes(temporary) && !m.subject.includes(temporary), 'never the password');
});
