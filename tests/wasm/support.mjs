// Shared by the Node tests of the wasm modules: loads the modules the storefront ships
// (theme-extension/assets/, built by `make build-wasm`) and runs the native build's
// tiercart_cases tool (build/bin/, built by `make build-native`) for the bytes to compare.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
export const assets = new URL('theme-extension/assets/', root);
export const fixturesDir = fileURLToPath(new URL('tests/fixtures/', root));
export const casesTool = process.env.TIERCART_CASES ?? fileURLToPath(new URL('build/bin/tiercart_cases', root));

function need(path, hint) {
  if (!fs.existsSync(path)) throw new Error(`${path} is missing: run ${hint} first`);
}

// The modules: 'storefront' (tiercart-core, the drawer's and the theme editor's) and 'orders'
// (tiercart-order-core, the order page's), as shipped in theme-extension/assets/; 'all' (every
// call, the server's checks included: build/wasm/wasm/tiercart-all) for the tests that hold
// every entry point of the wasm build to the native one. All three behind the same wrapper.
const MODULES = {
  storefront: { wasm: new URL('tiercart-core.wasm', assets), create: 'createTiercart' },
  orders: { wasm: new URL('tiercart-order-core.wasm', assets), create: 'createTiercartOrders' },
  all: {
    wasm: new URL('build/wasm/wasm/tiercart-all.wasm', root),
    glue: new URL('build/wasm/wasm/tiercart-all.mjs', root),
  },
};

export async function loadTiercart(which = 'storefront') {
  const { wasm, create, glue } = MODULES[which];
  need(fileURLToPath(wasm), 'make build-wasm');
  const module = await import(new URL('tiercart.js', assets));
  const wasmBinary = fs.readFileSync(wasm);
  const tiercart = create
    ? await module[create]({ wasmBinary })
    : new module.Tiercart(await (await import(glue)).default({ wasmBinary }));
  return { tiercart, TiercartError: module.TiercartError };
}

// The raw Embind table: {ok, json} with the core's exact bytes, errors included.
export function rawOutput(tiercart, command, doc) {
  const core = tiercart.core;
  switch (command) {
    case 'evaluate':
      return core.evaluate(doc.program, doc.cart, doc.context).json;
    case 'validate_cart':
      return core.validateCart(doc.program, doc.cart, doc.context).json;
    case 'validate_order':
      return core.validateOrder(doc.program, doc.order, doc.context).json;
    case 'check_program':
      return core.checkProgram(doc.program, doc.context).json;
    case 'select_offers':
      return core.selectOffers(doc.order, doc.offers, doc.context).json;
    case 'edit_eligibility':
      return core.editEligibility(doc.order, doc.policy, doc.now).json;
    case 'check_address':
      return core.checkAddress(doc.address, doc.options).json;
    case 'theme_program':
      return core.themeProgram(doc.settings_data, doc.options).json;
    default:
      throw new Error(`unknown command ${command}`);
  }
}

// Every fixture as the native build ran it: the document strings it passed and its output.
export function nativeFixtures() {
  need(casesTool, 'make build-native');
  const text = execFileSync(casesTool, ['--fixtures', fixturesDir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

// Seeded random cases from the native build, one at a time (100,000 of them are ~1 GB).
export async function* nativeCases(from, count) {
  need(casesTool, 'make build-native');
  const child = spawn(casesTool, ['--from', String(from), '--count', String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line) yield JSON.parse(line);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${casesTool} exited with ${code}`);
}
