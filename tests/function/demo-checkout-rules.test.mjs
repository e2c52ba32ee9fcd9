// The rules of issue 20 through the demo store's checkout over HTTP. Buy X get Y (7.5): the
// units the discount Function picks are the ones cart.js and the order discount, at the
// program's percent, and added get-items beyond what the cart earns stop checkout.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { startServer } from '../../demo/server.mjs';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const programOf = (fixture) =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, `${fixture}.input.json`), 'utf8')).program;
// Buy 2 mugs, the cheapest third free; buy 2 bags of coffee, a mug at half price added.
const MUG_DEAL = programOf('bxgy-cheapest-units-free');
const COFFEE_MUG = programOf('bxgy-added-like-a-gift');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-bxgy-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function demoWith(program) {
  const file = path.join(dir, `${program.id}.json`);
  fs.writeFileSync(file, JSON.stringify(program));
  return startServer({ port: 0, program: file });
}

function shopper(demo) {
  const jar = {};
  return async (url, { method = 'GET', json, form } = {}) => {
    const response = await fetch(new URL(url, demo.url), {
      method,
      redirect: 'manual',
      headers: {
        cookie: Object.entries(jar)
          .map(([k, v]) => `${k}=${v}`)
          .join('; '),
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: json ? JSON.stringify(json) : (form ?? (method === 'POST' ? '' : undefined)),
    });
    for (const c of response.headers.getSetCookie()) {
      const [k, v] = c.split(';')[0].split('=');
      jar[k] = v;
    }
    return response;
  };
}

const MUG = 2015;
const COFFEE = 2014;

test('buy 2 get 1: seven mugs, two free at checkout and in the order', async () => {
  const demo = await demoWith(MUG_DEAL);
  try {
    const go = shopper(demo);
    await go('/cart/add.js', { method: 'POST', json: { items: [{ id: MUG, quantity: 7 }] } });
    const cart = await (await go('/cart.js')).json();
    const mugs = cart.items.find((i) => i.variant_id === MUG);
    assert.equal(mugs.total_discount, 2 * mugs.price, 'two of seven units are free');
    assert.equal(mugs.final_line_price, 5 * mugs.price);
    assert.equal(mugs.discounts[0].title, 'a free mug');
    const placed = await go('/checkout', { method: 'POST' });
    assert.equal(placed.status, 302);
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
    const { order } = await (await go(`${placed.headers.get('location')}.json`)).json();
    assert.equal(order.line_items.find((l) => l.variant_id === MUG).final_line_price, 5 * mugs.price);
  } finally {
    demo.close();
  }
});

test('buy 2 get 1: two mugs, nothing free yet', async () => {
  const demo = await demoWith(MUG_DEAL);
  try {
    const go = shopper(demo);
    await go('/cart/add.js', { method: 'POST', json: { items: [{ id: MUG, quantity: 2 }] } });
    const mugs = (await (await go('/cart.js')).json()).items[0];
    assert.equal(mugs.total_discount, 0);
  } finally {
    demo.close();
  }
});

test('added get-items: half price for the units earned, checkout blocked beyond them', async () => {
  const demo = await demoWith(COFFEE_MUG);
  try {
    const claim = { _tiercart: `${COFFEE_MUG.id}@${COFFEE_MUG.version}:mug-half-price` };
    const honest = shopper(demo);
    await honest('/cart/add.js', {
      method: 'POST',
      json: {
        items: [
          { id: COFFEE, quantity: 4 },
          { id: MUG, quantity: 2, properties: claim },
        ],
      },
    });
    const cart = await (await honest('/cart.js')).json();
    const mugs = cart.items.find((i) => i.variant_id === MUG);
    assert.equal(mugs.total_discount, mugs.price, 'half of two mugs');
    const placed = await honest('/checkout', { method: 'POST' });
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);

    const greedy = shopper(demo);
    await greedy('/cart/add.js', {
      method: 'POST',
      json: {
        items: [
          { id: COFFEE, quantity: 2 },
          { id: MUG, quantity: 2, properties: claim },
        ],
      },
    });
    const greedyMugs = (await (await greedy('/cart.js')).json()).items.find((i) => i.variant_id === MUG);
    assert.equal(greedyMugs.total_discount, greedyMugs.price / 2, 'only the one mug earned is half price');
    const orders = demo.store.orders.length;
    const blocked = await greedy('/checkout', { method: 'POST' });
    assert.match(
      decodeURIComponent(blocked.headers.get('location')),
      /more discounted items \(a camp mug at half price\)/,
    );
    assert.equal(demo.store.orders.length, orders, 'no order was placed');
  } finally {
    demo.close();
  }
});

