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

// A program set up in the theme editor: the drawer embed holds bar 1, the "tiercart bar 2/3"
// embeds hold one bar each (a block's settings cannot hold all three; docs/theme-extension.md).
// `bars` are [order, JSON text] pairs; unreadable ones are skipped. Null when no bar is left.
export function withThemeBars(program, bars) {
  if (!program || !Array.isArray(program.bars)) return program;
  const extra = [];
  for (const [order, text] of [...bars].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    try {
      const bar = JSON.parse(text);
      if (bar && typeof bar === 'object') extra.push(bar);
    } catch {
      // A bar the theme rendered badly is left out; the others still work.
    }
  }
  const merged = { ...program, bars: [...program.bars, ...extra] };
  return merged.bars.length ? merged : null;
}
