// A short run of the native/wasm differential (differential.mjs runs 100,000 cases).

import assert from 'node:assert/strict';
import { it } from 'node:test';

import { firstDifference, runDifferential } from './differential.mjs';

const count = Number(process.env.TIERCART_DIFFERENTIAL_CASES ?? 2000);

it(`native and wasm give the same bytes on ${count} seeded random cases`, async () => {
  const { cases, mismatches } = await runDifferential({ from: 1, count });
  assert.equal(cases, count);
  const report = mismatches
    .slice(0, 10)
    .map((m) => `seed ${m.seed} ${m.command} ${firstDifference(m.native, m.wasm)}`)
    .join('\n');
  assert.equal(mismatches.length, 0, `native and wasm differ:\n${report}`);
});
