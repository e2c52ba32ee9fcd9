// The server's bounds under attack, measured on loopback against a running binary: its
// memory while compressed, chunked and oversized requests arrive, and whether a normal client
// is still answered while hundreds of connections stall in their request head. Bounded: every
// phase ends on its own within seconds, and the server is stopped at the end.
//
//   node bench/server/attack.mjs [server binary and flags...]
//   (default: build/bin/tiercart-server --port 0; the binary must print "listening on ...:PORT")
//
// The HTTP-layer probes of bench/server/http-layer/ take the same test:
//   node bench/server/attack.mjs build/bench-http-layer/httplib_probe --port 0
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [binary = path.join(root, 'build/bin/tiercart-server'), ...flags] = process.argv.slice(2);
const args = flags.length ? flags : ['--port', '0'];
const STALLED = Number(process.env.STALLED || 300);

const work = mkdtempSync(path.join(os.tmpdir(), 'tiercart-attack-'));
const child = spawn(binary, args, {
  env: { ...process.env, TIERCART_APP_SECRET: 'attack-secret', TIERCART_DATABASE_URL: `sqlite:${work}/attack.db` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const found = /listening on [^\s]*:(\d+)/.exec(out);
    if (found) resolve(Number(found[1]));
  });
  child.on('exit', (code) => reject(new Error(`${binary} exited with ${code}`)));
});

function memory() {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)[1]);
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

// Sends `head`, then `body` pieces while the server reads; resolves with its status line
// (or how the connection ended) once it closes or `limitMs` passes.
function exchange({ head, pieces = [], localAddress = '127.0.0.1', limitMs = 5000 }) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let answer = '';
    const done = (how) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer ? answer.split('\r\n')[0] : how);
    };
    const timer = setTimeout(() => done('no answer'), limitMs);
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) done();
    });
    socket.on('error', (error) => done(error.code));
    socket.on('close', () => done('closed'));
    socket.on('connect', async () => {
      socket.write(head);
      for (const piece of pieces) {
        if (socket.destroyed) return;
        if (!socket.write(piece)) await new Promise((next) => socket.once('drain', next));
      }
    });
  });
}

async function normalClient(limitMs = 1000) {
  const started = performance.now();
  const status = await exchange({ head: 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', limitMs });
  return { status, ms: performance.now() - started };
}

const rows = [];
const row = (phase, result, mem) => rows.push({ phase, result, rss: mib(mem.rss), peak: mib(mem.peak) });
row('idle', (await normalClient()).status, memory());

// 1. Four 1 MB gzip bodies that would inflate to 1 GiB each, at once (one gzip member, made
// 1 MiB at a time so that this script never holds the gigabyte).
const bomb = await new Promise((resolve) => {
  const gzip = zlib.createGzip({ level: 9 });
  const parts = [];
  gzip.on('data', (part) => parts.push(part));
  gzip.on('end', () => resolve(Buffer.concat(parts)));
  const zeros = Buffer.alloc(1 << 20);
  let left = 1024;
  const more = () => {
    while (left > 0) {
      left--;
      if (!gzip.write(zeros)) return gzip.once('drain', more);
    }
    gzip.end();
  };
  more();
});
const bombs = await Promise.all(
  ['/webhooks/orders/create', '/apps/tiercart/evaluate', '/nothing', '/webhooks/orders/create'].map((route) =>
    exchange({
      head: `POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`,
      pieces: [bomb],
    }),
  ),
);
row(`4 gzip bodies of ${(bomb.length / 1e6).toFixed(1)} MB (1 GiB inflated)`, bombs[0], memory());

// 2. A 64 MiB chunked body, and a 64 MiB header block.
const chunk = Buffer.from(`10000\r\n${'a'.repeat(0x10000)}\r\n`);
row(
  '64 MiB chunked body',
  await exchange({
    head: 'POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
    pieces: Array(1024).fill(chunk),
  }),
  memory(),
);
const field = Buffer.from(`X-Padding: ${'p'.repeat(8000)}\r\n`);
row(
  '64 MiB header block',
  await exchange({ head: 'GET /healthz HTTP/1.1\r\nHost: x\r\n', pieces: Array(8192).fill(field) }),
  memory(),
);

// 3. Connections that never finish their head, from three addresses, then a normal client.
const stalled = [];
await Promise.all(
  Array.from(
    { length: STALLED },
    (_, i) =>
      new Promise((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 3)}` }, () => {
          socket.write('POST /webhooks/orders/create HTTP/1.1\r\nHost: x\r\n');
          resolve();
        });
        socket.on('error', resolve);
        stalled.push(socket);
      }),
  ),
);
const during = [];
for (let i = 0; i < 5; i++) during.push(await normalClient());
const answered = during.filter((r) => r.status.startsWith('HTTP/1.1')).length;
const slowest = Math.max(...during.map((r) => r.ms));
row(
  `${STALLED} stalled connections, a normal client`,
  `${answered}/5 answered within 1 s (slowest ${slowest.toFixed(0)} ms)`,
  memory(),
);
const closedBy = await new Promise((resolve) => {
  const started = performance.now();
  let open = stalled.length;
  const limit = setTimeout(() => resolve(`${open} still open after 15 s`), 15000);
  for (const socket of stalled) {
    socket.on('close', () => {
      if (--open === 0) {
        clearTimeout(limit);
        resolve(`all closed by the server after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    });
  }
});
row(`${STALLED} stalled connections`, closedBy, memory());
for (const socket of stalled) socket.destroy();

child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
rmSync(work, { recursive: true, force: true });
console.log(`${path.basename(binary)} ${args.join(' ')}`);
console.table(rows);
process.exit(0);
