// The desk clears a flood of junk online submissions: it lists the unit's
// waiting submissions by account, address and time
// (GET /api/v1/dossiers/submissions) and refuses many at once with one reason
// (POST /api/v1/dossiers/refusals): each through the app layer's refusal, with
// its event; a dossier that left the state submitted meanwhile is skipped and
// reported; another unit's desk, a citizen and other roles change nothing.
// Also: online submissions number apart from the desk's walk-ins, and the
// public lookup answers both forms of code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import {
  stopServer, DISTRICT, DEPARTMENT, districtProcedure, procedure, PROVINCE, assertProblem, assertStatus, file, actOk,
  getDossier,
} from './helpers.mjs';

let server;
const tok = {};
const ONLINE = districtProcedure({ online: true }).code;
const quote = (s) => s.replaceAll('.', '\\.');
const junk = []; // rac.a's submissions
let honest; // that.b's
let deptDossier; // an online submission at the department

before(async () => {
  server = await startServer({ dossiers: 20 });
  for (const u of ['tiepnhan', 'tiepnhan.stnmt', 'chuyenvien', 'lanhdao', 'giamsat', 'admin', 'congdan']) {
    tok[u] = await server.login(u);
  }
  for (const name of ['rac.a', 'that.b']) tok[name] = await register(name);
});

after(async () => {
  await stopServer(server);
});

async function register(username) {
  const password = 'mat-khau-rat-dai-1';
  const res = await server.api('POST', '/api/v1/citizens', {
    body: { username, password, full_name: 'Công Dân', email: `${username}@example.vn` },
  });
  assertStatus(res, 202, `register ${username}`);
  return server.login(username, password);
}

async function fileOnline(token, { unit = DISTRICT, procedure_code = ONLINE, name = 'Nguyễn Văn Rác' } = {}) {
  const res = await server.api('POST', '/api/v1/dossiers', {
    token, body: { procedure_code, channel: 'online', unit, applicant: { name } },
  });
  assertStatus(res, 201, 'online filing');
  return res.body;
}

const list = (token, query = '') => server.api('GET', `/api/v1/dossiers/submissions${query}`, { token });
const refuse = (token, body) => server.api('POST', '/api/v1/dossiers/refusals', { token, body });

// The dossier as the district desk sees it now, against what it was.
async function assertUnchanged(before, what) {
  const now = await getDossier(server, tok.tiepnhan, before.code);
  assert.equal(now.state, before.state, `${what}: ${before.code} state unchanged`);
  assert.equal(now.version, before.version, `${what}: ${before.code} version unchanged`);
}

test('online submissions number apart: they never take the desk\'s numbers of the day', async () => {
  const a = await file(server, tok.tiepnhan, { channel: 'direct', unit: DISTRICT });
  const m = new RegExp(`^${quote(DISTRICT)}-(\\d{6})-(\\d{4})$`).exec(a.code);
  assert.ok(m, `a walk-in has four digits: ${a.code}`);
  for (let i = 0; i < 3; i++) {
    const d = await fileOnline(tok['that.b']);
    assert.match(d.code, new RegExp(`^${quote(DISTRICT)}-${m[1]}-\\d{6}$`), 'a submission has six');
    assert.equal(d.state, 'submitted');
  }
  const b = await file(server, tok.tiepnhan, { channel: 'direct', unit: DISTRICT });
  const n = Number(m[2]) + 1;
  assert.equal(b.code, `${DISTRICT}-${m[1]}-${String(n).padStart(4, '0')}`, 'the next walk-in takes the next desk number');
  // a submission received later keeps the code its citizen was given
  const s = await fileOnline(tok['that.b']);
  const r = await actOk(server, tok.tiepnhan, s.code, 'receive');
  assert.equal(r.code, s.code);
  assert.equal(r.state, 'received');
});

test('the public lookup answers both forms of code, and only well-formed ones', async () => {
  const walkin = await file(server, tok.tiepnhan, { channel: 'direct', unit: DISTRICT });
  const online = await fileOnline(tok['that.b']);
  honest = online;
  assert.match(walkin.code, /-\d{6}-\d{4}$/);
  assert.match(online.code, /-\d{6}-\d{6}$/);
  for (const d of [walkin, online]) {
    const res = await server.api('GET', `/api/v1/public/dossiers/${d.code}`);
    assertStatus(res, 200, `lookup ${d.code}`);
    assert.equal(res.body.code, d.code);
    assert.equal(res.body.state, d.state);
  }
  const day = online.code.split('-')[1];
  for (const code of [`${DISTRICT}-${day}-00001`, `${DISTRICT}-${day}-0000001`, `${DISTRICT}-${day}-000000`,
    `${DISTRICT}-${day}-1000000000`, `${DISTRICT}-${day}-999999`]) {
    assertProblem(await server.api('GET', `/api/v1/public/dossiers/${code}`), 404, 'not-found', code);
  }
});

