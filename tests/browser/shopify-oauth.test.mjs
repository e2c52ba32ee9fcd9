// The demo's stand-in for Shopify's OAuth endpoints against ../shared/SHOPIFY.md section 8:
// the consent page's signed callback, single-use codes, expiring tokens, token exchange with a
// session token, refresh-token rotation, and the outage hook. Plain HTTP: no browser needed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { adminHost, createShopifyOAuth, signAdminQuery } from '../../demo/shopify-oauth.mjs';

const SHOP = 'northbound-supply.myshopify.com';
const CLIENT_ID = 'oauth-test-client';
const SECRET = 'oauth-test-secret';
const REDIRECT = 'https://app.example/auth/callback';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const OFFLINE = 'urn:shopify:params:oauth:token-type:offline-access-token';

let oauth;
let server;
let base;
before(async () => {
  oauth = createShopifyOAuth();
  oauth.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET, scopes: 'read_orders,write_orders' });
  server = http.createServer(async (req, res) => {
    if (!(await oauth.handle(req, res, new URL(req.url, 'http://x').pathname))) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/store/${SHOP}/admin/oauth`;
});
after(() => new Promise((resolve) => server.close(resolve)));

const tokenRequest = (body, shop = SHOP) =>
  fetch(`http://127.0.0.1:${server.address().port}/store/${shop}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.json() }));

// The consent page's "Install", as the browser submits it; the callback URL it redirects to.
async function install(params = {}) {
  const query = {
    client_id: CLIENT_ID,
    scope: 'read_orders',
    redirect_uri: REDIRECT,
    state: 'n0nce',
    'grant_options[]': '',
    ...params,
  };
  const page = await fetch(`${base}/authorize?${new URLSearchParams(query)}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<button type="submit">Install<\/button>/);
  const res = await fetch(`${base}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(query).toString(),
    redirect: 'manual',
  });
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location'));
}

function sessionToken(claims = {}, secret = SECRET) {
  const now = Math.floor(Date.now() / 1000);
  const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: CLIENT_ID, sub: '42', exp: now + 60, nbf: now - 1, iat: now - 1, jti: crypto.randomUUID(), sid: 's', ...claims })}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

test('the callback carries code, host, shop, state, timestamp and their hmac, as Shopify signs them', async () => {
  const callback = await install();
  assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
  const params = Object.fromEntries(callback.searchParams);
  assert.deepEqual(Object.keys(params), ['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
  assert.equal(params.shop, SHOP);
  assert.equal(params.state, 'n0nce');
  assert.equal(params.host, adminHost(SHOP));
  assert.equal(Buffer.from(params.host, 'base64').toString(), 'admin.shopify.com/store/northbound-supply');
  assert.ok(Math.abs(Number(params.timestamp) - Date.now() / 1000) < 5);
  // The message by hand: the other parameters sorted and form-encoded.
  const message = `code=${params.code}&host=${encodeURIComponent(params.host)}&shop=${SHOP}&state=n0nce&timestamp=${params.timestamp}`;
  assert.equal(params.hmac, crypto.createHmac('sha256', SECRET).update(message).digest('hex'));
  assert.equal(signAdminQuery(params, SECRET), params.hmac);
});

test('a code is single-use, bound to its shop and app, and gives an expiring token on request', async () => {
  const code = (await install()).searchParams.get('code');
  const otherShop = await tokenRequest(
    { client_id: CLIENT_ID, client_secret: SECRET, code, expiring: '1' },
    'other-shop.myshopify.com',
  );
  assert.equal(otherShop.status, 400);
  const wrongSecret = await tokenRequest({ client_id: CLIENT_ID, client_secret: 'nope', code, expiring: '1' });
  assert.equal(wrongSecret.status, 401);
  const granted = await tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, code, expiring: '1' });
  assert.equal(granted.status, 200);
  assert.deepEqual(Object.keys(granted.body).sort(), [
    'access_token',
    'expires_in',
    'refresh_token',
    'refresh_token_expires_in',
    'scope',
  ]);
  assert.equal(granted.body.expires_in, 3600);
  assert.equal(granted.body.scope, 'read_orders');
  assert.deepEqual(oauth.checkAccessToken(SHOP, granted.body.access_token), {
    scope: 'read_orders',
    clientId: CLIENT_ID,
  });
  assert.equal(oauth.checkAccessToken('other-shop.myshopify.com', granted.body.access_token), null);
  const again = await tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, code, expiring: '1' });
  assert.equal(again.status, 400);

  const lasting = await tokenRequest({
    client_id: CLIENT_ID,
    client_secret: SECRET,
    code: (await install()).searchParams.get('code'),
    expiring: '0',
  });
  assert.deepEqual(Object.keys(lasting.body).sort(), ['access_token', 'scope']);
});

test('token exchange takes only a valid session token for the app and the shop', async () => {
  const exchange = (subject) =>
    tokenRequest({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject,
      subject_token_type: ID_TOKEN,
      requested_token_type: OFFLINE,
      expiring: '1',
    });
  const ok = await exchange(sessionToken());
  assert.equal(ok.status, 200);
  assert.equal(ok.body.scope, 'read_orders,write_orders');
  assert.ok(ok.body.refresh_token);
  const now = Math.floor(Date.now() / 1000);
  for (const bad of [
    sessionToken({}, 'another secret'),
    sessionToken({ aud: 'another-app' }),
    sessionToken({ dest: 'https://other-shop.myshopify.com' }),
    sessionToken({ exp: now - 11 }),
    sessionToken({ nbf: now + 30 }),
    'not.a.token',
  ]) {
    const refused = await exchange(bad);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: 'invalid_subject_token' });
  }
  assert.equal((await exchange(sessionToken({ exp: now - 5 }))).status, 200); // within the leeway
});

test('a refresh rotates the refresh token; the old one lasts until the new one is used', async () => {
  const code = (await install()).searchParams.get('code');
  const first = (await tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, code, expiring: '1' })).body;
  const refresh = (token) =>
    tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, grant_type: 'refresh_token', refresh_token: token });
  const second = await refresh(first.refresh_token);
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refresh_token, first.refresh_token);
  assert.notEqual(second.body.access_token, first.access_token);
  assert.equal((await refresh(first.refresh_token)).status, 200); // the new one is not used yet
  assert.equal((await refresh(second.body.refresh_token)).status, 200);
  assert.equal((await refresh(first.refresh_token)).status, 400); // now it is
});

test('an outage makes the endpoint fail or wait', async () => {
  oauth.setOAuthOutage(SHOP, { status: 503 });
  assert.equal((await tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, code: 'x' })).status, 503);
  oauth.setOAuthOutage(SHOP, { delayMs: 150 });
  const start = Date.now();
  assert.equal((await tokenRequest({ client_id: CLIENT_ID, client_secret: SECRET, code: 'x' })).status, 400);
  assert.ok(Date.now() - start >= 140);
  oauth.setOAuthOutage(SHOP, null);
});

test('the consent page refuses an unknown app and escapes what it shows', async () => {
  const unknown = await fetch(`${base}/authorize?client_id=nobody&redirect_uri=${encodeURIComponent(REDIRECT)}`);
  assert.equal(unknown.status, 400);
  const page = await fetch(
    `${base}/authorize?${new URLSearchParams({ client_id: CLIENT_ID, scope: '<b>x</b>', redirect_uri: REDIRECT, state: '"><script>' })}`,
  );
  const html = await page.text();
  assert.ok(!html.includes('<b>x</b>') && !html.includes('"><script>'));
});
