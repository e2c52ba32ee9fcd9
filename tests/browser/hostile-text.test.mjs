// Every demo page rendered with hostile merchant and shopper text: product, variant and
// collection titles, a vendor, a description, line properties, a discount code, an error in the
// URL, a program label on the checkout page, theme editor settings in the URL. No script runs,
// no attribute breaks out, and the text is shown as it was typed. Redirects stay on the store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { root, settled, setup } from './helpers.mjs';

const PWN = 'window.__pwned=1';
// Discount codes are upper-cased by the store: a payload written as numeric character
// references still runs after that (tag and attribute names are case-insensitive).
const references = (text) => [...text].map((c) => `&#${c.charCodeAt(0)};`).join('');

const TITLE = `Merino <img src=x onerror=${PWN}> "Crew" 'Sweater' </title><script>${PWN}</script>`;
const VARIANT = `S"><svg onload=${PWN}>`;
const SOLD_OUT_VARIANT = `L"><img src=x onerror=${PWN}>`;
const VENDOR = `Northbound' onmouseover='${PWN}`;
const DESCRIPTION = `<script>${PWN}</script>Warm & soft.`;
const COLLECTION = `Winter"><img src=x onerror=${PWN}>`;
const PROPERTY_NAME = `Engraving<svg onload=alert(1)>`;
const PROPERTY_VALUE = `"><img src=x onerror=${PWN}>'><script>${PWN}</script>`;
const NOTE_NAME = 'Gift note';
const NOTE_VALUE = `' autofocus onfocus='${PWN}' x='`;
const CODE = `"><img src=x onerror=${references(PWN)}>`;
const LABEL = `free <img src=x onerror=${PWN}> "shipping"`;
const ERROR = `<img src=x onerror=${PWN}>`;

const SWEATER = 2001; // Merino Crew Sweater - S, $89: free shipping, no gift
const SOLD_OUT = 2003; // Merino Crew Sweater - L, sold out here: its title goes through a translation

let t;
let programDir;
const dialogs = [];

before(async () => {
  // The program's free-shipping label is the message the delivery Function gives the checkout.
  const program = JSON.parse(fs.readFileSync(path.join(root, 'demo', 'program.json'), 'utf8'));
  program.bars[0].tiers[0].texts.en.label = LABEL;
  programDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-hostile-'));
  const programFile = path.join(programDir, 'program.json');
  fs.writeFileSync(programFile, JSON.stringify(program));
  t = await setup({ program: programFile });

  const { catalog } = t.store;
  const sweater = catalog.productsById.get(1001);
  sweater.title = TITLE;
  sweater.vendor = VENDOR;
  sweater.description = DESCRIPTION;
  catalog.variantsById.get(SWEATER).title = VARIANT;
  Object.assign(catalog.variantsById.get(SOLD_OUT), { title: SOLD_OUT_VARIANT, inventory: 0 });
  catalog.collectionTitles.winter = COLLECTION;

  t.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
});

after(async () => {
  await t.teardown();
  fs.rmSync(programDir, { recursive: true, force: true });
});

// Each test starts with a new cart (the cart is a cookie) and nothing seen yet. The last page
// is left first: its drawer would otherwise see the new, empty cart and reload the page.
beforeEach(async () => {
  await t.page.goto('about:blank');
  await t.page.context().clearCookies();
  dialogs.length = 0;
  t.errors.length = 0;
});

// Nothing injected ran or was parsed as markup: no flag, no dialog, no uncaught error, and no
// element carries an event handler attribute (the demo's pages have none of their own).
async function assertInert(where) {
  const found = await t.page.evaluate(() => ({
    pwned: window.__pwned,
    handlers: [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `<${el.localName} ${a.name}>`),
    ),
  }));
  assert.equal(found.pwned, undefined, `${where}: injected script ran`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(
    t.errors.map((e) => e.message),
    [],
    `${where}: page errors`,
  );
  assert.deepEqual(found.handlers, [], `${where}: an attribute broke out`);
}

const text = (selector) => t.page.locator(selector).first().textContent();

