// Time-series charts drawn by uPlot (global from vendor/uplot/uPlot.iife.min.js). Every chart of a page
// shares one cursor (sync key) and one x range; dragging across a chart zooms every chart by asking
// the page to narrow the URL's range.
import { bytes, count } from './format.js';

const SYNC_KEY = 'leakwatch';
const HEIGHT = 220;
const LIGHT = ['#0b62d6', '#d9480f', '#2b8a3e', '#9c36b5', '#b35c00', '#0c7d8f', '#c2255c', '#5c940d'];
const DARK = ['#6aa8ff', '#ff8a5b', '#69db7c', '#da77f2', '#ffc078', '#66d9e8', '#f783ac', '#a9e34b'];

function theme() {
  const css = getComputedStyle(document.documentElement);
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return {
    fg: css.getPropertyValue('--muted').trim() || '#555',
    grid: css.getPropertyValue('--line').trim() || '#ddd',
    palette: dark ? DARK : LIGHT,
  };
}

const percent = (v) => (v == null ? '–' : (v * 100).toFixed(v < 0.1 ? 2 : 1) + ' %');
const FORMATS = { bytes, count, percent };

function latest(ys) {
  for (let i = ys.length - 1; i >= 0; i--) if (ys[i] != null) return ys[i];
  return null;
}

/** [[x seconds…], [y…]] from API points [[ms, value]…]. */
function toTable(points) {
  const xs = [];
  const ys = [];
  for (const [t, v] of points) { xs.push(t / 1000); ys.push(v); }
  return [xs, ys];
}

/** Sums the matching series of one metric at each timestamp (e.g. every heap pool into heap). */
export function sumByTime(response, match = () => true) {
  const sums = new Map();
  for (const s of response.series) {
    if (!match(s.attributes || {})) continue;
    for (const [t, v] of s.points) {
      if (v === null) continue;
      sums.set(t, (sums.get(t) || 0) + v);
    }
  }
  const points = [...sums.entries()].sort((a, b) => a[0] - b[0]);
  return toTable(points);
}

/**
 * The share of wall time a cumulative seconds counter grows by (e.g. jvm.gc.duration's sum: GC time share),
 * summed over its attribute sets: between consecutive points of one set, increase / elapsed seconds. A
 * decrease (the process restarted) starts that set afresh instead of drawing a negative share.
 */
export function shareOfTime(response, match = () => true) {
  const sums = new Map();
  for (const s of response.series) {
    if (!match(s.attributes || {})) continue;
    let prev = null;
    for (const [t, v] of s.points) {
      if (v === null) continue;
      if (prev && t > prev[0] && v >= prev[1]) {
        sums.set(t, (sums.get(t) || 0) + (v - prev[1]) / ((t - prev[0]) / 1000));
      }
      prev = [t, v];
    }
  }
  return toTable([...sums.entries()].sort((a, b) => a[0] - b[0]));
}

/** One line per value of an attribute (e.g. per memory pool), summing series that share that value. */
export function perAttribute(response, key, match = () => true) {
  const values = [...new Set(response.series.filter((s) => match(s.attributes || {}))
    .map((s) => (s.attributes || {})[key] || '(none)'))].sort();
  return values.map((value) => ({
    label: value,
    table: sumByTime(response, (a) => match(a) && (a[key] || '(none)') === value),
  }));
}

/**
 * Builds a uPlot chart into target.
 * lines: [{label, table: [xs, ys], style: 'line'|'points'|'dashed', scale: 'y'|'y2'}]; units: {y, y2} of 'bytes'|'count'.
 * range: {from, to} in ms; onZoom(fromMs, toMs) is called when the user selects a span.
 */
export function drawChart(target, { title, lines, units, range, onZoom }) {
  const t = theme();
  const data = uPlot.join(lines.map((l) => l.table));
  // With the cursor off the chart (idx null) the legend shows each line's latest value.
  const series = [{ label: 'time', value: (u, v, si, idx) => (idx == null ? 'latest'
    : v == null ? '–' : new Date(v * 1000).toLocaleTimeString('en-GB')) }];
  lines.forEach((l, i) => {
    const color = t.palette[i % t.palette.length];
    const fmt = FORMATS[units[l.scale || 'y']] || count;
    const s = { label: l.label, scale: l.scale || 'y', stroke: color, width: 1.5, spanGaps: true,
      value: (u, v, si, idx) => {
        const shown = idx == null ? latest(u.data[si]) : v;
        return shown == null ? '–' : fmt(shown);
      } };
    if (l.style === 'points') Object.assign(s, { paths: () => null, points: { show: true, size: 6, fill: color, stroke: color } });
    if (l.style === 'dashed') Object.assign(s, { dash: [6, 4], width: 1 });
    if (l.style === 'trend') Object.assign(s, { width: 2, points: { show: false } });
    if (l.style === 'forecast') Object.assign(s, { dash: [10, 5], width: 2.5, points: { show: true, size: 8 } });
    series.push(s);
  });
  const axis = (scale, side, fmt) => ({ scale, side, stroke: t.fg, size: 72,
    grid: { stroke: t.grid, width: 1, show: side === 3 }, ticks: { stroke: t.grid, width: 1 },
    values: (u, splits) => splits.map((v) => fmt(v)) });
  const axes = [{ stroke: t.fg, grid: { stroke: t.grid, width: 1 }, ticks: { stroke: t.grid, width: 1 } },
    axis('y', 3, FORMATS[units.y] || count)];
  const scales = { x: { time: true, range: () => [range.from / 1000, range.to / 1000] } };
  if (units.y2) {
    axes.push(axis('y2', 1, FORMATS[units.y2] || count));
    scales.y2 = { auto: true };
  }
  const opts = {
    title, width: Math.max(320, target.clientWidth || 560), height: HEIGHT, series, axes, scales,
    cursor: { sync: { key: SYNC_KEY }, drag: { x: true, y: false, setScale: false } },
    legend: { live: true },
    hooks: {
      setSelect: [(u) => {
        if (u.select.width < 3 || !onZoom) return;
        const from = Math.round(u.posToVal(u.select.left, 'x') * 1000);
        const to = Math.round(u.posToVal(u.select.left + u.select.width, 'x') * 1000);
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        if (to > from) onZoom(from, to);
      }],
    },
  };
  return new uPlot(opts, data, target);
}

/** Keeps every chart as wide as its card. */
export function resizeWith(container, plotsOf) {
  const ro = new ResizeObserver(() => {
    for (const { plot, box } of plotsOf()) {
      const w = Math.max(320, box.clientWidth);
      if (Math.abs(plot.width - w) > 2) plot.setSize({ width: w, height: HEIGHT });
    }
  });
  ro.observe(container);
  return ro;
}
