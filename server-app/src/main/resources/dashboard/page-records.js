// Records search with the API's filters (container, node, image, time range), paged.
import { get, query } from './api.js';
import { h, fill, errorBox, table } from './ui.js';
import { pager, recordColumns } from './page-containers.js';

const local = (iso) => (iso ? iso.slice(0, 16) : '');
const iso = (value) => (value ? new Date(value).toISOString() : '');

export async function search(main, args, params) {
  const f = (name, label, attrs = {}) => h('label', {}, label, h('input', { id: 'r-' + name, name, ...attrs }));
  const form = h('form', { class: 'filters', role: 'search' },
    f('containerId', 'Container id'), f('node', 'Node'), f('image', 'Image'),
    f('since', 'Since', { type: 'datetime-local' }), f('until', 'Until', { type: 'datetime-local' }),
    h('button', { type: 'submit' }, 'Search'));
  for (const k of ['containerId', 'node', 'image']) form.elements[k].value = params.get(k) || '';
  for (const k of ['since', 'until']) if (params.get(k)) form.elements[k].value = local(new Date(new Date(params.get(k)) - new Date().getTimezoneOffset() * 60000).toISOString());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (k) => form.elements[k].value.trim();
    location.hash = '#/records' + query({ containerId: v('containerId'), node: v('node'), image: v('image'),
      since: iso(v('since')), until: iso(v('until')) });
  });
  const p = pager(async (cursor) => {
    const page = await get('/api/v1/records' + query({ limit: 50, containerId: params.get('containerId'),
      node: params.get('node'), image: params.get('image'), since: params.get('since'), until: params.get('until'), cursor }));
    return { nextCursor: page.nextCursor, element: table(recordColumns(true), page.items, 'No records match.') };
  });
  fill(main, h('h1', {}, 'Records'), form, p.element);
  try { await p.show(); } catch (e) { fill(p.element, errorBox(e)); }
  return {};
}
