// "/van-ban" — official documents (docs/documents.md): the outgoing and incoming lists with
// their search and printed registers, a specialist's draft, and one document with its steps
// and the buttons the caller's role may press.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, field, fmtDate, fmtDateTime, fmtSize, errorBox, facts, ApiError, pagedLog } from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';
import { exchangeSection } from '/js/pages/document_exchange.js';
import { signaturesSection } from '/js/pages/document_signatures.js';
import { attachmentsSection } from '/js/pages/document_attachments.js';

const ROLES = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];

function stateBadge(state) {
  return h('span', { class: `badge docstate-${state}`, testid: 'doc-state', 'data-state': state }, t('docstate.' + state));
}

// The buttons of a document for a role in a state (the server decides again).
const STEPS = {
  specialist: { draft: ['submit'], returned: ['submit'] },
  leader: { submitted: ['approve', 'return'], approved: ['sign', 'return'], registered: ['assign'], assigned: ['assign'] },
  desk: { signed: ['issue', 'replacing'], arrived: ['register'] },
};

export async function list(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const box = ctx.query.get('box') === 'in' ? 'in' : 'out';
  const q = ctx.query.get('q') || '';
  add(ctx.main, pageTitle(t('doc.title')));
  const tabs = h('div', { class: 'chips', role: 'group', 'aria-label': t('doc.boxes') },
    ['out', 'in'].map((b) => h('a', { class: 'chip', href: '/van-ban?box=' + b, testid: 'doc-box-' + b, 'aria-current': b === box ? 'page' : null },
      t('doc.box.' + b))));
  const qF = field(t('doc.search'), { kind: 'search', testid: 'doc-q', value: q, hint: t('doc.searchHint') });
  const form = h('form', { class: 'card filters', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    navigate('/van-ban?' + new URLSearchParams({ box, q: qF.input.value.trim() }));
  } }, tabs, qF.wrap, h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary', testid: 'doc-search' }, t('doc.searchGo')),
    user.role === 'specialist' ? h('a', { class: 'btn btn-secondary', href: '/van-ban/soan-thao', testid: 'doc-new' }, t('doc.new')) : null));
  const registers = h('p', { class: 'actions', testid: 'doc-registers' });
  const results = h('section', { class: 'card', 'aria-labelledby': 'doc-list-h' }, h('h2', { id: 'doc-list-h' }, t('doc.box.' + box)), loading());
  add(ctx.main, form, registers, results);

  const year = new Date().getFullYear();
  api('/api/v1/document-registers').then(({ data }) => {
    if (!ctx.alive()) return;
    for (const g of data.items.filter((x) => x.box === box)) {
      add(registers,
        h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/document-registers/${g.id}/register.pdf?year=${year}`, target: '_blank',
          testid: 'doc-register-pdf', 'data-register': g.id }, t('doc.printPdf', { unit: g.unit?.name || '' })),
        h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/document-registers/${g.id}/register.xlsx?year=${year}`,
          testid: 'doc-register-xlsx', 'data-register': g.id }, t('doc.printXlsx')));
    }
  }).catch(() => {});

  try {
    const { data } = await api('/api/v1/documents?' + new URLSearchParams({ box, q, limit: '100' }));
    if (!ctx.alive()) return;
    if (!data.items.length) {
      replace(results, h('h2', { id: 'doc-list-h' }, t('doc.box.' + box)), h('p', { class: 'empty', testid: 'doc-empty' }, t('doc.empty')));
      return;
    }
    const head = box === 'out'
      ? [t('doc.col.number'), t('doc.col.subject'), t('doc.col.state'), t('doc.col.unit'), t('doc.col.issued')]
      : [t('doc.col.arrival'), t('doc.col.number'), t('doc.col.subject'), t('doc.col.from'), t('doc.col.state')];
    const rows = data.items.map((d) => {
      const link = h('a', { href: '/van-ban/' + d.id, testid: 'doc-link' }, d.subject);
      const cells = box === 'out'
        ? [d.number || '—', link, stateBadge(d.state), d.unit?.name || '', d.issued_at ? fmtDate(d.issued_at) : '—']
        : [d.arrival_number ?? '—', d.number || '—', link, d.organ_name, stateBadge(d.state)];
      return h('tr', { testid: 'doc-row', 'data-id': d.id, 'data-number': d.number || '', 'data-state': d.state },
        cells.map((c, i) => h('td', { 'data-label': head[i] }, c)));
    });
    replace(results, h('h2', { id: 'doc-list-h' }, t('doc.box.' + box)),
      h('p', { class: 'muted', testid: 'doc-total' }, t(data.total_exact === false ? 'doc.total_more' : 'doc.total', { n: data.total })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, head.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows))));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(results, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
  }
}

