// Official documents (docs/documents.md, Nghị định 30/2020/NĐ-CP): registers
// and their numbers, drafting → review → signature → issue → arrival →
// registration → assignment, the registers on screen and printed, and the
// attacks: other units' officers, citizens, wrong roles at each step, stale
// versions, huge and malformed input, concurrent numbering. Runs on SQLite and,
// through scripts/test_pg.sh, on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORD } from './harness.mjs';
import { stopServer, assertProblem, assertStatus, demoRegisters, DISTRICT, DEPARTMENT } from './helpers.mjs';

let server;
const tok = {};
const reg = {};
const YEAR = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));

const api = (...a) => server.api(...a);

function draftBody(extra = {}) {
  return { type: 'quyet_dinh', subject: 'Về việc cải cách hành chính năm 2026', body: 'Điều 1. …',
    place: 'Quảng Xương', signer_position: 'CHỦ TỊCH', signer_name: 'Lê Văn Bình',
    recipients: 'Như Điều 3;\nLưu: VT.', recipient_units: [DEPARTMENT], ...extra };
}

async function draft(token, extra = {}) {
  const res = await api('POST', '/api/v1/documents', { token, body: draftBody(extra) });
  assertStatus(res, 201, 'draft');
  return res.body;
}

async function act(token, id, action, extra = {}, headers = {}) {
  return api('POST', `/api/v1/documents/${id}/actions`, { token, body: { action, ...extra }, headers });
}

async function actOk(token, id, action, extra = {}) {
  const res = await act(token, id, action, extra);
  assertStatus(res, 200, `${action} document ${id}`);
  return res.body;
}

// A document of the district drafted, approved and signed: waiting for the clerk.
async function signed(extra = {}) {
  const d = await draft(tok.chuyenvien, extra);
  await actOk(tok.chuyenvien, d.id, 'submit');
  await actOk(tok.lanhdao, d.id, 'approve');
  return actOk(tok.lanhdao, d.id, 'sign');
}

before(async () => {
  // The district and the department in their registers of the demo (src/demo/documents.c).
  server = await startServer({ dossiers: 5 });
  for (const u of ['admin', 'giamsat', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt',
    'chuyenvien.stnmt', 'lanhdao.stnmt', 'chutich']) tok[u] = await server.login(u);
  const demo = await demoRegisters(server, tok.admin);
  reg.districtOut = demo[`${DISTRICT} out`];
  reg.districtIn = demo[`${DISTRICT} in`];
  reg.deptOut = demo[`${DEPARTMENT} out`];
  reg.deptIn = demo[`${DEPARTMENT} in`];
});

after(async () => {
  await stopServer(server);
});

