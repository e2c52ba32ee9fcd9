// Failing cart requests: the store's error text is shown (beside the line a change came from,
// else at the top) and announced, the drawer falls back to the cart the store holds, and nothing
// is left half done.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { addFromProductPage, giftLines, serverCart, settled, setup } from './helpers.mjs';

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

const failNext = (path, status, count = 1) =>
  t.page.evaluate(
    ({ path, status, count }) => fetch(`/__demo/fail?path=${path}&status=${status}&count=${count}`, { method: 'POST' }),
    { path, status, count },
  );
const error = () => t.page.locator('tiercart-drawer .tiercart-error');
const lineError = (variant) =>
  t.page.locator(`tiercart-drawer .tiercart-line[data-variant="${variant}"] .tiercart-error-here`);
const announced = () => t.page.locator('tiercart-drawer dialog [role=alert]').textContent();
const quantityShown = (variant) =>
  t.page.locator(`tiercart-drawer .tiercart-line[data-variant="${variant}"] input`).inputValue();

test('a 500 on change.js is shown and the quantity rolls back', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  await failNext('/cart/change.js', 500);
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  assert.equal(await lineError(2002).isVisible(), true);
  assert.equal(await lineError(2002).textContent(), 'Something went wrong. Your cart was not changed.');
  assert.equal(await announced(), 'Something went wrong. Your cart was not changed.');
  assert.equal(await error().isVisible(), false);
  assert.equal(await quantityShown(2002), '1');
  const cart = await serverCart(t.page);
  assert.equal(cart.item_count, 1);
  assert.deepEqual(giftLines(cart), []);
  // The next change works and clears the message.
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  assert.equal(await lineError(2002).count(), 0);
  assert.equal(await quantityShown(2002), '2');
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
});

test("a 422 shows the store's own error text", async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  await failNext('/cart/change.js', 422);
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  assert.equal(await lineError(2002).textContent(), 'The product is no longer available.');
  assert.equal(await quantityShown(2002), '1');
});

test("adding a sold-out variant shows Shopify's answer and changes nothing", async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  // The jacket's L is sold out: post it the way a theme's quick-add would.
  await t.page.evaluate(() => document.querySelector('tiercart-drawer').addItems([{ id: 2005, quantity: 1 }]));
  await settled(t.page);
  assert.equal(await error().textContent(), "The product 'Waxed Field Jacket - L' is already sold out.");
  assert.equal((await serverCart(t.page)).item_count, 1);
});

test('a network failure while the gift is added leaves a consistent cart', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  // The shopper's change goes through; the gift's add.js fails at the network level (every
  // attempt: the drawer tries once more in its next round, then gives up).
  await t.page.route('**/cart/add.js', (route) => route.abort('internetdisconnected'));
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  // The gift was asked for by the change of the sweater line: the error is beside it.
  assert.equal(await lineError(2002).textContent(), 'Cannot reach the store. Check your connection and try again.');
  let cart = await serverCart(t.page);
  assert.equal(cart.items.find((i) => i.variant_id === 2002).quantity, 2);
  // What the drawer shows is what the store holds.
  const shown = await t.page
    .locator('tiercart-drawer .tiercart-line')
    .evaluateAll((nodes) => nodes.map((n) => Number(n.dataset.variant)));
  assert.deepEqual(
    shown,
    cart.items.map((i) => i.variant_id),
  );
  assert.deepEqual(giftLines(cart), []);
  // Back online, the next sync adds the gift, once.
  await t.page.unroute('**/cart/add.js');
  await t.page.evaluate(() => document.querySelector('tiercart-drawer').refresh());
  await settled(t.page);
  cart = await serverCart(t.page);
  assert.deepEqual(
    giftLines(cart).map((l) => [l.variant_id, l.quantity]),
    [[9001, 1]],
  );
});

test('a request the browser aborts is reported as a network error', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  await t.page.route('**/cart/change.js', (route) => route.abort('connectionreset'));
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] .tiercart-remove').click();
  await settled(t.page);
  // The line comes back, the error beside it.
  assert.equal(await lineError(2002).textContent(), 'Cannot reach the store. Check your connection and try again.');
  assert.equal(await quantityShown(2002), '1');
  assert.equal((await serverCart(t.page)).item_count, 1);
});

test('a gift sold out since the page was rendered: 422 shown once, never retried in a loop', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  t.store.catalog.variantsById.get(9001).inventory = 0; // the page still says 120 in stock
  let giftAdds = 0;
  t.page.on('request', (request) => {
    if (request.url().endsWith('/cart/add.js') && request.postData()?.includes('_tiercart')) giftAdds += 1;
  });
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  assert.equal(await lineError(2002).textContent(), "The product 'Canvas Tote Bag - Natural' is already sold out.");
  assert.equal(giftAdds, 1);
  // Later changes do not ask for it again: the drawer now treats it as out of stock.
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  assert.equal(giftAdds, 1);
  assert.equal(await lineError(2002).count(), 0);
  assert.equal(await error().isVisible(), false);
  const cart = await serverCart(t.page);
  assert.equal(cart.items.find((i) => i.variant_id === 2002).quantity, 3);
  assert.deepEqual(giftLines(cart), []);
});
