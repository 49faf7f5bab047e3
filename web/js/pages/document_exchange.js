// The edXML exchange of one document on its page (docs/documents.md §9): the packages sent
// and received, the status messages that came back (01 đã đến … 06 hoàn thành), and for the
// clerk of an issued outgoing document a form to send it to peer organisations.
import { t } from '/i18n/i18n.js';
import { h, add, api, replace, errorText, field, fmtDateTime, errorBox } from '/js/lib.js';

function line(i) {
  const who = (i.direction === 'out' ? '→ ' : '← ') + i.organ_id;
  const what = i.kind === 'status' ? `${i.status_code} ${i.status_title}` : t('xch.business.' + i.business);
  const tail = [t('xch.state.' + i.state), i.attempts ? t('xch.attempts', { n: i.attempts }) : null].filter(Boolean).join(' · ');
  return h('li', { testid: 'xch-item', 'data-kind': i.kind, 'data-direction': i.direction, 'data-state': i.state,
    'data-status': i.status_code || '', 'data-organ': i.organ_id },
  h('strong', null, what), ` ${who} — ${fmtDateTime(i.created_at)} · ${tail}`,
  i.description ? h('p', { class: 'muted' }, i.description) : null,
  i.last_error ? h('p', { class: 'muted' }, i.last_error) : null,
  i.note ? h('p', { class: 'muted' }, i.note) : null);
}

// The section, filled when the packages come; hidden when there is nothing to show or do.
export function exchangeSection(d, user, reload) {
  const list = h('div', { testid: 'xch-list' });
  const err = errorBox('xch-error');
  const sec = h('section', { class: 'card', 'aria-labelledby': 'xch-h', testid: 'doc-exchange' },
    h('h2', { id: 'xch-h' }, t('xch.title')), list, err);
  const canSend = d.box === 'out' && d.state === 'issued' && user.role === 'desk';
  if (canSend) {
    const toF = field(t('xch.to'), { testid: 'xch-to', hint: t('xch.toHint') });
    add(sec, h('form', { class: 'inline-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      const to = toF.input.value.split(/[\s,;]+/).filter(Boolean);
      if (!to.length) { toF.setError(t('check.required', { field: t('xch.to') })); return; }
      try {
        await api(`/api/v1/documents/${d.id}/send`, { method: 'POST', body: { to } });
        reload();
      } catch (ex) { err.show(errorText(ex)); }
    } }, toF.wrap, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'xch-send' }, t('xch.send'))));
  }
  sec.hidden = !canSend;
  (async () => {
    try {
      const { data } = await api(`/api/v1/documents/${d.id}/exchange`);
      if (data.items.length) sec.hidden = false;
      replace(list, data.items.length ? h('ul', { class: 'timeline' }, data.items.map(line))
        : h('p', { class: 'muted', testid: 'xch-none' }, t('xch.none')));
    } catch (e) { replace(list, h('p', { class: 'alert alert-error' }, errorText(e))); }
  })();
  return sec;
}
