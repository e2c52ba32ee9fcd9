// The demo's stand-in for Shopify's admin around tiercart's embedded app page. Shopify's admin
// frames the app's URL (`/app?shop=&host=&embedded=1&id_token=` on tiercart's server) and
// hands it session tokens through App Bridge; here:
//
//   GET  /admin/apps/tiercart                 the admin's chrome with the app's frame
//   POST /admin/apps/tiercart/session-token   a fresh session token for the frame (same origin)
//   GET  /store/{shop}/admin/apps/{api key}   the app in the shop's admin, where an install
//                                             by the code grant ends: redirected to the above
//   GET  /cdn/shopifycloud/app-bridge.js      the App Bridge stand-in (demo/app-bridge.js), the
//                                             URL the server is given as --app-bridge-url
//
// The chrome's script answers the frame's token requests (demo/app-bridge.js) over postMessage:
// only messages from the app's origin and its frame are read, and replies go to that origin only.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const APP_BRIDGE_PATH = '/cdn/shopifycloud/app-bridge.js';
const ADMIN_PATH = '/admin/apps/tiercart';
const TOKEN_PATH = '/admin/apps/tiercart/session-token';
export const ADMIN_ASSETS = path.join(here, '..', 'build', 'admin');

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Runs in the chrome page: answers the frame's requests for a session token.
function frameBridge() {
  const frame = document.getElementById('app-frame');
  const appOrigin = new URL(frame.src).origin;
  window.addEventListener('message', async (event) => {
    if (event.origin !== appOrigin || event.source !== frame.contentWindow) return;
    const request = event.data;
    if (!request || request.type !== 'tiercart-demo:id-token' || typeof request.id !== 'string') return;
    const reply = { type: 'tiercart-demo:id-token-reply', id: request.id };
    try {
      const res = await fetch(frame.dataset.tokenUrl, { method: 'POST' });
      if (!res.ok) throw new Error(`session token: ${res.status}`);
      reply.token = (await res.json()).token;
    } catch (error) {
      reply.error = error.message;
    }
    event.source.postMessage(reply, appOrigin);
  });
}

function chrome({ shop, body }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tiercart · ${escapeHtml(shop)} · Shopify</title>
<style>
  * { box-sizing: border-box; }
  html, body { height: 100%; }
  body { margin: 0; font: 13px/1.5 -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif;
         background: #1a1a1a; color: #303030; display: flex; flex-direction: column; }
  .topbar { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
            padding: 0.5rem 1rem; color: #e3e3e3; }
  .topbar strong { color: #fff; font-size: 1.05rem; }
  .topbar a { color: #e3e3e3; }
  .frame { flex: 1; display: flex; min-height: 0; background: #f1f1f1; border-radius: 12px 12px 0 0; overflow: hidden; }
  nav { width: 15rem; flex: none; padding: 0.75rem 0.5rem; background: #ebebeb; }
  nav ul { list-style: none; margin: 0; padding: 0; }
  nav li { padding: 0.25rem 0.75rem; border-radius: 8px; color: #616161; }
  nav .heading { margin-top: 0.75rem; font-weight: 600; color: #303030; }
  nav a { color: #303030; text-decoration: none; display: block; }
  nav a[aria-current] { font-weight: 650; }
  nav li:has(a[aria-current]) { background: #fafafa; }
  nav a:focus-visible, .topbar a:focus-visible { outline: 2px solid #005bd3; outline-offset: 2px; }
  main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
  .titlebar { margin: 0; padding: 0.5rem 1rem; border-bottom: 1px solid #e3e3e3; font-size: 0.9rem; font-weight: 650; }
  iframe { flex: 1; width: 100%; border: 0; display: block; }
  .notice { margin: 1rem; padding: 0.75rem 1rem; border-radius: 12px; background: #fee9e8; color: #8e1f0b; }
  @media (max-width: 48rem) { nav, .topbar .shop { display: none; } .frame { border-radius: 0; } }
</style>
</head>
<body>
<header class="topbar"><strong>Shopify</strong><span><span class="shop">${escapeHtml(shop)} · </span><a href="/">View store</a></span></header>
<div class="frame">
<nav aria-label="Admin">
  <ul>
    <li>Home</li><li>Orders</li><li>Products</li><li>Customers</li>
    <li class="heading">Apps</li>
    <li><a href="${ADMIN_PATH}" aria-current="page">tiercart</a></li>
  </ul>
</nav>
<main>
<h1 class="titlebar">tiercart</h1>
${body}
</main>
</div>
</body>
</html>`;
}

function problem({ app }) {
  if (!app) return "tiercart's server is not running: build it with `make build-native` and restart the demo.";
  if (!fs.existsSync(path.join(ADMIN_ASSETS, 'tiercart-admin.js')))
    return "tiercart's admin page is not built: run `make build-admin` and restart the demo.";
  return null;
}

// Handles the admin's routes; false when `pathname` is none of them.
export async function handleEmbeddedAdmin(req, res, pathname, { app, shop, send, origin }) {
  if (req.method === 'GET' && pathname === APP_BRIDGE_PATH) {
    send(req, res, 200, fs.readFileSync(path.join(here, 'app-bridge.js')), 'text/javascript; charset=utf-8', {
      'cache-control': 'no-cache',
    });
    return true;
  }
  if (req.method === 'POST' && pathname === TOKEN_PATH) {
    // Only the admin's own page may ask (a browser always sends Origin on a POST).
    if (!app || req.headers.origin !== origin) {
      send(req, res, 403, JSON.stringify({ error: 'forbidden' }), 'application/json');
      return true;
    }
    send(req, res, 200, JSON.stringify({ token: app.sessionToken(shop) }), 'application/json', {
      'cache-control': 'no-store',
    });
    return true;
  }
  // Where the code grant's callback sends the merchant: the app inside the shop's admin,
  // /store/{shop}/admin/apps/{api key} under the demo's Shopify origin. The demo's admin has
  // its one shop's page at ADMIN_PATH.
  if (req.method === 'GET' && pathname === `/store/${shop}/admin/apps/${app?.apiKey}`) {
    res.writeHead(302, { location: ADMIN_PATH });
    res.end();
    return true;
  }
  if (req.method !== 'GET' || pathname !== ADMIN_PATH) return false;
  const why = problem({ app });
  let body;
  if (why) body = `<p class="notice" role="alert">${escapeHtml(why)}</p>`;
  else {
    // `host` is what Shopify passes: the admin's host and path, base64url-encoded.
    const host = Buffer.from(`${new URL(origin).host}/admin`).toString('base64url');
    const src = new URL('/app', app.url);
    src.search = new URLSearchParams({ shop, host, embedded: '1', id_token: app.sessionToken(shop) }).toString();
    body = `<iframe id="app-frame" title="tiercart" src="${escapeHtml(src.href)}" data-token-url="${TOKEN_PATH}"></iframe>
<script>(${frameBridge.toString()})();</script>`;
  }
  send(req, res, 200, chrome({ shop, body }), 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
  return true;
}
