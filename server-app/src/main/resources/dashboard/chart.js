// A container's CPU and memory over time, drawn by uPlot (from its WebJar) from the store's series route, which
// averages the stored records into at most a few hundred points.
import { h, bytes } from './ui.js';

function width(el) {
  return Math.max(260, Math.min(el.clientWidth || 600, 1200) - 16);
}

/** Draws the two charts of a series into {@code el}; returns a function that removes them. */
export function drawSeries(el, series) {
  const plots = [];
  const t = series.t;
  const make = (title, values, maxValues, fmt, label) => {
    const box = h('div', { class: 'chart', role: 'img', 'aria-label': `${title}: ${t.length} points` });
    el.append(box);
    const opts = {
      title,
      width: width(el),
      height: 220,
      series: [
        {},
        { label, stroke: '#1f5fbf', width: 1.5, value: (u, v) => (v == null ? '–' : fmt(v)) },
        { label: 'max', stroke: '#c77d00', width: 1, dash: [4, 4], value: (u, v) => (v == null ? '–' : fmt(v)) },
      ],
      axes: [{}, { values: (u, vals) => vals.map(fmt), size: 70 }],
      scales: { y: { range: (u, min, max) => [0, Math.max(max, 1e-9) * 1.1] } },
    };
    plots.push(new window.uPlot(opts, [t, values, maxValues], box));
  };
  make('CPU (% of one core)', series.cpu, series.cpuMax, (v) => v.toFixed(1) + '%', 'average');
  make('Memory', series.memory, series.memoryMax, bytes, 'average');
  const resize = () => plots.forEach((p) => p.setSize({ width: width(el), height: 220 }));
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    plots.forEach((p) => p.destroy());
  };
}
