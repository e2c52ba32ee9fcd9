// Writes the inputs of tests/function-fixtures/<target>/<case>.input.json. The expected
// outputs (<case>.output.json) are golden files: written once by the native suite with
// TIERCART_UPDATE_FIXTURES=1, reviewed by hand, then checked by both builds.
//   node tests/function/write-fixtures.mjs

import fs from 'node:fs';
import path from 'node:path';

import { ROOT, PROGRAM, CLAIM, paid, gift, input } from './inputs.mjs';

const LINES = 'cart.lines.discounts.generate.run';
const DELIVERY = 'cart.delivery-options.discounts.generate.run';
const VALIDATION = 'cart.validations.generate.run';

// Buy X get Y (docs/program-format.md, 7.5): buy 2 mugs get the cheapest third free, the mugs
// bought by the shopper; buy 2 bags of coffee get a mug at half price, added as a gift line.
const MUG_DEAL = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'bxgy-cheapest-units-free.input.json'), 'utf8'),
).program;
const COFFEE_MUG = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'bxgy-added-like-a-gift.input.json'), 'utf8'),
).program;
const slate = (n, quantity) => paid(n, { price: 1400, quantity, variantId: 2015, productId: 1009 });
const cream = (n, quantity) => paid(n, { price: 1200, quantity, variantId: 2024, productId: 1009 });
const coffee = (n, quantity) => paid(n, { price: 1600, quantity, variantId: 2014, productId: 1008 });
const addedMug = (n, quantity) => ({
  ...paid(n, { price: 1400, quantity, variantId: 2015, productId: 1009 }),
  claim: `${COFFEE_MUG.id}@${COFFEE_MUG.version}:mug-half-price`,
});

// Sale items (program-format.md section 4): a bar that counts only full-price lines. The
// beanie is on sale ($24.00, compare-at $30.00).
const FULL_PRICE = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'sale-items-left-out.input.json'), 'utf8'),
).program;
const sweater = (n, quantity = 1) => ({ ...paid(n, { price: 8900, quantity }), compareAt: null });
const beanieOnSale = (n) => ({ ...paid(n, { price: 2400, variantId: 2006, productId: 1003 }), compareAt: 3000 });
const fullPriceTote = (n) => ({
  ...gift(n, 'tote'),
  claim: `${FULL_PRICE.id}@${FULL_PRICE.version}:tote`,
});

// Customer history (program-format.md section 10): a tote for customers with 2 orders or more,
// free shipping for those who spent $500.00.
const RETURNING = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'history-signed-out.input.json'), 'utf8'),
).program;
const welcomeTote = (n) => ({ ...gift(n, 'tote'), claim: `${RETURNING.id}@${RETURNING.version}:welcome-back` });
const returning = { orders: 3, amountSpent: 62000 };

// Schedules at checkout (program-format.md section 10): a tote for Black Friday weekend only.
// Its two moments are scheduleAt0 (start) and scheduleAt1 (end); Shopify answers whether the
// shop's clock has reached each (the unused slots hold 2000-01-01, long reached).
const WEEKEND = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'schedule-during.input.json'), 'utf8'),
).program;
const weekendTote = (n) => ({ ...gift(n, 'tote'), claim: `${WEEKEND.id}@${WEEKEND.version}:weekend-tote` });
const clock = (...reached) =>
  Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`after${i}`, i < reached.length ? reached[i] : true]));
const BEFORE_WEEKEND = clock(false, false);
const DURING_WEEKEND = clock(true, false);
const AFTER_WEEKEND = clock(true, true);

const withoutProgram = (doc, owner = 'discount') => {
  delete doc[owner].metafield;
  return doc;
};

