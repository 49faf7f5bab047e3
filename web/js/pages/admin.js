// "/quan-tri" — administration: units and office hours, users and roles, procedures,
// the working calendar of each year. An administrator acts in the subtree of its
// unit; the root unit, the calendar, procedures of no unit, administrator and
// citizen accounts are the root's administrator's (docs/operations.md). The page
// offers only what the server allows, and shows its 403 when it comes anyway.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, errorBox, field, fmtDate, fmtDays, levelsText, checker, checks, ACCEPT, checkFile, uploadFile, ApiError } from '/js/lib.js';
import { requireRole, currentUser } from '/js/app.js';
import { unitPicker } from '/js/pickers.js';
import { showSignins } from '/js/pages/account.js';

const me = () => currentUser() || {};

const TABS = ['units', 'users', 'procedures', 'calendar', 'plans'];
const LEVELS = ['province', 'department', 'district', 'commune'];
const ROLES = ['citizen', 'desk', 'specialist', 'leader', 'supervisor', 'admin'];

// What the signed-in administrator administers: whether its unit is a root, and
// the codes of its subtree (from the public unit tree).
let scope = { root: false, units: new Set() };

function scopeOf(items, code) {
  const mine = items.find((u) => u.code === code);
  const units = new Set(mine ? [code] : []);
  for (let grew = true; grew;) {
    grew = false;
    for (const u of items) if (units.has(u.parent) && !units.has(u.code)) { units.add(u.code); grew = true; }
  }
  return { root: !!mine && !mine.parent, units, name: mine?.name || code };
}

export async function render(ctx) {
  const me = requireRole(ctx, ['admin']);
  if (!me) return;
  add(ctx.main, pageTitle(t('admin.title')));
  try { scope = scopeOf((await api('/api/v1/units')).data.items, me.unit?.code); } catch { scope = { root: false, units: new Set() }; }
  if (!scope.root) add(ctx.main, h('p', { class: 'alert alert-info', testid: 'admin-scope' }, t('admin.scopeNote', { name: scope.name || '—' })));
  // Reorganisation plans change the whole tree: the root's administrator's only.
  const tabs = scope.root ? TABS : TABS.filter((k) => k !== 'plans');
  let tab = tabs.includes(ctx.query.get('tab')) ? ctx.query.get('tab') : 'units';
  const bar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('admin.title') });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel' });
  add(ctx.main, bar, panel);
  function draw() {
    replace(bar, tabs.map((k, i) => h('button', {
      type: 'button', role: 'tab', class: 'tab', id: 'atab-' + k, 'aria-selected': String(k === tab), tabindex: k === tab ? '0' : '-1', testid: 'admin-tab-' + k,
      onclick: () => { tab = k; history.replaceState(null, '', '/quan-tri?tab=' + k); draw(); },
      onkeydown: (e) => {
        const j = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
        if (j >= 0) { e.preventDefault(); bar.children[j].click(); bar.children[j].focus(); }
      },
    }, t('admin.tab.' + k))));
    panel.setAttribute('aria-labelledby', 'atab-' + tab);
    replace(panel);
    ({ units, users, procedures, calendar, plans })[tab](ctx, panel);
  }
  draw();
}

function table(headers, rows, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid },
    h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows)));
}

// ---- units ----
async function units(ctx, panel) {
  const box = h('div', null, loading());
  const editBox = h('div');
  panel.append(createUnitForm(() => units(ctx, replace(panel))), editBox, box);
  let items;
  try { items = (await api('/api/v1/units')).data.items; } catch (e) { replace(box, h('p', { class: 'error-text' }, errorText(e))); return; }
  replace(box, h('h2', null, t('admin.units'), ` (${items.length})`),
    table([t('admin.code'), t('admin.name'), t('admin.level'), t('admin.officeHours'), ''], items.map((u) => h('tr', { testid: 'unit-row', 'data-code': u.code },
      h('td', { class: 'code', 'data-label': t('admin.code') }, u.code),
      h('td', { 'data-label': t('admin.name') }, u.name),
      h('td', { 'data-label': t('admin.level') }, t('level.' + u.level)),
      h('td', { 'data-label': t('admin.officeHours') }, u.office_hours || t('admin.defaultHours')),
      h('td', null, scope.units.has(u.code) ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'unit-edit', 'aria-label': t('admin.editOf', { name: u.name }), onclick: () => editUnit(u) }, t('common.edit')) : null))), 'units-table'));

  function editUnit(u) {
    const f = {
      name: field(t('admin.name'), { testid: 'unit-name', value: u.name, required: true, attrs: { maxlength: 250 } }),
      office_hours: field(t('admin.officeHours'), { testid: 'unit-hours', value: u.office_hours || '', hint: t('admin.hoursHint'), attrs: { maxlength: 63, placeholder: '07:00-11:30,13:30-17:00' } }),
      address: field(t('applicant.address'), { testid: 'unit-address', value: u.address || '', attrs: { maxlength: 250 } }),
      phone: field(t('applicant.phone'), { testid: 'unit-phone', value: u.phone || '', attrs: { maxlength: 31 } }),
    };
    const err = errorBox('unit-error');
    const ok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'unit-saved' });
    const check = checker([
      { f: f.name, check: checks.required(t('admin.name')), api: 'name' },
      { f: f.office_hours, api: 'office_hours' }, { f: f.address, api: 'address' }, { f: f.phone, api: 'phone' },
    ]);
    replace(editBox, h('form', {
      class: 'card form', testid: 'unit-edit-form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        if (check.validate()) { err.show(t('form.fixMarked')); return; }
        const body = {};
        for (const [k, x] of Object.entries(f)) if (x.input.value.trim()) body[k] = x.input.value.trim();
        try {
          await api('/api/v1/units/' + encodeURIComponent(u.code), { method: 'PATCH', body });
          ok.hidden = false;
          replace(ok, t('admin.saved'));
          units(ctx, replace(panel));
        } catch (e2) { if (check.showProblem(e2)) err.show(t('form.fixMarked')); else err.show(e2); }
      },
    }, h('h2', { tabindex: '-1' }, t('admin.editUnit', { code: u.code })), Object.values(f).map((x) => x.wrap), err, ok,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'unit-save' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => replace(editBox) }, t('common.cancel')))));
    editBox.querySelector('h2').focus();
  }
}

