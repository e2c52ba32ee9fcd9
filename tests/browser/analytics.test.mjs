// The merchant's figures and the what-if replay in the embedded admin (web/admin/analytics.js,
// what-if.js), against the real tiercart-server: orders reach it as signed webhooks, the page
// draws its charts (Chart.js) with a table of the same numbers under each, is axe-clean and no
// wider than a 375 px phone; an orders export uploads with a progress bar and the active
// program is compared with a saved candidate; a bad export is named by row and column.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ordersCreatePayload } from '../../demo/app-server.mjs';
import { appAdmin, axe, root, saveAppScreenshot, sharedStore, toteAt90 } from './helpers.mjs';

const FIXTURES = path.join(root, 'tests', 'browser', 'fixtures');
let shared;

// Four orders today: $121 (free shipping and the tote, claimed), $89 (free shipping), $32
// (nothing), and a forged tote claim on $32 (flagged). A candidate version of the program
// lowers the tote to $90.00.
before(async () => {
  shared = await sharedStore({ app: true });
  const { store, app, catalog } = shared.store;
  const place = async (lines) => {
    const cart = store.cartFor();
    store.add(cart, lines);
    const order = store.checkout(cart, 'USD');
    assert.equal((await app.deliver(ordersCreatePayload(order, catalog))).body.earned, true);
    return order;
  };
  const tote = { id: 9001, quantity: 1, properties: { _tiercart: 'northbound-rewards@1:tote' } };
  const first = await place([{ id: 2002, quantity: 1 }, { id: 2010, quantity: 1 }, tote]);
  await place([{ id: 2002, quantity: 1 }]);
  await place([{ id: 2010, quantity: 1 }]);
  // An order the checkout did not price (a draft order, say): the tote claimed on $32.00.
  const forged = { ...first, id: first.id + 1000, name: `#${first.id + 1000}` };
  forged.line_items = first.line_items.filter((line) => line.variant_id !== 2002);
  forged.subtotal_price = forged.total_price = 3200;
  assert.equal((await app.deliver(ordersCreatePayload(forged, catalog))).body.earned, false);
  const res = await appAdmin(app)('POST', '/admin/programs', toteAt90());
  assert.equal(res.status, 201, JSON.stringify(res.body));
});

after(async () => {
  await shared?.close();
});

// The admin with the app's frame ready, and the part `name` opened and loaded.
async function openPart(page, url, name) {
  await page.goto(url('/admin/apps/tiercart'));
  const frame = await (await page.waitForSelector('#app-frame')).contentFrame();
  await frame.waitForSelector('tiercart-admin-page[data-state=ready]');
  await frame.click(`details#${name} > summary`);
  return frame;
}

// Each chart: its canvas's drawn size and the points Chart.js holds.
const charts = (frame) =>
  frame.$$eval('tiercart-chart', (nodes) =>
    nodes.map((node) => {
      const canvas = node.querySelector('canvas');
      return {
        name: node.dataset.chart,
        width: canvas.getBoundingClientRect().width,
        height: canvas.getBoundingClientRect().height,
        role: canvas.getAttribute('role'),
        label: canvas.getAttribute('aria-label'),
        points: node.chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0),
        lines: node.chart.options.plugins.tiercartThresholds.lines.map((line) => line.label),
        rows: node.querySelectorAll('table tbody tr').length,
      };
    }),
  );

// How far the frame's page, or any card in it, reaches past the frame's width.
const overflow = (frame) =>
  frame.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const cards = [...document.querySelectorAll('.card, canvas, .figures, .compare')];
    return Math.max(
      document.documentElement.scrollWidth - width,
      ...cards.map((node) => Math.ceil(node.getBoundingClientRect().right) - width),
    );
  });

