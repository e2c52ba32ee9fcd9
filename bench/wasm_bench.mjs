// What the storefront pays for the wasm module: bytes on the wire (raw, gzip, brotli) of
// what it downloads, and evaluate latency through the JS API in Node, marshalling included
// (objects -> JSON text -> wasm -> JSON text -> objects), for carts of 1, 20 and 250 lines.
// `make bench` runs it after the native benchmark; `make bench-wasm` runs it alone.
// Figures only: nothing here fails on a number.

import fs from 'node:fs';
import zlib from 'node:zlib';

import { cartSizes, makeCart, makeContext, measure, program, runsFor } from './wasm_cases.mjs';
import { evaluatePlain } from './plain_drawer.mjs';

const assets = new URL('../theme-extension/assets/', import.meta.url);
const kBudgetBrotli = 100 * 1024;
const kAimBrotli = 50 * 1024;

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} ms`;

function sizes(files) {
  const rows = files.map((name) => {
    const bytes = fs.readFileSync(new URL(name, assets));
    return {
      name,
      raw: bytes.length,
      gzip: zlib.gzipSync(bytes, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(bytes, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }).length,
    };
  });
  const total = { name: 'total', raw: 0, gzip: 0, brotli: 0 };
  for (const row of rows) for (const key of ['raw', 'gzip', 'brotli']) total[key] += row[key];
  return [...rows, total];
}

async function main() {
  // Each page downloads one module: the storefront's (the drawer, the theme editor) or the
  // order status page's (post-purchase offers, edits, addresses).
  const modules = [
    ['storefront (drawer, theme editor)', ['tiercart-core.wasm', 'tiercart-core.js', 'tiercart.js']],
    ['order status page', ['tiercart-order-core.wasm', 'tiercart-order-core.js', 'tiercart.js']],
  ];
  for (const [title, files] of modules) {
    console.log(`wasm module, ${title}: size (theme-extension/assets/)`);
    console.log(`  ${'file'.padEnd(26)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${'brotli 11'.padStart(10)}`);
    const rows = sizes(files);
    for (const row of rows) {
      console.log(
        `  ${row.name.padEnd(26)} ${kb(row.raw).padStart(10)} ${kb(row.gzip).padStart(10)} ${kb(row.brotli).padStart(10)}`,
      );
    }
    const brotli = rows.at(-1).brotli;
    const verdict =
      brotli <= kAimBrotli
        ? 'within the 50 KB aim'
        : brotli <= kBudgetBrotli
          ? 'within the 100 KB budget (aim: 50 KB)'
          : 'OVER the 100 KB budget';
    console.log(`  brotli total ${kb(brotli)}: ${verdict}`);
  }

  const started = performance.now();
  const { createTiercart } = await import(new URL('tiercart.js', assets));
  const tiercart = await createTiercart({
    wasmBinary: fs.readFileSync(new URL('tiercart-core.wasm', assets)),
  });
  tiercart.evaluate(program, makeCart(1), makeContext(1));
  console.log(
    `\nwasm module: cold start in Node ${process.version} (read, compile, first evaluation): ${ms(performance.now() - started)}`,
  );

  console.log('wasm module: evaluate latency in Node, JS objects in and out');
  for (const lines of cartSizes) {
    const cart = makeCart(lines);
    const context = makeContext(lines);
    const result = measure(() => tiercart.evaluate(program, cart, context), {
      runs: runsFor(lines),
    });
    console.log(
      `  ${String(lines).padStart(3)} lines: p50 ${ms(result.p50)}  p99 ${ms(result.p99)}  (${result.runs} runs)`,
    );
  }
  console.log(`  memory held by the module: ${kb(tiercart.memoryBytes)}`);

  // The same JSON text in and out for both: the ratio is what one core everywhere costs
  // against the obvious alternative, which does less (bench/plain_drawer.mjs).
  console.log('wasm core against a plain JavaScript drawer function, JSON text in and out (p50)');
  for (const lines of cartSizes) {
    const texts = [JSON.stringify(program), JSON.stringify(makeCart(lines)), JSON.stringify(makeContext(lines))];
    const wasm = measure(() => tiercart.evaluateJson(...texts), { runs: runsFor(lines) });
    const plain = measure(() => evaluatePlain(...texts), { runs: runsFor(lines) });
    console.log(
      `  ${String(lines).padStart(3)} lines: wasm ${ms(wasm.p50)}  plain JS ${ms(plain.p50)}  ratio ${(wasm.p50 / plain.p50).toFixed(1)}x`,
    );
  }
}

await main();
