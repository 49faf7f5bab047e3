// "/ho-so-cua-toi" — the citizen's dossiers; "/ho-so-cua-toi/{code}" — one of them: history,
// supplement, withdrawal, results, satisfaction rating.
import { t } from '/i18n/i18n.js';
import { h, add, api, pageTitle, replace, loading, errorText, errorBox, fmtDateTime, fmtMoney, stateBadge, timelinessBadge, field, fileField, ApiError } from '/js/lib.js';
import { requireRole, navigate } from '/js/app.js';
import { dossierSummary, documentsList, historyList, act, showActionError, formUrl } from '/js/dossier-ui.js';

// What waits for the citizen: a supplement to send, a fee to pay.
const NEEDS_ME = ['supplement_requested', 'awaiting_payment'];
const OPEN = ['submitted', 'received', 'processing', 'resolved'];
const DONE = ['returned', 'not_accepted', 'withdrawn', 'stopped'];
const FILTERS = { all: null, action: NEEDS_ME, open: OPEN, done: DONE };

/** Those that need the citizen first, then the newest filed. */
function order(items) {
  const when = (d) => Date.parse(d.submitted_at || d.received_at || 0) || 0;
  return [...items].sort((a, b) => (NEEDS_ME.includes(b.state) - NEEDS_ME.includes(a.state)) || (when(b) - when(a)));
}

/** The citizen's personal data (Nghị định 13/2023): the download of all of it, and who read their dossiers. */
function personalData(ctx) {
  const reads = h('div', { testid: 'personal-reads' }, loading());
  const box = h('section', { class: 'personal-data', testid: 'personal-data' },
    h('h2', null, t('mine.personal.title')),
    h('p', { class: 'muted' }, t('mine.personal.note')),
    h('a', { href: '/api/v1/personal/export', download: '', class: 'btn', testid: 'personal-export' }, t('mine.personal.export')),
    h('h3', null, t('mine.personal.reads')), reads);
  api('/api/v1/personal/reads?limit=20').then(({ data }) => {
    if (!ctx.alive()) return;
    replace(reads, data.items.length
      ? h('ul', { class: 'personal-reads' }, data.items.map((x) => h('li', null, fmtDateTime(x.at), ' · ', x.reader.name,
        x.reader_unit ? ` (${x.reader_unit.name})` : '', ' · ', x.dossier || '', ' · ', t('mine.personal.what.' + x.what))))
      : h('p', { class: 'muted' }, t('mine.personal.noReads')));
  }).catch((e) => replace(reads, h('p', { class: 'alert alert-error', role: 'alert' }, errorText(e))));
  return box;
}

export async function list(ctx) {
  if (!requireRole(ctx, ['citizen'])) return;
  const show = FILTERS[ctx.query.get('show')] !== undefined ? ctx.query.get('show') : 'all';
  add(ctx.main, pageTitle(t('mine.title')));
  const box = h('div', null, loading());
  add(ctx.main, box, personalData(ctx));
  try {
    const { data } = await api('/api/v1/dossiers?limit=200');
    if (!ctx.alive()) return;
    if (!data.items.length) {
      replace(box, h('div', { class: 'empty', testid: 'mine-empty' }, h('p', null, t('mine.empty')), h('a', { href: '/', class: 'btn btn-primary' }, t('mine.findProcedure'))));
      return;
    }
    const waiting = data.items.filter((d) => NEEDS_ME.includes(d.state)).length;
    const items = order(data.items.filter((d) => !FILTERS[show] || FILTERS[show].includes(d.state)));
    const chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('mine.filter'), testid: 'mine-filter' },
      Object.keys(FILTERS).map((k) => h('button', {
        type: 'button', class: 'chip', testid: 'mine-filter-' + k, 'aria-pressed': String(k === show),
        onclick: () => navigate('/ho-so-cua-toi' + (k === 'all' ? '' : '?show=' + k)),
      }, t('mine.show.' + k), k === 'action' && waiting ? ` (${waiting})` : '')));
    replace(box, waiting ? h('p', { class: 'alert alert-warn', testid: 'mine-waiting' }, t('mine.waiting', { n: waiting })) : null, chips,
      items.length ? h('ul', { class: 'dossier-list', testid: 'mine-list' }, items.map((d) => {
        const needs = NEEDS_ME.includes(d.state);
        return h('li', { class: 'dossier-row' + (needs ? ' needs-me' : ''), testid: 'dossier-row', 'data-code': d.code, 'data-state': d.state, 'data-needs-me': needs ? 'true' : null },
          h('div', { class: 'row-main' },
            needs ? h('p', { class: 'needs-me-note', testid: 'needs-me' }, t('mine.needs.' + d.state)) : null,
            h('a', { href: '/ho-so-cua-toi/' + encodeURIComponent(d.code), class: 'row-title' }, d.procedure.name || d.procedure.code),
            h('p', { class: 'muted code' }, d.code),
            h('p', { class: 'muted' }, t('dossier.submittedAt'), ': ', fmtDateTime(d.submitted_at || d.received_at),
              d.due_at ? [' · ', t('dossier.dueAt'), ': ', fmtDateTime(d.due_at)] : null)),
          h('div', { class: 'row-badges' }, stateBadge(d.state), timelinessBadge(d.timeliness, null, d)));
      })) : h('p', { class: 'empty', testid: 'mine-none' }, t('mine.none')));
  } catch (e) {
    replace(box, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
  }
}

