// Accounts administered (docs/operations.md, "Accounts"): an administrator
// edits, locks and unlocks an account of its scope, resets its password (a
// temporary one shown once, every session ended), requires a new password at
// the next sign-in, reads its sign-ins, and hands a departing officer's open
// dossiers to a colleague of the same unit. Each route is attacked: other
// units' administrators (403), citizens and officers (403), an old token of a
// locked account (401), malformed and huge bodies; a refusal changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, PASSWORD, BIN, serverEnv } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, UNITS, assertProblem, assertStatus } from './helpers.mjs';

const COMMUNE = UNITS.find((u) => u.parent === DISTRICT).code;
let server;
const tok = {};

async function makeUser(username, role, unit, extra = {}) {
  const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: {
    username, password: PASSWORD, full_name: extra.full_name || 'Cán bộ Kiểm Thử', role, unit, ...extra } });
  assertStatus(res, 201, `make ${username}`);
  return res.body;
}

const user = async (username) => {
  const res = await server.api('GET', `/api/v1/users/${username}`, { token: tok.admin });
  assertStatus(res, 200, `read ${username}`);
  return res.body;
};

before(async () => {
  server = await startServer({ dossiers: 60 });
  for (const u of ['admin', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao']) tok[u] = await server.login(u);
  await makeUser('admin.qx', 'admin', DISTRICT, { full_name: 'Quản trị huyện' });
  await makeUser('admin.stnmt', 'admin', DEPARTMENT, { full_name: 'Quản trị sở' });
  tok.qx = await server.login('admin.qx');
  tok.stnmt = await server.login('admin.stnmt');
});

after(async () => {
  await stopServer(server);
});

test('GET /api/v1/users: search by name without diacritics, by username, filter by unit, paging', async () => {
  await makeUser('cv.tim.kiem', 'specialist', DISTRICT, { full_name: 'Nguyễn Thị Ngọc Ánh' });
  let res = await server.api('GET', '/api/v1/users?q=ngoc%20anh', { token: tok.admin });
  assertStatus(res, 200);
  assert.deepEqual(res.body.items.map((u) => u.username), ['cv.tim.kiem'], 'the name matches without its diacritics');
  assert.equal(res.body.total, 1);
  res = await server.api('GET', '/api/v1/users?q=TIM.KIEM', { token: tok.admin });
  assert.deepEqual(res.body.items.map((u) => u.username), ['cv.tim.kiem'], 'the username matches in any case');
  res = await server.api('GET', `/api/v1/users?unit=${DEPARTMENT}`, { token: tok.admin });
  assert.ok(res.body.items.length > 0);
  assert.ok(res.body.items.every((u) => u.unit && u.unit.code === DEPARTMENT), 'only the department\'s accounts');
  const all = (await server.api('GET', '/api/v1/users', { token: tok.admin })).body;
  const page = (await server.api('GET', '/api/v1/users?limit=2&offset=1', { token: tok.admin })).body;
  assert.equal(page.total, all.total);
  assert.deepEqual(page.items.map((u) => u.username), all.items.slice(1, 3).map((u) => u.username));
  // a district administrator may not filter by a unit outside its subtree
  assertProblem(await server.api('GET', `/api/v1/users?unit=${DEPARTMENT}`, { token: tok.qx }), 403, 'out-of-scope');
  assertProblem(await server.api('GET', '/api/v1/users?unit=khong-co', { token: tok.admin }), 400, 'invalid-query');
  assertProblem(await server.api('GET', '/api/v1/users?limit=0', { token: tok.admin }), 400, 'invalid-query');
  assertProblem(await server.api('GET', `/api/v1/users?q=${'a'.repeat(1000)}`, { token: tok.admin }), 400, 'invalid-query');
});

test('PATCH /api/v1/users/{username}: edits name, contacts, role and unit within the scope', async () => {
  await makeUser('cv.sua', 'specialist', DISTRICT);
  const res = await server.api('PATCH', '/api/v1/users/cv.sua', { token: tok.qx, body: {
    full_name: 'Trần Văn Sửa', phone: '0912 000 111', email: 'sua@example.vn', role: 'leader', unit: COMMUNE } });
  assertStatus(res, 200);
  assert.equal(res.body.full_name, 'Trần Văn Sửa');
  assert.equal(res.body.role, 'leader');
  assert.equal(res.body.unit.code, COMMUNE);
  const back = await user('cv.sua');
  assert.equal(back.phone, '0912 000 111');
  assert.equal(back.email, 'sua@example.vn');
  // an empty contact clears it
  assertStatus(await server.api('PATCH', '/api/v1/users/cv.sua', { token: tok.qx, body: { email: '' } }), 200);
  assert.equal((await user('cv.sua')).email, null);
});

test('PATCH /api/v1/users/{username}: attacks are refused and change nothing', async () => {
  await makeUser('cv.bi.tan.cong', 'specialist', DISTRICT);
  const before = await user('cv.bi.tan.cong');
  const patch = (token, body, name = 'cv.bi.tan.cong') => server.api('PATCH', `/api/v1/users/${name}`, { token, body });
  // another unit's administrator
  assertProblem(await patch(tok.stnmt, { full_name: 'Kẻ Lạ' }), 403, 'out-of-scope');
  assertProblem(await patch(tok.stnmt, { active: false }), 403, 'out-of-scope');
  // the district's administrator may not move an account out of its subtree, nor grant admin
  assertProblem(await patch(tok.qx, { unit: DEPARTMENT }), 403, 'out-of-scope');
  assertProblem(await patch(tok.qx, { role: 'admin' }), 403, 'out-of-scope');
  // nor touch a citizen's or the province administrator's account
  assertProblem(await patch(tok.qx, { full_name: 'X' }, 'congdan'), 403, 'out-of-scope');
  assertProblem(await patch(tok.qx, { active: false }, 'admin'), 403, 'out-of-scope');
  // citizens and officers have no business here
  for (const who of ['congdan', 'tiepnhan', 'lanhdao']) {
    assertProblem(await patch(tok[who], { full_name: 'X' }), 403, 'forbidden', who);
    assertProblem(await server.api('POST', '/api/v1/users/cv.bi.tan.cong/password', { token: tok[who] }), 403, 'forbidden', who);
    assertProblem(await server.api('GET', '/api/v1/users/cv.bi.tan.cong/signins', { token: tok[who] }), 403, 'forbidden', who);
    assertProblem(await server.api('POST', '/api/v1/users/chuyenvien/handover', { token: tok[who], body: { to: 'lanhdao' } }), 403, 'forbidden', who);
  }
  assertProblem(await patch(undefined, { full_name: 'X' }), 401, 'unauthenticated');
  // malformed and wrong values
  assertProblem(await patch(tok.admin, { role: 'king' }), 422, 'invalid-field');
  assertProblem(await patch(tok.admin, { active: 'no' }), 422, 'invalid-field');
  assertProblem(await patch(tok.admin, { phone: 'abc' }), 422, 'invalid-field');
  assertProblem(await patch(tok.admin, { full_name: 'x'.repeat(61) }), 422, 'invalid-field');
  assertProblem(await patch(tok.admin, { unit: 'khong-co' }), 422, 'unknown-unit');
  assertProblem(await patch(tok.admin, { role: 'citizen' }), 422, 'invalid-field');
  assertProblem(await server.api('PATCH', '/api/v1/users/cv.bi.tan.cong', { token: tok.admin, body: '{"full_name":' }), 400, 'malformed-json');
  assertProblem(await server.api('PATCH', '/api/v1/users/cv.bi.tan.cong', { token: tok.admin,
    body: JSON.stringify({ full_name: 'x'.repeat(2 << 20) }) }), 413, 'body-too-large');
  assertProblem(await patch(tok.admin, { full_name: 'X' }, 'khong.ai'), 404, 'not-found');
  // an administrator does not lock itself out
  assertProblem(await patch(tok.qx, { active: false }, 'admin.qx'), 422, 'invalid-field');
  assert.deepEqual(await user('cv.bi.tan.cong'), before, 'nothing changed');
});

// A change of one's own profile waits on the hashing pool for its password
// check (tens of milliseconds); an administrator's lock, a change of role or
// an erasure committed meanwhile must stay.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a profile change waiting on its password check undoes no lock or role change made meanwhile', async () => {
  for (let i = 0; i < 3; i++) {
    const name = `ld.dua.${i}`;
    await makeUser(name, 'leader', DISTRICT);
    const mine = await server.login(name);
    const change = server.api('PATCH', '/api/v1/profile', { token: mine,
      body: { current_password: PASSWORD, email: `dua.${i}@example.vn` } });
    await sleep(15);
    const lock = await server.api('PATCH', `/api/v1/users/${name}`, { token: tok.admin,
      body: { active: false, role: 'specialist' } });
    assertStatus(lock, 200, 'the lock');
    const res = await change;
    // 409 once its check finds the account changed; 401 when the request
    // was read only after the lock had ended its session (a slow machine)
    if (res.status === 401) assertProblem(res, 401, 'unauthenticated', 'the profile change read after the lock');
    else if (res.status !== 200) assertProblem(res, 409, 'version-conflict', 'the profile change after the lock');
    const back = await user(name);
    assert.equal(back.active, false, 'the lock stays');
    assert.equal(back.role, 'specialist', 'the role change stays');
    const again = await server.api('POST', '/api/v1/session', { body: { username: name, password: PASSWORD } });
    assert.notEqual(again.status, 201, 'a locked account does not sign in');
  }
});

