// The order status page after checkout: offers added with one click (priced by the core on
// the store's side, never by the page), the edit window counting down, and the shipping
// address fixed with the core checking it as the customer types. axe-core on the element.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { root, saveScreenshot, setup } from './helpers.mjs';

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

const SOCKS = 2007; // offered with knitwear at $3 off (examples/offers/northbound.json)

// A merino sweater (knitwear) bought through the demo checkout; lands on the order page.
async function checkout() {
  await t.page.goto(t.url('/'));
  await t.page.evaluate(() =>
    fetch('/cart/add.js', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 2001, quantity: 1 }),
    }).then((r) => r.json()),
  );
  await t.page.goto(t.url('/checkout'));
  await t.page.click('form[action="/checkout"] button[type=submit]');
  await t.page.waitForURL(/\/orders\/\d+$/);
  await t.page.waitForSelector('tiercart-order-status [data-offer-id] button');
  return Number(t.page.url().match(/\/orders\/(\d+)$/)[1]);
}

const serverOrder = (id) =>
  t.page.evaluate(
    (orderId) =>
      fetch(`/orders/${orderId}.json`)
        .then((r) => r.json())
        .then((b) => b.order),
    id,
  );

async function axe(page, selector) {
  await page.addScriptTag({ content: fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async (sel) => {
    const result = await window.axe.run(document.querySelector(sel), { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, selector);
}

test('checkout, then the order page offers a line that one click adds at the price the core set', async () => {
  const id = await checkout();
  const socks = t.store.catalog.variantsById.get(SOCKS);
  const card = t.page.locator(`[data-offer-id="socks-with-knitwear"]`);
  // The price shown is the core's: the socks' price less the $3 discount, formatted.
  const shown = await card.locator('[data-offer-price]').textContent();
  const expectedCents = socks.price - 300;
  assert.equal(shown, `$${(expectedCents / 100).toFixed(2)}`);
  assert.deepEqual(t.errors, []);

  // A page that claims another price is refused and nothing is added.
  const tampered = await t.page.evaluate(
    (orderId) =>
      fetch(`/orders/${orderId}/offers/socks-with-knitwear`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ price: { amount: 1, currency: 'USD' } }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    id,
  );
  assert.equal(tampered.status, 409);
  assert.equal(tampered.body.error.code, 'price_mismatch');
  assert.equal((await serverOrder(id)).line_items.length, 1);

  const totalBefore = await t.page.locator('[data-order-total]').textContent();
  await card.locator('button').click();
  // The confirmation appears in the card that was clicked, and is announced.
  const confirmation = card.locator('[data-confirmation]');
  await confirmation.waitFor();
  assert.match(await confirmation.textContent(), / was added to your order for \$15\.00\. New total: /);
  assert.equal(await t.page.locator('tiercart-order-status [data-status]').textContent(), '');
  await t.page.waitForFunction(() =>
    /was added/.test(document.querySelector('tiercart-order-status [role=status]').textContent),
  );
  const order = await serverOrder(id);
  // The order's lines and total on the page follow, without a reload.
  const total = `$${(order.total_price / 100).toFixed(2)}`;
  assert.notEqual(total, totalBefore);
  assert.equal(await t.page.locator('[data-order-total]').textContent(), total);
  assert.ok((await confirmation.textContent()).endsWith(`New total: ${total}.`));
  assert.equal(
    await t.page.locator(`.summary li[data-variant="${SOCKS}"]`).textContent(),
    `1 × Trail Socks 3-Pack - M: $${(expectedCents / 100).toFixed(2)}`,
  );
  const added = order.line_items.find((l) => l.variant_id === SOCKS);
  assert.ok(added, 'the socks are a line of the order');
  assert.equal(added.final_line_price, expectedCents);
  assert.equal(
    order.total_price,
    order.line_items.reduce((n, l) => n + l.final_line_price, 0),
  );
  assert.equal(await card.locator('button').textContent(), 'Added');
  assert.equal(await card.locator('button').isDisabled(), true);

  // Clicking again (a retry) adds nothing; the order page lists the new line.
  const again = await t.page.evaluate(
    (orderId) =>
      fetch(`/orders/${orderId}/offers/socks-with-knitwear`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      }).then((r) => r.json()),
    id,
  );
  assert.equal(again.duplicate, true);
  assert.equal((await serverOrder(id)).line_items.filter((l) => l.variant_id === SOCKS).length, 1);
  await t.page.reload();
  assert.equal(await t.page.locator(`.summary li[data-variant="${SOCKS}"]`).count(), 1);
  assert.deepEqual(t.errors, []);
});

test('the edit window counts down and the address is checked as typed, then saved', async () => {
  const modules = [];
  t.page.on('request', (request) => {
    if (request.url().endsWith('.wasm')) modules.push(new URL(request.url()).pathname.split('/').pop());
  });
  const id = await checkout();
  const countdown = t.page.locator('tiercart-order-status [data-countdown]');
  const first = await countdown.textContent();
  assert.match(first, /another (29|30):\d\d/);
  // The ticking text is not a live region (it would be read out every second); the
  // announcements live in their own polite status element.
  assert.equal(await countdown.getAttribute('aria-live'), null);
  await t.page.waitForFunction(
    (before) => document.querySelector('tiercart-order-status [data-countdown]').textContent !== before,
    first,
  );

  const zip = t.page.getByLabel('ZIP or postal code');
  assert.equal(await zip.inputValue(), '04101');
  await zip.fill('');
  await zip.pressSequentially('0410');
  const error = t.page.locator('[data-error-for="zip"]');
  await t.page.waitForFunction(() => document.querySelector('[data-error-for="zip"]').textContent !== '');
  assert.equal(await error.textContent(), 'Enter a valid postal code for this country.');
  assert.equal(await zip.getAttribute('aria-invalid'), 'true');
  assert.equal(await zip.getAttribute('aria-describedby'), await error.getAttribute('id'));
  // The check is the order page's own module (docs/wasm.md).
  assert.ok(modules.includes('tiercart-order-core.wasm'), JSON.stringify(modules));
  // Marked by more than colour: an icon before the message, and a border of another style.
  assert.match(await error.evaluate((node) => getComputedStyle(node, '::before').content), /⚠/);
  assert.equal(await zip.evaluate((node) => getComputedStyle(node).borderRightStyle), 'dashed');
  // Saving now is stopped on the page, focus on the field.
  await t.page.getByRole('button', { name: 'Save address' }).click();
  await t.page.waitForFunction(() => document.activeElement?.name === 'zip');
  await t.page.waitForFunction(() => document.querySelector('tiercart-order-status [data-status]').textContent !== '');
  assert.doesNotMatch(await t.page.locator('tiercart-order-status [data-status]').textContent(), /red/);
  assert.equal((await serverOrder(id)).shipping_address.zip, '04101');

  await zip.pressSequentially('2');
  await t.page.waitForFunction(() => document.querySelector('[data-error-for="zip"]').textContent === '');
  assert.equal(await zip.getAttribute('aria-invalid'), null);
  await t.page.getByLabel('City').fill('  South   Portland ');
  await t.page.getByRole('button', { name: 'Save address' }).click();
  await t.page.waitForFunction(() =>
    /address was updated/.test(document.querySelector('tiercart-order-status [data-status]').textContent),
  );
  const saved = (await serverOrder(id)).shipping_address;
  assert.equal(saved.zip, '04102');
  assert.equal(saved.city, 'South Portland'); // normalised by the core
  assert.equal(await t.page.getByLabel('City').inputValue(), 'South Portland');

  // The store refuses what the page would have refused: a bad zip sent directly.
  const refused = await t.page.evaluate(
    (orderId) =>
      fetch(`/orders/${orderId}/address`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          last_name: 'Hale',
          address1: '1 Main St',
          city: 'Portland',
          province_code: 'ME',
          zip: '999',
          country_code: 'US',
        }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    id,
  );
  assert.equal(refused.status, 422);
  assert.equal(refused.body.error.problems[0].field, 'zip');
  assert.deepEqual(t.errors, []);
});

test('past the edit window the store refuses the change and the page says so', async () => {
  const id = await checkout();
  // The order was placed 31 minutes ago: the 30-minute window is closed.
  const order = t.store.store.order(id);
  order.created_at = new Date(Date.now() - 31 * 60 * 1000).toISOString();
  await t.page.reload();
  await t.page.waitForSelector('tiercart-order-status [data-countdown]');
  assert.equal(
    await t.page.locator('tiercart-order-status [data-countdown]').textContent(),
    'Your order can no longer be changed.',
  );
  assert.equal(await t.page.locator('tiercart-order-status form').isHidden(), true);
  const refused = await t.page.evaluate(
    (orderId) =>
      fetch(`/orders/${orderId}/address`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          last_name: 'Hale',
          address1: '1 Main St',
          city: 'Portland',
          province_code: 'ME',
          zip: '04102',
          country_code: 'US',
        }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    id,
  );
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'edit_window_closed');
  assert.equal((await serverOrder(id)).shipping_address.zip, '04101');
});

test('axe-core finds no violations in the order status element', async () => {
  await checkout();
  await t.page.getByLabel('ZIP or postal code').fill('1');
  await t.page.getByLabel('ZIP or postal code').blur();
  await t.page.waitForFunction(() => document.querySelector('[data-error-for="zip"]').textContent !== '');
  assert.deepEqual(await axe(t.page, 'tiercart-order-status'), []);
  await t.page.screenshot({ path: saveScreenshot('order-status'), fullPage: true });
});
