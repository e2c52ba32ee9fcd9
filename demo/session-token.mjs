// App Bridge session tokens as Shopify's admin mints them for an embedded app (SHOPIFY.md
// section 8): a JWT signed HS256 with the app's secret, valid one minute, naming the shop in
// `dest` and the app in `aud`. The demo's admin is the only minter; the secret never leaves it.

import crypto from 'node:crypto';

const base64url = (value) => Buffer.from(value).toString('base64url');

export function mintSessionToken({ secret, apiKey, shop, userId = '1', now = Date.now() }) {
  const seconds = Math.floor(now / 1000);
  const header = { alg: 'HS256', typ: 'JWT' };
  const claims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: userId,
    exp: seconds + 60,
    nbf: seconds,
    iat: seconds,
    jti: crypto.randomUUID(),
    sid: crypto.randomBytes(16).toString('hex'),
  };
  const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.createHmac('sha256', secret).update(signed).digest('base64url');
  return `${signed}.${signature}`;
}
