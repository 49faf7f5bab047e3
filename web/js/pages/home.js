// "/" — the citizen portal's home: procedure search as you type, browsing by field and level,
// and the dossier lookup box.
import { t } from '/i18n/i18n.js';
import { h, replace, add, api, errorText, debounce, fmtDays, levelsText, onlineService, uid, loading } from '/js/lib.js';
import { navigate } from '/js/app.js';

const LEVELS = ['department', 'district', 'commune'];
// Results come a page at a time ("Xem thêm" fetches the next): the first page of the portal
// stays small on a slow link however large the catalogue grows.
const PAGE = 20;

export async function render(ctx) {
  document.title = t('app.name');
  const q0 = ctx.query.get('q') || '';
  const state = { q: q0, field: ctx.query.get('field') || '', level: ctx.query.get('level') || '' };

  const searchId = uid('search');
  const input = h('input', {
    id: searchId, type: 'search', class: 'search-input', testid: 'search-input', value: q0, autocomplete: 'off',
    placeholder: t('home.searchPlaceholder'), 'aria-describedby': searchId + '-hint', maxlength: 200,
  });
  const status = h('p', { class: 'result-status', role: 'status', 'aria-live': 'polite', testid: 'search-status' });
  const results = h('ul', { class: 'result-list', testid: 'search-results' });
  const more = h('div', { class: 'actions' });
  // what the search did with the words: some dropped, or a word the catalogue spells otherwise
  const advice = h('div', { class: 'search-advice', testid: 'search-advice' });
  const filterNote = h('div', { class: 'filter-note' });

  const lookupId = uid('lookup');
  const lookupInput = h('input', {
    id: lookupId, type: 'text', testid: 'lookup-input', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters',
    placeholder: t('lookup.placeholder'), required: true, maxlength: 80, 'aria-describedby': lookupId + '-hint',
  });

  const levelButtons = h('div', { class: 'chips', role: 'group', 'aria-label': t('home.byLevel') });
  const fieldList = h('ul', { class: 'field-grid', testid: 'field-list' }, h('li', null, loading()));

  ctx.main.appendChild(h('section', { class: 'hero' },
    h('h1', { tabindex: '-1', class: 'hero-title', testid: 'page-title' }, t('home.title')),
    h('p', { class: 'hero-lead' }, t('home.lead')),
    h('form', { class: 'search-form', role: 'search', onsubmit: (e) => { e.preventDefault(); run(); } },
      h('label', { for: searchId, class: 'search-label' }, t('home.searchLabel')),
      h('div', { class: 'search-row' }, input,
        h('button', { type: 'submit', class: 'btn btn-primary', testid: 'search-submit' }, t('home.searchButton'))),
      h('p', { class: 'hint', id: searchId + '-hint' }, t('home.searchHint')))));

  ctx.main.appendChild(h('div', { class: 'home-grid' },
    h('section', { class: 'card lookup-card home-lookup', 'aria-labelledby': 'lookup-h' },
      h('h2', { id: 'lookup-h' }, t('lookup.boxTitle')),
      h('form', {
        class: 'stack', onsubmit: (e) => {
          e.preventDefault();
          const code = lookupInput.value.replace(/\s+/g, '');
          if (code) navigate('/tra-cuu/' + encodeURIComponent(code));
        },
      },
      h('label', { for: lookupId }, t('lookup.codeLabel')), lookupInput,
      h('p', { class: 'hint', id: lookupId + '-hint' }, t('lookup.hint')),
      h('button', { type: 'submit', class: 'btn btn-primary', testid: 'lookup-submit' }, t('lookup.button')))),
    h('section', { class: 'home-results', 'aria-labelledby': 'results-h' },
      h('h2', { id: 'results-h' }, t('home.resultsTitle')), filterNote, status, advice, results, more),
    h('aside', { class: 'home-side' },
      h('section', { class: 'card', 'aria-labelledby': 'level-h' },
        h('h2', { id: 'level-h' }, t('home.byLevel')), levelButtons),
      h('section', { class: 'card', 'aria-labelledby': 'field-h' },
        h('h2', { id: 'field-h' }, t('home.byField')), fieldList))));

  function drawLevels() {
    replace(levelButtons, ['', ...LEVELS].map((lv) => h('button', {
      type: 'button', class: 'chip', testid: 'level-' + (lv || 'all'), 'aria-pressed': String(state.level === lv),
      onclick: () => { state.level = lv; drawLevels(); run(); },
    }, lv ? t('level.' + lv) : t('home.allLevels'))));
  }
  drawLevels();

  let ctrl = null;
  async function run() {
    if (!ctx.alive()) return;
    const q = input.value.trim();
    state.q = q;
    const sp = new URLSearchParams();
    if (q) sp.set('q', q);
    if (state.field) sp.set('field', state.field);
    if (state.level) sp.set('level', state.level);
    history.replaceState(null, '', '/' + (sp.toString() ? '?' + sp : ''));
    replace(filterNote, state.field ? h('p', { class: 'chip-row' },
      h('span', { class: 'chip chip-static', testid: 'active-field' }, t('home.fieldIs', { field: state.field })),
      h('button', { type: 'button', class: 'btn btn-link', testid: 'clear-field', onclick: () => { state.field = ''; run(); } },
        t('home.clearField'))) : null);
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    sp.set('limit', String(PAGE));
    if (!q && !state.field && !state.level) sp.set('online_level', '3');
    replace(status, t('common.loading'));
    replace(more);
    replace(advice);
    try {
      const { data } = await api('/api/v1/procedures?' + sp, { signal: ctrl.signal });
      if (!ctx.alive()) return;
      const featured = !q && !state.field && !state.level;
      replace(status, featured ? t('home.featured', { n: data.total })
        : data.total ? t('home.found', { n: data.total }) : t('home.none'));
      replace(results, data.items.map(item));
      replace(advice,
        data.relaxed ? h('p', { class: 'muted', testid: 'search-relaxed' }, t('home.relaxed')) : null,
        data.did_you_mean ? h('p', { testid: 'search-did-you-mean' }, t('home.didYouMean'), ' ',
          h('a', { href: '/?' + new URLSearchParams({ q: data.did_you_mean }), class: 'did-you-mean', testid: 'did-you-mean-link',
            onclick: (e) => { e.preventDefault(); input.value = data.did_you_mean; run(); } }, data.did_you_mean), '?') : null);
      drawMore(sp, data.total, data.items.length, ctrl.signal);
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(status, h('span', { class: 'error-text' }, errorText(e)));
      replace(results);
    }
  }

  function item(p) {
    return h('li', { class: 'result-item', testid: 'procedure-item', 'data-code': p.code },
      h('a', { href: '/thu-tuc/' + encodeURIComponent(p.code), class: 'result-link' }, p.name),
      h('p', { class: 'result-meta' },
        h('span', null, p.field), ' · ', h('span', null, levelsText(p.levels)), ' · ',
        h('span', null, fmtDays(p.duration_hours)),
        onlineService(p).badge ? h('span', { class: 'badge badge-online' }, onlineService(p).badge) : null));
  }

  // "Xem thêm": the next page of the same query, appended; focus goes to the first new result
  function drawMore(sp, total, shown, signal) {
    if (shown >= total) { replace(more); return; }
    replace(more, h('button', {
      type: 'button', class: 'btn btn-secondary', testid: 'search-more', onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        const next = new URLSearchParams(sp);
        next.set('offset', String(shown));
        try {
          const { data } = await api('/api/v1/procedures?' + next, { signal });
          if (!ctx.alive()) return;
          const added = data.items.map(item);
          add(results, added);
          drawMore(sp, data.total, shown + added.length, signal);
          if (added.length) added[0].querySelector('a').focus();
        } catch (e) {
          if (e.name === 'AbortError') return;
          replace(more, h('span', { class: 'error-text' }, errorText(e)));
        }
      },
    }, t('home.more', { n: Math.min(PAGE, total - shown) })));
  }
  const typed = debounce(run, 250);
  input.addEventListener('input', typed);
  run();
  // the fields sit below the fold: they load when their list comes into view
  const chooseField = (f) => { state.field = f; run(); document.getElementById('results-h').scrollIntoView({ block: 'start' }); };
  if ('IntersectionObserver' in window) {
    const io = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      io.disconnect();
      if (ctx.alive()) loadFields(fieldList, chooseField);
    });
    io.observe(fieldList);
  } else {
    loadFields(fieldList, chooseField);
  }
}

async function loadFields(list, choose) {
  let fields;
  try {
    const { data } = await api('/api/v1/procedures/fields');
    const items = Array.isArray(data) ? data : data.items || [];
    fields = items.map((f) => (typeof f === 'string' ? { name: f } : { name: f.name || f.field, count: f.count ?? f.total }));
  } catch (e) {
    // the fields route may not exist yet: count them from the catalogue
    try {
      const { data } = await api('/api/v1/procedures?limit=200');
      const m = new Map();
      for (const p of data.items) m.set(p.field, (m.get(p.field) || 0) + 1);
      fields = [...m].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    } catch (e2) {
      replace(list, h('li', { class: 'error-text' }, errorText(e2)));
      return;
    }
  }
  replace(list, fields.map((f) => h('li', null, h('button', {
    type: 'button', class: 'field-btn', testid: 'field-item', 'data-field': f.name, onclick: () => choose(f.name),
  }, h('span', null, f.name), f.count !== undefined ? h('span', { class: 'count', 'aria-label': t('home.count', { n: f.count }) }, String(f.count)) : null))));
}
