// The post-purchase calls of the JS API (docs/post-purchase.md): selectOffers,
// editEligibility and checkAddress, with objects in and out, and TiercartError for bad
// documents. Their golden fixtures (tests/fixtures/post-*) run in fixtures.test.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { fixturesDir, loadTiercart } from './support.mjs';

const read = (name) =>
  JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.input.json`), 'utf8'));
const expected = (name) =>
  JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.expected.json`), 'utf8'));

describe('post-purchase calls', () => {
  let tiercart;
  let TiercartError;
  before(async () => {
    ({ tiercart, TiercartError } = await loadTiercart());
  });

  it('selects offers from objects as the native build does', () => {
    const { order, offers, context } = read('post-offers-coffee-and-sweater');
    const selection = tiercart.selectOffers(order, offers, context);
    assert.deepStrictEqual(selection, expected('post-offers-coffee-and-sweater'));
    assert.equal(selection.offers[0].discount.value_type, 'percentage');
    assert.equal(
      tiercart.selectOffersJson(JSON.stringify(order), JSON.stringify(offers), JSON.stringify(context)),
      JSON.stringify(selection),
    );
  });

  it('treats a missing context as no context: nothing has a price, nothing is offered', () => {
    const { order, offers } = read('post-offers-coffee-and-sweater');
    const selection = tiercart.selectOffers(order, offers);
    assert.deepEqual(selection.offers, []);
    assert.ok(selection.skipped.some((s) => s.code === 'unknown_variant'));
  });

  it('accepts a Date for now, the same as its ISO string', () => {
    const { order, policy, now } = read('post-edit-open');
    const fromDate = tiercart.editEligibility(order, policy, new Date(now));
    assert.deepStrictEqual(fromDate, tiercart.editEligibility(order, policy, now));
    assert.deepStrictEqual(fromDate, expected('post-edit-open'));
  });

  it('checks an address with and without options', () => {
    const { address } = read('post-address-ca-normalised');
    const check = tiercart.checkAddress(address);
    assert.equal(check.ok, true);
    assert.equal(check.address.zip, 'K1A 0A9');
    const refused = tiercart.checkAddress(address, { countries: ['US'] });
    assert.equal(refused.ok, false);
    assert.deepEqual(
      refused.problems.map((p) => [p.field, p.code]),
      [['country_code', 'country_not_served']],
    );
  });

  it('throws TiercartError with code and path for bad documents, and keeps working', () => {
    const { order, offers, context } = read('post-offers-coffee-and-sweater');
    assert.throws(
      () => tiercart.selectOffers(order, { ...offers, format: 2 }, context),
      (error) => error instanceof TiercartError && error.code === 'unsupported_format' &&
        error.path === '$.format',
    );
    assert.throws(
      () => tiercart.editEligibility(order, { window_minutes: 60, allowed: [] }, ''),
      (error) => error instanceof TiercartError && error.code === 'missing_field',
    );
    assert.throws(
      () => tiercart.checkAddress({ zip: 12345 }),
      (error) => error instanceof TiercartError && error.code === 'invalid_type' &&
        error.path === '$.zip',
    );
    assert.throws(
      () => tiercart.checkAddress('{"zip":'),
      (error) => error instanceof TiercartError && error.code === 'invalid_json',
    );
    assert.deepStrictEqual(
      tiercart.selectOffers(order, offers, context),
      expected('post-offers-coffee-and-sweater'),
    );
  });
});