function createUnitForm(after) {
  const f = {
    code: field(t('admin.code'), { testid: 'new-unit-code', required: true, hint: t('admin.codeHint'), attrs: { maxlength: 24, pattern: '[A-Za-z0-9.]{1,24}' } }),
    name: field(t('admin.name'), { testid: 'new-unit-name', required: true, attrs: { maxlength: 250 } }),
    level: field(t('admin.level'), { kind: 'select', testid: 'new-unit-level', value: 'commune', options: LEVELS.map((l) => ({ value: l, label: t('level.' + l) })) }),
    // chosen by name (the server searches), never typed as a code; the levels a new unit may sit under
    parent: unitPicker(t('admin.parent'), { testid: 'new-unit-parent', hint: t('admin.parentHint'), levels: ['province', 'district'],
      within: scope.root ? undefined : [...scope.units][0] }),
    office_hours: field(t('admin.officeHours'), { testid: 'new-unit-hours', hint: t('admin.hoursHint'), attrs: { maxlength: 63 } }),
  };
  const err = errorBox('new-unit-error');
  const check = checker([
    { f: f.code, check: (v) => (!v.trim() ? t('check.required', { field: t('admin.code') }) : /^[A-Za-z0-9.]{1,24}$/.test(v.trim()) ? null : t('rule.format.code')), api: 'code' },
    { f: f.name, check: checks.required(t('admin.name')), api: 'name' },
    { f: f.level, api: 'level' },
    { f: f.parent, check: () => parentRule(f.level.input.value, f.parent.unit()), api: 'parent' },
    { f: f.office_hours, api: 'office_hours' },
  ]);
  return h('details', { class: 'card' }, h('summary', { testid: 'new-unit-toggle' }, t('admin.newUnit')),
    h('form', {
      class: 'form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        if (check.validate()) { err.show(t('form.fixMarked')); return; }
        const body = {};
        for (const [k, x] of Object.entries(f)) if (k !== 'parent' && x.input.value.trim()) body[k] = x.input.value.trim();
        if (f.parent.value()) body.parent = f.parent.value();
        try { await api('/api/v1/units', { method: 'POST', body }); after(); } catch (e2) { if (check.showProblem(e2)) err.show(t('form.fixMarked')); else err.show(e2); }
      },
    }, h('div', { class: 'grid-2' }, Object.values(f).map((x) => x.wrap)), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'new-unit-submit' }, t('common.create')))));
}

// The tree's shape, as the server checks it (core/code.h): a commune under a district or the
// province, a department or a district under the province; the province is the one root.
function parentRule(level, parent) {
  if (level === 'province') return t('admin.rule.oneRoot');
  if (!parent) return t(level === 'commune' ? 'admin.rule.communeParent' : 'admin.rule.provinceParent');
  if (level === 'commune' ? !['district', 'province'].includes(parent.level) : parent.level !== 'province')
    return t(level === 'commune' ? 'admin.rule.communeParent' : 'admin.rule.provinceParent');
  return null;
}

// ---- users ----
// Make an account; find accounts by name or username and unit, a page at a time; and, for
// one account: edit it, lock or unlock it, reset its password (the temporary one shown once),
// require a new password, hand its open dossiers to a colleague, read its sign-ins.
const PAGE = 20;