test('the 29 kinds of art. 7 with their Phụ lục III abbreviations, urgency and confidentiality marks', async () => {
  const res = await api('GET', '/api/v1/document-types', { token: tok.chuyenvien });
  assertStatus(res, 200);
  assert.equal(res.body.types.length, 29);
  const by = Object.fromEntries(res.body.types.map((t) => [t.key, t]));
  assert.equal(by.quyet_dinh.abbr, 'QĐ');
  assert.equal(by.to_trinh.abbr, 'TTr');
  assert.equal(by.cong_van.abbr, '');
  assert.equal(by.quy_dinh.abbr, 'QYĐ');
  assert.deepEqual(res.body.types.filter((t) => t.normative).map((t) => t.key), ['nghi_quyet', 'quyet_dinh']);
  assert.deepEqual(res.body.urgencies.map((u) => u.name), ['', 'Khẩn', 'Thượng khẩn', 'Hỏa tốc']);
  assert.deepEqual(res.body.secrecies.map((u) => u.name), ['', 'Mật', 'Tối mật', 'Tuyệt mật']);
  assertProblem(await api('GET', '/api/v1/document-types', { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/document-types'), 401, 'unauthenticated');
});

test('a register per body and box: a second is a duplicate, a bad abbreviation is refused', async () => {
  assertProblem(await api('POST', '/api/v1/document-registers', { token: tok.admin,
    body: { unit: DISTRICT, box: 'out', organ_abbr: 'UBND' } }), 409, 'duplicate');
  assertProblem(await api('POST', '/api/v1/document-registers', { token: tok.admin,
    body: { unit: '000.00.34.H56', box: 'out', organ_abbr: 'UB ND' } }), 422, 'invalid-field');
  assertProblem(await api('POST', '/api/v1/document-registers', { token: tok.admin,
    body: { unit: '000.00.34.H56', box: 'out', organ_abbr: 'UB/ND' } }), 422, 'invalid-field');
  assertProblem(await api('POST', '/api/v1/document-registers', { token: tok.lanhdao,
    body: { unit: DISTRICT, box: 'out', organ_abbr: 'UBND' } }), 403, 'forbidden');
  const list = await api('GET', '/api/v1/document-registers', { token: tok.tiepnhan });
  assertStatus(list, 200);
  assert.deepEqual(list.body.items.map((g) => [g.unit.code, g.box, g.organ_abbr]),
    [[DISTRICT, 'out', 'UBND'], [DISTRICT, 'in', 'UBND']], 'a clerk sees the registers of their own unit only');
});

test('draft → review → sign → issue → arrival → số đến → assignment, each step an event', async () => {
  const d = await draft(tok.chuyenvien);
  assert.equal(d.state, 'draft');
  assert.equal(d.number, null, 'no number before issue');
  assert.equal(d.unit.code, DISTRICT);
  await actOk(tok.chuyenvien, d.id, 'submit');
  // The head sends it back with a note; the drafter edits and submits again.
  assertProblem(await act(tok.lanhdao, d.id, 'return'), 422, 'missing-field', 'return without a note');
  const back = await actOk(tok.lanhdao, d.id, 'return', { note: 'Sửa trích yếu' });
  assert.equal(back.state, 'returned');
  assert.equal(back.note, 'Sửa trích yếu');
  const edited = await api('PATCH', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien,
    body: draftBody({ subject: 'Về việc đẩy mạnh cải cách hành chính năm 2026' }), headers: { 'If-Match': `"${back.version}"` } });
  assertStatus(edited, 200, 'edit');
  assert.equal(edited.body.subject, 'Về việc đẩy mạnh cải cách hành chính năm 2026');
  await actOk(tok.chuyenvien, d.id, 'submit');
  await actOk(tok.lanhdao, d.id, 'approve');
  const s = await actOk(tok.lanhdao, d.id, 'sign');
  assert.equal(s.state, 'signed');
  assert.equal(s.number, null, 'signed, not yet numbered');
  const issued = await actOk(tok.tiepnhan, d.id, 'issue');
  assert.equal(issued.state, 'issued');
  assert.match(issued.number, /^\d{2,}\/QĐ-UBND$/);
  assert.equal(issued.year, YEAR);
  assert.ok(issued.issued_at);
  const full = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao });
  assertStatus(full, 200);
  assert.deepEqual(full.body.events.map((e) => e.action),
    ['draft', 'submit', 'return', 'edit', 'submit', 'approve', 'sign', 'issue']);
  assert.equal(full.headers.get('etag'), `"${full.body.version}"`);
  // The copy arrived in the department's incoming box, waiting for its clerk.
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  assertStatus(inbox, 200);
  const copy = inbox.body.items.find((x) => x.number === issued.number);
  assert.ok(copy, 'the recipient unit has the copy');
  assert.equal(copy.organ_name, 'UBND huyện Quảng Xương');
  assert.equal(copy.arrival_number, null);
  assertProblem(await act(tok.tiepnhan, copy.id, 'register'), 403, 'out-of-scope', 'the sender\'s clerk');
  const registered = await actOk(tok['tiepnhan.stnmt'], copy.id, 'register');
  assert.equal(registered.state, 'registered');
  assert.ok(Number.isInteger(registered.arrival_number) && registered.arrival_number >= 1);
  // The leader assigns it (art. 23): unit in charge, officer, direction, deadline.
  assertProblem(await act(tok['lanhdao.stnmt'], copy.id, 'assign', { to_unit: DISTRICT }), 422, 'invalid-field',
    'a unit outside the leader\'s scope');
  assertProblem(await act(tok['lanhdao.stnmt'], copy.id, 'assign', { to_unit: DEPARTMENT, deadline: '2000-01-01' }),
    422, 'invalid-field', 'a deadline in the past');
  assertProblem(await act(tok['lanhdao.stnmt'], copy.id, 'assign', { to_unit: DEPARTMENT, assignee: 'chuyenvien' }),
    422, 'invalid-field', 'an officer of another unit');
  const assigned = await actOk(tok['lanhdao.stnmt'], copy.id, 'assign', { to_unit: DEPARTMENT,
    assignee: 'chuyenvien.stnmt', deadline: `${YEAR + 1}-01-15`, note: 'Giao phòng chuyên môn tham mưu' });
  assert.equal(assigned.state, 'assigned');
  assert.equal(assigned.assigned_unit.code, DEPARTMENT);
  assert.equal(assigned.deadline, `${YEAR + 1}-01-15`);
  assert.equal(assigned.direction, 'Giao phòng chuyên môn tham mưu');
});

