// Gift choice, sold-out gifts, and exactly-once gift lines under fast clicks.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { addFromProductPage, giftLines, root, serverCart, settled, setup } from './helpers.mjs';

let t;
afterEach(async () => {
  await t.teardown();
});

test('the shopper picks a gift; a sold-out option cannot be picked; a new pick replaces the old', async () => {
  t = await setup();
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 2); // $178.00: tote and pick-a-gift
  const picker = t.page.locator('tiercart-drawer .tiercart-picker');
  assert.equal(await picker.getAttribute('data-choice-required'), 'true');
  assert.equal(await picker.locator('legend').textContent(), 'Choose a second gift of your choice');
  assert.equal(await picker.locator('input[value="9003"]').isDisabled(), true);
  assert.match(await picker.locator('label[for$="-9003"]').textContent(), /\(sold out\)Worth \$35\.00$/);
  // Each gift with its image and its value, formatted by the core.
  assert.equal(
    await picker.locator('label[for$="-9002"]').textContent(),
    'Steel Water Bottle - Forest / 750 mlWorth $28.00',
  );
  assert.deepEqual(
    await picker.locator('label img').evaluateAll((images) => images.map((i) => new URL(i.src).pathname)),
    ['/images/lambswool-scarf.svg', '/images/steel-water-bottle.svg', '/images/enamel-pin-set.svg'],
  );
  // Only the tote so far: nothing is added before the shopper picks.
  assert.deepEqual(
    giftLines(await serverCart(t.page)).map((l) => l.variant_id),
    [9001],
  );

  await picker.locator('input[value="9002"]').check();
  await settled(t.page);
  let gifts = giftLines(await serverCart(t.page));
  assert.deepEqual(gifts.map((l) => l.variant_id).sort(), [9001, 9002]);
  assert.equal(gifts.find((l) => l.variant_id === 9002).properties._tiercart, 'northbound-rewards@1:pick-a-gift');
  assert.equal(await t.page.locator('tiercart-drawer .tiercart-picker input[value="9002"]').isChecked(), true);

  await t.page.locator('tiercart-drawer .tiercart-picker input[value="9004"]').check();
  await settled(t.page);
  gifts = giftLines(await serverCart(t.page));
  assert.deepEqual(gifts.map((l) => l.variant_id).sort(), [9001, 9004]);
});

test('a sold-out gift is skipped: the next gift of the tier is added instead', async () => {
  t = await setup({ program: path.join(root, 'tests/browser/fixtures/sold-out-first.json') });
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 2);
  const gifts = giftLines(await serverCart(t.page));
  assert.deepEqual(
    gifts.map((l) => [l.variant_id, l.properties._tiercart]),
    [[9002, 'sold-out-first@1:tote']],
  );
});

test('20 rapid clicks leave exactly the right gift lines', async () => {
  t = await setup();
  await addFromProductPage(t, 'merino-crew-sweater', 2002, 1);
  const line = t.page.locator('tiercart-drawer .tiercart-line[data-variant="2002"]');
  // 20 clicks on "+" without waiting: 1 -> 21 sweaters, crossing the tote and the pick tiers.
  await t.page.evaluate(() => {
    for (let i = 0; i < 20; i++)
      document.querySelector('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=increase]').click();
  });
  await settled(t.page);
  let cart = await serverCart(t.page);
  assert.equal(cart.items.find((i) => i.variant_id === 2002).quantity, 21);
  assert.deepEqual(
    giftLines(cart).map((l) => [l.variant_id, l.quantity]),
    [[9001, 1]],
  );
  assert.equal(await line.locator('input').inputValue(), '21');

  // Pick a gift, then 20 fast clicks down: below every tier, no gift line left.
  await t.page.locator('tiercart-drawer .tiercart-picker input[value="9004"]').check();
  await settled(t.page);
  assert.equal(giftLines(await serverCart(t.page)).length, 2);
  await t.page.evaluate(() => {
    for (let i = 0; i < 20; i++)
      document.querySelector('tiercart-drawer .tiercart-line[data-variant="2002"] [data-action=decrease]').click();
  });
  await settled(t.page);
  cart = await serverCart(t.page);
  assert.equal(cart.items.find((i) => i.variant_id === 2002).quantity, 1);
  assert.deepEqual(giftLines(cart), []);

  // And 20 fast product-form submits (the theme's button, hammered): one tote line, once.
  await t.page.keyboard.press('Escape');
  await t.page.evaluate(() => {
    const form = document.querySelector('.product-form');
    for (let i = 0; i < 20; i++) form.requestSubmit();
  });
  await settled(t.page);
  cart = await serverCart(t.page);
  assert.equal(cart.items.find((i) => i.variant_id === 2002).quantity, 21);
  // The earlier pick (pins) comes back with the tier: one line each, quantity 1.
  assert.deepEqual(
    giftLines(cart)
      .map((l) => [l.variant_id, l.quantity])
      .sort(),
    [
      [9001, 1],
      [9004, 1],
    ],
  );
});

test('a product the context does not describe is judged with the facts the drawer fetches, not guessed', async () => {
  // The bar leaves out clearance (a tag); the page's context lost the beanie's facts.
  t = await setup({ program: path.join(root, 'tests/browser/fixtures/clearance-left-out.json') });
  await t.page.addInitScript(() =>
    document.addEventListener('DOMContentLoaded', () => {
      const node = document.querySelector('script[data-tiercart-context]');
      const context = JSON.parse(node.textContent);
      delete context.products['1003'];
      node.textContent = JSON.stringify(context);
    }),
  );
  const asked = [];
  t.page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await addFromProductPage(t, 'ribbed-wool-beanie', 2006); // $24.00, tagged clearance
  await addFromProductPage(t, 'merino-crew-sweater', 2002); // $89.00
  // Counted without its tag the beanie would bring the tote ($113.00); it does not count.
  assert.ok(asked.includes('/products/ribbed-wool-beanie.js'));
  assert.deepEqual(giftLines(await serverCart(t.page)), []);
  assert.equal(
    await t.page.locator('tiercart-drawer .tiercart-bar__message').textContent(),
    'Spend $11.00 more for a free canvas tote',
  );
});
