// "/in/giay-tiep-nhan/{code}" — the receipt and appointment slip (form 01) as a page made to
// be printed: the desk prints it for the person in front of it, a citizen for their records.
// The PDF of form 01 stays one click away.
import { t } from '/i18n/i18n.js';
import { h, add, api, replace, loading, errorText, fmtDateTime, facts, ApiError } from '/js/lib.js';
import { requireRole, homeOf } from '/js/app.js';
import { formUrl } from '/js/dossier-ui.js';

export async function render(ctx) {
  const user = requireRole(ctx);
  if (!user) return;
  const code = ctx.params[0];
  document.title = `${t('receipt.title')} ${code} · ${t('app.name')}`;
  const box = h('div', null, loading());
  add(ctx.main, box);
  let d;
  try {
    ({ data: d } = await api('/api/v1/dossiers/' + encodeURIComponent(code)));
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' },
      e instanceof ApiError && e.status === 404 ? t('mine.notFound') : errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  if (!d.received_at) {
    replace(box, h('div', { class: 'alert alert-info', role: 'status', testid: 'receipt-not-yet' }, t('receipt.notYet')));
    return;
  }
  const a = d.applicant || {};
  const back = user.role === 'citizen' ? '/ho-so-cua-toi/' + encodeURIComponent(d.code) : '/can-bo/ho-so/' + encodeURIComponent(d.code);
  const lookup = `${location.origin}/tra-cuu/${d.code}`;
  const docs = (d.documents || []).filter((x) => x.kind !== 'result');
  replace(box,
    h('div', { class: 'actions no-print' },
      h('button', { type: 'button', class: 'btn btn-primary', testid: 'receipt-print', onclick: () => window.print() }, t('receipt.print')),
      h('a', { class: 'btn btn-secondary', href: formUrl(d.code, '01'), download: '', testid: 'receipt-pdf' }, t('forms.01')),
      h('a', { class: 'btn btn-link', href: back || homeOf(user) }, t('common.back'))),
    h('article', { class: 'receipt', testid: 'receipt', 'aria-labelledby': 'receipt-h' },
      h('div', { class: 'receipt-head' },
        // received at another centre (Nghị định 118/2025/NĐ-CP): that centre issues the receipt
        h('p', { class: 'receipt-unit' }, (d.reception_unit || d.receiving_unit)?.name || ''),
        h('p', { class: 'receipt-motto' }, h('strong', null, t('receipt.motto1')), h('br'), t('receipt.motto2'))),
      h('h1', { id: 'receipt-h', class: 'receipt-title', tabindex: '-1' }, t('receipt.heading')),
      h('p', { class: 'receipt-code' }, t('dossier.code'), ': ', h('strong', { class: 'code', testid: 'receipt-code' }, d.code)),
      facts([
        [t('applicant.name'), a.name, 'receipt-applicant'],
        a.address ? [t('applicant.address'), a.address] : null,
        a.phone ? [t('applicant.phone'), a.phone] : null,
        [t('dossier.procedure'), d.procedure?.name || d.procedure?.code, 'receipt-procedure'],
        [t('dossier.receivedAt'), fmtDateTime(d.received_at), 'receipt-received'],
        [t('receipt.due'), fmtDateTime(d.due_at), 'receipt-due'],
        // the result is returned by the competent unit's desk
        [t('receipt.place'), d.receiving_unit?.name, 'receipt-place'],
        d.reception_unit ? [t('desk.competentUnit'), d.receiving_unit?.name, 'receipt-competent'] : null,
      ]),
      d.reception_unit ? h('p', { class: 'receipt-note', testid: 'receipt-anywhere' }, t('receipt.anywhere', { centre: d.reception_unit.name })) : null,
      docs.length ? [h('h2', null, t('receipt.documents')),
        h('ol', { class: 'receipt-docs', testid: 'receipt-documents' }, docs.map((x) => h('li', null, x.name, ' — ',
          t('doc.counts', { o: x.originals ?? 0, c: x.copies ?? 0 }))))] : null,
      h('div', { class: 'receipt-lookup' },
        h('img', { src: '/api/v1/public/dossiers/' + encodeURIComponent(d.code) + '/qr.svg', width: 120, height: 120, alt: t('file.qrAlt', { code: d.code }), testid: 'receipt-qr' }),
        h('p', null, t('receipt.lookup'), h('br'), h('span', { class: 'code' }, lookup)))));
}
