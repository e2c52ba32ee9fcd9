// Sizes of the theme extension's assets, raw, gzip (level 9) and brotli (quality 11), and the
// limits Shopify sets on an extension (../shared/SHOPIFY.md section 3). Run it to print a table:
//   node tests/theme/asset-sizes.mjs       (after make build-wasm build-web)

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const extension = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'theme-extension');

export function sizes(dir = path.join(extension, 'assets')) {
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const data = fs.readFileSync(path.join(dir, name));
      return {
        name,
        raw: data.length,
        gzip: zlib.gzipSync(data, { level: 9 }).length,
        brotli: zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
    });
}

// Every file of the extension, for the 10 MB limit.
export function totalBytes(dir = extension) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    total += entry.isDirectory() ? totalBytes(file) : fs.statSync(file).size;
  }
  return total;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = sizes();
  console.log('| asset | raw | gzip | brotli |\n| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${r.raw} | ${r.gzip} | ${r.brotli} |`);
  const sum = (key) => rows.reduce((n, r) => n + r[key], 0);
  console.log(`| total | ${sum('raw')} | ${sum('gzip')} | ${sum('brotli')} |`);
  console.log(`\nwhole extension (blocks, snippets, locales, assets): ${totalBytes()} bytes`);
}
