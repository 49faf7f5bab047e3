// Shared helpers: safe DOM building, the API client, formatting.
// Nothing here builds HTML from strings: every text goes through textContent.
import { t, lang } from '/i18n/i18n.js';

/**
 * h(tag, attrs, ...children) creates an element.
 * attrs: class, text, testid (→ data-testid), on{Event} handlers, dataset via data-*, boolean
 * properties (checked, disabled, selected, required, hidden) and any other attribute.
 * children: nodes, strings (text nodes), arrays, null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'required' || k === 'hidden' || k === 'multiple')
        el[k] = !!v;
      else if (k === 'value') el.value = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

let idSeq = 0;
export function uid(prefix = 'f') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/**
 * A labelled field: returns {wrap, input, label, setError(text), clearError()}. kind: input
 * type, 'select' or 'textarea'. An error is shown under the field (role=alert), the input
 * marked aria-invalid and described by it (after its hint).
 */
export function field(label, { kind = 'text', testid, name, value, required, hint, options, attrs = {} } = {}) {
  const id = uid('fld');
  let input;
  if (kind === 'select') {
    input = h('select', { id, name, testid, required, ...attrs },
      (options || []).map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
  } else if (kind === 'textarea') {
    input = h('textarea', { id, name, testid, required, rows: 3, ...attrs });
    if (value) input.value = value;
  } else {
    input = h('input', { id, name, type: kind, testid, required, ...attrs });
    if (value !== undefined && value !== null) input.value = value;
  }
  const hintEl = hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null;
  const errEl = h('p', { class: 'field-error', id: id + '-error', hidden: true, testid: testid ? testid + '-error' : null });
  const labelEl = h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const wrap = h('div', { class: 'field' }, labelEl, input, hintEl, errEl);
  const describe = (withError) => {
    const ids = [hintEl?.id, withError ? errEl.id : null].filter(Boolean).join(' ');
    if (ids) input.setAttribute('aria-describedby', ids);
    else input.removeAttribute('aria-describedby');
  };
  describe(false);
  return {
    wrap, input, label, labelEl, hintEl,
    setError(text) {
      replace(errEl, text);
      errEl.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      wrap.classList.add('invalid');
      describe(true);
    },
    clearError() {
      clear(errEl);
      errEl.hidden = true;
      input.removeAttribute('aria-invalid');
      wrap.classList.remove('invalid');
      describe(false);
    },
    error: () => (errEl.hidden ? null : errEl.textContent),
  };
}

// ---- checks of what people type, as the server checks them ----

/** A Vietnamese telephone number: 10 digits from 0, 11 from 02 (a landline), +84 for the 0. */
export function phoneValid(s) {
  let v = String(s).trim();
  if (v.startsWith('+84')) v = '0' + v.slice(3).replace(/^[ .-]/, '');
  if (!/^\d([ .-]?\d)*$/.test(v)) return false;
  const d = v.replace(/[ .-]/g, '');
  return (d.length === 10 && d[0] === '0' && d[1] !== '0') || (d.length === 11 && d.startsWith('02'));
}

/** A CCCD (12 digits) or an old CMND (9 digits). */
export function idNumberValid(s) {
  return /^(\d{9}|\d{12})$/.test(String(s).trim());
}

export function emailValid(s) {
  const v = String(s).trim();
  const at = v.indexOf('@');
  if (at < 1 || v.indexOf('@', at + 1) >= 0 || /\s/.test(v)) return false;
  const dot = v.indexOf('.', at + 1);
  return dot > at + 1 && !v.endsWith('.');
}

/**
 * Checks as one types, every error at once. fields: [{ f (from field()), check(value) → message
 * or null, api: the field's name in the API's problems ("applicant.phone") }]. A field is
 * checked when it loses the focus and then at each keystroke; all of them on validate().
 * showProblem(err) puts a server's field problem beside its field and returns whether it did.
 */
export function checker(fields) {
  const touched = new Set();
  const run = (x) => {
    const msg = x.check ? x.check(x.f.input.value, x.f.input) : null;
    if (msg) x.f.setError(msg);
    else x.f.clearError();
    return !msg;
  };
  for (const x of fields) {
    const ev = x.f.input.tagName === 'SELECT' || x.f.input.type === 'file' ? 'change' : 'input';
    x.f.input.addEventListener('blur', () => { touched.add(x); run(x); });
    x.f.input.addEventListener(ev, () => { if (touched.has(x)) run(x); else if (x.f.error()) run(x); });
  }
  return {
    /** Checks every field; returns the first invalid one (its input focused) or null. */
    validate({ focus = true } = {}) {
      let first = null;
      for (const x of fields) {
        touched.add(x);
        if (!run(x) && !first) first = x;
      }
      if (first && focus) first.f.input.focus();
      return first;
    },
    showProblem(err) {
      const name = err?.problem?.field;
      const x = name && fields.find((y) => y.api === name);
      if (!x) return false;
      x.f.setError(fieldProblemText(err.problem, x.f.label));
      x.f.input.focus();
      return true;
    },
    clear() { for (const x of fields) x.f.clearError(); },
  };
}

/** The usual checks: a required field, and the shapes of phone, identity number, e-mail. */
export const checks = {
  required: (label) => (v) => (String(v).trim() ? null : t('check.required', { field: label })),
  phone: (v) => (!String(v).trim() || phoneValid(v) ? null : t('rule.format.phone')),
  idNumber: (v) => (!String(v).trim() || idNumberValid(v) ? null : t('rule.format.id_number')),
  email: (v) => (!String(v).trim() || emailValid(v) ? null : t('rule.format.email')),
};

// ---- API ----

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
    this.type = (problem?.type || '').replace('urn:motcua:problem:', '');
  }
}

