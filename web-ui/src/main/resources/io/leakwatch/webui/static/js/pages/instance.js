// Instance: the raw memory signals of one JVM as charts over the page's time range, and its analysis.
import { getJson, getOptional } from '../api.js';
import { drawChart, perAttribute, resizeWith, sumByTime } from '../charts.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, duration, rate } from '../format.js';
import { apiRange, linkTo, resolveRange, windowOf } from '../route.js';

const USED = 'jvm.memory.used';
const AFTER_GC = 'jvm.memory.used_after_last_gc';
const LIMIT = 'jvm.memory.limit';
const COMMITTED = 'jvm.memory.committed';
const CLASSES = 'jvm.class.count';
const THREADS = 'jvm.thread.count';
const BUFFERS = 'jvm.buffer.memory.used';
const RSS = 'process.memory.usage';
const POINT_LIMIT = 100000;

const heap = (a) => a['jvm.memory.type'] === 'heap';
const metaspace = (a) => a['jvm.memory.pool.name'] === 'Metaspace';

/** What each chart draws, from which metrics. */
export const CHARTS = [
  { id: 'heap', title: 'Heap used, with the floor after GC', units: { y: 'bytes' }, metrics: [USED, AFTER_GC, LIMIT],
    hint: 'The dots are heap used after garbage collection: a floor that keeps rising is what a leak looks like.',
    lines: (m) => [
      { label: 'heap used', table: sumByTime(m[USED], heap) },
      { label: 'after GC (floor)', table: sumByTime(m[AFTER_GC], heap), style: 'points' },
      { label: 'heap limit', table: sumByTime(m[LIMIT], heap), style: 'dashed' }] },
  { id: 'pools', title: 'Memory pools after GC', units: { y: 'bytes' }, metrics: [AFTER_GC],
    hint: 'Per pool; the old generation is where a leak accumulates.',
    lines: (m) => perAttribute(m[AFTER_GC], 'jvm.memory.pool.name') },
  { id: 'metaspace', title: 'Metaspace and loaded classes', units: { y: 'bytes', y2: 'count' }, metrics: [USED, CLASSES],
    hint: 'Classes that keep loading (class-loader leaks, generated proxies) grow both.',
    lines: (m) => [
      { label: 'metaspace', table: sumByTime(m[USED], metaspace) },
      { label: 'classes loaded', table: sumByTime(m[CLASSES]), scale: 'y2' }] },
  { id: 'threads', title: 'Threads', units: { y: 'count' }, metrics: [THREADS],
    hint: 'A thread count that only goes up points at an executor or timer that is never shut down.',
    lines: (m) => [{ label: 'threads', table: sumByTime(m[THREADS]) }] },
  { id: 'buffers', title: 'Direct and mapped buffers', units: { y: 'bytes' }, metrics: [BUFFERS],
    hint: 'Off-heap buffers; they do not show in the heap.',
    lines: (m) => perAttribute(m[BUFFERS], 'jvm.buffer.pool.name') },
  { id: 'rss', title: 'Process RSS vs committed memory', units: { y: 'bytes' }, metrics: [RSS, COMMITTED],
    hint: 'RSS growing beyond committed heap and non-heap is native memory.',
    lines: (m) => [
      { label: 'RSS', table: sumByTime(m[RSS]) },
      { label: 'committed heap', table: sumByTime(m[COMMITTED], heap) },
      { label: 'committed heap + non-heap', table: sumByTime(m[COMMITTED]) }] },
];