export async function draft(ctx) {
  const user = requireRole(ctx, ['specialist']);
  if (!user) return;
  add(ctx.main, pageTitle(t('doc.new')));
  let types = [];
  try { types = (await api('/api/v1/document-types')).data.types; } catch (e) {
    add(ctx.main, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const typeF = field(t('doc.f.type'), { kind: 'select', testid: 'doc-type', value: 'cong_van', required: true,
    options: types.map((x) => ({ value: x.key, label: x.abbr ? `${x.name} (${x.abbr})` : x.name })) });
  const subjectF = field(t('doc.f.subject'), { testid: 'doc-subject', required: true, attrs: { maxlength: 500 } });
  const bodyF = field(t('doc.f.body'), { kind: 'textarea', testid: 'doc-body', attrs: { maxlength: 20000 } });
  const abbrF = field(t('doc.f.draftingAbbr'), { testid: 'doc-drafting-abbr', hint: t('doc.f.draftingAbbrHint'), attrs: { maxlength: 20 } });
  const posF = field(t('doc.f.signerPosition'), { testid: 'doc-signer-position', attrs: { maxlength: 100 } });
  const nameF = field(t('doc.f.signerName'), { testid: 'doc-signer-name', attrs: { maxlength: 50 } });
  const recF = field(t('doc.f.recipients'), { kind: 'textarea', testid: 'doc-recipients', attrs: { maxlength: 1000 } });
  const unitsF = field(t('doc.f.recipientUnits'), { testid: 'doc-recipient-units', hint: t('doc.f.recipientUnitsHint') });
  const err = errorBox('doc-form-error');
  const byApi = { type: typeF, subject: subjectF, body: bodyF, drafting_abbr: abbrF, signer_position: posF, signer_name: nameF,
    recipients: recF, recipient_units: unitsF };
  add(ctx.main, h('form', { class: 'card', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    err.hide();
    Object.values(byApi).forEach((f) => f.clearError());
    if (!subjectF.input.value.trim()) {
      subjectF.setError(t('check.required', { field: t('doc.f.subject') }));
      subjectF.input.focus();
      return;
    }
    const body = { type: typeF.input.value, subject: subjectF.input.value.trim(), body: bodyF.input.value,
      drafting_abbr: abbrF.input.value.trim(), signer_position: posF.input.value.trim(), signer_name: nameF.input.value.trim(),
      recipients: recF.input.value, recipient_units: unitsF.input.value.split(',').map((s) => s.trim()).filter(Boolean) };
    try {
      const { data } = await api('/api/v1/documents', { method: 'POST', body });
      navigate('/van-ban/' + data.id);
    } catch (ex) {
      const f = ex instanceof ApiError && ex.problem?.field ? byApi[ex.problem.field.replace(/\[\d+\]$/, '')] : null;
      if (f) { f.setError(errorText(ex)); f.input.focus(); } else err.show(errorText(ex));
    }
  } }, typeF.wrap, subjectF.wrap, bodyF.wrap, h('div', { class: 'grid-2' }, abbrF.wrap, posF.wrap, nameF.wrap), recF.wrap, unitsF.wrap, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'doc-save' }, t('doc.save')))));
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

