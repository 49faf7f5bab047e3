// How much one citizen account and one client address may file online
// (app/filing.h, docs/operations.md §3): past a limit the filing is refused
// with 429 filing-limit and a Retry-After in seconds until the window frees a
// slot, nothing is filed, and the desk still files the walk-ins in front of it.
// The hardening issue's flood: one self-registered account filed 9,999 online
// dossiers in 5 s into one unit. The limits are set low here so that the test
// reaches them at once: per account 3 a day (no hourly limit), per address 5
// an hour (no daily limit), so that both windows are exercised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, DISTRICT, APPLICANT, districtProcedure, assertProblem, assertStatus, file } from './helpers.mjs';

let server;
const tok = {};
const ONLINE = districtProcedure({ online: true }).code;
const quote = (s) => s.replaceAll('.', '\\.');

before(async () => {
  server = await startServer({
    dossiers: 5,
    env: {
      MOTCUA_FILING_ACCOUNT_PER_HOUR: '0',
      MOTCUA_FILING_ACCOUNT_PER_DAY: '3',
      MOTCUA_FILING_ADDRESS_PER_HOUR: '5',
      MOTCUA_FILING_ADDRESS_PER_DAY: '0',
    },
  });
  tok.tiepnhan = await server.login('tiepnhan');
  for (const name of ['flood.a', 'flood.b', 'flood.c']) tok[name] = await register(name);
});

after(async () => {
  await stopServer(server);
});

async function register(username) {
  const password = 'mat-khau-rat-dai-1';
  const res = await server.api('POST', '/api/v1/citizens', {
    body: { username, password, full_name: 'Kẻ Phá Hoại', email: `${username}@example.vn` },
  });
  assertStatus(res, 202, `register ${username}`);
  return server.login(username, password);
}

// An online filing by a citizen (no e-mail or phone: nothing to notify).
function fileOnline(token) {
  return server.api('POST', '/api/v1/dossiers', {
    token,
    body: { procedure_code: ONLINE, channel: 'online', unit: DISTRICT, applicant: { name: 'Nguyễn Văn Rác' } },
  });
}

async function mine(token) {
  const res = await server.api('GET', '/api/v1/dossiers?limit=200', { token });
  assertStatus(res, 200, 'own dossiers');
  return res.body.total;
}

// The Retry-After of a 429 (whole seconds) lies between the window's length
// less the seconds since the first filing counted, and the window's length.
function assertRetry(res, window, sinceFirst) {
  const h = res.headers.get('retry-after');
  assert.match(h || '', /^[1-9][0-9]*$/, `Retry-After ${h}`);
  const retry = Number(h);
  const elapsed = Math.ceil((Date.now() - sinceFirst) / 1000);
  assert.ok(retry <= window, `Retry-After ${retry} <= ${window}`);
  assert.ok(retry >= window - elapsed - 1, `Retry-After ${retry} >= ${window} - ${elapsed} - 1`);
}

test('an account that floods is stopped at its limit with 429 and Retry-After; the desk still files', async () => {
  const first = Date.now();
  for (let i = 0; i < 3; i++) {
    const res = await fileOnline(tok['flood.a']);
    assertStatus(res, 201, `filing ${i + 1}`);
    // online submissions number in their own space: six digits
    assert.match(res.body.code, new RegExp(`^${quote(DISTRICT)}-\\d{6}-\\d{6}$`));
  }
  for (let i = 0; i < 3; i++) {
    const res = await fileOnline(tok['flood.a']);
    assertProblem(res, 429, 'filing-limit', `filing ${4 + i}`);
    assert.match(res.body.detail, /this account has filed 3 dossiers in the last 24 hours/);
    assertRetry(res, 86400, first);
  }
  assert.equal(await mine(tok['flood.a']), 3, 'nothing more was filed');

  // The desk files walk-ins as they come: officers are not limited.
  for (const channel of ['direct', 'postal']) {
    const d = await file(server, tok.tiepnhan, { channel, unit: DISTRICT });
    assert.equal(d.state, 'received');
    assert.match(d.code, new RegExp(`^${quote(DISTRICT)}-\\d{6}-\\d{4}$`));
  }
  // and online on a citizen's behalf too
  const behalf = await file(server, tok.tiepnhan, { channel: 'online', unit: DISTRICT, procedure_code: ONLINE,
    applicant: { ...APPLICANT, email: undefined, phone: undefined } });
  assert.equal(behalf.state, 'submitted');
});

test('an address is limited across accounts; another account from it is refused too', async () => {
  // 3 filings from this address so far (flood.a's; the refused ones did not count)
  for (let i = 0; i < 2; i++) assertStatus(await fileOnline(tok['flood.b']), 201, `flood.b ${i + 1}`);
  const res = await fileOnline(tok['flood.b']);
  assertProblem(res, 429, 'filing-limit');
  assert.match(res.body.detail, /this address has filed 5 dossiers in the last hour/);
  // the address's first filing counted was made in the test above, before `first`: at most the hour
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 3600, `Retry-After ${retry}`);
  const other = await fileOnline(tok['flood.c']);
  assertProblem(other, 429, 'filing-limit', 'a fresh account from the same address');
  assert.ok(Number(other.headers.get('retry-after')) <= retry, 'the same window');
  assert.equal(await mine(tok['flood.b']), 2);
  assert.equal(await mine(tok['flood.c']), 0);

  // The desk is not an online citizen: its walk-ins go on.
  const d = await file(server, tok.tiepnhan, { channel: 'direct', unit: DISTRICT });
  assert.equal(d.state, 'received');
});

test('the limits are settings: motcua config shows them with their defaults', async () => {
  const { execFileSync } = await import('node:child_process');
  const { BIN } = await import('./harness.mjs');
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MOTCUA_')) delete env[k];
  const out = execFileSync(BIN, ['config'], { env, encoding: 'utf8' });
  assert.match(out, /^filing_account_per_hour = 20\t/m);
  assert.match(out, /^filing_account_per_day = 50\t/m);
  assert.match(out, /^filing_address_per_hour = 100\t/m);
  assert.match(out, /^filing_address_per_day = 500\t/m);
  const low = execFileSync(BIN, ['config'], { env: { ...env, MOTCUA_FILING_ACCOUNT_PER_HOUR: '7' }, encoding: 'utf8' });
  assert.match(low, /^filing_account_per_hour = 7\t/m);
});
