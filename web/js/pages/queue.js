// "/can-bo/ho-so" — the work queue (most urgent first, as the API sorts it);
// "/can-bo/ho-so/{code}" — the dossier with its documents, history and allowed actions.
import { t } from '/i18n/i18n.js';
import {
  h, add, api, pageTitle, replace, loading, errorText, errorBox, field, fmtDateTime, stateBadge, timelinessBadge, uid, fileField, ApiError,
} from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';
import { dossierSummary, documentsList, historyList, act, showActionError, formLinks, formUrl } from '/js/dossier-ui.js';
import { unitPicker, officerPicker } from '/js/pickers.js';

const OFFICERS = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];
const STATES = ['submitted', 'received', 'processing', 'supplement_requested', 'awaiting_payment', 'resolved', 'returned', 'not_accepted', 'withdrawn', 'stopped'];
const PAGE = 25;
// The centres' views (GET /api/v1/dossiers?view=): '' is the competent unit's list.
const VIEWS = ['', 'reception', 'return'];

export async function list(ctx) {
  const user = requireRole(ctx, OFFICERS);
  if (!user) return;
  const q = ctx.query;
  const st = { state: q.get('state') || '', q: q.get('q') || '', open: q.get('open') !== 'false', mine: q.get('mine') === 'true', view: VIEWS.includes(q.get('view')) ? q.get('view') : '', offset: Number(q.get('offset')) || 0 };
  add(ctx.main, pageTitle(t('queue.title')), h('p', { class: 'lead muted' }, user.unit ? t('queue.scope', { unit: user.unit.name }) : ''));

  const stateF = field(t('queue.state'), { kind: 'select', testid: 'queue-state', value: st.state, options: [{ value: '', label: t('queue.anyState') }, ...STATES.map((s) => ({ value: s, label: t('state.' + s) }))] });
  const viewF = field(t('queue.view'), { kind: 'select', testid: 'queue-view', value: st.view, hint: t('queue.view.hint'),
    options: VIEWS.map((v) => ({ value: v, label: t('queue.view.' + (v || 'own')) })) });
  const qF = field(t('queue.search'), { kind: 'search', testid: 'queue-search', value: st.q, hint: t('queue.searchHint'), attrs: { maxlength: 200 } });
  const openId = uid('open');
  const mineId = uid('mine');
  const openBox = h('input', { type: 'checkbox', id: openId, testid: 'queue-open', checked: st.open });
  const mineBox = h('input', { type: 'checkbox', id: mineId, testid: 'queue-mine', checked: st.mine });
  const filters = h('form', {
    class: 'card filters', role: 'search', onsubmit: (e) => { e.preventDefault(); apply(0); },
  }, viewF.wrap, stateF.wrap, qF.wrap,
  h('div', { class: 'checks' },
    h('span', { class: 'check' }, openBox, h('label', { for: openId }, t('queue.openOnly'))),
    ['specialist', 'leader', 'desk'].includes(user.role) ? h('span', { class: 'check' }, mineBox, h('label', { for: mineId }, t('queue.mine'))) : null),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'queue-apply' }, t('queue.apply'))));
  stateF.input.addEventListener('change', () => apply(0));
  viewF.input.addEventListener('change', () => apply(0));
  openBox.addEventListener('change', () => apply(0));
  mineBox.addEventListener('change', () => apply(0));
  const box = h('div', null, loading());
  add(ctx.main, filters, box);

  function apply(offset) {
    const sp = new URLSearchParams();
    if (viewF.input.value) sp.set('view', viewF.input.value);
    if (stateF.input.value) sp.set('state', stateF.input.value);
    if (qF.input.value.trim()) sp.set('q', qF.input.value.trim());
    if (!openBox.checked) sp.set('open', 'false');
    if (mineBox.checked) sp.set('mine', 'true');
    if (offset) sp.set('offset', String(offset));
    // each filter and page is an entry of the history: Back returns to the one before
    navigate('/can-bo/ho-so' + (sp.toString() ? '?' + sp : ''));
  }

  const sp = new URLSearchParams({ limit: String(PAGE), offset: String(st.offset) });
  if (st.view) sp.set('view', st.view);
  if (st.state) sp.set('state', st.state);
  else if (st.open) sp.set('open', 'true');
  if (st.q) sp.set('q', st.q);
  if (st.mine) sp.set('mine', 'true');
  let data;
  try {
    ({ data } = await api('/api/v1/dossiers?' + sp));
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const from = data.total ? st.offset + 1 : 0;
  const to = st.offset + data.items.length;
  replace(box,
    h('p', { class: 'muted', role: 'status', testid: 'queue-total', 'data-total': data.total }, t('queue.showing', { from, to, total: data.total })),
    data.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table queue', testid: 'queue-table' },
      h('caption', { class: 'sr-only' }, t('queue.caption')),
      h('thead', null, h('tr', null, [t('dossier.code'), t('dossier.procedure'), t('applicant.name'), t('dossier.state'), t('dossier.dueAt'), t('dossier.timeliness')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, data.items.map((d) => h('tr', { testid: 'dossier-row', 'data-code': d.code, 'data-state': d.state, 'data-timeliness': d.timeliness || '', class: d.timeliness ? 'row-' + d.timeliness : '' },
        h('td', { 'data-label': t('dossier.code') }, h('a', { href: '/can-bo/ho-so/' + encodeURIComponent(d.code), class: 'code' }, d.code)),
        h('td', { 'data-label': t('dossier.procedure') }, d.procedure.name || d.procedure.code, h('div', { class: 'muted small' }, d.current_unit?.name)),
        h('td', { 'data-label': t('applicant.name') }, d.applicant?.name),
        h('td', { 'data-label': t('dossier.state') }, stateBadge(d.state)),
        h('td', { 'data-label': t('dossier.dueAt'), class: 'nowrap' }, fmtDateTime(d.due_at)),
        h('td', { 'data-label': t('dossier.timeliness') }, timelinessBadge(d.timeliness, null, d) || '—')))))) : h('p', { class: 'empty', testid: 'queue-empty' }, t('queue.empty')),
    h('nav', { class: 'pager', 'aria-label': t('queue.pages') },
      st.offset > 0 ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'queue-prev', onclick: () => apply(Math.max(0, st.offset - PAGE)) }, t('queue.prev')) : null,
      to < data.total ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'queue-next', onclick: () => apply(st.offset + PAGE) }, t('queue.next')) : null));
}

