// Shared setup of the browser tests: a demo store on an ephemeral port and Debian's Chromium
// driven by playwright-core (no browser download; see ../shared/TOOLCHAIN.md).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../demo/server.mjs';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifacts = path.join(root, 'build', 'artifacts');

// A golden fixture's program (tests/fixtures/<fixture>.input.json) in a file the demo can start
// with; the files go when the test process exits.
let fixtureDir = null;
export function fixtureProgramFile(fixture) {
  if (!fixtureDir) {
    fixtureDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-fixture-programs-'));
    const dir = fixtureDir;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const input = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'fixtures', `${fixture}.input.json`), 'utf8'));
  const file = path.join(fixtureDir, `${fixture}.json`);
  fs.writeFileSync(file, JSON.stringify(input.program));
  return file;
}

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// The two screens a shopper uses: a desktop window and a phone (390x844, touch, a mobile
// viewport that zooms out when the page is wider than the screen).
export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// One store and one browser for a whole test file; each test opens a shopper of its own
// (shopper(): a new browser context, so its own cart cookie and sessionStorage) at a viewport of
// VIEWPORTS. Closing the shopper's context is the test's job (shopper.close()).
export async function sharedStore(options = {}) {
  const store = await startServer({ port: 0, ...options });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    store,
    async shopper(viewport = 'desktop') {
      const context = await browser.newContext(VIEWPORTS[viewport]);
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error));
      return { store, page, errors, url: (p = '') => new URL(p, store.url).href, close: () => context.close() };
    },
    async close() {
      await browser.close();
      await store.close();
    },
  };
}

// The value (parsed JSON) of the first metafield the demo's Admin API holds for `shop` that
// `wanted(owner, field, value)` accepts, once the app's outbox has delivered it: the server
// publishes on its own clock. Fails with `what` after 15 s.
export async function deliveredMetafield(store, shop, wanted, what) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const res = await fetch(new URL(`/__demo/admin-api/shops/${shop}/state`, store.url));
    const state = await res.json();
    for (const [owner, fields] of Object.entries(state.metafields)) {
      for (const field of fields) {
        const value = field.type === 'json' ? JSON.parse(field.value) : field.value;
        if (wanted(owner, field, value)) return value;
      }
    }
    if (Date.now() > deadline) assert.fail(what);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A fresh store and browser per test: nothing leaks from one test into the next.
export async function setup(options = {}) {
  const store = await startServer({ port: 0, ...options });
  const browser = await launch();
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  return {
    store,
    page,
    errors,
    url: (p = '') => new URL(p, store.url).href,
    async teardown() {
      await browser.close();
      await store.close();
    },
  };
}

// The cart the store holds (not what the page shows).
export async function serverCart(page) {
  return page.evaluate(() => fetch('/cart.js').then((r) => r.json()));
}

export const giftLines = (cart) => cart.items.filter((i) => i.properties && '_tiercart' in i.properties);

// Waits until the drawer has settled: its queue empty and the last sync rendered.
export async function settled(page) {
  await page.waitForFunction(() => {
    const drawer = document.querySelector('tiercart-drawer');
    return (
      drawer &&
      drawer.hasAttribute('data-ready') &&
      drawer.queue.waiting === 0 &&
      drawer.dialog.dataset.busy === 'false'
    );
  });
  await page.evaluate(() => document.querySelector('tiercart-drawer').queue.idle());
}

// Adds a product from its page with the product form (variant picked by id), like a shopper.
export async function addFromProductPage(t, handle, variantId, quantity = 1) {
  await t.page.goto(t.url(`/products/${handle}`));
  if (await t.page.locator('#ProductVariant').count()) await t.page.selectOption('#ProductVariant', String(variantId));
  await t.page.fill('#Quantity', String(quantity));
  await t.page.click('.product-form button[type=submit]');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
}

export function saveScreenshot(name) {
  fs.mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, `${name}.png`);
}

// axe-core's violations inside `selector` (impact and the nodes at fault), none expected.
export async function axe(page, selector) {
  await page.addScriptTag({ content: fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async (sel) => {
    const result = await window.axe.run(document.querySelector(sel), { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, selector);
}

// The app server's admin API as the embedded page calls it (a fresh session token each call):
// {status, body} of `method route` with a JSON body.
export function appAdmin(app) {
  return async (method, route, body) => {
    const res = await fetch(`${app.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${await app.sessionToken()}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}

// The demo's program (demo/program.json) as version 2 with the tote from $90.00: the candidate
// the what-if and A/B tests compare with the live version 1. `change` adjusts it further.
export function toteAt90(change = () => {}) {
  const candidate = JSON.parse(fs.readFileSync(path.join(root, 'demo', 'program.json'), 'utf8'));
  candidate.version = 2;
  candidate.bars[0].tiers.find((tier) => tier.id === 'tote').threshold = 9000;
  change(candidate);
  return candidate;
}

// A screenshot of the whole embedded app: the window made as tall as the frame's page (the
// admin's frame scrolls inside it), at the window's width.
export async function saveAppScreenshot(page, frame, name) {
  const { width } = page.viewportSize();
  const height = await frame.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: height + 120 });
  await frame.evaluate(() => new Promise(requestAnimationFrame));
  await page.screenshot({ path: saveScreenshot(name) });
}
