// Shopify's OAuth endpoints for the demo's shops (../shared/SHOPIFY.md section 8), under
// /store/{shop}/admin/oauth/: the consent page of the authorization code grant, and
// /admin/oauth/access_token with its three grants (code, token exchange, refresh).
//
// It follows what section 8 documents and nothing friendlier: codes are single-use and bound
// to their shop and app; an expiring token lasts 60 minutes and comes with a refresh token;
// a session token must be HS256 under the app's secret, for the app (`aud`) and the shop
// (`dest`), unexpired (10 s leeway), else 400 {"error":"invalid_subject_token"}; every refresh
// rotates the refresh token, the old one staying valid until the new one is used.
//
// Where section 8 is silent the choice is marked as the stand-in's. Tokens live in memory.
// The later Admin API stand-in asks checkAccessToken(); tests make a shop's endpoint fail or
// slow with setOAuthOutage().

import crypto from 'node:crypto';

const SHOP_PATH = /^\/store\/([a-z0-9][a-z0-9-]*\.myshopify\.com)\/admin\/oauth\/(authorize|access_token)$/;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const OFFLINE_TOKEN = 'urn:shopify:params:oauth:token-type:offline-access-token';
const ONLINE_TOKEN = 'urn:shopify:params:oauth:token-type:online-access-token';
const EXPIRING_SECONDS = 60 * 60; // an expiring offline token: 60 min
const ONLINE_SECONDS = 24 * 60 * 60; // an online token: the user's session, at most 24 h
// refresh_token_expires_in is unconfirmed in section 8: the stand-in's choice, 90 days.
const REFRESH_SECONDS = 90 * 24 * 60 * 60;
const SESSION_LEEWAY_S = 10;
const MAX_BODY_BYTES = 64 * 1024;

// application/x-www-form-urlencoded as Shopify's library signs it: sorted names, URLSearchParams.
export function signAdminQuery(params, secret) {
  const sorted = Object.keys(params)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => [k, params[k]]);
  const message = new URLSearchParams(sorted).toString();
  return crypto.createHmac('sha256', secret).update(message).digest('hex');
}

