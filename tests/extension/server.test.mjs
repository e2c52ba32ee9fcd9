// The customer account extension, bundled, run in Debian's Chromium against the real native
// server on loopback: offers chosen by the server for the order its webhook gave it (the
// stand-in has no lines to send) and priced there, the edit window counting down, an address
// the server refuses and then accepts. `shopify` is a stand-in for the extension API: its
// session token is a real HS256 token signed with the app secret, as Shopify signs them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, root } from '../browser/helpers.mjs';
import { buildExtension } from '../../scripts/build-extension.mjs';

const SECRET = 'extension-test-secret';
const ADMIN = 'extension-test-admin';
const API_KEY = 'extension-test-api-key';
const SHOP = 'northbound-supply.myshopify.com';
const ORDER = JSON.parse(fs.readFileSync(path.join(root, 'examples/orders/orders-create-earned.json'), 'utf8'));
const SERVER = process.env.TIERCART_SERVER || path.join(root, 'build/bin/tiercart-server');

const b64url = (data) => Buffer.from(data).toString('base64url');
function sessionToken() {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: `gid://shopify/Customer/${ORDER.customer.id}`, iat: now, exp: now + 60 }))}`;
  return `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

let server;
let base;
let dir;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-extension-'));
  server = spawn(SERVER, ['--port', '0', '--database', `sqlite:${dir}/t.db`, '--threads', '8'], {
    env: { ...process.env, TIERCART_APP_SECRET: SECRET, TIERCART_ADMIN_TOKEN: ADMIN, TIERCART_API_KEY: API_KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const m = /listening on [\d.]+:(\d+)/.exec(String(chunk));
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`tiercart-server exited with ${code}`)));
  });
  base = `http://127.0.0.1:${port}`;
  const admin = (p, body) =>
    // The operator's token acts on the shop each call names.
    fetch(`${base}${p}?shop=${SHOP}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(body),
    }).then((r) => assert.equal(r.status, 200, p));
  await admin('/admin/context', {
    shop_currency: 'USD',
    cart_amounts: 'minor_units',
    variants: { 7001: { price: 1800, product_id: 3001, title: 'Merino Scarf' } },
  });
  await admin('/admin/post-purchase/offers', {
    format: 1,
    currency: 'USD',
    offers: [
      {
        id: 'scarf',
        kind: 'complementary',
        variant_id: 7001,
        when: { product_ids: [1001] },
        discount: { type: 'percentage', value: '15', title: '15% off' },
        reason: 'Goes with your sweater',
      },
    ],
  });
  await admin('/admin/post-purchase/edit-policy', { window_minutes: 30, allowed: ['address', 'add_item'] });
  // The order reaches the server through its orders/create webhook, as in production.
  const body = JSON.stringify(ORDER);
  const hook = await fetch(`${base}/webhooks/orders/create`, {
    method: 'POST',
    headers: {
      'X-Shopify-Hmac-Sha256': crypto.createHmac('sha256', SECRET).update(body).digest('base64'),
      'X-Shopify-Webhook-Id': 'wh-ext',
      'X-Shopify-Shop-Domain': SHOP,
      'Content-Type': 'application/json',
    },
    body,
  });
  assert.equal(hook.status, 200);
});

after(() => {
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Opens the bundled extension in a page with a stand-in `shopify`; `wasm: false` runs it where
// the sandbox refuses to compile WebAssembly. Resolves to the page and the list of the
// server's paths the extension called.
async function openExtension(browser, { wasm }) {
  const { code } = await buildExtension();
  const strings = JSON.parse(
    fs.readFileSync(path.join(root, 'extensions/tiercart-order-status/locales/en.default.json'), 'utf8'),
  );
  const page = browser.context.pages()[0] || (await browser.context.newPage());
  const errors = [];
  const calls = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('request', (request) => {
    if (request.url().startsWith(base)) calls.push(new URL(request.url()).pathname.split('/').pop());
  });
  await page.setContent('<!doctype html><html lang="en"><body></body></html>');
  await page.evaluate(
    async ({ code, strings, base, token, orderId, wasm }) => {
      if (!wasm) delete globalThis.WebAssembly;
      globalThis.shopify = {
        settings: { value: { server_url: base } },
        order: { value: { id: `gid://shopify/Order/${orderId}`, name: '#1001' } },
        localization: { currency: { value: { isoCode: 'USD' } } },
        shippingAddress: { value: null },
        sessionToken: { get: async () => token },
        i18n: {
          translate: (key, vars = {}) => (strings[key] || key).replace(/\{\{(\w+)\}\}/g, (m, n) => vars[n] ?? m),
          formatCurrency: (n, { currency }) =>
            new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(n),
        },
      };
      const module = await import(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      await module.default();
    },
    { code: code.toString(), strings, base, token: sessionToken(), orderId: ORDER.id, wasm },
  );
  // What a customer does in a field: its value changes and it says so.
  const type = (name, value) =>
    page.evaluate(
      ([name, value]) => {
        const field = document.querySelector(`s-text-field[name=${name}]`);
        field.value = value;
        field.dispatchEvent(new Event('input'));
      },
      [name, value],
    );
  const click = (label) =>
    page.evaluate((l) => [...document.querySelectorAll('s-button')].find((b) => b.textContent === l).click(), label);
  const error = (name) =>
    page.evaluate((n) => document.querySelector(`s-text-field[name=${n}]`).getAttribute('error'), name);
  return { page, errors, calls, strings, type, click, error, text: () => page.evaluate(() => document.body.innerText) };
}

