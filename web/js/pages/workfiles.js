// "/ho-so-cong-viec" — work files (hồ sơ công việc, docs/documents.md §12): a unit's list of the
// year (Danh mục hồ sơ) with its handover list (PDF, XLSX), a new entry for the clerk or head,
// and one file with its documents: its officer opens it, adds and removes documents while it is
// open, closes it; the clerk or head hands it to the archive. Once its retention has ended
// (?expired=true lists those), the clerk or head proposes it for disposal or keeps it, and the
// head disposes of it with the decision's number and date. Every change sends If-Match.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, field, fmtDate, fmtDateTime, errorBox, facts } from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';

const ROLES = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];
const STATES = ['', 'listed', 'open', 'closed', 'archived', 'proposed', 'disposed'];
const thisYear = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));

function badge(w) {
  return h('span', { class: `badge wfstate-${w.state}`, testid: 'wf-state', 'data-state': w.state }, w.state_title);
}

const range = (w) => (w.from ? `${fmtDate(w.from)} – ${fmtDate(w.to)}` : '');

// The clerk's or head's new entry of the list; the officer from the unit's officers.
function newForm(user, year, onDone) {
  const codeF = field(t('wf.f.code'), { testid: 'wf-code', required: true, hint: t('wf.f.codeHint'), attrs: { maxlength: 30 } });
  const titleF = field(t('wf.f.title'), { kind: 'textarea', testid: 'wf-title', required: true, attrs: { maxlength: 1000 } });
  const retentionF = field(t('wf.f.retention'), { kind: 'select', testid: 'wf-retention', value: '10',
    options: [...[5, 10, 15, 20, 50, 70].map((n) => ({ value: String(n), label: t('wf.years', { n }) })),
      { value: 'vinh_vien', label: t('wf.permanent') }] });
  const whoF = field(t('wf.f.responsible'), { kind: 'select', testid: 'wf-responsible', required: true, options: [] });
  const noteF = field(t('wf.f.note'), { kind: 'textarea', testid: 'wf-note', attrs: { maxlength: 2000 } });
  const err = errorBox('wf-form-error');
  api('/api/v1/units/' + encodeURIComponent(user.unit?.code || '') + '/officers').then(({ data }) => {
    replace(whoF.input, data.items.map((o) => h('option', { value: o.username }, `${o.full_name} (${o.username})`)));
  }).catch(() => {});
  return h('form', { class: 'card', novalidate: true, testid: 'wf-form', onsubmit: async (e) => {
    e.preventDefault();
    err.hide();
    for (const f of [codeF, titleF, whoF]) f.clearError();
    for (const f of [codeF, titleF, whoF]) {
      if (!f.input.value.trim()) { f.setError(t('check.required', { field: f.label })); f.input.focus(); return; }
    }
    const r = retentionF.input.value;
    const body = { year, code: codeF.input.value.trim(), title: titleF.input.value.trim(), note: noteF.input.value.trim(),
      retention: r === 'vinh_vien' ? r : Number(r), responsible: whoF.input.value };
    try {
      const { data } = await api('/api/v1/workfiles', { method: 'POST', body });
      onDone(data);
    } catch (ex) { err.show(errorText(ex)); }
  } }, h('h2', null, t('wf.new', { year })), h('div', { class: 'grid-2' }, codeF.wrap, retentionF.wrap), titleF.wrap, whoF.wrap, noteF.wrap, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'wf-save' }, t('wf.save'))));
}

// The disposal list as a whole (POST /api/v1/workfiles/disposal, all or none): the clerk or head
// proposes every archived file of the expired list; the head disposes of every proposed file on
// one decision.
function listStep(user, items, expired, state) {
  const clerkOrHead = ['desk', 'leader'].includes(user.role);
  const err = errorBox('wf-list-error');
  const run = async (action, files, extra = {}) => {
    err.hide();
    try {
      await api('/api/v1/workfiles/disposal', { method: 'POST', body: { action, files: files.map((w) => ({ id: w.id, version: w.version })), ...extra } });
      navigate(location.pathname + location.search, { replace: true });
    } catch (e) { err.show(errorText(e)); }
  };
  if (expired && clerkOrHead) {
    const archived = items.filter((w) => w.state === 'archived');
    if (!archived.length) return null;
    return h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-propose-all',
      onclick: () => run('propose_disposal', archived) }, t('wf.proposeAll', { n: archived.length })), err);
  }
  if (state === 'proposed' && user.role === 'leader' && items.length) {
    const decisionF = field(t('wf.f.decision'), { testid: 'wf-list-decision', required: true, hint: t('wf.f.decisionHint'), attrs: { maxlength: 50 } });
    const dateF = field(t('wf.f.decisionDate'), { kind: 'date', testid: 'wf-list-decision-date', required: true });
    return h('form', { class: 'inline-form', novalidate: true, testid: 'wf-dispose-all-form', onsubmit: (e) => {
      e.preventDefault();
      for (const f of [decisionF, dateF]) f.clearError();
      for (const f of [decisionF, dateF]) {
        if (!f.input.value.trim()) { f.setError(t('check.required', { field: f.label })); f.input.focus(); return; }
      }
      run('dispose', items, { decision: decisionF.input.value.trim(), decision_date: dateF.input.value });
    } }, decisionF.wrap, dateF.wrap, h('button', { type: 'submit', class: 'btn btn-danger', testid: 'wf-dispose-all' },
      t('wf.disposeAll', { n: items.length })), err);
  }
  return null;
}

