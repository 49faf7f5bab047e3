// "/cong-khai" — what the province publishes at its one-stop portal: dossiers
// resolved and resolved on time by unit and month, and the apologies issued.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, fmtDate, fmtNumber, uid } from '/js/lib.js';
import { navigate } from '/js/app.js';

function pct(rate) {
  return rate === null || rate === undefined ? '—' : fmtNumber(Math.round(rate * 1000) / 10) + ' %';
}

function resultsTable(data) {
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  const rows = data.units.filter((u) => u.months.some((m) => m.resolved > 0));
  if (!rows.length) return h('p', { class: 'muted', testid: 'results-empty' }, '—');
  const sum = (u, key) => u.months.reduce((a, m) => a + (m[key] || 0), 0);
  // what a cell says, in words: "3/4" is three on time of four resolved
  const said = (onTime, resolved) => t('public.cellSays', { on: fmtNumber(onTime), all: fmtNumber(resolved) });
  return h('div', { class: 'table-wrap' }, h('p', { class: 'hint', testid: 'results-legend', id: 'results-legend' }, t('public.legend')),
    h('table', { class: 'table', testid: 'results-table', 'aria-describedby': 'results-legend' },
    h('caption', { class: 'sr-only' }, t('public.caption')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('public.unit')),
      months.map((m) => h('th', { scope: 'col', class: 'num' }, t('public.month', { m }))),
      h('th', { scope: 'col', class: 'num' }, t('public.total')))),
    h('tbody', null, rows.map((u) => {
      const resolved = sum(u, 'resolved');
      const onTime = sum(u, 'on_time');
      return h('tr', { testid: 'results-row', 'data-unit': u.unit.code, 'data-resolved': resolved, 'data-on-time': onTime },
        h('th', { scope: 'row' }, u.unit.name),
        u.months.map((m) => h('td', { class: 'num', 'data-label': t('public.month', { m: m.month }) },
          m.resolved ? h('abbr', { title: said(m.on_time, m.resolved), 'aria-label': said(m.on_time, m.resolved), testid: 'results-cell' },
            `${fmtNumber(m.on_time)}/${fmtNumber(m.resolved)}`) : h('span', { title: t('public.none'), 'aria-label': t('public.none') }, '—'))),
        h('td', { class: 'num', 'data-label': t('public.total') },
          h('strong', { title: said(onTime, resolved) }, `${fmtNumber(onTime)}/${fmtNumber(resolved)}`), ' ', pct(resolved ? onTime / resolved : null)));
    }))));
}

function apologyList(data) {
  if (!data.items.length) return h('p', { class: 'muted', testid: 'apologies-empty' }, t('public.noApologies'));
  return h('ul', { class: 'dossier-list', testid: 'apologies-list' }, data.items.map((a) => h('li', { class: 'dossier-row', testid: 'apology-row', 'data-code': a.code },
    h('div', { class: 'row-main' },
      h('a', { class: 'row-title code', href: '/tra-cuu/' + encodeURIComponent(a.code) }, a.code),
      h('p', null, a.procedure?.name || ''),
      h('p', { class: 'muted' }, [a.unit?.name, a.applicant_name].filter(Boolean).join(' · ')),
      h('p', null, t('public.apology.reason'), ': ', a.reason || ''),
      h('p', { class: 'muted' }, `${t('public.apology.oldDue')}: ${fmtDate(a.old_due)} · ${t('public.apology.newDue')}: ${fmtDate(a.new_due)} · ${t('public.apology.issued')}: ${fmtDate(a.issued_at)}`)))));
}

export async function render(ctx) {
  const params = new URLSearchParams(location.search);
  const year = Number(params.get('year')) || new Date().getFullYear();
  add(ctx.main, pageTitle(t('public.title')));
  const id = uid('yr');
  const input = h('input', { id, type: 'number', min: 2000, max: 2100, value: String(year), testid: 'public-year', inputmode: 'numeric' });
  add(ctx.main, h('form', { class: 'card filters', onsubmit: (e) => { e.preventDefault(); navigate('/cong-khai?year=' + encodeURIComponent(input.value)); } },
    h('label', { for: id }, t('public.year')), h('div', { class: 'search-row' }, input,
      h('button', { type: 'submit', class: 'btn btn-primary', testid: 'public-show' }, t('public.show')))));
  const results = h('section', { class: 'card', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, t('public.results')), loading());
  const apologies = h('section', { class: 'card', 'aria-labelledby': 'pa-h' }, h('h2', { id: 'pa-h' }, t('public.apologies')), loading());
  add(ctx.main, results, apologies);
  const [r, a] = await Promise.allSettled([
    api('/api/v1/public/results?year=' + year),
    api(`/api/v1/public/apologies?from=${year}-01-01&to=${year + 1}-01-01&limit=50`),
  ]);
  if (!ctx.alive()) return;
  replace(results, results.firstChild, r.status === 'fulfilled' ? resultsTable(r.value.data) : h('p', { class: 'muted' }, errorText(r.reason)));
  replace(apologies, apologies.firstChild, a.status === 'fulfilled' ? apologyList(a.value.data) : h('p', { class: 'muted' }, errorText(a.reason)));
}
