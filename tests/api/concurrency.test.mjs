// Optimistic concurrency (ETag / If-Match) and numbering under parallel load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, assertProblem, assertStatus, file, act, actOk, getDossier, APPLICANT, districtProcedure } from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['tiepnhan', 'chuyenvien', 'lanhdao', 'lanhdao.stnmt']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

test('a stale If-Match → 412 precondition-failed and the dossier is unchanged', async () => {
  const d = await file(server, tok.tiepnhan);
  const g = await server.api('GET', `/api/v1/dossiers/${d.code}`, { token: tok.tiepnhan });
  const etag = g.headers.get('etag');
  assert.equal(etag, '"1"');

  const ok = await act(server, tok.tiepnhan, d.code, 'assign', {}, { 'If-Match': etag });
  assertStatus(ok, 200, 'assign with the current ETag');
  assert.equal(ok.body.version, 2);
  assert.equal(ok.headers.get('etag'), '"2"');

  // someone still holding version 1
  const stale = await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Bổ sung' },
    { 'If-Match': etag });
  assertProblem(stale, 412, 'precondition-failed', 'stale If-Match');
  const weak = await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Bổ sung' },
    { 'If-Match': 'W/"1"' });
  assertProblem(weak, 412, 'precondition-failed', 'stale weak If-Match');
  const future = await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Bổ sung' },
    { 'If-Match': '"3"' });
  assertProblem(future, 412, 'precondition-failed', 'If-Match ahead of the dossier');
  const garbage = await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Bổ sung' },
    { 'If-Match': 'xyz' });
  assertProblem(garbage, 412, 'precondition-failed', 'malformed If-Match');

  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, 2);
  assert.equal(now.state, 'processing');
  assert.equal(now.events.length, 2);

  // If-Match: * asks only that the dossier exists (RFC 9110)
  const any = await act(server, tok.chuyenvien, d.code, 'assign', {}, { 'If-Match': '*' });
  assertStatus(any, 200, 'If-Match: *');
  assert.equal(any.body.version, 3);
  assertProblem(await act(server, tok.chuyenvien, `${DISTRICT}-170101-9999`, 'assign', {}, { 'If-Match': '*' }), 404,
    'not-found', 'If-Match: * on no dossier');

  // the current ETag, weak or strong, still works
  const w = await act(server, tok.chuyenvien, d.code, 'request_supplement', { note: 'Bổ sung' }, { 'If-Match': 'W/"3"' });
  assertStatus(w, 200, 'weak current ETag');
  assert.equal(w.body.version, 4);
});