// The order's edits as the server holds them, asked as the extension asks.
const savedEdits = () =>
  fetch(`${base}/customer-account/orders/${ORDER.id}/edits`, {
    headers: { Authorization: `Bearer ${sessionToken()}` },
  }).then((r) => r.json());

async function fillAddress(type, zip) {
  await type('last_name', 'Hale');
  await type('address1', '12 Harbor Road');
  await type('city', 'Portland');
  await type('province_code', 'ME');
  await type('country_code', 'US');
  await type('zip', zip);
}

test('without WebAssembly the extension shows server-priced offers, the countdown, and saves an address the server checks', async () => {
  const browser = await launch();
  try {
    const { page, errors, calls, strings, type, click, error, text } = await openExtension(browser, { wasm: false });
    assert.match(await text(), /Merino Scarf\s*Goes with your sweater\s*\$15\.30\s*Regular price \$18\.00/);
    assert.match(await text(), /for another (29|30):\d\d/);

    // A bad zip: nothing checks it as typed; the server's check on save comes back as the
    // field's error.
    await fillAddress(type, '041');
    await click('Save address');
    await page.waitForFunction(() => document.querySelector('s-text-field[name=zip]').getAttribute('error'));
    assert.equal(await error('zip'), strings.error_invalid_postal_code);
    assert.deepEqual(
      calls.filter((c) => c === 'address'),
      ['address'],
    );
    // Not by colour alone: the field says what is wrong, and the banner where to look.
    assert.match(await text(), new RegExp(strings.invalid));

    await type('zip', '04101');
    await click('Save address');
    await page.waitForFunction(() => /address was updated/.test(document.body.innerText));
    assert.equal(await error('zip'), null);

    await click('Add to order');
    // The confirmation is in the offer's own card, where the customer clicked.
    await page.waitForFunction(() =>
      /was added to your order for \$15\.30/.test(document.querySelector('[data-offer-id=scarf]').innerText),
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
  // What the server now holds for the order: the address, normalised.
  const edits = await savedEdits();
  assert.equal(edits.shipping_address.zip, '04101');
  assert.equal(edits.shipping_address.last_name, 'Hale');
  assert.deepEqual(edits.address_options, { countries: [] });
});

test('with WebAssembly the core in the extension checks the address as it is typed, and the server saves it', async () => {
  const browser = await launch();
  try {
    const { page, errors, calls, strings, type, click, error } = await openExtension(browser, { wasm: true });
    await page.waitForFunction(() => document.querySelector('s-text-field[name=zip]'));
    await fillAddress(type, '041');
    // The field says what is wrong while the customer types, before any save.
    await page.waitForFunction(() => document.querySelector('s-text-field[name=zip]').getAttribute('error'));
    assert.equal(await error('zip'), strings.error_invalid_postal_code);
    // Fields not touched yet are not blamed for being empty.
    assert.equal(await error('first_name'), null);
    // Saving a refused address asks nothing of the server: the core refuses it here as the
    // server would.
    await click('Save address');
    await page.waitForFunction((text) => document.body.innerText.includes(text), strings.invalid);
    assert.deepEqual(
      calls.filter((c) => c === 'address'),
      [],
    );

    await type('zip', '04102');
    await page.waitForFunction(() => !document.querySelector('s-text-field[name=zip]').hasAttribute('error'));
    await click('Save address');
    await page.waitForFunction(() => /address was updated/.test(document.body.innerText));
    assert.deepEqual(
      calls.filter((c) => c === 'address'),
      ['address'],
    );
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
  assert.equal((await savedEdits()).shipping_address.zip, '04102');
});
