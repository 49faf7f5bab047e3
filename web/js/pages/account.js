// "/tai-khoan" one's own account: phone, e-mail and password (the current password asked
// every time), and the recent sign-ins; while an administrator requires a new password, only
// that. "/quen-mat-khau" password recovery: a one-time code by e-mail or SMS, then a new
// password. The server answers a recovery request alike whether or not the account exists.
import { t } from '/i18n/i18n.js';
import { h, add, api, field, errorBox, pageTitle, replace, loading, checker, checks, errorText, fmtDateTime, fmtWait, ApiError } from '/js/lib.js';
import { requireRole, setUser, navigate, homeOf } from '/js/app.js';

const newPasswordCheck = (label) => (v) => (!v ? t('check.required', { field: label }) : v.trim().length < 10 ? t('rule.too-short.password') : null);

function signinsTable(items, testid) {
  if (!items.length) return h('p', { class: 'muted', testid: testid + '-none' }, t('account.noSignins'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid },
    h('thead', null, h('tr', null, [t('account.when'), t('account.address'), t('account.device'), t('account.outcome')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, items.map((s) => h('tr', { testid: testid + '-row', 'data-ok': String(s.ok) },
      h('td', { 'data-label': t('account.when') }, fmtDateTime(s.at)),
      h('td', { 'data-label': t('account.address') }, s.address || '—'),
      h('td', { 'data-label': t('account.device'), class: 'device' }, s.device || '—'),
      h('td', { 'data-label': t('account.outcome') }, h('span', { class: 'badge ' + (s.ok ? 'badge-ok' : 'badge-bad') }, s.ok ? t('account.ok') : t('account.failed'))))))));
}

/** The sign-ins of path (own or, for administrators, an account's) into box. */
export async function showSignins(box, path, testid) {
  replace(box, loading());
  try {
    replace(box, signinsTable((await api(path)).data.items, testid));
  } catch (e) { replace(box, h('p', { class: 'error-text' }, errorText(e))); }
}

export async function profile(ctx) {
  const me = requireRole(ctx, null);
  if (!me) return;
  add(ctx.main, pageTitle(t('account.title')));
  const due = !!me.must_change_password;
  if (due) add(ctx.main, h('p', { class: 'alert alert-info', role: 'status', testid: 'must-change' }, t('account.mustChange')));
  add(ctx.main, h('p', { class: 'muted' }, t('account.who', { username: me.username, role: t('role.' + me.role) })));

  // contacts
  if (!due) {
    const f = {
      phone: field(t('applicant.phone'), { kind: 'tel', testid: 'profile-phone', value: me.phone || '', hint: t('applicant.phoneHint'), attrs: { autocomplete: 'tel', maxlength: 31 } }),
      email: field(t('applicant.email'), { kind: 'email', testid: 'profile-email', value: me.email || '', attrs: { autocomplete: 'email', maxlength: 127 } }),
      current: field(t('field.current_password'), { kind: 'password', testid: 'profile-current', required: true, hint: t('account.currentHint'), attrs: { autocomplete: 'current-password' } }),
    };
    const form = checker([
      { f: f.phone, check: checks.phone, api: 'phone' },
      { f: f.email, check: checks.email, api: 'email' },
      { f: f.current, check: checks.required(t('field.current_password')), api: 'current_password' },
    ]);
    const err = errorBox('profile-error');
    const ok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'profile-saved' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'profile-save' }, t('common.save'));
    add(ctx.main, h('form', {
      class: 'card form narrow', novalidate: true, testid: 'profile-form', onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        ok.hidden = true;
        if (form.validate()) { err.show(t('form.fixMarked')); return; }
        btn.disabled = true;
        try {
          const { data } = await api('/api/v1/profile', { method: 'PATCH', body: { current_password: f.current.input.value, phone: f.phone.input.value.trim(), email: f.email.input.value.trim() } });
          setUser(data);
          f.current.input.value = '';
          ok.hidden = false;
          replace(ok, t('account.saved'));
        } catch (e2) { if (form.showProblem(e2)) err.show(t('form.fixMarked')); else err.show(e2); }
        finally { btn.disabled = false; }
      },
    }, h('h2', null, t('account.contacts')), f.phone.wrap, f.email.wrap, f.current.wrap, err, ok, h('div', { class: 'actions' }, btn)));
  }

  // password
  const p = {
    current: field(due ? t('account.tempPassword') : t('field.current_password'), { kind: 'password', testid: 'password-current', required: true, attrs: { autocomplete: 'current-password' } }),
    next: field(t('field.new_password'), { kind: 'password', testid: 'password-new', required: true, hint: t('auth.passwordHint'), attrs: { autocomplete: 'new-password' } }),
    again: field(t('auth.password2'), { kind: 'password', testid: 'password-again', required: true, attrs: { autocomplete: 'new-password' } }),
  };
  const pform = checker([
    { f: p.current, check: checks.required(p.current.label), api: 'current_password' },
    { f: p.next, check: newPasswordCheck(t('field.new_password')), api: 'new_password' },
    { f: p.again, check: (v) => (v === p.next.input.value ? null : t('auth.passwordMismatch')) },
  ]);
  const perr = errorBox('password-error');
  const pok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'password-saved' });
  const pbtn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'password-save' }, t('account.changePassword'));
  add(ctx.main, h('form', {
    class: 'card form narrow', novalidate: true, testid: 'password-form', onsubmit: async (e) => {
      e.preventDefault();
      perr.hide();
      pok.hidden = true;
      if (pform.validate()) { perr.show(t('form.fixMarked')); return; }
      pbtn.disabled = true;
      try {
        const { data } = await api('/api/v1/profile', { method: 'PATCH', body: { current_password: p.current.input.value, new_password: p.next.input.value } });
        setUser(data);
        for (const x of Object.values(p)) x.input.value = '';
        if (due) { navigate(homeOf(data), { replace: true }); return; }
        pok.hidden = false;
        replace(pok, t('account.passwordChanged'));
      } catch (e2) { if (pform.showProblem(e2)) perr.show(t('form.fixMarked')); else perr.show(e2); }
      finally { pbtn.disabled = false; }
    },
  }, h('h2', null, t('account.changePassword')), p.current.wrap, p.next.wrap, p.again.wrap, perr, pok, h('div', { class: 'actions' }, pbtn)));

  // sign-ins
  const box = h('div');
  add(ctx.main, h('section', { class: 'card' }, h('h2', null, t('account.signins')), h('p', { class: 'hint' }, t('account.signinsHint')), box));
  await showSignins(box, '/api/v1/profile/signins', 'signins');
}

