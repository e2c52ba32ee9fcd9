// The app's side of the demo: tiercart's native server (build/bin/tiercart-server) run as
// a child process, told about the shop through its admin API, and sent a signed
// `orders/create` webhook for every order the demo checkout places, as Shopify would.
//
// The app secret and admin token are drawn at random for each run and reach the server
// through its environment only; its SQLite file lives in a temporary folder removed on close.
// The demo's admin (`demoOrigin`) frames the server's embedded page (/app, built into
// build/admin by make build-admin) and loads it with the App Bridge stand-in the demo serves.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CURRENCIES, SHOP_CURRENCY, centsToDecimal, divRound, rateParts } from './store.mjs';
import { ADMIN_ASSETS, APP_BRIDGE_PATH } from './embedded-admin.mjs';
import { mintSessionToken } from './session-token.mjs';
import { registerApp } from './shopify-oauth.mjs';

export const SHOP_DOMAIN = 'northbound-supply.myshopify.com';
const API_VERSION = '2025-10';
const START_TIMEOUT_MS = 10000;

// A presentment amount back in the shop currency (REST payloads carry both): amount / rate,
// halves away from zero, in integers (the inverse of the store's convertPrice).
function toShop(cents, currency) {
  const rate = CURRENCIES[currency]?.rate;
  if (!rate || currency === SHOP_CURRENCY) return cents;
  const { numerator, denominator } = rateParts(rate);
  return Number(divRound(BigInt(cents) * denominator, numerator));
}

function moneySet(cents, currency) {
  return {
    shop_money: { amount: centsToDecimal(toShop(cents, currency)), currency_code: SHOP_CURRENCY },
    presentment_money: { amount: centsToDecimal(cents), currency_code: currency },
  };
}

// Splits `total` over `weights` in proportion, in whole cents that add up exactly: each
// share rounded down, the cents left over going to the first lines.
function allocate(total, weights) {
  const sum = weights.reduce((n, w) => n + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((n, s) => n + s, 0);
  for (let i = 0; left > 0 && i < shares.length; i++) {
    if (weights[i] > 0) {
      shares[i] += 1;
      left -= 1;
    }
  }
  return shares;
}

// The demo order in Shopify's REST `orders/create` shape (SHOPIFY.md section 7): decimal
// strings, `*_set` twins in both currencies, properties as an array, and every discount
// allocated to the lines it reduced (gift discounts to their line, codes across the rest).
export function ordersCreatePayload(order, catalog) {
  const currency = order.presentment_currency;
  const codeTotal = (order.discount_codes || []).reduce((n, c) => n + c.amount, 0);
  const codeShares = allocate(
    codeTotal,
    order.line_items.map((line) => line.final_line_price),
  );
  const applications = [];
  const giftApplication = order.line_items.some((l) => l.final_line_price < l.price * l.quantity);
  if (giftApplication) {
    applications.push({
      type: 'automatic',
      title: 'Free gift',
      value: '100.0',
      value_type: 'percentage',
      allocation_method: 'each',
      target_selection: 'entitled',
      target_type: 'line_item',
    });
  }
  for (const code of order.discount_codes || []) {
    applications.push({
      type: 'discount_code',
      code: code.code,
      value_type: 'percentage',
      allocation_method: 'across',
      target_selection: 'all',
      target_type: 'line_item',
    });
  }
  const codeIndex = giftApplication ? 1 : 0;
  const lineItems = order.line_items.map((line, i) => {
    const variant = catalog.variantsById.get(line.variant_id);
    const allocations = [];
    const lineDiscount = line.price * line.quantity - line.final_line_price;
    if (lineDiscount > 0) {
      allocations.push({
        amount: centsToDecimal(toShop(lineDiscount, currency)),
        amount_set: moneySet(lineDiscount, currency),
        discount_application_index: 0,
      });
    }
    if (codeShares[i] > 0) {
      allocations.push({
        amount: centsToDecimal(toShop(codeShares[i], currency)),
        amount_set: moneySet(codeShares[i], currency),
        discount_application_index: codeIndex,
      });
    }
    return {
      id: order.id * 1000 + i + 1,
      variant_id: line.variant_id,
      product_id: line.product_id,
      title: line.title,
      variant_title: line.variant_title,
      vendor: variant?.product.vendor ?? null,
      quantity: line.quantity,
      price: centsToDecimal(toShop(line.price, currency)),
      price_set: moneySet(line.price, currency),
      gift_card: Boolean(line.gift_card),
      requires_shipping: Boolean(line.requires_shipping),
      properties: line.properties,
      discount_allocations: allocations,
    };
  });
  const address = order.shipping_address || { country_code: 'US' };
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    created_at: order.created_at,
    currency: SHOP_CURRENCY,
    presentment_currency: currency,
    cart_token: order.cart_token,
    note_attributes: order.note_attributes || [],
    subtotal_price: centsToDecimal(toShop(order.subtotal_price, currency)),
    subtotal_price_set: moneySet(order.subtotal_price, currency),
    total_discounts: centsToDecimal(toShop(order.total_discounts, currency)),
    total_discounts_set: moneySet(order.total_discounts, currency),
    total_price: centsToDecimal(toShop(order.total_price, currency)),
    total_price_set: moneySet(order.total_price, currency),
    discount_applications: applications,
    discount_codes: (order.discount_codes || []).map((c) => ({
      code: c.code,
      amount: centsToDecimal(toShop(c.amount, currency)),
      type: 'percentage',
    })),
    line_items: lineItems,
    shipping_address: address,
    tags: '',
  };
}