test('a profile change waiting on its password check does not bring an erased account back', async () => {
  for (let i = 0; i < 3; i++) {
    const name = `cd.xoa.dua.${i}`;
    assertStatus(await server.api('POST', '/api/v1/citizens', { body: { username: name, password: PASSWORD,
      full_name: 'Trần Văn Bí Mật', email: `${name}@example.vn`, phone: '0912868860', id_number: `03819500${7000 + i}` } }),
    202, 'registering');
    const mine = await server.login(name);
    const id = (await server.api('GET', '/api/v1/session', { token: mine })).body.user.id;
    const change = server.api('PATCH', '/api/v1/profile', { token: mine,
      body: { current_password: PASSWORD, email: `bi.mat.${i}@example.vn` } });
    await sleep(15);
    assertStatus(await server.api('POST', '/api/v1/personal/erasure', { token: mine, body: { confirm: true } }), 200,
      'the erasure');
    const res = await change;
    if (res.status === 401) assertProblem(res, 401, 'unauthenticated', 'the profile change read after the erasure');
    else if (res.status !== 200) assertProblem(res, 409, 'version-conflict', 'the profile change after the erasure');
    const back = await user(`erased-${id}`);
    assert.equal(back.active, false, 'the erased account stays closed');
    assert.equal(back.email, null, 'no e-mail comes back');
    assert.equal(back.phone, null, 'no phone comes back');
    assert.notEqual(back.full_name, 'Trần Văn Bí Mật', 'the name does not come back');
    const again = await server.api('POST', '/api/v1/session', { body: { username: `erased-${id}`, password: PASSWORD } });
    assert.notEqual(again.status, 201, 'an erased account does not sign in');
  }
});

