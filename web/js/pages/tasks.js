// "/nhiem-vu" — tasks (docs/tasks.md): the list of a unit (what it gives, is in charge of,
// cooperates on; overdue and due soon), the leader's figures, a leader's new task, and one
// task with its parts, its log and the steps the caller may take (the server says which).
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, field, fmtDate, fmtDateTime, errorBox, facts, pagedLog } from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';

const ROLES = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];
const RELATIONS = ['any', 'given', 'in_charge', 'cooperating'];
const TIMINGS = ['', 'overdue', 'due_soon'];
const FIGURES = ['assigned', 'done_on_time', 'done_extended', 'done_late', 'in_progress_in_time', 'in_progress_overdue',
  'waiting_confirmation', 'suspended'];

function badge(task) {
  return h('span', { class: `badge taskstate-${task.state} tasktiming-${task.timing}`, testid: 'task-state',
    'data-state': task.state, 'data-timing': task.timing }, task.state_title);
}

function dueText(task) {
  if (task.due_kind === 'recurring') return t('task.recurring', { period: t('task.period.' + task.period) });
  if (!task.due) return t('task.noDue');
  return fmtDate(task.due) + (task.due_is_day_off ? ' ' + t('task.dayOff') : '') +
    (task.extended ? ' ' + t('task.extendedFrom', { day: fmtDate(task.original_due) }) : '');
}