const cases = {
  [LINES]: {
    'gift-earned': input([paid(1, { quantity: 2 }), gift(2, 'tote')]),
    'gift-below-threshold': input([paid(1), gift(2, 'tote')]),
    'gift-exactly-at-threshold': input([paid(1, { price: 10000 }), gift(2, 'tote')]),
    'gift-quantity-capped': input([paid(1, { quantity: 2 }), gift(2, 'tote', { quantity: 3 })]),
    'two-tiers-two-gifts': input([
      paid(1, { quantity: 3 }),
      gift(2, 'tote'),
      gift(3, 'pick-a-gift', { variantId: 9002, productId: 8002 }),
    ]),
    'second-choice-refused': input([
      paid(1, { quantity: 3 }),
      gift(2, 'pick-a-gift', { variantId: 9003, productId: 8003 }),
      gift(3, 'pick-a-gift', { variantId: 9004, productId: 8004 }),
    ]),
    'gift-not-offered-by-tier': input([
      paid(1, { quantity: 2 }),
      gift(2, 'tote', { variantId: 2001, productId: 1001 }),
    ]),
    'gift-lines-do-not-count': input([paid(1, { price: 5000 }), gift(2, 'tote', { price: 9000 })]),
    'other-program-claim': input([paid(1, { quantity: 2 }), { ...gift(2, 'tote'), claim: 'someone-else@1:tote' }]),
    'old-version-claim': input([paid(1, { quantity: 2 }), { ...gift(2, 'tote'), claim: `${PROGRAM.id}@0:tote` }]),
    'eur-converted-threshold-earned': input([paid(1, { price: 9200 }), gift(2, 'tote', { price: 2300 })], {
      currency: 'EUR',
      rate: '0.92',
      locale: 'fr',
    }),
    'eur-converted-threshold-missed': input([paid(1, { price: 9199 }), gift(2, 'tote', { price: 2300 })], {
      currency: 'EUR',
      rate: '0.92',
      locale: 'fr',
    }),
    'eur-without-rate': (() => {
      const doc = input([paid(1, { price: 20000 }), gift(2, 'tote')], { currency: 'EUR', rate: '0.92' });
      delete doc.presentmentCurrencyRate;
      return doc;
    })(),
    'no-program': withoutProgram(input([paid(1, { quantity: 2 }), gift(2, 'tote')])),
    'unreadable-program': (() => {
      const doc = input([paid(1, { quantity: 2 }), gift(2, 'tote')]);
      doc.discount.metafield.value = '{"format": 1, "id": "broken"';
      return doc;
    })(),
    'shipping-only-discount-class': (() => {
      const doc = input([paid(1, { quantity: 2 }), gift(2, 'tote')]);
      doc.discount.discountClasses = ['SHIPPING'];
      return doc;
    })(),
    'bxgy-cheapest-units-free': input([slate(1, 3), paid(2), cream(3, 3)], { program: MUG_DEAL }),
    'bxgy-lines-reversed': input([cream(1, 3), paid(2), slate(3, 3)], { program: MUG_DEAL }),
    'bxgy-no-free-unit-yet': input([slate(1, 2)], { program: MUG_DEAL }),
    'bxgy-added-line-half-price': input([coffee(1, 4), addedMug(2, 2)], { program: COFFEE_MUG }),
    'bxgy-added-line-capped': input([coffee(1, 2), addedMug(2, 2)], { program: COFFEE_MUG }),
    'sale-items-gift-below-full-price': input([sweater(1), beanieOnSale(2), fullPriceTote(3)], { program: FULL_PRICE }),
    'sale-items-gift-earned-at-full-price': input([sweater(1, 2), beanieOnSale(2), fullPriceTote(3)], {
      program: FULL_PRICE,
    }),
    'history-returning-customer-tote': input([sweater(1), welcomeTote(2)], { program: RETURNING, customer: returning }),
    'history-first-order-no-tote': input([sweater(1), welcomeTote(2)], {
      program: RETURNING,
      customer: { orders: 0, amountSpent: 0 },
    }),
    'history-signed-out-no-tote': input([sweater(1), welcomeTote(2)], { program: RETURNING }),
    'schedule-tote-before-the-weekend': input([sweater(1), weekendTote(2)], {
      program: WEEKEND,
      localTime: BEFORE_WEEKEND,
    }),
    'schedule-tote-during-the-weekend': input([sweater(1), weekendTote(2)], {
      program: WEEKEND,
      localTime: DURING_WEEKEND,
    }),
    'schedule-tote-after-the-weekend': input([sweater(1), weekendTote(2)], {
      program: WEEKEND,
      localTime: AFTER_WEEKEND,
    }),
    // An input without the shop's clock (an older input query): schedules are not checked.
    'schedule-not-told-the-time': input([sweater(1), weekendTote(2)], { program: WEEKEND }),
    'empty-cart': input([]),
    'error-not-json': '{"cart": {"lines": [',
    'error-lines-not-array': { cart: { lines: {} } },
    'error-missing-cart': { discount: { metafield: { value: JSON.stringify(PROGRAM) } } },
    'error-bad-variant-id': (() => {
      const doc = input([paid(1), gift(2, 'tote')]);
      doc.cart.lines[1].merchandise.id = 'gid://shopify/ProductVariant/tote';
      return doc;
    })(),
    'error-mixed-currencies': (() => {
      const doc = input([paid(1), gift(2, 'tote')]);
      doc.cart.lines[1].cost.amountPerQuantity.currencyCode = 'EUR';
      return doc;
    })(),
    'error-negative-quantity': (() => {
      const doc = input([paid(1), gift(2, 'tote')]);
      doc.cart.lines[0].quantity = -2;
      return doc;
    })(),
    'error-amount-not-decimal': (() => {
      const doc = input([paid(1)]);
      doc.cart.lines[0].cost.amountPerQuantity.amount = '12,50';
      return doc;
    })(),
  },
  [DELIVERY]: {
    'history-big-spender-free-shipping': input([sweater(1)], { program: RETURNING, customer: returning }),
    'history-small-spender-pays-shipping': input([sweater(1)], {
      program: RETURNING,
      customer: { orders: 3, amountSpent: 20000 },
    }),
    'free-shipping-earned': input([paid(1, { price: 5000 })], { locale: 'fr' }),
    'free-shipping-not-yet': input([paid(1, { price: 4999 })]),
    'gift-lines-do-not-count': input([paid(1, { price: 4000 }), gift(2, 'tote', { price: 2500 })]),
    'no-delivery-groups': (() => {
      const doc = input([paid(1, { price: 9000 })]);
      doc.cart.deliveryGroups = [];
      return doc;
    })(),
    'product-only-discount-class': (() => {
      const doc = input([paid(1, { price: 9000 })]);
      doc.discount.discountClasses = ['PRODUCT'];
      return doc;
    })(),
  },
  [VALIDATION]: {
    'earned-gift-passes': input([paid(1, { quantity: 2 }), gift(2, 'tote')], { owner: 'validation' }),
    'schedule-tote-after-the-weekend-blocked': input([sweater(1), weekendTote(2)], {
      owner: 'validation',
      program: WEEKEND,
      localTime: AFTER_WEEKEND,
    }),
    'schedule-tote-during-the-weekend-passes': input([sweater(1), weekendTote(2)], {
      owner: 'validation',
      program: WEEKEND,
      localTime: DURING_WEEKEND,
    }),
    'no-gift-passes': input([paid(1)], { owner: 'validation' }),
    'unearned-gift-blocked-en': input([paid(1), gift(2, 'tote')], { owner: 'validation' }),
    'unearned-gift-blocked-fr': input([paid(1), gift(2, 'tote')], { owner: 'validation', locale: 'fr' }),
    'unearned-gift-blocked-de': input([paid(1), gift(2, 'tote')], { owner: 'validation', locale: 'de' }),
    'unearned-gift-blocked-pt-br-falls-back': input([paid(1), gift(2, 'tote')], {
      owner: 'validation',
      locale: 'pt-BR',
    }),
    'too-many-gifts-blocked': input([paid(1, { quantity: 2 }), gift(2, 'tote', { quantity: 2 })], {
      owner: 'validation',
    }),
    'unknown-tier-blocked': input([paid(1, { quantity: 3 }), { ...gift(2, 'tote'), claim: CLAIM('platinum') }], {
      owner: 'validation',
    }),
    'many-forged-lines-one-message': input(
      [
        paid(1),
        ...Array.from({ length: 30 }, (_, i) => gift(i + 2, 'pick-a-gift', { variantId: 9003, productId: 8003 })),
      ],
      { owner: 'validation' },
    ),
    'no-program-gift-blocked': withoutProgram(
      input([paid(1, { quantity: 2 }), gift(2, 'tote')], { owner: 'validation' }),
      'validation',
    ),
    'no-program-no-gift-passes': withoutProgram(input([paid(1)], { owner: 'validation' }), 'validation'),
    'bxgy-added-line-earned-passes': input([coffee(1, 4), addedMug(2, 2)], {
      owner: 'validation',
      program: COFFEE_MUG,
    }),
    'bxgy-added-line-too-many-blocked': input([coffee(1, 2), addedMug(2, 2)], {
      owner: 'validation',
      program: COFFEE_MUG,
    }),
    'sale-items-gift-blocked': input([sweater(1), beanieOnSale(2), fullPriceTote(3)], {
      owner: 'validation',
      program: FULL_PRICE,
    }),
    'history-signed-out-blocked': input([sweater(1), welcomeTote(2)], { owner: 'validation', program: RETURNING }),
    'error-not-json': 'null',
  },
};

