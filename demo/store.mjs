// The demo shop's state and the AJAX Cart API's behaviour, as documented by Shopify
// (../shared/SHOPIFY.md section 1): carts keyed by a token cookie, line keys that change with
// properties, cart-level discount codes, presentment currencies, orders from checkout.
// Money is integers in hundredths of the currency unit (Shopify's cents, JPY included).

import crypto from 'node:crypto';
import { exponentOf, placeDecimals } from '../web/tiercart-format.js';

export const SHOP_CURRENCY = 'USD';

// Presentment currencies: rate (presentment per shop unit, a string as Shopify gives it) and
// the shop's money format for the currency.
export const CURRENCIES = {
  USD: { rate: '1.0', money_format: '${{amount}}', name: 'US dollar' },
  EUR: { rate: '0.92', money_format: '€{{amount_with_comma_separator}}', name: 'Euro' },
  GBP: { rate: '0.7891', money_format: '£{{amount}}', name: 'Pound sterling' },
  CAD: { rate: '1.39', money_format: '${{amount}} CAD', name: 'Canadian dollar' },
  JPY: { rate: '147.5', money_format: '¥{{amount_no_decimals}}', name: 'Japanese yen' },
};

// The countries the demo sells to (its markets): each market prices in its own currency, and
// picking a country in the store's selector switches to it, as Shopify Markets does. The demo's
// checkout asks for no address: an order ships to the demo customer's address in the country
// the shopper picked, so the delivery country follows the shopper's country.
export const DEFAULT_COUNTRY = 'US';
export const COUNTRIES = {
  US: {
    name: 'United States',
    currency: 'USD',
    address: { address1: '12 Harbor Road', city: 'Portland', province_code: 'ME', zip: '04101' },
  },
  CA: {
    name: 'Canada',
    currency: 'CAD',
    address: { address1: '88 Queen Street West', city: 'Toronto', province_code: 'ON', zip: 'M5H 2M9' },
  },
  GB: { name: 'United Kingdom', currency: 'GBP', address: { address1: '4 Mill Lane', city: 'York', zip: 'YO1 7HH' } },
  FR: { name: 'France', currency: 'EUR', address: { address1: '9 rue des Halles', city: 'Lyon', zip: '69002' } },
  JP: {
    name: 'Japan',
    currency: 'JPY',
    address: { address1: '1-2-3 Jingumae', city: 'Shibuya-ku', province_code: 'JP-13', zip: '150-0001' },
  },
};

// Cents as the decimal string of Shopify's REST and GraphQL payloads: 1999 -> "19.99", in
// every currency (JPY 100000 -> "1000.00", which Shopify's readers and the core take exactly).
export const centsToDecimal = (cents) => placeDecimals(cents, 2);

// Shopify's limit on a discount code's length; a longer code is not kept on the cart.
export const MAX_DISCOUNT_CODE_LENGTH = 255;

export const DISCOUNT_CODES = {
  WELCOME15: { percent: 15, title: 'WELCOME15', description: '15% off your order' },
  TAKE10: { percent: 10, title: 'TAKE10', description: '10% off your order' },
};

// value x rate with the rate read exactly as a decimal string; halves away from zero.
export function rateParts(rate) {
  const [whole, fraction = ''] = String(rate).split('.');
  return { numerator: BigInt(whole + fraction), denominator: 10n ** BigInt(fraction.length) };
}

export function divRound(numerator, denominator) {
  const q = numerator / denominator;
  const r = numerator % denominator;
  return r * 2n >= denominator ? q + 1n : q;
}

// A shop price in a presentment currency, rounded to that currency's minor unit (whole yen
// for JPY, which is still written in cents).
export function convertPrice(shopCents, currency) {
  const info = CURRENCIES[currency];
  if (!info || currency === SHOP_CURRENCY) return shopCents;
  const { numerator, denominator } = rateParts(info.rate);
  const centsPerMinor = 10n ** BigInt(Math.max(0, 2 - exponentOf(currency)));
  return Number(divRound(BigInt(shopCents) * numerator, denominator * centsPerMinor) * centsPerMinor);
}

