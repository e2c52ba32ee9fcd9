// The whole loop of issue 15, as a merchant and a shopper meet it in the demo: a gift tier
// saved in the theme editor is read by the app's server (its theme sync), published to the
// storefront and to checkout's Functions through the outbox, shown by the drawer and made free
// at checkout; and an order that claims the gift without earning it gets its tags in the
// store's admin. Real server binary, real HTTP on 127.0.0.1, the demo's stand-in for Shopify.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { SHOP_DOMAIN } from '../../demo/app-server.mjs';
import { addFromProductPage, giftLines, saveScreenshot, serverCart, settled, setup } from './helpers.mjs';

let t;
afterEach(async () => {
  await t?.teardown();
  t = undefined;
});

// What the stand-in for Shopify holds for the shop (demo/admin-api.mjs, control endpoint).
async function shopify(path = 'state') {
  const res = await fetch(t.url(`/__demo/admin-api/shops/${SHOP_DOMAIN}/${path}`));
  assert.equal(res.status, 200);
  return res.json();
}

// The program a metafield of an owner holds (its id prefix), parsed; null when none.
function program(state, ownerPrefix) {
  for (const [owner, fields] of Object.entries(state.metafields)) {
    if (!owner.startsWith(ownerPrefix)) continue;
    const field = fields.find((f) => f.key === 'program');
    if (field) return JSON.parse(field.value);
  }
  return null;
}

// Polls `check` every 50 ms for at most `ms`: the server syncs on its own clock.
async function until(check, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a gift tier saved in the theme editor reaches the drawer and checkout; a forged claim is tagged in the admin', async () => {
  t = await setup({ app: true });
  const { page } = t;

  // The merchant sets tier 1 to a free canvas tote from $40.00 and saves.
  await page.goto(t.url('/__demo/editor'));
  await page.fill('[name="tiercart-embed.t1_threshold"]', '40');
  await page.selectOption('[name="tiercart-embed.t1_reward"]', 'free_gift');
  await page.selectOption('[name="tiercart-embed.t1_gifts"]', ['canvas-tote-bag']);
  const saved = Date.now();
  await page.click('#editor button[type=submit]');
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Saved');

  // The app's server reads the saved settings and publishes them: to the storefront (the
  // app's installation) and to checkout (the discount's and the validation's metafields).
  const published = await until(async () => {
    const state = await shopify();
    const checkout = program(state, 'gid://shopify/DiscountAutomaticNode/');
    const storefront = program(state, 'gid://shopify/AppInstallation/');
    return checkout?.id === 'theme-settings' && storefront?.id === 'theme-settings' && { checkout, storefront };
  }, 'the theme settings to be published');
  console.log(`# sync latency, save to live at checkout: ${Date.now() - saved} ms`);
  assert.equal(published.checkout.bars[0].tiers[0].threshold, 4000);
  assert.equal(published.checkout.bars[0].tiers[0].reward.gifts[0].variant_id, 9001);
  assert.equal(published.checkout.bars[0].tiers[0].texts, undefined); // no texts at checkout

  // The shopper's drawer shows the new tier and adds the tote; checkout makes it free.
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await settled(page);
  const gifts = giftLines(await serverCart(page));
  assert.equal(gifts.length, 1);
  assert.equal(gifts[0].variant_id, 9001);
  assert.match(gifts[0].properties._tiercart, /^theme-settings@\d+:/);
  assert.equal(gifts[0].final_line_price, 0);
  await page.screenshot({ path: saveScreenshot('theme-to-checkout-drawer') });
  await page.goto(t.url('/checkout'));
  await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('form[action="/checkout"] button')]);
  const orderId = Number(await page.getAttribute('#order-title', 'data-order-id'));
  const order = t.store.store.order(orderId);
  assert.equal(order.line_items.find((l) => l.variant_id === 9001).final_line_price, 0);
  assert.equal(order.webhook.body.earned, true, JSON.stringify(order.webhook.body));

  // The demo's forge sends an order that claims the tote with nothing else in it (as a draft
  // order could); the server flags it and the outbox tags it in the store's admin.
  await page.goto(t.url('/__demo/forge'));
  await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.click('form[action="/__demo/forge"] button')]);
  const forgedId = Number(new URL(page.url()).pathname.split('/').pop());
  const forged = await until(
    async () => (await t.store.app.verdicts('?flagged=true')).verdicts?.find((v) => v.order_id === forgedId),
    'the forged order to be judged',
  );
  assert.equal(forged.earned, false, JSON.stringify(forged));
  const tags = await until(async () => {
    const kept = await shopify(`orders/${forgedId}`);
    return kept.tags.length > 0 && kept.tags;
  }, 'the forged order to be tagged');
  assert.deepEqual(tags, forged.tags);
  await page.goto(t.url(`/store/${SHOP_DOMAIN}/admin/orders/${forgedId}`));
  for (const tag of tags) assert.match(await page.textContent('body'), new RegExp(tag));
  await page.screenshot({ path: saveScreenshot('theme-to-checkout-admin-order') });
  assert.deepEqual(t.errors, []);
});