// The hostile sweater in a new cart, with properties a shopper set, a note and attributes,
// then the hostile code through a shareable discount link.
async function seedCart() {
  await t.page.goto(t.url('/'));
  const status = await t.page.evaluate(
    async ({ id, properties }) => {
      const add = await fetch('/cart/add.js', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id, quantity: 1, properties }),
      });
      const update = await fetch('/cart/update.js', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ note: properties[Object.keys(properties)[0]], attributes: properties }),
      });
      return [add.status, update.status];
    },
    { id: SWEATER, properties: { [PROPERTY_NAME]: PROPERTY_VALUE, [NOTE_NAME]: NOTE_VALUE } },
  );
  assert.deepEqual(status, [200, 200]);
  await t.page.goto(t.url(`/discount/${encodeURIComponent(CODE)}?redirect=/cart`));
  assert.equal(new URL(t.page.url()).pathname, '/cart');
}

test('home, collections and product pages show hostile titles as text', async () => {
  await t.page.goto(t.url('/'));
  await assertInert('home');
  assert.equal(await text('.card__title'), TITLE);
  assert.equal(await text('.header__menu a[href="/collections/winter"]'), COLLECTION);

  await t.page.goto(t.url('/collections'));
  await assertInert('collection list');
  assert.equal(await text('.collections a[href="/collections/winter"]'), COLLECTION);

  await t.page.goto(t.url('/collections/winter'));
  await assertInert('collection');
  assert.equal(await text('main h1'), COLLECTION);
  assert.equal(await text('.card__title'), TITLE);

  await t.page.goto(t.url('/products/merino-crew-sweater'));
  await assertInert('product');
  assert.equal(await text('.product h1'), TITLE);
  assert.equal(await t.page.locator('.product__image').getAttribute('alt'), TITLE);
  assert.equal(await text('.product__vendor'), VENDOR);
  assert.ok((await text('.product__info')).includes(DESCRIPTION), 'the description as text');
  assert.ok((await text(`#ProductVariant option[value="${SWEATER}"]`)).startsWith(`${VARIANT} · `));
  assert.ok(
    (await text(`#ProductVariant option[value="${SOLD_OUT}"]`)).startsWith(`${SOLD_OUT_VARIANT} (sold out) · `),
  );
});

test('the cart page shows the code, titles and properties as text', async () => {
  await seedCart();
  await assertInert('cart');
  assert.equal(await t.page.locator('#CartDiscount').inputValue(), CODE.toUpperCase());
  assert.equal(await text('.cart-table td a'), `${TITLE} - ${VARIANT}`);
  const details = await t.page.locator('.cart-table small').allTextContents();
  assert.deepEqual(details, [`${PROPERTY_NAME}: ${PROPERTY_VALUE}`, `${NOTE_NAME}: ${NOTE_VALUE}`]);

  // An error message carried in the URL is text too.
  await t.page.goto(t.url(`/cart?error=${encodeURIComponent(ERROR)}`));
  await assertInert('cart with error');
  assert.equal(await text('.error[role=alert]'), ERROR);
});

test('the drawer shows the code, titles and properties as text', async () => {
  await seedCart();
  await t.page.click('[data-tiercart-open]');
  await t.page.waitForSelector('tiercart-drawer[data-open]');
  await settled(t.page);
  await assertInert('drawer');
  const line = t.page.locator(`tiercart-drawer .tiercart-line[data-variant="${SWEATER}"]`);
  assert.equal(await line.locator('.tiercart-line__title').textContent(), TITLE);
  assert.deepEqual(await line.locator('.tiercart-line__detail').allTextContents(), [
    VARIANT,
    `${PROPERTY_NAME}: ${PROPERTY_VALUE}`,
    `${NOTE_NAME}: ${NOTE_VALUE}`,
  ]);
  assert.ok((await text('tiercart-drawer .tiercart-discount__code')).includes(CODE.toUpperCase()));
});