export function percentOf(amount, percent) {
  return Number(divRound(BigInt(amount) * BigInt(percent), 100n));
}

export class CartError extends Error {
  // status: HTTP status; body: the JSON Shopify answers with.
  constructor(status, body) {
    super(body.description || body.message);
    this.status = status;
    this.body = body;
  }
}

const cartError = (description, status = 422) => new CartError(status, { status, message: 'Cart Error', description });
const badRequest = (description) => new CartError(400, { status: 'bad_request', message: 'Bad Request', description });
const notFound = () => new CartError(404, { status: 404, message: 'Cart Error', description: 'Cannot find variant' });

function lineKey(variantId, properties) {
  const props = properties && Object.keys(properties).length ? properties : null;
  const text = JSON.stringify(props ? Object.fromEntries(Object.entries(props).sort()) : null);
  return `${variantId}:${crypto.createHash('md5').update(text).digest('hex')}`;
}

function cleanProperties(properties) {
  if (!properties || typeof properties !== 'object') return null;
  const out = {};
  for (const [k, v] of Object.entries(properties)) {
    if (v === '' || v === null || v === undefined) continue;
    out[String(k)] = typeof v === 'string' ? v : String(v);
  }
  return Object.keys(out).length ? out : null;
}

// `functions`: tiercart's Shopify Functions (function-runner.mjs createCheckoutFunctions), which
// alone make a gift line free and stop a checkout that claims an unearned reward, as on Shopify.
function shippingAddress(country) {
  const code = COUNTRIES[country] ? country : DEFAULT_COUNTRY;
  return { first_name: 'Robin', last_name: 'Hale', ...COUNTRIES[code].address, country_code: code };
}

