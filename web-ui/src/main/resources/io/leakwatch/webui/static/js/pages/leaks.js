// The ranked suspects list from /api/v1/leaks, shown on the fleet and service pages. The endpoint is
// built separately; until it exists the panel says so instead of failing.
import { getOptional } from '../api.js';
import { el, stateBox, table } from '../dom.js';
import { ago, duration, rate } from '../format.js';
import { linkTo, windowOf } from '../route.js';

export function leaksPanel(state, service) {
  const box = el('div', { class: 'panel', id: 'leaks', 'aria-busy': 'true' }, stateBox('loading', 'Loading suspects…'));
  // The last answer's body (null when unavailable or failed), returned by load for pages that also summarise it.
  let last = null;
  async function load(signal, quiet) {
    if (!quiet) box.replaceChildren(stateBox('loading', 'Loading suspects…'));
    box.setAttribute('aria-busy', 'true');
    last = null;
    const params = { window: windowOf(state.range) };
    if (service) params.service = service;
    try {
      const res = await getOptional('/api/v1/leaks', params, signal);
      last = res.available ? res.body : null;
      box.replaceChildren(res.available ? render(state, res.body)
        : stateBox('unavailable', 'Leak analysis is not available yet on this server: ',
          el('code', {}, 'GET /api/v1/leaks'), ' answered 404. Open an instance to chart its raw memory signals.'));
    } catch (e) {
      if (e.name === 'AbortError') return;
      box.replaceChildren(stateBox('error', 'Could not load suspects: ' + e.message));
    } finally {
      box.setAttribute('aria-busy', 'false');
    }
    return last;
  }
  return { node: box, load };
}

function render(state, body) {
  const items = Array.isArray(body) ? body : (body && Array.isArray(body.items) ? body.items : []);
  if (items.length === 0) return stateBox('empty', 'No leak suspects in this window. Every analysed signal looks flat.');
  const rows = items.map((it) => el('tr', { 'data-verdict': it.verdict },
    el('td', {}, el('a', { href: linkTo(state, 'service', it.service) }, it.service)),
    el('td', {}, it.version || '–'),
    el('td', {}, it.instance ? el('a', { href: linkTo(state, 'instance', it.instance) }, it.instance) : 'all instances'),
    el('td', {}, it.signal),
    el('td', {}, el('span', { class: 'verdict verdict-' + String(it.verdict).replace(/[^a-z_]/g, '') }, it.verdict)),
    el('td', { class: 'num' }, it.confidence ?? '–'),
    el('td', { class: 'num' }, rate(it.slopePerHour, it.unit)),
    el('td', { class: 'num' }, duration(it.timeToExhaustionSeconds)),
    el('td', { title: it.since || '' }, it.since ? ago(it.since) : '–')));
  return table(['Service', 'Version', 'Instance', 'Signal', 'Verdict', '#Confidence', '#Growth', '#Exhausted in', 'Since'], rows);
}
