// "/can-bo" — the one-stop desk: receive a walk-in dossier (due time shown before confirming),
// handle online submissions, hand results back.
import { t } from '/i18n/i18n.js';
import {
  h, add, api, pageTitle, replace, loading, errorText, errorBox, field, debounce, fmtDateTime, fmtDays, nowLocal, uid,
  stateBadge, timelinessBadge, checker, checks, fileField, fmtNumber,
} from '/js/lib.js';
import { requireRole } from '/js/app.js';
import { act, showActionError, formUrl } from '/js/dossier-ui.js';
import { unitPicker } from '/js/pickers.js';

export async function render(ctx) {
  const user = requireRole(ctx, ['desk']);
  if (!user) return;
  add(ctx.main, pageTitle(t('desk.title')), h('p', { class: 'lead muted' }, user.unit ? user.unit.name : ''));
  const tabs = [['walkin', t('desk.tabWalkin')], ['online', t('desk.tabOnline')], ['return', t('desk.tabReturn')]];
  let tab = ctx.query.get('tab') || 'walkin';
  if (!tabs.some(([k]) => k === tab)) tab = 'walkin';
  const tabBar = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('desk.title') });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel' });
  add(ctx.main, tabBar, panel);

  // what waits for the desk, counted on its tabs
  const waitingCount = {};
  const count = (state, key) => api('/api/v1/dossiers?limit=1&state=' + state).then(({ data }) => {
    waitingCount[key] = data.total;
    if (ctx.alive()) drawTabs();
  }).catch(() => {});
  count('submitted', 'online');
  count('resolved', 'return');
  function drawTabs() {
    replace(tabBar, tabs.map(([k, label]) => h('button', {
      type: 'button', role: 'tab', id: 'tab-' + k, class: 'tab', 'aria-selected': String(k === tab), testid: 'desk-tab-' + k,
      tabindex: k === tab ? '0' : '-1',
      onclick: () => { tab = k; history.replaceState(null, '', '/can-bo?tab=' + k); drawTabs(); show(); },
      onkeydown: (e) => {
        const i = tabs.findIndex(([x]) => x === k);
        const j = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : -1;
        if (j >= 0) { e.preventDefault(); tabBar.children[j].click(); tabBar.children[j].focus(); }
      },
    }, label, waitingCount[k] ? [' ', h('span', { class: 'count', testid: 'desk-tab-count-' + k }, fmtNumber(waitingCount[k]))] : null)));
    panel.setAttribute('aria-labelledby', 'tab-' + tab);
  }
  function show() {
    replace(panel);
    if (tab === 'walkin') walkin(ctx, user, panel);
    else if (tab === 'online') waiting(ctx, panel, 'submitted');
    else waiting(ctx, panel, 'resolved');
  }
  drawTabs();
  show();
}

