// The customer account extension's call (tiercart-address-core.wasm, bundled into the
// extension by scripts/build-extension.mjs): the shipping address checked as the customer
// types, by the rules the server applies when it saves (docs/post-purchase-ui.md). Only this
// call, so that the module fits in the extension's 64 KB bundle.

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

EMSCRIPTEN_BINDINGS(tiercart_address) {
  emscripten::value_object<Outcome>("Outcome")
      .field("ok", &Outcome::ok)
      .field("json", &Outcome::json);
  emscripten::function("checkAddress", &check_address);
}
