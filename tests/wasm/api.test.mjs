// The JavaScript API of the module (wasm/tiercart.js, documented in wasm/tiercart.d.ts):
// objects or JSON text in, objects out, and every rejected document as a TiercartError.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { fixturesDir, loadTiercart } from './support.mjs';

const read = (name) => JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.input.json`), 'utf8'));
const expected = (name) => JSON.parse(fs.readFileSync(path.join(fixturesDir, `${name}.expected.json`), 'utf8'));

describe('the tiercart module', () => {
  let tiercart;
  let TiercartError;
  before(async () => {
    ({ tiercart, TiercartError } = await loadTiercart());
  });

  it('reports the core version', () => {
    assert.match(tiercart.version, /^\d+\.\d+\.\d+$/);
  });

  it('evaluates a cart given as objects', () => {
    const { program, cart, context } = read('tote-below');
    assert.deepStrictEqual(tiercart.evaluate(program, cart, context), expected('tote-below'));
  });

  it('gives the same answer for JSON text as for objects', () => {
    const { program, cart, context } = read('tote-below');
    const fromText = tiercart.evaluateJson(JSON.stringify(program), JSON.stringify(cart), JSON.stringify(context));
    assert.equal(typeof fromText, 'string');
    assert.deepStrictEqual(JSON.parse(fromText), tiercart.evaluate(program, cart, context));
  });

  it('keeps the program it read for the next evaluations, and reads a new text anew', () => {
    const first = read('tote-below');
    const other = read('gift-choice-pending');
    // Evaluated in turn, each program gives its own answer, whichever was read before.
    for (let round = 0; round < 2; round += 1) {
      assert.deepStrictEqual(tiercart.evaluate(first.program, first.cart, first.context), expected('tote-below'));
      assert.deepStrictEqual(
        tiercart.evaluate(other.program, other.cart, other.context),
        expected('gift-choice-pending'),
      );
    }
    // A program that cannot be read is refused even right after a good one.
    assert.throws(
      () => tiercart.evaluate({ ...first.program, bars: 'none' }, first.cart, first.context),
      (error) => error instanceof TiercartError && error.code === 'invalid_type',
    );
    // A bad context is reported before the program, as the native build does.
    assert.throws(
      () => tiercart.evaluate({ format: 9 }, first.cart, { rate: 'x' }),
      (error) => error instanceof TiercartError && error.path.startsWith('$.rate'),
    );
  });

  it('treats a missing context as no context', () => {
    const { program } = read('tote-below');
    const cart = { currency: 'USD', items: [] };
    assert.deepStrictEqual(tiercart.evaluate(program, cart), tiercart.evaluate(program, cart, ''));
    assert.deepStrictEqual(tiercart.evaluate(program, cart, null), tiercart.evaluate(program, cart));
  });

  it("validates claimed gift lines in a cart and in an order (the server's checks, in the tests' module)", async () => {
    const { tiercart: all } = await loadTiercart('all');
    for (const name of ['cart-claim-check', 'order-earned', 'order-forged']) {
      const input = read(name);
      const verdict =
        input.command === 'validate_order'
          ? all.validateOrder(input.program, input.order, input.context)
          : all.validateCart(input.program, input.cart, input.context);
      assert.deepStrictEqual(verdict, expected(name), name);
    }
  });

  it('checks a program', () => {
    const { program, context } = read('check-overlapping-tiers');
    const report = tiercart.checkProgram(program, context);
    assert.equal(report.ok, false);
    assert.deepStrictEqual(report, expected('check-overlapping-tiers'));
  });

  it('turns a rejected document into a TiercartError with code, message and path', () => {
    const { program, cart, context } = read('error-missing-rate');
    const { error } = expected('error-missing-rate');
    assert.throws(
      () => tiercart.evaluate(program, cart, context),
      (thrown) => {
        assert.ok(thrown instanceof TiercartError);
        assert.ok(thrown instanceof Error);
        assert.equal(thrown.name, 'TiercartError');
        assert.equal(thrown.code, error.code);
        assert.equal(thrown.message, error.message);
        assert.equal(thrown.path, error.path);
        return true;
      },
    );
  });

  it('reports text that is not JSON as invalid_json', () => {
    const { program, context } = read('tote-below');
    assert.throws(() => tiercart.evaluate(program, '{"items": [', context), {
      name: 'TiercartError',
      code: 'invalid_json',
    });
  });

  it('reports values JSON cannot write as invalid_json, without calling the core', () => {
    const { program, context } = read('tote-below');
    const cyclic = {};
    cyclic.self = cyclic;
    for (const cart of [cyclic, { total: 1n }]) {
      assert.throws(() => tiercart.evaluate(program, cart, context), {
        name: 'TiercartError',
        code: 'invalid_json',
        path: '$',
      });
    }
  });

  it('points the path at the offending field', () => {
    const { program, cart, context } = read('error-negative-quantity');
    assert.throws(
      () => tiercart.evaluate(program, cart, context),
      (thrown) => {
        assert.equal(thrown.code, 'negative_value');
        assert.match(thrown.path, /^\$\.items\[\d+\]\.quantity$/);
        return true;
      },
    );
  });

  it('keeps working after an error', () => {
    const { program, cart, context } = read('tote-below');
    assert.throws(() => tiercart.evaluate(program, '[', context), TiercartError);
    assert.deepStrictEqual(tiercart.evaluate(program, cart, context), expected('tote-below'));
  });

  it("converts the theme editor's settings_data.json (text) with options given as an object", () => {
    const { settings_data: settingsData, options } = read('theme-settings-editor-file');
    assert.deepStrictEqual(tiercart.themeProgram(settingsData, options), expected('theme-settings-editor-file'));
    assert.equal(
      tiercart.themeProgramJson(settingsData, JSON.stringify(options)),
      tiercart.themeProgramJson(settingsData, options),
    );
  });

  it('refuses a theme conversion without the shop currency as a TiercartError', () => {
    const { settings_data: settingsData } = read('theme-settings-editor-file');
    assert.throws(
      () => tiercart.themeProgram(settingsData, {}),
      (thrown) => thrown instanceof TiercartError && thrown.code === 'missing_field' && thrown.path === '$.currency',
    );
  });
});

describe("evaluate's way in", () => {
  // evaluateJson writes the documents into the module's memory (TextEncoder.encodeInto) when
  // they fit; otherwise Embind copies them. Either way the answer is the core's, byte for byte.
  it('writes documents that fit into the module, and copies the others, with the same answer', async () => {
    const { tiercart } = await loadTiercart('storefront');
    const core = tiercart.core;
    let written = 0;
    const evaluateInput = core.evaluateInput;
    core.evaluateInput = (...lengths) => {
      written += 1;
      return evaluateInput.apply(core, lengths);
    };
    const { program, cart, context } = read('tote-below');
    const text = (value) => JSON.stringify(value);
    const copied = (p, c, x) => core.evaluate(p, c, x).json;
    const answer = (p, c, x) => {
      try {
        return tiercart.evaluateJson(p, c, x);
      } catch (error) {
        return JSON.stringify({ error: { code: error.code, message: error.message, path: error.path } });
      }
    };
    const accented = structuredClone(cart);
    for (const item of accented.items) item.product_title = '手編みの手袋'.repeat(100);
    const big = structuredClone(cart);
    big.items[0].product_title = 'x'.repeat(300 * 1024);
    const cases = [
      ['a drawer cart', [text(program), text(cart), text(context)], 1],
      ['titles mostly not ASCII', [text(program), text(accented), text(context)], 0],
      ['a cart over the buffer', [text(program), text(big), text(context)], 0],
      ['an escaped lone surrogate', [text(program), text(cart).replace('"items"', '"\\ud800items"'), text(context)], 1],
      ['a raw lone surrogate', [text(program), text(cart).replace('"items"', '"\ud800items"'), text(context)], 0],
      ['malformed JSON', [text(program), '{"items": [', text(context)], 1],
    ];
    for (const [what, docs, viaBuffer] of cases) {
      written = 0;
      assert.equal(answer(...docs), copied(...docs), what);
      assert.equal(written, viaBuffer, what);
    }
  });
});

describe('the two shipped modules', () => {
  it('each holds only what its page calls, and says so for the rest', async () => {
    const { tiercart: storefront, TiercartError } = await loadTiercart('storefront');
    const { tiercart: orders } = await loadTiercart('orders');
    const { program, cart, context } = read('tote-below');
    assert.deepStrictEqual(storefront.evaluate(program, cart, context), expected('tote-below'));
    const notHeld = (call) => (error) => {
      assert.ok(error instanceof TiercartError, call);
      assert.equal(error.code, 'not_in_module', call);
      return true;
    };
    // The drawer's module has no post-purchase calls and no server checks.
    assert.throws(() => storefront.checkAddress({}, {}), notHeld('checkAddress'));
    assert.throws(() => storefront.selectOffers({}, [], {}), notHeld('selectOffers'));
    assert.throws(() => storefront.validateOrder(program, {}, context), notHeld('validateOrder'));
    // The order page's has no evaluation and no theme conversion.
    assert.throws(() => orders.evaluate(program, cart, context), notHeld('evaluate'));
    assert.throws(() => orders.themeProgram('{}', {}), notHeld('themeProgram'));
    // Both write money with the core's one formatter, and report the same core.
    for (const [amount, currency, format] of [
      [123456, 'USD', '${{amount}}'],
      [123456, 'EUR', '{{amount_with_comma_separator}} €'],
      [5000, 'JPY', '¥{{amount_no_decimals}}'],
    ]) {
      assert.equal(orders.formatMoney(amount, currency, format), storefront.formatMoney(amount, currency, format));
    }
    assert.equal(orders.version, storefront.version);
  });
});