/**
 * api(path, {method, body, headers, raw, contentType}) → {data, status, etag}.
 * The session is the HttpOnly cookie: credentials same-origin, no token in the page.
 */
export async function api(path, { method = 'GET', body, headers = {}, raw, contentType, signal } = {}) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers }, signal };
  if (raw !== undefined) {
    opts.body = raw;
    opts.headers['Content-Type'] = contentType || 'application/octet-stream';
  } else if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { type: 'urn:motcua:problem:network' });
  }
  let data = null;
  const ct = res.headers.get('Content-Type') || '';
  if (ct.includes('json')) data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data);
  return { data, status: res.status, etag: res.headers.get('ETag') };
}

/** "15 phút", "30 giây", "2 giờ": a wait of so many seconds, rounded up. */
export function fmtWait(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0));
  if (s < 60) return t('wait.seconds', { n: s });
  if (s < 3600) return t('wait.minutes', { n: Math.ceil(s / 60) });
  return t('wait.hours', { n: Math.ceil(s / 3600) });
}

/** The name of a field of a problem ("applicant.phone", "documents[1].name") in words. */
export function fieldName(path) {
  const p = String(path || '');
  const plain = p.replace(/\[\d+\]/g, '');
  for (const key of ['field.' + plain, 'field.' + plain.split('.').pop()]) {
    const s = t(key);
    if (s !== key) return s;
  }
  return t('field.unknown');
}

/** What is wrong with a field, in words: its own message for the rule, else the rule's. */
export function fieldProblemText(problem, label) {
  const name = label || fieldName(problem.field);
  const last = String(problem.field || '').replace(/\[\d+\]/g, '').split('.').pop();
  for (const key of [`rule.${problem.rule}.${last}`, `rule.${problem.rule}`]) {
    const s = t(key, { field: name });
    if (s !== key) return s;
  }
  return t('rule.other', { field: name });
}

/**
 * The message for an API error, in the page's language: from its type, its field and rule,
 * and the wait it asks for. Never the server's detail or title, which are in English.
 */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('problem.unknown');
  const p = err.problem || {};
  if (p.field && p.rule) return fieldProblemText(p);
  if (err.type === 'too-many-attempts' || err.type === 'filing-limit' || err.type === 'upload-quota' || err.type === 'overloaded') {
    const wait = p.retry_after ? fmtWait(p.retry_after) : null;
    return t('problem.' + err.type + (wait ? '.wait' : ''), { wait });
  }
  const key = 'problem.' + (err.type || 'unknown');
  const msg = t(key);
  return msg === key ? t('problem.unknown') : msg;
}

/** An error box (role=alert) placed near a form. */
export function errorBox(testid = 'form-error') {
  const el = h('div', { class: 'alert alert-error', role: 'alert', testid, hidden: true });
  el.show = (errOrText) => {
    el.hidden = false;
    replace(el, typeof errOrText === 'string' ? errOrText : errorText(errOrText));
  };
  el.hide = () => {
    el.hidden = true;
    clear(el);
  };
  return el;
}

// ---- formatting (times are shown in Asia/Ho_Chi_Minh) ----

const TZ = 'Asia/Ho_Chi_Minh';
const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function parts(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const p = {};
  for (const x of partsFmt.formatToParts(d)) p[x.type] = x.value;
  return p;
}

