// The customer account extension's bundle stays within Shopify's 64 KB compressed limit, runs
// the core's address check with it, and its pure helpers write what the server expects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildExtension } from '../../scripts/build-extension.mjs';
import { numericId, problemsByField } from '../../extensions/tiercart-order-status/src/logic.js';
import { formatTimeLeft, minorToDecimal } from '../../web/tiercart-format.js';

const LIMIT = 64 * 1024;

test("the bundle, with the core's address check in WebAssembly, is at most 64 KB compressed, gzip and brotli alike", async () => {
  const size = await buildExtension();
  assert.ok(size.raw > 1000, 'the bundle holds the extension');
  assert.ok(size.gzip <= LIMIT, `gzip ${size.gzip} B`);
  assert.ok(size.brotli <= LIMIT, `brotli ${size.brotli} B`);
  assert.match(size.code.toString(), /checkAddress/);
  assert.match(size.code.toString(), /customer-account\/orders\//);
});

test('global ids become the numbers the server routes take', () => {
  assert.equal(numericId('gid://shopify/Order/6102845530210'), '6102845530210');
  assert.equal(numericId(42), '42');
  assert.equal(numericId('gid://shopify/Order/'), null);
  assert.equal(numericId(undefined), null);
});

test('minor units are written with the currency exponent, without dividing', () => {
  assert.equal(minorToDecimal(1530, 'USD'), '15.30');
  assert.equal(minorToDecimal(5, 'EUR'), '0.05');
  assert.equal(minorToDecimal(1000, 'JPY'), '1000');
  assert.equal(minorToDecimal(-250, 'GBP'), '-2.50');
  assert.equal(minorToDecimal(12345, 'KWD'), '12.345');
});

test('the time left reads as minutes and seconds, hours when longer', () => {
  assert.equal(formatTimeLeft(1745), '29:05');
  assert.equal(formatTimeLeft(59), '0:59');
  assert.equal(formatTimeLeft(3723), '1:02:03');
  assert.equal(formatTimeLeft(-5), '0:00');
});

test("the server's problems are shown once per field, the first first", () => {
  const byField = problemsByField([
    { field: 'zip', code: 'required' },
    { field: 'zip', code: 'invalid_postal_code' },
    { field: 'city', code: 'required' },
  ]);
  assert.deepEqual(Object.keys(byField), ['zip', 'city']);
  assert.equal(byField.zip.code, 'required');
});
