// The demo store's order status page after checkout: offers the customer can add with one
// click, the edit window, and the shipping address form (docs/post-purchase-ui.md).
//
// Every decision is the core's, through the order page's wasm module (tiercart-order-core): which offers
// and at what price (selectOffers), whether the order may still change (editEligibility),
// whether an address is valid (checkAddress). A price sent by the page is only compared with
// the core's, never used. In production the native server makes the same calls
// (server/src/post_purchase.cpp, docs/server.md); the demo stands in for it.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exponentOf } from '../web/tiercart-format.js';
import { centsToDecimal } from './store.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const OFFERS_FILE = path.join(here, '..', 'examples', 'offers', 'northbound.json');
// The demo merchant lets customers fix their address or cancel for 30 minutes.
export const EDIT_POLICY = { window_minutes: 30, allowed: ['address', 'cancel'] };
const ADDRESS_OPTIONS = { countries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'AU', 'JP'] };
const OFFER_PROPERTY = '_tiercart_offer';

// Demo amounts are hundredths of the currency unit (store.mjs); the core's are minor units.
const minorToCents = (minor, currency) => minor * 10 ** (2 - exponentOf(currency));

class PostPurchaseError extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.body = { error: { code, message, ...extra } };
  }
}

export function createPostPurchase({ core, catalog, store, convertPrice, currencies }) {
  const offers = JSON.parse(fs.readFileSync(OFFERS_FILE, 'utf8'));

  // What the core knows of the shop: every variant's presentment price, stock and title.
  function context(currency) {
    const variants = {};
    for (const v of catalog.variantsById.values()) {
      const entry = {
        price: convertPrice(v.price, currency),
        product_id: v.product_id,
        title: v.title === 'Default Title' ? v.product.title : `${v.product.title} - ${v.title}`,
      };
      if (v.inventory !== null) entry.available = v.inventory;
      variants[v.id] = entry;
    }
    const products = {};
    for (const p of catalog.products)
      products[p.id] = { collections: p.collections, tags: p.tags, product_type: p.product_type };
    return { shop_currency: 'USD', cart_amounts: 'cents', rate: currencies[currency]?.rate, products, variants };
  }

  // The demo order as the REST order the core reads (decimal strings, presentment currency).
  function restOrder(order) {
    return {
      id: order.id,
      created_at: order.created_at,
      currency: order.presentment_currency,
      presentment_currency: order.presentment_currency,
      cancelled_at: order.cancelled_at ?? null,
      financial_status: 'paid',
      fulfillment_status: null,
      line_items: order.line_items.map((line) => ({
        variant_id: line.variant_id,
        product_id: line.product_id,
        quantity: line.quantity,
        price: centsToDecimal(line.price),
        gift_card: line.gift_card,
        title: line.title,
        properties: line.properties,
        discount_allocations: [{ amount: centsToDecimal(line.price * line.quantity - line.final_line_price) }],
      })),
    };
  }

  const selectOffers = (order) => core.selectOffers(restOrder(order), offers, context(order.presentment_currency));
  const eligibility = (order, now = new Date()) => core.editEligibility(restOrder(order), EDIT_POLICY, now);
  const accepted = (order) => order.line_items.filter((l) => l.properties.some((p) => p.name === OFFER_PROPERTY));

  // The page's data for <tiercart-order-status>.
  function pageData(order) {
    const currency = order.presentment_currency;
    return {
      order_id: order.id,
      currency,
      money_format: currencies[currency]?.money_format || '',
      offers: selectOffers(order).offers,
      accepted: accepted(order).map((l) => l.properties.find((p) => p.name === OFFER_PROPERTY).value),
      eligibility: eligibility(order),
      shipping_address: order.shipping_address || null,
      address_options: ADDRESS_OPTIONS,
      endpoints: { accept: `/orders/${order.id}/offers/`, address: `/orders/${order.id}/address` },
    };
  }

  function accept(order, offerId, body) {
    const done = accepted(order).find((l) =>
      l.properties.some((p) => p.name === OFFER_PROPERTY && p.value === offerId),
    );
    // The same acceptance twice adds nothing: the page may retry after a lost answer.
    if (done) return { order, line: done, duplicate: true };
    const offer = selectOffers(order).offers.find((o) => o.id === offerId);
    if (!offer)
      throw new PostPurchaseError(409, 'offer_unavailable', 'This offer is no longer available for your order.');
    const claimed = body?.price;
    if (claimed && (claimed.amount !== offer.price.amount || claimed.currency !== offer.price.currency)) {
      throw new PostPurchaseError(409, 'price_mismatch', 'The price of this offer has changed.', { offer });
    }
    const variant = catalog.variantsById.get(offer.variant_id);
    const priceCents = minorToCents(offer.price.amount, offer.price.currency);
    const originalCents = minorToCents(offer.original_price.amount, offer.price.currency);
    const line = {
      variant_id: offer.variant_id,
      product_id: offer.product_id,
      title: variant.product.title,
      variant_title: variant.title === 'Default Title' ? null : variant.title,
      quantity: offer.quantity,
      // The unit price before the offer's discount; the line's final price is the core's.
      price: originalCents / offer.quantity,
      final_line_price: priceCents,
      gift_card: false,
      requires_shipping: true,
      properties: [{ name: OFFER_PROPERTY, value: offer.id }],
    };
    if (variant.inventory !== null) variant.inventory -= offer.quantity;
    order.line_items.push(line);
    order.subtotal_price += priceCents;
    order.total_price += priceCents;
    return { order, line, duplicate: false };
  }

  function changeAddress(order, address) {
    const now = new Date();
    const window = eligibility(order, now);
    if (!window.allowed.includes('address')) {
      const refused = window.refused.find((r) => r.edit === 'address') || { code: 'not_allowed', message: '' };
      if (refused.code === 'window_closed')
        throw new PostPurchaseError(409, 'edit_window_closed', refused.message, { until: window.until });
      throw new PostPurchaseError(refused.code === 'not_allowed' ? 403 : 409, 'edit_refused', refused.message, {
        reason: refused.code,
      });
    }
    let check;
    try {
      check = core.checkAddress(address, ADDRESS_OPTIONS);
    } catch (error) {
      throw new PostPurchaseError(400, error.code || 'invalid_value', error.message, { path: error.path });
    }
    if (!check.ok)
      throw new PostPurchaseError(422, 'invalid_address', 'The address has problems.', { problems: check.problems });
    order.shipping_address = check.address;
    return { shipping_address: check.address, problems: check.problems, until: window.until };
  }

  // Routes under /orders/<id>/: returns true when it answered.
  async function handle(req, res, pathname, { readBody, sendJson }) {
    const m = pathname.match(/^\/orders\/(\d+)\/(?:offers\/([a-z0-9_-]{1,64})|address|post-purchase\.json)$/);
    if (!m) return false;
    const order = store.order(m[1]);
    if (!order) {
      sendJson(req, res, 404, { error: { code: 'order_not_found', message: 'No such order.' } });
      return true;
    }
    try {
      if (req.method === 'GET' && pathname.endsWith('.json')) {
        sendJson(req, res, 200, pageData(order));
      } else if (req.method === 'POST' && m[2]) {
        const body = await readBody(req);
        const { line, duplicate } = accept(order, m[2], body);
        sendJson(req, res, 200, { line, duplicate, total_price: order.total_price, ...pageData(order) });
      } else if (req.method === 'POST') {
        sendJson(req, res, 200, changeAddress(order, await readBody(req)));
      } else {
        sendJson(req, res, 405, { error: { code: 'method_not_allowed', message: 'Method not allowed.' } });
      }
    } catch (error) {
      if (error instanceof PostPurchaseError) sendJson(req, res, error.status, error.body);
      else if (error?.status === 400)
        sendJson(req, res, 400, { error: { code: 'bad_request', message: 'Invalid JSON' } });
      else throw error;
    }
    return true;
  }

  return { handle, pageData, selectOffers, eligibility };
}