export async function detail(ctx) {
  if (!requireRole(ctx, ['citizen'])) return;
  const code = ctx.params[0];
  add(ctx.main, h('nav', { class: 'crumbs', 'aria-label': t('nav.crumbs') }, h('a', { href: '/ho-so-cua-toi' }, t('mine.title')), ' › ', code));
  const title = pageTitle(t('mine.detailTitle', { code }));
  const box = h('div', null, loading());
  add(ctx.main, title, box);
  await load();

  async function load() {
    let d;
    let etag;
    try {
      ({ data: d, etag } = await api('/api/v1/dossiers/' + encodeURIComponent(code)));
    } catch (e) {
      replace(box, h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' },
        e instanceof ApiError && e.status === 404 ? t('mine.notFound') : errorText(e)));
      return;
    }
    if (!ctx.alive()) return;
    const version = etag || d.version;
    const msg = h('div', { class: 'alert alert-success', role: 'status', hidden: true, testid: 'action-message', tabindex: '-1' });
    const actErr = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, testid: 'action-error' });
    const lastSupp = [...(d.events || [])].reverse().find((e) => e.action === 'request_supplement');

    // What the citizen is to do comes first, before a page of facts.
    const sections = [];
    if (d.state === 'supplement_requested') sections.push(supplementForm(d, version, lastSupp, actErr, done));
    if (d.amount_owed) sections.push(paymentBox(d));
    if (d.can_rate) sections.push(ratingForm(d, done));
    sections.push(h('section', { class: 'card' }, h('h2', null, d.procedure.name || d.procedure.code), dossierSummary(d)));
    if (!d.amount_owed && d.payment) sections.push(paymentBox(d));
    if (d.rating) {
      sections.push(h('section', { class: 'card', testid: 'rating-given' }, h('h2', null, t('rating.givenTitle')),
        h('p', null, h('strong', { testid: 'rating-given-overall', 'data-overall': d.rating.overall }, t('rating.o.' + d.rating.overall)),
          ' · ', fmtDateTime(d.rating.at)),
        d.rating.comment ? h('p', { class: 'tl-note' }, d.rating.comment) : null));
    }
    sections.push(h('section', { class: 'card' }, h('h2', null, t('doc.title')), documentsList(d.documents)));
    sections.push(h('section', { class: 'card' }, h('h2', null, t('dossier.history')), historyList(d.events)));
    const canWithdraw = ['submitted', 'received', 'processing', 'supplement_requested', 'awaiting_payment'].includes(d.state);
    if (canWithdraw) sections.push(withdrawBox(d, version, actErr, done));
    sections.push(h('p', { class: 'actions' }, h('a', { href: '/tra-cuu/' + encodeURIComponent(d.code), testid: 'to-lookup' }, t('mine.publicLink')),
      d.received_at ? h('a', { href: formUrl(d.code, '01'), download: '', testid: 'form-01' }, t('forms.01')) : null));
    replace(box, msg, actErr, sections);

    function done(text) {
      load().then(() => {
        const m = box.querySelector('[data-testid="action-message"]');
        if (m) { m.hidden = false; replace(m, text); m.focus(); }
      });
    }
  }

  function supplementForm(d, version, lastSupp, actErr, done) {
    const note = field(t('supp.note'), { kind: 'textarea', testid: 'supplement-note', attrs: { maxlength: 2000 } });
    const files = [fileField(t('supp.file', { n: 1 }), { testid: 'supplement-file-1' })];
    const list = h('div', null, files[0].wrap);
    const err = errorBox('supplement-error');
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'supplement-submit' }, t('supp.submit'));
    return h('section', { class: 'card card-attention', testid: 'supplement-form', 'aria-labelledby': 'supp-h' },
      h('h2', { id: 'supp-h' }, t('supp.title')),
      lastSupp?.note ? h('div', { class: 'alert alert-warn', testid: 'supplement-request-note' }, h('strong', null, t('supp.requested')), ' ', lastSupp.note) : null,
      h('form', {
        class: 'form', novalidate: true, onsubmit: async (e) => {
          e.preventDefault();
          err.hide();
          const documents = [];
          for (const f of files) {
            if (f.error()) { err.show(f.error()); return; }
            if (!f.hasFile()) continue;
            const u = await f.get();
            if (!u) { err.show(t('file.uploadFailed')); return; }
            documents.push({ name: t('supp.docName', { name: u.filename }), originals: 0, copies: 1, attachment: u.sha256, filename: u.filename });
          }
          if (!documents.length) { err.show(t('supp.needFile')); return; }
          const body = { action: 'supplement', documents };
          if (note.input.value.trim()) body.note = note.input.value.trim();
          btn.disabled = true;
          try {
            await act(d.code, version, body);
            done(t('supp.done'));
          } catch (e2) {
            btn.disabled = false;
            showActionError(err, e2, () => load());
          }
        },
      }, list,
      h('button', {
        type: 'button', class: 'btn btn-link', testid: 'supplement-add-file', onclick: () => {
          const f = fileField(t('supp.file', { n: files.length + 1 }), { testid: 'supplement-file-' + (files.length + 1) });
          files.push(f);
          list.append(f.wrap);
          f.input.focus();
        },
      }, t('supp.addFile')),
      note.wrap, err, h('div', { class: 'actions' }, btn)));
  }

  // The fee owed (docs/payments.md): paid online at the payment provider, which sends the browser back here.
  function paymentBox(d) {
    const p = d.payment;
    const err = errorBox('payment-error');
    const rows = [h('p', { testid: 'payment-state', 'data-state': p ? p.state : '' },
      t(d.amount_owed ? 'payment.owed' : 'payment.state.' + p.state), ': ',
      h('strong', { testid: 'payment-amount' }, fmtMoney(d.amount_owed || p.amount)),
      p && p.paid_at ? [' · ', fmtDateTime(p.paid_at)] : null)];
    if (p && p.state === 'failed' && d.amount_owed) rows.push(h('p', { class: 'alert alert-warn' }, t('payment.failed')));
    if (d.amount_owed) {
      const btn = h('button', {
        type: 'button', class: 'btn btn-primary', testid: 'payment-start', onclick: async () => {
          btn.disabled = true;
          err.hide();
          try {
            const { data } = await api('/api/v1/dossiers/' + encodeURIComponent(d.code) + '/payments', { method: 'POST' });
            window.location.assign(data.redirect_url);
          } catch (e) {
            btn.disabled = false;
            err.show(errorText(e));
          }
        },
      }, t('payment.pay'));
      rows.push(h('div', { class: 'actions' }, btn), err);
    }
    return h('section', { class: d.amount_owed ? 'card card-attention' : 'card', testid: 'payment' },
      h('h2', null, t('payment.title')), rows);
  }

  function withdrawBox(d, version, actErr, done) {
    const confirmBox = h('div', { class: 'confirm-box', hidden: true, testid: 'withdraw-confirm-box', role: 'group', 'aria-labelledby': 'wd-q' });
    const err = errorBox('withdraw-error');
    const openBtn = h('button', {
      type: 'button', class: 'btn btn-danger-outline', testid: 'withdraw', onclick: () => {
        confirmBox.hidden = false;
        openBtn.hidden = true;
        confirmBox.querySelector('button').focus();
      },
    }, t('withdraw.button'));
    const reason = field(t('withdraw.reason'), { kind: 'textarea', testid: 'withdraw-reason', attrs: { maxlength: 2000 } });
    confirmBox.append(
      h('p', { id: 'wd-q' }, h('strong', null, t('withdraw.question'))),
      reason.wrap,
      h('div', { class: 'actions' },
        h('button', {
          type: 'button', class: 'btn btn-danger', testid: 'withdraw-confirm', onclick: async (ev) => {
            ev.target.disabled = true;
            err.hide();
            const body = { action: 'withdraw' };
            if (reason.input.value.trim()) body.note = reason.input.value.trim();
            try {
              await act(d.code, version, body);
              done(t('withdraw.done'));
            } catch (e) {
              ev.target.disabled = false;
              showActionError(err, e, () => load());
            }
          },
        }, t('withdraw.yes')),
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'withdraw-cancel', onclick: () => { confirmBox.hidden = true; openBtn.hidden = false; openBtn.focus(); } }, t('common.cancel'))),
      err);
    return h('section', { class: 'card' }, h('h2', null, t('withdraw.title')), h('p', { class: 'hint' }, t('withdraw.hint')), openBtn, confirmBox);
  }

  function ratingForm(d, done) {
    const criteria = ['total_time', 'agency_time', 'contacts', 'agencies', 'reception', 'transparency', 'attitude'];
    const err = errorBox('rating-error');
    const groups = criteria.map((c) => h('fieldset', { class: 'radio-group', testid: 'rating-' + c },
      h('legend', null, t('rating.c.' + c)),
      [2, 1, 0].map((v) => {
        const id = `rate-${c}-${v}`;
        return h('span', { class: 'radio' }, h('input', { type: 'radio', name: c, value: String(v), id, testid: `rating-${c}-${v}` }),
          h('label', { for: id }, t('rating.v.' + v)));
      })));
    const overall = h('fieldset', { class: 'radio-group', testid: 'rating-overall' }, h('legend', null, t('rating.overall')),
      ['very_satisfied', 'satisfied', 'not_satisfied'].map((v) => {
        const id = 'rate-overall-' + v;
        return h('span', { class: 'radio' }, h('input', { type: 'radio', name: 'overall', value: v, id, testid: 'rating-overall-' + v }),
          h('label', { for: id }, t('rating.o.' + v)));
      }));
    const comment = field(t('rating.comment'), { kind: 'textarea', testid: 'rating-comment', attrs: { maxlength: 1000 } });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary', testid: 'rating-submit' }, t('rating.submit'));
    const form = h('form', {
      class: 'form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        err.hide();
        const body = { criteria: {} };
        for (const c of criteria) {
          const sel = form.querySelector(`input[name="${c}"]:checked`);
          if (!sel) { err.show(t('rating.needAll')); form.querySelector(`input[name="${c}"]`).focus(); return; }
          body.criteria[c] = Number(sel.value);
        }
        const o = form.querySelector('input[name="overall"]:checked');
        if (!o) { err.show(t('rating.needAll')); return; }
        body.overall = o.value;
        if (comment.input.value.trim()) body.comment = comment.input.value.trim();
        btn.disabled = true;
        try {
          await api('/api/v1/dossiers/' + encodeURIComponent(d.code) + '/rating', { method: 'POST', body });
          done(t('rating.done'));
        } catch (e2) {
          btn.disabled = false;
          err.show(e2);
        }
      },
    }, h('p', { class: 'hint' }, t('rating.hint')), groups, overall, comment.wrap, err, h('div', { class: 'actions' }, btn));
    return h('section', { class: 'card card-attention', testid: 'rating-form', 'aria-labelledby': 'rating-h' }, h('h2', { id: 'rating-h' }, t('rating.title')), form);
  }
}
