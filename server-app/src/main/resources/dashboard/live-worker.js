// The browser's one stream of change notices (GET /api/v1/events), shared by every dashboard tab of this origin:
// each tab connects a port and gets the stream's state ({state: 'live' | 'down' | 'connecting'}) and its notices
// ({notice}). A tab leaving says 'bye'; with no tab left the stream closes. A dropped stream reconnects (the
// browser's EventSource with Last-Event-ID, or this worker after an error status, from the last id) and every
// tab is told to read everything again ({notice: {reconnected: true}}).
const ports = new Set();
let source = null;
let retry = null;
let lastId = null;
let pause = 1000;
let wasDown = false;
let state = 'connecting';

function broadcast(message) {
  for (const port of ports) port.postMessage(message);
}

function become(next) {
  state = next;
  broadcast({ state });
}

function open() {
  retry = null;
  const mine = new EventSource('/api/v1/events' + (lastId ? '?lastEventId=' + encodeURIComponent(lastId) : ''));
  source = mine;
  mine.addEventListener('open', () => {
    pause = 1000;
    become('live');
    if (wasDown) broadcast({ notice: { topics: [], runs: [], resync: false, reconnected: true } });
    wasDown = false;
  });
  const handle = (e) => { lastId = e.lastEventId || lastId; };
  mine.addEventListener('hello', handle);
  mine.addEventListener('change', (e) => {
    handle(e);
    try { broadcast({ notice: JSON.parse(e.data) }); } catch (err) { console.error(err); }
  });
  mine.addEventListener('error', () => {
    if (source !== mine) return; // closed
    wasDown = true;
    become('down');
    if (mine.readyState === EventSource.CLOSED) {
      retry = setTimeout(open, pause);
      pause = Math.min(pause * 2, 15000);
    }
  });
}

function close() {
  clearTimeout(retry);
  retry = null;
  if (source) source.close();
  source = null;
  // the next tab loads its page afresh: it needs no replay
  lastId = null;
  wasDown = false;
  state = 'connecting';
}

self.addEventListener('connect', (e) => {
  const port = e.ports[0];
  port.onmessage = (m) => {
    if (m.data !== 'bye') return;
    ports.delete(port);
    if (ports.size === 0) close();
  };
  ports.add(port);
  port.postMessage({ state });
  if (!source && !retry) open();
});
