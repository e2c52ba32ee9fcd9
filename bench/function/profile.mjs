// Where a Function run's instructions go, per Wasm function (self and inclusive counts), for a cart of
// `lines` lines. Needs a module that keeps its function names:
//   cmake --preset function -B build/function-profile -DTIERCART_FUNCTION_OUT=$PWD/build/function-profile/out \
//     -DCMAKE_EXE_LINKER_FLAGS=--profiling-funcs && cmake --build build/function-profile
//   node bench/function/profile.mjs build/function-profile/out/tiercart-discount.wasm 200
import fs from 'node:fs';

import { runExport } from '../../demo/function-runner.mjs';
import { bigCart } from '../../tests/function/inputs.mjs';
import { meter } from './meter.mjs';

const [file, lines = '200', exportName = 'cart_lines_discounts_generate_run'] = process.argv.slice(2);
const bytes = fs.readFileSync(file);
const names = new Map();
// The "name" custom section: subsection 1 maps function indices to names.
{
  let at = 8;
  const leb = () => {
    let r = 0,
      s = 0,
      b;
    do {
      b = bytes[at++];
      r += (b & 0x7f) * 2 ** s;
      s += 7;
    } while (b & 0x80);
    return r;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const n = leb();
      const name = bytes.subarray(at, at + n).toString();
      at += n;
      if (name === 'name') {
        while (at < end) {
          const sub = bytes[at++];
          const subSize = leb();
          const subEnd = at + subSize;
          if (sub === 1) {
            for (let count = leb(); count > 0; count--) {
              const index = leb();
              const len = leb();
              names.set(index, bytes.subarray(at, at + len).toString());
              at += len;
            }
          }
          at = subEnd;
        }
      }
    }
    at = end;
  }
}
const module = new WebAssembly.Module(meter(bytes, { perFunction: true }));
const run = runExport(module, exportName, JSON.stringify(bigCart(Number(lines))));
const total = Number(run.instance.exports.tiercart_instructions.value);
const count = (kind, index) => Number(run.instance.exports[`tiercart_${kind}${index}`]?.value ?? 0);
const indices = Object.keys(run.instance.exports)
  .filter((k) => k.startsWith('tiercart_f'))
  .map((k) => Number(k.slice(10)));
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5);
const row = (index) =>
  `[${index}] ${count('f', index).toLocaleString('en-US').padStart(12)} ${pct(count('f', index))}%` +
  ` ${count('i', index).toLocaleString('en-US').padStart(12)} ${pct(count('i', index))}%  ${names.get(index) ?? index}`;
console.log(`${total.toLocaleString('en-US')} instructions, exit ${run.exitCode}`);
// Self: the function's own instructions. Inclusive: with its callees, summed over its direct
// calls (LTO inlines much of the Function into tiercart::function::run, so read both).
for (const kind of ['f', 'i']) {
  console.log(kind === 'f' ? '\nby self count (self, inclusive)' : '\nby inclusive count (self, inclusive)');
  const rows = indices.filter((i) => count(kind, i) > 0).sort((a, b) => count(kind, b) - count(kind, a));
  for (const index of rows.slice(0, 30)) console.log(row(index));
}
