// The A/B test part of the embedded admin (web/admin/ab-test.js) against the real
// tiercart-server: a test is started through its form (a refusal shown by the field it names),
// shows each arm's tiers side by side and the orders per arm as signed webhooks bring them,
// says what the results decide and by which rule, and is ended after a confirm dialog keeping
// arm B, whose tiers are then live. Axe-clean, and no wider than a 375 px phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ordersCreatePayload } from '../../demo/app-server.mjs';
import { appAdmin, axe, saveAppScreenshot, saveScreenshot, sharedStore, toteAt90 } from './helpers.mjs';

const ORDERS = 12;
let shared;
let api;

// Two saved versions besides the live northbound-rewards@1: @2 lowers the tote to $90.00 and
// free shipping to $40.00; euro-rewards@1 is in euros, which a test of a USD program refuses.
before(async () => {
  shared = await sharedStore({ app: true });
  api = appAdmin(shared.store.app);
  const candidate = toteAt90((program) => {
    program.bars[0].tiers.find((tier) => tier.id === 'free-shipping').threshold = 4000;
  });
  const euros = { ...structuredClone(candidate), id: 'euro-rewards', version: 1, currency: 'EUR' };
  for (const saved of [candidate, euros]) {
    const res = await api('POST', '/admin/programs', saved);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
});

after(async () => {
  await shared?.close();
});

// Orders placed from `ORDERS` carts of distinct tokens ($89 and $121, no gift claimed), each
// carrying its token in the arm attribute as the drawer writes it: the core decides the arm.
async function placeOrders() {
  const { store, app, catalog } = shared.store;
  for (let i = 0; i < ORDERS; i++) {
    const cart = store.cartFor();
    store.add(
      cart,
      i % 2
        ? [{ id: 2002, quantity: 1 }]
        : [
            { id: 2002, quantity: 1 },
            { id: 2010, quantity: 1 },
          ],
    );
    const order = store.checkout(cart, 'USD');
    const payload = ordersCreatePayload(order, catalog);
    payload.cart_token = `ab-cart-${i}`;
    payload.note_attributes = [{ name: '_tiercart_arm', value: payload.cart_token }];
    const delivered = await app.deliver(payload);
    assert.equal(delivered.body.earned, true, JSON.stringify(delivered.body));
  }
}

// Each arm's tiers as shown: {tier: threshold}.
const tiersOf = (frame, arm) =>
  frame.$$eval(
    `table[data-bar=rewards] tbody tr`,
    (rows, column) =>
      Object.fromEntries(
        rows.map((row) => [row.dataset.tier, row.querySelector(`td[data-arm=${column}]`).textContent]),
      ),
    arm,
  );

const overflow = (frame) =>
  frame.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const parts = [...document.querySelectorAll('.card, tiercart-ab-test *')];
    return Math.max(
      document.documentElement.scrollWidth - width,
      ...parts
        .filter((node) => !node.closest('.table-scroll, dialog'))
        .map((node) => Math.ceil(node.getBoundingClientRect().right) - width),
    );
  });

