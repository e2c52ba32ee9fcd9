// The post-purchase calls of the JS API (docs/post-purchase.md): selectOffers,
// editEligibility and checkAddress, with objects in and out, and TiercartError for bad
// documents. Their golden fixtures (tests/fixtures/post-*) run in fixtures.test.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { fixturesDir, loadTiercart } from './support.mjs';

const read = (name) => JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.input.json`), 'utf8'));
const expected = (name) => JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.expected.json`), 'utf8'));

describe('post-purchase calls', () => {
  let tiercart;
  let TiercartError;
  before(async () => {
    ({ tiercart, TiercartError } = await loadTiercart('orders'));
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

  it('answers an invalid Date for now with TiercartError, as an unreadable time string', () => {
    const { order, policy } = read('post-edit-open');
    for (const call of ['editEligibility', 'editEligibilityJson']) {
      assert.throws(
        () => tiercart[call](order, policy, new Date('not a date')),
        (error) => error instanceof TiercartError && error.code === 'invalid_time' && error.path === '$',
        call,
      );
    }
    assert.throws(
      () => tiercart.editEligibility(order, policy, 'not a date'),
      (error) => error instanceof TiercartError && error.code === 'invalid_time',
    );
  });

  it('throws TiercartError with code and path for bad documents, and keeps working', () => {
    const { order, offers, context } = read('post-offers-coffee-and-sweater');
    assert.throws(
      () => tiercart.selectOffers(order, { ...offers, format: 2 }, context),
      (error) => error instanceof TiercartError && error.code === 'unsupported_format' && error.path === '$.format',
    );
    assert.throws(
      () => tiercart.editEligibility(order, { window_minutes: 60, allowed: [] }, ''),
      (error) => error instanceof TiercartError && error.code === 'missing_field',
    );
    assert.throws(
      () => tiercart.checkAddress({ zip: 12345 }),
      (error) => error instanceof TiercartError && error.code === 'invalid_type' && error.path === '$.zip',
    );
    assert.throws(
      () => tiercart.checkAddress('{"zip":'),
      (error) => error instanceof TiercartError && error.code === 'invalid_json',
    );
    assert.deepStrictEqual(tiercart.selectOffers(order, offers, context), expected('post-offers-coffee-and-sweater'));
  });

  it('survives 3,000 malformed post-purchase documents and answers as before', () => {
    // mulberry32, seeded so that a failure can be replayed.
    let state = 20261121;
    const next = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n) => Math.floor(next() * n);
    const garbage = '{}[]",:\\ 0123456789.eE+-truefalsnul\u0000\u00e9\ud83d\ude00';
    const mutate = (text) => {
      switch (int(5)) {
        case 0:
          return text.slice(0, int(text.length));
        case 1: {
          const at = int(text.length);
          return text.slice(0, at) + garbage[int(garbage.length)] + text.slice(at + 1);
        }
        case 2: // a value of another type where a field belongs
          return text.replace(/"[a-z_]+":\s*("[^"]*"|\d+|true|false)/, (m) =>
            m.replace(/:.*/, `:${['[]', '{}', 'null', '1e999', '-1', '"x"'][int(6)]}`),
          );
        case 3:
          return Array.from({ length: int(40) }, () => garbage[int(garbage.length)]).join('');
        default:
          return '['.repeat(70) + text;
      }
    };
    const offersCase = read('post-offers-filters-and-limit');
    const editCase = read('post-edit-partial');
    const addressCase = read('post-address-problems');
    const docs = {
      order: JSON.stringify(offersCase.order),
      offers: JSON.stringify(offersCase.offers),
      context: JSON.stringify(offersCase.context),
      editOrder: JSON.stringify(editCase.order),
      policy: JSON.stringify(editCase.policy),
      address: JSON.stringify(addressCase.address),
      options: JSON.stringify({ shipping_method: { po_box: false }, countries: ['US'] }),
    };
    const before = tiercart.selectOffersJson(docs.order, docs.offers, docs.context);
    let errors = 0;
    for (let i = 0; i < 3000; i += 1) {
      const pick = (key) => (int(3) === 0 ? mutate(docs[key]) : docs[key]);
      try {
        switch (i % 3) {
          case 0:
            tiercart.selectOffersJson(pick('order'), pick('offers'), pick('context'));
            break;
          case 1:
            tiercart.editEligibilityJson(
              pick('editOrder'),
              pick('policy'),
              int(4) === 0 ? mutate(editCase.now) : editCase.now,
            );
            break;
          default:
            tiercart.checkAddressJson(pick('address'), pick('options'));
        }
      } catch (error) {
        assert.ok(error instanceof TiercartError, `input ${i}: ${error}`);
        errors += 1;
      }
    }
    assert.ok(errors > 500, `only ${errors} of the inputs were refused`);
    assert.equal(tiercart.selectOffersJson(docs.order, docs.offers, docs.context), before);
  });
});
