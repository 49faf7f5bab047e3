// The one message catalogue: t(key, params) looks a key up in the active language
// (vi by default, en on request) and fills {name} placeholders from params.
import vi from '/i18n/vi.js';

let active = vi;
let current = 'vi';

export function lang() {
  return current;
}

export function t(key, params) {
  let s = active[key];
  if (s === undefined) s = vi[key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
  return s;
}

/** Loads a language ('vi' or 'en'); English is fetched only when chosen. */
export async function setLang(code) {
  if (code === 'en') {
    active = (await import('/i18n/en.js')).default;
    current = 'en';
  } else {
    active = vi;
    current = 'vi';
  }
  document.documentElement.lang = current;
  try { localStorage.setItem('motcua.lang', current); } catch { /* private mode */ }
}

export function savedLang() {
  try { return localStorage.getItem('motcua.lang') === 'en' ? 'en' : 'vi'; } catch { return 'vi'; }
}