/** dd/mm/yyyy HH:mm */
export function fmtDateTime(iso) {
  if (!iso) return '—';
  const p = parts(iso);
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : String(iso);
}

/** dd/mm/yyyy */
export function fmtDate(iso) {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  const p = parts(iso);
  return p ? `${p.day}/${p.month}/${p.year}` : String(iso);
}

/** The local (UTC+7) time now as YYYY-MM-DDTHH:MM, the form the due preview reads. */
export function nowLocal() {
  const p = parts(new Date());
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** Money the Vietnamese way, "178.000 đ" ("178,000 VND" in English). */
export function fmtMoney(amount) {
  if (!amount) return t('fee.free');
  if (lang() === 'en') return new Intl.NumberFormat('en-GB').format(amount) + ' VND';
  return new Intl.NumberFormat('vi-VN').format(amount) + ' đ';
}

/** Working time of so many minutes in days of 8 hours: "3 ngày 2 giờ làm việc". */
export function fmtWorking(minutes) {
  const m = Math.max(0, Math.floor(Number(minutes) || 0));
  const days = Math.floor(m / 480);
  const hours = Math.floor((m % 480) / 60);
  if (!days && !hours) return t('working.minutes', { n: m % 60 });
  if (!hours) return t('working.days', { d: days });
  if (!days) return t('working.hours', { h: hours });
  return t('working.daysHours', { d: days, h: hours });
}

/** "quá hạn 3 ngày 2 giờ làm việc" (open) or "trễ hạn …" (resolved), or null when on time. */
export function latenessText(d) {
  if (d.overdue_minutes === undefined || d.overdue_minutes === null) return null;
  if (d.timeliness !== 'overdue' && d.timeliness !== 'late') return null;
  return t('lateness.' + d.timeliness, { time: fmtWorking(d.overdue_minutes) });
}

export function fmtNumber(n) {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'vi-VN').format(n);
}

export function fmtDays(hours) {
  const days = hours / 8;
  const n = Number.isInteger(days) ? days : Math.round(days * 10) / 10;
  return t('time.days', { n: fmtNumber(n) });
}

export function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ---- badges: colour plus words ----

export function stateBadge(state, testid) {
  return h('span', { class: `badge state-${state}`, testid: testid || 'state-badge', 'data-state': state }, t('state.' + state));
}

/** The lateness of a dossier in words; with the dossier, how late in working time. */
export function timelinessBadge(tl, testid, d) {
  if (!tl) return null;
  const mark = { overdue: '!', late: '!', due_soon: '!' }[tl] || '';
  const late = d ? latenessText(d) : null;
  return h('span', { class: `badge tl-${tl}`, testid: testid || 'timeliness-badge', 'data-timeliness': tl },
    mark ? h('span', { 'aria-hidden': 'true', class: 'badge-mark' }, mark + ' ') : null,
    late ? h('span', { testid: (testid || 'timeliness-badge') + '-time' }, late.charAt(0).toUpperCase() + late.slice(1)) : t('timeliness.' + tl));
}

export function levelsText(levels) {
  return String(levels || '').split(',').filter(Boolean).map((l) => t('level.' + l.trim())).join(', ');
}

// The online service in force today (docs/province-2026.md): the class of Nghị định
// 42/2022/NĐ-CP ("toàn trình", "một phần") once the procedure has one, else the level
// 2–4 of the 2017 report. { online: may be filed online, badge: short text or null,
// text: the fact's sentence }.
export function onlineService(p) {
  const s = p.online_service || { kind: 'level', level: p.online_level };
  if (s.kind === 'class') {
    const cls = s.class || 'none';
    return { online: cls === 'full' || cls === 'partial', badge: cls === 'none' ? null : t('proc.onlineClass.' + cls),
      text: t('proc.onlineClassText.' + cls) };
  }
  const n = Math.min(Math.max(s.level || 2, 2), 4);
  return { online: n >= 3, badge: n >= 3 ? t('proc.onlineLevel', { n }) : null, text: t('proc.onlineLevelText' + n) };
}

// ---- files ----

export const MAX_FILE = 20 * 1024 * 1024;
const TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
export const ACCEPT = '.pdf,.png,.jpg,.jpeg,.doc,.docx,.xlsx,' + [...new Set(Object.values(TYPES))].join(',');

/** The content type to upload a file with, or null when the type is not accepted. */
export function fileType(file) {
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  if (TYPES[ext]) return TYPES[ext];
  if (Object.values(TYPES).includes(file.type)) return file.type;
  return null;
}

