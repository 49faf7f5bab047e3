// "/lanh-dao" — the leader's dashboard: figures of a period for a unit and its subtree,
// server-drawn SVG charts, tables by unit/field/procedure, the overdue list.
import { t, lang } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, field, fmtNumber, fmtDate, fmtDateTime, timelinessBadge, stateBadge, ApiError, errorBox, checker, latenessText } from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';
import { unitPicker } from '/js/pickers.js';

const ROLES = ['leader', 'supervisor', 'admin'];

function presets() {
  const y = new Date().getFullYear();
  return [
    ['year', t('dash.thisYear'), `${y}-01-01`, `${y}-12-31`],
    ['lastyear', t('dash.lastYear'), `${y - 1}-01-01`, `${y - 1}-12-31`],
    ['h1-2017', t('dash.h1of', { y: 2017 }), '2017-01-01', '2017-06-30'],
    ['q1-2017', t('dash.q1of', { y: 2017 }), '2017-01-01', '2017-03-31'],
    ['q2-2017', t('dash.q2of', { y: 2017 }), '2017-04-01', '2017-06-30'],
    ['y2017', t('dash.yearOf', { y: 2017 }), '2017-01-01', '2017-12-31'],
  ];
}

// the period is chosen with its last day; the API takes the day after it (exclusive)
function nextDay(iso) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function rate(v) {
  if (v === null || v === undefined) return '—';
  const pct = v * 100;
  return new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 }).format(pct) + ' %';
}

