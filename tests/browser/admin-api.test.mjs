// The demo's stand-in for Shopify's Admin GraphQL API (demo/admin-api.mjs) against
// ../shared/SHOPIFY.md sections 9 and 12: tokens per shop, versions, the cost extension and the
// leaky bucket on a clock the test moves, injected faults, metafieldsSet's validation, the
// app's discount and validation, theme files after a Save in the theme editor, tags as a set
// and the admin's order page, order edits. Plain HTTP on loopback: no browser, no sleeps.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { chromium } from 'playwright-core';
import { ALL_SCOPES, resolveVersion, startAdminApi } from '../../demo/admin-api.mjs';
import { handleEditor } from '../../demo/editor.mjs';
import { createCheckoutFunctions, functionInput } from '../../demo/function-runner.mjs';
import { mintSessionToken } from '../../demo/session-token.mjs';
import { readBlock, root } from '../theme/render.mjs';

const SHOP = 'northbound-supply.myshopify.com';
const OTHER_SHOP = 'other-shop.myshopify.com';
const CLIENT_ID = 'admin-api-test-client';
const SECRET = 'admin-api-test-secret';
const TOKEN = 'shpat_test_northbound';
const VERSION = '2026-10';

let clock = Date.parse('2026-12-02T12:00:00Z');
const now = () => clock;
let api;

before(async () => {
  api = await startAdminApi({ clientId: CLIENT_ID, clientSecret: SECRET, now });
  await control('POST', '/tokens', { shop: SHOP, access_token: TOKEN });
});
after(() => api.close());
beforeEach(async () => {
  clock += 60 * 1000; // a full bucket for every test
  await control('DELETE', `/shops/${SHOP}/faults`);
});

