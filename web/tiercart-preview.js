// Theme editor only: the drawer embed loads this module when request.design_mode is true, never
// on a live storefront (nothing of it costs shoppers anything). It converts the embeds' unsaved
// settings into a program with the core's themeProgram (wasm), the conversion the app's server
// runs on the saved theme for the storefront and checkout, so what the editor shows is what
// goes live once saved and synced. It opens the drawer with sample progress: a made-up cart
// that reaches the first tier of the first spend and item bars and is halfway to the second,
// evaluated by the same core. When the editor's storefront has a real cart, the drawer shows
// that cart instead, never a mix. The theme editor renders the embed again when a setting
// changes, so the preview follows the settings. Notes (tiers left out, the app's own program
// being live, when the settings go live) are shown in the drawer, as text.

// The drawer as shipped: the bundle of web/drawer/ that make build-web puts next to this file.
import { ready } from './tiercart-drawer.js';
import { pageSettingsData } from './tiercart-util.js';

const SAMPLE_ID = 1;

// Halfway between the first two tiers of the first bar of that metric; half the first tier
// when the bar has one tier.
function sampleMeasure(program, metric) {
  const bar = (program?.bars || []).find((b) => (b.metric || 'spend') === metric);
  if (!bar || !bar.tiers.length) return 0;
  const [first, second] = bar.tiers.map((tier) => tier.threshold);
  return second ? first + Math.floor((second - first) / 2) : Math.floor(first / 2);
}

// A one-line cart in the program's currency, amounts in minor units.
export function sampleCart(program) {
  const spend = sampleMeasure(program, 'spend');
  const quantity = Math.max(1, sampleMeasure(program, 'quantity'));
  const price = spend ? Math.ceil(spend / quantity) : 1000;
  const item = { key: 'tiercart-sample', variant_id: SAMPLE_ID, product_id: SAMPLE_ID, quantity, price };
  item.original_line_price = item.final_line_price = price * quantity;
  return { currency: program.currency, items: [item] };
}

// The sample product belongs to every collection a bar includes (and none it excludes).
export function sampleContext(program, baseContext, locale) {
  const collections = new Set();
  for (const bar of program.bars) for (const handle of bar.scope?.include?.collections || []) collections.add(handle);
  const context = {
    ...baseContext,
    presentment_currency: program.currency,
    cart_amounts: 'minor_units',
    locale: locale || baseContext.locale,
  };
  delete context.rate;
  context.products = { ...(baseContext.products || {}), [SAMPLE_ID]: { collections: [...collections], tags: [] } };
  return context;
}

let core = null;

// The program of the unsaved settings, and the notes the merchant reads about them: worded from
// the extension's locale files by the core's notice code (the core's English message when the
// locale files have no words for a code).
function convert(drawer) {
  const { currency, locale, texts, strings = {} } = drawer.editor;
  const notes = [strings.goes_live];
  const published = drawer.publishedProgram;
  if (published && published.id !== 'theme-settings') notes.push(strings.app_program);
  const { text, catalog } = pageSettingsData(drawer.settingsBlock);
  try {
    const result = core.themeProgram(text, { currency, locale, texts, catalog });
    for (const notice of result.notices) {
      const words = strings[notice.code];
      notes.push(words ? words.replace(/\{\{\s*tier\s*\}\}/g, String(notice.tier ?? '')) : notice.message);
    }
    return { program: result.storefront, notes };
  } catch (error) {
    console.warn('tiercart preview:', error.code, error.path, error.message);
    return { program: null, notes: [...notes, error.message] };
  }
}

async function previewDrawer(drawer) {
  await drawer.ready();
  if (!drawer.editor) return;
  if (!core) {
    const { createTiercart } = await import(new URL('tiercart.js', import.meta.url).href);
    core = await createTiercart();
  }
  const { program, notes } = convert(drawer);
  for (const old of drawer.querySelectorAll('.tiercart-editor-notice')) old.remove();
  drawer.progress.before(
    ...notes.filter(Boolean).map((note) => {
      const p = document.createElement('p');
      p.className = 'tiercart-editor-notice';
      p.setAttribute('role', 'note');
      p.textContent = note;
      return p;
    }),
  );
  await drawer.previewProgram(program);
  drawer.open(null, { takeFocus: false }); // the merchant is typing in the editor
  if (!drawer.programText) return;
  const cart = sampleCart(drawer.program);
  const context = sampleContext(drawer.program, drawer.baseContext || {}, window.Shopify?.locale);
  const show = () => {
    if (!drawer.isConnected) return;
    // A real cart (the merchant's own, in the editor's storefront) is shown as the storefront
    // shows it: sample progress beside its lines and rewards would contradict them.
    if (drawer.sync?.cart?.items?.length) {
      if (drawer.dataset.preview === 'sample') drawer.refresh();
      drawer.dataset.preview = 'cart';
      return;
    }
    try {
      drawer.showSample(core.evaluate(drawer.programText, cart, context));
      drawer.dataset.preview = 'sample';
    } catch (error) {
      console.warn('tiercart preview:', error.code, error.path, error.message);
    }
  };
  show();
  // The drawer renders the real (editor) cart after each sync; the sample goes back on top.
  document.addEventListener('tiercart:evaluation', () => setTimeout(show, 0));
}

async function preview() {
  const first = await ready();
  if (first) previewDrawer(first);
  // The editor may also replace the embed's markup in place: preview the new drawer the same way.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof HTMLElement && node.localName === 'tiercart-drawer') previewDrawer(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}

if (window.Shopify?.designMode) preview();