// The host parameter: base64 of the shop's admin host, as Shopify sends it.
export function adminHost(shop) {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, '')}`).toString('base64');
}

const randomToken = (prefix) => `${prefix}${crypto.randomBytes(16).toString('hex')}`;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sameText(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

// An App Bridge session token's claims, or null: HS256 under `secret`, `aud` the app, `dest`
// the shop, exp and nbf with Shopify's libraries' 10 s leeway.
function sessionClaims(token, { secret, clientId, shop, nowS }) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    if (header.alg !== 'HS256') return null;
    const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest('base64url');
    if (!sameText(expected, parts[2])) return null;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (claims.aud !== clientId || claims.dest !== `https://${shop}`) return null;
    if (typeof claims.exp !== 'number' || nowS > claims.exp + SESSION_LEEWAY_S) return null;
    if (typeof claims.nbf === 'number' && nowS < claims.nbf - SESSION_LEEWAY_S) return null;
    return claims;
  } catch {
    return null;
  }
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] || '').includes('json')) {
    try {
      const value = JSON.parse(text || '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

export function createShopifyOAuth({ now = () => Date.now() } = {}) {
  const apps = new Map(); // client id -> { clientSecret, scopes, name, redirectUrls }
  const codes = new Map(); // code -> { shop, clientId, scope, online }
  const accessTokens = new Map(); // token -> { shop, clientId, scope, expiresAt (ms, 0: never), expiring }
  const refreshTokens = new Map(); // token -> { shop, clientId, scope, expiresAt, previous }
  const outages = new Map(); // shop -> { status, delayMs }

  // Shopify knows each app by its client id (the API key) and secret; `scopes` stands for the
  // toml's [access_scopes] (what a managed install grants). `redirectUrls`, when given, are
  // the app's allowed redirection URLs: another redirect_uri is refused.
  function registerApp({ clientId, clientSecret, scopes = '', name = 'tiercart', redirectUrls = null }) {
    apps.set(clientId, { clientSecret, scopes, name, redirectUrls });
  }

  // What an Admin API stand-in needs: is `token` a live access token for `shop`? Its scope
  // and app when it is, null otherwise.
  function checkAccessToken(shop, token) {
    const entry = typeof token === 'string' ? accessTokens.get(token) : undefined;
    if (!entry || entry.shop !== shop || !apps.has(entry.clientId)) return null;
    if (entry.expiresAt && now() >= entry.expiresAt) return null;
    return { scope: entry.scope, clientId: entry.clientId };
  }

  // Every later request to the shop's access_token endpoint waits `delayMs`, then answers
  // `status` (or, for 'network', drops the connection). null lifts it.
  function setOAuthOutage(shop, outage) {
    if (outage) outages.set(shop, { status: outage.status ?? 0, delayMs: outage.delayMs ?? 0 });
    else outages.delete(shop);
  }

  // app/uninstalled: the shop's tokens for the app are gone.
  function uninstall(shop, clientId) {
    for (const map of [accessTokens, refreshTokens])
      for (const [token, entry] of map) if (entry.shop === shop && entry.clientId === clientId) map.delete(token);
  }

  function issue({ shop, clientId, scope, expiring, online }) {
    const accessToken = randomToken('shpat_');
    const nowMs = now();
    const answer = { access_token: accessToken, scope };
    if (online) {
      answer.expires_in = ONLINE_SECONDS;
      answer.associated_user_scope = scope;
      answer.associated_user = {
        id: 902541635,
        first_name: 'Demo',
        last_name: 'Merchant',
        email: 'merchant@northbound-supply.example',
        email_verified: true,
        account_owner: true,
        locale: 'en',
        collaborator: false,
      };
      accessTokens.set(accessToken, { shop, clientId, scope, expiresAt: nowMs + ONLINE_SECONDS * 1000, online });
      return answer;
    }
    if (!expiring) {
      accessTokens.set(accessToken, { shop, clientId, scope, expiresAt: 0, expiring: false });
      return answer;
    }
    const refreshToken = randomToken('shprt_');
    answer.expires_in = EXPIRING_SECONDS;
    answer.refresh_token = refreshToken;
    answer.refresh_token_expires_in = REFRESH_SECONDS;
    accessTokens.set(accessToken, {
      shop,
      clientId,
      scope,
      expiresAt: nowMs + EXPIRING_SECONDS * 1000,
      expiring: true,
    });
    refreshTokens.set(refreshToken, { shop, clientId, scope, expiresAt: nowMs + REFRESH_SECONDS * 1000 });
    return answer;
  }

  function authorize(req, res, shop, query) {
    const app = apps.get(query.client_id);
    const redirect = query.redirect_uri || '';
    let redirectUrl = null;
    try {
      redirectUrl = new URL(redirect);
    } catch {
      // not a URL: refused below
    }
    if (!app)
      return sendHtml(
        res,
        400,
        '<!doctype html><title>Oauth error</title><h1>Oauth error invalid_request</h1><p>The client_id is not valid.</p>',
      );
    if (
      !redirectUrl ||
      !/^https?:$/.test(redirectUrl.protocol) ||
      (app.redirectUrls && !app.redirectUrls.includes(redirect))
    )
      return sendHtml(
        res,
        400,
        '<!doctype html><title>Oauth error</title><h1>Oauth error invalid_request</h1><p>The redirect_uri is not whitelisted.</p>',
      );
    if (req.method === 'GET') {
      const hidden = ['client_id', 'scope', 'redirect_uri', 'state', 'grant_options[]']
        .filter((k) => query[k] !== undefined)
        .map((k) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(query[k])}">`)
        .join('');
      const scopes = String(query.scope || '')
        .split(',')
        .filter(Boolean)
        .map((s) => `<li>${escapeHtml(s)}</li>`)
        .join('');
      return sendHtml(
        res,
        200,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Install ${escapeHtml(app.name)}</title></head>` +
          `<body><main><h1>Install ${escapeHtml(app.name)} on ${escapeHtml(shop)}</h1>` +
          `<p>${escapeHtml(app.name)} will be able to:</p><ul>${scopes}</ul>` +
          `<form method="post">${hidden}<button type="submit">Install</button></form></main></body></html>`,
      );
    }
    // "Install": a single-use code for this shop and app, and the signed callback.
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, {
      shop,
      clientId: query.client_id,
      scope: String(query.scope || ''),
      online: query['grant_options[]'] === 'per-user',
    });
    const params = {
      code,
      host: adminHost(shop),
      shop,
      state: String(query.state ?? ''),
      timestamp: String(Math.floor(now() / 1000)),
    };
    params.hmac = signAdminQuery(params, app.clientSecret);
    for (const [k, v] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))
      redirectUrl.searchParams.append(k, v);
    res.writeHead(302, { location: redirectUrl.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  function accessToken(res, shop, body) {
    const invalidRequest = (description) =>
      sendJson(res, 400, { error: 'invalid_request', error_description: description });
    if (!body) return invalidRequest('The request body could not be read.');
    const app = apps.get(body.client_id);
    // A client that does not authenticate: RFC 6749's invalid_client (401). Section 8 does not
    // say what Shopify answers: the stand-in's choice.
    if (!app || typeof body.client_secret !== 'string' || !sameText(body.client_secret, app.clientSecret))
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    const clientId = body.client_id;
    const expiring = body.expiring === '1';

    if (body.grant_type === undefined && body.code !== undefined) {
      const grant = codes.get(String(body.code));
      if (!grant || grant.shop !== shop || grant.clientId !== clientId)
        return invalidRequest('The authorization code was not found or was already used.');
      codes.delete(String(body.code));
      return sendJson(res, 200, issue({ shop, clientId, scope: grant.scope, expiring, online: grant.online }));
    }

    if (body.grant_type === TOKEN_EXCHANGE) {
      const requested = body.requested_token_type;
      if (requested !== OFFLINE_TOKEN && requested !== ONLINE_TOKEN)
        return invalidRequest('requested_token_type is not supported.');
      if (body.subject_token_type === ID_TOKEN) {
        const claims = sessionClaims(body.subject_token, {
          secret: app.clientSecret,
          clientId,
          shop,
          nowS: Math.floor(now() / 1000),
        });
        if (!claims) return sendJson(res, 400, { error: 'invalid_subject_token' });
        // Managed installation: the scopes are the app's [access_scopes], granted at install.
        return sendJson(
          res,
          200,
          issue({ shop, clientId, scope: app.scopes, expiring, online: requested === ONLINE_TOKEN }),
        );
      }
      // Migrating a non-expiring offline token to an expiring one.
      if (body.subject_token_type === OFFLINE_TOKEN && requested === OFFLINE_TOKEN) {
        const old = accessTokens.get(body.subject_token);
        if (!old || old.shop !== shop || old.clientId !== clientId || old.expiresAt !== 0 || !expiring)
          return sendJson(res, 400, { error: 'invalid_subject_token' });
        return sendJson(res, 200, issue({ shop, clientId, scope: old.scope, expiring: true }));
      }
      return sendJson(res, 400, { error: 'invalid_subject_token' });
    }

    if (body.grant_type === 'refresh_token') {
      const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
      const entry = refreshTokens.get(token);
      if (!entry || entry.shop !== shop || entry.clientId !== clientId || now() >= entry.expiresAt)
        return invalidRequest('The refresh token is not valid.');
      // The old refresh token goes once its successor is used, not before: a caller that
      // lost the answer can still refresh with the one it holds.
      if (entry.previous) refreshTokens.delete(entry.previous);
      const answer = issue({ shop, clientId, scope: entry.scope, expiring: true });
      refreshTokens.get(answer.refresh_token).previous = token;
      return sendJson(res, 200, answer);
    }
    return invalidRequest('grant_type is not supported.');
  }

  // Answers the request when it is one of the shop's OAuth endpoints; false otherwise.
  async function handle(req, res, pathname) {
    const m = pathname.match(SHOP_PATH);
    if (!m) return false;
    const [, shop, endpoint] = m;
    const url = new URL(req.url, 'http://demo.local');
    if (endpoint === 'authorize') {
      if (req.method !== 'GET' && req.method !== 'POST') return false;
      const query = req.method === 'POST' ? await readBody(req) : Object.fromEntries(url.searchParams);
      authorize(req, res, shop, query || {});
      return true;
    }
    if (req.method !== 'POST') return false;
    const outage = outages.get(shop);
    if (outage?.delayMs) await new Promise((resolve) => setTimeout(resolve, outage.delayMs));
    if (outage?.status === 'network') {
      req.socket.destroy();
      return true;
    }
    if (outage?.status) {
      sendJson(res, outage.status, { errors: 'Service unavailable' });
      return true;
    }
    accessToken(res, shop, await readBody(req));
    return true;
  }

  return { handle, registerApp, checkAccessToken, setOAuthOutage, uninstall };
}

// The demo store's one stand-in, shared by the store's routes and, later, its Admin API.
const standIn = createShopifyOAuth();
export const handleShopifyOAuth = standIn.handle;
export const registerApp = standIn.registerApp;
export const checkAccessToken = standIn.checkAccessToken;
export const setOAuthOutage = standIn.setOAuthOutage;
export const uninstallApp = standIn.uninstall;
