// tiercart's Shopify Functions run as Shopify runs them: the WebAssembly modules of
// build/function/ (make build-function) started under WASI with the input JSON on stdin,
// the output JSON read from stdout. The demo store prices its cart and checkout with them,
// and tests/function/ checks them against the fixtures. docs/function.md has the contract.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { WASI } from 'node:wasi';
import { centsToDecimal } from './store.mjs';

// Each run is a fresh instance, as on Shopify, and each instance reserves gigabytes of address
// space for its linear memory until the garbage collector frees it. Node 20 crashes (SIGSEGV)
// after a few hundred unreclaimed instances instead of collecting them, so the runner
// collects every so many runs itself.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');
const RUNS_PER_COLLECTION = 16;
let runs = 0;

const here = path.dirname(fileURLToPath(import.meta.url));
export const FUNCTION_DIR = path.join(here, '..', 'build', 'function');

export const TARGETS = {
  'cart.lines.discounts.generate.run': { module: 'discount', export: 'cart_lines_discounts_generate_run' },
  'cart.delivery-options.discounts.generate.run': {
    module: 'discount',
    export: 'cart_delivery_options_discounts_generate_run',
  },
  'cart.validations.generate.run': { module: 'validation', export: 'cart_validations_generate_run' },
};

const compiled = new Map();

// The compiled module of `name` ("discount" or "validation"), compiled once per file.
export function functionModule(name, dir = FUNCTION_DIR) {
  const file = path.join(dir, `tiercart-${name}.wasm`);
  if (!compiled.has(file)) compiled.set(file, new WebAssembly.Module(fs.readFileSync(file)));
  return compiled.get(file);
}

let scratch = null;

// Runs one export of a module on `input` (a string or a value to serialize), synchronously.
// Answers { exitCode, stdout, stderr, output, instance }: output is stdout parsed, or null.
// A trap is thrown as the WebAssembly.RuntimeError it is: callers must never see one.
export function runExport(module, exportName, input) {
  scratch ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-function-'));
  runs += 1;
  if (runs % RUNS_PER_COLLECTION === 0) collectGarbage();
  const files = ['stdin', 'stdout', 'stderr'].map((n) => path.join(scratch, `${process.pid}.${n}`));
  fs.writeFileSync(files[0], typeof input === 'string' ? input : JSON.stringify(input));
  const fds = [fs.openSync(files[0], 'r'), fs.openSync(files[1], 'w+'), fs.openSync(files[2], 'w+')];
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: [],
      env: {},
      stdin: fds[0],
      stdout: fds[1],
      stderr: fds[2],
      returnOnExit: true,
    });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    // Shopify calls the target's export, not _start: hand WASI that export as the entry.
    const exitCode = wasi.start({ exports: { memory: instance.exports.memory, _start: instance.exports[exportName] } });
    const stdout = fs.readFileSync(files[1], 'utf8');
    const stderr = fs.readFileSync(files[2], 'utf8');
    let output = null;
    try {
      output = exitCode === 0 ? JSON.parse(stdout) : null;
    } catch {
      output = null;
    }
    return { exitCode: exitCode ?? 0, stdout, stderr, output, instance };
  } finally {
    for (const fd of fds) fs.closeSync(fd);
  }
}

// Runs a target (its full name) on an input.
export function runTarget(target, input, dir = FUNCTION_DIR) {
  const { module, export: exportName } = TARGETS[target];
  return runExport(functionModule(module, dir), exportName, input);
}

// Shopify's LanguageCode for a storefront locale: "en" -> "EN", "pt-BR" -> "PT_BR".
export const languageCode = (locale) =>
  String(locale || 'en')
    .replace('-', '_')
    .toUpperCase();

// What a Function reads of its owner's `$app:tiercart`/`program` metafield: at most 10,000
// bytes (SHOPIFY.md section 12); a longer value comes back null (marked unconfirmed there).
export const FUNCTION_METAFIELD_LIMIT = 10000;

// The shop's wall clock at `nowMs` in its time zone, as Shopify's DateTimeWithoutTimezone
// writes it ("2026-11-27T07:00:00").
export function shopLocalTime(nowMs, timezone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(nowMs))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

// Shopify's answers to the input queries' `shop.localTime` selection: for every
// `scheduleAt<i>` variable, `after<i>: dateTimeAfter(dateTime: $scheduleAt<i>)`, true when the
// shop's clock is at or past that local time. `variables` is the app's input_variables
// metafield; without it (or with a variable missing) the query cannot run, as GraphQL refuses
// a required variable left out: null.
export const SCHEDULE_SLOTS = 8;
export function localTimeAnswers(variables, timezone, nowMs) {
  if (!variables || typeof variables !== 'object') return null;
  const now = shopLocalTime(nowMs, timezone);
  const answers = {};
  for (let i = 0; i < SCHEDULE_SLOTS; i += 1) {
    const at = variables[`scheduleAt${i}`];
    if (typeof at !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(at)) return null;
    answers[`after${i}`] = now >= at;
  }
  return answers;
}

