// A run's log, followed live over the runs API's Server-Sent Events: each event's id is the end offset, so a
// reconnect (the browser's own, with Last-Event-ID, or ours after an error status, with ?offset=) resumes exactly
// where the page is: no gap, no repeat. Like the live stream it is held only while the page is on view
// (whileOnView): back on view, it resumes from its offset.
import { h } from './ui.js';
import { whileOnView } from './api.js';

const MAX_CHARS = 2 * 1024 * 1024;

/** Follows the log of run {@code id} into a new element; {@code onEnd(run)} when the run is final. */
export function followLog(id, { onEnd } = {}) {
  const pre = h('pre', { class: 'log', tabindex: '0', 'aria-label': 'Log of run ' + id, 'aria-live': 'off',
    dataset: { run: id, offset: '0' } });
  const status = h('p', { class: 'muted', role: 'status' }, 'Connecting to the log…');
  const box = h('div', {}, status, pre);
  let offset = 0;
  let source = null;
  let closed = false;
  let chars = 0;
  let pause = 1000;
  let retry = null;
  const open = () => {
    retry = null;
    if (closed) return;
    const mine = new EventSource(`/api/v1/runs/${encodeURIComponent(id)}/logs?offset=${offset}`);
    source = mine;
    mine.addEventListener('open', () => {
      status.textContent = 'Following the log.';
      pause = 1000;
    });
    mine.addEventListener('log', (e) => {
      const entry = JSON.parse(e.data);
      if (entry.end <= offset) return; // already shown (a replay after a reconnect)
      const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      const span = h('span', { class: entry.stream, dataset: { end: String(entry.end), at: String(Date.now()) } },
        entry.text);
      pre.append(span);
      chars += entry.text.length;
      while (chars > MAX_CHARS && pre.firstChild) {
        chars -= pre.firstChild.textContent.length;
        pre.firstChild.remove();
      }
      offset = entry.end;
      pre.dataset.offset = String(offset);
      if (stick) pre.scrollTop = pre.scrollHeight;
    });
    mine.addEventListener('end', (e) => {
      closed = true;
      mine.close();
      source = null;
      if (leave) leave();
      const run = JSON.parse(e.data);
      status.textContent = `The run is ${run.state}; the whole log is shown.`;
      pre.dataset.ended = 'true';
      if (onEnd) onEnd(run);
    });
    mine.addEventListener('error', () => {
      if (closed || source !== mine) return;
      status.textContent = 'The log stream was interrupted; resuming from byte ' + offset + '…';
      if (mine.readyState === EventSource.CLOSED) {
        retry = setTimeout(open, pause);
        pause = Math.min(pause * 2, 15000);
      }
    });
  };
  const stop = () => {
    clearTimeout(retry);
    retry = null;
    if (source) source.close();
    source = null;
  };
  let leave = null;
  leave = whileOnView(open, stop);
  return {
    element: box,
    close() { closed = true; if (leave) leave(); stop(); },
  };
}
