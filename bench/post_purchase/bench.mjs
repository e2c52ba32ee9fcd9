#!/usr/bin/env node
// Offer latency of tiercart-server's post-purchase route on loopback: POST /post-purchase/offer
// with a real HS256 token, through JWT verification, the stored catalog and context, and the
// core's offer selection. One keep-alive client sends requests one after another (latency,
// not throughput), then 8 clients at once. Bounded: REQUESTS each (default 2000) or 20 s.
//
//   node bench/post_purchase/bench.mjs [path/to/tiercart-server]
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SHOP = 'northbound-supply.myshopify.com';
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = process.argv[2] || path.join(root, 'build', 'bin', 'tiercart-server');
const REQUESTS = Number(process.env.REQUESTS || 2000);
const LIMIT_MS = 20000;
const SECRET = 'bench-secret';
const ADMIN = 'bench-admin';
const API_KEY = 'bench-api-key';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-pp-bench-'));
const server = spawn(binary, ['--port', '0', '--database', `sqlite:${dir}/bench.db`, '--threads', '16'], {
  env: { ...process.env, TIERCART_APP_SECRET: SECRET, TIERCART_ADMIN_TOKEN: ADMIN, TIERCART_API_KEY: API_KEY },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = () => {
  server.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
};
try {
  const port = await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => {
      const m = /listening on [\d.]+:(\d+)/.exec(String(chunk));
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`tiercart-server exited with ${code}`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const request = (method, route, headers, body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: route,
          headers: { 'Content-Type': 'application/json', ...headers },
          agent,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  // The demo shop's catalog and context: six offers, the whole product catalog's facts.
  const offers = fs.readFileSync(path.join(root, 'examples', 'offers', 'northbound.json'), 'utf8');
  const context = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'contexts', 'catalog.json'), 'utf8'));
  for (const [route, body] of [
    ['/admin/context', JSON.stringify(context)],
    ['/admin/post-purchase/offers', offers],
  ]) {
    // The operator's token acts on the shop each call names.
    const res = await request('PUT', `${route}?shop=${SHOP}`, { Authorization: `Bearer ${ADMIN}` }, body);
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${res.body}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: 'shopify',
    dest: SHOP, // the purchase's shop: its offers and changesets are that shop's
    sub: 'bench-ref',
    iat: now,
    exp: now + 3600,
    input_data: {
      initialPurchase: {
        referenceId: 'bench-ref',
        totalPriceSet: {
          presentmentMoney: { amount: '227.00', currencyCode: 'USD' },
          shopMoney: { amount: '227.00', currencyCode: 'USD' },
        },
        lineItems: [
          {
            quantity: 1,
            product: { id: 1001, variant: { id: 2001 } },
            totalPriceSet: { presentmentMoney: { amount: '89.00', currencyCode: 'USD' } },
          },
          {
            quantity: 1,
            product: { id: 1002, variant: { id: 2004 } },
            totalPriceSet: { presentmentMoney: { amount: '138.00', currencyCode: 'USD' } },
          },
        ],
      },
    },
  };
  const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`;
  const headers = { Authorization: `Bearer ${token}` };
  const check = await request('POST', '/post-purchase/offer', headers, '{}');
  if (check.status !== 200) throw new Error(`offer: ${check.status} ${check.body}`);
  const offered = JSON.parse(check.body).offers.length;

  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  async function run(clients) {
    const times = [];
    const deadline = Date.now() + LIMIT_MS;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (times.length < REQUESTS && Date.now() < deadline) {
          const t0 = process.hrtime.bigint();
          const res = await request('POST', '/post-purchase/offer', headers, '{}');
          if (res.status !== 200) throw new Error(`offer: ${res.status}`);
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    times.sort((a, b) => a - b);
    return { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99), rate: times.length / seconds };
  }
  await run(1); // warm-up: caches, connections
  console.log(
    `tiercart-server post-purchase offer latency on 127.0.0.1 (${offered} offers from a 6-offer catalog, JWT verified each time), ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  for (const clients of [1, 8]) {
    const r = await run(clients);
    console.log(
      `  ${clients} client${clients > 1 ? 's' : ' '}: ${r.n} requests, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, ${Math.round(r.rate)} requests/s`,
    );
  }
  agent.destroy();
} finally {
  stop();
}
