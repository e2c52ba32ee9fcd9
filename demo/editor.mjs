// The demo store's stand-in for Shopify's theme editor, at /__demo/editor: every tiercart block's
// settings as a form generated from the block's {% schema %} (labels from the extension's
// locales/en.default.schema.json), beside a live preview. Changing a setting re-renders the
// storefront with the blocks' new settings in design mode, as the theme editor does, in the
// preview frame only: the editor page itself is never reloaded.
//
//   GET /__demo/editor                     the editor page
//   GET /__demo/editor/preview?state=JSON  the cart page as the theme editor previews it
//   POST /__demo/editor/save   body: state   writes the settings into the demo main theme's
//                              config/settings_data.json, as Shopify's editor saves them
//
// state: {"settings": {"<block>": {"<id>": value}}, "embeds": ["tiercart-bar-2"], "app_program": false}
// The preview always shows the unsaved settings, converted in the browser by the core (design
// mode); `app_program` only says whether the app has published a program of its own (the
// demo's, demo/program.json), which the preview then notes is live until the settings are saved.
// Values are what a form gives (strings, booleans, handles); resourceSettings() turns them into
// what Liquid sees (numbers, collection and product objects).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SETTINGS_DATA_HEADER, editorJson, readSettingsData } from './shop-records.mjs';

// The blocks a merchant configures, in the order the editor lists them.
const EDITABLE = ['tiercart-embed', 'tiercart-bar-2', 'tiercart-bar-3', 'tiercart-progress'];
const OPTIONAL_EMBEDS = ['tiercart-bar-2', 'tiercart-bar-3'];
const MAX_STATE_BYTES = 64 * 1024;
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

// locales/*.json of the extension (not the *.schema.json ones): {en: {...}, fr: {...}}.
export function readExtensionLocales(dir) {
  const out = {};
  if (!fs.existsSync(dir)) return out;
  for (const file of fs.readdirSync(dir)) {
    const m = /^([a-z]{2,3}(?:-[A-Za-z0-9]+)*)(\.default)?\.json$/.exec(file);
    if (m) out[m[1]] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  }
  return out;
}

const escapeHtml = (value) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

// "t:settings.tier.threshold.label" -> the English text; anything else as it is.
function label(schemaStrings, value) {
  if (typeof value !== 'string' || !value.startsWith('t:')) return value ?? '';
  const text = value
    .slice(2)
    .split('.')
    .reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), schemaStrings);
  return typeof text === 'string' ? text : value;
}

// Form values -> the values Liquid sees for each setting type (as Shopify gives them).
export function resourceSettings(schema, values, catalog) {
  const out = {};
  for (const setting of schema.settings || []) {
    if (!setting.id) continue;
    const raw = values && Object.hasOwn(values, setting.id) ? values[setting.id] : setting.default;
    switch (setting.type) {
      case 'number':
      case 'range': {
        const n = raw === '' || raw === null || raw === undefined ? NaN : Number(raw);
        if (Number.isFinite(n)) out[setting.id] = n;
        break;
      }
      case 'checkbox':
        out[setting.id] = raw === true || raw === 'true';
        break;
      // The theme editor only ever saves a colour or one of the options; the state comes from a
      // URL, so anything else falls back to the default as an unset setting would.
      case 'color':
        if (typeof raw === 'string' && HEX_COLOR.test(raw)) out[setting.id] = raw;
        else if (setting.default !== undefined) out[setting.id] = setting.default;
        break;
      case 'select':
      case 'radio':
        if ((setting.options || []).some((o) => o.value === raw)) out[setting.id] = raw;
        else if (setting.default !== undefined) out[setting.id] = setting.default;
        break;
      case 'collection': {
        const collection = typeof raw === 'string' && raw ? catalog.collection(raw) : null;
        if (collection) out[setting.id] = { handle: collection.handle, title: collection.title };
        break;
      }
      case 'product_list': {
        const handles = Array.isArray(raw) ? raw.slice(0, setting.limit || 50) : [];
        out[setting.id] = handles
          .map((handle) => catalog.byHandle(String(handle)))
          .filter(Boolean)
          .map((product) => {
            const variant = product.variants.find((v) => catalog.available(v)) || product.variants[0];
            return {
              id: product.id,
              title: product.title,
              handle: product.handle,
              selected_or_first_available_variant: { id: variant.id },
            };
          });
        break;
      }
      default:
        if (raw !== undefined && raw !== null) out[setting.id] = String(raw);
    }
  }
  return out;
}

