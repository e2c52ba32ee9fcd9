// The demo store's AJAX Cart API against Shopify's documented answers (../shared/SHOPIFY.md).
// Plain HTTP: no browser needed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../../demo/server.mjs';

let store;
let cookie = '';
before(async () => {
  store = await startServer({ port: 0 });
});
after(async () => {
  await store.close();
});

async function call(path, body, headers = {}) {
  const response = await fetch(new URL(path, store.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', cookie, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const set = response.headers.get('set-cookie');
  if (set && set.startsWith('cart=')) cookie = set.split(';')[0];
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, json, headers: response.headers };
}

test('listens on 127.0.0.1 only', () => {
  assert.match(store.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('cart.js has the documented top-level fields', async () => {
  const { status, json } = await call('cart.js');
  assert.equal(status, 200);
  for (const key of [
    'token',
    'note',
    'attributes',
    'original_total_price',
    'total_price',
    'total_discount',
    'total_weight',
    'item_count',
    'items',
    'requires_shipping',
    'currency',
    'items_subtotal_price',
    'cart_level_discount_applications',
    'discount_codes',
  ]) {
    assert.ok(key in json, key);
  }
});

test('add.js: lines, properties make separate lines, keys change with properties', async () => {
  let r = await call('cart/add.js', { items: [{ id: 2002, quantity: 1 }] });
  assert.equal(r.status, 200);
  assert.equal(r.json.items[0].key.split(':')[0], '2002');
  r = await call('cart/add.js', { items: [{ id: 2002, quantity: 1, properties: { Monogram: 'AB' } }] });
  const cart = (await call('cart.js')).json;
  assert.equal(cart.items.length, 2);
  assert.notEqual(cart.items[0].key, cart.items[1].key);
  for (const key of [
    'id',
    'key',
    'variant_id',
    'product_id',
    'quantity',
    'properties',
    'price',
    'original_price',
    'discounted_price',
    'final_price',
    'line_price',
    'original_line_price',
    'final_line_price',
    'total_discount',
    'discounts',
    'line_level_discount_allocations',
    'line_level_total_discount',
    'gift_card',
    'requires_shipping',
    'sku',
    'vendor',
    'product_type',
    'handle',
    'title',
    'product_title',
    'variant_title',
    'url',
    'image',
    'featured_image',
    'options_with_values',
  ]) {
    assert.ok(key in cart.items[0], key);
  }
  // A single id/quantity add answers with the line itself.
  r = await call('cart/add.js', { id: 2015, quantity: 1 });
  assert.equal(r.json.variant_id, 2015);
});

test('documented error answers', async () => {
  let r = await call('cart/add.js', { items: [{ id: 2005, quantity: 1 }] });
  assert.deepEqual(
    [r.status, r.json],
    [
      422,
      { status: 422, message: 'Cart Error', description: "The product 'Waxed Field Jacket - L' is already sold out." },
    ],
  );
  r = await call('cart/add.js', { items: [{ id: 2017 + 0 - 1, quantity: 99 }] }); // Down Vest M: 5 in stock
  assert.deepEqual([r.status, r.json.description], [422, 'Only 5 items were added to your cart.']);
  r = await call('cart/add.js', { items: [{ id: 2016, quantity: 1 }] });
  assert.deepEqual([r.status, r.json.description], [422, "You can't add more Down Vest - M to the cart."]);
  r = await call('cart/change.js', { id: '1234:nope', quantity: 1 });
  assert.equal(r.status, 400);
  assert.equal(r.json.status, 'bad_request');
  r = await call('cart/change.js', { line: 99, quantity: 1 });
  assert.equal(r.status, 400);
  r = await call('cart/update.js', { updates: { 424242: 1 } });
  assert.deepEqual(
    [r.status, r.json],
    [404, { status: 404, message: 'Cart Error', description: 'Cannot find variant' }],
  );
});

test('change.js by line and by key; properties replace the whole object', async () => {
  let cart = (await call('cart.js')).json;
  const monogram = cart.items.find((i) => i.properties?.Monogram);
  let r = await call('cart/change.js', { id: monogram.key, quantity: 1, properties: { Note: 'x' } });
  assert.equal(r.status, 200);
  const changed = r.json.items.find((i) => i.properties?.Note);
  assert.deepEqual(changed.properties, { Note: 'x' });
  assert.notEqual(changed.key, monogram.key);
  r = await call('cart/change.js', { line: 1, quantity: 0 });
  assert.equal(r.json.items.length, cart.items.length - 1);
});

test('update.js applies a discount code; clear.js keeps note and attributes', async () => {
  await call('cart/clear.js', {});
  await call('cart/add.js', {
    items: [
      { id: 2002, quantity: 1 },
      { id: 2008, quantity: 1 },
    ],
  });
  let r = await call('cart/update.js', { discount: 'welcome15', note: 'Hello', attributes: { gift_wrap: 'yes' } });
  assert.equal(r.json.total_price, 10700 - 1605);
  assert.equal(r.json.cart_level_discount_applications[0].total_allocated_amount, 1605);
  assert.deepEqual(r.json.discount_codes, [{ code: 'WELCOME15', applicable: true }]);
  r = await call('cart/update.js', { discount: 'BOGUS' });
  assert.deepEqual(r.json.discount_codes, [{ code: 'BOGUS', applicable: false }]);
  r = await call('cart/clear.js', {});
  assert.deepEqual([r.json.item_count, r.json.note, r.json.attributes], [0, 'Hello', { gift_wrap: 'yes' }]);
});

test('presentment currency: prices converted with the rate, integers in cents', async () => {
  await call('cart/add.js', { items: [{ id: 2002, quantity: 1 }] });
  const r = await call('localization', 'currency_code=JPY&return_to=/', {
    'content-type': 'application/x-www-form-urlencoded',
  });
  assert.equal(r.status, 302);
  const jpy = await fetch(new URL('cart.js', store.url), { headers: { cookie: `${cookie}; currency=JPY` } }).then((x) =>
    x.json(),
  );
  assert.equal(jpy.currency, 'JPY');
  assert.equal(jpy.items[0].price, 1312800); // $89.00 x 147.5 = ¥13,127.5 -> ¥13,128, in cents
  const eur = await fetch(new URL('cart.js', store.url), { headers: { cookie: `${cookie}; currency=EUR` } }).then((x) =>
    x.json(),
  );
  assert.equal(eur.items[0].price, 8188);
});
