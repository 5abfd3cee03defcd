// Service: its instances with versions, and its suspects.
import { getJson, getOptional } from '../api.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, count, dateTime } from '../format.js';
import { apiRange, linkTo, windowOf } from '../route.js';
import { leaksPanel } from './leaks.js';

export function mountService(root, state) {
  const leaks = leaksPanel(state, state.id);
  const box = el('div', { class: 'panel', id: 'instances', 'aria-busy': 'true' }, stateBox('loading', 'Loading instances…'));
  const versions = el('div', { class: 'panel', id: 'versions' }, stateBox('loading', 'Loading versions…'));
  let instancesPromise = null;

  /** Instances per version with how many of them leak or grow, newest version first; a bad deploy stands out. */
  async function loadVersions(signal, quiet) {
    if (!quiet) versions.replaceChildren(stateBox('loading', 'Loading versions…'));
    try {
      const [all, res] = await Promise.all([instancesPromise,
        getOptional('/api/v1/leaks', { window: windowOf(state.range), service: state.id, limit: 1000 }, signal)]);
      const mine = all.filter((i) => i.service === state.id);
      if (mine.length === 0) { versions.replaceChildren(stateBox('empty', 'No instance in this range.')); return; }
      const items = res.available ? (Array.isArray(res.body) ? res.body : (res.body.items || [])) : [];
      const byVersion = new Map();
      for (const i of mine) {
        const v = i.version || '–';
        if (!byVersion.has(v)) byVersion.set(v, { version: v, instances: new Set(), leak: new Set(), growing: new Set(), firstSeen: i.firstSeen, service: [] });
        const row = byVersion.get(v);
        row.instances.add(i.instance);
        if (Date.parse(i.firstSeen) < Date.parse(row.firstSeen)) row.firstSeen = i.firstSeen;
      }
      for (const it of items) {
        const row = byVersion.get(it.version || '–');
        if (!row) continue;
        if (!it.instance) { row.service.push(it); continue; }
        if (it.verdict === 'leak') row.leak.add(it.instance);
        else if (it.verdict === 'growing' && !row.leak.has(it.instance)) row.growing.add(it.instance);
      }
      for (const row of byVersion.values()) for (const i of row.leak) row.growing.delete(i);
      const rows = [...byVersion.values()].sort((a, b) => Date.parse(b.firstSeen) - Date.parse(a.firstSeen));
      versions.replaceChildren(table(['Version', '#Instances', '#Leak', '#Growing', '#OK', 'First seen', 'Service-level finding'], rows.map((r) => {
        const bad = r.leak.size * 2 >= r.instances.size && r.leak.size > 0;
        const finding = r.service.map((f) => f.signal + ' ' + f.verdict + (f.since ? ' since ' + dateTime(f.since) : '')).join('; ');
        return el('tr', { class: bad ? 'bad-version' : null, 'data-version': r.version },
          el('td', {}, r.version, bad ? el('span', { class: 'verdict verdict-leak' }, ' leaking') : null),
          el('td', { class: 'num' }, r.instances.size),
          el('td', { class: 'num' }, r.leak.size),
          el('td', { class: 'num' }, r.growing.size),
          el('td', { class: 'num' }, r.instances.size - r.leak.size - r.growing.size),
          el('td', {}, dateTime(r.firstSeen)),
          el('td', {}, finding || (res.available ? '–' : 'analysis not available')));
      })));
    } catch (e) {
      if (e.name !== 'AbortError') versions.replaceChildren(stateBox('error', 'Could not load versions: ' + e.message));
    }
  }

  async function loadInstances(signal, quiet) {
    if (!quiet) box.replaceChildren(stateBox('loading', 'Loading instances…'));
    box.setAttribute('aria-busy', 'true');
    try {
      const all = await instancesPromise;
      const mine = all.filter((i) => i.service === state.id)
        .sort((a, b) => (b.version || '').localeCompare(a.version || '') || a.instance.localeCompare(b.instance));
      if (mine.length === 0) {
        box.replaceChildren(stateBox('empty', 'No instance of ', el('strong', {}, state.id), ' reported in this range.'), attachAgentHint());
        return;
      }
      box.replaceChildren(table(['Instance', 'Version', 'Host', 'Environment', 'First seen', 'Last seen', '#Points'], mine.map((i) =>
        el('tr', {},
          el('td', {}, el('a', { href: linkTo(state, 'instance', i.instance) }, i.instance)),
          el('td', {}, i.version || '–'),
          el('td', {}, i.host || '–'),
          el('td', {}, i.environment || '–'),
          el('td', {}, dateTime(i.firstSeen)),
          el('td', { title: i.lastSeen }, ago(i.lastSeen)),
          el('td', { class: 'num' }, count(i.points))))));
    } catch (e) {
      if (e.name !== 'AbortError') box.replaceChildren(stateBox('error', 'Could not load instances: ' + e.message));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
  }

  root.replaceChildren(
    el('h1', { tabindex: '-1' }, 'Service ', el('span', { class: 'id' }, state.id)),
    section('Growth by version', 'versions-title', el('p', { class: 'hint' },
      'Instances of each version and how many of them leak or grow: a version where most instances leak is a bad deploy.'), versions),
    section('Leak suspects', 'leaks-title', leaks.node),
    section('Instances', 'instances-title', box));
  const refresh = (signal, quiet) => {
    instancesPromise = getJson('/api/v1/instances', { ...apiRange(state.range), limit: 5000 }, signal);
    instancesPromise.catch(() => { /* each panel shows the failure */ });
    return Promise.all([loadInstances(signal, quiet), loadVersions(signal, quiet), leaks.load(signal, quiet)]);
  };
  return { title: state.id, refresh };
}
