// LeakWatch UI: instances from /api/v1/instances; for the chosen one, heap-after-GC per pool.
// The URL hash holds the state (#instance=…&range=…) so a link opens the same view.
'use strict';

const HEAP_AFTER_GC = 'jvm.memory.used_after_last_gc';
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ''));
  return node;
}

function readState() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { instance: p.get('instance'), range: p.get('range') || 'now-1h' };
}

function writeState(state) {
  const p = new URLSearchParams();
  if (state.instance) p.set('instance', state.instance);
  if (state.range && state.range !== 'now-1h') p.set('range', state.range);
  const hash = p.toString();
  if (location.hash.slice(1) !== hash) location.hash = hash;
  else render();
}

async function getJson(path, params) {
  const url = path + '?' + new URLSearchParams(params).toString();
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON: reported below */ }
  if (!res.ok) {
    const detail = body && body.detail ? body.detail : res.status + ' ' + res.statusText;
    throw new Error(detail);
  }
  return body;
}

function showState(container, cls, text) {
  container.replaceChildren(el('div', { class: cls, role: cls === 'error' ? 'alert' : 'status' }, text));
}

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 90) return s + ' s ago';
  if (s < 5400) return Math.round(s / 60) + ' min ago';
  if (s < 172800) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

function bytes(v) {
  if (v === null || v === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return (v < 0 ? '-' : '') + x.toFixed(i === 0 ? 0 : 1) + ' ' + units[i];
}

function sparkline(points, width = 240, height = 36) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const pts = points.filter((p) => p[1] !== null);
  svg.setAttribute('aria-label', `${pts.length} points`);
  if (pts.length < 2) return svg;
  const t0 = pts[0][0], t1 = pts[pts.length - 1][0];
  const vs = pts.map((p) => p[1]);
  const lo = Math.min(...vs), hi = Math.max(...vs);
  const x = (t) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (width - 2) + 1);
  const y = (v) => (hi === lo ? height / 2 : height - 1 - ((v - lo) / (hi - lo)) * (height - 2));
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', pts.map((p) => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' '));
  svg.append(line);
  return svg;
}

async function renderInstances(state) {
  const box = $('instances');
  showState(box, 'state', 'Loading instances…');
  let list;
  try {
    list = await getJson('/api/v1/instances', { from: state.range, to: 'now' });
  } catch (e) {
    showState(box, 'error', 'Could not load instances: ' + e.message);
    return;
  }
  if (list.length === 0) {
    box.replaceChildren($('empty-instances').content.cloneNode(true));
    return;
  }
  const head = el('tr', {}, el('th', {}, 'Service'), el('th', {}, 'Version'), el('th', {}, 'Instance'),
    el('th', {}, 'Host'), el('th', {}, 'Last seen'), el('th', { class: 'num' }, 'Points'));
  const rows = list.map((i) => {
    const link = el('a', { href: '#' + new URLSearchParams({ instance: i.instance }).toString() }, i.instance);
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      writeState({ ...readState(), instance: i.instance });
    });
    const tr = el('tr', {}, el('td', {}, i.service), el('td', {}, i.version || '–'), el('td', {}, link),
      el('td', {}, i.host || '–'), el('td', { title: i.lastSeen }, ago(i.lastSeen)),
      el('td', { class: 'num' }, i.points));
    if (i.instance === state.instance) tr.classList.add('selected');
    return tr;
  });
  box.replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
}

async function renderDetail(state) {
  const section = $('detail-section');
  const box = $('detail');
  if (!state.instance) { section.hidden = true; return; }
  section.hidden = false;
  $('detail-title').textContent = 'Heap after GC — ' + state.instance;
  showState(box, 'state', 'Loading series…');
  let body;
  try {
    body = await getJson('/api/v1/series',
      { instance: state.instance, metric: HEAP_AFTER_GC, from: state.range, to: 'now' });
  } catch (e) {
    showState(box, 'error', 'Could not load series: ' + e.message);
    return;
  }
  if (body.series.length === 0) {
    showState(box, 'state', 'No heap-after-GC points for this instance in this range yet. '
      + 'They appear after the first garbage collection; widen the range if the instance stopped.');
    return;
  }
  const head = el('tr', {}, el('th', {}, 'Pool'), el('th', {}, 'Type'), el('th', { class: 'num' }, 'Latest'),
    el('th', { class: 'num' }, 'Min'), el('th', { class: 'num' }, 'Max'), el('th', {}, 'Trend'),
    el('th', { class: 'num' }, 'Points'));
  const rows = body.series.map((s) => {
    const vs = s.points.map((p) => p[1]).filter((v) => v !== null);
    const latest = vs.length ? vs[vs.length - 1] : null;
    return el('tr', {},
      el('td', {}, s.attributes['jvm.memory.pool.name'] || JSON.stringify(s.attributes)),
      el('td', {}, s.attributes['jvm.memory.type'] || '–'),
      el('td', { class: 'num' }, bytes(latest)),
      el('td', { class: 'num' }, bytes(vs.length ? Math.min(...vs) : null)),
      el('td', { class: 'num' }, bytes(vs.length ? Math.max(...vs) : null)),
      el('td', {}, sparkline(s.points)),
      el('td', { class: 'num' }, s.points.length));
  });
  const table = el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows));
  box.replaceChildren(table);
  if (body.truncated) box.append(el('p', { class: 'state' }, 'Showing the first points only; narrow the range.'));
}

function render() {
  const state = readState();
  $('range').value = state.range;
  renderInstances(state);
  renderDetail(state);
}

document.addEventListener('DOMContentLoaded', () => {
  $('range').addEventListener('change', (ev) => writeState({ ...readState(), range: ev.target.value }));
  $('refresh').addEventListener('click', render);
  window.addEventListener('hashchange', render);
  render();
});