// Form values -> the values settings_data.json holds for each setting type: numbers, booleans,
// a collection's handle, product HANDLES for product_list (the editor saves handles; Liquid
// sees objects). Values that are not valid for their type are left out, as unset settings are.
export function savedSettings(schema, values, catalog) {
  const shown = resourceSettings(schema, values, catalog);
  const out = {};
  for (const setting of schema.settings || []) {
    if (!setting.id || !Object.hasOwn(shown, setting.id)) continue;
    const value = shown[setting.id];
    if (setting.type === 'collection') out[setting.id] = value.handle;
    else if (setting.type === 'product_list') out[setting.id] = value.map((p) => p.handle);
    else out[setting.id] = value;
  }
  return out;
}

// A block id as the theme editor generates them: a long decimal number.
const newBlockId = () =>
  BigInt(`0x${crypto.randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(19, '1');

// settings_data.json text after a Save of `state`: each of tiercart's app embeds that is on
// (the drawer always, bars 2 and 3 when enabled) is written to current.blocks under its id
// (kept from an earlier save, else new) as {"type": "shopify://apps/tiercart/blocks/<handle>/
// <uuid>", "disabled": false, "settings"}; an embed turned off after a save stays, disabled;
// one never enabled is absent. Other apps' blocks and the theme's own settings are kept.
export function saveSettingsData(text, state, blocks, catalog, { uuid, appHandle = 'tiercart' }) {
  const data = readSettingsData(text);
  data.current = data.current && typeof data.current === 'object' ? data.current : {};
  data.current.blocks = data.current.blocks && typeof data.current.blocks === 'object' ? data.current.blocks : {};
  const saved = data.current.blocks;
  const enabled = new Set(['tiercart-embed', ...(Array.isArray(state.embeds) ? state.embeds : [])]);
  for (const name of EDITABLE) {
    const block = blocks[name];
    if (!block || !['body', 'head'].includes(block.schema.target)) continue; // app blocks live in templates
    const prefix = `shopify://apps/${appHandle}/blocks/${name}/`;
    const existing = Object.keys(saved).find((id) => String(saved[id]?.type).startsWith(prefix));
    if (enabled.has(name)) {
      saved[existing ?? newBlockId()] = {
        type: `${prefix}${uuid}`,
        disabled: false,
        settings: savedSettings(block.schema, state.settings?.[name] || {}, catalog),
      };
    } else if (existing) {
      saved[existing].disabled = true;
    }
  }
  return SETTINGS_DATA_HEADER + editorJson(data);
}

// One setting's field, holding `values[setting.id]` (what the live storefront runs) or its default.
function field(block, setting, strings, catalog, values = {}) {
  const name = `${block}.${setting.id}`;
  const id = `f-${block}-${setting.id}`;
  const text = escapeHtml(label(strings, setting.label));
  const info = setting.info ? `<small>${escapeHtml(label(strings, setting.info))}</small>` : '';
  const value = values[setting.id] ?? setting.default ?? '';
  let input;
  switch (setting.type) {
    case 'select':
      input = `<select id="${id}" name="${name}">${setting.options
        .map(
          (o) =>
            `<option value="${escapeHtml(o.value)}"${o.value === value ? ' selected' : ''}>${escapeHtml(label(strings, o.label))}</option>`,
        )
        .join('')}</select>`;
      break;
    case 'checkbox':
      return `<p class="field field--check"><input type="checkbox" id="${id}" name="${name}"${value ? ' checked' : ''}> <label for="${id}">${text}</label>${info}</p>`;
    case 'number':
      input = `<input type="number" id="${id}" name="${name}" step="any" value="${escapeHtml(value)}">`;
      break;
    case 'range':
      input = `<input type="range" id="${id}" name="${name}" min="${setting.min}" max="${setting.max}" step="${setting.step}" value="${escapeHtml(value)}">`;
      break;
    case 'color':
      input = `<input type="color" id="${id}" name="${name}" value="${escapeHtml(value)}">`;
      break;
    case 'collection':
      input = `<select id="${id}" name="${name}"><option value="">-</option>${catalog
        .collectionHandles()
        .map(
          (h) =>
            `<option value="${escapeHtml(h)}"${h === value ? ' selected' : ''}>${escapeHtml(catalog.collection(h).title)}</option>`,
        )
        .join('')}</select>`;
      break;
    case 'product_list':
      input = `<select id="${id}" name="${name}" multiple size="4">${catalog.products
        .map(
          (p) =>
            `<option value="${escapeHtml(p.handle)}"${Array.isArray(value) && value.includes(p.handle) ? ' selected' : ''}>${escapeHtml(p.title)}</option>`,
        )
        .join('')}</select>`;
      break;
    default:
      input = `<input type="text" id="${id}" name="${name}" value="${escapeHtml(value)}">`;
  }
  return `<p class="field"><label for="${id}">${text}</label>${input}${info}</p>`;
}

