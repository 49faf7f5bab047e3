// The attachments of one document on its page (phụ lục, văn bản kèm theo; docs/documents.md
// §3c): each listed with its name, size and, once issued, whether the issuing body's seal is on
// it, and downloaded; for the drafter while the draft is open, a PDF attached with its progress
// and, when refused, why in words (too big, not a PDF, the problem the server returned), and
// one taken off again (after a confirmation) until the draft is submitted. An incoming document
// shows the attachments that came with it.
import { t } from '/i18n/i18n.js';
import { h, replace, api, errorText, fmtDateTime, fmtSize, loading, ApiError } from '/js/lib.js';

// The states in which the document has been issued (its attachments sealed or issued as attached).
const ISSUED = ['issued', 'arrived', 'registered', 'assigned', 'recalled', 'replaced'];

// POSTs file as the raw body with its upload progress (fetch reports none); resolves to the
// reply's JSON, rejects with an ApiError as api() does.
function upload(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url);
    x.withCredentials = true;
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Content-Type', 'application/pdf');
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onerror = () => reject(new ApiError(0, { type: 'urn:motcua:problem:network' }));
    x.onload = () => {
      let data = null;
      if ((x.getResponseHeader('Content-Type') || '').includes('json')) {
        try { data = JSON.parse(x.responseText); } catch { data = null; }
      }
      if (x.status >= 200 && x.status < 300) resolve(data);
      else reject(new ApiError(x.status, data));
    };
    x.send(file);
  });
}

// Why the server refused file, in words: the size, the type and the state in this page's own
// words, else the problem's message, else the problem's own title rather than nothing.
function refusal(e, file) {
  if (e instanceof ApiError) {
    if (e.status === 413) return t('doc.att.tooBig', { name: file.name, size: fmtSize(file.size) });
    if (e.status === 415) return t('doc.att.notPdf', { name: file.name });
    if (e.status === 409) return t('doc.att.closed');
  }
  const text = errorText(e);
  return text === t('problem.unknown') && e?.problem?.title ? e.problem.title : text;
}

function row(d, a, remove) {
  const seal = ISSUED.includes(d.state) || a.sealed
    ? h('span', { class: a.sealed ? 'badge badge-ok' : 'badge docstate-draft', testid: 'doc-att-seal', 'data-sealed': String(a.sealed) },
      t(a.sealed ? 'doc.att.sealed' : 'doc.att.unsealed'))
    : null;
  return h('li', { testid: 'doc-att', 'data-number': a.number, 'data-sealed': String(a.sealed), 'data-sha256': a.sha256, 'data-size': a.size },
    h('a', { href: a.url, download: a.filename, testid: 'doc-att-file' }, `${a.number}. ${a.filename}`),
    ' ', seal,
    h('p', { class: 'muted' }, [fmtSize(a.size), a.uploaded_by?.name, a.uploaded_at ? fmtDateTime(a.uploaded_at) : null]
      .filter(Boolean).join(' · '), ' ',
    h('a', { class: 'btn btn-ghost btn-small', href: a.url, download: a.filename, testid: 'doc-att-download',
      'aria-label': t('doc.att.downloadOne', { name: a.filename }) }, t('doc.att.download')),
    remove ? [' ', h('button', { type: 'button', class: 'btn btn-ghost btn-small', testid: 'doc-att-remove',
      'aria-label': t('doc.att.removeOne', { name: a.filename }), onclick: () => remove(a) }, t('doc.att.remove'))] : null));
}

export function attachmentsSection(d, user) {
  const list = h('div', { testid: 'doc-att-list' }, loading());
  const section = h('section', { class: 'card', 'aria-labelledby': 'doc-att-h', testid: 'doc-attachments' },
    h('h2', { id: 'doc-att-h' }, t('doc.att.title')), list);
  // the drafter, while the draft is open (the server decides again: only the drafter)
  const open = d.box === 'out' && user.role === 'specialist' && (d.state === 'draft' || d.state === 'returned');
  const status = h('p', { class: 'file-status', 'aria-live': 'polite', testid: 'doc-att-status' });
  const say = (state, text) => {
    status.className = 'file-status' + (state === 'error' ? ' bad' : state === 'done' ? ' ok' : '');
    status.setAttribute('data-state', state);
    replace(status, text);
  };
  let load;
  const remove = async (a) => {
    if (!confirm(t('doc.att.removeConfirm', { name: a.filename }))) return;
    try {
      await api(`/api/v1/documents/${d.id}/attachments/${a.number}`, { method: 'DELETE' });
      say('done', t('doc.att.removed', { name: a.filename }));
    } catch (ex) {
      say('error', ex instanceof ApiError && ex.status === 409 ? t('doc.att.closed') : errorText(ex));
    }
    await load();
  };
  load = () => api(`/api/v1/documents/${d.id}/attachments`).then(({ data }) => {
    if (!data.items.length) return replace(list, h('p', { class: 'empty', testid: 'doc-att-none' }, t('doc.att.none')));
    replace(list, h('ol', { class: 'timeline' }, data.items.map((a) => row(d, a, open ? remove : null))));
  }).catch((e) => replace(list, h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e))));
  load();
  if (open) {
    const pick = h('input', { type: 'file', accept: '.pdf,application/pdf', 'aria-label': t('doc.att.pick'), testid: 'doc-att-pick' });
    const bar = h('progress', { max: '100', value: '0', testid: 'doc-att-progress', hidden: true, 'aria-label': t('doc.att.progress') });
    const go = h('button', { type: 'submit', class: 'btn btn-secondary', testid: 'doc-att-upload' }, t('doc.att.go'));
    section.appendChild(h('form', { class: 'inline-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      const file = pick.files[0];
      if (!file) return say('error', t('doc.att.pick'));
      if (!/\.pdf$/i.test(file.name) && file.type !== 'application/pdf') return say('error', t('doc.att.badType', { name: file.name }));
      if (file.size === 0) return say('error', t('file.empty', { name: file.name }));
      go.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      say('uploading', t('doc.att.uploading', { name: file.name, pct: 0 }));
      try {
        await upload(`/api/v1/documents/${d.id}/attachments?` + new URLSearchParams({ filename: file.name }), file, (f) => {
          bar.value = Math.round(f * 100);
          say('uploading', t('doc.att.uploading', { name: file.name, pct: Math.round(f * 100) }));
        });
        bar.value = 100;
        say('done', t('doc.att.done', { name: file.name, size: fmtSize(file.size) }));
        pick.value = '';
        await load();
      } catch (ex) {
        say('error', refusal(ex, file));
      } finally {
        go.disabled = false;
        bar.hidden = true;
      }
    } }, h('p', { class: 'muted', testid: 'doc-att-hint' }, t('doc.att.hint')),
    h('label', null, t('doc.att.upload'), ' ', pick), go, bar, status));
  }
  return section;
}
