// /__demo/forge: what a dishonest order looks like to tiercart, in the demo. It copies the gift
// line of the newest order that earned one onto an order with nothing else in it (as a draft
// order or an edited checkout could), records it as Shopify's, and sends it to the app's server
// as an orders/create webhook. The server judges the claim unearned and tags the order through
// its outbox; the page then shows the order in the store's admin, where the tags appear.
//
//   GET  /__demo/forge   the page: which order's gift would be copied
//   POST /__demo/forge   sends the forged order, then redirects to its admin page
import { ordersCreatePayload } from './app-server.mjs';

const GIFT_PROPERTY = '_tiercart';
const FORGED_ID_OFFSET = 100000; // forged orders never share an id with checkout's

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const isGift = (line) => (line.properties || []).some((p) => p.name === GIFT_PROPERTY);

// The newest order with a gift line, or null.
function giftOrder(store) {
  for (let i = store.orders.length - 1; i >= 0; i--) {
    if (store.orders[i].line_items.some(isGift)) return store.orders[i];
  }
  return null;
}

function page(order, app) {
  const body = !app
    ? '<p>The app’s server is not running (build it with <code>make build</code>): nothing would judge the order.</p>'
    : order
      ? `<p>Order ${escapeHtml(order.name)} earned its gift. This sends an order that claims the same gift with
nothing else in it, as a draft order could. tiercart’s server judges the claim, finds it unearned, and
tags the order in the store’s admin.</p>
<form method="post" action="/__demo/forge"><button type="submit">Send the forged order</button></form>`
      : '<p>Place an order that earns a gift first: its gift line is what the forged order claims.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Forge a gift claim</title></head>
<body><main><h1>Forge a gift claim</h1>${body}<p><a href="/">Back to the store</a></p></main></body></html>`;
}

export async function handleForge(req, res, pathname, { store, records, app, catalog, shop, send, readBody }) {
  if (pathname !== '/__demo/forge') return false;
  const order = giftOrder(store);
  if (req.method === 'GET') {
    send(req, res, 200, page(order, app), 'text/html; charset=utf-8');
    return true;
  }
  if (req.method !== 'POST') return false;
  await readBody(req);
  if (!order || !app) {
    send(req, res, 409, page(order, app), 'text/html; charset=utf-8');
    return true;
  }
  const id = order.id + FORGED_ID_OFFSET;
  const gifts = order.line_items.filter(isGift);
  const forged = {
    ...order,
    id,
    name: `#${id}`,
    created_at: new Date().toISOString(),
    line_items: gifts,
    discount_codes: [],
    subtotal_price: 0,
    total_discounts: gifts.reduce((n, l) => n + l.price * l.quantity - l.final_line_price, 0),
    total_price: 0,
  };
  if (!records.order(shop, id)) records.addOrder(shop, forged);
  await app.deliver(ordersCreatePayload(forged, catalog), `forged-${id}`);
  res.writeHead(303, { location: `/store/${shop}/admin/orders/${id}` });
  res.end();
  return true;
}