test('the clerk recalls an issued document (art. 18): its copy inside the deployment is cancelled, the sender sees it', async () => {
  const s = await signed({ subject: 'Về việc tổ chức hội nghị sơ kết (ban hành nhầm)' });
  const issued = await actOk(tok.tiepnhan, s.id, 'issue');
  const inbox = await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] });
  const copy = inbox.body.items.find((x) => x.number === issued.number);
  assert.ok(copy, 'the recipient unit has the copy');
  const registered = await actOk(tok['tiepnhan.stnmt'], copy.id, 'register');
  // who may recall: the issuing body's clerk only, with a reason
  const path = `/api/v1/documents/${s.id}/recall`;
  assertProblem(await api('POST', path, { token: tok.tiepnhan, body: {} }), 422, 'missing-field', 'no reason');
  assertProblem(await api('POST', path, { token: tok.chuyenvien, body: { reason: 'x' } }), 403, 'forbidden', 'a specialist');
  assertProblem(await api('POST', path, { token: tok['tiepnhan.stnmt'], body: { reason: 'x' } }), 403, 'out-of-scope',
    'the receiving unit\'s clerk');
  assertProblem(await api('POST', path, { token: tok.congdan, body: { reason: 'x' } }), 403, 'forbidden', 'a citizen');
  const same = await api('GET', `/api/v1/documents/${copy.id}`, { token: tok['tiepnhan.stnmt'] });
  assert.equal(same.body.state, 'registered', 'nothing changed by the refusals');
  assert.equal(same.body.version, registered.version);
  // an unsent draft has nothing to recall
  const never = await draft(tok.chuyenvien);
  assertProblem(await api('POST', `/api/v1/documents/${never.id}/recall`, { token: tok.tiepnhan, body: { reason: 'x' } }),
    409, 'forbidden-transition', 'a draft');
  assertStatus(await api('POST', path, { token: tok.tiepnhan, body: { reason: 'Ban hành nhầm đối tượng' } }), 202, 'recall');
  const cancelled = await api('GET', `/api/v1/documents/${copy.id}`, { token: tok['tiepnhan.stnmt'] });
  assertStatus(cancelled, 200);
  assert.equal(cancelled.body.state, 'recalled');
  const ev = cancelled.body.events.at(-1);
  assert.equal(ev.action, 'recall');
  assert.match(ev.note, /Thu hồi bởi UBND huyện Quảng Xương: Ban hành nhầm đối tượng/);
  // the copy takes no further step; the sender's document records the recall
  assertProblem(await act(tok['lanhdao.stnmt'], copy.id, 'assign', { to_unit: DEPARTMENT }), 409, 'forbidden-transition',
    'assigning a recalled copy');
  const sender = await api('GET', `/api/v1/documents/${s.id}`, { token: tok.tiepnhan });
  assert.equal(sender.body.events.at(-1).action, 'recall');
  assert.equal(sender.body.events.at(-1).note, 'Ban hành nhầm đối tượng');
  const recalledList = await api('GET', '/api/v1/documents?box=in&state=recalled', { token: tok['tiepnhan.stnmt'] });
  assert.ok(recalledList.body.items.some((x) => x.id === copy.id), 'listed as recalled');
  assertProblem(await api('POST', path, { token: tok.tiepnhan, body: { reason: 'again' } }), 409, 'duplicate', 'twice');
});

