// make bench-function: the Function modules against Shopify's budgets. Module sizes (raw and
// gzip), executed Wasm instructions per target for carts of 1, 20, 200 lines and one near
// the 128 kB input limit (metered deterministically, meter.mjs), and the linear memory
// each run ended with. Budgets: 256 kB per module (aim 128 kB); 11 million instructions at
// 200 lines (aim 2 million); memory well under 10,000 kB.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { FUNCTION_DIR, TARGETS, runExport } from '../../demo/function-runner.mjs';
import { bigCart, rulesCart } from '../../tests/function/inputs.mjs';
import { meter } from './meter.mjs';

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

console.log('Function modules (build/function/)');
const metered = {};
for (const name of ['discount', 'validation']) {
  const bytes = fs.readFileSync(path.join(FUNCTION_DIR, `tiercart-${name}.wasm`));
  const gz = zlib.gzipSync(bytes, { level: 9 }).length;
  const verdict =
    bytes.length > 256000
      ? 'OVER the 256 kB limit'
      : bytes.length > 128000
        ? 'under the limit, over the 128 kB aim'
        : 'within the aim';
  console.log(`  tiercart-${name}.wasm  ${kb(bytes.length)} raw  ${kb(gz)} gzip  (${verdict})`);
  metered[name] = new WebAssembly.Module(meter(bytes));
}

// The last cart is the largest (in steps of 5 lines) whose input stays within Shopify's 128 kB:
// what a run near the input limit costs, for each program.
const nearLimit = (makeCart) => {
  let lines = 300;
  while (JSON.stringify(makeCart(lines, { owner: 'discount' })).length > 128000) lines -= 5;
  return lines;
};
// The demo's program, then the same carts against it with the rules of issue 20 in use
// (tests/function/inputs.mjs: buy X get Y on the cart's own lines and added as a gift line, a
// bar that leaves sale items out with every third line on sale, tiers for returning customers
// and a signed-in customer, the weekend's scheduled tiers and Shopify's clock answers, tiers with
// thresholds by country and a Canadian delivery address).
for (const [title, makeCart] of [
  ['the demo program', bigCart],
  [
    'the demo program with the rules of issue 20 (buy X get Y, sale items, customer history, schedules, thresholds by country)',
    rulesCart,
  ],
]) {
  const carts = [1, 20, 200, nearLimit(makeCart)];
  console.log(`\nExecuted instructions (Wasm, metered) and memory at the end of the run: ${title}`);
  for (const [target, { module, export: exportName }] of Object.entries(TARGETS)) {
    console.log(`  ${target}`);
    for (const lines of carts) {
      const input = JSON.stringify(makeCart(lines, { owner: module }));
      const run = runExport(metered[module], exportName, input);
      if (run.exitCode !== 0) throw new Error(`${target} failed on ${lines} lines: ${run.stderr}`);
      const count = Number(run.instance.exports.tiercart_instructions.value);
      const memory = run.instance.exports.memory.buffer.byteLength;
      const budget = lines >= 200 ? (count > 11e6 ? '  OVER 11M' : count > 2e6 ? '  (over the 2M aim)' : '') : '';
      console.log(
        `    ${String(lines).padStart(4)} lines ${kb(input.length).padStart(9)} input  ${count.toLocaleString('en-US').padStart(12)} instructions  ${String(memory / 1024).padStart(5)} KiB memory${budget}`,
      );
    }
  }
}
