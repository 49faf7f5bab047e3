// "/thu-tuc/{code}" — everything a citizen needs to know before going.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, facts, fmtDays, fmtMoney, fmtDate, levelsText, onlineService, ApiError, errorText } from '/js/lib.js';

export async function render(ctx) {
  const code = ctx.params[0];
  let p;
  try {
    ({ data: p } = await api('/api/v1/procedures/' + encodeURIComponent(code)));
  } catch (e) {
    add(ctx.main, pageTitle(t('proc.notFoundTitle')),
      h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' },
        e instanceof ApiError && e.status === 404 ? t('proc.notFound', { code }) : errorText(e)),
      h('p', null, h('a', { href: '/' }, t('nav.backHome'))));
    return;
  }
  if (!ctx.alive()) return;
  // A catalogue entry without its record (no documents, no steps): the national database's
  // details were not loaded, so "no papers" or "no fee" would be untrue; the page says so.
  const missing = !p.documents.length && !p.steps.length;
  const unknown = (testid) => h('p', { class: 'muted data-missing', testid }, t('proc.dataMissing'));
  const orMissing = (v) => (v === null || v === undefined || v === '' ? h('span', { class: 'muted data-missing' }, t('proc.notRecorded')) : v);
  const online = onlineService(p);
  const canFile = p.status === 'active' && online.online;
  const time = [fmtDays(p.duration_hours)];
  if (p.online_duration_hours) time.push(' · ', t('proc.onlineTime', { days: fmtDays(p.online_duration_hours) }));

  // What one can do comes first, under the title, before a page of facts.
  const cta = canFile ? h('div', { class: 'cta' },
    h('a', { class: 'btn btn-primary btn-large', href: '/nop-ho-so/' + encodeURIComponent(p.code), testid: 'file-online' }, t('proc.fileOnline')),
    h('p', { class: 'hint' }, t('proc.fileOnlineHint'))) : h('p', { class: 'cta hint' }, t('proc.goInPerson'));
  add(ctx.main,
    h('nav', { class: 'crumbs', 'aria-label': t('nav.crumbs') }, h('a', { href: '/' }, t('nav.home')), ' › ', h('span', null, p.field)),
    pageTitle(p.name, 'procedure-name'),
    p.status === 'abolished' ? h('div', { class: 'alert alert-warn', role: 'note', testid: 'procedure-abolished' }, t('proc.abolished')) : null,
    missing ? h('div', { class: 'alert alert-info', role: 'note', testid: 'procedure-data-missing' }, t('proc.dataMissingNote')) : null,
    h('div', { class: 'proc-head' }, cta,
      facts([
        [t('proc.code'), p.code, 'procedure-code'],
        [t('proc.field'), p.field, 'procedure-field'],
        [t('proc.levels'), levelsText(p.levels), 'procedure-levels'],
        [t('proc.time'), h('span', null, time), 'procedure-time'],
        p.cutoff ? [t('proc.cutoff'), t('proc.cutoffText', { time: p.cutoff }), 'procedure-cutoff'] : null,
        [t('proc.onlineLevelLabel'), online.text, 'procedure-online-level'],
        p.anywhere ? [t('proc.anywhereLabel'), t('proc.anywhereText'), 'procedure-anywhere'] : null,
        [t('proc.place'), p.unit ? `${p.place || ''}${p.place ? ' — ' : ''}${p.unit.name}` : orMissing(p.place), 'procedure-place'],
        [t('proc.target'), orMissing(p.target), 'procedure-target'],
        [t('proc.result'), orMissing(p.result), 'procedure-result'],
      ])),

    h('section', { 'aria-labelledby': 'docs-h' },
      h('h2', { id: 'docs-h' }, t('proc.documents')),
      p.documents.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'procedure-documents' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('proc.docName')), h('th', { scope: 'col', class: 'num' }, t('proc.originals')),
          h('th', { scope: 'col', class: 'num' }, t('proc.copies')), h('th', { scope: 'col' }, t('proc.form')))),
        h('tbody', null, p.documents.map((d) => h('tr', { testid: 'procedure-document', 'data-seq': d.seq },
          h('td', { 'data-label': t('proc.docName') }, d.name, d.required ? null : h('span', { class: 'muted' }, ' ' + t('proc.optional'))),
          h('td', { class: 'num', 'data-label': t('proc.originals') }, String(d.originals)),
          h('td', { class: 'num', 'data-label': t('proc.copies') }, String(d.copies)),
          // the form's file where the catalogue has it; its name alone where it has not
          h('td', { 'data-label': t('proc.form') }, d.template
            ? h('a', { href: d.template.url, download: '', class: 'download', testid: 'procedure-template', 'aria-label': t('proc.downloadForm', { name: d.form || d.template.filename }) },
              d.form || d.template.filename)
            : d.form ? [d.form, h('span', { class: 'muted small', testid: 'procedure-template-missing' }, ' ', t('proc.noFormFile'))] : '—')))))) : missing ? unknown('procedure-documents-missing') : h('p', null, t('proc.noDocuments'))),

    h('section', { 'aria-labelledby': 'steps-h' },
      h('h2', { id: 'steps-h' }, t('proc.steps')),
      p.steps.length ? h('ol', { class: 'steps', testid: 'procedure-steps' }, p.steps.map((s) => h('li', { testid: 'procedure-step' },
        h('span', { class: 'step-name' }, s.name),
        h('span', { class: 'muted' }, ' — ', t('role.' + s.role), ', ', t('level.' + s.unit_level), s.hours ? `, ${t('time.hours', { n: s.hours })}` : ''))))
        : unknown('procedure-steps-missing')),

    h('section', { 'aria-labelledby': 'fees-h' },
      h('h2', { id: 'fees-h' }, t('proc.fees')),
      p.fees.length ? h('ul', { class: 'plain', testid: 'procedure-fees' }, p.fees.map((f) => h('li', { testid: 'procedure-fee' },
        h('span', null, f.name), ': ', h('strong', null, fmtMoney(f.amount))))) : missing ? unknown('procedure-fees-missing') : h('p', { testid: 'procedure-fees' }, t('fee.none'))),

    h('section', { 'aria-labelledby': 'legal-h' },
      h('h2', { id: 'legal-h' }, t('proc.legalBasis')),
      p.legal_basis ? h('ul', { class: 'plain', testid: 'procedure-legal' }, String(p.legal_basis).split(/;\s*/).map((x) => h('li', null, x)))
        : unknown('procedure-legal-missing')),

    p.publications && p.publications.length ? h('section', { 'aria-labelledby': 'pub-h' },
      h('h2', { id: 'pub-h' }, t('proc.publications')),
      h('ul', { class: 'plain' }, p.publications.map((x) => h('li', null,
        t('pub.' + x.kind), ' — ', x.decision, ' (', fmtDate(x.date), ')')))) : null,
  );
}
