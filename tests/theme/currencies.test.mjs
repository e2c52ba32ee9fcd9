// The core's currency table outside C++ (docs/money.md): the JavaScript table regenerated from
// `tiercart currencies` is byte for byte the committed file, and what web/tiercart-format.js
// computes agrees with the core's exponent for every currency it knows.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { defaultCli, generate, outputs, readCurrencyTable } from '../../scripts/generate-currencies.mjs';
import { exponentOf, minorToDecimal, placeDecimals } from '../../web/tiercart-format.js';
import { root } from './render.mjs';

let table;

before(() => {
  if (!fs.existsSync(defaultCli)) throw new Error(`${defaultCli} is missing: run make build-native`);
  table = readCurrencyTable(defaultCli);
});

test('the CLI prints the ISO 4217 table: JPY 0, USD 2, KWD 3, CLF 4', () => {
  assert.ok(Object.keys(table).length > 150, `${Object.keys(table).length} currencies`);
  assert.deepEqual([table.JPY, table.USD, table.KWD, table.CLF], [0, 2, 3, 4]);
});

test('the generated helper is what scripts/generate-currencies.mjs writes from the CLI today', async () => {
  const text = await generate(table);
  for (const [kind, file] of Object.entries(outputs)) {
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      text[kind],
      `${path.relative(root, file)} differs from the core's table: run node scripts/generate-currencies.mjs`,
    );
  }
});

test("exponentOf gives the core's exponent for every currency, 2 for a code the core does not know", () => {
  for (const [code, exponent] of Object.entries(table)) assert.equal(exponentOf(code), exponent, code);
  for (const unknown of ['XXX', 'usd', '', undefined, 'constructor', '__proto__']) assert.equal(exponentOf(unknown), 2);
});

test("minor units are written with exactly the currency's decimals, digits placed, for every currency", () => {
  for (const [code, exponent] of Object.entries(table)) {
    for (const amount of [0, 7, 1530, -250, 123456789012]) {
      const text = minorToDecimal(amount, code);
      assert.equal(text.split('.')[1]?.length ?? 0, exponent, `${code} ${amount}: ${text}`);
      assert.equal(BigInt(text.replace('.', '')), BigInt(amount), `${code} ${amount}: ${text}`);
    }
  }
  // The currencies an older table in the order status extension wrote with two decimals.
  assert.deepEqual(
    ['IQD', 'LYD', 'XOF', 'BIF', 'CLF', 'UYW'].map((code) => minorToDecimal(12345, code)),
    ['12.345', '12.345', '12345', '12345', '1.2345', '1.2345'],
  );
  assert.equal(placeDecimals(-5, 3), '-0.005');
});

test('a four-decimal shop currency (CLF) gets 10,000 units per whole one in the theme program', () => {
  // The theme editor's saved settings, converted by the core as the app's server does.
  const settings = JSON.stringify({
    current: {
      blocks: {
        1: {
          type: 'shopify://apps/tiercart/blocks/tiercart-embed/x',
          settings: { t1_threshold: '1.2345', t2_threshold: 2 },
        },
      },
    },
  });
  const run = spawnSync(defaultCli, ['theme-program', '-', '--currency', 'CLF'], { input: settings, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout || run.stderr);
  const program = JSON.parse(run.stdout).storefront;
  assert.deepEqual(
    program.bars[0].tiers.map((t) => t.threshold),
    [12345, 20000],
  );
  const check = spawnSync(defaultCli, ['check-program', '-'], { input: JSON.stringify(program), encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout || check.stderr);
});