export function createStore(catalog, { functions = null } = {}) {
  const carts = new Map();
  const orders = [];
  let nextOrder = 1001;

  function newCart() {
    return { token: crypto.randomBytes(12).toString('hex'), lines: [], note: null, attributes: {}, codes: [] };
  }

  function cartFor(token) {
    if (token && carts.has(token)) return carts.get(token);
    const cart = newCart();
    carts.set(cart.token, cart);
    return cart;
  }

  function variantOr404(id) {
    const variant = catalog.variantsById.get(Number(id));
    if (!variant) throw notFound();
    return variant;
  }

  function quantityInCart(cart, variantId) {
    return cart.lines.filter((l) => l.variant_id === variantId).reduce((n, l) => n + l.quantity, 0);
  }

  // POST cart/add.js: each item added in turn, as Shopify does; a sold-out or over-stock item
  // stops with the documented 422 answer (earlier items stay added).
  function add(cart, items) {
    if (!Array.isArray(items) || items.length === 0)
      throw badRequest('Parameter Missing or Invalid: Required parameter missing or invalid: items');
    const added = [];
    for (const item of items) {
      const variant = catalog.variantsById.get(Number(item.id));
      if (!variant) throw cartError('Cannot find variant', 422);
      let quantity = item.quantity === undefined ? 1 : Number(item.quantity);
      if (!Number.isInteger(quantity) || quantity < 1) throw badRequest('Parameter Missing or Invalid: quantity');
      const name = `${variant.product.title}${variant.title === 'Default Title' ? '' : ` - ${variant.title}`}`;
      let partial = false;
      if (variant.inventory !== null) {
        if (variant.inventory <= 0) throw cartError(`The product '${name}' is already sold out.`);
        const room = variant.inventory - quantityInCart(cart, variant.id);
        if (room <= 0) throw cartError(`You can't add more ${name} to the cart.`);
        if (quantity > room) {
          quantity = room;
          partial = true;
        }
      }
      const properties = cleanProperties(item.properties);
      const key = lineKey(variant.id, properties);
      let line = cart.lines.find((l) => l.key === key);
      if (line) line.quantity += quantity;
      else {
        line = { key, variant_id: variant.id, quantity, properties };
        cart.lines.unshift(line); // Shopify lists the newest line first
      }
      added.push(line);
      if (partial) throw cartError(`Only ${quantity} items were added to your cart.`);
    }
    return added;
  }

  function checkStock(cart, line, quantity) {
    const variant = catalog.variantsById.get(line.variant_id);
    if (variant.inventory === null) return;
    const others = quantityInCart(cart, line.variant_id) - line.quantity;
    if (others + quantity > variant.inventory) {
      const name = `${variant.product.title}${variant.title === 'Default Title' ? '' : ` - ${variant.title}`}`;
      throw cartError(`You can't add more ${name} to the cart.`);
    }
  }

  // POST cart/change.js: one line by key, variant id or 1-based line number.
  function change(cart, { id, line, quantity, properties }) {
    let target;
    if (line !== undefined && line !== null && line !== '') {
      target = cart.lines[Number(line) - 1];
    } else if (id !== undefined && id !== null) {
      const text = String(id);
      target = text.includes(':')
        ? cart.lines.find((l) => l.key === text)
        : cart.lines.find((l) => l.variant_id === Number(text));
    }
    if (!target) throw badRequest('no valid id or line parameter');
    if (properties !== undefined) {
      target.properties = cleanProperties(properties);
      target.key = lineKey(target.variant_id, target.properties);
    }
    if (quantity !== undefined && quantity !== null) {
      const q = Number(quantity);
      if (!Number.isInteger(q) || q < 0) throw badRequest('Parameter Missing or Invalid: quantity');
      if (q === 0) cart.lines.splice(cart.lines.indexOf(target), 1);
      else {
        if (q > target.quantity) checkStock(cart, target, q);
        target.quantity = q;
      }
    }
  }

  // POST cart/update.js: {updates: {key|variantId: qty} or [qty by line], note, attributes, discount}.
  function update(cart, { updates, note, attributes, discount }) {
    if (updates) {
      const entries = Array.isArray(updates) ? updates.map((q, i) => [cart.lines[i]?.key, q]) : Object.entries(updates);
      for (const [id, quantity] of entries) {
        const text = String(id);
        let target = text.includes(':')
          ? cart.lines.find((l) => l.key === text)
          : cart.lines.find((l) => l.variant_id === Number(text));
        const q = Number(quantity);
        if (!target) {
          if (text.includes(':') || q === 0) {
            if (q === 0) continue;
            throw notFound();
          }
          variantOr404(text);
          add(cart, [{ id: Number(text), quantity: q }]);
          continue;
        }
        if (q === 0) cart.lines.splice(cart.lines.indexOf(target), 1);
        else {
          if (q > target.quantity) checkStock(cart, target, q);
          target.quantity = q;
        }
      }
    }
    if (note !== undefined) cart.note = note;
    if (attributes && typeof attributes === 'object') Object.assign(cart.attributes, attributes);
    if (discount !== undefined) {
      cart.codes = String(discount || '')
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter((c) => c && c.length <= MAX_DISCOUNT_CODE_LENGTH);
    }
  }

  function clear(cart) {
    cart.lines = [];
  }

  // The cart as tiercart's Functions are given it (the input queries' lines), in `currency`.
  function functionCart(cart, currency, locale) {
    const lines = cart.lines.map((line, index) => {
      const variant = catalog.variantsById.get(line.variant_id);
      return {
        id: `gid://shopify/CartLine/${index + 1}`,
        quantity: line.quantity,
        price: convertPrice(variant.price, currency),
        compareAt: variant.compare_at_price === null ? null : convertPrice(variant.compare_at_price, currency),
        variantId: variant.id,
        productId: variant.product.id,
        productType: variant.product.product_type,
        giftCard: variant.product.gift_card,
        requiresShipping: !variant.product.gift_card,
        claim: line.properties?._tiercart,
      };
    });
    // The cart attribute the drawer writes for an experiment: what the Function's `armKey` reads.
    const armKey = typeof cart.attributes?._tiercart_arm === 'string' ? cart.attributes._tiercart_arm : null;
    // The signed-in shopper (cart.customer, set per request by the server), as a Function sees them.
    const customer = cart.customer
      ? { orders: cart.customer.orders_count, amountSpent: cart.customer.total_spent, currency: SHOP_CURRENCY }
      : null;
    // The shopper's country (cart.country, set per request by the server from the store's
    // country selector): the market's country and, in the demo, the delivery address's.
    const country = COUNTRIES[cart.country] ? cart.country : DEFAULT_COUNTRY;
    return { lines, currency, rate: CURRENCIES[currency].rate, locale, country, armKey, customer };
  }

  // The cart.js document in the shopper's currency. Line discounts are the discount
  // Function's: a gift line is free only for the units the Function says it earned.
  function cartJson(cart, currency, locale = 'en') {
    const free = functions && cart.lines.length ? functions.lineDiscounts(functionCart(cart, currency, locale)) : {};
    const items = cart.lines.map((line, index) => {
      const variant = catalog.variantsById.get(line.variant_id);
      const product = variant.product;
      const price = convertPrice(variant.price, currency);
      const original = price * line.quantity;
      const granted = free[`gid://shopify/CartLine/${index + 1}`];
      const freeUnits = Math.min(line.quantity, granted?.quantity ?? 0);
      const isGift = freeUnits > 0;
      const percent = granted?.percent ?? 100;
      const lineDiscount = percent === 100 ? price * freeUnits : percentOf(price * freeUnits, percent);
      const discounts = isGift ? [{ amount: lineDiscount, title: granted.message }] : [];
      const final = original - lineDiscount;
      return {
        id: variant.id,
        properties: line.properties,
        quantity: line.quantity,
        variant_id: variant.id,
        key: line.key,
        title: variant.title === 'Default Title' ? product.title : `${product.title} - ${variant.title}`,
        price,
        original_price: price,
        presentment_price: price,
        discounted_price: line.quantity ? Math.trunc(final / line.quantity) : price,
        line_price: final,
        original_line_price: original,
        total_discount: lineDiscount,
        discounts,
        sku: variant.sku,
        grams: 0,
        vendor: product.vendor,
        taxable: true,
        product_id: product.id,
        product_has_only_default_variant: product.variants.length === 1 && variant.title === 'Default Title',
        gift_card: product.gift_card,
        final_price: line.quantity ? Math.trunc(final / line.quantity) : price,
        final_line_price: final,
        url: `${product.url}?variant=${variant.id}`,
        featured_image: { url: product.image, alt: product.title, width: 600, height: 600, aspect_ratio: 1 },
        image: product.image,
        handle: product.handle,
        requires_shipping: !product.gift_card,
        product_type: product.product_type,
        product_title: product.title,
        product_description: product.description,
        variant_title: variant.title === 'Default Title' ? null : variant.title,
        variant_options: [variant.title],
        options_with_values: [{ name: product.option_name || 'Title', value: variant.title }],
        line_level_discount_allocations: isGift
          ? [
              {
                amount: lineDiscount,
                discount_application: {
                  type: 'automatic',
                  key: 'tiercart-gift',
                  title: granted.message,
                  description: 'tiercart free gift',
                  value: `${percent}.0`,
                  value_type: 'percentage',
                  allocation_method: 'each',
                  target_selection: 'explicit',
                  target_type: 'line_item',
                },
              },
            ]
          : [],
        line_level_total_discount: lineDiscount,
      };
    });
    const itemsSubtotal = items.reduce((n, i) => n + i.final_line_price, 0);
    const applications = [];
    const discountCodes = [];
    let cartDiscount = 0;
    for (const code of cart.codes) {
      const rule = DISCOUNT_CODES[code];
      const applicable = Boolean(rule) && itemsSubtotal > 0;
      discountCodes.push({ code, applicable });
      if (!applicable) continue;
      const amount = percentOf(itemsSubtotal - cartDiscount, rule.percent);
      cartDiscount += amount;
      applications.push({
        type: 'discount_code',
        key: code,
        title: rule.title,
        description: rule.description,
        value: `${rule.percent}.0`,
        created_at: new Date(0).toISOString(),
        value_type: 'percentage',
        allocation_method: 'across',
        target_selection: 'all',
        target_type: 'line_item',
        total_allocated_amount: amount,
      });
    }
    return {
      token: cart.token,
      note: cart.note,
      attributes: cart.attributes,
      original_total_price: items.reduce((n, i) => n + i.original_line_price, 0),
      total_price: itemsSubtotal - cartDiscount,
      total_discount: items.reduce((n, i) => n + i.total_discount, 0) + cartDiscount,
      total_weight: 0,
      item_count: items.reduce((n, i) => n + i.quantity, 0),
      items,
      requires_shipping: items.some((i) => i.requires_shipping),
      currency,
      items_subtotal_price: itemsSubtotal,
      cart_level_discount_applications: applications,
      discount_codes: discountCodes,
    };
  }

  // Checkout: the cart becomes an order (REST order shape, in brief), stock is taken, the cart
  // is emptied.
  function checkout(cart, currency, locale = 'en') {
    const json = cartJson(cart, currency, locale);
    if (json.items.length === 0) throw badRequest('Your cart is empty');
    // tiercart's validation Function: a claimed reward that is not earned stops checkout.
    const blocked = functions ? functions.validate(functionCart(cart, currency, locale)) : [];
    if (blocked.length) throw cartError(blocked.join(' '));
    for (const item of json.items) {
      const variant = catalog.variantsById.get(item.variant_id);
      if (variant.inventory !== null && variant.inventory < quantityInCart(cart, variant.id)) {
        throw cartError(`The product '${item.title}' is already sold out.`);
      }
    }
    for (const line of cart.lines) {
      const variant = catalog.variantsById.get(line.variant_id);
      if (variant.inventory !== null) variant.inventory -= line.quantity;
    }
    const order = {
      id: nextOrder,
      name: `#${nextOrder}`,
      created_at: new Date().toISOString(),
      currency: SHOP_CURRENCY,
      presentment_currency: currency,
      // The cart it was checked out from, and the cart's attributes as the order's notes.
      cart_token: cart.token,
      note_attributes: Object.entries(cart.attributes || {}).map(([name, value]) => ({ name, value: String(value) })),
      line_items: json.items.map((i) => ({
        variant_id: i.variant_id,
        product_id: i.product_id,
        title: i.product_title,
        variant_title: i.variant_title,
        quantity: i.quantity,
        price: i.price,
        final_line_price: i.final_line_price,
        gift_card: i.gift_card,
        requires_shipping: i.requires_shipping,
        properties: Object.entries(i.properties || {}).map(([name, value]) => ({ name, value })),
      })),
      discount_codes: json.cart_level_discount_applications.map((a) => ({
        code: a.key,
        amount: a.total_allocated_amount,
      })),
      // REST's order.customer: its counts as they were when the shopper checked out.
      ...(cart.customer
        ? {
            customer: {
              id: cart.customer.id,
              tags: cart.customer.tags.join(', '),
              orders_count: cart.customer.orders_count,
              total_spent: (cart.customer.total_spent / 100).toFixed(2),
            },
          }
        : {}),
      subtotal_price: json.items_subtotal_price,
      total_discounts: json.total_discount,
      total_price: json.total_price,
      // The demo checkout asks for no address: every order ships to the demo customer, in the
      // country the shopper picked.
      shipping_address: shippingAddress(cart.country),
    };
    nextOrder += 1;
    orders.push(order);
    cart.lines = [];
    cart.codes = [];
    return order;
  }

  // The free-shipping discount's message when the delivery Function grants it, else null.
  function freeShipping(cart, currency, locale = 'en') {
    if (!functions || cart.lines.length === 0) return null;
    return functions.deliveryDiscount(functionCart(cart, currency, locale));
  }

  return {
    cartFor,
    freeShipping,
    add,
    change,
    update,
    clear,
    cartJson,
    checkout,
    orders,
    order: (id) => orders.find((o) => o.id === Number(id)),
  };
}