/** The recovery's own words for a refusal: a flood is about codes asked for, not sign-ins. */
function recoveryError(e) {
  if (e instanceof ApiError && e.type === 'too-many-attempts') {
    const wait = e.problem?.retry_after;
    return wait ? t('recovery.tooMany.wait', { wait: fmtWait(wait) }) : t('recovery.tooMany');
  }
  return errorText(e);
}

export async function recovery(ctx) {
  add(ctx.main, pageTitle(t('recovery.title')));
  const box = h('div');
  add(ctx.main, box);
  const prefill = ctx.query.get('u') || '';

  function askStep() {
    const user = field(t('auth.username'), { testid: 'recovery-username', required: true, value: prefill, attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: 64 } });
    const name = 'recovery-channel';
    const radio = (value, label, checked) => h('span', { class: 'radio' },
      h('input', { type: 'radio', name, value, id: name + '-' + value, testid: name + '-' + value, checked }),
      h('label', { for: name + '-' + value }, label));
    const channel = h('fieldset', { class: 'radio-group' }, h('legend', null, t('recovery.channel')),
      radio('email', t('recovery.byEmail'), true), radio('sms', t('recovery.bySms'), false));
    const form = checker([{ f: user, check: checks.required(t('auth.username')), api: 'username' }]);
    const err = errorBox('recovery-error');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'recovery-send' }, t('recovery.send'));
    replace(box, h('form', {
      class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        if (form.validate()) return;
        btn.disabled = true;
        const username = user.input.value.trim();
        try {
          await api('/api/v1/recovery', { method: 'POST', body: { username, channel: channel.querySelector('input:checked').value } });
          codeStep(username);
        } catch (e2) { if (!form.showProblem(e2)) err.show(recoveryError(e2)); }
        finally { btn.disabled = false; }
      },
    }, h('p', null, t('recovery.intro')), user.wrap, channel, err, h('div', { class: 'actions' }, btn),
    h('p', null, h('a', { href: '/dang-nhap' }, t('recovery.back')))));
  }

  function codeStep(username) {
    const code = field(t('recovery.code'), { testid: 'recovery-code', required: true, hint: t('recovery.codeHint'), attrs: { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6 } });
    const next = field(t('field.new_password'), { kind: 'password', testid: 'recovery-password', required: true, hint: t('auth.passwordHint'), attrs: { autocomplete: 'new-password' } });
    const again = field(t('auth.password2'), { kind: 'password', testid: 'recovery-password2', required: true, attrs: { autocomplete: 'new-password' } });
    const form = checker([
      { f: code, check: (v) => (!v.trim() ? t('check.required', { field: t('recovery.code') }) : /^\d{6}$/.test(v.trim()) ? null : t('recovery.codeFormat')), api: 'code' },
      { f: next, check: newPasswordCheck(t('field.new_password')), api: 'password' },
      { f: again, check: (v) => (v === next.input.value ? null : t('auth.passwordMismatch')) },
    ]);
    const err = errorBox('recovery-error');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'recovery-confirm' }, t('recovery.confirm'));
    replace(box, h('form', {
      class: 'card form narrow', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        if (form.validate()) { err.show(t('form.fixMarked')); return; }
        btn.disabled = true;
        try {
          await api('/api/v1/recovery/confirm', { method: 'POST', body: { username, code: code.input.value.trim(), password: next.input.value } });
          replace(box, h('div', { class: 'card narrow' },
            h('p', { class: 'alert alert-success', role: 'status', testid: 'recovery-done' }, t('recovery.done')),
            h('p', null, h('a', { href: '/dang-nhap', class: 'btn btn-primary', testid: 'recovery-to-login' }, t('auth.signIn')))));
        } catch (e2) {
          if (e2 instanceof ApiError && e2.type === 'invalid-code') { code.setError(t('rule.wrong.code')); code.input.focus(); err.show(t('problem.invalid-code')); }
          else if (form.showProblem(e2)) err.show(t('form.fixMarked'));
          else err.show(recoveryError(e2));
        } finally { btn.disabled = false; }
      },
    }, h('p', { class: 'alert alert-info', role: 'status', testid: 'recovery-sent' }, t('recovery.sent')),
    code.wrap, next.wrap, again.wrap, err, h('div', { class: 'actions' }, btn,
      h('button', { type: 'button', class: 'btn btn-secondary', testid: 'recovery-again', onclick: askStep }, t('recovery.again')))));
    code.input.focus();
  }
  askStep();
}
