// A document exchanged from another province in the browser (docs/documents.md §9): a peer
// (played here by the test, which signs its package with xmlsec1 and the peer's key) posts
// an edXML package to the district; the district's clerk finds it in the incoming box,
// opens it and registers it (số đến), and the status 03 đã tiếp nhận waits in the outbox
// for the peer. Pictures go under build/ only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorld, checkPage } from './browser.mjs';

const DISTRICT = '000.00.33.H56';
const PEER = '000.00.00.H26';
const keys = mkdtempSync(join(tmpdir(), 'motcua-exchange-keys-'));
let world;

function openssl(...args) {
  execFileSync('openssl', args, { cwd: keys, stdio: ['ignore', 'ignore', 'pipe'] });
}

// The peer's package, signed by the peer (enveloped XML-DSig, RSA-SHA256).
function peerPackage(subject) {
  const template = `<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="http://www.e-doc.vn/Schema/"><edXML:edXMLHeader><edXML:MessageHeader>\
<edXML:From><edXML:OrganId>${PEER}</edXML:OrganId><edXML:OrganName>UBND tỉnh Thử Hai</edXML:OrganName></edXML:From>\
<edXML:To><edXML:OrganId>${DISTRICT}</edXML:OrganId></edXML:To>\
<edXML:DocumentId>${PEER},215,${DISTRICT},0</edXML:DocumentId>\
<edXML:Code><edXML:CodeNumber>215</edXML:CodeNumber><edXML:CodeNotation>UBND-VP</edXML:CodeNotation></edXML:Code>\
<edXML:PromulgationInfo><edXML:Place>Thử Hai</edXML:Place><edXML:PromulgationDate>2026-12-01</edXML:PromulgationDate></edXML:PromulgationInfo>\
<edXML:DocumentType><edXML:Type>2</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>\
<edXML:Subject>${subject}</edXML:Subject>\
<edXML:SignerInfo><edXML:Position>CHỦ TỊCH</edXML:Position><edXML:FullName>Trần Văn Hai</edXML:FullName></edXML:SignerInfo>\
<edXML:OtherInfo><edXML:Priority>1</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader>\
<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>${PEER}</edXML:OrganId><edXML:Timestamp>2026-12-01T09:00:00+07:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>\
<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>\
<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms>\
<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo>\
<SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>\
</edXML:edXMLHeader><edXML:edXMLBody/></edXML:edXMLEnvelope>`;
  writeFileSync(join(keys, 'template.xml'), template);
  execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${join(keys, 'peer.key')},${join(keys, 'peer.pem')}`,
    '--output', join(keys, 'signed.xml'), join(keys, 'template.xml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(join(keys, 'signed.xml'), 'utf8');
}

before(async () => {
  for (const who of ['peer', 'org']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.pem`,
      '-days', '10', '-subj', `/O=Test/CN=${who}`);
  }
  // the peer's inbox is nowhere: what goes back to it waits in the outbox
  writeFileSync(join(keys, 'peers'), `*.H26 http://127.0.0.1:9/api/v1/edxml ${join(keys, 'peer.pem')}\n`);
  // The district and the department have their registers in the demo (src/demo/documents.c).
  world = await startWorld({ dossiers: 5, env: {
    MOTCUA_EXCHANGE_PEERS: join(keys, 'peers'),
    MOTCUA_EXCHANGE_KEY_FILE: join(keys, 'org.key'),
    MOTCUA_EXCHANGE_CERT_FILE: join(keys, 'org.pem'),
  } });
});

after(async () => {
  if (world) await world.stop();
  rmSync(keys, { recursive: true, force: true });
});

test('the clerk finds a document sent by another province and registers it', async () => {
  const subject = 'Về việc phối hợp giải quyết thủ tục hành chính liên tỉnh';
  const res = await world.server.api('POST', '/api/v1/edxml', { raw: peerPackage(subject),
    headers: { 'Content-Type': 'application/xml' } });
  assert.equal(res.status, 201, res.text);
  const [id] = res.body.documents;

  const clerk = await world.actor('tiepnhan');
  const { page } = clerk;
  await clerk.goto('/van-ban?box=in');
  const row = page.locator('[data-testid=doc-row][data-number="215/UBND-VP"]');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'arrived');
  await checkPage(clerk, 'documents-exchange-arrived');
  await row.getByTestId('doc-link').click();
  await page.waitForURL(new RegExp(`/van-ban/${id}$`));
  await page.getByTestId('doc-act-register').click();
  await page.waitForSelector('[data-testid=doc-state][data-state=registered]');
  assert.match((await page.getByTestId('doc-arrival').textContent()).trim(), /^\d+$/);
  await checkPage(clerk, 'documents-exchange-registered');
  clerk.assertClean('registering an exchanged document');

  // the page shows the package received and the statuses waiting for the peer
  await page.locator('[data-testid=xch-item][data-status="03"]').waitFor();
  assert.equal(await page.locator('[data-testid=xch-item][data-direction=in][data-state=received]').count(), 1);

  const doc = await world.api('GET', `/api/v1/documents/${id}`, { as: 'tiepnhan' });
  assert.equal(doc.organ_name, 'UBND tỉnh Thử Hai');
  assert.equal(doc.urgency, 'khan');
  const x = await world.api('GET', `/api/v1/documents/${id}/exchange`, { as: 'tiepnhan' });
  assert.deepEqual(x.items.filter((i) => i.kind === 'status').map((i) => [i.direction, i.status_code]),
    [['out', '01'], ['out', '03']], 'đã đến and đã tiếp nhận wait for the peer');
});

test('the clerk sends an issued document to another province from its page', async () => {
  const d = await world.api('POST', '/api/v1/documents', { as: 'chuyenvien', body: { type: 'cong_van', drafting_abbr: 'VP',
    subject: 'Về việc trao đổi kinh nghiệm cải cách hành chính', recipient_units: [] } });
  for (const [who, action] of [['chuyenvien', 'submit'], ['lanhdao', 'approve'], ['lanhdao', 'sign'], ['tiepnhan', 'issue']]) {
    await world.api('POST', `/api/v1/documents/${d.id}/actions`, { as: who, body: { action } });
  }
  const clerk = await world.actor('tiepnhan');
  const { page } = clerk;
  await clerk.goto(`/van-ban/${d.id}`);
  await page.getByTestId('xch-to').fill(PEER);
  await checkPage(clerk, 'documents-exchange-send');
  await page.getByTestId('xch-send').click();
  const item = page.locator(`[data-testid=xch-item][data-direction=out][data-organ="${PEER}"]`);
  await item.waitFor();
  assert.ok(['pending', 'failed'].includes(await item.getAttribute('data-state')), 'the peer is unreachable: it waits');
  await page.locator('[data-testid=doc-event][data-action=send]').waitFor();
  clerk.assertClean('sending by exchange');
});
