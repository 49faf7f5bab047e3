// Choosing instead of typing: a unit by name as one types (diacritics optional, the parent
// beside each name, a two-step choice by district), and the officer to hand a dossier to,
// with the dossiers each has in hand. Units are searched by the server (GET /api/v1/units
// ?q=&level=&within=&at=&limit=), so no page loads the whole province's list.
import { t } from '/i18n/i18n.js';
import { h, api, field, replace, clear, debounce, errorText, uid } from '/js/lib.js';

const LIMIT = 12;

// Today in Vietnam's time: the pickers offer the units in force (docs/units.md),
// not those a reorganisation has ended.
function today() {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}

/** "UBND thành phố Thanh Hóa" → "thành phố Thanh Hóa": the parent as a place. */
export function placeOf(name) {
  return String(name || '').replace(/^UBND\s+/, '');
}

/** "UBND phường Ba Đình — thành phố Thanh Hóa". */
export function unitLabel(u) {
  return u.parent_name && u.level !== 'province' && u.level !== 'department' ? `${u.name} — ${placeOf(u.parent_name)}` : u.name;
}

/**
 * A unit picker (an ARIA combobox): label, hint, levels (['commune'] …), within (a unit's code:
 * its subtree only), exclude (codes left out), twoStep (also a choice of district, then
 * commune), value (a unit {code, name, parent_name} chosen at first). Returns the field()
 * object with value() (the chosen code or ''), unit() and set(unit).
 */
export function unitPicker(label, { testid, hint, required, levels, within, exclude = [], twoStep = false, value, onChange } = {}) {
  const f = field(label, {
    kind: 'search', testid, required, hint: hint || t('picker.hint'),
    attrs: { autocomplete: 'off', spellcheck: 'false', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', maxlength: 200 },
  });
  const input = f.input;
  const listId = uid('units');
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true, testid: testid ? testid + '-options' : null, 'aria-label': label });
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  input.setAttribute('aria-controls', listId);
  input.setAttribute('placeholder', t('picker.placeholder'));
  f.wrap.classList.add('picker');
  f.input.after(list, status);
  let chosen = null;
  let items = [];
  let active = -1;
  let ctrl = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function mark(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
    const li = list.children[i];
    if (li && li.id) {
      input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    }
  }
  function choose(u, { silent = false } = {}) {
    chosen = u;
    input.value = u ? unitLabel(u) : '';
    input.setAttribute('data-code', u ? u.code : '');
    close();
    f.clearError();
    if (!silent && onChange) onChange(u);
  }
  async function search() {
    const q = input.value.trim();
    if (ctrl) ctrl.abort();
    if (!q) { close(); return; }
    ctrl = new AbortController();
    const sp = new URLSearchParams({ q, limit: String(LIMIT + exclude.length), at: today() });
    if (levels && levels.length) sp.set('level', levels.join(','));
    if (within) sp.set('within', within);
    try {
      const { data } = await api('/api/v1/units?' + sp, { signal: ctrl.signal });
      items = data.items.filter((u) => !exclude.includes(u.code)).slice(0, LIMIT);
      replace(list, items.length ? items.map((u, i) => h('li', {
        id: `${listId}-${i}`, role: 'option', class: 'picker-option', 'aria-selected': 'false', testid: testid ? testid + '-option' : null,
        'data-code': u.code, onmousedown: (e) => e.preventDefault(), onclick: () => choose(u),
      }, h('span', { class: 'opt-name' }, u.name),
      u.parent_name && u.level === 'commune' ? h('span', { class: 'opt-parent' }, ' — ', placeOf(u.parent_name)) : null,
      u.level !== 'commune' ? h('span', { class: 'opt-parent' }, ' · ', t('level.' + u.level)) : null))
        : h('li', { class: 'picker-none', role: 'option', 'aria-disabled': 'true' }, t('picker.none')));
      replace(status, items.length ? t('picker.count', { n: data.total }) : t('picker.none'));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(list, h('li', { class: 'error-text' }, errorText(e)));
      list.hidden = false;
    }
  }
  const typed = debounce(search, 150);
  input.addEventListener('input', () => {
    if (chosen) { chosen = null; input.setAttribute('data-code', ''); if (onChange) onChange(null); }
    typed();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && items.length) { e.preventDefault(); if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } mark(Math.min(items.length - 1, active + 1)); }
    else if (e.key === 'ArrowUp' && items.length) { e.preventDefault(); mark(Math.max(0, active - 1)); }
    else if (e.key === 'Enter' && !list.hidden && active >= 0 && items[active]) { e.preventDefault(); choose(items[active]); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  // the choice in two steps: a district (or town), then one of its communes
  let steps = null;
  if (twoStep) {
    const d = field(t('picker.district'), { kind: 'select', testid: testid ? testid + '-district' : null, options: [{ value: '', label: t('picker.chooseDistrict') }] });
    const c = field(t('picker.commune'), { kind: 'select', testid: testid ? testid + '-commune' : null, options: [{ value: '', label: t('picker.chooseDistrictFirst') }], attrs: { disabled: true } });
    let loaded = false;
    let communes = [];
    steps = h('details', { class: 'two-step', testid: testid ? testid + '-two-step' : null,
      ontoggle: async () => {
        if (!steps.open || loaded) return;
        loaded = true;
        const sp = new URLSearchParams({ level: 'district', at: today() });
        if (within) sp.set('within', within);
        try {
          const { data } = await api('/api/v1/units?' + sp);
          for (const u of data.items) d.input.append(h('option', { value: u.code }, u.name));
        } catch (e) { d.setError(errorText(e)); }
      } },
    h('summary', null, t('picker.twoStep')), h('div', { class: 'grid-2' }, d.wrap, c.wrap));
    d.input.addEventListener('change', async () => {
      clear(c.input);
      c.input.disabled = true;
      c.input.append(h('option', { value: '' }, d.input.value ? t('common.loading') : t('picker.chooseDistrictFirst')));
      if (!d.input.value) return;
      const sp = new URLSearchParams({ parent: d.input.value, at: today() });
      if (levels && levels.length) sp.set('level', levels.join(','));
      try {
        const { data } = await api('/api/v1/units?' + sp);
        communes = data.items.filter((u) => !exclude.includes(u.code));
        replace(c.input, h('option', { value: '' }, t('picker.chooseCommune')), communes.map((u) => h('option', { value: u.code }, u.name)));
        c.input.disabled = false;
      } catch (e) { c.setError(errorText(e)); }
    });
    c.input.addEventListener('change', () => {
      const u = communes.find((x) => x.code === c.input.value);
      if (u) choose(u);
    });
    f.wrap.append(steps);
  }
  if (value) choose(value, { silent: true });
  return Object.assign(f, {
    value: () => (chosen ? chosen.code : ''),
    unit: () => chosen,
    set: (u) => choose(u),
    typedWithoutChoice: () => !chosen && input.value.trim() !== '',
  });
}

