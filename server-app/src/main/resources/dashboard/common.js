// What several pages compute the same way.
import { h, bytes } from './ui.js';

/** How recent a container's latest record must be for its use to count on its node (10 minutes). */
export const FRESH_MS = 10 * 60 * 1000;

/** CPU (cores) and memory use per node, summed from the containers' latest fresh records. */
export function usePerNode(containers) {
  const use = new Map();
  const now = Date.now();
  for (const c of containers) {
    const node = recordNode(c);
    if (!node || now - new Date(c.observedAt).getTime() > FRESH_MS) continue;
    const u = use.get(node) || { cpu: 0, memory: 0, containers: 0 };
    u.cpu += (c.cpuPercent || 0) / 100;
    u.memory += c.memoryBytes || 0;
    u.containers += 1;
    use.set(node, u);
  }
  return use;
}

/** A meter of use against capacity, with the figures as text beside it. */
export function gauge(used, capacity, fmt, what) {
  if (!capacity) return h('span', { class: 'muted' }, used ? fmt(used) + ' used' : '–');
  const label = `${fmt(used)} of ${fmt(capacity)}`;
  return h('span', {}, h('meter', { min: '0', max: String(capacity), value: String(Math.min(used, capacity)),
    high: String(capacity * 0.8), 'aria-label': `${what}: ${label}` }), ' ', label);
}

/**
 * The id of the node a record comes from, as the nodes API names it: the swarm node id in a swarm ({@code nodeId}),
 * else the host name ({@code node}).
 */
export const recordNode = (c) => c.nodeId || c.node;

/** A link to the node a record comes from, showing its host name. */
export function recordNodeLink(c) {
  const node = recordNode(c);
  return node ? h('a', { href: '#/nodes/' + encodeURIComponent(node) }, c.node || node) : '–';
}

/** A node's link (its id, as the API and the CLI name it) and, when it differs, its hostname beside it. */
export function nodeLink(n) {
  return [h('a', { href: '#/nodes/' + encodeURIComponent(n.id) }, n.id),
    n.hostname && n.hostname !== n.id ? h('span', { class: 'muted' }, ' ' + n.hostname) : null];
}

export const cores = (v) => (Math.round(v * 100) / 100) + ' cores';
export const mem = bytes;

/** Counts of items by a key. */
export function countBy(items, key) {
  const counts = {};
  for (const i of items) counts[key(i)] = (counts[key(i)] || 0) + 1;
  return counts;
}

export function countsText(counts) {
  const parts = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Items of every page of a listing, up to {@code max}. */
export async function allPages(get, path, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(path + (cursor ? sep + 'cursor=' + encodeURIComponent(cursor) : ''));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}