// A sign-in checks the password on the hashing pool (tens of milliseconds)
// before it writes its session: a password change or a lock committed in
// that window must leave the old password's session nothing to open.
test('a sign-in with the old password racing a password change or a lock opens nothing afterwards', async () => {
  for (let i = 0; i < 6; i++) {
    const name = `cv.dua.mk.${i}`;
    await makeUser(name, 'specialist', DISTRICT);
    const mine = await server.login(name);
    const [change, signin] = await Promise.all([
      server.api('PATCH', '/api/v1/profile', { token: mine,
        body: { current_password: PASSWORD, new_password: `mat-khau-moi-${i}-Abc!xyz` } }),
      sleep(i % 3).then(() => server.api('POST', '/api/v1/session', { body: { username: name, password: PASSWORD } })),
    ]);
    assertStatus(change, 200, 'the password change');
    if (signin.status !== 201) assertProblem(signin, 401, 'bad-credentials');
    else assertProblem(await server.api('GET', '/api/v1/session', { token: signin.body.token }), 401, 'unauthenticated',
      `trial ${i}: the old password's session is over`);
  }
  for (let i = 0; i < 6; i++) {
    const name = `cv.dua.khoa.${i}`;
    await makeUser(name, 'specialist', DISTRICT);
    const [lock, signin] = await Promise.all([
      sleep(i % 3).then(() => server.api('PATCH', `/api/v1/users/${name}`, { token: tok.admin, body: { active: false } })),
      server.api('POST', '/api/v1/session', { body: { username: name, password: PASSWORD } }),
    ]);
    assertStatus(lock, 200, 'the lock');
    assertStatus(await server.api('PATCH', `/api/v1/users/${name}`, { token: tok.admin, body: { active: true } }), 200);
    if (signin.status !== 201) assertProblem(signin, 401, 'bad-credentials');
    else assertProblem(await server.api('GET', '/api/v1/session', { token: signin.body.token }), 401, 'unauthenticated',
      `trial ${i}: a session begun across the lock stays ended after the unlock`);
  }
});