// Thresholds by country (program-format.md section 11.1): the tote from $100.00, $150.00 in
// Canada; free shipping from $50.00, $75.00 in Canada. The same $149.00 jacket earns the tote
// shipped to the United States, not to Canada; without a delivery address (the lines and
// validation input queries ask for none) the market's country decides.
const MARKETS = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'markets-listed-country.input.json'), 'utf8'),
).program;
const jacket = (n) => paid(n, { price: 14900, variantId: 2004, productId: 1002 });
const marketsTote = (n) => ({ ...gift(n, 'tote'), claim: `${MARKETS.id}@${MARKETS.version}:tote` });
const noAddress = (doc) => {
  delete doc.cart.deliveryGroups;
  return doc;
};
// Browsing as one country (localization), shipping to another (the delivery address).
const shipsTo = (doc, country) => {
  doc.cart.deliveryGroups[0].deliveryAddress.countryCode = country;
  return doc;
};
Object.assign(cases[LINES], {
  'markets-ca-delivery-short-no-tote': input([jacket(1), marketsTote(2)], { program: MARKETS, country: 'CA' }),
  'markets-us-delivery-tote': input([jacket(1), marketsTote(2)], { program: MARKETS, country: 'US' }),
  'markets-ca-delivery-over-canada-tote': input([sweater(1, 2), marketsTote(2)], { program: MARKETS, country: 'CA' }),
  'markets-ca-market-no-address-no-tote': noAddress(
    input([jacket(1), marketsTote(2)], { program: MARKETS, country: 'CA' }),
  ),
  'markets-ca-market-ships-to-us-tote': shipsTo(
    input([jacket(1), marketsTote(2)], { program: MARKETS, country: 'CA' }),
    'US',
  ),
});
Object.assign(cases[DELIVERY], {
  'markets-ca-free-shipping-not-yet': input([paid(1, { price: 6000 })], { program: MARKETS, country: 'CA' }),
  'markets-us-free-shipping': input([paid(1, { price: 6000 })], { program: MARKETS, country: 'US' }),
});
Object.assign(cases[VALIDATION], {
  'markets-ca-delivery-short-blocked': input([jacket(1), marketsTote(2)], {
    owner: 'validation',
    program: MARKETS,
    country: 'CA',
  }),
  'markets-us-delivery-passes': input([jacket(1), marketsTote(2)], {
    owner: 'validation',
    program: MARKETS,
    country: 'US',
  }),
  'markets-ca-market-no-address-blocked': noAddress(
    input([jacket(1), marketsTote(2)], { owner: 'validation', program: MARKETS, country: 'CA' }),
  ),
});

for (const [target, byName] of Object.entries(cases)) {
  const dir = path.join(ROOT, 'tests', 'function-fixtures', target);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, doc] of Object.entries(byName)) {
    const text = typeof doc === 'string' ? doc : `${JSON.stringify(doc, null, 2)}\n`;
    fs.writeFileSync(path.join(dir, `${name}.input.json`), text);
  }
}