function walkin(ctx, user, panel) {
  const unit = user.unit?.code;
  let proc = null;
  const searchId = uid('ps');
  const search = h('input', { id: searchId, type: 'search', testid: 'desk-proc-search', autocomplete: 'off', placeholder: t('desk.procPlaceholder') });
  const options = h('ul', { class: 'option-list', testid: 'desk-proc-options' });
  const chosen = h('div', { class: 'chosen', testid: 'desk-proc-chosen', 'aria-live': 'polite' });
  const docsBox = h('div', { testid: 'desk-checklist' });
  const ap = {
    name: field(t('applicant.name'), { testid: 'desk-applicant-name', required: true, attrs: { maxlength: 120, autocomplete: 'off' } }),
    id_number: field(t('applicant.idNumber'), { testid: 'desk-applicant-id', hint: t('applicant.idHint'), attrs: { inputmode: 'numeric', maxlength: 31, autocomplete: 'off' } }),
    phone: field(t('applicant.phone'), { kind: 'tel', testid: 'desk-applicant-phone', hint: t('applicant.phoneHint'), attrs: { maxlength: 31, autocomplete: 'off' } }),
    email: field(t('applicant.email'), { kind: 'email', testid: 'desk-applicant-email', attrs: { maxlength: 127, autocomplete: 'off' } }),
    address: field(t('applicant.address'), { testid: 'desk-applicant-address', attrs: { maxlength: 250, autocomplete: 'off' } }),
  };
  const check = checker([
    { f: ap.name, check: checks.required(t('applicant.name')), api: 'applicant.name' },
    { f: ap.id_number, check: checks.idNumber, api: 'applicant.id_number' },
    { f: ap.phone, check: checks.phone, api: 'applicant.phone' },
    { f: ap.email, check: checks.email, api: 'applicant.email' },
    { f: ap.address, api: 'applicant.address' },
  ]);
  let scans = [];
  const channel = h('fieldset', { class: 'radio-group inline' }, h('legend', null, t('desk.channel')),
    ['direct', 'postal'].map((c) => h('span', { class: 'radio' },
      h('input', { type: 'radio', name: 'channel', value: c, id: 'ch-' + c, testid: 'desk-channel-' + c, checked: c === 'direct' }),
      h('label', { for: 'ch-' + c }, t('channel.' + c)))));
  const dueBox = h('div', { class: 'due-preview', testid: 'desk-due-preview', 'aria-live': 'polite' }, t('desk.dueNeedsProc'));
  const err = errorBox('desk-error');
  const confirmBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-large', testid: 'desk-confirm', disabled: true }, t('desk.confirm'));
  const result = h('div');
  const form = h('form', { class: 'desk-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('section', { class: 'card' }, h('h2', null, '1. ', t('desk.procedure')),
      h('label', { for: searchId }, t('desk.procSearch')), search, options, chosen),
    h('section', { class: 'card' }, h('h2', null, '2. ', t('desk.applicant')),
      h('div', { class: 'grid-2' }, Object.values(ap).map((x) => x.wrap))),
    h('section', { class: 'card' }, h('h2', null, '3. ', t('desk.checklist')), docsBox),
    h('section', { class: 'card' }, h('h2', null, '4. ', t('desk.confirmTitle')), channel, dueBox, err, h('div', { class: 'actions' }, confirmBtn)));
  panel.append(result, form);

  let ctrl;
  const find = debounce(async () => {
    const q = search.value.trim();
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const sp = new URLSearchParams({ limit: '8' });
    if (q) sp.set('q', q);
    if (unit) sp.set('unit', unit);
    try {
      const { data } = await api('/api/v1/procedures?' + sp, { signal: ctrl.signal });
      replace(options, data.items.length ? data.items.map((p) => h('li', null, h('button', {
        type: 'button', class: 'option', testid: 'desk-proc-option', 'data-code': p.code, onclick: () => choose(p.code),
      }, h('span', null, p.name), h('span', { class: 'muted' }, ` · ${p.code} · ${fmtDays(p.duration_hours)}`)))) : h('li', { class: 'muted' }, t('home.none')));
    } catch (e) {
      if (e.name !== 'AbortError') replace(options, h('li', { class: 'error-text' }, errorText(e)));
    }
  }, 200);
  search.addEventListener('input', find);
  find();

  async function choose(code) {
    try {
      const { data } = await api('/api/v1/procedures/' + encodeURIComponent(code));
      proc = data;
    } catch (e) {
      err.show(e);
      return;
    }
    replace(options);
    search.value = '';
    replace(chosen, h('p', null, h('strong', null, proc.name), h('span', { class: 'muted' }, ` (${proc.code}, ${fmtDays(proc.duration_hours)})`),
      ' ', h('button', { type: 'button', class: 'btn btn-link', testid: 'desk-proc-change', onclick: () => { proc = null; competent = null; replace(chosen); replace(docsBox); confirmBtn.disabled = true; replace(dueBox, t('desk.dueNeedsProc')); search.focus(); find(); } }, t('desk.change'))));
    // Received regardless of administrative boundary (Nghị định 118/2025/NĐ-CP): the
    // competent unit may be another commune's; its office hours set the due time.
    competent = null;
    if (proc.anywhere) {
      competent = unitPicker(t('desk.competentUnit'), { testid: 'desk-competent', hint: t('desk.competentHint'),
        levels: String(proc.levels || '').split(',').filter(Boolean), value: user.unit || undefined, onChange: () => preview() });
      chosen.append(competent.wrap);
    }
    // Each paper: received or not, how many originals and copies (each with its own visible
    // label), and its scan or photo, taken from the desk's scanner or a phone's camera.
    scans = [];
    replace(docsBox, proc.documents.length ? h('ul', { class: 'checklist plain', testid: 'desk-doc-list' },
      proc.documents.map((d) => {
        const cid = uid('doc');
        const oid = uid('orig');
        const kid = uid('copy');
        const scan = fileField(t('desk.scanOf', { name: d.name }), { testid: 'desk-doc-file-' + d.seq, hint: t('desk.scanHint') });
        scan.seq = d.seq;
        scans.push(scan);
        return h('li', { class: 'doc-check', testid: 'desk-doc', 'data-seq': d.seq },
          h('div', { class: 'check doc-check-name' }, h('input', { type: 'checkbox', id: cid, testid: 'desk-doc-' + d.seq, checked: d.required }),
            h('label', { for: cid }, d.name, d.required ? '' : ' ' + t('proc.optional'))),
          h('div', { class: 'doc-counts' },
            h('span', { class: 'doc-count' }, h('label', { for: oid }, t('proc.originals')),
              h('input', { type: 'number', id: oid, min: 0, max: 100, value: String(d.originals), class: 'num-input', testid: 'desk-doc-originals-' + d.seq })),
            h('span', { class: 'doc-count' }, h('label', { for: kid }, t('proc.copies')),
              h('input', { type: 'number', id: kid, min: 0, max: 100, value: String(d.copies), class: 'num-input', testid: 'desk-doc-copies-' + d.seq }))),
          h('details', { class: 'doc-scan' }, h('summary', { testid: 'desk-doc-scan-' + d.seq }, t('desk.scan')), scan.wrap));
      })) : h('p', null, t('proc.noDocuments')));
    confirmBtn.disabled = false;
    ap.name.input.focus();
    preview();
  }

  let dueData = null;
  let competent = null;
  // the competent unit when the desk receives for another unit; null for its own
  const forUnit = () => (competent && competent.value() && competent.value() !== unit ? competent.value() : null);
  async function preview() {
    if (!proc) return null;
    const sp = new URLSearchParams({ from: nowLocal(), hours: String(proc.duration_hours) });
    if (forUnit() || unit) sp.set('unit', forUnit() || unit);
    if (proc.cutoff) sp.set('cutoff', proc.cutoff);
    try {
      const { data } = await api('/api/v1/calendar/due?' + sp);
      dueData = data;
      replace(dueBox, h('p', null, t('desk.dueWillBe')), h('p', { class: 'due-big', testid: 'desk-due', 'data-due': data.due }, fmtDateTime(data.due)),
        h('p', { class: 'muted' }, t('desk.dueDetail', { start: fmtDateTime(data.start), days: fmtDays(data.hours) })));
    } catch (e) {
      replace(dueBox, h('span', { class: 'error-text' }, errorText(e)));
    }
    return dueData;
  }

  async function submit() {
    err.hide();
    if (!proc) { err.show(t('desk.needProc')); search.focus(); return; }
    if (check.validate()) { err.show(t('form.fixMarked')); return; }
    const name = ap.name.input.value.trim();
    const applicant = { name };
    for (const k of ['id_number', 'phone', 'email', 'address']) {
      const v = ap[k].input.value.trim();
      if (v) applicant[k] = v;
    }
    const documents = [];
    for (const row of docsBox.querySelectorAll('[data-testid=desk-doc][data-seq]')) {
      const seq = Number(row.getAttribute('data-seq'));
      const d = proc.documents.find((x) => x.seq === seq);
      if (!row.querySelector('input[type=checkbox]').checked) continue;
      const nums = row.querySelectorAll('input[type=number]');
      const doc = { name: d.name, originals: Number(nums[0].value) || 0, copies: Number(nums[1].value) || 0 };
      const scan = scans.find((s) => s.seq === seq);
      if (scan && scan.error()) { err.show(scan.error()); scan.input.focus(); return; }
      if (scan && scan.hasFile()) {
        const u = await scan.get();
        if (!u) { err.show(t('file.uploadFailed')); scan.input.focus(); return; }
        doc.attachment = u.sha256;
        doc.filename = u.filename;
      }
      documents.push(doc);
    }
    const ch = form.querySelector('input[name=channel]:checked').value;
    confirmBtn.disabled = true;
    try {
      const body = { procedure_code: proc.code, channel: ch, applicant, documents };
      if (forUnit()) body.unit = forUnit();
      const { data: d } = await api('/api/v1/dossiers', { method: 'POST', body });
      form.hidden = true;
      replace(result, h('section', { class: 'card confirm', testid: 'desk-result', 'aria-labelledby': 'dr-h' },
        h('h2', { id: 'dr-h', tabindex: '-1' }, t('desk.doneTitle')),
        h('p', { class: 'big-code', testid: 'desk-result-code' }, d.code),
        d.reception_unit ? h('p', { class: 'alert alert-info', role: 'note', testid: 'desk-result-competent', 'data-code': d.receiving_unit.code },
          t('desk.receivedFor', { unit: d.receiving_unit.name })) : null,
        h('p', null, t('dossier.dueAt'), ': ', h('strong', { testid: 'desk-result-due', 'data-due': d.due_at }, fmtDateTime(d.due_at))),
        h('div', { class: 'actions' },
          h('a', { class: 'btn btn-primary', href: '/in/giay-tiep-nhan/' + encodeURIComponent(d.code), testid: 'desk-receipt-print' }, t('receipt.print')),
          h('a', { class: 'btn btn-secondary', href: formUrl(d.code, '01'), download: '', testid: 'desk-receipt' }, t('forms.01')),
          h('a', { class: 'btn btn-secondary', href: '/can-bo/ho-so/' + encodeURIComponent(d.code), testid: 'desk-result-link' }, t('desk.openDossier')),
          h('a', { class: 'btn btn-secondary', href: '/tra-cuu/' + encodeURIComponent(d.code) }, t('desk.publicLookup')),
          h('button', { type: 'button', class: 'btn btn-secondary', testid: 'desk-new', onclick: () => { replace(panel); walkin(ctx, user, panel); } }, t('desk.another')))));
      result.querySelector('h2').focus();
    } catch (e) {
      confirmBtn.disabled = false;
      if (check.showProblem(e)) err.show(t('form.fixMarked'));
      else err.show(e);
    }
  }
}