test('the figures: headline, tiers, three charts with their tables, axe-clean', async () => {
  const merchant = await shared.shopper('desktop');
  try {
    const frame = await openPart(merchant.page, merchant.url, 'analytics');
    await frame.waitForSelector('tiercart-analytics[data-state=ready]');
    const figure = (name) => frame.textContent(`[data-figure=${name}] dd`);
    assert.equal(await figure('orders'), '4');
    assert.equal(await figure('flagged'), '1');
    assert.match(await frame.textContent('[data-figure=flagged]'), /below_threshold/);
    const reached = (tier) => frame.textContent(`[data-table=tiers] tr[data-tier=${tier}] [data-reached]`);
    assert.equal(await reached('free-shipping'), '2');
    assert.equal(await reached('tote'), '1');
    assert.match(await frame.textContent('[data-table=tiers] tr[data-tier=tote]'), /\$100\.00.*25%/);

    const drawn = await charts(frame);
    assert.deepEqual(
      drawn.map((c) => c.name),
      ['subtotals', 'aov', 'reach'],
    );
    for (const chart of drawn) {
      assert.ok(chart.width > 100 && chart.height > 100, `${chart.name} is ${chart.width}x${chart.height}`);
      assert.ok(chart.points > 0, `${chart.name} has no points`);
      assert.ok(chart.rows > 0, `${chart.name} has no table`);
      assert.equal(chart.role, 'img');
      assert.ok(chart.label.length > 20);
    }
    // The live program's spend thresholds, reached or not, drawn on the subtotals with their labels.
    assert.deepEqual(drawn[0].lines, ['free-shipping $50.00', 'pick-a-gift $150.00', 'tote $100.00']);
    assert.match(drawn[0].label, /4 order subtotals/);
    // The subtotal table counts every order, and names the range a threshold falls in.
    const bars = await frame.$$eval('[data-chart=subtotals] tbody tr', (rows) =>
      rows.map((row) => [...row.cells].map((cell) => cell.textContent)),
    );
    assert.equal(
      bars.reduce((n, row) => n + Number(row[1]), 0),
      4,
    );
    assert.ok(bars.some((row) => row[2] === 'tote $100.00' && row[0].startsWith('$100.00')));
    // Today's period in the tables: 4 orders, the tote reached by one of them.
    assert.match(await frame.textContent('[data-chart=reach] tbody'), /25% \(1\)/);

    for (const details of await frame.$$('tiercart-chart details')) await details.evaluate((d) => (d.open = true));
    assert.deepEqual(await axe(frame, 'body'), []);
    assert.doesNotMatch(await frame.innerText('body'), /\b(null|undefined|NaN)\b/);
    for (const details of await frame.$$('tiercart-chart details')) await details.evaluate((d) => (d.open = false));
    await saveAppScreenshot(merchant.page, frame, 'admin-analytics');

    // Grouped by week, the same orders.
    await frame.selectOption('#analytics-period', 'week');
    await frame.waitForSelector('tiercart-analytics[data-state=ready]');
    assert.equal(await figure('orders'), '4');
    assert.deepEqual(merchant.errors, []);
  } finally {
    await merchant.close();
  }
});

test('what-if: the export uploads with a progress bar and the candidate is compared side by side', async () => {
  const merchant = await shared.shopper('desktop');
  try {
    const frame = await openPart(merchant.page, merchant.url, 'what-if');
    await frame.waitForSelector('#what-if-candidate option[value="northbound-rewards@2"]', { state: 'attached' });
    await frame.setInputFiles('#what-if-file', path.join(FIXTURES, 'orders-export.csv'));
    await frame.selectOption('#what-if-candidate', 'northbound-rewards@2');
    await frame.click('button:has-text("Replay orders")');
    await frame.waitForSelector('tiercart-what-if:is([data-state=ready], [data-state=error])');
    assert.equal(await frame.textContent('tiercart-what-if [role=alert]'), '');
    const progress = await frame.$eval('tiercart-what-if progress', (p) => [p.value, p.max]);
    assert.ok(progress[1] > 1000 && progress[0] === progress[1], `progress ${progress}`);

    // 24 orders, one cancelled and left out; the tote at $100.00 against $90.00.
    const column = (role, selector) => frame.textContent(`[data-program=${role}] ${selector}`);
    assert.equal(await column('current', '[data-orders]'), '23');
    assert.match(await column('current', '.facts'), /1 cancelled/);
    assert.match(await column('current', 'tr[data-tier=tote]'), /\$100\.00/);
    assert.match(await column('candidate', 'tr[data-tier=tote]'), /\$90\.00/);
    // Eight at or over $100.00, three of them near it ($92, $97, $99); at $90.00 those join.
    assert.equal(await column('current', 'tr[data-tier=tote] [data-reached]'), '8');
    assert.equal(await column('current', 'tr[data-tier=tote] [data-near]'), '3');
    assert.equal(await column('candidate', 'tr[data-tier=tote] [data-reached]'), '11');
    // Enough orders (20) for the core to propose thresholds, each with its rule.
    assert.ok((await frame.$$('[data-program=current] .proposals li')).length > 0);
    assert.match(
      await column('current', '.proposals li[data-tier=tote]'),
      /^tote: \$\d+\.00 \(now \$100\.00\):.*percentile/,
    );
    assert.match(await column('current', 'h3'), /northbound-rewards, version 1/);
    assert.match(await column('candidate', 'h3'), /northbound-rewards, version 2/);

    const [chart] = await charts(frame);
    assert.ok(chart.width > 100 && chart.points > 0);
    assert.ok(chart.lines.includes('tote $100.00') && chart.lines.includes('tote $90.00'), chart.lines.join());
    assert.deepEqual(await axe(frame, 'body'), []);
    await saveAppScreenshot(merchant.page, frame, 'admin-what-if');

    // A price the core cannot read: named by its row and column, nothing shown as replayed.
    await frame.setInputFiles('#what-if-file', path.join(FIXTURES, 'orders-export-bad.csv'));
    await frame.click('button:has-text("Replay orders")');
    await frame.waitForSelector('tiercart-what-if[data-state=error]');
    assert.match(await frame.textContent('tiercart-what-if [role=alert]'), /row 3, column Lineitem price/);

    // Over 64 MiB: refused in the page, before a byte is sent.
    const uploads = [];
    merchant.page.on('request', (request) => request.url().includes('/admin/what-if') && uploads.push(request));
    await frame.evaluate(() => {
      const files = new DataTransfer();
      files.items.add(new File([new Uint8Array(64 * 1024 * 1024 + 1)], 'everything.csv', { type: 'text/csv' }));
      document.querySelector('#what-if-file').files = files.files;
    });
    await frame.click('button:has-text("Replay orders")');
    // (already in its error state from the file before: wait for this message)
    await frame.waitForSelector('tiercart-what-if[data-state=error] [role=alert]:has-text("up to 64 MB")');
    assert.equal(uploads.length, 0);
    assert.deepEqual(merchant.errors, []);
  } finally {
    await merchant.close();
  }
});