export async function list(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const year = Number(ctx.query.get('year')) || thisYear();
  const state = STATES.includes(ctx.query.get('state')) ? ctx.query.get('state') || '' : '';
  const mine = ctx.query.get('mine') === 'true';
  // The files whose retention has ended, of every year: the disposal's starting point.
  const expired = ctx.query.get('expired') === 'true' && !mine;
  // Files on the disposal list, or disposed of, are of any year.
  const anyYear = expired || state === 'proposed' || state === 'disposed';
  add(ctx.main, pageTitle(t('wf.title')));
  const link = (q) => '/ho-so-cong-viec?' + new URLSearchParams({ year, ...(state ? { state } : {}), ...(mine ? { mine: 'true' } : {}), ...q });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('wf.states') },
    h('a', { class: 'chip', href: link({ year: year - 1 }), testid: 'wf-prev-year' }, `‹ ${year - 1}`),
    h('span', { class: 'chip', 'aria-current': 'page' }, String(year)),
    h('a', { class: 'chip', href: link({ year: year + 1 }), testid: 'wf-next-year' }, `${year + 1} ›`),
    STATES.map((s) => h('a', { class: 'chip', href: '/ho-so-cong-viec?' + new URLSearchParams({ year, ...(s ? { state: s } : {}), ...(mine ? { mine: 'true' } : {}) }),
      testid: 'wf-filter-' + (s || 'all'), 'aria-current': s === state ? 'page' : null }, t('wf.state.' + (s || 'all')))),
    h('a', { class: 'chip', href: '/ho-so-cong-viec?' + new URLSearchParams({ year, ...(mine ? {} : { mine: 'true' }) }), testid: 'wf-mine',
      'aria-current': mine ? 'page' : null }, t('wf.mine')),
    h('a', { class: 'chip', href: '/ho-so-cong-viec?' + new URLSearchParams({ year, ...(expired ? {} : { expired: 'true' }) }), testid: 'wf-expired',
      'aria-current': expired ? 'page' : null }, t('wf.expired')));
  const printLinks = h('p', { class: 'actions' },
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/catalogue.pdf?year=${year}`, target: '_blank', testid: 'wf-catalogue-pdf' }, t('wf.cataloguePdf')),
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/catalogue.xlsx?year=${year}`, testid: 'wf-catalogue-xlsx' }, t('wf.catalogueXlsx')),
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/handover.pdf?year=${year}`, target: '_blank', testid: 'wf-handover-pdf' }, t('wf.handoverPdf')),
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/handover.xlsx?year=${year}`, testid: 'wf-handover-xlsx' }, t('wf.handoverXlsx')),
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/disposal.pdf${state === 'disposed' ? '?state=disposed' : ''}`, target: '_blank', testid: 'wf-disposal-pdf' }, t('wf.disposalPdf')),
    h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/workfiles/disposal.xlsx${state === 'disposed' ? '?state=disposed' : ''}`, testid: 'wf-disposal-xlsx' }, t('wf.disposalXlsx')));
  const may = ['desk', 'leader'].includes(user.role);
  const formBox = h('div');
  const top = h('div', { class: 'card filters' }, chips, printLinks,
    may ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-new',
      onclick: () => replace(formBox, newForm(user, year, (w) => navigate('/ho-so-cong-viec/' + w.id))) }, t('wf.newButton'))) : null);
  const heading = expired ? t('wf.expiredList') : anyYear ? t('wf.state.' + state) : t('wf.list', { year });
  const results = h('section', { class: 'card', 'aria-labelledby': 'wf-list-h' }, h('h2', { id: 'wf-list-h' }, heading), loading());
  add(ctx.main, top, formBox, results);
  try {
    const q = anyYear ? { ...(expired ? { expired: 'true' } : {}), limit: '1000', ...(state ? { state } : {}), ...(mine ? { mine: 'true' } : {}) }
      : { year: String(year), limit: '1000', ...(state ? { state } : {}), ...(mine ? { mine: 'true' } : {}) };
    const { data } = await api('/api/v1/workfiles?' + new URLSearchParams(q));
    if (!ctx.alive()) return;
    if (!data.items.length) {
      replace(results, h('h2', { id: 'wf-list-h' }, heading), h('p', { class: 'empty', testid: 'wf-empty' }, t('wf.empty')));
      return;
    }
    const head = [t('wf.col.code'), t('wf.col.title'), t('wf.col.retention'), expired ? t('wf.col.end') : t('wf.col.responsible'),
      t('wf.col.dates'), t('wf.col.docs'), t('wf.col.state')];
    const rows = data.items.map((w) => h('tr', { testid: 'wf-row', 'data-id': w.id, 'data-state': w.state },
      [anyYear ? `${w.code} (${w.year})` : w.code, h('a', { href: '/ho-so-cong-viec/' + w.id, testid: 'wf-link' }, w.title), w.retention_title,
        expired ? fmtDate(w.retention_end) : w.responsible?.name || '',
        range(w), String(w.documents_count), badge(w)].map((c, i) => h('td', { 'data-label': head[i] }, c))));
    replace(results, h('h2', { id: 'wf-list-h' }, heading),
      h('p', { class: 'muted', testid: 'wf-total' }, t('wf.total', { n: data.total })),
      listStep(user, data.items, expired, state),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, head.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows))));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(results, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
  }
}