// What the server needs to know of the shop (docs/server.md): catalog prices in the shop
// currency, product facts for scopes, and the rate of each presentment currency.
export function shopContext(catalog) {
  const products = {};
  for (const p of catalog.products)
    products[p.id] = { collections: p.collections, tags: p.tags, product_type: p.product_type };
  const variants = {};
  for (const [id, v] of catalog.variantsById) variants[id] = { price: v.price, product_id: v.product_id };
  const rates = {};
  for (const [code, info] of Object.entries(CURRENCIES)) if (code !== SHOP_CURRENCY) rates[code] = info.rate;
  return { shop_currency: SHOP_CURRENCY, cart_amounts: 'cents', products, variants, rates };
}

// What the app's Admin API calls need (demo/admin-api.mjs checks each field's scope): orders and
// their tags and edits, products, the app's discount and validation, the main theme's settings.
const SCOPES = 'read_orders,write_orders,read_products,write_discounts,write_validations,write_order_edits,read_themes';
const INSTALL_TIMEOUT_MS = 5000;
// The theme extension's locale files: the default texts of a program made from the theme
// editor's settings (docs/server.md, "From the theme editor to checkout").
const THEME_LOCALES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'theme-extension', 'locales');
// How often the server reads every shop's theme settings again. Shopify sends no webhook when
// a merchant saves the theme editor, so production polls (every 5 minutes by default); the
// demo polls every 2 s, so that a save reaches the drawer and checkout while you watch.
const THEME_POLL_MS = 2000;
// A shop's theme is read at most once a second on request (production: every 10 s), so that a
// storefront's report is acted on while you watch.
const THEME_SYNC_INTERVAL_MS = 1000;

// Shopify's managed installation, as the merchant's first visit completes it: the app's page
// sends a session token, and the server exchanges it for an access token at the demo's
// Shopify in the background. Waits (briefly) until the shop reads as installed, so the admin
// page opens on an installed app; a shop left pending is reported, never fatal.
async function install(base, sessionToken, log) {
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  let state = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/admin/shop`, { headers: { authorization: `Bearer ${sessionToken()}` } });
    state = res.ok ? (await res.json()).install_state : `HTTP ${res.status}`;
    if (state === 'installed' || state === 'token_exchange_failed') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (state !== 'installed') log(`demo: the shop is not installed on tiercart's server (${state})`);
}

