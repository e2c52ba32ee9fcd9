// How fast the outbox gets writes to Shopify, against the demo's stand-in (demo/admin-api.mjs),
// bounded and on loopback. Installs one shop on a real tiercart-server, sends ORDERS flagged
// orders/create webhooks, and times until every order carries its tags:
// - with the shop's bucket as Shopify fills it (Standard plan: 1,000 points, 100 a second;
//   tagsAdd costs 10): the first ~100 go at once, then about 10 a second: Shopify's limit;
// - with the bucket topped up before every request (the stand-in's control endpoint), which
//   shows what the outbox itself can do.
// Prints writes per second for each, and the oldest pending write the server reported.
//
//   node bench/server/outbox.mjs [path/to/tiercart-server]     ORDERS=300 (default)
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintSessionToken } from '../../demo/session-token.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = process.argv[2] || path.join(root, 'build', 'bin', 'tiercart-server');
const orders = Number(process.env.ORDERS || 300);
const shop = 'bench-shop.myshopify.com';
const apiKey = 'bench-app';
const secret = crypto.randomBytes(32).toString('hex');
const adminToken = crypto.randomBytes(16).toString('hex');
const deadlineMs = 120000; // the whole run stops by itself

// Starts a child that prints its address on its first line; resolves to [child, port].
function start(command, args, env, pattern) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`${path.basename(command)} exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(pattern);
      if (m) resolve([child, Number(m[1])]);
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(label, topUp) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-outbox-bench-'));
  const [shopify, shopifyPort] = await start(
    'node',
    [
      path.join(root, 'demo', 'admin-api.mjs'),
      '--port',
      '0',
      '--client-id',
      apiKey,
      '--client-secret',
      secret,
      '--exit-with-stdin',
    ],
    {},
    /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  const control = (route, body) =>
    fetch(`http://127.0.0.1:${shopifyPort}/__demo/admin-api/shops/${shop}/${route}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    }).then((r) => r.json());
  const [app, port] = await start(
    server,
    [
      '--port',
      '0',
      '--api-key',
      apiKey,
      '--shopify-origin',
      `http://127.0.0.1:${shopifyPort}/store/{shop}`,
      '--theme-poll-ms',
      '3600000',
    ],
    {
      TIERCART_APP_SECRET: secret,
      TIERCART_ADMIN_TOKEN: adminToken,
      TIERCART_TOKEN_KEY: crypto.randomBytes(32).toString('hex'),
      TIERCART_DATABASE_URL: `sqlite:${path.join(dir, 'tiercart.db')}`,
    },
    /listening on 127\.0\.0\.1:(\d+)/,
  );
  const base = `http://127.0.0.1:${port}`;
  const shopState = () =>
    fetch(`${base}/admin/shop?shop=${shop}`, { headers: { authorization: `Bearer ${adminToken}` } }).then((r) =>
      r.json(),
    );
  try {
    // Installed as Shopify's managed install does it: a session token exchanged for a token.
    await fetch(`${base}/admin/shop`, {
      headers: { authorization: `Bearer ${mintSessionToken({ secret, apiKey, shop })}` },
    });
    while ((await shopState()).install_state !== 'installed') await sleep(20);
    // Let the first sync (discount, validation, theme) finish and the bucket refill.
    await sleep(2000);
    const forged = JSON.parse(
      fs.readFileSync(path.join(root, 'examples', 'orders', 'orders-create-forged.json'), 'utf8'),
    );
    for (let i = 0; i < orders; i++) {
      await control('orders', { id: 50001 + i, line_items: [{ variant_id: 2001, quantity: 1 }] });
    }
    const started = Date.now();
    let oldest = 0;
    for (let i = 0; i < orders; i++) {
      forged.id = 50001 + i;
      const body = JSON.stringify(forged);
      await fetch(`${base}/webhooks/orders/create`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-hmac-sha256': crypto.createHmac('sha256', secret).update(body).digest('base64'),
          'x-shopify-shop-domain': shop,
          'x-shopify-topic': 'orders/create',
          'x-shopify-webhook-id': `bench-${label}-${i}`,
        },
        body,
      });
    }
    for (;;) {
      if (topUp) await control('bucket', { client_id: apiKey, currently_available: 1000 });
      const state = await shopState();
      if (state.outbox.oldest_pending_at) oldest = Math.max(oldest, Date.now() - state.outbox.oldest_pending_at);
      if (state.outbox.pending === 0 && state.outbox.done >= orders) break;
      if (Date.now() - started > deadlineMs) throw new Error(`gave up: ${JSON.stringify(state.outbox)}`);
      await sleep(topUp ? 20 : 200);
    }
    const seconds = (Date.now() - started) / 1000;
    const tagged = (await control('state')).orders.filter((o) => o.tags.length > 0).length;
    console.log(
      `${label}: ${orders} flagged orders tagged in ${seconds.toFixed(2)} s = ${(orders / seconds).toFixed(1)} writes/s; ` +
        `${tagged} orders tagged; oldest pending write seen ${(oldest / 1000).toFixed(1)} s`,
    );
  } finally {
    app.kill('SIGTERM');
    shopify.stdin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (!fs.existsSync(server)) {
  console.error(`outbox.mjs: ${server} is not built (make build-native)`);
  process.exit(1);
}
await run("Shopify's bucket (Standard plan)", false);
await run('bucket kept full (the outbox alone)', true);
