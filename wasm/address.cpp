// The shipping address checked as the customer types, by the rules the server applies when it
// saves (docs/post-purchase-ui.md). In the order page's module, and alone in
// tiercart-address-core.wasm, which scripts/build-extension.mjs bundles into the customer
// account extension (its 64 KB limit).

#include <emscripten/bind.h>

#include <string>

#include "outcome.h"
#include "tiercart/post_purchase.h"

namespace {

using tiercart::wasm::Outcome;
using tiercart::wasm::outcome;

Outcome check_address(const std::string& address, const std::string& options) {
  return outcome(tiercart::check_address_json(address, options));
}

}  // namespace

EMSCRIPTEN_BINDINGS(tiercart_address) { emscripten::function("checkAddress", &check_address); }
