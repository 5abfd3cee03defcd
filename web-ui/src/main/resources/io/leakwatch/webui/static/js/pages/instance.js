// Instance: the raw memory signals of one JVM as charts over the page's time range, and its analysis.
import { ApiError, getJson, getOptional } from '../api.js';
import { drawChart, perAttribute, resizeWith, shareOfTime, sumByTime } from '../charts.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, bytes, count, dateTime, duration, rate } from '../format.js';
import { apiRange, BASELINES, linkTo, resolveRange, windowOf } from '../route.js';

const USED = 'jvm.memory.used';
const AFTER_GC = 'jvm.memory.used_after_last_gc';
const LIMIT = 'jvm.memory.limit';
const COMMITTED = 'jvm.memory.committed';
const CLASSES = 'jvm.class.count';
const THREADS = 'jvm.thread.count';
const BUFFERS = 'jvm.buffer.memory.used';
const RSS = 'process.memory.usage';
const FDS = 'jvm.file_descriptor.count';
const GC = 'jvm.gc.duration';
const POINT_LIMIT = 100000;

const heap = (a) => a['jvm.memory.type'] === 'heap';
const metaspace = (a) => a['jvm.memory.pool.name'] === 'Metaspace';

/** What each chart draws, from which metrics. */
export const CHARTS = [
  { id: 'heap', title: 'Heap used, with the floor after GC', units: { y: 'bytes' }, metrics: [USED, AFTER_GC, LIMIT],
    hint: 'The dots are heap used after garbage collection: a floor that keeps rising is what a leak looks like.'
      + ' The analysis\' fitted trend is drawn solid, extended to the heap limit as the forecast of exhaustion.',
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
  { id: 'fds', title: 'Open file descriptors', units: { y: 'count' }, metrics: [FDS],
    hint: 'Sockets and files never closed keep this rising until the process limit ("Too many open files").',
    lines: (m) => [{ label: 'open FDs', table: sumByTime(m[FDS]) }] },
  { id: 'gc', title: 'GC time share', units: { y: 'percent' }, metrics: [GC],
    hint: 'Share of wall time spent in garbage collection; a leaking heap makes the collector work ever harder.',
    lines: (m) => [
      { label: 'all collections', table: shareOfTime(m[GC]) },
      ...perAttribute(m[GC], 'jvm.gc.name').map((l) => ({
        label: l.label, table: shareOfTime(m[GC], (a) => (a['jvm.gc.name'] || '(none)') === l.label) }))] },
];

/**
 * The heap signal's fitted line and its extension to the heap limit: {lines, note, extendTo}. The forecast is
 * drawn up to the limit, or to one range-width past the range's end when exhaustion is further away.
 */
export function forecast(analysis, range) {
  const signals = analysis && Array.isArray(analysis.signals) ? analysis.signals : [];
  const heapSignal = signals.find((x) => x.signal === 'heap');
  const fit = heapSignal && heapSignal.evidence && heapSignal.evidence.fit;
  if (!fit) return { lines: [], note: null, extendTo: range.to };
  const t0 = Date.parse(fit.start);
  const t1 = Date.parse(fit.end);
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 <= t0) return { lines: [], note: null, extendTo: range.to };
  const lines = [{ label: 'trend', table: [[t0 / 1000, t1 / 1000], [fit.startValue, fit.endValue]], style: 'trend' }];
  const max = analysis.heapMaxBytes;
  const slope = fit.slopePerHour;
  if (!(max > 0) || !(slope > 0) || fit.endValue >= max) return { lines, note: null, extendTo: range.to };
  const hits = t1 + ((max - fit.endValue) / slope) * 3_600_000;
  const cap = range.to + (range.to - range.from);
  const x = Math.min(hits, cap);
  const y = x === hits ? max : fit.endValue + slope * (x - t1) / 3_600_000;
  lines.push({ label: 'forecast', table: [[t1 / 1000, x / 1000], [fit.endValue, y]], style: 'forecast' });
  const tte = heapSignal.timeToExhaustionSeconds ?? Math.max(0, (hits - Date.now()) / 1000);
  const note = el('p', { class: 'forecast-note', id: 'forecast-note' }, 'Forecast: at ', rate(slope, 'bytes'),
    ' the heap limit (', bytes(max), ') is reached in ', el('strong', {}, duration(tte)), ', around ', dateTime(hits),
    hits > cap ? ' (beyond the chart)' : '', '.');
  return { lines, note, extendTo: x };
}

