// The console shell: sign-in, navigation by URL hash (#/verifyId …), forms generated from pages.js,
// confirmation of changes, coded errors, the reveal switch for personal identifiers and the language
// switch. Entry point loaded by index.html.
/* global sessionStorage, crypto, location, history */
import { ApiError, createApi } from './api.js';
import { getLang, i18nText, initialLang, loadCodeLabels, loadRegionNames, setLang, t } from './i18n.js';
import { PAGES } from './pages.js';
import { catalogueText, h, tr } from './render.js';
import {
  inputDateToWire,
  maskIdNumber,
  newSerialNo,
  parseWireTime,
  toWireTime,
  wireDateToInput,
  showWire,
} from './wire.js';

const api = createApi({ fetchFn: (...a) => fetch(...a), storage: sessionStorage });
const main = document.getElementById('main');
const LIST_VERSION_KEY = 'rhc.console.listVersion.';

/** Result-code catalogue (zh/en) from the platform's OpenAPI document (x-rhc-result-codes). */
const catalogue = new Map();
async function loadCatalogue() {
  try {
    const doc = await (await fetch('/openapi.json')).json();
    for (const e of doc['x-rhc-result-codes'] ?? []) catalogue.set(e.code, e);
  } catch (_err) {
    // without it, result codes still show with the server's own text
  }
}

let reveal = false;
/** Re-renders the current result when the reveal switch changes. */
let rerender = () => {};

function context() {
  return {
    session: api.session(),
    catalogue,
    reveal,
    now: () => api.serverNow(),
    wireNow: () => toWireTime(api.serverNow()),
    serialNo: (prefix) =>
      newSerialNo(prefix, api.serverNow(), (n) => crypto.getRandomValues(new Uint8Array(n))),
    listVersion: (type) => sessionStorage.getItem(LIST_VERSION_KEY + type) ?? undefined,
    rememberListVersion: (type, v) => sessionStorage.setItem(LIST_VERSION_KEY + type, v),
  };
}

// ---------- errors ----------

function errorBox(err) {
  const box = h('div', { class: 'error', role: 'alert' });
  box.append(h('h3', { i18n: 'error.title' }));
  if (err instanceof ApiError && !err.network) {
    const entry = catalogue.get(err.code) ?? { zh: err.zh, en: err.en };
    box.append(
      h(
        'p',
        {},
        h('strong', { class: 'code' }, tr('error.code', { code: err.code })),
        ' ',
        catalogueText(entry),
      ),
    );
    if (err.field) box.append(h('p', {}, tr('error.field', { field: err.field })));
    // the catalogue's advice for the front desk is written "中文 / English"
    const [adviceZh, adviceEn] = (entry.staff ?? '').split(' / ');
    if (adviceZh)
      box.append(h('p', {}, tr('error.advice'), catalogueText({ zh: adviceZh, en: adviceEn ?? adviceZh })));
    if (err.detail && err.detail !== err.en) box.append(h('p', { class: 'detail', lang: 'en' }, err.detail));
  } else box.append(h('p', { i18n: 'error.network' }));
  return box;
}

// ---------- forms ----------

function fieldControl(f, ctx) {
  const id = `f-${f.name.replace(/\./g, '-')}`;
  const initial = f.value ? (f.value(ctx) ?? '') : '';
  let control;
  if (f.type === 'select') {
    control = h(
      'select',
      { id, name: f.name, required: f.required },
      f.values.map((v) => i18nText(h('option', { value: v }), `${f.prefix}.${v}`)),
    );
    if (initial) control.value = initial;
  } else {
    control = h('input', {
      id,
      name: f.name,
      type: f.type === 'date' ? 'date' : f.type === 'password' ? 'password' : 'text',
      required: f.required,
      maxlength: f.maxlength,
      inputmode: f.inputmode,
      autocomplete: f.autocomplete,
      spellcheck: f.type === 'text' ? 'false' : undefined,
      'aria-describedby': f.hint ? `${id}-hint` : undefined,
    });
    control.value = f.type === 'date' ? wireDateToInput(initial) : initial;
  }
  const label = h('label', { for: id }, tr(f.label));
  if (f.required) label.append(h('span', { class: 'req', 'aria-hidden': 'true' }, ' *'));
  return h(
    'div',
    { class: 'field' },
    label,
    control,
    f.hint ? h('small', { id: `${id}-hint`, class: 'hint', i18n: f.hint }) : undefined,
  );
}