export async function render(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const y = new Date().getFullYear();
  const q = ctx.query;
  const st = {
    from: q.get('from') || `${y}-01-01`, to: q.get('to') || `${y}-12-31`,
    unit: q.get('unit') || user.unit?.code || '', group: q.get('group') || 'unit',
  };
  add(ctx.main, pageTitle(t('dash.title')));

  // The unit: searched by name within the caller's scope (no list of the province is loaded).
  let current = null;
  try { current = (await api('/api/v1/units/' + encodeURIComponent(st.unit))).data; } catch { current = user.unit || null; }
  if (!ctx.alive()) return;
  const mine = user.unit?.code;
  const unitF = unitPicker(t('dash.unit'), { testid: 'dash-unit', hint: t('dash.unitHint'), within: mine && user.role !== 'admin' ? mine : undefined,
    value: current ? { code: current.code, name: current.name, level: current.level } : null });
  const fromF = field(t('dash.from'), { kind: 'date', testid: 'dash-from', value: st.from, required: true });
  const toF = field(t('dash.to'), { kind: 'date', testid: 'dash-to', value: st.to, required: true });
  const groupF = field(t('dash.group'), { kind: 'select', testid: 'dash-group', value: st.group,
    options: ['unit', 'field', 'procedure'].map((g) => ({ value: g, label: t('dash.by.' + g) })) });
  const err = errorBox('dash-form-error');
  const check = checker([
    { f: unitF, check: () => (unitF.value() ? null : t('file.pickUnit')), api: 'unit' },
    { f: fromF, check: (v) => (v ? null : t('check.required', { field: t('dash.from') })), api: 'from' },
    { f: toF, check: (v) => (!v ? t('check.required', { field: t('dash.to') }) : fromF.input.value && v < fromF.input.value ? t('rule.order.to') : null), api: 'to' },
  ]);
  fromF.input.addEventListener('change', () => { if (toF.error()) check.validate({ focus: false }); });
  const go = (from, to) => {
    err.hide();
    if (!from && check.validate()) { err.show(t('form.fixMarked')); return; }
    const sp = new URLSearchParams({ from: from || fromF.input.value, to: to || toF.input.value, unit: unitF.value() || st.unit, group: groupF.input.value });
    navigate('/lanh-dao?' + sp);
  };
  add(ctx.main, h('form', { class: 'card filters', novalidate: true, onsubmit: (e) => { e.preventDefault(); go(); } },
    h('div', { class: 'chips', role: 'group', 'aria-label': t('dash.quick') }, presets().map(([k, label, f, to]) => h('button', {
      type: 'button', class: 'chip', testid: 'dash-preset-' + k, 'aria-pressed': String(f === st.from && to === st.to), onclick: () => go(f, to),
    }, label))),
    h('div', { class: 'grid-4' }, unitF.wrap, fromF.wrap, toF.wrap, groupF.wrap), err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'dash-apply' }, t('dash.apply')))));

  const unitName = current?.name || user.unit?.name || '';
  add(ctx.main, h('p', { class: 'lead', testid: 'dash-period', 'data-unit': st.unit, 'data-from': st.from, 'data-to': nextDay(st.to) }, t('dash.periodText', { unit: unitName, from: fmtDate(st.from), to: fmtDate(st.to) })));

  const figures = h('div', null, loading());
  const satisfaction = h('section', { class: 'card', 'aria-labelledby': 'sat-h', testid: 'dash-satisfaction' },
    h('h2', { id: 'sat-h' }, t('dash.satisfaction')), loading());
  const reportLinks = h('p', { class: 'actions', testid: 'dash-reports' });
  const charts = h('section', { class: 'card', 'aria-labelledby': 'ch-h' }, h('h2', { id: 'ch-h' }, t('dash.charts')));
  const table = h('section', { class: 'card', 'aria-labelledby': 'tb-h' }, h('h2', { id: 'tb-h' }, t('dash.tableBy.' + st.group)));
  const overdue = h('section', { class: 'card', 'aria-labelledby': 'od-h' }, h('h2', { id: 'od-h' }, t('dash.overdueTitle')));
  add(ctx.main, figures, satisfaction, reportLinks, charts, table, overdue);

  const apiTo = nextDay(st.to);
  const sp = new URLSearchParams({ unit: st.unit, from: st.from, to: apiTo, group: st.group });
  // the same figures as reports to send upward
  const rp = new URLSearchParams({ unit: st.unit, from: st.from, to: apiTo });
  reportLinks.append(
    h('a', { class: 'btn', href: '/api/v1/stats/report.xlsx?' + rp, download: '', testid: 'dash-report-xlsx' }, t('dash.reportXlsx')), ' ',
    h('a', { class: 'btn', href: '/api/v1/stats/report.pdf?' + rp, testid: 'dash-report-pdf' }, t('dash.reportPdf')), ' ',
    h('a', { class: 'btn', href: '/api/v1/forms/register?' + rp, testid: 'dash-register-pdf' }, t('dash.registerPdf')));
  loadSatisfaction(ctx, satisfaction, rp);
  // charts are drawn by the server; each image has a text alternative
  const chartGrid = h('div', { class: 'chart-grid' });
  for (const kind of ['received', 'resolved', 'units']) {
    const cp = new URLSearchParams({ kind, unit: st.unit, from: st.from, to: apiTo, lang: lang() });
    const img = h('img', {
      src: '/api/v1/stats/chart.svg?' + cp, alt: t('dash.chartAlt.' + kind, { unit: unitName, from: fmtDate(st.from), to: fmtDate(st.to) }),
      testid: 'chart-' + kind, loading: 'lazy', width: 640, height: 360, class: 'chart',
    });
    img.addEventListener('error', () => img.replaceWith(h('p', { class: 'muted chart-missing', testid: 'chart-' + kind + '-missing' }, t('dash.chartMissing', { chart: t('dash.chart.' + kind) }))));
    chartGrid.append(h('figure', null, img, h('figcaption', null, t('dash.chart.' + kind))));
  }
  charts.append(chartGrid);

  let data;
  try {
    ({ data } = await api('/api/v1/stats?' + sp));
  } catch (e) {
    // a bad period typed into the address: said beside the field it concerns
    if (!check.showProblem(e)) {
      replace(figures, h('div', { class: 'alert alert-error', role: 'alert', testid: 'dash-error' },
        e instanceof ApiError && e.status === 404 ? t('dash.noApi') : errorText(e)));
    } else {
      replace(figures, h('div', { class: 'alert alert-error', role: 'alert', testid: 'dash-error' }, t('form.fixMarked')));
    }
    data = null;
  }
  if (!ctx.alive()) return;
  if (data) {
    const tot = data.totals || data;
    replace(figures, statCards(tot));
    table.append(groupTable(data.rows || [], st.group));
  } else {
    table.append(h('p', { class: 'muted' }, '—'));
  }
  loadOverdue(ctx, overdue, st);
}

function num(v) {
  return v === undefined || v === null ? '—' : fmtNumber(v);
}

