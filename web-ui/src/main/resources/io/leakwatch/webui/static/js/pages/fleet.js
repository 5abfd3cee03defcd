// Fleet: every service seen in the range (from /api/v1/instances) with its instances, suspects by verdict and
// worst time to exhaustion (from /api/v1/leaks), a sparkline of its summed heap live set, sortable and filtered by
// text and environment (the filter shows only when instances or suspects carry an environment); then the suspects.
import { getJson } from '../api.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, bytes, duration } from '../format.js';
import { apiRange, formatHash, linkTo, resolveRange } from '../route.js';
import { leaksPanel } from './leaks.js';

const AFTER_GC = 'jvm.memory.used_after_last_gc';
/** Sparklines: instances summed per service, services drawn, and time buckets. Bounded so a big fleet stays cheap. */
const SPARK_INSTANCES = 8;
const SPARK_SERVICES = 40;
const SPARK_BUCKETS = 48;
/** Verdicts from most to least severe, as the suspects column lists them. */
const VERDICTS = ['leak', 'growing', 'growing_unconfirmed', 'suspect'];
const COLUMNS = [
  { key: 'service', label: 'Service' }, { key: null, label: 'Versions' }, { key: 'instances', label: '#Instances' },
  { key: null, label: 'Environments' }, { key: 'suspects', label: 'Suspects' }, { key: 'exhaustion', label: '#Worst exhaustion' },
  { key: null, label: 'Heap live set (sum)' }, { key: null, label: 'Last seen' }];

