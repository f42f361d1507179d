// Small DOM helpers: every text from the network goes in through textContent, never as HTML.

/** An element: h('a', {href: '#/x'}, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
}

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function ago(iso) {
  if (!iso) return '–';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

export const short = (id) => (id ? String(id).slice(0, 12) : '–');

export function state(value) {
  return h('span', { class: 'state ' + String(value || '').toLowerCase() }, value || '–');
}

/** A table: columns [{title, cell: row => node|text, narrow: bool}], rows. */
export function table(columns, rows, empty = 'Nothing here yet.') {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.narrow ? null : 'hide-narrow-no' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => {
      const v = c.cell(r);
      return h('td', { class: c.wrap ? 'wrap' : null }, v === undefined || v === null ? '–' : v);
    }))))));
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')]));
}

export function card(title, big, small) {
  return h('div', { class: 'card' }, h('div', { class: 'small' }, title), h('div', { class: 'big' }, big),
    small ? h('div', { class: 'small' }, small) : null);
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'status' }, 'Could not load: ' + (e && e.message || e));
}

/** Runs an action button's work, disabling it meanwhile and saying what happened next to it. */
export function actionButton(label, work, { danger = false } = {}) {
  const button = h('button', { type: 'button', class: danger ? 'danger' : null }, label);
  button.addEventListener('click', async () => {
    const page = location.hash; // an answer that comes after the user moved on is not shown on another page
    button.disabled = true;
    say('');
    try {
      const said = await work();
      if (said && location.hash === page) say(`${label}: ${said}`);
    } catch (e) {
      if (location.hash === page) say(`${label}: ${e.message || String(e)}`, true);
    } finally {
      button.disabled = false;
      if (!button.isConnected && location.hash === page) refocus(label);
    }
  });
  return button;
}

/** Focus on the button the page rendered again in place of the one used, else on the page's content. */
function refocus(label) {
  const again = [...document.querySelectorAll('main button')].find((b) => b.textContent === label);
  (again || document.getElementById('main')).focus({ preventScroll: true });
}

/**
 * Shows what an action answered in the page's status line (#said); empty text empties it. The line is outside the
 * page's content: the page renders itself again after an action (and on every change notice), which would take a
 * message kept beside the button away with the button. It is never hidden, only empty (and then takes no room): a
 * live region that appears as its text changes is often not announced by screen readers.
 */
export function say(text, error = false) {
  const line = document.getElementById('said');
  if (!line) return;
  line.textContent = text;
  line.className = error ? 'said error' : 'said';
}
