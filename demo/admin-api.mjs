#!/usr/bin/env node
// The demo's stand-in for Shopify's Admin GraphQL API (../shared/SHOPIFY.md sections 9 and 12),
// served for shop S at
//
//   POST {origin}/store/S/admin/api/{YYYY-MM}/graphql.json   JSON {query, variables, operationName}
//        header X-Shopify-Access-Token: a token the OAuth stand-in (demo/shopify-oauth.mjs) issued
//        for S, or one registered through the control endpoint below
//
// It follows section 9 and nothing friendlier: 401 without a live token for the shop; 404 for a
// version that is not YYYY-MM with a quarterly month (01 04 07 10) or not yet released; a
// retired version is served as the oldest supported one, with X-Shopify-API-Deprecated-Reason;
// real GraphQL (graphql-js) against demo/admin-api-schema.mjs; a missing scope is an
// ACCESS_DENIED error on its field; every GraphQL reply (HTTP 200) carries extensions.cost; a leaky bucket per
// app and shop (Standard plan: 1000 points, 100 restored per second); input arrays over 250
// items are refused. The records live in demo/shop-records.mjs.
//
// Query cost, the stand-in's rule (demo/admin-api-cost.mjs; Shopify documents the fields, not
// its arithmetic): scalar and enum fields 0; an object field 1 plus its selection; a connection
// 2 plus `first` times the cost of one node; nodes(ids:) the number of ids times the cost of
// one object; every root mutation field 10. actualQueryCost counts the nodes returned instead
// of `first` (and the non-null objects instead of the ids); the difference goes back into the
// bucket. An id that is not a global id (gid://shopify/Type/N) fails nodes(ids:) as Shopify
// fails a variable it cannot coerce: no data, nothing spent; an id that names nothing is null.
//   A query whose requested cost is over 1000 is refused with MAX_COST_EXCEEDED (section 9 marks
//   this unconfirmed).
//
// Throttled: HTTP 200 (section 9 leaves 200 or 429 unconfirmed; Shopify's GraphQL answers are
// 200 with errors here, so the stand-in keeps 200 and uses 429 only for the injected fault),
// {"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED","documentation":...}}],
//  "extensions":{"cost":{..."actualQueryCost":null...}}} and no data.
//
// Control endpoint (loopback clients only, JSON in and out), under /__demo/admin-api/:
//   POST   /__demo/admin-api/tokens {shop, access_token, client_id?, scope?}
//          registers an access token (standalone mode; the default client id is --client-id,
//          the default scope every scope the stand-in knows)
//   POST   /__demo/admin-api/shops/{shop}/orders {line_items:[{variant_id, quantity, title?}],
//          tags?, email?, name?, id?}  -> the order as kept (below); numbered from 90001 unless
//          `id` is given (the demo checkout's orders are numbered from 1001)
//   GET    /__demo/admin-api/shops/{shop}/orders/{number}  -> the order as kept: tags, line
//          items (quantity, current_quantity), edits, mutations (count) and mutation_log
//   GET    /__demo/admin-api/shops/{shop}/state  -> installations, metafields (by owner),
//          discounts, validations, orders, requests (GraphQL requests received), faults
//   POST   /__demo/admin-api/shops/{shop}/faults {kind, count?, retry_after?, until?, for_ms?}
//          the next `count` (default 1) GraphQL requests for the shop fail as `kind`:
//            "throttled"  the bucket is emptied and the THROTTLED reply sent (with the query's
//                         requested cost, once it has parsed)
//            "429"        HTTP 429 with Retry-After: retry_after (seconds, default 2)
//            "500" "502" "503"  that status (503 with Retry-After when retry_after is given)
//            "hang"       no answer: the connection is held open until `until` (ms since the
//                         epoch) or for `for_ms`, then closed without a reply
//          or, with kind "down", every request until `until` / for `for_ms` has its connection
//          closed at once, without a reply (count ignored)
//          Faults come before the token check (a gateway fails before the API reads a token),
//          except "throttled", which needs the app's bucket.
//   DELETE /__demo/admin-api/shops/{shop}/faults       clears the shop's faults
//   POST   /__demo/admin-api/shops/{shop}/theme-files {filename, content}  writes a file of the
//          main theme, as the theme editor saves it
//   POST   /__demo/admin-api/shops/{shop}/bucket {client_id?, currently_available}  sets the
//          app's bucket (to test throttling without spending it)
//   POST   /__demo/admin-api/shops/{shop}/timezone {iana}  sets the shop's time zone, as the
//          merchant does in the admin's settings (default America/New_York)
//
// The store's admin shows an order at GET /store/{shop}/admin/orders/{number} (plain HTML).
//
// Standalone, for the app's own tests (prints one line, `listening on http://127.0.0.1:PORT`):
//   node demo/admin-api.mjs --port 0 --client-id X --client-secret Y [--scopes a,b]
//        [--exit-with-stdin]   (ends when its stdin closes: its parent is gone)
// It also serves the OAuth stand-in for the app X under /store/{shop}/admin/oauth/.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLError, Kind, buildSchema, execute, parse, print, specifiedRules, validate } from 'graphql';
import { operationCost } from './admin-api-cost.mjs';
import { ADMIN_SDL } from './admin-api-schema.mjs';
import { createCatalog } from './catalog.mjs';
import { createShopRecords, gid, parseGid, tagList } from './shop-records.mjs';
import { centsToDecimal } from './store.mjs';
import { createShopifyOAuth } from './shopify-oauth.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

const API_PATH = /^\/store\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/admin\/api\/([^/]+)\/graphql\.json$/;
const ORDER_PAGE = /^\/store\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/admin\/orders\/(\d+)$/;
const CONTROL_PREFIX = '/__demo/admin-api/';
const DOCS = 'https://shopify.dev/docs/api/usage/limits#rate-limits';

export const BUCKET_MAX = 1000; // Standard plan
export const RESTORE_RATE = 100; // points per second, Standard plan
const SINGLE_QUERY_MAX = 1000;
const MAX_INPUT_ARRAY = 250;
const MAX_METAFIELDS_PER_SET = 25;
const MAX_THEME_FILENAMES = 50;
const MAX_APP_FUNCTIONS = 25; // per store: discount functions, validation functions
// The stand-in's choice: a body over 4 MB is refused before parsing (25 json metafields of
// 128 KB fit). Shopify's own limit is not documented in SHOPIFY.md.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
// Metafield value sizes (section 9): json 128 KB (a new app, API 2026-04 and later; the
// stand-in applies it on every version), id and url 2 KB, other types 64 KB; lists <= 128.
const JSON_LIMIT = 128 * 1024;
const SMALL_LIMIT = 2 * 1024;
const DEFAULT_LIMIT = 64 * 1024;
const LIST_LIMIT = 128;

// Every scope a field needs (write_x grants read_x). The stand-in's reading of Shopify's docs.
const FIELD_SCOPES = {
  themes: 'read_themes',
  theme: 'read_themes',
  products: 'read_products',
  collectionByIdentifier: 'read_products',
  order: 'read_orders',
  discountNodes: 'read_discounts',
  validations: 'read_validations',
  discountAutomaticAppCreate: 'write_discounts',
  validationCreate: 'write_validations',
  tagsAdd: 'write_orders',
  orderUpdate: 'write_orders',
  orderEditBegin: 'write_order_edits',
  orderEditAddVariant: 'write_order_edits',
  orderEditSetQuantity: 'write_order_edits',
  orderEditAddLineItemDiscount: 'write_order_edits',
  orderEditCommit: 'write_order_edits',
};
export const ALL_SCOPES = [...new Set(Object.values(FIELD_SCOPES))].join(',');
// nodes(ids:) asks, id by id, for the scope that reads the object's type.
const NODE_SCOPES = {
  Product: 'read_products',
  ProductVariant: 'read_products',
  Collection: 'read_products',
  Order: 'read_orders',
};