test('the desk lists the waiting submissions of an account, with who filed them and from where', async () => {
  for (let i = 0; i < 12; i++) junk.push(await fileOnline(tok['rac.a']));
  const deptProc = PROVINCE.procedures.find((p) => p.status === 'active' && p.owner === DEPARTMENT && p.online_level >= 3);
  assert.ok(deptProc, 'the department runs an online procedure');
  deptDossier = await fileOnline(tok['rac.a'], { unit: DEPARTMENT, procedure_code: procedure(deptProc.code).code });

  const res = await list(tok.tiepnhan, '?account=rac.a');
  assertStatus(res, 200, 'list by account');
  assert.equal(res.body.total, 12, 'the department\'s is not in the district\'s scope');
  assert.deepEqual(res.body.items.map((x) => x.code), junk.map((d) => d.code), 'oldest first');
  for (const x of res.body.items) {
    assert.equal(x.account, 'rac.a');
    assert.equal(x.address, '127.0.0.1');
    assert.equal(x.applicant_name, 'Nguyễn Văn Rác');
    assert.equal(x.procedure.code, ONLINE);
    assert.equal(x.receiving_unit.code, DISTRICT);
    assert.equal(x.version, 1);
    assert.match(x.submitted_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
  }
  assert.deepEqual(res.body.by_account.map((g) => [g.account, g.count]), [['rac.a', 12]]);
  assert.deepEqual(res.body.by_address.map((g) => [g.address, g.count]), [['127.0.0.1', 12]]);

  // Without filters the flood stands out: the account with the most first.
  const all = await list(tok.tiepnhan);
  assertStatus(all, 200);
  assert.ok(all.body.total >= 13);
  assert.equal(all.body.by_account[0].account, 'rac.a');
  assert.equal(all.body.by_account[0].count, 12);
  assert.ok(all.body.items.every((x) => x.receiving_unit.code === DISTRICT || x.receiving_unit.code.endsWith('.33.H56')));

  const page = await list(tok.tiepnhan, '?account=rac.a&limit=5');
  assert.equal(page.body.items.length, 5);
  assert.equal(page.body.total, 12);
  assert.equal(page.body.limit, 5);
  const both = await list(tok.tiepnhan, '?account=that.b&address=127.0.0.1');
  assert.ok(both.body.items.length >= 1 && both.body.items.every((x) => x.account === 'that.b'));
  const future = await list(tok.tiepnhan, '?account=rac.a&from=2099-01-01');
  assert.equal(future.body.total, 0);
  const window = await list(tok.tiepnhan, `?account=rac.a&from=${encodeURIComponent(junk[0].submitted_at)}&to=2099-01-01`);
  assert.equal(window.body.total, 12);
  const nobody = await list(tok.tiepnhan, '?account=khong-co-ai');
  assertStatus(nobody, 200);
  assert.equal(nobody.body.total, 0);
  assert.deepEqual(nobody.body.items, []);
  const officer = await list(tok.tiepnhan, '?account=tiepnhan');
  assert.equal(officer.body.total, 0, 'an officer\'s account filed nothing as a citizen');

  // The department's desk sees its own only.
  const other = await list(tok['tiepnhan.stnmt'], '?account=rac.a');
  assertStatus(other, 200);
  assert.deepEqual(other.body.items.map((x) => x.code), [deptDossier.code]);
});

test('the listing refuses bad queries and other roles', async () => {
  for (const q of ['?limit=0', '?limit=501', '?limit=x', '?from=garbage', '?to=2025-13-01', '?address=!!!',
    `?address=${'1'.repeat(101)}`, `?account=${'a'.repeat(64)}`, '?account=%FF', '?unit=999.99.99.X00']) {
    assertProblem(await list(tok.tiepnhan, q), 400, 'invalid-query', q);
  }
  assertProblem(await list(tok.tiepnhan, `?unit=${DEPARTMENT}`), 403, 'out-of-scope');
  for (const u of ['congdan', 'rac.a', 'chuyenvien', 'lanhdao', 'giamsat', 'admin']) {
    assertProblem(await list(tok[u]), 403, 'forbidden', u);
  }
  assertProblem(await server.api('GET', '/api/v1/dossiers/submissions'), 401, 'unauthenticated');
});

test('a citizen, another role or another unit\'s desk cannot refuse; nothing changes', async () => {
  const codes = junk.map((d) => d.code);
  const note = 'Hồ sơ rác, nộp hàng loạt';
  for (const u of ['congdan', 'rac.a', 'chuyenvien', 'lanhdao', 'giamsat', 'admin']) {
    assertProblem(await refuse(tok[u], { codes, note }), 403, 'forbidden', u);
  }
  assertProblem(await server.api('POST', '/api/v1/dossiers/refusals', { body: { codes, note } }), 401, 'unauthenticated');
  // the department's desk: the district's dossiers are outside its scope, even mixed with its own
  const res = await refuse(tok['tiepnhan.stnmt'], { codes: [deptDossier.code, codes[0]], note });
  assertProblem(res, 403, 'out-of-scope');
  assert.match(res.body.detail, new RegExp(`codes\\[1\\]: dossier ${quote(codes[0])}`));
  assertProblem(await refuse(tok['tiepnhan.stnmt'], { codes, note }), 403, 'out-of-scope');
  for (const d of [...junk, honest]) await assertUnchanged(d, 'refused request');
  const dept = await getDossier(server, tok['tiepnhan.stnmt'], deptDossier.code);
  assert.equal(dept.state, 'submitted');
  assert.equal(dept.version, 1);
});

test('bad refusal requests are refused whole', async () => {
  const codes = junk.map((d) => d.code);
  const note = 'Hồ sơ rác';
  const cases = [
    [{ codes: [], note }, 422, 'invalid-field'],
    [{ codes: Array.from({ length: 501 }, (_, i) => `${DISTRICT}-250701-${String(i + 1).padStart(6, '0')}`), note }, 422, 'invalid-field'],
    [{ codes: [codes[0], 'garbage'], note }, 422, 'invalid-field'],
    [{ codes: [codes[0], 7], note }, 422, 'invalid-field'],
    [{ codes: [codes[0], codes[1], codes[0]], note }, 422, 'invalid-field'],
    [{ codes: [codes[0]] }, 422, 'missing-field'],
    [{ codes: [codes[0]], note: '   ' }, 422, null],
    [{ codes: [codes[0]], note: 'x'.repeat(1001) }, 422, 'invalid-field'],
    [{ codes: codes[0], note }, 422, 'invalid-field'],
    [{ codes: [codes[0], `${DISTRICT}-170101-0001`], note }, 404, 'not-found'],
  ];
  for (const [body, status, slug] of cases) {
    const res = await refuse(tok.tiepnhan, body);
    if (slug) assertProblem(res, status, slug, JSON.stringify(body).slice(0, 120));
    else assert.equal(res.status, status, res.text);
  }
  for (const d of junk) await assertUnchanged(d, 'bad request');
});

test('the desk refuses an account\'s junk at once; each gets its event; one received meanwhile is skipped', async () => {
  const received = await actOk(server, tok.tiepnhan, junk[3].code, 'receive');
  const withdrawn = await actOk(server, tok['rac.a'], junk[5].code, 'withdraw');
  const listed = await list(tok.tiepnhan, '?account=rac.a&limit=500');
  assert.equal(listed.body.total, 10, 'the received and the withdrawn ones wait no more');
  const note = 'Hồ sơ không có nội dung thật, nộp hàng loạt từ một tài khoản';
  const res = await refuse(tok.tiepnhan, { codes: junk.map((d) => d.code), note });
  assertStatus(res, 200, 'bulk refusal');
  assert.deepEqual(res.body.refused, junk.filter((_, i) => i !== 3 && i !== 5).map((d) => d.code));
  assert.deepEqual(res.body.skipped, [
    { code: junk[3].code, state: 'received' },
    { code: junk[5].code, state: 'withdrawn' },
  ]);
  for (const code of res.body.refused) {
    const d = await getDossier(server, tok.tiepnhan, code);
    assert.equal(d.state, 'not_accepted');
    assert.equal(d.national_status, 3);
    assert.equal(d.version, 2);
    const last = d.events.at(-1);
    assert.equal(last.action, 'refuse');
    assert.equal(last.note, note);
    assert.equal(last.from, 'submitted');
    assert.equal(last.to, 'not_accepted');
  }
  assert.equal((await getDossier(server, tok.tiepnhan, received.code)).version, received.version);
  assert.equal((await getDossier(server, tok.tiepnhan, withdrawn.code)).version, withdrawn.version);
  await assertUnchanged(honest, 'another account');
  assert.equal((await list(tok.tiepnhan, '?account=rac.a')).body.total, 0, 'the queue is clear of them');
  // the citizen sees the refusal and its reason, the public the state
  const own = await server.api('GET', `/api/v1/dossiers/${junk[0].code}`, { token: tok['rac.a'] });
  assert.equal(own.body.state, 'not_accepted');
  const pub = await server.api('GET', `/api/v1/public/dossiers/${junk[0].code}`);
  assert.equal(pub.body.state, 'not_accepted');

  // Again: nothing left to refuse, everything reported.
  const again = await refuse(tok.tiepnhan, { codes: junk.map((d) => d.code), note });
  assertStatus(again, 200);
  assert.deepEqual(again.body.refused, []);
  assert.equal(again.body.skipped.length, 12);
});
