// Deployments: status, replicas and resource use, history, logs followed live; update, roll back and destroy
// (each confirmed, with the cluster token).
import { get, act, confirmAction } from './api.js';
import { h, fill, table, state, short, ago, time, bytes, facts, errorBox, actionButton } from './ui.js';
import { followLog } from './log.js';

export async function list(main) {
  const body = h('div');
  fill(main, h('h1', {}, 'Deployments'), body);
  const load = async () => {
    const deps = await get('/api/v1/deployments');
    fill(body, table([
      { title: 'Name', cell: (d) => h('a', { href: '#/deployments/' + encodeURIComponent(d.name) }, d.name) },
      { title: 'Status', cell: (d) => state(d.status) },
      { title: 'Revision', cell: (d) => String(d.revision) },
      { title: 'Replicas', cell: (d) => `${d.replicasRunning} / ${d.replicasWanted}` },
      { title: 'Port', cell: (d) => String(d.publishedPort || '–') },
      { title: 'CPU', cell: (d) => (d.cpuPercent == null ? '–' : d.cpuPercent.toFixed(1) + '%') },
      { title: 'Memory', cell: (d) => bytes(d.memoryBytes) },
      { title: 'Commit', cell: (d) => short(d.commit) },
      { title: 'Updated', cell: (d) => ago(d.updatedAt) },
    ], deps.items, 'No deployment yet: `deploy` one from the CLI.'));
  };
  try { await load(); } catch (e) { fill(body, errorBox(e)); }
  return { topics: ['deployments'], refresh: load };
}

// What its replicas use: the store sums what the live nodes' agents said in their latest heartbeats.
function use(d) {
  if (d.cpuPercent == null && d.memoryBytes == null) return 'unknown: no live node reports a container of it';
  const n = d.measuredContainers;
  return `${d.cpuPercent == null ? '–' : d.cpuPercent.toFixed(1) + '% CPU'}, ${bytes(d.memoryBytes)}`
    + (n == null ? '' : ` (${n} container${n === 1 ? '' : 's'})`);
}

export async function one(main, [name]) {
  const path = '/api/v1/deployments/' + encodeURIComponent(name);
  const head = h('div');
  const actions = h('div', { class: 'actions' });
  const history = h('div', { id: 'deployment-history' });
  const logs = h('div');
  const followers = new Map();
  fill(main, h('h1', {}, 'Deployment ', name), head, actions, h('h2', {}, 'History'), history, h('h2', {}, 'Logs'), logs);
  const follow = (label, runId) => {
    if (!runId || followers.has(runId)) return;
    const f = followLog(runId);
    followers.set(runId, f);
    logs.append(h('h3', {}, label, ' (run ', h('a', { href: '#/runs/' + runId }, short(runId)), ')'), f.element);
  };
  const load = async () => {
    const d = await get(path);
    fill(head, facts([
      ['Status', h('span', { id: 'deployment-status' }, state(d.status), d.failedStep ? ` at ${d.failedStep}` : '')],
      ['Reason', d.reason], ['Revision', String(d.revision)],
      ['Replicas', `${d.replicasRunning} running of ${d.replicasWanted} wanted`],
      ['Resource use', h('span', { id: 'deployment-use' }, use(d))],
      ['Repository', `${d.repo} ${d.branch}`], ['Commit', d.commit], ['Image', d.image], ['Previous image', d.previousImage],
      ['Port', String(d.publishedPort || '–')], ['Created', time(d.createdAt)], ['Updated', time(d.updatedAt)],
    ]));
    const gone = d.status === 'destroyed' || d.status === 'destroying';
    const run = (label, method, suffix, question, danger) => actionButton(label, async () => {
      if (!(await confirmAction(question, label))) return '';
      const a = await act(method, path + suffix);
      if (!a) return 'Nothing done: no token.';
      await load();
      return a.detail || `${(a.status || (a.deployment && a.deployment.status) || 'requested')}.`;
    }, { danger });
    fill(actions, gone ? null : [
      run('Update', 'POST', '/update', `Deploy the newest commit of ${d.branch} to ${name}?`, false),
      d.previousImage ? run('Roll back', 'POST', '/rollback', `Roll ${name} back to ${d.previousImage}?`, false) : null,
      run('Destroy', 'DELETE', '', `Destroy ${name}? Its service stops and its port is freed.`, true),
    ]);
    fill(history, table([
      { title: '#', cell: (e) => String(e.seq) },
      { title: 'Status', cell: (e) => state(e.status) },
      { title: 'At', cell: (e) => time(e.at) },
      { title: 'Detail', cell: (e) => e.detail, wrap: true },
    ], (d.history || []).slice().reverse(), 'No history.'));
    follow('Build', d.buildRunId);
    follow('Service', d.serveRunId);
  };
  try { await load(); } catch (e) { fill(head, errorBox(e)); }
  return { topics: ['deployments'], refresh: load, dispose: () => followers.forEach((f) => f.close()) };
}
