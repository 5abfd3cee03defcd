// LeakWatch UI entry: hash routing, the time range picker and auto-refresh. The pages (js/pages/) read
// /api/v1/instances, /api/v1/series (jvm.memory.used_after_last_gc and the other JVM signals),
// /api/v1/leaks and /api/v1/instances/{id}/analysis.
import { getToken, setToken } from './js/api.js';
import { el } from './js/dom.js';
import { mountAlerts } from './js/pages/alerts.js';
import { mountFleet } from './js/pages/fleet.js';
import { mountInstance } from './js/pages/instance.js';
import { mountService } from './js/pages/service.js';
import { formatHash, linkTo, parseHash, RELATIVE_RANGES, resolveRange } from './js/route.js';

const AUTO_REFRESH_MS = 30_000;
const $ = (id) => document.getElementById(id);

let current = null;   // {page, refresh, destroy, controller}
let timer = null;

function navigate(state) {
  const hash = formatHash(state);
  if (location.hash !== hash) location.hash = hash; else mount();
}

function toLocalInput(ms) {
  const d = new Date(ms);
  return new Date(ms - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function renderControls(state) {
  for (const b of $('ranges').querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(state.range.kind === 'relative' && state.range.span === b.dataset.range));
  }
  const r = resolveRange(state.range);
  $('abs-from').value = toLocalInput(r.from);
  $('abs-to').value = toLocalInput(r.to);
  $('auto-refresh').setAttribute('aria-pressed', String(state.refresh));
  const crumbs = [el('a', { href: linkTo(state, 'fleet', null) }, 'Fleet')];
  if (state.page === 'service') crumbs.push(' › ', el('span', { 'aria-current': 'page' }, state.id));
  if (state.page === 'instance') crumbs.push(' › ', el('span', { 'aria-current': 'page' }, state.id));
  if (state.page === 'alerts') crumbs.push(' › ', el('span', { 'aria-current': 'page' }, 'Alerts'));
  $('crumbs').replaceChildren(...crumbs);
  $('nav-alerts').toggleAttribute('aria-current', state.page === 'alerts');
  if (state.page === 'alerts') $('nav-alerts').setAttribute('aria-current', 'page');
  $('nav-fleet').toggleAttribute('aria-current', state.page === 'fleet');
  if (state.page === 'fleet') $('nav-fleet').setAttribute('aria-current', 'page');
}

/** Runs the page's loads; a newer load aborts the older one so late answers never overwrite. */
function load(quiet) {
  if (!current) return;
  current.controller?.abort();
  current.controller = new AbortController();
  current.refresh(current.controller.signal, quiet).catch((e) => {
    if (e.name !== 'AbortError') console.warn('refresh failed', e);
  });
}

function mount() {
  const state = parseHash(location.hash);
  const samePage = current && current.page === state.page && current.id === state.id;
  current?.controller?.abort();
  current?.destroy?.();
  renderControls(state);
  const root = $('view');
  const page = state.page === 'instance' ? mountInstance(root, state, navigate)
    : state.page === 'service' ? mountService(root, state)
      : state.page === 'alerts' ? mountAlerts(root, state) : mountFleet(root, state);
  current = { ...page, page: state.page, id: state.id };
  document.title = page.title + ' · LeakWatch';
  // Moving to another page puts keyboard focus on its heading; a range change keeps focus where it was.
  if (!samePage && document.activeElement && document.activeElement !== document.body) root.querySelector('h1')?.focus();
  load(false);
  clearInterval(timer);
  timer = state.refresh ? setInterval(() => { if (!document.hidden) load(true); }, AUTO_REFRESH_MS) : null;
}

/** The API token control: a 401 anywhere opens it with a prompt; saving a token reloads the view. */
function setupToken() {
  const box = $('token');
  const input = $('token-input');
  const mark = () => box.setAttribute('data-set', String(Boolean(getToken())));
  mark();
  window.addEventListener('leakwatch:unauthorized', () => {
    $('token-prompt').hidden = false;
    if (!box.open) {
      box.open = true;
      input.focus();
    }
  });
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value);
    input.value = '';
    box.open = false;
    $('token-prompt').hidden = true;
    mark();
    mount();
  });
  $('token-forget').addEventListener('click', () => {
    setToken('');
    input.value = '';
    mark();
    mount();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('ranges').addEventListener('click', (ev) => {
    const span = ev.target.closest('button')?.dataset.range;
    if (span && RELATIVE_RANGES.includes(span)) navigate({ ...parseHash(location.hash), range: { kind: 'relative', span } });
  });
  $('absolute').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = new Date($('abs-from').value).getTime();
    const to = new Date($('abs-to').value).getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
      $('abs-to').setCustomValidity('"To" must be after "From".');
      $('abs-to').reportValidity();
      return;
    }
    $('abs-to').setCustomValidity('');
    navigate({ ...parseHash(location.hash), range: { kind: 'absolute', from, to } });
  });
  $('abs-to').addEventListener('input', () => $('abs-to').setCustomValidity(''));
  $('auto-refresh').addEventListener('click', () => {
    const state = parseHash(location.hash);
    navigate({ ...state, refresh: !state.refresh });
  });
  $('refresh').addEventListener('click', () => load(true));
  setupToken();
  window.addEventListener('hashchange', mount);
  // Chart colours follow the light or dark scheme; redraw when it flips.
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', mount);
  mount();
});
