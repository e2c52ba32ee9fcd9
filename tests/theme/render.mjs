// Renders the theme extension's blocks with liquidjs the way Shopify does for an extension:
// `| t` reads the extension's own locales, snippets come from its snippets/, the block sees
// block.settings and app.metafields. Shared by the tests of tests/theme/.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';
import { readExtensionLocales } from '../../demo/editor.mjs';

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const extension = path.join(root, 'theme-extension');
export const locales = readExtensionLocales(path.join(extension, 'locales'));

export function splitSchema(source) {
  const match = source.match(/\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/);
  return { body: source.replace(match ? match[0] : '', ''), schema: match ? JSON.parse(match[1]) : {} };
}

export function blockFiles() {
  return fs.readdirSync(path.join(extension, 'blocks')).filter((f) => f.endsWith('.liquid'));
}

export function readBlock(name) {
  return splitSchema(fs.readFileSync(path.join(extension, 'blocks', `${name}.liquid`), 'utf8'));
}

function lookup(table, key) {
  return String(key)
    .split('.')
    .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), table);
}

const engine = new Liquid({
  root: [path.join(extension, 'snippets')],
  extname: '.liquid',
  strictFilters: true,
  cache: true,
});
const parsed = new Map();
engine.registerTag('schema', {
  parse(token, remain) {
    const stream = this.liquid.parser.parseStream(remain);
    stream.on('tag:endschema', () => stream.stop()).on('template', () => {});
    stream.start();
  },
  *render() {},
});
// What `'key' | t: name: value` gives in `locale`: the extension's locale files, English when
// the locale lacks the key, placeholders filled from `vars`.
export function translate(locale, key, vars = {}) {
  const value = lookup(locales[locale], key) ?? lookup(locales.en, key);
  if (value === undefined) return `translation missing: ${locale}.${key}`;
  return typeof value === 'string' ? value.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name) => vars[name] ?? m) : value;
}

engine.registerFilter('t', function (key, ...args) {
  const vars = Object.fromEntries(args.filter(Array.isArray));
  return translate(this.context.getSync(['request', 'locale', 'iso_code']) || 'en', key, vars);
});
// Shopify's json filter, safe inside <script>: no "</script>" can close the element.
engine.registerFilter('json', (value) =>
  JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026'),
);
engine.registerFilter('asset_url', (name) => `/cdn/shop/extensions/tiercart/assets/${name}`);
// Images are plain URLs here (Shopify's are image objects the CDN sizes).
engine.registerFilter('image_url', (image) => (typeof image === 'string' ? image : ''));

// Renders one block. settings: block.settings (defaults from the schema filled in), shop:
// {currency, money_format}, locale, designMode, app: {program, context} metafield values, cart,
// allProducts: Liquid's all_products (handle -> product).
export async function renderBlock(
  name,
  {
    settings = {},
    currency = 'USD',
    moneyFormat = '${{amount}}',
    locale = 'en',
    designMode = false,
    app = {},
    cart = { items: [] },
    allProducts = {},
  } = {},
) {
  if (!parsed.has(name)) {
    const { body, schema } = readBlock(name);
    parsed.set(name, { template: engine.parse(body), schema });
  }
  const { template, schema } = parsed.get(name);
  const defaults = Object.fromEntries(
    (schema.settings || []).filter((s) => 'default' in s).map((s) => [s.id, s.default]),
  );
  const metafields = {};
  for (const [key, value] of Object.entries(app)) metafields[key] = { value };
  const scope = {
    block: { id: name, settings: { ...defaults, ...settings } },
    shop: { currency, money_format: moneyFormat },
    request: { locale: { iso_code: locale }, design_mode: designMode },
    cart,
    localization: { country: { iso_code: 'US' } },
    all_products: allProducts,
    app: { metafields: { tiercart: metafields } },
  };
  return engine.render(template, scope, { globals: scope });
}

// Renders one snippet of the extension with the variables `{% render %}` would pass it.
export function renderSnippet(name, variables = {}) {
  return engine.renderFile(name, variables);
}

// The JSON documents a rendered page holds, by data attribute.
export function scriptData(html, attribute) {
  const out = [];
  const re = new RegExp(`<script type="application/json" ${attribute}(?:="([^"]*)")?>([\\s\\S]*?)</script>`, 'g');
  for (const m of html.matchAll(re)) out.push({ value: m[1], text: m[2] });
  return out;
}
