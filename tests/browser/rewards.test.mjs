// The core loop: products in, bar moves, tiers unlock, the gift comes and goes.
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

const bar = (page) => page.locator('tiercart-drawer .tiercart-bar__track');
const message = (page) => page.locator('tiercart-drawer .tiercart-bar__message');

test('adding products moves the bar, unlocks tiers and adds the gift once', async () => {
  await addFromProductPage(t, 'trail-socks-3-pack', 2008);
  assert.equal(await bar(t.page).getAttribute('aria-valuenow'), '12');
  assert.equal(await message(t.page).textContent(), "You're $32.00 away from free shipping");
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-line__price').first().textContent(), '$18.00');

  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  assert.equal(await bar(t.page).getAttribute('aria-valuenow'), '71');
  assert.equal(
    await bar(t.page).getAttribute('aria-valuetext'),
    'Spend $43.00 more to pick a second gift of your choice',
  );
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-bar__tiers li[data-tier="tote"]').getAttribute('data-unlocked'),
    'true',
  );
  // The live region names the reward just unlocked (the one inside the open dialog).
  assert.match(await t.page.locator('tiercart-drawer dialog [role=status]').textContent(), /a free canvas tote/);

  const cart = await serverCart(t.page);
  const gifts = giftLines(cart);
  assert.equal(gifts.length, 1);
  assert.equal(gifts[0].variant_id, 9001);
  assert.equal(gifts[0].quantity, 1);
  assert.deepEqual(gifts[0].properties, { _tiercart: 'northbound-rewards@1:tote' });
  // The gift line says it is a free gift, its value struck through, has no quantity control but
  // a remove control (the gift may be declined), and shows no "_" property.
  const giftLine = t.page.locator('tiercart-drawer .tiercart-line[data-gift="true"]');
  assert.equal(await giftLine.locator('.tiercart-badge').textContent(), 'Free gift');
  assert.equal(await giftLine.locator('input').count(), 0);
  assert.deepEqual(await giftLine.locator('button').evaluateAll((b) => b.map((n) => n.getAttribute('aria-label'))), [
    'Remove Canvas Tote Bag - Natural',
  ]);
  assert.equal(await giftLine.locator('.tiercart-line__price').textContent(), 'Regular price $25.00 Free');
  assert.equal(await giftLine.locator('s').textContent(), 'Regular price $25.00');
  assert.equal(await giftLine.locator('s').evaluate((s) => getComputedStyle(s).textDecorationLine), 'line-through');
  // What the shopper saves, as the core adds it up: the tote.
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-savings').textContent(), 'You save$25.00');
  assert.doesNotMatch(await t.page.locator('tiercart-drawer').innerText(), /_tiercart|northbound-rewards@/);
  // The cart bubble follows.
  assert.equal(await t.page.locator('[data-tiercart-count]').textContent(), '3');
});

test('removing items takes the gift away', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 2);
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
  const sweater = t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"]');
  await sweater.locator('[data-action=decrease]').click();
  await settled(t.page);
  assert.equal(giftLines(await serverCart(t.page)).length, 0);
  assert.equal(await message(t.page).textContent(), 'Spend $11.00 more for a free canvas tote');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-line[data-gift="true"]').count(), 0);
  await sweater.locator('.tiercart-remove').click();
  await settled(t.page);
  const cart = await serverCart(t.page);
  assert.equal(cart.item_count, 0);
  // Empty: a way back to the shop, no discount field, nothing saved.
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-empty').isVisible(), true);
  const back = t.page.locator('tiercart-drawer .tiercart-empty a');
  assert.equal(await back.textContent(), 'Continue shopping');
  assert.equal(await back.getAttribute('href'), '/collections/all');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-discount').isVisible(), false);
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-savings').isVisible(), false);
});

test('a discount code that drops the subtotal below a tier removes its gift', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await addFromProductPage(t, 'trail-socks-3-pack', 2008);
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
  await t.page.fill('#tiercart-discount', 'welcome15');
  await t.page.click('tiercart-drawer .tiercart-discount button[type=submit]');
  await settled(t.page);
  const cart = await serverCart(t.page);
  assert.deepEqual(cart.discount_codes, [{ code: 'WELCOME15', applicable: true }]);
  assert.equal(giftLines(cart).length, 0);
  // $107.00 - 15% = $90.95: $9.05 short of the tote.
  assert.equal(await message(t.page).textContent(), 'Spend $9.05 more for a free canvas tote');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-subtotal__amount').textContent(), '$90.95');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-savings__amount').textContent(), '$16.05');
  assert.match(
    await t.page.locator('tiercart-drawer .tiercart-discount__codes').textContent(),
    /Code WELCOME15 applied/,
  );
  // Removing the code brings the tote back.
  await t.page.click('tiercart-drawer .tiercart-discount__code button');
  await settled(t.page);
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
});

test('a discount code entered on the cart page removes the gift there too', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await addFromProductPage(t, 'trail-socks-3-pack', 2008);
  await t.page.goto(t.url('/cart'));
  assert.equal(await t.page.locator('.cart-table .badge').count(), 1);
  await t.page.fill('#CartDiscount', 'WELCOME15');
  await t.page.click('.discount-form button');
  // The drawer syncs on idle, removes the tote; the theme shows the new cart.
  await t.page.waitForFunction(
    () =>
      document.querySelector('tiercart-drawer')?.hasAttribute('data-ready') &&
      !document.querySelector('.cart-table .badge'),
  );
  assert.deepEqual(giftLines(await serverCart(t.page)), []);
  assert.match(
    await t.page.locator('.tiercart-inline .tiercart-bar__message').textContent(),
    /Spend \$9\.05 more for a free canvas tote/,
  );
});

test('an offer in the drawer brings the cart to the next tier', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  // $89.00: $11.00 to the tote; the cheapest candidate reaching it alone is the mug ($14.00).
  const offer = t.page.locator('tiercart-drawer .tiercart-offer');
  assert.equal(await offer.count(), 1);
  assert.equal(await offer.getAttribute('data-variant'), '2015');
  assert.match(await offer.textContent(), /^Enamel Camp Mug - SlateUnlocks a free canvas tote\$14\.00Add$/);
  assert.equal(await offer.locator('img').evaluate((i) => new URL(i.src).pathname), '/images/enamel-camp-mug.svg');
  await offer.locator('button').click();
  await settled(t.page);
  const cart = await serverCart(t.page);
  assert.equal(giftLines(cart).length, 1);
  assert.ok(cart.items.some((i) => i.variant_id === 2015));
});

test('checkout turns the cart, gift included, into an order', async () => {
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 2);
  await t.page.click('tiercart-drawer .tiercart-checkout');
  await t.page.waitForURL(/\/checkout$/);
  await t.page.click('form[action="/checkout"] button');
  await t.page.waitForURL(/\/orders\/\d+$/);
  const id = await t.page.locator('#order-title').getAttribute('data-order-id');
  const { order } = await t.page.evaluate((orderId) => fetch(`/orders/${orderId}.json`).then((r) => r.json()), id);
  assert.equal(order.line_items.length, 2);
  const gift = order.line_items.find((l) => l.variant_id === 9001);
  assert.deepEqual(gift.properties, [{ name: '_tiercart', value: 'northbound-rewards@1:tote' }]);
  assert.equal(gift.final_line_price, 0);
  assert.equal(order.total_price, 17800);
  assert.equal((await serverCart(t.page)).item_count, 0);
});