test('a document issued in place of another (art. 18): the old one\'s copies inside the deployment end as replaced', async () => {
  const PROVINCE_UNIT = '000.00.00.H56';
  const a = await actOk(tok.tiepnhan, (await signed({ subject: 'Về việc kiện toàn tổ một cửa (có sai sót)',
    recipient_units: [DEPARTMENT, PROVINCE_UNIT] })).id, 'issue');
  const deptCopy = (await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] }))
    .body.items.find((x) => x.number === a.number);
  const provCopy = (await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok.chutich }))
    .body.items.find((x) => x.number === a.number && x.unit.code === PROVINCE_UNIT);
  assert.ok(deptCopy && provCopy, 'both recipient units have their copy');
  // one registered, one still waiting in the box: both end
  await actOk(tok['tiepnhan.stnmt'], deptCopy.id, 'register');
  // B: drafted, approved; replaces goes with issue only
  const bDraft = await draft(tok.chuyenvien, { subject: 'Về việc kiện toàn tổ một cửa (thay thế)',
    recipient_units: [DEPARTMENT] });
  await actOk(tok.chuyenvien, bDraft.id, 'submit');
  await actOk(tok.lanhdao, bDraft.id, 'approve');
  assertProblem(await act(tok.lanhdao, bDraft.id, 'sign', { replaces: a.id }), 422, 'invalid-field', 'replaces with sign');
  const b = await actOk(tok.lanhdao, bDraft.id, 'sign');
  // the refusals: each leaves everything as it was
  const snapshot = async () => JSON.stringify(await Promise.all([
    api('GET', `/api/v1/documents/${a.id}`, { token: tok.tiepnhan }),
    api('GET', `/api/v1/documents/${b.id}`, { token: tok.tiepnhan }),
    api('GET', `/api/v1/documents/${deptCopy.id}`, { token: tok['tiepnhan.stnmt'] }),
    api('GET', `/api/v1/documents/${provCopy.id}`, { token: tok.chutich }),
  ].map(async (p) => { const r = await p; assertStatus(r, 200); return r.body; })));
  const before = await snapshot();
  const never = await draft(tok.chuyenvien);
  const incoming = (await api('GET', '/api/v1/documents?box=in', { token: tok.tiepnhan })).body.items[0];
  assert.ok(incoming, 'the district has an incoming document');
  const issueB = (replaces) => act(tok.tiepnhan, b.id, 'issue', { replaces });
  assertProblem(await issueB('x'), 422, 'invalid-field', 'replaces not an id');
  assertProblem(await issueB(0), 422, 'invalid-field', 'replaces 0');
  assertProblem(await issueB(a.id + 1000000), 404, 'not-found', 'no such document');
  assertProblem(await issueB(deptCopy.id), 403, 'out-of-scope', 'a document of another unit\'s scope');
  assertProblem(await issueB(b.id), 422, 'invalid-field', 'itself');
  assertProblem(await issueB(never.id), 422, 'invalid-field', 'a draft, not issued');
  assertProblem(await issueB(incoming.id), 422, 'invalid-field', 'an incoming document');
  assertProblem(await act(tok.lanhdao, b.id, 'issue', { replaces: a.id }), 403, 'forbidden', 'a leader issuing');
  assert.equal(await snapshot(), before, 'nothing changed by the refusals');
  // B issued in A's place: A's copies end at once, each saying by which document
  const issued = await actOk(tok.tiepnhan, b.id, 'issue', { replaces: a.id });
  assert.equal(issued.state, 'issued');
  const [na] = a.number.split('/');
  assert.equal(Number(issued.number.split('/')[0]), Number(na) + 1, 'no number taken by the refusals');
  const note = `Được thay thế bởi văn bản số ${issued.number}`;
  for (const [copy, token] of [[deptCopy, tok['tiepnhan.stnmt']], [provCopy, tok.chutich]]) {
    const c = await api('GET', `/api/v1/documents/${copy.id}`, { token });
    assertStatus(c, 200);
    assert.equal(c.body.state, 'replaced', `copy at ${c.body.unit.code}`);
    const ev = c.body.events.at(-1);
    assert.equal(ev.action, 'replace');
    assert.equal(ev.note, note);
  }
  const old = await api('GET', `/api/v1/documents/${a.id}`, { token: tok.tiepnhan });
  assert.equal(old.body.state, 'issued', 'the old document keeps its number in the register');
  assert.equal(old.body.events.at(-1).action, 'replaced');
  assert.equal(old.body.events.at(-1).note, note);
  const newCopy = (await api('GET', '/api/v1/documents?box=in&state=arrived', { token: tok['tiepnhan.stnmt'] }))
    .body.items.find((x) => x.number === issued.number);
  assert.ok(newCopy, 'the new document arrived as usual');
  // a replaced copy takes no further step
  assertProblem(await act(tok['lanhdao.stnmt'], deptCopy.id, 'assign', { to_unit: DEPARTMENT }), 409,
    'forbidden-transition', 'assigning a replaced copy');
  assertProblem(await act(tok.chutich, provCopy.id, 'assign', { to_unit: PROVINCE_UNIT }), 409,
    'forbidden-transition', 'assigning a replaced copy');
  const list = await api('GET', '/api/v1/documents?box=in&state=replaced', { token: tok['tiepnhan.stnmt'] });
  assert.ok(list.body.items.some((x) => x.id === deptCopy.id), 'listed as replaced');
  // replacing twice, replacing a recalled one, recalling a replaced one: 409, nothing changed
  const c = await signed();
  const twice = await snapshot();
  assertProblem(await act(tok.tiepnhan, c.id, 'issue', { replaces: a.id }), 409, 'duplicate', 'replaced twice');
  const d = await actOk(tok.tiepnhan, (await signed()).id, 'issue');
  assertStatus(await api('POST', `/api/v1/documents/${d.id}/recall`, { token: tok.tiepnhan, body: { reason: 'Nhầm' } }), 202);
  assertProblem(await act(tok.tiepnhan, c.id, 'issue', { replaces: d.id }), 409, 'forbidden-transition',
    'replacing a recalled document');
  assertProblem(await api('POST', `/api/v1/documents/${a.id}/recall`, { token: tok.tiepnhan, body: { reason: 'x' } }),
    409, 'duplicate', 'recalling a replaced document');
  assert.equal(await snapshot(), twice, 'nothing changed by the refusals');
  const still = await api('GET', `/api/v1/documents/${c.id}`, { token: tok.tiepnhan });
  assert.equal(still.body.state, 'signed');
  assert.equal(still.body.number, null);
});

test('numbers: one series for administrative documents, công văn without a kind, normative and secret apart', async () => {
  const a = await actOk(tok.tiepnhan, (await signed()).id, 'issue');
  const cv = await actOk(tok.tiepnhan, (await signed({ type: 'cong_van', drafting_abbr: 'VP' })).id, 'issue');
  const [na] = a.number.split('/');
  assert.equal(cv.number, `${String(Number(na) + 1).padStart(2, '0')}/UBND-VP`, 'công văn: body and drafting unit');
  const n1 = await actOk(tok.tiepnhan, (await signed({ normative: true })).id, 'issue');
  assert.equal(n1.number, `01/${YEAR}/QĐ-UBND`, 'a normative kind has its own series from 01');
  const s1 = await actOk(tok.tiepnhan, (await signed({ type: 'bao_cao', secrecy: 'mat' })).id, 'issue');
  assert.equal(s1.serial, 1, 'secret documents have their own series');
  assert.equal(s1.number, '01/BC-UBND');
  const next = await actOk(tok.tiepnhan, (await signed({ type: 'to_trinh' })).id, 'issue');
  assert.equal(next.serial, cv.serial + 1, 'the general series went on past the others');
  // Refused drafts: công văn without the drafting unit, normative of a kind that cannot be.
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ type: 'cong_van' }) }),
    422, 'missing-field');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien,
    body: draftBody({ type: 'bao_cao', normative: true }) }), 422, 'invalid-field');
  // An abbreviation that would break the notation's parts is refused at the draft
  // (a notation past Phụ lục VI's 30 characters: tests/unit/test_document.c).
  for (const abbr of ['V P', 'V/P', 'V-P'])
    assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien,
      body: draftBody({ drafting_abbr: abbr }) }), 422, 'invalid-field', abbr);
});

