// A real OpenID Connect provider for the tests (the npm oidc-provider, the
// certified implementation), standing in for the national identity platform:
// motcua registered as a confidential client (client_secret_basic), accounts
// whose claims carry a 12-digit personal identity number, and its
// development login and consent pages. Around it, a thin HTTP wrapper lets a
// test take the provider down or rewrite the ID token of the token endpoint's
// answer (forged, re-signed, other audience...), so that motcua's checks are
// tried on the real flow.
import { createServer } from 'node:http';
import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import Provider from 'oidc-provider';
import { freePort } from './harness.mjs';

export const CLIENT_ID = 'motcua-thanh-hoa';
export const CLIENT_SECRET = 'bi-mat-cua-motcua-tai-nha-cung-cap-dinh-danh';
export const ID_CLAIM = 'so_dinh_danh';

const b64url = (x) => Buffer.from(x).toString('base64url');

// Keys of the provider: an RSA one it signs with (RS256), and a P-256 one a
// test signs ES256 tokens with; both in its JWKS.
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const RSA_KID = 'khoa-rsa-1';
const EC_KID = 'khoa-ec-1';

// accounts: { id: { name, so_dinh_danh, ... } } — the id is what one types at the login page.
export async function startProvider({ port, redirectUri, accounts }) {
  port ??= await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: {
      keys: [
        { ...rsa.privateKey.export({ format: 'jwk' }), kid: RSA_KID, alg: 'RS256', use: 'sig' },
        { ...ec.privateKey.export({ format: 'jwk' }), kid: EC_KID, alg: 'ES256', use: 'sig' },
      ],
    },
    async findAccount(ctx, id) {
      if (!accounts[id]) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
    },
    claims: { openid: ['sub'], profile: ['name', ID_CLAIM] },
    // The claims of the scopes go into the ID token, which is what motcua reads.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['khoa-cookie-cua-nha-cung-cap-thu'] },
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (ctx, err) => { console.error('oidc-provider:', err); });
  const handler = provider.callback();
  const state = { down: false, tamper: null, tokenRequests: 0 };
  const server = createServer((req, res) => {
    if (state.down) { req.socket.destroy(); return; }
    if (req.url.startsWith('/token')) {
      state.tokenRequests++;
      if (state.tamper) {
        const tamper = state.tamper;
        const end = res.end.bind(res);
        res.end = (chunk, ...rest) => {
          const body = JSON.parse(Buffer.from(chunk).toString('utf8'));
          if (body.id_token) body.id_token = tamper(body.id_token);
          const out = JSON.stringify(body);
          res.setHeader('content-length', Buffer.byteLength(out));
          return end(out, ...rest);
        };
      }
    }
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    state,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// The parts of a compact JWS.
export function decode(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(p, 'base64url')) };
}

// A token of these header and claims, signed as `how` says:
// 'rs256' with the provider's RSA key, 'es256' with its P-256 key,
// 'none' unsigned, 'hs256-public' HMAC keyed with the provider's public key
// (the algorithm confusion attack), 'foreign' with an RSA key not in its JWKS.
const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
export function sign(header, claims, how = 'rs256') {
  const h = { ...header };
  if (how === 'rs256') Object.assign(h, { alg: 'RS256', kid: RSA_KID });
  if (how === 'es256') Object.assign(h, { alg: 'ES256', kid: EC_KID });
  if (how === 'none') { h.alg = 'none'; delete h.kid; }
  if (how === 'hs256-public') Object.assign(h, { alg: 'HS256', kid: RSA_KID });
  if (how === 'foreign') Object.assign(h, { alg: 'RS256', kid: 'khoa-la' });
  const input = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(claims))}`;
  let sig = '';
  if (how === 'rs256') sig = cryptoSign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url');
  if (how === 'es256') sig = cryptoSign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (how === 'hs256-public') sig = createHmac('sha256', rsa.publicKey.export({ format: 'pem', type: 'spki' })).update(input).digest('base64url');
  if (how === 'foreign') sig = cryptoSign('sha256', Buffer.from(input), foreign.privateKey).toString('base64url');
  return `${input}.${sig}`;
}

// A tamper function for state.tamper: the provider's ID token with its claims
// changed by edit(claims) and signed as `how` says.
export function resign(edit, how = 'rs256') {
  return (token) => {
    const { header, claims } = decode(token);
    return sign(header, edit({ ...claims }) ?? claims, how);
  };
}

// A minimal cookie jar for fetch: cookies by name, sent to every path.
export class Jar {
  constructor() { this.cookies = new Map(); }
  take(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async fetch(url, init = {}) {
    const headers = { ...(init.headers || {}) };
    if (this.cookies.size) headers.Cookie = this.header();
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.take(res);
    return res;
  }
}

// Walks the provider's pages as a browser would, from motcua's start route to
// the redirect back to motcua: signs in as `login`, consents, and returns
// the callback URL (not yet visited) with the two jars (motcua's, the provider's).
export async function toCallback(base, login, { motcua = new Jar(), idp = new Jar() } = {}) {
  const start = await motcua.fetch(`${base}/api/v1/session/oidc`);
  if (start.status !== 302) throw new Error(`start: ${start.status} ${await start.text()}`);
  let url = start.headers.get('location');
  for (let i = 0; i < 12; i++) {
    if (url.startsWith(`${base}/api/v1/session/oidc/callback`)) return { callback: url, motcua, idp };
    const res = await idp.fetch(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).href;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider ${url}: ${res.status} ${html}`);
    const action = new URL(html.match(/<form[^>]*action="([^"]+)"/)[1].replace(/&amp;/g, '&'), url).href;
    const prompt = html.match(/name="prompt" value="([a-z]+)"/)[1];
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') { form.set('login', login); form.set('password', 'bat-ky'); }
    const post = await idp.fetch(action, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (post.status < 300 || post.status >= 400) throw new Error(`provider ${action}: ${post.status} ${await post.text()}`);
    url = new URL(post.headers.get('location'), action).href;
  }
  throw new Error('the provider never sent the browser back');
}
