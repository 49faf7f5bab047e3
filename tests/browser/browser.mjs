// The browser test harness: the real motcua server (tests/api/harness.mjs) serving web/,
// driven by Debian's Chromium through playwright-core. Every page a test opens is watched:
// console errors, uncaught exceptions, unexpected HTTP errors, requests to another host and
// HTML without a Content-Security-Policy are collected and fail the test (actor.assertClean()).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startServer, PASSWORD } from '../api/harness.mjs';
import { stopServer } from '../api/helpers.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB = join(ROOT, 'web');
// Tests write their pictures under build/; `make screenshots` copies them to docs/.
export const SHOTS = process.env.MOTCUA_SHOTS || join(ROOT, 'build', 'pictures', 'screenshots');
export { PASSWORD };

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

// Headless, and nothing that would let Chromium reach the network by itself; whatever still
// tries goes to a proxy that is not there (loopback, where the server is, bypasses proxies).
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-default-apps', '--disable-extensions', '--no-default-browser-check', '--metrics-recording-only',
  '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--no-pings',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
  '--proxy-server=http://127.0.0.1:9'];

// A small but real PDF (one empty A4 page); `label` makes each file's bytes (and hash) distinct.
export function pdfBytes(label = 'motcua') {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info << /Title (${label}) >> >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh, as web/js/lib.js fmtDateTime shows it. */
export function fmtDateTime(iso) {
  const p = {};
  for (const x of new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso))) p[x.type] = x.value;
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function sameInstant(a, b, what = '') {
  assert.ok(a && b, `${what}: two times, got ${a} and ${b}`);
  assert.equal(new Date(a).getTime(), new Date(b).getTime(), `${what}: ${a} vs ${b}`);
}

/** The same minute (what a page and a receipt show), the seconds of either aside. */
export function sameMinute(a, b, what = '') {
  assert.ok(a && b, `${what}: two times, got ${a} and ${b}`);
  const minute = (x) => Math.floor(new Date(x).getTime() / 60000);
  assert.equal(minute(a), minute(b), `${what}: ${a} vs ${b}`);
}

/**
 * The world of one test file: a server on a fresh demo database serving web/ (with the
 * settings of env besides), one Chromium, and a temporary directory for upload files. Call
 * stop() in after().
 */
export async function startWorld({ dossiers = 60, env = {}, port, initArgs = [], clock } = {}) {
  const server = await startServer({ dossiers, port, initArgs, clock, env: { MOTCUA_WEB_ROOT: WEB, ...env } });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30000 });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'motcua-browser-'));
  mkdirSync(SHOTS, { recursive: true });
  const actors = [];
  const tokens = new Map();
  const world = {
    server, browser, base: server.base, tmp,
    /** A file in the temporary directory; returns its path. */
    writeFile(name, content) {
      const p = join(tmp, name);
      writeFileSync(p, content);
      return p;
    },
    /** A bearer token for API checks (cached per user). */
    async token(username) {
      if (!tokens.has(username)) tokens.set(username, await server.login(username));
      return tokens.get(username);
    },
    /** GET/POST through the API as username (or anonymous); asserts the status. */
    async api(method, path, { as, body, status = method === 'POST' ? [200, 201] : [200] } = {}) {
      const token = as ? await world.token(as) : undefined;
      const res = await server.api(method, path, { token, body });
      assert.ok([].concat(status).includes(res.status), `${method} ${path} as ${as || 'anonymous'} → ${res.status} ${res.text}`);
      return res.body;
    },
    /** A browser context (its own cookies) with one watched page; signed in when username is given. */
    async actor(username, { viewport = DESKTOP } = {}) {
      const a = await newActor(world, username, viewport);
      actors.push(a);
      return a;
    },
    async stop() {
      for (const a of actors) await a.context.close().catch(() => {});
      await browser.close().catch(() => {});
      rmSync(tmp, { recursive: true, force: true });
      await stopServer(server);
    },
  };
  return world;
}

