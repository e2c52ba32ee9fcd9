// Schedules at checkout (issue 20, rule 4), through the whole app: the merchant makes live a
// program whose tote runs for two hours around now and whose pick-a-gift ended two hours ago.
// tiercart-server publishes it with its moments in the shop's own time (the demo shop keeps
// New York time, read from the Admin API's shop.ianaTimezone); the demo's checkout asks the
// shop's clock about them as Shopify does (shop.localTime.dateTimeAfter) and runs the real
// Function modules. The drawer, checkout and the server's verdict then agree: the tote is
// free, the ended tier is neither shown nor honoured when a shopper forges a claim on it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SHOP_DOMAIN } from '../../demo/app-server.mjs';
import { shopLocalTime } from '../../demo/function-runner.mjs';
import { appAdmin, deliveredMetafield, giftLines, serverCart, settled, sharedStore, toteAt90 } from './helpers.mjs';

const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let shared;
let program;

before(async () => {
  shared = await sharedStore({ app: true });
  const now = Date.now();
  program = toteAt90((p) => {
    p.bars[0].tiers.find((tier) => tier.id === 'tote').schedule = {
      starts_at: iso(now - HOUR),
      ends_at: iso(now + HOUR),
    };
    p.bars[0].tiers.find((tier) => tier.id === 'pick-a-gift').schedule = { ends_at: iso(now - 2 * HOUR) };
  });
  const api = appAdmin(shared.store.app);
  assert.equal((await api('POST', '/admin/programs', program)).status, 201);
  const live = await api('POST', `/admin/programs/${program.id}/versions/2/activate`);
  assert.equal(live.status, 200, JSON.stringify(live.body));
});

after(async () => {
  await shared?.close();
});

// The input variables the app wrote on its discount once the outbox delivered version 2.
const publishedVariables = () =>
  deliveredMetafield(
    shared.store,
    SHOP_DOMAIN,
    (owner, field, value) =>
      owner.includes('DiscountAutomaticNode') &&
      field.key === 'input_variables' &&
      value.scheduleAt0 !== '2000-01-01T00:00:00',
    'version 2 was not published',
  );

test('the app hands checkout the moments in the shop’s time; the tote is free now and the ended tier is not', async () => {
  const variables = await publishedVariables();
  // Three moments, ascending: the pick-a-gift's end, then the tote's start and end.
  const moments = [program.bars[0].tiers[2].schedule.ends_at, ...Object.values(program.bars[0].tiers[1].schedule)];
  assert.deepEqual(
    [variables.scheduleAt0, variables.scheduleAt1, variables.scheduleAt2],
    moments.map((m) => shopLocalTime(Date.parse(m), 'America/New_York')),
  );

  // An honest shopper with two sweaters ($178.00): the drawer adds the tote and promises nothing
  // of the ended tier; checkout's Function makes the tote free; the server verifies the order.
  const shopper = await shared.shopper('desktop');
  const { page } = shopper;
  try {
    await page.goto(shopper.url('/products/merino-crew-sweater'));
    await page.fill('#Quantity', '2');
    await page.click('.product-form button[type=submit]');
    await page.waitForSelector('tiercart-drawer[data-open]');
    await settled(page);
    // What the shopper sees (innerText: hidden elements left out).
    const drawer = await page.locator('tiercart-drawer .tiercart-dialog').innerText();
    assert.match(drawer, /a free canvas tote at \$90\.00/);
    assert.match(drawer, /Canvas Tote Bag/);
    assert.doesNotMatch(drawer, /gift of your choice/);
    assert.equal(await page.locator('tiercart-drawer .tiercart-bar__marker:visible').count(), 2);
    const cart = await serverCart(page);
    assert.deepEqual(
      giftLines(cart).map((l) => [l.variant_id, l.final_line_price]),
      [[9001, 0]],
    );
    await page.goto(shopper.url('/checkout'));
    await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('form[action="/checkout"] button')]);
    const order = shared.store.store.order(Number(await page.getAttribute('#order-title', 'data-order-id')));
    assert.equal(order.webhook.body.earned, true, JSON.stringify(order.webhook.body));
    assert.deepEqual(order.webhook.body.tags, ['tiercart-verified']);
    assert.deepEqual(shopper.errors, []);
  } finally {
    await shopper.close();
  }

  // A shopper who writes a claim on the ended tier by hand: checkout's Function charges the
  // bottle and its validation stops the checkout.
  const jar = new Map();
  const go = async (route, init = {}) => {
    const res = await fetch(new URL(route, shared.store.url), {
      redirect: 'manual',
      ...init,
      headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) jar.set(...c.split(';')[0].split('='));
    return res;
  };
  const items = [
    { id: 2001, quantity: 2 },
    { id: 9002, quantity: 1, properties: { _tiercart: `${program.id}@2:pick-a-gift` } },
  ];
  const added = await go('/cart/add.js', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  assert.equal(added.status, 200, await added.clone().text());
  const forged = (await (await go('/cart.js')).json()).items.find((i) => i.variant_id === 9002);
  assert.equal(forged.total_discount, 0);
  const blocked = await go('/checkout', { method: 'POST' });
  assert.equal(blocked.status, 302);
  assert.match(decodeURIComponent(blocked.headers.get('location')), /does not unlock/);
});