function statCards(tot) {
  const rec = tot.received || {};
  const res = tot.resolved || {};
  const prog = tot.in_progress || {};
  const cell = (key, label, value, cls = '', text) => h('div', { class: 'stat ' + cls },
    h('dt', null, label),
    h('dd', { testid: 'stat-' + key, 'data-value': value ?? '' }, text !== undefined ? text : num(value)));
  return h('div', { class: 'stat-groups', testid: 'dash-figures' },
    h('section', { class: 'stat-card', 'aria-labelledby': 'st-rec' }, h('h2', { id: 'st-rec' }, t('dash.received')),
      h('dl', { class: 'stats' },
        cell('received-total', t('dash.total'), rec.total, 'stat-main'),
        cell('received-online', t('channel.online'), rec.online),
        cell('received-direct', t('channel.direct'), rec.direct),
        cell('received-postal', t('channel.postal'), rec.postal))),
    h('section', { class: 'stat-card', 'aria-labelledby': 'st-res' }, h('h2', { id: 'st-res' }, t('dash.resolved')),
      h('dl', { class: 'stats' },
        cell('resolved-total', t('dash.total'), res.total, 'stat-main'),
        cell('resolved-early', t('timeliness.early'), res.early, 'good'),
        cell('resolved-on_time', t('timeliness.on_time'), res.on_time, 'good'),
        cell('resolved-late', t('timeliness.late'), res.late, 'bad'))),
    h('section', { class: 'stat-card', 'aria-labelledby': 'st-prog' }, h('h2', { id: 'st-prog' }, t('dash.inProgress')),
      h('dl', { class: 'stats' },
        cell('in_progress-total', t('dash.total'), prog.total, 'stat-main'),
        cell('in_progress-within_time', t('timeliness.within_time'), prog.within_time, 'good'),
        cell('in_progress-overdue', t('timeliness.overdue'), prog.overdue, 'bad'))),
    h('section', { class: 'stat-card', 'aria-labelledby': 'st-oth' }, h('h2', { id: 'st-oth' }, t('dash.other')),
      h('dl', { class: 'stats' },
        cell('on_time_rate', t('dash.onTimeRate'), tot.on_time_rate, 'stat-main', rate(tot.on_time_rate)),
        cell('carried_over', t('dash.carriedOver'), tot.carried_over),
        cell('not_accepted', t('state.not_accepted'), tot.not_accepted),
        cell('supplement_requested', t('state.supplement_requested'), tot.supplement_requested),
        cell('withdrawn', t('state.withdrawn'), tot.withdrawn),
        cell('stopped', t('state.stopped'), tot.stopped))));
}

function rowName(r) {
  const k = r.key || {};
  const name = k.name || k.field || k.code || '—';
  return k.own ? t('dash.ownDesk', { name }) : name;
}

function groupTable(rows, group) {
  if (!rows.length) return h('p', { class: 'muted', testid: 'stats-empty' }, t('dash.noRows'));
  const cols = [
    ['received', (r) => r.received?.total], ['resolved', (r) => r.resolved?.total], ['early', (r) => r.resolved?.early],
    ['on_time', (r) => r.resolved?.on_time], ['late', (r) => r.resolved?.late], ['in_progress', (r) => r.in_progress?.total],
    ['overdue', (r) => r.in_progress?.overdue],
  ];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table stats-table', testid: 'stats-table', 'data-group': group },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('dash.by.' + group)),
      cols.map(([k]) => h('th', { scope: 'col', class: 'num' }, t('dash.col.' + k))), h('th', { scope: 'col', class: 'num' }, t('dash.onTimeRate')))),
    h('tbody', null, rows.map((r) => h('tr', { testid: 'stats-row', 'data-key': r.key?.code || r.key?.field || '', 'data-own': r.key?.own ? 'true' : null },
      h('th', { scope: 'row', 'data-label': t('dash.by.' + group) }, rowName(r)),
      cols.map(([k, f]) => h('td', { class: 'num', 'data-label': t('dash.col.' + k), testid: 'stats-cell-' + k }, num(f(r)))),
      h('td', { class: 'num', 'data-label': t('dash.onTimeRate'), testid: 'stats-cell-on_time_rate' }, rate(r.on_time_rate)))))));
}

