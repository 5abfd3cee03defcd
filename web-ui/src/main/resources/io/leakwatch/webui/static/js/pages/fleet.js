// Fleet: every service and version seen in the range (derived from /api/v1/instances), and the suspects.
import { getJson } from '../api.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, count } from '../format.js';
import { apiRange, formatHash, linkTo } from '../route.js';
import { leaksPanel } from './leaks.js';

export function groupServices(instances) {
  const groups = new Map();
  for (const i of instances) {
    const key = i.service + '\u0000' + (i.version || '');
    const g = groups.get(key) || { service: i.service, version: i.version || '', instances: 0, environments: new Set(), lastSeen: 0, points: 0 };
    g.instances++;
    if (i.environment) g.environments.add(i.environment);
    g.lastSeen = Math.max(g.lastSeen, Date.parse(i.lastSeen) || 0);
    g.points += i.points || 0;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => a.service.localeCompare(b.service) || b.version.localeCompare(a.version));
}

export function mountFleet(root, state) {
  const leaks = leaksPanel(state, null);
  const box = el('div', { class: 'panel', id: 'services', 'aria-busy': 'true' }, stateBox('loading', 'Loading services…'));
  const filter = el('input', { type: 'search', id: 'filter', placeholder: 'service or version', value: state.q, maxlength: '100' });
  let groups = [];

  function renderGroups() {
    const q = filter.value.trim().toLowerCase();
    const shown = groups.filter((g) => !q || g.service.toLowerCase().includes(q) || g.version.toLowerCase().includes(q));
    if (groups.length === 0) return box.replaceChildren(attachAgentHint());
    if (shown.length === 0) return box.replaceChildren(stateBox('empty', 'No service matches “' + filter.value + '”.'));
    box.replaceChildren(table(['Service', 'Version', '#Instances', 'Environments', 'Last seen', '#Points'], shown.map((g) =>
      el('tr', {},
        el('td', {}, el('a', { href: linkTo(state, 'service', g.service) }, g.service)),
        el('td', {}, g.version || '–'),
        el('td', { class: 'num' }, g.instances),
        el('td', {}, [...g.environments].sort().join(', ') || '–'),
        el('td', { title: new Date(g.lastSeen).toISOString() }, ago(g.lastSeen)),
        el('td', { class: 'num' }, count(g.points))))));
  }

  filter.addEventListener('input', () => {
    // The filter joins the URL without a reload, so the link shared is the view seen.
    history.replaceState(null, '', formatHash({ ...state, q: filter.value.trim() }));
    renderGroups();
  });

  async function loadServices(signal, quiet) {
    if (!quiet) box.replaceChildren(stateBox('loading', 'Loading services…'));
    box.setAttribute('aria-busy', 'true');
    try {
      groups = groupServices(await getJson('/api/v1/instances', { ...apiRange(state.range), limit: 5000 }, signal));
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
    section('Services', 'services-title', el('label', { class: 'filter' }, 'Filter ', filter), box));
  const refresh = (signal, quiet) => Promise.all([loadServices(signal, quiet), leaks.load(signal, quiet)]);
  return { title: 'Fleet', refresh };
}