function evidenceText(s) {
  const ev = s.evidence;
  if (!ev) return null;
  const parts = [];
  if (Array.isArray(ev.points)) parts.push(ev.points.length + ' points');
  if (ev.fit) parts.push('fit ' + (s.unit === 'bytes' ? bytes(ev.fit.startValue) + ' → ' + bytes(ev.fit.endValue)
    : count(ev.fit.startValue) + ' → ' + count(ev.fit.endValue)) + ' (' + dateTime(ev.fit.start) + ' – ' + dateTime(ev.fit.end) + ')');
  if (ev.slopeLowPerHour != null && ev.slopeHighPerHour != null) parts.push('slope range ' + rate(ev.slopeLowPerHour, s.unit) + ' … ' + rate(ev.slopeHighPerHour, s.unit));
  if (ev.pValue != null) parts.push('Mann–Kendall p = ' + Number(ev.pValue).toPrecision(2));
  if (ev.kendallTau != null) parts.push('τ = ' + Number(ev.kendallTau).toFixed(2));
  if (ev.reclaimingCollections != null) parts.push(ev.reclaimingCollections + ' reclaiming collections');
  return parts.join(' · ');
}

function stackList(title, stacks, weighted) {
  if (!stacks || stacks.length === 0) return el('p', { class: 'hint' }, title + ': none sampled.');
  return el('div', { class: 'stack' }, el('h4', {}, title),
    ...stacks.map((st) => el('div', {},
      el('p', { class: 'hint' }, count(st.samples) + ' samples' + (weighted && st.weightBytes ? ', ' + bytes(st.weightBytes) + ' allocated' : '')),
      el('pre', {}, (st.frames || []).slice(0, 40).join('\n') || '(no frames)'))));
}

const MAX_TREE_NODES = 400;

/** The merged reference tree as nested lists, each node with its sample count. */
function refTree(root) {
  let budget = MAX_TREE_NODES;
  const item = (n) => {
    budget--;
    const li = el('li', { 'data-count': n.count }, el('span', { class: 'count' }, count(n.count)), ' × ', n.label);
    const kids = [];
    for (const child of n.children || []) {
      if (budget <= 0) { kids.push(el('li', { class: 'hint' }, '…')); break; }
      kids.push(item(child));
    }
    if (kids.length > 0) li.append(el('ul', {}, ...kids));
    return li;
  };
  return el('ul', { class: 'tree', 'aria-label': 'Reference chains to GC roots' }, item(root));
}