async function users(ctx, panel) {
  const f = {
    username: field(t('auth.username'), { testid: 'new-user-username', required: true, hint: t('auth.usernameHint'), attrs: { maxlength: 63, autocomplete: 'off' } }),
    full_name: field(t('auth.fullName'), { testid: 'new-user-full-name', required: true, attrs: { maxlength: 127 } }),
    password: field(t('auth.password'), { kind: 'password', testid: 'new-user-password', required: true, hint: t('auth.passwordHint'), attrs: { autocomplete: 'new-password' } }),
    role: field(t('admin.role'), { kind: 'select', testid: 'new-user-role', value: 'specialist', options: ROLES.filter((r) => scope.root || (r !== 'admin' && r !== 'citizen')).map((r) => ({ value: r, label: t('role.' + r) })) }),
    unit: unitPicker(t('admin.unitPick'), { testid: 'new-user-unit', hint: t('admin.unitCodeHint'), within: scope.root ? undefined : me().unit?.code }),
    email: field(t('applicant.email'), { kind: 'email', testid: 'new-user-email', attrs: { maxlength: 127 } }),
    phone: field(t('applicant.phone'), { kind: 'tel', testid: 'new-user-phone', hint: t('applicant.phoneHint'), attrs: { maxlength: 31 } }),
  };
  const err = errorBox('new-user-error');
  const check = checker([
    { f: f.username, check: (v) => (!v.trim() ? t('check.required', { field: t('auth.username') }) : /^[a-z0-9._-]{3,63}$/.test(v.trim()) ? null : t('rule.format.username')), api: 'username' },
    { f: f.full_name, check: checks.required(t('auth.fullName')), api: 'full_name' },
    { f: f.password, check: (v) => (!v ? t('check.required', { field: t('auth.password') }) : v.trim().length < 10 ? t('rule.too-short.password') : null), api: 'password' },
    { f: f.role, api: 'role' },
    { f: f.unit, check: () => (f.role.input.value !== 'citizen' && !f.unit.value() ? t('check.required', { field: t('admin.unitPick') }) : null), api: 'unit' },
    { f: f.email, check: checks.email, api: 'email' },
    { f: f.phone, check: checks.phone, api: 'phone' },
  ]);
  panel.append(h('details', { class: 'card' }, h('summary', { testid: 'new-user-toggle' }, t('admin.newUser')),
    h('form', {
      class: 'form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        if (check.validate()) { err.show(t('form.fixMarked')); return; }
        const body = {};
        for (const [k, x] of Object.entries(f)) if (k !== 'unit' && x.input.value.trim()) body[k] = k === 'password' ? x.input.value : x.input.value.trim();
        if (f.role.input.value !== 'citizen') body.unit = f.unit.value();
        try { await api('/api/v1/users', { method: 'POST', body }); users(ctx, replace(panel)); } catch (e2) { if (check.showProblem(e2)) err.show(t('form.fixMarked')); else err.show(e2); }
      },
    }, h('div', { class: 'grid-2' }, Object.values(f).map((x) => x.wrap)), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'new-user-submit' }, t('common.create'))))));

  // the search: words of the name or username, a unit (type-ahead), a page at a time
  const q = field(t('admin.search'), { kind: 'search', testid: 'users-q', value: ctx.query.get('q') || '', attrs: { maxlength: 60, autocomplete: 'off' } });
  const unit = unitPicker(t('admin.filterUnit'), { testid: 'users-unit', within: scope.root ? undefined : me().unit?.code });
  let offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const editBox = h('div');
  const box = h('div', null, loading());
  const find = (e) => { e?.preventDefault(); offset = 0; load(); };
  panel.append(h('form', { class: 'card user-tools', role: 'search', testid: 'users-search', onsubmit: find },
    q.wrap, unit.wrap, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'users-find' }, t('admin.find'))), editBox, box);

  async function load() {
    const sp = new URLSearchParams({ tab: 'users' });
    if (q.input.value.trim()) sp.set('q', q.input.value.trim());
    if (offset) sp.set('offset', String(offset));
    history.replaceState(null, '', '/quan-tri?' + sp);
    const ap = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (q.input.value.trim()) ap.set('q', q.input.value.trim());
    if (unit.value()) ap.set('unit', unit.value());
    replace(box, loading());
    let data;
    try { data = (await api('/api/v1/users?' + ap)).data; } catch (e) { replace(box, h('p', { class: 'error-text', role: 'alert' }, errorText(e))); return; }
    const pages = Math.max(1, Math.ceil(data.total / PAGE));
    const page = Math.floor(offset / PAGE) + 1;
    replace(box, h('h2', { testid: 'users-count', 'data-total': data.total }, t('admin.usersFound', { n: data.total })),
      table([t('auth.username'), t('auth.fullName'), t('admin.role'), t('admin.unit'), t('admin.status'), ''], data.items.map((u) => h('tr', { testid: 'user-row', 'data-username': u.username },
        h('td', { 'data-label': t('auth.username') }, u.username), h('td', { 'data-label': t('auth.fullName') }, u.full_name),
        h('td', { 'data-label': t('admin.role') }, t('role.' + u.role)), h('td', { 'data-label': t('admin.unit') }, u.unit?.name || '—'),
        h('td', { 'data-label': t('admin.status'), testid: 'user-status' }, statusText(u)),
        h('td', null, h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'user-manage', 'aria-label': t('admin.manageOf', { name: u.full_name }), onclick: () => manage(u) }, t('admin.manage'))))), 'users-table'),
      pages > 1 ? h('nav', { class: 'pager', 'aria-label': t('admin.users') },
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'users-prev', disabled: page <= 1, onclick: () => { offset -= PAGE; load(); } }, t('admin.prev')),
        h('span', { testid: 'users-page' }, t('admin.page', { page, pages })),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'users-next', disabled: page >= pages, onclick: () => { offset += PAGE; load(); } }, t('admin.next'))) : null);
  }

  function statusText(u) {
    return [u.active ? t('admin.statusActive') : t('admin.statusLocked'), u.must_change_password ? t('admin.statusMustChange') : null].filter(Boolean).join(' · ');
  }

  async function manage(listed) {
    let u = listed;
    const path = '/api/v1/users/' + encodeURIComponent(u.username);
    const self = u.username === me().username;
    const officer = ['desk', 'specialist', 'leader'].includes(u.role);
    const e = {
      full_name: field(t('auth.fullName'), { testid: 'user-full-name', value: u.full_name, required: true, attrs: { maxlength: 60 } }),
      phone: field(t('applicant.phone'), { kind: 'tel', testid: 'user-phone', value: u.phone || '', attrs: { maxlength: 31 } }),
      email: field(t('applicant.email'), { kind: 'email', testid: 'user-email', value: u.email || '', attrs: { maxlength: 127 } }),
      role: field(t('admin.role'), { kind: 'select', testid: 'user-role', value: u.role,
        options: (u.role === 'citizen' ? ['citizen'] : ROLES.filter((r) => r !== 'citizen' && (scope.root || r !== 'admin' || u.role === 'admin'))).map((r) => ({ value: r, label: t('role.' + r) })),
        attrs: { disabled: self || u.role === 'citizen' } }),
    };
    const unitField = u.role === 'citizen' ? null : unitPicker(t('admin.unitPick'), { testid: 'user-unit', within: scope.root ? undefined : me().unit?.code, value: u.unit ? { code: u.unit.code, name: u.unit.name } : null });
    if (unitField && self) unitField.input.disabled = true;
    const err = errorBox('user-error');
    const ok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'user-done' });
    const status = h('p', { testid: 'user-state' }, statusText(u));
    const check = checker([
      { f: e.full_name, check: checks.required(t('auth.fullName')), api: 'full_name' },
      { f: e.phone, check: checks.phone, api: 'phone' }, { f: e.email, check: checks.email, api: 'email' }, { f: e.role, api: 'role' },
      ...(unitField ? [{ f: unitField, api: 'unit' }] : []),
    ]);
    const done = (text, fresh) => {
      if (fresh) { u = fresh; replace(status, statusText(u)); lockBtn.textContent = u.active ? t('admin.lock') : t('admin.unlock'); }
      err.hide();
      ok.hidden = false;
      replace(ok, text);
    };
    const failed = (e2) => { ok.hidden = true; if (check.showProblem(e2)) err.show(t('form.fixMarked')); else err.show(e2); };
    const patch = async (body, text) => {
      try { done(text, (await api(path, { method: 'PATCH', body })).data); load(); } catch (e2) { failed(e2); }
    };
    const lockBtn = h('button', { type: 'button', class: 'btn btn-danger-outline', testid: 'user-lock', disabled: self,
      onclick: () => patch({ active: !u.active }, u.active ? t('admin.locked') : t('admin.unlocked')) }, u.active ? t('admin.lock') : t('admin.unlock'));
    const temp = h('div', { testid: 'user-temp', hidden: true, class: 'alert alert-info', role: 'status' });
    const resetConfirm = h('span', { hidden: true }, h('span', { class: 'hint' }, t('admin.resetWarn'), ' '),
      h('button', { type: 'button', class: 'btn btn-danger', testid: 'user-reset-confirm', onclick: async () => {
        resetConfirm.hidden = true;
        try {
          const { data } = await api(path + '/password', { method: 'POST' });
          replace(temp, t('admin.tempPassword'), ' ', h('strong', { class: 'temp-password', testid: 'user-temp-password' }, data.password));
          temp.hidden = false;
          done(t('admin.forced'), { ...u, must_change_password: true });
          load();
        } catch (e2) { failed(e2); }
      } }, t('admin.resetConfirm')));
    // The desk has checked the citizen's identity card against the account's
    // number: the identity provider's sign-in of that number then opens it.
    const vouchBtn = u.role === 'citizen' && scope.root ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'user-vouch',
      disabled: u.id_number_verified, title: t('admin.vouchHint'),
      onclick: async () => { await patch({ id_number_verified: true }, t('admin.vouched')); vouchBtn.disabled = u.id_number_verified; } },
    t('admin.vouch')) : null;
    const handover = officer ? handoverBox(u) : null;
    const signins = h('div');
    replace(editBox, h('section', { class: 'card form', testid: 'user-panel', 'data-username': u.username },
      h('h2', { tabindex: '-1' }, t('admin.editUser', { username: u.username })), status,
      h('form', { novalidate: true, testid: 'user-edit-form', onsubmit: async (ev) => {
        ev.preventDefault();
        err.hide();
        if (check.validate()) { err.show(t('form.fixMarked')); return; }
        const body = { full_name: e.full_name.input.value.trim(), phone: e.phone.input.value.trim(), email: e.email.input.value.trim() };
        if (!self && e.role.input.value !== u.role) body.role = e.role.input.value;
        if (unitField && !self && unitField.value() && unitField.value() !== u.unit?.code) body.unit = unitField.value();
        await patch(body, t('admin.saved'));
      } }, h('div', { class: 'grid-2' }, e.full_name.wrap, e.role.wrap, e.phone.wrap, e.email.wrap, unitField?.wrap),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'user-save' }, t('common.save')),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => replace(editBox) }, t('common.cancel')))),
      h('div', { class: 'account-actions' }, lockBtn,
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'user-reset', onclick: () => { resetConfirm.hidden = false; } }, t('admin.resetPassword')),
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'user-force', disabled: u.must_change_password,
          onclick: () => patch({ must_change_password: true }, t('admin.forced')) }, t('admin.forceChange')),
        vouchBtn, resetConfirm),
      temp, err, ok, handover,
      h('details', { testid: 'user-signins', ontoggle: (ev) => { if (ev.target.open) showSignins(signins, path + '/signins', 'user-signins-table'); } },
        h('summary', null, t('admin.showSignins')), signins)));
    editBox.querySelector('h2').focus();

    function handoverBox(who) {
      const to = field(t('admin.handoverTo'), { kind: 'select', testid: 'handover-to', options: [{ value: '', label: t('admin.handoverChoose') }] });
      const herr = errorBox('handover-error');
      const hok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'handover-done' });
      api('/api/v1/units/' + encodeURIComponent(who.unit.code) + '/officers').then(({ data }) => {
        const others = data.items.filter((o) => o.username !== who.username && ['desk', 'specialist', 'leader'].includes(o.role));
        if (!others.length) { to.setError(t('admin.noColleague')); return; }
        for (const o of others) to.input.append(h('option', { value: o.username }, `${o.full_name} (${t('role.' + o.role)}) · ${t('act.load', { n: o.open_dossiers })}`));
      }).catch((e2) => to.setError(errorText(e2)));
      return h('form', { class: 'card', testid: 'handover-form', novalidate: true, onsubmit: async (ev) => {
        ev.preventDefault();
        herr.hide();
        hok.hidden = true;
        if (!to.input.value) { to.setError(t('check.required', { field: t('admin.handoverTo') })); to.input.focus(); return; }
        to.clearError();
        try {
          const { data } = await api(path + '/handover', { method: 'POST', body: { to: to.input.value } });
          hok.hidden = false;
          replace(hok, t('admin.handedOver', { n: data.moved, to: to.input.selectedOptions[0]?.textContent.split(' (')[0] || data.to }));
        } catch (e2) { if (e2 instanceof ApiError && e2.problem?.field === 'to') to.setError(errorText(e2)); else herr.show(e2); }
      } }, h('h3', null, t('admin.handover')), h('p', { class: 'hint' }, t('admin.handoverHint')), to.wrap, herr, hok,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'handover-submit' }, t('admin.handoverDo'))));
    }
  }
  await load();
}

