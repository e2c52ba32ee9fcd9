// The program the storefront and checkout get from the theme editor's settings is the core's
// conversion (theme_program) of the theme's config/settings_data.json, which the app's server
// publishes; the theme editor previews the same conversion, in wasm, of the settings the
// embeds render in design mode. Here, for many settings combinations: the saved file is
// converted by the native CLI (tiercart theme-program) and the wasm module (the same bytes),
// the embeds' design-mode document converts to the same program and notices (what the editor
// shows is what goes live once saved), every program is accepted by tiercart check-program and
// the wasm core, and evaluating carts against it gives what the settings mean
// (docs/theme-extension.md). The live blocks render only the published program.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { renderBlock, root, scriptData, translate } from './render.mjs';
import { editorSettingsData } from '../../web/tiercart-util.js';

const cli = path.join(root, 'build', 'bin', 'tiercart');
let core;

before(async () => {
  for (const file of [cli, path.join(root, 'theme-extension', 'assets', 'tiercart-core.wasm')]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run make build-native build-wasm`);
  }
  const assets = path.join(root, 'theme-extension', 'assets');
  const { createTiercart } = await import(path.join(assets, 'tiercart.js'));
  core = await createTiercart({ wasmBinary: fs.readFileSync(path.join(assets, 'tiercart-core.wasm')) });
});

const product = (id, title, variantId) => ({
  id,
  title,
  handle: `p-${id}`,
  selected_or_first_available_variant: { id: variantId },
});
const TOTE = product(8001, 'Canvas Tote Bag', 9001);
const SCARF = product(8003, 'Lambswool Scarf "Charcoal"', 9003);

// The theme editor's file: a comment header, slashes written \/, the embeds in
// current.blocks under generated ids, each {type: shopify://apps/<app>/blocks/<block>/<uuid>,
// disabled, settings}. A product_list setting holds product handles and a collection setting
// a handle; a field the merchant cleared is null (a key left out would be the schema's
// default, as for renderBlock). A bar embed that is off is written disabled, with a tier, and
// another app's block with our handle is there too: neither may count.
const SETTINGS_HEADER = `/*
 * IMPORTANT: The contents of this file are auto-generated.
 *
 * This file may be updated by the Shopify admin theme editor
 * or related systems. Please exercise caution as any changes
 * made to this file may be overwritten.
 */
`;

function settingsValue(value) {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((product) => product.handle);
  if (value && typeof value === 'object') return value.handle;
  return value;
}

function settingsData({ drawer = {}, bar2, bar3, currency = 'USD', locale = 'en' } = {}) {
  const blocks = {};
  const catalog = {};
  const add = (id, handle, settings, { disabled = false, app = 'tiercart' } = {}) => {
    const written = {};
    for (const [key, value] of Object.entries(settings)) {
      written[key] = settingsValue(value);
      if (!Array.isArray(value)) continue;
      for (const product of value) {
        catalog[product.handle] = {
          product_id: product.id,
          variant_id: product.selected_or_first_available_variant?.id ?? null,
          title: product.title,
        };
      }
    }
    const uuid = `0193a5c2-7d1e-7c4b-9f00-${String(id).padStart(12, '0').slice(-12)}`;
    blocks[id] = { type: `shopify://apps/${app}/blocks/${handle}/${uuid}`, disabled, settings: written };
  };
  add('8829104459307641243', 'tiercart-bar-3', { t1_threshold: 7 }, { app: 'other-rewards' });
  add('4417923160958187315', 'tiercart-embed', drawer);
  add('1275030127381651232', 'tiercart-bar-2', bar2 ?? { t1_threshold: 9 }, { disabled: !bar2 });
  add('6310492857261937004', 'tiercart-bar-3', bar3 ?? { t1_threshold: 11 }, { disabled: !bar3 });
  const file = { current: { color_scheme: 'scheme-1', blocks }, presets: { Default: {} } };
  const text = SETTINGS_HEADER + JSON.stringify(file, null, 2).replaceAll('/', '\\/');
  // The default texts as the Liquid's `t` gives them in the page's locale.
  const texts = {
    labels: Object.fromEntries(
      ['free_shipping', 'free_gift', 'gift_card'].map((k) => [k, translate(locale, `tiercart.rewards.${k}`)]),
    ),
    progress: translate(locale, 'tiercart.messages.progress', { remaining: '{{remaining}}', reward: '{{reward}}' }),
    unlocked: translate(locale, 'tiercart.messages.unlocked', { reward: '{{reward}}' }),
  };
  return { text, options: { currency, locale, catalog, texts } };
}

// The theme editor's preview of a combination: the embeds rendered in design mode (the drawer
// embed, and the bar embeds that are on) give their settings, gift catalog and the page's
// default texts; tiercart-preview.js's document of them, converted by the wasm core.
async function previewResult({ drawer = {}, bar2, bar3, currency = 'USD', locale = 'en' } = {}) {
  const options = { currency, locale, designMode: true };
  const html = await renderBlock('tiercart-embed', { settings: drawer, ...options });
  const entries = scriptData(html, 'data-tiercart-settings').map((d) => JSON.parse(d.text));
  for (const [n, settings] of [
    [2, bar2],
    [3, bar3],
  ]) {
    if (!settings) continue;
    const barHtml = await renderBlock(`tiercart-bar-${n}`, { settings, ...options });
    for (const d of scriptData(barHtml, 'data-tiercart-settings')) entries.push(JSON.parse(d.text));
  }
  const editor = JSON.parse(scriptData(html, 'data-tiercart-editor')[0].text);
  const { text, catalog } = editorSettingsData(entries);
  const result = core.themeProgram(text, {
    currency: editor.currency,
    locale: editor.locale,
    texts: editor.texts,
    catalog,
  });
  return { html, editor, result };
}

// What the storefront and checkout get once the settings are saved and synced: the saved
// file converted by the core (wasm here; the CLI in assertBuildsAgree).
async function themeProgram(combination = {}) {
  const settings = settingsData(combination);
  const result = core.themeProgram(settings.text, settings.options);
  return { program: result.storefront, result };
}

// A notice as the merchant reads it, without its path (the block ids of the saved file and of
// the preview's document differ).
const noticeKey = (n) => `${n.severity}:${n.code}:${n.bar}:${n.tier}`;

// Converts every case's saved file with the native CLI (one process: --batch) and the wasm
// module and holds the two to the same bytes; holds the preview's conversion of the embeds'
// design-mode document to the same programs and notices.
function assertBuildsAndPreviewAgree(cases) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-theme-'));
  try {
    const lines = cases.map(({ settings }, i) => {
      const data = path.join(dir, `settings-${i}.json`);
      const options = path.join(dir, `options-${i}.json`);
      fs.writeFileSync(data, settings.text);
      fs.writeFileSync(options, JSON.stringify(settings.options));
      return `${data} ${options}`;
    });
    fs.writeFileSync(path.join(dir, 'list'), `${lines.join('\n')}\n`);
    const run = spawnSync(cli, ['theme-program', '--batch', path.join(dir, 'list')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(run.status, 0, run.stderr);
    const native = run.stdout.split('\n').filter(Boolean);
    assert.equal(native.length, cases.length);
    cases.forEach(({ settings, preview, label }, i) => {
      const wasm = core.themeProgramJson(settings.text, JSON.stringify(settings.options));
      assert.equal(wasm, native[i], `native and wasm differ for ${label}`);
      const result = JSON.parse(native[i]);
      assert.deepEqual(preview.storefront, result.storefront, `${label}: the preview is not what goes live`);
      assert.deepEqual(preview.checkout, result.checkout, `${label}: the preview is not what checkout gets`);
      assert.deepEqual(preview.notices.map(noticeKey), result.notices.map(noticeKey), `${label}: notices`);
      if (result.storefront === null) {
        assert.equal(result.checkout, null);
      } else {
        assert.ok(Buffer.byteLength(JSON.stringify(result.checkout)) <= 10000, label);
        assert.ok(!JSON.stringify(result.checkout).includes('"texts"'), label);
      }
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cliCheck(program) {
  const run = spawnSync(cli, ['check-program', '-'], { input: JSON.stringify(program), encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : null, stderr: run.stderr };
}

function assertAccepted(program) {
  const native = cliCheck(program);
  assert.equal(
    native.status,
    0,
    `check-program refused it: ${native.stdout || native.stderr} ${JSON.stringify(program)}`,
  );
  assert.deepEqual(
    native.result.problems.filter((p) => p.severity === 'error'),
    [],
  );
  const wasm = core.checkProgram(JSON.stringify(program));
  assert.equal(wasm.ok, true, JSON.stringify(wasm));
}

// A cart.js document (cents convention). lines: {variant, product, price, quantity, discount}
function cart(currency, lines, cartDiscount = 0) {
  const items = lines.map((l, i) => {
    const quantity = l.quantity ?? 1;
    const original = l.price * quantity;
    return {
      key: `k${i}`,
      id: l.variant,
      variant_id: l.variant,
      product_id: l.product ?? l.variant,
      quantity,
      price: l.price,
      original_line_price: original,
      final_line_price: original,
      properties: l.properties || {},
    };
  });
  const doc = { currency, items };
  if (cartDiscount) doc.cart_level_discount_applications = [{ total_allocated_amount: cartDiscount }];
  return doc;
}

const evaluate = (program, cartDoc, context = {}) =>
  core.evaluate(JSON.stringify(program), cartDoc, { presentment_currency: cartDoc.currency, ...context });
const tier = (evaluation, id) => evaluation.bars.flatMap((b) => b.tiers).find((t) => t.id === id);

describe('money thresholds', () => {
  test('the default tier is free shipping at 50 in the shop currency: reached at 50.00, not at 49.99', async () => {
    const { program } = await themeProgram();
    assertAccepted(program);
    assert.equal(program.currency, 'USD');
    assert.deepEqual(
      program.bars[0].tiers.map((t) => [t.id, t.threshold, t.reward.type]),
      [['bar-1-tier-1', 5000, 'free_shipping']],
    );
    assert.equal(tier(evaluate(program, cart('USD', [{ variant: 1, price: 4999 }])), 'bar-1-tier-1').unlocked, false);
    assert.equal(tier(evaluate(program, cart('USD', [{ variant: 1, price: 5000 }])), 'bar-1-tier-1').unlocked, true);
  });

  test('decimals become minor units with integer arithmetic; extra decimals are cut, not rounded', async () => {
    const { program } = await themeProgram({
      drawer: { t1_threshold: 49.99, t2_threshold: '50.5', t3_threshold: '60.999', t4_threshold: 0.1 + 0.2 + 70 },
    });
    assert.deepEqual(
      program.bars[0].tiers.map((t) => t.threshold),
      [4999, 5050, 6099, 7030],
    );
    assertAccepted(program);
  });

  test('a zero-decimal shop currency (JPY) keeps whole yen; a three-decimal one (KWD) gets 1000 per unit', async () => {
    const yen = (
      await themeProgram({
        currency: 'JPY',
        moneyFormat: '¥{{amount_no_decimals}}',
        drawer: { t1_threshold: 5000, t2_threshold: '7500.5' },
      })
    ).program;
    assert.deepEqual(
      yen.bars[0].tiers.map((t) => t.threshold),
      [5000, 7500],
    );
    assertAccepted(yen);
    // cart.js writes ¥5,000 as 500000 (cents convention).
    assert.equal(tier(evaluate(yen, cart('JPY', [{ variant: 1, price: 500000 }])), 'bar-1-tier-1').unlocked, true);
    assert.equal(tier(evaluate(yen, cart('JPY', [{ variant: 1, price: 499900 }])), 'bar-1-tier-1').unlocked, false);
    const dinar = (await themeProgram({ currency: 'KWD', drawer: { t1_threshold: '1.5' } })).program;
    assert.deepEqual(
      dinar.bars[0].tiers.map((t) => t.threshold),
      [1500],
    );
    assertAccepted(dinar);
  });

  test('a gift card amount is converted the same way and reported by the evaluation', async () => {
    const { program } = await themeProgram({ drawer: { t1_threshold: 100, t1_reward: 'gift_card', t1_amount: 12.5 } });
    assert.deepEqual(program.bars[0].tiers[0].reward, { type: 'gift_card', amount: 1250 });
    assertAccepted(program);
    const evaluation = evaluate(program, cart('USD', [{ variant: 1, price: 10000 }]));
    assert.deepEqual(
      evaluation.rewards.map((r) => [r.tier, r.type]),
      [['bar-1-tier-1', 'gift_card']],
    );
  });
});

describe('rewards, scope and basis', () => {
  test('a free gift tier offers the picked products; reaching it adds the gift line the core names', async () => {
    const { program } = await themeProgram({ drawer: { t2_threshold: 100, t2_reward: 'free_gift', t2_gifts: [TOTE] } });
    assertAccepted(program);
    assert.deepEqual(program.bars[0].tiers[1].reward.gifts, [
      { variant_id: 9001, product_id: 8001, title: 'Canvas Tote Bag' },
    ]);
    assert.equal(program.bars[0].tiers[1].texts.en.label, 'Canvas Tote Bag');
    const below = evaluate(program, cart('USD', [{ variant: 1, price: 9999 }]));
    assert.deepEqual(below.actions, []);
    const reached = evaluate(program, cart('USD', [{ variant: 1, price: 10000 }]));
    assert.deepEqual(
      reached.actions.map((a) => [a.type, a.variant_id]),
      [['add', 9001]],
    );
    assert.equal(reached.actions[0].properties._tiercart, 'theme-settings@1:bar-1-tier-2');
  });

  test('two gift products: the shopper chooses one (generic label)', async () => {
    const { program } = await themeProgram({ drawer: { t1_reward: 'free_gift', t1_gifts: [TOTE, SCARF] } });
    assertAccepted(program);
    const reward = program.bars[0].tiers[0].reward;
    assert.equal(reward.choose, 1);
    assert.equal(reward.gifts[1].title, 'Lambswool Scarf "Charcoal"');
    assert.equal(program.bars[0].tiers[0].texts.en.label, 'a free gift');
  });

  test('bars 2 and 3 come from their own embeds and count on their own (items, after bar 1)', async () => {
    const { program } = await themeProgram({
      bar2: { metric: 'quantity', t1_threshold: 3, t2_threshold: '5.9' },
      bar3: { t1_threshold: 200, t1_reward: 'gift_card', t1_amount: 20 },
    });
    assertAccepted(program);
    assert.deepEqual(
      program.bars.map((b) => b.id),
      ['bar-1', 'bar-2', 'bar-3'],
    );
    assert.deepEqual(
      program.bars[1].tiers.map((t) => t.threshold),
      [3, 5],
    );
    const evaluation = evaluate(program, cart('USD', [{ variant: 1, price: 1000, quantity: 3 }]));
    assert.equal(tier(evaluation, 'bar-2-tier-1').unlocked, true);
    assert.equal(tier(evaluation, 'bar-2-tier-2').unlocked, false);
    assert.equal(tier(evaluation, 'bar-1-tier-1').unlocked, false); // $30.00 of $50.00
  });

  test('excluding a collection: its products do not count toward the bar', async () => {
    const { program } = await themeProgram({
      drawer: { scope: 'exclude', collection: { handle: 'winter', title: 'Winter' } },
    });
    assertAccepted(program);
    assert.deepEqual(program.bars[0].scope, { exclude: { collections: ['winter'] } });
    const context = { products: { 11: { collections: ['winter'] }, 12: { collections: ['camp'] } } };
    const lines = [
      { variant: 1, product: 11, price: 6000 },
      { variant: 2, product: 12, price: 2000 },
    ];
    assert.equal(evaluate(program, cart('USD', lines), context).bars[0].qualifying, 2000);
    const only = (
      await themeProgram({ drawer: { scope: 'include', collection: { handle: 'winter', title: 'Winter' } } })
    ).program;
    assert.equal(evaluate(only, cart('USD', lines), context).bars[0].qualifying, 6000);
  });

  test('before discounts keeps a tier a discount code would take away after discounts', async () => {
    const discounted = cart('USD', [{ variant: 1, price: 5500 }], 1000);
    const after = (await themeProgram()).program;
    const beforeDiscounts = (await themeProgram({ drawer: { basis: 'before_discounts' } })).program;
    assert.equal(beforeDiscounts.basis, 'before_discounts');
    assert.equal(tier(evaluate(after, discounted), 'bar-1-tier-1').unlocked, false);
    assert.equal(tier(evaluate(beforeDiscounts, discounted), 'bar-1-tier-1').unlocked, true);
  });
});

describe('texts and escaping', () => {
  test('merchant text is JSON-escaped: quotes, backslashes and </script> survive as text', async () => {
    const message = 'Only {{remaining}} to "{{reward}}" \\ </script><b>now</b> & more';
    const combination = { drawer: { t1_message: message, complete: '</script>done' } };
    const { program } = await themeProgram(combination);
    // The preview's document carries the merchant's text inside a <script> element.
    const { html, result } = await previewResult(combination);
    assert.deepEqual(result.storefront, program);
    assertAccepted(program);
    assert.equal(program.bars[0].tiers[0].texts.en.progress, message);
    assert.equal(program.bars[0].complete.en, '</script>done');
    assert.ok(!/<\/script><b>/.test(html), 'merchant text closed the script element');
    const evaluation = evaluate(program, cart('USD', [{ variant: 1, price: 1000 }]));
    assert.equal(evaluation.bars[0].message, 'Only $40.00 to "free shipping" \\ </script><b>now</b> & more');
  });

  test('default messages and labels come from the locale of the page, in five languages', async () => {
    const expected = {
      en: 'free shipping',
      fr: 'la livraison gratuite',
      de: 'kostenlosen Versand',
      es: 'el envío gratis',
      ja: '送料無料',
    };
    for (const [locale, label] of Object.entries(expected)) {
      // The texts as the page's `t` gives them to the preview, and as the server reads them.
      const { html, result } = await previewResult({ locale });
      const program = result.storefront;
      assert.deepEqual(program, (await themeProgram({ locale })).program);
      assertAccepted(program);
      assert.equal(program.default_locale, locale);
      assert.equal(program.bars[0].tiers[0].texts[locale].label, label);
      const strings = JSON.parse(scriptData(html, 'data-tiercart-strings')[0].text);
      assert.ok(strings.title && !strings.title.startsWith('translation missing'), locale);
      const evaluation = evaluate(program, cart('USD', [{ variant: 1, price: 1000 }]), { locale });
      assert.ok(
        evaluation.bars[0].message.includes('$40.00') && evaluation.bars[0].message.includes(label),
        evaluation.bars[0].message,
      );
    }
  });
});

describe('precedence, editor and appearance', () => {
  test('the storefront draws the published program as it is; the bar embeds render nothing live', async () => {
    const published = JSON.parse(
      fs.readFileSync(path.join(root, 'examples', 'programs', 'free-shipping-and-tote.json'), 'utf8'),
    );
    const html = await renderBlock('tiercart-embed', { app: { program: published }, settings: { t1_threshold: 5 } });
    assert.deepEqual(JSON.parse(scriptData(html, 'data-tiercart-program')[0].text), published);
    assert.ok(!html.includes('data-tiercart-editor') && !html.includes('tiercart-preview.js'), 'editor markup live');
    for (const name of ['tiercart-bar-2', 'tiercart-bar-3']) {
      assert.equal((await renderBlock(name, { settings: { t1_threshold: 10 } })).trim(), '', name);
    }
  });

  test('no published program: no bars (null), and the drawer knows where to ask the app to sync', async () => {
    const html = await renderBlock('tiercart-embed', { settings: { t1_threshold: 80 } });
    assert.equal(JSON.parse(scriptData(html, 'data-tiercart-program')[0].text), null);
    assert.match(html, /data-sync-url="\/apps\/tiercart\/sync"/);
    // The settings are the server's to convert: nothing of them is in the live page.
    assert.ok(!html.includes('8000') && !html.includes('t1_threshold'));
  });

  test("the editor's catalog: a sold-out gift has no variant (the tier is left out), a product named twice is listed once", async () => {
    const soldOut = { ...SCARF, selected_or_first_available_variant: { id: 9003, available: false } };
    const drawer = {
      t1_reward: 'free_gift',
      t1_gifts: [soldOut],
      t2_threshold: 100,
      t2_reward: 'free_gift',
      t2_gifts: [TOTE, soldOut],
    };
    const { html, result } = await previewResult({ drawer });
    const [entry] = scriptData(html, 'data-tiercart-settings').map((d) => JSON.parse(d.text));
    assert.deepEqual(entry.catalog, {
      [SCARF.handle]: { product_id: 8003, variant_id: null, title: 'Lambswool Scarf "Charcoal"' },
      [TOTE.handle]: { product_id: 8001, variant_id: 9001, title: 'Canvas Tote Bag' },
    });
    assert.deepEqual(entry.block.settings.t2_gifts, [TOTE.handle, SCARF.handle]);
    assert.deepEqual(
      result.notices.map((n) => [n.code, n.tier]),
      [['no_gifts', 1]],
    );
    assert.deepEqual(result.storefront.bars[0].tiers[0].reward.gifts, [
      { variant_id: 9001, product_id: 8001, title: 'Canvas Tote Bag' },
    ]);
  });

  test('tiers left out: the core says why, and the theme editor has the words for each notice', async () => {
    const drawer = { t1_threshold: 80, t2_threshold: 60, t3_threshold: 90, t3_reward: 'free_gift', t4_threshold: -5 };
    const { program } = await themeProgram({ drawer });
    assertAccepted(program);
    assert.deepEqual(
      program.bars[0].tiers.map((t) => t.id),
      ['bar-1-tier-1'],
    );
    const { html, editor, result } = await previewResult({ drawer });
    assert.deepEqual(
      result.notices.map((n) => [n.code, n.tier]),
      [
        ['not_ascending', 2],
        ['no_gifts', 3],
        ['bad_threshold', 4],
      ],
    );
    for (const code of ['not_ascending', 'no_gifts', 'bad_threshold', 'no_amount', 'no_collection', 'app_program']) {
      assert.ok(editor.strings[code]?.startsWith('tiercart'), code);
    }
    assert.match(editor.strings.goes_live, /save/);
    assert.match(html, /<script type="module" src="[^"]*tiercart-preview\.js"><\/script>/);
  });

  test('a bar with no usable tier: the drawer gets no program rather than an invalid one', async () => {
    const { program } = await themeProgram({ drawer: { t1_threshold: '' } });
    assert.equal(program, null);
    const { program: fromBar2 } = await themeProgram({ drawer: { t1_threshold: '' }, bar2: { t1_threshold: 30 } });
    assert.deepEqual(
      fromBar2.bars.map((b) => b.id),
      ['bar-2'],
    );
    assertAccepted(fromBar2);
  });

  test('appearance: colours as custom properties, left side, opening on the cart icon only', async () => {
    const html = await renderBlock('tiercart-embed', {
      settings: { position: 'left', open_on: 'icon', accent_color: '#ff0000' },
    });
    assert.match(html, /data-open-on-add="false"/);
    assert.match(html, /--tiercart-accent: #ff0000;/);
    assert.match(html, /#tiercart-drawer \.tiercart-dialog \{ inset: 0 auto 0 0;/);
    assert.match(await renderBlock('tiercart-progress'), /data-bar=""/);
    const inline = await renderBlock('tiercart-progress', { settings: { bar: 'bar-2', height: 96 } });
    assert.match(inline, /data-bar="bar-2"/);
    assert.match(inline, /min-height: 96px;/);
  });

  test('the context from Liquid describes the products in the cart for collection scopes', async () => {
    const liquidCart = {
      currency: { iso_code: 'USD' },
      items: [
        { product_id: 11, product: { collections: [{ handle: 'winter' }], tags: ['wool'], type: 'Sweater' } },
        { product_id: 11, product: { collections: [{ handle: 'winter' }], tags: [], type: '' } },
      ],
    };
    const html = await renderBlock('tiercart-embed', { cart: liquidCart });
    const context = JSON.parse(scriptData(html, 'data-tiercart-context')[0].text);
    assert.deepEqual(context, {
      shop_currency: 'USD',
      cart_amounts: 'cents',
      money_format: '${{amount}}',
      country: 'US',
      locale: 'en',
      products: { 11: { collections: ['winter'], tags: ['wool'], product_type: 'Sweater' } },
      variants: {},
    });
    assert.deepEqual(scriptData(html, 'data-tiercart-facts'), []);
  });

  test('the context describes the program gifts the app named and the suggested products, priced by this request', async () => {
    const variant = (id, title, price, stock) => ({
      id,
      title,
      price,
      image: null,
      inventory_management: stock === undefined ? null : 'shopify',
      inventory_policy: 'deny',
      inventory_quantity: stock ?? 0,
    });
    // Two variants, one of them a gift of the program; stock tracked; priced in euro cents.
    const tote = {
      id: 8001,
      handle: 'canvas-tote',
      title: 'Canvas Tote',
      has_only_default_variant: false,
      featured_image: '/images/tote.png',
      variants: [variant(9001, 'Natural', 2300, 4), variant(9002, 'Black', 2300, 0)],
    };
    // Stock not tracked, no image: always available, shown without a picture.
    const balm = {
      id: 1014,
      handle: 'cedar-lip-balm',
      title: 'Cedar Lip Balm',
      has_only_default_variant: true,
      variants: [variant(2022, 'Default Title', 552)],
    };
    balm.selected_or_first_available_variant = balm.variants[0];
    const program = {
      id: 'theme-settings',
      version: 3,
      bars: [{ tiers: [{ reward: { type: 'free_gift', gifts: [{ variant_id: 9001, product_id: 8001 }] } }] }],
    };
    const facts = {
      program: { id: 'theme-settings', version: 3 },
      gift_products: ['canvas-tote', 'deleted-since'],
      products: { 1003: { collections: ['winter'], tags: [], product_type: 'Hat' } },
    };
    const html = await renderBlock('tiercart-embed', {
      cart: { currency: { iso_code: 'EUR' }, items: [] },
      app: { program, context: facts },
      settings: { suggestions: [balm] },
      allProducts: { 'canvas-tote': tote, 'cedar-lip-balm': balm },
    });
    const context = JSON.parse(scriptData(html, 'data-tiercart-context')[0].text);
    assert.deepEqual(context.variants, {
      9001: { product_id: 8001, title: 'Canvas Tote - Natural', price: 2300, image: '/images/tote.png', available: 4 },
      2022: { product_id: 1014, title: 'Cedar Lip Balm', price: 552 },
    });
    assert.deepEqual(context.offer_candidates, [2022]);
    // A euro cart: the shop's dollar format is not the shopper's, the core picks the euro's.
    assert.equal(context.money_format, undefined);
    assert.deepEqual(JSON.parse(scriptData(html, 'data-tiercart-facts')[0].text), {
      products: facts.products,
      theme_checkout: null,
    });
    // Without the digest of the settings the app read, the live page renders no settings.
    assert.deepEqual(scriptData(html, 'data-tiercart-settings'), []);
  });

  test('live, with the digest of the theme settings the app read: every embed renders its saved settings for the drawer to compare', async () => {
    const app = { context: { gift_products: [], products: {}, theme_checkout: 'ab12' } };
    const html = await renderBlock('tiercart-embed', { app, settings: { t1_threshold: 40 } });
    const [entry] = scriptData(html, 'data-tiercart-settings').map((d) => JSON.parse(d.text));
    assert.equal(entry.block.settings.t1_threshold, 40);
    assert.equal(JSON.parse(scriptData(html, 'data-tiercart-facts')[0].text).theme_checkout, 'ab12');
    const bar = await renderBlock('tiercart-bar-2', { app, settings: { t1_threshold: 10 } });
    assert.equal(JSON.parse(scriptData(bar, 'data-tiercart-settings')[0].text).block.settings.t1_threshold, 10);
  });
});

// A small seeded generator: the same combinations on every run.
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('every settings combination gives a program both builds accept (300 seeded combinations)', async () => {
  const rand = random(20261122);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const thresholds = [
    undefined,
    '',
    0,
    -5,
    'abc',
    1,
    10,
    10,
    25.5,
    49.99,
    99.999,
    100,
    250,
    1000000,
    1000001,
    1e13,
    '12.3.4',
  ];
  const barSettings = () => {
    const s = {
      metric: pick(['spend', 'quantity']),
      scope: pick(['all', 'include', 'exclude']),
      collection: pick([undefined, { handle: 'winter', title: 'Winter' }]),
      complete: pick(['', 'Done "all" </script>']),
    };
    for (let n = 1; n <= 4; n++) {
      s[`t${n}_threshold`] = pick(thresholds);
      s[`t${n}_reward`] = pick(['free_shipping', 'free_gift', 'gift_card']);
      s[`t${n}_gifts`] = pick([[], [TOTE], [TOTE, SCARF]]);
      s[`t${n}_amount`] = pick([undefined, 0, 5, 12.34, -1]);
      s[`t${n}_message`] = pick(['', 'Go {{remaining}} \\ "x"', '<img src=x onerror=alert(1)>']);
      s[`t${n}_countries`] = pick(['', 'CA:150', 'ca:75, AU:120.5', 'GB:x, FR:1e3, CA:2']);
    }
    return s;
  };
  let programs = 0;
  const conversions = [];
  for (let i = 0; i < 300; i++) {
    const currency = pick(['USD', 'JPY', 'KWD', 'EUR']);
    const combination = {
      currency,
      locale: pick(['en', 'fr', 'ja']),
      drawer: { ...barSettings(), basis: pick(['after_discounts', 'before_discounts']) },
      bar2: rand() < 0.5 ? barSettings() : undefined,
      bar3: rand() < 0.3 ? barSettings() : undefined,
    };
    const { program } = await themeProgram(combination);
    const { result: preview } = await previewResult(combination);
    conversions.push({ settings: settingsData(combination), preview, label: `combination ${i}` });
    if (program === null) continue;
    programs += 1;
    // The wasm core for every one, the native CLI for one in ten (a process each).
    const wasm = core.checkProgram(JSON.stringify(program));
    assert.equal(wasm.ok, true, `${JSON.stringify(wasm)} for ${JSON.stringify(program)}`);
    if (i % 10 === 0) assertAccepted(program);
    for (const bar of program.bars) {
      const limit = bar.metric === 'quantity' ? 1e6 : 1e15;
      let previous = 0;
      for (const t of bar.tiers) {
        assert.ok(Number.isInteger(t.threshold) && t.threshold > previous && t.threshold <= limit, JSON.stringify(bar));
        previous = t.threshold;
      }
    }
    evaluate(program, cart(currency, [{ variant: 1, price: 123456, quantity: 2 }]));
  }
  assert.ok(programs > 150, `only ${programs} combinations gave a program`);
  // Both builds give the same bytes; the editor's preview gives the same programs and notices.
  assertBuildsAndPreviewAgree(conversions);
});

test('named cases: both builds give the same bytes, and the preview what goes live', async () => {
  const cases = [
    ['defaults (tier 1 at the schema default)', {}],
    ['nothing usable', { drawer: { t1_threshold: '' } }],
    ['bar 2 only', { drawer: { t1_threshold: '' }, bar2: { t1_threshold: 30 } }],
    [
      'gift, two gifts, gift card',
      {
        drawer: {
          t1_reward: 'free_gift',
          t1_gifts: [TOTE],
          t2_threshold: 100,
          t2_reward: 'free_gift',
          t2_gifts: [TOTE, SCARF],
          t3_threshold: 150,
          t3_reward: 'gift_card',
          t3_amount: 12.5,
        },
      },
    ],
    [
      'JPY and a quantity bar',
      { currency: 'JPY', drawer: { t1_threshold: '7500.5' }, bar2: { metric: 'quantity', t1_threshold: '5.9' } },
    ],
    [
      'KWD in French, scope and complete',
      {
        currency: 'KWD',
        locale: 'fr',
        drawer: { t1_threshold: '1.5', scope: 'exclude', collection: { handle: 'winter' }, complete: '</script>Fini' },
      },
    ],
    [
      'left out tiers',
      { drawer: { t1_threshold: 80, t2_threshold: 60, t3_threshold: 90, t3_reward: 'free_gift', t4_threshold: -5 } },
    ],
  ];
  const conversions = [];
  for (const [label, combination] of cases) {
    conversions.push({
      settings: settingsData(combination),
      preview: (await previewResult(combination)).result,
      label,
    });
  }
  assertBuildsAndPreviewAgree(conversions);
});
