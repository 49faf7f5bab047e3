// The public lookup serves cached replies without reading the dossier while
// nothing has been committed (src/http/cache.h, change epochs): a lookup made
// after an action's reply must still show that action, however hot the cache
// is kept by other clients meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, file, actOk } from './helpers.mjs';

let server;
const tok = {};

before(async () => {
  server = await startServer({ dossiers: 0 });
  for (const u of ['tiepnhan', 'lanhdao']) tok[u] = await server.login(u);
});

after(async () => { await stopServer(server); });

test('a lookup after an action shows it while other clients keep the cache hot', async () => {
  const codes = [];
  for (let i = 0; i < 8; i++) {
    const d = await file(server, tok.tiepnhan);
    await actOk(server, tok.tiepnhan, d.code, 'assign');
    codes.push(d.code);
  }
  // Other clients look the same dossiers up without pause.
  let polling = true;
  let polled = 0;
  const pollers = Array.from({ length: 4 }, async (_, k) => {
    for (let i = k; polling; i++) {
      const res = await server.api('GET', `/api/v1/public/dossiers/${codes[i % codes.length]}`);
      assert.equal(res.status, 200);
      polled++;
    }
  });
  try {
    for (let round = 0; round < 40; round++) {
      const code = codes[round % codes.length];
      const before = await server.api('GET', `/api/v1/public/dossiers/${code}`);
      assert.equal(before.status, 200);
      const next = before.body.state === 'supplement_requested'
        ? await actOk(server, tok.tiepnhan, code, 'supplement', { documents: [{ name: `Giấy tờ ${round}`, originals: 1 }] })
        // asked again and again: a leader's decision (the applicant is told everything at one time)
        : await actOk(server, tok.lanhdao, code, 'request_supplement', { note: `Bổ sung ${round}` });
      assert.equal(next.version, before.body.version + 1);
      const seen = await server.api('GET', `/api/v1/public/dossiers/${code}`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.version, next.version, `round ${round}: the lookup after the action`);
      assert.equal(seen.body.state, next.state, `round ${round}`);
      assert.match(seen.headers.get('etag'), new RegExp(`^W/"${next.version}\\.\\d+"$`));
      // and once more, from the cache this time
      const again = await server.api('GET', `/api/v1/public/dossiers/${code}`);
      assert.equal(again.body.version, next.version);
      assert.equal(again.text, seen.text);
    }
  } finally {
    polling = false;
    await Promise.all(pollers);
  }
  assert.ok(polled > 0);
});