// Sale items (program-format.md section 4): a bar of full-price lines. The demo's beanie is on
// sale ($24.00, compare-at $30.00): it never helps earn the tote at checkout.
const FULL_PRICE = programOf('sale-items-left-out');
const SWEATER = 2001;
const BEANIE = 2006;
const TOTE = 9001;

test('sale items left out: the tote needs $100.00 at full price at checkout too', async () => {
  const demo = await demoWith(FULL_PRICE);
  try {
    const claim = { _tiercart: `${FULL_PRICE.id}@${FULL_PRICE.version}:tote` };
    const short = shopper(demo);
    await short('/cart/add.js', {
      method: 'POST',
      json: {
        items: [
          { id: SWEATER, quantity: 1 },
          { id: BEANIE, quantity: 1 },
          { id: TOTE, quantity: 1, properties: claim },
        ],
      },
    });
    const tote = (await (await short('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(tote.total_discount, 0, '$89.00 at full price: the tote is not free');
    const blocked = await short('/checkout', { method: 'POST' });
    assert.match(decodeURIComponent(blocked.headers.get('location')), /does not unlock a free canvas tote/);

    const full = shopper(demo);
    await full('/cart/add.js', {
      method: 'POST',
      json: {
        items: [
          { id: SWEATER, quantity: 2 },
          { id: BEANIE, quantity: 1 },
          { id: TOTE, quantity: 1, properties: claim },
        ],
      },
    });
    const freeTote = (await (await full('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(freeTote.final_line_price, 0);
    const placed = await full('/checkout', { method: 'POST' });
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
  } finally {
    demo.close();
  }
});

// Customer history (program-format.md section 10): a tote for customers with 2 orders or more.
// The demo signs shoppers in with /account/login?customer=<id> ("returning": 3 orders).
const RETURNING = programOf('history-signed-out');

test('customer history: the returning customer’s tote is free, a signed-out shopper’s is blocked', async () => {
  const demo = await demoWith(RETURNING);
  try {
    const claim = { _tiercart: `${RETURNING.id}@${RETURNING.version}:welcome-back` };
    const items = [
      { id: SWEATER, quantity: 1 },
      { id: TOTE, quantity: 1, properties: claim },
    ];
    const signedIn = shopper(demo);
    assert.equal((await signedIn('/account/login?customer=returning')).status, 302);
    await signedIn('/cart/add.js', { method: 'POST', json: { items } });
    const tote = (await (await signedIn('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(tote.final_line_price, 0);
    const placed = await signedIn('/checkout', { method: 'POST' });
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
    const { order } = await (await signedIn(`${placed.headers.get('location')}.json`)).json();
    assert.equal(order.customer.orders_count, 3);

    const signedOut = shopper(demo);
    await signedOut('/cart/add.js', { method: 'POST', json: { items } });
    const charged = (await (await signedOut('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(charged.total_discount, 0);
    const blocked = await signedOut('/checkout', { method: 'POST' });
    assert.match(
      decodeURIComponent(blocked.headers.get('location')),
      /does not unlock a free tote for returning customers/,
    );
  } finally {
    demo.close();
  }
});

// Thresholds by country (program-format.md section 11.1): the tote from $100.00, $150.00 in
// Canada. The shopper picks a country with the store's selector (POST /localization,
// country_code, as Shopify's localization form); its market's currency comes with it, and the
// demo's checkout delivers to that country.
const MARKETS = programOf('markets-listed-country');
const JACKET = 2004; // $149.00

test('thresholds by country: a $149.00 jacket earns the tote shipped to the US, not to Canada', async () => {
  const demo = await demoWith(MARKETS);
  try {
    const claim = { _tiercart: `${MARKETS.id}@${MARKETS.version}:tote` };
    const items = [
      { id: JACKET, quantity: 1 },
      { id: TOTE, quantity: 1, properties: claim },
    ];
    const american = shopper(demo);
    await american('/cart/add.js', { method: 'POST', json: { items } });
    const usTote = (await (await american('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(usTote.final_line_price, 0);
    const placed = await american('/checkout', { method: 'POST' });
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
    const { order } = await (await american(`${placed.headers.get('location')}.json`)).json();
    assert.equal(order.shipping_address.country_code, 'US');

    const canadian = shopper(demo);
    const picked = await canadian('/localization', { method: 'POST', form: 'country_code=CA&return_to=/' });
    assert.equal(picked.status, 302);
    assert.match(await (await canadian('/')).text(), /<option value="CA" selected>Canada \(CAD\)<\/option>/);
    await canadian('/cart/add.js', { method: 'POST', json: { items } });
    const cart = await (await canadian('/cart.js')).json();
    assert.equal(cart.currency, 'CAD', "Canada's market prices in CAD");
    const caTote = cart.items.find((i) => i.variant_id === TOTE);
    assert.equal(caTote.total_discount, 0, 'CA$207.11 is short of CA$209.00 ($150.00 x 1.39, up to a whole dollar)');
    const orders = demo.store.orders.length;
    const blocked = await canadian('/checkout', { method: 'POST' });
    assert.match(decodeURIComponent(blocked.headers.get('location')), /does not unlock a free canvas tote/);
    assert.equal(demo.store.orders.length, orders, 'no order was placed');

    // A second jacket passes Canada's threshold: the tote is free and the order ships to Canada.
    await canadian('/cart/add.js', { method: 'POST', json: { items: [{ id: JACKET, quantity: 1 }] } });
    const freeTote = (await (await canadian('/cart.js')).json()).items.find((i) => i.variant_id === TOTE);
    assert.equal(freeTote.final_line_price, 0);
    const shipped = await canadian('/checkout', { method: 'POST' });
    assert.match(shipped.headers.get('location'), /^\/orders\/\d+$/);
    const canadianOrder = (await (await canadian(`${shipped.headers.get('location')}.json`)).json()).order;
    assert.equal(canadianOrder.shipping_address.country_code, 'CA');
    assert.equal(canadianOrder.presentment_currency, 'CAD');
  } finally {
    demo.close();
  }
});

// Schedules (program-format.md section 10): before the app publishes, the demo's own program
// gets the input variables the app would write (the CLI's input-variables), and the checkout
// asks its shop's clock (New York time) about them. A tote on for the hour around now, a wallet
// whose hour ended: only the tote is free, and a claim on the wallet stops checkout.
test('schedules: checkout honours the tier running now and refuses the one that ended', async () => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const weekend = programOf('schedule-during');
  const [, tote] = weekend.bars[0].tiers;
  tote.schedule = { starts_at: iso(now - 3600e3), ends_at: iso(now + 3600e3) };
  const ended = structuredClone(tote);
  Object.assign(ended, { id: 'last-hour-tote', threshold: 8500, schedule: { ends_at: iso(now - 60e3) } });
  weekend.bars[0].tiers.push(ended);
  const demo = await demoWith(weekend);
  try {
    const claim = (tier) => ({ _tiercart: `${weekend.id}@${weekend.version}:${tier}` });
    const go = shopper(demo);
    const items = [
      { id: SWEATER, quantity: 1 },
      { id: TOTE, quantity: 1, properties: claim('weekend-tote') },
      { id: TOTE, quantity: 1, properties: claim('last-hour-tote') },
    ];
    await go('/cart/add.js', { method: 'POST', json: { items } });
    const totes = (await (await go('/cart.js')).json()).items.filter((i) => i.variant_id === TOTE);
    const byTier = Object.fromEntries(totes.map((i) => [i.properties._tiercart.split(':')[1], i]));
    assert.equal(byTier['weekend-tote'].final_line_price, 0);
    assert.equal(byTier['last-hour-tote'].final_line_price, byTier['last-hour-tote'].price);
    const blocked = await go('/checkout', { method: 'POST' });
    assert.match(decodeURIComponent(blocked.headers.get('location')), /does not unlock/);
    await go('/cart/change.js', { method: 'POST', json: { id: byTier['last-hour-tote'].key, quantity: 0 } });
    const placed = await go('/checkout', { method: 'POST' });
    assert.match(placed.headers.get('location'), /^\/orders\/\d+$/);
  } finally {
    demo.close();
  }
});
