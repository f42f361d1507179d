// The store's API as the dashboard uses it: reads without a token, actions with the cluster token (asked once,
// kept in this tab's sessionStorage), a banner while the control plane does not answer, and the one live stream.

const banner = () => document.getElementById('banner');
let downSince = null;

/** Shows or hides the "control plane does not answer" banner. */
export function reachable(ok, why) {
  const el = banner();
  if (ok) {
    downSince = null;
    el.hidden = true;
    return;
  }
  downSince = downSince || new Date();
  el.textContent = `The control plane does not answer (since ${downSince.toLocaleTimeString()}${why ? ': ' + why : ''}).`
    + ' Showing what was last loaded; retrying by itself.';
  el.hidden = false;
}

/** An error the store answered with (a problem document). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function request(method, path, { body, token, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (token) init.headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    reachable(false, 'no connection');
    throw new ApiError(0, { title: 'The control plane does not answer', detail: String(e.message || e) });
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    const problem = await res.json().catch(() => null);
    reachable(false, problem && problem.title || `HTTP ${res.status}`);
    throw new ApiError(res.status, problem);
  }
  reachable(true);
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : { detail: data });
  return data;
}

/** GET a JSON document. */
export const get = (path) => request('GET', path);

/** A query string of the non-empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

const TOKEN_KEY = 'dockhand.token';

function askToken(error) {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const err = document.getElementById('token-error');
  err.hidden = !error;
  err.textContent = error || '';
  input.value = '';
  return new Promise((resolve) => {
    const form = document.getElementById('token-form');
    const cancel = document.getElementById('token-cancel');
    const done = (value) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => { e.preventDefault(); done(input.value.trim() || null); };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}

/**
 * An action (POST, PUT, DELETE) with the cluster token: asked once per tab, asked again when the store refuses it.
 * Resolves to the answer, or null when the user gave no token.
 */
export async function act(method, path, body) {
  let token = sessionStorage.getItem(TOKEN_KEY);
  let error = null;
  for (let tries = 0; tries < 3; tries++) {
    if (!token) {
      token = await askToken(error);
      if (!token) return null;
    }
    try {
      const answer = await request(method, path, { body, token });
      sessionStorage.setItem(TOKEN_KEY, token);
      return answer;
    } catch (e) {
      if (e.status === 401 || e.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        token = null;
        error = e.message;
        continue;
      }
      throw e;
    }
  }
  return null;
}

/** Asks the user to confirm; resolves true or false. */
export function confirmAction(text, label = 'Confirm') {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = label;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/**
 * The live stream of change notices. {@code onNotice} gets each notice ({topics, runs, resync}, or {reconnected}
 * after a gap, when the page should read everything again).
 *
 * Every dashboard tab of this browser shares one stream, held by a shared worker (live-worker.js): a browser opens
 * at most six HTTP/1.1 connections to one host, so a stream per tab would leave no connection for the pages'
 * requests once a few tabs are open, and every tab would stall. Where shared workers are missing (Chrome on
 * Android before 148) the tab holds a stream of its own. Either way a page leaving (pagehide) lets go of the stream: a page
 * kept in the back/forward cache would otherwise hold its connection open for a minute or more after a reload or
 * a navigation, and a few reloads stall the next page in the same way. Back from that cache, it reads everything.
 */
export function live(onNotice) {
  const indicator = document.getElementById('live');
  const show = (state) => {
    if (state === 'live') {
      indicator.textContent = 'live';
      indicator.classList.add('on');
      reachable(true);
    } else if (state === 'down') {
      indicator.textContent = 'reconnecting…';
      indicator.classList.remove('on');
      reachable(false, 'live updates interrupted');
    }
  };
  const stream = sharedStream(onNotice, show) || ownStream(onNotice, show);
  window.addEventListener('pagehide', () => stream.stop());
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted) return;
    stream.start();
    onNotice({ topics: [], runs: [], resync: false, reconnected: true });
  });
  stream.start();
}

/** The browser's one stream, through the shared worker; null where there is no shared worker. */
function sharedStream(onNotice, show) {
  if (typeof SharedWorker !== 'function') return null;
  let port = null;
  let own = null;
  const stream = {
    start() {
      if (own) { own.start(); return; }
      try {
        const worker = new SharedWorker('/dashboard/live-worker.js', { name: 'dockhand-live' });
        worker.addEventListener('error', () => { // the worker could not start: a stream of the tab's own
          if (own || port !== worker.port) return;
          port = null;
          own = ownStream(onNotice, show);
          own.start();
        });
        port = worker.port;
        port.onmessage = (e) => {
          if (e.data.state) show(e.data.state);
          if (e.data.notice) onNotice(e.data.notice);
        };
      } catch (err) {
        own = ownStream(onNotice, show);
        own.start();
      }
    },
    stop() {
      if (own) { own.stop(); return; }
      if (!port) return;
      port.postMessage('bye');
      port.close();
      port = null;
    },
  };
  return stream;
}

/**
 * A stream of this tab's own. After a reconnect the store replays what was missed (Last-Event-ID) or sends a resync
 * notice; when the browser gives up on the stream (an error status), it is opened again after a pause, from the
 * last id.
 */
function ownStream(onNotice, show) {
  let source = null;
  let retry = null;
  let lastId = null;
  let pause = 1000;
  let wasDown = false;
  const open = () => {
    retry = null;
    const mine = new EventSource('/api/v1/events' + (lastId ? '?lastEventId=' + encodeURIComponent(lastId) : ''));
    source = mine;
    mine.addEventListener('open', () => {
      show('live');
      pause = 1000;
      if (wasDown) onNotice({ topics: [], runs: [], resync: false, reconnected: true });
      wasDown = false;
    });
    const handle = (e) => { lastId = e.lastEventId || lastId; };
    mine.addEventListener('hello', handle);
    mine.addEventListener('change', (e) => {
      handle(e);
      try { onNotice(JSON.parse(e.data)); } catch (err) { console.error(err); }
    });
    mine.addEventListener('error', () => {
      if (source !== mine) return; // stopped
      show('down');
      wasDown = true;
      if (mine.readyState === EventSource.CLOSED) {
        retry = setTimeout(open, pause);
        pause = Math.min(pause * 2, 15000);
      }
    });
  };
  return {
    start() { if (!source && !retry) open(); },
    stop() {
      clearTimeout(retry);
      retry = null;
      if (source) source.close();
      source = null;
    },
  };
}