function renderAttribution(body) {
  const classes = Array.isArray(body.classes) ? body.classes : [];
  const header = el('p', { class: 'hint', id: 'attribution-summary' }, count(body.snapshots) + ' JFR snapshots in the range (',
    dateTime(body.from), ' – ', dateTime(body.to), ') against ', count(body.baselineSnapshots), ' in the baseline (',
    dateTime(body.baselineFrom), ' – ', dateTime(body.baselineTo), ').');
  if (!body.snapshots) {
    return [header, stateBox('empty', 'No JFR snapshot ended in this range. The agent records one every 10 minutes when jfr.enabled is set; widen the range.')];
  }
  if (classes.length === 0) {
    return [header, stateBox('empty', 'No class holds more of the old generation than in the baseline.')];
  }
  const pct = (v) => (v == null ? '–' : (v * 100).toFixed(1) + ' %');
  const rows = classes.map((c) => el('tr', { 'data-class': c.className },
    el('td', {}, el('code', {}, c.className), c.newSinceBaseline ? ' (new)' : ''),
    el('td', { class: 'num' }, count(c.samples)),
    el('td', { class: 'num' }, count(c.perSnapshot)),
    el('td', { class: 'num' }, count(c.baselinePerSnapshot)),
    el('td', { class: 'num' }, (c.growthPerSnapshot > 0 ? '+' : '') + count(c.growthPerSnapshot)),
    el('td', { class: 'num' }, pct(c.share)),
    el('td', { class: 'num' }, pct(c.baselineShare))));
  const details = classes.slice(0, 10).map((c, i) => el('details', { class: 'attr-class', open: i === 0 },
    el('summary', {}, el('code', {}, c.className), ' — ', count(c.samples), ' old-object samples'),
    el('h4', {}, 'Reference chains to GC roots'),
    c.referenceTree ? refTree(c.referenceTree) : el('p', { class: 'hint' }, 'No reference chain recorded.'),
    stackList('Top allocation stacks (allocation samples)', c.allocationStacks, true),
    stackList('Where the old objects were allocated', c.oldObjectStacks, false)));
  return [header,
    table(['Class', '#Old samples', '#Per snapshot', '#Before', '#Growth', '#Share', '#Share before'], rows, { id: 'attribution-classes' }),
    ...details];
}

