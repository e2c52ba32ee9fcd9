// Small helpers shared by tiercart's custom elements: translated strings and element creation.
// Every text goes in through textContent: merchant and product text is never parsed as HTML.

// A translation from the page's strings with {{ name }} placeholders filled in (as text).
export function translate(strings, key, vars = {}) {
  const template = strings && typeof strings[key] === 'string' ? strings[key] : '';
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name) => (name in vars ? String(vars[name]) : match));
}

// h('button', {class: 'x', type: 'button', 'aria-label': label}, 'text', child)
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(
      typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
    );
  }
  return node;
}

// JSON embedded by the theme block: <script type="application/json" data-tiercart-NAME>.
export function readData(host, name) {
  const node = host.querySelector(`script[data-tiercart-${name}]`);
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return null;
  }
}

// Only same-site paths and http(s) URLs from cart data end up in href/src.
export function safeUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

// The tiercart embeds' settings as the theme's config/settings_data.json holds them (in the theme
// editor, the unsaved ones), for the core's themeProgram, the conversion the app's server runs
// on the saved file. `entries` are what the embeds render ({block, catalog}: the block as the
// file holds it, the catalog of the gift products it names), the drawer embed's first; blocks
// are numbered as the editor numbers them. Unreadable entries are skipped.
export function editorSettingsData(entries) {
  const blocks = {};
  const catalog = {};
  let id = 0;
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object' || !entry.block) continue;
    id += 1;
    blocks[String(id)] = entry.block;
    Object.assign(catalog, entry.catalog);
  }
  return { text: JSON.stringify({ current: { blocks } }), catalog };
}

// Those settings on this page: the drawer embed's entry (which its element read before
// building, replacing its children) and those the bar 2 and 3 embeds rendered. A bar embed
// rendered badly is left out.
export function pageSettingsData(drawerEntry) {
  const entries = [drawerEntry];
  for (const node of document.querySelectorAll('script[data-tiercart-settings]')) {
    if (node.dataset.tiercartSettings === 'tiercart-embed') continue;
    try {
      entries.push(JSON.parse(node.textContent));
    } catch {
      // left out
    }
  }
  return editorSettingsData(entries);
}
