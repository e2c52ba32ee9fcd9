// The wasm module in headless Chromium: cold start (fetch of tiercart.js, the glue and the
// .wasm from a local server, compile, instantiate, first evaluation: no network latency, no
// cache) and evaluate latency through the JS API for carts of 1, 20 and 250 lines.
// No npm packages: a small server hands Chromium the page and receives its figures.
// `make bench` runs it after wasm_bench.mjs. Figures only: nothing fails on a number.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const root = new URL('../', import.meta.url);
const kTimeoutMs = 120000;

const page = `<!doctype html><meta charset="utf-8"><title>tiercart wasm bench</title>
<script type="module">
// The benchmark's own modules first: the cold start is tiercart's alone.
const cases = await import('/bench/wasm_cases.mjs');
const { evaluatePlain } = await import('/bench/plain_drawer.mjs');
const started = performance.now();
const { createTiercart } = await import('/assets/tiercart.js');
let report;
try {
  const tiercart = await createTiercart();
  tiercart.evaluate(cases.program, cases.makeCart(1), cases.makeContext(1));
  report = { cold: performance.now() - started, isolated: crossOriginIsolated,
             userAgent: navigator.userAgent, latency: {} };
  for (const lines of cases.cartSizes) {
    const cart = cases.makeCart(lines);
    const context = cases.makeContext(lines);
    report.latency[lines] = cases.measure(() => tiercart.evaluate(cases.program, cart, context),
                                          { runs: cases.runsFor(lines) });
  }
  // The same JSON text in and out: the core against a plain JavaScript drawer function.
  report.text = {};
  for (const lines of cases.cartSizes) {
    const texts = [JSON.stringify(cases.program), JSON.stringify(cases.makeCart(lines)),
                   JSON.stringify(cases.makeContext(lines))];
    const runs = cases.runsFor(lines);
    report.text[lines] = {
      wasm: cases.measure(() => tiercart.evaluateJson(...texts), { runs }),
      plain: cases.measure(() => evaluatePlain(...texts), { runs }),
    };
  }
} catch (error) {
  report = { error: String(error && error.stack || error) };
}
await fetch('/results', { method: 'POST', body: JSON.stringify(report) });
</script>`;

const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serve(onResults) {
  return http.createServer((request, response) => {
    // Cross-origin isolation gives performance.now() its fine resolution.
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    };
    const url = new URL(request.url, 'http://localhost');
    if (request.method === 'POST' && url.pathname === '/results') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.writeHead(204, headers).end();
        onResults(JSON.parse(body));
      });
      return;
    }
    let file = null;
    if (url.pathname === '/') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
      return;
    }
    if (url.pathname.startsWith('/assets/')) {
      file = new URL(`theme-extension/assets/${path.basename(url.pathname)}`, root);
    } else if (url.pathname === '/bench/wasm_cases.mjs' || url.pathname === '/bench/plain_drawer.mjs') {
      file = new URL(url.pathname.slice(1), root);
    }
    if (!file || !fs.existsSync(file)) {
      response.writeHead(404, headers).end();
      return;
    }
    const type = types[path.extname(file.pathname)] ?? 'application/octet-stream';
    response.writeHead(200, { ...headers, 'Content-Type': type }).end(fs.readFileSync(file));
  });
}

async function main() {
  if (!fs.existsSync(chromium)) {
    console.log(`wasm module in Chromium: skipped (${chromium} not found)`);
    return;
  }
  let finish;
  const results = new Promise((resolve) => (finish = resolve));
  const server = serve(finish);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tiercart-chromium-'));
  const browser = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${server.address().port}/`,
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise((resolve) => browser.on('exit', resolve));
  const timeout = setTimeout(() => finish({ error: `no results after ${kTimeoutMs / 1000} s` }), kTimeoutMs);
  const report = await results;
  clearTimeout(timeout);
  try {
    process.kill(-browser.pid, 'SIGTERM'); // the browser we started, and its own children
  } catch {
    // already gone
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  server.close();
  fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });

  if (report.error) {
    console.log(`wasm module in Chromium: failed: ${report.error}`);
    process.exitCode = 1;
    return;
  }
  const ms = (value) => `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)} ms`;
  const version = /Chrome\/([\d.]+)/.exec(report.userAgent)?.[1] ?? '?';
  console.log(`\nwasm module in headless Chromium ${version}${report.isolated ? '' : ' (timer resolution 0.1 ms)'}`);
  console.log(`  cold start (fetch from localhost, compile, instantiate, first evaluation): ${ms(report.cold)}`);
  for (const [lines, r] of Object.entries(report.latency)) {
    console.log(`  evaluate ${String(lines).padStart(3)} lines: p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (${r.runs} runs)`);
  }
  console.log('  against a plain JavaScript drawer function, JSON text in and out (bench/plain_drawer.mjs):');
  for (const [lines, r] of Object.entries(report.text)) {
    console.log(
      `  ${String(lines).padStart(3)} lines: wasm p50 ${ms(r.wasm.p50)} p99 ${ms(r.wasm.p99)}  plain JS p50 ${ms(r.plain.p50)}  ratio ${(r.wasm.p50 / r.plain.p50).toFixed(1)}x`,
    );
  }
}

await main();
