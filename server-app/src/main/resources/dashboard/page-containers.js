// The inventory (the latest record of each container) and one container: its CPU and memory over time, charted
// from its stored records, and the records themselves.
import { get, query } from './api.js';
import { h, fill, table, state, short, ago, time, bytes, facts, errorBox } from './ui.js';
import { drawSeries } from './chart.js';
import { recordNodeLink } from './common.js';

const RANGES = [['1h', 3600], ['24h', 86400], ['7d', 7 * 86400], ['30d', 30 * 86400]];

export function recordColumns(withContainer) {
  return [
    withContainer ? { title: 'Container', cell: (r) => h('a', { href: '#/containers/' + r.containerId }, r.name || short(r.containerId)) } : null,
    { title: 'Observed', cell: (r) => time(r.observedAt) },
    { title: 'Node', cell: (r) => r.node },
    { title: 'Image', cell: (r) => r.image },
    { title: 'State', cell: (r) => state(r.state) },
    { title: 'CPU', cell: (r) => (r.cpuPercent == null ? '–' : r.cpuPercent.toFixed(1) + '%') },
    { title: 'Memory', cell: (r) => bytes(r.memoryBytes) },
    { title: 'Verified', cell: (r) => (r.verified ? 'yes' : 'no') },
  ].filter(Boolean);
}

/** A paged listing: shows a page and "Newer"/"Older" buttons walking the cursors. */
export function pager(render) {
  const stack = [null];
  let at = 0;
  const box = h('div');
  const show = async () => {
    const page = await render(stack[at]);
    const prev = h('button', { type: 'button', disabled: at === 0 }, '← Newer');
    const next = h('button', { type: 'button', disabled: !page.nextCursor }, 'Older →');
    prev.addEventListener('click', () => { at--; show(); });
    next.addEventListener('click', () => { stack[at + 1] = page.nextCursor; at++; show(); });
    fill(box, page.element, h('div', { class: 'actions' }, prev, next, h('span', { class: 'muted' }, `page ${at + 1}`)));
  };
  return { element: box, show, first: () => at === 0 };
}

export async function list(main, args, params) {
  const node = h('input', { id: 'f-node', name: 'node', value: params.get('node') || '' });
  const image = h('input', { id: 'f-image', name: 'image', value: params.get('image') || '' });
  const form = h('form', { class: 'filters', role: 'search' },
    h('label', {}, 'Node', node), h('label', {}, 'Image', image), h('button', { type: 'submit' }, 'Filter'));
  const p = pager(async (cursor) => {
    const page = await get('/api/v1/containers' + query({ limit: 100, node: node.value.trim(), image: image.value.trim(), cursor }));
    return { nextCursor: page.nextCursor, element: table([
      { title: 'Container', cell: (c) => h('a', { href: '#/containers/' + c.containerId }, c.name || short(c.containerId)) },
      { title: 'Id', cell: (c) => short(c.containerId) },
      { title: 'Image', cell: (c) => c.image },
      { title: 'Node', cell: recordNodeLink },
      { title: 'State', cell: (c) => state(c.state) },
      { title: 'CPU', cell: (c) => (c.cpuPercent == null ? '–' : c.cpuPercent.toFixed(1) + '%') },
      { title: 'Memory', cell: (c) => bytes(c.memoryBytes) },
      { title: 'Last record', cell: (c) => ago(c.observedAt) },
    ], page.items, 'No container has reported yet.') };
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/containers' + query({ node: node.value.trim(), image: image.value.trim() });
  });
  fill(main, h('h1', {}, 'Containers'), form, p.element);
  try { await p.show(); } catch (e) { fill(p.element, errorBox(e)); }
  return { topics: ['records'], refresh: () => (p.first() ? p.show() : null) };
}

export async function one(main, [id], params) {
  const range = params.get('range') || '7d';
  const seconds = (RANGES.find(([k]) => k === range) || RANGES[2])[1];
  const head = h('div');
  const charts = h('div', { id: 'charts' });
  const rangeNav = h('div', { class: 'actions', role: 'group', 'aria-label': 'Time range' },
    RANGES.map(([k]) => h('a', { href: `#/containers/${id}?range=${k}`, 'aria-current': k === range ? 'true' : null,
      class: 'range' }, k === range ? `[${k}]` : k)));
  const recs = pager(async (cursor) => {
    const page = await get('/api/v1/records' + query({ containerId: id, limit: 50, cursor }));
    return { nextCursor: page.nextCursor, element: table(recordColumns(false), page.items, 'No records.') };
  });
  fill(main, h('h1', {}, 'Container ', short(id)), head, h('h2', {}, 'CPU and memory'), rangeNav, charts,
    h('h2', {}, 'Records'), h('div', { id: 'container-records' }, recs.element));
  let undraw = null;
  const loadHead = async () => {
    const inv = await get('/api/v1/containers' + query({ containerId: id, limit: 1 }));
    const c = inv.items[0];
    if (!c) { fill(head, h('p', { class: 'muted' }, 'No records for this container.')); return; }
    fill(head, facts([
      ['Name', c.name], ['Id', c.containerId], ['Image', c.image],
      ['Node', recordNodeLink(c)],
      ['State', state(c.state)], ['Last record', `${ago(c.observedAt)} (${time(c.observedAt)})`],
      ['CPU now', c.cpuPercent == null ? '–' : c.cpuPercent.toFixed(1) + '%'],
      ['Memory now', bytes(c.memoryBytes) + (c.memoryLimitBytes ? ' of ' + bytes(c.memoryLimitBytes) : '')],
    ]));
  };
  const loadChart = async () => {
    const started = performance.now();
    const since = new Date(Date.now() - seconds * 1000).toISOString();
    const series = await get(`/api/v1/containers/${encodeURIComponent(id)}/series` + query({ since, points: 500 }));
    if (undraw) undraw();
    fill(charts);
    if (series.t.length === 0) {
      fill(charts, h('p', { class: 'muted' }, `No records in the last ${range}.`));
    } else {
      charts.append(h('p', { class: 'muted' }, `${series.records} records in the last ${range}, ${series.t.length} points`
        + ` (${series.bucketSeconds} s each)`));
      undraw = drawSeries(charts, series);
    }
    charts.dataset.points = String(series.t.length);
    charts.dataset.records = String(series.records);
    window.__dockhand.timings.chart = performance.now() - started;
    window.__dockhand.timings.chartDrawnAt = performance.now(); // since navigation start
  };
  try {
    await Promise.all([loadHead(), loadChart(), recs.show()]);
  } catch (e) {
    charts.append(errorBox(e));
  }
  return {
    topics: ['records'],
    refresh: () => Promise.all([loadHead(), loadChart(), recs.first() ? recs.show() : null]),
    dispose: () => undraw && undraw(),
  };
}
