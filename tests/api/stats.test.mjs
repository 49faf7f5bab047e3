// The statistics API (docs/statistics.md): figures of a unit and period, by
// unit, field and procedure; the overdue list; the charts as SVG; who may ask.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, assertProblem, assertStatus, file, actOk } from './helpers.mjs';

let server;
const tok = {};
const H1 = 'from=2017-01-01&to=2017-07-01';

before(async () => {
  server = await startServer({ dossiers: 150 });
  for (const u of ['tiepnhan', 'lanhdao', 'giamsat', 'admin', 'congdan']) tok[u] = await server.login(u);
});

after(async () => {
  await stopServer(server);
});

async function stats(query, token = tok.lanhdao) {
  const res = await server.api('GET', `/api/v1/stats?${query}`, { token });
  assertStatus(res, 200, `stats ${query}`);
  return res.body;
}

const COUNTERS = ['carried_over', 'supplement_requested', 'withdrawn', 'stopped', 'not_accepted', 'apologies'];
const GROUPS = { received: ['online', 'direct', 'postal'], resolved: ['early', 'on_time', 'late'],
  in_progress: ['within_time', 'overdue'] };

// What holds for any set of figures.
function assertConsistent(c, what) {
  for (const k of COUNTERS) assert.ok(Number.isInteger(c[k]) && c[k] >= 0, `${what}: ${k} = ${c[k]}`);
  for (const [g, parts] of Object.entries(GROUPS)) {
    for (const p of parts) assert.ok(Number.isInteger(c[g][p]) && c[g][p] >= 0, `${what}: ${g}.${p}`);
    assert.equal(c[g].total, parts.reduce((s, p) => s + c[g][p], 0), `${what}: ${g}.total is the sum of its parts`);
  }
  if (c.resolved.total === 0) assert.equal(c.on_time_rate, null, `${what}: no rate without resolved dossiers`);
  else assert.equal(c.on_time_rate, (c.resolved.early + c.resolved.on_time) / c.resolved.total, `${what}: rate`);
  // Dossiers resolved, stopped or still in progress were all received, in the period or before it.
  assert.ok(c.carried_over + c.received.total >= c.resolved.total + c.stopped + c.in_progress.total,
    `${what}: nothing finishes that was not received`);
}

function sum(rows) {
  const s = { carried_over: 0, supplement_requested: 0, withdrawn: 0, stopped: 0, not_accepted: 0, apologies: 0 };
  for (const [g, parts] of Object.entries(GROUPS)) {
    s[g] = { total: 0 };
    for (const p of parts) s[g][p] = 0;
  }
  for (const r of rows) {
    for (const k of COUNTERS) s[k] += r[k];
    for (const [g, parts] of Object.entries(GROUPS)) for (const p of [...parts, 'total']) s[g][p] += r[g][p];
  }
  return s;
}

function withoutRate(c) {
  const { on_time_rate: _rate, key: _key, ...rest } = c;
  return rest;
}

test('a leader gets their unit for the first half of 2017; rows add up to the totals for every grouping', async () => {
  const byUnit = await stats(H1);
  assert.deepEqual(byUnit.unit.code, DISTRICT);
  assert.match(byUnit.unit.name, /Quảng Xương/);
  assert.equal(byUnit.from, '2017-01-01');
  assert.equal(byUnit.to, '2017-07-01');
  assert.equal(byUnit.evaluated_at, '2017-07-01T00:00:00+07:00');
  assert.equal(byUnit.group, 'unit');
  const t = byUnit.totals;
  assertConsistent(t, 'totals');
  // The demo files dossiers in the district and its communes in this half-year.
  assert.ok(t.received.total > 0, 'the district received dossiers in 2017 H1');
  assert.ok(t.resolved.total > 0, 'and resolved some');
  // The demo starts on 3 January 2017: nothing before the period.
  assert.equal(t.carried_over, 0);

  // By unit: the district's own desk and each commune (all of them, even empty).
  assert.ok(byUnit.rows.length >= 2);
  const own = byUnit.rows.filter((r) => r.key.own);
  assert.ok(own.length <= 1);
  if (own.length) assert.equal(own[0].key.code, DISTRICT);
  for (const r of byUnit.rows) {
    assert.equal(typeof r.key.code, 'string');
    assert.equal(typeof r.key.name, 'string');
    assertConsistent(r, `unit ${r.key.code}`);
  }
  assert.deepEqual(sum(byUnit.rows), withoutRate(t), 'units add up to the totals');

  for (const group of ['field', 'procedure']) {
    const g = await stats(`${H1}&group=${group}`);
    assert.equal(g.group, group);
    assert.deepEqual(g.totals, t, `the totals do not depend on the grouping (${group})`);
    assert.ok(g.rows.length > 0);
    for (const r of g.rows) {
      assertConsistent(r, `${group} ${JSON.stringify(r.key)}`);
      if (group === 'field') assert.equal(typeof r.key.field, 'string');
      else {
        assert.equal(typeof r.key.code, 'string');
        assert.equal(typeof r.key.name, 'string');
      }
    }
    assert.deepEqual(sum(g.rows), withoutRate(t), `${group}s add up to the totals`);
  }

  // A supervisor of the province and the administrator see the same figures.
  const sup = await stats(`unit=${DISTRICT}&${H1}`, tok.giamsat);
  assert.deepEqual(sup.totals, t);
  const adm = await stats(`unit=${DISTRICT}&${H1}&group=field`, tok.admin);
  assert.deepEqual(adm.totals, t);

  // The province's figures hold the district's.
  const province = await stats(H1, tok.giamsat);
  assert.equal(province.unit.code, '000.00.00.H56');
  const districtRow = province.rows.find((r) => r.key.code === DISTRICT);
  assert.ok(districtRow, 'the district is a row of the province');
  assert.deepEqual(withoutRate(districtRow), withoutRate(t));
  assert.deepEqual(sum(province.rows), withoutRate(province.totals));
});

