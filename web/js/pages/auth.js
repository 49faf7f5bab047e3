// "/dang-nhap" sign in, "/dang-ky" sign up (citizens).
import { t } from '/i18n/i18n.js';
import { h, add, api, field, errorBox, pageTitle, ApiError, checker, checks, errorText } from '/js/lib.js';
import { navigate, setUser, homeOf, PUBLIC_PAGE } from '/js/app.js';

/** The page to go back to: a path of this site only. "/\\host" and "/<tab>/host" are read by
 * browsers as another host, so the value is resolved here and kept only when it stays. */
function safeNext(q) {
  const n = q.get('next');
  if (!n || !/^\/(?![\/\\])/.test(n)) return null;
  try {
    const u = new URL(n, location.origin);
    return u.origin === location.origin ? u.pathname + u.search + u.hash : null;
  } catch {
    return null;
  }
}

/** Where to go once signed in: the page asked for, unless it is a public one; else the role's work. */
function after(user, next) {
  if (user.must_change_password) return '/tai-khoan';
  return next && !PUBLIC_PAGE.test(next.split('?')[0].replace(/\/+$/, '') || '/') ? next : homeOf(user);
}

export async function login(ctx) {
  const next = safeNext(ctx.query);
  const user = field(t('auth.username'), { testid: 'login-username', required: true, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const pass = field(t('auth.password'), { kind: 'password', testid: 'login-password', required: true, attrs: { autocomplete: 'current-password' } });
  const form = checker([
    { f: user, check: checks.required(t('auth.username')), api: 'username' },
    { f: pass, check: checks.required(t('auth.password')), api: 'password' },
  ]);
  const err = errorBox('login-error');
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'login-submit' }, t('auth.signIn'));
  // Sign-in through the national identity platform, shown only when the server has it on:
  // the link leaves for the provider and comes back signed in (docs/operations.md).
  const idp = h('div', { class: 'actions', hidden: true });
  // Back from a sign-in through the provider that did not succeed: the server says why.
  const loi = ctx.query.get('loi');
  if (loi && /^[a-z-]{1,40}$/.test(loi)) err.show(t('problem.' + loi) === 'problem.' + loi ? t('problem.unknown') : t('problem.' + loi));
  api('/api/v1/session/oidc/status').then(({ data }) => {
    if (!data.enabled) return;
    add(idp, h('p', null, t('auth.idpHint')),
      h('a', { href: '/api/v1/session/oidc', class: 'btn btn-secondary', testid: 'login-idp' }, t('auth.idp')));
    idp.hidden = false;
  }).catch(() => {});
  const formEl = h('form', {
    class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      if (form.validate()) return;
      btn.disabled = true;
      try {
        const { data } = await api('/api/v1/session', { method: 'POST', body: { username: user.input.value.trim(), password: pass.input.value } });
        setUser(data.user);
        navigate(after(data.user, next), { replace: true });
      } catch (e2) {
        if (!form.showProblem(e2)) err.show(e2);
        pass.input.select();
      } finally {
        btn.disabled = false;
      }
    },
  }, next ? h('p', { class: 'alert alert-info' }, t('auth.needSignIn')) : null,
  user.wrap, pass.wrap, err, h('div', { class: 'actions' }, btn,
    h('a', { href: '/quen-mat-khau', testid: 'to-recovery', onclick: (e) => {
      // the username typed so far goes along
      const u = user.input.value.trim();
      if (u) { e.preventDefault(); navigate('/quen-mat-khau?u=' + encodeURIComponent(u)); }
    } }, t('auth.forgot'))),
  idp,
  h('p', null, t('auth.noAccount'), ' ', h('a', { href: '/dang-ky' + (next ? '?next=' + encodeURIComponent(next) : ''), testid: 'to-signup' }, t('auth.signUp'))));
  add(ctx.main, pageTitle(t('auth.signInTitle')), formEl);
}

export async function signup(ctx) {
  const next = safeNext(ctx.query);
  const f = {
    full_name: field(t('auth.fullName'), { testid: 'signup-full-name', required: true, attrs: { autocomplete: 'name', maxlength: 60 } }),
    username: field(t('auth.username'), { testid: 'signup-username', required: true, hint: t('auth.usernameHint'), attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: 63 } }),
    password: field(t('auth.password'), { kind: 'password', testid: 'signup-password', required: true, hint: t('auth.passwordHint'), attrs: { autocomplete: 'new-password' } }),
    password2: field(t('auth.password2'), { kind: 'password', testid: 'signup-password2', required: true, attrs: { autocomplete: 'new-password' } }),
    id_number: field(t('applicant.idNumber'), { testid: 'signup-id-number', hint: t('applicant.idHint'), attrs: { inputmode: 'numeric', maxlength: 31, autocomplete: 'off' } }),
    phone: field(t('applicant.phone'), { kind: 'tel', testid: 'signup-phone', hint: t('applicant.phoneHint'), attrs: { autocomplete: 'tel', maxlength: 31 } }),
    email: field(t('applicant.email'), { kind: 'email', testid: 'signup-email', attrs: { autocomplete: 'email', maxlength: 127 } }),
  };
  const form = checker([
    { f: f.full_name, check: checks.required(t('auth.fullName')), api: 'full_name' },
    { f: f.username, check: (v) => (!v.trim() ? t('check.required', { field: t('auth.username') }) : /^[a-z0-9._-]{3,63}$/.test(v.trim()) ? null : t('rule.format.username')), api: 'username' },
    { f: f.password, check: (v) => (!v ? t('check.required', { field: t('auth.password') }) : v.trim().length < 10 ? t('rule.too-short.password') : null), api: 'password' },
    { f: f.password2, check: (v) => (v === f.password.input.value ? null : t('auth.passwordMismatch')) },
    { f: f.id_number, check: checks.idNumber, api: 'id_number' },
    { f: f.phone, check: checks.phone, api: 'phone' },
    { f: f.email, check: checks.email, api: 'email' },
  ]);
  const err = errorBox('signup-error');
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'signup-submit' }, t('auth.createAccount'));
  const formEl = h('form', {
    class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      if (form.validate()) { err.show(t('form.fixMarked')); return; }
      const v = Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value.trim()]));
      v.password = f.password.input.value;
      const body = { username: v.username, password: v.password, full_name: v.full_name };
      for (const k of ['id_number', 'phone', 'email']) if (v[k]) body[k] = v[k];
      btn.disabled = true;
      try {
        // The server answers a taken username as it answers a free one (it tells
        // no one which names exist): signing in with the new password is what
        // shows whether the account is this one.
        await api('/api/v1/citizens', { method: 'POST', body });
        const { data } = await api('/api/v1/session', { method: 'POST', body: { username: v.username, password: v.password } });
        setUser(data.user);
        navigate(after(data.user, next), { replace: true });
      } catch (e2) {
        if (e2 instanceof ApiError && e2.type === 'bad-credentials') {
          err.show(t('auth.signupTaken'));
          f.username.input.focus();
        } else if (form.showProblem(e2)) {
          err.show(t('form.fixMarked'));
        } else {
          err.show(errorText(e2));
        }
      } finally {
        btn.disabled = false;
      }
    },
  }, Object.values(f).map((x) => x.wrap), err, h('div', { class: 'actions' }, btn),
  h('p', null, t('auth.haveAccount'), ' ', h('a', { href: '/dang-nhap' + (next ? '?next=' + encodeURIComponent(next) : '') }, t('auth.signIn'))));
  add(ctx.main, pageTitle(t('auth.signUpTitle')), formEl);
}