// The draft's uploaded versions (docs/documents.md §3b): each listed with its file, and for a
// specialist while the draft is open, the upload of the next one (the server checks the rest).
function versionsSection(d, user) {
  const list = h('div', null, loading());
  const err = errorBox('doc-version-error');
  const section = h('section', { class: 'card', 'aria-labelledby': 'doc-versions-h', testid: 'doc-versions' },
    h('h2', { id: 'doc-versions-h' }, t('doc.versions')), list);
  api(`/api/v1/documents/${d.id}/versions`).then(({ data }) => {
    if (!data.items.length) return replace(list, h('p', { class: 'empty', testid: 'doc-versions-none' }, t('doc.versions.none')));
    replace(list, h('ol', { class: 'timeline' }, data.items.map((v) => h('li', { testid: 'doc-version', 'data-number': v.number },
      h('a', { href: v.url, testid: 'doc-version-file' }, t('doc.versions.row', { n: v.number }), ' — ', v.filename),
      h('p', { class: 'muted' }, `${v.uploaded_by?.name || ''} · ${fmtDateTime(v.uploaded_at)} · ${fmtSize(v.size)} · SHA-256 ${v.sha256.slice(0, 12)}…`)))));
  }).catch((e) => replace(list, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e))));
  if (user.role === 'specialist' && (d.state === 'draft' || d.state === 'returned')) {
    const pick = h('input', { type: 'file', accept: `.pdf,.docx,application/pdf,${DOCX}`, 'aria-label': t('doc.versions.pick'), testid: 'doc-version-pick' });
    add(section, h('form', { class: 'inline-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      const file = pick.files[0];
      if (!file) { err.show(t('doc.versions.pick')); return; }
      const type = /\.docx$/i.test(file.name) ? DOCX : 'application/pdf';
      try {
        await api(`/api/v1/documents/${d.id}/versions?` + new URLSearchParams({ filename: file.name }), { method: 'POST', raw: file, contentType: type });
        navigate('/van-ban/' + d.id, { replace: true });
      } catch (ex) { err.show(errorText(ex)); }
    } }, h('label', null, t('doc.versions.upload'), ' ', pick),
    h('button', { type: 'submit', class: 'btn btn-secondary', testid: 'doc-version-upload' }, t('doc.versions.go')), err));
  }
  return section;
}

