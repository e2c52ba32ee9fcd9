// The shipping address checked as the customer types, by the core's check_address compiled to
// WebAssembly and bundled here: the rules the server applies when it saves. Whether the
// extension's sandbox may compile WebAssembly is not documented (docs/post-purchase-ui.md), so
// it is tried, not assumed: where it cannot, localAddressCheck() gives null and the server's
// answer on save is the only check, as before.

import createAddressCore from 'tiercart-address-core';
import wasmBinary from 'tiercart-address-wasm';

// Resolves to check(address, options) -> {ok, address, problems}, or null.
export async function localAddressCheck() {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') return null;
  try {
    // The bytes are given, so nothing is fetched; locateFile keeps the glue from resolving the
    // .wasm's URL against the bundle's own, which a blob: or sandboxed URL cannot resolve.
    const core = await createAddressCore({ wasmBinary, locateFile: (name) => name, print() {}, printErr() {} });
    return (address, options) => {
      const outcome = core.checkAddress(JSON.stringify(address), JSON.stringify(options || {}));
      return outcome.ok ? JSON.parse(outcome.json) : null;
    };
  } catch {
    return null; // compiling or instantiating was refused: the server checks
  }
}
