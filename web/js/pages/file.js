// "/nop-ho-so/{code}" — online filing: unit, applicant, one file per required document,
// review, submit, confirmation with the code and the expected due time.
import { t } from '/i18n/i18n.js';
import {
  h, add, api, field, fileField, errorBox, pageTitle, replace, facts, fmtDateTime, fmtDays, nowLocal, loading, errorText,
  checker, checks, onlineService,
} from '/js/lib.js';
import { requireRole } from '/js/app.js';
import { unitPicker } from '/js/pickers.js';

export async function render(ctx) {
  const user = requireRole(ctx, ['citizen']);
  if (!user) return;
  const code = ctx.params[0];
  add(ctx.main, loading());
  let p;
  try {
    ({ data: p } = await api('/api/v1/procedures/' + encodeURIComponent(code)));
  } catch (e) {
    replace(ctx.main, pageTitle(t('file.title')), h('div', { class: 'alert alert-error', role: 'alert', testid: 'page-error' }, errorText(e)));
    return;
  }
  if (!ctx.alive()) return;
  replace(ctx.main);

  const head = h('div', null,
    h('nav', { class: 'crumbs', 'aria-label': t('nav.crumbs') }, h('a', { href: '/thu-tuc/' + encodeURIComponent(p.code) }, p.name), ' › ', t('file.title')),
    pageTitle(t('file.titleOf', { name: p.name })));
  const stepsBar = h('ol', { class: 'stepper', 'aria-label': t('file.progress') });
  const body = h('div');
  add(ctx.main, head, stepsBar, body);

  function stepper(n) {
    replace(stepsBar, [t('file.step1'), t('file.step2'), t('file.step3')].map((s, i) =>
      h('li', { class: i + 1 === n ? 'current' : i + 1 < n ? 'done' : '', 'aria-current': i + 1 === n ? 'step' : null }, s)));
  }

  if (p.status !== 'active' || !onlineService(p).online) {
    body.append(h('div', { class: 'alert alert-warn', role: 'note', testid: 'file-not-online' }, t('file.notOnline')));
    return;
  }

  // --- the form ---
  // The receiving unit is searched as one types (no list of the whole province is loaded),
  // or chosen in two steps, district then commune, for a procedure of the communes.
  let unitSel = null;
  const unitWrap = h('div');
  if (!p.unit) {
    const levels = String(p.levels).split(',').map((s) => s.trim()).filter(Boolean);
    unitSel = unitPicker(t('file.unit'), { testid: 'file-unit', required: true, hint: t('file.unitHint'), levels, twoStep: levels.includes('commune') });
    unitWrap.append(unitSel.wrap);
  } else {
    unitWrap.append(facts([[t('file.unit'), p.unit.name, 'file-unit-fixed']]));
  }

  const ap = {
    name: field(t('applicant.name'), { testid: 'file-applicant-name', required: true, value: user.full_name, attrs: { autocomplete: 'name', maxlength: 120 } }),
    id_number: field(t('applicant.idNumber'), { testid: 'file-applicant-id', hint: t('applicant.idHint'), attrs: { inputmode: 'numeric', maxlength: 31 } }),
    phone: field(t('applicant.phone'), { kind: 'tel', testid: 'file-applicant-phone', hint: t('applicant.phoneHint'), value: user.phone || '', attrs: { autocomplete: 'tel', maxlength: 31 } }),
    email: field(t('applicant.email'), { kind: 'email', testid: 'file-applicant-email', value: user.email || '', attrs: { autocomplete: 'email', maxlength: 127 } }),
    address: field(t('applicant.address'), { testid: 'file-applicant-address', attrs: { autocomplete: 'street-address', maxlength: 250 } }),
  };
  const form = checker([
    unitSel ? { f: unitSel, check: () => (unitSel.value() ? null : unitSel.typedWithoutChoice() ? t('file.pickUnit') : t('file.needUnit')), api: 'unit' } : null,
    { f: ap.name, check: checks.required(t('applicant.name')), api: 'applicant.name' },
    { f: ap.id_number, check: checks.idNumber, api: 'applicant.id_number' },
    { f: ap.phone, check: checks.phone, api: 'applicant.phone' },
    { f: ap.email, check: checks.email, api: 'applicant.email' },
    { f: ap.address, api: 'applicant.address' },
  ].filter(Boolean));
  const docs = p.documents.map((d) => ({
    doc: d,
    f: fileField(d.name, {
      testid: 'file-doc-' + d.seq, required: d.required,
      hint: [d.form ? t('file.formName', { form: d.form }) : null, t('file.hint')].filter(Boolean).join(' '),
    }),
  }));
  const err = errorBox('file-error');
  const formEl = h('form', { class: 'card form', novalidate: true, testid: 'file-form', onsubmit: (e) => { e.preventDefault(); review(); } },
    h('fieldset', null, h('legend', null, t('file.whereLegend')), unitWrap),
    h('fieldset', null, h('legend', null, t('file.applicantLegend')), Object.values(ap).map((x) => x.wrap)),
    h('fieldset', null, h('legend', null, t('file.docsLegend')),
      h('p', { class: 'hint' }, t('file.docsHint')),
      docs.length ? docs.map((x) => x.f.wrap) : h('p', null, t('proc.noDocuments'))),
    err,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', testid: 'file-next' }, t('file.toReview'))));

  stepper(1);
  body.append(formEl);

  async function review() {
    err.hide();
    if (form.validate()) { err.show(t('form.fixMarked')); return; }
    for (const x of docs) {
      if (x.f.error()) { err.show(x.f.error()); x.f.input.focus(); return; }
      if (x.doc.required && !x.f.hasFile()) { err.show(t('file.needDoc', { name: x.doc.name })); x.f.input.focus(); return; }
    }
    const uploaded = [];
    for (const x of docs) {
      const u = x.f.hasFile() ? await x.f.get() : null;
      if (x.f.hasFile() && !u) { err.show(x.f.error() || t('file.uploadFailed')); x.f.input.focus(); return; }
      uploaded.push(u);
    }
    const applicant = { name: ap.name.input.value.trim() };
    for (const k of ['id_number', 'phone', 'email', 'address']) {
      const v = ap[k].input.value.trim();
      if (v) applicant[k] = v;
    }
    const documents = docs.map((x, i) => {
      const d = { name: x.doc.name, originals: x.doc.originals, copies: x.doc.copies };
      if (uploaded[i]) { d.attachment = uploaded[i].sha256; d.filename = uploaded[i].filename; }
      return d;
    }).filter((d, i) => docs[i].doc.required || uploaded[i]);
    const unitCode = unitSel ? unitSel.value() : p.unit.code;
    const unitName = unitSel ? unitSel.input.value : p.unit.name;
    const body2 = { procedure_code: p.code, channel: 'online', applicant, documents };
    if (unitSel) body2.unit = unitCode;

    formEl.hidden = true;
    stepper(2);
    const err2 = errorBox('file-submit-error');
    const submitBtn = h('button', { type: 'button', class: 'btn btn-primary', testid: 'file-submit' }, t('file.submit'));
    const panel = h('section', { class: 'card', testid: 'file-review', 'aria-labelledby': 'review-h' },
      h('h2', { id: 'review-h', tabindex: '-1' }, t('file.reviewTitle')),
      facts([
        [t('dossier.procedure'), p.name],
        [t('file.unit'), unitName, 'review-unit'],
        [t('applicant.name'), applicant.name, 'review-applicant'],
        [t('applicant.idNumber'), applicant.id_number],
        [t('applicant.phone'), applicant.phone],
        [t('applicant.email'), applicant.email],
        [t('applicant.address'), applicant.address],
        [t('proc.time'), fmtDays(p.online_duration_hours || p.duration_hours)],
      ]),
      h('h3', null, t('file.docsLegend')),
      h('ul', { class: 'doc-list', testid: 'review-documents' }, documents.map((d) => h('li', null, d.name, ': ',
        d.filename ? h('strong', null, d.filename) : h('span', { class: 'muted' }, t('file.noFile'))))),
      err2,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'file-back', onclick: () => { panel.remove(); formEl.hidden = false; stepper(1); } }, t('common.back')),
        submitBtn));
    body.append(panel);
    panel.querySelector('h2').focus();
    submitBtn.addEventListener('click', async () => {
      err2.hide();
      submitBtn.disabled = true;
      try {
        const { data: d } = await api('/api/v1/dossiers', { method: 'POST', body: body2 });
        panel.remove();
        await confirmation(d, unitCode);
      } catch (e) {
        submitBtn.disabled = false;
        // a field the server refuses is shown beside it, on the form
        if (e.problem?.field && form.showProblem(e)) {
          panel.remove();
          formEl.hidden = false;
          stepper(1);
          err.show(t('form.fixMarked'));
          return;
        }
        err2.show(e);
      }
    });
  }

  async function confirmation(d, unitCode) {
    stepper(3);
    const hours = d.duration_hours || p.online_duration_hours || p.duration_hours;
    const dueEl = h('dd', { testid: 'confirm-due' }, t('common.loading'));
    const panel = h('section', { class: 'card confirm', testid: 'file-confirmation', 'aria-labelledby': 'confirm-h' },
      h('h2', { id: 'confirm-h', tabindex: '-1' }, t('file.doneTitle')),
      h('p', null, t('file.doneText')),
      h('div', { class: 'code-row' },
        h('p', { class: 'big-code', testid: 'confirm-code' }, d.code),
        copyButton(d.code)),
      h('div', { class: 'confirm-grid' },
        h('div', null,
          h('dl', { class: 'facts' },
            h('div', { class: 'fact' }, h('dt', null, t('file.expectedDue')), dueEl)),
          h('p', { class: 'hint' }, t('file.dueNote'))),
        h('figure', { class: 'qr' },
          h('img', { src: '/api/v1/public/dossiers/' + encodeURIComponent(d.code) + '/qr.svg', width: 148, height: 148, testid: 'confirm-qr',
            alt: t('file.qrAlt', { code: d.code }) }),
          h('figcaption', null, t('file.qrCaption')))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-secondary', testid: 'confirm-print', onclick: () => window.print() }, t('file.print')),
        h('a', { class: 'btn btn-primary', href: '/tra-cuu/' + encodeURIComponent(d.code), testid: 'confirm-lookup' }, t('file.toLookup')),
        h('a', { class: 'btn btn-secondary', href: '/ho-so-cua-toi/' + encodeURIComponent(d.code), testid: 'confirm-mine' }, t('file.toMine'))));
    body.append(panel);
    panel.querySelector('h2').focus();
    const sp = new URLSearchParams({ from: nowLocal(), hours: String(hours), unit: unitCode });
    if (p.cutoff) sp.set('cutoff', p.cutoff);
    try {
      const { data } = await api('/api/v1/calendar/due?' + sp);
      replace(dueEl, fmtDateTime(data.due));
      dueEl.setAttribute('data-due', data.due);
    } catch (e) {
      replace(dueEl, errorText(e));
    }
  }
}

/** Copies the code to the clipboard, and says so. */
export function copyButton(code) {
  const said = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const btn = h('button', {
    type: 'button', class: 'btn btn-secondary btn-small', testid: 'copy-code', onclick: async () => {
      try {
        await navigator.clipboard.writeText(code);
        btn.firstChild.textContent = t('file.copied');
        btn.setAttribute('data-copied', 'true');
        said.textContent = t('file.copied');
      } catch {
        btn.firstChild.textContent = t('file.copyFailed');
      }
    },
  }, h('span', null, t('file.copy')));
  return h('span', null, btn, said);
}