// ---- procedures ----
// The whole catalogue (about 2,000), searched by the server and shown a page at a time;
// the search and the page are in the address, so a reload or Back keeps them.
const PROC_PAGE = 50;

async function procedures(ctx, panel) {
  const q0 = ctx.query.get('q') || '';
  const off0 = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const editBox = h('div');
  const box = h('div', null, loading());
  const qF = field(t('admin.procSearch'), { kind: 'search', testid: 'proc-search', value: q0, hint: t('admin.procSearchHint'), attrs: { maxlength: 200 } });
  const go = (q, offset) => {
    const sp = new URLSearchParams({ tab: 'procedures' });
    if (q) sp.set('q', q);
    if (offset) sp.set('offset', String(offset));
    history.pushState(null, '', '/quan-tri?' + sp);
    ctx.query = sp;
    procedures(ctx, replace(panel));
  };
  panel.append(h('form', { class: 'card filters', role: 'search', novalidate: true, onsubmit: (e) => { e.preventDefault(); go(qF.input.value.trim(), 0); } },
    qF.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'proc-search-go' }, t('common.search')))), editBox, box);
  let data;
  const sp = new URLSearchParams({ limit: String(PROC_PAGE), offset: String(off0), include_abolished: 'true' });
  if (q0) sp.set('q', q0);
  try { ({ data } = await api('/api/v1/procedures?' + sp)); } catch (e) { replace(box, h('p', { class: 'error-text' }, errorText(e))); return; }
  const items = data.items;
  const from = data.total ? off0 + 1 : 0;
  const to = off0 + items.length;
  replace(box, h('h2', null, t('admin.procedures'), ` (${data.total})`),
    h('p', { class: 'muted', role: 'status', testid: 'proc-total', 'data-total': data.total }, t('queue.showing', { from, to, total: data.total })),
    items.length ? table([t('proc.code'), t('admin.name'), t('proc.field'), t('proc.levels'), t('proc.time'), t('proc.onlineLevelLabel'), ''], items.map((p) => h('tr', { testid: 'procedure-row', 'data-code': p.code },
      h('td', { class: 'code', 'data-label': t('proc.code') }, p.code), h('td', { 'data-label': t('admin.name') }, p.name),
      h('td', { 'data-label': t('proc.field') }, p.field), h('td', { 'data-label': t('proc.levels') }, levelsText(p.levels)),
      h('td', { 'data-label': t('proc.time') }, fmtDays(p.duration_hours)), h('td', { 'data-label': t('proc.onlineLevelLabel') }, String(p.online_level)),
      h('td', null, h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'procedure-edit', 'aria-label': t('admin.editOf', { name: p.name }), onclick: () => edit(p.code) }, t('common.edit'))))), 'procedures-table')
      : h('p', { class: 'empty', testid: 'proc-empty' }, t('home.none')),
    h('nav', { class: 'pager', 'aria-label': t('queue.pages') },
      off0 > 0 ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'proc-prev', onclick: () => go(q0, Math.max(0, off0 - PROC_PAGE)) }, t('queue.prev')) : null,
      to < data.total ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'proc-next', onclick: () => go(q0, off0 + PROC_PAGE) }, t('queue.next')) : null));

  async function edit(code) {
    let p;
    try { p = (await api('/api/v1/procedures/' + encodeURIComponent(code))).data; } catch (e) { replace(editBox, h('p', { class: 'error-text' }, errorText(e))); return; }
    if (!(p.unit ? scope.units.has(p.unit.code) : scope.root)) {
      replace(editBox, h('p', { class: 'alert alert-info', role: 'status', testid: 'proc-not-yours' }, t('admin.procOutOfScope', { code: p.code })));
      return;
    }
    const f = {
      name: field(t('admin.name'), { testid: 'proc-name', value: p.name, required: true }),
      field: field(t('proc.field'), { testid: 'proc-field', value: p.field, required: true }),
      duration_hours: field(t('admin.hours'), { kind: 'number', testid: 'proc-hours', value: p.duration_hours, required: true, attrs: { min: 0, max: 2928 } }),
      online_duration_hours: field(t('admin.onlineHours'), { kind: 'number', testid: 'proc-online-hours', value: p.online_duration_hours ?? '', attrs: { min: 0, max: 2928 } }),
      cutoff: field(t('proc.cutoff'), { testid: 'proc-cutoff', value: p.cutoff || '', attrs: { pattern: '[0-2][0-9]:[0-5][0-9]', placeholder: '15:00' } }),
      online_level: field(t('proc.onlineLevelLabel'), { kind: 'select', testid: 'proc-online-level', value: String(p.online_level), options: [2, 3, 4].map((n) => ({ value: String(n), label: String(n) })) }),
      place: field(t('proc.place'), { testid: 'proc-place', value: p.place || '' }),
      legal_basis: field(t('proc.legalBasis'), { kind: 'textarea', testid: 'proc-legal', value: p.legal_basis || '' }),
    };
    // Today's rules (docs/province-2026.md): receiving regardless of boundary, and
    // the online class with the day it took the level's place; set apart from the
    // loop below, which drops empty values ("" is a class: not online).
    const today = {
      anywhere: field(t('admin.anywhere'), { kind: 'checkbox', testid: 'proc-anywhere', hint: t('admin.anywhereHint') }),
      online_class: field(t('admin.onlineClass'), { kind: 'select', testid: 'proc-online-class', value: p.online_class ?? '',
        options: [{ value: '', label: t('admin.onlineClassNone') }, { value: 'full', label: t('proc.onlineClass.full') },
          { value: 'partial', label: t('proc.onlineClass.partial') }] }),
      online_class_since: field(t('admin.onlineClassSince'), { kind: 'date', testid: 'proc-online-class-since',
        value: p.online_class_since || '', hint: t('admin.onlineClassHint'), attrs: { min: '2022-08-01' } }),
    };
    today.anywhere.input.checked = !!p.anywhere;
    const steps = rowsEditor(t('proc.steps'), 'proc-steps', p.steps, [
      ['name', t('admin.stepName'), 'text'], ['role', t('admin.role'), ROLES.filter((r) => r !== 'citizen' && r !== 'admin' && r !== 'supervisor')],
      ['unit_level', t('admin.level'), LEVELS], ['hours', t('admin.hours'), 'number']]);
    const docs = rowsEditor(t('proc.documents'), 'proc-docs', p.documents, [
      ['name', t('proc.docName'), 'text'], ['originals', t('proc.originals'), 'number'], ['copies', t('proc.copies'), 'number'],
      ['form', t('proc.form'), 'text'], ['required', t('admin.required'), 'checkbox'], ['template', t('admin.template'), 'template']]);
    const fees = rowsEditor(t('proc.fees'), 'proc-fees', p.fees, [
      ['code', t('admin.feeCode'), 'text'], ['name', t('admin.name'), 'text'], ['amount', t('admin.amount'), 'number']]);
    const err = errorBox('proc-error');
    const ok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'proc-saved' });
    replace(editBox, h('form', {
      class: 'card form', testid: 'proc-edit-form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        const body = { ...p };
        delete body.publications;
        for (const [k, x] of Object.entries(f)) {
          const v = x.input.value.trim();
          if (['duration_hours', 'online_duration_hours', 'online_level'].includes(k)) { if (v !== '') body[k] = Number(v); else delete body[k]; } else if (v) body[k] = v; else delete body[k];
        }
        delete body.duration_days;
        delete body.online_service; // shown from online_class and online_class_since, set below
        body.anywhere = today.anywhere.input.checked;
        const cls = today.online_class.input.value;
        const since = today.online_class_since.input.value;
        if (cls || since) Object.assign(body, { online_class: cls, online_class_since: since || undefined });
        else { delete body.online_class; delete body.online_class_since; }
        body.steps = steps.value().map((s, i) => ({ ...s, seq: i + 1 }));
        let documents;
        try {
          // a form's new file is uploaded first; the document then names it
          documents = await Promise.all(docs.value().map(async (d, i) => {
            let template = d.template;
            if (template instanceof File) {
              const bad = checkFile(template);
              if (bad) throw new Error(bad);
              const u = await uploadFile(template);
              template = { attachment: u.sha256, filename: template.name.slice(0, 60) };
            }
            return { ...d, seq: i + 1, form: d.form || null, template: template ? { attachment: template.attachment, filename: template.filename } : null };
          }));
        } catch (e3) { err.show(e3.message && !e3.problem ? e3.message : e3); return; }
        body.documents = documents;
        body.fees = fees.value();
        try {
          await api('/api/v1/procedures/' + encodeURIComponent(p.code), { method: 'PUT', body });
          ok.hidden = false;
          replace(ok, t('admin.saved'));
        } catch (e2) { err.show(e2); }
      },
    }, h('h2', { tabindex: '-1' }, t('admin.editProcedure', { code: p.code })),
    h('div', { class: 'grid-2' }, Object.values(f).map((x) => x.wrap), Object.values(today).map((x) => x.wrap)), steps.el, docs.el, fees.el, err, ok,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'proc-save' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => replace(editBox) }, t('common.cancel')))));
    editBox.querySelector('h2').focus();
  }
}