test('checkout and order status pages show titles and the program label as text', async () => {
  await seedCart();
  await t.page.goto(t.url('/checkout'));
  await assertInert('checkout');
  assert.match(await text('.summary li'), new RegExp(`^1 × ${escapeRegExp(`${TITLE} - ${VARIANT}`)}: `));
  assert.equal(await text('.shipping'), `Shipping: ${LABEL}`);

  await t.page.click('form[action="/checkout"] button[type=submit]');
  await t.page.waitForURL(/\/orders\/\d+$/);
  await t.page.waitForSelector('tiercart-order-status [data-offer-id]');
  await assertInert('order status');
  assert.match(await text('.summary li'), new RegExp(`^1 × ${escapeRegExp(`${TITLE} - ${VARIANT}`)}: `));
});

test('a 404 reached by a path holding quotes keeps them inside the attribute', async () => {
  // Chromium percent-encodes quotes in a URL it sends; another client may not. The page the
  // store answers such a raw request with is then loaded into Chromium at the store's origin.
  const rawPath = `/nowhere"onfocus="${PWN}"autofocus="`;
  const html = await new Promise((resolve, reject) => {
    http
      .get(t.url('/'), { path: rawPath }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
  assert.equal(html.status, 404);
  const pageUrl = t.url('/__raw-404');
  await t.page.route(pageUrl, (route) => route.fulfill({ status: 404, contentType: 'text/html', body: html.body }));
  await t.page.goto(pageUrl);
  await t.page.unroute(pageUrl);
  await assertInert('404 with a raw path');
  assert.equal(await t.page.locator('input[name=return_to]').inputValue(), rawPath);

  await t.page.goto(t.url(`/products/${encodeURIComponent(ERROR)}`));
  await assertInert('404');
  assert.equal(await text('main h1'), 'Page not found');
});

test('the theme editor preview keeps settings from its URL inside their attributes', async () => {
  const hostile = `red;"><img src=x onerror=${PWN}>`;
  const state = {
    settings: {
      'tiercart-embed': { accent_color: hostile, text_color: hostile, position: hostile },
      'tiercart-progress': { bar: hostile, accent_color: hostile },
    },
  };
  await t.page.goto(t.url(`/__demo/editor/preview?state=${encodeURIComponent(JSON.stringify(state))}`));
  await assertInert('editor preview');
  assert.equal(await t.page.locator('tiercart-drawer').count(), 1);
});

test('a discount link redirects only to a path on the store and keeps a bounded code', async () => {
  const location = async (target) => {
    const response = await fetch(t.url(`/discount/TAKE10?redirect=${encodeURIComponent(target)}`), {
      redirect: 'manual',
    });
    assert.equal(response.status, 302);
    return response.headers.get('location');
  };
  assert.equal(await location('/collections/winter?sort=price#top'), '/collections/winter?sort=price#top');
  for (const target of [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\/evil.example/',
    '/\t/evil.example/',
    'javascript:alert(1)',
    'https:evil.example',
    ' //evil.example/',
  ]) {
    assert.equal(await location(target), '/cart', JSON.stringify(target));
  }

  // In Chromium, where "/\host" means "//host": the shopper stays on the store.
  await t.page.route('http://evil.example/**', (route) => route.fulfill({ body: 'evil' }));
  await t.page.goto(t.url(`/discount/TAKE10?redirect=${encodeURIComponent('/\\evil.example/')}`));
  await t.page.unroute('http://evil.example/**');
  assert.equal(new URL(t.page.url()).origin, new URL(t.url('/')).origin);

  // The language form's return address is held to the same rule.
  const back = await fetch(t.url('/localization'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `locale_code=en&return_to=${encodeURIComponent('/\\evil.example/')}`,
    redirect: 'manual',
  });
  assert.equal(back.headers.get('location'), '/');

  // A code is text of at most 255 characters: a longer one is not kept.
  const codes = async (code) => {
    await t.page.goto(t.url(`/discount/${encodeURIComponent(code)}`));
    return t.page.evaluate(() =>
      fetch('/cart.js')
        .then((r) => r.json())
        .then((c) => c.discount_codes.map((d) => d.code)),
    );
  };
  assert.deepEqual(await codes('A'.repeat(255)), ['A'.repeat(255)]);
  assert.deepEqual(await codes('B'.repeat(256)), []);
});

function escapeRegExp(value) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
