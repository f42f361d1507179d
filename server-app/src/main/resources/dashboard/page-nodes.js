// Every node: its agent's heartbeat and swarm's own view side by side; one node's containers and work.
import { get } from './api.js';
import { h, fill, table, state, short, ago, time, bytes, facts, errorBox } from './ui.js';
import { usePerNode, gauge, cores, mem, nodeLink, recordNode } from './common.js';

export async function list(main) {
  const body = h('div');
  fill(main, h('h1', {}, 'Nodes'), body);
  const load = async () => {
    const [nodes, containers] = await Promise.all([get('/api/v1/nodes'), get('/api/v1/containers?limit=1000')]);
    const use = usePerNode(containers.items);
    fill(body, table([
      { title: 'Node', cell: nodeLink },
      { title: 'Agent', cell: (n) => state(n.status) },
      { title: 'Last heartbeat', cell: (n) => h('span', { title: time(n.lastHeartbeat) }, ago(n.lastHeartbeat)) },
      { title: 'Swarm state', cell: (n) => (n.swarm ? state(n.swarm.state) : h('span', { class: 'muted' }, 'not reported')) },
      { title: 'Availability', cell: (n) => (n.swarm ? n.swarm.availability : '–') },
      { title: 'Role', cell: (n) => (n.swarm && n.swarm.role) || n.role },
      { title: 'CPU', cell: (n) => gauge((use.get(n.id) || {}).cpu || 0, n.cpus, cores, 'CPU') },
      { title: 'Memory', cell: (n) => gauge((use.get(n.id) || {}).memory || 0, n.memoryBytes, mem, 'Memory') },
      { title: 'Containers', cell: (n) => String(n.containersRunning ?? '–') },
      { title: 'Runs', cell: (n) => `${n.runsInProgress} / ${n.runsQueued} queued` },
      { title: 'Agent version', cell: (n) => n.agentVersion },
    ], nodes.items, 'No node has registered yet.'));
  };
  try { await load(); } catch (e) { fill(body, errorBox(e)); }
  return { topics: ['nodes', 'runs', 'records'], refresh: load };
}

export async function one(main, [id]) {
  const head = h('div');
  const cont = h('div');
  const work = h('div');
  fill(main, h('h1', {}, 'Node ', id), head, h('h2', {}, 'Containers'), cont, h('h2', {}, 'Runs and tasks'), work);
  const load = async () => {
    const q = encodeURIComponent(id);
    const [n, runs] = await Promise.all([get('/api/v1/nodes/' + q), get('/api/v1/runs?limit=50&node=' + q)]);
    // records name their node by host name (node) and swarm node id (nodeId); the API filters by the host name
    const named = await get('/api/v1/containers?limit=200&node=' + encodeURIComponent(n.hostname || n.id));
    const containers = { items: named.items.filter((c) => recordNode(c) === n.id) }; // not a namesake's
    const u = usePerNode(containers.items).get(n.id) || { cpu: 0, memory: 0 };
    fill(head, facts([
      ['Agent', h('span', {}, state(n.status), ' last heartbeat ', ago(n.lastHeartbeat), ' (', time(n.lastHeartbeat), ')')],
      ['Swarm', n.swarm ? h('span', {}, state(n.swarm.state), ` ${n.swarm.availability || ''} ${n.swarm.role || ''} ${n.swarm.nodeId || ''}`) : 'not reported'],
      ['Hostname', n.hostname], ['Address', n.address], ['Role', n.role],
      ['CPU', gauge(u.cpu, n.cpus, cores, 'CPU')], ['Memory', gauge(u.memory, n.memoryBytes, mem, 'Memory')],
      ['Engine', n.engineVersion], ['Agent version', n.agentVersion],
      ['Registered', time(n.registeredAt)],
      ['Labels', Object.entries(n.labels || {}).map(([k, v]) => k + '=' + v).join(', ') || '–'],
    ]));
    fill(cont, table([
      { title: 'Container', cell: (c) => h('a', { href: '#/containers/' + c.containerId }, c.name || short(c.containerId)) },
      { title: 'Image', cell: (c) => c.image },
      { title: 'State', cell: (c) => state(c.state) },
      { title: 'CPU', cell: (c) => (c.cpuPercent == null ? '–' : c.cpuPercent.toFixed(1) + '%') },
      { title: 'Memory', cell: (c) => bytes(c.memoryBytes) },
      { title: 'Seen', cell: (c) => ago(c.observedAt) },
    ], containers.items, 'No container has reported from this node.'));
    fill(work, table([
      { title: 'Run', cell: (r) => h('a', { href: '#/runs/' + r.id }, short(r.id)) },
      { title: 'State', cell: (r) => state(r.state) },
      { title: 'Task', cell: (r) => (r.task ? h('a', { href: `#/jobs/${encodeURIComponent(r.task.project)}/tasks/${encodeURIComponent(r.task.taskId)}` }, `${r.task.project}/${r.task.taskId}`) : '–') },
      { title: 'Created', cell: (r) => ago(r.createdAt) },
      { title: 'Exit', cell: (r) => (r.exitCode ?? '–') },
    ], runs.items, 'No work on this node.'));
  };
  try { await load(); } catch (e) { fill(head, errorBox(e)); }
  return { topics: ['nodes', 'runs', 'records'], refresh: load };
}