/** An editable list of rows; cols: [key, label, 'text'|'number'|'checkbox'|[options]]. */
function rowsEditor(title, testid, rows, cols) {
  const body = h('tbody');
  function addRow(r = {}) {
    const tr = h('tr', { testid: testid + '-row' }, cols.map(([k, label, kind]) => {
      let input;
      if (kind === 'template') {
        // the file of a form: the one it has (kept, or removed) or a new one chosen
        let current = r[k] || null;
        const pick = h('input', { type: 'file', accept: ACCEPT, 'aria-label': label, testid: testid + '-template' });
        const name = h('span', { class: 'muted small', testid: testid + '-template-name' }, current ? current.filename : t('admin.templateNone'));
        const holder = h('span', { 'data-key': k, 'data-kind': 'template' }, name, ' ', pick,
          current ? h('button', { type: 'button', class: 'btn btn-link', onclick: (e) => { current = null; replace(name, t('admin.templateNone')); e.target.remove(); } }, t('admin.templateRemove')) : null);
        holder.templateValue = () => (pick.files && pick.files[0]) || current;
        return h('td', { 'data-label': label }, holder);
      }
      if (Array.isArray(kind)) input = h('select', { 'aria-label': label, 'data-key': k }, kind.map((o) => h('option', { value: o, selected: r[k] === o }, t((k === 'role' ? 'role.' : 'level.') + o))));
      else if (kind === 'checkbox') input = h('input', { type: 'checkbox', 'aria-label': label, 'data-key': k, checked: r[k] !== false });
      else input = h('input', { type: kind, 'aria-label': label, 'data-key': k, value: r[k] ?? '', min: kind === 'number' ? 0 : null });
      return h('td', { 'data-label': label }, input);
    }), h('td', null, h('button', { type: 'button', class: 'btn btn-link', onclick: () => tr.remove() }, t('common.remove'))));
    body.append(tr);
  }
  for (const r of rows || []) addRow(r);
  const el = h('fieldset', { class: 'rows-editor', testid }, h('legend', null, title),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table compact' }, h('thead', null, h('tr', null, cols.map(([, label]) => h('th', { scope: 'col' }, label)), h('th', null, ''))), body)),
    h('button', { type: 'button', class: 'btn btn-link', testid: testid + '-add', onclick: () => addRow() }, t('common.addRow')));
  return {
    el,
    value: () => [...body.children].map((tr) => {
      const o = {};
      for (const input of tr.querySelectorAll('[data-key]')) {
        const k = input.getAttribute('data-key');
        if (input.templateValue) { o[k] = input.templateValue(); continue; }
        o[k] = input.type === 'checkbox' ? input.checked : input.type === 'number' ? Number(input.value) || 0 : input.value.trim();
      }
      return o;
    }),
  };
}