test('an A/B test: started from the form, both arms shown, orders counted per arm, ended keeping arm B', async () => {
  const merchant = await shared.shopper('desktop');
  const { page } = merchant;
  try {
    await page.goto(merchant.url('/admin/apps/tiercart'));
    const frame = await (await page.waitForSelector('#app-frame')).contentFrame();
    await frame.waitForSelector('tiercart-admin-page[data-state=ready]');
    await frame.click('details#ab-test > summary');
    await frame.waitForSelector('tiercart-ab-test[data-state=idle] form');
    const part = 'tiercart-ab-test';

    // The form: the live program's newest other version first, a name from what is compared.
    assert.equal(await frame.inputValue('#ab-candidate'), 'northbound-rewards@2');
    assert.match(await frame.inputValue('#ab-id'), /^v2-vs-v1-\d{4}-\d\d-\d\d$/);
    assert.equal(await frame.inputValue('#ab-split'), '50');
    assert.match(await frame.textContent(`${part} form`), /euro-rewards, version 1/);

    // Checked in the page first: each field says what is wrong, the alert how many.
    await frame.fill('#ab-id', 'Spring Test');
    await frame.fill('#ab-split', '100');
    await frame.click('button:has-text("Start test")');
    await frame.waitForSelector('#ab-id[aria-invalid=true]');
    assert.equal(await frame.textContent(`${part} [role=alert]`), 'Check the 2 field(s) marked below.');
    assert.match(await frame.textContent('#ab-id-error'), /lowercase letters, digits/);
    assert.equal(await frame.textContent('#ab-split-error'), 'Enter a whole number from 1 to 99.');
    assert.equal(await frame.evaluate(() => document.activeElement.id), 'ab-id');
    assert.equal(await frame.getAttribute('#ab-split', 'aria-describedby'), 'ab-split-help ab-split-error');

    // Refused by the server: the alert says why, the field it names says so too.
    await frame.fill('#ab-id', 'tote-at-90');
    await frame.fill('#ab-split', '30');
    await frame.selectOption('#ab-candidate', 'euro-rewards@1');
    await frame.click('button:has-text("Start test")');
    await frame.waitForSelector('#ab-candidate[aria-invalid=true]');
    assert.match(await frame.textContent(`${part} [role=alert]`), /^Could not start the test: .*EUR/);
    assert.match(await frame.textContent('#ab-candidate-error'), /EUR/);
    assert.equal(await frame.getAttribute('#ab-id', 'aria-invalid'), null);
    assert.deepEqual(await axe(frame, 'details#ab-test'), []);
    await (await frame.$('details#ab-test')).screenshot({ path: saveScreenshot('admin-ab-test-form') });

    await frame.selectOption('#ab-candidate', 'northbound-rewards@2');
    await frame.click('button:has-text("Start test")');
    await frame.waitForSelector(`${part}[data-state=running]`);
    assert.equal(await frame.evaluate(() => document.activeElement.id), 'ab-running-heading');
    assert.equal(await frame.textContent('#ab-running-heading'), 'Test tote-at-90');
    assert.equal(await frame.textContent('[data-split]'), '30% of carts in arm B, 70% in arm A');
    assert.match(await frame.textContent(`${part} [role=status]`), /^Test tote-at-90 started: 30% of carts see arm B/);
    // Each arm's thresholds, from the live version's document.
    assert.deepEqual(await tiersOf(frame, 'a'), {
      'free-shipping': '$50.00',
      tote: '$100.00',
      'pick-a-gift': '$150.00',
    });
    assert.deepEqual(await tiersOf(frame, 'b'), {
      'free-shipping': '$40.00',
      tote: '$90.00',
      'pick-a-gift': '$150.00',
    });
    // The overview shows the version the test runs in.
    await frame.waitForSelector('tiercart-program-list li[data-active=true]:has-text("Version 3")');

    // Orders come in; Refresh reads them.
    await placeOrders();
    await frame.click('button:has-text("Refresh")');
    await frame.waitForFunction(
      (count) =>
        [...document.querySelectorAll('[data-table=arms] [data-orders]')].reduce(
          (n, cell) => n + Number(cell.dataset.orders),
          0,
        ) === count,
      ORDERS,
    );
    await frame.waitForSelector(`${part}[data-state=running]`);
    // A row per measure, a column per arm.
    const table = await frame.$$eval('[data-table=arms] tr', (trs) =>
      trs.map((tr) => [...tr.cells].map((cell) => cell.textContent)),
    );
    assert.deepEqual(table[0], ['Per arm', 'Arm A', 'Arm B']);
    assert.deepEqual(
      table.slice(1).map((row) => row[0]),
      ['Orders', 'Average order value', 'AOV, 95% interval', 'Rewards cost per order', 'Net per order'],
    );
    const orders = table[1].slice(1).map(Number);
    assert.equal(orders[0] + orders[1], ORDERS);
    for (const arm of [1, 2].filter((column) => Number(table[1][column]) > 0)) {
      assert.match(table[2][arm], /^\$\d+\.\d\d$/);
      assert.match(table[3][arm], /^\$\d+\.\d\d – \$\d+\.\d\d$/);
      assert.equal(table[4][arm], '$0.00');
    }
    // Still collecting: so many orders short of 100 in each arm, and the rule in words.
    const verdict = await frame.textContent(`${part} [role=status]`);
    const short = orders.map((n, i) => `${100 - n} more orders in arm ${'AB'[i]}`);
    assert.equal(verdict, `${short.join(' and ')} before the test can decide.`);
    assert.match(
      await frame.textContent('[data-rule]'),
      /^How the test decides: An arm wins when both arms have at least 100/,
    );
    assert.equal(await frame.getAttribute('[data-keep=b]', 'class'), 'button');
    assert.deepEqual(await axe(frame, 'details#ab-test'), []);
    assert.doesNotMatch(await frame.innerText('body'), /\b(null|undefined|NaN)\b/);
    await saveAppScreenshot(page, frame, 'admin-ab-test');

    // At 375 px the tables, three columns each, fit the phone.
    await page.setViewportSize({ width: 375, height: 812 });
    await frame.evaluate(() => new Promise(requestAnimationFrame));
    assert.ok((await overflow(frame)) <= 0, `${await overflow(frame)} px past the frame`);
    const scrolled = await frame.$$eval(
      'tiercart-ab-test .table-scroll',
      (nodes) => nodes.filter((node) => node.scrollWidth > node.clientWidth).length,
    );
    assert.equal(scrolled, 0, 'a table of the test scrolls sideways on a phone');
    await saveAppScreenshot(page, frame, 'admin-ab-test-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Keep arm B: a confirm dialog first; Escape leaves everything as it was.
    await frame.click('[data-keep=b]');
    await frame.waitForSelector('dialog.confirm[open]');
    await page.screenshot({ path: saveScreenshot('admin-ab-test-confirm') });
    assert.equal(await frame.textContent('#ab-confirm-title'), 'End test tote-at-90 and keep arm B?');
    assert.equal(await frame.evaluate(() => document.activeElement.textContent), 'Cancel');
    await page.keyboard.press('Escape');
    await frame.waitForSelector('dialog.confirm:not([open])', { state: 'attached' });
    assert.equal(await frame.evaluate(() => document.activeElement.dataset.keep), 'b');
    assert.deepEqual(await axe(frame, 'details#ab-test'), []);
    await frame.click('[data-keep=b]');
    await frame.click('dialog.confirm button:has-text("End test, keep arm B")');
    await frame.waitForSelector(`${part}[data-state=idle] form`);
    assert.equal(
      await frame.textContent(`${part} [role=status]`),
      'Test tote-at-90 ended: arm B’s tiers are live as version 4.',
    );
    assert.equal(await frame.evaluate(() => document.activeElement.id), 'ab-start-heading');
    await frame.waitForSelector('tiercart-program-list li[data-active=true]:has-text("Version 4")');

    // The live program: no test, arm B's thresholds.
    const listed = await api('GET', '/admin/programs');
    const live = listed.body.programs.find((p) => p.active);
    assert.deepEqual([live.id, live.version], ['northbound-rewards', 4]);
    const { body } = await api('GET', '/admin/programs/northbound-rewards/versions/4');
    assert.equal(body.program.experiment, undefined);
    assert.deepEqual(
      body.program.bars[0].tiers.map((tier) => [tier.id, tier.threshold]),
      [
        ['free-shipping', 4000],
        ['tote', 9000],
        ['pick-a-gift', 15000],
      ],
    );
    assert.deepEqual(merchant.errors, []);
  } finally {
    await merchant.close();
  }
});

// The verdict's words once the test can decide: the figures are the server's for the running
// test, with its decision replaced (a winner needs 100 orders an arm).
test('a decided test names the winner, its lead after rewards and p; its Keep button is the emphasised one', async () => {
  const started = await api('POST', '/admin/experiments', {
    program: 'northbound-rewards',
    candidate: 'northbound-rewards@1',
    id: 'back-to-100',
    split: 50,
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  const merchant = await shared.shopper('desktop');
  const { page } = merchant;
  let decided = {
    status: 'winner',
    winner: 'a',
    p_value: 0.0031,
    difference: { amount: -500, text: '-$5.00' },
  };
  try {
    await page.route('**/admin/analytics?*', async (route) => {
      const report = await (await route.fetch()).json();
      report.experiments = [
        {
          id: 'back-to-100',
          metric: 'net_per_order',
          min_orders_per_arm: 100,
          arms: [],
          rule: 'An arm wins when both arms have at least 100 orders.',
          ...decided,
        },
      ];
      await route.fulfill({ json: report });
    });
    await page.goto(merchant.url('/admin/apps/tiercart'));
    const frame = await (await page.waitForSelector('#app-frame')).contentFrame();
    await frame.waitForSelector('tiercart-admin-page[data-state=ready]');
    await frame.click('details#ab-test > summary');
    await frame.waitForSelector('tiercart-ab-test[data-state=running]');
    assert.equal(
      await frame.textContent('tiercart-ab-test [role=status]'),
      'Arm A brings $5.00 more per order after rewards (p = 0.003).',
    );
    assert.equal(await frame.getAttribute('[data-keep=a]', 'class'), 'button button--primary');
    assert.equal(await frame.getAttribute('[data-keep=b]', 'class'), 'button');
    assert.equal(
      await frame.textContent('[data-rule]'),
      'How the test decides: An arm wins when both arms have at least 100 orders.',
    );
    // With no orders in an arm, its figures are dashes.
    assert.deepEqual(await frame.$$eval('[data-measure=aov] td', (cells) => cells.map((c) => c.textContent)), [
      '–',
      '–',
    ]);

    decided = { status: 'no_difference', winner: null, p_value: 0.41, difference: { amount: 40, text: '$0.40' } };
    await frame.click('button:has-text("Refresh")');
    await frame.waitForSelector(
      'tiercart-ab-test[data-state=running] [role=status]:has-text("No difference yet (p = 0.41)")',
    );
    assert.equal(await frame.getAttribute('[data-keep=a]', 'class'), 'button');
    assert.deepEqual(merchant.errors, []);
  } finally {
    await merchant.close();
    await api('POST', '/admin/experiments/end', { program: 'northbound-rewards', keep: 'a' });
  }
});