/** Online submissions waiting (state submitted) or results to hand back (state resolved). */
async function waiting(ctx, panel, state) {
  const listBox = h('div');
  if (state === 'submitted') panel.append(junkPanel(ctx, () => { replace(listBox); waitingList(ctx, listBox, state); }));
  panel.append(listBox);
  await waitingList(ctx, listBox, state);
}

async function waitingList(ctx, panel, state) {
  const box = h('div', null, loading());
  panel.append(box);
  let data;
  try {
    ({ data } = await api('/api/v1/dossiers?limit=100&state=' + state));
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  const reload = () => { replace(panel); waitingList(ctx, panel, state); };
  if (!data.items.length) {
    replace(box, h('p', { class: 'empty', testid: 'desk-empty' }, state === 'submitted' ? t('desk.noOnline') : t('desk.noReturn')));
    return;
  }
  replace(box, h('p', { class: 'muted', role: 'status' }, t('queue.total', { n: data.total })),
    h('ul', { class: 'dossier-list', testid: state === 'submitted' ? 'desk-online-list' : 'desk-return-list' }, data.items.map((d) => {
      const err = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, testid: 'desk-row-error' });
      const formBox = h('div');
      const btns = state === 'submitted' ? [
        h('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'desk-receive', onclick: () => run({ action: 'receive' }) }, t('action.receive')),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', testid: 'desk-request-supplement', onclick: () => noteForm('request_supplement') }, t('action.request_supplement')),
        h('button', { type: 'button', class: 'btn btn-danger-outline btn-small', testid: 'desk-refuse', onclick: () => noteForm('refuse') }, t('action.refuse')),
      ] : [
        h('button', { type: 'button', class: 'btn btn-primary btn-small', testid: 'desk-return', onclick: () => run({ action: 'return' }) }, t('action.return')),
      ];
      const row = h('li', { class: 'dossier-row', testid: 'dossier-row', 'data-code': d.code, 'data-state': d.state },
        h('div', { class: 'row-main' },
          h('a', { class: 'row-title', href: '/can-bo/ho-so/' + encodeURIComponent(d.code) }, d.procedure.name || d.procedure.code),
          h('p', { class: 'code muted' }, d.code),
          h('p', null, d.applicant?.name, d.applicant?.phone ? ' · ' + d.applicant.phone : ''),
          h('p', { class: 'muted' }, state === 'submitted' ? [t('dossier.submittedAt'), ': ', fmtDateTime(d.submitted_at)]
            : [t('dossier.finishedAt'), ': ', fmtDateTime(d.finished_at), d.outcome ? ' · ' + t('outcome.' + d.outcome) : ''])),
        h('div', { class: 'row-badges' }, stateBadge(d.state), timelinessBadge(d.timeliness, null, d),
          d.reception_overdue ? h('span', { class: 'badge tl-overdue', testid: 'reception-overdue' },
            h('span', { 'aria-hidden': 'true', class: 'badge-mark' }, '! '), t('desk.receptionOverdue')) : null),
        h('div', { class: 'row-actions' }, btns), formBox, err);
      async function run(body) {
        err.hidden = true;
        for (const b of row.querySelectorAll('button')) b.disabled = true;
        try {
          const { data: after } = await act(d.code, d.version, body);
          replace(row, h('div', { class: 'row-main' },
            h('a', { class: 'row-title', href: '/can-bo/ho-so/' + encodeURIComponent(d.code) }, d.procedure.name || d.procedure.code),
            h('p', { class: 'code muted' }, d.code),
            h('p', { class: 'alert alert-success', role: 'status', testid: 'desk-row-done' }, t('desk.actionDone', { action: t('action.' + body.action) }),
              after.due_at ? ' ' + t('desk.dueIs', { due: fmtDateTime(after.due_at) }) : '')),
          h('div', { class: 'row-badges' }, stateBadge(after.state), timelinessBadge(after.timeliness)));
          row.setAttribute('data-state', after.state);
          if (after.due_at) row.setAttribute('data-due', after.due_at);
        } catch (e) {
          for (const b of row.querySelectorAll('button')) b.disabled = false;
          showActionError(err, e, reload);
        }
      }
      function noteForm(action) {
        const note = field(action === 'refuse' ? t('desk.refuseReasons') : t('desk.supplementNote'), { kind: 'textarea', testid: 'desk-note', required: true, attrs: { maxlength: 2000 } });
        const ferr = errorBox('desk-note-error');
        replace(formBox, h('form', {
          class: 'inline-form', novalidate: true, onsubmit: (e) => {
            e.preventDefault();
            const v = note.input.value.trim();
            if (!v) { ferr.show(t('form.noteRequired')); note.input.focus(); return; }
            run({ action, note: v });
          },
        }, note.wrap, ferr, h('div', { class: 'actions' },
          h('button', { type: 'submit', class: action === 'refuse' ? 'btn btn-danger' : 'btn btn-primary', testid: 'desk-note-submit' }, t('action.' + action)),
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => replace(formBox) }, t('common.cancel')))));
        note.input.focus();
      }
      return row;
    })));
}


