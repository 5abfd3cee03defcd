// The URL hash holds the whole view, so a link pasted in a chat opens the same page, range and filter:
//   #/                         fleet          #/service/<name>        #/instance/<service.instance.id>
//   #/alerts                   alerts, silences, rules and channels
// with ?range=15m|1h|6h|24h|7d, or ?from=<epoch ms>&to=<epoch ms>, and optionally &refresh=30s and &q=<filter>.

export const RELATIVE_RANGES = ['15m', '1h', '6h', '24h', '7d'];
const DEFAULT_RANGE = '1h';
const SPAN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_ID = 256;
/** Attribution baselines: a window before the range ('' = as long as the range). */
export const BASELINES = ['1h', '6h', '24h', '7d'];

function decode(part) {
  try { return decodeURIComponent(part).slice(0, MAX_ID); } catch (_) { return null; }
}

export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const qi = raw.indexOf('?');
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
  const parts = path.split('/').filter(Boolean);
  let page = 'fleet';
  let id = null;
  if ((parts[0] === 'service' || parts[0] === 'instance') && parts.length === 2) {
    id = decode(parts[1]);
    if (id) page = parts[0];
  } else if (parts[0] === 'alerts' && parts.length === 1) {
    page = 'alerts';
  }
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  let range;
  if (params.has('from') && params.has('to') && Number.isSafeInteger(from) && Number.isSafeInteger(to) && from < to) {
    range = { kind: 'absolute', from, to };
  } else {
    const r = params.get('range');
    range = { kind: 'relative', span: RELATIVE_RANGES.includes(r) ? r : DEFAULT_RANGE };
  }
  const baseline = params.get('baseline');
  const sort = params.get('sort') || '';
  return { page, id, range, refresh: params.get('refresh') === '30s', q: (params.get('q') || '').slice(0, 100),
    baseline: BASELINES.includes(baseline) ? baseline : '', env: (params.get('env') || '').slice(0, 100),
    sort: /^-?(service|instances|suspects|exhaustion)$/.test(sort) ? sort : '' };
}

export function formatHash(state) {
  let path = '/';
  if (state.page === 'service' || state.page === 'instance') path = '/' + state.page + '/' + encodeURIComponent(state.id);
  if (state.page === 'alerts') path = '/alerts';
  const params = new URLSearchParams();
  if (state.range.kind === 'absolute') {
    params.set('from', String(state.range.from));
    params.set('to', String(state.range.to));
  } else if (state.range.span !== DEFAULT_RANGE) {
    params.set('range', state.range.span);
  }
  if (state.refresh) params.set('refresh', '30s');
  if (state.q) params.set('q', state.q);
  if (state.env && state.page === 'fleet') params.set('env', state.env);
  if (state.sort && state.page === 'fleet') params.set('sort', state.sort);
  if (state.baseline && state.page === 'instance') params.set('baseline', state.baseline);
  const query = params.toString();
  return '#' + path + (query ? '?' + query : '');
}

/** Link to another page keeping the time range and refresh setting. */
export function linkTo(state, page, id) {
  return formatHash({ ...state, page, id, q: '', baseline: '', env: '', sort: '' });
}

function spanMs(span) {
  return Number(span.slice(0, -1)) * SPAN_MS[span.slice(-1)];
}

/** The range as the API's from/to parameters. */
export function apiRange(range) {
  return range.kind === 'absolute'
    ? { from: String(range.from), to: String(range.to) }
    : { from: 'now-' + range.span, to: 'now' };
}

/** The range in epoch milliseconds, resolved against now. */
export function resolveRange(range, now = Date.now()) {
  return range.kind === 'absolute' ? { from: range.from, to: range.to } : { from: now - spanMs(range.span), to: now };
}

/** The range as an analysis window (30m, 6h, 7d). */
export function windowOf(range) {
  if (range.kind === 'relative') return range.span;
  return Math.max(1, Math.round((range.to - range.from) / 60_000)) + 'm';
}

export function describeRange(range) {
  if (range.kind === 'relative') return 'last ' + range.span;
  return new Date(range.from).toLocaleString('en-GB') + ' – ' + new Date(range.to).toLocaleString('en-GB');
}