// ---- calendar ----
async function calendar(ctx, panel, yearArg) {
  const year = yearArg || new Date().getFullYear();
  const yF = field(t('cal.year'), { kind: 'number', testid: 'cal-year', value: year, attrs: { min: 1900, max: 2100 } });
  const box = h('div', null, loading());
  panel.append(h('form', { class: 'card filters', onsubmit: (e) => { e.preventDefault(); replace(panel); calendar(ctx, panel, Number(yF.input.value)); } },
    yF.wrap, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'cal-load' }, t('cal.show')))), box);
  let y;
  try { y = (await api('/api/v1/calendar/' + year)).data; } catch (e) { replace(box, h('p', { class: 'error-text' }, errorText(e))); return; }
  // This year and the next without their official schedule: due times in them
  // follow the Labour Code rule until the Government's notice is entered.
  const now = new Date().getFullYear();
  const missing = [];
  for (const c of [now, now + 1]) {
    const basis = c === year ? y.basis : await api('/api/v1/calendar/' + c).then((x) => x.data.basis, () => null);
    if (basis === 'rule') missing.push(c);
  }
  const coverage = missing.length ? h('p', { class: 'alert alert-warn', role: 'status', testid: 'cal-coverage', 'data-years': missing.join(',') },
    t('cal.coverage', { years: missing.join(', ') })) : null;
  let days = y.days.slice();
  const source = field(t('cal.source'), { kind: 'textarea', testid: 'cal-source', value: y.source || '', required: true, attrs: { maxlength: 2000 } });
  const list = h('tbody');
  const err = errorBox('cal-error');
  const ok = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'cal-saved' });
  function drawDays() {
    days.sort((a, b) => a.date.localeCompare(b.date));
    replace(list, days.map((d) => h('tr', { testid: 'cal-day', 'data-date': d.date, 'data-kind': d.kind },
      h('td', { 'data-label': t('cal.date') }, fmtDate(d.date), ' ', h('span', { class: 'muted' }, weekday(d.date))),
      h('td', { 'data-label': t('cal.kind') }, h('span', { class: 'badge cal-' + d.kind }, t('cal.kind.' + d.kind))),
      h('td', { 'data-label': t('cal.name') }, d.name),
      h('td', null, scope.root ? h('button', { type: 'button', class: 'btn btn-link', testid: 'cal-remove', 'aria-label': t('cal.removeOf', { date: fmtDate(d.date) }), onclick: () => { days = days.filter((x) => x !== d); drawDays(); } }, t('common.remove')) : null))));
  }
  drawDays();
  const nd = field(t('cal.date'), { kind: 'date', testid: 'cal-new-date', attrs: { min: `${year}-01-01`, max: `${year}-12-31` } });
  const nk = field(t('cal.kind'), { kind: 'select', testid: 'cal-new-kind', value: 'holiday', options: ['holiday', 'compensatory', 'workday'].map((k) => ({ value: k, label: t('cal.kind.' + k) })) });
  const nn = field(t('cal.name'), { testid: 'cal-new-name', attrs: { maxlength: 200 } });
  replace(box, coverage,
    h('section', { class: 'card' },
      h('h2', null, t('cal.yearTitle', { year })),
      h('p', { testid: 'cal-basis', 'data-basis': y.basis }, y.basis === 'official' ? t('cal.official') : t('cal.rule')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'cal-days' },
        h('thead', null, h('tr', null, [t('cal.date'), t('cal.kind'), t('cal.name'), ''].map((x) => h('th', { scope: 'col' }, x)))), list)),
      // The days off set every unit's due times: the root's administrator edits them.
      scope.root ? [h('form', {
        class: 'inline-form', novalidate: true, onsubmit: (e) => {
          e.preventDefault();
          err.hide();
          const date = nd.input.value;
          if (!date || !nn.input.value.trim()) { err.show(t('form.fillRequired')); return; }
          if (days.some((d) => d.date === date)) { err.show(t('cal.duplicate')); return; }
          days.push({ date, kind: nk.input.value, name: nn.input.value.trim() });
          nd.input.value = '';
          nn.input.value = '';
          drawDays();
        },
      }, h('h3', null, t('cal.addDay')), h('div', { class: 'grid-3' }, nd.wrap, nk.wrap, nn.wrap),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-secondary', testid: 'cal-add' }, t('cal.add')))),
      source.wrap, err, ok,
      h('div', { class: 'actions' },
        h('button', {
          type: 'button', class: 'btn btn-primary', testid: 'cal-save', onclick: async () => {
            err.hide();
            if (!source.input.value.trim()) { err.show(t('cal.needSource')); source.input.focus(); return; }
            try {
              await api('/api/v1/calendar/' + year, { method: 'PUT', body: { source: source.input.value.trim(), days } });
              replace(panel); await calendar(ctx, panel, year);
              const m = panel.querySelector('[data-testid="cal-saved"]');
              m.hidden = false; replace(m, t('admin.saved'));
            } catch (e2) { err.show(e2); }
          },
        }, t('cal.save')),
        h('button', {
          type: 'button', class: 'btn btn-danger-outline', testid: 'cal-revert', onclick: async () => {
            err.hide();
            try { await api('/api/v1/calendar/' + year, { method: 'DELETE' }); replace(panel); calendar(ctx, panel, year); } catch (e2) { err.show(e2); }
          },
        }, t('cal.revert')))] : h('p', { class: 'alert alert-info', testid: 'cal-root-only' }, t('cal.rootOnly'))));
}