test('locking ends the sessions at once; the old token is 401; unlocking lets the account in again', async () => {
  await makeUser('cv.khoa', 'specialist', COMMUNE);
  const old = await server.login('cv.khoa');
  assertStatus(await server.api('GET', '/api/v1/session', { token: old }), 200);
  const res = await server.api('PATCH', '/api/v1/users/cv.khoa', { token: tok.qx, body: { active: false } });
  assertStatus(res, 200);
  assert.equal(res.body.active, false);
  assertProblem(await server.api('GET', '/api/v1/session', { token: old }), 401, 'unauthenticated');
  assertProblem(await server.api('GET', '/api/v1/dossiers', { token: old }), 401, 'unauthenticated');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cv.khoa', password: PASSWORD } }), 401, 'bad-credentials');
  assertStatus(await server.api('PATCH', '/api/v1/users/cv.khoa', { token: tok.qx, body: { active: true } }), 200);
  assertProblem(await server.api('GET', '/api/v1/session', { token: old }), 401, 'unauthenticated', 'the old session stays ended');
  const fresh = await server.login('cv.khoa');
  assertStatus(await server.api('GET', '/api/v1/session', { token: fresh }), 200);
});

test('a reset password is shown once, ends the sessions, and the session it opens may only change it', async () => {
  await makeUser('cv.quen', 'desk', DISTRICT);
  const old = await server.login('cv.quen');
  assertProblem(await server.api('POST', '/api/v1/users/cv.quen/password', { token: tok.stnmt }), 403, 'out-of-scope');
  assertStatus(await server.api('GET', '/api/v1/session', { token: old }), 200, 'a refused reset ends nothing');
  const res = await server.api('POST', '/api/v1/users/cv.quen/password', { token: tok.qx });
  assertStatus(res, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const temp = res.body.password;
  assert.match(temp, /^[a-zA-Z2-9]{12}$/);
  assert.equal(res.body.must_change_password, true);
  assertProblem(await server.api('GET', '/api/v1/session', { token: old }), 401, 'unauthenticated');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cv.quen', password: PASSWORD } }), 401, 'bad-credentials');
  const t = await server.login('cv.quen', temp);
  const me = await server.api('GET', '/api/v1/session', { token: t });
  assertStatus(me, 200);
  assert.equal(me.body.user.must_change_password, true);
  assertProblem(await server.api('GET', '/api/v1/dossiers', { token: t }), 403, 'password-change-required');
  assertStatus(await server.api('GET', '/api/v1/procedures/fields', { token: t }), 200, 'public routes stay open');
  // the change needs a new password, different from the temporary one
  assertProblem(await server.api('PATCH', '/api/v1/profile', { token: t, body: { current_password: temp } }), 422, 'missing-field');
  assertProblem(await server.api('PATCH', '/api/v1/profile', { token: t, body: { current_password: temp, new_password: temp } }), 422, 'invalid-field');
  assertProblem(await server.api('PATCH', '/api/v1/profile', { token: t, body: { current_password: 'sai-mat-khau-roi', new_password: 'mat-khau-moi-2026' } }), 422, 'invalid-field');
  const done = await server.api('PATCH', '/api/v1/profile', { token: t, body: { current_password: temp, new_password: 'mat-khau-moi-2026' } });
  assertStatus(done, 200);
  assert.equal(done.body.must_change_password, false);
  assertStatus(await server.api('GET', '/api/v1/dossiers', { token: t }), 200, 'the same session works now');
  await server.login('cv.quen', 'mat-khau-moi-2026');
});

test('force a password change: the current session is held to it until done', async () => {
  await makeUser('cv.doi', 'specialist', DISTRICT);
  const t = await server.login('cv.doi');
  assertStatus(await server.api('PATCH', '/api/v1/users/cv.doi', { token: tok.qx, body: { must_change_password: true } }), 200);
  assertProblem(await server.api('GET', '/api/v1/dossiers', { token: t }), 403, 'password-change-required');
  assertStatus(await server.api('GET', '/api/v1/profile/signins', { token: t }), 200);
  assertStatus(await server.api('PATCH', '/api/v1/profile', { token: t, body: { current_password: PASSWORD, new_password: 'doi-mat-khau-ngay' } }), 200);
  assertStatus(await server.api('GET', '/api/v1/dossiers', { token: t }), 200);
});

test('sign-ins: time, address, device and outcome, for the account and its administrators only', async () => {
  await makeUser('cv.nhat.ky', 'specialist', DISTRICT);
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cv.nhat.ky', password: 'sai-mat-khau' },
    headers: { 'User-Agent': 'TrinhDuyetThu/1.0 \u00e9' } }), 401, 'bad-credentials');
  const r = await server.api('POST', '/api/v1/session', { body: { username: 'cv.nhat.ky', password: PASSWORD },
    headers: { 'User-Agent': 'TrinhDuyetThu/1.0' } });
  assertStatus(r, 201);
  const mine = await server.api('GET', '/api/v1/profile/signins', { token: r.body.token });
  assertStatus(mine, 200);
  assert.equal(mine.body.items.length, 2);
  assert.equal(mine.body.items[0].ok, true, 'newest first');
  assert.equal(mine.body.items[1].ok, false);
  assert.equal(mine.body.items[0].address, '127.0.0.1');
  assert.equal(mine.body.items[0].device, 'TrinhDuyetThu/1.0');
  assert.match(mine.body.items[0].at, /^\d{4}-\d\d-\d\dT/);
  const admin = await server.api('GET', '/api/v1/users/cv.nhat.ky/signins', { token: tok.qx });
  assert.deepEqual(admin.body, mine.body);
  assertProblem(await server.api('GET', '/api/v1/users/cv.nhat.ky/signins', { token: tok.stnmt }), 403, 'out-of-scope');
  // a citizen's own list holds only its own sign-ins
  const c = await server.api('GET', '/api/v1/profile/signins', { token: tok.congdan });
  assert.ok(c.body.items.every((x) => x.ok === true));
});

