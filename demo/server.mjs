#!/usr/bin/env node
// The demo store: a local stand-in for a Shopify storefront. Liquid pages (liquidjs), the
// AJAX Cart API with Shopify's documented answers, presentment currencies, discount codes and a
// checkout that turns the cart into an order. tiercart's blocks are rendered into the pages
// as Shopify renders theme app extension blocks; the storefront code (web/) and the wasm core
// (theme-extension/assets/) are served as the extension's assets.
//
//   node demo/server.mjs [--port 8080] [--program demo/program.json]   (listens on 127.0.0.1 only)
//
// Run as a command (or with `app: true`), it also starts tiercart's native server
// (build/bin/tiercart-server) on another loopback port: every order placed at checkout is sent
// to it as a signed orders/create webhook, and /admin/apps/tiercart frames its embedded admin
// page (demo/embedded-admin.mjs).
//
// Shopify's Admin GraphQL API for the shop is served at /store/{shop}/admin/api/{version}/graphql.json
// (demo/admin-api.mjs, with its control endpoint under /__demo/admin-api/ and the admin's order
// page at /store/{shop}/admin/orders/{number}). What the app writes there reaches the store:
// the blocks read the app-data metafields tiercart.program and tiercart.context it set on its
// installation, and the checkout's Functions the `$app:tiercart` program metafield of the
// discount and validation it created; until it has, the demo's program file stands in.
//
// Test hook: POST /__demo/fail?path=/cart/change.js&status=500&count=1 makes the next matching
// requests fail (status 500, 422, 429, or "network" to drop the connection).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Drop, Liquid } from 'liquidjs';
import { createCatalog, productSvg, SUGGESTED_HANDLES } from './catalog.mjs';
import {
  createStore,
  CartError,
  COUNTRIES,
  CURRENCIES,
  DEFAULT_COUNTRY,
  SHOP_CURRENCY,
  convertPrice,
} from './store.mjs';
import { createPostPurchase } from './post-purchase.mjs';
import { createCheckoutFunctions } from './function-runner.mjs';
import { handleEditor, readExtensionLocales, resourceSettings } from './editor.mjs';
import { handleForge } from './forge.mjs';
import { startAppServer, ordersCreatePayload, SHOP_DOMAIN } from './app-server.mjs';
import { handleEmbeddedAdmin } from './embedded-admin.mjs';
import { checkAccessToken, handleShopifyOAuth } from './shopify-oauth.mjs';
import { createAdminApi } from './admin-api.mjs';
import { createShopRecords, readSettingsData } from './shop-records.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const themeDir = path.join(here, 'theme');
// The extension's assets: the storefront code from web/, the built core and the drawer bundle
// (make build-web) from theme-extension/.
const ASSET_DIRS = [path.join(root, 'web'), path.join(root, 'theme-extension', 'assets')];
const ASSET_PREFIX = '/cdn/shop/extensions/tiercart/assets/';

// The Liquid `money` filter is the core's formatter too (the wasm build, as the order page
// uses): one set of rounding and separator rules for every amount on the page. The order
// page's module also makes the post-purchase decisions (demo/post-purchase.mjs).
const coreDir = path.join(root, 'theme-extension', 'assets');
const { createTiercartOrders } = await import(pathToFileURL(path.join(coreDir, 'tiercart.js')));
const core = await createTiercartOrders({
  wasmBinary: fs.readFileSync(path.join(coreDir, 'tiercart-order-core.wasm')),
});

// The demo's customer accounts: who signs in with /account/login?customer=<id> (a stand-in for
// Shopify's login), with Liquid's orders_count and total_spent (shop currency, cents).
const DEMO_CUSTOMERS = {
  returning: { id: 7001, first_name: 'Robin', tags: [], orders_count: 3, total_spent: 20000 },
  new: { id: 7002, first_name: 'Sam', tags: [], orders_count: 0, total_spent: 0 },
};

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function parseCookies(header) {
  const out = {};
  for (const part of (header || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

// Form bodies the way Rails reads them: items[0][id]=1, properties[Colour]=Red, updates[key]=2.
function parseForm(text) {
  const out = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.replace(/\]/g, '').split('[');
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i];
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = /^\d+$/.test(parts[i + 1]) ? [] : {};
      node = node[part];
    }
    node[parts[parts.length - 1] || String(Object.keys(node).length)] = value;
  }
  return out;
}