test('wrong roles at each step, other units, citizens', async () => {
  const d = await draft(tok.chuyenvien);
  // Only specialists draft; citizens and others are refused by the route.
  for (const who of ['tiepnhan', 'lanhdao', 'congdan', 'admin', 'giamsat'])
    assertProblem(await api('POST', '/api/v1/documents', { token: tok[who], body: draftBody() }), 403, 'forbidden', who);
  assertProblem(await api('GET', '/api/v1/documents', { token: tok.congdan }), 403, 'forbidden');
  assertProblem(await api('GET', `/api/v1/documents/${d.id}`, { token: tok.congdan }), 403, 'forbidden');
  // A specialist drafts only for their unit or one above it.
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ unit: DEPARTMENT }) }),
    403, 'out-of-scope');
  // Another unit's officers neither see nor act.
  assertProblem(await api('GET', `/api/v1/documents/${d.id}`, { token: tok['chuyenvien.stnmt'] }), 403, 'out-of-scope');
  assertProblem(await act(tok['chuyenvien.stnmt'], d.id, 'submit'), 403, 'out-of-scope');
  assertProblem(await api('PATCH', `/api/v1/documents/${d.id}`, { token: tok['chuyenvien.stnmt'], body: draftBody() }),
    403, 'out-of-scope');
  const list = await api('GET', '/api/v1/documents?box=out', { token: tok['chuyenvien.stnmt'] });
  assert.ok(!list.body.items.some((x) => x.id === d.id), 'not in another unit\'s list');
  assertProblem(await api('GET', `/api/v1/documents?unit=${DISTRICT}`, { token: tok['chuyenvien.stnmt'] }), 403, 'out-of-scope');
  // Draft: the leader may not submit for the drafter, the clerk may not approve.
  assertProblem(await act(tok.lanhdao, d.id, 'submit'), 403, 'forbidden');
  await actOk(tok.chuyenvien, d.id, 'submit');
  assertProblem(await act(tok.tiepnhan, d.id, 'approve'), 403, 'forbidden', 'a clerk cannot approve');
  assertProblem(await act(tok.chuyenvien, d.id, 'approve'), 403, 'forbidden', 'the drafter cannot approve');
  assertProblem(await act(tok['lanhdao.stnmt'], d.id, 'approve'), 403, 'out-of-scope', 'another unit\'s leader');
  assertProblem(await act(tok.lanhdao, d.id, 'sign'), 409, 'forbidden-transition', 'signing before approval');
  await actOk(tok.lanhdao, d.id, 'approve');
  assertProblem(await act(tok.chuyenvien, d.id, 'sign'), 403, 'forbidden');
  assertProblem(await act(tok.tiepnhan, d.id, 'issue'), 409, 'forbidden-transition', 'issuing before the signature');
  await actOk(tok.lanhdao, d.id, 'sign');
  assertProblem(await act(tok.chuyenvien, d.id, 'issue'), 403, 'forbidden', 'a specialist cannot issue');
  assertProblem(await act(tok.lanhdao, d.id, 'issue'), 403, 'forbidden', 'a leader cannot issue');
  assertProblem(await act(tok['tiepnhan.stnmt'], d.id, 'issue'), 403, 'out-of-scope', 'another body\'s clerk');
  await actOk(tok.tiepnhan, d.id, 'issue');
  assertProblem(await act(tok.tiepnhan, d.id, 'issue'), 409, 'forbidden-transition', 'issued twice');
  assertProblem(await api('PATCH', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien, body: draftBody() }),
    409, 'forbidden-transition', 'an issued document cannot change');
  // Incoming: only the clerk registers, only a leader assigns.
  assertProblem(await api('POST', '/api/v1/documents/incoming', { token: tok.chuyenvien,
    body: { type: 'cong_van', subject: 'x', organ_name: 'Sở Tư pháp' } }), 403, 'forbidden');
  const paper = await api('POST', '/api/v1/documents/incoming', { token: tok.tiepnhan,
    body: { type: 'cong_van', subject: 'Đề nghị phối hợp', organ_name: 'Sở Tư pháp', number: '345/STP-VP',
      date: `${YEAR}-01-02` } });
  assertStatus(paper, 201, 'a paper document registered');
  assertProblem(await act(tok.tiepnhan, paper.body.id, 'assign', { to_unit: DISTRICT }), 403, 'forbidden');
  assertProblem(await act(tok['lanhdao.stnmt'], paper.body.id, 'assign', { to_unit: DEPARTMENT }), 403, 'out-of-scope');
  assertProblem(await act(tok.lanhdao, paper.body.id, 'register'), 403, 'forbidden');
});