test('an officer leaves: its open dossiers go to a colleague of the unit, each with an event', async () => {
  const open = async (token) => (await server.api('GET', '/api/v1/dossiers?mine=true&open=true&limit=200', { token })).body;
  const held = await open(tok.chuyenvien);
  assert.ok(held.items.length > 0, 'the demo specialist holds open dossiers');
  await makeUser('cv.ke.nhiem', 'specialist', DISTRICT);
  await makeUser('cv.xa', 'specialist', COMMUNE);
  await makeUser('cv.nghi', 'specialist', DISTRICT);
  assertStatus(await server.api('PATCH', '/api/v1/users/cv.nghi', { token: tok.qx, body: { active: false } }), 200);
  const hand = (token, to, from = 'chuyenvien') => server.api('POST', `/api/v1/users/${from}/handover`, { token, body: { to } });
  assertProblem(await hand(tok.stnmt, 'cv.ke.nhiem'), 403, 'out-of-scope');
  for (const [to, slug] of [['cv.xa', 'another unit'], ['cv.nghi', 'inactive'], ['congdan', 'a citizen'],
    ['admin.qx', 'an administrator'], ['chuyenvien', 'itself'], ['khong.ai', 'nobody']]) {
    const res = await hand(tok.qx, to);
    assertProblem(res, 422, 'invalid-field', slug);
    assert.equal(res.body.field, 'to');
  }
  assertProblem(await hand(tok.qx, undefined), 422, 'missing-field');
  assert.equal((await open(tok.chuyenvien)).total, held.total, 'refusals moved nothing');
  const res = await hand(tok.qx, 'cv.ke.nhiem');
  assertStatus(res, 200);
  assert.equal(res.body.moved, held.total);
  assert.equal((await open(tok.chuyenvien)).total, 0);
  const t = await server.login('cv.ke.nhiem');
  assert.equal((await open(t)).total, held.total);
  const d = (await server.api('GET', `/api/v1/dossiers/${encodeURIComponent(held.items[0].code)}`, { token: tok.lanhdao })).body;
  const ev = d.events.at(-1);
  assert.equal(ev.action, 'handover');
  assert.match(ev.note, /chuyenvien.*cv\.ke\.nhiem/);
  assertStatus(await hand(tok.qx, 'cv.ke.nhiem'), 200, 'nothing left is no error');
});

