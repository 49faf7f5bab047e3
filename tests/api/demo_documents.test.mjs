// The demo's official documents (src/demo/documents.c): the provincial
// People's Committee's registers of 2017, with report 6366/BC-UBND on
// administrative reform issued on 24/05/2017 and found by a search typed
// without diacritics, and incoming documents numbered in order of arrival.
// Sở Tài nguyên và Môi trường and UBND huyện Quảng Xương have registers of
// 2017 too, with their own documents, most of them sent to the province
// (where they arrive as copies, not yet registered); the other departments
// and districts have none: theirs are the tests' to open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, assertStatus, DISTRICT } from './helpers.mjs';

let server;
let giamsat;

before(async () => {
  server = await startServer({ dossiers: 5 });
  giamsat = await server.login('giamsat');
});

after(async () => {
  await stopServer(server);
});

test('6366/BC-UBND is an issued outgoing document of the province, found by q=cai cach hanh chinh', async () => {
  const res = await server.api('GET', `/api/v1/documents?q=${encodeURIComponent('cai cach hanh chinh')}`, { token: giamsat });
  assertStatus(res, 200);
  const report = res.body.items.find((d) => d.number === '6366/BC-UBND');
  assert.ok(report, `6366/BC-UBND among ${res.body.items.map((d) => d.number)}`);
  assert.equal(report.box, 'out');
  assert.equal(report.state, 'issued');
  assert.equal(report.issued_at.slice(0, 10), '2017-05-24');
  assert.match(report.subject, /cải cách hành chính 6 tháng đầu năm 2017/);
  assert.equal(report.unit.code, '000.00.00.H56');
  const one = await server.api('GET', `/api/v1/documents/${report.id}`, { token: giamsat });
  assertStatus(one, 200);
  assert.equal(one.body.type.key, 'bao_cao');
  assert.equal(one.body.serial, 6366);
  assert.equal(one.body.year, 2017);
});

test('the incoming register of 2017 numbers its documents in order of arrival', async () => {
  const res = await server.api('GET', '/api/v1/documents?box=in&year=2017&limit=50', { token: giamsat });
  assertStatus(res, 200);
  // The province's registered ones; the copies the department and the
  // district sent it have arrived, unnumbered (the scope of giamsat is the
  // province's subtree: the units' own incoming registers are theirs).
  const province = res.body.items.filter((d) => d.unit.code === '000.00.00.H56');
  const rows = province.filter((d) => d.arrival_number)
    .map((d) => [d.arrival_number, d.number, d.received_at.slice(0, 10)]);
  rows.sort((a, b) => a[0] - b[0]);
  assert.deepEqual(rows, [[1, '2114/VPCP-KSTT', '2017-03-14'], [2, '1278/BNV-CCHC', '2017-03-31'],
    [3, '85/BC-UBND', '2017-06-06']]);
  // (an arrived copy has no year of registration yet: not in year=2017)
  const all = await server.api('GET', '/api/v1/documents?box=in&limit=50', { token: giamsat });
  const arrived = all.body.items.filter((d) => d.unit.code === '000.00.00.H56' && !d.arrival_number);
  assert.ok(arrived.length > 0 && arrived.every((d) => d.state === 'arrived' && d.source), 'copies sent by the units');
  const regs = await server.api('GET', '/api/v1/document-registers', { token: giamsat });
  assert.deepEqual(regs.body.items.map((g) => [g.unit.code, g.box]).sort(), [['000.00.00.H56', 'in'], ['000.00.00.H56', 'out'],
    ['000.00.10.H56', 'in'], ['000.00.10.H56', 'out'], ['000.00.33.H56', 'in'], ['000.00.33.H56', 'out']]);
  const district = await server.login('tiepnhan');
  const own = await server.api('GET', `/api/v1/documents?unit=${DISTRICT}&limit=50`, { token: district });
  assertStatus(own, 200);
  assert.ok(own.body.total > 0, 'the district sees its own documents');
  assert.ok(own.body.items.every((d) => d.unit.code === DISTRICT), 'and none of the province\'s');
});