async function control(method, route, body) {
  const res = await fetch(`${api.url}/__demo/admin-api${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function graphql(query, variables = {}, { token = TOKEN, shop = SHOP, version = VERSION, signal } = {}) {
  const res = await fetch(`${api.url}/store/${shop}/admin/api/${version}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-shopify-access-token': token } : {}) },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

const INSTALLATION = '{ currentAppInstallation { id } }';
const METAFIELDS_SET = `mutation Set($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key value type compareDigest }
    userErrors { field message code elementIndex }
  }
}`;
const TAGS_ADD = `mutation Tag($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`;

async function installationId() {
  return (await graphql(INSTALLATION)).body.data.currentAppInstallation.id;
}

async function newOrder(extra = {}) {
  const { status, body } = await control('POST', `/shops/${SHOP}/orders`, {
    line_items: [
      { variant_id: 2001, quantity: 1 },
      { variant_id: 2022, quantity: 2 },
    ],
    ...extra,
  });
  assert.equal(status, 200);
  return body;
}

test('a missing, unknown or other shop’s token gets 401; a token from the OAuth stand-in works until it expires', async () => {
  assert.equal((await graphql(INSTALLATION, {}, { token: null })).status, 401);
  assert.equal((await graphql(INSTALLATION, {}, { token: 'shpat_nobody' })).status, 401);
  assert.equal((await graphql(INSTALLATION, {}, { shop: OTHER_SHOP })).status, 401);
  const unauthorized = await graphql(INSTALLATION, {}, { token: null });
  assert.equal(typeof unauthorized.body.errors, 'string');
  assert.equal(unauthorized.body.data, undefined);

  // Token exchange at the same origin, as the app's server does it.
  const exchange = await fetch(`${api.url}/store/${SHOP}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: mintSessionToken({ secret: SECRET, apiKey: CLIENT_ID, shop: SHOP, now: clock }),
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      expiring: '1',
    }),
  }).then((r) => r.json());
  assert.ok(exchange.access_token, JSON.stringify(exchange));
  const ok = await graphql(INSTALLATION, {}, { token: exchange.access_token });
  assert.equal(ok.status, 200);
  assert.match(ok.body.data.currentAppInstallation.id, /^gid:\/\/shopify\/AppInstallation\/\d+$/);
  assert.equal((await graphql(INSTALLATION, {}, { token: exchange.access_token, shop: OTHER_SHOP })).status, 401);
  clock += 61 * 60 * 1000; // an expiring offline token lasts 60 minutes
  assert.equal((await graphql(INSTALLATION, {}, { token: exchange.access_token })).status, 401);
});

test('versions: YYYY-MM with a quarterly month, released; a retired one is served by the oldest supported', async () => {
  for (const version of ['2026-02', '2026-13', 'latest', '2099-01', '26-01'])
    assert.equal((await graphql(INSTALLATION, {}, { version })).status, 404, version);
  const current = await graphql(INSTALLATION, {}, { version: '2026-10' });
  assert.equal(current.headers.get('x-shopify-api-version'), '2026-10');
  assert.equal(current.headers.get('x-shopify-api-deprecated-reason'), null);
  const retired = await graphql(INSTALLATION, {}, { version: '2024-01' });
  assert.equal(retired.status, 200);
  assert.equal(retired.headers.get('x-shopify-api-version'), '2026-01');
  assert.match(retired.headers.get('x-shopify-api-deprecated-reason'), /2024-01/);
  // Released at 17:00 UTC on the first day of the quarter's month.
  assert.equal(resolveVersion('2027-01', Date.parse('2027-01-01T16:59:00Z')), null);
  assert.deepEqual(resolveVersion('2027-01', Date.parse('2027-01-01T17:00:00Z')), {
    served: '2027-01',
    retired: false,
  });
});

test('every reply carries extensions.cost; connections cost by `first`, the actual cost by what came back', async () => {
  const one = await graphql(INSTALLATION);
  assert.deepEqual(one.body.extensions.cost, {
    requestedQueryCost: 1,
    actualQueryCost: 1,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 999, restoreRate: 100 },
  });
  const products = await graphql(`
    {
      products(first: 10, query: "handle:canvas-tote-bag OR handle:down-vest") {
        nodes {
          id
          handle
          title
          variants(first: 5) {
            nodes {
              id
              availableForSale
            }
          }
        }
      }
    }
  `);
  assert.deepEqual(
    products.body.data.products.nodes.map((p) => [p.handle, p.variants.nodes.length]),
    [
      ['down-vest', 2],
      ['canvas-tote-bag', 1],
    ],
  );
  assert.equal(products.body.data.products.nodes[0].variants.nodes[1].availableForSale, false); // sold out
  const cost = products.body.extensions.cost;
  // 2 + 10 x (1 + (2 + 5 x 1)) requested; 2 + (1 + 2 + 2) + (1 + 2 + 1) actual.
  assert.equal(cost.requestedQueryCost, 82);
  assert.equal(cost.actualQueryCost, 11);
  assert.equal(cost.throttleStatus.currentlyAvailable, 999 - 11);
  const invalid = await graphql('{ shop { nope } }');
  assert.equal(invalid.status, 200);
  assert.equal(invalid.body.data, undefined);
  assert.match(invalid.body.errors[0].message, /nope/);
  assert.ok(invalid.body.extensions.cost);
  const syntax = await graphql('{ shop { ');
  assert.equal(syntax.status, 200);
  assert.ok(syntax.body.errors[0].locations);
});

test('the bucket: over what is available the reply is THROTTLED with no data and nothing applied; it refills at 100/s', async () => {
  const order = await newOrder();
  const set = await control('POST', `/shops/${SHOP}/bucket`, { currently_available: 5 });
  assert.equal(set.body.throttleStatus.currentlyAvailable, 5);
  const throttled = await graphql(TAGS_ADD, { id: order.id, tags: ['flagged'] });
  assert.equal(throttled.status, 200); // the stand-in's choice: section 9 leaves 200 or 429 open
  assert.deepEqual(throttled.body.errors, [
    {
      message: 'Throttled',
      extensions: { code: 'THROTTLED', documentation: throttled.body.errors[0].extensions.documentation },
    },
  ]);
  assert.equal('data' in throttled.body, false);
  assert.deepEqual(throttled.body.extensions.cost, {
    requestedQueryCost: 10,
    actualQueryCost: null,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 5, restoreRate: 100 },
  });
  assert.deepEqual((await control('GET', `/shops/${SHOP}/orders/${order.number}`)).body.tags, []);
  // (requested - available) / restoreRate = 0.05 s later it goes through.
  clock += 50;
  const retried = await graphql(TAGS_ADD, { id: order.id, tags: ['flagged'] });
  assert.deepEqual(retried.body.data.tagsAdd.userErrors, []);
  assert.equal(retried.body.extensions.cost.throttleStatus.currentlyAvailable, 0);
  const state = (await control('GET', `/shops/${SHOP}/orders/${order.number}`)).body;
  assert.deepEqual(state.tags, ['flagged']);
  assert.equal(state.mutations, 1);
  // One query over 1,000 points is refused whatever the bucket holds.
  clock += 20 * 1000;
  const huge = await graphql('{ products(first: 250) { nodes { id variants(first: 250) { nodes { id } } } } }');
  assert.equal(huge.body.errors[0].extensions.code, 'MAX_COST_EXCEEDED');
  assert.equal(huge.body.data, undefined);
  assert.equal(huge.body.extensions.cost.actualQueryCost, null);
  assert.equal(huge.body.extensions.cost.throttleStatus.currentlyAvailable, 1000);
});

test('faults: THROTTLED, 429 with Retry-After, 5xx, a held connection and a stretch down, each for the shop named', async () => {
  await control('POST', `/shops/${SHOP}/faults`, { kind: 'throttled', count: 2 });
  await control('POST', `/shops/${SHOP}/faults`, { kind: '429', retry_after: 3 });
  await control('POST', `/shops/${SHOP}/faults`, { kind: '503', retry_after: 1 });
  await control('POST', `/shops/${SHOP}/faults`, { kind: '502' });
  await control('POST', `/shops/${SHOP}/faults`, { kind: '500' });
  for (let i = 0; i < 2; i++) {
    const r = await graphql(INSTALLATION);
    assert.equal(r.body.errors[0].extensions.code, 'THROTTLED');
    assert.equal(r.body.extensions.cost.throttleStatus.currentlyAvailable, 0);
  }
  const tooMany = await graphql(INSTALLATION);
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.headers.get('retry-after'), '3');
  const unavailable = await graphql(INSTALLATION);
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers.get('retry-after'), '1');
  assert.equal((await graphql(INSTALLATION)).status, 502);
  assert.equal((await graphql(INSTALLATION)).status, 500);
  clock += 10 * 1000;
  assert.equal((await graphql(INSTALLATION)).status, 200);

  // No answer: the client's own timeout is what ends the wait.
  await control('POST', `/shops/${SHOP}/faults`, { kind: 'hang', for_ms: 5000 });
  await assert.rejects(graphql(INSTALLATION, {}, { signal: AbortSignal.timeout(150) }), /abort|timeout/i);
  assert.equal((await graphql(INSTALLATION)).status, 200);

  // Down: connections closed without an answer until the stretch ends (on the test's clock).
  await control('POST', `/shops/${SHOP}/faults`, { kind: 'down', for_ms: 30 * 1000 });
  await assert.rejects(graphql(INSTALLATION));
  await assert.rejects(graphql(INSTALLATION));
  clock += 31 * 1000;
  assert.equal((await graphql(INSTALLATION)).status, 200);
  const bad = await control('POST', `/shops/${SHOP}/faults`, { kind: 'teapot' });
  assert.equal(bad.status, 400);
});

test('metafieldsSet checks every input, answers userErrors with elementIndex and writes nothing when one is wrong', async () => {
  const owner = await installationId();
  const good = { ownerId: owner, namespace: 'tiercart', key: 'program', type: 'json', value: '{"id":"p"}' };
  const wrong = await graphql(METAFIELDS_SET, {
    metafields: [
      good,
      { ownerId: owner, namespace: 'ab', key: 'k', type: 'json', value: '{' },
      { ownerId: owner, namespace: 'tiercart', key: 'context', value: '{}' },
      {
        ownerId: owner,
        namespace: 'tiercart',
        key: 'big',
        type: 'json',
        value: JSON.stringify('x'.repeat(128 * 1024)),
      },
      {
        ownerId: 'gid://shopify/Customer/1',
        namespace: 'tiercart',
        key: 'who',
        type: 'single_line_text_field',
        value: 'x',
      },
    ],
  });
  const errors = wrong.body.data.metafieldsSet.userErrors;
  const codes = errors.map((e) => [e.elementIndex, e.field.join('.'), e.code]);
  assert.deepEqual(codes, [
    [1, 'metafields.1.namespace', 'TOO_SHORT'],
    [1, 'metafields.1.key', 'TOO_SHORT'],
    [1, 'metafields.1.value', 'INVALID_VALUE'],
    [2, 'metafields.2.type', 'BLANK'],
    [3, 'metafields.3.value', 'LESS_THAN_OR_EQUAL_TO'],
    [4, 'metafields.4.ownerId', 'INVALID'],
  ]);
  assert.deepEqual(wrong.body.data.metafieldsSet.metafields, []);
  assert.equal((await control('GET', `/shops/${SHOP}/state`)).body.metafields[owner], undefined);

  const many = Array.from({ length: 26 }, (_, i) => ({ ...good, key: `k${i}` }));
  const tooMany = await graphql(METAFIELDS_SET, { metafields: many });
  assert.equal(tooMany.body.data.metafieldsSet.userErrors[0].code, 'LESS_THAN_OR_EQUAL_TO');
  const huge = await graphql(METAFIELDS_SET, { metafields: Array.from({ length: 251 }, () => good) });
  assert.equal(huge.body.errors[0].extensions.code, 'MAX_INPUT_SIZE_EXCEEDED');
  assert.equal(huge.body.data.metafieldsSet, null);

  const set = await graphql(METAFIELDS_SET, {
    metafields: [
      good,
      { ownerId: owner, namespace: '$app:tiercart', key: 'input_variables', type: 'json', value: '{}' },
    ],
  });
  const written = set.body.data.metafieldsSet.metafields;
  assert.deepEqual(set.body.data.metafieldsSet.userErrors, []);
  assert.deepEqual(
    written.map((m) => `${m.namespace}/${m.key}`),
    ['tiercart/program', `app--${CLIENT_ID}--tiercart/input_variables`],
  );
  // compareDigest: a write from a stale read is refused.
  const stale = await graphql(METAFIELDS_SET, {
    metafields: [{ ...good, value: '{"id":"q"}', compareDigest: 'not-the-digest' }],
  });
  assert.equal(stale.body.data.metafieldsSet.userErrors[0].code, 'STALE_OBJECT');
  const fresh = await graphql(METAFIELDS_SET, {
    metafields: [{ ...good, value: '{"id":"q"}', compareDigest: written[0].compareDigest }],
  });
  assert.equal(fresh.body.data.metafieldsSet.metafields[0].value, '{"id":"q"}');
  assert.deepEqual(api.api.records.appData(SHOP, 'tiercart', 'program'), { value: { id: 'q' } });
});

test('the app’s discount and validation: known function handles only, metafields on them, scopes checked', async () => {
  const create = `mutation Create($discount: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $discount) {
      automaticAppDiscount { discountId title status startsAt endsAt }
      userErrors { field message code }
    }
  }`;
  const discount = {
    title: 'tiercart rewards',
    functionHandle: 'tiercart-discount',
    startsAt: '2026-01-01T00:00:00Z',
    combinesWith: { orderDiscounts: true, productDiscounts: false, shippingDiscounts: true },
    discountClasses: ['PRODUCT', 'SHIPPING'],
    metafields: [{ namespace: '$app:tiercart', key: 'program', type: 'json', value: '{"id":"from-app"}' }],
  };
  const unknown = await graphql(create, { discount: { ...discount, functionHandle: 'no-such-function' } });
  assert.equal(unknown.body.data.discountAutomaticAppCreate.automaticAppDiscount, null);
  assert.deepEqual(unknown.body.data.discountAutomaticAppCreate.userErrors[0].field, [
    'automaticAppDiscount',
    'functionHandle',
  ]);
  const wrongApi = await graphql(create, { discount: { ...discount, functionHandle: 'tiercart-validation' } });
  assert.equal(wrongApi.body.data.discountAutomaticAppCreate.userErrors.length, 1);
  assert.equal(api.api.records.functionOwner(SHOP, { api: 'discount', handle: 'tiercart-discount' }), undefined);

  const made = await graphql(create, { discount });
  const payload = made.body.data.discountAutomaticAppCreate;
  assert.deepEqual(payload.userErrors, []);
  assert.match(payload.automaticAppDiscount.discountId, /^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/);
  assert.equal(payload.automaticAppDiscount.status, 'ACTIVE');
  assert.equal(payload.automaticAppDiscount.endsAt, null);
  // What the checkout's discount Function reads: the `$app:tiercart` program on its discount
  // (and no input variables: the app wrote none on it).
  assert.deepEqual(api.api.records.functionOwner(SHOP, { api: 'discount', handle: 'tiercart-discount' }), {
    active: true,
    value: '{"id":"from-app"}',
    discountClasses: ['PRODUCT', 'SHIPPING'],
    variables: null,
  });
  const deprecated = await graphql(create, { discount: { ...discount, functionHandle: null, functionId: 'abc' } });
  assert.match(deprecated.headers.get('x-shopify-api-deprecated-reason'), /functionId/);

  const validation = await graphql(`
    mutation {
      validationCreate(
        validation: {
          functionHandle: "tiercart-validation"
          enable: true
          title: "tiercart reward check"
          metafields: [{ namespace: "$app:tiercart", key: "program", type: "json", value: "{}" }]
        }
      ) {
        validation {
          id
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `);
  assert.match(validation.body.data.validationCreate.validation.id, /^gid:\/\/shopify\/Validation\/\d+$/);

  // A token without write_discounts: ACCESS_DENIED on the field, nothing created.
  await control('POST', '/tokens', { shop: SHOP, access_token: 'shpat_read_only', scope: 'read_orders' });
  const denied = await graphql(create, { discount }, { token: 'shpat_read_only' });
  assert.equal(denied.body.errors[0].extensions.code, 'ACCESS_DENIED');
  assert.deepEqual(denied.body.errors[0].path, ['discountAutomaticAppCreate']);
  assert.equal(denied.body.data.discountAutomaticAppCreate, null);
  assert.ok(ALL_SCOPES.includes('write_discounts'));
});

test('the shop’s time zone: shop.ianaTimezone, changed as the merchant changes it, an unknown one refused', async () => {
  const zone = async () => (await graphql('{ shop { ianaTimezone } }')).body.data.shop.ianaTimezone;
  assert.equal(await zone(), 'America/New_York');
  assert.equal((await control('POST', `/shops/${SHOP}/timezone`, { iana: 'Asia/Kolkata' })).status, 200);
  assert.equal(await zone(), 'Asia/Kolkata');
  const unknown = await control('POST', `/shops/${SHOP}/timezone`, { iana: 'Mars/Olympus_Mons' });
  assert.equal(unknown.status, 400);
  assert.equal(await zone(), 'Asia/Kolkata');
  await control('POST', `/shops/${SHOP}/timezone`, { iana: 'America/New_York' });
});

test('a discount the app scheduled or a validation it left off does not run at checkout', () => {
  const off = createCheckoutFunctions({ program: { id: 'file' }, appOwner: () => ({ active: false }) });
  const cart = {
    lines: [{ id: 'gid://shopify/CartLine/1' }],
    currency: 'USD',
    rate: '1.0',
    locale: 'en',
    country: 'US',
  };
  assert.deepEqual(off.lineDiscounts(cart), {});
  assert.equal(off.deliveryDiscount(cart), null);
  assert.deepEqual(off.validate(cart), []);
});

test('a Function sees its owner’s program metafield up to 10,000 bytes, null beyond', () => {
  const cart = { lines: [], currency: 'USD', rate: '1.0', locale: 'en', country: 'US', program: { id: 'file' } };
  assert.equal(functionInput(cart).discount.metafield.value, '{"id":"file"}');
  const small = functionInput({
    ...cart,
    appOwner: { active: true, value: '{"id":"app"}', discountClasses: ['PRODUCT'] },
  });
  assert.deepEqual(small.discount, { discountClasses: ['PRODUCT'], metafield: { value: '{"id":"app"}' } });
  const big = functionInput({ ...cart, appOwner: { active: true, value: `"${'x'.repeat(10000)}"` } });
  assert.equal(big.discount.metafield, null);
  const none = functionInput({ ...cart, owner: 'validation', appOwner: { active: true, value: null } });
  assert.deepEqual(none.validation, { metafield: null });
});

test('themes: the main theme’s settings_data.json after a Save in the theme editor, as Shopify’s editor writes it', async () => {
  const query = `{ themes(first: 1, roles: [MAIN]) { nodes { id name role files(filenames: ["config/settings_data.json", "assets/*"]) {
    nodes { filename body { ... on OnlineStoreThemeFileBodyText { content } ... on OnlineStoreThemeFileBodyBase64 { contentBase64 }
    ... on OnlineStoreThemeFileBodyUrl { url } } } } } } }`;
  const read = async () => {
    const theme = (await graphql(query)).body.data.themes.nodes[0];
    return { theme, files: Object.fromEntries(theme.files.nodes.map((f) => [f.filename, f.body])) };
  };
  const parseSettings = (content) => JSON.parse(content.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, ''));
  const before = await read();
  assert.equal(before.theme.role, 'MAIN');
  assert.ok(before.files['assets/logo.png'].contentBase64);
  assert.ok(before.files['assets/hero.jpg'].url);
  const initial = parseSettings(before.files['config/settings_data.json'].content);
  // The demo's merchant has the drawer embed on, with the products it suggests.
  const initialTiercart = Object.entries(initial.current.blocks).filter(([, b]) => b.type.includes('/apps/tiercart/'));
  assert.equal(initialTiercart.length, 1);
  const [drawerId, drawer] = initialTiercart[0];
  assert.match(drawer.type, /^shopify:\/\/apps\/tiercart\/blocks\/tiercart-embed\/[0-9a-f-]{36}$/);
  assert.equal(drawer.disabled, false);
  assert.equal(drawer.settings.suggestions.length, 5);

  // The editor's save route, on the records the API reads.
  const blocks = Object.fromEntries(
    ['tiercart-embed', 'tiercart-bar-2', 'tiercart-bar-3', 'tiercart-progress'].map((name) => [name, readBlock(name)]),
  );
  const editor = http.createServer((req, res) => {
    handleEditor(req, res, new URL(req.url, 'http://x'), {
      blocks,
      catalog: api.api.catalog,
      records: api.api.records,
      shop: SHOP,
      extensionRoot: path.join(root, 'theme-extension'),
      send: (rq, rs, status, body, type) => {
        rs.writeHead(status, { 'content-type': type });
        rs.end(body);
      },
      notFound: (rq, rs) => {
        rs.writeHead(404);
        rs.end();
      },
    });
  });
  await new Promise((resolve) => editor.listen(0, '127.0.0.1', resolve));
  const save = (state) =>
    fetch(`http://127.0.0.1:${editor.address().port}/__demo/editor/save`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(state),
    });
  try {
    const saved = await save({
      settings: {
        'tiercart-embed': {
          t1_threshold: '75',
          t1_gifts: ['canvas-tote-bag', 'no-such-product', 'steel-water-bottle'],
          collection: 'winter',
        },
        'tiercart-bar-2': { t1_threshold: '120' },
      },
      embeds: ['tiercart-bar-2'],
    });
    assert.equal(saved.status, 200);
    const content = (await read()).files['config/settings_data.json'].content;
    assert.match(content, /^\/\*[\s\S]*auto-generated[\s\S]*?\*\//);
    assert.match(content, /"shopify:\\\/\\\/apps\\\/tiercart\\\/blocks\\\/tiercart-embed\\\/[0-9a-f-]{36}"/);
    const data = parseSettings(content);
    const entries = Object.entries(data.current.blocks);
    for (const [id] of entries) assert.match(id, /^\d{19,}$/);
    const byHandle = Object.fromEntries(
      entries
        .map(([, b]) => [/^shopify:\/\/apps\/tiercart\/blocks\/([^/]+)\//.exec(b.type)?.[1], b])
        .filter(([h]) => h),
    );
    assert.deepEqual(Object.keys(byHandle).sort(), ['tiercart-bar-2', 'tiercart-embed']);
    assert.equal(byHandle['tiercart-embed'].disabled, false);
    assert.equal(data.current.blocks[drawerId], byHandle['tiercart-embed'], 'saved under the id it had');
    assert.equal(byHandle['tiercart-embed'].settings.t1_threshold, 75);
    assert.deepEqual(byHandle['tiercart-embed'].settings.t1_gifts, ['canvas-tote-bag', 'steel-water-bottle']);
    assert.equal(byHandle['tiercart-embed'].settings.collection, 'winter');
    assert.equal(byHandle['tiercart-bar-2'].settings.t1_threshold, 120);
    // The other app's embed is still there, untouched.
    assert.equal(entries.filter(([, b]) => b.type.includes('/apps/reviews-demo/')).length, 1);

    // Bar 2 turned off and saved again: its entry stays, disabled, under the same id.
    const bar2Id = entries.find(([, b]) => b.type.includes('/tiercart-bar-2/'))[0];
    assert.equal((await save({ settings: {}, embeds: [] })).status, 200);
    const again = parseSettings((await read()).files['config/settings_data.json'].content);
    assert.equal(again.current.blocks[bar2Id].disabled, true);
    assert.equal((await save([1, 2])).status, 400);
  } finally {
    await new Promise((resolve) => editor.close(resolve));
  }
});

test('tagsAdd: tags are a set; the admin’s order page lists the lines and the tags as text', async () => {
  const order = await newOrder();
  const first = await graphql(TAGS_ADD, { id: order.id, tags: ['tiercart-flagged', '<b>vip</b>, gift-check'] });
  assert.deepEqual(first.body.data.tagsAdd, { node: { id: order.id }, userErrors: [] });
  const second = await graphql(TAGS_ADD, { id: order.id, tags: 'tiercart-flagged' });
  assert.deepEqual(second.body.data.tagsAdd.userErrors, []);
  const read = await graphql('query($id: ID!) { order(id: $id) { id name tags } }', { id: order.id });
  assert.deepEqual(read.body.data.order.tags, ['tiercart-flagged', '<b>vip</b>', 'gift-check']);
  const state = (await control('GET', `/shops/${SHOP}/orders/${order.number}`)).body;
  assert.deepEqual(state.tags, ['tiercart-flagged', '<b>vip</b>', 'gift-check']);
  assert.equal(state.mutations, 2);
  assert.deepEqual(state.mutation_log, ['tagsAdd', 'tagsAdd']);
  const missing = await graphql(TAGS_ADD, { id: 'gid://shopify/Order/999999', tags: ['x'] });
  assert.equal(missing.body.data.tagsAdd.node, null);
  assert.deepEqual(missing.body.data.tagsAdd.userErrors[0].field, ['id']);

  const page = await fetch(`${api.url}/store/${SHOP}/admin/orders/${order.number}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html lang="en">/);
  assert.match(html, new RegExp(`<h1>Order ${order.name}</h1>`));
  assert.match(html, /Merino Crew Sweater/);
  assert.match(html, /<li>tiercart-flagged<\/li><li>&lt;b&gt;vip&lt;\/b&gt;<\/li><li>gift-check<\/li>/);
  assert.doesNotMatch(html, /<b>vip<\/b>/);
  assert.equal((await fetch(`${api.url}/store/${SHOP}/admin/orders/999999`)).status, 404);
});

test('the admin’s order page has no accessibility violations (axe-core in Chromium)', async () => {
  const order = await newOrder({ tags: ['tiercart-flagged'] });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${api.url}/store/${SHOP}/admin/orders/${order.number}`);
    assert.deepEqual(await page.locator('ul[aria-label=Tags] li').allTextContents(), ['tiercart-flagged']);
    await page.addScriptTag({
      content: fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'),
    });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, []);
  } finally {
    await browser.close();
  }
});

test('order edits: begin, add a variant, change a quantity, commit once; orderUpdate overwrites the address', async () => {
  const order = await newOrder();
  const begin = await graphql(
    `
      mutation ($id: ID!) {
        orderEditBegin(id: $id) {
          calculatedOrder {
            id
            lineItems(first: 10) {
              nodes {
                id
                quantity
              }
            }
          }
          orderEditSession {
            id
          }
          userErrors {
            field
            message
          }
        }
      }
    `,
    { id: order.id },
  );
  const calc = begin.body.data.orderEditBegin.calculatedOrder;
  assert.match(calc.id, /^gid:\/\/shopify\/CalculatedOrder\/\d+$/);
  assert.match(begin.body.data.orderEditBegin.orderEditSession.id, /^gid:\/\/shopify\/OrderEditSession\/\d+$/);
  const add = `mutation($id: ID!, $variantId: ID!, $quantity: Int!) {
    orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity) {
      calculatedLineItem { id quantity } calculatedOrder { id } userErrors { field message code } } }`;
  const added = await graphql(add, { id: calc.id, variantId: 'gid://shopify/ProductVariant/9001', quantity: 1 });
  assert.deepEqual(added.body.data.orderEditAddVariant.userErrors, []);
  const duplicate = await graphql(add, { id: calc.id, variantId: 'gid://shopify/ProductVariant/9001', quantity: 1 });
  assert.equal(duplicate.body.data.orderEditAddVariant.userErrors[0].code, 'DUPLICATE_VARIANT');
  const zero = await graphql(add, { id: calc.id, variantId: 'gid://shopify/ProductVariant/2001', quantity: 0 });
  assert.equal(zero.body.data.orderEditAddVariant.userErrors.length, 1);
  const setQuantity = await graphql(
    `
      mutation ($id: ID!, $line: ID!) {
        orderEditSetQuantity(id: $id, lineItemId: $line, quantity: 0) {
          calculatedLineItem {
            id
            quantity
          }
          userErrors {
            field
            message
          }
        }
      }
    `,
    { id: calc.id, line: calc.lineItems.nodes[1].id },
  );
  assert.equal(setQuantity.body.data.orderEditSetQuantity.calculatedLineItem.quantity, 0);
  const commit = `mutation($id: ID!) { orderEditCommit(id: $id, notifyCustomer: false, staffNote: "gift") {
    order { id lineItems(first: 10) { nodes { title quantity currentQuantity } } } successMessages userErrors { field message code } } }`;
  const committed = await graphql(commit, { id: calc.id });
  assert.deepEqual(committed.body.data.orderEditCommit.userErrors, []);
  assert.deepEqual(
    committed.body.data.orderEditCommit.order.lineItems.nodes.map((l) => [l.title, l.quantity, l.currentQuantity]),
    [
      ['Merino Crew Sweater', 1, 1],
      [order.line_items[1].title, 2, 0],
      ['Canvas Tote Bag', 1, 1],
    ],
  );
  const twice = await graphql(commit, { id: calc.id });
  assert.equal(twice.body.data.orderEditCommit.userErrors[0].code, 'ALREADY_COMMITTED');

  const update = await graphql(
    `
      mutation ($input: OrderInput!) {
        orderUpdate(input: $input) {
          order {
            id
            shippingAddress {
              address1
              city
              zip
              countryCodeV2
            }
          }
          userErrors {
            field
            message
          }
        }
      }
    `,
    {
      input: {
        id: order.id,
        shippingAddress: { address1: '1 Quay St', city: 'Bristol', zip: 'BS1 4DJ', countryCode: 'GB' },
      },
    },
  );
  assert.deepEqual(update.body.data.orderUpdate.order.shippingAddress, {
    address1: '1 Quay St',
    city: 'Bristol',
    zip: 'BS1 4DJ',
    countryCodeV2: 'GB',
  });
  const state = (await control('GET', `/shops/${SHOP}/orders/${order.number}`)).body;
  assert.equal(state.edits.length, 1);
  assert.equal(state.edits[0].staffNote, 'gift');
  assert.deepEqual(state.mutation_log, ['orderEditCommit', 'orderUpdate']);
});

test('standalone: `node demo/admin-api.mjs --port 0` prints the address it listens on and serves the API', async () => {
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'demo', 'admin-api.mjs'),
      '--port',
      '0',
      '--client-id',
      'cli-app',
      '--client-secret',
      'cli-secret',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    assert.ok(m, line);
    const base = m[1];
    const register = await fetch(`${base}/__demo/admin-api/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shop: SHOP, access_token: 'shpat_cli' }),
    });
    assert.equal(register.status, 200);
    const reply = await fetch(`${base}/store/${SHOP}/admin/api/${VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_cli' },
      body: JSON.stringify({ query: '{ currentAppInstallation { id } }' }),
    }).then((r) => r.json());
    assert.match(reply.data.currentAppInstallation.id, /AppInstallation/);
  } finally {
    child.kill('SIGTERM');
  }
});