function weekday(iso) {
  const d = new Date(iso + 'T12:00:00Z');
  return t('cal.wd.' + d.getUTCDay());
}

// ---- reorganisation plans (docs/units.md) ----
const PLAN_EXAMPLE = JSON.stringify({
  name: 'Sắp xếp đơn vị hành chính cấp xã',
  effective: '2025-07-01',
  users: 'move',
  operations: [
    { kind: 'merge', from: ['000.01.33.H56', '000.02.33.H56'], into: { code: '000.25.001.H56', name: 'UBND xã …', level: 'commune', parent: '000.00.00.H56' } },
    { kind: 'end_level', level: 'district' },
  ],
}, null, 2);

async function plans(ctx, panel) {
  const text = h('textarea', { id: 'plan-body', class: 'input', rows: 14, spellcheck: 'false', testid: 'plan-body', placeholder: PLAN_EXAMPLE });
  const err = errorBox('plan-error');
  const previewBox = h('div', { testid: 'plan-preview-box' });
  const listBox = h('div', null, loading());
  panel.append(h('form', {
    class: 'card form', testid: 'plan-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      let body;
      try { body = JSON.parse(text.value); } catch { err.show(t('plans.notJson')); return; }
      try {
        const { data } = await api('/api/v1/unit-plans', { method: 'POST', body });
        showPlan(data);
        drawList();
      } catch (e2) {
        const p = e2.problem || e2.data || {};
        err.show(p.field ? `${p.field} (${p.rule}): ${p.detail || ''}` : e2);
      }
    },
  }, h('h2', null, t('plans.write')), h('p', { class: 'hint' }, t('plans.hint')),
  h('label', { for: 'plan-body' }, t('plans.body')), text, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'plan-preview' }, t('plans.preview')))),
  previewBox, listBox);

  function showPlan(p) {
    const pv = p.preview;
    const done = h('p', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'plan-applied' });
    const applyErr = errorBox('plan-apply-error');
    const parts = [h('h2', { tabindex: '-1' }, t('plans.previewOf', { name: p.name, day: p.effective })),
      h('p', { testid: 'plan-status' }, t('plans.status.' + p.status))];
    if (p.failure) parts.push(h('p', { class: 'alert alert-error', testid: 'plan-failure' }, p.failure));
    if (pv && pv.refused) parts.push(h('p', { class: 'alert alert-error', testid: 'plan-refused' }, `${pv.field} (${pv.rule}): ${pv.refused}`));
    if (pv && pv.totals) {
      parts.push(h('p', { testid: 'plan-totals' }, t('plans.totals', pv.totals)));
      if (pv.creates.length) {
        parts.push(h('h3', null, t('plans.creates')), table([t('admin.code'), t('admin.name'), t('admin.level'), t('admin.parent')],
          pv.creates.map((u) => h('tr', { testid: 'plan-create-row' }, h('td', { class: 'code' }, u.code), h('td', null, u.name), h('td', null, t('level.' + u.level)), h('td', { class: 'code' }, u.parent))), 'plan-creates'));
      }
      parts.push(h('h3', null, t('plans.ends')), table([t('admin.code'), t('admin.name'), t('plans.kind'), t('plans.successor'), t('plans.openDossiers'), t('plans.users')],
        pv.ends.map((u) => h('tr', { testid: 'plan-end-row', 'data-code': u.code }, h('td', { class: 'code' }, u.code), h('td', null, u.name),
          h('td', null, t('plans.kind.' + u.kind)), h('td', { class: 'code' }, u.successors.join(', ')),
          h('td', { class: 'num' }, String(u.open_dossiers)), h('td', { class: 'num' }, String(u.active_users)))), 'plan-ends'));
    }
    if (p.status === 'applied') parts.push(h('p', { testid: 'plan-moved' }, t('plans.moved', p.applied)));
    if (p.status !== 'applied' && !(pv && pv.refused)) {
      parts.push(applyErr, done, h('div', { class: 'actions' }, h('button', {
        type: 'button', class: 'btn btn-primary', testid: 'plan-apply', onclick: async (e) => {
          applyErr.hide();
          if (!confirm(t('plans.confirm', { name: p.name, day: p.effective }))) return;
          e.target.disabled = true;
          try {
            const { data, status } = await api(`/api/v1/unit-plans/${p.id}/apply`, { method: 'POST' });
            done.hidden = false;
            replace(done, status === 202 ? t('plans.scheduled', { day: data.effective }) : t('plans.moved', data.applied));
            drawList();
          } catch (e2) { e.target.disabled = false; applyErr.show(e2); }
        },
      }, p.status === 'scheduled' ? t('plans.applyScheduled') : t('plans.apply'))));
    }
    replace(previewBox, h('div', { class: 'card', testid: 'plan-preview-card' }, parts));
    previewBox.querySelector('h2').focus();
  }

  async function drawList() {
    let items;
    try { items = (await api('/api/v1/unit-plans')).data.items; } catch (e) { replace(listBox, h('p', { class: 'error-text' }, errorText(e))); return; }
    replace(listBox, h('h2', null, t('plans.list'), ` (${items.length})`),
      table([t('plans.name'), t('plans.effective'), t('plans.statusCol'), ''], items.map((p) => h('tr', { testid: 'plan-row', 'data-id': String(p.id) },
        h('td', null, p.name), h('td', null, p.effective), h('td', null, t('plans.status.' + p.status)),
        h('td', null, h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'plan-open', onclick: async () => {
          try { showPlan((await api(`/api/v1/unit-plans/${p.id}`)).data); } catch (e) { replace(previewBox, h('p', { class: 'error-text' }, errorText(e))); }
        } }, t('plans.open'))))), 'plans-table'));
  }
  drawList();
}
