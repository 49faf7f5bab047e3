// The signatures of one document's file on its page (docs/documents.md §3b): the verdict of
// each (valid, warning, invalid) with its signer, time and warnings in words - a revoked
// certificate, SHA-1, a CRL past its date, an untrusted signer - as
// GET /api/v1/documents/{id}/signatures gives them. Hidden when the document has no file.
import { t } from '/i18n/i18n.js';
import { h, replace, api, errorText, fmtDateTime } from '/js/lib.js';

function item(s) {
  const warnings = s.warnings.map((w) => h('li', { testid: 'sig-warning', 'data-type': w.type, 'data-field': w.field },
    h('strong', null, t('sig.warn.' + w.type)), ` (${t('sig.field.' + w.field)}): ${w.detail}`));
  return h('li', { testid: 'sig-item', 'data-status': s.status },
    h('strong', null, t('sig.status.' + s.status)), ` — ${s.signer || t('sig.unknown')}`,
    s.signed_at ? ` · ${fmtDateTime(s.signed_at)}` : '',
    s.status === 'invalid' && s.problem ? h('p', { class: 'muted' }, s.problem) : null,
    warnings.length ? h('ul', { class: 'alert alert-warn', role: 'status' }, warnings) : null);
}

export function signaturesSection(d) {
  const list = h('div', { testid: 'sig-list' });
  const sec = h('section', { class: 'card', 'aria-labelledby': 'sig-h', testid: 'doc-signatures' },
    h('h2', { id: 'sig-h' }, t('sig.title')), list);
  sec.hidden = true;
  (async () => {
    try {
      const { data } = await api(`/api/v1/documents/${d.id}/signatures`);
      if (!data.file) return;
      sec.hidden = false;
      sec.dataset.status = data.status;
      replace(list, data.items.length
        ? h('ol', { class: 'timeline' }, data.items.map(item))
        : h('p', { class: 'muted', testid: 'sig-none' }, t('sig.none')));
    } catch (e) {
      sec.hidden = false;
      replace(list, h('p', { class: 'alert alert-error' }, errorText(e)));
    }
  })();
  return sec;
}
