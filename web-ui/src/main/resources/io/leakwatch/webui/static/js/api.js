// Reads /api/v1 on the page's own origin. Every failure becomes an ApiError carrying the server's detail.

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

export async function getJson(path, params, signal) {
  const query = params ? '?' + new URLSearchParams(params).toString() : '';
  let res;
  try {
    res = await fetch(path + query, { headers: { Accept: 'application/json' }, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'LeakWatch did not answer (' + e.message + ')');
  }
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON: the status says enough */ }
  if (!res.ok) {
    const detail = body && typeof body.detail === 'string' ? body.detail : res.status + ' ' + res.statusText;
    throw new ApiError(res.status, body && body.error, detail);
  }
  return body;
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