const METAFIELD_TYPES = new Set([
  'single_line_text_field',
  'multi_line_text_field',
  'json',
  'boolean',
  'number_integer',
  'number_decimal',
  'date',
  'date_time',
  'url',
  'color',
  'id',
  'product_reference',
  'variant_reference',
  'collection_reference',
]);
const OWNER_TYPES = ['AppInstallation', 'DiscountAutomaticNode', 'Validation', 'Shop', 'Order'];
const OWNER_TYPE_NAMES = {
  AppInstallation: 'APP_INSTALLATION',
  DiscountAutomaticNode: 'DISCOUNT',
  Validation: 'VALIDATION',
  Shop: 'SHOP',
  Order: 'ORDER',
};

// The app's Function extensions, read from extensions/*/shopify.extension.toml: handle -> api
// ("discount" or "validation"), from the targets each declares.
export function readFunctionHandles(dir = path.join(root, 'extensions')) {
  const out = {};
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, 'shopify.extension.toml');
    if (!fs.existsSync(file)) continue;
    const toml = fs.readFileSync(file, 'utf8');
    if (!/^\s*type\s*=\s*"function"/m.test(toml)) continue;
    const handle = /^\s*handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
    const targets = [...toml.matchAll(/^\s*target\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
    if (!handle) continue;
    out[handle] = targets.some((t) => t.startsWith('cart.validations')) ? 'validation' : 'discount';
  }
  return out;
}

// A function's id for the deprecated functionId argument: stable per handle.
const functionIdOf = (handle) =>
  crypto
    .createHash('sha256')
    .update(`tiercart-function:${handle}`)
    .digest('hex')
    .slice(0, 32)
    .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');

// --- API versions ------------------------------------------------------------------------

const quarterIndex = (year, month) => year * 4 + (month - 1) / 3;
const versionName = (index) => `${Math.floor(index / 4)}-${String((index % 4) * 3 + 1).padStart(2, '0')}`;

// {served, retired} for a requested version, or null (404). A version is released at 17:00 UTC
// on the first day of its month and supported for 12 months (the stand-in retires it exactly
// then); a retired one falls forward to the oldest supported.
export function resolveVersion(version, nowMs) {
  const m = /^(\d{4})-(\d{2})$/.exec(version);
  if (!m || !['01', '04', '07', '10'].includes(m[2])) return null;
  const index = quarterIndex(Number(m[1]), Number(m[2]));
  const now = new Date(nowMs);
  let latest = quarterIndex(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3 + 1);
  const released = (i) => Date.UTC(Math.floor(i / 4), (i % 4) * 3, 1, 17);
  if (released(latest) > nowMs) latest -= 1;
  if (index > latest) return null;
  const oldest = latest - 3;
  if (index < oldest) return { served: versionName(oldest), retired: true };
  return { served: version, retired: false };
}

// --- Helpers ------------------------------------------------------------------------------

function sendJson(res, status, value, headers = {}) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const escapeHtml = (text) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return { tooLarge: true };
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}

const isLoopback = (req) => ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress);