async function newActor(world, username, viewport) {
  const context = await world.browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  // HTTP errors a test expects: [status, RegExp of method + path]. None by default: a
  // visitor who never signed in causes no 401 (the page asks for the session only when the
  // motcua_signed_in cookie says there is one, issue 15), which would show in the console.
  const allowed = [];
  const origin = new URL(world.base).origin;
  const where = () => { try { return new URL(page.url()).pathname; } catch { return page.url(); } };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium logs every HTTP error reply as "Failed to load resource"; those are judged
    // below from the responses themselves, against what the test expects.
    if (/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) return;
    problems.push(`console error on ${where()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception on ${where()}: ${e.message}`));
  context.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') && u.origin !== origin) {
      problems.push(`request to another host: ${r.method()} ${r.url()}`);
    }
  });
  context.on('response', (r) => {
    const u = new URL(r.url());
    if (u.origin !== origin) return;
    const what = `${r.request().method()} ${u.pathname}`;
    if (r.status() >= 400 && !allowed.some(([s, re]) => s === r.status() && re.test(what))) {
      problems.push(`unexpected HTTP ${r.status()}: ${what}${u.search}`);
    }
    // a blob: document (an attachment previewed in a frame) is the page's own, under its policy
    if (r.request().resourceType() === 'document' && r.status() === 200 && !r.url().startsWith('blob:')) {
      const csp = r.headers()['content-security-policy'] || '';
      if (!/default-src 'self'/.test(csp) || !/script-src 'self'/.test(csp) || /unsafe-inline|unsafe-eval/.test(csp)) {
        problems.push(`HTML without a strict Content-Security-Policy: ${u.pathname} (${csp || 'none'})`);
      }
    }
  });
  const actor = {
    username, context, page, problems,
    /** Expect an HTTP error reply (status, RegExp on "METHOD /path"). */
    allow(status, re) { allowed.push([status, re]); },
    async goto(path) {
      const res = await page.goto(world.base + path);
      assert.equal(res.status(), 200, `GET ${path}`);
      return res;
    },
    assertClean(what = '') {
      assert.deepEqual(problems, [], `${username || 'visitor'} ${what}: ${problems.join('\n')}`);
    },
  };
  if (username) await signIn(world, actor, username);
  return actor;
}

/** Signs in through the sign-in page and waits for the role's start page. */
export async function signIn(world, actor, username, { next } = {}) {
  const { page } = actor;
  await actor.goto('/dang-nhap' + (next ? '?next=' + encodeURIComponent(next) : ''));
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  // on a phone the account's name sits behind the header's "Menu": attached, not shown
  await page.waitForSelector(`[data-testid=header-user]`, { state: 'attached' });
  await page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap'));
}

// ---- quality checks and screenshots -------------------------------------------------------

async function settled(page) {
  // fonts, images (server-drawn charts) and two frames of layout
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].map((img) => (img.complete ? null : new Promise((r) => {
      img.addEventListener('load', r, { once: true });
      img.addEventListener('error', r, { once: true });
    }))));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** Every input, select and textarea has a name a screen reader reads: <label for>, aria-label or aria-labelledby. */
export async function assertLabelled(page, what) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden')
    .filter((el) => {
      if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent.trim()) return false;
      if ((el.getAttribute('aria-label') || '').trim()) return false;
      const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      if (ids.length && ids.every((id) => document.getElementById(id)?.textContent.trim())) return false;
      return true;
    })
    .map((el) => `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') || el.name || el.id || el.type}]`));
  assert.deepEqual(unlabelled, [], `${what}: fields without an accessible label`);
}

/** No horizontal scrolling at the current width. */
export async function assertNoHScroll(page, what) {
  const { sw, cw, wide } = await page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    const over = (el) => el.getBoundingClientRect().right > cw + 1;
    // the innermost elements that stick out name the culprit
    const wide = [...document.querySelectorAll('body *')].filter((el) => over(el) && ![...el.children].some(over))
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''}${el.dataset.testid ? '[' + el.dataset.testid + ']' : ''}`);
    return { sw: document.documentElement.scrollWidth, cw, wide };
  });
  assert.ok(sw <= cw, `${what} scrolls horizontally at ${cw}px: scrollWidth ${sw} (too wide: ${wide.join(', ')})`);
}

/**
 * Checks a page at desktop and phone widths and saves {name}-desktop.png and
 * {name}-phone.png: labels on every field, no horizontal scrolling at 360 px. The screenshot
 * shows the top of the page, or the element `show` (a selector; `block` as scrollIntoView takes
 * it, else centred when it fits) when given, or all of it with fullPage. The page is left at the viewport it had.
 */
export async function checkPage(actor, name, { show, block, fullPage = false } = {}) {
  const { page } = actor;
  const before = page.viewportSize();
  await assertLabelled(page, name);
  for (const [size, vp] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(vp);
    await settled(page);
    if (vp === PHONE) await assertNoHScroll(page, name);
    await page.evaluate(({ sel, block }) => {
      const el = sel && document.querySelector(sel);
      if (el) el.scrollIntoView({ block: block || (el.getBoundingClientRect().height < innerHeight * 0.8 ? 'center' : 'start') });
      else window.scrollTo(0, 0);
    }, { sel: show || null, block: block || null });
    await settled(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage, animations: 'disabled', caret: 'hide' });
  }
  if (before.width !== PHONE.width || before.height !== PHONE.height) {
    await page.setViewportSize(before);
    await settled(page);
  }
}

/** The stat-* figures of the dashboard: { 'received-total': '14', ... } from data-value. */
export async function statValues(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid^="stat-"]')]
    .map((el) => [el.getAttribute('data-testid').slice(5), el.getAttribute('data-value')])));
}
