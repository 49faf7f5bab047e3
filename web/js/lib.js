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

/** A labelled field: returns {wrap, input}. kind: input type, 'select' or 'textarea'. */
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
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    input, hintEl);
  return { wrap, input };
}

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

/** The message for an API error: the translation of its type, then the server's detail. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('problem.unknown');
  const key = 'problem.' + (err.type || 'unknown');
  let msg = t(key);
  if (msg === key) msg = err.problem?.title || t('problem.unknown');
  const detail = err.problem?.detail;
  return detail && err.type !== 'network' ? `${msg} (${detail})` : msg;
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

export function fmtMoney(amount) {
  if (!amount) return t('fee.free');
  return new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(amount);
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

export function timelinessBadge(tl, testid) {
  if (!tl) return null;
  const mark = { overdue: '!', late: '!', due_soon: '!' }[tl] || '';
  return h('span', { class: `badge tl-${tl}`, testid: testid || 'timeliness-badge', 'data-timeliness': tl },
    mark ? h('span', { 'aria-hidden': 'true', class: 'badge-mark' }, mark + ' ') : null, t('timeliness.' + tl));
}

export function levelsText(levels) {
  return String(levels || '').split(',').filter(Boolean).map((l) => t('level.' + l.trim())).join(', ');
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