// Starts the server and installs the shop's context and program. Resolves to null (and the
// demo runs without verdicts) when the binary has not been built.
// themePollMs: how often it reads the theme again (tests of what else triggers a sync set it long).
export async function startAppServer({
  binary,
  program,
  catalog,
  demoOrigin,
  themePollMs = THEME_POLL_MS,
  log = () => {},
}) {
  if (!binary || !fs.existsSync(binary)) return null;
  const secret = crypto.randomBytes(32).toString('hex');
  const adminToken = crypto.randomBytes(24).toString('hex');
  const apiKey = `demo-${crypto.randomBytes(8).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-demo-app-'));
  const args = [
    '--port',
    '0',
    '--threads',
    '8',
    '--api-key',
    apiKey,
    '--scopes',
    SCOPES,
    '--admin-assets',
    ADMIN_ASSETS,
    '--theme-locales',
    THEME_LOCALES,
    '--theme-poll-ms',
    String(themePollMs),
    '--theme-sync-interval-ms',
    String(THEME_SYNC_INTERVAL_MS),
  ];
  // The shop's admin is the demo: the page may be framed by it (CSP frame-ancestors).
  if (demoOrigin)
    args.push('--app-bridge-url', demoOrigin + APP_BRIDGE_PATH, '--shopify-origin', `${demoOrigin}/store/{shop}`);
  // The demo's Shopify (demo/shopify-oauth.mjs) knows the app: the server's token exchange
  // is answered there.
  if (demoOrigin) registerApp({ clientId: apiKey, clientSecret: secret, scopes: SCOPES });
  const child = spawn(binary, args, {
    env: {
      ...process.env,
      TIERCART_APP_SECRET: secret,
      TIERCART_ADMIN_TOKEN: adminToken,
      // Seals the shop's access token at rest; with the API key, it lets the server install.
      TIERCART_TOKEN_KEY: crypto.randomBytes(32).toString('hex'),
      TIERCART_DATABASE_URL: `sqlite:${path.join(dir, 'tiercart.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (chunk) => log(String(chunk).trimEnd()));
  // The server never outlives the demo, however the demo ends.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  const port = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('tiercart-server did not start')), START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tiercart-server exited with ${code}`));
    });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const base = `http://127.0.0.1:${port}`;
  // The operator token acts on the one shop each call names.
  const admin = async (method, route, body) => {
    const shopped = `${route}${route.includes('?') ? '&' : '?'}shop=${SHOP_DOMAIN}`;
    const res = await fetch(base + shopped, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await admin('PUT', '/admin/context', shopContext(catalog));
  await admin('POST', '/admin/programs', program);
  await admin('POST', `/admin/programs/${encodeURIComponent(program.id)}/versions/${program.version}/activate`);
  if (demoOrigin) await install(base, () => mintSessionToken({ secret, apiKey, shop: SHOP_DOMAIN }), log);

  return {
    url: base,
    apiKey,
    // A session token for the embedded page, as Shopify's admin hands App Bridge one.
    sessionToken: (shop = SHOP_DOMAIN) => mintSessionToken({ secret, apiKey, shop }),
    // Delivers one orders/create webhook, signed over the exact bytes sent; resolves to the
    // server's answer ({status, body}).
    async deliver(payload, webhookId = crypto.randomUUID()) {
      const body = JSON.stringify(payload);
      const hmac = crypto.createHmac('sha256', secret).update(body).digest('base64');
      const res = await fetch(`${base}/webhooks/orders/create`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': SHOP_DOMAIN,
          'x-shopify-api-version': API_VERSION,
          'x-shopify-webhook-id': webhookId,
          'x-shopify-event-id': crypto.randomUUID(),
        },
        body,
      });
      return { status: res.status, body: await res.json() };
    },
    // A storefront request through Shopify's app proxy (SHOPIFY.md section 7): forwarded to
    // the server with shop, logged_in_customer_id, path_prefix and timestamp, signed as the
    // proxy signs them (sorted k=v pairs, no separator, hex HMAC-SHA256 under the secret).
    async proxy(method, route, body) {
      const params = {
        shop: SHOP_DOMAIN,
        logged_in_customer_id: '',
        path_prefix: '/apps/tiercart',
        timestamp: String(Math.floor(Date.now() / 1000)),
      };
      const message = Object.keys(params)
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('');
      const signature = crypto.createHmac('sha256', secret).update(message).digest('hex');
      const query = new URLSearchParams({ ...params, signature }).toString();
      const res = await fetch(`${base}${route}?${query}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    verdicts: (query = '') => admin('GET', `/admin/verdicts${query}`),
    close() {
      return new Promise((resolve) => {
        child.once('exit', () => {
          process.removeListener('exit', killChild);
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
