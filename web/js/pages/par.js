// The administrative-reform index (docs/par-index.md):
//   "/chi-so-cchc"                 — the published results of a year, for anyone;
//   "/can-bo/cchc"                 — the frameworks; the council's table of every unit, a unit's own row;
//   "/can-bo/cchc/{id}?unit=…"     — a unit's sheet: the assessor scores its criteria, the council appraises.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, errorBox, uid, fmtDateTime, pagedLog } from '/js/lib.js';
import { navigate, requireRole } from '/js/app.js';

const OFFICERS = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];

// Points and percentages the Vietnamese way: a decimal comma, no trailing zeros.
function num(v) {
  if (v === null || v === undefined) return '—';
  return String(Math.round(v * 100) / 100).replace('.', ',');
}

function gradeBadge(u) {
  if (!u.rating) return h('span', { class: 'muted' }, '—');
  const tone = { xuat_sac: 'badge-ok', tot: 'badge-online', khong_hoan_thanh: 'badge-bad' }[u.rating] || '';
  return h('span', { class: 'badge ' + tone, testid: 'par-rating', 'data-rating': u.rating }, t('par.grade.' + u.rating));
}

function resultTable(f, { link } = {}) {
  const rows = [...f.units].sort((a, b) => (a.rank || 999) - (b.rank || 999) || a.code.localeCompare(b.code));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'par-table', 'data-group': f.group },
    h('caption', null, `${f.group_label} — ${t('par.year')} ${f.year}`),
    h('thead', null, h('tr', null, h('th', { scope: 'col', class: 'num' }, t('par.rank')), h('th', { scope: 'col' }, t('par.unit')),
      h('th', { scope: 'col', class: 'num' }, t('par.points')), h('th', { scope: 'col', class: 'num' }, t('par.index')),
      h('th', { scope: 'col' }, t('par.rating')))),
    h('tbody', null, rows.map((u) => h('tr', { testid: 'par-row', 'data-unit': u.code, 'data-index': u.index ?? '' },
      h('td', { class: 'num', 'data-label': t('par.rank') }, u.rank ? String(u.rank) : '—'),
      h('th', { scope: 'row' }, link ? h('a', { href: link(u), testid: 'par-unit-link' }, u.name) : u.name),
      h('td', { class: 'num', 'data-label': t('par.points') }, u.index === null ? '—' : `${num(u.points)}/${num(u.max_points)}`),
      h('td', { class: 'num', 'data-label': t('par.index'), testid: 'par-index' }, u.index_text || '—'),
      h('td', { 'data-label': t('par.rating') }, gradeBadge(u)))))));
}

function ratingCounts(items) {
  const grades = ['xuat_sac', 'tot', 'hoan_thanh', 'khong_hoan_thanh'];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'par-counts' },
    h('caption', null, t('par.counts')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('par.group')),
      grades.map((g) => h('th', { scope: 'col', class: 'num' }, t('par.grade.' + g))))),
    h('tbody', null, items.map((f) => h('tr', { testid: 'par-count-row', 'data-group': f.group }, h('th', { scope: 'row' }, f.group_label),
      grades.map((g) => h('td', { class: 'num', 'data-label': t('par.grade.' + g), 'data-grade': g }, String(f.ratings?.[g] ?? 0))))),
    h('tr', { testid: 'par-count-total' }, h('th', { scope: 'row' }, t('par.total')),
      grades.map((g) => h('td', { class: 'num', 'data-grade': g }, String(items.reduce((a, f) => a + (f.ratings?.[g] ?? 0), 0))))))));
}