/** Form values → nested object (dotted names), empty optional fields left out, dates to yyyyMMdd. */
function readForm(form, fields) {
  const out = {};
  for (const f of fields) {
    const raw = form.elements[f.name].value.trim();
    const value = f.type === 'date' ? inputDateToWire(raw) : raw;
    if (value === '') continue;
    const path = f.name.split('.');
    let o = out;
    for (const k of path.slice(0, -1)) o = o[k] ??= {};
    o[path[path.length - 1]] = value;
  }
  return out;
}

function confirmText([key, vars, kinds]) {
  const shown = {};
  for (const [k, v] of Object.entries(vars)) {
    const kind = kinds[k];
    shown[k] = kind === 'id' ? maskIdNumber(v) : kind ? `${v} ${t(`${kind}.${v}`)}` : v;
  }
  return t(key, shown);
}

function askConfirmation(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function revealSwitch() {
  const box = h('input', { type: 'checkbox', id: 'reveal' });
  box.checked = reveal;
  box.addEventListener('change', () => {
    reveal = box.checked;
    rerender();
  });
  return h('p', { class: 'reveal' }, box, ' ', h('label', { for: 'reveal', i18n: 'action.revealOn' }));
}

function renderPage(page) {
  const ctx = context();
  const form = h('form', { class: 'op', novalidate: false, 'aria-labelledby': 'page-title' });
  form.append(...page.fields.map((f) => fieldControl(f, ctx)));
  for (const f of page.fields)
    if (f.onChange)
      form.elements[f.name].addEventListener('change', (e) => f.onChange(e.target.value, form, ctx));
  const submit = h('button', { type: 'submit', class: 'primary', i18n: page.submitLabel ?? 'action.submit' });
  form.append(h('div', { class: 'buttons' }, submit));
  const output = h('section', { class: 'output', 'aria-live': 'polite', 'aria-labelledby': 'result-title' });

  const show = (node) => output.replaceChildren(node);
  let lastBody;
  const runWith = async (body) => {
    submit.disabled = true;
    i18nText(submit, 'action.busy');
    try {
      const out = await api.call(page.path, body);
      page.after?.(out, form, context());
      lastBody = body;
      const draw = () => {
        const view = h(
          'div',
          {},
          h('h3', { id: 'result-title', i18n: 'result.title' }),
          page.showsPersonalData ? revealSwitch() : '',
          page.render(out, context(), body),
        );
        const next = page.nextPage?.(out, lastBody);
        if (next) {
          const more = h('button', { type: 'button', i18n: 'action.more' });
          more.addEventListener('click', () => runWith(next));
          view.append(h('div', { class: 'buttons' }, more));
        }
        return view;
      };
      rerender = () => show(draw());
      rerender();
    } catch (err) {
      if (err instanceof ApiError && err.code === '1006') return signOut('session.expired');
      rerender = () => {};
      show(errorBox(err));
    } finally {
      submit.disabled = false;
      i18nText(submit, page.submitLabel ?? 'action.submit');
    }
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = context();
    const body = page.build(readForm(form, page.fields), c);
    if (page.confirm && !(await askConfirmation(confirmText(page.confirm(body))))) {
      rerender = () => {};
      show(h('p', { class: 'notice', role: 'status', i18n: 'confirm.cancelled' }));
      return;
    }
    await runWith(body);
  });

  main.replaceChildren(
    h('h2', { id: 'page-title', i18n: `page.${page.id}.title` }),
    h('p', { class: 'intro', i18n: `page.${page.id}.intro` }),
    page.intro2 ? h('p', { class: 'intro', i18n: page.intro2 }) : '',
    ctx.session?.allowedCodes.includes(page.code)
      ? ''
      : h('p', { class: 'notice', role: 'note' }, tr('page.notAllowed', { code: page.code })),
    form,
    output,
  );
}

// ---------- sign-in, session, navigation ----------

function renderSignIn(messageKey) {
  const fields = [
    { name: 'orgCode', label: 'f.orgCode', type: 'text', required: true, autocomplete: 'organization' },
    { name: 'userName', label: 'f.userName', type: 'text', required: true, autocomplete: 'username' },
    {
      name: 'password',
      label: 'f.password',
      type: 'password',
      required: true,
      autocomplete: 'current-password',
    },
    { name: 'termId', label: 'f.termId', type: 'text', required: true, value: () => 'WEB-CONSOLE' },
  ];
  const form = h('form', { class: 'op signin', 'aria-labelledby': 'page-title' });
  form.append(...fields.map((f) => fieldControl(f, {})));
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'signin.submit' });
  form.append(h('div', { class: 'buttons' }, submit));
  const output = h('div', { class: 'output', 'aria-live': 'polite' });
  if (messageKey) output.append(h('p', { class: 'notice', role: 'status', i18n: messageKey }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = readForm(form, fields);
    submit.disabled = true;
    i18nText(submit, 'signin.busy');
    try {
      await api.signIn(v);
      form.elements.password.value = '';
      route();
    } catch (err) {
      output.replaceChildren(errorBox(err));
    } finally {
      submit.disabled = false;
      i18nText(submit, 'signin.submit');
    }
  });
  main.replaceChildren(
    h('h2', { id: 'page-title', i18n: 'signin.title' }),
    h('p', { class: 'intro', i18n: 'signin.intro' }),
    form,
    output,
  );
  form.elements.orgCode.focus();
}

