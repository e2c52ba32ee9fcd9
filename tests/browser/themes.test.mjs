// Living with the theme: Dawn's pub/sub cart events, theme DOM events, JPY and French shoppers.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { giftLines, serverCart, settled, setup } from './helpers.mjs';

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

// Dawn's pubsub.js and constants.js, as Dawn declares them (classic scripts, global bindings).
const DAWN_PUBSUB = `
const PUB_SUB_EVENTS = { cartUpdate: 'cart-update', quantityUpdate: 'quantity-update', variantChange: 'variant-change', cartError: 'cart-error' };
let subscribers = {};
function subscribe(eventName, callback) {
  if (subscribers[eventName] === undefined) subscribers[eventName] = [];
  subscribers[eventName] = [...subscribers[eventName], callback];
  return function unsubscribe() { subscribers[eventName] = subscribers[eventName].filter((cb) => cb !== callback); };
}
function publish(eventName, data) {
  if (subscribers[eventName]) subscribers[eventName].forEach((callback) => callback(data));
  return Promise.resolve();
}`;

test("Dawn's cartUpdate from its product form: the drawer syncs gifts and opens", async () => {
  // Served in the page's <head> as a classic script, so its declarations are global bindings
  // as in Dawn.
  await t.page.route(t.url('/'), async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('<head>', `<head><script>${DAWN_PUBSUB}</script>`);
    await route.fulfill({
      response,
      body,
      headers: { ...response.headers(), 'content-encoding': '', 'content-length': String(Buffer.byteLength(body)) },
    });
  });
  await t.page.goto(t.url('/'));
  await t.page.waitForFunction(() => document.querySelector('tiercart-drawer')?.hasAttribute('data-ready'));
  const seen = await t.page.evaluate(async () => {
    const events = [];
    subscribe(PUB_SUB_EVENTS.cartUpdate, (event) => events.push(event.source));
    // What Dawn's product-form.js does after its own add.js.
    const cart = await fetch('/cart/add.js', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 2002, quantity: 2 }] }),
    }).then((r) => r.json());
    publish(PUB_SUB_EVENTS.cartUpdate, { source: 'product-form', productVariantId: 2002, cartData: cart });
    window.__events = events;
    return events;
  });
  assert.deepEqual(seen, ['product-form']);
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  assert.deepEqual(
    giftLines(await serverCart(t.page)).map((l) => l.variant_id),
    [9001],
  );
  // The drawer tells the theme about its own changes, tagged so it ignores them itself.
  assert.ok((await t.page.evaluate(() => window.__events)).includes('tiercart'));
});

test('a theme DOM event (cart:refresh) makes the drawer re-read the cart', async () => {
  await t.page.goto(t.url('/'));
  await t.page.waitForFunction(() => document.querySelector('tiercart-drawer')?.hasAttribute('data-ready'));
  await t.page.evaluate(async () => {
    await fetch('/cart/add.js', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 2004, quantity: 1 }] }),
    });
    document.dispatchEvent(new CustomEvent('cart:refresh'));
  });
  await t.page.waitForFunction(() => document.querySelectorAll('tiercart-drawer .tiercart-line').length === 2);
  await settled(t.page);
  assert.deepEqual(
    giftLines(await serverCart(t.page)).map((l) => l.variant_id),
    [9001],
  );
});

test('JPY shopper: cents convention read right, yen thresholds without decimals', async () => {
  await t.page.goto(t.url('/products/merino-crew-sweater'));
  await t.page.selectOption('#CurrencySelector', 'JPY');
  await Promise.all([t.page.waitForNavigation(), t.page.click('.header__currency button')]);
  await t.page.click('.product-form button[type=submit]');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  const tiers = await t.page.locator('tiercart-drawer .tiercart-bar__tiers li').allTextContents();
  // $50, $100, $150 at 147.5: ¥7,375, ¥14,750, ¥22,125.
  assert.deepEqual(tiers, [
    'free shipping at ¥7,375',
    'a free canvas tote at ¥14,750',
    'a second gift of your choice at ¥22,125',
  ]);
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-line__price').first().textContent(), '¥13,128');
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-bar__message').textContent(),
    'Spend ¥1,622 more for a free canvas tote',
  );
});

test('French shopper: drawer strings and program texts in French', async () => {
  await t.page.goto(t.url('/'));
  await t.page.evaluate(() =>
    fetch('/localization', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'locale_code=fr&currency_code=EUR&return_to=/',
    }),
  );
  await t.page.goto(t.url('/products/trail-socks-3-pack'));
  await t.page.click('.product-form button[type=submit]');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-title').textContent(), 'Votre panier');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-close').getAttribute('aria-label'), 'Fermer le panier');
  // $18.00 x 0.92 = €16,56; free shipping at €46,00: €29,44 to go.
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-bar__message').textContent(),
    'Plus que €29,44 pour profiter de la livraison gratuite',
  );
  assert.equal(await t.page.locator('html').getAttribute('lang'), 'fr');
});