/**
 * The officer to hand a dossier over to, from the officers of unit (GET
 * /api/v1/units/{code}/officers) with the dossiers each has in hand; "nobody yet" first.
 * Returns {wrap, value()} (the username or '').
 */
export function officerPicker(unitCode, { testid = 'action-handler', exclude } = {}) {
  const name = uid('handler');
  const box = h('div', { class: 'radio-group officers', testid: testid + '-list' }, h('p', { class: 'loading' }, t('common.loading')));
  const legendId = uid('lg');
  const wrap = h('fieldset', { class: 'radio-group officer-picker', testid, 'aria-describedby': legendId + '-hint' },
    h('legend', { id: legendId }, t('act.handler')),
    h('p', { class: 'hint', id: legendId + '-hint' }, t('act.handlerHint')), box);
  const radio = (value, labelNodes, extra = {}) => {
    const id = uid('off');
    return h('span', { class: 'radio' }, h('input', { type: 'radio', name, value, id, testid: testid + '-' + (value || 'none'), checked: !value, ...extra }),
      h('label', { for: id }, labelNodes));
  };
  api('/api/v1/units/' + encodeURIComponent(unitCode) + '/officers').then(({ data }) => {
    const items = data.items.filter((o) => o.username !== exclude);
    replace(box, radio('', t('act.nobody')), items.map((o) => radio(o.username, [
      h('span', { class: 'officer-name' }, o.full_name), ' ',
      h('span', { class: 'muted' }, '(', t('role.' + o.role), ')'), ' · ',
      h('span', { class: 'officer-load', 'data-open': o.open_dossiers }, t('act.load', { n: o.open_dossiers }))], { 'data-open': o.open_dossiers })));
  }).catch((e) => replace(box, h('p', { class: 'error-text' }, errorText(e))));
  return {
    wrap,
    value: () => wrap.querySelector(`input[name="${name}"]:checked`)?.value || '',
  };
}