test('stale versions: If-Match 412, a change in between 409', async () => {
  const d = await draft(tok.chuyenvien);
  const v = d.version;
  const edited = await api('PATCH', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien, body: draftBody({ subject: 'Lần 2' }),
    headers: { 'If-Match': `"${v}"` } });
  assertStatus(edited, 200);
  assertProblem(await api('PATCH', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien, body: draftBody({ subject: 'Lần 3' }),
    headers: { 'If-Match': `"${v}"` } }), 412, 'precondition-failed');
  assertProblem(await act(tok.chuyenvien, d.id, 'submit', {}, { 'If-Match': `"${v}"` }), 412, 'precondition-failed');
  assertProblem(await act(tok.chuyenvien, d.id, 'submit', {}, { 'If-Match': 'garbage' }), 412, 'precondition-failed');
  const got = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien });
  assert.equal(got.body.subject, 'Lần 2', 'nothing changed');
  assert.equal(got.body.state, 'draft');
  // Two edits raced with the same version: one wins, the other is 412.
  const both = await Promise.all(['A', 'B'].map((x) => api('PATCH', `/api/v1/documents/${d.id}`, { token: tok.chuyenvien,
    body: draftBody({ subject: x }), headers: { 'If-Match': `"${got.body.version}"` } })));
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 412]);
  // Two clerks' issue of one document at once: one number only.
  const s = await signed();
  const issues = await Promise.all([1, 2, 3].map(() => act(tok.tiepnhan, s.id, 'issue')));
  assert.equal(issues.filter((r) => r.status === 200).length, 1);
  for (const r of issues.filter((x) => x.status !== 200)) assert.ok([409].includes(r.status), r.text);
});