// Which actions need which inputs.
// an officer withdraws a dossier only on the applicant's request, which the note records
const NEEDS_NOTE = new Set(['refuse', 'request_supplement', 'stop', 'withdraw']);
const BUTTON_CLASS = { refuse: 'btn-danger-outline', stop: 'btn-danger-outline', withdraw: 'btn-danger-outline' };

export async function detail(ctx) {
  const user = requireRole(ctx, OFFICERS);
  if (!user) return;
  const code = ctx.params[0];
  add(ctx.main, h('nav', { class: 'crumbs', 'aria-label': t('nav.crumbs') }, h('a', { href: '/can-bo/ho-so' }, t('queue.title')), ' › ', code),
    pageTitle(t('queue.detailTitle', { code })));
  const box = h('div', null, loading());
  add(ctx.main, box);

  async function load(message) {
    let d;
    let etag;
    try {
      ({ data: d, etag } = await api('/api/v1/dossiers/' + encodeURIComponent(code)));
    } catch (e) {
      replace(box, h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' },
        e instanceof ApiError && e.status === 404 ? t('mine.notFound') : errorText(e)));
      return;
    }
    if (!ctx.alive()) return;
    const version = etag || d.version;
    const actions = Array.isArray(d.actions) ? d.actions : [];
    const msg = h('div', { class: 'alert alert-success', role: 'status', testid: 'action-message', tabindex: '-1', hidden: !message }, message || '');
    const actErr = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, testid: 'action-error' });
    const formBox = h('div', { testid: 'action-form-box' });
    const actionBar = h('div', { class: 'action-bar', testid: 'action-bar' },
      actions.length ? actions.map((a) => h('button', {
        type: 'button', class: 'btn ' + (BUTTON_CLASS[a] || (a === 'resolve' || a === 'receive' || a === 'return' ? 'btn-primary' : 'btn-secondary')),
        testid: 'action-' + a, 'data-action': a, onclick: () => openForm(a),
      }, t('action.' + a))) : h('p', { class: 'muted', testid: 'no-actions' }, t('queue.noActions')));

    // Apologies (QĐ 876/2017, form 04) for a dossier past its due time, or that has some.
    const apologyBox = h('div');
    if (['desk', 'specialist', 'leader'].includes(user.role) &&
      (d.timeliness === 'overdue' || (d.events || []).some((e) => e.action === 'apology'))) {
      apologies(ctx, apologyBox, d, user, load);
    }
    // The actions come first on a phone (the grid puts them beside the facts on a wide screen).
    replace(box, msg,
      h('div', { class: 'detail-grid' },
        h('aside', { class: 'detail-actions' },
          h('section', { class: 'card sticky', 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('queue.actions')), actionBar, formBox, actErr,
            h('h3', { class: 'forms-h' }, t('forms.title')), formLinks(d) || h('p', { class: 'muted' }, '—'),
            d.received_at ? h('p', null, h('a', { href: '/in/giay-tiep-nhan/' + encodeURIComponent(d.code), testid: 'receipt-print-view' }, t('receipt.printView'))) : null)),
        h('div', { class: 'detail-main' },
          h('section', { class: 'card' }, h('h2', null, d.procedure.name || d.procedure.code), dossierSummary(d)),
          apologyBox,
          h('section', { class: 'card' }, h('h2', null, t('doc.title')), documentsList(d.documents)),
          h('section', { class: 'card' }, h('h2', null, t('dossier.history')), historyList(d.events)))));
    if (message) msg.focus();
    else if (location.hash === '#xin-loi') apologyBox.scrollIntoView();

    async function openForm(a) {
      actErr.hidden = true;
      for (const b of actionBar.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.getAttribute('data-action') === a));
      const parts = [];
      let note = null;
      let unitSel = null;
      let handler = null;
      let outcome = null;
      let resultFile = null;
      if (a === 'transfer') {
        // searched as one types: 692 units are no list to scroll
        unitSel = unitPicker(t('act.toUnit'), { testid: 'action-to-unit', required: true, hint: t('act.toUnitHint'), exclude: [d.current_unit?.code].filter(Boolean) });
        parts.push(unitSel.wrap);
      }
      if (a === 'assign' && d.current_unit) {
        // the officers of the unit holding it, with the dossiers each has in hand
        handler = officerPicker(d.current_unit.code, { exclude: null });
        parts.push(handler.wrap);
      }
      if (a === 'resolve') {
        outcome = h('fieldset', { class: 'radio-group' }, h('legend', null, t('act.outcome')),
          ['approved', 'refused'].map((o) => h('span', { class: 'radio' },
            h('input', { type: 'radio', name: 'outcome', value: o, id: 'oc-' + o, testid: 'action-outcome-' + o, checked: o === 'approved' }),
            h('label', { for: 'oc-' + o }, t('outcome.' + o)))));
        parts.push(outcome);
        resultFile = fileField(t('act.resultFile'), { testid: 'action-result-file' });
        parts.push(resultFile.wrap);
      }
      // The answer to a supplement request is what was asked for: the documents received.
      let suppDocs = null;
      if (a === 'supplement') {
        suppDocs = field(t('act.suppDocs'), { kind: 'textarea', testid: 'action-supplement-docs', required: true, attrs: { maxlength: 1000 } });
        parts.push(suppDocs.wrap);
      }
      let noteRequired = NEEDS_NOTE.has(a);
      let noteField = null;
      if (a !== 'receive' && a !== 'return' && a !== 'pay') {
        noteField = field(a === 'withdraw' ? t('act.withdrawNote') : noteRequired ? t('act.noteRequired') : t('act.note'), { kind: 'textarea', testid: 'action-note', required: noteRequired, attrs: { maxlength: 1000 } });
        note = noteField.input;
        parts.push(noteField.wrap);
      }
      const ferr = errorBox('action-form-error');
      const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'action-submit' }, t('act.confirm', { action: t('action.' + a) }));
      // Resolving has two outcomes: a refusal reads as one, in red, and needs its reasons.
      const outcomeChanged = () => {
        const refused = outcome && outcome.querySelector('input[name=outcome]:checked')?.value === 'refused';
        noteRequired = refused;
        replace(noteField.labelEl, refused ? t('act.refusalReasons') : t('act.note'), refused ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
        note.required = refused;
        noteField.clearError();
        replace(submit, t(refused ? 'act.confirmRefuse' : 'act.confirmApprove'));
        submit.className = 'btn ' + (refused ? 'btn-danger' : 'btn-primary');
        submit.setAttribute('data-outcome', refused ? 'refused' : 'approved');
      };
      if (outcome) {
        outcome.addEventListener('change', outcomeChanged);
        outcomeChanged();
      }
      const form = h('form', {
        class: 'inline-form', novalidate: true, testid: 'action-form', 'data-action': a, onsubmit: async (e) => {
          e.preventDefault();
          ferr.hide();
          const body = { action: a };
          const nv = note ? note.value.trim() : '';
          if (nv) body.note = nv;
          let bad = null;
          if (unitSel) {
            if (!unitSel.value()) { unitSel.setError(unitSel.typedWithoutChoice() ? t('file.pickUnit') : t('act.chooseUnit')); bad = bad || unitSel.input; } else unitSel.clearError();
            body.to_unit = unitSel.value();
          }
          if (noteField) {
            if (noteRequired && !nv) { noteField.setError(outcome ? t('act.refusalNote') : t('form.noteRequired')); bad = bad || note; } else noteField.clearError();
          }
          if (suppDocs) {
            const names = suppDocs.input.value.split('\n').map((x) => x.trim()).filter(Boolean);
            if (!names.length) { suppDocs.setError(t('act.suppDocsRequired')); bad = bad || suppDocs.input; } else suppDocs.clearError();
            body.documents = names.map((name) => ({ name, originals: 1, copies: 0 }));
          }
          if (bad) { ferr.show(t('form.fixMarked')); bad.focus(); return; }
          if (handler && handler.value()) body.handler = handler.value();
          if (outcome) {
            body.outcome = form.querySelector('input[name=outcome]:checked').value;
            if (resultFile.error()) { ferr.show(resultFile.error()); return; }
            if (resultFile.hasFile()) {
              const u = await resultFile.get();
              if (!u) { ferr.show(resultFile.error() || t('file.uploadFailed')); return; }
              body.documents = [{ name: t('act.resultDocName'), kind: 'result', originals: 1, copies: 0, attachment: u.sha256, filename: u.filename }];
            }
          }
          submit.disabled = true;
          try {
            await act(d.code, version, body);
            load(t('act.done', { action: t('action.' + a) }));
          } catch (e2) {
            submit.disabled = false;
            const where = { note: noteField, to_unit: unitSel, documents: suppDocs }[e2.problem?.field];
            if (where) { where.setError(errorText(e2)); where.input.focus(); }
            showActionError(ferr, e2, () => load());
          }
        },
      }, h('h3', null, t('action.' + a)), parts, ferr,
      h('div', { class: 'actions' }, submit,
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'action-cancel', onclick: () => { replace(formBox); for (const b of actionBar.querySelectorAll('button')) b.removeAttribute('aria-pressed'); } }, t('common.cancel'))));
      replace(formBox, form);
      (form.querySelector('select, textarea, input') || submit).focus();
    }
  }
  await load();
}

