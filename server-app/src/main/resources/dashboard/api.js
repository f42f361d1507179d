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
 * Calls {@code start} now and whenever the page comes back on view, {@code stop} whenever it leaves view: hidden (a
 * background tab, a minimised window), left (pagehide; a page kept in the back/forward cache would otherwise hold
 * its connections for a minute or more) or frozen. A browser opens at most six HTTP/1.1 connections to one host:
 * a long-lived stream held by every dashboard tab, or by every page left behind after a reload, soon took them all
 * and the page on view stalled, its requests waiting for a connection. Returns a function that ends it (and stops).
 */
export function whileOnView(start, stop) {
  let on = false;
  let left = false;
  let frozen = false;
  const update = () => {
    const wanted = document.visibilityState === 'visible' && !left && !frozen;
    if (wanted !== on) {
      on = wanted;
      if (on) start(); else stop();
    }
  };
  const listeners = [
    [document, 'visibilitychange', update],
    [window, 'pagehide', () => { left = true; update(); }],
    [window, 'pageshow', () => { left = false; update(); }],
    [document, 'freeze', () => { frozen = true; update(); }],
    [document, 'resume', () => { frozen = false; update(); }],
  ];
  listeners.forEach(([target, type, fn]) => target.addEventListener(type, fn));
  update();
  return () => {
    listeners.forEach(([target, type, fn]) => target.removeEventListener(type, fn));
    if (on) {
      on = false;
      stop();
    }
  };
}

/**
 * The tab's live stream of change notices, held while the page is on view ({@link whileOnView}): {@code onNotice}
 * gets each notice ({topics, runs, resync}; {reconnected} when the page should read everything again). Opened
 * again (on view again, or after an error status, after a pause), it resumes from the last notice's id: the store
 * replays what was missed, or sends a resync notice when it no longer has it.
 */
export function live(onNotice) {
  const indicator = document.getElementById('live');
  let source = null;
  let retry = null;
  let lastId = null;
  let pause = 1000;
  let wasDown = false;
  // a page loaded out of view read its data before it had a stream: back on view, without an id to resume from,
  // it reads everything again
  let catchUp = document.visibilityState !== 'visible';
  const open = () => {
    retry = null;
    const mine = new EventSource('/api/v1/events' + (lastId ? '?lastEventId=' + encodeURIComponent(lastId) : ''));
    source = mine;
    mine.addEventListener('open', () => {
      indicator.textContent = 'live';
      indicator.classList.add('on');
      reachable(true);
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
      indicator.textContent = 'reconnecting…';
      indicator.classList.remove('on');
      wasDown = true;
      reachable(false, 'live updates interrupted');
      if (mine.readyState === EventSource.CLOSED) {
        retry = setTimeout(open, pause);
        pause = Math.min(pause * 2, 15000);
      }
    });
  };
  whileOnView(() => {
    if (catchUp && !lastId) onNotice({ topics: [], runs: [], resync: false, reconnected: true });
    catchUp = true;
    open();
  }, () => {
    clearTimeout(retry);
    retry = null;
    if (source) source.close();
    source = null;
  });
}
