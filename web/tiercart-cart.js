// The AJAX Cart API, one request at a time. Every cart change the storefront makes (the
// shopper's clicks and the gift lines the core asks for) runs through one CartQueue, so two
// changes never race and a gift is added or removed exactly once, however fast the clicks.

export class CartRequestError extends Error {
  // status: the HTTP status, 0 for a network failure. description: the store's own error text
  // (Shopify's `description`, else its `message`), null when the store gave none.
  constructor(status, description) {
    super(description || `cart request failed (${status})`);
    this.name = 'CartRequestError';
    this.status = status;
    this.description = description;
  }
}

const REQUEST_TIMEOUT_MS = 15000;

// The shop's locale-aware root (Shopify.routes.root), always ending in "/".
export function routesRoot() {
  const root = window.Shopify?.routes?.root || '/';
  return root.endsWith('/') ? root : `${root}/`;
}

// GET when body is undefined, POST JSON otherwise. Resolves with the parsed answer.
export async function cartRequest(path, body) {
  let response;
  try {
    response = await fetch(routesRoot() + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      // A request that hangs would hold the queue: give up and report it as a network failure.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new CartRequestError(0, null);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const text =
      data &&
      (typeof data.description === 'string'
        ? data.description
        : typeof data.message === 'string'
          ? data.message
          : null);
    throw new CartRequestError(response.status, text);
  }
  if (data === null) throw new CartRequestError(response.status, null);
  return data;
}

// A promise chain: each task starts when the previous one has settled.
export class CartQueue {
  #tail = Promise.resolve();
  #waiting = 0;

  // How many tasks are queued behind the running one.
  get waiting() {
    return this.#waiting;
  }

  run(task) {
    this.#waiting += 1;
    const result = this.#tail.then(() => {
      this.#waiting -= 1;
      return task();
    });
    this.#tail = result.catch(() => {});
    return result;
  }

  // Resolves once every task queued so far has settled.
  idle() {
    return this.#tail;
  }
}