// The storefront's facts the app published on its installation (tiercart.context), parsed.
function facts(state) {
  for (const [owner, fields] of Object.entries(state.metafields)) {
    if (!owner.startsWith('gid://shopify/AppInstallation/')) continue;
    const field = fields.find((f) => f.namespace === 'tiercart' && f.key === 'context');
    if (field) return JSON.parse(field.value);
  }
  return null;
}

// Opens the drawer on `path` and waits for its check of the theme's settings.
async function visit(page, url) {
  await page.goto(url);
  await page.locator('[data-tiercart-open]').first().click();
  await page.waitForFunction(() => performance.getEntriesByName('tiercart:theme-checked').length > 0);
}

test("a theme saved while a program is live: a shopper's page finds settings the app has not read and asks it to sync, long before its poll", async () => {
  // The app reads the theme on its own only every 10 minutes here.
  t = await setup({ app: true, themePollMs: 600000 });
  const { page } = t;
  const syncs = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/apps/tiercart/sync') syncs.push(request.method());
  });
  // The app read the theme at install: its facts carry the digest of what it read.
  const read = await until(async () => facts(await shopify())?.theme_checkout, 'the storefront facts');
  assert.match(read, /^[0-9a-f]{64}$/);

  // A shopper's page renders the same saved settings: the drawer checks them, and does not ask.
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await visit(page, t.url('/cart'));
  assert.deepEqual(syncs, []);

  // The merchant saves free shipping from $30.00 in the theme editor.
  await page.goto(t.url('/__demo/editor'));
  await page.fill('[name="tiercart-embed.t1_threshold"]', '30');
  await page.click('#editor button[type=submit]');
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Saved');

  // The shopper's next page renders the new settings: the drawer asks the app to sync (at once,
  // or at the end of the shop's rate-limit interval), and the app publishes them.
  await visit(page, t.url('/cart'));
  await until(async () => syncs.length === 1, 'the drawer to ask for a sync');
  assert.deepEqual(syncs, ['POST']);
  const published = await until(async () => {
    const checkout = program(await shopify(), 'gid://shopify/DiscountAutomaticNode/');
    return checkout?.id === 'theme-settings' && checkout.bars[0].tiers[0].threshold === 3000 && checkout;
  }, 'the saved settings to reach checkout');
  assert.equal(published.bars[0].tiers[0].reward.type, 'free_shipping');
  await until(async () => {
    const digest = facts(await shopify())?.theme_checkout;
    return digest && digest !== read;
  }, 'the facts of the new program');

  // Once published, the page's settings are the ones the app read: no more asking.
  await visit(page, t.url('/'));
  assert.deepEqual(syncs, ['POST']);
  assert.deepEqual(t.errors, []);
});
