// Small DOM builders for the console: elements, key/value lists, tables, masked personal identifiers and
// an inline-SVG bar chart. Text always goes through textContent (never innerHTML), so server data cannot
// inject markup.
import { bilingualText, i18nText, t } from './i18n.js';
import { maskIdNumber, maskName } from './wire.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** h('p', { class: 'x' }, child, 'text') — attributes, then children (nodes or strings). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false || v === null) continue;
    if (k === 'i18n') i18nText(el, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c);
  return el;
}

/** A translated text node wrapper (span with data-i18n). */
export function tr(key, vars) {
  return i18nText(document.createElement('span'), key, vars);
}

/** Code + translated label, e.g. "40 挂失". */
export function coded(prefix, code) {
  if (!code) return h('span', {}, '');
  return h('span', {}, `${code} `, tr(`${prefix}.${code}`));
}

export function yesNo(value) {
  return h('span', { class: value ? 'yes' : 'no' }, tr(value ? 'result.yes' : 'result.no'));
}

/**
 * A personal identifier, masked unless `reveal`. The full value is kept only in the result object that
 * re-renders the view when the reveal switch changes — it is never written into a masked element.
 */
export function pii(value, kind, reveal) {
  const shown = reveal ? value : kind === 'name' ? maskName(value) : maskIdNumber(value);
  return h('span', { class: reveal ? 'pii revealed' : 'pii masked', 'data-pii': kind }, shown ?? '');
}

/** <dl> of [labelKey, value node] pairs (skips undefined values). */
export function kv(pairs) {
  const dl = h('dl', { class: 'kv' });
  for (const [key, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(h('dt', { i18n: key }), h('dd', {}, value));
  }
  return dl;
}

/** <table> with translated headers; rows are arrays of nodes/strings. */
export function table(captionKey, headKeys, rows) {
  return h(
    'table',
    {},
    captionKey ? h('caption', { i18n: captionKey }) : undefined,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headKeys.map((k) => h('th', { scope: 'col', i18n: k })),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

/** A catalogue message in both languages (switches with the UI language). */
export function catalogueText(entry, fallback) {
  return bilingualText(
    document.createElement('span'),
    entry?.zh ?? fallback ?? '',
    entry?.en ?? fallback ?? '',
  );
}

/** Horizontal bar chart: one bar per row, label left, count right; values scale to the largest. */
export function barChart(items, titleKey) {
  const barH = 22;
  const gap = 6;
  const labelW = 170;
  const chartW = 360;
  const height = items.length * (barH + gap) + gap;
  const max = Math.max(1, ...items.map((i) => i.value));
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${labelW + chartW + 70} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t(titleKey));
  svg.dataset.i18nAria = titleKey;
  const title = document.createElementNS(SVG_NS, 'title');
  i18nText(title, titleKey);
  svg.append(title);
  items.forEach((item, i) => {
    const y = gap + i * (barH + gap);
    const label = document.createElementNS(SVG_NS, 'text');
    label.setAttribute('x', String(labelW - 8));
    label.setAttribute('y', String(y + barH * 0.7));
    label.setAttribute('text-anchor', 'end');
    label.setAttribute('class', 'chart-label');
    if (item.labelKey) i18nText(label, item.labelKey, item.labelVars);
    else label.textContent = item.label;
    const bar = document.createElementNS(SVG_NS, 'rect');
    bar.setAttribute('x', String(labelW));
    bar.setAttribute('y', String(y));
    bar.setAttribute('height', String(barH));
    bar.setAttribute('width', String(Math.max(1, Math.round((item.value / max) * chartW))));
    bar.setAttribute('class', 'chart-bar');
    const value = document.createElementNS(SVG_NS, 'text');
    value.setAttribute('x', String(labelW + Math.round((item.value / max) * chartW) + 6));
    value.setAttribute('y', String(y + barH * 0.7));
    value.setAttribute('class', 'chart-value');
    value.textContent = String(item.value);
    svg.append(label, bar, value);
  });
  return svg;
}
