// Jobs: per project, tasks by state, progress, results and the aggregate; one task with its attempts and logs.
import { get, act, query, confirmAction } from './api.js';
import { h, fill, table, state, short, ago, time, facts, errorBox, actionButton } from './ui.js';
import { pager } from './page-containers.js';
import { followLog } from './log.js';

const TASK_STATES = ['ready', 'running', 'failed', 'succeeded', 'dead', 'cancelled'];

function progress(j) {
  const pct = j.total ? Math.round((j.finished / j.total) * 100) : 0;
  return h('span', {}, h('progress', { max: String(j.total || 1), value: String(j.finished),
    'aria-label': `${j.project}: ${j.finished} of ${j.total} finished` }), ` ${j.finished} / ${j.total} (${pct}%)`);
}

/** The line the CLI prints: "10 tasks: 10 succeeded, 0 dead, 0 cancelled; exit codes: 0×10". */
export function aggregate(j) {
  const c = j.counts || {};
  const codes = Object.entries(j.exitCodes || {}).map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
  return `${j.total} tasks: ${c.succeeded || 0} succeeded, ${c.dead || 0} dead, ${c.cancelled || 0} cancelled;`
    + ` exit codes: ${codes}`;
}

const counts = (j) => TASK_STATES.filter((s) => (j.counts || {})[s]).map((s) => h('span', {}, state(s), ' ', String(j.counts[s]), ' '));

export async function list(main) {
  const body = h('div');
  fill(main, h('h1', {}, 'Jobs'), body);
  const load = async () => {
    const jobs = await get('/api/v1/jobs');
    fill(body, table([
      { title: 'Project', cell: (j) => h('a', { href: '#/jobs/' + encodeURIComponent(j.project) }, j.project) },
      { title: 'Progress', cell: progress },
      { title: 'Tasks by state', cell: (j) => h('span', {}, counts(j)), wrap: true },
      { title: 'Aggregate', cell: aggregate, wrap: true },
    ], jobs, 'No job project yet.'));
  };
  try { await load(); } catch (e) { fill(body, errorBox(e)); }
  return { topics: ['jobs'], refresh: load };
}

export async function project(main, [name], params) {
  const q = encodeURIComponent(name);
  const head = h('div', { id: 'job-head' });
  const actions = h('div', { class: 'actions' });
  const st = h('select', { id: 'f-state', name: 'state' }, ['', ...TASK_STATES].map((s) =>
    h('option', { value: s, selected: s === (params.get('state') || '') }, s || 'any')));
  const form = h('form', { class: 'filters', role: 'search' }, h('label', {}, 'Task state', st),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => { e.preventDefault(); location.hash = `#/jobs/${q}` + query({ state: st.value }); });
  const tasks = pager(async (cursor) => {
    const page = await get(`/api/v1/jobs/${q}/tasks` + query({ state: params.get('state'), limit: 50, cursor }));
    return { nextCursor: page.nextCursor, element: table([
      { title: 'Task', cell: (t) => h('a', { href: `#/jobs/${q}/tasks/${encodeURIComponent(t.taskId)}` }, t.taskId) },
      { title: 'State', cell: (t) => state(t.state) },
      { title: 'Attempt', cell: (t) => `${t.attempt} of ${t.maxAttempts}` },
      { title: 'Exit', cell: (t) => (t.exitCode ?? '–') },
      { title: 'Reason', cell: (t) => t.reason, wrap: true },
      { title: 'Finished', cell: (t) => (t.finishedAt ? ago(t.finishedAt) : '–') },
    ], page.items, 'No tasks.') };
  });
  const results = h('div');
  fill(main, h('h1', {}, 'Project ', name), head, actions, h('h2', {}, 'Tasks'), form, tasks.element,
    h('h2', {}, 'Results (Done, oldest first)'), results);
  const load = async () => {
    const [j, done] = await Promise.all([get(`/api/v1/jobs/${q}`), get(`/api/v1/jobs/${q}/results?after=0&limit=100`)]);
    fill(head, facts([
      ['Progress', progress(j)], ['Tasks by state', h('span', { id: 'job-counts' }, counts(j))],
      ['Aggregate', h('span', { id: 'job-aggregate' }, aggregate(j))],
      ['Settings', `concurrency ${j.settings.concurrency || 'any'}, ${j.settings.maxAttempts} attempts, lease`
        + ` ${j.settings.leaseSeconds} s, backoff ${j.settings.backoffSeconds} s`],
    ]));
    const unfinished = j.total - j.finished;
    fill(actions,
      unfinished > 0 ? actionButton(`Cancel ${unfinished} unfinished task(s)`, async () => {
        if (!(await confirmAction(`Cancel every unfinished task of ${name}?`, 'Cancel tasks'))) return '';
        const a = await act('POST', `/api/v1/jobs/${q}/cancel`);
        if (!a) return 'Not cancelled: no token.';
        await load();
        return 'Cancelled ' + (a.cancelled ?? '') + '.';
      }, { danger: true }) : null,
      ((j.counts || {}).dead || (j.counts || {}).cancelled) ? actionButton('Retry dead and cancelled', async () => {
        if (!(await confirmAction(`Put the dead and cancelled tasks of ${name} back on ToDo?`, 'Retry'))) return '';
        const a = await act('POST', `/api/v1/jobs/${q}/retry`);
        if (!a) return 'Not retried: no token.';
        await load();
        return 'Retried ' + (a.retried ?? '') + '.';
      }) : null);
    fill(results, table([
      { title: 'Seq', cell: (r) => String(r.seq) },
      { title: 'Task', cell: (r) => h('a', { href: `#/jobs/${q}/tasks/${encodeURIComponent(r.taskId)}` }, r.taskId) },
      { title: 'State', cell: (r) => state(r.state) },
      { title: 'Exit', cell: (r) => (r.exitCode ?? '–') },
      { title: 'Node', cell: (r) => r.node },
      { title: 'Output', cell: (r) => (r.stdout || r.reason || '').slice(0, 200), wrap: true },
      { title: 'Finished', cell: (r) => time(r.finishedAt) },
    ], done.results, 'No results yet.'));
    await (tasks.first() ? tasks.show() : null);
  };
  try { await load(); } catch (e) { fill(head, errorBox(e)); }
  return { topics: ['jobs'], refresh: load };
}

