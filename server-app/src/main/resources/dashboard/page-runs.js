// Runs: the list with filters, and one run with the time of each state, its exit code and its log followed live.
import { get, act, query, confirmAction } from './api.js';
import { h, fill, table, state, short, ago, time, bytes, facts, errorBox, actionButton } from './ui.js';
import { pager } from './page-containers.js';
import { followLog } from './log.js';

const STATES = ['', 'queued', 'assigned', 'building', 'running', 'succeeded', 'failed', 'cancelled', 'lost'];

export const runColumns = [
  { title: 'Run', cell: (r) => h('a', { href: '#/runs/' + r.id }, short(r.id)) },
  { title: 'State', cell: (r) => h('span', {}, state(r.state), r.cancelRequested && !isFinal(r) ? ' (cancelling)' : '') },
  { title: 'Node', cell: (r) => (r.node ? h('a', { href: '#/nodes/' + encodeURIComponent(r.node) }, r.node) : '–') },
  { title: 'What', cell: (r) => (r.task ? `task ${r.task.project}/${r.task.taskId}` : r.deploy ? 'deployment' : (r.command || []).join(' ')), wrap: true },
  { title: 'Created', cell: (r) => h('span', { title: time(r.createdAt) }, ago(r.createdAt)) },
  { title: 'Exit', cell: (r) => (r.exitCode ?? '–') },
];

export const isFinal = (r) => ['succeeded', 'failed', 'cancelled', 'lost'].includes(r.state);

export async function list(main, args, params) {
  const st = h('select', { id: 'f-state', name: 'state' }, STATES.map((s) =>
    h('option', { value: s, selected: s === (params.get('state') || '') }, s || 'any')));
  const node = h('input', { id: 'f-node', name: 'node', value: params.get('node') || '' });
  const form = h('form', { class: 'filters', role: 'search' }, h('label', {}, 'State', st), h('label', {}, 'Node', node),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/runs' + query({ state: st.value, node: node.value.trim() });
  });
  const p = pager(async (cursor) => {
    const page = await get('/api/v1/runs' + query({ limit: 50, state: params.get('state'), node: params.get('node'), cursor }));
    return { nextCursor: page.nextCursor, element: table(runColumns, page.items, 'No runs.') };
  });
  fill(main, h('h1', {}, 'Runs'), form, p.element);
  try { await p.show(); } catch (e) { fill(p.element, errorBox(e)); }
  return { topics: ['runs'], refresh: () => (p.first() ? p.show() : null) };
}

export function timeline(r) {
  const steps = [['queued', r.createdAt], ['assigned', r.assignedAt], ['building', r.buildingAt],
    ['running', r.runningAt], [isFinal(r) ? r.state : 'finished', r.finishedAt]];
  return table([
    { title: 'State', cell: ([s]) => state(s) },
    { title: 'At', cell: ([, at]) => time(at) },
    { title: 'After', cell: ([, at]) => (at && r.createdAt ? ((new Date(at) - new Date(r.createdAt)) / 1000).toFixed(1) + ' s' : '–') },
  ], steps.filter(([, at]) => at));
}

export async function one(main, [id]) {
  const head = h('div');
  const steps = h('div');
  const actions = h('div', { class: 'actions' });
  let log = null;
  fill(main, h('h1', {}, 'Run ', short(id)), head, actions, h('h2', {}, 'States'), steps, h('h2', {}, 'Log'));
  const load = async () => {
    const r = await get('/api/v1/runs/' + encodeURIComponent(id));
    fill(head, facts([
      ['Id', r.id], ['State', h('span', { id: 'run-state' }, state(r.state), r.cancelRequested && !isFinal(r) ? ' cancel requested' : '')],
      ['Exit code', h('span', { id: 'run-exit' }, r.exitCode ?? '–')], ['Reason', r.reason],
      ['Node', r.node ? h('a', { href: '#/nodes/' + encodeURIComponent(r.node) }, r.node) : '–'],
      ['Attempt', `${r.attempt} of ${r.maxAttempts}`],
      r.task ? ['Task', h('a', { href: `#/jobs/${encodeURIComponent(r.task.project)}/tasks/${encodeURIComponent(r.task.taskId)}` }, `${r.task.project}/${r.task.taskId}`)] : null,
      r.git ? ['Git', `${r.git.repo} ${r.git.ref || ''} ${r.git.commit || ''}`] : null,
      ['Command', (r.command || []).join(' ')], ['Image', r.imageId],
      ['Limits', `${r.cpus || 'any'} CPUs, ${r.memoryBytes ? bytes(r.memoryBytes) : 'any memory'}, timeout ${r.timeoutSeconds} s`],
      ['Log', bytes(r.logBytes)],
    ]));
    fill(steps, timeline(r));
    fill(actions, isFinal(r) ? null : actionButton('Cancel run', async () => {
      if (!(await confirmAction(`Cancel run ${short(r.id)}?`, 'Cancel run'))) return '';
      const answer = await act('POST', `/api/v1/runs/${encodeURIComponent(r.id)}/cancel`);
      if (!answer) return 'Not cancelled: no token.';
      await load();
      return answer.state === 'cancelled' ? 'Cancelled.' : 'Cancel requested; the agent stops it at its next heartbeat.';
    }, { danger: true }));
    if (!log) {
      log = followLog(r.id, { onEnd: () => load().catch(() => {}) });
      main.append(log.element);
    }
  };
  try { await load(); } catch (e) { fill(head, errorBox(e)); }
  return {
    topics: ['runs'],
    refresh: (batch) => (batch.all || batch.runs.has(id) || batch.runs.size === 0 ? load() : null),
    dispose: () => log && log.close(),
  };
}
