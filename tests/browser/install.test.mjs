// Installing tiercart on a shop, end to end: build/bin/tiercart-server against the demo's
// stand-in for Shopify's OAuth endpoints (demo/shopify-oauth.mjs, SHOPIFY.md section 8), over
// real HTTP on loopback. The authorization code grant with its bad inputs (hmac, timestamp,
// state, shop), and the managed install's token exchange, which never holds up the admin even
// when Shopify fails. Plain HTTP: no browser needed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createShopifyOAuth, signAdminQuery } from '../../demo/shopify-oauth.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BINARY = path.join(ROOT, 'build/bin/tiercart-server');
const API_KEY = 'install-test-client';
const SECRET = crypto.randomBytes(16).toString('hex');
const ADMIN_TOKEN = crypto.randomBytes(16).toString('hex');
const APP_URL = 'https://tiercart.example';
const SHOP = 'northbound-supply.myshopify.com';

let oauth;
let shopify;
let server;
let app;
let dir;

before(async () => {
  oauth = createShopifyOAuth();
  oauth.registerApp({
    clientId: API_KEY,
    clientSecret: SECRET,
    scopes: 'read_orders,write_orders',
    redirectUrls: [`${APP_URL}/auth/callback`],
  });
  shopify = http.createServer(async (req, res) => {
    if (!(await oauth.handle(req, res, new URL(req.url, 'http://x').pathname))) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => shopify.listen(0, '127.0.0.1', resolve));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-install-'));
  server = spawn(BINARY, ['--port', '0', '--threads', '8'], {
    env: {
      PATH: process.env.PATH,
      TIERCART_APP_SECRET: SECRET,
      TIERCART_ADMIN_TOKEN: ADMIN_TOKEN,
      TIERCART_API_KEY: API_KEY,
      TIERCART_TOKEN_KEY: crypto.randomBytes(32).toString('hex'),
      TIERCART_APP_URL: APP_URL,
      TIERCART_SHOPIFY_ORIGIN: `http://127.0.0.1:${shopify.address().port}/store/{shop}`,
      TIERCART_DATABASE_URL: `sqlite:${path.join(dir, 'tiercart.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stderr.resume();
  const port = await new Promise((resolve, reject) => {
    let output = '';
    server.once('exit', (code) => reject(new Error(`tiercart-server exited with ${code}`)));
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (match) resolve(Number(match[1]));
    });
  });
  app = `http://127.0.0.1:${port}`;
});

after(async () => {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await new Promise((resolve) => shopify.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const shopState = async (shop) => {
  const res = await fetch(`${app}/admin/shop?shop=${shop}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  assert.equal(res.status, 200);
  return res.json();
};

// Waits for `check` to hold, asking again as soon as the last answer came back.
async function eventually(check, what) {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (await check()) return;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// /auth, then the consent page's Install: the callback URL Shopify sends the browser to, and
// the cookie the app set on it.
async function consent(shop) {
  const begin = await fetch(`${app}/auth?shop=${shop}`, { redirect: 'manual' });
  assert.equal(begin.status, 302);
  const cookie = begin.headers.get('set-cookie').split(';')[0];
  const authorize = new URL(begin.headers.get('location'));
  assert.equal(authorize.pathname, `/store/${shop}/admin/oauth/authorize`);
  assert.equal(authorize.searchParams.get('client_id'), API_KEY);
  assert.equal(authorize.searchParams.get('redirect_uri'), `${APP_URL}/auth/callback`);
  const granted = await fetch(authorize.origin + authorize.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: authorize.searchParams.toString(),
    redirect: 'manual',
  });
  assert.equal(granted.status, 302);
  const callback = new URL(granted.headers.get('location'));
  return { query: Object.fromEntries(callback.searchParams), cookie, scope: authorize.searchParams.get('scope') };
}

const callback = (query, cookie) =>
  fetch(`${app}/auth/callback?${new URLSearchParams(query)}`, { headers: { cookie }, redirect: 'manual' });

const errorOf = async (res) => (await res.json()).error.code;

test('the code grant installs the shop, and its state is good once', async () => {
  const { query, cookie, scope } = await consent(SHOP);
  const done = await callback(query, cookie);
  assert.equal(done.status, 302);
  assert.match(done.headers.get('location'), new RegExp(`/store/${SHOP}/admin/apps/${API_KEY}$`));
  const state = await shopState(SHOP);
  assert.equal(state.install_state, 'installed');
  assert.equal(state.scopes, scope);
  assert.ok(state.token_expires_at > Date.now() + 3500 * 1000, 'an expiring offline token');
  // The same callback again: its state is used up.
  const replay = await callback(query, cookie);
  assert.equal(replay.status, 403);
  assert.equal(await errorOf(replay), 'invalid_state');
  // Tokens are sealed at rest: nothing in the database reads like one.
  const bytes = fs.readFileSync(path.join(dir, 'tiercart.db')).toString('latin1');
  assert.doesNotMatch(bytes, /shpat_|shprt_/);
});

test('a callback with a bad hmac, a stale timestamp, a foreign state or a shop outside myshopify.com changes nothing', async () => {
  const shop = 'harbor-goods.myshopify.com';
  const { query, cookie } = await consent(shop);
  const resign = (changes) => {
    const changed = { ...query, ...changes };
    delete changed.hmac;
    return { ...changed, hmac: signAdminQuery(changed, SECRET) };
  };
  const cases = [
    [{ ...query, hmac: '0'.repeat(64) }, cookie, 401, 'invalid_hmac'],
    [{ ...query, code: 'another-code' }, cookie, 401, 'invalid_hmac'], // signed over the old code
    [resign({ timestamp: String(Math.floor(Date.now() / 1000) - 300) }), cookie, 400, 'stale_timestamp'],
    [resign({ state: 'never-issued' }), 'tiercart_oauth_state=never-issued', 403, 'invalid_state'],
    [query, 'tiercart_oauth_state=someone-elses', 403, 'invalid_state'], // not this browser's
    [resign({ shop: 'evil.example.com' }), cookie, 400, 'invalid_shop'],
  ];
  for (const [bad, sentCookie, status, code] of cases) {
    const res = await callback(bad, sentCookie);
    assert.equal(res.status, status, `${code}: ${JSON.stringify(bad)}`);
    assert.equal(await errorOf(res), code);
  }
  assert.notEqual((await shopState(shop)).install_state, 'installed');
  // The genuine callback still works after all that.
  assert.equal((await callback(query, cookie)).status, 302);
  assert.equal((await shopState(shop)).install_state, 'installed');
  // A signed install link for a shop outside myshopify.com never reaches a consent page.
  const link = { shop: 'evil.example.com', timestamp: String(Math.floor(Date.now() / 1000)) };
  const refused = await fetch(`${app}/auth?${new URLSearchParams({ ...link, hmac: signAdminQuery(link, SECRET) })}`, {
    redirect: 'manual',
  });
  assert.equal(refused.status, 400);
});

function sessionToken(shop) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    sub: '74',
    exp: now + 60,
    nbf: now - 1,
    iat: now - 1,
    jti: crypto.randomUUID(),
    sid: 'session-1',
  };
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${body}.${crypto.createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

test('a managed install exchanges the first session token in the background', async () => {
  const shop = 'quiet-pines.myshopify.com';
  const res = await fetch(`${app}/admin/shop`, { headers: { authorization: `Bearer ${sessionToken(shop)}` } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).shop, shop);
  await eventually(async () => (await shopState(shop)).install_state === 'installed', 'the token exchange');
});

test('a Shopify that fails never blocks the admin, and the admin says why the install is waiting', async () => {
  const shop = 'stormy-coast.myshopify.com';
  oauth.setOAuthOutage(shop, { status: 500, delayMs: 300 });
  const started = Date.now();
  const res = await fetch(`${app}/admin/shop`, { headers: { authorization: `Bearer ${sessionToken(shop)}` } });
  assert.equal(res.status, 200);
  assert.ok(Date.now() - started < 250, 'the admin answered before Shopify did');
  await eventually(async () => (await shopState(shop)).install_state === 'token_exchange_failed', 'the failure');
  assert.equal((await shopState(shop)).last_error, 'shopify_unavailable');
  // Shopify is back: a later visit installs it (a failed shop is asked again after a pause,
  // not on every admin call).
  oauth.setOAuthOutage(shop, null);
  await eventually(async () => {
    await fetch(`${app}/admin/shop`, { headers: { authorization: `Bearer ${sessionToken(shop)}` } });
    return (await shopState(shop)).install_state === 'installed';
  }, 'the retry');
});
