// The theme extension as Shopify takes it: Shopify's own theme-check (@shopify/theme-check-node,
// the app-extension checks) finds nothing, the JavaScript a block schema references stays within
// 10,000 bytes gzipped, and the platform's limits on files, locales and settings hold.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { check } from '@shopify/theme-check-node';
import { blockFiles, extension, readBlock } from './render.mjs';
import { sizes, totalBytes } from './asset-sizes.mjs';

const REQUIRED_LANGUAGES = ['en', 'fr', 'de', 'es', 'ja'];
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const localeFiles = () => fs.readdirSync(path.join(extension, 'locales'));

function leaves(node, prefix = '') {
  return Object.entries(node).flatMap(([key, value]) =>
    value && typeof value === 'object' ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function assetsBuilt() {
  for (const name of ['tiercart-loader.js', 'tiercart-preview.js', 'tiercart-core.wasm']) {
    if (!fs.existsSync(path.join(extension, 'assets', name)))
      throw new Error(`theme-extension/assets/${name} is missing: run make build-wasm build-web`);
  }
}

test('theme-check (app extension checks) reports nothing: no error, no warning', async () => {
  assetsBuilt();
  const offenses = await check(extension);
  const shown = offenses.map(
    (o) =>
      `${o.severity === 0 ? 'error' : 'warning'} ${o.check} ${o.uri.split('/theme-extension/')[1]}:${o.start?.line}: ${o.message}`,
  );
  assert.deepEqual(shown, []);
});

test('theme-check does fail an extension whose block script is over 10,000 bytes gzipped', async () => {
  assetsBuilt();
  // A copy with a 30 KB incompressible script referenced by the inline block's schema.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-extension-'));
  try {
    fs.cpSync(extension, copy, { recursive: true });
    fs.writeFileSync(
      path.join(copy, 'assets', 'tiercart-heavy.js'),
      `// ${crypto.randomBytes(15000).toString('hex')}\n`,
    );
    const block = path.join(copy, 'blocks', 'tiercart-progress.liquid');
    fs.writeFileSync(
      block,
      fs.readFileSync(block, 'utf8').replace('"javascript": "tiercart-loader.js"', '"javascript": "tiercart-heavy.js"'),
    );
    const offenses = await check(copy);
    const errors = offenses.filter((o) => o.severity === 0).map((o) => o.check);
    assert.deepEqual(errors, ['AssetSizeAppBlockJavaScript']);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('the JavaScript referenced by each block schema is at most 10,000 bytes gzipped', () => {
  assetsBuilt();
  const bySize = Object.fromEntries(sizes().map((s) => [s.name, s]));
  const referenced = new Set(
    blockFiles().flatMap((file) => [readBlock(file.replace(/\.liquid$/, '')).schema.javascript].flat().filter(Boolean)),
  );
  assert.deepEqual([...referenced], ['tiercart-loader.js']);
  for (const name of referenced) {
    // Default gzip level: a little larger than level 9, so the budget is not flattered.
    const gzip = zlib.gzipSync(fs.readFileSync(path.join(extension, 'assets', name))).length;
    assert.ok(gzip <= 10000, `${name}: ${gzip} bytes gzipped`);
    assert.ok(bySize[name].gzip <= gzip);
  }
});

test('the drawer asset is one module: both elements bundled in, no import of another file at load', () => {
  assetsBuilt();
  const drawer = fs.readFileSync(path.join(extension, 'assets', 'tiercart-drawer.js'), 'utf8');
  for (const element of ['tiercart-drawer', 'tiercart-progress'])
    assert.match(drawer, new RegExp(`customElements\\.define\\(['"]${element}['"]`), element);
  // A static import would be one more request, to a path that exists in web/, not in assets/.
  assert.doesNotMatch(drawer, /^\s*import\s*[\w{*'"]/m);
  assert.doesNotMatch(drawer, /^\s*export\s[^;]*\bfrom\s*['"]/m);
});

test("the extension stays inside Shopify's limits: files, blocks, locales, Liquid, CSS", () => {
  assetsBuilt();
  const allowed = /\.(js|css|json|wasm|png|jpe?g|svg)$/;
  for (const { name } of sizes()) assert.match(name, allowed, `asset type not allowed: ${name}`);
  assert.ok(totalBytes() <= 10 * 1024 * 1024, 'over 10 MB');
  assert.ok(blockFiles().length <= 30);
  const locales = localeFiles();
  assert.ok(locales.length <= 100);
  for (const file of locales)
    assert.ok(fs.statSync(path.join(extension, 'locales', file)).size <= 15 * 1024, `${file} over 15 KB`);
  let liquid = 0;
  for (const dir of ['blocks', 'snippets'])
    for (const file of fs.readdirSync(path.join(extension, dir)))
      liquid += fs.statSync(path.join(extension, dir, file)).size;
  assert.ok(liquid <= 100 * 1024, `${liquid} bytes of Liquid`);
  for (const { name, raw } of sizes()) if (name.endsWith('.css')) assert.ok(raw <= 100 * 1000, name);
});

test('every block: a name under 25 characters in every language, at most 40 settings, unique ids', () => {
  const schemaLocales = localeFiles().filter((f) => f.endsWith('.schema.json'));
  for (const file of blockFiles()) {
    const { schema } = readBlock(file.replace(/\.liquid$/, ''));
    for (const localeFile of schemaLocales) {
      const strings = readJson(path.join(extension, 'locales', localeFile));
      const name = schema.name.startsWith('t:')
        ? schema.name
            .slice(2)
            .split('.')
            .reduce((n, k) => n?.[k], strings)
        : schema.name;
      assert.ok(typeof name === 'string' && name.length < 25, `${file} in ${localeFile}: ${name}`);
    }
    const ids = schema.settings.filter((s) => s.id).map((s) => s.id);
    assert.ok(ids.length <= 40, `${file}: ${ids.length} settings`);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate setting id`);
  }
});

test('the three bar blocks share one set of bar settings (the snippet reads the same ids)', () => {
  const barPart = (settings) =>
    settings
      .filter(
        (s) =>
          s.id &&
          ![
            'open_on',
            'position',
            'accent_color',
            'accent_text_color',
            'background_color',
            'text_color',
            'suggestions',
            'basis',
          ].includes(s.id),
      )
      .map(({ id, type, options, limit }) => ({ id, type, options, limit }));
  const drawer = barPart(readBlock('tiercart-embed').schema.settings);
  // metric, scope, collection, complete, and six per tier (threshold, reward, gifts, amount,
  // message, countries).
  assert.equal(drawer.length, 4 + 4 * 6);
  for (const n of [2, 3]) assert.deepEqual(barPart(readBlock(`tiercart-bar-${n}`).schema.settings), drawer);
});

test('locales: five languages, each with every key of the English files, every used key defined', () => {
  const files = localeFiles();
  for (const lang of REQUIRED_LANGUAGES) {
    const suffix = lang === 'en' ? '.default' : '';
    assert.ok(files.includes(`${lang}${suffix}.json`) && files.includes(`${lang}${suffix}.schema.json`), lang);
  }
  const storefront = leaves(readJson(path.join(extension, 'locales', 'en.default.json'))).sort();
  const schemaKeys = leaves(readJson(path.join(extension, 'locales', 'en.default.schema.json'))).sort();
  for (const file of files) {
    const keys = leaves(readJson(path.join(extension, 'locales', file))).sort();
    assert.deepEqual(keys, file.endsWith('.schema.json') ? schemaKeys : storefront, file);
  }
  // Keys the Liquid and the schemas use.
  const liquid = ['blocks', 'snippets']
    .flatMap((dir) =>
      fs.readdirSync(path.join(extension, dir)).map((f) => fs.readFileSync(path.join(extension, dir, f), 'utf8')),
    )
    .join('\n');
  for (const [, key] of liquid.matchAll(/'([\w.]+)' \| t\b/g)) {
    assert.ok(storefront.includes(key) || storefront.some((k) => k.startsWith(`${key}.`)), `storefront key ${key}`);
  }
  for (const [, key] of liquid.matchAll(/"t:([\w.]+)"/g)) assert.ok(schemaKeys.includes(key), `schema key ${key}`);
});
