// Where a Function run's instructions go, per Wasm function (self counts), for a cart of
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
const rows = Object.entries(run.instance.exports)
  .filter(([k]) => k.startsWith('tiercart_f'))
  .map(([k, g]) => [Number(k.slice(10)), Number(g.value)])
  .filter(([, v]) => v > 0)
  .sort((a, b) => b[1] - a[1]);
console.log(`${total.toLocaleString('en-US')} instructions, exit ${run.exitCode}`);
for (const [index, count] of rows.slice(0, 30)) {
  console.log(
    `[${index}] ${count.toLocaleString('en-US').padStart(12)} ${((100 * count) / total).toFixed(1).padStart(5)}%  ${names.get(index) ?? index}`,
  );
}