// Where a redirect asked for by the request may go: a path on this store, or `fallback`. Refused:
// other origins, "//host" and "/\host" (browsers read both as another host), schemes, and
// whitespace or control characters (browsers drop some, which can turn "/\t/host" into "//host").
function storePath(target, fallback) {
  if (typeof target !== 'string' || !/^\/(?![/\\])/.test(target) || /[\s\\\u0000-\u001f\u007f]/.test(target))
    return fallback;
  const base = 'http://store.invalid';
  const url = new URL(target, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

function splitSchema(source) {
  const match = source.match(/\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/);
  return { body: source.replace(match ? match[0] : '', ''), schema: match ? JSON.parse(match[1]) : {} };
}

// options: port, program (file), app (start tiercart's server), appBinary, themePollMs (how often
// that server reads the theme again), unpublished (nothing published yet), noCache.
export async function startServer(options = {}) {
  // Loopback only: the demo is never reachable from another machine.
  const host = '127.0.0.1';
  const port = options.port ?? 8080;
  const programFile = options.program || path.join(here, 'program.json');
  const program = readJson(programFile);
  const catalog = createCatalog();
  // Gifts are free and claims checked by tiercart's Function modules (make build-function).
  // The shop as Shopify's Admin API keeps it: orders, the app's metafields, discounts and
  // validations, the main theme (whose settings the theme editor saves).
  const records = createShopRecords();
  const adminApi = createAdminApi({ checkAccessToken, records, catalog });
  const appOwner = (api) =>
    records.functionOwner(SHOP_DOMAIN, {
      api,
      handle: api === 'validation' ? 'tiercart-validation' : 'tiercart-discount',
    });
  // Before the app publishes, the demo's own program stands in for the owners' metafields;
  // its input variables are what the app would write beside it, made by the CLI
  // (build/bin/tiercart input-variables) for the shop's time zone.
  const fileVariables = new Map();
  const programVariables = (timezone) => {
    if (!fileVariables.has(timezone)) {
      let variables = null;
      try {
        const cli = path.join(here, '..', 'build', 'bin', 'tiercart');
        const args = ['input-variables', '--program', programFile, '--timezone', timezone];
        variables = JSON.parse(execFileSync(cli, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      } catch (error) {
        process.stderr.write(`demo: no input variables for ${programFile}: ${error.stderr || error.message}\n`);
      }
      fileVariables.set(timezone, variables);
    }
    return fileVariables.get(timezone);
  };
  const clock = () => ({ timezone: records.shop(SHOP_DOMAIN).timezone, nowMs: Date.now() });
  const store = createStore(catalog, {
    functions: createCheckoutFunctions({ program, appOwner, clock, programVariables }),
  });
  // The program the storefront shows: the app's (its installation's tiercart.program
  // metafield) once it has published one, else the demo's file.
  // options.unpublished: a shop whose app has published nothing yet (just installed, or theme
  // settings saved but not synced): the storefront then has no program at all.
  const storefrontProgram = () =>
    records.appData(SHOP_DOMAIN, 'tiercart', 'program')?.value ?? (options.unpublished ? null : program);
  const locales = {
    en: readJson(path.join(themeDir, 'locales', 'en.json')),
    fr: readJson(path.join(themeDir, 'locales', 'fr.json')),
  };
  // Blocks translate with the extension's own locale files, as on Shopify; the theme with its own.
  const extensionLocales = readExtensionLocales(path.join(root, 'theme-extension', 'locales'));
  const failures = [];
  const assetCache = new Map();
  const postPurchase = createPostPurchase({ core, catalog, store, convertPrice, currencies: CURRENCIES });
  // Started once the store listens: the app's server is told the store's origin (its admin).
  let app = null;

  // Shopify sends orders/create once the order exists; the demo waits for the answer so the
  // admin page is up to date when the order status page loads. A server that is down never
  // stops a checkout: the delivery is recorded on the order as failed.
  async function deliverOrderWebhook(order) {
    if (!app) return;
    try {
      order.webhook = await app.deliver(ordersCreatePayload(order, catalog));
    } catch (error) {
      order.webhook = { status: 0, error: error.message };
      console.error(`orders/create delivery failed: ${error.message}`);
    }
  }

  const engine = new Liquid({
    root: [
      path.join(themeDir, 'templates'),
      path.join(themeDir, 'snippets'),
      path.join(themeDir, 'layout'),
      path.join(root, 'theme-extension', 'snippets'),
    ],
    extname: '.liquid',
    strictFilters: true,
    cache: true,
  });
  engine.registerTag('schema', {
    parse(token, remain) {
      this.tpls = [];
      const stream = this.liquid.parser.parseStream(remain);
      stream
        .on('tag:endschema', () => stream.stop())
        .on('template', () => {})
        .on('end', () => {
          throw new Error('schema tag not closed');
        });
      stream.start();
    },
    *render() {},
  });
  engine.registerFilter('money', function (cents) {
    const currency = this.context.getSync(['cart', 'currency', 'iso_code']) || SHOP_CURRENCY;
    return core.formatMoney(cents, currency, CURRENCIES[currency]?.money_format || '');
  });
  engine.registerFilter('t', function (key, ...args) {
    // Keyword arguments (`| t: count: 3`) arrive as [name, value] pairs.
    const vars = Object.fromEntries(args.filter(Array.isArray));
    const locale = this.context.getSync(['request', 'locale', 'iso_code']) || 'en';
    const table = this.context.getSync(['tiercart_extension']) ? extensionLocales : locales;
    let value = String(key)
      .split('.')
      .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), table[locale] || table.en);
    if (value === undefined) return `translation missing: ${locale}.${key}`;
    if (typeof value === 'string') value = value.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name) => vars[name] ?? m);
    return value;
  });
  // Safe inside <script type="application/json">: no "</script>" can close the element.
  engine.registerFilter('json', (value) =>
    JSON.stringify(value ?? null)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026'),
  );
  engine.registerFilter('asset_url', (name) => `${ASSET_PREFIX}${name}`);
  // The demo's images are plain URLs (Shopify's are image objects, sized by the CDN).
  engine.registerFilter('image_url', (image) => (typeof image === 'string' ? image : (image?.src ?? '')));
  engine.registerFilter('theme_asset_url', (name) => `/cdn/shop/t/1/assets/${name}`);
  engine.registerFilter('product_url', (handle) => `/products/${handle}`);

  const blocks = {};
  // The demo's copies of tiercart's blocks; a block of the same name in the theme extension
  // (theme-extension/blocks/) wins, so the demo renders the shipped blocks once they exist.
  const shippedDir = path.join(root, 'theme-extension', 'blocks');
  const shippedFiles = fs.existsSync(shippedDir) ? fs.readdirSync(shippedDir) : [];
  for (const file of new Set([...fs.readdirSync(path.join(themeDir, 'blocks')), ...shippedFiles])) {
    const shipped = path.join(root, 'theme-extension', 'blocks', file);
    const source = fs.existsSync(shipped) ? shipped : path.join(themeDir, 'blocks', file);
    const { body, schema } = splitSchema(fs.readFileSync(source, 'utf8'));
    const settings = Object.fromEntries(
      (schema.settings || []).filter((s) => 'default' in s).map((s) => [s.id, s.default]),
    );
    blocks[file.replace(/\.liquid$/, '')] = { template: engine.parse(body), schema, settings };
  }

  function presentmentVariant(variant, currency) {
    return {
      id: variant.id,
      title: variant.title,
      price: convertPrice(variant.price, currency),
      compare_at_price: variant.compare_at_price === null ? null : convertPrice(variant.compare_at_price, currency),
      available: catalog.available(variant),
      inventory: variant.inventory,
      // Liquid's stock fields: tracked by Shopify and never oversold, or not tracked at all.
      inventory_quantity: variant.inventory ?? 0,
      inventory_management: variant.inventory === null ? null : 'shopify',
      inventory_policy: 'deny',
      image: null,
      sku: variant.sku,
    };
  }

  function productDrop(product, currency) {
    const variants = product.variants.map((v) => presentmentVariant(v, currency));
    const firstAvailable = variants.find((v) => v.available) || variants[0];
    return {
      ...product,
      variants,
      variant: undefined,
      featured_image: product.image,
      price: firstAvailable.price,
      available: variants.some((v) => v.available),
      selected_or_first_available_variant: firstAvailable,
      has_only_default_variant: variants.length === 1 && variants[0].title === 'Default Title',
    };
  }

  // Liquid's all_products: a product by handle, priced in the request's currency. Shopify serves
  // at most 20 unique handles a page; past that the lookup is nil, as there.
  class AllProducts extends Drop {
    #handles = new Set();
    constructor(currency) {
      super();
      this.currency = currency;
    }
    liquidMethodMissing(handle) {
      const product = catalog.byHandle(String(handle));
      if (!product) return undefined;
      if (!this.#handles.has(product.handle)) {
        if (this.#handles.size >= 20) return undefined;
        this.#handles.add(product.handle);
      }
      return productDrop(product, this.currency);
    }
  }

  // What the app publishes beside its program (the installation's tiercart.context, docs/server.md),
  // for the demo's program file while the app has published nothing: the gift products' handles
  // and the products of the collections the bars count.
  function standInFacts(prog) {
    if (!prog) return null;
    const giftProducts = new Set();
    const named = new Set();
    for (const bar of prog.bars ?? []) {
      for (const side of ['include', 'exclude'])
        for (const handle of bar.scope?.[side]?.collections ?? []) named.add(handle);
      for (const tier of bar.tiers)
        for (const gift of tier.reward.gifts || []) {
          const handle = catalog.variantsById.get(gift.variant_id)?.product.handle;
          if (handle) giftProducts.add(handle);
        }
    }
    const products = {};
    for (const p of catalog.products) {
      const collections = p.collections.filter((h) => named.has(h)).sort();
      if (collections.length) products[p.id] = { collections, tags: p.tags, product_type: p.product_type };
    }
    return {
      program: { id: prog.id, version: prog.version },
      shop_currency: SHOP_CURRENCY,
      gift_products: [...giftProducts].slice(0, 20),
      products,
    };
  }

  // The settings a block renders with on the live storefront: an app embed's as the main theme's
  // settings_data.json saved them, else the schema's defaults (the demo's drawer is on before
  // any save, with the products its merchant suggests). Resource settings become Liquid objects
  // priced in the request's currency.
  function liveSettings(name, currency) {
    const block = blocks[name];
    return pricedSettings(block.schema, resourceSettings(block.schema, liveValues(name), catalog), currency);
  }

  // Those settings as settings_data.json holds them (handles for products and collections).
  function liveValues(name) {
    const data = readSettingsData(records.themeFile(SHOP_DOMAIN, records.SETTINGS_DATA)?.text);
    const prefix = `shopify://apps/tiercart/blocks/${name}/`;
    const saved = Object.values(data.current?.blocks ?? {}).find(
      (b) => String(b?.type).startsWith(prefix) && !b.disabled,
    );
    return saved?.settings ?? (name === 'tiercart-embed' ? { suggestions: SUGGESTED_HANDLES } : {});
  }

  function pricedSettings(schema, settings, currency) {
    const out = { ...settings };
    for (const setting of schema.settings || []) {
      if (setting.type === 'product_list' && Array.isArray(out[setting.id]))
        out[setting.id] = out[setting.id].map((p) => productDrop(catalog.byHandle(p.handle), currency));
    }
    return out;
  }

  async function renderPage(req, res, template, vars, status = 200) {
    const currency = req.currency;
    const locale = req.locale;
    const cartJson = store.cartJson(req.cart, currency, locale);
    // Liquid's cart is not cart.js: its currency is an object, and each line has its product
    // (collections, tags, type), as the theme's Liquid and tiercart's blocks read them.
    const liquidCart = {
      ...cartJson,
      currency: { iso_code: cartJson.currency },
      items: cartJson.items.map((item) => {
        const product = catalog.productsById.get(item.product_id);
        const variant = catalog.variantsById.get(item.variant_id);
        return {
          ...item,
          variant: variant && {
            id: variant.id,
            compare_at_price:
              variant.compare_at_price === null ? null : convertPrice(variant.compare_at_price, currency),
          },
          product: product && {
            id: product.id,
            handle: product.handle,
            type: product.product_type,
            tags: product.tags,
            collections: product.collections.map((handle) => ({ handle })),
          },
        };
      }),
    };
    const globals = {
      shop: {
        name: 'Northbound Supply Co.',
        currency: SHOP_CURRENCY,
        money_format: CURRENCIES[SHOP_CURRENCY].money_format,
      },
      cart: liquidCart,
      // Liquid's customer: the signed-in shopper, blank when signed out.
      customer: req.customer,
      localization: {
        currency: { iso_code: currency },
        // The country picked in the selector (POST /localization, country_code).
        country: { iso_code: req.country, name: COUNTRIES[req.country].name },
        available_countries: Object.entries(COUNTRIES).map(([iso, c]) => ({
          iso_code: iso,
          name: c.name,
          currency: { iso_code: c.currency },
        })),
        available_currencies: Object.entries(CURRENCIES).map(([iso, c]) => ({ iso_code: iso, name: c.name })),
        available_languages: [
          { iso_code: 'en', endonym_name: 'English' },
          { iso_code: 'fr', endonym_name: 'Français' },
        ],
      },
      request: {
        locale: { iso_code: locale },
        path: req.url.split('?')[0],
        design_mode: Boolean(req.editor?.designMode),
      },
      routes: {
        root_url: '/',
        cart_url: '/cart',
        cart_add_url: '/cart/add',
        cart_change_url: '/cart/change',
        cart_update_url: '/cart/update',
      },
      collections_menu: Object.entries(catalog.collectionTitles)
        .filter(([h]) => ['winter', 'accessories', 'basics', 'camp', 'all'].includes(h))
        .map(([handle, title]) => ({ handle, title })),
      template,
      all_products: new AllProducts(currency),
      tiercart_enabled: !req.query.has('tiercart_off'),
      shopify: {
        shop: 'northbound-supply.myshopify.com',
        locale,
        country: req.country,
        currency: { active: currency, rate: CURRENCIES[currency].rate },
        routes: { root: '/' },
        designMode: Boolean(req.editor?.designMode),
      },
      ...vars,
    };
    // Blocks render with their own scope, as Shopify does: block.settings and app data.
    const scripts = new Set();
    const renderBlock = async (name, extra = {}) => {
      const block = blocks[name];
      // Shopify adds the schema's javascript once per page, deferred, after the blocks.
      if (block.schema.javascript) scripts.add(block.schema.javascript);
      // App-owned metafields as Liquid sees them ({value}); the editor page may set its own.
      const appData = req.editor?.app || {
        metafields: {
          tiercart: {
            program: { value: storefrontProgram() },
            context: records.appData(SHOP_DOMAIN, 'tiercart', 'context') ?? {
              value: records.appData(SHOP_DOMAIN, 'tiercart', 'program') ? null : standInFacts(storefrontProgram()),
            },
          },
        },
      };
      const scope = {
        ...globals,
        ...extra,
        tiercart_extension: true,
        block: {
          id: name,
          settings: req.editor?.settings?.[name]
            ? pricedSettings(block.schema, req.editor.settings[name], currency)
            : liveSettings(name, currency),
        },
        app: appData,
      };
      // As globals too: snippets rendered with {% render %} see the global objects.
      return engine.render(block.template, scope, { globals: scope });
    };
    globals.tiercart_inline_progress = globals.tiercart_enabled ? await renderBlock('tiercart-progress') : '';
    const content = await engine.renderFile(template, globals);
    let embed = globals.tiercart_enabled ? await renderBlock('tiercart-embed') : '';
    for (const name of req.editor?.embeds || []) embed += await renderBlock(name);
    for (const name of scripts) embed += `\n<script src="${ASSET_PREFIX}${name}" defer></script>`;
    const html = await engine.renderFile('theme', { ...globals, content_for_layout: content, tiercart_embed: embed });
    send(req, res, status, html, TYPES['.html']);
  }

  function send(req, res, status, body, type, headers = {}) {
    let data = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const accept = req.headers['accept-encoding'] || '';
    if (data.length > 1024 && /\b(br|gzip)\b/.test(accept)) {
      if (/\bbr\b/.test(accept)) {
        data = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
        headers['content-encoding'] = 'br';
      } else {
        data = zlib.gzipSync(data);
        headers['content-encoding'] = 'gzip';
      }
      headers.vary = 'Accept-Encoding';
    }
    res.writeHead(status, { 'content-type': type, 'content-length': data.length, ...headers });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  function sendJson(req, res, status, value) {
    send(req, res, status, JSON.stringify(value), TYPES['.json'], { 'cache-control': 'no-store' });
  }

  function redirect(res, location, headers = {}) {
    res.writeHead(302, { location, ...headers });
    res.end();
  }

  function serveAsset(req, res, name) {
    if (!/^[\w.-]+$/.test(name)) return notFound(req, res);
    let entry = assetCache.get(name);
    if (!entry || options.noCache) {
      const dir = ASSET_DIRS.find((d) => fs.existsSync(path.join(d, name)));
      if (!dir) return notFound(req, res);
      entry = fs.readFileSync(path.join(dir, name));
      assetCache.set(name, entry);
    }
    send(req, res, 200, entry, TYPES[path.extname(name)] || 'application/octet-stream', {
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
    });
  }

  function notFound(req, res) {
    if (req.url.includes('.js'))
      return sendJson(req, res, 404, { status: 404, message: 'Not Found', description: 'Not Found' });
    return renderPage(req, res, '404', {}, 404);
  }

  async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] || '';
    if (!text) return {};
    if (type.includes('json')) {
      try {
        return JSON.parse(text);
      } catch {
        throw new CartError(400, { status: 'bad_request', message: 'Bad Request', description: 'Invalid JSON' });
      }
    }
    return parseForm(text);
  }

  function addItems(body) {
    if (Array.isArray(body.items)) return body.items;
    if (body.id !== undefined) return [{ id: body.id, quantity: body.quantity, properties: body.properties }];
    return [];
  }

  async function handleCart(req, res, route) {
    const ajax = route.endsWith('.js');
    const action = route.replace(/\.js$/, '');
    const body = req.method === 'POST' ? await readBody(req) : Object.fromEntries(req.query);
    const cart = req.cart;
    try {
      if (action === '/cart/add') {
        const items = addItems(body);
        const added = store.add(cart, items);
        if (!ajax) return redirect(res, '/cart');
        const json = store.cartJson(cart, req.currency, req.locale);
        const addedItems = added.map((line) => json.items.find((i) => i.key === line.key));
        // A single id/quantity add answers with the line itself; items[] with {items}.
        return sendJson(req, res, 200, Array.isArray(body.items) ? { items: addedItems } : addedItems[0]);
      }
      if (action === '/cart/change') store.change(cart, body);
      else if (action === '/cart/update') store.update(cart, body);
      else if (action === '/cart/clear') store.clear(cart);
      if (!ajax) return redirect(res, '/cart');
      const json = store.cartJson(cart, req.currency, req.locale);
      if (body.sections) json.sections = {};
      return sendJson(req, res, 200, json);
    } catch (error) {
      if (!(error instanceof CartError)) throw error;
      if (!ajax) return redirect(res, `/cart?error=${encodeURIComponent(error.body.description)}`);
      return sendJson(req, res, error.status, error.body);
    }
  }

  async function route(req, res) {
    const url = new URL(req.url, 'http://demo.local');
    let pathname = url.pathname;
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      // A malformed escape (a lone "%"): the path as sent, which matches no route.
    }
    req.query = url.searchParams;
    const cookies = parseCookies(req.headers.cookie);
    req.cart = store.cartFor(cookies.cart);
    req.currency = CURRENCIES[cookies.currency] ? cookies.currency : SHOP_CURRENCY;
    req.locale = locales[cookies.locale] ? cookies.locale : 'en';
    // The signed-in shopper, if any: the demo's stand-in for customer accounts.
    req.customer = DEMO_CUSTOMERS[cookies.customer] ?? null;
    req.cart.customer = req.customer;
    // The shopper's country, as the store's country selector set it: Liquid's
    // localization.country, and the country checkout delivers to.
    req.country = COUNTRIES[cookies.country] ? cookies.country : DEFAULT_COUNTRY;
    req.cart.country = req.country;
    const setCookies = [];
    if (cookies.cart !== req.cart.token) setCookies.push(`cart=${req.cart.token}; Path=/; SameSite=Lax`);
    if (setCookies.length) res.setHeader('set-cookie', setCookies);

    if (pathname.startsWith('/__demo/editor'))
      return handleEditor(req, res, url, {
        blocks,
        catalog,
        renderPage,
        liveValues,
        send,
        notFound,
        extensionRoot: path.join(root, 'theme-extension'),
        records,
        shop: SHOP_DOMAIN,
      });
    if (await handleForge(req, res, pathname, { store, records, app, catalog, shop: SHOP_DOMAIN, send, readBody }))
      return;
    // Test hook: injected failures.
    if (pathname === '/__demo/fail' && req.method === 'POST') {
      failures.push({
        path: url.searchParams.get('path') || '',
        status: url.searchParams.get('status') || '500',
        count: Number(url.searchParams.get('count') || 1),
      });
      return sendJson(req, res, 200, { ok: true });
    }
    const failure = failures.find((f) => f.count > 0 && pathname === f.path);
    if (failure) {
      failure.count -= 1;
      if (failure.status === 'network') return req.socket.destroy();
      const status = Number(failure.status);
      if (status === 422)
        return sendJson(req, res, 422, {
          status: 422,
          message: 'Cart Error',
          description: 'The product is no longer available.',
        });
      if (status === 429)
        return sendJson(req, res, 429, {
          status: 429,
          message: 'Too Many Requests',
          description: 'Too many attempts. Please try again later.',
        });
      return send(req, res, status, '<!doctype html><title>Error</title><h1>Something went wrong</h1>', TYPES['.html']);
    }

    // A storefront page without a published program asks the app to read the theme's settings
    // again (docs/storefront.md). Shopify's app proxy signs and forwards it; the demo's app
    // server takes it when it offers a proxy call, else this stands in for a server that
    // already synced (202, nothing queued), so the page's request is still answered.
    if (pathname === '/apps/tiercart/sync' && req.method === 'POST') {
      if (app?.proxy) {
        const answer = await app.proxy('POST', '/apps/tiercart/sync');
        return sendJson(req, res, answer.status, answer.body);
      }
      return sendJson(req, res, 202, { queued: false });
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    if (pathname.startsWith(ASSET_PREFIX)) return serveAsset(req, res, pathname.slice(ASSET_PREFIX.length));
    if (pathname.startsWith('/cdn/shop/t/1/assets/')) {
      const name = pathname.slice('/cdn/shop/t/1/assets/'.length);
      const file = path.join(themeDir, 'assets', name);
      if (!/^[\w.-]+$/.test(name) || !fs.existsSync(file)) return notFound(req, res);
      return send(req, res, 200, fs.readFileSync(file), TYPES[path.extname(name)] || 'application/octet-stream', {
        'cache-control': 'public, max-age=300',
      });
    }
    if (pathname.startsWith('/images/') && pathname.endsWith('.svg')) {
      const product = catalog.byHandle(pathname.slice(8, -4));
      if (!product) return notFound(req, res);
      return send(req, res, 200, productSvg(product), TYPES['.svg'], { 'cache-control': 'public, max-age=300' });
    }
    if (pathname === '/cart.js' || pathname === '/cart.json')
      return sendJson(req, res, 200, store.cartJson(req.cart, req.currency, req.locale));
    if (/^\/cart\/(add|change|update|clear)(\.js)?$/.test(pathname)) return handleCart(req, res, pathname);
    if (pathname === '/localization' && req.method === 'POST') {
      const body = await readBody(req);
      const code = String(body.currency_code || '').toUpperCase();
      const country = String(body.country_code || '').toUpperCase();
      const cookie = [];
      if (COUNTRIES[country] && country !== req.country) {
        // A new country is a new market: its currency comes with it, whatever currency the
        // form also posted (the selection the shopper did not change).
        cookie.push(`country=${country}; Path=/; SameSite=Lax`);
        cookie.push(`currency=${COUNTRIES[country].currency}; Path=/; SameSite=Lax`);
      } else if (CURRENCIES[code]) {
        cookie.push(`currency=${code}; Path=/; SameSite=Lax`);
      }
      if (locales[body.locale_code]) cookie.push(`locale=${body.locale_code}; Path=/; SameSite=Lax`);
      return redirect(res, storePath(body.return_to, '/'), {
        'set-cookie': [...setCookies, ...cookie],
      });
    }
    if (pathname.startsWith('/discount/')) {
      store.update(req.cart, { discount: pathname.slice('/discount/'.length) });
      return redirect(res, storePath(url.searchParams.get('redirect'), '/cart'));
    }
    if (req.method === 'GET' && pathname === '/') {
      return renderPage(req, res, 'index', {
        featured: catalog
          .collection('all')
          .products.slice(0, 8)
          .map((p) => productDrop(p, req.currency)),
      });
    }
    if (req.method === 'GET' && pathname === '/collections') {
      return renderPage(req, res, 'list-collections', {
        collection_list: Object.keys(catalog.collectionTitles).map((h) => catalog.collection(h)),
      });
    }
    let m;
    if (req.method === 'GET' && (m = pathname.match(/^\/collections\/([\w-]+)$/))) {
      const collection = catalog.collection(m[1]);
      if (!collection) return notFound(req, res);
      return renderPage(req, res, 'collection', {
        collection: { ...collection, products: collection.products.map((p) => productDrop(p, req.currency)) },
      });
    }
    if (req.method === 'GET' && (m = pathname.match(/^\/products\/([\w-]+)(\.js)?$/))) {
      const product = catalog.byHandle(m[1]);
      if (!product) return notFound(req, res);
      const drop = productDrop(product, req.currency);
      if (m[2]) return sendJson(req, res, 200, { ...drop, type: drop.product_type, variants: drop.variants });
      const selected =
        drop.variants.find((v) => v.id === Number(url.searchParams.get('variant'))) ||
        drop.selected_or_first_available_variant;
      return renderPage(req, res, 'product', { product: { ...drop, selected_variant: selected } });
    }
    if (req.method === 'GET' && pathname === '/account/login') {
      const id = url.searchParams.get('customer');
      if (!Object.hasOwn(DEMO_CUSTOMERS, id)) return notFound(req, res);
      const back = url.searchParams.get('return_to') || '/';
      const cookies = [res.getHeader('set-cookie') || []].flat();
      return redirect(res, /^\/(?!\/)/.test(back) ? back : '/', {
        'set-cookie': [...cookies, `customer=${id}; Path=/; SameSite=Lax`],
      });
    }
    if (req.method === 'GET' && pathname === '/cart') {
      return renderPage(req, res, 'cart', { cart_error: url.searchParams.get('error') });
    }
    if (pathname === '/checkout') {
      if (req.method === 'POST') {
        await readBody(req);
        try {
          const order = store.checkout(req.cart, req.currency, req.locale);
          // Shopify's record of the order, which the Admin API reads and writes.
          records.addOrder(SHOP_DOMAIN, order);
          await deliverOrderWebhook(order);
          return redirect(res, `/orders/${order.id}`);
        } catch (error) {
          if (!(error instanceof CartError)) throw error;
          return redirect(res, `/cart?error=${encodeURIComponent(error.body.description)}`);
        }
      }
      return renderPage(req, res, 'checkout', {
        free_shipping: store.freeShipping(req.cart, req.currency, req.locale),
      });
    }
    if (await handleShopifyOAuth(req, res, pathname)) return; // /store/{shop}/admin/oauth/*
    if (await adminApi.handle(req, res, pathname)) return; // /store/{shop}/admin/api/*, orders, /__demo/admin-api/*
    if (await postPurchase.handle(req, res, pathname, { readBody, sendJson })) return;
    if (await handleEmbeddedAdmin(req, res, pathname, { app, shop: SHOP_DOMAIN, send, origin: storeOrigin })) return;
    if ((m = pathname.match(/^\/orders\/(\d+)(\.json)?$/))) {
      const order = store.order(m[1]);
      if (!order) return notFound(req, res);
      if (m[2]) return sendJson(req, res, 200, { order });
      return renderPage(req, res, 'order', { order, order_status: postPurchase.pageData(order) });
    }
    return notFound(req, res);
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${host}:${address.port}/`;
  const storeOrigin = new URL(url).origin;
  if (options.app) {
    app = await startAppServer({
      binary: options.appBinary || path.join(root, 'build', 'bin', 'tiercart-server'),
      program,
      catalog,
      demoOrigin: storeOrigin,
      themePollMs: options.themePollMs,
      log: (line) => console.error(line),
    }).catch((error) => {
      server.close();
      throw error;
    });
  }
  return {
    url,
    port: address.port,
    store,
    catalog,
    records,
    app,
    close: () =>
      new Promise((resolve) => {
        adminApi.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }).then(() => app?.close()),
  };
}

function argument(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(argument('port', process.env.PORT || 8080));
  const demo = await startServer({ port, program: argument('program'), app: true });
  console.log(`tiercart demo store: ${demo.url}`);
  console.log(
    demo.app
      ? `tiercart app admin: ${demo.url}admin/apps/tiercart (server ${demo.app.url})`
      : 'tiercart server not built: orders are not checked (make build-native)',
  );
  console.log(`theme editor: ${demo.url}__demo/editor   forge a gift claim: ${demo.url}__demo/forge`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