/** Per service: versions, instances, environments and last report, from the instances list. */
export function groupServices(instances) {
  const groups = new Map();
  for (const i of instances) {
    const g = groups.get(i.service) || { service: i.service, versions: new Set(), instances: [], environments: new Set(),
      lastSeen: 0, suspects: new Map(), worstTte: null };
    if (i.version) g.versions.add(i.version);
    g.instances.push(i);
    if (i.environment) g.environments.add(i.environment);
    g.lastSeen = Math.max(g.lastSeen, Date.parse(i.lastSeen) || 0);
    groups.set(i.service, g);
  }
  return [...groups.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** Adds each service's suspects (count per verdict, shortest time to exhaustion) from /api/v1/leaks items. */
export function addSuspects(groups, suspects) {
  const byService = new Map(groups.map((g) => [g.service, g]));
  for (const s of suspects) {
    const g = byService.get(s.service);
    if (!g) continue;
    g.suspects.set(s.verdict, (g.suspects.get(s.verdict) || 0) + 1);
    if (s.timeToExhaustionSeconds != null && (g.worstTte == null || s.timeToExhaustionSeconds < g.worstTte)) g.worstTte = s.timeToExhaustionSeconds;
  }
  return groups;
}

/** A rank for sorting by suspects: leaks first, then the other verdicts, by count. */
function suspectRank(g) {
  return VERDICTS.reduce((acc, v, i) => acc + (g.suspects.get(v) || 0) * 1000 ** (VERDICTS.length - i), 0)
    + [...g.suspects.entries()].filter(([v]) => !VERDICTS.includes(v)).reduce((a, [, n]) => a + n, 0);
}

const SORTS = {
  service: (a, b) => a.service.localeCompare(b.service),
  instances: (a, b) => a.instances.length - b.instances.length,
  suspects: (a, b) => suspectRank(a) - suspectRank(b),
  // Unknown (no forecast) sorts as the longest time.
  exhaustion: (a, b) => (a.worstTte ?? Infinity) - (b.worstTte ?? Infinity),
};

/** Bucketed sum over instances of each instance's latest value per bucket, carried forward over empty buckets. */
export function sumInstances(perInstance, from, to, buckets = SPARK_BUCKETS) {
  const width = (to - from) / buckets;
  const xs = [];
  const ys = [];
  const last = perInstance.map(() => null);
  const cursor = perInstance.map(() => 0);
  for (let b = 0; b < buckets; b++) {
    const end = from + (b + 1) * width;
    let sum = null;
    perInstance.forEach((pts, i) => {
      while (cursor[i] < pts.length && pts[cursor[i]][0] < end) { last[i] = pts[cursor[i]][1]; cursor[i]++; }
      if (last[i] != null) sum = (sum || 0) + last[i];
    });
    xs.push(Math.round(end / 1000));
    ys.push(sum);
  }
  return [xs, ys];
}

export function mountFleet(root, state) {
  const leaks = leaksPanel(state, null);
  const box = el('div', { class: 'panel', id: 'services', 'aria-busy': 'true' }, stateBox('loading', 'Loading services…'));
  const filter = el('input', { type: 'search', id: 'filter', placeholder: 'service or version', value: state.q, maxlength: '100' });
  const envSelect = el('select', { id: 'env-filter' });
  const envLabel = el('label', { class: 'filter', id: 'env-filter-label', hidden: true }, 'Environment ', envSelect);
  let groups = [];
  let suspects = [];
  let sort = state.sort || 'service';
  let chosenEnv = state.env;
  const sparkCache = new Map();
  let sparkPlots = [];

  const keep = () => history.replaceState(null, '', formatHash({ ...state, q: filter.value.trim(), env: envSelect.value,
    sort: sort === 'service' ? '' : sort }));

  function environments() {
    const envs = new Set();
    for (const g of groups) g.environments.forEach((e) => envs.add(e));
    for (const s of suspects) if (s.environment) envs.add(s.environment);
    return [...envs].sort();
  }

  function renderEnvFilter() {
    const envs = environments();
    envSelect.replaceChildren(el('option', { value: '' }, 'all'), ...envs.map((e) => el('option', { value: e }, e)));
    envSelect.value = envs.includes(chosenEnv) ? chosenEnv : '';
    // No environment known anywhere: the filter would offer nothing, so it is not shown.
    envLabel.hidden = envs.length === 0;
  }

  function header(c) {
    if (!c.key) return el('th', { scope: 'col', class: c.label.startsWith('#') ? 'num' : null }, c.label.replace(/^#/, ''));
    const active = sort.replace(/^-/, '') === c.key;
    const descending = sort.startsWith('-');
    const button = el('button', { type: 'button', class: 'sort', 'data-sort': c.key },
      c.label.replace(/^#/, ''), active ? (descending ? ' ▼' : ' ▲') : '');
    button.addEventListener('click', () => {
      sort = active && !descending ? '-' + c.key : c.key;
      keep();
      renderGroups();
    });
    return el('th', { scope: 'col', class: c.label.startsWith('#') ? 'num' : null,
      'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none' }, button);
  }

  function renderGroups() {
    sparkPlots.forEach((p) => p.destroy());
    sparkPlots = [];
    const q = filter.value.trim().toLowerCase();
    const env = envSelect.value;
    const inEnv = (g) => !env || g.environments.has(env);
    const shown = groups.filter((g) => inEnv(g) && (!q || g.service.toLowerCase().includes(q)
      || [...g.versions].some((v) => v.toLowerCase().includes(q))));
    if (groups.length === 0) return box.replaceChildren(attachAgentHint());
    if (shown.length === 0) return box.replaceChildren(stateBox('empty', 'No service matches “' + filter.value + '”'
      + (env ? ' in ' + env : '') + '.'));
    const key = sort.replace(/^-/, '');
    const sign = sort.startsWith('-') ? -1 : 1;
    const sorted = shown.slice().sort((a, b) => sign * SORTS[key](a, b) || a.service.localeCompare(b.service));
    const rows = sorted.map((g, index) => {
      const spark = el('div', { class: 'spark', 'data-spark': g.service });
      const suspectText = VERDICTS.filter((v) => g.suspects.get(v)).map((v) => g.suspects.get(v) + ' ' + v)
        .concat([...g.suspects.entries()].filter(([v]) => !VERDICTS.includes(v)).map(([v, n]) => n + ' ' + v));
      const row = el('tr', { 'data-service': g.service, class: g.suspects.get('leak') ? 'leaking' : null },
        el('td', {}, el('a', { href: linkTo(state, 'service', g.service) }, g.service)),
        el('td', {}, [...g.versions].sort().reverse().join(', ') || '–'),
        el('td', { class: 'num' }, g.instances.length),
        el('td', {}, [...g.environments].sort().join(', ') || '–'),
        el('td', {}, suspectText.join(' · ') || 'none'),
        el('td', { class: 'num' }, g.worstTte == null ? '–' : duration(g.worstTte)),
        el('td', {}, spark),
        el('td', { title: new Date(g.lastSeen).toISOString() }, ago(g.lastSeen)));
      if (index < SPARK_SERVICES) queueMicrotask(() => sparkline(g, spark));
      return row;
    });
    box.replaceChildren(table(COLUMNS.map(header), rows));
  }

  /** The service's heap live set (after-GC heap, summed over up to SPARK_INSTANCES instances) as a tiny uPlot. */
  async function sparkline(g, target) {
    const r = resolveRange(state.range);
    const ids = g.instances.slice(0, SPARK_INSTANCES).map((i) => i.instance);
    const cacheKey = g.service + '|' + ids.join(',');
    try {
      let data = sparkCache.get(cacheKey);
      if (!data) {
        const responses = await Promise.all(ids.map((id) => getJson('/api/v1/series',
          { instance: id, metric: AFTER_GC, 'attr.jvm.memory.type': 'heap', ...apiRange(state.range), limit: 20000 })));
        const perInstance = responses.map((res) => {
          const sums = new Map();
          for (const s of res.series || []) for (const [t, v] of s.points) if (v != null) sums.set(t, (sums.get(t) || 0) + v);
          return [...sums.entries()].sort((a, b) => a[0] - b[0]);
        });
        data = sumInstances(perInstance, r.from, r.to);
        sparkCache.set(cacheKey, data);
      }
      if (!target.isConnected) return;
      const latest = [...data[1]].reverse().find((v) => v != null);
      if (latest == null) { target.replaceChildren(el('span', { class: 'hint' }, 'no after-GC points')); return; }
      target.title = 'Heap after GC, summed over ' + ids.length + (g.instances.length > ids.length ? ' of ' + g.instances.length : '')
        + ' instances; latest ' + bytes(latest);
      target.setAttribute('aria-label', target.title);
      const color = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#0b62d6';
      sparkPlots.push(new uPlot({ width: 140, height: 32, pxAlign: false, cursor: { show: false }, legend: { show: false },
        select: { show: false }, axes: [{ show: false }, { show: false }],
        scales: { x: { time: false }, y: { auto: true } },
        series: [{}, { stroke: color, width: 1.5, spanGaps: true, points: { show: false } }] }, data, target));
    } catch (e) {
      if (e.name !== 'AbortError' && target.isConnected) target.replaceChildren(el('span', { class: 'hint', title: e.message }, 'unavailable'));
    }
  }

  filter.addEventListener('input', () => {
    // The filters and the sort join the URL without a reload, so the link shared is the view seen.
    keep();
    renderGroups();
  });
  envSelect.addEventListener('change', () => { chosenEnv = envSelect.value; keep(); renderGroups(); });

  /** leaksBody: the suspects panel's answer (one /api/v1/leaks call serves both panels). */
  async function loadServices(signal, quiet, leaksBody) {
    if (!quiet) box.replaceChildren(stateBox('loading', 'Loading services…'));
    box.setAttribute('aria-busy', 'true');
    try {
      const [instances, body] = await Promise.all([
        getJson('/api/v1/instances', { ...apiRange(state.range), limit: 5000 }, signal), leaksBody]);
      suspects = Array.isArray(body) ? body : (body && Array.isArray(body.items) ? body.items : []);
      groups = addSuspects(groupServices(instances), suspects);
      sparkCache.clear();
      renderEnvFilter();
      renderGroups();
    } catch (e) {
      if (e.name !== 'AbortError') box.replaceChildren(stateBox('error', 'Could not load instances: ' + e.message));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  root.replaceChildren(
    el('h1', { tabindex: '-1' }, 'Fleet'),
    section('Leak suspects', 'leaks-title', leaks.node),
    section('Services', 'services-title',
      el('div', { class: 'toolbar' }, el('label', { class: 'filter' }, 'Filter ', filter), envLabel), box));
  const refresh = (signal, quiet) => {
    const suspectsLoaded = leaks.load(signal, quiet);
    return Promise.all([loadServices(signal, quiet, suspectsLoaded), suspectsLoaded]);
  };
  return { title: 'Fleet', refresh };
}
