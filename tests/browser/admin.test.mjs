// The demo's checkout sends every order to tiercart's native server as a signed
// orders/create webhook, and the app's embedded admin page (framed by the demo's admin) lists
// the server's verdicts, flagged orders first. Real server binary, real HMAC, real HTTP on
// 127.0.0.1. The page itself is tested in embedded-admin.test.mjs.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { ordersCreatePayload } from '../../demo/app-server.mjs';
import { addFromProductPage, giftLines, root, serverCart, settled, setup } from './helpers.mjs';

let t;
afterEach(async () => {
  await t?.teardown();
  t = undefined;
});

// Places the current cart through the checkout page, as a shopper does; the order's id.
async function checkout(page, url) {
  await page.goto(url('/checkout'));
  await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.click('form[action="/checkout"] button')]);
  return Number(await page.getAttribute('#order-title', 'data-order-id'));
}

// The verdicts the embedded page lists, once it has loaded them.
async function rows(page, url) {
  await page.goto(url('/admin/apps/tiercart'));
  const frame = await (await page.waitForSelector('#app-frame')).contentFrame();
  await frame.waitForSelector('tiercart-admin-page[data-state=ready]');
  return frame.$$eval('li[data-order-id]', (items) =>
    items.map((item) => ({
      order: Number(item.dataset.orderId),
      earned: item.dataset.earned === 'true',
      why: item.querySelector('.verdict__reasons').textContent.trim(),
    })),
  );
}

test('an order placed at checkout reaches the server, signed, and is listed as earned', async () => {
  t = await setup({ app: true });
  // $89.00 + $32.00: the drawer adds the $100.00 tier's tote.
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await addFromProductPage(t, 'organic-cotton-tee', 2010);
  await settled(t.page);
  assert.equal(giftLines(await serverCart(t.page)).length, 1);
  const orderId = await checkout(t.page, t.url);

  assert.equal(t.store.store.order(orderId).webhook.status, 200);
  assert.deepEqual(await rows(t.page, t.url), [
    { order: orderId, earned: true, why: 'Every claimed reward was earned.' },
  ]);
});

test('a forged gift claim is flagged with its reason and listed before earned orders', async () => {
  t = await setup({ app: true });
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await addFromProductPage(t, 'organic-cotton-tee', 2010);
  const earnedId = await checkout(t.page, t.url);

  // An order the checkout did not price (a draft order, say) with a tote claimed on $32.00.
  const forged = {
    ...t.store.store.order(earnedId),
    id: earnedId + 1,
    name: `#${earnedId + 1}`,
  };
  forged.line_items = forged.line_items.filter((line) => line.variant_id !== 2002);
  forged.subtotal_price = forged.total_price = 3200;
  const answer = await t.store.app.deliver(ordersCreatePayload(forged, t.store.catalog));
  assert.equal(answer.status, 200);
  assert.equal(answer.body.earned, false);

  const listed = await rows(t.page, t.url);
  assert.deepEqual(
    listed.map((r) => [r.order, r.earned]),
    [
      [earnedId + 1, false],
      [earnedId, true],
    ],
  );
  assert.match(listed[0].why, /below_threshold/);
});

test('an order paid in euros is judged at the euro rate the server was given', async () => {
  t = await setup({ app: true });
  await t.page.goto(t.url('/'));
  await t.page.selectOption('#CurrencySelector', 'EUR');
  await Promise.all([t.page.waitForNavigation(), t.page.click('.header__currency button')]);
  await addFromProductPage(t, 'merino-crew-sweater', 2002);
  await addFromProductPage(t, 'organic-cotton-tee', 2010);
  assert.equal((await serverCart(t.page)).currency, 'EUR');
  const orderId = await checkout(t.page, t.url);
  const order = t.store.store.order(orderId);
  assert.equal(order.presentment_currency, 'EUR');
  assert.equal(order.webhook.body.earned, true, JSON.stringify(order.webhook.body));
});

test('without the server binary the checkout still works and the admin page says why', async () => {
  t = await setup({ app: true, appBinary: path.join(root, 'build', 'no-such-binary') });
  await addFromProductPage(t, 'organic-cotton-tee', 2010);
  const orderId = await checkout(t.page, t.url);
  assert.ok(t.store.store.order(orderId));
  await t.page.goto(t.url('/admin/apps/tiercart'));
  assert.match(await t.page.textContent('[role=alert]'), /not running/);
});
