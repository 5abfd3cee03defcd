// Reads and writes /api/v1 on the page's own origin. Every failure becomes an ApiError carrying the server's
// detail. When the server has API tokens configured, the operator's token (kept in sessionStorage, so it goes
// away with the tab) is sent as "Authorization: Bearer …" on every call; a 401 asks the page for a token.

const TOKEN_KEY = 'leakwatch.apiToken';
const MAX_TOKEN = 512;

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  /** True when the server has no such endpoint yet (analysis endpoints arrive later than the UI). */
  get endpointMissing() {
    return this.status === 404 && (this.code !== 'not_found' || this.message.startsWith('no endpoint'));
  }
}

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (_) { return ''; }
}

/** Stores the token for this tab; an empty value forgets it. */
export function setToken(token) {
  const t = String(token || '').trim().slice(0, MAX_TOKEN);
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
  } catch (_) { /* storage disabled: the token lasts until the page reloads */ }
  memoryToken = t;
}

let memoryToken = null;
const currentToken = () => (memoryToken !== null ? memoryToken : getToken());

async function request(method, path, params, body, signal) {
  const query = params ? '?' + new URLSearchParams(params).toString() : '';
  const headers = { Accept: 'application/json' };
  const token = currentToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path + query, { method, headers, signal,
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'LeakWatch did not answer (' + e.message + ')');
  }
  let payload = null;
  try { payload = await res.json(); } catch (_) { /* not JSON (or empty): the status says enough */ }
  if (!res.ok) {
    const serverDetail = payload && typeof payload.detail === 'string' ? payload.detail : res.status + ' ' + res.statusText;
    if (res.status === 401) {
      window.dispatchEvent(new CustomEvent('leakwatch:unauthorized', { detail: { hadToken: Boolean(token) } }));
      throw new ApiError(401, 'unauthorized', (token ? 'The API token was not accepted'
        : 'This server needs an API token') + ': enter one under "API token" at the top of the page.');
    }
    if (res.status === 403) {
      throw new ApiError(403, 'forbidden', 'This needs an admin token; the current token is read-only (' + serverDetail + ').');
    }
    throw new ApiError(res.status, payload && payload.error, serverDetail);
  }
  return payload;
}

export function getJson(path, params, signal) {
  return request('GET', path, params, undefined, signal);
}

export function postJson(path, body, signal) {
  return request('POST', path, undefined, body === undefined ? {} : body, signal);
}

export function putJson(path, body, signal) {
  return request('PUT', path, undefined, body, signal);
}

export function deleteJson(path, signal) {
  return request('DELETE', path, undefined, undefined, signal);
}

/**
 * An endpoint that may not exist yet: resolves to {available: false} on a "no endpoint" 404,
 * {available: true, body} otherwise; other failures reject.
 */
export async function getOptional(path, params, signal) {
  try {
    return { available: true, body: await getJson(path, params, signal) };
  } catch (e) {
    if (e instanceof ApiError && e.endpointMissing) return { available: false };
    throw e;
  }
}
