// The demo store's checkout path over real HTTP on 127.0.0.1: cart.js line prices and the
// order come from the discount Function's output, and a claim the validation Function
// rejects stops checkout with its message. Nothing in the store itself makes a gift free.

import assert from 'node:assert/strict';
import test from 'node:test';

import { startServer } from '../../demo/server.mjs';

let demo;
test.before(async () => {
  demo = await startServer({ port: 0 });
});
test.after(() => demo.close());

// A shopper: a cookie jar over fetch.
function shopper(cookies = {}) {
  const jar = { ...cookies };
  return async (path, { method = 'GET', json } = {}) => {
    const response = await fetch(new URL(path, demo.url), {
      method,
      redirect: 'manual',
      headers: {
        cookie: Object.entries(jar)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
        ...(json ? { 'content-type': 'application/json' } : {}),
      },
      body: json ? JSON.stringify(json) : method === 'POST' ? '' : undefined,
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = pair.split('=');
      jar[k] = v;
    }
    return response;
  };
}

const TOTE = { id: 9001, quantity: 1, properties: { _tiercart: 'northbound-rewards@1:tote' } };
const SWEATER = (quantity) => ({ id: 2002, quantity });

test('an earned gift is free in cart.js and in the order because the Function says so', async () => {
  const go = shopper();
  await go('/cart/add.js', { method: 'POST', json: { items: [SWEATER(2), TOTE] } });
  const cart = await (await go('/cart.js')).json();
  const gift = cart.items.find((i) => i.variant_id === 9001);
  assert.equal(gift.final_line_price, 0);
  assert.equal(gift.discounts[0].title, 'a free canvas tote');
  const page = await (await go('/checkout')).text();
  assert.match(page, /Shipping: free shipping/);
  const placed = await go('/checkout', { method: 'POST' });
  assert.equal(placed.status, 302);
  assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
  const { order } = await (await go(`${placed.headers.get('location')}.json`)).json();
  assert.equal(order.line_items.find((l) => l.variant_id === 9001).final_line_price, 0);
});

test('an unearned gift is charged in cart.js and blocks checkout with the message', async () => {
  const go = shopper();
  await go('/cart/add.js', { method: 'POST', json: { items: [SWEATER(1), TOTE] } });
  const cart = await (await go('/cart.js')).json();
  const gift = cart.items.find((i) => i.variant_id === 9001);
  assert.equal(gift.final_line_price, gift.original_line_price);
  assert.ok(gift.final_line_price > 0);
  const orders = demo.store.orders.length;
  const placed = await go('/checkout', { method: 'POST' });
  assert.equal(placed.status, 302);
  const location = decodeURIComponent(placed.headers.get('location'));
  assert.equal(location, '/cart?error=Your cart does not unlock a free canvas tote. Remove it to check out.');
  assert.equal(demo.store.orders.length, orders, 'no order was placed');
  assert.equal((await (await go('/cart.js')).json()).item_count, 2, 'the cart is kept');
});

test('the blocking message is in the shopper’s language', async () => {
  const go = shopper({ locale: 'fr' });
  await go('/cart/add.js', { method: 'POST', json: { items: [SWEATER(1), TOTE] } });
  const placed = await go('/checkout', { method: 'POST' });
  assert.match(
    decodeURIComponent(placed.headers.get('location')),
    /Votre panier ne débloque pas un tote bag en toile offert/,
  );
});

test('two totes claimed where one is earned: one unit free, checkout blocked', async () => {
  const go = shopper();
  await go('/cart/add.js', { method: 'POST', json: { items: [SWEATER(2), { ...TOTE, quantity: 2 }] } });
  const cart = await (await go('/cart.js')).json();
  const gift = cart.items.find((i) => i.variant_id === 9001);
  assert.equal(gift.final_line_price, gift.price);
  const placed = await go('/checkout', { method: 'POST' });
  assert.match(decodeURIComponent(placed.headers.get('location')), /more free items \(a free canvas tote\)/);
});
