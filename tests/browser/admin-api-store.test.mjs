// The demo store with its Admin API stand-in wired in (demo/server.mjs): what the app writes
// through /store/{shop}/admin/api/... is what the storefront, the theme and the store's admin
// show. Plain HTTP against one store: no browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../../demo/server.mjs';
import { launch, root } from './helpers.mjs';

const SHOP = 'northbound-supply.myshopify.com';
const TOKEN = 'shpat_store_test';
let store;
let base;

before(async () => {
  store = await startServer({ port: 0 });
  base = store.url.replace(/\/$/, '');
  const res = await post('/__demo/admin-api/tokens', { shop: SHOP, access_token: TOKEN, client_id: 'store-test-app' });
  assert.equal(res.status, 200);
});
after(() => store.close());

const post = (route, body) =>
  fetch(base + route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function graphql(query, variables = {}) {
  const res = await fetch(`${base}/store/${SHOP}/admin/api/2026-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(res.status, 200);
  return res.json();
}

// The program the drawer embed hands the drawer, as rendered on the home page.
async function renderedProgram() {
  const html = await (await fetch(`${base}/`)).text();
  const json = /<script type="application\/json" data-tiercart-program>([\s\S]*?)<\/script>/.exec(html)[1];
  return JSON.parse(json);
}

test('the blocks read the program the app set on its installation (tiercart.program), the demo’s file before that', async () => {
  const file = JSON.parse(fs.readFileSync(path.join(root, 'demo', 'program.json'), 'utf8'));
  assert.equal((await renderedProgram()).id, file.id);
  const installation = (await graphql('{ currentAppInstallation { id } }')).data.currentAppInstallation.id;
  const published = { ...file, id: 'published-by-the-app' };
  const set = await graphql(
    `
      mutation ($m: [MetafieldsSetInput!]!) {
        metafieldsSet(metafields: $m) {
          userErrors {
            field
            message
          }
        }
      }
    `,
    {
      m: [
        {
          ownerId: installation,
          namespace: 'tiercart',
          key: 'program',
          type: 'json',
          value: JSON.stringify(published),
        },
      ],
    },
  );
  assert.deepEqual(set.data.metafieldsSet.userErrors, []);
  assert.equal((await renderedProgram()).id, 'published-by-the-app');
});

test('Save in the theme editor writes the main theme’s settings_data.json the app reads through themes', async () => {
  const editor = await (await fetch(`${base}/__demo/editor`)).text();
  assert.match(editor, /<button type="submit">Save<\/button>/);
  const saved = await post('/__demo/editor/save', {
    settings: { 'tiercart-embed': { t1_threshold: '60', t1_gifts: ['canvas-tote-bag'] } },
    embeds: ['tiercart-bar-3'],
  });
  assert.equal(saved.status, 200);
  const reply = await graphql(`
    {
      themes(first: 1, roles: [MAIN]) {
        nodes {
          files(filenames: ["config/settings_data.json"]) {
            nodes {
              body {
                ... on OnlineStoreThemeFileBodyText {
                  content
                }
              }
            }
          }
        }
      }
    }
  `);
  const content = reply.data.themes.nodes[0].files.nodes[0].body.content;
  assert.match(content, /^\/\*[\s\S]*?auto-generated[\s\S]*?\*\//);
  const blocks = Object.values(JSON.parse(content.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '')).current.blocks);
  const mine = blocks.filter((b) => b.type.startsWith('shopify://apps/tiercart/blocks/'));
  assert.deepEqual(mine.map((b) => b.type.split('/')[5]).sort(), ['tiercart-bar-3', 'tiercart-embed']);
  const embed = mine.find((b) => b.type.includes('/tiercart-embed/'));
  assert.equal(embed.settings.t1_threshold, 60);
  assert.deepEqual(embed.settings.t1_gifts, ['canvas-tote-bag']);
});

test('the editor’s Save button, as a merchant uses it, writes what the form holds', async () => {
  const browser = await launch();
  try {
    const page = browser.context.pages()[0] || (await browser.context.newPage());
    await page.goto(`${base}/__demo/editor`);
    await page.fill('#f-tiercart-embed-t1_threshold', '65');
    await page.click('details[data-block="tiercart-bar-2"] summary');
    await page.check('#embed-tiercart-bar-2');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Saved');
    const reply = await graphql(`
      {
        themes(first: 1, roles: [MAIN]) {
          nodes {
            files(filenames: ["config/settings_data.json"]) {
              nodes {
                body {
                  ... on OnlineStoreThemeFileBodyText {
                    content
                  }
                }
              }
            }
          }
        }
      }
    `);
    const content = reply.data.themes.nodes[0].files.nodes[0].body.content;
    const blocks = Object.values(JSON.parse(content.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, '')).current.blocks);
    const embed = blocks.find((b) => b.type.startsWith('shopify://apps/tiercart/blocks/tiercart-embed/'));
    assert.equal(embed.settings.t1_threshold, 65);
    const bar2 = blocks.find((b) => b.type.startsWith('shopify://apps/tiercart/blocks/tiercart-bar-2/'));
    assert.equal(bar2.disabled, false);
  } finally {
    await browser.close();
  }
});

test('the store’s admin shows an order’s lines and the tags the app added, as text', async () => {
  const order = await (
    await post(`/__demo/admin-api/shops/${SHOP}/orders`, { line_items: [{ variant_id: 2001, quantity: 2 }] })
  ).json();
  const tagged = await graphql(
    `
      mutation ($id: ID!) {
        tagsAdd(id: $id, tags: ["tiercart-checked", "<img src=x onerror=alert(1)>"]) {
          userErrors {
            message
          }
        }
      }
    `,
    { id: order.id },
  );
  assert.deepEqual(tagged.data.tagsAdd.userErrors, []);
  const html = await (await fetch(`${base}/store/${SHOP}/admin/orders/${order.number}`)).text();
  assert.match(html, /Merino Crew Sweater/);
  assert.match(html, /<li>tiercart-checked<\/li><li>&lt;img src=x onerror=alert\(1\)&gt;<\/li>/);
  assert.doesNotMatch(html, /<img/);
});
