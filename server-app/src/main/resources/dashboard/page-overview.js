// The cluster at a glance: nodes up and down with capacity and use, counts, and the latest failures.
import { get } from './api.js';
import { h, fill, table, state, card, short, ago, errorBox } from './ui.js';
import { usePerNode, gauge, cores, mem, nodeLink, countBy, countsText } from './common.js';

// What the overview reads, and which of it a notice's topic makes it read again (a node's runs are counted on it).
const READS = {
  nodes: '/api/v1/nodes', containers: '/api/v1/containers?limit=1000', runs: '/api/v1/runs?limit=200',
  failed: '/api/v1/runs?state=failed&limit=5', lost: '/api/v1/runs?state=lost&limit=5', jobs: '/api/v1/jobs',
  deployments: '/api/v1/deployments',
};
const AGAIN = {
  nodes: ['nodes'], records: ['containers'], runs: ['nodes', 'runs', 'failed', 'lost'], jobs: ['jobs'],
  deployments: ['deployments'],
};

export async function render(main) {
  const body = h('div', { id: 'overview' });
  fill(main, h('h1', {}, 'Overview'), body);
  const read = {};
  // everything the first time (and until all of it was read once) and after a resync; then what the notices name
  const load = async (batch) => {
    const all = !batch || batch.all || Object.keys(READS).some((name) => !(name in read));
    const names = all ? Object.keys(READS) : [...new Set([...batch.topics].flatMap((t) => AGAIN[t] || []))];
    const answers = await Promise.all(names.map((name) => get(READS[name])));
    names.forEach((name, i) => { read[name] = answers[i]; });
    const { nodes, containers, runs, failed, lost, jobs, deployments } = read;
    const use = usePerNode(containers.items);
    const up = nodes.items.filter((n) => n.status === 'up').length;
    const inProgress = nodes.items.reduce((s, n) => s + n.runsInProgress, 0);
    const queued = nodes.items.reduce((s, n) => s + n.runsQueued, 0);
    const tasks = {};
    for (const j of jobs) for (const [k, v] of Object.entries(j.counts || {})) tasks[k] = (tasks[k] || 0) + v;
    const deps = deployments.items;
    const failures = [
      ...[...failed.items, ...lost.items].map((r) => ({ at: r.finishedAt || r.createdAt, what: 'run',
        link: h('a', { href: '#/runs/' + r.id }, 'run ' + short(r.id)), state: r.state, detail: r.reason || ('exit ' + r.exitCode) })),
      ...deps.filter((d) => d.status === 'failed').map((d) => ({ at: d.updatedAt, what: 'deployment',
        link: h('a', { href: '#/deployments/' + encodeURIComponent(d.name) }, 'deployment ' + d.name), state: d.status, detail: d.reason })),
      ...jobs.filter((j) => (j.counts || {}).dead > 0).map((j) => ({ at: null, what: 'job',
        link: h('a', { href: '#/jobs/' + encodeURIComponent(j.project) + '?state=dead' }, 'project ' + j.project),
        state: 'dead', detail: j.counts.dead + ' dead task(s)' })),
    ].sort((a, b) => String(b.at || '').localeCompare(String(a.at || ''))).slice(0, 10);
    fill(body,
      h('div', { class: 'cards' },
        card('Nodes', h('span', { id: 'nodes-up' }, `${up} up`), `${nodes.items.length - up} down`),
        card('Containers', String(containers.items.length) + (containers.nextCursor ? '+' : ''),
          `${[...use.values()].reduce((s, u) => s + u.containers, 0)} reporting in the last 10 min`),
        card('Runs', `${inProgress} in progress`, `${queued} queued; latest ${runs.items.length}: ${countsText(countBy(runs.items, (r) => r.state))}`),
        card('Job tasks', String(Object.values(tasks).reduce((a, b) => a + b, 0)), countsText(tasks)),
        card('Deployments', String(deps.filter((d) => d.status !== 'destroyed').length), countsText(countBy(deps, (d) => d.status)))),
      h('h2', {}, 'Nodes'),
      table([
        { title: 'Node', cell: nodeLink },
        { title: 'Status', cell: (n) => state(n.status) },
        { title: 'CPU use', cell: (n) => gauge((use.get(n.id) || {}).cpu || 0, n.cpus, cores, 'CPU') },
        { title: 'Memory use', cell: (n) => gauge((use.get(n.id) || {}).memory || 0, n.memoryBytes, mem, 'Memory') },
        { title: 'Containers', cell: (n) => String(n.containersRunning ?? '–') },
        { title: 'Runs', cell: (n) => `${n.runsInProgress} running, ${n.runsQueued} queued` },
        { title: 'Heartbeat', cell: (n) => ago(n.lastHeartbeat) },
      ], nodes.items, 'No node has registered yet: start an agent.'),
      h('h2', {}, 'Latest failures'),
      table([
        { title: 'What', cell: (f) => f.link },
        { title: 'State', cell: (f) => state(f.state) },
        { title: 'When', cell: (f) => (f.at ? ago(f.at) : '–') },
        { title: 'Detail', cell: (f) => f.detail, wrap: true },
      ], failures, 'No failures.'));
  };
  try {
    await load();
  } catch (e) {
    fill(body, errorBox(e));
  }
  return { topics: ['nodes', 'runs', 'jobs', 'deployments', 'records'], refresh: load };
}