// The most one refusal request takes (POST /api/v1/dossiers/refusals).
const BULK_MAX = 500;

/**
 * Clearing a flood of junk submissions: which accounts and addresses filed the most of the
 * unit's waiting submissions, the submissions of one account or address (and time window),
 * and their refusal with one reason, 500 per request until none is left. An account or an
 * address is required, so that one click cannot refuse every citizen's submission.
 */
function junkPanel(ctx, reload) {
  const f = {
    account: field(t('bulk.account'), { testid: 'bulk-account', attrs: { maxlength: 63, autocomplete: 'off' } }),
    address: field(t('bulk.address'), { testid: 'bulk-address', attrs: { maxlength: 100, autocomplete: 'off' } }),
    from: field(t('bulk.from'), { kind: 'datetime-local', testid: 'bulk-from' }),
    to: field(t('bulk.to'), { kind: 'datetime-local', testid: 'bulk-to' }),
  };
  const top = h('div', { testid: 'bulk-top' });
  const result = h('div', { testid: 'bulk-result', 'aria-live': 'polite' });
  const done = h('p', { class: 'alert alert-success', role: 'status', testid: 'bulk-done', hidden: true });
  const err = errorBox('bulk-error');
  const section = h('details', { class: 'card bulk', testid: 'bulk' },
    h('summary', null, h('h2', { class: 'inline-h' }, t('bulk.title'))),
    h('p', { class: 'muted' }, t('bulk.lead')),
    top,
    h('form', { class: 'filters', role: 'search', novalidate: true, onsubmit: (e) => { e.preventDefault(); search(); } },
      h('div', { class: 'grid-2' }, Object.values(f).map((x) => x.wrap)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-secondary', testid: 'bulk-search' }, t('bulk.search')))),
    err, done, result);

  function query(limit) {
    const sp = new URLSearchParams({ limit: String(limit) });
    for (const k of ['account', 'address']) if (f[k].input.value.trim()) sp.set(k, f[k].input.value.trim());
    for (const k of ['from', 'to']) if (f[k].input.value) sp.set(k, f[k].input.value);
    return '/api/v1/dossiers/submissions?' + sp;
  }

  // Who filed the most: a click on one narrows the search to it.
  section.addEventListener('toggle', async () => {
    if (!section.open || top.childElementCount) return;
    try {
      const { data } = await api('/api/v1/dossiers/submissions?limit=1');
      if (!ctx.alive()) return;
      const chips = (groups, key) => groups.filter((g) => g[key]).map((g) => h('button', {
        type: 'button', class: 'chip', testid: 'bulk-top-' + key, 'data-key': g[key], 'data-count': g.count,
        onclick: () => { f.account.input.value = key === 'account' ? g[key] : ''; f.address.input.value = key === 'address' ? g[key] : ''; search(); },
      }, t('bulk.chip', { key: g[key], n: g.count })));
      replace(top,
        h('p', null, t('bulk.topAccounts')), h('div', { class: 'chips' }, chips(data.by_account, 'account')),
        h('p', null, t('bulk.topAddresses')), h('div', { class: 'chips' }, chips(data.by_address, 'address')));
    } catch (e) {
      err.show(e);
    }
  });

  async function search() {
    err.hide();
    done.hidden = true;
    replace(result);
    if (!f.account.input.value.trim() && !f.address.input.value.trim()) {
      err.show(t('bulk.needFilter'));
      f.account.input.focus();
      return;
    }
    let data;
    try {
      ({ data } = await api(query(20)));
    } catch (e) {
      err.show(e);
      return;
    }
    if (!ctx.alive()) return;
    if (!data.total) {
      replace(result, h('p', { class: 'empty', testid: 'bulk-none' }, t('bulk.none')));
      return;
    }
    const note = field(t('desk.refuseReasons'), { kind: 'textarea', testid: 'bulk-note', required: true, value: t('bulk.defaultReason'), attrs: { maxlength: 1000 } });
    const ferr = errorBox('bulk-note-error');
    const confirmBox = h('div', { class: 'actions' });
    const start = h('button', { type: 'button', class: 'btn btn-danger', testid: 'bulk-refuse', onclick: () => {
      ferr.hide();
      if (!note.input.value.trim()) { ferr.show(t('form.noteRequired')); note.input.focus(); return; }
      start.hidden = true;
      replace(confirmBox, h('p', null, t('bulk.confirmText', { n: data.total })),
        h('button', { type: 'button', class: 'btn btn-danger', testid: 'bulk-confirm', onclick: (e) => refuseAll(e.target, note.input.value.trim()) }, t('bulk.confirm')),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { replace(confirmBox); start.hidden = false; } }, t('common.cancel')));
      confirmBox.querySelector('button').focus();
    } }, t('bulk.refuseAll', { n: data.total }));
    replace(result,
      h('p', { role: 'status', testid: 'bulk-total', 'data-total': data.total }, t('bulk.found', { n: data.total })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'bulk-table' },
        h('caption', { class: 'sr-only' }, t('bulk.caption')),
        h('thead', null, h('tr', null, [t('dossier.code'), t('dossier.submittedAt'), t('bulk.account'), t('bulk.address'), t('applicant.name')]
          .map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, data.items.map((x) => h('tr', { testid: 'bulk-row', 'data-code': x.code },
          h('td', { 'data-label': t('dossier.code') }, h('a', { href: '/can-bo/ho-so/' + encodeURIComponent(x.code), class: 'code' }, x.code)),
          h('td', { 'data-label': t('dossier.submittedAt'), class: 'nowrap' }, fmtDateTime(x.submitted_at)),
          h('td', { 'data-label': t('bulk.account') }, x.account || '—'),
          h('td', { 'data-label': t('bulk.address') }, x.address || '—'),
          h('td', { 'data-label': t('applicant.name') }, x.applicant_name)))))),
      data.total > data.items.length ? h('p', { class: 'muted' }, t('bulk.more', { n: data.total - data.items.length })) : null,
      note.wrap, ferr, h('div', { class: 'actions' }, start), confirmBox);
  }

  // Refuses what matches, BULK_MAX at a time, until nothing is left or a round refuses nothing.
  async function refuseAll(button, note) {
    button.disabled = true;
    let refused = 0;
    let skipped = 0;
    try {
      for (;;) {
        const { data } = await api(query(BULK_MAX));
        if (!data.items.length) break;
        const { data: r } = await api('/api/v1/dossiers/refusals', { method: 'POST', body: { codes: data.items.map((x) => x.code), note } });
        refused += r.refused.length;
        skipped += r.skipped.length;
        replace(done, t('bulk.progress', { n: refused }));
        done.hidden = false;
        if (!r.refused.length) break;
      }
    } catch (e) {
      err.show(e);
    }
    if (!ctx.alive()) return;
    replace(result);
    replace(done, t('bulk.done', { n: refused, skipped }));
    done.hidden = false;
    done.setAttribute('data-refused', String(refused));
    // The list below shows what is still waiting.
    reload();
  }

  return section;
}
