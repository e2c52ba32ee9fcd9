// Buy X get Y in the drawer (docs/program-format.md, 7.5): what it says before and after a unit
// is got, the get-item it adds like a gift at the program's percent off, and a removed get-item
// staying removed. The programs are the golden fixtures' (tests/fixtures/bxgy-*).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { addFromProductPage, fixtureProgramFile, giftLines, serverCart, settled, setup } from './helpers.mjs';

let t;
afterEach(async () => {
  await t?.teardown();
  t = null;
});

const rewardText = (tier) => t.page.locator(`tiercart-drawer .tiercart-reward[data-tier="${tier}"]`).textContent();
const barMessage = () => t.page.locator('tiercart-drawer .tiercart-bar__message').first().textContent();

test('buy 2 mugs get 1: the drawer says what to add, then that it is unlocked', async () => {
  t = await setup({ program: fixtureProgramFile('bxgy-cheapest-units-free') });
  await addFromProductPage(t, 'enamel-camp-mug', 2015, 1);
  assert.equal(await barMessage(), 'Mugs to go: 1. Buy 2, get the cheapest third one free');

  await addFromProductPage(t, 'enamel-camp-mug', 2015, 1);
  // Two mugs reach the tier, but no unit is free until a third is in the cart: never "Unlocked".
  assert.equal(await rewardText('third-mug-free'), 'Unlocked: a free mug. Add it to your cart to get it.');

  await addFromProductPage(t, 'enamel-camp-mug', 2015, 1);
  assert.equal(await rewardText('third-mug-free'), 'Unlocked: a free mug');
  const mugs = (await serverCart(t.page)).items.find((i) => i.variant_id === 2015);
  assert.equal(mugs.quantity, 3);
  assert.equal(mugs.total_discount, mugs.price, 'one of three mugs is free in the cart');
  assert.deepEqual(t.errors, []);
});

test('buy 2 bags of coffee: a mug added at half price, and once removed it stays removed', async () => {
  t = await setup({ program: fixtureProgramFile('bxgy-added-like-a-gift') });
  await addFromProductPage(t, 'trailhead-coffee-beans', 2014, 4);
  const added = giftLines(await serverCart(t.page));
  assert.deepEqual(
    added.map((l) => [l.variant_id, l.quantity, l.properties._tiercart]),
    [[2015, 2, 'coffee-mug@1:mug-half-price']],
  );
  const line = t.page.locator('tiercart-drawer .tiercart-line[data-variant="2015"]');
  assert.equal(await line.locator('.tiercart-badge').textContent(), '50% off');
  assert.equal(await line.locator('.tiercart-line__free').textContent(), '50% off');

  await line.locator('button[data-action="decline"]').click();
  await settled(t.page);
  assert.deepEqual(giftLines(await serverCart(t.page)), []);
  assert.match(
    await t.page.locator('tiercart-drawer .tiercart-declined').textContent(),
    /^You removed Enamel Camp Mug - Slate\. It will not be added again\./,
  );
  // Another bag of coffee does not bring it back.
  await addFromProductPage(t, 'trailhead-coffee-beans', 2014, 1);
  assert.deepEqual(giftLines(await serverCart(t.page)), []);
  assert.deepEqual(t.errors, []);
});