// The input the demo's checkout gives its Functions, shaped as the input queries in
// extensions/ ask Shopify for it. `lines`: [{ id, quantity, price (hundredths, presentment),
// variantId, productId, productType, giftCard, requiresShipping, claim }]. `owner`: the
// discount or validation the app created ({value, discountClasses}, value null when it has no
// program metafield); without one, `program` stands in for it, as before the app publishes.
export function functionInput({
  lines,
  currency,
  rate,
  locale,
  country,
  program,
  owner = 'discount',
  appOwner = null,
  armKey = null,
  customer = null,
  localTime = null,
}) {
  // Shopify's Decimal scalar; the demo's amounts are hundredths of a unit.
  const money = (amount) => ({ amount: centsToDecimal(amount), currencyCode: currency });
  const input = {
    cart: {
      lines: lines.map((l) => ({
        id: l.id,
        quantity: l.quantity,
        attribute: l.claim === undefined ? null : { value: l.claim },
        cost: {
          amountPerQuantity: money(l.price),
          // Null when the variant has no compare-at price, as Shopify answers.
          compareAtAmountPerQuantity: l.compareAt ? money(l.compareAt) : null,
          subtotalAmount: money(l.price * l.quantity),
          totalAmount: money(l.price * l.quantity),
        },
        merchandise: {
          __typename: 'ProductVariant',
          id: `gid://shopify/ProductVariant/${l.variantId}`,
          requiresShipping: l.requiresShipping,
          product: { id: `gid://shopify/Product/${l.productId}`, productType: l.productType, isGiftCard: l.giftCard },
        },
      })),
      armKey: armKey === null ? null : { value: armKey },
      cost: { subtotalAmount: money(lines.reduce((n, l) => n + l.price * l.quantity, 0)) },
      deliveryGroups: [{ id: 'gid://shopify/CartDeliveryGroup/1', deliveryAddress: { countryCode: country } }],
      // A signed-in buyer (customer: {orders, amountSpent} in the shop currency's hundredths);
      // null for a signed-out one, as Shopify answers.
      buyerIdentity: {
        customer: customer && {
          numberOfOrders: customer.orders,
          amountSpent: { amount: centsToDecimal(customer.amountSpent), currencyCode: customer.currency ?? 'USD' },
        },
      },
    },
    presentmentCurrencyRate: rate,
    localization: { language: { isoCode: languageCode(locale) }, country: { isoCode: country } },
    // `localTime`: localTimeAnswers' {after0: ..., after7: ...}.
    ...(localTime ? { shop: { localTime } } : {}),
  };
  let metafield = { value: JSON.stringify(program) };
  if (appOwner)
    metafield =
      typeof appOwner.value === 'string' && Buffer.byteLength(appOwner.value) <= FUNCTION_METAFIELD_LIMIT
        ? { value: appOwner.value }
        : null;
  const discountClasses = appOwner?.discountClasses ?? ['PRODUCT', 'SHIPPING'];
  input[owner] = owner === 'discount' ? { discountClasses, metafield } : { metafield };
  return input;
}

// The demo's checkout Functions for one program, as a merchant would install them.
// `appOwner(api)` ("discount" or "validation"): what the app created through the Admin API
// stand-in (demo/admin-api.mjs): undefined when it created nothing (the demo's `program` is
// used, as before), {active: false} when the owner exists but does not run (a scheduled or
// expired discount, a validation not enabled), else {active: true, value, discountClasses,
// variables}. `clock()`: the shop's {timezone, nowMs}. `programVariables(timezone)`: the
// input variables the app would write beside the demo's `program` (an owner brings its own).
export function createCheckoutFunctions({
  program,
  dir = FUNCTION_DIR,
  appOwner = () => undefined,
  clock = () => ({ timezone: 'America/New_York', nowMs: Date.now() }),
  programVariables = () => null,
}) {
  const run = (target, cart, owner, ownerName = 'discount') => {
    const { timezone, nowMs } = clock();
    const localTime = localTimeAnswers(owner ? owner.variables : programVariables(timezone), timezone, nowMs);
    // A required variable missing: Shopify cannot run the input query, so the Function does
    // not run and applies nothing.
    if (!localTime) {
      process.stderr.write(`tiercart function ${target}: the input query's variables are missing\n`);
      return { operations: [] };
    }
    const input = functionInput({ ...cart, program, appOwner: owner, owner: ownerName, localTime });
    const result = runTarget(target, input, dir);
    // A failed run applies nothing, as on Shopify; its log says why.
    if (result.exitCode !== 0 || !result.output) {
      if (result.stderr) process.stderr.write(`tiercart function ${target}: ${result.stderr}`);
      return { operations: [] };
    }
    return result.output;
  };
  return {
    // { lineId: { quantity, message } } for the units the discount makes free.
    lineDiscounts(cart) {
      const owner = appOwner('discount');
      if (owner && !owner.active) return {};
      const output = run('cart.lines.discounts.generate.run', cart, owner);
      const free = {};
      for (const op of output.operations) {
        for (const candidate of op.productDiscountsAdd?.candidates ?? []) {
          // A gift is 100% off; a buy X get Y may take a smaller percentage off its units.
          const percent = candidate.value?.percentage?.value;
          if (!(percent > 0 && percent <= 100)) continue;
          for (const t of candidate.targets) {
            free[t.cartLine.id] = { quantity: t.cartLine.quantity, message: candidate.message, percent };
          }
        }
      }
      return free;
    },
    // The message of the free-shipping discount, or null.
    deliveryDiscount(cart) {
      const owner = appOwner('discount');
      if (owner && !owner.active) return null;
      const output = run('cart.delivery-options.discounts.generate.run', cart, owner);
      for (const op of output.operations) {
        const candidate = op.deliveryDiscountsAdd?.candidates?.[0];
        if (candidate) return candidate.message;
      }
      return null;
    },
    // The messages that block checkout (empty when it may go ahead).
    validate(cart) {
      const owner = appOwner('validation');
      if (owner && !owner.active) return [];
      const output = run('cart.validations.generate.run', cart, owner, 'validation');
      return output.operations.flatMap((op) => (op.validationAdd?.errors ?? []).map((e) => e.message));
    },
  };
}