test('huge and malformed input is refused whole, with the field named', async () => {
  const count = async () => (await api('GET', '/api/v1/documents?box=out&limit=1', { token: tok.lanhdao })).body.total;
  const before = await count();
  const subject500 = 'ạ'.repeat(500);
  const ok = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: subject500 }) });
  assertStatus(ok, 201, 'a subject of 500 characters (Phụ lục VI) is stored whole');
  assert.equal(ok.body.subject, subject500);
  const long = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: 'ạ'.repeat(501) }) });
  assertProblem(long, 422, 'invalid-field');
  assert.equal(long.body.field, 'subject');
  assert.equal(long.body.rule, 'too-long');
  const body = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ body: 'x'.repeat(20001) }) });
  assertProblem(body, 422, 'invalid-field');
  assert.equal(body.body.field, 'body');
  const unknownType = await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ type: 'sac_lenh' }) });
  assertProblem(unknownType, 422, 'invalid-field');
  assert.equal(unknownType.body.field, 'type');
  const many = Array.from({ length: 51 }, (_, i) => `000.${String(i).padStart(2, '0')}.33.H56`);
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ recipient_units: many }) }),
    422, 'invalid-field');
  const dup = await api('POST', '/api/v1/documents', { token: tok.chuyenvien,
    body: draftBody({ recipient_units: [DEPARTMENT, DEPARTMENT] }) });
  assertProblem(dup, 422, 'invalid-field');
  assert.equal(dup.body.field, 'recipient_units[1]');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien,
    body: draftBody({ recipient_units: ['999.99.99.H99'] }) }), 422, 'unknown-unit');
  // A unit with no incoming register cannot receive a document.
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien,
    body: draftBody({ recipient_units: ['000.00.34.H56'] }) }), 422, 'invalid-field');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ recipient_units: [42] }) }),
    422, 'invalid-field');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ urgency: 'rat_khan' }) }),
    422, 'invalid-field');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: '{"type": "quyet_dinh",' }),
    400, 'malformed-json');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: 'a\u0000b' }) }),
    400, 'malformed-json');
  assertProblem(await api('POST', '/api/v1/documents', { token: tok.chuyenvien, body: draftBody({ subject: 'một\ndòng' }) }),
    422, 'invalid-field');
  assertProblem(await api('GET', `/api/v1/documents?q=${'a'.repeat(201)}`, { token: tok.lanhdao }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/documents?box=sideways', { token: tok.lanhdao }), 400, 'invalid-query');
  assertProblem(await api('GET', '/api/v1/documents/abc', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await api('GET', '/api/v1/documents/99999999', { token: tok.lanhdao }), 404, 'not-found');
  assertProblem(await act(tok.chuyenvien, ok.body.id, 'publish'), 422, 'invalid-field');
  assertProblem(await act(tok.lanhdao, ok.body.id, 'assign', { deadline: '15/01/2027' }), 422, 'invalid-field');
  assert.equal(await count(), before + 1, 'only the valid draft was stored');
});

test('many concurrent issues and arrivals: numbers without a gap and without a duplicate', async () => {
  const N = 24;
  const docs = [];
  for (let i = 0; i < N; i++) docs.push(await signed({ type: 'thong_bao', recipient_units: [] }));
  // Every issue at once, with a few doomed requests mixed in (already issued, wrong role).
  const res = await Promise.all([
    ...docs.map((d) => act(tok.tiepnhan, d.id, 'issue')),
    ...docs.slice(0, 4).map((d) => act(tok.chuyenvien, d.id, 'issue')),
  ]);
  const okays = res.filter((r) => r.status === 200);
  assert.equal(okays.length, N, res.filter((r) => r.status !== 200 && r.status !== 403).map((r) => r.text).join('\n'));
  const serials = okays.map((r) => r.body.serial).sort((a, b) => a - b);
  assert.equal(new Set(serials).size, N, 'no number twice');
  assert.equal(serials[N - 1] - serials[0], N - 1, 'no gap among them');
  // The whole general series of the year, read back from the register: 1..max.
  const all = await api('GET', `/api/v1/documents?box=out&register=${reg.districtOut}&year=${YEAR}&limit=200`, { token: tok.lanhdao });
  const general = all.body.items.filter((x) => x.serial && x.secrecy === 'none' && !x.normative).map((x) => x.serial)
    .sort((a, b) => a - b);
  assert.deepEqual(general, Array.from({ length: general.length }, (_, i) => i + 1), 'the series runs 1, 2, 3 …');
  // Incoming documents registered at once: số đến 1.. in arrival order, none twice, none skipped.
  const M = 30;
  const inRes = await Promise.all(Array.from({ length: M }, (_, i) => api('POST', '/api/v1/documents/incoming', {
    token: tok.tiepnhan, body: { type: 'cong_van', subject: `Văn bản đến ${i}`, organ_name: 'Sở Nội vụ', number: `${i + 1}/SNV-VP` } })));
  for (const r of inRes) assertStatus(r, 201);
  const inbox = await api('GET', `/api/v1/documents?register=${reg.districtIn}&year=${YEAR}&limit=200`, { token: tok.tiepnhan });
  const arrivals = inbox.body.items.map((x) => x.arrival_number).filter((x) => x).sort((a, b) => a - b);
  assert.deepEqual(arrivals, Array.from({ length: arrivals.length }, (_, i) => i + 1));
  assert.ok(arrivals.length >= M);
});

test('the registers: searched with diacritics folded, printed as Phụ lục IV in PDF and XLSX', async () => {
  const d = await actOk(tok.tiepnhan, (await signed({ subject: 'Về công tác cải cách thủ tục hành chính quý IV' })).id, 'issue');
  const found = await api('GET', '/api/v1/documents?q=cai%20cach%20thu%20tuc&box=out', { token: tok.lanhdao });
  assertStatus(found, 200);
  assert.ok(found.body.items.some((x) => x.id === d.id), 'found without diacritics');
  assert.equal(found.body.total_exact, true, 'a count below the bound is exact');
  const byNumber = await api('GET', `/api/v1/documents?q=${encodeURIComponent(d.number)}`, { token: tok.tiepnhan });
  assert.ok(byNumber.body.items.some((x) => x.id === d.id), 'found by its number and notation');
  const folded = await api('GET', `/api/v1/documents?q=${encodeURIComponent(d.number.toLowerCase().replace('đ', 'd'))}`, { token: tok.tiepnhan });
  assert.ok(folded.body.items.some((x) => x.id === d.id), 'found by its number typed without đ');
  const none = await api('GET', '/api/v1/documents?q=khong%20co%20van%20ban%20nao', { token: tok.lanhdao });
  assert.equal(none.body.total, 0);
  // Words, not a phrase: in any order, each as the start of a word ("thu tuc hanh chinh cai cach"
  // was not a substring of the subject); every word must be there.
  const words = await api('GET', '/api/v1/documents?q=thu%20tuc%20hanh%20chinh%20cai%20cach&box=out', { token: tok.lanhdao });
  assertStatus(words, 200);
  assert.ok(words.body.items.some((x) => x.id === d.id), 'found by its words in another order');
  const fold = (t) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  for (const x of words.body.items) {
    const text = fold(`${x.number ?? ''} ${x.subject} ${x.organ_name ?? ''}`);
    for (const w of ['thu', 'tuc', 'hanh', 'chinh', 'cai', 'cach']) assert.match(text, new RegExp(`(^|[^a-z0-9])${w}`), x.subject);
  }
  const prefix = await api('GET', '/api/v1/documents?q=cai%20cac%20thu%20tu&box=out', { token: tok.lanhdao });
  assert.ok(prefix.body.items.some((x) => x.id === d.id), 'found by the starts of its words');
  const oneMissing = await api('GET', '/api/v1/documents?q=cai%20cach%20thu%20tuc%20karaoke&box=out', { token: tok.lanhdao });
  assert.ok(!oneMissing.body.items.some((x) => x.id === d.id), 'a word it does not hold leaves it out');
  // What a search engine would read as its own syntax is only text here: a clear answer, never a 500.
  for (const q of ['"', '*', 'cai AND', 'NEAR(cai cach)', "a'b", '\\', '%_%', '-:^', '()', 'OR OR', '!!!']) {
    const r = await api('GET', `/api/v1/documents?q=${encodeURIComponent(q)}`, { token: tok.lanhdao });
    assertStatus(r, 200, `q=${q}`);
    assert.ok(Number.isInteger(r.body.total) && r.body.total >= r.body.items.length, `q=${q}: ${r.text}`);
  }
  const other = await api('GET', '/api/v1/documents?q=cai%20cach%20thu%20tuc&box=out', { token: tok['lanhdao.stnmt'] });
  assert.ok(!other.body.items.some((x) => x.id === d.id), 'not in another unit\'s search');
  const pdf = await fetch(`${server.base}/api/v1/document-registers/${reg.districtOut}/register.pdf?year=${YEAR}`,
    { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const xlsx = await fetch(`${server.base}/api/v1/document-registers/${reg.districtIn}/register.xlsx`,
    { headers: { Authorization: `Bearer ${tok.tiepnhan}` } });
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  assertProblem(await api('GET', `/api/v1/document-registers/${reg.districtOut}/register.pdf`, { token: tok['tiepnhan.stnmt'] }),
    403, 'out-of-scope');
  assertProblem(await api('GET', `/api/v1/document-registers/${reg.districtOut}/register.xlsx`, { token: tok.congdan }),
    403, 'forbidden');
  assertProblem(await api('GET', '/api/v1/document-registers/424242/register.pdf', { token: tok.tiepnhan }), 404, 'not-found');
  assertProblem(await api('GET', `/api/v1/document-registers/${reg.districtOut}/register.pdf?year=abc`, { token: tok.tiepnhan }),
    400, 'invalid-query');
});

test('floods: one account records at most 300 steps on documents an hour (drafts, edits, registrations); the next is 429', async () => {
  // A specialist of its own, so that the count starts at nothing.
  const made = await api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'cv.lu.vanban', password: PASSWORD,
    full_name: 'Chuyên Viên Lũ', role: 'specialist', unit: DISTRICT } });
  assertStatus(made, 201, 'make a specialist');
  const mine = await server.login('cv.lu.vanban');
  const d = await draft(mine);
  let version = d.version;
  // 1 draft + 149 edits of it + 150 more drafts: 300 steps within the hour.
  for (let i = 0; i < 149; i++) {
    const res = await api('PATCH', `/api/v1/documents/${d.id}`, { token: mine, body: draftBody({ subject: `Lần sửa ${i}` }),
      headers: { 'If-Match': `"${version}"` } });
    assertStatus(res, 200, `edit ${i}`);
    version = res.body.version;
  }
  for (let i = 0; i < 15; i++) {
    const res = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/api/v1/documents', { token: mine, body: draftBody() })));
    for (const r of res) assertStatus(r, 201, 'within the hour\'s 300');
  }
  const more = await api('POST', '/api/v1/documents', { token: mine, body: draftBody() });
  assertProblem(more, 429, 'too-many-attempts', 'the 301st step in the hour');
  assert.equal(more.headers.get('retry-after'), '3600');
  const edit = await api('PATCH', `/api/v1/documents/${d.id}`, { token: mine, body: draftBody({ subject: 'Thêm một lần' }),
    headers: { 'If-Match': `"${version}"` } });
  assertProblem(edit, 429, 'too-many-attempts', 'an edit too');
  const after = await api('GET', `/api/v1/documents/${d.id}`, { token: mine });
  assert.equal(after.body.version, version, 'nothing of the refused edit is kept');
  // The document comes with its newest 100 steps; the older ones a page at a time.
  assert.equal(after.body.events.length, 100);
  assert.equal(after.body.events_more, true);
  let events = after.body.events;
  for (let more = true; more;) {
    const page = await api('GET', `/api/v1/documents/${d.id}/events?before=${events[0].id}&limit=30`, { token: mine });
    assertStatus(page, 200, 'an older page');
    assert.ok(page.body.events.length <= 30);
    events = [...page.body.events, ...events];
    more = page.body.more;
  }
  assert.equal(events.length, 150, 'the draft and its 149 edits, nothing of the refused one');
  assert.equal(events[0].action, 'draft');
  for (let i = 1; i < events.length; i++) assert.ok(events[i].id > events[i - 1].id, 'oldest first, no step twice');
  // Another specialist of the unit is not held back by it.
  await draft(tok.chuyenvien);
});

