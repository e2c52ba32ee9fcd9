// Reads tiercart's admin API with an App Bridge session token: a fresh token for every request
// (they live one minute), and one retry with a new token when the server answers 401 with
// X-Shopify-Retry-Invalid-Session-Request, as App Bridge's own fetch does (SHOPIFY.md section 8).

export class AdminRequestError extends Error {
  constructor(message, { status = 0, code = '' } = {}) {
    super(message);
    this.name = 'AdminRequestError';
    this.status = status;
    this.code = code;
  }
}

// `shopify` is App Bridge's global; tests and other hosts may pass their own idToken.
async function sessionToken(idToken) {
  if (idToken) return idToken();
  if (typeof window.shopify?.idToken !== 'function') throw new AdminRequestError('', { code: 'no_app_bridge' });
  try {
    return await window.shopify.idToken();
  } catch (error) {
    throw new AdminRequestError(error?.message || '', { code: 'no_session' });
  }
}

// The JSON body of GET `path` (same origin as the page); an AdminRequestError otherwise, with
// the server's error code and message when it sent one.
export function adminGet(path, options = {}) {
  return adminRequest('GET', path, options);
}

// The same for a POST without a body (an action: send a write again).
export function adminPost(path, options = {}) {
  return adminRequest('POST', path, options);
}

async function adminRequest(method, path, { idToken, signal } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const token = await sessionToken(idToken);
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal,
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw new AdminRequestError('', { code: 'network' });
    }
    if (res.status === 401 && res.headers.has('X-Shopify-Retry-Invalid-Session-Request') && attempt === 0) continue;
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const code = res.status === 401 ? 'no_session' : body?.error?.code || '';
      throw new AdminRequestError(body?.error?.message || '', { status: res.status, code });
    }
    return body;
  }
}
