#!/usr/bin/env node
// Lighthouse performance of the demo's home, product and collection pages, with and without
// tiercart's blocks, weighted 17/40/43 as Shopify weighs them. Budget: the drawer may cost at
// most 2 points (Shopify allows 10).
//   node bench/storefront/lighthouse.mjs [--runs 3]      (median of the runs per page)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startServer } from '../../demo/server.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const PAGES = [
  ['home', '/', 17],
  ['product', '/products/merino-crew-sweater', 40],
  ['collection', '/collections/winter', 43],
];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const store = await startServer({ port: 0 });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-lighthouse-'));
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  userDataDir,
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const results = {};
try {
  for (const [name, route] of PAGES) {
    for (const [variant, suffix] of [
      ['without', '?tiercart_off=1'],
      ['with', ''],
    ]) {
      const scores = [];
      const tbt = [];
      for (let i = 0; i < RUNS; i++) {
        const url = new URL(route + suffix, store.url).href;
        const { lhr } = await lighthouse(url, {
          port: chrome.port,
          onlyCategories: ['performance'],
          output: 'json',
          logLevel: 'error',
        });
        scores.push(Math.round(lhr.categories.performance.score * 100));
        tbt.push(lhr.audits['total-blocking-time'].numericValue);
      }
      results[`${name}:${variant}`] = { score: median(scores), tbt: median(tbt) };
    }
  }
} finally {
  await chrome.kill();
  await store.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`Lighthouse performance (mobile, simulated throttling, median of ${RUNS})`);
let weightedWith = 0;
let weightedWithout = 0;
for (const [name, , weight] of PAGES) {
  const without = results[`${name}:without`];
  const withDrawer = results[`${name}:with`];
  weightedWith += (withDrawer.score * weight) / 100;
  weightedWithout += (without.score * weight) / 100;
  console.log(
    `  ${name.padEnd(11)} without ${String(without.score).padStart(3)}  with ${String(withDrawer.score).padStart(3)}  (TBT ${without.tbt.toFixed(0)} / ${withDrawer.tbt.toFixed(0)} ms, weight ${weight}%)`,
  );
}
const cost = weightedWithout - weightedWith;
console.log(
  `  weighted    without ${weightedWithout.toFixed(1)}  with ${weightedWith.toFixed(1)}  cost ${cost.toFixed(1)} points (budget 2: ${cost <= 2 ? 'ok' : 'OVER'})`,
);
process.exit(cost <= 2 ? 0 : 1);
