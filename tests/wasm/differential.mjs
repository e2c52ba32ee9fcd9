// Native and wasm must agree on seeded random programs, carts and contexts
// (tests/support/random_cases): evaluate, validate (cart) and check the program with both
// builds and compare the bytes. Any difference names the seed, so it can be replayed:
//   build/bin/tiercart_cases --from SEED --count 1
//
//   node tests/wasm/differential.mjs [--from 1] [--count 100000]
// (differential.test.mjs runs a short version of this in `make test`.)

import { pathToFileURL } from 'node:url';

import { loadTiercart, nativeCases } from './support.mjs';

const commands = [
  ['evaluate', (core, c) => core.evaluate(c.program, c.cart, c.context)],
  ['validate', (core, c) => core.validateCart(c.program, c.cart, c.context)],
  ['check', (core, c) => core.checkProgram(c.program, c.context)],
];

// Returns {cases, mismatches: [{seed, command, native, wasm}]}.
export async function runDifferential({ from = 1, count = 2000, tiercart, onProgress } = {}) {
  if (!tiercart) ({ tiercart } = await loadTiercart('all'));
  const mismatches = [];
  let cases = 0;
  for await (const c of nativeCases(from, count)) {
    for (const [command, run] of commands) {
      const wasm = run(tiercart.core, c).json;
      if (wasm !== c[command]) mismatches.push({ seed: c.seed, command, native: c[command], wasm });
    }
    cases += 1;
    if (onProgress && cases % 10000 === 0) onProgress(cases);
  }
  return { cases, mismatches };
}

// Where two outputs first differ, with a little context, for the failure message.
export function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return `at byte ${i}: native …${a.slice(Math.max(0, i - 40), i + 40)}… wasm …${b.slice(
    Math.max(0, i - 40),
    i + 40,
  )}…`;
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const from = option('from', 1);
  const count = option('count', 100000);
  const started = performance.now();
  const { cases, mismatches } = await runDifferential({
    from,
    count,
    onProgress: (n) => process.stderr.write(`  ${n} cases\r`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  for (const m of mismatches.slice(0, 20)) {
    console.log(`seed ${m.seed} ${m.command} differs ${firstDifference(m.native, m.wasm)}`);
  }
  const seeds = [...new Set(mismatches.map((m) => m.seed))];
  const verdict = seeds.length
    ? `${seeds.length} seeds differ: ${seeds.slice(0, 50).join(' ')}`
    : 'native and wasm agree';
  console.log(
    `differential: ${cases} cases (seeds ${from}..${from + cases - 1}) x ${commands.length} ` +
      `commands in ${seconds} s: ${verdict}`,
  );
  process.exitCode = seeds.length || cases !== count ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