test('two officers acting at once on the same version: exactly one wins', async () => {
  for (let round = 0; round < 5; round++) {
    const d = await file(server, tok.tiepnhan);
    // the desk hands it on while the leader stops it, both from version 1
    const [a, b] = await Promise.all([
      act(server, tok.tiepnhan, d.code, 'assign', {}, { 'If-Match': '"1"' }),
      act(server, tok.lanhdao, d.code, 'stop', { note: 'Dừng giải quyết' }, { 'If-Match': '"1"' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.equal(statuses.filter((s) => s === 200).length, 1, `round ${round}: ${a.status} ${a.text} / ${b.status} ${b.text}`);
    const loser = a.status === 200 ? b : a;
    assert.ok(loser.status === 412 || loser.status === 409, `loser ${loser.status} ${loser.text}`);
    if (loser.status === 412) assertProblem(loser, 412, 'precondition-failed');
    const winner = a.status === 200 ? a.body : b.body;
    const now = await getDossier(server, tok.tiepnhan, d.code);
    assert.equal(now.version, 2, 'the version moved once');
    assert.equal(now.state, winner.state);
    assert.equal(now.events.length, 2, 'one event added');
  }
});

test('many officers with the same If-Match: one 200, every other 412', async () => {
  const d = await file(server, tok.tiepnhan);
  const N = 8;
  const results = await Promise.all(Array.from({ length: N }, (_, i) =>
    act(server, i % 2 ? tok.chuyenvien : tok.tiepnhan, d.code, 'request_supplement', { note: `Yêu cầu ${i}` },
      { 'If-Match': '"1"' })));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, results.map((r) => r.status).join(','));
  for (const r of results) {
    if (r.status !== 200) assertProblem(r, 412, 'precondition-failed');
  }
  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, 2);
  assert.equal(now.events.length, 2);
  assert.equal(now.events[1].note, ok[0].body.note);
});

test('without If-Match, a racing action that the new state forbids gets 409', async () => {
  const d = await file(server, tok.tiepnhan);
  const [a, b] = await Promise.all([
    act(server, tok.tiepnhan, d.code, 'refuse', { note: 'Không đủ giấy tờ' }),
    act(server, tok.tiepnhan, d.code, 'refuse', { note: 'Không đủ giấy tờ' }),
  ]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 409], `${a.text} / ${b.text}`);
  const loser = a.status === 409 ? a : b;
  assert.ok(['urn:motcua:problem:forbidden-transition', 'urn:motcua:problem:version-conflict'].includes(loser.body.type));
  const now = await getDossier(server, tok.tiepnhan, d.code);
  assert.equal(now.version, 2);
  assert.equal(now.events.length, 2);
});

// The unit scope is checked when the request is read; a transfer committed
// before the action's write must not let the old unit act on the dossier.
test('an action racing a transfer never lands on a dossier that left the unit', async () => {
  for (let round = 0; round < 15; round++) {
    const d = await file(server, tok.tiepnhan);
    await actOk(server, tok.tiepnhan, d.code, 'assign');
    const [t, r] = await Promise.all([
      act(server, tok.chuyenvien, d.code, 'transfer', { to_unit: DEPARTMENT }),
      act(server, tok.lanhdao, d.code, 'resolve', { outcome: 'approved' }),
    ]);
    assert.equal([t, r].filter((x) => x.status === 200).length, 1, `round ${round}: ${t.status} ${t.text} / ${r.status} ${r.text}`);
    // the loser learns it lost: the state moved on (409), the dossier changed
    // under it (409), or it had already left the leader's unit (403)
    const loser = t.status === 200 ? r : t;
    assert.ok([409, 403].includes(loser.status), loser.text);
    assert.ok(['urn:motcua:problem:forbidden-transition', 'urn:motcua:problem:version-conflict',
      'urn:motcua:problem:out-of-scope'].includes(loser.body.type), loser.text);
    const now = await getDossier(server, tok.tiepnhan, d.code);
    assert.equal(now.version, 3);
    if (t.status === 200) {
      assert.equal(now.state, 'processing');
      assert.equal(now.current_unit.code, DEPARTMENT);
      // the department decides
      const ok = await actOk(server, tok['lanhdao.stnmt'], d.code, 'resolve', { outcome: 'approved' });
      assert.equal(ok.state, 'resolved');
    } else {
      assert.equal(now.state, 'resolved');
      assert.equal(now.current_unit.code, DISTRICT);
    }
  }
});

test('N parallel filings get N distinct codes with consecutive numbers', async () => {
  const N = 25;
  const proc = districtProcedure().code;
  const results = await Promise.all(Array.from({ length: N }, (_, i) =>
    server.api('POST', '/api/v1/dossiers', {
      token: tok.tiepnhan,
      body: { procedure_code: proc, channel: 'direct', applicant: { ...APPLICANT, name: `Người nộp ${i}` } },
    })));
  for (const r of results) assertStatus(r, 201, 'parallel filing');
  const codes = results.map((r) => r.body.code);
  assert.equal(new Set(codes).size, N, 'distinct codes');
  const prefix = new Set(codes.map((c) => c.slice(0, -5)));
  assert.equal(prefix.size, 1, `one unit and day: ${[...prefix]}`);
  assert.ok([...prefix][0].startsWith(`${DISTRICT}-`));
  const seqs = codes.map((c) => Number(c.slice(-4))).sort((x, y) => x - y);
  for (let i = 1; i < N; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `consecutive: ${seqs.join(',')}`);
  // every one is stored, under its own applicant
  const list = await server.api('GET', '/api/v1/dossiers?limit=200', { token: tok.tiepnhan });
  assertStatus(list, 200);
  for (const r of results) {
    const item = list.body.items.find((x) => x.code === r.body.code);
    assert.ok(item, `${r.body.code} listed`);
    assert.equal(item.applicant.name, r.body.applicant.name);
  }
});
