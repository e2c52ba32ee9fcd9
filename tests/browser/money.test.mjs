// Money on the storefront is written by the core (tiercart.formatMoney, the wasm build of
// tiercart::format_money): the drawer's line prices and subtotal, and the demo's Liquid
// `money` filter. Amounts are cart.js integers (cents convention).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../theme-extension/assets');
const { createTiercart, TiercartError } = await import(pathToFileURL(path.join(assets, 'tiercart.js')));
const core = await createTiercart({ wasmBinary: fs.readFileSync(path.join(assets, 'tiercart-core.wasm')) });

test('every Shopify placeholder, from integer cents', () => {
  const cases = [
    ['USD', '${{amount}}', 123456789, '$1,234,567.89'],
    ['EUR', '€{{amount_with_comma_separator}}', 8188, '€81,88'],
    ['EUR', '€{{amount_with_comma_separator}}', 123456, '€1.234,56'],
    ['JPY', '¥{{amount_no_decimals}}', 1312800, '¥13,128'],
    ['SEK', '{{amount_no_decimals_with_comma_separator}} kr', 1234550, '12.346 kr'],
    ['CHF', '{{amount_with_apostrophe_separator}} CHF', 123456, "1'234.56 CHF"],
    ['EUR', '{{amount_with_space_separator}} €', 123456, '1 234,56 €'],
    ['HUF', '{{amount_no_decimals_with_space_separator}} Ft', 123449, '1 234 Ft'],
    ['CHF', '{{amount_with_period_and_space_separator}} CHF', 123456, '1 234.56 CHF'],
    ['USD', '{{ amount }} USD', 5, '0.05 USD'],
    ['USD', '${{amount}}', 0, '$0.00'],
    ['USD', '${{amount}}', -1999, '$-19.99'],
  ];
  for (const [currency, format, cents, expected] of cases) {
    assert.equal(core.formatMoney(cents, currency, format), expected, format);
  }
});

test('without a store format, the currency default is used', () => {
  assert.equal(core.formatMoney(4600, 'EUR'), '€46,00');
  assert.equal(core.formatMoney(4600, 'JPY', '', 'minor_units'), '¥4,600');
});

test('no floating point: large amounts keep every digit, fractions are refused', () => {
  assert.equal(core.formatMoney(900719925474099, 'USD', '${{amount}}'), '$9,007,199,254,740.99');
  assert.throws(
    () => core.formatMoney(10.5, 'USD'),
    (e) => e instanceof TiercartError && e.code === 'invalid_amount',
  );
  assert.throws(
    () => core.formatMoney(100, 'XYZ'),
    (e) => e instanceof TiercartError && e.code === 'unknown_currency',
  );
});
