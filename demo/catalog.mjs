// The demo shop's catalog: Northbound Supply Co., the imaginary shop of examples/. Product
// facts (collections, tags, types, prices, stock, titles) come from examples/contexts/catalog.json
// so every example program and cart reads the same ids; this file adds what a storefront needs
// on top (handles, options, descriptions, images) and a few demo-only stock changes.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const facts = JSON.parse(fs.readFileSync(path.join(here, '..', 'examples', 'contexts', 'catalog.json'), 'utf8'));

// id -> [handle, option name, description, colour]
const PRODUCTS = {
  1001: ['merino-crew-sweater', 'Size', 'A fine-gauge merino crew for cold mornings.', '#6b7f99'],
  1002: ['waxed-field-jacket', 'Size', 'Waxed cotton that shrugs off rain and wind.', '#6a5a3c'],
  1003: ['ribbed-wool-beanie', 'Size', 'A snug rib-knit beanie. Final sale.', '#a33b3b'],
  1004: ['trail-socks-3-pack', 'Size', 'Cushioned merino-blend socks for long days out.', '#4c6b4c'],
  1005: ['organic-cotton-tee', 'Size', 'Heavyweight organic cotton, cut to last.', '#d9d2c3'],
  1006: ['leather-card-wallet', 'Colour', 'Vegetable-tanned leather, four card slots.', '#9c6b3f'],
  1007: ['northbound-gift-card', 'Amount', 'Delivered by email, never expires.', '#2f4858'],
  1008: ['trailhead-coffee-beans', 'Grind', 'A medium roast for camp stoves and kitchens.', '#4a2f23'],
  1009: ['enamel-camp-mug', 'Colour', 'Speckled enamel steel, 350 ml.', '#556270'],
  1010: ['down-vest', 'Size', 'Responsibly sourced down, packs into its pocket.', '#27394d'],
  1011: ['flannel-shirt', 'Size', 'Brushed cotton flannel in a tartan check.', '#8c2f39'],
  1012: ['canvas-daypack', 'Colour', 'A 22 litre daypack in waxed canvas.', '#5a6b3a'],
  1013: ['wool-mittens', 'Size', 'Boiled wool mittens. Final sale.', '#7a5c8c'],
  1014: ['cedar-lip-balm', null, 'Beeswax and cedar oil.', '#b08d57'],
  1015: ['hiking-shorts', 'Size', 'Quick-drying stretch shorts.', '#3f6e73'],
  8001: ['canvas-tote-bag', 'Colour', 'Our free gift: a sturdy canvas tote.', '#c9b99a'],
  8002: ['steel-water-bottle', 'Style', 'Our free gift: an insulated steel bottle.', '#2e5339'],
  8003: ['lambswool-scarf', 'Colour', 'Our free gift: a soft lambswool scarf.', '#555555'],
  8004: ['enamel-pin-set', null, 'Our free gift: three enamel pins.', '#c2553a'],
  8005: ['beeswax-candle', 'Scent', 'Our free gift: a cedar beeswax candle.', '#e0b64c'],
  8006: ['leather-luggage-tag', null, 'Our free gift for VIPs.', '#7b4b2a'],
  8007: ['insulated-flask', 'Size', 'Our free gift: a 500 ml flask.', '#3a4f66'],
};

const VENDOR = 'Northbound Supply Co.';

// Demo-only stock: two sizes sold out, so the product pages show sold-out variants.
const STOCK_OVERRIDES = { 2005: 0, 2017: 0 };

// Demo-only sale prices (compare-at, in cents): the "final sale" beanie and mittens.
const COMPARE_AT = { 2006: 3000, 2021: 2800 };

const COLLECTION_TITLES = {
  all: 'All products',
  winter: 'Winter',
  knitwear: 'Knitwear',
  outerwear: 'Outerwear',
  accessories: 'Accessories',
  basics: 'Basics',
  'gifts-under-50': 'Gifts under $50',
  pantry: 'Pantry',
  camp: 'Camp',
  summer: 'Summer',
};

export function createCatalog() {
  // Each catalog has its own titles, as its own products: a test may retitle one store's collection.
  const collectionTitles = { ...COLLECTION_TITLES };
  const products = [];
  const productsById = new Map();
  const variantsById = new Map();
  for (const [id, [handle, optionName, description, colour]] of Object.entries(PRODUCTS)) {
    const productId = Number(id);
    const fact = facts.products[id];
    const variants = Object.entries(facts.variants)
      .filter(([, v]) => v.product_id === productId)
      .map(([variantId, v]) => {
        const [productTitle, ...rest] = v.title.split(' - ');
        const option = rest.length ? rest.join(' - ') : 'Default Title';
        const vid = Number(variantId);
        return {
          id: vid,
          product_id: productId,
          title: option,
          option1: option,
          price: v.price,
          compare_at_price: COMPARE_AT[vid] ?? null,
          sku: `NB-${vid}`,
          // null: stock not tracked (the gift card).
          inventory: vid in STOCK_OVERRIDES ? STOCK_OVERRIDES[vid] : (v.available ?? null),
          productTitle,
        };
      });
    const product = {
      id: productId,
      handle,
      title: variants[0].productTitle,
      vendor: VENDOR,
      product_type: fact.product_type,
      description,
      colour,
      collections: fact.collections,
      tags: fact.tags,
      option_name: optionName,
      gift_card: fact.product_type === 'Gift Card',
      is_gift: fact.tags.includes('tiercart-gift'),
      variants,
      url: `/products/${handle}`,
      image: `/images/${handle}.svg`,
    };
    for (const v of variants) {
      v.product = product;
      variantsById.set(v.id, v);
    }
    products.push(product);
    productsById.set(productId, product);
  }
  return {
    products,
    productsById,
    variantsById,
    collectionTitles,
    byHandle: (handle) => products.find((p) => p.handle === handle),
    collection(handle) {
      if (!Object.hasOwn(collectionTitles, handle)) return null;
      const items = products.filter((p) => !p.is_gift && (handle === 'all' || p.collections.includes(handle)));
      return { handle, title: collectionTitles[handle], products: items, url: `/collections/${handle}` };
    },
    available(variant) {
      return variant.inventory === null || variant.inventory > 0;
    },
  };
}

// The products the demo's merchant suggests in the cart drawer (the drawer embed's
// "suggestions" setting before any save in the theme editor): small add-ons that close a gap.
export const SUGGESTED_HANDLES = [
  'cedar-lip-balm',
  'enamel-camp-mug',
  'trail-socks-3-pack',
  'ribbed-wool-beanie',
  'leather-card-wallet',
];

// A flat illustration per product: a coloured tile with the product's initials.
export function productSvg(product) {
  const initials = product.title
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600" width="600" height="600" role="img" aria-label="${product.title.replace(/[<>&"]/g, '')}">
<rect width="600" height="600" fill="${product.colour}"/>
<circle cx="300" cy="270" r="150" fill="#ffffff" fill-opacity="0.18"/>
<text x="300" y="320" font-family="Georgia, serif" font-size="140" text-anchor="middle" fill="#ffffff">${initials}</text>
</svg>`;
}
