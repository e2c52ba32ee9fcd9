// A theme saved while a program is live reaches checkout at the app's next poll (minutes). So
// that it goes live sooner, the drawer converts the embeds' saved settings, which the page
// renders, with the core's themeProgram (the conversion the app's server runs) and compares the
// checkout program they give with the digest of the one the app last read from the theme (its
// published facts' theme_checkout). When they differ, the theme was saved since: the app is
// asked to sync. Converted once per browser session for the same settings and digest, after
// the drawer is ready: a shopper's later pages only hash the settings they render.

import { pageSettingsData } from '../tiercart-util.js';

const CHECKED_KEY = 'tiercart:theme-checked';

// JSON with every object's keys in order: the form the server digests (nlohmann::json's dump()).
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function remembered(digest) {
  try {
    return sessionStorage.getItem(CHECKED_KEY) === digest;
  } catch {
    return false;
  }
}

function remember(digest) {
  try {
    sessionStorage.setItem(CHECKED_KEY, digest);
  } catch {
    // Storage refused (private mode): checked again on the next page.
  }
}

// Whether the app should sync: the page's saved settings give another checkout program than the
// one whose digest the app published. core: the wasm core; published: the facts' theme_checkout;
// currency: the shop currency.
export async function themeSettingsChanged(core, drawerEntry, { published, currency }) {
  if (typeof published !== 'string' || !published || !core || !drawerEntry || !globalThis.crypto?.subtle) return false;
  // A bar embed rendered badly is compared without (at worst, one sync too many).
  const { text, catalog } = pageSettingsData(drawerEntry);
  const seen = `${published}:${await sha256Hex(text + JSON.stringify(catalog))}`;
  if (remembered(seen)) return false;
  let checkout = null;
  try {
    checkout = core.themeProgram(text, { currency, catalog }).checkout;
  } catch {
    checkout = null; // settings the core refuses: the app reads and reports them too
  }
  remember(seen);
  return (await sha256Hex(canonicalJson(checkout))) !== published;
}