test('the CLI: lock, unlock, reset-password, force-change, signins, handover on the running server\'s database', async () => {
  const cli = (...args) => execFileSync(BIN, ['user', ...args, '--db', server.db], { encoding: 'utf8', env: serverEnv() });
  await makeUser('cv.dong.lenh', 'specialist', DISTRICT);
  const old = await server.login('cv.dong.lenh');
  assert.match(cli('lock', '--username', 'cv.dong.lenh'), /locked/);
  assertProblem(await server.api('GET', '/api/v1/session', { token: old }), 401, 'unauthenticated');
  assertProblem(await server.api('POST', '/api/v1/session', { body: { username: 'cv.dong.lenh', password: PASSWORD } }), 401, 'bad-credentials');
  cli('unlock', '--username', 'cv.dong.lenh');
  const t = await server.login('cv.dong.lenh');
  cli('force-change', '--username', 'cv.dong.lenh');
  assertProblem(await server.api('GET', '/api/v1/dossiers', { token: t }), 403, 'password-change-required');
  const out = cli('reset-password', '--username', 'cv.dong.lenh');
  const temp = /temporary password (\S+)/.exec(out)[1];
  assertProblem(await server.api('GET', '/api/v1/session', { token: t }), 401, 'unauthenticated');
  const t2 = await server.login('cv.dong.lenh', temp);
  assert.equal((await server.api('GET', '/api/v1/session', { token: t2 })).body.user.must_change_password, true);
  const lines = cli('signins', '--username', 'cv.dong.lenh').trim().split('\n');
  assert.ok(lines.length >= 3 && lines.every((l) => /^\d{4}-\d\d-\d\dT.*\t(ok|failed)\t127\.0\.0\.1\t/.test(l)), lines.join('\n'));
  assert.match(cli('handover', '--username', 'cv.dong.lenh', '--to', 'chuyenvien'), /^motcua: 0 open dossiers/);
  assert.throws(() => cli('handover', '--username', 'cv.dong.lenh', '--to', 'congdan'), /not another active officer/);
  assert.throws(() => cli('lock', '--username', 'khong.ai'), /no account has this username/);
});
