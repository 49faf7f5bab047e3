// The public lookup revalidates: its ETag names the dossier's version, a
// matching If-None-Match gets 304 with no body, and any change to the dossier
// gives a new tag and the new state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { stopServer, file, actOk } from './helpers.mjs';

let server;
let desk;
before(async () => {
  server = await startServer({ dossiers: 10 });
  desk = await server.login('tiepnhan');
});
after(async () => { await stopServer(server); });

test('If-None-Match: 304 while nothing changed, 200 with a new tag after an action', async () => {
  const d = await file(server, desk);
  const first = await server.api('GET', `/api/v1/public/dossiers/${d.code}`);
  assert.equal(first.status, 200);
  const tag = first.headers.get('etag');
  assert.match(tag, /^W\/"1\.\d+"$/);
  const again = await server.api('GET', `/api/v1/public/dossiers/${d.code}`, { headers: { 'If-None-Match': tag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  assert.equal(again.headers.get('etag'), tag);
  // a list of tags, one of them ours
  const listed = await server.api('GET', `/api/v1/public/dossiers/${d.code}`, { headers: { 'If-None-Match': `W/"9.9", ${tag}` } });
  assert.equal(listed.status, 304);

  await actOk(server, desk, d.code, 'assign');
  const changed = await server.api('GET', `/api/v1/public/dossiers/${d.code}`, { headers: { 'If-None-Match': tag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), tag);
  assert.equal(changed.body.state, 'processing');
});