test('at 375 px both parts fit the phone: charts shrink, tables scroll inside their card', async () => {
  const merchant = await shared.shopper('desktop');
  try {
    await merchant.page.setViewportSize({ width: 375, height: 812 });
    const frame = await openPart(merchant.page, merchant.url, 'analytics');
    await frame.waitForSelector('tiercart-analytics[data-state=ready]');
    await frame.click('details#what-if > summary');
    await frame.setInputFiles('#what-if-file', path.join(FIXTURES, 'orders-export.csv'));
    await frame.click('button:has-text("Replay orders")');
    await frame.waitForSelector('tiercart-what-if[data-state=ready]');
    const width = await frame.evaluate(() => document.documentElement.clientWidth);
    assert.ok(width <= 375, `the frame is ${width} px wide`);
    assert.ok((await overflow(frame)) <= 0, `${await overflow(frame)} px past the frame`);
    for (const chart of await charts(frame)) assert.ok(chart.width > 100 && chart.width < width, chart.name);
    // The wide tables scroll inside their card instead of widening the page.
    const scrolling = await frame.$$eval('.table-scroll', (nodes) =>
      nodes.filter((node) => node.scrollWidth > node.clientWidth).map((node) => node.querySelector('table').dataset),
    );
    assert.ok(scrolling.length > 0, 'no table is wider than the phone');
    assert.ok(
      await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'the page scrolls sideways',
    );
    await saveAppScreenshot(merchant.page, frame, 'admin-insight-phone');
  } finally {
    await merchant.close();
  }
});

test('while the figures load the part says so; a failed request is announced', async () => {
  const merchant = await shared.shopper('desktop');
  let release;
  const held = new Promise((resolve) => (release = resolve));
  try {
    await merchant.page.route('**/admin/analytics?*', async (route) => {
      await held;
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: '{"error":{"code":"storage_unavailable","message":"the database is unavailable; try again later"}}',
      });
    });
    const frame = await openPart(merchant.page, merchant.url, 'analytics');
    await frame.waitForSelector('tiercart-analytics[data-state=loading][aria-busy=true]');
    assert.equal(await frame.textContent('tiercart-analytics [role=status]'), 'Loading the figures…');
    release();
    await frame.waitForSelector('tiercart-analytics[data-state=error]');
    assert.equal(
      await frame.textContent('tiercart-analytics [role=alert]'),
      'Could not load the figures: the database is unavailable; try again later',
    );
    assert.equal(await frame.textContent('tiercart-analytics [role=status]'), '');
  } finally {
    release();
    await merchant.close();
  }
});