function renderChrome(session) {
  const nav = document.getElementById('nav');
  const info = document.getElementById('session-info');
  const out = document.getElementById('sign-out');
  nav.hidden = !session;
  info.hidden = !session;
  out.hidden = !session;
  if (!session) return;
  info.replaceChildren(
    tr('session.signedInAs', { org: session.orgName, code: session.orgCode, user: session.userName }),
    h('br'),
    h('small', {}, tr('session.expires', { time: showWire(session.expiresAt) })),
  );
  const list = document.getElementById('nav-list');
  const current = location.hash.replace(/^#\//, '');
  list.replaceChildren(
    ...PAGES.map((p) => {
      const allowed = session.allowedCodes.includes(p.code);
      const a = h(
        'a',
        { href: `#/${p.id}`, 'aria-current': p.id === current ? 'page' : undefined },
        tr(`nav.${p.id}`),
      );
      if (!allowed) a.append(' ', h('small', { class: 'muted', i18n: 'nav.notAllowed' }));
      return h('li', { class: allowed ? '' : 'not-allowed' }, a);
    }),
  );
}

function signOut(messageKey) {
  void api.signOut();
  rerender = () => {};
  if (location.hash) history.replaceState(null, '', location.pathname);
  renderChrome(undefined);
  renderSignIn(messageKey);
}

function route() {
  const session = api.session();
  if (!session) return signOut();
  const id = location.hash.replace(/^#\//, '');
  const page =
    PAGES.find((p) => p.id === id) ?? PAGES.find((p) => session.allowedCodes.includes(p.code)) ?? PAGES[0];
  if (page.id !== id) history.replaceState(null, '', `#/${page.id}`);
  renderChrome(session);
  // region names label the codes in results (statistics by region); loaded once per province
  void loadRegionNames((...a) => fetch(...a), session.regionCode).catch(() => undefined);
  rerender = () => {};
  reveal = false; // masked again on every page: revealing is a deliberate, per-result act
  renderPage(page);
  main.focus();
}

function updateLangButton() {
  const btn = document.getElementById('lang-switch');
  btn.lang = getLang() === 'en' ? 'zh-CN' : 'en';
}

document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(getLang() === 'en' ? 'zh-CN' : 'en', document, localStorage);
  updateLangButton();
});
document.getElementById('sign-out').addEventListener('click', () => signOut());

// Session expiry: a clerk who worked since the last renewal gets a fresh token in the last two minutes;
// an idle one sees a warning with a button to stay signed in (sliding session, issue 13 §3).
let lastActivity = Date.now();
for (const ev of ['keydown', 'pointerdown']) document.addEventListener(ev, () => (lastActivity = Date.now()));
let lastRenewal = Date.now();
async function renewNow() {
  try {
    const s = await api.renew();
    lastRenewal = Date.now();
    document.getElementById('session-warning')?.remove();
    if (s) renderChrome(s);
  } catch (err) {
    if (err instanceof ApiError && err.code === '1006') signOut('session.expired');
  }
}
setInterval(() => {
  const s = api.session();
  if (!s) return;
  const left = (parseWireTime(s.expiresAt)?.getTime() ?? 0) - api.serverNow().getTime();
  if (left > 120_000) return;
  if (lastActivity > lastRenewal) return void renewNow();
  if (document.getElementById('session-warning')) return;
  const stay = h('button', { type: 'button', i18n: 'session.stay' });
  stay.addEventListener('click', () => void renewNow());
  document
    .getElementById('session-info')
    .after(
      h('p', { id: 'session-warning', class: 'notice', role: 'alert' }, tr('session.expiring'), ' ', stay),
    );
}, 20_000);
window.addEventListener('hashchange', route);

setLang(initialLang(localStorage), document, localStorage);
updateLangButton();
void loadCatalogue();
// code labels before the first page: forms and results show them (without them a label shows its key)
await loadCodeLabels((...a) => fetch(...a)).catch(() => undefined);
route();
