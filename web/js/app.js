// The shell: session, header, navigation and a client-side router that loads each page's
// module only when its route is visited.
import { t, setLang, savedLang, lang } from '/i18n/i18n.js';
import { h, replace, api, ApiError, errorText } from '/js/lib.js';

const routes = [
  [/^\/$/, () => import('/js/pages/home.js'), 'render'],
  [/^\/thu-tuc\/([^/]+)$/, () => import('/js/pages/procedure.js'), 'render'],
  [/^\/dang-nhap$/, () => import('/js/pages/auth.js'), 'login'],
  [/^\/dang-ky$/, () => import('/js/pages/auth.js'), 'signup'],
  [/^\/tai-khoan$/, () => import('/js/pages/account.js'), 'profile'],
  [/^\/quen-mat-khau$/, () => import('/js/pages/account.js'), 'recovery'],
  [/^\/nop-ho-so\/([^/]+)$/, () => import('/js/pages/file.js'), 'render'],
  [/^\/ho-so-cua-toi$/, () => import('/js/pages/mine.js'), 'list'],
  [/^\/ho-so-cua-toi\/([^/]+)$/, () => import('/js/pages/mine.js'), 'detail'],
  [/^\/tra-cuu$/, () => import('/js/pages/lookup.js'), 'form'],
  [/^\/tra-cuu\/([^/]+)$/, () => import('/js/pages/lookup.js'), 'show'],
  [/^\/can-bo$/, () => import('/js/pages/desk.js'), 'render'],
  [/^\/can-bo\/ho-so$/, () => import('/js/pages/queue.js'), 'list'],
  [/^\/can-bo\/ho-so\/([^/]+)$/, () => import('/js/pages/queue.js'), 'detail'],
  [/^\/quan-tri$/, () => import('/js/pages/admin.js'), 'render'],
  [/^\/lanh-dao$/, () => import('/js/pages/leader.js'), 'render'],
  [/^\/cong-khai$/, () => import('/js/pages/public.js'), 'render'],
  [/^\/van-ban$/, () => import('/js/pages/documents.js'), 'list'],
  [/^\/van-ban\/soan-thao$/, () => import('/js/pages/documents.js'), 'draft'],
  [/^\/van-ban\/(\d+)$/, () => import('/js/pages/documents.js'), 'detail'],
  [/^\/ho-so-cong-viec$/, () => import('/js/pages/workfiles.js'), 'list'],
  [/^\/ho-so-cong-viec\/(\d+)$/, () => import('/js/pages/workfiles.js'), 'detail'],
  [/^\/chi-so-cchc$/, () => import('/js/pages/par.js'), 'results'],
  [/^\/can-bo\/cchc$/, () => import('/js/pages/par.js'), 'list'],
  [/^\/can-bo\/cchc\/(\d+)$/, () => import('/js/pages/par.js'), 'sheet'],
  [/^\/nhiem-vu$/, () => import('/js/pages/tasks.js'), 'list'],
  [/^\/nhiem-vu\/giao$/, () => import('/js/pages/tasks.js'), 'create'],
  [/^\/nhiem-vu\/(\d+)$/, () => import('/js/pages/tasks.js'), 'detail'],
  [/^\/in\/giay-tiep-nhan\/([^/]+)$/, () => import('/js/pages/receipt.js'), 'render'],
];

const OFFICERS = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];
const session = { user: null, loaded: false };
let province = '';
let renderSeq = 0;
let firstRender = true;

export function currentUser() {
  return session.user;
}

// The server sets this cookie (not HttpOnly, nothing secret) with the session: without it
// nobody signed in here, and the page does not ask (a visitor causes no 401).
const SIGNED_IN = 'motcua_signed_in=';

function maybeSignedIn() {
  return document.cookie.split(/;\s*/).some((c) => c.startsWith(SIGNED_IN) && c.length > SIGNED_IN.length);
}

export async function refreshSession() {
  if (!maybeSignedIn()) {
    session.user = null;
    session.loaded = true;
    renderHeader();
    return null;
  }
  try {
    const { data } = await api('/api/v1/session');
    session.user = data.user;
  } catch (e) {
    session.user = null;
    // an expired session: forget the cookie that says there is one
    if (e instanceof ApiError && e.status === 401) document.cookie = SIGNED_IN + '; Path=/; Max-Age=0; SameSite=Strict';
    else if (!(e instanceof ApiError) || e.status !== 0) console.warn(e);
  }
  session.loaded = true;
  renderHeader();
  return session.user;
}

export function setUser(user) {
  session.user = user;
  renderHeader();
}

/**
 * The page where a role starts its work: an officer's work queue (the desk's is the desk,
 * with what waits for it), a citizen's dossiers, a supervisor's dashboard.
 */