export async function detail(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const id = ctx.params[0];
  const box = h('div', null, loading());
  add(ctx.main, box);
  let w, etag;
  try {
    ({ data: w, etag } = await api('/api/v1/workfiles/' + encodeURIComponent(id)));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(box, pageTitle(t('wf.title')), h('div', { class: 'alert alert-error', role: 'alert', testid: 'wf-error' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const err = errorBox('wf-action-error');
  const reload = () => navigate('/ho-so-cong-viec/' + w.id, { replace: true });
  const send = async (path, opts) => {
    err.hide();
    try {
      await api(path, { ...opts, headers: etag ? { 'If-Match': etag } : {} });
      reload();
    } catch (e) { err.show(errorText(e)); }
  };
  const keeper = w.responsible?.id === user.id;
  const open = w.state === 'open' && keeper;
  const pagesF = field(t('wf.f.pages'), { kind: 'number', testid: 'wf-pages', attrs: { min: 0, max: 100000 } });
  const clerkOrHead = ['desk', 'leader'].includes(user.role);
  const step = (action, body = {}) => send(`/api/v1/workfiles/${w.id}/actions`, { method: 'POST', body: { action, ...body } });
  // The head's decision to dispose: its number and date.
  const decisionF = field(t('wf.f.decision'), { testid: 'wf-decision', required: true, hint: t('wf.f.decisionHint'), attrs: { maxlength: 50 } });
  const decisionDateF = field(t('wf.f.decisionDate'), { kind: 'date', testid: 'wf-decision-date', required: true });
  const dispose = () => {
    for (const f of [decisionF, decisionDateF]) f.clearError();
    for (const f of [decisionF, decisionDateF]) {
      if (!f.input.value.trim()) { f.setError(t('check.required', { field: f.label })); f.input.focus(); return; }
    }
    step('dispose', { decision: decisionF.input.value.trim(), decision_date: decisionDateF.input.value });
  };
  const buttons = h('div', { class: 'actions', testid: 'wf-actions' },
    w.state === 'listed' && keeper ? h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-act-open',
      onclick: () => send(`/api/v1/workfiles/${w.id}/actions`, { method: 'POST', body: { action: 'open' } }) }, t('wf.act.open')) : null,
    open ? [pagesF.wrap, h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-act-close',
      onclick: () => send(`/api/v1/workfiles/${w.id}/actions`, { method: 'POST',
        body: { action: 'close', ...(pagesF.input.value !== '' ? { pages: Number(pagesF.input.value) } : {}) } }) }, t('wf.act.close'))] : null,
    w.state === 'closed' && ['desk', 'leader'].includes(user.role) ? h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-act-archive',
      onclick: () => send(`/api/v1/workfiles/${w.id}/actions`, { method: 'POST', body: { action: 'archive' } }) }, t('wf.act.archive')) : null,
    w.state === 'archived' && w.expired && clerkOrHead ? h('button', { type: 'button', class: 'btn btn-primary', testid: 'wf-act-propose',
      onclick: () => step('propose_disposal') }, t('wf.act.propose')) : null,
    w.state === 'proposed' && user.role === 'leader' ? [decisionF.wrap, decisionDateF.wrap, h('button', { type: 'button', class: 'btn btn-danger',
      testid: 'wf-act-dispose', onclick: dispose }, t('wf.act.dispose'))] : null,
    w.state === 'proposed' && clerkOrHead ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'wf-act-keep',
      onclick: () => step('keep') }, t('wf.act.keep')) : null);
  const docHead = [t('wf.doc.number'), t('wf.doc.subject'), t('wf.doc.date'), ''];
  const docs = w.documents.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'wf-documents' },
      h('thead', null, h('tr', null, docHead.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, w.documents.map((d) => h('tr', { testid: 'wf-doc', 'data-id': d.id },
        [h('a', { href: '/van-ban/' + d.id }, d.number || '—'), d.subject, d.date ? fmtDate(d.date) : '',
          open ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', testid: 'wf-doc-remove',
            onclick: () => send(`/api/v1/workfiles/${w.id}/documents/${d.id}`, { method: 'DELETE' }) }, t('wf.remove')) : '']
          .map((c, i) => h('td', { 'data-label': docHead[i] }, c)))))))
    : h('p', { class: 'empty', testid: 'wf-docs-empty' }, t('wf.noDocs'));
  // Documents to add: a search of those the officer may see, issued or registered.
  const finder = h('div');
  if (open) {
    const qF = field(t('wf.find'), { testid: 'wf-find', hint: t('wf.findHint') });
    const found = h('ul', { class: 'plain', testid: 'wf-found' });
    replace(finder, h('form', { class: 'inline-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      try {
        const { data } = await api('/api/v1/documents?' + new URLSearchParams({ q: qF.input.value.trim(), limit: '20' }));
        const have = new Set(w.documents.map((d) => d.id));
        replace(found, data.items.filter((d) => d.number && !have.has(d.id)).map((d) => h('li', { testid: 'wf-found-doc', 'data-id': d.id },
          `${d.number} — ${d.subject} `, h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'wf-doc-add',
            onclick: () => send(`/api/v1/workfiles/${w.id}/documents/${d.id}`, { method: 'PUT' }) }, t('wf.add')))));
        if (!found.children.length) replace(found, h('li', { class: 'muted' }, t('wf.noneFound')));
      } catch (ex) { err.show(errorText(ex)); }
    } }, qF.wrap, h('button', { type: 'submit', class: 'btn btn-secondary', testid: 'wf-find-go' }, t('wf.search'))), found);
  }
  const rows = [
    [t('wf.col.state'), badge(w)],
    [t('wf.f.code'), w.code, 'wf-code-text'],
    [t('wf.col.unit'), w.unit?.name],
    [t('wf.f.retention'), w.retention_title, 'wf-retention-text'],
    w.retention_end ? [t('wf.retentionEnd'), fmtDate(w.retention_end), 'wf-retention-end'] : null,
    [t('wf.f.responsible'), w.responsible?.name],
    [t('wf.col.dates'), range(w) || null, 'wf-dates'],
    [t('wf.col.docs'), String(w.documents_count), 'wf-count'],
    w.pages ? [t('wf.f.pages'), String(w.pages)] : null,
    w.note ? [t('wf.f.note'), w.note] : null,
    w.opened_at ? [t('wf.openedAt'), fmtDateTime(w.opened_at)] : null,
    w.closed_at ? [t('wf.closedAt'), fmtDateTime(w.closed_at)] : null,
    w.archived_at ? [t('wf.archivedAt'), fmtDateTime(w.archived_at)] : null,
    w.disposal?.proposed_at ? [t('wf.proposedAt'), fmtDateTime(w.disposal.proposed_at)] : null,
    w.disposal?.decision ? [t('wf.decision'), `${w.disposal.decision} — ${fmtDate(w.disposal.decision_date)}`, 'wf-decision-text'] : null,
    w.disposal?.disposed_at ? [t('wf.disposedAt'), fmtDateTime(w.disposal.disposed_at)] : null,
  ];
  replace(box, pageTitle(w.title, 'page-title'),
    h('p', null, h('a', { href: '/ho-so-cong-viec?year=' + w.year }, t('wf.back'))),
    h('section', { class: 'card' }, facts(rows), buttons, err),
    h('section', { class: 'card', 'aria-labelledby': 'wf-docs-h' }, h('h2', { id: 'wf-docs-h' }, t('wf.documents')), docs, finder));
}
