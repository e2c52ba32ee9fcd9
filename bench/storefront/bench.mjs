#!/usr/bin/env node
// Storefront budgets: what the shopper downloads, and how fast the drawer answers.
//   node bench/storefront/bench.mjs [--runs 20]
// Prints: the loader's gzip size (budget 10,000 bytes), each storefront asset raw/gzip/brotli
// and their brotli total, and the time from the add-to-cart response to the drawer painted
// (warm: drawer loaded on idle; cold: first interaction loads the drawer and the core; cold on
// slow 4G: the same with 150 ms round trips and 1.6 Mbit/s, no cache).

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launch } from '../../tests/browser/helpers.mjs';
import { startServer } from '../../demo/server.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;

const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length;
const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// What a storefront downloads, in load order: the loader up front, the rest lazily. The drawer
// is the bundle make build-web writes (with the cart, util and progress modules).
const ASSETS = [
  ['web', 'tiercart-loader.js', 'up front'],
  ['theme-extension/assets', 'tiercart-drawer.js', 'lazy'],
  ['web', 'tiercart.css', 'lazy'],
  ['theme-extension/assets', 'tiercart.js', 'lazy'],
  ['theme-extension/assets', 'tiercart-core.js', 'lazy'],
  ['theme-extension/assets', 'tiercart-core.wasm', 'lazy'],
];

function sizes() {
  console.log('Storefront payload (bytes)');
  console.log(
    `  ${'file'.padEnd(24)} ${'when'.padEnd(9)} ${'raw'.padStart(8)} ${'gzip'.padStart(8)} ${'brotli'.padStart(8)}`,
  );
  const total = { raw: 0, gz: 0, br: 0 };
  let loaderGz = 0;
  for (const [dir, name, when] of ASSETS) {
    const file = path.join(root, dir, name);
    if (!fs.existsSync(file)) {
      console.log(`  ${name.padEnd(24)} missing (run make build-wasm build-web)`);
      continue;
    }
    const data = fs.readFileSync(file);
    const row = { raw: data.length, gz: gzip(data), br: brotli(data) };
    if (name === 'tiercart-loader.js') loaderGz = row.gz;
    for (const k of Object.keys(total)) total[k] += row[k];
    console.log(
      `  ${name.padEnd(24)} ${when.padEnd(9)} ${String(row.raw).padStart(8)} ${String(row.gz).padStart(8)} ${String(row.br).padStart(8)}`,
    );
  }
  console.log(
    `  ${'total'.padEnd(24)} ${''.padEnd(9)} ${String(total.raw).padStart(8)} ${String(total.gz).padStart(8)} ${String(total.br).padStart(8)}`,
  );
  console.log(`loader gzip: ${loaderGz} bytes (budget 10000: ${loaderGz <= 10000 ? 'ok' : 'OVER'})`);
  console.log(
    `total storefront payload, brotli: ${total.br} bytes (${(total.br / 1024).toFixed(1)} KiB), of which up front: ${brotli(fs.readFileSync(path.join(root, 'web/tiercart-loader.js')))} bytes`,
  );
  return loaderGz <= 10000;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

// In the page: submit the product form, then measure from the add.js response (resource
// timing) to the frame after the drawer shows the line (two animation frames: painted).
async function measureAdd(page, variant) {
  return page.evaluate(async (variantId) => {
    const drawerLines = () => document.querySelector('tiercart-drawer .tiercart-lines');
    const painted = new Promise((resolve) => {
      const check = () => {
        const list = drawerLines();
        if (
          list &&
          list.querySelector(`[data-variant="${variantId}"]`) &&
          document.querySelector('tiercart-drawer').dialog.open
        ) {
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
          return true;
        }
        return false;
      };
      const observer = new MutationObserver(() => {
        if (check()) observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const clicked = performance.now();
    document.querySelector('.product-form').requestSubmit();
    const paintedAt = await painted;
    const add = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('/cart/add.js'))
      .pop();
    return { fromResponse: paintedAt - add.responseEnd, fromClick: paintedAt - clicked };
  }, variant);
}

async function timings() {
  const store = await startServer({ port: 0 });
  const browser = await launch();
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  const warm = [];
  const cold = [];
  const slow = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // Cold: no idle time, the add itself loads the drawer module and the wasm core.
      const coldPage = await browser.context.newPage();
      await coldPage.addInitScript(() => {
        window.requestIdleCallback = () => 0;
      });
      await coldPage.goto(new URL('/products/cedar-lip-balm', store.url).href);
      cold.push((await measureAdd(coldPage, 2022)).fromClick);
      await coldPage.evaluate(() => fetch('/cart/clear.js', { method: 'POST' }));
      await coldPage.close();

      // Cold on a phone's network (Lighthouse's slow 4G: 150 ms round trips, 1.6 Mbit/s down),
      // with no cache: the round trips to fetch the drawer and the core dominate.
      const slowPage = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(slowPage);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await slowPage.addInitScript(() => {
        window.requestIdleCallback = () => 0;
      });
      await slowPage.goto(new URL('/products/cedar-lip-balm', store.url).href);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      slow.push((await measureAdd(slowPage, 2022)).fromClick);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await slowPage.evaluate(() => fetch('/cart/clear.js', { method: 'POST' }));
      await slowPage.close();

      // Warm: the drawer loaded on idle before the shopper clicks.
      await page.goto(new URL('/products/enamel-camp-mug', store.url).href);
      await page.waitForFunction(() => document.querySelector('tiercart-drawer')?.hasAttribute('data-ready'));
      warm.push((await measureAdd(page, 2015)).fromResponse);
      await page.evaluate(() => fetch('/cart/clear.js', { method: 'POST' }));
    }
  } finally {
    await browser.close();
    await store.close();
  }
  const show = (label, values) =>
    console.log(
      `${label}: median ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms (${values.length} runs)`,
    );
  console.log('Drawer latency (headless Chromium, local demo store)');
  show('  add.js response -> drawer painted (warm)', warm);
  show('  click -> drawer painted, cold (loads drawer + wasm core)', cold);
  show('  click -> drawer painted, cold on slow 4G (150 ms RTT, 1.6 Mbit/s, no cache)', slow);
}

const ok = sizes();
await timings();
process.exit(ok ? 0 : 1);