export const PUBLIC_PAGE = /^\/(|thu-tuc\/.*|tra-cuu.*|cong-khai.*|chi-so-cchc.*|dang-nhap.*|dang-ky.*|quen-mat-khau.*)$/;

export function homeOf(user) {
  if (!user) return '/';
  // an administrator asked for a new password: the account page until it is chosen
  if (user.must_change_password) return '/tai-khoan';
  return {
    citizen: '/ho-so-cua-toi', desk: '/can-bo', specialist: '/can-bo/ho-so', leader: '/can-bo/ho-so',
    supervisor: '/lanh-dao', admin: '/quan-tri',
  }[user.role] || '/';
}

export function navigate(path, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

/** Guard: the signed-in user with one of roles, else a sign-in redirect or a refusal. */
export function requireRole(ctx, roles) {
  const u = session.user;
  if (!u) {
    const next = location.pathname + location.search;
    navigate('/dang-nhap?next=' + encodeURIComponent(next), { replace: true });
    return null;
  }
  if (roles && !roles.includes(u.role)) {
    replace(ctx.main,
      h('h1', { tabindex: '-1', class: 'page-title' }, t('auth.forbiddenTitle')),
      h('div', { class: 'alert alert-error', role: 'alert', testid: 'forbidden' }, t('auth.forbidden')),
      h('p', null, h('a', { href: homeOf(u) }, t('nav.backHome'))));
    return null;
  }
  return u;
}

function navLinks(u) {
  const links = [['/', t('nav.home'), 'nav-home'], ['/tra-cuu', t('nav.lookup'), 'nav-lookup'],
    ['/cong-khai', t('nav.public'), 'nav-public'], ['/chi-so-cchc', t('nav.parPublic'), 'nav-par-public']];
  if (!u) return links;
  if (u.role === 'citizen') links.push(['/ho-so-cua-toi', t('nav.mine'), 'nav-mine']);
  if (u.role === 'desk') links.push(['/can-bo', t('nav.desk'), 'nav-desk']);
  if (OFFICERS.includes(u.role)) links.push(['/can-bo/ho-so', t('nav.queue'), 'nav-queue']);
  if (OFFICERS.includes(u.role)) links.push(['/van-ban', t('nav.documents'), 'nav-documents']);
  if (OFFICERS.includes(u.role)) links.push(['/ho-so-cong-viec', t('nav.workfiles'), 'nav-workfiles']);
  if (OFFICERS.includes(u.role)) links.push(['/can-bo/cchc', t('nav.par'), 'nav-par']);
  if (OFFICERS.includes(u.role)) links.push(['/nhiem-vu', t('nav.tasks'), 'nav-tasks']);
  if (['leader', 'supervisor', 'admin'].includes(u.role)) links.push(['/lanh-dao', t('nav.dashboard'), 'nav-dashboard']);
  if (u.role === 'admin') links.push(['/quan-tri', t('nav.admin'), 'nav-admin']);
  return links;
}

// On a phone the navigation and the account's buttons fold behind one "Menu" button, so that
// the header takes a line, not a fifth of the screen.
function menuToggle() {
  let btn = document.getElementById('menu-toggle');
  if (btn) return btn;
  btn = h('button', {
    type: 'button', id: 'menu-toggle', class: 'btn btn-ghost btn-small menu-toggle', testid: 'menu-toggle',
    'aria-expanded': 'false', 'aria-controls': 'header-tools site-nav',
    onclick: () => {
      const open = btn.getAttribute('aria-expanded') !== 'true';
      btn.setAttribute('aria-expanded', String(open));
      document.getElementById('site-header').classList.toggle('menu-open', open);
    },
  });
  document.querySelector('.header-row').append(btn);
  return btn;
}

function closeMenu() {
  const btn = document.getElementById('menu-toggle');
  if (btn) btn.setAttribute('aria-expanded', 'false');
  document.getElementById('site-header').classList.remove('menu-open');
}

function renderHeader() {
  const u = session.user;
  const tools = document.getElementById('header-tools');
  replace(menuToggle(), h('span', { 'aria-hidden': 'true' }, '☰ '), t('nav.menu'));
  const langBtn = h('button', {
    type: 'button', class: 'btn btn-ghost btn-small', testid: 'lang-switch', lang: lang() === 'vi' ? 'en' : 'vi',
    onclick: async () => {
      await setLang(lang() === 'vi' ? 'en' : 'vi');
      renderStatic();
      renderHeader();
      route();
    },
  }, t('lang.switch'));
  let userArea;
  if (u) {
    userArea = h('div', { class: 'user-area' },
      h('a', { href: '/tai-khoan', class: 'user-name', testid: 'header-user', 'data-role': u.role, title: t('account.title') },
        h('span', { class: 'user-full' }, u.full_name),
        h('span', { class: 'user-role' }, t('role.' + u.role) + (u.unit ? ' · ' + u.unit.name : ''))),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', testid: 'sign-out', onclick: signOut }, t('auth.signOut')));
  } else if (session.loaded) {
    userArea = h('div', { class: 'user-area' },
      h('a', { href: '/dang-nhap', class: 'btn btn-ghost btn-small', testid: 'header-login' }, t('auth.signIn')),
      h('a', { href: '/dang-ky', class: 'btn btn-ghost btn-small', testid: 'header-signup' }, t('auth.signUp')));
  }
  replace(tools, userArea, langBtn);
  const path = location.pathname;
  replace(document.getElementById('nav-row'), navLinks(u).map(([href, label, testid]) => {
    const active = href === '/' ? path === '/' : (path === href || path.startsWith(href + '/'));
    const exact = navLinks(u).some(([o]) => o !== href && o.startsWith(href + '/') && path.startsWith(o));
    return h('a', { href, testid, 'aria-current': active && !exact ? 'page' : null }, label);
  }));
}

async function signOut() {
  try {
    await api('/api/v1/session', { method: 'DELETE' });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) console.warn(e);
  }
  session.user = null;
  renderHeader();
  navigate('/');
}

function renderStatic() {
  document.getElementById('skip-link').textContent = t('nav.skip');
  document.getElementById('brand-name').textContent = t('app.name');
  document.getElementById('brand-province').textContent = province;
  document.getElementById('site-nav').setAttribute('aria-label', t('nav.label'));
  replace(document.getElementById('footer-inner'),
    h('p', null, t('footer.line1', { province: province || t('footer.province') })),
    h('p', { class: 'muted' }, t('footer.line2')));
}

async function route() {
  const seq = ++renderSeq;
  closeMenu();
  const main = document.getElementById('main');
  const path = location.pathname.replace(/\/+$/, '') || '/';
  renderHeader();
  // The session may do nothing but choose a new password (the server refuses the rest).
  if (session.user?.must_change_password && path !== '/tai-khoan' && !PUBLIC_PAGE.test(path)) {
    history.replaceState(null, '', '/tai-khoan');
    route();
    return;
  }
  let match = null;
  let loader = null;
  let name = null;
  for (const [re, load, exp] of routes) {
    const m = path.match(re);
    if (m) { match = m; loader = load; name = exp; break; }
  }
  if (!loader) {
    document.title = t('notFound.title');
    replace(main, h('h1', { tabindex: '-1', class: 'page-title' }, t('notFound.title')),
      h('p', null, t('notFound.text')), h('p', null, h('a', { href: '/' }, t('nav.backHome'))));
    focusMain(main);
    return;
  }
  let mod;
  try {
    mod = await loader();
  } catch (e) {
    console.error(e);
    replace(main, h('div', { class: 'alert alert-error', role: 'alert' }, t('problem.network')));
    return;
  }
  if (seq !== renderSeq) return;
  replace(main);
  const params = match.slice(1).map((s) => decodeURIComponent(s));
  const ctx = {
    main, params, query: new URLSearchParams(location.search), user: session.user,
    alive: () => seq === renderSeq,
  };
  try {
    await mod[name](ctx);
  } catch (e) {
    if (seq !== renderSeq) return;
    console.error(e);
    main.appendChild(h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' }, errorText(e)));
  }
  if (seq === renderSeq) focusMain(main);
}

function focusMain(main) {
  if (firstRender) { firstRender = false; return; }
  const title = main.querySelector('h1');
  (title || main).focus({ preventScroll: false });
  window.scrollTo(0, 0);
}

// Same-origin links navigate inside the application.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (a.pathname.startsWith('/api/') || a.getAttribute('href').startsWith('#')) return;
  ev.preventDefault();
  if (a.pathname + a.search === location.pathname + location.search) return;
  // the fragment too: a page may open at one of its parts (a dossier's apologies: #xin-loi)
  navigate(a.pathname + a.search + a.hash);
});
window.addEventListener('popstate', route);

async function start() {
  await setLang(savedLang());
  renderStatic();
  // the province's name for the header; the session and the page load in parallel
  api('/api/v1/units?level=province').then(({ data }) => {
    const p = data.items && data.items[0];
    if (p) {
      province = p.name.replace(/^UBND\s+/, '');
      province = province.charAt(0).toUpperCase() + province.slice(1);
      renderStatic();
    }
  }).catch(() => {});
  const pub = PUBLIC_PAGE.test(location.pathname.replace(/\/+$/, '') || '/');
  if (pub) {
    refreshSession();
    route();
  } else {
    await refreshSession();
    route();
  }
}

start();
