// Pieces shared by the dossier pages: summary, documents, history, actions with If-Match.
import { t } from '/i18n/i18n.js';
import { h, api, facts, fmtDateTime, fmtSize, stateBadge, timelinessBadge, ApiError, errorText, replace } from '/js/lib.js';

export function dossierSummary(d, { withApplicant = true } = {}) {
  const a = d.applicant || {};
  return facts([
    [t('dossier.code'), h('span', { class: 'code' }, d.code), 'dossier-code'],
    [t('dossier.procedure'), d.procedure ? d.procedure.name || d.procedure.code : '—', 'dossier-procedure'],
    [t('dossier.state'), stateBadge(d.state, 'dossier-state'), null],
    [t('dossier.timeliness'), d.timeliness ? timelinessBadge(d.timeliness, 'dossier-timeliness', d) : '—', null],
    [t('dossier.channel'), t('channel.' + d.channel), 'dossier-channel'],
    withApplicant ? [t('applicant.name'), a.name, 'dossier-applicant'] : null,
    withApplicant && a.id_number ? [t('applicant.idNumber'), a.id_number, null] : null,
    withApplicant && a.phone ? [t('applicant.phone'), a.phone, null] : null,
    withApplicant && a.email ? [t('applicant.email'), a.email, null] : null,
    withApplicant && a.address ? [t('applicant.address'), a.address, null] : null,
    [t('dossier.receivingUnit'), d.receiving_unit?.name, 'dossier-receiving-unit'],
    d.current_unit && d.current_unit.code !== d.receiving_unit?.code ? [t('dossier.currentUnit'), d.current_unit.name, 'dossier-current-unit'] : null,
    d.submitted_at ? [t('dossier.submittedAt'), fmtDateTime(d.submitted_at), 'dossier-submitted'] : null,
    [t('dossier.receivedAt'), fmtDateTime(d.received_at), 'dossier-received'],
    [t('dossier.dueAt'), fmtDateTime(d.due_at), 'dossier-due'],
    d.paused_at ? [t('dossier.pausedAt'), fmtDateTime(d.paused_at), 'dossier-paused'] : null,
    d.finished_at ? [t('dossier.finishedAt'), fmtDateTime(d.finished_at), 'dossier-finished'] : null,
    d.returned_at ? [t('dossier.returnedAt'), fmtDateTime(d.returned_at), 'dossier-returned'] : null,
    d.outcome ? [t('dossier.outcome'), t('outcome.' + d.outcome), 'dossier-outcome'] : null,
    d.note ? [t('dossier.note'), d.note, 'dossier-note'] : null,
  ]);
}

export function attachmentLink(att, testid = 'document-download') {
  return h('a', {
    href: '/api/v1/attachments/' + encodeURIComponent(att.sha256), download: att.filename || '', testid,
    class: 'download',
  }, t('doc.download', { name: att.filename || t('doc.file') }), att.size ? ` (${fmtSize(att.size)})` : '');
}

const PREVIEWABLE = ['application/pdf', 'image/png', 'image/jpeg'];

/**
 * "Xem" for a PDF or an image: the file is fetched (with the session) and shown in the page
 * from a blob: URL, a PDF in a frame, an image as an image; "Đóng" takes it away again.
 */
export function previewButton(att, box) {
  if (!PREVIEWABLE.includes(att.mime)) return null;
  let url = null;
  const close = () => { replace(box); box.hidden = true; if (url) URL.revokeObjectURL(url); url = null; btn.setAttribute('aria-expanded', 'false'); };
  const btn = h('button', {
    type: 'button', class: 'btn btn-link', testid: 'document-preview', 'aria-expanded': 'false',
    onclick: async () => {
      if (url) { close(); return; }
      replace(box, h('p', { class: 'loading' }, t('common.loading')));
      box.hidden = false;
      try {
        const res = await fetch('/api/v1/attachments/' + encodeURIComponent(att.sha256), { credentials: 'same-origin' });
        if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
        url = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: att.mime }));
        const title = t('doc.previewOf', { name: att.filename || t('doc.file') });
        replace(box,
          att.mime === 'application/pdf'
            ? h('iframe', { src: url, title, class: 'preview-frame', testid: 'preview-frame' })
            : h('img', { src: url, alt: title, class: 'preview-image', testid: 'preview-image' }),
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'preview-close', onclick: () => { close(); btn.focus(); } }, t('doc.closePreview'))));
        btn.setAttribute('aria-expanded', 'true');
      } catch (e) {
        replace(box, h('p', { class: 'error-text' }, errorText(e)));
      }
    },
  }, t('doc.preview'));
  return btn;
}