test('figures change by one when a dossier is filed, and again when it waits for a supplement', async () => {
  const day = (offset) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
  const q = `from=${day(-1)}&to=${day(2)}`;
  const before = await stats(q);
  const d = await file(server, tok.tiepnhan, { channel: 'direct' });
  const after = await stats(q);
  assert.equal(after.totals.received.direct, before.totals.received.direct + 1);
  assert.equal(after.totals.received.total, before.totals.received.total + 1);
  assert.equal(after.totals.in_progress.total, before.totals.in_progress.total + 1);
  assert.equal(after.totals.in_progress.within_time, before.totals.in_progress.within_time + 1);
  assert.equal(after.totals.received.online, before.totals.received.online);
  const own = (b) => b.rows.find((r) => r.key.code === DISTRICT) || { received: { total: 0 } };
  assert.equal(own(after).received.total, own(before).received.total + 1, 'counted at the receiving desk');

  const byProc = async () => (await stats(`${q}&group=procedure`)).rows.find((r) => r.key.code === d.procedure.code);
  const procBefore = await byProc();
  await actOk(server, tok.tiepnhan, d.code, 'request_supplement', { note: 'Thiếu bản sao giấy tờ' });
  const procAfter = await byProc();
  assert.equal(procAfter.supplement_requested, procBefore.supplement_requested + 1);
  assert.equal(procAfter.in_progress.total, procBefore.in_progress.total, 'a paused dossier is still in progress');
});

test('the overdue list: open dossiers past their due time, longest overdue first', async () => {
  const res = await server.api('GET', '/api/v1/stats/overdue?limit=20', { token: tok.lanhdao });
  assertStatus(res, 200, 'overdue');
  const b = res.body;
  assert.equal(b.unit.code, DISTRICT);
  assert.ok(Number.isInteger(b.total));
  assert.ok(b.items.length <= 20 && b.items.length <= b.total);
  let last = 0;
  for (const x of b.items) {
    assert.match(x.code, /^[0-9A-Za-z.]+-\d{6}-(\d{4}|[0-9]{6}|[1-9][0-9]{6,8})$/);
    assert.ok(['received', 'processing'].includes(x.state));
    assert.ok(x.procedure.code && x.procedure.name);
    assert.ok(x.receiving_unit.code && x.current_unit.code);
    const due = new Date(x.due_at).getTime();
    assert.ok(due < new Date(b.evaluated_at).getTime() + 1000, 'past its due time');
    assert.ok(due >= last, 'sorted by due time');
    last = due;
    assert.ok(Number.isInteger(x.overdue_minutes) && x.overdue_minutes >= 0);
    assert.equal(x.overdue_hours, x.overdue_minutes / 60);
  }
  const page = await server.api('GET', '/api/v1/stats/overdue?limit=1&offset=1', { token: tok.lanhdao });
  assertStatus(page, 200);
  assert.equal(page.body.total, b.total);
  if (b.items.length > 1) assert.equal(page.body.items[0].code, b.items[1].code);
});

