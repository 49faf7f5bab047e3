// "/dang-nhap" sign in, "/dang-ky" sign up (citizens).
import { t } from '/i18n/i18n.js';
import { h, add, api, field, errorBox, pageTitle, ApiError } from '/js/lib.js';
import { navigate, setUser, homeOf } from '/js/app.js';

function safeNext(q) {
  const n = q.get('next');
  return n && n.startsWith('/') && !n.startsWith('//') ? n : null;
}

export async function login(ctx) {
  const next = safeNext(ctx.query);
  const user = field(t('auth.username'), { testid: 'login-username', required: true, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' } });
  const pass = field(t('auth.password'), { kind: 'password', testid: 'login-password', required: true, attrs: { autocomplete: 'current-password' } });
  const err = errorBox('login-error');
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'login-submit' }, t('auth.signIn'));
  const form = h('form', {
    class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      if (!user.input.value.trim() || !pass.input.value) { err.show(t('auth.fillBoth')); return; }
      btn.disabled = true;
      try {
        const { data } = await api('/api/v1/session', { method: 'POST', body: { username: user.input.value.trim(), password: pass.input.value } });
        setUser(data.user);
        navigate(next || homeOf(data.user), { replace: true });
      } catch (e2) {
        err.show(e2);
        pass.input.select();
      } finally {
        btn.disabled = false;
      }
    },
  }, next ? h('p', { class: 'alert alert-info' }, t('auth.needSignIn')) : null,
  user.wrap, pass.wrap, err, h('div', { class: 'actions' }, btn),
  h('p', null, t('auth.noAccount'), ' ', h('a', { href: '/dang-ky' + (next ? '?next=' + encodeURIComponent(next) : ''), testid: 'to-signup' }, t('auth.signUp'))));
  add(ctx.main, pageTitle(t('auth.signInTitle')), form);
}

export async function signup(ctx) {
  const next = safeNext(ctx.query);
  const f = {
    full_name: field(t('auth.fullName'), { testid: 'signup-full-name', required: true, attrs: { autocomplete: 'name', maxlength: 127 } }),
    username: field(t('auth.username'), { testid: 'signup-username', required: true, hint: t('auth.usernameHint'), attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', pattern: '[a-z0-9._\\-]{3,63}', maxlength: 63 } }),
    password: field(t('auth.password'), { kind: 'password', testid: 'signup-password', required: true, hint: t('auth.passwordHint'), attrs: { autocomplete: 'new-password', minlength: 10 } }),
    password2: field(t('auth.password2'), { kind: 'password', testid: 'signup-password2', required: true, attrs: { autocomplete: 'new-password' } }),
    id_number: field(t('applicant.idNumber'), { testid: 'signup-id-number', hint: t('applicant.idHint'), attrs: { inputmode: 'numeric', maxlength: 31 } }),
    phone: field(t('applicant.phone'), { kind: 'tel', testid: 'signup-phone', attrs: { autocomplete: 'tel', maxlength: 31 } }),
    email: field(t('applicant.email'), { kind: 'email', testid: 'signup-email', attrs: { autocomplete: 'email', maxlength: 127 } }),
  };
  const err = errorBox('signup-error');
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'signup-submit' }, t('auth.createAccount'));
  const form = h('form', {
    class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      const v = Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value.trim()]));
      v.password = f.password.input.value;
      if (!v.full_name || !v.username || !v.password) { err.show(t('form.fillRequired')); return; }
      if (!/^[a-z0-9._-]{3,63}$/.test(v.username)) { err.show(t('auth.usernameHint')); f.username.input.focus(); return; }
      if (v.password.length < 10) { err.show(t('auth.passwordHint')); f.password.input.focus(); return; }
      if (v.password !== f.password2.input.value) { err.show(t('auth.passwordMismatch')); f.password2.input.focus(); return; }
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
        navigate(next || homeOf(data.user), { replace: true });
      } catch (e2) {
        if (e2 instanceof ApiError && e2.type === 'bad-credentials') {
          err.show(t('auth.signupTaken'));
          f.username.input.focus();
        } else {
          err.show(e2);
        }
      } finally {
        btn.disabled = false;
      }
    },
  }, Object.values(f).map((x) => x.wrap), err, h('div', { class: 'actions' }, btn),
  h('p', null, t('auth.haveAccount'), ' ', h('a', { href: '/dang-nhap' + (next ? '?next=' + encodeURIComponent(next) : '') }, t('auth.signIn'))));
  add(ctx.main, pageTitle(t('auth.signUpTitle')), form);
}
