// The dashboard's shell: a hash router over the pages, the live stream, and the refresh of the page on view when a
// notice names what it shows. Nothing here polls the store.
import { live, reachable } from './api.js';
import { h, fill, errorBox, say } from './ui.js';
import * as overview from './page-overview.js';
import * as nodes from './page-nodes.js';
import * as containers from './page-containers.js';
import * as runs from './page-runs.js';
import * as jobs from './page-jobs.js';
import * as deployments from './page-deployments.js';
import * as records from './page-records.js';

const ROUTES = [
  [/^$/, overview.render, 'Overview'],
  [/^nodes$/, nodes.list, 'Nodes'],
  [/^nodes\/([^/]+)$/, nodes.one, 'Node'],
  [/^containers$/, containers.list, 'Containers'],
  [/^containers\/([^/]+)$/, containers.one, 'Container'],
  [/^runs$/, runs.list, 'Runs'],
  [/^runs\/([^/]+)$/, runs.one, 'Run'],
  [/^jobs$/, jobs.list, 'Jobs'],
  [/^jobs\/([^/]+)$/, jobs.project, 'Job project'],
  [/^jobs\/([^/]+)\/tasks\/([^/]+)$/, jobs.task, 'Task'],
  [/^deployments$/, deployments.list, 'Deployments'],
  [/^deployments\/([^/]+)$/, deployments.one, 'Deployment'],
  [/^records$/, records.search, 'Records'],
];

const main = document.getElementById('main');
let current = null;
let generation = 0;
window.__dockhand = { timings: {}, ready: false };

function path() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [p, q] = hash.split('?');
  return { p: p.replace(/\/$/, ''), params: new URLSearchParams(q || '') };
}

async function route() {
  const started = performance.now();
  const mine = ++generation;
  say(''); // what an action answered belongs to the page it was done on
  if (current && current.dispose) current.dispose();
  current = null;
  const { p, params } = path();
  const match = ROUTES.map(([re, fn, title]) => [p.match(re), fn, title]).find(([m]) => m);
  document.querySelectorAll('header nav a').forEach((a) => {
    const target = a.getAttribute('href').replace(/^#\/?/, '');
    const on = target === '' ? p === '' : p === target || p.startsWith(target + '/');
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  window.__dockhand.ready = false;
  main.removeAttribute('data-ready');
  if (!match) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No page at #/' + p + '. ', h('a', { href: '#/' }, 'Overview')));
    return;
  }
  const [m, fn, title] = match;
  document.title = title + ' · Dockhand';
  try {
    const page = await fn(main, m.slice(1).map(decodeURIComponent), params);
    if (mine !== generation) {
      if (page && page.dispose) page.dispose();
      return;
    }
    current = page || {};
  } catch (e) {
    if (mine === generation) fill(main, h('h1', {}, title), errorBox(e));
  }
  if (mine === generation) {
    window.__dockhand.timings[title] = performance.now() - started;
    if (!window.__dockhand.readyAt) window.__dockhand.readyAt = performance.now(); // since navigation start
    window.__dockhand.ready = true;
    main.setAttribute('data-ready', 'true');
  }
}

let pending = null;
let refreshing = false;
let queued = { topics: new Set(), runs: new Set(), all: false };

function onNotice(notice) {
  if (notice.resync || notice.reconnected) queued.all = true;
  (notice.topics || []).forEach((t) => queued.topics.add(t));
  (notice.runs || []).forEach((r) => queued.runs.add(r));
  schedule();
}

// Notices arrive at most once a second; a short delay merges the ones of a burst. One refresh at a time: what
// arrives during a refresh waits for it and is merged, so a slow store never sees refreshes pile up.
function schedule() {
  if (pending || refreshing) return;
  pending = setTimeout(refresh, 100);
}

async function refresh() {
  pending = null;
  const batch = queued;
  queued = { topics: new Set(), runs: new Set(), all: false };
  const page = current;
  if (!page || !page.refresh) return;
  const wanted = page.topics || [];
  if (!batch.all && !wanted.some((t) => batch.topics.has(t))) return;
  refreshing = true;
  try {
    await page.refresh(batch);
  } catch (e) {
    console.warn('refresh failed', e);
  } finally {
    refreshing = false;
  }
  if (queued.all || queued.topics.size) schedule();
}

window.addEventListener('hashchange', () => { route(); main.focus({ preventScroll: true }); });
window.addEventListener('offline', () => reachable(false, 'this device is offline'));
live(onNotice);
route();
