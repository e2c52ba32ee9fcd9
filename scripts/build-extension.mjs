#!/usr/bin/env node
// Bundles the customer account UI extension (extensions/tiercart-order-status) with esbuild
// into build/extensions/tiercart-order-status/, as Shopify CLI would, with the core's address
// check (its WebAssembly as bytes), and prints its size.
// Shopify's limit is 64 KB compressed; tests/extension/ asserts it.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const entry = path.join(root, 'extensions', 'tiercart-order-status', 'src', 'OrderStatus.js');
export const outfile = path.join(root, 'build', 'extensions', 'tiercart-order-status', 'OrderStatus.js');

// The core's address check, compiled alone (wasm/address.cpp, built by make build-wasm):
// its glue and its .wasm (as bytes) go into the bundle, so the extension fetches nothing.
const addressCore = path.join(root, 'build', 'wasm', 'wasm', 'tiercart-address-core.mjs');

export async function buildExtension() {
  if (!fs.existsSync(addressCore)) throw new Error(`${addressCore} is missing: run make build-wasm first`);
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    outfile,
    logLevel: 'silent',
    alias: { 'tiercart-address-core': addressCore, 'tiercart-address-wasm': addressCore.replace(/\.mjs$/, '.wasm') },
    loader: { '.wasm': 'binary' },
  });
  const code = fs.readFileSync(outfile);
  return {
    code,
    raw: code.length,
    gzip: zlib.gzipSync(code, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const size = await buildExtension();
  console.log(
    `extension bundle ${path.relative(root, outfile)}: ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli (limit 65536 B compressed)`,
  );
}