test('the charts are SVG rendered by the server', async () => {
  for (const kind of ['received', 'resolved', 'units']) {
    const res = await server.api('GET', `/api/v1/stats/chart.svg?kind=${kind}&${H1}`, { token: tok.lanhdao });
    assertStatus(res, 200, `chart ${kind}`);
    assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
    assert.ok(res.text.startsWith('<?xml'), 'an XML document');
    assert.match(res.text, /<svg [^>]*viewBox="0 0 640 360"/);
    assert.match(res.text, /<title>[^<]+<\/title>/);
    assert.match(res.text, /<desc>[^<]*Quảng Xương[^<]*<\/desc>/);
    assert.ok(res.text.trimEnd().endsWith('</svg>'));
  }
  const en = await server.api('GET', `/api/v1/stats/chart.svg?kind=received&lang=en&${H1}`, { token: tok.lanhdao });
  assertStatus(en, 200);
  assert.match(en.text, /<title>Dossiers received by channel<\/title>/);
  // A period with nothing still draws a chart.
  const empty = await server.api('GET', '/api/v1/stats/chart.svg?kind=units&from=2010-01-01&to=2010-02-01',
    { token: tok.lanhdao });
  assertStatus(empty, 200);
  assertProblem(await server.api('GET', `/api/v1/stats/chart.svg?kind=pie&${H1}`, { token: tok.lanhdao }), 400,
    'invalid-query', 'unknown kind');
  assertProblem(await server.api('GET', `/api/v1/stats/chart.svg?${H1}`, { token: tok.lanhdao }), 400,
    'invalid-query', 'no kind');
  assertProblem(await server.api('GET', `/api/v1/stats/chart.svg?kind=units&lang=fr&${H1}`, { token: tok.lanhdao }),
    400, 'invalid-query', 'unknown language');
});

test('who may ask: leaders, supervisors and administrators, within their scope', async () => {
  for (const path of [`/api/v1/stats?${H1}`, '/api/v1/stats/overdue', `/api/v1/stats/chart.svg?kind=units&${H1}`]) {
    assertProblem(await server.api('GET', path), 401, 'unauthenticated', `anonymous ${path}`);
    assertProblem(await server.api('GET', path, { token: tok.congdan }), 403, 'forbidden', `citizen ${path}`);
    assertProblem(await server.api('GET', path, { token: tok.tiepnhan }), 403, 'forbidden', `desk ${path}`);
  }
  for (const unit of ['000.00.00.H56', DEPARTMENT]) {
    assertProblem(await server.api('GET', `/api/v1/stats?unit=${unit}&${H1}`, { token: tok.lanhdao }), 403,
      'out-of-scope', `district leader asking for ${unit}`);
    assertProblem(await server.api('GET', `/api/v1/stats/overdue?unit=${unit}`, { token: tok.lanhdao }), 403,
      'out-of-scope', `overdue of ${unit}`);
    assertProblem(await server.api('GET', `/api/v1/stats/chart.svg?kind=units&unit=${unit}&${H1}`,
      { token: tok.lanhdao }), 403, 'out-of-scope', `chart of ${unit}`);
  }
});

test('bad parameters are refused with 400 invalid-query', async () => {
  const bad = [
    'from=2017-13-01&to=2017-07-01',
    'from=2017-02-30&to=2017-07-01',
    'from=17-01-01&to=2017-07-01',
    'from=2017-01-01T00:00&to=2017-07-01',
    'from=2017-07-01&to=2017-07-01',
    'from=2017-07-01&to=2017-01-01',
    'from=2010-01-01&to=2015-01-02',
    `${H1}&group=month`,
    `${H1}&unit=999.99.99.X00`,
  ];
  for (const q of bad) {
    assertProblem(await server.api('GET', `/api/v1/stats?${q}`, { token: tok.lanhdao }), 400, 'invalid-query', q);
  }
  // Five years exactly is allowed.
  await stats('from=2012-07-01&to=2017-07-01');
  for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=x']) {
    assertProblem(await server.api('GET', `/api/v1/stats/overdue?${q}`, { token: tok.lanhdao }), 400,
      'invalid-query', q);
  }
});

// Last: it renames units. The description (<desc>) says in words what the
// bars show, for those who do not see them: every unit drawn is named in it,
// whatever the length of the names (60 letters, the limit of a unit's name,
// of three bytes each). It was cut at 2048 bytes, dropping the last units.
test('the chart description names every unit drawn, however long the names', async () => {
  const rows = (await stats(H1)).rows.filter((r) => r.resolved.total > 0);
  const names = [];
  for (const [i, r] of rows.entries()) {
    const name = `Xã ${String(i).padStart(2, '0')} `.padEnd(60, 'ữ');
    const res = await server.api('PATCH', `/api/v1/units/${r.key.code}`, { token: tok.admin, body: { name } });
    assertStatus(res, 200, `rename ${r.key.code}`);
    names.push(name);
  }
  const res = await server.api('GET', `/api/v1/stats/chart.svg?kind=resolved&${H1}`, { token: tok.lanhdao });
  assertStatus(res, 200);
  const desc = res.text.match(/<desc>([^<]*)<\/desc>/)[1];
  assert.ok(Buffer.byteLength(desc) > 2048, `the description is longer than the old buffer (${Buffer.byteLength(desc)})`);
  const drawn = Math.min(rows.length, 15);
  assert.equal(names.filter((n) => desc.includes(n)).length, drawn, 'every unit drawn is named');
  assert.equal(desc.split(';').length - 1, drawn, 'with its figures');
  assert.ok(desc.endsWith(';'), 'the description ends with the last unit\'s figures');
});