/** The dossier's documents; results (kind "result") first, each downloadable when a file is attached. */
export function documentsList(docs) {
  docs = docs || [];
  if (!docs.length) return h('p', { testid: 'documents-empty' }, t('doc.none'));
  const results = docs.filter((d) => d.kind === 'result');
  const others = docs.filter((d) => d.kind !== 'result');
  const item = (d) => h('li', { class: 'doc-item', testid: d.kind === 'result' ? 'result-document' : 'dossier-document', 'data-seq': d.seq },
    h('span', { class: 'doc-name' }, d.name),
    h('span', { class: 'muted' }, ' — ', t('doc.counts', { o: d.originals ?? 0, c: d.copies ?? 0 })),
    d.attachment ? (() => {
      const box = h('div', { class: 'preview', hidden: true, testid: 'document-preview-box' });
      return [h('div', { class: 'doc-links' }, attachmentLink(d.attachment, d.kind === 'result' ? 'result-download' : 'document-download'),
        previewButton(d.attachment, box)), box];
    })() : null);
  return h('div', null,
    results.length ? h('div', { class: 'result-docs' }, h('h3', null, t('doc.results')), h('ul', { class: 'doc-list' }, results.map(item))) : null,
    others.length ? h('ul', { class: 'doc-list', testid: 'dossier-documents' }, others.map(item)) : null);
}

/** The full history (officer and owner view): who, when, from → to, note. */
export function historyList(events) {
  return h('ol', { class: 'timeline', testid: 'dossier-history' }, (events || []).map((e) => h('li', {
    class: `tl-item tl-state-${e.to}`, testid: 'timeline-entry', 'data-action': e.action, 'data-state': e.to,
  },
  h('div', { class: 'tl-when' }, h('time', { datetime: e.at }, fmtDateTime(e.at))),
  h('div', { class: 'tl-body' },
    h('p', { class: 'tl-title' }, t('action.past.' + e.action), ' → ', stateBadge(e.to, 'timeline-state')),
    h('p', { class: 'muted' }, [e.unit?.name, e.actor].filter(Boolean).join(' · ')),
    e.note ? h('p', { class: 'tl-note' }, e.note) : null))));
}

/** POST an action with If-Match; a 409/412 becomes a ConflictError for a clear message. */
export async function act(code, version, body) {
  const headers = {};
  if (version !== undefined && version !== null) headers['If-Match'] = /^(W\/)?"/.test(String(version)) ? String(version) : `"${version}"`;
  return api('/api/v1/dossiers/' + encodeURIComponent(code) + '/actions', { method: 'POST', body, headers });
}

export function isConflict(e) {
  return e instanceof ApiError && (e.status === 412 || e.type === 'version-conflict');
}

/** Shows an action error; on a conflict, with a reload button. */
export function showActionError(box, e, reload) {
  box.hidden = false;
  if (isConflict(e)) {
    replace(box, h('p', null, t('conflict.text')),
      h('button', { type: 'button', class: 'btn btn-secondary', testid: 'conflict-reload', onclick: reload }, t('conflict.reload')));
  } else {
    replace(box, errorText(e));
  }
}

export function formUrl(code, form) {
  return '/api/v1/dossiers/' + encodeURIComponent(code) + '/forms/' + form;
}

/** Links to the official forms (PDF) that apply to the dossier's history. */
export function formLinks(d) {
  const acts = new Set((d.events || []).map((e) => e.action));
  const forms = [];
  if (d.received_at) forms.push('01');
  if (acts.has('request_supplement')) forms.push('02');
  if (acts.has('refuse')) forms.push('03');
  // 04 is the apology: only once one was made (its reason and new date fill it)
  if (acts.has('apology')) forms.push('04');
  if (d.state !== 'submitted') forms.push('05');
  if (d.state === 'stopped') forms.push('07');
  if (!forms.length) return null;
  return h('ul', { class: 'plain form-links', testid: 'form-links' }, forms.map((f) => h('li', null,
    h('a', { href: formUrl(d.code, f), download: '', testid: 'form-' + f, class: 'download' }, t('forms.' + f)))));
}
