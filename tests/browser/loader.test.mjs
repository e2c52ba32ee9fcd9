// The loader: small, silent until needed, and it loads the drawer and the core lazily.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, test } from 'node:test';
import { root, settled, setup } from './helpers.mjs';

test('the loader is at most 10,000 bytes gzipped', () => {
  const size = zlib.gzipSync(fs.readFileSync(path.join(root, 'web/tiercart-loader.js')), { level: 9 }).length;
  assert.ok(size <= 10000, `${size} bytes`);
});

let t;
beforeEach(async () => {
  t = await setup();
});
afterEach(async () => {
  await t.teardown();
});

function recordRequests(page) {
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url()).pathname));
  return urls;
}

test('nothing loads or renders before idle or interaction; the first click loads and opens', async () => {
  // No idle time ever: only an interaction can load the drawer.
  await t.page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  const urls = recordRequests(t.page);
  await t.page.goto(t.url('/'));
  await t.page.waitForTimeout(800);
  assert.ok(urls.some((u) => u.endsWith('/tiercart-loader.js')));
  assert.ok(!urls.some((u) => /tiercart-(drawer|core)|\.wasm$|cart\.js$/.test(u)), urls.join(' '));
  assert.equal(await t.page.locator('tiercart-drawer').isHidden(), true);
  assert.equal(await t.page.locator('tiercart-drawer dialog').count(), 0);

  // The core held back (a slow phone): the drawer opens at once, saying it is loading.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await t.page.route('**/tiercart-core.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await t.page.click('#cart-icon-bubble');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  const loading = t.page.locator('tiercart-drawer .tiercart-loading');
  assert.equal(await loading.textContent(), 'Updating cart');
  assert.equal(await loading.isVisible(), true);
  assert.equal(await t.page.locator('tiercart-drawer dialog').getAttribute('aria-busy'), 'true');
  assert.equal(await t.page.locator('tiercart-drawer').getAttribute('data-ready'), null);
  release();
  await settled(t.page);
  assert.equal(await loading.isVisible(), false);
  assert.equal(await t.page.locator('tiercart-drawer dialog').getAttribute('aria-busy'), 'false');
  assert.ok(urls.some((u) => u.endsWith('/tiercart-drawer.js')));
  assert.ok(urls.some((u) => u.endsWith('/tiercart-core.wasm')));
  // The click was not lost: no navigation to /cart.
  assert.equal(new URL(t.page.url()).pathname, '/');
});

test('the first interaction asks for the drawer and the whole core at once, and fetches each file once', async () => {
  await t.page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  const urls = recordRequests(t.page);
  await t.page.goto(t.url('/'));
  // The drawer module is held back: the core's wrapper, glue and .wasm are asked for meanwhile,
  // not after it (one round trip on a phone's network instead of four).
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await t.page.route('**/tiercart-drawer.js', async (route) => {
    await held;
    await route.continue();
  });
  const asked = ['tiercart.js', 'tiercart-core.js', 'tiercart-core.wasm', 'tiercart.css'].map((file) =>
    t.page.waitForRequest((request) => request.url().endsWith(`/${file}`), { timeout: 10000 }),
  );
  await t.page.click('#cart-icon-bubble');
  await Promise.all(asked);
  release();
  await settled(t.page);
  for (const file of ['tiercart-drawer.js', 'tiercart.js', 'tiercart-core.js', 'tiercart-core.wasm', 'tiercart.css']) {
    assert.equal(urls.filter((u) => u.endsWith(`/${file}`)).length, 1, `${file}: ${urls.join(' ')}`);
  }
});

test('on idle the drawer and the core load without any interaction', async () => {
  const urls = recordRequests(t.page);
  await t.page.goto(t.url('/'));
  await t.page.waitForFunction(() => document.querySelector('tiercart-drawer')?.hasAttribute('data-ready'));
  assert.ok(urls.some((u) => u.endsWith('/tiercart-core.wasm')));
  assert.equal(await t.page.locator('tiercart-drawer dialog').evaluate((d) => d.open), false);
});

test('without JavaScript the product form still adds to the cart (progressive enhancement)', async () => {
  await t.page.goto(t.url('/products/merino-crew-sweater?tiercart_off=1'));
  await t.page.click('.product-form button[type=submit]');
  await t.page.waitForURL(/\/cart$/);
  assert.match(await t.page.locator('.cart-table').textContent(), /Merino Crew Sweater - S/);
});