test('a document\'s older steps, a page at a time: the same who may see it; bad pages refused', async () => {
  const d = await signed({ subject: 'Về việc đọc nhật ký theo trang' });
  const whole = await api('GET', `/api/v1/documents/${d.id}`, { token: tok.lanhdao });
  assertStatus(whole, 200, 'read');
  assert.deepEqual(whole.body.events.map((e) => e.action), ['draft', 'submit', 'approve', 'sign']);
  assert.equal(whole.body.events_more, false);
  const path = (q) => `/api/v1/documents/${d.id}/events${q}`;
  const newest = await api('GET', path('?limit=2'), { token: tok.chuyenvien });
  assertStatus(newest, 200, 'the newest two');
  assert.deepEqual(newest.body.events.map((e) => e.action), ['approve', 'sign']);
  assert.equal(newest.body.more, true);
  // The same fields as with the document: the page is the document's log, not another view of it.
  assert.deepEqual(newest.body.events, whole.body.events.slice(2));
  const older = await api('GET', path(`?before=${newest.body.events[0].id}`), { token: tok.chuyenvien });
  assert.deepEqual(older.body.events.map((e) => e.action), ['draft', 'submit']);
  assert.equal(older.body.more, false);
  // Who may not: another unit's officer, a citizen, nobody signed in; a document that does not exist.
  assertProblem(await api('GET', path(''), { token: tok['chuyenvien.stnmt'] }), 403, 'out-of-scope');
  assertStatus(await api('GET', path(''), { token: tok.congdan }), 403, 'a citizen');
  assertStatus(await api('GET', path('')), 401, 'no session');
  assertStatus(await api('GET', '/api/v1/documents/999999999/events', { token: tok.lanhdao }), 404, 'no such document');
  for (const q of ['?before=0', '?before=-5', '?before=x', '?limit=0', '?limit=501', '?limit=2.5', `?limit=${'9'.repeat(30)}`]) {
    assertProblem(await api('GET', path(q), { token: tok.lanhdao }), 400, 'invalid-query', q);
  }
});