export async function task(main, [name, taskId]) {
  const path = `/api/v1/jobs/${encodeURIComponent(name)}/tasks/${encodeURIComponent(taskId)}`;
  const head = h('div');
  const attempts = h('div');
  const logBox = h('div');
  let log = null;
  let following = null;
  fill(main, h('h1', {}, 'Task ', name, '/', taskId), head, h('h2', {}, 'Attempts'), attempts,
    h('h2', {}, 'Log of the latest attempt'), logBox);
  const load = async () => {
    const t = await get(path);
    fill(head, facts([
      ['Project', h('a', { href: '#/jobs/' + encodeURIComponent(name) }, name)],
      ['State', state(t.state)], ['Attempt', `${t.attempt} of ${t.maxAttempts}`], ['Exit code', t.exitCode ?? '–'],
      ['Reason', t.reason], ['Repository', `${t.repo} ${t.ref || ''}`], ['Command', (t.command || []).join(' ')],
      ['Created', time(t.createdAt)], ['Finished', time(t.finishedAt)],
    ]));
    fill(attempts, table([
      { title: '#', cell: (a) => String(a.attempt) },
      { title: 'Run', cell: (a) => h('a', { href: '#/runs/' + a.runId }, short(a.runId)) },
      { title: 'Node', cell: (a) => a.node },
      { title: 'State', cell: (a) => state(a.state) },
      { title: 'Exit', cell: (a) => (a.exitCode ?? '–') },
      { title: 'Commit', cell: (a) => short(a.commit) },
      { title: 'Started', cell: (a) => time(a.startedAt) },
      { title: 'Ended', cell: (a) => time(a.endedAt) },
      { title: 'Output', cell: (a) => h('span', {}, (a.stdout || '').slice(0, 300), a.stderr ? h('span', { class: 'error' }, ' ' + a.stderr.slice(0, 300)) : ''), wrap: true },
    ], t.attempts || [], 'No attempt yet.'));
    const runId = t.runId || ((t.attempts || []).slice(-1)[0] || {}).runId;
    if (runId && runId !== following) {
      if (log) log.close();
      following = runId;
      log = followLog(runId);
      fill(logBox, log.element);
    } else if (!runId) {
      fill(logBox, h('p', { class: 'muted' }, 'No attempt has started yet.'));
    }
  };
  try { await load(); } catch (e) { fill(head, errorBox(e)); }
  return { topics: ['jobs', 'runs'], refresh: load, dispose: () => log && log.close() };
}