/** "2017-06-30T09:14:00+07:00" → "2017-06-30T09:14", the wall time in Việt Nam (UTC+7, no summer time). */
function localMinute(iso) {
  return new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString().slice(0, 16);
}

/**
 * The apologies of an overdue dossier: those prepared and issued, form 04 of each; the leader
 * signs off a prepared one; desk, specialist or leader prepares one with the reason and the new
 * appointment the deadline rules propose (GET …/apologies: proposed_new_due), which may be moved.
 */
async function apologies(ctx, box, d, user, reload) {
  const path = '/api/v1/dossiers/' + encodeURIComponent(d.code) + '/apologies';
  const section = h('section', { class: 'card apologies', id: 'xin-loi', 'aria-labelledby': 'apo-h', testid: 'apologies' },
    h('h2', { id: 'apo-h' }, t('apology.title')), loading());
  replace(box, section);
  let data;
  try { ({ data } = await api(path)); } catch (e) { replace(section, section.firstChild, h('p', { class: 'error-text' }, errorText(e))); return; }
  if (!ctx.alive()) return;
  const pending = data.items.find((a) => a.state === 'prepared');
  const err = errorBox('apology-error');
  const last = data.items[data.items.length - 1];
  const list = data.items.length ? h('ul', { class: 'plain apology-list', testid: 'apology-list' }, data.items.map((a) => h('li', { testid: 'apology-item', 'data-state': a.state, 'data-id': a.id },
    h('p', null, h('span', { class: 'badge ' + (a.state === 'issued' ? 'badge-ok' : 'badge-warn') }, t('apology.state.' + a.state)), ' ', a.reason),
    h('p', { class: 'muted' }, t('apology.dates', { old: fmtDateTime(a.old_due), new: fmtDateTime(a.new_due) })),
    h('p', { class: 'muted' }, a.state === 'issued' ? t('apology.issuedBy', { name: a.issued_by || '—', at: fmtDateTime(a.issued_at) })
      : t('apology.preparedBy', { name: a.prepared_by || '—', at: fmtDateTime(a.prepared_at) })),
    // issued as an outgoing document of the unit (migration 038): its official number
    a.document?.number ? h('p', { class: 'muted', testid: 'apology-document-number' },
      t('apology.documentNumber', { number: a.document.number })) : null,
    // form 04 is filled from the latest apology
    a === last ? h('p', null, h('a', { href: formUrl(d.code, '04'), download: '', class: 'download', testid: 'apology-form-04' }, t('forms.04'))) : null,
    a.state === 'prepared' && user.role === 'leader' ? h('button', {
      type: 'button', class: 'btn btn-primary', testid: 'apology-issue', onclick: async (ev) => {
        err.hide();
        ev.target.disabled = true;
        try {
          await api(path + '/' + a.id + '/issue', { method: 'POST' });
          reload(t('apology.issued'));
        } catch (e2) { ev.target.disabled = false; err.show(e2); }
      },
    }, t('apology.issue')) : null,
    a.state === 'prepared' && user.role !== 'leader' ? h('p', { class: 'hint', testid: 'apology-awaits-leader' }, t('apology.awaitsLeader')) : null)))
    : null;
  let form = null;
  if (!pending && data.proposed_new_due && d.timeliness === 'overdue') {
    const reason = field(t('apology.reason'), { kind: 'textarea', testid: 'apology-reason', required: true, hint: t('apology.reasonHint'), attrs: { maxlength: 1000 } });
    const due = field(t('apology.newDue'), { kind: 'datetime-local', testid: 'apology-new-due', required: true, value: localMinute(data.proposed_new_due),
      hint: t('apology.newDueHint', { at: fmtDateTime(data.proposed_new_due) }) });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'apology-prepare' }, t('apology.prepare'));
    form = h('form', {
      class: 'inline-form', novalidate: true, testid: 'apology-form', onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        const r = reason.input.value.trim();
        if (!r) { reason.setError(t('apology.reasonRequired')); reason.input.focus(); err.show(t('form.fixMarked')); return; }
        reason.clearError();
        if (!due.input.value) { due.setError(t('check.required', { field: t('apology.newDue') })); due.input.focus(); return; }
        due.clearError();
        submit.disabled = true;
        try {
          await api(path, { method: 'POST', body: { reason: r, new_due: due.input.value } });
          reload(t('apology.prepared'));
        } catch (e2) {
          submit.disabled = false;
          const where = { reason, new_due: due }[e2.problem?.field];
          if (where) { where.setError(errorText(e2)); where.input.focus(); }
          err.show(e2);
        }
      },
    }, h('h3', null, t('apology.new')), h('p', { class: 'muted' }, t('apology.why')), reason.wrap, due.wrap, err,
    h('div', { class: 'actions' }, submit));
  }
  replace(section, section.firstChild,
    d.timeliness === 'overdue' && !pending ? h('p', { class: 'alert alert-warn', testid: 'apology-needed' }, t('apology.needed')) : null,
    list, form, form ? null : err);
}