// values: block name -> the settings the live storefront renders it with (saved, or defaults).
function editorPage(blocks, strings, catalog, values = () => ({})) {
  const sections = EDITABLE.filter((name) => blocks[name]).map((name) => {
    const { schema } = blocks[name];
    const toggle = OPTIONAL_EMBEDS.includes(name)
      ? `<p class="field field--check"><input type="checkbox" id="embed-${name}" data-embed="${name}"> <label for="embed-${name}">App embed on</label></p>`
      : '';
    const fields = schema.settings
      .map((s) =>
        s.type === 'header'
          ? `<h3>${escapeHtml(label(strings, s.content))}</h3>${s.info ? `<small>${escapeHtml(label(strings, s.info))}</small>` : ''}`
          : s.type === 'paragraph'
            ? `<p>${escapeHtml(label(strings, s.content))}</p>`
            : field(name, s, strings, catalog, values(name) || {}),
      )
      .join('\n');
    return `<details${name === 'tiercart-embed' ? ' open' : ''} data-block="${name}"><summary>${escapeHtml(label(strings, schema.name))} <code>${name}</code> (${schema.target})</summary>${toggle}${fields}</details>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Theme editor: tiercart (demo)</title>
<style>
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: grid; grid-template-columns: 22rem 1fr; height: 100vh; }
  form { overflow-y: auto; padding: 0.75rem 1rem; border-right: 1px solid #ddd; background: #fafafa; }
  details { border-bottom: 1px solid #ddd; padding: 0.5rem 0; }
  summary { font-weight: 600; cursor: pointer; }
  h3 { margin: 1rem 0 0.25rem; font-size: 0.95rem; }
  .field { display: grid; gap: 0.2rem; margin: 0.5rem 0; }
  .field--check { display: block; }
  small { color: #555; display: block; }
  iframe { width: 100%; height: 100%; border: 0; }
</style></head>
<body>
<form id="editor" aria-label="tiercart settings">
  <h1 style="font-size:1.1rem">tiercart in the theme editor</h1>
  <p class="field field--check"><input type="checkbox" id="app-program" name="app_program" checked> <label for="app-program">The app has published a program of its own (app-owned metafield)</label></p>
  ${sections.join('\n')}
  <p><button type="submit">Save</button> <span id="save-status" role="status"></span></p>
</form>
<iframe id="preview" name="preview" title="Preview" src="/__demo/editor/preview?state=%7B%22app_program%22%3Atrue%7D"></iframe>
<script type="module">
  const form = document.getElementById('editor');
  const frame = document.getElementById('preview');
  function state() {
    const out = { settings: {}, embeds: [], app_program: form.elements.app_program.checked };
    for (const el of form.querySelectorAll('[name]')) {
      const [block, id] = el.name.split('.');
      if (!id) continue;
      const values = (out.settings[block] ||= {});
      if (el.type === 'checkbox') values[id] = el.checked;
      else if (el.multiple) values[id] = [...el.selectedOptions].map((o) => o.value);
      else values[id] = el.value;
    }
    for (const el of form.querySelectorAll('[data-embed]')) if (el.checked) out.embeds.push(el.dataset.embed);
    return out;
  }
  let timer = 0;
  const update = () => {
    clearTimeout(timer);
    // Like the theme editor: the storefront is rendered again with the new settings, the
    // editor (this page and its form) stays as it is.
    timer = setTimeout(() => frame.contentWindow.location.replace('/__demo/editor/preview?state=' + encodeURIComponent(JSON.stringify(state()))), 150);
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  // Save: the settings go into the theme's config/settings_data.json, as the editor's Save does.
  const status = document.getElementById('save-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = 'Saving…';
    try {
      const res = await fetch('/__demo/editor/save', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(state()),
      });
      status.textContent = res.ok ? 'Saved' : 'Not saved (' + res.status + ')';
    } catch {
      status.textContent = 'Not saved (the store did not answer)';
    }
  });
  update();
</script>
</body></html>`;
}

export async function handleEditor(req, res, url, api) {
  const schemaFile = path.join(api.extensionRoot, 'locales', 'en.default.schema.json');
  const strings = fs.existsSync(schemaFile) ? JSON.parse(fs.readFileSync(schemaFile, 'utf8')) : {};
  const catalog = {
    products: api.catalog.products,
    byHandle: (h) => api.catalog.byHandle(h),
    available: (v) => api.catalog.available(v),
    collection: (h) => api.catalog.collection(h),
    collectionHandles: () =>
      [...new Set(api.catalog.products.flatMap((p) => p.collections))].filter((h) => api.catalog.collection(h)).sort(),
  };
  const pathname = url.pathname;
  if (req.method === 'GET' && pathname === '/__demo/editor') {
    return api.send(
      req,
      res,
      200,
      editorPage(api.blocks, strings, catalog, api.liveValues),
      'text/html; charset=utf-8',
      {
        'cache-control': 'no-store',
      },
    );
  }
  if (req.method === 'POST' && pathname === '/__demo/editor/save' && api.records) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_STATE_BYTES) break;
      chunks.push(chunk);
    }
    let state;
    try {
      if (size > MAX_STATE_BYTES) throw new Error('too large');
      state = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (!state || typeof state !== 'object' || Array.isArray(state)) throw new Error('not an object');
    } catch (error) {
      return api.send(
        req,
        res,
        400,
        JSON.stringify({ status: 400, message: 'Bad Request', description: `state: ${error.message}` }),
        'application/json; charset=utf-8',
      );
    }
    const file = api.records.SETTINGS_DATA;
    const text = saveSettingsData(api.records.themeFile(api.shop, file)?.text, state, api.blocks, catalog, {
      uuid: api.records.extensionUuid('tiercart'),
    });
    api.records.putThemeFile(api.shop, file, text);
    return api.send(req, res, 200, JSON.stringify({ ok: true, filename: file }), 'application/json; charset=utf-8', {
      'cache-control': 'no-store',
    });
  }
  if (req.method === 'GET' && pathname === '/__demo/editor/preview') {
    const text = url.searchParams.get('state') || '{}';
    let state;
    try {
      if (Buffer.byteLength(text) > MAX_STATE_BYTES) throw new Error('too large');
      state = JSON.parse(text);
      if (!state || typeof state !== 'object' || Array.isArray(state)) throw new Error('not an object');
    } catch (error) {
      return api.send(
        req,
        res,
        400,
        JSON.stringify({ status: 400, message: 'Bad Request', description: `state: ${error.message}` }),
        'application/json; charset=utf-8',
      );
    }
    const settings = {};
    for (const name of EDITABLE) {
      if (api.blocks[name])
        settings[name] = resourceSettings(api.blocks[name].schema, state.settings?.[name] || {}, catalog);
    }
    req.editor = {
      designMode: true,
      settings,
      embeds: (Array.isArray(state.embeds) ? state.embeds : []).filter(
        (name) => OPTIONAL_EMBEDS.includes(name) && api.blocks[name],
      ),
      // Unchecked: nothing published yet (no program, no context metafield).
      app: state.app_program ? undefined : { metafields: { tiercart: {} } },
    };
    return api.renderPage(req, res, 'cart', {});
  }
  return api.notFound(req, res);
}