export async function detail(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const id = ctx.params[0];
  const box = h('div', null, loading());
  add(ctx.main, box);
  let d, etag;
  try {
    ({ data: d, etag } = await api('/api/v1/documents/' + encodeURIComponent(id)));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(box, pageTitle(t('doc.title')), h('div', { class: 'alert alert-error', role: 'alert', testid: 'doc-error' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const out = d.box === 'out';
  const rows = [
    [t('doc.col.number'), d.number, 'doc-number'],
    out ? null : [t('doc.col.arrival'), d.arrival_number ? String(d.arrival_number) : null, 'doc-arrival'],
    [t('doc.f.type'), d.type?.name, 'doc-type-name'],
    [t('doc.col.state'), stateBadge(d.state)],
    [t('doc.col.unit'), d.unit?.name],
    out ? [t('doc.col.drafting'), d.drafting_unit?.name] : [t('doc.col.from'), d.organ_name],
    [t('doc.col.issued'), d.issued_at ? fmtDateTime(d.issued_at) : null, 'doc-issued'],
    out ? [t('doc.f.signerName'), [d.signer_position, d.signer_name].filter(Boolean).join(' ')] : null,
    out ? [t('doc.f.recipients'), d.recipients] : null,
    d.assigned_unit ? [t('doc.col.assigned'), d.assigned_unit.name, 'doc-assigned'] : null,
    d.deadline ? [t('doc.f.deadline'), fmtDate(d.deadline)] : null,
    d.direction ? [t('doc.f.direction'), d.direction] : null,
    d.cooperating?.length ? [t('doc.f.cooperating'), d.cooperating.map((u) => u.name).join('; '), 'doc-cooperating'] : null,
    d.task ? [t('doc.f.task'), h('a', { href: '/nhiem-vu/' + d.task, testid: 'doc-task-link' }, t('doc.f.taskLink', { id: d.task }))] : null,
    d.note ? [t('doc.col.note'), d.note, 'doc-note'] : null,
  ];
  const err = errorBox('doc-action-error');
  const buttons = h('div', { class: 'actions', testid: 'doc-actions' });
  const extra = h('div');
  const act = async (action, more = {}) => {
    err.hide();
    try {
      await api(`/api/v1/documents/${d.id}/actions`, { method: 'POST', body: { action, ...more }, headers: etag ? { 'If-Match': etag } : {} });
      navigate('/van-ban/' + d.id, { replace: true });
    } catch (e) { err.show(errorText(e)); }
  };
  for (const action of (STEPS[user.role] || {})[d.state] || []) {
    add(buttons, h('button', { type: 'button', class: action === 'return' ? 'btn btn-secondary' : 'btn btn-primary', testid: 'doc-act-' + action,
      onclick: () => {
        if (action === 'return') {
          const noteF = field(t('doc.f.returnNote'), { kind: 'textarea', testid: 'doc-return-note', required: true });
          replace(extra, h('form', { class: 'inline-form', novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            if (!noteF.input.value.trim()) { noteF.setError(t('check.required', { field: t('doc.f.returnNote') })); return; }
            act('return', { note: noteF.input.value.trim() });
          } }, noteF.wrap, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'doc-return-go' }, t('doc.act.return'))));
          noteF.input.focus();
        } else if (action === 'assign') {
          const unitF = field(t('doc.col.assigned'), { testid: 'doc-assign-unit', required: true, value: user.unit?.code || '' });
          const coopF = field(t('doc.f.cooperating'), { testid: 'doc-assign-cooperating', hint: t('doc.f.cooperatingHint'),
            value: (d.cooperating || []).map((u) => u.code).join(', ') });
          const whoF = field(t('doc.f.assignee'), { testid: 'doc-assign-user' });
          const dueF = field(t('doc.f.deadline'), { kind: 'date', testid: 'doc-assign-deadline' });
          const dirF = field(t('doc.f.direction'), { kind: 'textarea', testid: 'doc-assign-direction' });
          replace(extra, h('form', { class: 'inline-form', novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            const more = { to_unit: unitF.input.value.trim() };
            const coop = coopF.input.value.split(',').map((x) => x.trim()).filter(Boolean);
            if (coop.length) more.cooperating = coop;
            if (whoF.input.value.trim()) more.assignee = whoF.input.value.trim();
            if (dueF.input.value) more.deadline = dueF.input.value;
            if (dirF.input.value.trim()) more.note = dirF.input.value.trim();
            act('assign', more);
          } }, unitF.wrap, coopF.wrap, whoF.wrap, dueF.wrap, dirF.wrap, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'doc-assign-go' }, t('doc.act.assign'))));
          unitF.input.focus();
        } else if (action === 'replacing') {
          // issued in place of an earlier document of the body (art. 18): its copies end as replaced
          const pick = h('select', { id: 'doc-replaces', testid: 'doc-replaces', required: true }, h('option', { value: '' }, '…'));
          replace(extra, h('form', { class: 'inline-form', novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            if (!pick.value) { err.show(t('check.required', { field: t('doc.f.replaces') })); return; }
            act('issue', { replaces: Number(pick.value) });
          } }, h('label', { for: 'doc-replaces' }, t('doc.f.replaces')), ' ', pick,
          h('p', { class: 'muted' }, t('doc.f.replacesHint')),
          h('button', { type: 'submit', class: 'btn btn-primary', testid: 'doc-replacing-go' }, t('doc.act.issue'))));
          api('/api/v1/documents?' + new URLSearchParams({ box: 'out', state: 'issued', limit: '100' })).then(({ data }) => {
            for (const o of data.items.filter((o) => o.id !== d.id))
              pick.appendChild(h('option', { value: String(o.id) }, `${o.number} — ${o.subject}`));
            pick.focus();
          }).catch((e) => err.show(errorText(e)));
        } else {
          act(action);
        }
      } }, t('doc.act.' + action)));
  }
  const step = (e) =>
    h('li', { testid: 'doc-event', 'data-action': e.action }, h('strong', null, t('doc.ev.' + e.action)), ' — ',
      fmtDateTime(e.at), e.by ? ` · ${e.by}` : '', e.file_version ? ` · ${t('doc.versions.row', { n: e.file_version.number })}` : '',
      e.note ? h('p', { class: 'muted' }, e.note) : null);
  // The document comes with its newest steps; older ones are read a page at a time.
  const events = pagedLog({ events: d.events || [], more: d.events_more, path: `/api/v1/documents/${d.id}/events`,
    item: step, err, testid: 'doc-events', label: t('doc.steps.older') });
  replace(box, pageTitle(d.subject, 'page-title'),
    h('p', null, h('a', { href: '/van-ban?box=' + d.box }, t('doc.back'))),
    h('section', { class: 'card' }, facts(rows), out && d.body ? h('div', { class: 'doc-body', testid: 'doc-text' }, d.body) : null,
      // the document's PDF (Phụ lục I): rendered, or as signed once issued; a copy delivered here shows the sender's
      out || d.source ? h('p', null, h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/documents/${d.id}/file`, target: '_blank',
        testid: 'doc-file' }, t('doc.pdf'))) : null),
    signaturesSection(d),
    out ? versionsSection(d, user) : null,
    attachmentsSection(d, user),
    h('section', { class: 'card', 'aria-labelledby': 'doc-steps-h' }, h('h2', { id: 'doc-steps-h' }, t('doc.steps')), buttons, extra, err, events),
    exchangeSection(d, user, () => navigate('/van-ban/' + d.id, { replace: true })));
}
