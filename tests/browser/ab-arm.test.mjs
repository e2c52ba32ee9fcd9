// One cart, one arm, everywhere (issue 19, part 3): with an A/B test live (the tote from $100.00
// in arm A, from $90.00 in arm B), shoppers with a $95.00 cart are put in an arm by their cart's
// token. The drawer shows that arm's tiers and writes the token to the cart for checkout,
// checkout's discount Function makes the tote free in arm B only, and the server judges the
// order earned and counts it in the same arm. The demo store, the real tiercart-server and the
// real Function modules; each shopper is a new browser context, so a new cart token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SHOP_DOMAIN } from '../../demo/app-server.mjs';
import { appAdmin, deliveredMetafield, giftLines, serverCart, settled, sharedStore, toteAt90 } from './helpers.mjs';

let shared;
let api;

before(async () => {
  shared = await sharedStore({ app: true });
  api = appAdmin(shared.store.app);
  const candidate = toteAt90();
  assert.equal((await api('POST', '/admin/programs', candidate)).status, 201);
  const started = await api('POST', '/admin/experiments', {
    program: candidate.id,
    candidate: `${candidate.id}@2`,
    id: 'tote-at-90',
    split: 50,
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
});

after(async () => {
  await shared?.close();
});

// The program the storefront reads (the app's installation metafield), once the outbox has
// delivered the test's version.
const publishedTest = () =>
  deliveredMetafield(
    shared.store,
    SHOP_DOMAIN,
    (owner, field, value) => field.namespace === 'tiercart' && field.key === 'program' && Boolean(value.experiment),
    'the test version was not published',
  );

// A shopper's $95.00 cart (a sweater and a lip balm) through the drawer and checkout.
async function shop() {
  const shopper = await shared.shopper('desktop');
  const { page } = shopper;
  try {
    for (const [handle, variant] of [
      ['merino-crew-sweater', 2002],
      ['cedar-lip-balm', 2022],
    ]) {
      await page.goto(shopper.url(`/products/${handle}`));
      if (await page.locator('#ProductVariant').count()) await page.selectOption('#ProductVariant', String(variant));
      await page.click('.product-form button[type=submit]');
      await page.waitForSelector('tiercart-drawer[data-open]');
      await settled(page);
    }
    const arm = await page.evaluate(() => window.tiercart.lastEvaluation.evaluation.arm);
    const tote = await page.evaluate(
      () => window.tiercart.lastEvaluation.evaluation.bars[0].tiers.find((tier) => tier.id === 'tote').threshold,
    );
    const cart = await serverCart(page);
    await page.goto(shopper.url('/checkout'));
    await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('form[action="/checkout"] button')]);
    const orderId = Number(await page.getAttribute('#order-title', 'data-order-id'));
    return { arm, tote, cart, order: shared.store.store.order(orderId), errors: shopper.errors };
  } finally {
    await shopper.close();
  }
}

test('a cart is in one arm in the drawer, at checkout and on the server', async () => {
  await publishedTest();
  const seen = { a: 0, b: 0 };
  // Shoppers until both arms have had one (each is a fair coin; 12 leave 1 in 2,000 to chance).
  for (let i = 0; i < 12 && !(seen.a && seen.b); i++) {
    const { arm, tote, cart, order, errors } = await shop();
    assert.deepEqual(errors, []);
    assert.ok(arm === 'a' || arm === 'b', `the drawer names an arm: ${arm}`);
    seen[arm] += 1;
    // The drawer measured the cart by its arm's tiers and told checkout its token.
    assert.equal(tote, arm === 'b' ? 9000 : 10000);
    assert.equal(cart.attributes._tiercart_arm, cart.token.split('?')[0]);
    // Checkout's Function made the tote free in arm B; arm A's $95.00 earns none.
    const gifts = giftLines(cart);
    assert.equal(gifts.length, arm === 'b' ? 1 : 0, JSON.stringify(cart.items));
    if (arm === 'b') assert.equal(gifts[0].final_line_price, 0);
    // The server judged the order by the arm of its cart_token: the claim holds, no forgery.
    assert.equal(order.webhook.status, 200);
    assert.equal(order.webhook.body.earned, true, JSON.stringify(order.webhook.body));
    assert.ok(!JSON.stringify(order.webhook.body.tags).includes('arm_forged'));
    if (arm === 'b') assert.equal(order.webhook.body.verdict.verdicts[0].arm, 'b');
  }
  assert.ok(seen.a && seen.b, `both arms seen: ${JSON.stringify(seen)}`);

  // The merchant's report counts each order in the arm the drawer showed.
  const day = new Date().toISOString().slice(0, 10);
  const report = await api('GET', `/admin/analytics?from=${day}&to=${day}`);
  assert.equal(report.status, 200);
  const [experiment] = report.body.experiments;
  assert.equal(experiment.id, 'tote-at-90');
  const counted = Object.fromEntries(experiment.arms.map((arm) => [arm.arm, arm.orders]));
  assert.deepEqual({ a: counted.a ?? 0, b: counted.b ?? 0 }, seen);
});