export function mountInstance(root, state, navigate) {
  const meta = el('div', { class: 'meta', id: 'instance-meta' }, stateBox('loading', 'Loading instance…'));
  const analysis = el('div', { class: 'panel', id: 'analysis' }, stateBox('loading', 'Loading analysis…'));
  const attribution = el('div', { class: 'panel', id: 'attribution' }, stateBox('loading', 'Loading JFR attribution…'));
  const baseline = el('select', { id: 'baseline' },
    el('option', { value: '' }, 'the same length before the range'),
    ...BASELINES.map((b) => el('option', { value: b }, 'the ' + b + ' before the range')));
  baseline.value = state.baseline || '';
  baseline.addEventListener('change', () => navigate({ ...state, baseline: baseline.value }));
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
    section('What is growing (JFR attribution)', 'attribution-title',
      el('div', { class: 'toolbar' }, el('label', { for: 'baseline' }, 'Compare the old generation now with'), baseline),
      el('p', { class: 'hint' }, 'Classes with more old-object samples per JFR snapshot than in the baseline: what is in the old generation now that was not there before, where it was allocated, and what holds it.'),
      attribution),
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

  const fetchAnalysis = (signal) => getOptional('/api/v1/instances/' + encodeURIComponent(state.id) + '/analysis',
    { window: windowOf(state.range) }, signal);

  async function loadAnalysis(pending, quiet) {
    if (!quiet) analysis.replaceChildren(stateBox('loading', 'Loading analysis…'));
    try {
      const res = await pending;
      if (!res.available) {
        analysis.replaceChildren(stateBox('unavailable', 'Leak analysis is not available yet on this server: ',
          el('code', {}, 'GET /api/v1/instances/{id}/analysis'), ' answered 404. The charts show the raw signals.'));
        return;
      }
      const signals = res.body && Array.isArray(res.body.signals) ? res.body.signals : [];
      if (signals.length === 0) { analysis.replaceChildren(stateBox('empty', 'No signal analysed in this window yet.')); return; }
      analysis.replaceChildren(table(['Signal', 'Verdict', '#Confidence', '#Growth', '#Exhausted in', 'Why'], signals.map((s) => {
        const ev = evidenceText(s);
        return el('tr', { 'data-verdict': s.verdict, 'data-signal': s.signal },
          el('td', {}, s.signal),
          el('td', {}, el('span', { class: 'verdict verdict-' + String(s.verdict).replace(/[^a-z_]/g, '') }, s.verdict)),
          el('td', { class: 'num' }, s.confidence ?? '–'),
          el('td', { class: 'num' }, rate(s.slopePerHour, s.unit)),
          el('td', { class: 'num' }, duration(s.timeToExhaustionSeconds)),
          el('td', { class: 'message' }, s.message || '–', ev ? el('div', { class: 'evidence' }, 'Evidence: ' + ev) : null));
      })));
    } catch (e) {
      if (e.name !== 'AbortError') analysis.replaceChildren(stateBox('error', 'Could not load the analysis: ' + e.message));
    }
  }

  async function loadAttribution(signal, quiet) {
    if (!quiet) attribution.replaceChildren(stateBox('loading', 'Loading JFR attribution…'));
    const params = { ...apiRange(state.range) };
    if (state.baseline) params.baseline = state.baseline;
    try {
      const res = await getOptional('/api/v1/instances/' + encodeURIComponent(state.id) + '/attribution', params, signal);
      if (!res.available) {
        attribution.replaceChildren(stateBox('unavailable', 'JFR attribution is not available on this server: ',
          el('code', {}, 'GET /api/v1/instances/{id}/attribution'), ' answered 404.'));
        return;
      }
      attribution.replaceChildren(...renderAttribution(res.body || {}));
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e instanceof ApiError && e.status === 404) {
        attribution.replaceChildren(stateBox('empty', 'No JFR recording from this instance yet. Attribution comes from the agent\'s JFR leak recordings: start the collector with ',
          el('code', {}, 'jfr.enabled=true'), ' and it ships an old-object recording every 10 minutes; the first shows here after that.'));
      } else if (e instanceof ApiError && e.status === 503) {
        attribution.replaceChildren(stateBox('unavailable', 'JFR attribution is not configured on this server.'));
      } else {
        attribution.replaceChildren(stateBox('error', 'Could not load the attribution: ' + e.message));
      }
    }
  }

  async function loadCharts(signal, quiet, pendingAnalysis) {
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
        let lines = c.def.lines(m).filter((l) => l.table[0].length > 0);
        let chartRange = range;
        let note = null;
        if (c.def.id === 'heap' && lines.length > 0) {
          const res = await pendingAnalysis.catch(() => null);
          const f = forecast(res && res.available ? res.body : null, range);
          lines = lines.concat(f.lines);
          chartRange = { from: range.from, to: Math.max(range.to, f.extendTo) };
          note = f.note;
        }
        c.plot?.destroy();
        c.plot = null;
        if (lines.length === 0) {
          c.body.replaceChildren(stateBox('empty', 'No points in this range for ',
            el('code', {}, c.def.metrics.join(', ')), '. The agent sends them every 10 s; widen the range if the instance stopped.'));
        } else {
          const target = el('div', { class: 'plot' });
          c.body.replaceChildren(target);
          c.plot = drawChart(target, { title: '', lines, units: c.def.units, range: chartRange, onZoom });
          if (note) c.body.append(note);
          if (responses.some((r) => r.truncated)) c.body.append(el('p', { class: 'hint' }, 'Only the first points are shown; narrow the range.'));
        }
      } catch (e) {
        if (e.name !== 'AbortError') c.body.replaceChildren(stateBox('error', 'Could not load ' + c.def.title.toLowerCase() + ': ' + e.message));
      } finally {
        c.card.setAttribute('aria-busy', 'false');
      }
    }));
  }

  const refresh = (signal, quiet) => {
    const pending = fetchAnalysis(signal);
    pending.catch(() => { /* loadAnalysis shows the failure */ });
    return Promise.all([loadMeta(signal), loadAnalysis(pending, quiet), loadCharts(signal, quiet, pending),
      loadAttribution(signal, quiet)]);
  };
  const destroy = () => { observer.disconnect(); cards.forEach((c) => c.plot?.destroy()); };
  return { title: state.id, refresh, destroy };
}