function apiError(message, code, extra = {}) {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

// Any list over 250 items anywhere in the arguments: Shopify refuses the field.
function checkInputArrays(value, where) {
  if (Array.isArray(value)) {
    if (value.length > MAX_INPUT_ARRAY)
      throw apiError(
        `An input list holds ${value.length} items; at most ${MAX_INPUT_ARRAY} are accepted.`,
        'MAX_INPUT_SIZE_EXCEEDED',
        { argument: where },
      );
    value.forEach((v) => checkInputArrays(v, where));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkInputArrays(v, where || k);
  }
}

const byteLength = (text) => Buffer.byteLength(String(text), 'utf8');

// --- The API --------------------------------------------------------------------------------

// `checkAccessToken(shop, token)` -> {clientId, scope} or null (demo/shopify-oauth.mjs's);
// `records` the shops' records; `now` the clock (tests pass their own).
export function createAdminApi({
  checkAccessToken = () => null,
  records = createShopRecords(),
  catalog = createCatalog(),
  functionHandles = readFunctionHandles(),
  now = () => Date.now(),
  defaultClientId = null,
} = {}) {
  const schema = buildSchema(ADMIN_SDL);
  const buckets = new Map(); // "clientId shop" -> { available, at }
  const faults = new Map(); // shop -> [{ kind, count, retryAfter, until, forMs }]
  const registeredTokens = new Map(); // token -> { shop, clientId, scope }
  const held = new Set(); // sockets held open by "hang" faults, with their timers
  let documentCache = new Map();

  function grantToken({ shop, accessToken, clientId = defaultClientId, scope = ALL_SCOPES }) {
    registeredTokens.set(accessToken, { shop, clientId, scope });
  }

  function authorize(shop, token) {
    const registered = typeof token === 'string' ? registeredTokens.get(token) : undefined;
    if (registered) return registered.shop === shop ? registered : null;
    return checkAccessToken(shop, token);
  }

  function bucket(clientId, shop) {
    const key = `${clientId} ${shop}`;
    const nowMs = now();
    const entry = buckets.get(key) ?? { available: BUCKET_MAX, at: nowMs };
    entry.available = Math.min(BUCKET_MAX, entry.available + ((nowMs - entry.at) / 1000) * RESTORE_RATE);
    entry.at = nowMs;
    buckets.set(key, entry);
    return entry;
  }

  const throttleStatus = (entry) => ({
    maximumAvailable: BUCKET_MAX,
    currentlyAvailable: Math.floor(entry.available),
    restoreRate: RESTORE_RATE,
  });

  // --- metafield validation, shared by metafieldsSet and the metafields of other inputs ---

  function resolveNamespace(namespace, clientId) {
    if (namespace === undefined || namespace === null || namespace === '$app') return `app--${clientId}`;
    if (namespace.startsWith('$app:')) return `app--${clientId}--${namespace.slice(5)}`;
    return namespace;
  }

  // The problems of one metafield input ([{field, message, code}]), and its stored form.
  function checkMetafield(ctx, input, { requireOwner, ownerId, ownerType, existing }) {
    const problems = [];
    const problem = (field, message, code) => problems.push({ field, message, code });
    if (input.namespace !== undefined && input.namespace !== null) {
      if (input.namespace.length < 3)
        problem('namespace', 'Namespace is too short (minimum is 3 characters)', 'TOO_SHORT');
      if (input.namespace.length > 255)
        problem('namespace', 'Namespace is too long (maximum is 255 characters)', 'TOO_LONG');
    }
    const namespace = resolveNamespace(input.namespace ?? null, ctx.clientId);
    const key = input.key ?? '';
    if (!key) problem('key', "Key can't be blank", 'BLANK');
    else if (key.length < 2) problem('key', 'Key is too short (minimum is 2 characters)', 'TOO_SHORT');
    else if (key.length > 64) problem('key', 'Key is too long (maximum is 64 characters)', 'TOO_LONG');
    else if (!/^[A-Za-z0-9_-]+$/.test(key)) problem('key', 'Key contains characters that are not allowed', 'INVALID');
    const previous = existing?.(namespace, key) ?? null;
    const type = input.type ?? previous?.type ?? null;
    const value = input.value;
    if (!type) problem('type', "Type can't be blank", 'BLANK');
    else if (!METAFIELD_TYPES.has(type.replace(/^list\./, '')))
      problem('type', `Type ${type} is not a metafield type`, 'INVALID_TYPE');
    else if (previous && previous.type !== type)
      problem('type', `Type must be ${previous.type}, the type the metafield already has`, 'INVALID_TYPE');
    if (value === undefined || value === null) problem('value', "Value can't be blank", 'BLANK');
    else if (type && METAFIELD_TYPES.has(type.replace(/^list\./, ''))) {
      const base = type.replace(/^list\./, '');
      const limit = base === 'json' ? JSON_LIMIT : base === 'url' || base === 'id' ? SMALL_LIMIT : DEFAULT_LIMIT;
      if (byteLength(value) > limit)
        problem('value', `Value is too large (maximum is ${limit} bytes for ${type})`, 'LESS_THAN_OR_EQUAL_TO');
      else {
        const invalid = valueProblem(type, value);
        if (invalid) problem('value', invalid, 'INVALID_VALUE');
      }
    }
    if (requireOwner) {
      const parsed = parseGid(ownerId);
      if (!parsed || !OWNER_TYPES.includes(parsed.type))
        problem('ownerId', 'Owner type is not supported for metafields here', 'INVALID');
      else if (!ownerExists(ctx, parsed, ownerId)) problem('ownerId', 'Owner does not exist', 'INVALID');
      else if (parsed.type === 'AppInstallation' && records.installation(ctx.shop, ctx.clientId).id !== ownerId)
        problem('ownerId', 'Access to this app installation is denied', 'APP_NOT_AUTHORIZED');
    }
    if (namespace.startsWith('app--') && !namespace.startsWith(`app--${ctx.clientId}`))
      problem('namespace', 'The namespace is reserved for another app', 'APP_NOT_AUTHORIZED');
    if (input.compareDigest !== undefined && input.compareDigest !== null) {
      if (!previous || previous.compareDigest !== input.compareDigest)
        problem('compareDigest', 'The metafield changed since the digest was read', 'STALE_OBJECT');
    }
    return {
      problems,
      stored: { ownerId, ownerType: OWNER_TYPE_NAMES[ownerType] ?? ownerType, namespace, key, type, value },
    };
  }

  function valueProblem(type, value) {
    const list = type.startsWith('list.');
    const base = type.replace(/^list\./, '');
    let items = [value];
    if (list || base === 'json') {
      let parsed;
      try {
        parsed = JSON.parse(value);
      } catch {
        return 'Value is not valid JSON';
      }
      if (base === 'json' && !list) return null;
      if (!Array.isArray(parsed)) return 'Value must be a JSON array for a list type';
      if (parsed.length > LIST_LIMIT) return `A list holds at most ${LIST_LIMIT} items`;
      items = parsed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    }
    for (const item of items) {
      const text = String(item);
      const ok = {
        single_line_text_field: () => !/[\r\n]/.test(text),
        boolean: () => text === 'true' || text === 'false',
        number_integer: () => /^-?\d+$/.test(text),
        number_decimal: () => /^-?\d+(\.\d+)?$/.test(text),
        date: () => /^\d{4}-\d{2}-\d{2}$/.test(text),
        date_time: () => !Number.isNaN(Date.parse(text)),
        url: () => /^(https?|mailto|sms|tel):/.test(text),
        color: () => /^#[0-9a-fA-F]{6}$/.test(text),
        product_reference: () => parseGid(text)?.type === 'Product',
        variant_reference: () => parseGid(text)?.type === 'ProductVariant',
        collection_reference: () => parseGid(text)?.type === 'Collection',
      }[base];
      if (ok && !ok()) return `Value is not a valid ${base}`;
    }
    return null;
  }

  function ownerExists(ctx, parsed, ownerId) {
    const s = records.shop(ctx.shop);
    switch (parsed.type) {
      case 'AppInstallation':
        return [...s.installations.values()].some((i) => i.id === ownerId);
      case 'DiscountAutomaticNode':
        return s.discounts.some((d) => d.discountId === ownerId);
      case 'Validation':
        return s.validations.some((v) => v.id === ownerId);
      case 'Shop':
        return s.id === ownerId;
      case 'Order':
        return s.orders.has(parsed.number);
      default:
        return false;
    }
  }

  // The metafields of a create/update input (discount, validation, order): problems with their
  // path under `prefix`, and what to store once the owner exists.
  function checkOwnedMetafields(ctx, inputs, prefix, ownerType) {
    const problems = [];
    const stored = [];
    (inputs ?? []).forEach((input, i) => {
      const result = checkMetafield(ctx, input, { requireOwner: false, ownerType });
      for (const p of result.problems) problems.push({ ...p, field: [...prefix, 'metafields', String(i), p.field] });
      stored.push(result.stored);
    });
    return { problems, stored };
  }

  // --- views: records as GraphQL objects ---

  const metafieldView = (m) => m && { ...m };

  function metafieldReader(ctx, ownerId) {
    return ({ namespace, key }) =>
      metafieldView(records.metafield(ctx.shop, ownerId, resolveNamespace(namespace ?? null, ctx.clientId), key));
  }

  function variantView(variant) {
    if (!variant) return null;
    return {
      __typename: 'ProductVariant',
      id: gid('ProductVariant', variant.id),
      title: variant.title,
      sku: variant.sku,
      price: centsToDecimal(variant.price),
      availableForSale: catalog.available(variant),
      product: () => productView(variant.product),
    };
  }

  const requireFirst = (args) => {
    if (args.first == null && args.last == null)
      throw apiError('You must provide one of first or last', 'argumentMissing');
    const n = args.first ?? args.last;
    if (n < 0 || n > 250) throw apiError('first and last take a number from 0 to 250', 'argumentInvalid');
    return args.first != null ? (list) => list.slice(0, n) : (list) => list.slice(Math.max(0, list.length - n));
  };

  function productView(product) {
    return {
      __typename: 'Product',
      id: gid('Product', product.id),
      handle: product.handle,
      title: product.title,
      productType: product.product_type,
      tags: product.tags,
      variants: (args) => ({ nodes: requireFirst(args)(product.variants).map(variantView) }),
      collections: (args) => ({
        nodes: requireFirst(args)(collections.filter((c) => product.collections.includes(c.handle))).map(
          collectionView,
        ),
      }),
    };
  }

  // The shop's collections: every collection a product of the catalog is in, numbered in
  // handle order. The storefront's "all" is a page, not a collection: the Admin API has none.
  const collections = [...new Set(catalog.products.flatMap((p) => p.collections))]
    .filter((handle) => handle !== 'all' && Object.hasOwn(catalog.collectionTitles, handle))
    .sort()
    .map((handle, i) => ({ id: gid('Collection', 4001 + i), handle }));

  function collectionView(collection) {
    if (!collection) return null;
    const { handle } = collection;
    return {
      __typename: 'Collection',
      id: collection.id,
      handle,
      title: catalog.collectionTitles[handle],
      products: (args) => ({
        nodes: requireFirst(args)(catalog.products.filter((p) => p.collections.includes(handle))).map(productView),
      }),
    };
  }

  // The object a global id names in the shop, as nodes(ids:) answers it: null when none.
  function nodeView(ctx, id) {
    const parsed = parseGid(id);
    switch (parsed.type) {
      case 'ProductVariant':
        return variantView(catalog.variantsById.get(parsed.number));
      case 'Product': {
        const product = catalog.productsById.get(parsed.number);
        return product ? productView(product) : null;
      }
      case 'Collection':
        return collectionView(collections.find((c) => c.id === id));
      case 'Order': {
        const order = records.order(ctx.shop, id);
        return order ? { __typename: 'Order', ...orderView(ctx, order) } : null;
      }
      default:
        return null; // a type the stand-in does not keep
    }
  }

  function lineItemView(line) {
    return {
      id: line.id,
      title: line.title,
      variantTitle: line.variantTitle,
      quantity: line.quantity,
      currentQuantity: line.currentQuantity,
      variant: variantView(catalog.variantsById.get(parseGid(line.variantId)?.number)),
    };
  }

  function orderView(ctx, order) {
    if (!order) return null;
    return {
      id: order.id,
      name: order.name,
      createdAt: order.createdAt,
      email: order.email,
      phone: order.phone,
      note: order.note,
      poNumber: order.poNumber,
      tags: [...order.tags],
      customAttributes: order.customAttributes,
      shippingAddress: order.shippingAddress && {
        ...order.shippingAddress,
        countryCodeV2: order.shippingAddress.countryCode,
      },
      lineItems: (args) => ({ nodes: requireFirst(args)(order.lineItems).map(lineItemView) }),
      metafield: metafieldReader(ctx, order.id),
    };
  }

  function themeView(theme) {
    return {
      id: theme.id,
      name: theme.name,
      role: theme.role,
      files: ({ filenames, first }) => {
        if (filenames && filenames.length > MAX_THEME_FILENAMES)
          throw apiError(`At most ${MAX_THEME_FILENAMES} filenames may be asked for`, 'argumentInvalid');
        const patterns = (filenames ?? ['*']).map(
          (f) => new RegExp(`^${f.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
        );
        let files = [...theme.files.values()].filter((f) => patterns.some((p) => p.test(f.filename)));
        if (first != null) files = files.slice(0, first);
        return {
          nodes: files.map((f) => {
            const body =
              f.text !== undefined
                ? { __typename: 'OnlineStoreThemeFileBodyText', content: f.text }
                : f.base64 !== undefined
                  ? { __typename: 'OnlineStoreThemeFileBodyBase64', contentBase64: f.base64 }
                  : { __typename: 'OnlineStoreThemeFileBodyUrl', url: f.url };
            const bytes =
              f.text !== undefined ? Buffer.from(f.text) : f.base64 ? Buffer.from(f.base64, 'base64') : null;
            return {
              filename: f.filename,
              body,
              size: bytes ? bytes.length : 0,
              checksumMd5: bytes ? crypto.createHash('md5').update(bytes).digest('hex') : null,
              updatedAt: f.updatedAt,
            };
          }),
        };
      },
    };
  }

  function discountView(d) {
    const nowMs = now();
    const status =
      Date.parse(d.startsAt) > nowMs ? 'SCHEDULED' : d.endsAt && Date.parse(d.endsAt) <= nowMs ? 'EXPIRED' : 'ACTIVE';
    return {
      discountId: d.discountId,
      title: d.title,
      status,
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      discountClasses: d.discountClasses,
      combinesWith: d.combinesWith,
    };
  }

  function validationView(ctx, v) {
    return { id: v.id, title: v.title, blockOnFailure: v.blockOnFailure, metafield: metafieldReader(ctx, v.id) };
  }

  // Counted on the order once a mutation changed (or re-applied to) it.
  function applied(order, name) {
    order.mutations += 1;
    order.mutationLog.push(name);
  }

  // --- order editing ---

  function calculatedOrders(ctx) {
    const s = records.shop(ctx.shop);
    s.calculatedOrders ??= new Map();
    return s.calculatedOrders;
  }

  // The answer of an order-edit mutation on one calculated line: refused, or that line and the
  // calculated order as they now stand.
  function lineEditFailure(error) {
    return { calculatedLineItem: null, calculatedOrder: null, orderEditSession: null, userErrors: [error] };
  }

  function lineEdited(ctx, calc, line) {
    return {
      calculatedLineItem: {
        id: line.id,
        title: line.title,
        quantity: line.quantity,
        variant: variantView(catalog.variantsById.get(parseGid(line.variantId)?.number)),
      },
      calculatedOrder: calculatedView(ctx, calc),
      orderEditSession: { id: calc.sessionId },
      userErrors: [],
    };
  }

  function calculatedView(ctx, calc) {
    const lineView = (l) => ({
      id: l.id,
      title: l.title,
      quantity: l.quantity,
      variant: variantView(catalog.variantsById.get(parseGid(l.variantId)?.number)),
    });
    return {
      id: calc.id,
      committed: calc.committed,
      originalOrder: orderView(ctx, calc.order),
      lineItems: (args) => ({ nodes: requireFirst(args)(calc.lines).map(lineView) }),
      addedLineItems: (args) => ({ nodes: requireFirst(args)(calc.lines.filter((l) => !l.lineItemId)).map(lineView) }),
    };
  }

  const editError = (field, message, code) => ({ field, message, code });

  function openCalculated(ctx, id) {
    const calc = calculatedOrders(ctx).get(id);
    if (!calc) return { error: editError(['id'], 'The calculated order does not exist', 'NOT_FOUND') };
    if (calc.committed)
      return { error: editError(['id'], 'The order edit was already committed', 'ALREADY_COMMITTED') };
    return { calc };
  }

  // --- root fields ---

  const root = {
    currentAppInstallation: (args, ctx) => {
      const inst = records.installation(ctx.shop, ctx.clientId);
      return { id: inst.id, metafield: metafieldReader(ctx, inst.id) };
    },
    shop: (args, ctx) => {
      const s = records.shop(ctx.shop);
      return {
        id: s.id,
        myshopifyDomain: s.domain,
        currencyCode: s.currency,
        ianaTimezone: s.timezone,
        metafield: metafieldReader(ctx, s.id),
      };
    },
    themes: (args, ctx) => {
      const take = requireFirst(args);
      const theme = records.shop(ctx.shop).theme;
      const themes = [theme].filter(
        (t) => (!args.roles || args.roles.includes(t.role)) && (!args.names || args.names.includes(t.name)),
      );
      return { nodes: take(themes).map(themeView) };
    },
    theme: ({ id }, ctx) => {
      const theme = records.shop(ctx.shop).theme;
      return theme.id === id ? themeView(theme) : null;
    },
    products: (args, ctx) => {
      const take = requireFirst(args);
      return { nodes: take(searchProducts(args.query)).map(productView) };
    },
    order: ({ id }, ctx) => orderView(ctx, records.order(ctx.shop, id)),
    nodes: ({ ids }, ctx, info) => {
      // An id that is not a global id fails the whole query, as a variable Shopify could not
      // coerce: no data (runGraphql drops it).
      const bad = ids.findIndex((id) => !parseGid(id));
      if (bad >= 0) {
        const explanation = `Invalid global id \`${ids[bad]}\``;
        const argument = info.fieldNodes[0].arguments.find((a) => a.name.value === 'ids')?.value;
        const message =
          argument?.kind === Kind.VARIABLE
            ? `Variable $${argument.name.value} of type ${print(
                info.operation.variableDefinitions.find((d) => d.variable.name.value === argument.name.value).type,
              )} was provided invalid value for ${bad} (${explanation})`
            : `Argument 'ids' on Field 'nodes' has an invalid value (${explanation})`;
        throw Object.assign(new Error(message), {
          extensions: { value: ids, problems: [{ path: [bad], explanation, message: explanation }] },
          coercion: true,
        });
      }
      for (const id of ids) {
        const scope = NODE_SCOPES[parseGid(id).type];
        if (scope) requireScope(ctx, scope, 'nodes');
      }
      return ids.map((id) => nodeView(ctx, id));
    },
    discountNodes: (args, ctx) => {
      const take = requireFirst(args);
      // type:app keeps them all (the stand-in holds app discounts only); title:x keeps those
      // whose title contains x, as Shopify's search does; other terms are not read.
      const titles = [...String(args.query ?? '').matchAll(/title:(?:'([^']*)'|"([^"]*)"|(\S+))/g)].map((m) =>
        (m[1] ?? m[2] ?? m[3]).toLowerCase(),
      );
      const found = records
        .shop(ctx.shop)
        .discounts.filter((d) => titles.every((t) => d.title.toLowerCase().includes(t)));
      return {
        nodes: take(found).map((d) => ({
          id: d.discountId,
          discount: { __typename: 'DiscountAutomaticApp', ...discountView(d) },
          metafield: metafieldReader(ctx, d.discountId),
        })),
      };
    },
    validations: (args, ctx) => {
      const take = requireFirst(args);
      return { nodes: take(records.shop(ctx.shop).validations).map((v) => validationView(ctx, v)) };
    },
    collectionByIdentifier: ({ identifier }) => {
      const given = ['id', 'handle'].filter((k) => identifier[k] != null);
      if (given.length !== 1)
        throw apiError('The identifier must name the collection with exactly one field', 'argumentInvalid');
      return collectionView(collections.find((c) => c[given[0]] === identifier[given[0]]));
    },

    metafieldsSet: ({ metafields }, ctx) => {
      if (metafields.length > MAX_METAFIELDS_PER_SET)
        return {
          metafields: null,
          userErrors: [
            {
              field: ['metafields'],
              message: `At most ${MAX_METAFIELDS_PER_SET} metafields can be set at once`,
              code: 'LESS_THAN_OR_EQUAL_TO',
              elementIndex: null,
            },
          ],
        };
      const userErrors = [];
      const stored = [];
      metafields.forEach((input, i) => {
        const parsed = parseGid(input.ownerId);
        const result = checkMetafield(ctx, input, {
          requireOwner: true,
          ownerId: input.ownerId,
          ownerType: parsed?.type,
          existing: (ns, key) => records.metafield(ctx.shop, input.ownerId, ns, key),
        });
        for (const p of result.problems)
          userErrors.push({
            field: ['metafields', String(i), p.field],
            message: p.message,
            code: p.code,
            elementIndex: i,
          });
        stored.push(result.stored);
      });
      // Atomic: one problem and nothing is written.
      if (userErrors.length) return { metafields: [], userErrors };
      const written = stored.map((m) => records.putMetafield(ctx.shop, m));
      const touched = new Set();
      for (const m of written) {
        const order = parseGid(m.ownerId)?.type === 'Order' ? records.order(ctx.shop, m.ownerId) : null;
        if (order && !touched.has(order)) {
          touched.add(order);
          applied(order, 'metafieldsSet');
        }
      }
      return { metafields: written.map(metafieldView), userErrors: [] };
    },

    discountAutomaticAppCreate: ({ automaticAppDiscount: input }, ctx) => {
      const problems = [];
      const problem = (field, message, code) =>
        problems.push({ field: ['automaticAppDiscount', field], message, code });
      const handle = functionHandleOf(ctx, input, 'discount', problem);
      if (!input.title) problem('title', "Title can't be blank", 'BLANK');
      else if (input.title.length > 255) problem('title', 'Title is too long (maximum is 255 characters)', 'TOO_LONG');
      if (!input.startsAt) problem('startsAt', "Starts at can't be blank", 'BLANK');
      if (input.startsAt && Number.isNaN(Date.parse(input.startsAt)))
        problem('startsAt', 'Starts at is not a date', 'INVALID');
      if (input.endsAt && Number.isNaN(Date.parse(input.endsAt))) problem('endsAt', 'Ends at is not a date', 'INVALID');
      else if (input.endsAt && input.startsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt))
        problem('endsAt', 'Ends at must be after starts at', 'INVALID');
      const s = records.shop(ctx.shop);
      if (s.discounts.filter((d) => discountView(d).status !== 'EXPIRED').length >= MAX_APP_FUNCTIONS)
        problem('functionHandle', `A store runs at most ${MAX_APP_FUNCTIONS} app discounts`, 'MAX_APP_DISCOUNTS');
      const owned = checkOwnedMetafields(ctx, input.metafields, ['automaticAppDiscount'], 'DiscountAutomaticNode');
      problems.push(...owned.problems.map((p) => ({ ...p, code: discountCode(p.code) })));
      if (problems.length) return { automaticAppDiscount: null, userErrors: problems };
      const discount = {
        discountId: gid('DiscountAutomaticNode', records.next()),
        clientId: ctx.clientId,
        functionHandle: handle,
        title: input.title,
        startsAt: new Date(Date.parse(input.startsAt)).toISOString(),
        endsAt: input.endsAt ? new Date(Date.parse(input.endsAt)).toISOString() : null,
        discountClasses: input.discountClasses ?? [],
        combinesWith: {
          orderDiscounts: Boolean(input.combinesWith?.orderDiscounts),
          productDiscounts: Boolean(input.combinesWith?.productDiscounts),
          shippingDiscounts: Boolean(input.combinesWith?.shippingDiscounts),
        },
      };
      s.discounts.push(discount);
      for (const m of owned.stored) records.putMetafield(ctx.shop, { ...m, ownerId: discount.discountId });
      return { automaticAppDiscount: discountView(discount), userErrors: [] };
    },

    validationCreate: ({ validation: input }, ctx) => {
      const problems = [];
      const problem = (field, message, code) => problems.push({ field: ['validation', field], message, code });
      const handle = functionHandleOf(ctx, input, 'validation', problem);
      const s = records.shop(ctx.shop);
      if (input.enable && s.validations.filter((v) => v.enable).length >= MAX_APP_FUNCTIONS)
        problem('enable', `A store runs at most ${MAX_APP_FUNCTIONS} validations`, 'MAX_VALIDATIONS_ACTIVATED');
      const owned = checkOwnedMetafields(ctx, input.metafields, ['validation'], 'Validation');
      problems.push(...owned.problems.map((p) => ({ ...p, code: discountCode(p.code) })));
      if (problems.length) return { validation: null, userErrors: problems };
      const validation = {
        id: gid('Validation', records.next()),
        clientId: ctx.clientId,
        functionHandle: handle,
        title: input.title ?? handle,
        enable: input.enable ?? false,
        blockOnFailure: input.blockOnFailure ?? false,
      };
      s.validations.push(validation);
      for (const m of owned.stored) records.putMetafield(ctx.shop, { ...m, ownerId: validation.id });
      return { validation: validationView(ctx, validation), userErrors: [] };
    },

    tagsAdd: ({ id, tags }, ctx) => {
      const parsed = parseGid(id);
      const order = parsed?.type === 'Order' ? records.order(ctx.shop, id) : null;
      if (!order) return { node: null, userErrors: [{ field: ['id'], message: 'Resource not found' }] };
      for (const tag of tagList(tags)) if (!order.tags.includes(tag)) order.tags.push(tag);
      applied(order, 'tagsAdd');
      return { node: { __typename: 'Order', ...orderView(ctx, order) }, userErrors: [] };
    },

    orderEditBegin: ({ id }, ctx) => {
      const order = records.order(ctx.shop, id);
      const fail = (error) => ({ calculatedOrder: null, orderEditSession: null, userErrors: [error] });
      if (!order) return fail(editError(['id'], 'The order does not exist', 'NOT_FOUND'));
      if (order.cancelled) return fail(editError(['id'], 'A cancelled order cannot be edited', 'NOT_EDITABLE'));
      const calc = {
        id: gid('CalculatedOrder', records.next()),
        sessionId: gid('OrderEditSession', records.next()),
        order,
        committed: false,
        lines: order.lineItems.map((l) => ({
          id: gid('CalculatedLineItem', parseGid(l.id).number),
          lineItemId: l.id,
          variantId: l.variantId,
          title: l.title,
          quantity: l.currentQuantity,
          fulfilled: l.fulfilled,
        })),
        changes: [],
      };
      calculatedOrders(ctx).set(calc.id, calc);
      return { calculatedOrder: calculatedView(ctx, calc), orderEditSession: { id: calc.sessionId }, userErrors: [] };
    },

    orderEditAddVariant: ({ id, variantId, quantity, allowDuplicates }, ctx) => {
      const { calc, error } = openCalculated(ctx, id);
      if (error) return lineEditFailure(error);
      const variant = catalog.variantsById.get(
        parseGid(variantId)?.type === 'ProductVariant' ? parseGid(variantId).number : -1,
      );
      if (!variant) return lineEditFailure(editError(['variantId'], 'The variant does not exist', 'NOT_FOUND'));
      if (quantity <= 0) return lineEditFailure(editError(['quantity'], 'Quantity must be greater than 0', 'INVALID'));
      if (!allowDuplicates && calc.lines.some((l) => l.variantId === variantId && l.quantity > 0))
        return lineEditFailure(editError(['variantId'], 'The variant is already on the order', 'DUPLICATE_VARIANT'));
      const line = {
        id: gid('CalculatedLineItem', records.next()),
        lineItemId: null,
        variantId,
        title: variant.product.title,
        variantTitle: variant.title,
        quantity,
        fulfilled: false,
      };
      calc.lines.push(line);
      calc.changes.push({ type: 'add_variant', variant_id: variant.id, quantity });
      return lineEdited(ctx, calc, line);
    },

    orderEditSetQuantity: ({ id, lineItemId, quantity }, ctx) => {
      const { calc, error } = openCalculated(ctx, id);
      if (error) return lineEditFailure(error);
      const line = calc.lines.find((l) => l.id === lineItemId);
      if (!line) return lineEditFailure(editError(['lineItemId'], 'The line item does not exist', 'NOT_FOUND'));
      if (line.fulfilled)
        return lineEditFailure(editError(['lineItemId'], 'A fulfilled line cannot be edited', 'NOT_EDITABLE'));
      if (quantity < 0) return lineEditFailure(editError(['quantity'], 'Quantity cannot be negative', 'INVALID'));
      line.quantity = quantity;
      calc.changes.push({ type: 'set_quantity', line_item_id: lineItemId, quantity });
      return lineEdited(ctx, calc, line);
    },

    // Only a line added in this edit may be discounted (Shopify answers the same for any
    // other); a fixed value is the amount off the whole line, in the order's currency.
    orderEditAddLineItemDiscount: ({ id, lineItemId, discount }, ctx) => {
      const { calc, error } = openCalculated(ctx, id);
      if (error) return lineEditFailure(error);
      const line = calc.lines.find((l) => l.id === lineItemId);
      if (!line) return lineEditFailure(editError(['lineItemId'], 'The line item does not exist', 'NOT_FOUND'));
      if (line.lineItemId)
        return lineEditFailure(
          editError(['lineItemId'], 'Only items added during the current edit may be discounted.', 'INVALID'),
        );
      const fixed = discount.fixedValue;
      const percent = discount.percentValue;
      if ((fixed == null) === (percent == null))
        return lineEditFailure(editError(['discount'], 'Give either a fixed value or a percentage', 'INVALID'));
      if (fixed != null && !(Number(fixed.amount) > 0))
        return lineEditFailure(
          editError(['discount', 'fixedValue', 'amount'], 'The amount must be positive', 'INVALID'),
        );
      if (fixed != null && fixed.currencyCode !== calc.order.currencyCode)
        return lineEditFailure(
          editError(['discount', 'fixedValue', 'currencyCode'], "Not the order's currency", 'INVALID'),
        );
      if (percent != null && !(percent > 0 && percent <= 100))
        return lineEditFailure(
          editError(['discount', 'percentValue'], 'The percentage must be in (0, 100]', 'INVALID'),
        );
      line.discount = {
        description: discount.description ?? null,
        ...(fixed != null ? { amount: String(fixed.amount), currency_code: fixed.currencyCode } : { percent }),
      };
      calc.changes.push({ type: 'add_discount', variant_id: parseGid(line.variantId)?.number, ...line.discount });
      return lineEdited(ctx, calc, line);
    },

    orderEditCommit: ({ id, staffNote }, ctx) => {
      const { calc, error } = openCalculated(ctx, id);
      if (error) return { order: null, successMessages: null, userErrors: [error] };
      const order = calc.order;
      for (const line of calc.lines) {
        if (line.lineItemId) {
          order.lineItems.find((l) => l.id === line.lineItemId).currentQuantity = line.quantity;
        } else if (line.quantity > 0) {
          order.lineItems.push({
            id: gid('LineItem', order.number * 1000 + order.nextLine++),
            variantId: line.variantId,
            title: line.title,
            variantTitle: line.variantTitle,
            quantity: line.quantity,
            currentQuantity: line.quantity,
            fulfilled: false,
            discount: line.discount ?? null,
          });
        }
      }
      calc.committed = true;
      order.edits.push({
        calculatedOrderId: calc.id,
        committedAt: new Date(now()).toISOString(),
        staffNote: staffNote ?? null,
        changes: calc.changes,
      });
      applied(order, 'orderEditCommit');
      return { order: orderView(ctx, order), successMessages: ['Order updated'], userErrors: [] };
    },

    orderUpdate: ({ input }, ctx) => {
      const order = records.order(ctx.shop, input.id);
      if (!order) return { order: null, userErrors: [{ field: ['input', 'id'], message: 'Order does not exist' }] };
      const owned = checkOwnedMetafields(ctx, input.metafields, ['input'], 'Order');
      if (owned.problems.length)
        return { order: null, userErrors: owned.problems.map(({ field, message }) => ({ field, message })) };
      if (input.shippingAddress !== undefined)
        order.shippingAddress = input.shippingAddress && { ...input.shippingAddress };
      for (const key of ['email', 'phone', 'note', 'poNumber']) if (input[key] !== undefined) order[key] = input[key];
      if (input.tags !== undefined) order.tags = tagList(input.tags);
      if (input.customAttributes !== undefined) order.customAttributes = input.customAttributes.map((a) => ({ ...a }));
      for (const m of owned.stored) records.putMetafield(ctx.shop, { ...m, ownerId: order.id });
      applied(order, 'orderUpdate');
      return { order: orderView(ctx, order), userErrors: [] };
    },
  };

  // Metafield codes the discount and validation error enums share; the rest read as INVALID.
  const discountCode = (code) =>
    ['BLANK', 'INVALID', 'INVALID_TYPE', 'INVALID_VALUE', 'TOO_LONG', 'TOO_SHORT', 'LESS_THAN_OR_EQUAL_TO'].includes(
      code,
    )
      ? code
      : 'INVALID';

  // The handle of the Function an input names, checked against the app's extensions of `api`.
  function functionHandleOf(ctx, input, api, problem) {
    if (input.functionId != null) {
      ctx.deprecated.add('functionId is deprecated: name the function with functionHandle');
      const handle = Object.keys(functionHandles).find((h) => functionIdOf(h) === input.functionId);
      if (!handle || functionHandles[handle] !== api) problem('functionId', 'Function not found', 'FUNCTION_NOT_FOUND');
      return handle;
    }
    if (!input.functionHandle) {
      problem('functionHandle', 'Function handle or id must be given', 'BLANK');
      return null;
    }
    if (functionHandles[input.functionHandle] !== api) {
      problem('functionHandle', `Function ${input.functionHandle} not found`, 'FUNCTION_NOT_FOUND');
      return null;
    }
    return input.functionHandle;
  }

  // products(query:) search, the part of Shopify's syntax the app uses: terms joined by OR,
  // each `handle:x`, `id:n`, `title:x`, `tag:x`, `product_type:x` or a bare word in the title.
  function searchProducts(query) {
    if (!query || !query.trim()) return catalog.products;
    const terms = query.split(/\s+OR\s+/).map((t) => t.trim().replace(/^\(|\)$/g, ''));
    const unquote = (v) => v.replace(/^["']|["']$/g, '');
    return catalog.products.filter((p) =>
      terms.some((term) => {
        const m = /^(\w+):(.+)$/.exec(term);
        if (!m) return p.title.toLowerCase().includes(unquote(term).toLowerCase());
        const value = unquote(m[2]);
        switch (m[1]) {
          case 'handle':
            return p.handle === value;
          case 'id':
            return String(p.id) === value;
          case 'title':
            return p.title.toLowerCase().includes(value.toLowerCase());
          case 'tag':
            return p.tags.includes(value);
          case 'product_type':
            return p.product_type === value;
          default:
            return false;
        }
      }),
    );
  }

  // Root fields behind the scope check and the input-size check.
  const guardedRoot = Object.fromEntries(
    Object.entries(root).map(([name, resolve]) => [
      name,
      (args, ctx, info) => {
        const scope = FIELD_SCOPES[name];
        if (scope) requireScope(ctx, scope, name);
        checkInputArrays(args, '');
        return resolve(args, ctx, info);
      },
    ]),
  );

  function requireScope(ctx, scope, name) {
    if (!hasScope(ctx.scopes, scope))
      throw apiError(`Access denied: ${name} needs the ${scope} access scope.`, 'ACCESS_DENIED', {
        documentation: 'https://shopify.dev/api/usage/access-scopes',
        requiredAccess: `\`${scope}\` access scope.`,
      });
  }

  function hasScope(scopes, needed) {
    const list = String(scopes || '')
      .split(',')
      .map((s) => s.trim());
    if (list.includes(needed)) return true;
    return needed.startsWith('read_') && list.includes(`write_${needed.slice(5)}`);
  }

  function parseDocument(query) {
    if (documentCache.has(query)) return documentCache.get(query);
    const document = parse(query);
    const errors = validate(schema, document, specifiedRules);
    const entry = { document, errors };
    if (documentCache.size > 200) documentCache = new Map();
    documentCache.set(query, entry);
    return entry;
  }

  // One GraphQL request, authorized: {status, body, headers}.
  // `emptyBucket`: the injected THROTTLED fault (the bucket is emptied before the cost check).
  function runGraphql(shop, auth, body, version, emptyBucket = false) {
    const entry = bucket(auth.clientId, shop);
    const costOnly = (requested, actual) => ({
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(entry) },
    });
    if (
      !body ||
      typeof body !== 'object' ||
      Array.isArray(body) ||
      typeof body.query !== 'string' ||
      !body.query.trim()
    )
      return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    let parsed;
    try {
      parsed = parseDocument(body.query);
    } catch (error) {
      return {
        status: 200,
        body: {
          errors: [{ message: error.message, locations: error.locations, extensions: { code: 'PARSE_ERROR' } }],
          extensions: costOnly(0, 0),
        },
      };
    }
    if (parsed.errors.length)
      return {
        status: 200,
        body: {
          errors: parsed.errors.map((e) => ({
            message: e.message,
            locations: e.locations,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          })),
          extensions: costOnly(0, 0),
        },
      };
    const operations = parsed.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    const operation = body.operationName
      ? operations.find((o) => o.name?.value === body.operationName)
      : operations.length === 1
        ? operations[0]
        : null;
    if (!operation)
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'An operationName naming one of the operations is required',
              extensions: { code: 'OPERATION_NOT_FOUND' },
            },
          ],
          extensions: costOnly(0, 0),
        },
      };
    const variables = body.variables && typeof body.variables === 'object' ? body.variables : {};
    let requested;
    try {
      requested = operationCost(schema, parsed.document, operation, variables);
    } catch {
      requested = 0;
    }
    if (requested > SINGLE_QUERY_MAX)
      return {
        status: 200,
        body: {
          errors: [
            {
              message: `The query's cost of ${requested} is over the limit of ${SINGLE_QUERY_MAX} for a single query.`,
              extensions: {
                code: 'MAX_COST_EXCEEDED',
                cost: requested,
                maxCost: SINGLE_QUERY_MAX,
                documentation: DOCS,
              },
            },
          ],
          extensions: costOnly(requested, null),
        },
      };
    if (emptyBucket) entry.available = 0;
    if (requested > entry.available || emptyBucket) return { status: 200, body: throttledBody(requested, entry) };
    entry.available -= requested;
    const ctx = { shop, clientId: auth.clientId, scopes: auth.scope, version, deprecated: new Set() };
    const result = execute({
      schema,
      document: parsed.document,
      rootValue: guardedRoot,
      contextValue: ctx,
      variableValues: variables,
      operationName: body.operationName,
    });
    // An argument Shopify could not coerce (a malformed global id): nothing ran, so no data,
    // no path, and nothing spent.
    const coercion = result.errors?.find((e) => e.originalError?.coercion);
    if (coercion) {
      entry.available = Math.min(BUCKET_MAX, entry.available + requested);
      return {
        status: 200,
        body: {
          errors: [{ message: coercion.message, locations: coercion.locations, extensions: coercion.extensions }],
          extensions: costOnly(requested, 0),
        },
      };
    }
    let actual = requested;
    try {
      actual = Math.min(requested, operationCost(schema, parsed.document, operation, variables, result.data ?? null));
    } catch {
      actual = requested;
    }
    entry.available = Math.min(BUCKET_MAX, entry.available + (requested - actual));
    const reply = {};
    if (result.errors)
      reply.errors = result.errors.map((e) => ({
        message: e.message,
        locations: e.locations,
        path: e.path,
        extensions: e.extensions && Object.keys(e.extensions).length ? e.extensions : { code: 'INTERNAL_SERVER_ERROR' },
      }));
    reply.data = result.data ?? null;
    reply.extensions = costOnly(requested, actual);
    const headers = {};
    if (ctx.deprecated.size) headers['x-shopify-api-deprecated-reason'] = [...ctx.deprecated].join('; ');
    return { status: 200, body: reply, headers };
  }

  function throttledBody(requested, entry) {
    return {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: DOCS } }],
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus(entry) },
      },
    };
  }

  // The next fault for the shop, spent; or null.
  function takeFault(shop) {
    const list = faults.get(shop);
    if (!list) return null;
    const nowMs = now();
    for (const fault of list) {
      if (fault.kind === 'down') {
        if (nowMs < fault.until) return fault;
        continue;
      }
      if (fault.count > 0) {
        fault.count -= 1;
        return fault;
      }
    }
    faults.set(
      shop,
      list.filter((f) => (f.kind === 'down' ? nowMs < f.until : f.count > 0)),
    );
    return null;
  }

  function hold(req, untilMs) {
    const socket = req.socket;
    const timer = setTimeout(
      () => {
        held.delete(entry);
        socket.destroy();
      },
      Math.max(0, untilMs - now()),
    );
    timer.unref();
    const entry = { socket, timer };
    held.add(entry);
    socket.once('close', () => {
      clearTimeout(timer);
      held.delete(entry);
    });
  }

  // POST /store/{shop}/admin/api/{version}/graphql.json
  async function handleGraphql(req, res, shop, version) {
    const resolved = resolveVersion(version, now());
    if (!resolved) return sendJson(res, 404, { errors: 'Not Found' });
    records.shop(shop).requests += 1;
    const fault = takeFault(shop);
    if (fault && fault.kind !== 'throttled') {
      if (fault.kind === 'down') return req.socket.destroy();
      if (fault.kind === 'hang') return hold(req, fault.until ?? now() + (fault.forMs ?? 60000));
      const status = Number(fault.kind);
      const headers = {};
      if (status === 429 || (status === 503 && fault.retryAfter != null))
        headers['retry-after'] = String(fault.retryAfter ?? 2);
      const text = {
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
        503: 'Service Unavailable',
      };
      return sendJson(res, status, { errors: text[status] ?? 'Error' }, headers);
    }
    if (req.method !== 'POST') return sendJson(res, 405, { errors: 'Method Not Allowed' }, { allow: 'POST' });
    const auth = authorize(shop, req.headers['x-shopify-access-token']);
    if (!auth) return sendJson(res, 401, { errors: '[API] Invalid API key or access token' });
    const headers = { 'x-shopify-api-version': resolved.served };
    if (resolved.retired)
      headers['x-shopify-api-deprecated-reason'] =
        `API version ${version} is no longer supported; the request was served by ${resolved.served}`;
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw.tooLarge) return sendJson(res, 413, { errors: 'Request body too large' }, headers);
    let body;
    try {
      // application/graphql: the body is the query itself (no variables).
      body = /application\/graphql/.test(req.headers['content-type'] || '')
        ? { query: raw.text }
        : JSON.parse(raw.text);
    } catch {
      return sendJson(res, 400, { errors: { query: 'Required parameter missing or invalid' } }, headers);
    }
    const answer = runGraphql(shop, auth, body, resolved.served, fault?.kind === 'throttled');
    const deprecated = [headers['x-shopify-api-deprecated-reason'], answer.headers?.['x-shopify-api-deprecated-reason']]
      .filter(Boolean)
      .join('; ');
    return sendJson(res, answer.status, answer.body, {
      ...headers,
      ...(deprecated ? { 'x-shopify-api-deprecated-reason': deprecated } : {}),
    });
  }

  // --- control endpoint ---

  function orderState(order) {
    return {
      id: order.id,
      number: order.number,
      name: order.name,
      tags: [...order.tags],
      email: order.email,
      note: order.note,
      shipping_address: order.shippingAddress,
      custom_attributes: order.customAttributes,
      line_items: order.lineItems.map((l) => ({
        id: l.id,
        variant_id: parseGid(l.variantId)?.number ?? null,
        title: l.title,
        quantity: l.quantity,
        current_quantity: l.currentQuantity,
        discount: l.discount ?? null,
      })),
      edits: order.edits,
      mutations: order.mutations,
      mutation_log: order.mutationLog,
    };
  }

  function shopState(shop) {
    const s = records.shop(shop);
    const metafields = {};
    for (const [owner, map] of s.metafields) metafields[owner] = [...map.values()];
    return {
      shop,
      id: s.id,
      installations: [...s.installations.values()],
      metafields,
      discounts: s.discounts.map((d) => ({ ...d, status: discountView(d).status })),
      validations: s.validations,
      orders: [...s.orders.values()].map(orderState),
      requests: s.requests,
      faults: faults.get(shop) ?? [],
    };
  }

  async function handleControl(req, res, pathname) {
    if (!isLoopback(req)) return sendJson(res, 403, { error: 'loopback only' });
    const raw = req.method === 'POST' ? await readBody(req, 1024 * 1024) : { text: '' };
    let body = {};
    if (raw.tooLarge) return sendJson(res, 413, { error: 'body too large' });
    if (raw.text) {
      try {
        body = JSON.parse(raw.text);
      } catch {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
    }
    const rest = pathname.slice(CONTROL_PREFIX.length);
    if (rest === 'tokens' && req.method === 'POST') {
      if (typeof body.shop !== 'string' || typeof body.access_token !== 'string')
        return sendJson(res, 400, { error: 'shop and access_token are required' });
      grantToken({
        shop: body.shop,
        accessToken: body.access_token,
        clientId: body.client_id ?? defaultClientId,
        scope: body.scope ?? ALL_SCOPES,
      });
      return sendJson(res, 200, { ok: true });
    }
    const m =
      /^shops\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/(orders|orders\/(\d+)|state|faults|bucket|theme-files|timezone)$/.exec(
        rest,
      );
    if (!m) return sendJson(res, 404, { error: 'unknown control route' });
    const [, shop, what, orderNumber] = m;
    if (what === 'state' && req.method === 'GET') return sendJson(res, 200, shopState(shop));
    if (what === 'orders' && req.method === 'POST') {
      const lines = Array.isArray(body.line_items) ? body.line_items : [];
      const unknown = lines.find((l) => !catalog.variantsById.has(Number(l.variant_id)));
      if (unknown) return sendJson(res, 400, { error: `unknown variant ${unknown.variant_id}` });
      const order = records.addOrder(shop, {
        ...body,
        line_items: lines.map((l) => {
          const v = catalog.variantsById.get(Number(l.variant_id));
          return {
            variant_id: v.id,
            quantity: Number(l.quantity ?? 1),
            title: l.title ?? v.product.title,
            variant_title: v.title,
          };
        }),
      });
      return sendJson(res, 200, orderState(order));
    }
    if (orderNumber && req.method === 'GET') {
      const order = records.order(shop, Number(orderNumber));
      return order ? sendJson(res, 200, orderState(order)) : sendJson(res, 404, { error: 'no such order' });
    }
    if (what === 'faults' && req.method === 'DELETE') {
      faults.delete(shop);
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'faults' && req.method === 'POST') {
      const kinds = ['throttled', '429', '500', '502', '503', 'hang', 'down'];
      const kind = String(body.kind ?? '');
      if (!kinds.includes(kind)) return sendJson(res, 400, { error: `kind must be one of ${kinds.join(', ')}` });
      const until = body.until != null ? Number(body.until) : body.for_ms != null ? now() + Number(body.for_ms) : null;
      if ((kind === 'down' || kind === 'hang') && until === null)
        return sendJson(res, 400, { error: `${kind} needs until (ms since the epoch) or for_ms` });
      const fault = { kind, count: Number(body.count ?? 1), retryAfter: body.retry_after ?? null, until };
      if (!faults.has(shop)) faults.set(shop, []);
      faults.get(shop).push(fault);
      return sendJson(res, 200, { ok: true, fault });
    }
    if (what === 'theme-files' && req.method === 'POST') {
      // {filename, content}: a file of the main theme as the theme editor would save it.
      if (typeof body.filename !== 'string' || typeof body.content !== 'string') {
        return sendJson(res, 400, { error: 'filename and content are strings' });
      }
      records.putThemeFile(shop, body.filename, body.content);
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'timezone' && req.method === 'POST') {
      // An IANA name the platform knows; Intl knows the same database.
      let known = false;
      try {
        known = typeof body.iana === 'string' && Boolean(new Intl.DateTimeFormat('en', { timeZone: body.iana }));
      } catch {
        known = false;
      }
      if (!known) return sendJson(res, 400, { error: 'iana is a time zone name, e.g. Europe/Berlin' });
      records.shop(shop).timezone = body.iana;
      return sendJson(res, 200, { ok: true });
    }
    if (what === 'bucket' && req.method === 'POST') {
      const clientId = body.client_id ?? defaultClientId;
      const entry = bucket(clientId, shop);
      entry.available = Math.max(0, Math.min(BUCKET_MAX, Number(body.currently_available)));
      return sendJson(res, 200, { ok: true, throttleStatus: throttleStatus(entry) });
    }
    return sendJson(res, 405, { error: 'method not allowed' });
  }

  // The store admin's order page: lines and tags, every text inserted escaped.
  function orderPage(res, shop, number) {
    const order = records.order(shop, Number(number));
    if (!order) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Order not found</title></head><body><main><h1>Order not found</h1></main></body></html>',
      );
    }
    const lines = order.lineItems
      .map(
        (l) =>
          `<tr><th scope="row">${escapeHtml(l.title)}${l.variantTitle && l.variantTitle !== 'Default Title' ? ` <span>(${escapeHtml(l.variantTitle)})</span>` : ''}</th><td>${l.currentQuantity}</td><td>${l.quantity !== l.currentQuantity ? `was ${l.quantity}` : ''}</td></tr>`,
      )
      .join('');
    const tags = order.tags.length
      ? `<ul class="tags" aria-label="Tags">${order.tags.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul>`
      : '<p>No tags</p>';
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order ${escapeHtml(order.name)} · ${escapeHtml(shop)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse}th,td{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}.tags{display:flex;gap:.4rem;list-style:none;padding:0}.tags li{background:#e4e5e7;border-radius:.5rem;padding:.1rem .6rem}</style>
</head><body><main>
<h1>Order ${escapeHtml(order.name)}</h1>
<section aria-labelledby="lines-title"><h2 id="lines-title">Items</h2>
<table><thead><tr><th scope="col">Item</th><th scope="col">Quantity</th><th scope="col">Edited</th></tr></thead><tbody>${lines}</tbody></table></section>
<section aria-labelledby="tags-title"><h2 id="tags-title">Tags</h2>${tags}</section>
${order.note ? `<section aria-labelledby="note-title"><h2 id="note-title">Notes</h2><p>${escapeHtml(order.note)}</p></section>` : ''}
</main></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  }

  // Answers the request when it is the API, the order page or the control endpoint.
  async function handle(req, res, pathname) {
    let m;
    if ((m = API_PATH.exec(pathname))) {
      await handleGraphql(req, res, m[1], m[2]);
      return true;
    }
    if (req.method === 'GET' && (m = ORDER_PAGE.exec(pathname))) {
      orderPage(res, m[1], m[2]);
      return true;
    }
    if (pathname.startsWith(CONTROL_PREFIX)) {
      await handleControl(req, res, pathname);
      return true;
    }
    return false;
  }

  function close() {
    for (const { socket, timer } of held) {
      clearTimeout(timer);
      socket.destroy();
    }
    held.clear();
  }

  return { handle, grantToken, records, catalog, schema, close };
}

