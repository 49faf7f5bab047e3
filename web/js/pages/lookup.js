// "/tra-cuu" and "/tra-cuu/{code}" — the public lookup (the QR code on the receipt opens it).
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, fmtDateTime, stateBadge, timelinessBadge, facts, uid, ApiError } from '/js/lib.js';
import { navigate } from '/js/app.js';

/** A code as typed from the paper, without the spaces (the server forgives case and dashes too). */
export function typedCode(s) {
  return String(s).replace(/\s+/g, '');
}

function lookupForm(value) {
  const id = uid('lk');
  const input = h('input', { id, type: 'text', testid: 'lookup-input', value: value || '', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', required: true, maxlength: 80, placeholder: t('lookup.placeholder'), 'aria-describedby': id + '-hint' });
  return h('form', {
    class: 'card form lookup-form', role: 'search', onsubmit: (e) => {
      e.preventDefault();
      const code = typedCode(input.value);
      if (code) navigate('/tra-cuu/' + encodeURIComponent(code));
    },
  }, h('label', { for: id }, t('lookup.codeLabel')),
  h('div', { class: 'search-row' }, input, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'lookup-submit' }, t('lookup.button'))),
  h('p', { class: 'hint', id: id + '-hint', testid: 'lookup-hint' }, t('lookup.hint')));
}

export async function form(ctx) {
  add(ctx.main, pageTitle(t('lookup.title')), lookupForm(''));
}

// The steps a dossier goes through, to show what is still ahead.
const PATH = ['submitted', 'received', 'processing', 'resolved', 'returned'];

export async function show(ctx) {
  const code = typedCode(ctx.params[0]);
  add(ctx.main, pageTitle(t('lookup.title')));
  const box = h('div', null, loading());
  add(ctx.main, box);
  let d;
  try {
    ({ data: d } = await api('/api/v1/public/dossiers/' + encodeURIComponent(code)));
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert', testid: 'lookup-not-found' },
      e instanceof ApiError && e.status === 404 ? t('lookup.notFound', { code }) : errorText(e)), lookupForm(code));
    return;
  }
  if (!ctx.alive()) return;
  document.title = `${d.code} · ${t('app.name')}`;
  const reached = new Set(d.timeline.map((e) => e.state));
  const ahead = PATH.filter((s) => !reached.has(s) && PATH.indexOf(s) > PATH.indexOf(d.state) && !(s === 'submitted'));
  const final = ['not_accepted', 'withdrawn', 'stopped', 'returned'].includes(d.state);

  replace(box,
    h('section', { class: 'card lookup-head', testid: 'lookup-result' },
      h('p', { class: 'big-code', testid: 'lookup-code' }, d.code),
      h('p', { class: 'lookup-proc', testid: 'lookup-procedure' }, d.procedure.name || d.procedure.code),
      h('div', { class: 'lookup-status' }, stateBadge(d.state, 'lookup-state'), ' ', timelinessBadge(d.timeliness, 'lookup-timeliness')),
      h('p', { class: 'state-explain' }, t('stateHelp.' + d.state)),
      facts([
        [t('lookup.applicant'), d.applicant_name, 'lookup-applicant'],
        [t('dossier.receivingUnit'), d.receiving_unit?.name, 'lookup-receiving-unit'],
        d.current_unit && d.current_unit.code !== d.receiving_unit?.code ? [t('dossier.currentUnit'), d.current_unit.name, 'lookup-current-unit'] : null,
        d.submitted_at ? [t('dossier.submittedAt'), fmtDateTime(d.submitted_at), 'lookup-submitted'] : null,
        [t('dossier.receivedAt'), fmtDateTime(d.received_at), 'lookup-received'],
        [t('dossier.dueAt'), fmtDateTime(d.due_at), 'lookup-due'],
        [t('dossier.finishedAt'), fmtDateTime(d.finished_at), 'lookup-finished'],
        d.returned_at ? [t('dossier.returnedAt'), fmtDateTime(d.returned_at), 'lookup-returned'] : null,
      ])),
    h('section', { class: 'card', 'aria-labelledby': 'tl-h' },
      h('h2', { id: 'tl-h' }, t('lookup.timeline')),
      h('ol', { class: 'timeline', testid: 'lookup-timeline' },
        d.timeline.map((e, i) => h('li', {
          class: `tl-item tl-state-${e.state}${i === d.timeline.length - 1 ? ' tl-current' : ''}`, testid: 'timeline-entry',
          'data-action': e.action, 'data-state': e.state,
        },
        h('div', { class: 'tl-when' }, h('time', { datetime: e.at }, fmtDateTime(e.at))),
        h('div', { class: 'tl-body' },
          h('p', { class: 'tl-title' }, t('action.past.' + e.action)),
          h('p', null, t('lookup.nowState'), ' ', stateBadge(e.state, 'timeline-state')),
          e.unit ? h('p', { class: 'muted' }, e.unit.name) : null))),
        final ? null : ahead.map((s) => h('li', { class: 'tl-item tl-future', testid: 'timeline-future', 'data-state': s },
          h('div', { class: 'tl-when' }, t('lookup.ahead')),
          h('div', { class: 'tl-body' }, h('p', { class: 'tl-title muted' }, t('state.' + s))))))),
    lookupForm(''));
}
