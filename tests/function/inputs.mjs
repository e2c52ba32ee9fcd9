// Function inputs in Shopify's shape (the result of the input queries in extensions/), built
// from the demo shop's program and catalog. Shared by the fixture writer, the big-cart tests
// and bench/function/, so every figure is measured on inputs the tests also check.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { functionInput } from '../../demo/function-runner.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.join(here, '..', '..');
export const PROGRAM = JSON.parse(fs.readFileSync(path.join(ROOT, 'demo', 'program.json'), 'utf8'));
export const CLAIM = (tier) => `${PROGRAM.id}@${PROGRAM.version}:${tier}`;

// A paid line: a sweater (product 1001) at `price` hundredths.
export const paid = (n, { price = 6000, quantity = 1, variantId = 2001, productId = 1001 } = {}) => ({
  id: `gid://shopify/CartLine/${n}`,
  quantity,
  price,
  variantId,
  productId,
  productType: 'Knitwear',
  giftCard: false,
  requiresShipping: true,
});

// A gift line claiming `tier` for variant `variantId`.
export const gift = (n, tier, { variantId = 9001, productId = 8001, quantity = 1, price = 2500 } = {}) => ({
  ...paid(n, { price, quantity, variantId, productId }),
  productType: 'Gift',
  claim: CLAIM(tier),
});

export function input(
  lines,
  {
    currency = 'USD',
    rate = '1.0',
    locale = 'en',
    country = 'US',
    owner = 'discount',
    program = PROGRAM,
    customer = null,
    localTime = null,
  } = {},
) {
  return functionInput({ lines, currency, rate, locale, country, program, owner, customer, localTime });
}

// A cart of `count` lines: paid lines of several products, and the tote and a pick-a-gift
// gift (both earned once the cart passes 150.00).
export function bigCart(count, options = {}) {
  const lines = [];
  if (count < 3)
    return input(
      Array.from({ length: count }, (_, i) => paid(i + 1)),
      options,
    );
  for (let i = 0; lines.length < count - 2; i += 1) {
    lines.push(
      paid(i + 1, {
        price: 1000 + (i % 7) * 250,
        quantity: 1 + (i % 3),
        variantId: 2001 + (i % 20),
        productId: 1001 + (i % 12),
      }),
    );
  }
  lines.push(gift(count - 1, 'tote'));
  lines.push(gift(count, 'pick-a-gift', { variantId: 9003, productId: 8003 }));
  return input(lines, options);
}

// The demo's program with the rules of issue 20 in use beside its own bars (docs/program-format.md):
// buy 2 mugs get the cheapest third free, on the cart's own lines, and buy 2 bags of coffee get
// a mug at half price, added as a gift line. Used by the bench and the native/wasm comparison.
const fixtureProgram = (name) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', `${name}.input.json`), 'utf8')).program;
// The bars of a fixture's program under ids of their own (`prefix`), beside the demo's.
const renamed = (name, prefix) =>
  fixtureProgram(name).bars.map((bar) => ({
    ...bar,
    id: `${prefix}-${bar.id}`,
    tiers: bar.tiers.map((tier) => ({ ...tier, id: `${prefix}-${tier.id}` })),
  }));
// Also a bar of full-price lines (sale items left out), tiers for returning customers, Black
// Friday weekend's tiers inside a program running from November to the new year (four schedule
// moments, which checkout is told the shop's clock has passed in RULES_CLOCK), and tiers with
// thresholds by country (the rules cart delivers to Canada, one of the countries listed).
export const RULES_PROGRAM = {
  ...PROGRAM,
  schedule: { starts_at: '2026-11-01T00:00:00-04:00', ends_at: '2027-01-01T00:00:00-05:00' },
  bars: [
    ...PROGRAM.bars,
    ...fixtureProgram('bxgy-cheapest-units-free').bars,
    ...fixtureProgram('bxgy-added-like-a-gift').bars,
    ...renamed('sale-items-left-out', 'sale'),
    ...renamed('history-signed-out', 'history'),
    ...renamed('schedule-during', 'schedule'),
    ...renamed('markets-listed-country', 'markets'),
  ],
};
// Shopify's answers on the Saturday of the weekend: the program's start and the weekend's
// start reached, the weekend's end and the new year not; the unused slots (2000-01-01) reached.
export const RULES_CLOCK = Object.fromEntries(
  [true, true, false, false, true, true, true, true].map((reached, i) => [`after${i}`, reached]),
);

// bigCart's lines (which hold mugs, product 1009, and coffee, product 1008), against
// RULES_PROGRAM, with the added half-price mug claimed, every third line on sale, a
// signed-in customer with 3 orders and $620.00 spent, Shopify's clock answers, and Canada as
// the country checkout delivers to.
export function rulesCart(count, options = {}) {
  const doc = bigCart(count, {
    country: 'CA',
    ...options,
    program: RULES_PROGRAM,
    customer: { orders: 3, amountSpent: 62000 },
    localTime: RULES_CLOCK,
  });
  // Every third line on sale (compare-at a quarter above its price).
  doc.cart.lines.forEach((line, i) => {
    const unit = Math.round(Number(line.cost.amountPerQuantity.amount) * 125);
    line.cost.compareAtAmountPerQuantity =
      i % 3 === 0 ? { amount: (unit / 100).toFixed(2), currencyCode: line.cost.amountPerQuantity.currencyCode } : null;
  });
  if (count >= 3) {
    const lines = doc.cart.lines;
    const mug = lines[lines.length - 3];
    mug.merchandise.id = 'gid://shopify/ProductVariant/2015';
    mug.merchandise.product.id = 'gid://shopify/Product/1009';
    mug.attribute = { value: `${RULES_PROGRAM.id}@${RULES_PROGRAM.version}:mug-half-price` };
  }
  return doc;
}
