// Reads tiercart's admin API with an App Bridge session token: a fresh token for every request
// (they live one minute), and one retry with a new token when the server answers 401 with
// X-Shopify-Retry-Invalid-Session-Request, as App Bridge's own fetch does (SHOPIFY.md section 8).

export class AdminRequestError extends Error {
  constructor(message, { status = 0, code = '', path = '' } = {}) {
    super(message);
    this.name = 'AdminRequestError';
    this.status = status;
    this.code = code;
    this.path = path; // the field the server's error names ("candidate", "split"), if any
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

// The same for a POST: an action (send a write again), or, with `json`, a document sent as
// JSON (start an A/B test).
export function adminPost(path, options = {}) {
  return adminRequest('POST', path, options);
}

async function adminRequest(method, path, { idToken, signal, json } = {}) {
  const body = json === undefined ? undefined : JSON.stringify(json);
  for (let attempt = 0; ; attempt += 1) {
    const token = await sessionToken(idToken);
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body,
        signal,
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw new AdminRequestError('', { code: 'network' });
    }
    if (res.status === 401 && res.headers.has('X-Shopify-Retry-Invalid-Session-Request') && attempt === 0) continue;
    const answer = await res.json().catch(() => null);
    if (!res.ok) {
      const code = res.status === 401 ? 'no_session' : answer?.error?.code || '';
      const field = String(answer?.error?.path || '');
      throw new AdminRequestError(answer?.error?.message || '', { status: res.status, code, path: field });
    }
    return answer;
  }
}

// POSTs `body` (a File) to `path` with XMLHttpRequest, whose upload reports progress as
// fetch's does not: onProgress(sent, total) as the bytes go, and once more with total == sent
// when the last byte is sent. Same token, retry and errors as adminGet; `signal` aborts.
export async function adminUpload(path, body, { idToken, signal, contentType, onProgress } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const token = await sessionToken(idToken);
    const res = await send(path, body, token, { signal, contentType, onProgress });
    if (res.status === 401 && res.retry && attempt === 0) continue;
    if (res.status < 200 || res.status > 299) {
      const code = res.status === 401 ? 'no_session' : res.body?.error?.code || '';
      const field = String(res.body?.error?.path || '');
      throw new AdminRequestError(res.body?.error?.message || '', { status: res.status, code, path: field });
    }
    return res.body;
  }
}

function send(path, body, token, { signal, contentType, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    const total = body?.size ?? 0;
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : total);
    xhr.upload.onload = () => onProgress?.(total, total);
    xhr.onload = () => {
      let parsed = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status says enough
      }
      resolve({
        status: xhr.status,
        retry: xhr.getResponseHeader('X-Shopify-Retry-Invalid-Session-Request') !== null,
        body: parsed,
      });
    };
    // A refused upload (413 before the body is read) can end the connection mid-body: the
    // browser then reports a network error, not the answer.
    xhr.onerror = () => reject(new AdminRequestError('', { code: 'network' }));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal) {
      if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(body);
  });
}