export async function list(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const relation = RELATIONS.includes(ctx.query.get('relation')) ? ctx.query.get('relation') : 'any';
  const timing = TIMINGS.includes(ctx.query.get('timing')) ? ctx.query.get('timing') : '';
  add(ctx.main, pageTitle(t('task.title')));
  const link = (rel, tim) => '/nhiem-vu?' + new URLSearchParams({ relation: rel, ...(tim ? { timing: tim } : {}) });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('task.relations') },
    RELATIONS.map((r) => h('a', { class: 'chip', href: link(r, timing), testid: 'task-rel-' + r, 'aria-current': r === relation ? 'page' : null },
      t('task.rel.' + r))),
    TIMINGS.filter(Boolean).map((x) => h('a', { class: 'chip', href: link(relation, x === timing ? '' : x), testid: 'task-timing-' + x,
      'aria-current': x === timing ? 'page' : null }, t('task.timing.' + x))));
  const top = h('div', { class: 'card filters' }, chips,
    user.role === 'leader' ? h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: '/nhiem-vu/giao', testid: 'task-new' }, t('task.new'))) : null);
  const figures = h('section', { class: 'card', 'aria-labelledby': 'task-fig-h', testid: 'task-figures' });
  const results = h('section', { class: 'card', 'aria-labelledby': 'task-list-h' }, h('h2', { id: 'task-list-h' }, t('task.list')), loading());
  add(ctx.main, top, ['leader', 'supervisor', 'admin'].includes(user.role) ? figures : null, results);

  if (['leader', 'supervisor', 'admin'].includes(user.role)) {
    const year = new Date().getFullYear();
    api('/api/v1/tasks/stats?' + new URLSearchParams({ from: `${year}-01-01`, to: `${year}-12-31` })).then(({ data }) => {
      if (!ctx.alive()) return;
      replace(figures, h('h2', { id: 'task-fig-h' }, t('task.figures', { year })),
        h('dl', { class: 'facts stats-row' }, FIGURES.map((k) => h('div', { testid: 'task-fig', 'data-key': k, 'data-value': data[k] },
          h('dt', null, t('task.fig.' + k)), h('dd', null, String(data[k]))))),
        h('p', { class: 'actions' },
          h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/tasks/stats.pdf?from=${year}-01-01&to=${year}-12-31`, target: '_blank',
            testid: 'task-stats-pdf' }, t('task.printPdf')),
          h('a', { class: 'btn btn-ghost btn-small', href: `/api/v1/tasks/stats.xlsx?from=${year}-01-01&to=${year}-12-31`,
            testid: 'task-stats-xlsx' }, t('task.printXlsx'))));
    }).catch(() => { replace(figures); });
  }

  try {
    const q = { relation, limit: '100' };
    if (timing) q.timing = timing;
    const { data } = await api('/api/v1/tasks?' + new URLSearchParams(q));
    if (!ctx.alive()) return;
    if (!data.items.length) {
      replace(results, h('h2', { id: 'task-list-h' }, t('task.list')), h('p', { class: 'empty', testid: 'task-empty' }, t('task.empty')));
      return;
    }
    const head = [t('task.col.title'), t('task.col.unit'), t('task.col.due'), t('task.col.state'), t('task.col.progress')];
    const rows = data.items.map((x) => h('tr', { testid: 'task-row', 'data-id': x.id, 'data-state': x.state, 'data-timing': x.timing },
      [h('a', { href: '/nhiem-vu/' + x.id, testid: 'task-link' }, x.title), x.unit?.name || '', dueText(x), badge(x), `${x.progress}%`]
        .map((c, i) => h('td', { 'data-label': head[i] }, c))));
    replace(results, h('h2', { id: 'task-list-h' }, t('task.list')),
      h('p', { class: 'muted', testid: 'task-total' }, t('task.total', { n: data.total })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, head.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows))));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(results, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
  }
}

// The fields of a new task or of a part passed down; parent set for a part.
function taskForm(user, parent, onDone) {
  const directiveF = parent ? null : field(t('task.f.directive'), { testid: 'task-directive', hint: t('task.f.directiveHint'), attrs: { maxlength: 300 } });
  const titleF = field(t('task.f.title'), { testid: 'task-title', required: true, attrs: { maxlength: 500 } });
  const contentF = field(t('task.f.content'), { kind: 'textarea', testid: 'task-content', attrs: { maxlength: 5000 } });
  const productF = field(t('task.f.product'), { testid: 'task-product', attrs: { maxlength: 200 } });
  const unitF = field(t('task.f.unit'), { testid: 'task-unit', required: true, hint: t('task.f.unitHint') });
  const coopF = field(t('task.f.cooperating'), { testid: 'task-cooperating', hint: t('task.f.cooperatingHint') });
  const dueF = field(t('task.f.due'), { kind: 'date', testid: 'task-due', required: true, value: parent?.due || '' });
  const err = errorBox('task-form-error');
  return h('form', { class: 'card', novalidate: true, testid: 'task-form', onsubmit: async (e) => {
    e.preventDefault();
    err.hide();
    for (const f of [titleF, unitF, dueF]) f.clearError();
    for (const f of [titleF, unitF, dueF]) {
      if (!f.input.value.trim()) { f.setError(t('check.required', { field: f.label || '' })); f.input.focus(); return; }
    }
    const body = { title: titleF.input.value.trim(), content: contentF.input.value, product: productF.input.value.trim(),
      unit: unitF.input.value.trim(), due: dueF.input.value,
      cooperating: coopF.input.value.split(',').map((s) => s.trim()).filter(Boolean) };
    if (directiveF) body.directive = directiveF.input.value.trim();
    try {
      const { data } = await api(parent ? `/api/v1/tasks/${parent.id}/subtasks` : '/api/v1/tasks', { method: 'POST', body });
      onDone(data);
    } catch (ex) { err.show(errorText(ex)); }
  } }, directiveF?.wrap, titleF.wrap, contentF.wrap, h('div', { class: 'grid-2' }, productF.wrap, dueF.wrap), unitF.wrap, coopF.wrap, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'task-save' }, t(parent ? 'task.delegate' : 'task.assign'))));
}

export async function create(ctx) {
  const user = requireRole(ctx, ['leader']);
  if (!user) return;
  add(ctx.main, pageTitle(t('task.new')), taskForm(user, null, (task) => navigate('/nhiem-vu/' + task.id)));
}

// What each step asks for besides the button.
const NEEDS = {
  report: ['note', 'percent'], request_extension: ['note', 'due'], grant_extension: ['due'], refuse_extension: ['note'],
  propose_done: ['note'], send_back: ['note'], suspend: ['note'], cancel: ['note'],
};
const REQUIRED = { request_extension: ['note', 'due'], send_back: ['note'], suspend: ['note'], cancel: ['note'] };

export async function detail(ctx) {
  const user = requireRole(ctx, ROLES);
  if (!user) return;
  const id = ctx.params[0];
  const box = h('div', null, loading());
  add(ctx.main, box);
  let task, etag;
  try {
    ({ data: task, etag } = await api('/api/v1/tasks/' + encodeURIComponent(id)));
  } catch (e) {
    if (!ctx.alive()) return;
    replace(box, pageTitle(t('task.title')), h('div', { class: 'alert alert-error', role: 'alert', testid: 'task-error' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const rows = [
    [t('task.col.state'), badge(task)],
    [t('task.f.directive'), task.directive || (task.source_document ? h('a', { href: '/van-ban/' + task.source_document }, t('task.sourceDoc')) : null)],
    [t('task.col.giver'), task.assigner_unit?.name],
    [t('task.col.unit'), task.unit?.name, 'task-unit-name'],
    [t('task.f.cooperating'), (task.cooperating || []).map((u) => u.name).join('; ') || null],
    [t('task.col.due'), dueText(task), 'task-due-text'],
    task.requested_due ? [t('task.requested'), fmtDate(task.requested_due), 'task-requested'] : null,
    task.next_report_due ? [t('task.nextReport'), fmtDate(task.next_report_due)] : null,
    [t('task.f.product'), task.product || null],
    [t('task.col.progress'), `${task.progress_overall}%`, 'task-progress'],
    task.done_on ? [t('task.doneOn'), fmtDate(task.done_on)] : null,
    task.note ? [t('task.note'), task.note, 'task-note'] : null,
  ];
  const err = errorBox('task-action-error');
  const extra = h('div');
  const act = async (action, more = {}) => {
    err.hide();
    try {
      await api(`/api/v1/tasks/${task.id}/actions`, { method: 'POST', body: { action, ...more }, headers: etag ? { 'If-Match': etag } : {} });
      navigate('/nhiem-vu/' + task.id, { replace: true });
    } catch (e) { err.show(errorText(e)); }
  };
  const buttons = h('div', { class: 'actions', testid: 'task-actions' }, (task.may || []).map((action) =>
    h('button', { type: 'button', class: ['cancel', 'send_back', 'refuse_extension', 'suspend'].includes(action) ? 'btn btn-secondary' : 'btn btn-primary',
      testid: 'task-act-' + action, onclick: () => {
        if (action === 'delegate') {
          replace(extra, taskForm(user, task, () => navigate('/nhiem-vu/' + task.id, { replace: true })));
          return;
        }
        const needs = NEEDS[action] || [];
        if (!needs.length) { act(action); return; }
        const f = {};
        if (needs.includes('note')) f.note = field(t('task.f.note.' + action), { kind: 'textarea', testid: 'task-note-input', required: (REQUIRED[action] || []).includes('note') });
        if (needs.includes('percent')) f.percent = field(t('task.f.percent'), { kind: 'number', testid: 'task-percent', attrs: { min: 0, max: 100 } });
        if (needs.includes('due')) f.due = field(t('task.f.newDue'), { kind: 'date', testid: 'task-new-due', value: action === 'grant_extension' ? task.requested_due || '' : '' });
        replace(extra, h('form', { class: 'inline-form', novalidate: true, onsubmit: (e) => {
          e.preventDefault();
          const more = {};
          for (const k of REQUIRED[action] || []) {
            if (!f[k].input.value.trim()) { f[k].setError(t('check.required', { field: t(k === 'due' ? 'task.f.newDue' : 'task.f.note.' + action) })); f[k].input.focus(); return; }
          }
          if (f.note && f.note.input.value.trim()) more.note = f.note.input.value.trim();
          if (f.percent && f.percent.input.value !== '') more.percent = Number(f.percent.input.value);
          if (f.due && f.due.input.value) more.due = f.due.input.value;
          act(action, more);
        } }, Object.values(f).map((x) => x.wrap), h('button', { type: 'submit', class: 'btn btn-primary', testid: 'task-act-go' }, t('task.act.' + action))));
        (f.note || f.due).input.focus();
      } }, t('task.act.' + action))));
  const children = (task.children || []).length
    ? h('section', { class: 'card', 'aria-labelledby': 'task-children-h' }, h('h2', { id: 'task-children-h' }, t('task.children')),
      h('ul', { class: 'plain' }, task.children.map((c) => h('li', { testid: 'task-child', 'data-id': c.id },
        h('a', { href: '/nhiem-vu/' + c.id }, c.title), ' — ', c.unit?.name || '', ' ', badge(c), ` ${c.progress}%`))))
    : null;
  const step = (e) =>
    h('li', { testid: 'task-event', 'data-action': e.action }, h('strong', null, t('task.act.' + e.action)), ' — ',
      fmtDateTime(e.at), e.by ? ` · ${e.by}` : '', e.unit?.name ? ` (${e.unit.name})` : '',
      e.percent !== undefined ? ` · ${e.percent}%` : '', e.due ? ` · ${fmtDate(e.due)}` : '',
      e.note ? h('p', { class: 'muted' }, e.note) : null);
  // The task comes with its newest steps; older ones are read a page at a time.
  const events = pagedLog({ events: task.events || [], more: task.events_more, path: `/api/v1/tasks/${task.id}/events`,
    item: step, err, testid: 'task-events', label: t('task.steps.older') });
  replace(box, pageTitle(task.title, 'page-title'),
    h('p', null, h('a', { href: '/nhiem-vu' }, t('task.back')), task.parent ? [' · ', h('a', { href: '/nhiem-vu/' + task.parent, testid: 'task-parent' }, t('task.parent'))] : null),
    h('section', { class: 'card' }, facts(rows), task.content ? h('p', { class: 'doc-body' }, task.content) : null),
    children,
    h('section', { class: 'card', 'aria-labelledby': 'task-steps-h' }, h('h2', { id: 'task-steps-h' }, t('task.steps')), buttons, extra, err, events));
}