// The satisfaction survey of the same unit and period: answers and the index.
async function loadSatisfaction(ctx, box, params) {
  const title = box.firstChild;
  try {
    const { data: s } = await api('/api/v1/ratings/summary?' + params);
    if (!ctx.alive()) return;
    const cell = (key, label, value, text) => h('div', { class: 'stat' }, h('dt', null, label),
      h('dd', { testid: 'sat-' + key, 'data-value': value ?? '' }, text !== undefined ? text : num(value)));
    replace(box, title, s.count
      ? h('dl', { class: 'stats' },
        cell('index', t('dash.satIndex'), s.satisfaction_index, s.satisfaction_index === null ? '—' : fmtNumber(Math.round(s.satisfaction_index * 10) / 10) + ' %'),
        cell('count', t('dash.satCount'), s.count),
        cell('very_satisfied', t('rating.o.very_satisfied'), s.overall.very_satisfied),
        cell('satisfied', t('rating.o.satisfied'), s.overall.satisfied),
        cell('not_satisfied', t('rating.o.not_satisfied'), s.overall.not_satisfied))
      : h('p', { class: 'muted', testid: 'sat-none' }, t('dash.satNone')));
  } catch (e) {
    replace(box, title, h('p', { class: 'muted' }, errorText(e)));
  }
}

async function loadOverdue(ctx, box, st) {
  const list = h('div', null, loading());
  box.append(list);
  try {
    const sp = new URLSearchParams({ unit: st.unit, limit: '50' });
    const { data } = await api('/api/v1/stats/overdue?' + sp);
    if (!ctx.alive()) return;
    const items = Array.isArray(data) ? data : data.items || [];
    if (!items.length) { replace(list, h('p', { class: 'muted', testid: 'overdue-empty' }, t('dash.noOverdue'))); return; }
    // QĐ 876/2017: each overdue dossier is apologised for; those that still need it, and those
    // prepared and waiting for the leader's signature, are marked and lead to the dossier's page.
    const needing = items.filter((d) => d.needs_apology).length;
    const waiting = items.filter((d) => d.apology?.state === 'prepared').length;
    const href = (d) => '/can-bo/ho-so/' + encodeURIComponent(d.code) + '#xin-loi';
    const apologyCell = (d) => (d.apology?.state === 'prepared'
      ? h('a', { class: 'btn btn-primary btn-small', href: href(d), testid: 'overdue-apology-sign' }, t('apology.signAction'))
      : d.needs_apology ? h('a', { class: 'btn btn-secondary btn-small', href: href(d), testid: 'overdue-apology-prepare' }, t('apology.prepareAction'))
        : d.apology?.state === 'issued' ? h('span', { class: 'muted', testid: 'overdue-apology-issued' }, t('apology.issuedUntil', { at: fmtDateTime(d.apology.new_due) })) : null);
    replace(list, data.total !== undefined ? h('p', { class: 'muted', testid: 'overdue-total', 'data-total': data.total }, t('dash.overdueNow', { n: data.total, at: fmtDateTime(data.evaluated_at) })) : null,
      h('p', { class: needing || waiting ? 'alert alert-warn' : 'muted', testid: 'overdue-apology-summary', 'data-needing': needing, 'data-waiting': waiting },
        t('apology.summary', { n: needing, m: waiting })),
      h('ul', { class: 'dossier-list', testid: 'overdue-list' }, items.map((d) => h('li', { class: 'dossier-row', testid: 'overdue-row', 'data-code': d.code,
        'data-apology': d.needs_apology ? 'needed' : d.apology?.state || '' },
        h('div', { class: 'row-main' },
          h('a', { class: 'row-title code', href: '/can-bo/ho-so/' + encodeURIComponent(d.code), testid: 'overdue-link' }, d.code),
          h('p', null, d.procedure?.name || ''),
          h('p', { class: 'muted' }, [d.current_unit?.name, d.due_at ? t('dossier.dueAt') + ': ' + fmtDateTime(d.due_at) : null,
            latenessText({ timeliness: 'overdue', overdue_minutes: d.overdue_minutes })].filter(Boolean).join(' · ')),
          apologyCell(d)),
        h('div', { class: 'row-badges' }, d.state ? stateBadge(d.state) : null, timelinessBadge(d.timeliness || 'overdue'))))));
  } catch (e) {
    replace(list, h('p', { class: 'muted', testid: 'overdue-error' }, e instanceof ApiError && e.status === 404 ? t('dash.noApi') : errorText(e)));
  }
}
