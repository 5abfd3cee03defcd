// Service: its instances with versions, and its suspects.
import { getJson } from '../api.js';
import { attachAgentHint, el, section, stateBox, table } from '../dom.js';
import { ago, count, dateTime } from '../format.js';
import { apiRange, linkTo } from '../route.js';
import { leaksPanel } from './leaks.js';

export function mountService(root, state) {
  const leaks = leaksPanel(state, state.id);
  const box = el('div', { class: 'panel', id: 'instances', 'aria-busy': 'true' }, stateBox('loading', 'Loading instances…'));

  async function loadInstances(signal, quiet) {
    if (!quiet) box.replaceChildren(stateBox('loading', 'Loading instances…'));
    box.setAttribute('aria-busy', 'true');
    try {
      const all = await getJson('/api/v1/instances', { ...apiRange(state.range), limit: 5000 }, signal);
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
    section('Leak suspects', 'leaks-title', leaks.node),
    section('Instances', 'instances-title', box));
  const refresh = (signal, quiet) => Promise.all([loadInstances(signal, quiet), leaks.load(signal, quiet)]);
  return { title: state.id, refresh };
}
