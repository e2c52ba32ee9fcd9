// A shopper paying in euros: thresholds converted with Shopify.currency.rate and formatted
// with the store's euro format, line prices in euros too.
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

test('EUR shopper sees converted, correctly formatted thresholds', async () => {
  await t.page.goto(t.url('/products/merino-crew-sweater'));
  await t.page.selectOption('#CurrencySelector', 'EUR');
  await Promise.all([t.page.waitForNavigation(), t.page.click('.header__currency button')]);
  assert.deepEqual(await t.page.evaluate(() => window.Shopify.currency), { active: 'EUR', rate: '0.92' });
  assert.match(await t.page.locator('.product__price').textContent(), /€81,88/);

  await t.page.selectOption('#ProductVariant', '2002');
  await t.page.click('.product-form button[type=submit]');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);

  const tiers = await t.page.locator('tiercart-drawer .tiercart-bar__tiers li').allTextContents();
  // $50, $100, $150 at 0.92: €46,00, €92,00, €138,00 (never "$", never USD cents).
  assert.deepEqual(tiers, [
    'free shipping at €46,00',
    'a free canvas tote at €92,00',
    'a second gift of your choice at €138,00',
  ]);
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-bar__message').textContent(),
    'Spend €10,12 more for a free canvas tote',
  );
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-line__price').first().textContent(), '€81,88');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-subtotal__amount').textContent(), '€81,88');
  assert.doesNotMatch(await t.page.locator('tiercart-drawer').innerText(), /\$/);

  // Two sweaters (€163,76) reach the tote at €92,00 (and the pick tier, which waits for a choice).
  await t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  await settled(t.page);
  const cart = await serverCart(t.page);
  assert.equal(cart.currency, 'EUR');
  assert.deepEqual(
    giftLines(cart).map((l) => l.variant_id),
    [9001],
  );
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-subtotal__amount').textContent(), '€163,76');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-bar__track').getAttribute('aria-valuenow'), '100');
});