/** The public page of results. */
export async function results(ctx) {
  const params = new URLSearchParams(location.search);
  const year = Number(params.get('year')) || 2016;
  add(ctx.main, pageTitle(t('par.publicTitle')));
  const id = uid('yr');
  const input = h('input', { id, type: 'number', min: 2000, max: 2200, value: String(year), testid: 'par-year', inputmode: 'numeric' });
  add(ctx.main, h('form', { class: 'card filters', onsubmit: (e) => { e.preventDefault(); navigate('/chi-so-cchc?year=' + encodeURIComponent(input.value)); } },
    h('label', { for: id }, t('par.year')), h('div', { class: 'search-row' }, input,
      h('button', { type: 'submit', class: 'btn btn-primary', testid: 'par-show' }, t('par.show')))));
  const box = h('section', { class: 'card', 'aria-labelledby': 'par-h' }, h('h2', { id: 'par-h' }, t('par.results', { year })), loading());
  add(ctx.main, box);
  let data;
  try {
    ({ data } = await api('/api/v1/public/par?year=' + year));
  } catch (e) {
    if (ctx.alive()) replace(box, box.firstChild, h('p', { class: 'muted' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  if (!data.items.length) {
    replace(box, box.firstChild, h('p', { class: 'muted', testid: 'par-empty' }, t('par.none', { year })));
    return;
  }
  replace(box, box.firstChild, h('p', { testid: 'par-decision' }, t('par.decision'), ': ', data.items[0].decision),
    ratingCounts(data.items), data.items.map((f) => resultTable(f)));
}

/** The officers' list of frameworks and, for the one chosen, the results they may see. */
export async function list(ctx) {
  if (!requireRole(ctx, OFFICERS)) return;
  add(ctx.main, pageTitle(t('par.title')));
  const box = h('section', { class: 'card' }, loading());
  add(ctx.main, box);
  let frameworks;
  try {
    ({ data: frameworks } = await api('/api/v1/par/frameworks'));
  } catch (e) {
    if (ctx.alive()) replace(box, h('p', { class: 'muted' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const chosen = Number(new URLSearchParams(location.search).get('id')) || frameworks.items.find((f) => f.state === 'open')?.id
    || frameworks.items[0]?.id;
  replace(box, h('h2', null, t('par.frameworks')), h('ul', { class: 'chips', testid: 'par-frameworks' }, frameworks.items.map((f) =>
    h('li', null, h('a', { href: '/can-bo/cchc?id=' + f.id, testid: 'par-framework', 'data-id': f.id, 'aria-current': f.id === chosen ? 'page' : null },
      `${f.year} · ${f.group_label} · ${t('par.state.' + f.state)}`)))));
  if (!chosen) return;
  const res = h('section', { class: 'card' }, loading());
  add(ctx.main, res);
  try {
    const { data } = await api(`/api/v1/par/frameworks/${chosen}/results`);
    if (!ctx.alive()) return;
    const err = errorBox('par-error');
    const actions = data.ratings && data.state === 'open' ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', testid: 'par-compute', onclick: async () => {
        try { await api(`/api/v1/par/frameworks/${chosen}/compute`, { method: 'POST' }); navigate(location.pathname + location.search, { replace: true }); } catch (e) { err.show(e); }
      } }, t('par.compute'))) : null;
    const xlsx = h('p', null, h('a', { href: `/api/v1/par/frameworks/${chosen}/results.xlsx`, download: '', testid: 'par-xlsx' }, t('par.xlsx')),
      ' · ', h('a', { href: `/api/v1/par/frameworks/${chosen}/results.pdf`, target: '_blank', rel: 'noopener', testid: 'par-pdf' }, t('par.pdf')));
    replace(res, h('h2', null, `${data.group_label} — ${data.year}`), err, actions, xlsx,
      data.ratings ? ratingCounts([data]) : null,
      resultTable(data, { link: (u) => `/can-bo/cchc/${chosen}?unit=${encodeURIComponent(u.code)}` }));
  } catch (e) {
    if (ctx.alive()) replace(res, h('p', { class: 'muted' }, errorText(e)));
  }
}

function markCell(c, { canSelf, canAppraise, fw, unit, reload, err }) {
  const m = c.mark || {};
  const parts = [];
  if (c.method === 'self') parts.push(h('p', null, t('par.self'), ': ', h('strong', { testid: 'par-self' }, num(m.self)), m.note ? ` — ${m.note}` : ''));
  if (m.council !== null && m.council !== undefined) parts.push(h('p', null, t('par.council'), ': ', h('strong', { testid: 'par-council' }, num(m.council)), m.reason ? ` — ${m.reason}` : ''));
  if (m.value !== null && m.value !== undefined) parts.push(h('p', null, t('par.value'), ': ', h('strong', { testid: 'par-value' }, num(m.value)),
    m.figures?.denominator !== undefined ? ` (${m.figures.numerator}/${m.figures.denominator})` : ''));
  if (m.not_applicable) parts.push(h('p', { class: 'muted', testid: 'par-na' }, t('par.notApplicable')));
  const form = (kind) => {
    const pid = uid('pts');
    const tid = uid('why');
    const pts = h('input', { id: pid, type: 'text', inputmode: 'decimal', testid: `par-${kind}-points`, size: 6 });
    const why = h('input', { id: tid, type: 'text', testid: `par-${kind}-note` });
    return h('form', { class: 'inline-form', testid: `par-${kind}-form`, onsubmit: async (e) => {
      e.preventDefault();
      err.hide();
      const body = kind === 'self' ? { points: pts.value.trim() || null, note: why.value } : { points: pts.value.trim() || null, reason: why.value };
      const headers = m.version ? { 'If-Match': `"${m.version}"` } : {};
      try {
        await api(`/api/v1/par/frameworks/${fw}/units/${encodeURIComponent(unit)}/${kind === 'self' ? 'self' : 'appraisal'}/${encodeURIComponent(c.code)}`,
          { method: 'PUT', body, headers });
        reload();
      } catch (x) { err.show(x); }
    } },
    h('label', { for: pid }, t('par.pointsOf', { max: num(c.max) })), pts,
    h('label', { for: tid }, kind === 'self' ? t('par.note') : t('par.reason')), why,
    h('button', { type: 'submit', class: 'btn btn-small btn-primary', testid: `par-${kind}-save` }, t('par.save')));
  };
  if (canSelf && c.method === 'self') parts.push(form('self'));
  if (canAppraise && (c.method === 'self' || c.method === 'appraised')) parts.push(form('appraise'));
  return parts;
}

/** A unit's sheet. */
export async function sheet(ctx) {
  const [id] = ctx.params;
  // The unit in the query: a unit code's dots would read as a file's extension in the path.
  const unit = ctx.query.get('unit') || '';
  const me = requireRole(ctx, OFFICERS);
  if (!me) return;
  const box = h('section', { class: 'card' }, loading());
  add(ctx.main, box);
  const reload = () => navigate(location.pathname + location.search, { replace: true });
  let data;
  try {
    ({ data } = await api(`/api/v1/par/frameworks/${id}/units/${encodeURIComponent(unit)}`));
  } catch (e) {
    if (ctx.alive()) replace(box, h('p', { class: 'muted', testid: 'par-error' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  let council = false;
  try {
    const { data: all } = await api(`/api/v1/par/frameworks/${id}/results`);
    council = !!all.ratings && me.role !== 'admin';
  } catch { /* the sheet is shown without the council's forms */ }
  const open = data.framework.state === 'open';
  const assessor = open && !data.submitted && ['leader', 'specialist'].includes(me.role) && me.unit?.code === unit;
  const err = errorBox('par-error');
  ctx.main.insertBefore(pageTitle(`${data.name} — ${t('par.year')} ${data.framework.year}`), box);
  replace(box,
    h('p', { testid: 'par-total' }, t('par.points'), ': ', h('strong', null, `${num(data.points)}/${num(data.max_points)}`), ' · ',
      t('par.index'), ': ', h('strong', { testid: 'par-sheet-index' }, data.index_text || '—'), ' · ', gradeBadge(data)),
    h('p', { class: 'muted', testid: 'par-state', 'data-state': data.framework.state, 'data-submitted': String(data.submitted) },
      data.submitted ? t('par.submitted') : t('par.state.' + data.framework.state),
      data.framework.deadline ? ` · ${t('par.deadline')}: ${fmtDateTime(data.framework.deadline)}` : ''),
    err,
    h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'par-criteria' },
      h('caption', { class: 'sr-only' }, t('par.criteria')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('par.criterion')), h('th', { scope: 'col', class: 'num' }, t('par.max')),
        h('th', { scope: 'col', class: 'num' }, t('par.points')), h('th', { scope: 'col' }, t('par.mark')))),
      h('tbody', null, data.criteria.map((c) => h('tr', { testid: 'par-criterion', 'data-code': c.code, 'data-method': c.method || '' },
        h('th', { scope: 'row', class: c.parent ? 'indent' : '' }, `${c.code}. ${c.name}`, c.method ? h('span', { class: 'muted' }, ` (${t('par.method.' + c.method)})`) : ''),
        h('td', { class: 'num', 'data-label': t('par.max') }, num(c.max)),
        h('td', { class: 'num', 'data-label': t('par.points'), testid: 'par-criterion-points' }, num(c.points)),
        h('td', { 'data-label': t('par.mark') }, c.method ? markCell(c, { canSelf: assessor, canAppraise: council && open, fw: id, unit, reload, err }) : '')))))),
    assessor ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-primary', testid: 'par-submit', onclick: async () => {
      try { await api(`/api/v1/par/frameworks/${id}/units/${encodeURIComponent(unit)}/submit`, { method: 'POST' }); reload(); } catch (e) { err.show(e); }
    } }, t('par.submit'))) : null,
    h('h2', null, t('par.log')),
    // The newest lines come with the sheet; older ones are read a page at a time.
    pagedLog({ events: data.log, more: data.log_more, key: 'log', err, testid: 'par-log', label: t('par.log.older'),
      path: `/api/v1/par/frameworks/${id}/units/${encodeURIComponent(unit)}/log`,
      item: (l) => h('li', { testid: 'par-log-row', 'data-what': l.what },
        `${fmtDateTime(l.at)} · ${l.by || t('par.system')} · ${t('par.what.' + l.what)}${l.code ? ' ' + l.code : ''}${l.new !== null ? ': ' + num(l.new) : ''}${l.detail?.decided ? ': ' + t('par.grade.' + l.detail.decided) : ''}${l.reason ? ' — ' + l.reason : ''}`) }));
}