export function mountInstance(root, state, navigate) {
  const meta = el('div', { class: 'meta', id: 'instance-meta' }, stateBox('loading', 'Loading instance…'));
  const analysis = el('div', { class: 'panel', id: 'analysis' }, stateBox('loading', 'Loading analysis…'));
  const grid = el('div', { class: 'charts', id: 'charts' });
  const cards = CHARTS.map((c) => {
    const body = el('div', { class: 'chart-body' }, stateBox('loading', 'Loading…'));
    const card = el('figure', { class: 'chart', id: 'chart-' + c.id, 'data-chart': c.id, 'aria-busy': 'true' },
      el('figcaption', {}, el('h3', {}, c.title), el('p', { class: 'hint' }, c.hint)), body);
    grid.append(card);
    return { def: c, card, body, plot: null };
  });
  const observer = resizeWith(grid, () => cards.filter((c) => c.plot).map((c) => ({ plot: c.plot, box: c.body })));

  root.replaceChildren(
    el('h1', { tabindex: '-1' }, 'Instance ', el('span', { class: 'id' }, state.id)),
    meta,
    section('Analysis', 'analysis-title', analysis),
    section('Signals', 'signals-title',
      el('p', { class: 'hint' }, 'Drag across a chart to zoom every chart to that span; pick a range above to zoom out.'),
      grid));

  async function loadMeta(signal) {
    try {
      const all = await getJson('/api/v1/instances', { ...apiRange(state.range), limit: 5000 }, signal);
      const me = all.find((i) => i.instance === state.id);
      if (!me) {
        meta.replaceChildren(stateBox('empty', 'This instance has not reported in this range.'), attachAgentHint());
        return;
      }
      const field = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
      meta.replaceChildren(el('dl', {},
        field('Service', el('a', { href: linkTo(state, 'service', me.service) }, me.service)),
        field('Version', me.version || '–'), field('Host', me.host || '–'),
        field('Environment', me.environment || '–'), field('Last seen', ago(me.lastSeen))));
    } catch (e) {
      if (e.name !== 'AbortError') meta.replaceChildren(stateBox('error', 'Could not load the instance: ' + e.message));
    }
  }

  async function loadAnalysis(signal, quiet) {
    if (!quiet) analysis.replaceChildren(stateBox('loading', 'Loading analysis…'));
    try {
      const res = await getOptional('/api/v1/instances/' + encodeURIComponent(state.id) + '/analysis',
        { window: windowOf(state.range) }, signal);
      if (!res.available) {
        analysis.replaceChildren(stateBox('unavailable', 'Leak analysis is not available yet on this server: ',
          el('code', {}, 'GET /api/v1/instances/{id}/analysis'), ' answered 404. The charts show the raw signals.'));
        return;
      }
      const signals = res.body && Array.isArray(res.body.signals) ? res.body.signals : [];
      if (signals.length === 0) { analysis.replaceChildren(stateBox('empty', 'No signal analysed in this window yet.')); return; }
      analysis.replaceChildren(table(['Signal', 'Verdict', '#Confidence', '#Growth', '#Exhausted in'], signals.map((s) =>
        el('tr', { 'data-verdict': s.verdict },
          el('td', {}, s.signal),
          el('td', {}, el('span', { class: 'verdict verdict-' + String(s.verdict).replace(/[^a-z_]/g, '') }, s.verdict)),
          el('td', { class: 'num' }, s.confidence ?? '–'),
          el('td', { class: 'num' }, rate(s.slopePerHour, s.unit)),
          el('td', { class: 'num' }, duration(s.timeToExhaustionSeconds))))));
    } catch (e) {
      if (e.name !== 'AbortError') analysis.replaceChildren(stateBox('error', 'Could not load the analysis: ' + e.message));
    }
  }

  async function loadCharts(signal, quiet) {
    const range = resolveRange(state.range);
    const cache = new Map();
    const fetchMetric = (metric) => {
      if (!cache.has(metric)) {
        cache.set(metric, getJson('/api/v1/series',
          { instance: state.id, metric, ...apiRange(state.range), limit: POINT_LIMIT }, signal));
      }
      return cache.get(metric);
    };
    const onZoom = (from, to) => navigate({ ...state, range: { kind: 'absolute', from, to } });
    await Promise.all(cards.map(async (c) => {
      if (!quiet) { c.body.replaceChildren(stateBox('loading', 'Loading…')); c.card.setAttribute('aria-busy', 'true'); }
      try {
        const responses = await Promise.all(c.def.metrics.map(fetchMetric));
        const m = Object.fromEntries(c.def.metrics.map((name, i) => [name, responses[i]]));
        const lines = c.def.lines(m).filter((l) => l.table[0].length > 0);
        c.plot?.destroy();
        c.plot = null;
        if (lines.length === 0) {
          c.body.replaceChildren(stateBox('empty', 'No points in this range for ',
            el('code', {}, c.def.metrics.join(', ')), '. The agent sends them every 10 s; widen the range if the instance stopped.'));
        } else {
          const target = el('div', { class: 'plot' });
          c.body.replaceChildren(target);
          c.plot = drawChart(target, { title: '', lines, units: c.def.units, range, onZoom });
          if (responses.some((r) => r.truncated)) c.body.append(el('p', { class: 'hint' }, 'Only the first points are shown; narrow the range.'));
        }
      } catch (e) {
        if (e.name !== 'AbortError') c.body.replaceChildren(stateBox('error', 'Could not load ' + c.def.title.toLowerCase() + ': ' + e.message));
      } finally {
        c.card.setAttribute('aria-busy', 'false');
      }
    }));
  }

  const refresh = (signal, quiet) => Promise.all([loadMeta(signal), loadAnalysis(signal, quiet), loadCharts(signal, quiet)]);
  const destroy = () => { observer.disconnect(); cards.forEach((c) => c.plot?.destroy()); };
  return { title: state.id, refresh, destroy };
}