/** Checks type and size; returns an error text or null. */
export function checkFile(file) {
  if (!fileType(file)) return t('file.badType', { name: file.name });
  if (file.size === 0) return t('file.empty', { name: file.name });
  if (file.size > MAX_FILE) return t('file.tooBig', { name: file.name, size: fmtSize(file.size) });
  return null;
}

export async function uploadFile(file) {
  const { data } = await api('/api/v1/attachments', { method: 'POST', raw: file, contentType: fileType(file) });
  return data;
}

/**
 * A file input for one document with browser-side checks and immediate upload.
 * Returns {wrap, input, get()} where get() gives {sha256, filename} once uploaded.
 */
export function fileField(label, { testid, required, hint } = {}) {
  const f = field(label, { kind: 'file', testid, required, hint: hint || t('file.hint'), attrs: { accept: ACCEPT } });
  const status = h('p', { class: 'file-status', 'aria-live': 'polite', testid: testid ? testid + '-status' : null });
  f.wrap.appendChild(status);
  let uploaded = null;
  let pending = null;
  f.input.addEventListener('change', () => {
    uploaded = null;
    status.className = 'file-status';
    const file = f.input.files[0];
    if (!file) { replace(status); return; }
    const bad = checkFile(file);
    if (bad) {
      status.className = 'file-status bad';
      status.setAttribute('data-state', 'error');
      replace(status, bad);
      f.input.setAttribute('aria-invalid', 'true');
      return;
    }
    f.input.removeAttribute('aria-invalid');
    status.setAttribute('data-state', 'uploading');
    replace(status, t('file.uploading', { name: file.name }));
    pending = uploadFile(file).then((info) => {
      uploaded = { sha256: info.sha256, filename: file.name, size: info.size };
      status.className = 'file-status ok';
      status.setAttribute('data-state', 'done');
      replace(status, t('file.uploaded', { name: file.name, size: fmtSize(info.size) }));
    }).catch((e) => {
      status.className = 'file-status bad';
      status.setAttribute('data-state', 'error');
      replace(status, errorText(e));
    });
  });
  return {
    wrap: f.wrap,
    input: f.input,
    async get() {
      if (pending) await pending;
      return uploaded;
    },
    hasFile: () => f.input.files.length > 0,
    error: () => (status.getAttribute('data-state') === 'error' ? status.textContent : null),
  };
}

/** Page heading that receives focus after navigation. */
export function pageTitle(text, testid = 'page-title') {
  document.title = `${text} · ${t('app.name')}`;
  return h('h1', { tabindex: '-1', class: 'page-title', testid }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

/** A definition list from [label, value, testid] rows (value: string or node). */
export function facts(rows, cls = 'facts') {
  return h('dl', { class: cls }, rows.filter(Boolean).map(([k, v, testid]) =>
    h('div', { class: 'fact' }, h('dt', null, k), h('dd', { testid }, v === null || v === undefined || v === '' ? '—' : v))));
}

export function debounce(fn, ms) {
  let timer;
  return (...a) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...a), ms);
  };
}

/** Whether a unit code lies in the subtree of root, given a map code → unit. */
export function inSubtree(code, root, byCode) {
  let c = code;
  for (let i = 0; c && i < 20; i++) {
    if (c === root) return true;
    c = byCode.get(c)?.parent;
  }
  return false;
}

/** add(el, ...children): appends like h() does (null/false skipped, arrays flattened). */
export function add(el, ...children) {
  return append(el, children);
}

/**
 * A log shown newest page first: the list of the steps given (oldest first) and, above it, a
 * button that reads the older ones a page at a time from `path?before=<id>` ({events, more}, or
 * the list under `key` for a log that names it otherwise) while `more` says some are left.
 * Returns [button, list].
 */
export function pagedLog({ events, more, path, item, err, testid, label, key = 'events' }) {
  let oldest = events[0]?.id;
  const list = h('ol', { class: 'timeline', testid }, events.map(item));
  const older = h('button', { type: 'button', class: 'btn', testid: testid + '-older', hidden: !more,
    onclick: async () => {
      older.disabled = true;
      try {
        const { data } = await api(`${path}?before=${oldest}`);
        const rows = data[key];
        list.prepend(...rows.map(item));
        if (rows.length) oldest = rows[0].id;
        older.hidden = !data.more;
      } catch (e) {
        err.show(e);
      } finally {
        older.disabled = false;
      }
    } }, label);
  return [older, list];
}