// --- standalone ---------------------------------------------------------------------------

function argument(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

// The API, the order page, the control endpoint and the OAuth stand-in on one loopback port.
export async function startAdminApi({ port = 0, clientId, clientSecret, scopes = ALL_SCOPES, now } = {}) {
  const oauth = createShopifyOAuth(now ? { now } : {});
  if (clientId && clientSecret) oauth.registerApp({ clientId, clientSecret, scopes });
  const api = createAdminApi({
    checkAccessToken: oauth.checkAccessToken,
    defaultClientId: clientId,
    ...(now ? { now } : {}),
  });
  const server = http.createServer(async (req, res) => {
    try {
      const pathname = new URL(req.url, 'http://demo.local').pathname;
      if (await api.handle(req, res, pathname)) return;
      if (await oauth.handle(req, res, pathname)) return;
      sendJson(res, 404, { errors: 'Not Found' });
    } catch (error) {
      console.error(error);
      if (!res.headersSent) sendJson(res, 500, { errors: 'Internal Server Error' });
      else res.end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    api,
    oauth,
    close: () =>
      new Promise((resolve) => {
        api.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const standalone = await startAdminApi({
    port: Number(argument('port', 0)),
    clientId: argument('client-id', 'tiercart-test'),
    clientSecret: argument('client-secret', null),
    scopes: argument('scopes', ALL_SCOPES),
  });
  console.log(`listening on ${standalone.url}`);
  const stop = () => standalone.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A test that starts the stand-in holds its stdin open: when that process ends, even by a
  // crash that runs no destructor, the stand-in ends with it instead of lingering.
  if (process.argv.includes('--exit-with-stdin')) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}
